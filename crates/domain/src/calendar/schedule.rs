//! Calendar data: one year's special days, the region codes they may belong to, and the two
//! text forms they are read from (holiday-cn JSON for imports, the compact embedded form).

use std::str::FromStr;

use chrono::{Datelike, Month, NaiveDate};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// The smallest year a schedule may be for.
pub const MIN_YEAR: i32 = 2000;
/// The largest year a schedule may be for.
pub const MAX_YEAR: i32 = 2199;
/// The longest day name accepted, in characters (the longest real one has 22).
pub const MAX_NAME_CHARS: usize = 50;

/// Parses a date written exactly as `YYYY-MM-DD` (the only form the calendar reads or writes).
///
/// Stricter than chrono's parser, which would also take `2026-1-4`: data files and command
/// lines should not depend on such leniency.
pub fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let invalid = || CalendarError::InvalidDate { value: text.to_owned() };
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(invalid());
    }
    let number =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(invalid());
    };
    let year = i32::try_from(year).map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)
}

/// The code of a region that adds its own holidays, such as `XJ` for Xinjiang.
///
/// A site chooses its codes; the calendar only needs them to be short and unambiguous, so they
/// are normalised to upper case and limited to `A–Z`, `0–9` and `-` (1–16 characters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Checks and normalises a region code (surrounding spaces dropped, letters upper-cased).
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let code = text.trim().to_ascii_uppercase();
        let valid = (1..=16).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(code))
        } else {
            Err(CalendarError::InvalidRegion { value: text.to_owned() })
        }
    }
}

text_newtype!(RegionCode, "The code as text.", Display);

impl FromStr for RegionCode {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = CalendarError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> Self {
        code.0
    }
}

/// One day that differs from the Monday-to-Friday rule, as the State Council (or a region)
/// announced it.
///
/// Serialises in holiday-cn's shape (`{"name", "date", "isOffDay"}`) so exported data can be
/// imported again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecialDay {
    /// The holiday the day belongs to (`国庆节`, `肉孜节` …), shown in deadline explanations.
    pub name: String,
    /// The day.
    pub date: NaiveDate,
    /// `true`: a day off (also a weekend day inside a holiday); `false`: a working day, normally
    /// a weekend day made a working day (调休上班).
    pub is_off_day: bool,
}

/// The special days of one year, checked: every day in that year (or in the December before,
/// which a year's notice sometimes rearranges), each date once, each with a name.
///
/// Built by [`YearSchedule::new`] or [`YearSchedule::from_json`]; the fields are private so an
/// unchecked schedule cannot exist. Serialises in holiday-cn's JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawYearSchedule")]
pub struct YearSchedule {
    year: i32,
    papers: Vec<String>,
    days: Vec<SpecialDay>,
}

/// holiday-cn's JSON shape, before any check.
#[derive(Deserialize)]
struct RawYearSchedule {
    year: i64,
    #[serde(default)]
    papers: Vec<String>,
    days: Vec<RawSpecialDay>,
}

/// One day in holiday-cn's JSON shape, before any check.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpecialDay {
    name: String,
    date: String,
    is_off_day: bool,
}

impl TryFrom<RawYearSchedule> for YearSchedule {
    type Error = CalendarError;

    fn try_from(raw: RawYearSchedule) -> Result<Self, Self::Error> {
        // A year too large for i32 is reported as the nearest i32, which `new` then refuses.
        let year =
            i32::try_from(raw.year).unwrap_or(if raw.year < 0 { i32::MIN } else { i32::MAX });
        let days = raw
            .days
            .into_iter()
            .map(|day| {
                Ok(SpecialDay {
                    name: day.name,
                    date: parse_date(day.date.trim())?,
                    is_off_day: day.is_off_day,
                })
            })
            .collect::<Result<Vec<_>, CalendarError>>()?;
        Self::new(year, raw.papers, days)
    }
}

