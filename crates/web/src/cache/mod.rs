//! The cache of rendered public pages: an anonymous visitor's `GET` of a public page is answered
//! from memory, with the body compressed once (gzip and brotli, chosen by `Accept-Encoding`), a
//! strong `ETag` (`If-None-Match` → 304), `Last-Modified` and `Cache-Control` that let a browser or
//! a CDN keep it for a second and then revalidate.
//!
//! What is kept: a `200` HTML or XML answer to a request without a staff session or any other
//! personal cookie (only the CSRF cookie and the display-mode cookie `page::CARE_COOKIE` may come
//! along; the display mode is part of the key), on a path outside [`NEVER`], whose answer sets no
//! cookie, is not `private`/`no-store` and does not carry the visitor's CSRF token (the guard marks
//! such pages [`crate::csrf::PerVisitor`]: forms, lookups). Keys are host, scheme, display mode,
//! path and query, so sites never share entries.
//!
//! Invalidation: every change that public pages show writes a change-feed row in its transaction.
//! Any new row clears the whole cache — at once on the node that made the change (the layer reads
//! the feed's position after every unsafe request, before the answer leaves), and within
//! [`FOLLOW_EVERY`] on every other node ([`follow`]). A render that began before a clear is never
//! stored after it (the cache's generation). An entry older than [`MAX_AGE`] is rendered again,
//! which bounds what changes with the clock alone or with writes that emit no feed row (a guide).
//!
//! This module holds the pages and knows nothing of requests; [`http`] is the middleware and the
//! `/metrics` handler.

pub mod http;
pub mod listing;
pub mod memo;

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai_store::Store;
use lru::LruCache;
use sha2::{Digest, Sha256};

/// The longest a kept page is served without being rendered again. Publication, correction and
/// withdrawal clear the cache through the feed at once; this bounds what changes without a feed
/// row (a consultation's period running out, a guide, 热门搜索).
pub const MAX_AGE: Duration = Duration::from_secs(10);
/// How often every node reads the change feed's position.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// What a kept page tells browsers and shared caches: keep it one second, then revalidate (a 304
/// from memory while unchanged), so a CDN honouring it is never more than a second behind.
pub const CACHE_CONTROL: &str = "public, max-age=1, must-revalidate";
/// Kept pages differ by encoding and by the display-mode cookie.
const VARY: &str = "accept-encoding, cookie";
/// Path prefixes never kept: the back office, the JSON API and health, files and static assets
/// (served with their own headers), search (it counts each query for 热门搜索 and follows the index,
/// which trails the feed), the display-mode switch, and the citizens' lookups and letters.
pub const NEVER: &[&str] = &[
    "/admin",
    "/api/",
    "/healthz",
    "/metrics",
    "/static/",
    "/files/",
    "/search",
    "/mode",
    "/ysqgk/status",
    "/ysqgk/letters/",
    "/ysqgk/files/",
    "/ysqgk/correction",
    "/hudong/status",
    "/hudong/rate",
    "/zhengji/chaxun",
    "/zhengji/files/",
];
/// Default memory budget: 64 MiB.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;

/// A content coding the cache keeps a body in (static assets use it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// The bytes as they are.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br`.
    Brotli,
}

impl Coding {
    /// The best coding `Accept-Encoding` allows: brotli, then gzip, then none.
    pub(crate) fn chosen(headers: &HeaderMap) -> Self {
        let (mut br, mut gzip) = (false, false);
        let offers = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for offer in offers {
            let mut parts = offer.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            match name.as_str() {
                "br" => br = true,
                "gzip" | "x-gzip" => gzip = true,
                "*" => (br, gzip) = (true, true),
                _ => {}
            }
        }
        match (br, gzip) {
            (true, _) => Self::Brotli,
            (false, true) => Self::Gzip,
            _ => Self::Identity,
        }
    }

    /// The `Content-Encoding` value, `None` for identity.
    pub(crate) fn name(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Brotli => Some("br"),
        }
    }

    /// Every coding, in [`Coding::slot`] order.
    const ALL: [Coding; 3] = [Self::Identity, Self::Gzip, Self::Brotli];

    /// Where this coding's body and headers sit in an entry.
    fn slot(self) -> usize {
        match self {
            Self::Identity => 0,
            Self::Gzip => 1,
            Self::Brotli => 2,
        }
    }

    /// What an ETag carries after the body's hash, so each coding has its own strong tag.
    pub(crate) fn tag_suffix(self) -> &'static str {
        match self {
            Self::Identity => "",
            Self::Gzip => "-gz",
            Self::Brotli => "-br",
        }
    }
}

