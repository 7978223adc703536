//! Records of proactive disclosure: drafts, review, publication with index numbers,
//! revisions, withdrawal, public listings and import.
//!
//! Every change runs in one write transaction that also appends to the audit log and emits a
//! `record` row on the change feed (for the search index and page caches). The transitions
//! themselves are decided by `gongkai_domain::record::RecordStatus::apply`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::index_no::{IndexFormat, IndexNo};
use gongkai_domain::record::{
    Disclosure, ExemptionGround, InterpretationForm, RecordAction, RecordKind, RecordMeta,
    RecordStatus, Validity, Visibility,
};
use gongkai_domain::screening::{Justification, SecretGround};
use gongkai_domain::time::beijing_date;
use serde::Serialize;
use sqlx::Row;

use crate::sql::{self, Sql};
use crate::{
    Actor, Result, Store, StoreError, Tx, audit, column, feed, now, orgs, screening, settings, ts,
};

/// A record as stored, with its organisation's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// Database id.
    pub id: i64,
    /// The site (root organisation) it belongs to.
    pub site_id: i64,
    /// Publishing organisation (发布机构).
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its organ code.
    pub org_code: String,
    /// Kind.
    pub kind: RecordKind,
    /// Where it is in its life.
    pub status: RecordStatus,
    /// 索引号, once approved.
    pub index_no: Option<String>,
    /// 名称.
    pub title: String,
    /// 文号.
    pub doc_number: String,
    /// 成文日期.
    pub written_on: Option<NaiveDate>,
    /// Publication instant (serialised in the storage format).
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub published_at: Option<DateTime<Utc>>,
    /// 主题分类.
    pub theme: String,
    /// 体裁.
    pub genre: String,
    /// 主题词.
    pub keywords: String,
    /// 来源.
    pub source: String,
    /// 内容概述.
    pub summary: String,
    /// 有效性.
    pub validity: Validity,
    /// When 有效性 last changed.
    pub validity_changed_on: Option<NaiveDate>,
    /// The record that replaces this one.
    pub superseded_by: Option<i64>,
    /// Disclosure attribute (none until review).
    pub disclosure: Option<Disclosure>,
    /// Exemption ground for 不予公开.
    pub exemption: Option<ExemptionGround>,
    /// 公开方式.
    pub disclosure_method: String,
    /// Sanitised body HTML.
    pub body_html: String,
    /// Plain text of the body.
    pub body_text: String,
    /// The policy an interpretation explains.
    pub interprets_id: Option<i64>,
    /// 图文解读 / 文字解读 (interpretations only).
    pub interpretation_form: Option<InterpretationForm>,
    /// Author's user id (none for imports).
    pub author_id: Option<i64>,
    /// Reviewer's user id.
    pub reviewer_id: Option<i64>,
    /// Justification written when approving despite screening findings.
    pub screening_note: String,
    /// Public reason for withdrawal.
    pub withdrawn_reason: String,
    /// Public note of the latest correction.
    pub change_note: String,
    /// Import key (`<source>:<id>`).
    pub source_key: Option<String>,
    /// Revision number, 1 for the first publication.
    pub revision: i64,
    /// Created (storage timestamp).
    pub created_at: String,
    /// Last changed (storage timestamp).
    pub updated_at: String,
    /// Column slugs.
    pub columns: Vec<String>,
}

impl Record {
    /// Whether `visibility` admits the record at `at` (see [`Visibility`]).
    pub fn visible(&self, visibility: Visibility, at: DateTime<Utc>) -> bool {
        visibility.admits(self.status, self.disclosure, self.published_at, at)
    }

    /// Whether the public may see the record's page at `at` (a withdrawn record keeps its page).
    pub fn is_public(&self, at: DateTime<Utc>) -> bool {
        self.visible(Visibility::PAGE, at)
    }
}

const SELECT: &str = "SELECT r.*, o.name AS org_name, o.code AS org_code FROM records r JOIN organisations o ON o.id = r.org_id";
/// The select list of [`SELECT_WITHOUT_TEXT`], to which the record page adds its own.
macro_rules! columns_without_text {
    () => {
        "SELECT r.id, r.site_id, r.org_id, r.kind, r.status, r.index_no, r.title,
    r.doc_number, r.written_on, r.published_at, r.theme, r.genre, r.keywords, r.source, r.summary,
    r.validity, r.validity_changed_on, r.superseded_by, r.disclosure, r.exemption, r.disclosure_method,
    r.body_html, '' AS body_text, r.interprets_id, r.interpretation_form, r.author_id, r.reviewer_id,
    r.screening_note, r.withdrawn_reason, r.change_note, r.source_key, r.revision, r.created_at,
    r.updated_at, o.name AS org_name, o.code AS org_code"
    };
}
/// [`SELECT`] without the plain text of the body (`body_text` comes back empty), for what shows
/// a record but no part of that text: the public record page and the interpretations it lists. At
/// 16 KB a record on the bench's corpus, the text was most of what a page read from the database.
const SELECT_WITHOUT_TEXT: &str = concat!(
    columns_without_text!(),
    " FROM records r JOIN organisations o ON o.id = r.org_id"
);

column::from_row!(Record => id, site_id, org_id, org_name, org_code, kind, status, index_no, title,
    doc_number, written_on, published_at, theme, genre, keywords, source, summary, validity,
    validity_changed_on, superseded_by, disclosure, exemption, disclosure_method, body_html,
    body_text, interprets_id, interpretation_form, author_id, reviewer_id, screening_note,
    withdrawn_reason, change_note, source_key, revision, created_at, updated_at; columns: Vec::new());

/// Fills in the columns a record appears in (a point read: on the SQLite read lane).
async fn load_columns(store: &Store, record: &mut Record) -> Result<()> {
    let mut q = Sql::new("SELECT column_slug FROM record_columns WHERE record_id = ");
    q.int(record.id).push(" ORDER BY column_slug");
    record.columns = sql::read::<ColumnSlug>(store, &q)
        .await?
        .into_iter()
        .map(|c| c.column_slug)
        .collect();
    Ok(())
}

