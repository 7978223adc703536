//! `/admin/zhenggai`: audit reports and 督查 notices with their findings — the openness office
//! (`Supervise`) records a report and its findings, each with a responsible organisation and a
//! rectification deadline; the responsible organisation's drafting staff or the office record
//! each rectification step (未整改 → 整改中 → 已整改, the last only with measures and evidence),
//! public as it is taken.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::finding::{
    AuditReportDraft, FindingSource, FindingStatus, FindingStepDraft, check_finding, is_overdue,
};
use gongkai_domain::role::Permission;
use gongkai_domain::time::beijing_date;
use gongkai_domain::{DomainError, ErrorCode};
use gongkai_store::StoreError;
use gongkai_store::findings::{self, AuditReport};
use minijinja::{Value, context};

use crate::WebError;
use crate::admin::desk::Desk;
use crate::admin::forms::{field, parse_pairs};
use crate::admin::tasks::{YearQuery, org_in_scope, public_record};
use crate::auth::check_org;
use crate::forms::{RefusalStatus, step};
use crate::templates::ser;
use crate::view::code_labels;

type Refused = Option<(StatusCode, String)>;

async fn list_page(
    desk: &Desk,
    year: Option<i32>,
    pairs: &[(String, String)],
    refused: Refused,
) -> Result<Response, WebError> {
    let site = desk.home_site().await?;
    let list = findings::list_reports(&desk.state.store, site.id, year).await?;
    let orgs: Vec<Value> = desk
        .scope(Permission::Supervise)
        .await?
        .into_iter()
        .map(|o| context! { code => o.code, name => o.name })
        .collect();
    let (status, error) = refused.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    desk.page(
        status,
        "admin/audit_reports.html",
        context! {
            reports => ser(&list), sources => code_labels!(FindingSource::ALL), orgs, error,
            form => context! {
                source => field(pairs, "source"), title => field(pairs, "title"),
                year => field(pairs, "year"), summary => field(pairs, "summary"),
                org => field(pairs, "org"), index_no => field(pairs, "index_no"),
            },
        },
    )
    .await
}

/// `GET /admin/zhenggai`: the site's audit reports and 督查 notices, and the form for a new one.
pub async fn list(desk: Desk, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    list_page(&desk, q.year, &[], None).await
}

/// `POST /admin/zhenggai`: records a report for an organisation within the office's scope.
pub async fn create(desk: Desk, body: Bytes) -> Result<Response, WebError> {
    crate::auth::check(&desk.staff, Permission::Supervise)?;
    let pairs = parse_pairs(&body);
    let draft = AuditReportDraft {
        source: field(&pairs, "source").into(),
        title: field(&pairs, "title").into(),
        year: field(&pairs, "year").into(),
        summary: field(&pairs, "summary").into(),
    };
    let org = org_in_scope(&desk, Permission::Supervise, field(&pairs, "org")).await?;
    let checked = match (draft.check(), org) {
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(new), Ok(org)) => {
            match public_record(&desk, org.site_id, field(&pairs, "index_no")).await? {
                Ok(record) => Ok((new, org, record)),
                Err(e) => Err(e),
            }
        }
    };
    let (new, org, record) = match checked {
        Ok(ok) => ok,
        Err(e) => {
            let refused = Some((StatusCode::BAD_REQUEST, e.to_string()));
            return list_page(&desk, None, &pairs, refused).await;
        }
    };
    let id = findings::create_report(
        &desk.state.store,
        &desk.actor(),
        org.site_id,
        org.id,
        &new,
        record,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/zhenggai/{id}")).into_response())
}

/// The report `id` if it is on the member's home site; 404 otherwise.
async fn on_site(desk: &Desk, id: i64) -> Result<AuditReport, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::InputNotFound.refusal(&[("what", &"该报告")]));
    let report = match findings::get_report(&desk.state.store, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    if report.site_id != desk.home_site().await?.id {
        return Err(not_found());
    }
    Ok(report)
}

