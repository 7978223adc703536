//! 考核: what each organisation of a site did in a period, counted from the stores that hold it
//! (the 主动公开基本目录, interpretations, applications and their 复议/诉讼, messages and their
//! ratings, publications over screening findings, training attendance, 社会评议) — one query
//! per indicator for all the site's organisations — and scored by `gongkai_domain::scorecard`;
//! the weights each site sets; and 社会评议: a period's summary published for the public to
//! rate, the public's evaluations, and the moderation of their comments (each with a change-feed
//! row, so the page cache drops `/pingyi/` pages that showed the state before).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::basic_catalogue::{DEFAULT_LIMIT_DAYS, Timeliness, timeliness};
use gongkai_domain::calendar::RegionCode;
use gongkai_domain::message::Rating;
use gongkai_domain::monitor::interpretation_delay;
use gongkai_domain::record::Visibility;
use gongkai_domain::scorecard::{
    self as rules, Card, CommentStatus, Evaluation, Facts, Period, Weights,
};
use gongkai_domain::time::{beijing, beijing_date, parse_storage_timestamp};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::basic_catalogue::{self as catalogue, Filed};
use crate::orgs::{self, Organisation};
use crate::records::push_visibility;
use crate::sql::Sql;
use crate::{Actor, Result, Store, StoreError, Tx, audit, feed, now, settings, ts};

/// Setting: a site's weights, as `kaohe.weights.<site code>` (JSON, code → points).
pub const WEIGHTS_KEY: &str = "kaohe.weights";
/// Values per `IN (…)` list.
const IN_LIST_CHUNK: usize = 500;
/// The most interpretations one scorecard reads.
const MAX_INTERPRETATIONS: i64 = 20_000;

/// The weights of the site `site_code` (the defaults until its office sets them).
pub async fn weights(store: &Store, site_code: &str) -> Result<Weights> {
    Ok(
        settings::get(store, &settings::site_key(WEIGHTS_KEY, Some(site_code)))
            .await?
            .map(|raw| Weights::from_json(&raw))
            .unwrap_or_default(),
    )
}

/// Sets the weights of the site `site_code`, audited as a setting with the new values.
pub async fn set_weights(
    store: &Store,
    actor: &Actor,
    site_code: &str,
    weights: &Weights,
) -> Result<()> {
    let key = settings::site_key(WEIGHTS_KEY, Some(site_code));
    settings::set(store, actor, &key, &weights.to_json()).await
}

/// The instant (UTC) a Beijing day begins.
fn beijing_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| beijing().from_local_datetime(&t).single())
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

