//! Configuration: flags, then `GONGKAI_*` environment variables, then an optional
//! `gongkai.toml`, then defaults. Secrets in the database URL are redacted whenever the
//! configuration is printed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::CliError;

/// The effective configuration of one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Data folder: the SQLite database, attachments, the search index.
    pub data: PathBuf,
    /// `postgres://…` or `sqlite://…`; when absent, SQLite in the data folder.
    pub database_url: Option<DatabaseUrl>,
    /// Address to listen on.
    pub listen: String,
    /// Theme folder overriding templates and static files.
    pub theme: Option<PathBuf>,
    /// Largest accepted form or JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Trust `X-Forwarded-For` (only behind a reverse proxy).
    pub trust_proxy: bool,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// `text` or `json` log lines.
    pub log_format: LogFormat,
    /// Largest accepted attachment, in bytes (default 50 MB).
    pub max_upload_bytes: usize,
    /// Largest accepted open-data file (a dataset's resource), in bytes (default 200 MB).
    pub max_dataset_upload_bytes: usize,
    /// Accept ZIP archives as attachments.
    pub allow_zip: bool,
    /// Outgoing mail (`[smtp]` table); without a host no mail is sent.
    pub smtp: gongkai_jobs::SmtpConfig,
    /// Applications one client address may submit per hour (public form and API).
    pub submissions_per_hour: i64,
    /// The key sealing audit entries; by default `audit.key` in the data folder. Nodes sharing
    /// one PostgreSQL database must share this file.
    pub audit_key_file: Option<PathBuf>,
    /// Where audit checkpoints are appended; by default `audit-checkpoints.log` in the data
    /// folder. Best kept on other storage than the database (a mounted share, a log host).
    pub audit_checkpoint_file: Option<PathBuf>,
    /// Memory for the cache of rendered public pages, in bytes (default 64 MiB; 0 turns it off).
    pub page_cache_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("gongkai-data"),
            database_url: None,
            listen: "127.0.0.1:8080".into(),
            theme: None,
            max_body_bytes: 1024 * 1024,
            trust_proxy: false,
            secure_cookies: false,
            log_format: LogFormat::Text,
            max_upload_bytes: 50 * 1024 * 1024,
            max_dataset_upload_bytes: 200 * 1024 * 1024,
            allow_zip: false,
            smtp: gongkai_jobs::SmtpConfig::default(),
            submissions_per_hour: 20,
            audit_key_file: None,
            audit_checkpoint_file: None,
            page_cache_bytes: gongkai_web::cache::DEFAULT_BUDGET,
        }
    }
}

/// A database URL as configured; it prints (`Debug`) with its password hidden.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl std::ops::Deref for DatabaseUrl {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> Self {
        Self(url.to_owned())
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&redact_url(&self.0), f)
    }
}

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Values given as flags; only those present override the other sources.
#[derive(Debug, Default, Serialize)]
pub struct FlagOverrides {
    /// `--data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `--theme`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<PathBuf>,
    /// `--log-format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

/// Environment variables read (each as `GONGKAI_<NAME>`).
const ENV_KEYS: &[&str] = &[
    "data",
    "database_url",
    "listen",
    "theme",
    "max_body_bytes",
    "trust_proxy",
    "secure_cookies",
    "log_format",
    "max_upload_bytes",
    "max_dataset_upload_bytes",
    "allow_zip",
    "submissions_per_hour",
    "audit_key_file",
    "audit_checkpoint_file",
    "page_cache_bytes",
];

impl Config {
    /// Loads the configuration. `file` is `--config`; without it `./gongkai.toml` is read when
    /// it exists.
    pub fn load(file: Option<&Path>, flags: FlagOverrides) -> Result<Self, CliError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    return Err(CliError::Config(format!(
                        "找不到配置文件 {}",
                        path.display()
                    )));
                }
                figment = figment.merge(Toml::file(path));
            }
            None => {
                let default = Path::new("gongkai.toml");
                if default.is_file() {
                    figment = figment.merge(Toml::file(default));
                }
            }
        }
        figment = figment
            .merge(Env::prefixed("GONGKAI_").only(ENV_KEYS))
            .merge(Serialized::defaults(flags));
        figment
            .extract()
            .map_err(|e| CliError::Config(format!("配置有误：{e}")))
    }

    /// The database URL in use: the configured one, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => gongkai_store::sqlite_url_for_dir(&self.data),
        }
    }

    /// The audit key file in use.
    pub fn audit_key_file(&self) -> PathBuf {
        self.audit_key_file
            .clone()
            .unwrap_or_else(|| self.data.join("audit.key"))
    }

    /// The audit checkpoint file in use.
    pub fn audit_checkpoint_file(&self) -> PathBuf {
        self.audit_checkpoint_file
            .clone()
            .unwrap_or_else(|| self.data.join("audit-checkpoints.log"))
    }

    /// The listen address, parsed.
    pub fn listen_addr(&self) -> Result<SocketAddr, CliError> {
        self.listen.parse().map_err(|_| {
            CliError::Config(format!(
                "监听地址“{}”格式不正确，应为 IP:端口，例如 127.0.0.1:8080",
                self.listen
            ))
        })
    }
}

/// Hides the password in a database URL for printing.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
    {
        let user = creds.split(':').next().unwrap_or_default();
        let shown = if creds.contains(':') {
            format!("{user}:***")
        } else {
            user.to_owned()
        };
        return format!("{scheme}://{shown}@{host}");
    }
    url.to_owned()
}

#[cfg(test)]
// figment's `Jail` closures return its large error type; that is the crate's API, not ours.
#[expect(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_print() {
        assert_eq!(
            redact_url("postgres://gk:secret@db:5432/gk"),
            "postgres://gk:***@db:5432/gk"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        let c = Config {
            database_url: Some("postgres://gk:secret@db/gk".into()),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn flags_beat_environment_beats_file_beats_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "gongkai.toml",
                "listen = \"127.0.0.1:7000\"\ndata = \"from-file\"\ntheme = \"t\"",
            )?;
            jail.set_env("GONGKAI_LISTEN", "127.0.0.1:7001");
            jail.set_env("GONGKAI_DATA", "from-env");
            let c = Config::load(
                None,
                FlagOverrides {
                    data: Some("from-flag".into()),
                    ..FlagOverrides::default()
                },
            )
            .map_err(|e| e.to_string())?;
            assert_eq!(c.data, PathBuf::from("from-flag"));
            assert_eq!(c.listen, "127.0.0.1:7001");
            assert_eq!(c.theme, Some(PathBuf::from("t")));
            assert_eq!(c.max_body_bytes, 1024 * 1024);
            Ok(())
        });
    }

    #[test]
    fn a_typo_in_the_file_is_reported() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("gongkai.toml", "lisen = \"x\"")?;
            let err = Config::load(None, FlagOverrides::default())
                .err()
                .map(|e| e.to_string());
            assert!(err.is_some_and(|e| e.contains("lisen")));
            Ok(())
        });
    }
}
