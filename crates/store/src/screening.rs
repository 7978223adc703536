//! The negative list (负面清单) a site maintains, and 网站自查: re-screening everything already
//! published with the domain's screening rules, grouped by organisation.

use gongkai_domain::ErrorCode;
use std::collections::BTreeMap;

use gongkai_domain::screening::{self, Finding, FindingKind, NegativeTerm};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError, audit, column, now, sql, ts};

/// The negative list of a site.
pub async fn negative_terms(store: &Store, site_id: i64) -> Result<Vec<NegativeTerm>> {
    let mut conn = store.pool().acquire().await?;
    negative_terms_on(&mut conn, site_id).await
}

async fn negative_terms_on(
    conn: &mut sqlx::AnyConnection,
    site_id: i64,
) -> Result<Vec<NegativeTerm>> {
    sql::all(
        sqlx::query("SELECT term, category FROM negative_terms WHERE site_id = $1 ORDER BY id")
            .bind(site_id),
        &mut *conn,
    )
    .await
}

column::from_row!(NegativeTerm => term, category);

/// What a record's content is screened for before the public sees it: the title and body
/// (the record's own, or a correction's `replacement`), the text of every attachment, against
/// the site's negative list. Read on `conn` — inside the write transaction that publishes, so
/// what is screened is exactly what is published and no caller's count is trusted.
///
/// An attachment's findings are the ones stored with it when it was added (see
/// [`screen_attachment`]); only one screened against another negative list (or never) is
/// screened again here, and its findings stored anew.
pub(crate) async fn record_findings_on(
    conn: &mut sqlx::AnyConnection,
    record_id: i64,
    replacement: Option<(&str, &str)>,
) -> Result<Vec<Finding>> {
    findings_on(conn, record_id, replacement, true)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("编号为 {record_id} 的信息的审查结果"),
        })
}

/// [`record_findings_on`]; with `may_write` false, `None` when an attachment's stored findings
/// are out of date (the caller then asks again inside a write transaction).
async fn findings_on(
    conn: &mut sqlx::AnyConnection,
    record_id: i64,
    replacement: Option<(&str, &str)>,
    may_write: bool,
) -> Result<Option<Vec<Finding>>> {
    let row = sqlx::query("SELECT site_id, title, body_text FROM records WHERE id = $1")
        .bind(record_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("编号为 {record_id} 的信息"),
        })?;
    let site_id: i64 = row.try_get("site_id")?;
    let (title, body): (String, String) = match replacement {
        Some((t, b)) => (t.to_owned(), b.to_owned()),
        None => (row.try_get("title")?, row.try_get("body_text")?),
    };
    let negatives = negative_terms_on(conn, site_id).await?;
    let fingerprint = list_fingerprint(&negatives);
    let files = sqlx::query(
        "SELECT id, findings, screened_with FROM attachments WHERE record_id = $1 ORDER BY id",
    )
    .bind(record_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut findings = screening::scan_parts(
        [("标题", title.as_str()), ("正文", body.as_str())],
        &negatives,
    );
    for f in &files {
        let stored: String = f.try_get("findings")?;
        let screened_with: String = f.try_get("screened_with")?;
        if screened_with == fingerprint
            && let Some(found) = decode(&stored)
        {
            findings.extend(found);
            continue;
        }
        if !may_write {
            return Ok(None);
        }
        let id: i64 = f.try_get("id")?;
        let again = sqlx::query("SELECT file_name, text FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        let (found, stored) = screen_attachment(
            again.try_get("file_name")?,
            again.try_get("text")?,
            negatives.clone(),
        )
        .await?;
        sqlx::query("UPDATE attachments SET findings = $1, screened_with = $2 WHERE id = $3")
            .bind(&stored)
            .bind(&fingerprint)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        findings.extend(found);
    }
    Ok(Some(findings))
}

