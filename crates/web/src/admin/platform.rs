//! `/admin/platform`: the deployment administrator's pages (平台管理), above the sites. The
//! health page shows what is cheap and true about the platform; `/admin/platform/sites` lists
//! every site with its host names and counts, adds a site together with its first administrator
//! (and a host name), and adds or removes host names. Only a platform grant carries
//! `ManageSites` and `ViewPlatformHealth`, so a county's administrator gets 403 here.

use std::time::Instant;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::org::{OrgCode, OrgName};
use gongkai_domain::site::HostName;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_store::platform::{self, NewSite};
use gongkai_store::{StoreError, sites};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::admin::desk::Desk;
use crate::admin::forms::checked;
use crate::templates::ser;

/// When this process started serving, for the health page's uptime.
static STARTED: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);

/// Notes the time the server starts (called when the routes are built), so uptime counts from
/// there rather than from the first visit to the health page.
pub fn mark_start() {
    std::sync::LazyLock::force(&STARTED);
}

/// `GET /admin/platform`: the platform's health — the database, every site's counts, the
/// change feed's head and how far this node's search index lags it, the mail outbox, sealed
/// query passwords waiting to be hashed, and uptime.
pub async fn health(desk: Desk) -> Result<Response, WebError> {
    let Desk { state, .. } = &desk;
    let reachable = state.store.ping().await.is_ok();
    let (sites, figures) = if reachable {
        (
            platform::sites(&state.store).await?,
            Some(platform::health(&state.store).await?),
        )
    } else {
        (Vec::new(), None)
    };
    // An index that has applied nothing (or whose position cannot be read) lags by the whole feed.
    let indexed = state
        .search
        .as_ref()
        .and_then(|index| index.last_applied_feed_id().ok().flatten());
    let lag = figures
        .as_ref()
        .map(|f| (f.feed_head - indexed.unwrap_or(0)).max(0));
    let uptime = STARTED.elapsed().as_secs();
    desk.page(
        StatusCode::OK,
        "admin/platform.html",
        context! {
            engine => state.store.engine().name(), reachable => reachable,
            sites => ser(&sites), health => ser(&figures), search_lag => lag,
            uptime => uptime_label(uptime), version => env!("CARGO_PKG_VERSION"),
        },
    )
    .await
}

/// `3 天 4 小时 5 分` (days only when there are some).
fn uptime_label(secs: u64) -> String {
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    if days > 0 {
        format!("{days} 天 {hours} 小时 {minutes} 分")
    } else {
        format!("{hours} 小时 {minutes} 分")
    }
}

/// The add-a-site form, as typed (the password is never shown again).
#[derive(Debug, Default, Serialize, Deserialize, Clone)]
pub struct SiteForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default, skip_serializing)]
    password: String,
}

/// The sites page with `form` in the add panel and `errors` beside its fields; `host_error`
/// is a refused host change, shown above the list.
async fn render(
    desk: &Desk,
    status: StatusCode,
    form: &SiteForm,
    errors: &FieldErrors,
    host_error: Option<String>,
) -> Result<Response, WebError> {
    let sites = platform::sites(&desk.state.store).await?;
    desk.page(
        status,
        "admin/platform_sites.html",
        context! { sites => ser(&sites), form => ser(form), errors => ser(errors), host_error => host_error },
    )
    .await
}

/// `GET /admin/platform/sites`: every site with an empty add form.
pub async fn sites_page(desk: Desk) -> Result<Response, WebError> {
    let errors = FieldErrors::new();
    render(&desk, StatusCode::OK, &SiteForm::default(), &errors, None).await
}

/// `POST /admin/platform/sites`: adds a site, its first administrator and (optionally) a host
/// name in one step; a refusal shows the form again with what was typed, and nothing is kept.
pub async fn add_site(
    desk: Desk,
    axum::Form(form): axum::Form<SiteForm>,
) -> Result<Response, WebError> {
    let mut errors = FieldErrors::new();
    let code = checked(&mut errors, OrgCode::parse(&form.code));
    let name = checked(&mut errors, OrgName::parse(&form.name));
    let host = match form.host.trim() {
        "" => Some(None),
        typed => checked(&mut errors, HostName::parse(typed)).map(Some),
    };
    let username = checked(&mut errors, Username::parse(&form.username));
    let display_name = checked(&mut errors, DisplayName::parse(&form.display_name));
    let password = checked(&mut errors, NewPassword::parse(&form.password));
    if let (Some(code), Some(name), Some(host), Some(username), Some(display_name), Some(pw)) =
        (code, name, host, username, display_name, password)
    {
        let new = NewSite {
            code,
            name,
            host,
            admin_username: username,
            admin_name: display_name,
            admin_password: pw,
        };
        match platform::add_site(&desk.state.store, &desk.actor(), new).await {
            Ok(_) => return Ok(Redirect::to("/admin/platform/sites").into_response()),
            Err(StoreError::Conflict(refusal)) => {
                let field = match refusal.code {
                    ErrorCode::OrgCodeTaken => "code",
                    ErrorCode::SiteHostTaken => "host",
                    _ => "username",
                };
                errors.insert(field, refusal);
            }
            Err(e) => return Err(e.into()),
        }
    }
    render(&desk, StatusCode::BAD_REQUEST, &form, &errors, None).await
}

/// A host name typed into a site's row.
#[derive(Debug, Deserialize)]
pub struct HostForm {
    #[serde(default)]
    host: String,
}

/// `POST /admin/platform/sites/{code}/hosts`: the site answers for one more host name; a host
/// another site holds is refused with the page again and the reason.
pub async fn add_host(
    desk: Desk,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<HostForm>,
) -> Result<Response, WebError> {
    let code = OrgCode::parse(&code)?;
    let added = match HostName::parse(&f.host) {
        Ok(host) => sites::add_host(&desk.state.store, &desk.actor(), &code, &host).await,
        Err(e) => Err(e.into()),
    };
    host_step(&desk, added).await
}

/// `POST /admin/platform/hosts/remove`: a host name stops answering for its site (it then
/// shows the default site).
pub async fn remove_host(
    desk: Desk,
    axum::Form(f): axum::Form<HostForm>,
) -> Result<Response, WebError> {
    let host = HostName::parse(&f.host)?;
    let removed = sites::remove_host(&desk.state.store, &desk.actor(), &host).await;
    host_step(&desk, removed).await
}

/// Back to the list when a host change was made; the list again with the refusal (400) when
/// the rules or another site's claim refused it.
async fn host_step(desk: &Desk, result: Result<(), StoreError>) -> Result<Response, WebError> {
    let reason = match result {
        Ok(()) => return Ok(Redirect::to("/admin/platform/sites").into_response()),
        Err(StoreError::Conflict(refusal)) => refusal.message,
        Err(StoreError::Domain(e)) => e.to_string(),
        Err(e) => return Err(e.into()),
    };
    let errors = FieldErrors::new();
    render(
        desk,
        StatusCode::BAD_REQUEST,
        &SiteForm::default(),
        &errors,
        Some(reason),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::uptime_label;

    #[test]
    fn uptime_reads_in_days_hours_and_minutes() {
        assert_eq!(uptime_label(59), "0 小时 0 分");
        assert_eq!(uptime_label(3 * 3_600 + 5 * 60), "3 小时 5 分");
        assert_eq!(uptime_label(2 * 86_400 + 3_600 + 60), "2 天 1 小时 1 分");
    }
}
