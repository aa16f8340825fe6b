//! Sets of weekdays as written in a window: `Mon`, `Mon-Fri`, `Sat,Sun`,
//! `Mon-Wed,Fri`, wrapping ranges such as `Fri-Mon`, full names (`Monday`)
//! and `daily`, all case-insensitive.
//!
//! Limits: only three-letter abbreviations and full English names; no
//! `weekdays`/`weekends` shorthands. Displayed canonically in week order,
//! runs of three or more days as ranges (a run may wrap past Sunday):
//!
//! ```text
//! "monday-FRIDAY"  → Mon-Fri
//! "sun,sat"        → Sat,Sun
//! "Fri-Mon"        → Fri-Mon
//! "Mon-Sun"        → daily
//! ```

use std::fmt;

use chrono::Weekday;

const NAMES: [(&str, &str, Weekday); 7] = [
    ("mon", "monday", Weekday::Mon),
    ("tue", "tuesday", Weekday::Tue),
    ("wed", "wednesday", Weekday::Wed),
    ("thu", "thursday", Weekday::Thu),
    ("fri", "friday", Weekday::Fri),
    ("sat", "saturday", Weekday::Sat),
    ("sun", "sunday", Weekday::Sun),
];

/// A set of weekdays (bit `n` is `n` days after Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Days(u8);

impl Days {
    pub(crate) const ALL: Days = Days(0x7f);

    pub(crate) fn contains(self, day: Weekday) -> bool {
        self.0 & bit(day) != 0
    }

    fn insert(&mut self, day: Weekday) {
        self.0 |= bit(day);
    }

    /// `first` through `last` in week order, wrapping past Sunday.
    fn insert_range(&mut self, first: Weekday, last: Weekday) {
        let mut day = first;
        self.insert(day);
        while day != last {
            day = day.succ();
            self.insert(day);
        }
    }

    /// Parses a day list; the error says what is wrong and what is expected.
    pub(crate) fn parse(text: &str) -> Result<Days, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("missing days: start with days such as Mon-Fri, Sat,Sun or daily".into());
        }
        if text.eq_ignore_ascii_case("daily") {
            return Ok(Days::ALL);
        }
        let mut days = Days::default();
        for item in text.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err(format!(
                    "empty item in the day list `{text}`: separate days with single commas, as in Mon,Wed"
                ));
            }
            let mut ends = item.split('-');
            match (ends.next(), ends.next(), ends.next()) {
                (Some(day), None, _) => days.insert(weekday(day)?),
                (Some(first), Some(last), None) => {
                    days.insert_range(weekday(first)?, weekday(last)?)
                }
                _ => {
                    return Err(format!(
                        "`{item}` is not a day range: a range is two days such as Mon-Fri"
                    ));
                }
            }
        }
        Ok(days)
    }
}

fn bit(day: Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

fn weekday(text: &str) -> Result<Weekday, String> {
    let word = text.trim();
    let lower = word.to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(short, long, _)| lower == *short || lower == *long)
        .map(|&(_, _, day)| day)
        .ok_or_else(|| {
            if word.is_empty() {
                "a day range is missing a day: write ranges as Mon-Fri".to_string()
            } else if lower == "daily" {
                "`daily` stands alone: it already means every day".to_string()
            } else {
                format!(
                    "unknown day `{word}` (expected Mon, Tue, Wed, Thu, Fri, Sat, Sun, \
                     a full name such as Monday, or daily)"
                )
            }
        })
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Days::ALL {
            return f.write_str("daily");
        }
        let days = *self;
        // A run starts at a member whose previous day is not a member; with
        // at least one day missing, every run has such a start.
        let mut first = true;
        let mut day = Weekday::Mon;
        for _ in 0..7 {
            if days.contains(day) && !days.contains(day.pred()) {
                let mut last = day;
                let mut len = 1;
                while days.contains(last.succ()) && len < 7 {
                    last = last.succ();
                    len += 1;
                }
                let sep = if first { "" } else { "," };
                first = false;
                match len {
                    1 => write!(f, "{sep}{day}")?,
                    2 => write!(f, "{sep}{day},{last}")?,
                    _ => write!(f, "{sep}{day}-{last}")?,
                }
            }
            day = day.succ();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        Days::parse(text).unwrap().to_string()
    }

    #[test]
    fn day_lists_read_in_every_accepted_form() {
        assert_eq!(canonical("Mon"), "Mon");
        assert_eq!(canonical("mon-fri"), "Mon-Fri");
        assert_eq!(canonical("Monday-FRIDAY"), "Mon-Fri");
        assert_eq!(canonical("Sat,Sun"), "Sat,Sun");
        assert_eq!(canonical("sun , sat"), "Sat,Sun");
        assert_eq!(canonical("Mon-Wed,Fri"), "Mon-Wed,Fri");
        assert_eq!(canonical("Fri-Mon"), "Fri-Mon");
        assert_eq!(canonical("Sun-Sat"), "daily");
        assert_eq!(canonical("DAILY"), "daily");
        assert_eq!(canonical("Mon-Mon"), "Mon");
        assert_eq!(canonical("Mon,Tue,Wed,Thu,Fri,Sat,Sun"), "daily");
        assert_eq!(canonical("Tue,Thu"), "Tue,Thu");
        assert_eq!(canonical("Sun-Mon,Wed-Fri"), "Wed-Fri,Sun,Mon");
    }

    #[test]
    fn wrapping_ranges_cover_the_weekend() {
        let days = Days::parse("Fri-Mon").unwrap();
        for day in [Weekday::Fri, Weekday::Sat, Weekday::Sun, Weekday::Mon] {
            assert!(days.contains(day), "{day}");
        }
        for day in [Weekday::Tue, Weekday::Wed, Weekday::Thu] {
            assert!(!days.contains(day), "{day}");
        }
    }

    #[test]
    fn bad_day_lists_say_what_is_expected() {
        assert_eq!(
            Days::parse("Funday").unwrap_err(),
            "unknown day `Funday` (expected Mon, Tue, Wed, Thu, Fri, Sat, Sun, a full name such \
             as Monday, or daily)"
        );
        assert_eq!(
            Days::parse("Mon-Fri-Sat").unwrap_err(),
            "`Mon-Fri-Sat` is not a day range: a range is two days such as Mon-Fri"
        );
        assert_eq!(
            Days::parse("Mon,,Fri").unwrap_err(),
            "empty item in the day list `Mon,,Fri`: separate days with single commas, as in Mon,Wed"
        );
        assert_eq!(
            Days::parse("Mon-").unwrap_err(),
            "a day range is missing a day: write ranges as Mon-Fri"
        );
        assert_eq!(
            Days::parse("daily,Mon").unwrap_err(),
            "`daily` stands alone: it already means every day"
        );
        assert!(Days::parse("").unwrap_err().starts_with("missing days"));
    }
}
