//! Public multipart forms with attached files: text fields bounded in size, files checked by
//! content and held in memory until the rest of the form is valid.

use axum::extract::Multipart;
use gongkai_domain::{ErrorCode, Refusal};
use gongkai_store::cases::AttachedFile;
use serde::de::DeserializeOwned;

use crate::WebError;
use crate::edge::is_refused_control;
use crate::state::AppState;
use crate::view::format::human_size;

/// A public multipart form as read: its text fields, the accepted files, and what was wrong
/// with a refused file.
pub struct Upload<T> {
    /// The text fields.
    pub form: T,
    /// Files accepted, not yet stored: [`store_files`] writes them once the form is valid, so a
    /// refused form leaves nothing behind.
    pub files: Vec<PendingFile>,
    /// Why a file was refused, for the form to show beside the file field.
    pub file_error: Option<Refusal>,
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
            gongkai_store::blobs::put(&state.store, &state.config.data_dir, &pending.bytes).await?;
        out.push(AttachedFile { sha256, ..pending.file });
    }
    Ok(out)
}

/// The most bytes one text field of a public form may carry (the longest field, a
/// description of 5 000 characters, is about 15 KB in UTF-8).
pub const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// The most text fields a public form may carry (the longest form has about 25): past it the
/// form is refused at once, before the rest of the body is read.
pub const MAX_TEXT_FIELDS: usize = 64;

/// The most bytes all text fields of one public form may carry together: past it the form is
/// refused at once, so many fields each under [`MAX_TEXT_FIELD_BYTES`] cannot add up to megabytes.
pub const MAX_FORM_TEXT_BYTES: usize = 256 * 1024;

/// Reads a public multipart form whose files arrive in `file_field` (at most `max_files`).
/// Files are type-checked by content (PDF, images, Word/Excel; archives refused) and held to
/// the configured size limit; they are stored only by [`store_files`]. A text field larger than
/// [`MAX_TEXT_FIELD_BYTES`] refuses the whole form (413) at once, without reading the rest; more
/// than [`MAX_TEXT_FIELDS`] fields (400) or [`MAX_FORM_TEXT_BYTES`] in all (413) refuse it at
/// once, and a file past `max_files` is skipped unread. Control characters in text are refused
/// (400), as the edge refuses them in other forms.
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
    let mut text_bytes = 0usize;
    let bad = |_| WebError::BadRequest(ErrorCode::FormIncomplete.into());
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != file_field {
            if fields.len() >= MAX_TEXT_FIELDS {
                return Err(WebError::BadRequest(ErrorCode::FormTooManyFields.into()));
            }
            // Read the text chunk by chunk; past either cap the form is refused at once, and the
            // rest of the body is never read.
            let mut buf: Vec<u8> = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if buf.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
                    return Err(WebError::TooLarge(
                        ErrorCode::FormFieldTooLarge
                            .refusal(&[("kb", &(MAX_TEXT_FIELD_BYTES / 1024))]),
                    ));
                }
                text_bytes += chunk.len();
                if text_bytes > MAX_FORM_TEXT_BYTES {
                    return Err(WebError::TooLarge(
                        ErrorCode::FormTooLarge.refusal(&[("kb", &(MAX_FORM_TEXT_BYTES / 1024))]),
                    ));
                }
                buf.extend_from_slice(&chunk);
            }
            if buf.iter().copied().any(is_refused_control) {
                return Err(WebError::BadRequest(
                    ErrorCode::InputControlCharacter.into(),
                ));
            }
            let value = String::from_utf8(buf)
                .map_err(|_| WebError::BadRequest(ErrorCode::FormEncodingInvalid.into()))?;
            fields.push((name, value));
            continue;
        }
        let raw_name = field.file_name().unwrap_or_default().trim().to_owned();
        if files.len() >= max_files {
            // Skipped unread (the parser passes over the rest of the part); an empty file input
            // (no name) is no extra file.
            if !raw_name.is_empty() {
                file_error =
                    Some(ErrorCode::UploadTooMany.refusal(&[("max", &max_files), ("what", &what)]));
            }
            continue;
        }
        let bytes = field.bytes().await.map_err(bad)?;
        if bytes.is_empty() && raw_name.is_empty() {
            continue;
        }
        let file_name = gongkai_domain::files::clean_file_name(&raw_name);
        if bytes.len() > state.config.max_upload_bytes {
            file_error = Some(ErrorCode::UploadFileTooLarge.refusal(&[
                ("what", &what),
                ("limit", &human_size(state.config.max_upload_bytes as i64)),
            ]));
            continue;
        }
        match gongkai_content::sniff(&bytes, &file_name) {
            Ok(kind) if !kind.is_archive() => {
                let sha256 = gongkai_store::blobs::sha256_hex(&bytes);
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
            Ok(_) => {
                file_error = Some(ErrorCode::UploadArchiveNotAccepted.refusal(&[("what", &what)]));
            }
            Err(e) => {
                file_error = Some(ErrorCode::AttachmentRefused.refusal(&[("reason", &e)]));
            }
        }
    }
    let encoded = serde_urlencoded::to_string(&fields).unwrap_or_default();
    let form: T = serde_urlencoded::from_str(&encoded)
        .map_err(|_| WebError::BadRequest(ErrorCode::FormMalformed.into()))?;
    Ok(Upload { form, files, file_error })
}
