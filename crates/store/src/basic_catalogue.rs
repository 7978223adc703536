//! The 主动公开基本目录 (`gongkai_domain::basic_catalogue`) as each site keeps it: its rows,
//! the organisations each row is assigned to, the published records filed under a row, and the
//! facts the timeliness page counts. Every change is audited and emitted on the change feed (the
//! public 目录 pages are cached).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::basic_catalogue::{
    Audience, DEFAULT_LIMIT_DAYS, Item, Level, Method, Tally, Timeliness, starting_drafts,
    timeliness,
};
use gongkai_domain::calendar::RegionCode;
use gongkai_domain::record::Visibility;
use gongkai_domain::time::{beijing_date, parse_storage_timestamp};
use serde::Serialize;
use sqlx::Row;

use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, audit, column, feed, now, ts};

/// A catalogue row as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueItem {
    /// Database id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: i64,
    /// 公开事项 一级.
    pub area: String,
    /// 公开事项 二级.
    pub subject: String,
    /// 公开内容（要素）.
    pub elements: String,
    /// 公开依据.
    pub basis: String,
    /// 公开时限 in working days.
    pub limit_days: i64,
    /// 公开主体.
    pub owner: String,
    /// 公开渠道和载体.
    pub channels: String,
    /// 公开对象.
    pub audience: Audience,
    /// 公开方式.
    pub method: Method,
    /// 公开层级.
    pub level: Level,
}

column::from_row!(CatalogueItem => id, site_id, area, subject, elements, basis, limit_days,
    owner, channels, audience, method, level);

const SELECT: &str = "SELECT id, site_id, area, subject, elements, basis, limit_days, owner, \
     channels, audience, method, level FROM catalogue_items";

/// The rows of the site `site_id`, by area and subject.
pub async fn items(store: &Store, site_id: i64) -> Result<Vec<CatalogueItem>> {
    sql::all(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE site_id = $1 ORDER BY area, subject, id"
        )))
        .bind(site_id),
        store.pool(),
    )
    .await
}

/// The row `id` of the site `site_id` (another site's row is not found).
pub async fn item(store: &Store, site_id: i64, id: i64) -> Result<CatalogueItem> {
    sql::one(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE id = $1 AND site_id = $2"
        )))
        .bind(id)
        .bind(site_id),
        store.pool(),
        "该目录事项",
    )
    .await
}

fn taken() -> StoreError {
    StoreError::conflict_with(ErrorCode::CatalogueItemExists, &[])
}

async fn insert(tx: &mut Tx, site_id: i64, item: &Item) -> Result<i64> {
    let at = ts(now());
    let id = sqlx::query_scalar(
        "INSERT INTO catalogue_items (site_id, area, subject, elements, basis, limit_days, owner,
            channels, audience, method, level, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(site_id)
    .bind(&item.area)
    .bind(&item.subject)
    .bind(&item.elements)
    .bind(&item.basis)
    .bind(i64::from(item.limit_days))
    .bind(&item.owner)
    .bind(&item.channels)
    .bind(item.audience.code())
    .bind(item.method.code())
    .bind(item.level.code())
    .bind(at)
    .fetch_one(&mut **tx)
    .await;
    match id {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

/// Adds a row to the site's catalogue (audited as `catalogue.item_add`); a row with the same
/// 一级 and 二级 is refused. Returns its id.
pub async fn add(store: &Store, actor: &Actor, site_id: i64, item: &Item) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    let id = insert(&mut tx, site_id, item).await?;
    feed::emit(&mut tx, "catalogue", &id.to_string(), "add").await?;
    audit::Change::new("catalogue.item_add", "catalogue_item", id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "area": item.area, "subject": item.subject }))
        .commit(tx, store, actor)
        .await?;
    Ok(id)
}

