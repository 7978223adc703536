//! The datastore: a CSV or XLSX resource parsed into a table of its own and searched with
//! CKAN's `datastore_search` semantics (issue 17).
//!
//! The registry `datastore_tables` (migration 0032) holds one row per resource: its fields
//! (original names and inferred types), row count, status and the last error. The data lives in
//! `datastore_r<resource_id>`, created at run time on either engine: `_id BIGINT` (1, 2, … in
//! file order) and columns `c0`, `c1` … typed BIGINT, DOUBLE PRECISION or TEXT (dates as ISO
//! text). Identifiers in SQL come only from the registry's column positions and the resource
//! id, never from a request; every value a request carries is bound.
//!
//! [`ingest`] loads into `datastore_r<id>_load` in transactions of at most [`BATCH_ROWS`] rows
//! (each a writer's turn on SQLite, so the site keeps answering), then swaps it in for the old
//! table in one transaction with the registry row and the audit entry. A failed load drops the
//! half-loaded table and leaves the old one (or none), with the failure noted in the registry.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;

use gongkai_content::table::{Cell, CsvWriter, FieldType, TableReader, TableShape};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::sql::Sql;
use crate::{Actor, Engine, Result, Store, StoreError, feed, now, ts};

/// Rows returned when a query names no `limit`, as CKAN.
pub const DEFAULT_LIMIT: i64 = 100;
/// The most rows one query returns (CKAN's `ckan.datastore.search.rows_max`); a larger `limit`
/// is lowered to it.
pub const MAX_LIMIT: i64 = 32_000;
/// Most rows loaded in one write transaction.
pub const BATCH_ROWS: usize = 10_000;
/// Most cells held in memory for one batch (a wide table loads fewer rows per transaction).
const BATCH_CELLS: usize = 500_000;
/// Most values bound in one INSERT (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;
/// Most rows in one multi-row INSERT.
const MAX_ROWS_PER_INSERT: usize = 500;
/// Most rows read per page while exporting.
const EXPORT_PAGE: i64 = 1000;
/// Most values one filter may list, and most `q` fields, listed fields and sort keys.
const MAX_FILTER_VALUES: usize = 1000;
/// Most values bound in one search, all filters and searched columns together.
const MAX_BINDS_PER_SEARCH: usize = 10_000;

/// Messages by parameter (`filters`, `sort`, `fields`, `q`, `limit` …), as CKAN's "Validation
/// Error" lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    fn add(&mut self, parameter: &str, message: impl Into<String>) {
        self.0
            .entry(parameter.to_owned())
            .or_default()
            .push(message.into());
    }

    fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(StoreError::DatastoreValidation(self))
        }
    }

    fn one(parameter: &str, message: impl Into<String>) -> StoreError {
        let mut e = Self::default();
        e.add(parameter, message);
        StoreError::DatastoreValidation(e)
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (parameter, messages) in &self.0 {
            for m in messages {
                if !first {
                    f.write_str("；")?;
                }
                first = false;
                write!(f, "{parameter}：{m}")?;
            }
        }
        Ok(())
    }
}

/// A column as CKAN describes it: `{"id": name, "type": "int"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatastoreField {
    /// The column's name (from the file's header, or 列1, 列2 …).
    pub id: String,
    /// `int`, `numeric`, `date` or `text`.
    #[serde(rename = "type")]
    pub field_type: String,
}

/// A resource's registry row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatastoreInfo {
    /// The resource the table was loaded from.
    pub resource_id: i64,
    /// The table holding its rows.
    pub table_name: String,
    /// Its columns, in order (the n-th is column `c<n>`), without `_id`.
    pub fields: Vec<DatastoreField>,
    /// Rows loaded.
    pub row_count: i64,
    /// `active` (a table is there) or `failed` (the only ingest failed; no table).
    pub status: String,
    /// Bytes of the file loaded.
    pub ingested_bytes: i64,
    /// The last failed ingest's message (empty when the last ingest succeeded).
    pub error: String,
    /// The file's encoding.
    pub encoding: String,
    /// Whether the file's first row was its header.
    pub has_header: bool,
    /// Rows padded or cut to the header's width.
    pub ragged_rows: i64,
    /// When the row last changed (RFC 3339 UTC).
    pub updated_at: String,
}

impl DatastoreInfo {
    fn from_row(row: &AnyRow) -> Result<Self> {
        let fields: String = row.try_get("fields")?;
        Ok(Self {
            resource_id: row.try_get("resource_id")?,
            table_name: row.try_get("table_name")?,
            fields: serde_json::from_str(&fields)
                .map_err(|e| StoreError::Corrupt(format!("datastore_tables.fields：{e}")))?,
            row_count: row.try_get("row_count")?,
            status: row.try_get("status")?,
            ingested_bytes: row.try_get("ingested_bytes")?,
            error: row.try_get("error")?,
            encoding: row.try_get("encoding")?,
            has_header: row.try_get::<i64, _>("has_header")? != 0,
            ragged_rows: row.try_get("ragged_rows")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    fn is_active(&self) -> bool {
        self.status == STATUS_ACTIVE
    }
}

const STATUS_ACTIVE: &str = "active";
const STATUS_FAILED: &str = "failed";

/// How far a load has come, reported after each committed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Rows stored so far.
    pub rows: u64,
    /// Bytes of the file read so far.
    pub bytes: u64,
}

/// What a successful load stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestSummary {
    /// Rows stored.
    pub rows: u64,
    /// Columns (without `_id`).
    pub columns: usize,
    /// Bytes of the file read.
    pub bytes: u64,
    /// Rows padded or cut to the header's width.
    pub ragged_rows: u64,
}

/// The table of a resource. Only ever built from the integer id.
fn table_name(resource_id: i64) -> String {
    format!("datastore_r{resource_id}")
}

fn check_resource_id(resource_id: i64) -> Result<()> {
    if resource_id <= 0 {
        return Err(FieldErrors::one("resource_id", "资源编号须为正整数"));
    }
    Ok(())
}

fn sql_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Int => "BIGINT",
        FieldType::Numeric => "DOUBLE PRECISION",
        FieldType::Date | FieldType::Text => "TEXT",
    }
}

