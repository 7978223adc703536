//! `GET/POST /admin/orgs`: the organisation tree and the form to add one;
//! `POST /admin/orgs/{code}/phone`: an organisation's public contact phone (never masked on
//! public pages).

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::org::{OrgCode, OrgKind, OrgName};
use gongkai_domain::role::Permission;
use gongkai_store::orgs::{self, NewOrganisation};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::admin::forms::checked;
use crate::auth::scope;
use crate::forms::{FieldRefusals, saved};
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// The add form, as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct OrgForm {
    code: String,
    name: String,
    short_name: String,
    kind: String,
    parent: String,
}

/// The page: the organisations the administrator manages (in a deployment shared by several
/// sites, only their own site's tree), which are also the parents the add form offers.
async fn render(
    desk: &Desk,
    status: StatusCode,
    form: &OrgForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let list = desk.scope(Permission::ManageOrganisations).await?;
    desk.page(
        status,
        "admin/orgs.html",
        context! { orgs => ser(&list), form => ser(form), errors => ser(errors) },
    )
    .await
}

/// Lists organisations with an empty add form.
pub async fn list(desk: Desk) -> Result<Response, WebError> {
    let errors = FieldErrors::new();
    render(&desk, StatusCode::OK, &OrgForm::default(), &errors).await
}

/// Adds an organisation, or shows the form again with what was typed and what is wrong.
pub async fn create(desk: Desk, Form(form): Form<OrgForm>) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = &desk;
    let mut errors = FieldErrors::new();
    let code = checked(&mut errors, OrgCode::parse(&form.code));
    let name = checked(&mut errors, OrgName::parse(&form.name));
    let short_name = if form.short_name.trim().is_empty() {
        None
    } else {
        OrgName::parse(&form.short_name)
            .map_err(|e| {
                let code = match e.error_code() {
                    ErrorCode::OrgNameControlCharacters => ErrorCode::OrgShortNameControlCharacters,
                    _ => ErrorCode::OrgShortNameLength,
                };
                errors.insert("short_name", code);
            })
            .ok()
    };
    let kind = if form.kind.trim().is_empty() {
        None
    } else {
        checked(&mut errors, OrgKind::parse(&form.kind))
    };
    // A new organisation goes under one the administrator manages; a new site (a top-level
    // government) is the operator's to add, from the command line.
    let parent = if form.parent.trim().is_empty() {
        errors.insert("parent", ErrorCode::OrgParentRequired);
        None
    } else {
        OrgCode::parse(&form.parent)
            .map_err(|e| {
                errors.insert("parent", e);
            })
            .ok()
    };
    if let Some(code) = &parent {
        let managed = scope(state, staff, Permission::ManageOrganisations).await?;
        if !managed.iter().any(|o| o.code == code.as_str()) {
            errors.insert("parent", ErrorCode::OrgParentOutOfScope);
        }
    }
    if let (true, Some(code), Some(name)) = (errors.is_empty(), code, name) {
        let new = NewOrganisation {
            code,
            name,
            short_name,
            kind,
            parent,
        };
        let created = orgs::create(&state.store, &desk.actor(), new).await;
        let refusals = FieldRefusals::conflict("code").missing("parent");
        if saved(created, &mut errors, refusals)?.is_some() {
            return Ok(Redirect::to("/admin/orgs").into_response());
        }
    }
    render(&desk, StatusCode::BAD_REQUEST, &form, &errors).await
}

/// The public contact phone form.
#[derive(Debug, Default, Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    public_phone: String,
}

/// Sets the public contact phone of an organisation the administrator manages; public pages
/// never mask it. A refused value shows the page again with the reason.
pub async fn set_public_phone(
    desk: Desk,
    Path(code): Path<String>,
    Form(form): Form<PhoneForm>,
) -> Result<Response, WebError> {
    let managed = desk.scope(Permission::ManageOrganisations).await?;
    let code = OrgCode::parse(&code).map_err(|_| {
        WebError::NotFound(ErrorCode::InputNotFound.refusal(&[("what", &"该机构")]))
    })?;
    if !managed.iter().any(|o| o.code == code.as_str()) {
        return Err(WebError::Forbidden(Permission::ManageOrganisations.label()));
    }
    let phone = &form.public_phone;
    let set = orgs::set_public_phone(&desk.state.store, &desk.actor(), &code, phone).await;
    let mut errors = FieldErrors::new();
    if saved(set, &mut errors, FieldRefusals::conflict("public_phone"))?.is_some() {
        return Ok(Redirect::to("/admin/orgs").into_response());
    }
    render(&desk, StatusCode::BAD_REQUEST, &OrgForm::default(), &errors).await
}
