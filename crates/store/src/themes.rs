//! A site's theme tree (主题分类): the gov.cn tree shipped in the domain crate, extended or
//! renamed per site by the openness office (rows in `themes`, keyed by the theme's code).

use gongkai_domain::ErrorCode;
use gongkai_domain::catalogue::{Theme, default_themes};
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError, audit, feed};

/// The themes of a site: the default tree with the site's renames applied, then the site's own
/// additions, each sub-category after its parent.
pub async fn list(store: &Store, site_id: i64) -> Result<Vec<Theme>> {
    let rows = sqlx::query(
        "SELECT code, name, parent_code FROM themes WHERE site_id = $1 ORDER BY sort_order, code",
    )
    .bind(site_id)
    .fetch_all(store.pool())
    .await?;
    let mut themes = default_themes();
    for r in rows {
        let code: String = r.try_get("code")?;
        let name: String = r.try_get("name")?;
        let parent: Option<String> = r.try_get("parent_code")?;
        match themes.iter_mut().find(|t| t.code == code) {
            Some(t) => t.name = name,
            None => {
                let at = match &parent {
                    Some(p) => themes
                        .iter()
                        .rposition(|t| t.code == *p || t.parent.as_deref() == Some(p.as_str()))
                        .map_or(themes.len(), |i| i + 1),
                    None => themes.len(),
                };
                themes.insert(at, Theme { code, name, parent });
            }
        }
    }
    Ok(themes)
}

/// Adds a theme to a site (under `parent` when given), audited. The code is `parent\name` or
/// `name`, as the shipped tree writes it.
pub async fn add(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    name: &str,
    parent: Option<&str>,
) -> Result<Theme> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 || name.contains('\\') {
        return Err(StoreError::conflict(ErrorCode::ThemeNameInvalid));
    }
    let existing = list(store, site_id).await?;
    if let Some(p) = parent
        && !existing.iter().any(|t| t.code == p && t.parent.is_none())
    {
        return Err(StoreError::conflict_with(
            ErrorCode::ThemeParentMissing,
            &[("parent", &p)],
        ));
    }
    let code = match parent {
        Some(p) => format!("{p}\\{name}"),
        None => name.to_owned(),
    };
    if existing.iter().any(|t| t.code == code) {
        return Err(StoreError::conflict_with(
            ErrorCode::ThemeTaken,
            &[("theme", &code.replace('\\', " › "))],
        ));
    }
    let mut tx = store.begin_write().await?;
    sqlx::query("INSERT INTO themes (site_id, code, name, parent_code, sort_order) VALUES ($1, $2, $3, $4, 0)")
        .bind(site_id)
        .bind(&code)
        .bind(name)
        .bind(parent)
        .execute(&mut *tx)
        .await?;
    feed::emit(&mut tx, "theme", &site_id.to_string(), "created").await?;
    audit::Change::new("theme.add", "organisation", site_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "code": code }))
        .commit(tx, store, actor)
        .await?;
    Ok(Theme {
        code,
        name: name.to_owned(),
        parent: parent.map(str::to_owned),
    })
}

/// Renames a theme of a site (shipped or added), audited. Records keep its code.
pub async fn rename(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    code: &str,
    name: &str,
) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(StoreError::conflict(ErrorCode::ThemeNameLength));
    }
    let existing = list(store, site_id).await?;
    let theme = existing
        .iter()
        .find(|t| t.code == code)
        .ok_or_else(|| StoreError::NotFound {
            what: format!("主题“{code}”"),
        })?;
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO themes (site_id, code, name, parent_code, sort_order) VALUES ($1, $2, $3, $4, 0)
         ON CONFLICT (site_id, code) DO UPDATE SET name = excluded.name",
    )
    .bind(site_id)
    .bind(code)
    .bind(name)
    .bind(theme.parent.clone())
    .execute(&mut *tx)
    .await?;
    feed::emit(&mut tx, "theme", &site_id.to_string(), "updated").await?;
    audit::Change::new("theme.rename", "organisation", site_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "code": code, "name": name }))
        .commit(tx, store, actor)
        .await
}
