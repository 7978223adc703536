//! `/admin/work-records`: 工作台账 — the openness office records its training sessions (with
//! attendees by organisation) and the leadership meetings on openness work (with chair and
//! decisions), each with its material; the list is by year, as the annual report reads it.

use axum::extract::{Multipart, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::role::Permission;
use gongkai_domain::time::beijing_date;
use gongkai_domain::work_record::{WorkKind, WorkRecordDraft};
use gongkai_store::{orgs, work_records};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::download;
use crate::forms::upload::{read_form_with_files, store_files};
use crate::templates::ser;

/// The year shown (`?year=2026`, this year by default).
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    /// The year.
    pub year: Option<i32>,
}

/// The organisations whose attendance the form asks for: those in the member's scope.
async fn attending_orgs(desk: &Desk) -> Result<Vec<orgs::Organisation>, WebError> {
    desk.scope(Permission::Supervise).await
}

async fn site_of(desk: &Desk) -> Result<i64, WebError> {
    Ok(desk.home_site().await?.id)
}

async fn page(
    desk: &Desk,
    status: StatusCode,
    year: i32,
    typed: &[(String, String)],
    error: Option<String>,
) -> Result<Response, WebError> {
    let store = &desk.state.store;
    let list = work_records::list(store, site_of(desk).await?, year).await?;
    let this_year = beijing_date(Utc::now()).year();
    let value = |name: &str| {
        typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let orgs: Vec<Value> = attending_orgs(desk)
        .await?
        .into_iter()
        .map(|o| {
            let field = format!("att_{}", o.id);
            context! { field => field.clone(), name => o.name, value => value(&field) }
        })
        .collect();
    let trainings = list.iter().filter(|w| w.kind == WorkKind::Training).count();
    let attendees: i64 = list.iter().map(|w| w.attendees).sum();
    let meetings = list.iter().filter(|w| w.kind == WorkKind::Meeting).count();
    desk.page(
        status,
        "admin/work_records.html",
        context! {
            year, years => (2019..=this_year).rev().collect::<Vec<_>>(),
            records => ser(&list), trainings, attendees, meetings, orgs, error,
            kinds => WorkKind::ALL.iter().map(|k| context! { code => k.code(), label => k.label() }).collect::<Vec<_>>(),
            form => context! {
                kind => value("kind"), held_on => value("held_on"), topic => value("topic"),
                chair => value("chair"), decisions => value("decisions"),
            },
        },
    )
    .await
}

/// `GET /admin/work-records`: the year's records, their totals and the form for a new one.
pub async fn list(desk: Desk, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    let year = q.year.unwrap_or_else(|| beijing_date(Utc::now()).year());
    page(&desk, StatusCode::OK, year, &[], None).await
}

/// `POST /admin/work-records?csrf_token=…` (multipart): checks the record and its one file;
/// a refusal shows the form again as typed, with the reason.
pub async fn add(desk: Desk, multipart: Multipart) -> Result<Response, WebError> {
    let upload =
        read_form_with_files::<Vec<(String, String)>>(&desk.state, multipart, "file", 1, "材料")
            .await?;
    let typed = upload.form;
    let field = |name: &str| {
        typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let today = beijing_date(Utc::now());
    let allowed = attending_orgs(&desk).await?;
    let draft = WorkRecordDraft {
        kind: field("kind"),
        held_on: field("held_on"),
        topic: field("topic"),
        chair: field("chair"),
        decisions: field("decisions"),
        attendance: allowed
            .iter()
            .map(|o| (o.id, field(&format!("att_{}", o.id))))
            .collect(),
    };
    let refused = match (
        draft.check(today),
        upload.file_error,
        upload.files.is_empty(),
    ) {
        (Err(e), _, _) => Some(e.to_string()),
        (Ok(_), Some(file_error), _) => Some(file_error.to_string()),
        (Ok(_), None, true) => Some(ErrorCode::WorkRecordFileRequired.message().to_owned()),
        (Ok(new), None, false) => {
            let stored = store_files(&desk.state, upload.files).await?;
            let Some(file) = stored.first() else {
                return Err(WebError::BadRequest(
                    ErrorCode::WorkRecordFileRequired.into(),
                ));
            };
            let site = site_of(&desk).await?;
            work_records::add(
                &desk.state.store,
                &desk.actor(),
                site,
                desk.staff.org_id,
                &new,
                file,
            )
            .await?;
            let to = format!("/admin/work-records?year={}", new.held_on.year());
            return Ok(Redirect::to(&to).into_response());
        }
    };
    let year = draft
        .held_on
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| today.year());
    page(&desk, StatusCode::BAD_REQUEST, year, &typed, refused).await
}

/// The record `id` if it is on the member's site; 404 otherwise.
async fn on_site(desk: &Desk, id: i64) -> Result<work_records::WorkRecord, WebError> {
    let w = work_records::get(&desk.state.store, id).await?;
    if w.site_id != site_of(desk).await? {
        return Err(WebError::NotFound(ErrorCode::FileNotFound.into()));
    }
    Ok(w)
}

/// `GET /admin/work-records/{id}`: one record with its attendance.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let w = on_site(&desk, id).await?;
    let attendance = work_records::attendance(&desk.state.store, id).await?;
    let size = crate::view::format::human_size(w.file_size);
    desk.page(
        StatusCode::OK,
        "admin/work_record.html",
        context! {
            w => ser(&w), kind_label => w.kind.label(), size,
            attendance => attendance.into_iter().map(|(name, n)| context! { name, n }).collect::<Vec<_>>(),
        },
    )
    .await
}

/// `GET /admin/work-records/{id}/file`: the record's material.
pub async fn file(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let w = on_site(&desk, id).await?;
    download::send_blob(&desk.state, &w.file_sha256, &w.file_kind, &w.file_name).await
}
