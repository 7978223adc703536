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

/// The public page of a 政民互动 exchange.
pub fn message(id: i64) -> String {
    format!("/hudong/{id}")
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
    }
}
