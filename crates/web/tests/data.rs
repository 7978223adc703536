//! The public catalogue `/data/` over HTTP on both engines: facets as links that narrow the
//! list, a dataset's page with its metadata, 开放属性 and schema.org JSON-LD, counted downloads
//! with the file's type and name, and no page for a draft or for another dataset's resource.

use gongkai_domain::dataset::{DatasetDraft, ReviewStep};
use gongkai_store::datasets::{self, Author, NewResource, Source};
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, blobs};
use reqwest::StatusCode;

use crate::support::{App, assert_has_all, header, must, spawn_app};

pub(crate) async fn id_of(app: &App, sql: &str, name: &str) -> i64 {
    must(
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(name)
            .fetch_one(app.store.pool())
            .await,
    )
}

/// A dataset of the finance bureau named `name`, published when `publish`.
pub(crate) async fn dataset(
    app: &App,
    name: &str,
    title: &str,
    openness: &str,
    publish: bool,
) -> i64 {
    let csv = "乡镇,人数\n乌恰镇,120\n黑孜苇乡,85\n";
    dataset_with_csv(app, name, title, openness, publish, csv).await
}

/// As [`dataset`], its one CSV resource holding `csv`.
pub(crate) async fn dataset_with_csv(
    app: &App,
    name: &str,
    title: &str,
    openness: &str,
    publish: bool,
    csv: &str,
) -> i64 {
    let editor = id_of(app, "SELECT id FROM users WHERE username = $1", "editor").await;
    let reviewer = id_of(app, "SELECT id FROM users WHERE username = $1", "reviewer").await;
    let site = id_of(
        app,
        "SELECT id FROM organisations WHERE code = $1",
        "WQX001",
    )
    .await;
    let org = id_of(
        app,
        "SELECT id FROM organisations WHERE code = $1",
        "WQX004",
    )
    .await;
    let new = must(
        DatasetDraft {
            name: name.into(),
            title: title.into(),
            notes: "按乡镇汇总".into(),
            license_id: "cc-by".into(),
            frequency: "monthly".into(),
            openness: openness.into(),
            conditions: "仅向科研机构开放".into(),
            legal_ground: "《中华人民共和国个人信息保护法》".into(),
            groups: vec!["social-security".into()],
            tags: vec!["低保".into()],
            ..DatasetDraft::default()
        }
        .check()
        .map_err(|e| format!("{e:?}")),
    );
    let author = Author {
        id: editor,
        name: "editor".into(),
    };
    let editor_actor = Actor::user("editor", "::1");
    let d = must(datasets::create(&app.store, &editor_actor, &author, site, org, &new, true).await);
    let csv = csv.as_bytes();
    let sha = must(blobs::put(&app.store, &app.state.config.data_dir, csv).await);
    let file = NewResource {
        name: "低保人数".into(),
        description: String::new(),
        format: "CSV".into(),
        source: Source::File {
            sha256: sha,
            file_name: "dibao.csv".into(),
            size: csv.len() as i64,
        },
    };
    must(datasets::add_resource(&app.store, &editor_actor, d.id, &file).await);
    if publish {
        let reviewer_actor = Actor::user("reviewer", "::1");
        must(
            datasets::step(
                &app.store,
                &reviewer_actor,
                reviewer,
                d.id,
                ReviewStep::Approve,
                "",
            )
            .await,
        );
    }
    d.id
}

/// Adds a link resource to dataset `id` and approves it again (a change returns it for review).
pub(crate) async fn add_link(app: &App, id: i64, url: &str) {
    let reviewer = id_of(app, "SELECT id FROM users WHERE username = $1", "reviewer").await;
    let link = NewResource {
        name: "外部链接".into(),
        description: String::new(),
        format: "HTML".into(),
        source: Source::Link(url.into()),
    };
    must(datasets::add_resource(&app.store, &Actor::user("editor", "::1"), id, &link).await);
    must(
        datasets::step(
            &app.store,
            &Actor::user("reviewer", "::1"),
            reviewer,
            id,
            ReviewStep::Approve,
            "",
        )
        .await,
    );
}

