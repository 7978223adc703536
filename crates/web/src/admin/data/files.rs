//! A dataset's resources in the back office: an uploaded file (CSV, XLSX, JSON or PDF, checked
//! by content, streamed to the data folder under the dataset upload limit — see
//! `forms::dataset_file`) or a link. Adding one sends a submitted or published dataset (back)
//! to review; an uploaded table is loaded by the background loader, whose progress the
//! dataset's page shows.

use axum::Form;
use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::ErrorCode;
use gongkai_domain::dataset as rules;
use gongkai_domain::role::Permission;
use gongkai_store::datasets::{self, NewResource, Source};
use serde::Deserialize;

use super::OnDataset;
use crate::WebError;
use crate::admin::desk::Desk;
use crate::forms::dataset_file::{self, Refused};

/// The most text fields (and their bytes) the upload form may carry beside its file.
const MAX_FIELDS: usize = 16;
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// `POST /admin/data/{id}/resources?csrf_token=…` (multipart: `name`, `description`, `file`):
/// uploads a file as a new resource of the dataset.
pub async fn upload(
    desk: Desk,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, WebError> {
    let on = OnDataset::open(desk, id, Permission::DraftRecords).await?;
    let state = on.desk.state.clone();
    if dataset_file::declared_too_large(&state, request.headers()) {
        let no = Refused::too_large(&state);
        return on.show(no.status, Some(no.message)).await;
    }
    let mut form = Multipart::from_request(request, &state)
        .await
        .map_err(|_| WebError::BadRequest(ErrorCode::FormMalformed.into()))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file = None;
    loop {
        let next = match form.next_field().await {
            Ok(next) => next,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let no = Refused::too_large(&state);
                return on.show(no.status, Some(no.message)).await;
            }
            Err(_) => return Err(WebError::BadRequest(ErrorCode::UploadIncomplete.into())),
        };
        let Some(mut field) = next else { break };
        if field.name() == Some("file") {
            if file.is_some() {
                continue;
            }
            match dataset_file::spool(&state, &mut field).await {
                Ok(spooled) => file = Some(spooled),
                Err(no) => return on.show(no.status, Some(no.message)).await,
            }
            continue;
        }
        let name = field.name().unwrap_or_default().to_owned();
        let text = field
            .text()
            .await
            .map_err(|_| WebError::BadRequest(ErrorCode::UploadIncomplete.into()))?;
        if fields.len() >= MAX_FIELDS || text.len() > MAX_FIELD_BYTES {
            return Err(WebError::BadRequest(ErrorCode::FormMalformed.into()));
        }
        fields.push((name, text));
    }
    let Some(spooled) = file else {
        let message = ErrorCode::UploadFileRequired.message();
        return on.show(StatusCode::BAD_REQUEST, Some(message)).await;
    };
    let get = |k: &str| crate::admin::forms::field(&fields, k).to_owned();
    let mut name = get("name");
    if name.trim().is_empty() {
        name = spooled
            .file_name
            .rsplit_once('.')
            .map_or(spooled.file_name.as_str(), |(stem, _)| stem)
            .to_owned();
    }
    let (name, description) = match rules::check_resource_text(&name, &get("description")) {
        Ok(checked) => checked,
        Err(e) => return on.show(StatusCode::BAD_REQUEST, Some(e.to_string())).await,
    };
    let (format, source) = match dataset_file::store(&state, spooled).await? {
        Ok(stored) => stored,
        Err(no) => return on.show(no.status, Some(no.message)).await,
    };
    let new = NewResource {
        name,
        description,
        format: format.code().to_owned(),
        source,
    };
    let result = datasets::add_resource(&state.store, &on.desk.actor(), id, &new).await;
    on.after(result, StatusCode::CONFLICT).await
}

/// The link form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    url: String,
    name: String,
    format: String,
    description: String,
}

/// `POST /admin/data/{id}/links`: adds a link as a new resource of the dataset.
pub async fn add_link(
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<LinkForm>,
) -> Result<Response, WebError> {
    let on = OnDataset::open(desk, id, Permission::DraftRecords).await?;
    let checked = rules::parse_link(&form.url).and_then(|url| {
        let format = rules::parse_format(&form.format)?;
        let (name, description) = rules::check_resource_text(&form.name, &form.description)?;
        Ok(NewResource {
            name,
            description,
            format,
            source: Source::Link(url),
        })
    });
    let new = match checked {
        Ok(new) => new,
        Err(e) => return on.show(StatusCode::BAD_REQUEST, Some(e.to_string())).await,
    };
    let result = datasets::add_resource(&on.desk.state.store, &on.desk.actor(), id, &new).await;
    on.after(result, StatusCode::CONFLICT).await
}
