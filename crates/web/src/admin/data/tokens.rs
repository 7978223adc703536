//! `/admin/data/tokens`: the member of staff's own API tokens for the CKAN Action API's writes
//! (`package_create`, `package_patch`, `resource_create`). A new token is shown once, on the
//! page that made it (only its SHA-256 is kept); the list names each with when it was made and
//! revoked; a revoked token is refused by the API as an unknown one. Each change is audited
//! (`api_token.create`, `api_token.revoke`) by `store::datasets`.

use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::time::display_minute;
use gongkai_store::datasets;
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::forms::{RefusalStatus, step};

/// The tokens page, with a token just made (shown once) or a refusal.
async fn page(
    desk: &Desk,
    status: StatusCode,
    made: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let tokens: Vec<Value> = datasets::tokens_of(&desk.state.store, desk.staff.id)
        .await?
        .into_iter()
        .map(|t| {
            context! {
                id => t.id, name => t.name, created => display_minute(t.created_at),
                revoked => t.revoked_at.map(display_minute),
            }
        })
        .collect();
    desk.page(
        status,
        "admin/data_tokens.html",
        context! { tokens, made, error },
    )
    .await
}

/// `GET /admin/data/tokens`: the member's tokens.
pub async fn list(desk: Desk) -> Result<Response, WebError> {
    page(&desk, StatusCode::OK, None, None).await
}

/// The new-token form: what the token is for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

/// `POST /admin/data/tokens`: makes a token and shows it once.
pub async fn create(desk: Desk, Form(form): Form<TokenForm>) -> Result<Response, WebError> {
    let made =
        datasets::create_token(&desk.state.store, &desk.actor(), desk.staff.id, &form.name).await;
    match step(made, RefusalStatus::FORM)? {
        Ok(token) => page(&desk, StatusCode::OK, Some(token), None).await,
        Err(no) => page(&desk, no.status, None, Some(no.message)).await,
    }
}

/// `POST /admin/data/tokens/{id}/revoke`: revokes one of the member's own tokens.
pub async fn revoke(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    datasets::revoke_token(&desk.state.store, &desk.actor(), desk.staff.id, id).await?;
    Ok(Redirect::to("/admin/data/tokens").into_response())
}
