//! The working-day calendar (工作日) and the statutory clocks computed on it.
//!
//! A working day is Monday to Friday, minus the statutory holidays, plus the weekend days
//! officially made working days (调休), minus the regional holidays of the region asked about
//! (Xinjiang observes 肉孜节 and 古尔邦节). All of it is data, never computed: the State Council
//! publishes each next year's schedule every November, and an administrator imports it (holiday-cn
//! JSON, [`YearSchedule::from_json`]); a site adds its regional days the same way. Asking about
//! a year the calendar has no data for is an error ([`CalendarError::YearNotCovered`]), never a
//! guess, because a wrong statutory deadline is worse than none.
//!
//! Counting starts after the start day (the start day is day 0): [`Calendar::due_date`] of a
//! Wednesday and 1 is the Thursday, if that is a working day. [`Clock`] adds what the disclosure
//! regulation adds (pauses, restart after 补正, extensions) and explains its result day by day.
//!
//! The national schedules 2007–2026 ship inside the crate (`data/holidays/national.txt`, derived
//! from holiday-cn, MIT licence beside it) and are read by [`Calendar::national`].

mod clock;
mod error;
mod schedule;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

pub use clock::{
    APPLICATION_LIMIT_WORKING_DAYS, CONSULTATION_WORKING_DAYS, CORRECTION_NOTICE_WORKING_DAYS,
    Clock, ClockExtension, ClockPause, ClockStatus, MAX_EXTENSION_WORKING_DAYS, NotableDay,
    PauseEffect, PauseReason, Reckoning,
};
pub use error::CalendarError;
pub use schedule::{
    MAX_NAME_CHARS, MAX_YEAR, MIN_YEAR, RegionCode, SpecialDay, YearSchedule, parse_date,
};

/// The embedded national schedules 2007–2026, in a compact text form of our own:
///
/// ```text
/// year 2026 https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
/// 2026-01-01 休 元旦
/// 2026-01-04 班 元旦
/// ```
///
/// `year` starts a year (with the notice's URLs), then one line per special day: `休` a day off,
/// `班` a weekend day made a working day. Converted once from holiday-cn's JSON (MIT, licence in
/// `data/holidays/LICENSE-holiday-cn`) so that the data the project ships is one reviewable line
/// per day rather than twenty JSON files, and so the test comparing it with the original files
/// checks the conversion instead of comparing a file with itself. Imports at run time use
/// holiday-cn's JSON ([`YearSchedule::from_json`]); both forms go through the same checks.
const NATIONAL_DATA: &str = include_str!("../../data/holidays/national.txt");

/// The embedded schedules, read once per process.
static NATIONAL: LazyLock<Result<Calendar, CalendarError>> = LazyLock::new(|| {
    let mut calendar = Calendar::empty();
    for schedule in schedule::parse_compact(NATIONAL_DATA)? {
        calendar.insert_year(schedule)?;
    }
    Ok(calendar)
});

/// What kind of day a date is, for one region, and why.
///
/// Serialises with a `kind` tag (`workday`, `weekend`, `holiday`, …) so a page can explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day (Monday to Friday, nothing special).
    Workday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A national day off (including weekend days inside a holiday).
    Holiday {
        /// The holiday (`春节`, `国庆节` …).
        name: String,
    },
    /// A weekend day made a working day nationally (调休上班).
    MakeUpWorkday {
        /// The holiday it makes up for.
        name: String,
    },
    /// A day off of the region asked about.
    RegionalHoliday {
        /// The region.
        region: RegionCode,
        /// The holiday (`肉孜节`, `古尔邦节` …).
        name: String,
    },
    /// A day the region asked about works although it would otherwise be off (a regional 调休).
    RegionalMakeUpWorkday {
        /// The region.
        region: RegionCode,
        /// The holiday it makes up for.
        name: String,
    },
}

impl DayKind {
    /// Whether the statutory clock counts this day.
    pub fn is_working(&self) -> bool {
        matches!(
            self,
            Self::Workday | Self::MakeUpWorkday { .. } | Self::RegionalMakeUpWorkday { .. }
        )
    }

