//! Drafting a record: the form (new and edit), its validation into content, and saving it.

use crate::admin::desk::Desk;
use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::catalogue;
use gongkai_domain::record::{
    Disclosure, ExemptionGround, GENRES, InterpretationForm, RecordInput, RecordKind, RecordMeta,
    RecordStatus, Validity,
};
use gongkai_domain::role::Permission;
use gongkai_domain::screening::Finding;
use gongkai_domain::time::beijing_date;
use gongkai_store::StoreError;
use gongkai_store::records::{self, Content, Record};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::{OnRecord, site_themes};
use crate::WebError;
use crate::admin::forms::{field, org_named, parse_pairs, repeated};
use crate::forms::{FieldRefusals, saved};
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;
use gongkai_domain::FieldErrors;

/// The record form as typed, so it can be shown again with its errors.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct RecordForm {
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) org: String,
    pub(super) doc_number: String,
    pub(super) written_on: String,
    pub(super) theme: String,
    pub(super) genre: String,
    pub(super) keywords: String,
    pub(super) source: String,
    pub(super) summary: String,
    pub(super) validity: String,
    pub(super) body: String,
    /// Column slugs (a repeated form field, read by `from_pairs`).
    pub(super) columns: Vec<String>,
    pub(super) interprets: String,
    pub(super) interpretation_form: String,
    pub(super) change_note: String,
    /// 公开方式 choices (a repeated form field).
    pub(super) disclosure_method: Vec<String>,
    /// The written justification for publishing a correction that screening flagged.
    pub(super) screening_note: String,
}

impl RecordForm {
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| field(pairs, name).to_owned();
        Self {
            title: get("title"),
            kind: get("kind"),
            org: get("org"),
            doc_number: get("doc_number"),
            written_on: get("written_on"),
            theme: get("theme"),
            genre: get("genre"),
            keywords: get("keywords"),
            source: get("source"),
            summary: get("summary"),
            validity: get("validity"),
            body: get("body"),
            columns: repeated(pairs, "columns"),
            interprets: get("interprets"),
            interpretation_form: get("interpretation_form"),
            change_note: get("change_note"),
            disclosure_method: repeated(pairs, "disclosure_method"),
            screening_note: get("screening_note"),
        }
    }

    fn from_record(r: &Record, org_code: &str, interprets: Option<String>) -> Self {
        Self {
            title: r.title.clone(),
            kind: r.kind.code().to_owned(),
            org: org_code.to_owned(),
            doc_number: r.doc_number.clone(),
            written_on: r.written_on.map(|d| d.to_string()).unwrap_or_default(),
            theme: r.theme.clone(),
            genre: r.genre.clone(),
            keywords: r.keywords.clone(),
            source: r.source.clone(),
            summary: r.summary.clone(),
            validity: r.validity.code().to_owned(),
            body: r.body_html.clone(),
            columns: r.columns.clone(),
            interprets: interprets.unwrap_or_default(),
            interpretation_form: r
                .interpretation_form
                .map(|f| f.code().to_owned())
                .unwrap_or_default(),
            change_note: String::new(),
            disclosure_method: r.disclosure_method.split('、').map(str::to_owned).collect(),
            screening_note: String::new(),
        }
    }
}

/// The multipart field of the record form that carries a Word file to import as the body.
const BODY_FILE: &str = "body_file";

/// The record form as posted: URL-encoded, or multipart (with the `?csrf_token=` in the
/// address) when the browser sends the 以 Word 文件导入正文 field along.
pub(super) struct Posted {
    pairs: Vec<(String, String)>,
    /// The Word file chosen as the body, with its (cleaned) name, if one was chosen.
    body_file: Option<(String, Vec<u8>)>,
    /// Why the file could not be taken (too large, cut off).
    file_error: Option<gongkai_domain::error::Refusal>,
}

