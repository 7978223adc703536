//! Messages of the public (政民互动): submission with a durable receipt, the spam rules
//! (duplicates, blocked words), handling steps judged by the domain's rules, the writer's
//! rating and the rectification it may open, the public 留言选登 list and statistics rows.
//!
//! Nothing is deleted: refused, held and hidden messages stay with their reasons. Audit entries
//! name a message by its tracking code, never its writer.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::calendar::{Calendar, RegionCode};
use gongkai_domain::message::{
    self as rules, MessageEvent, MessageFacts, MessageKind, MessageStatus, Rating, Rectification,
    StatRow,
};
use gongkai_domain::time::beijing_date;
use serde::Serialize;
use sqlx::Row;

use crate::applications::region_of_site;
use crate::cases::{self, AttachedFile, Case, CaseTable, ChildTable, RecordedEvent};
use crate::column;
use crate::sql::{self, FromRow, Sql};
use crate::{
    Actor, Result, Store, StoreError, audit, calendar, feed, now, orgs, secrets, settings, ts,
};

/// Setting: blocked words, one per line; a message containing one is held for review. Per site as
/// `hudong.blocked_words.<site code>`, the bare key for every site.
pub const BLOCKED_WORDS_KEY: &str = "hudong.blocked_words";
/// Days within which identical content counts as a duplicate.
pub const DUPLICATE_WINDOW_DAYS: i64 = 30;

/// A message as stored, with the names of its organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Row id (also the public page's number).
    pub id: i64,
    /// Tracking code given to the writer.
    pub tracking_code: String,
    /// The site (top-level government).
    pub site_id: i64,
    /// Addressed organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// `head` for the 县长信箱, empty otherwise.
    pub mailbox: String,
    /// Department it is assigned to.
    pub handler_org_id: Option<i64>,
    /// Its name.
    pub handler_org_name: Option<String>,
    /// Kind.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub kind: MessageKind,
    /// Title.
    pub title: String,
    /// Content (plain text).
    pub content: String,
    /// Writer's name (never public).
    pub writer_name: String,
    /// Phone (never public).
    pub phone: String,
    /// E-mail (never public).
    pub email: String,
    /// Whether the writer allows publication.
    pub allow_publish: bool,
    /// Status.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: MessageStatus,
    /// Day received.
    pub received_on: NaiveDate,
    /// Instant received.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub received_at: DateTime<Utc>,
    /// Reply due date.
    pub due_on: Option<NaiveDate>,
    /// Whether `due_on` is provisional (暂定): counted over a year without calendar data, until
    /// that year is imported and the date recomputed.
    pub due_provisional: bool,
    /// Day last assigned.
    pub assigned_on: Option<NaiveDate>,
    /// Number of 督办 so far.
    pub supervision_level: i64,
    /// The reply (drafted or sent).
    pub reply_text: String,
    /// Who wrote the reply.
    pub reply_author: String,
    /// The organisation that replied.
    pub reply_org_name: Option<String>,
    /// Day the reply went out.
    pub replied_on: Option<NaiveDate>,
    /// Whether it shows in 留言选登.
    pub published: bool,
    /// Why it was hidden from the public list, if it was.
    pub hidden_reason: String,
    /// Why it was held for review at submission, if it was.
    pub held_reason: String,
    /// Why it was not accepted, if it was not.
    pub not_accepted_reason: String,
    /// The writer's rating, once given.
    #[serde(serialize_with = "crate::column::ser_opt_code")]
    pub rating: Option<Rating>,
    /// The writer's comment with the rating.
    pub rating_comment: String,
    /// Day rated.
    pub rated_on: Option<NaiveDate>,
    /// Rectification due date (after a bad rating).
    pub rectify_due_on: Option<NaiveDate>,
    /// What the department did.
    pub rectify_outcome: String,
    /// Day it reported done.
    pub rectify_done_on: Option<NaiveDate>,
    /// Day the openness office checked it.
    pub rectify_checked_on: Option<NaiveDate>,
}

impl Message {
    /// The rectification, once a bad rating opened it.
    pub fn rectification(&self) -> Option<Rectification> {
        self.rectify_due_on.map(|due_on| Rectification {
            due_on,
            outcome: self.rectify_outcome.clone(),
            done_on: self.rectify_done_on,
            checked_on: self.rectify_checked_on,
        })
    }

