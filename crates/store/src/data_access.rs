//! 有条件开放: requests for access to a conditionally open dataset, a case type of the case
//! kernel ([`crate::cases`]: tracking code `SJ…`, query password, timeline, status sessions).
//!
//! A request is received with its due date (the site's limit in working days, counted with the
//! site's calendar like an application's), decided by the dataset's organisation (approved for a
//! period, or refused with a reason), and an approved request's download token is issued when the
//! applicant asks for it on their status page: only its SHA-256 is kept (like `api_tokens`), a new
//! one replaces the old. Every step, and every use of a token, is audited in the dataset's
//! organisation; a decision writes a `dataset` feed row so the dataset's page shows the new count.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::application::ApplicantKind;
use gongkai_domain::data_access::{
    self as rules, AccessEvent, AccessStatus, Decision, ValidAccess,
};
use gongkai_domain::time::beijing_date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::applications::region_of_site;
use crate::cases::{self, Case, CaseTable, ChildTable};
use crate::column;
use crate::sql::{self, Sql};
use crate::throttle::{Admission, Limit};
use crate::{Actor, Result, Store, audit, calendar, feed, now, orgs, secrets, settings, ts};

/// A request as stored, with its dataset's and organisation's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataAccessRequest {
    /// Row id.
    pub id: i64,
    /// Tracking code given to the applicant.
    pub tracking_code: String,
    /// The site.
    pub site_id: i64,
    /// The dataset's organisation, which decides.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// The dataset.
    pub dataset_id: i64,
    /// Its name (slug).
    pub dataset_name: String,
    /// Its title.
    pub dataset_title: String,
    /// Who applies.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub applicant_kind: ApplicantKind,
    /// Name of the person or organisation (never public).
    pub name: String,
    /// ID number (never public).
    pub id_number: String,
    /// Credit code.
    pub credit_code: String,
    /// Contact person.
    pub contact_person: String,
    /// Phone (never public).
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// 用途.
    pub purpose: String,
    /// How the data will be used.
    pub intended_use: String,
    /// First day of use asked for.
    pub period_from: NaiveDate,
    /// Last day of use asked for.
    pub period_to: NaiveDate,
    /// Status as stored.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: AccessStatus,
    /// Day received (Beijing).
    pub received_on: NaiveDate,
    /// Instant received.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub received_at: DateTime<Utc>,
    /// Answer due date (`None` when it could not be counted).
    pub due_on: Option<NaiveDate>,
    /// Whether `due_on` is provisional (a year without calendar data).
    pub due_provisional: bool,
    /// Day decided.
    pub decided_on: Option<NaiveDate>,
    /// Who decided.
    pub decided_by: String,
    /// First day of use granted.
    pub granted_from: Option<NaiveDate>,
    /// Last day of use granted.
    pub granted_to: Option<NaiveDate>,
    /// Why it was refused.
    pub refusal_reason: String,
    /// When the current download token was shown to the applicant.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub token_issued_at: Option<DateTime<Utc>>,
}

impl DataAccessRequest {
    /// The status shown on `today` (已过期 after the period granted).
    pub fn shown_status(&self, today: NaiveDate) -> &'static str {
        rules::shown_status(self.status, self.granted_to, today)
    }

    /// Whether it waits for an answer past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == AccessStatus::Pending && self.due_on.is_some_and(|d| d < today)
    }
}

/// A request's timeline.
pub const EVENTS: ChildTable = ChildTable::new("data_access_events", "data_access_request_id");
/// Applicants' status sessions.
pub const SESSIONS: ChildTable = ChildTable::new("data_access_sessions", "data_access_request_id");

const SELECT: &str =
    "SELECT r.*, o.name AS org_name, d.name AS dataset_name, d.title AS dataset_title
    FROM data_access_requests r JOIN organisations o ON o.id = r.org_id
    JOIN datasets d ON d.id = r.dataset_id";

impl Case for DataAccessRequest {
    const TABLE: CaseTable = CaseTable::new("data_access_requests", "r", SELECT, "该申请", "SJ");

