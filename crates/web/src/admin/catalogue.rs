//! `/admin/guides/{code}` (each organisation's 政府信息公开指南) and `/admin/negative` (the
//! site's negative list for screening): the openness office's catalogue tools.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Permission;
use gongkai_store::guides::{self, Guide};
use gongkai_store::{StoreError, orgs};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::auth::check_in;
use crate::forms::{FieldRefusals, saved};
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// The guide form as typed.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct GuideForm {
    body: String,
    office_name: String,
    address: String,
    hours: String,
    phone: String,
    fax: String,
    email: String,
    postcode: String,
}

/// The organisation of `code`, if the staff member supervises it.
async fn org_in_scope(desk: &Desk, code: &str) -> Result<orgs::Organisation, WebError> {
    let Desk { state, staff, .. } = desk;
    let code =
        OrgCode::parse(code).map_err(|_| WebError::NotFound(ErrorCode::OrgNotFound.into()))?;
    let org = orgs::by_code(&state.store, &code).await?;
    let chain = orgs::chain(&state.store, org.id).await?;
    check_in(staff, Permission::Supervise, &chain)?;
    Ok(org)
}

/// The guide page of `org`: the form as typed (or stored) with what is wrong with it.
async fn render_guide(
    desk: &Desk,
    status: StatusCode,
    org: &orgs::Organisation,
    form: &GuideForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let all = orgs::list(&desk.state.store).await?;
    desk.page(
        status,
        "admin/guide.html",
        context! { org => ser(org), form => ser(form), errors => ser(errors), orgs => ser(&all) },
    )
    .await
}

/// `GET /admin/guides/{code}`: the guide form for one organisation.
pub async fn guide_form(desk: Desk, Path(code): Path<String>) -> Result<Response, WebError> {
    let org = org_in_scope(&desk, &code).await?;
    let g = guides::get(&desk.state.store, org.id)
        .await?
        .unwrap_or_default();
    let form = GuideForm {
        body: g.body_html,
        office_name: g.office_name,
        address: g.address,
        hours: g.hours,
        phone: g.phone,
        fax: g.fax,
        email: g.email,
        postcode: g.postcode,
    };
    render_guide(&desk, StatusCode::OK, &org, &form, &FieldErrors::new()).await
}

/// `POST /admin/guides/{code}`: saves the guide (sanitised), audited.
pub async fn guide_save(
    desk: Desk,
    Path(code): Path<String>,
    Form(form): Form<GuideForm>,
) -> Result<Response, WebError> {
    let org = org_in_scope(&desk, &code).await?;
    let mut errors = FieldErrors::new();
    let body_html = gongkai_content::body_html(&form.body);
    if gongkai_content::html_to_text(&body_html).trim().is_empty() {
        errors.insert("body", ErrorCode::GuideBodyRequired);
    }
    for (field, value, max) in [
        ("office_name", &form.office_name, 64),
        ("address", &form.address, 128),
        ("hours", &form.hours, 128),
        ("phone", &form.phone, 64),
        ("fax", &form.fax, 64),
        ("email", &form.email, 128),
        ("postcode", &form.postcode, 16),
    ] {
        if value.chars().count() > max {
            errors.insert(field, ErrorCode::InputTooLong.refusal(&[("max", &max)]));
        }
    }
    if !form.email.trim().is_empty() && !gongkai_domain::user::valid_email(&form.email) {
        errors.insert("email", ErrorCode::ContactEmailInvalid);
    }
    if errors.is_empty() {
        let g = Guide {
            org_id: org.id,
            body_html,
            office_name: form.office_name.trim().to_owned(),
            address: form.address.trim().to_owned(),
            hours: form.hours.trim().to_owned(),
            phone: form.phone.trim().to_owned(),
            fax: form.fax.trim().to_owned(),
            email: form.email.trim().to_owned(),
            postcode: form.postcode.trim().to_owned(),
            updated_at: String::new(),
        };
        guides::save(&desk.state.store, &desk.actor(), &g).await?;
        return Ok(Redirect::to(&format!("/xxgk/zhinan/{}", org.code)).into_response());
    }
    render_guide(&desk, StatusCode::BAD_REQUEST, &org, &form, &errors).await
}