impl YearSchedule {
    /// Checks and builds the schedule of `year`; `papers` cite the notice it comes from.
    ///
    /// Refuses a year outside [`MIN_YEAR`]..=[`MAX_YEAR`], a day outside the year (other than
    /// the December before), a date listed twice, and an empty or overlong name. Days are kept
    /// in date order; names are trimmed.
    pub fn new(
        year: i32,
        papers: Vec<String>,
        days: Vec<SpecialDay>,
    ) -> Result<Self, CalendarError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange {
                year,
                min: MIN_YEAR,
                max: MAX_YEAR,
            });
        }
        let mut checked = Vec::with_capacity(days.len());
        for day in days {
            let belongs = day.date.year() == year
                || (day.date.year() == year - 1
                    && day.date.month() == Month::December.number_from_month());
            if !belongs {
                return Err(CalendarError::DayOutsideYear { year, date: day.date });
            }
            let name = day.name.trim();
            if name.is_empty() {
                return Err(CalendarError::MissingName { date: day.date });
            }
            if name.chars().count() > MAX_NAME_CHARS {
                return Err(CalendarError::NameTooLong {
                    date: day.date,
                    max: MAX_NAME_CHARS,
                });
            }
            checked.push(SpecialDay {
                name: name.to_owned(),
                date: day.date,
                is_off_day: day.is_off_day,
            });
        }
        checked.sort_by_key(|day| day.date);
        if let Some(pair) = checked.windows(2).find(|pair| pair[0].date == pair[1].date) {
            return Err(CalendarError::DuplicateDay { year, date: pair[0].date });
        }
        let papers = papers
            .into_iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        Ok(Self {
            year,
            papers,
            days: checked,
        })
    }

    /// Parses and checks an import in holiday-cn's JSON shape:
    /// `{"year": 2027, "papers": ["https://…"], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`
    /// (`papers` optional, other top-level keys such as `$schema` ignored).
    pub fn from_json(text: &str) -> Result<Self, CalendarError> {
        let raw: RawYearSchedule = serde_json::from_str(text)
            .map_err(|e| CalendarError::Malformed { detail: e.to_string() })?;
        Self::try_from(raw)
    }

    /// The year this schedule is for.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Where the schedule comes from (URLs of the notice), possibly empty.
    pub fn papers(&self) -> &[String] {
        &self.papers
    }

    /// The special days, in date order.
    pub fn days(&self) -> &[SpecialDay] {
        &self.days
    }

    /// Whether any listed day is a day off (every real national schedule has some).
    pub fn has_days_off(&self) -> bool {
        self.days.iter().any(|day| day.is_off_day)
    }
}

