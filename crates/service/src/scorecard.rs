//! 考核 and 社会评议 as use cases: the scoreboard of a site for a period, the weights its
//! openness office sets, publishing a period's summary for the public to rate, and a citizen's
//! evaluation ([`evaluate`]: checked, rate-limited, stored for moderation).

use chrono::{DateTime, Utc};
use gongkai_domain::scorecard::{self as rules, Period, Weights};
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_store::orgs::{self, Organisation};
use gongkai_store::scorecard::{self as store, Round, Scoreboard};
use gongkai_store::{Actor, Store, StoreError};
use serde::Deserialize;

use crate::{Intake, Outcome, ServiceError};

/// Every organisation's scorecard of the site `site` for `period`, as things stand at `at`.
pub async fn scoreboard(
    store: &Store,
    site: &Organisation,
    period: Period,
    at: DateTime<Utc>,
) -> Result<Scoreboard, ServiceError> {
    Ok(store::scoreboard(store, site, period, at).await?)
}

/// Saves the weights typed for the site `site` (field = indicator code); a field that is not a
/// whole number from 0 to 100 refuses the form by field and nothing is saved.
pub async fn save_weights<'a>(
    store: &Store,
    actor: &Actor,
    site: &Organisation,
    typed: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Outcome<Weights>, ServiceError> {
    let weights = match Weights::parse(typed) {
        Ok(w) => w,
        Err(errors) => return Ok(Err(errors)),
    };
    store::set_weights(store, actor, &site.code, &weights).await?;
    Ok(Ok(weights))
}

/// Publishes the site's scoreboard for `period` as its 社会评议 (the summary is frozen as it
/// stands at `at`); a period already published is refused.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    site: &Organisation,
    period: Period,
    at: DateTime<Utc>,
) -> Result<i64, ServiceError> {
    let board = store::scoreboard(store, site, period, at).await?;
    Ok(store::publish_round(store, actor, site.id, &board).await?)
}

/// The public evaluation form as typed.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct EvaluationForm {
    /// The organisation rated (its code).
    pub org: String,
    /// 公开及时 (1–5).
    pub timely: String,
    /// 内容完整 (1–5).
    pub complete: String,
    /// 回应满意 (1–5).
    pub responsive: String,
    /// An optional comment, shown only once approved.
    pub comment: String,
    /// The form's idempotency key (a repeated form is stored once).
    pub submission_key: String,
}

/// A citizen's evaluation of one organisation in the 社会评议 `round`: every item rated 1–5,
/// the comment bounded, the organisation one the round names; then the address's hourly
/// limit; then stored (a comment held for moderation) and audited. Field errors write nothing;
/// a form sent again under its submission key is stored and counted once.
pub async fn evaluate(
    intake: Intake<'_>,
    round: &Round,
    form: &EvaluationForm,
) -> Result<Outcome<i64>, ServiceError> {
    let mut errors = FieldErrors::new();
    let rating_of = |field: &str| match field {
        "timely" => Some(form.timely.as_str()),
        "complete" => Some(form.complete.as_str()),
        "responsive" => Some(form.responsive.as_str()),
        _ => None,
    };
    let evaluation = match rules::check_evaluation(rating_of, &form.comment) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let org_code = form.org.trim();
    let org = if round.summary.iter().any(|l| l.code == org_code) {
        match gongkai_domain::org::OrgCode::parse(org_code) {
            Ok(code) => match orgs::by_code(intake.store, &code).await {
                Ok(o) if o.site_id == round.site_id => Some(o),
                Ok(_) | Err(StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        }
    } else {
        None
    };
    if org.is_none() {
        errors.insert("org", ErrorCode::EvaluationOrgUnknown);
    }
    if round.closed_at.is_some() {
        return Err(ServiceError::Refused(ErrorCode::EvaluationClosed.into()));
    }
    let (Some(evaluation), Some(org), true) = (evaluation, org, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let key = crate::submission_key(&form.submission_key);
    if let Some(first) = store::response_by_key(intake.store, &key).await? {
        return Ok(Ok(first));
    }
    intake
        .within_hourly_limit(crate::Submission::Evaluation)
        .await?;
    let id = store::add_response(
        intake.store,
        round.site_id,
        round.id,
        org.id,
        &evaluation,
        &key,
        intake.ip,
    )
    .await?;
    Ok(Ok(id))
}
