//! `gongkai site export` and `gongkai site import`: the demo county (乌恰, the first site of its
//! deployment, with records, an attachment linked from a record's body, applications, messages,
//! consultations, staff and audit history) moves into another deployment on the other engine
//! that already serves 阿图什 — every row under a new id, the same tracking codes, index
//! numbers, passwords and file bytes, its settings and audit history along — and a second
//! import, a changed file or a changed audit entry is refused with nothing imported.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongkai_store::testing::TestDb;
use gongkai_store::{Engine, Store, blobs};
use reqwest::StatusCode;

use crate::support::{
    LOAD_TEST_ENV, Server, application_body, assert_says, client, csrf_of, data_of, gongkai, login,
    must, stderr, stdout, succeeds, text,
};

async fn scalar_i64(url: &str, sql: &str) -> i64 {
    let store = must(Store::connect(url).await);
    let v = must(
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(store.pool())
            .await,
    );
    store.close().await;
    v
}

async fn scalar_text(url: &str, sql: &str) -> String {
    let store = must(Store::connect(url).await);
    let v = must(
        sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(store.pool())
            .await,
    );
    store.close().await;
    v
}

async fn run_sql(url: &str, sql: &str) {
    let store = must(Store::connect(url).await);
    must(
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(store.pool())
            .await,
    );
    store.close().await;
}

/// A file attached to the demo's first published record and linked from its body; returns the
/// record's index number.
async fn attach_linked_file(db: &TestDb, bytes: &[u8]) -> String {
    let store = must(Store::connect(&db.url).await);
    let sha = must(blobs::put(&store, &data_of(db), bytes).await);
    let record: i64 = must(
        sqlx::query_scalar(
            "SELECT MIN(id) FROM records WHERE status = 'published' AND index_no IS NOT NULL",
        )
        .fetch_one(store.pool())
        .await,
    );
    let file: i64 = must(
        sqlx::query_scalar(
            "INSERT INTO attachments (record_id, sha256, file_name, kind, size_bytes, text,
                created_at) VALUES ($1, $2, '迁移附件.pdf', 'pdf', $3, '', '2026-01-01T00:00:00Z')
             RETURNING id",
        )
        .bind(record)
        .bind(&sha)
        .bind(bytes.len() as i64)
        .fetch_one(store.pool())
        .await,
    );
    must(
        sqlx::query("UPDATE records SET body_html = body_html || $1 WHERE id = $2")
            .bind(format!(
                "<p><a href=\"/files/{file}/%E8%BF%81%E7%A7%BB%E9%99%84%E4%BB%B6.pdf\">附件</a></p>"
            ))
            .bind(record)
            .execute(store.pool())
            .await,
    );
    let index_no: String = must(
        sqlx::query_scalar("SELECT index_no FROM records WHERE id = $1")
            .bind(record)
            .fetch_one(store.pool())
            .await,
    );
    store.close().await;
    index_no
}

/// A copy of the zip archive `from` at `to` with the entry `name` passed through `change`.
fn rewrite_entry(from: &Path, to: &Path, name: &str, change: impl Fn(Vec<u8>) -> Vec<u8>) {
    let mut archive = must(zip::ZipArchive::new(must(std::fs::File::open(from))));
    let mut out = zip::ZipWriter::new(must(std::fs::File::create(to)));
    for i in 0..archive.len() {
        let mut entry = must(archive.by_index(i));
        let entry_name = must(entry.name()).into_owned();
        let mut bytes = Vec::new();
        must(entry.read_to_end(&mut bytes));
        if entry_name == name {
            bytes = change(bytes);
        }
        must(out.start_file(entry_name, zip::write::SimpleFileOptions::default()));
        must(out.write_all(&bytes));
    }
    must(out.finish());
}

/// Looks an application up by tracking code and query password on `base`'s status form.
async fn look_up(base: &str, code: &str, secret: &str) -> String {
    let c = client();
    let (_, form) = text(&c, &format!("{base}/ysqgk/status")).await;
    let token = csrf_of(&form);
    let r = must(
        c.post(format!("{base}/ysqgk/status"))
            .header("Origin", base.split("/site/").next().unwrap_or(base))
            .form(&[
                ("csrf_token", token.as_str()),
                ("tracking_code", code),
                ("secret", secret),
            ])
            .send()
            .await,
    );
    must(r.text().await)
}

struct Archive(PathBuf);

