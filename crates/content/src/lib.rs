//! Content handling for gongkai: the heavy format libraries live here, in a leaf crate, so the
//! rest of the workspace recompiles fast.
//!
//! - [`sanitize_html`], [`html_to_text`], [`text_to_html`]: the one rich-text policy for record
//!   bodies, including the clean-up of HTML pasted from Word or WPS; [`body_html`]: the one
//!   decision whether a typed body is HTML or plain text (which becomes paragraphs).
//! - [`docx_to_html`]: a Word document uploaded as a body (headings, lists, tables, bold; the
//!   红头 and 文号 recognised).
//! - [`sniff`] and [`FileKind`]: attachment types decided by content, not by name.
//! - [`extract_text`]: the text of PDF, Word, Excel, PowerPoint and OFD attachments for
//!   screening and search, with zip-bomb [`Limits`].
//! - [`table`]: CSV and XLSX files read as typed tables for the datastore (encoding, delimiter,
//!   header and column types found by looking), within [`TableLimits`]; [`neutralise_formula`]
//!   for every spreadsheet export.
//!
//! The crate does no I/O beyond the bytes and strings it is given: no database, no network, no
//! files. Every parser of untrusted input runs behind a panic guard, so a hostile file yields a
//! [`ContentError`], never a crash of the request.

mod archive;
mod doc;
mod docx_html;
mod error;
mod extract;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod html;
mod ooxml;
mod pdf_budget;
mod sniff;
pub mod table;

pub use archive::Limits;
pub use docx_html::{DocxBody, docx_to_html, docx_to_html_with_limits};
pub use error::ContentError;
pub use extract::{extract_text, extract_text_with_limits};
pub use html::{body_html, html_to_text, looks_like_html, sanitize_html, text_to_html};
pub use sniff::{FileKind, sniff};
pub use table::{TableLimits, neutralise_formula};

/// Runs a parser of untrusted bytes, turning a panic inside a third-party library into
/// [`ContentError::Malformed`] for `label`.
pub(crate) fn guard<T>(
    label: &'static str,
    parse: impl FnOnce() -> Result<T, ContentError>,
) -> Result<T, ContentError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse))
        .unwrap_or_else(|_| Err(ContentError::malformed(label, "解析器内部错误")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_panics_into_errors() {
        let r: Result<(), _> = guard("PDF 文档", || panic!("boom"));
        assert!(matches!(
            r,
            Err(ContentError::Malformed { kind: "PDF 文档", .. })
        ));
        assert_eq!(guard("PDF 文档", || Ok(1)), Ok(1));
    }
}
