//! Consultations on draft decisions (征求意见): drafts, their attachments, the state changes
//! decided by `gongkai_domain::consultation::apply`, public comments with pre-moderation and
//! tracking codes, and the per-comment feedback report.
//!
//! Every change runs in one write transaction with its audit entry; changes the public can see
//! also emit a `consultation` row on the change feed so the search index follows. Commenters'
//! names and contacts stay in this table and are never shown publicly.

use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::consultation::{
    self as rules, Adoption, ConsultationAction, ConsultationStatus, FeedbackRow, Moderation,
    Period,
};
use gongkai_domain::screening::{self, Finding};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::cases::{self, AttachedFile, Case, CaseTable, ChildTable};
use crate::column;
use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, audit, feed, now, orgs, ts};

/// A consultation as stored, with its organisation's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consultation {
    /// Database id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: i64,
    /// The drafting organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its organ code.
    pub org_code: String,
    /// Title of the draft (…（征求意见稿）).
    pub title: String,
    /// The draft's full text, article by article.
    pub draft_text: String,
    /// 起草说明: background.
    pub background: String,
    /// 起草说明: basis.
    pub basis: String,
    /// 起草说明: main content.
    pub main_content: String,
    /// Other ways to send comments (post, e-mail, phone).
    pub contact: String,
    /// Start of the period.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub opens_at: DateTime<Utc>,
    /// End of the period.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub closes_at: DateTime<Utc>,
    /// Public reason for a period shorter than 30 days.
    pub short_reason: String,
    /// Status.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: ConsultationStatus,
    /// The feedback report's introduction.
    pub feedback_summary: String,
    /// The final decision's record, once linked.
    pub decision_record_id: Option<i64>,
    /// Author's user id.
    pub author_id: Option<i64>,
    /// When it was opened.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub opened_at: Option<DateTime<Utc>>,
    /// When it was closed.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub closed_at: Option<DateTime<Utc>>,
    /// When the feedback was published.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub feedback_at: Option<DateTime<Utc>>,
    /// Created.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub created_at: DateTime<Utc>,
}

impl Consultation {
    /// The comment period.
    pub fn period(&self) -> Period {
        Period {
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            short_reason: self.short_reason.clone(),
        }
    }

    /// Whether the public may see it at `at` (not a draft, and its opening time has come).
    pub fn is_public(&self, at: DateTime<Utc>) -> bool {
        self.status != ConsultationStatus::Draft && self.opens_at <= at
    }

    /// The status the public sees at `at` (an open consultation past its closing time reads
    /// as closed).
    pub fn effective_status(&self, at: DateTime<Utc>) -> ConsultationStatus {
        self.status.effective(self.closes_at, at)
    }
}

/// A consultation's attachments.
pub const FILES: ChildTable = ChildTable::new("consultation_files", "consultation_id");

const SELECT: &str = "SELECT c.*, o.name AS org_name, o.code AS org_code FROM consultations c JOIN organisations o ON o.id = c.org_id";

column::from_row!(Consultation => id, site_id, org_id, org_name, org_code, title, draft_text,
    background, basis, main_content, contact, opens_at, closes_at, short_reason, status,
    feedback_summary, decision_record_id, author_id, opened_at, closed_at, feedback_at,
    created_at);

/// A draft as typed by staff, already checked.
#[derive(Debug, Clone)]
pub struct NewConsultation {
    /// Drafting organisation.
    pub org_id: i64,
    /// Title.
    pub title: String,
    /// The draft's text.
    pub draft_text: String,
    /// 起草说明: background.
    pub background: String,
    /// 起草说明: basis.
    pub basis: String,
    /// 起草说明: main content.
    pub main_content: String,
    /// Other ways to comment.
    pub contact: String,
    /// The period (checked by `Period::parse`).
    pub period: Period,
}

