//! What every page says about the site: its name and the footer a Chinese government site must
//! carry, the organisation whose portal it is, and the absolute base URL of a request.

use axum::http::{HeaderMap, header};
use gongkai_store::{orgs, settings};
use serde::Serialize;

use crate::WebError;
use crate::state::AppState;

/// What every public page shows about the site (header and the footer a Chinese government
/// site must carry: 主办单位, contact, 网站标识码, ICP备案号, 公安备案号, 找错 entry).
#[derive(Debug, Clone, Serialize, Default)]
pub struct SiteInfo {
    /// Site name, normally the root government's name.
    pub name: String,
    /// 主办单位.
    pub host_org: String,
    /// 网站标识码.
    pub site_code: Option<String>,
    /// ICP备案号.
    pub icp: Option<String>,
    /// 公安机关备案号.
    pub psb: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Where to report an error on the site (我为政府网站找错).
    pub error_report_url: String,
    /// The head mailbox's name (县长信箱, 市长信箱 …).
    pub mailbox_name: String,
    /// The organisation that handles the head mailbox's letters.
    pub mailbox_handler: String,
}

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

/// Loads the site information; falls back to sensible defaults so a page always renders.
pub async fn site_context(state: &AppState) -> SiteInfo {
    let get = |key: &'static str| async move {
        settings::get(&state.store, key)
            .await
            .ok()
            .flatten()
            .filter(|v| !v.trim().is_empty())
    };
    let root = orgs::sites(&state.store)
        .await
        .ok()
        .and_then(|s| s.into_iter().next());
    let name = match get("site_name").await {
        Some(n) => n,
        None => root
            .as_ref()
            .map_or_else(|| "政务公开平台".to_owned(), |r| r.name.clone()),
    };
    let mailbox = match &root {
        Some(r) => gongkai_store::mailbox::of_site(&state.store, r.id)
            .await
            .ok(),
        None => None,
    };
    let (mailbox_name, mailbox_handler) = mailbox.map_or_else(
        || {
            (
                gongkai_store::mailbox::DEFAULT_NAME.to_owned(),
                name.clone(),
            )
        },
        |m| (m.name, m.handler_org_name),
    );
    SiteInfo {
        mailbox_name,
        mailbox_handler,
        host_org: get("host_org").await.unwrap_or_else(|| {
            root.as_ref()
                .map_or_else(|| name.clone(), |r| format!("{}办公室", r.name))
        }),
        site_code: get("site_code").await,
        icp: get("icp").await,
        psb: get("psb").await,
        phone: get("phone").await,
        address: get("address").await,
        error_report_url: get("error_report_url")
            .await
            .unwrap_or_else(|| "https://zfwzzc.www.gov.cn/".to_owned()),
        name,
    }
}

/// The root organisation whose portal this is (the first site).
pub async fn primary_site(state: &AppState) -> Result<Option<orgs::Organisation>, WebError> {
    Ok(orgs::sites(&state.store).await?.into_iter().next())
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
