//! Whom a message was written to, as pages name it: the site's head mailbox by its configured
//! name (县长信箱, 市长信箱 …), or the addressed organisation.

use std::collections::HashMap;

use gongkai_store::messages::Message;

use crate::WebError;
use crate::state::AppState;

/// The head mailbox's name of each site the shown messages belong to, read once per request.
#[derive(Debug, Default)]
pub struct MailboxNames(HashMap<i64, String>);

impl MailboxNames {
    /// Reads the mailbox names of the sites of `messages`.
    pub async fn load<'a>(
        state: &AppState,
        messages: impl IntoIterator<Item = &'a Message>,
    ) -> Result<Self, WebError> {
        let mut names = HashMap::new();
        for m in messages {
            if m.mailbox == gongkai_service::messages::HEAD_MAILBOX
                && !names.contains_key(&m.site_id)
            {
                let mailbox = gongkai_store::mailbox::of_site(&state.store, m.site_id).await?;
                names.insert(m.site_id, mailbox.name);
            }
        }
        Ok(Self(names))
    }

    /// The addressee of `m`: its site's mailbox name, or the organisation it was written to.
    pub fn addressee(&self, m: &Message) -> String {
        if m.mailbox == gongkai_service::messages::HEAD_MAILBOX {
            self.0
                .get(&m.site_id)
                .cloned()
                .unwrap_or_else(|| gongkai_store::mailbox::DEFAULT_NAME.to_owned())
        } else {
            m.org_name.clone()
        }
    }
}