fn date(raw: Option<String>) -> Option<NaiveDate> {
    raw.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// What every organisation of the site `site_id` did in `period`, by organisation id, as it
/// stands at `at` (open applications and messages count as late once their due day is before
/// `at`'s Beijing date). Every organisation of the site has an entry.
pub async fn facts(
    store: &Store,
    site_id: i64,
    region: Option<&RegionCode>,
    period: Period,
    at: DateTime<Utc>,
) -> Result<BTreeMap<i64, Facts>> {
    let mut out: BTreeMap<i64, Facts> = orgs::of_site(store, site_id)
        .await?
        .into_iter()
        .map(|o| (o.id, Facts::default()))
        .collect();
    let from = period.first_day();
    let end = period.end();
    let window = (beijing_start(from), beijing_start(end));
    let calendar = crate::calendar::load(store).await?;
    // Due days before today count as missed; the window's end stops at today.
    let today = beijing_date(at);
    let due_before = end.min(today);

    // 主动公开: the catalogue rows' publications in the window, each against its row's limit
    // (the rule of `domain::basic_catalogue::timeliness`), only on rows assigned to the office.
    let items: HashMap<i64, i64> = catalogue::items(store, site_id)
        .await?
        .into_iter()
        .map(|i| (i.id, i.limit_days))
        .collect();
    let assigned: HashSet<(i64, i64)> = catalogue::assignments(store, site_id)
        .await?
        .into_iter()
        .collect();
    for (_, org) in &assigned {
        out.entry(*org).or_default().rows_assigned += 1;
    }
    let filed = catalogue::filed_records(
        store,
        site_id,
        Filed {
            window: Some(window),
            ..Filed::default()
        },
        at,
    )
    .await?;
    let mut covered: HashSet<(i64, i64)> = HashSet::new();
    for r in filed
        .iter()
        .filter(|r| assigned.contains(&(r.item_id, r.org_id)))
    {
        let limit = items
            .get(&r.item_id)
            .and_then(|l| u32::try_from(*l).ok())
            .unwrap_or(DEFAULT_LIMIT_DAYS);
        let formed = date(r.written_on.clone());
        let published = parse_storage_timestamp(&r.published_at)
            .map(beijing_date)
            .ok_or_else(|| StoreError::Corrupt(format!("发布时间 {}", r.published_at)))?;
        let t = timeliness(&calendar, region, formed, published, limit)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let f = out.entry(r.org_id).or_default();
        match t {
            Timeliness::OnTime => f.proactive_on_time += 1,
            Timeliness::Late { .. } => f.proactive_late += 1,
            Timeliness::NoDate => f.proactive_no_date += 1,
        }
        covered.insert((r.item_id, r.org_id));
    }
    for (_, org) in covered {
        out.entry(org).or_default().rows_covered += 1;
    }

    // 政策解读: listed interpretations published in the window whose policy is listed too,
    // late by `domain::monitor::interpretation_delay` (the site inspection's rule).
    let listed = |select: &str| {
        let mut q = Sql::new(select);
        q.push(" WHERE r.site_id = ").int(site_id);
        push_visibility(&mut q, Visibility::LISTED, at);
        q
    };
    let mut q = listed("SELECT r.org_id, r.published_at, r.interprets_id FROM records r");
    q.push(" AND r.interprets_id IS NOT NULL AND r.published_at >= ")
        .text(ts(window.0))
        .push(" AND r.published_at < ")
        .text(ts(window.1))
        .push(" ORDER BY r.id LIMIT ")
        .int(MAX_INTERPRETATIONS);
    let readings = q.query().fetch_all(store.pool()).await?;
    let mut policy_ids = Vec::with_capacity(readings.len());
    for row in &readings {
        policy_ids.push(row.try_get::<i64, _>("interprets_id")?);
    }
    let mut policies: HashMap<i64, NaiveDate> = HashMap::new();
    for ids in policy_ids.chunks(IN_LIST_CHUNK) {
        let mut q = listed("SELECT r.id, r.published_at FROM records r");
        q.push(" AND r.id IN ").int_list(ids.iter().copied());
        for row in q.query().fetch_all(store.pool()).await? {
            let published: Option<String> = row.try_get("published_at")?;
            if let Some(day) = published.as_deref().and_then(parse_storage_timestamp) {
                policies.insert(row.try_get("id")?, beijing_date(day));
            }
        }
    }
    for row in &readings {
        let policy: i64 = row.try_get("interprets_id")?;
        let published: Option<String> = row.try_get("published_at")?;
        let (Some(on), Some(policy_on)) = (
            published.as_deref().and_then(parse_storage_timestamp),
            policies.get(&policy),
        ) else {
            continue;
        };
        let f = out.entry(row.try_get("org_id")?).or_default();
        f.interpretations += 1;
        // A span the calendar cannot count is not held against the office.
        if let Ok(Some(_)) = interpretation_delay(*policy_on, beijing_date(on), &calendar, region) {
            f.interpretations_late += 1;
        }
    }

    // 依申请公开: answered in the window, or due in it (before today) and still open and
    // running (not paused for a correction, a consultation or a fee).
    let rows = sqlx::query(
        "SELECT org_id, due_on, replied_on, outcome FROM applications
         WHERE site_id = $1 AND (
            (replied_on IS NOT NULL AND replied_on >= $2 AND replied_on < $3)
            OR (replied_on IS NULL AND status IN ('received', 'in_progress')
                AND due_on IS NOT NULL AND due_on >= $2 AND due_on < $4))",
    )
    .bind(site_id)
    .bind(from.to_string())
    .bind(end.to_string())
    .bind(due_before.to_string())
    .fetch_all(store.pool())
    .await?;
    for row in rows {
        let f = out.entry(row.try_get("org_id")?).or_default();
        f.applications_due += 1;
        let due = date(row.try_get("due_on")?);
        if let Some(replied) = date(row.try_get("replied_on")?) {
            if due.is_none_or(|d| replied <= d) {
                f.applications_on_time += 1;
            }
            f.outcomes.add(&row.try_get::<String, _>("outcome")?);
        }
    }

    // 复议 and 诉讼 decided in the window.
    let rows = sqlx::query(
        "SELECT a.org_id, c.result FROM application_challenges c
         JOIN applications a ON a.id = c.application_id
         WHERE a.site_id = $1 AND c.result <> 'pending'
           AND c.decided_on >= $2 AND c.decided_on < $3",
    )
    .bind(site_id)
    .bind(from.to_string())
    .bind(end.to_string())
    .fetch_all(store.pool())
    .await?;
    for row in rows {
        let f = out.entry(row.try_get("org_id")?).or_default();
        f.challenges_decided += 1;
        if row.try_get::<String, _>("result")? == "corrected" {
            f.challenges_corrected += 1;
        }
    }

    // 留言: answered in the window, or due in it (before today) and still open; the
    // department it was assigned to answers for it.
    let rows = sqlx::query(
        "SELECT COALESCE(handler_org_id, org_id) AS org_id, due_on, replied_on FROM messages
         WHERE site_id = $1 AND status <> 'not_accepted' AND (
            (replied_on IS NOT NULL AND replied_on >= $2 AND replied_on < $3)
            OR (replied_on IS NULL AND status NOT IN ('replied', 'closed')
                AND due_on IS NOT NULL AND due_on >= $2 AND due_on < $4))",
    )
    .bind(site_id)
    .bind(from.to_string())
    .bind(end.to_string())
    .bind(due_before.to_string())
    .fetch_all(store.pool())
    .await?;
    for row in rows {
        let f = out.entry(row.try_get("org_id")?).or_default();
        f.messages_due += 1;
        let due = date(row.try_get("due_on")?);
        if date(row.try_get("replied_on")?).is_some_and(|r| due.is_none_or(|d| r <= d)) {
            f.messages_on_time += 1;
        }
    }
    // Ratings given in the window, to the organisation that replied.
    let rows = sqlx::query(
        "SELECT COALESCE(reply_org_id, handler_org_id, org_id) AS org_id, rating FROM messages
         WHERE site_id = $1 AND rating <> '' AND rated_on >= $2 AND rated_on < $3",
    )
    .bind(site_id)
    .bind(from.to_string())
    .bind(end.to_string())
    .fetch_all(store.pool())
    .await?;
    for row in rows {
        let code: String = row.try_get("rating")?;
        let Some(slot) = Rating::ALL.iter().position(|r| r.code() == code) else {
            continue;
        };
        if let Some(n) = out
            .entry(row.try_get("org_id")?)
            .or_default()
            .ratings
            .get_mut(slot)
        {
            *n += 1;
        }
    }

    // Publications in the window, and those that went out over screening findings (approved
    // with a written justification, kept as the record's screening note).
    let mut q = listed(
        "SELECT r.org_id, COUNT(*) AS n,
            CAST(SUM(CASE WHEN r.screening_note <> '' THEN 1 ELSE 0 END) AS BIGINT) AS flagged
         FROM records r",
    );
    q.push(" AND r.published_at >= ")
        .text(ts(window.0))
        .push(" AND r.published_at < ")
        .text(ts(window.1))
        .push(" GROUP BY r.org_id");
    for row in q.query().fetch_all(store.pool()).await? {
        let f = out.entry(row.try_get("org_id")?).or_default();
        f.published = count(row.try_get("n")?);
        f.published_with_findings = count(row.try_get::<Option<i64>, _>("flagged")?.unwrap_or(0));
    }

    // Training sessions held in the window, and who attended.
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM work_records
         WHERE site_id = $1 AND kind = 'training' AND held_on >= $2 AND held_on < $3",
    )
    .bind(site_id)
    .bind(from.to_string())
    .bind(end.to_string())
    .fetch_one(store.pool())
    .await?;
    let rows = sqlx::query(
        "SELECT a.org_id, COUNT(*) AS sessions, CAST(SUM(a.attendees) AS BIGINT) AS people
         FROM work_record_attendance a JOIN work_records w ON w.id = a.work_record_id
         WHERE w.site_id = $1 AND w.kind = 'training' AND w.held_on >= $2 AND w.held_on < $3
         GROUP BY a.org_id",
    )
    .bind(site_id)
    .bind(from.to_string())
    .bind(end.to_string())
    .fetch_all(store.pool())
    .await?;
    for row in rows {
        let f = out.entry(row.try_get("org_id")?).or_default();
        f.trainings_attended = count(row.try_get("sessions")?);
        f.attendees = count(row.try_get::<Option<i64>, _>("people")?.unwrap_or(0));
    }

    // 社会评议 of the period.
    for (org, n, sum) in evaluation_sums(store, site_id, period).await? {
        let f = out.entry(org).or_default();
        f.evaluations = n;
        f.evaluation_items = n * 3;
        f.evaluation_sum = sum;
    }

    let held = count(held);
    for f in out.values_mut() {
        f.trainings_held = held;
    }
    Ok(out)
}

