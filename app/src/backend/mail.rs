//! Delivering e-mail: the message (text and HTML alternatives, attachments such as calendar
//! invitations) and the transports that carry it. SMTP through lettre in production; in
//! development, without SMTP settings, each message is written as an `.eml` file. Callers never
//! send directly: they write to the outbox, and its sender uses a transport.

use std::{path::PathBuf, time::Duration};

use async_trait::async_trait;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart, header::ContentType},
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, Tls, TlsParameters},
    },
};
use serde::{Deserialize, Serialize};

/// A rendered message for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// A text attachment, such as an `.ics` calendar invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not deliver the message: {0}")]
    Transport(String),
}

/// Builds the MIME message. The Message-ID comes from the outbox's idempotency key, so a
/// message that is ever delivered twice (a crash after the server accepted it but before the
/// outbox recorded that) is recognisably the same message.
pub fn build_message(from: &Mailbox, mail: &Mail, message_id: &str) -> Result<Message, MailError> {
    let to = Mailbox::new(
        Some(mail.to_name.clone()),
        mail.to_address.parse().map_err(|_| MailError::Address(mail.to_address.clone()))?,
    );
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{message_id}@{}>", from.email.domain())));
    let alternative = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
    let body = if mail.attachments.is_empty() {
        alternative
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for attachment in &mail.attachments {
            let content_type = ContentType::parse(&attachment.content_type)
                .map_err(|e| MailError::Build(format!("{}: {e}", attachment.content_type)))?;
            let part: SinglePart = MimeAttachment::new(attachment.filename.clone())
                .body(attachment.content.clone(), content_type);
            mixed = mixed.singlepart(part);
        }
        mixed
    };
    builder.multipart(body).map_err(|e| MailError::Build(e.to_string()))
}

#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, message: Message) -> Result<(), MailError>;
    /// For logs and the admin page: "smtp://host:port" or "files:<dir>".
    fn describe(&self) -> String;
}

/// Writes every message as `<id>.eml` in a folder (development and tests).
pub struct FileTransport {
    dir: PathBuf,
    transport: AsyncFileTransport<Tokio1Executor>,
}

impl FileTransport {
    pub fn new(dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self { transport: AsyncFileTransport::new(dir.clone()), dir })
    }
}

#[async_trait]
impl MailTransport for FileTransport {
    async fn send(&self, message: Message) -> Result<(), MailError> {
        self.transport.send(message).await.map_err(|e| MailError::Transport(e.to_string()))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("files:{}", self.dir.display())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required, not opportunistic).
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only for a relay on the same host or network segment.
    None,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout: Duration,
    /// PEM of an extra certificate authority to trust (a private relay's own CA).
    pub ca_certificate: Option<Vec<u8>>,
}

pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
    description: String,
}

impl SmtpTransport {
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let tls = match settings.security {
            SmtpSecurity::None => None,
            security => {
                let mut parameters = TlsParameters::builder(settings.host.clone());
                if let Some(pem) = &settings.ca_certificate {
                    let certificate =
                        Certificate::from_pem(pem).map_err(|e| MailError::Build(e.to_string()))?;
                    parameters = parameters.add_root_certificate(certificate);
                }
                let parameters = parameters.build().map_err(|e| MailError::Build(e.to_string()))?;
                Some(if security == SmtpSecurity::Tls {
                    Tls::Wrapper(parameters)
                } else {
                    Tls::Required(parameters)
                })
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .timeout(Some(settings.timeout));
        if let Some(tls) = tls {
            builder = builder.tls(tls);
        }
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            inner: builder.build(),
            description: format!("smtp://{}:{} ({:?})", settings.host, settings.port, settings.security),
        })
    }
}

#[async_trait]
impl MailTransport for SmtpTransport {
    async fn send(&self, message: Message) -> Result<(), MailError> {
        self.inner.send(message).await.map_err(|e| MailError::Transport(e.to_string()))?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}
