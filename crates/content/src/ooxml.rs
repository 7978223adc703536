//! Text of XML-in-ZIP documents: Word and PowerPoint (Office Open XML, also written by WPS)
//! and OFD (GB/T 33190).

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::ContentError;
use crate::archive::{Deadline, Limits, Zip};
use crate::sniff::FileKind;

/// Reads one part's XML, appending its text.
type PartText = fn(&str, &mut String) -> Result<(), quick_xml::Error>;

/// Text of an XML-in-ZIP document: a DOCX, a PPTX or (any other kind) an OFD. Each kind names
/// its parts in reading order; their texts follow one another, a line each.
pub(crate) fn package_text(
    kind: FileKind,
    bytes: &[u8],
    limits: Limits,
    deadline: Deadline,
) -> Result<String, ContentError> {
    let label = kind.label();
    let mut zip = Zip::open(bytes, label, limits, deadline)?;
    let (parts, text_of): (Vec<String>, PartText) = match kind {
        FileKind::Docx => (docx_parts(&zip, label)?, markup_text),
        FileKind::Pptx => (pptx_parts(&zip), markup_text),
        _ => (ofd_pages(&zip), ofd_page_text),
    };
    parts_text(&mut zip, parts, text_of, label, limits, deadline)
}

/// The parts of a DOCX: the body, then footnotes, endnotes, comments, headers and footers —
/// every part a reader of the published file could see.
fn docx_parts(zip: &Zip, label: &'static str) -> Result<Vec<String>, ContentError> {
    let names = zip.names();
    let main = if zip.contains("word/document.xml") {
        "word/document.xml".to_owned()
    } else {
        names
            .iter()
            .find(|n| n.starts_with("word/document") && n.ends_with(".xml"))
            .cloned()
            .ok_or_else(|| ContentError::malformed(label, "缺少 word/document.xml"))?
    };
    let mut parts = vec![main];
    for fixed in [
        "word/footnotes.xml",
        "word/endnotes.xml",
        "word/comments.xml",
    ] {
        if zip.contains(fixed) {
            parts.push(fixed.to_owned());
        }
    }
    for prefix in ["word/header", "word/footer"] {
        parts.extend(numbered(&names, prefix, ".xml"));
    }
    Ok(parts)
}

/// The parts of a PPTX: the slides in order, then the speaker notes.
fn pptx_parts(zip: &Zip) -> Vec<String> {
    let names = zip.names();
    let mut parts = numbered(&names, "ppt/slides/slide", ".xml");
    parts.extend(numbered(&names, "ppt/notesSlides/notesSlide", ".xml"));
    parts
}

/// The text of the named parts in order (a missing one is passed over), each read by `text_of`
/// and ended by a line break, within the text budget and the deadline.
fn parts_text(
    zip: &mut Zip,
    parts: Vec<String>,
    text_of: PartText,
    label: &'static str,
    limits: Limits,
    deadline: Deadline,
) -> Result<String, ContentError> {
    let mut out = String::new();
    for part in parts {
        if let Some(xml) = zip.read_string(&part)? {
            text_of(&xml, &mut out).map_err(|e| ContentError::malformed(label, e))?;
            out.push('\n');
            crate::extract::within_text_budget(&out, &limits)?;
            deadline.check()?;
        }
    }
    Ok(out)
}

/// Entries `prefix<N>suffix`, ordered by N (`slide2` before `slide10`).
fn numbered(names: &[String], prefix: &str, suffix: &str) -> Vec<String> {
    let mut found: Vec<(u64, &String)> = names
        .iter()
        .filter_map(|n| {
            let middle = n.strip_prefix(prefix)?.strip_suffix(suffix)?;
            let number = if middle.is_empty() {
                0
            } else {
                middle.parse().ok()?
            };
            Some((number, n))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n.clone()).collect()
}

/// Resolves `&amp;`-style references that quick-xml reports as separate events.
pub(crate) fn push_reference(r: &BytesRef<'_>, out: &mut String) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    let c = match r.as_ref() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return,
    };
    out.push(c);
}