    /// What the domain's rules need to judge the next step.
    pub fn facts(&self) -> MessageFacts {
        MessageFacts {
            status: self.status,
            assigned_on: self.assigned_on,
            has_department: self.handler_org_id.is_some(),
            hidden: !self.hidden_reason.is_empty(),
            rating: self.rating,
            rectification: self.rectification(),
        }
    }

    /// Whether the exchange is on the public 留言选登 list (the same conditions as
    /// [`public_list`]).
    pub fn is_public(&self) -> bool {
        self.published
            && self.allow_publish
            && self.hidden_reason.is_empty()
            && matches!(self.status, MessageStatus::Replied | MessageStatus::Closed)
    }

    /// The organisation answering: the assigned department, else the addressed one.
    pub fn answering_org_name(&self) -> &str {
        self.reply_org_name
            .as_deref()
            .or(self.handler_org_name.as_deref())
            .unwrap_or(&self.org_name)
    }
}

/// A message's attachments.
pub const FILES: ChildTable = ChildTable::new("message_files", "message_id");
/// A message's handling steps.
pub const EVENTS: ChildTable = ChildTable::new("message_events", "message_id");
/// Writers' status sessions.
pub const SESSIONS: ChildTable = ChildTable::new("message_sessions", "message_id");

const SELECT: &str =
    "SELECT m.*, o.name AS org_name, h.name AS handler_org_name, r.name AS reply_org_name
    FROM messages m JOIN organisations o ON o.id = m.org_id
    LEFT JOIN organisations h ON h.id = m.handler_org_id
    LEFT JOIN organisations r ON r.id = m.reply_org_id";

impl Case for Message {
    const TABLE: CaseTable = CaseTable::new("messages", "m", SELECT, "该留言", "LY");

    fn id(&self) -> i64 {
        self.id
    }
}

column::from_row!(Message => id, tracking_code, site_id, org_id, org_name, mailbox, handler_org_id,
    handler_org_name, kind, title, content, writer_name, phone, email, allow_publish, status,
    received_on, received_at, due_on, due_provisional, assigned_on, supervision_level, reply_text,
    reply_author, reply_org_name, replied_on, published, hidden_reason, held_reason,
    not_accepted_reason, rating, rating_comment, rated_on, rectify_due_on, rectify_outcome,
    rectify_done_on, rectify_checked_on);

/// A validated message as submitted.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Idempotency key of the form.
    pub submission_key: String,
    /// Addressed organisation (the site itself for the 县长信箱).
    pub org_id: i64,
    /// Whether it is addressed to the 县长信箱.
    pub to_head_mailbox: bool,
    /// The validated content.
    pub message: rules::ValidMessage,
    /// Whether the writer allows publication.
    pub allow_publish: bool,
    /// Query password.
    pub secret: String,
    /// Attachments, already stored as blobs.
    pub files: Vec<AttachedFile>,
}

/// What the writer is told on submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// Tracking code.
    pub tracking_code: String,
    /// Day received.
    pub received_on: NaiveDate,
    /// Reply due date (`None` only when it could not be counted at all).
    pub due_on: Option<NaiveDate>,
    /// Whether `due_on` is provisional (暂定, a year on the way has no calendar data yet).
    pub due_provisional: bool,
    /// Working days allowed.
    pub limit_working_days: u32,
    /// The organisation it went to.
    pub org_name: String,
    /// Why it is held for review, if it is.
    pub held_reason: String,
    /// Whether this is a repeated submission of the same form.
    pub repeated: bool,
}

/// The reply limit in working days for a kind on the site `site_id`: the site's own setting
/// (`hudong.limit.<kind>.<site code>`), else the deployment-wide one, else the spec's default.
pub async fn limit_for(store: &Store, site_id: i64, kind: MessageKind) -> Result<u32> {
    let site = orgs::by_id(store, site_id).await?;
    Ok(
        settings::for_site(store, &kind.limit_setting_key(), site.code.as_str())
            .await?
            .and_then(|v| v.parse().ok())
            .filter(|d: &u32| (1..=60).contains(d))
            .unwrap_or_else(|| kind.default_limit_working_days()),
    )
}

/// The blocked words of the site `site_id`, one per line: the site's own list, else the
/// deployment-wide one.
pub async fn blocked_words(store: &Store, site_id: i64) -> Result<String> {
    let site = orgs::by_id(store, site_id).await?;
    Ok(
        settings::for_site(store, BLOCKED_WORDS_KEY, site.code.as_str())
            .await?
            .unwrap_or_default(),
    )
}

