//! `GET /healthz`: liveness and database reachability for load balancers and monitors.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// Whether the server can serve requests.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// The database answers.
    Ok,
    /// The database does not answer.
    Unavailable,
}

// Fields in the alphabetical order the API has always written them.
/// The health check's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// The database engine: `sqlite` or `postgres`.
    #[schema(example = "postgres")]
    pub database: &'static str,
    /// Whether the database answers.
    pub status: HealthStatus,
    /// The server's version.
    #[schema(example = "0.1.0")]
    pub version: &'static str,
}

/// Answers 200 with the engine and version when the database answers, 503 otherwise.
#[utoipa::path(
    get, path = "/healthz", operation_id = "health",
    tag = "系统", summary = "健康检查",
    responses(
        (status = 200, description = "正常", body = Health),
        (status = 503, description = "数据库不可用", body = Health),
    )
)]
pub async fn show(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = state.store.engine().name();
    let version = env!("CARGO_PKG_VERSION");
    let (code, status) = match state.store.ping().await {
        Ok(()) => (StatusCode::OK, HealthStatus::Ok),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, HealthStatus::Unavailable)
        }
    };
    (
        code,
        Json(Health {
            database,
            status,
            version,
        }),
    )
}