    fn id(&self) -> i64 {
        self.id
    }
}

column::from_row!(DataAccessRequest => id, tracking_code, site_id, org_id, org_name, dataset_id,
    dataset_name, dataset_title, applicant_kind, name, id_number, credit_code, contact_person,
    phone, email, purpose, intended_use, period_from, period_to, status, received_on, received_at,
    due_on, due_provisional, decided_on, decided_by, granted_from, granted_to, refusal_reason,
    token_issued_at);

/// A checked request as submitted.
#[derive(Debug, Clone)]
pub struct NewDataAccess {
    /// Idempotency key of the form.
    pub submission_key: String,
    /// The dataset (published, 有条件开放: checked by the caller).
    pub dataset_id: i64,
    /// The checked fields.
    pub request: ValidAccess,
    /// Query password.
    pub secret: String,
}

/// What the applicant is told on submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// Tracking code.
    pub tracking_code: String,
    /// Day received.
    pub received_on: NaiveDate,
    /// Answer due date.
    pub due_on: Option<NaiveDate>,
    /// Whether `due_on` is provisional.
    pub due_provisional: bool,
    /// Working days allowed.
    pub limit_working_days: u32,
    /// The deciding organisation.
    pub org_name: String,
    /// The dataset's title.
    pub dataset_title: String,
    /// Whether this is a repeated submission of the same form.
    pub repeated: bool,
}

/// The answer limit in working days on the site `site_id`: the site's own setting
/// (`data_access.limit.<site code>`), else the deployment-wide one, else 10.
pub async fn limit_for(store: &Store, site_id: i64) -> Result<u32> {
    let site = orgs::by_id(store, site_id).await?;
    Ok(
        settings::for_site(store, rules::LIMIT_SETTING_KEY, site.code.as_str())
            .await?
            .and_then(|v| v.trim().parse().ok())
            .filter(|d: &u32| (1..=60).contains(d))
            .unwrap_or(rules::DEFAULT_LIMIT_WORKING_DAYS),
    )
}

fn receipt_of(r: &DataAccessRequest, limit: u32, repeated: bool) -> Receipt {
    Receipt {
        tracking_code: r.tracking_code.clone(),
        received_on: r.received_on,
        due_on: r.due_on,
        due_provisional: r.due_provisional,
        limit_working_days: limit,
        org_name: r.org_name.clone(),
        dataset_title: r.dataset_title.clone(),
        repeated,
    }
}

/// One request by id.
pub async fn get(store: &Store, id: i64) -> Result<DataAccessRequest> {
    cases::get(store, id).await
}

