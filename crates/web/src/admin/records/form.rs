//! Drafting a record: the form (new and edit), its validation into content, and saving it.

use crate::admin::desk::Desk;
use axum::extract::Path;
use axum::http::StatusCode;
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
use gongkai_store::records::{self, Content, Record};
use gongkai_store::users::Staff;
use gongkai_store::{Actor, StoreError};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::{load_visible, site_themes};
use crate::WebError;
use crate::auth::{check_in, scope};
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// The record form as typed, so it can be shown again with its errors.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct RecordForm {
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) org: String,
    #[serde(default)]
    pub(super) doc_number: String,
    #[serde(default)]
    pub(super) written_on: String,
    #[serde(default)]
    pub(super) theme: String,
    #[serde(default)]
    pub(super) genre: String,
    #[serde(default)]
    pub(super) keywords: String,
    #[serde(default)]
    pub(super) source: String,
    #[serde(default)]
    pub(super) summary: String,
    #[serde(default)]
    pub(super) validity: String,
    #[serde(default)]
    pub(super) body: String,
    /// Column slugs (a repeated form field, read by `from_pairs`).
    #[serde(default)]
    pub(super) columns: Vec<String>,
    #[serde(default)]
    pub(super) interprets: String,
    #[serde(default)]
    pub(super) interpretation_form: String,
    #[serde(default)]
    pub(super) change_note: String,
    /// 公开方式 choices (a repeated form field).
    #[serde(default)]
    pub(super) disclosure_method: Vec<String>,
    /// The written justification for publishing a correction that screening flagged.
    #[serde(default)]
    pub(super) screening_note: String,
}

impl RecordForm {
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
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
            columns: pairs
                .iter()
                .filter(|(k, _)| k == "columns")
                .map(|(_, v)| v.clone())
                .collect(),
            interprets: get("interprets"),
            interpretation_form: get("interpretation_form"),
            change_note: get("change_note"),
            disclosure_method: pairs
                .iter()
                .filter(|(k, _)| k == "disclosure_method")
                .map(|(_, v)| v.clone())
                .collect(),
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

pub(super) fn parse_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
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
    let body_html = gongkai_content::sanitize_html(&form.body);
    let body_text = gongkai_content::html_to_text(&body_html);
    if body_text.trim().is_empty() {
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
    let kinds: Vec<_> = RecordKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let validities: Vec<_> = Validity::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let forms: Vec<_> = InterpretationForm::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let grounds: Vec<_> = ExemptionGround::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let disclosures: Vec<_> = Disclosure::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
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
pub(super) struct FormTarget<'a> {
    pub(super) action: &'a str,
    pub(super) heading: &'a str,
}

pub(super) async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    status: StatusCode,
    form: &RecordForm,
    errors: &FieldErrors,
    target: FormTarget<'_>,
) -> Result<Response, WebError> {
    render_form_with_findings(state, ctx, staff, status, form, errors, target, &[]).await
}

/// The record form, with the screening findings of a correction that needs a justification.
#[allow(clippy::too_many_arguments)]
pub(super) async fn render_form_with_findings(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    status: StatusCode,
    form: &RecordForm,
    errors: &FieldErrors,
    target: FormTarget<'_>,
    findings: &[Finding],
) -> Result<Response, WebError> {
    let orgs_list = scope(state, staff, Permission::DraftRecords).await?;
    state
        .page_with_status(
            ctx,
            status,
            "admin/record_form.html",
            context! {
                form => ser(form), errors => ser(errors), orgs => ser(&orgs_list), choices => choices(&site_themes(state, staff.org_id).await?),
                action => target.action, heading => target.heading,
                revising => target.action.ends_with("/revise"), findings => ser(findings),
            },
        )
        .await
}

/// `GET /admin/records/new`.
pub async fn new_form(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let form = RecordForm {
        org: staff.org_code.clone(),
        kind: RecordKind::Notice.code().into(),
        validity: Validity::Valid.code().into(),
        disclosure_method: vec![gongkai_domain::record::DEFAULT_DISCLOSURE_METHOD.into()],
        ..RecordForm::default()
    };
    render_form(
        &state,
        &ctx,
        &staff,
        StatusCode::OK,
        &form,
        &FieldErrors::new(),
        FormTarget {
            action: "/admin/records/new",
            heading: "起草信息",
        },
    )
    .await
}

