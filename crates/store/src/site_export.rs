//! Moving one site — a county with its departments and everything they hold — between
//! deployments (集约化: a county joins a prefecture's platform, or leaves it).
//!
//! [`export`] writes the site's rows (organisations, staff accounts, records and their
//! attachments, applications, messages, consultations, opinion events, reports, work records
//! and the site's settings), the bytes of every file they name, and the site's audit entries
//! into one zip archive with a [`Manifest`]. [`import`] reads such an archive into another
//! deployment in one write transaction: every row gets a new id there, and every column that
//! points at an id ([`Table::refs`]) is rewritten to the new one, so nothing collides with the
//! sites already there. Tracking codes, index numbers, organisation codes and user names are
//! kept: citizens look their cases up with the same codes and staff log in as before. A code,
//! name or host the target already uses refuses the import before anything is written.
//!
//! The audit entries travel as a segment of the old chain: each entry keeps its sequence
//! number and hashes and is checked on the way in ([`SegmentDigest`]); the target stores them
//! in `imported_audit` and records the segment's digest in its own chain (`site.import`), so
//! the history cannot be changed later without [`verify_imported`] noticing.
//!
//! A table a site owns must be listed in [`TABLES`] (or, when it holds nothing a site takes
//! along, in [`NOT_MOVED`]); a test fails for a table in neither.
//!
//! The archive is untrusted input on import: the manifest, every line and every file are read
//! with a size bound, files are checked against their SHA-256 and size, and row counts against
//! the manifest.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use gongkai_domain::audit::{AuditEntry, SegmentDigest};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Actor, Engine, Result, Store, StoreError, Tx, audit, blobs, feed, now, ts};

/// The archive format this program writes and reads.
pub const FORMAT: u32 = 1;
/// The manifest's name inside the archive.
pub const MANIFEST: &str = "manifest.json";
/// The site's audit entries inside the archive, one JSON object per line.
pub const AUDIT: &str = "audit.jsonl";
/// The largest manifest read back.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;
/// The largest line (one row) read back: a record's body with its text is far below this.
const MAX_LINE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest file accepted from an archive.
const MAX_BLOB_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Rows read from the source per query.
const PAGE: i64 = 500;

/// The organisations of the site `$1`.
const SITE_ORGS: &str = "(SELECT id FROM organisations WHERE site_id = $1)";

/// One table a site takes along: which of its rows are the site's and which columns point at
/// other rows.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The table's name.
    pub name: &'static str,
    /// Its identity column, given a new value on import (none: the table has no own id).
    pub id: Option<&'static str>,
    /// The condition selecting the site's rows, `$1` being the site's id (`{orgs}` stands for
    /// the ids of the site's organisations).
    pub rows: &'static str,
    /// Columns holding the id of a row of another table (or this one), rewritten on import;
    /// a column whose row is not in the archive becomes NULL when it may, else the import is
    /// refused.
    pub refs: &'static [(&'static str, &'static str)],
    /// A column naming a file's SHA-256, whose bytes travel with the row.
    pub file: Option<&'static str>,
}

impl Table {
    const fn new(name: &'static str, id: Option<&'static str>, rows: &'static str) -> Self {
        Self {
            name,
            id,
            rows,
            refs: &[],
            file: None,
        }
    }

    const fn refs(self, refs: &'static [(&'static str, &'static str)]) -> Self {
        Self { refs, ..self }
    }

    const fn file(self, column: &'static str) -> Self {
        Self {
            file: Some(column),
            ..self
        }
    }

    fn condition(&self) -> String {
        self.rows.replace("{orgs}", SITE_ORGS)
    }

    /// Whether `column` refers to a row of this same table (filled in once all are in).
    fn self_ref(&self, column: &str) -> bool {
        self.refs
            .iter()
            .any(|(c, t)| *c == column && *t == self.name)
    }
}

const ORG: (&str, &str) = ("org_id", "organisations");
const SITE: (&str, &str) = ("site_id", "organisations");
const SITE_USERS: &str = "org_id IN {orgs} AND id NOT IN (SELECT user_id FROM platform_grants)";