/// Creates a draft (草稿), audited.
pub async fn create(
    store: &Store,
    actor: &Actor,
    author_id: Option<i64>,
    new: &NewConsultation,
) -> Result<i64> {
    let site_id = orgs::site_of(store, new.org_id).await?;
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consultations (site_id, org_id, title, draft_text, background, basis, main_content, contact,
            opens_at, closes_at, short_reason, status, author_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $13, $13) RETURNING id",
    )
    .bind(site_id)
    .bind(new.org_id)
    .bind(&new.title)
    .bind(&new.draft_text)
    .bind(&new.background)
    .bind(&new.basis)
    .bind(&new.main_content)
    .bind(&new.contact)
    .bind(ts(new.period.opens_at))
    .bind(ts(new.period.closes_at))
    .bind(&new.period.short_reason)
    .bind(author_id)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    audit::Change::new("consultation.create", "consultation", id.to_string())
        .with_detail(serde_json::json!({ "title": new.title, "org_id": new.org_id }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

/// Changes a draft's text and period (drafts only), audited.
pub async fn update_draft(
    store: &Store,
    actor: &Actor,
    id: i64,
    new: &NewConsultation,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, id).await?;
    if status != ConsultationStatus::Draft {
        return Err(StoreError::conflict(
            ErrorCode::ConsultationPublishedDraftLocked,
        ));
    }
    sqlx::query(
        "UPDATE consultations SET org_id = $1, title = $2, draft_text = $3, background = $4, basis = $5,
            main_content = $6, contact = $7, opens_at = $8, closes_at = $9, short_reason = $10, updated_at = $11
         WHERE id = $12",
    )
    .bind(new.org_id)
    .bind(&new.title)
    .bind(&new.draft_text)
    .bind(&new.background)
    .bind(&new.basis)
    .bind(&new.main_content)
    .bind(&new.contact)
    .bind(ts(new.period.opens_at))
    .bind(ts(new.period.closes_at))
    .bind(&new.period.short_reason)
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::Change::new("consultation.update", "consultation", id.to_string())
        .with_detail(serde_json::json!({ "title": new.title }))
        .commit(tx, store, actor)
        .await
}

async fn status_in(tx: &mut Tx, id: i64) -> Result<ConsultationStatus> {
    let parse = ConsultationStatus::parse;
    cases::code_in(tx, "consultations", "status", id, "该征求意见", parse).await
}

/// One consultation.
pub async fn get(store: &Store, id: i64) -> Result<Consultation> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1"))).bind(id),
        store.pool(),
        "该征求意见",
    )
    .await
}

/// Consultations of the given organisations, newest first (staff).
pub async fn list_for_orgs(store: &Store, org_ids: &[i64]) -> Result<Vec<Consultation>> {
    let mut q = Sql::new(format!("{SELECT} WHERE c.org_id IN "));
    q.int_list(org_ids.iter().copied());
    q.push(" ORDER BY c.id DESC LIMIT 500");
    sql::all_in(org_ids, &q, store.pool()).await
}

/// How many comments each of the consultations `ids` has, and how many of those wait for
/// moderation: `id → (all, waiting)`, in one query (lists and dashboards).
pub async fn comment_counts(
    store: &Store,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (usize, usize)>> {
    let mut out = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new(format!(
        "SELECT consultation_id, COUNT(*) AS total, \
         SUM(CASE WHEN moderation = '{}' THEN 1 ELSE 0 END) AS waiting \
         FROM consultation_comments WHERE consultation_id IN ",
        Moderation::Pending.code()
    ));
    q.int_list(ids.iter().copied());
    q.push(" GROUP BY consultation_id");
    for row in q.query().fetch_all(store.pool()).await? {
        let count = |name: &str| -> Result<usize> {
            Ok(usize::try_from(row.try_get::<i64, _>(name)?).unwrap_or(0))
        };
        out.insert(
            row.try_get("consultation_id")?,
            (count("total")?, count("waiting")?),
        );
    }
    Ok(out)
}

/// Public consultations of a site at `at` (not drafts, opening time passed), newest first.
pub async fn list_public(
    store: &Store,
    site_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<Consultation>> {
    let q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.site_id = $1 AND c.status <> 'draft' AND c.opens_at <= $2 ORDER BY c.opens_at DESC, c.id DESC LIMIT 500"
    )))
    .bind(site_id)
    .bind(ts(at));
    sql::all(q, store.pool()).await
}

