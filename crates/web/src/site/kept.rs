//! The kept form of a site's context: what every page shows about a site and the key it is kept
//! under (the computing lives in [`crate::site`]).

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