/// Every table a site takes along, parents before children.
pub const TABLES: &[Table] = &[
    Table::new("organisations", Some("id"), "site_id = $1")
        .refs(&[("parent_id", "organisations"), ("site_id", "organisations")]),
    Table::new("users", Some("id"), SITE_USERS).refs(&[ORG]),
    Table::new(
        "user_roles",
        None,
        "user_id IN (SELECT id FROM users WHERE org_id IN {orgs})",
    )
    .refs(&[("user_id", "users"), ORG]),
    Table::new("site_hosts", None, "site_id = $1").refs(&[SITE]),
    Table::new("themes", None, "site_id = $1").refs(&[SITE]),
    Table::new("negative_terms", Some("id"), "site_id = $1").refs(&[SITE]),
    Table::new("org_guides", None, "org_id IN {orgs}").refs(&[ORG]),
    Table::new("index_serials", None, "org_id IN {orgs}").refs(&[ORG]),
    Table::new("site_search_queries", None, "site_id = $1").refs(&[SITE]),
    Table::new("records", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("author_id", "users"),
        ("reviewer_id", "users"),
        ("superseded_by", "records"),
        ("interprets_id", "records"),
    ]),
    Table::new(
        "record_columns",
        None,
        "record_id IN (SELECT id FROM records WHERE site_id = $1)",
    )
    .refs(&[("record_id", "records")]),
    Table::new(
        "record_revisions",
        Some("id"),
        "record_id IN (SELECT id FROM records WHERE site_id = $1)",
    )
    .refs(&[("record_id", "records")]),
    Table::new(
        "attachments",
        Some("id"),
        "record_id IN (SELECT id FROM records WHERE site_id = $1)",
    )
    .refs(&[("record_id", "records")])
    .file("sha256"),
    Table::new(
        "record_corrections",
        Some("id"),
        "record_id IN (SELECT id FROM records WHERE site_id = $1)",
    )
    .refs(&[("record_id", "records"), ("author_id", "users")]),
    Table::new("applications", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("proactive_record_id", "records"),
    ]),
    Table::new("application_events", Some("id"), APPLICATION_ROWS)
        .refs(&[("application_id", "applications")]),
    Table::new("application_files", Some("id"), APPLICATION_ROWS)
        .refs(&[("application_id", "applications")])
        .file("sha256"),
    Table::new("application_letters", Some("id"), APPLICATION_ROWS)
        .refs(&[("application_id", "applications")]),
    Table::new("application_reply_files", Some("id"), APPLICATION_ROWS)
        .refs(&[("application_id", "applications")])
        .file("sha256"),
    Table::new("application_challenges", Some("id"), APPLICATION_ROWS)
        .refs(&[("application_id", "applications")]),
    Table::new("messages", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("handler_org_id", "organisations"),
        ("reply_org_id", "organisations"),
    ]),
    Table::new("message_events", Some("id"), MESSAGE_ROWS).refs(&[("message_id", "messages")]),
    Table::new("message_files", Some("id"), MESSAGE_ROWS)
        .refs(&[("message_id", "messages")])
        .file("sha256"),
    Table::new("consultations", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("decision_record_id", "records"),
        ("author_id", "users"),
    ]),
    Table::new("consultation_files", Some("id"), CONSULTATION_ROWS)
        .refs(&[("consultation_id", "consultations")])
        .file("sha256"),
    Table::new("consultation_comments", Some("id"), CONSULTATION_ROWS)
        .refs(&[("consultation_id", "consultations")]),
    Table::new("opinion_events", Some("id"), "site_id = $1").refs(&[SITE, ORG]),
    Table::new(
        "opinion_responses",
        Some("id"),
        "event_id IN (SELECT id FROM opinion_events WHERE site_id = $1)",
    )
    .refs(&[("event_id", "opinion_events"), ("record_id", "records")]),
    // Mail still waiting is sent by the deployment it was written on, never twice.
    Table::new("outbox", Some("id"), "site_id = $1 AND status <> 'pending'").refs(&[SITE]),
    Table::new("annual_reports", Some("id"), "org_id IN {orgs}")
        .refs(&[ORG, ("record_id", "records")]),
    Table::new("work_records", Some("id"), "site_id = $1")
        .refs(&[SITE, ORG])
        .file("file_sha256"),
    Table::new(
        "work_record_attendance",
        None,
        "work_record_id IN (SELECT id FROM work_records WHERE site_id = $1)",
    )
    .refs(&[("work_record_id", "work_records"), ORG]),
    Table::new("catalogue_items", Some("id"), "site_id = $1").refs(&[SITE]),
    Table::new("catalogue_item_orgs", None, CATALOGUE_ROWS)
        .refs(&[("item_id", "catalogue_items"), ORG]),
    Table::new("record_catalogue_items", None, CATALOGUE_ROWS)
        .refs(&[("record_id", "records"), ("item_id", "catalogue_items")]),
    Table::new("list_types", Some("id"), "site_id = $1").refs(&[SITE]),
    Table::new("list_rows", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("author_id", "users"),
        ("reviewer_id", "users"),
    ]),
    Table::new("evaluation_rounds", Some("id"), "site_id = $1").refs(&[SITE]),
    Table::new(
        "evaluation_responses",
        Some("id"),
        "round_id IN (SELECT id FROM evaluation_rounds WHERE site_id = $1)",
    )
    .refs(&[("round_id", "evaluation_rounds"), ORG]),
    Table::new("tasks", Some("id"), "site_id = $1").refs(&[SITE, ("lead_org_id", "organisations")]),
    Table::new("task_orgs", None, TASK_ROWS).refs(&[("task_id", "tasks"), ORG]),
    Table::new("task_milestones", Some("id"), TASK_ROWS).refs(&[("task_id", "tasks")]),
    Table::new("task_reports", Some("id"), TASK_ROWS)
        .refs(&[("task_id", "tasks"), ("author_id", "users")]),
    Table::new("task_records", None, TASK_ROWS)
        .refs(&[("task_id", "tasks"), ("record_id", "records")]),
    Table::new("task_evaluations", Some("id"), TASK_ROWS)
        .refs(&[("task_id", "tasks"), ("record_id", "records")]),
    Table::new("audit_reports", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("record_id", "records"),
    ]),
    Table::new(
        "findings",
        Some("id"),
        "audit_report_id IN (SELECT id FROM audit_reports WHERE site_id = $1)",
    )
    .refs(&[
        ("audit_report_id", "audit_reports"),
        ORG,
        ("evidence_record_id", "records"),
    ]),
    Table::new("datasets", Some("id"), "site_id = $1").refs(&[SITE, ORG, ("author_id", "users")]),
    Table::new("dataset_groups", None, DATASET_ROWS).refs(&[("dataset_id", "datasets")]),
    Table::new("dataset_tags", None, DATASET_ROWS).refs(&[("dataset_id", "datasets")]),
    Table::new("dataset_resources", Some("id"), DATASET_ROWS)
        .refs(&[("dataset_id", "datasets")])
        .file("sha256"),
    // History the site brought from an earlier move goes along with it.
    Table::new("imported_audit", Some("id"), "site_id = $1").refs(&[SITE]),
    Table::new("data_access_requests", Some("id"), "site_id = $1").refs(&[
        SITE,
        ORG,
        ("dataset_id", "datasets"),
    ]),
    Table::new("data_access_events", Some("id"), DATA_ACCESS_ROWS)
        .refs(&[("data_access_request_id", "data_access_requests")]),
];

const APPLICATION_ROWS: &str = "application_id IN (SELECT id FROM applications WHERE site_id = $1)";
const CATALOGUE_ROWS: &str = "item_id IN (SELECT id FROM catalogue_items WHERE site_id = $1)";
const DATA_ACCESS_ROWS: &str =
    "data_access_request_id IN (SELECT id FROM data_access_requests WHERE site_id = $1)";
const DATASET_ROWS: &str = "dataset_id IN (SELECT id FROM datasets WHERE site_id = $1)";
const TASK_ROWS: &str = "task_id IN (SELECT id FROM tasks WHERE site_id = $1)";
const MESSAGE_ROWS: &str = "message_id IN (SELECT id FROM messages WHERE site_id = $1)";
const CONSULTATION_ROWS: &str =
    "consultation_id IN (SELECT id FROM consultations WHERE site_id = $1)";

/// Tables whose rows a site does not take along, and why: moved another way (settings,
/// calendar data and the audit log are read apart; files travel as files), or worth nothing in
/// another deployment (sessions, throttling counts, the change feed, derived data).
pub const NOT_MOVED: &[&str] = &[
    "schema_migrations",
    "settings",
    "calendar_years",
    "audit_log",
    "blobs",
    "blob_chunks",
    "change_feed",
    "sessions",
    "applicant_sessions",
    "message_sessions",
    "data_access_sessions",
    "login_failures",
    "form_submissions",
    "platform_grants",
    // Rebuilt from the resource's file by `datastore::ingest`; the tables it names
    // (`datastore_r<id>`) are made at run time and not in the schema's list either.
    "datastore_tables",
    // A load in progress belongs to the node running it; the new deployment loads the file again.
    "datastore_loads",
    // A CKAN client's write token is a credential like a session: staff make new ones where
    // the site now lives.
    "api_tokens",
];

/// What an archive holds, so that an import can check everything it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Archive format ([`FORMAT`]).
    pub format: u32,
    /// The gongkai version that wrote it.
    pub gongkai_version: String,
    /// The schema (migration) version of the source deployment.
    pub schema_version: i64,
    /// When the archive was written (RFC 3339, UTC).
    pub created_at: String,
    /// The site's organisation code.
    pub site_code: String,
    /// The site's name.
    pub site_name: String,
    /// Rows per table, in the order they are inserted.
    pub tables: Vec<TableCount>,
    /// Every file, by SHA-256.
    pub files: Vec<FileEntry>,
    /// The site's audit entries.
    pub audit: Segment,
}

/// The number of rows of one table in an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableCount {
    /// Table name (`settings` and `calendar_years` included).
    pub name: String,
    /// Rows written.
    pub rows: u64,
}

