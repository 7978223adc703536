//! E-mail notifications: receipt, 补正, extension and reply letters to applicants, and the
//! daily due-soon digest to handlers. Sent over SMTP configured in `gongkai.toml` (`[smtp]`);
//! without that configuration nothing is sent and the status page remains the channel.
//! A failed send is logged and never fails the request that caused it: the record of what
//! happened is the database, not the mailbox.

use gongkai_domain::application::ClockEvent;
use gongkai_domain::message::MessageEvent;
use gongkai_store::applications::Application;
use gongkai_store::messages::Message as StoredMessage;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::state::AppState;

/// SMTP settings (`[smtp]` in `gongkai.toml`).
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// Server host; empty disables e-mail.
    pub host: String,
    /// Port (25, 465 or 587).
    pub port: u16,
    /// Sender, e.g. `乌恰县人民政府办公室 <gongkai@example.gov.cn>`.
    pub from: String,
    /// Login name, if the server needs one.
    pub username: String,
    /// Password (never printed).
    pub password: String,
    /// `none`, `starttls` or `tls`.
    pub security: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

/// Sends mail through the configured server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds a mailer, or `None` when no host is configured.
    pub fn from_config(cfg: &SmtpConfig) -> Result<Option<Self>, String> {
        if cfg.host.trim().is_empty() {
            return Ok(None);
        }
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| format!("发件人地址“{}”无效：{e}", cfg.from))?;
        let mut builder = match cfg.security.as_str() {
            "tls" => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host).map_err(|e| e.to_string())?
            }
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(|e| e.to_string())?,
            "" | "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
            other => {
                return Err(format!(
                    "未知的 SMTP 加密方式“{other}”，应为 none、starttls 或 tls"
                ));
            }
        };
        if cfg.port != 0 {
            builder = builder.port(cfg.port);
        }
        if !cfg.username.is_empty() {
            builder =
                builder.credentials(Credentials::new(cfg.username.clone(), cfg.password.clone()));
        }
        Ok(Some(Self {
            transport: builder.build(),
            from,
        }))
    }

    /// Sends one plain-text message.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("收件人地址无效：{e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

async fn send_logged(state: &AppState, to: &str, subject: &str, body: &str) {
    let Some(mailer) = &state.mailer else { return };
    if to.trim().is_empty() {
        return;
    }
    if let Err(e) = mailer.send(to, subject, body).await {
        tracing::warn!(error = %e, subject, "e-mail not sent");
    }
}

/// Tells the applicant that the application was received.
pub async fn application_received(state: &AppState, app: &Application) {
    let body = format!(
        "您好：\n\n{}已于{}收到您的政府信息公开申请。\n查询码：{}\n答复期限：{}\n\n请使用查询码和您设置的查询密码在网站“依申请公开 — 办理进度查询”中查看进度。\n\n本邮件由系统自动发送，请勿回复。",
        app.org_name,
        app.received_on,
        app.tracking_code,
        app.due_on
            .map_or_else(|| "另行告知".to_owned(), |d| d.to_string())
    );
    send_logged(
        state,
        &app.email,
        &format!("政府信息公开申请已收到（{}）", app.tracking_code),
        &body,
    )
    .await;
}

/// Sends the letter that accompanies a clock event (补正, extension, fee, transfer, reply).
pub async fn application_event(state: &AppState, app: &Application, event: &ClockEvent) {
    if !matches!(
        event,
        ClockEvent::CorrectionRequested { .. }
            | ClockEvent::Extended { .. }
            | ClockEvent::FeeNotice { .. }
            | ClockEvent::Transferred { .. }
            | ClockEvent::Replied { .. }
    ) {
        return;
    }
    let Ok(letters) = gongkai_store::applications::letters(&state.store, app.id).await else {
        return;
    };
    let Some(letter) = letters.last() else { return };
    let body = format!(
        "{}\n\n{}\n\n（查询码 {}。您也可以在网站“依申请公开 — 办理进度查询”中查看并下载本文书。）",
        letter.title, letter.body, app.tracking_code
    );
    send_logged(
        state,
        &app.email,
        &format!("{}（{}）", letter.title, app.tracking_code),
        &body,
    )
    .await;
}

