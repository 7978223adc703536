//! `GET /search`: site search (快速定位和精准查询) with filters as query parameters, an
//! advanced form, 热门搜索, and a typed 文号 or 索引号 jumping straight to its record; and
//! `GET /api/v1/search` as JSON. Works without JavaScript.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_search::{Filters, Scope, Sort};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebError;
use crate::api::envelope::{ErrorBody, QueryRefusal};
use crate::api::params;
use crate::api::schemas::{RecordKindCode, SearchScope, SearchSort, ValidityCode};
use crate::page::PageCtx;
use crate::page::Visit;
use crate::state::AppState;
use crate::templates::ser;

/// The search form's parameters (all optional). The page reads them leniently (labels as its
/// facet links write them, bad numbers as defaults); the JSON API reads them strictly, codes
/// only, and answers 400 for a value out of range or outside its set (see
/// [`api::params`](crate::api::params)).
#[derive(Debug, Default, Deserialize, Serialize, Clone, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchParams {
    /// Query text: words separated by spaces must all occur, `"…"` is a phrase, `-word`
    /// excludes. Only the first 256 characters are read.
    #[param(value_type = Option<String>, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$")]
    pub q: String,
    /// Organ code of the publishing organisation.
    #[param(value_type = Option<String>, pattern = r"^[A-Za-z0-9-]{2,32}$", example = "WQX004")]
    pub org: String,
    /// Top-level theme, e.g. `综合政务`.
    #[param(value_type = Option<String>, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$")]
    pub theme: String,
    /// Kind code of a record (only records match a kind).
    #[param(value_type = Option<RecordKindCode>)]
    pub kind: String,
    /// Year of publication (Beijing time), four digits.
    #[param(value_type = Option<i32>, minimum = 1000, maximum = 9999, example = 2026)]
    pub year: String,
    /// Validity code of a record (only records match a validity).
    #[param(value_type = Option<ValidityCode>)]
    pub validity: String,
    /// Order of the hits.
    #[param(value_type = Option<SearchSort>)]
    pub sort: String,
    /// Where the text must occur.
    #[param(value_type = Option<SearchScope>)]
    pub scope: String,
    /// Page from 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100000, default = 1)]
    pub page: String,
    /// Hits per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 10)]
    pub per_page: String,
    /// `1` to show results even when the text is an exact 文号 or 索引号 (pages only).
    #[param(ignore)]
    pub nojump: String,
}

/// The API's reading of the parameters: strict, codes only (the index holds labels).
fn api_query(p: &SearchParams, site: Option<String>) -> Result<gongkai_search::Query, WebError> {
    let per_page = params::per_page(&p.per_page, 10)?;
    let page = params::page(&p.page)?;
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(gongkai_search::Query {
        text: p.q.chars().take(gongkai_search::MAX_QUERY_CHARS).collect(),
        filters: Filters {
            org: some(&p.org).map(|o| o.to_ascii_uppercase()),
            theme: some(&p.theme),
            kind: params::record_kind(&p.kind)?.map(|k| k.label().to_owned()),
            year: params::year(&p.year)?,
            validity: params::validity(&p.validity)?.map(|v| v.label().to_owned()),
            content_type: None,
            site,
            published_from: None,
            published_to: Some(Utc::now().timestamp()),
        },
        sort: params::sort(&p.sort)?,
        scope: params::scope(&p.scope)?,
        // Both are within 1..=100 and 1..=100_000 by now.
        page: usize::try_from(page).unwrap_or(1),
        per_page: usize::try_from(per_page).unwrap_or(10),
        facets: false,
    })
}

fn query_of(p: &SearchParams, site: Option<String>, facets: bool) -> gongkai_search::Query {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    gongkai_search::Query {
        text: p.q.chars().take(gongkai_search::MAX_QUERY_CHARS).collect(),
        filters: Filters {
            org: some(&p.org).map(|o| o.to_ascii_uppercase()),
            theme: some(&p.theme),
            kind: some(&p.kind),
            year: p.year.trim().parse().ok(),
            validity: some(&p.validity),
            content_type: None,
            site,
            published_from: None,
            // Scheduled records are indexed ahead of time; only what is public shows.
            published_to: Some(Utc::now().timestamp()),
        },
        sort: if p.sort == "date" {
            Sort::DateDesc
        } else {
            Sort::Relevance
        },
        scope: if p.scope == "title" {
            Scope::Title
        } else {
            Scope::All
        },
        page: p.page.trim().parse().unwrap_or(1),
        per_page: p.per_page.trim().parse().unwrap_or(10),
        facets,
    }
}

