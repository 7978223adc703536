//! `gongkai user`: staff accounts — add, reset a password, disable, enable, list, set the e-mail.

use std::io::BufRead;

use clap::Subcommand;
use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Role;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use gongkai_store::{Actor, Store, users};

use crate::CliError;
use crate::commands::{generate_password, say_json};

/// The `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加工作人员账号（不指定密码时自动生成并显示）
    Add {
        /// 用户名
        #[arg(long)]
        username: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 所属机构代码（角色授予在该机构，及于其下级机构；平台管理员的账号也须登记一个所属机构，但其权限不及于任何机构）
        #[arg(long)]
        org: String,
        /// 角色，可重复：editor 编辑、reviewer 审核、handler 办理、supervisor 政务公开办、office_head 公开办负责人、admin 管理员、platform_admin 平台管理员（在各站点之上：添加站点及其首个管理员、查看平台运行状况，不处理任何站点的内容）
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

/// Runs one `user` subcommand.
pub async fn run(store: &Store, cmd: UserCommand) -> Result<(), CliError> {
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
        UserCommand::Passwd { username, password_stdin } => {
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
                say_json(&out, "[]");
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
