//! `/admin/zhengji`: consultations for staff — editors draft (text, 起草说明, attachments,
//! period); reviewers open and close them, moderate comments (先审后发, reasons kept), write
//! the per-comment feedback, publish the report and link the final decision's record.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::consultation::{
    self as rules, Adoption, ConsultationAction, ConsultationStatus, FeedbackRow, Moderation,
    Period,
};
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::role::Permission;
use gongkai_domain::time::{display_minute, form_minute, parse_beijing_minute};
use gongkai_store::cases::AttachedFile;
use gongkai_store::consultations::{self, Consultation, NewConsultation};
use gongkai_store::users::Staff;
use gongkai_store::{Actor, StoreError, orgs, records};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::auth::{CurrentStaff, check_in, scope};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::public::zhengji::feedback_rows;
use crate::state::AppState;
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// `GET /admin/zhengji`: the consultations of the organisations the member drafts or reviews for.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Response, WebError> {
    let mut ids: Vec<i64> = scope(&state, &staff, Permission::DraftRecords)
        .await?
        .iter()
        .chain(
            scope(&state, &staff, Permission::ReviewRecords)
                .await?
                .iter(),
        )
        .map(|o| o.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let now = Utc::now();
    let mut rows = Vec::new();
    for c in consultations::list_for_orgs(&state.store, &ids).await? {
        let comments = consultations::comments(&state.store, c.id).await?;
        let pending = comments
            .iter()
            .filter(|m| m.moderation == Moderation::Pending)
            .count();
        rows.push(context! {
            id => c.id, title => &c.title, org_name => &c.org_name,
            status => c.effective_status(now).label(),
            opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
            comments => comments.len(), pending => pending,
        });
    }
    state
        .page(&ctx, "admin/consultations.html", context! { rows => rows })
        .await
}

/// The draft form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct DraftForm {
    #[serde(default)]
    org: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    draft_text: String,
    #[serde(default)]
    background: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    main_content: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
    #[serde(default)]
    short_reason: String,
}

async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    status: StatusCode,
    form: &DraftForm,
    errors: &FieldErrors,
    action: &str,
) -> Result<Response, WebError> {
    let orgs = scope(state, staff, Permission::DraftRecords).await?;
    let preview: Vec<Value> = rules::split_articles(&form.draft_text)
        .iter()
        .filter(|u| u.kind == rules::UnitKind::Article)
        .map(|u| context! { label => &u.label })
        .collect();
    state
        .page_with_status(
            ctx,
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
pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let form = DraftForm {
        org: staff.org_code.clone(),
        opens_at: form_minute(now),
        closes_at: form_minute(Period::default_closing(now)),
        ..DraftForm::default()
    };
    render_form(
        &state,
        &ctx,
        &staff,
        StatusCode::OK,
        &form,
        &FieldErrors::new(),
        "/admin/zhengji/new",
    )
    .await
}

async fn parse_form(
    state: &AppState,
    staff: &Staff,
    f: &DraftForm,
) -> Result<Result<NewConsultation, FieldErrors>, WebError> {
    let mut e = FieldErrors::new();
    let org = scope(state, staff, Permission::DraftRecords)
        .await?
        .into_iter()
        .find(|o| o.code.eq_ignore_ascii_case(f.org.trim()));
    if org.is_none() {
        e.insert("org", "请选择您有权起草的机构".into());
    }
    let title = f.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        e.insert("title", "请填写草案名称（不超过 200 个字）".into());
    }
    if f.draft_text.trim().chars().count() < 10 {
        e.insert("draft_text", "请填写草案全文".into());
    }
    if f.background.trim().is_empty() {
        e.insert("background", "请填写起草背景".into());
    }
    if f.basis.trim().is_empty() {
        e.insert("basis", "请填写起草依据".into());
    }
    if f.main_content.trim().is_empty() {
        e.insert("main_content", "请填写主要内容".into());
    }
    let opens = parse_beijing_minute(&f.opens_at);
    if opens.is_none() {
        e.insert("opens_at", "请填写开始时间（年-月-日 时:分）".into());
    }
    let closes = parse_beijing_minute(&f.closes_at);
    if closes.is_none() {
        e.insert("closes_at", "请填写截止时间（年-月-日 时:分）".into());
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
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(f): Form<DraftForm>,
) -> Result<Response, WebError> {
    match parse_form(&state, &staff, &f).await? {
        Ok(new) => {
            let id = consultations::create(
                &state.store,
                &Actor::user(&staff.username, &ip),
                Some(staff.id),
                &new,
            )
            .await?;
            Ok(Redirect::to(&format!("/admin/zhengji/{id}")).into_response())
        }
        Err(errors) => {
            render_form(
                &state,
                &ctx,
                &staff,
                StatusCode::BAD_REQUEST,
                &f,
                &errors,
                "/admin/zhengji/new",
            )
            .await
        }
    }
}

async fn load(
    state: &AppState,
    staff: &Staff,
    id: i64,
    permission: Permission,
) -> Result<Consultation, WebError> {
    let c = consultations::get(&state.store, id).await?;
    let chain = orgs::chain(&state.store, c.org_id).await?;
    if !(staff.grants.allows(Permission::DraftRecords, &chain)
        || staff.grants.allows(Permission::ReviewRecords, &chain))
    {
        return Err(WebError::Forbidden(permission.label()));
    }
    check_in(staff, permission, &chain)?;
    Ok(c)
}

/// `GET /admin/zhengji/{id}/edit`: the draft form filled in (drafts only).
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::DraftRecords).await?;
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
    render_form(
        &state,
        &ctx,
        &staff,
        StatusCode::OK,
        &form,
        &FieldErrors::new(),
        &action,
    )
    .await
}

