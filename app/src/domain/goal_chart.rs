//! One goal's way over time, as a picture and in words: the client's faces as points joined by
//! a line, and the days steps were done as markers along the bottom. The geometry is computed
//! here so the page only draws it (`<svg viewBox="0 0 300 120">`) and a test can check it; the
//! same facts come as [`ChartText`] for a screen reader, or anyone who prefers words.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ratings::Face;

/// The picture's coordinate system, in the units of its `viewBox`.
pub const WIDTH: f64 = 300.0;
pub const HEIGHT: f64 = 120.0;
/// Room on the left for the faces that label the levels.
pub const LEFT: f64 = 24.0;
pub const RIGHT: f64 = 290.0;
/// Where the best face (5) and the worst (1) are drawn.
pub const TOP: f64 = 10.0;
pub const BOTTOM: f64 = 82.0;
/// The row of step markers, below the faces.
pub const STEP_ROW: f64 = 104.0;

/// A level of the scale: a face and its height, for a guide line and the face beside it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub face: Face,
    pub y: f64,
}

/// A rating drawn as a point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatingPoint {
    pub x: f64,
    pub y: f64,
    pub on: NaiveDate,
    pub face: Face,
}

/// The steps done on one day, drawn as one marker with their number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepMarker {
    pub x: f64,
    pub y: f64,
    pub on: NaiveDate,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub levels: Vec<Level>,
    /// The ratings inside the window, in date order.
    pub points: Vec<RatingPoint>,
    /// The points as an SVG `<polyline points="…">`; empty with fewer than two points.
    pub line: String,
    pub steps: Vec<StepMarker>,
}

impl Chart {
    pub fn view_box() -> &'static str {
        "0 0 300 120"
    }
}

/// How the faces moved from the first rating to the last in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// Fewer than two ratings: nothing to compare.
    NotYet,
    Same,
    /// Better by this many faces.
    Better(u8),
    Worse(u8),
}

/// The chart in words: the window, every rating, the first and last face, how they moved, and
/// how many steps were done. The UI words each part; nothing here is text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartText {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub ratings: Vec<(NaiveDate, Face)>,
    pub first: Option<Face>,
    pub last: Option<Face>,
    pub change: Change,
    pub steps_done: u32,
}

/// The picture of `ratings` and the days `steps_done` within `from..=to`; what lies outside the
/// window is left out. A window of one day puts everything in the middle; a reversed window is
/// read the right way round.
pub fn chart(
    ratings: &[(NaiveDate, Face)],
    steps_done: &[NaiveDate],
    from: NaiveDate,
    to: NaiveDate,
) -> Chart {
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let x = |on: NaiveDate| {
        let days = (to - from).num_days();
        if days == 0 {
            round((LEFT + RIGHT) / 2.0)
        } else {
            round(LEFT + (RIGHT - LEFT) * (on - from).num_days() as f64 / days as f64)
        }
    };
    let points: Vec<RatingPoint> = in_window(ratings, from, to)
        .into_iter()
        .map(|(on, face)| RatingPoint { x: x(on), y: y_of(face), on, face })
        .collect();
    let line = if points.len() < 2 {
        String::new()
    } else {
        points.iter().map(|p| format!("{},{}", p.x, p.y)).collect::<Vec<_>>().join(" ")
    };
    let steps = steps_by_day(steps_done, from, to)
        .into_iter()
        .map(|(on, count)| StepMarker { x: x(on), y: STEP_ROW, on, count })
        .collect();
    Chart {
        from,
        to,
        levels: Face::all().map(|face| Level { face, y: y_of(face) }).collect(),
        points,
        line,
        steps,
    }
}

