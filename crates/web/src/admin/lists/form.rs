//! A row's form, new and edit: one input per field by its type (a date input, a number, money
//! in yuan with two decimals, a choice, an organisation of the member of staff's scope, a record
//! by 索引号, a file, long text as a textarea), validity, and the version it was read at as a
//! hidden field — a racing edit is refused (`list.row_stale`) and the form shown again as typed.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::typed_list::{Cells, FieldKind, RowStatus, Schema, Validity};
use gongkai_store::StoreError;
use gongkai_store::typed_lists::{self, RowInput};
use minijinja::{Value, context};

use super::{ListScope, OnRow, schema_of};
use crate::WebError;
use crate::admin::desk::Desk;
use crate::admin::forms::{field, parse_pairs};
use crate::templates::ser;
use crate::view::code_labels;

/// The name of a field's input: `cell_<key>`.
fn cell_name(key: &str) -> String {
    format!("cell_{key}")
}

/// The name of an attachment field's file input: `file_<key>`.
fn file_name(key: &str) -> String {
    format!("file_{key}")
}

/// The most text fields a row form carries (every field of the largest schema, validity,
/// version and the token, with room).
const MAX_FORM_FIELDS: usize = gongkai_domain::typed_list::MAX_FIELDS + 16;

/// A row form as posted: its text fields, the files chosen for attachment fields (by field
/// key, not yet stored) and why a file was refused, by field key.
pub(crate) struct Posted {
    pairs: Vec<(String, String)>,
    files: BTreeMap<String, Vec<u8>>,
    file_errors: BTreeMap<String, String>,
}

