//! 网站监测: the national inspection's veto indicators (单项否决, 国办秘函〔2019〕19号) and the
//! timeliness rules beside them, judged from what a site holds, so the openness office sees a
//! failing indicator before an inspector does. Pure rules: the store gathers the facts, the back
//! office shows the judgement.

use chrono::{Months, NaiveDate};

use crate::calendar::RegionCode;
use crate::calendar::{Calendar, CalendarError};

/// Days without any new publication after which the home page counts as not updated (两周).
pub const HOME_STALE_DAYS: i64 = 14;
/// Empty columns from which a site fails inspection outright (≥ 5 个空白栏目).
pub const EMPTY_COLUMNS_VETO: usize = 5;
/// Days without a new item after which a column that has content is called stale (长期未更新).
pub const STALE_COLUMN_DAYS: i64 = 180;
/// Months a message may stay unanswered before the site fails inspection (超过 3 个月未回复).
pub const UNANSWERED_VETO_MONTHS: u32 = 3;
/// Days an unanswered message may wait before it is flagged as near the veto.
pub const UNANSWERED_WARN_DAYS: i64 = 60;
/// Working days within which an interpretation follows its policy (国办发〔2016〕19号).
pub const INTERPRETATION_WORKING_DAYS: u32 = 3;
/// The most links read from one record's body: a body with more is checked in part.
pub const MAX_LINKS_PER_RECORD: usize = 200;

/// How an indicator stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 正常.
    Ok,
    /// 需关注: not a veto yet, but on its way or worth fixing.
    Warning,
    /// 单项否决: the site would fail inspection on this alone.
    Veto,
}

impl Level {
    /// Stable code (`ok`, `warning`, `veto`), for styles and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Veto => "veto",
        }
    }

    /// The Chinese label shown beside the indicator.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "正常",
            Self::Warning => "需关注",
            Self::Veto => "单项否决",
        }
    }
}

/// The home page: a veto once the newest publication is [`HOME_STALE_DAYS`] old (or there is
/// none), a warning in the last four days before that.
pub fn home_page(last_publication: Option<NaiveDate>, today: NaiveDate) -> Level {
    match last_publication {
        None => Level::Veto,
        Some(day) => {
            let days = (today - day).num_days();
            if days >= HOME_STALE_DAYS {
                Level::Veto
            } else if days >= HOME_STALE_DAYS - 4 {
                Level::Warning
            } else {
                Level::Ok
            }
        }
    }
}

/// The columns: a veto from [`EMPTY_COLUMNS_VETO`] empty ones, a warning for fewer empty ones
/// or any stale one.
pub fn columns(empty: usize, stale: usize) -> Level {
    if empty >= EMPTY_COLUMNS_VETO {
        Level::Veto
    } else if empty > 0 || stale > 0 {
        Level::Warning
    } else {
        Level::Ok
    }
}

/// Whether a column whose newest item is from `last` is stale on `today`.
pub fn column_is_stale(last: NaiveDate, today: NaiveDate) -> bool {
    (today - last).num_days() >= STALE_COLUMN_DAYS
}

