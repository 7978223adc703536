//! The addresses pages link to, built in one place.

/// The URL of a record page.
pub fn record_url(index_no: &str) -> String {
    gongkai_domain::urls::record(index_no)
}

/// The public address of a consultation.
pub fn consultation_url(id: i64) -> String {
    gongkai_domain::urls::consultation(id)
}

/// The download address of a public record's attachment.
pub fn attachment_url(id: i64, file_name: &str) -> String {
    format!("/files/{id}/{}", urlencode(file_name))
}

/// Percent-encodes a path for use in a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
