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

mod config;
mod demo;
mod error;
mod import;
mod serve;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand};
use gongkai_domain::org::{OrgCode, OrgKind, OrgName};
use gongkai_domain::role::Role;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use gongkai_store::audit::{self, Verification};
use gongkai_store::{Actor, Store, orgs, settings, users};
use rand::Rng;

pub use error::CliError;

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
    Scan {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

/// Options of `import`.
#[derive(Debug, Args)]
struct ImportArgs {
    /// 发布机构代码
    #[arg(long)]
    org: String,
    /// 来源名称，与每行的 id 组成去重键（默认取文件名）
    #[arg(long)]
    source: Option<String>,
    /// 没有 kind 字段的行的信息类别，如 law、policy、notice
    #[arg(long, default_value = "other")]
    kind: String,
    /// 没有 column 字段的行的栏目代码，如 flfg、zd、tzgg（默认按类别）
    #[arg(long)]
    column: Option<String>,
    /// 字段映射，可重复：源字段=目标字段（目标：id、title、date、doc_number、body、summary、theme、source、keywords、genre、index_no、written_on、kind、column、ignore）
    #[arg(long = "map", value_name = "源=目标")]
    map: Vec<String>,
    /// 每个事务写入的行数（默认 200）
    #[arg(long, default_value_t = 200, hide = true)]
    batch_size: usize,
    /// 要导入的文件
    file: PathBuf,
}

/// Options of `serve`.
#[derive(Debug, Args)]
struct ServeArgs {
    /// 监听地址，默认 127.0.0.1:8080
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// 数据库为空时载入演示数据（乌恰县人民政府及其部门、乡镇和演示账号）
    #[arg(long)]
    demo: bool,
    /// 主题文件夹：其中 templates/ 与 static/ 下的文件覆盖内置模板和样式
    #[arg(long, value_name = "DIR")]
    theme: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
    /// 添加机构
    Add {
        /// 机构代码（用于索引号），如 WQX021
        #[arg(long)]
        code: String,
        /// 机构全称
        #[arg(long)]
        name: String,
        /// 上级机构代码；不填则作为新的站点（本级政府）
        #[arg(long)]
        parent: Option<String>,
        /// 简称，默认与全称相同
        #[arg(long)]
        short_name: Option<String>,
        /// 机构类型：government、department 或 township，默认自动判断
        #[arg(long)]
        kind: Option<String>,
    },
    /// 列出全部机构
    List {
        /// 以 JSON 数组输出：[{code, name, parent}]
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// 添加工作人员账号（不指定密码时自动生成并显示）
    Add {
        /// 用户名
        #[arg(long)]
        username: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 所属机构代码
        #[arg(long)]
        org: String,
        /// 角色，可重复：editor 编辑、reviewer 审核、handler 办理、supervisor 政务公开办、admin 管理员
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// 从标准输入读取密码（一行）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 重设密码（不指定时自动生成并显示），并使该账号已登录的会话失效
    Passwd {
        /// 用户名
        username: String,
        /// 从标准输入读取密码（一行）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 停用账号
    Disable {
        /// 用户名
        username: String,
    },
    /// 启用账号
    Enable {
        /// 用户名
        username: String,
    },
    /// 列出账号
    List {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 设置接收通知的电子邮箱
    Email {
        /// 用户名
        username: String,
        /// 电子邮箱（空字符串清除）
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// 计算期限：从起始日（第 0 天）起算 N 个工作日后的日期
    Due {
        /// 起始日 YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// 工作日数
        #[arg(long)]
        working_days: u32,
        /// 地区代码（计入该地区的节假日，如 XJ）
        #[arg(long)]
        region: Option<String>,
    },
    /// 查询某日是否为工作日（输出 yes 或 no）
    IsWorkingDay {
        /// 日期 YYYY-MM-DD
        date: String,
        /// 地区代码
        #[arg(long)]
        region: Option<String>,
    },
    /// 导入一年的节假日安排（holiday-cn 格式的 JSON），并重新计算未办结申请的期限
    Import {
        /// JSON 文件
        file: PathBuf,
        /// 地区代码（不填为全国安排）
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum NotifyCommand {
    /// 向办理人员发送即将到期和已超期申请的提醒邮件
    Digest,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// 校验哈希链，报告第一处断裂
    Verify,
    /// 显示最近的审计记录
    Log {
        /// 条数
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

#[derive(Debug, Subcommand)]
enum SiteCommand {
    /// 设置一项站点信息：site_name、host_org、site_code、icp、psb、phone、address、error_report_url；
    /// region 或 region.<站点机构代码>：适用地方节假日的地区（须已导入该地区的日历数据）
    Set {
        /// 设置项
        key: String,
        /// 值
        value: String,
    },
    /// 显示站点信息
    Show,
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

/// Makes sure the data folder exists and is writable.
fn ensure_data_dir(config: &Config) -> Result<(), CliError> {
    let dir = &config.data;
    let err = |reason: String| CliError::DataDir {
        path: dir.display().to_string(),
        reason,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(err("该路径不是文件夹".into()));
    }
    std::fs::create_dir_all(dir).map_err(|e| err(io_reason(&e)))?;
    let probe = dir.join(".gongkai-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| err(io_reason(&e)))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "没有读写权限".into(),
        std::io::ErrorKind::NotADirectory => "路径中有一段不是文件夹".into(),
        std::io::ErrorKind::ReadOnlyFilesystem => "文件系统为只读".into(),
        std::io::ErrorKind::NotFound => "无法在该位置新建文件夹".into(),
        _ => format!("无法新建或写入（{e}）"),
    }
}

/// Opens (and migrates) the configured database, creating the data folder for SQLite.
pub(crate) async fn open_store(config: &Config) -> Result<Store, CliError> {
    if config.uses_embedded_database() {
        ensure_data_dir(config)?;
    }
    Ok(Store::open(&config.database_url()).await?)
}

/// A random password that satisfies the policy, for accounts created without one.
pub(crate) fn generate_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let body: String = (0..10)
        .map(|_| LOWER[rng.random_range(0..LOWER.len())] as char)
        .collect();
    format!("Gk{body}-{:04}", rng.random_range(0..10_000))
}

/// Reads a password from standard input or generates one (returned to print).
fn password_from(stdin: bool) -> Result<(NewPassword, Option<String>), CliError> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pw = NewPassword::parse(line.trim_end_matches(['\r', '\n']))?;
        Ok((pw, None))
    } else {
        let generated = generate_password();
        Ok((NewPassword::parse(&generated)?, Some(generated)))
    }
}

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
        Command::Serve(args) => serve::run(config, args.demo).await,
        Command::Init => {
            let store = open_store(&config).await?;
            let empty = store.is_empty().await?;
            say!(
                "数据库已就绪（{}，结构版本 {}）：{}",
                store.engine().name(),
                gongkai_store::migrate::latest_version(),
                config::redact_url(&config.database_url())
            );
            if empty {
                say!("数据库为空。下一步：gongkai org add --code 代码 --name 本级政府名称");
            }
            store.close().await;
            Ok(())
        }
        Command::Org(cmd) => org_command(&open_store(&config).await?, cmd).await,
        Command::User(cmd) => user_command(&open_store(&config).await?, cmd).await,
        Command::Audit(cmd) => audit_command(&open_store(&config).await?, cmd).await,
        Command::Site(cmd) => site_command(&open_store(&config).await?, cmd).await,
        Command::Import(args) => import_command(&open_store(&config).await?, args).await,
        Command::Scan { json } => scan_command(&open_store(&config).await?, json).await,
        Command::Reindex => {
            let store = open_store(&config).await?;
            ensure_data_dir(&config)?;
            let index = gongkai_search::SearchIndex::open(config.data.join("search-index"))
                .map_err(|e| CliError::Config(format!("无法打开搜索索引：{e}")))?;
            let total = gongkai_store::records::searchable_ids(&store, 0, i64::MAX)
                .await?
                .len();
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} 条  {per_sec}  预计剩余 {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let done = gongkai_web::search::rebuild(&store, &index, |n| bar.set_position(n as u64))
                .await?;
            bar.finish_and_clear();
            say!(
                "搜索索引已重建：{done} 条信息，用时 {:.1} 秒。",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Calendar(cmd) => calendar_command(&open_store(&config).await?, cmd).await,
        Command::Notify(NotifyCommand::Digest) => {
            let store = open_store(&config).await?;
            let state = gongkai_web::AppState::new(
                store,
                gongkai_web::WebConfig {
                    smtp: config.smtp.clone(),
                    ..gongkai_web::WebConfig::default()
                },
            )?;
            let sent = gongkai_web::notify::due_soon_digest(&state).await?;
            say!("已发送到期提醒邮件 {sent} 封。");
            Ok(())
        }
    }
}

async fn org_command(store: &Store, cmd: OrgCommand) -> Result<(), CliError> {
    match cmd {
        OrgCommand::Add {
            code,
            name,
            parent,
            short_name,
            kind,
        } => {
            let new = orgs::NewOrganisation {
                code: OrgCode::parse(&code)?,
                name: OrgName::parse(&name)?,
                short_name: short_name.as_deref().map(OrgName::parse).transpose()?,
                kind: kind.as_deref().map(OrgKind::parse).transpose()?,
                parent: parent.as_deref().map(OrgCode::parse).transpose()?,
            };
            let org = orgs::create(store, &Actor::cli(), new).await?;
            say!("已添加机构：{}（{}）", org.name, org.code);
        }
        OrgCommand::List { json } => {
            let list = orgs::list(store).await?;
            if json {
                let out: Vec<_> = list
                    .iter()
                    .map(|o| serde_json::json!({ "code": o.code, "name": o.name, "parent": o.parent_code }))
                    .collect();
                say!(
                    "{}",
                    serde_json::to_string_pretty(&out).unwrap_or_else(|_| "[]".into())
                );
            } else if list.is_empty() {
                say!("尚无机构。使用 gongkai org add 添加。");
            } else {
                for o in list {
                    let indent = if o.parent_id.is_some() { "  " } else { "" };
                    say!("{indent}{}\t{}", o.code, o.name);
                }
            }
        }
    }
    Ok(())
}

async fn user_command(store: &Store, cmd: UserCommand) -> Result<(), CliError> {
    let actor = Actor::cli();
    match cmd {
        UserCommand::Add {
            username,
            name,
            org,
            roles,
            password_stdin,
        } => {
            let roles = roles
                .iter()
                .map(|r| Role::parse(r))
                .collect::<Result<Vec<_>, _>>()?;
            let username = Username::parse(&username)?;
            let display_name = DisplayName::parse(&name)?;
            let org = OrgCode::parse(&org)?;
            let (password, generated) = password_from(password_stdin)?;
            let staff = users::create(
                store,
                &actor,
                users::NewStaff {
                    username,
                    display_name,
                    org,
                    roles,
                    password,
                },
            )
            .await?;
            say!(
                "已添加账号：{}（{}，{}，{}）",
                staff.username,
                staff.display_name,
                staff.org_name,
                staff.role_labels().join("、")
            );
            if let Some(pw) = generated {
                say!("初始密码：{pw}（请登录后尽快修改）");
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let username = Username::parse(&username)?;
            let (password, generated) = password_from(password_stdin)?;
            users::set_password(store, &actor, &username, &password).await?;
            say!("已重设 {username} 的密码，其已登录的会话均已退出。");
            if let Some(pw) = generated {
                say!("新密码：{pw}");
            }
        }
        UserCommand::Disable { username } => {
            let username = Username::parse(&username)?;
            users::set_disabled(store, &actor, &username, true).await?;
            say!("已停用账号 {username}。");
        }
        UserCommand::Enable { username } => {
            let username = Username::parse(&username)?;
            users::set_disabled(store, &actor, &username, false).await?;
            say!("已启用账号 {username}。");
        }
        UserCommand::Email { username, email } => {
            let username = Username::parse(&username)?;
            users::set_email(store, &actor, &username, &email).await?;
            say!("已设置 {username} 的电子邮箱。");
        }
        UserCommand::List { json } => {
            let list = users::list(store).await?;
            if json {
                let out: Vec<_> = list
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "username": u.username, "name": u.display_name, "org": u.org_code,
                            "roles": u.grants.0.iter().map(|g| g.role.code()).collect::<Vec<_>>(),
                            "disabled": u.disabled,
                        })
                    })
                    .collect();
                say!(
                    "{}",
                    serde_json::to_string_pretty(&out).unwrap_or_else(|_| "[]".into())
                );
            } else {
                for u in list {
                    let status = if u.disabled { "（已停用）" } else { "" };
                    say!(
                        "{}\t{}\t{}\t{}{status}",
                        u.username,
                        u.display_name,
                        u.org_name,
                        u.role_labels().join("、")
                    );
                }
            }
        }
    }
    Ok(())
}

async fn audit_command(store: &Store, cmd: AuditCommand) -> Result<(), CliError> {
    match cmd {
        AuditCommand::Verify => match audit::verify(store).await? {
            Verification::Intact(n) => {
                say!("审计日志完整：共 {n} 条记录，哈希链校验通过。");
                Ok(())
            }
            Verification::Broken(b) => Err(CliError::AuditBroken(b.to_string())),
        },
        AuditCommand::Log { limit } => {
            for e in audit::recent(store, limit.clamp(1, 10_000), None).await? {
                let at = gongkai_domain::time::parse_storage_timestamp(&e.at)
                    .map(gongkai_domain::time::display_minute)
                    .unwrap_or(e.at);
                let ip = if e.ip.is_empty() {
                    "-".to_owned()
                } else {
                    e.ip
                };
                say!(
                    "{}\t{at}\t{}\t{}\t{}:{}\t{ip}",
                    e.seq,
                    e.actor,
                    e.action,
                    e.object_type,
                    e.object_id
                );
            }
            Ok(())
        }
    }
}

async fn site_command(store: &Store, cmd: SiteCommand) -> Result<(), CliError> {
    let keys = gongkai_web::public::SITE_SETTING_KEYS;
    match cmd {
        SiteCommand::Set { key, value } if key == "region" || key.starts_with("region.") => {
            // The region whose holidays count: checked against the calendar, then every
            // open deadline is recomputed (both audited).
            let site = key.strip_prefix("region.");
            let region = if value.trim().is_empty() {
                None
            } else {
                Some(
                    gongkai_domain::calendar::RegionCode::parse(&value)
                        .map_err(|e| CliError::Config(e.to_string()))?,
                )
            };
            let changed = gongkai_store::applications::set_site_region(
                store,
                &Actor::cli(),
                site,
                region.as_ref(),
            )
            .await?;
            say!("已设置 {key}，重新计算了 {changed} 件申请的答复期限。");
        }
        SiteCommand::Set { key, value } => {
            if !keys.contains(&key.as_str()) {
                return Err(CliError::Config(format!(
                    "未知的站点设置“{key}”，可用：{}、region、region.<站点机构代码>",
                    keys.join("、")
                )));
            }
            settings::set(store, &Actor::cli(), &key, &value).await?;
            say!("已设置 {key}。");
        }
        SiteCommand::Show => {
            for key in keys {
                let v = settings::get(store, key)
                    .await?
                    .unwrap_or_else(|| "（未设置）".into());
                say!("{key}\t{v}");
            }
            let default = settings::get(store, "region")
                .await?
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "（未设置，仅全国节假日）".into());
            say!("region\t{default}");
            for site in orgs::sites(store).await? {
                if let Some(v) = settings::get(store, &format!("region.{}", site.code)).await? {
                    say!("region.{}\t{v}", site.code);
                }
            }
        }
    }
    Ok(())
}

fn default_column(kind: gongkai_domain::record::RecordKind) -> &'static str {
    use gongkai_domain::record::RecordKind as K;
    match kind {
        K::Policy | K::Normative => "gfxwj",
        K::Interpretation => "zcjd",
        K::Notice => "tzgg",
        K::News => "gzdt",
        K::Plan => "ghjh",
        K::Statistics => "tjxx",
        K::Budget => "czyjs",
        K::Law => "flfg",
        K::Audit | K::Personnel | K::Other => "qtfd",
    }
}

async fn import_command(store: &Store, args: ImportArgs) -> Result<(), CliError> {
    let org = orgs::by_code(store, &OrgCode::parse(&args.org)?).await?;
    let kind = gongkai_domain::record::RecordKind::parse(&args.kind)?;
    let source = args.source.clone().unwrap_or_else(|| {
        let name = args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        name.split('.').next().unwrap_or("import").to_owned()
    });
    let column = args
        .column
        .clone()
        .unwrap_or_else(|| default_column(kind).to_owned());
    let mut opts = import::ImportOptions::new(&source, kind, &column).with_mappings(&args.map)?;
    opts.batch_size = args.batch_size.max(1);
    let rows = import::read_rows(&args.file)?;
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} 行  {per_sec}  预计剩余 {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let report = import::import_rows(store, &Actor::cli(), org.id, rows, &opts, |done| {
        bar.set_position(done as u64)
    })
    .await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64().max(0.001);
    say!(
        "导入完成：共 {} 行，新增 {} 条，已存在未变 {} 条，拒绝 {} 行；用时 {secs:.1} 秒（{:.0} 行/秒）。",
        report.rows,
        report.created,
        report.unchanged,
        report.rejected.len(),
        report.rows as f64 / secs
    );
    if report.undated > 0 {
        say!("其中 {} 行没有日期，已按今天的日期发布。", report.undated);
    }
    for r in report.rejected.iter().take(50) {
        say!("  第 {} 行：{}", r.line, r.reason);
    }
    if report.rejected.len() > 50 {
        say!("  ……另有 {} 行被拒绝。", report.rejected.len() - 50);
    }
    Ok(())
}

async fn scan_command(store: &Store, json: bool) -> Result<(), CliError> {
    let report = gongkai_store::screening::scan_published(store).await?;
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into())
        );
        return Ok(());
    }
    let total: usize = report.organisations.iter().map(|o| o.total).sum();
    say!(
        "已审查 {} 条已发布信息，发现 {total} 处疑似问题。",
        report.scanned
    );
    for o in &report.organisations {
        say!("{}（{} 处）", o.org_name, o.total);
        for r in &o.records {
            say!("  {} {}", r.index_no, r.title);
            for f in &r.findings {
                say!("    [{}] {}：{}", f.label(), f.location, f.context);
            }
        }
    }
    Ok(())
}

