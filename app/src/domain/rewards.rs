//! A reward scheme the client designs, if they want one: they name what earns (a task, a step)
//! and how much, and what they are saving for and what it costs, in points or in cents. One
//! client in the field notes earned cents for each task and bought something they wanted with
//! the savings. What is earned and spent is written to an append-only ledger whose balance
//! never goes below zero.
//!
//! Nothing here counts time: there are no streaks, no expiry and no penalties, so a week missed
//! resets nothing. What has been earned stays earned.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    text,
    validation::{FieldError, FormErrors, ValidationCode},
    visits::named_enum,
};

named_enum! {
    /// What the scheme counts in, chosen by the client.
    RewardUnit {
        Points = "points",
        /// Money the client saves: amounts are typed in euros ("0,50") and kept in cents.
        Cents = "cents",
    }
}

/// The most that one task can earn or one reward cost: 10,000 points or 1,000 euros. A limit
/// keeps a typing slip (an extra zero or three) from looking like a fortune.
pub const MAX_POINTS: u32 = 10_000;
pub const MAX_CENTS: u32 = 100_000;
/// Lines on the scheme's form, each kind.
pub const MAX_LINES: usize = 20;

impl RewardUnit {
    /// An amount as typed: whole points, or euros with a comma or a point. More than zero and
    /// at most the unit's maximum.
    pub fn parse_amount(self, input: &str) -> Result<u32, ValidationCode> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ValidationCode::Required);
        }
        let (amount, max) = match self {
            RewardUnit::Points => {
                let points: u64 = input.parse().map_err(|_| ValidationCode::InvalidNumber)?;
                (points, MAX_POINTS)
            }
            RewardUnit::Cents => (euros_to_cents(input)?, MAX_CENTS),
        };
        if amount == 0 || amount > u64::from(max) {
            return Err(ValidationCode::OutOfRange);
        }
        Ok(amount as u32)
    }
}

/// "0,50", "2.5", "12" or "12 €" euros → cents; more than two decimals is not money.
fn euros_to_cents(input: &str) -> Result<u64, ValidationCode> {
    let input = input.trim_end_matches('€').trim().replace(',', ".");
    let (whole, fraction) = input.split_once('.').unwrap_or((&input, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || (fraction.len() <= 2 && digits(fraction))) {
        return Err(ValidationCode::InvalidNumber);
    }
    let cents = format!("{fraction:0<2}").parse::<u64>().map_err(|_| ValidationCode::InvalidNumber)?;
    Ok(whole.parse::<u64>().map_err(|_| ValidationCode::InvalidNumber)? * 100 + cents)
}

/// A line of the form: what (in the client's words) and how much.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineForm<'a> {
    pub what: &'a str,
    pub amount: &'a str,
}

/// The scheme's form, as typed.
#[derive(Debug, Clone, Copy)]
pub struct SchemeForm<'a> {
    pub unit: &'a str,
    /// What earns, and how much each time.
    pub earning: &'a [LineForm<'a>],
    /// What the client saves for, and what it costs.
    pub rewards: &'a [LineForm<'a>],
}

/// Something named with an amount: a way to earn, or a reward and its price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub what: String,
    pub amount: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub unit: RewardUnit,
    pub earning: Vec<Line>,
    pub rewards: Vec<Line>,
}

/// Reads the scheme: its unit, at least one way to earn, and the rewards (none yet is fine:
/// the client may save first and decide later). Lines left wholly empty are skipped; fields are
/// named `earn_{n}_what`, `earn_{n}_amount`, `reward_{n}_what`, `reward_{n}_amount`.
pub fn parse_scheme(form: &SchemeForm<'_>) -> Result<Scheme, Vec<FieldError>> {
    let mut errors = FormErrors::default();
    let unit = errors.check("unit", RewardUnit::parse(form.unit));
    let earning = lines(&mut errors, "earn", form.earning, unit);
    let rewards = lines(&mut errors, "reward", form.rewards, unit);
    if form.earning.iter().all(is_blank) {
        errors.add("earn_1_what", ValidationCode::Required);
    }
    match unit {
        Some(unit) if errors.is_empty() => Ok(Scheme { unit, earning, rewards }),
        _ => Err(errors.into_vec()),
    }
}

