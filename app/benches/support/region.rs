//! Random instances shaped like a wellbeing region: most people in one region, Finnish the
//! common language, a few hours of availability a week. Shared by the matching benchmark and
//! the batch's test against the optimum.

use app::domain::{
    availability::{WeekHours, WeeklySlot},
    matching::{GuideFacts, ReferralFacts},
    places,
};
use rand::{Rng, rngs::StdRng};

/// The places people live in: South Ostrobothnia's, and every twentieth of the rest.
pub fn region() -> Vec<u16> {
    let all = places::all();
    let mut region: Vec<u16> =
        (0..all.len() as u16).filter(|&i| all[usize::from(i)].region == "south_ostrobothnia").collect();
    region.extend((0..all.len() as u16).step_by(20));
    region
}

fn languages(rng: &mut StdRng) -> u32 {
    let mut set = 1; // Finnish
    if rng.random_bool(0.1) {
        set |= 2; // Swedish
    }
    if rng.random_bool(0.05) {
        set |= 1 << rng.random_range(2..10);
    }
    set
}

pub fn guides(n: usize, rng: &mut StdRng, places: &[u16]) -> Vec<GuideFacts> {
    (0..n)
        .map(|i| {
            let slots: Vec<WeeklySlot> = (0..rng.random_range(1..5))
                .map(|_| {
                    let start = rng.random_range(8..16) * 60;
                    WeeklySlot { weekday: rng.random_range(0..5), start, end: start + 180 }
                })
                .collect();
            let max = rng.random_range(8..16);
            GuideFacts {
                id: i as i64,
                active: rng.random_bool(0.97),
                topics: rng.random_range(1..512),
                languages: languages(rng),
                place: places[rng.random_range(0..places.len())],
                has_car: rng.random_bool(0.6),
                caseload: rng.random_range(0..6),
                max_caseload: max,
                availability: WeekHours::from_slots(&slots),
                gender: None,
            }
        })
        .collect()
}

pub fn referrals(n: usize, rng: &mut StdRng, places: &[u16]) -> Vec<ReferralFacts> {
    (0..n)
        .map(|i| ReferralFacts {
            id: i as i64,
            needs: 1 << rng.random_range(0..9) | 1 << rng.random_range(0..9),
            languages: languages(rng),
            place: places[rng.random_range(0..places.len())],
            times: None,
            needs_rides: rng.random_bool(0.3),
            preferred_gender: None,
            excluded: vec![],
            earlier_guides: vec![],
            days_waiting: rng.random_range(0..10),
            urgent: rng.random_bool(0.1),
        })
        .collect()
}