/// One file in an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// SHA-256 of the bytes (hex), also its name under `files/`.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// The site's run of the source deployment's audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Number of entries.
    pub entries: u64,
    /// Digest over their hashes in order ([`SegmentDigest`]).
    pub digest: String,
    /// Sequence number and hash of the source chain's head when the archive was written.
    pub source_head: (i64, String),
    /// Whether the whole source chain verified when the archive was written.
    pub source_chain_intact: bool,
}

impl Manifest {
    /// Total number of items (rows, files, audit entries), for a progress bar.
    pub fn items(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum::<u64>()
            + self.files.len() as u64
            + self.audit.entries
    }

    fn rows_of(&self, table: &str) -> Option<u64> {
        self.tables.iter().find(|t| t.name == table).map(|t| t.rows)
    }
}

/// How far an export or import has come: items done of the total, and what it is doing.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Items done (rows, files, audit entries).
    pub done: u64,
    /// Items in all.
    pub total: u64,
    /// What is being read or written (a table name, `files`, `audit`).
    pub stage: &'a str,
}

/// What an import brought in.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// The site's organisation id in this deployment.
    pub site_id: i64,
    /// Ids that pointed outside the archive and were cleared, per `table.column`.
    pub cleared: Vec<(String, u64)>,
    /// The archive's SHA-256, to compare with the one the export printed and audited.
    pub archive_sha256: String,
}

/// A value of one column, as an archive holds it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    fn to_json(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Int(i) => Value::from(*i),
            Self::Text(t) => Value::from(t.as_str()),
        }
    }
}

/// A column of a table in this database: its name, whether it holds integers, whether it may
/// be NULL.
#[derive(Debug, Clone)]
struct ColumnInfo {
    name: String,
    integer: bool,
    nullable: bool,
}

fn archive_error(reason: impl std::fmt::Display) -> StoreError {
    StoreError::SiteArchive(reason.to_string())
}

fn refused(reason: impl std::fmt::Display) -> StoreError {
    StoreError::SiteImport(reason.to_string())
}

/// The columns of `table` as this database has them, in their order.
async fn columns(tx: &mut Tx, engine: Engine, table: &str) -> Result<Vec<ColumnInfo>> {
    let rows =
        match engine {
            Engine::Sqlite => sqlx::query(
                "SELECT name, type AS kind, \"notnull\" AS not_null, pk FROM pragma_table_info($1)",
            )
            .bind(table)
            .fetch_all(&mut **tx)
            .await?,
            Engine::Postgres => {
                sqlx::query(
                    "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS kind,
                    CAST(CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS BIGINT) AS not_null,
                    CAST(0 AS BIGINT) AS pk
                 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1
                 ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&mut **tx)
                .await?
            }
        };
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let not_null: i64 = r.try_get("not_null")?;
            let pk: i64 = r.try_get("pk")?;
            Ok(ColumnInfo {
                name: r.try_get("name")?,
                integer: kind.to_ascii_uppercase().contains("INT"),
                nullable: not_null == 0 && pk == 0,
            })
        })
        .collect()
}

fn read_cell(row: &AnyRow, column: &ColumnInfo) -> Result<Cell> {
    let name = column.name.as_str();
    Ok(if column.integer {
        row.try_get::<Option<i64>, _>(name)?
            .map_or(Cell::Null, Cell::Int)
    } else {
        row.try_get::<Option<String>, _>(name)?
            .map_or(Cell::Null, Cell::Text)
    })
}

/// The names of the tables in this database.
pub async fn table_names(store: &Store) -> Result<Vec<String>> {
    let sql = match store.engine() {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(store.pool()).await?)
}

/// Writes one zip entry after another; errors become [`StoreError::SiteArchive`].
struct ArchiveWriter {
    zip: zip::ZipWriter<File>,
}

impl ArchiveWriter {
    fn start(&mut self, name: &str, compressed: bool) -> Result<()> {
        let method = if compressed {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true);
        self.zip.start_file(name, options).map_err(archive_error)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.zip.write_all(bytes).map_err(archive_error)
    }

    fn line(&mut self, value: &Value) -> Result<()> {
        let mut bytes = serde_json::to_vec(value).map_err(archive_error)?;
        bytes.push(b'\n');
        self.write(&bytes)
    }
}