/// The request's site (none before the deployment has one): every search stays within it, and
/// its 热门搜索 are its own.
async fn site_id(
    state: &AppState,
    site: &crate::site::RequestSite,
) -> Result<Option<i64>, WebError> {
    Ok(crate::site::site_org(state, site).await?.map(|s| s.id))
}

/// The search index's value for a site.
fn site_term(site_id: Option<i64>) -> Option<String> {
    site_id.map(|id| id.to_string())
}

fn index(state: &AppState) -> Result<&gongkai_search::SearchIndex, WebError> {
    state
        .search
        .as_deref()
        .ok_or_else(|| WebError::Conflict(ErrorCode::SearchUnavailable.into()))
}

/// Runs a query; a failure inside the index is logged and answered as "nothing found", so a
/// visitor never sees an error trace for what they typed.
fn run(idx: &gongkai_search::SearchIndex, q: &gongkai_search::Query) -> gongkai_search::Results {
    idx.search(q).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "search failed");
        gongkai_search::Results {
            total: 0,
            hits: Vec::new(),
            facets: gongkai_search::Facets::default(),
            parsed: gongkai_search::ParsedQuery::default(),
            page: 1,
            per_page: q.per_page.clamp(1, gongkai_search::MAX_PER_PAGE),
        }
    })
}

fn date_of(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| gongkai_domain::time::beijing_date(t).to_string())
        .unwrap_or_default()
}

/// `GET /search`.
pub async fn page(visit: Visit, Query(p): Query<SearchParams>) -> Result<Response, WebError> {
    let idx = index(&visit.state)?;
    let site_id = site_id(&visit.state, &visit.ctx.site).await?;
    let site = site_term(site_id);
    if !p.q.trim().is_empty()
        && p.nojump != "1"
        && p.page.is_empty()
        && let Ok(Some(id)) = idx.exact_lookup(&p.q, site.as_deref())
    {
        return Ok(Redirect::to(&gongkai_jobs::search::url_of(&id)).into_response());
    }
    let results = if p.q.trim().is_empty()
        && p.org.is_empty()
        && p.theme.is_empty()
        && p.kind.is_empty()
        && p.year.is_empty()
    {
        None
    } else {
        Some(run(idx, &query_of(&p, site, true)))
    };
    let popular = match site_id {
        Some(site_id) => {
            if let Some(r) = &results {
                visit.state.popular.note(site_id, &p.q, r.total);
            }
            let generation = visit.state.cache.generation();
            let store = &visit.state.store;
            visit
                .state
                .popular
                .shown(store, site_id, generation)
                .await?
        }
        None => Default::default(),
    };
    let view = results.as_ref().map(|r| {
        let pages = r.total.div_ceil(r.per_page).max(1);
        let link = |page: usize| {
            let mut q = p.clone();
            q.page = page.to_string();
            q.nojump = "1".into();
            let s = serde_urlencoded::to_string(&q).unwrap_or_default();
            format!("/search?{}", s.split('&').filter(|kv| !kv.ends_with('=')).collect::<Vec<_>>().join("&"))
        };
        let facet = |f: &Vec<gongkai_search::FacetCount>, key: &str| -> Vec<Value> {
            f.iter()
                .map(|c| {
                    let mut q = p.clone();
                    q.page.clear();
                    q.nojump = "1".into();
                    match key {
                        "org" => q.org.clone_from(&c.value),
                        "theme" => q.theme.clone_from(&c.value),
                        "kind" => q.kind.clone_from(&c.value),
                        "year" => q.year.clone_from(&c.value),
                        _ => q.validity.clone_from(&c.value),
                    }
                    let s = serde_urlencoded::to_string(&q).unwrap_or_default();
                    let url = format!("/search?{}", s.split('&').filter(|kv| !kv.ends_with('=')).collect::<Vec<_>>().join("&"));
                    context! { label => &c.label, count => c.count, url => url }
                })
                .collect()
        };
        context! {
            total => r.total, page => r.page, pages => pages,
            prev => (r.page > 1).then(|| link(r.page - 1)), next => (r.page < pages).then(|| link(r.page + 1)),
            hits => r.hits.iter().map(|h| context! {
                title_html => Value::from_safe_string(h.title_html.clone()),
                snippet_html => Value::from_safe_string(h.snippet_html.clone()),
                url => &h.url, org_name => &h.org_name, doc_number => &h.doc_number, date => date_of(h.published_at),
            }).collect::<Vec<_>>(),
            facets => context! {
                org => facet(&r.facets.org, "org"), theme => facet(&r.facets.theme, "theme"),
                kind => facet(&r.facets.kind, "kind"), year => facet(&r.facets.year, "year"),
                validity => facet(&r.facets.validity, "validity"),
            },
            cut => r.parsed.truncated,
        }
    });
    let filtered = !(p.org.is_empty()
        && p.theme.is_empty()
        && p.kind.is_empty()
        && p.year.is_empty()
        && p.validity.is_empty());
    let mut unfiltered = p.clone();
    unfiltered.org.clear();
    unfiltered.theme.clear();
    unfiltered.kind.clear();
    unfiltered.year.clear();
    unfiltered.validity.clear();
    unfiltered.page.clear();
    unfiltered.nojump = "1".into();
    visit.page("search.html",
            context! {
                p => ser(&p), r => view, popular => ser(&*popular), filtered => filtered,
                unfiltered_url => format!("/search?q={}&nojump=1", crate::view::urls::urlencode(&unfiltered.q)),
            },
        )
        .await
}

