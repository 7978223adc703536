//! Text of XML-in-ZIP documents: Word and PowerPoint (Office Open XML, also written by WPS)
//! and OFD (GB/T 33190).

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::ContentError;
use crate::archive::{Deadline, Limits, Zip};
use crate::sniff::FileKind;

/// Text of a DOCX: the body, then footnotes, endnotes, comments, headers and footers — every
/// part a reader of the published file could see.
pub(crate) fn docx_text(
    bytes: &[u8],
    limits: Limits,
    deadline: Deadline,
) -> Result<String, ContentError> {
    let label = FileKind::Docx.label();
    let mut zip = Zip::open(bytes, label, limits, deadline)?;
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
    let mut out = String::new();
    for part in parts {
        if let Some(xml) = zip.read_string(&part)? {
            markup_text(&xml, &mut out).map_err(|e| ContentError::malformed(label, e))?;
            out.push('\n');
            crate::extract::within_text_budget(&out, &limits)?;
            deadline.check()?;
        }
    }
    Ok(out)
}

/// Text of a PPTX: the slides in order, then the speaker notes.
pub(crate) fn pptx_text(
    bytes: &[u8],
    limits: Limits,
    deadline: Deadline,
) -> Result<String, ContentError> {
    let label = FileKind::Pptx.label();
    let mut zip = Zip::open(bytes, label, limits, deadline)?;
    let names = zip.names();
    let mut parts = numbered(&names, "ppt/slides/slide", ".xml");
    parts.extend(numbered(&names, "ppt/notesSlides/notesSlide", ".xml"));
    let mut out = String::new();
    for part in parts {
        if let Some(xml) = zip.read_string(&part)? {
            markup_text(&xml, &mut out).map_err(|e| ContentError::malformed(label, e))?;
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
    let mut skip = 0usize;
    let mut cells = 0usize;
    loop {
        let event = reader.read_event()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                if skip > 0 {
                    if !empty {
                        skip += 1;
                    }
                    continue;
                }
                match name {
                    "Fallback" | "instrText" | "tabs" | "rPr" | "pPr" if !empty => skip = 1,
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
                if skip > 0 {
                    skip -= 1;
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
            Event::Text(t) if in_text > 0 && skip == 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text > 0 && skip == 0 => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text > 0 && skip == 0 => push_reference(r, out),
            Event::Eof => return Ok(()),
            _ => {}
        }
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

/// Text of an OFD: every page's `TextCode`s, in document and page order; text objects on the
/// same baseline join into one line.
pub(crate) fn ofd_text(
    bytes: &[u8],
    limits: Limits,
    deadline: Deadline,
) -> Result<String, ContentError> {
    let label = FileKind::Ofd.label();
    let mut zip = Zip::open(bytes, label, limits, deadline)?;
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
    let mut out = String::new();
    for page in pages {
        if let Some(xml) = zip.read_string(&page)? {
            ofd_page_text(&xml, &mut out).map_err(|e| ContentError::malformed(label, e))?;
            out.push('\n');
            crate::extract::within_text_budget(&out, &limits)?;
            deadline.check()?;
        }
    }
    Ok(out)
}

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
