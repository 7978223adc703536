//! `POST /api/v1/applications`: the application form as JSON; 201 with the receipt.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gongkai_store::applications;
use serde_json::json;

use crate::WebError;
use crate::client_ip::ClientIp;
use crate::public::ysqgk::{ApplyForm, allow_submission, validate};
use crate::state::AppState;

/// Stores a valid application; a field error answers 400 with every problem by field.
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(mut form): Json<ApplyForm>,
) -> Result<Response, WebError> {
    form.secret_again.clone_from(&form.secret);
    match validate(&state, &form).await? {
        Ok(new) => {
            allow_submission(&state, &ip).await?;
            let receipt = applications::submit(&state.store, &new, Utc::now(), &ip).await?;
            if !receipt.repeated
                && let Ok(app) = applications::by_tracking_code(&state.store, &receipt.tracking_code).await
            {
                crate::notify::application_received(&state, &app).await;
            }
            Ok((
                StatusCode::CREATED,
                Json(json!({
                    "tracking_code": receipt.tracking_code,
                    "received_on": receipt.received_on,
                    "due_on": receipt.due_on,
                    "repeated": receipt.repeated,
                    "status_url": "/ysqgk/status",
                })),
            )
                .into_response())
        }
        Err(errors) => Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": { "code": "invalid_input", "message": "申请内容有误", "fields": errors } })),
        )
            .into_response()),
    }
}