    /// A short Chinese description for explanations, e.g. `国庆节放假`, `国庆节调休上班`.
    pub fn label_zh(&self) -> String {
        match self {
            Self::Workday => "工作日".to_owned(),
            Self::Weekend => "周末".to_owned(),
            Self::Holiday { name } => format!("{name}放假"),
            Self::MakeUpWorkday { name } => format!("{name}调休上班"),
            Self::RegionalHoliday { region, name } => format!("{name}放假（地方节假日，{region}）"),
            Self::RegionalMakeUpWorkday { region, name } => {
                format!("{name}调休上班（地方安排，{region}）")
            }
        }
    }
}

/// One listed day as the calendar looks it up, with the schedule year it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IndexedDay {
    name: String,
    is_off_day: bool,
    schedule_year: i32,
}

/// The schedules of one authority (the nation, or one region) and their days by date.
///
/// Both are shared between copies: a calendar is loaded for every deadline it dates (each
/// public submission), and copying twenty years of days each time was most of that load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Layer {
    years: BTreeMap<i32, Arc<YearSchedule>>,
    days: Arc<HashMap<NaiveDate, IndexedDay>>,
}

impl Layer {
    /// Adds or replaces one year; refuses it, changing nothing, if it contradicts another year
    /// about a shared day (a December day listed by both its own year and the next).
    ///
    /// The same schedule again changes nothing, and a year not yet held adds its days to the
    /// index as they are; only a changed year (or a contradiction, to name it) rebuilds the
    /// index, which every other case equals ([`Layer::rebuilt_with`]).
    fn insert(&mut self, schedule: YearSchedule) -> Result<Option<YearSchedule>, CalendarError> {
        match self.years.get(&schedule.year()) {
            Some(present) if **present == schedule => Ok(Some(schedule)),
            None if self.agrees_with(&schedule) => {
                self.add(schedule);
                Ok(None)
            }
            _ => {
                let (rebuilt, previous) = self.rebuilt_with(schedule)?;
                *self = rebuilt;
                Ok(previous)
            }
        }
    }

    /// Whether no day of `schedule` is listed by another year with the other meaning.
    fn agrees_with(&self, schedule: &YearSchedule) -> bool {
        schedule.days().iter().all(|day| {
            self.days
                .get(&day.date)
                .is_none_or(|seen| seen.is_off_day == day.is_off_day)
        })
    }

    /// Adds the schedule of a year not yet held that [`Layer::agrees_with`] it: a day another
    /// year lists too is indexed under the earlier year, as a rebuild does.
    fn add(&mut self, schedule: YearSchedule) {
        let year = schedule.year();
        if !schedule.days().is_empty() {
            let days = Arc::make_mut(&mut self.days);
            for day in schedule.days() {
                let entry = IndexedDay {
                    name: day.name.clone(),
                    is_off_day: day.is_off_day,
                    schedule_year: year,
                };
                match days.get_mut(&day.date) {
                    Some(seen) if seen.schedule_year > year => *seen = entry,
                    Some(_) => {}
                    None => {
                        days.insert(day.date, entry);
                    }
                }
            }
        }
        self.years.insert(year, Arc::new(schedule));
    }

    /// The layer with `schedule` added or replaced and its index built again from every year,
    /// and the schedule it replaced; the first contradiction in year order is the error.
    fn rebuilt_with(
        &self,
        schedule: YearSchedule,
    ) -> Result<(Self, Option<YearSchedule>), CalendarError> {
        let mut years = self.years.clone();
        let previous = years.insert(schedule.year(), Arc::new(schedule));
        let mut days: HashMap<NaiveDate, IndexedDay> = HashMap::new();
        for (year, schedule) in &years {
            for day in schedule.days() {
                let entry = IndexedDay {
                    name: day.name.clone(),
                    is_off_day: day.is_off_day,
                    schedule_year: *year,
                };
                match days.get(&day.date) {
                    Some(seen) if seen.is_off_day != day.is_off_day => {
                        return Err(CalendarError::ConflictingDay {
                            date: day.date,
                            first_year: seen.schedule_year,
                            second_year: *year,
                        });
                    }
                    Some(_) => {}
                    None => {
                        days.insert(day.date, entry);
                    }
                }
            }
        }
        let layer = Self {
            years,
            days: Arc::new(days),
        };
        Ok((layer, previous.map(Arc::unwrap_or_clone)))
    }
}

/// The working-day calendar: national schedules by year plus regional schedules by region.
///
/// Pure data and arithmetic; it is built from embedded data ([`Calendar::national`]) and from
/// imports the caller has read ([`Calendar::insert_year`], [`Calendar::insert_regional_year`]).
/// Every question names the region (`None` for national rules only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    national: Layer,
    regional: BTreeMap<RegionCode, Layer>,
}

