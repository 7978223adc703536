//! Key tasks (`gongkai_domain::task`): kept per site with their co-operating organisations,
//! milestones, progress reports and linked records. Every change is one write transaction with
//! its audit entry (in the lead organisation's site) and a `task` row on the change feed, so the
//! page cache and the search index follow. The rules are the domain's; this module reads the
//! state they need inside the transaction that changes it.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::task::{
    self as rules, EvaluationKind, NewEvaluation, NewTask, ReportState, ReportStep, TaskKind,
    TaskStatus,
};
use serde::Serialize;

use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, Tx, audit, column, feed, now, ts};

/// A task as stored, with its lead organisation's name and code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// Database id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: i64,
    /// The lead organisation (牵头单位).
    pub lead_org_id: i64,
    /// Its name.
    pub lead_org_name: String,
    /// Its organ code.
    pub lead_org_code: String,
    /// Its kind.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub kind: TaskKind,
    /// Its title.
    pub title: String,
    /// Its year.
    pub year: i64,
    /// The day it starts.
    pub starts_on: NaiveDate,
    /// Its measures.
    pub measures: String,
    /// Where it stands.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: TaskStatus,
    /// Its result, once completed.
    pub result: String,
    /// The day it was completed.
    pub completed_on: Option<NaiveDate>,
    /// Last change.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub updated_at: DateTime<Utc>,
}

column::from_row!(Task => id, site_id, lead_org_id, lead_org_name, lead_org_code, kind, title,
    year, starts_on, measures, status, result, completed_on, updated_at);

const SELECT: &str = "SELECT t.id, t.site_id, t.lead_org_id, o.name AS lead_org_name, \
     o.code AS lead_org_code, t.kind, t.title, t.year, t.starts_on, t.measures, t.status, \
     t.result, t.completed_on, t.updated_at FROM tasks t JOIN organisations o ON o.id = t.lead_org_id";

/// A milestone of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// Database id.
    pub id: i64,
    /// Its task.
    pub task_id: i64,
    /// What is to be done by then.
    pub title: String,
    /// Its due date (Beijing).
    pub due_on: NaiveDate,
    /// The day it was done.
    pub done_on: Option<NaiveDate>,
}

column::from_row!(Milestone => id, task_id, title, due_on, done_on);

/// A progress report of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressReport {
    /// Database id.
    pub id: i64,
    /// Its task.
    pub task_id: i64,
    /// Its text.
    pub body: String,
    /// Where it stands.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub state: ReportState,
    /// Its author's user id.
    pub author_id: i64,
    /// Its author's user name.
    pub author_name: String,
    /// Who reviewed it last.
    pub reviewer_name: String,
    /// Why it was returned.
    pub return_reason: String,
    /// When it was written.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub created_at: DateTime<Utc>,
    /// When it was published.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub published_at: Option<DateTime<Utc>>,
}

column::from_row!(ProgressReport => id, task_id, body, state, author_id, author_name,
    reviewer_name, return_reason, created_at, published_at);

const REPORT_COLUMNS: &str = "id, task_id, body, state, author_id, author_name, reviewer_name, \
     return_reason, created_at, published_at";

/// An overdue milestone, for the supervisor's dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueMilestone {
    /// The milestone.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its due date.
    pub due_on: NaiveDate,
    /// Its task.
    pub task_id: i64,
    /// The task's title.
    pub task_title: String,
    /// The lead organisation's name.
    pub lead_org_name: String,
}

column::from_row!(OverdueMilestone => id, title, due_on, task_id, task_title, lead_org_name);

/// What the task list is cut to.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// The site.
    pub site_id: i64,
    /// Only this year.
    pub year: Option<i32>,
    /// Only this status.
    pub status: Option<TaskStatus>,
    /// Only this kind.
    pub kind: Option<TaskKind>,
    /// Only tasks this organisation leads or co-operates in.
    pub org_id: Option<i64>,
}

