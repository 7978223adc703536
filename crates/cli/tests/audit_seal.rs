//! The audit log against someone with database access: entries are sealed with a key kept in
//! the data folder, and checkpoints of the chain's head kept in a file catch a cut-off tail.
//! Both attacks pass the plain hash-chain check, so each test shows that first.

use gongkai_domain::audit::chain_hash;
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, audit};
use sqlx::Row;

use crate::support::{data_of, execute, gongkai, must, stderr, stdout, succeeds};

/// Adds organisations through the command line, each one audited.
fn add_orgs(db: &TestDb, codes: std::ops::Range<u32>) {
    for n in codes {
        let code = format!("WQX{n:03}");
        let name = format!("乌恰县测试局{n}");
        succeeds(db, &["org", "add", "--code", &code, "--name", &name]);
    }
}

/// Adds the organisations `codes` (see [`add_orgs`]); returns the path of the checkpoint file
/// the test then keeps.
fn audited_orgs(db: &TestDb, codes: std::ops::Range<u32>) -> String {
    add_orgs(db, codes);
    db.dir
        .join("checkpoints.log")
        .to_string_lossy()
        .into_owned()
}

/// Runs `audit verify` with the checkpoint file, returning whether it passed and what it said.
fn verify(db: &TestDb, checkpoints: &str) -> (bool, String) {
    let o = gongkai(db, &["audit", "verify", "--checkpoint", checkpoints]);
    (o.status.success(), format!("{}{}", stdout(&o), stderr(&o)))
}

#[tokio::test]
async fn a_removed_tail_is_caught_by_the_checkpoint_file() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let file = audited_orgs(&db, 1..4);
        let o = succeeds(&db, &["audit", "checkpoint", "--file", &file]);
        assert!(
            stdout(&o).starts_with("3\t"),
            "prints the head: {}",
            stdout(&o)
        );
        add_orgs(&db, 4..7);
        succeeds(&db, &["audit", "checkpoint", "--file", &file]);
        let (ok, said) = verify(&db, &file);
        assert!(ok, "{said}");
        assert!(said.contains("2 个检查点一致"), "{said}");

        // The last two entries deleted: what remains is a valid chain with valid seals.
        execute(&db, "DELETE FROM audit_log WHERE seq > 4").await;
        let plain = gongkai(&db, &["audit", "verify"]);
        let (ok, said) = verify(&db, &file);
        assert!(!ok, "a cut tail must fail: {said}");
        assert!(
            said.contains("末尾的记录被删除") && said.contains("第 6 条"),
            "{said}"
        );
        // Without the checkpoint file the chain alone cannot tell (the configured file is
        // elsewhere in this test).
        assert!(plain.status.success(), "{}", stderr(&plain));
    }
}

#[tokio::test]
async fn a_rewritten_and_rehashed_chain_is_caught_by_the_seal_and_the_checkpoint() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let file = audited_orgs(&db, 1..6);
        succeeds(&db, &["audit", "checkpoint", "--file", &file]);

        // Entry 2 rewritten, and it and every later hash recomputed, as an intruder with the
        // database but without the key would.
        let store = must(Store::connect(&db.url).await);
        let rows = must(
            sqlx::query("SELECT seq, at, actor, action, object_type, object_id, detail, ip, prev_hash FROM audit_log ORDER BY seq")
                .fetch_all(store.pool())
                .await,
        );
        let mut prev = String::new();
        for row in &rows {
            let seq: i64 = must(row.try_get("seq"));
            let get = |c: &str| must(row.try_get::<String, _>(c));
            if seq == 1 {
                prev = must(
                    sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = 1")
                        .fetch_one(store.pool())
                        .await,
                );
                continue;
            }
            let detail = if seq == 2 {
                r#"{"name":"篡改"}"#.to_owned()
            } else {
                get("detail")
            };
            let hash = chain_hash(
                &prev,
                seq,
                &get("at"),
                &get("actor"),
                &get("action"),
                &get("object_type"),
                &get("object_id"),
                &detail,
                &get("ip"),
            );
            must(
                sqlx::query(
                    "UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                )
                .bind(&detail)
                .bind(&prev)
                .bind(&hash)
                .bind(seq)
                .execute(store.pool())
                .await,
            );
            prev = hash;
        }
        // The plain chain now checks: only the seal and the checkpoint can tell.
        assert!(matches!(
            must(audit::verify(&store).await),
            audit::Verification::Intact(5)
        ));
        store.close().await;

        let (ok, said) = verify(&db, &file);
        assert!(!ok, "a rehashed rewrite must fail: {said}");
        assert!(said.contains("第 2 条审计记录的密钥签名不符"), "{said}");

        // Even with the seal gone from the picture (a new key file), the checkpoint catches it.
        let key = data_of(&db).join("audit.key");
        assert!(key.is_file(), "the key lives in the data folder");
        must(std::fs::remove_file(&key));
        let (ok, said) = verify(&db, &file);
        assert!(!ok, "{said}");
        assert!(said.contains("与") && said.contains("检查点不符"), "{said}");
    }
}
