//! The typed lists on the public side (`/xxgk/qingdan/`), on both engines: a published row is
//! shown masked and a draft is not; the list's filters; rows found by the site search; a 公示
//! row leaving the list, its page, the feed and the search once its period has ended (the end
//! planted in the past, then the jobs pass run); and section 二 of the annual report offering
//! the 行政许可 / 行政处罚 counted from the 执法公示 list.

use crate::support;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Utc};
use gongkai_domain::screening::Justification;
use gongkai_domain::time::beijing_date;
use gongkai_domain::typed_list::{Validity, builtin};
use gongkai_domain::user::Username;
use gongkai_store::testing::ENGINES;
use gongkai_store::typed_lists::{self, RowInput};
use gongkai_store::{Actor, orgs, reports, users};
use reqwest::StatusCode;
use support::{App, Session, assert_has_all, assert_lacks, must, spawn_app, wait_until};

async fn user_id(app: &App, name: &str) -> i64 {
    must(users::by_username(&app.store, &must(Username::parse(name))).await).id
}

async fn org_id(app: &App, code: &str) -> i64 {
    let code = must(gongkai_domain::org::OrgCode::parse(code));
    must(orgs::by_code(&app.store, &code).await).id
}

/// Writes a row of the list `code` as the editor; published by the reviewer when `publish`.
async fn row(app: &App, code: &str, cells: &[(&str, &str)], publish: bool) -> i64 {
    let schema = must(builtin::by_code(code).ok_or("no such list"));
    let raw: BTreeMap<String, String> = cells
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let cells = schema
        .check_row(&raw)
        .unwrap_or_else(|e| panic!("{code}: {e:?}"));
    let site = org_id(app, "WQX001").await;
    let input = RowInput {
        schema: &schema,
        cells: &cells,
        validity: Validity::Valid,
        default_org: org_id(app, "WQX004").await,
        scope: None,
    };
    let editor = user_id(app, "editor").await;
    let id = must(
        typed_lists::create(
            &app.store,
            &Actor::user("editor", ""),
            Some(editor),
            site,
            &input,
        )
        .await,
    );
    if publish {
        let actor = Actor::user("editor", "");
        must(typed_lists::submit(&app.store, &actor, editor, site, id).await);
        let reviewer = user_id(app, "reviewer").await;
        must(
            typed_lists::approve(
                &app.store,
                &Actor::user("reviewer", ""),
                reviewer,
                site,
                id,
                Justification::default(),
            )
            .await,
        );
    }
    id
}

fn beneficiary<'a>(kind: &'a str, name: &'a str, village: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", kind),
        ("name", name),
        ("village", village),
        ("amount", "1,240.50"),
    ]
}

