//! `/admin/data-access`: requests for access to 有条件开放 datasets as the owning organisations
//! handle them — the list (pending first by due date, the overdue marked), one request with its
//! applicant and timeline, the decision (同意 with the period granted, or 不予同意 with a reason),
//! and the site's answer limit in working days (政务公开办).

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use gongkai_domain::data_access::{
    AccessEvent, DEFAULT_LIMIT_WORKING_DAYS, Decision, LIMIT_SETTING_KEY,
};
use gongkai_domain::role::Permission;
use gongkai_domain::time::beijing_date;
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_store::cases::{self, RecordedEvent};
use gongkai_store::data_access::{self, DataAccessRequest};
use gongkai_store::{StoreError, orgs, settings};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::auth::scope_ids;
use crate::templates::ser;

fn row(r: &DataAccessRequest, today: NaiveDate) -> Value {
    context! {
        id => r.id, tracking_code => &r.tracking_code, dataset => &r.dataset_title,
        org => &r.org_name, applicant => &r.name, status => r.shown_status(today),
        received_on => ser(&r.received_on), due_on => ser(&r.due_on),
        due_provisional => r.due_provisional, overdue => r.overdue(today),
        granted_to => ser(&r.granted_to),
    }
}

/// `GET /admin/data-access`: the requests to the staff member's organisations, pending first by
/// due date (the overdue lead and are marked), then the decided ones.
pub async fn list(desk: Desk) -> Result<Response, WebError> {
    let ids = scope_ids(&desk.state, &desk.staff, Permission::HandleCases).await?;
    let today = beijing_date(Utc::now());
    let all = data_access::for_orgs(&desk.state.store, &ids).await?;
    let rows: Vec<Value> = all.iter().map(|r| row(r, today)).collect();
    let overdue = all.iter().filter(|r| r.overdue(today)).count();
    let site = desk.home_site().await?;
    let limit = data_access::limit_for(&desk.state.store, site.id).await?;
    desk.page(
        StatusCode::OK,
        "admin/data_access.html",
        context! { rows, overdue, limit, default_limit => DEFAULT_LIMIT_WORKING_DAYS },
    )
    .await
}

/// Request `id` if one of the staff member's organisations (where they handle cases) owns it.
async fn load(desk: &Desk, id: i64) -> Result<DataAccessRequest, WebError> {
    let r = data_access::get(&desk.state.store, id).await?;
    let chain = orgs::chain(&desk.state.store, r.org_id).await?;
    if !desk.staff.grants.allows(Permission::HandleCases, &chain) {
        return Err(WebError::Forbidden(Permission::HandleCases.label()));
    }
    Ok(r)
}

async fn render(
    desk: &Desk,
    r: &DataAccessRequest,
    status: StatusCode,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let steps: Vec<RecordedEvent<AccessEvent>> =
        cases::events(&desk.state.store, &data_access::EVENTS, r.id).await?;
    let steps: Vec<Value> = steps
        .iter()
        .map(|s| context! { at => crate::view::format::day_of(s.at), actor => &s.actor, label => s.event.describe() })
        .collect();
    let today = beijing_date(Utc::now());
    desk.page(
        status,
        "admin/data_access_show.html",
        context! {
            r => ser(r), status => r.shown_status(today), overdue => r.overdue(today),
            kind => r.applicant_kind.label(), steps, errors => ser(errors),
            pending => r.status == gongkai_domain::data_access::AccessStatus::Pending,
        },
    )
    .await
}

/// `GET /admin/data-access/{id}`: one request.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let r = load(&desk, id).await?;
    render(&desk, &r, StatusCode::OK, &FieldErrors::new()).await
}

/// The decision form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    /// `approve` or `refuse`.
    decision: String,
    /// First day granted.
    granted_from: String,
    /// Last day granted.
    granted_to: String,
    /// Why refused.
    reason: String,
}

fn day(errors: &mut FieldErrors, field: &'static str, raw: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errors.insert(field, ErrorCode::DataAccessPeriodInvalid);
    }
    d
}

/// `POST /admin/data-access/{id}/decide`: 同意 with the period granted, or 不予同意 with a reason;
/// refused steps show the form again with the reason beside its field.
pub async fn decide(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, WebError> {
    let r = load(&desk, id).await?;
    let mut errors = FieldErrors::new();
    let decision = match f.decision.as_str() {
        "approve" => {
            let from = day(&mut errors, "granted_from", &f.granted_from);
            let to = day(&mut errors, "granted_to", &f.granted_to);
            from.zip(to)
                .map(|(from, to)| Decision::Approve { from, to })
        }
        "refuse" => Some(Decision::Refuse { reason: f.reason.clone() }),
        _ => {
            errors.insert("decision", ErrorCode::DataAccessReasonRequired);
            None
        }
    };
    let Some(decision) = decision else {
        return render(&desk, &r, StatusCode::BAD_REQUEST, &errors).await;
    };
    let today = beijing_date(Utc::now());
    match data_access::decide(&desk.state.store, &desk.actor(), id, &decision, today).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/data-access/{id}")).into_response()),
        Err(StoreError::Domain(e)) => {
            let field = match e.field() {
                "period_to" | "period_from" => "granted_to",
                "reason" => "reason",
                _ => "decision",
            };
            errors.insert(field, e);
            let r = data_access::get(&desk.state.store, id).await?;
            render(&desk, &r, StatusCode::CONFLICT, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The answer limit form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LimitForm {
    /// Working days, 1 to 60.
    limit: String,
}

/// `POST /admin/data-access/limit`: the site's answer limit in working days (1–60), audited as a
/// setting change.
pub async fn set_limit(desk: Desk, Form(f): Form<LimitForm>) -> Result<Response, WebError> {
    let days = match f.limit.trim().parse::<u32>() {
        Ok(d) if (1..=60).contains(&d) => d,
        _ => return Err(WebError::BadRequest(ErrorCode::DataAccessLimitRange.into())),
    };
    let site = desk.home_site().await?;
    // The limit is the site's: only one who supervises the site itself sets it.
    crate::auth::check_org(&desk.state, &desk.staff, Permission::Supervise, site.id).await?;
    let key = settings::site_key(LIMIT_SETTING_KEY, Some(site.code.as_str()));
    settings::set(&desk.state.store, &desk.actor(), &key, &days.to_string()).await?;
    Ok(Redirect::to("/admin/data-access").into_response())
}
