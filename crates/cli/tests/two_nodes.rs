//! Two `gongkai serve` processes on one PostgreSQL database, as a county runs them behind a load
//! balancer: a record withdrawn on one node leaves the other node's page cache within two
//! seconds (each node follows the change feed).

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
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{url}");
    r.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
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
async fn a_withdrawal_on_one_node_leaves_the_other_nodes_cache_within_two_seconds() {
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
    let id: i64 = location
        .trim_start_matches("/admin/records/")
        .split(['/', '?'])
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{location}"));
    post(&editor, format!("{}/admin/records/{id}/submit", a.url), &[]).await;
    post(
        &reviewer,
        format!("{}/admin/records/{id}/review", a.url),
        &[
            ("decision", "approve"),
            ("disclosure", "proactive"),
            ("screening_note", "已逐项核实，可以公开"),
        ],
    )
    .await;
    let store = must(Store::open(&db.url).await);
    let rec = must(gongkai_store::records::get(&store, id).await);
    store.close().await;
    let page = format!("{}/xxgk/{}", b.url, rec.index_no.unwrap_or_default());

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
    let (ok_a, _) = a.terminate();
    let (ok_b, _) = b.terminate();
    assert!(ok_a && ok_b, "both nodes stop cleanly");
}
