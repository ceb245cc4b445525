//! The e-mails Rinnalla sends, in the recipient's language: a subject, plain text, and HTML
//! made from the same text. Plain, friendly, and free of client details: e-mail is not a safe
//! channel for special-category data, so messages only say that something is waiting in
//! Rinnalla and give the link.

use super::{
    entities::user,
    outbox::{Outgoing, Recipient},
};
use crate::{
    domain::{outbox::MessageKind, referrals::ContactChannel, visits::VisitKind},
    i18n::{Locale, td_string},
};

fn locale_of(account: &user::Model) -> Locale {
    account.locale.parse().unwrap_or_default()
}

pub fn recipient(account: &user::Model) -> Recipient {
    Recipient {
        user_id: Some(account.id),
        name: account.name.clone(),
        address: account.email.clone(),
        locale: account.locale.clone(),
    }
}

/// HTML from the plain text: paragraphs escaped, a line that is a link made a button, and a
/// footer saying where the message comes from.
pub fn html_from_text(text: &str, footer: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|paragraph| {
            let trimmed = paragraph.trim();
            if !trimmed.contains(char::is_whitespace)
                && (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
            {
                let href = html_escape::encode_double_quoted_attribute(trimmed);
                return format!(
                    "<p><a href=\"{href}\" style=\"display:inline-block;padding:12px 20px;\
                     background:#1f5f8b;color:#ffffff;border-radius:6px;text-decoration:none;\
                     font-weight:600\">{}</a></p>\n<p style=\"font-size:13px;color:#4b5560\">{}</p>",
                    html_escape::encode_text(trimmed),
                    html_escape::encode_text(trimmed)
                );
            }
            let lines: Vec<String> =
                paragraph.lines().map(|line| html_escape::encode_text(line).into_owned()).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1d2327;max-width:40em\">\
         {}\n<hr style=\"border:0;border-top:1px solid #c9ced3\">\
         <p style=\"font-size:13px;color:#4b5560\">{}</p></body></html>",
        paragraphs.join("\n"),
        html_escape::encode_text(footer)
    )
}

fn outgoing(
    kind: MessageKind,
    key: String,
    account: &user::Model,
    subject: String,
    text: String,
) -> Outgoing {
    let footer = td_string!(locale_of(account), email.footer).to_string();
    Outgoing {
        kind,
        key,
        recipient: recipient(account),
        subject,
        html: html_from_text(&text, &footer),
        text: format!("{text}\n\n-- \n{footer}"),
        attachments: Vec::new(),
    }
}

/// To the old address of an account whose e-mail address someone else changed: the person
/// learns of it even if the change was made to take their account over.
pub fn email_changed(before: &user::Model, new_address: &str, by: &str, key: String) -> Outgoing {
    let locale = locale_of(before);
    let subject = td_string!(locale, email.email_changed.subject).to_string();
    let text = td_string!(
        locale,
        email.email_changed.text,
        name = before.name.as_str(),
        address = new_address,
        by = by
    );
    outgoing(MessageKind::AccountChanged, key, before, subject, text)
}

/// A change to how a person signs in, told to them at once: whoever did not make it learns
/// of it (a mandatory mail, like the other account mails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInChange<'a> {
    PasswordChanged,
    SecondFactorOn,
    SecondFactorOff,
    SecondFactorReset { by: &'a str },
    RecoveryCodeUsed { left: u64 },
}

pub fn sign_in_changed(account: &user::Model, change: SignInChange<'_>, key: String) -> Outgoing {
    let locale = locale_of(account);
    let name = account.name.as_str();
    let (subject, text) = match change {
        SignInChange::PasswordChanged => (
            td_string!(locale, email.sign_in_changed.password_subject).to_string(),
            td_string!(locale, email.sign_in_changed.password_text, name = name),
        ),
        SignInChange::SecondFactorOn => (
            td_string!(locale, email.sign_in_changed.on_subject).to_string(),
            td_string!(locale, email.sign_in_changed.on_text, name = name),
        ),
        SignInChange::SecondFactorOff => (
            td_string!(locale, email.sign_in_changed.off_subject).to_string(),
            td_string!(locale, email.sign_in_changed.off_text, name = name),
        ),
        SignInChange::SecondFactorReset { by } => (
            td_string!(locale, email.sign_in_changed.reset_subject).to_string(),
            td_string!(locale, email.sign_in_changed.reset_text, name = name, by = by),
        ),
        SignInChange::RecoveryCodeUsed { left } => (
            td_string!(locale, email.sign_in_changed.recovery_subject).to_string(),
            td_string!(locale, email.sign_in_changed.recovery_text, name = name, left = left.to_string()),
        ),
    };
    outgoing(MessageKind::AccountChanged, key, account, subject, text)
}

/// To a person whose roles someone else changed: what they are now.
pub fn roles_changed(
    account: &user::Model,
    roles: &crate::domain::roles::RoleSet,
    by: &str,
    key: String,
) -> Outgoing {
    let locale = locale_of(account);
    let names: Vec<&str> = roles.iter().map(|role| crate::words::role_text(role, locale)).collect();
    let roles = if names.is_empty() { "-".to_owned() } else { names.join(", ") };
    let subject = td_string!(locale, email.roles_changed.subject).to_string();
    let text = td_string!(
        locale,
        email.roles_changed.text,
        name = account.name.as_str(),
        roles = roles.as_str(),
        by = by
    );
    outgoing(MessageKind::AccountChanged, key, account, subject, text)
}

/// `key` names the token the link carries: one message per invitation.
pub fn invitation(account: &user::Model, inviter: &str, link: &str, key: String) -> Outgoing {
    let locale = locale_of(account);
    let subject = td_string!(locale, email.invitation.subject).to_string();
    let text = td_string!(
        locale,
        email.invitation.text,
        name = account.name.as_str(),
        inviter = inviter,
        link = link
    );
    outgoing(MessageKind::Invitation, key, account, subject, text)
}

/// The e-mails that only say that something waits in Rinnalla, with the link to it. One row per
/// kind: the words differ, the shape does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    PasswordReset,
    /// "You have a new referral in Rinnalla" (to a coordinator), never who or why.
    ReferralReceived,
    GuideProposed,
    GuideAccepted,
    TransferApproved,
    /// "The summary of a guidance you referred is ready for the client record" (to the social
    /// worker), never whose.
    SummaryReady,
    /// "A place on an outing has freed up for your client; confirm it" (to the guide), never
    /// whose or which outing.
    OutingPlaceOffered,
}

