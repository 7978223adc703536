//! Work records (工作台账): the openness training sessions and the leadership meetings on
//! openness work that the annual report and the assessment ask about (the seed: train all
//! openness staff; leaders hear a report on the work every year). Each is kept with its
//! material (a notice, a sign-in sheet, minutes).

use chrono::{Datelike, NaiveDate};

use crate::{DomainError, ErrorCode};

/// The longest topic, in characters.
pub const MAX_TOPIC_CHARS: usize = 200;
/// The longest chair's name, in characters.
pub const MAX_CHAIR_CHARS: usize = 50;
/// The longest decisions text, in characters.
pub const MAX_DECISIONS_CHARS: usize = 2000;
/// The most attendees one organisation may report for one session.
pub const MAX_ATTENDEES: u32 = 10_000;
/// The most organisations one session may list.
pub const MAX_ATTENDING_ORGS: usize = 200;

coded! {
    /// What kind of work record it is.
    WorkKind {
        /// 业务培训: a training session on openness work, with attendees by organisation.
        Training => ("training", "业务培训"),
        /// 专题会议: a leadership meeting on openness work, with its chair and decisions.
        Meeting => ("meeting", "专题会议"),
    }
}

/// A work record as typed, checked by [`WorkRecordDraft::check`].
#[derive(Debug, Clone, Default)]
pub struct WorkRecordDraft {
    /// `training` or `meeting`.
    pub kind: String,
    /// The day it was held, `YYYY-MM-DD`.
    pub held_on: String,
    /// Its topic.
    pub topic: String,
    /// Who chaired it (meetings).
    pub chair: String,
    /// What it decided (meetings).
    pub decisions: String,
    /// Attendees by organisation id (training), as typed.
    pub attendance: Vec<(i64, String)>,
}

/// A checked work record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkRecord {
    /// Its kind.
    pub kind: WorkKind,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Its topic.
    pub topic: String,
    /// Who chaired it (empty for training).
    pub chair: String,
    /// What it decided (empty for training).
    pub decisions: String,
    /// Attendees by organisation id (empty for meetings), each at least one.
    pub attendance: Vec<(i64, u32)>,
}

impl WorkRecordDraft {
    /// Checks the draft as of `today`: a known kind, a date from 2000 to today, a topic; a
    /// meeting needs its chair and decisions, a training session at least one organisation
    /// with attendees (blank counts are skipped, others must be 1 to [`MAX_ATTENDEES`]).
    pub fn check(&self, today: NaiveDate) -> Result<NewWorkRecord, DomainError> {
        let kind = WorkKind::parse(&self.kind)?;
        let held_on = NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| *d <= today && d.year() >= 2000)
            .ok_or_else(|| DomainError::invalid("held_on", ErrorCode::WorkRecordDateInvalid))?;
        let topic = self.topic.trim();
        if topic.is_empty() || topic.chars().count() > MAX_TOPIC_CHARS {
            return Err(DomainError::invalid(
                "topic",
                ErrorCode::WorkRecordTopicRequired,
            ));
        }
        let (chair, decisions) = (self.chair.trim(), self.decisions.trim());
        let mut attendance = Vec::new();
        match kind {
            WorkKind::Meeting => {
                let too_long = chair.chars().count() > MAX_CHAIR_CHARS
                    || decisions.chars().count() > MAX_DECISIONS_CHARS;
                if chair.is_empty() || decisions.is_empty() || too_long {
                    return Err(DomainError::invalid(
                        "chair",
                        ErrorCode::WorkRecordChairRequired,
                    ));
                }
            }
            WorkKind::Training => {
                let refused =
                    || DomainError::invalid("attendance", ErrorCode::WorkRecordAttendanceRequired);
                if self.attendance.len() > MAX_ATTENDING_ORGS {
                    return Err(refused());
                }
                for (org, raw) in &self.attendance {
                    let raw = raw.trim();
                    if raw.is_empty() {
                        continue;
                    }
                    match raw.parse::<u32>() {
                        Ok(n) if (1..=MAX_ATTENDEES).contains(&n) => attendance.push((*org, n)),
                        _ => return Err(refused()),
                    }
                }
                if attendance.is_empty() {
                    return Err(refused());
                }
            }
        }
        let (chair, decisions) = match kind {
            WorkKind::Meeting => (chair.to_owned(), decisions.to_owned()),
            WorkKind::Training => (String::new(), String::new()),
        };
        Ok(NewWorkRecord {
            kind,
            held_on,
            topic: topic.to_owned(),
            chair,
            decisions,
            attendance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default()
    }

    fn training(attendance: &[(i64, &str)]) -> WorkRecordDraft {
        WorkRecordDraft {
            kind: "training".into(),
            held_on: "2026-11-18".into(),
            topic: "政务公开业务培训".into(),
            attendance: attendance
                .iter()
                .map(|(o, n)| (*o, n.to_string()))
                .collect(),
            ..WorkRecordDraft::default()
        }
    }

    fn code(r: Result<NewWorkRecord, DomainError>) -> Option<ErrorCode> {
        r.err().map(|e| e.error_code())
    }

    #[test]
    fn a_training_session_counts_attendees_by_organisation() {
        let ok = training(&[(1, "12"), (2, ""), (3, " 3 ")]).check(today());
        assert_eq!(ok.map(|r| r.attendance), Ok(vec![(1, 12), (3, 3)]));
        for bad in [
            vec![],
            vec![(1, "")],
            vec![(1, "0")],
            vec![(1, "十")],
            vec![(1, "10001")],
        ] {
            assert_eq!(
                code(training(&bad).check(today())),
                Some(ErrorCode::WorkRecordAttendanceRequired),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_meeting_needs_its_chair_and_decisions_and_every_record_a_past_date() {
        let meeting = WorkRecordDraft {
            kind: "meeting".into(),
            held_on: "2026-03-02".into(),
            topic: "县政府常务会议听取政务公开工作汇报".into(),
            chair: "县长".into(),
            decisions: "一、……".into(),
            attendance: vec![(1, "5".into())],
        };
        let ok = meeting.check(today());
        assert_eq!(
            ok.as_ref().map(|r| r.attendance.len()),
            Ok(0),
            "meetings list no attendance"
        );
        let no_chair = WorkRecordDraft {
            chair: " ".into(),
            ..meeting.clone()
        };
        assert_eq!(
            code(no_chair.check(today())),
            Some(ErrorCode::WorkRecordChairRequired)
        );
        for day in ["2026-12-05", "1999-12-31", "2026-02-30", ""] {
            let dated = WorkRecordDraft {
                held_on: day.into(),
                ..meeting.clone()
            };
            assert_eq!(
                code(dated.check(today())),
                Some(ErrorCode::WorkRecordDateInvalid),
                "{day}"
            );
        }
        let untitled = WorkRecordDraft {
            topic: "".into(),
            ..meeting
        };
        assert_eq!(
            code(untitled.check(today())),
            Some(ErrorCode::WorkRecordTopicRequired)
        );
    }
}
