//! The cache of rendered public pages over real HTTP, on both engines: a second visit is
//! answered from memory with the same bytes, sent from the page's memory file (gzip and brotli
//! decode to the page), validators
//! answer 304, a publication, a correction and a withdrawal each change the kept record page and
//! list at once, no kept page carries another visitor's CSRF token, and staff go past the cache.

use std::io::Read;

use crate::support;

use gongkai_store::testing::ENGINES;
use reqwest::{StatusCode, header};
use support::records::{public_path, publish_via};
use support::{App, Session, header, must};

/// A counter or gauge from `/metrics`.
async fn metric(app: &App, name: &str) -> u64 {
    let text = app.page("/metrics").await;
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// A visitor without cookies asking in `encoding`; the raw answer.
async fn get_raw(app: &App, path: &str, encoding: &str) -> reqwest::Response {
    let c = reqwest::Client::new();
    must(
        c.get(format!("{}{path}", app.base))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
            .await,
    )
}

async fn page(app: &App, path: &str) -> String {
    must(get_raw(app, path, "identity").await.text().await)
}

/// Publishes a long notice, as most record pages are (over 8 KiB, so it is sent from a file);
/// its public path.
async fn publish_long(app: &App, editor: &Session, reviewer: &Session, title: &str) -> String {
    let body: String = (1..=60)
        .map(|n| {
            format!(
                "<p>第{n}条　为做好政务公开工作，各单位应当按照规定及时、准确地公开政府信息。</p>"
            )
        })
        .collect();
    public_path(&publish_via(app, editor, reviewer, title, vec![("body", body)]).await)
}

#[tokio::test]
async fn a_second_visit_is_answered_from_memory_in_every_encoding() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let path = publish_long(&app, &editor, &reviewer, "缓存测试通知").await;

        let hits = metric(&app, "gongkai_page_cache_hits_total").await;
        let first = get_raw(&app, &path, "identity").await;
        assert_eq!(first.status(), StatusCode::OK, "{engine:?}");
        assert!(
            first.headers().get(header::SET_COOKIE).is_none(),
            "no form, no cookie"
        );
        let etag = header(&first, header::ETAG);
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "strong: {etag}"
        );
        assert_eq!(
            header(&first, header::CACHE_CONTROL),
            "public, max-age=1, must-revalidate"
        );
        assert!(header(&first, header::VARY).contains("accept-encoding"));
        assert!(!header(&first, header::LAST_MODIFIED).is_empty());
        assert!(!header(&first, header::CONTENT_SECURITY_POLICY).is_empty());
        let body = must(first.bytes().await);
        assert!(String::from_utf8_lossy(&body).contains("缓存测试通知"));

        let from_files = metric(&app, "gongkai_page_cache_sendfile_bytes_total").await;
        let second = get_raw(&app, &path, "identity").await;
        assert_eq!(header(&second, header::ETAG), etag);
        assert_eq!(must(second.bytes().await), body, "the same bytes");
        // A kept page of 8 KiB or more goes out from its memory file, not copied.
        assert!(body.len() >= 8192, "a record page is {} bytes", body.len());
        assert!(
            metric(&app, "gongkai_page_cache_sendfile_bytes_total").await
                >= from_files + body.len() as u64,
            "{engine:?}: the second visit's body was sent with sendfile"
        );
        assert_eq!(
            metric(&app, "gongkai_page_cache_hits_total").await,
            hits + 1,
            "{engine:?}: the second visit is a hit"
        );

        let gz = get_raw(&app, &path, "gzip").await;
        assert_eq!(header(&gz, header::CONTENT_ENCODING), "gzip");
        let mut unzipped = Vec::new();
        must(flate2::read::GzDecoder::new(&must(gz.bytes().await)[..]).read_to_end(&mut unzipped));
        assert_eq!(unzipped, body);

        let br = get_raw(&app, &path, "gzip, deflate, br").await;
        assert_eq!(header(&br, header::CONTENT_ENCODING), "br");
        let br_tag = header(&br, header::ETAG);
        assert_ne!(br_tag, etag, "each encoding has its own strong tag");
        let mut unbrotli = Vec::new();
        must(
            brotli::Decompressor::new(&must(br.bytes().await)[..], 4096).read_to_end(&mut unbrotli),
        );
        assert_eq!(unbrotli, body);

        let c = reqwest::Client::new();
        for tag in [&etag, &br_tag] {
            let r = must(
                c.get(format!("{}{path}", app.base))
                    .header(header::IF_NONE_MATCH, tag.as_str())
                    .send()
                    .await,
            );
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{engine:?} {tag}");
            assert!(must(r.bytes().await).is_empty());
        }
        let r = must(
            c.get(format!("{}{path}", app.base))
                .header(header::IF_NONE_MATCH, "\"something-else\"")
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::OK);

        // The display mode is part of the key.
        let care = must(
            c.get(format!("{}{path}", app.base))
                .header(header::COOKIE, "gk_care=1")
                .send()
                .await,
        );
        assert_ne!(
            header(&care, header::ETAG),
            etag,
            "关怀模式 is another page"
        );
    }
}

