//! Hearing the change feed grow: on PostgreSQL a node that listens is woken as soon as another
//! connection commits a feed row, well before its polling period would have read it.

use std::time::{Duration, Instant};

use gongkai_store::testing::TestDb;
use gongkai_store::{Engine, Store, feed};

use crate::support::must;

#[tokio::test]
async fn a_node_hears_a_commit_on_another_node_at_once() {
    let db = TestDb::new(Engine::Postgres).await;
    let writer = must(Store::open(&db.url).await);
    let reader = must(Store::connect(&db.url).await);
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut wakeup = reader.feed_wakeup();
    let listening = tokio::spawn(feed::listen(reader.clone(), stop));
    // The listener wakes its followers once when it starts listening (changes made before it
    // listened were not heard); wait for that, so the next wake is the commit's.
    let started = Instant::now();
    wakeup.after(Duration::from_secs(10)).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the listener never started"
    );

    let mut tx = must(writer.begin_write().await);
    must(feed::emit(&mut tx, "record", "1", "published").await);
    // Not heard before the commit.
    let early = Instant::now();
    wakeup.after(Duration::from_millis(300)).await;
    assert!(
        early.elapsed() >= Duration::from_millis(290),
        "woken before the commit"
    );
    must(tx.commit().await);
    let committed = Instant::now();
    wakeup.after(Duration::from_secs(5)).await;
    assert!(
        committed.elapsed() < Duration::from_secs(1),
        "woken {:?} after the commit",
        committed.elapsed()
    );

    let _ = stop_tx.send(true);
    must(listening.await);
    writer.close().await;
    reader.close().await;
}

#[tokio::test]
async fn on_sqlite_there_is_nothing_to_listen_to() {
    let db = TestDb::new(Engine::Sqlite).await;
    let store = must(Store::open(&db.url).await);
    let (_stop_tx, stop) = tokio::sync::watch::channel(false);
    // Returns at once: one node, its followers poll.
    must(tokio::time::timeout(Duration::from_secs(1), feed::listen(store.clone(), stop)).await);
    store.close().await;
}

#[tokio::test]
async fn two_nodes_announcing_due_publications_at_once_announce_each_once() {
    use gongkai_domain::record::{Disclosure, RecordStatus};
    let (db, a, org) = crate::support::county_on(Engine::Postgres).await;
    let b = must(Store::connect(&db.url).await);
    let past = gongkai_store::ts(chrono::Utc::now() - chrono::Duration::minutes(1));
    for n in 0..20 {
        must(
            sqlx::query(
                "INSERT INTO records (site_id, org_id, kind, status, title, disclosure, body_html,
                    body_text, published_at, publication_announced, created_at, updated_at)
                 VALUES ($1, $1, 'notice', $2, $3, $4, '', '', $5, 0, $5, $5)",
            )
            .bind(org.id)
            .bind(RecordStatus::Published.code())
            .bind(format!("定时发布 {n}"))
            .bind(Disclosure::Proactive.code())
            .bind(&past)
            .execute(a.pool())
            .await,
        );
    }
    let now = chrono::Utc::now();
    let (on_a, on_b) = tokio::join!(
        gongkai_store::publication::announce_due(&a, now),
        gongkai_store::publication::announce_due(&b, now)
    );
    assert_eq!(
        must(on_a) + must(on_b),
        20,
        "each record announced by one node"
    );
    let rows: i64 = must(
        sqlx::query_scalar("SELECT COUNT(*) FROM change_feed WHERE change = 'published'")
            .fetch_one(a.pool())
            .await,
    );
    assert_eq!(rows, 20, "one feed row per record");
    a.close().await;
    b.close().await;
}
