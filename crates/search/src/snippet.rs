//! Highlighted snippets: the matched text wrapped in `<mark>`, everything else HTML-escaped.

use crate::normalize::Mapped;

/// Length of a snippet, in characters of the original text.
pub(crate) const SNIPPET_CHARS: usize = 120;
/// Context shown before the first match of a snippet, in characters.
const LEAD_CHARS: usize = 24;
/// Matches considered per text (bounds the work on very long documents).
const MAX_MATCHES: usize = 256;

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
}

/// Byte ranges of the original text where any of the (normalised) terms occurs, merged and in
/// order.
fn matches(mapped: &Mapped, original: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for term in terms.iter().filter(|t| !t.is_empty()) {
        for (start, m) in mapped.text.match_indices(term.as_str()).take(MAX_MATCHES) {
            ranges.push(mapped.original_range(start, start + m.len()));
        }
    }
    ranges.retain(|&(a, b)| a < b && b <= original.len());
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Writes `original[from..to]` escaped, with the parts inside `marks` wrapped in `<mark>`.
fn render(out: &mut String, original: &str, from: usize, to: usize, marks: &[(usize, usize)]) {
    let mut at = from;
    for &(a, b) in marks {
        let (a, b) = (a.max(from), b.min(to));
        if a >= b || a < at {
            continue;
        }
        push_escaped(out, &original[at..a]);
        out.push_str("<mark>");
        push_escaped(out, &original[a..b]);
        out.push_str("</mark>");
        at = b;
    }
    if at < to {
        push_escaped(out, &original[at..to]);
    }
}

/// The whole of a short text (a title) with every occurrence of the terms marked.
pub(crate) fn highlight_all(original: &str, terms: &[String]) -> String {
    let mapped = Mapped::new(original);
    let marks = matches(&mapped, original, terms);
    let mut out = String::with_capacity(original.len() + 16 * marks.len());
    render(&mut out, original, 0, original.len(), &marks);
    out.trim().to_owned()
}

/// Characters of context kept around the first match when looking for the best window.
const REGION_BEFORE: usize = 2 * SNIPPET_CHARS;
/// Characters kept after the first match.
const REGION_AFTER: usize = 4 * SNIPPET_CHARS;
/// Characters of a text scanned (normalised) for a match that is not found literally.
const SCAN_LIMIT: usize = 65_536;
/// Chunk size of that scan.
const SCAN_CHUNK: usize = 8_192;

/// Byte offset `n` characters before `at` (or 0).
fn back(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// Byte offset `n` characters after `at` (or the end).
fn forward(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

/// Where the first match of any term starts: a literal search first (the normalised term occurs
/// as is in most texts), then a chunked scan of the normalised text, which also finds variant
/// forms (full-width digits, 〔〕 for [], …) within the first [`SCAN_LIMIT`] characters.
fn first_match(original: &str, terms: &[String]) -> Option<usize> {
    let literal = terms
        .iter()
        .filter(|t| !t.is_empty())
        .filter_map(|t| original.find(t.as_str()))
        .min();
    if literal.is_some() {
        return literal;
    }
    if terms.iter().all(|t| surely_absent(original, t)) {
        return None;
    }
    let overlap = terms.iter().map(|t| t.chars().count()).max().unwrap_or(0) * 2;
    let mut from = 0;
    let mut scanned = 0;
    while from < original.len() && scanned < SCAN_LIMIT {
        let to = forward(original, from, SCAN_CHUNK + overlap);
        let chunk = &original[from..to];
        let mapped = Mapped::new(chunk);
        if let Some(&(a, _)) = matches(&mapped, chunk, terms).first() {
            return Some(from + a);
        }
        if to == original.len() {
            break;
        }
        from = forward(original, from, SCAN_CHUNK);
        scanned += SCAN_CHUNK;
    }
    None
}

/// Whether a CJK ideograph, which normalises to itself and is what no other character
/// normalises to.
fn ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Whether the normalised `term` certainly does not occur in the normalised `original`, decided
/// without normalising it: some run of ideographs of the term is missing from the original, and
/// the original has no character that normalisation drops (which could join two parts of such a
/// run). A hit that matched in its title or an attachment then costs two scans of its body, not
/// its normalisation.
fn surely_absent(original: &str, term: &str) -> bool {
    let mut runs = term
        .split(|c: char| !ideograph(c))
        .filter(|r| !r.is_empty());
    runs.any(|run| !original.contains(run))
        && original
            .chars()
            .all(|c| crate::normalize::normalize_char(c).is_some())
}

/// A window of about [`SNIPPET_CHARS`] characters of `original` around the best cluster of
/// matches near the first one, with the matches marked; `None` when no term is found.
pub(crate) fn snippet(original: &str, terms: &[String]) -> Option<String> {
    let first = first_match(original, terms)?;
    let region_from = back(original, first, REGION_BEFORE);
    let region_to = forward(original, first, REGION_AFTER);
    let region = &original[region_from..region_to];
    let mapped = Mapped::new(region);
    let marks = matches(&mapped, region, terms);
    // Char boundaries of the region, for windows counted in characters.
    let bounds: Vec<usize> = region
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(region.len()))
        .collect();
    let last = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    // Choose the window (starting a little before some match) that shows the most distinct
    // terms, then the most matches; the earliest wins a tie.
    let mut best: Option<(usize, usize, usize)> = None;
    for &(a, _) in marks.iter().take(32) {
        let start_char = char_at(a).saturating_sub(LEAD_CHARS);
        let end_char = (start_char + SNIPPET_CHARS).min(last);
        let (from, to) = (bounds[start_char], bounds[end_char]);
        let inside: Vec<&(usize, usize)> = marks
            .iter()
            .filter(|&&(x, y)| x >= from && y <= to)
            .collect();
        let window_text = Mapped::new(&region[from..to]).text;
        let distinct = terms
            .iter()
            .filter(|t| !t.is_empty() && window_text.contains(t.as_str()))
            .count();
        if best.is_none_or(|(d, n, _)| (distinct, inside.len()) > (d, n)) {
            best = Some((distinct, inside.len(), start_char));
        }
    }
    let start_char = best.map_or(0, |b| b.2);
    let end_char = (start_char + SNIPPET_CHARS).min(last);
    let (from, to) = (bounds[start_char], bounds[end_char]);
    let mut out = String::with_capacity(SNIPPET_CHARS * 4);
    if region_from + from > 0 {
        out.push('…');
    }
    render(&mut out, region, from, to, &marks);
    if region_from + to < original.len() {
        out.push('…');
    }
    Some(out.trim().to_owned())
}

/// The beginning of a text, escaped, for hits whose match is not in the text shown.
pub(crate) fn lead(original: &str) -> String {
    let end = original
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(original.len(), |(i, _)| i);
    let mut out = escape_html(&original[..end]).trim().to_owned();
    if end < original.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(terms: &[&str]) -> Vec<String> {
        terms.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let s = highlight_all("<b>食品安全</b> & ＡＢＣ", &t(&["食品", "abc"]));
        assert_eq!(
            s,
            "&lt;b&gt;<mark>食品</mark>安全&lt;/b&gt; &amp; <mark>ＡＢＣ</mark>"
        );
    }

    #[test]
    fn overlapping_terms_merge() {
        let s = highlight_all("中华人民共和国", &t(&["人民", "民共"]));
        assert_eq!(s, "中华<mark>人民共</mark>和国");
    }

    #[test]
    fn snippet_windows_long_text() {
        let text = format!("{}食品安全{}", "甲".repeat(500), "乙".repeat(500));
        let s = snippet(&text, &t(&["食品安全"])).unwrap_or_else(|| panic!("no snippet"));
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("<mark>食品安全</mark>"));
        assert!(s.chars().count() < SNIPPET_CHARS + 20);
        assert!(snippet(&text, &t(&["消防"])).is_none());
    }

    #[test]
    fn a_term_is_surely_absent_only_when_normalisation_cannot_make_it() {
        assert!(surely_absent("关于供暖保障的通知", "食品安全"));
        assert!(!surely_absent("关于食品安全的通知", "食品安全"));
        // A zero-width space is dropped, so the run may form in the normalised text.
        assert!(!surely_absent("食\u{200B}品安全", "食品安全"));
        assert_eq!(
            snippet("食\u{200B}品安全", &t(&["食品安全"])).as_deref(),
            Some("<mark>食\u{200B}品安全</mark>")
        );
        // Without ideographs nothing is decided here.
        assert!(!surely_absent("ＡＢＣ", "abc"));
        assert!(snippet("第ＡＢＣ号", &t(&["abc"])).is_some());
        assert!(snippet("关于供暖保障的通知", &t(&["食品安全"])).is_none());
    }

    #[test]
    fn lead_is_escaped() {
        assert_eq!(lead("a<b"), "a&lt;b");
    }
}
