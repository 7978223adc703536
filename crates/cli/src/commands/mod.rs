//! One file per subcommand: each holds its clap arguments and its handler. The helpers every
//! command shares (opening the store, progress bars, JSON output, passwords) live here, once.

pub mod audit;
pub mod backup;
pub mod calendar;
pub mod datastore;
pub mod import;
pub mod init;
pub mod notify;
pub mod org;
pub mod reindex;
pub mod restore;
pub mod scan;
pub mod serve;
pub mod site;
pub mod token;
pub mod user;

use gongkai_store::Store;
use rand::Rng;

use crate::CliError;
use crate::config::Config;

/// Makes sure the data folder exists and is writable.
pub(crate) fn ensure_data_dir(config: &Config) -> Result<(), CliError> {
    let dir = &config.data;
    let err = |reason: String| CliError::DataDir {
        path: dir.display().to_string(),
        reason,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(err("该路径不是文件夹".into()));
    }
    std::fs::create_dir_all(dir).map_err(|e| err(io_reason(&e)))?;
    let probe = dir.join(".gongkai-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| err(io_reason(&e)))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Why a folder could not be created or written, in Chinese.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "没有读写权限".into(),
        std::io::ErrorKind::NotADirectory => "路径中有一段不是文件夹".into(),
        std::io::ErrorKind::ReadOnlyFilesystem => "文件系统为只读".into(),
        std::io::ErrorKind::NotFound => "无法在该位置新建文件夹".into(),
        _ => format!("无法新建或写入（{e}）"),
    }
}

/// Opens (and migrates) the configured database, creating the data folder, with the audit key
/// that seals new audit entries (created in the data folder on first use).
pub(crate) async fn open_store(config: &Config) -> Result<Store, CliError> {
    ensure_data_dir(config)?;
    let store = Store::open(&config.database_url()).await?;
    let key = gongkai_store::audit::load_or_create_key(&store, &config.audit_key_file()).await?;
    Ok(store.with_audit_key(key))
}

/// A progress bar over `total` items counted in `unit` (条, 行), with rate and time left.
pub(crate) fn progress_bar(total: usize, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {unit}  {{per_sec}}  预计剩余 {{eta}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// A progress bar over `total` bytes on standard error, hidden when that is not a terminal
/// (a cron job's log gets the summary line only).
pub(crate) fn byte_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), draw_target());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} {bar:40} {binary_bytes}/{binary_total_bytes}  {binary_bytes_per_sec}  预计剩余 {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// A progress bar over items (rows, files) with a message naming the stage, on standard error
/// and hidden when that is not a terminal.
pub(crate) fn item_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(Some(1), draw_target());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:24} {bar:40} {pos}/{len}  {per_sec}  预计剩余 {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// A spinner with `message` for work of unknown length, hidden like [`byte_bar`].
pub(crate) fn spinner(message: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(None, draw_target());
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Standard error when it is a terminal, nowhere otherwise.
fn draw_target() -> indicatif::ProgressDrawTarget {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        indicatif::ProgressDrawTarget::stderr()
    } else {
        indicatif::ProgressDrawTarget::hidden()
    }
}

/// Runs blocking file or process work off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CliError> + Send + 'static,
) -> Result<T, CliError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CliError::Interrupted(e.to_string()))?
}

/// Prints `value` as pretty JSON; `fallback` stands in should it not serialise.
pub(crate) fn say_json(value: &impl serde::Serialize, fallback: &str) {
    say!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| fallback.into())
    );
}

/// A random password that satisfies the policy, for accounts created without one.
pub(crate) fn generate_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let body: String = (0..10)
        .map(|_| LOWER[rng.random_range(0..LOWER.len())] as char)
        .collect();
    format!("Gk{body}-{:04}", rng.random_range(0..10_000))
}

/// A region code given on the command line, if any.
pub(crate) fn region_arg(
    raw: Option<&str>,
) -> Result<Option<gongkai_domain::calendar::RegionCode>, CliError> {
    raw.map(|r| {
        gongkai_domain::calendar::RegionCode::parse(r).map_err(|e| CliError::Config(e.to_string()))
    })
    .transpose()
}
