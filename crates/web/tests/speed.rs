//! The uncached path, on both engines: the site's header and footer are computed once and kept
//! until the change feed moves (a setting written by another process shows within a second), and
//! 热门搜索 is counted in memory and written by the flush, not by the search request. Static
//! assets are linked by fingerprinted URLs and served as immutable.

use std::time::Duration;

use crate::support;

use gongkai_store::Actor;
use gongkai_store::testing::ENGINES;
use support::{App, Session, header, must, spawn_app_with};

#[tokio::test]
async fn a_footer_setting_shows_on_the_next_uncached_page_within_a_second() {
    for engine in ENGINES {
        // No page cache: every page is rendered, so only the kept site context could be stale.
        let app = spawn_app_with(engine, |c| c.page_cache_bytes = 0).await;
        // This node has seen the feed as it stands (the fixture's organisations wrote to it).
        app.state.cache.catch_up(&app.store).await;
        let before = app.page("/xxgk/").await;
        assert!(!before.contains("新ICP备"), "{engine:?}");
        let loads = app.state.sites.loads();
        app.page("/").await;
        app.page("/xxgk/list").await;
        assert_eq!(
            app.state.sites.loads(),
            loads,
            "{engine:?}: pages without a change reuse the kept context"
        );

        // Written straight to the store, as `gongkai site set` or another node would: only
        // the change feed tells this node.
        app.set_setting(&Actor::cli(), "icp", "新ICP备12345678号-1")
            .await;
        let shown = async || {
            let page = app.page("/xxgk/").await;
            page.contains("ICP备案号：新ICP备12345678号-1")
        };
        let stale = format!("{engine:?}: the footer still shows the old value");
        support::wait_until(&stale, Duration::from_secs(1), shown).await;
        assert!(app.state.sites.loads() > loads, "{engine:?}: loaded again");

        // A renamed theme is a feed row too: record pages and lists name it within a second.
        let code = must(gongkai_domain::org::OrgCode::parse("WQX001"));
        let site = must(gongkai_store::orgs::by_code(&app.store, &code).await);
        let theme = must(gongkai_web::site::themes_of(&app.state, site.id).await)[0].clone();
        must(
            gongkai_store::themes::rename(
                &app.store,
                &Actor::cli(),
                site.id,
                &theme.code,
                "改名主题",
            )
            .await,
        );
        let renamed = async || {
            let themes = must(gongkai_web::site::themes_of(&app.state, site.id).await);
            themes[0].name == "改名主题"
        };
        let stale = format!("{engine:?}: the old theme name is still kept");
        support::wait_until(&stale, Duration::from_secs(1), renamed).await;

        // A change made through this node (the back office) shows on the very next page.
        let admin = support::Session::login(&app, "admin").await;
        let r = admin
            .post(
                "/admin/orgs/WQX004/phone",
                &[("public_phone", "0908-4521234")],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{engine:?}");
        let loads = app.state.sites.loads();
        app.page("/").await;
        assert_eq!(
            app.state.sites.loads(),
            loads + 1,
            "{engine:?}: the organisation change dropped the kept context at once"
        );
    }
}

#[tokio::test]
async fn popular_searches_are_counted_in_memory_and_written_by_the_flush() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, |_| {}).await;
        let (editor, reviewer) = support::editor_and_reviewer(&app).await;
        support::records::publish_via(&app, &editor, &reviewer, "关于供暖保障的通知", vec![]).await;
        support::until_found(&app.base, "供暖保障", 1).await;
        for _ in 0..3 {
            app.page("/api/v1/search?q=%E4%BE%9B%E6%9A%96%E4%BF%9D%E9%9A%9C")
                .await;
        }
        let county = must(gongkai_domain::org::OrgCode::parse("WQX001"));
        let county = must(gongkai_store::orgs::by_code(&app.store, &county).await).id;
        let stored = |app: &App| {
            let store = app.store.clone();
            async move {
                let n: Option<i64> = sqlx::query_scalar(
                    "SELECT hits FROM site_search_queries WHERE site_id = $1 AND query = $2",
                )
                .bind(county)
                .bind("供暖保障")
                .fetch_optional(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
                n.unwrap_or(0)
            }
        };
        // The counts wait in memory (or were just written by the periodic flush).
        let pending = app.state.popular.pending(county, "供暖保障");
        assert!(
            pending + stored(&app).await >= 3,
            "{engine:?}: every search counted"
        );
        must(app.state.popular.write(&app.store).await);
        assert_eq!(app.state.popular.pending(county, "供暖保障"), 0);
        let hits = stored(&app).await;
        // until_found searched too; the three API searches are among the counts.
        assert!(hits >= 3, "{engine:?}: {hits}");
        must(app.state.popular.write(&app.store).await);
        assert_eq!(
            stored(&app).await,
            hits,
            "{engine:?}: counts are written once"
        );
        let popular = must(gongkai_store::records::popular_searches(&app.store, county, 10).await);
        assert!(popular.contains(&"供暖保障".to_owned()), "{popular:?}");
    }
}

/// The `attr="…"` value that starts with `prefix` in `html`.
fn link_starting(html: &str, attr: &str, prefix: &str) -> String {
    let start = format!("{attr}=\"{prefix}");
    let Some(at) = html.find(&start) else {
        panic!("no {attr} starting {prefix}");
    };
    let rest = &html[at + attr.len() + 2..];
    rest[..rest.find('"').unwrap_or(rest.len())].to_owned()
}

