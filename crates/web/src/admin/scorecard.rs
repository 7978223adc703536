//! `/admin/kaohe` (考核): the openness office reads every department's scorecard for a period
//! (a year or a quarter) — indicators × organisations with totals and rank, each cell linking
//! to the page that lists what it counts — one organisation's breakdown with the measured
//! values and rules, the table as an Excel workbook, and the weights of its site; and runs
//! 社会评议: publishes a period's summary to `/pingyi/`, reads the public's ratings and
//! approves or hides their comments.

use std::collections::HashSet;

use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Utc};
use gongkai_domain::role::Permission;
use gongkai_domain::scorecard::{
    EVALUATION_ITEMS, FULL_MARKS, Indicator, Period, Weights, average_text,
};
use gongkai_domain::time::beijing_date;
use gongkai_domain::{DomainError, ErrorCode, FieldErrors};
use gongkai_service::scorecard as service;
use gongkai_store::orgs::Organisation;
use gongkai_store::scorecard::{self as scores, Round, Scoreboard, Scored};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::auth::check_org;
use crate::download::private_file;
use crate::templates::ser;

/// The first year a period may be chosen from.
const FIRST_YEAR: i32 = 2019;

/// The period asked for (`?period=2026` or `?period=2026Q3`; this year by default).
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
}

impl PeriodQuery {
    fn period(&self) -> Period {
        let this_year = beijing_date(Utc::now()).year();
        Period::parse(&self.period)
            .ok()
            .filter(|p| p.year <= this_year && p.year >= FIRST_YEAR)
            .unwrap_or(Period::year(this_year))
    }
}

/// The site whose scorecards the member of staff reads.
async fn site(desk: &Desk) -> Result<Organisation, WebError> {
    desk.home_site().await
}

/// The site, when the member of staff supervises all of it (weights and 社会评议 are the
/// whole site's).
async fn whole_site(desk: &Desk) -> Result<Organisation, WebError> {
    let site = site(desk).await?;
    check_org(&desk.state, &desk.staff, Permission::Supervise, site.id).await?;
    Ok(site)
}

/// The scoreboard of the member's site for `period`, cut to the organisations they supervise.
async fn board(desk: &Desk, site: &Organisation, period: Period) -> Result<Scoreboard, WebError> {
    Ok(ranked_board(desk, site, period).await?.0)
}

/// [`board`], with how many organisations the whole site ranks (the ranks are site-wide).
async fn ranked_board(
    desk: &Desk,
    site: &Organisation,
    period: Period,
) -> Result<(Scoreboard, usize), WebError> {
    let mut board = service::scoreboard(&desk.state.store, site, period, Utc::now()).await?;
    let ranked = board.cards.len();
    let in_scope: HashSet<i64> = desk
        .scope(Permission::Supervise)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    board.cards.retain(|c| in_scope.contains(&c.org.id));
    Ok((board, ranked))
}

/// Where the page that lists what `indicator` counts is, if there is one.
fn link_of(indicator: Indicator, period: Period, round: Option<i64>) -> Option<String> {
    Some(match indicator {
        Indicator::Proactive | Indicator::Coverage => {
            format!("/admin/mulu/timeliness?year={}", period.year)
        }
        Indicator::Interpretation => "/admin/monitor".into(),
        Indicator::Applications | Indicator::Challenges => "/admin/applications".into(),
        Indicator::Messages | Indicator::Satisfaction => "/admin/messages".into(),
        Indicator::Screening => "/admin/scan".into(),
        Indicator::Training => format!("/admin/work-records?year={}", period.year),
        Indicator::Evaluation => format!("/admin/kaohe/pingyi/{}", round?),
    })
}

fn card_view(s: &Scored, period: Period, round: Option<i64>) -> Value {
    let rows: Vec<Value> = s
        .card
        .rows
        .iter()
        .map(|r| {
            context! {
                code => r.indicator.code(), label => r.indicator.label(), rule => r.indicator.rule(),
                weight => r.weight, score => r.score(), not_applicable => r.not_applicable,
                measured => &r.measured, link => link_of(r.indicator, period, round),
            }
        })
        .collect();
    context! {
        code => &s.org.code, name => &s.org.name, rank => s.rank, total => s.card.total(), rows,
    }
}

fn indicators(weights: &Weights) -> Vec<Value> {
    Indicator::ALL
        .iter()
        .map(|i| context! { code => i.code(), label => i.label(), weight => weights.of(*i), rule => i.rule() })
        .collect()
}

fn period_choices(selected: Period) -> Vec<Value> {
    let this_year = beijing_date(Utc::now()).year();
    Period::choices(FIRST_YEAR, this_year)
        .into_iter()
        .map(|p| context! { code => p.code(), label => p.label(), selected => p == selected })
        .collect()
}

/// The 社会评议 published for `period` on the site, if any.
async fn round_of(desk: &Desk, site: i64, period: Period) -> Result<Option<Round>, WebError> {
    Ok(scores::rounds(&desk.state.store, site)
        .await?
        .into_iter()
        .find(|r| r.period == period))
}

