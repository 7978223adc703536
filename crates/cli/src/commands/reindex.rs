//! `gongkai reindex`: rebuild the search index from the database (the index is derived data).

use crate::CliError;
use crate::commands::{ensure_data_dir, open_store, progress_bar};
use crate::config::Config;

/// Rebuilds the index in the data folder with a progress bar and says how long it took.
pub async fn run(config: &Config) -> Result<(), CliError> {
    let store = open_store(config).await?;
    ensure_data_dir(config)?;
    let index = gongkai_search::SearchIndex::open(config.data.join("search-index"))
        .map_err(|e| CliError::Config(format!("无法打开搜索索引：{e}")))?;
    let total = gongkai_store::records::searchable_ids(&store, 0, i64::MAX)
        .await?
        .len();
    let bar = progress_bar(total, "条");
    let started = std::time::Instant::now();
    let done =
        gongkai_jobs::search::rebuild(&store, &index, |n| bar.set_position(n as u64)).await?;
    bar.finish_and_clear();
    say!(
        "搜索索引已重建：{done} 条信息，用时 {:.1} 秒。",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
