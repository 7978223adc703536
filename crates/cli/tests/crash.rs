//! Nothing submitted by the public is lost once a receipt is shown: the server is killed with
//! SIGKILL while 50 clients submit applications, and every receipt that was returned is found
//! after restart, on both engines.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, applications};

use crate::support::{LOAD_TEST_ENV, Server, application_body, must};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_receipt_survives_sigkill() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let server = Server::start_with_env(&db, &["--demo"], LOAD_TEST_ENV);
        let receipts: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
        let client = must(
            reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build(),
        );
        let mut tasks = Vec::new();
        for worker in 0..50 {
            let (client, base, receipts) = (client.clone(), server.url.clone(), receipts.clone());
            tasks.push(tokio::spawn(async move {
                for n in 0..200 {
                    let body = application_body(
                        &format!("申请人{worker}"),
                        &format!("压力测试申请 {worker}-{n}：申请公开某项政府信息"),
                    );
                    match client
                        .post(format!("{base}/api/v1/applications"))
                        .json(&body)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                            if let Ok(v) = r.json::<serde_json::Value>().await
                                && let Some(code) = v["tracking_code"].as_str()
                                && let Ok(mut list) = receipts.lock()
                            {
                                list.push(code.to_owned());
                            }
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            }));
        }
        // Let the clients get going (a loaded CI machine may need many seconds for the first
        // thirty), then kill the server without warning.
        for _ in 0..1200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if receipts.lock().map(|l| l.len()).unwrap_or(0) >= 30 {
                break;
            }
        }
        let _ = server.stop_with("KILL");
        for t in tasks {
            let _ = t.await;
        }
        let shown = receipts.lock().map(|l| l.clone()).unwrap_or_default();
        assert!(
            shown.len() >= 30,
            "{engine:?}: only {} receipts before the kill",
            shown.len()
        );

        // Restarted (a fresh connection after the crash; migrations and WAL recovery run):
        let store = must(Store::open(&db.url).await);
        for code in &shown {
            assert!(
                applications::by_tracking_code(&store, code).await.is_ok(),
                "{engine:?}: receipt {code} was shown but the application is gone"
            );
        }
        let verify = must(gongkai_store::audit::verify(&store).await);
        assert!(
            matches!(verify, gongkai_store::audit::Verification::Intact(_)),
            "{verify:?}"
        );
        println!(
            "{engine:?}: {} receipts shown before SIGKILL, all present after restart",
            shown.len()
        );
        store.close().await;
    }
}
