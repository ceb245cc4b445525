//! Matching speed: ranking 1,000 guides for one referral (goal ≤ 2 ms) and a batch of 10,000
//! referrals for 1,000 guides (goal ≤ 1 s). Instances are random but shaped like the field:
//! most people in one region, Finnish the common language, a few hours of availability a week.

use app::domain::{
    availability::{WeekHours, WeeklySlot},
    matching::{GuideFacts, ReferralFacts, assign, assign_greedily, rank},
    places,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng, rngs::StdRng};

fn region() -> Vec<u16> {
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

fn bench(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(2026);
    let places_in_use = region();
    let distances = places::distances();
    let guides = guides(1_000, &mut rng, &places_in_use);
    let one = referrals(1, &mut rng, &places_in_use).remove(0);
    c.bench_function("rank 1,000 guides for one referral", |b| b.iter(|| rank(&one, &guides, distances)));

    let many = referrals(10_000, &mut rng, &places_in_use);
    let batch = assign(&many, &guides, distances);
    let greedy = assign_greedily(&many, &guides, distances);
    println!(
        "batch of 10,000: {} placed (greedy {}), value {} (greedy {})",
        batch.pairs.len(),
        greedy.pairs.len(),
        batch.value(&many),
        greedy.value(&many)
    );
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("assign 10,000 referrals to 1,000 guides", |b| {
        b.iter(|| assign(&many, &guides, distances))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
