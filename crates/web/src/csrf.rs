//! Protection of every state-changing form against cross-site request forgery.
//!
//! Double-submit token: a visitor gets a random `gk_csrf` cookie (HttpOnly, SameSite=Strict) with
//! the first page that carries a form; every form carries the same value in a hidden `csrf_token` field (multipart forms put it in
//! the action's query string). [`guard`] refuses any unsafe request whose token does not match,
//! and any request whose `Origin` names another host. JSON API calls are exempt: browsers
//! cannot send `application/json` cross-site without a CORS preflight, which we never grant.
//! The CKAN Action API (`/api/3/action/…`, `/api/action/…`) is exempt whatever its body: it
//! knows its caller only by the API token in a request header, which a cross-site form cannot
//! set, so a forged request is an anonymous one.
//! The check is stateless, so it works the same on every node.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::WebError;
use crate::state::AppState;

/// Cookie holding the visitor's token.
pub const COOKIE: &str = "gk_csrf";
/// Form field (and query parameter) carrying the token.
pub const FIELD: &str = "csrf_token";

/// The token for the current visitor, available to handlers as a request extension.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Marks an answer that carries the visitor's token (a page with a form): it belongs to that
/// visitor alone, so the page cache never keeps it (`crate::cache`).
#[derive(Debug, Clone, Copy)]
pub struct PerVisitor;

/// Set on an answer by a renderer that knows whether it shows the visitor's token (a full page,
/// `crate::page`, knows whether its template read the token): the guard then takes its word
/// instead of looking for the token in the body.
#[derive(Debug, Clone, Copy)]
pub struct TokenShown(pub bool);

/// Reads a cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn valid_token(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether two strings are equal, compared in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn origin_matches_host(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin_host.eq_ignore_ascii_case(host)
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let q = query?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The middleware: issues the cookie and checks unsafe requests.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), COOKIE).filter(|t| valid_token(t));
    let token = existing
        .clone()
        .unwrap_or_else(gongkai_store::sessions::random_token);
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(CsrfToken(token.clone()));

    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = body;
    if unsafe_method {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        // The CKAN Action API authenticates by the token in a header, never by a cookie, and
        // its clients post multipart uploads (`resource_create`) as well as JSON.
        let path = parts.uri.path();
        let ckan = path.starts_with("/api/3/action/") || path.starts_with("/api/action/");
        let json_api =
            ckan || (path.starts_with("/api/") && content_type.starts_with("application/json"));
        if !origin_matches_host(&parts.headers) {
            return WebError::Csrf.into_response();
        }
        if !json_api {
            let mut submitted = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .or_else(|| query_param(parts.uri.query(), FIELD));
            if submitted.is_none() && content_type.starts_with("application/x-www-form-urlencoded")
            {
                let bytes = match to_bytes(body, state.config.max_body_bytes).await {
                    Ok(b) => b,
                    Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
                };
                submitted = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                    .ok()
                    .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v));
                body = Body::from(bytes);
            }
            let ok =
                matches!((&existing, &submitted), (Some(c), Some(s)) if constant_time_eq(c, s));
            if !ok {
                tracing::warn!(path = %parts.uri.path(), "CSRF check failed");
                return WebError::Csrf.into_response();
            }
        }
    }
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    // A page that carries the token is this visitor's alone; only such a page (a form) needs the
    // cookie, so pages without forms set none and may be shared by every visitor and cache.
    let carries = match resp.extensions().get::<TokenShown>() {
        Some(TokenShown(shown)) => *shown,
        None if is_html(&resp) => {
            let (parts, body) = resp.into_parts();
            let bytes = match to_bytes(body, usize::MAX).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "page body unreadable");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            };
            // One pass over the page (a window-by-window comparison was 8 % of an uncached page).
            let carries = memchr::memmem::find(&bytes, token.as_bytes()).is_some();
            resp = Response::from_parts(parts, Body::from(bytes));
            carries
        }
        None => false,
    };
    if carries {
        resp.extensions_mut().insert(PerVisitor);
        if existing.is_none() {
            let secure = if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
            )) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }
    resp
}

/// Whether an answer is an HTML page (only a page can carry a form's token).
fn is_html(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_many() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; gk_csrf=abc; b=2"),
        );
        assert_eq!(cookie(&h, "gk_csrf").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn a_foreign_origin_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(origin_matches_host(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!origin_matches_host(&h));
    }
}
