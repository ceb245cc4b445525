//! The words of the domain: the translated names of its enums and codes (visit kinds, contact
//! channels, statuses, topics, regions) and the sentences that explain a match. One place for
//! pages and e-mails alike; it knows the domain, the wire types and the translations, nothing
//! else.

use crate::{
    domain::{
        ending::{FactorEffect, GoalOutcome, ServiceKind, SituationFactor},
        goals::GoalStatus,
        matching::{Contribution, Detail, Exclusion},
        outbox::MessageKind,
        outings::{OutingKind, SignupStatus},
        ratings::{Face, RatingOccasion},
        referrals::{ContactChannel, ProposalResponse, ReferralStatus, TimelineEvent},
        reviews::{GoalDecisionKind, ReviewOutcome},
        rewards::{EntryKind, RewardUnit},
        summary::{EvaluationPart, GoalInSummary, Line, Method, Part, Summary},
        time::HELSINKI,
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
        MessageKind::SummaryReady => td_string!(locale, kinds.summary_ready),
        MessageKind::OutingPlaceOffered => td_string!(locale, kinds.outing_place_offered),
        MessageKind::OutingAnnounced => td_string!(locale, kinds.outing_announced),
        MessageKind::CouncilAgenda => td_string!(locale, kinds.council_agenda),
        MessageKind::AccountChanged => td_string!(locale, kinds.account_changed),
    }
}

pub fn role_text(role: crate::domain::roles::Role, locale: Locale) -> &'static str {
    use crate::domain::roles::Role;
    match role {
        Role::Admin => td_string!(locale, roles.admin),
        Role::Coordinator => td_string!(locale, roles.coordinator),
        Role::SocialWorker => td_string!(locale, roles.social_worker),
        Role::Guide => td_string!(locale, roles.guide),
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

pub fn goal_outcome_text(outcome: GoalOutcome, locale: Locale) -> &'static str {
    match outcome {
        GoalOutcome::Reached => td_string!(locale, endings.outcome_reached),
        GoalOutcome::PartlyReached => td_string!(locale, endings.outcome_partly_reached),
        GoalOutcome::NotReached => td_string!(locale, endings.outcome_not_reached),
    }
}

pub fn factor_text(factor: SituationFactor, locale: Locale) -> &'static str {
    match factor {
        SituationFactor::Housing => td_string!(locale, endings.factor_housing),
        SituationFactor::Money => td_string!(locale, endings.factor_money),
        SituationFactor::Health => td_string!(locale, endings.factor_health),
        SituationFactor::SubstanceUse => td_string!(locale, endings.factor_substance_use),
        SituationFactor::Relationships => td_string!(locale, endings.factor_relationships),
        SituationFactor::DailyLife => td_string!(locale, endings.factor_daily_life),
        SituationFactor::WorkOrStudy => td_string!(locale, endings.factor_work_or_study),
        SituationFactor::OwnStrength => td_string!(locale, endings.factor_own_strength),
    }
}

pub fn effect_text(effect: FactorEffect, locale: Locale) -> &'static str {
    match effect {
        FactorEffect::Helped => td_string!(locale, endings.effect_helped),
        FactorEffect::Hindered => td_string!(locale, endings.effect_hindered),
        FactorEffect::Neither => td_string!(locale, endings.effect_neither),
    }
}

pub fn service_kind_text(kind: ServiceKind, locale: Locale) -> &'static str {
    match kind {
        ServiceKind::SocialServices => td_string!(locale, endings.service_social_services),
        ServiceKind::Health => td_string!(locale, endings.service_health),
        ServiceKind::Kela => td_string!(locale, endings.service_kela),
        ServiceKind::Employment => td_string!(locale, endings.service_employment),
        ServiceKind::Housing => td_string!(locale, endings.service_housing),
        ServiceKind::MoneyAdvice => td_string!(locale, endings.service_money_advice),
        ServiceKind::Education => td_string!(locale, endings.service_education),
        ServiceKind::ThirdSector => td_string!(locale, endings.service_third_sector),
        ServiceKind::PeerSupport => td_string!(locale, endings.service_peer_support),
        ServiceKind::Other => td_string!(locale, endings.service_other),
    }
}

