//! Scheduled publication: tells the change feed when records approved for a later time become
//! public (`gongkai_store::publication`). Time comes in as an argument, so tests can move it.

use chrono::{DateTime, Utc};
use gongkai_store::Store;

use crate::JobsError;

/// Announces the records whose publication time is at or before `now`; returns how many.
pub async fn publish_due(store: &Store, now: DateTime<Utc>) -> Result<usize, JobsError> {
    Ok(gongkai_store::publication::announce_due(store, now).await?)
}