/// Ids of consultations that may be public (not drafts), after `after` (for reindexing).
pub async fn searchable_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM consultations WHERE id > $1 AND status <> 'draft' ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// The consultation whose final decision is `record_id`, if any.
pub async fn by_decision_record(store: &Store, record_id: i64) -> Result<Option<Consultation>> {
    let mut q = Sql::new(format!("{SELECT} WHERE c.decision_record_id = "));
    q.int(record_id)
        .push(" AND c.status = 'feedback' ORDER BY c.id LIMIT 1");
    sql::read_optional(store, &q).await
}

async fn audit_and_feed(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    audit::Change::new(action, "consultation", id.to_string())
        .with_detail(detail)
        .append(tx, store, actor)
        .await?;
    feed::emit(tx, "consultation", &id.to_string(), action).await
}

/// Opens or closes a consultation at `now` when the domain's rules allow it; audited.
pub async fn transition(
    store: &Store,
    actor: &Actor,
    id: i64,
    action: ConsultationAction,
    now_at: DateTime<Utc>,
) -> Result<ConsultationStatus> {
    if action == ConsultationAction::PublishFeedback {
        return Err(StoreError::conflict(
            ErrorCode::ConsultationFeedbackRowsRequired,
        ));
    }
    let c = get(store, id).await?;
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, id).await?;
    let next = rules::apply(status, &c.period(), action, now_at)?;
    let column = match action {
        ConsultationAction::Open => "opened_at",
        _ => "closed_at",
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE consultations SET status = $1, {column} = $2, updated_at = $2 WHERE id = $3"
    )))
    .bind(next.code())
    .bind(ts(now_at))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit_and_feed(
        &mut tx,
        store,
        actor,
        id,
        &format!("consultation.{}", action.code()),
        serde_json::json!({ "from": status.code(), "to": next.code() }),
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// Adds an attachment (bytes already stored by hash) to a draft, audited.
pub async fn add_file(store: &Store, actor: &Actor, id: i64, f: &AttachedFile) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    if status_in(&mut tx, id).await? != ConsultationStatus::Draft {
        return Err(StoreError::conflict(
            ErrorCode::ConsultationPublishedAttachmentsLocked,
        ));
    }
    let fid = cases::add_file(&mut tx, &FILES, id, f).await?;
    audit::Change::new("consultation.attach", "consultation", id.to_string())
        .with_detail(serde_json::json!({
            "file_name": gongkai_domain::files::clean_file_name(&f.file_name),
            "sha256": f.sha256,
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(fid)
}

/// Attachments of a consultation in upload order.
pub async fn files(store: &Store, id: i64) -> Result<Vec<AttachedFile>> {
    cases::files(store, &FILES, id).await
}

/// One attachment and the consultation it belongs to.
pub async fn file(store: &Store, file_id: i64) -> Result<(i64, AttachedFile)> {
    cases::file(store, &FILES, file_id).await
}

/// A comment as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// Database id (its number in the feedback report).
    pub id: i64,
    /// The consultation.
    pub consultation_id: i64,
    /// Tracking code given to the commenter.
    pub tracking_code: String,
    /// The article commented on (0 = the draft as a whole).
    pub article_no: i64,
    /// The comment.
    pub body: String,
    /// Name (optional; never shown publicly).
    pub name: String,
    /// Contact (optional; never shown publicly).
    pub contact: String,
    /// Moderation.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub moderation: Moderation,
    /// Why it was not published.
    pub reject_reason: String,
    /// Adoption code once decided.
    #[serde(serialize_with = "crate::column::ser_opt_code")]
    pub adoption: Option<Adoption>,
    /// Why.
    pub adoption_reason: String,
    /// What screening found in the text when it was sent (for the moderator only).
    pub findings: Vec<CommentFinding>,
    /// When it was sent.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub created_at: DateTime<Utc>,
}

/// One screening finding in a comment, as stored and shown to the moderator (personal numbers
/// already masked by screening).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentFinding {
    /// Chinese label of the kind (手机号码, 身份证号码 …).
    pub label: String,
    /// The matched text, masked.
    pub matched: String,
    /// The text around it, masked the same way.
    pub context: String,
}

impl From<&Finding> for CommentFinding {
    fn from(f: &Finding) -> Self {
        Self {
            label: f.label.to_owned(),
            matched: f.matched.clone(),
            context: f.context.clone(),
        }
    }
}

impl Case for Comment {
    const TABLE: CaseTable = CaseTable::new(
        "consultation_comments",
        "k",
        "SELECT k.* FROM consultation_comments k",
        "该意见",
        "ZJ",
    );

    fn id(&self) -> i64 {
        self.id
    }
}

// Written by this program only; a value it cannot read shows no findings.
column::from_row!(Comment(r) => id, consultation_id, tracking_code, article_no, body, name,
    contact, moderation, reject_reason, adoption, adoption_reason, created_at;
    findings: serde_json::from_str(&r.cell::<String>("findings")?).unwrap_or_default());

/// A comment as sent by a member of the public.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// Idempotency key of the form.
    pub submission_key: String,
    /// Article number (0 = the whole draft).
    pub article: u32,
    /// The comment.
    pub body: String,
    /// Name (optional).
    pub name: String,
    /// Contact (optional).
    pub contact: String,
}

