//! `GET /api/v1/organisations`: the public organisation tree as JSON.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::WebError;
use crate::state::AppState;

/// One organisation as the API shows it.
#[derive(Debug, Serialize)]
pub struct OrgOut {
    /// Organ code.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// `government`, `department` or `township`.
    pub kind: String,
    /// Parent's organ code.
    pub parent: Option<String>,
}

/// Lists all organisations.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<OrgOut>>, WebError> {
    let orgs = gongkai_store::orgs::list(&state.store).await?;
    Ok(Json(
        orgs.into_iter()
            .map(|o| OrgOut {
                code: o.code,
                name: o.name,
                short_name: o.short_name,
                kind: o.kind,
                parent: o.parent_code,
            })
            .collect(),
    ))
}