/// Writes the site `site_code` into a new archive at `path` (refused if something is there),
/// reading everything in one snapshot of the database; `keys_of_first_site` are the settings
/// whose bare key (without a site code) is the first site's own rather than every site's
/// default. The export is audited in this deployment (`site.export`, with the archive's
/// SHA-256). Returns the manifest written.
pub async fn export(
    store: &Store,
    data_dir: &Path,
    site_code: &str,
    keys_of_first_site: &[&str],
    path: &Path,
    actor: &Actor,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Manifest> {
    let site = crate::sites::by_code(
        store,
        &gongkai_domain::org::OrgCode::parse(site_code).map_err(|e| refused(e.to_string()))?,
    )
    .await?;
    let intact = matches!(audit::verify(store).await?, audit::Verification::Intact(_));
    // A query password filed a moment ago may still be sealed under this deployment's key,
    // which the target does not have: hash every one now, as the background pass would.
    for _ in 0..10_000 {
        if crate::secrets::hash_sealed(store, 100).await? == 0 {
            break;
        }
    }
    let part = path.with_extension("part");
    if path.exists() || part.exists() {
        return Err(archive_error(format!(
            "{} 已存在；为免覆盖，请换一个文件名",
            path.display()
        )));
    }
    let file =
        File::create(&part).map_err(|e| archive_error(format!("{}：{e}", part.display())))?;
    let mut out = ArchiveWriter {
        zip: zip::ZipWriter::new(file),
    };
    let result = write_archive(
        store,
        data_dir,
        &site,
        keys_of_first_site,
        intact,
        &mut out,
        progress,
    )
    .await;
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
    };
    let finished = out
        .zip
        .finish()
        .map_err(archive_error)
        .and_then(|f| f.sync_all().map_err(archive_error));
    if let Err(e) = finished.and_then(|()| std::fs::rename(&part, path).map_err(archive_error)) {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    let sha256 = file_sha256(path)?;
    let tx = store.begin_write().await?;
    audit::Change::new("site.export", "organisation", site.code.as_str())
        .in_org(site.id)
        .with_detail(serde_json::json!({
            "archive_sha256": sha256,
            "rows": manifest.tables.iter().map(|t| t.rows).sum::<u64>(),
            "files": manifest.files.len(),
            "audit_entries": manifest.audit.entries,
            "audit_digest": manifest.audit.digest,
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(manifest)
}

/// The SHA-256 of a file (hex).
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(archive_error)?;
    let mut h = Sha256::new();
    let mut buf = vec![0_u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(archive_error)?;
        if n == 0 {
            return Ok(hex::encode(h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

async fn write_archive(
    store: &Store,
    data_dir: &Path,
    site: &crate::orgs::Organisation,
    keys_of_first_site: &[&str],
    intact: bool,
    out: &mut ArchiveWriter,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Manifest> {
    let engine = store.engine();
    // One snapshot for every table, so a row never points at one written after it was read.
    let mut tx = store.begin_read().await?;
    let schema_version = crate::backup::schema_version(store).await?;
    let existing: HashSet<String> = table_names(store).await?.into_iter().collect();
    let mut counts = Vec::new();
    let mut total = 0_u64;
    for table in TABLES.iter().filter(|t| existing.contains(t.name)) {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            table.name,
            table.condition()
        )))
        .bind(site.id)
        .fetch_one(&mut *tx)
        .await?;
        total += n as u64;
        counts.push((table, n));
    }
    let audit_total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE site_id = $1")
        .bind(site.id)
        .fetch_one(&mut *tx)
        .await?;
    total += audit_total as u64;
    let mut done = 0_u64;
    let mut tables = Vec::new();
    let mut files: BTreeSet<String> = BTreeSet::new();
    for (table, _) in &counts {
        progress(Progress {
            done,
            total,
            stage: table.name,
        });
        let info = columns(&mut tx, engine, table.name).await?;
        out.start(&format!("tables/{}.jsonl", table.name), true)?;
        let mut written = 0_u64;
        let mut after: Option<i64> = None;
        loop {
            let mut sql = format!("SELECT * FROM {} WHERE {}", table.name, table.condition());
            if let Some(id) = table.id {
                sql.push_str(&format!(
                    " AND ($2 IS NULL OR {id} > $2) ORDER BY {id} LIMIT {PAGE}"
                ));
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(site.id);
            if table.id.is_some() {
                q = q.bind(after);
            }
            let rows = q.fetch_all(&mut *tx).await?;
            for row in &rows {
                let mut object = Map::new();
                for column in &info {
                    let cell = read_cell(row, column)?;
                    if Some(column.name.as_str()) == table.file
                        && let Cell::Text(sha) = &cell
                    {
                        files.insert(sha.clone());
                    }
                    if column.name == "secret_hash"
                        && let Cell::Text(secret) = &cell
                        && crate::secrets::is_sealed(secret)
                    {
                        return Err(archive_error(format!(
                            "{} 中有查询密码尚未完成加密存储，且本机的审计密钥无法处理：请在持有该密钥的节点上导出",
                            table.name
                        )));
                    }
                    if Some(column.name.as_str()) == table.id
                        && let Cell::Int(id) = cell
                    {
                        after = Some(id);
                    }
                    object.insert(column.name.clone(), cell.to_json());
                }
                out.line(&Value::Object(object))?;
                written += 1;
                done += 1;
            }
            if table.id.is_none() || (rows.len() as i64) < PAGE {
                break;
            }
            progress(Progress {
                done,
                total,
                stage: table.name,
            });
        }
        tables.push(TableCount {
            name: table.name.to_owned(),
            rows: written,
        });
    }
    let settings = site_settings(&mut tx, site, keys_of_first_site).await?;
    out.start("tables/settings.jsonl", true)?;
    for (key, value) in &settings {
        out.line(&serde_json::json!({ "key": key, "value": value }))?;
    }
    tables.push(TableCount {
        name: "settings".into(),
        rows: settings.len() as u64,
    });
    // The holidays of the site's region travel too (the national calendar is every
    // deployment's own).
    let region = settings
        .iter()
        .find(|(k, _)| *k == format!("region.{}", site.code))
        .map(|(_, v)| v.clone());
    let calendar = match region {
        Some(scope) => {
            sqlx::query("SELECT scope, year, data, updated_at FROM calendar_years WHERE scope = $1")
                .bind(scope)
                .fetch_all(&mut *tx)
                .await?
        }
        None => Vec::new(),
    };
    out.start("tables/calendar_years.jsonl", true)?;
    for row in &calendar {
        out.line(&serde_json::json!({
            "scope": row.try_get::<String, _>("scope")?,
            "year": row.try_get::<i64, _>("year")?,
            "data": row.try_get::<String, _>("data")?,
            "updated_at": row.try_get::<String, _>("updated_at")?,
        }))?;
    }
    tables.push(TableCount {
        name: "calendar_years".into(),
        rows: calendar.len() as u64,
    });
    // The site's audit entries, in chain order.
    progress(Progress {
        done,
        total,
        stage: "audit",
    });
    out.start(AUDIT, true)?;
    let mut digest = SegmentDigest::default();
    let mut after = 0_i64;
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object_type, object_id, detail, ip, prev_hash, hash,
                mac FROM audit_log WHERE site_id = $1 AND seq > $2 ORDER BY seq LIMIT 1000",
        )
        .bind(site.id)
        .bind(after)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let entry = <AuditEntry as crate::sql::FromRow>::from_row(row)?;
            digest
                .add(&entry)
                .map_err(|e| archive_error(format!("本站的审计记录未通过校验，已停止导出：{e}")))?;
            after = entry.seq;
            out.line(&serde_json::to_value(&entry).map_err(archive_error)?)?;
            done += 1;
        }
        if rows.len() < 1000 {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let head = match head {
        Some(r) => (r.try_get::<i64, _>("seq")?, r.try_get::<String, _>("hash")?),
        None => (0, gongkai_domain::audit::GENESIS_HASH.to_owned()),
    };
    tx.commit().await?;
    // The files, each once.
    let mut entries = Vec::new();
    for sha in &files {
        progress(Progress {
            done,
            total: total + files.len() as u64,
            stage: "files",
        });
        let mut reader = blobs::open(store, data_dir, sha).await?;
        out.start(&format!("files/{sha}"), false)?;
        let mut size = 0_u64;
        while let Some(chunk) = reader.next_chunk().await? {
            size += chunk.len() as u64;
            out.write(&chunk)?;
        }
        entries.push(FileEntry {
            sha256: sha.clone(),
            size,
        });
        done += 1;
    }
    let manifest = Manifest {
        format: FORMAT,
        gongkai_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        created_at: ts(now()),
        site_code: site.code.as_str().to_owned(),
        site_name: site.name.clone(),
        tables,
        files: entries,
        audit: Segment {
            entries: digest.count(),
            digest: digest.finish(),
            source_head: head,
            source_chain_intact: intact,
        },
    };
    out.start(MANIFEST, true)?;
    out.write(&serde_json::to_vec_pretty(&manifest).map_err(archive_error)?)?;
    progress(Progress {
        done,
        total: done,
        stage: "done",
    });
    Ok(manifest)
}

/// The settings that are the site's, each under its own key (`key.<site code>` …): keys that
/// name one of the site's organisation codes as a part, and the bare keys that served the site
/// (every site's defaults, and the first site's own identity when it is the first site) under
/// the site's key unless it has its own.
async fn site_settings(
    tx: &mut Tx,
    site: &crate::orgs::Organisation,
    keys_of_first_site: &[&str],
) -> Result<Vec<(String, String)>> {
    let all_codes: Vec<(String, i64)> = sqlx::query("SELECT code, site_id FROM organisations")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("code")?,
                r.try_get::<Option<i64>, _>("site_id")?.unwrap_or(0),
            ))
        })
        .collect::<Result<_>>()?;
    let site_of: HashMap<&str, i64> = all_codes.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    let first_site: Option<i64> =
        sqlx::query_scalar("SELECT MIN(id) FROM organisations WHERE parent_id IS NULL")
            .fetch_one(&mut **tx)
            .await?;
    let is_first = first_site == Some(site.id);
    let rows = sqlx::query("SELECT key, value FROM settings ORDER BY key")
        .fetch_all(&mut **tx)
        .await?;
    let settings: Vec<(String, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
        .collect::<Result<_>>()?;
    let own: HashSet<&str> = settings.iter().map(|(k, _)| k.as_str()).collect();
    let mut out = Vec::new();
    for (key, value) in &settings {
        let named = key.split('.').find_map(|part| site_of.get(part).copied());
        match named {
            Some(s) if s == site.id => out.push((key.clone(), value.clone())),
            Some(_) => {}
            None => {
                let first_site_only = keys_of_first_site.contains(&key.as_str());
                let as_site = format!("{key}.{}", site.code);
                if (is_first || !first_site_only) && !own.contains(as_site.as_str()) {
                    out.push((as_site, value.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// Reads archives entry by entry with bounds; errors become [`StoreError::SiteArchive`].
struct ArchiveReader {
    zip: zip::ZipArchive<File>,
}

impl ArchiveReader {
    fn open(path: &Path) -> Result<Self> {
        let file =
            File::open(path).map_err(|e| archive_error(format!("{}：{e}", path.display())))?;
        let zip = zip::ZipArchive::new(file)
            .map_err(|e| archive_error(format!("不是 gongkai 站点迁移文件（{e}）")))?;
        Ok(Self { zip })
    }

    fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The whole entry `name`, refused beyond `limit` bytes (a declared size may lie, so the
    /// read itself is bounded).
    fn read_all(&mut self, name: &str, limit: u64) -> Result<Vec<u8>> {
        let entry = self
            .zip
            .by_name(name)
            .map_err(|e| archive_error(format!("缺少 {name}（{e}）")))?;
        let mut bytes = Vec::new();
        entry
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| archive_error(format!("{name}：{e}")))?;
        if bytes.len() as u64 > limit {
            return Err(archive_error(format!("{name} 过大")));
        }
        Ok(bytes)
    }

    /// Calls `each` with every line of `name` parsed as JSON, at most `expected` of them (the
    /// manifest's count, checked exactly).
    fn lines(
        &mut self,
        name: &str,
        expected: u64,
        mut each: impl FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        let entry = self
            .zip
            .by_name(name)
            .map_err(|e| archive_error(format!("缺少 {name}（{e}）")))?;
        let mut reader = BufReader::new(entry);
        let mut seen = 0_u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = (&mut reader)
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut line)
                .map_err(|e| archive_error(format!("{name}：{e}")))?;
            if n == 0 {
                break;
            }
            if n as u64 > MAX_LINE_BYTES {
                return Err(archive_error(format!("{name} 第 {} 行过长", seen + 1)));
            }
            seen += 1;
            if seen > expected {
                return Err(archive_error(format!(
                    "{name} 的行数多于清单所记的 {expected} 行"
                )));
            }
            let value = serde_json::from_slice(&line)
                .map_err(|e| archive_error(format!("{name} 第 {seen} 行无法读取：{e}")))?;
            each(value)?;
        }
        if seen != expected {
            return Err(archive_error(format!(
                "{name} 只有 {seen} 行，清单记为 {expected} 行"
            )));
        }
        Ok(())
    }
}

/// The lines of one archive entry, read a batch at a time so that no table is ever held whole
/// in memory; the count is checked against the manifest's at the end.
struct Batches<'a> {
    name: String,
    reader: BufReader<zip::read::ZipFile<'a, File>>,
    expected: u64,
    seen: u64,
}

/// Rows per batch, and bytes per batch, whichever comes first.
const BATCH_ROWS: usize = 500;
const BATCH_BYTES: u64 = 64 * 1024 * 1024;

impl ArchiveReader {
    fn batches(&mut self, name: &str, expected: u64) -> Result<Batches<'_>> {
        let entry = self
            .zip
            .by_name(name)
            .map_err(|e| archive_error(format!("缺少 {name}（{e}）")))?;
        Ok(Batches {
            name: name.to_owned(),
            reader: BufReader::new(entry),
            expected,
            seen: 0,
        })
    }
}

impl Batches<'_> {
    /// The next rows (empty at the end, after checking the count).
    fn next_batch(&mut self) -> Result<Vec<Value>> {
        let name = &self.name;
        let mut out = Vec::new();
        let mut bytes = 0_u64;
        let mut line = Vec::new();
        while out.len() < BATCH_ROWS && bytes < BATCH_BYTES {
            line.clear();
            let n = (&mut self.reader)
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut line)
                .map_err(|e| archive_error(format!("{name}：{e}")))?;
            if n == 0 {
                break;
            }
            if n as u64 > MAX_LINE_BYTES {
                return Err(archive_error(format!("{name} 第 {} 行过长", self.seen + 1)));
            }
            self.seen += 1;
            bytes += n as u64;
            if self.seen > self.expected {
                return Err(archive_error(format!(
                    "{name} 的行数多于清单所记的 {} 行",
                    self.expected
                )));
            }
            out.push(
                serde_json::from_slice(&line).map_err(|e| {
                    archive_error(format!("{name} 第 {} 行无法读取：{e}", self.seen))
                })?,
            );
        }
        if out.is_empty() && self.seen != self.expected {
            return Err(archive_error(format!(
                "{name} 只有 {} 行，清单记为 {} 行",
                self.seen, self.expected
            )));
        }
        Ok(out)
    }
}

/// Reads the manifest of the archive at `path` (and nothing else), checking its format.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let mut archive = ArchiveReader::open(path)?;
    manifest_of(&mut archive)
}

fn manifest_of(archive: &mut ArchiveReader) -> Result<Manifest> {
    let bytes = archive.read_all(MANIFEST, MAX_MANIFEST_BYTES)?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| archive_error(format!("{MANIFEST} 无法读取：{e}")))?;
    if manifest.format != FORMAT {
        return Err(archive_error(format!(
            "迁移文件格式 {}，本程序只读格式 {FORMAT}",
            manifest.format
        )));
    }
    Ok(manifest)
}

/// Reads the archive at `path` into this deployment as a new site; see the module's
/// documentation. The codes, user names and host names already used here are checked first;
/// then, in one write transaction, the rows (read a batch at a time, each file a row names
/// checked against the manifest), the site's own settings, the audit segment (checked entry by
/// entry and against its digest) and the files (streamed, each checked against its SHA-256 and
/// size) go in, audited as `site.import` — nothing is imported unless all of it is. On SQLite the
/// transaction holds the database's write lock throughout, so the portal's writes wait.
pub async fn import(
    store: &Store,
    data_dir: &Path,
    path: &Path,
    actor: &Actor,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Imported> {
    let archive_sha256 = file_sha256(path)?;
    let mut archive = ArchiveReader::open(path)?;
    let manifest = manifest_of(&mut archive)?;
    let here = crate::backup::schema_version(store).await?;
    if manifest.schema_version > here {
        return Err(refused(format!(
            "迁移文件来自结构版本 {} 的部署，本部署为 {here}：请先升级本部署的 gongkai",
            manifest.schema_version
        )));
    }
    let known: HashSet<&str> = TABLES
        .iter()
        .map(|t| t.name)
        .chain(["settings", "calendar_years"])
        .collect();
    if let Some(t) = manifest
        .tables
        .iter()
        .find(|t| !known.contains(t.name.as_str()))
    {
        return Err(refused(format!(
            "迁移文件含有本程序不认识的数据表 {}：请先升级本部署的 gongkai",
            t.name
        )));
    }
    for t in &manifest.tables {
        let name = format!("tables/{}.jsonl", t.name);
        if !archive.has(&name) {
            return Err(archive_error(format!("缺少 {name}")));
        }
    }
    let mut declared: HashMap<&str, u64> = HashMap::new();
    for f in &manifest.files {
        if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(archive_error(format!("文件名 {} 不是 SHA-256", f.sha256)));
        }
        if f.size > MAX_BLOB_BYTES {
            return Err(archive_error(format!("文件 {} 过大", f.sha256)));
        }
        if !archive.has(&format!("files/{}", f.sha256)) {
            return Err(archive_error(format!("缺少 files/{}", f.sha256)));
        }
        declared.insert(f.sha256.as_str(), f.size);
    }
    check_free(store, &mut archive, &manifest).await?;
    let total = manifest.items();
    let mut done = 0_u64;
    let engine = store.engine();
    let mut tx = store.begin_write().await?;
    let mut ids: HashMap<&'static str, HashMap<i64, i64>> = HashMap::new();
    let mut cleared: HashMap<String, u64> = HashMap::new();
    let mut named_files: BTreeSet<String> = BTreeSet::new();
    for table in TABLES {
        let Some(expected) = manifest.rows_of(table.name) else {
            continue;
        };
        progress(Progress {
            done,
            total,
            stage: table.name,
        });
        let info = columns(&mut tx, engine, table.name).await?;
        let mut later: Vec<(i64, &str, i64)> = Vec::new();
        let mut map = HashMap::new();
        let mut batches = archive.batches(&format!("tables/{}.jsonl", table.name), expected)?;
        loop {
            let batch = batches.next_batch()?;
            if batch.is_empty() {
                break;
            }
            for value in batch {
                let mut row = typed_row(table.name, value, &info)?;
                if let Some(column) = table.file
                    && let Some(Cell::Text(sha)) = row.get(column)
                {
                    if !declared.contains_key(sha.as_str()) {
                        return Err(archive_error(format!(
                            "{} 的一行指向清单之外的文件 {sha}，已拒绝导入",
                            table.name
                        )));
                    }
                    named_files.insert(sha.clone());
                }
                let old_id = table.id.and_then(|c| match row.get(c) {
                    Some(Cell::Int(i)) => Some(*i),
                    _ => None,
                });
                for (column, target) in table.refs {
                    let Some(Cell::Int(old)) = row.get(*column).cloned() else {
                        continue;
                    };
                    if table.self_ref(column) {
                        // Filled in once every row of the table has its new id.
                        later.push((old_id.unwrap_or(0), column, old));
                        row.insert((*column).to_owned(), Cell::Null);
                        continue;
                    }
                    match ids.get(target).and_then(|m| m.get(&old)).copied() {
                        Some(new) => {
                            row.insert((*column).to_owned(), Cell::Int(new));
                        }
                        None => {
                            let nullable = info.iter().any(|c| c.name == *column && c.nullable);
                            if !nullable {
                                return Err(refused(format!(
                                    "{} 的一行的 {column} 指向迁移文件之外的数据（{target} {old}）",
                                    table.name
                                )));
                            }
                            row.insert((*column).to_owned(), Cell::Null);
                            *cleared
                                .entry(format!("{}.{column}", table.name))
                                .or_default() += 1;
                        }
                    }
                }
                let new_id = insert(&mut tx, table, &info, &row).await?;
                if let (Some(old), Some(new)) = (old_id, new_id) {
                    map.insert(old, new);
                }
                done += 1;
            }
        }
        drop(batches);
        for (old_id, column, old_target) in later {
            let (Some(&id), Some(&target)) = (map.get(&old_id), map.get(&old_target)) else {
                *cleared
                    .entry(format!("{}.{column}", table.name))
                    .or_default() += 1;
                continue;
            };
            let Some(id_column) = table.id else { continue };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {} SET {column} = $1 WHERE {id_column} = $2",
                table.name
            )))
            .bind(target)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        ids.insert(table.name, map);
    }
    let site_id: i64 =
        sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1 AND parent_id IS NULL")
            .bind(&manifest.site_code)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| archive_error("迁移文件中没有清单所记的站点机构"))?;
    rewrite_file_links(&mut tx, &ids).await?;
    let codes: HashSet<String> =
        sqlx::query_scalar("SELECT code FROM organisations WHERE site_id = $1")
            .bind(site_id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    done += import_settings(&mut tx, &mut archive, &manifest, &codes).await?;
    // The audit segment, checked entry by entry against the manifest's digest.
    progress(Progress {
        done,
        total,
        stage: "audit",
    });
    let mut digest = SegmentDigest::default();
    let mut batches = archive.batches(AUDIT, manifest.audit.entries)?;
    loop {
        let batch = batches.next_batch()?;
        if batch.is_empty() {
            break;
        }
        for value in batch {
            let e: AuditEntry = serde_json::from_value(value)
                .map_err(|e| archive_error(format!("{AUDIT}：{e}")))?;
            digest
                .add(&e)
                .map_err(|e| archive_error(format!("审计记录未通过校验，已拒绝导入：{e}")))?;
            sqlx::query(
                "INSERT INTO imported_audit (site_id, segment, seq, at, actor, action, object_type,
                    object_id, detail, ip, prev_hash, hash, mac)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(site_id)
            .bind(&manifest.audit.digest)
            .bind(e.seq)
            .bind(&e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.object_type)
            .bind(&e.object_id)
            .bind(&e.detail)
            .bind(&e.ip)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(&e.mac)
            .execute(&mut *tx)
            .await?;
            done += 1;
        }
    }
    drop(batches);
    if digest.finish() != manifest.audit.digest {
        return Err(archive_error(
            "审计记录与清单所记的摘要不符（记录被改动、删除或调换），已拒绝导入",
        ));
    }
    // The files the rows name, streamed and checked (a file no row names is not taken).
    for sha in &named_files {
        progress(Progress {
            done,
            total,
            stage: "files",
        });
        let size = declared.get(sha.as_str()).copied().unwrap_or(0);
        let entry = archive
            .zip
            .by_name(&format!("files/{sha}"))
            .map_err(|e| archive_error(format!("缺少 files/{sha}（{e}）")))?;
        blobs::put_checked(&mut tx, engine, data_dir, sha, size, entry.take(size + 1))
            .await
            .map_err(|e| archive_error(format!("files/{sha} 与清单不符，已拒绝导入（{e}）")))?;
        done += 1;
    }
    progress(Progress {
        done,
        total,
        stage: "feed",
    });
    // Every node's search index and kept pages follow the new rows.
    for (kind, table) in [
        ("record", "records"),
        ("message", "messages"),
        ("consultation", "consultations"),
    ] {
        if let Some(map) = ids.get(table) {
            let mut new: Vec<i64> = map.values().copied().collect();
            new.sort_unstable();
            for id in new {
                feed::emit(&mut tx, kind, &id.to_string(), "import").await?;
            }
        }
    }
    feed::emit(&mut tx, "site", &manifest.site_code, "import").await?;
    let mut cleared: Vec<(String, u64)> = cleared.into_iter().collect();
    cleared.sort();
    audit::Change::new("site.import", "organisation", manifest.site_code.clone())
        .in_org(site_id)
        .with_detail(serde_json::json!({
            "archive_sha256": archive_sha256,
            "source_version": manifest.gongkai_version,
            "created_at": manifest.created_at,
            "rows": manifest.tables.iter().map(|t| t.rows).sum::<u64>(),
            "files": named_files.len(),
            "audit_entries": manifest.audit.entries,
            "audit_digest": manifest.audit.digest,
            "source_head": manifest.audit.source_head,
            "source_chain_intact": manifest.audit.source_chain_intact,
        }))
        .commit(tx, store, actor)
        .await?;
    progress(Progress {
        done: total,
        total,
        stage: "done",
    });
    Ok(Imported {
        manifest,
        site_id,
        cleared,
        archive_sha256,
    })
}

