//! Applications for disclosure (依申请公开): submission with a durable receipt, lookup by
//! tracking code and secret, clock events through the domain's rules, due dates recomputed
//! from the calendar in force, letters, and similar requests.
//!
//! Personal data stays in this table and its pages; audit entries name the application by its
//! tracking code, never the applicant.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{
    self as rules, ApplicantKind, ApplicationStatus, ClockEvent, DeliveryForm, Outcome,
};
use gongkai_domain::calendar::{Calendar, Reckoning, RegionCode};
use gongkai_domain::time::beijing_date;
use serde::Serialize;

use crate::cases::{self, AttachedFile, Case, CaseTable, ChildTable, RecordedEvent};
use crate::column;
use crate::sql::{self, FromRow, Sql};
use crate::{
    Actor, Engine, Result, Store, StoreError, Tx, audit, calendar, feed, now, orgs, secrets,
    settings, ts,
};

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    /// Database id.
    pub id: i64,
    /// Tracking code given to the applicant (查询码).
    pub tracking_code: String,
    /// Site id.
    pub site_id: i64,
    /// Addressed organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its organ code.
    pub org_code: String,
    /// Applicant kind code.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub applicant_kind: ApplicantKind,
    /// Applicant's name (person or organisation).
    pub name: String,
    /// ID number (natural persons).
    pub id_number: String,
    /// 统一社会信用代码 (organisations).
    pub credit_code: String,
    /// Contact person (organisations).
    pub contact_person: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Postal address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// What information is asked for.
    pub description: String,
    /// 文号 or title of the information, if known.
    pub doc_hint: String,
    /// Delivery form code.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub delivery: DeliveryForm,
    /// Status.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: ApplicationStatus,
    /// Day of receipt (Beijing).
    pub received_on: NaiveDate,
    /// Instant of receipt.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub received_at: DateTime<Utc>,
    /// Current due date, when the clock runs.
    pub due_on: Option<NaiveDate>,
    /// Whether `due_on` was counted over a year without calendar data (暂定).
    pub due_provisional: bool,
    /// Outcome code once replied.
    #[serde(serialize_with = "crate::column::ser_opt_code")]
    pub outcome: Option<Outcome>,
    /// Day of the reply.
    pub replied_on: Option<NaiveDate>,
    /// A draft record created to publish this information proactively.
    pub proactive_record_id: Option<i64>,
}

/// The application's files (proof of identity, business licence).
pub const FILES: ChildTable = ChildTable::new("application_files", "application_id");
/// The application's clock events.
pub const EVENTS: ChildTable = ChildTable::new("application_events", "application_id");
/// Applicants' status sessions.
pub const SESSIONS: ChildTable = ChildTable::new("applicant_sessions", "application_id");
/// The files released with the reply (the information disclosed), for the applicant only.
pub const REPLY_FILES: ChildTable = ChildTable::new("application_reply_files", "application_id");

const SELECT: &str = "SELECT a.*, o.name AS org_name, o.code AS org_code FROM applications a JOIN organisations o ON o.id = a.org_id";

impl Case for Application {
    const TABLE: CaseTable = CaseTable::new("applications", "a", SELECT, "该申请", "YS");

    fn id(&self) -> i64 {
        self.id
    }
}

column::from_row!(Application => id, tracking_code, site_id, org_id, org_name, org_code,
    applicant_kind, name, id_number, credit_code, contact_person, phone, email, address, postcode,
    description, doc_hint, delivery, status, received_on, received_at, due_on, due_provisional,
    outcome, replied_on, proactive_record_id);

/// A validated application as submitted.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// Idempotency key from the form (a second submission with it returns the first receipt).
    pub submission_key: String,
    /// Addressed organisation.
    pub org_id: i64,
    /// Applicant kind.
    pub applicant_kind: ApplicantKind,
    /// Name.
    pub name: String,
    /// ID number (natural person).
    pub id_number: String,
    /// Credit code (organisation).
    pub credit_code: String,
    /// Contact person (organisation).
    pub contact_person: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// The information asked for.
    pub description: String,
    /// 文号 or title.
    pub doc_hint: String,
    /// Delivery form.
    pub delivery: DeliveryForm,
    /// The applicant's query password (hashed before storing).
    pub secret: String,
    /// Attached proof (ID copy, business licence), already stored as blobs.
    pub files: Vec<AttachedFile>,
}

