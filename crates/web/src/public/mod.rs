//! The public portal.

pub mod assets;
pub mod feeds;
pub mod files;
pub mod home;
pub mod hudong;
pub mod mode;
pub mod orgs;
pub mod search;
pub mod xxgk;
pub mod ysqgk;
pub mod zhengji;

use axum::extract::Multipart;
use gongkai_store::applications::AttachedFile;
use gongkai_store::{orgs as org_store, settings};
use serde::Serialize;
use serde::de::DeserializeOwned;

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
    let root = org_store::sites(&state.store)
        .await
        .ok()
        .and_then(|s| s.into_iter().next());
    let name = match get("site_name").await {
        Some(n) => n,
        None => root
            .as_ref()
            .map_or_else(|| "政务公开平台".to_owned(), |r| r.name.clone()),
    };
    SiteInfo {
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

/// The fallback for unknown paths.
pub async fn not_found() -> WebError {
    WebError::NotFound("您访问的页面不存在，可能已被移动或删除。".into())
}

/// A public multipart form as read: its text fields, the accepted files, and what was wrong
/// with a refused file.
pub struct Upload<T> {
    /// The text fields.
    pub form: T,
    /// Files accepted and stored as blobs (by sha256) before anything is committed.
    pub files: Vec<AttachedFile>,
    /// Why a file was refused, for the form to show beside the file field.
    pub file_error: Option<String>,
}

/// Reads a public multipart form whose files arrive in `file_field` (at most `max_files`).
/// Files are type-checked by content (PDF, images, Word/Excel; archives refused), held to the
/// configured size limit, and stored by hash.
pub async fn read_form_with_files<T: DeserializeOwned>(
    state: &AppState,
    mut mp: Multipart,
    file_field: &str,
    max_files: usize,
    what: &str,
) -> Result<Upload<T>, WebError> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    let mut file_error = None;
    let bad = |_| WebError::BadRequest("提交的数据不完整，请重试".into());
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != file_field {
            let value = field.text().await.map_err(bad)?;
            fields.push((name, value));
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().trim().to_owned();
        let bytes = field.bytes().await.map_err(bad)?;
        if bytes.is_empty() && file_name.is_empty() {
            continue;
        }
        if files.len() >= max_files {
            file_error = Some(format!("最多上传 {max_files} 个{what}"));
            continue;
        }
        if bytes.len() > state.config.max_upload_bytes {
            file_error = Some(format!(
                "{what}不能超过 {}",
                xxgk::human_size(state.config.max_upload_bytes as i64)
            ));
            continue;
        }
        match gongkai_content::sniff(&bytes, &file_name) {
            Ok(kind) if !kind.is_archive() => {
                let sha256 =
                    gongkai_store::attachments::store_blob(&state.config.data_dir, &bytes).await?;
                files.push(AttachedFile {
                    id: 0,
                    sha256,
                    file_name,
                    kind: kind.extension().to_owned(),
                    size_bytes: bytes.len() as i64,
                });
            }
            Ok(_) => file_error = Some(format!("{what}不接受压缩包，请上传 PDF、图片或 Word 文档")),
            Err(e) => file_error = Some(e.to_string()),
        }
    }
    let encoded = serde_urlencoded::to_string(&fields).unwrap_or_default();
    let form: T = serde_urlencoded::from_str(&encoded)
        .map_err(|_| WebError::BadRequest("提交的数据格式不正确".into()))?;
    Ok(Upload {
        form,
        files,
        file_error,
    })
}

/// The `Set-Cookie` value of a one-hour public session (an applicant's, a writer's) limited to
/// `path`, HttpOnly and SameSite=Strict, Secure when the site says so.
pub fn public_session_cookie(
    state: &AppState,
    name: &str,
    path: &str,
    token: &str,
) -> Option<axum::http::HeaderValue> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    axum::http::HeaderValue::from_str(&format!(
        "{name}={token}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    ))
    .ok()
}
