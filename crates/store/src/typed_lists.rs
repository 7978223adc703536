//! Typed public lists (`gongkai_domain::typed_list`) as each site keeps them: the list types an
//! administrator defined (the built-in ones are the domain's, the same on every site, never
//! stored), and the rows of every list with their review state, validity, 公示 end and version.
//!
//! Every change is one write transaction with its audit entry (in the row's site) and a
//! `list_row` row on the change feed, so the page cache and the search index follow. Who sees a
//! row is written once as SQL ([`push_public`]) beside the domain's in-memory rule
//! ([`typed_list::is_public`]); the store's tests run both over every case.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::basic_catalogue::Timeliness;
use gongkai_domain::calendar::{Calendar, RegionCode};
use gongkai_domain::screening::{Finding, Justification};
use gongkai_domain::time::beijing_date;
use gongkai_domain::typed_list::{
    self, Cells, FieldKind, RowAction, RowStatus, Schema, Validity, builtin,
};
use serde::Serialize;
use sqlx::Row;

use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, audit, column, feed, now, ts};

/// The change feed's object type of a row (and of a list type's definition).
pub const FEED_TYPE: &str = "list_row";

/// Most rows one page of a listing reads.
pub const MAX_PAGE_ROWS: i64 = 200;

/// A list type of a site: a built-in one or one its administrator defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListType {
    /// Its schema.
    pub schema: Schema,
    /// Whether it is one of the built-in types.
    pub builtin: bool,
}

/// The list types of the site: the built-in ones, then those its administrator defined, by code.
pub async fn types(store: &Store, site_id: i64) -> Result<Vec<ListType>> {
    let mut out: Vec<ListType> = builtin::all()
        .into_iter()
        .map(|schema| ListType { schema, builtin: true })
        .collect();
    let rows = sqlx::query("SELECT schema_json FROM list_types WHERE site_id = $1 ORDER BY code")
        .bind(site_id)
        .fetch_all(store.pool())
        .await?;
    for row in rows {
        out.push(ListType {
            schema: read_schema(&row.try_get::<String, _>("schema_json")?)?,
            builtin: false,
        });
    }
    Ok(out)
}

fn read_schema(json: &str) -> Result<Schema> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("list_types：{e}")))
}

/// The schema of the site's list `code`, or NotFound.
pub async fn schema(store: &Store, site_id: i64, code: &str) -> Result<Schema> {
    if let Some(s) = builtin::by_code(code) {
        return Ok(s);
    }
    let json: Option<String> =
        sqlx::query_scalar("SELECT schema_json FROM list_types WHERE site_id = $1 AND code = $2")
            .bind(site_id)
            .bind(code)
            .fetch_optional(store.pool())
            .await?;
    match json {
        Some(json) => read_schema(&json),
        None => Err(StoreError::NotFound {
            what: format!("清单“{code}”"),
        }),
    }
}

/// Adds a list type the site's administrator defined (checked by the domain; a built-in code
/// or one the site already has is refused), audited as `list.define`.
pub async fn define(store: &Store, actor: &Actor, site_id: i64, schema: &Schema) -> Result<()> {
    schema.check()?;
    if builtin::by_code(&schema.code).is_some() {
        return Err(StoreError::conflict_with(
            ErrorCode::ListCodeBuiltin,
            &[("code", &schema.code)],
        ));
    }
    let json = serde_json::to_string(schema).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    let done = sqlx::query(
        "INSERT INTO list_types (site_id, code, name, schema_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(site_id)
    .bind(&schema.code)
    .bind(&schema.name)
    .bind(json)
    .bind(at)
    .execute(&mut *tx)
    .await;
    match done {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(StoreError::conflict_with(
                ErrorCode::ListCodeTaken,
                &[("code", &schema.code)],
            ));
        }
        Err(e) => return Err(e.into()),
    }
    feed::emit(&mut tx, FEED_TYPE, &schema.code, "define").await?;
    audit::Change::new("list.define", "list_type", &schema.code)
        .in_org(site_id)
        .with_detail(serde_json::json!({ "name": schema.name, "fields": schema.fields.len() }))
        .commit(tx, store, actor)
        .await
}

