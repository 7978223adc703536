//! The CKAN Action API (`/api/3/action/{name}` and `/api/action/{name}`): the open-data
//! catalogue as CKAN clients (ckanapi, CKAN harvesters, the portals' own scripts) expect it,
//! from the same store the portal reads.
//!
//! One dispatcher, [`action`], reads the request as CKAN does — a read action (`side effect
//! free`) from the query string of a GET or the JSON body of a POST, a write only from a POST —
//! calls the action and wraps its answer in CKAN's envelope (`help`, `success`, `result`). A
//! refusal is CKAN's error object with its `__type` and status: `Not Found Error` 404,
//! `Validation Error` 409 (field → list of messages), `Authorization Error` 403, `Search Query
//! Error` 400, and CKAN's own `"Bad request: Action name not known: …"` 400 for an action it
//! does not know. Bad input never reaches a 500: a store failure is `Internal Server Error`.
//!
//! Without a token a client sees published datasets only. A write needs an API token (made by
//! staff in the back office, sent in the `Authorization` header as CKAN's are); the dataset it
//! creates or changes is submitted for review, not published: a reviewer approves it in the
//! back office as every dataset is.
//!
//! `datastore_search` reads the table an uploaded CSV or XLSX resource was loaded into
//! (`store::datastore`, loaded in the background by `jobs::datastore`), for the resources whose
//! files the caller may download.

mod datastore;
mod dicts;
mod params;
mod read;
mod write;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai_domain::role::Permission;
use gongkai_store::datasets::Visibility;
use gongkai_store::users::Staff;
use serde_json::{Map, Value, json};

pub use params::Params;

use crate::site::RequestSite;
use crate::state::AppState;

/// A refusal as CKAN answers it.
#[derive(Debug)]
pub enum CkanError {
    /// `Not Found Error`, 404.
    NotFound(String),
    /// `Validation Error`, 409: each field with its messages.
    Validation(Vec<(String, String)>),
    /// `Authorization Error`, 403.
    Forbidden(String),
    /// `Search Query Error`, 400.
    SearchQuery(String),
    /// A bare 400 whose body is a JSON string (`"Bad request: …"`), as CKAN answers an unknown
    /// action or a body it cannot read.
    BadRequest(String),
    /// `Internal Server Error`, 500: the store failed.
    Internal,
}

impl CkanError {
    /// A validation error of one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![(field.to_owned(), message.into())])
    }
}

impl From<gongkai_store::StoreError> for CkanError {
    fn from(e: gongkai_store::StoreError) -> Self {
        use gongkai_store::StoreError as E;
        match e {
            E::NotFound { what } => Self::NotFound(format!("Not found: {what}")),
            E::Conflict(r) => {
                Self::Validation(vec![(conflict_field(r.code).to_owned(), r.message)])
            }
            E::Domain(d) => {
                Self::Validation(vec![(api_field(d.field()).to_owned(), d.to_string())])
            }
            other => {
                tracing::error!(error = %other, "CKAN action failed");
                Self::Internal
            }
        }
    }
}

/// The API's name of a domain field (`openness` is `open_condition` here, as in `fq`).
pub fn api_field(field: &str) -> &str {
    match field {
        "openness" => "open_condition",
        other => other,
    }
}

fn conflict_field(code: gongkai_domain::ErrorCode) -> &'static str {
    use gongkai_domain::ErrorCode as C;
    match code {
        C::DatasetNameTaken => "name",
        C::DatasetThemeUnknown => "theme",
        C::DatasetTooManyResources => "package_id",
        _ => "message",
    }
}

/// Who calls: a member of staff by their API token, or anyone.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The token's owner.
    pub staff: Option<Staff>,
    /// The organisations of the site where they draft datasets.
    pub draft_orgs: Vec<i64>,
    /// The organisations of the site where they draft or review (what they may read unpublished).
    pub read_orgs: Vec<i64>,
    /// A data-access token (有条件开放) the request carries instead of an API token.
    pub access_token: Option<String>,
}

impl Caller {
    /// Which datasets the caller sees.
    pub fn visibility(&self) -> Visibility {
        match self.staff {
            Some(_) => Visibility::Staff(self.read_orgs.clone()),
            None => Visibility::Published,
        }
    }
}

