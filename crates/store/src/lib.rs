//! Persistence for gongkai on SQLite and PostgreSQL.
//!
//! One [`Store`] wraps an `sqlx` `AnyPool`; the same SQL text serves both engines (`$1`
//! placeholders work on SQLite too) and the schema keeps to portable types. Where the dialects
//! really differ (identity columns, write locks) the difference is written once, here or in
//! [`migrate`]. Every state change goes through a [`WriteTx`] and appends to the hash-chained
//! audit log in the same transaction.

pub mod applications;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod basic_catalogue;
pub mod blobs;
pub mod calendar;
pub mod cases;
pub mod challenges;
mod column;
pub mod consultations;
pub mod corrections;
pub mod data_access;
pub mod datasets;
pub mod datastore;
mod error;
pub mod feed;
pub mod findings;
pub mod guides;
mod lane;
pub mod mailbox;
pub mod messages;
pub mod migrate;
pub mod monitor;
pub mod opinions;
pub mod orgs;
pub mod outbox;
pub mod platform;
pub mod publication;
pub mod records;
pub mod reports;
pub mod scorecard;
pub mod screening;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod site_export;
pub mod sites;
pub mod sql;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
pub mod themes;
pub mod throttle;
pub mod typed_lists;
pub mod users;
pub mod work_records;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

pub use error::StoreError;

/// Result alias for the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A transaction on either engine: it derefs to the connection (`&mut *tx` is what queries
/// run on) and ends with [`Tx::commit`] or [`Tx::rollback`] (dropped, it rolls back).
///
/// A SQLite write transaction also holds this process's writer turn ([`Store::begin_write`]):
/// SQLite lets one writer in at a time, and writers that wait in SQLite's busy handler sleep
/// (1, 2, 5, 10 … ms) and miss the moment the lock frees, while writers queued here take it in
/// turn at once.
#[derive(Debug)]
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    /// Released after the transaction ends (fields drop in order).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    fn new(inner: sqlx::Transaction<'static, sqlx::Any>) -> Self {
        Self { inner, _turn: None }
    }

    /// Commits the transaction.
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    /// Rolls the transaction back.
    pub async fn rollback(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

/// How long a SQLite writer waits for its turn before giving up, as SQLite's own busy timeout.
const WRITER_TURN_TIMEOUT: Duration = Duration::from_secs(15);

/// The lock key of schema migrations (see [`serialise`]).
pub(crate) const LOCK_MIGRATIONS: i64 = 730_001;
/// The lock key of audit appends (see [`serialise`]).
pub(crate) const LOCK_AUDIT: i64 = 730_002;

/// Makes writers that take the same `key` run one after the other until `tx` ends, on every
/// node: a transaction-scoped advisory lock on PostgreSQL, released at commit or rollback. On
/// SQLite a write transaction (`BEGIN IMMEDIATE`, [`Store::begin_write`]) already admits one
/// writer at a time, so nothing more is taken.
pub(crate) async fn serialise(tx: &mut Tx, engine: Engine, key: i64) -> Result<()> {
    if engine == Engine::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// The embedded default: one file under the data folder.
    Sqlite,
    /// A shared server for deployments with several nodes.
    Postgres,
}

impl Engine {
    /// Name as reported by `/healthz`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// Picks the engine from a URL's scheme, refusing anything else with a clear message.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl {
                scheme: url.split(':').next().unwrap_or_default().to_owned(),
            })
        }
    }
}

/// Who caused a change, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User name, `system`, `cli` or `public`.
    pub name: String,
    /// Client address, empty for the command line.
    pub ip: String,
}

impl Actor {
    /// An actor for a signed-in staff member at an address.
    pub fn user(name: impl Into<String>, ip: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ip: ip.into(),
        }
    }

    /// The command line, naming the operating-system user when known.
    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_default();
        Self {
            name: if who.is_empty() {
                "cli".into()
            } else {
                format!("cli:{who}")
            },
            ip: String::new(),
        }
    }

    /// The program itself (demo loader, scheduled work).
    pub fn system() -> Self {
        Self {
            name: "system".into(),
            ip: String::new(),
        }
    }
}

