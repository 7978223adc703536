//! How values read on a page: dates in Beijing time, sizes in KB and MB.

use chrono::{DateTime, Utc};
use gongkai_domain::time::parse_storage_timestamp;

/// Shows a storage timestamp as Beijing `YYYY-MM-DD`.
pub fn date_of(stamp: &str) -> String {
    parse_storage_timestamp(stamp)
        .map(day_of)
        .unwrap_or_default()
}

/// Shows an instant as its Beijing date, `YYYY-MM-DD`.
pub fn day_of(t: DateTime<Utc>) -> String {
    gongkai_domain::time::beijing_date(t).to_string()
}

/// Bytes as people read them.
pub fn human_size(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MB", b / 1024.0 / 1024.0)
    } else if b >= 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{bytes} 字节")
    }
}

/// A file a public page offers for download, as its templates list it: name, link, type (its
/// label, `文件` for a kind without one) and size.
pub fn file_line(name: &str, url: String, kind: &str, size_bytes: i64) -> minijinja::Value {
    minijinja::context! {
        name => name, url => url,
        kind => crate::download::file_kind(kind).map(|k| k.label()).unwrap_or("文件"),
        size => human_size(size_bytes),
    }
}