/// The region of a site's calendar and the calendar in force.
async fn calendar_of(store: &Store, site_id: i64) -> Result<(Calendar, Option<RegionCode>)> {
    let site = orgs::by_id(store, site_id).await?;
    let region = region_of_site(store, &site.code).await?;
    Ok((calendar::load(store).await?, region))
}

/// Counts again the reply due date of every open message whose date is provisional (暂定) or
/// missing, with the calendar in force (after calendar data changed); audited with what
/// changed. A final date told to the writer never moves. Returns how many dates changed.
pub async fn recompute_provisional(store: &Store, actor: &Actor) -> Result<usize> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE m.due_on IS NULL OR m.due_provisional = 1 ORDER BY m.id LIMIT 10000"
    )))
    .fetch_all(store.pool())
    .await?;
    let mut changed = Vec::new();
    for row in &rows {
        let m = Message::from_row(row)?;
        if !m.status.is_open() {
            continue;
        }
        let limit = limit_for(store, m.site_id, m.kind).await?;
        let (cal, region) = calendar_of(store, m.site_id).await?;
        let (due, provisional) = rules::reply_due(m.received_on, limit, &cal, region.as_ref())
            .map_or((None, false), |(d, p)| (Some(d), p));
        if (due, provisional) != (m.due_on, m.due_provisional) {
            changed.push((m.id, m.tracking_code, m.due_on, due, provisional));
        }
    }
    let mut tx = store.begin_write().await?;
    for (id, _, _, due, provisional) in &changed {
        sqlx::query(
            "UPDATE messages SET due_on = $1, due_provisional = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(due.map(|d| d.to_string()))
        .bind(i64::from(*provisional))
        .bind(ts(now()))
        .bind(*id)
        .execute(&mut *tx)
        .await?;
    }
    let detail: Vec<_> = changed
        .iter()
        .map(|(_, code, from, to, provisional)| {
            serde_json::json!({ "code": code, "from": from, "to": to, "provisional": provisional })
        })
        .collect();
    audit::Change::new("message.recompute_due", "calendar", "open_messages")
        .with_detail(serde_json::json!({ "changed": detail }))
        .commit(tx, store, actor)
        .await?;
    Ok(changed.len())
}

/// Stores a message durably and returns the receipt. A repeated form returns the first
/// receipt; identical content sent to the same site from the same phone within
/// [`DUPLICATE_WINDOW_DAYS`] is refused; identical content from someone else, or a blocked word,
/// holds it for review.
pub async fn submit(
    store: &Store,
    new: &NewMessage,
    received_at: DateTime<Utc>,
    ip: &str,
) -> Result<Receipt> {
    submit_within(store, new, received_at, ip, &[])
        .await?
        .stored_without_limits()
}

