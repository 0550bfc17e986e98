//! China's official working-day calendar, for 公示期 given as `working_days` (content.md §2, §5).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::civil::{Date, Weekday};

/// One year's departures from the plain Monday–Friday week.
#[derive(Debug, Clone, Default)]
pub struct YearDays {
    /// Official days off that fall on Monday–Friday.
    pub holidays: Vec<Date>,
    /// Make-up workdays (调休) that fall on Saturday or Sunday.
    pub workdays: Vec<Date>,
}

/// The years whose official calendar is known, with their holidays and make-up workdays.
#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i16, YearSets>,
    /// holidays.yaml had a mistake: a year it may have meant to add is not here, which is
    /// that file's error, not one of every 公示 counting working days into that year.
    pub incomplete: bool,
}

#[derive(Debug, Clone, Default)]
struct YearSets {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

/// A working-day count needed a year that neither the built-in calendar nor holidays.yaml covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncoveredYear(pub i16);

impl fmt::Display for UncoveredYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no official holiday calendar for {}; add the year to holidays.yaml",
            self.0
        )
    }
}

impl std::error::Error for UncoveredYear {}

/// One built-in year as (month, day) pairs.
struct BuiltinYear {
    year: i16,
    holidays: &'static [(i8, i8)],
    workdays: &'static [(i8, i8)],
}

#[rustfmt::skip] // keep the table one holiday period per line
const BUILTIN: &[BuiltinYear] = &[
    // 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号)
    BuiltinYear {
        year: 2024,
        holidays: &[
            (1, 1),
            (2, 12), (2, 13), (2, 14), (2, 15), (2, 16),
            (4, 4), (4, 5),
            (5, 1), (5, 2), (5, 3),
            (6, 10),
            (9, 16), (9, 17),
            (10, 1), (10, 2), (10, 3), (10, 4), (10, 7),
        ],
        workdays: &[(2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12)],
    },
    // 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
    BuiltinYear {
        year: 2025,
        holidays: &[
            (1, 1),
            (1, 28), (1, 29), (1, 30), (1, 31), (2, 3), (2, 4),
            (4, 4),
            (5, 1), (5, 2), (5, 5),
            (6, 2),
            (10, 1), (10, 2), (10, 3), (10, 6), (10, 7), (10, 8),
        ],
        workdays: &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
    },
    // 国务院办公厅关于2026年部分节假日安排的通知 (published November 2025)
    BuiltinYear {
        year: 2026,
        holidays: &[
            (1, 1), (1, 2),
            (2, 16), (2, 17), (2, 18), (2, 19), (2, 20), (2, 23),
            (4, 6),
            (5, 1), (5, 4), (5, 5),
            (6, 19),
            (9, 25),
            (10, 1), (10, 2), (10, 5), (10, 6), (10, 7),
        ],
        workdays: &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
    },
];

impl Calendar {
    /// The official calendar for the years built in.
    pub fn builtin() -> Calendar {
        let mut cal = Calendar {
            years: BTreeMap::new(),
            incomplete: false,
        };
        for y in BUILTIN {
            // Table entries are checked by the tests; a bad one is skipped, never a panic.
            let dates = |md: &[(i8, i8)]| -> Vec<Date> {
                md.iter()
                    .filter_map(|&(m, d)| Date::new(y.year, m, d).ok())
                    .collect()
            };
            cal.set_year(
                y.year,
                YearDays {
                    holidays: dates(y.holidays),
                    workdays: dates(y.workdays),
                },
            );
        }
        cal
    }

    /// holidays.yaml: replaces that whole year's lists (or adds the year).
    ///
    /// Dates outside `year` are ignored: a day is always looked up under its own year, so they could
    /// never take effect here (the loader is where a misplaced date should be reported).
    pub fn set_year(&mut self, year: i16, days: YearDays) {
        let in_year = |v: Vec<Date>| -> BTreeSet<Date> {
            v.into_iter().filter(|d| d.year() == year).collect()
        };
        self.years.insert(
            year,
            YearSets {
                holidays: in_year(days.holidays),
                workdays: in_year(days.workdays),
            },
        );
    }