/// What every action is given.
pub struct Ctx<'a> {
    /// The application.
    pub state: &'a AppState,
    /// The request's site.
    pub site: &'a gongkai_store::orgs::Organisation,
    /// The absolute base of the site's addresses (`https://host[/site/CODE]`).
    pub base: String,
    /// Who calls.
    pub caller: Caller,
    /// The client's address, for the audit log.
    pub ip: String,
}

/// The actions a GET may call: they change nothing.
const READ_ACTIONS: &[&str] = &[
    "status_show",
    "package_list",
    "package_show",
    "package_search",
    "current_package_list_with_resources",
    "organization_list",
    "organization_show",
    "group_list",
    "group_show",
    "tag_list",
    "resource_show",
    "license_list",
    "datastore_search",
];

/// The actions that write.
const WRITE_ACTIONS: &[&str] = &["package_create", "package_patch", "resource_create"];

/// Calls action `name` with `params`.
async fn dispatch(ctx: &Ctx<'_>, name: &str, params: &Params) -> Result<Value, CkanError> {
    match name {
        "status_show" => read::status_show(ctx).await,
        "package_list" => read::package_list(ctx, params).await,
        "package_show" => read::package_show(ctx, params).await,
        "package_search" => read::package_search(ctx, params).await,
        "current_package_list_with_resources" => {
            read::current_package_list_with_resources(ctx, params).await
        }
        "organization_list" => read::organization_list(ctx, params).await,
        "organization_show" => read::organization_show(ctx, params).await,
        "group_list" => read::group_list(ctx, params).await,
        "group_show" => read::group_show(ctx, params).await,
        "tag_list" => read::tag_list(ctx, params).await,
        "resource_show" => read::resource_show(ctx, params).await,
        "license_list" => Ok(dicts::license_list()),
        "package_create" => write::package_create(ctx, params).await,
        "package_patch" => write::package_patch(ctx, params).await,
        "resource_create" => write::resource_create(ctx, params).await,
        "datastore_search" => datastore::datastore_search(ctx, params).await,
        _ => Err(unknown_action(name)),
    }
}

fn unknown_action(name: &str) -> CkanError {
    let shown: String = name.chars().take(100).collect();
    CkanError::BadRequest(format!("Action name not known: {shown}"))
}

/// A JSON answer with CKAN's content type.
fn json_answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json;charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The envelope of a refusal.
fn refusal(help: &str, e: CkanError) -> Response {
    let (status, error) = match e {
        CkanError::BadRequest(message) => {
            return json_answer(
                StatusCode::BAD_REQUEST,
                &Value::String(format!("Bad request: {message}")),
            );
        }
        CkanError::NotFound(message) => (
            StatusCode::NOT_FOUND,
            json!({ "__type": "Not Found Error", "message": message }),
        ),
        CkanError::Forbidden(message) => (
            StatusCode::FORBIDDEN,
            json!({ "__type": "Authorization Error", "message": format!("Access denied: {message}") }),
        ),
        CkanError::SearchQuery(message) => (
            StatusCode::BAD_REQUEST,
            json!({ "__type": "Search Query Error", "message": format!("Search Query is invalid: {message}") }),
        ),
        CkanError::Validation(fields) => {
            let mut error = Map::new();
            for (field, message) in fields {
                let list = error
                    .entry(field)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(l) = list {
                    l.push(Value::String(message));
                }
            }
            error.insert("__type".into(), Value::String("Validation Error".into()));
            (StatusCode::CONFLICT, Value::Object(error))
        }
        CkanError::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "__type": "Internal Server Error", "message": "Internal Server Error" }),
        ),
    };
    json_answer(
        status,
        &json!({ "help": help, "success": false, "error": error }),
    )
}

/// The token a request carries: the `Authorization` header (bare, as CKAN's clients send it,
/// or `Bearer …`), else `X-CKAN-API-Key`.
fn token_of(headers: &HeaderMap) -> Option<String> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .or_else(|| headers.get("x-ckan-api-key"))?
        .to_str()
        .ok()?
        .trim();
    let token = raw.strip_prefix("Bearer ").unwrap_or(raw).trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// The caller a request's token names on `site` (anyone when it carries none, an unknown or a