pub fn method_text(method: Method, locale: Locale) -> &'static str {
    match method {
        Method::HomeVisits => td_string!(locale, endings.method_home_visits),
        Method::Meetings => td_string!(locale, endings.method_meetings),
        Method::Accompaniment => td_string!(locale, endings.method_accompaniment),
        Method::Calls => td_string!(locale, endings.method_calls),
        Method::ThreeWayMeetings => td_string!(locale, endings.method_three_way_meetings),
        Method::Reviews => td_string!(locale, endings.method_reviews),
        Method::Rides => td_string!(locale, endings.method_rides),
        Method::Outings => td_string!(locale, endings.method_outings),
    }
}

pub fn part_text(part: Part, locale: Locale) -> &'static str {
    match part {
        Part::Goals => td_string!(locale, endings.part_goals),
        Part::Situation => td_string!(locale, endings.part_situation),
        Part::Services => td_string!(locale, endings.part_services),
        Part::Methods => td_string!(locale, endings.part_methods),
    }
}

fn evaluation_part_text(part: EvaluationPart, locale: Locale) -> &'static str {
    match part {
        EvaluationPart::StartedFrom => td_string!(locale, endings.said_started_from),
        EvaluationPart::NowAt => td_string!(locale, endings.said_now_at),
        EvaluationPart::WhatHelped => td_string!(locale, endings.said_what_helped),
    }
}

/// Tenths as people here write them: "72,5" (a comma but in English), and "3" for whole ones.
fn tenths_text(tenths: u64, locale: Locale) -> String {
    let decimal = if locale == Locale::en { '.' } else { ',' };
    match tenths % 10 {
        0 => (tenths / 10).to_string(),
        rest => format!("{}{decimal}{rest}", tenths / 10),
    }
}

/// The summary for the official client record as plain text in `locale`: a title, the period,
/// and AVAIN's four parts numbered, each line a sentence, so it pastes into any record system.
pub fn summary_text(summary: &Summary, locale: Locale) -> String {
    let mut out = vec![td_string!(locale, endings.summary_title).to_string()];
    let mut said_heading = false;
    for (n, section) in summary.sections.iter().enumerate() {
        out.push(String::new());
        out.push(format!("{}. {}", n + 1, part_text(section.part, locale)));
        for line in &section.lines {
            match line {
                Line::Period { started_on, ended_on } => out.push(td_string!(
                    locale,
                    endings.summary_period,
                    start = day_text(*started_on, locale),
                    end = day_text(*ended_on, locale)
                )),
                Line::Goal(goal) => out.push(format!("- {}", goal_sentence(goal, locale))),
                Line::ClientSaid { part, words } => {
                    if !said_heading {
                        out.push(td_string!(locale, endings.said_heading).to_string());
                        said_heading = true;
                    }
                    out.push(format!("- {}: \"{words}\"", evaluation_part_text(*part, locale)));
                }
                Line::Factor { factor, effect } => {
                    out.push(format!("- {}: {}", factor_text(*factor, locale), effect_text(*effect, locale)))
                }
                Line::Service { kind, name, newly_connected } => {
                    let mut text = format!("- {}", service_kind_text(*kind, locale));
                    if let Some(name) = name {
                        text.push_str(&format!(": {name}"));
                    }
                    if *newly_connected {
                        text.push_str(&format!(" ({})", td_string!(locale, endings.service_new)));
                    }
                    out.push(text);
                }
                Line::Method { method, count, minutes, km_tenths } => {
                    let amount = if *method == Method::Rides {
                        td_string!(locale, endings.km, km = tenths_text(u64::from(*km_tenths), locale))
                    } else {
                        // Hours to the nearest tenth.
                        let tenths = (u64::from(*minutes) + 3) / 6;
                        td_string!(locale, endings.hours, hours = tenths_text(tenths, locale))
                    };
                    out.push(format!(
                        "- {}: {}, {amount}",
                        method_text(*method, locale),
                        td_string!(locale, endings.times, count = i64::from(*count))
                    ));
                }
                Line::NothingRecorded => out.push(td_string!(locale, endings.nothing_recorded).to_string()),
            }
        }
    }
    out.join("\n") + "\n"
}

