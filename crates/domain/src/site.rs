//! Sites on one deployment (集约化): the host names a site answers for and the path prefix a
//! deployment on one host uses instead (`/site/ATS001/…`).

use serde::Serialize;

use crate::org::OrgCode;
use crate::{DomainError, ErrorCode};

/// A host name a site answers for, e.g. `www.wuqia.gov.cn`: lower case, without a port or a
/// trailing dot, 1–253 characters in labels of letters, digits and `-` (an IDN in its `xn--` form).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct HostName(String);

impl HostName {
    /// Parses a host name typed by a person or sent in a request's `Host` header; a port
    /// (`:8080`) and a trailing dot are dropped.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::with("host", ErrorCode::SiteHostInvalid, &[("host", &raw)]);
        let trimmed = raw.trim();
        // `[::1]:8080` or `host:8080`: only the name counts.
        let name = match trimmed.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => trimmed,
        };
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        if name.is_empty() || name.len() > 253 {
            return Err(invalid());
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if !name.split('.').all(label_ok) {
            return Err(invalid());
        }
        Ok(Self(name))
    }
}

text_newtype!(HostName, "The host name as stored and compared.", Display);

/// The first path segment of a site's pages on a shared host: `/site/{机构代码}/…`.
pub const PATH_PREFIX: &str = "/site/";

/// Splits `/site/ATS001/xxgk/list` into the site's code and the path the site's own pages use
/// (`/xxgk/list`); `None` when the path names no site.
pub fn split_prefixed_path(path: &str) -> Option<(OrgCode, &str)> {
    let rest = path.strip_prefix(PATH_PREFIX)?;
    let (code, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Some((OrgCode::parse(code).ok()?, tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn host_names_are_normalised() {
        let cases = [
            ("www.WuQia.gov.cn", "www.wuqia.gov.cn"),
            ("ats.example:8080", "ats.example"),
            ("localhost.", "localhost"),
            (" 127.0.0.1:3000 ", "127.0.0.1"),
        ];
        for (raw, want) in cases {
            assert_eq!(
                HostName::parse(raw).map(|h| h.to_string()).ok(),
                Some(want.to_owned()),
                "{raw}"
            );
        }
    }

    #[test]
    fn bad_host_names_are_refused_with_a_chinese_message() {
        for raw in ["", "a..b", "-a.cn", "a_b.cn", "乌恰.cn", "a.cn/x", "a b.cn"] {
            let e = HostName::parse(raw).err();
            assert_eq!(e.map(|e| e.code()), Some("site.host_invalid"), "{raw:?}");
        }
    }

    #[test]
    fn a_prefixed_path_names_its_site_and_the_page() {
        let split = |p| split_prefixed_path(p).map(|(c, t)| (c.to_string(), t.to_owned()));
        assert_eq!(
            split("/site/ats001/xxgk/list"),
            Some(("ATS001".into(), "/xxgk/list".into()))
        );
        assert_eq!(split("/site/ATS001"), Some(("ATS001".into(), "/".into())));
        assert_eq!(split("/site/ATS001/"), Some(("ATS001".into(), "/".into())));
        assert_eq!(split("/xxgk/list"), None);
        assert_eq!(split("/site/%E4/x"), None);
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_is_idempotent(raw in "\\PC{0,300}") {
            if let Ok(h) = HostName::parse(&raw) {
                prop_assert_eq!(HostName::parse(h.as_str()).ok(), Some(h.clone()));
                prop_assert!(h.as_str().len() <= 253);
            }
        }
    }
}