fn is_blank(line: &LineForm<'_>) -> bool {
    line.what.trim().is_empty() && line.amount.trim().is_empty()
}

fn lines(
    errors: &mut FormErrors,
    prefix: &str,
    form: &[LineForm<'_>],
    unit: Option<RewardUnit>,
) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, line) in form.iter().enumerate().filter(|(_, l)| !is_blank(l)) {
        let n = i + 1;
        if out.len() == MAX_LINES {
            errors.add(&format!("{prefix}_{n}_what"), ValidationCode::OutOfRange);
            break;
        }
        let what = errors.check(&format!("{prefix}_{n}_what"), text::required_line(line.what, text::STEP));
        // Without a unit the amount cannot be read; the unit's own error says why.
        let amount =
            unit.and_then(|u| errors.check(&format!("{prefix}_{n}_amount"), u.parse_amount(line.amount)));
        if let (Some(what), Some(amount)) = (what, amount) {
            out.push(Line { what, amount });
        }
    }
    out
}

named_enum! {
    /// A ledger entry: something earned, or a reward bought.
    EntryKind {
        Earned = "earned",
        Spent = "spent",
    }
}

/// One entry of the ledger: never changed or removed once written. A mistake is put right by
/// a new entry, so the history stays what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: EntryKind,
    pub amount: u32,
    pub on: NaiveDate,
}

impl Entry {
    /// What the entry does to the balance.
    pub fn signed(self) -> i64 {
        match self.kind {
            EntryKind::Earned => i64::from(self.amount),
            EntryKind::Spent => -i64::from(self.amount),
        }
    }
}

/// The balance after one more entry, or why the entry is refused: nothing of zero
/// (`OutOfRange`), and never more spent than has been saved (`NotEnoughSaved`). The service
/// stores the new balance with the entry, inside the transaction that reads the old one.
pub fn after(balance: u64, kind: EntryKind, amount: u32) -> Result<u64, ValidationCode> {
    if amount == 0 {
        return Err(ValidationCode::OutOfRange);
    }
    match kind {
        EntryKind::Earned => balance.checked_add(u64::from(amount)).ok_or(ValidationCode::OutOfRange),
        EntryKind::Spent => balance.checked_sub(u64::from(amount)).ok_or(ValidationCode::NotEnoughSaved),
    }
}

/// The balance after the stored entries in order, or the position of the first entry that
/// would take it below zero (which the ledger should never hold: a sign that something
/// outside these rules wrote to it).
pub fn balance(entries: &[Entry]) -> Result<u64, usize> {
    entries
        .iter()
        .enumerate()
        .try_fold(0u64, |balance, (i, e)| after(balance, e.kind, e.amount).map_err(|_| i))
}

