//! Key tasks (重点工作 / 重大项目 / 民生实事) published with their measures, milestones,
//! progress and result (the seed: publish the measures, steps, responsibilities and supervision
//! of key tasks, their progress and results). A task has a lead organisation and co-operating
//! ones; its milestones have plain Beijing due dates; its progress reports are reviewed by
//! someone other than their author before they are public; its result closes it.

use chrono::NaiveDate;

use crate::{DomainError, ErrorCode};

/// The longest title (a task's, a milestone's), in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest measures, progress report or result text, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// The most co-operating organisations one task may name.
pub const MAX_COOPERATING: usize = 50;

coded! {
    /// What kind of task it is.
    TaskKind {
        /// 重点工作: a key reform task of the year.
        KeyWork => ("key_work", "重点工作"),
        /// 重大项目: a major project.
        MajorProject => ("major_project", "重大项目"),
        /// 民生实事: a practical matter for people's livelihoods.
        Livelihood => ("livelihood", "民生实事"),
    }
}

coded! {
    /// Where a task stands.
    TaskStatus {
        /// 推进中: under way; milestones and progress reports are added.
        Underway => ("underway", "推进中"),
        /// 已完成: closed with its result; nothing more is reported.
        Completed => ("completed", "已完成"),
    }
}

coded! {
    /// Where a progress report stands: 草稿 → 待审核 → 已发布, or 退回 and submitted again.
    ReportState {
        /// 草稿: written, not yet submitted.
        Draft => ("draft", "草稿"),
        /// 待审核: waiting for a reviewer other than its author.
        Pending => ("pending", "待审核"),
        /// 已发布: reviewed and public.
        Published => ("published", "已发布"),
        /// 退回: returned to its author with a reason.
        Returned => ("returned", "退回"),
    }
}

coded! {
    /// How a task's results were evaluated (the seed's 第三方评估).
    EvaluationKind {
        /// 第三方评估: an evaluation by an independent body.
        ThirdParty => ("third_party", "第三方评估"),
        /// 满意度调查: a survey of the people served.
        Survey => ("survey", "满意度调查"),
    }
}

/// A step on a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStep {
    /// Its author submits it for review.
    Submit,
    /// A reviewer publishes it.
    Approve,
    /// A reviewer returns it.
    Return,
}

impl ReportStep {
    /// The step a form's `step` field names (`submit`, `approve`, `return`).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "submit" => Some(Self::Submit),
            "approve" => Some(Self::Approve),
            "return" => Some(Self::Return),
            _ => None,
        }
    }

    /// The audit action of the step.
    pub fn action(self) -> &'static str {
        match self {
            Self::Submit => "task.report_submit",
            Self::Approve => "task.report_approve",
            Self::Return => "task.report_return",
        }
    }
}

/// A task as typed, checked by [`TaskDraft::check`].
#[derive(Debug, Clone, Default)]
pub struct TaskDraft {
    /// A [`TaskKind`] code or label.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// The year it belongs to, as typed.
    pub year: String,
    /// The day it starts, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Its measures (工作措施), as published.
    pub measures: String,
}

/// A checked task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    /// Its kind.
    pub kind: TaskKind,
    /// Its title.
    pub title: String,
    /// Its year.
    pub year: i32,
    /// The day it starts.
    pub starts_on: NaiveDate,
    /// Its measures.
    pub measures: String,
}

/// The text of `raw` trimmed, if it is 1 to `max` characters long.
fn bounded(raw: &str, max: usize) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_owned())
}

/// A `YYYY-MM-DD` date, or the refusal `code` on `field`.
pub fn parse_date(
    raw: &str,
    field: &'static str,
    code: ErrorCode,
) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| DomainError::invalid(field, code))
}

