//! 征求意见 for the public under `/zhengji/`: open and closed consultations, the draft read
//! article by article with per-article counts and published comments, the comment form with
//! its tracking code, the feedback report with one row per opinion, the comment lookup,
//! attachments and the Atom feed of new consultations.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::consultation::{
    self as rules, Adoption, ConsultationStatus, Moderation, UnitKind,
};
use gongkai_domain::time::display_minute;
use gongkai_service::comments::{self as service, CommentForm};
use gongkai_store::consultations::{self, Comment, Consultation};
use gongkai_store::{StoreError, records};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::cases::LookupThrottle;
use crate::client_ip::ClientIp;
use crate::download::{attachment_not_found, send_public_blob};
use crate::page::Visit;
use crate::page::{FeedCtx, PageCtx};
use crate::state::AppState;
use crate::templates::ser;
use crate::view::format::file_line;
use crate::view::privacy::{masked_comment, public_numbers};
use crate::view::urls::consultation_url;
use gongkai_domain::FieldErrors;
use gongkai_domain::pii::PublicNumbers;

fn not_found() -> WebError {
    WebError::NotFound(ErrorCode::ConsultationNotFound.into())
}

/// A consultation the public may see now, or 404.
async fn load_public(
    state: &AppState,
    site: &crate::site::RequestSite,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Consultation, WebError> {
    let site = crate::site::require_site(state, site).await?;
    match consultations::get(&state.store, id).await {
        Ok(c) if c.is_public(now) && c.site_id == site.id => Ok(c),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// A line of the consultation list.
pub fn summary_view(c: &Consultation, comments: &[Comment], now: DateTime<Utc>) -> Value {
    let status = c.effective_status(now);
    let days_left = (status == ConsultationStatus::Open).then(|| (c.closes_at - now).num_days());
    context! {
        id => c.id, url => consultation_url(c.id), title => &c.title, org_name => &c.org_name,
        status => status.label(), status_code => status.code(),
        opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
        days_left => days_left,
        received => comments.iter().filter(|m| m.moderation != Moderation::Rejected).count(),
        published => comments.iter().filter(|m| m.moderation == Moderation::Approved).count(),
    }
}

/// `GET /zhengji/`: open consultations, then closed ones with their feedback reports.
pub async fn index(visit: Visit) -> Result<Response, WebError> {
    let now = Utc::now();
    let mut open = Vec::new();
    let mut closed = Vec::new();
    if let Some(site) = crate::site::site_org(&visit.state, &visit.ctx.site).await? {
        for c in consultations::list_public(&visit.state.store, site.id, now).await? {
            let comments = consultations::comments(&visit.state.store, c.id).await?;
            let view = summary_view(&c, &comments, now);
            if c.effective_status(now) == ConsultationStatus::Open {
                open.push(view);
            } else {
                closed.push(view);
            }
        }
    }
    visit
        .page(
            "zhengji/index.html",
            context! { open => open, closed => closed },
        )
        .await
}

/// Which article a link asked to comment on.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    article: String,
}

async fn render_show(
    state: &AppState,
    ctx: &PageCtx,
    c: &Consultation,
    status_code: StatusCode,
    form: &CommentForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let status = c.effective_status(now);
    let comments = consultations::comments(&state.store, c.id).await?;
    let allowed = public_numbers(state, c.site_id).await?;
    let received = |n: i64| {
        comments
            .iter()
            .filter(|m| m.article_no == n && m.moderation != Moderation::Rejected)
            .count()
    };
    let published = |n: i64| -> Vec<Value> {
        comments
            .iter()
            .filter(|m| m.article_no == n && m.moderation == Moderation::Approved)
            .map(|m| context! { id => m.id, body => masked_comment(m, &allowed), at => display_minute(m.created_at) })
            .collect()
    };
    let units = rules::split_articles(&c.draft_text);
    let unit_views: Vec<Value> = units
        .iter()
        .map(|u| {
            let kind = match u.kind {
                UnitKind::Preamble => "preamble",
                UnitKind::Chapter => "chapter",
                UnitKind::Article => "article",
            };
            let n = i64::from(u.number);
            let is_article = u.kind == UnitKind::Article;
            context! {
                kind => kind, number => u.number, label => &u.label,
                paragraphs => u.text.lines().map(str::to_owned).collect::<Vec<_>>(),
                received => if is_article { received(n) } else { 0 },
                comments => if is_article { published(n) } else { Vec::new() },
            }
        })
        .collect();
    let articles: Vec<Value> = units
        .iter()
        .filter(|u| u.kind == UnitKind::Article)
        .map(|u| context! { number => u.number, label => &u.label })
        .collect();
    let files: Vec<Value> = consultations::files(&state.store, c.id)
        .await?
        .into_iter()
        .map(|f| {
            let url = format!(
                "/zhengji/files/{}/{}",
                f.id,
                crate::view::urls::urlencode(&f.file_name)
            );
            file_line(&f.file_name, url, &f.kind, f.size_bytes)
        })
        .collect();
    let period = c.period();
    state
        .page_with_status(
            ctx,
            status_code,
            "zhengji/show.html",
            context! {
                c => context! {
                    id => c.id, title => &c.title, org_name => &c.org_name, background => &c.background,
                    basis => &c.basis, main_content => &c.main_content, contact => &c.contact,
                    opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
                    days => period.days(), short => period.is_short(), short_reason => &c.short_reason,
                    status => status.label(), status_code => status.code(),
                    open => status == ConsultationStatus::Open,
                    feedback => status == ConsultationStatus::FeedbackPublished,
                },
                units => unit_views, articles => articles, files => files,
                whole_received => received(0), whole_comments => published(0),
                total_received => comments.iter().filter(|m| m.moderation != Moderation::Rejected).count(),
                form => ser(form), errors => ser(errors),
            },
        )
        .await
}

/// `GET /zhengji/{id}`: the consultation, article by article, with the comment form while open.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let c = load_public(&state, &ctx.site, id, Utc::now()).await?;
    let form = CommentForm {
        submission_key: gongkai_store::sessions::random_token(),
        article: if q.article.trim().is_empty() {
            "0".into()
        } else {
            q.article.trim().to_owned()
        },
        ..CommentForm::default()
    };
    render_show(&state, &ctx, &c, StatusCode::OK, &form, &FieldErrors::new()).await
}

/// `POST /zhengji/{id}/comment`: checks the comment, refuses one after closing, stores it for
/// moderation and shows the tracking code.
pub async fn comment(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> Result<Response, WebError> {
    let now = Utc::now();
    let c = load_public(&state, &ctx.site, id, now).await?;
    let intake = state.intake(&ctx.site, &ip, now);
    let submitted = match service::submit(intake, &c, &f).await? {
        Ok(submitted) => submitted,
        Err(errors) => {
            return render_show(&state, &ctx, &c, StatusCode::BAD_REQUEST, &f, &errors).await;
        }
    };
    state
        .page_with_status(
            &ctx,
            StatusCode::CREATED,
            "zhengji/receipt.html",
            context! {
                c => context! { id => c.id, title => &c.title, closes_at => display_minute(c.closes_at) },
                code => submitted.receipt.tracking_code, repeated => submitted.receipt.repeated,
                article => submitted.article,
            },
        )
        .await
}

/// The feedback rows of a consultation: identical published comments grouped, each group
/// with its decision, each text masked as on the consultation's page.
pub fn feedback_rows(
    units: &[rules::Unit],
    comments: &[Comment],
    allowed: &PublicNumbers,
) -> Vec<Value> {
    let published: Vec<&Comment> = comments
        .iter()
        .filter(|m| m.moderation == Moderation::Approved)
        .collect();
    let keyed: Vec<(i64, u32, String)> = published
        .iter()
        .map(|m| {
            (
                m.id,
                u32::try_from(m.article_no).unwrap_or(0),
                m.body.clone(),
            )
        })
        .collect();
    rules::group_identical(&keyed)
        .into_iter()
        .enumerate()
        .filter_map(|(i, ids)| {
            let first = published.iter().find(|m| Some(&m.id) == ids.first())?;
            let article = units
                .iter()
                .find(|u| u.kind == UnitKind::Article && i64::from(u.number) == first.article_no)
                .map_or_else(|| "全文".to_owned(), |u| u.label.clone());
            Some(context! {
                n => i + 1, ids => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
                count => ids.len(), article => article, body => masked_comment(first, allowed),
                adoption => first.adoption.map(|a| a.label()).unwrap_or_default(),
                adoption_code => first.adoption.map_or("", Adoption::code), reason => &first.adoption_reason,
            })
        })
        .collect()
}

/// `GET /zhengji/{id}/feedback`: the published feedback report.
pub async fn feedback(visit: Visit, Path(id): Path<i64>) -> Result<Response, WebError> {
    let now = Utc::now();
    let c = load_public(&visit.state, &visit.ctx.site, id, now).await?;
    if c.status != ConsultationStatus::FeedbackPublished {
        return Err(WebError::NotFound(
            ErrorCode::ConsultationFeedbackNotPublished.into(),
        ));
    }
    let comments = consultations::comments(&visit.state.store, c.id).await?;
    let allowed = public_numbers(&visit.state, c.site_id).await?;
    let units = rules::split_articles(&c.draft_text);
    let decisions: Vec<Adoption> = comments
        .iter()
        .filter(|m| m.moderation == Moderation::Approved)
        .filter_map(|m| m.adoption)
        .collect();
    let (adopted, partly, not_adopted) = rules::totals(&decisions);
    let decision = match c.decision_record_id {
        Some(rid) => records::get(&visit.state.store, rid)
            .await
            .ok()
            .filter(|r| r.is_public(now))
            .and_then(|r| {
                r.index_no.as_deref().map(
                    |i| context! { title => r.title.clone(), url => crate::view::urls::record_url(i) },
                )
            }),
        None => None,
    };
    visit.page("zhengji/feedback.html",
            context! {
                c => context! {
                    id => c.id, title => &c.title, org_name => &c.org_name, summary => &c.feedback_summary,
                    opens_at => display_minute(c.opens_at), closes_at => display_minute(c.closes_at),
                    feedback_at => c.feedback_at.map(display_minute),
                },
                rows => feedback_rows(&units, &comments, &allowed),
                totals => context! {
                    received => comments.len(), published => decisions.len(),
                    rejected => comments.iter().filter(|m| m.moderation == Moderation::Rejected).count(),
                    adopted => adopted, partly => partly, not_adopted => not_adopted,
                },
                decision => decision,
            },
        )
        .await
}

/// The comment lookup's query.
#[derive(Debug, Default, Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    code: String,
}

/// Wrong tracking codes one address may try per 15 minutes (a comment has no query password,
/// so a code alone shows it; the codes are long enough that guessing one is hopeless).
const LOOKUP: LookupThrottle = LookupThrottle {
    scope: "zhengji-lookup-fail",
    failures: 20,
    code_failures: 0,
};

/// `GET /zhengji/chaxun?code=…`: what became of a comment (moderation, reason, adoption).
pub async fn lookup(
    visit: Visit,
    ClientIp(ip): ClientIp,
    Query(q): Query<LookupQuery>,
) -> Result<Response, WebError> {
    let code = q.code.trim().to_ascii_uppercase();
    if code.is_empty() {
        return visit
            .page("zhengji/lookup.html", context! { code => "" })
            .await;
    }
    LOOKUP.check(&visit.state, &ip, &code).await?;
    let Some(m) = consultations::comment_by_code(&visit.state.store, &code).await? else {
        LOOKUP.failed(&visit.state, &ip, &code).await?;
        return visit
            .state
            .page_with_status(
                &visit.ctx,
                StatusCode::NOT_FOUND,
                "zhengji/lookup.html",
                context! { code => code, error => "未找到该查询码对应的意见，请核对后重试。" },
            )
            .await;
    };
    let c = consultations::get(&visit.state.store, m.consultation_id).await?;
    if Some(c.site_id)
        != crate::site::site_org(&visit.state, &visit.ctx.site)
            .await?
            .map(|s| s.id)
    {
        // Another site's comment: answered as not found, like an unknown code.
        LOOKUP.failed(&visit.state, &ip, &code).await?;
        return Err(not_found());
    }
    let units = rules::split_articles(&c.draft_text);
    let article = units
        .iter()
        .find(|u| u.kind == UnitKind::Article && i64::from(u.number) == m.article_no)
        .map_or_else(|| "全文".to_owned(), |u| u.label.clone());
    let feedback_out = c.status == ConsultationStatus::FeedbackPublished;
    let allowed = public_numbers(&visit.state, c.site_id).await?;
    visit.page("zhengji/lookup.html",
            context! {
                code => code,
                m => context! {
                    title => &c.title, url => consultation_url(c.id), article => article,
                    body => masked_comment(&m, &allowed),
                    at => display_minute(m.created_at),
                    moderation => m.moderation.label(),
                    rejected => m.moderation == Moderation::Rejected, reason => &m.reject_reason,
                    adoption => if feedback_out { m.adoption.map(|a| a.label()) } else { None },
                    adoption_reason => &m.adoption_reason, feedback_url => feedback_out.then(|| format!("/zhengji/{}/feedback", c.id)),
                },
            },
        )
        .await
}

/// `GET /zhengji/files/{id}/{name}`: an attachment of a public consultation.
pub async fn file(
    State(state): State<AppState>,
    site: crate::site::RequestSite,
    Path((id, _name)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let (cid, f) = consultations::file(&state.store, id)
        .await
        .map_err(|_| attachment_not_found())?;
    load_public(&state, &site, cid, Utc::now())
        .await
        .map_err(|_| attachment_not_found())?;
    // Public while the consultation is: cached like a public record's attachment.
    send_public_blob(&state, &f.sha256, &f.kind, &f.file_name).await
}

/// `GET /feeds/zhengji.xml`: new consultations as Atom.
pub async fn atom(feed: FeedCtx) -> Result<Response, WebError> {
    let state = &feed.state;
    let now = Utc::now();
    let site = crate::site::site_org(state, &feed.site).await?;
    let list = match &site {
        Some(s) => consultations::list_public(&state.store, s.id, now).await?,
        None => Vec::new(),
    };
    let entries: Vec<Value> = list
        .iter()
        .take(50)
        .map(|c| {
            context! {
                title => &c.title, url => consultation_url(c.id), updated => c.opens_at.to_rfc3339(), org_name => &c.org_name,
                summary => format!("征求意见时间：{} 至 {}。{}", display_minute(c.opens_at), display_minute(c.closes_at), c.background.chars().take(200).collect::<String>()),
            }
        })
        .collect();
    let updated = list
        .first()
        .map(|c| c.opens_at.to_rfc3339())
        .unwrap_or_else(|| now.to_rfc3339());
    let site_name = crate::site::context_of(state, feed.site.key)
        .await
        .info
        .name
        .clone();
    feed.atom(context! {
        title => format!("征求意见 - {site_name}"),
        self_path => "/feeds/zhengji.xml", alternate => "/zhengji/",
        updated => updated, entries => entries,
    })
    .await
}
