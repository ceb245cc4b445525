//! The e-mails Rinnalla sends, in the recipient's language. Plain, friendly, and free of client
//! details: e-mail is not a safe channel for special-category data, so messages only say that
//! something is waiting in Rinnalla and give the link.

use super::{entities::user, mail::Mail};
use crate::i18n::{Locale, td_string};

fn locale_of(account: &user::Model) -> Locale {
    account.locale.parse().unwrap_or_default()
}

/// HTML from the plain text: each paragraph escaped, lines that are links made clickable.
pub fn html_from_text(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|paragraph| {
            let lines: Vec<String> = paragraph
                .lines()
                .map(|line| {
                    let escaped = html_escape::encode_text(line);
                    if line.starts_with("https://") || line.starts_with("http://") {
                        let href = html_escape::encode_double_quoted_attribute(line);
                        format!("<a href=\"{href}\">{escaped}</a>")
                    } else {
                        escaped.into_owned()
                    }
                })
                .collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.5\">{}</body></html>",
        paragraphs.join("\n")
    )
}

fn mail(account: &user::Model, subject: String, text: String) -> Mail {
    Mail {
        to_name: account.name.clone(),
        to_address: account.email.clone(),
        subject,
        html: html_from_text(&text),
        text,
    }
}

pub fn invitation(account: &user::Model, inviter: &str, link: &str) -> Mail {
    let locale = locale_of(account);
    let subject = td_string!(locale, email.invitation.subject).to_string();
    let text = td_string!(
        locale,
        email.invitation.text,
        name = account.name.as_str(),
        inviter = inviter,
        link = link
    );
    mail(account, subject, text)
}

pub fn password_reset(account: &user::Model, link: &str) -> Mail {
    let locale = locale_of(account);
    let subject = td_string!(locale, email.password_reset.subject).to_string();
    let text = td_string!(locale, email.password_reset.text, name = account.name.as_str(), link = link);
    mail(account, subject, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_text_and_links_urls() {
        let html = html_from_text("Hei <Aino> & co,\n\nhttps://x.fi/a?b=1&c=2\n\nKiitos");
        assert!(html.contains("<p>Hei &lt;Aino&gt; &amp; co,</p>"), "{html}");
        assert!(
            html.contains("<a href=\"https://x.fi/a?b=1&amp;c=2\">https://x.fi/a?b=1&amp;c=2</a>"),
            "{html}"
        );
        assert!(html.contains("<p>Kiitos</p>"));
    }
}
