//! Audit results and their rectification (审计结果及整改情况), and 督查 findings with their
//! accountability, as one structure: a report (an audit report or an inspection notice) holds
//! findings; each finding has a responsible organisation, a rectification deadline, its
//! measures and evidence, and a status (未整改 → 整改中 → 已整改) published as the work goes.

use chrono::NaiveDate;

use crate::task::parse_date;
use crate::{DomainError, ErrorCode};

/// The longest title (a report's, a finding's), in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest summary, measures, evidence or accountability text, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;

coded! {
    /// Where the findings come from.
    FindingSource {
        /// 审计: an audit report.
        Audit => ("audit", "审计"),
        /// 督查: an inspection, with its accountability notices.
        Inspection => ("inspection", "督查"),
    }
}

coded! {
    /// How far a finding's rectification has come.
    FindingStatus {
        /// 未整改: not yet rectified.
        Open => ("open", "未整改"),
        /// 整改中: rectification under way.
        Underway => ("underway", "整改中"),
        /// 已整改: rectified, with its measures and evidence.
        Rectified => ("rectified", "已整改"),
    }
}

/// An audit report or inspection notice as typed.
#[derive(Debug, Clone, Default)]
pub struct AuditReportDraft {
    /// A [`FindingSource`] code or label.
    pub source: String,
    /// Its title.
    pub title: String,
    /// Its year, as typed.
    pub year: String,
    /// What it found, in short.
    pub summary: String,
}

/// A checked audit report or inspection notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditReport {
    /// Audit or inspection.
    pub source: FindingSource,
    /// Its title.
    pub title: String,
    /// Its year.
    pub year: i32,
    /// Its summary (may be empty).
    pub summary: String,
}

fn bounded(raw: &str, max: usize) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_owned())
}

impl AuditReportDraft {
    /// Checks the report: a known source, a title, a year from 2000 to 2100, a summary of at
    /// most [`MAX_TEXT_CHARS`].
    pub fn check(&self) -> Result<NewAuditReport, DomainError> {
        let source = FindingSource::parse(&self.source)
            .map_err(|_| DomainError::invalid("source", ErrorCode::FindingSourceRequired))?;
        let title = bounded(&self.title, MAX_TITLE_CHARS)
            .ok_or_else(|| DomainError::invalid("title", ErrorCode::FindingTitleRequired))?;
        let year = self
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| DomainError::invalid("year", ErrorCode::TaskYearInvalid))?;
        let summary = self.summary.trim();
        if summary.chars().count() > MAX_TEXT_CHARS {
            return Err(DomainError::with(
                "summary",
                ErrorCode::FindingTextTooLong,
                &[("max", &MAX_TEXT_CHARS)],
            ));
        }
        Ok(NewAuditReport {
            source,
            title,
            year,
            summary: summary.to_owned(),
        })
    }
}

/// Checks a finding: the problem found and its rectification deadline.
pub fn check_finding(title: &str, deadline: &str) -> Result<(String, NaiveDate), DomainError> {
    let title = bounded(title, MAX_TITLE_CHARS)
        .ok_or_else(|| DomainError::invalid("title", ErrorCode::FindingTitleRequired))?;
    let deadline = parse_date(deadline, "deadline", ErrorCode::FindingDeadlineInvalid)?;
    Ok((title, deadline))
}

/// A rectification step as typed: the status it moves to and what is known by then.
#[derive(Debug, Clone, Default)]
pub struct FindingStepDraft {
    /// A [`FindingStatus`] code or label.
    pub status: String,
    /// The rectification measures (整改措施).
    pub measures: String,
    /// The evidence, in words (整改佐证).
    pub evidence: String,
    /// Whether a published record is linked as evidence.
    pub evidence_record: bool,
    /// The accountability taken (问责情况), for 督查 findings.
    pub accountability: String,
}

/// A checked rectification step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingStep {
    /// The status it moves to.
    pub status: FindingStatus,
    /// The measures.
    pub measures: String,
    /// The evidence in words.
    pub evidence: String,
    /// The accountability taken.
    pub accountability: String,
}

