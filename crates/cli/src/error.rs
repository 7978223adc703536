//! The command line's one error type. Every variant prints as one clear Chinese line.

use gongkai_domain::DomainError;
use gongkai_store::StoreError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Configuration could not be loaded or is invalid.
    #[error("{0}")]
    Config(String),
    /// The data folder cannot be used.
    #[error("无法使用数据文件夹 {path}：{reason}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// The listen address cannot be bound.
    #[error("无法监听 {addr}：{reason}")]
    Listen {
        /// The address.
        addr: String,
        /// Why, in Chinese.
        reason: String,
    },
    /// Input broke a rule.
    #[error("{0}")]
    Domain(#[from] DomainError),
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The web layer could not start.
    #[error("{0}")]
    Web(#[from] gongkai_web::WebError),
    /// Background work (search index, mail).
    #[error(transparent)]
    Jobs(#[from] gongkai_jobs::JobsError),
    /// Reading input or writing output failed.
    #[error("读写失败：{0}")]
    Io(#[from] std::io::Error),
    /// The folder given to `backup --to` cannot take a backup.
    #[error("无法备份到 {path}：{reason}")]
    BackupTarget {
        /// The folder.
        path: String,
        /// Why, in Chinese.
        reason: String,
    },
    /// There is no database where `backup` was pointed.
    #[error("找不到数据库文件 {path}：请用 --data 指定门户使用的数据文件夹")]
    NothingToBackUp {
        /// The database file looked for.
        path: String,
    },
    /// A backup of one engine was to be restored into the other.
    #[error("该备份来自 {backup} 数据库，不能恢复到 {target} 数据库；请恢复到同类数据库")]
    RestoreEngine {
        /// The backup's engine.
        backup: &'static str,
        /// The target's engine.
        target: &'static str,
    },
    /// The restore target already holds data and `--force` was not given.
    #[error(
        "恢复目标中已有数据：{found}。为免覆盖，已停止；请恢复到空的数据库和数据文件夹，或确认后加 --force 覆盖"
    )]
    RestoreTargetInUse {
        /// What was found, in Chinese.
        found: String,
    },
    /// Background work stopped unexpectedly.
    #[error("操作中断：{0}")]
    Interrupted(String),
    /// The audit chain is broken.
    #[error("审计日志校验失败：{0}")]
    AuditBroken(String),
    /// An API token was asked for an account that is disabled.
    #[error("账号 {username} 已停用，不能为其创建令牌；请先启用该账号")]
    AccountDisabled {
        /// The account's login name.
        username: String,
    },
}
