//! `gongkai restore --from DIR`: checks a backup against its manifest, then puts the database
//! and the attachments back into an empty deployment and rebuilds the search index.

use std::path::PathBuf;

use clap::Args;
use gongkai_store::backup::{self, Manifest};
use gongkai_store::{Engine, Store, StoreError};

use crate::CliError;
use crate::commands::{blocking, byte_bar, ensure_data_dir, reindex, spinner};
use crate::config::{self, Config};

/// Options of `restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// 备份文件夹（gongkai backup 生成的，内含 manifest.json）
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// 目标数据库或数据文件夹中已有数据时仍然覆盖（原有数据将丢失，请先停止门户）
    #[arg(long)]
    pub force: bool,
}

/// Restores the backup into the configured deployment.
pub async fn run(config: &Config, args: RestoreArgs) -> Result<(), CliError> {
    let from = args.from;
    let manifest = {
        let dir = from.clone();
        blocking(move || Ok(Manifest::read(&dir)?)).await?
    };
    let url = config.database_url();
    let engine = Engine::from_url(&url)?;
    if engine != manifest.engine {
        return Err(CliError::RestoreEngine {
            backup: manifest.engine.name(),
            target: engine.name(),
        });
    }
    if engine == Engine::Sqlite && url != gongkai_store::sqlite_url_for_dir(&config.data) {
        // The snapshot becomes the data folder's gongkai.db; another file would be left empty.
        return Err(CliError::Config(format!(
            "SQLite 备份只能恢复为数据文件夹中的 gongkai.db：请去掉 database_url 设置，用 --data 指定数据文件夹（当前为 {}）",
            config::redact_url(&url)
        )));
    }
    let supported = gongkai_store::migrate::latest_version();
    if manifest.schema_version > supported {
        return Err(StoreError::SchemaTooNew {
            found: manifest.schema_version,
            supported,
        }
        .into());
    }
    check_empty(config, &url, engine, args.force).await?;

    // Nothing is written before every file has been checked.
    let total = manifest.total_bytes();
    let checked = {
        let (dir, manifest) = (from.clone(), manifest.clone());
        blocking(move || {
            let bar = byte_bar(total).with_message("校验备份");
            manifest.verify(&dir, &mut |n| bar.inc(n))?;
            bar.finish_and_clear();
            Ok(())
        })
    };
    checked.await?;

    ensure_data_dir(config)?;
    let snapshot = from.join(Manifest::snapshot_name(engine));
    match engine {
        Engine::Sqlite => {
            let (data, expected) = (config.data.clone(), manifest.files[0].clone());
            blocking(move || {
                let (size, sha) = backup::install_sqlite(&snapshot, &data, &mut |_| {})?;
                if size != expected.size || sha != expected.sha256 {
                    return Err(changed(&expected.path));
                }
                Ok(())
            })
            .await?;
        }
        Engine::Postgres => {
            let wait = spinner("正在恢复数据库（pg_restore）……");
            let (url, force) = (url.clone(), args.force);
            blocking(move || Ok(backup::pg_restore(&url, &snapshot, force)?)).await?;
            wait.finish_and_clear();
        }
    }

    let (data, dir, files) = (config.data.clone(), from.clone(), manifest.files.clone());
    let (key_file, checkpoint_file) = (config.audit_key_file(), config.audit_checkpoint_file());
    let blob_bytes: u64 = files.iter().skip(1).map(|f| f.size).sum();
    blocking(move || {
        let bar = byte_bar(blob_bytes).with_message("恢复附件");
        for f in files.iter().skip(1) {
            // The audit files go where this deployment keeps them; blobs into the data folder.
            let to = match f.path.as_str() {
                backup::AUDIT_KEY => key_file.clone(),
                backup::AUDIT_CHECKPOINTS => checkpoint_file.clone(),
                _ => data.join(&f.path),
            };
            let (size, sha) = backup::copy_file(&dir.join(&f.path), &to, &mut |n| bar.inc(n))?;
            if size != f.size || sha != f.sha256 {
                return Err(changed(&f.path));
            }
            #[cfg(unix)]
            if f.path == backup::AUDIT_KEY {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))?;
            }
        }
        bar.finish_and_clear();
        // An index left by an earlier deployment describes other data: it is rebuilt below.
        let index = data.join("search-index");
        if index.exists() {
            std::fs::remove_dir_all(&index)?;
        }
        Ok(())
    })
    .await?;

    // Opening migrates a snapshot taken by an older version up to this one.
    let store = Store::open(&url).await?;
    let version = backup::schema_version(&store).await?;
    store.close().await;
    say!(
        "已恢复：{}（{}，备份于 {}，结构版本 {version}），附件 {} 个。",
        config::redact_url(&url),
        engine.name(),
        manifest.created_at,
        manifest.files.len().saturating_sub(1)
    );
    reindex::run(config).await
}

/// A file that passed the check but read differently while being copied.
fn changed(path: &str) -> CliError {
    StoreError::BackupFile {
        path: path.to_owned(),
        problem: "在恢复过程中发生了变化".to_owned(),
    }
    .into()
}

/// Refuses a target that already holds data, unless `force`.
async fn check_empty(
    config: &Config,
    url: &str,
    engine: Engine,
    force: bool,
) -> Result<(), CliError> {
    if force {
        return Ok(());
    }
    let data = config.data.clone();
    if let Some(found) = blocking(move || Ok(backup::data_dir_in_use(&data)?)).await? {
        return Err(CliError::RestoreTargetInUse { found });
    }
    if engine == Engine::Postgres {
        let store = Store::connect(url).await?;
        let tables = backup::table_count(&store).await;
        store.close().await;
        let tables = tables?;
        if tables > 0 {
            return Err(CliError::RestoreTargetInUse {
                found: format!("数据库 {}（已有 {tables} 张表）", config::redact_url(url)),
            });
        }
    }
    Ok(())
}
