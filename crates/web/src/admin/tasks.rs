//! `/admin/renwu`: key tasks (重点工作 / 重大项目 / 民生实事) in the back office — the list of the
//! staff member's site by year with the form for a new task; a task's page with its edit form,
//! milestones (added, marked done, overdue ones flagged), progress reports (written and
//! submitted by staff who draft for the lead organisation, published or returned by a reviewer
//! who is not their author), linked records, and the result that closes it.
//!
//! Drafting needs `DraftRecords` in the lead organisation, reviewing `ReviewRecords` there; an
//! organisation outside the member's scope is refused on the form with the reason.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Utc};
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::role::Permission;
use gongkai_domain::task::{
    self as rules, EvaluationDraft, EvaluationKind, ReportState, ReportStep, TaskDraft, TaskKind,
};
use gongkai_domain::time::beijing_date;
use gongkai_domain::{DomainError, ErrorCode};
use gongkai_store::orgs::{self, Organisation};
use gongkai_store::tasks::{self, Task, TaskFilter};
use gongkai_store::{StoreError, records};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::admin::forms::{field, parse_pairs, repeated};
use crate::auth::check_org;
use crate::forms::{RefusalStatus, step};
use crate::templates::ser;
use crate::view::code_labels;

/// The year shown (`?year=2026`, this year by default).
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    /// The year.
    pub year: Option<i32>,
}

/// A refusal to show on a page again: its status and its Chinese reason.
type Refused = Option<(StatusCode, String)>;

fn this_year() -> i32 {
    beijing_date(Utc::now()).year()
}

/// The organisations of the member's home site, in code order: the co-operating choices.
async fn site_orgs(desk: &Desk) -> Result<Vec<Organisation>, WebError> {
    let site = desk.home_site().await?;
    Ok(orgs::list(&desk.state.store)
        .await?
        .into_iter()
        .filter(|o| o.site_id == site.id)
        .collect())
}

/// The organisation `code` names if it is one where the member holds `permission`; the
/// refusal `task.org_out_of_scope` naming it otherwise (`task.lead_org_required` when blank).
pub async fn org_in_scope(
    desk: &Desk,
    permission: Permission,
    code: &str,
) -> Result<Result<Organisation, DomainError>, WebError> {
    if code.trim().is_empty() {
        return Ok(Err(DomainError::invalid(
            "lead_org",
            ErrorCode::TaskLeadOrgRequired,
        )));
    }
    let found = desk
        .scope(permission)
        .await?
        .into_iter()
        .find(|o| o.code.eq_ignore_ascii_case(code.trim()));
    Ok(found.ok_or_else(|| {
        DomainError::with(
            "lead_org",
            ErrorCode::TaskOrgOutOfScope,
            &[("org", &code.trim())],
        )
    }))
}

/// The task `id` if it is on the member's home site; 404 otherwise.
async fn on_site(desk: &Desk, id: i64) -> Result<Task, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::InputNotFound.refusal(&[("what", &"该任务")]));
    let task = match tasks::get(&desk.state.store, id).await {
        Ok(t) => t,
        Err(StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    if task.site_id != desk.home_site().await?.id {
        return Err(not_found());
    }
    Ok(task)
}

/// The published record a form names by its 索引号 (blank: none); refused when there is no
/// such public record on the site.
pub async fn public_record(
    desk: &Desk,
    site_id: i64,
    raw: &str,
) -> Result<Result<Option<i64>, DomainError>, WebError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Ok(None));
    }
    let refused = || {
        DomainError::with(
            "index_no",
            ErrorCode::TaskRecordNotPublic,
            &[("index_no", &raw)],
        )
    };
    let Ok(no) = IndexNo::parse(raw) else {
        return Ok(Err(refused()));
    };
    match records::by_index_no(&desk.state.store, &no).await {
        Ok(r) if r.is_public(Utc::now()) && r.site_id == site_id => Ok(Ok(Some(r.id))),
        Ok(_) | Err(StoreError::NotFound { .. }) => Ok(Err(refused())),
        Err(e) => Err(e.into()),
    }
}

