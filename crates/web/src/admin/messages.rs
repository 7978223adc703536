//! `/admin/messages`: the staff side of 政民互动 — the queue by due date, the watch list of
//! everything overdue or near the three-month line, each message with its steps as audited
//! actions (受理, 交办, 退回, 办理, 答复 and its review, 督办, 办结, 回访, 整改), and the settings
//! (time limits per kind, blocked words).

use crate::admin::desk::Desk;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::message::{self as rules, MessageEvent, MessageKind, Watch};
use gongkai_domain::role::Permission;
use gongkai_domain::time::{beijing_date, display_minute};
use gongkai_store::messages::{self, BLOCKED_WORDS_KEY, Message};
use gongkai_store::users::Staff;
use gongkai_store::{Actor, orgs, settings};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::auth::{check_in, scope_ids};
use crate::forms::{RefusalStatus, respond_step};
use crate::page::PageCtx;
use crate::state::AppState;
use crate::templates::ser;
use crate::view::mailbox::MailboxNames;

/// The list view's filter.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    view: String,
}

fn row(m: &Message, today: chrono::NaiveDate, mailboxes: &MailboxNames) -> Value {
    let watch = rules::watch(m.status, m.received_on, m.due_on, today);
    context! {
        id => m.id, tracking_code => &m.tracking_code, title => &m.title,
        kind => m.kind.label(),
        to => mailboxes.addressee(m),
        department => &m.handler_org_name,
        status => m.status.label(),
        received_on => ser(&m.received_on), due_on => ser(&m.due_on),
        due_provisional => m.due_provisional,
        line_on => rules::inspection_line(m.received_on).to_string(),
        watch => watch.map(Watch::label), grave => matches!(watch, Some(Watch::PastLine | Watch::NearLine)),
        held => &m.held_reason, level => m.supervision_level,
        rectify => m.rectify_due_on.is_some() && m.rectify_checked_on.is_none(),
        rectify_due_on => ser(&m.rectify_due_on),
    }
}

/// `GET /admin/messages?view=open|watch|rectify|all`: open messages first by due date; the
/// watch list holds every open message overdue or within a month of the three-month line.
pub async fn list(
    Desk { state, ctx, staff, .. }: Desk,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let ids = scope_ids(&state, &staff, Permission::HandleCases).await?;
    let today = beijing_date(Utc::now());
    let view = match q.view.as_str() {
        "watch" | "rectify" | "all" => q.view.as_str(),
        _ => "open",
    };
    let all = messages::list_for_orgs(&state.store, &ids, view != "open").await?;
    let mailboxes = MailboxNames::load(&state, &all).await?;
    let rows: Vec<Value> = all
        .iter()
        .filter(|m| match view {
            "watch" => rules::watch(m.status, m.received_on, m.due_on, today).is_some(),
            "rectify" => m.rectify_due_on.is_some() && m.rectify_checked_on.is_none(),
            _ => true,
        })
        .map(|m| row(m, today, &mailboxes))
        .collect();
    state
        .page(
            &ctx,
            "admin/messages.html",
            context! { rows => rows, view => view },
        )
        .await
}

async fn load(state: &AppState, staff: &Staff, id: i64) -> Result<Message, WebError> {
    let m = messages::get(&state.store, id).await?;
    let mut allowed = false;
    for org in [Some(m.org_id), m.handler_org_id].into_iter().flatten() {
        let chain = orgs::chain(&state.store, org).await?;
        allowed |= staff.grants.allows(Permission::HandleCases, &chain);
    }
    if !allowed {
        return Err(WebError::Forbidden(Permission::HandleCases.label()));
    }
    Ok(m)
}