/// Whether `url` is `/static/<stem>.<16 hex>.<ext>`.
fn fingerprinted(url: &str, stem: &str, ext: &str) -> bool {
    url.strip_prefix(&format!("/static/{stem}."))
        .and_then(|r| r.strip_suffix(&format!(".{ext}")))
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn get_with(url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    must(req.send().await)
}

#[tokio::test]
async fn static_assets_are_linked_by_fingerprint_and_served_as_immutable() {
    let app = spawn_app_with(gongkai_store::Engine::Sqlite, |_| {}).await;
    let css = include_bytes!("../static/site.css");
    let home = app.page("/").await;
    let css_url = link_starting(&home, "href", "/static/site.");
    let icon_url = link_starting(&home, "href", "/static/favicon.");
    assert!(fingerprinted(&css_url, "site", "css"), "{css_url}");
    assert!(fingerprinted(&icon_url, "favicon", "svg"), "{icon_url}");
    assert!(
        !home.contains("\"/static/site.css\""),
        "no page links the plain name"
    );
    // The back office's editor script too.
    let editor = Session::login(&app, "editor").await;
    let form = editor.get_text("/admin/records/new").await;
    let js_url = link_starting(&form, "src", "/static/editor.");
    assert!(fingerprinted(&js_url, "editor", "js"), "{js_url}");

    // The fingerprinted URL: the bytes, kept a year and never revalidated, with a strong ETag.
    let r = get_with(
        &format!("{}{css_url}", app.base),
        &[("accept-encoding", "identity")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&r, "content-type").starts_with("text/css"));
    let tag = header(&r, "etag");
    assert!(tag.starts_with('"') && tag.len() > 10, "strong ETag: {tag}");
    assert_eq!(&must(r.bytes().await)[..], &css[..]);
    let r = get_with(
        &format!("{}{css_url}", app.base),
        &[("accept-encoding", "identity"), ("if-none-match", &tag)],
    )
    .await;
    assert_eq!(r.status(), 304);
    // Compressed once at start-up: brotli decodes to the same bytes, under its own ETag.
    let r = get_with(
        &format!("{}{css_url}", app.base),
        &[("accept-encoding", "br")],
    )
    .await;
    assert_eq!(header(&r, "content-encoding"), "br");
    assert_ne!(header(&r, "etag"), tag);
    let mut unbrotli = Vec::new();
    must(std::io::Read::read_to_end(
        &mut brotli::Decompressor::new(&must(r.bytes().await)[..], 4096),
        &mut unbrotli,
    ));
    assert_eq!(unbrotli, css);

    // A fingerprint that is not this asset's is not found: neither made up nor another asset's.
    let icon_hash = &icon_url["/static/favicon.".len()..icon_url.len() - ".svg".len()];
    for wrong in [
        "/static/site.0123456789abcdef.css".to_owned(),
        format!("/static/site.{icon_hash}.css"),
    ] {
        let r = get_with(&format!("{}{wrong}", app.base), &[]).await;
        assert_eq!(r.status(), 404, "{wrong}");
    }

    // The plain name still answers (pages and bookmarks from before), revalidated every time.
    let r = get_with(
        &format!("{}/static/site.css", app.base),
        &[("accept-encoding", "identity")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-cache");
    let plain_tag = header(&r, "etag");
    assert_eq!(&must(r.bytes().await)[..], &css[..]);
    let r = get_with(
        &format!("{}/static/site.css", app.base),
        &[
            ("accept-encoding", "identity"),
            ("if-none-match", &plain_tag),
        ],
    )
    .await;
    assert_eq!(r.status(), 304);
}

/// The "共 N 条" of the public list, as the page shows it.
fn shown_total(html: &str) -> i64 {
    let start = html.find("共 ").map(|i| i + "共 ".len()).unwrap_or(0);
    let digits: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(-1)
}

#[tokio::test]
async fn listing_totals_are_counted_once_and_follow_publication_and_withdrawal() {
    for engine in ENGINES {
        // No page cache: every list page is rendered, so only the kept totals could be stale.
        let app = spawn_app_with(engine, |c| c.page_cache_bytes = 0).await;
        let (editor, reviewer) = support::editor_and_reviewer(&app).await;
        let first =
            support::records::publish_via(&app, &editor, &reviewer, "第一份计数通知", vec![]).await;
        app.state.cache.catch_up(&app.store).await;
        let before = shown_total(&app.page("/xxgk/list").await);
        assert!(before >= 1, "{engine:?}: {before}");
        let loads = app.state.listings.loads();
        for path in ["/xxgk/list", "/xxgk/list?page=1", "/xxgk/"] {
            app.page(path).await;
        }
        // `/xxgk/` counts the same filter as the list and adds the site's years once.
        assert!(
            app.state.listings.loads() <= loads + 1,
            "{engine:?}: an unchanged listing is not counted again"
        );

        // A publication through this node shows in the total on the very next page.
        support::records::publish_via(&app, &editor, &reviewer, "第二份计数通知", vec![]).await;
        let list = app.page("/xxgk/list").await;
        assert_eq!(shown_total(&list), before + 1, "{engine:?}");
        assert!(list.contains("第二份计数通知"), "{engine:?}");

        // A withdrawal takes it off the total at once.
        let r = reviewer
            .post(
                &format!("/admin/records/{}/withdraw", first.id),
                &[("reason", "计数撤回测试")],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{engine:?}");
        assert_eq!(
            shown_total(&app.page("/xxgk/list").await),
            before,
            "{engine:?}: the withdrawn record left the total"
        );
    }
}
