//! Text extraction from attachments, for content screening and search.

use std::io::Cursor;

use calamine::{DataRef, Reader};

use crate::archive::{Deadline, Limits, Zip};
use crate::sniff::FileKind;
use crate::{ContentError, guard};

/// The text of an attachment of a known kind (see [`crate::sniff`]), with default [`Limits`].
///
/// Why: screening must find personal data and secret markings inside attachments before they
/// are published, and search indexes their words. PDF, DOCX, XLSX/XLS (every sheet; cells
/// separated by tabs, rows by lines, each sheet headed by its name), PPTX, OFD and DOC (best
/// effort) give their text; images and archives give an empty string. Broken or hostile files
/// give an error and never a panic.
///
/// Every format is read under [`Limits`]: ZIP-based formats are unpacked with byte and entry
/// budgets, a PDF's streams are inflated once with a constant-memory decoder and counted before
/// the PDF library sees the file, and the extracted text is capped. Over a budget the answer is
/// [`ContentError::TextTooLarge`] («附件内容过大，未能提取文字»). Callers keep the upload size
/// limit in front of this and run it on a blocking thread (`tokio::task::spawn_blocking`).
pub fn extract_text(kind: FileKind, bytes: &[u8]) -> Result<String, ContentError> {
    extract_text_with_limits(kind, bytes, Limits::default())
}

/// [`extract_text`] with explicit unpacking [`Limits`] for ZIP-based formats.
///
/// Why: a deployment or a test may need tighter (or looser) zip-bomb limits than the default
/// 200 MiB / 10,000 entries.
pub fn extract_text_with_limits(
    kind: FileKind,
    bytes: &[u8],
    limits: Limits,
) -> Result<String, ContentError> {
    if bytes.is_empty() {
        return Err(ContentError::Empty);
    }
    let label = kind.label();
    let deadline = Deadline::start(&limits);
    let text = guard(label, || match kind {
        FileKind::Pdf => pdf_text(bytes, &limits, deadline),
        FileKind::Docx | FileKind::Pptx | FileKind::Ofd => {
            crate::ooxml::package_text(kind, bytes, limits, deadline)
        }
        FileKind::Xlsx => xlsx_text(bytes, limits, deadline),
        FileKind::Xls => xls_text(bytes),
        FileKind::Doc => crate::doc::doc_text(bytes),
        FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Zip => Ok(String::new()),
    })?;
    within_text_budget(&text, &limits)?;
    Ok(tidy(&text))
}

/// Refuses a text longer than [`Limits::max_text_bytes`]; extractors also call it between
/// parts so that they stop early.
pub(crate) fn within_text_budget(text: &str, limits: &Limits) -> Result<(), ContentError> {
    if text.len() > limits.max_text_bytes {
        return Err(text_too_large(limits));
    }
    Ok(())
}

fn text_too_large(limits: &Limits) -> ContentError {
    ContentError::TextTooLarge {
        limit: format!(
            "文字超过 {}",
            crate::archive::human_bytes(limits.max_text_bytes as u64)
        ),
    }
}

/// Trims line ends, drops blank lines and the replacement characters of unmappable glyphs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.extend(line.chars().filter(|&c| c != '\u{FFFD}' && c != '\0'));
    }
    out
}

fn pdf_text(bytes: &[u8], limits: &Limits, deadline: Deadline) -> Result<String, ContentError> {
    let label = FileKind::Pdf.label();
    crate::pdf_budget::check(bytes, limits, &deadline)?;
    // The PDF library cannot be interrupted; within the byte budget it finishes, and a text it
    // took too long for is still refused, so the time budget means one thing for every format.
    let text = pdf_extract::extract_text_from_mem(bytes).map_err(|e| {
        let detail = e.to_string();
        if detail.contains("crypt") || detail.contains("password") {
            ContentError::Encrypted { kind: label }
        } else {
            ContentError::malformed(label, detail)
        }
    })?;
    deadline.check()?;
    Ok(text)
}

