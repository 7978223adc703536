//! The append-only, hash-chained audit log.
//!
//! [`append`] runs inside the transaction of the change it records, so a change and its audit
//! entry commit or fail together. [`verify`] walks the whole chain and names the first broken
//! link. Nothing in the program updates or deletes audit rows.
//!
//! With an [`AuditKey`] (see [`Store::with_audit_key`]) every new entry is also sealed, and
//! [`verify`] checks the seals; [`head`] and [`check_checkpoints`] compare the chain with heads
//! recorded in a file outside the database. [`load_or_create_key`] keeps the key in the data
//! folder.
//!
//! Each entry also knows the site (集约化) it belongs to, so a county's staff read only their own
//! site's entries ([`recent_in_sites`]): [`append`] fills `site_id` from the changed object (a
//! record, case, consultation, user, organisation, report or per-site setting), else from the
//! organisation the caller names ([`Change::in_org`]), else from the acting member of staff's
//! organisation; what belongs to no site (the national calendar, the command line acting on
//! nothing of a site) is the platform's (`NULL`). The column is kept outside the hash chain,
//! so entries written before it existed verify as they always did; migration 0019 filled it for
//! them by the same rules.

use std::path::Path;

use gongkai_domain::audit::{
    AuditEntry, AuditKey, ChainBreak, ChainVerifier, Checkpoint, CheckpointBreak, GENESIS_HASH,
    chain_hash,
};
use sqlx::Row;

use crate::column;
use crate::sql::{FromRow, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, now, ts};

/// What is being recorded, besides who and when.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// Stable dotted action code, e.g. `org.create`.
    pub action: &'a str,
    /// Kind of object, e.g. `organisation`.
    pub object_type: &'a str,
    /// The object's identifier.
    pub object_id: String,
    /// Extra detail (no secrets).
    pub detail: serde_json::Value,
    /// The organisation the change belongs to when the object does not say (its site is the
    /// entry's site), as `site_of` reads it.
    pub org_id: Option<i64>,
}

impl<'a> Change<'a> {
    /// A change with no detail: `action` on the object `object_type` / `object_id`.
    pub fn new(action: &'a str, object_type: &'a str, object_id: impl Into<String>) -> Self {
        Self {
            action,
            object_type,
            object_id: object_id.into(),
            detail: serde_json::Value::Object(serde_json::Map::new()),
            org_id: None,
        }
    }

    /// The same change, belonging to the site of the organisation `org_id` (for an object
    /// whose identifier does not name its site, such as a site's theme tree by the site's id).
    #[must_use]
    pub fn in_org(self, org_id: i64) -> Self {
        Self {
            org_id: Some(org_id),
            ..self
        }
    }

    /// The same change with `detail` recorded beside it (no secrets).
    #[must_use]
    pub fn with_detail(self, detail: serde_json::Value) -> Self {
        Self { detail, ..self }
    }

    /// Records this change by `actor` inside `tx` (see [`append`]); returns its sequence number.
    pub async fn append(self, tx: &mut Tx, store: &Store, actor: &Actor) -> Result<i64> {
        append(tx, store, actor, self).await
    }

