//! The booking form as people type it: the day and the times, how the visit repeats, and the
//! ride (its stops, kilometres, driver and how it is paid back). Pure: whether the chosen
//! driver is a guide with a car is asked of the database afterwards, by the visits service.

use chrono::{NaiveDate, NaiveTime};

use super::{
    scheduling::Recurrence,
    text,
    time::parse_date,
    validation::{FormErrors, ValidationCode},
    visits::{self, Leg, Reimbursement},
};

/// A time of day as typed, `9:30` or `9.30` (the Finnish way of writing it) → the time.
/// Empty is `Required`; anything else that is not a time of day is `InvalidTime`.
pub fn parse_time(input: &str) -> Result<NaiveTime, ValidationCode> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ValidationCode::Required);
    }
    NaiveTime::parse_from_str(&input.replace('.', ":"), "%H:%M").map_err(|_| ValidationCode::InvalidTime)
}

/// How a visit repeats, by the form's name for it; empty means once.
pub fn parse_recurrence(input: &str) -> Result<Recurrence, ValidationCode> {
    match input.trim() {
        "" | "once" => Ok(Recurrence::Once),
        "weekly" => Ok(Recurrence::Weekly),
        "every_other_week" => Ok(Recurrence::EveryOtherWeek),
        "monthly" => Ok(Recurrence::Monthly),
        _ => Err(ValidationCode::UnknownChoice),
    }
}

/// Date, start and end as typed → the minutes between (same day; the end after the start).
/// Each refused field is added to `errors` under its name (`date`, `start`, `end`).
pub fn parse_times(
    errors: &mut FormErrors,
    date: &str,
    start: &str,
    end: &str,
) -> Option<(NaiveDate, NaiveTime, u32)> {
    let date = errors.check("date", parse_date(date).ok_or(ValidationCode::InvalidDate));
    let start = errors.check("start", parse_time(start));
    let end = errors.check("end", parse_time(end));
    let (date, start, end) = (date?, start?, end?);
    if end <= start {
        errors.add("end", ValidationCode::EndBeforeStart);
        return None;
    }
    Some((date, start, (end - start).num_minutes() as u32))
}

/// The ride part of the booking form, as typed.
#[derive(Debug, Clone, Copy)]
pub struct RideForm<'a> {
    /// The stops in order (home → office → pharmacy → home); empty ones are skipped.
    pub stops: &'a [String],
    /// The kilometres typed for each leg, in order.
    pub km: &'a [&'a str],
    /// The driver's user id, or empty for the guide.
    pub driver: &'a str,
    pub reimbursement: &'a str,
    pub ticket_price: &'a str,
}

/// A ride read from the form, before the database says whether its driver may drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedRide {
    pub legs: Vec<Leg>,
    /// The driver chosen, or `None` when the field was left empty: the guide drives.
    pub driver: Option<i64>,
    /// How the ride is paid back; `None` when refused (the reason is in the form's errors).
    pub reimbursement: Option<Reimbursement>,
    /// The bus ticket's price in cents, if one was typed; `None` when refused.
    pub ticket_cents: Option<Option<u32>>,
}

impl TypedRide {
    /// Going by bus needs no car; any other ride needs a guide with one.
    pub fn needs_car(&self) -> bool {
        self.reimbursement != Some(Reimbursement::BusTicket)
    }
}

