//! The outbox: notification mail written in the same transaction as the event that causes it
//! (an application received, a letter sent, a message received, answered or assigned, a bad
//! rating), and sent later by the background sender (`gongkai-jobs`), so no request waits for
//! a mail server and no mail is lost when one is down.
//!
//! A row holds the mail as composed then ([`compose`]), its status ([`MailStatus`]), the
//! attempts made, when the next one is due and the last error. Senders on several nodes claim
//! a due row with one guarded `UPDATE` ([`claim_due`]), so a row is sent by one of them only.
//! Without SMTP configured ([`Store::outbox_enabled`] is false) no rows are written, and an
//! empty recipient writes none either.

pub mod compose;

use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::ClockEvent;
use gongkai_domain::message::MessageEvent;
use gongkai_domain::outbox::{self as rules, MailStatus};
use gongkai_domain::role::{Grant, Grants, Permission};
use serde::Serialize;
use sqlx::Row;

use crate::applications::Application;
use crate::sql::{self, FromRow, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, audit, column, messages, now, ts};

pub use compose::Content;

/// One mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMail {
    /// Row id.
    pub id: i64,
    /// The site whose event caused it.
    pub site_id: i64,
    /// What it is about (a tracking code).
    pub topic: String,
    /// Recipient address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Where it stands.
    pub status: MailStatus,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (storage timestamp).
    pub next_attempt_at: String,
    /// Why the last attempt failed, if it did.
    pub last_error: String,
    /// When it was written (storage timestamp).
    pub created_at: String,
    /// When the server accepted it.
    pub sent_at: Option<String>,
}

column::from_row!(OutboxMail => id, site_id, topic, recipient, subject, body, status, attempts,
    next_attempt_at, last_error, created_at, sent_at);

const SELECT: &str =
    "SELECT id, site_id, topic, recipient, subject, body, status, attempts, next_attempt_at,
    last_error, created_at, sent_at FROM outbox";

