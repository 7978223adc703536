//! A dataset's review steps: its author (or anyone drafting in its organisation) submits it; a
//! reviewer of its organisation who is not its author approves it (it is published) or returns
//! it with a reason — as `store::datasets::step` and `domain::dataset::apply_step` allow.

use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::ErrorCode;
use gongkai_domain::dataset::ReviewStep;
use gongkai_domain::role::Permission;
use gongkai_store::datasets;
use serde::Deserialize;

use super::OnDataset;
use crate::WebError;
use crate::admin::desk::Desk;

/// The step form: `submit`, `approve` or `return`, and a return's reason.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    step: String,
    reason: String,
}

/// `POST /admin/data/{id}/step`: takes a review step on the dataset.
pub async fn step(
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    let Some(step) = ReviewStep::parse(&form.step) else {
        return Err(WebError::BadRequest(ErrorCode::FormMalformed.into()));
    };
    let permission = match step {
        ReviewStep::Submit => Permission::DraftRecords,
        ReviewStep::Approve | ReviewStep::Return => Permission::ReviewRecords,
    };
    let on = OnDataset::open(desk, id, permission).await?;
    let Desk { state, staff, .. } = &on.desk;
    let result = datasets::step(
        &state.store,
        &on.desk.actor(),
        staff.id,
        id,
        step,
        &form.reason,
    )
    .await;
    on.after(result, StatusCode::CONFLICT).await
}