/// A row as stored, with its organisation's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListRow {
    /// Database id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: i64,
    /// Its list's code.
    pub type_code: String,
    /// The organisation it is filed under (its first organisation cell, else its author's).
    pub org_id: i64,
    /// That organisation's name.
    pub org_name: String,
    /// Its title (unmasked: staff only).
    pub title: String,
    /// Its cells, unmasked (staff only; the public side reads them through the schema).
    pub cells: Cells,
    /// Its review state.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: RowStatus,
    /// 有效性.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub validity: Validity,
    /// Who last wrote it.
    pub author_id: Option<i64>,
    /// Who approved or returned it last.
    pub reviewer_id: Option<i64>,
    /// Why it was returned.
    pub return_reason: String,
    /// The reviewer's justification for publishing despite screening findings.
    pub screening_note: String,
    /// When it was published.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub published_at: Option<DateTime<Utc>>,
    /// When its 公示 ends (a 公示 list's row only).
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub gongshi_until: Option<DateTime<Utc>>,
    /// Whether the end of its 公示 has been recorded (audited, feed row written).
    pub gongshi_ended: bool,
    /// For 执法公示: 决定类别.
    pub decision_kind: String,
    /// For 执法公示: 决定日期.
    pub decided_on: Option<NaiveDate>,
    /// Raised by every change; an edit names the version it was made on.
    pub version: i64,
    /// Last change.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub updated_at: DateTime<Utc>,
}

column::from_row!(ListRow(row) => id, site_id, type_code, org_id, org_name, title, status,
    validity, author_id, reviewer_id, return_reason, screening_note, published_at,
    gongshi_until, gongshi_ended, decision_kind, decided_on, version, updated_at;
    cells: read_cells(row)?);

fn read_cells(row: &impl crate::column::Cells) -> Result<Cells> {
    let json: String = row.cell("cells")?;
    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("list_rows.cells：{e}")))
}

impl ListRow {
    /// Whether the row is on the public side at `at` (the domain's rule).
    pub fn is_public(&self, at: DateTime<Utc>) -> bool {
        typed_list::is_public(self.status, self.gongshi_until, at)
    }
}

const SELECT: &str = "SELECT l.id, l.site_id, l.type_code, l.org_id, o.name AS org_name, \
     l.title, l.cells, l.status, l.validity, l.author_id, l.reviewer_id, l.return_reason, \
     l.screening_note, l.published_at, l.gongshi_until, l.gongshi_ended, l.decision_kind, \
     l.decided_on, l.version, l.updated_at FROM list_rows l JOIN organisations o ON o.id = l.org_id";

/// Appends the public side's rule as SQL over the rows aliased `l` (starting with ` AND `):
/// published, and for a 公示 row only before its end — the same rule as
/// [`typed_list::is_public`].
pub fn push_public(q: &mut Sql, at: DateTime<Utc>) {
    q.push(" AND l.status = ")
        .text(typed_list::PUBLIC_STATUS.code())
        .push(" AND (l.gongshi_until IS NULL OR l.gongshi_until > ")
        .text(ts(at))
        .push(")");
}

/// What a row's cells are as the store keeps them: checked by the schema (the caller's
/// [`Schema::check_row`]), their validity, and the organisation the row is filed under when no
/// organisation cell names one.
#[derive(Debug, Clone)]
pub struct RowInput<'a> {
    /// The list's schema.
    pub schema: &'a Schema,
    /// The checked cells.
    pub cells: &'a Cells,
    /// 有效性.
    pub validity: Validity,
    /// The organisation of the member of staff writing it.
    pub default_org: i64,
    /// The organisations the writer may file rows under (`None`: any of the site's).
    pub scope: Option<&'a [i64]>,
}

/// The columns a row's cells decide: its organisation (its first organisation cell, which must
/// be an organisation of the site and in the writer's scope), title, the text the public may
/// search, and for 执法公示 the decision's kind and date.
struct Derived {
    org_id: i64,
    title: String,
    public_text: String,
    decision_kind: String,
    decided_on: Option<String>,
    cells_json: String,
}

