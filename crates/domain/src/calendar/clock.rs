//! The statutory clock of disclosure on application (依申请公开) and its explanation.
//!
//! The regulation counts 20 working days from the day of receipt (第三十三条); the time a third
//! party or another agency takes to answer a consultation is not counted (第三十二条, 第三十四条);
//! after a request for correction (补正) the limit runs again in full from the day the corrected
//! application arrives (第三十条); the head of the office may extend it by at most 20 working days
//! (第三十三条). [`Clock`] holds those events as plain data and [`Clock::reckon`] turns them into
//! a due date plus every fact needed to show how it was computed.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Calendar, CalendarError, DayKind, RegionCode, following_day, weekday_zh};

/// The normal limit for answering an application, in working days (第三十三条).
pub const APPLICATION_LIMIT_WORKING_DAYS: u32 = 20;
/// The most working days all extensions of one application may add (第三十三条).
pub const MAX_EXTENSION_WORKING_DAYS: u32 = 20;
/// How long a third party or another agency has to answer a consultation (第三十二条, 第三十四条).
pub const CONSULTATION_WORKING_DAYS: u32 = 15;
/// Within how many working days of receipt a request for correction must be sent (第三十条).
pub const CORRECTION_NOTICE_WORKING_DAYS: u32 = 7;

/// Why the clock stood still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// Waiting for a third party's opinion (征求第三方意见, 第三十二条).
    ThirdPartyConsultation,
    /// Waiting for the other agencies that made the information jointly (征求其他机关意见, 第三十四条).
    OtherAgencyConsultation,
    /// Waiting for the applicant's correction (等待补正, 第三十条).
    AwaitingCorrection,
    /// Waiting for the applicant to pay the information-processing fee (国办函〔2020〕109号).
    AwaitingFee,
}

impl PauseReason {
    /// The Chinese label shown to staff and applicants.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::ThirdPartyConsultation => "征求第三方意见",
            Self::OtherAgencyConsultation => "征求其他机关意见",
            Self::AwaitingCorrection => "等待申请人补正",
            Self::AwaitingFee => "等待申请人缴纳信息处理费",
        }
    }
}

/// A stretch of days the clock does not run: no working day from `first_day` to `last_day`
/// (both included) counts. `last_day: None` means the pause is still going on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockPause {
    /// Why.
    pub reason: PauseReason,
    /// First day not counted.
    pub first_day: NaiveDate,
    /// Last day not counted, or `None` while the pause lasts.
    pub last_day: Option<NaiveDate>,
}

impl ClockPause {
    /// Whether the pause covers `day`.
    fn covers(&self, day: NaiveDate) -> bool {
        self.first_day <= day && self.last_day.is_none_or(|last| day <= last)
    }
}

/// Working days added to the limit by an approved extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockExtension {
    /// How many working days it adds.
    pub working_days: u32,
    /// When the head of the office approved it (shown in the explanation).
    pub approved_on: NaiveDate,
}

/// The clock of one application (or any working-day limit), as plain data.
///
/// Build it with [`Clock::application`] (the statutory 20 + at most 20 working days) or
/// [`Clock::new`], add events with the `with_…` methods or by pushing to the fields, then call
/// [`Clock::reckon`]. Nothing here reads a clock or a database, so the same events always give
/// the same answer, and changing calendar data only needs a new `reckon`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The day the application was received (day 0).
    pub received: NaiveDate,
    /// The limit in working days.
    pub limit_working_days: u32,
    /// The most working days all extensions together may add.
    pub max_extension_working_days: u32,
    /// The region whose holidays also count, or `None` for national rules only.
    pub region: Option<RegionCode>,
    /// The day the corrected application arrived, if there was a 补正: the limit runs again in
    /// full from that day (day 0), and nothing before it counts.
    pub restarted_on: Option<NaiveDate>,
    /// Pauses (consultations, waiting for a correction), in any order; they may overlap.
    pub pauses: Vec<ClockPause>,
    /// Extensions, in any order; they add to the limit wherever they were granted.
    pub extensions: Vec<ClockExtension>,
}

