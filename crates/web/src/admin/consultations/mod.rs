//! `/admin/zhengji`: consultations for staff — editors draft (text, 起草说明, attachments,
//! period); reviewers open and close them, moderate comments (先审后发, reasons kept), write
//! the per-comment feedback, publish the report and link the final decision's record.

pub mod draft;
pub mod feedback;

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::consultation::{self as rules, ConsultationAction, Moderation};
use gongkai_domain::role::Permission;
use gongkai_domain::time::display_minute;
use gongkai_store::consultations::{self, Consultation};
use gongkai_store::users::Staff;
use gongkai_store::{StoreError, orgs, records};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::auth::{check_in, scope};
use crate::forms::{RefusalStatus, respond_step};
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

/// The consultations with comments waiting for this reviewer's moderation (先审后发):
/// `(id, title, comments waiting)` — the dashboard's list.
pub async fn to_moderate(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<(i64, String, usize)>, WebError> {
    let ids: Vec<i64> = scope(state, staff, Permission::ReviewRecords)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let list = consultations::list_for_orgs(&state.store, &ids).await?;
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    let counts = consultations::comment_counts(&state.store, &ids).await?;
    Ok(list
        .into_iter()
        .filter_map(|c| {
            let waiting = counts.get(&c.id).map_or(0, |&(_, waiting)| waiting);
            (waiting > 0).then_some((c.id, c.title, waiting))
        })
        .collect())
}

/// `GET /admin/zhengji`: the consultations of the organisations the member drafts or reviews for.
pub async fn list(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let mut ids: Vec<i64> = scope(&state, &staff, Permission::DraftRecords)
        .await?
        .iter()
        .chain(
            scope(&state, &staff, Permission::ReviewRecords)
                .await?
                .iter(),
        )
        .map(|o| o.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let now = Utc::now();
    let list = consultations::list_for_orgs(&state.store, &ids).await?;
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    let counts = consultations::comment_counts(&state.store, &ids).await?;
    let mut rows = Vec::new();
    for c in list {
        let (comments, pending) = counts.get(&c.id).copied().unwrap_or_default();
        rows.push(context! {
            id => c.id, title => &c.title, org_name => &c.org_name,
            status => c.effective_status(now).label(),
            opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
            comments => comments, pending => pending,
        });
    }
    state
        .page(&ctx, "admin/consultations.html", context! { rows => rows })
        .await
}

async fn load(
    state: &AppState,
    staff: &Staff,
    id: i64,
    permission: Permission,
) -> Result<Consultation, WebError> {
    let c = consultations::get(&state.store, id).await?;
    let chain = orgs::chain(&state.store, c.org_id).await?;
    if !(staff.grants.allows(Permission::DraftRecords, &chain)
        || staff.grants.allows(Permission::ReviewRecords, &chain))
    {
        return Err(WebError::Forbidden(permission.label()));
    }
    check_in(staff, permission, &chain)?;
    Ok(c)
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    c: &Consultation,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let chain = orgs::chain(&state.store, c.org_id).await?;
    let units = rules::split_articles(&c.draft_text);
    let label_of = |n: i64| {
        units
            .iter()
            .find(|u| u.kind == rules::UnitKind::Article && i64::from(u.number) == n)
            .map_or_else(|| "全文".to_owned(), |u| u.label.clone())
    };
    let comments: Vec<Value> = consultations::comments(&state.store, c.id)
        .await?
        .into_iter()
        .map(|m| {
            context! {
                id => m.id, code => &m.tracking_code, article => label_of(m.article_no), body => &m.body,
                name => &m.name, contact => &m.contact, at => display_minute(m.created_at),
                moderation => m.moderation.label(),
                pending => m.moderation == Moderation::Pending, reason => &m.reject_reason,
                adoption => m.adoption.map(|a| a.label()).unwrap_or_default(),
                findings => ser(&m.findings),
            }
        })
        .collect();
    let files: Vec<Value> = consultations::files(&state.store, c.id)
        .await?
        .into_iter()
        .map(|f| context! { name => f.file_name, size => crate::view::format::human_size(f.size_bytes) })
        .collect();
    let decision = match c.decision_record_id {
        Some(rid) => records::get(&state.store, rid).await.ok().map(|r| {
            context! { public => r.is_public(now), title => r.title, index_no => r.index_no }
        }),
        None => None,
    };
    let stored = c.status;
    let period = c.period();
    state
        .page_with_status(
            ctx,
            status,
            "admin/consultation.html",
            context! {
                c => ser(c), error => error, files => files, comments => comments, decision => decision,
                status => c.effective_status(now).label(), stored => stored.code(),
                opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
                days => period.days(), short => period.is_short(),
                articles => rules::article_numbers(&units).len(),
                period_over => now >= period.closes_at,
                can_draft => staff.grants.allows(Permission::DraftRecords, &chain),
                can_review => staff.grants.allows(Permission::ReviewRecords, &chain),
                public_url => stored.is_public().then(|| crate::view::urls::consultation_url(c.id)),
            },
        )
        .await
}

/// `GET /admin/zhengji/{id}`.
pub async fn show(
    Desk { state, ctx, staff, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::EnterBackOffice).await?;
    render(&state, &ctx, &staff, &c, StatusCode::OK, None).await
}

/// Re-renders the page with a refusal, or redirects back after success.
async fn after(desk: &Desk, id: i64, result: Result<(), StoreError>) -> Result<Response, WebError> {
    let Desk { state, ctx, staff, .. } = desk;
    respond_step(
        result,
        RefusalStatus::FORM_OR_STATE,
        |()| format!("/admin/zhengji/{id}"),
        async |no| {
            let c = consultations::get(&state.store, id).await?;
            render(state, ctx, staff, &c, no.status, Some(no.message)).await
        },
    )
    .await
}

/// The state-change form.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    action: String,
}

/// `POST /admin/zhengji/{id}/status`: open (发布) or close (截止) the consultation.
pub async fn change_status(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, WebError> {
    load(&desk.state, &desk.staff, id, Permission::ReviewRecords).await?;
    let action = match f.action.as_str() {
        "open" => ConsultationAction::Open,
        "close" => ConsultationAction::Close,
        _ => {
            return Err(WebError::BadRequest(
                ErrorCode::ConsultationActionUnknown.into(),
            ));
        }
    };
    let r = consultations::transition(&desk.state.store, &desk.actor(), id, action, Utc::now())
        .await
        .map(|_| ());
    after(&desk, id, r).await
}