/// Refuses an archive whose organisation codes, user names or host names this deployment
/// already uses, naming them.
async fn check_free(store: &Store, archive: &mut ArchiveReader, manifest: &Manifest) -> Result<()> {
    let checks = [
        ("organisations", "code", "机构代码"),
        ("users", "username", "用户名"),
        ("site_hosts", "host", "域名"),
    ];
    for (table, column, what) in checks {
        let Some(rows) = manifest.rows_of(table) else {
            continue;
        };
        let mut values = Vec::new();
        archive.lines(&format!("tables/{table}.jsonl"), rows, |v| {
            if let Some(s) = v.get(column).and_then(Value::as_str) {
                values.push(s.to_owned());
            }
            Ok(())
        })?;
        let mut clashes = Vec::new();
        for chunk in values.chunks(500) {
            let mut q =
                crate::sql::Sql::new(format!("SELECT {column} FROM {table} WHERE {column} IN "));
            q.text_list(chunk.iter().cloned());
            for r in &q.query().fetch_all(store.pool()).await? {
                clashes.push(r.try_get::<String, _>(0)?);
            }
        }
        if clashes.is_empty() {
            continue;
        }
        clashes.sort();
        let shown: Vec<&str> = clashes.iter().take(20).map(String::as_str).collect();
        let more = if clashes.len() > 20 {
            format!(" 等 {} 个", clashes.len())
        } else {
            String::new()
        };
        let hint = if table == "organisations" && clashes.contains(&manifest.site_code) {
            format!("本部署已有站点 {}；", manifest.site_code)
        } else {
            String::new()
        };
        return Err(refused(format!(
            "{hint}{what}已在本部署中使用：{}{more}。请先在原部署或本部署中更改后再导入",
            shown.join("、")
        )));
    }
    Ok(())
}

