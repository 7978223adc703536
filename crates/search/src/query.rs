//! What a visitor asks for ([`Query`]) and how the text they typed is read ([`ParsedQuery`]).

use crate::normalize::normalize;

/// Longest query text considered, in characters; the rest is ignored (and reported through
/// [`ParsedQuery::truncated`]). A prefix of a pasted paragraph still finds the paragraph.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most terms (positive and excluded together) considered; further terms are ignored.
pub const MAX_TERMS: usize = 16;
/// Largest page size accepted; larger values are clamped.
pub const MAX_PER_PAGE: usize = 100;
/// Deepest result reachable by paging (offset + page size); deeper pages come back empty, the
/// total stays exact.
pub const MAX_DEPTH: usize = 10_000;

/// Order of the hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first: BM25 over jieba words (title weighted three times the body) plus a bonus
    /// when the title contains the query terms exactly. Without query text: newest first.
    #[default]
    Relevance,
    /// Newest `published_at` first.
    DateDesc,
}

/// Where the query text must occur.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Title, body, attachment text or 文号 (the default: full-text search).
    #[default]
    All,
    /// The title only (the advanced search form's 「仅标题」).
    Title,
}

/// Restrictions on the documents searched. Every `Some` must hold; `None` means any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Organisation code (发布机构), e.g. `WQX001`.
    pub org: Option<String>,
    /// 主题分类 path prefix: `综合政务` matches `综合政务` and `综合政务/政务公开`, not `综合`.
    pub theme: Option<String>,
    /// 体裁分类 (公告, 通知, 决定, …), exact.
    pub kind: Option<String>,
    /// Year of publication.
    pub year: Option<i32>,
    /// 有效性 (有效, 失效, 废止), exact.
    pub validity: Option<String>,
    /// Content type (`record`, later `reply`, `dataset`, …), exact.
    pub content_type: Option<String>,
    /// The site (its root organisation's id as text), exact: a site's search shows only its own.
    pub site: Option<String>,
    /// Published at or after this instant (unix seconds).
    pub published_from: Option<i64>,
    /// Published at or before this instant (unix seconds).
    pub published_to: Option<i64>,
}

impl Filters {
    /// True when no filter is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// A search request: the text as typed, filters, order and page.
///
/// Query text syntax: whitespace-separated terms must all occur (AND); `"…"` (or `“…”`) keeps a
/// phrase with spaces together; a leading `-` excludes a term or phrase. Each term matches as an
/// exact substring of the normalised text (see [`crate::normalize()`]), whatever its length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The text as the visitor typed it (any string is accepted).
    pub text: String,
    /// Restrictions on the documents searched.
    pub filters: Filters,
    /// Order of the hits.
    pub sort: Sort,
    /// Where the text must occur.
    pub scope: Scope,
    /// 1-based page number (0 is treated as 1).
    pub page: usize,
    /// Hits per page, clamped to 1..=[`MAX_PER_PAGE`].
    pub per_page: usize,
    /// Whether to compute facet counts (costs a little time on large result sets; the JSON API
    /// can skip it).
    pub facets: bool,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            text: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            scope: Scope::All,
            page: 1,
            per_page: 10,
            facets: true,
        }
    }
}

impl Query {
    /// A first-page, relevance-ordered query for `text` with facets and no filters.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// The offset of the first hit of the requested page and the page size, after clamping.
    pub(crate) fn window(&self) -> (usize, usize) {
        let per_page = self.per_page.clamp(1, MAX_PER_PAGE);
        let page = self.page.max(1);
        let offset = (page - 1).saturating_mul(per_page);
        (offset, per_page)
    }
}

/// How the query text was understood; returned with the results so the page can show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Terms that must occur, normalised (a phrase keeps its single spaces).
    pub terms: Vec<String>,
    /// Terms that must not occur, normalised.
    pub excluded: Vec<String>,
    /// True when the text was cut to [`MAX_QUERY_CHARS`] or terms beyond [`MAX_TERMS`] dropped.
    pub truncated: bool,
    /// True when the visitor typed something but nothing searchable was left (only punctuation,
    /// only quotes, …): such a query matches nothing, rather than everything.
    pub nothing_searchable: bool,
}