impl Notice {
    fn kind(self) -> MessageKind {
        match self {
            Notice::PasswordReset => MessageKind::PasswordReset,
            Notice::ReferralReceived => MessageKind::ReferralReceived,
            Notice::GuideProposed => MessageKind::GuideProposed,
            Notice::GuideAccepted => MessageKind::GuideAccepted,
            Notice::TransferApproved => MessageKind::TransferApproved,
            Notice::SummaryReady => MessageKind::SummaryReady,
            Notice::OutingPlaceOffered => MessageKind::OutingPlaceOffered,
        }
    }

    /// The subject and the text, in `locale`, greeting `name`.
    fn words(self, locale: Locale, name: &str, link: &str) -> (String, String) {
        match self {
            Notice::PasswordReset => (
                td_string!(locale, email.password_reset.subject).to_string(),
                td_string!(locale, email.password_reset.text, name = name, link = link),
            ),
            Notice::ReferralReceived => (
                td_string!(locale, email.referral_received.subject).to_string(),
                td_string!(locale, email.referral_received.text, name = name, link = link),
            ),
            Notice::GuideProposed => (
                td_string!(locale, email.guide_proposed.subject).to_string(),
                td_string!(locale, email.guide_proposed.text, name = name, link = link),
            ),
            Notice::GuideAccepted => (
                td_string!(locale, email.guide_accepted.subject).to_string(),
                td_string!(locale, email.guide_accepted.text, name = name, link = link),
            ),
            Notice::TransferApproved => (
                td_string!(locale, email.transfer_approved.subject).to_string(),
                td_string!(locale, email.transfer_approved.text, name = name, link = link),
            ),
            Notice::SummaryReady => (
                td_string!(locale, email.summary_ready.subject).to_string(),
                td_string!(locale, email.summary_ready.text, name = name, link = link),
            ),
            Notice::OutingPlaceOffered => (
                td_string!(locale, email.outing_place_offered.subject).to_string(),
                td_string!(locale, email.outing_place_offered.text, name = name, link = link),
            ),
        }
    }
}

/// `notice` to `account` with `link`; `key` names the event, so it is sent once.
pub fn notice(notice: Notice, account: &user::Model, link: &str, key: String) -> Outgoing {
    let (subject, text) = notice.words(locale_of(account), &account.name, link);
    outgoing(notice.kind(), key, account, subject, text)
}

pub fn first_contact_overdue(account: &user::Model, link: &str, day: i64, key: String) -> Outgoing {
    let locale = locale_of(account);
    let subject = td_string!(locale, email.first_contact_overdue.subject, day = day).to_string();
    let text = td_string!(
        locale,
        email.first_contact_overdue.text,
        name = account.name.as_str(),
        day = day,
        link = link
    );
    outgoing(MessageKind::FirstContactOverdue, key, account, subject, text)
}