/// [`submit`], counting the message against `limits` in the transaction that stores it (one
/// commit for both): over a limit nothing is stored or counted and the answer says which. A
/// repeated form, or a message refused as a duplicate, is not counted.
pub async fn submit_within(
    store: &Store,
    new: &NewMessage,
    received_at: DateTime<Utc>,
    ip: &str,
    limits: &[crate::throttle::Limit],
) -> Result<crate::throttle::Admission<Receipt>> {
    use crate::throttle::Admission;
    if let Some(r) = sqlx::query("SELECT tracking_code FROM messages WHERE submission_key = $1")
        .bind(&new.submission_key)
        .fetch_optional(store.pool())
        .await?
    {
        let m = by_tracking_code(store, &r.try_get::<String, _>("tracking_code")?).await?;
        let limit = limit_for(store, m.site_id, m.kind).await?;
        return Ok(Admission::Stored(receipt_of(&m, limit, true)));
    }
    let v = &new.message;
    let site_id = orgs::site_of(store, new.org_id).await?;
    // 政务公开投诉 goes to the government itself (its openness office); the head's mailbox
    // to the organisation the site names as its handler (the government office by default).
    let mailbox = crate::mailbox::of_site(store, site_id).await?;
    let org_id = if v.kind.goes_to_openness_office() {
        site_id
    } else if new.to_head_mailbox {
        mailbox.handler_org_id
    } else {
        new.org_id
    };
    let fingerprint = rules::content_fingerprint(&v.content);
    let since = ts(received_at - Duration::days(DUPLICATE_WINDOW_DAYS));
    // Repeats are judged within the site: the same words sent to two counties are two messages.
    let duplicates = sqlx::query(
        "SELECT tracking_code, phone FROM messages
         WHERE fingerprint = $1 AND received_at > $2 AND site_id = $3",
    )
    .bind(&fingerprint)
    .bind(&since)
    .bind(site_id)
    .fetch_all(store.pool())
    .await?;
    for d in &duplicates {
        if d.try_get::<String, _>("phone")? == v.phone {
            return Err(StoreError::conflict_with(
                ErrorCode::MessageDuplicate,
                &[
                    ("days", &DUPLICATE_WINDOW_DAYS),
                    ("tracking_code", &d.try_get::<String, _>("tracking_code")?),
                ],
            ));
        }
    }
    let mut held = Vec::new();
    if !duplicates.is_empty() {
        held.push("与近期其他留言内容相同".to_owned());
    }
    let list = blocked_words(store, site_id).await?;
    let words = rules::blocked_words_in(&format!("{}\n{}", v.title, v.content), &list);
    if !words.is_empty() {
        held.push(format!("含有需人工审核的词语：{}", words.join("、")));
    }
    let held_reason = held.join("；");
    let limit = limit_for(store, site_id, v.kind).await?;
    let (cal, region) = calendar_of(store, site_id).await?;
    let received_on = beijing_date(received_at);
    // A receipt never fails for want of calendar data: a year without data gives a
    // provisional (暂定) date, and anything else no date ("另行告知").
    let (due, due_provisional) = match rules::reply_due(received_on, limit, &cal, region.as_ref()) {
        Ok((d, provisional)) => (Some(d), provisional),
        Err(e) => {
            tracing::warn!(error = %e, "message due date not computed at submission");
            (None, false)
        }
    };
    let secret_hash = secrets::protect(store, &new.secret).await?;
    let mut tx = store.begin_write().await?;
    let code = cases::new_tracking_code(&mut tx, &Message::TABLE).await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO messages (tracking_code, secret_hash, submission_key, site_id, org_id, mailbox, kind, title,
            content, writer_name, phone, email, allow_publish, status, received_on, received_at, due_on,
            held_reason, fingerprint, ip, created_at, updated_at, due_provisional)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'received', $14, $15, $16, $17, $18, $19, $20, $20, $21)
         RETURNING id",
    )
    .bind(&code)
    .bind(secret_hash)
    .bind(&new.submission_key)
    .bind(site_id)
    .bind(org_id)
    .bind(if new.to_head_mailbox { "head" } else { "" })
    .bind(v.kind.code())
    .bind(&v.title)
    .bind(&v.content)
    .bind(&v.name)
    .bind(&v.phone)
    .bind(&v.email)
    .bind(i64::from(new.allow_publish))
    .bind(received_on.to_string())
    .bind(ts(received_at))
    .bind(due.map(|d| d.to_string()))
    .bind(&held_reason)
    .bind(&fingerprint)
    .bind(ip)
    .bind(&at)
    .bind(i64::from(due_provisional))
    .fetch_one(&mut *tx)
    .await?;
    for f in &new.files {
        cases::add_file(&mut tx, &FILES, id, f).await?;
    }
    feed::emit(&mut tx, "message", &id.to_string(), "message.submit").await?;
    crate::outbox::message_submitted(store, &mut tx, id).await?;
    // Counted last, with the audit entry (whose lock serialises every writer anyway): on
    // PostgreSQL the scope's lock is then held only for the end of the transaction.
    if let Some(over) = crate::throttle::hit_all_in(&mut tx, store, limits).await? {
        tx.rollback().await?;
        return Ok(Admission::OverLimit(over));
    }
    audit::Change::new("message.submit", "message", &code)
        .with_detail(
            serde_json::json!({ "org_id": org_id, "kind": v.kind.code(), "held": held_reason }),
        )
        .append(&mut tx, store, &Actor::user("public", ip))
        .await?;
    tx.commit().await?;
    let m = get(store, id).await?;
    let mut receipt = receipt_of(&m, limit, false);
    if m.mailbox == "head" {
        receipt.org_name = mailbox.name;
    }
    Ok(Admission::Stored(receipt))
}

fn receipt_of(m: &Message, limit: u32, repeated: bool) -> Receipt {
    Receipt {
        tracking_code: m.tracking_code.clone(),
        received_on: m.received_on,
        due_on: m.due_on,
        due_provisional: m.due_provisional,
        limit_working_days: limit,
        org_name: if m.mailbox == "head" {
            crate::mailbox::DEFAULT_NAME.into()
        } else {
            m.org_name.clone()
        },
        held_reason: m.held_reason.clone(),
        repeated,
    }
}

