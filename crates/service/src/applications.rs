//! 依申请公开: an application submitted from the public form, the JSON API or any other
//! channel, in one call ([`submit`]); the applicant's online answer to a correction notice
//! ([`answer_correction`]).

use std::future::Future;

use gongkai_domain::application::{
    ApplicationInput, ApplicationStatus, ClockEvent, CorrectionAnswer, check_correction_answer,
    validate_form,
};
use gongkai_domain::case::check_secret;
use gongkai_domain::time::beijing_date;
use gongkai_domain::{ErrorCode, FieldErrors, Refusal};
use gongkai_store::applications::{self, Application, NewApplication, Receipt};
use gongkai_store::cases::AttachedFile;
use gongkai_store::throttle::Admission;
use gongkai_store::{Actor, StoreError};
use serde::{Deserialize, Serialize};

use crate::{Files, Intake, Outcome, ServiceError};

/// The application form as typed (also the JSON body of the API, documented by
/// `gongkai_web::api::schemas::ApplicationRequest`).
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct ApplyForm {
    /// Idempotency key of the form (repeated submissions return the first receipt).
    #[serde(default)]
    pub submission_key: String,
    /// Organ code of the addressed organisation.
    #[serde(default)]
    pub org: String,
    /// Applicant kind code.
    #[serde(default)]
    pub applicant_kind: String,
    /// Name of the person or organisation.
    #[serde(default)]
    pub name: String,
    /// ID number (natural persons).
    #[serde(default)]
    pub id_number: String,
    /// 统一社会信用代码 (organisations).
    #[serde(default)]
    pub credit_code: String,
    /// Contact person (organisations).
    #[serde(default)]
    pub contact_person: String,
    /// Contact phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail (needed for delivery by e-mail).
    #[serde(default)]
    pub email: String,
    /// Postal address (needed for delivery by post).
    #[serde(default)]
    pub address: String,
    /// Postcode.
    #[serde(default)]
    pub postcode: String,
    /// The information asked for (名称、文号或特征性描述).
    #[serde(default)]
    pub description: String,
    /// Title or 文号, if known.
    #[serde(default)]
    pub doc_hint: String,
    /// Delivery form code.
    #[serde(default)]
    pub delivery: String,
    /// Query password the applicant sets.
    #[serde(default)]
    pub secret: String,
    /// The same password again (forms only).
    #[serde(default)]
    pub secret_again: String,
}

impl ApplyForm {
    /// The fields the domain's form rules judge.
    fn input(&self) -> ApplicationInput<'_> {
        ApplicationInput {
            applicant_kind: &self.applicant_kind,
            name: &self.name,
            id_number: &self.id_number,
            credit_code: &self.credit_code,
            contact_person: &self.contact_person,
            phone: &self.phone,
            email: &self.email,
            address: &self.address,
            postcode: &self.postcode,
            description: &self.description,
            doc_hint: &self.doc_hint,
            delivery: &self.delivery,
        }
    }
}

/// What the applicant is told once the application is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// Tracking code, dates, and whether this is the first receipt of a repeated form.
    pub receipt: Receipt,
    /// The organisation the application is addressed to.
    pub org_name: String,
}

