//! A row's review steps: 提交审核 (its author), 退回 with a reason, 审核通过并发布 (a reviewer
//! who did not write it; screening findings need a written justification, 办事指南 its
//! statutory elements) and 撤回. The rules are the domain's and the store's; these handlers
//! only load the row within the member of staff's scope and answer.

use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::ErrorCode;
use gongkai_domain::role::Permission;
use gongkai_domain::screening::Justification;
use gongkai_store::StoreError;
use gongkai_store::typed_lists;
use serde::Deserialize;

use super::OnRow;
use crate::WebError;
use crate::admin::desk::Desk;

/// `POST /admin/lists/{type}/{id}/submit`: the author asks for review.
pub async fn submit(
    desk: Desk,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let on = OnRow::open(desk, &code, id, Permission::DraftRecords).await?;
    let result = typed_lists::submit(
        &on.desk.state.store,
        &on.desk.actor(),
        on.desk.staff.id,
        on.scope.site_id,
        id,
    )
    .await;
    on.after(result, "").await
}

/// A reviewer's decision as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    /// `approve` or `return`.
    decision: String,
    /// Why it is returned.
    reason: String,
    /// The written justification for publishing over screening findings.
    screening_note: String,
}

/// `POST /admin/lists/{type}/{id}/review`: a reviewer other than the author approves and
/// publishes the row (screened; a justification when there are findings) or returns it with a
/// reason.
pub async fn review(
    desk: Desk,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let on = OnRow::open(desk, &code, id, Permission::ReviewRecords).await?;
    let (store, actor) = (&on.desk.state.store, on.desk.actor());
    let (reviewer, site) = (on.desk.staff.id, on.scope.site_id);
    let result = if f.decision == "return" {
        if f.reason.trim().is_empty() {
            Err(StoreError::conflict(
                ErrorCode::RecordRejectionReasonRequired,
            ))
        } else {
            typed_lists::return_row(store, &actor, reviewer, site, id, &f.reason).await
        }
    } else {
        let justification = Justification {
            note: &f.screening_note,
            secret_ground: None,
        };
        typed_lists::approve(store, &actor, reviewer, site, id, justification)
            .await
            .map(|_| ())
    };
    on.after(result, &f.screening_note).await
}

/// The reason of a withdrawal as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    /// Why it leaves the public side.
    reason: String,
}

/// `POST /admin/lists/{type}/{id}/withdraw`: a reviewer takes a published row off the public
/// side, with a reason.
pub async fn withdraw(
    desk: Desk,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, WebError> {
    let on = OnRow::open(desk, &code, id, Permission::ReviewRecords).await?;
    if f.reason.trim().is_empty() {
        let msg = ErrorCode::ListWithdrawReasonRequired.message();
        return on.show(StatusCode::BAD_REQUEST, Some(msg), "").await;
    }
    let result = typed_lists::withdraw(
        &on.desk.state.store,
        &on.desk.actor(),
        on.desk.staff.id,
        on.scope.site_id,
        id,
        &f.reason,
    )
    .await;
    on.after(result, "").await
}
