//! `POST /api/v1/messages`: the message form as JSON; 201 with the receipt.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::WebError;
use crate::client_ip::ClientIp;
use crate::public::hudong::{WriteForm, store, validate};
use crate::state::AppState;

/// Stores a valid message; field errors answer 400 with every problem by field, a duplicate
/// 409, a burst 429.
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(mut form): Json<WriteForm>,
) -> Result<Response, WebError> {
    form.secret_again.clone_from(&form.secret);
    match validate(&state, &form).await? {
        Ok(new) => {
            let r = store(&state, &new, &ip).await?;
            Ok((
                StatusCode::CREATED,
                Json(json!({
                    "tracking_code": r.tracking_code,
                    "received_on": r.received_on,
                    "due_on": r.due_on,
                    "limit_working_days": r.limit_working_days,
                    "organisation": r.org_name,
                    "held_for_review": !r.held_reason.is_empty(),
                    "repeated": r.repeated,
                    "status_url": "/hudong/status",
                })),
            )
                .into_response())
        }
        Err(errors) => Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": { "code": "invalid_input", "message": "留言内容有误", "fields": errors } })),
        )
            .into_response()),
    }
}
