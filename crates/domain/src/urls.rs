//! Public addresses of the things gongkai publishes. The web pages, the search index and the
//! sitemap all link with these, so an address is written in one place.

/// The page of a record, by its 索引号.
pub fn record(index_no: &str) -> String {
    format!("/xxgk/{index_no}")
}

/// The page of a consultation (征求意见).
pub fn consultation(id: i64) -> String {
    format!("/zhengji/{id}")
}

/// The public page of a key task (重点工作).
pub fn task(id: i64) -> String {
    format!("/renwu/{id}")
}

/// The public 审计整改 page of an audit report or inspection notice.
pub fn audit_report(id: i64) -> String {
    format!("/zhenggai/{id}")
}

/// The public page of a 政民互动 exchange.
pub fn message(id: i64) -> String {
    format!("/hudong/{id}")
}

/// The public page of an open-data dataset, by its name (slug).
pub fn dataset(name: &str) -> String {
    format!("/data/{name}")
}

/// The download of a dataset's resource (counted), by the dataset's name and the resource's
/// public id.
pub fn resource_download(dataset: &str, resource: &str) -> String {
    format!("/data/{dataset}/resources/{resource}/download")
}

/// The index of the typed public lists (权力清单, 办事指南, 执法公示 …).
pub const LISTS: &str = "/xxgk/qingdan/";

/// The public page of a typed list, by its code.
pub fn list(code: &str) -> String {
    format!("/xxgk/qingdan/{code}")
}

/// The public page of one row of a typed list.
pub fn list_row(code: &str, id: i64) -> String {
    format!("/xxgk/qingdan/{code}/{id}")
}

/// The Atom feed of a typed list's public rows.
pub fn list_feed(code: &str) -> String {
    format!("/feeds/qingdan/{code}.xml")
}

/// Longest redirect target followed; a longer one falls back to the default.
pub const MAX_REDIRECT_LEN: usize = 2048;

/// The redirect target to follow for a user-supplied `back`/`next` value: `target` itself when it
/// is a path on this site, otherwise `default`. Every redirect that takes user input goes through
/// here, so an open redirect or a header that cannot be written (a 500) has one place to be fixed.
///
/// Accepted: a path starting with a single `/`, made only of visible ASCII (no spaces, control
/// characters, backslashes or non-ASCII), whose percent escapes are well formed and do not encode a
/// control character, a slash, a backslash or another `%` (double encoding). Browsers drop tabs and
/// newlines and treat `\` as `/`, so `/\t/evil` or `/%5Cevil` would otherwise leave the site.
pub fn safe_local_path<'a>(target: &'a str, default: &'a str) -> &'a str {
    if is_safe_local_path(target) {
        target
    } else {
        default
    }
}

/// Whether `target` is a same-site path by the rules of [`safe_local_path`].
pub fn is_safe_local_path(target: &str) -> bool {
    let bytes = target.as_bytes();
    if bytes.len() > MAX_REDIRECT_LEN || bytes.first() != Some(&b'/') {
        return false;
    }
    if matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(0x21..=0x7e).contains(&b) || b == b'\\' {
            return false;
        }
        if b == b'%' {
            let Some(decoded) = percent_escape_at(bytes, i) else {
                return false;
            };
            if !(0x20..0x7f).contains(&decoded) || matches!(decoded, b'/' | b'\\' | b'%') {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// The byte a well-formed `%XX` escape starting at `at` stands for; `None` when no such escape
/// starts there. Shared by the redirect check here and the web edge's control-character check.
pub fn percent_escape_at(bytes: &[u8], at: usize) -> Option<u8> {
    if bytes.get(at) != Some(&b'%') {
        return None;
    }
    let digit = |i: usize| bytes.get(i).and_then(|h| (*h as char).to_digit(16));
    u8::try_from(digit(at + 1)? * 16 + digit(at + 2)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            record("11653024MB1234567X/2026-00001"),
            "/xxgk/11653024MB1234567X/2026-00001"
        );
        assert_eq!(consultation(7), "/zhengji/7");
        assert_eq!(message(9), "/hudong/9");
        assert_eq!(list("quanli"), "/xxgk/qingdan/quanli");
        assert_eq!(list_row("banshi", 3), "/xxgk/qingdan/banshi/3");
        assert_eq!(list_feed("jiuzhu"), "/feeds/qingdan/jiuzhu.xml");
    }

    #[test]
    fn redirect_targets() {
        assert_eq!(safe_local_path("/jigou?x=1", "/"), "/jigou?x=1");
        assert_eq!(safe_local_path("/xxgk/a%20b", "/"), "/xxgk/a%20b");
        for bad in [
            "",
            "jigou",
            "//evil.example",
            "/\\evil",
            "https://evil.example",
            "/\t/evil.example",
            "/\n",
            "/%09/evil.example",
            "/%0a",
            "/%2F/evil",
            "/%5cevil",
            "/%252f",
            "/%zz",
            "/%",
            "/a b",
            "/\u{202e}x",
            "/\0",
        ] {
            assert_eq!(safe_local_path(bad, "/"), "/", "{bad:?}");
        }
    }

    proptest::proptest! {
        /// Whatever is accepted is a same-site path a browser cannot read as another origin, and
        /// can be written into a `Location` header.
        #[test]
        fn accepted_targets_stay_on_site(s in "[/\\\\%0-9a-fA-F:.\t\n\r\x00-\x1f\x7f ?#=&a-z\u{80}-\u{10ffff}]{0,24}") {
            let out = safe_local_path(&s, "/");
            proptest::prop_assert!(out == s || out == "/");
            let b = out.as_bytes();
            proptest::prop_assert_eq!(b[0], b'/');
            proptest::prop_assert!(!matches!(b.get(1), Some(b'/' | b'\\')));
            proptest::prop_assert!(b.iter().all(|c| (0x21..=0x7e).contains(c) && *c != b'\\'));
            let lower = out.to_ascii_lowercase();
            for esc in ["%0", "%1", "%7f", "%2f", "%5c", "%25"] {
                proptest::prop_assert!(!lower.contains(esc), "{} kept {}", out, esc);
            }
        }

        /// Prefixing a control character, slash, backslash or encoding of one to a path is refused.
        #[test]
        fn tricks_after_the_slash_are_refused(
            trick in proptest::sample::select(vec!["/", "\\", "\t", "\n", "\r", "\0", "%09", "%0a", "%0D", "%00", "%2f", "%2F", "%5c", "%5C", "%25", "%", " "]),
            rest in "[a-z./]{0,12}",
        ) {
            let target = format!("/{trick}{rest}");
            proptest::prop_assert_eq!(safe_local_path(&target, "/"), "/");
        }
    }
}
