//! Calendar data an administrator adds (next year's national schedule each November, and a
//! site's regional holidays such as Xinjiang's 肉孜节 and 古尔邦节), on top of the national
//! schedules shipped in the domain crate. Each import is audited with what it replaced.

use gongkai_domain::calendar::{Calendar, RegionCode, YearSchedule};
use sqlx::Row;

use crate::{Actor, Result, Store, StoreError, audit, now, ts};

/// The scope of calendar data: national, or a region code.
pub const NATIONAL: &str = "national";

/// The calendar in force: shipped national years, then stored national years (which may add
/// or replace years), then stored regional years.
pub async fn load(store: &Store) -> Result<Calendar> {
    let mut cal = Calendar::national();
    // A short table read for every deadline dated (each public submission): on the read lane.
    let rows: Vec<StoredYear> = crate::sql::read(
        store,
        &crate::sql::Sql::new("SELECT scope, data FROM calendar_years ORDER BY scope, year"),
    )
    .await?;
    for StoredYear { scope, data } in rows {
        let year =
            YearSchedule::from_json(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if scope == NATIONAL {
            cal.insert_year(year)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        } else {
            let region =
                RegionCode::parse(&scope).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            cal.insert_regional_year(region, year)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
    }
    Ok(cal)
}

/// One stored year of calendar data: its scope and its schedule as JSON.
struct StoredYear {
    scope: String,
    data: String,
}

crate::column::from_row!(StoredYear => scope, data);

/// Adds or replaces one year of calendar data (`region` `None` = national), after checking it
/// against the calendar in force. Returns whether an earlier version was replaced.
pub async fn import_year(
    store: &Store,
    actor: &Actor,
    region: Option<&RegionCode>,
    json: &str,
) -> Result<bool> {
    let year = YearSchedule::from_json(json)?;
    let mut cal = load(store).await?;
    let replaced = match region {
        None => cal.insert_year(year.clone()),
        Some(r) => cal.insert_regional_year(r.clone(), year.clone()),
    }?;
    let scope = region.map_or(NATIONAL.to_owned(), |r| r.as_str().to_owned());
    let data = serde_json::to_string(&year).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = store.begin_write().await?;
    sqlx::query(
        "INSERT INTO calendar_years (scope, year, data, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, year) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
    )
    .bind(&scope)
    .bind(i64::from(year.year()))
    .bind(&data)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    audit::Change::new(
        "calendar.import",
        "calendar",
        format!("{scope}:{}", year.year()),
    )
    .with_detail(serde_json::json!({
        "days": year.days().len(),
        "replaced": replaced.as_ref().map(|r| r.days().len()),
    }))
    .commit(tx, store, actor)
    .await?;
    Ok(replaced.is_some())
}

/// Years with stored data, as `(scope, year, number of special days)`.
pub async fn stored_years(store: &Store) -> Result<Vec<(String, i64, usize)>> {
    let rows = sqlx::query("SELECT scope, year, data FROM calendar_years ORDER BY scope, year")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let data: String = r.try_get("data")?;
            let n = YearSchedule::from_json(&data)
                .map(|y| y.days().len())
                .unwrap_or(0);
            Ok((r.try_get("scope")?, r.try_get("year")?, n))
        })
        .collect()
}

/// How many open deadlines importing calendar data changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recomputed {
    /// Applications (依申请公开) whose due date changed.
    pub applications: usize,
    /// Messages (政民互动) whose provisional or missing due date changed.
    pub messages: usize,
}

/// Counts open deadlines again after calendar data changed: every open application, and every
/// open message whose date was provisional (暂定) or missing. Each kind is audited.
pub async fn recompute_deadlines(store: &Store, actor: &Actor) -> Result<Recomputed> {
    Ok(Recomputed {
        applications: crate::applications::recompute_open(store, actor).await?,
        messages: crate::messages::recompute_provisional(store, actor).await?,
    })
}