async fn derive(tx: &mut Tx, site_id: i64, input: &RowInput<'_>) -> Result<Derived> {
    let mut org_id = input.default_org;
    for field in input
        .schema
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::OrgLink)
    {
        let Some(code) = input.cells.get(&field.key) else {
            continue;
        };
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1 AND site_id = $2")
                .bind(code)
                .bind(site_id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some(found) = found else {
            return Err(StoreError::conflict_with(
                ErrorCode::ListOrgUnknown,
                &[("label", &field.label), ("code", code)],
            ));
        };
        if org_id == input.default_org {
            org_id = found;
        }
    }
    if input.scope.is_some_and(|s| !s.contains(&org_id)) {
        return Err(StoreError::conflict(ErrorCode::ListOrgOutOfScope));
    }
    let is_enforcement = input.schema.code == builtin::ENFORCEMENT;
    let cell = |k: &str| input.cells.get(k).cloned();
    Ok(Derived {
        org_id,
        title: input.schema.title_of(input.cells),
        public_text: input.schema.public_text(input.cells),
        decision_kind: if is_enforcement {
            cell(builtin::DECISION_KIND).unwrap_or_default()
        } else {
            String::new()
        },
        decided_on: if is_enforcement {
            cell(builtin::DECISION_DATE)
        } else {
            None
        },
        cells_json: serde_json::to_string(input.cells)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// Adds a row to the site's list as a draft of `author_id`, audited as `list.row_create`;
/// returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    author_id: Option<i64>,
    site_id: i64,
    input: &RowInput<'_>,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let id = insert(&mut tx, author_id, site_id, input, RowStatus::Draft).await?;
    feed::emit(&mut tx, FEED_TYPE, &id.to_string(), "create").await?;
    audit::Change::new("list.row_create", "list_row", id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "list": input.schema.code }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

async fn insert(
    tx: &mut Tx,
    author_id: Option<i64>,
    site_id: i64,
    input: &RowInput<'_>,
    status: RowStatus,
) -> Result<i64> {
    let d = derive(tx, site_id, input).await?;
    let at = ts(now());
    Ok(sqlx::query_scalar(
        "INSERT INTO list_rows (site_id, type_code, org_id, title, cells, public_text, status,
            validity, author_id, decision_kind, decided_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(site_id)
    .bind(&input.schema.code)
    .bind(d.org_id)
    .bind(d.title)
    .bind(d.cells_json)
    .bind(d.public_text)
    .bind(status.code())
    .bind(input.validity.code())
    .bind(author_id)
    .bind(d.decision_kind)
    .bind(d.decided_on)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?)
}

/// The state of a row a step judges, read inside the step's transaction.
struct Current {
    status: RowStatus,
    author_id: Option<i64>,
    version: i64,
    org_id: i64,
    cells: String,
    validity: String,
}

async fn current(tx: &mut Tx, site_id: i64, id: i64) -> Result<Current> {
    let row = sqlx::query(
        "SELECT status, author_id, version, org_id, cells, validity FROM list_rows \
         WHERE id = $1 AND site_id = $2",
    )
    .bind(id)
    .bind(site_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(not_found)?;
    Ok(Current {
        status: column::Column::read(&row, "status")?,
        author_id: row.try_get("author_id")?,
        version: row.try_get("version")?,
        org_id: row.try_get("org_id")?,
        cells: row.try_get("cells")?,
        validity: row.try_get("validity")?,
    })
}

impl Current {
    /// Whether the writer's scope holds the organisation the row is filed under now (a row of
    /// another organisation is never taken over by naming one's own in its cells).
    fn in_scope(&self, scope: Option<&[i64]>) -> bool {
        scope.is_none_or(|s| s.contains(&self.org_id))
    }

    /// The stored cells.
    fn cells(&self) -> Result<Cells> {
        serde_json::from_str(&self.cells)
            .map_err(|e| StoreError::Corrupt(format!("list_rows.cells：{e}")))
    }
}

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: "该清单条目".into(),
    }
}

/// Changes a row's cells and validity as `editor_id`, on the version they read: a row changed
/// by someone else since is refused ([`ErrorCode::ListRowStale`]), not overwritten. A draft is
/// edited only by its author; a published (or withdrawn) row goes back to 草稿 under its new
/// author and leaves the public side until approved again. Audited as `list.row_save`.
pub async fn update(
    store: &Store,
    actor: &Actor,
    editor_id: i64,
    site_id: i64,
    id: i64,
    version: i64,
    input: &RowInput<'_>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let cur = current(&mut tx, site_id, id).await?;
    if !cur.in_scope(input.scope) {
        return Err(StoreError::conflict(ErrorCode::ListOrgOutOfScope));
    }
    if cur.version != version {
        return Err(StoreError::conflict(ErrorCode::ListRowStale));
    }
    let status = cur
        .status
        .apply(RowAction::Edit, cur.author_id == Some(editor_id))?;
    edit(&mut tx, site_id, id, version, editor_id, status, input).await?;
    feed::emit(&mut tx, FEED_TYPE, &id.to_string(), "save").await?;
    audit::Change::new("list.row_save", "list_row", id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "version": version + 1, "from": cur.status.code() }))
        .commit(tx, store, actor)
        .await
}

/// How many rows an import added, changed and left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// New drafts.
    pub added: usize,
    /// Rows changed (back to 草稿 under the importer, as an edit).
    pub changed: usize,
    /// Rows with a 编号 whose cells and validity were those stored (not touched).
    pub unchanged: usize,
}