impl Clock {
    /// A clock of `limit_working_days` from `received`, extensible by at most
    /// `max_extension_working_days`, with no events and national rules.
    pub fn new(
        received: NaiveDate,
        limit_working_days: u32,
        max_extension_working_days: u32,
    ) -> Self {
        Self {
            received,
            limit_working_days,
            max_extension_working_days,
            region: None,
            restarted_on: None,
            pauses: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// The statutory clock of an application received on `received`:
    /// [`APPLICATION_LIMIT_WORKING_DAYS`], extensible by [`MAX_EXTENSION_WORKING_DAYS`].
    pub fn application(received: NaiveDate) -> Self {
        Self::new(
            received,
            APPLICATION_LIMIT_WORKING_DAYS,
            MAX_EXTENSION_WORKING_DAYS,
        )
    }

    /// The same clock, counting the regional holidays of `region` too.
    pub fn with_region(mut self, region: RegionCode) -> Self {
        self.region = Some(region);
        self
    }

    /// The same clock with one more pause.
    pub fn with_pause(
        mut self,
        reason: PauseReason,
        first_day: NaiveDate,
        last_day: Option<NaiveDate>,
    ) -> Self {
        self.pauses.push(ClockPause {
            reason,
            first_day,
            last_day,
        });
        self
    }

    /// The same clock restarted by a corrected application that arrived on `corrected_received`.
    pub fn with_restart(mut self, corrected_received: NaiveDate) -> Self {
        self.restarted_on = Some(corrected_received);
        self
    }

    /// The same clock with one more extension.
    pub fn with_extension(mut self, working_days: u32, approved_on: NaiveDate) -> Self {
        self.extensions.push(ClockExtension {
            working_days,
            approved_on,
        });
        self
    }

    /// Checks the events: pauses end after they start, a restart is not before receipt,
    /// extensions add something and stay within the maximum. Returns the total extension.
    fn check(&self) -> Result<u32, CalendarError> {
        for pause in &self.pauses {
            if let Some(last_day) = pause.last_day.filter(|last| *last < pause.first_day) {
                return Err(CalendarError::InvalidPause {
                    first_day: pause.first_day,
                    last_day,
                });
            }
        }
        if let Some(corrected) = self.restarted_on.filter(|day| *day < self.received) {
            return Err(CalendarError::RestartBeforeReceipt {
                received: self.received,
                corrected,
            });
        }
        let mut total: u32 = 0;
        for extension in &self.extensions {
            if extension.working_days == 0 {
                return Err(CalendarError::EmptyExtension);
            }
            total = total.saturating_add(extension.working_days);
        }
        if total > self.max_extension_working_days {
            return Err(CalendarError::ExtensionTooLong {
                requested: total,
                max: self.max_extension_working_days,
            });
        }
        Ok(total)
    }

    /// Computes the due date (or that the clock is paused) and the explanation, on `calendar`.
    ///
    /// Walks day by day from the day after the counting start: a non-working day is skipped
    /// (and noted with its name), a working day inside a pause is skipped (and noted with the
    /// pause), any other working day counts, until the limit plus extensions is reached.
    /// Reaching a pause that has not ended stops the walk: there is no due date until it ends.
    pub fn reckon(&self, calendar: &Calendar) -> Result<Reckoning, CalendarError> {
        let extension_working_days = self.check()?;
        let region = self.region.as_ref();
        let counting_from = self.restarted_on.unwrap_or(self.received);
        calendar.day_kind(self.received, region)?;
        calendar.day_kind(counting_from, region)?;
        let total_working_days = self
            .limit_working_days
            .saturating_add(extension_working_days);

        let mut held_back = vec![0_u32; self.pauses.len()];
        let mut days = Vec::new();
        let mut counted: u32 = 0;
        let mut day = counting_from;
        let mut status = None;
        while counted < total_working_days {
            day = following_day(day)?;
            let kind = calendar.day_kind(day, region)?;
            if !kind.is_working() {
                days.push(NotableDay {
                    date: day,
                    kind,
                    counted: false,
                    paused_by: None,
                });
                continue;
            }
            if let Some(open) = self
                .pauses
                .iter()
                .find(|p| p.last_day.is_none() && p.covers(day))
            {
                status = Some(ClockStatus::Paused {
                    since: open.first_day,
                    reason: open.reason,
                    remaining_working_days: total_working_days - counted,
                });
                break;
            }
            if let Some(index) = self.pauses.iter().position(|p| p.covers(day)) {
                held_back[index] += 1;
                days.push(NotableDay {
                    date: day,
                    kind,
                    counted: false,
                    paused_by: Some(self.pauses[index].reason),
                });
                continue;
            }
            counted += 1;
            if kind != DayKind::Workday {
                days.push(NotableDay {
                    date: day,
                    kind,
                    counted: true,
                    paused_by: None,
                });
            }
        }
        let status = status.unwrap_or(ClockStatus::Due { due_date: day });
        let pauses = self
            .pauses
            .iter()
            .zip(held_back)
            .map(|(pause, working_days_not_counted)| PauseEffect {
                pause: pause.clone(),
                working_days_not_counted,
            })
            .collect();
        Ok(Reckoning {
            provisional_years: Vec::new(),
            received: self.received,
            restarted_on: self.restarted_on,
            counting_from,
            region: self.region.clone(),
            limit_working_days: self.limit_working_days,
            extension_working_days,
            total_working_days,
            counted_working_days: counted,
            status,
            days,
            pauses,
            extensions: self.extensions.clone(),
        })
    }
}

impl Clock {
    /// Like [`Clock::reckon`], but a year without calendar data (typically next year, before
    /// its schedule is published) is counted with weekends as the only days off, and the result
    /// is marked provisional (暂定, [`Reckoning::provisional_years`]). Every other refusal stands.
    /// A receipt or letter may show such a date labelled 暂定; a script must not take it for a fact.
    pub fn reckon_provisional(&self, calendar: &Calendar) -> Result<Reckoning, CalendarError> {
        match self.reckon(calendar) {
            Err(
                CalendarError::YearNotCovered { .. } | CalendarError::RegionalYearNotCovered { .. },
            ) => {
                let start = self
                    .restarted_on
                    .unwrap_or(self.received)
                    .max(self.received);
                let years = self.received.year()..=*Calendar::provisional_span(start).end();
                let (provisional, filled) =
                    calendar.with_provisional_years(years, self.region.as_ref());
                let mut reckoning = self.reckon(&provisional)?;
                reckoning.provisional_years = filled;
                Ok(reckoning)
            }
            other => other,
        }
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockStatus {
    /// The answer is due on `due_date` (which may be past).
    Due {
        /// The last day to answer.
        due_date: NaiveDate,
    },
    /// The clock is stopped by a pause that has not ended; there is no due date yet.
    Paused {
        /// The first day of the pause.
        since: NaiveDate,
        /// Why.
        reason: PauseReason,
        /// Working days left once the clock runs again.
        remaining_working_days: u32,
    },
}

/// A day worth mentioning in an explanation: one not counted (weekend, holiday, regional
/// holiday, or a working day inside a pause) or a counted day that is not an ordinary weekday
/// (a make-up working day). Ordinary counted working days are not listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotableDay {
    /// The day.
    pub date: NaiveDate,
    /// What kind of day it is in the calendar.
    pub kind: DayKind,
    /// Whether it counted towards the limit.
    pub counted: bool,
    /// The pause that kept this working day from counting, if that was the reason.
    pub paused_by: Option<PauseReason>,
}

/// One pause and what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PauseEffect {
    /// The pause as recorded.
    pub pause: ClockPause,
    /// Working days it kept from counting (0 if it lay before a restart, after the due date,
    /// or inside another pause listed earlier).
    pub working_days_not_counted: u32,
}

/// The result of [`Clock::reckon`]: the due date and everything that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reckoning {
    /// Years counted without calendar data, weekends being the only days off (see
    /// [`Clock::reckon_provisional`]); empty when the date is final.
    pub provisional_years: Vec<i32>,
    /// The day the application was received.
    pub received: NaiveDate,
    /// The day the corrected application arrived, if the clock restarted.
    pub restarted_on: Option<NaiveDate>,
    /// Day 0 of the count: `restarted_on` if set, else `received`.
    pub counting_from: NaiveDate,
    /// The region whose holidays counted, if any.
    pub region: Option<RegionCode>,
    /// The limit before extensions.
    pub limit_working_days: u32,
    /// What the extensions added.
    pub extension_working_days: u32,
    /// Limit plus extensions.
    pub total_working_days: u32,
    /// Working days counted (equal to the total unless paused).
    pub counted_working_days: u32,
    /// Due date, or paused.
    pub status: ClockStatus,
    /// The notable days between `counting_from` (excluded) and the due date or pause, in order.
    pub days: Vec<NotableDay>,
    /// Each pause with its effect, in the order given.
    pub pauses: Vec<PauseEffect>,
    /// Each extension, in the order given.
    pub extensions: Vec<ClockExtension>,
}

impl Reckoning {
    /// Whether the date was counted over a year without calendar data (暂定).
    pub fn is_provisional(&self) -> bool {
        !self.provisional_years.is_empty()
    }