/// `GET /admin/messages/{id}`: the message, its files and steps, and the actions its state allows.
pub async fn show(
    Desk { state, ctx, staff, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let m = load(&state, &staff, id).await?;
    render(&state, &ctx, &staff, &m, StatusCode::OK, None).await
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    staff: &Staff,
    m: &Message,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let steps: Vec<Value> = messages::events(&state.store, m.id)
        .await?
        .into_iter()
        .map(|e| {
            let detail = match &e.event {
                MessageEvent::NotAccept { reason }
                | MessageEvent::Return { reason }
                | MessageEvent::SendBackReply { reason }
                | MessageEvent::Hide { reason } => reason.clone(),
                MessageEvent::Assign { org_name, .. } => format!("交办{org_name}"),
                MessageEvent::Progress { note }
                | MessageEvent::Supervise { note }
                | MessageEvent::FollowUp { note }
                | MessageEvent::RectifyCheck { note } => note.clone(),
                MessageEvent::RectifyDone { outcome } => outcome.clone(),
                MessageEvent::ApproveReply { publish } => if *publish {
                    "同意公开"
                } else {
                    "不公开"
                }
                .to_owned(),
                MessageEvent::DraftReply { .. } | MessageEvent::Accept | MessageEvent::Close => {
                    String::new()
                }
            };
            context! {
                label => e.event.label(), actor => e.actor, detail => detail,
                at => display_minute(e.at),
            }
        })
        .collect();
    let files: Vec<Value> = messages::files(&state.store, m.id)
        .await?
        .into_iter()
        .map(|f| context! { id => f.id, name => f.file_name, size => crate::view::format::human_size(f.size_bytes) })
        .collect();
    let site_chain = orgs::chain(&state.store, m.site_id).await?;
    let can_supervise = staff.grants.allows(Permission::Supervise, &site_chain);
    // Only the message's own site's organisations can take it (the store refuses others).
    let all = orgs::list(&state.store).await?;
    let departments: Vec<_> = all
        .iter()
        .filter(|o| o.id != m.site_id && orgs::chain_within(&all, o.id).last() == Some(&m.site_id))
        .cloned()
        .collect();
    let today = beijing_date(Utc::now());
    let st = m.status;
    state
        .page_with_status(
            ctx,
            status,
            "admin/message.html",
            context! {
                msg => ser(m), error => error, steps => steps, files => files,
                status => st.code(), status_label => st.label(),
                kind => m.kind.label(),
                to => MailboxNames::load(state, [m]).await?.addressee(m),
                line_on => rules::inspection_line(m.received_on).to_string(),
                watch => rules::watch(st, m.received_on, m.due_on, today).map(Watch::label),
                rating => m.rating.map(|r| r.label()),
                can_supervise => can_supervise, departments => ser(&departments),
                own_reply => m.reply_author == staff.username,
                is_open => st.is_open(),
            },
        )
        .await
}

/// The event form: `kind` chooses the step; the other fields as it needs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    kind: String,
    text: String,
    to: String,
    publish: String,
}