pub(super) async fn org_for_form(
    state: &AppState,
    staff: &Staff,
    form: &RecordForm,
    errors: &mut FieldErrors,
) -> Result<Option<i64>, WebError> {
    let allowed = scope(state, staff, Permission::DraftRecords).await?;
    let found = allowed
        .iter()
        .find(|o| o.code.eq_ignore_ascii_case(form.org.trim()));
    if found.is_none() {
        errors.insert("org", ErrorCode::RecordOrgRequired);
    }
    Ok(found.map(|o| o.id))
}

/// `POST /admin/records/new`: creates a draft.
pub async fn create(
    Desk { state, ctx, staff, ip }: Desk,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let form = RecordForm::from_pairs(&parse_pairs(&body));
    let mut errors = FieldErrors::new();
    let org_id = org_for_form(&state, &staff, &form, &mut errors).await?;
    let themes = site_themes(&state, org_id.unwrap_or(staff.org_id)).await?;
    let content = content_from_form(&state, &form, &themes, &mut errors).await?;
    if let (Some(org_id), Some(content)) = (org_id, content) {
        match records::create_draft(
            &state.store,
            &Actor::user(&staff.username, &ip),
            staff.id,
            org_id,
            &content,
        )
        .await
        {
            Ok(r) => return Ok(Redirect::to(&format!("/admin/records/{}", r.id)).into_response()),
            Err(StoreError::Conflict(msg)) => {
                errors.insert("doc_number", msg);
            }
            Err(e) => return Err(e.into()),
        }
    }
    render_form(
        &state,
        &ctx,
        &staff,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        FormTarget {
            action: "/admin/records/new",
            heading: "起草信息",
        },
    )
    .await
}

/// `POST /admin/records/{id}`: saves a draft.
pub async fn update(
    Desk { state, ctx, staff, ip }: Desk,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let form = RecordForm::from_pairs(&parse_pairs(&body));
    let mut errors = FieldErrors::new();
    let themes = site_themes(&state, r.org_id).await?;
    let content = content_from_form(&state, &form, &themes, &mut errors).await?;
    if let Some(content) = content {
        match records::update_draft(
            &state.store,
            &Actor::user(&staff.username, &ip),
            staff.id,
            r.id,
            &content,
        )
        .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/admin/records/{id}")).into_response()),
            Err(StoreError::Conflict(msg)) => {
                errors.insert("doc_number", msg);
            }
            Err(StoreError::Domain(e)) => return Err(WebError::Conflict(e.into())),
            Err(e) => return Err(e.into()),
        }
    }
    let action = format!("/admin/records/{id}");
    render_form(
        &state,
        &ctx,
        &staff,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        FormTarget {
            action: &action,
            heading: "修改草稿",
        },
    )
    .await
}

/// `GET /admin/records/{id}/edit`: the draft's form.
pub async fn edit_form(
    Desk { state, ctx, staff, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let interprets = match r.interprets_id {
        Some(pid) => records::get(&state.store, pid).await?.index_no,
        None => None,
    };
    // A returned correction is changed where it stands, not started again from the public text.
    let returned = match gongkai_store::corrections::open_of(&state.store, id).await? {
        Some(c) if r.status == RecordStatus::Published && c.author_id == staff.id => {
            Some(c.applied_to(&r))
        }
        _ => None,
    };
    let mut form =
        RecordForm::from_record(returned.as_ref().unwrap_or(&r), &r.org_code, interprets);
    if let Some(c) = &returned {
        form.change_note = c.change_note.clone();
    }
    let (action, heading) = if r.status == RecordStatus::Published {
        (format!("/admin/records/{id}/revise"), "提交更正")
    } else {
        (format!("/admin/records/{id}"), "修改草稿")
    };
    render_form(
        &state,
        &ctx,
        &staff,
        StatusCode::OK,
        &form,
        &FieldErrors::new(),
        FormTarget { action: &action, heading },
    )
    .await
}
