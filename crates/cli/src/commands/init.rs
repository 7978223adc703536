//! `gongkai init`: create the data folder and the database, or bring an existing one up to date.

use crate::CliError;
use crate::commands::open_store;
use crate::config::{self, Config};

/// Opens (and so migrates) the store and says what is ready and what to do next.
pub async fn run(config: &Config) -> Result<(), CliError> {
    let store = open_store(config).await?;
    let empty = store.is_empty().await?;
    say!(
        "数据库已就绪（{}，结构版本 {}）：{}",
        store.engine().name(),
        gongkai_store::migrate::latest_version(),
        config::redact_url(&config.database_url())
    );
    if empty {
        say!("数据库为空。下一步：gongkai org add --code 代码 --name 本级政府名称");
    }
    store.close().await;
    Ok(())
}
