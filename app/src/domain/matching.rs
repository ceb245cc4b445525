//! Matching referrals to guides, and saying why.
//!
//! First the hard constraints: the guide is active, has room in their caseload, shares a
//! language with the client, has given some availability, and is not excluded for this client.
//! Then a score out of 100 points from six criteria, each criterion's share returned with the
//! facts behind it, so the UI can say in words why a guide is proposed and why another is not.
//!
//! The weights live in [`WEIGHTS`], the one place to tune them.
//!
//! Batch assignment proposes a guide for every waiting referral at once, never beyond anyone's
//! capacity, maximising the total of [`assignment_value`] (a referral that gets a guide at all
//! counts for far more than a better fit for another: a waiting person may stop asking).

use std::{cmp::Reverse, collections::BinaryHeap};

use serde::{Deserialize, Serialize};

use super::{
    availability::WeekHours,
    languages::{Languages, SPOKEN},
    places::DistanceTable,
    validation::ValidationCode,
};

/// The criteria of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumIter)]
pub enum Criterion {
    /// Lived experience of what the client needs help with.
    Experience,
    /// Distance between the client's and the guide's home places.
    Distance,
    /// Hours the guide is available when the client can meet.
    Availability,
    /// The client's wishes: a woman or a man as guide, a guide who can drive them.
    Preferences,
    /// The guide has worked with this client before.
    Continuity,
    /// Room in the guide's caseload, so work spreads evenly.
    Capacity,
}

/// Points each criterion gives at most; they add up to 100.
pub const WEIGHTS: [(Criterion, u32); 6] = [
    (Criterion::Experience, 35),
    (Criterion::Distance, 25),
    (Criterion::Availability, 15),
    (Criterion::Preferences, 10),
    (Criterion::Continuity, 10),
    (Criterion::Capacity, 5),
];

pub fn weight(criterion: Criterion) -> u32 {
    WEIGHTS.iter().find(|(c, _)| *c == criterion).map(|(_, w)| *w).unwrap_or(0)
}

/// Beyond this many kilometres the distance criterion gives nothing.
pub const FAR_KM: u16 = 150;
/// A guide with this many available hours a week (and a client without stated times) gets the
/// whole availability share.
pub const FULL_WEEK_HOURS: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    Woman,
    Man,
    Other,
}

/// A gender as a form sends it and the database keeps it. Empty means no answer (a guide who
/// did not say, a client without a wish), which is not a refusal.
pub fn parse_gender(input: &str) -> Result<Option<Gender>, ValidationCode> {
    match input.trim() {
        "" => Ok(None),
        "woman" => Ok(Some(Gender::Woman)),
        "man" => Ok(Some(Gender::Man)),
        "other" => Ok(Some(Gender::Other)),
        _ => Err(ValidationCode::UnknownChoice),
    }
}

/// The stored name of a gender, the one [`parse_gender`] reads back.
pub fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Woman => "woman",
        Gender::Man => "man",
        Gender::Other => "other",
    }
}

/// Spoken languages as the bit set of [`GuideFacts::languages`] and
/// [`ReferralFacts::languages`]: bit `i` is [`SPOKEN`]`[i]`, the same numbering for guides and
/// clients, so a shared language is a shared bit.
pub fn language_bits(languages: &Languages) -> u32 {
    SPOKEN
        .iter()
        .enumerate()
        .filter(|(_, code)| languages.contains(code))
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

/// What matching needs to know of a guide. Topics and languages are bit sets, numbered by the
/// caller (the same numbering for guides and referrals).
#[derive(Debug, Clone, PartialEq)]
pub struct GuideFacts {
    pub id: i64,
    pub active: bool,
    pub topics: u64,
    pub languages: u32,
    pub place: u16,
    pub has_car: bool,
    pub caseload: u16,
    pub max_caseload: u16,
    pub availability: WeekHours,
    pub gender: Option<Gender>,
}

impl GuideFacts {
    pub fn free_places(&self) -> u16 {
        self.max_caseload.saturating_sub(self.caseload)
    }
}

/// What matching needs to know of a referral.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralFacts {
    pub id: i64,
    pub needs: u64,
    pub languages: u32,
    pub place: u16,
    /// Times that suit the client, when they said.
    pub times: Option<WeekHours>,
    pub needs_rides: bool,
    pub preferred_gender: Option<Gender>,
    /// Guides not to propose (the client knows them, or asked not to).
    pub excluded: Vec<i64>,
    /// Guides the client has had before.
    pub earlier_guides: Vec<i64>,
    pub days_waiting: u32,
    pub urgent: bool,
}

/// Why a guide cannot be proposed at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exclusion {
    Inactive,
    CaseloadFull { caseload: u16, max: u16 },
    NoSharedLanguage,
    NoAvailability,
    ExcludedForClient,
}

/// The facts behind one criterion's points, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Detail {
    Experience { shared: u64, needed: u64 },
    Distance { km: u16 },
    Availability { overlap_hours: u32, client_hours: Option<u32>, guide_hours: u32 },
    Preferences { gender_wish_met: Option<bool>, rides_wish_met: Option<bool> },
    Continuity { earlier_guide: bool },
    Capacity { caseload: u16, max: u16 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub criterion: Criterion,
    /// Points given, in thousandths (the weight is the most).
    pub milli_points: u32,
    pub detail: Detail,
}

