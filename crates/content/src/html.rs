//! Rich text of record bodies: the one sanitising policy, clean-up of HTML pasted from
//! Microsoft Word or WPS, and conversions between HTML and plain text.
//!
//! Record bodies are stored as sanitised HTML. [`sanitize_html`] is the only way untrusted HTML
//! becomes a body; [`html_to_text`] gives screening and search the visible text;
//! [`text_to_html`] turns plain-text or Markdown-ish documents (the import corpus) into a body.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Elements a government document body may contain. Everything else is unwrapped (its text
/// stays) or, for the elements in [`DROPPED_WITH_CONTENT`], removed with its content.
///
/// `span` is deliberately absent: no span attribute survives the policy (`style`, `class` and
/// `lang` are all dropped), so every span would be an empty wrapper; unwrapping them is the
/// "remove empty spans" step of the Word clean-up and changes nothing visible.
const TAGS: &[&str] = &[
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "blockquote",
    "a",
    "img",
    "div",
    "hr",
    "pre",
    "code",
];

/// Elements removed together with everything inside them: scripts and styles, and the
/// metadata a Word document carries (`<title>`, `<xml>` data islands).
const DROPPED_WITH_CONTENT: &[&str] = &["script", "style", "title", "xml", "template"];

/// The sanitising policy, built once.
static POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(policy);

fn policy() -> ammonia::Builder<'static> {
    let attrs: HashMap<&'static str, HashSet<&'static str>> = [
        ("a", ["href", "title"].as_slice()),
        ("img", &["src", "alt", "title", "width", "height"]),
        ("td", &["colspan", "rowspan"]),
        ("th", &["colspan", "rowspan", "scope"]),
    ]
    .into_iter()
    .map(|(tag, names)| (tag, names.iter().copied().collect()))
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attrs)
        // `dir` keeps right-to-left paragraphs (Uyghur, Kyrgyz) readable; its value is checked.
        .generic_attributes(["dir"].into_iter().collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    builder
}

/// Checks the values ammonia cannot: numbers where numbers belong, `dir` keywords, and no
/// `mailto:` image sources.
fn filter_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    match (element, attribute) {
        ("td" | "th", "colspan" | "rowspan") => bounded_number(value, 1000),
        ("img", "width" | "height") => bounded_number(value.trim().trim_end_matches("px"), 10_000),
        ("img", "src") => {
            let compact: String = value
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                .take(7)
                .collect();
            (!compact.eq_ignore_ascii_case("mailto:")).then_some(Cow::Borrowed(value))
        }
        ("th", "scope") => keyword(value, &["row", "col", "rowgroup", "colgroup"]),
        (_, "dir") => keyword(value, &["ltr", "rtl", "auto"]),
        _ => Some(Cow::Borrowed(value)),
    }
}

fn bounded_number(value: &str, max: u32) -> Option<Cow<'static, str>> {
    let n: u32 = value.trim().parse().ok()?;
    (1..=max).contains(&n).then(|| Cow::Owned(n.to_string()))
}

