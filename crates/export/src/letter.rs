//! Official letters (答复书, 告知书, 补正通知书 …) as A4 PDF in the spirit of GB/T 9704-2012.

use std::num::NonZeroU16;

use krilla::Document;
use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, Tag, TagGroup, TagKind, TagTree,
};

use crate::fonts::Metrics;
use crate::pdf::MM;
use crate::{ExportError, Fonts, wrap_cjk};

/// A printable official letter, e.g. a 政府信息公开申请答复书.
///
/// Why: the reply to an application (and later other notices) is stored as these fields, which
/// staff edit in the back office, and rendered to PDF on demand; the fields mirror the parts of
/// a Chinese official document so the layout rules live here and nowhere else.
///
/// Newlines inside `paragraphs` start a new paragraph; inside `title`, `addressee` and
/// `signature_org` they start a new line. Leading whitespace of a paragraph (the "　　" staff
/// often type themselves) is dropped: the indent is added by the layout.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Letter {
    /// The title, centred in a larger size, e.g. "政府信息公开申请答复书".
    pub title: String,
    /// The 文号 line under the title, e.g. "乌政办依复〔2026〕12号".
    pub reference: Option<String>,
    /// The addressee, flush left above the body, e.g. "张某：".
    pub addressee: String,
    /// The body paragraphs, each set with a two-character first-line indent.
    pub paragraphs: Vec<String>,
    /// The issuing office's seal line (发文机关署名), e.g. "乌恰县人民政府办公室".
    pub signature_org: String,
    /// The date line (成文日期), e.g. "2026年11月25日".
    pub date: String,
    /// A note under the date (附注), e.g. "此件依申请公开"; set in parentheses.
    pub footer_note: Option<String>,
}

