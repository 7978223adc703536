//! Organisations: a tree of governments, departments and townships.

use gongkai_domain::ErrorCode;
use gongkai_domain::org::{OrgCode, OrgKind, OrgName};
use gongkai_domain::pii::PublicNumbers;
use serde::Serialize;
use sqlx::Row;

use crate::column;
use crate::sql;
use crate::{Actor, Result, Store, StoreError, Tx, audit, feed, now, ts};

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    /// Database id.
    pub id: i64,
    /// Organ code (机构代码), e.g. `WQX001`.
    pub code: String,
    /// Full name, e.g. 乌恰县财政局.
    pub name: String,
    /// Short name for tight places, e.g. 县财政局.
    pub short_name: String,
    /// `government`, `department` or `township`.
    pub kind: String,
    /// Parent's id; `None` for a site's root government.
    pub parent_id: Option<i64>,
    /// Parent's organ code.
    pub parent_code: Option<String>,
    /// Public contact phone (对外联系电话): official, so never masked on public pages.
    pub public_phone: String,
    /// The site (root government) the organisation belongs to; a root's own id.
    pub site_id: i64,
}

/// What is needed to add an organisation.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Organ code.
    pub code: OrgCode,
    /// Full name.
    pub name: OrgName,
    /// Short name; the full name when absent.
    pub short_name: Option<OrgName>,
    /// Kind; inferred when absent.
    pub kind: Option<OrgKind>,
    /// Parent's organ code; `None` makes a new site.
    pub parent: Option<OrgCode>,
}

const SELECT: &str =
    "SELECT o.id, o.code, o.name, o.short_name, o.kind, o.parent_id, p.code AS parent_code,
    o.public_phone, o.site_id FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id";

column::from_row!(Organisation => id, code, name, short_name, kind, parent_id, parent_code,
    public_phone, site_id);

/// Adds an organisation, audited; refuses a taken code or an unknown parent.
pub async fn create(store: &Store, actor: &Actor, new: NewOrganisation) -> Result<Organisation> {
    let mut tx = store.begin_write().await?;
    let id = insert(&mut tx, store, actor, &new).await?;
    tx.commit().await?;
    by_id(store, id).await
}

/// Inserts the organisation `new` inside `tx` (a root becomes its own site), emits its feed row
/// and appends `org.create`; returns its id. Refuses a taken code or an unknown parent.
pub(crate) async fn insert(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    new: &NewOrganisation,
) -> Result<i64> {
    let parent: Option<(i64, i64)> = match &new.parent {
        Some(code) => Some(
            sqlx::query_as("SELECT id, site_id FROM organisations WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    what: format!("上级机构“{code}”"),
                })?,
        ),
        None => None,
    };
    let parent_id = parent.map(|(id, _)| id);
    if sql::exists(
        sqlx::query("SELECT id FROM organisations WHERE code = $1").bind(new.code.as_str()),
        &mut **tx,
    )
    .await?
    {
        return Err(StoreError::conflict_with(
            ErrorCode::OrgCodeTaken,
            &[("code", &new.code)],
        ));
    }
    let kind = new
        .kind
        .unwrap_or_else(|| OrgKind::infer(&new.name, parent_id.is_some()));
    let short = new.short_name.as_ref().unwrap_or(&new.name);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (code, name, short_name, kind, parent_id, site_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.code.as_str())
    .bind(new.name.as_str())
    .bind(short.as_str())
    .bind(kind.code())
    .bind(parent_id)
    .bind(parent.map(|(_, site)| site))
    .bind(ts(now()))
    .fetch_one(&mut **tx)
    .await?;
    if parent.is_none() {
        // A new root is a new site: its own.
        sqlx::query("UPDATE organisations SET site_id = id WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    feed::emit(tx, "organisation", new.code.as_str(), "created").await?;
    audit::Change::new("org.create", "organisation", new.code.to_string())
        .with_detail(serde_json::json!({
            "name": new.name.as_str(),
            "short_name": short.as_str(),
            "kind": kind.code(),
            "parent": new.parent.as_ref().map(|p| p.to_string()),
        }))
        .append(tx, store, actor)
        .await?;
    Ok(id)
}

/// All organisations, roots first, then by tree position.
pub async fn list(store: &Store) -> Result<Vec<Organisation>> {
    let q = format!("{SELECT} ORDER BY o.id");
    let all = sql::all(sqlx::query(sqlx::AssertSqlSafe(q)), store.pool()).await?;
    Ok(tree_order(all))
}

/// The organisations of one site (its root and everything under it), as a tree.
pub async fn of_site(store: &Store, site_id: i64) -> Result<Vec<Organisation>> {
    let q = format!("{SELECT} WHERE o.site_id = $1 ORDER BY o.id");
    let all = sql::all(
        sqlx::query(sqlx::AssertSqlSafe(q)).bind(site_id),
        store.pool(),
    )
    .await?;
    Ok(tree_order(all))
}

/// Orders organisations depth-first: each parent followed by its children.
fn tree_order(all: Vec<Organisation>) -> Vec<Organisation> {
    fn visit(parent: Option<i64>, all: &[Organisation], out: &mut Vec<Organisation>) {
        for o in all.iter().filter(|o| o.parent_id == parent) {
            out.push(o.clone());
            visit(Some(o.id), all, out);
        }
    }
    let mut out = Vec::with_capacity(all.len());
    visit(None, &all, &mut out);
    out
}

/// One organisation by id.
pub async fn by_id(store: &Store, id: i64) -> Result<Organisation> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE o.id = $1"))).bind(id),
        store.pool(),
        format!("编号为 {id} 的机构"),
    )
    .await
}

