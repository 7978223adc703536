//! Backups of a deployment: a consistent snapshot of the database taken while the portal runs
//! (`VACUUM INTO` on SQLite, `pg_dump` in custom format on PostgreSQL), the attachment blobs of
//! the data folder, and a [`Manifest`] naming every file with its size and SHA-256; and the way
//! back (`pg_restore`, or the snapshot copied into place), refusing a backup whose files do not
//! match their manifest.
//!
//! A backup folder holds `manifest.json`, the database snapshot ([`SQLITE_SNAPSHOT`] or
//! [`PG_DUMP`]), `files/ab/abcdef…`, the blobs laid out as in the data folder, and, when the
//! deployment has them, the audit key and checkpoint file ([`AUDIT_KEY`], [`AUDIT_CHECKPOINTS`]:
//! without the key the restored chain's seals could not be checked). The search index is
//! derived data and is not part of a backup.
//!
//! File work here is blocking (plain `std::fs` and child processes); async callers run it on a
//! blocking thread. Progress is reported as bytes through a callback.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Engine, Result, Store, StoreError};

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The database snapshot of an SQLite deployment.
pub const SQLITE_SNAPSHOT: &str = "database.sqlite";
/// The `pg_dump` archive (custom format) of a PostgreSQL deployment.
pub const PG_DUMP: &str = "database.pgdump";
/// The audit key inside a backup (a secret, like the rest of a backup).
pub const AUDIT_KEY: &str = "audit/audit.key";
/// The audit checkpoint file inside a backup (copied before the snapshot, so every checkpoint
/// in it is of a head the snapshot holds).
pub const AUDIT_CHECKPOINTS: &str = "audit/audit-checkpoints.log";
/// The manifest format this program writes and reads.
pub const FORMAT: u32 = 1;
/// The largest manifest read back (about 300,000 files); anything larger is refused unread.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;
/// Read and write in pieces of this size.
const CHUNK: usize = 256 * 1024;

/// What a backup holds, written last so that a folder without it is recognisably incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Manifest format ([`FORMAT`]).
    pub format: u32,
    /// The gongkai version that wrote it.
    pub gongkai_version: String,
    /// When the backup was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The engine the database snapshot is for.
    pub engine: Engine,
    /// The schema (migration) version of the snapshot.
    pub schema_version: i64,
    /// Every file of the backup, the database snapshot first.
    pub files: Vec<ManifestFile>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Path inside the backup folder, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the contents (hex).
    pub sha256: String,
}

impl Manifest {
    /// The database snapshot's file name for `engine`.
    pub fn snapshot_name(engine: Engine) -> &'static str {
        match engine {
            Engine::Sqlite => SQLITE_SNAPSHOT,
            Engine::Postgres => PG_DUMP,
        }
    }

    /// Total bytes of all files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// Writes the manifest into `dir` atomically (a partial write never looks complete).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| StoreError::BackupManifest(e.to_string()))?;
        let tmp = dir.join(format!("{MANIFEST}.part"));
        let io = |p: &Path, e: std::io::Error| io_error(p, &e);
        let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(&json).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
        let path = dir.join(MANIFEST);
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
    }

    /// Reads the manifest of the backup in `dir`, refusing one that is missing, too large,
    /// malformed, of another format, or names a file outside the backup's layout.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(MANIFEST);
        let file = File::open(&path).map_err(|e| {
            StoreError::BackupManifest(if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "{} 中没有 {MANIFEST}（不是 gongkai 备份，或备份未完成）",
                    dir.display()
                )
            } else {
                describe_io(&e)
            })
        })?;
        let mut bytes = Vec::new();
        file.take(MAX_MANIFEST_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| StoreError::BackupManifest(describe_io(&e)))?;
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(StoreError::BackupManifest("文件过大".into()));
        }
        let manifest: Self = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::BackupManifest(format!("格式不正确（{e}）")))?;
        if manifest.format != FORMAT {
            return Err(StoreError::BackupManifest(format!(
                "格式版本 {} 不受本程序支持（支持 {FORMAT}）",
                manifest.format
            )));
        }
        let snapshot = Self::snapshot_name(manifest.engine);
        if manifest.files.first().map(|f| f.path.as_str()) != Some(snapshot) {
            return Err(StoreError::BackupManifest(format!(
                "第一项应为数据库快照 {snapshot}"
            )));
        }
        for f in manifest.files.iter().skip(1) {
            if !is_blob_path(&f.path, &f.sha256)
                && f.path != AUDIT_KEY
                && f.path != AUDIT_CHECKPOINTS
            {
                return Err(StoreError::BackupManifest(format!(
                    "列出了不属于备份的文件“{}”",
                    f.path.chars().take(200).collect::<String>()
                )));
            }
        }
        Ok(manifest)
    }

    /// Checks every file of the backup in `dir` against the manifest: present, of the listed
    /// size, with the listed SHA-256. The first file that differs is named in the error.
    /// `progress` receives the bytes read as they are read.
    pub fn verify(&self, dir: &Path, progress: &mut dyn FnMut(u64)) -> Result<()> {
        // Sizes first: a missing or truncated file is reported before hours of hashing.
        for f in &self.files {
            let path = dir.join(&f.path);
            let size = match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => m.len(),
                _ => return Err(tampered(&f.path, "缺失")),
            };
            if size != f.size {
                return Err(tampered(
                    &f.path,
                    &format!("大小不符（清单 {} 字节，实际 {size} 字节）", f.size),
                ));
            }
        }
        for f in &self.files {
            let (size, sha) = hash_file(&dir.join(&f.path), progress)?;
            if size != f.size || sha != f.sha256 {
                return Err(tampered(&f.path, "内容与清单中的 SHA-256 不符"));
            }
        }
        Ok(())
    }
}

