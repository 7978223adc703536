//! Scheduled publication: tells the change feed when records approved for a later time become
//! public (`gongkai_store::publication`), and when a typed list's 公示 has ended
//! (`gongkai_store::typed_lists::end_gongshi`). Time comes in as an argument, so tests can move it.

use chrono::{DateTime, Utc};
use gongkai_store::Store;

use crate::JobsError;

/// Announces the records whose publication time is at or before `now`; returns how many.
pub async fn publish_due(store: &Store, now: DateTime<Utc>) -> Result<usize, JobsError> {
    Ok(gongkai_store::publication::announce_due(store, now).await?)
}

/// Most ended 公示 rows one pass records.
pub const GONGSHI_BATCH: i64 = 500;

/// Records the end of every 公示 that has passed by `now` (at most [`GONGSHI_BATCH`] a pass):
/// each is audited and written to the change feed, so the search index and the page cache drop
/// the row; returns how many.
pub async fn end_gongshi(store: &Store, now: DateTime<Utc>) -> Result<usize, JobsError> {
    Ok(
        gongkai_store::typed_lists::end_gongshi(store, now, GONGSHI_BATCH)
            .await?
            .len(),
    )
}