/// The same window in words.
pub fn describe(
    ratings: &[(NaiveDate, Face)],
    steps_done: &[NaiveDate],
    from: NaiveDate,
    to: NaiveDate,
) -> ChartText {
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let ratings = in_window(ratings, from, to);
    let first = ratings.first().map(|r| r.1);
    let last = ratings.last().map(|r| r.1);
    let change = match (first, last) {
        (Some(a), Some(b)) if ratings.len() >= 2 => match b.value().cmp(&a.value()) {
            std::cmp::Ordering::Equal => Change::Same,
            std::cmp::Ordering::Greater => Change::Better(b.value() - a.value()),
            std::cmp::Ordering::Less => Change::Worse(a.value() - b.value()),
        },
        _ => Change::NotYet,
    };
    let steps_done = steps_by_day(steps_done, from, to).iter().map(|s| s.1).sum();
    ChartText { from, to, ratings, first, last, change, steps_done }
}

/// The best face at the top.
fn y_of(face: Face) -> f64 {
    let span = f64::from(Face::HIGHEST.value() - Face::LOWEST.value());
    round(TOP + (BOTTOM - TOP) * f64::from(Face::HIGHEST.value() - face.value()) / span)
}

/// The ratings in the window by date; ratings of one day keep the order they were given in.
fn in_window(ratings: &[(NaiveDate, Face)], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, Face)> {
    let mut inside: Vec<_> = ratings.iter().copied().filter(|(on, _)| (from..=to).contains(on)).collect();
    inside.sort_by_key(|r| r.0);
    inside
}

fn steps_by_day(steps_done: &[NaiveDate], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u32)> {
    let mut days: Vec<NaiveDate> = steps_done.iter().copied().filter(|on| (from..=to).contains(on)).collect();
    days.sort();
    let mut grouped: Vec<(NaiveDate, u32)> = Vec::new();
    for on in days {
        match grouped.last_mut() {
            Some((last, count)) if *last == on => *count += 1,
            _ => grouped.push((on, 1)),
        }
    }
    grouped
}