/// Loads `source` as the table of `resource_id`, replacing the one it had only once every row
/// is stored; `progress` hears of each committed batch.
///
/// Rows are read from `source` between transactions, not while a writer's turn is held.
pub async fn ingest(
    store: &Store,
    actor: &Actor,
    resource_id: i64,
    source: &mut TableReader,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<IngestSummary> {
    check_resource_id(resource_id)?;
    let live = table_name(resource_id);
    let staging = format!("{live}_load");
    let loaded = load(store, &staging, source, progress).await;
    let outcome = match loaded {
        Ok(summary) => {
            // The shape is copied out: a reader is not shared across an await (it is not
            // `Sync`), so an ingest can run on a spawned task.
            let shape = source.shape().clone();
            swap(store, actor, resource_id, &live, &staging, &shape, summary).await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = &outcome {
        // Best effort: the half-loaded table goes; the old one (if any) stays.
        let _ = drop_table(store, &staging).await;
        // What the file caused is recorded, so the file is not loaded again until it changes;
        // a passing failure of the database or the disk is not, so the next pass tries again.
        if !matches!(e, StoreError::Database(_) | StoreError::Io(_)) {
            record_failure(store, actor, resource_id, &e.to_string()).await?;
        }
    }
    outcome
}

async fn drop_table(store: &Store, table: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {table}")))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn load(
    store: &Store,
    staging: &str,
    source: &mut TableReader,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<IngestSummary> {
    let types: Vec<FieldType> = source.shape().fields.iter().map(|f| f.field_type).collect();
    let mut create = format!("CREATE TABLE {staging} (_id BIGINT PRIMARY KEY");
    for (i, t) in types.iter().enumerate() {
        create.push_str(&format!(", c{i} {}", sql_type(*t)));
    }
    create.push(')');
    {
        let mut tx = store.begin_write().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP TABLE IF EXISTS {staging}"
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(create))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let per_insert = (MAX_BINDS / (types.len() + 1)).clamp(1, MAX_ROWS_PER_INSERT);
    let per_batch = (BATCH_CELLS / (types.len() + 1)).clamp(1, BATCH_ROWS);
    let mut next_id: i64 = 1;
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(per_batch.min(1024));
    loop {
        batch.clear();
        while batch.len() < per_batch {
            match source.next_row()? {
                Some(row) => batch.push(row),
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let mut tx = store.begin_write().await?;
        for chunk in batch.chunks_mut(per_insert) {
            let mut sql = Sql::positional(format!("INSERT INTO {staging} (_id"), store.engine());
            for i in 0..types.len() {
                sql.push(&format!(", c{i}"));
            }
            sql.push(") VALUES ");
            for (r, row) in chunk.iter_mut().enumerate() {
                sql.push(if r == 0 { "(" } else { ", (" });
                sql.int(next_id);
                next_id += 1;
                for (cell, t) in row.drain(..).zip(&types) {
                    sql.push(", ");
                    bind_cell(&mut sql, cell, *t);
                }
                sql.push(")");
            }
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        progress(Progress {
            rows: (next_id - 1) as u64,
            bytes: source.bytes_read(),
        });
        if batch.len() < per_batch {
            break;
        }
    }
    Ok(IngestSummary {
        rows: (next_id - 1) as u64,
        columns: types.len(),
        bytes: source.bytes_read(),
        ragged_rows: source.shape().ragged_rows,
    })
}

fn bind_cell(sql: &mut Sql, cell: Cell, t: FieldType) {
    match (t, cell) {
        (FieldType::Int, Cell::Int(i)) => sql.opt_int(Some(i)),
        (FieldType::Int, _) => sql.opt_int(None),
        (FieldType::Numeric, Cell::Numeric(f)) => sql.opt_float(Some(f)),
        (FieldType::Numeric, Cell::Int(i)) => sql.opt_float(Some(i as f64)),
        (FieldType::Numeric, _) => sql.opt_float(None),
        (_, Cell::Text(s)) => sql.opt_text(Some(s)),
        (_, Cell::Int(i)) => sql.opt_text(Some(i.to_string())),
        (_, Cell::Numeric(f)) => sql.opt_text(Some(f.to_string())),
        (_, Cell::Null) => sql.opt_text(None),
    };
}

async fn swap(
    store: &Store,
    actor: &Actor,
    resource_id: i64,
    live: &str,
    staging: &str,
    shape: &TableShape,
    summary: IngestSummary,
) -> Result<IngestSummary> {
    let fields: Vec<DatastoreField> = shape
        .fields
        .iter()
        .map(|f| DatastoreField {
            id: f.name.clone(),
            field_type: f.field_type.as_str().to_owned(),
        })
        .collect();
    let fields_json =
        serde_json::to_string(&fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    let run = |sql: String| sqlx::query(sqlx::AssertSqlSafe(sql));
    run(format!("DROP TABLE IF EXISTS {live}"))
        .execute(&mut *tx)
        .await?;
    run(format!("ALTER TABLE {staging} RENAME TO {live}"))
        .execute(&mut *tx)
        .await?;
    if store.engine() == Engine::Postgres {
        // The primary key's index keeps the staging name; the next load needs that name free.
        run(format!("ALTER INDEX {staging}_pkey RENAME TO {live}_pkey"))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM datastore_tables WHERE resource_id = $1")
        .bind(resource_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO datastore_tables (resource_id, table_name, fields, row_count, status, \
         ingested_bytes, error, encoding, has_header, ragged_rows, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10)",
    )
    .bind(resource_id)
    .bind(live)
    .bind(fields_json)
    .bind(summary.rows as i64)
    .bind(STATUS_ACTIVE)
    .bind(summary.bytes as i64)
    .bind(shape.encoding)
    .bind(i64::from(shape.has_header))
    .bind(summary.ragged_rows as i64)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    feed::emit(&mut tx, "datastore", &resource_id.to_string(), "ingested").await?;
    Change {
        detail: serde_json::json!({
            "rows": summary.rows,
            "columns": summary.columns,
            "bytes": summary.bytes,
            "encoding": shape.encoding,
        }),
        ..Change::new("datastore.ingest", "datastore", resource_id.to_string())
    }
    .commit(tx, store, actor)
    .await?;
    Ok(summary)
}

/// Records that a load of `resource_id` failed with `error` (an older table, if any, stays), so
/// the file is not loaded again until it changes.
pub async fn record_failure(
    store: &Store,
    actor: &Actor,
    resource_id: i64,
    error: &str,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE datastore_tables SET error = $2, updated_at = $3 WHERE resource_id = $1",
    )
    .bind(resource_id)
    .bind(error)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO datastore_tables (resource_id, table_name, fields, status, error, \
             updated_at) VALUES ($1, $2, '[]', $3, $4, $5)",
        )
        .bind(resource_id)
        .bind(table_name(resource_id))
        .bind(STATUS_FAILED)
        .bind(error)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    }
    Change {
        detail: serde_json::json!({ "error": error }),
        ..Change::new(
            "datastore.ingest_failed",
            "datastore",
            resource_id.to_string(),
        )
    }
    .commit(tx, store, actor)
    .await
}

/// The registry row of `resource_id`, if it has one.
pub async fn info(store: &Store, resource_id: i64) -> Result<Option<DatastoreInfo>> {
    sqlx::query("SELECT * FROM datastore_tables WHERE resource_id = $1")
        .bind(resource_id)
        .fetch_optional(store.pool())
        .await?
        .as_ref()
        .map(DatastoreInfo::from_row)
        .transpose()
}

/// Removes the table of `resource_id` and its registry row (audited); `false` when there was
/// none.
pub async fn drop(store: &Store, actor: &Actor, resource_id: i64) -> Result<bool> {
    check_resource_id(resource_id)?;
    let mut tx = store.begin_write().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP TABLE IF EXISTS {}",
        table_name(resource_id)
    )))
    .execute(&mut *tx)
    .await?;
    let gone = sqlx::query("DELETE FROM datastore_tables WHERE resource_id = $1")
        .bind(resource_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if gone == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    feed::emit(&mut tx, "datastore", &resource_id.to_string(), "dropped").await?;
    Change::new("datastore.drop", "datastore", resource_id.to_string())
        .commit(tx, store, actor)
        .await?;
    Ok(true)
}

/// How records come back: CKAN's `objects` (one JSON object per row) or `lists` (one array
/// per row, in the order of `fields`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordsFormat {
    /// `{"_id": 1, "名称": "…"}`.
    #[default]
    Objects,
    /// `[1, "…"]`.
    Lists,
}

/// A `datastore_search` request, its parameters as CKAN takes them (still unchecked: the
/// table's fields decide what is valid, in [`search`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DatastoreQuery {
    /// The resource whose table is searched.
    pub resource_id: i64,
    /// `{field: value}` or `{field: [values]}`: rows whose field equals the value (any of them).
    pub filters: Map<String, Value>,
    /// A string (rows where some text column contains it) or `{field: text}` (rows where each
    /// named field contains its text).
    pub q: Option<Value>,
    /// `"field [asc|desc], …"`.
    pub sort: Option<String>,
    /// The fields to return, in order (all when `None`).
    pub fields: Option<Vec<String>>,
    /// Rows to return ([`DEFAULT_LIMIT`] when `None`, at most [`MAX_LIMIT`]).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: i64,
    /// Whether to count the matching rows.
    pub include_total: bool,
    /// How records come back.
    pub records_format: RecordsFormat,
}

impl DatastoreQuery {
    /// Every row of `resource_id`'s table, first page.
    pub fn new(resource_id: i64) -> Self {
        Self {
            resource_id,
            filters: Map::new(),
            q: None,
            sort: None,
            fields: None,
            limit: None,
            offset: 0,
            include_total: true,
            records_format: RecordsFormat::Objects,
        }
    }

    /// Reads CKAN's parameters from a JSON body or a query string made into a map: numbers and
    /// flags may come as text, `filters` as JSON text, `fields` as a list or comma-separated
    /// text, `sort` as text or a list. Anything of the wrong shape is a validation error naming
    /// the parameter.
    pub fn from_params(params: &Map<String, Value>) -> Result<Self> {
        let mut errors = FieldErrors::default();
        let resource_id = match params.get("resource_id") {
            None => {
                errors.add("resource_id", "缺少必填参数");
                0
            }
            Some(v) => int_param(v).filter(|id| *id > 0).unwrap_or_else(|| {
                errors.add("resource_id", "资源编号须为正整数");
                0
            }),
        };
        let mut query = Self::new(resource_id);
        match params.get("filters") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => query.filters = m.clone(),
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => query.filters = m,
                _ => errors.add("filters", "须为 JSON 对象，如 {\"字段\": \"值\"}"),
            },
            Some(_) => errors.add("filters", "须为 JSON 对象，如 {\"字段\": \"值\"}"),
        }
        match params.get("q") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim_start().starts_with('{') => {
                match serde_json::from_str::<Value>(s) {
                    Ok(v @ Value::Object(_)) => query.q = Some(v),
                    _ => query.q = Some(Value::String(s.clone())),
                }
            }
            Some(v @ (Value::String(_) | Value::Object(_))) => query.q = Some(v.clone()),
            Some(Value::Number(n)) => query.q = Some(Value::String(n.to_string())),
            Some(_) => errors.add("q", "须为文本或 {\"字段\": \"文本\"}"),
        }
        match params.get("sort") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => query.sort = Some(s.clone()),
            Some(Value::Array(parts)) => {
                let texts: Option<Vec<&str>> = parts.iter().map(Value::as_str).collect();
                match texts {
                    Some(t) => query.sort = Some(t.join(",")),
                    None => errors.add("sort", "须为文本，如 \"金额 desc\""),
                }
            }
            Some(_) => errors.add("sort", "须为文本，如 \"金额 desc\""),
        }
        match params.get("fields") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                query.fields = Some(
                    s.split(',')
                        .map(|f| f.trim().to_owned())
                        .filter(|f| !f.is_empty())
                        .collect(),
                );
            }
            Some(Value::Array(list)) => {
                let names: Option<Vec<String>> =
                    list.iter().map(|v| v.as_str().map(str::to_owned)).collect();
                match names {
                    Some(n) => query.fields = Some(n),
                    None => errors.add("fields", "须为字段名的列表"),
                }
            }
            Some(_) => errors.add("fields", "须为字段名的列表"),
        }
        if let Some(v) = params.get("limit").filter(|v| !v.is_null()) {
            match int_param(v) {
                Some(n) => query.limit = Some(n),
                None => errors.add("limit", "须为整数"),
            }
        }
        if let Some(v) = params.get("offset").filter(|v| !v.is_null()) {
            match int_param(v) {
                Some(n) => query.offset = n,
                None => errors.add("offset", "须为整数"),
            }
        }
        if let Some(v) = params.get("include_total").filter(|v| !v.is_null()) {
            match v {
                Value::Bool(b) => query.include_total = *b,
                Value::String(s) if matches!(s.to_ascii_lowercase().as_str(), "true" | "1") => {
                    query.include_total = true;
                }
                Value::String(s) if matches!(s.to_ascii_lowercase().as_str(), "false" | "0") => {
                    query.include_total = false;
                }
                _ => errors.add("include_total", "须为 true 或 false"),
            }
        }
        match params.get("records_format").and_then(Value::as_str) {
            None | Some("objects") => {}
            Some("lists") => query.records_format = RecordsFormat::Lists,
            Some(_) => errors.add("records_format", "仅支持 objects 或 lists"),
        }
        errors.into_result()?;
        Ok(query)
    }
}

