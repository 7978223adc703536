//! A node that loses PostgreSQL for ten seconds: meanwhile it answers 503 with the Chinese page
//! (and `Retry-After`), and when the database is back it serves again by itself, without a
//! restart. The node reaches the database through a proxy in this test that can cut every
//! connection and refuse new ones, as a failed network or a restarting server would.

use std::time::{Duration, Instant};

use gongkai_store::Engine;
use gongkai_store::testing::TestDb;
use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::support::{Server, add_county, must};

/// Forwards connections to PostgreSQL while `down` is false; when it turns true, every open
/// connection is cut and new ones are closed as soon as they arrive.
async fn proxy(upstream: String) -> (u16, watch::Sender<bool>) {
    let listener = must(TcpListener::bind("127.0.0.1:0").await);
    let port = must(listener.local_addr()).port();
    let (down_tx, down) = watch::channel(false);
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            if *down.borrow() {
                drop(inbound);
                continue;
            }
            let mut down = down.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(&upstream).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = down.wait_for(|d| *d) => {}
                }
            });
        }
    });
    (port, down_tx)
}

async fn get(client: &reqwest::Client, url: &str) -> (StatusCode, Option<String>, String) {
    let r = must(client.get(url).send().await);
    let retry = r
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (r.status(), retry, must(r.text().await))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_loses_postgresql_answers_503_and_recovers_without_a_restart() {
    let db = TestDb::new(Engine::Postgres).await;
    add_county(&db);
    // The database's host:port, from `postgres://user@host:port/name`.
    let after_scheme = db.url.split("://").nth(1).unwrap_or_default();
    let authority = after_scheme.split('/').next().unwrap_or_default();
    let upstream = authority.rsplit('@').next().unwrap_or_default().to_owned();
    assert!(upstream.contains(':'), "no host:port in {}", db.url);
    let (port, down) = proxy(upstream.clone()).await;
    let via_proxy = db.url.replacen(&upstream, &format!("127.0.0.1:{port}"), 1);
    let node = Server::start_at(
        &db,
        &via_proxy,
        &[],
        &[("GONGKAI_DEMO_CORPUS", "/nonexistent")],
    );
    let client = must(
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build(),
    );
    // Each page asked for once (a new query string), so the page cache cannot answer it.
    let mut n = 0;
    let mut page = || {
        n += 1;
        format!("{}/xxgk/list?outage={n}", node.url)
    };
    assert_eq!(get(&client, &page()).await.0, StatusCode::OK);
    assert_eq!(
        get(&client, &format!("{}/healthz", node.url)).await.0,
        StatusCode::OK
    );

    must(down.send(true));
    let cut = Instant::now();
    let (status, retry, body) = get(&client, &page()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry.as_deref(), Some("5"));
    assert!(body.contains("暂时无法连接数据库"), "{body}");
    let (status, _, body) = get(&client, &format!("{}/healthz", node.url)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("\"unavailable\""), "{body}");
    let (status, _, body) = get(&client, &format!("{}/api/v1/records", node.url)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("database_unavailable"), "{body}");
    // Ten seconds without the database.
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(cut.elapsed())).await;
    assert_eq!(
        get(&client, &page()).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );

    must(down.send(false));
    let back = Instant::now();
    loop {
        let (status, _, body) = get(&client, &page()).await;
        if status == StatusCode::OK {
            assert!(body.contains("乌恰县人民政府"), "{body}");
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "still {status} 15 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        get(&client, &format!("{}/healthz", node.url)).await.0,
        StatusCode::OK
    );
    let (stopped, _) = node.terminate();
    assert!(stopped, "the node stops cleanly");
}
