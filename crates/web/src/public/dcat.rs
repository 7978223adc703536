//! The open-data catalogue in DCAT-AP for harvesters (`/catalog.jsonld`, `/catalog.ttl`): the
//! request's site's published datasets, a hundred a page (`?page=N`), each page a
//! `hydra:PagedCollection` with its first, last, previous and next pages, as CKAN's
//! `ckanext-dcat` gives them. A dataset alone is `/data/{name}.jsonld` or `.ttl`
//! (`public::data::show`).

use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::Response;
use gongkai_store::datasets::{self, DatasetQuery, Sort};
use serde::Deserialize;

use crate::WebError;
use crate::page::Visit;
use crate::view::dcat::{self, CataloguePage, Syntax};

/// Datasets a page of the catalogue.
pub const PER_PAGE: i64 = 100;
/// The furthest page offered.
const MAX_PAGE: i64 = 10_000;

/// The page asked for.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The page, from 1.
    #[serde(default)]
    pub page: String,
}

async fn catalogue(
    visit: Visit,
    headers: HeaderMap,
    q: PageQuery,
    syntax: Syntax,
) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let page = q.page.trim().parse::<i64>().unwrap_or(1).clamp(1, MAX_PAGE);
    let found = datasets::search(
        &visit.state.store,
        &DatasetQuery {
            site_id: site.id,
            sort: Sort::NameAsc,
            rows: PER_PAGE,
            start: (page - 1) * PER_PAGE,
            ..DatasetQuery::default()
        },
    )
    .await?;
    let base = crate::site::site_base_url(&headers, &visit.ctx.site);
    let path = match syntax {
        Syntax::JsonLd => "/catalog.jsonld",
        Syntax::Turtle => "/catalog.ttl",
    };
    let nodes = dcat::catalogue(&CataloguePage {
        base: &base,
        site_name: &site.name,
        path,
        page,
        per_page: PER_PAGE,
        total: found.count,
        datasets: &found.datasets,
    });
    Ok(syntax.respond(&nodes))
}

/// `GET /catalog.jsonld`.
pub async fn json_ld(
    visit: Visit,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    catalogue(visit, headers, q, Syntax::JsonLd).await
}

/// `GET /catalog.ttl`.
pub async fn turtle(
    visit: Visit,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    catalogue(visit, headers, q, Syntax::Turtle).await
}
