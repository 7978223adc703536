//! `/admin/yuqing`: public-opinion events (政务舆情) for the openness office — registration,
//! the clocks (5 h / 24 h for 特别重大 and 重大, 48 h for the others) as they stand now, the
//! timeline of responses (each may link a published record), closing with an evaluation.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::opinion::{self as rules, Clock, ResponseKind, Severity};
use gongkai_domain::role::Permission;
use gongkai_domain::time::{display_minute, form_minute, parse_beijing_minute};
use gongkai_store::opinions::{self, NewEvent, NewResponse, OpinionEvent};
use gongkai_store::users::Staff;
use gongkai_store::{StoreError, orgs, records};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::admin::forms::org_named;
use crate::auth::{check_in, scope, scope_ids};
use crate::forms::{FieldRefusals, saved};
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;
use gongkai_domain::FieldErrors;

/// How a clock is shown.
pub fn clock_view(c: &Clock) -> Value {
    let running = c.met_at.is_none();
    context! {
        label => c.kind.label(), due_at => display_minute(c.due_at),
        met_at => c.met_at.map(display_minute), state => c.state.label(), state_code => c.state.code(),
        attention => c.state.needs_attention(),
        left => running.then(|| rules::describe_left(c.minutes_left)),
    }
}

/// An event with its clocks at `now`, for lists and the dashboard.
pub async fn event_view(
    state: &AppState,
    e: &OpinionEvent,
    now: DateTime<Utc>,
) -> Result<(Value, rules::ClockState), WebError> {
    let clocks = opinions::clocks_of(&state.store, e, now).await?;
    let worst = rules::worst(&clocks);
    let open = e.status == rules::OpinionStatus::Open;
    Ok((
        context! {
            id => e.id, title => &e.title, org_name => &e.org_name, source => &e.source,
            severity => e.severity.label(),
            first_seen => display_minute(e.first_seen_at),
            status => e.status.label(),
            open => open, worst => worst.label(), worst_code => worst.code(),
            attention => open && worst.needs_attention(),
            clocks => clocks.iter().map(clock_view).collect::<Vec<_>>(),
        },
        worst,
    ))
}

/// Open events whose clocks need attention now (overdue or due soon), worst first.
pub async fn needing_attention(state: &AppState, staff: &Staff) -> Result<Vec<Value>, WebError> {
    let now = Utc::now();
    let ids = scope_ids(state, staff, Permission::Supervise).await?;
    let mut out = Vec::new();
    for e in opinions::list_for_orgs(&state.store, &ids, false).await? {
        let (view, worst) = event_view(state, &e, now).await?;
        if worst.needs_attention() {
            out.push((worst, view));
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.0));
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// `GET /admin/yuqing`: open events first, with their clocks.
pub async fn list(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let now = Utc::now();
    let ids = scope_ids(&state, &staff, Permission::Supervise).await?;
    let mut rows = Vec::new();
    for e in opinions::list_for_orgs(&state.store, &ids, true).await? {
        rows.push(event_view(&state, &e, now).await?.0);
    }
    state
        .page(&ctx, "admin/opinions.html", context! { rows => rows })
        .await
}

/// The registration form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct EventForm {
    org: String,
    title: String,
    source: String,
    summary: String,
    first_seen_at: String,
    severity: String,
}

async fn render_form(
    desk: &Desk,
    status: StatusCode,
    form: &EventForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = desk;
    let all = orgs::list(&state.store).await?;
    let allowed = scope(state, staff, Permission::Supervise).await?;
    let choices = code_labels!(Severity::ALL);
    let orgs: Vec<_> = all
        .into_iter()
        .filter(|o| allowed.iter().any(|a| a.id == o.id))
        .collect();
    desk.page(
        status,
        "admin/opinion_form.html",
        context! { form => ser(form), errors => ser(errors), orgs => ser(&orgs), severities => ser(&choices) },
    )
    .await
}

/// `GET /admin/yuqing/new`.
pub async fn new_form(desk: Desk) -> Result<Response, WebError> {
    let form = EventForm {
        org: desk.staff.org_code.clone(),
        first_seen_at: form_minute(Utc::now()),
        severity: Severity::General.code().into(),
        ..EventForm::default()
    };
    render_form(&desk, StatusCode::OK, &form, &FieldErrors::new()).await
}

/// `POST /admin/yuqing/new`: registers the event; its clocks start at the first-seen time.
pub async fn create(desk: Desk, Form(f): Form<EventForm>) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    let mut errors = FieldErrors::new();
    let org = org_named(state, staff, Permission::Supervise, &f.org).await?;
    if org.is_none() {
        errors.insert("org", ErrorCode::OpinionOrgRequired);
    }
    let severity = Severity::parse(&f.severity).ok();
    if severity.is_none() {
        errors.insert("severity", ErrorCode::OpinionSeverityRequired);
    }
    let first_seen = parse_beijing_minute(&f.first_seen_at);
    if first_seen.is_none() {
        errors.insert("first_seen_at", ErrorCode::OpinionFirstSeenRequired);
    }
    let now = Utc::now();
    if let (Some(t), true) = (first_seen, errors.is_empty())
        && let Err(e) = rules::check_registration(&f.title, &f.source, &f.summary, t, now)
    {
        gongkai_domain::error::record_field_error(&mut errors, e);
    }
    match (errors.is_empty(), org, severity, first_seen) {
        (true, Some(org), Some(severity), Some(first_seen)) => {
            let new = NewEvent {
                org_id: org.id,
                title: f.title.clone(),
                source: f.source.clone(),
                summary: f.summary.clone(),
                first_seen,
                severity,
            };
            let id = opinions::register(&state.store, &desk.actor(), &new, now).await?;
            Ok(Redirect::to(&format!("/admin/yuqing/{id}")).into_response())
        }
        _ => render_form(&desk, StatusCode::BAD_REQUEST, &f, &errors).await,
    }
}