/// The record `condition` (on `r`, with `$1`) picks out, with its columns; `NotFound` as `what`.
async fn one_where<'q, V>(store: &Store, condition: &str, value: V, what: String) -> Result<Record>
where
    V: 'q + Send + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    let q = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE {condition}"))).bind(value);
    let mut r: Record = sql::optional(q, store.pool())
        .await?
        .ok_or(StoreError::NotFound { what })?;
    load_columns(store, &mut r).await?;
    Ok(r)
}

/// One record by id.
pub async fn get(store: &Store, id: i64) -> Result<Record> {
    one_where(store, "r.id = $1", id, format!("编号为 {id} 的信息")).await
}

/// One record by index number.
pub async fn by_index_no(store: &Store, index_no: &IndexNo) -> Result<Record> {
    let what = format!("索引号为 {index_no} 的信息");
    one_where(store, "r.index_no = $1", index_no.as_str(), what).await
}

/// One record by index number for its public page: everything but the plain text of the body
/// (`body_text` is empty; the page shows the HTML).
///
/// Read on the SQLite read lane ([`sql::read`]): a record page is the portal's most read page.
pub async fn page_by_index_no(store: &Store, index_no: &IndexNo) -> Result<Record> {
    Ok(page_read(store, index_no).await?.record)
}

/// What the record page shows besides the record itself, as counted in the record's own
/// statement: a page reads only the lists that have rows (most records have no interpretation,
/// no consultation and often no attachment), one statement instead of five.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// Records that interpret this one (any status: the list read after applies visibility).
    pub interpretations: i64,
    /// Attachments.
    pub files: i64,
    /// Consultations whose feedback report names this record as the final decision.
    pub consultations: i64,
}

/// A record as its public page reads it ([`page_by_index_no`]) with what links to it.
#[derive(Debug, Clone)]
pub struct PageRead {
    /// The record, with its columns and without the plain text of its body.
    pub record: Record,
    /// How many of each related row there are.
    pub links: PageLinks,
}

/// The record page's statement: the record, its columns and the counts of what links to it.
const PAGE_SELECT: &str = concat!(
    columns_without_text!(),
    ",
    (SELECT string_agg(c.column_slug, ',') FROM record_columns c
        WHERE c.record_id = r.id) AS column_slugs,
    (SELECT COUNT(*) FROM records i WHERE i.interprets_id = r.id) AS interpretation_count,
    (SELECT COUNT(*) FROM attachments a WHERE a.record_id = r.id) AS file_count,
    (SELECT COUNT(*) FROM consultations k WHERE k.decision_record_id = r.id AND k.status = 'feedback')
        AS consultation_count
    FROM records r JOIN organisations o ON o.id = r.org_id WHERE r.index_no = "
);

/// A row of [`page_read`]'s statement.
struct PageRow {
    record: Record,
    column_slugs: Option<String>,
    interpretation_count: i64,
    file_count: i64,
    consultation_count: i64,
}

impl sql::FromRow for PageRow {
    fn from_row(row: &impl column::Cells) -> Result<Self> {
        Ok(Self {
            record: <Record as sql::FromRow>::from_row(row)?,
            column_slugs: row.cell("column_slugs")?,
            interpretation_count: row.cell("interpretation_count")?,
            file_count: row.cell("file_count")?,
            consultation_count: row.cell("consultation_count")?,
        })
    }
}

/// The record with index number `index_no` as its public page shows it, its columns and the
/// counts of what links to it, in one statement (on the SQLite read lane).
pub async fn page_read(store: &Store, index_no: &IndexNo) -> Result<PageRead> {
    let mut q = Sql::new(PAGE_SELECT);
    q.text(index_no.as_str());
    let row: PageRow =
        sql::read_optional(store, &q)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("索引号为 {index_no} 的信息"),
            })?;
    let mut record = row.record;
    // Slugs are catalogue codes (ASCII letters and digits), so a comma parts them. Sorted here:
    // an `ORDER BY` inside the aggregate made SQLite build a sorter for every page.
    record.columns = row
        .column_slugs
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    record.columns.sort_unstable();
    Ok(PageRead {
        record,
        links: PageLinks {
            interpretations: row.interpretation_count,
            files: row.file_count,
            consultations: row.consultation_count,
        },
    })
}

/// A column a record appears in, as [`load_columns`] reads it.
struct ColumnSlug {
    column_slug: String,
}

column::from_row!(ColumnSlug => column_slug);

/// The body and metadata of a draft or a revision.
#[derive(Debug, Clone)]
pub struct Content {
    /// Validated catalogue metadata.
    pub meta: RecordMeta,
    /// Sanitised body HTML.
    pub body_html: String,
    /// Plain text of the body.
    pub body_text: String,
    /// Columns (slugs) the record appears in.
    pub columns: Vec<String>,
    /// For an interpretation: the policy it explains.
    pub interprets_id: Option<i64>,
    /// For an interpretation: its form.
    pub interpretation_form: Option<InterpretationForm>,
}

/// Refuses a 文号 another record of the organisation (other than `except`, not withdrawn)
/// already uses.
pub(crate) async fn check_doc_number(
    tx: &mut Tx,
    org_id: i64,
    doc_number: &str,
    except: Option<i64>,
) -> Result<()> {
    if doc_number.is_empty() {
        return Ok(());
    }
    let other: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM records WHERE org_id = $1 AND doc_number = $2 AND id <> $3 AND status <> 'withdrawn' LIMIT 1",
    )
    .bind(org_id)
    .bind(doc_number)
    .bind(except.unwrap_or(-1))
    .fetch_optional(&mut **tx)
    .await?;
    match other {
        Some(_) => Err(StoreError::conflict_with(
            ErrorCode::RecordDocNumberTaken,
            &[("doc_number", &doc_number)],
        )),
        None => Ok(()),
    }
}

