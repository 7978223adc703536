//! Counters for public-form rate limits, kept in the database so every node enforces the same
//! limit: a burst from one address is refused with a clear message, nothing half-stored.

use chrono::Duration;

use crate::{Result, Store, now, ts};

/// Records one use of `key` if fewer than `limit` uses happened within `window`; returns
/// whether this use is allowed.
pub async fn hit(store: &Store, key: &str, limit: i64, window: Duration) -> Result<bool> {
    let at = now();
    let mut tx = store.begin_write().await?;
    let used: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM form_submissions WHERE scope_key = $1 AND at > $2",
    )
    .bind(key)
    .bind(ts(at - window))
    .fetch_one(&mut *tx)
    .await?;
    if used >= limit {
        return Ok(false);
    }
    sqlx::query("INSERT INTO form_submissions (scope_key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM form_submissions WHERE at < $1")
        .bind(ts(at - Duration::days(2)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// How many uses of `key` happened within `window` (without recording one).
pub async fn count(store: &Store, key: &str, window: Duration) -> Result<i64> {
    Ok(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM form_submissions WHERE scope_key = $1 AND at > $2",
        )
        .bind(key)
        .bind(ts(now() - window))
        .fetch_one(store.pool())
        .await?,
    )
}
