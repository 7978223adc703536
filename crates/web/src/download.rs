//! Sending stored files: the type of a stored kind, the `Content-Disposition` with the original
//! name, and the bytes from the blob store, streamed piece by piece.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_store::blobs;

use crate::WebError;
use crate::state::AppState;
use crate::view::urls::urlencode;

/// `Cache-Control` of every answer holding personal data: staff pages, letters, a citizen's own
/// status and attachments. `no-store` keeps it out of shared and browser caches alike.
pub const PRIVATE_NO_STORE: &str = "private, no-store";

pub use gongkai_domain::files::{MAX_FILE_NAME_CHARS, clean_file_name};

/// The attachment type stored as its extension code (`pdf`, `docx` …).
pub fn file_kind(code: &str) -> Option<gongkai_content::FileKind> {
    gongkai_content::FileKind::ALL
        .into_iter()
        .find(|k| k.extension() == code)
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
pub fn disposition(name: &str) -> String {
    let name = clean_file_name(name);
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
        urlencode(&name).replace('/', "%2F")
    )
}

/// 404 for an attachment that is not public on the request's site (or does not exist).
pub fn attachment_not_found() -> WebError {
    WebError::NotFound(gongkai_domain::ErrorCode::AttachmentNotFound.into())
}

/// A public file (a public record's attachment, a public consultation's file) as a download
/// that browsers and proxies may keep for a day.
pub async fn send_public_blob(
    state: &AppState,
    sha256: &str,
    kind: &str,
    file_name: &str,
) -> Result<Response, WebError> {
    let mut resp = send_blob(state, sha256, kind, file_name).await?;
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(resp)
}

/// The file `id` among a case's `files` as a download (see [`send_blob`]), or 404 with
/// `missing` when the case has no such file.
pub async fn send_case_file(
    state: &AppState,
    files: Vec<gongkai_store::cases::AttachedFile>,
    id: i64,
    missing: gongkai_domain::ErrorCode,
) -> Result<Response, WebError> {
    let f = files
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| WebError::NotFound(missing.into()))?;
    send_blob(state, &f.sha256, &f.kind, &f.file_name).await
}

/// A dataset's uploaded resource as a download: its file name (or the resource's name with the
/// format's extension) and the format's type. A link resource is `None` (the caller redirects).
pub async fn send_resource(
    state: &AppState,
    r: &gongkai_store::datasets::Resource,
) -> Result<Option<Response>, WebError> {
    use gongkai_domain::dataset::UploadFormat;
    let Some(sha) = &r.sha256 else {
        return Ok(None);
    };
    let format = UploadFormat::parse(&r.format).ok();
    let file_name = if r.file_name.is_empty() {
        format!(
            "{}.{}",
            r.name,
            format.map_or("bin", UploadFormat::extension)
        )
    } else {
        r.file_name.clone()
    };
    let mut resp = send_blob(state, sha, "", &file_name).await?;
    if let Some(mime) = format.map(UploadFormat::mime)
        && let Ok(v) = header::HeaderValue::from_str(mime)
    {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(Some(resp))
}

/// A stored blob as a download with its original file name and the type of its stored kind
/// (not cached: callers that serve public files add their own caching).
pub async fn send_blob(
    state: &AppState,
    sha256: &str,
    kind: &str,
    file_name: &str,
) -> Result<Response, WebError> {
    let blob = blobs::open(&state.store, &state.config.data_dir, sha256).await?;
    let size = blob.size;
    let mime = file_kind(kind).map_or("application/octet-stream", |k| k.mime());
    let mut resp = private_file(mime, file_name, Body::from_stream(pieces(blob)));
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, header::HeaderValue::from(size));
    Ok(resp)
}

/// The blob's pieces as a body stream, read one at a time as the client takes them (a
/// download never holds a whole file in memory); a read error ends the stream with that error.
fn pieces(
    blob: blobs::BlobReader,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, gongkai_store::StoreError>> {
    futures_util::stream::unfold(Some(blob), |reader| async move {
        let mut reader = reader?;
        match reader.next_chunk().await {
            Ok(Some(piece)) => Some((Ok(piece), Some(reader))),
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// `bytes` as a download named `file_name` of type `mime`, never kept by browsers or proxies
/// (a generated report, a stored blob: callers that serve public files add their own caching).
pub fn private_file(mime: &str, file_name: &str, bytes: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
            (header::CACHE_CONTROL, PRIVATE_NO_STORE.to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_the_clean_name() {
        let long = format!("{}.pdf", "名".repeat(5000));
        assert!(
            disposition(&long).len() < 1400,
            "{}",
            disposition(&long).len()
        );
        assert!(!disposition("x\u{202E}fdp.exe").contains("%E2%80%AE"));
    }
}