/// Per organisation: evaluations of the site's 社会评议 for `period` and the sum of their item
/// ratings.
async fn evaluation_sums(
    store: &Store,
    site_id: i64,
    period: Period,
) -> Result<Vec<(i64, u32, u32)>> {
    let rows = sqlx::query(
        "SELECT e.org_id, COUNT(*) AS n,
            CAST(SUM(e.timely + e.complete + e.responsive) AS BIGINT) AS total
         FROM evaluation_responses e JOIN evaluation_rounds r ON r.id = e.round_id
         WHERE r.site_id = $1 AND r.period = $2 GROUP BY e.org_id",
    )
    .bind(site_id)
    .bind(period.code())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("org_id")?,
                count(row.try_get("n")?),
                count(row.try_get::<Option<i64>, _>("total")?.unwrap_or(0)),
            ))
        })
        .collect()
}

/// One organisation's scorecard in a period.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    /// The organisation.
    pub org: Organisation,
    /// What it did.
    pub facts: Facts,
    /// Its card.
    pub card: Card,
    /// Its rank among the site's organisations (1 = highest; equal totals share a rank).
    pub rank: usize,
}

/// Every organisation's scorecard of a site for a period, highest total first.
#[derive(Debug, Clone, Serialize)]
pub struct Scoreboard {
    /// The period.
    pub period: Period,
    /// The weights scored with.
    pub weights: Weights,
    /// The cards, by rank then organisation order.
    pub cards: Vec<Scored>,
}

