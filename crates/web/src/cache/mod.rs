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
pub mod sendfile;

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

/// The longest a kept page is served before it is rendered again (while one request renders it
/// again, the others still get it, at most [`Flight::WAIT_AT_MOST`] longer). Publication,
/// correction and withdrawal clear the cache through the feed at once; this bounds what changes
/// without a feed row (a consultation's period running out, a guide, 热门搜索).
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
/// Pages remembered as not keepable ([`Inner::passes`]); the oldest is forgotten first.
const PASSES_KEPT: std::num::NonZeroUsize = std::num::NonZeroUsize::MIN.saturating_add(4095);
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

/// `bytes` compressed with brotli, with a window no larger than the bytes need. brotli's
/// encoder sizes its match finder by quality and window: at quality 9 with the usual 4 MiB
/// window it allocates about 32 MiB per call, so a burst of pages compressed at once cost the
/// server gigabytes. A body of up to 64 KiB (every ordinary page) keeps quality 9 in a window
/// of at most 64 KiB, whose match finder is about 1 MiB; a larger body is compressed at quality
/// 6 (about 2 MiB), a few per cent larger on the wire.
pub(crate) fn brotli_compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    /// brotli's smallest and largest window (in bits); a window holds `(1 << bits) - 16` bytes.
    const WINDOW_BITS: std::ops::RangeInclusive<u32> = 10..=22;
    let needed = WINDOW_BITS
        .clone()
        .find(|bits| (1usize << bits) - 16 >= bytes.len())
        .unwrap_or(*WINDOW_BITS.end());
    let quality = if needed <= 16 { 9 } else { 6 };
    let mut br =
        brotli::CompressorWriter::new(Vec::with_capacity(bytes.len() / 4), 4096, quality, needed);
    br.write_all(bytes)?;
    br.flush()?;
    Ok(br.into_inner())
}

