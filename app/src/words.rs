//! The words of the domain: the translated names of its enums and codes (visit kinds, contact
//! channels, statuses, topics, regions) and the sentences that explain a match. One place for
//! pages and e-mails alike; it knows the domain, the wire types and the translations, nothing
//! else.

use crate::{
    domain::{
        goals::GoalStatus,
        matching::{Contribution, Detail, Exclusion},
        outbox::MessageKind,
        ratings::{Face, RatingOccasion},
        referrals::{ContactChannel, ProposalResponse, ReferralStatus, TimelineEvent},
        reviews::{GoalDecisionKind, ReviewOutcome},
        rewards::{EntryKind, RewardUnit},
        visits::{VisitKind, VisitStatus},
    },
    dto::referrals::TopicView,
    i18n::*,
};

pub fn topic_names(topics: &[TopicView], codes: &[String], locale: Locale) -> String {
    codes
        .iter()
        .map(|code| {
            topics
                .iter()
                .find(|t| &t.code == code)
                .map_or(code.clone(), |t| t.name(locale.as_str()).to_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names of the topics set in `bits` (numbered by the topics' order).
fn topic_names_of_bits(topics: &[TopicView], bits: u64, locale: Locale) -> String {
    topics
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && bits & (1 << i) != 0)
        .map(|(_, t)| t.name(locale.as_str()).to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sentence per criterion.
pub fn contribution_text(c: &Contribution, topics: &[TopicView], locale: Locale) -> String {
    match c.detail {
        Detail::Experience { shared, needed } if shared != 0 => td_string!(
            locale,
            why.experience,
            topics = topic_names_of_bits(topics, shared, locale),
            shared = shared.count_ones(),
            needed = needed.count_ones()
        ),
        Detail::Experience { .. } => td_string!(locale, why.no_experience).to_string(),
        Detail::Distance { km } => td_string!(locale, why.distance, km = km),
        Detail::Availability { overlap_hours, client_hours: Some(_), .. } => {
            td_string!(locale, why.availability_overlap, hours = overlap_hours)
        }
        Detail::Availability { guide_hours, .. } => td_string!(locale, why.availability, hours = guide_hours),
        Detail::Preferences { gender_wish_met, rides_wish_met } => {
            let mut parts = Vec::new();
            match gender_wish_met {
                Some(true) => parts.push(td_string!(locale, why.gender_met).to_string()),
                Some(false) => parts.push(td_string!(locale, why.gender_not_met).to_string()),
                None => {}
            }
            match rides_wish_met {
                Some(true) => parts.push(td_string!(locale, why.rides_met).to_string()),
                Some(false) => parts.push(td_string!(locale, why.rides_not_met).to_string()),
                None => {}
            }
            if parts.is_empty() { td_string!(locale, why.no_wishes).to_string() } else { parts.join(" ") }
        }
        Detail::Continuity { earlier_guide: true } => td_string!(locale, why.earlier_guide).to_string(),
        Detail::Continuity { earlier_guide: false } => td_string!(locale, why.new_guide).to_string(),
        Detail::Capacity { caseload, max } => {
            td_string!(locale, why.caseload, caseload = caseload, max = max)
        }
    }
}

pub fn exclusion_text(e: &Exclusion, locale: Locale) -> String {
    match e {
        Exclusion::Inactive => td_string!(locale, why_not.inactive).to_string(),
        Exclusion::CaseloadFull { caseload, max } => {
            td_string!(locale, why_not.full, caseload = *caseload, max = *max)
        }
        Exclusion::NoSharedLanguage => td_string!(locale, why_not.language).to_string(),
        Exclusion::NoAvailability => td_string!(locale, why_not.availability).to_string(),
        Exclusion::ExcludedForClient => td_string!(locale, why_not.excluded).to_string(),
    }
}

/// "72 / 100"
pub fn score_text(milli: u32) -> String {
    format!("{} / 100", (milli + 500) / 1000)
}

pub fn status_text(status: ReferralStatus, locale: Locale) -> &'static str {
    match status {
        ReferralStatus::Submitted => td_string!(locale, status.submitted),
        ReferralStatus::GuideProposed => td_string!(locale, status.guide_proposed),
        ReferralStatus::Accepted => td_string!(locale, status.accepted),
        ReferralStatus::FirstMeetingHeld => td_string!(locale, status.first_meeting_held),
        ReferralStatus::Active => td_string!(locale, status.active),
        ReferralStatus::Ended => td_string!(locale, status.ended),
        ReferralStatus::Declined => td_string!(locale, status.declined),
        ReferralStatus::Withdrawn => td_string!(locale, status.withdrawn),
    }
}

/// A line of the referral's timeline: the statuses by their names, and the steps between.
pub fn event_text(event: TimelineEvent, locale: Locale) -> &'static str {
    match event {
        TimelineEvent::Submitted => status_text(ReferralStatus::Submitted, locale),
        TimelineEvent::GuideProposed => status_text(ReferralStatus::GuideProposed, locale),
        TimelineEvent::Accepted => status_text(ReferralStatus::Accepted, locale),
        TimelineEvent::FirstMeetingHeld => status_text(ReferralStatus::FirstMeetingHeld, locale),
        TimelineEvent::Active => status_text(ReferralStatus::Active, locale),
        TimelineEvent::Ended => status_text(ReferralStatus::Ended, locale),
        TimelineEvent::Declined => status_text(ReferralStatus::Declined, locale),
        TimelineEvent::Withdrawn => status_text(ReferralStatus::Withdrawn, locale),
        TimelineEvent::GuideAccepted => td_string!(locale, status.guide_accepted),
        TimelineEvent::GuideDeclined => td_string!(locale, status.guide_declined),
        TimelineEvent::FirstContact => td_string!(locale, status.first_contact),
        TimelineEvent::Transferred => td_string!(locale, status.transferred),
    }
}

/// Where a proposal of a guide stands.
pub fn response_text(response: ProposalResponse, locale: Locale) -> &'static str {
    match response {
        ProposalResponse::Pending => td_string!(locale, referrals.response_pending),
        ProposalResponse::Accepted => td_string!(locale, referrals.response_accepted),
        ProposalResponse::Declined => td_string!(locale, referrals.response_declined),
        ProposalResponse::Cancelled => td_string!(locale, referrals.response_cancelled),
    }
}

pub fn channel_text(channel: ContactChannel, locale: Locale) -> &'static str {
    match channel {
        ContactChannel::Call => td_string!(locale, channel.call),
        ContactChannel::Sms => td_string!(locale, channel.sms),
        ContactChannel::WhatsApp => td_string!(locale, channel.whatsapp),
        ContactChannel::Letter => td_string!(locale, channel.letter),
        ContactChannel::Meeting => td_string!(locale, channel.meeting),
    }
}

/// The name of a kind of visit.
pub fn visit_kind_text(kind: VisitKind, locale: Locale) -> &'static str {
    match kind {
        VisitKind::HomeVisit => td_string!(locale, visit_kinds.home_visit),
        VisitKind::Meeting => td_string!(locale, visit_kinds.meeting),
        VisitKind::Accompaniment => td_string!(locale, visit_kinds.accompaniment),
        VisitKind::Call => td_string!(locale, visit_kinds.call),
        VisitKind::ThreeWay => td_string!(locale, visit_kinds.three_way),
        VisitKind::Review => td_string!(locale, visit_kinds.review),
    }
}

/// Where a visit stands.
pub fn visit_status_text(status: VisitStatus, locale: Locale) -> &'static str {
    match status {
        VisitStatus::Planned => td_string!(locale, visits.status_planned),
        VisitStatus::Done => td_string!(locale, visits.status_done),
        VisitStatus::Cancelled => td_string!(locale, visits.status_cancelled),
        VisitStatus::NoShow => td_string!(locale, visits.status_no_show),
    }
}

