//! `GET/POST /admin/login` and `POST /admin/logout`.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_store::sessions;
use gongkai_store::users::{self, LoginOutcome};
use minijinja::context;
use serde::Deserialize;

use crate::WebError;
use crate::auth::{CurrentStaff, SESSION_COOKIE, session_token};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::state::AppState;

/// Where to go after login.
#[derive(Debug, Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only back-office paths are followed after login.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin")
        && gongkai_domain::urls::is_safe_local_path(next)
        && !next.starts_with("/admin/login")
    {
        next
    } else {
        "/admin"
    }
}

/// Shows the login form (or goes straight to the dashboard when already signed in).
pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: Option<CurrentStaff>,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    if staff.is_some() {
        return Ok(Redirect::to(safe_next(&q.next)).into_response());
    }
    state
        .page(
            &ctx,
            "admin/login.html",
            context! { next => safe_next(&q.next), username => "" },
        )
        .await
}

/// The login form's fields.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

/// Checks the credentials, opens a session and sets its cookie.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(&f.next).to_owned();
    let again = |status: StatusCode, message: String| {
        let state = state.clone();
        let ctx = ctx.clone();
        let username = f.username.clone();
        let next = next.clone();
        async move {
            state
                .page_with_status(
                    &ctx,
                    status,
                    "admin/login.html",
                    context! { next => next, username => username, error => message },
                )
                .await
        }
    };
    if f.username.trim().is_empty() || f.password.is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            ErrorCode::LoginCredentialsRequired.message(),
        )
        .await;
    }
    match users::authenticate(
        &state.store,
        &state.login_policy,
        &f.username,
        &f.password,
        &ip,
    )
    .await?
    {
        LoginOutcome::Success(staff) => {
            let token = sessions::create(&state.store, &staff, &ip).await?;
            let secure = if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie =
                format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}");
            let mut resp = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        LoginOutcome::BadCredentials => {
            again(
                StatusCode::UNAUTHORIZED,
                ErrorCode::LoginBadCredentials.message(),
            )
            .await
        }
        LoginOutcome::Disabled => {
            again(
                StatusCode::FORBIDDEN,
                ErrorCode::LoginAccountDisabled.message(),
            )
            .await
        }
        LoginOutcome::Locked(until) => {
            let minutes = (until - chrono::Utc::now()).num_minutes().max(1);
            let until = gongkai_domain::time::display_minute(until);
            let msg = ErrorCode::LoginLocked.render(&[("until", &until), ("minutes", &minutes)]);
            let mut resp = again(StatusCode::TOO_MANY_REQUESTS, msg).await?;
            if let Ok(v) = HeaderValue::from_str(&(minutes * 60).to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(resp)
        }
    }
}

/// Ends the session and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    staff: Option<CurrentStaff>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let (Some(CurrentStaff(staff)), Some(token)) = (staff, session_token(&headers)) {
        sessions::end(&state.store, &token, &staff, &ip).await?;
    }
    let mut resp = Redirect::to("/admin/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("gk_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_in_the_back_office() {
        for (next, goes_to) in [
            ("/admin/users", "/admin/users"),
            ("https://evil.example", "/admin"),
            ("//evil.example/admin", "/admin"),
            ("/admin/login", "/admin"),
            ("/admin\n/x", "/admin"),
        ] {
            assert_eq!(safe_next(next), goes_to, "{next:?}");
        }
    }
}