/// Writes the audit entry (in the lead organisation's site) and the feed row of a change to
/// task `id`, and commits.
async fn finish(
    mut tx: Tx,
    store: &Store,
    actor: &Actor,
    change: audit::Change<'_>,
    lead_org_id: i64,
    id: i64,
) -> Result<()> {
    sqlx::query("UPDATE tasks SET updated_at = $1 WHERE id = $2")
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    feed::emit(&mut tx, "task", &id.to_string(), change.action).await?;
    change.in_org(lead_org_id).commit(tx, store, actor).await
}

async fn set_orgs(tx: &mut Tx, id: i64, cooperating: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM task_orgs WHERE task_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let mut seen: Vec<i64> = Vec::new();
    for org in cooperating.iter().take(rules::MAX_COOPERATING) {
        if seen.contains(org) {
            continue;
        }
        seen.push(*org);
        sqlx::query("INSERT INTO task_orgs (task_id, org_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*org)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Records `new` on the site `site_id`, led by `lead_org_id` with the `cooperating`
/// organisations; audited as `task.create`. Returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    lead_org_id: i64,
    cooperating: &[i64],
    new: &NewTask,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tasks (site_id, lead_org_id, kind, title, year, starts_on, measures, status,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(site_id)
    .bind(lead_org_id)
    .bind(new.kind.code())
    .bind(&new.title)
    .bind(i64::from(new.year))
    .bind(new.starts_on.to_string())
    .bind(&new.measures)
    .bind(TaskStatus::Underway.code())
    .bind(&actor.name)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    set_orgs(&mut tx, id, cooperating).await?;
    let change =
        audit::Change::new("task.create", "task", id.to_string()).with_detail(serde_json::json!({
            "kind": new.kind.code(), "title": new.title, "year": new.year,
            "starts_on": new.starts_on.to_string(), "cooperating": cooperating,
        }));
    finish(tx, store, actor, change, lead_org_id, id).await?;
    Ok(id)
}

/// The task `id`, read in `tx`.
async fn get_in(tx: &mut Tx, id: i64) -> Result<Task> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE t.id = ").int(id);
    sql::one(q.query(), &mut **tx, "该任务").await
}

/// Changes the task `id` to `new`, led by `lead_org_id` with `cooperating`; refused once the
/// task is completed, or when a milestone would fall before the new start. Audited as
/// `task.update`.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: i64,
    lead_org_id: i64,
    cooperating: &[i64],
    new: &NewTask,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    rules::check_open(task.status)?;
    let earliest: Option<String> =
        sqlx::query_scalar("SELECT MIN(due_on) FROM task_milestones WHERE task_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if earliest.is_some_and(|d| d < new.starts_on.to_string()) {
        return Err(gongkai_domain::DomainError::with(
            "starts_on",
            gongkai_domain::ErrorCode::TaskMilestoneBeforeStart,
            &[("start", &new.starts_on)],
        )
        .into());
    }
    sqlx::query(
        "UPDATE tasks SET lead_org_id = $1, kind = $2, title = $3, year = $4, starts_on = $5,
            measures = $6 WHERE id = $7",
    )
    .bind(lead_org_id)
    .bind(new.kind.code())
    .bind(&new.title)
    .bind(i64::from(new.year))
    .bind(new.starts_on.to_string())
    .bind(&new.measures)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    set_orgs(&mut tx, id, cooperating).await?;
    let change = audit::Change::new("task.update", "task", id.to_string()).with_detail(
        serde_json::json!({ "title": new.title, "starts_on": new.starts_on.to_string() }),
    );
    finish(tx, store, actor, change, lead_org_id, id).await
}

/// The task `id`.
pub async fn get(store: &Store, id: i64) -> Result<Task> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE t.id = ").int(id);
    sql::one(q.query(), store.pool(), "该任务").await
}