/// Files attached to an application by the applicant (proofs, files of an online 补正).
pub async fn files(store: &Store, id: i64) -> Result<Vec<AttachedFile>> {
    cases::files(store, &FILES, id).await
}

/// Files the office released with its reply (the information disclosed).
pub async fn reply_files(store: &Store, id: i64) -> Result<Vec<AttachedFile>> {
    cases::files(store, &REPLY_FILES, id).await
}

/// The one body that hears a 行政复议 against the acts of organisation `org_id`
/// ([`gongkai_domain::org::reviewing_body`]): from its kind, its site's government, the
/// government one level up (setting `upper_government.<site code>` / `upper_government`,
/// e.g. 克孜勒苏柯尔克孜自治州人民政府) and, for a vertically managed office, its organ one
/// level up (setting `review_body.<org code>`).
pub async fn reviewing_body(store: &Store, org_id: i64) -> Result<String> {
    let org = orgs::by_id(store, org_id).await?;
    let kind = gongkai_domain::org::OrgKind::parse(&org.kind)?;
    let root = orgs::site_of(store, org.id).await?;
    let site = orgs::by_id(store, root).await?;
    let upper = settings::for_site(store, "upper_government", &site.code).await?;
    let superior = settings::get(store, &format!("review_body.{}", org.code))
        .await?
        .filter(|s| !s.trim().is_empty());
    Ok(gongkai_domain::org::reviewing_body(
        kind,
        &gongkai_domain::org::ReviewRegion {
            government: &site.name,
            upper_government: upper.as_deref(),
            superior_organ: superior.as_deref(),
        },
    ))
}

/// What the applicant is shown once the application is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// Tracking code.
    pub tracking_code: String,
    /// Day of receipt.
    pub received_on: NaiveDate,
    /// Due date.
    pub due_on: Option<NaiveDate>,
    /// Whether the due date is provisional (暂定: a year without calendar data was counted).
    pub due_provisional: bool,
    /// Whether this is an earlier receipt returned for a repeated submission.
    pub repeated: bool,
}

/// A site's region for regional holidays (setting `region.<site code>`, then `region`).
pub async fn region_of_site(store: &Store, site_code: &str) -> Result<Option<RegionCode>> {
    Ok(settings::for_site(store, "region", site_code)
        .await?
        .and_then(|s| RegionCode::parse(&s).ok()))
}

/// Each site's region (by the site's organisation id), for pages that date many applications.
pub async fn site_regions(
    store: &Store,
) -> Result<std::collections::HashMap<i64, Option<RegionCode>>> {
    let mut out = std::collections::HashMap::new();
    for site in orgs::sites(store).await? {
        out.insert(site.id, region_of_site(store, &site.code).await?);
    }
    Ok(out)
}

/// The setting key naming a site's region (`None`: the default for every site).
pub fn region_key(site_code: Option<&str>) -> String {
    settings::site_key("region", site_code)
}

/// Sets (`Some`) or clears (`None`) the region whose holidays count for a site's deadlines
/// (`site_code` `None`: the default for every site without its own). A region is accepted only
/// when the calendar holds data for it, so a typo can never silently drop the regional
/// holidays. The change is audited (`setting.set`), then every open deadline is recomputed
/// (audited as `application.recompute_due`). Returns how many deadlines changed.
pub async fn set_site_region(
    store: &Store,
    actor: &Actor,
    site_code: Option<&str>,
    region: Option<&RegionCode>,
) -> Result<usize> {
    if let Some(code) = site_code {
        let org_code = gongkai_domain::org::OrgCode::parse(code)?;
        let org = orgs::by_code(store, &org_code).await?;
        if org.parent_id.is_some() {
            return Err(StoreError::conflict_with(
                ErrorCode::ApplicationRegionSiteOnly,
                &[("code", &code)],
            ));
        }
    }
    if let Some(r) = region {
        let cal = calendar::load(store).await?;
        if !cal.regions().any(|known| known == r) {
            return Err(StoreError::conflict_with(
                ErrorCode::ApplicationRegionWithoutData,
                &[("region", r)],
            ));
        }
    }
    let value = region.map(RegionCode::as_str).unwrap_or_default();
    settings::set(store, actor, &region_key(site_code), value).await?;
    recompute_open(store, actor).await
}

