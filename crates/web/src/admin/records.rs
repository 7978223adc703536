//! `/admin/records`: drafting, submitting, reviewing, publishing, correcting and withdrawing
//! records, with content screening shown to the reviewer.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::catalogue;
use gongkai_domain::record::{
    Disclosure, ExemptionGround, GENRES, InterpretationForm, RecordInput, RecordKind, RecordMeta,
    RecordStatus, Validity,
};
use gongkai_domain::role::Permission;
use gongkai_domain::screening::Finding;
use gongkai_domain::time::{beijing, beijing_date, display_minute, parse_storage_timestamp};
use gongkai_store::records::{self, Approval, Content, Record};
use gongkai_store::users::Staff;
use gongkai_store::{Actor, StoreError, attachments, orgs};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::auth::{CurrentStaff, check_in, scope};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// The record form as typed, so it can be shown again with its errors.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct RecordForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    written_on: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    genre: String,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    validity: String,
    #[serde(default)]
    body: String,
    /// Column slugs (a repeated form field, read by `from_pairs`).
    #[serde(default)]
    columns: Vec<String>,
    #[serde(default)]
    interprets: String,
    #[serde(default)]
    interpretation_form: String,
    #[serde(default)]
    change_note: String,
    /// 公开方式 choices (a repeated form field).
    #[serde(default)]
    disclosure_method: Vec<String>,
    /// The written justification for publishing a correction that screening flagged.
    #[serde(default)]
    screening_note: String,
}

impl RecordForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
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

fn parse_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// Validates the form into content, collecting field errors. `themes` is the site's theme
/// tree: a 主题分类 must be one of it.
async fn content_from_form(
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
        errors.insert("theme", "请从列表中选择主题分类".into());
    }
    let body_html = gongkai_content::sanitize_html(&form.body);
    let body_text = gongkai_content::html_to_text(&body_html);
    if body_text.trim().is_empty() {
        errors.insert("body", "请填写正文".into());
    }
    let columns: Vec<String> = form
        .columns
        .iter()
        .filter(|c| catalogue::column(c).is_some())
        .cloned()
        .collect();
    if columns.is_empty() {
        errors.insert("columns", "请至少选择一个栏目".into());
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
                    errors.insert("interprets", "未找到该索引号对应的已发布政策文件".into());
                }
            },
            Err(_) => {
                errors.insert("interprets", "政策解读须填写所解读政策文件的索引号".into());
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

fn choices(themes: &[catalogue::Theme]) -> Value {
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

/// Query of the list page.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

/// `GET /admin/records?status=`: records of the organisations the staff member works for.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let status = RecordStatus::parse(&q.status).unwrap_or(
        if staff.grants.allows(Permission::ReviewRecords, &[]) {
            RecordStatus::Pending
        } else {
            RecordStatus::Draft
        },
    );
    let mut ids: Vec<i64> = scope(&state, &staff, Permission::DraftRecords)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    ids.extend(
        scope(&state, &staff, Permission::ReviewRecords)
            .await?
            .iter()
            .map(|o| o.id),
    );
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<Value> = records::list_for_staff(&state.store, &ids, &[status], 200)
        .await?
        .into_iter()
        .map(|r| {
            context! {
                id => r.id, title => r.title, org_name => r.org_name, index_no => r.index_no,
                kind => r.kind.label(),
                updated => parse_storage_timestamp(&r.updated_at).map(display_minute),
            }
        })
        .collect();
    let tabs: Vec<_> = RecordStatus::ALL
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect();
    state
        .page(
            &ctx,
            "admin/records.html",
            context! { rows => rows, status => status.code(), status_label => status.label(), tabs => ser(&tabs) },
        )
        .await
}

/// Where a record form posts and what it is called.
struct FormTarget<'a> {
    action: &'a str,
    heading: &'a str,
}

