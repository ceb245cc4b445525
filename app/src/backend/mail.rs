//! Sending e-mail. Messages are rendered by the caller (subject, text and HTML in the
//! recipient's language) and handed to a [`Mailer`]. The development default writes each
//! message as an `.eml` file; the outbox (a later change) puts a durable queue under this.

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::{
    AsyncFileTransport, AsyncTransport, Message,
    message::{Mailbox, MultiPart},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
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

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: Mail) -> Result<(), MailError>;
}

/// Builds the MIME message: plain text and HTML alternatives, UTF-8.
pub fn build_message(from: &Mailbox, mail: &Mail) -> Result<Message, MailError> {
    let to = Mailbox::new(
        Some(mail.to_name.clone()),
        mail.to_address.parse().map_err(|_| MailError::Address(mail.to_address.clone()))?,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| MailError::Build(e.to_string()))
}

/// Writes every message as `<id>.eml` in a folder, for development and tests.
pub struct FileMailer {
    from: Mailbox,
    transport: AsyncFileTransport<lettre::Tokio1Executor>,
}

impl FileMailer {
    pub fn new(dir: PathBuf, from: Mailbox) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self { from, transport: AsyncFileTransport::new(dir) })
    }
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let message = build_message(&self.from, &mail)?;
        self.transport.send(message).await.map_err(|e| MailError::Transport(e.to_string()))?;
        Ok(())
    }
}
