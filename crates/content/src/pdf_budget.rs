//! A resource budget for PDFs, checked before the PDF library sees the file.
//!
//! Why: `pdf-extract` (through `lopdf`) inflates every FlateDecode stream in full and keeps
//! roughly a hundred times the inflated size in memory, so a 20 KB upload could raise the
//! server's memory by more than a gigabyte. Here every stream is inflated once with a
//! constant-memory decoder and counted; a file over budget is refused with
//! [`ContentError::TextTooLarge`] before any large allocation.

use std::io::Read;

use crate::ContentError;
use crate::archive::{Deadline, Limits, human_bytes};

/// Checks the stream count and the total inflated size of all streams of a PDF.
///
/// Every `stream` keyword starts a candidate: its data is inflated (zlib) until its end, an
/// error, or the remaining budget is passed. Data that is not zlib counts as nothing, which is
/// what the PDF library would make of it under FlateDecode too. The scan does not trust
/// `/Length`, so a lying length cannot hide a stream. The scan stops at `deadline`.
pub(crate) fn check(
    bytes: &[u8],
    limits: &Limits,
    deadline: &Deadline,
) -> Result<(), ContentError> {
    let mut streams = 0usize;
    let mut inflated: u64 = 0;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut at = 0usize;
    while let Some(found) = find(&bytes[at..], b"stream") {
        deadline.check()?;
        let keyword = at + found;
        at = keyword + b"stream".len();
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        let data = match bytes.get(at..) {
            Some([b'\r', b'\n', rest @ ..]) | Some([b'\n', rest @ ..]) => rest,
            _ => continue,
        };
        streams += 1;
        if streams > limits.max_pdf_streams {
            return Err(ContentError::TextTooLarge {
                limit: format!("{} 个数据流", limits.max_pdf_streams),
            });
        }
        let remaining = limits.max_pdf_inflated_bytes.saturating_sub(inflated);
        let mut decoder = flate2::read::ZlibDecoder::new(data).take(remaining.saturating_add(1));
        loop {
            deadline.check()?;
            match decoder.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => inflated += n as u64,
            }
            if inflated > limits.max_pdf_inflated_bytes {
                return Err(ContentError::TextTooLarge {
                    limit: format!("解压后 {}", human_bytes(limits.max_pdf_inflated_bytes)),
                });
            }
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap_or_else(|e| panic!("{e}"));
        e.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    fn check_now(pdf: &[u8], limits: &Limits) -> Result<(), ContentError> {
        check(pdf, limits, &Deadline::start(limits))
    }

    fn pdf_with(streams: &[Vec<u8>]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        for (i, s) in streams.iter().enumerate() {
            pdf.extend_from_slice(
                format!(
                    "{} 0 obj <</Length {} /Filter /FlateDecode>>\nstream\n",
                    i + 1,
                    s.len()
                )
                .as_bytes(),
            );
            pdf.extend_from_slice(s);
            pdf.extend_from_slice(b"\nendstream\nendobj\n");
        }
        pdf
    }

    #[test]
    fn counts_inflated_bytes_across_streams() {
        let limits = Limits {
            max_pdf_inflated_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let half = deflate(&vec![b'x'; 600 * 1024]);
        assert_eq!(
            check_now(&pdf_with(std::slice::from_ref(&half)), &limits),
            Ok(())
        );
        assert_eq!(
            check_now(&pdf_with(&[half.clone(), half]), &limits),
            Err(ContentError::TextTooLarge {
                limit: "解压后 1 MB".into()
            })
        );
    }

    #[test]
    fn counts_streams_and_ignores_endstream() {
        let limits = Limits {
            max_pdf_streams: 2,
            ..Limits::default()
        };
        let small = deflate(b"BT ET");
        assert_eq!(
            check_now(&pdf_with(&[small.clone(), small.clone()]), &limits),
            Ok(())
        );
        assert!(matches!(
            check_now(&pdf_with(&[small.clone(), small.clone(), small]), &limits),
            Err(ContentError::TextTooLarge { .. })
        ));
    }
}