/// The reckoning of an application's clock with the calendar in force; a year without
/// calendar data gives a provisional (暂定) date rather than none.
pub fn reckon(
    app: &Application,
    events: &[ClockEvent],
    cal: &Calendar,
    region: Option<RegionCode>,
) -> Result<Reckoning> {
    let clock = rules::clock_of(app.received_on, events, region, cal)?;
    Ok(clock.reckon_provisional(cal)?)
}

/// The due date of a new application received on `received_on` (no events yet), and whether it
/// is provisional. A receipt never fails for want of calendar data; should the clock still
/// be refused, the date is unknown and staff see why on the application's page.
fn first_due(
    received_on: NaiveDate,
    region: Option<RegionCode>,
    cal: &Calendar,
) -> (Option<NaiveDate>, bool) {
    match rules::clock_of(received_on, &[], region, cal).and_then(|c| c.reckon_provisional(cal)) {
        Ok(r) => (r.due_date(), r.is_provisional()),
        Err(e) => {
            tracing::warn!(error = %e, "due date not computed at submission");
            (None, false)
        }
    }
}

/// How an application's due date was computed, as Chinese sentences (start, skipped weekends
/// and holidays, pauses, restart, extensions, result) — for every page that shows the date. A
/// deadline the calendar cannot date yet is explained by the calendar's own message.
pub async fn explain(store: &Store, app: &Application) -> Result<Vec<String>> {
    let cal = calendar::load(store).await?;
    let site = orgs::by_id(store, app.site_id).await?;
    let region = region_of_site(store, &site.code).await?;
    let evs: Vec<ClockEvent> = events(store, app.id)
        .await?
        .into_iter()
        .map(|e| e.event)
        .collect();
    Ok(match reckon(app, &evs, &cal, region) {
        Ok(r) => r.describe_zh(),
        Err(StoreError::Conflict(r)) => vec![r.message],
        Err(e) => return Err(e),
    })
}

/// The receipt of an application already stored under a form's submission key.
async fn earlier_receipt(store: &Store, submission_key: &str) -> Result<Option<Receipt>> {
    let mut q = sql::Sql::new(
        "SELECT tracking_code, received_on, due_on, due_provisional FROM applications WHERE submission_key = ",
    );
    q.text(submission_key);
    sql::read_optional(store, &q).await
}

column::from_row!(Receipt => tracking_code, received_on, due_on, due_provisional; repeated: true);

/// Stores an application and returns the receipt. The row is committed (fsync'd on SQLite
/// with `synchronous = FULL`) before this returns, so a receipt shown is never lost.
pub async fn submit(
    store: &Store,
    new: &NewApplication,
    received_at: DateTime<Utc>,
    ip: &str,
) -> Result<Receipt> {
    submit_within(store, new, received_at, ip, &[])
        .await?
        .stored_without_limits()
}