/// A guide who can be proposed, with the score and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub guide: i64,
    /// The sum of the contributions, in thousandths of a point (at most 100,000).
    pub milli_score: u32,
    pub contributions: Vec<Contribution>,
}

/// Every guide for one referral: who can be proposed, best first, and who cannot and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    pub proposals: Vec<Proposal>,
    pub excluded: Vec<(i64, Vec<Exclusion>)>,
}

/// Whether the guide passes the hard constraints (what [`exclusions`] says, without the list).
pub fn is_eligible(referral: &ReferralFacts, guide: &GuideFacts) -> bool {
    takes_clients(guide) && suits(referral, guide)
}

/// The guide's half of the hard constraints: active, with room, with some availability.
fn takes_clients(guide: &GuideFacts) -> bool {
    guide.active && guide.free_places() > 0 && !guide.availability.is_empty()
}

/// The pair's half of the hard constraints: a shared language, and not excluded.
fn suits(referral: &ReferralFacts, guide: &GuideFacts) -> bool {
    referral.languages & guide.languages != 0 && !referral.excluded.contains(&guide.id)
}

/// The hard constraints; empty when the guide can be proposed.
pub fn exclusions(referral: &ReferralFacts, guide: &GuideFacts) -> Vec<Exclusion> {
    let mut why = Vec::new();
    if !guide.active {
        why.push(Exclusion::Inactive);
    }
    if guide.free_places() == 0 {
        why.push(Exclusion::CaseloadFull { caseload: guide.caseload, max: guide.max_caseload });
    }
    if referral.languages & guide.languages == 0 {
        why.push(Exclusion::NoSharedLanguage);
    }
    if guide.availability.is_empty() {
        why.push(Exclusion::NoAvailability);
    }
    if referral.excluded.contains(&guide.id) {
        why.push(Exclusion::ExcludedForClient);
    }
    why
}

fn share(criterion: Criterion, fraction: f64) -> u32 {
    (f64::from(weight(criterion)) * 1000.0 * fraction.clamp(0.0, 1.0)).round() as u32
}

/// The score of a guide who passed the constraints, criterion by criterion.
pub fn contributions(
    referral: &ReferralFacts,
    guide: &GuideFacts,
    distances: &DistanceTable,
) -> Vec<Contribution> {
    evaluate(referral, guide, distances).to_vec()
}

/// The six contributions, without allocating (the batch evaluates millions of pairs).
fn evaluate(referral: &ReferralFacts, guide: &GuideFacts, distances: &DistanceTable) -> [Contribution; 6] {
    let needed = referral.needs;
    let shared = needed & guide.topics;
    let experience =
        if needed == 0 { 0.5 } else { f64::from(shared.count_ones()) / f64::from(needed.count_ones()) };

    let km = distances.km(referral.place, guide.place);
    let distance = 1.0 - f64::from(km.min(FAR_KM)) / f64::from(FAR_KM);

    let guide_hours = guide.availability.hours();
    let (availability, overlap, client_hours) = match referral.times {
        Some(times) if !times.is_empty() => {
            let overlap = times.overlap(&guide.availability);
            (f64::from(overlap) / f64::from(times.hours()), overlap, Some(times.hours()))
        }
        _ => (f64::from(guide_hours.min(FULL_WEEK_HOURS)) / f64::from(FULL_WEEK_HOURS), 0, None),
    };

    let gender_wish_met = referral.preferred_gender.map(|wish| guide.gender == Some(wish));
    let rides_wish_met = referral.needs_rides.then_some(guide.has_car);
    let (wished, met) = [gender_wish_met, rides_wish_met]
        .into_iter()
        .flatten()
        .fold((0u32, 0u32), |(wished, met), ok| (wished + 1, met + u32::from(ok)));
    // Without wishes every guide fits them equally: half the share, so wishes met count.
    let preferences = if wished == 0 { 0.5 } else { f64::from(met) / f64::from(wished) };

    let earlier_guide = referral.earlier_guides.contains(&guide.id);
    let capacity = if guide.max_caseload == 0 {
        0.0
    } else {
        f64::from(guide.free_places()) / f64::from(guide.max_caseload)
    };

    [
        Contribution {
            criterion: Criterion::Experience,
            milli_points: share(Criterion::Experience, experience),
            detail: Detail::Experience { shared, needed },
        },
        Contribution {
            criterion: Criterion::Distance,
            milli_points: share(Criterion::Distance, distance),
            detail: Detail::Distance { km },
        },
        Contribution {
            criterion: Criterion::Availability,
            milli_points: share(Criterion::Availability, availability),
            detail: Detail::Availability { overlap_hours: overlap, client_hours, guide_hours },
        },
        Contribution {
            criterion: Criterion::Preferences,
            milli_points: share(Criterion::Preferences, preferences),
            detail: Detail::Preferences { gender_wish_met, rides_wish_met },
        },
        Contribution {
            criterion: Criterion::Continuity,
            milli_points: share(Criterion::Continuity, if earlier_guide { 1.0 } else { 0.0 }),
            detail: Detail::Continuity { earlier_guide },
        },
        Contribution {
            criterion: Criterion::Capacity,
            milli_points: share(Criterion::Capacity, capacity),
            detail: Detail::Capacity { caseload: guide.caseload, max: guide.max_caseload },
        },
    ]
}

/// The score alone (the sum of [`contributions`]), for the batch.
pub fn score(referral: &ReferralFacts, guide: &GuideFacts, distances: &DistanceTable) -> u32 {
    evaluate(referral, guide, distances).iter().map(|c| c.milli_points).sum()
}

