//! Ending together: the client's own evaluation (where they started, where they are now, what
//! helped), how each goal went, what in the client's situation helped or hindered, the services
//! used or newly connected, and the guide's and the social worker's notes. The summary for the
//! official record is made from the allowed part of this ([`super::summary`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    goals,
    ids::GoalId,
    ratings::Face,
    text,
    validation::{FieldError, FormErrors, ValidationCode},
    visits::named_enum,
};

named_enum! {
    /// How a goal went, as agreed at the ending.
    GoalOutcome {
        Reached = "reached",
        PartlyReached = "partly_reached",
        NotReached = "not_reached",
    }
}

named_enum! {
    /// Parts of the client's situation that may help or hinder the goals: our short list in
    /// the spirit of the situation factors of THL's AVAIN measure. The social worker records
    /// the official coding in the client record; these are talked about with the client.
    SituationFactor {
        Housing = "housing",
        /// Income, debts, managing money.
        Money = "money",
        /// Physical and mental health.
        Health = "health",
        SubstanceUse = "substance_use",
        /// Family, friends, loneliness.
        Relationships = "relationships",
        /// Getting through the day: meals, sleep, errands.
        DailyLife = "daily_life",
        WorkOrStudy = "work_or_study",
        /// The client's own strength and will.
        OwnStrength = "own_strength",
    }
}

named_enum! {
    /// What a situation factor did to the goals.
    FactorEffect {
        Helped = "helped",
        Hindered = "hindered",
        Neither = "neither",
    }
}

named_enum! {
    /// Kinds of service a client used or was connected to during the guidance.
    ServiceKind {
        SocialServices = "social_services",
        /// Health care, mental-health and substance-use services included.
        Health = "health",
        /// The social insurance institution (Kela).
        Kela = "kela",
        Employment = "employment",
        Housing = "housing",
        /// Debt and money advice.
        MoneyAdvice = "money_advice",
        Education = "education",
        /// Associations, parishes, activity centres.
        ThirdSector = "third_sector",
        PeerSupport = "peer_support",
        Other = "other",
    }
}

/// The client's own evaluation, in their words; any part may be left unsaid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientEvaluation {
    pub started_from: Option<String>,
    pub now_at: Option<String>,
    pub what_helped: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalAtEnd {
    pub goal: GoalId,
    pub outcome: GoalOutcome,
    /// The client's last face for the goal, if they gave one.
    pub face: Option<Face>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    pub factor: SituationFactor,
    pub effect: FactorEffect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUsed {
    pub kind: ServiceKind,
    /// The service's name ("A-kilta", "Kela"), if given.
    pub name: Option<String>,
    /// Connected during the guidance, not used already before it.
    pub newly_connected: bool,
}

/// The ending as agreed, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    pub held_on: NaiveDate,
    pub evaluation: ClientEvaluation,
    /// For the people at the ending, not for the official record.
    pub guide_note: Option<String>,
    pub social_worker_note: Option<String>,
    pub goals: Vec<GoalAtEnd>,
    pub factors: Vec<Factor>,
    pub services: Vec<ServiceUsed>,
}

/// One open goal's line of the ending form; the goal comes from the database.
#[derive(Debug, Clone, Copy)]
pub struct GoalOutcomeForm<'a> {
    pub goal: GoalId,
    pub outcome: &'a str,
    pub face: &'a str,
}

/// One situation factor's choice; the page lists them all, and empty means not talked about.
#[derive(Debug, Clone, Copy)]
pub struct FactorForm<'a> {
    pub factor: SituationFactor,
    pub effect: &'a str,
}

/// One service line: its kind, name and whether it is new (a checkbox: "on", or empty).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceForm<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub newly_connected: &'a str,
}

#[derive(Debug, Clone, Copy)]
pub struct EndingForm<'a> {
    pub held_on: &'a str,
    pub started_from: &'a str,
    pub now_at: &'a str,
    pub what_helped: &'a str,
    pub guide_note: &'a str,
    pub social_worker_note: &'a str,
    pub goals: &'a [GoalOutcomeForm<'a>],
    pub factors: &'a [FactorForm<'a>],
    pub services: &'a [ServiceForm<'a>],
}

/// The most service lines on the form.
pub const MAX_SERVICES: usize = 20;