impl Calendar {
    /// A calendar with the national schedules shipped in the crate (2007–2026) and no region.
    ///
    /// # Panics
    /// Only if the embedded data is corrupt, which a unit test rules out before any release.
    pub fn national() -> Self {
        match &*NATIONAL {
            Ok(calendar) => calendar.clone(),
            Err(e) => panic!("the embedded national calendar data is corrupt: {e}"),
        }
    }

    /// A calendar with no data at all: every question is refused until years are inserted.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the national schedule of one year, returning the schedule it replaced
    /// so the caller can audit the change.
    ///
    /// Refuses a schedule without any day off (surely the wrong file) and one that contradicts
    /// a neighbouring year about a shared December day; nothing changes on error.
    pub fn insert_year(
        &mut self,
        schedule: YearSchedule,
    ) -> Result<Option<YearSchedule>, CalendarError> {
        if !schedule.has_days_off() {
            return Err(CalendarError::NoDaysOff { year: schedule.year() });
        }
        self.national.insert(schedule)
    }

    /// Adds (or replaces) the regional days of one year for `region`, returning what it
    /// replaced. An empty schedule is valid and says "no regional holidays that year"; without
    /// one, questions about that year for the region are refused.
    pub fn insert_regional_year(
        &mut self,
        region: RegionCode,
        schedule: YearSchedule,
    ) -> Result<Option<YearSchedule>, CalendarError> {
        self.regional.entry(region).or_default().insert(schedule)
    }

    /// This calendar with each year in `years` that has no national data (and, for `region`, no
    /// regional data) taken as having no holidays at all: Saturdays and Sundays off, every
    /// other day a working day. Returns the years so filled, ascending.
    ///
    /// Only for a provisional (暂定) deadline while the State Council has not yet published a
    /// year's schedule: never answer a question of fact with it.
    pub fn with_provisional_years(
        &self,
        years: std::ops::RangeInclusive<i32>,
        region: Option<&RegionCode>,
    ) -> (Self, Vec<i32>) {
        let mut out = self.clone();
        let mut filled = Vec::new();
        for year in years {
            let Ok(empty) = YearSchedule::new(year, Vec::new(), Vec::new()) else {
                continue;
            };
            let mut did = false;
            if !out.national.years.contains_key(&year) && out.national.insert(empty.clone()).is_ok()
            {
                did = true;
            }
            if let Some(region) = region
                && let Some(layer) = out.regional.get_mut(region)
                && !layer.years.contains_key(&year)
                && layer.insert(empty).is_ok()
            {
                did = true;
            }
            if did {
                filled.push(year);
            }
        }
        (out, filled)
    }

    /// The year whose national schedule staff should import now, if any: this year when it is
    /// missing, and from 1 November (the schedule is usually published around then) next year
    /// when it is missing. Until then deadlines over that year are only provisional (暂定).
    pub fn year_to_import(&self, today: NaiveDate) -> Option<i32> {
        let (this, next) = (today.year(), today.year().saturating_add(1));
        if self.year(this).is_none() {
            Some(this)
        } else if today.month() >= 11 && self.year(next).is_none() {
            Some(next)
        } else {
            None
        }
    }