/// Every guide for one referral, best first (ties: the guide with more room, then the lower id).
pub fn rank(referral: &ReferralFacts, guides: &[GuideFacts], distances: &DistanceTable) -> Ranking {
    let mut proposals = Vec::new();
    let mut excluded = Vec::new();
    for guide in guides {
        let why = exclusions(referral, guide);
        if why.is_empty() {
            let contributions = contributions(referral, guide, distances);
            let milli_score = contributions.iter().map(|c| c.milli_points).sum();
            proposals.push((guide.free_places(), Proposal { guide: guide.id, milli_score, contributions }));
        } else {
            excluded.push((guide.id, why));
        }
    }
    proposals.sort_by(|(room_a, a), (room_b, b)| {
        b.milli_score.cmp(&a.milli_score).then(room_b.cmp(room_a)).then(a.guide.cmp(&b.guide))
    });
    Ranking { proposals: proposals.into_iter().map(|(_, p)| p).collect(), excluded }
}

/// What giving `referral` a guide with `milli_score` is worth in a batch: a large part for
/// getting a guide at all (more for a long wait and for urgency), plus the fit.
pub fn assignment_value(referral: &ReferralFacts, milli_score: u32) -> u64 {
    const FOR_ANY_GUIDE: u64 = 1_000_000;
    const PER_DAY_WAITED: u64 = 10_000;
    const URGENT: u64 = 200_000;
    FOR_ANY_GUIDE
        + PER_DAY_WAITED * u64::from(referral.days_waiting.min(60))
        + if referral.urgent { URGENT } else { 0 }
        + u64::from(milli_score)
}

/// A batch: which guide each referral is proposed, and who is left waiting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    /// (referral, guide, score)
    pub pairs: Vec<(i64, i64, u32)>,
    pub unassigned: Vec<i64>,
}

impl Assignment {
    /// The total [`assignment_value`] of the pairs.
    pub fn value(&self, referrals: &[ReferralFacts]) -> u64 {
        self.pairs
            .iter()
            .map(|(r, _, s)| referrals.iter().find(|x| x.id == *r).map_or(0, |x| assignment_value(x, *s)))
            .sum()
    }
}

/// How many of each referral's best guides the batch considers.
pub const BATCH_CANDIDATES: usize = 24;

/// Rounds of improving moves. On a region's batch the first two bring nearly all there is
/// (the third added a thousandth of a percent) and each costs about as much as the first.
const PASSES: usize = 2;

struct Candidates {
    /// Per referral: (guide index, score), best first.
    lists: Vec<Vec<(usize, u32)>>,
}

fn candidates(referrals: &[ReferralFacts], guides: &[GuideFacts], scorer: &BatchScorer) -> Candidates {
    let taking: Vec<usize> = (0..guides.len()).filter(|&g| takes_clients(&guides[g])).collect();
    // The best few of a thousand, kept in a small heap as the guides go by: (score, lower index
    // first) is the order, the heap's top the worst kept.
    let mut best: BinaryHeap<Reverse<(u32, Reverse<usize>)>> =
        BinaryHeap::with_capacity(BATCH_CANDIDATES + 1);
    let lists = referrals
        .iter()
        .map(|referral| {
            let tables = scorer.tables(referral);
            best.clear();
            for &g in &taking {
                let guide = &guides[g];
                if !suits(referral, guide) {
                    continue;
                }
                let key = (scorer.score(&tables, referral, g, guide), Reverse(g));
                if best.len() < BATCH_CANDIDATES {
                    best.push(Reverse(key));
                } else if best.peek().is_some_and(|worst| key > worst.0) {
                    best.pop();
                    best.push(Reverse(key));
                }
            }
            let mut list: Vec<(usize, u32)> = best.drain().map(|Reverse((s, Reverse(g)))| (g, s)).collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            list
        })
        .collect();
    Candidates { lists }
}

/// [`score`] for the millions of pairs of a batch. What depends on one side only is worked out
/// once, with the same arithmetic, so a pair costs a few bit counts and table lookups and the
/// result is always the same as [`score`]'s.
struct BatchScorer<'a> {
    distances: &'a DistanceTable,
    /// Distance points by kilometres, up to [`FAR_KM`].
    by_km: Vec<u32>,
    /// Per guide: availability points for a client who named no times, and capacity points.
    by_guide: Vec<(u32, u32)>,
    /// Preference points by the number of wishes and the number met.
    preferences: [[u32; 3]; 3],
    continuity: u32,
}

/// One referral's lookups: experience points by shared topics; availability points by the
/// hours of overlap, when the client named times.
struct ReferralTables {
    experience: Vec<u32>,
    availability: Option<(WeekHours, Vec<u32>)>,
}

