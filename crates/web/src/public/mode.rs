//! `GET /mode?care=1&back=/path`: switches the elder-friendly mode (关怀版) on or off.
//!
//! A plain link, so it works without JavaScript; the choice is remembered in a cookie for a year.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::page::CARE_COOKIE;
use crate::state::AppState;

/// Query of the switch.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ModeQuery {
    /// `1` for the elder-friendly mode, anything else for the standard one.
    care: String,
    /// Where to go back to (a local path).
    back: String,
}

/// Only local paths are followed, never another site.
fn safe_back(back: &str) -> &str {
    gongkai_domain::urls::safe_local_path(back, "/")
}

/// Sets the cookie and returns to the page.
pub async fn switch(State(state): State<AppState>, Query(q): Query<ModeQuery>) -> Response {
    let on = q.care == "1";
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = if on {
        format!("{CARE_COOKIE}=1; Path=/; Max-Age=31536000; SameSite=Lax{secure}")
    } else {
        format!("{CARE_COOKIE}=0; Path=/; Max-Age=31536000; SameSite=Lax{secure}")
    };
    let mut resp = Redirect::to(safe_back(&q.back)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_local_paths_are_followed() {
        for (back, goes_to) in [
            ("/jigou", "/jigou"),
            ("//evil.example", "/"),
            ("https://evil.example", "/"),
            ("/\\evil", "/"),
            ("/\t/evil.example", "/"),
        ] {
            assert_eq!(safe_back(back), goes_to, "{back:?}");
        }
    }
}
