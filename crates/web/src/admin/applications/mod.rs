//! `/admin/applications`: the staff workbench for 依申请公开 — the queue by due date with
//! near-due and overdue marks, the application with its clock and how the due date was
//! computed, every clock event as an audited action, the reply letter, similar requests.

pub mod challenges;
pub mod events;
pub mod replies;

use crate::admin::desk::Desk;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{
    ApplicationStatus, ChallengeKind, ChallengeResult, ClockEvent, FeeBasis, IdCardNo, Outcome,
    effective_status, fee, open_consultation,
};
use gongkai_domain::calendar::PauseReason;
use gongkai_domain::role::Permission;
use gongkai_domain::time::{beijing_date, display_minute, parse_storage_timestamp};
use gongkai_store::applications::{self, Application};
use gongkai_store::users::Staff;
use gongkai_store::{Actor, calendar, orgs};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::auth::{check_org, scope_ids};
use crate::letters;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

pub use gongkai_domain::application::{NEAR_DUE_WORKING_DAYS, days_left};

fn mask_id(app: &Application) -> String {
    if !app.id_number.is_empty() {
        IdCardNo::parse(&app.id_number)
            .map(|i| i.masked())
            .unwrap_or_else(|_| "***".into())
    } else {
        app.credit_code.clone()
    }
}

/// The open applications in this staff member's scope that are overdue or due within
/// [`NEAR_DUE_WORKING_DAYS`] working days: `(tracking code, id, working days left)`, most urgent
/// first — the dashboard's list.
pub async fn due_watch(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<(String, i64, i64)>, WebError> {
    let ids = scope_ids(state, staff, Permission::HandleCases).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let cal = calendar::load(&state.store).await?;
    let today = beijing_date(Utc::now());
    let regions = applications::site_regions(&state.store).await?;
    let mut out: Vec<(String, i64, i64)> = applications::list_for_orgs(&state.store, &ids, false)
        .await?
        .into_iter()
        .filter(|a| a.status != ApplicationStatus::Replied)
        .filter_map(|a| {
            let region = regions.get(&a.site_id).and_then(Option::as_ref);
            let left = days_left(&cal, today, a.due_on, region)?;
            (left <= NEAR_DUE_WORKING_DAYS).then_some((a.tracking_code, a.id, left))
        })
        .collect();
    out.sort_by_key(|(_, _, left)| *left);
    Ok(out)
}

/// `GET /admin/applications`: open applications first, by due date.
pub async fn list(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let ids = scope_ids(&state, &staff, Permission::HandleCases).await?;
    let cal = calendar::load(&state.store).await?;
    let today = beijing_date(Utc::now());
    let regions = applications::site_regions(&state.store).await?;
    let rows: Vec<Value> = applications::list_for_orgs(&state.store, &ids, true)
        .await?
        .into_iter()
        .map(|a| {
            let region = regions.get(&a.site_id).and_then(Option::as_ref);
            let replied = a.status == ApplicationStatus::Replied;
            let left = if replied { None } else { days_left(&cal, today, a.due_on, region) };
            let paused = !replied && a.due_on.is_none();
            context! {
                id => a.id, tracking_code => &a.tracking_code, org_name => &a.org_name,
                applicant => &a.name, id_masked => mask_id(&a),
                kind => a.applicant_kind.label(),
                description => a.description.chars().take(40).collect::<String>(),
                status => a.status.label(),
                received_on => ser(&a.received_on), due_on => ser(&a.due_on), due_provisional => a.due_provisional, left => left, paused => paused,
                status_code => a.status.code(),
                overdue => left.is_some_and(|l| l < 0), near => left.is_some_and(|l| (0..=NEAR_DUE_WORKING_DAYS).contains(&l)),
            }
        })
        .collect();
    state
        .page(&ctx, "admin/applications.html", context! { rows => rows })
        .await
}

/// The application, if the staff member handles cases in its organisation.
async fn load(state: &AppState, staff: &Staff, id: i64) -> Result<Application, WebError> {
    let app = applications::get(&state.store, id).await?;
    check_org(state, staff, Permission::HandleCases, app.org_id).await?;
    Ok(app)
}

/// The query of the application page: `draft` names an outcome whose reply letter is
/// generated into the reply form (a plain GET form, so it works without JavaScript).
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    draft: String,
}

/// `GET /admin/applications/{id}[?draft=<outcome>]`: everything about one application (access
/// is audited); with `draft`, the reply form comes filled with that outcome's letter.
pub async fn show(
    Desk { state, ctx, staff, ip }: Desk,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id).await?;
    applications::log_access(&state.store, &Actor::user(&staff.username, &ip), &app).await?;
    let draft = match q.draft.trim() {
        "" => None,
        code => {
            let outcome = Outcome::parse(code)
                .map_err(|_| WebError::BadRequest(ErrorCode::ApplicationOutcomeUnknown.into()))?;
            let body =
                letters::reply_draft(&state, &app, outcome, beijing_date(Utc::now())).await?;
            Some((outcome, body))
        }
    };
    render_with(&state, &ctx, &staff, &app, StatusCode::OK, None, draft).await
}

async fn render(
    desk: &Desk,
    app: &Application,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let Desk { state, ctx, staff, .. } = desk;
    render_with(state, ctx, staff, app, status, error, None).await
}

