//! A Word document (DOCX, or WPS saved as OOXML) as a record body: headings, paragraphs, lists,
//! tables and bold become HTML; the 红头 (issuing authority line) and the 文号 at the top of an
//! official document are recognised and taken out of the body.
//!
//! Everything runs under the crate's [`Limits`]: the ZIP is opened with the entry and unpacked
//! byte caps, the walk checks the time budget, and the HTML may grow no larger than the text
//! budget, so a small upload never costs gigabytes or minutes.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::archive::{Deadline, Limits, Zip};
use crate::html::escape;
use crate::ooxml::{SkipDepth, attribute, push_reference};
use crate::sniff::{FileKind, sniff};
use crate::{ContentError, guard, sanitize_html};

/// A Word document converted into a record body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxBody {
    /// The body as sanitised HTML, without the 红头 and 文号 lines.
    pub html: String,
    /// The 文号 found at the top (e.g. `乌政发〔2025〕12号`), as written.
    pub doc_number: Option<String>,
    /// The 红头 lines found at the top (e.g. `乌恰县人民政府文件`), left out of the body.
    pub red_head: Vec<String>,
}

/// Converts an uploaded Word document into a body under the default [`Limits`].
///
/// Why: county offices write their documents in Word or WPS; uploading the file keeps its
/// headings, numbered lists and tables, which retyping or pasting into a textarea loses.
/// `file_name` is checked against the content like an attachment's. A binary `.doc` or `.wps`
/// (the older WPS format) and any other type are refused with a Chinese message saying how to
/// save the file as `.docx`.
pub fn docx_to_html(bytes: &[u8], file_name: &str) -> Result<DocxBody, ContentError> {
    docx_to_html_with_limits(bytes, file_name, Limits::default())
}

/// [`docx_to_html`] under explicit [`Limits`] (tests use small ones).
pub fn docx_to_html_with_limits(
    bytes: &[u8],
    file_name: &str,
    limits: Limits,
) -> Result<DocxBody, ContentError> {
    let is_wps_name = file_name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("wps"));
    match sniff(bytes, file_name) {
        Ok(FileKind::Docx) => {}
        Ok(FileKind::Doc) if is_wps_name => return Err(not_docx("WPS 文件", "在 WPS 中")),
        Ok(FileKind::Doc) => {
            return Err(not_docx("Word 97-2003 文档（.doc）", "在 Word 或 WPS 中"));
        }
        Ok(other) => return Err(not_docx(other.label(), "将正文在 Word 或 WPS 中")),
        Err(ContentError::UnsupportedType { .. }) if is_wps_name => {
            return Err(not_docx("WPS 文件", "在 WPS 中"));
        }
        Err(e) => return Err(e),
    }
    guard(FileKind::Docx.label(), || convert(bytes, limits))
}

fn not_docx(what: &str, how: &'static str) -> ContentError {
    ContentError::NotDocx {
        what: what.to_owned(),
        how,
    }
}

fn convert(bytes: &[u8], limits: Limits) -> Result<DocxBody, ContentError> {
    let label = FileKind::Docx.label();
    let deadline = Deadline::start(&limits);
    let mut zip = Zip::open(bytes, label, limits, deadline)?;
    let document = zip
        .read_string("word/document.xml")?
        .ok_or_else(|| ContentError::malformed(label, "缺少 word/document.xml"))?;
    let styles = match zip.read_string("word/styles.xml")? {
        Some(xml) => heading_styles(&xml).map_err(|e| ContentError::malformed(label, e))?,
        None => HashMap::new(),
    };
    let numbering = match zip.read_string("word/numbering.xml")? {
        Some(xml) => bullet_levels(&xml).map_err(|e| ContentError::malformed(label, e))?,
        None => Numbering::default(),
    };
    let mut blocks = Walker {
        styles: &styles,
        numbering: &numbering,
        limits: &limits,
        deadline: &deadline,
    }
    .blocks(&document)?;
    let (doc_number, red_head) = take_red_head(&mut blocks);
    let html = render(&blocks);
    crate::extract::within_text_budget(&html, &limits)?;
    deadline.check()?;
    Ok(DocxBody {
        html: sanitize_html(&html),
        doc_number,
        red_head,
    })
}

