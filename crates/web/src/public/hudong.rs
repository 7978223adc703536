//! 政民互动 for the public: the message form and receipt, the tracking page with the rating
//! (and what became of a bad rating), the 留言选登 list of published exchanges with personal
//! data masked, and the statistics with a chart drawn on the server. The form and
//! `POST /api/v1/messages` submit through the same use case, `gongkai_service::messages::submit`.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::message::{self as rules, MessageKind, MessageStatus, Rating, StatCell, Stats};
use gongkai_domain::pii::PublicNumbers;
use gongkai_domain::time::beijing_date;
use gongkai_service::Files;
use gongkai_service::messages::{self as messages_service, HEAD_MAILBOX, WriteForm};
use gongkai_store::messages::{self, Message};
use gongkai_store::{calendar, orgs};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::cases::{self, Desk, StatusDesk};
use crate::client_ip::ClientIp;
use crate::page::PageCtx;
use crate::page::Visit;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::code_labels;
use crate::view::mailbox::MailboxNames;
use gongkai_domain::FieldErrors;

/// Most attachments one message may carry.
pub const MAX_FILES: usize = 3;
/// Exchanges per page of 留言选登.
pub const PER_PAGE: i64 = 20;

/// The site of the request, whose 政民互动 these pages show.
async fn site(state: &AppState, ctx: &PageCtx) -> Result<orgs::Organisation, WebError> {
    crate::site::require_site(state, &ctx.site).await
}

fn kinds() -> Value {
    let kinds: Vec<_> = MessageKind::ALL
        .iter()
        .map(|k| (k.code(), k.label(), k.default_limit_working_days()))
        .collect();
    ser(&kinds)
}

async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: &WriteForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let site_id = site(state, ctx).await?.id;
    let all = orgs::of_site(&state.store, site_id).await?;
    let mut limits = Vec::new();
    for k in MessageKind::ALL {
        limits.push((
            k.label(),
            messages::limit_for(&state.store, site_id, *k).await?,
        ));
    }
    state
        .page_with_status(
            ctx,
            status,
            "hudong/write.html",
            context! {
                form => ser(form), errors => ser(errors), orgs => ser(&all), kinds => kinds(),
                limits => ser(&limits), max_files => MAX_FILES,
            },
        )
        .await
}

/// `GET /hudong/write`.
pub async fn form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let form = WriteForm {
        submission_key: gongkai_store::sessions::random_token(),
        to: HEAD_MAILBOX.into(),
        kind: MessageKind::Consult.code().into(),
        ..WriteForm::default()
    };
    render_form(&state, &ctx, StatusCode::OK, &form, &FieldErrors::new()).await
}

/// `POST /hudong/write` (multipart, CSRF token in the action's query string).
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let upload = crate::forms::upload::read_form_with_files::<WriteForm>(
        &state,
        multipart,
        "attachment",
        MAX_FILES,
        "附件",
    )
    .await?;
    let mut f = upload.form;
    let files = Files {
        write: || crate::forms::upload::store_files(&state, upload.files),
        refused: upload.file_error,
    };
    let intake = state.intake(&ctx.site, &ip, Utc::now());
    let (status, errors) = match messages_service::submit(intake, &f, files).await {
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
        Err(WebError::Store(gongkai_store::StoreError::Conflict(message))) => (
            StatusCode::CONFLICT,
            FieldErrors::from([("content", message)]),
        ),
        Err(e) => return Err(e),
    };
    f.secret.clear();
    f.secret_again.clear();
    render_form(&state, &ctx, status, &f, &errors).await
}

/// A page number from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

/// The public view of an exchange: personal data masked in title, message and reply (the
/// site's own public phone numbers, `allowed`, stay).
fn public_view(m: &Message, allowed: &PublicNumbers, mailboxes: &MailboxNames) -> Value {
    let mask = |t: &str| crate::view::privacy::masked(m, t, allowed);
    let kind = m.kind.label();
    let checked = m.rectify_checked_on.is_some();
    context! {
        id => m.id, title => mask(&m.title), content => mask(&m.content), kind => kind,
        writer => "某某",
        to => mailboxes.addressee(m),
        department => m.answering_org_name(), received_on => ser(&m.received_on),
        replied_on => ser(&m.replied_on), reply => mask(&m.reply_text),
        rating => m.rating.map(Rating::label),
        rectify_outcome => if checked { Some(mask(&m.rectify_outcome)) } else { None },
        rectify_checked_on => ser(&m.rectify_checked_on),
    }
}

