//! The CKAN Action API over HTTP on both engines: every read action in CKAN's envelope, by GET
//! query string and by POST JSON, at `/api/3/action/` and `/api/action/`; writes with an API
//! token make submitted (unpublished) datasets; every error type with CKAN's `__type` and
//! status, and bad input answered without a 500.

use gongkai_domain::dataset::ReviewStep;
use gongkai_store::testing::{ENGINES, add_orgs};
use gongkai_store::{Actor, datasets};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{App, must, spawn_app};

async fn user_id(app: &App, name: &str) -> i64 {
    must(
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(name)
            .fetch_one(app.store.pool())
            .await,
    )
}

/// `GET /api/3/action/{action}?{query}`: the status and the body.
async fn get(app: &App, action: &str, query: &str) -> (StatusCode, Value) {
    let r = must(reqwest::get(format!("{}/api/3/action/{action}?{query}", app.base)).await);
    let status = r.status();
    (status, must(r.json().await))
}

/// `POST /api/action/{action}` with a JSON body and an optional token.
async fn post(app: &App, action: &str, body: &Value, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/action/{action}", app.base))
        .json(body);
    if let Some(t) = token {
        req = req.header("Authorization", t);
    }
    let r = must(req.send().await);
    let status = r.status();
    (status, must(r.json().await))
}

/// `s` percent-encoded for a query string.
fn enc(s: &str) -> String {
    let url = must(reqwest::Url::parse_with_params("http://x/", &[("v", s)]));
    url.query()
        .unwrap_or_default()
        .trim_start_matches("v=")
        .to_owned()
}

fn result(answer: (StatusCode, Value)) -> Value {
    let (status, body) = answer;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], json!(true), "{body}");
    assert!(
        body["help"]
            .as_str()
            .is_some_and(|h| h.contains("/api/3/action/help_show?name=")),
        "{body}"
    );
    body["result"].clone()
}

