//! `gongkai calendar`: working-day arithmetic and the import of a year's holiday arrangement.

use std::path::PathBuf;

use clap::Subcommand;
use gongkai_store::{Actor, Store};

use crate::CliError;
use crate::commands::region_arg;

/// The `calendar` subcommands.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
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

/// Runs one `calendar` subcommand.
pub async fn run(store: &Store, cmd: CalendarCommand) -> Result<(), CliError> {
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
            let changed =
                gongkai_store::calendar::recompute_deadlines(store, &Actor::cli()).await?;
            say!(
                "已{}日历数据；{} 件未办结申请、{} 件留言的答复期限随之更新。",
                if replaced { "替换" } else { "导入" },
                changed.applications,
                changed.messages
            );
        }
    }
    Ok(())
}
