//! Query parameters of the JSON API, read strictly: a value out of range or outside its set is
//! refused with 400 and its own stable code (`api.per_page_invalid`, `api.page_invalid`,
//! `page.number_too_large`, `api.year_invalid`, `api.kind_invalid`, `api.validity_invalid`,
//! `api.sort_invalid`, `api.scope_invalid`), never clamped or ignored. The bounds and sets here
//! are the ones the OpenAPI document states (see [`schemas`](crate::api::schemas)).

use gongkai_domain::ErrorCode;
use gongkai_domain::paging::{self, PageError};
use gongkai_domain::record::{RecordKind, Validity};
use gongkai_search::{Scope, Sort};

use crate::WebError;

/// Most items a page may hold.
pub const MAX_PER_PAGE: i64 = 100;
/// Lowest `year` accepted (a four-digit year).
pub const MIN_YEAR: i32 = 1000;
/// Highest `year` accepted.
pub const MAX_YEAR: i32 = 9999;
/// The values of `sort`: relevance (the default) or newest first.
pub const SORTS: [(&str, Sort); 2] = [("relevance", Sort::Relevance), ("date", Sort::DateDesc)];
/// The values of `scope`: anywhere (the default) or titles only.
pub const SCOPES: [(&str, Scope); 2] = [("all", Scope::All), ("title", Scope::Title)];

fn bad(code: ErrorCode) -> WebError {
    WebError::BadRequest(code.into())
}

/// `per_page`: absent or empty is `default`; otherwise a whole number from 1 to [`MAX_PER_PAGE`].
pub fn per_page(raw: &str, default: i64) -> Result<i64, WebError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(default);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| (1..=MAX_PER_PAGE).contains(n))
        .ok_or_else(|| bad(ErrorCode::ApiPerPageInvalid))
}

/// `page`: absent or empty is 1; otherwise a whole number from 1 to [`paging::MAX_PAGE`].
pub fn page(raw: &str) -> Result<i64, WebError> {
    let page = paging::parse_page(raw).map_err(|e| match e {
        PageError::Invalid => bad(ErrorCode::ApiPageInvalid),
        PageError::TooLarge => bad(e.code()),
    })?;
    // `parse_page` reads 0 and below as page 1 for the pages; the API refuses them.
    if raw.trim().parse::<i64>().is_ok_and(|n| n < 1) {
        return Err(bad(ErrorCode::ApiPageInvalid));
    }
    Ok(page)
}

/// `year`: absent or empty is none; otherwise a year from [`MIN_YEAR`] to [`MAX_YEAR`].
pub fn year(raw: &str) -> Result<Option<i32>, WebError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i32>()
        .ok()
        .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
        .map(Some)
        .ok_or_else(|| bad(ErrorCode::ApiYearInvalid))
}

/// `kind`: absent or empty is none; otherwise one of the record kinds' codes (not their labels).
pub fn record_kind(raw: &str) -> Result<Option<RecordKind>, WebError> {
    one_of(
        raw,
        RecordKind::ALL,
        |k| k.code(),
        ErrorCode::ApiKindInvalid,
    )
}

/// `validity`: absent or empty is none; otherwise one of the validity codes.
pub fn validity(raw: &str) -> Result<Option<Validity>, WebError> {
    one_of(
        raw,
        Validity::ALL,
        |v| v.code(),
        ErrorCode::ApiValidityInvalid,
    )
}

/// `sort`: absent or empty is relevance; otherwise one of [`SORTS`].
pub fn sort(raw: &str) -> Result<Sort, WebError> {
    Ok(one_of(raw, &SORTS, |s| s.0, ErrorCode::ApiSortInvalid)?.map_or(Sort::Relevance, |s| s.1))
}

/// `scope`: absent or empty is everywhere; otherwise one of [`SCOPES`].
pub fn scope(raw: &str) -> Result<Scope, WebError> {
    Ok(one_of(raw, &SCOPES, |s| s.0, ErrorCode::ApiScopeInvalid)?.map_or(Scope::All, |s| s.1))
}

fn one_of<T: Copy>(
    raw: &str,
    all: &[T],
    code_of: impl Fn(&T) -> &'static str,
    refusal: ErrorCode,
) -> Result<Option<T>, WebError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    all.iter()
        .find(|v| code_of(v) == raw)
        .copied()
        .map(Some)
        .ok_or_else(|| bad(refusal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<impl std::fmt::Debug, WebError>) -> String {
        match r {
            Err(WebError::BadRequest(refusal)) => refusal.code.code().to_owned(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn values_out_of_range_are_refused_not_clamped() {
        assert_eq!(per_page("", 20).ok(), Some(20));
        assert_eq!(per_page("100", 20).ok(), Some(100));
        assert_eq!(code(per_page("101", 20)), "api.per_page_invalid");
        assert_eq!(code(per_page("0", 20)), "api.per_page_invalid");
        assert_eq!(page("").ok(), Some(1));
        assert_eq!(code(page("0")), "api.page_invalid");
        assert_eq!(code(page("-3")), "api.page_invalid");
        assert_eq!(code(page("529937027478009920")), "page.number_too_large");
        assert_eq!(year("2026").ok(), Some(Some(2026)));
        assert_eq!(code(year("26")), "api.year_invalid");
        assert_eq!(code(year("二〇二六")), "api.year_invalid");
    }

    #[test]
    fn sets_take_their_codes_only() {
        assert_eq!(record_kind("policy").ok(), Some(Some(RecordKind::Policy)));
        assert_eq!(code(record_kind("政策文件")), "api.kind_invalid");
        assert_eq!(validity("valid").ok(), Some(Some(Validity::Valid)));
        assert_eq!(code(validity("有效")), "api.validity_invalid");
        assert_eq!(sort("").ok(), Some(Sort::Relevance));
        assert_eq!(sort("date").ok(), Some(Sort::DateDesc));
        assert_eq!(code(sort("newest")), "api.sort_invalid");
        assert_eq!(scope("title").ok(), Some(Scope::Title));
        assert_eq!(code(scope("body")), "api.scope_invalid");
    }
}
