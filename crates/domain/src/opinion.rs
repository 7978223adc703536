//! Public-opinion events (政务舆情) and their response clocks (国办发〔2016〕61号、80号).
//!
//! For 特别重大 and 重大 events, authoritative information within 5 hours and a press
//! conference within 24 hours at the latest; every other event answered within 48 hours. The
//! clocks run in calendar hours from the time the event was first seen. [`clocks`] says, at an
//! instant given by the caller, which clocks are met, running, due soon or overdue.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::{DomainError, ErrorCode};

/// Hours to authoritative information for 特别重大 / 重大 events.
pub const AUTHORITATIVE_HOURS: i64 = 5;
/// Hours to a press conference for 特别重大 / 重大 events.
pub const PRESS_CONFERENCE_HOURS: i64 = 24;
/// Hours to a response for every other event.
pub const RESPONSE_HOURS: i64 = 48;

coded! {
    /// How serious an event is.
    Severity {
        /// 特别重大.
        ExtraordinarilySerious => ("extraordinary", "特别重大"),
        /// 重大.
        Major => ("major", "重大"),
        /// 较大.
        Large => ("large", "较大"),
        /// 一般.
        General => ("general", "一般"),
    }
}

impl Severity {
    /// Whether the 5-hour and 24-hour clocks apply (特别重大 and 重大).
    pub fn is_major(self) -> bool {
        matches!(self, Self::ExtraordinarilySerious | Self::Major)
    }
}

coded! {
    /// What a response was.
    ResponseKind {
        /// 发布权威信息.
        Authoritative => ("authoritative", "发布权威信息"),
        /// 召开新闻发布会.
        PressConference => ("press_conference", "召开新闻发布会"),
        /// 发布情况通报.
        Statement => ("statement", "发布情况通报"),
        /// 其他回应 (an interview, a reply on the platform …).
        Other => ("other", "其他回应"),
    }
}

coded! {
    /// Where an event is.
    OpinionStatus {
        /// 处置中.
        Open => ("open", "处置中"),
        /// 已办结: closed with an evaluation.
        Closed => ("closed", "已办结"),
    }
}

/// One of the clocks of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Authoritative information within 5 hours.
    Authoritative,
    /// A press conference within 24 hours.
    PressConference,
    /// A response within 48 hours.
    Response,
}

impl ClockKind {
    /// The Chinese name of the clock.
    pub fn label(self) -> &'static str {
        match self {
            Self::Authoritative => "5 小时内发布权威信息",
            Self::PressConference => "24 小时内召开新闻发布会",
            Self::Response => "48 小时内回应",
        }
    }

    /// The limit in calendar hours.
    pub fn hours(self) -> i64 {
        match self {
            Self::Authoritative => AUTHORITATIVE_HOURS,
            Self::PressConference => PRESS_CONFERENCE_HOURS,
            Self::Response => RESPONSE_HOURS,
        }
    }

    /// Whether a response of `kind` meets this clock.
    pub fn met_by(self, kind: ResponseKind) -> bool {
        match self {
            Self::Authoritative => matches!(
                kind,
                ResponseKind::Authoritative
                    | ResponseKind::PressConference
                    | ResponseKind::Statement
            ),
            Self::PressConference => kind == ResponseKind::PressConference,
            Self::Response => true,
        }
    }

    /// How long before the limit a running clock counts as due soon: a quarter of the limit.
    pub fn due_soon_window(self) -> Duration {
        Duration::minutes(self.hours() * 60 / 4)
    }
}

/// The clocks that apply to an event of `severity`.
pub fn clock_kinds(severity: Severity) -> &'static [ClockKind] {
    if severity.is_major() {
        &[ClockKind::Authoritative, ClockKind::PressConference]
    } else {
        &[ClockKind::Response]
    }
}

/// Where a clock stands. Ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Met within the limit.
    Met,
    /// Met, but after the limit.
    MetLate,
    /// Running, with time to spare.
    Running,
    /// Running, less than a quarter of the limit left.
    DueSoon,
    /// The limit passed without a response.
    Overdue,
}

impl ClockState {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "按时完成",
            Self::MetLate => "超时完成",
            Self::Running => "计时中",
            Self::DueSoon => "即将到期",
            Self::Overdue => "已超期",
        }
    }

    /// Stable code (also the CSS hook).
    pub fn code(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::MetLate => "met_late",
            Self::Running => "running",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
        }
    }

    /// Whether the supervisor must look at it now.
    pub fn needs_attention(self) -> bool {
        matches!(self, Self::DueSoon | Self::Overdue)
    }
}