/// The name of a kind of e-mail.
pub fn message_kind_text(kind: MessageKind, locale: Locale) -> &'static str {
    match kind {
        MessageKind::Invitation => td_string!(locale, kinds.invitation),
        MessageKind::PasswordReset => td_string!(locale, kinds.password_reset),
        MessageKind::ReferralReceived => td_string!(locale, kinds.referral_received),
        MessageKind::GuideProposed => td_string!(locale, kinds.guide_proposed),
        MessageKind::GuideAccepted => td_string!(locale, kinds.guide_accepted),
        MessageKind::TransferApproved => td_string!(locale, kinds.transfer_approved),
        MessageKind::FirstContactOverdue => td_string!(locale, kinds.first_contact_overdue),
        MessageKind::MeetingInvitation => td_string!(locale, kinds.meeting_invitation),
        MessageKind::VisitReminder => td_string!(locale, kinds.visit_reminder),
    }
}

/// A place name with its region, for selects.
pub fn region_name(region: &str, locale: Locale) -> &'static str {
    match region {
        "south_ostrobothnia" => td_string!(locale, regions.south_ostrobothnia),
        "ostrobothnia" => td_string!(locale, regions.ostrobothnia),
        "central_ostrobothnia" => td_string!(locale, regions.central_ostrobothnia),
        "north_ostrobothnia" => td_string!(locale, regions.north_ostrobothnia),
        "pirkanmaa" => td_string!(locale, regions.pirkanmaa),
        "satakunta" => td_string!(locale, regions.satakunta),
        "central_finland" => td_string!(locale, regions.central_finland),
        "uusimaa" => td_string!(locale, regions.uusimaa),
        "southwest_finland" => td_string!(locale, regions.southwest_finland),
        "tavastia_proper" => td_string!(locale, regions.tavastia_proper),
        "paijat_hame" => td_string!(locale, regions.paijat_hame),
        "kymenlaakso" => td_string!(locale, regions.kymenlaakso),
        "south_karelia" => td_string!(locale, regions.south_karelia),
        "south_savo" => td_string!(locale, regions.south_savo),
        "north_savo" => td_string!(locale, regions.north_savo),
        "north_karelia" => td_string!(locale, regions.north_karelia),
        "kainuu" => td_string!(locale, regions.kainuu),
        _ => td_string!(locale, regions.lapland),
    }
}