/// One unanswered message received on `received_on`: a veto once [`UNANSWERED_VETO_MONTHS`]
/// have passed, a warning after [`UNANSWERED_WARN_DAYS`].
pub fn unanswered(received_on: NaiveDate, today: NaiveDate) -> Level {
    let veto_on = received_on
        .checked_add_months(Months::new(UNANSWERED_VETO_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if today > veto_on {
        Level::Veto
    } else if (today - received_on).num_days() > UNANSWERED_WARN_DAYS {
        Level::Warning
    } else {
        Level::Ok
    }
}

/// The working days by which an interpretation published on `interpreted_on` came later than
/// [`INTERPRETATION_WORKING_DAYS`] after its policy (published on `policy_on`); `None` when on
/// time. Refused when the calendar does not cover the days in between.
pub fn interpretation_delay(
    policy_on: NaiveDate,
    interpreted_on: NaiveDate,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<Option<i64>, CalendarError> {
    let (due, _) =
        calendar.due_date_or_provisional(policy_on, INTERPRETATION_WORKING_DAYS, region)?;
    if interpreted_on <= due {
        return Ok(None);
    }
    Ok(Some(
        calendar
            .working_days_between(due, interpreted_on, region)?
            .max(1),
    ))
}

/// A link inside a published body that points into the site and can be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InternalLink {
    /// `/xxgk/{index_no}`: a record's page.
    Record(String),
    /// `/files/{id}/…`: a record's attachment.
    File(i64),
}

/// The record and attachment links of a body (`href="/xxgk/…"`, `href="/files/…"`), at most
/// [`MAX_LINKS_PER_RECORD`]. Other links are not judged here: their targets are pages the router
/// always answers, or (`/site/{code}/…`) pages of a site this one cannot tell apart from another.
pub fn internal_links(html: &str) -> Vec<InternalLink> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|href| {
            let path = href.split(['?', '#']).next()?;
            if let Some(index_no) = path.strip_prefix("/xxgk/") {
                let looks_like_index =
                    !index_no.is_empty() && !index_no.contains('/') && index_no.contains('-');
                looks_like_index.then(|| InternalLink::Record(index_no.to_owned()))
            } else if let Some(file) = path.strip_prefix("/files/") {
                file.split('/').next()?.parse().ok().map(InternalLink::File)
            } else {
                None
            }
        })
        .take(MAX_LINKS_PER_RECORD)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn the_home_page_fails_after_two_weeks_without_news() {
        let today = day("2026-12-04");
        assert_eq!(home_page(Some(day("2026-12-01")), today), Level::Ok);
        assert_eq!(home_page(Some(day("2026-11-24")), today), Level::Warning);
        assert_eq!(home_page(Some(day("2026-11-20")), today), Level::Veto);
        assert_eq!(home_page(None, today), Level::Veto);
    }

    #[test]
    fn five_empty_columns_fail_and_fewer_warn() {
        assert_eq!(columns(0, 0), Level::Ok);
        assert_eq!(columns(0, 1), Level::Warning);
        assert_eq!(columns(4, 0), Level::Warning);
        assert_eq!(columns(5, 0), Level::Veto);
        assert!(column_is_stale(day("2026-06-01"), day("2026-12-04")));
        assert!(!column_is_stale(day("2026-11-01"), day("2026-12-04")));
    }

    #[test]
    fn a_message_fails_after_three_months_unanswered() {
        let received = day("2026-08-31");
        assert_eq!(unanswered(received, day("2026-10-01")), Level::Ok);
        assert_eq!(unanswered(received, day("2026-11-15")), Level::Warning);
        // 31 August + 3 months is 30 November (the month's last day).
        assert_eq!(unanswered(received, day("2026-11-30")), Level::Warning);
        assert_eq!(unanswered(received, day("2026-12-01")), Level::Veto);
    }

    #[test]
    fn an_interpretation_is_late_after_three_working_days() {
        let cal = Calendar::national();
        // Policy on Friday 2026-11-20: due Wednesday 2026-11-25.
        let policy = day("2026-11-20");
        let late = |on| interpretation_delay(policy, day(on), &cal, None);
        assert_eq!(late("2026-11-25"), Ok(None));
        assert_eq!(late("2026-11-26"), Ok(Some(1)));
        assert_eq!(late("2026-11-30"), Ok(Some(3)));
        // The National Day holiday does not count.
        assert_eq!(
            interpretation_delay(day("2026-09-30"), day("2026-10-09"), &cal, None),
            Ok(None)
        );
    }

    #[test]
    fn record_and_file_links_are_read_from_a_body() {
        let html = r#"<p><a href="/xxgk/WQX001-2026-00001">一</a><a href="/site/ATS001/xxgk/ATS001-2026-00002?x=1">二</a>
            <a href="/files/17/通知.pdf">附件</a><a href="/xxgk/list?column=tzgg">栏目</a>
            <a href="https://www.gov.cn/">外站</a><a href="/files/abc/x">坏</a></p>"#;
        assert_eq!(
            internal_links(html),
            vec![
                InternalLink::Record("WQX001-2026-00001".into()),
                InternalLink::File(17),
            ]
        );
        let many = "<a href=\"/files/1/x\">x</a>".repeat(MAX_LINKS_PER_RECORD + 50);
        assert_eq!(internal_links(&many).len(), MAX_LINKS_PER_RECORD);
    }
}
