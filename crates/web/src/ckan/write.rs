//! The write actions, for a caller with an API token: `package_create`, `package_patch` and
//! `resource_create` (a link, or a file in the multipart `upload` field as CKAN takes it, under
//! the dataset upload limit and checked by content like the back office's uploads —
//! `forms::dataset_file`; an uploaded table is then loaded by the background loader). The dataset a write
//! creates or changes is submitted for review and stays unpublished until a reviewer approves
//! it, as every dataset is reviewed.

use gongkai_domain::DomainError;
use gongkai_domain::dataset::{self as rules, DatasetDraft};
use gongkai_store::Actor;
use gongkai_store::datasets::{self, Author, Dataset, NewResource, Source};
use gongkai_store::users::Staff;
use serde_json::{Map, Value};

use super::{CkanError, Ctx, Params, api_field, dicts};

/// The signed-in caller, or the Authorization Error of an anonymous write.
fn staff<'a>(ctx: &'a Ctx<'_>, what: &str) -> Result<&'a Staff, CkanError> {
    ctx.caller.staff.as_ref().ok_or_else(|| {
        CkanError::Forbidden(format!("{what}需要有效的 API 令牌（Authorization 请求头）"))
    })
}

fn refusals(errors: Vec<DomainError>) -> CkanError {
    CkanError::Validation(
        errors
            .into_iter()
            .map(|e| (api_field(e.field()).to_owned(), e.to_string()))
            .collect(),
    )
}

/// The names in a list of `{name}` (or `{id}`) objects.
fn names(items: Vec<Map<String, Value>>, field: &str) -> Result<Vec<String>, CkanError> {
    items
        .into_iter()
        .map(|m| match m.get("name").or_else(|| m.get("id")) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(CkanError::field(field, "Missing value: name")),
        })
        .collect()
}

/// The organisation `owner_org` names on the site, if the caller drafts there.
async fn owner_org(ctx: &Ctx<'_>, raw: &str) -> Result<i64, CkanError> {
    let org = gongkai_store::orgs::of_site(&ctx.state.store, ctx.site.id)
        .await?
        .into_iter()
        .find(|o| o.code.eq_ignore_ascii_case(raw.trim()))
        .ok_or_else(|| CkanError::field("owner_org", "未找到该机构"))?;
    if !ctx.caller.draft_orgs.contains(&org.id) {
        return Err(CkanError::Forbidden(format!(
            "该令牌无权为“{}”编制数据集",
            org.name
        )));
    }
    Ok(org.id)
}

/// `draft` with every field `params` gives written over it.
fn apply(params: &Params, draft: &mut DatasetDraft) -> Result<(), CkanError> {
    let mut extras: Vec<(String, String)> = Vec::new();
    for m in params.objects("extras")? {
        let key = m.get("key").and_then(Value::as_str).unwrap_or_default();
        let value = match m.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        extras.push((key.to_owned(), value));
    }
    for key in dicts::WRITABLE_EXTRAS {
        if let Some(v) = params.text(key)? {
            extras.push(((*key).to_owned(), v));
        }
    }
    for (key, value) in extras {
        let slot = match key.as_str() {
            "open_condition" => &mut draft.openness,
            "conditions" => &mut draft.conditions,
            "legal_ground" => &mut draft.legal_ground,
            "frequency" => &mut draft.frequency,
            "temporal_start" => &mut draft.temporal_start,
            "temporal_end" => &mut draft.temporal_end,
            "spatial" => &mut draft.spatial,
            "contact_name" => &mut draft.contact_name,
            "contact" => &mut draft.contact,
            "theme" => &mut draft.theme,
            _ => continue,
        };
        *slot = value;
    }
    let text_fields: [(&str, &mut String); 5] = [
        ("name", &mut draft.name),
        ("title", &mut draft.title),
        ("notes", &mut draft.notes),
        ("version", &mut draft.version),
        ("license_id", &mut draft.license_id),
    ];
    for (key, slot) in text_fields {
        if let Some(v) = params.text(key)? {
            *slot = v;
        }
    }
    if params.has("tags") {
        draft.tags = names(params.objects("tags")?, "tags")?;
    } else if let Some(s) = params.text("tag_string")? {
        draft.tags = s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
    }
    if params.has("groups") {
        draft.groups = names(params.objects("groups")?, "groups")?;
    }
    Ok(())
}