impl<'a> BatchScorer<'a> {
    fn new(guides: &[GuideFacts], distances: &'a DistanceTable) -> Self {
        let by_km = (0..=FAR_KM)
            .map(|km| share(Criterion::Distance, 1.0 - f64::from(km) / f64::from(FAR_KM)))
            .collect();
        let by_guide = guides
            .iter()
            .map(|guide| {
                let hours = guide.availability.hours().min(FULL_WEEK_HOURS);
                let capacity = if guide.max_caseload == 0 {
                    0.0
                } else {
                    f64::from(guide.free_places()) / f64::from(guide.max_caseload)
                };
                (
                    share(Criterion::Availability, f64::from(hours) / f64::from(FULL_WEEK_HOURS)),
                    share(Criterion::Capacity, capacity),
                )
            })
            .collect();
        let mut preferences = [[0; 3]; 3];
        for (wished, row) in preferences.iter_mut().enumerate() {
            for (met, points) in row.iter_mut().enumerate().take(wished + 1) {
                let fraction = if wished == 0 { 0.5 } else { met as f64 / wished as f64 };
                *points = share(Criterion::Preferences, fraction);
            }
        }
        Self { distances, by_km, by_guide, preferences, continuity: share(Criterion::Continuity, 1.0) }
    }

    fn tables(&self, referral: &ReferralFacts) -> ReferralTables {
        let needed = referral.needs.count_ones();
        let experience = if needed == 0 {
            // Nothing named: every guide gets half (and no topic can be shared).
            vec![share(Criterion::Experience, 0.5)]
        } else {
            (0..=needed).map(|k| share(Criterion::Experience, f64::from(k) / f64::from(needed))).collect()
        };
        let availability = referral.times.filter(|times| !times.is_empty()).map(|times| {
            let hours = times.hours();
            let by_overlap = (0..=hours)
                .map(|h| share(Criterion::Availability, f64::from(h) / f64::from(hours)))
                .collect();
            (times, by_overlap)
        });
        ReferralTables { experience, availability }
    }

    fn score(&self, tables: &ReferralTables, referral: &ReferralFacts, g: usize, guide: &GuideFacts) -> u32 {
        let experience = tables.experience[(referral.needs & guide.topics).count_ones() as usize];
        let km = self.distances.km(referral.place, guide.place).min(FAR_KM);
        let (any_time, capacity) = self.by_guide[g];
        let availability = match &tables.availability {
            Some((times, by_overlap)) => by_overlap[times.overlap(&guide.availability) as usize],
            None => any_time,
        };
        let (mut wished, mut met) = (0, 0);
        if let Some(wish) = referral.preferred_gender {
            wished += 1;
            met += usize::from(guide.gender == Some(wish));
        }
        if referral.needs_rides {
            wished += 1;
            met += usize::from(guide.has_car);
        }
        let continuity = if referral.earlier_guides.contains(&guide.id) { self.continuity } else { 0 };
        experience
            + self.by_km[usize::from(km)]
            + availability
            + self.preferences[wished][met]
            + continuity
            + capacity
    }
}

/// The simple way: each referral in queue order takes its best guide with room left.
pub fn assign_greedily(
    referrals: &[ReferralFacts],
    guides: &[GuideFacts],
    distances: &DistanceTable,
) -> Assignment {
    let candidates = candidates(referrals, guides, &BatchScorer::new(guides, distances));
    let mut room: Vec<u16> = guides.iter().map(GuideFacts::free_places).collect();
    let mut chosen: Vec<Option<(usize, u32)>> = vec![None; referrals.len()];
    for (r, list) in candidates.lists.iter().enumerate() {
        if let Some(&(g, s)) = list.iter().find(|(g, _)| room[*g] > 0) {
            room[g] -= 1;
            chosen[r] = Some((g, s));
        }
    }
    finish(referrals, guides, &chosen)
}

fn finish(referrals: &[ReferralFacts], guides: &[GuideFacts], chosen: &[Option<(usize, u32)>]) -> Assignment {
    let mut assignment = Assignment::default();
    for (r, choice) in chosen.iter().enumerate() {
        match choice {
            Some((g, s)) => assignment.pairs.push((referrals[r].id, guides[*g].id, *s)),
            None => assignment.unassigned.push(referrals[r].id),
        }
    }
    assignment
}

