//! `GET /admin/audit`: the chain's state and the latest entries of the staff member's sites;
//! `GET /admin/platform/audit`: the platform's own entries, for the deployment administrator.

use axum::response::Response;
use gongkai_domain::audit::{AuditEntry, action_label, object_label};
use gongkai_domain::role::Permission;
use gongkai_store::audit::{self, Verification};
use minijinja::context;

use crate::WebError;
use crate::admin::desk::Desk;

/// Verifies the whole chain (and the seals, under the deployment's key) — one chain for the
/// deployment, so its state is shown to everyone, naming at most the sequence number of a break —
/// and lists the 200 newest entries of the sites where the staff member may read the audit log,
/// their actions in Chinese, and the newest 200 of the history those sites brought when they were
/// imported from another deployment. Entries of no site (the platform's: the national calendar,
/// the command line) are the deployment administrator's, at [`platform`].
pub async fn show(desk: Desk) -> Result<Response, WebError> {
    let sites = desk.sites(Permission::ViewAudit).await?;
    let site_ids: Vec<i64> = sites.iter().map(|s| s.id).collect();
    let store = &desk.state.store;
    let entries = audit::recent_in_sites(store, 200, &site_ids, false).await?;
    let imported = audit::recent_imported(store, 200, &site_ids).await?;
    let site_names: Vec<String> = sites.into_iter().map(|s| s.name).collect();
    render(desk, entries, imported, site_names, false).await
}

/// `GET /admin/platform/audit`: the chain's state and the 200 newest entries that belong to no
/// site (calendar imports, platform grants, changes made on the command line to shared settings),
/// for the deployment administrator (平台管理员), who reads no county's entries.
pub async fn platform(desk: Desk) -> Result<Response, WebError> {
    let entries = audit::recent_in_sites(&desk.state.store, 200, &[], true).await?;
    render(desk, entries, Vec::new(), Vec::new(), true).await
}

fn rows(entries: Vec<AuditEntry>) -> Vec<minijinja::Value> {
    entries
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
        .collect()
}

async fn render(
    desk: Desk,
    entries: Vec<AuditEntry>,
    imported: Vec<AuditEntry>,
    site_names: Vec<String>,
    platform: bool,
) -> Result<Response, WebError> {
    let (intact, count, broken) = match audit::verify(&desk.state.store).await? {
        Verification::Intact(n) => (true, n, None),
        Verification::Broken(b) => (false, 0, Some(b.to_string())),
    };
    desk.page(
        axum::http::StatusCode::OK,
        "admin/audit.html",
        context! {
            intact => intact, count => count, broken => broken, entries => rows(entries),
            imported => rows(imported), site_names => site_names, platform => platform,
        },
    )
    .await
}