/// `GET /hudong/`: 留言选登, newest answers first.
pub async fn index(visit: Visit, Query(q): Query<PageQuery>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let page = gongkai_domain::paging::parse_page(q.page.as_deref().unwrap_or(""))
        .map_err(|e| WebError::BadRequest(e.code().into()))?;
    let (items, total) = messages::public_list(&visit.state.store, site.id, page, PER_PAGE).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let allowed = crate::view::privacy::public_numbers(&visit.state, site.id).await?;
    let mailboxes = MailboxNames::load(&visit.state, &items).await?;
    let items: Vec<Value> = items
        .iter()
        .map(|m| public_view(m, &allowed, &mailboxes))
        .collect();
    visit
        .page(
            "hudong/index.html",
            context! { items => items, total => total, page => page, pages => pages },
        )
        .await
}

/// `GET /hudong/{id}`: one published exchange.
pub async fn show(visit: Visit, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::NotFound(ErrorCode::MessageNotFound.into()))?;
    let site = visit.site().await?;
    let m = messages::public_get(&visit.state.store, site.id, id)
        .await
        .map_err(|e| match e {
            gongkai_store::StoreError::NotFound { .. } => {
                WebError::NotFound(ErrorCode::MessageNotFound.into())
            }
            e => e.into(),
        })?;
    let allowed = crate::view::privacy::public_numbers(&visit.state, site.id).await?;
    visit.page("hudong/show.html",
            context! { m => public_view(&m, &allowed, &MailboxNames::load(&visit.state, [&m]).await?) },
        )
        .await
}

impl StatusDesk for Message {
    const DESK: Desk = Desk::new(messages::SESSIONS, "hudong", "gk_ly", "message-lookup-fail");

    fn site_id(&self) -> i64 {
        self.site_id
    }

    async fn status_page(state: &AppState, ctx: &PageCtx, m: &Self) -> Result<Response, WebError> {
        status_page(state, ctx, m, FieldErrors::new(), StatusCode::OK).await
    }
}

/// What the writer sees: their own message unmasked, the steps (without staff names), the
/// reply once reviewed, the rating form, and what became of a bad rating.
async fn status_page(
    state: &AppState,
    ctx: &PageCtx,
    m: &Message,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let steps: Vec<Value> = messages::events(&state.store, m.id)
        .await?
        .into_iter()
        .filter(|e| {
            !matches!(
                e.event,
                rules::MessageEvent::DraftReply { .. }
                    | rules::MessageEvent::SendBackReply { .. }
                    | rules::MessageEvent::Hide { .. }
            )
        })
        .map(|e| {
            context! {
                label => e.event.label(),
                at => gongkai_domain::time::display_minute(e.at),
            }
        })
        .collect();
    let st = m.status;
    let answered = st.is_answered();
    let ratings = code_labels!(Rating::ALL);
    state
        .page_with_status(
            ctx,
            status,
            "hudong/status_result.html",
            context! {
                m => context! {
                    tracking_code => &m.tracking_code, title => &m.title, content => &m.content,
                    kind => m.kind.label(),
                    status => if st == MessageStatus::ReplyReview { MessageStatus::Assigned.label() } else { st.label() },
                    to => MailboxNames::load(state, [m]).await?.addressee(m),
                    department => m.answering_org_name(),
                    received_on => ser(&m.received_on), due_on => ser(&m.due_on),
                    due_provisional => m.due_provisional,
                    replied_on => ser(&m.replied_on),
                    reply => if answered { Some(&m.reply_text) } else { None },
                    not_accepted_reason => &m.not_accepted_reason,
                    rating => m.rating.map(Rating::label), rating_comment => &m.rating_comment,
                    rectify_due_on => ser(&m.rectify_due_on), rectify_outcome => &m.rectify_outcome,
                    rectify_done_on => ser(&m.rectify_done_on),
                    rectify_checked_on => ser(&m.rectify_checked_on),
                    can_rate => answered && m.rating.is_none(),
                    published => m.published && m.hidden_reason.is_empty(), id => m.id,
                },
                steps => steps, ratings => ser(&ratings), errors => ser(&errors),
            },
        )
        .await
}

/// The rating form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RateForm {
    rating: String,
    comment: String,
}

