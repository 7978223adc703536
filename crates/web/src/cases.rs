//! The public side of the case kernel (`gongkai_store::cases`): looking a case up with its
//! tracking code and query password, throttled per address; the one-hour status session and
//! its cookie; and the case behind that cookie for the status page and what it offers
//! (letter downloads, the rating).
//!
//! A case type with a status page implements [`StatusDesk`] — where its sessions live, its
//! cookie, its lookup template, its throttle and how its status page renders — and the router
//! serves [`status_form`] and [`status_lookup`] for it.

use gongkai_domain::ErrorCode;
use std::future::Future;

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Duration;
use gongkai_store::cases::{self, Case, ChildTable};
use gongkai_store::throttle;
use minijinja::context;
use serde::Deserialize;

use crate::WebError;
use crate::client_ip::ClientIp;
use crate::csrf::cookie;
use crate::page::PageCtx;
use crate::state::AppState;

/// How long failed lookups are counted.
const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// Refuses a lookup (429) when `key` has failed `limit` times within [`FAILURE_WINDOW`].
async fn refuse_if_used_up(state: &AppState, key: &str, limit: i64) -> Result<(), WebError> {
    if throttle::used_up(&state.store, key, limit, FAILURE_WINDOW).await? {
        return Err(WebError::TooManyRequests(
            ErrorCode::CaseLookupThrottled.into(),
        ));
    }
    Ok(())
}

/// Wrong secrets one tracking code may be tried with per 15 minutes, from any addresses.
pub const LOOKUP_FAILURES: i64 = 10;

/// Wrong tracking code / secret pairs one address may try per 15 minutes, whatever the codes:
/// generous, since a whole office may sit behind one address, while the per-code limit
/// guards each case's secret.
pub const ADDRESS_LOOKUP_FAILURES: i64 = 50;

/// Longest tracking code kept in a counter key (longer input is cut, so keys stay bounded).
const MAX_CODE_IN_KEY: usize = 64;

/// The limit on failed lookups: `failures` per 15 minutes from one address and, when
/// `code_failures` is above 0, that many per tracking code from all addresses together, so one
/// office's mistyping locks only the mistyped code and guessing one code's secret from many
/// addresses still stops. Counted under `scope` (each case type counts its own).
#[derive(Debug, Clone, Copy)]
pub struct LookupThrottle {
    /// Counter scope, e.g. `lookup-fail`.
    pub scope: &'static str,
    /// Failures allowed per address per 15 minutes.
    pub failures: i64,
    /// Failures allowed per tracking code per 15 minutes (0: not counted per code).
    pub code_failures: i64,
}

impl LookupThrottle {
    fn address_key(&self, ip: &str) -> String {
        format!("{}:{ip}", self.scope)
    }

    fn code_key(&self, code: &str) -> String {
        let code: String = code
            .trim()
            .chars()
            .take(MAX_CODE_IN_KEY)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        format!("{}:code:{code}", self.scope)
    }

    /// Refuses the lookup when the address or the tracking code already failed too often.
    pub async fn check(&self, state: &AppState, ip: &str, code: &str) -> Result<(), WebError> {
        self.refuse_if_address_locked(state, ip).await?;
        if self.code_failures > 0 {
            refuse_if_used_up(state, &self.code_key(code), self.code_failures).await?;
        }
        Ok(())
    }

    /// Refuses any lookup from an address that already failed too often, whatever the code:
    /// read-only, so it runs before the lookup form is read ([`crate::forms::gate`]).
    pub async fn refuse_if_address_locked(
        &self,
        state: &AppState,
        ip: &str,
    ) -> Result<(), WebError> {
        refuse_if_used_up(state, &self.address_key(ip), self.failures).await
    }

    /// Counts a failed lookup against the address and the tracking code.
    pub async fn failed(&self, state: &AppState, ip: &str, code: &str) -> Result<(), WebError> {
        throttle::hit(
            &state.store,
            &self.address_key(ip),
            i64::MAX,
            FAILURE_WINDOW,
        )
        .await?;
        if self.code_failures > 0 {
            throttle::hit(&state.store, &self.code_key(code), i64::MAX, FAILURE_WINDOW).await?;
        }
        Ok(())
    }
}

