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
    /// The audit chain is broken.
    #[error("审计日志校验失败：{0}")]
    AuditBroken(String),
}