/// `GET /search/advanced`: the advanced search form.
pub async fn advanced(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let site = crate::site::site_org(&state, &ctx.site).await?;
    let orgs = match &site {
        Some(s) => gongkai_store::orgs::of_site(&state.store, s.id).await?,
        None => Vec::new(),
    };
    let themes = match &site {
        Some(s) => gongkai_store::themes::list(&state.store, s.id)
            .await?
            .into_iter()
            .filter(|t| t.parent.is_none())
            .collect(),
        None => Vec::new(),
    };
    let kinds: Vec<&str> = gongkai_domain::record::RecordKind::ALL
        .iter()
        .map(|k| k.label())
        .collect();
    state
        .page(
            &ctx,
            "search_advanced.html",
            context! { orgs => ser(&orgs), themes => ser(&themes), kinds => kinds },
        )
        .await
}

// Fields in the alphabetical order the API has always written them.
/// One page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The hits on this page, best first (or newest first with `sort=date`).
    hits: Vec<SearchHit>,
    /// This page's number.
    page: usize,
    /// Hits per page.
    per_page: usize,
    /// The query text as given.
    query: String,
    /// Hits in all.
    total: usize,
}

// Fields in the alphabetical order the API has always written them.
/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// The record's 索引号; null for other content types.
    index_no: Option<String>,
    /// Publishing organisation.
    organisation: String,
    /// Publication time, RFC 3339 in Beijing time.
    #[schema(format = DateTime)]
    published_at: String,
    /// An HTML fragment: the part of the text that matched, escaped, with each match in
    /// `<mark>…</mark>`; insert as HTML.
    snippet: String,
    /// Title as plain text (not escaped; escape it to show it in HTML).
    title: String,
    /// `record` (公开信息), `message` (政民互动) or `consultation` (征求意见).
    #[serde(rename = "type")]
    #[schema(example = "record")]
    content_type: String,
    /// Page of the hit on this site.
    url: String,
}

/// `GET /api/v1/search?q=…&page=…&per_page=…` (and the page's filters).
#[utoipa::path(
    get, path = "/api/v1/search", operation_id = "search",
    tag = "站内搜索", summary = "站内搜索",
    params(SearchParams),
    responses(
        (status = 200, description = "搜索结果", body = SearchResults),
        QueryRefusal,
        (status = 409, description = "search.unavailable：站内搜索暂不可用", body = ErrorBody),
    )
)]
pub async fn api(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchResults>, WebError> {
    let site_id = site_id(&state, &site).await?;
    let query = api_query(&p, site_term(site_id))?;
    let idx = index(&state)?;
    let r = run(idx, &query);
    if let Some(site_id) = site_id {
        state.popular.note(site_id, &p.q, r.total);
    }
    let hits = r
        .hits
        .into_iter()
        .map(|h| SearchHit {
            // Only records have an 索引号; other content types (政民互动 …) give null.
            index_no: (h.content_type == "record").then_some(h.id),
            organisation: h.org_name,
            published_at: chrono::DateTime::from_timestamp(h.published_at, 0)
                .map(|t| gongkai_domain::time::to_beijing(t).to_rfc3339())
                .unwrap_or_default(),
            snippet: h.snippet_html,
            title: h.title,
            content_type: h.content_type,
            url: h.url,
        })
        .collect();
    Ok(Json(SearchResults {
        hits,
        page: r.page,
        per_page: r.per_page,
        query: p.q,
        total: r.total,
    }))
}
