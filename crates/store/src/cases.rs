//! The case kernel: what every public case type shares — 依申请公开 applications, 政民互动
//! messages, 征求意见 comments, and the next one.
//!
//! A case is a row the public files and later follows with a tracking code (查询码), perhaps
//! with a query password (argon2-hashed in `secret_hash`, see [`crate::secrets`]). Each case type's repository keeps
//! its own columns and rules; this module keeps, once, the tracking code with its bounded
//! retry, reading a case by id or by code, the lookup by code and secret that does the same
//! work whether the code exists or not, attached files, event timelines and the one-hour status
//! sessions. Where case types differ only by table and column names, a function takes a
//! [`CaseTable`] or [`ChildTable`]: `&'static str`s written in the code, never user input, so
//! the SQL put together from them stays safe.
//!
//! Each case type reads its row into typed state with `crate::column` (domain enums, dates,
//! instants): a stored value the domain does not know is [`StoreError::Corrupt`] when the row
//! is read.

use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::sql::{self, Bound, FromRow};
use crate::{Result, Store, StoreError, Tx, now, ts};

/// Where a case type lives: its table and how a full row of it is read.
#[derive(Debug, Clone, Copy)]
pub struct CaseTable {
    /// The table (`applications`).
    pub table: &'static str,
    /// The statement reading a full row, joins included, without `WHERE`.
    pub select: &'static str,
    /// The table's alias in `select` (`a`).
    pub alias: &'static str,
    /// The case in the Chinese "not found" message (`该申请`).
    pub what: &'static str,
    /// The tracking code's prefix (`YS`).
    pub code_prefix: &'static str,
}

impl CaseTable {
    /// The case type stored in `table`, read by `select` (the table aliased `alias`), called
    /// `what` when missing, its tracking codes starting with `code_prefix`.
    pub const fn new(
        table: &'static str,
        alias: &'static str,
        select: &'static str,
        what: &'static str,
        code_prefix: &'static str,
    ) -> Self {
        Self {
            table,
            select,
            alias,
            what,
            code_prefix,
        }
    }
}

/// A table of rows that belong to one case (files, events, sessions): its name and the column
/// naming the case.
#[derive(Debug, Clone, Copy)]
pub struct ChildTable {
    /// The table (`application_files`).
    pub table: &'static str,
    /// The column holding the case's id (`application_id`).
    pub owner: &'static str,
}

impl ChildTable {
    /// The rows of `table` whose `owner` column names the case.
    pub const fn new(table: &'static str, owner: &'static str) -> Self {
        Self { table, owner }
    }
}

/// A case type: where it lives; its row (one of [`CaseTable::select`]) is read by [`FromRow`].
pub trait Case: FromRow + Send + Unpin + 'static {
    /// Its table.
    const TABLE: CaseTable;
    /// Its database id.
    fn id(&self) -> i64;
}

fn select_where<C: Case>(condition: &str) -> String {
    let t = C::TABLE;
    format!("{} WHERE {}.{condition}", t.select, t.alias)
}

fn not_found<C: Case>() -> StoreError {
    StoreError::NotFound {
        what: C::TABLE.what.into(),
    }
}

/// Tracking codes are typed back by people: surrounding blanks and lower case are forgiven.
pub fn normalise_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

fn by_id<C: Case>(id: i64) -> Bound<'static> {
    sqlx::query(sqlx::AssertSqlSafe(select_where::<C>("id = $1"))).bind(id)
}

/// One case by id.
pub async fn get<C: Case>(store: &Store, id: i64) -> Result<C> {
    sql::optional(by_id::<C>(id), store.pool())
        .await?
        .ok_or_else(not_found::<C>)
}