async fn load(state: &AppState, staff: &Staff, id: i64) -> Result<OpinionEvent, WebError> {
    let e = opinions::get(&state.store, id).await?;
    let chain = orgs::chain(&state.store, e.org_id).await?;
    check_in(staff, Permission::Supervise, &chain)?;
    Ok(e)
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    e: &OpinionEvent,
    status: StatusCode,
    errors: &FieldErrors,
    typed: Option<&ResponseForm>,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let (view, _) = event_view(state, e, now).await?;
    let mut timeline = Vec::new();
    for r in opinions::responses(&state.store, e.id).await? {
        let record = match r.record_id {
            Some(rid) => records::get(&state.store, rid).await.ok().and_then(|rec| {
                rec.index_no.as_deref().map(|i| {
                    context! { title => rec.title.clone(), url => crate::view::urls::record_url(i) }
                })
            }),
            None => None,
        };
        timeline.push(context! {
            kind => r.kind.label(),
            at => display_minute(r.at), note => &r.note, actor => &r.actor, record => record,
        });
    }
    let kinds = code_labels!(ResponseKind::ALL);
    let default_form = ResponseForm {
        at: form_minute(now),
        kind: ResponseKind::Authoritative.code().into(),
        ..ResponseForm::default()
    };
    state
        .page_with_status(
            ctx,
            status,
            "admin/opinion.html",
            context! {
                e => view, summary => &e.summary, evaluation => &e.evaluation,
                closed_at => e.closed_at.map(display_minute), registered_by => &e.registered_by,
                timeline => timeline, kinds => ser(&kinds), errors => ser(errors),
                form => ser(typed.unwrap_or(&default_form)),
            },
        )
        .await
}

/// `GET /admin/yuqing/{id}`.
pub async fn show(
    Desk { state, ctx, staff, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let e = load(&state, &staff, id).await?;
    render(&state, &ctx, &e, StatusCode::OK, &FieldErrors::new(), None).await
}

/// The response form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct ResponseForm {
    kind: String,
    at: String,
    note: String,
    index_no: String,
}

/// `POST /admin/yuqing/{id}/responses`: adds a response to the timeline.
pub async fn respond(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<ResponseForm>,
) -> Result<Response, WebError> {
    let Desk { state, ctx, staff, .. } = &desk;
    let e = load(state, staff, id).await?;
    let mut errors = FieldErrors::new();
    let kind = ResponseKind::parse(&f.kind).ok();
    if kind.is_none() {
        errors.insert("kind", ErrorCode::OpinionResponseKindRequired);
    }
    let at = parse_beijing_minute(&f.at);
    if at.is_none() {
        errors.insert("at", ErrorCode::OpinionResponseTimeRequired);
    }
    let mut record_id = None;
    if !f.index_no.trim().is_empty() {
        let found = match IndexNo::parse(&f.index_no) {
            Ok(no) => match records::by_index_no(&state.store, &no).await {
                Ok(r) if r.is_public(Utc::now()) => Some(r.id),
                Ok(_) | Err(StoreError::NotFound { .. }) => None,
                Err(err) => return Err(err.into()),
            },
            Err(_) => None,
        };
        if found.is_none() {
            errors.insert("index_no", ErrorCode::OpinionRecordNotFound);
        }
        record_id = found;
    }
    if let (true, Some(kind), Some(at)) = (errors.is_empty(), kind, at) {
        let new = NewResponse {
            kind,
            at,
            note: f.note.clone(),
            record_id,
        };
        let added = opinions::respond(&state.store, &desk.actor(), id, &new, Utc::now()).await;
        if saved(added, &mut errors, FieldRefusals::rules())?.is_some() {
            return Ok(Redirect::to(&format!("/admin/yuqing/{id}")).into_response());
        }
    }
    render(state, ctx, &e, StatusCode::BAD_REQUEST, &errors, Some(&f)).await
}

/// The closing form.
#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    evaluation: String,
}

/// `POST /admin/yuqing/{id}/close`: closes the event with its evaluation note.
pub async fn close(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> Result<Response, WebError> {
    let Desk { state, ctx, staff, .. } = &desk;
    let e = load(state, staff, id).await?;
    let closed = opinions::close(&state.store, &desk.actor(), id, &f.evaluation).await;
    let mut errors = FieldErrors::new();
    if saved(closed, &mut errors, FieldRefusals::rules())?.is_some() {
        return Ok(Redirect::to(&format!("/admin/yuqing/{id}")).into_response());
    }
    render(state, ctx, &e, StatusCode::BAD_REQUEST, &errors, None).await
}
