//! The best possible batch, computed exactly: for measuring the batch against it, never for
//! proposing (it takes seconds on a region).

use app::domain::{
    matching::{GuideFacts, ReferralFacts, assignment_value, is_eligible, score},
    places::DistanceTable,
};
use rs_graph::{Buildable, Builder, IndexGraph, VecGraph, mcf::network_simplex};

#[derive(Clone, Copy, PartialEq)]
enum Edge {
    /// Referral to guide.
    Places,
    /// Referral to the sink: left waiting.
    Waits,
    /// Guide to the sink, as many as the guide has free places.
    FreePlaces,
}

/// The best possible batch: how many referrals it places and its total value.
pub struct Best {
    pub placed: usize,
    pub value: u64,
}

/// Computes the [`Best`] batch.
///
/// A minimum-cost flow, solved exactly by network simplex: each referral sends one unit either
/// through a guide it may be proposed (at most the guide's free places) or straight to the sink
/// (left waiting). Costs are shifted to be non-negative: `top - value` through a guide, `top`
/// for waiting, so the least cost is `referrals × top - the greatest total value`.
pub fn optimum(referrals: &[ReferralFacts], guides: &[GuideFacts], distances: &DistanceTable) -> Best {
    let mut builder = VecGraph::<u32>::new_builder();
    let referral_nodes = builder.add_nodes(referrals.len());
    let guide_nodes = builder.add_nodes(guides.len());
    let sink = builder.add_node();
    // Per edge, in the order added (its id): its capacity, value and kind.
    let mut edges: Vec<(i64, i64, Edge)> = Vec::new();
    for (r, referral) in referrals.iter().enumerate() {
        for (g, guide) in guides.iter().enumerate() {
            if is_eligible(referral, guide) {
                builder.add_edge(referral_nodes[r], guide_nodes[g]);
                let value = assignment_value(referral, score(referral, guide, distances));
                edges.push((1, i64::try_from(value).expect("value fits"), Edge::Places));
            }
        }
        builder.add_edge(referral_nodes[r], sink);
        edges.push((1, 0, Edge::Waits));
    }
    for (g, guide) in guides.iter().enumerate() {
        builder.add_edge(guide_nodes[g], sink);
        edges.push((i64::from(guide.free_places()), 0, Edge::FreePlaces));
    }
    let graph = builder.into_graph();
    let referral_count = i64::try_from(referrals.len()).expect("count fits");
    let top = edges.iter().map(|e| e.1).max().unwrap_or(0) + 1;
    let sink_id = graph.node_id(sink);
    let (cost, flows) = network_simplex(
        &graph,
        |u| {
            let id = graph.node_id(u);
            if id < referrals.len() {
                1
            } else if id == sink_id {
                -referral_count
            } else {
                0
            }
        },
        |_| 0,
        |e| edges[graph.edge_id(e)].0,
        |e| {
            let (_, value, kind) = edges[graph.edge_id(e)];
            match kind {
                Edge::Places => top - value,
                Edge::Waits => top,
                Edge::FreePlaces => 0,
            }
        },
    )
    .expect("the flow problem is feasible: every referral may wait");
    let placed =
        flows.iter().filter(|(e, flow)| *flow > 0 && edges[graph.edge_id(*e)].2 == Edge::Places).count();
    let value = u64::try_from(referral_count * top - cost).expect("a total value is not negative");
    Best { placed, value }
}
