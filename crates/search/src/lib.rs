//! Full-text search for gongkai (快速定位和精准查询): a tantivy index that finds **every** document
//! containing what the visitor typed, and ranks them well.
//!
//! # Exactness and ranking
//!
//! Word segmentation alone misses matches (jieba cuts 食品安全法 into 食品 / 安全法, so a
//! 食品安全 query would miss it), and n-gram indexes without positions over-match. This crate
//! keeps both concerns apart:
//!
//! - **matching** uses overlapping character bigrams with real positions (and single characters
//!   for one-character queries) over the [normalised](normalize()) text: a term of n ≥ 3
//!   characters becomes a phrase of bigrams, which matches exactly the documents containing the
//!   string — Chinese, ASCII, digits and punctuation alike (国办发〔2019〕54号, 2019, 12345);
//! - **ranking** uses BM25 over jieba words (title weighted ×3) plus a bonus when the title
//!   contains the term exactly.
//!
//! # Use
//!
//! ```
//! use gongkai_search::{Doc, Query, SearchIndex};
//! # fn main() -> Result<(), gongkai_search::SearchError> {
//! let index = SearchIndex::in_memory()?;
//! index.upsert(&[Doc {
//!     id: "WQX001-2024-000001".into(),
//!     title: "中华人民共和国食品安全法".into(),
//!     body: "为了保证食品安全，保障公众身体健康和生命安全，制定本法。".into(),
//!     doc_number: "主席令第二十一号".into(),
//!     content_type: "record".into(),
//!     ..Doc::default()
//! }])?;
//! index.set_last_applied_feed_id(42)?;
//! index.commit()?;
//! let results = index.search(&Query::new("食品安全"))?;
//! assert_eq!(results.total, 1);
//! assert!(results.hits[0].snippet_html.contains("<mark>食品安全</mark>"));
//! assert_eq!(index.last_applied_feed_id()?, Some(42));
//! # Ok(()) }
//! ```

mod error;
mod facets;
mod index;
mod normalize;
mod query;
mod snippet;
mod tokenize;

pub use error::SearchError;
pub use facets::{FacetCount, Facets};
pub use index::{Doc, Hit, OpenState, Options, Results, SearchIndex};
pub use normalize::{lookup_key, normalize, normalize_char};
pub use query::{
    Filters, MAX_DEPTH, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_TERMS, ParsedQuery, Query, Scope, Sort,
};
pub use snippet::escape_html;