/// Whether `path` is where a blob named `sha256` lives in a backup (`files/ab/ab…`, 64 hex).
fn is_blob_path(path: &str, sha256: &str) -> bool {
    is_blob_name(sha256) && path == format!("files/{}/{sha256}", &sha256[..2])
}

/// Whether a file name is a blob's: 64 lower-case hex digits.
fn is_blob_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn tampered(path: &str, problem: &str) -> StoreError {
    StoreError::BackupFile {
        path: path.to_owned(),
        problem: problem.to_owned(),
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读写权限".into(),
        std::io::ErrorKind::StorageFull => "磁盘空间不足".into(),
        _ => e.to_string(),
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::BackupIo {
        path: path.display().to_string(),
        reason: describe_io(e),
    }
}

/// Size and SHA-256 (hex) of a file, reporting bytes read to `progress`.
pub fn hash_file(path: &Path, progress: &mut dyn FnMut(u64)) -> Result<(u64, String)> {
    let f = File::open(path).map_err(|e| io_error(path, &e))?;
    read_hashed(path, f, progress, |_| Ok(()))
}

/// Copies `from` to `to` (through `to.part`, synced, then renamed), returning the size and
/// SHA-256 of what was copied.
pub fn copy_file(from: &Path, to: &Path, progress: &mut dyn FnMut(u64)) -> Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    }
    let src = File::open(from).map_err(|e| io_error(from, &e))?;
    let tmp = to.with_extension("part");
    let mut dst = File::create(&tmp).map_err(|e| io_error(&tmp, &e))?;
    let copied = read_hashed(from, src, progress, |chunk| {
        dst.write_all(chunk).map_err(|e| io_error(&tmp, &e))
    })?;
    dst.sync_all().map_err(|e| io_error(&tmp, &e))?;
    std::fs::rename(&tmp, to).map_err(|e| io_error(to, &e))?;
    Ok(copied)
}

