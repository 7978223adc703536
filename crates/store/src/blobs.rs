//! The bytes of uploaded files (record attachments, case files, consultation drafts),
//! content-addressed by SHA-256 so the same file uploaded twice is stored once.
//!
//! Where they live follows the engine. On SQLite, a one-machine deployment, they are files in
//! the data folder (`files/ab/abcdef…`, written atomically and fsync'd). On PostgreSQL, where
//! several nodes share one database, they are rows: `blobs` names each one and `blob_chunks`
//! holds its bytes in pieces of [`CHUNK_BYTES`], written in one transaction and read back one
//! piece at a time, so no shared folder is needed and a download never holds a whole file in
//! memory. A PostgreSQL deployment that kept blobs in its data folder before (schema 21) still
//! reads them from there until [`adopt_folder`] (run by each node at start) moves them in.

use std::path::{Path, PathBuf};

use gongkai_domain::ErrorCode;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use crate::{Engine, Result, Store, StoreError, now, ts};

/// The size of one stored piece of a blob in the database, and of one piece read from a file.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// Where the bytes of `sha256` live under `data_dir`.
pub fn path(data_dir: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("00");
    data_dir.join("files").join(prefix).join(sha256)
}

/// The hex SHA-256 of bytes: the name a blob is stored under.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn not_saved(reason: &(dyn std::fmt::Display + Sync)) -> StoreError {
    StoreError::conflict_with(ErrorCode::AttachmentNotSaved, &[("reason", reason)])
}

fn missing() -> StoreError {
    StoreError::NotFound {
        what: "附件文件".into()
    }
}

/// Stores `bytes` (once: a blob already held is not written again) and returns their hash.
pub async fn put(store: &Store, data_dir: &Path, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    match store.engine() {
        Engine::Sqlite => put_file(data_dir, &sha, bytes).await?,
        Engine::Postgres => put_rows(store, &sha, bytes).await?,
    }
    Ok(sha)
}

async fn put_file(data_dir: &Path, sha: &str, bytes: &[u8]) -> Result<()> {
    let path = path(data_dir, sha);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let io = |e: std::io::Error| not_saved(&e);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    let tmp = path.with_extension("part");
    let data = bytes.to_vec();
    let tmp2 = tmp.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp2)?;
        f.write_all(&data)?;
        f.sync_all()
    })
    .await
    .map_err(|e| not_saved(&e))?
    .map_err(io)?;
    tokio::fs::rename(&tmp, &path).await.map_err(io)?;
    Ok(())
}

