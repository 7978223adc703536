//! The body of every error under `/api/`: `{"error": {"code", "message", "fields"?, "field_codes"?}}`.
//!
//! The [`render_errors`](crate::error::render_errors) middleware writes it for every failing
//! request; the submit handlers write it themselves for field errors. The types here are what the
//! OpenAPI document declares for each error status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

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
    /// Stable code. A refused form answers `invalid_input` with every problem in `fields` and
    /// each problem's own code in `field_codes`. A single refusal answers its own dotted code
    /// `area.reason` (e.g. `org.code_taken`, `application.correction_window_closed`,
    /// `message.duplicate`), written once with its Chinese wording in the domain's table
    /// `gongkai_domain::ErrorCode`; codes are never renamed or reused. Failures the status says
    /// all about keep a coarse snake_case code: `not_found`, `forbidden`, `unauthenticated`,
    /// `csrf_failed`, `method_not_allowed`, `payload_too_large`, `unsupported_media_type`,
    /// `bad_request`, `timeout`, `internal_error`, `database_error` ….
    #[schema(example = "invalid_input")]
    pub code: String,
    /// Each field's problem as its stable dotted code (only with `invalid_input`), e.g.
    /// `{"phone": "contact.phone_invalid"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub field_codes: Option<BTreeMap<&'static str, &'static str>>,
    /// Every problem by field name, in Chinese (only with `invalid_input`).
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
    /// Field errors, every problem by field; or a body that is not JSON, or holds a control
    /// character.
    #[response(
        status = 400,
        description = "内容有误：invalid_input（error.fields 按字段说明，error.field_codes 为各字段的代码）；不是合法的 JSON 为 bad_request；含控制字符为 input.control_character"
    )]
    Invalid(ErrorBody),
    /// The request's `Origin` names another site, or the body is not sent as JSON.
    #[response(
        status = 403,
        description = "csrf_failed：Origin 与本站不符，或请求体不是 application/json"
    )]
    Forbidden(ErrorBody),
    /// The body is larger than a form may be.
    #[response(status = 413, description = "payload_too_large：内容过大")]
    TooLarge(ErrorBody),
    /// The `Content-Type` names a JSON variant the server does not read.
    #[response(
        status = 415,
        description = "unsupported_media_type：Content-Type 应为 application/json"
    )]
    WrongMediaType(ErrorBody),
    /// A field is not a string, or the body is not an object.
    #[response(
        status = 422,
        description = "bad_request：字段类型不符（请求体须为对象，各字段均为字符串）"
    )]
    WrongType(ErrorBody),
    /// Too many submissions from one address or phone.
    #[response(status = 429, description = "提交过于频繁（*.rate_limited）")]
    TooMany(ErrorBody),
}

/// The refusals every read operation with query parameters may answer with.
#[derive(Debug, utoipa::IntoResponses)]
pub enum QueryRefusal {
    /// A parameter out of its range or set, or a control character in the query string.
    #[response(
        status = 400,
        description = "参数错误，error.code 说明是哪一个：api.per_page_invalid、api.page_invalid、page.number_too_large、api.year_invalid、api.kind_invalid、api.validity_invalid、api.sort_invalid、api.scope_invalid、column.unknown、org.code_length、org.code_characters、input.control_character"
    )]
    Invalid(ErrorBody),
}

/// The one answer to a form sent as JSON: 201 with the receipt `receipt` makes of what was
/// stored, or 400 `invalid_input` (`refused` says what) with every problem by field.
pub fn created<T, R: Serialize>(
    outcome: Result<T, FieldErrors>,
    refused: &str,
    receipt: impl FnOnce(T) -> R,
) -> Response {
    match outcome {
        Ok(stored) => (StatusCode::CREATED, Json(receipt(stored))).into_response(),
        Err(errors) => invalid_input(refused, errors),
    }
}

/// 400 `invalid_input` with every problem by field, as a submit handler answers a refused form.
pub fn invalid_input(message: &str, fields: FieldErrors) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: "invalid_input".to_owned(),
            field_codes: Some(fields.codes()),
            fields: Some(fields),
            message: message.to_owned(),
        },
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}
