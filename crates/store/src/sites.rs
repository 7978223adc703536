//! Sites on one deployment (集约化): which host names each site (a root organisation) answers
//! for. The default site, the first root, answers every host not listed.

use gongkai_domain::ErrorCode;
use gongkai_domain::org::OrgCode;
use gongkai_domain::site::HostName;
use serde::Serialize;

use crate::{Actor, Result, Store, StoreError, Tx, audit, column, feed, now, orgs, sql, ts};

/// A host name and the site that answers for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteHost {
    /// The host name, normalised.
    pub host: String,
    /// The site's root organisation id.
    pub site_id: i64,
    /// The site's organ code.
    pub site_code: String,
}

column::from_row!(SiteHost => host, site_id, site_code);

/// Every host name with its site, by host.
pub async fn hosts(store: &Store) -> Result<Vec<SiteHost>> {
    sql::all(
        sqlx::query(
            "SELECT h.host, h.site_id, o.code AS site_code FROM site_hosts h
             JOIN organisations o ON o.id = h.site_id ORDER BY h.host",
        ),
        store.pool(),
    )
    .await
}

/// The site (root organisation) with organ code `code`; `NotFound` for an unknown code or an
/// organisation that is not a site's root.
pub async fn by_code(store: &Store, code: &OrgCode) -> Result<orgs::Organisation> {
    let org = orgs::by_code(store, code).await?;
    if org.parent_id.is_some() {
        return Err(StoreError::NotFound {
            what: format!("站点“{code}”"),
        });
    }
    Ok(org)
}

/// Lets the site `site` answer for `host`, audited, with a feed row so every node's host table
/// follows. A host already claimed by another site is refused; claiming it again for the same
/// site changes nothing.
pub async fn add_host(store: &Store, actor: &Actor, site: &OrgCode, host: &HostName) -> Result<()> {
    let site = by_code(store, site).await?;
    let mut tx = store.begin_write().await?;
    claim(&mut tx, store, actor, site.id, &site.code, host).await?;
    tx.commit().await?;
    Ok(())
}

/// [`add_host`] inside `tx`, for the site `site_id` (organ code `site_code`).
pub(crate) async fn claim(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    site_id: i64,
    site_code: &str,
    host: &HostName,
) -> Result<()> {
    let holder: Option<String> = sqlx::query_scalar(
        "SELECT o.name FROM site_hosts h JOIN organisations o ON o.id = h.site_id
         WHERE h.host = $1 AND h.site_id <> $2",
    )
    .bind(host.as_str())
    .bind(site_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(holder) = holder {
        return Err(StoreError::conflict_with(
            ErrorCode::SiteHostTaken,
            &[("host", &host), ("site", &holder)],
        ));
    }
    let added = sqlx::query(
        "INSERT INTO site_hosts (host, site_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (host) DO NOTHING",
    )
    .bind(host.as_str())
    .bind(site_id)
    .bind(ts(now()))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if added == 0 {
        return Ok(());
    }
    feed::emit(tx, "site_host", host.as_str(), "added").await?;
    audit::Change::new("site.host_add", "organisation", site_code)
        .with_detail(serde_json::json!({ "host": host.as_str() }))
        .append(tx, store, actor)
        .await?;
    Ok(())
}

/// Stops `host` answering for its site (it then shows the default site), audited; `NotFound`
/// when no site has it.
pub async fn remove_host(store: &Store, actor: &Actor, host: &HostName) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let code: Option<String> = sqlx::query_scalar(
        "SELECT o.code FROM site_hosts h JOIN organisations o ON o.id = h.site_id WHERE h.host = $1",
    )
    .bind(host.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(code) = code else {
        return Err(StoreError::NotFound {
            what: format!("主机名“{host}”"),
        });
    };
    sqlx::query("DELETE FROM site_hosts WHERE host = $1")
        .bind(host.as_str())
        .execute(&mut *tx)
        .await?;
    feed::emit(&mut tx, "site_host", host.as_str(), "removed").await?;
    audit::Change::new("site.host_remove", "organisation", code)
        .with_detail(serde_json::json!({ "host": host.as_str() }))
        .commit(tx, store, actor)
        .await
}