/// A coded column of one row of `table` (a status), read inside a write transaction so the
/// next step is judged on what is really stored; `NotFound` (as `what`) when there is no row.
pub async fn code_in<T>(
    tx: &mut Tx,
    table: &'static str,
    column: &'static str,
    id: i64,
    what: &str,
    parse: fn(&str) -> std::result::Result<T, gongkai_domain::DomainError>,
) -> Result<T> {
    let sql = format!("SELECT {column} FROM {table} WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: what.into() })?;
    crate::column::code(&row, column, parse)
}

/// One case by id inside a write transaction (re-read after another member of staff may have
/// acted).
pub async fn get_in<C: Case>(tx: &mut Tx, id: i64) -> Result<C> {
    sql::optional(by_id::<C>(id), &mut **tx)
        .await?
        .ok_or_else(not_found::<C>)
}

async fn row_by_code<C: Case>(store: &Store, code: &str) -> Result<Option<AnyRow>> {
    Ok(
        sqlx::query(sqlx::AssertSqlSafe(select_where::<C>("tracking_code = $1")))
            .bind(normalise_code(code))
            .fetch_optional(store.pool())
            .await?,
    )
}

/// The case with a tracking code, if there is one (no secret asked: staff pages, receipts,
/// and case types without a query password).
pub async fn find_by_code<C: Case>(store: &Store, code: &str) -> Result<Option<C>> {
    row_by_code::<C>(store, code)
        .await?
        .as_ref()
        .map(C::from_row)
        .transpose()
}

/// One case by tracking code; `NotFound` when there is none.
pub async fn by_tracking_code<C: Case>(store: &Store, code: &str) -> Result<C> {
    find_by_code(store, code).await?.ok_or_else(not_found::<C>)
}

/// The case for a tracking code and its query password; `None` when either is wrong. An
/// unknown code is verified against a fixed hash, so the answer takes the same argon2 work
/// and time whether the code exists or not (the caller gives one answer for both, and
/// throttles).
pub async fn lookup<C: Case>(store: &Store, code: &str, secret: &str) -> Result<Option<C>> {
    let row = row_by_code::<C>(store, code).await?;
    crate::secrets::row_if_matches(store, row, secret)
        .await?
        .as_ref()
        .map(C::from_row)
        .transpose()
}

/// How many fresh codes are tried before giving up: with 32⁸ codes a collision is already
/// rare, so many in a row mean something is wrong and the request fails instead of spinning.
pub const CODE_ATTEMPTS: usize = 8;

/// A tracking code not yet used in `table`, drawn from `generate` at most [`CODE_ATTEMPTS`]
/// times; checked inside the write transaction that inserts it.
pub async fn unique_code(
    tx: &mut Tx,
    table: &CaseTable,
    mut generate: impl FnMut() -> String,
) -> Result<String> {
    let taken = format!(
        "SELECT COUNT(*) FROM {} WHERE tracking_code = $1",
        table.table
    );
    for _ in 0..CODE_ATTEMPTS {
        let code = generate();
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(taken.clone()))
            .bind(&code)
            .fetch_one(&mut **tx)
            .await?;
        if n == 0 {
            return Ok(code);
        }
    }
    Err(StoreError::conflict(ErrorCode::CaseCodeUnavailable))
}

/// A fresh tracking code for a case of `table`: its prefix and eight characters that cannot
/// be misread (no 0/O, 1/I), unique in the table.
pub async fn new_tracking_code(tx: &mut Tx, table: &CaseTable) -> Result<String> {
    unique_code(tx, table, || crate::tracking_code(table.code_prefix)).await
}

/// A file attached to a case (bytes stored once by SHA-256 under the data folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachedFile {
    /// Database id (0 before storing).
    pub id: i64,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Original name.
    pub file_name: String,
    /// Type code (extension).
    pub kind: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

crate::column::from_row!(AttachedFile => id, sha256, file_name, kind, size_bytes);

/// The rows of a child table query (`sql`, whose `$1` is the case's id) for one case.
async fn rows_of<T: FromRow>(store: &Store, sql: String, owner_id: i64) -> Result<Vec<T>> {
    sql::all(
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner_id),
        store.pool(),
    )
    .await
}

/// The files of one case in upload order.
pub async fn files(store: &Store, files: &ChildTable, owner_id: i64) -> Result<Vec<AttachedFile>> {
    let sql = format!(
        "SELECT id, sha256, file_name, kind, size_bytes FROM {} WHERE {} = $1 ORDER BY id",
        files.table, files.owner
    );
    rows_of(store, sql, owner_id).await
}