/// Changes the row `id` of the site (audited as `catalogue.item_save`).
pub async fn save(store: &Store, actor: &Actor, site_id: i64, id: i64, item: &Item) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE catalogue_items SET area = $1, subject = $2, elements = $3, basis = $4,
            limit_days = $5, owner = $6, channels = $7, audience = $8, method = $9, level = $10,
            updated_at = $11
         WHERE id = $12 AND site_id = $13",
    )
    .bind(&item.area)
    .bind(&item.subject)
    .bind(&item.elements)
    .bind(&item.basis)
    .bind(i64::from(item.limit_days))
    .bind(&item.owner)
    .bind(&item.channels)
    .bind(item.audience.code())
    .bind(item.method.code())
    .bind(item.level.code())
    .bind(ts(now()))
    .bind(id)
    .bind(site_id)
    .execute(&mut *tx)
    .await;
    let done = match done {
        Ok(d) => d,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(taken()),
        Err(e) => return Err(e.into()),
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "该目录事项".into(),
        });
    }
    feed::emit(&mut tx, "catalogue", &id.to_string(), "save").await?;
    audit::Change::new("catalogue.item_save", "catalogue_item", id.to_string())
        .in_org(site_id)
        .commit(tx, store, actor)
        .await
}

/// Adds the starting set (the 26 grassroots areas) to the site's catalogue, skipping rows it
/// already has; returns how many were added (audited as one `catalogue.seed`).
pub async fn add_starting_set(store: &Store, actor: &Actor, site_id: i64) -> Result<usize> {
    let mut tx = store.begin_write().await?;
    let mut added = 0;
    for draft in starting_drafts() {
        let item = draft.check()?;
        let exists = sql::exists(
            sqlx::query(
                "SELECT 1 FROM catalogue_items WHERE site_id = $1 AND area = $2 AND subject = $3",
            )
            .bind(site_id)
            .bind(&item.area)
            .bind(&item.subject),
            &mut *tx,
        )
        .await?;
        if !exists {
            insert(&mut tx, site_id, &item).await?;
            added += 1;
        }
    }
    feed::emit(&mut tx, "catalogue", &site_id.to_string(), "seed").await?;
    audit::Change::new("catalogue.seed", "catalogue_item", "starting_set")
        .in_org(site_id)
        .with_detail(serde_json::json!({ "added": added }))
        .commit(tx, store, actor)
        .await?;
    Ok(added)
}

/// The organisations the row `item_id` is assigned to.
pub async fn assigned_orgs(store: &Store, item_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT org_id FROM catalogue_item_orgs WHERE item_id = $1 ORDER BY org_id",
    )
    .bind(item_id)
    .fetch_all(store.pool())
    .await?)
}

/// Every assignment of the site's rows, as `(item id, organisation id)`.
pub async fn assignments(store: &Store, site_id: i64) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT a.item_id, a.org_id FROM catalogue_item_orgs a
         JOIN catalogue_items i ON i.id = a.item_id WHERE i.site_id = $1
         ORDER BY a.item_id, a.org_id",
    )
    .bind(site_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("item_id")?, r.try_get("org_id")?)))
        .collect()
}

/// Assigns the row `item_id` of the site to exactly `org_ids` (organisations of the site; the
/// caller checks the staff member's scope), audited as `catalogue.assign`.
pub async fn assign(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    item_id: i64,
    org_ids: &[i64],
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    item_in(&mut tx, site_id, item_id).await?;
    sqlx::query("DELETE FROM catalogue_item_orgs WHERE item_id = $1")
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    for org in org_ids {
        sqlx::query(
            "INSERT INTO catalogue_item_orgs (item_id, org_id)
             SELECT $1, id FROM organisations WHERE id = $2 AND site_id = $3
             ON CONFLICT (item_id, org_id) DO NOTHING",
        )
        .bind(item_id)
        .bind(org)
        .bind(site_id)
        .execute(&mut *tx)
        .await?;
    }
    feed::emit(&mut tx, "catalogue", &item_id.to_string(), "assign").await?;
    audit::Change::new("catalogue.assign", "catalogue_item", item_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "orgs": org_ids }))
        .commit(tx, store, actor)
        .await
}

