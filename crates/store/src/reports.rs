//! The statutory annual report (年度报告): section 三 counted from the applications table, and
//! the stored report of an organisation and year (hand entries; once published, section 三 as
//! counted then).
//!
//! The counting rule is the domain's ([`ApplicationFacts::placement`]); this module only reads
//! the facts each application contributes: its applicant kind, its received date and its reply
//! date and outcome (Beijing dates, as stored).

use chrono::{NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{ApplicantKind, Outcome};
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::record::{RecordKind, Validity, Visibility};
use gongkai_domain::report::{ApplicationFacts, ApplicationsTable, DocumentFacts, HandEntries};
use serde::Serialize;
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError, audit, column, now, orgs, records, sql, ts};

/// The deepest organisation tree walked for an aggregated report (county → department →
/// office is three levels; the bound guards against a cycle).
const MAX_DEPTH: usize = 8;

/// The organisation `id` and every organisation below it, itself first.
pub async fn subtree(store: &Store, id: i64) -> Result<Vec<i64>> {
    let mut out = vec![id];
    let mut level = vec![id];
    for _ in 0..MAX_DEPTH {
        if level.is_empty() {
            break;
        }
        let mut q = sql::Sql::new("SELECT id FROM organisations WHERE parent_id IN ");
        q.int_list(level.iter().copied()).push(" ORDER BY id");
        let rows = q.query().fetch_all(store.pool()).await?;
        level = rows
            .iter()
            .map(|r| r.try_get::<i64, _>("id"))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        level.retain(|c| !out.contains(c));
        out.extend(&level);
    }
    Ok(out)
}

/// What every application of the organisations `org_ids` that can count in `year`'s report
/// contributes: those received by 31 December of the year and not replied before 1 January of
/// the year (an application replied before the year counts nowhere in its table).
pub async fn application_facts(
    store: &Store,
    org_ids: &[i64],
    year: i32,
) -> Result<Vec<ApplicationFacts>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).map(|d| d.to_string());
    let end = NaiveDate::from_ymd_opt(year, 12, 31).map(|d| d.to_string());
    let (Some(start), Some(end)) = (start, end) else {
        return Ok(Vec::new());
    };
    let mut q = sql::Sql::new(
        "SELECT applicant_kind, received_on, replied_on, outcome FROM applications WHERE org_id IN ",
    );
    q.int_list(org_ids.iter().copied())
        .push(" AND received_on <= ")
        .text(end)
        .push(" AND (replied_on IS NULL OR replied_on >= ")
        .text(start)
        .push(") ORDER BY id");
    sql::all_in(org_ids, &q, store.pool()).await
}

impl sql::FromRow for ApplicationFacts {
    fn from_row(r: &impl column::Cells) -> Result<Self> {
        let kind = column::code(r, "applicant_kind", ApplicantKind::parse)?;
        let received_on = column::date(r, "received_on")?;
        let replied_on = column::opt_date(r, "replied_on")?;
        let outcome = column::opt_code(r, "outcome", Outcome::parse)?;
        let reply = replied_on.zip(outcome);
        Ok(ApplicationFacts { kind, received_on, reply })
    }
}

/// What every published 行政规范性文件 of the organisations `org_ids` the public may see at `at`
/// contributes to section 二: the Beijing date it was made (成文日期, or the publication day when
/// none is recorded) and its 有效性 with the date that changed. Records of other kinds, drafts and
/// withdrawn records count nowhere.
pub async fn document_facts(
    store: &Store,
    org_ids: &[i64],
    at: chrono::DateTime<Utc>,
) -> Result<Vec<DocumentFacts>> {
    let mut q = sql::Sql::new(
        "SELECT r.written_on, r.published_at, r.validity, r.validity_changed_on FROM records r WHERE r.org_id IN ",
    );
    q.int_list(org_ids.iter().copied())
        .push(" AND r.kind = ")
        .text(RecordKind::Normative.code());
    records::push_visibility(&mut q, Visibility::LISTED, at);
    q.push(" ORDER BY r.id");
    sql::all_in(org_ids, &q, store.pool()).await
}

impl sql::FromRow for DocumentFacts {
    fn from_row(r: &impl column::Cells) -> Result<Self> {
        let written_on = column::opt_date(r, "written_on")?;
        let published_at = column::opt_timestamp(r, "published_at")?;
        let made_on = written_on
            .or_else(|| published_at.map(gongkai_domain::time::beijing_date))
            .ok_or_else(|| StoreError::Corrupt("规范性文件没有成文日期和发布时间".to_owned()))?;
        Ok(DocumentFacts {
            made_on,
            validity: column::code(r, "validity", Validity::parse)?,
            changed_on: column::opt_date(r, "validity_changed_on")?,
        })
    }
}

