//! Drafting a consultation: the form (new and edit), its validation, saving it, and the
//! draft's files.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::consultation::{self as rules, Period};
use gongkai_domain::role::Permission;
use gongkai_domain::time::{form_minute, parse_beijing_minute};
use gongkai_store::StoreError;
use gongkai_store::cases::AttachedFile;
use gongkai_store::consultations::{self, NewConsultation};
use gongkai_store::users::Staff;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::{after, load};
use crate::WebError;
use crate::admin::forms::org_named;
use crate::state::AppState;
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// The draft form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct DraftForm {
    pub(super) org: String,
    pub(super) title: String,
    pub(super) draft_text: String,
    pub(super) background: String,
    pub(super) basis: String,
    pub(super) main_content: String,
    pub(super) contact: String,
    pub(super) opens_at: String,
    pub(super) closes_at: String,
    pub(super) short_reason: String,
}

pub(super) async fn render_form(
    desk: &Desk,
    status: StatusCode,
    form: &DraftForm,
    errors: &FieldErrors,
    action: &str,
) -> Result<Response, WebError> {
    let orgs = desk.scope(Permission::DraftRecords).await?;
    let preview: Vec<Value> = rules::split_articles(&form.draft_text)
        .iter()
        .filter(|u| u.kind == rules::UnitKind::Article)
        .map(|u| context! { label => &u.label })
        .collect();
    desk.page(
        status,
        "admin/consultation_form.html",
        context! {
            form => ser(form), errors => ser(errors), orgs => ser(&orgs), action => action,
            min_days => rules::MIN_PERIOD_DAYS, articles => preview,
        },
    )
    .await
}

/// `GET /admin/zhengji/new`.
pub async fn new_form(desk: Desk) -> Result<Response, WebError> {
    let now = Utc::now();
    let form = DraftForm {
        org: desk.staff.org_code.clone(),
        opens_at: form_minute(now),
        closes_at: form_minute(Period::default_closing(now)),
        ..DraftForm::default()
    };
    let errors = FieldErrors::new();
    render_form(&desk, StatusCode::OK, &form, &errors, NEW_DRAFT).await
}

/// Where the form of a new consultation posts.
const NEW_DRAFT: &str = "/admin/zhengji/new";

pub(super) async fn parse_form(
    state: &AppState,
    staff: &Staff,
    f: &DraftForm,
) -> Result<Result<NewConsultation, FieldErrors>, WebError> {
    let mut e = FieldErrors::new();
    let org = org_named(state, staff, Permission::DraftRecords, &f.org).await?;
    if org.is_none() {
        e.insert("org", ErrorCode::ConsultationOrgRequired);
    }
    let title = f.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        e.insert("title", ErrorCode::ConsultationTitleRequired);
    }
    if f.draft_text.trim().chars().count() < 10 {
        e.insert("draft_text", ErrorCode::ConsultationDraftRequired);
    }
    if f.background.trim().is_empty() {
        e.insert("background", ErrorCode::ConsultationBackgroundRequired);
    }
    if f.basis.trim().is_empty() {
        e.insert("basis", ErrorCode::ConsultationBasisRequired);
    }
    if f.main_content.trim().is_empty() {
        e.insert("main_content", ErrorCode::ConsultationMainContentRequired);
    }
    let opens = parse_beijing_minute(&f.opens_at);
    if opens.is_none() {
        e.insert("opens_at", ErrorCode::ConsultationOpensAtRequired);
    }
    let closes = parse_beijing_minute(&f.closes_at);
    if closes.is_none() {
        e.insert("closes_at", ErrorCode::ConsultationClosesAtRequired);
    }
    let period = match (opens, closes) {
        (Some(o), Some(c)) => Period::parse(o, c, &f.short_reason)
            .map_err(|err| gongkai_domain::error::record_field_error(&mut e, err))
            .ok(),
        _ => None,
    };
    Ok(match (e.is_empty(), org, period) {
        (true, Some(org), Some(period)) => Ok(NewConsultation {
            org_id: org.id,
            title: title.to_owned(),
            draft_text: f.draft_text.trim().to_owned(),
            background: f.background.trim().to_owned(),
            basis: f.basis.trim().to_owned(),
            main_content: f.main_content.trim().to_owned(),
            contact: f.contact.trim().to_owned(),
            period,
        }),
        _ => Err(e),
    })
}

