//! Shared application state handed to every handler.

use std::path::PathBuf;
use std::sync::Arc;

use gongkai_domain::throttle::LoginPolicy;
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
    /// Whether ZIP archives may be attached.
    pub allow_zip: bool,
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
            allow_zip: false,
        }
    }
}

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Template renderer.
    pub templates: Arc<Templates>,
    /// Configuration.
    pub config: Arc<WebConfig>,
    /// Login throttling policy.
    pub login_policy: LoginPolicy,
}

impl AppState {
    /// Builds the state; fails if a theme template does not parse.
    pub fn new(store: Store, config: WebConfig) -> Result<Self, crate::WebError> {
        let templates = Templates::new(config.theme.clone())?;
        Ok(Self {
            store,
            templates: Arc::new(templates),
            config: Arc::new(config),
            login_policy: LoginPolicy::default(),
        })
    }
}