/// Reads the ending form. Fields: `held_on`, `started_from`, `now_at`, `what_helped`,
/// `guide_note`, `social_worker_note`, `goal_{id}_outcome`, `goal_{id}_face`,
/// `factor_{name}` and `service_{n}_kind`, `service_{n}_name`, `service_{n}_new`. Every open
/// goal needs its outcome; the rest may be left empty.
pub fn parse_ending(
    form: &EndingForm<'_>,
    today: NaiveDate,
    period_start: NaiveDate,
) -> Result<Ending, Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let held_on = errors.check("held_on", goals::happened_on(form.held_on, today, period_start));
    let mut words = |field: &str, input: &str, max: usize| {
        errors.check(field, text::multi_line(input, max)).map(|t| (!t.is_empty()).then_some(t))
    };
    let started_from = words("started_from", form.started_from, text::CLIENT_WORDS);
    let now_at = words("now_at", form.now_at, text::CLIENT_WORDS);
    let what_helped = words("what_helped", form.what_helped, text::CLIENT_WORDS);
    let guide_note = words("guide_note", form.guide_note, text::NOTE);
    let social_worker_note = words("social_worker_note", form.social_worker_note, text::NOTE);

    let mut goals = Vec::new();
    for goal in form.goals {
        let outcome = errors.check(&format!("goal_{}_outcome", goal.goal), GoalOutcome::parse(goal.outcome));
        let face = errors.check(&format!("goal_{}_face", goal.goal), Face::parse(goal.face));
        if let (Some(outcome), Some(face)) = (outcome, face) {
            goals.push(GoalAtEnd { goal: goal.goal, outcome, face });
        }
    }
    let mut factors = Vec::new();
    for f in form.factors.iter().filter(|f| !f.effect.trim().is_empty()) {
        if let Some(effect) =
            errors.check(&format!("factor_{}", f.factor.as_str()), FactorEffect::parse(f.effect))
        {
            // A factor named twice counts once, as it was last chosen.
            factors.retain(|known: &Factor| known.factor != f.factor);
            factors.push(Factor { factor: f.factor, effect });
        }
    }
    let services = services(&mut errors, form.services);

    let evaluation = match (started_from, now_at, what_helped) {
        (Some(started_from), Some(now_at), Some(what_helped)) => {
            Some(ClientEvaluation { started_from, now_at, what_helped })
        }
        _ => None,
    };
    match (held_on, evaluation, guide_note, social_worker_note) {
        (Some(held_on), Some(evaluation), Some(guide_note), Some(social_worker_note))
            if errors.is_empty() =>
        {
            Ok(Ending { held_on, evaluation, guide_note, social_worker_note, goals, factors, services })
        }
        _ => Err(errors.into_vec()),
    }
}

