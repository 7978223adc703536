//! 清单 for the public under `/xxgk/qingdan/`: the typed lists that have public rows
//! (权力清单, 办事指南, 执法公示, 救助对象公示 …) with their counts; a list's public rows, paged,
//! with a filter per choice field and per organisation and a text search (a plain `GET` form,
//! no JavaScript); a row's page with every public field by its heading, masked by the field's
//! rule (办事指南's ten statutory elements first, in order); and each list's Atom feed.
//!
//! Who sees a row is the store's rule (`typed_lists::push_public`): a draft, withdrawn or
//! ended-公示 row is on no page, in no list or feed, and its address is 404.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::time::{beijing_date, display_minute};
use gongkai_domain::typed_list::{Cells, FieldKind, Schema};
use gongkai_domain::urls;
use gongkai_store::orgs;
use gongkai_store::typed_lists::{self, ListRow, RowFilter};
use minijinja::{Value, context};

use crate::WebError;
use crate::page::{FeedCtx, Visit};
use crate::view::urls::urlencode;

/// Rows per page of a list.
const PER_PAGE: i64 = 30;
/// The furthest page offered.
const MAX_PAGE: i64 = 10_000;
/// Most query parameters read from a list's address.
const MAX_PARAMS: usize = 50;
/// Longest filter value or search text read, in characters.
const MAX_VALUE_CHARS: usize = 100;
/// Columns a list's table shows beside the title.
const MAX_COLUMNS: usize = 4;
/// Rows in a list's feed.
const FEED_ROWS: i64 = 50;

fn not_found() -> WebError {
    WebError::NotFound(ErrorCode::InputNotFound.refusal(&[("what", &"该清单条目")]))
}