fn goal_sentence(goal: &GoalInSummary, locale: Locale) -> String {
    let how = match goal.outcome {
        Some(outcome) => goal_outcome_text(outcome, locale),
        None => goal_status_text(goal.status, locale),
    };
    let mut parts = vec![format!("\"{}\": {how}.", goal.words)];
    if let Some(reason) = &goal.let_go_because {
        parts.push(td_string!(locale, endings.let_go_because, reason = reason.as_str()));
    }
    if goal.steps > 0 {
        parts.push(td_string!(locale, endings.steps, done = goal.steps_done, all = goal.steps));
    }
    match (goal.first, goal.last) {
        (Some(first), Some(last)) => {
            parts.push(td_string!(locale, endings.faces, first = first.value(), last = last.value()))
        }
        (Some(only), None) | (None, Some(only)) => {
            parts.push(td_string!(locale, endings.face_once, face = only.value()))
        }
        (None, None) => {}
    }
    parts.join(" ")
}

pub fn outing_kind_text(kind: OutingKind, locale: Locale) -> &'static str {
    match kind {
        OutingKind::Outing => td_string!(locale, outings.kind_outing),
        OutingKind::Group => td_string!(locale, outings.kind_group),
        OutingKind::Council => td_string!(locale, outings.kind_council),
    }
}

pub fn signup_status_text(status: SignupStatus, locale: Locale) -> &'static str {
    match status {
        SignupStatus::Confirmed => td_string!(locale, outings.status_confirmed),
        SignupStatus::Offered => td_string!(locale, outings.status_offered),
        SignupStatus::Waiting => td_string!(locale, outings.status_waiting),
        SignupStatus::Cancelled => td_string!(locale, outings.status_cancelled),
        SignupStatus::Lapsed => td_string!(locale, outings.status_lapsed),
    }
}

const WEEKDAYS_FI: [&str; 7] = ["ma", "ti", "ke", "to", "pe", "la", "su"];
const WEEKDAYS_SV: [&str; 7] = ["mån", "tis", "ons", "tors", "fre", "lör", "sön"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS_EN: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A day and month as people write them in a running text, the year only when it is not this
/// year's: "1.12." / "1.12" / "1 Dec"; "1.12.2025" / "1 Dec 2025".
pub fn day_month_text(day: chrono::NaiveDate, locale: Locale, this_year: i32) -> String {
    use chrono::Datelike;
    let (d, m, y) = (day.day(), day.month(), day.year());
    let other_year = y != this_year;
    match locale {
        Locale::fi | Locale::sv if other_year => format!("{d}.{m}.{y}"),
        Locale::fi => format!("{d}.{m}."),
        Locale::sv => format!("{d}.{m}"),
        Locale::en if other_year => format!("{d} {} {y}", MONTHS_EN[m as usize - 1]),
        Locale::en => format!("{d} {}", MONTHS_EN[m as usize - 1]),
    }
}

/// [`day_month_text`] after the weekday's short name: "ti 1.12." / "tis 1.12" / "Tue 1 Dec".
pub fn short_day_text(day: chrono::NaiveDate, locale: Locale, this_year: i32) -> String {
    use chrono::Datelike;
    let weekday = day.weekday().num_days_from_monday() as usize;
    let name = match locale {
        Locale::fi => WEEKDAYS_FI[weekday],
        Locale::sv => WEEKDAYS_SV[weekday],
        Locale::en => WEEKDAYS_EN[weekday],
    };
    format!("{name} {}", day_month_text(day, locale, this_year))
}

/// Start and end times: "18.45–20.00" in Finnish and Swedish, "18:45–20:00" in English.
pub fn times_text(start: chrono::NaiveTime, end: chrono::NaiveTime, locale: Locale) -> String {
    match locale {
        Locale::fi | Locale::sv => format!("{}–{}", start.format("%-H.%M"), end.format("%-H.%M")),
        Locale::en => format!("{}–{}", start.format("%H:%M"), end.format("%H:%M")),
    }
}

/// A day and its start and end times as each language writes them: "ti 1.12. klo 18.45–20.00",
/// "tis 1.12 kl. 18.45–20.00", "Tue 1 Dec, 18:45–20:00" (the year added when not `this_year`).
pub fn day_and_times_text(
    day: chrono::NaiveDate,
    start: chrono::NaiveTime,
    end: chrono::NaiveTime,
    locale: Locale,
    this_year: i32,
) -> String {
    let (day, times) = (short_day_text(day, locale, this_year), times_text(start, end, locale));
    match locale {
        Locale::fi => format!("{day} klo {times}"),
        Locale::sv => format!("{day} kl. {times}"),
        Locale::en => format!("{day}, {times}"),
    }
}

/// This year in Helsinki: dates in it are written without their year.
pub fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().with_timezone(&HELSINKI).year()
}

