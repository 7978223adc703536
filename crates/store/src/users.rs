//! Staff accounts: creation, passwords (argon2), roles scoped to organisations, login with
//! throttling.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::org::OrgCode;
use gongkai_domain::role::{Grant, Grants, Role};
use gongkai_domain::throttle::{LoginPolicy, ThrottleScope};
use gongkai_domain::time::parse_storage_timestamp;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use serde::Serialize;
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError, Tx, audit, column, now, orgs, secrets, sql, ts};

/// A staff member as the back office sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    /// Database id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// 姓名.
    pub display_name: String,
    /// Home organisation's id.
    pub org_id: i64,
    /// Home organisation's code.
    pub org_code: String,
    /// Home organisation's name.
    pub org_name: String,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// E-mail for notifications (may be empty).
    pub email: String,
    /// Roles and where they apply.
    pub grants: Grants,
}

impl Staff {
    /// Whether the account holds a grant of the platform (平台管理员): such an account is
    /// managed by the platform, never by a county's administrator.
    pub fn is_platform(&self) -> bool {
        self.grants.0.iter().any(|g| g.org_id.is_none())
    }

    /// Chinese labels of the roles, for display.
    pub fn role_labels(&self) -> Vec<&'static str> {
        let roles: BTreeSet<Role> = self.grants.0.iter().map(|g| g.role).collect();
        roles.into_iter().map(Role::label).collect()
    }
}

/// What is needed to add an account.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Login name.
    pub username: Username,
    /// 姓名.
    pub display_name: DisplayName,
    /// Home organisation; roles are granted there.
    pub org: OrgCode,
    /// Roles to grant (at least one).
    pub roles: Vec<Role>,
    /// Initial password.
    pub password: NewPassword,
}

/// Hashes a password with argon2id on a blocking thread (it takes tens of milliseconds).
pub async fn hash_password(password: &NewPassword) -> Result<String> {
    secrets::hash(password.expose()).await
}

/// Inserts the account `new` of the organisation `org_id` (organ code `org_code`) with the
/// password hash `hash` and its grants inside `tx`, and appends `user.create`; returns its id.
/// Refuses an empty role list and a taken user name.
pub(crate) async fn insert(
    tx: &mut Tx,
    store: &Store,
    actor: &Actor,
    new: &NewStaff,
    org_code: &str,
    org_id: i64,
    hash: String,
) -> Result<i64> {
    if new.roles.is_empty() {
        return Err(StoreError::conflict(ErrorCode::UserRoleRequired));
    }
    if sql::exists(
        sqlx::query("SELECT id FROM users WHERE username = $1").bind(new.username.as_str()),
        &mut **tx,
    )
    .await?
    {
        return Err(StoreError::conflict_with(
            ErrorCode::UserUsernameTaken,
            &[("username", &new.username)],
        ));
    }
    let at = ts(now());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, org_id, password_hash, disabled, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, 0, $5, $5) RETURNING id",
    )
    .bind(new.username.as_str())
    .bind(new.display_name.as_str())
    .bind(org_id)
    .bind(hash)
    .bind(&at)
    .fetch_one(&mut **tx)
    .await?;
    let roles: BTreeSet<Role> = new.roles.iter().copied().collect();
    for role in &roles {
        let grant = if role.is_platform() {
            sqlx::query(
                "INSERT INTO platform_grants (user_id, role, created_at) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(role.code())
            .bind(&at)
        } else {
            sqlx::query("INSERT INTO user_roles (user_id, role, org_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(role.code())
                .bind(org_id)
        };
        grant.execute(&mut **tx).await?;
    }
    audit::Change::new("user.create", "user", new.username.to_string())
        .with_detail(serde_json::json!({
            "display_name": new.display_name.as_str(),
            "org": org_code,
            "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        }))
        .append(tx, store, actor)
        .await?;
    Ok(id)
}

/// Adds an account with its roles, audited. Roles of the platform (平台管理员) are granted to
/// the platform, the others in the account's organisation.
pub async fn create(store: &Store, actor: &Actor, new: NewStaff) -> Result<Staff> {
    let org = orgs::by_code(store, &new.org).await?;
    let hash = hash_password(&new.password).await?;
    let mut tx = store.begin_write().await?;
    let id = insert(&mut tx, store, actor, &new, &org.code, org.id, hash).await?;
    tx.commit().await?;
    by_id(store, id).await
}

column::from_row!(Staff => id, username, display_name, org_id, org_code, org_name, disabled, email;
    grants: Grants::default());

column::from_row!(Grant => role, org_id);

/// Loads an account with its organisation and grants.
pub async fn by_id(store: &Store, id: i64) -> Result<Staff> {
    let mut staff: Staff = sql::one(
        sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.org_id, u.disabled, u.email, o.code AS org_code, o.name AS org_name
             FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
        )
        .bind(id),
        store.pool(),
        format!("编号为 {id} 的用户"),
    )
    .await?;
    // Grants in organisations, then the platform's (which name no organisation).
    let grants: Vec<Grant> = sql::all(
        sqlx::query(
            "SELECT role, org_id FROM user_roles WHERE user_id = $1
             UNION ALL SELECT role, NULL FROM platform_grants WHERE user_id = $1",
        )
        .bind(id),
        store.pool(),
    )
    .await?;
    staff.grants = Grants(grants);
    Ok(staff)
}

async fn id_of(store: &Store, username: &Username) -> Result<i64> {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username.as_str())
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("用户“{username}”"),
        })
}