impl TaskDraft {
    /// Checks the draft: a known kind, a title, a year from 2000 to 2100, a start date and the
    /// measures.
    pub fn check(&self) -> Result<NewTask, DomainError> {
        let kind = TaskKind::parse(&self.kind)
            .map_err(|_| DomainError::invalid("kind", ErrorCode::TaskKindRequired))?;
        let title = bounded(&self.title, MAX_TITLE_CHARS)
            .ok_or_else(|| DomainError::invalid("title", ErrorCode::TaskTitleRequired))?;
        let year = self
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| DomainError::invalid("year", ErrorCode::TaskYearInvalid))?;
        let starts_on = parse_date(&self.starts_on, "starts_on", ErrorCode::TaskStartInvalid)?;
        let measures = bounded(&self.measures, MAX_TEXT_CHARS)
            .ok_or_else(|| DomainError::invalid("measures", ErrorCode::TaskMeasuresRequired))?;
        Ok(NewTask {
            kind,
            title,
            year,
            starts_on,
            measures,
        })
    }
}

/// Refuses anything more on a closed task (a milestone, a progress report, a result).
pub fn check_open(status: TaskStatus) -> Result<(), DomainError> {
    match status {
        TaskStatus::Underway => Ok(()),
        TaskStatus::Completed => Err(DomainError::invalid("task", ErrorCode::TaskClosed)),
    }
}

/// Checks a milestone of a task that starts on `starts_on` and is `status`: a title and a due
/// date not before the task starts.
pub fn check_milestone(
    status: TaskStatus,
    starts_on: NaiveDate,
    title: &str,
    due_on: &str,
) -> Result<(String, NaiveDate), DomainError> {
    check_open(status)?;
    let title = bounded(title, MAX_TITLE_CHARS)
        .ok_or_else(|| DomainError::invalid("title", ErrorCode::TaskMilestoneTitleRequired))?;
    let due = parse_date(due_on, "due_on", ErrorCode::TaskMilestoneDueInvalid)?;
    if due < starts_on {
        return Err(DomainError::with(
            "due_on",
            ErrorCode::TaskMilestoneBeforeStart,
            &[("start", &starts_on)],
        ));
    }
    Ok((title, due))
}

/// Whether a milestone due on `due_on` and done on `done_on` is overdue on `today` (Beijing
/// dates): its due date has passed and it is not done.
pub fn is_overdue(due_on: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    done_on.is_none() && due_on < today
}

/// Checks a progress report's text on a task that is `status`.
pub fn check_report(status: TaskStatus, body: &str) -> Result<String, DomainError> {
    check_open(status)?;
    bounded(body, MAX_TEXT_CHARS)
        .ok_or_else(|| DomainError::invalid("body", ErrorCode::TaskReportTextRequired))
}

/// The state a progress report in `state`, written by `author_id`, moves to when `actor_id`
/// takes `step` on a task that is `status`: only its author submits a draft or a returned
/// report; a pending one is published or returned by someone else; a return needs its reason.
pub fn apply_report_step(
    state: ReportState,
    task: TaskStatus,
    step: ReportStep,
    author_id: i64,
    actor_id: i64,
    reason: &str,
) -> Result<ReportState, DomainError> {
    check_open(task)?;
    let wrong = || {
        DomainError::with(
            "step",
            ErrorCode::TaskReportStepNotAllowed,
            &[("state", &state.label())],
        )
    };
    match step {
        ReportStep::Submit => match state {
            ReportState::Draft | ReportState::Returned => Ok(ReportState::Pending),
            _ => Err(wrong()),
        },
        ReportStep::Approve | ReportStep::Return => {
            if state != ReportState::Pending {
                return Err(wrong());
            }
            if author_id == actor_id {
                return Err(DomainError::invalid(
                    "step",
                    ErrorCode::TaskReviewerIsAuthor,
                ));
            }
            if step == ReportStep::Approve {
                return Ok(ReportState::Published);
            }
            if reason.trim().is_empty() {
                return Err(DomainError::invalid(
                    "reason",
                    ErrorCode::TaskReturnReasonRequired,
                ));
            }
            Ok(ReportState::Returned)
        }
    }
}

/// Checks the result that closes a task that is `status`.
pub fn check_result(status: TaskStatus, result: &str) -> Result<String, DomainError> {
    check_open(status)?;
    bounded(result, MAX_TEXT_CHARS)
        .ok_or_else(|| DomainError::invalid("result", ErrorCode::TaskResultRequired))
}