    pub fn covers(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    /// Covered years, ascending.
    pub fn covered_years(&self) -> Vec<i16> {
        self.years.keys().copied().collect()
    }

    /// Weekends are off unless a make-up workday (调休); weekdays are on unless an official holiday.
    pub fn is_working_day(&self, d: Date) -> Result<bool, UncoveredYear> {
        let year = self.years.get(&d.year()).ok_or(UncoveredYear(d.year()))?;
        Ok(if is_weekend(d) {
            year.workdays.contains(&d)
        } else {
            !year.holidays.contains(&d)
        })
    }

    /// The date of the n-th working day counting from `start` inclusive (n ≥ 1). If start is not a working day, the first working day after it is day 1. Errors if any day examined falls in a year not covered. n == 0 → returns start.
    pub fn nth_working_day(&self, start: Date, n: u32) -> Result<Date, UncoveredYear> {
        let mut day = start;
        let mut counted = 0u32;
        loop {
            if counted >= n {
                return Ok(day);
            }
            if self.is_working_day(day)? {
                counted += 1;
                if counted == n {
                    return Ok(day);
                }
            }
            // Terminates: covered years are finite, so the walk either finds enough working days
            // or reaches an uncovered year (or the end of jiff's range, reported as the next year).
            day = day
                .tomorrow()
                .map_err(|_| UncoveredYear(day.year().saturating_add(1)))?;
        }
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn builtin_table_dates_are_valid_and_on_the_right_weekdays() {
        let mut checked = 0;
        for y in BUILTIN {
            for &(m, d) in y.holidays {
                let day = Date::new(y.year, m, d);
                assert!(day.is_ok(), "{}-{m}-{d} is not a date", y.year);
                if let Ok(day) = day {
                    assert!(
                        !is_weekend(day),
                        "holiday {day} falls on {:?}",
                        day.weekday()
                    );
                    checked += 1;
                }
            }
            for &(m, d) in y.workdays {
                let day = Date::new(y.year, m, d);
                assert!(day.is_ok(), "{}-{m}-{d} is not a date", y.year);
                if let Ok(day) = day {
                    assert!(
                        is_weekend(day),
                        "workday {day} falls on {:?}",
                        day.weekday()
                    );
                    checked += 1;
                }
            }
        }
        // 19 + 8 (2024), 18 + 5 (2025), 19 + 6 (2026)
        assert_eq!(checked, 75);
    }

    #[test]
    fn builtin_table_has_no_duplicates_and_is_sorted() {
        for y in BUILTIN {
            for list in [y.holidays, y.workdays] {
                assert!(
                    list.windows(2).all(|w| w[0] < w[1]),
                    "{} not sorted/unique",
                    y.year
                );
            }
        }
    }

    #[test]
    fn builtin_loads_every_table_entry() {
        let cal = Calendar::builtin();
        for y in BUILTIN {
            let sets = &cal.years[&y.year];
            assert_eq!(sets.holidays.len(), y.holidays.len());
            assert_eq!(sets.workdays.len(), y.workdays.len());
        }
    }

    #[test]
    fn builtin_covers_2024_to_2026() {
        let cal = Calendar::builtin();
        assert_eq!(cal.covered_years(), vec![2024, 2025, 2026]);
        assert!(cal.covers(2026));
        assert!(!cal.covers(2023));
        assert!(!cal.covers(2027));
    }

    #[test]
    fn working_day_rules() {
        let cal = Calendar::builtin();
        // Ordinary Monday and Saturday.
        assert_eq!(cal.is_working_day(date(2026, 11, 16)), Ok(true));
        assert_eq!(cal.is_working_day(date(2026, 11, 21)), Ok(false));
        // Holiday on a weekday; make-up workday on a weekend.
        assert_eq!(cal.is_working_day(date(2026, 10, 1)), Ok(false));
        assert_eq!(cal.is_working_day(date(2026, 10, 10)), Ok(true));
        assert_eq!(cal.is_working_day(date(2025, 1, 26)), Ok(true));
        assert_eq!(cal.is_working_day(date(2024, 2, 12)), Ok(false));
        // A weekend inside a holiday stays off.
        assert_eq!(cal.is_working_day(date(2026, 10, 3)), Ok(false));
        assert_eq!(
            cal.is_working_day(date(2027, 1, 4)),
            Err(UncoveredYear(2027))
        );
        assert_eq!(
            cal.is_working_day(date(2023, 12, 29)),
            Err(UncoveredYear(2023))
        );
    }

    #[test]
    fn national_day_2026() {
        let cal = Calendar::builtin();
        let start = date(2026, 9, 28); // Monday
        // 9/28, 9/29, 9/30, then 10/1–10/7 off, 10/8 (4), 10/9 (5).
        assert_eq!(cal.nth_working_day(start, 3), Ok(date(2026, 9, 30)));
        assert_eq!(cal.nth_working_day(start, 4), Ok(date(2026, 10, 8)));
        assert_eq!(cal.nth_working_day(start, 5), Ok(date(2026, 10, 9)));
        // Saturday 10/10 is a make-up workday and counts; Sunday 10/11 does not.
        assert_eq!(cal.nth_working_day(start, 6), Ok(date(2026, 10, 10)));
        assert_eq!(cal.nth_working_day(start, 7), Ok(date(2026, 10, 12)));
    }

    #[test]
    fn ordinary_week() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.nth_working_day(date(2026, 11, 16), 5),
            Ok(date(2026, 11, 20))
        );
        assert_eq!(
            cal.nth_working_day(date(2026, 11, 16), 1),
            Ok(date(2026, 11, 16))
        );
        // Friday + 2 working days skips the weekend.
        assert_eq!(
            cal.nth_working_day(date(2026, 11, 20), 2),
            Ok(date(2026, 11, 23))
        );
    }

