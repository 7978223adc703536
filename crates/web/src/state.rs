//! Shared application state handed to every handler.

use gongkai_domain::ErrorCode;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gongkai_domain::throttle::LoginPolicy;
use gongkai_service::Intake;
use gongkai_store::Store;

use crate::templates::Templates;

/// Settings of the web layer that come from configuration, not from the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Folder whose files override embedded templates and static assets.
    pub theme: Option<PathBuf>,
    /// Largest accepted request body for ordinary forms and JSON, in bytes.
    pub max_body_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// The data folder (attachments live in `files/` under it).
    pub data_dir: PathBuf,
    /// Largest accepted attachment, in bytes.
    pub max_upload_bytes: usize,
    /// Largest accepted open-data file (a dataset's resource, streamed to the data folder), in
    /// bytes.
    pub max_dataset_upload_bytes: usize,
    /// Whether ZIP archives may be attached.
    pub allow_zip: bool,
    /// SMTP settings for notifications (empty host: none sent).
    pub smtp: gongkai_jobs::SmtpConfig,
    /// Applications one client address may submit per hour.
    pub submissions_per_hour: i64,
    /// Folder of the search index; `None` keeps it in memory (tests, or rebuilt at each start).
    pub search_dir: Option<PathBuf>,
    /// File the daily audit checkpoint is appended to; `None` writes none.
    pub audit_checkpoint_file: Option<PathBuf>,
    /// Memory for the cache of rendered public pages, in bytes; 0 turns it off.
    pub page_cache_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            theme: None,
            max_body_bytes: 1024 * 1024,
            trust_proxy: false,
            secure_cookies: false,
            data_dir: PathBuf::from("gongkai-data"),
            max_upload_bytes: 50 * 1024 * 1024,
            max_dataset_upload_bytes: 200 * 1024 * 1024,
            allow_zip: false,
            smtp: gongkai_jobs::SmtpConfig::default(),
            submissions_per_hour: 20,
            search_dir: None,
            audit_checkpoint_file: None,
            page_cache_bytes: crate::cache::DEFAULT_BUDGET,
        }
    }
}

/// Everything a handler may need: one reference-counted pointer, so a clone (every middleware
/// layer clones the state for every request) is one count, not one per part. Its parts are
/// read through it (`state.store`) and fixed once it is built.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl AppState {
    /// The state with another login throttling policy (tests use a tight one).
    #[must_use]
    pub fn with_login_policy(mut self, policy: LoginPolicy) -> Self {
        Arc::make_mut(&mut self.0).login_policy = policy;
        self
    }
}

/// The parts of [`AppState`].
#[derive(Clone)]
pub struct SharedState {
    /// The database.
    pub store: Store,
    /// Template renderer.
    pub templates: Arc<Templates>,
    /// Configuration.
    pub config: Arc<WebConfig>,
    /// Login throttling policy.
    pub login_policy: LoginPolicy,
    /// Outgoing mail, when SMTP is configured (used by the background sender; requests only
    /// write to the outbox).
    pub mailer: Option<gongkai_jobs::Mailer>,
    /// A CJK font for PDF letters, when one is installed.
    pub fonts: Option<Arc<gongkai_export::Fonts>>,
    /// The site search index (derived data, follows the change feed).
    pub search: Option<Arc<gongkai_search::SearchIndex>>,
    /// Rendered public pages (derived data, cleared by the change feed).
    pub cache: Arc<crate::cache::PageCache>,
    /// Each site's header and footer, computed once (derived data, dropped by the change feed).
    pub sites: Arc<crate::site::kept::SiteContexts>,
    /// Which host names and codes name which site (derived data, dropped by the change feed).
    pub directory: Arc<crate::site::kept::KeptDirectory>,
    /// Public listings' totals and year lists (derived data, dropped by the change feed).
    pub listings: Arc<crate::cache::listing::ListingCounts>,
    /// 热门搜索 counted in memory, written every few seconds (`public::popular::flush`).
    pub popular: Arc<crate::public::popular::PopularSearches>,
}

impl AppState {
    /// Builds the state; fails if a theme template does not parse.
    pub fn new(store: Store, config: WebConfig) -> Result<Self, crate::WebError> {
        let templates = Templates::new(config.theme.clone())?;
        let mailer = gongkai_jobs::Mailer::from_config(&config.smtp).map_err(|e| {
            crate::WebError::BadRequest(ErrorCode::MailConfigInvalid.refusal(&[("reason", &e)]))
        })?;
        // Events write their mail to the outbox only when it can be sent.
        let store = store.with_outbox(mailer.is_some());
        let fonts = match gongkai_export::Fonts::system() {
            Ok(f) => Some(Arc::new(f)),
            Err(e) => {
                tracing::warn!(error = %e, "no CJK font: PDF letters are unavailable");
                None
            }
        };
        let search = match &config.search_dir {
            Some(dir) => gongkai_search::SearchIndex::open(dir),
            None => gongkai_search::SearchIndex::in_memory(),
        }
        .map_err(|e| {
            crate::WebError::Conflict(ErrorCode::SearchIndexUnreadable.refusal(&[("reason", &e)]))
        })?;
        if let gongkai_search::OpenState::Rebuilt(why) = search.open_state() {
            tracing::warn!(reason = %why, "search index was unreadable and starts empty; it catches up from the change feed");
        }
        Ok(Self(Arc::new(SharedState {
            search: Some(Arc::new(search)),
            cache: Arc::new(crate::cache::PageCache::new(config.page_cache_bytes)),
            sites: Arc::new(crate::site::kept::SiteContexts::new(
                crate::site::kept::MAX_KEPT_SITES,
            )),
            directory: Arc::new(crate::site::kept::KeptDirectory::new(1)),
            listings: Arc::default(),
            popular: Arc::default(),
            store,
            templates: Arc::new(templates),
            config: Arc::new(config),
            login_policy: LoginPolicy::default(),
            mailer,
            fonts,
        })))
    }

    /// A citizen submission from `ip` arriving at `now`, under the configured hourly limit:
    /// what the `gongkai_service` use cases take.
    pub fn intake<'a>(
        &'a self,
        site: &crate::site::kept::RequestSite,
        ip: &'a str,
        now: DateTime<Utc>,
    ) -> Intake<'a> {
        let site = match site.key {
            crate::site::kept::SiteKey::Site(id) => Some(id),
            crate::site::kept::SiteKey::Primary => None,
        };
        Intake::new(&self.store, ip, now, self.config.submissions_per_hour).for_site(site)
    }
}