fn region_arg(raw: Option<&str>) -> Result<Option<gongkai_domain::calendar::RegionCode>, CliError> {
    raw.map(|r| {
        gongkai_domain::calendar::RegionCode::parse(r).map_err(|e| CliError::Config(e.to_string()))
    })
    .transpose()
}

async fn calendar_command(store: &Store, cmd: CalendarCommand) -> Result<(), CliError> {
    use gongkai_domain::calendar::parse_date;
    let cal = gongkai_store::calendar::load(store).await?;
    let err = |e: gongkai_domain::calendar::CalendarError| CliError::Config(e.to_string());
    match cmd {
        CalendarCommand::Due {
            from,
            working_days,
            region,
        } => {
            let from = parse_date(&from).map_err(err)?;
            let region = region_arg(region.as_deref())?;
            say!(
                "{}",
                cal.due_date(from, working_days, region.as_ref())
                    .map_err(err)?
            );
        }
        CalendarCommand::IsWorkingDay { date, region } => {
            let date = parse_date(&date).map_err(err)?;
            let region = region_arg(region.as_deref())?;
            say!(
                "{}",
                if cal.is_working_day(date, region.as_ref()).map_err(err)? {
                    "yes"
                } else {
                    "no"
                }
            );
        }
        CalendarCommand::Import { file, region } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CliError::Config(format!("无法读取 {}：{e}", file.display())))?;
            let region = region_arg(region.as_deref())?;
            let replaced =
                gongkai_store::calendar::import_year(store, &Actor::cli(), region.as_ref(), &text)
                    .await?;
            let changed = gongkai_store::applications::recompute_open(store, &Actor::cli()).await?;
            say!(
                "已{}日历数据；{changed} 件未办结申请的答复期限随之更新。",
                if replaced { "替换" } else { "导入" }
            );
        }
    }
    Ok(())
}
