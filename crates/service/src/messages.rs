//! 政民互动: a message written on the public form, through the JSON API or any other channel,
//! in one call ([`submit`]).

use std::future::Future;

use chrono::Duration;
use gongkai_domain::ErrorCode;
use gongkai_domain::FieldErrors;
use gongkai_domain::case::check_secret;
use gongkai_domain::message::NewMessageInput;
use gongkai_store::Store;
use gongkai_store::cases::AttachedFile;
use gongkai_store::messages::{self, NewMessage, Receipt};
use gongkai_store::orgs::{self, Organisation};
use gongkai_store::throttle::{self, Admission};
use serde::{Deserialize, Serialize};

use crate::{Files, Intake, Outcome, ServiceError};

/// The value of the "to" field that addresses the 县长信箱.
pub const HEAD_MAILBOX: &str = "head";
/// Messages one phone number may send per day.
pub const PER_CONTACT_PER_DAY: i64 = 5;

/// The message form as typed (also the JSON body of the API, documented by
/// `gongkai_web::api::schemas::MessageRequest`).
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct WriteForm {
    /// Idempotency key (a repeated submission returns the first receipt).
    pub submission_key: String,
    /// `head` for the 县长信箱, else the organ code of the addressed organisation.
    pub to: String,
    /// Kind code or label.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Writer's name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail (optional; replies are also sent there).
    pub email: String,
    /// `1` (or `true`) when the writer allows the exchange to be published.
    pub allow_publish: String,
    /// Query password the writer sets.
    pub secret: String,
    /// The same password again (forms only).
    pub secret_again: String,
}

impl WriteForm {
    /// Whether the writer allows the exchange to be published.
    pub fn allows_publication(&self) -> bool {
        matches!(self.allow_publish.trim(), "1" | "true" | "on" | "yes")
    }
}

/// The site messages go to: the site `site`, else the first top-level government.
pub async fn site(store: &Store, site: Option<i64>) -> Result<Organisation, ServiceError> {
    match site {
        Some(id) => Ok(orgs::by_id(store, id).await?),
        None => orgs::sites(store)
            .await?
            .into_iter()
            .next()
            .ok_or(ServiceError::NoSite),
    }
}

/// Submits a message: checks every field at once (the domain's message rules, whom it is
/// addressed to, the query password, a refused attachment), counts it against the address's
/// hourly limit and the phone's daily one, writes the attachments and stores the message
/// (idempotent on the form's submission key; identical content from the same phone is refused
/// as `StoreError::Conflict`, identical content from others and blocked words are held for
/// review; the audit entry, the change-feed row and the receipt mail are written in the same
/// transaction). Field errors write nothing.
pub async fn submit<W, Fut, E>(
    intake: Intake<'_>,
    form: &WriteForm,
    files: Files<W>,
) -> Result<Outcome<Receipt>, E>
where
    W: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<AttachedFile>, E>>,
    E: From<ServiceError>,
{
    let mut errors = FieldErrors::new();
    let input = NewMessageInput {
        kind: form.kind.clone(),
        title: form.title.clone(),
        content: form.content.clone(),
        name: form.name.clone(),
        phone: form.phone.clone(),
        email: form.email.clone(),
    };
    let valid = input
        .validate()
        .map_err(|problems| {
            for (field, refusal) in problems {
                errors.insert(field, refusal);
            }
        })
        .ok();
    let to = form.to.trim();
    let head = to == HEAD_MAILBOX;
    let org = if head {
        Some(site(intake.store, intake.site).await?)
    } else {
        crate::organisation(intake.store, to, intake.site).await?
    };
    if org.is_none() {
        errors.insert("to", ErrorCode::MessageRecipientRequired);
    }
    check_secret(
        &mut errors,
        &form.secret,
        &form.secret_again,
        "查询办理进度和评价",
    );
    if let Some(refused) = &files.refused {
        errors.insert("attachment", refused.clone());
    }
    let (Some(org), Some(message), true) = (org, valid, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let digits: String = message.phone.chars().filter(char::is_ascii_digit).collect();
    // The address's hourly limit and the contact's daily one: looked at (read-only) first, so a
    // refused message writes no file, and counted in the transaction that stores the message.
    let limits = [
        intake.hourly_limit(crate::Submission::Message),
        throttle::Limit {
            key: format!("message-contact:{digits}"),
            limit: PER_CONTACT_PER_DAY,
            window: Duration::days(1),
        },
    ];
    let refusal = |over: usize| match over {
        0 => intake.over_limit(crate::Submission::Message),
        _ => ServiceError::Throttled(
            ErrorCode::MessagePhoneRateLimited.refusal(&[("limit", &PER_CONTACT_PER_DAY)]),
        ),
    };
    crate::refuse_if_used_up(intake.store, &limits, refusal).await?;
    // Only now, with the form valid and within the limits, are the files written.
    let files = files.write().await?;
    let new = NewMessage {
        submission_key: crate::submission_key(&form.submission_key),
        org_id: org.id,
        to_head_mailbox: head,
        message,
        allow_publish: form.allows_publication(),
        secret: form.secret.clone(),
        files,
    };
    match messages::submit_within(intake.store, &new, intake.now, intake.ip, &limits)
        .await
        .map_err(ServiceError::from)?
    {
        Admission::Stored(receipt) => Ok(Ok(receipt)),
        Admission::OverLimit(over) => Err(refusal(over).into()),
    }
}
