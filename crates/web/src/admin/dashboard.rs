//! `GET /admin`: the staff member's dashboard.

use crate::admin::desk::Desk;
use axum::response::Response;
use gongkai_domain::role::Permission;
use minijinja::context;

use crate::WebError;

/// Shows who is signed in, for which organisation and in which roles, with the site's counts.
pub async fn show(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let orgs = gongkai_store::orgs::list(&state.store).await?.len();
    let users = gongkai_store::users::list(&state.store).await?.len();
    let (messages_overdue, messages_near_line) =
        crate::admin::messages::watch_counts(&state, &staff).await?;
    // Administrators and the openness office (督办) are told when a year's holidays are missing.
    let missing_year = if staff.grants.allows(Permission::ManageSite, &[])
        || staff.grants.allows(Permission::Supervise, &[])
    {
        super::calendar::next_year_missing(&state).await?
    } else {
        None
    };
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
                opinion_alerts => opinion_alerts, missing_year => missing_year,
            },
        )
        .await
}