/// The screening findings of a record's content (see [`record_findings_on`]), for the pages
/// that show them before a step is taken. Reads the attachments' stored findings; only when
/// one is out of date does it screen that one again, in a write transaction that stores them.
pub async fn record_findings(
    store: &Store,
    record_id: i64,
    replacement: Option<(&str, &str)>,
) -> Result<Vec<Finding>> {
    {
        let mut conn = store.pool().acquire().await?;
        if let Some(found) = findings_on(&mut conn, record_id, replacement, false).await? {
            return Ok(found);
        }
    }
    let mut tx = store.begin_write().await?;
    let found = record_findings_on(&mut tx, record_id, replacement).await?;
    tx.commit().await?;
    Ok(found)
}

/// The negative list of the site a record belongs to and its fingerprint, for screening an
/// attachment as it is stored.
pub(crate) async fn negative_list_of_record(
    store: &Store,
    record_id: i64,
) -> Result<(Vec<NegativeTerm>, String)> {
    let site_id: Option<i64> = sqlx::query_scalar("SELECT site_id FROM records WHERE id = $1")
        .bind(record_id)
        .fetch_optional(store.pool())
        .await?;
    let site_id = site_id.ok_or_else(|| StoreError::NotFound {
        what: format!("编号为 {record_id} 的信息"),
    })?;
    let negatives = negative_terms(store, site_id).await?;
    let fingerprint = list_fingerprint(&negatives);
    Ok((negatives, fingerprint))
}

/// Which negative list findings were screened against: the SHA-256 of its terms and
/// categories, so stored findings are known to be out of date once the list changes.
pub(crate) fn list_fingerprint(negatives: &[NegativeTerm]) -> String {
    let mut joined = String::new();
    for n in negatives {
        joined.push_str(&n.term);
        joined.push('\t');
        joined.push_str(&n.category);
        joined.push('\n');
    }
    crate::blobs::sha256_hex(joined.as_bytes())
}

/// Screens an attachment's text (up to the extraction budget, megabytes) on a blocking thread,
/// off the async runtime; returns the findings and their stored form (JSON).
pub(crate) async fn screen_attachment(
    file_name: String,
    text: String,
    negatives: Vec<NegativeTerm>,
) -> Result<(Vec<Finding>, String)> {
    let found = tokio::task::spawn_blocking(move || {
        screening::scan(&format!("附件“{file_name}”"), &text, &negatives)
    })
    .await
    .map_err(|e| StoreError::conflict_with(ErrorCode::AttachmentNotSaved, &[("reason", &e)]))?;
    let stored = encode(&found);
    Ok((found, stored))
}

/// A finding as stored in `attachments.findings` (the label follows from the kind).
#[derive(Serialize, Deserialize)]
struct StoredFinding {
    kind: FindingKind,
    location: String,
    matched: String,
    offset: usize,
    context: String,
    category: Option<String>,
}

