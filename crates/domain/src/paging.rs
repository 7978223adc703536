//! Page numbers of lists: parsing with an upper bound and the row offset computed without
//! overflow, so `?page=529937027478009920` is refused instead of wrapping.

use crate::ErrorCode;

/// Highest page number any list accepts (far beyond any real list at 10–100 rows a page).
pub const MAX_PAGE: i64 = 100_000;

/// Why a page number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageError {
    /// Not a whole number.
    Invalid,
    /// Above [`MAX_PAGE`].
    TooLarge,
}

impl PageError {
    /// The stable error code of the refusal.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Invalid => ErrorCode::PageNumberInvalid,
            Self::TooLarge => ErrorCode::PageNumberTooLarge,
        }
    }
}

/// The page number of a query string value: empty is page 1, below 1 is page 1, above
/// [`MAX_PAGE`] is refused.
pub fn parse_page(raw: &str) -> Result<i64, PageError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(1);
    }
    let page: i64 = match raw.parse() {
        Ok(p) => p,
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            return Err(PageError::TooLarge);
        }
        Err(_) => return Err(PageError::Invalid),
    };
    if page > MAX_PAGE {
        return Err(PageError::TooLarge);
    }
    Ok(page.max(1))
}

/// Row offset of `page` at `per_page` rows a page; `None` when it would overflow.
pub fn offset(page: i64, per_page: i64) -> Option<i64> {
    page.max(1).checked_sub(1)?.checked_mul(per_page.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded() {
        assert_eq!(parse_page(""), Ok(1));
        assert_eq!(parse_page("0"), Ok(1));
        assert_eq!(parse_page("-5"), Ok(1));
        assert_eq!(parse_page("3"), Ok(3));
        assert_eq!(parse_page("x"), Err(PageError::Invalid));
        assert_eq!(parse_page("100001"), Err(PageError::TooLarge));
        assert_eq!(parse_page("529937027478009920"), Err(PageError::TooLarge));
        assert_eq!(
            parse_page("99999999999999999999999"),
            Err(PageError::TooLarge)
        );
        assert_eq!(offset(3, 20), Some(40));
        assert_eq!(offset(i64::MAX, 20), None);
        assert_eq!(offset(MAX_PAGE, 100), Some(9_999_900));
    }
}
