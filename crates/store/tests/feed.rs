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