/// One row of an import: where it stands in the workbook (e.g. `工作表“清单”第 3 行`, named
/// in a refusal), its 编号 when it changes an existing row, and its checked cells.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Its sheet and row, as a refusal names them.
    pub place: String,
    /// Its 编号, if it changes an existing row.
    pub id: Option<i64>,
    /// Its checked cells.
    pub cells: Cells,
}

/// Imports checked rows into the site's list as `author_id`, all or nothing in one
/// transaction: a row without a number is added as a draft, a row with one changes that row
/// of this list by the edit rule (a draft only by its author; a published row goes back to
/// 草稿) unless its cells and validity are those stored (then it is left alone and counted as
/// unchanged). A number not found, a row filed under an organisation outside the importer's
/// scope, a row not editable, or an attachment cell that is not the row's stored file refuses
/// the whole import, naming the sheet and row. Audited once as `list.import` with the counts.
pub async fn import(
    store: &Store,
    actor: &Actor,
    author_id: i64,
    site_id: i64,
    rows: &[ImportRow],
    base: &RowInput<'_>,
) -> Result<Imported> {
    let mut tx = store.begin_write().await?;
    let mut done = Imported::default();
    let attachments: Vec<&typed_list::Field> = base
        .schema
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Attachment)
        .collect();
    for row in rows {
        let input = RowInput {
            cells: &row.cells,
            ..base.clone()
        };
        let refused = |id: &(dyn std::fmt::Display + Sync), reason: String| {
            StoreError::conflict_with(
                ErrorCode::ListImportRowRefused,
                &[("place", &row.place), ("id", id), ("reason", &reason)],
            )
        };
        // An attachment cell names a stored file by its SHA-256: an import may only keep the
        // file a row already has, never name another (hashes of public files are known).
        let attached = |stored: Option<&Cells>, id: &(dyn std::fmt::Display + Sync)| {
            for f in &attachments {
                let given = row.cells.get(&f.key);
                if given.is_some() && given != stored.and_then(|c| c.get(&f.key)) {
                    return Err(refused(
                        id,
                        format!(
                            "“{}”只能保留条目原有的附件，新附件请在条目页面上传",
                            f.label
                        ),
                    ));
                }
            }
            Ok(())
        };
        let Some(id) = row.id else {
            attached(None, &"（新）")?;
            let new = insert(&mut tx, Some(author_id), site_id, &input, RowStatus::Draft).await?;
            feed::emit(&mut tx, FEED_TYPE, &new.to_string(), "create").await?;
            done.added += 1;
            continue;
        };
        let listed: Option<String> =
            sqlx::query_scalar("SELECT type_code FROM list_rows WHERE id = $1 AND site_id = $2")
                .bind(id)
                .bind(site_id)
                .fetch_optional(&mut *tx)
                .await?;
        if listed.as_deref() != Some(input.schema.code.as_str()) {
            return Err(refused(&id, "本清单中没有该编号".into()));
        }
        let cur = current(&mut tx, site_id, id).await?;
        if !cur.in_scope(input.scope) {
            return Err(refused(&id, "该条目属于您无权限的机构".into()));
        }
        let stored = cur.cells()?;
        attached(Some(&stored), &id)?;
        if stored == row.cells && cur.validity == input.validity.code() {
            done.unchanged += 1;
            continue;
        }
        let status = cur
            .status
            .apply(RowAction::Edit, cur.author_id == Some(author_id))
            .map_err(|e| refused(&id, e.to_string()))?;
        edit(&mut tx, site_id, id, cur.version, author_id, status, &input).await?;
        feed::emit(&mut tx, FEED_TYPE, &id.to_string(), "save").await?;
        done.changed += 1;
    }
    audit::Change::new("list.import", "list_type", &base.schema.code)
        .in_org(site_id)
        .with_detail(serde_json::json!({
            "added": done.added, "changed": done.changed, "unchanged": done.unchanged,
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(done)
}

/// Writes an edit on `version` (refused as stale when the row moved on).
async fn edit(
    tx: &mut Tx,
    site_id: i64,
    id: i64,
    version: i64,
    editor_id: i64,
    status: RowStatus,
    input: &RowInput<'_>,
) -> Result<()> {
    let d = derive(tx, site_id, input).await?;
    let done = sqlx::query(
        "UPDATE list_rows SET org_id = $1, title = $2, cells = $3, public_text = $4,
            validity = $5, decision_kind = $6, decided_on = $7, status = $8, author_id = $9,
            published_at = CASE WHEN $8 = 'draft' AND status <> 'draft' THEN NULL ELSE published_at END,
            gongshi_until = CASE WHEN $8 = 'draft' AND status <> 'draft' THEN NULL ELSE gongshi_until END,
            version = version + 1, updated_at = $10
         WHERE id = $11 AND version = $12",
    )
    .bind(d.org_id)
    .bind(d.title)
    .bind(d.cells_json)
    .bind(d.public_text)
    .bind(input.validity.code())
    .bind(d.decision_kind)
    .bind(d.decided_on)
    .bind(status.code())
    .bind(editor_id)
    .bind(ts(now()))
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::conflict(ErrorCode::ListRowStale));
    }
    Ok(())
}

