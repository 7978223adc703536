//! `gongkai backup` and `gongkai restore`: a demo deployment backed up while it serves and takes
//! applications, restored into an empty one with an intact audit chain, the same data and the
//! same attachment bytes, on both engines; and a backup that was changed is refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Engine, Store, blobs};

use crate::support::{
    LOAD_TEST_ENV, Server, add_county, application_body, assert_says, command, data_of, gongkai,
    must, stderr, stdout, succeeds,
};

/// A folder removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self(std::env::temp_dir().join(format!("gongkai-backup-test-{id}")))
    }

    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Records, applications and attachment bytes of the database at `url`.
async fn counts(url: &str) -> (i64, i64, i64) {
    let store = must(Store::connect(url).await);
    let one = |sql: &'static str| {
        let pool = store.pool().clone();
        async move { must(sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await) }
    };
    let c = (
        one("SELECT COUNT(*) FROM records").await,
        one("SELECT COUNT(*) FROM applications").await,
        one("SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments").await,
    );
    store.close().await;
    c
}

/// What an upload leaves behind: the blob (in the data folder on SQLite, in the database on
/// PostgreSQL) and its row on the first record.
async fn add_attachment(db: &TestDb, bytes: &[u8]) -> String {
    let store = must(Store::connect(&db.url).await);
    let sha = must(blobs::put(&store, &data_of(db), bytes).await);
    must(
        sqlx::query(
            "INSERT INTO attachments (record_id, sha256, file_name, kind, size_bytes, text, created_at)
             SELECT MIN(id), $1, '附件.pdf', 'pdf', $2, '', '2026-01-01T00:00:00Z' FROM records",
        )
        .bind(&sha)
        .bind(bytes.len() as i64)
        .execute(store.pool())
        .await,
    );
    store.close().await;
    sha
}

/// Loses the blob `sha` where it is kept (a deleted file, or deleted rows), leaving the row that
/// names it.
async fn forget_blob(db: &TestDb, sha: &str) {
    match db.engine {
        Engine::Sqlite => must(std::fs::remove_file(blobs::path(&data_of(db), sha))),
        Engine::Postgres => {
            let store = must(Store::connect(&db.url).await);
            for table in ["blob_chunks", "blobs"] {
                let sql = format!("DELETE FROM {table} WHERE sha256 = $1");
                must(
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(sha)
                        .execute(store.pool())
                        .await,
                );
            }
            store.close().await;
        }
    }
}

/// The number of entries `audit verify` reported.
fn audit_entries(line: &str) -> u64 {
    line.split("共 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"))
}

