//! The blob store on both engines: a file's bytes come back whole and in pieces, the same bytes
//! are stored once, and where they live follows the engine (the data folder on SQLite, the
//! database on PostgreSQL, so nodes sharing a database share files without a shared folder).

use gongkai_store::blobs::{self, CHUNK_BYTES};
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Engine, Store};

use crate::support::{count, must};

/// `n` bytes that differ from piece to piece (a repeated pattern would hide a piece out of order).
fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 1000) as u8).collect()
}

#[tokio::test]
async fn a_blob_of_several_pieces_comes_back_whole_and_is_stored_once() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = must(Store::open(&db.url).await);
        let data = bytes(2 * CHUNK_BYTES + 12_345);
        let sha = must(blobs::put(&store, &db.dir, &data).await);
        assert_eq!(sha, blobs::sha256_hex(&data));
        // Stored again (a second upload of the same file, or a second node): nothing new.
        assert_eq!(must(blobs::put(&store, &db.dir, &data).await), sha);

        let mut reader = must(blobs::open(&store, &db.dir, &sha).await);
        assert_eq!(reader.size, data.len() as u64);
        let mut pieces = Vec::new();
        while let Some(piece) = must(reader.next_chunk().await) {
            assert!(
                piece.len() <= CHUNK_BYTES,
                "{engine:?}: a piece is at most one chunk"
            );
            pieces.push(piece);
        }
        assert_eq!(pieces.len(), 3, "{engine:?}");
        assert_eq!(pieces.concat(), data, "{engine:?}");
        assert_eq!(must(blobs::read(&store, &db.dir, &sha).await), data);

        let on_disk = blobs::path(&db.dir, &sha).exists();
        let rows = count(&store, "SELECT COUNT(*) FROM blob_chunks").await;
        match engine {
            Engine::Sqlite => assert!(on_disk && rows == 0, "SQLite keeps the data folder"),
            Engine::Postgres => {
                assert!(!on_disk, "PostgreSQL needs no shared folder");
                assert_eq!(rows, 3);
                assert_eq!(count(&store, "SELECT COUNT(*) FROM blobs").await, 1);
                assert!(must(blobs::held_in_database(&store, &sha).await));
            }
        }
        // An empty file is a blob too.
        let empty = must(blobs::put(&store, &db.dir, b"").await);
        assert!(must(blobs::read(&store, &db.dir, &empty).await).is_empty());
        store.close().await;
    }
}

#[tokio::test]
async fn an_unknown_blob_is_not_found() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = must(Store::open(&db.url).await);
        let sha = blobs::sha256_hex(b"never stored");
        let e = blobs::open(&store, &db.dir, &sha).await.err();
        assert!(
            matches!(e, Some(gongkai_store::StoreError::NotFound { .. })),
            "{engine:?}: {e:?}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_postgresql_deployment_reads_and_then_adopts_blobs_it_kept_in_its_data_folder() {
    let db = TestDb::new(Engine::Postgres).await;
    let store = must(Store::open(&db.url).await);
    // As written before blobs moved into the database.
    let data = bytes(5_000);
    let sha = blobs::sha256_hex(&data);
    let path = blobs::path(&db.dir, &sha);
    must(std::fs::create_dir_all(path.parent().unwrap_or(&db.dir)));
    must(std::fs::write(&path, &data));
    assert_eq!(must(blobs::read(&store, &db.dir, &sha).await), data);
    // A damaged one beside it (bytes that no longer match the name) is left alone.
    let damaged = blobs::sha256_hex(b"the original");
    let damaged_path = blobs::path(&db.dir, &damaged);
    must(std::fs::create_dir_all(
        damaged_path.parent().unwrap_or(&db.dir),
    ));
    must(std::fs::write(&damaged_path, b"changed on disk"));
    // Moved into the database, so a node without this folder serves it too.
    assert_eq!(must(blobs::adopt_folder(&store, &db.dir).await), 1);
    assert!(must(blobs::held_in_database(&store, &sha).await));
    assert!(!must(blobs::held_in_database(&store, &damaged).await));
    let elsewhere = db.dir.join("another-node");
    assert_eq!(must(blobs::read(&store, &elsewhere, &sha).await), data);
    assert_eq!(must(blobs::adopt_folder(&store, &db.dir).await), 0, "once");
    store.close().await;
}
