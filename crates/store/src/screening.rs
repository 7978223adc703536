//! The negative list (负面清单) a site maintains, and 网站自查: re-screening everything already
//! published with the domain's screening rules, grouped by organisation.

use gongkai_domain::ErrorCode;
use std::collections::BTreeMap;

use gongkai_domain::screening::{self, Finding, NegativeTerm};
use serde::Serialize;
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError, audit, now, ts};

/// The negative list of a site.
pub async fn negative_terms(store: &Store, site_id: i64) -> Result<Vec<NegativeTerm>> {
    let mut conn = store.pool().acquire().await?;
    negative_terms_on(&mut conn, site_id).await
}

async fn negative_terms_on(
    conn: &mut sqlx::AnyConnection,
    site_id: i64,
) -> Result<Vec<NegativeTerm>> {
    let rows =
        sqlx::query("SELECT term, category FROM negative_terms WHERE site_id = $1 ORDER BY id")
            .bind(site_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(NegativeTerm {
                term: r.try_get("term")?,
                category: r.try_get("category")?,
            })
        })
        .collect()
}

/// What a record's content is screened for before the public sees it: the title and body
/// (the record's own, or a correction's `replacement`), the text of every attachment, against
/// the site's negative list. Read on `conn` — inside the write transaction that publishes, so
/// what is screened is exactly what is published and no caller's count is trusted.
pub(crate) async fn record_findings_on(
    conn: &mut sqlx::AnyConnection,
    record_id: i64,
    replacement: Option<(&str, &str)>,
) -> Result<Vec<Finding>> {
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
    let files =
        sqlx::query("SELECT file_name, text FROM attachments WHERE record_id = $1 ORDER BY id")
            .bind(record_id)
            .fetch_all(&mut *conn)
            .await?;
    let negatives = negative_terms_on(conn, site_id).await?;
    let mut parts: Vec<(String, String)> = vec![("标题".into(), title), ("正文".into(), body)];
    for f in &files {
        let name: String = f.try_get("file_name")?;
        parts.push((format!("附件“{name}”"), f.try_get("text")?));
    }
    Ok(screening::scan_parts(
        parts.iter().map(|(l, t)| (l.as_str(), t.as_str())),
        &negatives,
    ))
}

/// The screening findings of a record's content (see [`record_findings_on`]), for the pages
/// that show them before a step is taken.
pub async fn record_findings(
    store: &Store,
    record_id: i64,
    replacement: Option<(&str, &str)>,
) -> Result<Vec<Finding>> {
    let mut conn = store.pool().acquire().await?;
    record_findings_on(&mut conn, record_id, replacement).await
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
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM negative_terms WHERE site_id = $1 AND term = $2")
            .bind(site_id)
            .bind(term)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_some() {
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
    audit::append(
        &mut tx,
        store,
        actor,
        audit::Change::new("negative_term.add", "organisation", site_id.to_string())
            .with_detail(serde_json::json!({ "term": term, "category": category.trim() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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

/// Re-screens every published or withdrawn record (title, body, attachment text).
pub async fn scan_published(store: &Store) -> Result<ScanReport> {
    let mut by_org: BTreeMap<String, OrgFindings> = BTreeMap::new();
    let mut negatives: BTreeMap<i64, Vec<NegativeTerm>> = BTreeMap::new();
    let mut scanned = 0;
    let mut after = 0_i64;
    loop {
        let rows = sqlx::query(
            "SELECT r.id, r.site_id, r.index_no, r.title, r.body_text, o.name AS org_name
             FROM records r JOIN organisations o ON o.id = r.org_id
             WHERE r.status IN ('published', 'withdrawn') AND r.id > $1 ORDER BY r.id LIMIT 500",
        )
        .bind(after)
        .fetch_all(store.pool())
        .await?;
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