async fn item_in(tx: &mut Tx, site_id: i64, item_id: i64) -> Result<()> {
    let found = sql::exists(
        sqlx::query("SELECT 1 FROM catalogue_items WHERE id = $1 AND site_id = $2")
            .bind(item_id)
            .bind(site_id),
        &mut **tx,
    )
    .await?;
    if found {
        Ok(())
    } else {
        Err(StoreError::NotFound {
            what: "该目录事项".into(),
        })
    }
}

/// A record filed under a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiledRecord {
    /// The row.
    pub item_id: i64,
    /// The record's id.
    pub record_id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// Its index number.
    pub index_no: String,
    /// Its title.
    pub title: String,
    /// Its 成文日期 (`YYYY-MM-DD`), if it has one.
    pub written_on: Option<String>,
    /// When it was published (storage timestamp).
    pub published_at: String,
}

column::from_row!(FiledRecord => item_id, record_id, org_id, index_no, title, written_on,
    published_at);

/// Files the published record with index number `index_no` of the site under the row
/// `item_id` (audited as `catalogue.file`); an unknown index number, or one of another site or
/// not published, is refused by name.
pub async fn file_record(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    item_id: i64,
    index_no: &str,
) -> Result<i64> {
    let mut tx = store.begin_write().await?;
    item_in(&mut tx, site_id, item_id).await?;
    let record = filable(&mut tx, site_id, index_no).await?;
    let Some((record, _)) = record else {
        return Err(StoreError::conflict_with(
            ErrorCode::CatalogueRecordUnknown,
            &[("index_no", &index_no.trim())],
        ));
    };
    sqlx::query(
        "INSERT INTO record_catalogue_items (record_id, item_id) VALUES ($1, $2)
         ON CONFLICT (record_id, item_id) DO NOTHING",
    )
    .bind(record)
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    feed::emit(&mut tx, "catalogue", &item_id.to_string(), "file").await?;
    audit::Change::new("catalogue.file", "catalogue_item", item_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "record": record, "index_no": index_no.trim() }))
        .commit(tx, store, actor)
        .await?;
    Ok(record)
}

/// The id and organisation of the site's published, 主动公开 record with index number
/// `index_no` (what the public sees, so what a row can count).
async fn filable(tx: &mut Tx, site_id: i64, index_no: &str) -> Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "SELECT id, org_id FROM records WHERE index_no = $1 AND site_id = $2
         AND status = 'published' AND disclosure = 'proactive'",
    )
    .bind(index_no.trim())
    .bind(site_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("org_id")?)))
        .transpose()
}

/// The organisation of the site's published record with index number `index_no`, if any (the
/// caller checks it is in the staff member's scope before filing).
pub async fn record_org(store: &Store, site_id: i64, index_no: &str) -> Result<Option<i64>> {
    let mut tx = store.begin_read().await?;
    let found = filable(&mut tx, site_id, index_no).await?;
    tx.commit().await?;
    Ok(found.map(|(_, org)| org))
}

/// Takes the record `record_id` out of the row `item_id` (audited as `catalogue.unfile`).
pub async fn unfile_record(
    store: &Store,
    actor: &Actor,
    site_id: i64,
    item_id: i64,
    record_id: i64,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    item_in(&mut tx, site_id, item_id).await?;
    sqlx::query("DELETE FROM record_catalogue_items WHERE record_id = $1 AND item_id = $2")
        .bind(record_id)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    feed::emit(&mut tx, "catalogue", &item_id.to_string(), "unfile").await?;
    audit::Change::new("catalogue.unfile", "catalogue_item", item_id.to_string())
        .in_org(site_id)
        .with_detail(serde_json::json!({ "record": record_id }))
        .commit(tx, store, actor)
        .await
}

/// Which filed records to read: all of the site's, or those of one row or one organisation,
/// optionally only those published in `[from, to)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filed {
    /// Only the records filed under this row.
    pub item: Option<i64>,
    /// Only the records of this organisation.
    pub org: Option<i64>,
    /// Only the records published in this window.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// The records of the site filed under its rows that the public may see at `at` (listed:
