//! Many sites on one deployment (集约化), on both engines: a second county (阿图什, ATS001) beside
//! 乌恰 (WQX001). Each site answers for its own host name (and, on a shared host, under
//! `/site/{code}/`); every public page, feed, sitemap, search and API answer shows only its own
//! site, and another site's record, organisation or list is 404, never a page under the wrong
//! header.

use std::time::{Duration, Instant};

use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Role;
use gongkai_domain::site::HostName;
use gongkai_store::testing::{ENGINES, add_staff};
use gongkai_store::{Actor, sites};
use reqwest::StatusCode;
use reqwest::header::HOST;

use crate::support::records::{public_path, publish_via};
use crate::support::{App, Session, add_orgs, editor_and_reviewer, must, spawn_app};

const ATS_HOST: &str = "ats.example";

/// A GET as a visitor of `host` (`None`: the address the test server listens on, which no site
/// lists, so the default site answers).
async fn visit(app: &App, host: Option<&str>, path: &str) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(host) = host {
        req = req.header(HOST, host);
    }
    let resp = must(req.send().await);
    (resp.status(), must(resp.text().await))
}

async fn ok_page(app: &App, host: Option<&str>, path: &str) -> String {
    let (status, body) = visit(app, host, path).await;
    assert_eq!(status, StatusCode::OK, "{host:?} {path}");
    body
}

async fn missing(app: &App, host: Option<&str>, path: &str) {
    let (status, body) = visit(app, host, path).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{host:?} {path}: {body:.300}"
    );
}

/// The search API's total for `q` as seen from `host`.
async fn search_total(app: &App, host: Option<&str>, q: &str) -> u64 {
    let body = ok_page(app, host, &format!("/api/v1/search?q={q}")).await;
    let v: serde_json::Value = must(serde_json::from_str(&body));
    v["total"].as_u64().unwrap_or(u64::MAX)
}

