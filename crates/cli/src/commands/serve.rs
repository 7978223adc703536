//! `gongkai serve`: open the database, optionally load the demo, listen, and shut down
//! gracefully on SIGTERM or Ctrl-C.

use std::path::PathBuf;

use clap::Args;
use gongkai_domain::user::NewPassword;
use gongkai_web::{AppState, WebConfig};
use tokio::net::TcpListener;

use crate::commands::{generate_password, open_store};
use crate::config::{Config, redact_url};
use crate::{CliError, demo};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址，默认 127.0.0.1:8080
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// 数据库为空时载入演示数据（乌恰县人民政府及其部门、乡镇和演示账号）
    #[arg(long)]
    pub demo: bool,
    /// 主题文件夹：其中 templates/ 与 static/ 下的文件覆盖内置模板和样式
    #[arg(long, value_name = "DIR")]
    pub theme: Option<PathBuf>,
}

/// Why the listen address could not be bound, in Chinese, with what to do.
fn bind_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            "地址已被占用（可能已有其他程序在使用该端口），请用 --listen 指定其他端口".into()
        }
        std::io::ErrorKind::PermissionDenied => {
            "没有权限使用该端口（1024 以下的端口需要管理员权限）".into()
        }
        std::io::ErrorKind::AddrNotAvailable => "本机没有这个地址".into(),
        _ => e.to_string(),
    }
}

/// Runs the server until a shutdown signal arrives.
pub async fn run(config: Config, demo_requested: bool) -> Result<(), CliError> {
    let shutdown = shutdown_signal()?;
    let addr = config.listen_addr()?;
    // Bind first: a taken port is reported before anything touches the database.
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Listen {
            addr: addr.to_string(),
            reason: bind_reason(&e),
        })?;
    let store = open_store(&config).await?;
    if demo_requested {
        if store.is_empty().await? {
            let password = match std::env::var("GONGKAI_DEMO_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => generate_password(),
            };
            let parsed = NewPassword::parse(&password)?;
            let (accounts, content) = demo::load(&store, &parsed, &config.data).await?;
            say!(
                "已载入演示数据：乌恰县人民政府及其 {} 个部门、{} 个乡镇。",
                demo::DEPARTMENTS.len(),
                demo::TOWNSHIPS.len()
            );
            say!(
                "已发布演示信息 {} 条{}。",
                content.published,
                if content.corpus {
                    "（含语料库中的真实法规文本）"
                } else {
                    "（未找到语料库 ../shared/corpus，仅载入示例信息；可用 GONGKAI_DEMO_CORPUS 指定）"
                }
            );
            say!("已载入演示依申请公开申请 5 件（申请人查询密码均为 demo-chaxun）。");
            say!("演示账号（密码均为 {password}）：");
            for a in accounts {
                say!("  {:<16} {}（{}）", a.username, a.role, a.org);
            }
        } else {
            say!("数据库中已有数据，--demo 未做任何更改。");
        }
    }
    let state = AppState::new(
        store.clone(),
        WebConfig {
            theme: config.theme.clone(),
            max_body_bytes: config.max_body_bytes,
            trust_proxy: config.trust_proxy,
            secure_cookies: config.secure_cookies,
            data_dir: config.data.clone(),
            max_upload_bytes: config.max_upload_bytes,
            max_dataset_upload_bytes: config.max_dataset_upload_bytes,
            allow_zip: config.allow_zip,
            smtp: config.smtp.clone(),
            submissions_per_hour: config.submissions_per_hour,
            search_dir: Some(config.data.join("search-index")),
            audit_checkpoint_file: Some(config.audit_checkpoint_file()),
            page_cache_bytes: config.page_cache_bytes,
        },
    )?;
    let local = listener.local_addr()?;
    say!(
        "gongkai {} 已启动：http://{local}/ （数据库：{}，{}）",
        env!("CARGO_PKG_VERSION"),
        store.engine().name(),
        redact_url(&config.database_url())
    );
    say!("管理后台：http://{local}/admin   按 Ctrl+C 停止。");
    tracing::info!(%local, engine = store.engine().name(), "listening");
    gongkai_web::serve(listener, state, shutdown).await?;
    store.close().await;
    say!("gongkai 已停止。");
    Ok(())
}

/// Registers the shutdown signals (SIGTERM, and SIGINT for Ctrl+C) at once and returns the
/// future that ends when one arrives. Registering before the server announces itself means a
/// signal sent right after "已启动" still stops it gracefully instead of killing it.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
            tracing::info!("shutting down");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
    }
}