/// Asks for review of a draft (its author only), audited as `list.row_submit`.
pub async fn submit(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    site_id: i64,
    id: i64,
) -> Result<()> {
    step(store, actor, user_id, site_id, id, RowAction::Submit, "").await
}

/// Sends a submitted row back to its author with `reason`, audited as `list.row_return`.
pub async fn return_row(
    store: &Store,
    actor: &Actor,
    reviewer_id: i64,
    site_id: i64,
    id: i64,
    reason: &str,
) -> Result<()> {
    step(
        store,
        actor,
        reviewer_id,
        site_id,
        id,
        RowAction::Return,
        reason,
    )
    .await
}

/// Takes a published row off the public side, audited as `list.row_withdraw`.
pub async fn withdraw(
    store: &Store,
    actor: &Actor,
    reviewer_id: i64,
    site_id: i64,
    id: i64,
    reason: &str,
) -> Result<()> {
    step(
        store,
        actor,
        reviewer_id,
        site_id,
        id,
        RowAction::Withdraw,
        reason,
    )
    .await
}

async fn step(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    site_id: i64,
    id: i64,
    action: RowAction,
    reason: &str,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let cur = current(&mut tx, site_id, id).await?;
    let status = cur.status.apply(action, cur.author_id == Some(user_id))?;
    let reviewer = (action != RowAction::Submit).then_some(user_id);
    sqlx::query(
        "UPDATE list_rows SET status = $1, reviewer_id = COALESCE($2, reviewer_id),
            return_reason = $3, version = version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(status.code())
    .bind(reviewer)
    .bind(reason.trim())
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let name = match action {
        RowAction::Submit => "list.row_submit",
        RowAction::Return => "list.row_return",
        RowAction::Withdraw => "list.row_withdraw",
        RowAction::Edit | RowAction::Approve => "list.row_step",
    };
    feed::emit(&mut tx, FEED_TYPE, &id.to_string(), status.code()).await?;
    audit::Change::new(name, "list_row", id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "reason": reason.trim() }))
        .commit(tx, store, actor)
        .await
}