fn int_param(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Rows as CKAN returns them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Records {
    /// One object per row, keys in the order of `fields`.
    Objects(Vec<Record>),
    /// One array per row.
    Lists(Vec<Vec<Value>>),
}

/// One row as a JSON object whose keys keep the table's column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Record(pub Vec<(String, Value)>);

impl Record {
    /// The value of `field`, if the record has it.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == field).map(|(_, v)| v)
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// CKAN's paging links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Links {
    /// The first page.
    pub start: String,
    /// The page after this one.
    pub next: String,
}

/// A `datastore_search` result, serialised as CKAN's `result`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatastoreResult {
    /// The resource searched.
    pub resource_id: i64,
    /// The returned columns, `_id` first unless `fields` left it out.
    pub fields: Vec<DatastoreField>,
    /// The rows.
    pub records: Records,
    /// `objects` or `lists`.
    pub records_format: RecordsFormat,
    /// The limit applied (after capping).
    pub limit: i64,
    /// The rows skipped.
    pub offset: i64,
    /// Whether `total` was counted.
    pub include_total: bool,
    /// Rows matching, when counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Always `false`: the count is exact.
    pub total_was_estimated: bool,
    /// Paging links (paths of the CKAN Action API; the web layer may add its host).
    #[serde(rename = "_links")]
    pub links: Links,
    /// The filters, echoed when given.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub filters: Map<String, Value>,
    /// The full-text query, echoed when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<Value>,
    /// The sort, echoed when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
}

