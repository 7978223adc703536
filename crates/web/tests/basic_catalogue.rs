//! 主动公开基本目录 on both engines: the openness office loads the 26 grassroots areas, adds a
//! row of its own (a row without its names or with a limit of 0 is refused with the reason and
//! the form as typed), assigns rows to the finance bureau and files its published records under
//! them; the timeliness page shows the bureau's record published within 20 working days as on
//! time, one published two months after it was formed as late (by how many working days) and a
//! row with nothing published as missing; the public 目录 page lists the rows with their records,
//! and another site's organisation has none.

use chrono::NaiveDate;
use gongkai_domain::record::{RecordInput, RecordMeta};
use gongkai_store::records::{self, Imported};
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, orgs};
use reqwest::StatusCode;

use crate::support::{Session, assert_has_all, assert_lacks, must, spawn_app, utc_at};

/// Publishes a notice of the finance bureau formed on `written` and published at noon (UTC
/// hour 4) on `published`; returns its index number.
async fn publish(
    app: &crate::support::App,
    key: &str,
    title: &str,
    written: &str,
    published: NaiveDate,
) -> String {
    let org = must(
        orgs::by_code(
            &app.store,
            &must(gongkai_domain::org::OrgCode::parse("WQX004")),
        )
        .await,
    );
    let meta = must(
        RecordMeta::parse(
            &RecordInput {
                title,
                kind: "notice",
                written_on: written,
                ..RecordInput::default()
            },
            chrono::Utc::now().date_naive(),
        )
        .map_err(|e| format!("{e:?}")),
    );
    let row = Imported {
        source_key: key.into(),
        meta,
        body_html: "<p>正文</p>".into(),
        body_text: "正文".into(),
        published_at: utc_at(
            chrono::Datelike::year(&published),
            chrono::Datelike::month(&published),
            chrono::Datelike::day(&published),
            4,
        ),
        columns: vec!["tzgg".into()],
        index_no: None,
    };
    must(records::import_batch(&app.store, &Actor::system(), org.id, &[row], None).await);
    must(records::index_no_by_title(&app.store, org.id, title).await).unwrap_or_default()
}

fn day(s: &str) -> NaiveDate {
    must(NaiveDate::parse_from_str(s, "%Y-%m-%d"))
}

/// The id in `/admin/mulu/{id}` of a redirect.
fn item_id(r: &reqwest::Response) -> String {
    crate::support::header(r, reqwest::header::LOCATION)
        .trim_start_matches("/admin/mulu/")
        .to_owned()
}

#[tokio::test]
async fn a_catalogue_row_shows_each_office_on_time_late_or_missing() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Session::login(&app, "office").await;
        let empty = office.get_text("/admin/mulu").await;
        assert!(
            empty.contains("载入 26 个领域的标准事项"),
            "{engine:?}: {empty}"
        );
        let seeded = office.post("/admin/mulu/seed", &[]).await;
        assert_eq!(seeded.status(), StatusCode::SEE_OTHER);
        let list = office.get_text("/admin/mulu").await;
        assert_has_all(&list, &["财政预决算", "部门决算", "市政服务", "尚未指定"]);

        // A row of its own; refusals keep what was typed.
        let mut row = vec![
            ("area", "财政预决算"),
            ("subject", "财政专项资金"),
            ("elements", "资金管理办法、分配结果"),
            ("basis", "《中华人民共和国预算法》"),
            ("limit_days", "0"),
            ("owner", "县财政局"),
            ("channels", "政府网站"),
            ("audience", "all"),
            ("method", "proactive"),
            ("level", "county"),
        ];
        let refused = office.post("/admin/mulu/new", &row).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let page = must(refused.text().await);
        assert_has_all(&page, &["1 至 250 之间的工作日数", "财政专项资金"]);
        row[4] = ("limit_days", "20");
        let added = office.post("/admin/mulu/new", &row).await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let own = item_id(&added);
        // The same 一级 and 二级 again: refused.
        let again = office.post("/admin/mulu/new", &row).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "{engine:?}");

        // Assign it and 部门决算 to the finance bureau.
        let finance = must(
            orgs::by_code(
                &app.store,
                &must(gongkai_domain::org::OrgCode::parse("WQX004")),
            )
            .await,
        );
        let site = must(
            orgs::by_code(
                &app.store,
                &must(gongkai_domain::org::OrgCode::parse("WQX001")),
            )
            .await,
        );
        let items = must(gongkai_store::basic_catalogue::items(&app.store, site.id).await);
        let accounts = items
            .iter()
            .find(|i| i.subject == "部门决算")
            .map(|i| i.id.to_string())
            .unwrap_or_default();
        let finance_id = finance.id.to_string();
        for id in [&own, &accounts] {
            let r = office
                .post(
                    &format!("/admin/mulu/{id}/orgs"),
                    &[("org", finance_id.as_str())],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        }

        // One record on time, one late, under the bureau's own row; nothing for 部门决算.
        let on_time = publish(
            &app,
            "t:1",
            "县级财政专项资金分配结果",
            "2026-03-02",
            day("2026-03-05"),
        )
        .await;
        let late = publish(
            &app,
            "t:2",
            "县级财政专项资金管理办法",
            "2026-03-02",
            day("2026-05-06"),
        )
        .await;
        for index_no in [&on_time, &late] {
            let r = office
                .post(
                    &format!("/admin/mulu/{own}/records"),
                    &[("index_no", index_no.as_str())],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?} {index_no}");
        }
        let unknown = office
            .post(
                &format!("/admin/mulu/{own}/records"),
                &[("index_no", "WQX004-2026-999999")],
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
        assert!(must(unknown.text().await).contains("未找到索引号为“WQX004-2026-999999”"));

        let t = office.get_text("/admin/mulu/timeliness?year=2026").await;
        assert_has_all(
            &t,
            &[
                "<strong>1</strong> 项全年暂无公开信息",
                "<strong>1</strong> 条逾期公开",
                "1 条按时公开",
                "<strong>暂无公开</strong>",
                "财政预决算 · 部门决算",
                "<strong>逾期</strong>",
                "县级财政专项资金管理办法",
                // 20 working days from 2 March end on 30 March; 6 May is 23 working days later
                // (the 清明 and 劳动节 holidays do not count).
                "超期 23 个工作日",
            ],
        );

        // The public 目录 page of the bureau; the county itself has no rows.
        let public = app.page("/xxgk/mulu/WQX004").await;
        assert_has_all(
            &public,
            &[
                "乌恰县财政局主动公开基本目录",
                "财政专项资金",
                "信息形成或者变更之日起 20 个工作日内",
                "县级财政专项资金分配结果",
            ],
        );
        let index = app.page("/xxgk/mulu").await;
        assert!(index.contains("/xxgk/mulu/WQX004"), "{index}");
        assert_lacks(&index, "/xxgk/mulu/WQX001\"", "an office with no rows");
        let unknown = must(reqwest::get(format!("{}/xxgk/mulu/ATS002", app.base)).await);
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{engine:?}");

        // Every step audited.
        let log = must(gongkai_store::audit::recent(&app.store, 20, None).await);
        for action in [
            "catalogue.seed",
            "catalogue.item_add",
            "catalogue.assign",
            "catalogue.file",
        ] {
            assert!(
                log.iter().any(|e| e.action == action),
                "{engine:?} {action}"
            );
        }
        // Staff without the openness office's permission do not reach it.
        let editor = Session::login(&app, "editor").await;
        assert_eq!(
            editor.get_status("/admin/mulu").await,
            StatusCode::FORBIDDEN
        );
    }
}
