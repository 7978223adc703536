//! `GET /admin`: the staff member's dashboard.

use crate::admin::desk::Desk;
use axum::response::Response;
use gongkai_domain::role::Permission;
use minijinja::context;

use crate::WebError;

/// Shows who is signed in, for which organisation and in which roles, with their sites' counts.
pub async fn show(desk: Desk) -> Result<Response, WebError> {
    // The organisations and accounts of the member of staff's own sites, never the deployment's.
    let sites: Vec<i64> = desk
        .sites(Permission::EnterBackOffice)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let Desk { state, ctx, staff, .. } = desk;
    let (orgs, users) = gongkai_store::orgs::counts_in_sites(&state.store, &sites).await?;
    let applications_due: Vec<_> = super::applications::due_watch(&state, &staff)
        .await?
        .into_iter()
        .map(|(code, id, left)| context! { code => code, id => id, left => left, overdue => left < 0 })
        .collect();
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
    // The author's drafts and corrections a reviewer sent back, with the reason.
    let returned: Vec<_> = if staff.grants.allows(Permission::DraftRecords, &[]) {
        let drafts = gongkai_store::records::returned_drafts_of(&state.store, staff.id)
            .await?
            .into_iter()
            .map(|(r, back)| context! { id => r.id, title => r.title, reason => back.reason, by => back.by });
        let corrections = gongkai_store::corrections::returned_of(&state.store, staff.id)
            .await?
            .into_iter()
            .map(|(r, c)| context! { id => r.id, title => r.title, reason => c.return_reason, by => c.reviewer_name, correction => true });
        drafts.chain(corrections).collect()
    } else {
        Vec::new()
    };
    // Submissions and corrections waiting for this reviewer (never their own: the author is
    // never the reviewer).
    let to_review: Vec<_> = {
        let ids = crate::auth::scope_ids(&state, &staff, Permission::ReviewRecords).await?;
        let drafts = gongkai_store::records::list_for_staff(
            &state.store,
            &ids,
            &[gongkai_domain::record::RecordStatus::Pending],
            50,
        )
        .await?
        .into_iter()
        .filter(|r| r.author_id != Some(staff.id))
        .map(|r| context! { id => r.id, title => r.title, org_name => r.org_name });
        let corrections = gongkai_store::corrections::pending_for(&state.store, &ids, staff.id)
            .await?
            .into_iter()
            .map(|(r, _)| context! { id => r.id, title => r.title, org_name => r.org_name, correction => true });
        drafts.chain(corrections).collect()
    };
    let to_moderate: Vec<_> = super::consultations::to_moderate(&state, &staff)
        .await?
        .into_iter()
        .map(|(id, title, waiting)| context! { id => id, title => title, waiting => waiting })
        .collect();
    let opinion_alerts = if staff.grants.allows(Permission::Supervise, &[]) {
        super::opinions::needing_attention(&state, &staff).await?
    } else {
        Vec::new()
    };
    let milestones_overdue = super::tasks::overdue_for_dashboard(&state, &staff).await?;
    state
        .page(
            &ctx,
            "admin/dashboard.html",
            context! {
                org_count => orgs, user_count => users,
                messages_overdue => messages_overdue, messages_near_line => messages_near_line,
                opinion_alerts => opinion_alerts, missing_year => missing_year,
                returned => returned, to_review => to_review, applications_due => applications_due,
                to_moderate => to_moderate, milestones_overdue => milestones_overdue,
            },
        )
        .await
}