fn encode(findings: &[Finding]) -> String {
    let stored: Vec<StoredFinding> = findings
        .iter()
        .map(|f| StoredFinding {
            kind: f.kind,
            location: f.location.clone(),
            matched: f.matched.clone(),
            offset: f.offset,
            context: f.context.clone(),
            category: f.category.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_default()
}

fn decode(stored: &str) -> Option<Vec<Finding>> {
    let stored: Vec<StoredFinding> = serde_json::from_str(stored).ok()?;
    Some(
        stored
            .into_iter()
            .map(|f| Finding {
                label: f.kind.label(),
                kind: f.kind,
                location: f.location,
                matched: f.matched,
                offset: f.offset,
                context: f.context,
                category: f.category,
            })
            .collect(),
    )
}

/// Adds a term to a site's negative list, audited.
pub async fn add_negative_term(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    term: &str,
    category: &str,
) -> Result<()> {
    let term = term.trim();
    if term.is_empty() || term.chars().count() > 50 {
        return Err(StoreError::conflict(ErrorCode::ScreeningTermLength));
    }
    let mut tx = store.begin_write().await?;
    if sql::exists(
        sqlx::query("SELECT id FROM negative_terms WHERE site_id = $1 AND term = $2")
            .bind(site_id)
            .bind(term),
        &mut *tx,
    )
    .await?
    {
        return Err(StoreError::conflict_with(
            ErrorCode::ScreeningTermTaken,
            &[("term", &term)],
        ));
    }
    sqlx::query(
        "INSERT INTO negative_terms (site_id, term, category, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(site_id)
    .bind(term)
    .bind(category.trim())
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    audit::Change::new("negative_term.add", "organisation", site_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "term": term, "category": category.trim() }))
        .commit(tx, store, actor)
        .await
}

/// Findings of one published record.
#[derive(Debug, Clone, Serialize)]
pub struct RecordFindings {
    /// Record id.
    pub id: i64,
    /// 索引号.
    pub index_no: String,
    /// 名称.
    pub title: String,
    /// The findings.
    pub findings: Vec<Finding>,
}

/// Findings of one organisation.
#[derive(Debug, Clone, Serialize)]
pub struct OrgFindings {
    /// Organisation name.
    pub org_name: String,
    /// Its records with findings.
    pub records: Vec<RecordFindings>,
    /// Total findings.
    pub total: usize,
}

/// The result of re-screening everything published.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// Records scanned.
    pub scanned: usize,
    /// Findings per organisation (only those with findings), by name.
    pub organisations: Vec<OrgFindings>,
}

/// Re-screens every published or withdrawn record (title, body, attachment text); with `orgs`,
/// only the records of those organisations (a member of staff's scope: their own site's).
pub async fn scan_published(store: &Store, orgs: Option<&[i64]>) -> Result<ScanReport> {
    let mut by_org: BTreeMap<String, OrgFindings> = BTreeMap::new();
    let mut negatives: BTreeMap<i64, Vec<NegativeTerm>> = BTreeMap::new();
    let mut scanned = 0;
    let mut after = 0_i64;
    loop {
        let mut q = sql::Sql::new(
            "SELECT r.id, r.site_id, r.index_no, r.title, r.body_text, o.name AS org_name
             FROM records r JOIN organisations o ON o.id = r.org_id
             WHERE r.status IN ('published', 'withdrawn') AND r.id > ",
        );
        q.int(after);
        if let Some(orgs) = orgs {
            if orgs.is_empty() {
                break;
            }
            q.push(" AND r.org_id IN ").int_list(orgs.iter().copied());
        }
        q.push(" ORDER BY r.id LIMIT 500");
        let rows = q.query().fetch_all(store.pool()).await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            after = id;
            scanned += 1;
            let site_id: i64 = row.try_get("site_id")?;
            if let std::collections::btree_map::Entry::Vacant(slot) = negatives.entry(site_id) {
                slot.insert(negative_terms(store, site_id).await?);
            }
            let negs = negatives
                .get(&site_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let title: String = row.try_get("title")?;
            let body: String = row.try_get("body_text")?;
            let files = sqlx::query("SELECT file_name, text FROM attachments WHERE record_id = $1")
                .bind(id)
                .fetch_all(store.pool())
                .await?;
            let mut findings = screening::scan("标题", &title, negs);
            findings.extend(screening::scan("正文", &body, negs));
            for f in &files {
                let name: String = f.try_get("file_name")?;
                let text: String = f.try_get("text")?;
                findings.extend(screening::scan(&format!("附件“{name}”"), &text, negs));
            }
            if findings.is_empty() {
                continue;
            }
            let org_name: String = row.try_get("org_name")?;
            let entry = by_org
                .entry(org_name.clone())
                .or_insert_with(|| OrgFindings {
                    org_name,
                    records: Vec::new(),
                    total: 0,
                });
            entry.total += findings.len();
            entry.records.push(RecordFindings {
                id,
                index_no: row
                    .try_get::<Option<String>, _>("index_no")?
                    .unwrap_or_default(),
                title,
                findings,
            });
        }
    }
    Ok(ScanReport {
        scanned,
        organisations: by_org.into_values().collect(),
    })
}
