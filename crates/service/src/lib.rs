//! Citizen submissions as use cases: submitting an application (依申请公开), writing a message
//! (政民互动) and commenting on a consultation (征求意见); and the annual report (年度报告):
//! opening, saving and publishing it ([`reports`]); 考核 scorecards and 社会评议 ([`scorecard`]);
//! a typed list's rows to a workbook and back ([`lists`]); a request for access to a 有条件开放
//! dataset ([`data_access`]).
//!
//! Each module has the form as typed and one `submit` call that validates it with the domain's
//! rules (lookups such as "does this organisation exist" happen here), applies the public-form
//! rate limits ([`gongkai_store::throttle`]), writes the accepted files and stores the case
//! through the store, whose transaction also writes the audit entry, the change-feed row and
//! the receipt mail. The HTML handlers, the JSON API and any other channel call the same
//! function and only turn its outcome into a page, a redirect or a JSON body.
//!
//! A submission's outcome is `Ok(Ok(receipt))`, `Ok(Err(field errors))` (nothing was written),
//! or `Err(ServiceError)` for the rest (throttled, store failure).

pub mod applications;
pub mod comments;
pub mod data_access;
mod error;
pub mod lists;
pub mod messages;
pub mod reports;
pub mod scorecard;

use std::future::{Future, Ready, ready};

use chrono::{DateTime, Duration, Utc};
use gongkai_domain::org::OrgCode;
use gongkai_domain::{ErrorCode, FieldErrors, Refusal};
use gongkai_store::cases::AttachedFile;
use gongkai_store::orgs::{self, Organisation};
use gongkai_store::{Store, StoreError, throttle};

pub use error::ServiceError;

/// A submission's answer when it got past the service's other checks: what the citizen is
/// told, or every problem with the form by field (and then nothing was written).
pub type Outcome<T> = Result<T, FieldErrors>;

/// Where a submission arrives: the store it goes to, the sender's network address, the time it
/// arrived and how many submissions of one kind an address may make per hour.
#[derive(Debug, Clone, Copy)]
pub struct Intake<'a> {
    /// The store the case is written to.
    pub store: &'a Store,
    /// The sender's network address (rate limits, audit).
    pub ip: &'a str,
    /// When the submission arrived.
    pub now: DateTime<Utc>,
    /// Submissions of one kind an address may make per hour.
    pub per_hour: i64,
    /// The site the submission came through (its root organisation's id); an organisation of
    /// another site is refused as unknown. `None`: the default site.
    pub site: Option<i64>,
}

impl<'a> Intake<'a> {
    /// A submission from `ip` arriving at `now` into `store`, under `per_hour` submissions of a
    /// kind per address and hour.
    pub fn new(store: &'a Store, ip: &'a str, now: DateTime<Utc>, per_hour: i64) -> Self {
        Self {
            store,
            ip,
            now,
            per_hour,
            site: None,
        }
    }

    /// The same intake for the site `site` (its root organisation's id).
    #[must_use]
    pub fn for_site(self, site: Option<i64>) -> Self {
        Self { site, ..self }
    }

    /// Counts this submission against the address's hourly limit for its kind; over the limit
    /// it is refused with the kind's message, which names the limit.
    async fn within_hourly_limit(&self, kind: Submission) -> Result<(), ServiceError> {
        within_limit(
            self.store,
            &kind.key(self.ip),
            self.per_hour,
            Duration::hours(1),
            kind.refusal(),
        )
        .await
    }

    /// The hourly limit of `kind` for this address, for a store function that counts the
    /// submission in the transaction that stores it.
    pub(crate) fn hourly_limit(&self, kind: Submission) -> throttle::Limit {
        throttle::Limit {
            key: kind.key(self.ip),
            limit: self.per_hour,
            window: Duration::hours(1),
        }
    }

    /// The refusal of a submission of `kind` over this address's hourly limit.
    pub(crate) fn over_limit(&self, kind: Submission) -> ServiceError {
        ServiceError::Throttled(kind.refusal().refusal(&[("limit", &self.per_hour)]))
    }

    /// Refuses at once, counting nothing, when the address has already used up its hourly limit
    /// for `kind`: read-only, so a form's body need not be read (or even received) for a client
    /// that would be refused anyway. The counting check at submission still decides.
    pub async fn refuse_if_throttled(&self, kind: Submission) -> Result<(), ServiceError> {
        if throttle::used_up(
            self.store,
            &kind.key(self.ip),
            self.per_hour,
            Duration::hours(1),
        )
        .await?
        {
            return Err(ServiceError::Throttled(
                kind.refusal().refusal(&[("limit", &self.per_hour)]),
            ));
        }
        Ok(())
    }
}

