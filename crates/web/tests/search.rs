//! Site search over HTTP, on both engines: what is published is found within a second (the
//! index follows the change feed), withdrawn records disappear, a typed 索引号 or 文号 jumps to
//! its record, odd input gets a normal page, and the JSON API answers with hits.

use crate::support;

use std::time::Duration;

use gongkai_store::testing::ENGINES;
use reqwest::StatusCode;
use support::records::{approve, draft, publish_via, record_id, submit};
use support::{Session, must, spawn_app};

#[tokio::test]
async fn published_records_are_found_within_a_second_and_withdrawn_ones_go() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let r = draft(
            &editor,
            "关于开展食品安全法宣传周活动的通知",
            &[
                ("doc_number", "乌财发〔2026〕21号"),
                (
                    "body",
                    "为贯彻落实食品安全法，定于下月开展宣传周活动。咨询电话由各乡镇公布。",
                ),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = record_id(&r);
        submit(&editor, id).await;
        assert_eq!(
            support::search_total(&app.base, "食品安全").await.0,
            0,
            "not public yet"
        );
        let reviewer = Session::login(&app, "reviewer").await;
        approve(&reviewer, id).await;
        let took = support::until_found(&app.base, "食品安全", 1).await.0;
        assert!(
            took < Duration::from_secs(1),
            "{engine:?}: found after {took:?}"
        );

        // A two-character word inside a longer word is found (exact substring, not segmentation).
        assert_eq!(support::search_total(&app.base, "安全法").await.0, 1);
        assert_eq!(support::search_total(&app.base, "宣传周 -食品").await.0, 0);
        let v: serde_json::Value = app
            .json("/api/v1/search?q=%E9%A3%9F%E5%93%81%E5%AE%89%E5%85%A8")
            .await;
        let hit = &v["hits"][0];
        assert_eq!(hit["organisation"], "乌恰县财政局");
        assert!(
            hit["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("/xxgk/WQX004-"))
        );
        assert!(
            hit["snippet"]
                .as_str()
                .is_some_and(|s| s.contains("<mark>"))
        );

        // A typed 索引号 or 文号 jumps to the record.
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        let index_no = rec.index_no.unwrap_or_default();
        let client = must(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build(),
        );
        for typed in [index_no.as_str(), "乌财发〔2026〕21号"] {
            let r = must(
                client
                    .get(format!(
                        "{}/search?q={}",
                        app.base,
                        gongkai_web::view::urls::urlencode(typed)
                    ))
                    .send()
                    .await,
            );
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{typed}");
            assert_eq!(
                r.headers()["location"],
                format!("/xxgk/{index_no}").as_str()
            );
        }

        // Withdrawn: gone from search within a second.
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/withdraw"),
                &[("reason", "活动取消")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let took = support::until_found(&app.base, "食品安全", 0).await.0;
        assert!(
            took < Duration::from_secs(1),
            "{engine:?}: still found after {took:?}"
        );
    }
}

#[tokio::test]
async fn odd_input_gets_a_normal_page_and_popular_searches_show_on_empty_results() {
    let app = spawn_app(gongkai_store::Engine::Sqlite, 1024 * 1024).await;
    let long = "政".repeat(2000);
    for q in [
        "",
        "\"未闭合的引号",
        "！！！。。。",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        long.as_str(),
    ] {
        let url = format!(
            "{}/search?q={}",
            app.base,
            gongkai_web::view::urls::urlencode(q)
        );
        let r = must(reqwest::get(url).await);
        assert_eq!(r.status(), StatusCode::OK, "{q:.20}");
        let html = must(r.text().await);
        support::assert_lacks(&html, "<script>alert(1)</script>", "echoed escaped");
        assert!(
            !html.contains("panicked") && !html.contains("Error"),
            "{html:.300}"
        );
        let api = must(
            reqwest::get(format!(
                "{}/api/v1/search?q={}",
                app.base,
                gongkai_web::view::urls::urlencode(q)
            ))
            .await,
        );
        assert_eq!(api.status(), StatusCode::OK);
        let v: serde_json::Value = must(api.json().await);
        assert!(v["total"].is_u64());
    }
    let html = app
        .page("/search?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E8%AF%8D&nojump=1")
        .await;
    assert!(html.contains("没有找到相关信息") && html.contains("浏览政务公开栏目"));
}

#[tokio::test]
async fn a_records_official_hotline_stays_searchable_as_written() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        app.set_setting(&gongkai_store::Actor::cli(), "phone", "0908-4520000")
            .await;
        let (editor, reviewer) = support::editor_and_reviewer(&app).await;
        let body = (
            "body",
            "供暖期间如遇问题，请拨打县长热线0908-4520000。".to_owned(),
        );
        publish_via(
            &app,
            &editor,
            &reviewer,
            "关于冬季供暖保障工作的通知",
            vec![body],
        )
        .await;
        support::until_found(&app.base, "供暖保障", 1).await;
        let url = format!(
            "{}/api/v1/search?q={}",
            app.base,
            gongkai_web::view::urls::urlencode("县长热线")
        );
        let body = must(must(reqwest::get(url).await).text().await);
        assert!(body.contains("0908-4520000"), "{engine:?}: {body}");
    }
}
