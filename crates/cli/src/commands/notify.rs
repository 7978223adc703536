//! `gongkai notify`: mail sent on demand, such as the digest of applications coming due.

use clap::Subcommand;

use crate::CliError;
use crate::commands::open_store;
use crate::config::Config;

/// The `notify` subcommands.
#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// 向办理人员发送即将到期和已超期申请的提醒邮件
    Digest,
}

/// Runs one `notify` subcommand.
pub async fn run(config: &Config, cmd: NotifyCommand) -> Result<(), CliError> {
    match cmd {
        NotifyCommand::Digest => {
            let store = open_store(config).await?;
            let mailer = gongkai_jobs::Mailer::from_config(&config.smtp)?;
            let sent =
                gongkai_jobs::digest::due_soon_digest(&store, mailer.as_ref(), chrono::Utc::now())
                    .await?;
            say!("已发送到期提醒邮件 {sent} 封。");
            Ok(())
        }
    }
}