impl Letter {
    /// A realistic 答复书 (outcome （一）予以公开), long enough for two pages.
    ///
    /// Why: the back office previews templates with it, and tests and the example render it.
    pub fn example() -> Self {
        Letter {
            title: "政府信息公开申请答复书".into(),
            reference: Some("乌政办依复〔2026〕12号".into()),
            addressee: "张某：".into(),
            paragraphs: vec![
                "本机关于2026年11月3日收到您通过乌恰县政务公开平台提交的政府信息公开申请（登记编号：YSQ-2026-000123），申请获取“2025年度乌恰县城乡居民最低生活保障资金发放情况”的政府信息。".into(),
                "经审查，根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，您申请获取的信息属于主动公开范围，本机关已于2026年3月15日在乌恰县人民政府门户网站“政府信息公开—法定主动公开内容—社会救助”栏目公开，网址为：https://www.wuqia.gov.cn/xxgk/WQX001-2026-000060。现将该信息的电子版随本答复书一并提供，共计12页、约3,500字。".into(),
                "您申请中提到的“各乡镇逐户发放明细”，因涉及第三方个人信息（姓名、身份证号码、银行账号等），根据《中华人民共和国政府信息公开条例》第十五条的规定，经征求第三方意见，第三方不同意公开，且本机关认为不公开不会对公共利益造成重大影响，故对该部分信息作区分处理，不予公开。".into(),
                "如您对本答复不服，可以自收到本答复书之日起六十日内向克孜勒苏柯尔克孜自治州人民政府申请行政复议，或者自收到本答复书之日起六个月内向乌恰县人民法院提起行政诉讼。".into(),
                "如对本答复有疑问，请于工作日（周一至周五10:00—13:30、16:00—19:30，北京时间）联系本机关政务公开办公室，联系电话：0908-5621234，通信地址：新疆维吾尔自治区克孜勒苏柯尔克孜自治州乌恰县迎宾路1号，邮政编码：845450。".into(),
                "特此告知。".into(),
            ],
            signature_org: "乌恰县人民政府办公室".into(),
            date: "2026年11月25日".into(),
            footer_note: Some("此件依申请公开".into()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Page geometry, GB/T 9704-2012 §5: A4, text block 156 mm × 225 mm, top margin 37 mm, left
// margin 28 mm, 22 lines of 28 characters in 3号 (16 pt); title in 2号 (22 pt); page numbers in
// 4号 (14 pt), the dash 7 mm below the text block.

const LEFT: f32 = 28.0 * MM;
const TOP: f32 = 37.0 * MM;
const TEXT_W: f32 = 156.0 * MM;
const TEXT_H: f32 = 225.0 * MM;
const LINES_PER_PAGE: f32 = 22.0;
const CHARS_PER_LINE: f32 = 28.0;
/// Vertical distance between body lines.
const PITCH: f32 = TEXT_H / LINES_PER_PAGE;
/// Horizontal room of one full-width body character (28 per line).
const CHAR_PITCH: f32 = TEXT_W / CHARS_PER_LINE;
const BODY_SIZE: f32 = 16.0;
const TITLE_SIZE: f32 = 22.0;
const FOLIO_SIZE: f32 = 14.0;
/// Title lines are set a little wider apart than body lines.
const TITLE_PITCH: f32 = PITCH * 1.2;
/// The most a justified line may stretch each gap between characters, in em; beyond it the
/// line stays ragged rather than spaced out (and copy-paste would see spaces).
const MAX_STRETCH: f32 = 0.09;
/// Documents longer than this many characters are refused.
const MAX_CHARS: usize = 200_000;

/// Renders `letter` as an A4 PDF set in `fonts`, laid out like a Chinese official document.
///
/// Why: reply letters are stored as text and must be downloadable and printable as PDF that
/// looks the same everywhere. The layout follows GB/T 9704-2012: 28 characters × 22 lines per
/// page; the title centred in 2号; the 文号 centred under it; the addressee flush left; body
/// paragraphs justified, with a two-character first-line indent and the Chinese line-breaking
/// rules of [`wrap_cjk`]; the seal line centred over the date, which stands four characters
/// from the right margin (the layout for a sealed letter, leaving room for the seal); the note
/// in parentheses below; "— 1 —" page numbers at the bottom centre; page breaks as needed,
/// never leaving the seal line and date alone on a page without body text.
///
/// The font is embedded as a subset; the PDF is tagged (title, paragraphs; page numbers as
/// artifacts) with language zh-CN, so text can be copied and read by screen readers.
///
/// Errors: [`ExportError::MissingGlyphs`] when the text has characters the font cannot print
/// (rather than printing empty boxes), [`ExportError::TooLong`] beyond 200,000 characters.
/// CPU-bound (tens of milliseconds in release): call from a blocking task in async code.
pub fn render_letter_pdf(letter: &Letter, fonts: &Fonts) -> Result<Vec<u8>, ExportError> {
    let metrics = fonts.metrics()?;
    let blocks = blocks(letter);
    check_text(&blocks, &metrics)?;
    let lines = layout(&blocks, &metrics);
    let pages = paginate(&lines);
    draw(letter, fonts, &metrics, &blocks, &lines, &pages)
}

// ---------------------------------------------------------------------------------------------
// Blocks: the letter's parts, normalised.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Title,
    Reference,
    Addressee,
    Paragraph,
    Signature,
    Date,
    Note,
}

struct Block {
    kind: Kind,
    /// Lines given by the author (split at newlines), each wrapped separately.
    texts: Vec<String>,
}

/// Removes control and invisible format characters, turns tabs and odd spaces into plain
/// spaces (the ideographic space U+3000 is kept), and drops carriage returns.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\u{3000}' => Some(c),
            '\u{AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' => None,
            c if c.is_whitespace() => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn trim(s: &str) -> String {
    s.trim().to_string()
}

fn blocks(letter: &Letter) -> Vec<Block> {
    let mut out = Vec::new();
    let mut push = |kind, text: &str, split: bool| {
        let text = clean(text);
        let texts: Vec<String> = if split {
            text.split('\n')
                .map(trim)
                .filter(|t| !t.is_empty())
                .collect()
        } else {
            let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if one.is_empty() { vec![] } else { vec![one] }
        };
        if !texts.is_empty() {
            out.push(Block { kind, texts });
        }
    };
    push(Kind::Title, &letter.title, true);
    if let Some(r) = &letter.reference {
        push(Kind::Reference, r, false);
    }
    push(Kind::Addressee, &letter.addressee, true);
    for p in &letter.paragraphs {
        // Each line of a paragraph string is a paragraph of its own.
        for line in clean(p).split('\n') {
            push(Kind::Paragraph, line, true);
        }
    }
    push(Kind::Signature, &letter.signature_org, true);
    push(Kind::Date, &letter.date, false);
    if let Some(note) = &letter.footer_note {
        let note = trim(&clean(note).replace('\n', " "));
        if !note.is_empty() {
            let wrapped = if note.starts_with(['（', '(']) {
                note
            } else {
                format!("（{note}）")
            };
            push(Kind::Note, &wrapped, false);
        }
    }
    out
}

/// Refuses text that is too long or that the font cannot print.
fn check_text(blocks: &[Block], metrics: &Metrics<'_>) -> Result<(), ExportError> {
    let chars: usize = blocks
        .iter()
        .flat_map(|b| &b.texts)
        .map(|t| t.chars().count())
        .sum();
    if chars > MAX_CHARS {
        return Err(ExportError::TooLong { chars, limit: MAX_CHARS });
    }
    let mut missing = String::new();
    for c in blocks.iter().flat_map(|b| &b.texts).flat_map(|t| t.chars()) {
        if metrics.glyph(c).is_none() && !missing.contains(c) {
            missing.push(c);
            if missing.chars().count() >= 20 {
                break;
            }
        }
    }
    for c in "— 0123456789".chars() {
        if metrics.glyph(c).is_none() && !missing.contains(c) {
            missing.push(c);
        }
    }
    crate::pdf::check_missing(&missing)
}

// ---------------------------------------------------------------------------------------------
// Layout: blocks → lines with their horizontal placement.

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    /// Extra advance after every character, in points.
    tracking: f32,
    /// Drawn with a thin outline as well as filled, for a heavier title.
    heavy: bool,
}

struct Line {
    /// Index of the block the line belongs to; `None` for blank spacing lines.
    block: Option<usize>,
    text: String,
    x: f32,
    style: Style,
    /// Target width when the line is justified.
    justify: Option<f32>,
    height: f32,
    /// Must stay on the same page as the line before it.
    keep_with_prev: bool,
}

impl Line {
    fn blank(height: f32, keep_with_prev: bool) -> Self {
        Line {
            block: None,
            text: String::new(),
            x: LEFT,
            style: Style {
                size: BODY_SIZE,
                tracking: 0.0,
                heavy: false,
            },
            justify: None,
            height,
            keep_with_prev,
        }
    }
}

fn width(text: &str, style: Style, metrics: &Metrics<'_>) -> f32 {
    text.chars().map(|c| advance(c, style, metrics)).sum()
}

fn advance(c: char, style: Style, metrics: &Metrics<'_>) -> f32 {
    metrics.glyph(c).map_or(1.0, |(_, adv)| adv) * style.size + style.tracking
}

fn layout(blocks: &[Block], metrics: &Metrics<'_>) -> Vec<Line> {
    // Body characters are tracked so that a full-width character takes exactly 1/28 of the line.
    let em = metrics.glyph('中').map_or(1.0, |(_, a)| a);
    let body = Style {
        size: BODY_SIZE,
        tracking: CHAR_PITCH - em * BODY_SIZE,
        heavy: false,
    };
    let title = Style {
        size: TITLE_SIZE,
        tracking: 0.0,
        heavy: true,
    };
    let right = LEFT + TEXT_W;
    let mut lines: Vec<Line> = Vec::new();
    let wrap = |text: &str, style: Style, first: f32, rest: f32| {
        wrap_cjk(
            text,
            |i| if i == 0 { first } else { rest },
            |c| advance(c, style, metrics),
        )
    };

    let mut prev: Option<Kind> = None;
    for (bi, block) in blocks.iter().enumerate() {
        // Spacing between parts: a blank line after the title group, and before the seal line.
        match (prev, block.kind) {
            (Some(Kind::Title | Kind::Reference), Kind::Addressee | Kind::Paragraph) => {
                lines.push(Line::blank(PITCH, false));
            }
            // Two blank lines: the seal's top comes within a line of the body (GB/T 9704
            // §7.3.5.1), with the seal line and date in its lower half.
            (Some(_), Kind::Signature) => lines.push(Line::blank(PITCH * 2.0, true)),
            _ => {}
        }
        let mut add = |text: String, x: f32, style: Style, justify: Option<f32>, height: f32| {
            // The note stays with the date above it.
            let keep = block.kind == Kind::Note;
            lines.push(Line {
                block: Some(bi),
                text,
                x,
                style,
                justify,
                height,
                keep_with_prev: keep,
            });
        };
        match block.kind {
            Kind::Title => {
                for text in &block.texts {
                    for l in wrap(text, title, TEXT_W, TEXT_W) {
                        let w = width(&l, title, metrics);
                        add(
                            l,
                            LEFT + (TEXT_W - w).max(0.0) / 2.0,
                            title,
                            None,
                            TITLE_PITCH,
                        );
                    }
                }
            }
            Kind::Reference => {
                for text in &block.texts {
                    for l in wrap(text, body, TEXT_W, TEXT_W) {
                        let w = width(&l, body, metrics);
                        add(l, LEFT + (TEXT_W - w).max(0.0) / 2.0, body, None, PITCH);
                    }
                }
            }
            Kind::Addressee => {
                for text in &block.texts {
                    for l in wrap(text, body, TEXT_W, TEXT_W) {
                        add(l, LEFT, body, None, PITCH);
                    }
                }
            }
            Kind::Paragraph | Kind::Note => {
                let indent = 2.0 * CHAR_PITCH;
                for text in &block.texts {
                    let wrapped = wrap(text, body, TEXT_W - indent, TEXT_W);
                    let n = wrapped.len();
                    for (i, l) in wrapped.into_iter().enumerate() {
                        let (x, avail) = if i == 0 {
                            (LEFT + indent, TEXT_W - indent)
                        } else {
                            (LEFT, TEXT_W)
                        };
                        let justify = (i + 1 < n).then_some(avail);
                        add(l, x, body, justify, PITCH);
                    }
                }
            }
            Kind::Signature | Kind::Date => {}
        }
        prev = Some(block.kind);
    }
    lines_for_signature(blocks, metrics, body, right, &mut lines);
    lines
}

/// The seal line and date (GB/T 9704 §7.3.5.1, 加盖印章的公文): the date four characters from
/// the right margin, the seal line centred over it, both kept on the page of the last body
/// line. Inserted before the note, whose lines were laid out already.
fn lines_for_signature(
    blocks: &[Block],
    metrics: &Metrics<'_>,
    body: Style,
    right: f32,
    lines: &mut Vec<Line>,
) {
    let date_block = blocks.iter().position(|b| b.kind == Kind::Date);
    let sig_block = blocks.iter().position(|b| b.kind == Kind::Signature);
    if date_block.is_none() && sig_block.is_none() {
        return;
    }
    let date_text = date_block.and_then(|i| blocks[i].texts.first().cloned());
    let date_w = date_text
        .as_deref()
        .map_or(0.0, |t| width(t, body, metrics));
    let date_x = (right - 4.0 * CHAR_PITCH - date_w).max(LEFT);
    // Without a date, the seal line stands where the date would have: right-spaced 4.
    let centre = if date_text.is_some() {
        date_x + date_w / 2.0
    } else {
        right - 4.0 * CHAR_PITCH - 5.0 * CHAR_PITCH
    };
    let mut out = Vec::new();
    if sig_block.is_none() {
        out.push(Line::blank(PITCH * 2.0, true));
    }
    if let Some(bi) = sig_block {
        for text in &blocks[bi].texts {
            for l in wrap_cjk(text, |_| TEXT_W, |c| advance(c, body, metrics)) {
                let w = width(&l, body, metrics);
                let x = (centre - w / 2.0).min(right - w).max(LEFT);
                out.push(Line {
                    block: Some(bi),
                    text: l,
                    x,
                    style: body,
                    justify: None,
                    height: PITCH,
                    keep_with_prev: true,
                });
            }
        }
    }
    if let (Some(bi), Some(text)) = (date_block, date_text) {
        for l in wrap_cjk(&text, |_| TEXT_W, |c| advance(c, body, metrics)) {
            let w = width(&l, body, metrics);
            out.push(Line {
                block: Some(bi),
                text: l,
                x: (right - 4.0 * CHAR_PITCH - w).max(LEFT),
                style: body,
                justify: None,
                height: PITCH,
                keep_with_prev: true,
            });
        }
    }
    // Insert before the first note line (or at the end), after the spacer already pushed.
    let at = lines
        .iter()
        .position(|l| l.block.is_some_and(|b| blocks[b].kind == Kind::Note))
        .unwrap_or(lines.len());
    lines.splice(at..at, out);
}

/// Splits the lines into pages; returns, per page, the indices of its lines.
///
/// A line that must stay with the one before it moves to the next page together with the
/// whole chain it belongs to (so the seal line and date always follow body text on their
/// page), unless the chain fills the page anyway.
fn paginate(lines: &[Line]) -> Vec<Vec<usize>> {
    let mut pages: Vec<Vec<usize>> = Vec::new();
    let mut page: Vec<usize> = Vec::new();
    let mut used = 0.0f32;
    for (i, line) in lines.iter().enumerate() {
        if used + line.height > TEXT_H + 0.5 && !page.is_empty() {
            // Find where the chain that `i` ends starts on this page.
            let mut k = page.len();
            if line.keep_with_prev {
                while k > 1 && lines[page[k - 1]].keep_with_prev {
                    k -= 1;
                }
                k -= 1;
                if k == 0 {
                    k = page.len();
                }
            }
            let carried = page.split_off(k);
            pages.push(std::mem::take(&mut page));
            used = 0.0;
            for j in carried {
                // A blank line does not open a page.
                if page.is_empty() && lines[j].block.is_none() {
                    continue;
                }
                used += lines[j].height;
                page.push(j);
            }
        }
        if page.is_empty() && line.block.is_none() {
            continue;
        }
        used += line.height;
        page.push(i);
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

// ---------------------------------------------------------------------------------------------
// Drawing.

fn draw(
    letter: &Letter,
    fonts: &Fonts,
    metrics: &Metrics<'_>,
    blocks: &[Block],
    lines: &[Line],
    pages: &[Vec<usize>],
) -> Result<Vec<u8>, ExportError> {
    let font = fonts.pdf_font();
    let mut document = Document::new();
    let settings = crate::pdf::a4()?;
    let mut ids: Vec<Vec<Identifier>> = vec![Vec::new(); blocks.len()];
    let folio = Style {
        size: FOLIO_SIZE,
        tracking: 0.0,
        heavy: false,
    };
    for (pi, page_lines) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut top = TOP;
        for &li in page_lines {
            let line = &lines[li];
            if let Some(bi) = line.block {
                let baseline = top + line.height / 2.0 + 0.36 * line.style.size;
                let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                draw_line(&mut surface, &font, metrics, line, baseline);
                surface.end_tagged();
                ids[bi].push(id);
            }
            top += line.height;
        }
        // Page number: "— 1 —", its dashes 7 mm below the text block.
        let text = format!("— {} —", pi + 1);
        let w = width(&text, folio, metrics);
        let folio_line = Line {
            block: None,
            text,
            x: LEFT + (TEXT_W - w) / 2.0,
            style: folio,
            justify: None,
            height: 0.0,
            keep_with_prev: false,
        };
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::PageNumber,
        )));
        draw_line(
            &mut surface,
            &font,
            metrics,
            &folio_line,
            TOP + TEXT_H + 7.0 * MM + 0.3 * FOLIO_SIZE,
        );
        surface.end_tagged();
        surface.finish();
        page.finish();
    }

