//! The case kernel on both engines: tracking codes with a bounded retry, lookup by code and
//! secret (the same answer and the same argon2 work for a wrong secret and an unknown code),
//! files, timelines and status sessions, and typed state read once — a stored value the domain
//! does not know is `Corrupt` when the row is read.

use std::time::{Duration, Instant};

use chrono::Utc;
use gongkai_domain::application::{ApplicationStatus, ClockEvent};
use gongkai_store::applications::{self, Application, NewApplication};
use gongkai_store::cases::{self, AttachedFile, CODE_ATTEMPTS, Case};
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Actor, Store, StoreError, consultations, messages, opinions};

use crate::support::{county, must};

const SECRET: &str = "chaxun-123";

/// A store with one site and one application to it (with a proof file); the application's id
/// and tracking code.
async fn store_with_application(db: &TestDb) -> (Store, i64, String) {
    let store = must(Store::open(&db.url).await);
    let org = county(&store).await;
    let receipt = must(
        applications::submit(
            &store,
            &NewApplication {
                phone: "13900000000".into(),
                secret: SECRET.into(),
                files: vec![AttachedFile {
                    id: 0,
                    sha256: "ab".repeat(32),
                    file_name: "身份证.pdf".into(),
                    kind: "pdf".into(),
                    size_bytes: 1024,
                }],
                ..gongkai_store::testing::application(org.id, "申请公开某项目的批复文件")
            },
            Utc::now(),
            "10.0.0.1",
        )
        .await,
    );
    let app = must(applications::by_tracking_code(&store, &receipt.tracking_code).await);
    (store, app.id, receipt.tracking_code)
}

#[tokio::test]
async fn a_taken_tracking_code_is_drawn_again_but_not_for_ever() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let (store, _, taken) = store_with_application(&db).await;

        // Always the same taken code: the kernel gives up after CODE_ATTEMPTS draws.
        let mut tx = must(store.begin_write().await);
        let mut draws = 0;
        let result = cases::unique_code(&mut tx, &Application::TABLE, || {
            draws += 1;
            taken.clone()
        })
        .await;
        assert!(
            matches!(result, Err(StoreError::Conflict(_))),
            "{engine:?}: {result:?}"
        );
        assert_eq!(draws, CODE_ATTEMPTS, "{engine:?}");

        // Two collisions, then a free code: that one is used.
        let mut draws = 0;
        let code = must(
            cases::unique_code(&mut tx, &Application::TABLE, || {
                draws += 1;
                if draws < 3 {
                    taken.clone()
                } else {
                    "YSFREE2345".to_owned()
                }
            })
            .await,
        );
        assert_eq!((code.as_str(), draws), ("YSFREE2345", 3), "{engine:?}");

        // The real generator: the prefix and eight unambiguous characters.
        let fresh = must(cases::new_tracking_code(&mut tx, &Application::TABLE).await);
        assert!(fresh.starts_with("YS") && fresh.len() == 10, "{fresh}");
        assert!(!fresh.contains(['0', 'O', '1', 'I']), "{fresh}");
        must(tx.rollback().await);
    }
}

/// The median time of three lookups.
async fn timed_lookup(store: &Store, code: &str, secret: &str) -> Duration {
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let found = must(cases::lookup::<Application>(store, code, secret).await);
        times.push(start.elapsed());
        assert!(found.is_none());
    }
    times.sort();
    times[1]
}

