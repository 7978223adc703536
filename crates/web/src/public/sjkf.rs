//! 数据开放 (有条件开放) for the public: the request form of a conditionally open dataset
//! (`/data/{name}/apply`), its receipt, and the status desk `/sjkf/status` of the case kernel,
//! where the applicant who proved their code and password sees the answer, the period granted,
//! downloads the dataset's files within that period and asks for a data-access token for tools
//! (CKAN's `Authorization` header).
//!
//! The token is shown once, when asked for on the status page: only its SHA-256 is kept, so
//! neither staff nor a copy of the database can read it back; asking again issues a new one and
//! the old one stops working (a lost token is replaced, never recovered). The downloads on the
//! status page need no token at all: the status session proves the holder, and no secret ever
//! goes into an address.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::application::ApplicantKind;
use gongkai_domain::data_access::AccessEvent;
use gongkai_domain::dataset::{DatasetStatus, Openness};
use gongkai_domain::time::beijing_date;
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_service::data_access::{self as service, AccessForm};
use gongkai_store::cases::{self, RecordedEvent};
use gongkai_store::data_access::{self, DataAccessRequest};
use gongkai_store::datasets::{self, Dataset};
use minijinja::{Value, context};

use crate::WebError;
use crate::cases::{Desk, StatusDesk, session_case};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;

/// The published 有条件开放 dataset `name` of the request's site (404 otherwise).
async fn conditional(state: &AppState, ctx: &PageCtx, name: &str) -> Result<Dataset, WebError> {
    let site = crate::site::require_site(state, &ctx.site).await?;
    match datasets::find(&state.store, site.id, name).await? {
        Some(d)
            if d.status == DatasetStatus::Published
                && d.name == name
                && d.openness == Openness::Conditional =>
        {
            Ok(d)
        }
        _ => Err(WebError::NotFound(ErrorCode::DatasetNotFound.into())),
    }
}

async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    d: &Dataset,
    form: &AccessForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let limit = data_access::limit_for(&state.store, d.site_id).await?;
    state
        .page_with_status(
            ctx,
            status,
            "sjkf/apply.html",
            context! {
                d => context! { name => &d.name, title => &d.title, org_name => &d.org_name, conditions => &d.conditions },
                form => ser(form), errors => ser(errors), limit,
                kinds => code_labels!(ApplicantKind::ALL),
                max_days => gongkai_domain::data_access::MAX_PERIOD_DAYS,
            },
        )
        .await
}

/// `GET /data/{name}/apply`: the request form.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    let d = conditional(&state, &ctx, &name).await?;
    let today = beijing_date(Utc::now());
    let form = AccessForm {
        submission_key: gongkai_store::sessions::random_token(),
        applicant_kind: ApplicantKind::Natural.code().into(),
        period_from: today.to_string(),
        ..AccessForm::default()
    };
    render_form(&state, &ctx, StatusCode::OK, &d, &form, &FieldErrors::new()).await
}

/// `POST /data/{name}/apply`: stores the request and shows the receipt, or the form again with
/// every problem beside its field.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Path(name): Path<String>,
    Form(mut f): Form<AccessForm>,
) -> Result<Response, WebError> {
    let d = conditional(&state, &ctx, &name).await?;
    let intake = state.intake(&ctx.site, &ip, Utc::now());
    match service::submit(intake, &d, &f).await? {
        Ok(receipt) => {
            state
                .page_with_status(
                    &ctx,
                    StatusCode::CREATED,
                    "sjkf/receipt.html",
                    context! { r => ser(&receipt), dataset => &d.name },
                )
                .await
        }
        Err(errors) => {
            f.secret.clear();
            f.secret_again.clear();
            render_form(&state, &ctx, StatusCode::BAD_REQUEST, &d, &f, &errors).await
        }
    }
}

impl StatusDesk for DataAccessRequest {
    const DESK: Desk = Desk::new(data_access::SESSIONS, "sjkf", "gk_sj", "data-lookup-fail");

    fn site_id(&self) -> i64 {
        self.site_id
    }

    async fn status_page(state: &AppState, ctx: &PageCtx, r: &Self) -> Result<Response, WebError> {
        status_page(state, ctx, r, None).await
    }
}

