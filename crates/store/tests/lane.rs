//! A public page's point reads go through `sql::read`: on SQLite the read lane (rusqlite, on the
//! request's thread), on PostgreSQL the pool. Either way the page must get the record the rest
//! of the store reads, and see a change the moment it commits.

use chrono::{Duration, Utc};
use gongkai_domain::catalogue::COLUMNS;
use gongkai_domain::index_no::IndexNo;
use gongkai_store::Actor;
use gongkai_store::records;
use gongkai_store::testing::ENGINES;

use crate::support::{county_on, must, notice};

#[tokio::test]
async fn the_record_page_reads_the_record_the_store_reads_and_sees_a_commit_at_once() {
    for engine in ENGINES {
        let (_db, store, org) = county_on(engine).await;
        let published_at = Utc::now() - Duration::days(2);
        let columns = vec![COLUMNS[3].slug.to_owned(), COLUMNS[1].slug.to_owned()];
        let rows = vec![notice("lane:1".into(), "通读的通知", published_at, columns)];
        must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
        let index_no: String = must(
            sqlx::query_scalar("SELECT index_no FROM records")
                .fetch_one(store.pool())
                .await,
        );
        let index_no = must(IndexNo::parse(&index_no));

        let stored = must(records::by_index_no(&store, &index_no).await);
        let page = must(records::page_by_index_no(&store, &index_no).await);
        assert_eq!(page.columns.len(), 2, "{engine:?}");
        assert!(
            page.body_text.is_empty(),
            "{engine:?}: the page reads no plain text"
        );
        assert_eq!(
            page,
            records::Record {
                body_text: String::new(),
                ..stored.clone()
            },
            "{engine:?}: every field the page reads is the field the store reads"
        );

        // A change committed through the pool is on the page's next read.
        must(
            sqlx::query("UPDATE records SET title = $1 WHERE id = $2")
                .bind("改过的通知")
                .bind(stored.id)
                .execute(store.pool())
                .await,
        );
        let again = must(records::page_by_index_no(&store, &index_no).await);
        assert_eq!(again.title, "改过的通知", "{engine:?}");

        let missing = must(IndexNo::parse("WQX001-2026-999999"));
        assert!(
            matches!(
                records::page_by_index_no(&store, &missing).await,
                Err(gongkai_store::StoreError::NotFound { .. })
            ),
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn a_closed_store_leaves_its_commits_in_the_database_file() {
    let (db, store, org) = county_on(gongkai_store::Engine::Sqlite).await;
    let rows = vec![notice("lane:2".into(), "关闭前的通知", Utc::now(), vec![])];
    must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
    let index_no: String = must(
        sqlx::query_scalar("SELECT index_no FROM records")
            .fetch_one(store.pool())
            .await,
    );
    // A page read opens a lane connection, which stays idle afterwards.
    must(records::page_by_index_no(&store, &must(IndexNo::parse(&index_no))).await);
    store.close().await;
    // The last connection to close checkpoints the WAL into the file and removes it; a lane
    // connection still open would have kept the pool's from being the last.
    assert!(
        !db.dir.join("gongkai.db-wal").exists(),
        "the WAL is still beside the database after close"
    );
}

#[tokio::test]
async fn a_page_reads_together_from_one_snapshot_and_gives_its_connection_back() {
    for engine in ENGINES {
        let (db, store, org) = county_on(engine).await;
        let rows = vec![notice("lane:3".into(), "一起读的通知", Utc::now(), vec![])];
        must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
        let (id, index_no): (i64, String) = must(
            sqlx::query_as("SELECT id, index_no FROM records")
                .fetch_one(store.pool())
                .await,
        );
        let index_no = must(IndexNo::parse(&index_no));
        let rename = |title: &'static str| {
            sqlx::query("UPDATE records SET title = $1 WHERE id = $2")
                .bind(title)
                .bind(id)
                .execute(store.pool())
        };

        let (first, second) = store
            .read_together(async {
                let first = must(records::page_by_index_no(&store, &index_no).await);
                // Committed between the page's two reads.
                must(rename("读到一半时改过").await);
                let second = must(records::page_by_index_no(&store, &index_no).await);
                (first.title, second.title)
            })
            .await;
        assert_eq!(first, "一起读的通知", "{engine:?}");
        match engine {
            // One read transaction: the second read sees the snapshot of the first.
            gongkai_store::Engine::Sqlite => assert_eq!(second, "一起读的通知"),
            // No lane: each read is its own statement on the pool.
            gongkai_store::Engine::Postgres => assert_eq!(second, "读到一半时改过"),
        }
        // After the scope, the next read sees the commit.
        let after = must(records::page_by_index_no(&store, &index_no).await);
        assert_eq!(after.title, "读到一半时改过", "{engine:?}");

        // A scope dropped midway (the visitor went away) ends its transaction too: a commit
        // after it is seen at once by every later read.
        let abandoned = store.read_together(async {
            must(records::page_by_index_no(&store, &index_no).await);
            std::future::pending::<()>().await;
        });
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(20), abandoned)
                .await
                .is_err()
        );
        must(rename("放弃之后又改过").await);
        for _ in 0..3 {
            let read = must(records::page_by_index_no(&store, &index_no).await);
            assert_eq!(read.title, "放弃之后又改过", "{engine:?}");
        }
        // A missing record inside a scope is NotFound, and the scope's connection still ends.
        let missing = must(IndexNo::parse("WQX001-2026-999999"));
        let not_found = store
            .read_together(records::page_by_index_no(&store, &missing))
            .await;
        assert!(
            matches!(not_found, Err(gongkai_store::StoreError::NotFound { .. })),
            "{engine:?}"
        );

        if engine == gongkai_store::Engine::Sqlite {
            // Every lane connection came back idle and closes with the store.
            store.close().await;
            assert!(!db.dir.join("gongkai.db-wal").exists());
        }
    }
}