/// The tasks `filter` selects, by year (newest first), then kind and title.
pub async fn list(store: &Store, filter: &TaskFilter) -> Result<Vec<Task>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE t.site_id = ").int(filter.site_id);
    if let Some(year) = filter.year {
        q.push(" AND t.year = ").int(i64::from(year));
    }
    if let Some(status) = filter.status {
        q.push(" AND t.status = ").text(status.code());
    }
    if let Some(kind) = filter.kind {
        q.push(" AND t.kind = ").text(kind.code());
    }
    if let Some(org) = filter.org_id {
        q.push(" AND (t.lead_org_id = ")
            .int(org)
            .push(" OR t.id IN (SELECT task_id FROM task_orgs WHERE org_id = ")
            .int(org)
            .push("))");
    }
    q.push(" ORDER BY t.year DESC, t.kind, t.id");
    sql::all(q.query(), store.pool()).await
}

/// The years the site `site_id` has tasks in, newest first.
pub async fn years(store: &Store, site_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT year FROM tasks WHERE site_id = $1 ORDER BY year DESC")
            .bind(site_id)
            .fetch_all(store.pool())
            .await?,
    )
}

/// The co-operating organisations of task `id`: id and name, in organisation order.
pub async fn cooperating(store: &Store, id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.name FROM task_orgs x JOIN organisations o ON o.id = x.org_id
         WHERE x.task_id = $1 ORDER BY o.code",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?)
}

/// Adds a milestone `title` due on `due_on` (as typed) to task `id`; refused on a completed
/// task or before the task starts. Audited as `task.milestone_add`. Returns its id.
pub async fn add_milestone(
    store: &Store,
    actor: &Actor,
    id: i64,
    title: &str,
    due_on: &str,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    let (title, due) = rules::check_milestone(task.status, task.starts_on, title, due_on)?;
    let milestone: i64 = sqlx::query_scalar(
        "INSERT INTO task_milestones (task_id, title, due_on, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id)
    .bind(&title)
    .bind(due.to_string())
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new("task.milestone_add", "task", id.to_string())
        .with_detail(serde_json::json!({ "milestone": title, "due_on": due.to_string() }));
    finish(tx, store, actor, change, task.lead_org_id, id).await?;
    Ok(milestone)
}

/// Marks milestone `milestone` of task `id` done on `done_on` (a Beijing date); refused on a
/// completed task. Audited as `task.milestone_done`.
pub async fn complete_milestone(
    store: &Store,
    actor: &Actor,
    id: i64,
    milestone: i64,
    done_on: NaiveDate,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    rules::check_open(task.status)?;
    let title: String =
        sqlx::query_scalar("SELECT title FROM task_milestones WHERE id = $1 AND task_id = $2")
            .bind(milestone)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| crate::StoreError::NotFound { what: "该节点".into() })?;
    sqlx::query("UPDATE task_milestones SET done_on = $1 WHERE id = $2")
        .bind(done_on.to_string())
        .bind(milestone)
        .execute(&mut *tx)
        .await?;
    let change = audit::Change::new("task.milestone_done", "task", id.to_string())
        .with_detail(serde_json::json!({ "milestone": title, "done_on": done_on.to_string() }));
    finish(tx, store, actor, change, task.lead_org_id, id).await
}

/// The milestones of task `id`, by due date.
pub async fn milestones(store: &Store, id: i64) -> Result<Vec<Milestone>> {
    let q = sqlx::query(
        "SELECT id, task_id, title, due_on, done_on FROM task_milestones
         WHERE task_id = $1 ORDER BY due_on, id",
    )
    .bind(id);
    sql::all(q, store.pool()).await
}

