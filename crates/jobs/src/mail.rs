//! Sending mail over SMTP (`[smtp]` in `gongkai.toml`). Only the background sender and the
//! digest send; requests write to the outbox (`gongkai_store::outbox`) instead.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::JobsError;

/// How long one send may take before it counts as failed (a stalled server must not hold the
/// sender for ever).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

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

/// Sends mail through the configured server, each send bounded by a timeout.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds a mailer, or `None` when no host is configured.
    pub fn from_config(cfg: &SmtpConfig) -> Result<Option<Self>, JobsError> {
        if cfg.host.trim().is_empty() {
            return Ok(None);
        }
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| JobsError::Mail(format!("发件人地址“{}”无效：{e}", cfg.from)))?;
        let relay_error = |e: lettre::transport::smtp::Error| JobsError::Mail(e.to_string());
        let mut builder = match cfg.security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host).map_err(relay_error)?,
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(relay_error)?,
            "" | "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
            other => {
                return Err(JobsError::Mail(format!(
                    "未知的 SMTP 加密方式“{other}”，应为 none、starttls 或 tls"
                )));
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
            transport: builder.timeout(Some(SEND_TIMEOUT)).build(),
            from,
            timeout: SEND_TIMEOUT,
        }))
    }

    /// The same mailer with another bound on one send (tests use a short one).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The bound on one send.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends one plain-text message; an error (or a send that took longer than the timeout) is
    /// described in words for the outbox's last error.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("收件人地址无效：{e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(|e| e.to_string()),
            Err(_) => Err(format!("邮件服务器 {} 秒内未响应", self.timeout.as_secs())),
        }
    }
}
