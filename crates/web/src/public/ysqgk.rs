//! 依申请公开 for the public: the application form, the receipt, the status lookup and letter
//! downloads. The same validation serves `POST /api/v1/applications`.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{
    ApplicantKind, ApplicationStatus, CreditCode, DeliveryForm, IdCardNo, Outcome, parse_phone,
};
use gongkai_domain::time::{display_minute, parse_storage_timestamp};
use gongkai_store::applications::{self, Application, NewApplication, Receipt};
use gongkai_store::{orgs, throttle};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::cases::{self, Desk, StatusDesk};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use gongkai_domain::FieldErrors;

/// The application form as typed (also the JSON body of the API).
#[derive(Debug, Default, Deserialize, Serialize, Clone, utoipa::ToSchema)]
pub struct ApplyForm {
    /// Idempotency key of the form (repeated submissions return the first receipt).
    #[serde(default)]
    pub submission_key: String,
    /// Organ code of the addressed organisation.
    #[serde(default)]
    #[schema(required)]
    pub org: String,
    /// Applicant kind code.
    #[serde(default)]
    #[schema(required)]
    pub applicant_kind: String,
    /// Name of the person or organisation.
    #[serde(default)]
    #[schema(required)]
    pub name: String,
    /// ID number (natural persons).
    #[serde(default)]
    pub id_number: String,
    /// 统一社会信用代码 (organisations).
    #[serde(default)]
    pub credit_code: String,
    /// Contact person (organisations).
    #[serde(default)]
    pub contact_person: String,
    /// Contact phone.
    #[serde(default)]
    #[schema(required)]
    pub phone: String,
    /// E-mail (needed for delivery by e-mail).
    #[serde(default)]
    pub email: String,
    /// Postal address (needed for delivery by post).
    #[serde(default)]
    pub address: String,
    /// Postcode.
    #[serde(default)]
    pub postcode: String,
    /// The information asked for (名称、文号或特征性描述).
    #[serde(default)]
    #[schema(required)]
    pub description: String,
    /// Title or 文号, if known.
    #[serde(default)]
    pub doc_hint: String,
    /// Delivery form code.
    #[serde(default)]
    #[schema(required)]
    pub delivery: String,
    /// Query password the applicant sets.
    #[serde(default)]
    #[schema(required)]
    pub secret: String,
    /// The same password again (forms only).
    #[serde(default)]
    #[schema(ignore)]
    pub secret_again: String,
}

fn too_long(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.insert(field, ErrorCode::InputTooLong.refusal(&[("max", &max)]));
    }
}

/// Validates an application (the three parts of 第二十九条 and the rest); all problems at once.
pub async fn validate(
    state: &AppState,
    f: &ApplyForm,
) -> Result<Result<NewApplication, FieldErrors>, WebError> {
    let mut e = FieldErrors::new();
    let org = match gongkai_domain::org::OrgCode::parse(&f.org) {
        Ok(code) => match orgs::by_code(&state.store, &code).await {
            Ok(o) => Some(o),
            Err(gongkai_store::StoreError::NotFound { .. }) => None,
            Err(err) => return Err(err.into()),
        },
        Err(_) => None,
    };
    if org.is_none() {
        e.insert("org", ErrorCode::ApplicationOrgRequired);
    }
    let kind = ApplicantKind::parse(&f.applicant_kind).ok();
    if kind.is_none() {
        e.insert(
            "applicant_kind",
            ErrorCode::ApplicationApplicantKindRequired,
        );
    }
    if f.name.trim().is_empty() {
        e.insert("name", ErrorCode::ApplicationNameRequired);
    }
    too_long(&mut e, "name", &f.name, 100);
    let mut id_number = String::new();
    let mut credit_code = String::new();
    match kind {
        Some(ApplicantKind::Natural) => match IdCardNo::parse(&f.id_number) {
            Ok(id) => id_number = id.as_str().to_owned(),
            Err(err) => {
                e.insert("id_number", err);
            }
        },
        Some(_) => {
            match CreditCode::parse(&f.credit_code) {
                Ok(c) => credit_code = c.as_str().to_owned(),
                Err(err) => {
                    e.insert("credit_code", err);
                }
            }
            if f.contact_person.trim().is_empty() {
                e.insert(
                    "contact_person",
                    ErrorCode::ApplicationContactPersonRequired,
                );
            }
        }
        None => {}
    }
    too_long(&mut e, "contact_person", &f.contact_person, 50);
    let phone = parse_phone(&f.phone)
        .map_err(|err| e.insert("phone", err))
        .ok();
    if !f.email.trim().is_empty() && !gongkai_domain::user::valid_email(&f.email) {
        e.insert("email", ErrorCode::ContactEmailInvalid);
    }
    too_long(&mut e, "email", &f.email, 100);
    too_long(&mut e, "address", &f.address, 200);
    too_long(&mut e, "postcode", &f.postcode, 10);
    if f.description.trim().chars().count() < 5 {
        e.insert("description", ErrorCode::ApplicationDescriptionRequired);
    }
    too_long(&mut e, "description", &f.description, 5000);
    too_long(&mut e, "doc_hint", &f.doc_hint, 200);
    let delivery = DeliveryForm::parse(&f.delivery).ok();
    if delivery.is_none() {
        e.insert("delivery", ErrorCode::ApplicationDeliveryRequired);
    }
    if delivery == Some(DeliveryForm::Email) && f.email.trim().is_empty() {
        e.insert("email", ErrorCode::ApplicationEmailRequired);
    }
    if delivery == Some(DeliveryForm::Post) && f.address.trim().is_empty() {
        e.insert("address", ErrorCode::ApplicationAddressRequired);
    }
    cases::check_secret(&mut e, &f.secret, &f.secret_again, "查询办理进度");
    let key = cases::submission_key(&f.submission_key);
    Ok(match (e.is_empty(), org, kind, phone, delivery) {
        (true, Some(org), Some(kind), Some(phone), Some(delivery)) => Ok(NewApplication {
            submission_key: key,
            org_id: org.id,
            applicant_kind: kind,
            name: f.name.trim().to_owned(),
            id_number,
            credit_code,
            contact_person: f.contact_person.trim().to_owned(),
            phone,
            email: f.email.trim().to_owned(),
            address: f.address.trim().to_owned(),
            postcode: f.postcode.trim().to_owned(),
            description: f.description.trim().to_owned(),
            doc_hint: f.doc_hint.trim().to_owned(),
            delivery,
            secret: f.secret.clone(),
            files: Vec::new(),
        }),
        _ => Err(e),
    })
}