/// The facts of a visit an e-mail may carry: kind, time and place, never who the client is.
pub struct VisitFacts<'a> {
    pub kind: VisitKind,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    /// The zone the visit was booked in: its times are written in it.
    pub zone: chrono_tz::Tz,
    pub place: &'a str,
    /// When the e-mail is written: a day of another year is written with its year.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl VisitFacts<'_> {
    /// "ti 1.12. klo 18.45–20.00", as the reader's language writes it.
    fn when(&self, locale: Locale) -> String {
        crate::words::span_text(self.starts_at, self.ends_at, self.zone, locale, self.now)
    }

    /// " (Kotikäynti)" after the time, or nothing at all when the visit has no place.
    fn place_part(&self) -> String {
        let place = self.place.trim();
        if place.is_empty() { String::new() } else { format!(" ({place})") }
    }
}

/// The name of a kind of visit in `locale`.
pub fn kind_name(locale: Locale, kind: VisitKind) -> String {
    crate::words::visit_kind_text(kind, locale).to_owned()
}

/// What an e-mail about an outing may carry: its title, kind, time and place, never who is
/// coming.
pub struct OutingFacts<'a> {
    pub kind: crate::domain::outings::OutingKind,
    pub title: &'a str,
    /// The first session, local.
    pub when: chrono::DateTime<chrono::Utc>,
    pub place: &'a str,
}

/// "A new outing is planned" to a guide who wants to hear of them.
pub fn outing_announced(
    account: &user::Model,
    outing: &OutingFacts<'_>,
    link: &str,
    key: String,
) -> Outgoing {
    let locale = locale_of(account);
    let when = crate::words::moment_text(outing.when, locale);
    let kind = crate::words::outing_kind_text(outing.kind, locale).to_lowercase();
    let subject = td_string!(locale, email.outing_announced.subject, title = outing.title).to_string();
    let text = td_string!(
        locale,
        email.outing_announced.text,
        name = account.name.as_str(),
        kind = kind.as_str(),
        title = outing.title,
        when = when.as_str(),
        place = outing.place,
        link = link
    );
    outgoing(MessageKind::OutingAnnounced, key, account, subject, text)
}

/// Why an outing's calendar file is mailed to someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutingInvitation {
    /// They were named a leader when it was planned.
    Leading,
    /// Someone else gave their client a place.
    ClientsPlace,
    /// Someone else cancelled their client's place.
    Removed,
}

impl OutingInvitation {
    pub fn as_str(self) -> &'static str {
        match self {
            OutingInvitation::Leading => "leading",
            OutingInvitation::ClientsPlace => "clients_place",
            OutingInvitation::Removed => "removed",
        }
    }
}

/// An outing's sessions (`count` of them, the first in `outing`) with the calendar file that
/// adds them to the recipient's calendar, or removes them.
pub fn outing_invitation(
    account: &user::Model,
    outing: &OutingFacts<'_>,
    count: usize,
    why: OutingInvitation,
    link: &str,
    key: String,
    ics: String,
) -> Outgoing {
    let locale = locale_of(account);
    let when = crate::words::moment_text(outing.when, locale);
    let count = count.to_string();
    let (subject, text) = match why {
        OutingInvitation::Leading => (
            td_string!(locale, email.outing_leading.subject, title = outing.title, when = when.as_str())
                .to_string(),
            td_string!(
                locale,
                email.outing_leading.text,
                name = account.name.as_str(),
                title = outing.title,
                when = when.as_str(),
                place = outing.place,
                count = count.as_str(),
                link = link
            ),
        ),
        OutingInvitation::ClientsPlace => (
            td_string!(locale, email.outing_place.subject, title = outing.title, when = when.as_str())
                .to_string(),
            td_string!(
                locale,
                email.outing_place.text,
                name = account.name.as_str(),
                title = outing.title,
                when = when.as_str(),
                place = outing.place,
                count = count.as_str(),
                link = link
            ),
        ),
        OutingInvitation::Removed => (
            td_string!(
                locale,
                email.outing_place_cancelled.subject,
                title = outing.title,
                when = when.as_str()
            )
            .to_string(),
            td_string!(
                locale,
                email.outing_place_cancelled.text,
                name = account.name.as_str(),
                title = outing.title,
                when = when.as_str(),
                link = link
            ),
        ),
    };
    let method = if why == OutingInvitation::Removed { "CANCEL" } else { "REQUEST" };
    let mut mail = outgoing(MessageKind::MeetingInvitation, key, account, subject, text);
    mail.attachments.push(calendar_attachment(ics, method));
    mail
}