/// One organisation by organ code.
pub async fn by_code(store: &Store, code: &OrgCode) -> Result<Organisation> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE o.code = $1"))).bind(code.as_str()),
        store.pool(),
        format!("机构“{code}”"),
    )
    .await
}

/// The chain of ids from `id` up to its root, itself first (for authorisation).
pub async fn chain(store: &Store, id: i64) -> Result<Vec<i64>> {
    // One recursive query instead of one per level. A tree is shallow (county → department →
    // office); the depth bound guards against a cycle.
    let mut out: Vec<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up(id, parent_id, depth) AS (
             SELECT id, parent_id, 0 FROM organisations WHERE id = $1
             UNION ALL
             SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o
             JOIN up ON o.id = up.parent_id WHERE up.depth < 16
         )
         SELECT id FROM up ORDER BY depth",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    if out.is_empty() {
        out.push(id);
    }
    Ok(out)
}

/// The site (root organisation) the organisation `id` belongs to: the top of its [`chain`].
pub async fn site_of(store: &Store, id: i64) -> Result<i64> {
    Ok(*chain(store, id).await?.last().unwrap_or(&id))
}

/// The chain of ids from `id` up to its root, itself first, read from an already loaded list
/// (so a page deciding scope for every organisation asks the database once, not per row).
pub fn chain_within(all: &[Organisation], id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut current = id;
    // The same bound as [`chain`]: a tree is shallow, and a cycle must not loop for ever.
    for _ in 0..16 {
        match all
            .iter()
            .find(|o| o.id == current)
            .and_then(|o| o.parent_id)
        {
            Some(p) => {
                out.push(p);
                current = p;
            }
            None => break,
        }
    }
    out
}

/// The root organisations: one per site of the deployment.
pub async fn sites(store: &Store) -> Result<Vec<Organisation>> {
    sql::all(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE o.parent_id IS NULL ORDER BY o.id"
        ))),
        store.pool(),
    )
    .await
}

/// Direct children of an organisation.
pub async fn children(store: &Store, id: i64) -> Result<Vec<Organisation>> {
    sql::all(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE o.parent_id = $1 ORDER BY o.sort_order, o.id"
        )))
        .bind(id),
        store.pool(),
    )
    .await
}

/// The most characters a public contact phone field may hold.
pub const PUBLIC_PHONE_MAX_CHARS: usize = 64;

/// Sets an organisation's public contact phone (empty clears it), audited; refuses a value
/// longer than [`PUBLIC_PHONE_MAX_CHARS`] or one holding control characters.
pub async fn set_public_phone(
    store: &Store,
    actor: &Actor,
    code: &OrgCode,
    phone: &str,
) -> Result<()> {
    let phone = phone.trim();
    if phone.chars().count() > PUBLIC_PHONE_MAX_CHARS || phone.chars().any(char::is_control) {
        return Err(StoreError::conflict(ErrorCode::OrgPublicPhoneInvalid));
    }
    let mut tx = store.begin_write().await?;
    let n = sqlx::query("UPDATE organisations SET public_phone = $1 WHERE code = $2")
        .bind(phone)
        .bind(code.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound {
            what: format!("机构“{code}”"),
        });
    }
    feed::emit(&mut tx, "organisation", code.as_str(), "updated").await?;
    audit::Change::new("org.public_phone", "organisation", code.to_string())
        .with_detail(serde_json::json!({ "public_phone": phone }))
        .commit(tx, store, actor)
        .await
}

/// The phone numbers a site publishes as its own, which public pages never mask: the footer
/// phone (`phone` setting), the public contact phone of every organisation of the site, and
/// the phone, fax and text of their 政府信息公开指南.
pub async fn public_numbers(store: &Store, site_id: i64) -> Result<PublicNumbers> {
    let all = list(store).await?;
    let ours: Vec<i64> = all
        .iter()
        .filter(|o| chain_within(&all, o.id).last() == Some(&site_id))
        .map(|o| o.id)
        .collect();
    let mut texts: Vec<String> = Vec::new();
    if let Some(phone) = crate::settings::get(store, "phone").await? {
        texts.push(phone);
    }
    texts.extend(
        all.iter()
            .filter(|o| ours.contains(&o.id))
            .map(|o| o.public_phone.clone()),
    );
    // One read for every guide: this runs for each document the search index takes.
    let guides = sqlx::query("SELECT org_id, phone, fax, body_html FROM org_guides")
        .fetch_all(store.pool())
        .await?;
    for g in &guides {
        if ours.contains(&g.try_get::<i64, _>("org_id")?) {
            for column in ["phone", "fax", "body_html"] {
                texts.push(g.try_get(column)?);
            }
        }
    }
    Ok(PublicNumbers::from_texts(texts.iter().map(String::as_str)))
}

/// How many organisations, and how many staff accounts at them, the sites `site_ids` have: the
/// dashboard's counts, each member of staff seeing their own sites'.
pub async fn counts_in_sites(store: &Store, site_ids: &[i64]) -> Result<(i64, i64)> {
    if site_ids.is_empty() {
        return Ok((0, 0));
    }
    let mut q = sql::Sql::new("SELECT (SELECT COUNT(*) FROM organisations WHERE site_id IN ");
    q.int_list(site_ids.iter().copied())
        .push(") AS orgs, (SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.org_id WHERE o.site_id IN ")
        .int_list(site_ids.iter().copied())
        .push(") AS users");
    let row = q.query().fetch_one(store.pool()).await?;
    Ok((row.try_get("orgs")?, row.try_get("users")?))
}
