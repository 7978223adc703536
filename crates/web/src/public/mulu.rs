//! `/xxgk/mulu`: the site's 主动公开基本目录 as the public reads it — the organisations that
//! have catalogue rows, and per organisation (`/xxgk/mulu/{code}`) each row in the official
//! schema with the records it has published under it.

use std::collections::BTreeSet;

use axum::extract::Path;
use axum::response::Response;
use chrono::Utc;
use gongkai_store::basic_catalogue as catalogue;
use gongkai_store::orgs;
use minijinja::{Value, context};

use crate::WebError;
use crate::page::Visit;
use crate::site::org_in_site;
use crate::templates::ser;
use crate::view::format::date_of;

/// How many of an organisation's records each row lists (newest first).
const RECORDS_PER_ROW: usize = 10;

/// `GET /xxgk/mulu`: the organisations of the site with rows assigned to them.
pub async fn index(visit: Visit) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let assigned: BTreeSet<i64> = catalogue::assignments(store, site.id)
        .await?
        .into_iter()
        .map(|(_, org)| org)
        .collect();
    let list: Vec<Value> = orgs::of_site(store, site.id)
        .await?
        .into_iter()
        .filter(|o| assigned.contains(&o.id))
        .map(|o| context! { code => o.code.as_str(), name => o.name })
        .collect();
    visit
        .page("xxgk/mulu.html", context! { orgs => list })
        .await
}

/// `GET /xxgk/mulu/{code}`: the rows assigned to the organisation, each with its records.
pub async fn org(visit: Visit, Path(code): Path<String>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let org = org_in_site(&visit.state, &site, &code).await?;
    let store = &visit.state.store;
    let mine: BTreeSet<i64> = catalogue::assignments(store, site.id)
        .await?
        .into_iter()
        .filter(|(_, o)| *o == org.id)
        .map(|(item, _)| item)
        .collect();
    let only = catalogue::Filed {
        org: Some(org.id),
        ..catalogue::Filed::default()
    };
    let filed = catalogue::filed_records(store, site.id, only, Utc::now()).await?;
    let rows: Vec<Value> = catalogue::items(store, site.id)
        .await?
        .into_iter()
        .filter(|i| mine.contains(&i.id))
        .map(|i| {
            let records: Vec<Value> = filed
                .iter()
                .filter(|r| r.item_id == i.id && r.org_id == org.id)
                .take(RECORDS_PER_ROW)
                .map(|r| context! { index_no => &r.index_no, title => &r.title, date => date_of(&r.published_at) })
                .collect();
            context! {
                i => ser(&i), audience => i.audience.label(), method => i.method.label(),
                level => i.level.label(), records,
            }
        })
        .collect();
    visit
        .page("xxgk/mulu_org.html", context! { org => ser(&org), rows })
        .await
}