/// One row of `table` from the archive, each value checked against the column's type here.
fn typed_row(table: &str, value: Value, info: &[ColumnInfo]) -> Result<HashMap<String, Cell>> {
    let Value::Object(object) = value else {
        return Err(archive_error(format!("{table} 的一行不是对象")));
    };
    let mut row = HashMap::new();
    for (name, value) in object {
        // A column is named only if this database has it, so no name from the archive ever
        // reaches an SQL statement unchecked.
        let Some(column) = info.iter().find(|c| c.name == name) else {
            return Err(refused(format!(
                "{table} 的列 {name} 在本部署中不存在：请先升级本部署的 gongkai"
            )));
        };
        let cell = match (value, column.integer) {
            (Value::Null, _) => Cell::Null,
            (Value::Number(n), true) => Cell::Int(
                n.as_i64()
                    .ok_or_else(|| archive_error(format!("{table}.{name} 不是整数")))?,
            ),
            (Value::String(s), false) => Cell::Text(s),
            (Value::Number(n), false) => Cell::Text(n.to_string()),
            _ => return Err(archive_error(format!("{table}.{name} 的值类型不符"))),
        };
        row.insert(name, cell);
    }
    Ok(row)
}

/// Inserts one row (without its old id); returns the new id when the table has one.
async fn insert(
    tx: &mut Tx,
    table: &Table,
    info: &[ColumnInfo],
    row: &HashMap<String, Cell>,
) -> Result<Option<i64>> {
    let columns: Vec<&ColumnInfo> = info
        .iter()
        .filter(|c| Some(c.name.as_str()) != table.id && row.contains_key(&c.name))
        .collect();
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        names.join(", "),
        marks.join(", ")
    );
    if let Some(id) = table.id {
        sql.push_str(&format!(" RETURNING {id}"));
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for c in &columns {
        q = match (row.get(&c.name), c.integer) {
            (Some(Cell::Int(i)), _) => q.bind(*i),
            (Some(Cell::Text(t)), _) => q.bind(t.clone()),
            (_, true) => q.bind(None::<i64>),
            (_, false) => q.bind(None::<String>),
        };
    }
    let unique = |e: sqlx::Error| -> StoreError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => refused(format!(
                "{} 中有一行与本部署已有的数据重复（{}），已拒绝导入",
                table.name,
                d.message()
            )),
            _ => StoreError::Database(e),
        }
    };
    if table.id.is_some() {
        let row = q.fetch_one(&mut **tx).await.map_err(unique)?;
        Ok(Some(row.try_get::<i64, _>(0)?))
    } else {
        q.execute(&mut **tx).await.map_err(unique)?;
        Ok(None)
    }
}

