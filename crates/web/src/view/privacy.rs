//! What of a citizen's text may reach a public page.

use gongkai_domain::message as rules;
use gongkai_domain::pii::PublicNumbers;
use gongkai_store::consultations::Comment;
use gongkai_store::messages::Message;

use crate::WebError;
use crate::state::AppState;

/// Masks the writer's name and every phone, ID number and e-mail address except the site's
/// own public phone numbers (`allowed`): the one function through which a message's text
/// reaches a public page.
pub fn masked(m: &Message, text: &str, allowed: &PublicNumbers) -> String {
    rules::mask_public(text, &m.writer_name, allowed)
}

/// A consultation comment as the public sees it: masked exactly as a message is, the
/// commenter's name included.
pub fn masked_comment(c: &Comment, allowed: &PublicNumbers) -> String {
    rules::mask_personal(&c.body, &[&c.name], allowed)
}

/// The phone numbers site `site_id` publishes as its own (never masked).
pub async fn public_numbers(state: &AppState, site_id: i64) -> Result<PublicNumbers, WebError> {
    Ok(gongkai_store::orgs::public_numbers(&state.store, site_id).await?)
}
