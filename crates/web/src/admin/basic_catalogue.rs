//! `/admin/mulu`: the openness office keeps its site's 主动公开基本目录 — rows in the official
//! schema (the 26 grassroots areas load as a starting set), each assigned to the organisations
//! that must publish it, published records filed under a row — and reads each office's
//! timeliness for a year at `/admin/mulu/timeliness`: on time, late (by how many working days)
//! or missing.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Utc};
use gongkai_domain::basic_catalogue::{Audience, DEFAULT_LIMIT_DAYS, ItemDraft, Level, Method};
use gongkai_domain::role::Permission;
use gongkai_domain::time::beijing_date;
use gongkai_store::basic_catalogue::{self as catalogue, CatalogueItem};
use gongkai_store::{StoreError, applications, orgs};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::auth::check_org;
use crate::templates::ser;

/// The fields of a catalogue row as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ItemForm {
    area: String,
    subject: String,
    elements: String,
    #[serde(default)]
    basis: String,
    limit_days: String,
    owner: String,
    #[serde(default)]
    channels: String,
    audience: String,
    method: String,
    level: String,
}

impl ItemForm {
    fn draft(&self) -> ItemDraft {
        ItemDraft {
            area: self.area.clone(),
            subject: self.subject.clone(),
            elements: self.elements.clone(),
            basis: self.basis.clone(),
            limit_days: self.limit_days.clone(),
            owner: self.owner.clone(),
            channels: self.channels.clone(),
            audience: self.audience.clone(),
            method: self.method.clone(),
            level: self.level.clone(),
        }
    }

    fn of(item: &CatalogueItem) -> Self {
        Self {
            area: item.area.clone(),
            subject: item.subject.clone(),
            elements: item.elements.clone(),
            basis: item.basis.clone(),
            limit_days: item.limit_days.to_string(),
            owner: item.owner.clone(),
            channels: item.channels.clone(),
            audience: item.audience.code().into(),
            method: item.method.code().into(),
            level: item.level.code().into(),
        }
    }

    fn blank() -> Self {
        Self {
            limit_days: DEFAULT_LIMIT_DAYS.to_string(),
            channels: "政府网站".into(),
            audience: Audience::Everyone.code().into(),
            method: Method::Proactive.code().into(),
            level: Level::County.code().into(),
            ..Self::default()
        }
    }

    fn value(&self) -> Value {
        context! {
            area => &self.area, subject => &self.subject, elements => &self.elements,
            basis => &self.basis, limit_days => &self.limit_days, owner => &self.owner,
            channels => &self.channels, audience => &self.audience, method => &self.method,
            level => &self.level,
        }
    }
}

/// The choices of the three coded columns, for the form's selects.
fn choices() -> Value {
    let list = |all: &[(&'static str, &'static str)]| -> Vec<Value> {
        all.iter()
            .map(|(code, label)| context! { code => *code, label => *label })
            .collect()
    };
    let audiences: Vec<_> = Audience::ALL
        .iter()
        .map(|a| (a.code(), a.label()))
        .collect();
    let methods: Vec<_> = Method::ALL.iter().map(|a| (a.code(), a.label())).collect();
    let levels: Vec<_> = Level::ALL.iter().map(|a| (a.code(), a.label())).collect();
    context! { audiences => list(&audiences), methods => list(&methods), levels => list(&levels) }
}

/// A refusal the form shows beside itself (a domain rule or a row that exists already).
fn refusal(e: &StoreError) -> Option<String> {
    match e {
        StoreError::Domain(d) => Some(d.to_string()),
        StoreError::Conflict(r) => Some(r.message.clone()),
        _ => None,
    }
}

async fn site_id(desk: &Desk) -> Result<i64, WebError> {
    Ok(desk.home_site().await?.id)
}

/// The site, when the member of staff supervises all of it: the rows and their limits are the
/// whole site's (an office supervising one department reads them, and files and assigns within
/// its scope, but does not change them).
async fn site_for_rows(desk: &Desk) -> Result<i64, WebError> {
    let site = site_id(desk).await?;
    check_org(&desk.state, &desk.staff, Permission::Supervise, site).await?;
    Ok(site)
}

/// The longest index number read from the filing form.
const MAX_INDEX_NO_CHARS: usize = 64;

/// The names of the site's organisations by id.
async fn org_names(desk: &Desk, site: i64) -> Result<HashMap<i64, String>, WebError> {
    Ok(orgs::of_site(&desk.state.store, site)
        .await?
        .into_iter()
        .map(|o| (o.id, o.short_name))
        .collect())
}