impl Drop for Archive {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn move_between(from: Engine, to: Engine) {
    // The source: the demo county, serving, with an application filed over the API.
    let source = TestDb::new(from).await;
    let server = Server::start_with_env(&source, &["--demo"], LOAD_TEST_ENV);
    crate::support::wait_for_tables_loaded(&source.url).await;
    let c = client();
    let filed: serde_json::Value = must(
        must(
            c.post(format!("{}/api/v1/applications", server.url))
                .json(&application_body(
                    "迁移测试申请人",
                    "请公开乌恰县2026年迁移测试的相关文件",
                ))
                .send()
                .await,
        )
        .json()
        .await,
    );
    let code = filed["tracking_code"]
        .as_str()
        .unwrap_or_else(|| panic!("no tracking code: {filed}"))
        .to_owned();
    let pdf = gongkai_content::fixtures::pdf();
    let index_no = attach_linked_file(&source, &pdf).await;
    let source_counts = [
        scalar_i64(&source.url, "SELECT COUNT(*) FROM records").await,
        scalar_i64(&source.url, "SELECT COUNT(*) FROM applications").await,
        scalar_i64(&source.url, "SELECT COUNT(*) FROM messages").await,
        scalar_i64(&source.url, "SELECT COUNT(*) FROM consultations").await,
        scalar_i64(&source.url, "SELECT COUNT(*) FROM users").await,
    ];
    assert!(
        source_counts.iter().all(|n| *n > 0),
        "demo data: {source_counts:?}"
    );
    let site_audit = scalar_i64(
        &source.url,
        "SELECT COUNT(*) FROM audit_log WHERE site_id IS NOT NULL",
    )
    .await;

    // Export while the source serves.
    let folder = Archive(source.dir.join("archives"));
    must(std::fs::create_dir_all(&folder.0));
    let file = folder.0.join("wqx001.gksite");
    let file_arg = file.to_string_lossy().into_owned();
    let out = succeeds(&source, &["site", "export", "WQX001", "--to", &file_arg]);
    assert_says(&stdout(&out), "已导出站点 WQX001（乌恰县人民政府）");
    let again = gongkai(&source, &["site", "export", "WQX001", "--to", &file_arg]);
    assert!(!again.status.success(), "an archive is never overwritten");
    assert_says(&stderr(&again), "已存在");
    drop(server);
    let exported = scalar_i64(
        &source.url,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'site.export'",
    )
    .await;
    assert_eq!(exported, 1, "the export is audited in the source");

    // The target already serves 阿图什, with a record of its own, so every id is taken.
    let target = TestDb::new(to).await;
    succeeds(
        &target,
        &[
            "org",
            "add",
            "--code",
            "ATS001",
            "--name",
            "阿图什市人民政府",
        ],
    );
    succeeds(&target, &["site", "set", "site_name", "阿图什市人民政府"]);
    run_sql(
        &target.url,
        "INSERT INTO records (site_id, org_id, kind, status, title, body_html, body_text,
            created_at, updated_at)
         SELECT id, id, 'notice', 'draft', '阿图什草稿', '<p>草稿</p>', '草稿',
            '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM organisations",
    )
    .await;

    // A changed file, a changed audit entry: refused, nothing imported.
    let sha = blobs::sha256_hex(&pdf);
    let bad_file = folder.0.join("changed-file.gksite");
    rewrite_entry(&file, &bad_file, &format!("files/{sha}"), |mut b| {
        b[100] ^= 1;
        b
    });
    let refused = gongkai(&target, &["site", "import", &bad_file.to_string_lossy()]);
    assert!(!refused.status.success());
    assert_says(&stderr(&refused), "与清单不符");
    let bad_audit = folder.0.join("changed-audit.gksite");
    rewrite_entry(&file, &bad_audit, "audit.jsonl", |b| {
        String::from_utf8_lossy(&b)
            .replacen("\"actor\":\"system\"", "\"actor\":\"intruder\"", 1)
            .into_bytes()
    });
    let refused = gongkai(&target, &["site", "import", &bad_audit.to_string_lossy()]);
    assert!(!refused.status.success());
    assert_says(&stderr(&refused), "审计记录未通过校验");
    assert_eq!(
        scalar_i64(&target.url, "SELECT COUNT(*) FROM organisations").await,
        1,
        "nothing of a refused archive is imported"
    );