    let mut tree = TagTree::new().with_lang(Some("zh-CN".into()));
    for (block, ids) in blocks.iter().zip(ids) {
        if ids.is_empty() {
            continue;
        }
        let kind: TagKind = match block.kind {
            Kind::Title => Tag::Hn(NonZeroU16::MIN, Some(block.texts.join(""))).into(),
            Kind::Note => Tag::Note.into(),
            _ => Tag::P.into(),
        };
        let mut group = TagGroup::new(kind);
        for id in ids {
            group.push(id);
        }
        tree.push(group);
    }
    document.set_tag_tree(tree);
    let title = clean(&letter.title).replace('\n', "");
    crate::pdf::finish(
        document,
        title.trim().to_string(),
        clean(&letter.signature_org).replace('\n', " "),
    )
}

/// Draws one line of text with its baseline at `baseline`, justified if asked.
fn draw_line(
    surface: &mut Surface<'_>,
    font: &krilla::text::Font,
    metrics: &Metrics<'_>,
    line: &Line,
    baseline: f32,
) {
    let style = line.style;
    let n = line.text.chars().count();
    let natural = width(&line.text, style, metrics);
    let stretch = match line.justify {
        Some(target) if n > 1 && target > natural => {
            let per_gap = (target - natural) / (n - 1) as f32;
            if per_gap <= MAX_STRETCH * style.size {
                per_gap
            } else {
                0.0
            }
        }
        _ => 0.0,
    };
    let glyphs = crate::pdf::glyphs(metrics, &line.text, |i, adv| {
        let extra = if i + 1 < n { stretch } else { 0.0 };
        (adv * style.size + style.tracking + extra) / style.size
    });
    crate::pdf::draw_run(
        surface,
        font,
        &glyphs,
        &line.text,
        Point::from_xy(line.x, baseline),
        style.size,
        style.heavy,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::test_fonts as fonts;

    #[test]
    fn blocks_normalise_text() {
        let letter = Letter {
            title: "  政府信息公开\n申请答复书 ".into(),
            reference: Some("  ".into()),
            addressee: "张某：\r\n".into(),
            paragraphs: vec![
                "　　第一段。\n\n第二段\t内容\u{200B}。".into(),
                "   ".into(),
            ],
            signature_org: "乌恰县人民政府办公室".into(),
            date: "2026年11月25日".into(),
            footer_note: Some("此件依申请公开".into()),
        };
        let b = blocks(&letter);
        let kinds: Vec<Kind> = b.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Title,
                Kind::Addressee,
                Kind::Paragraph,
                Kind::Paragraph,
                Kind::Signature,
                Kind::Date,
                Kind::Note
            ]
        );
        assert_eq!(b[0].texts, ["政府信息公开", "申请答复书"]);
        assert_eq!(b[1].texts, ["张某："]);
        assert_eq!(b[2].texts, ["第一段。"]);
        assert_eq!(b[3].texts, ["第二段 内容。"]);
        assert_eq!(b[6].texts, ["（此件依申请公开）"]);
    }

    #[test]
    fn a_full_line_holds_28_characters() {
        let fonts = fonts();
        let m = fonts.metrics().unwrap_or_else(|e| panic!("{e}"));
        let letter = Letter {
            paragraphs: vec!["政".repeat(26 + 28 + 5)],
            ..Letter::default()
        };
        let lines = layout(&blocks(&letter), &m);
        let counts: Vec<usize> = lines.iter().map(|l| l.text.chars().count()).collect();
        assert_eq!(counts, [26, 28, 5]);
        assert!((lines[0].x - (LEFT + 2.0 * CHAR_PITCH)).abs() < 0.01);
        assert!((lines[1].x - LEFT).abs() < 0.01);
    }

    #[test]
    fn seal_line_is_centred_over_the_date_four_characters_from_the_right() {
        let fonts = fonts();
        let m = fonts.metrics().unwrap_or_else(|e| panic!("{e}"));
        let letter = Letter::example();
        let lines = layout(&blocks(&letter), &m);
        let find = |t: &str| {
            lines
                .iter()
                .find(|l| l.text == t)
                .unwrap_or_else(|| panic!("no line {t}"))
        };
        let body = Style {
            size: BODY_SIZE,
            tracking: CHAR_PITCH - BODY_SIZE,
            heavy: false,
        };
        let date = find("2026年11月25日");
        let date_end = date.x + width(&date.text, body, &m);
        assert!((LEFT + TEXT_W - date_end - 4.0 * CHAR_PITCH).abs() < 0.5);
        let sig = find("乌恰县人民政府办公室");
        let sig_centre = sig.x + width(&sig.text, body, &m) / 2.0;
        let date_centre = date.x + width(&date.text, body, &m) / 2.0;
        assert!((sig_centre - date_centre).abs() < 0.5);
        let title = find("政府信息公开申请答复书");
        let title_w = width(&title.text, title.style, &m);
        assert!((title.x + title_w / 2.0 - (LEFT + TEXT_W / 2.0)).abs() < 0.5);
    }

    #[test]
    fn signature_never_stands_alone_on_a_page() {
        let fonts = fonts();
        let m = fonts.metrics().unwrap_or_else(|e| panic!("{e}"));
        // Vary the body length so the page break falls at every place near the end.
        for n in 15..26 {
            let letter = Letter {
                paragraphs: vec!["本机关已收到您的申请。".into(); n],
                ..Letter::example()
            };
            let bl = blocks(&letter);
            let lines = layout(&bl, &m);
            let pages = paginate(&lines);
            let last = pages.last().unwrap_or_else(|| panic!("no page"));
            assert!(
                last.iter().any(|&i| lines[i]
                    .block
                    .is_some_and(|b| bl[b].kind == Kind::Paragraph)),
                "n = {n}: last page has no body text"
            );
            for page in &pages {
                let h: f32 = page.iter().map(|&i| lines[i].height).sum();
                assert!(h <= TEXT_H + 0.5, "n = {n}: page overflows ({h})");
                assert!(lines[page[0]].block.is_some(), "page starts with a blank");
            }
        }
    }

    #[test]
    fn characters_the_font_lacks_are_refused() {
        let letter = Letter {
            paragraphs: vec!["请见附件😀。".into()],
            ..Letter::example()
        };
        match render_letter_pdf(&letter, &fonts()) {
            Err(e @ ExportError::MissingGlyphs { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains('😀'), "{msg}");
                assert!(msg.contains("fonts-noto-cjk"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn absurdly_long_letters_are_refused() {
        let letter = Letter {
            paragraphs: vec!["政".repeat(MAX_CHARS + 1)],
            ..Letter::default()
        };
        assert!(matches!(
            render_letter_pdf(&letter, &fonts()),
            Err(ExportError::TooLong { .. })
        ));
    }

    #[test]
    fn an_empty_letter_still_makes_one_page() {
        let pdf = render_letter_pdf(&Letter::default(), &fonts()).unwrap_or_else(|e| panic!("{e}"));
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
