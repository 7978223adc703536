//! `POST /api/v1/messages`: the message form as JSON; 201 with the receipt.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use gongkai_service::Files;
use gongkai_service::messages::{self as service, WriteForm};
use serde::Serialize;
use utoipa::ToSchema;

use crate::WebError;
use crate::api::envelope::{ErrorBody, SubmitRefusal, created};
use crate::api::schemas::MessageRequest;
use crate::client_ip::ClientIp;
use crate::state::AppState;

// Fields in the alphabetical order the API has always written them.
/// The receipt for a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageReceipt {
    /// Reply due date (none only when it cannot be counted at all; over a year without
    /// calendar data it is provisional, see `due_provisional`).
    #[schema(format = Date)]
    due_on: Option<String>,
    /// Whether `due_on` is provisional (暂定): counted over a year whose holiday schedule is not
    /// yet published, weekends as the only days off; recomputed when it is imported.
    due_provisional: bool,
    /// Whether the message waits for review before it is handled (identical to another
    /// writer's message, or a word that needs review).
    held_for_review: bool,
    /// Working days the organisation has to reply.
    limit_working_days: u32,
    /// The organisation the message went to.
    organisation: String,
    /// Day of receipt.
    #[schema(format = Date)]
    received_on: String,
    /// Whether the same form was sent before; this is its first receipt.
    repeated: bool,
    /// Where the writer follows the message with the tracking code and password.
    #[schema(example = "/hudong/status")]
    status_url: &'static str,
    /// Tracking code.
    tracking_code: String,
}

/// Stores a valid message; field errors answer 400 with every problem by field, a duplicate
/// 409, a burst 429.
#[utoipa::path(
    post, path = "/api/v1/messages", operation_id = "submit_message",
    tag = "政民互动", summary = "提交政民互动留言",
    description = "写信给县长信箱（to = head）或某一机构（机构代码）。同一联系电话每天最多 5 条；同一电话 30 日内内容相同的留言不予重复受理（409）；与他人内容相同或含有需审核词语的留言转人工审核（held_for_review）。",
    request_body = MessageRequest,
    responses(
        (status = 201, description = "已收到", body = MessageReceipt),
        (status = 409, description = "message.duplicate：同一电话 30 日内内容相同的留言", body = ErrorBody),
        SubmitRefusal,
    )
)]
pub async fn create(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
    ClientIp(ip): ClientIp,
    Json(mut form): Json<WriteForm>,
) -> Result<Response, WebError> {
    form.secret_again.clone_from(&form.secret);
    let intake = state.intake(&site, &ip, Utc::now());
    let outcome = service::submit(intake, &form, Files::none()).await?;
    Ok(created(outcome, "留言内容有误", |r| MessageReceipt {
        due_on: r.due_on.map(|d| d.to_string()),
        due_provisional: r.due_provisional,
        held_for_review: !r.held_reason.is_empty(),
        limit_working_days: r.limit_working_days,
        organisation: r.org_name,
        received_on: r.received_on.to_string(),
        repeated: r.repeated,
        status_url: "/hudong/status",
        tracking_code: r.tracking_code,
    }))
}
