//! Input checked at the edge, before any handler: query strings and url-encoded or JSON bodies
//! holding NUL or other control characters (tab, CR and LF allowed) are refused with a 400
//! (`input.control_character`), so neither engine ever sees them — PostgreSQL cannot store NUL.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::urls::percent_escape_at;

use crate::WebError;
use crate::state::AppState;

/// Whether a decoded byte is refused: C0 controls other than tab, LF and CR, and DEL.
/// Whether a byte is a control character the portal refuses in text (tab, CR and LF pass).
pub fn is_refused_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

/// Whether url-encoded text (a query string or a form body) decodes to a refused byte.
pub fn urlencoded_has_control(raw: &[u8]) -> bool {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if let Some(decoded) = percent_escape_at(raw, i) {
            if is_refused_control(decoded) {
                return true;
            }
            i += 3;
            continue;
        }
        if is_refused_control(b) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether a JSON text holds a refused character, raw or as a `\u00XX` escape.
pub fn json_has_control(raw: &[u8]) -> bool {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if is_refused_control(b) {
            return true;
        }
        if b == b'\\' {
            if raw.get(i + 1) == Some(&b'u') {
                let code = (2..6).try_fold(0u32, |acc, k| {
                    raw.get(i + k)
                        .and_then(|h| (*h as char).to_digit(16))
                        .map(|d| acc * 16 + d)
                });
                if code.is_some_and(|c| c <= 0x7f && is_refused_control(c as u8)) {
                    return true;
                }
                i += 6;
            } else {
                i += 2;
            }
            continue;
        }
        i += 1;
    }
    false
}

fn refusal() -> Response {
    WebError::BadRequest(ErrorCode::InputControlCharacter.into()).into_response()
}

/// The middleware: checks the query string, then url-encoded and JSON bodies (read up to the
/// configured body limit and handed on unchanged). Multipart bodies are left to their parser.
pub async fn refuse_control_characters(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req
        .uri()
        .query()
        .is_some_and(|q| urlencoded_has_control(q.as_bytes()))
    {
        return refusal();
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let check: Option<fn(&[u8]) -> bool> =
        if content_type.starts_with("application/x-www-form-urlencoded") {
            Some(urlencoded_has_control)
        } else if content_type.starts_with("application/json") {
            Some(json_has_control)
        } else {
            None
        };
    let Some(check) = check else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    if check(&bytes) {
        return refusal();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_in_every_encoding() {
        assert!(urlencoded_has_control(b"q=a%00b"));
        assert!(urlencoded_has_control(b"next=/admin%0a&x=%1F"));
        assert!(!urlencoded_has_control(
            b"content=line%0D%0Aline%09tab&q=%E4%B8%AD"
        ));
        assert!(json_has_control(br#"{"name":"a\u0000"}"#));
        assert!(json_has_control(b"{\"name\":\"a\x01\"}"));
        assert!(!json_has_control(
            br#"{"text":"a\nb\u000A\\u0000","n":"\u4e2d"}"#
        ));
    }
}