    /// The due date, or `None` while paused.
    pub fn due_date(&self) -> Option<NaiveDate> {
        match self.status {
            ClockStatus::Due { due_date } => Some(due_date),
            ClockStatus::Paused { .. } => None,
        }
    }

    /// The explanation as Chinese sentences, one per line, for a "how was this computed" page:
    /// the start, the limit and extensions, each run of skipped or notable days (consecutive
    /// days of the same kind share a line), each pause, and the result.
    pub fn describe_zh(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "收到申请：{}，当日为第 0 日，自次日起计算。",
            day_zh(self.received)
        )];
        if let Some(restart) = self.restarted_on {
            lines.push(format!(
                "收到补正后的申请：{}，期限自当日起重新计算（当日为第 0 日），此前的日子不再计入。",
                day_zh(restart)
            ));
        }
        if let Some(region) = &self.region {
            lines.push(format!("同时适用地区“{region}”的地方节假日。"));
        }
        if self.extension_working_days == 0 {
            lines.push(format!("期限：{} 个工作日。", self.limit_working_days));
        } else {
            lines.push(format!(
                "期限：{} 个工作日，延长 {} 个工作日，共 {} 个工作日。",
                self.limit_working_days, self.extension_working_days, self.total_working_days
            ));
            for extension in &self.extensions {
                lines.push(format!(
                    "延长 {} 个工作日（{} 批准）。",
                    extension.working_days, extension.approved_on
                ));
            }
        }
        for run in runs(&self.days) {
            let (first, last) = (run[0].date, run[run.len() - 1].date);
            let when = if first == last {
                day_zh(first)
            } else {
                format!("{first} 至 {last}")
            };
            let what = match (&run[0].paused_by, run[0].counted) {
                (Some(reason), _) => format!("{}，暂停计时，不计入", reason.label_zh()),
                (None, true) => format!("{}，计入", run[0].kind.label_zh()),
                (None, false) => format!("{}，不计入", run[0].kind.label_zh()),
            };
            lines.push(format!("{when}：{what}。"));
        }
        for effect in &self.pauses {
            let pause = &effect.pause;
            lines.push(match pause.last_day {
                Some(last) => format!(
                    "{}：{} 至 {}，共 {} 个工作日不计入期限。",
                    pause.reason.label_zh(),
                    pause.first_day,
                    last,
                    effect.working_days_not_counted
                ),
                None => format!(
                    "{}：自 {} 起暂停计时，尚未恢复。",
                    pause.reason.label_zh(),
                    pause.first_day
                ),
            });
        }
        if self.is_provisional() {
            let years: Vec<String> = self.provisional_years.iter().map(i32::to_string).collect();
            lines.push(format!(
                "{} 年的节假日安排尚未导入，暂按周六、周日休息推算，日期为暂定；导入后将重新计算。",
                years.join("、")
            ));
        }
        lines.push(match &self.status {
            ClockStatus::Due { due_date } if self.is_provisional() => {
                format!("答复期限（暂定）：{}。", day_zh(*due_date))
            }
            ClockStatus::Due { due_date } => format!("答复期限：{}。", day_zh(*due_date)),
            ClockStatus::Paused {
                remaining_working_days, ..
            } => format!(
                "目前暂停计时：已计 {} 个工作日，恢复计时后尚余 {} 个工作日。",
                self.counted_working_days, remaining_working_days
            ),
        });
        lines
    }
}

/// A date with its weekday, e.g. `2026-10-08（星期四）`.
fn day_zh(date: NaiveDate) -> String {
    format!("{date}（{}）", weekday_zh(date))
}

/// Splits notable days into runs of consecutive dates described the same way.
fn runs(days: &[NotableDay]) -> Vec<&[NotableDay]> {
    let same_run = |a: &NotableDay, b: &NotableDay| {
        a.date.succ_opt() == Some(b.date)
            && a.kind == b.kind
            && a.counted == b.counted
            && a.paused_by == b.paused_by
    };
    let mut result = Vec::new();
    let mut start = 0;
    for i in 1..=days.len() {
        if i == days.len() || !same_run(&days[i - 1], &days[i]) {
            result.push(&days[start..i]);
            start = i;
        }
    }
    result
}