/// One file by its own id, with the id of the case it belongs to.
pub async fn file(store: &Store, files: &ChildTable, file_id: i64) -> Result<(i64, AttachedFile)> {
    let sql = format!(
        "SELECT id, {} AS owner_id, sha256, file_name, kind, size_bytes FROM {} WHERE id = $1",
        files.owner, files.table
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(file_id)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "附件".into() })?;
    Ok((r.try_get("owner_id")?, AttachedFile::from_row(&r)?))
}

/// Records a file of a case inside the caller's transaction; returns its id. The name is
/// cleaned ([`gongkai_domain::files::clean_file_name`]) whatever channel it came through.
pub async fn add_file(
    tx: &mut Tx,
    files: &ChildTable,
    owner_id: i64,
    f: &AttachedFile,
) -> Result<i64> {
    let sql = format!(
        "INSERT INTO {} ({}, sha256, file_name, kind, size_bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        files.table, files.owner
    );
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(owner_id)
        .bind(&f.sha256)
        .bind(gongkai_domain::files::clean_file_name(&f.file_name))
        .bind(&f.kind)
        .bind(f.size_bytes)
        .bind(ts(now()))
        .fetch_one(&mut **tx)
        .await?)
}

/// A step of a case's timeline with who recorded it and when; the step itself is the case
/// type's own event (`ClockEvent`, `MessageEvent`), stored as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedEvent<E> {
    /// The event.
    pub event: E,
    /// Who recorded it.
    pub actor: String,
    /// When.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub at: DateTime<Utc>,
}

fn json_of<E: Serialize>(event: &E) -> Result<String> {
    serde_json::to_string(event).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn event_of<E: DeserializeOwned>(text: &str) -> Result<E> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn events_sql(events: &ChildTable) -> String {
    format!(
        "SELECT event, actor, created_at FROM {} WHERE {} = $1 ORDER BY id",
        events.table, events.owner
    )
}

impl<E: DeserializeOwned> FromRow for RecordedEvent<E> {
    fn from_row(r: &impl crate::column::Cells) -> Result<Self> {
        Ok(RecordedEvent {
            event: event_of(&r.cell::<String>("event")?)?,
            actor: r.cell("actor")?,
            at: crate::column::timestamp(r, "created_at")?,
        })
    }
}

/// The timeline of one case in the order recorded.
pub async fn events<E: DeserializeOwned>(
    store: &Store,
    events: &ChildTable,
    owner_id: i64,
) -> Result<Vec<RecordedEvent<E>>> {
    rows_of(store, events_sql(events), owner_id).await
}

/// The timeline's events inside a write transaction (to judge the next step on what is
/// really stored).
pub async fn events_in<E: DeserializeOwned>(
    tx: &mut Tx,
    events: &ChildTable,
    owner_id: i64,
) -> Result<Vec<E>> {
    sqlx::query(sqlx::AssertSqlSafe(events_sql(events)))
        .bind(owner_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| event_of(&r.try_get::<String, _>("event")?))
        .collect()
}

/// Appends a step to a case's timeline inside the caller's transaction.
pub async fn append_event<E: Serialize>(
    tx: &mut Tx,
    events: &ChildTable,
    owner_id: i64,
    event: &E,
    actor: &str,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} ({}, event, actor, created_at) VALUES ($1, $2, $3, $4)",
        events.table, events.owner
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(owner_id)
        .bind(json_of(event)?)
        .bind(actor)
        .bind(ts(now()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Opens a one-hour status session for someone who proved a case's tracking code and secret,
/// so the status page can offer downloads or take a rating without asking again. Returns the
/// cookie token; only its hash is stored.
pub async fn open_session(store: &Store, sessions: &ChildTable, case_id: i64) -> Result<String> {
    crate::sessions::open_public(store, sessions.table, sessions.owner, case_id).await
}

/// The case a live status session belongs to.
pub async fn session_case<C: Case>(
    store: &Store,
    sessions: &ChildTable,
    token: &str,
) -> Result<Option<C>> {
    match crate::sessions::public_owner(store, sessions.table, sessions.owner, token).await? {
        Some(id) => Ok(Some(get(store, id).await?)),
        None => Ok(None),
    }
}
