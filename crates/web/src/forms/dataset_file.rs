//! Open-data files (a dataset's uploaded resources): large tables are the point, so the file
//! is streamed to a temporary file in the data folder (`tmp/`) — never held whole in memory —
//! and hashed on the way, held to the dataset upload limit (`max_dataset_upload_bytes`, not the
//! attachments' `max_upload_bytes`), checked by content (CSV, XLSX, JSON or PDF), and stored as
//! a blob only once it is complete and accepted. A refused upload leaves nothing behind: no
//! blob, no resource row, no temporary file (the spooled file is removed when dropped). The back
//! office's upload form and the CKAN API's multipart `resource_create` share this.

use std::io::Read;
use std::path::{Path, PathBuf};

use axum::extract::multipart::Field;
use axum::http::StatusCode;
use gongkai_domain::ErrorCode;
use gongkai_domain::dataset::UploadFormat;
use gongkai_store::datasets::Source;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::WebError;
use crate::state::AppState;
use crate::view::format::human_size;

/// Why an upload was not taken: the status to answer with and the reason in Chinese.
#[derive(Debug, Clone)]
pub struct Refused {
    /// 413 past the limit, 415 for a file of another type, 400 for a cut-off body.
    pub status: StatusCode,
    /// The reason, shown on the page or in the API's Validation Error.
    pub message: String,
}

impl Refused {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The refusal of a file over the dataset upload limit.
    pub fn too_large(state: &AppState) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::DatasetUploadTooLarge.render(&[(
                "limit",
                &human_size(state.config.max_dataset_upload_bytes as i64),
            )]),
        )
    }
}

/// An uploaded file written to the data folder's `tmp/`, with its hash and size; removed when
/// dropped unless [`store`] made a blob of it.
#[derive(Debug)]
pub struct Spooled {
    path: PathBuf,
    /// The file's SHA-256, computed while it was written.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its name as uploaded (cleaned).
    pub file_name: String,
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The folder uploads are spooled to.
fn spool_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("tmp")
}

/// Whether a request declares a body larger than a dataset upload may be (plus room for the
/// form's other fields), so it is refused before a byte is read.
pub fn declared_too_large(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > body_limit(state) as u64)
}

/// The most bytes a request carrying a dataset file may have: the file and 1 MiB of fields.
pub fn body_limit(state: &AppState) -> usize {
    state
        .config
        .max_dataset_upload_bytes
        .saturating_add(1024 * 1024)
}

/// Streams the multipart `field` to a temporary file, hashing it; past the dataset upload
/// limit the file is removed and the upload refused at once (the rest is not read).
pub async fn spool(state: &AppState, field: &mut Field<'_>) -> Result<Spooled, Refused> {
    let limit = state.config.max_dataset_upload_bytes as u64;
    let file_name = gongkai_domain::files::clean_file_name(field.file_name().unwrap_or("数据文件"));
    let dir = spool_dir(state);
    let failed = |e: std::io::Error| {
        tracing::error!(error = %e, "spooling an upload failed");
        Refused::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::AttachmentNotSaved.render(&[("reason", &"临时文件无法写入")]),
        )
    };
    tokio::fs::create_dir_all(&dir).await.map_err(failed)?;
    let path = dir.join(format!("upload-{:016x}.part", rand::random::<u64>()));
    let mut spooled = Spooled {
        path,
        sha256: String::new(),
        size: 0,
        file_name,
    };
    let mut out = tokio::fs::File::create(&spooled.path)
        .await
        .map_err(failed)?;
    let mut hasher = Sha256::new();
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            // The body ended early or went past the request's own limit.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(Refused::too_large(state));
            }
            Err(_) => {
                return Err(Refused::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::UploadIncomplete.message(),
                ));
            }
        };
        spooled.size += chunk.len() as u64;
        if spooled.size > limit {
            return Err(Refused::too_large(state));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(failed)?;
    }
    out.flush().await.map_err(failed)?;
    drop(out);
    if spooled.size == 0 {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UploadFileRequired.message(),
        ));
    }
    spooled.sha256 = hex::encode(hasher.finalize());
    Ok(spooled)
}

/// The lower-case extension of a file name, if it has one.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.trim_end_matches(['.', ' ']).rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// How much of a file's start is read to tell its type.
const HEAD_BYTES: usize = 64 * 1024;

/// How far into a file the PDF header (`%PDF-`) may lie, as PDF readers accept it.
const PDF_HEADER_WITHIN: usize = 1024;

