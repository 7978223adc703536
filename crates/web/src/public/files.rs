//! `GET /files/{id}/{name}`: downloads an attachment of a public record with its original name.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gongkai_store::{attachments, records};

use crate::WebError;
use crate::state::AppState;

/// RFC 5987 encoding of a file name for `Content-Disposition`.
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::error::urlencode(name).replace('/', "%2F")
    )
}

/// Serves the bytes if the attachment's record is public.
pub async fn download(
    State(state): State<AppState>,
    Path((id, _name)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound("附件不存在或尚未公开".into());
    let a = attachments::get(&state.store, id)
        .await
        .map_err(|_| not_found())?;
    let record = records::get(&state.store, a.record_id)
        .await
        .map_err(|_| not_found())?;
    if !record.is_public(Utc::now()) {
        return Err(not_found());
    }
    let mut resp = send_blob(&state, &a.sha256, &a.kind, &a.file_name).await?;
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(resp)
}

/// A stored blob as a download with its original file name and the type of its stored kind
/// (not cached: callers that serve public files add their own caching).
pub async fn send_blob(
    state: &AppState,
    sha256: &str,
    kind: &str,
    file_name: &str,
) -> Result<Response, WebError> {
    let bytes = attachments::read_blob(&state.config.data_dir, sha256).await?;
    let mime =
        crate::public::xxgk::file_kind(kind).map_or("application/octet-stream", |k| k.mime());
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