#[tokio::test]
async fn lookup_needs_the_right_code_and_secret_and_does_the_same_work_without_them() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let (store, id, code) = store_with_application(&db).await;

        let found = must(cases::lookup::<Application>(&store, &code, SECRET).await);
        assert_eq!(found.map(|a| a.id), Some(id), "{engine:?}");
        // Typed back in lower case with blanks around it: still found.
        let typed = format!("  {}  ", code.to_ascii_lowercase());
        let found = must(cases::lookup::<Application>(&store, &typed, SECRET).await);
        assert_eq!(found.map(|a| a.id), Some(id), "{engine:?}");

        // A wrong secret and an unknown code get the same answer…
        let wrong_secret = timed_lookup(&store, &code, "wrong-secret").await;
        let unknown_code = timed_lookup(&store, "YSNOSUCH23", SECRET).await;
        // …after the same argon2 verification, so the time does not tell which codes exist.
        assert!(
            unknown_code * 3 >= wrong_secret,
            "{engine:?}: unknown code {unknown_code:?} vs wrong secret {wrong_secret:?}"
        );

        // Without a secret (staff pages, receipts) and by id.
        assert_eq!(
            must(cases::find_by_code::<Application>(&store, "YSNOSUCH23").await),
            None
        );
        assert!(matches!(
            applications::by_tracking_code(&store, "YSNOSUCH23").await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            applications::get(&store, id + 1000).await,
            Err(StoreError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn files_timelines_and_status_sessions_go_through_the_kernel() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let (store, id, _) = store_with_application(&db).await;

        let files = must(applications::files(&store, id).await);
        assert_eq!(
            files
                .iter()
                .map(|f| f.file_name.as_str())
                .collect::<Vec<_>>(),
            ["身份证.pdf"]
        );
        let (owner, file) = must(cases::file(&store, &applications::FILES, files[0].id).await);
        assert_eq!((owner, file), (id, files[0].clone()));

        let on = must(applications::get(&store, id).await).received_on;
        let app = must(
            applications::record_event(
                &store,
                &Actor::user("staff", ""),
                id,
                &ClockEvent::Registered { on },
                None,
            )
            .await,
        );
        assert_eq!(app.status, ApplicationStatus::InProgress, "{engine:?}");
        let events = must(applications::events(&store, id).await);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event, ClockEvent::Registered { on });
        assert_eq!(events[0].actor, "staff");

        let token = must(cases::open_session(&store, &applications::SESSIONS, id).await);
        let owner: Option<Application> =
            must(cases::session_case(&store, &applications::SESSIONS, &token).await);
        assert_eq!(owner.map(|a| a.id()), Some(id));
        let nobody: Option<Application> =
            must(cases::session_case(&store, &applications::SESSIONS, "not-a-token").await);
        assert!(nobody.is_none());
    }
}

#[tokio::test]
async fn a_stored_value_the_domain_does_not_know_is_corrupt_when_read() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let (store, id, code) = store_with_application(&db).await;
        let corrupt = |sql: &'static str| {
            let store = store.clone();
            async move {
                must(sqlx::query(sql).bind(id).execute(store.pool()).await);
            }
        };

        corrupt("UPDATE applications SET status = 'lost' WHERE id = $1").await;
        for result in [
            applications::get(&store, id).await.map(|_| ()),
            applications::by_tracking_code(&store, &code)
                .await
                .map(|_| ()),
            cases::lookup::<Application>(&store, &code, SECRET)
                .await
                .map(|_| ()),
        ] {
            assert!(
                matches!(&result, Err(StoreError::Corrupt(m)) if m.contains("lost")),
                "{engine:?}: {result:?}"
            );
        }
        // A step is not judged on a state nobody knows.
        let on = Utc::now().date_naive();
        assert!(matches!(
            applications::record_event(
                &store,
                &Actor::system(),
                id,
                &ClockEvent::Registered { on },
                None
            )
            .await,
            Err(StoreError::Corrupt(_))
        ));

        corrupt("UPDATE applications SET status = 'received', due_on = '2026-13-40' WHERE id = $1")
            .await;
        assert!(matches!(
            applications::get(&store, id).await,
            Err(StoreError::Corrupt(m)) if m.contains("due_on")
        ));

        // The other case types read their state the same way.
        let seen = gongkai_store::ts(Utc::now() - chrono::Duration::hours(1));
        sqlx::query(
            "INSERT INTO opinion_events (site_id, org_id, title, source, summary, first_seen_at, severity, status,
                registered_by, created_at, updated_at)
             SELECT site_id, org_id, 't', 's', 'x', $2, 'grave', 'open', 'staff', $2, $2 FROM applications WHERE id = $1",
        )
        .bind(id)
        .bind(&seen)
        .execute(store.pool())
        .await
        .map(|_| ())
        .unwrap_or_else(|e| panic!("{e}"));
        let org_ids: Vec<i64> = must(
            sqlx::query_scalar("SELECT org_id FROM applications WHERE id = $1")
                .bind(id)
                .fetch_all(store.pool())
                .await,
        );
        assert!(matches!(
            opinions::list_for_orgs(&store, &org_ids, true).await,
            Err(StoreError::Corrupt(m)) if m.contains("grave")
        ));
        assert!(matches!(
            messages::get(&store, 1).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            consultations::comment_by_code(&store, "ZJNOSUCH2").await,
            Ok(None)
        ));
    }
}