/// A column a query may name: `_id` or one of the table's.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    field_type: FieldType,
    sql: String,
}

/// A value bound for a comparison with a column of its type.
#[derive(Debug, Clone)]
enum Bound {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Bound {
    fn push(&self, sql: &mut Sql) {
        match self {
            Self::Int(i) => sql.int(*i),
            Self::Float(f) => sql.float(*f),
            Self::Text(t) => sql.text(t.clone()),
        };
    }
}

/// One checked condition of a query.
#[derive(Debug, Clone)]
enum Condition {
    In(String, Vec<Bound>),
    /// Any of the columns contains the pattern (or no column: nothing matches).
    Contains(Vec<String>, String),
}

/// The rows matching `query`, CKAN's way; an unknown field, a value of the wrong type or a bad
/// sort is [`StoreError::DatastoreValidation`], a resource without a table
/// [`StoreError::NotFound`].
pub async fn search(store: &Store, query: &DatastoreQuery) -> Result<DatastoreResult> {
    check_resource_id(query.resource_id)?;
    // The registry row and the rows are read in one snapshot, so a load swapping the table in
    // meanwhile cannot leave the query naming columns the table no longer has.
    let mut tx = store.begin_read().await?;
    let info = sqlx::query("SELECT * FROM datastore_tables WHERE resource_id = $1")
        .bind(query.resource_id)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(DatastoreInfo::from_row)
        .transpose()?
        .filter(DatastoreInfo::is_active)
        .ok_or_else(|| StoreError::NotFound {
            what: format!("资源 {} 的数据表", query.resource_id),
        })?;
    let columns = columns_of(&info)?;
    let find = |name: &str| columns.iter().find(|c| c.name == name);
    let mut errors = FieldErrors::default();

    let mut conditions = Vec::new();
    for (name, value) in &query.filters {
        let Some(column) = find(name) else {
            errors.add("filters", format!("字段“{name}”不在表中"));
            continue;
        };
        let values: Vec<&Value> = match value {
            Value::Array(list) => list.iter().collect(),
            v => vec![v],
        };
        if values.is_empty() || values.len() > MAX_FILTER_VALUES {
            errors.add(
                "filters",
                format!("字段“{name}”须列出 1 至 {MAX_FILTER_VALUES} 个值"),
            );
            continue;
        }
        let mut bound = Vec::with_capacity(values.len());
        for v in values {
            match bound_value(v, column.field_type) {
                Some(b) => bound.push(b),
                None => errors.add(
                    "filters",
                    format!("字段“{name}”的值 {v} 不是{}", type_words(column.field_type)),
                ),
            }
        }
        conditions.push(Condition::In(column.sql.clone(), bound));
    }

    match &query.q {
        None => {}
        Some(Value::String(text)) if text.trim().is_empty() => {}
        Some(Value::String(text)) => {
            let text_columns = columns
                .iter()
                .filter(|c| matches!(c.field_type, FieldType::Text | FieldType::Date))
                .map(|c| c.sql.clone())
                .collect();
            conditions.push(Condition::Contains(text_columns, like_pattern(text)));
        }
        Some(Value::Object(by_field)) if by_field.len() <= MAX_FILTER_VALUES => {
            for (name, value) in by_field {
                let Some(column) = find(name) else {
                    errors.add("q", format!("字段“{name}”不在表中"));
                    continue;
                };
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => {
                        errors.add("q", format!("字段“{name}”的检索词须为文本"));
                        continue;
                    }
                };
                conditions.push(Condition::Contains(
                    vec![format!("CAST({} AS TEXT)", column.sql)],
                    like_pattern(&text),
                ));
            }
        }
        Some(_) => errors.add("q", "须为文本或 {\"字段\": \"文本\"}"),
    }

