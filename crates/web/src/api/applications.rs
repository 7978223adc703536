//! `POST /api/v1/applications`: the application form as JSON; 201 with the receipt.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use gongkai_service::Files;
use gongkai_service::applications::{self as service, ApplyForm};
use serde::Serialize;
use utoipa::ToSchema;

use crate::WebError;
use crate::api::envelope::{SubmitRefusal, created};
use crate::api::schemas::ApplicationRequest;
use crate::client_ip::ClientIp;
use crate::state::AppState;

// Fields in the alphabetical order the API has always written them.
/// The receipt for an application.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationReceipt {
    /// Reply due date (none only while the clock cannot be counted at all).
    #[schema(format = Date)]
    due_on: Option<String>,
    /// Whether `due_on` is provisional (暂定): counted over a year whose holiday schedule is not
    /// yet published, with weekends as the only days off; recomputed when it is imported.
    due_provisional: bool,
    /// Day of receipt.
    #[schema(format = Date)]
    received_on: String,
    /// Whether the same form was sent before; this is its first receipt.
    repeated: bool,
    /// Where the applicant follows the application with the tracking code and password.
    #[schema(example = "/ysqgk/status")]
    status_url: &'static str,
    /// Tracking code.
    tracking_code: String,
}

/// Stores a valid application; a field error answers 400 with every problem by field.
#[utoipa::path(
    post, path = "/api/v1/applications", operation_id = "submit_application",
    tag = "依申请公开", summary = "提交政府信息公开申请",
    request_body = ApplicationRequest,
    responses(
        (status = 201, description = "已收到", body = ApplicationReceipt),
        SubmitRefusal,
    )
)]
pub async fn create(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
    ClientIp(ip): ClientIp,
    Json(mut form): Json<ApplyForm>,
) -> Result<Response, WebError> {
    form.secret_again.clone_from(&form.secret);
    let intake = state.intake(&site, &ip, Utc::now());
    let outcome = service::submit(intake, &form, Files::none()).await?;
    Ok(created(outcome, "申请内容有误", |submitted| {
        let receipt = submitted.receipt;
        ApplicationReceipt {
            due_on: receipt.due_on.map(|d| d.to_string()),
            due_provisional: receipt.due_provisional,
            received_on: receipt.received_on.to_string(),
            repeated: receipt.repeated,
            status_url: "/ysqgk/status",
            tracking_code: receipt.tracking_code,
        }
    }))
}