/// Reads `file` (at `path`) to its end, handing each chunk to `chunk` and its size to
/// `progress`; returns the size and SHA-256 (hex) of what was read.
fn read_hashed(
    path: &Path,
    mut file: File,
    progress: &mut dyn FnMut(u64),
    mut chunk: impl FnMut(&[u8]) -> Result<()>,
) -> Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| io_error(path, &e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        chunk(&buf[..n])?;
        total += n as u64;
        progress(n as u64);
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// The attachment blobs under a data folder (`files/ab/ab…`), as paths relative to it with `/`
/// separators, with their sizes. Unfinished writes (`*.part`) and foreign files are left out.
pub fn blobs(data_dir: &Path) -> Result<Vec<(String, u64)>> {
    let root = data_dir.join("files");
    let mut out = Vec::new();
    let shards = match std::fs::read_dir(&root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_error(&root, &e)),
    };
    for shard in shards {
        let shard = shard.map_err(|e| io_error(&root, &e))?;
        let prefix = shard.file_name().to_string_lossy().into_owned();
        if !shard.path().is_dir() || prefix.len() != 2 {
            continue;
        }
        let dir = shard.path();
        for entry in std::fs::read_dir(&dir).map_err(|e| io_error(&dir, &e))? {
            let entry = entry.map_err(|e| io_error(&dir, &e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().map_err(|e| io_error(&entry.path(), &e))?;
            if meta.is_file() && is_blob_name(&name) && name.starts_with(&prefix) {
                out.push((format!("files/{prefix}/{name}"), meta.len()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the data folder already holds a deployment's files: the SQLite database, or any
/// attachment blob. Returns what was found, in Chinese, for the refusal.
pub fn data_dir_in_use(data_dir: &Path) -> Result<Option<String>> {
    let db = data_dir.join("gongkai.db");
    if std::fs::metadata(&db).is_ok_and(|m| m.len() > 0) {
        return Ok(Some(format!("数据库文件 {}", db.display())));
    }
    let n = blobs(data_dir)?.len();
    if n > 0 {
        return Ok(Some(format!(
            "附件文件夹 {}（{n} 个文件）",
            data_dir.join("files").display()
        )));
    }
    Ok(None)
}

/// The schema (migration) version of the database, 0 for one never migrated.
pub async fn schema_version(store: &Store) -> Result<i64> {
    let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(store.pool())
        .await?;
    Ok(v.unwrap_or(0))
}

/// The blobs the database refers to (attachments of records, applications and their replies,
/// messages, consultations and work records) that belong in the data folder, as paths relative to it like
/// [`blobs`] gives them. Blobs held in the database itself (PostgreSQL, [`crate::blobs`]) are in
/// its snapshot and are not listed.
pub async fn referenced_blobs(store: &Store) -> Result<Vec<String>> {
    let referenced = "SELECT sha256 FROM attachments UNION SELECT sha256 FROM application_files
         UNION SELECT sha256 FROM application_reply_files
         UNION SELECT sha256 FROM message_files UNION SELECT sha256 FROM consultation_files
         UNION SELECT file_sha256 FROM work_records";
    let sql = match store.engine() {
        Engine::Sqlite => referenced.to_owned(),
        Engine::Postgres => format!(
            "SELECT sha256 FROM ({referenced}) r WHERE NOT EXISTS \
             (SELECT 1 FROM blobs b WHERE b.sha256 = r.sha256)"
        ),
    };
    let shas: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_all(store.pool())
        .await?;
    Ok(shas
        .into_iter()
        .filter(|s| is_blob_name(s))
        .map(|s| format!("files/{}/{s}", &s[..2]))
        .collect())
}

/// How many tables the database holds (0 for a freshly created one).
pub async fn table_count(store: &Store) -> Result<i64> {
    let sql = match store.engine() {
        Engine::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
        Engine::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_one(store.pool()).await?)
}

/// Writes a consistent copy of the SQLite database to `dest` (which must not exist) while
/// others keep reading and writing: `VACUUM INTO` reads one transaction's snapshot.
pub async fn snapshot_sqlite(store: &Store, dest: &Path) -> Result<()> {
    let target = dest.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// A libpq connection string for `url` without its password, and the password (decoded) to
/// hand over in `PGPASSWORD`, so it never shows in the process list.
fn libpq_target(url: &str) -> (String, Option<String>) {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, password)) = creds.split_once(':')
    {
        return (
            format!("{scheme}://{user}@{host}"),
            Some(percent_decode(password)),
        );
    }
    (url.to_owned(), None)
}

/// Decodes `%XX` escapes (a password in a URL); anything malformed is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a PostgreSQL client tool against `url` with `args`, turning a missing program or a
/// failure into a clear error carrying the tool's own last lines.
fn run_pg_tool(tool: &'static str, url: &str, args: &[&str]) -> Result<()> {
    let (conn, password) = libpq_target(url);
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(format!("--dbname={conn}"));
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().map_err(|e| StoreError::BackupTool {
        tool,
        reason: if e.kind() == std::io::ErrorKind::NotFound {
            "找不到该程序，请安装 PostgreSQL 客户端工具（Debian：apt install postgresql-client），\
             并确认其版本不低于数据库服务器"
                .into()
        } else {
            describe_io(&e)
        },
    })?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    Err(StoreError::BackupTool {
        tool,
        reason: tail.into_iter().rev().collect::<Vec<_>>().join("；"),
    })
}

/// Dumps the PostgreSQL database at `url` to `dest` with `pg_dump` in custom format: one
/// consistent snapshot, taken while the portal keeps running.
pub fn pg_dump(url: &str, dest: &Path) -> Result<()> {
    let file = format!("--file={}", dest.display());
    run_pg_tool(
        "pg_dump",
        url,
        &["--format=custom", "--no-owner", "--no-privileges", &file],
    )
}

/// Restores a `pg_dump` archive into the database at `url` in one transaction. With `clean`,
/// objects of the archive that already exist are dropped first.
pub fn pg_restore(url: &str, archive: &Path, clean: bool) -> Result<()> {
    let mut args = vec![
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ];
    if clean {
        args.extend(["--clean", "--if-exists"]);
    }
    let archive = archive.display().to_string();
    args.push(&archive);
    run_pg_tool("pg_restore", url, &args)
}

/// Puts an SQLite snapshot in place as the data folder's database, removing a journal left
/// by an earlier database there (it would otherwise be replayed onto the restored one).
pub fn install_sqlite(
    snapshot: &Path,
    data_dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<(u64, String)> {
    let db = data_dir.join("gongkai.db");
    for suffix in ["-wal", "-shm"] {
        let journal = PathBuf::from(format!("{}{suffix}", db.display()));
        match std::fs::remove_file(&journal) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&journal, &e)),
        }
    }
    copy_file(snapshot, &db, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            libpq_target("postgres://gk:s%40cret@db:5432/gk"),
            ("postgres://gk@db:5432/gk".into(), Some("s@cret".into()))
        );
        assert_eq!(
            libpq_target("postgres://postgres@127.0.0.1/test"),
            ("postgres://postgres@127.0.0.1/test".into(), None)
        );
    }

    #[test]
    fn only_blob_paths_are_accepted() {
        let sha = "ab".repeat(32);
        assert!(is_blob_path(&format!("files/ab/{sha}"), &sha));
        assert!(!is_blob_path(&format!("files/ab/../{sha}"), &sha));
        assert!(!is_blob_path("/etc/passwd", &sha));
        assert!(!is_blob_path(&format!("files/cd/{sha}"), &sha));
        assert!(!is_blob_path("files/ab/abc", "abc"));
    }
}