/// A kind of public submission with an hourly limit per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// An application for disclosure (依申请公开).
    Application,
    /// A message to the mailbox (政民互动).
    Message,
    /// A comment on a consultation (征求意见).
    Comment,
    /// An evaluation in a 社会评议.
    Evaluation,
    /// A request for access to a 有条件开放 dataset.
    DataAccess,
}

impl Submission {
    /// The throttle key of this kind for an address.
    fn key(self, ip: &str) -> String {
        let prefix = match self {
            Self::Application => "apply",
            Self::Message => "message",
            Self::Comment => "comment",
            Self::Evaluation => "evaluation",
            Self::DataAccess => "data-access",
        };
        format!("{prefix}:{ip}")
    }

    /// The refusal over the limit (its wording names the `{limit}`).
    fn refusal(self) -> ErrorCode {
        match self {
            Self::Application => ErrorCode::ApplicationRateLimited,
            Self::Message => ErrorCode::MessageRateLimited,
            Self::Comment => ErrorCode::CommentRateLimited,
            Self::Evaluation => ErrorCode::EvaluationRateLimited,
            Self::DataAccess => ErrorCode::DataAccessRateLimited,
        }
    }
}

/// The files that came with a form: the accepted ones, written by `write` only once the
/// submission is valid and within the limits (so a refused submission leaves no file behind),
/// and why a file was refused, which refuses the submission with that message beside the
/// form's file field.
pub struct Files<W> {
    /// Writes the accepted files and returns their records.
    pub write: W,
    /// Why a file was refused, if one was.
    pub refused: Option<Refusal>,
}

/// How [`Files::none`] writes: nothing.
pub type NoFiles = fn() -> Ready<Result<Vec<AttachedFile>, ServiceError>>;

impl Files<NoFiles> {
    /// No files (the JSON API, the command line).
    pub fn none() -> Self {
        Self {
            write: || ready(Ok(Vec::new())),
            refused: None,
        }
    }
}

impl<W, Fut, E> Files<W>
where
    W: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<AttachedFile>, E>>,
{
    /// Writes the files and returns their records.
    async fn write(self) -> Result<Vec<AttachedFile>, E> {
        (self.write)().await
    }
}

/// A case form's idempotency key: the 64 hex digits the form carried (so a repeated
/// submission returns the first receipt), or a fresh key when it carried none.
pub fn submission_key(raw: &str) -> String {
    let key = raw.trim();
    if key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
        key.to_owned()
    } else {
        gongkai_store::sessions::random_token()
    }
}

/// Counts one submission under `key`; more than `limit` within `window` is refused with the
/// `refusal` (a code of the table whose wording names the `{limit}`).
async fn within_limit(
    store: &Store,
    key: &str,
    limit: i64,
    window: Duration,
    refusal: ErrorCode,
) -> Result<(), ServiceError> {
    if throttle::hit(store, key, limit, window).await? {
        Ok(())
    } else {
        Err(ServiceError::Throttled(
            refusal.refusal(&[("limit", &limit)]),
        ))
    }
}

/// Refuses, counting nothing, when one of `limits` is already used up (`refusal` of its index):
/// the read-only look before a submission's files are written, so a refused submission leaves
/// no file behind. The storing transaction counts the submission and still decides.
async fn refuse_if_used_up(
    store: &Store,
    limits: &[throttle::Limit],
    refusal: impl Fn(usize) -> ServiceError,
) -> Result<(), ServiceError> {
    for (i, limit) in limits.iter().enumerate() {
        if throttle::used_up(store, &limit.key, limit.limit, limit.window).await? {
            return Err(refusal(i));
        }
    }
    Ok(())
}

/// The organisation a form names by its organ code; `None` when the code is malformed or no
/// organisation has it.
async fn organisation(
    store: &Store,
    raw: &str,
    site: Option<i64>,
) -> Result<Option<Organisation>, ServiceError> {
    let Ok(code) = OrgCode::parse(raw) else {
        return Ok(None);
    };
    let site = match site {
        Some(id) => id,
        None => match orgs::sites(store).await?.first() {
            Some(first) => first.id,
            None => return Ok(None),
        },
    };
    match orgs::by_code(store, &code).await {
        Ok(org) if org.site_id == site => Ok(Some(org)),
        Ok(_) => Ok(None),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
