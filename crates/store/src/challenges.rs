//! 行政复议 and 行政诉讼 recorded on applications (`gongkai_domain::application::Challenge`):
//! added and decided by the handling office, audited on the application, and read back for the
//! annual report's section 四.

use chrono::NaiveDate;
use gongkai_domain::application::{Challenge, ChallengeKind, ChallengeResult};
use serde::Serialize;

use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, StoreError, audit, column, now, ts};

/// A recorded challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedChallenge {
    /// Database id.
    pub id: i64,
    /// The application it is about.
    pub application_id: i64,
    /// Its kind.
    pub kind: ChallengeKind,
    /// The day it was filed.
    pub filed_on: NaiveDate,
    /// Its result.
    pub result: ChallengeResult,
    /// The day it was decided.
    pub decided_on: Option<NaiveDate>,
    /// Who recorded it last.
    pub recorded_by: String,
}

column::from_row!(RecordedChallenge => id, application_id, kind, filed_on, result, decided_on,
    recorded_by);

impl RecordedChallenge {
    /// The challenge itself.
    pub fn challenge(&self) -> Challenge {
        Challenge {
            kind: self.kind,
            filed_on: self.filed_on,
            result: self.result,
            decided_on: self.decided_on,
        }
    }
}

const SELECT: &str = "SELECT c.id, c.application_id, c.kind, c.filed_on, c.result, \
     c.decided_on, c.recorded_by FROM application_challenges c";

/// The challenges of the application `application_id`, in filing order.
pub async fn of_application(store: &Store, application_id: i64) -> Result<Vec<RecordedChallenge>> {
    sql::all(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE c.application_id = $1 ORDER BY c.filed_on, c.id"
        )))
        .bind(application_id),
        store.pool(),
    )
    .await
}

/// The challenge `id` of the application `application_id` (another application's is not
/// found).
pub async fn get(store: &Store, application_id: i64, id: i64) -> Result<RecordedChallenge> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE c.id = $1 AND c.application_id = $2"
        )))
        .bind(id)
        .bind(application_id),
        store.pool(),
        "该复议或诉讼记录",
    )
    .await
}

/// The challenges over applications to the organisations `org_ids` filed in `year`.
pub async fn filed_in(store: &Store, org_ids: &[i64], year: i32) -> Result<Vec<Challenge>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(format!(
        "{SELECT} JOIN applications a ON a.id = c.application_id WHERE a.org_id IN "
    ));
    q.int_list(org_ids.iter().copied());
    q.push(" AND c.filed_on >= ")
        .text(format!("{year:04}-01-01"));
    q.push(" AND c.filed_on <= ")
        .text(format!("{year:04}-12-31"));
    let rows: Vec<RecordedChallenge> = sql::all(q.query(), store.pool()).await?;
    Ok(rows.iter().map(RecordedChallenge::challenge).collect())
}

/// Records `challenge` on the application `application_id` (tracking code `code`), audited as
/// `application.challenge_add`. Returns its id.
pub async fn add(
    store: &Store,
    actor: &Actor,
    application_id: i64,
    code: &str,
    challenge: &Challenge,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO application_challenges (application_id, kind, filed_on, result, decided_on,
            recorded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(application_id)
    .bind(challenge.kind.code())
    .bind(challenge.filed_on.to_string())
    .bind(challenge.result.code())
    .bind(challenge.decided_on.map(|d| d.to_string()))
    .bind(&actor.name)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    audit::Change::new("application.challenge_add", "application", code)
        .with_detail(serde_json::json!({
            "challenge": id, "kind": challenge.kind.code(), "filed_on": challenge.filed_on,
        }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

/// Records the result of the challenge `id` of the application (tracking code `code`),
/// audited as `application.challenge_decide`.
pub async fn decide(
    store: &Store,
    actor: &Actor,
    application_id: i64,
    code: &str,
    id: i64,
    challenge: &Challenge,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE application_challenges SET result = $1, decided_on = $2, recorded_by = $3,
            updated_at = $4 WHERE id = $5 AND application_id = $6",
    )
    .bind(challenge.result.code())
    .bind(challenge.decided_on.map(|d| d.to_string()))
    .bind(&actor.name)
    .bind(ts(now()))
    .bind(id)
    .bind(application_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "该复议或诉讼记录".into(),
        });
    }
    audit::Change::new("application.challenge_decide", "application", code)
        .with_detail(serde_json::json!({
            "challenge": id, "result": challenge.result.code(), "decided_on": challenge.decided_on,
        }))
        .commit(tx, store, actor)
        .await
}

/// Removes the challenge `id` of the application (tracking code `code`) recorded in error,
/// audited as `application.challenge_remove` with what it held.
pub async fn remove(
    store: &Store,
    actor: &Actor,
    application_id: i64,
    code: &str,
    id: i64,
) -> Result<()> {
    let removed = get(store, application_id, id).await?;
    let mut tx = store.begin_write().await?;
    let done =
        sqlx::query("DELETE FROM application_challenges WHERE id = $1 AND application_id = $2")
            .bind(id)
            .bind(application_id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "该复议或诉讼记录".into(),
        });
    }
    audit::Change::new("application.challenge_remove", "application", code)
        .with_detail(serde_json::json!({
            "challenge": id, "kind": removed.kind.code(), "filed_on": removed.filed_on,
            "result": removed.result.code(),
        }))
        .commit(tx, store, actor)
        .await
}