impl FindingStepDraft {
    /// Checks the step: a known status; texts of at most [`MAX_TEXT_CHARS`]; 已整改 only with
    /// its measures and its evidence (in words or a linked record).
    pub fn check(&self) -> Result<FindingStep, DomainError> {
        let status = FindingStatus::parse(&self.status)
            .map_err(|_| DomainError::invalid("status", ErrorCode::FindingStatusRequired))?;
        let (measures, evidence, accountability) = (
            self.measures.trim(),
            self.evidence.trim(),
            self.accountability.trim(),
        );
        for (field, text) in [
            ("measures", measures),
            ("evidence", evidence),
            ("accountability", accountability),
        ] {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(DomainError::with(
                    field,
                    ErrorCode::FindingTextTooLong,
                    &[("max", &MAX_TEXT_CHARS)],
                ));
            }
        }
        if status == FindingStatus::Rectified {
            if measures.is_empty() {
                return Err(DomainError::invalid(
                    "measures",
                    ErrorCode::FindingRectifiedWithoutMeasures,
                ));
            }
            if evidence.is_empty() && !self.evidence_record {
                return Err(DomainError::invalid(
                    "evidence",
                    ErrorCode::FindingRectifiedWithoutEvidence,
                ));
            }
        }
        Ok(FindingStep {
            status,
            measures: measures.to_owned(),
            evidence: evidence.to_owned(),
            accountability: accountability.to_owned(),
        })
    }
}

/// Whether a finding due on `deadline` in `status` is past its deadline on `today`.
pub fn is_overdue(status: FindingStatus, deadline: NaiveDate, today: NaiveDate) -> bool {
    status != FindingStatus::Rectified && deadline < today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> Option<ErrorCode> {
        r.err().map(|e| e.error_code())
    }

    #[test]
    fn rectified_needs_measures_and_evidence() {
        let step = |status: &str, measures: &str, evidence: &str, record: bool| {
            FindingStepDraft {
                status: status.into(),
                measures: measures.into(),
                evidence: evidence.into(),
                evidence_record: record,
                accountability: String::new(),
            }
            .check()
        };
        assert_eq!(
            step("整改中", "", "", false).map(|s| s.status),
            Ok(FindingStatus::Underway)
        );
        assert_eq!(
            code(step("rectified", "", "已退回资金", false)),
            Some(ErrorCode::FindingRectifiedWithoutMeasures)
        );
        assert_eq!(
            code(step("已整改", "追回资金", " ", false)),
            Some(ErrorCode::FindingRectifiedWithoutEvidence)
        );
        assert_eq!(
            step("已整改", "追回资金", "", true).map(|s| s.status),
            Ok(FindingStatus::Rectified)
        );
        assert_eq!(
            code(step("done", "x", "y", false)),
            Some(ErrorCode::FindingStatusRequired)
        );
    }

    #[test]
    fn a_report_and_its_findings_are_checked() {
        let ok = AuditReportDraft {
            source: "审计".into(),
            title: "2025 年度县本级预算执行审计".into(),
            year: "2026".into(),
            summary: String::new(),
        }
        .check();
        assert_eq!(ok.map(|r| r.source), Ok(FindingSource::Audit));
        let bad = AuditReportDraft {
            source: "x".into(),
            ..AuditReportDraft::default()
        };
        assert_eq!(code(bad.check()), Some(ErrorCode::FindingSourceRequired));
        assert_eq!(
            code(check_finding("", "2026-12-31")),
            Some(ErrorCode::FindingTitleRequired)
        );
        assert_eq!(
            code(check_finding("专项资金闲置", "年底")),
            Some(ErrorCode::FindingDeadlineInvalid)
        );
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert!(is_overdue(
            FindingStatus::Underway,
            day("2026-06-30"),
            day("2026-07-01")
        ));
        assert!(!is_overdue(
            FindingStatus::Rectified,
            day("2026-06-30"),
            day("2026-07-01")
        ));
    }
}