    /// Records this change by `actor` and commits `tx`: the last step of most writes, so the
    /// change and its audit entry land together.
    pub async fn commit(self, mut tx: Tx, store: &Store, actor: &Actor) -> Result<()> {
        append(&mut tx, store, actor, self).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Appends an entry for `change` by `actor` inside `tx`; returns its sequence number.
/// The entry is sealed when the store has an audit key.
pub async fn append(tx: &mut Tx, store: &Store, actor: &Actor, change: Change<'_>) -> Result<i64> {
    // Read before the lock: the lock below serialises every writer until its commit, so what
    // need not be inside it stays out.
    let site_id = site_of(tx, actor, &change).await?;
    // Appenders one at a time, so the chain never forks.
    crate::serialise(tx, store.engine(), crate::LOCK_AUDIT).await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (prev_seq, prev_hash) = match last {
        Some(row) => (
            row.try_get::<i64, _>("seq")?,
            row.try_get::<String, _>("hash")?,
        ),
        None => (0, GENESIS_HASH.to_owned()),
    };
    let seq = prev_seq + 1;
    let at = ts(now());
    let detail = change.detail.to_string();
    let hash = chain_hash(
        &prev_hash,
        seq,
        &at,
        &actor.name,
        change.action,
        change.object_type,
        &change.object_id,
        &detail,
        &actor.ip,
    );
    let mac = match store.audit_key() {
        Some(key) if seq >= key.since() => key.seal(&hash),
        _ => String::new(),
    };
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, ip, prev_hash, hash, mac, site_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(seq)
    .bind(at)
    .bind(&actor.name)
    .bind(change.action)
    .bind(change.object_type)
    .bind(&change.object_id)
    .bind(detail)
    .bind(&actor.ip)
    .bind(prev_hash)
    .bind(hash)
    .bind(mac)
    .bind(site_id)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// Actor names that are not staff accounts, whatever accounts happen to be called.
const NOT_STAFF: [&str; 2] = ["public", "system"];

/// The site an entry belongs to: the changed object's, else that of the organisation the caller
/// named, else the acting member of staff's; `None` for the platform. Migration 0019 applies
/// the same rules to the entries written before.
async fn site_of(tx: &mut Tx, actor: &Actor, change: &Change<'_>) -> Result<Option<i64>> {
    let id = change.object_id.as_str();
    let by_id = |table: &str| format!("SELECT site_id FROM {table} WHERE id = $1");
    let numeric = id.parse::<i64>().ok();
    let found: Option<i64> =
        match (change.object_type, numeric) {
            ("record", Some(n)) => scalar(tx, &by_id("records"), n).await?,
            ("consultation", Some(n)) => scalar(tx, &by_id("consultations"), n).await?,
            ("opinion_event", Some(n)) => scalar(tx, &by_id("opinion_events"), n).await?,
            ("outbox", Some(n)) => scalar(tx, &by_id("outbox"), n).await?,
            // A datastore table is named by its resource; the resource's dataset names the site.
            ("datastore", Some(n)) => scalar(
                tx,
                "SELECT d.site_id FROM dataset_resources r JOIN datasets d ON d.id = r.dataset_id
                 WHERE r.id = $1",
                n,
            )
            .await?,
            ("application", _) => {
                scalar(
                    tx,
                    "SELECT site_id FROM applications WHERE tracking_code = $1",
                    id,
                )
                .await?
            }
            ("message", _) => {
                scalar(
                    tx,
                    "SELECT site_id FROM messages WHERE tracking_code = $1",
                    id,
                )
                .await?
            }
            ("user", _) => scalar(tx, STAFF_SITE, id).await?,
            ("organisation", _) if change.org_id.is_none() => scalar(tx, CODE_SITE, id).await?,
            // `<organ code>-<year>`; a code may itself hold `-`.
            ("annual_report", _) => match id.rsplit_once('-') {
                Some((code, _)) => scalar(tx, CODE_SITE, code).await?,
                None => None,
            },
            // A per-site key names its site's (or an organisation's) code: `icp.ATS001`,
            // `letter_template.ATS001.reply.1`, `review_body.WQX004`.
            ("setting", _) => {
                let mut site = None;
                for segment in id.split('.').skip(1).take(8) {
                    site = scalar(tx, CODE_SITE, segment).await?;
                    if site.is_some() {
                        break;
                    }
                }
                site
            }
            _ => None,
        };
    if found.is_some() {
        return Ok(found);
    }
    if let Some(org) = change.org_id {
        return scalar(tx, &by_id("organisations"), org).await;
    }
    if NOT_STAFF.contains(&actor.name.as_str()) {
        return Ok(None);
    }
    scalar(tx, STAFF_SITE, actor.name.as_str()).await
}

/// The site of the organisation with the organ code `$1`.
const CODE_SITE: &str = "SELECT site_id FROM organisations WHERE code = $1";
/// The site of the staff account `$1`'s organisation.
const STAFF_SITE: &str = "SELECT o.site_id FROM users u JOIN organisations o ON o.id = u.org_id
     WHERE u.username = $1";

/// The one nullable integer `sql` selects with `arg` bound, if a row has it.
async fn scalar<'q, T>(tx: &mut Tx, sql: &str, arg: T) -> Result<Option<i64>>
where
    T: 'q + Send + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    let row: Option<Option<i64>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(arg)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.flatten())
}

column::from_row!(AuditEntry => seq, at, actor, action, object_type, object_id, detail, ip,
    prev_hash, hash, mac);

const COLUMNS: &str =
    "seq, at, actor, action, object_type, object_id, detail, ip, prev_hash, hash, mac";

/// Outcome of verifying the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every entry checks; the number of entries.
    Intact(i64),
    /// The first break.
    Broken(ChainBreak),
}

/// Verifies the whole chain, reading it in pages, and every entry's seal when the store has
/// an audit key.
pub async fn verify(store: &Store) -> Result<Verification> {
    let mut verifier = match store.audit_key() {
        Some(key) => ChainVerifier::with_key(key.clone()),
        None => ChainVerifier::default(),
    };
    let mut after = 0_i64;
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000"
        )))
        .bind(after)
        .fetch_all(store.pool())
        .await?;
        if rows.is_empty() {
            return Ok(Verification::Intact(verifier.verified()));
        }
        for row in &rows {
            let entry = AuditEntry::from_row(row)?;
            if let Err(brk) = verifier.check(&entry) {
                return Ok(Verification::Broken(brk));
            }
            after = entry.seq;
        }
    }
}

