//! 依申请公开 for the public: the application form, the receipt, the status lookup, letter
//! and released-file downloads, and the online answer to a correction notice (补正). The form
//! and `POST /api/v1/applications` submit through the same use case,
//! `gongkai_service::applications::submit`; the 补正 through `answer_correction`.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{
    ApplicantKind, ApplicationStatus, ClockEvent, DeliveryForm, MAX_CORRECTION_CHARS, Outcome,
};
use gongkai_domain::time::{display_minute, parse_storage_timestamp};
use gongkai_service::Files;
use gongkai_service::applications::{self as service, ApplyForm};
use gongkai_store::applications::{self, Application, Receipt};
use gongkai_store::orgs;
use minijinja::{Value, context};

use crate::WebError;
use crate::cases::{self, Desk, StatusDesk};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;
use gongkai_domain::FieldErrors;

fn choices() -> Value {
    context! {
        kinds => ser(&code_labels!(ApplicantKind::ALL)),
        deliveries => ser(&code_labels!(DeliveryForm::ALL)),
    }
}

async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: &ApplyForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let all = orgs::of_site(
        &state.store,
        crate::site::require_site(state, &ctx.site).await?.id,
    )
    .await?;
    state
        .page_with_status(
            ctx,
            status,
            "ysqgk/apply.html",
            context! { form => ser(form), errors => ser(errors), orgs => ser(&all), choices => choices() },
        )
        .await
}

/// `GET /ysqgk/`: how to apply.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    state.page(&ctx, "ysqgk/index.html", context! {}).await
}

/// `GET /ysqgk/apply`.
pub async fn form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let form = ApplyForm {
        submission_key: gongkai_store::sessions::random_token(),
        applicant_kind: ApplicantKind::Natural.code().into(),
        delivery: DeliveryForm::Email.code().into(),
        ..ApplyForm::default()
    };
    render_form(&state, &ctx, StatusCode::OK, &form, &FieldErrors::new()).await
}

fn receipt_view(r: &Receipt, org_name: &str) -> Value {
    context! {
        tracking_code => &r.tracking_code, received_on => ser(&r.received_on), due_on => ser(&r.due_on), due_provisional => r.due_provisional,
        repeated => r.repeated, org_name => org_name,
    }
}

/// Most proof files one application may carry.
pub const MAX_PROOF_FILES: usize = 3;

/// Reads the multipart form: its text fields and the proof files (PDF, images, Word).
async fn read_multipart(
    state: &AppState,
    mp: Multipart,
) -> Result<
    (
        ApplyForm,
        Vec<crate::forms::upload::PendingFile>,
        Option<gongkai_domain::Refusal>,
    ),
    WebError,
> {
    let upload =
        crate::forms::upload::read_form_with_files(state, mp, "proof", MAX_PROOF_FILES, "证明文件")
            .await?;
    Ok((upload.form, upload.files, upload.file_error))
}

/// `POST /ysqgk/apply` (multipart, CSRF token in the action's query string): stores the
/// application with its proof files and shows the receipt.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let (mut f, files, file_error) = read_multipart(&state, multipart).await?;
    let files = Files {
        write: || crate::forms::upload::store_files(&state, files),
        refused: file_error,
    };
    let intake = state.intake(&ctx.site, &ip, Utc::now());
    match service::submit(intake, &f, files).await? {
        Ok(submitted) => {
            let receipt = submitted.receipt;
            let app = applications::by_tracking_code(&state.store, &receipt.tracking_code).await?;
            let explanation = applications::explain(&state.store, &app).await?;
            state
                .page_with_status(
                    &ctx,
                    StatusCode::CREATED,
                    "ysqgk/receipt.html",
                    context! {
                        r => receipt_view(&receipt, &submitted.org_name), explanation => explanation,
                    },
                )
                .await
        }
        Err(errors) => {
            f.secret.clear();
            f.secret_again.clear();
            render_form(&state, &ctx, StatusCode::BAD_REQUEST, &f, &errors).await
        }
    }
}

impl StatusDesk for Application {
    const DESK: Desk = Desk::new(applications::SESSIONS, "ysqgk", "gk_ysq", "lookup-fail");

    fn site_id(&self) -> i64 {
        self.site_id
    }

    /// What an applicant sees about their application (no staff notes, no other applications).
    async fn status_page(
        state: &AppState,
        ctx: &PageCtx,
        app: &Self,
    ) -> Result<Response, WebError> {
        status_page_with(state, ctx, app, StatusCode::OK, Notice::None).await
    }
}