/// The negative-list form.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct TermForm {
    term: String,
    category: String,
}

/// The negative list of `site` with the add form as typed.
async fn render_negative(
    desk: &Desk,
    site: &orgs::Organisation,
    status: StatusCode,
    form: &TermForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let terms = gongkai_store::screening::negative_terms(&desk.state.store, site.id).await?;
    desk.page(
        status,
        "admin/negative.html",
        context! { site => ser(site), terms => ser(&terms), form => ser(form), errors => ser(errors) },
    )
    .await
}

/// The site (root organisation) of the staff member's home organisation.
async fn site_of(desk: &Desk) -> Result<orgs::Organisation, WebError> {
    let Desk { state, staff, .. } = desk;
    let chain = orgs::chain(&state.store, staff.org_id).await?;
    let root = *chain.last().unwrap_or(&staff.org_id);
    Ok(orgs::by_id(&state.store, root).await?)
}

/// `GET /admin/negative`: the site's negative list.
pub async fn negative(desk: Desk) -> Result<Response, WebError> {
    let site = site_of(&desk).await?;
    let errors = FieldErrors::new();
    render_negative(&desk, &site, StatusCode::OK, &TermForm::default(), &errors).await
}

/// `POST /admin/negative`: adds a term, audited.
pub async fn negative_add(desk: Desk, Form(form): Form<TermForm>) -> Result<Response, WebError> {
    let site = site_of(&desk).await?;
    let state = &desk.state;
    let mut errors = FieldErrors::new();
    if form.category.trim().is_empty() {
        errors.insert("category", ErrorCode::ScreeningCategoryRequired);
    }
    if errors.is_empty() {
        let (term, category) = (&form.term, &form.category);
        let added = gongkai_store::screening::add_negative_term(
            &state.store,
            &desk.actor(),
            site.id,
            term,
            category,
        )
        .await;
        if saved(added, &mut errors, FieldRefusals::conflict("term"))?.is_some() {
            return Ok(Redirect::to("/admin/negative").into_response());
        }
    }
    render_negative(&desk, &site, StatusCode::BAD_REQUEST, &form, &errors).await
}

/// The theme forms: add (`name`, optional `parent`) or rename (`code`, `name`).
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct ThemeForm {
    action: String,
    name: String,
    parent: String,
    code: String,
}

/// The theme tree of `site`, with why a change was refused.
async fn render_themes(
    desk: &Desk,
    site: &orgs::Organisation,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let themes = gongkai_store::themes::list(&desk.state.store, site.id).await?;
    desk.page(
        status,
        "admin/themes.html",
        context! { site => ser(site), themes => ser(&themes), error => error },
    )
    .await
}

/// `GET /admin/themes`: the site's theme tree (主题分类).
pub async fn themes(desk: Desk) -> Result<Response, WebError> {
    let site = site_of(&desk).await?;
    render_themes(&desk, &site, StatusCode::OK, None).await
}

/// `POST /admin/themes`: adds or renames a theme for the site, audited.
pub async fn themes_change(desk: Desk, Form(f): Form<ThemeForm>) -> Result<Response, WebError> {
    let site = site_of(&desk).await?;
    let state = &desk.state;
    let actor = desk.actor();
    let result = if f.action == "rename" {
        gongkai_store::themes::rename(&state.store, &actor, site.id, &f.code, &f.name).await
    } else {
        let parent = Some(f.parent.trim()).filter(|p| !p.is_empty());
        gongkai_store::themes::add(&state.store, &actor, site.id, &f.name, parent)
            .await
            .map(|_| ())
    };
    let refused = match result {
        Ok(()) => return Ok(Redirect::to("/admin/themes").into_response()),
        Err(StoreError::Conflict(refused)) => refused.message,
        Err(StoreError::NotFound { what }) => ErrorCode::InputNotFound.render(&[("what", &what)]),
        Err(e) => return Err(e.into()),
    };
    render_themes(&desk, &site, StatusCode::BAD_REQUEST, Some(refused)).await
}
