//! Looking at and finding open data on both engines: a loaded table's chart page (server-drawn
//! SVG with its numbers as a table; an unknown column answered in Chinese; a conditional
//! dataset's chart refused), and datasets in the site search (a published one found by
//! `/search` and `/data/?q=`, one sent back to review gone from both).

use std::time::Duration;

use gongkai_domain::dataset::DatasetDraft;
use gongkai_store::datasets;
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, Store};
use reqwest::StatusCode;

use crate::data::{dataset, id_of};
use crate::support::{App, assert_has_all, must, spawn_app, until_found, wait_until};

fn enc(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}

pub(crate) async fn resource_uuid(store: &Store, name: &str) -> String {
    must(
        sqlx::query_scalar(
            "SELECT r.uuid FROM dataset_resources r JOIN datasets d ON d.id = r.dataset_id
             WHERE d.name = $1 ORDER BY r.position",
        )
        .bind(name)
        .fetch_one(store.pool())
        .await,
    )
}

async fn get(app: &App, path: &str) -> (StatusCode, String) {
    let r = must(reqwest::get(format!("{}{path}", app.base)).await);
    let status = r.status();
    (status, must(r.text().await))
}

#[tokio::test]
async fn a_loaded_table_is_charted_as_svg_with_its_numbers_beside_it() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        dataset(
            &app,
            "wqx-dibao",
            "各乡镇低保人数统计",
            "unconditional",
            true,
        )
        .await;
        dataset(&app, "wqx-cond", "低保对象明细", "conditional", true).await;
        let open = resource_uuid(&app.store, "wqx-dibao").await;
        let closed = resource_uuid(&app.store, "wqx-cond").await;
        let store = app.store.clone();
        let uuid = open.clone();
        wait_until(
            &format!("{engine:?}: the CSV was not loaded"),
            Duration::from_secs(20),
            async || {
                datasets::resource(&store, &uuid)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|r| r.datastore_active)
            },
        )
        .await;

        let base = format!("/data/wqx-dibao/resources/{open}/chart");
        let (status, page) = get(
            &app,
            &format!("{base}?x={}&y={}&kind=bar", enc("乡镇"), enc("人数")),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{engine:?}: {page}");
        assert_has_all(
            &page,
            &[
                "<svg ",
                "role=\"img\"",
                "aria-labelledby=\"chart-title chart-desc\"",
                "<title id=\"chart-title\">低保人数：按“乡镇”合计的“人数”</title>",
                "最高为“乌恰镇”的 120",
                "<caption id=\"chart-table-caption\">",
                "<th scope=\"row\">乌恰镇</th><td class=\"num\">120</td>",
                "<th scope=\"row\">黑孜苇乡</th><td class=\"num\">85</td>",
                "已读取 2 行",
                "生成图表",
            ],
        );
        assert_eq!(page.matches("<rect ").count(), 2, "{engine:?}: two bars");
        assert!(!page.contains("<script>"), "no script on the page");

        let (status, line) = get(&app, &format!("{base}?kind=line")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            line.contains("<polyline "),
            "{engine:?}: the default columns, a line"
        );

        let (status, unknown) = get(
            &app,
            &format!("{base}?x={}&y={}", enc("不存在"), enc("人数")),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            unknown.contains("该数据表没有名为“不存在”的列"),
            "{unknown}"
        );
        let (status, not_numeric) =
            get(&app, &format!("{base}?x={}&y={}", enc("人数"), enc("乡镇"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(not_numeric.contains("没有名为“乡镇”的数值列"));

        let (status, _) = get(&app, &format!("/data/wqx-cond/resources/{closed}/chart")).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{engine:?}: a conditional dataset"
        );
        let (status, _) = get(&app, &format!("/data/wqx-cond/resources/{open}/chart")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another dataset's resource");

        // The dataset's page offers the form.
        let (_, show) = get(&app, "/data/wqx-dibao").await;
        assert_has_all(
            &show,
            &[
                &format!("action=\"/data/wqx-dibao/resources/{open}/chart\""),
                "<option value=\"人数\"",
            ],
        );
    }
}

#[tokio::test]
async fn a_published_dataset_is_found_by_the_site_search_and_leaves_it_when_sent_back() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let id = dataset(
            &app,
            "wqx-dibao",
            "各乡镇低保人数统计",
            "unconditional",
            true,
        )
        .await;
        dataset(&app, "wqx-draft", "各乡镇草稿数据", "unconditional", false).await;
        until_found(&app.base, "低保人数统计", 1).await;
        let (_, found) = get(&app, &format!("/search?q={}", enc("低保人数统计"))).await;
        assert!(found.contains("/data/wqx-dibao"), "{engine:?}: {found}");
        let (_, draft) = get(&app, &format!("/search?q={}", enc("草稿数据"))).await;
        assert!(!draft.contains("/data/wqx-draft"), "a draft is not indexed");
        // The catalogue's text query goes through the index: substrings, as the site search.
        let (_, catalogue) = get(&app, &format!("/data/?q={}", enc("乡镇低保"))).await;
        assert!(
            catalogue.contains("共 <strong>1</strong> 个数据集"),
            "{catalogue}"
        );
        let (_, narrowed) = get(
            &app,
            &format!("/data/?q={}&open=conditional", enc("乡镇低保")),
        )
        .await;
        assert!(
            narrowed.contains("共 <strong>0</strong> 个数据集"),
            "facets still filter"
        );

        // An edit sends the published dataset back to review: it leaves the index.
        let org = id_of(
            &app,
            "SELECT id FROM organisations WHERE code = $1",
            "WQX004",
        )
        .await;
        let new = must(
            DatasetDraft {
                name: "wqx-dibao".into(),
                title: "各乡镇低保人数统计（修订）".into(),
                notes: "按乡镇汇总".into(),
                license_id: "cc-by".into(),
                frequency: "monthly".into(),
                openness: "unconditional".into(),
                ..DatasetDraft::default()
            }
            .check()
            .map_err(|e| format!("{e:?}")),
        );
        must(datasets::update(&app.store, &Actor::user("editor", "::1"), id, org, &new).await);
        until_found(&app.base, "低保人数统计", 0).await;
        let (_, gone) = get(&app, &format!("/data/?q={}", enc("乡镇低保"))).await;
        assert!(
            gone.contains("共 <strong>0</strong> 个数据集"),
            "{engine:?}: {gone}"
        );
    }
}
