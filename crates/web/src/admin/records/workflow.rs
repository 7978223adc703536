//! A record's steps after drafting: submit for review, approve or reject, submit a correction of
//! a published record and have another reviewer approve or return it, withdraw it, and set its
//! validity.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::record::{Disclosure, ExemptionGround, Validity};
use gongkai_domain::role::Permission;
use gongkai_domain::screening::{Justification, SecretGround};
use gongkai_domain::time::beijing_date;
use gongkai_store::records::{self, Approval};
use gongkai_store::{StoreError, corrections};
use serde::{Deserialize, Serialize};

use super::form::{FormTarget, RecordForm, content_from_form, render_form_with_findings};
use super::{OnRecord, RecordPage, site_themes};
use crate::WebError;
use crate::admin::forms::parse_pairs;
use crate::forms::{RefusalStatus, respond_step};
use gongkai_domain::FieldErrors;

/// `POST /admin/records/{id}/submit`: screening runs and the draft goes to review.
pub async fn submit(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let actor = rec.desk.actor();
    let result = records::submit(&state.store, &actor, staff.id, id).await;
    rec.after(result, StatusCode::CONFLICT).await
}

/// The reviewer's decision form, shown again as typed when it is refused.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReviewForm {
    pub(super) decision: String,
    pub(super) disclosure: String,
    pub(super) exemption: String,
    pub(super) publish_at: String,
    pub(super) screening_note: String,
    pub(super) secret_ground: String,
    pub(super) reason: String,
}

impl ReviewForm {
    /// The reviewer's justification for publishing flagged content; an unknown or empty ground
    /// is no ground (the domain then refuses content with a secret marking).
    fn justification(&self) -> Justification<'_> {
        Justification {
            note: &self.screening_note,
            secret_ground: SecretGround::parse(&self.secret_ground),
        }
    }
}

/// The approval a review form asks for, or why the form is refused.
pub(super) fn approval_from(f: &ReviewForm) -> Result<Approval, String> {
    let Ok(disclosure) = Disclosure::parse(&f.disclosure) else {
        return Err(ErrorCode::RecordDisclosureRequired.message());
    };
    let exemption = if disclosure == Disclosure::Withheld {
        let ground = ExemptionGround::parse(&f.exemption)
            .map_err(|_| ErrorCode::RecordExemptionGroundUnselected.message())?;
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
        secret_ground: f.justification().secret_ground,
    })
}

/// `POST /admin/records/{id}/review`: approve (with the disclosure attribute) or send back.
pub async fn review(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::ReviewRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let actor = rec.desk.actor();
    let result = if f.decision == "reject" {
        if f.reason.trim().is_empty() {
            Err(StoreError::conflict(
                ErrorCode::RecordRejectionReasonRequired,
            ))
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
                return rec.page(page).await;
            }
        }
    };
    answer_review(&rec, result, &f).await
}

/// Answers a reviewer's decision: back to the record when it was taken, otherwise the record
/// page again with the reason and the review form as typed.
async fn answer_review(
    rec: &OnRecord,
    result: Result<(), StoreError>,
    f: &ReviewForm,
) -> Result<Response, WebError> {
    respond_step(
        result,
        RefusalStatus::STEP,
        |()| format!("/admin/records/{}", rec.r.id),
        async |no| {
            let page = RecordPage {
                status: no.status,
                error: Some(no.message),
                review: Some(f),
            };
            rec.page(page).await
        },
    )
    .await
}

/// `POST /admin/records/{id}/correction`: a reviewer who is not the correction's author approves
/// the pending correction (with the justification screening asks for) or returns it with a
/// reason.
pub async fn review_correction(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::ReviewRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let actor = rec.desk.actor();
    let result = if f.decision == "return" {
        corrections::return_to_author(&state.store, &actor, staff.id, id, &f.reason).await
    } else {
        corrections::approve(&state.store, &actor, staff.id, id, f.justification())
            .await
            .map(|_| ())
    };
    answer_review(&rec, result, &f).await
}

/// `POST /admin/records/{id}/correction/discard`: the author discards their open correction,
/// or a reviewer one that was returned (the record keeps its published text).
pub async fn discard_correction(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let rec = OnRecord::visible(desk, id).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let as_reviewer = staff.grants.allows(Permission::ReviewRecords, &rec.chain);
    let actor = rec.desk.actor();
    let result = corrections::discard(&state.store, &actor, staff.id, id, as_reviewer).await;
    rec.after(result, StatusCode::CONFLICT).await
}

/// `POST /admin/records/{id}/revise`: a correction of a published record with a change note,
/// saved for review; the public text stays as it is until another reviewer approves it.
pub async fn revise(
    desk: Desk,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let mut form = RecordForm::from_pairs(&parse_pairs(&body));
    form.org = rec.r.org_code.clone();
    let mut errors = FieldErrors::new();
    if form.change_note.trim().is_empty() {
        errors.insert("change_note", ErrorCode::RecordChangeNoteRequired);
    }
    let themes = site_themes(state, rec.r.org_id).await?;
    let content = content_from_form(state, &form, &themes, &mut errors).await?;
    // Screened at submission: the editor sees the findings the reviewer will be shown.
    let mut findings = Vec::new();
    if let (true, Some(content)) = (errors.is_empty(), content) {
        findings = gongkai_store::screening::record_findings(
            &state.store,
            id,
            Some((&content.meta.title, &content.body_text)),
        )
        .await?;
        let actor = rec.desk.actor();
        let note = &form.change_note;
        match corrections::submit(&state.store, &actor, staff.id, id, &content, note).await {
            Ok(_) => return Ok(Redirect::to(&format!("/admin/records/{id}")).into_response()),
            Err(StoreError::Conflict(refusal)) => {
                let field = if refusal.code == ErrorCode::RecordDocNumberTaken {
                    "doc_number"
                } else {
                    "change_note"
                };
                errors.insert(field, refusal);
            }
            Err(StoreError::Domain(e)) => gongkai_domain::error::record_field_error(&mut errors, e),
            Err(e) => return Err(e.into()),
        }
    }
    let target = FormTarget::correction(id);
    render_form_with_findings(
        &rec.desk,
        StatusCode::BAD_REQUEST,
        &form,
        &errors,
        target,
        &findings,
    )
    .await
}

/// Withdrawal form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    pub(super) reason: String,
}

/// `POST /admin/records/{id}/withdraw`.
pub async fn withdraw(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::ReviewRecords).await?;
    let Desk { state, staff, .. } = &rec.desk;
    let actor = rec.desk.actor();
    let result = records::withdraw(&state.store, &actor, staff.id, id, &f.reason).await;
    rec.after(result, StatusCode::BAD_REQUEST).await
}

/// Validity form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ValidityForm {
    pub(super) validity: String,
    pub(super) on: String,
    pub(super) superseded_by: String,
}

/// `POST /admin/records/{id}/validity`: 失效 / 废止 with the date and the replacing record.
pub async fn set_validity(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<ValidityForm>,
) -> Result<Response, WebError> {
    let rec = OnRecord::open(desk, id, Permission::DraftRecords).await?;
    let state = &rec.desk.state;
    let validity = Validity::parse(&f.validity)
        .map_err(|_| WebError::BadRequest(ErrorCode::RecordValidityRequired.into()))?;
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
    let actor = rec.desk.actor();
    let result = records::set_validity(&state.store, &actor, id, validity, on, superseded_by).await;
    rec.after(result, StatusCode::BAD_REQUEST).await
}
