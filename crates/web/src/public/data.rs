//! 政府数据开放 for the public under `/data/`: the catalogue of published datasets with a search
//! box, facets (organisation, open-data theme, format, licence, 开放属性) as plain links and
//! paging, all without JavaScript; a dataset's page with its metadata, its resources and their
//! counted downloads, its 开放属性 with the conditions or the legal ground, and schema.org
//! `Dataset` JSON-LD; and the download of a resource. Another site's or an unpublished dataset
//! is 404.

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::dataset::{self as rules, DatasetStatus, OpenTheme, Openness};
use gongkai_domain::urls;
use gongkai_store::datasets::{self, Dataset, DatasetQuery, Field};
use gongkai_store::orgs;
use minijinja::{Value, context};
use serde::Deserialize;

pub mod chart;
pub mod dump;

use crate::WebError;
use crate::client_ip::ClientIp;
use crate::page::Visit;
use crate::templates::ser;
use crate::view::dcat;
use crate::view::format::human_size;
use crate::view::tables::previews;
use crate::view::urls::urlencode;

/// Datasets per page.
const PER_PAGE: i64 = 20;
/// The furthest page offered.
const MAX_PAGE: i64 = 10_000;

/// The catalogue's search and facets as the query string gives them.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    /// Words.
    #[serde(default)]
    pub q: String,
    /// An organ code.
    #[serde(default)]
    pub org: String,
    /// An open-data theme code.
    #[serde(default)]
    pub group: String,
    /// A format.
    #[serde(default)]
    pub format: String,
    /// A licence id.
    #[serde(default)]
    pub license: String,
    /// An openness code.
    #[serde(default)]
    pub open: String,
    /// The page, from 1.
    #[serde(default)]
    pub page: String,
}

/// The query's parameters as `(name, field, value)`, the empty ones left out.
fn selected(q: &CatalogueQuery) -> Vec<(&'static str, Field, String)> {
    [
        ("org", Field::Organization, &q.org),
        ("group", Field::Groups, &q.group),
        ("format", Field::ResFormat, &q.format),
        ("license", Field::LicenseId, &q.license),
        ("open", Field::OpenCondition, &q.open),
    ]
    .into_iter()
    .map(|(k, f, v)| (k, f, v.trim().chars().take(100).collect::<String>()))
    .filter(|(_, _, v)| !v.is_empty())
    .collect()
}

/// `/data/?…` with `pairs` (empty values left out).
fn catalogue_url(pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    if query.is_empty() {
        "/data/".to_owned()
    } else {
        format!("/data/?{}", query.join("&"))
    }
}

fn label(field: Field, value: &str, org_names: &[(String, String)]) -> String {
    match field {
        Field::Organization => org_names
            .iter()
            .find(|(c, _)| c == value)
            .map_or_else(|| value.to_owned(), |(_, n)| n.clone()),
        Field::Groups => OpenTheme::parse(value).map_or(value.to_owned(), |t| t.label().to_owned()),
        Field::LicenseId => rules::licence(value).map_or(value.to_owned(), |l| l.title.to_owned()),
        Field::OpenCondition => {
            Openness::parse(value).map_or(value.to_owned(), |o| o.label().to_owned())
        }
        Field::Tags | Field::ResFormat => value.to_owned(),
    }
}

/// The first `max` characters of `text`, with an ellipsis when it is longer.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

/// A dataset as a line of the catalogue.
fn line(d: &Dataset) -> Value {
    let mut formats: Vec<String> = d
        .resources
        .iter()
        .map(|r| r.format.clone())
        .filter(|f| !f.is_empty())
        .collect();
    formats.sort_unstable();
    formats.dedup();
    context! {
        url => urls::dataset(&d.name), title => &d.title,
        notes => short(&d.notes, 120),
        org_name => &d.org_name, openness => d.openness.label(), formats,
        updated => crate::view::format::day_of(d.updated_at),
    }
}

/// The ids of the site's datasets whose search document holds `text` (exact substrings, as the
/// site search reads it), at most [`datasets::MAX_FOUND_IDS`]; `None` for no text or no index.
fn found_in_index(visit: &Visit, site_id: i64, text: &str) -> Option<Vec<i64>> {
    use gongkai_jobs::search::datasets as docs;
    let text: String = text
        .trim()
        .chars()
        .take(gongkai_search::MAX_QUERY_CHARS)
        .collect();
    let index = visit.state.search.as_deref()?;
    if text.is_empty() {
        return None;
    }
    let per_page = gongkai_search::MAX_PER_PAGE;
    let mut ids = Vec::new();
    for page in 1..=datasets::MAX_FOUND_IDS.div_ceil(per_page) {
        let query = gongkai_search::Query {
            text: text.clone(),
            filters: gongkai_search::Filters {
                content_type: Some(docs::CONTENT_TYPE.to_owned()),
                site: Some(site_id.to_string()),
                ..gongkai_search::Filters::default()
            },
            sort: gongkai_search::Sort::DateDesc,
            page,
            per_page,
            facets: false,
            ..gongkai_search::Query::default()
        };
        let found = match index.search(&query) {
            Ok(found) => found,
            Err(e) => {
                // A failure inside the index falls back to the catalogue's own match.
                tracing::warn!(error = %e, "dataset search failed");
                return None;
            }
        };
        let last = found.hits.len() < per_page;
        ids.extend(found.hits.iter().filter_map(|h| docs::id_of_key(&h.id)));
        if last {
            break;
        }
    }
    Some(ids)
}

