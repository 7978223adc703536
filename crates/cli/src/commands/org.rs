//! `gongkai org`: add and list organisations (government, departments, townships).

use clap::Subcommand;
use gongkai_domain::org::{OrgCode, OrgKind, OrgName};
use gongkai_store::{Actor, Store, orgs};

use crate::CliError;
use crate::commands::say_json;

/// The `org` subcommands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
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

/// Runs one `org` subcommand.
pub async fn run(store: &Store, cmd: OrgCommand) -> Result<(), CliError> {
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
                say_json(&out, "[]");
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
