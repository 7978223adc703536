//! What every page says about the site: its name and the footer a Chinese government site must
//! carry, the organisation whose portal it is, and the absolute base URL of a request.

use axum::http::{HeaderMap, header};
use gongkai_store::{orgs, settings};

pub mod kept;

pub use kept::{MAX_KEPT_SITES, SiteContext, SiteContexts, SiteInfo, SiteKey};

use crate::WebError;
use crate::state::AppState;

/// Setting keys the footer reads; admins change them with `gongkai site set` (later in the back office).
pub const SITE_SETTING_KEYS: &[&str] = &[
    "site_name",
    "host_org",
    "site_code",
    "icp",
    "psb",
    "phone",
    "address",
    "error_report_url",
    // The government one level up, which hears 行政复议 against the county government's acts.
    "upper_government",
];

/// The context of the site `key`, from memory unless the change feed moved since it was
/// computed.
pub async fn try_context_of(
    state: &AppState,
    key: SiteKey,
) -> Result<SiteContext, gongkai_store::StoreError> {
    let generation = state.cache.generation();
    state
        .sites
        .get_or_load(key, generation, load(state, key))
        .await
}

/// [`try_context_of`], or defaults when the database cannot be read (logged, not kept), so
/// a page always renders.
pub async fn context_of(state: &AppState, key: SiteKey) -> SiteContext {
    try_context_of(state, key).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "site context unreadable; defaults shown");
        let info = SiteInfo {
            name: "政务公开平台".to_owned(),
            host_org: "政务公开平台".to_owned(),
            error_report_url: DEFAULT_ERROR_REPORT_URL.to_owned(),
            mailbox_name: gongkai_store::mailbox::DEFAULT_NAME.to_owned(),
            mailbox_handler: "政务公开平台".to_owned(),
            ..SiteInfo::default()
        };
        SiteContext {
            value: crate::templates::ser(&info),
            info: std::sync::Arc::new(info),
            org: None,
            themes: std::sync::Arc::default(),
        }
    })
}

/// The site information of the page being served (today: the first site).
pub async fn site_context(state: &AppState) -> SiteInfo {
    (*context_of(state, SiteKey::Primary).await.info).clone()
}

/// Where 我为政府网站找错 leads unless the `error_report_url` setting says otherwise.
const DEFAULT_ERROR_REPORT_URL: &str = "https://zfwzzc.www.gov.cn/";

/// Reads the site's settings and organisation: one read of the settings table, one of the
/// root organisation, its themes and the head mailbox.
async fn load(state: &AppState, key: SiteKey) -> Result<SiteContext, gongkai_store::StoreError> {
    let store = &state.store;
    let root = match key {
        SiteKey::Primary => orgs::sites(store).await?.into_iter().next(),
        SiteKey::Site(id) => Some(orgs::by_id(store, id).await?),
    };
    let values = settings::many(store, SITE_SETTING_KEYS).await?;
    let get = |key: &str| values.get(key).filter(|v| !v.trim().is_empty()).cloned();
    let name = get("site_name").unwrap_or_else(|| {
        root.as_ref()
            .map_or_else(|| "政务公开平台".to_owned(), |r| r.name.clone())
    });
    let (mailbox_name, mailbox_handler) = match &root {
        Some(r) => {
            let m = gongkai_store::mailbox::of_site(store, r.id).await?;
            (m.name, m.handler_org_name)
        }
        None => (
            gongkai_store::mailbox::DEFAULT_NAME.to_owned(),
            name.clone(),
        ),
    };
    let info = SiteInfo {
        mailbox_name,
        mailbox_handler,
        host_org: get("host_org").unwrap_or_else(|| {
            root.as_ref()
                .map_or_else(|| name.clone(), |r| format!("{}办公室", r.name))
        }),
        site_code: get("site_code"),
        icp: get("icp"),
        psb: get("psb"),
        phone: get("phone"),
        address: get("address"),
        error_report_url: get("error_report_url")
            .unwrap_or_else(|| DEFAULT_ERROR_REPORT_URL.to_owned()),
        name,
    };
    let themes = match &root {
        Some(r) => gongkai_store::themes::list(store, r.id).await?,
        None => Vec::new(),
    };
    Ok(SiteContext {
        value: crate::templates::ser(&info),
        info: std::sync::Arc::new(info),
        org: root,
        themes: std::sync::Arc::new(themes),
    })
}

/// The theme tree of the site `site_id`, from the kept context.
pub async fn themes_of(
    state: &AppState,
    site_id: i64,
) -> Result<std::sync::Arc<Vec<gongkai_domain::catalogue::Theme>>, WebError> {
    Ok(try_context_of(state, SiteKey::Site(site_id)).await?.themes)
}

/// The root organisation whose portal this is (the first site), from the kept context.
pub async fn primary_site(state: &AppState) -> Result<Option<orgs::Organisation>, WebError> {
    Ok(try_context_of(state, SiteKey::Primary).await?.org)
}

/// The absolute base URL of the request (for feed ids and sitemap locations).
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|s| *s == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}
