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
    read_day(s).ok()
}

/// Why a text is not a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayError {
    /// Not written as a date at all.
    NotADate,
    /// Year, month and day read, but that day does not exist (2026-11-31, 2026-02-29).
    NoSuchDay { year: i16, month: i8, day: i8 },
    /// A month outside 1–12.
    NoSuchMonth { month: i64 },
}

impl DayError {
    /// The Chinese message for a text that is not a day, and what to write instead.
    pub fn explain(self) -> (String, String) {
        match self {
            DayError::NotADate => (
                "不是日期".to_string(),
                "日期写成 2026-11-05，也可以写 2026/11/5、2026.11.5 或 2026年11月5日".to_string(),
            ),
            DayError::NoSuchMonth { month } => (
                format!("没有{month}月"),
                "月份只能是 1 到 12，核对这个日期".to_string(),
            ),
            DayError::NoSuchDay { year, month, day } => {
                let last = days_in_month(year, month);
                (
                    format!("{year}年{month}月没有{day}日"),
                    format!("{year}年{month}月只有{last}天，核对这个日期"),
                )
            }
        }
    }
}

fn days_in_month(year: i16, month: i8) -> i8 {
    Date::new(year, month, 1).map_or(31, |d| d.days_in_month())
}

/// A day as people write it: `2026-11-05`, `2026-9-5`, `2026/9/5`, `2026.9.5`, `2026年9月5日`,
/// with full-width digits too. A day that does not exist is named as such.
pub fn read_day(s: &str) -> Result<Date, DayError> {
    let s: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '－' => '-',
            '／' => '/',
            '．' => '.',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日').or(s.strip_suffix('号')) {
        let Some((y, rest)) = rest.split_once('年') else {
            return Err(DayError::NotADate);
        };
        let Some((m, d)) = rest.split_once('月') else {
            return Err(DayError::NotADate);
        };
        vec![y, m, d]
    } else {
        let sep = ['-', '/', '.']
            .into_iter()
            .find(|c| s.contains(*c))
            .ok_or(DayError::NotADate)?;
        s.split(sep).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(DayError::NotADate);
    };
    let number = |t: &str, max_len: usize| -> Option<i64> {
        let t = t.trim();
        (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return Err(DayError::NotADate);
    };
    if y.trim().len() != 4 {
        return Err(DayError::NotADate);
    }
    if !(1..=12).contains(&month) {
        return Err(DayError::NoSuchMonth { month });
    }
    let (Ok(year), Ok(month), Ok(day)) =
        (i16::try_from(year), i8::try_from(month), i8::try_from(day))
    else {
        return Err(DayError::NotADate);
    };
    Date::new(year, month, day).map_err(|_| DayError::NoSuchDay { year, month, day })
}

/// Why `s` (a day, or a datetime whose day part is wrong) could not be read.
pub fn day_error(s: &str) -> DayError {
    let s = s.trim();
    let day_part = s.split(['T', ' ']).next().unwrap_or(s);
    match read_day(day_part) {
        Err(e) => e,
        Ok(_) => DayError::NotADate,
    }
}

/// `2026-11-05`, an RFC 3339 datetime, or a local `2026-11-05T14:30[:00]` in the site's zone.
pub fn parse_date_value(s: &str, tz: &TimeZone) -> Option<DateValue> {
    let s = s.trim();
    if let Some(day) = parse_date(s) {
        return Some(DateValue { day, instant: None });
    }
    let instant = match s.parse::<Timestamp>() {
        Ok(ts) => ts,
        Err(_) => local_datetime(s)?.to_zoned(tz.clone()).ok()?.timestamp(),
    };
    Some(DateValue {
        day: instant.to_zoned(tz.clone()).date(),
        instant: Some(instant),
    })
}

/// A local `2026-11-05T14:30`, or a day in any form `read_day` takes, a space and a time
/// (`2026年11月5日 14:30`).
fn local_datetime(s: &str) -> Option<DateTime> {
    if let Ok(dt) = s.replacen(' ', "T", 1).parse::<DateTime>() {
        return Some(dt);
    }
    let (day, time) = s.split_once([' ', 'T', '\u{3000}'])?;
    let time = time.trim().replace('：', ":");
    let time: jiff::civil::Time = time.parse().ok()?;
    Some(read_day(day).ok()?.to_datetime(time))
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
        let v =
            parse_date_value("2026年11月5日 14：30", &shanghai()).expect("chinese day and time");
        assert_eq!(
            v.instant.map(|t| t.to_string()),
            Some("2026-11-05T06:30:00Z".into())
        );
        assert!(parse_date_value("2026-13-05", &shanghai()).is_none());
        assert!(parse_date_value("明天", &shanghai()).is_none());
        assert!(parse_date("2026-2-5").is_some());
    }

    #[test]
    fn chinese_ways_of_writing_a_day() {
        for s in [
            "2026-9-5",
            "2026/9/5",
            "2026.9.5",
            "2026年9月5日",
            "2026年09月05日",
            "２０２６年９月５日",
            " 2026-09-05 ",
        ] {
            assert_eq!(
                parse_date(s).map(|d| d.to_string()),
                Some("2026-09-05".into()),
                "{s}"
            );
        }
        for s in [
            "2026-9",
            "26-9-5",
            "2026-9-5-1",
            "明天",
            "2026年9月",
            "2026/9-5",
            "",
        ] {
            assert_eq!(read_day(s), Err(DayError::NotADate), "{s}");
        }
    }

    #[test]
    fn impossible_days_are_named() {
        let e = read_day("2026-11-31").expect_err("no such day");
        assert_eq!(
            e.explain(),
            (
                "2026年11月没有31日".to_string(),
                "2026年11月只有30天，核对这个日期".to_string()
            )
        );
        let e = read_day("2026-02-29").expect_err("not a leap year");
        assert_eq!(e.explain().0, "2026年2月没有29日");
        assert!(read_day("2028-02-29").is_ok());
        assert_eq!(
            read_day("2026-13-01"),
            Err(DayError::NoSuchMonth { month: 13 })
        );
        assert_eq!(
            read_day("2026-11-00").map_err(|e| e.explain().0),
            Err("2026年11月没有0日".into())
        );
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