/// Submits an application: checks every field at once (the domain's form rules, the addressed
/// organisation, the query password, a refused proof file), writes the proof files and stores
/// the application, counted against the address's hourly limit in the same transaction
/// (idempotent on the form's submission key, and a repeated form is not counted again; the
/// audit entry, the change-feed row and the receipt mail are written in that transaction too).
/// Field errors write nothing.
pub async fn submit<W, Fut, E>(
    intake: Intake<'_>,
    form: &ApplyForm,
    files: Files<W>,
) -> Result<Outcome<Submitted>, E>
where
    W: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<AttachedFile>, E>>,
    E: From<ServiceError>,
{
    let mut errors = FieldErrors::new();
    let org = crate::organisation(intake.store, &form.org, intake.site).await?;
    if org.is_none() {
        errors.insert("org", ErrorCode::ApplicationOrgRequired);
    }
    let fields = validate_form(&form.input())
        .map_err(|e| errors.extend(e))
        .ok();
    check_secret(
        &mut errors,
        &form.secret,
        &form.secret_again,
        "查询办理进度",
    );
    if let Some(refused) = &files.refused {
        errors.insert("proof", refused.clone());
    }
    let (Some(org), Some(v), true) = (org, fields, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    // A read-only look at the limit first, so a refused submission writes no file; the
    // submission is counted in the transaction that stores it.
    let limits = [intake.hourly_limit(crate::Submission::Application)];
    crate::refuse_if_used_up(intake.store, &limits, |_| {
        intake.over_limit(crate::Submission::Application)
    })
    .await?;
    // Only now, with the form valid and within the limit, are the files written.
    let files = files.write().await?;
    let new = NewApplication {
        submission_key: crate::submission_key(&form.submission_key),
        org_id: org.id,
        applicant_kind: v.applicant_kind,
        name: v.name,
        id_number: v.id_number,
        credit_code: v.credit_code,
        contact_person: v.contact_person,
        phone: v.phone,
        email: v.email,
        address: v.address,
        postcode: v.postcode,
        description: v.description,
        doc_hint: v.doc_hint,
        delivery: v.delivery,
        secret: form.secret.clone(),
        files,
    };
    let limits = [intake.hourly_limit(crate::Submission::Application)];
    let receipt =
        match applications::submit_within(intake.store, &new, intake.now, intake.ip, &limits)
            .await
            .map_err(ServiceError::from)?
        {
            Admission::Stored(receipt) => receipt,
            Admission::OverLimit(_) => {
                return Err(intake.over_limit(crate::Submission::Application).into());
            }
        };
    Ok(Ok(Submitted {
        receipt,
        org_name: org.name,
    }))
}

/// The online answer to a correction notice (补正) as typed on the status page.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct CorrectionForm {
    /// The corrected or completed description of the information asked for.
    #[serde(default)]
    pub text: String,
}

/// Records the applicant's online answer to the correction notice of `app` (text and files):
/// the same `CorrectionReceived` event staff record for a correction handed in at the
/// counter, so the 20 working days run again from today by the same rule, with the answer
/// kept on the application for its handler. Refused — with nothing written and nothing
/// counted — when no correction is awaited, a file was refused, the text is missing or too
/// long, or the notice's period has passed (a stable code and a Chinese message); otherwise
/// counted against the address's hourly limit for applications before the files are written.
pub async fn answer_correction<W, Fut, E>(
    intake: Intake<'_>,
    app: &Application,
    form: &CorrectionForm,
    files: Files<W>,
) -> Result<Result<Application, Refusal>, E>
where
    W: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<AttachedFile>, E>>,
    E: From<ServiceError>,
{
    if app.status != ApplicationStatus::AwaitingCorrection {
        return Ok(Err(ErrorCode::ApplicationCorrectionNotAwaited.into()));
    }
    if let Some(refused) = files.refused {
        return Ok(Err(refused));
    }
    let on = beijing_date(intake.now);
    let mut answer = CorrectionAnswer {
        text: form.text.trim().replace("\r\n", "\n"),
        files: Vec::new(),
    };
    let events: Vec<ClockEvent> = applications::events(intake.store, app.id)
        .await
        .map_err(ServiceError::from)?
        .into_iter()
        .map(|e| e.event)
        .collect();
    // Judged before anything is written; the store judges again, by the same rule, inside
    // its transaction.
    if let Err(e) = check_correction_answer(&events, on, &answer) {
        return Ok(Err(e.into()));
    }
    intake
        .within_hourly_limit(crate::Submission::Application)
        .await?;
    let files = (files.write)().await?;
    answer.files = files.iter().map(|f| f.file_name.clone()).collect();
    let event = ClockEvent::CorrectionReceived { on, answer: Some(answer) };
    let actor = Actor::user("public", intake.ip);
    match applications::record_event_with_files(intake.store, &actor, app.id, &event, None, &files)
        .await
    {
        Ok(updated) => Ok(Ok(updated)),
        Err(StoreError::Domain(e)) => Ok(Err(e.into())),
        Err(StoreError::Conflict(refused)) => Ok(Err(refused)),
        Err(e) => Err(ServiceError::from(e).into()),
    }
}
