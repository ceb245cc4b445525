//! The client's own rating of a goal: a face on a five-face scale, given at the first meeting,
//! at each review and at the ending.

use serde::{Deserialize, Serialize};

use super::{validation::ValidationCode, visits::named_enum};

/// How the client feels a goal is going, chosen from five faces (1 = very bad, 5 = very
/// good), at the first meeting, at each review and at the ending.
///
/// Five faces rather than Goal Attainment Scaling: GAS needs five levels described in advance
/// for every goal, written in a professional's terms, which is hard work for someone who needs
/// a lot of support and turns the client's goal into the worker's. Faces need no reading and
/// no preparation; the client answers for themselves in a second. Five, not three, so that a
/// change over a few months can show as one face better, which matters for small goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Face(u8);

impl Face {
    pub const LOWEST: Face = Face(1);
    pub const HIGHEST: Face = Face(5);

    /// A face from its number, 1 to 5.
    pub fn new(value: u8) -> Option<Face> {
        (1..=5).contains(&value).then_some(Face(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// All five, from the lowest.
    pub fn all() -> impl Iterator<Item = Face> {
        (1..=5).map(Face)
    }

    /// The face chosen in a form: its number, or empty for none (the client need not answer).
    pub fn parse(input: &str) -> Result<Option<Face>, ValidationCode> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let value: u8 = input.parse().map_err(|_| ValidationCode::UnknownChoice)?;
        Face::new(value).map(Some).ok_or(ValidationCode::UnknownChoice)
    }
}

impl TryFrom<u8> for Face {
    type Error = &'static str;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Face::new(value).ok_or("a face is 1 to 5")
    }
}

impl From<Face> for u8 {
    fn from(face: Face) -> u8 {
        face.0
    }
}

named_enum! {
    /// When the client rated their goals.
    RatingOccasion {
        FirstMeeting = "first_meeting",
        /// On another visit: a goal set between meetings gets its first face then, and the
        /// client may say how a goal is going whenever they want to.
        Visit = "visit",
        Review = "review",
        Ending = "ending",
    }
}

impl RatingOccasion {
    /// The occasion of a face given on a visit of `kind`, or off any visit (`None`): the first
    /// three-way meeting is the first meeting, a review meeting a review. Endings are rated on
    /// the ending's own form.
    pub fn of_visit(kind: Option<super::visits::VisitKind>) -> RatingOccasion {
        use super::visits::VisitKind;
        match kind {
            Some(VisitKind::ThreeWay) => RatingOccasion::FirstMeeting,
            Some(VisitKind::Review) => RatingOccasion::Review,
            _ => RatingOccasion::Visit,
        }
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn faces_are_one_to_five_and_may_be_left_out() {
        assert_eq!(Face::all().map(Face::value).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(Face::parse(" 4 "), Ok(Face::new(4)));
        assert_eq!(Face::parse(""), Ok(None));
        for input in ["0", "6", "-1", "3.5", "happy"] {
            assert_eq!(Face::parse(input), Err(ValidationCode::UnknownChoice), "{input}");
        }
        assert_eq!(serde_json::to_string(&Face::HIGHEST).unwrap(), "5");
        assert!(serde_json::from_str::<Face>("7").is_err(), "a stored 7 is no face");
    }

    #[test]
    fn a_face_given_on_a_meeting_counts_for_that_meeting() {
        use crate::domain::visits::VisitKind;
        assert_eq!(RatingOccasion::of_visit(Some(VisitKind::ThreeWay)), RatingOccasion::FirstMeeting);
        assert_eq!(RatingOccasion::of_visit(Some(VisitKind::Review)), RatingOccasion::Review);
        assert_eq!(RatingOccasion::of_visit(Some(VisitKind::HomeVisit)), RatingOccasion::Visit);
        assert_eq!(RatingOccasion::of_visit(None), RatingOccasion::Visit);
    }

    #[test]
    fn occasions_round_trip() {
        for o in RatingOccasion::iter() {
            assert_eq!(RatingOccasion::parse(o.as_str()), Ok(o));
        }
    }
}