/// Binds the catalogue metadata and the body, in this order: 名称, 文号, 成文日期, 主题分类,
/// 体裁, 主题词, 来源, 内容概述, 有效性, 公开方式, body HTML, body text (twelve placeholders;
/// records and their corrections store the same columns).
pub(crate) fn bind_content<'q>(
    q: sql::Bound<'q>,
    m: &'q RecordMeta,
    body_html: &'q str,
    body_text: &'q str,
) -> sql::Bound<'q> {
    q.bind(&m.title)
        .bind(&m.doc_number)
        .bind(m.written_on.map(|d| d.to_string()))
        .bind(&m.theme)
        .bind(&m.genre)
        .bind(&m.keywords)
        .bind(&m.source)
        .bind(&m.summary)
        .bind(m.validity.code())
        .bind(&m.disclosure_method)
        .bind(body_html)
        .bind(body_text)
}

async fn set_columns(tx: &mut Tx, id: i64, columns: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM record_columns WHERE record_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let mut cols = columns.to_vec();
    cols.sort();
    cols.dedup();
    for c in cols {
        sqlx::query("INSERT INTO record_columns (record_id, column_slug) VALUES ($1, $2)")
            .bind(id)
            .bind(c)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn log(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    action: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    audit::Change::new(action, "record", id.to_string())
        .with_detail(detail)
        .append(tx, store, actor)
        .await?;
    feed::emit(tx, "record", &id.to_string(), action).await
}

/// Creates a draft by `author_id` for organisation `org_id`. A 文号 already used by another
/// record of the same organisation is refused.
pub async fn create_draft(
    store: &Store,
    actor: &Actor,
    author_id: i64,
    org_id: i64,
    content: &Content,
) -> Result<Record> {
    let site_id = orgs::site_of(store, org_id).await?;
    let mut tx = store.begin_write().await?;
    check_doc_number(&mut tx, org_id, &content.meta.doc_number, None).await?;
    let at = ts(now());
    let m = &content.meta;
    let insert = sqlx::query(
        "INSERT INTO records (site_id, org_id, kind, status, title, doc_number, written_on, theme, genre, keywords,
            source, summary, validity, disclosure_method, body_html, body_text, interprets_id, interpretation_form,
            author_id, created_at, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
         RETURNING id",
    )
    .bind(site_id)
    .bind(org_id)
    .bind(m.kind.code());
    let id: i64 = bind_content(insert, m, &content.body_html, &content.body_text)
        .bind(content.interprets_id)
        .bind(
            content
                .interpretation_form
                .map(|f| f.code())
                .unwrap_or_default(),
        )
        .bind(author_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    set_columns(&mut tx, id, &content.columns).await?;
    log(
        &mut tx,
        store,
        actor,
        "record.create",
        id,
        serde_json::json!({ "title": m.title }),
    )
    .await?;
    tx.commit().await?;
    get(store, id).await
}

/// The status, author and organisation of a record, read inside the write transaction so the
/// domain's transition rule is judged on what the transaction will change.
pub(crate) async fn load_for_action(
    tx: &mut Tx,
    id: i64,
) -> Result<(RecordStatus, Option<i64>, i64)> {
    let row = sqlx::query("SELECT status, author_id, org_id FROM records WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("编号为 {id} 的信息"),
        })?;
    let status: String = row.try_get("status")?;
    let status = RecordStatus::parse(&status)
        .map_err(|_| StoreError::Corrupt(format!("未知状态 {status}")))?;
    Ok((status, row.try_get("author_id")?, row.try_get("org_id")?))
}

/// Changes a draft's content (only the author's drafts).
pub async fn update_draft(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    id: i64,
    content: &Content,
) -> Result<Record> {
    let mut tx = store.begin_write().await?;
    let (status, author, org_id) = load_for_action(&mut tx, id).await?;
    status.apply(RecordAction::Edit, author == Some(user_id))?;
    check_doc_number(&mut tx, org_id, &content.meta.doc_number, Some(id)).await?;
    let m = &content.meta;
    let update = sqlx::query(
        "UPDATE records SET kind = $1, title = $2, doc_number = $3, written_on = $4, theme = $5, genre = $6,
            keywords = $7, source = $8, summary = $9, validity = $10, disclosure_method = $11, body_html = $12,
            body_text = $13, interprets_id = $14, interpretation_form = $15, updated_at = $16
         WHERE id = $17",
    )
    .bind(m.kind.code());
    bind_content(update, m, &content.body_html, &content.body_text)
        .bind(content.interprets_id)
        .bind(
            content
                .interpretation_form
                .map(|f| f.code())
                .unwrap_or_default(),
        )
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    set_columns(&mut tx, id, &content.columns).await?;
    log(
        &mut tx,
        store,
        actor,
        "record.edit",
        id,
        serde_json::json!({ "title": m.title }),
    )
    .await?;
    tx.commit().await?;
    get(store, id).await
}

/// Moves a record from one status to the next through the domain's transition rule.
async fn transition(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    id: i64,
    action: RecordAction,
    mut detail: serde_json::Value,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let (status, author, _) = load_for_action(&mut tx, id).await?;
    let next = status.apply(action, author == Some(user_id))?;
    if action == RecordAction::Submit {
        // The reviewer sees the findings on the record page; the audit notes how many there were.
        let findings = screening::record_findings_on(&mut tx, id, None).await?;
        detail["screening_findings"] = findings.len().into();
    }
    sqlx::query("UPDATE records SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(next.code())
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let code = match action {
        RecordAction::Submit => "record.submit",
        RecordAction::Reject => "record.reject",
        _ => "record.transition",
    };
    log(&mut tx, store, actor, code, id, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The author submits a draft for review; screening runs over it and the audit entry notes
/// how many findings it had.
pub async fn submit(store: &Store, actor: &Actor, user_id: i64, id: i64) -> Result<()> {
    transition(
        store,
        actor,
        user_id,
        id,
        RecordAction::Submit,
        serde_json::json!({}),
    )
    .await
}

/// A reviewer sends a submission back with a reason.
pub async fn reject(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    id: i64,
    reason: &str,
) -> Result<()> {
    transition(
        store,
        actor,
        user_id,
        id,
        RecordAction::Reject,
        serde_json::json!({ "reason": reason }),
    )
    .await
}

/// What the reviewer decides at approval.
#[derive(Debug, Clone)]
pub struct Approval {
    /// 主动公开 / 依申请公开 / 不予公开.
    pub disclosure: Disclosure,
    /// Required for 不予公开.
    pub exemption: Option<ExemptionGround>,
    /// When it becomes public (now or later).
    pub publish_at: DateTime<Utc>,
    /// Written justification when screening found something (audited).
    pub screening_note: String,
    /// The legal ground chosen when screening found a secret marking (audited).
    pub secret_ground: Option<SecretGround>,
}

impl Approval {
    /// The reviewer's justification as screening judges it.
    pub fn justification(&self) -> Justification<'_> {
        Justification {
            note: &self.screening_note,
            secret_ground: self.secret_ground,
        }
    }
}

/// How a chosen secret-marking ground is audited: its code, its wording and its legal basis.
pub(crate) fn secret_ground_detail(ground: Option<SecretGround>) -> serde_json::Value {
    ground.map_or(
        serde_json::Value::Null,
        |g| serde_json::json!({ "code": g.code(), "label": g.label(), "basis": g.basis() }),
    )
}

/// The index number format of a site (setting `index_format.<site code>`, then `index_format`).
pub async fn index_format(store: &Store, site_code: &str) -> Result<IndexFormat> {
    let v = settings::for_site(store, "index_format", site_code).await?;
    Ok(IndexFormat::parse(v.as_deref().unwrap_or("local"))?)
}

/// Hands out the next serial for an organisation and year inside `tx`.
async fn next_serial(tx: &mut Tx, org_id: i64, year: i32) -> Result<i64> {
    sqlx::query("INSERT INTO index_serials (org_id, year, last_serial) VALUES ($1, $2, 0) ON CONFLICT (org_id, year) DO NOTHING")
        .bind(org_id)
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    Ok(sqlx::query_scalar(
        "UPDATE index_serials SET last_serial = last_serial + 1 WHERE org_id = $1 AND year = $2 RETURNING last_serial",
    )
    .bind(org_id)
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?)
}

/// Records that `serial` is used (an imported number) so it is never handed out again.
async fn reserve_serial(tx: &mut Tx, org_id: i64, year: i32, serial: i64) -> Result<()> {
    sqlx::query("INSERT INTO index_serials (org_id, year, last_serial) VALUES ($1, $2, 0) ON CONFLICT (org_id, year) DO NOTHING")
        .bind(org_id)
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE index_serials SET last_serial = CASE WHEN last_serial < $3 THEN $3 ELSE last_serial END
         WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(i64::from(year))
    .bind(serial)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The organ code and index format for numbers of `org_id` (read before a write transaction
/// starts, so the transaction never waits for a second pool connection).
pub(crate) async fn numbering(store: &Store, org_id: i64) -> Result<(String, IndexFormat)> {
    let org = orgs::by_id(store, org_id).await?;
    let site_id = orgs::site_of(store, org_id).await?;
    let site = orgs::by_id(store, site_id).await?;
    Ok((org.code, index_format(store, &site.code).await?))
}

/// A reviewer (never the author) approves: records the disclosure attribute, assigns the index
/// number and publishes at `publish_at`. Returns the index number.
pub async fn approve(
    store: &Store,
    actor: &Actor,
    reviewer_id: i64,
    id: i64,
    approval: &Approval,
) -> Result<IndexNo> {
    if approval.disclosure == Disclosure::Withheld && approval.exemption.is_none() {
        return Err(StoreError::conflict(
            ErrorCode::RecordExemptionGroundRequired,
        ));
    }
    let org_id: i64 = sqlx::query_scalar("SELECT org_id FROM records WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("编号为 {id} 的信息"),
        })?;
    let (organ_code, format) = numbering(store, org_id).await?;
    let mut tx = store.begin_write().await?;
    let (status, author, _) = load_for_action(&mut tx, id).await?;
    status.apply(RecordAction::Approve, author == Some(reviewer_id))?;
    // Screened again here: the content or its attachments may have changed since submission,
    // and what is screened must be exactly what is published.
    let found = screening::record_findings_on(&mut tx, id, None).await?;
    gongkai_domain::screening::require_justification(&found, approval.justification())?;
    let findings = found.len();
    let year = beijing_date(approval.publish_at).year();
    let serial = next_serial(&mut tx, org_id, year).await?;
    let index_no = format.format(&organ_code, year, serial)?;
    sqlx::query(
        "UPDATE records SET status = 'published', index_no = $1, published_at = $2, disclosure = $3, exemption = $4,
            reviewer_id = $5, screening_note = $6, updated_at = $7,
            publication_announced = CASE WHEN $2 > $7 THEN 0 ELSE 1 END WHERE id = $8",
    )
    .bind(index_no.as_str())
    .bind(ts(approval.publish_at))
    .bind(approval.disclosure.code())
    .bind(approval.exemption.map(|e| e.code()).unwrap_or_default())
    .bind(reviewer_id)
    .bind(approval.screening_note.trim())
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    log(
        &mut tx,
        store,
        actor,
        "record.approve",
        id,
        serde_json::json!({
            "index_no": index_no.as_str(),
            "disclosure": approval.disclosure.code(),
            "exemption": approval.exemption.map(|e| e.code()),
            "publish_at": ts(approval.publish_at),
            "screening_findings": findings,
            "screening_note": approval.screening_note.trim(),
            "secret_ground": secret_ground_detail(approval.secret_ground),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(index_no)
}

/// Where a generated record is published: its site, its organ code and the site's index
/// number format (read by [`generation_target`] before the write transaction starts).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    site_id: i64,
    organ_code: String,
    format: IndexFormat,
}

/// The [`Target`] of records of `org_id`.
pub(crate) async fn generation_target(store: &Store, org_id: i64) -> Result<Target> {
    let site_id = orgs::site_of(store, org_id).await?;
    let (organ_code, format) = numbering(store, org_id).await?;
    Ok(Target {
        site_id,
        organ_code,
        format,
    })
}

/// Creates and publishes at once, inside the caller's write transaction, a 主动公开 record the
/// platform generated from figures staff checked (the annual report): screened like any
/// submission and refused with its findings listed (no justification can be given here; the
/// staff member edits the text), with `files` made from the same figures as its attachments,
/// numbered, audited (`record.generate`) and emitted on the change feed. Returns the record's
/// id and index number.
pub(crate) async fn publish_generated(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    org_id: i64,
    target: &Target,
    (content, files): (&Content, &[crate::attachments::NewAttachment]),
    at: DateTime<Utc>,
) -> Result<(i64, IndexNo)> {
    let m = &content.meta;
    let stamp = ts(at);
    let insert = sqlx::query(
        "INSERT INTO records (site_id, org_id, kind, status, title, doc_number, written_on, theme, genre, keywords,
            source, summary, validity, disclosure_method, body_html, body_text, created_at, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         RETURNING id",
    )
    .bind(target.site_id)
    .bind(org_id)
    .bind(m.kind.code());
    let id: i64 = bind_content(insert, m, &content.body_html, &content.body_text)
        .bind(&stamp)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    set_columns(tx, id, &content.columns).await?;
    let found = screening::record_findings_on(tx, id, None).await?;
    if !found.is_empty() {
        return Err(StoreError::conflict_with(
            ErrorCode::ReportScreeningFindings,
            &[("findings", &describe_findings(&found))],
        ));
    }
    // The files made from the same figures (the report's PDF and workbook), as attachments.
    for f in files {
        sqlx::query(
            "INSERT INTO attachments (record_id, sha256, file_name, kind, size_bytes, text,
                created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(&f.sha256)
        .bind(gongkai_domain::files::clean_file_name(&f.file_name))
        .bind(&f.kind)
        .bind(f.size_bytes)
        .bind(&f.text)
        .bind(&stamp)
        .execute(&mut **tx)
        .await?;
    }
    let year = beijing_date(at).year();
    let serial = next_serial(tx, org_id, year).await?;
    let index_no = target.format.format(&target.organ_code, year, serial)?;
    sqlx::query(
        "UPDATE records SET status = 'published', index_no = $1, published_at = $2, disclosure = 'proactive',
            publication_announced = 1 WHERE id = $3",
    )
    .bind(index_no.as_str())
    .bind(&stamp)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    log(
        tx,
        store,
        actor,
        "record.generate",
        id,
        serde_json::json!({ "title": m.title, "index_no": index_no.as_str() }),
    )
    .await?;
    Ok((id, index_no))
}

/// Replaces a published record's content with an approved correction inside `tx`: the
/// previous title and body go to the history (`record_revisions`), the revision number rises,
/// the change note becomes public, and the change is audited (with `detail`) and emitted on the
/// feed so the search index and page caches follow. Returns the new revision number. The
/// caller has judged the correction (see `crate::corrections::approve`).
pub(crate) async fn apply_correction(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    id: i64,
    content: &Content,
    change_note: &str,
    mut detail: serde_json::Value,
) -> Result<i64> {
    let (_, _, org_id) = load_for_action(tx, id).await?;
    check_doc_number(tx, org_id, &content.meta.doc_number, Some(id)).await?;
    let old =
        sqlx::query("SELECT revision, title, body_html, change_note FROM records WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let revision: i64 = old.try_get("revision")?;
    sqlx::query(
        "INSERT INTO record_revisions (record_id, revision, title, body_html, change_note, replaced_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(revision)
    .bind(old.try_get::<String, _>("title")?)
    .bind(old.try_get::<String, _>("body_html")?)
    .bind(old.try_get::<String, _>("change_note")?)
    .bind(ts(now()))
    .execute(&mut **tx)
    .await?;
    let m = &content.meta;
    let update = sqlx::query(
        "UPDATE records SET title = $1, doc_number = $2, written_on = $3, theme = $4, genre = $5, keywords = $6,
            source = $7, summary = $8, validity = $9, disclosure_method = $10, body_html = $11, body_text = $12,
            change_note = $13, revision = revision + 1, updated_at = $14 WHERE id = $15",
    );
    bind_content(update, m, &content.body_html, &content.body_text)
        .bind(change_note.trim())
        .bind(ts(now()))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    set_columns(tx, id, &content.columns).await?;
    detail["revision"] = (revision + 1).into();
    detail["change_note"] = change_note.trim().into();
    log(tx, store, actor, "record.revise", id, detail).await?;
    Ok(revision + 1)
}

/// Withdraws a published record with a public reason; its page stays, marked.
pub async fn withdraw(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    id: i64,
    reason: &str,
) -> Result<()> {
    if reason.trim().chars().count() < 2 {
        return Err(StoreError::conflict(
            ErrorCode::RecordWithdrawalReasonRequired,
        ));
    }
    let mut tx = store.begin_write().await?;
    let (status, author, _) = load_for_action(&mut tx, id).await?;
    status.apply(RecordAction::Withdraw, author == Some(user_id))?;
    sqlx::query("UPDATE records SET status = 'withdrawn', withdrawn_reason = $1, updated_at = $2 WHERE id = $3")
        .bind(reason.trim())
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    log(
        &mut tx,
        store,
        actor,
        "record.withdraw",
        id,
        serde_json::json!({ "reason": reason.trim() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes 有效性 (失效 / 废止 with the date and, optionally, the record that replaces it).
pub async fn set_validity(
    store: &Store,
    actor: &Actor,
    id: i64,
    validity: Validity,
    on: NaiveDate,
    superseded_by: Option<i64>,
) -> Result<()> {
    if superseded_by == Some(id) {
        return Err(StoreError::conflict(ErrorCode::RecordSupersededBySelf));
    }
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE records SET validity = $1, validity_changed_on = $2, superseded_by = $3, updated_at = $4 WHERE id = $5")
        .bind(validity.code())
        .bind(on.to_string())
        .bind(superseded_by)
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    log(
        &mut tx,
        store,
        actor,
        "record.validity",
        id,
        serde_json::json!({ "validity": validity.code(), "on": on.to_string(), "superseded_by": superseded_by }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Earlier revisions of a record, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// Revision number.
    pub revision: i64,
    /// Title at that revision.
    pub title: String,
    /// Its change note.
    pub change_note: String,
    /// When it was replaced.
    pub replaced_at: String,
}

column::from_row!(Revision => revision, title, change_note, replaced_at);

/// The history of a record: its earlier revisions, newest first. A record still at its first
/// revision has none (a correction archives the old text and raises the number in one
/// transaction), so nothing is read for it.
pub async fn revisions(store: &Store, record: &Record) -> Result<Vec<Revision>> {
    if record.revision <= 1 {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT revision, title, change_note, replaced_at FROM record_revisions WHERE record_id = ",
    );
    q.int(record.id).push(" ORDER BY revision DESC");
    sql::read(store, &q).await
}

/// What a public listing filters on. Empty fields do not filter. Hashable, so a listing's total
/// can be kept per filter by the web layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PublicFilter {
    /// Site (root organisation) id.
    pub site_id: Option<i64>,
    /// Column slug, including its sub-columns when it has any.
    pub columns: Vec<String>,
    /// Publishing organisation id.
    pub org_id: Option<i64>,
    /// Theme code or prefix (a top category includes its sub-categories).
    pub theme: Option<String>,
    /// Year of publication (Beijing time).
    pub year: Option<i32>,
    /// Kind code.
    pub kind: Option<String>,
}

/// Appends `visibility` as SQL over the records aliased `r` (starting with ` AND `): the same
/// definition [`Visibility::admits`] applies in memory.
pub fn push_visibility(q: &mut Sql, visibility: Visibility, at: DateTime<Utc>) {
    q.push(" AND r.status IN ")
        .text_list(visibility.statuses.iter().map(|s| s.code()))
        .push(" AND r.disclosure = ")
        .text(Visibility::DISCLOSURE.code());
    if visibility.timed {
        q.push(" AND r.published_at IS NOT NULL AND r.published_at <= ")
            .text(ts(at));
    }
}

fn push_public_conditions(q: &mut Sql, f: &PublicFilter, at: DateTime<Utc>) {
    q.push(" WHERE 1 = 1");
    push_visibility(q, Visibility::LISTED, at);
    if let Some(site) = f.site_id {
        q.push(" AND r.site_id = ").int(site);
    }
    if let Some(org) = f.org_id {
        q.push(" AND r.org_id = ").int(org);
    }
    if let Some(kind) = &f.kind {
        q.push(" AND r.kind = ").text(kind.as_str());
    }
    if let Some(theme) = &f.theme {
        q.push(" AND (r.theme = ").text(theme.as_str());
        // A top category includes its sub-categories (`综合政务\\…`). `!` is the LIKE escape so
        // that the `\\` separator is literal on both engines.
        let escaped = theme
            .replace('!', "!!")
            .replace('%', "!%")
            .replace('_', "!_");
        q.push(" OR r.theme LIKE ")
            .text(format!("{escaped}\\%"))
            .push(" ESCAPE '!'");
        q.push(")");
    }
    if let Some(year) = f.year {
        // Beijing year: the UTC instants from Dec 31 16:00 of the year before.
        q.push(" AND r.published_at >= ")
            .text(format!("{:04}-12-31T16:00:00.000000Z", year - 1));
        q.push(" AND r.published_at < ")
            .text(format!("{year:04}-12-31T16:00:00.000000Z"));
    }
    if !f.columns.is_empty() {
        // An uncorrelated IN-subquery: the correlated EXISTS form met a planner path in the
        // bundled SQLite that skipped a row between LIMIT/OFFSET pages.
        q.push(" AND r.id IN (SELECT c.record_id FROM record_columns c WHERE c.column_slug IN ")
            .text_list(f.columns.iter().cloned())
            .push(")");
    }
}

/// A line in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Database id.
    pub id: i64,
    /// 索引号.
    pub index_no: String,
    /// 名称.
    pub title: String,
    /// 文号.
    pub doc_number: String,
    /// 发布机构.
    pub org_name: String,
    /// Publication instant (serialised in the storage format).
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub published_at: DateTime<Utc>,
    /// Kind.
    pub kind: RecordKind,
    /// 有效性.
    pub validity: Validity,
    /// 主题分类.
    pub theme: String,
    /// 内容概述 or the start of the body.
    pub summary: String,
}

/// Public records matching `filter`, newest first; returns one page and the total.
pub async fn list_public(
    store: &Store,
    filter: &PublicFilter,
    at: DateTime<Utc>,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Summary>, i64)> {
    let total = count_listed(store, filter, at).await?;
    Ok((page_public(store, filter, at, page, per_page).await?, total))
}

/// How many public records match `filter` (the total a listing pages through).
pub async fn count_listed(store: &Store, filter: &PublicFilter, at: DateTime<Utc>) -> Result<i64> {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM records r");
    push_public_conditions(&mut count, filter, at);
    Ok(count.query().fetch_one(store.pool()).await?.try_get("n")?)
}

/// One page of the public records matching `filter`, newest first, without counting them all
/// (the home page's latest and the feeds need no total).
pub async fn page_public(
    store: &Store,
    filter: &PublicFilter,
    at: DateTime<Utc>,
    page: i64,
    per_page: i64,
) -> Result<Vec<Summary>> {
    let mut q = Sql::new(
        "SELECT r.id, r.index_no, r.title, r.doc_number, o.name AS org_name, r.published_at, r.kind, r.validity,
                r.theme, r.summary, SUBSTR(r.body_text, 1, 120) AS excerpt
         FROM records r JOIN organisations o ON o.id = r.org_id",
    );
    push_public_conditions(&mut q, filter, at);
    let per_page = per_page.clamp(1, 100);
    q.push(" ORDER BY r.published_at DESC, r.id DESC LIMIT ")
        .int(per_page)
        .push(" OFFSET ")
        .int(gongkai_domain::paging::offset(page, per_page).unwrap_or(i64::MAX));
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            let summary: String = r.try_get("summary")?;
            let excerpt: String = r.try_get("excerpt")?;
            Ok(Summary {
                id: r.try_get("id")?,
                index_no: r
                    .try_get::<Option<String>, _>("index_no")?
                    .unwrap_or_default(),
                title: r.try_get("title")?,
                doc_number: r.try_get("doc_number")?,
                org_name: r.try_get("org_name")?,
                published_at: column::opt_timestamp(r, "published_at")?.ok_or_else(|| {
                    StoreError::Corrupt("published_at：公开信息缺少发布时间".into())
                })?,
                kind: column::code(r, "kind", RecordKind::parse)?,
                validity: column::code(r, "validity", Validity::parse)?,
                theme: r.try_get("theme")?,
                summary: if summary.is_empty() { excerpt } else { summary },
            })
        })
        .collect()
}

/// Years in which a site published something, newest first (for the year filter). One query:
/// each UTC year's earliest and latest publication tell the Beijing years it holds (a record
/// published from 16:00 UTC on 31 December belongs to the next Beijing year).
pub async fn public_years(store: &Store, site_id: i64, at: DateTime<Utc>) -> Result<Vec<i32>> {
    let mut q = Sql::new(
        "SELECT SUBSTR(r.published_at, 1, 4) AS y, MIN(r.published_at) AS first,
                MAX(r.published_at) AS last
         FROM records r WHERE r.site_id = ",
    );
    q.int(site_id);
    push_visibility(&mut q, Visibility::LISTED, at);
    q.push(" AND r.published_at IS NOT NULL GROUP BY SUBSTR(r.published_at, 1, 4)");
    let mut years = Vec::new();
    for row in q.query().fetch_all(store.pool()).await? {
        let (y, first, last): (String, String, String) = (
            row.try_get("y")?,
            row.try_get("first")?,
            row.try_get("last")?,
        );
        let Ok(y) = y.parse::<i32>() else { continue };
        let new_year = format!("{y:04}-12-31T16:00:00.000000Z");
        if first < new_year {
            years.push(y);
        }
        if last >= new_year {
            years.push(y + 1);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// Public interpretations of a policy, without their plain text (`body_text` is empty).
pub async fn interpretations(
    store: &Store,
    policy_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<Record>> {
    let mut q = Sql::new(format!("{SELECT_WITHOUT_TEXT} WHERE r.interprets_id = "));
    q.int(policy_id);
    push_visibility(&mut q, Visibility::LISTED, at);
    q.push(" ORDER BY r.published_at");
    sql::read(store, &q).await
}

/// Records in the given organisations with one of the statuses, newest change first (staff lists).
pub async fn list_for_staff(
    store: &Store,
    org_ids: &[i64],
    statuses: &[RecordStatus],
    limit: i64,
) -> Result<Vec<Record>> {
    if org_ids.is_empty() || statuses.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(format!("{SELECT} WHERE r.org_id IN "));
    q.int_list(org_ids.iter().copied())
        .push(" AND r.status IN ")
        .text_list(statuses.iter().map(|s| s.code()))
        .push(" ORDER BY r.updated_at DESC LIMIT ")
        .int(limit);
    sql::all(q.query(), store.pool()).await
}

/// Why a draft was sent back, by whom and when: the reviewer's reason from the last 退回修改,
/// shown to the author until the draft is submitted again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Returned {
    /// The reviewer's reason.
    pub reason: String,
    /// Who returned it.
    pub by: String,
    /// When (storage timestamp).
    pub at: String,
}

/// The return in force on record `id`: the last of its submissions and returns, when that is
/// a return. (The audit log is the record of the workflow; this reads its newest step.)
pub async fn returned(store: &Store, id: i64) -> Result<Option<Returned>> {
    let row = sqlx::query(
        "SELECT action, actor, at, detail FROM audit_log
         WHERE object_type = 'record' AND object_id = $1
           AND action IN ('record.submit', 'record.reject', 'record.approve')
         ORDER BY seq DESC LIMIT 1",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<String, _>("action")? != "record.reject" {
        return Ok(None);
    }
    let detail: serde_json::Value =
        serde_json::from_str(&row.try_get::<String, _>("detail")?).unwrap_or_default();
    Ok(Some(Returned {
        reason: detail["reason"].as_str().unwrap_or_default().to_owned(),
        by: row.try_get("actor")?,
        at: row.try_get("at")?,
    }))
}

/// The drafts of `author_id` that a reviewer sent back, with the return, newest change first
/// (at most 50: a dashboard list).
pub async fn returned_drafts_of(store: &Store, author_id: i64) -> Result<Vec<(Record, Returned)>> {
    let drafts: Vec<Record> = sql::all(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE r.author_id = $1 AND r.status = 'draft' ORDER BY r.updated_at DESC LIMIT 50"
        )))
        .bind(author_id),
        store.pool(),
    )
    .await?;
    let mut out = Vec::new();
    for r in drafts {
        if let Some(back) = returned(store, r.id).await? {
            out.push((r, back));
        }
    }
    Ok(out)
}

/// A published record coming from another system (an existing site's content).
#[derive(Debug, Clone)]
pub struct Imported {
    /// Stable key `<source>:<id>`; a second import with the same key changes nothing.
    pub source_key: String,
    /// Metadata.
    pub meta: RecordMeta,
    /// Sanitised body HTML.
    pub body_html: String,
    /// Plain text.
    pub body_text: String,
    /// Original publication instant.
    pub published_at: DateTime<Utc>,
    /// Columns.
    pub columns: Vec<String>,
    /// The original index number, kept when given (its serial is then reserved).
    pub index_no: Option<IndexNo>,
}

/// What an import did with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new published record.
    Created,
    /// Already imported earlier: nothing changed.
    Unchanged,
    /// Refused, with the reason (say, its 索引号 belongs to another record); the rest of the
    /// batch goes on.
    Refused(String),
}

/// Imports a batch of published 主动公开 records for `org_id` in one transaction; rows whose
/// key was imported before are skipped. Each new row is screened like any submission (title and
/// body against the domain's rules and the site's negative list): a row with findings is refused
/// with them listed, unless `allow_findings` gives the written justification to publish anyway
/// (audited with the batch). Returns the outcome per row.
pub async fn import_batch(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    rows: &[Imported],
    allow_findings: Option<&str>,
) -> Result<Vec<ImportOutcome>> {
    let org = orgs::by_id(store, org_id).await?;
    let site_id = orgs::site_of(store, org_id).await?;
    let site = orgs::by_id(store, site_id).await?;
    let format = index_format(store, &site.code).await?;
    let negatives = screening::negative_terms(store, site_id).await?;
    let mut tx = store.begin_write().await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut published_with_findings = 0usize;
    let at = ts(now());
    for row in rows {
        if sql::exists(
            sqlx::query("SELECT id FROM records WHERE source_key = $1").bind(&row.source_key),
            &mut *tx,
        )
        .await?
        {
            out.push(ImportOutcome::Unchanged);
            continue;
        }
        let findings = gongkai_domain::screening::scan_parts(
            [
                ("标题", row.meta.title.as_str()),
                ("正文", row.body_text.as_str()),
            ],
            &negatives,
        );
        if !findings.is_empty() {
            let refusal = match allow_findings {
                None => Some(format!(
                    "内容审查发现疑似敏感信息：{}；请核对后修改，或确认可以公开时以 --allow-findings 写明理由",
                    describe_findings(&findings)
                )),
                Some(reason) => gongkai_domain::screening::require_note(findings.len(), reason)
                    .err()
                    .map(|e| e.to_string()),
            };
            if let Some(reason) = refusal {
                out.push(ImportOutcome::Refused(reason));
                continue;
            }
            published_with_findings += 1;
        }
        let year = beijing_date(row.published_at).year();
        if let Some(n) = &row.index_no
            && sql::exists(
                sqlx::query("SELECT id FROM records WHERE index_no = $1").bind(n.as_str()),
                &mut *tx,
            )
            .await?
        {
            out.push(ImportOutcome::Refused(format!(
                "索引号 {} 已被其他信息使用（索引号一经分配不再重复使用）",
                n.as_str()
            )));
            continue;
        }
        let index_no = match &row.index_no {
            Some(n) => {
                let serial = n
                    .as_str()
                    .rsplit(['-', '/'])
                    .next()
                    .and_then(|s| s.parse::<i64>().ok());
                if let (Some(serial), Some(y)) = (serial, n.year()) {
                    reserve_serial(&mut tx, org_id, y, serial).await?;
                }
                n.clone()
            }
            None => format.format(&org.code, year, next_serial(&mut tx, org_id, year).await?)?,
        };
        let m = &row.meta;
        let insert = sqlx::query(
            "INSERT INTO records (site_id, org_id, kind, status, index_no, published_at, title, doc_number, written_on,
                theme, genre, keywords, source, summary, validity, disclosure_method, body_html, body_text, disclosure,
                source_key, created_at, updated_at)
             VALUES ($1, $2, $3, 'published', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'proactive', $18, $19, $19)
             RETURNING id",
        )
        .bind(site_id)
        .bind(org_id)
        .bind(m.kind.code())
        .bind(index_no.as_str())
        .bind(ts(row.published_at));
        let id: i64 = bind_content(insert, m, &row.body_html, &row.body_text)
            .bind(&row.source_key)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        set_columns(&mut tx, id, &row.columns).await?;
        feed::emit(&mut tx, "record", &id.to_string(), "record.import").await?;
        out.push(ImportOutcome::Created);
    }
    let created = out.iter().filter(|o| **o == ImportOutcome::Created).count();
    audit::Change::new("record.import", "organisation", &org.code)
        .with_detail(serde_json::json!({
            "rows": rows.len(),
            "created": created,
            "published_with_findings": published_with_findings,
            "screening_note": allow_findings.map(str::trim),
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(out)
}

/// The findings of a refused row, in a line: where, what, and the matched text as screening
/// shows it (masked).
pub(crate) fn describe_findings(findings: &[gongkai_domain::screening::Finding]) -> String {
    const SHOWN: usize = 5;
    let mut distinct: Vec<String> = Vec::new();
    for f in findings {
        let line = format!("{}{}“{}”", f.location, f.label, f.matched);
        if !distinct.contains(&line) {
            distinct.push(line);
        }
    }
    let more = distinct.len() > SHOWN;
    distinct.truncate(SHOWN);
    if more || findings.len() > distinct.len() {
        distinct.push(format!("共 {} 处", findings.len()));
    }
    distinct.join("，")
}

/// Number of public records of a site (for the home page and health of the catalogue).
pub async fn count_public(store: &Store, site_id: i64, at: DateTime<Utc>) -> Result<i64> {
    let f = PublicFilter {
        site_id: Some(site_id),
        ..PublicFilter::default()
    };
    Ok(list_public(store, &f, at, 1, 1).await?.1)
}

/// Ids of every record the search index should hold (published 主动公开, including those
/// scheduled for later: the search filters by publication time), in id order after `after`.
pub async fn searchable_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    let mut q = Sql::new("SELECT r.id FROM records r WHERE r.id > ");
    q.int(after);
    push_visibility(&mut q, Visibility::SEARCHABLE, now());
    q.push(" ORDER BY r.id LIMIT ").int(limit);
    q.query()
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get("id")?))
        .collect()
}

/// Adds searches that found something to 热门搜索: `counted` holds, per site and query, how many
/// times it was searched since the last call. One transaction.
pub async fn count_searches(store: &Store, counted: &[((i64, String), i64)]) -> Result<()> {
    if counted.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    for ((site_id, query), n) in counted {
        sqlx::query(
            "INSERT INTO site_search_queries (site_id, query, hits, last_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site_id, query) DO UPDATE SET hits = site_search_queries.hits + excluded.hits,
             last_at = excluded.last_at",
        )
        .bind(*site_id)
        .bind(query.as_str())
        .bind(*n)
        .bind(at.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The site's most searched queries that found something, most frequent first.
pub async fn popular_searches(store: &Store, site_id: i64, limit: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT query FROM site_search_queries WHERE site_id = $1
         ORDER BY hits DESC, last_at DESC LIMIT $2",
    )
    .bind(site_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// The index number of the first published record titled `title` of the organisation
/// `org_id`, if any (the demo files its records under catalogue rows by title).
pub async fn index_no_by_title(store: &Store, org_id: i64, title: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT index_no FROM records WHERE title = $1 AND org_id = $2
         AND status = 'published' AND index_no IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(title)
    .bind(org_id)
    .fetch_optional(store.pool())
    .await?)
}