impl Posted {
    /// Reads the request body: a URL-encoded form within the ordinary body limit, or a
    /// multipart form whose file may be as large as an attachment.
    pub(super) async fn read(state: &AppState, request: Request) -> Result<Self, WebError> {
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
                body_file: None,
                file_error: None,
            });
        }
        let incomplete = |_| WebError::BadRequest(ErrorCode::UploadIncomplete.into());
        let mut form = Multipart::from_request(request, state)
            .await
            .map_err(|_| WebError::BadRequest(ErrorCode::FormMalformed.into()))?;
        let mut posted = Self {
            pairs: Vec::new(),
            body_file: None,
            file_error: None,
        };
        let limit = state.config.max_upload_bytes;
        let mut text_bytes = 0usize;
        while let Some(mut field) = form.next_field().await.map_err(incomplete)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == BODY_FILE {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(incomplete)? {
                    if bytes.len() + chunk.len() > limit {
                        posted.file_error =
                            Some(ErrorCode::UploadTooLarge.refusal(&[(
                                "limit",
                                &crate::view::format::human_size(limit as i64),
                            )]));
                        bytes.clear();
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !bytes.is_empty() {
                    let file_name = gongkai_domain::files::clean_file_name(&file_name);
                    posted.body_file = Some((file_name, bytes));
                }
                continue;
            }
            let value = field.text().await.map_err(incomplete)?;
            text_bytes += value.len();
            if text_bytes > state.config.max_body_bytes {
                return Err(WebError::BadRequest(ErrorCode::FormMalformed.into()));
            }
            posted.pairs.push((name, value));
        }
        Ok(posted)
    }

    /// The form as typed, with the Word file (if any) converted into its body: the converted
    /// body replaces what was typed, and the document's 文号 fills an empty 文号 field. A file
    /// that cannot be read is a refusal on the body field.
    pub(super) async fn into_form(self, errors: &mut FieldErrors) -> RecordForm {
        let mut form = RecordForm::from_pairs(&self.pairs);
        if let Some(refusal) = self.file_error {
            errors.insert("body", refusal);
        }
        let Some((name, bytes)) = self.body_file else {
            return form;
        };
        let converted =
            tokio::task::spawn_blocking(move || gongkai_content::docx_to_html(&bytes, &name)).await;
        match converted {
            Ok(Ok(doc)) => {
                form.body = doc.html;
                if form.doc_number.trim().is_empty()
                    && let Some(number) = doc.doc_number
                {
                    form.doc_number = number;
                }
            }
            Ok(Err(e)) => {
                errors.insert(
                    "body",
                    ErrorCode::AttachmentRefused.refusal(&[("reason", &e.to_string())]),
                );
            }
            Err(_) => {
                errors.insert("body", ErrorCode::UploadIncomplete);
            }
        }
        form
    }
}

/// Validates the form into content, collecting field errors. `themes` is the site's theme
/// tree: a 主题分类 must be one of it.
pub(super) async fn content_from_form(
    state: &AppState,
    form: &RecordForm,
    themes: &[catalogue::Theme],
    errors: &mut FieldErrors,
) -> Result<Option<Content>, WebError> {
    let today = beijing_date(Utc::now());
    let disclosure_method = form.disclosure_method.join("、");
    let input = RecordInput {
        title: &form.title,
        kind: &form.kind,
        doc_number: &form.doc_number,
        written_on: &form.written_on,
        theme: &form.theme,
        genre: &form.genre,
        keywords: &form.keywords,
        source: &form.source,
        summary: &form.summary,
        validity: &form.validity,
        disclosure_method: &disclosure_method,
    };
    let meta = match RecordMeta::parse(&input, today) {
        Ok(m) => Some(m),
        Err(errs) => {
            for e in errs {
                gongkai_domain::error::record_field_error(errors, e);
            }
            None
        }
    };
    let theme = form.theme.trim();
    if !theme.is_empty() && !themes.iter().any(|t| t.code == theme) {
        errors.insert("theme", ErrorCode::RecordThemeRequired);
    }
    let body_html = gongkai_content::body_html(&form.body);
    let body_text = gongkai_content::html_to_text(&body_html);
    // A Word file that could not be read has already said why the body is missing.
    if body_text.trim().is_empty() && errors.get("body").is_none() {
        errors.insert("body", ErrorCode::RecordBodyRequired);
    }
    let columns: Vec<String> = form
        .columns
        .iter()
        .filter(|c| catalogue::column(c).is_some())
        .cloned()
        .collect();
    if columns.is_empty() {
        errors.insert("columns", ErrorCode::RecordColumnsRequired);
    }
    let mut interprets_id = None;
    let mut interpretation_form = None;
    if meta
        .as_ref()
        .is_some_and(|m| m.kind == RecordKind::Interpretation)
    {
        match gongkai_domain::index_no::IndexNo::parse(&form.interprets) {
            Ok(no) => match records::by_index_no(&state.store, &no).await {
                Ok(p) if p.status == RecordStatus::Published => interprets_id = Some(p.id),
                _ => {
                    errors.insert("interprets", ErrorCode::RecordInterpretedNotFound);
                }
            },
            Err(_) => {
                errors.insert("interprets", ErrorCode::RecordInterpretedRequired);
            }
        }
        interpretation_form = Some(
            InterpretationForm::parse(&form.interpretation_form)
                .unwrap_or(InterpretationForm::Text),
        );
    }
    Ok(match meta {
        Some(meta) if errors.is_empty() => Some(Content {
            meta,
            body_html,
            body_text,
            columns,
            interprets_id,
            interpretation_form,
        }),
        _ => None,
    })
}

