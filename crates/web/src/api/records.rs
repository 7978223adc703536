//! `GET /api/v1/records` and `GET /api/v1/records/{索引号}`: the public catalogue as JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::Utc;
use gongkai_domain::index_no::IndexNo;
use gongkai_store::records::{self, PublicFilter};
use gongkai_store::{attachments, orgs};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::WebError;
use crate::public::xxgk::{ListQuery, primary_site, record_url};
use crate::state::AppState;

/// Query of the list endpoint: the public listing's filters plus `per_page` (1–100, default 20).
#[derive(Debug, Default, Deserialize)]
pub struct ApiListQuery {
    #[serde(flatten)]
    filters: ListQuery,
    #[serde(default)]
    per_page: String,
}

/// One line of the list.
#[derive(Debug, Serialize)]
pub struct Item {
    index_no: String,
    title: String,
    doc_number: String,
    organisation: String,
    published_at: String,
    kind: String,
    validity: String,
    theme: String,
    url: String,
}

fn beijing_rfc3339(t: chrono::DateTime<Utc>) -> String {
    gongkai_domain::time::to_beijing(t).to_rfc3339()
}

/// Lists public records with filters and pagination.
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<Value>, WebError> {
    let Some(site) = primary_site(&state).await? else {
        return Ok(Json(
            json!({ "total": 0, "page": 1, "per_page": 20, "items": [] }),
        ));
    };
    let per_page = if q.per_page.is_empty() {
        20
    } else {
        q.per_page
            .parse::<i64>()
            .map_err(|_| WebError::BadRequest("per_page 应为 1 至 100 的整数".into()))?
            .clamp(1, 100)
    };
    let f = &q.filters;
    let mut filter = PublicFilter {
        site_id: Some(site.id),
        ..PublicFilter::default()
    };
    if !f.column.is_empty() {
        let col = gongkai_domain::catalogue::column(&f.column)
            .ok_or_else(|| WebError::BadRequest("未知的栏目".into()))?;
        filter.columns = std::iter::once(col.slug.to_owned())
            .chain(gongkai_domain::catalogue::children(col.slug).map(|c| c.slug.to_owned()))
            .collect();
    }
    if !f.org.is_empty() {
        let code = gongkai_domain::org::OrgCode::parse(&f.org)?;
        filter.org_id = Some(orgs::by_code(&state.store, &code).await?.id);
    }
    if !f.theme.is_empty() {
        filter.theme = Some(f.theme.clone());
    }
    if !f.year.is_empty() {
        filter.year = Some(
            f.year
                .parse()
                .map_err(|_| WebError::BadRequest("year 应为四位年份".into()))?,
        );
    }
    if !f.kind.is_empty() {
        filter.kind = Some(
            gongkai_domain::record::RecordKind::parse(&f.kind)?
                .code()
                .to_owned(),
        );
    }
    let page = if f.page.is_empty() {
        1
    } else {
        f.page
            .parse::<i64>()
            .map_err(|_| WebError::BadRequest("page 应为正整数".into()))?
            .max(1)
    };
    let (items, total) =
        records::list_public(&state.store, &filter, Utc::now(), page, per_page).await?;
    let items: Vec<Item> = items
        .into_iter()
        .map(|s| Item {
            url: record_url(&s.index_no),
            published_at: beijing_rfc3339(s.published_at),
            index_no: s.index_no,
            title: s.title,
            doc_number: s.doc_number,
            organisation: s.org_name,
            kind: s.kind.code().to_owned(),
            validity: s.validity.code().to_owned(),
            theme: s.theme,
        })
        .collect();
    Ok(Json(
        json!({ "total": total, "page": page, "per_page": per_page, "items": items }),
    ))
}

/// One public record with its metadata, body, attachments and interpretations.
pub async fn show(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, WebError> {
    let not_found = || WebError::NotFound("未找到该信息".into());
    let no = IndexNo::parse(&raw).map_err(|_| not_found())?;
    let r = records::by_index_no(&state.store, &no)
        .await
        .map_err(|_| not_found())?;
    let now = Utc::now();
    if !r.is_public(now) {
        return Err(not_found());
    }
    let files: Vec<Value> = attachments::list(&state.store, r.id)
        .await?
        .into_iter()
        .map(|a| {
            json!({
                "file_name": a.file_name, "kind": a.kind, "size_bytes": a.size_bytes, "sha256": a.sha256,
                "url": format!("/files/{}/{}", a.id, crate::error::urlencode(&a.file_name)),
            })
        })
        .collect();
    let interpretations: Vec<Value> = records::interpretations(&state.store, r.id, now)
        .await?
        .into_iter()
        .map(|i| json!({ "index_no": i.index_no, "title": i.title, "form": i.interpretation_form.map(|f| f.code()).unwrap_or_default() }))
        .collect();
    // Only a successor the public can open is named.
    let superseded_by = match r.superseded_by {
        Some(id) => records::get(&state.store, id)
            .await
            .ok()
            .filter(|s| s.is_public(now))
            .and_then(|s| s.index_no),
        None => None,
    };
    let themes = gongkai_store::themes::list(&state.store, r.site_id).await?;
    let theme_name = gongkai_domain::catalogue::theme_label(&themes, &r.theme);
    Ok(Json(json!({
        "index_no": r.index_no, "title": r.title, "doc_number": r.doc_number, "organisation": r.org_name,
        "organisation_code": r.org_code, "published_at": r.published_at.map(beijing_rfc3339),
        "written_on": r.written_on, "theme": r.theme, "theme_name": theme_name, "kind": r.kind, "genre": r.genre, "keywords": r.keywords,
        "source": r.source, "summary": r.summary, "validity": r.validity, "validity_changed_on": r.validity_changed_on,
        "superseded_by": superseded_by, "disclosure_method": r.disclosure_method, "status": r.status, "withdrawn_reason": r.withdrawn_reason,
        "revision": r.revision, "change_note": r.change_note, "columns": r.columns,
        "body_html": r.body_html, "body_text": r.body_text, "attachments": files,
        "interpretations": interpretations, "url": r.index_no.as_deref().map(record_url),
    })))
}

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the API.
pub async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}