/// Toward a reward: how much is saved for it and how much is still needed (0 when it can be
/// bought now).
pub fn toward(balance: u64, cost: u32) -> (u64, u64) {
    let cost = u64::from(cost);
    (balance.min(cost), cost.saturating_sub(balance))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use strum::IntoEnumIterator;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, ValidationCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn units_round_trip() {
        for unit in RewardUnit::iter() {
            assert_eq!(RewardUnit::parse(unit.as_str()), Ok(unit));
        }
        for kind in EntryKind::iter() {
            assert_eq!(EntryKind::parse(kind.as_str()), Ok(kind));
        }
    }

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(RewardUnit::Points.parse_amount(" 5 "), Ok(5));
        assert_eq!(RewardUnit::Cents.parse_amount("0,50"), Ok(50));
        assert_eq!(RewardUnit::Cents.parse_amount("2.5"), Ok(250));
        assert_eq!(RewardUnit::Cents.parse_amount("12 €"), Ok(1200));
        assert_eq!(RewardUnit::Cents.parse_amount("1000"), Ok(MAX_CENTS));
        assert_eq!(RewardUnit::Points.parse_amount(""), Err(ValidationCode::Required));
        assert_eq!(RewardUnit::Points.parse_amount("0"), Err(ValidationCode::OutOfRange));
        assert_eq!(RewardUnit::Points.parse_amount("10001"), Err(ValidationCode::OutOfRange));
        assert_eq!(RewardUnit::Cents.parse_amount("0,00"), Err(ValidationCode::OutOfRange));
        assert_eq!(RewardUnit::Cents.parse_amount("1000,01"), Err(ValidationCode::OutOfRange));
        for input in ["1,5", "-3", "viisi", "99999999999999999999"] {
            assert_eq!(RewardUnit::Points.parse_amount(input), Err(ValidationCode::InvalidNumber), "{input}");
        }
        for input in ["0,505", "-1", "1,-5", ",5", "1e3", "NaN"] {
            assert_eq!(RewardUnit::Cents.parse_amount(input), Err(ValidationCode::InvalidNumber), "{input}");
        }
    }

    #[test]
    fn the_client_names_what_earns_and_what_it_buys() {
        let earning = [
            LineForm { what: "Tiskit tiskattu", amount: "0,20" },
            LineForm::default(),
            LineForm { what: "Kävin kaupassa", amount: "1" },
        ];
        let rewards = [LineForm { what: "Elokuvalippu", amount: "12,50" }];
        let scheme =
            parse_scheme(&SchemeForm { unit: "cents", earning: &earning, rewards: &rewards }).unwrap();
        assert_eq!(scheme.unit, RewardUnit::Cents);
        assert_eq!(
            scheme.earning,
            [
                Line { what: "Tiskit tiskattu".into(), amount: 20 },
                Line { what: "Kävin kaupassa".into(), amount: 100 }
            ]
        );
        assert_eq!(scheme.rewards, [Line { what: "Elokuvalippu".into(), amount: 1250 }]);
        let saving_first = parse_scheme(&SchemeForm { unit: "points", earning: &earning[2..], rewards: &[] });
        assert_eq!(saving_first.map(|s| s.rewards.len()), Ok(0));
    }

    #[test]
    fn every_refused_line_of_the_scheme_is_named() {
        let earning = [
            LineForm::default(),
            LineForm { what: "", amount: "3" },
            LineForm { what: "Lenkki", amount: "0" },
        ];
        let rewards = [LineForm { what: "Kahvit", amount: "kaksi" }];
        assert_eq!(
            fields(
                parse_scheme(&SchemeForm { unit: "points", earning: &earning, rewards: &rewards })
                    .unwrap_err()
            ),
            [
                ("earn_2_what".to_owned(), ValidationCode::Required),
                ("earn_3_amount".to_owned(), ValidationCode::OutOfRange),
                ("reward_1_amount".to_owned(), ValidationCode::InvalidNumber),
            ]
        );
        assert_eq!(
            fields(
                parse_scheme(&SchemeForm { unit: "", earning: &[LineForm::default()], rewards: &[] })
                    .unwrap_err()
            ),
            [
                ("unit".to_owned(), ValidationCode::Required),
                ("earn_1_what".to_owned(), ValidationCode::Required)
            ]
        );
        let many = vec![LineForm { what: "x", amount: "1" }; MAX_LINES + 1];
        assert_eq!(
            fields(parse_scheme(&SchemeForm { unit: "points", earning: &many, rewards: &[] }).unwrap_err()),
            [(format!("earn_{}_what", MAX_LINES + 1), ValidationCode::OutOfRange)]
        );
    }

    #[test]
    fn spending_more_than_is_saved_is_refused_and_nothing_is_lost() {
        assert_eq!(after(0, EntryKind::Earned, 20), Ok(20));
        assert_eq!(after(20, EntryKind::Spent, 20), Ok(0));
        assert_eq!(after(19, EntryKind::Spent, 20), Err(ValidationCode::NotEnoughSaved));
        assert_eq!(after(5, EntryKind::Earned, 0), Err(ValidationCode::OutOfRange));
        assert_eq!(after(u64::MAX, EntryKind::Earned, 1), Err(ValidationCode::OutOfRange));
        assert_eq!(toward(30, 125), (30, 95));
        assert_eq!(toward(200, 125), (125, 0));
    }

    #[test]
    fn a_missed_week_resets_nothing() {
        // Earned in December, nothing for two months, then more: the balance is only the sum.
        let entries = [
            Entry { kind: EntryKind::Earned, amount: 50, on: d(2026, 12, 1) },
            Entry { kind: EntryKind::Earned, amount: 50, on: d(2026, 12, 2) },
            Entry { kind: EntryKind::Earned, amount: 20, on: d(2027, 2, 15) },
            Entry { kind: EntryKind::Spent, amount: 100, on: d(2027, 2, 16) },
        ];
        assert_eq!(balance(&entries), Ok(20));
        assert_eq!(entries.iter().map(|e| e.signed()).sum::<i64>(), 20);
    }

    #[test]
    fn a_ledger_that_went_below_zero_is_found_out() {
        let entries = [
            Entry { kind: EntryKind::Earned, amount: 5, on: d(2027, 1, 1) },
            Entry { kind: EntryKind::Spent, amount: 6, on: d(2027, 1, 2) },
        ];
        assert_eq!(balance(&entries), Err(1));
        assert_eq!(balance(&[]), Ok(0));
    }

    #[derive(Debug, Clone, Copy)]
    enum Attempt {
        Earn(u32),
        Spend(u32),
    }

    fn attempt() -> impl Strategy<Value = Attempt> {
        prop_oneof![
            (0u32..=MAX_POINTS).prop_map(Attempt::Earn),
            (0u32..=3 * MAX_POINTS).prop_map(Attempt::Spend)
        ]
    }

    proptest! {
        #[test]
        fn the_balance_is_the_sum_of_accepted_entries_and_never_negative(attempts in proptest::collection::vec(attempt(), 0..200)) {
            let mut balance_now = 0u64;
            let mut accepted = Vec::new();
            for (day, attempt) in attempts.into_iter().enumerate() {
                let on = d(2027, 1, 1) + chrono::Days::new(day as u64);
                let (kind, amount) = match attempt {
                    Attempt::Earn(a) => (EntryKind::Earned, a),
                    Attempt::Spend(a) => (EntryKind::Spent, a),
                };
                match after(balance_now, kind, amount) {
                    Ok(next) => {
                        accepted.push(Entry { kind, amount, on });
                        balance_now = next;
                    }
                    // Refused only for what the rules say: nothing of zero, nor more than saved.
                    Err(ValidationCode::OutOfRange) => prop_assert_eq!(amount, 0),
                    Err(ValidationCode::NotEnoughSaved) => {
                        prop_assert_eq!(kind, EntryKind::Spent);
                        prop_assert!(u64::from(amount) > balance_now);
                    }
                    Err(other) => prop_assert!(false, "unexpected refusal {other:?}"),
                }
                let sum: i64 = accepted.iter().map(|e| e.signed()).sum();
                prop_assert!(sum >= 0);
                prop_assert_eq!(sum as u64, balance_now);
            }
            prop_assert_eq!(balance(&accepted), Ok(balance_now));
            let mut running = 0i64;
            for entry in &accepted {
                running += entry.signed();
                prop_assert!(running >= 0, "the balance went below zero on the way");
            }
        }
    }
}