fn keyword(value: &str, allowed: &[&'static str]) -> Option<Cow<'static, str>> {
    let v = value.trim();
    allowed
        .iter()
        .find(|k| k.eq_ignore_ascii_case(v))
        .map(|k| Cow::Borrowed(*k))
}

/// Sanitises untrusted HTML into a record body that is safe to show on a public page.
///
/// Why: bodies come from staff editors, pasted Word/WPS documents and imported sites; whatever
/// they contain, the public page must carry no script, style, event handler or `javascript:`
/// URL. Allowed: paragraphs, headings, emphasis, lists, tables (`colspan`/`rowspan`), quotes,
/// `pre`/`code`, `hr`, `div`, links (`http`, `https`, `mailto` or relative, given
/// `rel="noopener noreferrer"`) and images (`http`, `https` or relative `src`, `alt`, `width`,
/// `height`). Everything else is unwrapped, so its text survives.
///
/// HTML pasted from Microsoft Word or WPS is cleaned rather than refused: the Windows clipboard
/// header (`Version:0.9 StartHTML:…`), conditional comments (`<!--[if …]>…<![endif]-->` and
/// `<![if …]>`), Office elements (`<o:p>`, `<w:…>`, `<v:…>`, `<st1:…>`: unwrapped, text kept),
/// `class="Mso…"`, `style`, `lang`, `<font>` and spans all go; paragraphs, bold and tables stay.
/// Line breaks Word inserts between two Chinese characters are removed, since a browser would
/// show them as stray spaces.
pub fn sanitize_html(input: &str) -> String {
    let input = strip_clipboard_header(input);
    let input = join_cjk_line_breaks(input);
    let html = drop_sourceless_images(POLICY.clean(&input).to_string());
    drop_empty_inline(html.trim()).into_owned()
}

/// Removes inline formatting left empty (`<b></b>`, which Word leaves around `<o:p>`). These
/// elements can carry no attributes under the policy, so the serialiser writes them exactly so.
fn drop_empty_inline(html: &str) -> Cow<'_, str> {
    const EMPTY: &[&str] = &[
        "<b></b>",
        "<strong></strong>",
        "<i></i>",
        "<em></em>",
        "<u></u>",
        "<sub></sub>",
        "<sup></sup>",
        "<code></code>",
    ];
    let mut html = Cow::Borrowed(html);
    while let Some(empty) = EMPTY.iter().find(|e| html.contains(*e)) {
        html = Cow::Owned(html.replace(empty, ""));
    }
    html
}

/// Removes `<img>` elements whose `src` the policy refused (Word's `file:///C:/…` clipboard
/// images, `data:` URLs), which would otherwise show as empty boxes. Works on the serialiser's
/// canonical output, where a real attribute is the only place ` src="` can appear in a tag.
fn drop_sourceless_images(html: String) -> String {
    if !html.contains("<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag_body = &rest[at + 1..];
        let end = tag_end(tag_body);
        let tag = &tag_body[..end];
        let is_img = tag == "img" || tag.starts_with("img ");
        if !is_img || tag.contains(" src=\"") {
            out.push('<');
            out.push_str(tag);
            out.push('>');
        }
        rest = tag_body.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Drops the Windows "HTML Format" clipboard header that precedes the markup when a paste
/// arrives raw (`Version:0.9\r\nStartHTML:…\r\n…<html …>`).
fn strip_clipboard_header(input: &str) -> &str {
    let trimmed = input.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("Version:") && trimmed.contains("StartHTML:") {
        match trimmed.find('<') {
            Some(at) => &trimmed[at..],
            None => "",
        }
    } else {
        input
    }
}

/// True for characters of East Asian scripts and full-width punctuation, between which a line
/// break in the source is not a word space (CSS Text 3, segment break transformation).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Removes runs of ASCII whitespace that contain a line break and sit between two CJK
/// characters. Word wraps its HTML at about 80 columns, also in the middle of a Chinese
/// sentence; left alone, browsers show a space there and a screening pattern could be split.
fn join_cjk_line_breaks(input: &str) -> Cow<'_, str> {
    if !input.contains('\n') {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(start) = rest.find(|c: char| c.is_ascii_whitespace()) {
        let end = rest[start..]
            .find(|c: char| !c.is_ascii_whitespace())
            .map_or(rest.len(), |e| start + e);
        let run = &rest[start..end];
        let before = rest[..start]
            .chars()
            .next_back()
            .or(out.chars().next_back());
        let after = rest[end..].chars().next();
        out.push_str(&rest[..start]);
        let joins = run.contains('\n') && before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
        if !joins {
            out.push_str(run);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Elements after which visible text starts on a new line.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "caption"
            | "blockquote"
            | "pre"
            | "hr"
            | "br"
    )
}

/// The visible text of an HTML body: one line per paragraph, heading, list item or table row,
/// table cells separated by tabs.
///
/// Why: content screening (ID numbers, phone numbers, secret markings) and search work on text,
/// and must see what a reader sees — text split over several Word runs
/// (`<span>1101</span><span>05…</span>`) comes out joined, markup and hidden parts do not come
/// out at all. The input is sanitised first, so any HTML may be given.
pub fn html_to_text(html: &str) -> String {
    let clean = sanitize_html(html);
    let mut text = TextBuilder::default();
    let mut rest = clean.as_str();
    while !rest.is_empty() {
        if let Some(tag_body) = rest.strip_prefix('<') {
            let end = tag_end(tag_body);
            text.tag(&tag_body[..end]);
            rest = tag_body.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            text.text(&decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    text.finish()
}

/// Index of the `>` closing a tag whose text starts after `<`, skipping quoted attribute values.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    tag.len()
}

/// Decodes the character references the HTML serialiser writes, plus numeric ones.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Accumulates visible text while [`html_to_text`] walks the tags.
#[derive(Default)]
struct TextBuilder {
    out: String,
    /// Whitespace seen since the last visible character; `Some(true)` if it held a line break.
    pending_space: Option<bool>,
    pre_depth: usize,
    cell_depth: usize,
}

impl TextBuilder {
    fn tag(&mut self, raw: &str) {
        let (closing, raw) = match raw.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, raw),
        };
        let name_end = raw
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(raw.len());
        let name = raw[..name_end].to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("pre", false) => {
                self.block_break();
                self.pre_depth += 1;
            }
            ("pre", true) => {
                self.pre_depth = self.pre_depth.saturating_sub(1);
                self.block_break();
            }
            ("td" | "th", false) => {
                self.cell_depth += 1;
                self.pending_space = None;
            }
            ("td" | "th", true) => {
                self.cell_depth = self.cell_depth.saturating_sub(1);
                self.trim_line_end();
                self.out.push('\t');
                self.pending_space = None;
            }
            ("tr", true) => {
                while self.out.ends_with(['\t', ' ']) {
                    self.out.pop();
                }
                self.block_break();
            }
            (tag, _) if is_block(tag) => self.block_break(),
            _ => {}
        }
    }

    /// Ends the current line, or inside a table cell separates with a space, so a cell's
    /// paragraphs stay on the row's line.
    fn block_break(&mut self) {
        if self.cell_depth > 0 {
            if !self.out.ends_with(['\t', '\n', ' ']) && !self.out.is_empty() {
                self.pending_space = Some(false);
            }
            return;
        }
        self.trim_line_end();
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.pending_space = None;
    }

    fn trim_line_end(&mut self) {
        while self.out.ends_with([' ', '\u{a0}']) {
            self.out.pop();
        }
    }

    fn text(&mut self, s: &str) {
        if self.pre_depth > 0 {
            self.out.push_str(s);
            return;
        }
        for c in s.chars() {
            if c.is_ascii_whitespace() || c == '\u{a0}' {
                let newline = c == '\n' || c == '\r';
                self.pending_space = Some(self.pending_space.unwrap_or(false) || newline);
                continue;
            }
            if let Some(had_newline) = self.pending_space.take() {
                let at_line_start = self.out.is_empty() || self.out.ends_with(['\n', '\t']);
                let cjk_join =
                    had_newline && self.out.chars().next_back().is_some_and(is_cjk) && is_cjk(c);
                if !at_line_start && !cjk_join {
                    self.out.push(' ');
                }
            }
            self.out.push(c);
        }
    }

    fn finish(self) -> String {
        let mut lines: Vec<&str> = Vec::new();
        for line in self.out.lines() {
            let line = line.trim_end_matches([' ', '\t', '\u{a0}']);
            if !line.trim().is_empty() {
                lines.push(line);
            }
        }
        lines.join("\n")
    }
}

/// The one decision on what a member of staff typed, pasted or uploaded as a body: HTML
/// (see [`looks_like_html`]) is sanitised by [`sanitize_html`]; plain text becomes paragraphs,
/// one per line — a blank line or a single line break (LF, CRLF or CR) ends a paragraph, as
/// the county's notices (`一、… 二、… 三、…`) are typed one item per line.
///
/// Why: a plain textarea (the form without JavaScript, an importer, a pasted text) must not
/// turn a structured notice into one run of text, and every entry point must decide alike.
pub fn body_html(input: &str) -> String {
    if looks_like_html(input) {
        sanitize_html(input)
    } else {
        convert_text(input, LineBreak::Paragraph)
    }
}

/// True when `input` carries HTML markup: an element tag (`<p>`, `</div>`, `<br/>`,
/// `<o:p>`), a comment or doctype (`<!--`, `<!DOCTYPE`), or the Windows clipboard header of a
/// raw Word paste. A lone `<` in text (`年龄<18岁`, `a < b`) is not markup.
pub fn looks_like_html(input: &str) -> bool {
    let trimmed = input.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("Version:") && trimmed.contains("StartHTML:") {
        return true;
    }
    let mut rest = input;
    while let Some(at) = rest.find('<') {
        let after = &rest[at + 1..];
        let tag = after.strip_prefix('/').unwrap_or(after);
        let name_len = tag
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-'))
            .unwrap_or(tag.len());
        let starts_with_letter = tag.starts_with(|c: char| c.is_ascii_alphabetic());
        let name_ends_tag =
            tag[name_len..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/');
        if (starts_with_letter && name_ends_tag && tag[name_len..].contains('>'))
            || after.starts_with("!--")
            || after
                .get(..8)
                .is_some_and(|d| d.eq_ignore_ascii_case("!doctype"))
        {
            return true;
        }
        rest = after;
    }
    false
}

/// What a single line break inside a block of text means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineBreak {
    /// A `<br>` inside the paragraph (imported Markdown-ish documents, reply letters).
    Break,
    /// A new paragraph (text typed by staff).
    Paragraph,
}

/// Converts a plain-text or Markdown-ish document into an HTML body.
///
/// Why: the corpora and older sites being imported deliver bodies as text. Blocks are separated
/// by blank lines; a block becomes a `<p>` whose single line breaks become `<br>`; lines starting
/// with `## ` (up to `###### `) become `<h2>`…`<h6>` (a single `# ` also becomes `<h2>`, since
/// the page's `<h1>` is the record's title); a block of `|`-delimited lines becomes a table (with
/// a header row when the second line is a `|---|` separator); lines that are only an HTML
/// comment (`<!-- TABLE -->`) are dropped. All text is escaped, so the result needs no further
/// sanitising.
pub fn text_to_html(text: &str) -> String {
    convert_text(text, LineBreak::Break)
}

/// [`text_to_html`] with single line breaks read as `breaks` says.
fn convert_text(text: &str, breaks: LineBreak) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut html = String::with_capacity(text.len() + text.len() / 4);
    let mut block: Vec<&str> = Vec::new();
    for line in text.split('\n').chain(std::iter::once("")) {
        let trimmed = line.trim();
        if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
            continue;
        }
        if trimmed.is_empty() {
            if !block.is_empty() {
                push_block(&mut html, &block, breaks);
                block.clear();
            }
        } else {
            block.push(line.trim_end());
        }
    }
    html.truncate(html.trim_end().len());
    html
}

/// Writes one blank-line-separated block of [`text_to_html`].
fn push_block(html: &mut String, lines: &[&str], breaks: LineBreak) {
    if lines.len() >= 2 && lines.iter().all(|l| l.trim_start().starts_with('|')) {
        push_table(html, lines);
        return;
    }
    let mut paragraph: Vec<&str> = Vec::new();
    for line in lines {
        if let Some((level, heading)) = heading(line) {
            flush_paragraph(html, &mut paragraph);
            html.push_str(&format!("<h{level}>{}</h{level}>\n", escape(heading)));
        } else {
            paragraph.push(line);
            if breaks == LineBreak::Paragraph {
                flush_paragraph(html, &mut paragraph);
            }
        }
    }
    flush_paragraph(html, &mut paragraph);
}

fn flush_paragraph(html: &mut String, paragraph: &mut Vec<&str>) {
    if paragraph.is_empty() {
        return;
    }
    html.push_str("<p>");
    for (i, line) in paragraph.iter().enumerate() {
        if i > 0 {
            html.push_str("<br>");
        }
        html.push_str(&escape(line.trim_start_matches([' ', '\t'])));
    }
    html.push_str("</p>\n");
    paragraph.clear();
}

/// `## Title` → `(2, "Title")`; one to six `#` then a space; `#` maps to level 2.
fn heading(line: &str) -> Option<(usize, &str)> {
    let line = line.trim_start();
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = line[hashes..].strip_prefix([' ', '\t'])?.trim();
    (!rest.is_empty()).then_some((hashes.max(2), rest))
}

fn push_table(html: &mut String, lines: &[&str]) {
    let is_separator = |l: &str| {
        let l = l.trim();
        l.contains('-') && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    };
    let cells = |l: &str| -> Vec<String> {
        let l = l.trim();
        let l = l.strip_prefix('|').unwrap_or(l);
        let l = l.strip_suffix('|').unwrap_or(l);
        l.split('|')
            .map(|c| escape(c.trim()).into_owned())
            .collect()
    };
    let has_header = lines.get(1).is_some_and(|l| is_separator(l));
    html.push_str("<table>\n");
    if has_header {
        html.push_str("<thead><tr>");
        for cell in cells(lines[0]) {
            html.push_str(&format!("<th>{cell}</th>"));
        }
        html.push_str("</tr></thead>\n");
    }
    html.push_str("<tbody>\n");
    let body = if has_header { &lines[2..] } else { lines };
    for line in body.iter().filter(|l| !is_separator(l)) {
        html.push_str("<tr>");
        for cell in cells(line) {
            html.push_str(&format!("<td>{cell}</td>"));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
}

/// Escapes text for HTML element content (never used for attributes) exactly as the
/// sanitiser's serialiser does (`&`, `<`, `>`, no-break space), so a converted body is already
/// canonical: sanitising it changes nothing.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '\u{a0}']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORD_PASTE: &str = include_str!("../fixtures/word_paste.html");

    #[test]
    fn scripts_styles_handlers_and_javascript_urls_are_removed() {
        let dirty = r#"<p onclick="steal()" style="color:red">正文<script>alert(1)</script></p>
<style>p{display:none}</style>
<a href="javascript:alert(1)" onmouseover="x()">链接</a>
<a href=" JaVaScRiPt:alert(1)">二</a>
<img src="x.png" onerror="alert(1)">
<iframe src="https://evil.example/"></iframe><object data="x.swf">备用</object>
<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">m</mi></math>"#;
        let clean = sanitize_html(dirty);
        for banned in [
            "script",
            "alert",
            "onclick",
            "onerror",
            "onmouseover",
            "style",
            "javascript",
            "iframe",
            "object",
            "svg",
            "xlink",
        ] {
            assert!(
                !clean.to_lowercase().contains(banned),
                "{banned} in {clean}"
            );
        }
        assert!(clean.contains("<p>正文</p>"), "{clean}");
        assert!(clean.contains("<img src=\"x.png\">"), "{clean}");
        assert!(
            clean.contains("备用"),
            "fallback text of unwrapped elements stays: {clean}"
        );
    }

    #[test]
    fn links_keep_safe_schemes_and_get_rel() {
        let clean = sanitize_html(
            r#"<a href="https://www.wuqia.gov.cn/x" target="_blank">甲</a><a href="/xxgk/WQX001-2018-000060">乙</a><a href="mailto:gk@wuqia.gov.cn">丙</a><a href="ftp://x/y">丁</a><a href="data:text/html,x">戊</a>"#,
        );
        assert_eq!(
            clean,
            "<a href=\"https://www.wuqia.gov.cn/x\" rel=\"noopener noreferrer\">甲</a>\
             <a href=\"/xxgk/WQX001-2018-000060\" rel=\"noopener noreferrer\">乙</a>\
             <a href=\"mailto:gk@wuqia.gov.cn\" rel=\"noopener noreferrer\">丙</a>\
             <a rel=\"noopener noreferrer\">丁</a><a rel=\"noopener noreferrer\">戊</a>"
        );
    }

    #[test]
    fn images_keep_safe_sources_and_numeric_sizes() {
        let clean = sanitize_html(
            r#"<img src="https://x.cn/a.png" alt="图一" width="553" height="311px" style="x" class="MsoImage">
<img src="mailto:a@b.cn" alt="坏"><img src="file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg" width="-4" height="x"><img src="data:image/png;base64,AAAA">"#,
        );
        assert!(
            clean.contains(
                "<img src=\"https://x.cn/a.png\" alt=\"图一\" width=\"553\" height=\"311\">"
            ),
            "{clean}"
        );
        assert!(
            !clean.contains("坏"),
            "an image without a usable source is dropped: {clean}"
        );
        assert!(!clean.contains("file:"), "{clean}");
        assert!(!clean.contains("data:"), "{clean}");
        assert!(!clean.contains("-4"), "{clean}");
    }

    #[test]
    fn tables_keep_structure_and_checked_spans() {
        let clean = sanitize_html(
            r#"<table border=1 class=MsoTableGrid><caption>表1</caption><thead><tr><th scope=COL colspan=2>项目</th></tr></thead>
<tbody><tr><td rowspan="3" width=200>甲</td><td colspan="0">乙</td><td colspan="99999">丙</td></tr></tbody><tfoot><tr><td>合计</td></tr></tfoot></table>"#,
        );
        assert!(
            clean.starts_with("<table><caption>表1</caption><thead><tr><th scope=\"col\" colspan=\"2\">项目</th></tr></thead>"),
            "{clean}"
        );
        assert!(
            clean.contains("<td rowspan=\"3\">甲</td><td>乙</td><td>丙</td>"),
            "{clean}"
        );
        assert!(
            clean.contains("<tfoot><tr><td>合计</td></tr></tfoot></table>"),
            "{clean}"
        );
    }

    #[test]
    fn allowed_formatting_survives_and_dir_is_checked() {
        let input = "<h1>一</h1><h6>六</h6><p dir=RTL>ئۇيغۇرچە</p><p dir=sideways>x</p><blockquote><strong>强</strong><b>粗</b><em>强调</em><i>斜</i><u>下</u>H<sub>2</sub>O m<sup>2</sup></blockquote><ul><li>一</li></ul><ol><li>二</li></ol><hr><pre><code>a  b</code></pre><div>块</div>";
        assert_eq!(
            sanitize_html(input),
            "<h1>一</h1><h6>六</h6><p dir=\"rtl\">ئۇيغۇرچە</p><p>x</p><blockquote><strong>强</strong><b>粗</b><em>强调</em><i>斜</i><u>下</u>H<sub>2</sub>O m<sup>2</sup></blockquote><ul><li>一</li></ul><ol><li>二</li></ol><hr><pre><code>a  b</code></pre><div>块</div>"
        );
    }

    #[test]
    fn pasted_word_html_is_cleaned_not_rejected() {
        let clean = sanitize_html(WORD_PASTE);
        for gone in [
            "Version:",
            "StartHTML",
            "Mso",
            "mso-",
            "style",
            "class",
            "lang",
            "<o:p",
            "o:p>",
            "<w:",
            "<v:",
            "<st1:",
            "<font",
            "<span",
            "<xml",
            "[if",
            "endif",
            "<!--",
            "<meta",
            "宋体",
            "Normal.dotm",
        ] {
            assert!(!clean.contains(gone), "{gone:?} left in:\n{clean}");
        }
        for kept in [
            "<p>乌恰县人民政府办公室关于做好2018年政务公开工作的通知</p>",
            "<b>一、工作目标</b>",
            "<table>",
            "<td rowspan=\"2\">",
            "<td colspan=\"2\">",
            "2018年5月22日",
            "联系人身份证号11010519491231002X，手机13912345678",
            "进一步推进决策、执行、管理、服务、结果公开",
            "1.",
        ] {
            assert!(clean.contains(kept), "{kept:?} missing in:\n{clean}");
        }
        assert!(!clean.contains("<b></b>"), "{clean}");
        assert!(
            clean.starts_with("<p>") && clean.ends_with("</p>"),
            "{clean}"
        );
        // Cleaning is stable: cleaning the cleaned body changes nothing.
        assert_eq!(sanitize_html(&clean), clean);
    }

    #[test]
    fn word_paste_text_is_readable() {
        let text = html_to_text(WORD_PASTE);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "乌恰县人民政府办公室关于做好2018年政务公开工作的通知"
        );
        assert!(
            text.contains(
                "为深入贯彻落实党的十九大精神，进一步推进决策、执行、管理、服务、结果公开"
            ),
            "{text}"
        );
        assert!(
            text.contains("联系人身份证号11010519491231002X，手机13912345678"),
            "{text}"
        );
        assert!(
            lines.contains(&"序号\t公开事项\t责任单位"),
            "table rows are tab-separated lines:\n{text}"
        );
        assert!(!text.contains('<') && !text.contains("&nbsp;"), "{text}");
    }

    #[test]
    fn clipboard_header_and_cjk_line_breaks() {
        assert_eq!(
            sanitize_html(
                "Version:0.9\r\nStartHTML:0000000105\r\nEndHTML:0000000200\r\n<p>正文</p>"
            ),
            "<p>正文</p>"
        );
        assert_eq!(
            sanitize_html("<p>政务\r\n  公开 and\nmore</p>"),
            "<p>政务公开 and\nmore</p>"
        );
        assert_eq!(join_cjk_line_breaks("甲 乙\n丙"), "甲 乙丙");
        assert_eq!(join_cjk_line_breaks("a\nb"), "a\nb");
    }

    #[test]
    fn html_to_text_lines_cells_entities_and_pre() {
        let html = "<h2>第一章　总则</h2><p>第一条 &lt;为了&gt; 规范&amp;保障&#x4E00;&#20108;&quot;</p>\
            <p>第二条\n  本条例<br>所称</p><!-- a line break between Chinese characters is no space --><ul><li>甲</li><li>乙</li></ul>\
            <table><tr><td><p>姓名</p><p>（全称）</p></td><td>电话</td></tr><tr><td>张三</td><td>139&nbsp;1234&nbsp;5678</td></tr></table>\
            <pre>  a\n  b</pre><p>&nbsp;</p><p>尾</p>";
        assert_eq!(
            html_to_text(html),
            "第一章　总则\n第一条 <为了> 规范&保障一二\"\n第二条本条例\n所称\n甲\n乙\n姓名 （全称）\t电话\n张三\t139 1234 5678\n  a\n  b\n尾"
        );
        assert_eq!(
            html_to_text("<span>1101051949</span><span>1231002X</span>"),
            "11010519491231002X"
        );
        assert_eq!(html_to_text(""), "");
        assert_eq!(
            html_to_text("<script>x</script>纯文本 &unknown; & <"),
            "纯文本 &unknown; & <"
        );
        assert_eq!(
            decode_entities("&#xZZ; &#1114112; &amp"),
            "&#xZZ; &#1114112; &amp"
        );
    }

    #[test]
    fn text_to_html_paragraphs_headings_tables() {
        let text = "## 第一章  总则\r\n\r\n第一条 为了<规范>口岸 & \"开放\"。\n第二行\n\n\n\n### 第一节\n#标签不是标题\n\n<!-- TABLE -->\n| 刑法条文 |罪名 |\n|-----|-----|\n| 第一百三十三条之二 |妨害安全驾驶罪 |\n\n| a | b |\n| c | d |\n\n# 一\n####### 七";
        assert_eq!(
            text_to_html(text),
            "<h2>第一章  总则</h2>\n\
             <p>第一条 为了&lt;规范&gt;口岸 &amp; \"开放\"。<br>第二行</p>\n\
             <h3>第一节</h3>\n<p>#标签不是标题</p>\n\
             <table>\n<thead><tr><th>刑法条文</th><th>罪名</th></tr></thead>\n<tbody>\n<tr><td>第一百三十三条之二</td><td>妨害安全驾驶罪</td></tr>\n</tbody>\n</table>\n\
             <table>\n<tbody>\n<tr><td>a</td><td>b</td></tr>\n<tr><td>c</td><td>d</td></tr>\n</tbody>\n</table>\n\
             <h2>一</h2>\n<p>####### 七</p>"
        );
        assert_eq!(text_to_html(""), "");
        assert_eq!(text_to_html("\n\n  \n"), "");
    }

    #[test]
    fn text_to_html_output_is_already_clean_and_round_trips_to_text() {
        let text = "## 第一章 总则\n\n第一条 为了规范<b>口岸</b>开放。\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |";
        let html = text_to_html(text);
        assert_eq!(sanitize_html(&html), html);
        assert_eq!(
            html_to_text(&html),
            "第一章 总则\n第一条 为了规范<b>口岸</b>开放。\n甲\t乙\n1\t2"
        );
    }

    #[test]
    fn plain_text_bodies_become_paragraphs_one_per_line() {
        assert_eq!(
            body_html("第一段。\r\n\r\n第二段。"),
            "<p>第一段。</p>\n<p>第二段。</p>"
        );
        assert_eq!(
            body_html("第一段。\n\n第二段。"),
            body_html("第一段。\r\n\r\n第二段。")
        );
        assert_eq!(
            body_html("一、总体要求\n二、主要任务\r\n三、保障措施"),
            "<p>一、总体要求</p>\n<p>二、主要任务</p>\n<p>三、保障措施</p>"
        );
        assert_eq!(
            body_html("年龄<18岁 & a < b"),
            "<p>年龄&lt;18岁 &amp; a &lt; b</p>"
        );
        assert_eq!(body_html("  \r\n "), "");
    }

    #[test]
    fn html_bodies_stay_html_and_are_sanitised() {
        assert_eq!(
            body_html("<p>第一段</p><script>alert(1)</script>"),
            "<p>第一段</p>"
        );
        assert!(body_html(WORD_PASTE).contains("<table>"));
        assert!(looks_like_html("正文<br/>第二行"));
        assert!(looks_like_html("<o:p></o:p>"));
        assert!(looks_like_html("<!-- 注释 -->"));
        assert!(looks_like_html("Version:0.9\r\nStartHTML:0000000105\r\n"));
        assert!(!looks_like_html("年龄<18岁"));
        assert!(!looks_like_html("a <b 没有结束"));
        assert!(!looks_like_html("《条例》<第三条>"));
    }
}