/// Ends every session of the account `id` inside `tx`.
async fn end_sessions(tx: &mut Tx, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One account by its login name.
pub async fn by_username(store: &Store, username: &Username) -> Result<Staff> {
    by_id(store, id_of(store, username).await?).await
}

/// Every account, in creation order.
pub async fn list(store: &Store) -> Result<Vec<Staff>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(by_id(store, id).await?);
    }
    Ok(out)
}

/// Sets a new password and ends the account's sessions, audited.
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    username: &Username,
    password: &NewPassword,
) -> Result<()> {
    let id = id_of(store, username).await?;
    let hash = hash_password(password).await?;
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(ts(now()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    end_sessions(&mut tx, id).await?;
    audit::Change::new("user.password", "user", username.to_string())
        .commit(tx, store, actor)
        .await
}

/// Disables or re-enables an account; disabling ends its sessions. Audited.
pub async fn set_disabled(
    store: &Store,
    actor: &Actor,
    username: &Username,
    disabled: bool,
) -> Result<()> {
    let id = id_of(store, username).await?;
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if disabled {
        end_sessions(&mut tx, id).await?;
    }
    audit::Change::new(
        if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        "user",
        username.to_string(),
    )
    .commit(tx, store, actor)
    .await
}

/// The result of a login attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Right name and password: the staff member.
    Success(Box<Staff>),
    /// Wrong name or password (never says which).
    BadCredentials,
    /// Too many failures: locked until then (for the account or the address).
    Locked(DateTime<Utc>),
    /// The account exists but is disabled.
    Disabled,
}

async fn failures_since(
    store: &Store,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT at FROM login_failures WHERE scope_key = $1 AND at > $2")
            .bind(key)
            .bind(ts(since))
            .fetch_all(store.pool())
            .await?;
    Ok(rows
        .iter()
        .filter_map(|s| parse_storage_timestamp(s))
        .collect())
}

async fn lock_state(
    store: &Store,
    policy: &LoginPolicy,
    keys: &[(ThrottleScope, String)],
    at: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let since = policy.window_start(at) - policy.lockout;
    let mut until = None;
    for (scope, key) in keys {
        let fails = failures_since(store, key, since).await?;
        if let Some(u) = policy.locked_until(*scope, &fails, at) {
            until = until.max(Some(u));
        }
    }
    Ok(until)
}

/// Checks a login, applying the throttling policy per account and per address, and records
/// failures (audited) so every node sees them.
pub async fn authenticate(
    store: &Store,
    policy: &LoginPolicy,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<LoginOutcome> {
    let name = username.trim().to_ascii_lowercase();
    let keys = [
        (
            ThrottleScope::Account,
            format!("{}{name}", ThrottleScope::Account.prefix()),
        ),
        (
            ThrottleScope::Address,
            format!("{}{ip}", ThrottleScope::Address.prefix()),
        ),
    ];
    let at = now();
    if let Some(until) = lock_state(store, policy, &keys, at).await? {
        return Ok(LoginOutcome::Locked(until));
    }
    let row = sqlx::query("SELECT id, password_hash, disabled FROM users WHERE username = $1")
        .bind(&name)
        .fetch_optional(store.pool())
        .await?;
    // Verify against a fixed hash when the user is unknown, so timing does not reveal names.
    let (id, hash, disabled) = match &row {
        Some(r) => (
            Some(r.try_get::<i64, _>("id")?),
            r.try_get::<String, _>("password_hash")?,
            r.try_get::<i64, _>("disabled")? != 0,
        ),
        None => (None, secrets::DUMMY_SECRET_HASH.to_owned(), false),
    };
    let ok = secrets::verify_hash(password, &hash).await && id.is_some();
    let actor = Actor::user(
        if name.is_empty() {
            "-".to_owned()
        } else {
            name.clone()
        },
        ip,
    );
    match (ok, id) {
        (true, Some(id)) if !disabled => {
            sqlx::query("DELETE FROM login_failures WHERE scope_key = $1")
                .bind(&keys[0].1)
                .execute(store.pool())
                .await?;
            Ok(LoginOutcome::Success(Box::new(by_id(store, id).await?)))
        }
        (true, Some(_)) => {
            audit::record(
                store,
                &actor,
                audit::Change::new("user.login_refused", "user", &name)
                    .with_detail(serde_json::json!({ "reason": "disabled" })),
            )
            .await?;
            Ok(LoginOutcome::Disabled)
        }
        _ => {
            let mut tx = store.begin_write().await?;
            for (_, key) in &keys {
                sqlx::query("INSERT INTO login_failures (scope_key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(ts(at))
                    .execute(&mut *tx)
                    .await?;
            }
            // Forget failures older than a day so the table stays small.
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(ts(at - chrono::Duration::days(1)))
                .execute(&mut *tx)
                .await?;
            audit::Change::new("user.login_failed", "user", &name)
                .commit(tx, store, &actor)
                .await?;
            match lock_state(store, policy, &keys, at).await? {
                Some(until) => Ok(LoginOutcome::Locked(until)),
                None => Ok(LoginOutcome::BadCredentials),
            }
        }
    }
}

/// Sets the e-mail address notifications go to, audited.
pub async fn set_email(
    store: &Store,
    actor: &Actor,
    username: &Username,
    email: &str,
) -> Result<()> {
    let email = email.trim();
    if !email.is_empty() && !gongkai_domain::user::valid_email(email) {
        return Err(StoreError::conflict(ErrorCode::UserEmailInvalid));
    }
    let id = id_of(store, username).await?;
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::Change::new("user.email", "user", username.to_string())
        .commit(tx, store, actor)
        .await
}