/// Where a case type's status pages live: its section of the site (`ysqgk`: the pages under
/// `/ysqgk/`, the lookup form `ysqgk/status.html` posting to `/ysqgk/status`), its status
/// sessions, the session cookie and the failed-lookup throttle.
#[derive(Debug, Clone, Copy)]
pub struct Desk {
    /// Its status sessions in the store.
    pub sessions: ChildTable,
    /// The section: the first segment of its addresses and the folder of its templates.
    pub section: &'static str,
    /// The session cookie's name.
    pub cookie: &'static str,
    /// The limit on failed lookups.
    pub throttle: LookupThrottle,
}

impl Desk {
    /// A desk with the usual limits of [`LOOKUP_FAILURES`] failed lookups per tracking code and
    /// [`ADDRESS_LOOKUP_FAILURES`] per address, counted under `fail_scope`.
    pub const fn new(
        sessions: ChildTable,
        section: &'static str,
        cookie: &'static str,
        fail_scope: &'static str,
    ) -> Self {
        Self {
            sessions,
            section,
            cookie,
            throttle: LookupThrottle {
                scope: fail_scope,
                failures: ADDRESS_LOOKUP_FAILURES,
                code_failures: LOOKUP_FAILURES,
            },
        }
    }

    fn lookup_template(&self) -> String {
        format!("{}/status.html", self.section)
    }

    fn lookup_page(&self, tracking_code: &str, error: Option<&str>) -> minijinja::Value {
        context! {
            tracking_code => tracking_code, error => error,
            action => format!("/{}/status", self.section),
        }
    }
}

/// A case type the public follows on a status page.
pub trait StatusDesk: Case + Sync {
    /// Where its status pages live.
    const DESK: Desk;

    /// The site the case was filed on: a lookup on another site does not find it.
    fn site_id(&self) -> i64;

    /// The status page of one case, for the person who proved its code and secret.
    fn status_page(
        state: &AppState,
        ctx: &PageCtx,
        case: &Self,
    ) -> impl Future<Output = Result<Response, WebError>> + Send;
}

/// The lookup form: tracking code and query password.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupForm {
    tracking_code: String,
    secret: String,
}

/// The `Set-Cookie` value of a one-hour status session limited to `path`, HttpOnly and
/// SameSite=Strict, Secure when the site says so.
pub fn session_cookie(
    state: &AppState,
    name: &str,
    path: &str,
    token: &str,
) -> Option<HeaderValue> {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={token}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    ))
    .ok()
}

/// The case whose status session the request's cookie carries, while the session is live.
pub async fn session_case<C: StatusDesk>(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<C>, WebError> {
    match cookie(headers, C::DESK.cookie) {
        Some(token) => Ok(cases::session_case(&state.store, &C::DESK.sessions, &token).await?),
        None => Ok(None),
    }
}

/// `GET` on a status address: the lookup form, or the status page when a session is open.
pub async fn status_form<C: StatusDesk>(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(case) = session_case::<C>(&state, &headers).await? {
        return C::status_page(&state, &ctx, &case).await;
    }
    let desk = C::DESK;
    state
        .page(&ctx, &desk.lookup_template(), desk.lookup_page("", None))
        .await
}

/// `POST` on a status address: checks the code and secret (one answer for a wrong code and a
/// wrong secret, throttled per address), opens a status session and shows that case only.
pub async fn status_lookup<C: StatusDesk>(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Form(f): Form<LookupForm>,
) -> Result<Response, WebError> {
    let desk = C::DESK;
    desk.throttle.check(&state, &ip, &f.tracking_code).await?;
    let site = crate::site::site_org(&state, &ctx.site).await?;
    let found = cases::lookup::<C>(&state.store, &f.tracking_code, &f.secret).await?;
    // Another site's case is not found here: its code and password prove nothing on this site.
    let found = found.filter(|c| site.as_ref().is_none_or(|s| s.id == c.site_id()));
    match found {
        Some(case) => {
            let id = case.id();
            let token = cases::open_session(&state.store, &desk.sessions, id).await?;
            let mut resp = C::status_page(&state, &ctx, &case).await?;
            let path = format!("/{}", desk.section);
            if let Some(v) = session_cookie(&state, desk.cookie, &path, &token) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        None => {
            desk.throttle.failed(&state, &ip, &f.tracking_code).await?;
            state
                .page_with_status(
                    &ctx,
                    StatusCode::NOT_FOUND,
                    &desk.lookup_template(),
                    desk.lookup_page(
                        &f.tracking_code,
                        Some("查询码或查询密码不正确，请核对后重试。"),
                    ),
                )
                .await
        }
    }
}
