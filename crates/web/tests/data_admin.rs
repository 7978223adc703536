//! Open data in the back office, over HTTP on both engines: a dataset from the form through
//! review (its author never approves it) to the public catalogue; an uploaded CSV shown with the
//! loader's progress bar while a load is claimed, then loaded and previewed; an upload over the
//! dataset limit (declared, or streamed past it) refused in Chinese with nothing stored; API
//! tokens made, shown once and revoked (a revoked one is CKAN's Authorization Error); and CKAN's
//! `resource_create` with a multipart upload.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{App, PASSWORD, Session, assert_has_all, must, spawn_app_with, wait_until};
use gongkai_store::testing::ENGINES;

const CSV: &str = "乡镇,人数\n乌恰镇,120\n黑孜苇乡,85\n";

/// The dataset form's fields for `name`, with `extra` written over them.
fn dataset_fields<'a>(
    name: &'a str,
    title: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", name),
        ("title", title),
        ("org", "WQX004"),
        ("license_id", "cc-by"),
        ("frequency", "yearly"),
        ("openness", "unconditional"),
        ("groups", "finance"),
        ("tags", "预算, 财政"),
        ("notes", "各乡镇的统计数据"),
    ];
    for (k, v) in extra {
        fields.retain(|(key, _)| key != k);
        fields.push((k, v));
    }
    fields
}

/// Creates a dataset through the form as `who` and returns its id.
async fn create(who: &Session, name: &str, title: &str) -> i64 {
    let r = who
        .post("/admin/data/new", &dataset_fields(name, title, &[]))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "create {name}");
    let at = crate::support::header(&r, "location");
    must(at.trim_start_matches("/admin/data/").parse::<i64>())
}

async fn step(who: &Session, id: i64, step: &str, reason: &str) -> reqwest::Response {
    who.post(
        &format!("/admin/data/{id}/step"),
        &[("step", step), ("reason", reason)],
    )
    .await
}

fn config(max_dataset: usize) -> impl FnOnce(&mut gongkai_web::WebConfig) {
    move |c| {
        c.max_upload_bytes = 1024 * 1024;
        c.max_dataset_upload_bytes = max_dataset;
    }
}

#[tokio::test]
async fn a_dataset_goes_from_the_form_through_review_to_the_catalogue() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, config(4 * 1024 * 1024)).await;
        let editor = Session::login(&app, "editor").await;
        let reviewer = Session::login(&app, "reviewer").await;
        let both = Session::login(&app, "both").await;

        // The list and the form are there; the navigation leads to them.
        let list = editor.get_text("/admin/data").await;
        assert_has_all(
            &list,
            &["开放数据", "href=\"/admin/data/new\"", "暂无数据集"],
        );
        assert_eq!(editor.get_status("/admin/data/new").await, StatusCode::OK);

        // Refusals name their fields: conditions for 有条件开放, a legal ground for 不予开放.
        let refused = editor
            .post(
                "/admin/data/new",
                &dataset_fields("wqx-cond", "低保明细", &[("openness", "conditional")]),
            )
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let html = must(refused.text().await);
        assert_has_all(
            &html,
            &[
                "有条件开放的数据集请写明开放条件",
                "id=\"e-conditions\"",
                "低保明细",
            ],
        );
        let refused = editor
            .post(
                "/admin/data/new",
                &dataset_fields("wqx-closed", "涉密数据", &[("openness", "closed")]),
            )
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert_has_all(
            &must(refused.text().await),
            &["不予开放的数据集请写明法律依据"],
        );
        let refused = editor
            .post("/admin/data/new", &dataset_fields("x", "", &[]))
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

        // Created, then its name is taken.
        let id = create(&editor, "wqx-budget", "乌恰县财政预算").await;
        let taken = editor
            .post(
                "/admin/data/new",
                &dataset_fields("wqx-budget", "重复", &[]),
            )
            .await;
        assert_eq!(taken.status(), StatusCode::BAD_REQUEST);

        // Edited; not yet public.
        let edited = editor
            .post(
                &format!("/admin/data/{id}/edit"),
                &dataset_fields("wqx-budget", "乌恰县财政预算（2026）", &[]),
            )
            .await;
        assert_eq!(edited.status(), StatusCode::SEE_OTHER);
        let anonymous = Session::anonymous(&app).await;
        assert_eq!(
            anonymous.get_status("/data/wqx-budget").await,
            StatusCode::NOT_FOUND
        );

        // A dataset written by a member who also reviews: they may not approve it.
        let own = create(&both, "wqx-own", "自编自审").await;
        assert_eq!(
            step(&both, own, "submit", "").await.status(),
            StatusCode::SEE_OTHER
        );
        let refused = step(&both, own, "approve", "").await;
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{engine:?}");
        assert_has_all(&must(refused.text().await), &["不能审核自己提交的数据集"]);
        // A return needs its reason; with one the author sees it.
        assert_eq!(
            step(&reviewer, own, "return", "").await.status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            step(&reviewer, own, "return", "请补充数据说明")
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_has_all(
            &both.get_text(&format!("/admin/data/{own}")).await,
            &["退回", "请补充数据说明"],
        );

        // The editor cannot approve; submitted, the reviewer approves it and it is public.
        assert_eq!(
            step(&editor, id, "submit", "").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(&editor, id, "approve", "").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            step(&reviewer, id, "approve", "").await.status(),
            StatusCode::SEE_OTHER
        );
        let page = editor.get_text(&format!("/admin/data/{id}")).await;
        assert_has_all(
            &page,
            &[
                "已发布",
                "href=\"/data/wqx-budget\"",
                "审核通过并发布数据集",
            ],
        );
        let public = anonymous.get_text("/data/wqx-budget").await;
        assert_has_all(&public, &["乌恰县财政预算（2026）", "无条件开放"]);
        let list = reviewer.get_text("/admin/data").await;
        assert_has_all(
            &list,
            &["乌恰县财政预算（2026）", "已发布", "自编自审", "退回"],
        );
    }
}