    let mut order = Vec::new();
    if let Some(sort) = &query.sort {
        for part in sort
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .take(MAX_FILTER_VALUES)
        {
            let (name, descending) = split_sort(part);
            match find(name) {
                Some(column) => order.push((column.clone(), descending)),
                None => errors.add("sort", format!("字段“{name}”不在表中")),
            }
        }
    }

    let selected: Vec<Column> = match &query.fields {
        None => columns.clone(),
        Some(names) => {
            let mut chosen = Vec::new();
            for name in names {
                match find(name) {
                    Some(c) if !chosen.iter().any(|x: &Column| x.name == c.name) => {
                        chosen.push(c.clone());
                    }
                    Some(_) => {}
                    None => errors.add("fields", format!("字段“{name}”不在表中")),
                }
            }
            if chosen.is_empty() && names.is_empty() {
                columns.clone()
            } else {
                chosen
            }
        }
    };

    let limit = match query.limit {
        None => DEFAULT_LIMIT,
        Some(n) if n < 0 => {
            errors.add("limit", "须为不小于 0 的整数");
            0
        }
        Some(n) => n.min(MAX_LIMIT),
    };
    if query.offset < 0 {
        errors.add("offset", "须为不小于 0 的整数");
    }
    // Every value and every searched column is one bound parameter; the engines refuse a
    // statement past 32,766 (SQLite) or 65,535 (PostgreSQL), so the whole query is bounded.
    let binds: usize = conditions
        .iter()
        .map(|c| match c {
            Condition::In(_, values) => values.len(),
            Condition::Contains(columns, _) => columns.len(),
        })
        .sum();
    if binds > MAX_BINDS_PER_SEARCH {
        errors.add(
            "filters",
            format!("筛选和检索条件合计不能超过 {MAX_BINDS_PER_SEARCH} 个值"),
        );
    }
    if query
        .fields
        .as_ref()
        .is_some_and(|f| f.len() > MAX_FILTER_VALUES)
    {
        errors.add("fields", format!("最多列出 {MAX_FILTER_VALUES} 个字段"));
    }
    errors.into_result()?;