/// XLSX cells are streamed (not expanded into a dense grid), after the archive's real
/// unpacked size has been checked, so a sheet declaring a million rows costs only its cells.
fn xlsx_text(bytes: &[u8], limits: Limits, deadline: Deadline) -> Result<String, ContentError> {
    let label = FileKind::Xlsx.label();
    Zip::open(bytes, label, limits, deadline)?.verify_all()?;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| ContentError::malformed(label, e))?;
    let mut out = String::new();
    for name in book.sheet_names() {
        let mut cells: Vec<((u32, u32), String)> = Vec::new();
        let mut held = out.len();
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| ContentError::malformed(label, e))?;
        let mut read = 0u32;
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| ContentError::malformed(label, e))?
        {
            read = read.wrapping_add(1);
            if read.is_multiple_of(4096) {
                deadline.check()?;
            }
            let text = cell_text(cell.get_value());
            if !text.is_empty() {
                held = held.saturating_add(text.len() + 1);
                if held > limits.max_text_bytes {
                    return Err(text_too_large(&limits));
                }
                cells.push((cell.get_position(), text));
            }
        }
        drop(reader);
        cells.sort_by_key(|(pos, _)| *pos);
        push_sheet(&mut out, &name, cells);
    }
    Ok(out)
}

fn xls_text(bytes: &[u8]) -> Result<String, ContentError> {
    let label = FileKind::Xls.label();
    let mut book: calamine::Xls<_> =
        calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsError::Password => ContentError::Encrypted { kind: label },
            e => ContentError::malformed(label, e),
        })?;
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ContentError::malformed(label, e))?;
        let cells = range
            .used_cells()
            .map(|(row, col, value)| {
                let text = value.to_string().replace(['\t', '\r', '\n'], " ");
                let at = (
                    u32::try_from(row).unwrap_or(u32::MAX),
                    u32::try_from(col).unwrap_or(u32::MAX),
                );
                (at, text)
            })
            .filter(|(_, t)| !t.is_empty())
            .collect();
        push_sheet(&mut out, &name, cells);
    }
    Ok(out)
}

/// Appends one sheet: its name, then one line per row with cells separated by tabs
/// (empty cells in between keep their place).
fn push_sheet(out: &mut String, name: &str, cells: Vec<((u32, u32), String)>) {
    out.push_str(name);
    out.push('\n');
    let mut row: Option<u32> = None;
    let mut col = 0u32;
    for ((r, c), text) in cells {
        if row != Some(r) {
            if row.is_some() {
                out.push('\n');
            }
            row = Some(r);
        } else {
            // At most a few separators, however wide the gap.
            for _ in col..c.min(col.saturating_add(8)) {
                out.push('\t');
            }
        }
        out.push_str(&text);
        col = c;
    }
    out.push_str("\n\n");
}