/// `GET /data/`: the catalogue of the request's site.
pub async fn index(visit: Visit, Query(q): Query<CatalogueQuery>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let page = q.page.trim().parse::<i64>().unwrap_or(1).clamp(1, MAX_PAGE);
    // The text is searched through the site search; without an index, by the catalogue's own
    // substring match.
    let ids = found_in_index(&visit, site.id, &q.q);
    let from_index = ids.is_some();
    let words: Vec<String> = if ids.is_some() {
        Vec::new()
    } else {
        q.q.split_whitespace()
            .take(datasets::MAX_QUERY_TERMS / 2)
            .map(|w| w.chars().take(50).collect())
            .collect()
    };
    let chosen = selected(&q);
    let query = DatasetQuery {
        site_id: site.id,
        ids,
        words,
        terms: chosen.iter().map(|(_, f, v)| (*f, v.clone())).collect(),
        rows: PER_PAGE,
        start: (page - 1) * PER_PAGE,
        ..DatasetQuery::default()
    };
    let found = datasets::search(store, &query).await?;
    let org_names: Vec<(String, String)> = orgs::of_site(store, site.id)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect();
    let q_text: String = q.q.trim().chars().take(200).collect();
    let base_pairs: Vec<(&str, String)> = std::iter::once(("q", q_text.clone()))
        .chain(chosen.iter().map(|(k, _, v)| (*k, v.clone())))
        .collect();
    let with = |key: &str, value: &str| -> String {
        let mut pairs: Vec<(&str, &str)> = base_pairs
            .iter()
            .filter(|(k, _)| *k != key)
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        pairs.push((key, value));
        catalogue_url(&pairs)
    };
    let mut facets = Vec::new();
    for (key, field, title) in [
        ("org", Field::Organization, "数据提供单位"),
        ("group", Field::Groups, "开放主题"),
        ("format", Field::ResFormat, "资源格式"),
        ("license", Field::LicenseId, "许可协议"),
        ("open", Field::OpenCondition, "开放属性"),
    ] {
        let current = chosen
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| v.clone());
        let items: Vec<Value> = datasets::facet(store, &query, field, 30)
            .await?
            .into_iter()
            .map(|c| {
                let on = current
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(&c.value));
                context! {
                    label => label(field, &c.value, &org_names), count => c.count, on,
                    url => if on { with(key, "") } else { with(key, &c.value) },
                }
            })
            .collect();
        facets.push(context! { key, title, items });
    }
    let pages = (found.count + PER_PAGE - 1) / PER_PAGE;
    let page_url = |n: i64| with("page", &n.to_string());
    let clear = (!chosen.is_empty()).then(|| catalogue_url(&[("q", &q_text)]));
    let chosen_view: Vec<Value> = chosen
        .iter()
        .map(|(k, f, v)| context! { label => label(*f, v, &org_names), remove => with(k, "") })
        .collect();
    let mut resp = visit
        .page(
            "data/index.html",
            context! {
                q => q_text, count => found.count, page, pages,
                prev => (page > 1).then(|| page_url(page - 1)),
                next => (page < pages).then(|| page_url(page + 1)),
                datasets => found.datasets.iter().map(line).collect::<Vec<_>>(),
                facets, chosen => chosen_view, clear,
            },
        )
        .await?;
    // The index trails the change feed, so a page that read it is not kept (as `/search`).
    if from_index {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    Ok(resp)
}

fn not_found() -> WebError {
    WebError::NotFound(ErrorCode::DatasetNotFound.into())
}

/// The published dataset `name` of the request's site.
async fn published(visit: &Visit, name: &str) -> Result<Dataset, WebError> {
    let site = visit.site().await?;
    match datasets::find(&visit.state.store, site.id, name).await? {
        Some(d) if d.status == DatasetStatus::Published && d.name == name => Ok(d),
        _ => Err(not_found()),
    }
}

