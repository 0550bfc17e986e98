//! Dates as the content format writes them, and the build's "today".

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// A record's `date`: a civil day in the site's time zone, and the instant when one was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    pub day: Date,
    pub instant: Option<Timestamp>,
}

pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    // jiff is lenient about some forms; insist on the ISO day that content.md shows.
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
}

/// `2026-11-05`, an RFC 3339 datetime, or a local `2026-11-05T14:30[:00]` in the site's zone.
pub fn parse_date_value(s: &str, tz: &TimeZone) -> Option<DateValue> {
    let s = s.trim();
    if let Some(day) = parse_date(s) {
        return Some(DateValue { day, instant: None });
    }
    let instant = match s.parse::<Timestamp>() {
        Ok(ts) => ts,
        Err(_) => s
            .replacen(' ', "T", 1)
            .parse::<DateTime>()
            .ok()?
            .to_zoned(tz.clone())
            .ok()?
            .timestamp(),
    };
    Some(DateValue {
        day: instant.to_zoned(tz.clone()).date(),
        instant: Some(instant),
    })
}

/// The day every time rule is judged at, and the instant feeds call "now".
#[derive(Debug, Clone)]
pub struct Today {
    pub day: Date,
    pub instant: Timestamp,
}

impl Today {
    /// `--now` as a date (midnight in the site's zone) or an RFC 3339 datetime.
    pub fn parse(s: &str, tz: &TimeZone) -> Option<Today> {
        let v = parse_date_value(s, tz)?;
        let instant = match v.instant {
            Some(ts) => ts,
            None => v.day.to_zoned(tz.clone()).ok()?.timestamp(),
        };
        Some(Today {
            day: v.day,
            instant,
        })
    }

    pub fn from_clock(tz: &TimeZone) -> Today {
        let now = Zoned::now().with_time_zone(tz.clone());
        Today {
            day: now.date(),
            instant: now.timestamp(),
        }
    }
}

/// Whole days from `a` to `b` (negative when b is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

pub fn iso(d: Date) -> String {
    d.to_string()
}

pub fn zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").expect("bundled tz")
    }

    #[test]
    fn rfc3339_takes_the_site_day() {
        let v = parse_date_value("2026-11-04T18:00:00Z", &shanghai()).expect("valid");
        assert_eq!(v.day.to_string(), "2026-11-05");
        assert!(v.instant.is_some());
    }

    #[test]
    fn plain_date_and_local_datetime() {
        assert_eq!(
            parse_date_value("2026-11-05", &shanghai()).map(|v| v.day.to_string()),
            Some("2026-11-05".into())
        );
        assert!(parse_date_value("2026-11-05 14:30", &shanghai()).is_some());
        assert!(parse_date_value("2026-13-05", &shanghai()).is_none());
        assert!(parse_date_value("明天", &shanghai()).is_none());
        assert!(parse_date("2026-2-5").is_none());
    }

    #[test]
    fn days_between_is_signed() {
        let a = parse_date("2026-11-21").expect("d");
        let b = parse_date("2026-11-30").expect("d");
        assert_eq!(days_between(a, b), 9);
        assert_eq!(days_between(b, a), -9);
    }

    #[test]
    fn now_as_date_is_midnight_in_zone() {
        let t = Today::parse("2026-11-21", &shanghai()).expect("valid");
        assert_eq!(t.instant.to_string(), "2026-11-20T16:00:00Z");
    }
}
