//! `/admin/applications`: the staff workbench for 依申请公开 — the queue by due date with
//! near-due and overdue marks, the application with its clock and how the due date was
//! computed, every clock event as an audited action, the reply letter, similar requests.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use gongkai_domain::application::{
    ApplicantKind, ApplicationStatus, ClockEvent, DeliveryForm, FeeBasis, IdCardNo, Outcome,
    effective_status, fee, open_consultation, payment_deadline,
};
use gongkai_domain::calendar::PauseReason;
use gongkai_domain::record::{RecordInput, RecordKind, RecordMeta};
use gongkai_domain::role::Permission;
use gongkai_domain::time::{beijing_date, display_minute, parse_storage_timestamp};
use gongkai_store::applications::{self, Application};
use gongkai_store::users::Staff;
use gongkai_store::{Actor, StoreError, calendar, orgs, records};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::auth::{CurrentStaff, check_in, scope_ids};
use crate::client_ip::ClientIp;
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

/// `GET /admin/applications`: open applications first, by due date.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Response, WebError> {
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
                kind => ApplicantKind::parse(&a.applicant_kind).map(|k| k.label()).unwrap_or_default(),
                description => a.description.chars().take(40).collect::<String>(),
                status => a.status.label(),
                received_on => ser(&a.received_on), due_on => ser(&a.due_on), left => left, paused => paused,
                status_code => a.status.code(),
                overdue => left.is_some_and(|l| l < 0), near => left.is_some_and(|l| (0..=NEAR_DUE_WORKING_DAYS).contains(&l)),
            }
        })
        .collect();
    state
        .page(&ctx, "admin/applications.html", context! { rows => rows })
        .await
}

