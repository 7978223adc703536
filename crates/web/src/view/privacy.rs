//! What of a citizen's text may reach a public page.

use gongkai_domain::message as rules;
use gongkai_store::messages::Message;

/// Masks the writer's name and every phone, ID number and e-mail address: the one function
/// through which a message's text reaches anything public (pages, search).
pub fn masked(m: &Message, text: &str) -> String {
    rules::mask_public(text, &m.writer_name)
}