    #[test]
    fn start_on_a_day_off_counts_from_the_next_working_day() {
        let cal = Calendar::builtin();
        // Saturday 11/21 → day 1 is Monday 11/23.
        assert_eq!(
            cal.nth_working_day(date(2026, 11, 21), 1),
            Ok(date(2026, 11, 23))
        );
        assert_eq!(
            cal.nth_working_day(date(2026, 11, 21), 5),
            Ok(date(2026, 11, 27))
        );
        // Holiday start: 10/1 → day 1 is 10/8.
        assert_eq!(
            cal.nth_working_day(date(2026, 10, 1), 1),
            Ok(date(2026, 10, 8))
        );
        // Sunday 9/20/2026 is itself a make-up workday, so it is day 1.
        assert_eq!(
            cal.nth_working_day(date(2026, 9, 20), 1),
            Ok(date(2026, 9, 20))
        );
    }

    #[test]
    fn zero_days_returns_start_even_off_calendar() {
        let cal = Calendar::builtin();
        assert_eq!(
            cal.nth_working_day(date(2026, 10, 3), 0),
            Ok(date(2026, 10, 3))
        );
        assert_eq!(
            cal.nth_working_day(date(2030, 1, 1), 0),
            Ok(date(2030, 1, 1))
        );
    }

    #[test]
    fn spring_festival_2025_crosses_month() {
        let cal = Calendar::builtin();
        // Fri 1/24 (1), Sun 1/26 make-up (2), Mon 1/27 (3), 1/28–2/4 off, Wed 2/5 (4).
        assert_eq!(
            cal.nth_working_day(date(2025, 1, 24), 2),
            Ok(date(2025, 1, 26))
        );
        assert_eq!(
            cal.nth_working_day(date(2025, 1, 24), 4),
            Ok(date(2025, 2, 5))
        );
    }

    #[test]
    fn crossing_into_covered_year() {
        let cal = Calendar::builtin();
        // 2025-12-31 Wed (1), 2026-01-01/02 off, 01-03 Sat off, 01-04 Sun make-up (2).
        assert_eq!(
            cal.nth_working_day(date(2025, 12, 31), 2),
            Ok(date(2026, 1, 4))
        );
    }

