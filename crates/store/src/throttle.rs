//! Counters for public-form rate limits, kept in the database so every node enforces the same
//! limit: a burst from one address is refused with a clear message, nothing half-stored.

use chrono::Duration;

use crate::{Result, Store, Tx, now, ts};

/// The advisory-lock key of a scope on PostgreSQL: FNV-1a of the text, so every node takes
/// the same lock for the same scope. Different scopes may share a key now and then; that only
/// serialises two unrelated counters for a moment.
fn lock_key(scope: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in scope.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// A rate limit a submission is counted against: at most `limit` uses of `key` within `window`.
#[derive(Debug, Clone)]
pub struct Limit {
    /// The scope counted (`apply:10.0.0.1`).
    pub key: String,
    /// The most uses allowed within the window.
    pub limit: i64,
    /// How far back uses count.
    pub window: Duration,
}

/// What a submission counted against limits came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission<T> {
    /// Stored (or found stored before, for a repeated form).
    Stored(T),
    /// Refused: the limit at this index was used up; nothing was stored or counted.
    OverLimit(usize),
}

impl<T> Admission<T> {
    /// What was stored, for a caller that gave no limits (so none can be over).
    pub(crate) fn stored_without_limits(self) -> Result<T> {
        match self {
            Self::Stored(v) => Ok(v),
            Self::OverLimit(_) => Err(crate::StoreError::Corrupt(
                "未设限额的提交被判为超限".into(),
            )),
        }
    }
}

/// Records one use of `key` if fewer than `limit` uses happened within `window`; returns
/// whether this use is allowed.
///
/// Counting and recording happen in one write transaction that is serialised per scope:
/// SQLite's `BEGIN IMMEDIATE` (one writer at a time) and, on PostgreSQL, a transaction-scoped
/// advisory lock on the scope taken before counting — so a concurrent burst from one address
/// can never pass the limit, on one node or several.
pub async fn hit(store: &Store, key: &str, limit: i64, window: Duration) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let limit = Limit {
        key: key.to_owned(),
        limit,
        window,
    };
    if !hit_in(&mut tx, store, &limit).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// [`hit`] inside the caller's write transaction `tx`, so a submission and its count land (or
/// not) together and cost one commit; on PostgreSQL the scope's lock is held until `tx` ends.
pub(crate) async fn hit_in(tx: &mut Tx, store: &Store, limit: &Limit) -> Result<bool> {
    crate::serialise(tx, store.engine(), lock_key(&limit.key)).await?;
    // The time is read once the lock is held, so counts and rows follow the order of the lock.
    let at = now();
    let used: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM form_submissions WHERE scope_key = $1 AND at > $2",
    )
    .bind(&limit.key)
    .bind(ts(at - limit.window))
    .fetch_one(&mut **tx)
    .await?;
    if used >= limit.limit {
        return Ok(false);
    }
    sqlx::query("INSERT INTO form_submissions (scope_key, at) VALUES ($1, $2)")
        .bind(&limit.key)
        .bind(ts(at))
        .execute(&mut **tx)
        .await?;
    // This scope's expired uses go now (by the index); other scopes' in [`prune`].
    sqlx::query("DELETE FROM form_submissions WHERE scope_key = $1 AND at < $2")
        .bind(&limit.key)
        .bind(ts(at - KEPT))
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Counts one use of each of `limits` inside `tx`; the index of the first one already used up
/// (nothing more is counted then, and the caller rolls `tx` back).
pub(crate) async fn hit_all_in(
    tx: &mut Tx,
    store: &Store,
    limits: &[Limit],
) -> Result<Option<usize>> {
    for (i, limit) in limits.iter().enumerate() {
        if !hit_in(tx, store, limit).await? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// How long a recorded use is kept: longer than any window a limit counts over.
pub const KEPT: Duration = Duration::days(2);

/// Deletes every recorded use older than [`KEPT`], whatever its scope; returns how many. Run
/// now and then by the background jobs, so a submission never scans the whole table.
pub async fn prune(store: &Store) -> Result<u64> {
    let done = sqlx::query("DELETE FROM form_submissions WHERE at < $1")
        .bind(ts(now() - KEPT))
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected())
}

/// Whether `key` already had `limit` uses within `window`, so that [`hit`] would refuse the
/// next one (read-only: nothing is recorded).
pub async fn used_up(store: &Store, key: &str, limit: i64, window: Duration) -> Result<bool> {
    Ok(count(store, key, window).await? >= limit)
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

#[cfg(test)]
mod tests {
    use super::lock_key;

    #[test]
    fn lock_keys_are_stable_and_differ_per_scope() {
        assert_eq!(lock_key("apply:10.0.0.1"), lock_key("apply:10.0.0.1"));
        assert_ne!(lock_key("apply:10.0.0.1"), lock_key("apply:10.0.0.2"));
    }
}
