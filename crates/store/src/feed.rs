//! The change feed: an ordered list of "object X changed" rows written in the same
//! transaction as the change. Derived data (the search index, page caches) follows it on every
//! node and can always be rebuilt, so it is never the source of truth.

use crate::{Result, Store, Tx, column, now, sql, ts};

/// One change as read back from the feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeedItem {
    /// Position in the feed; readers remember the last one they processed.
    pub id: i64,
    /// Kind of object.
    pub object_type: String,
    /// Its identifier.
    pub object_id: String,
    /// `created`, `updated`, `deleted` …
    pub change: String,
}

column::from_row!(FeedItem => id, object_type, object_id, change);

/// Emits a change inside `tx`.
pub async fn emit(tx: &mut Tx, object_type: &str, object_id: &str, change: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_feed (at, object_type, object_id, change) VALUES ($1, $2, $3, $4)",
    )
    .bind(ts(now()))
    .bind(object_type)
    .bind(object_id)
    .bind(change)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Reads up to `limit` changes after position `after`.
pub async fn since(store: &Store, after: i64, limit: i64) -> Result<Vec<FeedItem>> {
    sql::all(
        sqlx::query(
            "SELECT id, object_type, object_id, change FROM change_feed WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit),
        store.pool(),
    )
    .await
}

/// The position of the newest change (0 when the feed is empty).
pub async fn latest(store: &Store) -> Result<i64> {
    let n: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM change_feed")
        .fetch_one(store.pool())
        .await?;
    Ok(n.unwrap_or(0))
}