async fn render_form(
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
async fn render_form_with_findings(
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
pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Response, WebError> {
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

async fn org_for_form(
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
        errors.insert("org", "请选择您有权发布信息的机构".into());
    }
    Ok(found.map(|o| o.id))
}

/// `POST /admin/records/new`: creates a draft.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
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

/// Screening findings of a record (title, body, every attachment), as the store screens it
/// when the record is submitted, approved or corrected.
pub async fn findings_of(state: &AppState, r: &Record) -> Result<Vec<Finding>, WebError> {
    Ok(gongkai_store::screening::record_findings(&state.store, r.id, None).await?)
}

async fn load_visible(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(Record, Vec<i64>), WebError> {
    let r = records::get(&state.store, id).await?;
    let chain = orgs::chain(&state.store, r.org_id).await?;
    if !(staff.grants.allows(Permission::DraftRecords, &chain)
        || staff.grants.allows(Permission::ReviewRecords, &chain))
    {
        return Err(WebError::Forbidden("查看该信息"));
    }
    Ok((r, chain))
}

/// `GET /admin/records/{id}`: the record with the actions its status and the viewer allow.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    show_record(&state, &ctx, &staff, &r, &chain, StatusCode::OK, None).await
}

async fn show_record(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    r: &Record,
    chain: &[i64],
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let page = RecordPage {
        status,
        error,
        review: None,
    };
    show_record_page(state, ctx, staff, r, chain, page).await
}

/// Answers a step on a record: back to the record when it succeeded, otherwise the record page
/// saying why — 409 for a workflow rule, `refused` for input the store turned down.
#[allow(clippy::too_many_arguments)]
async fn after_step(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    r: &Record,
    chain: &[i64],
    result: Result<(), StoreError>,
    refused: StatusCode,
) -> Result<Response, WebError> {
    let (status, msg) = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/admin/records/{}", r.id)).into_response()),
        Err(StoreError::Domain(e)) => (StatusCode::CONFLICT, e.to_string()),
        Err(StoreError::Conflict(msg)) => (refused, msg),
        Err(e) => return Err(e.into()),
    };
    show_record(state, ctx, staff, r, chain, status, Some(msg)).await
}

/// How a record page is answered: its status, an error to show, and a refused review form
/// to show again as typed.
struct RecordPage<'a> {
    status: StatusCode,
    error: Option<String>,
    review: Option<&'a ReviewForm>,
}

async fn show_record_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    r: &Record,
    chain: &[i64],
    page: RecordPage<'_>,
) -> Result<Response, WebError> {
    let RecordPage {
        status,
        error,
        review,
    } = page;
    let findings = findings_of(state, r).await?;
    let is_author = r.author_id == Some(staff.id);
    let can_draft = staff.grants.allows(Permission::DraftRecords, chain);
    let can_review = staff.grants.allows(Permission::ReviewRecords, chain);
    let files: Vec<Value> = attachments::list(&state.store, r.id)
        .await?
        .into_iter()
        .map(|a| {
            context! {
                id => a.id, name => a.file_name, size => crate::view::format::human_size(a.size_bytes),
                kind => crate::download::file_kind(&a.kind).map(|k| k.label()).unwrap_or("文件"),
            }
        })
        .collect();
    let audit =
        gongkai_store::audit::recent(&state.store, 50, Some(("record", &r.id.to_string()))).await?;
    let history: Vec<Value> = audit
        .into_iter()
        .map(|e| context! { at => parse_storage_timestamp(&e.at).map(display_minute), actor => e.actor, action => action_label(&e.action) })
        .collect();
    let status_label = r.status.label();
    state
        .page_with_status(
            ctx,
            status,
            "admin/record.html",
            context! {
                r => ser(r), status_label => status_label,
                body_html => Value::from_safe_string(r.body_html.clone()),
                kind => r.kind.label(),
                findings => ser(&findings), files => files, history => history, error => error,
                review => ser(&review.map_or_else(ReviewForm::default, |f| ReviewForm {
                    decision: f.decision.clone(), disclosure: f.disclosure.clone(), exemption: f.exemption.clone(),
                    publish_at: f.publish_at.clone(), screening_note: f.screening_note.clone(), reason: f.reason.clone(),
                })),
                is_author => is_author, can_edit => can_draft && is_author && r.status == RecordStatus::Draft,
                can_submit => can_draft && r.status == RecordStatus::Draft,
                can_review => can_review && !is_author && r.status == RecordStatus::Pending,
                author_waiting => is_author && r.status == RecordStatus::Pending,
                can_manage_published => (can_draft || can_review) && r.status == RecordStatus::Published,
                public_url => r.index_no.as_deref().map(crate::view::urls::record_url),
                choices => choices(&site_themes(state, r.org_id).await?),
                now_local => Utc::now().with_timezone(&beijing()).format("%Y-%m-%dT%H:%M").to_string(),
            },
        )
        .await
}

