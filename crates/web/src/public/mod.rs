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
use gongkai_store::cases::AttachedFile;
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
    /// Files accepted, not yet stored: [`store_files`] writes them once the form is valid, so a
    /// refused form leaves nothing behind.
    pub files: Vec<PendingFile>,
    /// Why a file was refused, for the form to show beside the file field.
    pub file_error: Option<String>,
}

/// A file that passed the checks, held in memory until the form is accepted.
#[derive(Debug)]
pub struct PendingFile {
    /// What will be recorded (its sha256 is already computed).
    pub file: AttachedFile,
    bytes: axum::body::Bytes,
}

/// Writes accepted files to the blob store (content-addressed, fsync'd) and returns their
/// records; called only after the rest of the form was validated.
pub async fn store_files(
    state: &AppState,
    files: Vec<PendingFile>,
) -> Result<Vec<AttachedFile>, WebError> {
    let mut out = Vec::with_capacity(files.len());
    for pending in files {
        let sha256 =
            gongkai_store::attachments::store_blob(&state.config.data_dir, &pending.bytes).await?;
        out.push(AttachedFile {
            sha256,
            ..pending.file
        });
    }
    Ok(out)
}

/// The most bytes one text field of a public form may carry (the longest field, a
/// description of 5 000 characters, is about 15 KB in UTF-8).
pub const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// Reads a public multipart form whose files arrive in `file_field` (at most `max_files`).
/// Files are type-checked by content (PDF, images, Word/Excel; archives refused) and held to
/// the configured size limit; they are stored only by [`store_files`]. A text field larger than
/// [`MAX_TEXT_FIELD_BYTES`] refuses the whole form (413) without keeping it in memory.
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
    let mut oversized = false;
    let bad = |_| WebError::BadRequest("提交的数据不完整，请重试".into());
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != file_field {
            // Read the text chunk by chunk; past the cap, the rest is read and dropped so the
            // client still gets the answer.
            let mut buf: Vec<u8> = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if !oversized && buf.len() + chunk.len() <= MAX_TEXT_FIELD_BYTES {
                    buf.extend_from_slice(&chunk);
                } else {
                    oversized = true;
                    buf.clear();
                }
            }
            if !oversized {
                let value = String::from_utf8(buf)
                    .map_err(|_| WebError::BadRequest("提交的文字编码不正确，请重试".into()))?;
                fields.push((name, value));
            }
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
                let sha256 = gongkai_store::attachments::sha256_hex(&bytes);
                files.push(PendingFile {
                    file: AttachedFile {
                        id: 0,
                        sha256,
                        file_name,
                        kind: kind.extension().to_owned(),
                        size_bytes: bytes.len() as i64,
                    },
                    bytes,
                });
            }
            Ok(_) => file_error = Some(format!("{what}不接受压缩包，请上传 PDF、图片或 Word 文档")),
            Err(e) => file_error = Some(e.to_string()),
        }
    }
    if oversized {
        return Err(WebError::TooLarge(format!(
            "填写的内容过长（单项不能超过 {} KB），申请未保存。请精简后重新提交。",
            MAX_TEXT_FIELD_BYTES / 1024
        )));
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