/// Links to attachments inside record bodies (`href="/files/<id>/…"`, `src=…`) name the new
/// ids: in the records, their pending corrections and their kept revisions.
async fn rewrite_file_links(
    tx: &mut Tx,
    ids: &HashMap<&'static str, HashMap<i64, i64>>,
) -> Result<()> {
    let (Some(records), Some(files)) = (ids.get("records"), ids.get("attachments")) else {
        return Ok(());
    };
    if files.is_empty() {
        return Ok(());
    }
    for table in ["records", "record_corrections", "record_revisions"] {
        let key = if table == "records" {
            "id"
        } else {
            "record_id"
        };
        for &record in records.values() {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT id, body_html FROM {table} WHERE {key} = $1"
            )))
            .bind(record)
            .fetch_all(&mut **tx)
            .await?;
            for row in rows {
                let id: i64 = row.try_get("id")?;
                let body: String = row.try_get("body_html")?;
                if !body.contains("/files/") {
                    continue;
                }
                let rewritten = rewrite_links(&body, files);
                if rewritten != body {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE {table} SET body_html = $1 WHERE id = $2"
                    )))
                    .bind(rewritten)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// `href="/files/<old id>/` (and `src=`, with either quote) becomes the new id for every
/// attachment id in `map`; other paths and other sites' addresses stay as they are.
fn rewrite_links(body: &str, map: &HashMap<i64, i64>) -> String {
    const OPENERS: [&str; 4] = [
        "href=\"/files/",
        "src=\"/files/",
        "href='/files/",
        "src='/files/",
    ];
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let next = OPENERS
            .iter()
            .filter_map(|o| rest.find(o).map(|at| (at, o.len())))
            .min();
        let Some((at, len)) = next else { break };
        let (before, after) = rest.split_at(at + len);
        out.push_str(before);
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let mapped = after[..digits]
            .parse::<i64>()
            .ok()
            .filter(|_| after[digits..].starts_with('/'))
            .and_then(|old| map.get(&old));
        match mapped {
            Some(new) => out.push_str(&new.to_string()),
            None => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// The site's settings and its region's calendar years; returns the rows read. Only keys that
/// name one of the imported organisations' codes as a part are taken (an archive never changes
/// another site's or the deployment's settings), and only the calendar of the region the site's
/// own `region.<code>` names, where this deployment does not hold that year already.
async fn import_settings(
    tx: &mut Tx,
    archive: &mut ArchiveReader,
    manifest: &Manifest,
    codes: &HashSet<String>,
) -> Result<u64> {
    let mut read = 0_u64;
    let mut region = None;
    if let Some(n) = manifest.rows_of("settings") {
        let mut batches = archive.batches("tables/settings.jsonl", n)?;
        loop {
            let batch = batches.next_batch()?;
            if batch.is_empty() {
                break;
            }
            for v in batch {
                let key = v.get("key").and_then(Value::as_str);
                let value = v.get("value").and_then(Value::as_str);
                let (Some(key), Some(value)) = (key, value) else {
                    return Err(archive_error("settings 的一行缺少 key 或 value"));
                };
                if !key.split('.').any(|part| codes.contains(part)) {
                    return Err(archive_error(format!(
                        "设置 {key} 不属于迁入的站点，已拒绝导入"
                    )));
                }
                if key == format!("region.{}", manifest.site_code) {
                    region = Some(value.to_owned());
                }
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut **tx)
                .await?;
                read += 1;
            }
        }
    }
    if let Some(n) = manifest.rows_of("calendar_years") {
        let mut batches = archive.batches("tables/calendar_years.jsonl", n)?;
        loop {
            let batch = batches.next_batch()?;
            if batch.is_empty() {
                break;
            }
            for v in batch {
                let scope = v.get("scope").and_then(Value::as_str);
                let year = v.get("year").and_then(Value::as_i64);
                let data = v.get("data").and_then(Value::as_str);
                let updated = v.get("updated_at").and_then(Value::as_str);
                let (Some(scope), Some(year), Some(data), Some(updated)) =
                    (scope, year, data, updated)
                else {
                    return Err(archive_error("calendar_years 的一行不完整"));
                };
                if region.as_deref() != Some(scope) {
                    return Err(archive_error(format!(
                        "节假日数据 {scope} 不是迁入站点所在地区的，已拒绝导入"
                    )));
                }
                sqlx::query(
                    "INSERT INTO calendar_years (scope, year, data, updated_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (scope, year) DO NOTHING",
                )
                .bind(scope)
                .bind(year)
                .bind(data)
                .bind(updated)
                .execute(&mut **tx)
                .await?;
                read += 1;
            }
        }
    }
    Ok(read)
}

/// One imported audit segment of a site, checked again against the `site.import` entry that
/// brought it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSegment {
    /// The segment's digest.
    pub digest: String,
    /// Entries held.
    pub entries: u64,
    /// Whether the segment is whole: every entry still matches its hash, the entries sum to
    /// the digest, their number is the one the import recorded, they belong to the site the
    /// import was for, and an import recorded it at all.
    pub intact: bool,
}