/// Counts a submission from an address; refuses a burst.
pub async fn allow_submission(state: &AppState, ip: &str) -> Result<(), WebError> {
    let limit = state.config.submissions_per_hour;
    if throttle::hit(
        &state.store,
        &format!("apply:{ip}"),
        limit,
        Duration::hours(1),
    )
    .await?
    {
        Ok(())
    } else {
        Err(WebError::TooManyRequests(
            ErrorCode::ApplicationRateLimited.refusal(&[("limit", &limit)]),
        ))
    }
}

fn choices() -> Value {
    let kinds: Vec<_> = ApplicantKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let deliveries: Vec<_> = DeliveryForm::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    context! { kinds => ser(&kinds), deliveries => ser(&deliveries) }
}

async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: &ApplyForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let all = orgs::list(&state.store).await?;
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
        tracking_code => &r.tracking_code, received_on => ser(&r.received_on), due_on => ser(&r.due_on),
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
    let validated = validate(&state, &f).await?;
    let result = match (validated, file_error) {
        (Ok(new), None) => Ok(new),
        (Ok(_), Some(e)) => {
            let mut errors = FieldErrors::new();
            errors.insert("proof", e);
            Err(errors)
        }
        (Err(mut errors), e) => {
            if let Some(e) = e {
                errors.insert("proof", e);
            }
            Err(errors)
        }
    };
    match result {
        Ok(mut new) => {
            allow_submission(&state, &ip).await?;
            // Only now, with the form valid and within the limit, are the files written.
            new.files = crate::forms::upload::store_files(&state, files).await?;
            let org = orgs::by_id(&state.store, new.org_id).await?;
            let receipt = applications::submit(&state.store, &new, Utc::now(), &ip).await?;
            let app = applications::by_tracking_code(&state.store, &receipt.tracking_code).await?;
            let explanation = applications::explain(&state.store, &app).await?;
            state
                .page_with_status(
                    &ctx,
                    StatusCode::CREATED,
                    "ysqgk/receipt.html",
                    context! { r => receipt_view(&receipt, &org.name), explanation => explanation },
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

    /// What an applicant sees about their application (no staff notes, no other applications).
    async fn status_page(
        state: &AppState,
        ctx: &PageCtx,
        app: &Self,
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
        let outcome = Outcome::parse(&app.outcome).ok().map(Outcome::display);
        let explanation = if app.status == ApplicationStatus::Replied {
            Vec::new()
        } else {
            applications::explain(&state.store, app).await?
        };
        state
            .page(
                ctx,
                "ysqgk/status_result.html",
                context! {
                    a => context! {
                        tracking_code => &app.tracking_code, org_name => &app.org_name,
                        status => app.status.label(), received_on => ser(&app.received_on),
                        due_on => ser(&app.due_on), outcome => outcome, description => &app.description,
                    },
                    events => events, letters => letters, explanation => explanation,
                },
            )
            .await
    }
}

/// `GET /ysqgk/letters/{id}.pdf`: a letter as PDF, for the applicant whose session is open.
pub async fn letter_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::ApplicationLetterNeedsLookup.into());
    let id: i64 = file
        .trim_end_matches(".pdf")
        .parse()
        .map_err(|_| not_found())?;
    let app = cases::session_case::<Application>(&state, &headers)
        .await?
        .ok_or_else(not_found)?;
    let letter = applications::letters(&state.store, app.id)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(not_found)?;
    crate::letters::pdf_response(&state, &app, &letter).await
}
