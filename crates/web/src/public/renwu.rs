//! 重点工作 for the public under `/renwu/`: the site's tasks by year with filters (status, lead
//! or co-operating organisation, type) and a status chart; a task's page with its measures,
//! milestones as a timeline (overdue ones marked), the progress reports reviewers published,
//! linked public records and the result; the Atom feed of tasks. A task of another site is 404.

use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::{Datelike, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::task::{self as rules, TaskKind, TaskStatus};
use gongkai_domain::time::{beijing_date, display_minute};
use gongkai_domain::urls;
use gongkai_store::tasks::{self, TaskFilter};
use gongkai_store::{StoreError, orgs, records};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::page::{FeedCtx, Visit};
use crate::templates::ser;
use crate::view::chart::stacked_bar;
use crate::view::code_labels;

/// Fill colours of the status chart: under way, completed; a milestone's done, overdue, ahead.
const UNDERWAY: &str = "#b35c00";
const DONE: &str = "#2e7d32";
const OVERDUE: &str = "#c62828";
const AHEAD: &str = "#78909c";

/// The list's filters as the query string gives them.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// The year (this year by default).
    pub year: Option<i32>,
    /// A [`TaskStatus`] code.
    #[serde(default)]
    pub status: String,
    /// A [`TaskKind`] code.
    #[serde(default)]
    pub kind: String,
    /// An organ code: tasks it leads or co-operates in.
    #[serde(default)]
    pub org: String,
}

fn not_found() -> WebError {
    WebError::NotFound(ErrorCode::InputNotFound.refusal(&[("what", &"该任务")]))
}

/// `GET /renwu/`: the year's tasks of the request's site, filtered, with the status chart.
pub async fn index(visit: Visit, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let year = q.year.unwrap_or_else(|| beijing_date(Utc::now()).year());
    let site_orgs: Vec<orgs::Organisation> = orgs::list(store)
        .await?
        .into_iter()
        .filter(|o| o.site_id == site.id)
        .collect();
    let org = site_orgs
        .iter()
        .find(|o| o.code.eq_ignore_ascii_case(q.org.trim()));
    let filter = TaskFilter {
        site_id: site.id,
        year: Some(year),
        status: TaskStatus::parse(&q.status).ok(),
        kind: TaskKind::parse(&q.kind).ok(),
        org_id: org.map(|o| o.id),
    };
    let list = tasks::list(store, &filter).await?;
    let count = |s: TaskStatus| list.iter().filter(|t| t.status == s).count();
    let chart = stacked_bar(&[
        (
            TaskStatus::Underway.label(),
            count(TaskStatus::Underway),
            UNDERWAY,
        ),
        (
            TaskStatus::Completed.label(),
            count(TaskStatus::Completed),
            DONE,
        ),
    ]);
    let mut years = tasks::years(store, site.id).await?;
    if !years.contains(&i64::from(year)) {
        years.push(i64::from(year));
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    let rows: Vec<Value> = list
        .iter()
        .map(|t| {
            context! {
                url => urls::task(t.id), kind => t.kind.label(), status => t.status.label(),
                ..ser(t)
            }
        })
        .collect();
    visit
        .page(
            "renwu/index.html",
            context! {
                year, years, tasks => rows, chart,
                statuses => code_labels!(TaskStatus::ALL), kinds => code_labels!(TaskKind::ALL),
                orgs => site_orgs.iter().map(|o| context! { code => &o.code, name => &o.name }).collect::<Vec<_>>(),
                selected => context! {
                    status => filter.status.map(|s| s.code()), kind => filter.kind.map(|k| k.code()),
                    org => org.map(|o| o.code.clone()),
                },
            },
        )
        .await
}

/// `GET /renwu/{id}`: the task with its timeline, published reports, records and result.
pub async fn show(visit: Visit, Path(id): Path<i64>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let task = match tasks::get(store, id).await {
        Ok(t) if t.site_id == site.id => t,
        Ok(_) | Err(StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let today = beijing_date(Utc::now());
    let milestones = tasks::milestones(store, id).await?;
    let overdue = |m: &tasks::Milestone| rules::is_overdue(m.due_on, m.done_on, today);
    let done = milestones.iter().filter(|m| m.done_on.is_some()).count();
    let late = milestones.iter().filter(|m| overdue(m)).count();
    let chart = stacked_bar(&[
        ("已完成节点", done, DONE),
        ("逾期未完成节点", late, OVERDUE),
        ("未到期节点", milestones.len() - done - late, AHEAD),
    ]);
    let timeline: Vec<Value> = milestones
        .iter()
        .map(|m| context! { overdue => overdue(m), ..ser(m) })
        .collect();
    let reports: Vec<Value> = tasks::published_reports(store, id)
        .await?
        .into_iter()
        .map(|r| {
            context! {
                body => r.body,
                at => r.published_at.map(display_minute).unwrap_or_default(),
            }
        })
        .collect();
    let now = Utc::now();
    let mut linked = Vec::new();
    for record in tasks::linked_records(store, id).await? {
        let r = records::get(store, record).await?;
        if let (true, Some(no)) = (r.is_public(now), r.index_no.as_deref()) {
            linked.push(context! { title => &r.title, url => urls::record(no) });
        }
    }
    let mut evaluations = Vec::new();
    for e in tasks::evaluations(store, id).await? {
        let report = match e.record_id {
            Some(record) => {
                let r = records::get(store, record).await?;
                r.index_no
                    .as_deref()
                    .filter(|_| r.is_public(now))
                    .map(urls::record)
            }
            None => None,
        };
        evaluations.push(context! { kind => e.kind.label(), report, ..ser(&e) });
    }
    let cooperating: Vec<String> = tasks::cooperating(store, id)
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    visit
        .page(
            "renwu/show.html",
            context! {
                t => ser(&task), kind => task.kind.label(), status => task.status.label(),
                completed => task.status == TaskStatus::Completed,
                cooperating, timeline, reports, linked, chart, evaluations,
            },
        )
        .await
}

/// `GET /feeds/renwu.xml`: the site's 50 most recently changed tasks as Atom.
pub async fn atom(feed: FeedCtx) -> Result<Response, WebError> {
    let site = crate::site::require_site(&feed.state, &feed.site).await?;
    let filter = TaskFilter {
        site_id: site.id,
        ..TaskFilter::default()
    };
    let mut list = tasks::list(&feed.state.store, &filter).await?;
    list.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
    list.truncate(50);
    let updated = list
        .first()
        .map_or_else(Utc::now, |t| t.updated_at)
        .to_rfc3339();
    let entries: Vec<Value> = list
        .iter()
        .map(|t| {
            context! {
                title => &t.title, url => urls::task(t.id), updated => t.updated_at.to_rfc3339(),
                org_name => &t.lead_org_name,
                summary => format!("{}（{}）：{}", t.kind.label(), t.status.label(), t.measures),
            }
        })
        .collect();
    feed.atom(context! {
        title => format!("重点工作 - {}", site.name), self_path => "/feeds/renwu.xml",
        alternate => "/renwu/", updated => updated, entries => entries,
    })
    .await
}