/// Publishes a submitted row (a reviewer who did not write it): the schema's publication
/// elements must all be there (办事指南's ten), and the public cells are screened inside the
/// transaction against the site's negative list — findings need the reviewer's written
/// justification, as for records. A 公示 list's row is public until its 公示期 has passed.
/// Audited as `list.row_approve`; returns the findings it was published with.
pub async fn approve(
    store: &Store,
    actor: &Actor,
    reviewer_id: i64,
    site_id: i64,
    id: i64,
    justification: Justification<'_>,
) -> Result<Vec<Finding>> {
    let negatives = crate::screening::negative_terms(store, site_id).await?;
    let mut tx = store.begin_write().await?;
    let cur = current(&mut tx, site_id, id).await?;
    cur.status
        .apply(RowAction::Approve, cur.author_id == Some(reviewer_id))?;
    let row = row_in(&mut tx, site_id, id).await?;
    let schema = schema_in(&mut tx, site_id, &row.type_code).await?;
    schema.check_publishable(&row.cells)?;
    let findings = schema.screen(&row.cells, &negatives);
    gongkai_domain::screening::require_justification(&findings, justification)?;
    let at = now();
    let until = schema
        .gongshi_days
        .map(|d| ts(typed_list::gongshi_end(at, d)));
    sqlx::query(
        "UPDATE list_rows SET status = $1, reviewer_id = $2, screening_note = $3,
            published_at = $4, gongshi_until = $5, gongshi_ended = 0, return_reason = '',
            version = version + 1, updated_at = $4 WHERE id = $6",
    )
    .bind(RowStatus::Published.code())
    .bind(reviewer_id)
    .bind(justification.note.trim())
    .bind(ts(at))
    .bind(&until)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    feed::emit(&mut tx, FEED_TYPE, &id.to_string(), "published").await?;
    audit::Change::new("list.row_approve", "list_row", id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({
            "list": schema.code,
            "gongshi_until": until,
            "screening_findings": findings.len(),
            "screening_note": justification.note.trim(),
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(findings)
}

async fn schema_in(tx: &mut Tx, site_id: i64, code: &str) -> Result<Schema> {
    if let Some(s) = builtin::by_code(code) {
        return Ok(s);
    }
    let json: Option<String> =
        sqlx::query_scalar("SELECT schema_json FROM list_types WHERE site_id = $1 AND code = $2")
            .bind(site_id)
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
    read_schema(&json.ok_or_else(not_found)?)
}

async fn row_in(tx: &mut Tx, site_id: i64, id: i64) -> Result<ListRow> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE l.id = $1 AND l.site_id = $2"
        )))
        .bind(id)
        .bind(site_id),
        &mut **tx,
        "该清单条目",
    )
    .await
}

/// The row `id` of the site, whatever its state (staff).
pub async fn get(store: &Store, site_id: i64, id: i64) -> Result<ListRow> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE l.id = $1 AND l.site_id = $2"
        )))
        .bind(id)
        .bind(site_id),
        store.pool(),
        "该清单条目",
    )
    .await
}

/// The row `id` of the site's list `code` if the public may see it at `at`.
pub async fn public_row(
    store: &Store,
    site_id: i64,
    code: &str,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<ListRow>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE l.id = ")
        .int(id)
        .push(" AND l.site_id = ")
        .int(site_id)
        .push(" AND l.type_code = ")
        .text(code);
    push_public(&mut q, at);
    sql::optional(q.query(), store.pool()).await
}

/// Which rows a listing shows.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    /// The site.
    pub site_id: i64,
    /// The list.
    pub type_code: String,
    /// Only rows the public sees at this instant (the public side); `None` for staff.
    pub public_at: Option<DateTime<Utc>>,
    /// Only rows in this state (staff).
    pub status: Option<RowStatus>,
    /// Only rows of these organisations (a member of staff's scope).
    pub org_ids: Option<Vec<i64>>,
    /// Choice fields and the option asked for (field key, option).
    pub choices: Vec<(String, String)>,
    /// Words the row's text must hold (the public text on the public side).
    pub query: Option<String>,
}

fn like_escaped(text: &str) -> String {
    text.replace('!', "!!")
        .replace('%', "!%")
        .replace('_', "!_")
}

