//! 行政复议 and 行政诉讼 brought over an application's answer: the handling office records each
//! when it learns of it and its result when decided; the annual report counts them in section
//! 四.

use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::application::Challenge;
use gongkai_domain::time::beijing_date;
use gongkai_store::challenges;
use serde::Deserialize;

use super::{load, render};
use crate::WebError;
use crate::admin::desk::Desk;

/// A challenge as typed: its kind and filing day.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChallengeForm {
    kind: String,
    filed_on: String,
}

/// A result as typed: the result and the day it was decided.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    result: String,
    decided_on: String,
}

/// `POST /admin/applications/{id}/challenges`: records a 行政复议 or 行政诉讼 (尚未审结).
pub async fn add(
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<ChallengeForm>,
) -> Result<Response, WebError> {
    let app = load(&desk.state, &desk.staff, id).await?;
    let today = beijing_date(Utc::now());
    match Challenge::filed(&form.kind, &form.filed_on, app.received_on, today) {
        Ok(c) => {
            challenges::add(
                &desk.state.store,
                &desk.actor(),
                app.id,
                &app.tracking_code,
                &c,
            )
            .await?;
            Ok(Redirect::to(&format!("/admin/applications/{id}#challenges")).into_response())
        }
        Err(e) => render(&desk, &app, StatusCode::BAD_REQUEST, Some(e.to_string())).await,
    }
}

/// `POST /admin/applications/{id}/challenges/{challenge}`: records its result (or sets it back
/// to 尚未审结).
pub async fn decide(
    desk: Desk,
    Path((id, challenge)): Path<(i64, i64)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    let app = load(&desk.state, &desk.staff, id).await?;
    let store = &desk.state.store;
    let recorded = challenges::get(store, app.id, challenge).await?;
    let today = beijing_date(Utc::now());
    match recorded
        .challenge()
        .decide(&form.result, &form.decided_on, today)
    {
        Ok(c) => {
            challenges::decide(
                store,
                &desk.actor(),
                app.id,
                &app.tracking_code,
                challenge,
                &c,
            )
            .await?;
            Ok(Redirect::to(&format!("/admin/applications/{id}#challenges")).into_response())
        }
        Err(e) => render(&desk, &app, StatusCode::BAD_REQUEST, Some(e.to_string())).await,
    }
}

/// `POST /admin/applications/{id}/challenges/{challenge}/remove`: removes a challenge recorded
/// in error (audited with what it held).
pub async fn remove(
    desk: Desk,
    Path((id, challenge)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let app = load(&desk.state, &desk.staff, id).await?;
    challenges::remove(
        &desk.state.store,
        &desk.actor(),
        app.id,
        &app.tracking_code,
        challenge,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/applications/{id}#challenges")).into_response())
}