/// [`submit`], counting the submission against `limits` in its own transaction (one commit
/// for both): over a limit, nothing is stored or counted and the answer says which limit. A
/// repeated form (the same submission key) returns the first receipt without counting again.
pub async fn submit_within(
    store: &Store,
    new: &NewApplication,
    received_at: DateTime<Utc>,
    ip: &str,
    limits: &[crate::throttle::Limit],
) -> Result<crate::throttle::Admission<Receipt>> {
    use crate::throttle::Admission;
    if let Some(r) = earlier_receipt(store, &new.submission_key).await? {
        return Ok(Admission::Stored(r));
    }
    let site_id = orgs::site_of(store, new.org_id).await?;
    let site = orgs::by_id(store, site_id).await?;
    let region = region_of_site(store, &site.code).await?;
    let cal = calendar::load(store).await?;
    let received_on = beijing_date(received_at);
    let (due, due_provisional) = first_due(received_on, region, &cal);
    let secret_hash = secrets::protect(store, &new.secret).await?;
    let mut tx = store.begin_write().await?;
    let code = cases::new_tracking_code(&mut tx, &Application::TABLE).await?;
    let at = ts(now());
    let inserted: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO applications (tracking_code, secret_hash, submission_key, site_id, org_id, applicant_kind, name,
            id_number, credit_code, contact_person, phone, email, address, postcode, description, doc_hint, delivery,
            status, received_on, received_at, due_on, ip, created_at, updated_at, due_provisional)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'received', $18, $19, $20, $21, $22, $22, $23)
         RETURNING id",
    )
    .bind(&code)
    .bind(secret_hash)
    .bind(&new.submission_key)
    .bind(site_id)
    .bind(new.org_id)
    .bind(new.applicant_kind.code())
    .bind(&new.name)
    .bind(&new.id_number)
    .bind(&new.credit_code)
    .bind(&new.contact_person)
    .bind(&new.phone)
    .bind(&new.email)
    .bind(&new.address)
    .bind(&new.postcode)
    .bind(&new.description)
    .bind(&new.doc_hint)
    .bind(new.delivery.code())
    .bind(received_on.to_string())
    .bind(ts(received_at))
    .bind(due.map(|d| d.to_string()))
    .bind(ip)
    .bind(at)
    .bind(i64::from(due_provisional))
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) => {
            // The same form sent twice at once: the other request stored it first (the
            // submission key is unique), and its receipt is this one's too.
            let _ = tx.rollback().await;
            return match earlier_receipt(store, &new.submission_key).await? {
                Some(r) => Ok(Admission::Stored(r)),
                None => Err(e.into()),
            };
        }
    };
    for f in &new.files {
        cases::add_file(&mut tx, &FILES, id, f).await?;
    }
    feed::emit(
        &mut tx,
        "application",
        &id.to_string(),
        "application.submit",
    )
    .await?;
    crate::outbox::application_submitted(store, &mut tx, id).await?;
    // Counted last, with the audit entry (whose lock serialises every writer anyway): on
    // PostgreSQL the scope's lock is then held only for the end of the transaction.
    if let Some(over) = crate::throttle::hit_all_in(&mut tx, store, limits).await? {
        tx.rollback().await?;
        return Ok(Admission::OverLimit(over));
    }
    audit::Change::new("application.submit", "application", &code)
        .with_detail(serde_json::json!({ "org_id": new.org_id, "kind": new.applicant_kind.code() }))
        .append(&mut tx, store, &Actor::user("public", ip))
        .await?;
    tx.commit().await?;
    Ok(Admission::Stored(Receipt {
        tracking_code: code,
        received_on,
        due_on: due,
        due_provisional,
        repeated: false,
    }))
}

/// One application by id.
pub async fn get(store: &Store, id: i64) -> Result<Application> {
    cases::get(store, id).await
}

/// One application by tracking code.
pub async fn by_tracking_code(store: &Store, code: &str) -> Result<Application> {
    cases::by_tracking_code(store, code).await
}

/// Applications addressed to the given organisations, open ones first by due date.
pub async fn list_for_orgs(
    store: &Store,
    org_ids: &[i64],
    include_closed: bool,
) -> Result<Vec<Application>> {
    let mut q = Sql::new(format!("{SELECT} WHERE a.org_id IN "));
    q.int_list(org_ids.iter().copied());
    if !include_closed {
        q.push(" AND a.status <> 'replied'");
    }
    // Paused rows (no due date) after dated ones on both engines: SQLite sorts NULL first,
    // PostgreSQL last, so the order is spelled out.
    q.push(" ORDER BY CASE WHEN a.status = 'replied' THEN 1 ELSE 0 END, CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.id LIMIT 500");
    sql::all_in(org_ids, &q, store.pool()).await
}

/// The events of an application in order.
pub async fn events(store: &Store, id: i64) -> Result<Vec<RecordedEvent<ClockEvent>>> {
    cases::events(store, &EVENTS, id).await
}

/// A letter sent to the applicant (补正告知书, 延期答复告知书, 收费通知书, 答复书 …).
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// Database id.
    pub id: i64,
    /// Kind code (`correction`, `extension`, `fee`, `transfer`, `reply`).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Body text (paragraphs separated by blank lines).
    pub body: String,
    /// When (storage timestamp).
    pub created_at: String,
}