/// Stores a request durably and returns the receipt, counted against `limits` in the same
/// transaction (over a limit nothing is stored). A repeated form returns the first receipt.
pub async fn submit_within(
    store: &Store,
    new: &NewDataAccess,
    received_at: DateTime<Utc>,
    ip: &str,
    limits: &[Limit],
) -> Result<Admission<Receipt>> {
    if let Some(r) =
        sqlx::query("SELECT id, site_id FROM data_access_requests WHERE submission_key = $1")
            .bind(&new.submission_key)
            .fetch_optional(store.pool())
            .await?
    {
        let found = get(store, r.try_get("id")?).await?;
        let limit = limit_for(store, found.site_id).await?;
        return Ok(Admission::Stored(receipt_of(&found, limit, true)));
    }
    let dataset = crate::datasets::get(store, new.dataset_id).await?;
    let site = orgs::by_id(store, dataset.site_id).await?;
    let limit = limit_for(store, site.id).await?;
    let region = region_of_site(store, &site.code).await?;
    let cal = calendar::load(store).await?;
    let received_on = beijing_date(received_at);
    let (due, provisional) = match cal.due_date_or_provisional(received_on, limit, region.as_ref())
    {
        Ok((d, p)) => (Some(d), p),
        Err(e) => {
            tracing::warn!(error = %e, "data access due date not computed at submission");
            (None, false)
        }
    };
    let v = &new.request;
    let secret_hash = secrets::protect(store, &new.secret).await?;
    let mut tx = store.begin_write().await?;
    let code = cases::new_tracking_code(&mut tx, &DataAccessRequest::TABLE).await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO data_access_requests (tracking_code, secret_hash, submission_key, site_id,
            org_id, dataset_id, applicant_kind, name, id_number, credit_code, contact_person, phone,
            email, purpose, intended_use, period_from, period_to, status, received_on, received_at,
            due_on, due_provisional, ip, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            'pending', $18, $19, $20, $21, $22, $23, $23)
         RETURNING id",
    )
    .bind(&code)
    .bind(secret_hash)
    .bind(&new.submission_key)
    .bind(dataset.site_id)
    .bind(dataset.org_id)
    .bind(dataset.id)
    .bind(v.applicant_kind.code())
    .bind(&v.name)
    .bind(&v.id_number)
    .bind(&v.credit_code)
    .bind(&v.contact_person)
    .bind(&v.phone)
    .bind(&v.email)
    .bind(&v.purpose)
    .bind(&v.intended_use)
    .bind(v.period_from.to_string())
    .bind(v.period_to.to_string())
    .bind(received_on.to_string())
    .bind(ts(received_at))
    .bind(due.map(|d| d.to_string()))
    .bind(i64::from(provisional))
    .bind(ip)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    let event = AccessEvent::Submitted { on: received_on };
    cases::append_event(&mut tx, &EVENTS, id, &event, "public").await?;
    feed::emit(
        &mut tx,
        "data_access",
        &id.to_string(),
        "data_access.submit",
    )
    .await?;
    if let Some(over) = crate::throttle::hit_all_in(&mut tx, store, limits).await? {
        tx.rollback().await?;
        return Ok(Admission::OverLimit(over));
    }
    audit::Change::new("data_access.submit", "data_access", &code)
        .in_org(dataset.org_id)
        .with_detail(serde_json::json!({ "dataset": dataset.name }))
        .append(&mut tx, store, &Actor::user("public", ip))
        .await?;
    tx.commit().await?;
    let stored = get(store, id).await?;
    Ok(Admission::Stored(receipt_of(&stored, limit, false)))
}

