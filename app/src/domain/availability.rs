//! Weekly availability in local (Helsinki) wall-clock time: "Mondays 10-14". Guides give theirs;
//! a client may say which times suit them. Matching compares them hour by hour.

use serde::{Deserialize, Serialize};

use super::validation::ValidationCode;

/// One weekly slot: weekday (0 = Monday) and start and end in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySlot {
    pub weekday: u8,
    pub start: u16,
    pub end: u16,
}

impl WeeklySlot {
    /// From a form: weekday 0-6 and "HH:MM" times; the end after the start.
    pub fn parse(weekday: &str, start: &str, end: &str) -> Result<Self, ValidationCode> {
        let weekday: u8 = weekday.trim().parse().map_err(|_| ValidationCode::UnknownChoice)?;
        if weekday > 6 {
            return Err(ValidationCode::UnknownChoice);
        }
        let (start, end) = (parse_time(start)?, parse_time(end)?);
        if end <= start {
            return Err(ValidationCode::EndBeforeStart);
        }
        Ok(Self { weekday, start, end })
    }

    pub fn minutes(&self) -> u32 {
        u32::from(self.end - self.start)
    }
}

/// "HH:MM" → minutes after midnight (24:00 is allowed as the end of a day).
pub fn parse_time(input: &str) -> Result<u16, ValidationCode> {
    let (h, m) = input.trim().split_once(':').ok_or(ValidationCode::InvalidTime)?;
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| ValidationCode::InvalidTime)?,
        m.parse().map_err(|_| ValidationCode::InvalidTime)?,
    );
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(ValidationCode::InvalidTime);
    }
    Ok(h * 60 + m)
}

pub fn format_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The week as 168 hour-bits (Monday 00-01 is bit 0). An hour counts when a slot covers any of
/// it, so a 10:30-12:00 slot covers 10-11 and 11-12.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct WeekHours(pub [u64; 3]);

impl WeekHours {
    pub fn from_slots(slots: &[WeeklySlot]) -> Self {
        let mut bits = [0u64; 3];
        for slot in slots {
            let first = u32::from(slot.weekday) * 24 + u32::from(slot.start) / 60;
            let last = u32::from(slot.weekday) * 24 + u32::from(slot.end).div_ceil(60);
            for hour in first..last.min(168) {
                bits[(hour / 64) as usize] |= 1 << (hour % 64);
            }
        }
        Self(bits)
    }

    pub fn hours(&self) -> u32 {
        self.0.iter().map(|b| b.count_ones()).sum()
    }

    pub fn overlap(&self, other: &WeekHours) -> u32 {
        self.0.iter().zip(other.0.iter()).map(|(a, b)| (a & b).count_ones()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.hours() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_parse_from_forms() {
        assert_eq!(
            WeeklySlot::parse("0", "10:00", "14:30"),
            Ok(WeeklySlot { weekday: 0, start: 600, end: 870 })
        );
        assert_eq!(WeeklySlot::parse("7", "10:00", "11:00"), Err(ValidationCode::UnknownChoice));
        assert_eq!(WeeklySlot::parse("1", "14:00", "10:00"), Err(ValidationCode::EndBeforeStart));
        assert_eq!(WeeklySlot::parse("1", "25:00", "26:00"), Err(ValidationCode::InvalidTime));
        assert_eq!(WeeklySlot::parse("1", "9", "10:00"), Err(ValidationCode::InvalidTime));
        assert_eq!(parse_time("24:00"), Ok(1440));
        assert_eq!(format_time(570), "09:30");
    }

    #[test]
    fn hours_overlap_hour_by_hour() {
        let guide = WeekHours::from_slots(&[
            WeeklySlot { weekday: 0, start: 600, end: 840 }, // Mon 10-14
            WeeklySlot { weekday: 2, start: 630, end: 720 }, // Wed 10:30-12 → 10-12
        ]);
        assert_eq!(guide.hours(), 6);
        let client = WeekHours::from_slots(&[WeeklySlot { weekday: 0, start: 720, end: 1020 }]); // Mon 12-17
        assert_eq!(guide.overlap(&client), 2);
        let sunday_night = WeekHours::from_slots(&[WeeklySlot { weekday: 6, start: 1380, end: 1440 }]);
        assert_eq!(sunday_night.hours(), 1, "the last hour of the week is bit 167");
    }
}
