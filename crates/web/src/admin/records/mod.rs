//! `/admin/records`: drafting, submitting, reviewing, publishing, correcting (a correction is
//! reviewed like a draft) and withdrawing records, with content screening shown to the reviewer.

pub mod files;
pub mod form;
pub mod workflow;

use crate::admin::desk::Desk;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::catalogue;
use gongkai_domain::record::CorrectionStatus;
use gongkai_domain::record::RecordStatus;
use gongkai_domain::role::Permission;
use gongkai_domain::screening::{Finding, FindingKind, SecretGround};
use gongkai_domain::time::{beijing, display_minute, parse_storage_timestamp};
use gongkai_store::records::{self, Record};
use gongkai_store::users::Staff;
use gongkai_store::{StoreError, attachments, corrections, orgs};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::auth::{check_in, scope};
use crate::forms::{RefusalStatus, respond_step};
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;
use form::choices;
use workflow::ReviewForm;

/// Query of the list page.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

/// `GET /admin/records?status=`: records of the organisations the staff member works for.
pub async fn list(
    Desk { state, ctx, staff, .. }: Desk,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let status = RecordStatus::parse(&q.status).unwrap_or(
        if staff.grants.allows(Permission::ReviewRecords, &[]) {
            RecordStatus::Pending
        } else {
            RecordStatus::Draft
        },
    );
    let mut ids: Vec<i64> = scope(&state, &staff, Permission::DraftRecords)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    ids.extend(
        scope(&state, &staff, Permission::ReviewRecords)
            .await?
            .iter()
            .map(|o| o.id),
    );
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<Value> = records::list_for_staff(&state.store, &ids, &[status], 200)
        .await?
        .into_iter()
        .map(|r| {
            context! {
                id => r.id, title => r.title, org_name => r.org_name, index_no => r.index_no,
                kind => r.kind.label(),
                updated => parse_storage_timestamp(&r.updated_at).map(display_minute),
            }
        })
        .collect();
    let tabs = code_labels!(RecordStatus::ALL);
    state
        .page(
            &ctx,
            "admin/records.html",
            context! { rows => rows, status => status.code(), status_label => status.label(), tabs => ser(&tabs) },
        )
        .await
}

/// The most findings listed one by one on a record page; past it the page says how many more
/// there are (a list of tens of thousands would make every view slow and help no reviewer).
pub const FINDINGS_LISTED: usize = 200;

/// Screening findings of a record (title, body, every attachment), as the store screens it
/// when the record is submitted, approved or corrected.
pub async fn findings_of(state: &AppState, r: &Record) -> Result<Vec<Finding>, WebError> {
    Ok(gongkai_store::screening::record_findings(&state.store, r.id, None).await?)
}

async fn load_visible(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(Record, Vec<i64>), WebError> {
    let r = records::get(&state.store, id).await?;
    let chain = orgs::chain(&state.store, r.org_id).await?;
    if !(staff.grants.allows(Permission::DraftRecords, &chain)
        || staff.grants.allows(Permission::ReviewRecords, &chain))
    {
        return Err(WebError::Forbidden("查看该信息"));
    }
    Ok((r, chain))
}

/// A record a back-office handler acts on: the request's desk, the record and the chain of its
/// organisation, loaded once and checked for what the step needs.
struct OnRecord {
    desk: Desk,
    r: Record,
    chain: Vec<i64>,
}

impl OnRecord {
    /// The record, if the staff member may see it (drafts or reviews in its organisation).
    async fn visible(desk: Desk, id: i64) -> Result<Self, WebError> {
        let (r, chain) = load_visible(&desk.state, &desk.staff, id).await?;
        Ok(Self { desk, r, chain })
    }

    /// The record, if the staff member holds `permission` in its organisation.
    async fn open(desk: Desk, id: i64, permission: Permission) -> Result<Self, WebError> {
        let rec = Self::visible(desk, id).await?;
        check_in(&rec.desk.staff, permission, &rec.chain)?;
        Ok(rec)
    }

    /// The record page with `error` said on it, answering with `status`.
    async fn show(&self, status: StatusCode, error: Option<String>) -> Result<Response, WebError> {
        let page = RecordPage {
            status,
            error,
            review: None,
        };
        self.page(page).await
    }

    /// Answers a step on the record: back to the record when it succeeded, otherwise the record
    /// page saying why — 409 for a workflow rule, `refused` for input the store turned down.
    async fn after(
        &self,
        result: Result<(), StoreError>,
        refused: StatusCode,
    ) -> Result<Response, WebError> {
        let statuses = RefusalStatus {
            rule: StatusCode::CONFLICT,
            conflict: refused,
        };
        respond_step(
            result,
            statuses,
            |()| format!("/admin/records/{}", self.r.id),
            async |no| self.show(no.status, Some(no.message)).await,
        )
        .await
    }

    /// The record page as `page` asks for it.
    async fn page(&self, page: RecordPage<'_>) -> Result<Response, WebError> {
        let Desk { state, ctx, staff, .. } = &self.desk;
        show_record_page(state, ctx, staff, &self.r, &self.chain, page).await
    }
}

/// `GET /admin/records/{id}`: the record with the actions its status and the viewer allow.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let rec = OnRecord::visible(desk, id).await?;
    rec.show(StatusCode::OK, None).await
}

/// How a record page is answered: its status, an error to show, and a refused review form
/// to show again as typed.
struct RecordPage<'a> {
    status: StatusCode,
    error: Option<String>,
    review: Option<&'a ReviewForm>,
}

