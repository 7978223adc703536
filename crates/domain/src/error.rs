//! The domain's one error type, and the field-by-field form of it that forms show.

use std::collections::BTreeMap;

/// Field name → Chinese message: every problem of a form at once, shown beside its field.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// A rule of the domain was broken by some input.
///
/// Each variant carries a stable snake_case `code` for APIs and a respectful Chinese message
/// for people; the web layer chooses which to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field failed validation; `field` names it, the message says what is wrong in Chinese.
    #[error("{message}")]
    Invalid {
        /// Machine name of the field (e.g. `code`, `username`).
        field: &'static str,
        /// Chinese explanation for the user.
        message: String,
    },
}

impl DomainError {
    /// Builds an [`DomainError::Invalid`] for `field` with a Chinese `message`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Stable machine-readable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_input",
        }
    }
}

/// Records a domain rule's refusal against the field it names.
pub fn record_field_error(errors: &mut FieldErrors, err: DomainError) {
    let DomainError::Invalid { field, message } = err;
    errors.insert(field, message);
}