/// `GET /admin/mulu`: the site's rows with the offices each is assigned to.
pub async fn list(desk: Desk) -> Result<Response, WebError> {
    let site = site_id(&desk).await?;
    let store = &desk.state.store;
    let items = catalogue::items(store, site).await?;
    let names = org_names(&desk, site).await?;
    let mut assigned: HashMap<i64, Vec<String>> = HashMap::new();
    for (item, org) in catalogue::assignments(store, site).await? {
        if let Some(name) = names.get(&org) {
            assigned.entry(item).or_default().push(name.clone());
        }
    }
    let rows: Vec<Value> = items
        .iter()
        .map(|i| {
            context! { i => ser(i), orgs => assigned.get(&i.id).cloned().unwrap_or_default(),
            audience => i.audience.label(), method => i.method.label(), level => i.level.label() }
        })
        .collect();
    let year = beijing_date(Utc::now()).year();
    desk.page(StatusCode::OK, "admin/mulu.html", context! { rows, year })
        .await
}

/// `POST /admin/mulu/seed`: adds the 26 grassroots areas' rows the site does not have yet.
pub async fn seed(desk: Desk) -> Result<Response, WebError> {
    let site = site_for_rows(&desk).await?;
    catalogue::add_starting_set(&desk.state.store, &desk.actor(), site).await?;
    Ok(Redirect::to("/admin/mulu").into_response())
}

async fn form_page(
    desk: &Desk,
    status: StatusCode,
    item: Option<&CatalogueItem>,
    form: &ItemForm,
    error: Option<String>,
) -> Result<Response, WebError> {
    let site = site_id(desk).await?;
    let store = &desk.state.store;
    let (assigned, filed) = match item {
        Some(i) => {
            let assigned = catalogue::assigned_orgs(store, i.id).await?;
            let filed: Vec<_> = catalogue::filed_records(
                store,
                site,
                catalogue::Filed {
                    item: Some(i.id),
                    ..catalogue::Filed::default()
                },
                Utc::now(),
            )
            .await?;
            (assigned, filed)
        }
        None => (Vec::new(), Vec::new()),
    };
    let in_scope = desk.scope(Permission::Supervise).await?;
    let orgs: Vec<Value> = in_scope
        .iter()
        .filter(|o| o.site_id == site)
        .map(|o| context! { id => o.id, name => &o.name, checked => assigned.contains(&o.id) })
        .collect();
    desk.page(
        status,
        "admin/mulu_item.html",
        context! {
            item => item.map(ser), form => form.value(), choices => choices(), error,
            orgs, filed => ser(&filed),
        },
    )
    .await
}

/// `GET /admin/mulu/new`: the form for a new row.
pub async fn new_form(desk: Desk) -> Result<Response, WebError> {
    form_page(&desk, StatusCode::OK, None, &ItemForm::blank(), None).await
}

/// `POST /admin/mulu/new`: adds the row; a refusal shows the form again as typed.
pub async fn add(desk: Desk, Form(form): Form<ItemForm>) -> Result<Response, WebError> {
    let site = site_for_rows(&desk).await?;
    let result = match form.draft().check() {
        Ok(item) => catalogue::add(&desk.state.store, &desk.actor(), site, &item).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/mulu/{id}")).into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => form_page(&desk, StatusCode::BAD_REQUEST, None, &form, Some(msg)).await,
            None => Err(e.into()),
        },
    }
}

/// `GET /admin/mulu/{id}`: the row's form, its offices and the records filed under it.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let site = site_id(&desk).await?;
    let item = catalogue::item(&desk.state.store, site, id).await?;
    form_page(
        &desk,
        StatusCode::OK,
        Some(&item),
        &ItemForm::of(&item),
        None,
    )
    .await
}

