//! `GET /jigou`: 机构设置, the organisations of each site (第二十条 (二)).

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::WebError;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

/// Lists every organisation as a tree.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let orgs = gongkai_store::orgs::list(&state.store).await?;
    state
        .page(&ctx, "orgs.html", context! { orgs => ser(&orgs) })
        .await
}
