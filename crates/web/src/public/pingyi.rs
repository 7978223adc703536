//! 社会评议 for the public under `/pingyi/`: the openness office's published summary of a
//! period's scorecards (each organisation's total and indicator scores), the public's average
//! ratings so far, the comments staff approved, and the evaluation form (each organisation
//! rated 1–5 on 公开及时, 内容完整 and 回应满意, with an optional comment held for moderation).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::scorecard::{
    EVALUATION_ITEMS, Indicator, MAX_EVALUATION_COMMENT_CHARS, average_text,
};
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_service::scorecard::{self as service, EvaluationForm};
use gongkai_store::StoreError;
use gongkai_store::scorecard::{self as scores, Round};
use minijinja::{Value, context};

use crate::WebError;
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;

fn not_found() -> WebError {
    WebError::NotFound(ErrorCode::EvaluationNotFound.into())
}

/// The request site's 社会评议 `id`, or 404.
async fn load(state: &AppState, ctx: &PageCtx, id: i64) -> Result<Round, WebError> {
    let site = crate::site::require_site(state, &ctx.site).await?;
    match scores::round(&state.store, site.id, id).await {
        Ok(r) => Ok(r),
        Err(StoreError::NotFound { .. }) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    round: &Round,
    others: Vec<Value>,
    status: StatusCode,
    form: &EvaluationForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let store = &state.store;
    let tallies = scores::tallies(store, round.id).await?;
    let orgs = gongkai_store::orgs::of_site(store, round.site_id).await?;
    let lines: Vec<Value> = round
        .summary
        .iter()
        .map(|l| {
            let (n, sums) = orgs
                .iter()
                .find(|o| o.code == l.code)
                .and_then(|o| tallies.get(&o.id))
                .copied()
                .unwrap_or((0, [0; 3]));
            context! {
                code => &l.code, name => &l.name, rank => l.rank, total => &l.total,
                scores => l.scores.iter().map(|(_, _, s, _)| s.clone()).collect::<Vec<_>>(),
                n, averages => sums.iter().map(|s| average_text(*s, n)).collect::<Vec<_>>(),
            }
        })
        .collect();
    let name_of = |org_id: i64| {
        orgs.iter()
            .find(|o| o.id == org_id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let allowed = crate::view::privacy::public_numbers(state, round.site_id).await?;
    let comments: Vec<Value> = scores::comments(store, round.id, true)
        .await?
        .iter()
        .map(|c| {
            context! {
                org => name_of(c.org_id),
                comment => gongkai_domain::message::mask_personal(&c.comment, &[], &allowed),
            }
        })
        .collect();
    let headers: Vec<Value> = round
        .summary
        .first()
        .map(|l| {
            l.scores
                .iter()
                .map(|(_, label, _, weight)| context! { label, weight })
                .collect()
        })
        .unwrap_or_else(|| {
            Indicator::ALL
                .iter()
                .map(|i| context! { label => i.label(), weight => i.default_weight() })
                .collect()
        });
    let items: Vec<Value> = EVALUATION_ITEMS
        .iter()
        .map(|(code, label)| {
            let value = match *code {
                "timely" => &form.timely,
                "complete" => &form.complete,
                _ => &form.responsive,
            };
            context! { code => *code, label => *label, value => value.trim() }
        })
        .collect();
    state
        .page_with_status(
            ctx,
            status,
            "pingyi/show.html",
            context! {
                round => context! {
                    id => round.id, period => round.period.label(), open => round.closed_at.is_none(),
                    published_at => &round.published_at,
                },
                headers, lines, comments, items, others,
                // A form shown empty gets a fresh idempotency key; one shown again keeps its own.
                form => context! {
                    org => form.org.trim(), comment => &form.comment,
                    submission_key => gongkai_service::submission_key(&form.submission_key),
                },
                errors => ser(errors), max_comment => MAX_EVALUATION_COMMENT_CHARS,
            },
        )
        .await
}

async fn other_rounds(
    state: &AppState,
    ctx: &PageCtx,
    except: i64,
) -> Result<Vec<Value>, WebError> {
    let site = crate::site::require_site(state, &ctx.site).await?;
    Ok(scores::rounds(&state.store, site.id)
        .await?
        .iter()
        .filter(|r| r.id != except)
        .map(|r| context! { id => r.id, period => r.period.label() })
        .collect())
}

/// `GET /pingyi/`: the newest 社会评议 of the site with its form, and links to earlier ones.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let site = crate::site::require_site(&state, &ctx.site).await?;
    let rounds = scores::rounds(&state.store, site.id).await?;
    let Some(newest) = rounds.first() else {
        return state
            .page_with_status(&ctx, StatusCode::OK, "pingyi/index.html", context! {})
            .await;
    };
    let others = other_rounds(&state, &ctx, newest.id).await?;
    render(
        &state,
        &ctx,
        newest,
        others,
        StatusCode::OK,
        &EvaluationForm::default(),
        &FieldErrors::new(),
    )
    .await
}

/// `GET /pingyi/{id}`: one 社会评议.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let round = load(&state, &ctx, id).await?;
    let others = other_rounds(&state, &ctx, id).await?;
    render(
        &state,
        &ctx,
        &round,
        others,
        StatusCode::OK,
        &EvaluationForm::default(),
        &FieldErrors::new(),
    )
    .await
}

/// `POST /pingyi/{id}`: stores a citizen's evaluation (a comment waits for moderation) and
/// thanks them; a form with problems is shown again with each one beside its field.
pub async fn evaluate(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<EvaluationForm>,
) -> Result<Response, WebError> {
    let round = load(&state, &ctx, id).await?;
    let intake = state.intake(&ctx.site, &ip, Utc::now());
    match service::evaluate(intake, &round, &f).await? {
        Ok(_) => {
            state
                .page_with_status(
                    &ctx,
                    StatusCode::CREATED,
                    "pingyi/thanks.html",
                    context! {
                        round => context! { id => round.id, period => round.period.label() },
                        held => !f.comment.trim().is_empty(),
                    },
                )
                .await
        }
        Err(errors) => {
            let others = other_rounds(&state, &ctx, id).await?;
            render(
                &state,
                &ctx,
                &round,
                others,
                StatusCode::BAD_REQUEST,
                &f,
                &errors,
            )
            .await
        }
    }
}
