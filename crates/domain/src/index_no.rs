//! Index numbers (索引号): assigned once at publication, unique, never reused.
//!
//! Two formats are in use and a site chooses one:
//! - [`IndexFormat::Local`]: `<organ code>-<year>-<6-digit serial>`, e.g. `WQX001-2018-000060`
//!   (the county's 2018 form);
//! - [`IndexFormat::National`]: `<organisation code>/<year>-<5-digit serial>`, e.g.
//!   `K45899617/2026-00221` (national catalogue guideline; 20 characters with a 9-character code).
//!
//! Serials count per organisation and year; the store hands them out inside the publishing
//! transaction so concurrent publication never repeats one.

use serde::Serialize;

use crate::{DomainError, ErrorCode};

/// A site's index number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IndexFormat {
    /// `WQX001-2018-000060`.
    #[default]
    Local,
    /// `K45899617/2026-00221`.
    National,
}

impl IndexFormat {
    /// Stable code as stored in site settings.
    pub fn code(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::National => "national",
        }
    }

    /// Parses a setting value.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim() {
            "local" | "" => Ok(Self::Local),
            "national" => Ok(Self::National),
            other => Err(DomainError::with(
                "index_format",
                ErrorCode::IndexFormatUnknown,
                &[("format", &other)],
            )),
        }
    }

    /// The largest serial the format can hold in a year.
    pub fn max_serial(self) -> i64 {
        match self {
            Self::Local => 999_999,
            Self::National => 99_999,
        }
    }

    /// Formats an index number.
    pub fn format(self, organ_code: &str, year: i32, serial: i64) -> Result<IndexNo, DomainError> {
        if serial < 1 || serial > self.max_serial() {
            return Err(DomainError::with(
                "index_no",
                ErrorCode::IndexSerialExhausted,
                &[("year", &year), ("max", &self.max_serial())],
            ));
        }
        let s = match self {
            Self::Local => format!("{organ_code}-{year:04}-{serial:06}"),
            Self::National => format!("{organ_code}/{year:04}-{serial:05}"),
        };
        IndexNo::parse(&s)
    }
}

/// A well-formed index number in either format.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IndexNo(String);

impl IndexNo {
    /// Parses an index number typed or found in a URL (either format).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim().to_ascii_uppercase();
        let bad = || {
            DomainError::with(
                "index_no",
                ErrorCode::IndexNumberInvalid,
                &[("value", &raw.trim())],
            )
        };
        let code_ok = |c: &str| {
            (2..=32).contains(&c.len())
                && c.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-')
        };
        let digits = |d: &str, n: usize| d.len() == n && d.chars().all(|c| c.is_ascii_digit());
        if let Some((code, rest)) = s.split_once('/') {
            let (year, serial) = rest.split_once('-').ok_or_else(bad)?;
            if code_ok(code) && !code.contains('-') && digits(year, 4) && digits(serial, 5) {
                return Ok(Self(s));
            }
            return Err(bad());
        }
        let mut parts = s.rsplitn(3, '-');
        let (serial, year, code) = (parts.next(), parts.next(), parts.next());
        match (code, year, serial) {
            (Some(code), Some(year), Some(serial))
                if code_ok(code) && digits(year, 4) && digits(serial, 6) =>
            {
                Ok(Self(s))
            }
            _ => Err(bad()),
        }
    }

    /// The year part.
    pub fn year(&self) -> Option<i32> {
        let tail = self.0.rsplit_once('/').map_or(self.0.as_str(), |(_, t)| t);
        let year = if self.0.contains('/') {
            tail.split('-').next()
        } else {
            self.0.rsplit('-').nth(1)
        };
        year.and_then(|y| y.parse().ok())
    }
}

text_newtype!(IndexNo, "The number as shown and used in URLs.", Display);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn both_formats_from_the_spec() {
        let local = IndexFormat::Local.format("WQX001", 2018, 60).map(|i| i.0);
        assert_eq!(local, Ok("WQX001-2018-000060".into()));
        let national = IndexFormat::National
            .format("K45899617", 2026, 221)
            .map(|i| i.0);
        assert_eq!(national, Ok("K45899617/2026-00221".into()));
        assert_eq!(national.map(|s| s.len()), Ok(20));
        assert!(IndexNo::parse("WQX001-2018-000060").is_ok());
        assert!(IndexNo::parse("k45899617/2026-00221").is_ok());
        assert_eq!(
            IndexNo::parse("WQX001-2018-000060")
                .ok()
                .and_then(|i| i.year()),
            Some(2018)
        );
        assert_eq!(
            IndexNo::parse("K45899617/2026-00221")
                .ok()
                .and_then(|i| i.year()),
            Some(2026)
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "WQX001-18-000060",
            "WQX001-2018-60",
            "../etc",
            "WQX001/2018-000060",
            "乌恰-2018-000001",
        ] {
            assert!(IndexNo::parse(bad).is_err(), "{bad}");
        }
        assert!(
            IndexFormat::National
                .format("K45899617", 2026, 100_000)
                .is_err()
        );
    }

    proptest! {
        #[test]
        fn formatted_numbers_parse_back(code in "[A-Z][A-Z0-9]{1,9}", year in 2000i32..2100, serial in 1i64..99_999) {
            for f in [IndexFormat::Local, IndexFormat::National] {
                let n = f.format(&code, year, serial);
                prop_assert!(n.is_ok());
                let n = n.unwrap_or_else(|e| panic!("{e}"));
                prop_assert_eq!(IndexNo::parse(n.as_str()).ok(), Some(n.clone()));
                prop_assert_eq!(n.year(), Some(year));
            }
        }

        #[test]
        fn parsing_never_panics(s in ".{0,40}") {
            let _ = IndexNo::parse(&s);
        }
    }
}