/// The milestones overdue on `today` of the under-way tasks led by the organisations `org_ids`
/// (the supervisor's scope), earliest first.
pub async fn overdue_milestones(
    store: &Store,
    org_ids: &[i64],
    today: NaiveDate,
) -> Result<Vec<OverdueMilestone>> {
    let mut q = Sql::new(
        "SELECT m.id, m.title, m.due_on, t.id AS task_id, t.title AS task_title, \
         o.name AS lead_org_name FROM task_milestones m JOIN tasks t ON t.id = m.task_id \
         JOIN organisations o ON o.id = t.lead_org_id WHERE m.done_on IS NULL AND m.due_on < ",
    );
    q.text(today.to_string())
        .push(" AND t.status = ")
        .text(TaskStatus::Underway.code())
        .push(" AND t.lead_org_id IN (");
    for (i, org) in org_ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.int(*org);
    }
    q.push(") ORDER BY m.due_on, m.id");
    sql::all_in(org_ids, &q, store.pool()).await
}

/// Writes a progress report `body` on task `id` by the staff member `author_id`, as a draft or
/// (with `submit`) for review; refused on a completed task. Audited as `task.report_create`.
/// Returns its id.
pub async fn add_report(
    store: &Store,
    actor: &Actor,
    author_id: i64,
    id: i64,
    body: &str,
    submit: bool,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    let body = rules::check_report(task.status, body)?;
    let state = match submit {
        true => ReportState::Pending,
        false => ReportState::Draft,
    };
    let report: i64 = sqlx::query_scalar(
        "INSERT INTO task_reports (task_id, body, state, author_id, author_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(&body)
    .bind(state.code())
    .bind(author_id)
    .bind(&actor.name)
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new("task.report_create", "task", id.to_string())
        .with_detail(serde_json::json!({ "report": report, "state": state.code() }));
    finish(tx, store, actor, change, task.lead_org_id, id).await?;
    Ok(report)
}

/// Takes `step` on progress report `report` of task `id` as the staff member `actor_id`
/// (`reason` for a return), by the domain's rules: its author submits, someone else publishes
/// or returns. Audited as `task.report_submit` / `…_approve` / `…_return`.
pub async fn report_step(
    store: &Store,
    actor: &Actor,
    actor_id: i64,
    id: i64,
    report: i64,
    step: ReportStep,
    reason: &str,
) -> Result<ReportState> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    let q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM task_reports WHERE id = $1 AND task_id = $2"
    )))
    .bind(report)
    .bind(id);
    let r: ProgressReport = sql::one(q, &mut *tx, "该工作进展").await?;
    let next = rules::apply_report_step(r.state, task.status, step, r.author_id, actor_id, reason)?;
    let (reviewer, reason, published) = match step {
        ReportStep::Submit => (String::new(), String::new(), None),
        ReportStep::Approve => (actor.name.clone(), String::new(), Some(ts(now()))),
        ReportStep::Return => (actor.name.clone(), reason.trim().to_owned(), None),
    };
    sqlx::query(
        "UPDATE task_reports SET state = $1, reviewer_name = $2, return_reason = $3,
            published_at = $4 WHERE id = $5",
    )
    .bind(next.code())
    .bind(&reviewer)
    .bind(&reason)
    .bind(published)
    .bind(report)
    .execute(&mut *tx)
    .await?;
    let change = audit::Change::new(step.action(), "task", id.to_string())
        .with_detail(serde_json::json!({ "report": report, "reason": reason }));
    finish(tx, store, actor, change, task.lead_org_id, id).await?;
    Ok(next)
}

/// Every progress report of task `id`, oldest first.
pub async fn reports(store: &Store, id: i64) -> Result<Vec<ProgressReport>> {
    let q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM task_reports WHERE task_id = $1 ORDER BY id"
    )))
    .bind(id);
    sql::all(q, store.pool()).await
}

/// The published progress reports of task `id`, oldest first: what the public sees.
pub async fn published_reports(store: &Store, id: i64) -> Result<Vec<ProgressReport>> {
    Ok(reports(store, id)
        .await?
        .into_iter()
        .filter(|r| r.state == ReportState::Published)
        .collect())
}

