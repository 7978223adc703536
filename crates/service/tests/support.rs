//! Helpers shared by the service tests.

use gongkai_domain::ErrorCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use gongkai_service::{Files, Intake, ServiceError};
use gongkai_store::cases::AttachedFile;
use gongkai_store::testing::{ENGINES, TestDb, add_orgs};
use gongkai_store::{Engine, Store, audit, feed};

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

/// A fresh database holding [`county`] on each engine, with the engine; keep the [`TestDb`]
/// alive while its store is used.
pub async fn counties() -> Vec<(Engine, TestDb, Store)> {
    let mut all = Vec::new();
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = county(&db.url).await;
        all.push((engine, db, store));
    }
    all
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

/// Asserts that since `before` (from [`written`]) exactly `audits` audit entries and `feeds`
/// change-feed rows were written, the newest audit entry being `action`.
pub async fn assert_wrote(
    store: &Store,
    before: (usize, usize),
    (audits, feeds): (usize, usize),
    action: &str,
    engine: Engine,
) {
    let after = written(store).await;
    assert_eq!(
        (after.0 - before.0, after.1 - before.1),
        (audits, feeds),
        "{engine:?}"
    );
    assert_eq!(last_actions(store, 1).await, [action], "{engine:?}");
}

/// Asserts that a refused submission wrote no file and nothing to the audit log or the feed.
pub async fn assert_wrote_nothing(
    store: &Store,
    before: (usize, usize),
    calls: &AtomicUsize,
    engine: Engine,
) {
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "{engine:?}: no file written"
    );
    assert_eq!(written(store).await, before, "{engine:?}");
}

/// The names of the fields a validation refused, in order (none when it passed).
pub fn refused_fields<T>(result: Result<T, gongkai_domain::FieldErrors>) -> Vec<&'static str> {
    result.err().unwrap_or_default().fields().collect()
}

/// Asserts that `result` was refused by the submission limit with a message containing `says`.
#[track_caller]
pub fn assert_throttled<T: std::fmt::Debug>(
    result: Result<T, ServiceError>,
    says: &str,
    engine: Engine,
) {
    match result {
        Err(ServiceError::Throttled(m)) => assert!(m.message.contains(says), "{m}"),
        other => panic!("{engine:?}: {other:?}"),
    }
}
