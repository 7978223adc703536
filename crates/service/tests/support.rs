//! Helpers shared by the service tests.

use gongkai_domain::ErrorCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use gongkai_service::{Files, Intake, ServiceError};
use gongkai_store::cases::AttachedFile;
use gongkai_store::testing::add_orgs;
use gongkai_store::{Store, audit, feed};

/// The address every test submits from.
pub const IP: &str = "10.0.0.7";
/// Submissions of a kind one address may make per hour in these tests.
pub const PER_HOUR: i64 = 3;

/// The value, or the test fails with the error's text.
pub fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A store with a county (WQX001) and one of its offices (WQX002).
pub async fn county(url: &str) -> Store {
    let store = must(Store::open(url).await);
    add_orgs(
        &store,
        &[
            ("WQX001", "乌恰县人民政府", None),
            ("WQX002", "乌恰县财政局", Some("WQX001")),
        ],
    )
    .await;
    store
}

/// A submission from [`IP`] now, under [`PER_HOUR`].
pub fn intake(store: &Store) -> Intake<'_> {
    Intake::new(store, IP, Utc::now(), PER_HOUR)
}

/// How many audit entries and change-feed rows the store holds.
pub async fn written(store: &Store) -> (usize, usize) {
    let audit = must(audit::recent(store, 1000, None).await).len();
    let feed = must(feed::since(store, 0, 1000).await).len();
    (audit, feed)
}

/// The actions of the newest `n` audit entries, newest first.
pub async fn last_actions(store: &Store, n: i64) -> Vec<String> {
    must(audit::recent(store, n, None).await)
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Files whose writer counts its calls in `calls` and returns one proof file.
pub fn counted_files(
    calls: &AtomicUsize,
    refused: Option<String>,
) -> Files<impl FnOnce() -> std::future::Ready<Result<Vec<AttachedFile>, ServiceError>> + '_> {
    Files {
        write: move || {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(vec![AttachedFile {
                id: 0,
                sha256: "ab".repeat(32),
                file_name: "身份证.pdf".into(),
                kind: "pdf".into(),
                size_bytes: 1024,
            }]))
        },
        refused: refused.map(|reason| ErrorCode::AttachmentRefused.refusal(&[("reason", &reason)])),
    }
}
