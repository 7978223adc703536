//! The domain's one error type, and the field-by-field form of it that forms show.

use std::collections::BTreeMap;

pub mod codes;

pub use codes::{Arg, ErrorCode};

/// Every problem of a form at once, by field: each with its code and its Chinese message,
/// shown beside its field. It serialises as field → message, which is what templates and the
/// JSON API's `error.fields` read; [`FieldErrors::codes`] gives field → code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, Refusal>);

impl FieldErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem of `field` (an [`ErrorCode`] whose wording has no values, a
    /// [`DomainError`] or a [`Refusal`]); a later problem of the same field replaces it.
    pub fn insert(&mut self, field: &'static str, problem: impl Into<Refusal>) {
        self.0.insert(field, problem.into());
    }

    /// Adds every problem of `other` (a later problem of the same field replaces this one's).
    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    /// Whether the form is free of problems.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message shown beside `field`, if it has a problem.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(|r| r.message.as_str())
    }

    /// Forgets every problem (when one refusal outweighs the rest).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The fields that have a problem, in name order.
    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }

    /// How many fields have a problem.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether `field` has a problem.
    pub fn contains_key(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Field → stable dotted code, for API clients.
    pub fn codes(&self) -> BTreeMap<&'static str, &'static str> {
        self.0.iter().map(|(f, r)| (*f, r.code.code())).collect()
    }
}

impl<const N: usize, P: Into<Refusal>> From<[(&'static str, P); N]> for FieldErrors {
    fn from(problems: [(&'static str, P); N]) -> Self {
        Self(problems.into_iter().map(|(f, p)| (f, p.into())).collect())
    }
}

impl serde::Serialize for FieldErrors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(f, r)| (*f, r.message.as_str())))
    }
}

/// A rule of the domain was broken by some input.
///
/// It carries the field it concerns, its stable [`ErrorCode`] (the dotted code APIs show) and
/// the Chinese message rendered from the code's wording in [`codes`]; the web layer chooses
/// which to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field failed validation; `field` names it, `code` says which rule, `message` says what
    /// is wrong in Chinese.
    #[error("{message}")]
    Invalid {
        /// Machine name of the field (e.g. `code`, `username`).
        field: &'static str,
        /// Which rule refused it.
        code: ErrorCode,
        /// Chinese explanation for the user, rendered from the code's wording.
        message: String,
    },
}

impl DomainError {
    /// A refusal of `field` whose wording has no values.
    pub fn invalid(field: &'static str, code: ErrorCode) -> Self {
        Self::with(field, code, &[])
    }

    /// A refusal of `field` whose wording names values (`("max", &200)` fills `{max}`).
    pub fn with(field: &'static str, code: ErrorCode, args: &[Arg<'_>]) -> Self {
        Self::Invalid {
            field,
            code,
            message: code.render(args),
        }
    }

    /// The same refusal said of another field.
    pub fn on(self, field: &'static str) -> Self {
        let Self::Invalid { code, message, .. } = self;
        Self::Invalid { field, code, message }
    }

    /// Which rule refused the input.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::Invalid { code, .. } => *code,
        }
    }

    /// Stable dotted code of the error, e.g. `user.password_too_short`.
    pub fn code(&self) -> &'static str {
        self.error_code().code()
    }

    /// The field the refusal concerns.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Invalid { field, .. } => field,
        }
    }
}

/// A refusal that concerns no one field: its code and the Chinese message rendered from the
/// code's wording. The store's conflicts and the web layer's refusals carry one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// Which rule refused.
    pub code: ErrorCode,
    /// Chinese explanation for the user.
    pub message: String,
}

impl From<ErrorCode> for Refusal {
    fn from(code: ErrorCode) -> Self {
        code.refusal(&[])
    }
}

impl From<DomainError> for Refusal {
    fn from(e: DomainError) -> Self {
        let DomainError::Invalid { code, message, .. } = e;
        Self { code, message }
    }
}

/// Records a domain rule's refusal against the field it names.
pub fn record_field_error(errors: &mut FieldErrors, err: DomainError) {
    errors.insert(err.field(), err);
}
