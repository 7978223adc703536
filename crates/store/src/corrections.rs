//! Corrections of published records (更正): a correction is a draft of the record's next
//! revision. The editor's corrected content waits in `record_corrections`, screened at
//! submission, while the public page and the search index keep the published text; a reviewer
//! who is not the correction's author approves it (then it replaces the content, see
//! `records::apply_correction`) or returns it with a reason the author reads and answers.
//!
//! Who may judge a correction is decided by `gongkai_domain::record::RecordStatus::apply`
//! ([`RecordAction::ApproveCorrection`], [`RecordAction::ReturnCorrection`]); what a flagged
//! correction needs is decided by `gongkai_domain::screening::require_justification`.

use gongkai_domain::ErrorCode;
use gongkai_domain::record::{CorrectionStatus, RecordAction, RecordMeta};
use gongkai_domain::screening::Justification;
use serde::Serialize;

use crate::records::{self, Content, Record};
use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, audit, column, now, screening, ts};

/// An open correction of a published record: pending review, or returned to its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// Database id.
    pub id: i64,
    /// The published record it corrects.
    pub record_id: i64,
    /// Pending or returned.
    pub status: CorrectionStatus,
    /// Corrected catalogue metadata (the kind is the record's: it is not corrected).
    pub meta: RecordMeta,
    /// Corrected body, sanitised HTML.
    pub body_html: String,
    /// Corrected body, plain text (what screening reads).
    pub body_text: String,
    /// Corrected columns (slugs).
    pub columns: Vec<String>,
    /// 更正说明, public once approved.
    pub change_note: String,
    /// Who wrote the correction.
    pub author_id: i64,
    /// Their user name.
    pub author_name: String,
    /// When it was (last) submitted (storage timestamp).
    pub submitted_at: String,
    /// How many findings screening had at submission.
    pub screening_findings: i64,
    /// Who returned it (user name), empty while pending.
    pub reviewer_name: String,
    /// When it was returned (storage timestamp).
    pub returned_at: Option<String>,
    /// Why it was returned.
    pub return_reason: String,
}

impl Correction {
    /// The corrected content in the form the record store writes, for `record` (the kind and
    /// what an interpretation explains are not corrected).
    pub fn content(&self, record: &Record) -> Content {
        Content {
            meta: self.meta.clone(),
            body_html: self.body_html.clone(),
            body_text: self.body_text.clone(),
            columns: self.columns.clone(),
            interprets_id: record.interprets_id,
            interpretation_form: record.interpretation_form,
        }
    }

    /// `record` as it will read once the correction is approved (for the correction form).
    pub fn applied_to(&self, record: &Record) -> Record {
        let RecordMeta {
            title,
            kind: _,
            doc_number,
            written_on,
            theme,
            genre,
            keywords,
            source,
            summary,
            validity,
            disclosure_method,
        } = self.meta.clone();
        Record {
            title,
            doc_number,
            written_on,
            theme,
            genre,
            keywords,
            source,
            summary,
            validity,
            disclosure_method,
            body_html: self.body_html.clone(),
            body_text: self.body_text.clone(),
            columns: self.columns.clone(),
            change_note: self.change_note.clone(),
            ..record.clone()
        }
    }
}

const SELECT: &str =
    "SELECT c.*, r.kind AS kind FROM record_corrections c JOIN records r ON r.id = c.record_id";

// The kind is the record's (a correction does not change it); the rest is the correction's.
column::from_row!(RecordMeta => title, kind, doc_number, written_on, theme, genre, keywords, source,
    summary, validity, disclosure_method);

column::from_row!(Correction(row) => id, record_id, status, body_html, body_text, change_note,
    author_id, author_name, submitted_at, screening_findings, reviewer_name, returned_at,
    return_reason; meta: RecordMeta::from_row(row)?, columns: column_slugs(row)?);

/// The corrected columns, stored one slug a line.
fn column_slugs(row: &impl column::Cells) -> Result<Vec<String>> {
    let slugs: String = row.cell("column_slugs")?;
    Ok(slugs
        .split('\n')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect())
}

fn open_query(record_id: i64) -> sql::Bound<'static> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.record_id = $1"
    )))
    .bind(record_id)
}

/// The open correction of record `record_id`, if any.
pub async fn open_of(store: &Store, record_id: i64) -> Result<Option<Correction>> {
    sql::optional(open_query(record_id), store.pool()).await
}

