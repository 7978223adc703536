//! `gongkai audit`: verify the audit log's hash chain, seals and checkpoints; record a
//! checkpoint; show the latest entries.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use gongkai_domain::audit::Checkpoint;
use gongkai_store::audit::{self, Verification};

use crate::CliError;
use crate::commands::open_store;
use crate::config::Config;

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验哈希链与密钥签名，并与检查点文件比对，报告第一处问题
    Verify {
        /// 检查点文件（默认为配置的检查点文件，存在时比对）
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// 记录当前链头（序号与哈希）：打印并追加到检查点文件
    Checkpoint {
        /// 检查点文件（默认为数据目录下的 audit-checkpoints.log）
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// 显示最近的审计记录
    Log {
        /// 条数
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

/// Runs one `audit` subcommand; a broken chain or a failed checkpoint is an error (non-zero
/// exit).
pub async fn run(config: &Config, cmd: AuditCommand) -> Result<(), CliError> {
    let store = &open_store(config).await?;
    match cmd {
        AuditCommand::Verify { checkpoint } => {
            let n = match audit::verify(store).await? {
                Verification::Intact(n) => n,
                Verification::Broken(b) => return Err(CliError::AuditBroken(b.to_string())),
            };
            let file = checkpoint
                .clone()
                .unwrap_or_else(|| config.audit_checkpoint_file());
            // The configured file is compared when it exists; a file named on the command line
            // must exist.
            let checked = if checkpoint.is_some() || file.exists() {
                let checkpoints = read_checkpoints(&file)?;
                audit::check_checkpoints(store, &checkpoints)
                    .await?
                    .map_err(|b| CliError::AuditBroken(b.to_string()))?;
                Some(checkpoints.len())
            } else {
                None
            };
            say!("审计日志完整：共 {n} 条记录，哈希链与密钥签名校验通过。");
            match checked {
                Some(k) => say!("与检查点文件 {} 中的 {k} 个检查点一致。", file.display()),
                None => {
                    say!("未找到检查点文件，未比对检查点（可用 gongkai audit checkpoint 记录）。")
                }
            }
            // The history sites brought with them when they were imported.
            for segment in gongkai_store::site_export::verify_imported(store).await? {
                if !segment.intact {
                    return Err(CliError::AuditBroken(format!(
                        "导入站点时带入的审计记录（摘要 {}）与导入时记录的摘要不符：记录被修改、删除或调换",
                        segment.digest
                    )));
                }
                say!(
                    "导入站点时带入的 {} 条审计记录（摘要 {}）校验通过。",
                    segment.entries,
                    segment.digest
                );
            }
            Ok(())
        }
        AuditCommand::Checkpoint { file } => {
            let file = file.unwrap_or_else(|| config.audit_checkpoint_file());
            let c = audit::write_checkpoint(store, &file).await?;
            say!("{}\t{}", c.seq, c.hash);
            say!("已记录检查点（第 {} 条）到 {}", c.seq, file.display());
            Ok(())
        }
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

/// Reads a checkpoint file, refusing one that is not a checkpoint file (bounded in size).
fn read_checkpoints(path: &Path) -> Result<Vec<Checkpoint>, CliError> {
    const MAX_BYTES: u64 = 64 * 1024 * 1024;
    let bad =
        |reason: String| CliError::AuditBroken(format!("检查点文件 {}：{reason}", path.display()));
    let size = std::fs::metadata(path)
        .map_err(|e| bad(e.to_string()))?
        .len();
    if size > MAX_BYTES {
        return Err(bad("文件过大".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    Checkpoint::parse_file(&text).map_err(|line| bad(format!("第 {line} 行格式不正确")))
}