/// A resource of a write: a checked link with its name, format and description.
fn link_resource(m: &Map<String, Value>) -> Result<NewResource, CkanError> {
    let text = |k: &str| -> Result<String, CkanError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(_) => Err(CkanError::field(k, "Must be a string")),
        }
    };
    let url = text("url")?;
    if url.trim().is_empty() {
        return Err(CkanError::field("url", "Missing value"));
    }
    let url = rules::parse_link(&url).map_err(|e| refusals(vec![e]))?;
    let last = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut name = text("name")?;
    if name.trim().is_empty() {
        name = if last.is_empty() {
            "数据资源".into()
        } else {
            last.clone()
        };
    }
    let mut format = text("format")?;
    if format.trim().is_empty() {
        format = last
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_owned())
            .filter(|e| e.len() <= 10)
            .unwrap_or_default();
    }
    let format = rules::parse_format(&format).map_err(|e| refusals(vec![e]))?;
    let (name, description) =
        rules::check_resource_text(&name, &text("description")?).map_err(|e| refusals(vec![e]))?;
    Ok(NewResource {
        name,
        description,
        format,
        source: Source::Link(url),
    })
}

fn actor(ctx: &Ctx<'_>, staff: &Staff) -> Actor {
    Actor::user(staff.username.clone(), ctx.ip.clone())
}

/// `package_create`: a new dataset, submitted for review, with any linked resources.
pub async fn package_create(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let staff = staff(ctx, "创建数据集")?;
    let owner = params
        .text("owner_org")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| CkanError::field("owner_org", "Missing value"))?;
    let org_id = owner_org(ctx, &owner).await?;
    let mut draft = DatasetDraft {
        license_id: "notspecified".into(),
        frequency: "irregular".into(),
        openness: "unconditional".into(),
        ..DatasetDraft::default()
    };
    apply(params, &mut draft)?;
    let new = draft.check().map_err(refusals)?;
    let resources: Vec<NewResource> = params
        .objects("resources")?
        .iter()
        .map(link_resource)
        .collect::<Result<_, _>>()?;
    if resources.len() > rules::MAX_RESOURCES {
        return Err(CkanError::field("resources", "too many resources"));
    }
    let author = Author {
        id: staff.id,
        name: staff.username.clone(),
    };
    let actor = actor(ctx, staff);
    let d = datasets::create(
        &ctx.state.store,
        &actor,
        &author,
        ctx.site.id,
        org_id,
        &new,
        true,
    )
    .await?;
    for r in &resources {
        datasets::add_resource(&ctx.state.store, &actor, d.id, r).await?;
    }
    let d = datasets::get(&ctx.state.store, d.id).await?;
    Ok(dicts::package(&ctx.base, &d))
}

/// The dataset a write names by `key`, when the caller drafts in its organisation.
async fn writable(ctx: &Ctx<'_>, key: &str, field: &str) -> Result<Dataset, CkanError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(CkanError::field(field, "Missing value"));
    }
    let d = datasets::find(&ctx.state.store, ctx.site.id, key)
        .await?
        .filter(|d| {
            d.status == rules::DatasetStatus::Published || ctx.caller.read_orgs.contains(&d.org_id)
        })
        .ok_or_else(|| CkanError::NotFound("Not found: 未找到该数据集".into()))?;
    if !ctx.caller.draft_orgs.contains(&d.org_id) {
        return Err(CkanError::Forbidden(format!(
            "该令牌无权修改“{}”的数据集",
            d.org_name
        )));
    }
    Ok(d)
}

/// `package_patch`: the given fields of a dataset changed; the dataset goes (back) to review.
pub async fn package_patch(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let staff = staff(ctx, "修改数据集")?;
    let key = params.text("id")?.unwrap_or_default();
    let d = writable(ctx, &key, "id").await?;
    let org_id = match params.text("owner_org")? {
        Some(o) if !o.trim().is_empty() => owner_org(ctx, &o).await?,
        _ => d.org_id,
    };
    let mut draft = DatasetDraft {
        name: d.name.clone(),
        title: d.title.clone(),
        notes: d.notes.clone(),
        theme: d.theme.clone(),
        groups: d.groups.clone(),
        tags: d.tags.clone(),
        license_id: d.license_id.clone(),
        frequency: d.frequency.code().to_owned(),
        temporal_start: dicts::extra(&d, "temporal_start"),
        temporal_end: dicts::extra(&d, "temporal_end"),
        spatial: d.spatial.clone(),
        contact_name: d.contact_name.clone(),
        contact: d.contact.clone(),
        version: d.version.clone(),
        openness: d.openness.code().to_owned(),
        conditions: d.conditions.clone(),
        legal_ground: d.legal_ground.clone(),
    };
    apply(params, &mut draft)?;
    let new = draft.check().map_err(refusals)?;
    let actor = actor(ctx, staff);
    let changed = datasets::update(&ctx.state.store, &actor, d.id, org_id, &new).await?;
    Ok(dicts::package(&ctx.base, &changed))
}