/// The most recent entries, newest first, optionally for one object.
pub async fn recent(
    store: &Store,
    limit: i64,
    object: Option<(&str, &str)>,
) -> Result<Vec<AuditEntry>> {
    let rows = match object {
        Some((kind, id)) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM audit_log WHERE object_type = $1 AND object_id = $2 ORDER BY seq DESC LIMIT $3"
            )))
            .bind(kind)
            .bind(id)
            .bind(limit)
            .fetch_all(store.pool())
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1"
            )))
            .bind(limit)
            .fetch_all(store.pool())
            .await?
        }
    };
    rows.iter().map(AuditEntry::from_row).collect()
}

/// The most recent entries of the sites `site_ids`, and with `platform` also those of no site,
/// newest first: what one member of staff may read.
pub async fn recent_in_sites(
    store: &Store,
    limit: i64,
    site_ids: &[i64],
    platform: bool,
) -> Result<Vec<AuditEntry>> {
    let mut q = Sql::new(format!("SELECT {COLUMNS} FROM audit_log WHERE "));
    match (site_ids.is_empty(), platform) {
        (true, false) => return Ok(Vec::new()),
        (true, true) => {
            q.push("site_id IS NULL");
        }
        (false, with_platform) => {
            q.push("(site_id IN ").int_list(site_ids.iter().copied());
            if with_platform {
                q.push(" OR site_id IS NULL");
            }
            q.push(")");
        }
    }
    q.push(" ORDER BY seq DESC LIMIT ").int(limit);
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter().map(AuditEntry::from_row).collect()
}

/// The most recent entries that the sites `site_ids` brought with them when they were imported
/// from another deployment (`gongkai site import`; their old sequence numbers), newest first.
pub async fn recent_imported(
    store: &Store,
    limit: i64,
    site_ids: &[i64],
) -> Result<Vec<AuditEntry>> {
    if site_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(format!(
        "SELECT {COLUMNS} FROM imported_audit WHERE site_id IN "
    ));
    q.int_list(site_ids.iter().copied());
    q.push(" ORDER BY id DESC LIMIT ").int(limit);
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter().map(AuditEntry::from_row).collect()
}

/// The chain's head now: the last entry's sequence number and hash (`0` and the genesis hash
/// for an empty log).
pub async fn head(store: &Store) -> Result<Checkpoint> {
    let row = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await?;
    let (seq, hash) = match row {
        Some(row) => (row.try_get("seq")?, row.try_get("hash")?),
        None => (0, GENESIS_HASH.to_owned()),
    };
    Ok(Checkpoint {
        at: chrono::Utc::now().to_rfc3339(),
        seq,
        hash,
    })
}

/// Appends the chain's head to the checkpoint file at `path` (created when missing) and
/// returns it.
pub async fn write_checkpoint(store: &Store, path: &Path) -> Result<Checkpoint> {
    use std::io::Write;
    let checkpoint = head(store).await?;
    let io = |e: std::io::Error| StoreError::Io(format!("{}：{e}", path.display()));
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    file.write_all(checkpoint.to_line().as_bytes())
        .map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(checkpoint)
}

/// Compares the chain with every checkpoint in `checkpoints`.
pub async fn check_checkpoints(
    store: &Store,
    checkpoints: &[Checkpoint],
) -> Result<std::result::Result<(), CheckpointBreak>> {
    let now = head(store).await?;
    let mut hashes = std::collections::HashMap::new();
    for c in checkpoints {
        if c.seq > 0 && c.seq <= now.seq && !hashes.contains_key(&c.seq) {
            let hash: Option<String> =
                sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                    .bind(c.seq)
                    .fetch_optional(store.pool())
                    .await?;
            hashes.insert(c.seq, hash);
        }
    }
    Ok(gongkai_domain::audit::check_checkpoints(
        checkpoints,
        now.seq,
        |seq| hashes.get(&seq).cloned().flatten(),
    ))
}

/// Reads the audit key at `path`, or creates one (sealing from the next entry on) when there
/// is none. The file is written readable by its owner only.
pub async fn load_or_create_key(store: &Store, path: &Path) -> Result<AuditKey> {
    let io = |e: std::io::Error| StoreError::Io(format!("{}：{e}", path.display()));
    match std::fs::read_to_string(path) {
        Ok(text) => AuditKey::from_file_text(&text)
            .map_err(|e| StoreError::Corrupt(format!("{}：{e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = AuditKey::new(rand::random(), head(store).await?.seq + 1);
            write_private(path, key.to_file_text().as_bytes()).map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

/// Writes a new file that only its owner may read (a secret).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Appends in its own transaction: for events that change nothing else (a failed login).
pub async fn record(store: &Store, actor: &Actor, change: Change<'_>) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let seq = append(&mut tx, store, actor, change).await?;
    tx.commit().await?;
    Ok(seq)
}

impl From<ChainBreak> for StoreError {
    fn from(b: ChainBreak) -> Self {
        StoreError::Corrupt(b.to_string())
    }
}
