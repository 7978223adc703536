//! The page cache as middleware: answers kept pages, keeps new ones, and after every unsafe
//! request reads the feed so this node's own change shows at once; and `GET /metrics`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::Poll;

use axum::Router;
use futures_util::future::{BoxFuture, Either, Ready, ready};
use tower::ServiceExt;

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Coding, Entry, Flight, Lookup, NEVER, PageCache};
use crate::state::AppState;

/// Cookies that may come with a request answered from the cache; any other cookie (a staff or a
/// status session) sends the request past it.
const SHARED_COOKIES: &[&str] = &[crate::csrf::COOKIE, crate::page::CARE_COOKIE];
/// The key of a request the cache may answer, or `None` to send it past the cache.
fn key_of(cache: &PageCache, req: &Request) -> Option<String> {
    if cache.budget == 0 || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let path = req.uri().path();
    if NEVER.iter().any(|p| path.starts_with(p)) {
        return None;
    }
    let headers = req.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return None;
    }
    let personal = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter(|kv| !kv.trim().is_empty())
        .any(|kv| {
            let name = kv.split_once('=').map_or(kv, |(k, _)| k).trim();
            !SHARED_COOKIES.contains(&name)
        });
    if personal {
        return None;
    }
    // Without a Host header the site is chosen from the request line's host, which the key
    // would not hold: such a request is never answered from or kept in the cache.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https");
    let care = crate::page::care_mode_from_headers(headers);
    let target = req.uri().path_and_query().map_or(path, |pq| pq.as_str());
    // The same path on one host is another site's page under another prefix.
    let prefix = req
        .extensions()
        .get::<crate::site::kept::RequestSite>()
        .map_or("", |s| s.prefix.as_str());
    // One allocation: the host lower-cased into the key as it is written.
    let mut key = String::with_capacity(host.len() + prefix.len() + target.len() + 5);
    key.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    key.push_str(match (https, care) {
        (false, false) => " 0 0 ",
        (false, true) => " 0 1 ",
        (true, false) => " 1 0 ",
        (true, true) => " 1 1 ",
    });
    key.push_str(prefix);
    key.push_str(target);
    Some(key)
}

/// Whether an answer may be kept and shared with every visitor.
fn storable(resp: &Response, max: usize) -> bool {
    let h = resp.headers();
    let shared = h
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .all(|v| {
            let v = v.to_ascii_lowercase();
            !v.contains("no-store") && !v.contains("private")
        });
    let kind = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let text = [
        "text/html",
        "application/xml",
        "text/xml",
        "application/atom+xml",
    ]
    .iter()
    .any(|t| kind.starts_with(t));
    resp.status() == StatusCode::OK
        && shared
        && text
        && !h.contains_key(header::SET_COOKIE)
        && !h.contains_key(header::CONTENT_ENCODING)
        && resp.extensions().get::<crate::csrf::PerVisitor>().is_none()
        && resp
            .body()
            .size_hint()
            .upper()
            .is_some_and(|n| n as usize <= max)
}

/// A request the outermost layer looked up under this key and did not find, so the inner layer
/// does not look again; with the flight when this request is the one rendering the page.
#[derive(Debug, Clone)]
struct LookedUp {
    key: String,
    flight: Option<Arc<Flight>>,
}

/// The outermost service: a kept page is answered before anything else runs (no routing, site
/// resolution, tracing or compression), from the bodies and headers built when it was kept. The
/// key is the same as [`layer`]'s, since a `/site/{code}` prefix is still on the path here. Of
/// many requests for a page not kept, one renders it and the others wait for that render
/// ([`PageCache::lookup`]).
///
/// A fresh page is answered in [`Front::call`] itself, with nothing boxed: the cost of a hit is
/// the key, one lookup and the answer's headers.
#[derive(Clone)]
pub struct Front {
    cache: Arc<PageCache>,
    app: Router,
    /// The connection's peer, given to every request it sends past the cache as
    /// `ConnectInfo` (what axum's `into_make_service_with_connect_info` does for a router).
    peer: Option<SocketAddr>,
}

impl Front {
    /// `app` behind the page cache `cache`.
    pub fn new(cache: Arc<PageCache>, app: Router) -> Self {
        Self { cache, app, peer: None }
    }

    /// This front for one connection from `peer`.
    pub fn for_peer(&self, peer: SocketAddr) -> Self {
        Self {
            peer: Some(peer),
            ..self.clone()
        }
    }