async fn report_page(
    desk: &Desk,
    report: &AuditReport,
    refused: Refused,
) -> Result<Response, WebError> {
    let today = beijing_date(Utc::now());
    let list: Vec<Value> = findings::findings(&desk.state.store, report.id)
        .await?
        .into_iter()
        .map(|f| {
            let overdue = is_overdue(f.status, f.deadline, today);
            context! { status_label => f.status.label(), overdue, ..ser(&f) }
        })
        .collect();
    let orgs: Vec<Value> = desk
        .scope(Permission::Supervise)
        .await?
        .into_iter()
        .map(|o| context! { code => o.code, name => o.name })
        .collect();
    let (status, error) = refused.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    desk.page(
        status,
        "admin/audit_report.html",
        context! {
            r => ser(report), source_label => report.source.label(), findings => list, orgs,
            statuses => code_labels!(FindingStatus::ALL), error,
        },
    )
    .await
}

/// `GET /admin/zhenggai/{id}`: the report's findings with a step form each.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let report = on_site(&desk, id).await?;
    report_page(&desk, &report, None).await
}

async fn refuse(desk: &Desk, report: &AuditReport, e: &DomainError) -> Result<Response, WebError> {
    report_page(desk, report, Some((StatusCode::BAD_REQUEST, e.to_string()))).await
}

async fn answer<T>(
    desk: &Desk,
    report: &AuditReport,
    result: Result<T, StoreError>,
) -> Result<Response, WebError> {
    match step(result, RefusalStatus::FORM_OR_STATE)? {
        Ok(_) => Ok(Redirect::to(&format!("/admin/zhenggai/{}", report.id)).into_response()),
        Err(refused) => report_page(desk, report, Some((refused.status, refused.message))).await,
    }
}

/// `POST /admin/zhenggai/{id}/findings`: adds a finding (`title`, responsible `org`, `deadline`).
pub async fn add_finding(
    desk: Desk,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let report = on_site(&desk, id).await?;
    check_org(
        &desk.state,
        &desk.staff,
        Permission::Supervise,
        report.org_id,
    )
    .await?;
    let pairs = parse_pairs(&body);
    let org = match org_in_scope(&desk, Permission::Supervise, field(&pairs, "org")).await? {
        Ok(org) => org,
        Err(e) => return refuse(&desk, &report, &e).await,
    };
    let (title, deadline) = match check_finding(field(&pairs, "title"), field(&pairs, "deadline")) {
        Ok(ok) => ok,
        Err(e) => return refuse(&desk, &report, &e).await,
    };
    let added = findings::add_finding(
        &desk.state.store,
        &desk.actor(),
        id,
        org.id,
        &title,
        deadline,
    )
    .await;
    answer(&desk, &report, added).await
}

/// `POST /admin/zhenggai/{id}/findings/{finding}`: a rectification step (`status`, `measures`,
/// `evidence`, `index_no` of a published record as evidence, `accountability`), by drafting
/// staff of the responsible organisation or the office.
pub async fn finding_step(
    desk: Desk,
    Path((id, finding)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let report = on_site(&desk, id).await?;
    let f = match findings::get_finding(&desk.state.store, finding).await {
        Ok(f) if f.audit_report_id == id => f,
        Ok(_) | Err(StoreError::NotFound { .. }) => {
            return Err(WebError::NotFound(
                ErrorCode::InputNotFound.refusal(&[("what", &"该整改事项")]),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let (state, staff) = (&desk.state, &desk.staff);
    if check_org(state, staff, Permission::DraftRecords, f.org_id)
        .await
        .is_err()
    {
        check_org(state, staff, Permission::Supervise, f.org_id).await?;
    }
    let pairs = parse_pairs(&body);
    let record = match public_record(&desk, report.site_id, field(&pairs, "index_no")).await? {
        Ok(record) => record,
        Err(e) => return refuse(&desk, &report, &e).await,
    };
    let draft = FindingStepDraft {
        status: field(&pairs, "status").into(),
        measures: field(&pairs, "measures").into(),
        evidence: field(&pairs, "evidence").into(),
        evidence_record: record.or(f.evidence_record_id).is_some(),
        accountability: field(&pairs, "accountability").into(),
    };
    let checked = match draft.check() {
        Ok(s) => s,
        Err(e) => return refuse(&desk, &report, &e).await,
    };
    let done =
        findings::step_finding(&desk.state.store, &desk.actor(), finding, &checked, record).await;
    answer(&desk, &report, done).await
}