/// Writes one mail per recipient inside `tx`, due at once; empty recipients are skipped.
async fn enqueue<'a>(
    tx: &mut Tx,
    site_id: i64,
    topic: &str,
    content: &Content,
    recipients: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    let at = ts(now());
    for to in recipients
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        sqlx::query(
            "INSERT INTO outbox (site_id, topic, recipient, subject, body, status, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(site_id)
        .bind(topic)
        .bind(to)
        .bind(&content.subject)
        .bind(&content.body)
        .bind(MailStatus::Pending.code())
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The receipt of the application `id`, just inserted in `tx`.
pub(crate) async fn application_submitted(store: &Store, tx: &mut Tx, id: i64) -> Result<()> {
    if !store.outbox_enabled() {
        return Ok(());
    }
    let r = sqlx::query(
        "SELECT a.site_id, a.tracking_code, a.email, a.received_on, a.due_on, a.due_provisional, o.name AS org_name
         FROM applications a JOIN organisations o ON o.id = a.org_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let code: String = r.try_get("tracking_code")?;
    let due = r.try_get::<Option<String>, _>("due_on")?.map(|d| {
        if crate::column::flag(&r, "due_provisional").unwrap_or(false) {
            format!("{d}（暂定：相关年度的节假日安排尚未发布，发布后据实重新计算）")
        } else {
            d
        }
    });
    let content = compose::application_received(
        &r.try_get::<String, _>("org_name")?,
        &r.try_get::<String, _>("received_on")?,
        &code,
        due.as_deref(),
    );
    let email: String = r.try_get("email")?;
    enqueue(tx, r.try_get("site_id")?, &code, &content, [email.as_str()]).await
}

/// The letter of a clock event that carries one (补正, extension, fee, transfer, reply): the
/// application's newest letter, as `tx` sees it.
pub(crate) async fn application_event(
    store: &Store,
    tx: &mut Tx,
    app: &Application,
    event: &ClockEvent,
) -> Result<()> {
    if !store.outbox_enabled()
        || !matches!(
            event,
            ClockEvent::CorrectionRequested { .. }
                | ClockEvent::Extended { .. }
                | ClockEvent::FeeNotice { .. }
                | ClockEvent::Transferred { .. }
                | ClockEvent::Replied { .. }
        )
    {
        return Ok(());
    }
    let Some(letter) = sqlx::query(
        "SELECT title, body FROM application_letters WHERE application_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(app.id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(());
    };
    let content = compose::application_letter(
        &letter.try_get::<String, _>("title")?,
        &letter.try_get::<String, _>("body")?,
        &app.tracking_code,
    );
    let to = [app.email.as_str()];
    enqueue(tx, app.site_id, &app.tracking_code, &content, to).await
}

/// The receipt of the message `id`, just inserted in `tx` (when the writer gave an address).
pub(crate) async fn message_submitted(store: &Store, tx: &mut Tx, id: i64) -> Result<()> {
    if !store.outbox_enabled() {
        return Ok(());
    }
    let m = messages::get_in(tx, id).await?;
    let content = compose::message_received(&m);
    let to = [m.email.as_str()];
    enqueue(tx, m.site_id, &m.tracking_code, &content, to).await
}

/// The mails of a handling step of the message `id` (its state after the step, as `tx` sees
/// it): the department on 交办 and 督办 (from the second 督办 the office heads too), the
/// writer on the reply, a refusal or a rectification.
pub(crate) async fn message_event(
    store: &Store,
    tx: &mut Tx,
    id: i64,
    event: &MessageEvent,
) -> Result<()> {
    if !store.outbox_enabled() {
        return Ok(());
    }
    let m = messages::get_in(tx, id).await?;
    // Steps the writer is told about.
    let to_writer = match event {
        MessageEvent::ApproveReply { .. } => Some(compose::message_replied(&m)),
        MessageEvent::NotAccept { reason } => Some(compose::message_not_accepted(&m, reason)),
        MessageEvent::RectifyDone { outcome } => Some(compose::message_rectified(&m, outcome)),
        _ => None,
    };
    if let Some(content) = to_writer {
        return enqueue(
            tx,
            m.site_id,
            &m.tracking_code,
            &content,
            [m.email.as_str()],
        )
        .await;
    }
    // Steps the department is told about.
    let (content, recipients) = match event {
        MessageEvent::Assign { org_id, org_name } => (
            compose::message_assigned(&m, org_name),
            staff_in(tx, *org_id, Permission::HandleCases, true).await?,
        ),
        MessageEvent::Supervise { note } => {
            let org_id = m.handler_org_id.unwrap_or(m.org_id);
            let mut to = staff_in(tx, org_id, Permission::HandleCases, true).await?;
            if m.supervision_level >= 2 {
                to.extend(staff_in(tx, m.site_id, Permission::ApproveExtensions, false).await?);
            }
            (compose::message_supervised(&m, note), distinct(to))
        }
        _ => return Ok(()),
    };
    let recipients = recipients.iter().map(String::as_str);
    enqueue(tx, m.site_id, &m.tracking_code, &content, recipients).await
}

/// A bad rating of the message `id` (its rectification deadline set in `tx`), to the answering
/// department's handlers and those above them.
pub(crate) async fn bad_rating(store: &Store, tx: &mut Tx, id: i64) -> Result<()> {
    if !store.outbox_enabled() {
        return Ok(());
    }
    let m = messages::get_in(tx, id).await?;
    let org_id = m.handler_org_id.unwrap_or(m.org_id);
    let to = distinct(staff_in(tx, org_id, Permission::HandleCases, false).await?);
    let content = compose::bad_rating(&m);
    enqueue(
        tx,
        m.site_id,
        &m.tracking_code,
        &content,
        to.iter().map(String::as_str),
    )
    .await
}

/// Each address once, in first-seen order.
fn distinct(emails: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    emails
        .into_iter()
        .filter(|e| seen.insert(e.clone()))
        .collect()
}

/// The addresses of enabled staff who hold `permission` for organisation `org_id`, by account;
/// with `departments_only`, those who also lack [`Permission::Supervise`] there (the
/// department's own handlers rather than the openness office above them). Read inside `tx`.
async fn staff_in(
    tx: &mut Tx,
    org_id: i64,
    permission: Permission,
    departments_only: bool,
) -> Result<Vec<String>> {
    let mut chain = vec![org_id];
    // A tree is shallow; the bound guards against a cycle (as `orgs::chain`).
    for _ in 0..16 {
        let Some(current) = chain.last().copied() else {
            break;
        };
        let parent: Option<Option<i64>> =
            sqlx::query_scalar("SELECT parent_id FROM organisations WHERE id = $1")
                .bind(current)
                .fetch_optional(&mut **tx)
                .await?;
        match parent.flatten() {
            Some(p) => chain.push(p),
            None => break,
        }
    }
    let rows = sqlx::query(
        "SELECT u.id, u.email, r.role, r.org_id FROM users u JOIN user_roles r ON r.user_id = u.id
         WHERE u.disabled = 0 AND u.email <> '' ORDER BY u.id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut staff: Vec<(i64, String, Grants)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let grant = Grant::from_row(r)?;
        match staff.last_mut() {
            Some((last, _, grants)) if *last == id => grants.0.push(grant),
            _ => staff.push((id, r.try_get("email")?, Grants(vec![grant]))),
        }
    }
    Ok(staff
        .into_iter()
        .filter(|(_, _, g)| g.allows(permission, &chain))
        .filter(|(_, _, g)| !departments_only || !g.allows(Permission::Supervise, &chain))
        .map(|(_, email, _)| email)
        .collect())
}

/// Claims up to `limit` mails due at `now` for the sender `claim` (a token unique to it) and
/// returns them. Each row is taken by one guarded `UPDATE` that moves its next attempt to
/// `hold_until`: a second sender's `UPDATE` then finds it no longer due, so two senders never
/// send the same row; a sender that dies while sending leaves the row due again at
/// `hold_until`.
pub async fn claim_due(
    store: &Store,
    claim: &str,
    now: DateTime<Utc>,
    hold_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OutboxMail>> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE status = $1 AND next_attempt_at <= $2
         ORDER BY next_attempt_at, id LIMIT $3",
    )
    .bind(MailStatus::Pending.code())
    .bind(ts(now))
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    let mut claimed = Vec::new();
    for id in due {
        let taken = sqlx::query(
            "UPDATE outbox SET claim = $1, next_attempt_at = $2
             WHERE id = $3 AND status = $4 AND next_attempt_at <= $5",
        )
        .bind(claim)
        .bind(ts(hold_until))
        .bind(id)
        .bind(MailStatus::Pending.code())
        .bind(ts(now))
        .execute(store.pool())
        .await?
        .rows_affected();
        if taken == 1 {
            claimed.push(get(store, id).await?);
        }
    }
    Ok(claimed)
}

/// Records that the server accepted a claimed mail.
pub async fn record_sent(store: &Store, id: i64, claim: &str, at: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = attempts + 1, sent_at = $2, last_error = '', claim = ''
         WHERE id = $3 AND claim = $4",
    )
    .bind(MailStatus::Sent.code())
    .bind(ts(at))
    .bind(id)
    .bind(claim)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Records a failed attempt at a claimed mail: due again after the backoff
/// ([`gongkai_domain::outbox::next_attempt`]) or, after the last attempt, `failed`. Returns
/// the new status.
pub async fn record_failure(
    store: &Store,
    mail: &OutboxMail,
    claim: &str,
    error: &str,
    at: DateTime<Utc>,
) -> Result<MailStatus> {
    let attempts = mail.attempts + 1;
    let (status, next) = match rules::next_attempt(attempts, at) {
        Some(next) => (MailStatus::Pending, next),
        None => (MailStatus::Failed, at),
    };
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, claim = ''
         WHERE id = $5 AND claim = $6",
    )
    .bind(status.code())
    .bind(attempts)
    .bind(ts(next))
    .bind(error.chars().take(1000).collect::<String>())
    .bind(mail.id)
    .bind(claim)
    .execute(store.pool())
    .await?;
    Ok(status)
}