#[tokio::test]
async fn the_catalogue_lists_facets_and_serves_counted_downloads() {
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
        dataset(
            &app,
            "wqx-cond",
            "低保对象明细（脱敏）",
            "conditional",
            true,
        )
        .await;
        dataset(&app, "wqx-draft", "未发布的数据集", "unconditional", false).await;
        let get = |path: String| async move { must(reqwest::get(path).await) };

        let list = must(get(format!("{}/data/", app.base)).await.text().await);
        assert_has_all(
            &list,
            &[
                "各乡镇低保人数统计",
                "低保对象明细（脱敏）",
                "共 <strong>2</strong> 个数据集",
                "无条件开放</a> <span class=\"muted\">(1)",
                "有条件开放</a> <span class=\"muted\">(1)",
                "CSV",
            ],
        );
        assert!(!list.contains("未发布的数据集"));
        let narrowed = must(
            get(format!("{}/data/?open=conditional", app.base))
                .await
                .text()
                .await,
        );
        assert_has_all(
            &narrowed,
            &[
                "共 <strong>1</strong> 个数据集",
                "低保对象明细（脱敏）",
                "清除全部",
            ],
        );
        // The text query reads the site search, which follows the change feed.
        crate::support::until_found(&app.base, "各乡镇低保人数统计", 1).await;
        let searched = must(
            get(format!("{}/data/?q=%E5%90%84%E4%B9%A1%E9%95%87", app.base))
                .await
                .text()
                .await,
        );
        assert_has_all(&searched, &["共 <strong>1</strong> 个数据集"]);

        let page = must(
            get(format!("{}/data/wqx-dibao", app.base))
                .await
                .text()
                .await,
        );
        assert_has_all(
            &page,
            &[
                "application/ld+json",
                "\"@type\":\"Dataset\"",
                "DataDownload",
                "知识共享署名 4.0",
                "每月",
                "/data/wqx-dibao/resources/",
            ],
        );
        let cond = must(
            get(format!("{}/data/wqx-cond", app.base))
                .await
                .text()
                .await,
        );
        assert_has_all(&cond, &["开放条件", "仅向科研机构开放", "不提供直接下载"]);
        assert_eq!(
            get(format!("{}/data/wqx-draft", app.base)).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(format!("{}/data/nope", app.base)).await.status(),
            StatusCode::NOT_FOUND
        );

        let dibao = must(
            datasets::find(
                &app.store,
                id_of(
                    &app,
                    "SELECT id FROM organisations WHERE code = $1",
                    "WQX001",
                )
                .await,
                "wqx-dibao",
            )
            .await,
        );
        let res = dibao
            .map(|d| d.resources[0].uuid.clone())
            .unwrap_or_default();
        let url = format!("{}/data/wqx-dibao/resources/{res}/download", app.base);
        for _ in 0..2 {
            let r = get(url.clone()).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert!(header(&r, "content-type").starts_with("text/csv"));
            assert!(header(&r, "content-disposition").contains("dibao.csv"));
            assert!(must(r.text().await).contains("乌恰镇,120"));
        }
        // Counted per resource (the cached page shows the count as of its last rendering;
        // a download writes no change-feed row, which would empty every page cache).
        let shown: serde_json::Value = must(
            must(reqwest::get(format!("{}/api/3/action/resource_show?id={res}", app.base)).await)
                .json()
                .await,
        );
        assert_eq!(shown["result"]["download_count"], serde_json::json!(2));
        // A resource under another dataset's name, and a conditional dataset's file.
        assert_eq!(
            get(format!(
                "{}/data/wqx-cond/resources/{res}/download",
                app.base
            ))
            .await
            .status(),
            StatusCode::NOT_FOUND
        );
        let cond_res = must(
            datasets::find(
                &app.store,
                id_of(
                    &app,
                    "SELECT id FROM organisations WHERE code = $1",
                    "WQX001",
                )
                .await,
                "wqx-cond",
            )
            .await,
        )
        .map(|d| d.resources[0].uuid.clone())
        .unwrap_or_default();
        assert_eq!(
            get(format!(
                "{}/data/wqx-cond/resources/{cond_res}/download",
                app.base
            ))
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
    }
}
