//! The read actions: each reads its parameters as CKAN does, asks the store and answers CKAN's
//! shapes (see `dicts`). A dataset the caller may not see is answered as one that does not
//! exist.

use std::collections::HashMap;

use gongkai_domain::dataset::{self as rules, OpenTheme, Openness};
use gongkai_store::datasets::{self, Dataset, DatasetQuery, Field, Sort, Visibility};
use serde_json::{Map, Value, json};

use super::{CkanError, Ctx, Params, dicts};

/// The most rows one page may hold (CKAN's `ckan.search.rows_max`).
pub const ROWS_MAX: i64 = 1000;
/// The furthest a page may start.
const START_MAX: i64 = 1_000_000_000;

/// `status_show`: what this catalogue is.
pub async fn status_show(ctx: &Ctx<'_>) -> Result<Value, CkanError> {
    Ok(json!({
        "site_title": format!("{} 政府数据开放", ctx.site.name),
        "site_description": "政府数据资源目录与开放数据（兼容 CKAN Action API）",
        "site_url": ctx.base,
        "ckan_version": "2.10.0",
        "api_version": 3,
        "locale_default": "zh_Hans_CN",
        "error_emails_to": null,
        "extensions": ["gongkai"],
    }))
}

/// Whether `caller` may see `d` (published, or of an organisation they draft or review in).
/// Whether the caller may see dataset `d` (published, or theirs to draft or review).
pub(super) fn visible(ctx: &Ctx<'_>, d: &Dataset) -> bool {
    d.site_id == ctx.site.id
        && (d.status == rules::DatasetStatus::Published || ctx.caller.read_orgs.contains(&d.org_id))
}

pub(super) fn not_found(what: &str) -> CkanError {
    CkanError::NotFound(format!("Not found: {what}"))
}

/// The dataset the parameter `id` (or `name_or_id`) names, when the caller may see it.
pub async fn visible_dataset(ctx: &Ctx<'_>, params: &Params) -> Result<Dataset, CkanError> {
    let key = match params.text("id")? {
        Some(k) if !k.trim().is_empty() => k,
        _ => match params.text("name_or_id")? {
            Some(k) if !k.trim().is_empty() => k,
            _ => return Err(CkanError::field("name_or_id", "Missing value")),
        },
    };
    match datasets::find(&ctx.state.store, ctx.site.id, &key).await? {
        Some(d) if visible(ctx, &d) => Ok(d),
        _ => Err(not_found("未找到该数据集")),
    }
}

/// `package_list`: the names of the published datasets.
pub async fn package_list(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let limit = params.natural("limit", 100_000)?;
    let offset = params.natural("offset", 0)?.min(START_MAX);
    let names = datasets::published_names(&ctx.state.store, ctx.site.id, limit, offset).await?;
    Ok(json!(names))
}

/// `package_show`: one dataset by its id or name.
pub async fn package_show(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let d = visible_dataset(ctx, params).await?;
    Ok(dicts::package(&ctx.base, &d))
}

/// The filters of a `package_search`: words and `field:value` terms of `q`, then `fq` and
/// `fq_list`; `*:*` and the terms CKAN clients add for every search (`dataset_type:dataset`,
/// `capacity:public`, `state:active`) select everything.
/// What a search selects by: words, and `field:value` terms.
struct Filters {
    words: Vec<String>,
    terms: Vec<(Field, String)>,
}

fn filters(params: &Params) -> Result<Filters, CkanError> {
    let mut words = Vec::new();
    let mut terms = Vec::new();
    let mut term = |field: &str, value: &str| -> Result<(), CkanError> {
        match (field, value) {
            ("dataset_type" | "type", "dataset") | ("capacity", "public") | ("state", "active") => {
                Ok(())
            }
            _ => match Field::parse(field) {
                Some(f) => {
                    terms.push((f, value.to_owned()));
                    Ok(())
                }
                None => Err(CkanError::SearchQuery(format!(
                    "the field {field} cannot be searched"
                ))),
            },
        }
    };
    if let Some(q) = params.text("q")? {
        if q.len() > rules::MAX_FQ_BYTES {
            return Err(CkanError::SearchQuery("q is too long".into()));
        }
        for token in q.split_whitespace() {
            if token == "*:*" {
                continue;
            }
            match token.split_once(':') {
                Some((f, v)) if Field::parse(f).is_some() && !v.is_empty() => term(f, v)?,
                _ => words.push(token.to_owned()),
            }
        }
    }
    let mut fq = params.text_list("fq_list")?;
    fq.extend(params.text("fq")?);
    for raw in fq {
        for (field, value) in rules::parse_fq(&raw).map_err(CkanError::SearchQuery)? {
            term(&field, &value)?;
        }
    }
    if words.len() + terms.len() > gongkai_store::datasets::MAX_QUERY_TERMS {
        return Err(CkanError::SearchQuery("too many search terms".into()));
    }
    Ok(Filters { words, terms })
}

