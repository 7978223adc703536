//! Work of gongkai that is not HTTP, run beside the server on every node: the change feed's
//! listener (`store::feed::listen`, PostgreSQL), the search follower ([`search`]), the mail outbox sender ([`outbox`], over [`mail`]), scheduled publication
//! and the end of a typed list's 公示 ([`schedule`]), the daily due-soon digest ([`digest`]), the hashing of sealed query
//! passwords (`store::secrets::hash_sealed`) and the hourly pruning of expired rate-limit counts. Requests only write to the
//! database (the change feed, the outbox); these loops do the slow work afterwards, so a
//! citizen's request never waits for a mail server.
//!
//! [`spawn`] starts the loops; `web::serve` calls it, and `gongkai reindex` / `gongkai notify
//! digest` use the modules directly.

pub mod datastore;
pub mod digest;
mod error;
pub mod mail;
pub mod outbox;
pub mod schedule;
pub mod search;
#[cfg(feature = "testing")]
pub mod testing;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use gongkai_search::SearchIndex;
use gongkai_store::Store;
use tokio::sync::watch;

pub use error::JobsError;
pub use mail::{Mailer, SmtpConfig};

/// How often the datastore loader looks for uploaded tables to load.
pub const DATASTORE_EVERY: Duration = Duration::from_secs(3);
/// How often the search follower reads the change feed.
pub const SEARCH_EVERY: Duration = Duration::from_millis(300);
/// How often the sender looks for due mail.
pub const MAIL_EVERY: Duration = Duration::from_secs(1);
/// How often scheduled publications are checked.
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(5);
/// How often ended 公示 of the typed lists are looked for and recorded: the pages stop showing
/// a row at its end by themselves; the search index drops it when this pass records the end, so
/// it is run as often as scheduled publication.
pub const GONGSHI_EVERY: Duration = Duration::from_secs(5);
/// How often sealed query passwords are looked for and hashed (see `store::secrets`).
pub const HASH_SEALED_EVERY: Duration = Duration::from_secs(1);
/// How many sealed query passwords one pass hashes per table (one at a time, on one core).
pub const HASH_SEALED_BATCH: i64 = 64;
/// While query passwords keep arriving (one within the last 3 seconds), the pass hashes only
/// those sealed more than 10 minutes ago: the argon2 work waits for a quiet moment instead of
/// taking a core from a burst of citizens submitting (see `store::secrets::Deferral`).
pub const HASH_SEALED_DEFERRAL: gongkai_store::secrets::Deferral =
    gongkai_store::secrets::Deferral {
        quiet: chrono::Duration::seconds(3),
        longest: chrono::Duration::minutes(10),
    };
/// How often expired rate-limit counts are deleted (`store::throttle::prune`).
pub const PRUNE_THROTTLE_EVERY: Duration = Duration::from_secs(60 * 60);
/// How often the audit chain's head is appended to the checkpoint file (and once at start).
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Starts the background loops until `stop` turns true (or its sender is dropped): the search
/// follower when there is an index, the mail sender when there is a mailer, the daily audit
/// checkpoint when there is a checkpoint file, and scheduled publication always.
pub fn spawn(
    store: Store,
    index: Option<Arc<SearchIndex>>,
    mailer: Option<Mailer>,
    checkpoint_file: Option<std::path::PathBuf>,
    stop: watch::Receiver<bool>,
) {
    // On PostgreSQL, hear at once when another node (or this one) adds to the change feed.
    tokio::spawn(gongkai_store::feed::listen(store.clone(), stop.clone()));
    if let Some(index) = index {
        // Each node keeps its own index in step with the shared change feed.
        tokio::spawn(search::follow(
            store.clone(),
            index,
            SEARCH_EVERY,
            stop.clone(),
        ));
    }
    if let Some(mailer) = mailer {
        let sender = outbox::Sender::new(store.clone(), mailer);
        tokio::spawn(every(MAIL_EVERY, stop.clone(), move || {
            let sender = sender.clone();
            async move {
                sender
                    .send_due(chrono::Utc::now())
                    .await
                    .map(|_| ())
                    .map_err(|e| ("outbox not sent", e))
            }
        }));
    }
    if let Some(file) = checkpoint_file {
        let store = store.clone();
        tokio::spawn(every(CHECKPOINT_EVERY, stop.clone(), move || {
            let (store, file) = (store.clone(), file.clone());
            async move {
                gongkai_store::audit::write_checkpoint(&store, &file)
                    .await
                    .map(|_| ())
                    .map_err(|e| ("audit checkpoint not written", JobsError::from(e)))
            }
        }));
    }
    if store.audit_key().is_some() {
        // Submissions store query passwords sealed; they are hashed here, off the request.
        let store = store.clone();
        tokio::spawn(every(HASH_SEALED_EVERY, stop.clone(), move || {
            let store = store.clone();
            async move {
                gongkai_store::secrets::hash_sealed_when_quiet(
                    &store,
                    HASH_SEALED_BATCH,
                    HASH_SEALED_DEFERRAL,
                    chrono::Utc::now(),
                )
                .await
                .map(|_| ())
                .map_err(|e| ("sealed query passwords not hashed", JobsError::from(e)))
            }
        }));
    }
    {
        let store = store.clone();
        tokio::spawn(every(PRUNE_THROTTLE_EVERY, stop.clone(), move || {
            let store = store.clone();
            async move {
                gongkai_store::throttle::prune(&store)
                    .await
                    .map(|_| ())
                    .map_err(|e| ("expired rate-limit counts not deleted", JobsError::from(e)))
            }
        }));
    }
    {
        // A 公示 leaves the public side at its end by the store's rule; recording it writes
        // the feed row the search index and the page cache follow, and the audit entry.
        let store = store.clone();
        tokio::spawn(every(GONGSHI_EVERY, stop.clone(), move || {
            let store = store.clone();
            async move {
                schedule::end_gongshi(&store, chrono::Utc::now())
                    .await
                    .map(|_| ())
                    .map_err(|e| ("ended 公示 not recorded", e))
            }
        }));
    }
    tokio::spawn(every(SCHEDULE_EVERY, stop, move || {
        let store = store.clone();
        async move {
            schedule::publish_due(&store, chrono::Utc::now())
                .await
                .map(|_| ())
                .map_err(|e| ("scheduled publications not announced", e))
        }
    }));
}

/// Starts the datastore loader ([`datastore::load_pending`]) on this node: uploaded CSV and
/// XLSX resources become queryable tables without a request waiting for them.
pub fn spawn_datastore_loader(
    store: Store,
    data_dir: std::path::PathBuf,
    stop: watch::Receiver<bool>,
) {
    tokio::spawn(every(DATASTORE_EVERY, stop, move || {
        let (store, data_dir) = (store.clone(), data_dir.clone());
        async move {
            datastore::load_pending(&store, &data_dir)
                .await
                .map(|_| ())
                .map_err(|e| ("uploaded tables not loaded", e))
        }
    }));
}

/// Runs `work` every `period` until `stop` changes; a failure is logged and tried again next
/// time.
async fn every<F, Fut>(period: Duration, mut stop: watch::Receiver<bool>, work: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), (&'static str, JobsError)>>,
{
    loop {
        if let Err((what, e)) = work().await {
            tracing::warn!(error = %e, "{what}");
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.changed() => return,
        }
    }
}
