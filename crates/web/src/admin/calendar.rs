//! `/admin/calendar`: the working-day calendar in force — shipped national years, years and
//! regional holidays an administrator added — the form to add a year, and each site's region
//! (whose holidays, such as Xinjiang's 肉孜节 and 古尔邦节, count towards its deadlines). Adding
//! data or changing a region recomputes the due date of every open application, audited.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::role::Permission;
use gongkai_store::{Actor, StoreError, applications, calendar, orgs};
use minijinja::context;
use serde::Deserialize;

use crate::WebError;
use crate::auth::{scope, scope_ids};
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

/// The year whose national schedule should be imported now (see
/// [`gongkai_domain::calendar::Calendar::year_to_import`]): until then deadlines over it are
/// provisional.
pub async fn next_year_missing(state: &AppState) -> Result<Option<i32>, WebError> {
    let today = gongkai_domain::time::beijing_date(chrono::Utc::now());
    Ok(calendar::load(&state.store).await?.year_to_import(today))
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    error: Option<String>,
    json: &str,
    region: &str,
    region_error: Option<String>,
) -> Result<Response, WebError> {
    let cal = calendar::load(&state.store).await?;
    let years: Vec<i32> = cal.years().collect();
    let stored = calendar::stored_years(&state.store).await?;
    let regions: Vec<String> = cal.regions().map(|r| r.as_str().to_owned()).collect();
    // Only the sites this administrator manages (a deployment may host several counties).
    let managed = match &ctx.staff {
        Some(staff) => scope_ids(state, staff, Permission::ManageSite).await?,
        None => Vec::new(),
    };
    let mut sites = Vec::new();
    for site in orgs::sites(&state.store)
        .await?
        .into_iter()
        .filter(|s| managed.contains(&s.id))
    {
        let region = applications::region_of_site(&state.store, &site.code).await?;
        sites.push(context! {
            code => site.code, name => site.name,
            region => region.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        });
    }
    state
        .page_with_status(
            ctx,
            status,
            "admin/calendar.html",
            context! {
                first => years.first(), last => years.last(), stored => ser(&stored), error => error,
                json => json, region => region, missing => next_year_missing(state).await?,
                regions => regions, sites => sites, region_error => region_error,
            },
        )
        .await
}

/// `GET /admin/calendar`.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    render(&state, &ctx, StatusCode::OK, None, "", "", None).await
}

/// The import form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    json: String,
    region: String,
}

/// The region a form names: none when the field is empty, or why the code is refused.
fn region_of(
    raw: &str,
) -> Result<Option<gongkai_domain::calendar::RegionCode>, gongkai_domain::calendar::CalendarError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    gongkai_domain::calendar::RegionCode::parse(raw).map(Some)
}

/// `POST /admin/calendar`: adds or replaces a year, then recomputes open deadlines.
pub async fn import(desk: Desk, Form(f): Form<ImportForm>) -> Result<Response, WebError> {
    let Desk { state, ctx, .. } = &desk;
    let refuse = |msg: String| {
        let status = StatusCode::BAD_REQUEST;
        render(state, ctx, status, Some(msg), &f.json, &f.region, None)
    };
    let region = match region_of(&f.region) {
        Ok(region) => region,
        Err(e) => return refuse(e.to_string()).await,
    };
    let actor = desk.actor();
    match calendar::import_year(&state.store, &actor, region.as_ref(), &f.json).await {
        Ok(_) => {
            calendar::recompute_deadlines(&state.store, &actor).await?;
            Ok(Redirect::to("/admin/calendar").into_response())
        }
        Err(StoreError::Conflict(msg)) => refuse(msg.message).await,
        Err(e) => Err(e.into()),
    }
}

/// The region form: a site and its region code (empty: national holidays only).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegionForm {
    site: String,
    region: String,
}

/// `POST /admin/calendar/region`: sets the region whose holidays count for a site (only a
/// region the calendar has data for), audited, then recomputes open deadlines.
pub async fn set_region(
    Desk { state, ctx, staff, ip }: Desk,
    Form(f): Form<RegionForm>,
) -> Result<Response, WebError> {
    let refuse = |msg: String| {
        let status = StatusCode::BAD_REQUEST;
        render(&state, &ctx, status, None, "", "", Some(msg))
    };
    let region = match region_of(&f.region) {
        Ok(region) => region,
        Err(e) => return refuse(e.to_string()).await,
    };
    let managed = scope(&state, &staff, Permission::ManageSite).await?;
    if !managed
        .iter()
        .any(|o| o.parent_id.is_none() && o.code.eq_ignore_ascii_case(f.site.trim()))
    {
        return refuse(ErrorCode::SiteOutOfScope.message()).await;
    }
    let actor = Actor::user(&staff.username, &ip);
    match applications::set_site_region(&state.store, &actor, Some(f.site.trim()), region.as_ref())
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/calendar").into_response()),
        Err(StoreError::Conflict(r)) => refuse(r.message).await,
        Err(StoreError::NotFound { .. }) => refuse(ErrorCode::SiteRequired.message()).await,
        Err(StoreError::Domain(e)) => refuse(e.to_string()).await,
        Err(e) => Err(e.into()),
    }
}