/// What a facet value is called.
fn display_name(field: Field, value: &str, orgs: &HashMap<String, String>) -> String {
    match field {
        Field::Organization => orgs.get(value).cloned().unwrap_or_else(|| value.to_owned()),
        Field::Groups => OpenTheme::parse(value).map_or(value.to_owned(), |t| t.label().to_owned()),
        Field::LicenseId => rules::licence(value).map_or(value.to_owned(), |l| l.title.to_owned()),
        Field::OpenCondition => {
            Openness::parse(value).map_or(value.to_owned(), |o| o.label().to_owned())
        }
        Field::Tags | Field::ResFormat => value.to_owned(),
    }
}

/// The facet value as CKAN names it (organisations by their lower-case code).
fn facet_name(field: Field, value: &str) -> String {
    match field {
        Field::Organization => dicts::org_name(value),
        _ => value.to_owned(),
    }
}

/// `package_search`: datasets by words, `fq` terms, sort and page, with facets.
pub async fn package_search(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let Filters { words, terms } = filters(params)?;
    let sort_raw = params.text("sort")?.unwrap_or_default();
    let sort = Sort::parse_ckan(&sort_raw)
        .ok_or_else(|| CkanError::SearchQuery(format!("cannot sort by {sort_raw}")))?;
    let rows = params.natural("rows", 10)?.min(ROWS_MAX);
    let start = params.natural("start", 0)?.min(START_MAX);
    let private = params.flag("include_private")? || params.flag("include_drafts")?;
    let visibility = if private {
        ctx.caller.visibility()
    } else {
        Visibility::Published
    };
    let mut facet_fields = Vec::new();
    for name in params.json_list("facet.field")? {
        let field = Field::parse(&name)
            .ok_or_else(|| CkanError::SearchQuery(format!("cannot facet by {name}")))?;
        if !facet_fields.contains(&field) {
            facet_fields.push(field);
        }
    }
    let facet_limit = match params.get("facet.limit") {
        Some(Value::Number(n)) if n.as_i64() == Some(-1) => ROWS_MAX,
        Some(Value::String(s)) if s.trim() == "-1" => ROWS_MAX,
        _ => params.natural("facet.limit", 50)?.min(ROWS_MAX),
    };
    let query = DatasetQuery {
        site_id: ctx.site.id,
        visibility,
        words,
        terms,
        sort,
        rows,
        start,
        ids: None,
    };
    let found = datasets::search(&ctx.state.store, &query).await?;
    let orgs: HashMap<String, String> = gongkai_store::orgs::of_site(&ctx.state.store, ctx.site.id)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect();
    let mut facets = Map::new();
    let mut search_facets = Map::new();
    for field in facet_fields {
        let counts = datasets::facet(&ctx.state.store, &query, field, facet_limit).await?;
        let mut plain = Map::new();
        let mut items = Vec::new();
        for c in counts {
            let name = facet_name(field, &c.value);
            plain.insert(name.clone(), json!(c.count));
            items.push(json!({
                "name": name,
                "display_name": display_name(field, &c.value, &orgs),
                "count": c.count,
            }));
        }
        facets.insert(field.ckan().into(), Value::Object(plain));
        search_facets.insert(
            field.ckan().into(),
            json!({ "title": field.ckan(), "items": items }),
        );
    }
    let results: Vec<Value> = found
        .datasets
        .iter()
        .map(|d| dicts::package(&ctx.base, d))
        .collect();
    Ok(json!({
        "count": found.count,
        "sort": sort.ckan(),
        "facets": facets,
        "search_facets": search_facets,
        "results": results,
    }))
}

/// `current_package_list_with_resources`: the published datasets, last changed first, with
/// their resources, `limit` from `offset`.
pub async fn current_package_list_with_resources(
    ctx: &Ctx<'_>,
    params: &Params,
) -> Result<Value, CkanError> {
    let rows = params.natural("limit", 10)?.min(ROWS_MAX);
    let start = params.natural("offset", 0)?.min(START_MAX);
    let page = params.natural("page", 0)?;
    let start = if page > 0 {
        (page - 1).saturating_mul(rows).min(START_MAX)
    } else {
        start
    };
    let query = DatasetQuery {
        site_id: ctx.site.id,
        rows,
        start,
        ..DatasetQuery::default()
    };
    let found = datasets::search(&ctx.state.store, &query).await?;
    Ok(Value::Array(
        found
            .datasets
            .iter()
            .map(|d| dicts::package(&ctx.base, d))
            .collect(),
    ))
}

/// The number of visible datasets per value of `field`.
async fn counts(ctx: &Ctx<'_>, field: Field) -> Result<HashMap<String, i64>, CkanError> {
    let query = DatasetQuery {
        site_id: ctx.site.id,
        ..DatasetQuery::default()
    };
    Ok(datasets::facet(&ctx.state.store, &query, field, ROWS_MAX)
        .await?
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect())
}

/// A page of `items` by the `limit` and `offset` parameters.
fn paged<T>(items: Vec<T>, params: &Params) -> Result<Vec<T>, CkanError> {
    let limit = params.natural("limit", ROWS_MAX)?.min(ROWS_MAX);
    let offset = params.natural("offset", 0)?;
    Ok(items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect())
}

