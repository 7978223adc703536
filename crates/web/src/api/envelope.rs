//! The body of every error under `/api/`: `{"error": {"code", "message", "fields"?}}`.
//!
//! The [`render_errors`](crate::error::render_errors) middleware writes it for every failing
//! request; the submit handlers write it themselves for field errors. The types here are what the
//! OpenAPI document declares for each error status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use gongkai_domain::FieldErrors;

/// An error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

// Fields in the alphabetical order the API has always written them.
/// What went wrong, for programs and for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code: `invalid_input` (with `fields`), `bad_request`, `not_found`,
    /// `conflict`, `payload_too_large`, `too_many_requests` …
    #[schema(example = "invalid_input")]
    pub code: String,
    /// Every problem by field name (only with `invalid_input`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub fields: Option<FieldErrors>,
    /// The problem in Chinese, fit to show.
    #[schema(example = "申请内容有误")]
    pub message: String,
}

/// The refusals a form sent as JSON may answer with, for the operations' documentation (the
/// handlers answer through [`WebError`](crate::WebError) and [`invalid_input`]).
#[derive(Debug, utoipa::IntoResponses)]
pub enum SubmitRefusal {
    /// Field errors, every problem by field.
    #[response(status = 400, description = "内容有误（error.fields 按字段说明）")]
    Invalid(ErrorBody),
    /// The body is larger than a form may be.
    #[response(status = 413, description = "内容过大")]
    TooLarge(ErrorBody),
    /// A field is not a string.
    #[response(status = 422, description = "字段类型不符（各字段均为字符串）")]
    WrongType(ErrorBody),
    /// Too many submissions from one address or phone.
    #[response(status = 429, description = "提交过于频繁")]
    TooMany(ErrorBody),
}

/// 400 `invalid_input` with every problem by field, as a submit handler answers a refused form.
pub fn invalid_input(message: &str, fields: FieldErrors) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: "invalid_input".to_owned(),
            fields: Some(fields),
            message: message.to_owned(),
        },
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}