/// `POST /admin/records/{id}`: saves a draft.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
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
            Err(StoreError::Domain(e)) => return Err(WebError::Conflict(e.to_string())),
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
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let interprets = match r.interprets_id {
        Some(pid) => records::get(&state.store, pid).await?.index_no,
        None => None,
    };
    let form = RecordForm::from_record(&r, &r.org_code, interprets);
    let (action, heading) = if r.status == RecordStatus::Published {
        (format!("/admin/records/{id}/revise"), "发布更正")
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
        FormTarget {
            action: &action,
            heading,
        },
    )
    .await
}

/// `POST /admin/records/{id}/submit`: screening runs and the draft goes to review.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let actor = Actor::user(&staff.username, &ip);
    let result = records::submit(&state.store, &actor, staff.id, id).await;
    after_step(
        &state,
        &ctx,
        &staff,
        &r,
        &chain,
        result,
        StatusCode::CONFLICT,
    )
    .await
}

/// The reviewer's decision form, shown again as typed when it is refused.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    disclosure: String,
    #[serde(default)]
    exemption: String,
    #[serde(default)]
    publish_at: String,
    #[serde(default)]
    screening_note: String,
    #[serde(default)]
    reason: String,
}

/// The approval a review form asks for, or why the form is refused.
fn approval_from(f: &ReviewForm) -> Result<Approval, String> {
    let Ok(disclosure) = Disclosure::parse(&f.disclosure) else {
        return Err("请选择公开属性".into());
    };
    let exemption = if disclosure == Disclosure::Withheld {
        let ground = ExemptionGround::parse(&f.exemption)
            .map_err(|_| "选择“不予公开”时请选择法定依据（第十四至十六条）".to_owned())?;
        Some(ground)
    } else {
        None
    };
    let publish_at = gongkai_domain::record::publish_time(&f.publish_at, Utc::now())
        .map_err(|e| e.to_string())?;
    Ok(Approval {
        disclosure,
        exemption,
        publish_at,
        screening_note: f.screening_note.clone(),
    })
}

/// `POST /admin/records/{id}/review`: approve (with the disclosure attribute) or send back.
pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::ReviewRecords, &chain)?;
    let actor = Actor::user(&staff.username, &ip);
    let result = if f.decision == "reject" {
        if f.reason.trim().is_empty() {
            Err(StoreError::Conflict("退回时请填写退回原因".into()))
        } else {
            records::reject(&state.store, &actor, staff.id, id, f.reason.trim()).await
        }
    } else {
        match approval_from(&f) {
            Ok(approval) => records::approve(&state.store, &actor, staff.id, id, &approval)
                .await
                .map(|_| ()),
            Err(msg) => {
                let page = RecordPage {
                    status: StatusCode::BAD_REQUEST,
                    error: Some(msg),
                    review: Some(&f),
                };
                return show_record_page(&state, &ctx, &staff, &r, &chain, page).await;
            }
        }
    };
    let msg = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/admin/records/{id}")).into_response()),
        Err(StoreError::Domain(e)) => e.to_string(),
        Err(StoreError::Conflict(msg)) => msg,
        Err(e) => return Err(e.into()),
    };
    let page = RecordPage {
        status: StatusCode::CONFLICT,
        error: Some(msg),
        review: Some(&f),
    };
    show_record_page(&state, &ctx, &staff, &r, &chain, page).await
}