fn error_type(answer: &(StatusCode, Value)) -> (u16, String) {
    let (status, body) = answer;
    assert_eq!(body["success"], json!(false), "{body}");
    (
        status.as_u16(),
        body["error"]["__type"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|v| {
                    v.as_str()
                        .map_or_else(|| v["name"].to_string(), str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Two published datasets of the finance bureau and a draft; the editor's token.
async fn catalogue(app: &App) -> String {
    let editor = user_id(app, "editor").await;
    let reviewer = user_id(app, "reviewer").await;
    let token = must(
        datasets::create_token(&app.store, &Actor::user("admin", "::1"), editor, "测试").await,
    );
    for (name, title, tags, groups, format) in [
        (
            "wqx-budget-2026",
            "2026年一般公共预算收支表",
            json!([{"name": "预算"}, {"name": "财政"}]),
            json!([{"name": "finance"}]),
            "CSV",
        ),
        (
            "wqx-dibao-2025",
            "2025年各乡镇低保人数统计",
            json!([{"name": "低保"}]),
            json!([{"name": "social-security"}]),
            "XLSX",
        ),
    ] {
        let body = json!({
            "name": name, "title": title, "owner_org": "wqx004", "notes": "说明",
            "license_id": "cc-by", "tags": tags, "groups": groups,
            "extras": [{"key": "frequency", "value": "yearly"}, {"key": "spatial", "value": "乌恰县"}],
            "resources": [{"url": format!("https://data.example.gov.cn/{name}.{}", format.to_lowercase()), "name": "数据表"}],
        });
        let created = result(post(app, "package_create", &body, Some(&token)).await);
        assert_eq!(created["state"], json!("draft"));
        assert_eq!(created["private"], json!(true));
        assert_eq!(created["resources"][0]["format"], json!(format));
        let id = must(datasets::find(&app.store, app_site(app).await, name).await)
            .map(|d| d.id)
            .unwrap_or_default();
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
    let draft = json!({"name": "wqx-draft", "title": "未发布的数据集", "owner_org": "WQX004"});
    result(post(app, "package_create", &draft, Some(&token)).await);
    token
}

async fn app_site(app: &App) -> i64 {
    must(
        sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'WQX001'")
            .fetch_one(app.store.pool())
            .await,
    )
}

#[tokio::test]
async fn every_read_action_answers_in_ckans_envelope() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let token = catalogue(&app).await;

        let status = result(get(&app, "status_show", "").await);
        assert_eq!(status["api_version"], json!(3));
        let r = must(reqwest::get(format!("{}/api/action/status_show", app.base)).await);
        assert_eq!(r.status(), StatusCode::OK);
        assert!(super::support::header(&r, "content-type").starts_with("application/json"));

        // Only published datasets without a token.
        let list = result(get(&app, "package_list", "").await);
        assert_eq!(names(&list), vec!["wqx-budget-2026", "wqx-dibao-2025"]);
        let list = result(get(&app, "package_list", "limit=1&offset=1").await);
        assert_eq!(names(&list), vec!["wqx-dibao-2025"]);

        let by_name = result(get(&app, "package_show", "id=wqx-budget-2026").await);
        let id = by_name["id"].as_str().unwrap_or_default().to_owned();
        let by_id = result(post(&app, "package_show", &json!({ "id": id }), None).await);
        assert_eq!(by_name, by_id);
        for key in [
            "id",
            "name",
            "title",
            "notes",
            "organization",
            "tags",
            "groups",
            "resources",
            "license_id",
            "license_title",
            "metadata_created",
            "metadata_modified",
            "state",
            "private",
            "num_resources",
            "num_tags",
            "extras",
        ] {
            assert!(by_name.get(key).is_some(), "{key} in {by_name}");
        }
        assert_eq!(by_name["organization"]["name"], json!("wqx004"));
        assert_eq!(
            by_name["tags"],
            json!([
                {"name": "财政", "display_name": "财政", "state": "active", "vocabulary_id": null},
                {"name": "预算", "display_name": "预算", "state": "active", "vocabulary_id": null},
            ])
        );
        assert_eq!(by_name["state"], json!("active"));
        assert_eq!(by_name["num_resources"], json!(1));
        let extras = by_name["extras"].as_array().cloned().unwrap_or_default();
        assert!(extras.contains(&json!({"key": "open_condition", "value": "unconditional"})));
        assert!(extras.contains(&json!({"key": "frequency", "value": "yearly"})));

        // Search: words, fq terms, sort, paging, facets; GET and POST alike.
        let facets =
            r#"["organization","tags","res_format","groups","license_id","open_condition"]"#;
        let q = format!("q={}&facet.field={}", enc("预算"), enc(facets));
        let by_get = result(get(&app, "package_search", &q).await);
        let by_post = result(
            post(
                &app,
                "package_search",
                &json!({"q": "预算", "facet.field": facets}),
                None,
            )
            .await,
        );
        assert_eq!(by_get, by_post);
        assert_eq!(by_get["count"], json!(1));
        assert_eq!(by_get["facets"]["tags"], json!({"财政": 1, "预算": 1}));
        assert_eq!(by_get["facets"]["organization"], json!({"wqx004": 1}));
        assert_eq!(
            by_get["search_facets"]["organization"],
            json!({"title": "organization", "items": [{"name": "wqx004", "display_name": "乌恰县财政局", "count": 1}]})
        );
        assert_eq!(
            by_get["search_facets"]["license_id"]["items"][0]["display_name"],
            json!("知识共享署名 4.0（CC BY 4.0）")
        );
        let all = result(
            get(
                &app,
                "package_search",
                "fq=organization:wqx004&sort=title_string%20asc&rows=100000000",
            )
            .await,
        );
        assert_eq!(all["count"], json!(2));
        assert_eq!(all["sort"], json!("title_string asc"));
        assert!(
            all["facets"]
                .as_object()
                .is_some_and(serde_json::Map::is_empty)
        );
        let page = result(get(&app, "package_search", "rows=1&start=1&sort=name%20asc").await);
        assert_eq!(page["count"], json!(2));
        assert_eq!(page["results"][0]["name"], json!("wqx-dibao-2025"));
        let by_format = result(
            get(
                &app,
                "package_search",
                "fq=res_format:XLSX%20%2Bdataset_type:dataset",
            )
            .await,
        );
        assert_eq!(by_format["count"], json!(1));
        let with_drafts = result(
            post(
                &app,
                "package_search",
                &json!({"include_private": true}),
                Some(&token),
            )
            .await,
        );
        assert_eq!(with_drafts["count"], json!(3));

        let current = result(get(&app, "current_package_list_with_resources", "limit=1").await);
        assert_eq!(current.as_array().map(Vec::len), Some(1));
        assert_eq!(current[0]["resources"].as_array().map(Vec::len), Some(1));

        let orgs = result(get(&app, "organization_list", "all_fields=true").await);
        let finance = orgs
            .as_array()
            .and_then(|a| a.iter().find(|o| o["name"] == json!("wqx004")))
            .cloned();
        assert_eq!(finance.map(|f| f["package_count"].clone()), Some(json!(2)));
        assert_eq!(
            names(&result(get(&app, "organization_list", "").await)),
            vec!["wqx001", "wqx004"]
        );
        let shown = result(get(&app, "organization_show", "id=WQX004&include_datasets=true").await);
        assert_eq!(shown["packages"].as_array().map(Vec::len), Some(2));

        let groups = result(get(&app, "group_list", "all_fields=true").await);
        let fin = groups
            .as_array()
            .and_then(|a| a.iter().find(|g| g["name"] == json!("finance")))
            .cloned();
        assert_eq!(fin.map(|g| g["package_count"].clone()), Some(json!(1)));
        let group = result(get(&app, "group_show", "id=social-security").await);
        assert_eq!(group["title"], json!("社会保障"));

        assert_eq!(
            names(&result(get(&app, "tag_list", "").await)),
            vec!["低保", "财政", "预算"]
        );
        assert_eq!(
            names(&result(
                get(&app, "tag_list", &format!("query={}", enc("预"))).await
            )),
            vec!["预算"]
        );

        let res_id = by_name["resources"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let res = result(get(&app, "resource_show", &format!("id={res_id}")).await);
        assert_eq!(res["package_id"], json!(id));
        assert_eq!(
            res["url"],
            json!("https://data.example.gov.cn/wqx-budget-2026.csv")
        );

        let licences = result(get(&app, "license_list", "").await);
        assert!(
            licences
                .as_array()
                .is_some_and(|l| l.iter().any(|x| x["id"] == json!("odc-odbl")))
        );
    }
}

#[tokio::test]
async fn writes_need_a_token_and_refusals_are_ckans_errors() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        add_orgs(&app.store, &[("WQX010", "乌恰县民政局", Some("WQX001"))]).await;
        let token = catalogue(&app).await;

        // `datastore_search` of a resource nobody has is CKAN's Not Found Error.
        let r = must(
            reqwest::get(format!(
                "{}/api/3/action/datastore_search?resource_id=x",
                app.base
            ))
            .await,
        );
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let body: Value = must(r.json().await);
        assert_eq!(body["error"]["__type"], "Not Found Error");

        // A write by GET is refused as CKAN refuses it.
        let r =
            must(reqwest::get(format!("{}/api/3/action/package_create?name=x", app.base)).await);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body: Value = must(r.json().await);
        assert!(
            body.as_str()
                .is_some_and(|s| s.contains("Please use POST method")),
            "{body}"
        );

        // A body that is not an object.
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/3/action/package_show", app.base))
                .header("Content-Type", "application/json")
                .body("[1, 2]")
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);

        // Not Found Error: unknown ids, drafts without a token, unknown organisations and themes.
        for (action, query) in [
            ("package_show", "id=nope"),
            ("package_show", "id=wqx-draft"),
            ("resource_show", "id=00000000-0000-0000-0000-000000000000"),
            ("organization_show", "id=WQX999"),
            ("group_show", "id=nowhere"),
        ] {
            assert_eq!(
                error_type(&get(&app, action, query).await),
                (404, "Not Found Error".into()),
                "{action} {query}"
            );
        }
        let draft = result(
            post(
                &app,
                "package_show",
                &json!({"id": "wqx-draft"}),
                Some(&token),
            )
            .await,
        );
        assert_eq!(draft["private"], json!(true));

        // Validation Error: wrong types and values, with field messages.
        for (action, query, field) in [
            ("package_search", "rows=abc", "rows"),
            ("package_search", "start=-5", "start"),
            ("package_list", "limit=x", "limit"),
            ("package_show", "", "name_or_id"),
            ("package_search", "facet.field=%7Bbad", "facet.field"),
        ] {
            let answer = get(&app, action, query).await;
            assert_eq!(
                error_type(&answer),
                (409, "Validation Error".into()),
                "{action} {query}"
            );
            assert!(answer.1["error"][field].is_array(), "{}", answer.1);
        }
        let bad = json!({"name": "Bad Name", "title": "", "owner_org": "wqx004", "license_id": "gpl",
            "extras": [{"key": "open_condition", "value": "closed"}]});
        let answer = post(&app, "package_create", &bad, Some(&token)).await;
        assert_eq!(error_type(&answer), (409, "Validation Error".into()));
        for field in ["name", "title", "license_id", "legal_ground"] {
            assert!(
                answer.1["error"][field][0].is_string(),
                "{field}: {}",
                answer.1
            );
        }
        let taken = json!({"name": "wqx-budget-2026", "title": "重名", "owner_org": "wqx004"});
        let answer = post(&app, "package_create", &taken, Some(&token)).await;
        assert_eq!(error_type(&answer), (409, "Validation Error".into()));
        assert!(
            answer.1["error"]["name"][0]
                .as_str()
                .is_some_and(|m| m.contains("已被"))
        );
        let wrong_type = json!({"id": "wqx-budget-2026", "tags": "not a list"});
        assert_eq!(
            error_type(&post(&app, "package_patch", &wrong_type, Some(&token)).await).0,
            409
        );

        // Search Query Error: fq garbage, fields that cannot be searched, a sort not offered.
        for query in [
            "fq=tags:(a%20OR%20b)",
            "fq=secret:1",
            "fq=tags",
            "sort=id;drop",
            "facet.field=%5B%22author%22%5D",
        ] {
            assert_eq!(
                error_type(&get(&app, "package_search", query).await),
                (400, "Search Query Error".into()),
                "{query}"
            );
        }

        // Authorization Error: no token, an unknown token, another organisation.
        let new = json!({"name": "wqx-new", "title": "新数据集", "owner_org": "wqx004"});
        assert_eq!(
            error_type(&post(&app, "package_create", &new, None).await),
            (403, "Authorization Error".into())
        );
        assert_eq!(
            error_type(&post(&app, "package_create", &new, Some("gk_unknown")).await),
            (403, "Authorization Error".into())
        );
        let elsewhere = json!({"name": "wqx-new", "title": "新数据集", "owner_org": "wqx010"});
        assert_eq!(
            error_type(&post(&app, "package_create", &elsewhere, Some(&token)).await),
            (403, "Authorization Error".into())
        );

        // A patch and a linked resource send a published dataset back to review.
        let patched = result(post(&app, "package_patch", &json!({"id": "wqx-dibao-2025", "title": "2025年各乡镇低保人数统计（更正）", "tags": [{"name": "低保"}, {"name": "民生"}]}), Some(&token)).await);
        assert_eq!(patched["state"], json!("draft"));
        assert_eq!(patched["num_tags"], json!(2));
        assert_eq!(patched["notes"], json!("说明"));
        let link = json!({"package_id": "wqx-budget-2026", "url": "https://example.gov.cn/api/budget", "format": "api", "name": "接口"});
        let res = result(post(&app, "resource_create", &link, Some(&token)).await);
        assert_eq!(res["format"], json!("API"));
        let ftp = json!({"package_id": "wqx-budget-2026", "url": "ftp://example.gov.cn/a.csv"});
        let answer = post(&app, "resource_create", &ftp, Some(&token)).await;
        assert_eq!(error_type(&answer), (409, "Validation Error".into()));
        assert!(answer.1["error"]["url"].is_array());
        let list = result(get(&app, "package_list", "").await);
        assert!(names(&list).is_empty(), "{list}");

        // Every write was audited under the token's owner.
        let audited: i64 = must(
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'dataset.%' AND actor = 'editor'",
            )
            .fetch_one(app.store.pool())
            .await,
        );
        assert!(audited >= 8, "{audited}");
    }
}

#[tokio::test]
async fn a_conditional_datasets_resources_give_no_address_and_no_hash() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        crate::data::dataset(&app, "wqx-open", "无条件开放的数据", "unconditional", true).await;
        let cond =
            crate::data::dataset(&app, "wqx-cond", "有条件开放的数据", "conditional", true).await;
        crate::data::add_link(&app, cond, "https://data.example.gov.cn/secret-link.html").await;

        let open = result(get(&app, "package_show", "id=wqx-open").await);
        let res = &open["resources"][0];
        assert!(
            res["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/download")),
            "{res}"
        );
        assert_eq!(res["hash"].as_str().map(str::len), Some(64), "{res}");

        let shown = result(get(&app, "package_show", "id=wqx-cond").await);
        let resources = shown["resources"].as_array().cloned().unwrap_or_default();
        assert_eq!(resources.len(), 2, "{engine:?}: {shown}");
        for res in &resources {
            assert_eq!(res["url"], json!(""), "{engine:?}: {res}");
            assert_eq!(res["hash"], json!(""), "{engine:?}: {res}");
            let one = result(
                get(
                    &app,
                    "resource_show",
                    &format!("id={}", res["id"].as_str().unwrap_or_default()),
                )
                .await,
            );
            assert_eq!(one["url"], json!(""), "{one}");
            assert_eq!(one["hash"], json!(""), "{one}");
        }
        assert!(!shown.to_string().contains("secret-link"), "{shown}");
    }
}