/// schema.org `Dataset` JSON-LD of `d`, safe inside a `<script>` element.
fn json_ld(base: &str, d: &Dataset) -> String {
    let licence = rules::licence(&d.license_id);
    let distributions: Vec<serde_json::Value> = d
        .resources
        .iter()
        .map(|r| {
            let url = format!("{base}{}", urls::resource_download(&d.name, &r.uuid));
            serde_json::json!({
                "@type": "DataDownload", "name": r.name, "encodingFormat": r.format,
                "contentUrl": url, "contentSize": r.size,
            })
        })
        .collect();
    let temporal = match (d.temporal_start, d.temporal_end) {
        (Some(s), Some(e)) => Some(format!("{s}/{e}")),
        (Some(s), None) => Some(format!("{s}/..")),
        (None, Some(e)) => Some(format!("../{e}")),
        (None, None) => None,
    };
    let ld = serde_json::json!({
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": format!("{base}{}", urls::dataset(&d.name)),
        "url": format!("{base}{}", urls::dataset(&d.name)),
        "identifier": d.uuid,
        "name": d.title,
        "description": if d.notes.is_empty() { d.title.clone() } else { d.notes.clone() },
        "keywords": d.tags,
        "license": licence.map(|l| if l.url.is_empty() { l.title } else { l.url }),
        "isAccessibleForFree": true,
        "creator": { "@type": "GovernmentOrganization", "name": d.org_name },
        "publisher": { "@type": "GovernmentOrganization", "name": d.org_name },
        "dateModified": d.updated_at.to_rfc3339(),
        "datePublished": d.published_at.map(|t| t.to_rfc3339()),
        "version": if d.version.is_empty() { None } else { Some(&d.version) },
        "temporalCoverage": temporal,
        "spatialCoverage": if d.spatial.is_empty() { None } else { Some(&d.spatial) },
        "distribution": distributions,
    });
    ld.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `GET /data/{name}`: a published dataset's page.
pub async fn show(
    visit: Visit,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    // `/data/{name}.jsonld` and `.ttl`: the dataset in DCAT-AP.
    if let Some((stem, syntax)) = dcat::Syntax::split(&name) {
        let d = published(&visit, stem).await?;
        let base = crate::site::site_base_url(&headers, &visit.ctx.site);
        return Ok(syntax.respond(&[dcat::dataset(&base, &d)]));
    }
    let d = published(&visit, &name).await?;
    let base = crate::site::site_base_url(&headers, &visit.ctx.site);
    let licence = rules::licence(&d.license_id);
    let themes: Vec<&str> = d
        .groups
        .iter()
        .filter_map(|g| OpenTheme::parse(g).ok())
        .map(|t| t.label())
        .collect();
    let open = d.openness == Openness::Unconditional;
    let resources: Vec<Value> = d
        .resources
        .iter()
        .map(|r| {
            context! {
                name => &r.name, description => &r.description, format => &r.format,
                size => r.size.map(human_size), downloads => r.downloads,
                link => r.sha256.is_none(),
                url => d.public_resource(r).download,
                modified => crate::view::format::day_of(r.last_modified),
            }
        })
        .collect();
    let previews = if open {
        previews(&visit.state.store, &d, true).await?
    } else {
        Vec::new()
    };
    let granted = if d.openness == Openness::Conditional {
        gongkai_store::data_access::granted_count(&visit.state.store, d.id).await?
    } else {
        0
    };
    let coverage = match (d.temporal_start, d.temporal_end) {
        (None, None) => String::new(),
        (s, e) => format!(
            "{} 至 {}",
            s.map_or_else(|| "不限".to_owned(), |x| x.to_string()),
            e.map_or_else(|| "今".to_owned(), |x| x.to_string())
        ),
    };
    visit
        .page(
            "data/show.html",
            context! {
                d => ser(&d), resources, themes, coverage, previews,
                openness => d.openness.label(), open,
                conditional => d.openness == Openness::Conditional, granted,
                closed => d.openness == Openness::Closed,
                frequency => d.frequency.label(),
                licence => licence.map(|l| context! { title => l.title, url => l.url }),
                published => d.published_at.map(crate::view::format::day_of),
                updated => crate::view::format::day_of(d.updated_at),
                json_ld => Value::from_safe_string(json_ld(&base, &d)),
                api => format!("/api/3/action/package_show?id={}", d.name),
            },
        )
        .await
}

/// `GET /data/{name}/resources/{id}/download`: a resource, counted — an uploaded file with its
/// type and name, or a redirect to a link. A 有条件开放 dataset's resource only with a
/// data-access token of that dataset within its period in the `Authorization` header (never in
/// the address), each use audited (`data_access.download`).
pub async fn download(
    visit: Visit,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let d = published(&visit, &name).await?;
    let r = d
        .resources
        .iter()
        .find(|r| r.uuid == id)
        .ok_or_else(|| WebError::NotFound(ErrorCode::DatasetResourceNotFound.into()))?;
    let store = &visit.state.store;
    match d.openness {
        Openness::Unconditional => {}
        Openness::Conditional => {
            let Some(token) = crate::grants::token_in(&headers) else {
                return Err(WebError::Denied(ErrorCode::DataAccessNeedsGrant.into()));
            };
            let grant = crate::grants::usable(store, &token, &d)
                .await?
                .map_err(WebError::Denied)?;
            gongkai_store::data_access::record_use(store, &grant, &r.uuid, "download", &ip).await?;
        }
        Openness::Closed => return Err(WebError::Forbidden("下载该数据集（不予开放）")),
    }
    datasets::count_download(store, r.id).await?;
    match crate::download::send_resource(&visit.state, r).await? {
        Some(resp) => Ok(resp),
        None => Ok(Redirect::to(&r.url).into_response()),
    }
}