/// The scorecards of every organisation below the site `site` (its departments and
/// townships; the site's own government is the one assessing) for `period` at `at`.
pub async fn scoreboard(
    store: &Store,
    site: &Organisation,
    period: Period,
    at: DateTime<Utc>,
) -> Result<Scoreboard> {
    let region = crate::applications::region_of_site(store, &site.code).await?;
    let weights = weights(store, &site.code).await?;
    let mut facts = facts(store, site.id, region.as_ref(), period, at).await?;
    let orgs: Vec<Organisation> = orgs::of_site(store, site.id)
        .await?
        .into_iter()
        .filter(|o| o.parent_id.is_some())
        .collect();
    let mut cards: Vec<Scored> = orgs
        .into_iter()
        .map(|org| {
            let f = facts.remove(&org.id).unwrap_or_default();
            let card = rules::score(&f, &weights, period);
            Scored {
                org,
                facts: f,
                card,
                rank: 0,
            }
        })
        .collect();
    let totals: Vec<u32> = cards.iter().map(|c| c.card.total_tenths).collect();
    for (c, r) in cards.iter_mut().zip(rules::rank(&totals)) {
        c.rank = r;
    }
    cards.sort_by_key(|c| c.rank);
    Ok(Scoreboard { period, weights, cards })
}