impl Posted {
    /// Reads the body: URL-encoded within the ordinary limit, or multipart (the token in the
    /// address) whose files are each at most the upload limit, type-checked by content (no
    /// archives) and held until the row is saved.
    pub async fn read(desk: &Desk, request: Request) -> Result<Self, WebError> {
        let state = &desk.state;
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let bytes = axum::body::to_bytes(request.into_body(), state.config.max_body_bytes)
                .await
                .map_err(|_| WebError::BadRequest(ErrorCode::UploadIncomplete.into()))?;
            return Ok(Self {
                pairs: parse_pairs(&bytes),
                files: BTreeMap::new(),
                file_errors: BTreeMap::new(),
            });
        }
        let incomplete = |_| WebError::BadRequest(ErrorCode::UploadIncomplete.into());
        let mut form = Multipart::from_request(request, state)
            .await
            .map_err(|_| WebError::BadRequest(ErrorCode::FormMalformed.into()))?;
        let mut posted = Self {
            pairs: Vec::new(),
            files: BTreeMap::new(),
            file_errors: BTreeMap::new(),
        };
        let limit = state.config.max_upload_bytes;
        let mut text_bytes = 0usize;
        while let Some(mut part) = form.next_field().await.map_err(incomplete)? {
            let name = part.name().unwrap_or_default().to_owned();
            if let Some(key) = name.strip_prefix("file_") {
                let key = key.to_owned();
                let chosen = part.file_name().unwrap_or_default().trim().to_owned();
                let mut bytes = Vec::new();
                let mut too_large = false;
                while let Some(chunk) = part.chunk().await.map_err(incomplete)? {
                    if bytes.len() + chunk.len() > limit {
                        too_large = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if too_large {
                    let msg = ErrorCode::UploadTooLarge
                        .render(&[("limit", &crate::view::format::human_size(limit as i64))]);
                    posted.file_errors.insert(key, msg);
                    continue;
                }
                if bytes.is_empty() {
                    continue;
                }
                let clean = gongkai_domain::files::clean_file_name(&chosen);
                // Sniffing up to the upload limit is CPU work: off the async runtime.
                let sniffed = tokio::task::spawn_blocking(move || {
                    let kind = gongkai_content::sniff(&bytes, &clean);
                    (bytes, kind)
                })
                .await;
                let Ok((bytes, sniffed)) = sniffed else {
                    posted
                        .file_errors
                        .insert(key, ErrorCode::UploadIncomplete.message());
                    continue;
                };
                match sniffed {
                    Ok(kind) if kind.is_archive() => {
                        posted
                            .file_errors
                            .insert(key, ErrorCode::RecordZipRefused.message());
                    }
                    Ok(_) => {
                        posted.files.insert(key, bytes);
                    }
                    Err(e) => {
                        posted.file_errors.insert(key, e.to_string());
                    }
                }
                continue;
            }
            if posted.pairs.len() >= MAX_FORM_FIELDS {
                return Err(WebError::BadRequest(ErrorCode::FormTooManyFields.into()));
            }
            let value = part.text().await.map_err(incomplete)?;
            text_bytes += value.len();
            if text_bytes > state.config.max_body_bytes {
                return Err(WebError::BadRequest(ErrorCode::FormMalformed.into()));
            }
            posted.pairs.push((name, value));
        }
        Ok(posted)
    }

    /// The cells as typed, by field key: an attachment field holds the SHA-256 of a file
    /// chosen in this request, else the one the row has (`current`); text posted for it is
    /// never taken, so no other stored file can be named.
    fn typed(&self, schema: &Schema, current: Option<&Cells>) -> BTreeMap<String, String> {
        schema
            .fields
            .iter()
            .filter_map(|f| {
                let value = match self.files.get(&f.key) {
                    _ if f.kind != FieldKind::Attachment => {
                        field(&self.pairs, &cell_name(&f.key)).to_owned()
                    }
                    Some(bytes) => gongkai_store::blobs::sha256_hex(bytes),
                    None => current
                        .and_then(|c| c.get(&f.key))
                        .cloned()
                        .unwrap_or_default(),
                };
                (!value.trim().is_empty()).then(|| (f.key.clone(), value))
            })
            .collect()
    }
}

/// The form as shown: what was typed (or stored), its validity and version, and the problems.
#[derive(Debug, Default)]
pub(crate) struct Shown {
    typed: BTreeMap<String, String>,
    validity: String,
    version: String,
    errors: BTreeMap<String, String>,
    error: Option<String>,
}

/// The row form page for a list, new (`row` None) or an edit.
async fn render(
    desk: &Desk,
    scope: &ListScope,
    schema: &Schema,
    row: Option<&gongkai_store::typed_lists::ListRow>,
    shown: &Shown,
    status: StatusCode,
) -> Result<Response, WebError> {
    let orgs: Vec<Value> = scope
        .draft
        .iter()
        .map(|o| context! { code => o.code.clone(), name => o.name.clone() })
        .collect();
    let fields: Vec<Value> = schema
        .fields
        .iter()
        .map(|f| {
            let hint = match f.kind {
                FieldKind::Money => "单位：元，可保留两位小数，如 1,234.50",
                FieldKind::Number => "数字，如 12 或 3.5",
                FieldKind::RecordLink => "填写已发布信息的索引号，如 WQX001-2026-000001",
                FieldKind::Attachment => "上传文件（PDF、Word、Excel 或图片）；不选择文件则保留原附件",
                FieldKind::Date => "年-月-日",
                _ => "",
            };
            context! {
                key => f.key.clone(), name => cell_name(&f.key), file => file_name(&f.key),
                label => f.label.clone(), kind => f.kind.code(), required => f.required,
                public => f.public, masking => (f.masking != gongkai_domain::typed_list::Masking::None).then(|| f.masking.label()),
                options => f.options.clone(), hint => hint,
                value => shown.typed.get(&f.key).cloned().unwrap_or_default(),
                error => shown.errors.get(&f.key),
            }
        })
        .collect();
    let action = match row {
        Some(r) => format!("/admin/lists/{}/{}/edit", schema.code, r.id),
        None => format!("/admin/lists/{}/new", schema.code),
    };
    desk.page(
        status,
        "admin/list_row_form.html",
        context! {
            list => context! { code => schema.code.clone(), name => schema.name.clone() },
            row => row.map(|r| context! { id => r.id, title => r.title.clone(), published => r.status != RowStatus::Draft }),
            action => action, fields => fields, orgs => orgs,
            validities => ser(&code_labels!(Validity::ALL)),
            validity => shown.validity.clone(), version => shown.version.clone(),
            error => shown.error.clone(), errors => !shown.errors.is_empty(),
        },
    )
    .await
}

/// `GET /admin/lists/{type}/new`: an empty row form.
pub async fn new_form(desk: Desk, Path(code): Path<String>) -> Result<Response, WebError> {
    let scope = ListScope::drafting(&desk).await?;
    let schema = schema_of(&desk, scope.site_id, &code).await?;
    let shown = Shown {
        validity: Validity::Valid.code().to_owned(),
        ..Shown::default()
    };
    render(&desk, &scope, &schema, None, &shown, StatusCode::OK).await
}

/// What a save needs checked: the cells, or the form again with each field's problem.
fn check(
    schema: &Schema,
    posted: &Posted,
    current: Option<&Cells>,
) -> (Shown, Option<(Cells, Validity)>) {
    let typed = posted.typed(schema, current);
    let mut shown = Shown {
        validity: field(&posted.pairs, "validity").to_owned(),
        version: field(&posted.pairs, "version").to_owned(),
        errors: posted.file_errors.clone(),
        ..Shown::default()
    };
    let validity = Validity::parse(&shown.validity).unwrap_or(Validity::Valid);
    let cells = match schema.check_row(&typed) {
        Ok(cells) => Some(cells),
        Err(problems) => {
            for p in problems {
                shown.errors.entry(p.key).or_insert(p.message);
            }
            None
        }
    };
    shown.typed = typed;
    if !shown.errors.is_empty() {
        shown.error = Some(ErrorCode::ListRowFormInvalid.message());
        return (shown, None);
    }
    (shown, cells.map(|c| (c, validity)))
}

/// Writes the files chosen for the schema's attachment fields once the row is valid
/// (content-addressed: the cell already names each by its SHA-256); a file posted under any
/// other name is not stored.
async fn store_files(desk: &Desk, schema: &Schema, posted: &Posted) -> Result<(), WebError> {
    for f in schema
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Attachment)
    {
        if let Some(bytes) = posted.files.get(&f.key) {
            gongkai_store::blobs::put(&desk.state.store, &desk.state.config.data_dir, bytes)
                .await?;
        }
    }
    Ok(())
}