/// A recorded response, as the clocks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    /// What it was.
    pub kind: ResponseKind,
    /// When it was made.
    pub at: DateTime<Utc>,
}

/// One clock at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// Which clock.
    pub kind: ClockKind,
    /// The instant of the limit.
    pub due_at: DateTime<Utc>,
    /// The first response that met it.
    pub met_at: Option<DateTime<Utc>>,
    /// Where it stands.
    pub state: ClockState,
    /// Minutes left (negative when overdue); 0 once met.
    pub minutes_left: i64,
}

/// The clocks of an event first seen at `first_seen` with `responses`, as they stand at `now`.
pub fn clocks(
    severity: Severity,
    first_seen: DateTime<Utc>,
    responses: &[Response],
    now: DateTime<Utc>,
) -> Vec<Clock> {
    clock_kinds(severity)
        .iter()
        .map(|&kind| {
            let due_at = first_seen + Duration::hours(kind.hours());
            let met_at = responses
                .iter()
                .filter(|r| kind.met_by(r.kind))
                .map(|r| r.at)
                .min();
            let (state, minutes_left) = match met_at {
                Some(at) if at <= due_at => (ClockState::Met, 0),
                Some(_) => (ClockState::MetLate, 0),
                None => {
                    let left = due_at - now;
                    let state = if left <= Duration::zero() {
                        ClockState::Overdue
                    } else if left <= kind.due_soon_window() {
                        ClockState::DueSoon
                    } else {
                        ClockState::Running
                    };
                    (state, left.num_minutes())
                }
            };
            Clock {
                kind,
                due_at,
                met_at,
                state,
                minutes_left,
            }
        })
        .collect()
}

/// The worst state among an event's clocks (what the dashboard shows).
pub fn worst(clocks: &[Clock]) -> ClockState {
    clocks
        .iter()
        .map(|c| c.state)
        .max()
        .unwrap_or(ClockState::Met)
}

/// "还剩 3 小时 20 分" / "已超期 1 小时 5 分" for a running clock.
pub fn describe_left(minutes_left: i64) -> String {
    let m = minutes_left.abs();
    let text = if m >= 60 {
        format!("{} 小时 {} 分", m / 60, m % 60)
    } else {
        format!("{m} 分钟")
    };
    if minutes_left > 0 {
        format!("还剩 {text}")
    } else {
        format!("已超期 {text}")
    }
}

/// Checks a new event: a title, source and summary, and a first-seen time not in the future.
pub fn check_registration(
    title: &str,
    source: &str,
    summary: &str,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if title.trim().is_empty() || title.chars().count() > 200 {
        return Err(DomainError::invalid(
            "title",
            ErrorCode::OpinionTitleRequired,
        ));
    }
    if source.trim().is_empty() {
        return Err(DomainError::invalid(
            "source",
            ErrorCode::OpinionSourceRequired,
        ));
    }
    if summary.trim().is_empty() {
        return Err(DomainError::invalid(
            "summary",
            ErrorCode::OpinionSummaryRequired,
        ));
    }
    if first_seen > now + Duration::minutes(5) {
        return Err(DomainError::invalid(
            "first_seen_at",
            ErrorCode::OpinionFirstSeenFuture,
        ));
    }
    Ok(())
}

/// Checks a response before it is recorded.
pub fn check_response(
    status: OpinionStatus,
    first_seen: DateTime<Utc>,
    at: DateTime<Utc>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if status == OpinionStatus::Closed {
        return Err(DomainError::invalid(
            "status",
            ErrorCode::OpinionClosedNoResponse,
        ));
    }
    if at < first_seen {
        return Err(DomainError::with(
            "at",
            ErrorCode::OpinionResponseBeforeFirstSeen,
            &[("first_seen", &crate::time::display_minute(first_seen))],
        ));
    }
    if at > now + Duration::minutes(5) {
        return Err(DomainError::invalid("at", ErrorCode::OpinionResponseFuture));
    }
    if note.trim().is_empty() {
        return Err(DomainError::invalid(
            "note",
            ErrorCode::OpinionResponseNoteRequired,
        ));
    }
    Ok(())
}