/// Batch assignment: the better of two greedy starts (queue order, and best pairs first) over
/// each referral's [`BATCH_CANDIDATES`] best guides; then whoever still waits takes the best guide
/// with room among all guides; then moves that only ever raise the total: placing a waiting
/// referral by moving another to a guide with room, moving a referral to a better guide with
/// room, swapping the guides of two referrals, and a waiting referral taking the place of one
/// worth less. Never exceeds a capacity; never worse than the queue-order greedy. On a region's
/// batch it comes within a fraction of a percent of the best possible total (the matching
/// benchmark computes that exactly).
pub fn assign(referrals: &[ReferralFacts], guides: &[GuideFacts], distances: &DistanceTable) -> Assignment {
    let scorer = BatchScorer::new(guides, distances);
    let candidates = candidates(referrals, guides, &scorer);
    let value = |r: usize, s: u32| assignment_value(&referrals[r], s);
    let capacity: Vec<u16> = guides.iter().map(GuideFacts::free_places).collect();

    // Start 1: queue order. Start 2: the best-valued pairs first.
    let queue_order = {
        let mut room = capacity.clone();
        let mut chosen = vec![None; referrals.len()];
        for (r, list) in candidates.lists.iter().enumerate() {
            if let Some(&(g, s)) = list.iter().find(|(g, _)| room[*g] > 0) {
                room[g] -= 1;
                chosen[r] = Some((g, s));
            }
        }
        chosen
    };
    let best_pairs_first = {
        let mut pairs: Vec<(u64, usize, usize, u32)> = candidates
            .lists
            .iter()
            .enumerate()
            .flat_map(|(r, list)| list.iter().map(move |&(g, s)| (0, r, g, s)))
            .map(|(_, r, g, s)| (value(r, s), r, g, s))
            .collect();
        pairs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut room = capacity.clone();
        let mut chosen: Vec<Option<(usize, u32)>> = vec![None; referrals.len()];
        for (_, r, g, s) in pairs {
            if chosen[r].is_none() && room[g] > 0 {
                room[g] -= 1;
                chosen[r] = Some((g, s));
            }
        }
        chosen
    };
    let total = |chosen: &[Option<(usize, u32)>]| -> u64 {
        chosen.iter().enumerate().filter_map(|(r, c)| c.map(|(_, s)| value(r, s))).sum()
    };
    let mut chosen =
        if total(&best_pairs_first) >= total(&queue_order) { best_pairs_first } else { queue_order };

    // Who holds each guide's places, and the score of any referral with any guide.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); guides.len()];
    for (r, c) in chosen.iter().enumerate() {
        if let Some((g, _)) = c {
            holders[*g].push(r);
        }
    }
    let score_of = |r: usize, g: usize| candidates.lists[r].iter().find(|(x, _)| *x == g).map(|(_, s)| *s);
    let room = |holders: &Vec<Vec<usize>>, g: usize| usize::from(capacity[g]) > holders[g].len();

    // Fill: a guide who is no one's near-best choice may still have room, and waiting is worse
    // than a less fitting guide (see `assignment_value`). The referrals still waiting, the most
    // pressing first, each take the best eligible guide with room, among all guides.
    let mut open: Vec<usize> = (0..guides.len()).filter(|&g| room(&holders, g)).collect();
    let mut waiting: Vec<usize> = (0..referrals.len()).filter(|&r| chosen[r].is_none()).collect();
    waiting.sort_by_key(|&r| (std::cmp::Reverse(value(r, 0)), r));
    for r in waiting {
        if open.is_empty() {
            break;
        }
        let referral = &referrals[r];
        let tables = scorer.tables(referral);
        let best = open
            .iter()
            .enumerate()
            .filter(|&(_, &g)| is_eligible(referral, &guides[g]))
            .map(|(i, &g)| (i, g, scorer.score(&tables, referral, g, &guides[g])))
            .max_by(|a, b| a.2.cmp(&b.2).then(b.1.cmp(&a.1)));
        if let Some((i, g, s)) = best {
            chosen[r] = Some((g, s));
            holders[g].push(r);
            if !room(&holders, g) {
                open.swap_remove(i);
            }
        }
    }

    let mut places_left: usize = open.iter().map(|&g| usize::from(capacity[g]) - holders[g].len()).sum();
    for _pass in 0..PASSES {
        let mut improved = false;
        for r in 0..referrals.len() {
            match chosen[r] {
                // With no room anywhere, neither a place nor a move to make one exists.
                None if places_left == 0 => {}
                None => {
                    // Place r: take a guide with room, or make room by moving a holder.
                    'place: for &(g, s) in &candidates.lists[r] {
                        if room(&holders, g) {
                            chosen[r] = Some((g, s));
                            holders[g].push(r);
                            places_left -= 1;
                            improved = true;
                            break 'place;
                        }
                        for h in 0..holders[g].len() {
                            let other = holders[g][h];
                            let Some((_, other_score)) = chosen[other] else { continue };
                            for &(g2, s2) in &candidates.lists[other] {
                                if g2 != g && room(&holders, g2) {
                                    // r gains a guide; `other` changes guide: worth it if the
                                    // total rises.
                                    let gain = value(r, s) + value(other, s2);
                                    if gain > value(other, other_score) {
                                        holders[g].swap_remove(h);
                                        holders[g2].push(other);
                                        chosen[other] = Some((g2, s2));
                                        holders[g].push(r);
                                        chosen[r] = Some((g, s));
                                        places_left -= 1;
                                        improved = true;
                                        break 'place;
                                    }
                                }
                            }
                        }
                    }
                }
                Some((g, s)) => {
                    // Move to a better guide with room.
                    if let Some(&(g2, s2)) = candidates.lists[r]
                        .iter()
                        .take_while(|_| places_left > 0)
                        .find(|&&(g2, s2)| g2 != g && s2 > s && room(&holders, g2))
                    {
                        holders[g].retain(|&x| x != r);
                        holders[g2].push(r);
                        chosen[r] = Some((g2, s2));
                        improved = true;
                        continue;
                    }
                    // Swap guides with another referral when both together gain. Only guides r
                    // likes better are tried: a swap that gains has a side that likes its new
                    // guide better, and it is found from that side.
                    'swap: for &(g2, s_r_g2) in candidates.lists[r].iter().take_while(|&&(_, s2)| s2 > s) {
                        for i in 0..holders[g2].len() {
                            let other = holders[g2][i];
                            let Some((_, s_o_g2)) = chosen[other] else { continue };
                            // Not even `other`'s best guide would make up the difference.
                            let best_of_other = candidates.lists[other].first().map_or(0, |c| c.1);
                            if u64::from(s_r_g2) + u64::from(best_of_other)
                                <= u64::from(s) + u64::from(s_o_g2)
                            {
                                continue;
                            }
                            let Some(s_o_g) = score_of(other, g) else { continue };
                            if u64::from(s_r_g2) + u64::from(s_o_g) > u64::from(s) + u64::from(s_o_g2) {
                                holders[g2][i] = r;
                                holders[g].retain(|&x| x != r);
                                holders[g].push(other);
                                chosen[r] = Some((g2, s_r_g2));
                                chosen[other] = Some((g, s_o_g));
                                improved = true;
                                break 'swap;
                            }
                        }
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }

    // Make way: once the places run out, a referral still waiting takes the place of the holder
    // worth least at one of its candidate guides, when that raises the total (a longer or more
    // urgent wait before a slightly better fit). Whoever gives way tries the same in turn; each
    // step raises the total, so this ends.
    let mut waiting: Vec<usize> = (0..referrals.len()).filter(|&r| chosen[r].is_none()).collect();
    waiting.sort_by_key(|&r| (value(r, 0), std::cmp::Reverse(r)));
    while let Some(r) = waiting.pop() {
        let mut best: Option<(u64, usize, u32, usize)> = None;
        for &(g, s) in &candidates.lists[r] {
            let Some((i, least)) = holders[g]
                .iter()
                .enumerate()
                .filter_map(|(i, &h)| chosen[h].map(|(_, sh)| (i, value(h, sh))))
                .min_by_key(|&(i, v)| (v, i))
            else {
                continue;
            };
            let gain = value(r, s).saturating_sub(least);
            if gain > 0 && best.is_none_or(|b| gain > b.0) {
                best = Some((gain, g, s, i));
            }
        }
        if let Some((_, g, s, i)) = best {
            let gives_way = holders[g][i];
            holders[g][i] = r;
            chosen[r] = Some((g, s));
            chosen[gives_way] = None;
            waiting.push(gives_way);
        }
    }
    finish(referrals, guides, &chosen)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{availability::WeeklySlot, places};

    fn place(name: &str) -> u16 {
        places::index_of(name).unwrap()
    }

    fn week(slots: &[(u8, u16, u16)]) -> WeekHours {
        WeekHours::from_slots(
            &slots
                .iter()
                .map(|&(weekday, start, end)| WeeklySlot { weekday, start, end })
                .collect::<Vec<_>>(),
        )
    }

    const FI: u32 = 1;
    const SV: u32 = 2;
    const MENTAL_HEALTH: u64 = 1;
    const SUBSTANCE_USE: u64 = 2;

    fn guide(id: i64) -> GuideFacts {
        GuideFacts {
            id,
            active: true,
            topics: MENTAL_HEALTH,
            languages: FI,
            place: place("Seinäjoki"),
            has_car: false,
            caseload: 0,
            max_caseload: 5,
            availability: week(&[(0, 600, 960)]),
            gender: None,
        }
    }

    fn referral(id: i64) -> ReferralFacts {
        ReferralFacts {
            id,
            needs: MENTAL_HEALTH | SUBSTANCE_USE,
            languages: FI,
            place: place("Lapua"),
            times: None,
            needs_rides: false,
            preferred_gender: None,
            excluded: vec![],
            earlier_guides: vec![],
            days_waiting: 0,
            urgent: false,
        }
    }

    #[test]
    fn genders_read_back_what_is_stored() {
        for gender in [Gender::Woman, Gender::Man, Gender::Other] {
            assert_eq!(parse_gender(gender_name(gender)), Ok(Some(gender)));
        }
        assert_eq!(parse_gender(" man "), Ok(Some(Gender::Man)), "spaces around are dropped");
    }

    #[test]
    fn no_gender_given_is_no_answer_not_a_refusal() {
        assert_eq!(parse_gender(""), Ok(None));
        assert_eq!(parse_gender("   "), Ok(None));
    }

    #[test]
    fn an_unknown_gender_is_refused() {
        for input in ["Woman", "female", "w", "woman man"] {
            assert_eq!(parse_gender(input), Err(ValidationCode::UnknownChoice), "{input}");
        }
    }

    #[test]
    fn language_bits_follow_the_offered_order() {
        assert_eq!(language_bits(&Languages::from_codes(["fi"])), 1);
        assert_eq!(language_bits(&Languages::from_codes(["sv", "fi"])), 0b11);
        assert_eq!(
            language_bits(&Languages::from_codes([SPOKEN[SPOKEN.len() - 1]])),
            1 << (SPOKEN.len() - 1)
        );
        assert_eq!(language_bits(&Languages::from_codes(["xx"])), 0, "unknown codes are no language");
        assert_eq!(language_bits(&Languages::default()), 0);
        let client = language_bits(&Languages::from_stored("ru,en"));
        let guide = language_bits(&Languages::from_stored("en,fi"));
        assert_eq!(client & guide, language_bits(&Languages::from_codes(["en"])), "the shared language");
    }

    #[test]
    fn the_weights_add_up_to_a_hundred() {
        assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<u32>(), 100);
        use strum::IntoEnumIterator;
        for criterion in Criterion::iter() {
            assert!(weight(criterion) > 0, "{criterion:?} has a weight");
        }
    }

    #[test]
    fn hard_constraints_say_why() {
        let r = ReferralFacts { languages: SV, excluded: vec![1], ..referral(1) };
        let g = GuideFacts { active: false, caseload: 5, availability: WeekHours::default(), ..guide(1) };
        assert_eq!(
            exclusions(&r, &g),
            vec![
                Exclusion::Inactive,
                Exclusion::CaseloadFull { caseload: 5, max: 5 },
                Exclusion::NoSharedLanguage,
                Exclusion::NoAvailability,
                Exclusion::ExcludedForClient,
            ]
        );
        assert!(exclusions(&referral(1), &guide(2)).is_empty());
    }

    #[test]
    fn shared_experience_nearness_and_wishes_raise_the_score() {
        let distances = places::distances();
        let r = ReferralFacts { needs_rides: true, ..referral(1) };
        let base = guide(1);
        let experienced = GuideFacts { topics: MENTAL_HEALTH | SUBSTANCE_USE, ..guide(2) };
        let far = GuideFacts { place: place("Helsinki"), ..guide(3) };
        let driver = GuideFacts { has_car: true, ..guide(4) };
        let s = |g: &GuideFacts| score(&r, g, distances);
        assert!(s(&experienced) > s(&base));
        assert!(s(&far) < s(&base));
        assert!(s(&driver) > s(&base));
        let earlier = ReferralFacts { earlier_guides: vec![1], ..r.clone() };
        assert_eq!(score(&earlier, &base, distances), s(&base) + weight(Criterion::Continuity) * 1000);
    }

    #[test]
    fn the_explanation_carries_the_facts() {
        let ranking = rank(
            &ReferralFacts { times: Some(week(&[(0, 720, 1020)])), ..referral(1) },
            &[guide(1), GuideFacts { languages: SV, ..guide(2) }],
            places::distances(),
        );
        assert_eq!(ranking.excluded, vec![(2, vec![Exclusion::NoSharedLanguage])]);
        let p = &ranking.proposals[0];
        let detail = |c| p.contributions.iter().find(|x| x.criterion == c).unwrap().detail;
        assert_eq!(detail(Criterion::Experience), Detail::Experience { shared: MENTAL_HEALTH, needed: 3 });
        assert!(matches!(detail(Criterion::Distance), Detail::Distance { km } if (20..30).contains(&km)));
        assert_eq!(
            detail(Criterion::Availability),
            Detail::Availability { overlap_hours: 4, client_hours: Some(5), guide_hours: 6 }
        );
    }

    #[test]
    fn ranking_puts_the_best_first_and_breaks_ties_by_room() {
        let full_ish = GuideFacts { caseload: 4, ..guide(1) };
        let roomy = GuideFacts { caseload: 0, ..guide(2) };
        let ranking = rank(&referral(1), &[full_ish, roomy], places::distances());
        assert_eq!(ranking.proposals[0].guide, 2);
    }

    #[test]
    fn batch_beats_a_case_where_queue_order_greed_fails() {
        // Two referrals, two guides with one place each. Referral 1 is fine with either; referral 2
        // can only take guide 1 (language). Queue-order greed gives 1 to guide 1 and leaves 2
        // waiting; the batch places both.
        let g1 = GuideFacts {
            max_caseload: 1,
            languages: FI | SV,
            topics: MENTAL_HEALTH | SUBSTANCE_USE,
            ..guide(1)
        };
        let g2 = GuideFacts { max_caseload: 1, ..guide(2) };
        let r1 = referral(1);
        let r2 = ReferralFacts { languages: SV, ..referral(2) };
        let referrals = [r1, r2];
        let distances = places::distances();
        let greedy = assign_greedily(&referrals, &[g1.clone(), g2.clone()], distances);
        assert_eq!(greedy.unassigned, vec![2]);
        let batch = assign(&referrals, &[g1, g2], distances);
        assert!(batch.unassigned.is_empty(), "{batch:?}");
        assert!(batch.value(&referrals) > greedy.value(&referrals));
    }

    #[test]
    fn waiting_referrals_get_guides_beyond_their_best_few() {
        // Thirty guides with one place each; thirty referrals who all rank the same 24 guides
        // (those who share their experience) best. Looking no further, six would wait while six
        // guides had room.
        let guides: Vec<GuideFacts> = (0..30)
            .map(|i| GuideFacts {
                max_caseload: 1,
                topics: if i < 24 { MENTAL_HEALTH } else { 0 },
                ..guide(i)
            })
            .collect();
        let referrals: Vec<ReferralFacts> = (0..30).map(referral).collect();
        let batch = assign(&referrals, &guides, places::distances());
        assert!(batch.unassigned.is_empty(), "{batch:?}");
        let mut taken: Vec<i64> = batch.pairs.iter().map(|p| p.1).collect();
        taken.sort_unstable();
        assert_eq!(taken, (0..30).collect::<Vec<_>>(), "each guide's one place used once");
    }

    #[test]
    fn when_places_run_out_the_longer_wait_is_placed_first() {
        // One place; the referral who has waited a week takes it before the one who came today,
        // though today's fits the guide better.
        let guides = [GuideFacts { max_caseload: 1, ..guide(1) }];
        let waited = ReferralFacts { needs: SUBSTANCE_USE, days_waiting: 7, ..referral(1) };
        let today = ReferralFacts { needs: MENTAL_HEALTH, ..referral(2) };
        let referrals = [today, waited];
        let batch = assign(&referrals, &guides, places::distances());
        assert_eq!(batch.pairs.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1]);
        assert_eq!(batch.unassigned, vec![2]);
    }

    fn arbitrary_guide() -> impl Strategy<Value = GuideFacts> {
        (
            any::<bool>(),
            0u64..8,
            1u32..4,
            0u16..40,
            any::<bool>(),
            0u16..4,
            0u16..4,
            prop::collection::vec((0u8..7, 6u16..20), 0..4),
        )
            .prop_map(|(active, topics, languages, place, has_car, caseload, extra, slots)| {
                GuideFacts {
                    id: 0,
                    active,
                    topics,
                    languages,
                    place: place * 10,
                    has_car,
                    caseload,
                    max_caseload: caseload + extra,
                    availability: week(
                        &slots.iter().map(|&(d, h)| (d, h * 60, (h + 2) * 60)).collect::<Vec<_>>(),
                    ),
                    gender: None,
                }
            })
    }

    fn arbitrary_referral() -> impl Strategy<Value = ReferralFacts> {
        (0u64..8, 1u32..4, 0u16..40, any::<bool>(), 0u32..30, any::<bool>(), prop::option::of(0i64..6))
            .prop_map(|(needs, languages, place, needs_rides, days_waiting, urgent, excluded)| {
                ReferralFacts {
                    id: 0,
                    needs,
                    languages,
                    place: place * 10,
                    times: None,
                    needs_rides,
                    preferred_gender: None,
                    excluded: excluded.into_iter().collect(),
                    earlier_guides: vec![],
                    days_waiting,
                    urgent,
                }
            })
    }

    /// A referral with everything that changes a score: times, a gender wish, earlier guides.
    fn arbitrary_referral_with_wishes() -> impl Strategy<Value = ReferralFacts> {
        (
            arbitrary_referral(),
            prop::option::of(prop::collection::vec((0u8..7, 6u16..20), 0..4)),
            prop::option::of(prop_oneof![Just(Gender::Woman), Just(Gender::Man), Just(Gender::Other)]),
            prop::collection::vec(0i64..6, 0..2),
        )
            .prop_map(|(referral, times, preferred_gender, earlier_guides)| ReferralFacts {
                times: times.map(|slots| {
                    week(&slots.iter().map(|&(d, h)| (d, h * 60, (h + 3) * 60)).collect::<Vec<_>>())
                }),
                preferred_gender,
                earlier_guides,
                ..referral
            })
    }

    fn numbered<T>(mut items: Vec<T>, set: impl Fn(&mut T, i64)) -> Vec<T> {
        for (i, item) in items.iter_mut().enumerate() {
            set(item, i as i64);
        }
        items
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn contributions_add_up_and_stay_within_their_weights(r in arbitrary_referral(), g in arbitrary_guide()) {
            let distances = places::distances();
            let parts = contributions(&r, &g, distances);
            let total: u32 = parts.iter().map(|c| c.milli_points).sum();
            prop_assert_eq!(total, score(&r, &g, distances));
            prop_assert!(total <= 100_000);
            for part in parts {
                prop_assert!(part.milli_points <= weight(part.criterion) * 1000);
            }
        }

        #[test]
        fn the_batch_scores_as_the_explanation_does(
            r in arbitrary_referral_with_wishes(),
            guides in prop::collection::vec(
                (arbitrary_guide(), prop::option::of(prop_oneof![Just(Gender::Woman), Just(Gender::Man), Just(Gender::Other)])),
                1..8,
            ),
        ) {
            let guides = numbered(
                guides.into_iter().map(|(g, gender)| GuideFacts { gender, ..g }).collect(),
                |g, i| g.id = i,
            );
            let distances = places::distances();
            let scorer = BatchScorer::new(&guides, distances);
            let tables = scorer.tables(&r);
            for (i, g) in guides.iter().enumerate() {
                prop_assert_eq!(scorer.score(&tables, &r, i, g), score(&r, g, distances));
            }
        }

        #[test]
        fn no_proposal_breaks_a_hard_constraint(r in arbitrary_referral(), guides in prop::collection::vec(arbitrary_guide(), 0..12)) {
            let guides = numbered(guides, |g, i| g.id = i);
            let ranking = rank(&r, &guides, places::distances());
            prop_assert_eq!(ranking.proposals.len() + ranking.excluded.len(), guides.len());
            for p in &ranking.proposals {
                let g = guides.iter().find(|g| g.id == p.guide).unwrap();
                prop_assert!(g.active && g.free_places() > 0 && g.languages & r.languages != 0);
                prop_assert!(!g.availability.is_empty() && !r.excluded.contains(&g.id));
            }
            for pair in ranking.proposals.windows(2) {
                prop_assert!(pair[0].milli_score >= pair[1].milli_score);
            }
        }

        #[test]
        fn a_batch_respects_capacity_and_constraints_and_beats_greed(
            referrals in prop::collection::vec(arbitrary_referral(), 0..40),
            guides in prop::collection::vec(arbitrary_guide(), 0..10),
        ) {
            let referrals = numbered(referrals, |r, i| r.id = i);
            let guides = numbered(guides, |g, i| g.id = i);
            let distances = places::distances();
            let batch = assign(&referrals, &guides, distances);
            prop_assert_eq!(batch.pairs.len() + batch.unassigned.len(), referrals.len());
            for g in &guides {
                let used = batch.pairs.iter().filter(|(_, x, _)| *x == g.id).count();
                prop_assert!(used <= usize::from(g.free_places()), "guide {} over capacity", g.id);
            }
            for (r, g, s) in &batch.pairs {
                let (r, g) = (&referrals[*r as usize], &guides[*g as usize]);
                prop_assert!(exclusions(r, g).is_empty() && is_eligible(r, g));
                prop_assert_eq!(*s, score(r, g, distances));
            }
            let greedy = assign_greedily(&referrals, &guides, distances);
            prop_assert!(batch.value(&referrals) >= greedy.value(&referrals));
        }
    }
}
