//! `GET /healthz`: liveness and database reachability for load balancers and monitors.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// Answers 200 with the engine and version when the database answers, 503 otherwise.
pub async fn show(State(state): State<AppState>) -> Response {
    let database = state.store.engine().name();
    let version = env!("CARGO_PKG_VERSION");
    match state.store.ping().await {
        Ok(()) => Json(json!({ "status": "ok", "database": database, "version": version }))
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": database, "version": version })),
            )
                .into_response()
        }
    }
}