/// What the commenter is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentReceipt {
    /// Tracking code.
    pub tracking_code: String,
    /// Whether this repeats an earlier submission of the same form.
    pub repeated: bool,
}

/// Stores a comment sent at `now` if the consultation accepts comments then; it waits for
/// moderation with what screening found in its text. Committed before the receipt is returned.
pub async fn comment(
    store: &Store,
    id: i64,
    new: &NewComment,
    now_at: DateTime<Utc>,
    ip: &str,
) -> Result<CommentReceipt> {
    if let Some(code) = sqlx::query_scalar::<_, String>(
        "SELECT tracking_code FROM consultation_comments WHERE submission_key = $1",
    )
    .bind(&new.submission_key)
    .fetch_optional(store.pool())
    .await?
    {
        return Ok(CommentReceipt {
            tracking_code: code,
            repeated: true,
        });
    }
    let c = get(store, id).await?;
    let units = rules::split_articles(&c.draft_text);
    let body = rules::check_comment(&new.body, new.article, &rules::article_numbers(&units))?;
    // Screened as it arrives (personal data, secret markings, the site's negative list), so
    // the moderator sees what needs care before publishing.
    let negatives = crate::screening::negative_terms(store, c.site_id).await?;
    let findings: Vec<CommentFinding> = screening::scan("意见", &body, &negatives)
        .iter()
        .map(CommentFinding::from)
        .collect();
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, id).await?;
    rules::check_comment_allowed(status, &c.period(), now_at)?;
    let code = cases::new_tracking_code(&mut tx, &Comment::TABLE).await?;
    sqlx::query(
        "INSERT INTO consultation_comments (consultation_id, tracking_code, submission_key, article_no, body, name,
            contact, moderation, ip, created_at, findings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10)",
    )
    .bind(id)
    .bind(&code)
    .bind(&new.submission_key)
    .bind(i64::from(new.article))
    .bind(&body)
    .bind(new.name.trim())
    .bind(new.contact.trim())
    .bind(ip)
    .bind(ts(now_at))
    .bind(serde_json::to_string(&findings).map_err(|e| StoreError::Corrupt(e.to_string()))?)
    .execute(&mut *tx)
    .await?;
    audit::Change::new("consultation.comment", "consultation", id.to_string())
        .with_detail(serde_json::json!({
            "tracking_code": code, "article": new.article, "findings": findings.len(),
        }))
        .commit(tx, store, &Actor::user("public", ip))
        .await?;
    Ok(CommentReceipt {
        tracking_code: code,
        repeated: false,
    })
}

/// Every comment of a consultation in the order received.
pub async fn comments(store: &Store, id: i64) -> Result<Vec<Comment>> {
    sql::all(
        sqlx::query("SELECT * FROM consultation_comments WHERE consultation_id = $1 ORDER BY id")
            .bind(id),
        store.pool(),
    )
    .await
}

/// A comment by its tracking code.
pub async fn comment_by_code(store: &Store, code: &str) -> Result<Option<Comment>> {
    cases::find_by_code(store, code).await
}