async fn load(
    state: &AppState,
    staff: &Staff,
    id: i64,
    permission: Permission,
) -> Result<Application, WebError> {
    let app = applications::get(&state.store, id).await?;
    let chain = orgs::chain(&state.store, app.org_id).await?;
    check_in(staff, permission, &chain)?;
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
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id, Permission::HandleCases).await?;
    applications::log_access(&state.store, &Actor::user(&staff.username, &ip), &app).await?;
    let draft = match q.draft.trim() {
        "" => None,
        code => {
            let outcome =
                Outcome::parse(code).map_err(|_| WebError::BadRequest("未知的答复类型".into()))?;
            let body =
                letters::reply_draft(&state, &app, outcome, beijing_date(Utc::now())).await?;
            Some((outcome, body))
        }
    };
    render_with(&state, &ctx, &staff, &app, StatusCode::OK, None, draft).await
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    app: &Application,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
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
            context! {
                label => e.event.label(), on => e.event.on().to_string(), actor => &e.actor,
                at => display_minute(e.at),
                detail => serde_json::to_string(&e.event).unwrap_or_default(),
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
    let proof: Vec<Value> = applications::files(&state.store, app.id)
        .await?
        .into_iter()
        .map(|f| context! { id => f.id, name => f.file_name, size => crate::view::format::human_size(f.size_bytes) })
        .collect();
    state
        .page_with_status(
            ctx,
            status,
            "admin/application.html",
            context! {
                a => ser(app), error => error,
                kind => ApplicantKind::parse(&app.applicant_kind).map(|k| k.label()).unwrap_or_default(),
                delivery => DeliveryForm::parse(&app.delivery).map(|d| d.label()).unwrap_or_default(),
                status_label => app.status.label(),
                outcome => Outcome::parse(&app.outcome).ok().map(Outcome::display),
                explanation => explanation, history => history, letters => letters, similar => similar,
                outcomes => ser(&outcomes), other_orgs => ser(&other_orgs), today => today.to_string(),
                can_extend => staff.grants.has_role(gongkai_domain::role::Role::OfficeHead),
                piece_fee => fee(FeeBasis::Piece { nth }).0, nth => nth, proof => proof,
                acting => acting,
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

/// The event form: `kind` chooses the event; the other fields as it needs.
#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    fee_by: String,
    #[serde(default)]
    pages: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    letter: String,
}

/// The day a step happened: today when not given, never later than today (the rules that wait
/// for a deadline — （六）1, （六）2, a consultation's 15 days — judge by this date).
fn date_or_today(raw: &str) -> Result<NaiveDate, WebError> {
    let today = beijing_date(Utc::now());
    if raw.trim().is_empty() {
        return Ok(today);
    }
    let on = gongkai_domain::record::parse_date("on", raw)?;
    if on > today {
        return Err(WebError::BadRequest(format!(
            "办理日期 {on} 晚于今天，请填写实际办理的日期"
        )));
    }
    Ok(on)
}

/// `POST /admin/applications/{id}/events`: records one clock event (audited), with its letter.
pub async fn event(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id, Permission::HandleCases).await?;
    let on = date_or_today(&f.on)?;
    let cal = calendar::load(&state.store).await?;
    let built: Result<(ClockEvent, Option<applications::NewLetter>), WebError> =
        match f.kind.as_str() {
            "register" => Ok((ClockEvent::Registered { on }, None)),
            "correction" => {
                let deadline = if f.deadline.trim().is_empty() {
                    cal.due_date(on, 15, None)
                        .map_err(|e| WebError::BadRequest(e.to_string()))?
                } else {
                    gongkai_domain::record::parse_date("deadline", &f.deadline)?
                };
                let (t, b) = letters::correction(&app, on, deadline, &f.what);
                Ok((
                    ClockEvent::CorrectionRequested {
                        on,
                        deadline,
                        what: f.what.trim().to_owned(),
                    },
                    Some(("correction".into(), t, b)),
                ))
            }
            "correction_received" => Ok((ClockEvent::CorrectionReceived { on }, None)),
            "third_party" => Ok((
                ClockEvent::ThirdPartyConsultation {
                    on,
                    party: f.party.trim().to_owned(),
                },
                None,
            )),
            "third_party_answered" => Ok((ClockEvent::ThirdPartyAnswered { on }, None)),
            "agency" => Ok((
                ClockEvent::AgencyConsultation {
                    on,
                    agency: f.party.trim().to_owned(),
                },
                None,
            )),
            "agency_answered" => Ok((ClockEvent::AgencyAnswered { on }, None)),
            "extend" => {
                // Only the head of the disclosure office may extend (第三十三条); one place decides.
                check_in(
                    &staff,
                    Permission::ApproveExtensions,
                    &orgs::chain(&state.store, app.org_id).await?,
                )?;
                let days: u32 = f
                    .days
                    .trim()
                    .parse()
                    .map_err(|_| WebError::BadRequest("请填写延长的工作日数".into()))?;
                let e = ClockEvent::Extended {
                    working_days: days,
                    on,
                    reason: f.reason.trim().to_owned(),
                };
                let mut evs: Vec<ClockEvent> = applications::events(&state.store, id)
                    .await?
                    .into_iter()
                    .map(|e| e.event)
                    .collect();
                evs.push(e.clone());
                let site = orgs::by_id(&state.store, app.site_id).await?;
                let region = applications::region_of_site(&state.store, &site.code).await?;
                let due = applications::reckon(&app, &evs, &cal, region)
                    .ok()
                    .and_then(|r| r.due_date());
                let (t, b) = letters::extension(&app, on, days, &f.reason, due);
                Ok((e, Some(("extension".into(), t, b))))
            }
            "fee" => {
                let basis = if f.fee_by == "volume" {
                    FeeBasis::Volume {
                        pages: f
                            .pages
                            .trim()
                            .parse()
                            .map_err(|_| WebError::BadRequest("请填写页数".into()))?,
                    }
                } else {
                    FeeBasis::Piece {
                        nth: applications::nth_this_month(&state.store, &app).await?,
                    }
                };
                let (amount, basis_text) = fee(basis);
                let site = orgs::by_id(&state.store, app.site_id).await?;
                let region = applications::region_of_site(&state.store, &site.code).await?;
                let pay_by = payment_deadline(on, &cal, region.as_ref())
                    .map_err(|e| WebError::BadRequest(e.to_string()))?;
                let (t, b) = letters::fee(&app, on, amount, &basis_text, pay_by);
                Ok((
                    ClockEvent::FeeNotice {
                        on,
                        amount_yuan: amount,
                        basis: basis_text,
                        pay_by: Some(pay_by),
                    },
                    Some(("fee".into(), t, b)),
                ))
            }
            "fee_paid" => Ok((ClockEvent::FeePaid { on }, None)),
            "transfer" => {
                let code = gongkai_domain::org::OrgCode::parse(&f.to)
                    .map_err(|_| WebError::BadRequest("请选择负责公开该信息的机构".into()))?;
                let to = orgs::by_code(&state.store, &code).await?;
                let guide = gongkai_store::guides::get(&state.store, to.id).await?;
                let contact = guide
                    .map(|g| format!("{} {}", g.phone, g.address))
                    .unwrap_or_default();
                let (t, b) = letters::transfer(&app, on, &to.name, &contact);
                Ok((
                    ClockEvent::Transferred {
                        on,
                        to: to.code.clone(),
                    },
                    Some(("transfer".into(), t, b)),
                ))
            }
            "reply" => {
                let outcome = Outcome::parse(&f.outcome)
                    .map_err(|_| WebError::BadRequest("请选择答复类型".into()))?;
                let body = if f.letter.trim().is_empty() {
                    letters::reply_draft(&state, &app, outcome, on).await?
                } else {
                    f.letter.trim().replace("\r\n", "\n")
                };
                Ok((
                    ClockEvent::Replied { on, outcome },
                    Some(("reply".into(), letters::REPLY_TITLE.into(), body)),
                ))
            }
            _ => Err(WebError::BadRequest("未知的办理操作".into())),
        };
    let (event, letter) = match built {
        Ok(x) => x,
        Err(e @ WebError::Forbidden(_)) => return Err(e),
        Err(e) => {
            return render(
                &state,
                &ctx,
                &staff,
                &app,
                StatusCode::BAD_REQUEST,
                Some(e.to_string()),
            )
            .await;
        }
    };
    match applications::record_event(
        &state.store,
        &Actor::user(&staff.username, &ip),
        id,
        &event,
        letter,
    )
    .await
    {
        Ok(updated) => {
            // A transfer forwards the application to the responsible organisation.
            if let ClockEvent::Transferred { to, .. } = &event {
                forward(&state, &updated, to).await?;
            }
            Ok(Redirect::to(&format!("/admin/applications/{id}")).into_response())
        }
        Err(StoreError::Domain(e)) => {
            render(
                &state,
                &ctx,
                &staff,
                &app,
                StatusCode::CONFLICT,
                Some(e.to_string()),
            )
            .await
        }
        Err(StoreError::Conflict(msg)) => {
            render(&state, &ctx, &staff, &app, StatusCode::CONFLICT, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates the forwarded application at the receiving organisation, received today.
async fn forward(state: &AppState, app: &Application, to: &str) -> Result<(), WebError> {
    let code = gongkai_domain::org::OrgCode::parse(to)?;
    let org = orgs::by_code(&state.store, &code).await?;
    gongkai_store::applications::forward(&state.store, app, org.id).await?;
    Ok(())
}

/// `GET /admin/applications/{id}/reply-draft?outcome=…`: the prefilled reply letter for an
/// outcome, as plain text for the reply form.
pub async fn reply_draft(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id, Permission::HandleCases).await?;
    let outcome = Outcome::parse(q.get("outcome").map(String::as_str).unwrap_or("1"))
        .map_err(|_| WebError::BadRequest("未知的答复类型".into()))?;
    let body = letters::reply_draft(&state, &app, outcome, beijing_date(Utc::now())).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// `GET /admin/applications/{id}/letters/{letter}.pdf`.
pub async fn letter_pdf(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id, Permission::HandleCases).await?;
    let lid: i64 = file
        .trim_end_matches(".pdf")
        .parse()
        .map_err(|_| WebError::NotFound("文书不存在".into()))?;
    let letter = applications::letters(&state.store, id)
        .await?
        .into_iter()
        .find(|l| l.id == lid)
        .ok_or_else(|| WebError::NotFound("文书不存在".into()))?;
    letters::pdf_response(&state, &app, &letter).await
}

/// `POST /admin/applications/{id}/proactive`: proposes publishing the requested information
/// proactively (第四十四条): a draft record linked to this and the similar applications.
pub async fn propose_proactive(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id, Permission::HandleCases).await?;
    let similar = applications::similar(&state.store, &app).await?;
    let today = beijing_date(Utc::now());
    let title = format!(
        "依申请公开转主动公开：{}",
        app.description.chars().take(60).collect::<String>()
    );
    let meta = RecordMeta::parse(
        &RecordInput {
            title: &title,
            kind: RecordKind::Other.code(),
            ..RecordInput::default()
        },
        today,
    )
    .map_err(|e| {
        WebError::BadRequest(
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    let body_text = format!(
        "本信息因多名申请人申请公开（{} 件），拟依据《中华人民共和国政府信息公开条例》第四十四条转为主动公开。\n\n申请内容：{}",
        similar.len() + 1,
        app.description
    );
    let content = records::Content {
        meta,
        body_html: gongkai_content::text_to_html(&body_text),
        body_text,
        columns: vec!["qtfd".into()],
        interprets_id: None,
        interpretation_form: None,
    };
    let actor = Actor::user(&staff.username, &ip);
    let record =
        records::create_draft(&state.store, &actor, staff.id, app.org_id, &content).await?;
    let mut ids = vec![app.id];
    ids.extend(similar.iter().map(|(a, _)| a.id));
    applications::link_proactive(&state.store, &actor, &ids, record.id).await?;
    Ok(Redirect::to(&format!("/admin/records/{}", record.id)).into_response())
}

/// `GET /admin/applications/{id}/files/{file}`: a proof file the applicant attached (access
/// to it is logged like access to the application).
pub async fn proof_file(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id, Permission::HandleCases).await?;
    let f = applications::files(&state.store, id)
        .await?
        .into_iter()
        .find(|f| f.id == file)
        .ok_or_else(|| WebError::NotFound("文件不存在".into()))?;
    applications::log_access(&state.store, &Actor::user(&staff.username, &ip), &app).await?;
    crate::download::send_blob(&state, &f.sha256, &f.kind, &f.file_name).await
}