async fn open_on(tx: &mut Tx, record_id: i64) -> Result<Option<Correction>> {
    sql::optional(open_query(record_id), &mut **tx).await
}

async fn pending_on(tx: &mut Tx, record_id: i64) -> Result<Correction> {
    match open_on(tx, record_id).await? {
        Some(c) if c.status == CorrectionStatus::Pending => Ok(c),
        _ => Err(StoreError::conflict(ErrorCode::RecordCorrectionMissing)),
    }
}

/// Submits a correction of published record `record_id` by `user_id` for review: screened at
/// once (the reviewer sees the findings), audited, and kept apart from the public text. A
/// returned correction of the same author is replaced and goes back to review; any other open
/// correction of the record refuses the new one (one at a time).
pub async fn submit(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    record_id: i64,
    content: &Content,
    change_note: &str,
) -> Result<Correction> {
    if change_note.trim().is_empty() {
        return Err(StoreError::conflict(
            ErrorCode::RecordCorrectionNoteRequired,
        ));
    }
    let mut tx = store.begin_write().await?;
    let (status, author, org_id) = records::load_for_action(&mut tx, record_id).await?;
    status.apply(RecordAction::Revise, author == Some(user_id))?;
    let open = open_on(&mut tx, record_id).await?;
    if let Some(c) = &open
        && (c.status == CorrectionStatus::Pending || c.author_id != user_id)
    {
        return Err(StoreError::conflict_with(
            ErrorCode::RecordCorrectionPending,
            &[("author", &c.author_name)],
        ));
    }
    let m = &content.meta;
    records::check_doc_number(&mut tx, org_id, &m.doc_number, Some(record_id)).await?;
    let findings =
        screening::record_findings_on(&mut tx, record_id, Some((&m.title, &content.body_text)))
            .await?
            .len();
    sqlx::query("DELETE FROM record_corrections WHERE record_id = $1")
        .bind(record_id)
        .execute(&mut *tx)
        .await?;
    let mut columns = content.columns.clone();
    columns.sort();
    columns.dedup();
    let insert = sqlx::query(
        "INSERT INTO record_corrections (record_id, status, title, doc_number, written_on, theme, genre, keywords,
            source, summary, validity, disclosure_method, body_html, body_text, column_slugs, change_note,
            author_id, author_name, submitted_at, screening_findings)
         VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(record_id);
    records::bind_content(insert, m, &content.body_html, &content.body_text)
        .bind(columns.join("\n"))
        .bind(change_note.trim())
        .bind(user_id)
        .bind(&actor.name)
        .bind(ts(now()))
        .bind(i64::try_from(findings).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    audit::Change::new("record.correction.submit", "record", record_id.to_string())
        .with_detail(serde_json::json!({
            "title": m.title,
            "change_note": change_note.trim(),
            "screening_findings": findings,
            "resubmitted": open.is_some(),
        }))
        .append(&mut tx, store, actor)
        .await?;
    let saved = pending_on(&mut tx, record_id).await?;
    tx.commit().await?;
    Ok(saved)
}

/// A reviewer who is not the correction's author approves the pending correction of
/// `record_id`: screened again (what is screened is what is published), findings need the
/// reviewer's justification (and a legal ground for a secret marking), then the correction
/// becomes the record's next revision. Returns the new revision number.
pub async fn approve(
    store: &Store,
    actor: &Actor,
    reviewer_id: i64,
    record_id: i64,
    justification: Justification<'_>,
) -> Result<i64> {
    // Read before the write transaction: the kind and the interpreted policy are not corrected.
    let record = records::get(store, record_id).await?;
    let mut tx = store.begin_write().await?;
    let (status, _, _) = records::load_for_action(&mut tx, record_id).await?;
    let correction = pending_on(&mut tx, record_id).await?;
    status.apply(
        RecordAction::ApproveCorrection,
        correction.author_id == reviewer_id,
    )?;
    let findings = screening::record_findings_on(
        &mut tx,
        record_id,
        Some((&correction.meta.title, &correction.body_text)),
    )
    .await?;
    gongkai_domain::screening::require_justification(&findings, justification)?;
    let detail = serde_json::json!({
        "correction_author": correction.author_name,
        "submitted_at": correction.submitted_at,
        "screening_findings": findings.len(),
        "screening_note": justification.note.trim(),
        "secret_ground": records::secret_ground_detail(justification.secret_ground),
    });
    let revision = records::apply_correction(
        &mut tx,
        store,
        actor,
        record_id,
        &correction.content(&record),
        &correction.change_note,
        detail,
    )
    .await?;
    sqlx::query("DELETE FROM record_corrections WHERE id = $1")
        .bind(correction.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(revision)
}

/// A reviewer who is not the correction's author sends the pending correction of `record_id`
/// back with a reason; the author reads it on the record and on the dashboard, and may change
/// the correction and submit it again. The public text does not change.
pub async fn return_to_author(
    store: &Store,
    actor: &Actor,
    reviewer_id: i64,
    record_id: i64,
    reason: &str,
) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(StoreError::conflict(
            ErrorCode::RecordCorrectionReturnReasonRequired,
        ));
    }
    let mut tx = store.begin_write().await?;
    let (status, _, _) = records::load_for_action(&mut tx, record_id).await?;
    let correction = pending_on(&mut tx, record_id).await?;
    status.apply(
        RecordAction::ReturnCorrection,
        correction.author_id == reviewer_id,
    )?;
    sqlx::query(
        "UPDATE record_corrections SET status = 'returned', reviewer_name = $1, returned_at = $2,
            return_reason = $3 WHERE id = $4",
    )
    .bind(&actor.name)
    .bind(ts(now()))
    .bind(reason.trim())
    .bind(correction.id)
    .execute(&mut *tx)
    .await?;
    audit::Change::new("record.correction.return", "record", record_id.to_string())
        .with_detail(serde_json::json!({
            "reason": reason.trim(),
            "correction_author": correction.author_name,
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(())
}

/// Discards the open correction of `record_id`, so the record keeps its published text and a
/// new correction may be written: its author may discard it, pending or returned; a reviewer
/// (`as_reviewer`) may discard one returned to someone else, so a correction whose author has
/// gone does not block the record for good. Audited with what was discarded.
pub async fn discard(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    record_id: i64,
    as_reviewer: bool,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let Some(open) = open_on(&mut tx, record_id).await? else {
        return Err(StoreError::conflict(ErrorCode::RecordCorrectionMissing));
    };
    let may =
        open.author_id == user_id || (as_reviewer && open.status == CorrectionStatus::Returned);
    if !may {
        return Err(StoreError::conflict(
            ErrorCode::RecordCorrectionDiscardNotAllowed,
        ));
    }
    // Only the correction as read, in the state read: one approved or resubmitted meanwhile is
    // not discarded behind its author's back.
    let gone = sqlx::query("DELETE FROM record_corrections WHERE id = $1 AND status = $2")
        .bind(open.id)
        .bind(open.status.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if gone != 1 {
        return Err(StoreError::conflict(ErrorCode::RecordCorrectionMissing));
    }
    audit::Change::new("record.correction.discard", "record", record_id.to_string())
        .with_detail(serde_json::json!({
            "title": open.meta.title,
            "change_note": open.change_note,
            "status": open.status.code(),
            "correction_author": open.author_name,
        }))
        .commit(tx, store, actor)
        .await
}

/// Each correction with the record it corrects.
async fn with_records(
    store: &Store,
    corrections: Vec<Correction>,
) -> Result<Vec<(Record, Correction)>> {
    let mut out = Vec::with_capacity(corrections.len());
    for c in corrections {
        out.push((records::get(store, c.record_id).await?, c));
    }
    Ok(out)
}

/// The corrections of `author_id` a reviewer sent back, with their records, newest return first
/// (at most 50: a dashboard list).
pub async fn returned_of(store: &Store, author_id: i64) -> Result<Vec<(Record, Correction)>> {
    let q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.author_id = $1 AND c.status = 'returned' ORDER BY c.returned_at DESC LIMIT 50"
    )));
    with_records(store, sql::all(q.bind(author_id), store.pool()).await?).await
}

/// The corrections waiting for review of records of the organisations `org_ids`, except those
/// `reviewer_id` wrote (an author never reviews their own), oldest first, with their records
/// (at most 50: a dashboard list).
pub async fn pending_for(
    store: &Store,
    org_ids: &[i64],
    reviewer_id: i64,
) -> Result<Vec<(Record, Correction)>> {
    let mut q = Sql::new(format!(
        "{SELECT} WHERE c.status = 'pending' AND r.org_id IN "
    ));
    q.int_list(org_ids.iter().copied());
    q.push(" AND c.author_id <> ").int(reviewer_id);
    q.push(" ORDER BY c.id LIMIT 50");
    with_records(store, sql::all_in(org_ids, &q, store.pool()).await?).await
}
