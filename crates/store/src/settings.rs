//! Site settings as key/value text (site name, 网站标识码, ICP备案号 …), with defaults.

use crate::{Actor, Result, Store, audit};

/// Reads a setting, or `None` when unset.
pub async fn get(store: &Store, key: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// Writes a setting, audited.
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
    audit::Change::new("setting.set", "setting", key.to_owned())
        .with_detail(serde_json::json!({ "value": value }))
        .commit(tx, store, actor)
        .await
}
