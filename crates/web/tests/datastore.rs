//! The datastore through the portal, on both engines: an uploaded CSV resource is loaded into a
//! table by the background pass (no request waits for it), `datastore_search` in the CKAN API
//! reads it by the resource's UUID with CKAN's parameters and errors, the dataset's page
//! previews its first rows, and a dataset that is not 无条件开放 keeps its rows to itself.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{App, assert_has_all, must, spawn_app, wait_until};
use gongkai_store::testing::ENGINES;

/// The UUID of the first resource of dataset `name`.
async fn resource_uuid(app: &App, name: &str) -> String {
    must(
        sqlx::query_scalar(
            "SELECT r.uuid FROM dataset_resources r JOIN datasets d ON d.id = r.dataset_id
             WHERE d.name = $1 ORDER BY r.position",
        )
        .bind(name)
        .fetch_one(app.store.pool())
        .await,
    )
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}

async fn action(app: &App, query: &str) -> (StatusCode, Value) {
    let r = must(reqwest::get(format!("{}/api/3/action/{query}", app.base)).await);
    let status = r.status();
    (status, must(r.json::<Value>().await))
}

#[tokio::test]
async fn an_uploaded_csv_is_loaded_in_the_background_and_searched_like_ckans_datastore() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        crate::data::dataset(
            &app,
            "wqx-dibao",
            "各乡镇低保人数统计",
            "unconditional",
            true,
        )
        .await;
        crate::data::dataset(&app, "wqx-cond", "低保对象明细", "conditional", true).await;
        let open = resource_uuid(&app, "wqx-dibao").await;
        let closed = resource_uuid(&app, "wqx-cond").await;

        // The loader runs beside the server and loads both files within seconds.
        let loaded = async || {
            let (_, shown) = action(&app, &format!("resource_show?id={open}")).await;
            shown["result"]["datastore_active"] == Value::Bool(true)
        };
        let why = format!("{engine:?}: the CSV was not loaded");
        wait_until(&why, Duration::from_secs(20), loaded).await;

        let search = format!("datastore_search?resource_id={open}");
        let (status, all) = action(&app, &search).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}: {all}");
        let result = &all["result"];
        assert_eq!(result["total"], 2, "{engine:?}");
        assert_eq!(result["resource_id"], Value::String(open.clone()));
        let fields: Vec<(&str, &str)> = result["fields"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|x| {
                        (
                            x["id"].as_str().unwrap_or(""),
                            x["type"].as_str().unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(fields, [("_id", "int"), ("乡镇", "text"), ("人数", "int")]);
        assert_eq!(result["records"][0]["乡镇"], "乌恰镇");

        // CKAN's parameters: q, filters, sort, a capped limit.
        let (_, q) = action(&app, &format!("{search}&q=黑孜")).await;
        assert_eq!(q["result"]["total"], 1, "{engine:?}: {q}");
        let filters = urlencode(r#"{"人数": 85}"#);
        let (_, filtered) = action(&app, &format!("{search}&filters={filters}")).await;
        assert_eq!(filtered["result"]["records"][0]["乡镇"], "黑孜苇乡");
        let sort = urlencode("人数 asc");
        let (_, sorted) = action(&app, &format!("{search}&sort={sort}")).await;
        assert_eq!(sorted["result"]["records"][0]["人数"], 85);
        let (_, capped) = action(&app, &format!("{search}&limit=100000000")).await;
        assert_eq!(capped["result"]["limit"], 32000, "{engine:?}");

        // Bad input is CKAN's error, never a 500.
        let unknown = urlencode(r#"{"nope": 1}"#);
        let (status, refused) = action(&app, &format!("{search}&filters={unknown}")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine:?}: {refused}");
        assert_eq!(refused["error"]["__type"], "Validation Error");
        assert!(refused["error"]["filters"].is_array(), "{refused}");
        let injected = urlencode(r#"{"人数": "1; DROP TABLE datasets"}"#);
        let (status, _) = action(&app, &format!("{search}&filters={injected}")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine:?}");
        let (status, missing) = action(
            &app,
            "datastore_search?resource_id=00000000-0000-0000-0000-000000000000",
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine:?}");
        assert_eq!(missing["error"]["__type"], "Not Found Error");
        let (status, forbidden) =
            action(&app, &format!("datastore_search?resource_id={closed}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine:?}: {forbidden}");
        assert_eq!(forbidden["error"]["__type"], "Authorization Error");

        // The dataset's page previews the rows as a table; the conditional one does not.
        let page = must(
            must(reqwest::get(format!("{}/data/wqx-dibao", app.base)).await)
                .text()
                .await,
        );
        assert_has_all(
            &page,
            &[
                "数据预览：低保人数",
                "<th scope=\"col\">乡镇</th>",
                "<td>乌恰镇</td>",
                "共 2 行",
            ],
        );
        let page = must(
            must(reqwest::get(format!("{}/data/wqx-cond", app.base)).await)
                .text()
                .await,
        );
        assert!(!page.contains("数据预览"), "{engine:?}");
    }
}