fn services(errors: &mut FormErrors, form: &[ServiceForm<'_>]) -> Vec<ServiceUsed> {
    let blank = |s: &ServiceForm<'_>| [s.kind, s.name, s.newly_connected].iter().all(|t| t.trim().is_empty());
    let mut out = Vec::new();
    for (i, line) in form.iter().enumerate().filter(|(_, s)| !blank(s)) {
        let n = i + 1;
        if out.len() == MAX_SERVICES {
            errors.add(&format!("service_{n}_kind"), ValidationCode::OutOfRange);
            break;
        }
        let kind = errors.check(&format!("service_{n}_kind"), ServiceKind::parse(line.kind));
        let name = errors
            .check(&format!("service_{n}_name"), text::one_line(line.name, text::LINE))
            .map(|t| (!t.is_empty()).then_some(t));
        let newly_connected = errors.check(&format!("service_{n}_new"), checkbox(line.newly_connected));
        if let (Some(kind), Some(name), Some(newly_connected)) = (kind, name, newly_connected) {
            out.push(ServiceUsed { kind, name, newly_connected });
        }
    }
    out
}

/// A checkbox as browsers send it: absent (empty) or its value, "on" unless the form says.
fn checkbox(input: &str) -> Result<bool, ValidationCode> {
    match input.trim() {
        "" => Ok(false),
        "on" | "true" => Ok(true),
        _ => Err(ValidationCode::UnknownChoice),
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, ValidationCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    fn form<'a>(goals: &'a [GoalOutcomeForm<'a>]) -> EndingForm<'a> {
        EndingForm {
            held_on: "",
            started_from: "",
            now_at: "",
            what_helped: "",
            guide_note: "",
            social_worker_note: "",
            goals,
            factors: &[],
            services: &[],
        }
    }

    #[test]
    fn names_round_trip() {
        for v in GoalOutcome::iter() {
            assert_eq!(GoalOutcome::parse(v.as_str()), Ok(v));
        }
        for v in SituationFactor::iter() {
            assert_eq!(SituationFactor::parse(v.as_str()), Ok(v));
        }
        for v in FactorEffect::iter() {
            assert_eq!(FactorEffect::parse(v.as_str()), Ok(v));
        }
        for v in ServiceKind::iter() {
            assert_eq!(ServiceKind::parse(v.as_str()), Ok(v));
        }
    }

    #[test]
    fn the_ending_in_the_clients_words_with_every_goal_and_what_mattered() {
        let goals = [
            GoalOutcomeForm { goal: GoalId(1), outcome: "reached", face: "5" },
            GoalOutcomeForm { goal: GoalId(2), outcome: "partly_reached", face: "" },
        ];
        let factors = [
            FactorForm { factor: SituationFactor::Housing, effect: "helped" },
            FactorForm { factor: SituationFactor::Money, effect: "" },
            FactorForm { factor: SituationFactor::Health, effect: "hindered" },
        ];
        let services = [
            ServiceForm { kind: "third_sector", name: "A-kilta", newly_connected: "on" },
            ServiceForm::default(),
            ServiceForm { kind: "kela", name: "", newly_connected: "" },
        ];
        let form = EndingForm {
            started_from: "En käynyt ulkona.\r\nPelotti.",
            what_helped: "Että joku tuli mukaan.",
            guide_note: "Hyvä jakso",
            factors: &factors,
            services: &services,
            ..form(&goals)
        };
        let ending = parse_ending(&form, d(2027, 5, 20), d(2026, 11, 23)).unwrap();
        assert_eq!(ending.held_on, d(2027, 5, 20));
        assert_eq!(ending.evaluation.started_from.as_deref(), Some("En käynyt ulkona.\nPelotti."));
        assert_eq!(ending.evaluation.now_at, None);
        assert_eq!(ending.guide_note.as_deref(), Some("Hyvä jakso"));
        assert_eq!(ending.social_worker_note, None);
        assert_eq!(
            ending.goals,
            [
                GoalAtEnd { goal: GoalId(1), outcome: GoalOutcome::Reached, face: Face::new(5) },
                GoalAtEnd { goal: GoalId(2), outcome: GoalOutcome::PartlyReached, face: None },
            ]
        );
        assert_eq!(
            ending.factors,
            [
                Factor { factor: SituationFactor::Housing, effect: FactorEffect::Helped },
                Factor { factor: SituationFactor::Health, effect: FactorEffect::Hindered },
            ]
        );
        assert_eq!(
            ending.services,
            [
                ServiceUsed {
                    kind: ServiceKind::ThirdSector,
                    name: Some("A-kilta".into()),
                    newly_connected: true
                },
                ServiceUsed { kind: ServiceKind::Kela, name: None, newly_connected: false },
            ]
        );
    }

    #[test]
    fn every_refused_field_of_the_ending_is_named() {
        let goals = [GoalOutcomeForm { goal: GoalId(4), outcome: "", face: "0" }];
        let factors = [FactorForm { factor: SituationFactor::DailyLife, effect: "a_lot" }];
        let services = [ServiceForm { kind: "", name: "Seurakunta", newly_connected: "yes" }];
        let long = "x".repeat(text::CLIENT_WORDS + 1);
        let form = EndingForm {
            held_on: "2027-06-01",
            now_at: &long,
            factors: &factors,
            services: &services,
            ..form(&goals)
        };
        assert_eq!(
            fields(parse_ending(&form, d(2027, 5, 20), d(2026, 11, 23)).unwrap_err()),
            [
                ("held_on".to_owned(), ValidationCode::FutureDate),
                ("now_at".to_owned(), ValidationCode::TooLong),
                ("goal_4_outcome".to_owned(), ValidationCode::Required),
                ("goal_4_face".to_owned(), ValidationCode::UnknownChoice),
                ("factor_daily_life".to_owned(), ValidationCode::UnknownChoice),
                ("service_1_kind".to_owned(), ValidationCode::Required),
                ("service_1_new".to_owned(), ValidationCode::UnknownChoice),
            ]
        );
    }

    #[test]
    fn an_ending_with_nothing_said_but_the_goals_is_fine() {
        let goals = [GoalOutcomeForm { goal: GoalId(1), outcome: "not_reached", face: "" }];
        let ending = parse_ending(&form(&goals), d(2027, 5, 20), d(2026, 11, 23)).unwrap();
        assert_eq!(ending.evaluation, ClientEvaluation::default());
        assert!(ending.factors.is_empty() && ending.services.is_empty());
    }
}
