//! `/admin/calendar`: the working-day calendar in force — shipped national years, years and
//! regional holidays an administrator added — and the form to add a year. Adding data
//! recomputes the due date of every open application, audited.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use gongkai_store::{Actor, StoreError, applications, calendar};
use minijinja::context;
use serde::Deserialize;

use crate::WebError;
use crate::auth::CurrentStaff;
use crate::client_ip::ClientIp;
use crate::state::AppState;
use crate::templates::{PageCtx, ser};

/// Whether next year's national schedule is missing while we are in its run-up (October on):
/// deadlines that cross New Year cannot be computed until an administrator adds it.
pub async fn next_year_missing(state: &AppState) -> Result<Option<i32>, WebError> {
    let today = gongkai_domain::time::beijing_date(chrono::Utc::now());
    let next = today.year() + 1;
    let cal = calendar::load(&state.store).await?;
    Ok((today.month() >= 10 && cal.year(next).is_none()).then_some(next))
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    error: Option<String>,
    json: &str,
    region: &str,
) -> Result<Response, WebError> {
    let cal = calendar::load(&state.store).await?;
    let years: Vec<i32> = cal.years().collect();
    let stored = calendar::stored_years(&state.store).await?;
    state
        .page_with_status(
            ctx,
            status,
            "admin/calendar.html",
            context! {
                first => years.first(), last => years.last(), stored => ser(&stored), error => error,
                json => json, region => region, missing => next_year_missing(state).await?,
            },
        )
        .await
}

/// `GET /admin/calendar`.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    render(&state, &ctx, StatusCode::OK, None, "", "").await
}

/// The import form.
#[derive(Debug, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    json: String,
    #[serde(default)]
    region: String,
}

/// `POST /admin/calendar`: adds or replaces a year, then recomputes open deadlines.
pub async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(f): Form<ImportForm>,
) -> Result<Response, WebError> {
    let region = if f.region.trim().is_empty() {
        None
    } else {
        match gongkai_domain::calendar::RegionCode::parse(&f.region) {
            Ok(r) => Some(r),
            Err(e) => {
                return render(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    Some(e.to_string()),
                    &f.json,
                    &f.region,
                )
                .await;
            }
        }
    };
    let actor = Actor::user(&staff.username, &ip);
    match calendar::import_year(&state.store, &actor, region.as_ref(), &f.json).await {
        Ok(_) => {
            applications::recompute_open(&state.store, &actor).await?;
            Ok(Redirect::to("/admin/calendar").into_response())
        }
        Err(StoreError::Conflict(msg)) => {
            render(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                Some(msg),
                &f.json,
                &f.region,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