pub fn goal_status_text(status: GoalStatus, locale: Locale) -> &'static str {
    match status {
        GoalStatus::Active => td_string!(locale, goals.status_active),
        GoalStatus::Paused => td_string!(locale, goals.status_paused),
        GoalStatus::Dropped => td_string!(locale, goals.status_dropped),
        GoalStatus::Reached => td_string!(locale, goals.status_reached),
    }
}

/// A face in words, for the label beside it and for screen readers.
pub fn face_text(face: Face, locale: Locale) -> &'static str {
    match face.value() {
        1 => td_string!(locale, goals.face_1),
        2 => td_string!(locale, goals.face_2),
        3 => td_string!(locale, goals.face_3),
        4 => td_string!(locale, goals.face_4),
        _ => td_string!(locale, goals.face_5),
    }
}

/// The face itself: drawn as text, so it needs no image and scales with the type.
pub fn face_symbol(face: Face) -> &'static str {
    match face.value() {
        1 => "😞",
        2 => "🙁",
        3 => "😐",
        4 => "🙂",
        _ => "😄",
    }
}

pub fn occasion_text(occasion: RatingOccasion, locale: Locale) -> &'static str {
    match occasion {
        RatingOccasion::FirstMeeting => td_string!(locale, goals.occasion_first_meeting),
        RatingOccasion::Visit => td_string!(locale, goals.occasion_visit),
        RatingOccasion::Review => td_string!(locale, goals.occasion_review),
        RatingOccasion::Ending => td_string!(locale, goals.occasion_ending),
    }
}

pub fn entry_kind_text(kind: EntryKind, locale: Locale) -> &'static str {
    match kind {
        EntryKind::Earned => td_string!(locale, goals.entry_earned),
        EntryKind::Spent => td_string!(locale, goals.entry_spent),
    }
}

/// An amount of the client's scheme: "12 pistettä", or euros from cents ("2,50 €").
pub fn amount_text(unit: RewardUnit, amount: u64, locale: Locale) -> String {
    match unit {
        RewardUnit::Points => td_string!(locale, goals.points, count = amount as i64),
        RewardUnit::Cents => {
            let decimal = if locale == Locale::en { '.' } else { ',' };
            format!("{}{decimal}{:02} €", amount / 100, amount % 100)
        }
    }
}

/// A day as people here write it: 2.12.2026 in Finnish and Swedish, 2026-12-02 in English.
pub fn day_text(day: chrono::NaiveDate, locale: Locale) -> String {
    if locale == Locale::en {
        day.format("%Y-%m-%d").to_string()
    } else {
        day.format("%-d.%-m.%Y").to_string()
    }
}

pub fn review_outcome_text(outcome: ReviewOutcome, locale: Locale) -> &'static str {
    match outcome {
        ReviewOutcome::Continue => td_string!(locale, reviews.outcome_continue),
        ReviewOutcome::ChangePlan => td_string!(locale, reviews.outcome_change_plan),
        ReviewOutcome::End => td_string!(locale, reviews.outcome_end),
    }
}

pub fn goal_decision_text(decision: GoalDecisionKind, locale: Locale) -> &'static str {
    match decision {
        GoalDecisionKind::Continue => td_string!(locale, reviews.decision_continue),
        GoalDecisionKind::Refine => td_string!(locale, reviews.decision_refine),
        GoalDecisionKind::Drop => td_string!(locale, reviews.decision_drop),
    }
}