/// A council's agenda to the guide of a participant, to go through with the client.
pub fn council_agenda(
    account: &user::Model,
    outing: &OutingFacts<'_>,
    agenda: &str,
    link: &str,
    key: String,
) -> Outgoing {
    let locale = locale_of(account);
    let when = crate::words::moment_text(outing.when, locale);
    let subject =
        td_string!(locale, email.council_agenda.subject, title = outing.title, when = when.as_str())
            .to_string();
    let text = td_string!(
        locale,
        email.council_agenda.text,
        name = account.name.as_str(),
        title = outing.title,
        when = when.as_str(),
        agenda = agenda,
        link = link
    );
    outgoing(MessageKind::CouncilAgenda, key, account, subject, text)
}

/// A visit booked (or moved, with `moved`), with its calendar file attached.
pub fn visit_invitation(
    account: &user::Model,
    visit: &VisitFacts<'_>,
    moved: bool,
    link: &str,
    key: String,
    ics: String,
) -> Outgoing {
    let locale = locale_of(account);
    let kind = kind_name(locale, visit.kind);
    let (when, place) = (visit.when(locale), visit.place_part());
    let (subject, text) = if moved {
        (
            td_string!(locale, email.visit_moved.subject, when = when.as_str()).to_string(),
            td_string!(
                locale,
                email.visit_moved.text,
                name = account.name.as_str(),
                kind = kind.as_str(),
                when = when.as_str(),
                place = place.as_str(),
                link = link
            ),
        )
    } else {
        (
            td_string!(locale, email.visit_invitation.subject, when = when.as_str()).to_string(),
            td_string!(
                locale,
                email.visit_invitation.text,
                name = account.name.as_str(),
                kind = kind.as_str(),
                when = when.as_str(),
                place = place.as_str(),
                link = link
            ),
        )
    };
    let mut mail = outgoing(MessageKind::MeetingInvitation, key, account, subject, text);
    mail.attachments.push(calendar_attachment(ics, "REQUEST"));
    mail
}

pub fn visit_cancelled(account: &user::Model, visit: &VisitFacts<'_>, key: String, ics: String) -> Outgoing {
    let locale = locale_of(account);
    let kind = kind_name(locale, visit.kind);
    let when = visit.when(locale);
    let subject = td_string!(locale, email.visit_cancelled.subject, when = when.as_str()).to_string();
    let text = td_string!(
        locale,
        email.visit_cancelled.text,
        name = account.name.as_str(),
        kind = kind.as_str(),
        when = when.as_str()
    );
    let mut mail = outgoing(MessageKind::MeetingInvitation, key, account, subject, text);
    mail.attachments.push(calendar_attachment(ics, "CANCEL"));
    mail
}

/// The day-before reminder. `channel` is how the client likes to be reached, for the guide;
/// `None` for the social worker.
pub fn visit_reminder(
    account: &user::Model,
    visit: &VisitFacts<'_>,
    channel: Option<&str>,
    link: &str,
    key: String,
) -> Outgoing {
    let locale = locale_of(account);
    let kind = kind_name(locale, visit.kind);
    let (when, place) = (visit.when(locale), visit.place_part());
    let subject =
        td_string!(locale, email.visit_reminder.subject, kind = kind.as_str(), when = when.as_str())
            .to_string();
    let text = match channel {
        Some(channel) => td_string!(
            locale,
            email.visit_reminder.text_guide,
            name = account.name.as_str(),
            kind = kind.as_str(),
            when = when.as_str(),
            place = place.as_str(),
            channel = channel,
            link = link
        ),
        None => td_string!(
            locale,
            email.visit_reminder.text_other,
            name = account.name.as_str(),
            kind = kind.as_str(),
            when = when.as_str(),
            place = place.as_str(),
            link = link
        ),
    };
    outgoing(MessageKind::VisitReminder, key, account, subject, text)
}

/// The name of a contact channel (call, sms, ...) in the recipient's language.
pub fn channel_name(account: &user::Model, channel: ContactChannel) -> String {
    crate::words::channel_text(channel, locale_of(account)).to_owned()
}

fn calendar_attachment(ics: String, method: &str) -> super::mail::Attachment {
    super::mail::Attachment {
        filename: "invite.ics".into(),
        content_type: format!("text/calendar; charset=utf-8; method={method}"),
        content: ics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_text_and_makes_a_lone_link_a_button() {
        let html = html_from_text("Hei <Aino> & co,\n\nhttps://x.fi/a?b=1&c=2\n\nKiitos", "Rinnalla");
        assert!(html.contains("<p>Hei &lt;Aino&gt; &amp; co,</p>"), "{html}");
        assert!(html.contains("<a href=\"https://x.fi/a?b=1&amp;c=2\""), "{html}");
        assert!(html.contains("<p>Kiitos</p>"));
        assert!(html.contains("Rinnalla</p></body>"));
    }
}