/// Walks WordprocessingML or DrawingML and appends the visible text: runs (`t`, and `delText`
/// because tracked deletions still travel inside the file), tabs and breaks, one line per
/// paragraph, table cells separated by tabs and rows by lines. Field codes (`instrText`),
/// tab-stop definitions and the fallback copy of text boxes (`mc:Fallback`) are skipped.
pub(crate) fn markup_text(xml: &str, out: &mut String) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut in_text = 0usize;
    let mut skip = SkipDepth::default();
    let mut cells = 0usize;
    loop {
        let event = reader.read_event()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                if skip.inside_at_start(empty) {
                    continue;
                }
                match name {
                    "Fallback" | "instrText" | "tabs" | "rPr" | "pPr" if !empty => skip.enter(),
                    "t" | "delText" if !empty => in_text += 1,
                    "tab" => out.push('\t'),
                    "br" | "cr" => out.push(if cells > 0 { ' ' } else { '\n' }),
                    "noBreakHyphen" => out.push('-'),
                    "tc" if !empty => cells += 1,
                    "p" if empty => paragraph_end(out, cells),
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip.inside_at_end() {
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" | "delText" => in_text = in_text.saturating_sub(1),
                    "p" => paragraph_end(out, cells),
                    "tc" => {
                        cells = cells.saturating_sub(1);
                        trim_end_spaces(out);
                        out.push('\t');
                    }
                    "tr" => {
                        while out.ends_with(['\t', ' ']) {
                            out.pop();
                        }
                        out.push('\n');
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text > 0 && !skip.active() => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text > 0 && !skip.active() => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text > 0 && !skip.active() => push_reference(r, out),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// How deep a walker is inside an element it skips with all its content (`0`: not skipping).
#[derive(Default)]
pub(crate) struct SkipDepth(usize);

impl SkipDepth {
    /// Starts skipping at the element just opened.
    pub(crate) fn enter(&mut self) {
        self.0 = 1;
    }

    /// Whether content is being skipped now.
    pub(crate) fn active(&self) -> bool {
        self.0 > 0
    }

    /// At a start (or empty) tag: whether it lies inside the skipped element, counting it if so.
    pub(crate) fn inside_at_start(&mut self, empty: bool) -> bool {
        if self.0 > 0 && !empty {
            self.0 += 1;
        }
        self.0 > 0
    }

    /// At an end tag: whether it closes an element inside the skipped one (or that one itself).
    pub(crate) fn inside_at_end(&mut self) -> bool {
        let inside = self.0 > 0;
        self.0 = self.0.saturating_sub(1);
        inside
    }
}

fn paragraph_end(out: &mut String, cells: usize) {
    if cells > 0 {
        if !out.ends_with(['\t', '\n', ' ']) {
            out.push(' ');
        }
    } else {
        out.push('\n');
    }
}

fn trim_end_spaces(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

/// The pages of an OFD in document and page order (their text: [`ofd_page_text`]).
fn ofd_pages(zip: &Zip) -> Vec<String> {
    let mut pages: Vec<String> = zip
        .names()
        .into_iter()
        .filter(|n| n.contains("/Pages/") && n.ends_with("/Content.xml"))
        .collect();
    // `Doc_0/Pages/Page_2/…` before `Doc_0/Pages/Page_10/…`.
    pages.sort_by_key(|n| {
        let numbers: Vec<u64> = n
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|d| d.parse().ok())
            .collect();
        (numbers, n.clone())
    });
    pages
}

/// Appends an OFD page's `TextCode`s; text objects on the same baseline join into one line.
fn ofd_page_text(xml: &str, out: &mut String) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut object_y = 0.0f64;
    let mut last_line: Option<f64> = None;
    let mut in_code = false;
    loop {
        match reader.read_event()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "TextObject" => {
                    object_y = attribute(&e, "Boundary")
                        .and_then(|b| b.split_whitespace().nth(1).and_then(|y| y.parse().ok()))
                        .unwrap_or(0.0);
                }
                "TextCode" => {
                    let y: f64 = attribute(&e, "Y")
                        .and_then(|y| y.trim().parse().ok())
                        .unwrap_or(0.0);
                    let line = object_y + y;
                    if last_line.is_some_and(|l| (l - line).abs() > 1.0) {
                        out.push('\n');
                    }
                    last_line = Some(line);
                    in_code = true;
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "TextCode" => in_code = false,
            Event::Text(t) if in_code => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_code => push_reference(&r, out),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The value of the attribute with local name `name`, normalised.
pub(crate) fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}