/// One organisation in a published 社会评议 summary (by code, so the summary survives a site
/// move, where ids change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryLine {
    /// The organisation's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its rank.
    pub rank: usize,
    /// Its total, as shown.
    pub total: String,
    /// Each indicator's score as shown, in indicator order: (code, label, score, weight).
    pub scores: Vec<(String, String, String, u32)>,
}

impl SummaryLine {
    /// The line of a scored organisation.
    pub fn of(s: &Scored) -> Self {
        Self {
            code: s.org.code.clone(),
            name: s.org.name.clone(),
            rank: s.rank,
            total: s.card.total(),
            scores: s
                .card
                .rows
                .iter()
                .map(|r| {
                    (
                        r.indicator.code().to_owned(),
                        r.indicator.label().to_owned(),
                        if r.not_applicable {
                            "不适用".to_owned()
                        } else {
                            r.score()
                        },
                        r.weight,
                    )
                })
                .collect(),
        }
    }
}

/// A published 社会评议.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    /// Database id.
    pub id: i64,
    /// The site.
    pub site_id: i64,
    /// The period it summarises.
    pub period: Period,
    /// The summary as published.
    pub summary: Vec<SummaryLine>,
    /// Who published it.
    pub published_by: String,
    /// When.
    pub published_at: String,
    /// When it stopped taking evaluations, if it did.
    pub closed_at: Option<String>,
}

fn round_of(row: &sqlx::any::AnyRow) -> Result<Round> {
    let period: String = row.try_get("period")?;
    let summary: String = row.try_get("summary")?;
    Ok(Round {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        period: Period::parse(&period)
            .map_err(|_| StoreError::Corrupt(format!("评议期间 {period}")))?,
        summary: serde_json::from_str(&summary)
            .map_err(|e| StoreError::Corrupt(format!("评议汇总 {e}")))?,
        published_by: row.try_get("published_by")?,
        published_at: row.try_get("published_at")?,
        closed_at: row.try_get("closed_at")?,
    })
}

const ROUND: &str = "SELECT id, site_id, period, summary, published_by, published_at, closed_at FROM evaluation_rounds";

/// The site's published 社会评议, the most recently published first.
pub async fn rounds(store: &Store, site_id: i64) -> Result<Vec<Round>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{ROUND} WHERE site_id = $1 ORDER BY published_at DESC, id DESC LIMIT 200"
    )))
    .bind(site_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(round_of).collect()
}

/// The site's 社会评议 `id` (another site's is not found).
pub async fn round(store: &Store, site_id: i64, id: i64) -> Result<Round> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{ROUND} WHERE id = $1 AND site_id = $2"
    )))
    .bind(id)
    .bind(site_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| StoreError::NotFound {
        what: "该次社会评议".into(),
    })?;
    round_of(&row)
}