/// `POST /admin/zhengji/{id}/edit`: saves the draft.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<DraftForm>,
) -> Result<Response, WebError> {
    load(&state, &staff, id, Permission::DraftRecords).await?;
    match parse_form(&state, &staff, &f).await? {
        Ok(new) => {
            consultations::update_draft(&state.store, &Actor::user(&staff.username, &ip), id, &new)
                .await?;
            Ok(Redirect::to(&format!("/admin/zhengji/{id}")).into_response())
        }
        Err(errors) => {
            let action = format!("/admin/zhengji/{id}/edit");
            render_form(
                &state,
                &ctx,
                &staff,
                StatusCode::BAD_REQUEST,
                &f,
                &errors,
                &action,
            )
            .await
        }
    }
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    c: &Consultation,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let chain = orgs::chain(&state.store, c.org_id).await?;
    let units = rules::split_articles(&c.draft_text);
    let label_of = |n: i64| {
        units
            .iter()
            .find(|u| u.kind == rules::UnitKind::Article && i64::from(u.number) == n)
            .map_or_else(|| "全文".to_owned(), |u| u.label.clone())
    };
    let comments: Vec<Value> = consultations::comments(&state.store, c.id)
        .await?
        .into_iter()
        .map(|m| {
            context! {
                id => m.id, code => &m.tracking_code, article => label_of(m.article_no), body => &m.body,
                name => &m.name, contact => &m.contact, at => display_minute(m.created_at),
                moderation => m.moderation.label(),
                pending => m.moderation == Moderation::Pending, reason => &m.reject_reason,
                adoption => Adoption::parse(&m.adoption).map(|a| a.label()).unwrap_or_default(),
            }
        })
        .collect();
    let files: Vec<Value> = consultations::files(&state.store, c.id)
        .await?
        .into_iter()
        .map(|f| context! { name => f.file_name, size => crate::view::format::human_size(f.size_bytes) })
        .collect();
    let decision = match c.decision_record_id {
        Some(rid) => records::get(&state.store, rid).await.ok().map(|r| {
            context! { public => r.is_public(now), title => r.title, index_no => r.index_no }
        }),
        None => None,
    };
    let stored = c.status;
    let period = c.period();
    state
        .page_with_status(
            ctx,
            status,
            "admin/consultation.html",
            context! {
                c => ser(c), error => error, files => files, comments => comments, decision => decision,
                status => c.effective_status(now).label(), stored => stored.code(),
                opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
                days => period.days(), short => period.is_short(),
                articles => rules::article_numbers(&units).len(),
                period_over => now >= period.closes_at,
                can_draft => staff.grants.allows(Permission::DraftRecords, &chain),
                can_review => staff.grants.allows(Permission::ReviewRecords, &chain),
                public_url => stored.is_public().then(|| crate::view::urls::consultation_url(c.id)),
            },
        )
        .await
}