/// The schema of the site's list `code`, or 404.
async fn schema_of(
    visit_store: &gongkai_store::Store,
    site_id: i64,
    code: &str,
) -> Result<Schema, WebError> {
    match typed_lists::schema(visit_store, site_id, code).await {
        Ok(s) => Ok(s),
        Err(gongkai_store::StoreError::NotFound { .. }) => Err(WebError::NotFound(
            ErrorCode::InputNotFound.refusal(&[("what", &"该清单")]),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The site's organisations, organ code → name, to show an organisation cell by its name.
async fn org_names(
    store: &gongkai_store::Store,
    site_id: i64,
) -> Result<HashMap<String, String>, WebError> {
    Ok(orgs::of_site(store, site_id)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect())
}

/// A public cell as a page shows it: an organisation by its name, a record as a link, long
/// text as paragraphs.
fn cell_view(kind: FieldKind, text: &str, names: &HashMap<String, String>) -> Value {
    match kind {
        FieldKind::OrgLink => context! {
            text => names.get(text).cloned().unwrap_or_else(|| text.to_owned()),
        },
        FieldKind::RecordLink => context! { text, url => urls::record(text) },
        FieldKind::RichText => context! {
            text,
            paragraphs => text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect::<Vec<_>>(),
        },
        _ => context! { text },
    }
}

/// The 公示 facts of a row (its end in Beijing time), empty for a list without 公示.
fn gongshi_end(row: &ListRow) -> Option<String> {
    row.gongshi_until.map(display_minute)
}

/// `GET /xxgk/qingdan/`: every list of the site with public rows, with how many.
pub async fn index(visit: Visit) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let counts: BTreeMap<String, i64> = typed_lists::public_counts(store, site.id, Utc::now())
        .await?
        .into_iter()
        .collect();
    let lists: Vec<Value> = typed_lists::types(store, site.id)
        .await?
        .into_iter()
        .filter_map(|t| {
            let count = *counts.get(&t.schema.code)?;
            Some(context! {
                name => &t.schema.name, url => urls::list(&t.schema.code), count,
                gongshi_days => t.schema.gongshi_days,
            })
        })
        .collect();
    visit.page("qingdan/index.html", context! { lists }).await
}

/// The first `max` characters of a typed value, trimmed.
fn bounded(value: &str) -> String {
    value.trim().chars().take(MAX_VALUE_CHARS).collect()
}

/// `GET /xxgk/qingdan/{code}?q=…&org=…&<choice key>=…&page=…`: one page of the list's public
/// rows, filtered.
pub async fn list(
    visit: Visit,
    Path(code): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let schema = schema_of(store, site.id, &code).await?;
    let now = Utc::now();
    let params: Vec<(String, String)> = params.into_iter().take(MAX_PARAMS).collect();
    let param = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| bounded(v))
            .unwrap_or_default()
    };
    let page = param("page").parse::<i64>().unwrap_or(1).clamp(1, MAX_PAGE);
    let words = param("q");
    let orgs = typed_lists::public_orgs(store, site.id, &schema.code, now).await?;
    let org_code = param("org");
    let org = orgs.iter().find(|(_, c, _)| *c == org_code);
    // A filter per public choice field, with the option asked for when it is one of its own.
    let mut choices = Vec::new();
    let mut filters = Vec::new();
    for f in schema
        .fields
        .iter()
        .filter(|f| f.public && f.kind == FieldKind::Choice)
    {
        let asked = param(&f.key);
        let chosen = f.options.iter().find(|o| **o == asked).cloned();
        if let Some(option) = &chosen {
            choices.push((f.key.clone(), option.clone()));
        }
        filters.push(context! {
            key => &f.key, label => &f.label, options => &f.options, chosen,
        });
    }
    let filter = RowFilter {
        site_id: site.id,
        type_code: schema.code.clone(),
        public_at: Some(now),
        org_ids: org.map(|(id, _, _)| vec![*id]),
        choices: choices.clone(),
        query: (!words.is_empty()).then(|| words.clone()),
        ..RowFilter::default()
    };
    let (rows, total) = typed_lists::list(store, &filter, page, PER_PAGE).await?;
    let names = org_names(store, site.id).await?;
    let columns: Vec<&gongkai_domain::typed_list::Field> = schema
        .fields
        .iter()
        .filter(|f| f.public && f.key != schema.title_key)
        .filter(|f| !matches!(f.kind, FieldKind::RichText | FieldKind::Attachment))
        .take(MAX_COLUMNS)
        .collect();
    let row_views: Vec<Value> = rows
        .iter()
        .map(|r| {
            let shown = schema.public_cells(&r.cells);
            let cells: Vec<Value> = columns
                .iter()
                .map(|c| {
                    let text = shown
                        .iter()
                        .find(|(f, _)| f.key == c.key)
                        .map(|(_, v)| v.as_str())
                        .unwrap_or("");
                    cell_view(c.kind, text, &names)
                })
                .collect();
            context! {
                title => title_of(&schema, r), url => urls::list_row(&schema.code, r.id), cells,
                gongshi_end => gongshi_end(r),
            }
        })
        .collect();
    // The address of this list with the current filters and `page`.
    let mut kept: Vec<(String, String)> = Vec::new();
    if !words.is_empty() {
        kept.push(("q".into(), words.clone()));
    }
    if let Some((_, c, _)) = org {
        kept.push(("org".into(), c.clone()));
    }
    kept.extend(choices.iter().cloned());
    let page_url = |n: i64| {
        let mut pairs: Vec<String> = kept
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        pairs.push(format!("page={n}"));
        format!("{}?{}", urls::list(&schema.code), pairs.join("&"))
    };
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    visit
        .page(
            "qingdan/list.html",
            context! {
                name => &schema.name, code => &schema.code, url => urls::list(&schema.code),
                feed => urls::list_feed(&schema.code),
                gongshi_days => schema.gongshi_days,
                title_label => schema.field(&schema.title_key).map(|f| f.label.clone()).unwrap_or_default(),
                columns => columns.iter().map(|c| c.label.clone()).collect::<Vec<_>>(),
                rows => row_views, total, page, pages, q => words,
                filters, orgs => orgs.iter().map(|(_, c, n)| context! { code => c, name => n }).collect::<Vec<_>>(),
                org => org.map(|(_, c, _)| c.clone()),
                filtered => !kept.is_empty(),
                prev => (page > 1).then(|| page_url(page - 1)),
                next => (page < pages).then(|| page_url(page + 1)),
            },
        )
        .await
}

/// The row's title as the public reads it (masked), or its number when its title field is
/// staff-only.
fn title_of(schema: &Schema, row: &ListRow) -> String {
    let title = schema.public_title(&row.cells);
    if title.trim().is_empty() {
        format!("{}第 {} 号", schema.name, row.id)
    } else {
        title
    }
}

/// The public fields of a row in page order: the publication elements (办事指南's ten) first
/// in their statutory order, then the other public fields in the schema's.
/// An attachment is a download link (`row_url` + `/files/{key}`), never its stored hash.
fn ordered_fields(
    schema: &Schema,
    cells: &Cells,
    names: &HashMap<String, String>,
    row_url: &str,
) -> (Vec<Value>, Vec<Value>) {
    let shown = schema.public_cells(cells);
    let view = |key: &str| {
        shown.iter().find(|(f, _)| f.key == key).map(|(f, v)| {
            if f.kind == FieldKind::Attachment {
                let url = format!("{row_url}/files/{}", urlencode(&f.key));
                return context! { label => &f.label, text => "下载附件", url };
            }
            context! { label => &f.label, ..cell_view(f.kind, v, names) }
        })
    };
    let elements: Vec<Value> = schema
        .publication_elements
        .iter()
        .filter_map(|k| view(k))
        .collect();
    let others: Vec<Value> = schema
        .fields
        .iter()
        .filter(|f| f.public && !schema.publication_elements.contains(&f.key))
        .filter_map(|f| view(&f.key))
        .collect();
    (elements, others)
}

/// `GET /xxgk/qingdan/{code}/{id}/files/{key}`: the file a public attachment field of a public
/// row names (404 for a staff-only field, a row the public does not see, or no file).
pub async fn file(
    visit: Visit,
    Path((code, id, key)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let schema = schema_of(store, site.id, &code).await?;
    let row = typed_lists::public_row(store, site.id, &schema.code, id, Utc::now())
        .await?
        .ok_or_else(not_found)?;
    let field = schema
        .field(&key)
        .filter(|f| f.public && f.kind == FieldKind::Attachment);
    let (Some(field), Some(sha)) = (field, row.cells.get(&key)) else {
        return Err(crate::download::attachment_not_found());
    };
    // A 公示 row leaves the public side at its end: its file is never kept by a proxy past it.
    if schema.gongshi_days.is_some() {
        return crate::download::send_blob(&visit.state, sha, "", &field.label).await;
    }
    crate::download::send_public_blob(&visit.state, sha, "", &field.label).await
}

/// `GET /xxgk/qingdan/{code}/{id}`: a public row with every public field by its heading.
pub async fn row(
    visit: Visit,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let schema = schema_of(store, site.id, &code).await?;
    let row = typed_lists::public_row(store, site.id, &schema.code, id, Utc::now())
        .await?
        .ok_or_else(not_found)?;
    let names = org_names(store, site.id).await?;
    let row_url = urls::list_row(&schema.code, row.id);
    let (elements, others) = ordered_fields(&schema, &row.cells, &names, &row_url);
    visit
        .page(
            "qingdan/row.html",
            context! {
                list_name => &schema.name, list_url => urls::list(&schema.code),
                title => title_of(&schema, &row), elements, others,
                org_name => &row.org_name, validity => row.validity.label(),
                published => row.published_at.map(|t| beijing_date(t).to_string()),
                gongshi_days => schema.gongshi_days, gongshi_end => gongshi_end(&row),
            },
        )
        .await
}

/// `GET /feeds/qingdan/{code}.xml`: the list's 50 newest public rows as Atom.
pub async fn atom(feed: FeedCtx, Path(file): Path<String>) -> Result<Response, WebError> {
    let site = crate::site::require_site(&feed.state, &feed.site).await?;
    let code = file.strip_suffix(".xml").ok_or_else(not_found)?;
    let store = &feed.state.store;
    let schema = schema_of(store, site.id, code).await?;
    let filter = RowFilter {
        site_id: site.id,
        type_code: schema.code.clone(),
        public_at: Some(Utc::now()),
        ..RowFilter::default()
    };
    let (rows, _) = typed_lists::list(store, &filter, 1, FEED_ROWS).await?;
    let updated = rows
        .iter()
        .map(|r| r.updated_at)
        .max()
        .unwrap_or_else(Utc::now)
        .to_rfc3339();
    let entries: Vec<Value> = rows
        .iter()
        .map(|r| {
            let summary: String = schema.public_text(&r.cells).chars().take(500).collect();
            context! {
                title => title_of(&schema, r), url => urls::list_row(&schema.code, r.id),
                updated => r.updated_at.to_rfc3339(), org_name => &r.org_name, summary,
            }
        })
        .collect();
    feed.atom(context! {
        title => format!("{} - {}", schema.name, site.name), self_path => urls::list_feed(&schema.code),
        alternate => urls::list(&schema.code), updated, entries,
    })
    .await
}