/// The task form's fields as typed (or as stored), for the list's and the task page's forms.
fn task_form(pairs: &[(String, String)]) -> Value {
    context! {
        kind => field(pairs, "kind"), title => field(pairs, "title"), year => field(pairs, "year"),
        starts_on => field(pairs, "starts_on"), measures => field(pairs, "measures"),
        lead_org => field(pairs, "lead_org"), cooperating => repeated(pairs, "cooperating"),
    }
}

async fn list_page(
    desk: &Desk,
    year: i32,
    typed: &[(String, String)],
    refused: Refused,
) -> Result<Response, WebError> {
    let site = desk.home_site().await?;
    let filter = TaskFilter {
        site_id: site.id,
        year: Some(year),
        ..TaskFilter::default()
    };
    let list = tasks::list(&desk.state.store, &filter).await?;
    let (status, error) = refused.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let leads: Vec<Value> = desk
        .scope(Permission::DraftRecords)
        .await?
        .into_iter()
        .map(|o| context! { code => o.code, name => o.name })
        .collect();
    let orgs: Vec<Value> = site_orgs(desk)
        .await?
        .into_iter()
        .map(|o| context! { id => o.id.to_string(), name => o.name })
        .collect();
    desk.page(
        status,
        "admin/tasks.html",
        context! {
            year, years => (2019..=this_year() + 1).rev().collect::<Vec<_>>(),
            tasks => ser(&list), kinds => code_labels!(TaskKind::ALL), leads, orgs, error,
            form => task_form(typed),
        },
    )
    .await
}

/// `GET /admin/renwu`: the year's tasks of the member's site and the form for a new one.
pub async fn list(desk: Desk, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    list_page(&desk, q.year.unwrap_or_else(this_year), &[], None).await
}

/// The co-operating organisations a form ticks, kept to the member's site.
async fn cooperating(desk: &Desk, pairs: &[(String, String)]) -> Result<Vec<i64>, WebError> {
    let site: Vec<i64> = site_orgs(desk).await?.iter().map(|o| o.id).collect();
    Ok(repeated(pairs, "cooperating")
        .iter()
        .filter_map(|v| v.parse().ok())
        .filter(|id| site.contains(id))
        .collect())
}

