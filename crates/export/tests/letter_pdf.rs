//! Renders letters to PDF and reads their text back with gongkai-content's extractor, the same
//! one that screens and indexes attachments.

use gongkai_content::{FileKind, extract_text};
use gongkai_export::{Fonts, Letter, is_closing, render_letter_pdf};

fn fonts() -> Fonts {
    Fonts::system().unwrap_or_else(|e| panic!("{e}"))
}

fn render(letter: &Letter) -> Vec<u8> {
    render_letter_pdf(letter, &fonts()).unwrap_or_else(|e| panic!("{e}"))
}

/// The extracted text as lines, without the page-number lines.
fn text_lines(pdf: &[u8]) -> Vec<String> {
    let text = extract_text(FileKind::Pdf, pdf).unwrap_or_else(|e| panic!("{e}"));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_page_number(l))
        .map(String::from)
        .collect()
}

fn is_page_number(line: &str) -> bool {
    let inner = line.trim_start_matches('—').trim_end_matches('—').trim();
    line.starts_with('—') && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
}

fn page_numbers(pdf: &[u8]) -> Vec<String> {
    let text = extract_text(FileKind::Pdf, pdf).unwrap_or_else(|e| panic!("{e}"));
    text.lines()
        .map(str::trim)
        .filter(|l| is_page_number(l))
        .map(String::from)
        .collect()
}

/// Counts pages the way a viewer does: the `/Count` of the page tree (krilla writes one
/// uncompressed page-tree node).
fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf).replace("/Type /Pages", "/Type/Pages");
    let at = text
        .find("/Type/Pages")
        .unwrap_or_else(|| panic!("no page tree"));
    let object = &text[text[..at].rfind("obj").unwrap_or(0)..];
    let count = object.find("/Count").unwrap_or_else(|| panic!("no /Count"));
    object[count + 6..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn long_letter() -> Letter {
    let mut letter = Letter::example();
    for i in 1..=6 {
        letter.paragraphs.insert(
            letter.paragraphs.len() - 1,
            format!(
                "{i}. 关于第{i}项申请内容（文号：乌政发〔2025〕{n}号），经检索本机关2019年至2025年的发文记录，共找到相关文件{i}件，合计{p}页；其中《乌恰县城乡居民最低生活保障实施细则》已于2025年6月1日公开，可在门户网站“政策文件”栏目查阅、下载。",
                n = 10 + i,
                p = 3 * i
            ),
        );
    }
    letter
}

#[test]
fn every_paragraph_comes_back_in_order() {
    let letter = long_letter();
    let pdf = render(&letter);
    // Lines joined without separators: a paragraph wrapped over lines (and pages) reads as
    // one string again, character for character, spaces included.
    let all = text_lines(&pdf).concat();
    let mut from = 0;
    let mut expected = vec![letter.title.clone()];
    expected.extend(letter.reference.clone());
    expected.push(letter.addressee.clone());
    expected.extend(letter.paragraphs.iter().cloned());
    expected.push(letter.signature_org.clone());
    expected.push(letter.date.clone());
    expected.push(format!(
        "（{}）",
        letter.footer_note.clone().unwrap_or_default()
    ));
    for part in expected {
        match all[from..].find(&part) {
            Some(at) => from += at + part.len(),
            None => panic!(
                "missing or out of order: {part}\n--- after byte {from} of:\n{}",
                &all[from..]
            ),
        }
    }
}

#[test]
fn a_long_letter_breaks_into_numbered_pages() {
    let pdf = render(&long_letter());
    let pages = page_count(&pdf);
    assert!(pages > 1, "{pages} page(s)");
    let numbers = page_numbers(&pdf);
    let expected: Vec<String> = (1..=pages).map(|n| format!("— {n} —")).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn a_short_letter_is_one_page() {
    let letter = Letter {
        paragraphs: vec!["您申请公开的信息不属于本机关负责公开的范围。".into()],
        ..Letter::example()
    };
    let pdf = render(&letter);
    assert_eq!(page_count(&pdf), 1);
    assert_eq!(page_numbers(&pdf), ["— 1 —"]);
}

#[test]
fn no_printed_line_begins_with_closing_punctuation() {
    let pdf = render(&long_letter());
    let lines = text_lines(&pdf);
    assert!(lines.len() > 30, "{lines:?}");
    for line in &lines {
        let first = line.chars().next().unwrap_or(' ');
        assert!(!is_closing(first), "line begins with {first}: {line}");
    }
}

#[test]
fn the_font_is_embedded_as_a_subset_and_the_pdf_is_tagged() {
    let pdf = render(&long_letter());
    let raw = String::from_utf8_lossy(&pdf);
    // Embedded (FontFile2 for TrueType outlines, FontFile3 for CFF), subset (tag prefix
    // "ABCDEF+"), with a ToUnicode map for copy and paste.
    assert!(raw.contains("/FontFile2") || raw.contains("/FontFile3"));
    assert!(raw.contains("/ToUnicode"));
    let raw = raw.replace("/BaseFont /", "/BaseFont/");
    let subset_tag = raw.find("/BaseFont/").map(|at| &raw[at + 10..at + 17]);
    assert!(
        subset_tag
            .is_some_and(|t| t.ends_with('+') && t[..6].chars().all(|c| c.is_ascii_uppercase())),
        "{subset_tag:?}"
    );
    assert!(raw.contains("/StructTreeRoot"));
    assert!(raw.contains("/MarkInfo"));
    // A subset of a multi-megabyte font: the whole letter stays small.
    assert!(pdf.len() < 300_000, "{} bytes", pdf.len());
}