/// `POST /admin/mulu/{id}`: saves the row's columns.
pub async fn save(
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<ItemForm>,
) -> Result<Response, WebError> {
    let site = site_for_rows(&desk).await?;
    let store = &desk.state.store;
    let item = catalogue::item(store, site, id).await?;
    let result = match form.draft().check() {
        Ok(checked) => catalogue::save(store, &desk.actor(), site, id, &checked).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/mulu/{id}")).into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => {
                form_page(
                    &desk,
                    StatusCode::BAD_REQUEST,
                    Some(&item),
                    &form,
                    Some(msg),
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

/// `POST /admin/mulu/{id}/orgs`: assigns the row to the ticked offices (`org` repeated);
/// offices outside the member's scope are left as they were.
pub async fn assign(
    desk: Desk,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let site = site_id(&desk).await?;
    let store = &desk.state.store;
    catalogue::item(store, site, id).await?;
    let in_scope: Vec<i64> = desk
        .scope(Permission::Supervise)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let in_scope: std::collections::BTreeSet<i64> = in_scope.into_iter().collect();
    // Only offices in the scope count, each once, so the form can name no more than the
    // scope holds however long it is.
    let ticked: std::collections::BTreeSet<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "org")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .filter(|o| in_scope.contains(o))
        .collect();
    // Offices outside the scope keep their assignment.
    let kept = catalogue::assigned_orgs(store, id)
        .await?
        .into_iter()
        .filter(|o| !in_scope.contains(o));
    let all: Vec<i64> = ticked.into_iter().chain(kept).collect();
    catalogue::assign(store, &desk.actor(), site, id, &all).await?;
    Ok(Redirect::to(&format!("/admin/mulu/{id}")).into_response())
}

/// The index number typed to file a record under a row.
#[derive(Debug, Deserialize)]
pub struct FileForm {
    index_no: String,
}

/// `POST /admin/mulu/{id}/records`: files the published record with the typed index number
/// under the row; an unknown one is explained beside the form.
pub async fn file_record(
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<FileForm>,
) -> Result<Response, WebError> {
    let site = site_id(&desk).await?;
    let store = &desk.state.store;
    let item = catalogue::item(store, site, id).await?;
    let index_no: String = form
        .index_no
        .trim()
        .chars()
        .take(MAX_INDEX_NO_CHARS)
        .collect();
    // A record of an office outside the member's scope is not theirs to file.
    if let Some(org) = catalogue::record_org(store, site, &index_no).await? {
        check_org(&desk.state, &desk.staff, Permission::Supervise, org).await?;
    }
    match catalogue::file_record(store, &desk.actor(), site, id, &index_no).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/mulu/{id}")).into_response()),
        Err(e) => match refusal(&e) {
            Some(msg) => {
                let typed = ItemForm::of(&item);
                form_page(
                    &desk,
                    StatusCode::BAD_REQUEST,
                    Some(&item),
                    &typed,
                    Some(msg),
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

/// `POST /admin/mulu/{id}/records/{record}/remove`: takes a record out of the row.
pub async fn unfile_record(
    desk: Desk,
    Path((id, record)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let site = site_id(&desk).await?;
    let org = gongkai_store::records::get(&desk.state.store, record)
        .await?
        .org_id;
    check_org(&desk.state, &desk.staff, Permission::Supervise, org).await?;
    catalogue::unfile_record(&desk.state.store, &desk.actor(), site, id, record).await?;
    Ok(Redirect::to(&format!("/admin/mulu/{id}")).into_response())
}

/// The year shown (`?year=2026`, this year by default).
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// `GET /admin/mulu/timeliness?year=2026`: every office's standing on every row assigned to
/// it — on time, late, without 成文日期, missing — the late and missing first.
pub async fn timeliness(desk: Desk, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    let this_year = beijing_date(Utc::now()).year();
    let year = q
        .year
        .filter(|y| (2008..=this_year).contains(y))
        .unwrap_or(this_year);
    let site = desk.home_site().await?;
    let store = &desk.state.store;
    let region = applications::region_of_site(store, site.code.as_str()).await?;
    let mut standings =
        catalogue::standings(store, site.id, region.as_ref(), year, Utc::now()).await?;
    let in_scope: Vec<i64> = desk
        .scope(Permission::Supervise)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    standings.retain(|s| in_scope.contains(&s.org_id));
    // What needs attention first: missing, then late, then the rest.
    standings.sort_by_key(|s| (!s.missing(), s.tally.late == 0, s.org_id, s.item.id));
    let names = org_names(&desk, site.id).await?;
    let missing = standings.iter().filter(|s| s.missing()).count();
    let late: u32 = standings.iter().map(|s| s.tally.late).sum();
    let on_time: u32 = standings.iter().map(|s| s.tally.on_time).sum();
    let rows: Vec<Value> = standings
        .iter()
        .map(|s| {
            context! {
                org => names.get(&s.org_id).cloned().unwrap_or_default(),
                item => ser(&s.item), tally => ser(&s.tally), missing => s.missing(),
                late => s.late.iter().map(|(r, by)| context! { r => ser(r), by => by }).collect::<Vec<_>>(),
                no_date => ser(&s.no_date),
            }
        })
        .collect();
    desk.page(
        StatusCode::OK,
        "admin/mulu_timeliness.html",
        context! {
            rows, year, years => (2019..=this_year).rev().collect::<Vec<_>>(),
            missing, late, on_time,
        },
    )
    .await
}
