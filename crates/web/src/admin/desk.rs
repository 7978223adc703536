//! One extractor for what every back-office handler is given: the application state, the page
//! context, the signed-in staff member and the address the request came from. Handlers destructure
//! it in their signature (`Desk { state, ctx, staff, .. }: Desk`) instead of naming four extractors.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use gongkai_domain::role::Permission;
use gongkai_store::Actor;
use gongkai_store::orgs::Organisation;
use gongkai_store::users::Staff;
use minijinja::Value;

use crate::auth::{CurrentStaff, scope};
use crate::client_ip::ClientIp;
use crate::error::WebError;
use crate::page::PageCtx;
use crate::state::AppState;

/// A back-office request: who is asking, from where, and the page they will see.
pub struct Desk {
    /// The shared application state (store, search, configuration).
    pub state: AppState,
    /// The page context (care mode, CSRF token, path).
    pub ctx: PageCtx,
    /// The signed-in staff member; a request without one is refused before the handler runs.
    pub staff: Staff,
    /// The client's address, for the audit log.
    pub ip: String,
}

impl FromRequestParts<AppState> for Desk {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let CurrentStaff(staff) = CurrentStaff::from_request_parts(parts, state).await?;
        let Ok(ctx) = PageCtx::from_request_parts(parts, state).await;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        Ok(Self {
            state: state.clone(),
            ctx,
            staff,
            ip,
        })
    }
}

impl Desk {
    /// The signed-in staff member at the request's address, as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::user(&self.staff.username, &self.ip)
    }

    /// The organisations where the staff member holds `permission`.
    pub async fn scope(&self, permission: Permission) -> Result<Vec<Organisation>, WebError> {
        scope(&self.state, &self.staff, permission).await
    }

    /// The sites (root organisations) where the staff member holds `permission` somewhere, by
    /// id: what per-site pages such as the audit log show them.
    pub async fn sites(&self, permission: Permission) -> Result<Vec<Organisation>, WebError> {
        let scope = self.scope(permission).await?;
        let ids: std::collections::BTreeSet<i64> = scope.iter().map(|o| o.site_id).collect();
        Ok(gongkai_store::orgs::sites(&self.state.store)
            .await?
            .into_iter()
            .filter(|s| ids.contains(&s.id))
            .collect())
    }

    /// The site the staff member's own organisation belongs to: the one whose settings, monitor
    /// and work records they see.
    pub async fn home_site(&self) -> Result<Organisation, WebError> {
        let store = &self.state.store;
        let site_id = gongkai_store::orgs::site_of(store, self.staff.org_id).await?;
        Ok(gongkai_store::orgs::by_id(store, site_id).await?)
    }

    /// The back-office page `template` with `extra` in its context, answering with `status`.
    pub async fn page(
        &self,
        status: StatusCode,
        template: &str,
        extra: Value,
    ) -> Result<Response, WebError> {
        self.state
            .page_with_status(&self.ctx, status, template, extra)
            .await
    }
}