pub(super) fn choices(themes: &[catalogue::Theme]) -> Value {
    let kinds = code_labels!(RecordKind::ALL);
    let validities = code_labels!(Validity::ALL);
    let forms = code_labels!(InterpretationForm::ALL);
    let grounds = code_labels!(ExemptionGround::ALL);
    let disclosures = code_labels!(Disclosure::ALL);
    let columns: Vec<_> = catalogue::COLUMNS
        .iter()
        .map(|c| (c.slug, c.name, c.parent.is_some()))
        .collect();
    let methods = gongkai_domain::record::DISCLOSURE_METHODS;
    let themes: Vec<_> = themes
        .iter()
        .map(|t| (t.code.clone(), t.name.clone(), t.parent.is_some()))
        .collect();
    context! {
        kinds => ser(&kinds), validities => ser(&validities), forms => ser(&forms), grounds => ser(&grounds),
        disclosures => ser(&disclosures), columns => ser(&columns), themes => ser(&themes), genres => ser(GENRES),
        methods => ser(methods),
    }
}

/// Where a record form posts and what it is called.
pub(super) struct FormTarget {
    action: String,
    heading: &'static str,
}

impl FormTarget {
    /// The form of a new draft.
    fn new_draft() -> Self {
        Self {
            action: "/admin/records/new".into(),
            heading: "起草信息",
        }
    }

    /// The form of the draft `id`.
    fn draft(id: i64) -> Self {
        Self {
            action: format!("/admin/records/{id}"),
            heading: "修改草稿",
        }
    }

    /// The form of a correction of the published record `id`.
    pub(super) fn correction(id: i64) -> Self {
        Self {
            action: format!("/admin/records/{id}/revise"),
            heading: "提交更正",
        }
    }
}

pub(super) async fn render_form(
    desk: &Desk,
    status: StatusCode,
    form: &RecordForm,
    errors: &FieldErrors,
    target: FormTarget,
) -> Result<Response, WebError> {
    render_form_with_findings(desk, status, form, errors, target, &[]).await
}

/// The record form, with the screening findings of a correction that needs a justification.
pub(super) async fn render_form_with_findings(
    desk: &Desk,
    status: StatusCode,
    form: &RecordForm,
    errors: &FieldErrors,
    target: FormTarget,
    findings: &[Finding],
) -> Result<Response, WebError> {
    let orgs_list = desk.scope(Permission::DraftRecords).await?;
    let themes = site_themes(&desk.state, desk.staff.org_id).await?;
    desk.page(
        status,
        "admin/record_form.html",
        context! {
            form => ser(form), errors => ser(errors), orgs => ser(&orgs_list), choices => choices(&themes),
            action => &target.action, heading => target.heading,
            revising => target.action.ends_with("/revise"), findings => ser(findings),
        },
    )
    .await
}