    let table = table_name(query.resource_id);
    let mut select = Sql::new("SELECT ");
    select.push(
        &selected
            .iter()
            .map(|c| c.sql.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    select.push(&format!(" FROM {table}"));
    push_where(&mut select, &conditions, store.engine());
    select.push(" ORDER BY ");
    for (column, descending) in &order {
        let collate = if column.field_type != FieldType::Int
            && column.field_type != FieldType::Numeric
            && store.engine() == Engine::Postgres
        {
            // Byte order, as SQLite sorts text, whatever the server's locale.
            " COLLATE \"C\""
        } else {
            ""
        };
        select.push(&format!(
            "CASE WHEN {c} IS NULL THEN 1 ELSE 0 END, {c}{collate} {dir}, ",
            c = column.sql,
            dir = if *descending { "DESC" } else { "ASC" }
        ));
    }
    select.push("_id LIMIT ");
    select.int(limit);
    select.push(" OFFSET ");
    select.int(query.offset);

    let rows = select.query().fetch_all(&mut *tx).await?;
    let total = if query.include_total {
        let mut count = Sql::new(format!("SELECT COUNT(*) FROM {table}"));
        push_where(&mut count, &conditions, store.engine());
        Some(
            count
                .query()
                .fetch_one(&mut *tx)
                .await?
                .try_get::<i64, _>(0)?,
        )
    } else {
        None
    };
    tx.commit().await?;

    let records = match query.records_format {
        RecordsFormat::Objects => Records::Objects(
            rows.iter()
                .map(|row| {
                    Ok(Record(
                        selected
                            .iter()
                            .enumerate()
                            .map(|(i, c)| Ok((c.name.clone(), json_value(row, i, c.field_type)?)))
                            .collect::<Result<_>>()?,
                    ))
                })
                .collect::<Result<_>>()?,
        ),
        RecordsFormat::Lists => Records::Lists(
            rows.iter()
                .map(|row| {
                    selected
                        .iter()
                        .enumerate()
                        .map(|(i, c)| json_value(row, i, c.field_type))
                        .collect::<Result<_>>()
                })
                .collect::<Result<_>>()?,
        ),
    };
    let base = format!(
        "/api/3/action/datastore_search?resource_id={}",
        query.resource_id
    );
    Ok(DatastoreResult {
        resource_id: query.resource_id,
        fields: selected
            .iter()
            .map(|c| DatastoreField {
                id: c.name.clone(),
                field_type: c.field_type.as_str().to_owned(),
            })
            .collect(),
        records,
        records_format: query.records_format,
        limit,
        offset: query.offset,
        include_total: query.include_total,
        total,
        total_was_estimated: false,
        links: Links {
            next: format!("{base}&offset={}", query.offset.saturating_add(limit)),
            start: base,
        },
        filters: query.filters.clone(),
        q: query.q.clone(),
        sort: query.sort.clone(),
    })
}

/// `_id` and the registry's fields, each with its column.
fn columns_of(info: &DatastoreInfo) -> Result<Vec<Column>> {
    let mut columns = vec![Column {
        name: "_id".into(),
        field_type: FieldType::Int,
        sql: "_id".into(),
    }];
    for (i, f) in info.fields.iter().enumerate() {
        let field_type = FieldType::parse(&f.field_type).ok_or_else(|| {
            StoreError::Corrupt(format!("datastore_tables.fields：类型“{}”", f.field_type))
        })?;
        columns.push(Column {
            name: f.id.clone(),
            field_type,
            sql: format!("c{i}"),
        });
    }
    Ok(columns)
}

fn push_where(sql: &mut Sql, conditions: &[Condition], engine: Engine) {
    // ILIKE on PostgreSQL matches ASCII letters regardless of case, as LIKE does on SQLite.
    let like = match engine {
        Engine::Sqlite => "LIKE",
        Engine::Postgres => "ILIKE",
    };
    for (i, condition) in conditions.iter().enumerate() {
        sql.push(if i == 0 { " WHERE " } else { " AND " });
        match condition {
            Condition::In(column, values) => {
                sql.push(&format!("{column} IN ("));
                for (j, v) in values.iter().enumerate() {
                    if j > 0 {
                        sql.push(", ");
                    }
                    v.push(sql);
                }
                sql.push(")");
            }
            Condition::Contains(columns, _) if columns.is_empty() => {
                sql.push("1 = 0");
            }
            Condition::Contains(columns, pattern) => {
                sql.push("(");
                for (j, column) in columns.iter().enumerate() {
                    if j > 0 {
                        sql.push(" OR ");
                    }
                    sql.push(&format!("{column} {like} "));
                    sql.text(pattern.clone());
                    sql.push(" ESCAPE '\\'");
                }
                sql.push(")");
            }
        }
    }
}

/// `%text%` with `%`, `_` and `\` taken literally.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `"金额 desc"` → (`金额`, true); a name in double quotes may hold spaces and commas' kin.
fn split_sort(part: &str) -> (&str, bool) {
    let lower = part.to_ascii_lowercase();
    let (name, descending) = if lower.ends_with(" desc") {
        (&part[..part.len() - 5], true)
    } else if lower.ends_with(" asc") {
        (&part[..part.len() - 4], false)
    } else {
        (part, false)
    };
    let name = name.trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    (name, descending)
}

fn type_words(t: FieldType) -> &'static str {
    match t {
        FieldType::Int => "整数",
        FieldType::Numeric => "数值",
        FieldType::Date => "日期文本",
        FieldType::Text => "文本",
    }
}

/// A filter value as a value of the column's type, or `None` when it is not one.
fn bound_value(v: &Value, t: FieldType) -> Option<Bound> {
    match t {
        FieldType::Int => match v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                        .map(|f| f as i64)
                })
                .map(Bound::Int),
            Value::String(s) => s.trim().parse().ok().map(Bound::Int),
            _ => None,
        },
        FieldType::Numeric => match v {
            Value::Number(n) => n.as_f64().map(Bound::Float),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Bound::Float),
            _ => None,
        },
        FieldType::Date | FieldType::Text => match v {
            Value::String(s) => Some(Bound::Text(s.clone())),
            Value::Number(n) => Some(Bound::Text(n.to_string())),
            Value::Bool(b) => Some(Bound::Text(b.to_string())),
            _ => None,
        },
    }
}