/// One message by id.
pub async fn get(store: &Store, id: i64) -> Result<Message> {
    cases::get(store, id).await
}

/// One message by id as the write transaction `tx` sees it.
pub(crate) async fn get_in(tx: &mut crate::Tx, id: i64) -> Result<Message> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.id = $1")))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Message::from_row(&row)
}

/// One message by tracking code.
pub async fn by_tracking_code(store: &Store, code: &str) -> Result<Message> {
    cases::by_tracking_code(store, code).await
}

/// Messages addressed or assigned to the given organisations, open ones first by due date.
pub async fn list_for_orgs(
    store: &Store,
    org_ids: &[i64],
    include_closed: bool,
) -> Result<Vec<Message>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE (m.org_id IN ")
        .int_list(org_ids.iter().copied())
        .push(" OR m.handler_org_id IN ")
        .int_list(org_ids.iter().copied())
        .push(")");
    if !include_closed {
        q.push(" AND m.status NOT IN ('replied', 'closed', 'not_accepted')");
    }
    q.push(" ORDER BY m.due_on IS NULL, m.due_on, m.id");
    sql::all_in(org_ids, &q, store.pool()).await
}

/// The handling steps of a message in order.
pub async fn events(store: &Store, id: i64) -> Result<Vec<RecordedEvent<MessageEvent>>> {
    cases::events(store, &EVENTS, id).await
}

/// The attachments of a message.
pub async fn files(store: &Store, id: i64) -> Result<Vec<AttachedFile>> {
    cases::files(store, &FILES, id).await
}

/// Records one handling step taken on `today`, judged by the domain's rules inside the write
/// transaction (another member of staff may have acted meanwhile); audited with its actor.
pub async fn record_event(
    store: &Store,
    actor: &Actor,
    id: i64,
    event: &MessageEvent,
    today: NaiveDate,
) -> Result<Message> {
    let before = get(store, id).await?;
    let (cal, region) = calendar_of(store, before.site_id).await?;
    if let MessageEvent::Assign { org_id, .. } = event
        && orgs::site_of(store, *org_id).await? != before.site_id
    {
        return Err(StoreError::conflict(ErrorCode::MessageAssigneeOutsideSite));
    }
    let mut tx = store.begin_write().await?;
    let m: Message = cases::get_in(&mut tx, id).await?;
    let outcome = rules::apply(&m.facts(), event, today, &cal, region.as_ref())?;
    if let MessageEvent::ApproveReply { .. } = event {
        rules::ensure_distinct_reviewer(&m.reply_author, &actor.name)?;
    }
    let day = today.to_string();
    let mut q = Sql::new("UPDATE messages SET status = ");
    q.text(outcome.status.code());
    q.push(", updated_at = ").text(ts(now()));
    if outcome.escalates {
        q.push(", supervision_level = supervision_level + 1");
    }
    match event {
        MessageEvent::NotAccept { reason } => {
            q.push(", not_accepted_reason = ").text(reason.trim());
        }
        MessageEvent::Assign { org_id, .. } => {
            q.push(", handler_org_id = ").int(*org_id);
            q.push(", assigned_on = ").text(day.as_str());
        }
        MessageEvent::Return { .. } => {
            q.push(", handler_org_id = NULL");
        }
        MessageEvent::DraftReply { text } => {
            q.push(", reply_text = ").text(text.trim());
            q.push(", reply_author = ").text(actor.name.as_str());
            q.push(", reply_org_id = ")
                .int(m.handler_org_id.unwrap_or(m.org_id));
        }
        MessageEvent::ApproveReply { publish } => {
            q.push(", replied_on = ").text(day.as_str());
            q.push(", published = ")
                .int(i64::from(*publish && m.allow_publish));
        }
        MessageEvent::RectifyDone { outcome } => {
            q.push(", rectify_outcome = ").text(outcome.trim());
            q.push(", rectify_done_on = ").text(day.as_str());
        }
        MessageEvent::RectifyCheck { .. } => {
            q.push(", rectify_checked_on = ").text(day.as_str());
        }
        MessageEvent::Hide { reason } => {
            q.push(", hidden_reason = ").text(reason.trim());
        }
        _ => {}
    }
    q.push(" WHERE id = ").int(id);
    q.query().execute(&mut *tx).await?;
    cases::append_event(&mut tx, &EVENTS, id, event, &actor.name).await?;
    audit::Change::new("message.event", "message", &m.tracking_code)
        .with_detail(serde_json::json!({ "event": event.code(), "status": outcome.status.code() }))
        .append(&mut tx, store, actor)
        .await?;
    feed::emit(&mut tx, "message", &id.to_string(), "message.event").await?;
    crate::outbox::message_event(store, &mut tx, id, event).await?;
    tx.commit().await?;
    get(store, id).await
}