fn push_filter(q: &mut Sql, f: &RowFilter) {
    q.push(" WHERE l.site_id = ")
        .int(f.site_id)
        .push(" AND l.type_code = ")
        .text(f.type_code.as_str());
    if let Some(at) = f.public_at {
        push_public(q, at);
    }
    if let Some(status) = f.status {
        q.push(" AND l.status = ").text(status.code());
    }
    if let Some(orgs) = &f.org_ids {
        q.push(" AND l.org_id IN ").int_list(orgs.iter().copied());
    }
    for (key, option) in &f.choices {
        // Cells are stored as compact JSON of strings, so a choice reads `"key":"option"`.
        let pair = serde_json::json!({ key.as_str(): option.as_str() }).to_string();
        let inner = pair.trim_start_matches('{').trim_end_matches('}');
        q.push(" AND l.cells LIKE ")
            .text(format!("%{}%", like_escaped(inner)))
            .push(" ESCAPE '!'");
    }
    if let Some(words) = f.query.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        let column = if f.public_at.is_some() {
            "l.public_text"
        } else {
            "l.cells"
        };
        for word in words.split_whitespace().take(8) {
            q.push(" AND ")
                .push(column)
                .push(" LIKE ")
                .text(format!("%{}%", like_escaped(word)))
                .push(" ESCAPE '!'");
        }
    }
}

/// One page of the rows `f` selects, newest first, and how many there are in all; `per_page`
/// is bounded by [`MAX_PAGE_ROWS`].
pub async fn list(
    store: &Store,
    f: &RowFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ListRow>, i64)> {
    let per_page = per_page.clamp(1, MAX_PAGE_ROWS);
    let offset = gongkai_domain::paging::offset(page, per_page).unwrap_or(i64::MAX);
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM list_rows l");
    push_filter(&mut count, f);
    let total: i64 = count.query().fetch_one(store.pool()).await?.try_get("n")?;
    let mut q = Sql::new(SELECT);
    push_filter(&mut q, f);
    q.push(" ORDER BY l.id DESC LIMIT ")
        .int(per_page)
        .push(" OFFSET ")
        .int(offset);
    Ok((sql::all(q.query(), store.pool()).await?, total))
}

/// How many rows one list holds in one state (a line of the back office's overview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    /// The list's code.
    pub type_code: String,
    /// The state.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: RowStatus,
    /// How many rows.
    pub rows: i64,
}

/// How many rows each list of the site holds in each state, of the organisations `org_ids`
/// (a member of staff's scope).
pub async fn status_counts(
    store: &Store,
    site_id: i64,
    org_ids: &[i64],
) -> Result<Vec<StatusCount>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q =
        Sql::new("SELECT l.type_code, l.status, COUNT(*) AS n FROM list_rows l WHERE l.site_id = ");
    q.int(site_id)
        .push(" AND l.org_id IN ")
        .int_list(org_ids.iter().copied())
        .push(" GROUP BY l.type_code, l.status");
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(StatusCount {
                type_code: r.try_get("type_code")?,
                status: column::Column::read(r, "status")?,
                rows: r.try_get("n")?,
            })
        })
        .collect()
}

/// How many rows of each list the public sees at `at` on the site, by list code (lists
/// without public rows left out).
pub async fn public_counts(
    store: &Store,
    site_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<(String, i64)>> {
    let mut q = Sql::new("SELECT l.type_code, COUNT(*) AS n FROM list_rows l WHERE l.site_id = ");
    q.int(site_id);
    push_public(&mut q, at);
    q.push(" GROUP BY l.type_code ORDER BY l.type_code");
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("type_code")?, r.try_get("n")?)))
        .collect()
}

/// The organisations (id, code, name) that public rows of the site's list `code` are filed
/// under at `at`, by name: the choices of the public list's organisation filter.
pub async fn public_orgs(
    store: &Store,
    site_id: i64,
    code: &str,
    at: DateTime<Utc>,
) -> Result<Vec<(i64, String, String)>> {
    let mut q = Sql::new(
        "SELECT DISTINCT o.id, o.code, o.name FROM list_rows l \
         JOIN organisations o ON o.id = l.org_id WHERE l.site_id = ",
    );
    q.int(site_id).push(" AND l.type_code = ").text(code);
    push_public(&mut q, at);
    q.push(" ORDER BY o.name, o.id");
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("code")?, r.try_get("name")?)))
        .collect()
}