#[tokio::test]
async fn public_lists_show_rows_masked_filter_them_and_drop_an_ended_gongshi() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let shown = row(
            &app,
            "jiuzhu",
            &beneficiary("城市低保", "王秀兰", "乌恰镇团结社区"),
            true,
        )
        .await;
        let draft = row(
            &app,
            "jiuzhu",
            &beneficiary("农村低保", "李四明", "康苏镇康苏村"),
            false,
        )
        .await;
        let licence = row(
            &app,
            "quanli",
            &[
                ("name", "食品经营许可"),
                ("kind", "行政许可"),
                ("basis", "《中华人民共和国食品安全法》第三十五条"),
                ("org", "WQX004"),
            ],
            true,
        )
        .await;
        let penalty = row(
            &app,
            "quanli",
            &[
                ("name", "对违反政府采购规定的处罚"),
                ("kind", "行政处罚"),
                ("basis", "《中华人民共和国政府采购法》第七十一条"),
                ("org", "WQX001"),
            ],
            true,
        )
        .await;

        // The index: lists with public rows and their counts.
        let index = app.page("/xxgk/qingdan/").await;
        assert_has_all(
            &index,
            &[
                "href=\"/xxgk/qingdan/jiuzhu\"",
                "救助对象公示",
                "（1 条，公示期 7 天）",
                "href=\"/xxgk/qingdan/quanli\"",
                "（2 条）",
            ],
        );
        assert_lacks(&index, "/xxgk/qingdan/banshi", "a list without public rows");
        assert!(
            app.page("/xxgk/").await.contains("/xxgk/qingdan/"),
            "{engine:?}: linked from 政府信息公开"
        );

        // A published row masked, a draft nowhere.
        let list = app.page("/xxgk/qingdan/jiuzhu").await;
        assert_has_all(
            &list,
            &[
                "王**",
                "公示期 7 天",
                "公示截止",
                "1,240.50",
                &format!("/xxgk/qingdan/jiuzhu/{shown}"),
            ],
        );
        assert_lacks(&list, "王秀兰", "a name is masked");
        assert_lacks(&list, "李四", "a draft is not public");
        let page = app.page(&format!("/xxgk/qingdan/jiuzhu/{shown}")).await;
        assert_has_all(&page, &["王**", "乌恰镇团结社区", "公示期", "救助类别"]);
        assert_lacks(&page, "王秀兰", "a name is masked on its page");
        let anonymous = Session::anonymous(&app).await;
        for path in [
            format!("/xxgk/qingdan/jiuzhu/{draft}"),
            format!("/xxgk/qingdan/quanli/{shown}"),
            "/xxgk/qingdan/jiuzhu/abc".to_owned(),
            "/xxgk/qingdan/nosuch".to_owned(),
        ] {
            assert_eq!(
                anonymous.get_status(&path).await,
                StatusCode::NOT_FOUND,
                "{engine:?}: {path}"
            );
        }

        // Filters: a choice field, an organisation, words.
        let licences = app
            .page("/xxgk/qingdan/quanli?kind=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF")
            .await;
        assert!(licences.contains(&format!("/xxgk/qingdan/quanli/{licence}")));
        assert_lacks(&licences, "政府采购", "another kind");
        let county = app.page("/xxgk/qingdan/quanli?org=WQX001").await;
        assert!(county.contains(&format!("/xxgk/qingdan/quanli/{penalty}")));
        assert_lacks(&county, "食品经营许可", "another organisation");
        let words = app.page("/xxgk/qingdan/quanli?q=%E9%87%87%E8%B4%AD").await;
        assert!(words.contains("共 <strong>1</strong> 条"), "{words}");
        assert!(words.contains("对违反政府采购规定的处罚"));

        // The site search finds public rows by their masked text, never by a masked-out name.
        support::until_found(&app.base, "团结社区", 1).await;
        let (_, hits) = support::search_total(&app.base, "团结社区").await;
        assert!(
            hits.contains(&format!("/xxgk/qingdan/jiuzhu/{shown}")),
            "{engine:?}: {hits}"
        );
        assert_eq!(support::search_total(&app.base, "王秀兰").await.0, 0);
        assert_eq!(support::search_total(&app.base, "康苏村").await.0, 0);
        let html = app
            .page("/search?q=%E5%9B%A2%E7%BB%93%E7%A4%BE%E5%8C%BA")
            .await;
        assert!(html.contains(&format!("/xxgk/qingdan/jiuzhu/{shown}")));
        let feed = app.page("/feeds/qingdan/jiuzhu.xml").await;
        assert!(feed.contains(&format!("/xxgk/qingdan/jiuzhu/{shown}")));

        // The 公示 ends: the end planted in the past, then the jobs pass records it.
        let past = gongkai_store::ts(Utc::now() - Duration::minutes(1));
        must(
            sqlx::query("UPDATE list_rows SET gongshi_until = $1 WHERE id = $2")
                .bind(past)
                .bind(shown)
                .execute(app.store.pool())
                .await,
        );
        assert_eq!(
            must(gongkai_jobs::schedule::end_gongshi(&app.store, Utc::now()).await),
            1
        );
        assert_eq!(
            must(gongkai_jobs::schedule::end_gongshi(&app.store, Utc::now()).await),
            0,
            "{engine:?}: recorded once"
        );
        wait_until(
            "the ended row leaves the search",
            std::time::Duration::from_secs(5),
            async || support::search_total(&app.base, "团结社区").await.0 == 0,
        )
        .await;
        assert_eq!(
            anonymous
                .get_status(&format!("/xxgk/qingdan/jiuzhu/{shown}"))
                .await,
            StatusCode::NOT_FOUND
        );
        assert_lacks(
            &app.page("/xxgk/qingdan/jiuzhu").await,
            "王**",
            "an ended 公示 leaves the list",
        );
        assert_lacks(
            &app.page("/feeds/qingdan/jiuzhu.xml").await,
            &format!("/xxgk/qingdan/jiuzhu/{shown}"),
            "an ended 公示 leaves the feed",
        );
        assert_lacks(
            &app.page("/xxgk/qingdan/").await,
            "/xxgk/qingdan/jiuzhu",
            "no public rows left",
        );
        // Staff still see it.
        let site = org_id(&app, "WQX001").await;
        let kept = must(typed_lists::get(&app.store, site, shown).await);
        assert!(kept.gongshi_ended, "{engine:?}");
        let ended: i64 = must(
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'list.gongshi_end' AND object_id = $1",
            )
            .bind(shown.to_string())
            .fetch_one(app.store.pool())
            .await,
        );
        assert_eq!(ended, 1, "{engine:?}: audited once");
    }
}

