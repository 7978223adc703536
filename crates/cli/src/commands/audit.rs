//! `gongkai audit`: verify the audit log's hash chain and show its latest entries.

use clap::Subcommand;
use gongkai_store::Store;
use gongkai_store::audit::{self, Verification};

use crate::CliError;

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验哈希链，报告第一处断裂
    Verify,
    /// 显示最近的审计记录
    Log {
        /// 条数
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

/// Runs one `audit` subcommand; a broken chain is an error (non-zero exit).
pub async fn run(store: &Store, cmd: AuditCommand) -> Result<(), CliError> {
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