/// One kept page: the body in each coding, and for each coding the whole set of answer headers
/// built once when the page is kept, so a hit only clones them.
#[derive(Debug)]
pub(crate) struct Entry {
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
    /// Compresses `body` both ways (CPU work: run it on a blocking thread). A body is mirrored
    /// into a file for sendfile only while the page stays within `max_entry`, the largest the
    /// cache keeps.
    fn new(
        key_len: usize,
        mut headers: HeaderMap,
        body: Bytes,
        max_entry: usize,
    ) -> std::io::Result<Self> {
        let last_modified = headers.remove(header::LAST_MODIFIED).unwrap_or_else(|| {
            let now = httpdate::fmt_http_date(std::time::SystemTime::now());
            HeaderValue::from_str(&now)
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
        let brotli = Bytes::from(brotli_compress(&body)?);
        let hash = hex::encode(&Sha256::digest(&body)[..16]);
        // A body mirrored into a file for sendfile is held twice (the file in whole pages), and
        // only while the page still fits the largest entry the cache keeps.
        let mut size = body.len() + gzip.len() + brotli.len() + key_len + 1536;
        let bodies = [body, gzip, brotli].map(|b| {
            let file = sendfile::file_size(b.len());
            if file == 0 || size + file > max_entry {
                return b;
            }
            sendfile::mirrored(b)
                .inspect(|_| size += file)
                .unwrap_or_else(|b| b)
        });
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
            bodies,
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

/// What [`PageCache::lookup`] tells a request to do.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Answer with this page.
    Kept(Arc<Entry>),
    /// Render the page; holding the flight makes others wait for this render.
    Render(Arc<Flight>),
    /// Another request is rendering the page: wait until its render ends
    /// ([`Flight::WAIT_AT_MOST`]), then look again.
    Wait(tokio::sync::watch::Receiver<()>),
    /// The page's last answer could not be kept (a form, a cookie, an error): render it without
    /// waiting for anyone.
    Pass,
}

/// One request's render of a page others wait for. Dropping it (the render kept, not kept,
/// failed or cancelled) ends the flight and wakes the waiting requests.
#[derive(Debug)]
pub(crate) struct Flight {
    cache: Arc<PageCache>,
    /// The page's key.
    pub(crate) key: String,
    /// Whether an expired page is still answered while this render runs: if the new render is
    /// not kept, that page must go too.
    pub(crate) replaces_stale: bool,
    _done: tokio::sync::watch::Sender<()>,
}

impl Flight {
    /// The longest a request waits for another's render before rendering the page itself.
    pub(crate) const WAIT_AT_MOST: Duration = Duration::from_secs(5);

    /// Ends the flight for a render that was not kept: an expired page it was to replace is
    /// no longer answered.
    pub(crate) fn not_kept(&self) {
        if self.replaces_stale {
            self.cache.forget(&self.key);
        }
    }

    /// Ends the flight for an answer that may never be kept (a form with the visitor's token,
    /// an answer setting a cookie, an error): as [`Flight::not_kept`], and for [`MAX_AGE`] the
    /// requests for this page render it each on their own instead of waiting for one another.
    pub(crate) fn not_storable(&self) {
        self.not_kept();
        self.cache
            .lock()
            .passes
            .put(self.key.clone(), Instant::now());
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        self.cache.lock().flights.remove(&self.key);
    }
}

#[derive(Debug)]
struct Inner {
    pages: LruCache<String, Arc<Entry>>,
    /// The pages being rendered now, each by one request ([`Flight`]); the others asking for
    /// the same page wait for it (or, while it renders an expired page again, get that page).
    flights: std::collections::HashMap<String, tokio::sync::watch::Receiver<()>>,
    /// Pages whose last answer could not be kept, and since when: for [`MAX_AGE`] their
    /// requests neither wait nor make others wait ([`Lookup::Pass`]).
    passes: LruCache<String, Instant>,
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
    /// Bytes of kept bodies this server sent from their files ([`sendfile::Listener`]).
    sent_from_files: Arc<AtomicU64>,
}

impl PageCache {
    /// A cache that holds at most `budget` bytes of pages (all codings counted); 0 turns it off.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner {
                pages: LruCache::unbounded(),
                flights: std::collections::HashMap::new(),
                passes: LruCache::new(PASSES_KEPT),
                bytes: 0,
                generation: 0,
                seen: 0,
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            clears: AtomicU64::new(0),
            sent_from_files: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The counter this server's connections add the bytes they send from files to.
    pub fn sent_from_files(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.sent_from_files)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The largest page kept: an eighth of the budget.
    fn max_entry(&self) -> usize {
        self.budget / 8
    }

    /// What a request for `key` should do: answer a kept page, render it (one request per
    /// page at a time), or wait for the request rendering it. A page older than [`MAX_AGE`] is
    /// rendered again by one request while the others are still answered with it, so a busy
    /// page never sends a crowd of requests to render it at once (each render costs a core
    /// several milliseconds and the compressors' memory).
    pub(crate) fn lookup(self: &Arc<Self>, key: &str) -> Lookup {
        let mut inner = self.lock();
        let kept = inner.pages.get(key).cloned();
        // The hot path, a fresh page, reads the clock once and nothing else.
        let age = kept.as_ref().map(|entry| entry.stored.elapsed());
        if let (Some(entry), Some(age)) = (&kept, age)
            && age <= MAX_AGE
        {
            return Lookup::Kept(Arc::clone(entry));
        }
        if kept.is_none()
            && let Some(since) = inner.passes.get(key)
        {
            if since.elapsed() <= MAX_AGE {
                return Lookup::Pass;
            }
            inner.passes.pop(key);
        }
        match (kept, inner.flights.get(key).cloned()) {
            // While one request renders an expired page again the others get that page, but
            // not for longer than a waiting request would wait: past that they wait too.
            (Some(entry), Some(_)) if age.is_some_and(|a| a <= MAX_AGE + Flight::WAIT_AT_MOST) => {
                Lookup::Kept(entry)
            }
            (_, Some(rendering)) => Lookup::Wait(rendering),
            (stale, None) => {
                let (done, rendering) = tokio::sync::watch::channel(());
                inner.flights.insert(key.to_owned(), rendering);
                Lookup::Render(Arc::new(Flight {
                    cache: Arc::clone(self),
                    key: key.to_owned(),
                    replaces_stale: stale.is_some(),
                    _done: done,
                }))
            }
        }
    }

    /// Drops the page kept under `key` (an expired page whose new render may not be kept).
    fn forget(&self, key: &str) {
        let mut inner = self.lock();
        let gone = inner.pages.pop(key);
        if let Some(old) = &gone {
            inner.bytes -= old.size;
        }
        drop(inner);
        drop(gone);
    }

    /// The page kept under `key` if it is fresh; an expired page stays for [`PageCache::lookup`]
    /// to answer while it is rendered again.
    pub(crate) fn fresh(&self, key: &str) -> Option<Arc<Entry>> {
        let mut inner = self.lock();
        let entry = inner.pages.get(key)?;
        (entry.stored.elapsed() <= MAX_AGE).then(|| Arc::clone(entry))
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let mut inner = self.lock();
        let entry = inner.pages.get(key)?.clone();
        if entry.stored.elapsed() > MAX_AGE {
            let gone = inner.pages.pop(key);
            inner.bytes -= entry.size;
            drop(inner);
            drop(gone);
            return None;
        }
        Some(entry)
    }

    /// Rises with every clear: whenever this node sees the change feed move. What is derived
    /// from the database and kept ([`memo::Memo`]) is stamped with it.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps `entry` unless the cache was cleared since `generation` or the page is too large,
    /// evicting to the budget; whether it was kept.
    fn put(&self, key: String, entry: Arc<Entry>, generation: u64) -> bool {
        if entry.size > self.max_entry() {
            return false;
        }
        // Pages let go are dropped after the lock: the last drop of a body sent from a file
        // closes that file.
        let mut gone = Vec::new();
        let mut inner = self.lock();
        if inner.generation != generation {
            return false;
        }
        inner.bytes += entry.size;
        if let Some(old) = inner.pages.put(key, entry) {
            inner.bytes -= old.size;
            gone.push(old);
        }
        while inner.bytes > self.budget {
            let Some((_, old)) = inner.pages.pop_lru() else {
                break;
            };
            inner.bytes -= old.size;
            self.evictions.fetch_add(1, Ordering::Relaxed);
            gone.push(old);
        }
        drop(inner);
        drop(gone);
        true
    }

    /// Drops every page (a later render of one that began before this is not kept).
    pub fn clear(&self) {
        let gone = {
            let mut inner = self.lock();
            inner.generation += 1;
            self.emptied(&mut inner)
        };
        drop(gone);
    }

    /// Empties `inner` and returns its pages, for the caller to drop after the lock (closing
    /// the files of bodies sent with sendfile waits for no request).
    fn emptied(&self, inner: &mut Inner) -> LruCache<String, Arc<Entry>> {
        inner.bytes = 0;
        self.clears.fetch_add(1, Ordering::Relaxed);
        std::mem::replace(&mut inner.pages, LruCache::unbounded())
    }

    /// Clears the cache if the change feed has moved past the last position seen.
    pub async fn catch_up(&self, store: &Store) {
        match gongkai_store::feed::latest(store).await {
            Ok(latest) => {
                let gone = {
                    let mut inner = self.lock();
                    if latest <= inner.seen {
                        return;
                    }
                    inner.seen = latest;
                    inner.generation += 1;
                    self.emptied(&mut inner)
                };
                drop(gone);
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
                "gongkai_page_cache_sendfile_bytes_total",
                "counter",
                "Bytes of kept pages sent from their memory files with sendfile, not copied.",
                self.sent_from_files.load(Ordering::Relaxed),
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
    fn a_body_is_mirrored_only_while_the_page_fits_the_largest_entry() {
        // Hardly compressible text: the identity body alone is over the mirroring threshold.
        let text: String = (0..6000u32)
            .map(|i| char::from_u32(0x4E00 + (i * 7919) % 20000).unwrap_or('字'))
            .collect();
        let body = Bytes::from(text);
        let entry = |max| match Entry::new(1, HeaderMap::new(), body.clone(), max) {
            Ok(e) => e,
            Err(e) => panic!("{e}"),
        };
        let roomy = entry(usize::MAX);
        assert!(sendfile::is_mirrored(&roomy.bodies[0]));
        assert_eq!(roomy.bodies[0], body, "the same bytes");
        let plain = roomy.bodies.iter().map(Bytes::len).sum::<usize>() + 1 + 1536;
        let file = sendfile::file_size(body.len());
        assert!(file >= body.len());
        assert!(roomy.size >= plain + file, "the file is counted");
        // Just too little room for the identity body's file: it is kept plain, within the limit.
        let tight = entry(plain + file - 1);
        assert!(!sendfile::is_mirrored(&tight.bodies[0]));
        assert!(tight.size < plain + file);
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
        match Entry::new(
            10,
            HeaderMap::new(),
            Bytes::from_static(body.as_bytes()),
            usize::MAX,
        ) {
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

    #[test]
    fn one_request_renders_a_missing_page_while_the_others_wait() {
        let cache = Arc::new(PageCache::new(DEFAULT_BUDGET));
        let Lookup::Render(flight) = cache.lookup("p") else {
            panic!("the first request renders");
        };
        let Lookup::Wait(rendering) = cache.lookup("p") else {
            panic!("a second request waits for that render");
        };
        assert!(
            matches!(cache.lookup("q"), Lookup::Render(_)),
            "other pages are not held up"
        );
        cache.put("p".into(), entry("页"), cache.generation());
        drop(flight);
        assert!(
            rendering.has_changed().is_err(),
            "the waiting request is woken"
        );
        assert!(matches!(cache.lookup("p"), Lookup::Kept(_)));
    }

    #[test]
    fn an_expired_page_is_answered_while_one_request_renders_it_again() {
        let cache = Arc::new(PageCache::new(DEFAULT_BUDGET));
        let mut old = Entry::new(
            1,
            HeaderMap::new(),
            Bytes::from_static("旧".as_bytes()),
            usize::MAX,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        old.stored = Instant::now()
            .checked_sub(MAX_AGE + Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        cache.put("p".into(), Arc::new(old), cache.generation());
        let Lookup::Render(flight) = cache.lookup("p") else {
            panic!("the first request after expiry renders the page again");
        };
        assert!(flight.replaces_stale);
        assert!(
            matches!(cache.lookup("p"), Lookup::Kept(_)),
            "meanwhile the others get the expired page"
        );
        // The new render could not be kept (say the page now sets a cookie): the expired page
        // is not answered any longer.
        flight.not_kept();
        drop(flight);
        assert!(matches!(cache.lookup("p"), Lookup::Render(_)));
    }

    #[test]
    fn a_page_that_could_not_be_kept_makes_nobody_wait() {
        let cache = Arc::new(PageCache::new(DEFAULT_BUDGET));
        let Lookup::Render(flight) = cache.lookup("form") else {
            panic!("the first request renders");
        };
        flight.not_storable();
        drop(flight);
        assert!(matches!(cache.lookup("form"), Lookup::Pass));
        assert!(
            matches!(cache.lookup("form"), Lookup::Pass),
            "nor does anyone start a flight"
        );
        assert!(matches!(cache.lookup("page"), Lookup::Render(_)));
    }

    #[test]
    fn brotli_keeps_its_window_to_the_body() {
        let body = "政务公开".repeat(2000);
        let packed = brotli_compress(body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut packed.as_slice(), &mut unpacked)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unpacked, body.as_bytes());
        assert!(packed.len() < body.len() / 10);
    }
}
