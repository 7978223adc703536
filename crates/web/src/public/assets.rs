//! Static assets (CSS, icons), embedded or from the theme folder.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai_domain::ErrorCode;

use crate::WebError;
use crate::cache::Coding;
use crate::site::RequestSite;
use crate::state::AppState;
use crate::templates::Asset;

/// `Cache-Control` of a fingerprinted asset: its URL changes whenever its bytes do.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of an asset by plain name: the bytes behind it may change, so revalidate.
pub const REVALIDATE: &str = "no-cache";

/// `GET /static/{name}`: by fingerprinted name (`site.<hash>.css`, immutable) or by plain name
/// (`site.css`, revalidated, the request's site's own theme file first); a fingerprint that
/// matches no asset is 404.
pub async fn serve(
    State(state): State<AppState>,
    site: RequestSite,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(asset) = state.templates.fingerprinted_asset(&name) {
        return Ok(answer(&asset, IMMUTABLE, &headers));
    }
    let code = if state.templates.has_site_themes() {
        crate::site::site_org(&state, &site).await?.map(|o| o.code)
    } else {
        None
    };
    let asset = state
        .templates
        .asset(code.as_deref(), &name)
        .ok_or_else(|| WebError::NotFound(ErrorCode::FileNotFound.into()))?;
    Ok(answer(&asset, REVALIDATE, &headers))
}

/// The ETag of an asset's bytes in `coding`: one per coding, as the bytes differ.
fn etag(asset: &Asset, coding: Coding) -> String {
    format!("\"{}{}\"", asset.hash, coding.tag_suffix())
}

/// The answer for an asset: the coding `Accept-Encoding` allows (precompressed, so the
/// compression layer leaves it alone), a strong ETag, and 304 when `If-None-Match` matches.
fn answer(asset: &Arc<Asset>, cache_control: &'static str, request: &HeaderMap) -> Response {
    let (coding, body) = match Coding::chosen(request) {
        Coding::Brotli if asset.brotli.is_some() => (Coding::Brotli, asset.brotli.clone()),
        Coding::Brotli | Coding::Gzip if asset.gzip.is_some() => (Coding::Gzip, asset.gzip.clone()),
        _ => (Coding::Identity, None),
    };
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',').any(|t| {
                let t = t.trim();
                let t = t.strip_prefix("W/").unwrap_or(t);
                t == "*"
                    || [Coding::Identity, Coding::Gzip, Coding::Brotli]
                        .iter()
                        .any(|c| t == etag(asset, *c))
            })
        });
    let mut resp = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut resp = Response::new(Body::from(body.unwrap_or_else(|| asset.identity.clone())));
        if let Ok(ct) = HeaderValue::from_str(&asset.content_type) {
            resp.headers_mut().insert(header::CONTENT_TYPE, ct);
        }
        if let Some(encoding) = coding.name() {
            resp.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        resp
    };
    let h = resp.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag(asset, coding)) {
        h.insert(header::ETAG, tag);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    resp
}

/// `GET /favicon.ico`: the SVG icon.
pub async fn favicon(
    State(state): State<AppState>,
    site: RequestSite,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    serve(State(state), site, Path("favicon.svg".to_owned()), headers).await
}

/// `GET /robots.txt`: the portal may be indexed; the back office may not.
pub async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /admin\nAllow: /\n",
    )
}
