//! A record's attachments: upload (type-checked by content, size-limited) and removal.

use crate::admin::desk::Desk;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::ErrorCode;
use gongkai_domain::record::RecordStatus;
use gongkai_domain::role::Permission;
use gongkai_store::attachments;

use super::OnRecord;
use crate::WebError;

/// `POST /admin/records/{id}/attachments?csrf_token=…` (multipart): uploads one file,
/// checks its type by content and its size, stores it by hash and extracts its text.
pub async fn upload(
    desk: Desk,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    if rec.r.status != RecordStatus::Draft {
        return rec
            .show(
                StatusCode::CONFLICT,
                Some(ErrorCode::RecordAttachmentDraftOnly.message()),
            )
            .await;
    }
    let limit = state.config.max_upload_bytes;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::BadRequest(ErrorCode::UploadIncomplete.into()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = gongkai_domain::files::clean_file_name(field.file_name().unwrap_or("附件"));
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| WebError::BadRequest(ErrorCode::UploadIncomplete.into()))?
        {
            if bytes.len() + chunk.len() > limit {
                let msg = ErrorCode::UploadTooLarge
                    .render(&[("limit", &crate::view::format::human_size(limit as i64))]);
                return rec.show(StatusCode::PAYLOAD_TOO_LARGE, Some(msg)).await;
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some((name, bytes));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return rec
            .show(
                StatusCode::BAD_REQUEST,
                Some(ErrorCode::UploadFileRequired.message()),
            )
            .await;
    };
    let kind = match gongkai_content::sniff(&bytes, &name) {
        Ok(k) if k.is_archive() && !state.config.allow_zip => {
            let msg = ErrorCode::RecordZipRefused.message();
            return rec
                .show(StatusCode::UNSUPPORTED_MEDIA_TYPE, Some(msg))
                .await;
        }
        Ok(k) => k,
        Err(e) => {
            return rec
                .show(StatusCode::UNSUPPORTED_MEDIA_TYPE, Some(e.to_string()))
                .await;
        }
    };
    // A file whose text is over the extraction budget is kept, but the screening cannot read it:
    // the page says so, instead of passing it silently as clean.
    let extracted = {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || gongkai_content::extract_text(kind, &bytes)).await
    };
    let (text, unread) = match extracted {
        Ok(Ok(text)) => (text, None),
        Ok(Err(e @ gongkai_content::ContentError::TextTooLarge { .. })) => (
            String::new(),
            Some(format!(
                "附件已保存。{e}请人工核对其中是否含有个人信息等不宜公开的内容。"
            )),
        ),
        _ => (String::new(), None),
    };
    let sha = gongkai_store::blobs::put(&state.store, &state.config.data_dir, &bytes).await?;
    let added = attachments::add(
        &state.store,
        &rec.desk.actor(),
        staff.id,
        id,
        &attachments::NewAttachment {
            sha256: sha,
            file_name: name,
            kind: kind.extension().to_owned(),
            size_bytes: bytes.len() as i64,
            text,
        },
    )
    .await
    .map(|_| ());
    if let (Ok(()), Some(notice)) = (&added, unread) {
        return rec.show(StatusCode::OK, Some(notice)).await;
    }
    rec.after(added, StatusCode::CONFLICT).await
}

/// `POST /admin/records/{id}/attachments/{attachment}/delete`: the author removes an
/// attachment from a draft (say, one the screening found personal data in), audited.
pub async fn remove_attachment(
    desk: Desk,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let result =
        attachments::remove(&state.store, &rec.desk.actor(), staff.id, id, attachment).await;
    rec.after(result, StatusCode::CONFLICT).await
}