/// Records the writer's rating (once, after a reply); a bad one opens a rectification due
/// in [`rules::RECTIFY_WORKING_DAYS`] working days. Audited as the public.
pub async fn rate(
    store: &Store,
    id: i64,
    rating: Rating,
    comment: &str,
    today: NaiveDate,
    ip: &str,
) -> Result<Message> {
    let before = get(store, id).await?;
    let (cal, region) = calendar_of(store, before.site_id).await?;
    let mut tx = store.begin_write().await?;
    let m: Message = cases::get_in(&mut tx, id).await?;
    let rectification = rules::rate(&m.facts(), rating, comment, today, &cal, region.as_ref())?;
    sqlx::query(
        "UPDATE messages SET rating = $1, rating_comment = $2, rated_on = $3, rectify_due_on = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(rating.code())
    .bind(comment.trim())
    .bind(today.to_string())
    .bind(rectification.as_ref().map(|r| r.due_on.to_string()))
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::Change::new("message.rate", "message", &m.tracking_code)
        .with_detail(
            serde_json::json!({ "rating": rating.code(), "rectify": rectification.is_some() }),
        )
        .append(&mut tx, store, &Actor::user("public", ip))
        .await?;
    feed::emit(&mut tx, "message", &id.to_string(), "message.rate").await?;
    if rectification.is_some() {
        crate::outbox::bad_rating(store, &mut tx, id).await?;
    }
    tx.commit().await?;
    get(store, id).await
}

const PUBLIC_WHERE: &str = " WHERE m.site_id = $1 AND m.published = 1 AND m.allow_publish = 1
    AND m.hidden_reason = '' AND m.status IN ('replied', 'closed')";

/// One page of the public 留言选登 list of a site (newest answers first) and the total.
pub async fn public_list(
    store: &Store,
    site_id: i64,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Message>, i64)> {
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM messages m{PUBLIC_WHERE}"
    )))
    .bind(site_id)
    .fetch_one(store.pool())
    .await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT}{PUBLIC_WHERE} ORDER BY m.replied_on DESC, m.id DESC LIMIT $2 OFFSET $3"
    )))
    .bind(site_id)
    .bind(per_page)
    .bind(gongkai_domain::paging::offset(page, per_page).unwrap_or(i64::MAX))
    .fetch_all(store.pool())
    .await?;
    Ok((
        rows.iter().map(Message::from_row).collect::<Result<_>>()?,
        total,
    ))
}

/// A published exchange by id; `NotFound` for anything not on the public list.
pub async fn public_get(store: &Store, site_id: i64, id: i64) -> Result<Message> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT}{PUBLIC_WHERE} AND m.id = $2"
        )))
        .bind(site_id)
        .bind(id),
        store.pool(),
        "该留言（可能未公开或不存在）",
    )
    .await
}

/// Ids of public exchanges (all sites) after `after`, in order, for rebuilding the search index.
pub async fn public_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT m.id FROM messages m WHERE m.id > $1 AND m.published = 1 AND m.allow_publish = 1
           AND m.hidden_reason = '' AND m.status IN ('replied', 'closed') ORDER BY m.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// Every message of a site received in `[from, to]`, as the statistics count them (accepted
/// ones: refusals are not counted as received business).
pub async fn stat_rows(
    store: &Store,
    site_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StatRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE m.site_id = $1 AND m.received_on >= $2 AND m.received_on <= $3
           AND m.status <> 'not_accepted' ORDER BY m.id"
    )))
    .bind(site_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let m = Message::from_row(r)?;
            Ok(StatRow {
                org: if m.mailbox == "head" && m.handler_org_name.is_none() {
                    "县长信箱".into()
                } else {
                    m.answering_org_name().to_owned()
                },
                received: m.received_on,
                replied: m.replied_on,
                due: m.due_on,
                rating: m.rating,
            })
        })
        .collect()
}