/// `POST /admin/zhengji/new`: creates the draft.
pub async fn create(desk: Desk, Form(f): Form<DraftForm>) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    match parse_form(state, staff, &f).await? {
        Ok(new) => {
            let author = Some(staff.id);
            let id = consultations::create(&state.store, &desk.actor(), author, &new).await?;
            Ok(Redirect::to(&format!("/admin/zhengji/{id}")).into_response())
        }
        Err(errors) => render_form(&desk, StatusCode::BAD_REQUEST, &f, &errors, NEW_DRAFT).await,
    }
}

/// `GET /admin/zhengji/{id}/edit`: the draft form filled in (drafts only).
pub async fn edit_form(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let c = load(&desk.state, &desk.staff, id, Permission::DraftRecords).await?;
    let form = DraftForm {
        org: c.org_code.clone(),
        title: c.title.clone(),
        draft_text: c.draft_text.clone(),
        background: c.background.clone(),
        basis: c.basis.clone(),
        main_content: c.main_content.clone(),
        contact: c.contact.clone(),
        opens_at: form_minute(c.opens_at),
        closes_at: form_minute(c.closes_at),
        short_reason: c.short_reason.clone(),
    };
    let action = format!("/admin/zhengji/{id}/edit");
    render_form(&desk, StatusCode::OK, &form, &FieldErrors::new(), &action).await
}

/// `POST /admin/zhengji/{id}/edit`: saves the draft.
pub async fn update(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<DraftForm>,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    load(state, staff, id, Permission::DraftRecords).await?;
    match parse_form(state, staff, &f).await? {
        Ok(new) => {
            consultations::update_draft(&state.store, &desk.actor(), id, &new).await?;
            Ok(Redirect::to(&format!("/admin/zhengji/{id}")).into_response())
        }
        Err(errors) => {
            let action = format!("/admin/zhengji/{id}/edit");
            render_form(&desk, StatusCode::BAD_REQUEST, &f, &errors, &action).await
        }
    }
}

/// `POST /admin/zhengji/{id}/attachments?csrf_token=…` (multipart): adds an attachment to a draft.
pub async fn upload(
    desk: Desk,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    load(state, staff, id, Permission::DraftRecords).await?;
    let refuse = |refusal: StoreError| after(&desk, id, Err(refusal));
    let bad = |_| WebError::BadRequest(ErrorCode::UploadIncomplete.into());
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = gongkai_domain::files::clean_file_name(field.file_name().unwrap_or("附件"));
        let bytes = field.bytes().await.map_err(bad)?;
        file = Some((name, bytes));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse(StoreError::conflict(ErrorCode::UploadFileRequired)).await;
    };
    let limit = state.config.max_upload_bytes;
    if bytes.len() > limit {
        let limit = crate::view::format::human_size(limit as i64);
        let too_large = StoreError::conflict_with(ErrorCode::UploadTooLarge, &[("limit", &limit)]);
        return refuse(too_large).await;
    }
    let kind = match gongkai_content::sniff(&bytes, &name) {
        Ok(k) if !k.is_archive() || state.config.allow_zip => k,
        Ok(_) => return refuse(StoreError::conflict(ErrorCode::UploadArchiveRefused)).await,
        Err(e) => {
            let refused =
                StoreError::conflict_with(ErrorCode::AttachmentRefused, &[("reason", &e)]);
            return refuse(refused).await;
        }
    };
    let sha256 = gongkai_store::blobs::put(&state.store, &state.config.data_dir, &bytes).await?;
    let f = AttachedFile {
        id: 0,
        sha256,
        file_name: name,
        kind: kind.extension().to_owned(),
        size_bytes: bytes.len() as i64,
    };
    let r = consultations::add_file(&state.store, &desk.actor(), id, &f)
        .await
        .map(|_| ());
    after(&desk, id, r).await
}
