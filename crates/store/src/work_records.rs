//! Work records (工作台账, `gongkai_domain::work_record`): kept per site, each with its file in the
//! blob store and, for training, attendees by organisation; added once and audited.

use gongkai_domain::work_record::{NewWorkRecord, WorkKind};
use serde::Serialize;

use crate::cases::AttachedFile;
use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, audit, column, now, ts};

/// A work record as stored, with its attendance totalled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkRecord {
    /// Database id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: i64,
    /// The organisation that held it.
    pub org_id: i64,
    /// Its kind.
    pub kind: WorkKind,
    /// The day it was held (`YYYY-MM-DD`).
    pub held_on: String,
    /// Its topic.
    pub topic: String,
    /// Who chaired it (meetings).
    pub chair: String,
    /// What it decided (meetings).
    pub decisions: String,
    /// Its file's hash, name, type code and size.
    pub file_sha256: String,
    /// The file's original name.
    pub file_name: String,
    /// The file's type code.
    pub file_kind: String,
    /// The file's size in bytes.
    pub file_size: i64,
    /// Who recorded it.
    pub created_by: String,
    /// How many attended, over every organisation (training; 0 for meetings).
    pub attendees: i64,
}

column::from_row!(WorkRecord => id, site_id, org_id, kind, held_on, topic, chair, decisions,
    file_sha256, file_name, file_kind, file_size, created_by, attendees);

const SELECT: &str = "SELECT w.id, w.site_id, w.org_id, w.kind, w.held_on, w.topic, w.chair, \
     w.decisions, w.file_sha256, w.file_name, w.file_kind, w.file_size, w.created_by, \
     CAST(COALESCE((SELECT SUM(a.attendees) FROM work_record_attendance a \
     WHERE a.work_record_id = w.id), 0) AS BIGINT) AS attendees FROM work_records w";

/// Records `new`, held by `org_id` on the site `site_id`, with its stored `file`; audited as
/// `work_record.create`. Returns its id.
pub async fn add(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    org_id: i64,
    new: &NewWorkRecord,
    file: &AttachedFile,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_records (site_id, org_id, kind, held_on, topic, chair, decisions,
            file_sha256, file_name, file_kind, file_size, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(site_id)
    .bind(org_id)
    .bind(new.kind.code())
    .bind(new.held_on.to_string())
    .bind(&new.topic)
    .bind(&new.chair)
    .bind(&new.decisions)
    .bind(&file.sha256)
    .bind(&file.file_name)
    .bind(&file.kind)
    .bind(file.size_bytes)
    .bind(&actor.name)
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    for (attending, n) in &new.attendance {
        sqlx::query(
            "INSERT INTO work_record_attendance (work_record_id, org_id, attendees) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(*attending)
        .bind(i64::from(*n))
        .execute(&mut *tx)
        .await?;
    }
    let attendees: u32 = new.attendance.iter().map(|(_, n)| n).sum();
    audit::Change::new("work_record.create", "work_record", id.to_string())
        .with_detail(serde_json::json!({
            "kind": new.kind.code(), "held_on": new.held_on.to_string(), "topic": new.topic,
            "attendees": attendees, "file": file.file_name,
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

/// The work records of the site `site_id` held in `year`, newest first.
pub async fn list(store: &Store, site_id: i64, year: i32) -> Result<Vec<WorkRecord>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE w.site_id = ")
        .int(site_id)
        .push(" AND w.held_on >= ")
        .text(format!("{year:04}-01-01"))
        .push(" AND w.held_on <= ")
        .text(format!("{year:04}-12-31"))
        .push(" ORDER BY w.held_on DESC, w.id DESC");
    sql::all(q.query(), store.pool()).await
}

/// The work record `id`.
pub async fn get(store: &Store, id: i64) -> Result<WorkRecord> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE w.id = ").int(id);
    sql::one(q.query(), store.pool(), "工作台账").await
}

/// A training session's attendance: organisation names and counts, in organisation order.
pub async fn attendance(store: &Store, id: i64) -> Result<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT o.name, a.attendees FROM work_record_attendance a
         JOIN organisations o ON o.id = a.org_id WHERE a.work_record_id = $1 ORDER BY o.code",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows)
}