/// `GET /admin/records/new`.
pub async fn new_form(desk: Desk) -> Result<Response, WebError> {
    let form = RecordForm {
        org: desk.staff.org_code.clone(),
        kind: RecordKind::Notice.code().into(),
        validity: Validity::Valid.code().into(),
        disclosure_method: vec![gongkai_domain::record::DEFAULT_DISCLOSURE_METHOD.into()],
        ..RecordForm::default()
    };
    let errors = FieldErrors::new();
    render_form(
        &desk,
        StatusCode::OK,
        &form,
        &errors,
        FormTarget::new_draft(),
    )
    .await
}

/// `POST /admin/records/new`: creates a draft (URL-encoded, or multipart with a Word file as
/// the body).
pub async fn create(desk: Desk, request: Request) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    let mut errors = FieldErrors::new();
    let form = Posted::read(state, request)
        .await?
        .into_form(&mut errors)
        .await;
    let org_id = org_named(state, staff, Permission::DraftRecords, &form.org)
        .await?
        .map(|o| o.id);
    if org_id.is_none() {
        errors.insert("org", ErrorCode::RecordOrgRequired);
    }
    let themes = site_themes(state, org_id.unwrap_or(staff.org_id)).await?;
    let content = content_from_form(state, &form, &themes, &mut errors).await?;
    if let (Some(org_id), Some(content)) = (org_id, content) {
        let actor = desk.actor();
        let created = records::create_draft(&state.store, &actor, staff.id, org_id, &content).await;
        if let Some(r) = saved(created, &mut errors, FieldRefusals::conflict("doc_number"))? {
            return Ok(Redirect::to(&format!("/admin/records/{}", r.id)).into_response());
        }
    }
    render_form(
        &desk,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        FormTarget::new_draft(),
    )
    .await
}

/// `POST /admin/records/{id}`: saves a draft (URL-encoded, or multipart with a Word file as
/// the body).
pub async fn update(
    desk: Desk,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let mut errors = FieldErrors::new();
    let form = Posted::read(state, request)
        .await?
        .into_form(&mut errors)
        .await;
    let themes = site_themes(state, rec.r.org_id).await?;
    let content = content_from_form(state, &form, &themes, &mut errors).await?;
    if let Some(content) = content {
        let actor = rec.desk.actor();
        let updated =
            match records::update_draft(&state.store, &actor, staff.id, id, &content).await {
                Err(StoreError::Domain(e)) => return Err(WebError::Conflict(e.into())),
                other => other,
            };
        if saved(updated, &mut errors, FieldRefusals::conflict("doc_number"))?.is_some() {
            return Ok(Redirect::to(&format!("/admin/records/{id}")).into_response());
        }
    }
    render_form(
        &rec.desk,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        FormTarget::draft(id),
    )
    .await
}

/// `GET /admin/records/{id}/edit`: the draft's form.
pub async fn edit_form(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let (r, state, staff) = (&rec.r, &rec.desk.state, &rec.desk.staff);
    let interprets = match r.interprets_id {
        Some(pid) => records::get(&state.store, pid).await?.index_no,
        None => None,
    };
    // A returned correction is changed where it stands, not started again from the public text.
    let returned = match gongkai_store::corrections::open_of(&state.store, id).await? {
        Some(c) if r.status == RecordStatus::Published && c.author_id == staff.id => {
            Some(c.applied_to(r))
        }
        _ => None,
    };
    let mut form = RecordForm::from_record(returned.as_ref().unwrap_or(r), &r.org_code, interprets);
    if let Some(c) = &returned {
        form.change_note = c.change_note.clone();
    }
    let target = if r.status == RecordStatus::Published {
        FormTarget::correction(id)
    } else {
        FormTarget::draft(id)
    };
    render_form(
        &rec.desk,
        StatusCode::OK,
        &form,
        &FieldErrors::new(),
        target,
    )
    .await
}