/// One kept page: the body in each coding, and for each coding the whole set of answer headers
/// built once when the page is kept, so a hit only clones them.
#[derive(Debug)]
struct Entry {
    /// The bodies, indexed by [`Coding::slot`].
    bodies: [Bytes; 3],
    /// The answer headers for each coding (the handler's, the encoding, the validators, caching).
    headers: [HeaderMap; 3],
    /// The strong ETag of each coding, as sent.
    etags: [HeaderValue; 3],
    last_modified: HeaderValue,
    stored: Instant,
    size: usize,
}

impl Entry {
    /// Compresses `body` both ways (CPU work: run it on a blocking thread).
    fn new(key_len: usize, mut headers: HeaderMap, body: Bytes) -> std::io::Result<Self> {
        let last_modified = headers.remove(header::LAST_MODIFIED).unwrap_or_else(|| {
            let now = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT");
            HeaderValue::from_str(&now.to_string())
                .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
        });
        for name in [
            header::CONTENT_LENGTH,
            header::ETAG,
            header::CACHE_CONTROL,
            header::VARY,
            header::DATE,
        ] {
            headers.remove(name);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&body)?;
        let gzip = Bytes::from(gz.finish()?);
        let mut br = brotli::CompressorWriter::new(Vec::new(), 4096, 9, 22);
        br.write_all(&body)?;
        br.flush()?;
        let brotli = Bytes::from(br.into_inner());
        let hash = hex::encode(&Sha256::digest(&body)[..16]);
        let size = body.len() + gzip.len() + brotli.len() + key_len + 1536;
        let etags = Coding::ALL.map(|c| {
            HeaderValue::from_str(&format!("\"{hash}{}\"", c.tag_suffix()))
                .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
        });
        let headers = Coding::ALL.map(|c| {
            let mut h = headers.clone();
            if let Some(e) = c.name() {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
            }
            h.insert(header::ETAG, etags[c.slot()].clone());
            h.insert(header::LAST_MODIFIED, last_modified.clone());
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            );
            h.insert(header::VARY, HeaderValue::from_static(VARY));
            h
        });
        Ok(Self {
            bodies: [body, gzip, brotli],
            headers,
            etags,
            last_modified,
            stored: Instant::now(),
            size,
        })
    }

    /// Whether the request's validators still match this page (then 304).
    fn not_modified(&self, request: &HeaderMap) -> bool {
        if let Some(tags) = request.get(header::IF_NONE_MATCH) {
            return tags.as_bytes().split(|b| *b == b',').any(|t| {
                let t = t.trim_ascii();
                let t = t.strip_prefix(b"W/").unwrap_or(t);
                t == b"*" || self.etags.iter().any(|e| e.as_bytes() == t)
            });
        }
        request
            .get(header::IF_MODIFIED_SINCE)
            .is_some_and(|since| *since == self.last_modified)
    }

    /// The answer for a request asking in `coding` with the validators in `request`.
    fn answer(&self, coding: Coding, request: &HeaderMap) -> Response {
        let slot = coding.slot();
        if self.not_modified(request) {
            let mut resp = StatusCode::NOT_MODIFIED.into_response();
            let h = resp.headers_mut();
            h.insert(header::ETAG, self.etags[slot].clone());
            h.insert(header::LAST_MODIFIED, self.last_modified.clone());
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            );
            h.insert(header::VARY, HeaderValue::from_static(VARY));
            return resp;
        }
        let mut resp = Response::new(Body::from(self.bodies[slot].clone()));
        *resp.headers_mut() = self.headers[slot].clone();
        resp
    }
}

#[derive(Debug)]
struct Inner {
    pages: LruCache<String, Arc<Entry>>,
    bytes: usize,
    /// Raised by every clear; a render stores only under the generation it began in.
    generation: u64,
    /// The newest change-feed position this node has seen.
    seen: i64,
}

/// The page cache of one node: bounded by bytes, least recently used pages evicted first.
#[derive(Debug)]
pub struct PageCache {
    budget: usize,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    clears: AtomicU64,
}

impl PageCache {
    /// A cache that holds at most `budget` bytes of pages (all codings counted); 0 turns it off.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner {
                pages: LruCache::unbounded(),
                bytes: 0,
                generation: 0,
                seen: 0,
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            clears: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The largest page kept: an eighth of the budget.
    fn max_entry(&self) -> usize {
        self.budget / 8
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let mut inner = self.lock();
        let entry = inner.pages.get(key)?.clone();
        if entry.stored.elapsed() > MAX_AGE {
            inner.pages.pop(key);
            inner.bytes -= entry.size;
            return None;
        }
        Some(entry)
    }