/// Checks closing an event: it must be open, and the evaluation note is required.
pub fn check_close(status: OpinionStatus, evaluation: &str) -> Result<String, DomainError> {
    if status == OpinionStatus::Closed {
        return Err(DomainError::invalid(
            "status",
            ErrorCode::OpinionAlreadyClosed,
        ));
    }
    let note = evaluation.trim();
    if note.is_empty() {
        return Err(DomainError::invalid(
            "evaluation",
            ErrorCode::OpinionEvaluationRequired,
        ));
    }
    Ok(note.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64, m: i64) -> DateTime<Utc> {
        crate::time::testing::minutes(h * 60 + m)
    }

    fn states(c: &[Clock]) -> Vec<(ClockKind, ClockState)> {
        c.iter().map(|c| (c.kind, c.state)).collect()
    }

    #[test]
    fn major_events_run_two_clocks() {
        let seen = t(0, 0);
        let c = clocks(Severity::Major, seen, &[], t(1, 0));
        assert_eq!(
            states(&c),
            [
                (ClockKind::Authoritative, ClockState::Running),
                (ClockKind::PressConference, ClockState::Running)
            ]
        );
        assert_eq!(c[0].due_at, t(5, 0));
        assert_eq!(c[1].due_at, t(24, 0));
        // 75 minutes before the 5-hour limit: due soon.
        let c = clocks(Severity::ExtraordinarilySerious, seen, &[], t(3, 45));
        assert_eq!(c[0].state, ClockState::DueSoon);
        let c = clocks(Severity::Major, seen, &[], t(6, 0));
        assert_eq!(c[0].state, ClockState::Overdue);
        assert_eq!(c[0].minutes_left, -60);
        assert_eq!(worst(&c), ClockState::Overdue);
        // A 情况通报 at 4h meets the first clock; the conference clock keeps running.
        let r = [Response {
            kind: ResponseKind::Statement,
            at: t(4, 0),
        }];
        let c = clocks(Severity::Major, seen, &r, t(20, 0));
        assert_eq!(
            states(&c),
            [
                (ClockKind::Authoritative, ClockState::Met),
                (ClockKind::PressConference, ClockState::DueSoon)
            ]
        );
        let c = clocks(Severity::Major, seen, &r, t(25, 0));
        assert_eq!(c[1].state, ClockState::Overdue);
        // A conference at 30h meets it late.
        let r = [
            r[0],
            Response {
                kind: ResponseKind::PressConference,
                at: t(30, 0),
            },
        ];
        let c = clocks(Severity::Major, seen, &r, t(31, 0));
        assert_eq!(c[1].state, ClockState::MetLate);
        assert_eq!(worst(&c), ClockState::MetLate);
    }

    #[test]
    fn other_events_run_one_48_hour_clock() {
        let seen = t(0, 0);
        for s in [Severity::Large, Severity::General] {
            let c = clocks(s, seen, &[], t(30, 0));
            assert_eq!(states(&c), [(ClockKind::Response, ClockState::Running)]);
            assert_eq!(c[0].due_at, t(48, 0));
            assert_eq!(clocks(s, seen, &[], t(40, 0))[0].state, ClockState::DueSoon);
            assert_eq!(clocks(s, seen, &[], t(48, 0))[0].state, ClockState::Overdue);
        }
        let r = [Response {
            kind: ResponseKind::Other,
            at: t(47, 59),
        }];
        assert_eq!(
            clocks(Severity::General, seen, &r, t(60, 0))[0].state,
            ClockState::Met
        );
        assert_eq!(describe_left(200), "还剩 3 小时 20 分");
        assert_eq!(describe_left(-5), "已超期 5 分钟");
    }

    #[test]
    fn bad_input_is_refused() {
        let seen = t(10, 0);
        let early = check_response(OpinionStatus::Open, seen, t(9, 0), "通报", t(12, 0));
        assert!(early.is_err_and(|e| e.to_string().contains("不能早于首次发现时间")));
        assert!(check_response(OpinionStatus::Open, seen, t(20, 0), "通报", t(12, 0)).is_err());
        assert!(check_response(OpinionStatus::Open, seen, t(11, 0), " ", t(12, 0)).is_err());
        assert!(check_response(OpinionStatus::Closed, seen, t(11, 0), "通报", t(12, 0)).is_err());
        assert!(check_response(OpinionStatus::Open, seen, t(11, 0), "通报", t(12, 0)).is_ok());
        assert!(check_close(OpinionStatus::Open, " ").is_err());
        assert!(check_close(OpinionStatus::Open, "回应及时").is_ok());
        assert!(check_registration("t", "s", "x", t(13, 0), t(12, 0)).is_err());
        assert!(check_registration("t", "", "x", t(11, 0), t(12, 0)).is_err());
        assert!(check_registration("t", "s", "x", t(11, 0), t(12, 0)).is_ok());
    }
}
