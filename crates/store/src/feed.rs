//! The change feed: an ordered list of "object X changed" rows written in the same
//! transaction as the change. Derived data (the search index, page caches) follows it on every
//! node and can always be rebuilt, so it is never the source of truth.
//!
//! Followers read the feed on a short period, and on PostgreSQL sooner: every transaction that
//! writes a row also sends `NOTIFY gongkai_feed` (delivered when it commits), each node's
//! [`listen`] hears it and wakes the node's followers through their [`Wakeup`]. A notification
//! lost while a node is disconnected costs at most one period, never a change.

use std::time::Duration;

use sqlx::Executor;
use tokio::sync::watch;

use crate::{Result, Store, Tx, column, now, sql, ts};

/// The PostgreSQL notification channel that says "the change feed grew".
pub const CHANNEL: &str = "gongkai_feed";

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
    if tx.backend_name() == "PostgreSQL" {
        // Several rows in one transaction make one notification: PostgreSQL folds equal ones.
        tx.execute("NOTIFY gongkai_feed").await?;
    }
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

/// The database URL [`listen`] connects with; kept out of `Debug` output (it may hold a password).
#[derive(Clone)]
pub(crate) struct ListenUrl(pub(crate) String);

impl std::fmt::Debug for ListenUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListenUrl(…)")
    }
}

/// What a follower of the feed waits on between two readings: its period, or less when this
/// node hears that the feed grew.
#[derive(Debug)]
pub struct Wakeup(watch::Receiver<u64>);

impl Wakeup {
    /// Returns after `period`, or as soon as the feed is heard to grow.
    pub async fn after(&mut self, period: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            heard = self.0.changed() => {
                if heard.is_err() {
                    // Nobody can wake us any more: the period alone.
                    tokio::time::sleep(period).await;
                }
            }
        }
    }
}

impl Store {
    /// A new [`Wakeup`] for one follower of this node's feed.
    pub fn feed_wakeup(&self) -> Wakeup {
        Wakeup(self.feed_heard.subscribe())
    }

    /// Tells this node's followers that the feed grew (what [`listen`] does on a notification).
    pub fn feed_grew(&self) {
        self.feed_heard.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// On PostgreSQL, listens on [`CHANNEL`] until `stop` turns true and wakes this node's followers
/// at every notification; on SQLite (one node) returns at once. A lost connection is opened
/// again after a second, and the followers are woken then, since notifications sent meanwhile
/// were not heard.
pub async fn listen(store: Store, mut stop: watch::Receiver<bool>) {
    let Some(url) = store.listen_url.clone() else {
        return;
    };
    loop {
        tokio::select! {
            Err(e) = hear(&store, &url.0) => {
                tracing::warn!(error = %e, "change feed: cannot listen; trying again in 1 s");
            }
            _ = stop.changed() => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Listens on [`CHANNEL`] over one connection and wakes the followers at every notification,
/// until the connection fails beyond repair.
async fn hear(
    store: &Store,
    url: &str,
) -> std::result::Result<std::convert::Infallible, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    // Changes made before we listened were not heard: read the feed once now.
    store.feed_grew();
    loop {
        // `None`: the connection was lost (it is opened again on the next call) and whatever was
        // sent meanwhile was not heard, so the followers read the feed either way.
        if listener.try_recv().await?.is_none() {
            tracing::warn!("change feed: listening connection lost; reconnecting in 1 s");
            store.feed_grew();
            // A server that keeps dropping the connection is not hammered.
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        store.feed_grew();
    }
}