    // The import.
    let out = succeeds(&target, &["site", "import", &file_arg]);
    assert_says(&stdout(&out), "已导入站点 WQX001（乌恰县人民政府）");
    let archive_sha = must(gongkai_store::site_export::file_sha256(&file));
    assert_says(&stdout(&out), &format!("迁移文件 SHA-256：{archive_sha}"));
    let target_counts = [
        scalar_i64(&target.url, "SELECT COUNT(*) FROM records").await - 1,
        scalar_i64(&target.url, "SELECT COUNT(*) FROM applications").await,
        scalar_i64(&target.url, "SELECT COUNT(*) FROM messages").await,
        scalar_i64(&target.url, "SELECT COUNT(*) FROM consultations").await,
        scalar_i64(&target.url, "SELECT COUNT(*) FROM users").await,
    ];
    assert_eq!(target_counts, source_counts, "every row arrived");
    let again = gongkai(&target, &["site", "import", &file_arg]);
    assert!(!again.status.success());
    assert_says(&stderr(&again), "本部署已有站点 WQX001");
    // The history came along and still checks; the target's own chain records the import.
    let verified = succeeds(&target, &["audit", "verify"]);
    assert_says(
        &stdout(&verified),
        &format!("导入站点时带入的 {site_audit} 条审计记录"),
    );
    // Changing an imported entry afterwards shows.
    run_sql(
        &target.url,
        "UPDATE imported_audit SET detail = '{}' WHERE id = (SELECT MAX(id) FROM imported_audit)",
    )
    .await;
    let broken = gongkai(&target, &["audit", "verify"]);
    assert!(
        !broken.status.success(),
        "a changed imported entry is found"
    );
    assert_says(&stderr(&broken), "与导入时记录的摘要不符");
    // On the target's pages: the county under its own name and prefix, 阿图什 untouched.
    let server = Server::start_with_env(&target, &[], &[("GONGKAI_DEMO_CORPUS", "/nonexistent")]);
    let base = server.url.clone();
    let site = format!("{base}/site/WQX001");
    let c = client();
    let (_, home) = text(&c, &format!("{site}/")).await;
    assert_says(&home, "乌恰县人民政府");
    let (_, own) = text(&c, &format!("{base}/")).await;
    assert_says(&own, "阿图什市人民政府");
    assert!(!own.contains("乌恰县人民政府"), "阿图什's home is its own");
    let (status, page) = text(&c, &format!("{site}/xxgk/{index_no}")).await;
    assert_eq!(status, StatusCode::OK, "the record keeps its index number");
    let new_file = scalar_i64(
        &target.url,
        &format!("SELECT id FROM attachments WHERE sha256 = '{sha}'"),
    )
    .await;
    assert_says(&page, &format!("/files/{new_file}/"));
    let r = must(
        c.get(format!("{site}/files/{new_file}/迁移附件.pdf"))
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        must(r.bytes().await).as_ref(),
        pdf.as_slice(),
        "the same bytes"
    );
    // The applicant's tracking code and query password still work.
    let found = look_up(&site, &code, "chaxun-123").await;
    assert_says(&found, &code);
    assert_says(&found, "迁移测试");
    // Search finds the county's records once the follower has read the feed.
    let title = scalar_text(
        &target.url,
        &format!("SELECT title FROM records WHERE index_no = '{index_no}'"),
    )
    .await;
    let query: String = title.chars().take(8).collect();
    let started = Instant::now();
    loop {
        let (_, hits) = text(
            &c,
            &format!("{site}/api/v1/search?q={}", urlencoding(&query)),
        )
        .await;
        if hits.contains(&index_no) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the imported records are not searchable: {hits}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Staff sign in with their old passwords and see their site's history.
    let admin = login(&base, "demo-supervisor").await;
    let (status, desk) = text(&admin, &format!("{base}/admin")).await;
    assert_eq!(status, StatusCode::OK);
    assert_says(&desk, "乌恰县人民政府");
    let (_, log) = text(&admin, &format!("{base}/admin/audit")).await;
    assert_says(&log, "从迁移文件导入站点");
    assert_says(&log, "迁入本平台前的操作记录");
    assert!(
        !log.contains("ATS001"),
        "乌恰's staff read none of 阿图什's entries: {log}"
    );
    // So is the whole history deleted.
    run_sql(&target.url, "DELETE FROM imported_audit").await;
    let gone = gongkai(&target, &["audit", "verify"]);
    assert!(
        !gone.status.success(),
        "a deleted imported history is found"
    );
    assert_says(&stderr(&gone), "与导入时记录的摘要不符");
    drop(server);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_moves_from_sqlite_to_a_postgresql_platform() {
    move_between(Engine::Sqlite, Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_moves_from_postgresql_to_sqlite() {
    move_between(Engine::Postgres, Engine::Sqlite).await;
}
