//! `GET /jigou`: 机构设置, the organisations of each site (第二十条 (二)).

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::WebError;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

/// Lists the site's organisations as a tree.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let orgs = match crate::site::site_org(&state, &ctx.site).await? {
        Some(site) => gongkai_store::orgs::of_site(&state.store, site.id).await?,
        None => Vec::new(),
    };
    state
        .page(&ctx, "orgs.html", context! { orgs => ser(&orgs) })
        .await
}
