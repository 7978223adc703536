//! The HTTP face of gongkai: the public portal, the staff back office and the JSON API.
//!
//! [`router::build`] is the one route table. Handlers are thin: they parse input, call one
//! store or domain operation and render a template. Cross-cutting rules each live in one
//! module: [`auth`] (who may do what), [`csrf`] (form protection), [`error`] (status codes and
//! the Chinese error page), [`templates`] (embedded templates overridable by a theme folder),
//! [`page`] (the common page context), [`site`] (header and footer), [`view`] (addresses,
//! formatting, masking), [`forms`] (reading forms with files, answering a step), [`download`] (sending
//! stored files), [`cache`] (rendered public pages kept in memory). Handler files (`public::*`, `admin::*`, `api::*`) import these shared
//! modules rather than one another's helpers, so the crate's imports form a tree
//! (`tests/module_graph.rs`).

pub mod admin;
pub mod api;
pub mod auth;
pub mod cache;
pub mod cases;
pub mod ckan;
pub mod client_ip;
pub mod csrf;
pub mod download;
pub mod edge;
pub mod error;
pub mod forms;
pub mod grants;
pub mod letters;
pub mod page;
pub mod public;
pub mod router;
pub mod site;
pub mod state;
pub mod templates;
pub mod view;

pub use error::WebError;
pub use router::build as router;
pub use state::{AppState, SharedState, WebConfig};

use std::future::Future;

/// Serves `state` on an already bound listener until `shutdown` resolves, then drains
/// in-flight requests. The background work (`gongkai_jobs`: search follower, mail sender,
/// scheduled publication; the page cache's feed follower) runs beside it and stops with it.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(cache::follow(
        state.store.clone(),
        state.cache.clone(),
        stop_rx.clone(),
    ));
    // Blobs a PostgreSQL node kept in its own folder before they lived in the database.
    let (store, data_dir) = (state.store.clone(), state.config.data_dir.clone());
    tokio::spawn(async move {
        match gongkai_store::blobs::adopt_folder(&store, &data_dir).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                moved = n,
                "blobs moved from the data folder into the database"
            ),
            Err(e) => tracing::warn!(error = %e, "blobs not moved into the database"),
        }
    });
    // The first searches after a start would each open part of a large index; a few common ones
    // open it all in the background. A small one (the demo, a test) opens quickly as it is used.
    if let Some(index) = state.search.clone().filter(|i| i.doc_count() >= 10_000) {
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            match index.warm() {
                Ok(()) => tracing::info!(
                    ms = started.elapsed().as_millis() as u64,
                    "search index warmed"
                ),
                Err(e) => tracing::warn!(error = %e, "search index not warmed"),
            }
        });
    }
    let popular = tokio::spawn(public::popular::flush(
        state.store.clone(),
        state.popular.clone(),
        stop_rx.clone(),
    ));
    gongkai_jobs::spawn_datastore_loader(
        state.store.clone(),
        state.config.data_dir.clone(),
        stop_rx.clone(),
    );
    gongkai_jobs::spawn(
        state.store.clone(),
        state.search.clone(),
        state.mailer.clone(),
        state.config.audit_checkpoint_file.clone(),
        stop_rx,
    );
    let sent_from_files = state.cache.sent_from_files();
    let front = router::build(state);
    let app = tower::service_fn(move |incoming: axum::serve::IncomingStream<'_, _>| {
        std::future::ready(Ok::<_, std::convert::Infallible>(
            front.for_peer(*incoming.remote_addr()),
        ))
    });
    // Kept bodies go out with sendfile; every socket gets TCP_NODELAY.
    let listener = cache::sendfile::Listener::new(listener, sent_from_files);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        })
        .await;
    // The last 热门搜索 counts are written before the process ends.
    let _ = popular.await;
    served
}
