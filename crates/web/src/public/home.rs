//! `GET /`: the portal's home page.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::WebError;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

/// Shows the home page with the site's organisations.
pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    // The request's site, from the site context kept in memory.
    let site = crate::site::site_org(&state, &ctx.site).await?;
    let (departments, townships) = match &site {
        Some(root) => {
            let children = gongkai_store::orgs::children(&state.store, root.id).await?;
            children.into_iter().partition(|o| o.kind != "township")
        }
        None => (Vec::new(), Vec::new()),
    };
    let latest = match &site {
        Some(root) => {
            let filter = gongkai_store::records::PublicFilter {
                site_id: Some(root.id),
                ..Default::default()
            };
            gongkai_store::records::page_public(&state.store, &filter, chrono::Utc::now(), 1, 8)
                .await?
                .into_iter()
                .map(super::xxgk::line)
                .collect()
        }
        None => Vec::new(),
    };
    let exchanges: Vec<minijinja::Value> = match &site {
        Some(root) => {
            let allowed = crate::view::privacy::public_numbers(&state, root.id).await?;
            gongkai_store::messages::public_list(&state.store, root.id, 1, 5)
                .await?
                .0
                .iter()
                .map(|m| {
                    context! {
                        id => m.id, title => crate::view::privacy::masked(m, &m.title, &allowed),
                        department => m.answering_org_name(), replied_on => ser(&m.replied_on),
                    }
                })
                .collect()
        }
        None => Vec::new(),
    };
    state
        .page(
            &ctx,
            "home.html",
            context! {
                departments => ser(&departments), townships => ser(&townships), installed => site.is_some(),
                latest => ser(&latest), exchanges => exchanges,
            },
        )
        .await
}