/// The status page of request `r`, with a freshly issued `token` when one was just asked for.
async fn status_page(
    state: &AppState,
    ctx: &PageCtx,
    r: &DataAccessRequest,
    token: Option<String>,
) -> Result<Response, WebError> {
    let steps: Vec<RecordedEvent<AccessEvent>> =
        cases::events(&state.store, &data_access::EVENTS, r.id).await?;
    let steps: Vec<Value> = steps
        .iter()
        .map(|s| context! { at => crate::view::format::day_of(s.at), label => s.event.describe() })
        .collect();
    let today = beijing_date(Utc::now());
    let dataset = datasets::get(&state.store, r.dataset_id).await?;
    // The same judgement as a download: a withdrawn or reclassified dataset lists no files.
    let usable = crate::grants::judge(r, &dataset).is_ok();
    let files: Vec<Value> = if usable {
        dataset
            .resources
            .iter()
            .map(|res| {
                context! {
                    name => &res.name, format => &res.format,
                    size => res.size.map(crate::view::format::human_size),
                    url => format!("/sjkf/download/{}", res.uuid),
                    api => res.sha256.is_some() && matches!(res.format.to_ascii_uppercase().as_str(), "CSV" | "XLSX"),
                    uuid => &res.uuid,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    state
        .page(
            ctx,
            "sjkf/status_result.html",
            context! {
                r => ser(r), status => r.shown_status(today), steps, files, usable, token,
                approved => r.status == gongkai_domain::data_access::AccessStatus::Approved,
                token_issued => r.token_issued_at.map(crate::view::format::day_of),
            },
        )
        .await
}

/// The request whose status session the request's cookie carries, or the lookup form.
async fn in_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<DataAccessRequest, Response>, WebError> {
    Ok(
        match session_case::<DataAccessRequest>(state, headers).await? {
            Some(r) => Ok(r),
            None => Err(Redirect::to("/sjkf/status").into_response()),
        },
    )
}

/// `POST /sjkf/token`: issues a new data-access token for the request of the status session
/// and shows it once (the previous one stops working).
pub async fn token(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let r = match in_session(&state, &headers).await? {
        Ok(r) => r,
        Err(to_lookup) => return Ok(to_lookup),
    };
    let today = beijing_date(Utc::now());
    gongkai_domain::data_access::grant_usable(r.status, r.granted_from, r.granted_to, today)
        .map_err(WebError::Denied)?;
    let token = data_access::issue_token(&state.store, r.id, &ip).await?;
    let r = data_access::get(&state.store, r.id).await?;
    status_page(&state, &ctx, &r, Some(token)).await
}

/// `GET /sjkf/download/{resource}`: a file of the granted dataset for the holder of the status
/// session, within the period granted; audited as `data_access.download` and counted.
pub async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(uuid): Path<String>,
) -> Result<Response, WebError> {
    let r = match in_session(&state, &headers).await? {
        Ok(r) => r,
        Err(to_lookup) => return Ok(to_lookup),
    };
    let d = datasets::get(&state.store, r.dataset_id).await?;
    crate::grants::judge(&r, &d).map_err(WebError::Denied)?;
    let res = d
        .resources
        .iter()
        .find(|x| x.uuid == uuid)
        .ok_or_else(|| WebError::NotFound(ErrorCode::DatasetResourceNotFound.into()))?;
    data_access::record_use(&state.store, &r, &res.uuid, "download", &ip).await?;
    datasets::count_download(&state.store, res.id).await?;
    match crate::download::send_resource(&state, res).await? {
        Some(resp) => Ok(resp),
        None => Ok(Redirect::to(&res.url).into_response()),
    }
}

/// Which dataset a 数据开放需求 is asked from, if any.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DemandQuery {
    /// The dataset's name.
    dataset: String,
}

/// Where a 数据开放需求 goes: the dataset's organisation when asked from a published dataset's
/// page, else the site itself (its openness office), with the dataset's title.
async fn demand_target(
    state: &AppState,
    ctx: &PageCtx,
    dataset: &str,
) -> Result<(String, String, Option<String>), WebError> {
    let site = crate::site::require_site(state, &ctx.site).await?;
    let name = dataset.trim();
    if !name.is_empty()
        && let Some(d) = datasets::find(&state.store, site.id, name).await?
        && d.status == DatasetStatus::Published
    {
        return Ok((
            d.org_code.clone(),
            d.org_name.clone(),
            Some(d.title.clone()),
        ));
    }
    Ok((site.code.to_string(), site.name.clone(), None))
}

async fn render_demand(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: &gongkai_service::messages::WriteForm,
    dataset: &str,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let (_, org_name, title) = demand_target(state, ctx, dataset).await?;
    state
        .page_with_status(
            ctx,
            status,
            "sjkf/demand.html",
            context! {
                form => ser(form), errors => ser(errors), org_name, dataset_title => title,
                dataset => dataset.trim(),
            },
        )
        .await
}

/// `GET /data/demand[?dataset=…]`: the 数据开放需求 form.
pub async fn demand_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    axum::extract::Query(q): axum::extract::Query<DemandQuery>,
) -> Result<Response, WebError> {
    let form = gongkai_service::messages::WriteForm {
        submission_key: gongkai_store::sessions::random_token(),
        ..Default::default()
    };
    render_demand(
        &state,
        &ctx,
        StatusCode::OK,
        &form,
        &q.dataset,
        &FieldErrors::new(),
    )
    .await
}

/// The 数据开放需求 form as posted: a message's fields and the dataset it was asked from.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DemandForm {
    /// The message's fields.
    #[serde(flatten)]
    message: gongkai_service::messages::WriteForm,
    /// The dataset's name, if asked from its page.
    dataset: String,
}

/// `POST /data/demand`: sends the demand through the 政民互动 use case as a message of the kind
/// 数据开放需求 to the dataset's organisation or the site, and shows the message's receipt.
pub async fn demand(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Form(f): Form<DemandForm>,
) -> Result<Response, WebError> {
    let (to, _, _) = demand_target(&state, &ctx, &f.dataset).await?;
    let mut form = f.message;
    form.to = to;
    form.kind = gongkai_domain::message::MessageKind::DataDemand
        .code()
        .into();
    let intake = state.intake(&ctx.site, &ip, Utc::now());
    let files = gongkai_service::Files::none();
    let (status, errors) =
        match gongkai_service::messages::submit::<_, _, gongkai_service::ServiceError>(
            intake, &form, files,
        )
        .await
        {
            Ok(Ok(receipt)) => {
                return state
                    .page_with_status(
                        &ctx,
                        StatusCode::CREATED,
                        "hudong/receipt.html",
                        context! { r => ser(&receipt) },
                    )
                    .await;
            }
            Ok(Err(errors)) => (StatusCode::BAD_REQUEST, errors),
            Err(gongkai_service::ServiceError::Store(gongkai_store::StoreError::Conflict(
                message,
            ))) => (
                StatusCode::CONFLICT,
                FieldErrors::from([("content", message)]),
            ),
            Err(e) => return Err(e.into()),
        };
    form.secret.clear();
    form.secret_again.clear();
    render_demand(&state, &ctx, status, &form, &f.dataset, &errors).await
}