/// Reads the compact text form of the embedded data (`data/holidays/national.txt`, whose header
/// describes it): `year YYYY [URL …]` starts a year, then `YYYY-MM-DD 休|班 NAME` lines.
pub(super) fn parse_compact(text: &str) -> Result<Vec<YearSchedule>, CalendarError> {
    struct Pending {
        year: i32,
        papers: Vec<String>,
        days: Vec<SpecialDay>,
    }
    let malformed = |line: usize, what: &str| CalendarError::Malformed {
        detail: format!("第 {line} 行：{what}"),
    };
    let mut schedules = Vec::new();
    let mut pending: Option<Pending> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let first = parts.next().unwrap_or_default();
        if first == "year" {
            if let Some(done) = pending.take() {
                schedules.push(YearSchedule::new(done.year, done.papers, done.days)?);
            }
            let mut words = line.split_whitespace().skip(1);
            let year = words
                .next()
                .and_then(|y| y.parse::<i32>().ok())
                .ok_or_else(|| malformed(number, "year 后应为年份"))?;
            pending = Some(Pending {
                year,
                papers: words.map(str::to_owned).collect(),
                days: Vec::new(),
            });
            continue;
        }
        let date = parse_date(first)?;
        let is_off_day = match parts.next() {
            Some("休") => true,
            Some("班") => false,
            _ => return Err(malformed(number, "日期后应为“休”或“班”")),
        };
        let name = parts.next().unwrap_or_default().to_owned();
        let current = pending
            .as_mut()
            .ok_or_else(|| malformed(number, "日期行之前缺少 year 行"))?;
        current.days.push(SpecialDay { name, date, is_off_day });
    }
    if let Some(done) = pending.take() {
        schedules.push(YearSchedule::new(done.year, done.papers, done.days)?);
    }
    Ok(schedules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn dates_must_be_exactly_yyyy_mm_dd() {
        assert_eq!(
            date("2026-10-08"),
            NaiveDate::from_ymd_opt(2026, 10, 8).unwrap_or_default()
        );
        for bad in [
            "2026-1-04",
            "2026/01/04",
            "2026-02-30",
            "20260104",
            " 2026-01-04",
            "２026-01-04",
            "",
        ] {
            assert!(
                matches!(parse_date(bad), Err(CalendarError::InvalidDate { .. })),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn region_codes_are_normalised_and_checked() {
        let xj = RegionCode::parse(" xj ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(xj.as_str(), "XJ");
        assert_eq!(
            "650000".parse::<RegionCode>().map(String::from),
            Ok("650000".to_owned())
        );
        for bad in ["", "新疆", "X J", "ABCDEFGHIJKLMNOPQ"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let json = serde_json::to_string(&xj).unwrap_or_default();
        assert_eq!(json, "\"XJ\"");
        assert!(serde_json::from_str::<RegionCode>("\"x j\"").is_err());
    }

    #[test]
    fn a_holiday_cn_file_is_accepted_with_its_extra_keys() {
        let text = r#"{"$schema": "x", "$id": "y", "year": 2027,
            "papers": ["https://www.gov.cn/example"],
            "days": [
                {"name": "元旦", "date": "2027-01-02", "isOffDay": true},
                {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                {"name": "元旦", "date": "2026-12-27", "isOffDay": false}
            ]}"#;
        let schedule = YearSchedule::from_json(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(schedule.year(), 2027);
        assert_eq!(schedule.papers(), ["https://www.gov.cn/example"]);
        let dates: Vec<_> = schedule.days().iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, ["2026-12-27", "2027-01-01", "2027-01-02"]);
        // What it serialises to is read back unchanged.
        let again = serde_json::to_string(&schedule).unwrap_or_default();
        assert!(again.contains("\"isOffDay\":false"), "{again}");
        assert_eq!(YearSchedule::from_json(&again), Ok(schedule));
    }

    #[test]
    fn malformed_imports_are_refused_with_a_reason() {
        let cases: [(&str, &str); 10] = [
            ("not json", "calendar.malformed"),
            (r#"{"days": []}"#, "calendar.malformed"),
            (
                r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01"}]}"#,
                "calendar.malformed",
            ),
            (
                r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": "yes"}]}"#,
                "calendar.malformed",
            ),
            (
                r#"{"year": 99999999999, "days": []}"#,
                "calendar.year_out_of_range",
            ),
            (
                r#"{"year": 1999, "days": []}"#,
                "calendar.year_out_of_range",
            ),
            (
                r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-13-01", "isOffDay": true}]}"#,
                "calendar.invalid_date",
            ),
            (
                r#"{"year": 2027, "days": [{"name": "元旦", "date": "2026-11-30", "isOffDay": true}]}"#,
                "calendar.day_outside_year",
            ),
            (
                r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
                                       {"name": "新年", "date": "2027-01-01", "isOffDay": true}]}"#,
                "calendar.duplicate_day",
            ),
            (
                r#"{"year": 2027, "days": [{"name": "  ", "date": "2027-01-01", "isOffDay": true}]}"#,
                "calendar.missing_name",
            ),
        ];
        for (text, code) in cases {
            let err = YearSchedule::from_json(text)
                .err()
                .unwrap_or_else(|| panic!("{text} accepted"));
            assert_eq!(err.code(), code, "{text}: {err}");
            assert!(!err.to_string().is_empty());
        }
        let long = "节".repeat(MAX_NAME_CHARS + 1);
        let text = format!(
            r#"{{"year": 2027, "days": [{{"name": "{long}", "date": "2027-01-01", "isOffDay": true}}]}}"#
        );
        assert_eq!(
            YearSchedule::from_json(&text).map_err(|e| e.code()),
            Err("calendar.name_too_long")
        );
    }

    #[test]
    fn error_messages_name_the_problem_in_chinese() {
        let err = YearSchedule::from_json(
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}]}"#,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert_eq!(
            err,
            "2028-01-01 不属于 2027 年的节假日安排（只接受该年的日期，以及上一年 12 月的调休日期）"
        );
    }

    #[test]
    fn the_compact_form_reads_and_reports_line_numbers() {
        let text = "# comment\n\nyear 2027 https://a https://b\n2027-01-01 休 元旦\n2027-01-09 班 春节 调休\n";
        let years = parse_compact(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(years.len(), 1);
        assert_eq!(years[0].papers(), ["https://a", "https://b"]);
        assert_eq!(years[0].days()[1].name, "春节 调休");
        assert!(!years[0].days()[1].is_off_day);
        let err = parse_compact("year 2027\n2027-01-01 off 元旦\n")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("节假日数据格式错误：第 2 行：日期后应为“休”或“班”")
        );
        assert!(parse_compact("2027-01-01 休 元旦\n").is_err());
    }
}