fn json_value(row: &AnyRow, index: usize, t: FieldType) -> Result<Value> {
    Ok(match t {
        FieldType::Int => row
            .try_get::<Option<i64>, _>(index)?
            .map_or(Value::Null, Value::from),
        FieldType::Numeric => row
            .try_get::<Option<f64>, _>(index)?
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        FieldType::Date | FieldType::Text => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Value::Null, Value::String),
    })
}

fn cell_value(row: &AnyRow, index: usize, t: FieldType) -> Result<Cell> {
    Ok(match t {
        FieldType::Int => row
            .try_get::<Option<i64>, _>(index)?
            .map_or(Cell::Null, Cell::Int),
        FieldType::Numeric => row
            .try_get::<Option<f64>, _>(index)?
            .map_or(Cell::Null, Cell::Numeric),
        FieldType::Date | FieldType::Text => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Cell::Null, Cell::Text),
    })
}

/// Writes the table of `resource_id` as CSV (UTF-8 with a BOM, the header of original names)
/// to `out`, a page of rows at a time; every text cell passes through
/// [`gongkai_content::neutralise_formula`]. Returns the rows written.
pub async fn export_csv<W: Write>(store: &Store, resource_id: i64, out: W) -> Result<u64> {
    check_resource_id(resource_id)?;
    let info = info(store, resource_id)
        .await?
        .filter(DatastoreInfo::is_active)
        .ok_or_else(|| StoreError::NotFound {
            what: format!("资源 {resource_id} 的数据表"),
        })?;
    let columns = columns_of(&info)?;
    let io = |e: std::io::Error| StoreError::Io(e.to_string());
    let mut writer = CsvWriter::new(out).map_err(io)?;
    writer
        .write_header(columns.iter().skip(1).map(|c| c.name.as_str()))
        .map_err(io)?;
    let list = columns
        .iter()
        .map(|c| c.sql.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let table = table_name(resource_id);
    let mut after = 0i64;
    let mut written = 0u64;
    loop {
        let mut sql = Sql::new(format!("SELECT {list} FROM {table} WHERE _id > "));
        sql.int(after);
        sql.push(" ORDER BY _id LIMIT ");
        sql.int(EXPORT_PAGE);
        let rows = sql.query().fetch_all(store.pool()).await?;
        for row in &rows {
            after = row.try_get::<i64, _>(0)?;
            let cells: Vec<Cell> = columns
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, c)| cell_value(row, i, c.field_type))
                .collect::<Result<_>>()?;
            writer.write_row(&cells).map_err(io)?;
            written += 1;
        }
        if (rows.len() as i64) < EXPORT_PAGE {
            break;
        }
    }
    writer.finish().map_err(io)?;
    Ok(written)
}

/// One page of a dump (CKAN's `/datastore/dump`): the rows [`search`] finds for `query`
/// (its fields, filters, q, sort, limit and offset; the total is not counted), with the names
/// of the returned columns, each value as a [`Cell`] of its column's type.
pub async fn dump_page(
    store: &Store,
    query: &DatastoreQuery,
) -> Result<(Vec<String>, Vec<Vec<Cell>>)> {
    let mut query = query.clone();
    query.records_format = RecordsFormat::Lists;
    query.include_total = false;
    let found = search(store, &query).await?;
    let types: Vec<bool> = found.fields.iter().map(|f| f.field_type == "int").collect();
    let names = found.fields.into_iter().map(|f| f.id).collect();
    let Records::Lists(rows) = found.records else {
        return Ok((names, Vec::new()));
    };
    let cells = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .zip(&types)
                .map(|(v, &int)| match v {
                    Value::Null => Cell::Null,
                    Value::Number(n) if int => n.as_i64().map_or(Cell::Null, Cell::Int),
                    Value::Number(n) => n.as_f64().map_or(Cell::Null, Cell::Numeric),
                    Value::String(t) => Cell::Text(t),
                    other => Cell::Text(other.to_string()),
                })
                .collect()
        })
        .collect();
    Ok((names, cells))
}

/// How many rows match `query`'s filters and q (before its limit and offset).
pub async fn count_matching(store: &Store, query: &DatastoreQuery) -> Result<i64> {
    let mut query = query.clone();
    query.records_format = RecordsFormat::Lists;
    query.include_total = true;
    query.limit = Some(0);
    query.offset = 0;
    Ok(search(store, &query).await?.total.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parts_and_like_patterns() {
        assert_eq!(split_sort("金额 desc"), ("金额", true));
        assert_eq!(split_sort("金额 ASC"), ("金额", false));
        assert_eq!(split_sort("\"项目 名称\" desc"), ("项目 名称", true));
        assert_eq!(split_sort("名称"), ("名称", false));
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn params_from_a_query_string_or_a_body() {
        let params = |v: Value| v.as_object().cloned().unwrap_or_default();
        let q = DatastoreQuery::from_params(&params(serde_json::json!({
            "resource_id": "7", "filters": "{\"乡镇\": [\"城关镇\"]}", "fields": "乡镇, 户数",
            "limit": "5", "offset": 10, "include_total": "false", "sort": ["户数 desc", "_id"]
        })));
        let q = q.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.resource_id, 7);
        assert_eq!(q.fields, Some(vec!["乡镇".into(), "户数".into()]));
        assert_eq!((q.limit, q.offset, q.include_total), (Some(5), 10, false));
        assert_eq!(q.sort.as_deref(), Some("户数 desc,_id"));
        assert!(q.filters.contains_key("乡镇"));
        let bad = DatastoreQuery::from_params(&params(serde_json::json!({
            "resource_id": "x", "filters": "[1]", "limit": "many", "records_format": "csv"
        })));
        match bad {
            Err(StoreError::DatastoreValidation(e)) => {
                let keys: Vec<&str> = e.0.keys().map(String::as_str).collect();
                assert_eq!(keys, ["filters", "limit", "records_format", "resource_id"]);
            }
            other => panic!("{other:?}"),
        }
    }
}

/// An uploaded CSV or XLSX resource whose table is missing or older than its file, and which
/// no node is loading (or whose loader stopped beating: see [`claim`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLoad {
    /// The resource.
    pub resource_id: i64,
    /// Its file.
    pub sha256: String,
    /// `CSV` or `XLSX`.
    pub format: String,
    /// Its size in bytes.
    pub size: i64,
}

