//! Citizens' query passwords (查询密码) for applications and messages: how they are kept and
//! checked.
//!
//! At rest a query password is an argon2id hash, at the cost used for staff logins. Argon2 is
//! deliberately slow (tens of milliseconds of a core), so hashing inside the citizen's request
//! would cap a 2-core server at a few dozen submissions a second. When the deployment has its
//! audit key (kept outside the database, as every node has it), a submission instead stores the
//! password **sealed**: encrypted with ChaCha20-Poly1305 under a key derived from the audit key,
//! which costs microseconds. The `jobs` loop then replaces each sealed value with its argon2 hash
//! ([`hash_sealed`]) within seconds, one hash at a time so serving keeps the other core. A copy
//! of the database alone never yields a password: a sealed value needs the key file, and a hash
//! needs the argon2 work per guess. Without an audit key (tests, tools) the request hashes at
//! once, as before.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use sqlx::{AssertSqlSafe, Row};

use crate::{Result, Store, StoreError};

/// What a sealed value starts with (an argon2 hash starts with `$argon2`).
const SEALED_PREFIX: &str = "sealed:v1:";
/// The purpose the sealing key is derived for from the audit key.
const SEAL_PURPOSE: &str = "query-secret-seal";
/// Bound to every sealed value, so a sealed value made for anything else does not open here.
const SEAL_AAD: &[u8] = b"gongkai query password";
/// The tables whose `secret_hash` may hold sealed values (fixed names, put into SQL as they are).
const TABLES: [&str; 3] = ["applications", "messages", "data_access_requests"];

/// A fixed hash verified against when a tracking code is unknown, so timing does not reveal
/// which codes exist (and, for logins, which user names exist).
pub(crate) const DUMMY_SECRET_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3vZr0N3pEV0lpr3mkf7XbRh9pR1PU1zSxCKiFI3U2Qw";

/// Hashes a secret with argon2id on a blocking thread (it takes tens of milliseconds).
pub(crate) async fn hash(secret: &str) -> Result<String> {
    let clear = secret.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(clear.as_bytes())
            .map(|h| h.to_string())
            .map_err(|_| StoreError::Password)
    })
    .await
    .map_err(|_| StoreError::Password)?
}

/// Whether `clear` matches the argon2 `hash` (on a blocking thread).
pub(crate) async fn verify_hash(clear: &str, hash: &str) -> bool {
    let clear = clear.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(clear.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// The value to store for a new query password: sealed when the store has the audit key (the
/// hash follows in the background), else its argon2 hash.
pub(crate) async fn protect(store: &Store, secret: &str) -> Result<String> {
    match sealing_key(store) {
        Some(key) => seal(&key, secret),
        None => hash(secret).await,
    }
}

/// The row of a public lookup (an application, a message) if its `secret_hash` column matches
/// `secret`; `None` for a wrong secret and, after the same argon2 work, for a missing row or a
/// value still sealed.
pub(crate) async fn row_if_matches(
    store: &Store,
    row: Option<sqlx::any::AnyRow>,
    secret: &str,
) -> Result<Option<sqlx::any::AnyRow>> {
    let stored = match &row {
        Some(r) => r.try_get::<String, _>("secret_hash")?,
        None => DUMMY_SECRET_HASH.to_owned(),
    };
    let matches = match stored.strip_prefix(SEALED_PREFIX) {
        Some(sealed) => {
            // The same argon2 work as any other answer, so timing tells nothing.
            verify_hash(secret, DUMMY_SECRET_HASH).await;
            sealing_key(store)
                .and_then(|key| open(&key, sealed))
                .is_some_and(|clear| constant_time_eq(clear.as_bytes(), secret.as_bytes()))
        }
        None => verify_hash(secret, &stored).await,
    };
    Ok(if matches { row } else { None })
}

/// Whether a stored query secret is still sealed (not yet hashed by [`hash_sealed`]): such a
/// value opens only with this deployment's key.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// How many query passwords are still sealed, waiting for the background pass ([`hash_sealed`])
/// to hash them: a backlog that stays above zero means no node is hashing.
pub async fn sealed_backlog(store: &Store) -> Result<i64> {
    let mut waiting = 0;
    for table in TABLES {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE secret_hash LIKE 'sealed:%'"
        )))
        .fetch_one(store.pool())
        .await?;
        waiting += n;
    }
    Ok(waiting)
}

/// Replaces up to `limit` sealed query passwords with their argon2 hashes, one at a time;
/// returns how many it replaced. Several nodes may run this at once: a row is only written
/// while it still holds the sealed value that was read, so a value is never overwritten by a
/// stale one. A sealed value that does not open (sealed under another key) is left as it is.
pub async fn hash_sealed(store: &Store, limit: i64) -> Result<usize> {
    hash_sealed_before(store, limit, None).await
}

/// How the background pass yields to a burst of submissions: while query passwords keep
/// arriving (one sealed within [`Deferral::quiet`]), it hashes only those sealed longer than
/// [`Deferral::longest`] ago, so the argon2 work — tens of milliseconds of a core each — runs
/// when the server is quiet instead of taking a core from the citizens still submitting. A
/// sealed value is as safe at rest as a hash against a copy of the database alone (it needs the
/// key file); the deferral only bounds how long it stays sealed under a sustained flood.
#[derive(Debug, Clone, Copy)]
pub struct Deferral {
    /// How recent the newest sealed value must be for the server to count as busy.
    pub quiet: chrono::Duration,
    /// The longest a value stays sealed while the server is busy.
    pub longest: chrono::Duration,
}