async fn render_with(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    app: &Application,
    status: StatusCode,
    error: Option<String>,
    draft: Option<(Outcome, String)>,
) -> Result<Response, WebError> {
    let cal = calendar::load(&state.store).await?;
    let site = orgs::by_id(&state.store, app.site_id).await?;
    let region = applications::region_of_site(&state.store, &site.code).await?;
    let recorded = applications::events(&state.store, app.id).await?;
    let events: Vec<ClockEvent> = recorded.iter().map(|e| e.event.clone()).collect();
    let today = beijing_date(Utc::now());
    // Who is being consulted and until when (15 working days, 第三十二条 / 第三十四条); once
    // that has passed the office acts without waiting (`acting` is then 办理中).
    let consultation = match app.status {
        ApplicationStatus::Consulting => {
            open_consultation(&events, &cal, region.as_ref()).unwrap_or_default()
        }
        _ => None,
    };
    let acting = effective_status(app.status, &events, today, &cal, region.as_ref())
        .unwrap_or(app.status)
        .code();
    let explanation = match applications::reckon(app, &events, &cal, region) {
        Ok(r) => r.describe_zh(),
        Err(e) => vec![e.to_string()],
    };
    let history: Vec<Value> = recorded
        .iter()
        .map(|e| {
            // What the applicant sent with an online 补正, shown in full to the handler.
            let answer = match &e.event {
                ClockEvent::CorrectionReceived { answer: Some(a), .. } => {
                    Some(context! { text => &a.text, files => &a.files })
                }
                _ => None,
            };
            context! {
                label => e.event.label(), on => e.event.on().to_string(), actor => &e.actor,
                at => display_minute(e.at),
                detail => serde_json::to_string(&e.event).unwrap_or_default(),
                answer => answer,
            }
        })
        .collect();
    let letters: Vec<Value> = applications::letters(&state.store, app.id)
        .await?
        .into_iter()
        .map(|l| context! { id => l.id, title => l.title, body => l.body, at => parse_storage_timestamp(&l.created_at).map(display_minute) })
        .collect();
    let similar: Vec<Value> = applications::similar(&state.store, app)
        .await?
        .into_iter()
        .map(|(a, s)| context! { id => a.id, tracking_code => a.tracking_code, description => a.description, score => format!("{:.0}%", s * 100.0) })
        .collect();
    let outcomes: Vec<_> = Outcome::ALL
        .iter()
        .map(|o| (o.code(), o.display()))
        .collect();
    let other_orgs: Vec<_> = orgs::list(&state.store)
        .await?
        .into_iter()
        .filter(|o| o.id != app.org_id)
        .collect();
    let nth = applications::nth_this_month(&state.store, app)
        .await
        .unwrap_or(1);
    let file_view = |f: gongkai_store::cases::AttachedFile| context! { id => f.id, name => f.file_name, size => crate::view::format::human_size(f.size_bytes) };
    let proof: Vec<Value> = applications::files(&state.store, app.id)
        .await?
        .into_iter()
        .map(file_view)
        .collect();
    let released: Vec<Value> = applications::reply_files(&state.store, app.id)
        .await?
        .into_iter()
        .map(file_view)
        .collect();
    let challenge_kinds: Vec<_> = ChallengeKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let challenge_results: Vec<_> = ChallengeResult::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let challenges: Vec<Value> = gongkai_store::challenges::of_application(&state.store, app.id)
        .await?
        .into_iter()
        .map(|c| {
            context! {
                id => c.id, kind => c.kind.label(), filed_on => c.filed_on.to_string(),
                result => c.result.code(), result_label => c.result.label(),
                decided_on => c.decided_on.map(|d| d.to_string()),
            }
        })
        .collect();
    state
        .page_with_status(
            ctx,
            status,
            "admin/application.html",
            context! {
                a => ser(app), error => error,
                kind => app.applicant_kind.label(),
                delivery => app.delivery.label(),
                status_label => app.status.label(),
                outcome => app.outcome.map(Outcome::display),
                explanation => explanation, history => history, letters => letters, similar => similar,
                outcomes => ser(&outcomes), other_orgs => ser(&other_orgs), today => today.to_string(),
                can_extend => staff.grants.has_role(gongkai_domain::role::Role::OfficeHead),
                piece_fee => fee(FeeBasis::Piece { nth }).0, nth => nth, proof => proof, released => released,
                acting => acting,
                challenges => challenges, challenge_kinds => ser(&challenge_kinds),
                challenge_results => ser(&challenge_results),
                draft_outcome => draft.as_ref().map(|(o, _)| o.code()),
                draft_letter => draft.map(|(_, body)| body),
                consultation => consultation.map(|(reason, until)| context! {
                    who => reason.label_zh(), until => until.to_string(), lapsed => today > until,
                    third_party => reason == PauseReason::ThirdPartyConsultation,
                }),
            },
        )
        .await
}

/// `GET /admin/applications/{id}/files/{file}`: a proof file the applicant attached (access
/// to it is logged like access to the application).
pub async fn proof_file(
    Desk { state, staff, ip, .. }: Desk,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id).await?;
    let f = applications::files(&state.store, id)
        .await?
        .into_iter()
        .find(|f| f.id == file)
        .ok_or_else(|| WebError::NotFound(ErrorCode::FileNotFound.into()))?;
    applications::log_access(&state.store, &Actor::user(&staff.username, &ip), &app).await?;
    crate::download::send_blob(&state, &f.sha256, &f.kind, &f.file_name).await
}