/// Some bytes that do not compress to nothing.
fn payload(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Submits applications to `base` until `stop` is set; returns how many were accepted.
async fn keep_applying(base: String, stop: Arc<AtomicBool>) -> usize {
    let client = must(
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build(),
    );
    let mut accepted = 0;
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let body = application_body(
            "备份测试申请人",
            &format!("备份期间提交的申请 {n}：申请公开某项政府信息"),
        );
        if let Ok(r) = client
            .post(format!("{base}/api/v1/applications"))
            .json(&body)
            .send()
            .await
            && r.status() == reqwest::StatusCode::CREATED
        {
            accepted += 1;
        }
    }
    accepted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_deployment_backed_up_while_serving_restores_whole_on_both_engines() {
    for engine in ENGINES {
        let source = TestDb::new(engine).await;
        let server = Server::start_with_env(&source, &["--demo"], LOAD_TEST_ENV);
        crate::support::wait_for_tables_loaded(&source.url).await;
        let base = server.url.clone();
        let blob = payload(300_000, 7);
        let sha = add_attachment(&source, &blob).await;
        // A row whose file is gone from the data folder: the backup says so.
        let lost = add_attachment(&source, b"lost").await;
        forget_blob(&source, &lost).await;
        let before = counts(&source.url).await;
        assert!(before.0 > 0 && before.1 > 0, "demo data: {before:?}");

        // Online: applications keep arriving while the backup runs.
        let stop_flag = Arc::new(AtomicBool::new(false));
        let writer = tokio::spawn(keep_applying(base.clone(), stop_flag.clone()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        let backups = TempDir::new();
        let to = backups.join("gongkai-备份");
        let taken = {
            let mut cmd = command(&source);
            cmd.args(["backup", "--to"]).arg(&to);
            must(tokio::task::spawn_blocking(move || cmd.output()).await)
        };
        let taken = must(taken);
        stop_flag.store(true, Ordering::Relaxed);
        let accepted = must(writer.await);
        assert!(taken.status.success(), "{}", stderr(&taken));
        assert_says(&stdout(&taken), "备份完成");
        assert!(
            stderr(&taken).contains("1 个附件文件不在数据文件夹") && stderr(&taken).contains(&lost),
            "{}",
            stderr(&taken)
        );
        assert!(accepted > 0, "applications were accepted during the backup");
        let after = counts(&source.url).await;
        let source_audit = stdout(&gongkai(&source, &["audit", "verify"]));
        let _ = server.terminate();

        let manifest: serde_json::Value = must(serde_json::from_slice(&must(std::fs::read(
            to.join("manifest.json"),
        ))));
        assert_eq!(manifest["engine"], engine.name());
        assert_eq!(
            manifest["schema_version"],
            gongkai_store::migrate::latest_version()
        );
        let blob_entry = format!("files/{}/{sha}", &sha[..2]);
        let files = manifest["files"].as_array().cloned().unwrap_or_default();
        // SQLite's blobs are files beside the snapshot; PostgreSQL's are rows in its dump.
        assert_eq!(
            files.iter().any(|f| f["path"] == blob_entry.as_str()
                && f["size"] == 300_000
                && f["sha256"] == sha.as_str()),
            engine == Engine::Sqlite,
            "{manifest}"
        );

        let target = TestDb::new(engine).await;
        let restored = succeeds(&target, &["restore", "--from", &to.to_string_lossy()]);
        assert_says(&stdout(&restored), "已恢复");
        assert_says(&stdout(&restored), "搜索索引已重建");

        let verify = succeeds(&target, &["audit", "verify"]);
        // The audit key came back with the data, so the restored chain's seals are checked
        // (not only entries written after a new key), and so did the checkpoints.
        assert_says(&stdout(&verify), "哈希链与密钥签名校验通过");
        assert_says(&stdout(&verify), "个检查点一致");
        let key_of = |db: &TestDb| must(std::fs::read_to_string(data_of(db).join("audit.key")));
        assert_eq!(key_of(&target), key_of(&source), "the same audit key");
        let (records, applications, bytes) = counts(&target.url).await;
        assert_eq!(records, before.0);
        assert_eq!(bytes, before.2);
        assert!(bytes >= 300_004);
        // One consistent moment between the start and the end of the backup.
        assert!(
            (before.1..=after.1).contains(&applications),
            "{} ≤ {applications} ≤ {}",
            before.1,
            after.1
        );
        assert!(
            audit_entries(&stdout(&verify)) <= audit_entries(&source_audit),
            "{source_audit} / {}",
            stdout(&verify)
        );
        let restored = must(Store::connect(&target.url).await);
        assert_eq!(
            must(blobs::read(&restored, &data_of(&target), &sha).await),
            blob,
            "the attachment's bytes came back"
        );
        restored.close().await;

        // The restored deployment takes new writes: its id sequences came back too.
        let added = gongkai(
            &target,
            &[
                "org",
                "add",
                "--code",
                "WQX099",
                "--name",
                "乌恰县测试局",
                "--parent",
                "WQX001",
            ],
        );
        assert!(added.status.success(), "{}", stderr(&added));
        assert!(gongkai(&target, &["audit", "verify"]).status.success());

        // A second restore onto the now-filled target is refused, and --force overwrites.
        let again = gongkai(&target, &["restore", "--from", &to.to_string_lossy()]);
        assert!(!again.status.success());
        assert!(
            stderr(&again).contains("恢复目标中已有数据"),
            "{}",
            stderr(&again)
        );
        assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
        let forced = gongkai(
            &target,
            &["restore", "--force", "--from", &to.to_string_lossy()],
        );
        assert!(forced.status.success(), "{}", stderr(&forced));
        assert_eq!(counts(&target.url).await.0, before.0);
        assert!(gongkai(&target, &["audit", "verify"]).status.success());
    }
}

/// A small SQLite deployment with one attachment, backed up; returns the backup folder and the
/// attachment's path inside it.
async fn small_backup(db: &TestDb, dir: &Path) -> String {
    succeeds(db, &["init"]);
    add_county(db);
    let store = must(Store::connect(&db.url).await);
    let sha = must(blobs::put(&store, &data_of(db), &payload(5_000, 3)).await);
    store.close().await;
    succeeds(db, &["backup", "--to", &dir.to_string_lossy()]);
    format!("files/{}/{sha}", &sha[..2])
}

#[tokio::test]
async fn a_changed_or_incomplete_backup_is_refused_and_named() {
    let source = TestDb::new(Engine::Sqlite).await;
    let backups = TempDir::new();
    let dir = backups.join("b");
    let blob = small_backup(&source, &dir).await;
    let from = dir.to_string_lossy().into_owned();

    // One byte changed in an attachment.
    let path = dir.join(&blob);
    let mut bytes = must(std::fs::read(&path));
    bytes[100] ^= 0x01;
    must(std::fs::write(&path, &bytes));
    let target = TestDb::new(Engine::Sqlite).await;
    let refused = gongkai(&target, &["restore", "--from", &from]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(err.contains(&blob) && err.contains("SHA-256 不符"), "{err}");
    assert!(
        !target.dir.join("gongkai.db").exists(),
        "nothing written before the check"
    );

    // The database snapshot gone.
    must(std::fs::remove_file(dir.join("database.sqlite")));
    let refused = gongkai(&target, &["restore", "--from", &from]);
    assert!(
        stderr(&refused).contains("database.sqlite 缺失"),
        "{}",
        stderr(&refused)
    );

    // A manifest that is not one.
    must(std::fs::write(dir.join("manifest.json"), b"{\"format\": 1"));
    let refused = gongkai(&target, &["restore", "--from", &from]);
    assert!(
        stderr(&refused).contains("manifest.json"),
        "{}",
        stderr(&refused)
    );

    // A folder without a deployment is not backed up as an empty one.
    let nothing = TestDb::new(Engine::Sqlite).await;
    let out = gongkai(
        &nothing,
        &["backup", "--to", &backups.join("x").to_string_lossy()],
    );
    assert!(
        stderr(&out).contains("找不到数据库文件"),
        "{}",
        stderr(&out)
    );
    assert!(!nothing.dir.join("gongkai.db").exists());

    // A backup folder is never written over.
    let again = gongkai(&source, &["backup", "--to", &from]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("不是空的"), "{}", stderr(&again));
}

#[tokio::test]
async fn an_sqlite_backup_does_not_go_into_postgresql_and_a_missing_pg_dump_is_named() {
    let source = TestDb::new(Engine::Sqlite).await;
    let backups = TempDir::new();
    let dir = backups.join("b");
    small_backup(&source, &dir).await;
    let pg = TestDb::new(Engine::Postgres).await;
    let refused = gongkai(&pg, &["restore", "--from", &dir.to_string_lossy()]);
    assert!(
        stderr(&refused).contains("不能恢复到 postgres"),
        "{}",
        stderr(&refused)
    );

    assert!(gongkai(&pg, &["init"]).status.success());
    let out = must(
        command(&pg)
            .env("PATH", "/nonexistent")
            .args(["backup", "--to"])
            .arg(backups.join("pg"))
            .output(),
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("pg_dump") && stderr(&out).contains("找不到该程序"),
        "{}",
        stderr(&out)
    );
    assert!(
        !backups.join("pg").exists(),
        "a failed backup leaves no folder"
    );
}