/// [`hash_sealed`], yielding to a burst of submissions as `deferral` says; `now` is the time.
pub async fn hash_sealed_when_quiet(
    store: &Store,
    limit: i64,
    deferral: Deferral,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize> {
    if sealing_key(store).is_none() {
        return Ok(0);
    }
    let mut newest: Option<String> = None;
    for table in TABLES {
        let at: Option<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT MAX(created_at) FROM {table} WHERE secret_hash LIKE 'sealed:%'"
        )))
        .fetch_one(store.pool())
        .await?;
        newest = newest.max(at);
    }
    let busy = newest.is_some_and(|at| at > crate::ts(now - deferral.quiet));
    let before = busy.then(|| crate::ts(now - deferral.longest));
    hash_sealed_before(store, limit, before.as_deref()).await
}

/// [`hash_sealed`] for values stored before `before` (a storage timestamp), or all.
async fn hash_sealed_before(store: &Store, limit: i64, before: Option<&str>) -> Result<usize> {
    let Some(key) = sealing_key(store) else {
        return Ok(0);
    };
    let mut replaced = 0;
    for table in TABLES {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT id, secret_hash FROM {table} WHERE secret_hash LIKE 'sealed:%' \
             AND ($2 IS NULL OR created_at < $2) ORDER BY id LIMIT $1"
        )))
        .bind(limit)
        .bind(before)
        .fetch_all(store.pool())
        .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let sealed: String = row.try_get("secret_hash")?;
            let Some(clear) = sealed
                .strip_prefix(SEALED_PREFIX)
                .and_then(|s| open(&key, s))
            else {
                tracing::warn!(
                    table,
                    id,
                    "查询密码无法用本机密钥解封，留待持有该密钥的节点处理"
                );
                continue;
            };
            let hashed = hash(&clear).await?;
            let done = sqlx::query(AssertSqlSafe(format!(
                "UPDATE {table} SET secret_hash = $1 WHERE id = $2 AND secret_hash = $3"
            )))
            .bind(hashed)
            .bind(id)
            .bind(&sealed)
            .execute(store.pool())
            .await?;
            replaced += usize::from(done.rows_affected() == 1);
        }
    }
    Ok(replaced)
}

/// How many query passwords still wait to be hashed (shown by tests and health checks).
pub async fn sealed_count(store: &Store) -> Result<i64> {
    let mut total = 0;
    for table in TABLES {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE secret_hash LIKE 'sealed:%'"
        )))
        .fetch_one(store.pool())
        .await?;
        total += n;
    }
    Ok(total)
}

fn sealing_key(store: &Store) -> Option<LessSafeKey> {
    let derived = store.audit_key()?.derive(SEAL_PURPOSE);
    UnboundKey::new(&CHACHA20_POLY1305, &derived)
        .ok()
        .map(LessSafeKey::new)
}

/// `sealed:v1:` then hex of a fresh 12-byte nonce followed by the ciphertext and tag.
fn seal(key: &LessSafeKey, secret: &str) -> Result<String> {
    let nonce_bytes: [u8; 12] = rand::random();
    let mut data = secret.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce_bytes),
        Aad::from(SEAL_AAD),
        &mut data,
    )
    .map_err(|_| StoreError::Password)?;
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&data);
    Ok(format!("{SEALED_PREFIX}{}", hex::encode(out)))
}

/// The clear secret of a sealed value (without its prefix); `None` when it does not open.
fn open(key: &LessSafeKey, sealed_hex: &str) -> Option<String> {
    let bytes = hex::decode(sealed_hex).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, rest) = bytes.split_at(12);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = rest.to_vec();
    let clear = key
        .open_in_place(nonce, Aad::from(SEAL_AAD), &mut data)
        .ok()?;
    String::from_utf8(clear.to_vec()).ok()
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok<T, E: std::fmt::Debug>(r: std::result::Result<T, E>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn key(byte: u8) -> LessSafeKey {
        let derived = gongkai_domain::audit::AuditKey::new([byte; 32], 1).derive(SEAL_PURPOSE);
        LessSafeKey::new(ok(UnboundKey::new(&CHACHA20_POLY1305, &derived)))
    }

    #[test]
    fn a_sealed_secret_opens_only_under_its_key_and_unaltered() {
        let sealed = ok(seal(&key(1), "chaxun-123"));
        let body = ok(sealed.strip_prefix(SEALED_PREFIX).ok_or("no prefix"));
        assert!(!sealed.contains("chaxun"));
        assert_eq!(open(&key(1), body).as_deref(), Some("chaxun-123"));
        assert_eq!(open(&key(2), body), None);
        let mut tampered = body.to_owned();
        let last = tampered.pop();
        tampered.push(if last == Some('0') { '1' } else { '0' });
        assert_eq!(open(&key(1), &tampered), None);
        assert_eq!(open(&key(1), "zz"), None);
        assert_eq!(open(&key(1), ""), None);
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        assert_ne!(
            ok(seal(&key(1), "chaxun-123")),
            ok(seal(&key(1), "chaxun-123"))
        );
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