/// Publishes the scoreboard's summary as the site's 社会评议 for its period, audited; a period
/// published before is refused.
pub async fn publish_round(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    board: &Scoreboard,
) -> Result<i64> {
    let summary: Vec<SummaryLine> = board.cards.iter().map(SummaryLine::of).collect();
    let json = serde_json::to_string(&summary).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM evaluation_rounds WHERE site_id = $1 AND period = $2")
            .bind(site_id)
            .bind(board.period.code())
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(StoreError::conflict(ErrorCode::EvaluationAlreadyPublished));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO evaluation_rounds (site_id, period, summary, published_by, published_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site_id)
    .bind(board.period.code())
    .bind(&json)
    .bind(&actor.name)
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    feed::emit(&mut tx, "evaluation", &id.to_string(), "published").await?;
    audit::Change::new("evaluation.publish", "evaluation", id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({
            "period": board.period.code(), "organisations": summary.len(),
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

/// Stops the 社会评议 `id` taking evaluations, audited.
pub async fn close_round(store: &Store, actor: &Actor, site_id: i64, id: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE evaluation_rounds SET closed_at = $1
         WHERE id = $2 AND site_id = $3 AND closed_at IS NULL",
    )
    .bind(ts(now()))
    .bind(id)
    .bind(site_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "可结束的社会评议".into(),
        });
    }
    feed::emit(&mut tx, "evaluation", &id.to_string(), "closed").await?;
    audit::Change::new("evaluation.close", "evaluation", id.to_string())
        .in_org(site_id)
        .commit(tx, store, actor)
        .await
}

/// Stores a citizen's evaluation of the organisation `org_id` in the 社会评议 `round_id` of
/// the site `site_id`, audited in the same transaction: the round must be open and name the
/// organisation (checked inside the transaction); a comment waits for moderation. A form sent
/// again under the same `submission_key` (a double click) is stored once: the first one's id.
pub async fn add_response(
    store: &Store,
    site_id: i64,
    round_id: i64,
    org_id: i64,
    evaluation: &Evaluation,
    submission_key: &str,
    ip: &str,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    if let Some(first) = response_by_key_in(&mut tx, submission_key).await? {
        return Ok(first);
    }
    let row = sqlx::query(
        "SELECT closed_at, summary FROM evaluation_rounds WHERE id = $1 AND site_id = $2",
    )
    .bind(round_id)
    .bind(site_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound {
        what: "该次社会评议".into(),
    })?;
    if row.try_get::<Option<String>, _>("closed_at")?.is_some() {
        return Err(StoreError::conflict(ErrorCode::EvaluationClosed));
    }
    let summary: Vec<SummaryLine> =
        serde_json::from_str(&row.try_get::<String, _>("summary")?).unwrap_or_default();
    let code: Option<String> =
        sqlx::query_scalar("SELECT code FROM organisations WHERE id = $1 AND site_id = $2")
            .bind(org_id)
            .bind(site_id)
            .fetch_optional(&mut *tx)
            .await?;
    if !code.is_some_and(|c| summary.iter().any(|l| l.code == c)) {
        return Err(StoreError::Domain(gongkai_domain::DomainError::invalid(
            "org",
            ErrorCode::EvaluationOrgUnknown,
        )));
    }
    let status = if evaluation.comment.is_empty() {
        CommentStatus::None
    } else {
        CommentStatus::Pending
    };
    let [timely, complete, responsive] = evaluation.ratings;
    let inserted: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO evaluation_responses (round_id, org_id, timely, complete, responsive,
            comment, comment_status, ip, created_at, submission_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(round_id)
    .bind(org_id)
    .bind(i64::from(timely))
    .bind(i64::from(complete))
    .bind(i64::from(responsive))
    .bind(&evaluation.comment)
    .bind(status.code())
    .bind(ip)
    .bind(ts(now()))
    .bind(submission_key)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) => {
            // The same form sent twice at once: the other request stored it first (the key is
            // unique), and its evaluation is this one's too.
            let _ = tx.rollback().await;
            return match response_by_key(store, submission_key).await? {
                Some(first) => Ok(first),
                None => Err(e.into()),
            };
        }
    };
    // No change-feed row: an open round's page carries the form and is never kept, so a rating
    // changes no kept page, and a row per rating would let anyone empty every page cache.
    audit::Change::new("evaluation.submit", "evaluation", round_id.to_string())
        .in_org(org_id)
        .with_detail(serde_json::json!({
            "response": id, "ratings": evaluation.ratings, "comment": !evaluation.comment.is_empty(),
        }))
        .commit(tx, store, &Actor::user("public", ip))
        .await?;
    Ok(id)
}

/// The evaluation already stored under a form's submission key, if any (so a repeated form
/// is neither counted against the hourly limit nor stored twice).
pub async fn response_by_key(store: &Store, submission_key: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM evaluation_responses WHERE submission_key = $1")
            .bind(submission_key)
            .fetch_optional(store.pool())
            .await?,
    )
}

