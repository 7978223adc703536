//! Demo data for `gongkai serve --demo`: 乌恰县人民政府 with the departments named in the county
//! plan and its townships, one account per role and the site footer (`sites`), then published
//! records, the county's own documents with attachments (`records`, `county`), laws republished
//! from the corpus (`reprints`), applications for disclosure (`applications`), messages
//! (`messages`), consultations (`consultations`), public-opinion events (`opinions`), key tasks
//! (`tasks`), open-data datasets with generated CSV/XLSX resources (`open_data`), the typed lists (`lists`: 权力清单, 办事指南, 执法公示, a 低保 公示) and the 2026 openness assessment with its 社会评议 (`scorecard`). Every part goes
//! through the store's real use cases, so the states it shows are reached by the rules.

mod applications;
mod catalogue;
mod consultations;
mod county;
mod lists;
mod messages;
mod open_data;
mod opinions;
mod records;
mod reprints;
mod scorecard;
mod sites;
mod tasks;

use chrono::{DateTime, TimeZone, Utc};
use gongkai_domain::org::OrgCode;
use gongkai_domain::time::beijing;
use gongkai_domain::user::NewPassword;
use gongkai_store::orgs::{self, Organisation};
use gongkai_store::{Actor, Store};

pub use records::DemoContent;
pub use sites::{DEPARTMENTS, DemoAccount, TOWNSHIPS};

use crate::CliError;

/// Loads the demo into an empty database, part by part in dependency order; `password` is used
/// for every demo account, and generated attachments are stored under `data_dir`.
pub async fn load(
    store: &Store,
    password: &NewPassword,
    data_dir: &std::path::Path,
) -> Result<(Vec<DemoAccount>, DemoContent), CliError> {
    let staff = sites::load(store, password).await?;
    let content = records::load(store, &staff, data_dir).await?;
    open_data::load(store, &staff, data_dir).await?;
    lists::load(
        store,
        &staff,
        gongkai_domain::time::beijing_date(Utc::now()),
    )
    .await?;
    catalogue::load(store, gongkai_domain::time::beijing_date(Utc::now())).await?;
    applications::load(store).await?;
    messages::load(store).await?;
    consultations::load(store).await?;
    opinions::load(store).await?;
    tasks::load(
        store,
        &staff,
        gongkai_domain::time::beijing_date(Utc::now()),
    )
    .await?;
    scorecard::load(
        store,
        data_dir,
        gongkai_domain::time::beijing_date(Utc::now()),
    )
    .await?;
    Ok((staff.accounts, content))
}

/// A Beijing wall-clock minute as UTC: demo dates are written as the county reads them.
fn beijing_at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    beijing()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// The demo organisation with `code`.
async fn org(store: &Store, code: &str) -> Result<Organisation, CliError> {
    Ok(orgs::by_code(store, &OrgCode::parse(code)?).await?)
}

/// A demo account acting from the command line (no address).
fn user(username: &str) -> Actor {
    Actor::user(username, "")
}
