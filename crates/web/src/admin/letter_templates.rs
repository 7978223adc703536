//! `/admin/letter-templates`: the openness office edits the reply letter (答复书) of each outcome
//! for its site. A stored template replaces the built-in text (`web::letters`); placeholders such
//! as `{申请人}` are filled in when a handler generates a draft. Saving an empty template (or
//! 恢复内置文本) brings the built-in text back. Every change is audited as a setting.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::Outcome;
use gongkai_domain::role::Permission;
use gongkai_store::users::Staff;
use gongkai_store::{Actor, orgs, settings};
use minijinja::context;
use serde::Deserialize;

use crate::WebError;
use crate::auth::check_in;
use crate::letters;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

/// The site (top organisation) whose templates this member of staff edits: their own.
async fn site_of(state: &AppState, staff: &Staff) -> Result<orgs::Organisation, WebError> {
    let chain = orgs::chain(&state.store, staff.org_id).await?;
    check_in(staff, Permission::Supervise, &chain)?;
    let site_id = *chain.last().unwrap_or(&staff.org_id);
    Ok(orgs::by_id(&state.store, site_id).await?)
}

fn outcome_of(code: &str) -> Result<Outcome, WebError> {
    Outcome::parse(code).map_err(|_| WebError::NotFound(ErrorCode::LetterTemplateNotFound.into()))
}

/// `GET /admin/letter-templates`: every outcome with whether its template was edited.
pub async fn list(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let site = site_of(&state, &staff).await?;
    let mut rows = Vec::new();
    for o in Outcome::ALL {
        let edited = letters::stored_template(&state, &site.code, *o)
            .await?
            .is_some();
        rows.push(context! { code => o.code(), label => o.display(), edited => edited });
    }
    state
        .page(
            &ctx,
            "admin/letter_templates.html",
            context! { site => ser(&site), rows => rows },
        )
        .await
}

async fn render_edit(
    state: &AppState,
    ctx: &PageCtx,
    site: &orgs::Organisation,
    outcome: Outcome,
    text: &str,
    edited: bool,
    error: Option<String>,
) -> Result<Response, WebError> {
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let placeholders: Vec<_> = letters::PLACEHOLDERS
        .iter()
        .map(|(name, what)| (format!("{{{name}}}"), *what))
        .collect();
    state
        .page_with_status(
            ctx,
            status,
            "admin/letter_template.html",
            context! {
                site => ser(site), code => outcome.code(), label => outcome.display(),
                ground => outcome.legal_ground(), text => text, edited => edited,
                placeholders => ser(&placeholders), error => error,
                max => letters::MAX_TEMPLATE_CHARS,
            },
        )
        .await
}

/// `GET /admin/letter-templates/{outcome}`: the template in force (stored or built-in).
pub async fn edit(
    Desk { state, ctx, staff, .. }: Desk,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let site = site_of(&state, &staff).await?;
    let outcome = outcome_of(&code)?;
    let stored = letters::stored_template(&state, &site.code, outcome).await?;
    let edited = stored.is_some();
    let text = stored.unwrap_or_else(|| letters::default_reply_template(outcome));
    render_edit(&state, &ctx, &site, outcome, &text, edited, None).await
}

/// The edit form: the template, and `reset` to go back to the built-in text.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    template: String,
    reset: String,
}

/// `POST /admin/letter-templates/{outcome}`: stores the template (checked) or resets it.
pub async fn save(
    Desk { state, ctx, staff, ip }: Desk,
    Path(code): Path<String>,
    Form(f): Form<TemplateForm>,
) -> Result<Response, WebError> {
    let site = site_of(&state, &staff).await?;
    let outcome = outcome_of(&code)?;
    let key = letters::template_key(&site.code, outcome);
    let actor = Actor::user(&staff.username, &ip);
    let text = f.template.replace("\r\n", "\n");
    let value = if f.reset.is_empty() {
        if let Err(msg) = letters::check_template(&text) {
            let edited = letters::stored_template(&state, &site.code, outcome)
                .await?
                .is_some();
            return render_edit(&state, &ctx, &site, outcome, &text, edited, Some(msg)).await;
        }
        text.trim().to_owned()
    } else {
        String::new()
    };
    settings::set(&state.store, &actor, &key, &value).await?;
    Ok(Redirect::to(&format!("/admin/letter-templates/{}", outcome.code())).into_response())
}
