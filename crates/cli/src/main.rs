//! `gongkai`: one binary for the portal, the back office, the API and the command line.

/// Prints a line to standard output, ignoring a reader that has gone away (`gongkai audit show |
/// head`) or a closed stdout under a service manager, where `println!` would panic: the command,
/// or the server, carries on.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod commands;
mod config;
mod demo;
mod error;
mod import;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand};

pub use error::CliError;

/// mimalloc instead of the system allocator: with glibc's per-thread arenas the server kept
/// hundreds of megabytes after the demo load or a burst of requests; mimalloc hands freed pages
/// back (`scripts/bench` measures RSS).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crate::commands::audit::AuditCommand;
use crate::commands::backup::BackupArgs;
use crate::commands::calendar::CalendarCommand;
use crate::commands::datastore::DatastoreCommand;
use crate::commands::import::ImportArgs;
use crate::commands::notify::NotifyCommand;
use crate::commands::org::OrgCommand;
use crate::commands::restore::RestoreArgs;
use crate::commands::scan::ScanArgs;
use crate::commands::serve::ServeArgs;
use crate::commands::site::SiteCommand;
use crate::commands::token::TokenCommand;
use crate::commands::user::UserCommand;
use crate::commands::{self as cmd, open_store};
use crate::config::{Config, FlagOverrides, LogFormat};

/// gongkai（公开）：县级政务公开平台——门户网站、管理后台、依申请公开、政民互动与统计报告，一个程序全部包含。
#[derive(Debug, Parser)]
#[command(
    name = "gongkai",
    version,
    about,
    after_help = "示例：\n  gongkai serve --demo            以演示数据启动门户（http://127.0.0.1:8080/）\n  gongkai org list --json         以 JSON 列出全部机构\n  gongkai audit verify            校验审计日志哈希链\n\n配置优先级：命令行参数 > GONGKAI_* 环境变量 > gongkai.toml > 默认值。"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Args)]
struct Global {
    /// 数据文件夹（内置数据库、附件、索引），默认 ./gongkai-data
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// 数据库地址，如 postgres://用户@主机/库名；不填则使用数据文件夹中的 SQLite
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// 配置文件路径，默认读取当前目录下的 gongkai.toml（如存在）
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// 日志格式：text 或 json
    #[arg(long, global = true, value_name = "FORMAT", value_enum)]
    log_format: Option<LogFormat>,
}

/// The subcommands; each one's arguments and handler live in its own file under `commands/`.
#[derive(Debug, Subcommand)]
enum Command {
    /// 启动门户网站与管理后台
    Serve(ServeArgs),
    /// 创建数据文件夹和空数据库（已存在时只做升级）
    Init,
    /// 管理机构（政府、部门、乡镇）
    #[command(subcommand)]
    Org(OrgCommand),
    /// 管理工作人员账号
    #[command(subcommand)]
    User(UserCommand),
    /// 审计日志：校验与查看
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 站点设置（网站名称、主办单位、网站标识码、备案号等）
    #[command(subcommand)]
    Site(SiteCommand),
    /// 导入既有网站已发布的信息（.jsonl、.jsonl.gz、.csv），作为已发布的主动公开信息
    Import(ImportArgs),
    /// 工作日日历：计算期限、查询是否工作日、导入节假日安排
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// 通知：发送到期提醒邮件
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// 重建站内搜索索引（索引是派生数据，可随时从数据库重建）
    Reindex,
    /// 网站自查：对全部已发布信息（含附件）重新进行内容审查，按机构列出发现
    Scan(ScanArgs),
    /// 在线备份：数据库快照、全部附件和带 SHA-256 的清单，门户无需停止
    Backup(BackupArgs),
    /// 从备份恢复到空的数据库和数据文件夹（先校验清单中的哈希）
    Restore(RestoreArgs),
    /// 开放数据的数据表：将 CSV/XLSX 导入为可检索的数据表，并按 datastore_search 的规则检索
    #[command(subcommand)]
    Datastore(DatastoreCommand),
    /// 开放数据接口（CKAN API）令牌：为工作人员账号创建、列出、吊销
    #[command(subcommand)]
    Token(TokenCommand),
}

/// One line for a command-line usage error, in Chinese.
fn usage_error_line(err: &clap::Error) -> String {
    let arg = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let value = match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let hint = "运行 gongkai --help 查看用法。";
    match err.kind() {
        ErrorKind::UnknownArgument => format!("错误：未知的参数“{arg}”。{hint}"),
        ErrorKind::InvalidSubcommand => format!("错误：未知的子命令“{arg}”。{hint}"),
        ErrorKind::MissingRequiredArgument => format!("错误：缺少必需的参数 {arg}。{hint}"),
        ErrorKind::MissingSubcommand => format!("错误：缺少子命令。{hint}"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("错误：参数 {arg} 的值“{value}”无效。{hint}")
        }
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => {
            format!("错误：参数 {arg} 的值个数不正确。{hint}")
        }
        ErrorKind::ArgumentConflict => format!("错误：参数 {arg} 不能同时使用。{hint}"),
        _ => {
            let first = err.to_string();
            let line = first
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            format!("错误：{line}。{hint}")
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    ExitCode::from(2)
                }
                _ => {
                    eprintln!("{}", usage_error_line(&e));
                    ExitCode::from(2)
                }
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to standard error: `info` while serving, only warnings for one-off commands, unless
/// `GONGKAI_LOG` says otherwise.
fn init_logging(config: &Config, serving: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if serving {
        "info,sqlx=warn,tower_http=info"
    } else {
        "warn,sqlx=error"
    };
    let filter = EnvFilter::try_from_env("GONGKAI_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if config.log_format == LogFormat::Json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Loads the configuration (flags over environment over file), sets up logging and hands the
/// command to its handler.
async fn run(cli: Cli) -> Result<(), CliError> {
    let (listen, theme) = match &cli.command {
        Command::Serve(a) => (a.listen.clone(), a.theme.clone()),
        _ => (None, None),
    };
    let config = Config::load(
        cli.global.config.as_deref(),
        FlagOverrides {
            data: cli.global.data,
            database_url: cli.global.database_url,
            listen,
            theme,
            log_format: cli.global.log_format,
        },
    )?;
    init_logging(&config, matches!(cli.command, Command::Serve(_)));
    match cli.command {
        Command::Serve(args) => cmd::serve::run(config, args.demo).await,
        Command::Init => cmd::init::run(&config).await,
        Command::Org(c) => cmd::org::run(&open_store(&config).await?, c).await,
        Command::User(c) => cmd::user::run(&open_store(&config).await?, c).await,
        Command::Audit(c) => cmd::audit::run(&config, c).await,
        Command::Site(c) => cmd::site::run(&config, &open_store(&config).await?, c).await,
        Command::Import(args) => cmd::import::run(&open_store(&config).await?, args).await,
        Command::Scan(args) => cmd::scan::run(&open_store(&config).await?, args).await,
        Command::Reindex => cmd::reindex::run(&config).await,
        Command::Calendar(c) => cmd::calendar::run(&open_store(&config).await?, c).await,
        Command::Notify(c) => cmd::notify::run(&config, c).await,
        Command::Backup(args) => cmd::backup::run(&config, args).await,
        Command::Restore(args) => cmd::restore::run(&config, args).await,
        Command::Datastore(c) => cmd::datastore::run(&open_store(&config).await?, c).await,
        Command::Token(c) => cmd::token::run(&open_store(&config).await?, c).await,
    }
}