/// published, 主动公开, publication time passed), as `only` narrows them, by row and
/// publication time (a page reads only its row's or organisation's, not the whole site's).
pub async fn filed_records(
    store: &Store,
    site_id: i64,
    only: Filed,
    at: DateTime<Utc>,
) -> Result<Vec<FiledRecord>> {
    let mut q = Sql::new(
        "SELECT f.item_id, r.id AS record_id, r.org_id, r.index_no, r.title, r.written_on,
            r.published_at
         FROM record_catalogue_items f JOIN records r ON r.id = f.record_id
         JOIN catalogue_items i ON i.id = f.item_id
         WHERE i.site_id = ",
    );
    q.int(site_id);
    crate::records::push_visibility(&mut q, Visibility::LISTED, at);
    if let Some(item) = only.item {
        q.push(" AND f.item_id = ").int(item);
    }
    if let Some(org) = only.org {
        q.push(" AND r.org_id = ").int(org);
    }
    if let Some((from, to)) = only.window {
        q.push(" AND r.published_at >= ").text(ts(from));
        q.push(" AND r.published_at < ").text(ts(to));
    }
    q.push(" ORDER BY f.item_id, r.published_at DESC, r.id DESC");
    sql::all(q.query(), store.pool()).await
}

/// One office's standing on one row it is assigned, for a year.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// The row.
    pub item: CatalogueItem,
    /// The office.
    pub org_id: i64,
    /// Its publications on time, late and without 成文日期; none at all is missing.
    pub tally: Tally,
    /// The late ones, with the working days by which each was late.
    pub late: Vec<(FiledRecord, u32)>,
    /// Those without 成文日期.
    pub no_date: Vec<FiledRecord>,
}

impl Standing {
    /// Nothing published for the row in the year.
    pub fn missing(&self) -> bool {
        self.tally.missing()
    }
}

/// How each office of the site stood on each row assigned to it in the Beijing calendar year
/// `year`: its records filed under the row and published in the year, each counted against
/// the row's limit from its 成文日期 with the working-day calendar (the site's `region`'s
/// holidays where it has them).
pub async fn standings(
    store: &Store,
    site_id: i64,
    region: Option<&RegionCode>,
    year: i32,
    at: DateTime<Utc>,
) -> Result<Vec<Standing>> {
    let from = beijing_year_start(year);
    let to = beijing_year_start(year + 1);
    let items: BTreeMap<i64, CatalogueItem> = items(store, site_id)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let window = Filed {
        window: Some((from, to)),
        ..Filed::default()
    };
    let filed = filed_records(store, site_id, window, at).await?;
    let calendar = crate::calendar::load(store).await?;
    let mut out = Vec::new();
    for (item_id, org_id) in assignments(store, site_id).await? {
        let Some(item) = items.get(&item_id) else {
            continue;
        };
        let mut standing = Standing {
            item: item.clone(),
            org_id,
            tally: Tally::default(),
            late: Vec::new(),
            no_date: Vec::new(),
        };
        for r in filed
            .iter()
            .filter(|r| r.item_id == item_id && r.org_id == org_id)
        {
            let formed = r
                .written_on
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let published = parse_storage_timestamp(&r.published_at)
                .map(beijing_date)
                .ok_or_else(|| StoreError::Corrupt(format!("发布时间 {}", r.published_at)))?;
            let limit = u32::try_from(item.limit_days).unwrap_or(DEFAULT_LIMIT_DAYS);
            let t = timeliness(&calendar, region, formed, published, limit)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            standing.tally.add(t);
            match t {
                Timeliness::Late { by } => standing.late.push((r.clone(), by)),
                Timeliness::NoDate => standing.no_date.push(r.clone()),
                Timeliness::OnTime => {}
            }
        }
        out.push(standing);
    }
    Ok(out)
}

/// The instant a Beijing calendar year begins (16:00 UTC on 31 December before it).
fn beijing_year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| {
            t.and_local_timezone(gongkai_domain::time::beijing())
                .single()
        })
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}
