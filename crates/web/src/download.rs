//! Sending stored files: the type of a stored kind, the `Content-Disposition` with the original
//! name, and the bytes from the blob store.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_store::attachments;

use crate::WebError;
use crate::state::AppState;
use crate::view::urls::urlencode;

/// `Cache-Control` of every answer holding personal data: staff pages, letters, a citizen's own
/// status and attachments. `no-store` keeps it out of shared and browser caches alike.
pub const PRIVATE_NO_STORE: &str = "private, no-store";

/// Longest file name sent in `Content-Disposition`, in characters (the extension is kept).
pub const MAX_FILE_NAME_CHARS: usize = 100;

/// A file name safe to show and send: control characters and bidirectional/invisible format
/// characters (which can make `invoice\u{202E}exe.pdf` read as "invoicefdp.exe") removed, and cut
/// to [`MAX_FILE_NAME_CHARS`] keeping the extension.
pub fn clean_file_name(name: &str) -> String {
    let kept: Vec<char> = name
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(*c as u32,
                    0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF)
        })
        .collect();
    if kept.len() <= MAX_FILE_NAME_CHARS {
        return kept.into_iter().collect();
    }
    let ext_start = kept
        .iter()
        .rposition(|c| *c == '.')
        .filter(|i| kept.len() - i <= 10)
        .unwrap_or(kept.len());
    let ext = &kept[ext_start..];
    kept[..MAX_FILE_NAME_CHARS - ext.len()]
        .iter()
        .chain(ext)
        .collect()
}

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

/// A stored blob as a download with its original file name and the type of its stored kind
/// (not cached: callers that serve public files add their own caching).
pub async fn send_blob(
    state: &AppState,
    sha256: &str,
    kind: &str,
    file_name: &str,
) -> Result<Response, WebError> {
    let bytes = attachments::read_blob(&state.config.data_dir, sha256).await?;
    let mime = file_kind(kind).map_or("application/octet-stream", |k| k.mime());
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
            (header::CACHE_CONTROL, PRIVATE_NO_STORE.to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_bidi_controls_and_length() {
        assert_eq!(clean_file_name("invoice\u{202E}exe.pdf"), "invoiceexe.pdf");
        assert_eq!(clean_file_name("a\u{2066}b\u{200F}\n.docx"), "ab.docx");
        let long = format!("{}.pdf", "名".repeat(5000));
        let clean = clean_file_name(&long);
        assert_eq!(clean.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(clean.ends_with(".pdf"));
        assert!(disposition(&long).len() < 1200);
        assert!(!disposition("x\u{202E}fdp.exe").contains("%E2%80%AE"));
    }
}