    /// A request the cache may answer whose page was not fresh: an expired page while another
    /// request renders it, a wait for another's render, or this request's own render.
    async fn look_up(
        cache: Arc<PageCache>,
        app: Router,
        key: String,
        mut req: Request,
    ) -> Response {
        let mut lookup = cache.lookup(&key);
        if let Lookup::Wait(mut rendering) = lookup {
            // The render ends (kept or not) when its flight is dropped.
            let _ = tokio::time::timeout(Flight::WAIT_AT_MOST, rendering.changed()).await;
            lookup = match cache.lookup(&key) {
                // Still rendered by another: this request renders it too, unshared.
                Lookup::Wait(_) => Lookup::Wait(rendering),
                other => other,
            };
        }
        let flight = match lookup {
            Lookup::Kept(entry) => {
                cache.hits.fetch_add(1, Ordering::Relaxed);
                return entry.answer(Coding::chosen(req.headers()), req.headers());
            }
            Lookup::Render(flight) => Some(flight),
            Lookup::Wait(_) | Lookup::Pass => None,
        };
        req.extensions_mut().insert(LookedUp { key, flight });
        let Ok(resp) = app.oneshot(req).await;
        resp
    }
}

impl tower::Service<Request> for Front {
    type Response = Response;
    type Error = Infallible;
    type Future = Either<
        Ready<Result<Response, Infallible>>,
        BoxFuture<'static, Result<Response, Infallible>>,
    >;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let key = key_of(&self.cache, &req);
        if let Some(entry) = key.as_deref().and_then(|k| self.cache.fresh(k)) {
            self.cache.hits.fetch_add(1, Ordering::Relaxed);
            let resp = entry.answer(Coding::chosen(req.headers()), req.headers());
            return Either::Left(ready(Ok(resp)));
        }
        // Only a request that goes on needs its peer (a hit would allocate the extensions for
        // nothing).
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(ConnectInfo(peer));
        }
        let Some(key) = key else {
            return Either::Right(Box::pin(self.app.clone().oneshot(req)));
        };
        let (cache, app) = (Arc::clone(&self.cache), self.app.clone());
        Either::Right(Box::pin(async move {
            Ok(Self::look_up(cache, app, key, req).await)
        }))
    }
}

/// The middleware: answers kept pages, keeps new ones, and after every unsafe request reads the
/// feed so this node's own change shows at once.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let cache = &state.cache;
    let Some(key) = key_of(cache, &req) else {
        let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let resp = next.run(req).await;
        if unsafe_method {
            cache.catch_up(&state.store).await;
        }
        return resp;
    };
    let coding = Coding::chosen(req.headers());
    // The outermost layer's lookup, and this request's flight if it is the one rendering.
    let looked_up = req
        .extensions_mut()
        .remove::<LookedUp>()
        .filter(|l| l.key == key);
    let flight = looked_up.as_ref().and_then(|l| l.flight.clone());
    if looked_up.is_none()
        && let Some(entry) = cache.get(&key)
    {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        return entry.answer(coding, req.headers());
    }
    cache.misses.fetch_add(1, Ordering::Relaxed);
    let generation = cache.generation();
    let validators = req.headers().clone();
    // Render the whole page (a HEAD is rendered as a GET; the server drops the body) and
    // unconditionally, so what is kept is the full answer.
    *req.method_mut() = Method::GET;
    req.headers_mut().remove(header::IF_NONE_MATCH);
    req.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let resp = next.run(req).await;
    let not_kept = |resp: Response| {
        if let Some(f) = &flight {
            f.not_kept();
        }
        resp
    };
    if !storable(&resp, cache.max_entry()) {
        if let Some(f) = &flight {
            f.not_storable();
        }
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let body = match to_bytes(body, cache.max_entry()).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "page cache: body unreadable");
            return not_kept(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let key_len = key.len();
    let (headers, kept) = (parts.headers.clone(), body.clone());
    let max_entry = cache.max_entry();
    match tokio::task::spawn_blocking(move || Entry::new(key_len, headers, kept, max_entry)).await {
        Ok(Ok(entry)) => {
            let entry = Arc::new(entry);
            if !cache.put(key, entry.clone(), generation)
                && let Some(f) = &flight
            {
                f.not_kept();
            }
            entry.answer(coding, &validators)
        }
        failed => {
            tracing::warn!(?failed, "page cache: compression failed; answered uncached");
            not_kept(Response::from_parts(parts, Body::from(body)))
        }
    }
}

/// `GET /metrics`: the page cache's counters as Prometheus text.
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.cache.metrics(),
    )
        .into_response()
}
