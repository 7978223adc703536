//! What every page says about the site: its name and the footer a Chinese government site must
//! carry, the organisation whose portal it is, and the absolute base URL of a request.

use axum::http::{HeaderMap, header};
use gongkai_store::{orgs, settings};

pub mod kept;
pub mod resolve;

pub use kept::{MAX_KEPT_SITES, SiteContext, SiteContexts, SiteInfo, SiteKey};
pub use resolve::RequestSite;

use crate::WebError;
use crate::state::AppState;

/// Setting keys the footer reads; admins change them with `gongkai site set KEY VALUE` (the
/// first site) or `gongkai site set KEY.<站点机构代码> VALUE` (any site).
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

/// Setting keys whose deployment-wide value holds for every site unless a site sets its own;
/// the other keys are a site's identity and the bare key is the first site's.
pub const SHARED_SETTING_KEYS: &[&str] = &["error_report_url", "upper_government"];

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

/// Where 我为政府网站找错 leads unless the `error_report_url` setting says otherwise.
const DEFAULT_ERROR_REPORT_URL: &str = "https://zfwzzc.www.gov.cn/";

/// Reads the site's settings and organisation: one read of the settings table, one of the
/// root organisation, its themes and the head mailbox.
async fn load(state: &AppState, key: SiteKey) -> Result<SiteContext, gongkai_store::StoreError> {
    let store = &state.store;
    let first = orgs::sites(store).await?.into_iter().next();
    let root = match key {
        SiteKey::Primary => first.clone(),
        SiteKey::Site(id) => Some(orgs::by_id(store, id).await?),
    };
    // A site's own value (`site_name.ATS001`) first; the bare key is the first site's (what a
    // one-site deployment has always set), so another county never shows its ICP number or name.
    let is_first = root.as_ref().map(|r| r.id) == first.as_ref().map(|f| f.id);
    let own: Vec<String> = root.as_ref().map_or_else(Vec::new, |r| {
        SITE_SETTING_KEYS
            .iter()
            .map(|k| settings::site_key(k, Some(&r.code)))
            .collect()
    });
    let wanted: Vec<&str> = SITE_SETTING_KEYS
        .iter()
        .copied()
        .chain(own.iter().map(String::as_str))
        .collect();
    let values = settings::many(store, &wanted).await?;
    let set = |key: &str| values.get(key).filter(|v| !v.trim().is_empty()).cloned();
    let get = |key: &str| {
        let own = root
            .as_ref()
            .and_then(|r| set(&settings::site_key(key, Some(&r.code))));
        let shared = is_first || SHARED_SETTING_KEYS.contains(&key);
        own.or_else(|| if shared { set(key) } else { None })
    };
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

/// The root organisation of the site a request is for, from the kept context; `None` before
/// any site exists.
pub async fn site_org(
    state: &AppState,
    site: &RequestSite,
) -> Result<Option<orgs::Organisation>, WebError> {
    Ok(try_context_of(state, site.key).await?.org)
}

/// The request's site, or the "site not initialised" 404 when the deployment has none yet.
pub async fn require_site(
    state: &AppState,
    site: &RequestSite,
) -> Result<orgs::Organisation, WebError> {
    site_org(state, site)
        .await?
        .ok_or_else(|| WebError::NotFound(gongkai_domain::ErrorCode::SiteNotInitialised.into()))
}

/// The organisation with organ code `raw` when it belongs to `site`; 404 (该机构不存在) for an
/// unknown or malformed code and for another site's organisation alike.
pub async fn org_in_site(
    state: &AppState,
    site: &orgs::Organisation,
    raw: &str,
) -> Result<orgs::Organisation, WebError> {
    let not_found = || WebError::NotFound(gongkai_domain::ErrorCode::OrgNotFound.into());
    let code = gongkai_domain::org::OrgCode::parse(raw).map_err(|_| not_found())?;
    match orgs::by_code(&state.store, &code).await {
        Ok(org) if owns(site, org.site_id) => Ok(org),
        Ok(_) | Err(gongkai_store::StoreError::NotFound { .. }) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Whether the organisation `org` belongs to the request's site: another site's organisation,
/// record or case is answered with 404, never shown under this site's header.
pub fn owns(site: &orgs::Organisation, org_site_id: i64) -> bool {
    site.id == org_site_id
}

/// The absolute base URL of the request's site: the host's, plus the `/site/{code}` prefix when
/// the site was reached by one (for feed ids and sitemap locations).
pub fn site_base_url(headers: &HeaderMap, site: &RequestSite) -> String {
    format!("{}{}", base_url(headers), site.prefix)
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
