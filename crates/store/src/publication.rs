//! Scheduled publication: a record approved for a later time becomes public when that time
//! passes, and the change feed is told then — one `published` row per record, so every
//! follower (the search index, page caches) sees the record go public. Idempotent across
//! nodes: the row is written in the same transaction that sets the record's
//! `publication_announced` flag, and only by the transaction that changed it.

use chrono::{DateTime, Utc};
use gongkai_domain::record::Visibility;
use sqlx::Row;

use crate::records::push_visibility;
use crate::sql::Sql;
use crate::{Result, Store, feed};

/// Announces every record that the public may see at `now` (`Visibility::LISTED`: published,
/// 主动公开, its time passed) and that was not announced yet; returns how many this call
/// announced.
pub async fn announce_due(store: &Store, now: DateTime<Utc>) -> Result<usize> {
    // Records that the one visibility rule lists at `now` and that were not announced yet.
    let mut q = Sql::new("SELECT r.id FROM records r WHERE r.publication_announced = 0");
    push_visibility(&mut q, Visibility::LISTED, now);
    q.push(" ORDER BY r.published_at, r.id LIMIT 500");
    let due: Vec<i64> = q
        .query()
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
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