#[tokio::test]
async fn the_page_read_counts_what_links_to_the_record_in_its_own_statement() {
    for engine in ENGINES {
        let (_db, store, org) = county_on(engine).await;
        let rows = vec![
            notice("lane:4".into(), "有附件的通知", Utc::now(), vec![]),
            notice("lane:5".into(), "没有附件的通知", Utc::now(), vec![]),
        ];
        must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
        let ids: Vec<(i64, String)> = must(
            sqlx::query_as("SELECT id, index_no FROM records ORDER BY id")
                .fetch_all(store.pool())
                .await,
        );
        let [(linked, linked_no), (plain, plain_no)] = [ids[0].clone(), ids[1].clone()];
        let at = "2026-12-01T00:00:00.000000Z";
        for name in ["a.pdf", "b.pdf"] {
            must(
                sqlx::query(
                    "INSERT INTO attachments (record_id, sha256, file_name, kind, size_bytes, text, created_at)
                     VALUES ($1, 'x', $2, 'PDF', 1, '', $3)",
                )
                .bind(linked)
                .bind(name)
                .bind(at)
                .execute(store.pool())
                .await,
            );
        }
        must(
            sqlx::query("UPDATE records SET interprets_id = $1 WHERE id = $2")
                .bind(linked)
                .bind(plain)
                .execute(store.pool())
                .await,
        );
        for status in ["feedback", "open"] {
            must(
                sqlx::query(
                    "INSERT INTO consultations (site_id, org_id, title, draft_text, opens_at, closes_at, status,
                        decision_record_id, created_at, updated_at)
                     VALUES ($1, $1, '征求意见', '草案', $2, $2, $3, $4, $2, $2)",
                )
                .bind(org.id)
                .bind(at)
                .bind(status)
                .bind(linked)
                .execute(store.pool())
                .await,
            );
        }

        let read = must(records::page_read(&store, &must(IndexNo::parse(&linked_no))).await);
        assert_eq!(
            read.links,
            records::PageLinks {
                interpretations: 1,
                files: 2,
                consultations: 1,
            },
            "{engine:?}: only a consultation with its feedback published names the decision"
        );
        let read = must(records::page_read(&store, &must(IndexNo::parse(&plain_no))).await);
        assert_eq!(read.links, records::PageLinks::default(), "{engine:?}");
        assert!(read.record.columns.is_empty(), "{engine:?}");
    }
}