/// Tells the writer that the message was received (when an e-mail address was given).
pub async fn message_received(state: &AppState, m: &StoredMessage) {
    let held = if m.held_reason.is_empty() {
        String::new()
    } else {
        "\n您的留言需经人工审核后受理。".to_owned()
    };
    let body = format!(
        "您好：\n\n您的留言《{}》已于{}收到。\n查询码：{}\n答复期限：{}{held}\n\n请使用查询码和您设置的查询密码在网站“政民互动 — 留言查询”中查看办理情况并评价。\n\n本邮件由系统自动发送，请勿回复。",
        m.title,
        m.received_on,
        m.tracking_code,
        m.due_on
            .map_or_else(|| "另行告知".to_owned(), |d| d.to_string())
    );
    send_logged(
        state,
        &m.email,
        &format!("留言已收到（{}）", m.tracking_code),
        &body,
    )
    .await;
}

/// Staff with `permission` in organisation `org_id` who have an e-mail address; with
/// `departments_only`, those who also lack [`Permission::Supervise`] there (the department's
/// own handlers rather than the openness office above them).
async fn staff_for(
    state: &AppState,
    org_id: i64,
    permission: gongkai_domain::role::Permission,
    departments_only: bool,
) -> Vec<gongkai_store::users::Staff> {
    use gongkai_domain::role::Permission;
    let Ok(chain) = gongkai_store::orgs::chain(&state.store, org_id).await else {
        return Vec::new();
    };
    let Ok(all) = gongkai_store::users::list(&state.store).await else {
        return Vec::new();
    };
    all.into_iter()
        .filter(|s| !s.disabled && !s.email.is_empty())
        .filter(|s| s.grants.allows(permission, &chain))
        .filter(|s| !departments_only || !s.grants.allows(Permission::Supervise, &chain))
        .collect()
}

/// Tells those concerned about a handling step: the department when a message is assigned to
/// it, the writer when it is refused or answered or a rectification is reported.
pub async fn message_event(state: &AppState, m: &StoredMessage, event: &MessageEvent) {
    use gongkai_domain::role::Permission;
    match event {
        MessageEvent::Assign { org_id, org_name } => {
            let body = format!(
                "您好：\n\n政务公开办已将留言《{}》（查询码 {}）交办{}，答复期限 {}。\n如不属于本单位职责，请在 2 个工作日内退回。\n\n请登录管理后台“政民互动”办理。",
                m.title,
                m.tracking_code,
                org_name,
                m.due_on
                    .map_or_else(|| "另行告知".to_owned(), |d| d.to_string())
            );
            for s in staff_for(state, *org_id, Permission::HandleCases, true).await {
                send_logged(
                    state,
                    &s.email,
                    &format!("交办留言（{}）", m.tracking_code),
                    &body,
                )
                .await;
            }
        }
        MessageEvent::Supervise { note } => {
            // Each 督办 raises the level; from the second one the heads of the openness office
            // are copied (escalation).
            let level = m.supervision_level;
            let body = format!(
                "您好：\n\n留言《{}》（查询码 {}）第 {level} 次督办：{note}\n答复期限：{}。\n\n请登录管理后台“政民互动”尽快办理。",
                m.title,
                m.tracking_code,
                m.due_on
                    .map_or_else(|| "另行告知".to_owned(), |d| d.to_string())
            );
            let subject = format!("留言督办（第 {level} 次，{}）", m.tracking_code);
            let org_id = m.handler_org_id.unwrap_or(m.org_id);
            let mut to = staff_for(state, org_id, Permission::HandleCases, true).await;
            if level >= 2 {
                to.extend(staff_for(state, m.site_id, Permission::ApproveExtensions, false).await);
            }
            let mut sent = std::collections::BTreeSet::new();
            for s in to {
                if sent.insert(s.email.clone()) {
                    send_logged(state, &s.email, &subject, &body).await;
                }
            }
        }
        MessageEvent::ApproveReply { .. } => {
            let body = format!(
                "您好：\n\n您的留言《{}》已由{}答复：\n\n{}\n\n欢迎在网站“政民互动 — 留言查询”中对答复进行评价（查询码 {}）。",
                m.title,
                m.answering_org_name(),
                m.reply_text,
                m.tracking_code
            );
            send_logged(
                state,
                &m.email,
                &format!("留言答复（{}）", m.tracking_code),
                &body,
            )
            .await;
        }
        MessageEvent::NotAccept { reason } => {
            let body = format!(
                "您好：\n\n您的留言《{}》（查询码 {}）不予受理，理由：{}",
                m.title, m.tracking_code, reason
            );
            send_logged(
                state,
                &m.email,
                &format!("留言办理结果（{}）", m.tracking_code),
                &body,
            )
            .await;
        }
        MessageEvent::RectifyDone { outcome } => {
            let body = format!(
                "您好：\n\n针对您对留言《{}》答复的评价，承办单位已完成整改：\n\n{}",
                m.title, outcome
            );
            send_logged(
                state,
                &m.email,
                &format!("整改情况（{}）", m.tracking_code),
                &body,
            )
            .await;
        }
        _ => {}
    }
}

