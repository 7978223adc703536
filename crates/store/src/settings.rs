//! Site settings as key/value text (site name, 网站标识码, ICP备案号 …), with defaults.

use sqlx::Row;

use crate::{Actor, Result, Store, audit, feed};

/// Reads a setting, or `None` when unset.
pub async fn get(store: &Store, key: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// The settings among `keys` that are set, read in one query (a page's footer reads a dozen).
pub async fn many(
    store: &Store,
    keys: &[&str],
) -> Result<std::collections::HashMap<String, String>> {
    if keys.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let mut q = crate::sql::Sql::new("SELECT key, value FROM settings WHERE key IN ");
    q.text_list(keys.iter().map(|k| (*k).to_owned()));
    let rows = q.query().fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
        .collect()
}

/// The key of a per-site setting: `key.<site code>` for one site, `key` for every site.
pub fn site_key(key: &str, site_code: Option<&str>) -> String {
    site_code.map_or_else(|| key.to_owned(), |code| format!("{key}.{code}"))
}

/// A setting of the site `site_code`, falling back to the deployment-wide `key`; trimmed, and
/// `None` when unset or blank. The one rule for every per-site setting.
pub async fn for_site(store: &Store, key: &str, site_code: &str) -> Result<Option<String>> {
    let own = site_key(key, Some(site_code));
    // Both keys in one query; the site's own value wins.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key = $1 OR key = $2")
            .bind(&own)
            .bind(key)
            .fetch_all(store.pool())
            .await?;
    let v = rows
        .iter()
        .find(|(k, _)| *k == own)
        .or_else(|| rows.iter().find(|(k, _)| k == key))
        .map(|(_, v)| v.trim().to_owned());
    Ok(v.filter(|s| !s.is_empty()))
}

/// Writes a setting, audited, with a change-feed row (`setting`, the key) in the same
/// transaction, so every node drops what it derived from settings (the site's header and footer,
/// kept pages) within a second.
pub async fn set(store: &Store, actor: &Actor, key: &str, value: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *tx)
    .await?;
    feed::emit(&mut tx, "setting", key, "updated").await?;
    audit::Change::new("setting.set", "setting", key.to_owned())
        .with_detail(serde_json::json!({ "value": value }))
        .commit(tx, store, actor)
        .await
}
