//! Staff sessions stored in the database, so every node of a deployment shares them.
//!
//! The cookie carries a random token; the table keeps only its SHA-256, so a leaked database
//! copy does not hand out live sessions. Sessions end after two idle hours or twelve hours in all.

use chrono::Duration;
use gongkai_domain::time::parse_storage_timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::users::{self, Staff};
use crate::{Actor, Result, Store, Tx, audit, now, ts};

/// Idle time after which a session ends.
pub const IDLE: Duration = Duration::hours(2);
/// Longest life of a session.
pub const ABSOLUTE: Duration = Duration::hours(12);

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token (256 bits, hex).
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Opens a session for `staff` and returns the token for the cookie. Audited as a login.
pub async fn create(store: &Store, staff: &Staff, ip: &str) -> Result<String> {
    let token = random_token();
    let at = now();
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip)
         VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(hash_token(&token))
    .bind(staff.id)
    .bind(ts(at))
    .bind(ts(at + ABSOLUTE))
    .bind(ip)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    commit_as(tx, store, "user.login", staff, ip).await?;
    Ok(token)
}

/// The staff member behind a token, if the session is live and the account enabled.
pub async fn lookup(store: &Store, token: &str) -> Result<Option<Staff>> {
    let row =
        sqlx::query("SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1")
            .bind(hash_token(token))
            .fetch_optional(store.pool())
            .await?;
    let Some(row) = row else { return Ok(None) };
    let at = now();
    let last_seen = parse_storage_timestamp(&row.try_get::<String, _>("last_seen_at")?);
    let expires = parse_storage_timestamp(&row.try_get::<String, _>("expires_at")?);
    let (Some(last_seen), Some(expires)) = (last_seen, expires) else {
        return Ok(None);
    };
    if at > expires || at - last_seen > IDLE {
        return Ok(None);
    }
    if at - last_seen > Duration::minutes(1) {
        // Through a writer's turn, so a burst of public submissions cannot starve it in
        // SQLite's busy handler (see `Store::begin_write`).
        let mut tx = store.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(ts(at))
            .bind(hash_token(token))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let staff = users::by_id(store, row.try_get("user_id")?).await?;
    Ok((!staff.disabled).then_some(staff))
}

/// Ends a session (logout), audited.
pub async fn end(store: &Store, token: &str, staff: &Staff, ip: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash_token(token))
        .execute(&mut *tx)
        .await?;
    commit_as(tx, store, "user.logout", staff, ip).await
}

/// Commits `tx`, audited as `action` (a login, a logout) by `staff` from `ip`.
async fn commit_as(tx: Tx, store: &Store, action: &str, staff: &Staff, ip: &str) -> Result<()> {
    audit::Change::new(action, "user", &staff.username)
        .commit(tx, store, &Actor::user(&staff.username, ip))
        .await
}

/// Opens a one-hour session for a member of the public who proved a tracking code and secret
/// (an applicant, a message writer) in `table`, keyed by `column` = `id`. Returns the token
/// for the cookie; only its hash is stored.
pub(crate) async fn open_public(
    store: &Store,
    table: &'static str,
    column: &'static str,
    id: i64,
) -> Result<String> {
    let token = random_token();
    let hash = hash_token(&token);
    let at = crate::now();
    let mut tx = store.begin_write().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE expires_at < $1"
    )))
    .bind(crate::ts(at))
    .execute(&mut *tx)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} (token_hash, {column}, expires_at) VALUES ($1, $2, $3)"
    )))
    .bind(hash)
    .bind(id)
    .bind(crate::ts(at + chrono::Duration::hours(1)))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The id a live public session of `table` belongs to.
pub(crate) async fn public_owner(
    store: &Store,
    table: &'static str,
    column: &'static str,
    token: &str,
) -> Result<Option<i64>> {
    let hash = hash_token(token);
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM {table} WHERE token_hash = $1 AND expires_at > $2"
    )))
    .bind(hash)
    .bind(crate::ts(crate::now()))
    .fetch_optional(store.pool())
    .await?)
}
