//! Forms: reading public multipart forms with their files, and the one answer to a submitted
//! back-office step (redirect when done, the page again with the reason when refused).

pub mod dataset_file;
pub mod gate;
pub mod upload;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::error::record_field_error;
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_store::StoreError;

use crate::WebError;

/// A step the rules refused: the reason in words staff can act on, and the status the page
/// shown again answers with.
#[derive(Debug)]
pub struct RefusedStep {
    /// 400 for a broken rule of a form, 409 for a step the current state does not allow.
    pub status: StatusCode,
    /// The Chinese reason, shown on the page.
    pub message: String,
}

/// The statuses a refused step answers with: for a broken domain rule and for a conflict with
/// the current state (the two differ between a form, 400, and a workflow step, 409).
#[derive(Debug, Clone, Copy)]
pub struct RefusalStatus {
    /// When a domain rule refused the input.
    pub rule: StatusCode,
    /// When the store refused the change as conflicting with the current state.
    pub conflict: StatusCode,
}

impl RefusalStatus {
    /// A form: every refusal is 400.
    pub const FORM: Self = Self {
        rule: StatusCode::BAD_REQUEST,
        conflict: StatusCode::BAD_REQUEST,
    };
    /// A workflow step: every refusal is 409.
    pub const STEP: Self = Self {
        rule: StatusCode::CONFLICT,
        conflict: StatusCode::CONFLICT,
    };
    /// A form whose input may also conflict with the current state (400 / 409).
    pub const FORM_OR_STATE: Self = Self {
        rule: StatusCode::BAD_REQUEST,
        conflict: StatusCode::CONFLICT,
    };
}

/// Splits a step's result three ways: what it produced, a refusal to show on the page again,
/// or a failure that ends the request with the error page.
pub fn step<T>(
    result: Result<T, StoreError>,
    statuses: RefusalStatus,
) -> Result<Result<T, RefusedStep>, WebError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(StoreError::Domain(e)) => Ok(Err(RefusedStep {
            status: statuses.rule,
            message: e.to_string(),
        })),
        Err(StoreError::Conflict(refused)) => Ok(Err(RefusedStep {
            status: statuses.conflict,
            message: refused.message,
        })),
        Err(e) => Err(e.into()),
    }
}

/// The one answer to a back-office step: 303 to `done` when it succeeded (Post/Redirect/Get),
/// the page again with the reason when the rules refused it, the error page otherwise.
pub async fn respond_step<T>(
    result: Result<T, StoreError>,
    statuses: RefusalStatus,
    done: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(RefusedStep) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    match step(result, statuses)? {
        Ok(value) => Ok(Redirect::to(&done(value)).into_response()),
        Err(refusal) => again(refusal).await,
    }
}

/// Which store refusals of a form's save are shown on the form again, and on which field; any
/// other failure ends the request with the error page.
#[derive(Debug, Default, Clone, Copy)]
pub struct FieldRefusals {
    conflict: Option<&'static str>,
    missing: Option<&'static str>,
    rules: bool,
}

impl FieldRefusals {
    /// A conflict with stored data (a taken code or number) is shown on `field`.
    pub fn conflict(field: &'static str) -> Self {
        Self {
            conflict: Some(field),
            ..Self::default()
        }
    }

    /// A domain rule's refusal is shown on the field it names.
    pub fn rules() -> Self {
        Self {
            rules: true,
            ..Self::default()
        }
    }

    /// A referent the store did not find is shown on `field`.
    pub fn missing(self, field: &'static str) -> Self {
        Self {
            missing: Some(field),
            ..self
        }
    }
}

/// The one answer to a form's save: `Some(value)` when it was saved; a refusal `on` names goes
/// into `errors` (and the caller shows the form again); any other failure is the error page.
pub fn saved<T>(
    result: Result<T, StoreError>,
    errors: &mut FieldErrors,
    on: FieldRefusals,
) -> Result<Option<T>, WebError> {
    match (result, on) {
        (Ok(value), _) => return Ok(Some(value)),
        (
            Err(StoreError::Conflict(refusal)),
            FieldRefusals {
                conflict: Some(field), ..
            },
        ) => errors.insert(field, refusal),
        (Err(StoreError::NotFound { what }), FieldRefusals { missing: Some(field), .. }) => {
            errors.insert(field, ErrorCode::InputNotFound.refusal(&[("what", &what)]))
        }
        (Err(StoreError::Domain(e)), FieldRefusals { rules: true, .. }) => {
            record_field_error(errors, e)
        }
        (Err(e), _) => return Err(e.into()),
    }
    Ok(None)
}