/// `POST /admin/records/{id}/revise`: a correction of a published record with a change note.
pub async fn revise(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let mut form = RecordForm::from_pairs(&parse_pairs(&body));
    form.org = r.org_code.clone();
    let mut errors = FieldErrors::new();
    if form.change_note.trim().is_empty() {
        errors.insert("change_note", "请填写更正说明，该说明将在页面上公开".into());
    }
    let themes = site_themes(&state, r.org_id).await?;
    let content = content_from_form(&state, &form, &themes, &mut errors).await?;
    // A correction goes straight to the public page, so it is screened like a submission:
    // findings need a written justification, which is audited with the revision.
    let mut findings = Vec::new();
    if let (true, Some(content)) = (errors.is_empty(), content) {
        findings = gongkai_store::screening::record_findings(
            &state.store,
            r.id,
            Some((&content.meta.title, &content.body_text)),
        )
        .await?;
        let correction = records::Correction {
            content: &content,
            change_note: &form.change_note,
            screening_note: &form.screening_note,
        };
        match records::revise(
            &state.store,
            &Actor::user(&staff.username, &ip),
            staff.id,
            id,
            &correction,
        )
        .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/admin/records/{id}")).into_response()),
            Err(StoreError::Conflict(msg)) => {
                errors.insert("doc_number", msg);
            }
            Err(StoreError::Domain(e)) => gongkai_domain::error::record_field_error(&mut errors, e),
            Err(e) => return Err(e.into()),
        }
    }
    let action = format!("/admin/records/{id}/revise");
    render_form_with_findings(
        &state,
        &ctx,
        &staff,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        FormTarget {
            action: &action,
            heading: "发布更正",
        },
        &findings,
    )
    .await
}

/// Withdrawal form.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