/// `organization_list`: the site's organisations, names or (`all_fields`) dictionaries with
/// their published dataset counts.
pub async fn organization_list(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let all_fields = params.flag("all_fields")?;
    let n = counts(ctx, Field::Organization).await?;
    let mut orgs = gongkai_store::orgs::of_site(&ctx.state.store, ctx.site.id).await?;
    orgs.sort_by(|a, b| a.code.cmp(&b.code));
    let items: Vec<Value> = paged(orgs, params)?
        .into_iter()
        .map(|o| {
            if all_fields {
                dicts::organization(&o.code, &o.name, Some(n.get(&o.code).copied().unwrap_or(0)))
            } else {
                json!(dicts::org_name(&o.code))
            }
        })
        .collect();
    Ok(Value::Array(items))
}

/// `organization_show`: one organisation by its (lower- or upper-case) code, optionally with
/// its published datasets (`include_datasets`).
pub async fn organization_show(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let id = params
        .text("id")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| CkanError::field("id", "Missing value"))?;
    let org = gongkai_store::orgs::of_site(&ctx.state.store, ctx.site.id)
        .await?
        .into_iter()
        .find(|o| o.code.eq_ignore_ascii_case(id.trim()))
        .ok_or_else(|| not_found("未找到该机构"))?;
    let n = counts(ctx, Field::Organization).await?;
    let mut d = dicts::organization(
        &org.code,
        &org.name,
        Some(n.get(&org.code).copied().unwrap_or(0)),
    );
    if params.flag("include_datasets")? {
        let query = DatasetQuery {
            site_id: ctx.site.id,
            terms: vec![(Field::Organization, org.code.clone())],
            rows: ROWS_MAX,
            ..DatasetQuery::default()
        };
        let found = datasets::search(&ctx.state.store, &query).await?;
        let packages: Vec<Value> = found
            .datasets
            .iter()
            .map(|x| dicts::package(&ctx.base, x))
            .collect();
        if let Some(map) = d.as_object_mut() {
            map.insert("packages".into(), Value::Array(packages));
        }
    }
    Ok(d)
}

/// `group_list`: the open-data themes, names or (`all_fields`) dictionaries with counts.
pub async fn group_list(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let all_fields = params.flag("all_fields")?;
    let n = counts(ctx, Field::Groups).await?;
    let items: Vec<Value> = paged(OpenTheme::ALL.to_vec(), params)?
        .into_iter()
        .map(|t| {
            if all_fields {
                dicts::group(t, Some(n.get(t.code()).copied().unwrap_or(0)))
            } else {
                json!(t.code())
            }
        })
        .collect();
    Ok(Value::Array(items))
}

/// `group_show`: one open-data theme, optionally with its published datasets.
pub async fn group_show(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let id = params
        .text("id")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| CkanError::field("id", "Missing value"))?;
    let theme = OpenTheme::parse(&id).map_err(|_| not_found("未找到该开放主题"))?;
    let n = counts(ctx, Field::Groups).await?;
    let mut d = dicts::group(theme, Some(n.get(theme.code()).copied().unwrap_or(0)));
    if params.flag("include_datasets")? {
        let query = DatasetQuery {
            site_id: ctx.site.id,
            terms: vec![(Field::Groups, theme.code().to_owned())],
            rows: ROWS_MAX,
            ..DatasetQuery::default()
        };
        let found = datasets::search(&ctx.state.store, &query).await?;
        let packages: Vec<Value> = found
            .datasets
            .iter()
            .map(|x| dicts::package(&ctx.base, x))
            .collect();
        if let Some(map) = d.as_object_mut() {
            map.insert("packages".into(), Value::Array(packages));
        }
    }
    Ok(d)
}

/// `tag_list`: the tags of the published datasets, alphabetically, optionally those holding
/// `query`.
pub async fn tag_list(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let needle = params.text("query")?.unwrap_or_default().to_lowercase();
    let all_fields = params.flag("all_fields")?;
    let mut tags: Vec<String> = counts(ctx, Field::Tags)
        .await?
        .into_keys()
        .filter(|t| t.to_lowercase().contains(needle.trim()))
        .collect();
    tags.sort();
    Ok(Value::Array(
        tags.into_iter()
            .map(|t| {
                if all_fields {
                    json!({ "name": t, "display_name": t, "vocabulary_id": null })
                } else {
                    json!(t)
                }
            })
            .collect(),
    ))
}

/// `resource_show`: one resource by its id, when its dataset is visible.
pub async fn resource_show(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let id = params
        .text("id")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| CkanError::field("id", "Missing value"))?;
    let r = datasets::resource(&ctx.state.store, &id)
        .await?
        .ok_or_else(|| not_found("未找到该数据资源"))?;
    let d = datasets::get(&ctx.state.store, r.dataset_id).await?;
    if !visible(ctx, &d) {
        return Err(not_found("未找到该数据资源"));
    }
    Ok(dicts::resource(&ctx.base, &d, &r))
}