async fn put_rows(store: &Store, sha: &str, bytes: &[u8]) -> Result<()> {
    if held_in_database(store, sha).await? {
        return Ok(());
    }
    // The pieces first, then the row that names them, in one transaction: a blob is either
    // whole or absent. Two nodes storing the same file at once write the same rows; the second
    // waits for the first and then changes nothing.
    let mut tx = store.begin_write().await?;
    let pieces = bytes.chunks(CHUNK_BYTES);
    let count = pieces.len();
    for (seq, piece) in pieces.enumerate() {
        sqlx::query(
            "INSERT INTO blob_chunks (sha256, seq, bytes) VALUES ($1, $2, $3)
             ON CONFLICT (sha256, seq) DO NOTHING",
        )
        .bind(sha)
        .bind(seq as i64)
        .bind(piece.to_vec())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO blobs (sha256, size_bytes, chunks, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha)
    .bind(bytes.len() as i64)
    .bind(count as i64)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Stores the blob `sha256` of `size` bytes read piece by piece from `reader` (never all of it
/// in memory), refusing bytes that are more or fewer than `size` or whose hash is not `sha256`
/// (nothing of them is kept then). On PostgreSQL the rows go into `tx`, so they land with the
/// caller's other rows or not at all; on SQLite the file is written beside the database (a
/// file of the data folder that no row names is harmless, content-addressed). A blob already
/// held is read through and checked, but not written again.
pub async fn put_checked(
    tx: &mut crate::Tx,
    engine: Engine,
    data_dir: &Path,
    sha256: &str,
    size: u64,
    mut reader: impl std::io::Read,
) -> Result<()> {
    let bad = |why: &str| not_saved(&format!("{sha256}：{why}"));
    let held = match engine {
        Engine::Sqlite => tokio::fs::try_exists(path(data_dir, sha256))
            .await
            .unwrap_or(false),
        Engine::Postgres => {
            crate::sql::exists(
                sqlx::query("SELECT 1 FROM blobs WHERE sha256 = $1").bind(sha256),
                &mut **tx,
            )
            .await?
        }
    };
    let target = path(data_dir, sha256);
    let tmp = target.with_extension(format!("part-{}", uuid_like()));
    let mut file = None;
    if engine == Engine::Sqlite && !held {
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| not_saved(&e))?;
        }
        file = Some(std::fs::File::create(&tmp).map_err(|e| not_saved(&e))?);
    }
    let mut hasher = Sha256::new();
    let mut read = 0_u64;
    let mut seq = 0_i64;
    let mut buf = vec![0_u8; CHUNK_BYTES];
    let result: Result<()> = async {
        loop {
            let mut filled = 0;
            while filled < buf.len() {
                match reader.read(&mut buf[filled..]).map_err(|e| not_saved(&e))? {
                    0 => break,
                    n => filled += n,
                }
            }
            if filled == 0 {
                break;
            }
            read += filled as u64;
            if read > size {
                return Err(bad("大小与清单不符"));
            }
            let piece = &buf[..filled];
            hasher.update(piece);
            if let Some(f) = file.as_mut() {
                use std::io::Write;
                f.write_all(piece).map_err(|e| not_saved(&e))?;
            }
            if engine == Engine::Postgres && !held {
                sqlx::query(
                    "INSERT INTO blob_chunks (sha256, seq, bytes) VALUES ($1, $2, $3)
                     ON CONFLICT (sha256, seq) DO NOTHING",
                )
                .bind(sha256)
                .bind(seq)
                .bind(piece.to_vec())
                .execute(&mut **tx)
                .await?;
                seq += 1;
            }
        }
        if read != size || hex::encode(hasher.finalize_reset()) != sha256 {
            return Err(bad("内容与其 SHA-256 不符"));
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        drop(file);
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Some(f) = file {
        f.sync_all().map_err(|e| not_saved(&e))?;
        drop(f);
        std::fs::rename(&tmp, &target).map_err(|e| not_saved(&e))?;
    }
    if engine == Engine::Postgres && !held {
        sqlx::query(
            "INSERT INTO blobs (sha256, size_bytes, chunks, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(size as i64)
        .bind(seq)
        .bind(ts(now()))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stores the blob `sha256` of `size` bytes from the file `spooled` (an upload streamed to the
/// data folder and hashed on the way), and removes that file whatever happens. On SQLite the
/// file is fsync'd and renamed into place (same folder tree, no second copy); on PostgreSQL its
/// pieces are written in one transaction by [`put_checked`], which hashes them again. A blob
/// already held is not written again.
pub async fn put_spooled(
    store: &Store,
    data_dir: &Path,
    spooled: &Path,
    sha256: &str,
    size: u64,
) -> Result<()> {
    let result = put_spooled_inner(store, data_dir, spooled, sha256, size).await;
    let _ = tokio::fs::remove_file(spooled).await;
    result
}

async fn put_spooled_inner(
    store: &Store,
    data_dir: &Path,
    spooled: &Path,
    sha256: &str,
    size: u64,
) -> Result<()> {
    let io = |e: std::io::Error| not_saved(&e);
    match store.engine() {
        Engine::Sqlite => {
            let target = path(data_dir, sha256);
            if tokio::fs::try_exists(&target).await.unwrap_or(false) {
                return Ok(());
            }
            if let Some(dir) = target.parent() {
                tokio::fs::create_dir_all(dir).await.map_err(io)?;
            }
            let file = tokio::fs::File::open(spooled).await.map_err(io)?;
            let len = file.metadata().await.map_err(io)?.len();
            if len != size {
                return Err(not_saved(&format!("{sha256}：大小与上传不符")));
            }
            file.sync_all().await.map_err(io)?;
            drop(file);
            tokio::fs::rename(spooled, &target).await.map_err(io)?;
            Ok(())
        }
        Engine::Postgres => {
            if held_in_database(store, sha256).await? {
                return Ok(());
            }
            let file = std::fs::File::open(spooled).map_err(io)?;
            let mut tx = store.begin_write().await?;
            put_checked(
                &mut tx,
                Engine::Postgres,
                data_dir,
                sha256,
                size,
                std::io::BufReader::new(file),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

/// A short random suffix for a temporary file name.
fn uuid_like() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Whether the database holds the blob `sha256` (always false on SQLite, which keeps files).
pub async fn held_in_database(store: &Store, sha256: &str) -> Result<bool> {
    if store.engine() == Engine::Sqlite {
        return Ok(false);
    }
    crate::sql::exists(
        sqlx::query("SELECT 1 FROM blobs WHERE sha256 = $1").bind(sha256),
        store.pool(),
    )
    .await
}

/// A stored blob opened for reading piece by piece.
#[derive(Debug)]
pub struct BlobReader {
    /// Its size in bytes.
    pub size: u64,
    source: Source,
}

#[derive(Debug)]
enum Source {
    File(tokio::fs::File),
    Rows {
        store: Store,
        sha256: String,
        next: i64,
        chunks: i64,
    },
}

/// Opens the blob `sha256` for reading; NotFound when it is held nowhere.
pub async fn open(store: &Store, data_dir: &Path, sha256: &str) -> Result<BlobReader> {
    if store.engine() == Engine::Postgres {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT size_bytes, chunks FROM blobs WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(store.pool())
                .await?;
        if let Some((size, chunks)) = row {
            return Ok(BlobReader {
                size: u64::try_from(size).unwrap_or(0),
                source: Source::Rows {
                    store: store.clone(),
                    sha256: sha256.to_owned(),
                    next: 0,
                    chunks,
                },
            });
        }
    }
    let file = tokio::fs::File::open(path(data_dir, sha256))
        .await
        .map_err(|_| missing())?;
    let size = file.metadata().await.map_err(|_| missing())?.len();
    Ok(BlobReader {
        size,
        source: Source::File(file),
    })
}

impl BlobReader {
    /// The next piece of the blob (at most [`CHUNK_BYTES`]), or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        match &mut self.source {
            Source::File(file) => {
                let mut buf = vec![0; CHUNK_BYTES.min(usize::try_from(self.size).unwrap_or(0))];
                let mut filled = 0;
                while filled < buf.len() {
                    match file.read(&mut buf[filled..]).await.map_err(|_| missing())? {
                        0 => break,
                        n => filled += n,
                    }
                }
                buf.truncate(filled);
                Ok((filled > 0).then_some(buf))
            }
            Source::Rows {
                store,
                sha256,
                next,
                chunks,
            } => {
                if *next >= *chunks {
                    return Ok(None);
                }
                let piece: Option<Vec<u8>> = sqlx::query_scalar(
                    "SELECT bytes FROM blob_chunks WHERE sha256 = $1 AND seq = $2",
                )
                .bind(sha256.as_str())
                .bind(*next)
                .fetch_optional(store.pool())
                .await?;
                *next += 1;
                piece.map(Some).ok_or_else(missing)
            }
        }
    }

    /// The whole blob in memory (for callers that need all of it: text extraction, a letter).
    pub async fn read_all(mut self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        while let Some(piece) = self.next_chunk().await? {
            out.extend_from_slice(&piece);
        }
        Ok(out)
    }
}

/// Reads the whole blob `sha256`.
pub async fn read(store: &Store, data_dir: &Path, sha256: &str) -> Result<Vec<u8>> {
    open(store, data_dir, sha256).await?.read_all().await
}

/// On PostgreSQL, moves into the database every blob this node's data folder still holds from
/// before blobs lived in the database (schema 21), so every node can serve it; a file whose bytes
/// no longer match its name is left where it is and logged. Returns how many were moved. The
/// files stay in the folder (a backup of that folder keeps working); on SQLite it does nothing.
pub async fn adopt_folder(store: &Store, data_dir: &Path) -> Result<usize> {
    if store.engine() != Engine::Postgres {
        return Ok(0);
    }
    let dir = data_dir.to_path_buf();
    let found = tokio::task::spawn_blocking(move || crate::backup::blobs(&dir))
        .await
        .map_err(|e| not_saved(&e))??;
    let mut moved = 0;
    for (relative, _) in found {
        let Some(sha) = relative.rsplit('/').next() else {
            continue;
        };
        if held_in_database(store, sha).await? {
            continue;
        }
        let bytes = tokio::fs::read(data_dir.join(&relative))
            .await
            .map_err(|e| not_saved(&e))?;
        if sha256_hex(&bytes) != sha {
            tracing::warn!(file = %relative, "blob does not match its name; left in the data folder");
            continue;
        }
        put_rows(store, sha, &bytes).await?;
        moved += 1;
    }
    Ok(moved)
}
