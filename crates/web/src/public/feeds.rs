//! Atom feeds per column and per organisation, and `sitemap.xml`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::catalogue;
use gongkai_store::records::{self, PublicFilter};
use minijinja::context;

use crate::WebError;
use crate::site::{RequestSite, org_in_site, require_site, site_base_url};
use crate::state::AppState;
use crate::view::urls::record_url;

async fn feed(
    state: &AppState,
    headers: &HeaderMap,
    request_site: &RequestSite,
    filter: PublicFilter,
    title: String,
    self_path: String,
    alternate: String,
) -> Result<Response, WebError> {
    let (items, _) = records::list_public(&state.store, &filter, Utc::now(), 1, 50).await?;
    let updated = items
        .first()
        .map(|i| i.published_at.to_rfc3339())
        .unwrap_or_else(|| Utc::now().to_rfc3339());
    let entries: Vec<_> = items
        .iter()
        .map(|i| {
            context! {
                title => &i.title, url => record_url(&i.index_no), updated => i.published_at.to_rfc3339(),
                org_name => &i.org_name, summary => &i.summary,
            }
        })
        .collect();
    let site = crate::site::context_of(state, request_site.key).await;
    let xml = state.render_template(
        "feed.xml",
        context! {
            title => title, base => site_base_url(headers, request_site), self_path => self_path, alternate => alternate,
            updated => updated, author => &site.info.name, entries => entries,
        },
    )?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// `GET /feeds/lanmu/{slug}.xml`.
pub async fn column(
    State(state): State<AppState>,
    request_site: RequestSite,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let slug = file.strip_suffix(".xml").unwrap_or(&file);
    let col = catalogue::column(slug)
        .ok_or_else(|| WebError::NotFound(ErrorCode::ColumnNotFound.into()))?;
    let site = require_site(&state, &request_site).await?;
    let filter = PublicFilter {
        site_id: Some(site.id),
        columns: std::iter::once(col.slug.to_owned())
            .chain(catalogue::children(col.slug).map(|c| c.slug.to_owned()))
            .collect(),
        ..PublicFilter::default()
    };
    feed(
        &state,
        &headers,
        &request_site,
        filter,
        format!("{} - {}", col.name, site.name),
        format!("/feeds/lanmu/{}.xml", col.slug),
        format!("/xxgk/lanmu/{}", col.slug),
    )
    .await
}

/// `GET /feeds/org/{code}.xml`.
pub async fn organisation(
    State(state): State<AppState>,
    request_site: RequestSite,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let raw = file.strip_suffix(".xml").unwrap_or(&file);
    let site = require_site(&state, &request_site).await?;
    let org = org_in_site(&state, &site, raw).await?;
    let filter = PublicFilter {
        site_id: Some(site.id),
        org_id: Some(org.id),
        ..PublicFilter::default()
    };
    feed(
        &state,
        &headers,
        &request_site,
        filter,
        format!("{} 公开信息", org.name),
        format!("/feeds/org/{}.xml", org.code),
        format!("/xxgk/list?org={}", org.code),
    )
    .await
}

/// `GET /sitemap.xml`: the section's pages and every public record.
pub async fn sitemap(
    State(state): State<AppState>,
    request_site: RequestSite,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let mut urls = vec![
        context! { loc => "/" },
        context! { loc => "/xxgk/" },
        context! { loc => "/jigou" },
        context! { loc => "/zhengji/" },
    ];
    for c in catalogue::COLUMNS {
        urls.push(context! { loc => format!("/xxgk/lanmu/{}", c.slug) });
    }
    if let Some(site) = crate::site::site_org(&state, &request_site).await? {
        for c in
            gongkai_store::consultations::list_public(&state.store, site.id, Utc::now()).await?
        {
            urls.push(context! { loc => crate::view::urls::consultation_url(c.id) });
        }
        let filter = PublicFilter {
            site_id: Some(site.id),
            ..PublicFilter::default()
        };
        let mut page = 1;
        loop {
            let (items, total) =
                records::list_public(&state.store, &filter, Utc::now(), page, 100).await?;
            for i in &items {
                let lastmod = gongkai_domain::time::beijing_date(i.published_at).to_string();
                urls.push(context! { loc => record_url(&i.index_no), lastmod => lastmod });
            }
            if items.is_empty() || page * 100 >= total || page >= 500 {
                break;
            }
            page += 1;
        }
    }
    let xml = state.render_template(
        "sitemap.xml",
        context! { base => site_base_url(&headers, &request_site), urls => urls },
    )?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
