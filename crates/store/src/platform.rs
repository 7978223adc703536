//! The platform above the sites (集约化平台): what its administrator (平台管理员) sees and does —
//! every site with its host names and counts, a new site added together with its first
//! administrator and host in one transaction, and the platform's health figures.

use std::collections::HashMap;

use gongkai_domain::org::{OrgCode, OrgName};
use gongkai_domain::outbox::MailStatus;
use gongkai_domain::role::Role;
use gongkai_domain::site::HostName;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use serde::Serialize;
use sqlx::AssertSqlSafe;

use crate::orgs::{self, NewOrganisation, Organisation};
use crate::users::{self, NewStaff};
use crate::{Actor, Result, Store, feed, secrets, sites};

/// A site as the platform lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteSummary {
    /// The site's root organisation.
    pub org: Organisation,
    /// The host names it answers for, in order.
    pub hosts: Vec<String>,
    /// Records of all its organisations, in every state.
    pub records: i64,
    /// 依申请公开 applications filed with it.
    pub applications: i64,
    /// 政民互动 messages written to it.
    pub messages: i64,
    /// Staff accounts whose organisation belongs to it.
    pub staff: i64,
}

/// How many rows of `from` (a table or subquery with a `site_id` column) each site has.
async fn counts_by_site(store: &Store, from: &str) -> Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT site_id, COUNT(*) FROM {from} GROUP BY site_id"
    )))
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Every site of the deployment with its hosts and counts, in the order they were added (the
/// first is the default site).
pub async fn sites(store: &Store) -> Result<Vec<SiteSummary>> {
    let records = counts_by_site(store, "records").await?;
    let applications = counts_by_site(store, "applications").await?;
    let messages = counts_by_site(store, "messages").await?;
    let staff = counts_by_site(
        store,
        "(SELECT o.site_id FROM users u JOIN organisations o ON o.id = u.org_id) s",
    )
    .await?;
    let hosts = sites::hosts(store).await?;
    let count = |m: &HashMap<i64, i64>, id: i64| m.get(&id).copied().unwrap_or(0);
    Ok(orgs::sites(store)
        .await?
        .into_iter()
        .map(|org| SiteSummary {
            hosts: hosts
                .iter()
                .filter(|h| h.site_id == org.id)
                .map(|h| h.host.clone())
                .collect(),
            records: count(&records, org.id),
            applications: count(&applications, org.id),
            messages: count(&messages, org.id),
            staff: count(&staff, org.id),
            org,
        })
        .collect())
}

/// A new site and the account that will administer it.
#[derive(Debug, Clone)]
pub struct NewSite {
    /// The root organisation's organ code, e.g. `ATS001`.
    pub code: OrgCode,
    /// Its name, e.g. 阿图什市人民政府.
    pub name: OrgName,
    /// A host name it answers for from the start, if any.
    pub host: Option<HostName>,
    /// The first administrator's login name.
    pub admin_username: Username,
    /// The first administrator's name.
    pub admin_name: DisplayName,
    /// The first administrator's initial password.
    pub admin_password: NewPassword,
}

/// Adds a site: its root organisation, its first administrator (管理员 granted in it) and, when
/// given, a host name — in one transaction, each step audited, so a refusal (a taken organ code,
/// user name or host) leaves nothing behind.
pub async fn add_site(store: &Store, actor: &Actor, new: NewSite) -> Result<Organisation> {
    let hash = users::hash_password(&new.admin_password).await?;
    let mut tx = store.begin_write().await?;
    let org = NewOrganisation {
        code: new.code.clone(),
        name: new.name.clone(),
        short_name: None,
        kind: None,
        parent: None,
    };
    let site_id = orgs::insert(&mut tx, store, actor, &org).await?;
    let admin = NewStaff {
        username: new.admin_username,
        display_name: new.admin_name,
        org: new.code.clone(),
        roles: vec![Role::Admin],
        password: new.admin_password,
    };
    users::insert(
        &mut tx,
        store,
        actor,
        &admin,
        new.code.as_str(),
        site_id,
        hash,
    )
    .await?;
    if let Some(host) = &new.host {
        sites::claim(&mut tx, store, actor, site_id, new.code.as_str(), host).await?;
    }
    tx.commit().await?;
    orgs::by_id(store, site_id).await
}

/// The platform's figures that cost one query each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// The change feed's newest position (every node's followers read up to it).
    pub feed_head: i64,
    /// Mail waiting to be sent (or retried).
    pub mail_pending: i64,
    /// Mail given up on after every retry (shown at `/admin/outbox` for sending again).
    pub mail_failed: i64,
    /// Citizens' query passwords still sealed, waiting to be hashed.
    pub sealed_passwords: i64,
}

/// Reads the platform's [`Health`] figures.
pub async fn health(store: &Store) -> Result<Health> {
    let mail: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM outbox GROUP BY status")
            .fetch_all(store.pool())
            .await?;
    let mail_of = |status: &str| {
        mail.iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    Ok(Health {
        feed_head: feed::latest(store).await?,
        mail_pending: mail_of(MailStatus::Pending.code()),
        mail_failed: mail_of(MailStatus::Failed.code()),
        sealed_passwords: secrets::sealed_backlog(store).await?,
    })
}
