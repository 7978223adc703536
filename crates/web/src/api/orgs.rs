//! `GET /api/v1/organisations`: the public organisation tree as JSON.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::WebError;
use crate::api::envelope::ErrorBody;
use crate::state::AppState;

/// One organisation as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Organisation)]
pub struct OrgOut {
    /// Organ code.
    #[schema(example = "WQX004")]
    pub code: String,
    /// Full name.
    #[schema(example = "乌恰县财政局")]
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// `government`, `department` or `township`.
    #[schema(example = "department")]
    pub kind: String,
    /// Parent's organ code.
    pub parent: Option<String>,
}

/// Lists the site's organisations.
#[utoipa::path(
    get, path = "/api/v1/organisations", operation_id = "list_organisations",
    tag = "机构", summary = "机构列表",
    responses(
        (status = 200, description = "本站全部机构", body = [OrgOut]),
        (status = 400, description = "input.control_character：查询字符串含控制字符", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
) -> Result<Json<Vec<OrgOut>>, WebError> {
    let orgs = match crate::site::site_org(&state, &site).await? {
        Some(site) => gongkai_store::orgs::of_site(&state.store, site.id).await?,
        None => Vec::new(),
    };
    Ok(Json(
        orgs.into_iter()
            .map(|o| OrgOut {
                code: o.code,
                name: o.name,
                short_name: o.short_name,
                kind: o.kind,
                parent: o.parent_code,
            })
            .collect(),
    ))
}
