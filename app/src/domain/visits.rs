//! Visits as the guide lives them: kinds of visit, their status, what is recorded afterwards
//! (hours and kilometres as people type them, with a comma or a point), rides with their legs,
//! and the month's mileage and hours for payroll. Pure: the time rules are in
//! [`super::scheduling`].

use serde::{Deserialize, Serialize};

use super::{places, validation::ValidationCode};

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// The stable name stored in the database and used in forms.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Result<Self, ValidationCode> {
                match text.trim() {
                    $($text => Ok($name::$variant),)+
                    "" => Err(ValidationCode::Required),
                    _ => Err(ValidationCode::UnknownChoice),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValidationCode;

            fn from_str(text: &str) -> Result<Self, ValidationCode> {
                Self::parse(text)
            }
        }
    };
}
pub(crate) use named_enum;

named_enum! {
    /// What kind of meeting a visit is.
    VisitKind {
        /// At the client's home.
        HomeVisit = "home_visit",
        /// Meeting at a café, library, the office.
        Meeting = "meeting",
        /// Going with the client to a service: the social insurance office, the health centre,
        /// the pharmacy, the shop.
        Accompaniment = "accompaniment",
        /// A phone or video call: no travel.
        Call = "call",
        /// Guide, client and social worker together.
        ThreeWay = "three_way",
        /// The mid-point review or the ending, with the social worker.
        Review = "review",
    }
}

impl VisitKind {
    /// A call happens where each person is: nobody travels.
    pub fn is_remote(self) -> bool {
        self == VisitKind::Call
    }

    /// Three-way and review meetings need the social worker, who is invited and reminded.
    pub fn with_social_worker(self) -> bool {
        matches!(self, VisitKind::ThreeWay | VisitKind::Review)
    }
}

named_enum! {
    /// Where a visit stands.
    VisitStatus {
        Planned = "planned",
        Done = "done",
        Cancelled = "cancelled",
        /// The client did not come or did not open the door.
        NoShow = "no_show",
    }
}

impl VisitStatus {
    /// Holds the people's time: every visit but a cancelled one. A recorded visit keeps its
    /// slot, so the same hours cannot be booked and paid twice.
    pub fn holds_time(self) -> bool {
        self != VisitStatus::Cancelled
    }

    /// The statuses that hold time, for a query.
    pub fn holding_time() -> impl Iterator<Item = &'static str> {
        <Self as strum::IntoEnumIterator>::iter().filter(|s| s.holds_time()).map(Self::as_str)
    }
}

named_enum! {
    /// How a ride is paid back.
    Reimbursement {
        /// Kilometre allowance for the guide's own car, at the configured rate.
        Allowance = "allowance",
        /// The price of a bus ticket.
        BusTicket = "bus_ticket",
    }
}

/// "1,5" or "1.5" or "1:30" hours → minutes. Up to 24 hours; whole minutes.
pub fn parse_hours(input: &str) -> Result<u32, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ValidationCode::Required);
    }
    // Parsed with checked arithmetic: `71582789:00` must be refused, not wrap around.
    let minutes = if let Some((h, m)) = input.split_once(':') {
        let h: u32 = h.trim().parse().map_err(|_| ValidationCode::InvalidNumber)?;
        let m: u32 = m.trim().parse().map_err(|_| ValidationCode::InvalidNumber)?;
        if m >= 60 {
            return Err(ValidationCode::InvalidNumber);
        }
        h.checked_mul(60).and_then(|h| h.checked_add(m)).ok_or(ValidationCode::OutOfRange)?
    } else {
        let hours: f64 = input.replace(',', ".").parse().map_err(|_| ValidationCode::InvalidNumber)?;
        if !hours.is_finite() || hours < 0.0 {
            return Err(ValidationCode::InvalidNumber);
        }
        if hours > 24.0 {
            return Err(ValidationCode::OutOfRange);
        }
        (hours * 60.0).round() as u32
    };
    if minutes > 24 * 60 {
        return Err(ValidationCode::OutOfRange);
    }
    Ok(minutes)
}

