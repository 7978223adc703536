//! The head's mailbox of a site (县长信箱, 市长信箱, 区长信箱 …): its name and the organisation
//! that handles what is written to it, usually the government office (县政府办公室).
//!
//! Settings `mailbox_name.<site code>` / `mailbox_name` and `mailbox_org.<site code>` /
//! `mailbox_org` hold them; without a handler the site's own organisation receives the letters,
//! as before, so nothing is ever lost.

use gongkai_domain::error::ErrorCode;
use gongkai_domain::org::OrgCode;

use crate::{Actor, Result, Store, StoreError, orgs, settings};

/// The mailbox's name when none is set.
pub const DEFAULT_NAME: &str = "县长信箱";

/// A site's head mailbox as it is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadMailbox {
    /// Its public name (县长信箱, 市长信箱 …).
    pub name: String,
    /// The organisation whose handlers receive its letters.
    pub handler_org_id: i64,
    /// That organisation's name, for "由…转交办理".
    pub handler_org_name: String,
}

/// The head mailbox of the site `site_id`. A handler that no longer belongs to the site (moved
/// or removed) falls back to the site itself.
pub async fn of_site(store: &Store, site_id: i64) -> Result<HeadMailbox> {
    let site = orgs::by_id(store, site_id).await?;
    let name = settings::for_site(store, "mailbox_name", site.code.as_str())
        .await?
        .unwrap_or_else(|| DEFAULT_NAME.to_owned());
    let mut handler = site.clone();
    if let Some(code) = settings::for_site(store, "mailbox_org", site.code.as_str()).await?
        && let Ok(code) = OrgCode::parse(&code)
        && let Ok(org) = orgs::by_code(store, &code).await
        && orgs::site_of(store, org.id).await? == site_id
    {
        handler = org;
    }
    Ok(HeadMailbox {
        name,
        handler_org_id: handler.id,
        handler_org_name: handler.name,
    })
}

/// Names the organisation that handles the head mailbox of `site_code` (every site when
/// `None`): it must belong to that site. Audited as a setting.
pub async fn set_handler(
    store: &Store,
    actor: &Actor,
    site_code: Option<&str>,
    org_code: &str,
) -> Result<()> {
    let code = OrgCode::parse(org_code.trim())?;
    let org = orgs::by_code(store, &code).await?;
    let root = orgs::site_of(store, org.id).await?;
    if let Some(site_code) = site_code {
        let site = orgs::by_code(store, &OrgCode::parse(site_code)?).await?;
        if root != site.id {
            return Err(StoreError::conflict(ErrorCode::MailboxOrgOutOfSite));
        }
    }
    let key = settings::site_key("mailbox_org", site_code);
    settings::set(store, actor, &key, code.as_str()).await
}

/// Names the head mailbox of `site_code` (every site when `None`), e.g. 市长信箱. Audited as a
/// setting.
pub async fn set_name(
    store: &Store,
    actor: &Actor,
    site_code: Option<&str>,
    name: &str,
) -> Result<()> {
    let name = gongkai_domain::message::mailbox_name(name)?;
    let key = settings::site_key("mailbox_name", site_code);
    settings::set(store, actor, &key, &name).await
}