/// The next id a resource will get (a fresh database's ids follow one another).
async fn next_resource_id(app: &App) -> i64 {
    let max: Option<i64> = must(
        sqlx::query_scalar("SELECT MAX(id) FROM dataset_resources")
            .fetch_one(app.store.pool())
            .await,
    );
    max.unwrap_or(0) + 1
}

#[tokio::test]
async fn an_uploaded_csv_shows_the_loaders_progress_then_its_preview() {
    use gongkai_store::datastore;
    for engine in ENGINES {
        let app = spawn_app_with(engine, config(4 * 1024 * 1024)).await;
        let editor = Session::login(&app, "editor").await;
        let reviewer = Session::login(&app, "reviewer").await;
        let id = create(&editor, "wqx-dibao", "各乡镇低保人数").await;

        // A load claimed before the file arrives holds the loader off: the page shows the bar.
        let resource = next_resource_id(&app).await;
        let owner = must(datastore::claim(&app.store, resource, 1000).await);
        let owner = owner.unwrap_or_else(|| panic!("{engine:?}: the claim was refused"));
        let r = editor
            .post_multipart(
                &format!("/admin/data/{id}/resources"),
                &[("name", "低保人数"), ("description", "2026 年")],
                vec![("file", "dibao.csv", CSV.as_bytes().to_vec())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let stored: i64 = must(
            sqlx::query_scalar("SELECT id FROM dataset_resources WHERE name = '低保人数'")
                .fetch_one(app.store.pool())
                .await,
        );
        assert_eq!(stored, resource);
        let progress = datastore::Progress { rows: 1, bytes: 500 };
        must(datastore::beat(&app.store, resource, &owner, progress).await);
        let page = editor.get_text(&format!("/admin/data/{id}")).await;
        assert_has_all(
            &page,
            &["<progress", "value=\"50\"", "载入中", "CSV", "dibao.csv"],
        );
        assert_eq!(
            step(&editor, id, "submit", "").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            step(&reviewer, id, "approve", "").await.status(),
            StatusCode::SEE_OTHER
        );
        let public = Session::anonymous(&app).await;
        assert_has_all(
            &public.get_text("/data/wqx-dibao").await,
            &["<progress", "数据正在载入"],
        );

        // Released, the loader takes the file and the preview replaces the bar.
        must(datastore::release(&app.store, resource, &owner).await);
        let url = format!("/admin/data/{id}");
        wait_until(
            &format!("{engine:?}: the CSV was not loaded"),
            Duration::from_secs(30),
            async || editor.get_text(&url).await.contains("已载入，共"),
        )
        .await;
        let page = editor.get_text(&url).await;
        assert_has_all(
            &page,
            &["已载入，共 2 行", "黑孜苇乡", "<th scope=\"col\">人数</th>"],
        );
        assert!(!page.contains("<progress"), "{page}");
        assert_has_all(
            &editor.get_text("/admin/data").await,
            &["低保人数：已载入，共 2 行"],
        );
        // The public page follows once its kept copy is cleared by the change feed.
        wait_until(
            &format!("{engine:?}: the public page kept its progress bar"),
            Duration::from_secs(30),
            async || {
                public
                    .get_text("/data/wqx-dibao")
                    .await
                    .contains("黑孜苇乡")
            },
        )
        .await;
        assert_has_all(&public.get_text("/data/wqx-dibao").await, &["前 2 行"]);

        // A file that is neither CSV, XLSX, JSON nor PDF is refused by its content.
        let refused = editor
            .post_multipart(
                &format!("/admin/data/{id}/resources"),
                &[],
                vec![("file", "page.csv", b"<html><body>x</body></html>".to_vec())],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_has_all(
            &must(refused.text().await),
            &["数据资源只接受 CSV、XLSX、JSON 或 PDF 文件"],
        );
        // A JSON file and a link are taken.
        let json_file = editor
            .post_multipart(
                &format!("/admin/data/{id}/resources"),
                &[("name", "接口样例")],
                vec![("file", "sample.json", br#"{"rows": [1, 2]}"#.to_vec())],
            )
            .await;
        assert_eq!(json_file.status(), StatusCode::SEE_OTHER);
        let link = editor
            .post(
                &format!("/admin/data/{id}/links"),
                &[
                    ("url", "https://data.example.cn/dibao"),
                    ("name", "自治区平台"),
                    ("format", "html"),
                ],
            )
            .await;
        assert_eq!(link.status(), StatusCode::SEE_OTHER);
        let page = editor.get_text(&url).await;
        assert_has_all(
            &page,
            &["接口样例", "JSON", "自治区平台（外部链接）", "待审核"],
        );
    }
}

/// Sign-in cookies and the CSRF token of `user`, for a request written by hand.
async fn raw_login(app: &App, user: &str) -> (String, String) {
    let c = must(
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build(),
    );
    let cookies = |r: &reqwest::Response| -> Vec<String> {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::to_owned)
            .collect()
    };
    let page = must(c.get(format!("{}/admin/login", app.base)).send().await);
    let mut jar = cookies(&page);
    let token = crate::support::csrf_token(&must(page.text().await), "/admin/login");
    let r = must(
        c.post(format!("{}/admin/login", app.base))
            .header("cookie", jar.join("; "))
            .form(&[
                ("username", user),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", "/admin"),
            ])
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    jar.extend(cookies(&r));
    (jar.join("; "), token)
}

/// Sends a multipart POST written by hand: `declared` as its Content-Length (else chunked),
/// then the file part's bytes up to `send` bytes, reading the answer while writing. Returns the
/// status and what came of the body.
async fn raw_upload(
    app: &App,
    path: &str,
    headers: &[(&str, &str)],
    field: &str,
    declared: Option<u64>,
    send: usize,
) -> (u16, String) {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let stream = must(tokio::net::TcpStream::connect(&addr).await);
    let (mut rd, mut wr) = stream.into_split();
    let boundary = "gkboundary7MA4YWxk";
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    head.push_str(&format!(
        "Content-Type: multipart/form-data; boundary={boundary}\r\n"
    ));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match declared {
        Some(n) => head.push_str(&format!("Content-Length: {n}\r\n\r\n")),
        None => head.push_str("Transfer-Encoding: chunked\r\n\r\n"),
    }
    let chunked = declared.is_none();
    let preamble = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"package_id\"\r\n\r\nwqx-big\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n乡镇,人数\n"
    );
    let writer = tokio::spawn(async move {
        let frame = |bytes: &[u8], chunked: bool| -> Vec<u8> {
            if !chunked {
                return bytes.to_vec();
            }
            let mut out = format!("{:x}\r\n", bytes.len()).into_bytes();
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
            out
        };
        if wr.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        if wr
            .write_all(&frame(preamble.as_bytes(), chunked))
            .await
            .is_err()
        {
            return;
        }
        let row = "乌恰镇,120\n".repeat(1000);
        let mut sent = 0;
        while sent < send {
            if wr.write_all(&frame(row.as_bytes(), chunked)).await.is_err() {
                return;
            }
            sent += row.len();
        }
        let _ = wr
            .write_all(&frame(
                format!("\r\n--{boundary}--\r\n").as_bytes(),
                chunked,
            ))
            .await;
        if chunked {
            let _ = wr.write_all(b"0\r\n\r\n").await;
        }
    });
    let mut answer = Vec::new();
    let mut buf = vec![0_u8; 64 * 1024];
    let read = async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(20), read).await;
    writer.abort();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    (status, text)
}

/// Nothing of a refused upload is left: no resource row, no blob, no spooled file.
async fn assert_nothing_stored(app: &App, why: &str) {
    let rows: i64 = must(
        sqlx::query_scalar("SELECT COUNT(*) FROM dataset_resources")
            .fetch_one(app.store.pool())
            .await,
    );
    assert_eq!(rows, 0, "{why}: a resource row");
    let blobs: i64 = must(
        sqlx::query_scalar("SELECT COUNT(*) FROM blobs")
            .fetch_one(app.store.pool())
            .await,
    );
    assert_eq!(blobs, 0, "{why}: a blob row");
    let data = &app.state.config.data_dir;
    let files = std::fs::read_dir(data.join("files"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 0, "{why}: a blob file");
    let spooled: Vec<String> = std::fs::read_dir(data.join("tmp"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(spooled.is_empty(), "{why}: spooled files {spooled:?}");
}

#[tokio::test]
async fn an_upload_over_the_dataset_limit_is_refused_and_leaves_nothing() {
    for engine in ENGINES {
        // 256 KiB for open-data files here (200 MB by default).
        let app = spawn_app_with(engine, config(256 * 1024)).await;
        let editor = Session::login(&app, "editor").await;
        let id = create(&editor, "wqx-big", "大表").await;
        let (cookie, token) = raw_login(&app, "editor").await;
        let path = format!("/admin/data/{id}/resources?csrf_token={token}");
        let headers = [("Cookie", cookie.as_str())];

        // 2 GB declared: refused before the body is read.
        let (status, text) = raw_upload(
            &app,
            &path,
            &headers,
            "file",
            Some(2 * 1024 * 1024 * 1024),
            512 * 1024,
        )
        .await;
        assert_eq!(status, 413, "{engine:?}: {text}");
        assert!(text.contains("过大") || text.contains("不能超过"), "{text}");
        assert_nothing_stored(&app, &format!("{engine:?}, declared")).await;

        // No length declared, streamed past the limit: refused once the file passes it.
        let (status, text) = raw_upload(&app, &path, &headers, "file", None, 1024 * 1024).await;
        assert_eq!(status, 413, "{engine:?}: {text}");
        assert!(
            text.contains("数据文件不能超过 256 KB，本次上传未保存任何内容"),
            "{text}"
        );
        assert_nothing_stored(&app, &format!("{engine:?}, streamed")).await;

        // The same through the CKAN API with a token.
        let token = api_token(&editor, "同步脚本").await;
        let auth = [("Authorization", token.as_str())];
        let (status, text) = raw_upload(
            &app,
            "/api/3/action/resource_create",
            &auth,
            "upload",
            None,
            1024 * 1024,
        )
        .await;
        assert_eq!(status, 409, "{engine:?}: {text}");
        assert_has_all(
            &text,
            &["Validation Error", "upload", "本次上传未保存任何内容"],
        );
        assert_nothing_stored(&app, &format!("{engine:?}, CKAN")).await;
    }
}

/// Makes an API token on the tokens page and returns it.
async fn api_token(who: &Session, name: &str) -> String {
    let r = who.post("/admin/data/tokens", &[("name", name)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = must(r.text().await);
    let marker = "id=\"new-token\" type=\"text\" readonly value=\"";
    let start = html.find(marker).map(|i| i + marker.len());
    let token = start
        .and_then(|i| html[i..].split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert!(token.starts_with("gk_"), "{html}");
    token
}

async fn ckan(app: &App, token: &str, action: &str, body: Value) -> (StatusCode, Value) {
    let r = must(
        reqwest::Client::new()
            .post(format!("{}/api/3/action/{action}", app.base))
            .header("Authorization", token)
            .json(&body)
            .send()
            .await,
    );
    let status = r.status();
    (status, must(r.json::<Value>().await))
}

#[tokio::test]
async fn api_tokens_are_shown_once_listed_and_revoked() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, config(4 * 1024 * 1024)).await;
        let editor = Session::login(&app, "editor").await;
        let editor2 = Session::login(&app, "editor2").await;
        let refused = editor.post("/admin/data/tokens", &[("name", "  ")]).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert_has_all(&must(refused.text().await), &["请填写令牌用途"]);

        let token = api_token(&editor, "统计局同步").await;
        let list = editor.get_text("/admin/data/tokens").await;
        assert_has_all(&list, &["统计局同步", "有效"]);
        assert!(!list.contains(&token), "a token is shown once");
        assert!(
            !editor2
                .get_text("/admin/data/tokens")
                .await
                .contains("统计局同步")
        );

        let dataset = json!({"name": "wqx-api", "title": "接口数据集", "owner_org": "WQX004"});
        let (status, body) = ckan(&app, &token, "package_create", dataset).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Another member cannot revoke it; its owner can.
        let id: i64 = must(
            sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = '统计局同步'")
                .fetch_one(app.store.pool())
                .await,
        );
        let path = format!("/admin/data/tokens/{id}/revoke");
        assert_eq!(editor2.post_status(&path, &[]).await, StatusCode::NOT_FOUND);
        assert_eq!(editor.post_status(&path, &[]).await, StatusCode::SEE_OTHER);
        assert_has_all(&editor.get_text("/admin/data/tokens").await, &["撤销"]);
        let again = json!({"name": "wqx-api-2", "title": "再建", "owner_org": "WQX004"});
        let (status, body) = ckan(&app, &token, "package_create", again).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["__type"], "Authorization Error");

        let actions: Vec<String> = must(gongkai_store::audit::recent(&app.store, 50, None).await)
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            actions.iter().any(|a| a == "api_token.create"),
            "{actions:?}"
        );
        assert!(
            actions.iter().any(|a| a == "api_token.revoke"),
            "{actions:?}"
        );
    }
}

#[tokio::test]
async fn ckan_resource_create_takes_a_multipart_upload() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, config(4 * 1024 * 1024)).await;
        let editor = Session::login(&app, "editor").await;
        let token = api_token(&editor, "ckanapi").await;
        let dataset = json!({"name": "wqx-upload", "title": "上传的数据", "owner_org": "WQX004"});
        let (status, body) = ckan(&app, &token, "package_create", dataset).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // As ckanapi sends it: the fields and the file in `upload`.
        let form = reqwest::multipart::Form::new()
            .text("package_id", "wqx-upload")
            .text("name", "低保人数")
            .part(
                "upload",
                reqwest::multipart::Part::bytes(CSV.as_bytes().to_vec()).file_name("dibao.csv"),
            );
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/action/resource_create", app.base))
                .header("Authorization", &token)
                .multipart(form)
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        let body: Value = must(r.json().await);
        let result = &body["result"];
        assert_eq!(result["format"], "CSV", "{body}");
        assert_eq!(result["url_type"], "upload");
        assert_eq!(result["size"], CSV.len());
        let uuid = result["id"].as_str().unwrap_or_default().to_owned();

        // The loader loads it; the dataset waits for review.
        let shown = async || {
            let (_, b) = ckan(&app, &token, "resource_show", json!({"id": uuid})).await;
            b["result"]["datastore_active"] == Value::Bool(true)
        };
        wait_until(
            &format!("{engine:?}: not loaded"),
            Duration::from_secs(30),
            shown,
        )
        .await;
        let (_, b) = ckan(&app, &token, "package_show", json!({"id": "wqx-upload"})).await;
        assert_eq!(b["result"]["state"], "draft", "{b}");

        // Without a token: CKAN's Authorization Error, nothing stored.
        let form = reqwest::multipart::Form::new()
            .text("package_id", "wqx-upload")
            .part(
                "upload",
                reqwest::multipart::Part::bytes(b"a,b\n1,2\n".to_vec()).file_name("x.csv"),
            );
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/3/action/resource_create", app.base))
                .multipart(form)
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let rows: i64 = must(
            sqlx::query_scalar("SELECT COUNT(*) FROM dataset_resources")
                .fetch_one(app.store.pool())
                .await,
        );
        assert_eq!(rows, 1);
    }
}

#[tokio::test]
async fn staff_of_another_organisation_cannot_touch_a_dataset() {
    use gongkai_domain::role::Role;
    use gongkai_store::testing::{add_orgs, add_staff};
    for engine in ENGINES {
        let app = spawn_app_with(engine, config(4 * 1024 * 1024)).await;
        add_orgs(&app.store, &[("WQX010", "乌恰县民政局", Some("WQX001"))]).await;
        add_staff(
            &app.store,
            "outsider",
            "outsider",
            "WQX010",
            vec![Role::Editor, Role::Reviewer],
        )
        .await;
        let editor = Session::login(&app, "editor").await;
        let outsider = Session::login(&app, "outsider").await;
        let id = create(&editor, "wqx-own", "财政局的数据").await;
        assert_eq!(
            step(&editor, id, "submit", "").await.status(),
            StatusCode::SEE_OTHER
        );
        let refused = |s: StatusCode| s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND;
        let token = api_token(&outsider, "外单位").await;
        let reviewer = Session::login(&app, "reviewer").await;

        // Submitted (hidden from outsiders), then published (public, yet not theirs to change).
        for published in [false, true] {
            if published {
                assert_eq!(
                    step(&reviewer, id, "approve", "").await.status(),
                    StatusCode::SEE_OTHER
                );
            }
            for path in [format!("/admin/data/{id}/edit")]
                .into_iter()
                .chain((!published).then(|| format!("/admin/data/{id}")))
            {
                let s = outsider.get_status(&path).await;
                assert!(refused(s), "{engine:?} GET {path}: {s}");
            }
            let fields = dataset_fields("wqx-own", "外单位改的标题", &[]);
            let s = outsider
                .post_status(&format!("/admin/data/{id}/edit"), &fields)
                .await;
            assert!(refused(s), "{engine:?} edit: {s}");
            for st in ["approve", "return", "submit"] {
                let s = step(&outsider, id, st, "外单位").await.status();
                assert!(refused(s), "{engine:?} step {st}: {s}");
            }
            let s = outsider
                .post_status(
                    &format!("/admin/data/{id}/links"),
                    &[
                        ("url", "https://example.gov.cn/x"),
                        ("name", "外链"),
                        ("format", "API"),
                    ],
                )
                .await;
            assert!(refused(s), "{engine:?} links: {s}");
            let s = outsider
                .post_multipart(
                    &format!("/admin/data/{id}/resources"),
                    &[("name", "外单位文件")],
                    vec![("file", "x.csv", CSV.as_bytes().to_vec())],
                )
                .await
                .status();
            assert!(refused(s), "{engine:?} resources: {s}");

            // CKAN with the outsider's own token: a link and an upload are refused — CKAN's
            // 403 once the dataset is public, its 404 while the dataset is hidden from them.
            let want = if published {
                (StatusCode::FORBIDDEN, "Authorization Error")
            } else {
                (StatusCode::NOT_FOUND, "Not Found Error")
            };
            let link =
                json!({"package_id": "wqx-own", "url": "https://example.gov.cn/x", "name": "外链"});
            let (status, body) = ckan(&app, &token, "resource_create", link).await;
            assert_eq!(status, want.0, "{engine:?}: {body}");
            assert_eq!(body["error"]["__type"], want.1);
            let form = reqwest::multipart::Form::new()
                .text("package_id", "wqx-own")
                .part(
                    "upload",
                    reqwest::multipart::Part::bytes(CSV.as_bytes().to_vec()).file_name("x.csv"),
                );
            let r = must(
                reqwest::Client::new()
                    .post(format!("{}/api/3/action/resource_create", app.base))
                    .header("Authorization", &token)
                    .multipart(form)
                    .send()
                    .await,
            );
            assert_eq!(r.status(), want.0, "{engine:?}");
            let body: Value = must(r.json().await);
            assert_eq!(body["error"]["__type"], want.1, "{body}");
        }

        // Nothing changed: no resource, the title and status as they were, no stray blob.
        let rows: i64 = must(
            sqlx::query_scalar("SELECT COUNT(*) FROM dataset_resources")
                .fetch_one(app.store.pool())
                .await,
        );
        assert_eq!(rows, 0, "{engine:?}");
        let (title, status): (String, String) = must(
            sqlx::query_as("SELECT title, status FROM datasets WHERE id = $1")
                .bind(id)
                .fetch_one(app.store.pool())
                .await,
        );
        assert_eq!(title, "财政局的数据");
        assert_eq!(status, "published");
        assert_nothing_stored(&app, "an outsider's upload").await;
    }
}