/// "12,5" km → tenths of a kilometre (125). Empty means none. At most 2,000 km.
pub fn parse_km(input: &str) -> Result<Option<u32>, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let km: f64 = input.replace(',', ".").parse().map_err(|_| ValidationCode::InvalidNumber)?;
    if !km.is_finite() || km < 0.0 {
        return Err(ValidationCode::InvalidNumber);
    }
    if km > 2000.0 {
        return Err(ValidationCode::OutOfRange);
    }
    Ok(Some((km * 10.0).round() as u32))
}

/// A price in euros ("2,80") → cents.
pub fn parse_euros(input: &str) -> Result<Option<u32>, ValidationCode> {
    let input = input.trim().trim_end_matches('€').trim();
    if input.is_empty() {
        return Ok(None);
    }
    let euros: f64 = input.replace(',', ".").parse().map_err(|_| ValidationCode::InvalidNumber)?;
    if !euros.is_finite() || euros < 0.0 {
        return Err(ValidationCode::InvalidNumber);
    }
    if euros > 1000.0 {
        return Err(ValidationCode::OutOfRange);
    }
    Ok(Some((euros * 100.0).round() as u32))
}

/// Tenths of a kilometre shown as "12,5" (fi/sv) or "12.5" (en).
pub fn format_tenths(tenths: u32, decimal: char) -> String {
    format!("{}{decimal}{}", tenths / 10, tenths % 10)
}

/// Cents as "12,34".
pub fn format_cents(cents: u64, decimal: char) -> String {
    format!("{}{decimal}{:02}", cents / 100, cents % 100)
}

/// Minutes as "1:30".
pub fn format_minutes(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// Road kilometres between two named places, estimated from their straight-line distance
/// (× 1.3 for the roads), in tenths; `None` when either is not in the places data.
pub fn estimate_leg_tenths(from: &str, to: &str) -> Option<u32> {
    let a = places::get(places::index_of(from.trim())?)?;
    let b = places::get(places::index_of(to.trim())?)?;
    Some((places::distance_km(a, b) * 1.3 * 10.0).round() as u32)
}

/// One leg of a ride as entered: from, to, and the kilometres if the person typed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegInput {
    pub from: String,
    pub to: String,
    pub km_tenths: Option<u32>,
}

/// A leg ready to store: entered kilometres win over the estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leg {
    pub from: String,
    pub to: String,
    pub km_tenths: u32,
    pub estimated: bool,
}

/// The itinerary from its stops in order (home → office → pharmacy → home): one leg between
/// each pair of neighbours. `km` holds what was typed for each leg (may be shorter). A leg
/// whose kilometres were not typed and cannot be estimated is refused, naming the leg.
pub fn itinerary(stops: &[String], km: &[Option<u32>]) -> Result<Vec<Leg>, (usize, ValidationCode)> {
    let stops: Vec<&str> = stops.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if stops.len() == 1 {
        return Err((0, ValidationCode::TooFewStops));
    }
    stops
        .windows(2)
        .enumerate()
        .map(|(i, pair)| {
            let typed = km.get(i).copied().flatten();
            match typed {
                Some(km_tenths) => {
                    Ok(Leg { from: pair[0].into(), to: pair[1].into(), km_tenths, estimated: false })
                }
                None => estimate_leg_tenths(pair[0], pair[1])
                    .map(|km_tenths| Leg {
                        from: pair[0].into(),
                        to: pair[1].into(),
                        km_tenths,
                        estimated: true,
                    })
                    .ok_or((i, ValidationCode::KmNeeded)),
            }
        })
        .collect()
}

/// What a visit and its travel explain: the most hours and kilometres a guide can record for it
/// without saying why. Generous on purpose (a visit runs over, a road is closed): it catches a
/// 24-hour phone call or 2,000 km to the next village, not a detour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explained {
    pub minutes: u32,
    pub km_tenths: u32,
}