/// Reads the ride part of the form, adding what is refused to `errors`. `None` when there is
/// no ride (no stops), or when it cannot be read far enough to check its driver: a refused stop,
/// leg or driver, or any error already in the form once the stops are checked. A bus ticket
/// needs its price.
pub fn parse_ride(errors: &mut FormErrors, form: &RideForm<'_>) -> Option<TypedRide> {
    for (i, stop) in form.stops.iter().enumerate() {
        errors.check(&format!("stop_{}", i + 1), text::one_line(stop, text::LINE));
    }
    if !errors.is_empty() {
        return None;
    }
    let mut typed = Vec::new();
    for (i, km) in form.km.iter().enumerate() {
        typed.push(errors.check(&format!("km_{}", i + 1), visits::parse_km(km)).flatten());
    }
    let legs = match visits::itinerary(form.stops, &typed) {
        Ok(legs) if legs.is_empty() => return None,
        Ok(legs) => legs,
        Err((leg, code)) => {
            let field = if code == ValidationCode::TooFewStops {
                "stop_2".to_owned()
            } else {
                format!("km_{}", leg + 1)
            };
            errors.add(&field, code);
            return None;
        }
    };
    let driver = match form.driver.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("driver", ValidationCode::UnknownChoice);
                return None;
            }
        },
    };
    let reimbursement = errors.check(
        "reimbursement",
        if form.reimbursement.trim().is_empty() {
            Ok(Reimbursement::Allowance)
        } else {
            Reimbursement::parse(form.reimbursement)
        },
    );
    let ticket_cents = errors.check("ticket_price", visits::parse_euros(form.ticket_price));
    if reimbursement == Some(Reimbursement::BusTicket) && ticket_cents == Some(None) {
        errors.add("ticket_price", ValidationCode::Required);
    }
    Some(TypedRide { legs, driver, reimbursement, ticket_cents })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn fields(errors: FormErrors) -> Vec<(String, ValidationCode)> {
        errors.into_vec().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn times_take_a_colon_or_a_point() {
        assert_eq!(parse_time("9:30"), Ok(time(9, 30)));
        assert_eq!(parse_time(" 09.30 "), Ok(time(9, 30)));
        assert_eq!(parse_time("00:00"), Ok(time(0, 0)));
        assert_eq!(parse_time("23:59"), Ok(time(23, 59)));
    }

    #[test]
    fn times_that_are_no_time_of_day_are_refused() {
        assert_eq!(parse_time(""), Err(ValidationCode::Required));
        assert_eq!(parse_time("  "), Err(ValidationCode::Required));
        for input in ["25:00", "24:00", "12:60", "noon", "12", "12:30:00", "-1:00"] {
            assert_eq!(parse_time(input), Err(ValidationCode::InvalidTime), "{input}");
        }
    }

    #[test]
    fn recurrences_by_name_and_empty_is_once() {
        assert_eq!(parse_recurrence(""), Ok(Recurrence::Once));
        assert_eq!(parse_recurrence(" once "), Ok(Recurrence::Once));
        assert_eq!(parse_recurrence("weekly"), Ok(Recurrence::Weekly));
        assert_eq!(parse_recurrence("every_other_week"), Ok(Recurrence::EveryOtherWeek));
        assert_eq!(parse_recurrence("monthly"), Ok(Recurrence::Monthly));
        assert_eq!(parse_recurrence("yearly"), Err(ValidationCode::UnknownChoice));
        assert_eq!(parse_recurrence("Weekly"), Err(ValidationCode::UnknownChoice));
    }

    #[test]
    fn a_visit_lasts_from_its_start_to_its_end_the_same_day() {
        let mut errors = FormErrors::default();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_times(&mut errors, "2026-11-23", "9.30", "11:00"), Some((date, time(9, 30), 90)));
        assert!(errors.is_empty());
    }

    #[test]
    fn every_refused_time_field_is_named() {
        let mut errors = FormErrors::default();
        assert_eq!(parse_times(&mut errors, "23.11.2026", "25:00", ""), None);
        assert_eq!(
            fields(errors),
            [
                ("date".to_owned(), ValidationCode::InvalidDate),
                ("start".to_owned(), ValidationCode::InvalidTime),
                ("end".to_owned(), ValidationCode::Required),
            ]
        );
        for end in ["10:00", "09:00"] {
            let mut errors = FormErrors::default();
            assert_eq!(parse_times(&mut errors, "2026-11-23", "10:00", end), None);
            assert_eq!(fields(errors), [("end".to_owned(), ValidationCode::EndBeforeStart)]);
        }
    }

    fn stops(names: &[&str]) -> Vec<String> {
        let mut stops: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        stops.resize(5, String::new());
        stops
    }

    fn form<'a>(stops: &'a [String], km: &'a [&'a str]) -> RideForm<'a> {
        RideForm { stops, km, driver: "", reimbursement: "", ticket_price: "" }
    }

    #[test]
    fn no_stops_is_no_ride() {
        let (stops, km) = (stops(&[]), ["", "", "", ""]);
        let mut errors = FormErrors::default();
        assert_eq!(parse_ride(&mut errors, &form(&stops, &km)), None);
        assert!(errors.is_empty());
    }

    #[test]
    fn a_ride_by_the_guide_on_the_allowance_by_default() {
        let (stops, km) = (stops(&["Seinäjoki", "Lapua", "Seinäjoki"]), ["24,5", "", "", ""]);
        let mut errors = FormErrors::default();
        let ride = parse_ride(&mut errors, &form(&stops, &km)).unwrap();
        assert!(errors.is_empty());
        assert_eq!(ride.driver, None);
        assert_eq!(ride.reimbursement, Some(Reimbursement::Allowance));
        assert_eq!(ride.ticket_cents, Some(None));
        assert!(ride.needs_car());
        assert_eq!(ride.legs.len(), 2);
        assert_eq!((ride.legs[0].km_tenths, ride.legs[0].estimated), (245, false));
        assert!(ride.legs[1].estimated, "the way back is estimated from the places");
    }

    #[test]
    fn a_bus_ride_needs_no_car_but_its_price() {
        let (stops, km) = (stops(&["Seinäjoki", "Lapua"]), ["", "", "", ""]);
        let bus = RideForm { driver: "7", reimbursement: "bus_ticket", ..form(&stops, &km) };
        let mut errors = FormErrors::default();
        let ride = parse_ride(&mut errors, &bus).unwrap();
        assert_eq!(fields(errors), [("ticket_price".to_owned(), ValidationCode::Required)]);
        assert_eq!((ride.driver, ride.ticket_cents), (Some(7), Some(None)));
        assert!(!ride.needs_car());

        let mut errors = FormErrors::default();
        let ride = parse_ride(&mut errors, &RideForm { ticket_price: "2,80 €", ..bus }).unwrap();
        assert!(errors.is_empty());
        assert_eq!(ride.ticket_cents, Some(Some(280)));
    }

    #[test]
    fn refused_stops_legs_and_drivers_stop_the_ride() {
        let km = ["", "", "", ""];
        let one = stops(&["Seinäjoki"]);
        let mut errors = FormErrors::default();
        assert_eq!(parse_ride(&mut errors, &form(&one, &km)), None);
        assert_eq!(fields(errors), [("stop_2".to_owned(), ValidationCode::TooFewStops)]);

        let unknown = stops(&["Seinäjoki", "Nowhere"]);
        let mut errors = FormErrors::default();
        assert_eq!(parse_ride(&mut errors, &form(&unknown, &km)), None);
        assert_eq!(fields(errors), [("km_1".to_owned(), ValidationCode::KmNeeded)]);

        let control = stops(&["Seinäjoki", "Lapua\u{0}"]);
        let mut errors = FormErrors::default();
        assert_eq!(parse_ride(&mut errors, &form(&control, &km)), None);
        assert_eq!(fields(errors), [("stop_2".to_owned(), ValidationCode::ControlCharacter)]);

        let two = stops(&["Seinäjoki", "Lapua"]);
        let mut errors = FormErrors::default();
        assert_eq!(parse_ride(&mut errors, &RideForm { driver: "someone", ..form(&two, &km) }), None);
        assert_eq!(fields(errors), [("driver".to_owned(), ValidationCode::UnknownChoice)]);
    }

    #[test]
    fn refused_payment_is_named_and_the_ride_still_read() {
        let (stops, km) = (stops(&["Seinäjoki", "Lapua"]), ["-3", "", "", ""]);
        let mut errors = FormErrors::default();
        let ride = RideForm { reimbursement: "taxi", ticket_price: "free", ..form(&stops, &km) };
        let ride = parse_ride(&mut errors, &ride).unwrap();
        assert_eq!(
            fields(errors),
            [
                ("km_1".to_owned(), ValidationCode::InvalidNumber),
                ("reimbursement".to_owned(), ValidationCode::UnknownChoice),
                ("ticket_price".to_owned(), ValidationCode::InvalidNumber),
            ]
        );
        assert_eq!((ride.reimbursement, ride.ticket_cents), (None, None));
        assert!(ride.needs_car(), "a ride not known to go by bus needs a car");
    }

    #[test]
    fn an_earlier_error_in_the_form_leaves_the_ride_unread() {
        let (stops, km) = (stops(&["Seinäjoki", "Lapua"]), ["", "", "", ""]);
        let mut errors = FormErrors::default();
        errors.add("place", ValidationCode::Required);
        assert_eq!(parse_ride(&mut errors, &form(&stops, &km)), None);
        assert_eq!(fields(errors), [("place".to_owned(), ValidationCode::Required)]);
    }
}