    #[test]
    fn uncovered_year_is_an_error_and_set_year_adds_it() {
        let mut cal = Calendar::builtin();
        let start = date(2026, 12, 28); // Monday
        // 12/28–12/31 are 4 working days; the 5th would be in 2027.
        assert_eq!(cal.nth_working_day(start, 4), Ok(date(2026, 12, 31)));
        assert_eq!(cal.nth_working_day(start, 10), Err(UncoveredYear(2027)));
        // Starting in an uncovered year fails at once.
        assert_eq!(
            cal.nth_working_day(date(2023, 6, 1), 1),
            Err(UncoveredYear(2023))
        );

        cal.set_year(
            2027,
            YearDays {
                holidays: vec![date(2027, 1, 1)],
                workdays: vec![],
            },
        );
        assert!(cal.covers(2027));
        assert_eq!(cal.covered_years(), vec![2024, 2025, 2026, 2027]);
        // 12/28–12/31 (4), 1/1 Fri off, weekend, 1/4–1/8 (5–9), 1/11 Mon (10).
        assert_eq!(cal.nth_working_day(start, 10), Ok(date(2027, 1, 11)));
    }

    #[test]
    fn set_year_replaces_the_whole_year() {
        let mut cal = Calendar::builtin();
        cal.set_year(
            2026,
            YearDays {
                holidays: vec![date(2026, 11, 16)],
                workdays: vec![date(2026, 11, 21)],
            },
        );
        // The built-in National Day holiday is gone, the new lists apply.
        assert_eq!(cal.is_working_day(date(2026, 10, 1)), Ok(true));
        assert_eq!(cal.is_working_day(date(2026, 10, 10)), Ok(false));
        assert_eq!(cal.is_working_day(date(2026, 11, 16)), Ok(false));
        assert_eq!(cal.is_working_day(date(2026, 11, 21)), Ok(true));
        // Other years untouched.
        assert_eq!(cal.is_working_day(date(2025, 10, 1)), Ok(false));
    }

    #[test]
    fn set_year_ignores_dates_from_other_years() {
        let mut cal = Calendar::builtin();
        cal.set_year(
            2027,
            YearDays {
                holidays: vec![date(2026, 11, 16)],
                workdays: vec![],
            },
        );
        assert_eq!(cal.is_working_day(date(2026, 11, 16)), Ok(true));
    }

    #[test]
    fn misplaced_list_entries_have_no_effect() {
        let mut cal = Calendar::builtin();
        // A Saturday in holidays and a Monday in workdays change nothing.
        cal.set_year(
            2027,
            YearDays {
                holidays: vec![date(2027, 1, 2)],
                workdays: vec![date(2027, 1, 4)],
            },
        );
        assert_eq!(cal.is_working_day(date(2027, 1, 2)), Ok(false));
        assert_eq!(cal.is_working_day(date(2027, 1, 4)), Ok(true));
    }

    #[test]
    fn empty_calendar_and_end_of_range() {
        let mut cal = Calendar::builtin();
        cal.set_year(9999, YearDays::default());
        // Asking for more working days than 9999 has left walks off jiff's range: an error, not a panic.
        assert_eq!(
            cal.nth_working_day(date(9999, 12, 30), 5),
            Err(UncoveredYear(10000))
        );
        assert_eq!(
            cal.nth_working_day(date(9999, 12, 30), 2),
            Ok(date(9999, 12, 31))
        );
    }

    #[test]
    fn all_days_off_year_walks_into_next_year() {
        let mut cal = Calendar::builtin();
        let every_weekday: Vec<Date> = date(2027, 1, 1)
            .series(jiff::Span::new().days(1))
            .take_while(|d| d.year() == 2027)
            .filter(|d| !is_weekend(*d))
            .collect();
        cal.set_year(
            2027,
            YearDays {
                holidays: every_weekday,
                workdays: vec![],
            },
        );
        assert_eq!(
            cal.nth_working_day(date(2027, 3, 1), 1),
            Err(UncoveredYear(2028))
        );
    }

    #[test]
    fn uncovered_year_message_names_the_year() {
        assert!(UncoveredYear(2027).to_string().contains("2027"));
    }
}
