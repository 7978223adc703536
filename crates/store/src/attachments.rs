//! Attachments of records: metadata in the database, bytes content-addressed in the blob store
//! ([`crate::blobs`]), so the same file uploaded twice is stored once.

use serde::Serialize;

use gongkai_domain::record::RecordAction;

use crate::column;
use crate::sql;
use crate::{Actor, Result, Store, StoreError, audit, feed, now, ts};

/// An attachment as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Database id.
    pub id: i64,
    /// The record it belongs to.
    pub record_id: i64,
    /// SHA-256 of the bytes (hex).
    pub sha256: String,
    /// Original file name, as offered on download.
    pub file_name: String,
    /// Detected type code.
    pub kind: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Extracted text (for screening and search).
    pub text: String,
}

/// Metadata of a new attachment.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// SHA-256 from [`crate::blobs::put`].
    pub sha256: String,
    /// Original name.
    pub file_name: String,
    /// Detected type code.
    pub kind: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Extracted text.
    pub text: String,
}

/// Adds an attachment to a draft, audited. Only the draft's author may (the same rule as
/// editing it: a reviewer must never approve content they changed).
///
/// The text is screened here, once, and the findings are stored with the attachment: the
/// record's pages read them instead of screening megabytes of text on every view. The file
/// name is cleaned ([`gongkai_domain::files::clean_file_name`]) before it is stored.
pub async fn add(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    record_id: i64,
    new: &NewAttachment,
) -> Result<Attachment> {
    let file_name = gongkai_domain::files::clean_file_name(&new.file_name);
    let (negatives, screened_with) =
        crate::screening::negative_list_of_record(store, record_id).await?;
    let (_, findings) =
        crate::screening::screen_attachment(file_name.clone(), new.text.clone(), negatives).await?;
    let mut tx = store.begin_write().await?;
    let (status, author, _) = crate::records::load_for_action(&mut tx, record_id).await?;
    status.apply(RecordAction::Edit, author == Some(user_id))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (record_id, sha256, file_name, kind, size_bytes, text, findings,
            screened_with, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(record_id)
    .bind(&new.sha256)
    .bind(&file_name)
    .bind(&new.kind)
    .bind(new.size_bytes)
    .bind(&new.text)
    .bind(&findings)
    .bind(&screened_with)
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    audit::Change::new("attachment.add", "record", record_id.to_string()).with_detail(serde_json::json!({ "file_name": file_name, "sha256": new.sha256, "size": new.size_bytes })).append(&mut tx, store, actor).await?;
    feed::emit(&mut tx, "record", &record_id.to_string(), "attachment.add").await?;
    tx.commit().await?;
    get(store, id).await
}

/// Removes an attachment from a draft (say, one the screening found personal data in), audited.
/// The bytes stay in the content-addressed folder: another record may share them.
pub async fn remove(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    record_id: i64,
    attachment_id: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let (status, author, _) = crate::records::load_for_action(&mut tx, record_id).await?;
    status.apply(RecordAction::Edit, author == Some(user_id))?;
    let file_name: Option<String> =
        sqlx::query_scalar("SELECT file_name FROM attachments WHERE id = $1 AND record_id = $2")
            .bind(attachment_id)
            .bind(record_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(file_name) = file_name else {
        return Err(StoreError::NotFound { what: "该附件".into() });
    };
    sqlx::query("DELETE FROM attachments WHERE id = $1")
        .bind(attachment_id)
        .execute(&mut *tx)
        .await?;
    audit::Change::new("attachment.remove", "record", record_id.to_string())
        .with_detail(serde_json::json!({ "file_name": file_name, "attachment_id": attachment_id }))
        .append(&mut tx, store, actor)
        .await?;
    feed::emit(
        &mut tx,
        "record",
        &record_id.to_string(),
        "attachment.remove",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

column::from_row!(Attachment => id, record_id, sha256, file_name, kind, size_bytes, text);

/// One attachment.
pub async fn get(store: &Store, id: i64) -> Result<Attachment> {
    sql::one(
        sqlx::query("SELECT * FROM attachments WHERE id = $1").bind(id),
        store.pool(),
        "附件",
    )
    .await
}

/// Attachments of a record for its public page, in upload order: everything but the extracted
/// text (`text` is empty), read on the SQLite read lane ([`sql::read`]).
pub async fn listed(store: &Store, record_id: i64) -> Result<Vec<Attachment>> {
    let mut q = sql::Sql::new(
        "SELECT id, record_id, sha256, file_name, kind, size_bytes, '' AS text FROM attachments WHERE record_id = ",
    );
    q.int(record_id).push(" ORDER BY id");
    sql::read(store, &q).await
}

/// Attachments of a record, in upload order.
pub async fn list(store: &Store, record_id: i64) -> Result<Vec<Attachment>> {
    sql::all(
        sqlx::query("SELECT * FROM attachments WHERE record_id = $1 ORDER BY id").bind(record_id),
        store.pool(),
    )
    .await
}