/// `POST /admin/messages/{id}/events`: one handling step (audited); review, supervision and
/// the rectification check belong to the openness office.
pub async fn event(
    Desk { state, ctx, staff, ip }: Desk,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> Result<Response, WebError> {
    let m = load(&state, &staff, id).await?;
    let text = f.text.trim().to_owned();
    let event = match f.kind.as_str() {
        "accept" => MessageEvent::Accept,
        "not_accept" => MessageEvent::NotAccept { reason: text },
        "assign" => {
            let code = gongkai_domain::org::OrgCode::parse(&f.to)
                .map_err(|_| WebError::BadRequest(ErrorCode::MessageAssigneeRequired.into()))?;
            let org = orgs::by_code(&state.store, &code).await?;
            MessageEvent::Assign {
                org_id: org.id,
                org_name: org.name,
            }
        }
        "return" => MessageEvent::Return { reason: text },
        "progress" => MessageEvent::Progress { note: text },
        "draft_reply" => MessageEvent::DraftReply { text },
        "approve_reply" => MessageEvent::ApproveReply {
            publish: f.publish == "1",
        },
        "send_back_reply" => MessageEvent::SendBackReply { reason: text },
        "supervise" => MessageEvent::Supervise { note: text },
        "close" => MessageEvent::Close,
        "follow_up" => MessageEvent::FollowUp { note: text },
        "rectify_done" => MessageEvent::RectifyDone { outcome: text },
        "rectify_check" => MessageEvent::RectifyCheck { note: text },
        "hide" => MessageEvent::Hide { reason: text },
        _ => return Err(WebError::BadRequest(ErrorCode::CaseStepUnknown.into())),
    };
    if event.needs_supervisor() {
        check_in(
            &staff,
            Permission::Supervise,
            &orgs::chain(&state.store, m.site_id).await?,
        )?;
    }
    let today = beijing_date(Utc::now());
    let actor = Actor::user(&staff.username, &ip);
    let recorded = messages::record_event(&state.store, &actor, id, &event, today).await;
    respond_step(
        recorded,
        RefusalStatus::STEP,
        |_| format!("/admin/messages/{id}"),
        async |no| render(&state, &ctx, &staff, &m, no.status, Some(no.message)).await,
    )
    .await
}

/// `GET /admin/messages/{id}/files/{file}`: an attachment, for staff who may handle it.
pub async fn file(
    Desk { state, staff, .. }: Desk,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let m = load(&state, &staff, id).await?;
    let f = messages::files(&state.store, m.id)
        .await?
        .into_iter()
        .find(|f| f.id == file)
        .ok_or_else(|| WebError::NotFound(ErrorCode::MessageFileNotFound.into()))?;
    crate::download::send_blob(&state, &f.sha256, &f.kind, &f.file_name).await
}

/// `GET /admin/messages/settings`: time limits per kind and the blocked words.
pub async fn settings_form(desk: Desk) -> Result<Response, WebError> {
    let site = staff_site(&desk).await?;
    settings_page(&desk, &site, StatusCode::OK, None, None).await
}

/// The site whose 政民互动 settings the member of staff edits: the one their organisation is in.
async fn staff_site(desk: &Desk) -> Result<orgs::Organisation, WebError> {
    desk.home_site().await
}

async fn settings_page(
    desk: &Desk,
    site: &orgs::Organisation,
    status: StatusCode,
    error: Option<String>,
    saved: Option<&str>,
) -> Result<Response, WebError> {
    let store = &desk.state.store;
    let mut limits = Vec::new();
    for k in MessageKind::ALL {
        limits.push(context! {
            code => k.code(), label => k.label(), default => k.default_limit_working_days(),
            value => messages::limit_for(store, site.id, *k).await?,
        });
    }
    let words = messages::blocked_words(store, site.id).await?;
    desk.page(
        status,
        "admin/message_settings.html",
        context! {
            site_name => &site.name, limits => limits, words => words, error => error, saved => saved,
        },
    )
    .await
}

/// `POST /admin/messages/settings`: every `limit_<kind>` (1–60 working days) and `words`.
pub async fn settings_save(
    desk: Desk,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let site = staff_site(&desk).await?;
    let code = Some(site.code.as_str());
    let (store, actor) = (&desk.state.store, desk.actor());
    let mut limits = Vec::new();
    for k in MessageKind::ALL {
        let key = format!("limit_{}", k.code());
        if let Some((_, v)) = f.iter().find(|(name, _)| *name == key) {
            match v.trim().parse::<u32>() {
                Ok(days) if (1..=60).contains(&days) => limits.push((*k, days)),
                _ => {
                    return settings_page(
                        &desk,
                        &site,
                        StatusCode::BAD_REQUEST,
                        Some(ErrorCode::MessageTimeLimitRange.render(&[("kind", &k.label())])),
                        None,
                    )
                    .await;
                }
            }
        }
    }
    for (k, days) in limits {
        let key = settings::site_key(&k.limit_setting_key(), code);
        settings::set(store, &actor, &key, &days.to_string()).await?;
    }
    if let Some((_, words)) = f.iter().find(|(name, _)| name == "words") {
        let cleaned: Vec<&str> = words
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        let key = settings::site_key(BLOCKED_WORDS_KEY, code);
        settings::set(store, &actor, &key, &cleaned.join("\n")).await?;
    }
    settings_page(&desk, &site, StatusCode::OK, None, Some("设置已保存")).await
}

/// Open messages of `staff`'s organisations by watch reason, for the dashboard.
pub async fn watch_counts(state: &AppState, staff: &Staff) -> Result<(usize, usize), WebError> {
    let ids = scope_ids(state, staff, Permission::HandleCases).await?;
    let today = beijing_date(Utc::now());
    let mut overdue = 0;
    let mut line = 0;
    for m in messages::list_for_orgs(&state.store, &ids, false).await? {
        match rules::watch(m.status, m.received_on, m.due_on, today) {
            Some(Watch::Overdue) => overdue += 1,
            Some(Watch::NearLine | Watch::PastLine) => line += 1,
            None => {}
        }
    }
    Ok((overdue, line))
}
