//! Calendar files (iCalendar, RFC 5545): the feed a phone's calendar subscribes to, and the
//! invitations and cancellations that travel as e-mail attachments. Times are written in UTC
//! (`…Z`), which every calendar app converts to the phone's own zone without needing a
//! VTIMEZONE block. UIDs are stable per visit, and SEQUENCE grows with every reschedule or
//! cancellation, so a calendar updates the event in place instead of adding a second one.
//!
//! What goes into an event is minimal: the kind of visit, the client's display name, the place
//! and a link back to Rinnalla; never notes, goals or the reason for guidance, because a
//! subscribed calendar is copied to the phone maker's cloud.

use chrono::{DateTime, Utc};
use icalendar::{
    Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, EventStatus, Property,
};

/// One visit as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub uid: String,
    pub sequence: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub cancelled: bool,
    /// When the event last changed (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

/// What a calendar file is for (its METHOD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A subscribed feed.
    Publish,
    /// An invitation or a changed time.
    Request,
    /// A cancellation.
    Cancel,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// The stable UID of a visit: the same in the feed and in every e-mail about it.
pub fn visit_uid(visit_id: i64, domain: &str) -> String {
    format!("visit-{visit_id}@{domain}")
}

/// Text for a one-line property: the crate escapes `\n` but not a bare `\r`, which would end
/// the content line early and let the rest be read as a property of its own. Every line break
/// and other control character becomes a space (forms refuse them; older rows may have them).
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The calendar file for `entries`.
pub fn render(name: &str, method: Method, entries: &[Entry]) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Rinnalla//Rinnalla//FI"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()))
        .name(name);
    for entry in entries {
        let mut event = Event::new();
        event
            .uid(&entry.uid)
            .sequence(entry.sequence)
            .timestamp(entry.stamp)
            .starts(entry.start)
            .ends(entry.end)
            .summary(&one_line(&entry.summary));
        if let Some(location) = &entry.location {
            event.location(&one_line(location));
        }
        if let Some(url) = &entry.url {
            event.url(url);
        }
        event.status(if entry.cancelled || method == Method::Cancel {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// An event read back from a calendar file: what a subscriber's calendar will show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEvent {
    pub uid: String,
    pub sequence: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub cancelled: bool,
}

fn utc(value: Option<DatePerhapsTime>) -> Option<DateTime<Utc>> {
    match value? {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => Some(at),
        _ => None,
    }
}

/// Parses a calendar file as a calendar app would (used by the tests to check round trips).
pub fn parse(ics: &str) -> Result<Vec<ParsedEvent>, String> {
    let calendar: Calendar = ics.parse()?;
    calendar
        .events()
        .map(|event| {
            Ok(ParsedEvent {
                uid: event.get_uid().ok_or("an event without a UID")?.to_owned(),
                sequence: event.get_sequence().unwrap_or(0),
                start: utc(event.get_start()).ok_or("an event without a UTC start")?,
                end: utc(event.get_end()).ok_or("an event without a UTC end")?,
                summary: event.get_summary().unwrap_or_default().to_owned(),
                cancelled: event.get_status() == Some(EventStatus::Cancelled),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};

    use super::*;
    use crate::domain::{
        scheduling::{Recurrence, expand},
        time::HELSINKI,
    };

    fn entry(id: i64, start: DateTime<Utc>, cancelled: bool) -> Entry {
        Entry {
            uid: visit_uid(id, "rinnalla.example"),
            sequence: u32::from(cancelled),
            start,
            end: start + chrono::Duration::minutes(90),
            summary: "Kotikäynti · Matti; \"Kalle\", Ähtäri".into(),
            location: Some("Kuortane".into()),
            url: Some(format!("https://rinnalla.example/visits/{id}")),
            cancelled,
            stamp: start - chrono::Duration::days(3),
        }
    }

    #[test]
    fn a_weekly_series_across_both_clock_changes_parses_back_to_the_same_instants() {
        let slots = expand(
            NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
            NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            90,
            HELSINKI,
            Recurrence::Weekly,
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        )
        .unwrap();
        let entries: Vec<Entry> =
            slots.iter().enumerate().map(|(i, s)| entry(i as i64 + 1, s.start, i == 3)).collect();
        let ics = render("Rinnalla", Method::Publish, &entries);
        assert!(ics.contains("METHOD:PUBLISH\r\n"), "{ics}");
        let parsed = parse(&ics).expect("our own feed parses");
        assert_eq!(parsed.len(), entries.len());
        for (p, e) in parsed.iter().zip(&entries) {
            assert_eq!((p.start, p.end), (e.start, e.end), "{}", e.uid);
            assert_eq!(p.uid, e.uid);
            assert_eq!(p.summary, e.summary, "text with ; , \" survives escaping");
            assert_eq!(p.cancelled, e.cancelled);
        }
        // 10:00 in Helsinki is 08:00 UTC in winter and 07:00 UTC in summer.
        assert!(ics.contains("DTSTART:20260316T080000Z"), "{ics}");
        assert!(ics.contains("DTSTART:20260330T070000Z"), "{ics}");
        assert!(ics.contains("DTSTART:20261026T080000Z"), "{ics}");
        assert_eq!(parsed[3].sequence, 1);
    }

    #[test]
    fn a_carriage_return_in_a_place_cannot_start_a_property_of_its_own() {
        let mut e = entry(8, Utc::now(), false);
        e.location = Some("Kuortane\rATTENDEE:mailto:someone@example.org\r\nX: y".into());
        let ics = render("Rinnalla", Method::Publish, &[e]);
        assert!(!ics.contains("\rATTENDEE"), "{ics}");
        assert!(!ics.lines().any(|l| l.starts_with("ATTENDEE") || l.starts_with("X:")), "{ics}");
        let parsed = parse(&ics).unwrap();
        assert_eq!(parsed.len(), 1);
    }

    #[test]
    fn a_cancellation_marks_every_event_cancelled() {
        let start = Utc::now();
        let ics = render("Rinnalla", Method::Cancel, &[entry(7, start, false)]);
        assert!(ics.contains("METHOD:CANCEL"));
        assert!(parse(&ics).unwrap()[0].cancelled);
    }
}