/// A store refusal of a save as a message on the form, with its status; other failures end
/// the request.
fn refusal(e: StoreError) -> Result<(StatusCode, String), WebError> {
    match e {
        StoreError::Conflict(r) => Ok((StatusCode::CONFLICT, r.message)),
        StoreError::Domain(e) => Ok((StatusCode::CONFLICT, e.to_string())),
        e => Err(e.into()),
    }
}

/// `POST /admin/lists/{type}/new`: saves a new row as the member of staff's draft (filed under
/// its first organisation cell, else their organisation), or the form again with every problem.
pub async fn create(
    desk: Desk,
    Path(code): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    let scope = ListScope::drafting(&desk).await?;
    let schema = schema_of(&desk, scope.site_id, &code).await?;
    let posted = Posted::read(&desk, request).await?;
    let (mut shown, checked) = check(&schema, &posted, None);
    let Some((cells, validity)) = checked else {
        return render(
            &desk,
            &scope,
            &schema,
            None,
            &shown,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    store_files(&desk, &schema, &posted).await?;
    let ids = scope.draft_ids();
    let input = RowInput {
        schema: &schema,
        cells: &cells,
        validity,
        default_org: desk.staff.org_id,
        scope: Some(&ids),
    };
    let saved = typed_lists::create(
        &desk.state.store,
        &desk.actor(),
        Some(desk.staff.id),
        scope.site_id,
        &input,
    )
    .await;
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/admin/lists/{code}/{id}")).into_response()),
        Err(e) => {
            let (status, message) = refusal(e)?;
            shown.error = Some(message);
            render(&desk, &scope, &schema, None, &shown, status).await
        }
    }
}

/// `GET /admin/lists/{type}/{id}/edit`: the row's form with its cells as typed (money in
/// yuan) and the version it was read at.
pub async fn edit_form(
    desk: Desk,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let on = OnRow::open(
        desk,
        &code,
        id,
        gongkai_domain::role::Permission::DraftRecords,
    )
    .await?;
    let shown = Shown {
        typed: on.schema.typed_form(&on.row.cells),
        validity: on.row.validity.code().to_owned(),
        version: on.row.version.to_string(),
        ..Shown::default()
    };
    render(
        &on.desk,
        &on.scope,
        &on.schema,
        Some(&on.row),
        &shown,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/lists/{type}/{id}/edit`: saves the edit made on the posted version; a row
/// changed since is refused with the reason and the form as typed (409).
pub async fn update(
    desk: Desk,
    Path((code, id)): Path<(String, i64)>,
    request: Request,
) -> Result<Response, WebError> {
    let on = OnRow::open(
        desk,
        &code,
        id,
        gongkai_domain::role::Permission::DraftRecords,
    )
    .await?;
    let posted = Posted::read(&on.desk, request).await?;
    let (mut shown, checked) = check(&on.schema, &posted, Some(&on.row.cells));
    let Some((cells, validity)) = checked else {
        return render(
            &on.desk,
            &on.scope,
            &on.schema,
            Some(&on.row),
            &shown,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let Ok(version) = shown.version.trim().parse::<i64>() else {
        shown.error = Some(ErrorCode::ListRowStale.message());
        return render(
            &on.desk,
            &on.scope,
            &on.schema,
            Some(&on.row),
            &shown,
            StatusCode::CONFLICT,
        )
        .await;
    };
    store_files(&on.desk, &on.schema, &posted).await?;
    let ids = on.scope.draft_ids();
    let input = RowInput {
        schema: &on.schema,
        cells: &cells,
        validity,
        default_org: on.row.org_id,
        scope: Some(&ids),
    };
    let saved = typed_lists::update(
        &on.desk.state.store,
        &on.desk.actor(),
        on.desk.staff.id,
        on.scope.site_id,
        id,
        version,
        &input,
    )
    .await;
    match saved {
        Ok(()) => Ok(Redirect::to(&on.url()).into_response()),
        Err(e) => {
            let (status, message) = refusal(e)?;
            shown.error = Some(message);
            render(
                &on.desk,
                &on.scope,
                &on.schema,
                Some(&on.row),
                &shown,
                status,
            )
            .await
        }
    }
}
