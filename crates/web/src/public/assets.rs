//! Static assets (CSS, icons), embedded or from the theme folder.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_domain::ErrorCode;

use crate::WebError;
use crate::state::AppState;

/// `GET /static/{name}`.
pub async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let (content_type, bytes) = state
        .templates
        .asset(&name)
        .ok_or_else(|| WebError::NotFound(ErrorCode::FileNotFound.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /favicon.ico`: the SVG icon.
pub async fn favicon(State(state): State<AppState>) -> Result<Response, WebError> {
    serve(State(state), Path("favicon.svg".to_owned())).await
}

/// `GET /robots.txt`: the portal may be indexed; the back office may not.
pub async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /admin\nAllow: /\n",
    )
}