/// `GET /admin/kaohe?period=2026`: every organisation's scores by indicator, total and rank.
pub async fn show(desk: Desk, Query(q): Query<PeriodQuery>) -> Result<Response, WebError> {
    let period = q.period();
    let site = site(&desk).await?;
    let board = board(&desk, &site, period).await?;
    let round = round_of(&desk, site.id, period).await?.map(|r| r.id);
    let cards: Vec<Value> = board
        .cards
        .iter()
        .map(|s| card_view(s, period, round))
        .collect();
    desk.page(
        StatusCode::OK,
        "admin/kaohe.html",
        context! {
            period => context! { code => period.code(), label => period.label(), year => period.year },
            periods => period_choices(period), indicators => indicators(&board.weights),
            total_weight => board.weights.total(), full_marks => FULL_MARKS,
            weights_ok => board.weights.totals_full_marks(), cards, round,
        },
    )
    .await
}

/// `GET /admin/kaohe/org/{code}?period=2026`: one organisation's breakdown.
pub async fn org(
    desk: Desk,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let period = q.period();
    let site = site(&desk).await?;
    let (board, ranked) = ranked_board(&desk, &site, period).await?;
    let round = round_of(&desk, site.id, period).await?.map(|r| r.id);
    let scored = board
        .cards
        .iter()
        .find(|c| c.org.code == code)
        .ok_or_else(|| WebError::NotFound(ErrorCode::OrgNotFound.into()))?;
    desk.page(
        StatusCode::OK,
        "admin/kaohe_org.html",
        context! {
            period => context! { code => period.code(), label => period.label() },
            periods => period_choices(period), card => card_view(scored, period, round),
            of => ranked, total_weight => board.weights.total(),
        },
    )
    .await
}

/// `GET /admin/kaohe/xlsx?period=2026`: the table as an Excel workbook.
pub async fn workbook(desk: Desk, Query(q): Query<PeriodQuery>) -> Result<Response, WebError> {
    let period = q.period();
    let site = site(&desk).await?;
    let board = board(&desk, &site, period).await?;
    let title = format!("{}{}政务公开考核得分", site.name, period.label());
    let lines: Vec<gongkai_export::ScorecardLine<'_>> = board
        .cards
        .iter()
        .map(|s| gongkai_export::ScorecardLine {
            rank: s.rank,
            org: &s.org.name,
            card: &s.card,
        })
        .collect();
    let bytes = gongkai_export::scorecard_xlsx(&title, &board.weights, &lines).map_err(|e| {
        WebError::Conflict(ErrorCode::ScorecardExportFailed.refusal(&[("reason", &e)]))
    })?;
    Ok(private_file(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{title}.xlsx"),
        bytes,
    ))
}

async fn weights_page(
    desk: &Desk,
    status: StatusCode,
    typed: &[(String, String)],
    errors: &FieldErrors,
    saved: bool,
) -> Result<Response, WebError> {
    let site = site(desk).await?;
    let current = scores::weights(&desk.state.store, &site.code).await?;
    let rows: Vec<Value> = Indicator::ALL
        .iter()
        .map(|i| {
            let value = typed
                .iter()
                .find(|(k, _)| k == i.code())
                .map_or_else(|| current.of(*i).to_string(), |(_, v)| v.clone());
            context! {
                code => i.code(), label => i.label(), rule => i.rule(), value,
                default => i.default_weight(),
            }
        })
        .collect();
    desk.page(
        status,
        "admin/kaohe_weights.html",
        context! {
            rows, errors => ser(errors), total => current.total(), full_marks => FULL_MARKS,
            weights_ok => current.totals_full_marks(), saved,
        },
    )
    .await
}

