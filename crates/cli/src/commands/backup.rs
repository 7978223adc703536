//! `gongkai backup --to DIR`: a consistent copy of the running deployment — the database
//! snapshot, every attachment, and a manifest of sizes and SHA-256 hashes.

use std::path::{Path, PathBuf};

use clap::Args;
use gongkai_store::backup::{self, Manifest, ManifestFile};
use gongkai_store::{Engine, Store};

use crate::CliError;
use crate::commands::{blocking, byte_bar, spinner};
use crate::config::Config;

/// Options of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份保存到的文件夹（不存在时自动新建；已存在时必须为空），如 /srv/backup/gongkai-2026-12-03
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
}

/// Takes the backup into a new (or empty) folder; on failure the partial folder is removed.
pub async fn run(config: &Config, args: BackupArgs) -> Result<(), CliError> {
    let dir = args.to;
    let default_sqlite = config
        .database_url
        .as_deref()
        .is_none_or(|u| u.trim().is_empty());
    let db_file = config.data.join("gongkai.db");
    if default_sqlite && !db_file.is_file() {
        // Connecting would create an empty database and back that up: a wrong --data says so.
        return Err(CliError::NothingToBackUp {
            path: db_file.display().to_string(),
        });
    }
    prepare_target(&dir)?;
    // Connect without migrating: a backup changes nothing in the deployment.
    let store = Store::connect(&config.database_url()).await?;
    let started = std::time::Instant::now();
    let result = take(config, &store, &dir).await;
    store.close().await;
    match result {
        Ok(manifest) => {
            say!(
                "备份完成：{}（{}，结构版本 {}，数据库快照与 {} 个附件文件，共 {:.1} MB，用时 {:.1} 秒）。",
                dir.display(),
                manifest.engine.name(),
                manifest.schema_version,
                manifest.files.len().saturating_sub(1),
                manifest.total_bytes() as f64 / 1_048_576.0,
                started.elapsed().as_secs_f64()
            );
            say!("恢复：gongkai restore --from {}", dir.display());
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

/// Creates the target folder, refusing one that exists and is not empty.
fn prepare_target(dir: &Path) -> Result<(), CliError> {
    let refuse = |reason: &str| CliError::BackupTarget {
        path: dir.display().to_string(),
        reason: reason.to_owned(),
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(refuse("该路径是文件，不是文件夹"));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| refuse(&e.to_string()))?;
        if entries.next().is_some() {
            return Err(refuse(
                "文件夹不是空的；为免覆盖已有备份，请指定一个新的文件夹",
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| refuse(&e.to_string()))
}

/// The snapshot first, then the blobs (never deleted, so every attachment the snapshot names
/// is on disk by then), then the manifest.
async fn take(config: &Config, store: &Store, dir: &Path) -> Result<Manifest, CliError> {
    let engine = store.engine();
    let schema_version = backup::schema_version(store).await?;
    // The audit files first: a checkpoint copied now is of a head the snapshot below holds.
    let audit_files = {
        let sources = [
            (config.audit_key_file(), backup::AUDIT_KEY),
            (config.audit_checkpoint_file(), backup::AUDIT_CHECKPOINTS),
        ];
        let target = dir.to_path_buf();
        blocking(move || {
            let mut out = Vec::new();
            for (source, name) in sources {
                if source.is_file() {
                    let copy = target.join(name);
                    let (size, sha256) = backup::copy_file(&source, &copy, &mut |_| {})?;
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600))?;
                    }
                    out.push(ManifestFile {
                        path: name.to_owned(),
                        size,
                        sha256,
                    });
                }
            }
            Ok(out)
        })
        .await?
    };
    let snapshot = dir.join(Manifest::snapshot_name(engine));
    let wait = spinner("正在生成数据库快照……");
    match engine {
        Engine::Sqlite => backup::snapshot_sqlite(store, &snapshot).await?,
        Engine::Postgres => {
            let (url, dest) = (config.database_url(), snapshot.clone());
            blocking(move || Ok(backup::pg_dump(&url, &dest)?)).await?;
        }
    }
    wait.finish_and_clear();
    // Read after the snapshot: a blob is written before the row naming it, so every blob listed
    // here is on disk by the time the folder is listed below.
    let referenced = backup::referenced_blobs(store).await?;

    let data = config.data.clone();
    let target = dir.to_path_buf();
    let snapshot_name = Manifest::snapshot_name(engine);
    let files = blocking(move || {
        let blobs = backup::blobs(&data)?;
        let on_disk: std::collections::HashSet<&str> = blobs.iter().map(|b| b.0.as_str()).collect();
        let missing: Vec<&String> = referenced
            .iter()
            .filter(|r| !on_disk.contains(r.as_str()))
            .collect();
        if let Some(first) = missing.first() {
            eprintln!(
                "警告：数据库引用的 {} 个附件文件不在数据文件夹 {} 中（如 {first}），\
                 备份中也没有它们；请检查 --data 是否为门户使用的数据文件夹。",
                missing.len(),
                data.display()
            );
        }
        let snapshot_size = std::fs::metadata(target.join(snapshot_name))
            .map(|m| m.len())
            .unwrap_or(0);
        let total = snapshot_size + blobs.iter().map(|b| b.1).sum::<u64>();
        let bar = byte_bar(total).with_message("备份文件");
        let mut tick = |n: u64| bar.inc(n);
        let (size, sha256) = backup::hash_file(&target.join(snapshot_name), &mut tick)?;
        let mut files = vec![ManifestFile {
            path: snapshot_name.to_owned(),
            size,
            sha256,
        }];
        for (rel, _) in blobs {
            let copy = target.join(&rel);
            let (size, sha256) = backup::copy_file(&data.join(&rel), &copy, &mut tick)?;
            if !rel.ends_with(&sha256) {
                // A blob's name is its hash: one that no longer matches was damaged on disk.
                let _ = std::fs::remove_file(&copy);
                bar.suspend(|| {
                    eprintln!("警告：附件文件 {rel} 的内容与文件名不符（已损坏），未放入备份。")
                });
                continue;
            }
            files.push(ManifestFile { path: rel, size, sha256 });
        }
        bar.finish_and_clear();
        files.extend(audit_files);
        Ok(files)
    })
    .await?;

    let manifest = Manifest {
        format: backup::FORMAT,
        gongkai_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        engine,
        schema_version,
        files,
    };
    manifest.write(dir)?;
    Ok(manifest)
}