/// Links the record `record_id` to task `id` (once). Audited as `task.link_record`.
pub async fn link_record(store: &Store, actor: &Actor, id: i64, record_id: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    let linked = sql::exists(
        sqlx::query("SELECT 1 FROM task_records WHERE task_id = $1 AND record_id = $2")
            .bind(id)
            .bind(record_id),
        &mut *tx,
    )
    .await?;
    if !linked {
        sqlx::query("INSERT INTO task_records (task_id, record_id) VALUES ($1, $2)")
            .bind(id)
            .bind(record_id)
            .execute(&mut *tx)
            .await?;
    }
    let change = audit::Change::new("task.link_record", "task", id.to_string())
        .with_detail(serde_json::json!({ "record": record_id }));
    finish(tx, store, actor, change, task.lead_org_id, id).await
}

/// The ids of the records linked to task `id`, in the order they were linked.
pub async fn linked_records(store: &Store, id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT record_id FROM task_records WHERE task_id = $1 ORDER BY record_id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?)
}

/// Publishes the `result` of task `id` and closes it as completed on `on`; refused once
/// completed. Audited as `task.complete`.
pub async fn complete(
    store: &Store,
    actor: &Actor,
    id: i64,
    result: &str,
    on: NaiveDate,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    let result = rules::check_result(task.status, result)?;
    sqlx::query("UPDATE tasks SET status = $1, result = $2, completed_on = $3 WHERE id = $4")
        .bind(TaskStatus::Completed.code())
        .bind(&result)
        .bind(on.to_string())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let change = audit::Change::new("task.complete", "task", id.to_string())
        .with_detail(serde_json::json!({ "completed_on": on.to_string() }));
    finish(tx, store, actor, change, task.lead_org_id, id).await
}

/// A results evaluation or survey of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Database id.
    pub id: i64,
    /// Evaluation or survey.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub kind: EvaluationKind,
    /// Who evaluated.
    pub evaluator: String,
    /// The day it was concluded.
    pub concluded_on: NaiveDate,
    /// Its conclusion.
    pub conclusion: String,
    /// The published record of the full report, if linked.
    pub record_id: Option<i64>,
}

column::from_row!(Evaluation => id, kind, evaluator, concluded_on, conclusion, record_id);

/// Attaches the evaluation `new` (with its report's record `record_id`, if given) to task `id`,
/// under way or completed. Audited as `task.evaluation_add`. Returns its id.
pub async fn add_evaluation(
    store: &Store,
    actor: &Actor,
    id: i64,
    new: &NewEvaluation,
    record_id: Option<i64>,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let task = get_in(&mut tx, id).await?;
    let evaluation: i64 = sqlx::query_scalar(
        "INSERT INTO task_evaluations (task_id, kind, evaluator, concluded_on, conclusion,
            record_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id)
    .bind(new.kind.code())
    .bind(&new.evaluator)
    .bind(new.concluded_on.to_string())
    .bind(&new.conclusion)
    .bind(record_id)
    .bind(&actor.name)
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new("task.evaluation_add", "task", id.to_string()).with_detail(
        serde_json::json!({
            "evaluation": evaluation, "kind": new.kind.code(), "evaluator": new.evaluator,
        }),
    );
    finish(tx, store, actor, change, task.lead_org_id, id).await?;
    Ok(evaluation)
}

/// The evaluations of task `id`, by the day they were concluded.
pub async fn evaluations(store: &Store, id: i64) -> Result<Vec<Evaluation>> {
    let q = sqlx::query(
        "SELECT id, kind, evaluator, concluded_on, conclusion, record_id FROM task_evaluations
         WHERE task_id = $1 ORDER BY concluded_on, id",
    )
    .bind(id);
    sql::all(q, store.pool()).await
}

/// Up to `limit` task ids after `after`: every task is public, for rebuilding the index.
pub async fn searchable_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM tasks WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(store.pool())
            .await?,
    )
}
