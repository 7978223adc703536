//! The store's one error type.

use gongkai_domain::calendar::CalendarError;
use gongkai_domain::error::Arg;
use gongkai_domain::error::Refusal;
use gongkai_domain::{DomainError, ErrorCode};

/// Everything that can go wrong in persistence.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names an engine gongkai does not support.
    #[error("不支持的数据库地址“{scheme}:”：请使用 sqlite:// 或 postgres://")]
    UnsupportedUrl {
        /// The scheme that was given.
        scheme: String,
    },
    /// The URL could not be parsed.
    #[error("数据库地址格式错误：{reason}")]
    BadUrl {
        /// Parser's reason.
        reason: String,
    },
    /// The database could not be reached or opened.
    #[error("无法连接数据库（{engine}）：{reason}")]
    Connect {
        /// Engine name.
        engine: &'static str,
        /// Driver's reason.
        reason: String,
    },
    /// The schema in the database is newer than this program.
    #[error("数据库结构版本 {found} 高于本程序支持的版本 {supported}，请升级 gongkai 后再运行")]
    SchemaTooNew {
        /// Version found in the database.
        found: i64,
        /// Newest version this program knows.
        supported: i64,
    },
    /// Something looked up does not exist.
    #[error("未找到{what}")]
    NotFound {
        /// What was looked for, in Chinese (e.g. `机构“WQX999”`).
        what: String,
    },
    /// A uniqueness or state rule refused the change.
    #[error("{0}")]
    Conflict(Refusal),
    /// Input broke a domain rule.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Hashing a password failed.
    #[error("密码处理失败")]
    Password,
    /// Stored data could not be read back (corrupt row).
    #[error("数据损坏：{0}")]
    Corrupt(String),
    /// A file beside the database (the audit key, a checkpoint file) could not be read or written.
    #[error("文件读写失败：{0}")]
    Io(String),
    /// Any other database error.
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
    /// A read on the SQLite read lane ([`crate::lane`]) failed.
    #[error("数据库错误：{0}")]
    Read(#[from] rusqlite::Error),
    /// A PostgreSQL client tool (`pg_dump`, `pg_restore`) is missing or failed.
    #[error("{tool} 无法完成：{reason}")]
    BackupTool {
        /// The program.
        tool: &'static str,
        /// Why, in Chinese, or the tool's own last lines.
        reason: String,
    },
    /// A site archive (`gongkai site export` / `import`) cannot be written or read, or is not
    /// what its manifest says.
    #[error("站点迁移文件无法使用：{0}")]
    SiteArchive(String),
    /// A site archive cannot be imported here (a code, user name or host is taken, the schema
    /// is newer, a row points outside the archive).
    #[error("无法导入站点：{0}")]
    SiteImport(String),
    /// A datastore request that cannot be answered as asked (an unknown field, a value of the
    /// wrong type, a sort or limit that is not one): the messages by parameter, as CKAN's
    /// "Validation Error" carries them (the web layer answers 409).
    #[error("数据查询参数有误：{0}")]
    DatastoreValidation(crate::datastore::FieldErrors),
    /// A table file (CSV or XLSX) for the datastore could not be read or passes a limit.
    #[error(transparent)]
    Table(#[from] gongkai_content::ContentError),
    /// A backup's `manifest.json` cannot be read or is not one this program wrote.
    #[error("备份清单 manifest.json 无法使用：{0}")]
    BackupManifest(String),
    /// A file of a backup is missing or differs from its manifest.
    #[error("备份中的文件 {path} {problem}，已拒绝恢复：备份可能被改动或不完整")]
    BackupFile {
        /// Path inside the backup folder.
        path: String,
        /// What is wrong, in Chinese.
        problem: String,
    },
    /// Reading or writing a backup's files failed.
    #[error("无法读写 {path}：{reason}")]
    BackupIo {
        /// The file or folder.
        path: String,
        /// Why, in Chinese.
        reason: String,
    },
}

impl From<CalendarError> for StoreError {
    fn from(e: CalendarError) -> Self {
        Self::Conflict(Refusal {
            code: e.error_code(),
            message: e.to_string(),
        })
    }
}

impl StoreError {
    /// A refusal whose wording has no values.
    pub fn conflict(code: ErrorCode) -> Self {
        Self::conflict_with(code, &[])
    }

    /// A refusal whose wording names values (`("code", &code)` fills `{code}`).
    pub fn conflict_with(code: ErrorCode, args: &[Arg<'_>]) -> Self {
        Self::Conflict(code.refusal(args))
    }

    /// Stable code for APIs: the dotted code of a refusal (`org.code_taken`), a coarse
    /// snake_case one for infrastructure failures (`database_error`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedUrl { .. } | Self::BadUrl { .. } => "bad_database_url",
            Self::Connect { .. } => "database_unavailable",
            Self::SchemaTooNew { .. } => "schema_too_new",
            Self::NotFound { .. } => "not_found",
            Self::Conflict(r) => r.code.code(),
            Self::Domain(e) => e.code(),
            Self::Password => "password_error",
            Self::Corrupt(_) => "corrupt_data",
            Self::Io(_) => "io_error",
            Self::Database(_) | Self::Read(_) => "database_error",
            Self::BackupTool { .. } => "backup_tool_failed",
            Self::BackupManifest(_) => "backup_manifest_unusable",
            Self::BackupFile { .. } => "backup_file_mismatch",
            Self::BackupIo { .. } => "backup_io_error",
            Self::SiteArchive(_) => "site_archive_unusable",
            Self::SiteImport(_) => "site_import_refused",
            Self::DatastoreValidation(_) => "validation_error",
            Self::Table(e) => e.code(),
        }
    }

    /// Whether the database could not be reached or could not take the request now (refused or
    /// lost connection, the server shutting down or starting up — SQLSTATE classes 08 and 57P —,
    /// no connection free in time): a passing condition, answered with 503 and "try again", not
    /// a fault of the request.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Database(
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed,
            ) => true,
            Self::Database(sqlx::Error::Database(e)) => e
                .code()
                .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
            // The file held past the busy timeout, or could not be opened.
            Self::Read(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::CannotOpen
            ),
            _ => false,
        }
    }

    /// Whether the error is a unique-constraint violation (same on both engines).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}
