//! The steps of handling an application (受理、补正、延期、转办、答复 …) as one form of events.

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{ClockEvent, FeeBasis, Outcome, fee, payment_deadline};
use gongkai_domain::role::Permission;
use gongkai_domain::time::beijing_date;
use gongkai_store::applications::{self, Application};
use gongkai_store::cases::AttachedFile;
use gongkai_store::{calendar, orgs};
use serde::Deserialize;

use super::{load, render};
use crate::WebError;
use crate::auth::check_in;
use crate::forms::{RefusalStatus, step};
use crate::letters;
use crate::state::AppState;

/// The event form: `kind` chooses the event; the other fields as it needs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub(super) kind: String,
    pub(super) on: String,
    pub(super) deadline: String,
    pub(super) what: String,
    pub(super) party: String,
    pub(super) days: String,
    pub(super) reason: String,
    pub(super) fee_by: String,
    pub(super) pages: String,
    pub(super) to: String,
    pub(super) outcome: String,
    pub(super) letter: String,
}

/// The day a step happened: today when not given, never later than today (the rules that wait
/// for a deadline — （六）1, （六）2, a consultation's 15 days — judge by this date).
pub(super) fn date_or_today(raw: &str) -> Result<NaiveDate, WebError> {
    let today = beijing_date(Utc::now());
    if raw.trim().is_empty() {
        return Ok(today);
    }
    let on = gongkai_domain::record::parse_date("on", raw)?;
    if on > today {
        return Err(WebError::BadRequest(
            ErrorCode::ApplicationDateFuture.refusal(&[("on", &on)]),
        ));
    }
    Ok(on)
}