/// The head of one HTTP/1.1 answer at the start of `bytes`: its status line and `Content-Length`,
/// and where its body starts.
fn answer_head(bytes: &[u8]) -> (String, usize, usize) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {:?}", String::from_utf8_lossy(bytes)))
        + 4;
    let head = String::from_utf8_lossy(&bytes[..end]).to_string();
    let status = head.lines().next().unwrap_or_default().to_owned();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no content-length in {head}"));
    (status, length, end)
}

#[tokio::test]
async fn a_head_and_pipelined_gets_of_a_page_sent_from_its_file_keep_the_connection_in_step() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let path = publish_long(&app, &editor, &reviewer, "流水线测试通知").await;
        let page = must(get_raw(&app, &path, "identity").await.bytes().await);
        assert!(page.len() >= 8192, "{} bytes", page.len());
        let from_files = metric(&app, "gongkai_page_cache_sendfile_bytes_total").await;

        // A HEAD, then two GETs, in one write on one connection.
        let host = app.base.trim_start_matches("http://");
        let mut tcp = must(tokio::net::TcpStream::connect(host).await);
        let ask = |method: &str, last: bool| {
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n{}\r\n",
                if last { "Connection: close\r\n" } else { "" }
            )
        };
        let requests = ask("HEAD", false) + &ask("GET", false) + &ask("GET", true);
        must(tcp.write_all(requests.as_bytes()).await);
        let mut got = Vec::new();
        must(
            tokio::time::timeout(
                std::time::Duration::from_secs(10),
                tcp.read_to_end(&mut got),
            )
            .await
            .unwrap_or_else(|_| panic!("{engine:?}: the answers did not end")),
        );

        let (status, length, at) = answer_head(&got);
        assert_eq!(status, "HTTP/1.1 200 OK", "{engine:?}: HEAD");
        assert_eq!(length, page.len(), "HEAD tells the length");
        let mut rest = &got[at..];
        for n in 1..=2 {
            let (status, length, at) = answer_head(rest);
            assert_eq!(status, "HTTP/1.1 200 OK", "{engine:?}: GET {n}");
            assert_eq!(length, page.len());
            assert!(
                rest[at..at + length] == page[..],
                "{engine:?}: GET {n} carries the page exactly (the HEAD sent no body)"
            );
            rest = &rest[at + length..];
        }
        assert!(rest.is_empty(), "{engine:?}: nothing after the last answer");
        assert!(
            metric(&app, "gongkai_page_cache_sendfile_bytes_total").await
                >= from_files + 2 * page.len() as u64,
            "{engine:?}: both GETs went out from the file"
        );
    }
}