/// Allowed on top of the booked length and the travel: running over, waiting at an office.
pub const SLACK_MINUTES: u32 = 60;
/// Allowed on top of the ride and the trip: detours, a shop on the way.
pub const SLACK_KM_TENTHS: u32 = 200;
/// The trip one way when the distance between the guide's home town and the place is not known:
/// a long rural trip.
pub const UNKNOWN_TRIP_KM_TENTHS: u32 = 1000;

/// What a visit explains: `booked_minutes` long, `remote` (a call: nobody travels), its ride's
/// legs (`ride_km_tenths`, 0 without a ride) and the road distance one way between the guide's
/// home town and the place (`trip_km_tenths`, `None` when unknown). The trip is driven both
/// ways at [`super::scheduling::DRIVING_KMH`].
pub fn explained(
    booked_minutes: u32,
    remote: bool,
    ride_km_tenths: u32,
    trip_km_tenths: Option<u32>,
) -> Explained {
    let trip = if remote { 0 } else { trip_km_tenths.unwrap_or(UNKNOWN_TRIP_KM_TENTHS) };
    let trip_minutes = (trip / 10).saturating_mul(60) / super::scheduling::DRIVING_KMH;
    Explained {
        minutes: booked_minutes.saturating_add(trip_minutes.saturating_mul(2)).saturating_add(SLACK_MINUTES),
        km_tenths: ride_km_tenths.saturating_add(trip.saturating_mul(2)).saturating_add(SLACK_KM_TENTHS),
    }
}

impl Explained {
    /// The recorded hours or kilometres go beyond what the visit explains.
    pub fn exceeded_by(self, minutes: u32, km_tenths: u32) -> bool {
        minutes > self.minutes || km_tenths > self.km_tenths
    }
}

/// A visit as payroll sees it: done (or a no-show the guide went to), its worked minutes,
/// kilometres, and the ride's reimbursement. An outing session one led or drove for is worked
/// the same way (`outing`), its kilometres paid by allowance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkedVisit {
    pub minutes: u32,
    pub km_tenths: u32,
    pub reimbursement: Option<Reimbursement>,
    pub ticket_cents: u32,
    pub outing: bool,
}

/// One guide's month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotals {
    pub visits: u32,
    /// Outing sessions led or driven for.
    pub outings: u32,
    pub minutes: u32,
    pub km_tenths: u32,
    /// Kilometre allowance, in cents.
    pub allowance_cents: u64,
    /// Bus tickets, in cents.
    pub ticket_cents: u64,
}

impl MonthTotals {
    pub fn reimbursement_cents(&self) -> u64 {
        self.allowance_cents + self.ticket_cents
    }
}

