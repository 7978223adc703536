//! A receipt shown is never lost: every connection of the pool commits durably. On SQLite that
//! is `synchronous = FULL` (with WAL, NORMAL would lose the last commits on power loss); on
//! PostgreSQL, `synchronous_commit = on`, set on every connection whatever the server's default
//! (the server's own `fsync` is the operator's to keep on). The crash test (`crates/cli/tests/crash.rs`) kills the
//! process, which would pass without either; this checks the settings themselves, and on SQLite
//! the others every connection needs (WAL, foreign keys enforced, a busy timeout).

use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Engine, Store};

fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The single value `sql` (a PRAGMA or a `current_setting`) answers on this connection.
async fn setting<T>(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>, sql: &'static str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + Unpin,
{
    must(sqlx::query_scalar(sql).fetch_one(&mut **conn).await)
}

#[tokio::test]
async fn every_connection_commits_durably() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        if engine == Engine::Postgres {
            // A server whose default is not durable: the store must not inherit it.
            let setup = must(Store::open(&db.url).await);
            must(
                sqlx::query(
                    "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END $$",
                )
                .execute(setup.pool())
                .await,
            );
            setup.pool().close().await;
        }
        let store = must(Store::open(&db.url).await);
        // Several connections at once, so more than the first one of the pool is checked.
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut conn = must(store.pool().acquire().await);
            match engine {
                Engine::Sqlite => {
                    let level: i64 = setting(&mut conn, "PRAGMA synchronous").await;
                    assert_eq!(level, 2, "PRAGMA synchronous = FULL");
                    let mode: String = setting(&mut conn, "PRAGMA journal_mode").await;
                    assert_eq!(mode, "wal");
                    let foreign_keys: i64 = setting(&mut conn, "PRAGMA foreign_keys").await;
                    assert_eq!(foreign_keys, 1, "PRAGMA foreign_keys = ON");
                    // A writer waits for another one instead of failing at once with SQLITE_BUSY.
                    let busy: i64 = setting(&mut conn, "PRAGMA busy_timeout").await;
                    assert!(busy >= 5000, "PRAGMA busy_timeout = {busy} ms");
                }
                Engine::Postgres => {
                    let commit: String =
                        setting(&mut conn, "SELECT current_setting('synchronous_commit')").await;
                    assert_eq!(commit, "on", "synchronous_commit");
                }
            }
            held.push(conn);
        }
    }
}