/// A visit's or session's span in `zone` (see [`day_and_times_text`]); `now` decides whether
/// the year is worth saying.
pub fn span_text(
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
    locale: Locale,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    use chrono::Datelike;
    let (start, end) = (start.with_timezone(&zone), end.with_timezone(&zone));
    day_and_times_text(start.date_naive(), start.time(), end.time(), locale, now.with_timezone(&zone).year())
}

/// A moment in Helsinki time: "10.12.2026 klo 17.00" / "kl. 17.00" / "2026-12-10 17:00".
pub fn moment_text(at: chrono::DateTime<chrono::Utc>, locale: Locale) -> String {
    let at = at.with_timezone(&HELSINKI);
    let day = day_text(at.date_naive(), locale);
    match locale {
        Locale::fi => format!("{day} klo {}", at.format("%-H.%M")),
        Locale::sv => format!("{day} kl. {}", at.format("%-H.%M")),
        Locale::en => format!("{day} {}", at.format("%H:%M")),
    }
}

/// An instant the server sent as RFC 3339, as [`moment_text`] writes it; shown as sent if it
/// does not parse.
pub fn sent_moment_text(rfc3339: &str, locale: Locale) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|at| moment_text(at.with_timezone(&chrono::Utc), locale))
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// A `YYYY-MM-DD` day the server sent, as [`day_text`] writes it; shown as sent if it does not
/// parse.
pub fn sent_day_text(date: &str, locale: Locale) -> String {
    crate::domain::time::parse_date(date).map(|day| day_text(day, locale)).unwrap_or_else(|| date.to_owned())
}

/// A clock time in Helsinki, as each language writes it ("9.05", "09:05").
pub fn clock_text(at: chrono::DateTime<chrono::Utc>, locale: Locale) -> String {
    let at = at.with_timezone(&HELSINKI);
    match locale {
        Locale::fi | Locale::sv => at.format("%-H.%M").to_string(),
        Locale::en => at.format("%H:%M").to_string(),
    }
}

