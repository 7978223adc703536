//! After a consultation: moderating comments, the feedback report (反馈意见采纳情况) and the
//! link to the decision that was adopted.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::consultation::{
    self as rules, Adoption, ConsultationStatus, FeedbackRow, Moderation,
};
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::role::Permission;
use gongkai_store::consultations::{self, Consultation};
use gongkai_store::{StoreError, records};
use minijinja::context;
use serde::Deserialize;

use super::{after, load};
use crate::WebError;
use crate::admin::forms::field;
use crate::forms::{RefusalStatus, respond_step};
use crate::page::PageCtx;
use crate::public::zhengji::feedback_rows;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;

/// The moderation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ModerationForm {
    pub(super) decision: String,
    pub(super) reason: String,
}

/// `POST /admin/zhengji/{id}/comments/{comment}`: publish or reject a comment.
pub async fn moderate(
    desk: Desk,
    Path((id, comment)): Path<(i64, i64)>,
    Form(f): Form<ModerationForm>,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    load(state, staff, id, Permission::ReviewRecords).await?;
    let decision = Moderation::parse(&f.decision).unwrap_or(Moderation::Pending);
    let actor = desk.actor();
    let r = consultations::moderate(&state.store, &actor, id, comment, decision, &f.reason).await;
    after(&desk, id, r).await
}

pub(super) async fn render_feedback(
    state: &AppState,
    ctx: &PageCtx,
    c: &Consultation,
    status: StatusCode,
    typed: Option<&[(String, String)]>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let comments = consultations::comments(&state.store, c.id).await?;
    let units = rules::split_articles(&c.draft_text);
    let allowed = crate::view::privacy::public_numbers(state, c.site_id).await?;
    let mut rows = feedback_rows(&units, &comments, &allowed);
    let mut summary = c.feedback_summary.clone();
    if let Some(pairs) = typed {
        let get = |name: String| field(pairs, &name).to_owned();
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
    let choices = code_labels!(Adoption::ALL);
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
    Desk { state, ctx, staff, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let c = load(&state, &staff, id, Permission::ReviewRecords).await?;
    render_feedback(&state, &ctx, &c, StatusCode::OK, None, None).await
}

/// `POST /admin/zhengji/{id}/feedback`: saves the decisions; with `intent=publish` the report
/// must answer every comment and is then published.
pub async fn feedback_save(
    desk: Desk,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let Desk { state, ctx, staff, .. } = &desk;
    let c = load(state, staff, id, Permission::ReviewRecords).await?;
    let get = |name: &str| field(&pairs, name);
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
    let actor = desk.actor();
    let saved = consultations::save_feedback(
        &state.store,
        &actor,
        id,
        get("summary"),
        &rows,
        publish,
        Utc::now(),
    )
    .await;
    let done = |()| match publish {
        true => format!("/admin/zhengji/{id}"),
        false => format!("/admin/zhengji/{id}/feedback"),
    };
    respond_step(saved, RefusalStatus::FORM, done, async |no| {
        render_feedback(state, ctx, &c, no.status, Some(&pairs), Some(no.message)).await
    })
    .await
}

/// The decision-record form.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub(super) index_no: String,
}

/// `POST /admin/zhengji/{id}/decision`: links the final decision by its 索引号 (a published
/// 主动公开 record); an empty field removes the link.
pub async fn link_decision(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    let c = load(state, staff, id, Permission::ReviewRecords).await?;
    if c.status == ConsultationStatus::Draft {
        let refused = StoreError::conflict(ErrorCode::ConsultationDraftDecision);
        return after(&desk, id, Err(refused)).await;
    }
    let record_id = if f.index_no.trim().is_empty() {
        None
    } else {
        let not_found = || {
            let refused = StoreError::conflict_with(
                ErrorCode::ConsultationDecisionRecordNotFound,
                &[("index_no", &f.index_no.trim())],
            );
            after(&desk, id, Err(refused))
        };
        let Ok(no) = IndexNo::parse(&f.index_no) else {
            return not_found().await;
        };
        match records::by_index_no(&state.store, &no).await {
            Ok(r) if r.is_public(Utc::now()) => Some(r.id),
            Ok(_) | Err(StoreError::NotFound { .. }) => return not_found().await,
            Err(e) => return Err(e.into()),
        }
    };
    let r = consultations::link_decision(&state.store, &desk.actor(), id, record_id).await;
    after(&desk, id, r).await
}
