//! What a visit shows in a calendar outside Rinnalla (the guide's phone, a social worker's
//! Outlook): the client only by initials, and entries named after the service's own host so
//! a calendar recognises the same visit when it is moved or cancelled.

/// "M. K." from "Matti Koski": enough for the guide to know whose visit it is in a calendar
/// that leaves Rinnalla.
/// How long a calendar link may work, in days: a person picks one when making the link, and a
/// lost phone's subscription dies by itself at the latest then.
pub const LINK_PERIODS: [u32; 4] = [30, 90, 180, 365];
pub const DEFAULT_LINK_DAYS: u32 = 365;

/// A chosen period, or `UnknownChoice`.
pub fn link_period(days: u32) -> Result<chrono::Duration, crate::domain::validation::ValidationCode> {
    if LINK_PERIODS.contains(&days) {
        Ok(chrono::Duration::days(i64::from(days)))
    } else {
        Err(crate::domain::validation::ValidationCode::UnknownChoice)
    }
}

pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The host name of the service's public origin (`https://rinnalla.fi:8443` → `rinnalla.fi`),
/// for the calendar entries' ids. An origin without a scheme is taken as it is, up to a port
/// or a path.
pub fn host_of(origin: &str) -> &str {
    origin.split("://").nth(1).unwrap_or(origin).split(['/', ':']).next().unwrap_or("rinnalla")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_only_the_first_letters() {
        assert_eq!(initials("Matti Koski"), "M. K.");
        assert_eq!(initials("Åsa"), "Å.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn a_double_first_name_is_one_initial_and_spacing_does_not_count() {
        assert_eq!(initials("Anna-Liisa Mäki"), "A. M.");
        assert_eq!(initials("  Matti   Koski \t"), "M. K.");
        assert_eq!(initials("   "), "");
    }

    #[test]
    fn the_host_is_the_origin_without_scheme_port_or_path() {
        assert_eq!(host_of("https://rinnalla.fi"), "rinnalla.fi");
        assert_eq!(host_of("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(host_of("https://rinnalla.fi/app/"), "rinnalla.fi");
        assert_eq!(host_of("rinnalla.example:8443"), "rinnalla.example");
    }

    #[test]
    fn an_empty_origin_gives_an_empty_host() {
        // The fallback name is never reached: splitting always yields a first part.
        assert_eq!(host_of(""), "");
        assert_eq!(host_of("https://"), "");
    }
}

#[cfg(test)]
mod link_period_tests {
    use super::*;

    #[test]
    fn only_the_offered_periods_are_taken() {
        assert_eq!(link_period(90), Ok(chrono::Duration::days(90)));
        assert!(LINK_PERIODS.contains(&DEFAULT_LINK_DAYS));
        for days in [0, 1, 366, u32::MAX] {
            assert!(link_period(days).is_err(), "{days}");
        }
    }
}