    /// The years with national data, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.national.years.keys().copied()
    }

    /// The national schedule of `year`, if loaded.
    pub fn year(&self, year: i32) -> Option<&YearSchedule> {
        self.national.years.get(&year).map(Arc::as_ref)
    }

    /// The regions with regional data.
    pub fn regions(&self) -> impl Iterator<Item = &RegionCode> + '_ {
        self.regional.keys()
    }

    /// The regional schedule of `region` for `year`, if loaded.
    pub fn regional_year(&self, region: &RegionCode, year: i32) -> Option<&YearSchedule> {
        self.regional.get(region)?.years.get(&year).map(Arc::as_ref)
    }

    /// What kind of day `date` is for `region` (national rules only for `None`).
    ///
    /// Refused if the year's national data, or the region's data for that year, is missing.
    /// A regional entry overrides the national rule for that date.
    pub fn day_kind(
        &self,
        date: NaiveDate,
        region: Option<&RegionCode>,
    ) -> Result<DayKind, CalendarError> {
        let year = date.year();
        if !self.national.years.contains_key(&year) {
            return Err(CalendarError::YearNotCovered { year });
        }
        let is_weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let national = self.national.days.get(&date);
        if let Some(region) = region {
            let layer = self
                .regional
                .get(region)
                .ok_or_else(|| CalendarError::UnknownRegion {
                    region: region.to_string(),
                })?;
            if !layer.years.contains_key(&year) {
                return Err(CalendarError::RegionalYearNotCovered {
                    region: region.to_string(),
                    year,
                });
            }
            if let Some(day) = layer.days.get(&date) {
                let would_work_anyway = !is_weekend && national.is_none();
                return Ok(match (day.is_off_day, would_work_anyway) {
                    (true, _) => DayKind::RegionalHoliday {
                        region: region.clone(),
                        name: day.name.clone(),
                    },
                    (false, true) => DayKind::Workday,
                    (false, false) => DayKind::RegionalMakeUpWorkday {
                        region: region.clone(),
                        name: day.name.clone(),
                    },
                });
            }
        }
        Ok(match national {
            Some(day) if day.is_off_day => DayKind::Holiday { name: day.name.clone() },
            // A working-day entry on a weekday changes nothing (2020-02-03 is one such entry).
            Some(day) if is_weekend => DayKind::MakeUpWorkday { name: day.name.clone() },
            _ if is_weekend => DayKind::Weekend,
            _ => DayKind::Workday,
        })
    }

    /// Whether `date` is a working day for `region`.
    pub fn is_working_day(
        &self,
        date: NaiveDate,
        region: Option<&RegionCode>,
    ) -> Result<bool, CalendarError> {
        Ok(self.day_kind(date, region)?.is_working())
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(
        &self,
        date: NaiveDate,
        region: Option<&RegionCode>,
    ) -> Result<NaiveDate, CalendarError> {
        self.due_date(date, 1, region)
    }

    /// The day on which `working_days` working days have passed after `start` (the start day
    /// is day 0 and never counts, whatever kind of day it is), i.e. the `working_days`-th
    /// working day after `start`; `start` itself for 0.
    ///
    /// Refused if `start` or any day up to the answer lies in a year without data.
    pub fn due_date(
        &self,
        start: NaiveDate,
        working_days: u32,
        region: Option<&RegionCode>,
    ) -> Result<NaiveDate, CalendarError> {
        self.day_kind(start, region)?;
        let mut day = start;
        let mut counted = 0;
        while counted < working_days {
            day = following_day(day)?;
            if self.is_working_day(day, region)? {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// Like [`Calendar::due_date`], but a year on the way without data (typically next year,
    /// before its schedule is published) counts weekends as its only days off, and the answer
    /// is marked provisional (暂定): `(date, provisional)`. Every other refusal stands.
    pub fn due_date_or_provisional(
        &self,
        start: NaiveDate,
        working_days: u32,
        region: Option<&RegionCode>,
    ) -> Result<(NaiveDate, bool), CalendarError> {
        match self.due_date(start, working_days, region) {
            Ok(date) => Ok((date, false)),
            Err(
                CalendarError::YearNotCovered { .. } | CalendarError::RegionalYearNotCovered { .. },
            ) => {
                let (filled, _) =
                    self.with_provisional_years(Self::provisional_span(start), region);
                Ok((filled.due_date(start, working_days, region)?, true))
            }
            Err(e) => Err(e),
        }
    }

    /// The years a provisional deadline counted from `start` may cross: a limit of a few dozen
    /// working days (plus pauses) ends within three years.
    pub fn provisional_span(start: NaiveDate) -> std::ops::RangeInclusive<i32> {
        start.year()..=start.year().saturating_add(3)
    }

    /// The number of working days in `(from, to]`; negative (the count of `(to, from]`) when
    /// `to` comes first, so "working days left" turns negative once a deadline has passed.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        region: Option<&RegionCode>,
    ) -> Result<i64, CalendarError> {
        if to < from {
            return self.working_days_between(to, from, region).map(|n| -n);
        }
        self.day_kind(from, region)?;
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = following_day(day)?;
            if self.is_working_day(day, region)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

/// The next calendar day; the end of chrono's range is reported as a missing year.
fn following_day(day: NaiveDate) -> Result<NaiveDate, CalendarError> {
    day.succ_opt().ok_or(CalendarError::YearNotCovered {
        year: day.year().saturating_add(1),
    })
}

/// The Chinese name of the weekday (`星期一` … `星期日`), for explanations.
pub fn weekday_zh(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}
