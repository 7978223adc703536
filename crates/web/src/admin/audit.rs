//! `GET /admin/audit`: the chain's state and the latest entries of the staff member's sites.

use axum::response::Response;
use gongkai_domain::audit::{action_label, object_label};
use gongkai_domain::role::Permission;
use gongkai_store::audit::{self, Verification};
use minijinja::context;

use crate::WebError;
use crate::admin::desk::Desk;

/// Verifies the whole chain (and the seals, under the deployment's key) — one chain for the
/// deployment, so its state is shown to everyone, naming at most the sequence number of a break —
/// and lists the 200 newest entries of the sites where the staff member may read the audit log,
/// their actions in Chinese. Entries of no site (the platform's: the national calendar, the
/// command line) are shown to the staff of the first site.
pub async fn show(desk: Desk) -> Result<Response, WebError> {
    let verification = audit::verify(&desk.state.store).await?;
    let (intact, count, broken) = match verification {
        Verification::Intact(n) => (true, n, None),
        Verification::Broken(b) => (false, 0, Some(b.to_string())),
    };
    let sites = desk.sites(Permission::ViewAudit).await?;
    let site_ids: Vec<i64> = sites.iter().map(|s| s.id).collect();
    // The platform's own entries are read by the first site's staff, as before there were
    // several sites; the deployment administrator (平台管理员) has no audit page yet and reads
    // the whole log with `gongkai audit log`.
    let first = crate::site::primary_site(&desk.state).await?;
    let platform = first.is_some_and(|f| site_ids.contains(&f.id));
    let entries: Vec<_> = audit::recent_in_sites(&desk.state.store, 200, &site_ids, platform)
        .await?
        .into_iter()
        .map(|e| {
            let at = gongkai_domain::time::parse_storage_timestamp(&e.at)
                .map(gongkai_domain::time::display_minute)
                .unwrap_or(e.at.clone());
            context! { seq => e.seq, at => at, actor => e.actor,
            action => action_label(&e.action), code => e.action,
            object_type => object_label(&e.object_type), object_id => e.object_id, ip => e.ip,
            detail => e.detail }
        })
        .collect();
    let site_names: Vec<String> = sites.into_iter().map(|s| s.name).collect();
    desk.page(
        axum::http::StatusCode::OK,
        "admin/audit.html",
        context! {
            intact => intact, count => count, broken => broken, entries => entries,
            site_names => site_names, platform => platform,
        },
    )
    .await
}