/// Paragraph style id → heading level (1 for `heading 1` / `标题 1` / outline level 0; the
/// `Title` style counts as level 1).
fn heading_styles(xml: &str) -> Result<HashMap<String, usize>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) if e.local_name().as_ref() == "style" => {
                current = attribute(&e, "styleId");
            }
            Event::Start(e) | Event::Empty(e) => {
                let Some(id) = current.clone() else { continue };
                let level = match e.local_name().as_ref() {
                    "name" => attribute(&e, "val").and_then(|n| style_name_level(&n)),
                    "outlineLvl" => attribute(&e, "val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .filter(|l| *l < 9)
                        .map(|l| l + 1),
                    _ => None,
                };
                if let Some(level) = level {
                    out.entry(id).or_insert(level);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "style" => current = None,
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// `heading 2`, `Heading 2`, `标题 2`, `标题2` → 2; `Title`, `标题` → 1.
fn style_name_level(name: &str) -> Option<usize> {
    let lower = name.trim().to_lowercase();
    if lower == "title" || lower == "标题" {
        return Some(1);
    }
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("标题"))?;
    rest.trim()
        .parse::<usize>()
        .ok()
        .filter(|l| (1..=9).contains(l))
}

/// Which numbering instances and levels are bullets (everything else numbers).
#[derive(Debug, Default)]
struct Numbering {
    /// `numId` → `abstractNumId`.
    instances: HashMap<String, String>,
    /// `(abstractNumId, ilvl)` of bullet levels.
    bullets: Vec<(String, String)>,
}

impl Numbering {
    fn is_bullet(&self, num_id: &str, level: &str) -> bool {
        self.instances
            .get(num_id)
            .is_some_and(|abs| self.bullets.iter().any(|(a, l)| a == abs && l == level))
    }
}

fn bullet_levels(xml: &str) -> Result<Numbering, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = Numbering::default();
    let mut abstract_id: Option<String> = None;
    let mut level: Option<String> = None;
    let mut num_id: Option<String> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "abstractNum" => abstract_id = attribute(&e, "abstractNumId"),
                "lvl" => level = attribute(&e, "ilvl"),
                "numFmt" => {
                    if let (Some(a), Some(l), Some("bullet")) =
                        (&abstract_id, &level, attribute(&e, "val").as_deref())
                    {
                        out.bullets.push((a.clone(), l.clone()));
                    }
                }
                "num" => num_id = attribute(&e, "numId"),
                "abstractNumId" => {
                    if let (Some(n), Some(a)) = (&num_id, attribute(&e, "val")) {
                        out.instances.insert(n.clone(), a);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "abstractNum" => abstract_id = None,
                "num" => num_id = None,
                _ => {}
            },
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// One block of the body, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    /// A paragraph: `heading` level (0 for text), its list membership, its inline HTML and its
    /// plain text (for recognising the 红头 and 文号).
    Paragraph {
        heading: usize,
        list: Option<ListItem>,
        html: String,
        text: String,
    },
    /// A table, already HTML.
    Table(String),
}

/// A paragraph's place in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ListItem {
    ordered: bool,
    level: usize,
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct Para {
    style: Option<String>,
    outline: Option<usize>,
    num_id: Option<String>,
    level: Option<String>,
    html: String,
    text: String,
    bold_open: bool,
}

impl Para {
    fn push_text(&mut self, s: &str, bold: bool) {
        if s.is_empty() {
            return;
        }
        if bold != self.bold_open {
            self.html
                .push_str(if bold { "<strong>" } else { "</strong>" });
            self.bold_open = bold;
        }
        self.html.push_str(&escape(s));
        self.text.push_str(s);
    }

    /// Closes an open `<strong>` at the paragraph's end.
    fn close_bold(&mut self) {
        if self.bold_open {
            self.html.push_str("</strong>");
            self.bold_open = false;
        }
    }
}

/// A table being read: rows of cells of inline HTML, with each cell's column span.
#[derive(Debug, Default)]
struct Table {
    rows: Vec<Vec<(usize, String)>>,
}

impl Table {
    fn html(&self) -> String {
        let mut out = String::from("<table><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (span, cell) in row {
                if *span > 1 {
                    out.push_str(&format!("<td colspan=\"{span}\">{cell}</td>"));
                } else {
                    out.push_str(&format!("<td>{cell}</td>"));
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        out
    }
}

/// Walks `word/document.xml` into [`Block`]s.
struct Walker<'a> {
    styles: &'a HashMap<String, usize>,
    numbering: &'a Numbering,
    limits: &'a Limits,
    deadline: &'a Deadline,
}

/// Events between two checks of the time and size budgets.
const CHECK_EVERY: usize = 4096;

impl Walker<'_> {
    fn blocks(&self, xml: &str) -> Result<Vec<Block>, ContentError> {
        let label = FileKind::Docx.label();
        let mut reader = Reader::from_str(xml);
        let mut blocks = Vec::new();
        let mut para: Option<Para> = None;
        // Tables being read; a table inside a table cell is flattened into that cell's text.
        let mut table: Option<Table> = None;
        let mut table_depth = 0usize;
        let mut cell: Option<(usize, String)> = None;
        let mut in_run = false;
        let mut in_run_props = false;
        let mut bold = false;
        let mut in_text = false;
        let mut skip = SkipDepth::default();
        let mut size = 0usize;
        let mut events = 0usize;
        loop {
            events += 1;
            if events.is_multiple_of(CHECK_EVERY) {
                self.deadline.check()?;
                if size > self.limits.max_text_bytes {
                    return Err(ContentError::TextTooLarge {
                        limit: format!(
                            "文字超过 {}",
                            crate::archive::human_bytes(self.limits.max_text_bytes as u64)
                        ),
                    });
                }
            }
            let event = reader
                .read_event()
                .map_err(|e| ContentError::malformed(label, e))?;
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(event, Event::Empty(_));
                    if skip.inside_at_start(empty) {
                        continue;
                    }
                    match e.local_name().as_ref() {
                        "Fallback" | "instrText" | "delText" | "del" | "tabs" | "drawing"
                        | "pict"
                            if !empty =>
                        {
                            skip.enter();
                        }
                        "p" => {
                            para = Some(Para::default());
                            if empty {
                                self.end_paragraph(&mut para, &mut cell, table_depth, &mut blocks);
                            }
                        }
                        "pStyle" => {
                            if let Some(p) = para.as_mut() {
                                p.style = attribute(e, "val");
                            }
                        }
                        "outlineLvl" if !in_run => {
                            if let Some(p) = para.as_mut() {
                                p.outline = attribute(e, "val")
                                    .and_then(|v| v.trim().parse::<usize>().ok())
                                    .filter(|l| *l < 9)
                                    .map(|l| l + 1);
                            }
                        }
                        "numId" => {
                            if let Some(p) = para.as_mut() {
                                p.num_id = attribute(e, "val");
                            }
                        }
                        "ilvl" => {
                            if let Some(p) = para.as_mut() {
                                p.level = attribute(e, "val");
                            }
                        }
                        "r" if !empty => {
                            in_run = true;
                            bold = false;
                        }
                        "rPr" if in_run && !empty => in_run_props = true,
                        "b" if in_run_props => bold = on(e),
                        "t" if in_run && !empty => in_text = true,
                        "tab" if in_run => push(&mut para, "\u{3000}", bold),
                        "br" | "cr" if in_run => {
                            if let Some(p) = para.as_mut() {
                                p.push_text("", bold);
                                p.html.push_str("<br>");
                                p.text.push('\n');
                            }
                        }
                        "tbl" if !empty => {
                            table_depth += 1;
                            if table_depth == 1 {
                                table = Some(Table::default());
                            }
                        }
                        "tr" if table_depth == 1 && !empty => {
                            if let Some(t) = table.as_mut() {
                                t.rows.push(Vec::new());
                            }
                        }
                        "tc" if table_depth == 1 && !empty => cell = Some((1, String::new())),
                        "gridSpan" if table_depth == 1 => {
                            if let Some(c) = cell.as_mut() {
                                c.0 = attribute(e, "val")
                                    .and_then(|v| v.trim().parse::<usize>().ok())
                                    .filter(|n| (1..=1000).contains(n))
                                    .unwrap_or(1);
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => {
                    if skip.inside_at_end() {
                        continue;
                    }
                    match e.local_name().as_ref() {
                        "t" => in_text = false,
                        "rPr" => in_run_props = false,
                        "r" => {
                            in_run = false;
                            bold = false;
                        }
                        "p" => {
                            size += para.as_ref().map_or(0, |p| p.html.len());
                            self.end_paragraph(&mut para, &mut cell, table_depth, &mut blocks);
                        }
                        "tc" if table_depth == 1 => {
                            if let (Some(t), Some(c)) = (table.as_mut(), cell.take())
                                && let Some(row) = t.rows.last_mut()
                            {
                                row.push(c);
                            }
                        }
                        "tbl" => {
                            table_depth = table_depth.saturating_sub(1);
                            if table_depth == 0
                                && let Some(t) = table.take()
                            {
                                blocks.push(Block::Table(t.html()));
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if in_text && !skip.active() => {
                    push(&mut para, &t.xml10_content(), bold);
                }
                Event::CData(t) if in_text && !skip.active() => {
                    push(&mut para, &t.xml10_content(), bold);
                }
                Event::GeneralRef(r) if in_text && !skip.active() => {
                    let mut s = String::new();
                    push_reference(r, &mut s);
                    push(&mut para, &s, bold);
                }
                Event::Eof => return Ok(blocks),
                _ => {}
            }
        }
    }

    /// Ends the open paragraph: into the open table cell, or as a block of its own.
    fn end_paragraph(
        &self,
        para: &mut Option<Para>,
        cell: &mut Option<(usize, String)>,
        table_depth: usize,
        blocks: &mut Vec<Block>,
    ) {
        let Some(mut p) = para.take() else { return };
        p.close_bold();
        let Para {
            html,
            text,
            style,
            outline,
            num_id,
            level,
            ..
        } = p;
        if table_depth > 0 {
            if let Some((_, c)) = cell.as_mut()
                && !text.trim().is_empty()
            {
                if !c.is_empty() {
                    c.push_str(if table_depth > 1 { " " } else { "<br>" });
                }
                c.push_str(html.trim());
            }
            return;
        }
        if text.trim().is_empty() {
            return;
        }
        let heading = outline
            .or_else(|| style.as_ref().and_then(|s| self.styles.get(s).copied()))
            .unwrap_or(0);
        let level = level.unwrap_or_else(|| "0".to_owned());
        let list = num_id
            .filter(|n| n != "0" && heading == 0)
            .map(|num_id| ListItem {
                ordered: !self.numbering.is_bullet(&num_id, &level),
                level: level.trim().parse::<usize>().unwrap_or(0).min(5),
            });
        blocks.push(Block::Paragraph {
            heading,
            list,
            html: html.trim().to_owned(),
            text: text.trim().to_owned(),
        });
    }
}

/// Whether a toggle property (`<w:b/>`, `<w:b w:val="0"/>`) is on.
fn on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attribute(e, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

fn push(para: &mut Option<Para>, s: &str, bold: bool) {
    if let Some(p) = para.as_mut() {
        p.push_text(s, bold);
    }
}

/// How many paragraphs at the top may belong to the 红头 block.
const RED_HEAD_ZONE: usize = 6;

/// Takes the 红头 lines and the 文号 off the top of the body. The 文号 is looked for in the
/// first paragraphs; the lines above it (the issuing authority, `…文件`) are the 红头. Without a
/// 文号, a first paragraph ending in `文件` is still taken as the 红头.
fn take_red_head(blocks: &mut Vec<Block>) -> (Option<String>, Vec<String>) {
    let texts: Vec<&str> = blocks
        .iter()
        .take(RED_HEAD_ZONE)
        .map_while(|b| match b {
            Block::Paragraph { text, list: None, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let found = texts
        .iter()
        .take_while(|t| t.chars().count() <= RED_HEAD_LINE)
        .enumerate()
        .find_map(|(i, t)| number_line(t).map(|n| (i, n)));
    let (cut, number) = match found {
        Some((i, n)) => (i + 1, Some(n)),
        None => {
            let head = texts
                .iter()
                .take(2)
                .take_while(|t| is_red_head_line(t))
                .count();
            (head, None)
        }
    };
    let red_head = texts
        .iter()
        .take(cut)
        .filter(|t| number.as_deref().is_none_or(|n| !t.contains(n)))
        .map(|t| (*t).to_owned())
        .collect();
    blocks.drain(..cut);
    (number, red_head)
}

/// The longest line the 红头 block may have, in characters.
const RED_HEAD_LINE: usize = 40;

/// A 红头 line: short, and naming an authority's document (`乌恰县人民政府文件`).
fn is_red_head_line(text: &str) -> bool {
    let text = text.trim();
    text.chars().count() <= RED_HEAD_LINE && text.ends_with("文件")
}

/// The 文号 of a line that is only a 文号, or a 文号 beside the 签发人 (`乌政发〔2025〕12号
/// 签发人：…`); a 文号 quoted in a sentence is not the document's own.
fn number_line(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(n) = doc_number(text) {
        return Some(n);
    }
    if text.contains("签发人") {
        return text.split_whitespace().find_map(doc_number);
    }
    None
}

/// A 文号 such as `乌政发〔2025〕12号`, `乌政办发[2025]3号`, `新政发（2024）1号`: an issuer code of
/// Chinese characters, a four-digit year in 〔〕, [], ［］ or （）, a serial number and `号`.
pub(crate) fn doc_number(token: &str) -> Option<String> {
    let token = token.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let open = token.find(['〔', '[', '［', '（', '('])?;
    let issuer = &token[..open];
    let issuer_len = issuer.chars().count();
    if !(1..=16).contains(&issuer_len) || !issuer.chars().all(crate::html::is_cjk) {
        return None;
    }
    let mut rest = token[open..].chars();
    rest.next()?;
    let rest = rest.as_str();
    let year: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if year.len() != 4 {
        return None;
    }
    let rest = &rest[4..];
    let close = rest.chars().next()?;
    if !matches!(close, '〕' | ']' | '］' | '）' | ')') {
        return None;
    }
    let rest = &rest[close.len_utf8()..];
    let serial: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if serial.is_empty() || serial.len() > 5 || &rest[serial.len()..] != "号" {
        return None;
    }
    Some(token.to_owned())
}

/// Writes the blocks as HTML, grouping list items into (nested) `<ol>`/`<ul>`.
fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    // Open lists, innermost last: whether each is ordered.
    let mut lists: Vec<bool> = Vec::new();
    let close = |out: &mut String, ordered: bool| {
        out.push_str(if ordered { "</li></ol>" } else { "</li></ul>" });
    };
    for block in blocks {
        let item = match block {
            Block::Paragraph { list: Some(item), .. } => Some(*item),
            _ => None,
        };
        let Some(item) = item else {
            while let Some(ordered) = lists.pop() {
                close(&mut out, ordered);
            }
            match block {
                Block::Paragraph { heading, html, .. } if *heading > 0 => {
                    let level = (heading + 1).min(6);
                    out.push_str(&format!("<h{level}>{html}</h{level}>\n"));
                }
                Block::Paragraph { html, .. } => out.push_str(&format!("<p>{html}</p>\n")),
                Block::Table(html) => {
                    out.push_str(html);
                    out.push('\n');
                }
            }
            continue;
        };
        let html = match block {
            Block::Paragraph { html, .. } => html.as_str(),
            Block::Table(_) => "",
        };
        let depth = item.level + 1;
        while lists.len() > depth {
            if let Some(ordered) = lists.pop() {
                close(&mut out, ordered);
            }
        }
        if lists.len() == depth {
            if lists.last() == Some(&item.ordered) {
                out.push_str("</li>");
            } else if let Some(ordered) = lists.pop() {
                close(&mut out, ordered);
            }
        }
        while lists.len() < depth {
            out.push_str(if item.ordered { "<ol>" } else { "<ul>" });
            lists.push(item.ordered);
        }
        out.push_str("<li>");
        out.push_str(html);
    }
    while let Some(ordered) = lists.pop() {
        close(&mut out, ordered);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{self, body_docx};

    #[test]
    fn headings_paragraphs_bold_lists_and_tables_come_through() {
        let body = docx_to_html(&body_docx(None), "通知.docx").unwrap_or_else(|e| panic!("{e}"));
        let html = &body.html;
        assert!(html.contains("<h2>一、总体要求</h2>"), "{html}");
        assert!(html.contains("<h3>（一）工作目标</h3>"), "{html}");
        assert!(html.contains("<p>第一段正文。</p>"), "{html}");
        assert!(
            html.contains("<p>第二段<strong>加粗</strong>正文。</p>"),
            "{html}"
        );
        assert!(
            html.contains("<ol><li>完善制度</li><li>加强监督</li></ol>"),
            "{html}"
        );
        assert!(html.contains("<ul><li>要点甲</li></ul>"), "{html}");
        assert!(
            html.contains("<table><tbody><tr><td>项目</td><td>金额</td></tr><tr><td>培训</td><td>1200</td></tr></tbody></table>"),
            "{html}"
        );
        assert!(
            !html.contains("删除的旧文字"),
            "tracked deletions stay out: {html}"
        );
        assert_eq!(body.doc_number, None);
        assert!(body.red_head.is_empty());
        // Already canonical: sanitising again changes nothing.
        assert_eq!(sanitize_html(html), *html);
    }

    #[test]
    fn red_head_and_doc_number_are_recognised_and_left_out() {
        for number in ["乌政发〔2025〕12号", "乌政办发[2025]3号"] {
            let body = docx_to_html(
                &body_docx(Some(("乌恰县人民政府文件", number))),
                "红头.docx",
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(body.doc_number.as_deref(), Some(number));
            assert_eq!(body.red_head, vec!["乌恰县人民政府文件".to_owned()]);
            assert!(!body.html.contains("人民政府文件"), "{}", body.html);
            assert!(!body.html.contains(number), "{}", body.html);
            assert!(
                body.html.starts_with("<h2>一、总体要求</h2>"),
                "{}",
                body.html
            );
        }
    }

    #[test]
    fn doc_numbers_are_read_strictly() {
        assert_eq!(
            doc_number("乌政发〔2025〕12号").as_deref(),
            Some("乌政发〔2025〕12号")
        );
        assert_eq!(
            doc_number("新政发（2024）1号").as_deref(),
            Some("新政发（2024）1号")
        );
        assert_eq!(doc_number("乌政发〔25〕12号"), None);
        assert_eq!(doc_number("〔2025〕12号"), None);
        assert_eq!(doc_number("乌政发〔2025〕12"), None);
        assert_eq!(doc_number("见乌政发〔2025〕12号文"), None);
    }

    #[test]
    fn broken_oversized_and_foreign_files_are_refused() {
        let broken = docx_to_html(b"PK\x03\x04 not really a zip", "坏.docx");
        assert!(broken.is_err(), "{broken:?}");
        let tiny = Limits {
            max_unpacked_bytes: 64 * 1024,
            ..Limits::default()
        };
        let bomb = fixtures::docx_with_padding(1024 * 1024);
        assert!(matches!(
            docx_to_html_with_limits(&bomb, "大.docx", tiny),
            Err(ContentError::TooLarge { .. })
        ));
        let small_text = Limits {
            max_text_bytes: 16,
            ..Limits::default()
        };
        assert!(matches!(
            docx_to_html_with_limits(&body_docx(None), "通知.docx", small_text),
            Err(ContentError::TextTooLarge { .. })
        ));
        let Err(wps) = docx_to_html(&fixtures::doc(), "通知.wps") else {
            panic!("an old-format WPS file is refused")
        };
        assert!(
            wps.to_string()
                .contains("暂不能读取此 WPS 文件，请在 WPS 中另存为 .docx 后上传"),
            "{wps}"
        );
        let Err(pdf) = docx_to_html(&fixtures::pdf(), "通知.pdf") else {
            panic!("a PDF is refused")
        };
        assert_eq!(pdf.code(), "body_not_docx");
    }

    #[test]
    fn a_wps_file_saved_as_ooxml_is_read() {
        let body = docx_to_html(&body_docx(None), "通知.wps").unwrap_or_else(|e| panic!("{e}"));
        assert!(body.html.contains("<h2>一、总体要求</h2>"));
    }

    #[test]
    fn the_fixture_documents_text_converts_too() {
        let body = docx_to_html(&fixtures::docx(), "通知.docx").unwrap_or_else(|e| panic!("{e}"));
        assert!(body.html.contains(fixtures::TITLE), "{}", body.html);
        assert!(body.html.contains("<table>"), "{}", body.html);
        assert!(!body.html.contains("13800000000"), "{}", body.html);
    }
}
