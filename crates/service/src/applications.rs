//! 依申请公开: an application submitted from the public form, the JSON API or any other
//! channel, in one call ([`submit`]).

use std::future::Future;

use gongkai_domain::ErrorCode;
use gongkai_domain::FieldErrors;
use gongkai_domain::application::{ApplicationInput, validate_form};
use gongkai_domain::case::check_secret;
use gongkai_store::applications::{self, NewApplication, Receipt};
use gongkai_store::cases::AttachedFile;
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
/// organisation, the query password, a refused proof file), counts it against the address's
/// hourly limit, writes the proof files and stores the application (idempotent on the form's
/// submission key; the audit entry, the change-feed row and the receipt mail are written in the
/// same transaction). Field errors write nothing.
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
    let org = crate::organisation(intake.store, &form.org).await?;
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
    intake
        .within_hourly_limit(crate::Submission::Application)
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
    let receipt = applications::submit(intake.store, &new, intake.now, intake.ip)
        .await
        .map_err(ServiceError::from)?;
    Ok(Ok(Submitted {
        receipt,
        org_name: org.name,
    }))
}