impl ParsedQuery {
    /// Reads the text a visitor typed. Never fails: unbalanced quotes close at the end, terms
    /// without any letter or digit (pure punctuation) are ignored.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let mut truncated = false;
        let text = match text.char_indices().nth(MAX_QUERY_CHARS) {
            Some((cut, _)) => {
                truncated = true;
                &text[..cut]
            }
            None => text,
        };
        let normalised = normalize(text);
        let mut parsed = ParsedQuery::default();
        let mut raw_terms: Vec<(bool, String)> = Vec::new();
        let mut chars = normalised.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c == ' ' {
                chars.next();
                continue;
            }
            let mut negate = false;
            if c == '-' {
                chars.next();
                negate = true;
            }
            let mut term = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    term.push(c);
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ' ' || c == '"' {
                        break;
                    }
                    term.push(c);
                    chars.next();
                }
            }
            raw_terms.push((negate, term.trim().to_owned()));
        }
        for (negate, term) in raw_terms {
            if !term.chars().any(char::is_alphanumeric) {
                continue;
            }
            if parsed.terms.len() + parsed.excluded.len() >= MAX_TERMS {
                truncated = true;
                break;
            }
            let list = if negate {
                &mut parsed.excluded
            } else {
                &mut parsed.terms
            };
            if !list.contains(&term) {
                list.push(term);
            }
        }
        parsed.truncated = truncated;
        parsed.nothing_searchable =
            parsed.terms.is_empty() && parsed.excluded.is_empty() && !normalised.trim().is_empty();
        parsed
    }

    /// True when the text held no term at all (blank): the search lists every document that
    /// passes the filters, newest first.
    #[must_use]
    pub fn is_browse(&self) -> bool {
        self.terms.is_empty() && !self.nothing_searchable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(p: &ParsedQuery) -> (Vec<&str>, Vec<&str>) {
        (
            p.terms.iter().map(String::as_str).collect(),
            p.excluded.iter().map(String::as_str).collect(),
        )
    }

    #[test]
    fn terms_phrases_and_exclusions() {
        let p = ParsedQuery::parse("食品安全  \"信息 公开\" -消防 -\"安全 生产\" ＡＢＣ");
        assert_eq!(
            terms(&p),
            (
                vec!["食品安全", "信息 公开", "abc"],
                vec!["消防", "安全 生产"]
            )
        );
        assert!(!p.truncated && !p.nothing_searchable);
    }

    #[test]
    fn chinese_quotes_make_phrases() {
        let p = ParsedQuery::parse("“政府 信息”公开");
        assert_eq!(terms(&p), (vec!["政府 信息", "公开"], vec![]));
    }

    #[test]
    fn bad_input_is_read_sensibly() {
        let p = ParsedQuery::parse("");
        assert!(p.is_browse() && !p.nothing_searchable);
        let p = ParsedQuery::parse("   ");
        assert!(p.is_browse());
        let p = ParsedQuery::parse("\"食品安全");
        assert_eq!(terms(&p), (vec!["食品安全"], vec![]));
        let p = ParsedQuery::parse("食品\"安全");
        assert_eq!(terms(&p), (vec!["食品", "安全"], vec![]));
        let p = ParsedQuery::parse("！？。，、……——\"\" - --");
        assert!(p.nothing_searchable && p.terms.is_empty() && !p.is_browse());
        let p = ParsedQuery::parse("'; DROP TABLE records; --");
        assert_eq!(terms(&p), (vec!["drop", "table", "records;"], vec![]));
        let p = ParsedQuery::parse("<script>alert(1)</script>");
        assert_eq!(terms(&p), (vec!["<script>alert(1)</script>"], vec![]));
        let long = "政".repeat(2_000);
        let p = ParsedQuery::parse(&long);
        assert!(p.truncated);
        assert_eq!(p.terms[0].chars().count(), MAX_QUERY_CHARS);
        let many = (0..40)
            .map(|i| format!("词{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let p = ParsedQuery::parse(&many);
        assert!(p.truncated && p.terms.len() == MAX_TERMS);
    }

    #[test]
    fn window_clamps() {
        let q = Query {
            page: 0,
            per_page: 1_000,
            ..Query::new("x")
        };
        assert_eq!(q.window(), (0, MAX_PER_PAGE));
        let q = Query {
            page: 3,
            per_page: 20,
            ..Query::new("x")
        };
        assert_eq!(q.window(), (40, 20));
    }
}
