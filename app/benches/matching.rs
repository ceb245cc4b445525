//! Matching speed: ranking 1,000 guides for one referral (goal ≤ 2 ms) and a batch of 10,000
//! referrals for 1,000 guides (goal ≤ 300 ms). Instances are random but shaped like the field:
//! most people in one region, Finnish the common language, a few hours of availability a week.
//!
//! The batch is also measured against the best possible placement of the same instance,
//! computed exactly as a minimum-cost flow over every eligible pair (goal: at least 99% of it).

use std::time::Instant;

use app::domain::{
    matching::{assign, assign_greedily, rank},
    places,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{SeedableRng, rngs::StdRng};

#[path = "support/optimum.rs"]
mod optimum;
#[path = "support/region.rs"]
mod region;

use optimum::{Best, optimum};
use region::{guides, referrals, region};

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
    let started = Instant::now();
    let Best { placed: best_placed, value: best_value } = optimum(&many, &guides, distances);
    let share = |value: u64| 100.0 * value as f64 / best_value as f64;
    println!(
        "optimum (network simplex, {:.1} s): {best_placed} placed, value {best_value}; \
         the batch reaches {:.2}% of its value, greedy {:.2}%",
        started.elapsed().as_secs_f64(),
        share(batch.value(&many)),
        share(greedy.value(&many)),
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