/// Whether the weights were just saved (`?saved=1`).
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /admin/kaohe/weights`: the weights form with the current total.
pub async fn weights_form(desk: Desk, Query(q): Query<SavedQuery>) -> Result<Response, WebError> {
    weights_page(
        &desk,
        StatusCode::OK,
        &[],
        &FieldErrors::new(),
        q.saved.is_some(),
    )
    .await
}

/// The most fields read from the weights form.
const MAX_WEIGHT_FIELDS: usize = 64;

/// `POST /admin/kaohe/weights`: saves the weights (audited); a bad field shows the form again.
pub async fn save_weights(
    desk: Desk,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let site = whole_site(&desk).await?;
    let typed: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| Indicator::parse(k).is_ok())
        .take(MAX_WEIGHT_FIELDS)
        .collect();
    let fields = typed.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match service::save_weights(&desk.state.store, &desk.actor(), &site, fields).await? {
        Ok(_) => Ok(Redirect::to("/admin/kaohe/weights?saved=1").into_response()),
        Err(errors) => weights_page(&desk, StatusCode::BAD_REQUEST, &typed, &errors, false).await,
    }
}

/// `GET /admin/kaohe/pingyi`: the site's 社会评议 and the form that publishes one.
pub async fn rounds(desk: Desk, Query(q): Query<PeriodQuery>) -> Result<Response, WebError> {
    let site = site(&desk).await?;
    let rounds: Vec<Value> = scores::rounds(&desk.state.store, site.id)
        .await?
        .iter()
        .map(|r| {
            context! {
                id => r.id, period => r.period.label(), orgs => r.summary.len(),
                published_at => &r.published_at, published_by => &r.published_by,
                closed => r.closed_at.is_some(),
            }
        })
        .collect();
    desk.page(
        StatusCode::OK,
        "admin/kaohe_rounds.html",
        context! { rounds, periods => period_choices(q.period()) },
    )
    .await
}

/// The period chosen to publish.
#[derive(Debug, Deserialize)]
pub struct PublishForm {
    period: String,
}

/// `POST /admin/kaohe/pingyi`: publishes the period's summary to `/pingyi/` (audited; a
/// period published before is refused).
pub async fn publish(desk: Desk, Form(f): Form<PublishForm>) -> Result<Response, WebError> {
    let site = whole_site(&desk).await?;
    let period = Period::parse(&f.period).map_err(|e| WebError::BadRequest(e.into()))?;
    // Only a period that has begun and that the scorecards cover (a future one would publish
    // every department at full marks).
    let this_year = beijing_date(Utc::now()).year();
    if !(FIRST_YEAR..=this_year).contains(&period.year) {
        return Err(WebError::BadRequest(
            DomainError::invalid("period", ErrorCode::ScorecardPeriodInvalid).into(),
        ));
    }
    let id = service::publish(&desk.state.store, &desk.actor(), &site, period, Utc::now()).await?;
    Ok(Redirect::to(&format!("/admin/kaohe/pingyi/{id}")).into_response())
}

/// `GET /admin/kaohe/pingyi/{id}`: the ratings per organisation and every comment to moderate.
pub async fn round(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    // Every department's comments (pending and hidden ones too): the whole site's supervisors only.
    let site = whole_site(&desk).await?;
    let store = &desk.state.store;
    let round = scores::round(store, site.id, id).await?;
    let tallies = scores::tallies(store, id).await?;
    let orgs = gongkai_store::orgs::of_site(store, site.id).await?;
    let name_of = |org_id: i64| {
        orgs.iter()
            .find(|o| o.id == org_id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let lines: Vec<Value> = round
        .summary
        .iter()
        .map(|l| {
            let tally = orgs
                .iter()
                .find(|o| o.code == l.code)
                .and_then(|o| tallies.get(&o.id));
            let (n, sums) = tally.copied().unwrap_or((0, [0; 3]));
            context! {
                name => &l.name, total => &l.total, rank => l.rank, n,
                averages => sums.iter().map(|s| average_text(*s, n)).collect::<Vec<_>>(),
            }
        })
        .collect();
    let comments: Vec<Value> = scores::comments(store, id, false)
        .await?
        .iter()
        .map(|c| {
            context! {
                id => c.id, org => name_of(c.org_id), ratings => c.ratings.to_vec(),
                comment => &c.comment, status => c.comment_status.label(),
                status_code => c.comment_status.code(), moderated_by => &c.moderated_by,
                at => &c.created_at,
            }
        })
        .collect();
    desk.page(
        StatusCode::OK,
        "admin/kaohe_round.html",
        context! {
            round => context! { id => round.id, period => round.period.label(), period_code => round.period.code(), closed => round.closed_at.is_some() },
            items => EVALUATION_ITEMS.iter().map(|(_, l)| *l).collect::<Vec<_>>(),
            lines, comments,
        },
    )
    .await
}

/// `POST /admin/kaohe/pingyi/{id}/close`: stops taking evaluations (audited).
pub async fn close(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let site = whole_site(&desk).await?;
    scores::close_round(&desk.state.store, &desk.actor(), site.id, id).await?;
    Ok(Redirect::to(&format!("/admin/kaohe/pingyi/{id}")).into_response())
}

/// The moderation decision: `approve` or `hide`.
#[derive(Debug, Deserialize)]
pub struct ModerationForm {
    decision: String,
}

/// `POST /admin/kaohe/pingyi/{id}/comments/{response}`: approves or hides a comment (audited
/// with what it said).
pub async fn moderate(
    desk: Desk,
    Path((id, response)): Path<(i64, i64)>,
    Form(f): Form<ModerationForm>,
) -> Result<Response, WebError> {
    let site = whole_site(&desk).await?;
    let approve = match f.decision.as_str() {
        "approve" => true,
        "hide" => false,
        _ => {
            return Err(WebError::BadRequest(
                ErrorCode::ValueUnrecognised.refusal(&[("value", &f.decision)]),
            ));
        }
    };
    scores::moderate(
        &desk.state.store,
        &desk.actor(),
        site.id,
        id,
        response,
        approve,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/kaohe/pingyi/{id}#comments")).into_response())
}
