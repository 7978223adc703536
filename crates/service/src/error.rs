//! The service's one error type: what keeps a submission from being stored other than its
//! fields (those come back as [`FieldErrors`](gongkai_domain::FieldErrors)).

use gongkai_domain::{ErrorCode, Refusal};
use gongkai_store::StoreError;

/// Why a submission was not stored although its fields may be fine.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Too many submissions from one address (or one phone); the Chinese message says which
    /// limit and what to do instead.
    #[error("{0}")]
    Throttled(Refusal),
    /// No organisation is set up yet, so a message to the 县长信箱 has nowhere to go.
    #[error("{}", ErrorCode::SiteWithoutOrgs.message())]
    NoSite,
    /// A rule refused the step (an annual report whose identities fail, or that is late without
    /// a reason); the refusal carries its stable code and Chinese message.
    #[error("{0}")]
    Refused(Refusal),
    /// The store refused or failed (a duplicate message is `StoreError::Conflict`).
    #[error(transparent)]
    Store(#[from] StoreError),
}
