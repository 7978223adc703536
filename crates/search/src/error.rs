//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in the search crate.
///
/// Bad *queries* are never errors: any text a visitor types yields a (possibly empty) result.
/// Errors come from the index itself (disk, corruption, a writer lock held by another process).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// tantivy reported a failure (I/O, corrupt segment, lock held by another writer, …).
    #[error("搜索索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be created, read or cleared.
    #[error("无法访问搜索索引目录 {path}：{source}")]
    Directory {
        /// The directory concerned.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A document handed to the index is unusable (for example an empty index number).
    #[error("文档无效：{0}")]
    InvalidDocument(String),
    /// The in-process writer lock was poisoned by a panic in another thread.
    #[error("搜索索引写入器不可用（另一线程在写入时崩溃）")]
    WriterPoisoned,
}

impl SearchError {
    pub(crate) fn directory(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Directory {
            path: path.into(),
            source,
        }
    }
}
