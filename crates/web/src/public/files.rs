//! `GET /files/{id}/{name}`: downloads an attachment of a public record with its original name.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use gongkai_store::{attachments, records};

use crate::WebError;
use crate::download::{attachment_not_found, send_public_blob};
use crate::state::AppState;

/// Serves the bytes if the attachment's record is public on the request's site.
pub async fn download(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
    Path((id, _name)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let a = attachments::get(&state.store, id)
        .await
        .map_err(|_| attachment_not_found())?;
    let record = records::get(&state.store, a.record_id)
        .await
        .map_err(|_| attachment_not_found())?;
    let site = crate::site::site_org(&state, &site).await?;
    if !record.is_public(Utc::now()) || site.map(|s| s.id) != Some(record.site_id) {
        return Err(attachment_not_found());
    }
    send_public_blob(&state, &a.sha256, &a.kind, &a.file_name).await
}
