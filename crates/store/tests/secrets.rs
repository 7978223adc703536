//! Query passwords on both engines: with the deployment's audit key a submission stores its
//! password sealed (no argon2 work in the request), lookups accept it at once, and the
//! background pass replaces it with the argon2 hash; without the key the hash is stored at once.

use chrono::Utc;
use gongkai_domain::audit::AuditKey;
use gongkai_store::applications::{self, Application, NewApplication};
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, cases, secrets};

use crate::support::{county, must};

const SECRET: &str = "chaxun-123";

/// Submits one application; its id.
async fn submit(store: &Store) -> i64 {
    let code = gongkai_domain::org::OrgCode::parse("WQX001").ok();
    let existing = match &code {
        Some(code) => gongkai_store::orgs::by_code(store, code).await.ok(),
        None => None,
    };
    let org = match existing {
        Some(org) => org,
        None => county(store).await,
    };
    let receipt = must(
        applications::submit(
            store,
            &NewApplication {
                secret: SECRET.into(),
                ..gongkai_store::testing::application(org.id, "申请公开某项目的批复文件")
            },
            Utc::now(),
            "10.0.0.1",
        )
        .await,
    );
    must(applications::by_tracking_code(store, &receipt.tracking_code).await).id
}

async fn stored_value(store: &Store, id: i64) -> String {
    must(
        sqlx::query_scalar("SELECT secret_hash FROM applications WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await,
    )
}

async fn found(store: &Store, id: i64, secret: &str) -> bool {
    let app = must(applications::get(store, id).await);
    must(cases::lookup::<Application>(store, &app.tracking_code, secret).await).is_some()
}

#[tokio::test]
async fn a_sealed_password_works_at_once_and_is_hashed_in_the_background() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = must(Store::open(&db.url).await).with_audit_key(AuditKey::new([9; 32], 1));
        let id = submit(&store).await;

        let sealed = stored_value(&store, id).await;
        assert!(sealed.starts_with("sealed:v1:"), "{engine:?}: {sealed}");
        assert!(!sealed.contains(SECRET), "{engine:?}");
        assert_eq!(must(secrets::sealed_count(&store).await), 1, "{engine:?}");
        assert!(found(&store, id, SECRET).await, "{engine:?}");
        assert!(!found(&store, id, "chaxun-124").await, "{engine:?}");

        // A node holding another key cannot open it and leaves it for one that can.
        let stranger = must(Store::open(&db.url).await).with_audit_key(AuditKey::new([8; 32], 1));
        assert!(!found(&stranger, id, SECRET).await, "{engine:?}");
        assert_eq!(
            must(secrets::hash_sealed(&stranger, 64).await),
            0,
            "{engine:?}"
        );
        assert_eq!(stored_value(&store, id).await, sealed, "{engine:?}");

        // While passwords keep arriving, the pass leaves a just-sealed one for a quiet moment…
        let deferral = secrets::Deferral {
            quiet: chrono::Duration::seconds(3),
            longest: chrono::Duration::minutes(10),
        };
        let now = chrono::Utc::now();
        assert_eq!(
            must(secrets::hash_sealed_when_quiet(&store, 64, deferral, now).await),
            0,
            "{engine:?}: busy, and the value is fresh"
        );
        assert_eq!(stored_value(&store, id).await, sealed, "{engine:?}");
        // … but not longer than `longest` while the burst goes on.
        let later = now + chrono::Duration::minutes(11);
        let busy_still = secrets::Deferral {
            quiet: chrono::Duration::minutes(12),
            ..deferral
        };
        assert_eq!(
            must(secrets::hash_sealed_when_quiet(&store, 64, busy_still, later).await),
            1,
            "{engine:?}: sealed too long"
        );
        assert!(stored_value(&store, id).await.starts_with("$argon2id$"));
        let id = submit(&store).await;
        let sealed = stored_value(&store, id).await;
        assert!(sealed.starts_with("sealed:v1:"), "{engine:?}: {sealed}");
        // Once quiet (nothing sealed within `quiet`), every waiting value is hashed.
        assert_eq!(
            must(
                secrets::hash_sealed_when_quiet(
                    &store,
                    64,
                    deferral,
                    now + chrono::Duration::seconds(5)
                )
                .await
            ),
            1,
            "{engine:?}: quiet"
        );
        let id = submit(&store).await;
        assert!(stored_value(&store, id).await.starts_with("sealed:v1:"));

        assert_eq!(
            must(secrets::hash_sealed(&store, 64).await),
            1,
            "{engine:?}"
        );
        let hashed = stored_value(&store, id).await;
        assert!(hashed.starts_with("$argon2id$"), "{engine:?}: {hashed}");
        assert_eq!(must(secrets::sealed_count(&store).await), 0, "{engine:?}");
        assert!(found(&store, id, SECRET).await, "{engine:?}");
        assert!(!found(&store, id, "chaxun-124").await, "{engine:?}");
        // Nothing left: a second pass replaces nothing.
        assert_eq!(
            must(secrets::hash_sealed(&store, 64).await),
            0,
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn without_the_key_the_hash_is_stored_at_once() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = must(Store::open(&db.url).await);
        let id = submit(&store).await;
        assert!(
            stored_value(&store, id).await.starts_with("$argon2id$"),
            "{engine:?}"
        );
        assert_eq!(
            must(secrets::hash_sealed(&store, 64).await),
            0,
            "{engine:?}"
        );
        assert!(found(&store, id, SECRET).await, "{engine:?}");
    }
}