/// `POST /hudong/rate`: the writer whose session is open rates the reply (once).
pub async fn rate(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<RateForm>,
) -> Result<Response, WebError> {
    let m = cases::session_case::<Message>(&state, &headers)
        .await?
        .ok_or_else(|| WebError::NotFound(ErrorCode::MessageRatingNeedsLookup.into()))?;
    let Ok(rating) = Rating::parse(&f.rating) else {
        let mut errors = FieldErrors::new();
        errors.insert("rating", ErrorCode::MessageRatingRequired);
        return status_page(&state, &ctx, &m, errors, StatusCode::BAD_REQUEST).await;
    };
    let today = beijing_date(Utc::now());
    match messages::rate(&state.store, m.id, rating, &f.comment, today, &ip).await {
        Ok(m) => status_page(&state, &ctx, &m, FieldErrors::new(), StatusCode::OK).await,
        Err(gongkai_store::StoreError::Domain(e)) => {
            let mut errors = FieldErrors::new();
            errors.insert("rating", e);
            status_page(&state, &ctx, &m, errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The statistics period from the query string (`months`, default 12).
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    months: Option<String>,
}

fn cell_view(name: &str, c: &StatCell) -> Value {
    context! {
        name => name, received => c.received, answered => c.answered, on_time => c.on_time,
        on_time_percent => c.on_time_percent(), average_days => c.average_working_days(),
        rated => c.rated, satisfaction => c.satisfaction_percent(),
    }
}

/// A bar chart (received vs answered by month) as inline SVG text, drawn on the server so it
/// shows without JavaScript; the table beside it carries the same numbers for screen readers.
pub fn chart_svg(stats: &Stats) -> String {
    let months: Vec<(&String, &StatCell)> = stats.by_month.iter().collect();
    let width = 640.0_f64;
    let height = 220.0_f64;
    let left = 36.0;
    let bottom = 28.0;
    let top = 12.0;
    let max = months
        .iter()
        .map(|(_, c)| c.received)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = width - left - 8.0;
    let plot_h = height - top - bottom;
    let slot = plot_w / months.len().max(1) as f64;
    let bar = (slot / 2.0 - 2.0).clamp(2.0, 18.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img" aria-labelledby="chart-title"><title id="chart-title">各月收到和答复的留言数量（柱形图，数据见下表）</title>"#
    );
    svg.push_str(&format!(
        r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#555"/>"##,
        y = top + plot_h,
        x2 = width - 8.0
    ));
    svg.push_str(&format!(
        r##"<text x="{x}" y="{y}" font-size="11" text-anchor="end" fill="#333">{max}</text>"##,
        x = left - 4.0,
        y = top + 10.0
    ));
    for (i, (month, c)) in months.iter().enumerate() {
        let x = left + slot * i as f64 + slot / 2.0 - bar;
        for (k, (value, colour)) in [(c.received, "#1f5fa8"), (c.answered, "#2e7d32")]
            .into_iter()
            .enumerate()
        {
            let h = plot_h * f64::from(value) / f64::from(max);
            svg.push_str(&format!(
                r#"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="{colour}"/>"#,
                x + k as f64 * (bar + 1.0),
                top + plot_h - h
            ));
        }
        svg.push_str(&format!(
            r##"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle" fill="#333">{}</text>"##,
            x + bar,
            height - 10.0,
            month.get(5..).unwrap_or(month)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// `GET /hudong/stats`: by department and by month over the last `months` months.
pub async fn stats(visit: Visit, Query(q): Query<StatsQuery>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let months: u32 = q
        .months
        .as_deref()
        .and_then(|m| m.trim().parse().ok())
        .unwrap_or(12)
        .clamp(1, 60);
    let today = beijing_date(Utc::now());
    let first_of_month = today.with_day(1).unwrap_or(today);
    let from = first_of_month
        .checked_sub_months(Months::new(months - 1))
        .unwrap_or(NaiveDate::MIN);
    let rows = messages::stat_rows(&visit.state.store, site.id, from, today).await?;
    let cal = calendar::load(&visit.state.store).await?;
    let region =
        gongkai_store::applications::region_of_site(&visit.state.store, &site.code).await?;
    let stats = rules::aggregate(&rows, &cal, region.as_ref());
    let by_org: Vec<Value> = stats
        .by_org
        .iter()
        .map(|(name, c)| cell_view(name, c))
        .collect();
    let by_month: Vec<Value> = stats
        .by_month
        .iter()
        .map(|(name, c)| cell_view(name, c))
        .collect();
    visit
        .page(
            "hudong/stats.html",
            context! {
                by_org => by_org, by_month => by_month, total => cell_view("合计", &stats.total),
                chart => Value::from_safe_string(chart_svg(&stats)), months => months,
                from => from.to_string(), to => today.to_string(),
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_a_bar_pair_per_month_and_a_text_alternative() {
        let mut stats = Stats::default();
        stats.by_month.insert(
            "2026-01".into(),
            StatCell {
                received: 4,
                answered: 3,
                ..StatCell::default()
            },
        );
        stats.by_month.insert(
            "2026-02".into(),
            StatCell {
                received: 2,
                answered: 2,
                ..StatCell::default()
            },
        );
        let svg = chart_svg(&stats);
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains("<title id=\"chart-title\">"));
        assert!(svg.contains(">01<") && svg.contains(">02<"));
        assert!(chart_svg(&Stats::default()).starts_with("<svg"));
    }
}