/// The database seam: a pool and the engine behind it.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// Whether events write mail to the outbox (only when mail can be sent: SMTP configured).
    outbox: bool,
    /// The key that seals audit entries, when the deployment has one (kept outside the database).
    audit_key: Option<std::sync::Arc<gongkai_domain::audit::AuditKey>>,
    /// Where [`feed::listen`] connects to hear that the feed grew (PostgreSQL only).
    listen_url: Option<feed::ListenUrl>,
    /// Counts the feed's growth as this node hears of it; followers wait on it ([`feed::Wakeup`]).
    feed_heard: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
    /// This process's SQLite writers take turns here (see [`Tx`]); unused on PostgreSQL.
    writer_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite on a file: the read lane for a page's point reads ([`sql::read`]).
    lane: Option<std::sync::Arc<lane::ReadLane>>,
}

/// The read lane for a SQLite file (none for PostgreSQL or an in-memory database).
fn read_lane(url: &str) -> Option<std::sync::Arc<lane::ReadLane>> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path.to_str().is_some_and(|p| p.starts_with("file:")) {
        return None;
    }
    Some(std::sync::Arc::new(lane::ReadLane::new(path)))
}

/// The SQLite URL for the database file inside a data folder.
pub fn sqlite_url_for_dir(dir: &Path) -> String {
    let path = dir.join("gongkai.db");
    let mut encoded = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            c => encoded.push(c),
        }
    }
    format!("sqlite://{encoded}?mode=rwc")
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), without migrating.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl { reason: e.to_string() })?;
        let mut pool = AnyPoolOptions::new()
            .max_connections(match engine {
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        if engine == Engine::Sqlite {
            // A SQLite connection is a file handle on a thread of its own: it cannot drop like a
            // network connection, and sqlx's check before every acquire (a ping sent to that
            // thread and back) doubled the thread switches of every read.
            pool = pool.test_before_acquire(false);
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL for concurrent readers; FULL sync so a committed receipt survives a crash.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000;",
                    )
                    .await?;
                    Ok(())
                })
            });
        } else {
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // A commit returns only once it is on disk, whatever the server's default:
                    // the receipt shown to an applicant must survive a crash.
                    conn.execute("SET synchronous_commit = on").await?;
                    Ok(())
                })
            });
        }
        let connect_error = |e: sqlx::Error| StoreError::Connect {
            engine: engine.name(),
            reason: describe_connect_error(&e),
        };
        // One direct connection first: the pool would retry until its timeout and then only
        // say "timed out", hiding the real cause (refused, unknown database, bad password).
        let probe = tokio::time::timeout(
            Duration::from_secs(10),
            sqlx::AnyConnection::connect_with(&options),
        )
        .await
        .map_err(|_| StoreError::Connect {
            engine: engine.name(),
            reason: "连接超时（10 秒）".into(),
        })?
        .map_err(connect_error)?;
        let _ = probe.close().await;
        let pool = pool.connect_with(options).await.map_err(connect_error)?;
        Ok(Self {
            pool,
            engine,
            outbox: false,
            audit_key: None,
            listen_url: (engine == Engine::Postgres).then(|| feed::ListenUrl(url.to_owned())),
            feed_heard: std::sync::Arc::new(tokio::sync::watch::Sender::new(0)),
            writer_turn: std::sync::Arc::default(),
            lane: read_lane(url),
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Self::connect(url).await?;
        migrate::run(&store).await?;
        Ok(store)
    }

    /// The SQLite read lane, when the database is a SQLite file.
    pub(crate) fn lane(&self) -> Option<&lane::ReadLane> {
        self.lane.as_deref()
    }

    /// Runs `reads`, a page's reads, with every read lane read in it ([`sql::read`]) made on one
    /// connection in one read transaction (SQLite file; elsewhere `reads` runs as it is): one
    /// snapshot for those reads, and one lock of the WAL index instead of one per statement.
    ///
    /// Only for lane reads: a read through the pool inside is outside the snapshot, a write
    /// committed inside is not seen by the lane reads after it, and the connection is held to
    /// the scope's end, so nothing slow belongs inside.
    pub async fn read_together<F: std::future::Future>(&self, reads: F) -> F::Output {
        match &self.lane {
            Some(lane) => lane::Together::scope(lane.clone(), reads).await,
            None => reads.await,
        }
    }

    /// The engine in use.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// This store with events writing their mail to the outbox (`on`) or writing none — the
    /// latter when no SMTP server is configured, as then nothing could be sent.
    pub fn with_outbox(mut self, on: bool) -> Self {
        self.outbox = on;
        self
    }

    /// This store with new audit entries sealed under `key` (see [`audit::load_or_create_key`]).
    pub fn with_audit_key(mut self, key: gongkai_domain::audit::AuditKey) -> Self {
        self.audit_key = Some(std::sync::Arc::new(key));
        self
    }

    /// The key sealing audit entries, when there is one.
    pub fn audit_key(&self) -> Option<&gongkai_domain::audit::AuditKey> {
        self.audit_key.as_deref()
    }

    /// Whether events write their mail to the outbox (see [`Store::with_outbox`]).
    pub fn outbox_enabled(&self) -> bool {
        self.outbox
    }

    /// The pool, for read queries in repositories.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so a transaction that reads before it writes never fails half-way with a
    /// stale snapshot, after waiting its turn among this process's writers (see [`Tx`]); on
    /// PostgreSQL the audit append serialises on an advisory lock.
    pub async fn begin_write(&self) -> Result<Tx> {
        match self.engine {
            Engine::Sqlite => {
                let turn = tokio::time::timeout(
                    WRITER_TURN_TIMEOUT,
                    self.writer_turn.clone().lock_owned(),
                )
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?;
                let inner = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(Tx { inner, _turn: Some(turn) })
            }
            Engine::Postgres => Ok(Tx::new(self.pool.begin().await?)),
        }
    }

    /// A transaction for reading only, one consistent snapshot (on PostgreSQL `REPEATABLE
    /// READ READ ONLY`); it takes no writer turn.
    pub async fn begin_read(&self) -> Result<Tx> {
        let inner = match self.engine {
            Engine::Sqlite => self.pool.begin().await?,
            Engine::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        Ok(Tx::new(inner))
    }

    /// Whether the database holds no organisations yet (a fresh install).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }

    /// Closes the read lane and the pool, waiting for connections to finish. The lane goes
    /// first: SQLite checkpoints the WAL into the database file when its last connection
    /// closes, and a read-only lane connection left open would keep the pool's from being last.
    pub async fn close(&self) {
        if let Some(lane) = &self.lane {
            lane.close();
        }
        self.pool.close().await;
    }
}

/// A connection failure in words an operator can act on.
fn describe_connect_error(e: &sqlx::Error) -> String {
    if let sqlx::Error::Io(io) = e {
        return match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                "连接被拒绝（数据库服务未启动或地址、端口有误）".into()
            }
            std::io::ErrorKind::NotFound => "找不到数据库文件或主机".into(),
            std::io::ErrorKind::PermissionDenied => "没有访问权限".into(),
            _ => io.to_string(),
        };
    }
    e.to_string()
}

/// A fresh public tracking code: `prefix` and eight characters that cannot be misread
/// (no 0/O, 1/I).
pub(crate) fn tracking_code(prefix: &str) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let tail: String = (0..8)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect();
    format!("{prefix}{tail}")
}

/// The current instant as the store writes it.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Formats an instant for storage.
pub fn ts(t: DateTime<Utc>) -> String {
    gongkai_domain::time::storage_timestamp(t)
}