/// A line above the status page after the applicant sent something from it.
enum Notice {
    /// Nothing to say.
    None,
    /// What was sent is recorded.
    Done(&'static str),
    /// Why it was refused (the form keeps the text).
    Refused(gongkai_domain::Refusal, String),
}

/// The status page of `app` with an HTTP status and a notice.
async fn status_page_with(
    state: &AppState,
    ctx: &PageCtx,
    app: &Application,
    status: StatusCode,
    notice: Notice,
) -> Result<Response, WebError> {
    let events: Vec<Value> = applications::events(&state.store, app.id)
        .await?
        .into_iter()
        .map(|e| context! { label => e.event.label(), on => e.event.on().to_string() })
        .collect();
    let letters: Vec<Value> = applications::letters(&state.store, app.id)
        .await?
        .into_iter()
        .map(|l| {
            context! {
                id => l.id, title => l.title, body => l.body,
                at => parse_storage_timestamp(&l.created_at).map(display_minute),
            }
        })
        .collect();
    let released: Vec<Value> = applications::reply_files(&state.store, app.id)
        .await?
        .into_iter()
        .map(|f| {
            context! {
                id => f.id, name => f.file_name,
                size => crate::view::format::human_size(f.size_bytes),
            }
        })
        .collect();
    let outcome = app.outcome.map(Outcome::display);
    let explanation = if app.status == ApplicationStatus::Replied {
        Vec::new()
    } else {
        applications::explain(&state.store, app).await?
    };
    let (done, error, text) = match notice {
        Notice::None => (None, None, String::new()),
        Notice::Done(m) => (Some(m), None, String::new()),
        Notice::Refused(r, text) => (
            None,
            Some(context! { code => r.code.code(), message => r.message }),
            text,
        ),
    };
    let correction = if app.status == ApplicationStatus::AwaitingCorrection {
        let deadline = applications::events(&state.store, app.id)
            .await?
            .into_iter()
            .rev()
            .find_map(|e| match e.event {
                ClockEvent::CorrectionRequested { deadline, what, .. } => Some((deadline, what)),
                _ => None,
            });
        deadline.map(|(deadline, what)| {
            context! {
                deadline => deadline.to_string(), what => what, text => text,
                max_files => MAX_CORRECTION_FILES, max_chars => MAX_CORRECTION_CHARS,
            }
        })
    } else {
        None
    };
    state
        .page_with_status(
            ctx,
            status,
            "ysqgk/status_result.html",
            context! {
                a => context! {
                    tracking_code => &app.tracking_code, org_name => &app.org_name,
                    status => app.status.label(), received_on => ser(&app.received_on),
                    due_on => ser(&app.due_on), due_provisional => app.due_provisional, outcome => outcome, description => &app.description,
                },
                events => events, letters => letters, explanation => explanation,
                released => released, correction => correction, done => done, error => error,
            },
        )
        .await
}

/// Most files one online 补正 may carry.
pub const MAX_CORRECTION_FILES: usize = 3;

/// The refusal for a download or a 补正 without a live status session.
fn needs_lookup() -> WebError {
    WebError::NotFound(ErrorCode::ApplicationLetterNeedsLookup.into())
}

/// The application whose status session the request carries, or [`needs_lookup`].
async fn open_application(state: &AppState, headers: &HeaderMap) -> Result<Application, WebError> {
    cases::session_case::<Application>(state, headers)
        .await?
        .ok_or_else(needs_lookup)
}

/// `POST /ysqgk/correction?csrf_token=…` (multipart: `text`, files in `files`): the
/// applicant's online answer to the correction notice, for the application whose status
/// session is open. Recorded as the application's 补正 (the clock runs again from today);
/// refused with the reason on the status page once the notice's period has passed.
pub async fn correction(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let app = open_application(&state, &headers).await?;
    let upload = crate::forms::upload::read_form_with_files::<service::CorrectionForm>(
        &state,
        multipart,
        "files",
        MAX_CORRECTION_FILES,
        "补正材料",
    )
    .await?;
    let form = upload.form;
    let files = Files {
        write: || crate::forms::upload::store_files(&state, upload.files),
        refused: upload.file_error,
    };
    let intake = state.intake(&ctx.site, &ip, Utc::now());
    match service::answer_correction(intake, &app, &form, files).await? {
        Ok(updated) => {
            status_page_with(
                &state,
                &ctx,
                &updated,
                StatusCode::OK,
                Notice::Done("补正已提交，答复期限自今日起重新计算。"),
            )
            .await
        }
        Err(refused) => {
            let status = if refused.code == ErrorCode::ApplicationCorrectionPeriodOver
                || refused.code == ErrorCode::ApplicationCorrectionNotAwaited
            {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            status_page_with(
                &state,
                &ctx,
                &app,
                status,
                Notice::Refused(refused, form.text),
            )
            .await
        }
    }
}

/// `GET /ysqgk/files/{id}/{name}`: a file released with the reply, for the applicant whose
/// status session is open; any other visitor, or another application's session, gets 404.
pub async fn released_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((file, _name)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let app = open_application(&state, &headers).await?;
    let released = applications::reply_files(&state.store, app.id).await?;
    crate::download::send_case_file(&state, released, file, ErrorCode::FileNotFound).await
}

/// `GET /ysqgk/letters/{id}.pdf`: a letter as PDF, for the applicant whose session is open.
pub async fn letter_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let not_found = needs_lookup;
    let id: i64 = file
        .trim_end_matches(".pdf")
        .parse()
        .map_err(|_| not_found())?;
    let app = open_application(&state, &headers).await?;
    let letter = applications::letters(&state.store, app.id)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(not_found)?;
    crate::letters::pdf_response(&state, &app, &letter).await
}
