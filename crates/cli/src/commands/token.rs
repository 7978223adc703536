//! `gongkai token`: CKAN API tokens for staff accounts — make one (shown once), list, revoke.
//! Scripts and CKAN tools (ckanapi) send the token in the `Authorization` header to write
//! datasets through the Action API; the store keeps only its hash and audits every change.

use clap::Subcommand;
use gongkai_domain::user::Username;
use gongkai_store::{Actor, Store, datasets, users};

use crate::CliError;
use crate::commands::say_json;

/// The label a token gets when `--name` is not given.
const DEFAULT_TOKEN_NAME: &str = "命令行创建";

/// The `token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// 为工作人员账号创建开放数据接口（CKAN API）令牌，令牌只显示这一次
    Create {
        /// 用户名
        #[arg(long)]
        user: String,
        /// 令牌用途（便于日后识别）
        #[arg(long)]
        name: Option<String>,
    },
    /// 列出账号的令牌（不显示令牌本身）
    List {
        /// 用户名
        #[arg(long)]
        user: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 吊销账号的一个令牌
    Revoke {
        /// 用户名
        #[arg(long)]
        user: String,
        /// 令牌编号（见 token list）
        id: i64,
    },
}

/// The account a `--user` names, which must exist.
async fn account(store: &Store, user: &str) -> Result<users::Staff, CliError> {
    let username = Username::parse(user)?;
    Ok(users::by_username(store, &username).await?)
}

/// Runs one `token` subcommand.
pub async fn run(store: &Store, cmd: TokenCommand) -> Result<(), CliError> {
    let actor = Actor::cli();
    match cmd {
        TokenCommand::Create { user, name } => {
            let staff = account(store, &user).await?;
            if staff.disabled {
                return Err(CliError::AccountDisabled { username: staff.username });
            }
            let name = name.as_deref().unwrap_or(DEFAULT_TOKEN_NAME);
            let token = datasets::create_token(store, &actor, staff.id, name).await?;
            say!("已为 {} 创建令牌（{}）。", staff.username, name.trim());
            say!("令牌：{token}");
            say!("令牌只显示这一次，请妥善保存；使用时放在请求的 Authorization 头中。");
        }
        TokenCommand::List { user, json } => {
            let staff = account(store, &user).await?;
            let tokens = datasets::tokens_of(store, staff.id).await?;
            if json {
                say_json(&tokens, "[]");
            } else if tokens.is_empty() {
                say!("{} 没有令牌。", staff.username);
            } else {
                for t in tokens {
                    let status = match t.revoked_at {
                        Some(at) => format!("已吊销（{}）", at.format("%Y-%m-%d %H:%M UTC")),
                        None => "有效".to_owned(),
                    };
                    say!(
                        "{}\t{}\t{}\t{status}",
                        t.id,
                        t.name,
                        t.created_at.format("%Y-%m-%d %H:%M UTC")
                    );
                }
            }
        }
        TokenCommand::Revoke { user, id } => {
            let staff = account(store, &user).await?;
            datasets::revoke_token(store, &actor, staff.id, id).await?;
            say!("已吊销 {} 的令牌 {id}。", staff.username);
        }
    }
    Ok(())
}