/// What a spooled file is, by its content: a web page refused first, PDF (`%PDF-` within the
/// first kilobyte), XLSX (an Office Open XML workbook, checked as
/// other uploads are), JSON (the whole file parsed, streamed) or CSV (text: no NUL or other
/// control bytes but tab and line breaks, not HTML); a name whose extension says otherwise is
/// refused, as other uploads are.
fn format_of(path: &Path, name: &str, size: u64, max_xlsx: usize) -> Result<UploadFormat, Refused> {
    let refused = |reason: &(dyn std::fmt::Display + Sync)| {
        Refused::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::DatasetResourceTypeRefused.render(&[("reason", reason)]),
        )
    };
    let io = |e: std::io::Error| refused(&e);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut file)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    let ext = extension(name);
    let found = if head.starts_with(b"PK\x03\x04") {
        if size > max_xlsx as u64 {
            return Err(Refused::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::DatasetXlsxTooLarge.render(&[("limit", &human_size(max_xlsx as i64))]),
            ));
        }
        let bytes = std::fs::read(path).map_err(io)?;
        match gongkai_content::sniff(&bytes, name) {
            Ok(gongkai_content::FileKind::Xlsx) => UploadFormat::Xlsx,
            Ok(other) => return Err(refused(&format!("该文件是{}", other.label()))),
            Err(e) => return Err(refused(&e)),
        }
    } else {
        // A web page is refused whatever its name, before anything else is looked for.
        let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
        let first = text.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if first == Some(b'<') {
            return Err(refused(&"该文件是网页或 XML"));
        }
        // As PDF readers do: the header within the first kilobyte.
        let pdf_head = &head[..PDF_HEADER_WITHIN.min(head.len())];
        if pdf_head.windows(5).any(|w| w == b"%PDF-") {
            UploadFormat::Pdf
        } else {
            if text
                .iter()
                .any(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')))
            {
                return Err(refused(&"无法识别的文件内容"));
            }
            let looks_json = matches!(first, Some(b'{' | b'['));
            if ext.as_deref() == Some("json") || (looks_json && ext.is_none()) {
                let reader = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
                serde_json::from_reader::<_, serde::de::IgnoredAny>(reader)
                    .map_err(|e| refused(&format!("JSON 格式有误（第 {} 行）", e.line())))?;
                UploadFormat::Json
            } else {
                UploadFormat::Csv
            }
        }
    };
    let fits = match (found, ext.as_deref()) {
        (_, None) => true,
        (UploadFormat::Csv, Some(e)) => matches!(e, "csv" | "txt" | "tsv"),
        (UploadFormat::Xlsx, Some(_)) => true, // checked by the sniffer
        (f, Some(e)) => f.extension() == e,
    };
    if !fits {
        return Err(refused(&format!(
            "文件内容为 {}，与扩展名 .{} 不符",
            found.label(),
            ext.unwrap_or_default()
        )));
    }
    Ok(found)
}

/// Checks the spooled file by content and stores it as a blob (moved into place on SQLite,
/// written in one transaction on PostgreSQL): its format and the resource's source. A refused
/// file is removed.
pub async fn store(
    state: &AppState,
    spooled: Spooled,
) -> Result<Result<(UploadFormat, Source), Refused>, WebError> {
    let path = spooled.path.clone();
    let name = spooled.file_name.clone();
    let size = spooled.size;
    let max_xlsx = state.config.max_upload_bytes;
    let checked =
        tokio::task::spawn_blocking(move || format_of(&path, &name, size, max_xlsx)).await;
    let format = match checked {
        Ok(Ok(format)) => format,
        Ok(Err(refused)) => return Ok(Err(refused)),
        Err(_) => {
            return Ok(Err(Refused::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::AttachmentNotSaved.render(&[("reason", &"文件检查未完成")]),
            )));
        }
    };
    gongkai_store::blobs::put_spooled(
        &state.store,
        &state.config.data_dir,
        &spooled.path,
        &spooled.sha256,
        spooled.size,
    )
    .await?;
    Ok(Ok((
        format,
        Source::File {
            sha256: spooled.sha256.clone(),
            file_name: spooled.file_name.clone(),
            size: i64::try_from(spooled.size).unwrap_or(i64::MAX),
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The format `bytes` named `name` is found to be, or the refusal's message.
    fn format(name: &str, bytes: &[u8]) -> Result<UploadFormat, String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gongkai-format-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join("f");
        std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
        let found = format_of(&path, name, bytes.len() as u64, 1024 * 1024).map_err(|r| r.message);
        let _ = std::fs::remove_dir_all(&dir);
        found
    }

    #[test]
    fn a_web_page_named_pdf_is_refused_and_a_csv_mentioning_pdf_is_text() {
        let page = b"<!DOCTYPE html><html><body>%PDF-1.7 </body></html>";
        assert!(format("report.pdf", page).is_err_and(|m| m.contains("网页")));
        let mut csv = "说明,值\n".repeat(200).into_bytes();
        csv.extend_from_slice(b"note,%PDF-1.4 is a header\n");
        assert!(csv.len() > PDF_HEADER_WITHIN);
        assert_eq!(format("data.csv", &csv), Ok(UploadFormat::Csv));
        let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        pdf.extend_from_slice(&[0u8; 64]);
        assert_eq!(format("a.pdf", &pdf), Ok(UploadFormat::Pdf));
        let mut late = vec![b' '; 512];
        late.extend_from_slice(&pdf);
        assert_eq!(format("late.pdf", &late), Ok(UploadFormat::Pdf));
    }
}