/// One mail by id, read with `db` (the pool or a transaction); not found is an error.
async fn by_id<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
) -> Result<OutboxMail> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"))).bind(id),
        db,
        "该邮件",
    )
    .await
}

/// One mail by id.
pub async fn get(store: &Store, id: i64) -> Result<OutboxMail> {
    by_id(store.pool(), id).await
}

/// The mails of the given sites not sent yet: failed ones first, then pending ones by their
/// next attempt (at most 500).
pub async fn unsent(store: &Store, site_ids: &[i64]) -> Result<Vec<OutboxMail>> {
    let mut q = Sql::new(format!("{SELECT} WHERE status <> "));
    q.text(MailStatus::Sent.code());
    q.push(" AND site_id IN ")
        .int_list(site_ids.iter().copied());
    q.push(" ORDER BY CASE WHEN status = ")
        .text(MailStatus::Failed.code());
    q.push(" THEN 0 ELSE 1 END, next_attempt_at, id LIMIT 500");
    sql::all_in(site_ids, &q, store.pool()).await
}

/// Puts a failed mail of one of `site_ids` back in line (pending, due now, attempts counted
/// afresh), audited as `outbox.resend`.
pub async fn resend(store: &Store, actor: &Actor, id: i64, site_ids: &[i64]) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let row = by_id(&mut *tx, id).await?;
    if !site_ids.contains(&row.site_id) {
        return Err(StoreError::NotFound { what: "该邮件".into() });
    }
    if row.status != MailStatus::Failed {
        return Err(StoreError::conflict_with(
            ErrorCode::MailNothingToResend,
            &[("status", &row.status.label())],
        ));
    }
    let change = audit::Change::new("outbox.resend", "outbox", id.to_string())
        .with_detail(serde_json::json!({ "topic": row.topic, "attempts": row.attempts }));
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = 0, next_attempt_at = $2, claim = '' WHERE id = $3",
    )
    .bind(MailStatus::Pending.code())
    .bind(ts(now()))
    .bind(id)
        .execute(&mut *tx)
        .await?;
    change.commit(tx, store, actor).await
}