fn cell_text(value: &DataRef<'_>) -> String {
    let text = match value {
        DataRef::Empty => return String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    };
    text.replace(['\t', '\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn text(kind: FileKind, bytes: &[u8]) -> String {
        extract_text(kind, bytes).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
    }

    #[test]
    fn docx_planted_data_and_structure() {
        let t = text(FileKind::Docx, &fixtures::docx());
        for planted in fixtures::PLANTED {
            assert!(t.contains(planted), "{planted} missing in:\n{t}");
        }
        assert!(t.contains(fixtures::PLANTED_SENTENCE), "{t}");
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "乌恰县人民政府办公室关于做好政务公开工作的通知");
        assert!(lines.contains(&"姓名\t联系电话"), "{t}");
        assert!(lines.contains(&"张三 （经办人）\t13912345678"), "{t}");
        assert!(t.contains("A&B <公开>"), "references resolved: {t}");
        assert!(t.contains("文本框里的话"), "{t}");
        assert_eq!(
            t.matches("文本框里的话").count(),
            1,
            "fallback copy skipped: {t}"
        );
        assert!(!t.contains("HYPERLINK"), "field codes skipped: {t}");
        assert!(t.contains("链接文字"), "field result kept: {t}");
        assert!(
            t.contains("删除的旧电话 13800000000"),
            "tracked deletions are screened: {t}"
        );
        assert!(t.contains("内部资料 注意保存"), "header text: {t}");
        assert!(t.contains("第 1 页"), "footer text: {t}");
    }

    #[test]
    fn xlsx_planted_data_in_every_sheet() {
        let t = text(FileKind::Xlsx, &fixtures::xlsx());
        for planted in fixtures::PLANTED {
            assert!(t.contains(planted), "{planted} missing in:\n{t}");
        }
        assert_eq!(
            t,
            "联系人\n姓名\t身份证号\t手机\n张三\t11010519491231002X\t13912345678\n李四\t\t\t备注：6222021234567890128\n\
             汇总\n合计\t2\n说明\t联系人身份证号 11010519491231002X，手机 13912345678\nA&B\n密级\t内部资料"
        );
    }

    #[test]
    fn pdf_planted_data_and_chinese_text() {
        let t = text(FileKind::Pdf, &fixtures::pdf());
        for planted in fixtures::PLANTED {
            assert!(t.contains(planted), "{planted} missing in:\n{t}");
        }
        assert!(t.contains("乌恰县人民政府办公室"), "{t}");
        assert!(t.contains(fixtures::PLANTED_SENTENCE), "{t}");
    }

    #[test]
    fn doc_best_effort_text() {
        let t = text(FileKind::Doc, &fixtures::doc());
        assert!(t.contains(fixtures::PLANTED_SENTENCE), "{t}");
        assert!(t.contains("Tel: 0908-4581234"), "8-bit pieces: {t}");
        assert!(t.contains("链接文字") && !t.contains("HYPERLINK"), "{t}");
    }

    #[test]
    fn pptx_and_ofd_text() {
        let t = text(FileKind::Pptx, &fixtures::pptx());
        assert_eq!(
            t,
            "第一张：工作汇报\n联系人身份证号 11010519491231002X，手机 13912345678\n第二张\n备注：内部资料"
        );
        let t = text(FileKind::Ofd, &fixtures::ofd());
        assert_eq!(
            t,
            "乌恰县人民政府\n联系人身份证号 11010519491231002X，手机 13912345678\n第二页"
        );
    }

    #[test]
    fn images_and_archives_have_no_text() {
        assert_eq!(text(FileKind::Png, &fixtures::png()), "");
        assert_eq!(text(FileKind::Jpeg, &fixtures::jpeg()), "");
        assert_eq!(text(FileKind::Gif, &fixtures::gif()), "");
        assert_eq!(text(FileKind::Zip, &fixtures::plain_zip()), "");
        assert_eq!(extract_text(FileKind::Pdf, b""), Err(ContentError::Empty));
    }

    /// Truncated, garbage and wrong-kind input gives an error for every kind, never a panic.
    #[test]
    fn broken_files_are_errors_not_panics() {
        let documents = [
            (FileKind::Pdf, fixtures::pdf()),
            (FileKind::Docx, fixtures::docx()),
            (FileKind::Xlsx, fixtures::xlsx()),
            (FileKind::Pptx, fixtures::pptx()),
            (FileKind::Ofd, fixtures::ofd()),
            (FileKind::Doc, fixtures::doc()),
        ];
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        for (kind, full) in &documents {
            for cut in [1usize, 8, 64, full.len() / 3, full.len() / 2] {
                // Truncation may leave a readable prefix of a PDF; what matters is no panic.
                let _ = extract_text(*kind, &full[..cut]);
            }
            assert!(
                extract_text(*kind, &garbage).is_err(),
                "{kind:?} accepted garbage"
            );
            let mut wrong = b"%PDF-1.7\n".to_vec();
            wrong.extend_from_slice(&garbage);
            if *kind != FileKind::Pdf {
                assert!(
                    extract_text(*kind, &wrong).is_err(),
                    "{kind:?} accepted a PDF"
                );
            }
        }
        for kind in [FileKind::Xls, FileKind::Xlsx, FileKind::Doc] {
            assert!(
                extract_text(kind, &fixtures::xls_like_ole()).is_err() || kind == FileKind::Xls
            );
            assert!(extract_text(kind, &garbage).is_err());
        }
        // A PDF whose xref and objects are broken but whose header is right.
        let mut pdf = fixtures::pdf();
        let middle = pdf.len() / 2;
        pdf.truncate(middle);
        pdf.extend_from_slice(b"\nstartxref\n999999\n%%EOF");
        let _ = extract_text(FileKind::Pdf, &pdf);
    }

    /// Bytes flipped all over the PDF and DOCX fixtures: errors or text, never a panic.
    #[test]
    fn mutated_files_never_panic() {
        let mut seed = 0x2018_0522_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (kind, original) in [
            (FileKind::Pdf, fixtures::pdf()),
            (FileKind::Docx, fixtures::docx()),
            (FileKind::Doc, fixtures::doc()),
        ] {
            for _ in 0..150 {
                let mut bytes = original.clone();
                for _ in 0..(1 + next() % 8) {
                    let at = (next() % bytes.len() as u64) as usize;
                    bytes[at] = (next() % 256) as u8;
                }
                let _ = extract_text(kind, &bytes);
            }
        }
    }

    #[test]
    fn zip_bombs_are_refused() {
        let limits = Limits {
            max_unpacked_bytes: 256 * 1024,
            ..Limits::default()
        };
        let bomb = fixtures::docx_with_padding(1024 * 1024);
        assert!(bomb.len() < 64 * 1024, "compressed {} bytes", bomb.len());
        for kind in [
            FileKind::Docx,
            FileKind::Xlsx,
            FileKind::Pptx,
            FileKind::Ofd,
        ] {
            match extract_text_with_limits(kind, &bomb, limits) {
                Err(ContentError::TooLarge { limit }) => assert_eq!(limit, "256 KB"),
                other => panic!("{kind:?}: {other:?}"),
            }
        }
        assert!(extract_text(FileKind::Docx, &bomb).is_ok());
    }

    /// Past the time budget, a PDF or ZIP-based file is refused with the same finding as one
    /// over a byte budget, from inside the inflating loops: the budget is a parameter, so the
    /// test waits milliseconds, not the default ten seconds.
    #[test]
    fn extraction_stops_at_the_time_budget() {
        use std::time::{Duration, Instant};
        let roomy = Limits {
            max_pdf_inflated_bytes: 4 * 1024 * 1024,
            max_unpacked_bytes: 4 * 1024 * 1024,
            ..Limits::default()
        };
        let hurried = Limits {
            max_pdf_inflated_bytes: 1 << 40,
            max_unpacked_bytes: 1 << 40,
            max_text_bytes: usize::MAX,
            // Already past at the first check, so the test does not race the machine's speed.
            max_time: Duration::ZERO,
            ..Limits::default()
        };
        let pdf = fixtures::pdf_bomb(24);
        let docx = fixtures::docx_with_padding(24 * 1024 * 1024);
        for (kind, bytes, byte_budget) in [
            (FileKind::Pdf, &pdf, "解压后 4 MB"),
            (FileKind::Docx, &docx, "4 MB"),
            (FileKind::Xlsx, &docx, "4 MB"),
        ] {
            // Under the default ten seconds the byte budget is what stops it ...
            let err = extract_text_with_limits(kind, bytes, roomy).err();
            assert!(
                matches!(&err, Some(ContentError::TextTooLarge { limit } | ContentError::TooLarge { limit }) if limit == byte_budget),
                "{kind:?}: {err:?}"
            );
            // ... and with no byte budget to speak of, the deadline stops it mid-stream.
            let started = Instant::now();
            let err = extract_text_with_limits(kind, bytes, hurried).err();
            let took = started.elapsed();
            match &err {
                Some(e @ ContentError::TextTooLarge { limit }) => {
                    assert!(limit.starts_with("处理时间超过"), "{limit}");
                    assert!(e.to_string().starts_with("附件内容过大，未能提取文字"));
                }
                other => panic!("{kind:?}: {other:?}"),
            }
            assert!(took < Duration::from_millis(500), "{kind:?} took {took:?}");
        }
    }

    #[test]
    fn tidy_drops_blank_lines_and_trailing_space() {
        assert_eq!(tidy("  a \n\n \t\nb\u{FFFD}\t\n"), "  a\nb");
    }

    /// A PDF as the export crate will make it — krilla, with a real CJK font subset embedded —
    /// keeps its Chinese text extractable.
    #[test]
    fn krilla_pdf_with_embedded_cjk_font_round_trips() {
        let font_paths = [
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        ];
        let Some(data) = font_paths.iter().find_map(|p| std::fs::read(p).ok()) else {
            panic!(
                "no CJK font found (looked at {font_paths:?}); install the Debian package fonts-wqy-microhei"
            )
        };
        let font = krilla::text::Font::new(data.into(), 0)
            .unwrap_or_else(|| panic!("the CJK font could not be loaded"));
        let mut document = krilla::Document::new();
        let settings = krilla::page::PageSettings::from_wh(595.0, 842.0)
            .unwrap_or_else(|| panic!("page size"));
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let lines = [
            "乌恰县人民政府办公室关于做好政务公开工作的通知",
            fixtures::PLANTED_SENTENCE,
            "银行卡号 6222021234567890128　内部资料",
        ];
        for (i, line) in lines.iter().enumerate() {
            surface.draw_text(
                krilla::geom::Point::from_xy(56.0, 80.0 + 30.0 * i as f32),
                font.clone(),
                14.0,
                line,
                false,
                krilla::text::TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
        let pdf = document
            .finish()
            .unwrap_or_else(|e| panic!("krilla: {e:?}"));
        assert_eq!(sniff_kind(&pdf), FileKind::Pdf);
        let t = text(FileKind::Pdf, &pdf);
        for line in lines {
            assert!(t.contains(line), "{line} missing in:\n{t}");
        }
    }

    fn sniff_kind(bytes: &[u8]) -> FileKind {
        crate::sniff(bytes, "x.pdf").unwrap_or_else(|e| panic!("{e}"))
    }
}