column::from_row!(Letter => id, kind, title, body, created_at);

/// Letters of an application in order.
pub async fn letters(store: &Store, id: i64) -> Result<Vec<Letter>> {
    let q = sqlx::query(
        "SELECT id, kind, title, body, created_at FROM application_letters WHERE application_id = $1 ORDER BY id",
    );
    sql::all(q.bind(id), store.pool()).await
}

/// A letter to send with an event: `(kind, title, body)`.
pub type NewLetter = (String, String, String);

async fn recompute_in(
    tx: &mut Tx,
    app: &Application,
    events: &[ClockEvent],
    cal: &Calendar,
    region: Option<RegionCode>,
) -> Result<Option<NaiveDate>> {
    let (due, provisional) = if app.status == ApplicationStatus::Replied {
        (app.due_on, app.due_provisional)
    } else {
        // What happened is recorded even when the calendar cannot date the deadline: the due
        // date is then unknown, and the page says why.
        match reckon(app, events, cal, region) {
            Ok(r) => (r.due_date(), r.is_provisional()),
            Err(e) => {
                tracing::warn!(error = %e, code = %app.tracking_code, "due date not computed");
                (None, false)
            }
        }
    };
    sqlx::query(
        "UPDATE applications SET due_on = $1, due_provisional = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(due.map(|d| d.to_string()))
    .bind(i64::from(provisional))
    .bind(ts(now()))
    .bind(app.id)
    .execute(&mut **tx)
    .await?;
    Ok(due)
}

/// Records a clock event after the domain's rules allow it, recomputes the due date, stores an
/// accompanying letter, and audits — all in one transaction.
pub async fn record_event(
    store: &Store,
    actor: &Actor,
    id: i64,
    event: &ClockEvent,
    letter: Option<NewLetter>,
) -> Result<Application> {
    record_event_with_files(store, actor, id, event, letter, &[]).await
}

/// [`record_event`] with files (already stored as blobs) recorded in the same transaction: with
/// a reply they are the released information ([`REPLY_FILES`]); with any other event (an online
/// 补正) they are the applicant's ([`FILES`]). The audit entry names them.
pub async fn record_event_with_files(
    store: &Store,
    actor: &Actor,
    id: i64,
    event: &ClockEvent,
    letter: Option<NewLetter>,
    files: &[AttachedFile],
) -> Result<Application> {
    let app = get(store, id).await?;
    let site = orgs::by_id(store, app.site_id).await?;
    let region = region_of_site(store, &site.code).await?;
    let cal = calendar::load(store).await?;
    let mut tx = store.begin_write().await?;
    // Re-read inside the transaction: another member of staff may have acted meanwhile. On
    // PostgreSQL the row is locked until commit, so two simultaneous steps are judged one after
    // the other (SQLite's BEGIN IMMEDIATE already admits one writer at a time).
    let read_status = match store.engine() {
        Engine::Postgres => "SELECT status FROM applications WHERE id = $1 FOR UPDATE",
        Engine::Sqlite => "SELECT status FROM applications WHERE id = $1",
    };
    let row = sqlx::query(read_status)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let status: ApplicationStatus = column::code(&row, "status", ApplicationStatus::parse)?;
    let mut events: Vec<ClockEvent> = cases::events_in(&mut tx, &EVENTS, id).await?;
    let next = rules::apply(
        status,
        app.received_on,
        &events,
        event,
        &cal,
        region.as_ref(),
    )?;
    cases::append_event(&mut tx, &EVENTS, id, event, &actor.name).await?;
    let table = match event {
        ClockEvent::Replied { .. } => &REPLY_FILES,
        _ => &FILES,
    };
    for f in files {
        cases::add_file(&mut tx, table, id, f).await?;
    }
    events.push(event.clone());
    let (outcome, replied_on) = match event {
        ClockEvent::Replied { outcome, on } => (Some(*outcome), Some(*on)),
        ClockEvent::Transferred { on, .. } => (Some(Outcome::NotHeld), Some(*on)),
        _ => (app.outcome, app.replied_on),
    };
    sqlx::query("UPDATE applications SET status = $1, outcome = $2, replied_on = $3 WHERE id = $4")
        .bind(next.code())
        .bind(outcome.map_or("", Outcome::code))
        .bind(replied_on.map(|d| d.to_string()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut updated = app.clone();
    updated.status = next;
    recompute_in(&mut tx, &updated, &events, &cal, region).await?;
    if let Some((kind, title, body)) = &letter {
        sqlx::query("INSERT INTO application_letters (application_id, kind, title, body, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(kind)
            .bind(title)
            .bind(body)
            .bind(ts(now()))
            .execute(&mut *tx)
            .await?;
    }
    audit::Change::new("application.event", "application", &app.tracking_code)
        .with_detail(serde_json::json!({
            "event": audited(event), "status": next.code(), "letter": letter.as_ref().map(|l| &l.0),
            "files": files.iter().map(|f| &f.file_name).collect::<Vec<_>>(),
        }))
        .append(&mut tx, store, actor)
        .await?;
    feed::emit(&mut tx, "application", &id.to_string(), "application.event").await?;
    crate::outbox::application_event(store, &mut tx, &app, event).await?;
    tx.commit().await?;
    get(store, id).await
}

/// The event as the audit log keeps it: an online 补正's text is the applicant's own words and
/// may carry personal data, so only its length is kept (the text stays on the application).
fn audited(event: &ClockEvent) -> ClockEvent {
    let mut kept = event.clone();
    if let ClockEvent::CorrectionReceived { answer: Some(answer), .. } = &mut kept {
        answer.text = format!("（{} 字）", answer.text.chars().count());
    }
    kept
}

/// Recomputes the due date of every open application with the calendar in force (after
/// calendar data changed); audited with the number changed.
pub async fn recompute_open(store: &Store, actor: &Actor) -> Result<usize> {
    let cal = calendar::load(store).await?;
    let open: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM applications WHERE status <> 'replied'")
            .fetch_all(store.pool())
            .await?;
    let mut changed = Vec::new();
    for id in open {
        let app = get(store, id).await?;
        let site = orgs::by_id(store, app.site_id).await?;
        let region = region_of_site(store, &site.code).await?;
        let evs: Vec<ClockEvent> = events(store, id)
            .await?
            .into_iter()
            .map(|e| e.event)
            .collect();
        let (due, provisional) = reckon(&app, &evs, &cal, region)
            .map_or((None, false), |r| (r.due_date(), r.is_provisional()));
        if (due, provisional) != (app.due_on, app.due_provisional) {
            changed.push((id, app.tracking_code.clone(), app.due_on, due, provisional));
        }
    }
    let mut tx = store.begin_write().await?;
    for (id, _, _, due, provisional) in &changed {
        sqlx::query(
            "UPDATE applications SET due_on = $1, due_provisional = $2, updated_at = $3 WHERE id = $4",
        )
            .bind(due.map(|d| d.to_string()))
            .bind(i64::from(*provisional))
            .bind(ts(now()))
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    audit::Change::new("application.recompute_due", "calendar", "open_applications").with_detail(serde_json::json!({
                "changed": changed.iter().map(|(_, code, from, to, provisional)| serde_json::json!({"code": code, "from": from, "to": to, "provisional": provisional})).collect::<Vec<_>>(),
            })).commit(tx, store, actor).await?;
    Ok(changed.len())
}

/// Other applications to the same organisation asking for similar information
/// (similarity ≥ 0.5), most similar first — candidates for proactive disclosure (第四十四条).
pub async fn similar(store: &Store, app: &Application) -> Result<Vec<(Application, f64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.org_id = $1 AND a.id <> $2 ORDER BY a.id DESC LIMIT 2000"
    )))
    .bind(app.org_id)
    .bind(app.id)
    .fetch_all(store.pool())
    .await?;
    let mut out: Vec<(Application, f64)> = rows
        .iter()
        .map(Application::from_row)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .map(|other| {
            let s = rules::similarity(
                &format!("{} {}", app.description, app.doc_hint),
                &format!("{} {}", other.description, other.doc_hint),
            );
            (other, s)
        })
        .filter(|(_, s)| *s >= 0.5)
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(out)
}

/// Links applications to the draft record created to publish their information proactively.
pub async fn link_proactive(
    store: &Store,
    actor: &Actor,
    ids: &[i64],
    record_id: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    for id in ids {
        sqlx::query("UPDATE applications SET proactive_record_id = $1 WHERE id = $2")
            .bind(record_id)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    audit::Change::new(
        "application.propose_proactive",
        "record",
        record_id.to_string(),
    )
    .with_detail(serde_json::json!({ "applications": ids }))
    .commit(tx, store, actor)
    .await
}

/// This application's position among those the applicant (same name and ID or credit code)
/// addressed to the organisation in the calendar month it was received (1 = the first) — for
/// fees by piece, which count the applicant's applications per month (国办函〔2020〕109号).
/// Applications received later that month do not move an earlier one's position.
pub async fn nth_this_month(store: &Store, app: &Application) -> Result<u32> {
    let received = app.received_on;
    let start = NaiveDate::from_ymd_opt(received.year(), received.month(), 1).unwrap_or(received);
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM applications WHERE org_id = $1 AND name = $2 AND id_number = $3 AND credit_code = $4
         AND received_on >= $5 AND (received_at < $6 OR (received_at = $6 AND id <= $7))",
    )
    .bind(app.org_id)
    .bind(&app.name)
    .bind(&app.id_number)
    .bind(&app.credit_code)
    .bind(start.to_string())
    .bind(ts(app.received_at))
    .bind(app.id)
    .fetch_one(store.pool())
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Records that a member of staff opened an applicant's personal data (个人信息保护法).
pub async fn log_access(store: &Store, actor: &Actor, app: &Application) -> Result<()> {
    audit::record(
        store,
        actor,
        audit::Change::new("application.view", "application", &app.tracking_code),
    )
    .await?;
    Ok(())
}

/// Forwards a transferred application to the responsible organisation: a new application
/// there with the same content and secret, received today, linked by its submission key.
pub async fn forward(store: &Store, app: &Application, to_org_id: i64) -> Result<Receipt> {
    let secret_hash: String =
        sqlx::query_scalar("SELECT secret_hash FROM applications WHERE id = $1")
            .bind(app.id)
            .fetch_one(store.pool())
            .await?;
    let site_id = orgs::site_of(store, to_org_id).await?;
    let site = orgs::by_id(store, site_id).await?;
    let region = region_of_site(store, &site.code).await?;
    let cal = calendar::load(store).await?;
    let at = now();
    let received_on = beijing_date(at);
    let (due, due_provisional) = first_due(received_on, region, &cal);
    let key = format!("forward:{}", app.tracking_code);
    let mut tx = store.begin_write().await?;
    if let Some(code) = sqlx::query_scalar::<_, String>(
        "SELECT tracking_code FROM applications WHERE submission_key = $1",
    )
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await?
    {
        return Ok(Receipt {
            tracking_code: code,
            received_on,
            due_on: due,
            due_provisional,
            repeated: true,
        });
    }
    let code = cases::new_tracking_code(&mut tx, &Application::TABLE).await?;
    sqlx::query(
        "INSERT INTO applications (tracking_code, secret_hash, submission_key, site_id, org_id, applicant_kind, name,
            id_number, credit_code, contact_person, phone, email, address, postcode, description, doc_hint, delivery,
            status, received_on, received_at, due_on, ip, created_at, updated_at, due_provisional)
         SELECT $1, $2, $3, $4, $5, applicant_kind, name, id_number, credit_code, contact_person, phone, email, address,
            postcode, description, doc_hint, delivery, 'received', $6, $7, $8, ip, $7, $7, $10
         FROM applications WHERE id = $9",
    )
    .bind(&code)
    .bind(secret_hash)
    .bind(&key)
    .bind(site_id)
    .bind(to_org_id)
    .bind(received_on.to_string())
    .bind(ts(at))
    .bind(due.map(|d| d.to_string()))
    .bind(app.id)
    .bind(i64::from(due_provisional))
    .execute(&mut *tx)
    .await?;
    audit::Change::new("application.forward", "application", &code)
        .with_detail(serde_json::json!({ "from": app.tracking_code, "to_org": to_org_id }))
        .commit(tx, store, &Actor::system())
        .await?;
    Ok(Receipt {
        tracking_code: code,
        received_on,
        due_on: due,
        due_provisional,
        repeated: false,
    })
}
