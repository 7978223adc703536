//! `/admin/users`: staff accounts: list, add, disable or enable, reset a password.
//!
//! A county's administrator manages the accounts of their own organisations only. An account
//! holding a platform grant (平台管理员) is the platform's: it is not listed here and a county
//! administrator can neither disable it nor reset its password, and the form grants only the
//! roles of an organisation (`Role::ALL`), never a platform role.

use crate::admin::desk::Desk;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::org::OrgCode;
use gongkai_domain::role::{Permission, Role};
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use gongkai_store::Actor;
use gongkai_store::users::{self, NewStaff, Staff};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::admin::forms::{checked, field, parse_pairs, repeated};
use crate::auth::{check_org, scope};
use crate::forms::{FieldRefusals, saved};
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;
use gongkai_domain::FieldErrors;

/// The add form, as typed. Roles arrive as repeated `roles` fields.
#[derive(Debug, Default, Serialize, Clone)]
pub struct UserForm {
    username: String,
    display_name: String,
    org: String,
    roles: Vec<String>,
}

/// The page: the accounts of the organisations the administrator manages (in a deployment shared
/// by several sites, only their own site's), and the add form offering only those organisations.
async fn render(
    desk: &Desk,
    status: StatusCode,
    form: &UserForm,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = desk;
    let orgs = scope(state, staff, Permission::ManageUsers).await?;
    let list = users::list(&state.store).await?;
    let rows: Vec<_> = list
        .iter()
        .filter(|u| !u.is_platform() && orgs.iter().any(|o| o.id == u.org_id))
        .map(|u| {
            context! {
                username => &u.username, display_name => &u.display_name, org_name => &u.org_name,
                roles => u.role_labels(), disabled => u.disabled,
            }
        })
        .collect();
    desk.page(
        status,
        "admin/users.html",
        context! { users => rows, orgs => ser(&orgs), roles => ser(&code_labels!(Role::ALL)), form => ser(form), errors => ser(errors), notice => notice },
    )
    .await
}

/// Lists accounts with an empty add form.
pub async fn list(desk: Desk) -> Result<Response, WebError> {
    let errors = FieldErrors::new();
    render(&desk, StatusCode::OK, &UserForm::default(), &errors, None).await
}

/// Adds an account, or shows the form again with what was typed and what is wrong.
pub async fn create(desk: Desk, body: axum::body::Bytes) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    // Read as pairs because `roles` repeats.
    let pairs = parse_pairs(&body);
    let get = |name: &str| field(&pairs, name).to_owned();
    let form = UserForm {
        username: get("username"),
        display_name: get("display_name"),
        org: get("org"),
        roles: repeated(&pairs, "roles"),
    };
    let mut errors = FieldErrors::new();
    let username = checked(&mut errors, Username::parse(&form.username));
    let display_name = checked(&mut errors, DisplayName::parse(&form.display_name));
    let org = OrgCode::parse(&form.org)
        .map_err(|_| {
            errors.insert("org", ErrorCode::UserOrgRequired);
        })
        .ok();
    if let Some(code) = &org {
        let managed = scope(state, staff, Permission::ManageUsers).await?;
        if !managed.iter().any(|o| o.code == code.as_str()) {
            errors.insert("org", ErrorCode::UserOrgOutOfScope);
        }
    }
    let roles: Vec<Role> = form
        .roles
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .collect();
    if roles.iter().any(|r| r.is_platform()) {
        return Err(WebError::Forbidden(Permission::ManageSites.label()));
    }
    if roles.is_empty() {
        errors.insert("roles", ErrorCode::UserRolesRequired);
    }
    let password = checked(&mut errors, NewPassword::parse(&get("password")));
    if let (true, Some(username), Some(display_name), Some(org), Some(password)) =
        (errors.is_empty(), username, display_name, org, password)
    {
        let new = NewStaff {
            username,
            display_name,
            org,
            roles,
            password,
        };
        let created = users::create(&state.store, &desk.actor(), new).await;
        let refusals = FieldRefusals::conflict("username").missing("org");
        if saved(created, &mut errors, refusals)?.is_some() {
            return Ok(Redirect::to("/admin/users").into_response());
        }
    }
    render(&desk, StatusCode::BAD_REQUEST, &form, &errors, None).await
}

/// The account `username` if `staff` manages it: one of their organisations' accounts, and not
/// the platform's (403 otherwise).
async fn managed_account(
    state: &AppState,
    staff: &Staff,
    username: &Username,
) -> Result<Staff, WebError> {
    let target = users::by_username(&state.store, username).await?;
    check_org(state, staff, Permission::ManageUsers, target.org_id).await?;
    if target.is_platform() {
        return Err(WebError::Forbidden(Permission::ManageSites.label()));
    }
    Ok(target)
}

/// Status form: `disabled=1` disables, `disabled=0` enables.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    disabled: String,
}

/// Disables or enables an account. An administrator cannot disable their own account.
pub async fn set_status(
    Desk { state, staff, ip, .. }: Desk,
    Path(username): Path<String>,
    axum::Form(f): axum::Form<StatusForm>,
) -> Result<Response, WebError> {
    let username = Username::parse(&username)?;
    managed_account(&state, &staff, &username).await?;
    let disable = f.disabled == "1";
    if disable && username.as_str() == staff.username {
        return Err(WebError::Conflict(ErrorCode::UserCannotDisableSelf.into()));
    }
    users::set_disabled(
        &state.store,
        &Actor::user(&staff.username, &ip),
        &username,
        disable,
    )
    .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// Password reset form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// Sets a new password for an account and ends its sessions.
pub async fn reset_password(
    desk: Desk,
    Path(username): Path<String>,
    axum::Form(f): axum::Form<PasswordForm>,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    let username = Username::parse(&username)?;
    managed_account(state, staff, &username).await?;
    let password = NewPassword::parse(&f.password)?;
    users::set_password(&state.store, &desk.actor(), &username, &password).await?;
    let notice = format!("已为用户“{username}”设置新密码，其已登录的会话均已退出。");
    let errors = FieldErrors::new();
    render(
        &desk,
        StatusCode::OK,
        &UserForm::default(),
        &errors,
        Some(notice),
    )
    .await
}