/// A results evaluation or survey as typed, checked by [`EvaluationDraft::check`].
#[derive(Debug, Clone, Default)]
pub struct EvaluationDraft {
    /// An [`EvaluationKind`] code or label.
    pub kind: String,
    /// Who evaluated (the third party, or who ran the survey).
    pub evaluator: String,
    /// The day it was concluded, `YYYY-MM-DD`.
    pub concluded_on: String,
    /// Its conclusion, as published.
    pub conclusion: String,
}

/// A checked evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvaluation {
    /// Evaluation or survey.
    pub kind: EvaluationKind,
    /// Who evaluated.
    pub evaluator: String,
    /// The day it was concluded.
    pub concluded_on: NaiveDate,
    /// Its conclusion.
    pub conclusion: String,
}

impl EvaluationDraft {
    /// Checks the evaluation as of `today`: a known kind, who evaluated, a date not after
    /// today and the conclusion. A closed task may still be evaluated (that is when it is).
    pub fn check(&self, today: NaiveDate) -> Result<NewEvaluation, DomainError> {
        let kind = EvaluationKind::parse(&self.kind)
            .map_err(|_| DomainError::invalid("kind", ErrorCode::TaskEvaluatorRequired))?;
        let evaluator = bounded(&self.evaluator, MAX_TITLE_CHARS)
            .ok_or_else(|| DomainError::invalid("evaluator", ErrorCode::TaskEvaluatorRequired))?;
        let concluded_on = parse_date(
            &self.concluded_on,
            "concluded_on",
            ErrorCode::TaskEvaluationDateInvalid,
        )?;
        if concluded_on > today {
            return Err(DomainError::invalid(
                "concluded_on",
                ErrorCode::TaskEvaluationDateInvalid,
            ));
        }
        let conclusion = bounded(&self.conclusion, MAX_TEXT_CHARS).ok_or_else(|| {
            DomainError::invalid("conclusion", ErrorCode::TaskEvaluationConclusionRequired)
        })?;
        Ok(NewEvaluation {
            kind,
            evaluator,
            concluded_on,
            conclusion,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn draft() -> TaskDraft {
        TaskDraft {
            kind: "民生实事".into(),
            title: "新建城北幼儿园".into(),
            year: "2026".into(),
            starts_on: "2026-03-01".into(),
            measures: "一、完成选址；二、开工建设；三、秋季开园。".into(),
        }
    }

    fn code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> Option<ErrorCode> {
        r.err().map(|e| e.error_code())
    }

    #[test]
    fn a_task_needs_its_kind_title_year_start_and_measures() {
        let ok = draft().check();
        assert_eq!(ok.as_ref().map(|t| t.kind), Ok(TaskKind::Livelihood));
        let cases = [
            (
                TaskDraft {
                    kind: "x".into(),
                    ..draft()
                },
                ErrorCode::TaskKindRequired,
            ),
            (
                TaskDraft {
                    title: " ".into(),
                    ..draft()
                },
                ErrorCode::TaskTitleRequired,
            ),
            (
                TaskDraft {
                    year: "26".into(),
                    ..draft()
                },
                ErrorCode::TaskYearInvalid,
            ),
            (
                TaskDraft {
                    starts_on: "2026-02-30".into(),
                    ..draft()
                },
                ErrorCode::TaskStartInvalid,
            ),
            (
                TaskDraft {
                    measures: String::new(),
                    ..draft()
                },
                ErrorCode::TaskMeasuresRequired,
            ),
        ];
        for (d, want) in cases {
            assert_eq!(code(d.check()), Some(want));
        }
    }

    #[test]
    fn a_milestone_is_not_due_before_its_task_starts_nor_added_to_a_closed_task() {
        let start = day("2026-03-01");
        let ok = check_milestone(TaskStatus::Underway, start, "完成选址", "2026-03-01");
        assert_eq!(ok, Ok(("完成选址".to_owned(), start)));
        let early = check_milestone(TaskStatus::Underway, start, "完成选址", "2026-02-28");
        assert_eq!(code(early), Some(ErrorCode::TaskMilestoneBeforeStart));
        let closed = check_milestone(TaskStatus::Completed, start, "完成选址", "2026-04-01");
        assert_eq!(code(closed), Some(ErrorCode::TaskClosed));
        let undated = check_milestone(TaskStatus::Underway, start, "完成选址", "四月");
        assert_eq!(code(undated), Some(ErrorCode::TaskMilestoneDueInvalid));
    }

    #[test]
    fn overdue_means_due_date_passed_and_not_done() {
        let due = day("2026-06-30");
        assert!(!is_overdue(due, None, day("2026-06-30")));
        assert!(is_overdue(due, None, day("2026-07-01")));
        assert!(!is_overdue(due, Some(day("2026-07-02")), day("2026-08-01")));
    }

    #[test]
    fn a_report_is_reviewed_by_someone_other_than_its_author() {
        use ReportState as S;
        use ReportStep as P;
        let open = TaskStatus::Underway;
        let step = |s, p, actor, reason| apply_report_step(s, open, p, 7, actor, reason);
        assert_eq!(step(S::Draft, P::Submit, 7, ""), Ok(S::Pending));
        assert_eq!(step(S::Returned, P::Submit, 7, ""), Ok(S::Pending));
        assert_eq!(step(S::Pending, P::Approve, 8, ""), Ok(S::Published));
        assert_eq!(step(S::Pending, P::Return, 8, "数据不全"), Ok(S::Returned));
        assert_eq!(
            code(step(S::Pending, P::Approve, 7, "")),
            Some(ErrorCode::TaskReviewerIsAuthor)
        );
        assert_eq!(
            code(step(S::Pending, P::Return, 8, " ")),
            Some(ErrorCode::TaskReturnReasonRequired)
        );
        assert_eq!(
            code(step(S::Published, P::Approve, 8, "")),
            Some(ErrorCode::TaskReportStepNotAllowed)
        );
        let closed = apply_report_step(S::Pending, TaskStatus::Completed, P::Approve, 7, 8, "");
        assert_eq!(code(closed), Some(ErrorCode::TaskClosed));
    }

    #[test]
    fn an_evaluation_names_its_evaluator_a_past_date_and_its_conclusion() {
        let today = day("2026-12-04");
        let draft = EvaluationDraft {
            kind: "第三方评估".into(),
            evaluator: "新疆大学公共管理学院".into(),
            concluded_on: "2026-11-30".into(),
            conclusion: "群众满意度 96.2%。".into(),
        };
        assert_eq!(
            draft.check(today).map(|e| e.kind),
            Ok(EvaluationKind::ThirdParty)
        );
        let future = EvaluationDraft {
            concluded_on: "2026-12-05".into(),
            ..draft.clone()
        };
        assert_eq!(
            code(future.check(today)),
            Some(ErrorCode::TaskEvaluationDateInvalid)
        );
        let anonymous = EvaluationDraft {
            evaluator: " ".into(),
            ..draft.clone()
        };
        assert_eq!(
            code(anonymous.check(today)),
            Some(ErrorCode::TaskEvaluatorRequired)
        );
        let empty = EvaluationDraft {
            conclusion: String::new(),
            ..draft
        };
        assert_eq!(
            code(empty.check(today)),
            Some(ErrorCode::TaskEvaluationConclusionRequired)
        );
    }

    #[test]
    fn nothing_is_reported_on_a_closed_task() {
        assert_eq!(
            code(check_report(TaskStatus::Completed, "进展")),
            Some(ErrorCode::TaskClosed)
        );
        assert_eq!(
            code(check_report(TaskStatus::Underway, "")),
            Some(ErrorCode::TaskReportTextRequired)
        );
        assert_eq!(
            code(check_result(TaskStatus::Underway, "")),
            Some(ErrorCode::TaskResultRequired)
        );
        assert_eq!(
            code(check_result(TaskStatus::Completed, "已开园")),
            Some(ErrorCode::TaskClosed)
        );
    }
}