/// `resource_create`: a link added to a dataset, which goes (back) to review.
pub async fn resource_create(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let staff = staff(ctx, "添加数据资源")?;
    let key = params.text("package_id")?.unwrap_or_default();
    let d = writable(ctx, &key, "package_id").await?;
    let mut m = Map::new();
    for k in ["url", "name", "format", "description"] {
        if let Some(v) = params.text(k)? {
            m.insert(k.into(), Value::String(v));
        }
    }
    let new = link_resource(&m)?;
    let actor = actor(ctx, staff);
    let r = datasets::add_resource(&ctx.state.store, &actor, d.id, &new).await?;
    let d = datasets::get(&ctx.state.store, d.id).await?;
    Ok(dicts::resource(&ctx.base, &d, &r))
}

/// The most text fields (and bytes of each) a multipart `resource_create` may carry.
const MAX_UPLOAD_FIELDS: usize = 32;
const MAX_UPLOAD_FIELD_BYTES: usize = 64 * 1024;

/// A refused upload as CKAN answers it: past the limit, a Validation Error on `upload` (409,
/// as CKAN reports a file it refuses); a cut-off body, a bad request.
fn upload_refused(no: crate::forms::dataset_file::Refused) -> CkanError {
    if no.status == axum::http::StatusCode::BAD_REQUEST {
        CkanError::BadRequest(no.message)
    } else if no.status.is_server_error() {
        CkanError::Internal
    } else {
        CkanError::field("upload", no.message)
    }
}

/// `resource_create` with a multipart body (CKAN's file upload): the text fields (`package_id`,
/// `name`, `description`, `format` …) and the file in `upload`, streamed to the data folder under
/// the dataset upload limit, checked by content, stored as a blob and added as a resource; the
/// dataset goes (back) to review. Nothing is stored when anything is refused.
pub async fn resource_upload(
    ctx: &Ctx<'_>,
    request: axum::extract::Request,
) -> Result<Value, CkanError> {
    use crate::forms::dataset_file::{self, Refused};
    use axum::extract::FromRequest;
    let staff = staff(ctx, "添加数据资源")?;
    let state = ctx.state;
    if dataset_file::declared_too_large(state, request.headers()) {
        return Err(upload_refused(Refused::too_large(state)));
    }
    let mut form = axum::extract::Multipart::from_request(request, state)
        .await
        .map_err(|_| {
            CkanError::BadRequest("JSON Error: the multipart body cannot be read".into())
        })?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut file = None;
    loop {
        let next = match form.next_field().await {
            Ok(next) => next,
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(upload_refused(Refused::too_large(state)));
            }
            Err(_) => {
                return Err(CkanError::BadRequest(
                    "JSON Error: the multipart body is incomplete".into(),
                ));
            }
        };
        let Some(mut field) = next else { break };
        if field.name() == Some("upload") {
            if file.is_none() {
                file = Some(
                    dataset_file::spool(state, &mut field)
                        .await
                        .map_err(upload_refused)?,
                );
            }
            continue;
        }
        let name = field.name().unwrap_or_default().to_owned();
        let text = field.text().await.map_err(|_| {
            CkanError::BadRequest("JSON Error: the multipart body is incomplete".into())
        })?;
        if pairs.len() >= MAX_UPLOAD_FIELDS || text.len() > MAX_UPLOAD_FIELD_BYTES {
            return Err(CkanError::BadRequest(
                "JSON Error: too many parameters".into(),
            ));
        }
        pairs.push((name, text));
    }
    let params = Params::from_pairs(pairs)?;
    let Some(spooled) = file else {
        // No file: a link, as a JSON `resource_create`.
        return resource_create(ctx, &params).await;
    };
    let key = params.text("package_id")?.unwrap_or_default();
    let d = writable(ctx, &key, "package_id").await?;
    let mut name = params.text("name")?.unwrap_or_default();
    if name.trim().is_empty() {
        name = spooled.file_name.clone();
    }
    let (name, description) =
        rules::check_resource_text(&name, &params.text("description")?.unwrap_or_default())
            .map_err(|e| refusals(vec![e]))?;
    let (format, source) = dataset_file::store(state, spooled)
        .await
        .map_err(|_| CkanError::Internal)?
        .map_err(upload_refused)?;
    let new = NewResource {
        name,
        description,
        format: format.code().to_owned(),
        source,
    };
    let actor = actor(ctx, staff);
    let r = datasets::add_resource(&state.store, &actor, d.id, &new).await?;
    let d = datasets::get(&state.store, d.id).await?;
    Ok(dicts::resource(&ctx.base, &d, &r))
}