/// `GET /admin/zhengji/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::EnterBackOffice).await?;
    render(&state, &ctx, &staff, &c, StatusCode::OK, None).await
}

/// Re-renders the page with a refusal, or redirects back after success.
async fn after(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    id: i64,
    result: Result<(), StoreError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/zhengji/{id}")).into_response()),
        Err(e @ (StoreError::Domain(_) | StoreError::Conflict(_))) => {
            let status = if matches!(e, StoreError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            let c = consultations::get(&state.store, id).await?;
            render(state, ctx, staff, &c, status, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The state-change form.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    action: String,
}

/// `POST /admin/zhengji/{id}/status`: open (发布) or close (截止) the consultation.
pub async fn change_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, WebError> {
    load(&state, &staff, id, Permission::ReviewRecords).await?;
    let action = match f.action.as_str() {
        "open" => ConsultationAction::Open,
        "close" => ConsultationAction::Close,
        _ => return Err(WebError::BadRequest("未知的操作".into())),
    };
    let r = consultations::transition(
        &state.store,
        &Actor::user(&staff.username, &ip),
        id,
        action,
        Utc::now(),
    )
    .await
    .map(|_| ());
    after(&state, &ctx, &staff, id, r).await
}

/// Longest attachment file name kept (characters).
const MAX_FILE_NAME: usize = 200;

/// `POST /admin/zhengji/{id}/attachments?csrf_token=…` (multipart): adds an attachment to a draft.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    load(&state, &staff, id, Permission::DraftRecords).await?;
    let bad = |_| WebError::BadRequest("上传的数据不完整，请重试".into());
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name: String = field
            .file_name()
            .unwrap_or("附件")
            .trim()
            .chars()
            .take(MAX_FILE_NAME)
            .collect();
        let bytes = field.bytes().await.map_err(bad)?;
        file = Some((name, bytes));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return after(
            &state,
            &ctx,
            &staff,
            id,
            Err(StoreError::Conflict("请选择要上传的文件".into())),
        )
        .await;
    };
    if bytes.len() > state.config.max_upload_bytes {
        return after(
            &state,
            &ctx,
            &staff,
            id,
            Err(StoreError::Conflict(format!(
                "附件不能超过 {}",
                crate::view::format::human_size(state.config.max_upload_bytes as i64)
            ))),
        )
        .await;
    }
    let kind = match gongkai_content::sniff(&bytes, &name) {
        Ok(k) if !k.is_archive() || state.config.allow_zip => k,
        Ok(_) => {
            return after(
                &state,
                &ctx,
                &staff,
                id,
                Err(StoreError::Conflict("不接受压缩包".into())),
            )
            .await;
        }
        Err(e) => {
            return after(
                &state,
                &ctx,
                &staff,
                id,
                Err(StoreError::Conflict(e.to_string())),
            )
            .await;
        }
    };
    let sha256 = gongkai_store::attachments::store_blob(&state.config.data_dir, &bytes).await?;
    let f = AttachedFile {
        id: 0,
        sha256,
        file_name: name,
        kind: kind.extension().to_owned(),
        size_bytes: bytes.len() as i64,
    };
    let r = consultations::add_file(&state.store, &Actor::user(&staff.username, &ip), id, &f)
        .await
        .map(|_| ());
    after(&state, &ctx, &staff, id, r).await
}

/// The moderation form.
#[derive(Debug, Default, Deserialize)]
pub struct ModerationForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /admin/zhengji/{id}/comments/{comment}`: publish or reject a comment.
pub async fn moderate(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path((id, comment)): Path<(i64, i64)>,
    Form(f): Form<ModerationForm>,
) -> Result<Response, WebError> {
    load(&state, &staff, id, Permission::ReviewRecords).await?;
    let decision = Moderation::parse(&f.decision).unwrap_or(Moderation::Pending);
    let r = consultations::moderate(
        &state.store,
        &Actor::user(&staff.username, &ip),
        id,
        comment,
        decision,
        &f.reason,
    )
    .await;
    after(&state, &ctx, &staff, id, r).await
}

async fn render_feedback(
    state: &AppState,
    ctx: &PageCtx,
    c: &Consultation,
    status: StatusCode,
    typed: Option<&[(String, String)]>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let comments = consultations::comments(&state.store, c.id).await?;
    let units = rules::split_articles(&c.draft_text);
    let mut rows = feedback_rows(&units, &comments);
    let mut summary = c.feedback_summary.clone();
    if let Some(pairs) = typed {
        let get = |k: String| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        summary = get("summary".into());
        rows = rows
            .into_iter()
            .map(|r| {
                let n = r.get_attr("n").map(|v| v.to_string()).unwrap_or_default();
                context! { adoption_code => get(format!("adoption_{n}")), reason => get(format!("reason_{n}")), ..r }
            })
            .collect();
    }
    let pending = comments
        .iter()
        .filter(|m| m.moderation == Moderation::Pending)
        .count();
    let choices: Vec<_> = Adoption::ALL
        .iter()
        .map(|a| (a.code(), a.label()))
        .collect();
    state
        .page_with_status(
            ctx,
            status,
            "admin/consultation_feedback.html",
            context! {
                c => ser(c), rows => rows, choices => ser(&choices), error => error, summary => summary,
                pending => pending, stored => c.status.code(),
            },
        )
        .await
}

/// `GET /admin/zhengji/{id}/feedback`: the feedback editor (one row per group of identical comments).
pub async fn feedback_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::ReviewRecords).await?;
    render_feedback(&state, &ctx, &c, StatusCode::OK, None, None).await
}

/// `POST /admin/zhengji/{id}/feedback`: saves the decisions; with `intent=publish` the report
/// must answer every comment and is then published.
pub async fn feedback_save(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::ReviewRecords).await?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (name, value) in &pairs {
        let Some(n) = name.strip_prefix("ids_") else {
            continue;
        };
        let comment_ids: Vec<i64> = value
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        let adoption = Adoption::parse(get(&format!("adoption_{n}"))).ok();
        rows.push(FeedbackRow {
            comment_ids,
            adoption,
            reason: get(&format!("reason_{n}")).to_owned(),
        });
    }
    let publish = get("intent") == "publish";
    match consultations::save_feedback(
        &state.store,
        &Actor::user(&staff.username, &ip),
        id,
        get("summary"),
        &rows,
        publish,
        Utc::now(),
    )
    .await
    {
        Ok(()) if publish => Ok(Redirect::to(&format!("/admin/zhengji/{id}")).into_response()),
        Ok(()) => Ok(Redirect::to(&format!("/admin/zhengji/{id}/feedback")).into_response()),
        Err(e @ (StoreError::Domain(_) | StoreError::Conflict(_))) => {
            render_feedback(
                &state,
                &ctx,
                &c,
                StatusCode::BAD_REQUEST,
                Some(&pairs),
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The decision-record form.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    index_no: String,
}

/// `POST /admin/zhengji/{id}/decision`: links the final decision by its 索引号 (a published
/// 主动公开 record); an empty field removes the link.
pub async fn link_decision(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::ReviewRecords).await?;
    if c.status == ConsultationStatus::Draft {
        return after(
            &state,
            &ctx,
            &staff,
            id,
            Err(StoreError::Conflict("草稿不能关联决策文件".into())),
        )
        .await;
    }
    let record_id = if f.index_no.trim().is_empty() {
        None
    } else {
        let refuse =
            || StoreError::Conflict(format!("未找到索引号为“{}”的已公开信息", f.index_no.trim()));
        let Ok(no) = IndexNo::parse(&f.index_no) else {
            return after(&state, &ctx, &staff, id, Err(refuse())).await;
        };
        match records::by_index_no(&state.store, &no).await {
            Ok(r) if r.is_public(Utc::now()) => Some(r.id),
            Ok(_) | Err(StoreError::NotFound { .. }) => {
                return after(&state, &ctx, &staff, id, Err(refuse())).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    let r = consultations::link_decision(
        &state.store,
        &Actor::user(&staff.username, &ip),
        id,
        record_id,
    )
    .await;
    after(&state, &ctx, &staff, id, r).await
}
