//! The kept form of a site's context: what every page shows about a site and the key it is kept
//! under (the computing lives in [`crate::site`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use gongkai_domain::site::HostName;
use gongkai_store::orgs;
use serde::Serialize;

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

/// Which site a page speaks for. Public pages show the first site today; when a request's host
/// names its site, its organisation id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteKey {
    /// The first site (an organisation without a parent).
    Primary,
    /// The site whose root organisation has this id.
    Site(i64),
}

/// What every page of one site shows about it, computed once and kept per site until the change
/// feed moves (settings, organisations and themes write feed rows): see [`crate::cache::memo`].
#[derive(Debug, Clone)]
pub struct SiteContext {
    /// The header and footer.
    pub info: std::sync::Arc<SiteInfo>,
    /// `info` as the templates read it.
    pub value: minijinja::Value,
    /// The site's root organisation, when the deployment has one.
    pub org: Option<orgs::Organisation>,
    /// The site's theme tree (主题分类) as renamed and extended (empty without a site).
    pub themes: std::sync::Arc<Vec<gongkai_domain::catalogue::Theme>>,
}

/// The kept contexts of this node, one per site.
pub type SiteContexts = crate::cache::memo::Memo<SiteKey, SiteContext>;

/// Sites whose context a node keeps at once (more are loaded again as they come).
pub const MAX_KEPT_SITES: usize = 1024;

/// Every site's host names and organ codes, read in two queries and kept until the change feed
/// moves (adding a host or an organisation writes a feed row).
#[derive(Debug, Default)]
pub struct SiteDirectory {
    /// Host name → site id.
    hosts: HashMap<String, i64>,
    /// Organ code of a site's root → site id.
    codes: HashMap<String, i64>,
    /// The site answering unlisted hosts: the first root organisation.
    default: Option<i64>,
}

impl SiteDirectory {
    /// A directory of `hosts` and root `codes` (each to its site id) and the `default` site.
    pub fn new(
        hosts: HashMap<String, i64>,
        codes: HashMap<String, i64>,
        default: Option<i64>,
    ) -> Self {
        Self { hosts, codes, default }
    }

    /// The site `host` names, else the default one.
    pub fn for_host(&self, host: Option<&str>) -> SiteKey {
        host.and_then(|h| HostName::parse(h).ok())
            .and_then(|h| self.hosts.get(h.as_str()).copied())
            .or(self.default)
            .map_or(SiteKey::Primary, SiteKey::Site)
    }

    /// The site whose root has organ code `code`.
    pub fn by_code(&self, code: &str) -> Option<i64> {
        self.codes.get(code).copied()
    }
}

/// The kept directory of this node.
pub type KeptDirectory = crate::cache::memo::Memo<(), Arc<SiteDirectory>>;

/// The site a request is for, as the resolving middleware found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSite {
    /// The site.
    pub key: SiteKey,
    /// `/site/ATS001` when the request came by path prefix, else empty.
    pub prefix: String,
}

impl Default for RequestSite {
    fn default() -> Self {
        Self {
            key: SiteKey::Primary,
            prefix: String::new(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestSite {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Self>().cloned().unwrap_or_default())
    }
}