/// revoked one, or one of a disabled account, as CKAN treats an unknown token).
async fn caller(
    state: &AppState,
    site: &gongkai_store::orgs::Organisation,
    headers: &HeaderMap,
) -> Result<Caller, CkanError> {
    let Some(token) = token_of(headers) else {
        return Ok(Caller::default());
    };
    if token.starts_with(gongkai_store::data_access::TOKEN_PREFIX) {
        return Ok(Caller {
            access_token: Some(token),
            ..Caller::default()
        });
    }
    let Some(user_id) = gongkai_store::datasets::token_user(&state.store, &token).await? else {
        return Ok(Caller::default());
    };
    let staff = gongkai_store::users::by_id(&state.store, user_id).await?;
    if staff.disabled {
        return Ok(Caller::default());
    }
    let in_site = |orgs: Vec<gongkai_store::orgs::Organisation>| -> Vec<i64> {
        orgs.into_iter()
            .filter(|o| o.site_id == site.id)
            .map(|o| o.id)
            .collect()
    };
    let scope = |p| crate::auth::scope(state, &staff, p);
    let draft = in_site(
        scope(Permission::DraftRecords)
            .await
            .map_err(|_| CkanError::Internal)?,
    );
    let review = in_site(
        scope(Permission::ReviewRecords)
            .await
            .map_err(|_| CkanError::Internal)?,
    );
    let mut read = draft.clone();
    read.extend(review.into_iter().filter(|id| !draft.contains(id)));
    Ok(Caller {
        staff: Some(staff),
        draft_orgs: draft,
        read_orgs: read,
        access_token: None,
    })
}

/// Whether a request is `resource_create` with a multipart body: a file upload, read as a
/// stream by `write::resource_upload` rather than into memory.
fn is_upload(name: &str, headers: &HeaderMap) -> bool {
    name == "resource_create"
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// `GET|POST /api/3/action/{name}` and `/api/action/{name}`.
pub async fn action(
    State(state): State<AppState>,
    site: RequestSite,
    Path(name): Path<String>,
    client: crate::client_ip::ClientIp,
    request: axum::extract::Request,
) -> Response {
    let (method, headers, query) = (
        request.method().clone(),
        request.headers().clone(),
        request.uri().query().map(str::to_owned),
    );
    let mut request = Some(request);
    let base = crate::site::site_base_url(&headers, &site);
    let shown: String = crate::view::urls::urlencode(&name.chars().take(100).collect::<String>());
    let help = format!("{base}/api/3/action/help_show?name={shown}");
    let known_read = READ_ACTIONS.contains(&name.as_str());
    if !known_read && !WRITE_ACTIONS.contains(&name.as_str()) {
        return refusal(&help, unknown_action(&name));
    }
    let params = if method == Method::GET || method == Method::HEAD {
        if !known_read {
            return refusal(
                &help,
                CkanError::BadRequest(
                    "JSON Error: Invalid request. Please use POST method for your request".into(),
                ),
            );
        }
        Params::from_query(query.as_deref().unwrap_or_default())
    } else if is_upload(&name, &headers) {
        Ok(Params::default())
    } else {
        // The JSON or form body, to the ordinary limit (the route allows an upload's size).
        let body = request.take().map(|r| r.into_body()).unwrap_or_default();
        match axum::body::to_bytes(body, state.config.max_body_bytes).await {
            Ok(body) => Params::from_body(&headers, &body),
            Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        }
    };
    let params = match params {
        Ok(p) => p,
        Err(e) => return refusal(&help, e),
    };
    let org = match crate::site::require_site(&state, &site).await {
        Ok(org) => org,
        Err(_) => return refusal(&help, CkanError::NotFound("Not found: 站点".into())),
    };
    let caller = match caller(&state, &org, &headers).await {
        Ok(c) => c,
        Err(e) => return refusal(&help, e),
    };
    let ctx = Ctx {
        state: &state,
        site: &org,
        base,
        caller,
        ip: client.0.to_string(),
    };
    let result = match request.take().filter(|_| is_upload(&name, &headers)) {
        Some(request) => write::resource_upload(&ctx, request).await,
        None => dispatch(&ctx, &name, &params).await,
    };
    match result {
        Ok(result) => json_answer(
            StatusCode::OK,
            &json!({ "help": help, "success": true, "result": result }),
        ),
        Err(e) => refusal(&help, e),
    }
}
