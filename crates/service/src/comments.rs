//! 征求意见: a comment on a consultation's draft, in one call ([`submit`]).

use gongkai_domain::consultation::{self as rules, CommentInput, UnitKind};
use gongkai_store::consultations::{self, CommentReceipt, Consultation, NewComment};
use serde::{Deserialize, Serialize};

use crate::{Intake, Outcome, ServiceError};

/// The comment form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct CommentForm {
    /// Idempotency key.
    pub submission_key: String,
    /// Article number, `0` for the whole draft.
    pub article: String,
    /// The comment.
    pub body: String,
    /// Name (optional).
    pub name: String,
    /// Contact (optional).
    pub contact: String,
}

/// What the commenter is told once the comment is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The comment's tracking code, and whether this repeats an earlier submission.
    pub receipt: CommentReceipt,
    /// The article commented on as the draft labels it (第三条), or 全文.
    pub article: String,
}

/// Submits a comment on consultation `c`: checks it (the article exists, the text, name and
/// contact; nothing is accepted outside the period — checked again inside the store's
/// transaction), counts it against the address's hourly limit and stores it for moderation
/// (idempotent on the form's submission key, audited in the same transaction). Field errors
/// write nothing.
pub async fn submit(
    intake: Intake<'_>,
    c: &Consultation,
    form: &CommentForm,
) -> Result<Outcome<Submitted>, ServiceError> {
    let units = rules::split_articles(&c.draft_text);
    let input = CommentInput {
        article: &form.article,
        body: &form.body,
        name: &form.name,
        contact: &form.contact,
    };
    let articles = rules::article_numbers(&units);
    let article =
        match rules::validate_comment(&input, &articles, c.status, &c.period(), intake.now) {
            Ok(article) => article,
            Err(errors) => return Ok(Err(errors)),
        };
    intake
        .within_hourly_limit(crate::Submission::Comment)
        .await?;
    let new = NewComment {
        submission_key: crate::submission_key(&form.submission_key),
        article,
        body: form.body.clone(),
        name: form.name.clone(),
        contact: form.contact.clone(),
    };
    let receipt = consultations::comment(intake.store, c.id, &new, intake.now, intake.ip).await?;
    let article = units
        .iter()
        .find(|u| u.kind == UnitKind::Article && u.number == article)
        .map_or_else(|| "全文".to_owned(), |u| u.label.clone());
    Ok(Ok(Submitted { receipt, article }))
}