/// Publishes or rejects a comment (a rejection keeps its reason), audited.
pub async fn moderate(
    store: &Store,
    actor: &Actor,
    consultation_id: i64,
    comment_id: i64,
    decision: Moderation,
    reason: &str,
) -> Result<()> {
    let reason = rules::check_moderation(decision, reason)?;
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, consultation_id).await?;
    if status == ConsultationStatus::FeedbackPublished {
        return Err(StoreError::conflict(ErrorCode::CommentFeedbackPublished));
    }
    let n = sqlx::query(
        "UPDATE consultation_comments SET moderation = $1, reject_reason = $2, moderated_by = $3, moderated_at = $4
         WHERE id = $5 AND consultation_id = $6",
    )
    .bind(decision.code())
    .bind(if decision == Moderation::Rejected { reason.as_str() } else { "" })
    .bind(&actor.name)
    .bind(ts(now()))
    .bind(comment_id)
    .bind(consultation_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound { what: "该意见".into() });
    }
    audit_and_feed(
        &mut tx,
        store,
        actor,
        consultation_id,
        "consultation.moderate",
        serde_json::json!({ "comment": comment_id, "decision": decision.code(), "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the feedback: each row's decision and reason onto its comments. With `publish`, the
/// report must answer every published comment (`check_feedback`), no comment may still wait
/// for moderation, and the consultation moves to 已反馈 — all in one transaction, audited.
pub async fn save_feedback(
    store: &Store,
    actor: &Actor,
    id: i64,
    summary: &str,
    rows: &[FeedbackRow],
    publish: bool,
    now_at: DateTime<Utc>,
) -> Result<()> {
    let c = get(store, id).await?;
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, id).await?;
    if status != ConsultationStatus::Closed {
        return Err(StoreError::conflict_with(
            ErrorCode::ConsultationFeedbackTooEarly,
            &[("status", &c.effective_status(now_at).label())],
        ));
    }
    let all: Vec<(i64, Moderation)> = sqlx::query(
        "SELECT id, moderation FROM consultation_comments WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            column::code(r, "moderation", Moderation::parse)?,
        ))
    })
    .collect::<Result<_>>()?;
    let published: Vec<i64> = all
        .iter()
        .filter(|(_, m)| *m == Moderation::Approved)
        .map(|(i, _)| *i)
        .collect();
    if publish {
        let pending = all
            .iter()
            .filter(|(_, m)| *m == Moderation::Pending)
            .count();
        if pending > 0 {
            return Err(StoreError::conflict_with(
                ErrorCode::ConsultationCommentsPending,
                &[("pending", &pending)],
            ));
        }
        rules::check_feedback(&published, rows)?;
    }
    for row in rows {
        for cid in &row.comment_ids {
            if !published.contains(cid) {
                return Err(StoreError::conflict_with(
                    ErrorCode::ConsultationFeedbackUnpublishedComment,
                    &[("id", &cid)],
                ));
            }
            sqlx::query(
                "UPDATE consultation_comments SET adoption = $1, adoption_reason = $2 WHERE id = $3",
            )
            .bind(row.adoption.map(Adoption::code).unwrap_or_default())
            .bind(row.reason.trim())
            .bind(cid)
            .execute(&mut *tx)
            .await?;
        }
    }
    let next = if publish {
        rules::apply(
            status,
            &c.period(),
            ConsultationAction::PublishFeedback,
            now_at,
        )?
    } else {
        status
    };
    sqlx::query(
        "UPDATE consultations SET feedback_summary = $1, status = $2, feedback_at = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(summary.trim())
    .bind(next.code())
    .bind(publish.then(|| ts(now_at)))
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit_and_feed(
        &mut tx,
        store,
        actor,
        id,
        if publish {
            "consultation.publish_feedback"
        } else {
            "consultation.save_feedback"
        },
        serde_json::json!({ "rows": rows.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Links the final decision's record (a published 主动公开 record), audited.
pub async fn link_decision(
    store: &Store,
    actor: &Actor,
    id: i64,
    record_id: Option<i64>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    status_in(&mut tx, id).await?;
    sqlx::query("UPDATE consultations SET decision_record_id = $1, updated_at = $2 WHERE id = $3")
        .bind(record_id)
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit_and_feed(
        &mut tx,
        store,
        actor,
        id,
        "consultation.link_decision",
        serde_json::json!({ "record_id": record_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