/// Section 三 of `year` for the organisations `org_ids`, counted from the applications.
pub async fn count_applications(
    store: &Store,
    org_ids: &[i64],
    year: i32,
) -> Result<ApplicationsTable> {
    let facts = application_facts(store, org_ids, year).await?;
    Ok(ApplicationsTable::count(year, &facts))
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReport {
    /// Row id.
    pub id: i64,
    /// The organisation.
    pub org_id: i64,
    /// The report year.
    pub year: i32,
    /// What staff entered.
    pub entries: HandEntries,
    /// Section 三 as published; none while a draft.
    pub published_table: Option<ApplicationsTable>,
    /// Why it was published after its due date (empty when on time).
    pub late_reason: String,
    /// When it was published.
    pub published_at: Option<chrono::DateTime<Utc>>,
    /// Who published it.
    pub published_by: String,
    /// The record in 政府信息公开年报 its publication made.
    pub record_id: Option<i64>,
    /// Last change.
    pub updated_at: chrono::DateTime<Utc>,
}

impl StoredReport {
    /// Whether it is published.
    pub fn is_published(&self) -> bool {
        self.published_table.is_some()
    }
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("年度报告内容：{e}"))
}

fn read(r: &sqlx::any::AnyRow) -> Result<StoredReport> {
    let entries: String = r.try_get("entries")?;
    let table: Option<String> = r.try_get("applications")?;
    let year: i64 = r.try_get("year")?;
    Ok(StoredReport {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        year: i32::try_from(year).map_err(|_| StoreError::Corrupt(format!("年度“{year}”")))?,
        entries: serde_json::from_str(&entries).map_err(json_err)?,
        published_table: table
            .map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(json_err)?,
        late_reason: r.try_get("late_reason")?,
        published_at: column::opt_timestamp(r, "published_at")?,
        published_by: r.try_get("published_by")?,
        record_id: r.try_get("record_id")?,
        updated_at: column::timestamp(r, "updated_at")?,
    })
}

/// The report of an organisation and year, if one was saved.
pub async fn get(store: &Store, org_id: i64, year: i32) -> Result<Option<StoredReport>> {
    let row = sqlx::query("SELECT * FROM annual_reports WHERE org_id = $1 AND year = $2")
        .bind(org_id)
        .bind(i64::from(year))
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(read).transpose()
}

/// The years an organisation has a saved report for, newest first, with whether each is
/// published.
pub async fn years(store: &Store, org_id: i64) -> Result<Vec<(i32, bool)>> {
    let rows =
        sqlx::query("SELECT year, status FROM annual_reports WHERE org_id = $1 ORDER BY year DESC")
            .bind(org_id)
            .fetch_all(store.pool())
            .await?;
    rows.iter()
        .map(|r| {
            let year: i64 = r.try_get("year")?;
            let status: String = r.try_get("status")?;
            Ok((
                i32::try_from(year).map_err(|_| StoreError::Corrupt(format!("年度“{year}”")))?,
                status == "published",
            ))
        })
        .collect()
}

