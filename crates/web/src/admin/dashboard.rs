//! `GET /admin`: the staff member's dashboard.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::WebError;
use crate::state::AppState;
use crate::templates::PageCtx;

/// Shows who is signed in, for which organisation and in which roles, with the site's counts.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let orgs = gongkai_store::orgs::list(&state.store).await?.len();
    let users = gongkai_store::users::list(&state.store).await?.len();
    state
        .page(
            &ctx,
            "admin/dashboard.html",
            context! { org_count => orgs, user_count => users },
        )
        .await
}