async fn response_by_key_in(tx: &mut Tx, submission_key: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM evaluation_responses WHERE submission_key = $1")
            .bind(submission_key)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// A citizen's evaluation as staff read it.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// Database id.
    pub id: i64,
    /// The organisation rated.
    pub org_id: i64,
    /// The ratings, in item order.
    pub ratings: [i64; 3],
    /// The comment.
    pub comment: String,
    /// Where the comment stands.
    pub comment_status: CommentStatus,
    /// Who moderated it.
    pub moderated_by: String,
    /// When it was sent.
    pub created_at: String,
}

/// The evaluations of the 社会评议 `round_id` that came with a comment, newest first (at most
/// 1,000); with `approved_only`, only the comments staff approved.
pub async fn comments(store: &Store, round_id: i64, approved_only: bool) -> Result<Vec<Response>> {
    let filter = if approved_only {
        "comment_status = 'approved'"
    } else {
        "comment_status <> 'none'"
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, org_id, timely, complete, responsive, comment, comment_status, moderated_by,
            created_at FROM evaluation_responses WHERE round_id = $1 AND {filter}
         ORDER BY id DESC LIMIT 1000"
    )))
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("comment_status")?;
            Ok(Response {
                id: row.try_get("id")?,
                org_id: row.try_get("org_id")?,
                ratings: [
                    row.try_get("timely")?,
                    row.try_get("complete")?,
                    row.try_get("responsive")?,
                ],
                comment: row.try_get("comment")?,
                comment_status: CommentStatus::parse(&status)
                    .map_err(|_| StoreError::Corrupt(format!("留言状态 {status}")))?,
                moderated_by: row.try_get("moderated_by")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Per organisation of the 社会评议 `round_id`: how many evaluations, and the sum of each
/// item's ratings.
pub async fn tallies(store: &Store, round_id: i64) -> Result<HashMap<i64, (u32, [u32; 3])>> {
    let rows = sqlx::query(
        "SELECT org_id, COUNT(*) AS n, CAST(SUM(timely) AS BIGINT) AS a,
            CAST(SUM(complete) AS BIGINT) AS b, CAST(SUM(responsive) AS BIGINT) AS c
         FROM evaluation_responses WHERE round_id = $1 GROUP BY org_id",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    let mut out = HashMap::new();
    for row in rows {
        let sum =
            |k: &str| -> Result<u32> { Ok(count(row.try_get::<Option<i64>, _>(k)?.unwrap_or(0))) };
        out.insert(
            row.try_get("org_id")?,
            (count(row.try_get("n")?), [sum("a")?, sum("b")?, sum("c")?]),
        );
    }
    Ok(out)
}

/// Approves (shows) or hides the comment of the evaluation `response_id` in the 社会评议
/// `round_id` of the site `site_id`, audited with what it said.
pub async fn moderate(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    round_id: i64,
    response_id: i64,
    approve: bool,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let row = sqlx::query(
        "SELECT e.comment FROM evaluation_responses e
         JOIN evaluation_rounds r ON r.id = e.round_id
         WHERE e.id = $1 AND e.round_id = $2 AND r.site_id = $3 AND e.comment_status <> 'none'",
    )
    .bind(response_id)
    .bind(round_id)
    .bind(site_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound {
        what: "该条评议意见".into(),
    })?;
    let comment: String = row.try_get("comment")?;
    let (status, action) = if approve {
        (CommentStatus::Approved, "evaluation.comment_approve")
    } else {
        (CommentStatus::Hidden, "evaluation.comment_hide")
    };
    sqlx::query(
        "UPDATE evaluation_responses SET comment_status = $1, moderated_by = $2 WHERE id = $3",
    )
    .bind(status.code())
    .bind(&actor.name)
    .bind(response_id)
    .execute(&mut *tx)
    .await?;
    feed::emit(&mut tx, "evaluation", &round_id.to_string(), "moderated").await?;
    audit::Change::new(action, "evaluation", round_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "response": response_id, "comment": comment }))
        .commit(tx, store, actor)
        .await
}