    /// Rises with every clear: whenever this node sees the change feed move. What is derived
    /// from the database and kept ([`memo::Memo`]) is stamped with it.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps `entry` unless the cache was cleared since `generation`; evicts to the budget.
    fn put(&self, key: String, entry: Arc<Entry>, generation: u64) {
        if entry.size > self.max_entry() {
            return;
        }
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        inner.bytes += entry.size;
        if let Some(old) = inner.pages.put(key, entry) {
            inner.bytes -= old.size;
        }
        while inner.bytes > self.budget {
            let Some((_, old)) = inner.pages.pop_lru() else {
                break;
            };
            inner.bytes -= old.size;
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Drops every page (a later render of one that began before this is not kept).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.pages.clear();
        inner.bytes = 0;
        inner.generation += 1;
        self.clears.fetch_add(1, Ordering::Relaxed);
    }

    /// Clears the cache if the change feed has moved past the last position seen.
    pub async fn catch_up(&self, store: &Store) {
        match gongkai_store::feed::latest(store).await {
            Ok(latest) => {
                let mut inner = self.lock();
                if latest > inner.seen {
                    inner.seen = latest;
                    inner.pages.clear();
                    inner.bytes = 0;
                    inner.generation += 1;
                    self.clears.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "page cache: change feed unreadable; cache cleared");
                self.clear();
            }
        }
    }

    /// The counters in Prometheus' text format.
    pub fn metrics(&self) -> String {
        let (entries, bytes) = {
            let inner = self.lock();
            (inner.pages.len(), inner.bytes)
        };
        let mut out = String::new();
        for (name, kind, help, value) in [
            (
                "gongkai_page_cache_hits_total",
                "counter",
                "Public pages answered from the page cache.",
                self.hits.load(Ordering::Relaxed),
            ),
            (
                "gongkai_page_cache_misses_total",
                "counter",
                "Cacheable requests rendered because no page was kept.",
                self.misses.load(Ordering::Relaxed),
            ),
            (
                "gongkai_page_cache_evictions_total",
                "counter",
                "Pages dropped to stay within the memory budget.",
                self.evictions.load(Ordering::Relaxed),
            ),
            (
                "gongkai_page_cache_clears_total",
                "counter",
                "Times the cache was emptied (a change-feed event, or the feed unreadable).",
                self.clears.load(Ordering::Relaxed),
            ),
            (
                "gongkai_page_cache_entries",
                "gauge",
                "Pages kept now.",
                entries as u64,
            ),
            (
                "gongkai_page_cache_bytes",
                "gauge",
                "Bytes kept now (all encodings).",
                bytes as u64,
            ),
            (
                "gongkai_page_cache_budget_bytes",
                "gauge",
                "The memory budget (setting page_cache_bytes).",
                self.budget as u64,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            ));
        }
        out
    }
}

/// Follows the change feed on this node: any new row clears the cache, so a change made on
/// another node shows here within [`FOLLOW_EVERY`] (on PostgreSQL at once: the node hears the
/// feed grow, `feed::Wakeup`). Stops when `stop` turns true.
pub async fn follow(
    store: Store,
    cache: Arc<PageCache>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut wakeup = store.feed_wakeup();
    loop {
        cache.catch_up(&store).await;
        tokio::select! {
            _ = wakeup.after(FOLLOW_EVERY) => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    return;
                }
            }
        }
    }
}

/// Runs `work` at once and then every `period` (a late run delays the next) until `stop` turns
/// true or its sender is gone.
pub(crate) async fn every<F, Fut>(
    period: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
    mut work: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => work().await,
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(v: &'static str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
        Coding::chosen(&h)
    }

    #[test]
    fn the_coding_follows_accept_encoding() {
        assert_eq!(accepting("gzip, deflate, br"), Coding::Brotli);
        assert_eq!(accepting("gzip"), Coding::Gzip);
        assert_eq!(accepting("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(accepting("identity"), Coding::Identity);
        assert_eq!(Coding::chosen(&HeaderMap::new()), Coding::Identity);
    }

    fn entry(body: &'static str) -> Arc<Entry> {
        match Entry::new(10, HeaderMap::new(), Bytes::from_static(body.as_bytes())) {
            Ok(e) => Arc::new(e),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_budget_evicts_the_least_recently_used_page() {
        const BODIES: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
        let size = entry(BODIES[0]).size;
        // Room for eight pages (and a page may use an eighth of the budget).
        let cache = PageCache::new(size * 8 + size / 2);
        for (i, body) in BODIES[..8].iter().enumerate() {
            cache.put(i.to_string(), entry(body), 0);
        }
        assert!(cache.get("0").is_some());
        cache.put("8".into(), entry(BODIES[8]), 0);
        assert!(cache.get("1").is_none(), "1 was used least recently");
        assert!(cache.get("0").is_some() && cache.get("8").is_some());
        assert_eq!(cache.evictions.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_render_begun_before_a_clear_is_not_kept() {
        let cache = PageCache::new(DEFAULT_BUDGET);
        let generation = cache.generation();
        cache.clear();
        cache.put("a".into(), entry("旧"), generation);
        assert!(cache.get("a").is_none());
    }
}