/// Tells the answering department and the openness office about a bad rating and its
/// rectification deadline.
pub async fn bad_rating(state: &AppState, m: &StoredMessage) {
    use gongkai_domain::role::Permission;
    let org_id = m.handler_org_id.unwrap_or(m.org_id);
    let body = format!(
        "您好：\n\n留言《{}》（查询码 {}）的答复收到“{}”评价，请于 {} 前完成整改并在管理后台登记整改情况。",
        m.title,
        m.tracking_code,
        m.rating().map(|r| r.label()).unwrap_or_default(),
        m.rectify_due_on.map(|d| d.to_string()).unwrap_or_default()
    );
    let mut sent = std::collections::BTreeSet::new();
    for s in staff_for(state, org_id, Permission::HandleCases, false).await {
        if sent.insert(s.email.clone()) {
            send_logged(
                state,
                &s.email,
                &format!("差评整改（{}）", m.tracking_code),
                &body,
            )
            .await;
        }
    }
}

/// Sends each handler the open applications of their organisations that are overdue or due
/// within three working days. Returns the number of messages sent.
pub async fn due_soon_digest(state: &AppState) -> Result<usize, crate::WebError> {
    use chrono::Utc;
    use gongkai_domain::role::Permission;
    use gongkai_domain::time::beijing_date;
    let Some(mailer) = &state.mailer else {
        return Ok(0);
    };
    let cal = gongkai_store::calendar::load(&state.store).await?;
    let regions = gongkai_store::applications::site_regions(&state.store).await?;
    let today = beijing_date(Utc::now());
    let staff = gongkai_store::users::list(&state.store).await?;
    let mut sent = 0;
    for member in staff.iter().filter(|s| !s.disabled && !s.email.is_empty()) {
        let mut ids = Vec::new();
        for o in gongkai_store::orgs::list(&state.store).await? {
            let chain = gongkai_store::orgs::chain(&state.store, o.id).await?;
            if member.grants.allows(Permission::HandleCases, &chain) {
                ids.push(o.id);
            }
        }
        let mut lines = Vec::new();
        for a in gongkai_store::applications::list_for_orgs(&state.store, &ids, false).await? {
            let region = regions.get(&a.site_id).and_then(Option::as_ref);
            // The same count as the queue's marks, regional holidays included.
            let Some(left) = crate::admin::applications::days_left(&cal, today, a.due_on, region)
            else {
                continue;
            };
            let due = a.due_on.map(|d| d.to_string()).unwrap_or_default();
            if left <= crate::admin::applications::NEAR_DUE_WORKING_DAYS {
                let mark = if left < 0 {
                    format!("已超期 {} 个工作日", -left)
                } else {
                    format!("剩余 {left} 个工作日")
                };
                lines.push(format!(
                    "{} {} 答复期限 {due}（{mark}）",
                    a.tracking_code, a.org_name
                ));
            }
        }
        for m in gongkai_store::messages::list_for_orgs(&state.store, &ids, false).await? {
            if let Some(w) =
                gongkai_domain::message::watch(m.status, m.received_on, m.due_on, today)
            {
                lines.push(format!(
                    "留言 {} {} 答复期限 {}（{}）",
                    m.tracking_code,
                    m.answering_org_name(),
                    m.due_on
                        .map_or_else(|| "未定".to_owned(), |d| d.to_string()),
                    w.label()
                ));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let body = format!(
            "{}，您好：\n\n以下依申请公开事项和留言即将到期或已超期，请及时办理：\n\n{}\n",
            member.display_name,
            lines.join("\n")
        );
        match mailer
            .send(
                &member.email,
                &format!("到期提醒（{} 件）", lines.len()),
                &body,
            )
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => tracing::warn!(error = %e, user = %member.username, "digest not sent"),
        }
    }
    Ok(sent)
}