/// Records the end of every 公示 that has passed by `at` and is not yet recorded: one
/// transaction each with a `list.gongshi_end` audit entry and a feed row, so the public pages,
/// the feeds and the search index drop the row (they already stop showing it at its end by
/// [`push_public`]; this makes the leaving visible in the audit log and to the followers).
/// Several nodes may run it: a row is recorded by whichever claims it first. Returns the ids
/// recorded, at most `limit`.
pub async fn end_gongshi(store: &Store, at: DateTime<Utc>, limit: i64) -> Result<Vec<i64>> {
    let due: Vec<(i64, i64)> = sqlx::query(
        "SELECT id, site_id FROM list_rows WHERE gongshi_ended = 0 AND gongshi_until IS NOT NULL
            AND gongshi_until <= $1 AND status = $2 ORDER BY gongshi_until LIMIT $3",
    )
    .bind(ts(at))
    .bind(RowStatus::Published.code())
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("site_id")?)))
    .collect::<Result<_>>()?;
    let mut done = Vec::new();
    for (id, site_id) in due {
        let mut tx = store.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE list_rows SET gongshi_ended = 1 WHERE id = $1 AND gongshi_ended = 0",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        feed::emit(&mut tx, FEED_TYPE, &id.to_string(), "gongshi_end").await?;
        audit::Change::new("list.gongshi_end", "list_row", id.to_string())
            .in_org(site_id)
            .commit(tx, store, &Actor::system())
            .await?;
        done.push(id);
    }
    Ok(done)
}

/// Ids of rows that may be in the search index (published; the follower asks each row whether
/// it is public now), after `after`, at most `limit`, for a rebuild.
pub async fn searchable_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    let rows =
        sqlx::query("SELECT id FROM list_rows WHERE id > $1 AND status = $2 ORDER BY id LIMIT $3")
            .bind(after)
            .bind(RowStatus::Published.code())
            .bind(limit)
            .fetch_all(store.pool())
            .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

/// The row `id` whatever its site, for the search follower.
pub async fn by_id(store: &Store, id: i64) -> Result<Option<ListRow>> {
    sql::optional(
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE l.id = $1"))).bind(id),
        store.pool(),
    )
    .await
}

/// 行政许可 and 行政处罚 decisions of an organisation subtree in a year, from the published
/// 执法公示 rows, with their publication timeliness (7 working days from the decision).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DecisionCount {
    /// Decisions published.
    pub total: u32,
    /// Published within 7 working days of the decision.
    pub on_time: u32,
    /// Published later.
    pub late: u32,
}

/// [`DecisionCount`]s of 行政许可 and 行政处罚.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Decisions {
    /// 行政许可.
    pub licences: DecisionCount,
    /// 行政处罚.
    pub penalties: DecisionCount,
}

/// Counts the 行政许可 and 行政处罚 decisions dated in `year` (Beijing) of the organisations
/// `org_ids` (an organisation's subtree, `reports::subtree`) from published or since withdrawn
/// 执法公示 rows, and how many were published within the limit, by the site's calendar.
pub async fn decisions(
    store: &Store,
    org_ids: &[i64],
    year: i32,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<Decisions> {
    if org_ids.is_empty() {
        return Ok(Decisions::default());
    }
    let mut q = Sql::new(
        "SELECT l.decision_kind, l.decided_on, l.published_at FROM list_rows l WHERE l.type_code = ",
    );
    q.text(builtin::ENFORCEMENT)
        .push(" AND l.published_at IS NOT NULL AND l.org_id IN ")
        .int_list(org_ids.iter().copied())
        .push(" AND l.decision_kind IN ")
        .text_list([builtin::LICENCE, builtin::PENALTY])
        .push(" AND l.decided_on >= ")
        .text(format!("{year:04}-01-01"))
        .push(" AND l.decided_on <= ")
        .text(format!("{year:04}-12-31"));
    let rows = q.query().fetch_all(store.pool()).await?;
    let mut out = Decisions::default();
    for row in rows {
        let kind: String = row.try_get("decision_kind")?;
        let decided: Option<NaiveDate> = column::Column::read(&row, "decided_on")?;
        let published: DateTime<Utc> = column::Column::read(&row, "published_at")?;
        let count = if kind == builtin::LICENCE {
            &mut out.licences
        } else {
            &mut out.penalties
        };
        count.total += 1;
        match typed_list::decision_timeliness(calendar, region, decided, beijing_date(published)) {
            Ok(Timeliness::OnTime) => count.on_time += 1,
            _ => count.late += 1,
        }
    }
    Ok(out)
}
