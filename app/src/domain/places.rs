//! Finnish localities and the distances between them (straight line between their centres).
//! The data file is GeoNames `cities1000`, shipped in `app/data` with its attribution. Also the
//! map link that takes a guide to a visit's place and street address.

use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    /// A region code such as `south_ostrobothnia`; the UI translates it.
    pub region: String,
    pub lat: f64,
    pub lon: f64,
}

static PLACES: LazyLock<Vec<Place>> = LazyLock::new(|| {
    include_str!("../../data/places_fi.csv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            Some(Place {
                name: fields.next()?.to_owned(),
                region: fields.next()?.to_owned(),
                lat: fields.next()?.parse().ok()?,
                lon: fields.next()?.parse().ok()?,
            })
        })
        .collect()
});

/// Every place, sorted by region and name.
pub fn all() -> &'static [Place] {
    &PLACES
}

/// The index of the place called `name`, if it is one.
pub fn index_of(name: &str) -> Option<u16> {
    PLACES.iter().position(|p| p.name == name).map(|i| i as u16)
}

pub fn get(index: u16) -> Option<&'static Place> {
    PLACES.get(usize::from(index))
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: &Place, b: &Place) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// Distances between all places, computed once: the matching engine looks them up millions of
/// times in a batch.
pub struct DistanceTable {
    size: usize,
    km: Vec<u16>,
}

impl DistanceTable {
    pub fn new() -> Self {
        let places = all();
        let size = places.len();
        let mut km = vec![0u16; size * size];
        for (i, a) in places.iter().enumerate() {
            for (j, b) in places.iter().enumerate().skip(i + 1) {
                let d = distance_km(a, b).round().min(f64::from(u16::MAX)) as u16;
                km[i * size + j] = d;
                km[j * size + i] = d;
            }
        }
        Self { size, km }
    }

    pub fn km(&self, a: u16, b: u16) -> u16 {
        self.km[usize::from(a) * self.size + usize::from(b)]
    }
}

impl Default for DistanceTable {
    fn default() -> Self {
        Self::new()
    }
}

/// The shared table.
pub fn distances() -> &'static DistanceTable {
    static TABLE: LazyLock<DistanceTable> = LazyLock::new(DistanceTable::new);
    &TABLE
}

/// A link that opens a map at `address` in `place` (at the address alone, or the place alone,
/// when only one is known); `None` when neither is.
pub fn map_url(place: &str, address: Option<&str>) -> Option<String> {
    let query = match (address, place) {
        (Some(address), place) if !place.is_empty() => format!("{address}, {place}"),
        (Some(address), _) => address.to_owned(),
        (None, "") => return None,
        (None, place) => place.to_owned(),
    };
    // The universal maps link opens the phone's map app (or the browser) on both platforms.
    Some(format!(
        "https://www.google.com/maps/search/?api=1&query={}",
        form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_is_in_the_data() {
        for name in ["Seinäjoki", "Lapua", "Kauhava", "Alavus", "Ähtäri", "Helsinki", "Joensuu", "Vörå"]
        {
            assert!(index_of(name).is_some(), "{name}");
        }
        assert!(all().len() > 400);
        assert_eq!(get(index_of("Seinäjoki").unwrap()).unwrap().region, "south_ostrobothnia");
    }

    #[test]
    fn distances_are_those_on_the_map() {
        let at = |name| get(index_of(name).unwrap()).unwrap();
        // Seinäjoki-Lapua is about 25 km, Seinäjoki-Helsinki about 300 km as the crow flies.
        let near = distance_km(at("Seinäjoki"), at("Lapua"));
        assert!((20.0..30.0).contains(&near), "{near}");
        let far = distance_km(at("Seinäjoki"), at("Helsinki"));
        assert!((280.0..320.0).contains(&far), "{far}");
        let table = distances();
        let (s, l) = (index_of("Seinäjoki").unwrap(), index_of("Lapua").unwrap());
        assert_eq!(table.km(s, l), near.round() as u16);
        assert_eq!(table.km(s, l), table.km(l, s));
        assert_eq!(table.km(s, s), 0);
    }

    #[test]
    fn map_links_join_the_address_and_the_place() {
        let link = |q: &str| format!("https://www.google.com/maps/search/?api=1&query={q}");
        assert_eq!(map_url("Kuortane", Some("Kirkkotie 1 & 2")), Some(link("Kirkkotie+1+%26+2%2C+Kuortane")));
        assert_eq!(map_url("", Some("Kirkkotie 1")), Some(link("Kirkkotie+1")));
        assert_eq!(map_url("Lapua", None), Some(link("Lapua")));
        assert_eq!(map_url("", None), None);
    }

    #[test]
    fn map_links_escape_everything_but_letters_digits_and_a_few_marks() {
        let query = |place| map_url(place, None).unwrap().split_once("query=").unwrap().1.to_owned();
        assert_eq!(query("Ähtäri"), "%C3%84ht%C3%A4ri");
        assert_eq!(query("a+b=c?d#e/f"), "a%2Bb%3Dc%3Fd%23e%2Ff");
        assert_eq!(query("*-._~"), "*-._%7E");
        assert_eq!(query("100%"), "100%25");
        assert_eq!(query("line\nbreak"), "line%0Abreak");
    }
}