async fn show_record_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    r: &Record,
    chain: &[i64],
    page: RecordPage<'_>,
) -> Result<Response, WebError> {
    let RecordPage { status, error, review } = page;
    let findings = findings_of(state, r).await?;
    let is_author = r.author_id == Some(staff.id);
    let can_draft = staff.grants.allows(Permission::DraftRecords, chain);
    let can_review = staff.grants.allows(Permission::ReviewRecords, chain);
    let files: Vec<Value> = attachments::list(&state.store, r.id)
        .await?
        .into_iter()
        .map(|a| {
            context! {
                id => a.id, name => a.file_name, size => crate::view::format::human_size(a.size_bytes),
                kind => crate::download::file_kind(&a.kind).map(|k| k.label()).unwrap_or("文件"),
            }
        })
        .collect();
    let audit =
        gongkai_store::audit::recent(&state.store, 50, Some(("record", &r.id.to_string()))).await?;
    let history: Vec<Value> = audit
        .into_iter()
        .map(|e| {
            // A return's reason belongs in the history the author reads.
            let reason = (e.action == "record.reject")
                .then(|| serde_json::from_str::<serde_json::Value>(&e.detail).ok())
                .flatten()
                .and_then(|d| d["reason"].as_str().map(str::to_owned));
            context! { at => parse_storage_timestamp(&e.at).map(display_minute), actor => e.actor, action => gongkai_domain::audit::action_label(&e.action), reason => reason }
        })
        .collect();
    let returned = match r.status {
        RecordStatus::Draft => records::returned(&state.store, r.id).await?.map(|b| {
            let at = parse_storage_timestamp(&b.at)
                .map(display_minute)
                .unwrap_or(b.at);
            context! { reason => b.reason, by => b.by, at => at }
        }),
        _ => None,
    };
    let status_label = r.status.label();
    let correction = match r.status {
        RecordStatus::Published => corrections::open_of(&state.store, r.id).await?,
        _ => None,
    };
    let correction_findings = match &correction {
        Some(c) => {
            gongkai_store::screening::record_findings(
                &state.store,
                r.id,
                Some((&c.meta.title, &c.body_text)),
            )
            .await?
        }
        None => Vec::new(),
    };
    let correction_view = correction.as_ref().map(|c| {
        let shown = |at: &str| {
            parse_storage_timestamp(at)
                .map(display_minute)
                .unwrap_or_else(|| at.to_owned())
        };
        context! {
            c => ser(c), pending => c.status == CorrectionStatus::Pending,
            status_label => c.status.label(), own => c.author_id == staff.id,
            submitted => shown(&c.submitted_at),
            returned_at => c.returned_at.as_deref().map(shown),
            title_changed => c.meta.title != r.title,
            body_html => Value::from_safe_string(c.body_html.clone()),
            findings => ser(&correction_findings[..correction_findings.len().min(FINDINGS_LISTED)]),
            findings_total => correction_findings.len(),
            secret_marked => secret_marked(&correction_findings),
            can_review => can_review && c.status == CorrectionStatus::Pending && c.author_id != staff.id,
            // The one rule is `corrections::discard`'s; this only decides whether to offer it.
            can_discard => c.author_id == staff.id || (can_review && c.status == CorrectionStatus::Returned),
        }
    });
    let grounds: Vec<_> = SecretGround::ALL
        .iter()
        .map(|g| (g.code(), g.label(), g.basis()))
        .collect();
    state
        .page_with_status(
            ctx,
            status,
            "admin/record.html",
            context! {
                r => ser(r), status_label => status_label,
                body_html => Value::from_safe_string(r.body_html.clone()),
                kind => r.kind.label(),
                findings => ser(&findings[..findings.len().min(FINDINGS_LISTED)]),
                findings_total => findings.len(), files => files, history => history, error => error,
                returned => returned, correction => correction_view,
                secret_marked => secret_marked(&findings), secret_grounds => ser(&grounds),
                review => ser(&review.cloned().unwrap_or_default()),
                is_author => is_author, can_edit => can_draft && is_author && r.status == RecordStatus::Draft,
                can_submit => can_draft && r.status == RecordStatus::Draft,
                can_review => can_review && !is_author && r.status == RecordStatus::Pending,
                author_waiting => is_author && r.status == RecordStatus::Pending,
                can_manage_published => (can_draft || can_review) && r.status == RecordStatus::Published,
                public_url => r.index_no.as_deref().map(crate::view::urls::record_url),
                choices => choices(&site_themes(state, r.org_id).await?),
                now_local => Utc::now().with_timezone(&beijing()).format("%Y-%m-%dT%H:%M").to_string(),
            },
        )
        .await
}

/// Whether screening found a secret marking, for which the reviewer must choose a legal ground.
fn secret_marked(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.kind == FindingKind::SecretMarking)
}

/// `GET /admin/scan`: 网站自查: every published record of the organisations where the member of
/// staff reviews (their own site's, or their department's) re-screened, findings by organisation.
pub async fn scan_all(desk: Desk) -> Result<Response, WebError> {
    let ids = crate::auth::scope_ids(&desk.state, &desk.staff, Permission::ReviewRecords).await?;
    let report = gongkai_store::screening::scan_published(&desk.state.store, Some(&ids)).await?;
    desk.page(
        StatusCode::OK,
        "admin/scan.html",
        context! { report => ser(&report) },
    )
    .await
}

/// The theme tree of the site an organisation belongs to.
pub async fn site_themes(state: &AppState, org_id: i64) -> Result<Vec<catalogue::Theme>, WebError> {
    let chain = orgs::chain(&state.store, org_id).await?;
    let site = *chain.last().unwrap_or(&org_id);
    Ok(gongkai_store::themes::list(&state.store, site).await?)
}
