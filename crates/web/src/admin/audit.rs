//! `GET /admin/audit`: the chain's state and the latest entries.

use axum::extract::State;
use axum::response::Response;
use gongkai_domain::audit::{action_label, object_label};
use gongkai_store::audit::{self, Verification};
use minijinja::context;

use crate::WebError;
use crate::page::PageCtx;
use crate::state::AppState;

/// Verifies the chain (and the seals, under the deployment's key) and lists the 200 newest
/// entries, their actions in Chinese.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let verification = audit::verify(&state.store).await?;
    let (intact, count, broken) = match verification {
        Verification::Intact(n) => (true, n, None),
        Verification::Broken(b) => (false, 0, Some(b.to_string())),
    };
    let entries: Vec<_> = audit::recent(&state.store, 200, None)
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
    state
        .page(
            &ctx,
            "admin/audit.html",
            context! { intact => intact, count => count, broken => broken, entries => entries },
        )
        .await
}