#[tokio::test]
async fn section_two_offers_the_decisions_counted_from_the_enforcement_list() {
    use gongkai_domain::report::ENFORCEMENT_LIST_SOURCE;
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let year = beijing_date(Utc::now()).year();
        let decided = format!("{year}-01-05");
        for (kind, title, org, publish) in [
            (builtin::LICENCE, "准予食品经营许可", "WQX004", true),
            (builtin::LICENCE, "准予道路运输经营许可", "WQX001", true),
            (builtin::PENALTY, "经营超过保质期食品", "WQX004", true),
            // A draft is not counted.
            (builtin::PENALTY, "虚假广告", "WQX004", false),
        ] {
            let cells = [
                ("stage", "事后公示"),
                ("title", title),
                ("org", org),
                (builtin::DECISION_KIND, kind),
                (builtin::DECISION_DATE, decided.as_str()),
            ];
            row(&app, builtin::ENFORCEMENT, &cells, publish).await;
        }
        let office = Session::login(&app, "office").await;
        let url = format!("/admin/report/{year}?org=WQX001");
        let page = office.get_text(&url).await;
        assert_has_all(
            &page,
            &[
                &format!("平台统计 <strong>2</strong>（{ENFORCEMENT_LIST_SOURCE}）"),
                &format!("平台统计 <strong>1</strong>（{ENFORCEMENT_LIST_SOURCE}）"),
                "name=\"take\" value=\"licensing\"",
                "name=\"take\" value=\"penalties\"",
                "执法公示清单",
            ],
        );
        // Taking the figure saves it with its source.
        assert_eq!(
            office.post_status(&url, &[("take", "licensing")]).await,
            StatusCode::SEE_OTHER
        );
        let county = org_id(&app, "WQX001").await;
        let saved = must(reports::get(&app.store, county, year).await);
        let saved = saved.unwrap_or_else(|| panic!("{engine:?}: saved"));
        let licensing = &saved.entries.proactive.licensing;
        assert_eq!(
            (licensing.value, licensing.source.as_str()),
            (2, ENFORCEMENT_LIST_SOURCE),
            "{engine:?}"
        );
        // The department's own report counts its own decisions only.
        let department = office
            .get_text(&format!("/admin/report/{year}?org=WQX004"))
            .await;
        assert!(
            department.contains(&format!(
                "平台统计 <strong>1</strong>（{ENFORCEMENT_LIST_SOURCE}）"
            )),
            "{engine:?}"
        );
    }
}