/// Checks a task form: the task and its lead organisation within the member's drafting scope.
async fn checked_task(
    desk: &Desk,
    pairs: &[(String, String)],
) -> Result<Result<(rules::NewTask, Organisation), String>, WebError> {
    let draft = TaskDraft {
        kind: field(pairs, "kind").into(),
        title: field(pairs, "title").into(),
        year: field(pairs, "year").into(),
        starts_on: field(pairs, "starts_on").into(),
        measures: field(pairs, "measures").into(),
    };
    let lead = org_in_scope(desk, Permission::DraftRecords, field(pairs, "lead_org")).await?;
    Ok(match (draft.check(), lead) {
        (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        (Ok(new), Ok(lead)) => Ok((new, lead)),
    })
}

/// `POST /admin/renwu`: records a new task; a refusal shows the form again as typed.
pub async fn create(desk: Desk, body: Bytes) -> Result<Response, WebError> {
    crate::auth::check(&desk.staff, Permission::DraftRecords)?;
    let pairs = parse_pairs(&body);
    let (new, lead) = match checked_task(&desk, &pairs).await? {
        Ok(ok) => ok,
        Err(message) => {
            let year = field(&pairs, "year")
                .trim()
                .parse()
                .unwrap_or_else(|_| this_year());
            let refused = Some((StatusCode::BAD_REQUEST, message));
            return list_page(&desk, year, &pairs, refused).await;
        }
    };
    let coop = cooperating(&desk, &pairs).await?;
    let id = tasks::create(
        &desk.state.store,
        &desk.actor(),
        lead.site_id,
        lead.id,
        &coop,
        &new,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/renwu/{id}")).into_response())
}

/// Whether the member may draft for (and review in) the task's lead organisation.
async fn may(desk: &Desk, task: &Task, permission: Permission) -> Result<bool, WebError> {
    Ok(
        check_org(&desk.state, &desk.staff, permission, task.lead_org_id)
            .await
            .is_ok(),
    )
}

async fn task_page(desk: &Desk, task: &Task, refused: Refused) -> Result<Response, WebError> {
    let store = &desk.state.store;
    let today = beijing_date(Utc::now());
    let milestones: Vec<Value> = tasks::milestones(store, task.id)
        .await?
        .into_iter()
        .map(|m| {
            let overdue = rules::is_overdue(m.due_on, m.done_on, today);
            context! { overdue, ..ser(&m) }
        })
        .collect();
    let can_draft = may(desk, task, Permission::DraftRecords).await?;
    let can_review = may(desk, task, Permission::ReviewRecords).await?;
    let reports: Vec<Value> = tasks::reports(store, task.id)
        .await?
        .into_iter()
        .map(|r| {
            let own = r.author_id == desk.staff.id;
            let waiting = r.state == ReportState::Pending;
            let resubmit = matches!(r.state, ReportState::Draft | ReportState::Returned);
            context! {
                state_label => r.state.label(),
                can_submit => own && resubmit, can_review => can_review && !own && waiting,
                ..ser(&r)
            }
        })
        .collect();
    let mut linked = Vec::new();
    for id in tasks::linked_records(store, task.id).await? {
        let r = records::get(store, id).await?;
        linked.push(context! { title => r.title, index_no => r.index_no });
    }
    let evaluations: Vec<Value> = tasks::evaluations(store, task.id)
        .await?
        .into_iter()
        .map(|e| context! { kind_label => e.kind.label(), ..ser(&e) })
        .collect();
    let can_evaluate = can_draft || may(desk, task, Permission::Supervise).await?;
    let coop = tasks::cooperating(store, task.id).await?;
    let typed = [
        ("kind", task.kind.code().to_owned()),
        ("title", task.title.clone()),
        ("year", task.year.to_string()),
        ("starts_on", task.starts_on.to_string()),
        ("measures", task.measures.clone()),
        ("lead_org", task.lead_org_code.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(
        coop.iter()
            .map(|(id, _)| ("cooperating".to_owned(), id.to_string())),
    )
    .collect::<Vec<_>>();
    let leads: Vec<Value> = desk
        .scope(Permission::DraftRecords)
        .await?
        .into_iter()
        .map(|o| context! { code => o.code, name => o.name })
        .collect();
    let orgs: Vec<Value> = site_orgs(desk)
        .await?
        .into_iter()
        .map(|o| context! { id => o.id.to_string(), name => o.name })
        .collect();
    let (status, error) = refused.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    desk.page(
        status,
        "admin/task.html",
        context! {
            t => ser(task), kind_label => task.kind.label(), status_label => task.status.label(),
            open => task.status == rules::TaskStatus::Underway,
            cooperating => coop.into_iter().map(|(_, n)| n).collect::<Vec<_>>(),
            milestones, reports, linked, can_draft, can_review, error, today => today.to_string(),
            evaluations, can_evaluate, evaluation_kinds => code_labels!(EvaluationKind::ALL),
            form => task_form(&typed), kinds => code_labels!(TaskKind::ALL), leads, orgs,
        },
    )
    .await
}

/// `GET /admin/renwu/{id}`: the task with its milestones, reports, records and result.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let task = on_site(&desk, id).await?;
    task_page(&desk, &task, None).await
}

/// The answer to a step on task `id`: back to its page, or the page again with the reason.
async fn answer<T>(
    desk: &Desk,
    id: i64,
    result: Result<T, StoreError>,
) -> Result<Response, WebError> {
    match step(result, RefusalStatus::FORM_OR_STATE)? {
        Ok(_) => Ok(Redirect::to(&format!("/admin/renwu/{id}")).into_response()),
        Err(refused) => {
            let task = on_site(desk, id).await?;
            task_page(desk, &task, Some((refused.status, refused.message))).await
        }
    }
}

/// A refusal of the form before the store is asked.
async fn refuse(desk: &Desk, task: &Task, e: &DomainError) -> Result<Response, WebError> {
    task_page(desk, task, Some((StatusCode::BAD_REQUEST, e.to_string()))).await
}

/// The task `id` on the member's site, where they may draft.
async fn drafting(desk: &Desk, id: i64) -> Result<Task, WebError> {
    let task = on_site(desk, id).await?;
    check_org(
        &desk.state,
        &desk.staff,
        Permission::DraftRecords,
        task.lead_org_id,
    )
    .await?;
    Ok(task)
}

/// `POST /admin/renwu/{id}/edit`: changes the task (not once completed).
pub async fn edit(desk: Desk, Path(id): Path<i64>, body: Bytes) -> Result<Response, WebError> {
    let task = drafting(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let (new, lead) = match checked_task(&desk, &pairs).await? {
        Ok(ok) => ok,
        Err(message) => {
            return task_page(&desk, &task, Some((StatusCode::BAD_REQUEST, message))).await;
        }
    };
    let coop = cooperating(&desk, &pairs).await?;
    let done = tasks::update(&desk.state.store, &desk.actor(), id, lead.id, &coop, &new).await;
    answer(&desk, id, done).await
}

/// `POST /admin/renwu/{id}/milestones`: adds a milestone (`title`, `due_on`).
pub async fn add_milestone(
    desk: Desk,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    drafting(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let (title, due) = (field(&pairs, "title"), field(&pairs, "due_on"));
    let added = tasks::add_milestone(&desk.state.store, &desk.actor(), id, title, due).await;
    answer(&desk, id, added).await
}

/// `POST /admin/renwu/{id}/milestones/{milestone}/done`: marks a milestone done (`done_on`,
/// today by default).
pub async fn milestone_done(
    desk: Desk,
    Path((id, milestone)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let task = drafting(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let raw = field(&pairs, "done_on");
    let done_on = if raw.trim().is_empty() {
        beijing_date(Utc::now())
    } else {
        match rules::parse_date(raw, "done_on", ErrorCode::TaskMilestoneDueInvalid) {
            Ok(d) => d,
            Err(e) => return refuse(&desk, &task, &e).await,
        }
    };
    let done =
        tasks::complete_milestone(&desk.state.store, &desk.actor(), id, milestone, done_on).await;
    answer(&desk, id, done).await
}

/// `POST /admin/renwu/{id}/reports`: writes a progress report (`body`), saved as a draft or,
/// with `submit`, sent for review.
pub async fn add_report(
    desk: Desk,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    drafting(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let submit = field(&pairs, "submit") == "1";
    let added = tasks::add_report(
        &desk.state.store,
        &desk.actor(),
        desk.staff.id,
        id,
        field(&pairs, "body"),
        submit,
    )
    .await;
    answer(&desk, id, added).await
}

/// `POST /admin/renwu/{id}/reports/{report}`: a step on a report (`step` = `submit` by its
/// author, `approve` or `return` with `reason` by a reviewer of the lead organisation).
pub async fn report_step(
    desk: Desk,
    Path((id, report)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let task = on_site(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let Some(step) = ReportStep::parse(field(&pairs, "step")) else {
        return Err(WebError::BadRequest(
            ErrorCode::ValueUnrecognised.refusal(&[("value", &field(&pairs, "step"))]),
        ));
    };
    let needed = match step {
        ReportStep::Submit => Permission::DraftRecords,
        ReportStep::Approve | ReportStep::Return => Permission::ReviewRecords,
    };
    check_org(&desk.state, &desk.staff, needed, task.lead_org_id).await?;
    let done = tasks::report_step(
        &desk.state.store,
        &desk.actor(),
        desk.staff.id,
        id,
        report,
        step,
        field(&pairs, "reason"),
    )
    .await;
    answer(&desk, id, done).await
}

/// `POST /admin/renwu/{id}/records`: links a published record of the site by its 索引号.
pub async fn link_record(
    desk: Desk,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let task = drafting(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let raw = field(&pairs, "index_no");
    let record = match public_record(&desk, task.site_id, raw).await? {
        Ok(Some(r)) => r,
        Ok(None) => {
            let e = DomainError::with(
                "index_no",
                ErrorCode::TaskRecordNotPublic,
                &[("index_no", &raw)],
            );
            return refuse(&desk, &task, &e).await;
        }
        Err(e) => return refuse(&desk, &task, &e).await,
    };
    let linked = tasks::link_record(&desk.state.store, &desk.actor(), id, record).await;
    answer(&desk, id, linked).await
}

/// `POST /admin/renwu/{id}/complete`: publishes the result (`result`) and closes the task.
pub async fn complete(desk: Desk, Path(id): Path<i64>, body: Bytes) -> Result<Response, WebError> {
    drafting(&desk, id).await?;
    let pairs = parse_pairs(&body);
    let today = beijing_date(Utc::now());
    let done = tasks::complete(
        &desk.state.store,
        &desk.actor(),
        id,
        field(&pairs, "result"),
        today,
    )
    .await;
    answer(&desk, id, done).await
}

/// `POST /admin/renwu/{id}/evaluations`: attaches a third-party evaluation or survey (`kind`,
/// `evaluator`, `concluded_on`, `conclusion`, `index_no` of its published report), by drafting
/// staff of the lead organisation or the openness office; a completed task too.
pub async fn add_evaluation(
    desk: Desk,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let task = on_site(&desk, id).await?;
    if !may(&desk, &task, Permission::DraftRecords).await? {
        check_org(
            &desk.state,
            &desk.staff,
            Permission::Supervise,
            task.lead_org_id,
        )
        .await?;
    }
    let pairs = parse_pairs(&body);
    let draft = EvaluationDraft {
        kind: field(&pairs, "kind").into(),
        evaluator: field(&pairs, "evaluator").into(),
        concluded_on: field(&pairs, "concluded_on").into(),
        conclusion: field(&pairs, "conclusion").into(),
    };
    let new = match draft.check(beijing_date(Utc::now())) {
        Ok(new) => new,
        Err(e) => return refuse(&desk, &task, &e).await,
    };
    let record = match public_record(&desk, task.site_id, field(&pairs, "index_no")).await? {
        Ok(record) => record,
        Err(e) => return refuse(&desk, &task, &e).await,
    };
    let added = tasks::add_evaluation(&desk.state.store, &desk.actor(), id, &new, record).await;
    answer(&desk, id, added).await
}

/// The milestones overdue today of the tasks led within the member's 督办 scope, for the
/// dashboard (empty without `Supervise`).
pub async fn overdue_for_dashboard(
    state: &crate::state::AppState,
    staff: &gongkai_store::users::Staff,
) -> Result<Vec<Value>, WebError> {
    if !staff.grants.allows(Permission::Supervise, &[]) {
        return Ok(Vec::new());
    }
    let ids = crate::auth::scope_ids(state, staff, Permission::Supervise).await?;
    let today = beijing_date(Utc::now());
    Ok(tasks::overdue_milestones(&state.store, &ids, today)
        .await?
        .into_iter()
        .map(|m| {
            let late = (today - m.due_on).num_days();
            context! { late, ..ser(&m) }
        })
        .collect())
}
