//! `GET /admin`: the staff member's dashboard.

use axum::extract::State;
use axum::response::Response;
use gongkai_domain::role::Permission;
use minijinja::context;

use crate::WebError;
use crate::auth::CurrentStaff;
use crate::page::PageCtx;
use crate::state::AppState;

/// Shows who is signed in, for which organisation and in which roles, with the site's counts.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Response, WebError> {
    let orgs = gongkai_store::orgs::list(&state.store).await?.len();
    let users = gongkai_store::users::list(&state.store).await?.len();
    let (messages_overdue, messages_near_line) =
        crate::admin::messages::watch_counts(&state, &staff).await?;
    let opinion_alerts = if staff.grants.allows(Permission::Supervise, &[]) {
        super::opinions::needing_attention(&state, &staff).await?
    } else {
        Vec::new()
    };
    state
        .page(
            &ctx,
            "admin/dashboard.html",
            context! {
                org_count => orgs, user_count => users,
                messages_overdue => messages_overdue, messages_near_line => messages_near_line,
                opinion_alerts => opinion_alerts,
            },
        )
        .await
}
