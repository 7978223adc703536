//! Scheduled publication: a record approved for a later time becomes public when that time
//! passes, and the change feed is told then — one `published` row per record, so every
//! follower (the search index, page caches) sees the record go public. Idempotent across
//! nodes: the row is written in the same transaction that sets the record's
//! `publication_announced` flag, and only by the transaction that changed it.

use chrono::{DateTime, Utc};

use crate::{Result, Store, feed, ts};

/// Announces every record whose scheduled publication time is at or before `now` and that was
/// not announced yet; returns how many this call announced.
pub async fn announce_due(store: &Store, now: DateTime<Utc>) -> Result<usize> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM records WHERE publication_announced = 0 AND status = 'published'
         AND published_at <= $1 ORDER BY published_at, id LIMIT 500",
    )
    .bind(ts(now))
    .fetch_all(store.pool())
    .await?;
    let mut announced = 0;
    for id in due {
        let mut tx = store.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE records SET publication_announced = 1 WHERE id = $1 AND publication_announced = 0",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            feed::emit(&mut tx, "record", &id.to_string(), "published").await?;
            announced += 1;
        }
        tx.commit().await?;
    }
    Ok(announced)
}