/// `POST /admin/records/{id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::ReviewRecords, &chain)?;
    let actor = Actor::user(&staff.username, &ip);
    let result = records::withdraw(&state.store, &actor, staff.id, id, &f.reason).await;
    after_step(
        &state,
        &ctx,
        &staff,
        &r,
        &chain,
        result,
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// Validity form.
#[derive(Debug, Deserialize)]
pub struct ValidityForm {
    #[serde(default)]
    validity: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    superseded_by: String,
}

/// `POST /admin/records/{id}/validity`: 失效 / 废止 with the date and the replacing record.
pub async fn set_validity(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<ValidityForm>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let validity =
        Validity::parse(&f.validity).map_err(|_| WebError::BadRequest("请选择有效性".into()))?;
    let on = if f.on.trim().is_empty() {
        beijing_date(Utc::now())
    } else {
        gongkai_domain::record::parse_date("on", &f.on)?
    };
    let superseded_by = if f.superseded_by.trim().is_empty() {
        None
    } else {
        let no = gongkai_domain::index_no::IndexNo::parse(&f.superseded_by)?;
        Some(records::by_index_no(&state.store, &no).await?.id)
    };
    let actor = Actor::user(&staff.username, &ip);
    let result = records::set_validity(&state.store, &actor, id, validity, on, superseded_by).await;
    after_step(
        &state,
        &ctx,
        &staff,
        &r,
        &chain,
        result,
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// `POST /admin/records/{id}/attachments?csrf_token=…` (multipart): uploads one file,
/// checks its type by content and its size, stores it by hash and extracts its text.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    if r.status != RecordStatus::Draft {
        return show_record(
            &state,
            &ctx,
            &staff,
            &r,
            &chain,
            StatusCode::CONFLICT,
            Some("只能为草稿添加附件".into()),
        )
        .await;
    }
    let limit = state.config.max_upload_bytes;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::BadRequest("上传的数据不完整，请重试".into()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("附件").trim().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| WebError::BadRequest("上传的数据不完整，请重试".into()))?
        {
            if bytes.len() + chunk.len() > limit {
                let msg = format!(
                    "附件不能超过 {}",
                    crate::view::format::human_size(limit as i64)
                );
                return show_record(
                    &state,
                    &ctx,
                    &staff,
                    &r,
                    &chain,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Some(msg),
                )
                .await;
            }
            bytes.extend_from_slice(&chunk);
        }
        file = Some((name, bytes));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return show_record(
            &state,
            &ctx,
            &staff,
            &r,
            &chain,
            StatusCode::BAD_REQUEST,
            Some("请选择要上传的文件".into()),
        )
        .await;
    };
    let kind = match gongkai_content::sniff(&bytes, &name) {
        Ok(k) if k.is_archive() && !state.config.allow_zip => {
            let msg = "不接受压缩包（ZIP）附件，请直接上传文档".to_owned();
            return show_record(
                &state,
                &ctx,
                &staff,
                &r,
                &chain,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some(msg),
            )
            .await;
        }
        Ok(k) => k,
        Err(e) => {
            return show_record(
                &state,
                &ctx,
                &staff,
                &r,
                &chain,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some(e.to_string()),
            )
            .await;
        }
    };
    let text = {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || {
            gongkai_content::extract_text(kind, &bytes).unwrap_or_default()
        })
        .await
        .unwrap_or_default()
    };
    let sha = attachments::store_blob(&state.config.data_dir, &bytes).await?;
    let added = attachments::add(
        &state.store,
        &Actor::user(&staff.username, &ip),
        staff.id,
        id,
        &attachments::NewAttachment {
            sha256: sha,
            file_name: name,
            kind: kind.extension().to_owned(),
            size_bytes: bytes.len() as i64,
            text,
        },
    )
    .await
    .map(|_| ());
    after_step(
        &state,
        &ctx,
        &staff,
        &r,
        &chain,
        added,
        StatusCode::CONFLICT,
    )
    .await
}

/// `POST /admin/records/{id}/attachments/{attachment}/delete`: the author removes an
/// attachment from a draft (say, one the screening found personal data in), audited.
pub async fn remove_attachment(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let (r, chain) = load_visible(&state, &staff, id).await?;
    check_in(&staff, Permission::DraftRecords, &chain)?;
    let actor = Actor::user(&staff.username, &ip);
    let result = attachments::remove(&state.store, &actor, staff.id, id, attachment).await;
    after_step(
        &state,
        &ctx,
        &staff,
        &r,
        &chain,
        result,
        StatusCode::CONFLICT,
    )
    .await
}

/// `GET /admin/scan`: 网站自查: every published record re-screened, findings by organisation.
pub async fn scan_all(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let report = gongkai_store::screening::scan_published(&state.store).await?;
    state
        .page(&ctx, "admin/scan.html", context! { report => ser(&report) })
        .await
}

/// The theme tree of the site an organisation belongs to.
pub async fn site_themes(state: &AppState, org_id: i64) -> Result<Vec<catalogue::Theme>, WebError> {
    let chain = orgs::chain(&state.store, org_id).await?;
    let site = *chain.last().unwrap_or(&org_id);
    Ok(gongkai_store::themes::list(&state.store, site).await?)
}

/// The Chinese name of an audited record action, for the record's history.
fn action_label(code: &str) -> &str {
    match code {
        "record.create" => "起草",
        "record.edit" => "修改草稿",
        "record.submit" => "提交审核",
        "record.reject" => "退回修改",
        "record.approve" => "审核通过并发布",
        "record.revise" => "发布更正",
        "record.withdraw" => "撤回",
        "record.validity" => "更新有效性",
        "attachment.add" => "上传附件",
        "attachment.remove" => "删除附件",
        other => other,
    }
}
