//! Loading uploaded CSV and XLSX resources into the datastore, off every request: a pass finds a
//! resource whose table is missing or older than its file ([`store::datastore::pending_loads`]),
//! claims it (so two nodes never load one file at once), reads its file (on SQLite the blob file
//! itself; on PostgreSQL the blob's rows spooled to `tmp/` in the data folder first, so the
//! reader can seek) and loads it with [`store::datastore::ingest`], noting its progress every two seconds
//! for the pages that show it. A file that cannot be read as a table is recorded as a failed
//! load with its reason, and is not tried again until it changes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use gongkai_content::table::{TableFormat, TableLimits, open_table};
use gongkai_store::datastore::{self as store_ds, PendingLoad, Progress};
use gongkai_store::{Actor, Store, blobs};

use crate::JobsError;

/// How often a load in progress notes how far it has come.
const BEAT_EVERY: Duration = Duration::from_secs(2);

/// Loads the resources waiting for a table, one at a time; returns how many were loaded (or
/// recorded as failed).
pub async fn load_pending(store: &Store, data_dir: &Path) -> Result<usize, JobsError> {
    let mut done = 0;
    for pending in store_ds::pending_loads(store, 10).await? {
        let Some(owner) = store_ds::claim(store, pending.resource_id, pending.size).await? else {
            continue;
        };
        // Each load runs in its own task: a panic in a reader ends that load (the claim is
        // released below), not the loader.
        let load = tokio::spawn({
            let (store, data_dir, pending, owner) = (
                store.clone(),
                data_dir.to_owned(),
                pending.clone(),
                owner.clone(),
            );
            async move { load_one(&store, &data_dir, &pending, &owner).await }
        });
        let outcome = match load.await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(resource = pending.resource_id, error = %e, "datastore load stopped");
                Ok(())
            }
        };
        let released = store_ds::release(store, pending.resource_id, &owner).await;
        outcome?;
        released?;
        done += 1;
    }
    Ok(done)
}

/// Stops the heartbeat task when the load ends, however it ends.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Loads one claimed resource; a file that is not a readable table is recorded as failed.
async fn load_one(
    store: &Store,
    data_dir: &Path,
    pending: &PendingLoad,
    owner: &str,
) -> Result<(), JobsError> {
    let actor = Actor::system();
    let format = if pending.format == "XLSX" {
        TableFormat::Xlsx
    } else {
        TableFormat::Csv
    };
    let (path, spooled) = match local_file(store, data_dir, &pending.sha256).await {
        Ok(found) => found,
        Err(e) => {
            let why = format!("无法读取资源文件：{e}");
            store_ds::record_failure(store, &actor, pending.resource_id, &why).await?;
            return Ok(());
        }
    };
    let opened = std::fs::File::open(&path)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            open_table(format, std::io::BufReader::new(f), &TableLimits::default())
                .map_err(|e| e.to_string())
        });
    let mut reader = match opened {
        Ok(r) => r,
        Err(why) => {
            remove_spooled(spooled);
            store_ds::record_failure(store, &actor, pending.resource_id, &why).await?;
            return Ok(());
        }
    };
    // The ingest reports each batch; a companion task writes the latest figures every
    // BEAT_EVERY, so the claim stays alive and pages can show a progress bar.
    let bytes = Arc::new(AtomicU64::new(0));
    let rows = Arc::new(AtomicU64::new(0));
    let beating = Heartbeat({
        let (store, bytes, rows) = (store.clone(), bytes.clone(), rows.clone());
        let (id, owner) = (pending.resource_id, owner.to_owned());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(BEAT_EVERY).await;
                let done = Progress {
                    rows: rows.load(Ordering::Relaxed),
                    bytes: bytes.load(Ordering::Relaxed),
                };
                if let Err(e) = store_ds::beat(&store, id, &owner, done).await {
                    tracing::warn!(error = %e, "datastore load progress not noted");
                }
            }
        })
    });
    let mut note = |p: Progress| {
        bytes.store(p.bytes, Ordering::Relaxed);
        rows.store(p.rows, Ordering::Relaxed);
    };
    let loaded = store_ds::ingest(store, &actor, pending.resource_id, &mut reader, &mut note).await;
    drop(beating);
    drop(reader);
    remove_spooled(spooled);
    match loaded {
        Ok(summary) => {
            tracing::info!(
                resource = pending.resource_id,
                rows = summary.rows,
                bytes = summary.bytes,
                "resource loaded into the datastore"
            );
            Ok(())
        }
        // `ingest` has recorded the failure (an older table stays).
        Err(e) => {
            tracing::warn!(resource = pending.resource_id, error = %e, "resource not loaded");
            Ok(())
        }
    }
}

/// A path to the blob's bytes on this machine, and whether it is a temporary copy to remove.
async fn local_file(
    store: &Store,
    data_dir: &Path,
    sha256: &str,
) -> Result<(PathBuf, Option<PathBuf>), JobsError> {
    let mut blob = blobs::open(store, data_dir, sha256).await?;
    let direct = blobs::path(data_dir, sha256);
    if store.engine() == gongkai_store::Engine::Sqlite && direct.exists() {
        return Ok((direct, None));
    }
    // Spooled beside the data (not in a memory-backed /tmp); a copy a crash left behind has the
    // same name and is overwritten by the next load of that file.
    let folder = data_dir.join("tmp");
    std::fs::create_dir_all(&folder).map_err(io)?;
    let spool = folder.join(format!("datastore-{sha256}.part"));
    let mut out = std::fs::File::create(&spool).map_err(io)?;
    loop {
        let piece = match blob.next_chunk().await {
            Ok(Some(piece)) => piece,
            Ok(None) => break,
            Err(e) => {
                remove_spooled(Some(spool));
                return Err(e.into());
            }
        };
        if let Err(e) = out.write_all(&piece) {
            remove_spooled(Some(spool));
            return Err(io(e));
        }
    }
    Ok((spool.clone(), Some(spool)))
}

fn io(e: std::io::Error) -> JobsError {
    JobsError::Store(gongkai_store::StoreError::Io(e.to_string()))
}

fn remove_spooled(spooled: Option<PathBuf>) {
    if let Some(p) = spooled {
        let _ = std::fs::remove_file(p);
    }
}