#[tokio::test]
async fn publication_correction_and_withdrawal_change_the_kept_pages_at_once() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let first = publish_via(&app, &editor, &reviewer, "第一份缓存通知", vec![]).await;
        let path = public_path(&first);
        for p in ["/xxgk/list", "/", path.as_str()] {
            page(&app, p).await;
            page(&app, p).await;
        }
        let hits = metric(&app, "gongkai_page_cache_hits_total").await;
        assert!(hits >= 3, "{engine:?}: the pages are kept ({hits} hits)");

        // A publication shows on the kept list at once.
        publish_via(&app, &editor, &reviewer, "第二份缓存通知", vec![]).await;
        let list = page(&app, "/xxgk/list").await;
        assert!(list.contains("第二份缓存通知"), "{engine:?}: {list}");

        // A correction, once its reviewer approves it, shows on the kept record page and list.
        let fields = [
            ("title", "第一份缓存通知（更正）"),
            ("kind", "notice"),
            ("theme", "综合政务\\政务公开"),
            ("body", "更正后的正文。"),
            ("columns", "tzgg"),
            ("change_note", "更正标题"),
        ];
        page(&app, &path).await;
        let r = editor
            .post(&format!("/admin/records/{}/revise", first.id), &fields)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let r = reviewer
            .post(
                &format!("/admin/records/{}/correction", first.id),
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let shown = page(&app, &path).await;
        assert!(
            shown.contains("第一份缓存通知（更正）") && shown.contains("更正后的正文"),
            "{engine:?}: {shown}"
        );
        assert!(
            page(&app, "/xxgk/list")
                .await
                .contains("第一份缓存通知（更正）")
        );

        // A withdrawal marks the kept page and drops the record from the kept list at once.
        let r = reviewer
            .post(
                &format!("/admin/records/{}/withdraw", first.id),
                &[("reason", "缓存撤回测试")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let shown = page(&app, &path).await;
        assert!(shown.contains("本信息已撤回"), "{engine:?}: {shown}");
        let list = page(&app, "/xxgk/list").await;
        assert!(
            !list.contains("第一份缓存通知") && list.contains("第二份缓存通知"),
            "{engine:?}: {list}"
        );
    }
}

#[tokio::test]
async fn no_kept_page_carries_another_visitors_token_and_staff_go_past() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let rec = publish_via(&app, &editor, &reviewer, "令牌测试通知", vec![]).await;
        let path = public_path(&rec);
        let (a, b) = (
            Session::anonymous(&app).await,
            Session::anonymous(&app).await,
        );
        assert_ne!(a.token, b.token);
        for p in [
            "/",
            path.as_str(),
            "/xxgk/list",
            "/ysqgk/apply",
            "/hudong/write",
        ] {
            let seen_by_a = a.get_text(p).await;
            let seen_by_b = b.get_text(p).await;
            assert!(
                !seen_by_b.contains(&a.token) && !seen_by_a.contains(&b.token),
                "{engine:?}: {p} carries another visitor's token"
            );
        }
        // A form page is the visitor's own: never kept, and it sets the cookie for a new visitor.
        let misses = metric(&app, "gongkai_page_cache_misses_total").await;
        let hits = metric(&app, "gongkai_page_cache_hits_total").await;
        let form = get_raw(&app, "/ysqgk/apply", "identity").await;
        assert!(header(&form, header::SET_COOKIE).starts_with("gk_csrf="));
        assert!(header(&form, header::CACHE_CONTROL).contains("no-cache"));
        assert_eq!(
            metric(&app, "gongkai_page_cache_hits_total").await,
            hits,
            "{engine:?}: a form is never answered from memory"
        );
        assert_eq!(
            metric(&app, "gongkai_page_cache_misses_total").await,
            misses + 1
        );

        // Staff (a session cookie) go past the cache both ways.
        let (hits, misses) = (
            metric(&app, "gongkai_page_cache_hits_total").await,
            metric(&app, "gongkai_page_cache_misses_total").await,
        );
        for _ in 0..2 {
            let r = editor.get(&path).await;
            assert_eq!(r.status(), StatusCode::OK);
        }
        assert_eq!(
            (
                metric(&app, "gongkai_page_cache_hits_total").await,
                metric(&app, "gongkai_page_cache_misses_total").await
            ),
            (hits, misses),
            "{engine:?}: staff requests bypass the cache"
        );
    }
}

#[tokio::test]
async fn a_crowd_asking_for_a_page_not_kept_renders_it_once() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let rec = publish_via(&app, &editor, &reviewer, "人群同时访问的通知", vec![]).await;
        let path = public_path(&rec);
        let misses = metric(&app, "gongkai_page_cache_misses_total").await;
        let crowd: Vec<_> = (0..32)
            .map(|_| {
                let (base, path) = (app.base.clone(), path.clone());
                tokio::spawn(async move {
                    must(reqwest::get(format!("{base}{path}")).await)
                        .text()
                        .await
                })
            })
            .collect();
        for visitor in crowd {
            let page = must(must(visitor.await));
            assert!(
                page.contains("人群同时访问的通知"),
                "{engine:?}: every visitor gets the page"
            );
        }
        // One render serves them all; a render slower than a waiting request's 5 s on a busy
        // machine may add one more, never one each.
        let rendered = metric(&app, "gongkai_page_cache_misses_total").await - misses;
        assert!(
            (1..=2).contains(&rendered),
            "{engine:?}: {rendered} renders for 32 visitors"
        );
    }
}

#[tokio::test]
async fn a_crowd_at_a_form_each_gets_their_own_token_at_once() {
    for engine in ENGINES {
        let (app, _editor, _reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let mut visitors = Vec::new();
        for _ in 0..12 {
            visitors.push(Session::anonymous(&app).await);
        }
        let pages =
            futures_util::future::join_all(visitors.iter().map(|v| v.get_text("/ysqgk/apply")))
                .await;
        for (page, visitor) in pages.iter().zip(&visitors) {
            assert!(
                page.contains(&visitor.token),
                "{engine:?}: the form carries its visitor's token"
            );
            for other in visitors.iter().filter(|o| o.token != visitor.token) {
                assert!(
                    !page.contains(&other.token),
                    "{engine:?}: a form carries another visitor's token"
                );
            }
        }
    }
}
