//! Rate-limit counts on both engines: a scope's own expired uses go when it is used again (by
//! its index), every other expired use when the background jobs prune, and the counts within
//! the window are kept.

use chrono::{Duration, Utc};
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, throttle, ts};

use crate::support::must;

async fn add_use(store: &Store, key: &str, ago: Duration) {
    must(
        sqlx::query("INSERT INTO form_submissions (scope_key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(ts(Utc::now() - ago))
            .execute(store.pool())
            .await,
    );
}

async fn uses(store: &Store, key: &str) -> i64 {
    must(
        sqlx::query_scalar("SELECT COUNT(*) FROM form_submissions WHERE scope_key = $1")
            .bind(key)
            .fetch_one(store.pool())
            .await,
    )
}

#[tokio::test]
async fn expired_uses_go_by_scope_when_used_and_all_at_once_when_pruned() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = must(Store::open(&db.url).await);
        for key in ["ip:a", "ip:b"] {
            add_use(&store, key, Duration::days(3)).await;
            add_use(&store, key, Duration::minutes(5)).await;
        }

        assert!(must(
            throttle::hit(&store, "ip:a", 10, Duration::hours(1)).await
        ));
        assert_eq!(
            uses(&store, "ip:a").await,
            2,
            "{engine:?}: the expired use of ip:a went"
        );
        assert_eq!(
            uses(&store, "ip:b").await,
            2,
            "{engine:?}: ip:b untouched by ip:a's use"
        );

        assert_eq!(must(throttle::prune(&store).await), 1, "{engine:?}");
        assert_eq!(
            uses(&store, "ip:b").await,
            1,
            "{engine:?}: the recent use of ip:b is kept"
        );
        assert_eq!(
            must(throttle::count(&store, "ip:a", Duration::hours(1)).await),
            2,
            "{engine:?}"
        );
    }
}