/// Decides request `id` on `today` (approve for a period, or refuse with a reason), judged by
/// the domain on the stored status inside the write transaction; audited as
/// `data_access.approve` / `data_access.refuse`, with a `dataset` feed row (the granted count).
pub async fn decide(
    store: &Store,
    actor: &Actor,
    id: i64,
    decision: &Decision,
    today: NaiveDate,
) -> Result<DataAccessRequest> {
    let mut tx = store.begin_write().await?;
    let r: DataAccessRequest = cases::get_in(&mut tx, id).await?;
    let event = rules::decide(r.status, decision, today)?;
    let status = rules::status_after(&event, r.status);
    let (from, to, reason, action) = match &event {
        AccessEvent::Approved { from, to, .. } => (
            Some(from.to_string()),
            Some(to.to_string()),
            String::new(),
            "data_access.approve",
        ),
        AccessEvent::Refused { reason, .. } => (None, None, reason.clone(), "data_access.refuse"),
        _ => (None, None, String::new(), "data_access.decide"),
    };
    let done = sqlx::query(
        "UPDATE data_access_requests SET status = $1, decided_on = $2, decided_by = $3,
            granted_from = $4, granted_to = $5, refusal_reason = $6, updated_at = $7
         WHERE id = $8 AND status = $9",
    )
    .bind(status.code())
    .bind(today.to_string())
    .bind(&actor.name)
    .bind(from)
    .bind(to)
    .bind(&reason)
    .bind(ts(now()))
    .bind(id)
    .bind(r.status.code())
    .execute(&mut *tx)
    .await?;
    // Another member of staff decided it since it was read (PostgreSQL reads without a lock):
    // the first decision stands.
    if done.rows_affected() == 0 {
        let decided = get(store, id).await?;
        return Err(gongkai_domain::DomainError::with(
            "decision",
            gongkai_domain::ErrorCode::DataAccessAlreadyDecided,
            &[("status", &decided.status.label())],
        )
        .into());
    }
    cases::append_event(&mut tx, &EVENTS, id, &event, &actor.name).await?;
    feed::emit(&mut tx, "dataset", &r.dataset_id.to_string(), action).await?;
    audit::Change::new(action, "data_access", &r.tracking_code)
        .in_org(r.org_id)
        .with_detail(serde_json::to_value(&event).unwrap_or_default())
        .commit(tx, store, actor)
        .await?;
    get(store, id).await
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// The prefix of every data-access token (an API token starts `gk_`).
pub const TOKEN_PREFIX: &str = "sj_";

/// Issues a fresh download token for approved request `id` and returns it: shown once, only its
/// SHA-256 kept; the previous token, if any, stops working. Audited as `data_access.token`.
pub async fn issue_token(store: &Store, id: i64, ip: &str) -> Result<String> {
    let mut tx = store.begin_write().await?;
    let r: DataAccessRequest = cases::get_in(&mut tx, id).await?;
    if r.status != AccessStatus::Approved {
        return Err(crate::StoreError::conflict(
            gongkai_domain::ErrorCode::DataAccessTokenInvalid,
        ));
    }
    let token = format!("{TOKEN_PREFIX}{}", crate::sessions::random_token());
    let at = now();
    sqlx::query(
        "UPDATE data_access_requests SET token_hash = $1, token_issued_at = $2, updated_at = $2
         WHERE id = $3",
    )
    .bind(token_hash(&token))
    .bind(ts(at))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let event = AccessEvent::TokenIssued { on: beijing_date(at) };
    cases::append_event(&mut tx, &EVENTS, id, &event, "public").await?;
    audit::Change::new("data_access.token", "data_access", &r.tracking_code)
        .in_org(r.org_id)
        .commit(tx, store, &Actor::user("public", ip))
        .await?;
    Ok(token)
}

/// The request a data-access token belongs to, if any (whatever its status or period: the
/// caller judges with [`gongkai_domain::data_access::grant_usable`]).
pub async fn by_token(store: &Store, token: &str) -> Result<Option<DataAccessRequest>> {
    let token = token.trim();
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let mut q = Sql::new(SELECT);
    q.push(" WHERE r.token_hash = ").text(token_hash(token));
    sql::optional(q.query(), store.pool()).await
}

/// Records one use of a grant (a file downloaded, a table read) in the audit log as
/// `data_access.download`, naming the request, the resource and what was done.
pub async fn record_use(
    store: &Store,
    r: &DataAccessRequest,
    resource_uuid: &str,
    what: &str,
    ip: &str,
) -> Result<()> {
    let tx = store.begin_write().await?;
    audit::Change::new("data_access.download", "data_access", &r.tracking_code)
        .in_org(r.org_id)
        .with_detail(serde_json::json!({ "resource": resource_uuid, "use": what }))
        .commit(tx, store, &Actor::user("public", ip))
        .await
}

/// How many requests for dataset `dataset_id` were approved (expired ones included).
pub async fn granted_count(store: &Store, dataset_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM data_access_requests WHERE dataset_id = $1 AND status = 'approved'",
    )
    .bind(dataset_id)
    .fetch_one(store.pool())
    .await?)
}

/// The most requests a back-office list shows.
pub const LIST_LIMIT: i64 = 500;

/// The requests to the organisations `org_ids`, pending first by due date (so the overdue lead),
/// then the decided ones newest first; at most [`LIST_LIMIT`].
pub async fn for_orgs(store: &Store, org_ids: &[i64]) -> Result<Vec<DataAccessRequest>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(SELECT);
    q.push(" WHERE r.org_id IN ")
        .int_list(org_ids.iter().copied());
    q.push(
        " ORDER BY CASE WHEN r.status = 'pending' THEN 0 ELSE 1 END,
           CASE WHEN r.status = 'pending' THEN r.due_on END, r.received_at DESC, r.id DESC LIMIT ",
    )
    .int(LIST_LIMIT);
    sql::all(q.query(), store.pool()).await
}