/// Sums a month. Kilometres count for the allowance only on rides paid by allowance (a guide
/// who took the bus is paid the ticket, not kilometres); the allowance is rounded to the cent
/// once, on the month's kilometres, as payroll does.
pub fn month_totals(visits: &[WorkedVisit], rate_cents_per_km: u32) -> MonthTotals {
    let mut totals = MonthTotals::default();
    let mut allowance_tenths: u64 = 0;
    for v in visits {
        if v.outing {
            totals.outings += 1;
        } else {
            totals.visits += 1;
        }
        totals.minutes += v.minutes;
        totals.km_tenths += v.km_tenths;
        match v.reimbursement {
            Some(Reimbursement::Allowance) => allowance_tenths += u64::from(v.km_tenths),
            Some(Reimbursement::BusTicket) => totals.ticket_cents += u64::from(v.ticket_cents),
            None => {}
        }
    }
    totals.allowance_cents = (allowance_tenths * u64::from(rate_cents_per_km) + 5) / 10;
    totals
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for kind in VisitKind::iter() {
            assert_eq!(VisitKind::parse(kind.as_str()), Ok(kind));
        }
        for status in VisitStatus::iter() {
            assert_eq!(VisitStatus::parse(status.as_str()), Ok(status));
        }
        assert_eq!(VisitKind::parse("party"), Err(ValidationCode::UnknownChoice));
        assert_eq!(VisitKind::parse(" "), Err(ValidationCode::Required));
    }

    #[test]
    fn only_calls_are_remote_and_only_three_way_and_review_invite_the_social_worker() {
        let remote: Vec<_> = VisitKind::iter().filter(|k| k.is_remote()).collect();
        assert_eq!(remote, [VisitKind::Call]);
        let with_sw: Vec<_> = VisitKind::iter().filter(|k| k.with_social_worker()).collect();
        assert_eq!(with_sw, [VisitKind::ThreeWay, VisitKind::Review]);
        assert!(VisitStatus::Planned.holds_time());
        assert!(VisitStatus::Done.holds_time());
        assert!(VisitStatus::NoShow.holds_time());
        assert!(!VisitStatus::Cancelled.holds_time());
    }

    #[test]
    fn hours_too_large_for_any_clock_are_refused_not_wrapped() {
        assert_eq!(parse_hours("71582789:00"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_hours("4294967295:59"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_hours("99999999999999999999:00"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_hours("1e300"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_hours("NaN"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_hours("24:01"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_hours("24:00"), Ok(24 * 60));
    }

    #[test]
    fn a_call_explains_little_and_a_rural_visit_explains_its_trip() {
        let call = explained(15, true, 0, None);
        assert_eq!(call, Explained { minutes: 15 + SLACK_MINUTES, km_tenths: SLACK_KM_TENTHS });
        assert!(call.exceeded_by(24 * 60, 0));
        assert!(call.exceeded_by(30, 20_000));
        assert!(!call.exceeded_by(30, 0));
        // 60 minutes at a place 30 km away by road: an hour of driving, 60 km both ways.
        let visit = explained(60, false, 0, Some(300));
        assert_eq!(visit, Explained { minutes: 60 + 60 + SLACK_MINUTES, km_tenths: 600 + SLACK_KM_TENTHS });
        assert!(!visit.exceeded_by(150, 650));
        assert!(visit.exceeded_by(181, 0));
        // A ride's legs count in full; an unknown trip counts as a long one.
        assert_eq!(
            explained(60, false, 420, None).km_tenths,
            420 + 2 * UNKNOWN_TRIP_KM_TENTHS + SLACK_KM_TENTHS
        );
    }

    proptest::proptest! {
        #[test]
        fn parsed_hours_never_exceed_a_day(input in "[0-9]{0,12}[:.,]?[0-9]{0,12}") {
            if let Ok(minutes) = parse_hours(&input) {
                proptest::prop_assert!(minutes <= 24 * 60);
            }
        }

        #[test]
        fn explained_never_overflows(booked in proptest::num::u32::ANY, ride in proptest::num::u32::ANY, trip in proptest::option::of(proptest::num::u32::ANY)) {
            let e = explained(booked, false, ride, trip);
            proptest::prop_assert!(e.minutes >= booked.min(u32::MAX - SLACK_MINUTES));
            proptest::prop_assert!(e.km_tenths >= ride.min(u32::MAX - SLACK_KM_TENTHS));
        }
    }

    #[test]
    fn hours_as_people_type_them() {
        assert_eq!(parse_hours("1,5"), Ok(90));
        assert_eq!(parse_hours("1.25"), Ok(75));
        assert_eq!(parse_hours("2"), Ok(120));
        assert_eq!(parse_hours("1:45"), Ok(105));
        assert_eq!(parse_hours(" 0,5 "), Ok(30));
        assert_eq!(parse_hours(""), Err(ValidationCode::Required));
        assert_eq!(parse_hours("puolitoista"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_hours("-1"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_hours("1:75"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_hours("25"), Err(ValidationCode::OutOfRange));
    }

    #[test]
    fn kilometres_and_euros_with_comma_or_point() {
        assert_eq!(parse_km("12,5"), Ok(Some(125)));
        assert_eq!(parse_km("40"), Ok(Some(400)));
        assert_eq!(parse_km(""), Ok(None));
        assert_eq!(parse_km("x"), Err(ValidationCode::InvalidNumber));
        assert_eq!(parse_km("3000"), Err(ValidationCode::OutOfRange));
        assert_eq!(parse_euros("2,80 €"), Ok(Some(280)));
        assert_eq!(parse_euros("3.1"), Ok(Some(310)));
        assert_eq!(format_tenths(125, ','), "12,5");
        assert_eq!(format_cents(1205, ','), "12,05");
        assert_eq!(format_minutes(95), "1:35");
    }

    #[test]
    fn an_itinerary_estimates_known_places_and_keeps_what_was_typed() {
        let stops: Vec<String> =
            ["Kuortane", "Seinäjoki", "Lapua", "Kuortane"].iter().map(|s| s.to_string()).collect();
        let legs = itinerary(&stops, &[None, Some(183)]).expect("known places");
        assert_eq!(legs.len(), 3);
        assert!(legs[0].estimated);
        // Kuortane–Seinäjoki is about 30 km in a straight line; by road about 40.
        assert!((300..=500).contains(&legs[0].km_tenths), "{}", legs[0].km_tenths);
        assert_eq!(
            legs[1],
            Leg { from: "Seinäjoki".into(), to: "Lapua".into(), km_tenths: 183, estimated: false }
        );
        assert_eq!(legs[2].from, "Lapua");
    }

    #[test]
    fn an_itinerary_needs_kilometres_where_a_stop_is_not_a_known_place() {
        let stops: Vec<String> = ["Kotoa", "Seinäjoki"].iter().map(|s| s.to_string()).collect();
        assert_eq!(itinerary(&stops, &[]), Err((0, ValidationCode::KmNeeded)));
        assert_eq!(itinerary(&stops, &[Some(80)]).unwrap()[0].km_tenths, 80);
        assert_eq!(itinerary(&["Kotoa".to_string()], &[]), Err((0, ValidationCode::TooFewStops)));
        assert_eq!(itinerary(&[], &[]), Ok(vec![]));
    }

    #[test]
    fn a_month_sums_hours_kilometres_and_pays_each_ride_its_own_way() {
        let visits = [
            WorkedVisit {
                minutes: 90,
                km_tenths: 425,
                reimbursement: Some(Reimbursement::Allowance),
                ticket_cents: 0,
                outing: false,
            },
            WorkedVisit { minutes: 60, km_tenths: 0, reimbursement: None, ticket_cents: 0, outing: false },
            WorkedVisit {
                minutes: 120,
                km_tenths: 300,
                reimbursement: Some(Reimbursement::BusTicket),
                ticket_cents: 560,
                outing: false,
            },
            WorkedVisit {
                minutes: 45,
                km_tenths: 101,
                reimbursement: Some(Reimbursement::Allowance),
                ticket_cents: 0,
                outing: false,
            },
        ];
        let totals = month_totals(&visits, 55);
        assert_eq!(totals.visits, 4);
        assert_eq!(totals.minutes, 315);
        assert_eq!(totals.km_tenths, 826);
        // 52.6 km at 0.55 €/km = 28.93 €; the bus kilometres are not paid as allowance.
        assert_eq!(totals.allowance_cents, 2893);
        assert_eq!(totals.ticket_cents, 560);
        assert_eq!(totals.reimbursement_cents(), 3453);
        assert_eq!(month_totals(&[], 55), MonthTotals::default());
        // An outing driven for counts as an outing, its kilometres on the allowance.
        let outing = WorkedVisit {
            minutes: 180,
            km_tenths: 600,
            reimbursement: Some(Reimbursement::Allowance),
            ticket_cents: 0,
            outing: true,
        };
        let both = month_totals(&[visits[0].clone(), outing], 55);
        assert_eq!((both.visits, both.outings, both.minutes, both.km_tenths), (1, 1, 270, 1025));
        assert_eq!(both.allowance_cents, 5638);
    }
}