/// `POST /admin/applications/{id}/events`: records one clock event (audited), with its letter.
pub async fn event(
    desk: Desk,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> Result<Response, WebError> {
    let app = load(&desk.state, &desk.staff, id).await?;
    record(&desk, app, f, Vec::new()).await
}

/// Most files one reply may release.
pub const MAX_REPLY_FILES: usize = 10;

/// `POST /admin/applications/{id}/reply?csrf_token=…` (multipart): the reply with the files it
/// releases (the information disclosed), checked by content and size like every upload; the
/// letter lists them by name and the applicant downloads them from the status page.
pub async fn reply(
    desk: Desk,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let state = &desk.state;
    let app = load(state, &desk.staff, id).await?;
    let upload = crate::forms::upload::read_form_with_files::<EventForm>(
        state,
        multipart,
        "files",
        MAX_REPLY_FILES,
        "答复附件",
    )
    .await?;
    if let Some(refused) = upload.file_error {
        return render(&desk, &app, StatusCode::BAD_REQUEST, Some(refused.message)).await;
    }
    let mut f = upload.form;
    f.kind = "reply".into();
    let files = crate::forms::upload::store_files(state, upload.files).await?;
    record(&desk, app, f, files).await
}

/// Builds the event the form asks for, with its letter, and records it with `files`.
async fn record(
    desk: &Desk,
    app: Application,
    f: EventForm,
    files: Vec<AttachedFile>,
) -> Result<Response, WebError> {
    let Desk { state, staff, .. } = desk;
    let id = app.id;
    let on = date_or_today(&f.on)?;
    let cal = calendar::load(&state.store).await?;
    // The party a consultation asks (a third party or another agency).
    let party = f.party.trim().to_owned();
    let built: Result<(ClockEvent, Option<applications::NewLetter>), WebError> = match f
        .kind
        .as_str()
    {
        "register" => Ok((ClockEvent::Registered { on }, None)),
        "correction" => {
            let deadline = if f.deadline.trim().is_empty() {
                cal.due_date(on, 15, None)
                    .map_err(|e| WebError::BadRequest(e.into()))?
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
        "correction_received" => Ok((ClockEvent::CorrectionReceived { on, answer: None }, None)),
        "third_party" => Ok((ClockEvent::ThirdPartyConsultation { on, party }, None)),
        "third_party_answered" => Ok((ClockEvent::ThirdPartyAnswered { on }, None)),
        "agency" => Ok((ClockEvent::AgencyConsultation { on, agency: party }, None)),
        "agency_answered" => Ok((ClockEvent::AgencyAnswered { on }, None)),
        "extend" => {
            // Only the head of the disclosure office may extend (第三十三条); one place decides.
            check_in(
                staff,
                Permission::ApproveExtensions,
                &orgs::chain(&state.store, app.org_id).await?,
            )?;
            let days: u32 = f.days.trim().parse().map_err(|_| {
                WebError::BadRequest(ErrorCode::ApplicationExtensionDaysRequired.into())
            })?;
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
                .and_then(|r| Some((r.due_date()?, r.is_provisional())));
            let (t, b) = letters::extension(&app, on, days, &f.reason, due);
            Ok((e, Some(("extension".into(), t, b))))
        }
        "fee" => {
            let basis = if f.fee_by == "volume" {
                FeeBasis::Volume {
                    pages: f.pages.trim().parse().map_err(|_| {
                        WebError::BadRequest(ErrorCode::ApplicationFeePagesRequired.into())
                    })?,
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
                .map_err(|e| WebError::BadRequest(e.into()))?;
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
            let code = gongkai_domain::org::OrgCode::parse(&f.to).map_err(|_| {
                WebError::BadRequest(ErrorCode::ApplicationTransferTargetRequired.into())
            })?;
            let to = orgs::by_code(&state.store, &code).await?;
            let guide = gongkai_store::guides::get(&state.store, to.id).await?;
            let contact = guide
                .map(|g| format!("{} {}", g.phone, g.address))
                .unwrap_or_default();
            let reviewer = letters::reviewing_body(state, &app).await?;
            let (t, b) = letters::transfer(&app, on, &to.name, &contact, &reviewer);
            Ok((
                ClockEvent::Transferred { on, to: to.code.clone() },
                Some(("transfer".into(), t, b)),
            ))
        }
        "reply" => {
            let outcome = Outcome::parse(&f.outcome)
                .map_err(|_| WebError::BadRequest(ErrorCode::ApplicationOutcomeRequired.into()))?;
            let body = if f.letter.trim().is_empty() {
                letters::reply_draft(state, &app, outcome, on).await?
            } else {
                f.letter.trim().replace("\r\n", "\n")
            };
            let names: Vec<String> = files.iter().map(|f| f.file_name.clone()).collect();
            let body = letters::with_attachments(&body, &names);
            Ok((
                ClockEvent::Replied { on, outcome },
                Some(("reply".into(), letters::REPLY_TITLE.into(), body)),
            ))
        }
        _ => Err(WebError::BadRequest(ErrorCode::CaseStepUnknown.into())),
    };
    let (event, letter) = match built {
        Ok(x) => x,
        Err(e @ WebError::Forbidden(_)) => return Err(e),
        Err(e) => {
            return render(desk, &app, StatusCode::BAD_REQUEST, Some(e.to_string())).await;
        }
    };
    let actor = desk.actor();
    let recorded =
        applications::record_event_with_files(&state.store, &actor, id, &event, letter, &files)
            .await;
    match step(recorded, RefusalStatus::STEP)? {
        Ok(updated) => {
            // A transfer forwards the application to the responsible organisation.
            if let ClockEvent::Transferred { to, .. } = &event {
                forward(state, &updated, to).await?;
            }
            Ok(Redirect::to(&format!("/admin/applications/{id}")).into_response())
        }
        Err(no) => render(desk, &app, no.status, Some(no.message)).await,
    }
}

/// Creates the forwarded application at the receiving organisation, received today.
pub(super) async fn forward(state: &AppState, app: &Application, to: &str) -> Result<(), WebError> {
    let code = gongkai_domain::org::OrgCode::parse(to)?;
    let org = orgs::by_code(&state.store, &code).await?;
    gongkai_store::applications::forward(&state.store, app, org.id).await?;
    Ok(())
}