/// Euros from cents, with a decimal comma in Finnish and Swedish.
pub fn euros_text(cents: u32, locale: Locale) -> String {
    let text = format!("{}.{:02} €", cents / 100, cents % 100);
    if locale == Locale::en { text } else { text.replace('.', ",") }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{
        ending::{ClientEvaluation, Factor, ServiceUsed},
        summary::{DoneVisit, SummaryInput, summary},
    };

    #[test]
    fn a_visits_day_and_times_read_as_each_language_writes_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let (start, end) = (
            chrono::NaiveTime::from_hms_opt(18, 45, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
        );
        assert_eq!(day_and_times_text(day, start, end, Locale::fi, 2026), "ti 1.12. klo 18.45–20.00");
        assert_eq!(day_and_times_text(day, start, end, Locale::sv, 2026), "tis 1.12 kl. 18.45–20.00");
        assert_eq!(day_and_times_text(day, start, end, Locale::en, 2026), "Tue 1 Dec, 18:45–20:00");
        // Morning hours have no leading zero in Finnish and Swedish, and keep it in English.
        let (nine, ten) = (
            chrono::NaiveTime::from_hms_opt(9, 5, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        );
        assert_eq!(day_and_times_text(day, nine, ten, Locale::fi, 2026), "ti 1.12. klo 9.05–10.00");
        assert_eq!(day_and_times_text(day, nine, ten, Locale::en, 2026), "Tue 1 Dec, 09:05–10:00");
    }

    #[test]
    fn another_years_day_says_its_year() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        assert_eq!(short_day_text(day, Locale::fi, 2026), "pe 31.1.2025");
        assert_eq!(short_day_text(day, Locale::sv, 2026), "fre 31.1.2025");
        assert_eq!(short_day_text(day, Locale::en, 2026), "Fri 31 Jan 2025");
        assert_eq!(short_day_text(day, Locale::sv, 2025), "fre 31.1");
    }

    #[test]
    fn a_span_is_read_in_its_zone_across_the_clock_change() {
        use chrono::TimeZone;
        // 29 March 2026: the clocks go forward at 03:00; 07:00 UTC is 10.00 summer time.
        let start = chrono::Utc.with_ymd_and_hms(2026, 3, 29, 7, 0, 0).unwrap();
        let end = chrono::Utc.with_ymd_and_hms(2026, 3, 29, 8, 30, 0).unwrap();
        let before = chrono::Utc.with_ymd_and_hms(2026, 3, 28, 7, 0, 0).unwrap();
        assert_eq!(span_text(start, end, HELSINKI, Locale::fi, start), "su 29.3. klo 10.00–11.30");
        assert_eq!(span_text(before, before, HELSINKI, Locale::en, start), "Sat 28 Mar, 09:00–09:00");
        // New Year's Eve in Helsinki is already the next year in the zone, not in UTC.
        let eve = chrono::Utc.with_ymd_and_hms(2026, 12, 31, 22, 30, 0).unwrap();
        assert_eq!(span_text(eve, eve, HELSINKI, Locale::sv, eve), "fre 1.1 kl. 0.30–0.30");
    }

    fn input() -> SummaryInput {
        SummaryInput {
            started_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            ended_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            goals: vec![GoalInSummary {
                words: "Käyn kaupassa itse".into(),
                status: GoalStatus::Reached,
                outcome: Some(GoalOutcome::Reached),
                first: Face::new(2),
                last: Face::new(4),
                steps_done: 2,
                steps: 3,
                let_go_because: None,
            }],
            evaluation: ClientEvaluation {
                what_helped: Some("Kun joku tuli mukaan".into()),
                ..Default::default()
            },
            factors: vec![Factor { factor: SituationFactor::Housing, effect: FactorEffect::Helped }],
            services: vec![ServiceUsed { kind: ServiceKind::Kela, name: None, newly_connected: true }],
            visits: vec![
                DoneVisit { kind: VisitKind::HomeVisit, minutes: 90, ride_km_tenths: None },
                DoneVisit { kind: VisitKind::Accompaniment, minutes: 125, ride_km_tenths: Some(425) },
            ],
            outings: Vec::new(),
        }
    }

    #[test]
    fn the_summary_reads_as_four_numbered_parts_in_each_language() {
        for (locale, parts, title) in [
            (
                Locale::fi,
                ["1. Asiakkaan tavoitteet", "2. ", "3. Palvelut", "4. Työmenetelmät"],
                "Kokemusohjauksen",
            ),
            (Locale::sv, ["1. ", "2. ", "3. ", "4. "], ""),
            (Locale::en, ["1. ", "2. ", "3. ", "4. "], ""),
        ] {
            let text = summary_text(&summary(&input()), locale);
            assert!(text.starts_with(title), "{locale:?}: {text}");
            let headings: Vec<&str> =
                text.lines().filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit())).collect();
            assert_eq!(headings.len(), 4, "{locale:?}: {text}");
            for (heading, start) in headings.iter().zip(parts) {
                assert!(heading.starts_with(start), "{locale:?}: {heading}");
            }
            // The client's words stay as they said them, whatever the language around them.
            assert!(text.contains("Käyn kaupassa itse"), "{locale:?}: {text}");
            assert!(text.contains("\"Kun joku tuli mukaan\""), "{locale:?}: {text}");
            assert!(text.ends_with('\n'));
        }
        let finnish = summary_text(&summary(&input()), Locale::fi);
        assert!(finnish.contains("Kela (uusi yhteys ohjauksen aikana)"), "{finnish}");
        // 125 minutes is 2.1 hours, 42.5 km written the Finnish way.
        assert!(finnish.contains("Saattaen asiointi: 1 kerta, 2,1 h"), "{finnish}");
        assert!(finnish.contains("Kyydit: 1 kerta, 42,5 km"), "{finnish}");
        let english = summary_text(&summary(&input()), Locale::en);
        assert!(english.contains("42.5 km"), "{english}");
    }
}
