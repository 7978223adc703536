//! 审计整改 for the public under `/zhenggai/`: the site's audit reports and 督查 notices, and a
//! page per report listing every finding with its responsible organisation, deadline,
//! measures, evidence, accountability and status (未整改 / 整改中 / 已整改) as the work goes,
//! with a status chart; the Atom feed of reports. A report of another site is 404.

use axum::extract::Path;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::finding::{FindingStatus, is_overdue};
use gongkai_domain::time::beijing_date;
use gongkai_domain::urls;
use gongkai_store::findings::{self, Finding};
use gongkai_store::{StoreError, records};
use minijinja::{Value, context};

use crate::WebError;
use crate::page::{FeedCtx, Visit};
use crate::templates::ser;
use crate::view::chart::stacked_bar;

/// The chart of findings by status.
fn chart(list: &[Finding]) -> Value {
    let count = |s: FindingStatus| list.iter().filter(|f| f.status == s).count();
    stacked_bar(&[
        (
            FindingStatus::Open.label(),
            count(FindingStatus::Open),
            "#c62828",
        ),
        (
            FindingStatus::Underway.label(),
            count(FindingStatus::Underway),
            "#b35c00",
        ),
        (
            FindingStatus::Rectified.label(),
            count(FindingStatus::Rectified),
            "#2e7d32",
        ),
    ])
}

/// `GET /zhenggai/`: every audit report and 督查 notice of the request's site with its chart.
pub async fn index(visit: Visit) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let mut rows = Vec::new();
    for r in findings::list_reports(store, site.id, None).await? {
        let list = findings::findings(store, r.id).await?;
        rows.push(context! {
            url => urls::audit_report(r.id), source => r.source.label(), chart => chart(&list),
            ..ser(&r)
        });
    }
    visit
        .page("zhenggai/index.html", context! { reports => rows })
        .await
}

/// `GET /zhenggai/{id}`: the report with every finding's rectification.
pub async fn show(visit: Visit, Path(id): Path<i64>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let store = &visit.state.store;
    let report = match findings::get_report(store, id).await {
        Ok(r) if r.site_id == site.id => r,
        Ok(_) | Err(StoreError::NotFound { .. }) => {
            return Err(WebError::NotFound(
                ErrorCode::InputNotFound.refusal(&[("what", &"该报告")]),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let now = Utc::now();
    let today = beijing_date(now);
    // A linked record shows only while it is public.
    let record_url = async |id: Option<i64>| -> Result<Option<String>, WebError> {
        let Some(id) = id else { return Ok(None) };
        let r = records::get(store, id).await?;
        Ok(r.index_no
            .as_deref()
            .filter(|_| r.is_public(now))
            .map(urls::record))
    };
    let list = findings::findings(store, id).await?;
    let mut rows = Vec::new();
    for f in &list {
        rows.push(context! {
            status_label => f.status.label(), overdue => is_overdue(f.status, f.deadline, today),
            evidence_url => record_url(f.evidence_record_id).await?,
            ..ser(f)
        });
    }
    visit
        .page(
            "zhenggai/show.html",
            context! {
                r => ser(&report), source => report.source.label(), findings => rows,
                chart => chart(&list), report_url => record_url(report.record_id).await?,
            },
        )
        .await
}

/// `GET /feeds/zhenggai.xml`: the site's 50 most recently changed reports as Atom, each with
/// its findings' statuses.
pub async fn atom(feed: FeedCtx) -> Result<Response, WebError> {
    let site = crate::site::require_site(&feed.state, &feed.site).await?;
    let store = &feed.state.store;
    let mut list = findings::list_reports(store, site.id, None).await?;
    list.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
    list.truncate(50);
    let updated = list
        .first()
        .map_or_else(Utc::now, |r| r.updated_at)
        .to_rfc3339();
    let mut entries = Vec::new();
    for r in &list {
        let found = findings::findings(store, r.id).await?;
        let summary = chart(&found)
            .get_attr("summary")
            .map(|v| v.to_string())
            .unwrap_or_default();
        entries.push(context! {
            title => &r.title, url => urls::audit_report(r.id), updated => r.updated_at.to_rfc3339(),
            org_name => &r.org_name, summary => format!("{}：{}", r.source.label(), summary),
        });
    }
    feed.atom(context! {
        title => format!("审计和督查整改 - {}", site.name), self_path => "/feeds/zhenggai.xml",
        alternate => "/zhenggai/", updated => updated, entries => entries,
    })
    .await
}
