//! Two `gongkai serve` processes on one PostgreSQL database, each with its own data folder, as a
//! county runs them behind a load balancer: a session made on one node works on the other; a
//! record published on one node is on the other's pages and in its search within two seconds,
//! with the attachment uploaded on the first node downloading from the second (blobs live in the
//! database); a withdrawal leaves the other node's page cache within two seconds (each node
//! follows the change feed and hears it grow); a scheduled publication is announced exactly once
//! though both nodes look for due publications.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use gongkai_store::testing::TestDb;
use gongkai_store::{Engine, Store};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use crate::support::{Server, add_county, command, must, stderr};

const PASSWORD: &str = "Cache-Node-2026-wq";

/// `gongkai user add` with the password on standard input.
fn add_user(db: &TestDb, username: &str, role: &str) {
    let mut child = must(
        command(db)
            .args(["user", "add", "--username", username, "--name", username])
            .args(["--org", "WQX001", "--role", role, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn(),
    );
    if let Some(mut stdin) = child.stdin.take() {
        must(writeln!(stdin, "{PASSWORD}"));
    }
    let out = must(child.wait_with_output());
    assert!(out.status.success(), "user add: {}", stderr(&out));
}

/// A signed-in member of staff on `base`: the client (with cookies) and the CSRF token.
async fn login(base: &str, username: &str) -> (reqwest::Client, String) {
    let c = must(
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build(),
    );
    let form = must(
        must(c.get(format!("{base}/admin/login")).send().await)
            .text()
            .await,
    );
    let marker = "name=\"csrf_token\" value=\"";
    let token: String = form
        .split(marker)
        .nth(1)
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect())
        .unwrap_or_else(|| panic!("no token: {form}"));
    let r = must(
        c.post(format!("{base}/admin/login"))
            .form(&[
                ("username", username),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", "/admin"),
            ])
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login {username}");
    (c, token)
}

async fn post(staff: &(reqwest::Client, String), url: String, fields: &[(&str, &str)]) -> String {
    let mut form = fields.to_vec();
    form.push(("csrf_token", &staff.1));
    let r = must(staff.0.post(&url).form(&form).send().await);
    let location = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let status = r.status();
    if status != StatusCode::SEE_OTHER {
        let page = must(r.text().await);
        let said = page.split("role=\"alert\"").nth(1).unwrap_or(&page);
        panic!(
            "{url}: {status}: {}",
            said.chars().take(400).collect::<String>()
        );
    }
    location
}

/// The record id in a `/admin/records/{id}…` redirect.
fn location_id(location: &str) -> i64 {
    location
        .trim_start_matches("/admin/records/")
        .split(['/', '?'])
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{location}"))
}

async fn text(url: &str) -> String {
    must(must(reqwest::get(url).await).text().await)
}

async fn cache_hits(base: &str) -> u64 {
    let metrics = text(&format!("{base}/metrics")).await;
    metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix("gongkai_page_cache_hits_total ")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("{metrics}"))
}

#[tokio::test]
async fn two_nodes_on_one_database_share_sessions_records_search_files_and_schedules() {
    let db = TestDb::new(Engine::Postgres).await;
    add_county(&db);
    add_user(&db, "editor", "editor");
    add_user(&db, "reviewer", "reviewer");
    let no_corpus = [("GONGKAI_DEMO_CORPUS", "/nonexistent")];
    let a = Server::start_with_env(&db, &[], &no_corpus);
    // Node B has its own data folder (its own search index) and shares the audit key.
    let b_data = db.dir.join("node-b");
    let key = db.dir.join("gongkai-data").join("audit.key");
    let key = key.to_string_lossy().into_owned();
    let b = Server::start_with_env(
        &db,
        &["--data", &b_data.to_string_lossy()],
        &[no_corpus[0], ("GONGKAI_AUDIT_KEY_FILE", key.as_str())],
    );

    let editor = login(&a.url, "editor").await;
    let reviewer = login(&a.url, "reviewer").await;
    let location = post(
        &editor,
        format!("{}/admin/records/new", a.url),
        &[
            ("title", "两节点缓存测试通知"),
            ("kind", "notice"),
            ("org", "WQX001"),
            ("written_on", "2026-11-20"),
            ("theme", "综合政务\\政务公开"),
            ("body", "为做好政务公开工作，现通知如下。"),
            ("columns", "tzgg"),
        ],
    )
    .await;
    let id = location_id(&location);
    // The session made on node A works on node B (sessions live in the database; cookies are
    // kept per host, so the same client carries them to B).
    let desk = must(editor.0.get(format!("{}/admin", b.url)).send().await);
    assert_eq!(desk.status(), StatusCode::OK, "A's session is good on B");
    let pdf = gongkai_content::fixtures::pdf();
    let upload = must(
        editor
            .0
            .post(format!(
                "{}/admin/records/{id}/attachments?csrf_token={}",
                a.url, editor.1
            ))
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(pdf.clone()).file_name("两节点附件.pdf"),
            ))
            .send()
            .await,
    );
    assert_eq!(upload.status(), StatusCode::SEE_OTHER, "upload on A");
    post(&editor, format!("{}/admin/records/{id}/submit", a.url), &[]).await;
    post(
        &reviewer,
        format!("{}/admin/records/{id}/review", a.url),
        &[
            ("decision", "approve"),
            ("disclosure", "proactive"),
            // The attached sample PDF carries a 内部资料 mark: the reviewer names the ground.
            ("secret_ground", "released_by_issuer"),
            ("screening_note", "已逐项核实，可以公开"),
        ],
    )
    .await;
    let approved = Instant::now();
    let store = must(Store::open(&db.url).await);
    let rec = must(gongkai_store::records::get(&store, id).await);
    let page = format!("{}/xxgk/{}", b.url, rec.index_no.unwrap_or_default());

    // On B's search within two seconds of the approval on A.
    let search = format!("{}/api/v1/search?q=两节点缓存测试通知", b.url);
    while !text(&search).await.contains("\"total\":1") {
        assert!(
            approved.elapsed() < Duration::from_secs(2),
            "node B's search does not find the record 2 s after its publication on A"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The attachment uploaded on A downloads from B, whose data folder never saw it.
    let shown = text(&page).await;
    let link = shown
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|href| href.starts_with("/files/"))
        .unwrap_or_else(|| panic!("no attachment link on B's page: {shown}"));
    let file = must(reqwest::get(format!("{}{link}", b.url)).await);
    assert_eq!(file.status(), StatusCode::OK, "{link}");
    assert_eq!(must(file.bytes().await).as_ref(), pdf.as_slice());

    // Node B keeps the page. Until B has followed the feed past the publication's last rows, a
    // page it keeps may be dropped by its own catching up; after that the second view is a hit.
    let started = Instant::now();
    loop {
        assert!(text(&page).await.contains("两节点缓存测试通知"));
        let hits = cache_hits(&b.url).await;
        assert!(!text(&page).await.contains("本信息已撤回"));
        if cache_hits(&b.url).await == hits + 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "node B never answers from memory"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    post(
        &reviewer,
        format!("{}/admin/records/{id}/withdraw", a.url),
        &[("reason", "两节点撤回测试")],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if text(&page).await.contains("本信息已撤回") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "node B still shows the withdrawn record as published after 2 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A scheduled publication: both nodes look for due publications every few seconds; the
    // announcement (the feed row every follower acts on) is made exactly once.
    let later = location_id(
        &post(
            &editor,
            format!("{}/admin/records/new", a.url),
            &[
                ("title", "两节点定时发布测试"),
                ("kind", "notice"),
                ("org", "WQX001"),
                ("written_on", "2026-11-21"),
                ("theme", "综合政务\\政务公开"),
                ("body", "定时发布的通知正文。"),
                ("columns", "tzgg"),
            ],
        )
        .await,
    );
    post(
        &editor,
        format!("{}/admin/records/{later}/submit", a.url),
        &[],
    )
    .await;
    let next_minute = (chrono::Utc::now() + chrono::Duration::minutes(2))
        .with_timezone(&gongkai_domain::time::beijing())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    post(
        &reviewer,
        format!("{}/admin/records/{later}/review", a.url),
        &[
            ("decision", "approve"),
            ("disclosure", "proactive"),
            ("publish_at", &next_minute),
            ("screening_note", "已逐项核实，可以公开"),
        ],
    )
    .await;
    let announced = |store: Store| async move {
        must(
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM change_feed WHERE object_type = 'record' \
                 AND object_id = $1 AND change = 'published'",
            )
            .bind(later.to_string())
            .fetch_one(store.pool())
            .await,
        )
    };
    assert_eq!(
        announced(store.clone()).await,
        0,
        "not announced before its time"
    );
    // The clock moved on: the time comes in two seconds.
    must(
        sqlx::query("UPDATE records SET published_at = $1 WHERE id = $2")
            .bind(gongkai_store::ts(
                chrono::Utc::now() + chrono::Duration::seconds(2),
            ))
            .bind(later)
            .execute(store.pool())
            .await,
    );
    let scheduled = Instant::now();
    while announced(store.clone()).await == 0 {
        assert!(
            scheduled.elapsed() < Duration::from_secs(15),
            "the scheduled publication was never announced"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Both nodes' schedulers run again past it: still one announcement.
    tokio::time::sleep(gongkai_jobs::SCHEDULE_EVERY + Duration::from_secs(1)).await;
    assert_eq!(announced(store.clone()).await, 1, "announced exactly once");
    store.close().await;

    let (ok_a, _) = a.terminate();
    let (ok_b, _) = b.terminate();
    assert!(ok_a && ok_b, "both nodes stop cleanly");
}