/// One decimal is finer than any screen shows, and keeps the SVG text short and stable.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn f(value: u8) -> Face {
        Face::new(value).unwrap()
    }

    #[test]
    fn the_levels_put_the_best_face_on_top() {
        let c = chart(&[], &[], d(2027, 1, 1), d(2027, 1, 31));
        let ys: Vec<f64> = c.levels.iter().map(|l| l.y).collect();
        assert_eq!(ys, [82.0, 64.0, 46.0, 28.0, 10.0]);
        assert_eq!(c.levels[4].face, Face::HIGHEST);
        assert!(c.points.is_empty() && c.steps.is_empty() && c.line.is_empty());
        assert_eq!(Chart::view_box(), format!("0 0 {WIDTH} {HEIGHT}"));
    }

    #[test]
    fn ratings_are_placed_by_date_and_face_and_joined_in_date_order() {
        // 100 days: each day is 2.66 units across.
        let (from, to) = (d(2027, 1, 1), d(2027, 4, 11));
        assert_eq!((to - from).num_days(), 100);
        let ratings = [(d(2027, 4, 11), f(4)), (from, f(2)), (d(2027, 2, 20), f(3))];
        let c = chart(&ratings, &[], from, to);
        let xy: Vec<(f64, f64)> = c.points.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(xy, [(24.0, 64.0), (157.0, 46.0), (290.0, 28.0)]);
        assert_eq!(c.line, "24,64 157,46 290,28");
        assert_eq!(c.points[1].on, d(2027, 2, 20));
    }

    #[test]
    fn everything_drawn_lies_inside_the_picture() {
        let (from, to) = (d(2026, 12, 1), d(2027, 6, 1));
        let ratings: Vec<_> = Face::all()
            .enumerate()
            .map(|(i, face)| (from + chrono::Days::new(i as u64 * 40), face))
            .collect();
        let steps: Vec<_> = (0..30).map(|i| from + chrono::Days::new(i * 6)).collect();
        let c = chart(&ratings, &steps, from, to);
        for p in &c.points {
            assert!((LEFT..=RIGHT).contains(&p.x) && (TOP..=BOTTOM).contains(&p.y), "{p:?}");
        }
        for s in &c.steps {
            assert!((LEFT..=RIGHT).contains(&s.x) && s.y < HEIGHT, "{s:?}");
        }
    }

    #[test]
    fn what_lies_outside_the_window_is_left_out() {
        let (from, to) = (d(2027, 1, 1), d(2027, 1, 31));
        let ratings = [(d(2026, 12, 31), f(1)), (d(2027, 1, 15), f(3)), (d(2027, 2, 1), f(5))];
        let steps = [d(2026, 12, 31), d(2027, 1, 31), d(2027, 2, 1)];
        let c = chart(&ratings, &steps, from, to);
        assert_eq!(c.points.len(), 1);
        assert!(c.line.is_empty(), "one point is no line");
        assert_eq!(c.steps, [StepMarker { x: 290.0, y: STEP_ROW, on: d(2027, 1, 31), count: 1 }]);
        let text = describe(&ratings, &steps, from, to);
        assert_eq!(
            (text.first, text.last, text.change, text.steps_done),
            (Some(f(3)), Some(f(3)), Change::NotYet, 1)
        );
    }

    #[test]
    fn steps_of_one_day_make_one_marker_with_their_number() {
        let (from, to) = (d(2027, 1, 1), d(2027, 1, 11));
        let steps = [d(2027, 1, 6), d(2027, 1, 2), d(2027, 1, 6), d(2027, 1, 6)];
        let c = chart(&[], &steps, from, to);
        let markers: Vec<(f64, u32)> = c.steps.iter().map(|s| (s.x, s.count)).collect();
        assert_eq!(markers, [(50.6, 1), (157.0, 3)]);
        assert_eq!(describe(&[], &steps, from, to).steps_done, 4);
    }

    #[test]
    fn a_one_day_window_centres_and_a_reversed_one_is_turned_round() {
        let day = d(2027, 3, 1);
        let c = chart(&[(day, f(5))], &[day], day, day);
        assert_eq!((c.points[0].x, c.points[0].y, c.steps[0].x), (157.0, 10.0, 157.0));
        let (from, to) = (d(2027, 1, 1), d(2027, 1, 31));
        assert_eq!(chart(&[(from, f(2))], &[], to, from), chart(&[(from, f(2))], &[], from, to));
        assert_eq!(describe(&[], &[], to, from).from, from);
    }

    #[test]
    fn the_words_say_how_the_faces_moved() {
        let (from, to) = (d(2027, 1, 1), d(2027, 6, 30));
        let up = [(d(2027, 1, 5), f(2)), (d(2027, 3, 5), f(2)), (d(2027, 6, 20), f(4))];
        let text = describe(&up, &[d(2027, 2, 1), d(2027, 2, 1)], from, to);
        assert_eq!(text.change, Change::Better(2));
        assert_eq!(text.ratings, up);
        assert_eq!(text.steps_done, 2);
        let down = [(d(2027, 1, 5), f(4)), (d(2027, 6, 20), f(3))];
        assert_eq!(describe(&down, &[], from, to).change, Change::Worse(1));
        let same = [(d(2027, 1, 5), f(3)), (d(2027, 6, 20), f(3))];
        assert_eq!(describe(&same, &[], from, to).change, Change::Same);
        let none = describe(&[], &[], from, to);
        assert_eq!((none.first, none.last, none.change), (None, None, Change::NotYet));
    }

    #[test]
    fn the_picture_and_the_words_tell_the_same_ratings() {
        let (from, to) = (d(2027, 1, 1), d(2027, 6, 30));
        let ratings = [(d(2027, 6, 1), f(4)), (d(2026, 6, 1), f(1)), (d(2027, 1, 2), f(2))];
        let c = chart(&ratings, &[], from, to);
        let text = describe(&ratings, &[], from, to);
        let drawn: Vec<_> = c.points.iter().map(|p| (p.on, p.face)).collect();
        assert_eq!(drawn, text.ratings);
    }
}