/// Waits until the search follower has indexed what both sites published.
async fn until_indexed(app: &App, host: Option<&str>, q: &str) {
    let started = Instant::now();
    while search_total(app, host, q).await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{q} never indexed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn apply(app: &App, host: Option<&str>, org: &str) -> StatusCode {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/applications", app.base))
        .json(&serde_json::json!({
            "org": org, "applicant_kind": "natural", "name": "张三", "id_number": "11010519491231002X",
            "phone": "13912345678", "email": "zhangsan@example.com",
            "description": "2025年财政预算执行情况", "delivery": "email", "secret": "chaxun-123",
        }));
    if let Some(host) = host {
        req = req.header(HOST, host);
    }
    must(req.send().await).status()
}

#[tokio::test]
async fn each_site_shows_only_its_own_pages_feeds_search_and_api() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        add_orgs(
            &app.store,
            &[
                ("ATS001", "阿图什市人民政府", None),
                ("ATS002", "阿图什市财政局", Some("ATS001")),
            ],
        )
        .await;
        add_staff(
            &app.store,
            "ats_editor",
            "阿图什编辑",
            "ATS002",
            vec![Role::Editor],
        )
        .await;
        add_staff(
            &app.store,
            "ats_reviewer",
            "阿图什审核",
            "ATS002",
            vec![Role::Reviewer],
        )
        .await;
        let host = must(HostName::parse(ATS_HOST));
        let ats = must(OrgCode::parse("ATS001"));
        must(sites::add_host(&app.store, &Actor::cli(), &ats, &host).await);
        // A host belongs to one site: 乌恰 cannot claim it too.
        let wqx = must(OrgCode::parse("WQX001"));
        let taken = sites::add_host(&app.store, &Actor::cli(), &wqx, &host).await;
        assert_eq!(
            taken.err().map(|e| e.code()),
            Some("site.host_taken"),
            "{engine:?}"
        );
        // A site's own footer identity; the bare key stays the first site's.
        app.set_setting(&Actor::cli(), "icp", "新ICP备00000001号")
            .await;
        app.set_setting(&Actor::cli(), "icp.ATS001", "新ICP备00000002号")
            .await;

        let (editor, reviewer) = editor_and_reviewer(&app).await;
        let wqx_record =
            publish_via(&app, &editor, &reviewer, "乌恰县乡村振兴专项通知", vec![]).await;
        let ats_editor = Session::login(&app, "ats_editor").await;
        let ats_reviewer = Session::login(&app, "ats_reviewer").await;
        let ats_record = publish_via(
            &app,
            &ats_editor,
            &ats_reviewer,
            "阿图什市棉花补贴专项通知",
            vec![("org", "ATS002".to_owned())],
        )
        .await;
        let wqx_page = public_path(&wqx_record);
        let ats_page = public_path(&ats_record);
        assert!(
            ats_page.starts_with("/xxgk/ATS002"),
            "{engine:?}: {ats_page}"
        );

        for (host, own, own_title, own_org, other, other_title, other_org, other_icp) in [
            (
                None,
                &wqx_page,
                "乌恰县乡村振兴专项通知",
                "WQX004",
                &ats_page,
                "阿图什市棉花补贴专项通知",
                "ATS002",
                "新ICP备00000002号",
            ),
            (
                Some(ATS_HOST),
                &ats_page,
                "阿图什市棉花补贴专项通知",
                "ATS002",
                &wqx_page,
                "乌恰县乡村振兴专项通知",
                "WQX004",
                "新ICP备00000001号",
            ),
        ] {
            let ctx = format!("{engine:?} {host:?}");
            // The record page under its own header; the other site's is not found.
            let page = ok_page(&app, host, own).await;
            assert!(page.contains(own_title), "{ctx}");
            assert!(!page.contains(other_icp), "{ctx}: another site's footer");
            missing(&app, host, other).await;
            missing(&app, host, &format!("/xxgk/list?org={other_org}")).await;
            missing(&app, host, &format!("/xxgk/zhinan/{other_org}")).await;
            missing(&app, host, &format!("/feeds/org/{other_org}.xml")).await;
            missing(
                &app,
                host,
                &format!("/api/v1{}", other.replace("/xxgk/", "/records/")),
            )
            .await;
            // Listings, home, feeds and the sitemap hold only the site's own records.
            let list = ok_page(&app, host, &format!("/xxgk/list?org={own_org}")).await;
            assert!(list.contains(own_title), "{ctx}");
            for path in [
                "/",
                "/xxgk/",
                "/xxgk/list",
                "/feeds/lanmu/tzgg.xml",
                "/sitemap.xml",
                "/api/v1/records",
            ] {
                let body = ok_page(&app, host, path).await;
                assert!(
                    !body.contains(other_title),
                    "{ctx} {path} shows the other site's record"
                );
            }
            assert!(
                ok_page(&app, host, "/sitemap.xml")
                    .await
                    .contains(own.as_str()),
                "{ctx}"
            );
            // Organisations: the tree, the forms and the API offer only the site's own.
            for path in [
                "/jigou",
                "/ysqgk/apply",
                "/hudong/write",
                "/search/advanced",
                "/api/v1/organisations",
            ] {
                let body = ok_page(&app, host, path).await;
                assert!(body.contains(own_org), "{ctx} {path}");
                assert!(
                    !body.contains(other_org),
                    "{ctx} {path} offers the other site's organisation"
                );
            }
            // Search finds the site's own record and never the other's.
            until_indexed(&app, host, own_title).await;
            assert_eq!(search_total(&app, host, other_title).await, 0, "{ctx}");
            // A submission names only the site's own organisations.
            assert_eq!(
                apply(&app, host, other_org).await,
                StatusCode::BAD_REQUEST,
                "{ctx}"
            );
            assert_eq!(
                apply(&app, host, own_org).await,
                StatusCode::CREATED,
                "{ctx}"
            );
        }
        let ats_home = ok_page(&app, Some(ATS_HOST), "/").await;
        assert!(
            ats_home.contains("阿图什市人民政府"),
            "{engine:?}: the site's own name"
        );
        assert!(
            ats_home.contains("新ICP备00000002号"),
            "{engine:?}: the site's own ICP"
        );

        // On a shared host, /site/ATS001/ is 阿图什, with every link kept under the prefix.
        let prefixed = ok_page(&app, None, &format!("/site/ATS001{ats_page}")).await;
        // Links keep the prefix; shared assets do not.
        crate::support::assert_has_all(
            &prefixed,
            &[
                "阿图什市棉花补贴专项通知",
                "href=\"/site/ATS001/xxgk/",
                "href=\"/static/",
            ],
        );
        missing(&app, None, &format!("/site/ATS001{wqx_page}")).await;
        missing(&app, None, "/site/NOPE01/").await;
        missing(&app, None, "/site/WQX004/").await;
        // A redirect stays on the prefixed site: an exact 索引号 typed into search jumps to its
        // record under the prefix.
        let client = must(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build(),
        );
        let index_no = ats_record.index_no.clone().unwrap_or_default();
        let r = must(
            client
                .get(format!("{}/site/ATS001/search?q={index_no}", app.base))
                .send()
                .await,
        );
        assert!(r.status().is_redirection(), "{engine:?}: {}", r.status());
        let to = r.headers()["location"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(to, format!("/site/ATS001{ats_page}"), "{engine:?}");
        // The host table follows removal: the host then shows the default site.
        must(sites::remove_host(&app.store, &Actor::cli(), &host).await);
        let started = Instant::now();
        while visit(&app, Some(ATS_HOST), &ats_page).await.0 != StatusCode::NOT_FOUND {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{engine:?}: host still mapped"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
