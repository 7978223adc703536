//! Public-opinion events (政务舆情): registration by staff, the timeline of responses (each may
//! link a published record), closing with an evaluation. The clocks themselves are computed by
//! `gongkai_domain::opinion::clocks` from what is stored here; every change is audited.

use chrono::{DateTime, Utc};
use gongkai_domain::opinion::{self as rules, OpinionStatus, Response, ResponseKind, Severity};
use serde::Serialize;

use crate::column;
use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, Tx, audit, now, orgs, ts};

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpinionEvent {
    /// Database id.
    pub id: i64,
    /// The site.
    pub site_id: i64,
    /// The responsible organisation (第一责任主体).
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Short title.
    pub title: String,
    /// Where it was seen (website, media, platform).
    pub source: String,
    /// What is being said.
    pub summary: String,
    /// First seen.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub first_seen_at: DateTime<Utc>,
    /// Severity.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub severity: Severity,
    /// Status.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: OpinionStatus,
    /// Evaluation written when closing.
    pub evaluation: String,
    /// Who registered it.
    pub registered_by: String,
    /// When it was closed.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub closed_at: Option<DateTime<Utc>>,
}

const SELECT: &str =
    "SELECT e.*, o.name AS org_name FROM opinion_events e JOIN organisations o ON o.id = e.org_id";

column::from_row!(OpinionEvent => id, site_id, org_id, org_name, title, source, summary,
    first_seen_at, severity, status, evaluation, registered_by, closed_at);

/// A new event, as typed.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Responsible organisation.
    pub org_id: i64,
    /// Title.
    pub title: String,
    /// Source.
    pub source: String,
    /// Summary.
    pub summary: String,
    /// First seen.
    pub first_seen: DateTime<Utc>,
    /// Severity.
    pub severity: Severity,
}

/// Registers an event (checked against `now`), audited.
pub async fn register(
    store: &Store,
    actor: &Actor,
    new: &NewEvent,
    now_at: DateTime<Utc>,
) -> Result<i64> {
    rules::check_registration(
        &new.title,
        &new.source,
        &new.summary,
        new.first_seen,
        now_at,
    )?;
    let site_id = orgs::site_of(store, new.org_id).await?;
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO opinion_events (site_id, org_id, title, source, summary, first_seen_at, severity, status,
            registered_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $9) RETURNING id",
    )
    .bind(site_id)
    .bind(new.org_id)
    .bind(new.title.trim())
    .bind(new.source.trim())
    .bind(new.summary.trim())
    .bind(ts(new.first_seen))
    .bind(new.severity.code())
    .bind(&actor.name)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    audit::Change::new("opinion.register", "opinion_event", id.to_string())
        .with_detail(serde_json::json!({ "severity": new.severity.code(), "org_id": new.org_id }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

/// One event.
pub async fn get(store: &Store, id: i64) -> Result<OpinionEvent> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = $1"))).bind(id),
        store.pool(),
        "该舆情",
    )
    .await
}

/// Events of the given organisations: open ones first, oldest first.
pub async fn list_for_orgs(
    store: &Store,
    org_ids: &[i64],
    include_closed: bool,
) -> Result<Vec<OpinionEvent>> {
    let mut q = Sql::new(format!("{SELECT} WHERE e.org_id IN "));
    q.int_list(org_ids.iter().copied());
    if !include_closed {
        q.push(" AND e.status = 'open'");
    }
    q.push(
        " ORDER BY CASE WHEN e.status = 'open' THEN 0 ELSE 1 END, e.first_seen_at, e.id LIMIT 500",
    );
    sql::all_in(org_ids, &q, store.pool()).await
}

/// A recorded response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedResponse {
    /// Database id.
    pub id: i64,
    /// Kind.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub kind: ResponseKind,
    /// When it was made.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub at: DateTime<Utc>,
    /// What was said or done.
    pub note: String,
    /// The published record it links (e.g. the 新闻发布会 transcript).
    pub record_id: Option<i64>,
    /// Who recorded it.
    pub actor: String,
}

column::from_row!(RecordedResponse => id, kind, at, note, record_id, actor);

impl RecordedResponse {
    /// As the clocks need it.
    pub fn as_response(&self) -> Response {
        Response {
            kind: self.kind,
            at: self.at,
        }
    }
}

/// The timeline of an event, in time order.
pub async fn responses(store: &Store, id: i64) -> Result<Vec<RecordedResponse>> {
    sql::all(
        sqlx::query(
            "SELECT id, kind, at, note, record_id, actor FROM opinion_responses WHERE event_id = $1 ORDER BY at, id",
        )
        .bind(id),
        store.pool(),
    )
    .await
}

/// The clocks of an event at `now_at`.
pub async fn clocks_of(
    store: &Store,
    e: &OpinionEvent,
    now_at: DateTime<Utc>,
) -> Result<Vec<rules::Clock>> {
    let rs: Vec<Response> = responses(store, e.id)
        .await?
        .iter()
        .map(RecordedResponse::as_response)
        .collect();
    Ok(rules::clocks(e.severity, e.first_seen_at, &rs, now_at))
}

/// A response as typed.
#[derive(Debug, Clone)]
pub struct NewResponse {
    /// Kind.
    pub kind: ResponseKind,
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    pub note: String,
    /// Linked record.
    pub record_id: Option<i64>,
}

/// Records a response after the domain's checks (at `now_at`), audited.
pub async fn respond(
    store: &Store,
    actor: &Actor,
    id: i64,
    new: &NewResponse,
    now_at: DateTime<Utc>,
) -> Result<()> {
    let e = get(store, id).await?;
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, id).await?;
    rules::check_response(status, e.first_seen_at, new.at, &new.note, now_at)?;
    sqlx::query(
        "INSERT INTO opinion_responses (event_id, kind, at, note, record_id, actor, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(new.kind.code())
    .bind(ts(new.at))
    .bind(new.note.trim())
    .bind(new.record_id)
    .bind(&actor.name)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE opinion_events SET updated_at = $1 WHERE id = $2")
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::Change::new("opinion.respond", "opinion_event", id.to_string()).with_detail(serde_json::json!({ "kind": new.kind.code(), "at": ts(new.at), "record_id": new.record_id })).commit(tx, store, actor).await
}

/// The stored status of an event, read inside a write transaction.
async fn status_in(tx: &mut Tx, id: i64) -> Result<OpinionStatus> {
    crate::cases::code_in(
        tx,
        "opinion_events",
        "status",
        id,
        "该舆情",
        OpinionStatus::parse,
    )
    .await
}

/// Closes an event with its evaluation note, audited.
pub async fn close(store: &Store, actor: &Actor, id: i64, evaluation: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let status = status_in(&mut tx, id).await?;
    let note = rules::check_close(status, evaluation)?;
    let at = ts(now());
    sqlx::query(
        "UPDATE opinion_events SET status = 'closed', evaluation = $1, closed_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(&note)
    .bind(&at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::Change::new("opinion.close", "opinion_event", id.to_string())
        .with_detail(serde_json::json!({ "evaluation": note }))
        .commit(tx, store, actor)
        .await
}
