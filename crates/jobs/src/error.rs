//! The one error type of the jobs crate.

/// What can go wrong in background work.
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    /// The database.
    #[error(transparent)]
    Store(#[from] gongkai_store::StoreError),
    /// The search index.
    #[error(transparent)]
    Search(#[from] gongkai_search::SearchError),
    /// Mail settings that cannot work (a bad sender address, an unknown security mode).
    #[error("{0}")]
    Mail(String),
}
