//! Who is signed in, and the one place that decides what they may do.
//!
//! [`load_staff`] resolves the session cookie on back-office routes. Every back-office route is
//! registered through [`crate::router`]'s `guarded` helper, which puts [`authorize`] in front of
//! it with the route's [`Permission`]; the decision itself is [`check`], which asks the domain's
//! role table. Handlers never test roles themselves.

use axum::extract::{OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use gongkai_domain::role::Permission;
use gongkai_store::users::Staff;
use gongkai_store::{orgs, sessions};

use crate::WebError;
use crate::csrf::cookie;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "gk_session";

/// The signed-in staff member, placed in request extensions by [`load_staff`].
#[derive(Debug, Clone)]
pub struct CurrentStaff(pub Staff);

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentStaff {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentStaff>().cloned())
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CurrentStaff {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentStaff>()
            .cloned()
            .ok_or(WebError::Unauthenticated)
    }
}

/// The raw session token of the request, if any.
pub fn session_token(parts_headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(parts_headers, SESSION_COOKIE).filter(|t| t.len() == 64)
}

/// Middleware: looks up the session cookie and, when it is live, adds [`CurrentStaff`].
pub async fn load_staff(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, WebError> {
    if let Some(token) = session_token(req.headers())
        && let Some(staff) = sessions::lookup(&state.store, &token).await?
    {
        req.extensions_mut().insert(CurrentStaff(staff));
    }
    Ok(next.run(req).await)
}

/// The authorisation decision: may `staff` do `permission` at all?
pub fn check(staff: &Staff, permission: Permission) -> Result<(), WebError> {
    if staff.grants.allows(permission, &[]) {
        Ok(())
    } else {
        Err(WebError::Forbidden(permission.label()))
    }
}

/// The authorisation decision for an object of an organisation whose chain up to its root is
/// `org_chain` (itself first).
pub fn check_in(staff: &Staff, permission: Permission, org_chain: &[i64]) -> Result<(), WebError> {
    if !org_chain.is_empty() && staff.grants.allows(permission, org_chain) {
        Ok(())
    } else {
        Err(WebError::Forbidden(permission.label()))
    }
}

/// Every organisation in which `staff` holds `permission`: each grant's organisation and
/// everything below it. In a deployment shared by several sites (集约化), this is what keeps one
/// county's staff inside their own tree; lists and choices in the back office are cut to it.
pub async fn scope(
    state: &AppState,
    staff: &Staff,
    permission: Permission,
) -> Result<Vec<orgs::Organisation>, WebError> {
    let all = orgs::list(&state.store).await?;
    Ok(all
        .iter()
        .filter(|o| {
            staff
                .grants
                .allows(permission, &orgs::chain_within(&all, o.id))
        })
        .cloned()
        .collect())
}

/// The ids of [`scope`].
pub async fn scope_ids(
    state: &AppState,
    staff: &Staff,
    permission: Permission,
) -> Result<Vec<i64>, WebError> {
    Ok(scope(state, staff, permission)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect())
}

/// Requires `permission` for an object of the organisation `org_id` (looked up to its root).
pub async fn check_org(
    state: &AppState,
    staff: &Staff,
    permission: Permission,
    org_id: i64,
) -> Result<(), WebError> {
    let chain = orgs::chain(&state.store, org_id).await?;
    check_in(staff, permission, &chain)
}

/// Route middleware: requires a signed-in staff member holding the route's permission.
pub async fn authorize(
    State(permission): State<Permission>,
    req: Request,
    next: Next,
) -> Result<Response, WebError> {
    let staff = req
        .extensions()
        .get::<CurrentStaff>()
        .ok_or(WebError::Unauthenticated)?;
    check(&staff.0, permission)?;
    Ok(next.run(req).await)
}

/// What the signed-in member may do, for showing only the links that work.
pub fn capabilities(staff: &Staff) -> std::collections::BTreeMap<&'static str, bool> {
    [
        ("draft", Permission::DraftRecords),
        ("review", Permission::ReviewRecords),
        ("handle", Permission::HandleCases),
        ("supervise", Permission::Supervise),
        ("audit", Permission::ViewAudit),
        ("orgs", Permission::ManageOrganisations),
        ("users", Permission::ManageUsers),
        ("site", Permission::ManageSite),
        ("platform", Permission::ManageSites),
        ("platform_health", Permission::ViewPlatformHealth),
    ]
    .into_iter()
    .map(|(k, p)| (k, staff.grants.allows(p, &[])))
    // Granted in some organisation: a platform administrator alone works in no county.
    .chain([("in_site", staff.grants.0.iter().any(|g| g.org_id.is_some()))])
    .collect()
}