async fn status_in(tx: &mut crate::Tx, org_id: i64, year: i32) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT status FROM annual_reports WHERE org_id = $1 AND year = $2")
            .bind(org_id)
            .bind(i64::from(year))
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Opens the draft of an organisation's report of `year` inside the write transaction: creates
/// it with `entries` (or empty ones) if there is none, replaces its entries when `entries` is
/// given; refused once the report is published.
async fn write_draft(
    tx: &mut crate::Tx,
    org_id: i64,
    year: i32,
    entries: Option<&HandEntries>,
    at: &str,
) -> Result<()> {
    let json = entries
        .map(serde_json::to_string)
        .transpose()
        .map_err(json_err)?;
    match status_in(tx, org_id, year).await?.as_deref() {
        Some("published") => Err(StoreError::conflict(ErrorCode::ReportAlreadyPublished)),
        Some(_) => {
            if let Some(json) = json {
                sqlx::query(
                    "UPDATE annual_reports SET entries = $1, updated_at = $2 WHERE org_id = $3 AND year = $4",
                )
                .bind(json)
                .bind(at)
                .bind(org_id)
                .bind(i64::from(year))
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }
        None => {
            let json = match json {
                Some(j) => j,
                None => serde_json::to_string(&HandEntries::default()).map_err(json_err)?,
            };
            sqlx::query(
                "INSERT INTO annual_reports (org_id, year, entries, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(org_id)
            .bind(i64::from(year))
            .bind(json)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
    }
}

/// Saves what staff entered for an organisation's report of `year` (creating the draft),
/// audited; refused once the report is published.
pub async fn save_entries(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    year: i32,
    entries: &HandEntries,
) -> Result<()> {
    let org = orgs::by_id(store, org_id).await?;
    let mut tx = store.begin_write().await?;
    write_draft(&mut tx, org_id, year, Some(entries), &ts(now())).await?;
    audit::Change::new(
        "report.save",
        "annual_report",
        format!("{}-{year}", org.code),
    )
    .commit(tx, store, actor)
    .await
}

/// Publishes an organisation's report of `year` with section 三 as counted now (`table`) and
/// everything else as it stands (`entries`, section 四 with the challenges recorded now), and,
/// if late, the reason, and in the same transaction publishes `record` with `files` attached (the
/// report as a record of 政府信息公开年报, its PDF and workbook as attachments, screened, numbered, on the change feed; see
/// [`records::publish_generated`]); audited. The caller (the service) has checked the
/// identities and the due date; here only that it was not published meanwhile. Returns the
/// record's id and index number.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    year: i32,
    (table, entries): (&ApplicationsTable, &HandEntries),
    late_reason: &str,
    (record, files): (&records::Content, &[crate::attachments::NewAttachment]),
) -> Result<(i64, IndexNo)> {
    let org = orgs::by_id(store, org_id).await?;
    let target = records::generation_target(store, org_id).await?;
    let json = serde_json::to_string(table).map_err(json_err)?;
    let mut tx = store.begin_write().await?;
    let now = now();
    let at = ts(now);
    write_draft(&mut tx, org_id, year, Some(entries), &at).await?;
    let (record_id, index_no) =
        records::publish_generated(&mut tx, store, actor, org_id, &target, (record, files), now)
            .await?;
    sqlx::query(
        "UPDATE annual_reports SET status = 'published', applications = $1, late_reason = $2,
            published_at = $3, published_by = $4, updated_at = $3, record_id = $5
         WHERE org_id = $6 AND year = $7",
    )
    .bind(&json)
    .bind(late_reason)
    .bind(&at)
    .bind(&actor.name)
    .bind(record_id)
    .bind(org_id)
    .bind(i64::from(year))
    .execute(&mut *tx)
    .await?;
    audit::Change::new(
        "report.publish",
        "annual_report",
        format!("{}-{year}", org.code),
    )
    .with_detail(serde_json::json!({
        "late_reason": late_reason,
        "record_id": record_id,
        "index_no": index_no.as_str(),
    }))
    .commit(tx, store, actor)
    .await?;
    Ok((record_id, index_no))
}

/// How many records the organisations `org_ids` published in the Beijing year `year` that the
/// public may see, and of them how many are 政策解读 and 规范性文件.
pub async fn published_counts(
    store: &Store,
    org_ids: &[i64],
    year: i32,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(i64, i64, i64)> {
    if org_ids.is_empty() {
        return Ok((0, 0, 0));
    }
    let mut q = crate::sql::Sql::new(
        "SELECT COUNT(*) AS total,
            CAST(COALESCE(SUM(CASE WHEN r.kind = 'interpretation' THEN 1 ELSE 0 END), 0) AS BIGINT)
                AS interpretations,
            CAST(COALESCE(SUM(CASE WHEN r.kind = 'normative' THEN 1 ELSE 0 END), 0) AS BIGINT)
                AS normative
         FROM records r WHERE r.org_id IN ",
    );
    q.int_list(org_ids.iter().copied());
    records::push_visibility(&mut q, gongkai_domain::record::Visibility::LISTED, at);
    // Beijing year: the UTC instants from 16:00 on 31 December of the year before.
    q.push(" AND r.published_at >= ")
        .text(format!("{:04}-12-31T16:00:00.000000Z", year - 1));
    q.push(" AND r.published_at < ")
        .text(format!("{year:04}-12-31T16:00:00.000000Z"));
    let row = q.query().fetch_one(store.pool()).await?;
    Ok((
        row.try_get("total")?,
        row.try_get("interpretations")?,
        row.try_get("normative")?,
    ))
}

/// The 信息处理费 the organisations `org_ids` collected in `year`: every payment made in the year,
/// at the amount of the fee notice before it ([`gongkai_domain::report::fees_paid_in`]).
pub async fn fees_collected(store: &Store, org_ids: &[i64], year: i32) -> Result<i64> {
    use gongkai_domain::application::ClockEvent;
    if org_ids.is_empty() {
        return Ok(0);
    }
    let mut q = crate::sql::Sql::new(
        "SELECT e.application_id, e.event FROM application_events e
         JOIN applications a ON a.id = e.application_id WHERE a.org_id IN ",
    );
    q.int_list(org_ids.iter().copied());
    q.push(" AND (e.event LIKE '%fee_notice%' OR e.event LIKE '%fee_paid%')");
    q.push(" ORDER BY e.application_id, e.id");
    let rows = q.query().fetch_all(store.pool()).await?;
    let mut by_application: std::collections::BTreeMap<i64, Vec<ClockEvent>> =
        std::collections::BTreeMap::new();
    for row in &rows {
        let text: String = row.try_get("event")?;
        let event: ClockEvent = serde_json::from_str(&text)
            .map_err(|e| crate::StoreError::Corrupt(format!("办理记录：{e}")))?;
        by_application
            .entry(row.try_get("application_id")?)
            .or_default()
            .push(event);
    }
    Ok(by_application
        .values()
        .map(|events| gongkai_domain::report::fees_paid_in(events, year))
        .sum())
}
