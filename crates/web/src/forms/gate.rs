//! The rate limit before parsing: a public form from an address that has used up its limit is
//! refused (429) before a byte of its body is read, so a throttled client cannot make the
//! server read and parse megabytes of fields it will refuse anyway.
//!
//! The check is read-only ([`gongkai_service::Intake::refuse_if_throttled`],
//! [`LookupThrottle::refuse_if_address_locked`]); the counting check when the submission is
//! stored, or the lookup fails, still decides. It runs as a layer outside the CSRF guard and the
//! control-character check, both of which may read a form's body.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gongkai_service::Submission;
use gongkai_store::applications::Application;
use gongkai_store::data_access::DataAccessRequest;
use gongkai_store::messages::Message;

use crate::WebError;
use crate::cases::{LookupThrottle, StatusDesk};
use crate::client_ip::ClientIp;
use crate::state::AppState;

/// What limit a public form is held to.
#[derive(Debug, Clone, Copy)]
enum Gate {
    /// An hourly limit on submissions of a kind.
    Submission(Submission),
    /// The limit on failed lookups from one address.
    Lookup(LookupThrottle),
}

/// The public forms that are rate-limited, by the path they are posted to (the route table in
/// `router.rs` names the same paths).
fn gate_of(path: &str) -> Option<Gate> {
    Some(match path {
        "/ysqgk/apply" | "/ysqgk/correction" | "/api/v1/applications" => {
            Gate::Submission(Submission::Application)
        }
        "/hudong/write" | "/api/v1/messages" | "/data/demand" => {
            Gate::Submission(Submission::Message)
        }
        "/ysqgk/status" => Gate::Lookup(Application::DESK.throttle),
        "/hudong/status" => Gate::Lookup(Message::DESK.throttle),
        "/sjkf/status" => Gate::Lookup(DataAccessRequest::DESK.throttle),
        p if p
            .strip_prefix("/data/")
            .and_then(|rest| rest.strip_suffix("/apply"))
            .is_some_and(|name| !name.is_empty() && !name.contains('/')) =>
        {
            Gate::Submission(Submission::DataAccess)
        }
        p if p
            .strip_prefix("/pingyi/")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Gate::Submission(Submission::Evaluation)
        }
        p if p
            .strip_prefix("/zhengji/")
            .and_then(|rest| rest.strip_suffix("/comment"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/')) =>
        {
            Gate::Submission(Submission::Comment)
        }
        _ => return None,
    })
}

/// Refuses a rate-limited public form from a throttled address before its body is read.
pub async fn throttle_first(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let gate = (req.method() == Method::POST)
        .then(|| gate_of(req.uri().path()))
        .flatten();
    let Some(gate) = gate else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &state).await;
    let refused = match gate {
        Gate::Submission(kind) => state
            .intake(&crate::site::RequestSite::default(), &ip, Utc::now())
            .refuse_if_throttled(kind)
            .await
            .map_err(WebError::from),
        Gate::Lookup(throttle) => throttle.refuse_if_address_locked(&state, &ip).await,
    };
    if let Err(e) = refused {
        // The body is dropped unread; the connection is closed rather than drained.
        let mut resp = e.into_response();
        resp.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
        return resp;
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_forms_are_gated_and_nothing_else() {
        for path in [
            "/ysqgk/apply",
            "/ysqgk/correction",
            "/hudong/write",
            "/zhengji/12/comment",
            "/ysqgk/status",
            "/hudong/status",
            "/api/v1/applications",
            "/api/v1/messages",
        ] {
            assert!(gate_of(path).is_some(), "{path}");
        }
        for path in [
            "/zhengji//comment",
            "/zhengji/1/2/comment",
            "/admin/login",
            "/hudong/rate",
            "/ysqgk/apply/x",
        ] {
            assert!(gate_of(path).is_none(), "{path}");
        }
    }
}
