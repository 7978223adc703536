//! 有条件开放: a request for access to a conditionally open dataset, from the public form or any
//! other channel, in one call ([`submit`]).

use gongkai_domain::case::check_secret;
use gongkai_domain::data_access::{AccessInput, validate};
use gongkai_domain::dataset::{DatasetStatus, Openness};
use gongkai_domain::time::beijing_date;
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_store::data_access::{self, NewDataAccess, Receipt};
use gongkai_store::datasets::Dataset;
use gongkai_store::throttle::Admission;
use serde::{Deserialize, Serialize};

use crate::{Intake, Outcome, ServiceError, Submission};

/// The request form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct AccessForm {
    /// Idempotency key (a repeated submission returns the first receipt).
    pub submission_key: String,
    /// Applicant kind code.
    pub applicant_kind: String,
    /// Name of the person or organisation.
    pub name: String,
    /// ID number (natural persons).
    pub id_number: String,
    /// 统一社会信用代码 (organisations).
    pub credit_code: String,
    /// Contact person (organisations).
    pub contact_person: String,
    /// Phone.
    pub phone: String,
    /// E-mail (optional).
    pub email: String,
    /// 用途.
    pub purpose: String,
    /// How and where the data will be used.
    pub intended_use: String,
    /// First day of use (`YYYY-MM-DD`).
    pub period_from: String,
    /// Last day of use (`YYYY-MM-DD`).
    pub period_to: String,
    /// Query password.
    pub secret: String,
    /// The same password again.
    pub secret_again: String,
}

/// Submits a request for `dataset` (which must be published, on the intake's site and
/// 有条件开放): checks every field at once (the applicant's identity as an application's, the
/// purpose, use and period, the query password), counts it against the address's hourly limit
/// in the transaction that stores it (idempotent on the submission key) and stores it with its
/// due date, audit entry and feed row. Field errors write nothing.
pub async fn submit(
    intake: Intake<'_>,
    dataset: &Dataset,
    form: &AccessForm,
) -> Result<Outcome<Receipt>, ServiceError> {
    let mut errors = FieldErrors::new();
    let on_site = intake.site.is_none_or(|s| s == dataset.site_id);
    if !on_site || dataset.status != DatasetStatus::Published {
        return Err(ServiceError::Refused(ErrorCode::DatasetNotFound.into()));
    }
    if dataset.openness != Openness::Conditional {
        errors.insert("dataset", ErrorCode::DataAccessNotConditional);
    }
    let input = AccessInput {
        applicant_kind: &form.applicant_kind,
        name: &form.name,
        id_number: &form.id_number,
        credit_code: &form.credit_code,
        contact_person: &form.contact_person,
        phone: &form.phone,
        email: &form.email,
        purpose: &form.purpose,
        intended_use: &form.intended_use,
        period_from: &form.period_from,
        period_to: &form.period_to,
    };
    let valid = validate(&input, beijing_date(intake.now))
        .map_err(|e| errors.extend(e))
        .ok();
    check_secret(
        &mut errors,
        &form.secret,
        &form.secret_again,
        "查询审核进度和获取数据使用凭证",
    );
    let (Some(request), true) = (valid, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let new = NewDataAccess {
        submission_key: crate::submission_key(&form.submission_key),
        dataset_id: dataset.id,
        request,
        secret: form.secret.clone(),
    };
    let limits = [intake.hourly_limit(Submission::DataAccess)];
    match data_access::submit_within(intake.store, &new, intake.now, intake.ip, &limits).await? {
        Admission::Stored(receipt) => Ok(Ok(receipt)),
        Admission::OverLimit(_) => Err(intake.over_limit(Submission::DataAccess)),
    }
}