/// Checks every imported audit segment: one for each `site.import` entry that carried entries
/// (of this chain, or carried itself in an earlier site's history), and any segment no import
/// names (which is not intact). A segment deleted, shortened, changed or moved to another site
/// is found.
pub async fn verify_imported(store: &Store) -> Result<Vec<ImportedSegment>> {
    let mut anchors: Vec<(String, u64, Option<i64>)> = Vec::new();
    let rows = sqlx::query(
        "SELECT detail, site_id FROM audit_log WHERE action = 'site.import'
         UNION ALL SELECT detail, site_id FROM imported_audit WHERE action = 'site.import'",
    )
    .fetch_all(store.pool())
    .await?;
    for row in &rows {
        let detail: String = row.try_get("detail")?;
        let site: Option<i64> = row.try_get("site_id")?;
        let Ok(v) = serde_json::from_str::<Value>(&detail) else {
            continue;
        };
        let entries = v.get("audit_entries").and_then(Value::as_u64).unwrap_or(0);
        if let (Some(digest), true) = (v.get("audit_digest").and_then(Value::as_str), entries > 0) {
            anchors.push((digest.to_owned(), entries, site));
        }
    }
    let held: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT segment FROM imported_audit ORDER BY segment")
            .fetch_all(store.pool())
            .await?;
    let mut out = Vec::new();
    for (digest, expected, site) in &anchors {
        let (count, sum, sites) = sum_segment(store, digest).await?;
        // The import entry belongs to the site it brought (a carried one is kept under the
        // same site as the entries it anchors).
        let site_ok = site.is_some_and(|s| sites.iter().all(|x| *x == s));
        out.push(ImportedSegment {
            digest: digest.clone(),
            entries: count,
            intact: count == *expected && sum == *digest && site_ok,
        });
    }
    for segment in held.iter().filter(|h| !anchors.iter().any(|a| &a.0 == *h)) {
        let (count, _, _) = sum_segment(store, segment).await?;
        out.push(ImportedSegment {
            digest: segment.clone(),
            entries: count,
            intact: false,
        });
    }
    Ok(out)
}

/// The entries of a segment: how many, their digest (a changed entry breaks it), and the sites
/// they are kept under.
async fn sum_segment(store: &Store, segment: &str) -> Result<(u64, String, Vec<i64>)> {
    let mut digest = SegmentDigest::default();
    let mut broken = false;
    let mut after = i64::MIN;
    let mut sites = BTreeSet::new();
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object_type, object_id, detail, ip, prev_hash, hash,
                mac, site_id FROM imported_audit WHERE segment = $1 AND seq > $2
             ORDER BY seq LIMIT 1000",
        )
        .bind(segment)
        .bind(after)
        .fetch_all(store.pool())
        .await?;
        for row in &rows {
            let entry = <AuditEntry as crate::sql::FromRow>::from_row(row)?;
            sites.insert(row.try_get::<i64, _>("site_id")?);
            after = entry.seq;
            broken |= digest.add(&entry).is_err();
        }
        if rows.len() < 1000 {
            break;
        }
    }
    let sum = if broken {
        String::new()
    } else {
        digest.finish()
    };
    Ok((digest.count(), sum, sites.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_links_in_bodies_follow_their_new_ids() {
        let map = HashMap::from([(3, 41), (12, 7)]);
        assert_eq!(
            rewrite_links(
                r#"<a href="/files/3/a.pdf">a</a> <img src='/files/12/b.png'>"#,
                &map
            ),
            r#"<a href="/files/41/a.pdf">a</a> <img src='/files/7/b.png'>"#
        );
        // Unknown ids, ids without a following slash, other paths and other sites stay.
        for body in [
            r#"<a href="/files/99/x">"#,
            r#"<a href="/files/3">"#,
            r#"<a href="/ysqgk/files/3/x">"#,
            r#"<a href="https://example.org/files/3/x">"#,
            "正文 /files/3/ 不是链接",
        ] {
            assert_eq!(rewrite_links(body, &map), body);
        }
    }
}
