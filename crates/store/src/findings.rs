//! Audit reports and 督查 notices with their findings (`gongkai_domain::finding`): kept per site;
//! each finding's rectification steps (未整改 → 整改中 → 已整改) are public as they are taken.
//! Every change is one write transaction with its audit entry and an `audit_report` row on the
//! change feed, so the page cache and the search index follow.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::finding::{FindingSource, FindingStatus, FindingStep, NewAuditReport};
use serde::Serialize;

use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, Tx, audit, column, feed, now, ts};

/// An audit report or inspection notice as stored, with its organisation's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Database id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: i64,
    /// The organisation it concerns (the audited body, or the one that inspected).
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Audit or inspection.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub source: FindingSource,
    /// Its title.
    pub title: String,
    /// Its year.
    pub year: i64,
    /// Its summary.
    pub summary: String,
    /// The published record of the report itself, when linked.
    pub record_id: Option<i64>,
    /// Last change.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub updated_at: DateTime<Utc>,
}

column::from_row!(AuditReport => id, site_id, org_id, org_name, source, title, year, summary,
    record_id, updated_at);

const SELECT: &str = "SELECT a.id, a.site_id, a.org_id, o.name AS org_name, a.source, a.title, \
     a.year, a.summary, a.record_id, a.updated_at FROM audit_reports a \
     JOIN organisations o ON o.id = a.org_id";

/// A finding with its rectification so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Database id.
    pub id: i64,
    /// Its report.
    pub audit_report_id: i64,
    /// The responsible organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// The problem found.
    pub title: String,
    /// The rectification deadline.
    pub deadline: NaiveDate,
    /// How far rectification has come.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: FindingStatus,
    /// The rectification measures.
    pub measures: String,
    /// The evidence, in words.
    pub evidence: String,
    /// A published record given as evidence.
    pub evidence_record_id: Option<i64>,
    /// The accountability taken.
    pub accountability: String,
    /// Last change.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub updated_at: DateTime<Utc>,
}

column::from_row!(Finding => id, audit_report_id, org_id, org_name, title, deadline, status,
    measures, evidence, evidence_record_id, accountability, updated_at);

const FINDINGS: &str = "SELECT f.id, f.audit_report_id, f.org_id, o.name AS org_name, f.title, \
     f.deadline, f.status, f.measures, f.evidence, f.evidence_record_id, f.accountability, \
     f.updated_at FROM findings f JOIN organisations o ON o.id = f.org_id";

/// Writes the audit entry and the feed row of a change to report `id`, and commits.
async fn finish(
    mut tx: Tx,
    store: &Store,
    actor: &Actor,
    change: audit::Change<'_>,
    org_id: i64,
    id: i64,
) -> Result<()> {
    sqlx::query("UPDATE audit_reports SET updated_at = $1 WHERE id = $2")
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    feed::emit(&mut tx, "audit_report", &id.to_string(), change.action).await?;
    change.in_org(org_id).commit(tx, store, actor).await
}

/// Records `new` on the site `site_id` for the organisation `org_id`, with its published
/// record `record_id` if given; audited as `audit_report.create`. Returns its id.
pub async fn create_report(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    org_id: i64,
    new: &NewAuditReport,
    record_id: Option<i64>,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_reports (site_id, org_id, source, title, year, summary, record_id,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(site_id)
    .bind(org_id)
    .bind(new.source.code())
    .bind(&new.title)
    .bind(i64::from(new.year))
    .bind(&new.summary)
    .bind(record_id)
    .bind(&actor.name)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new("audit_report.create", "audit_report", id.to_string())
        .with_detail(serde_json::json!({
            "source": new.source.code(), "title": new.title, "year": new.year,
        }));
    finish(tx, store, actor, change, org_id, id).await?;
    Ok(id)
}

/// The report `id`.
pub async fn get_report(store: &Store, id: i64) -> Result<AuditReport> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE a.id = ").int(id);
    sql::one(q.query(), store.pool(), "该报告").await
}

/// The reports of the site `site_id` (of `year` if given), newest first.
pub async fn list_reports(
    store: &Store,
    site_id: i64,
    year: Option<i32>,
) -> Result<Vec<AuditReport>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE a.site_id = ").int(site_id);
    if let Some(year) = year {
        q.push(" AND a.year = ").int(i64::from(year));
    }
    q.push(" ORDER BY a.year DESC, a.id DESC");
    sql::all(q.query(), store.pool()).await
}

/// Adds a finding `title` with its `deadline` to report `id`, the organisation `org_id`
/// responsible; it starts 未整改. Audited as `audit_report.finding_add`. Returns its id.
pub async fn add_finding(
    store: &Store,
    actor: &Actor,
    id: i64,
    org_id: i64,
    title: &str,
    deadline: NaiveDate,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let mut q = Sql::new(SELECT);
    q.push(" WHERE a.id = ").int(id);
    let report: AuditReport = sql::one(q.query(), &mut *tx, "该报告").await?;
    let at = ts(now());
    let finding: i64 = sqlx::query_scalar(
        "INSERT INTO findings (audit_report_id, org_id, title, deadline, status, created_at,
            updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(id)
    .bind(org_id)
    .bind(title)
    .bind(deadline.to_string())
    .bind(FindingStatus::Open.code())
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new("audit_report.finding_add", "audit_report", id.to_string())
        .with_detail(serde_json::json!({
            "finding": finding, "title": title, "deadline": deadline.to_string(),
        }));
    finish(tx, store, actor, change, report.org_id, id).await?;
    Ok(finding)
}

/// The findings of report `id`, in the order they were added.
pub async fn findings(store: &Store, id: i64) -> Result<Vec<Finding>> {
    let mut q = Sql::new(FINDINGS);
    q.push(" WHERE f.audit_report_id = ")
        .int(id)
        .push(" ORDER BY f.id");
    sql::all(q.query(), store.pool()).await
}

/// The finding `id`.
pub async fn get_finding(store: &Store, id: i64) -> Result<Finding> {
    let mut q = Sql::new(FINDINGS);
    q.push(" WHERE f.id = ").int(id);
    sql::one(q.query(), store.pool(), "该整改事项").await
}

/// Records a rectification `step` on finding `id` (checked by the domain: 已整改 only with
/// measures and evidence), with `evidence_record_id` if a published record is its evidence.
/// Audited as `audit_report.finding_step` with the status before and after.
pub async fn step_finding(
    store: &Store,
    actor: &Actor,
    id: i64,
    step: &FindingStep,
    evidence_record_id: Option<i64>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let mut q = Sql::new(FINDINGS);
    q.push(" WHERE f.id = ").int(id);
    let before: Finding = sql::one(q.query(), &mut *tx, "该整改事项").await?;
    sqlx::query(
        "UPDATE findings SET status = $1, measures = $2, evidence = $3, evidence_record_id = $4,
            accountability = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(step.status.code())
    .bind(&step.measures)
    .bind(&step.evidence)
    .bind(evidence_record_id.or(before.evidence_record_id))
    .bind(&step.accountability)
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let report = before.audit_report_id;
    let change = audit::Change::new(
        "audit_report.finding_step",
        "audit_report",
        report.to_string(),
    )
    .with_detail(serde_json::json!({
        "finding": id, "from": before.status.code(), "to": step.status.code(),
        "evidence_record": evidence_record_id,
    }));
    finish(tx, store, actor, change, before.org_id, report).await
}

/// Up to `limit` report ids after `after`: every report is public, for rebuilding the index.
pub async fn searchable_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM audit_reports WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(store.pool())
            .await?,
    )
}
