//! `GET /files/{id}/{name}`: downloads an attachment of a public record with its original name.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_store::{attachments, records};

use crate::WebError;
use crate::download::send_blob;
use crate::state::AppState;

/// Serves the bytes if the attachment's record is public on the request's site.
pub async fn download(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
    Path((id, _name)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::AttachmentNotFound.into());
    let a = attachments::get(&state.store, id)
        .await
        .map_err(|_| not_found())?;
    let record = records::get(&state.store, a.record_id)
        .await
        .map_err(|_| not_found())?;
    let site = crate::site::site_org(&state, &site).await?;
    if !record.is_public(Utc::now()) || site.map(|s| s.id) != Some(record.site_id) {
        return Err(not_found());
    }
    let mut resp = send_blob(&state, &a.sha256, &a.kind, &a.file_name).await?;
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(resp)
}