/// How long a load's heartbeat may be silent before another node takes it over.
pub const LOAD_STALE_AFTER: chrono::Duration = chrono::Duration::minutes(10);

/// Up to `limit` resources waiting to be loaded, oldest first. A load that failed is tried
/// again only when its file changes.
pub async fn pending_loads(store: &Store, limit: i64) -> Result<Vec<PendingLoad>> {
    let stale = ts(now() - LOAD_STALE_AFTER);
    let rows = sqlx::query(
        "SELECT r.id, r.sha256, UPPER(r.format) AS format, COALESCE(r.size, 0) AS size
         FROM dataset_resources r
         LEFT JOIN datastore_tables t ON t.resource_id = r.id
         LEFT JOIN datastore_loads l ON l.resource_id = r.id
         WHERE r.sha256 IS NOT NULL AND UPPER(r.format) IN ('CSV', 'XLSX')
           AND (t.resource_id IS NULL OR t.updated_at < r.last_modified)
           AND (l.resource_id IS NULL OR l.heartbeat_at < $1)
         ORDER BY r.id LIMIT $2",
    )
    .bind(stale)
    .bind(limit.clamp(1, 100))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PendingLoad {
                resource_id: r.try_get("id")?,
                sha256: r.try_get("sha256")?,
                format: r.try_get("format")?,
                size: r.try_get("size")?,
            })
        })
        .collect()
}

/// Claims the load of `resource_id` for this node: its claim token when no other node holds it
/// (a claim whose heartbeat stopped [`LOAD_STALE_AFTER`] ago is taken over), `None` otherwise.
/// Only the token's holder notes progress ([`beat`]) or ends the claim ([`release`]).
pub async fn claim(store: &Store, resource_id: i64, bytes_total: i64) -> Result<Option<String>> {
    let owner = crate::sessions::random_token();
    let at = now();
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM datastore_loads WHERE resource_id = $1 AND heartbeat_at < $2")
        .bind(resource_id)
        .bind(ts(at - LOAD_STALE_AFTER))
        .execute(&mut *tx)
        .await?;
    let claimed = sqlx::query(
        "INSERT INTO datastore_loads (resource_id, owner, started_at, heartbeat_at, bytes_total)
         VALUES ($1, $2, $3, $3, $4) ON CONFLICT (resource_id) DO NOTHING",
    )
    .bind(resource_id)
    .bind(&owner)
    .bind(ts(at))
    .bind(bytes_total)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(claimed.then_some(owner))
}

/// Notes how far the load of `resource_id` claimed as `owner` has come (and that its node is
/// alive).
pub async fn beat(store: &Store, resource_id: i64, owner: &str, done: Progress) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "UPDATE datastore_loads SET heartbeat_at = $2, bytes_done = $3, rows_done = $4
         WHERE resource_id = $1 AND owner = $5",
    )
    .bind(resource_id)
    .bind(ts(now()))
    .bind(i64::try_from(done.bytes).unwrap_or(i64::MAX))
    .bind(i64::try_from(done.rows).unwrap_or(i64::MAX))
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the claim `owner` holds on `resource_id` (the load finished, or failed and said so).
pub async fn release(store: &Store, resource_id: i64, owner: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM datastore_loads WHERE resource_id = $1 AND owner = $2")
        .bind(resource_id)
        .bind(owner)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A load in progress, as a page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LoadProgress {
    /// Bytes of the file read so far.
    pub bytes_done: i64,
    /// The file's size.
    pub bytes_total: i64,
    /// Rows stored so far.
    pub rows_done: i64,
}

impl LoadProgress {
    /// Per cent of the file read (0–100).
    pub fn percent(&self) -> i64 {
        if self.bytes_total <= 0 {
            return 0;
        }
        (self.bytes_done.saturating_mul(100) / self.bytes_total).clamp(0, 100)
    }
}

/// The load of `resource_id` in progress, if one is.
pub async fn load_progress(store: &Store, resource_id: i64) -> Result<Option<LoadProgress>> {
    let row = sqlx::query(
        "SELECT bytes_done, bytes_total, rows_done FROM datastore_loads WHERE resource_id = $1",
    )
    .bind(resource_id)
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| {
        Ok(LoadProgress {
            bytes_done: r.try_get("bytes_done")?,
            bytes_total: r.try_get("bytes_total")?,
            rows_done: r.try_get("rows_done")?,
        })
    })
    .transpose()
}
