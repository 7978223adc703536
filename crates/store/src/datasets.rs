//! Open-data datasets (`gongkai_domain::dataset`): kept per site with their open-data themes,
//! tags and resources, reviewed like records, searched with facets for the public catalogue and
//! the CKAN Action API, and written by staff in the back office or by CKAN clients with an API
//! token. Every change is one write transaction with its audit entry (in the owning
//! organisation's site) and a `dataset` row on the change feed, so the page caches follow.
//! Downloads are counted per resource; a count is not a state change and is not audited.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::dataset::{
    self as rules, DatasetStatus, Frequency, MAX_RESOURCES, NewDataset, Openness, ReviewStep,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::sql::{self, Sql};
use crate::{Actor, Result, Store, StoreError, Tx, audit, column, feed, now, ts};

/// A dataset as stored, with its organisation, themes, tags and resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dataset {
    /// Database id.
    pub id: i64,
    /// Its public id (CKAN's `id`), a UUID.
    pub uuid: String,
    /// The site it belongs to.
    pub site_id: i64,
    /// The organisation that provides it.
    pub org_id: i64,
    /// Its organ code.
    pub org_code: String,
    /// Its name.
    pub org_name: String,
    /// The slug (CKAN's `name`).
    pub name: String,
    /// The title.
    pub title: String,
    /// The description (CKAN's `notes`).
    pub notes: String,
    /// The site's 主题分类 code, or empty.
    pub theme: String,
    /// The licence id.
    pub license_id: String,
    /// The update frequency.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub frequency: Frequency,
    /// The first day covered.
    pub temporal_start: Option<NaiveDate>,
    /// The last day covered.
    pub temporal_end: Option<NaiveDate>,
    /// The area covered.
    pub spatial: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's telephone or e-mail.
    pub contact: String,
    /// The version.
    pub version: String,
    /// 开放属性.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub openness: Openness,
    /// The conditions of a conditionally open dataset.
    pub conditions: String,
    /// The legal ground of a dataset not opened.
    pub legal_ground: String,
    /// Where its review stands.
    #[serde(serialize_with = "crate::column::ser_code")]
    pub status: DatasetStatus,
    /// Who wrote it (user id).
    pub author_id: i64,
    /// Who wrote it (user name).
    pub author_name: String,
    /// Who reviewed it last.
    pub reviewer_name: String,
    /// Why it was returned.
    pub return_reason: String,
    /// When it was created.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub created_at: DateTime<Utc>,
    /// Its last change (CKAN's `metadata_modified`).
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub updated_at: DateTime<Utc>,
    /// When it was last approved.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub published_at: Option<DateTime<Utc>>,
    /// Open-data theme codes, in display order.
    pub groups: Vec<String>,
    /// Tags, alphabetically.
    pub tags: Vec<String>,
    /// Resources, in the order they were added.
    pub resources: Vec<Resource>,
}

column::from_row!(Dataset(row) => id, uuid, site_id, org_id, org_code, org_name, name, title,
    notes, theme, license_id, frequency, temporal_start, temporal_end, spatial, contact_name,
    contact, version, openness, conditions, legal_ground, status, author_id, author_name,
    reviewer_name, return_reason, created_at, updated_at, published_at;
    groups: Vec::new(), tags: Vec::new(), resources: Vec::new());

const SELECT: &str = "SELECT d.id, d.uuid, d.site_id, d.org_id, o.code AS org_code, \
     o.name AS org_name, d.name, d.title, d.notes, d.theme, d.license_id, d.frequency, \
     d.temporal_start, d.temporal_end, d.spatial, d.contact_name, d.contact, d.version, \
     d.openness, d.conditions, d.legal_ground, d.status, d.author_id, d.author_name, \
     d.reviewer_name, d.return_reason, d.created_at, d.updated_at, d.published_at \
     FROM datasets d JOIN organisations o ON o.id = d.org_id";

/// One resource of a dataset: an uploaded file (kept as a blob) or a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Database id.
    pub id: i64,
    /// Its public id (CKAN's resource `id`), a UUID.
    pub uuid: String,
    /// Its dataset.
    pub dataset_id: i64,
    /// Its place in the dataset's list.
    pub position: i64,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its format (`CSV`, `XLSX`, `JSON`, `PDF`, or what a link's author typed).
    pub format: String,
    /// The link, for a linked resource; empty for an uploaded one.
    pub url: String,
    /// The uploaded file's SHA-256 (the blob), for an uploaded resource.
    pub sha256: Option<String>,
    /// The uploaded file's name.
    pub file_name: String,
    /// The uploaded file's size in bytes.
    pub size: Option<i64>,
    /// How many times it was downloaded here.
    pub downloads: i64,
    /// When it was added.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub created_at: DateTime<Utc>,
    /// When its file or link last changed.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub last_modified: DateTime<Utc>,
    /// Whether its rows are in the datastore (a CSV or XLSX file loaded into a table that
    /// `datastore_search` reads).
    pub datastore_active: bool,
}

column::from_row!(Resource => id, uuid, dataset_id, position, name, description, format, url,
    sha256, file_name, size, downloads, created_at, last_modified, datastore_active);

/// What of a resource the public may see — the one rule the dataset page, DCAT and the CKAN
/// dictionaries follow: only an unconditionally open (无条件开放) dataset gives its download
/// address, a link's address and an uploaded file's checksum (a checksum is also a blob's key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicResource<'a> {
    /// The counted download address (site-relative): the file, or a redirect to the link.
    pub download: Option<String>,
    /// A linked resource's own address.
    pub link: Option<&'a str>,
    /// An uploaded file's SHA-256.
    pub sha256: Option<&'a str>,
}

impl Dataset {
    /// What of `r`, one of this dataset's resources, the public may see.
    pub fn public_resource<'a>(&self, r: &'a Resource) -> PublicResource<'a> {
        if self.openness != Openness::Unconditional {
            return PublicResource {
                download: None,
                link: None,
                sha256: None,
            };
        }
        PublicResource {
            download: Some(gongkai_domain::urls::resource_download(&self.name, &r.uuid)),
            link: r.sha256.is_none().then_some(r.url.as_str()),
            sha256: r.sha256.as_deref(),
        }
    }
}

const RESOURCE_COLUMNS: &str = "id, uuid, dataset_id, position, name, description, format, url, \
     sha256, file_name, size, downloads, created_at, last_modified, \
     (SELECT COUNT(*) FROM datastore_tables t WHERE t.resource_id = dataset_resources.id \
      AND t.status = 'active') AS datastore_active";

/// Who writes a dataset: the member of staff's user id and name.
#[derive(Debug, Clone)]
pub struct Author {
    /// User id.
    pub id: i64,
    /// User name.
    pub name: String,
}

/// Where a new resource's content is.
#[derive(Debug, Clone)]
pub enum Source {
    /// An uploaded file, already stored as a blob.
    File {
        /// The blob's SHA-256.
        sha256: String,
        /// The file's name as uploaded (cleaned).
        file_name: String,
        /// Its size in bytes.
        size: i64,
    },
    /// A checked `http`/`https` link.
    Link(String),
}

/// A checked resource to add.
#[derive(Debug, Clone)]
pub struct NewResource {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its format (decided by content for a file).
    pub format: String,
    /// Its content.
    pub source: Source,
}

/// Which datasets a reader sees.
#[derive(Debug, Clone, Default)]
pub enum Visibility {
    /// Published ones only (the public, a CKAN client without a token).
    #[default]
    Published,
    /// Published ones and every dataset of these organisations (staff, a token's owner).
    Staff(Vec<i64>),
}

/// The sort orders the catalogue and `package_search` offer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Last changed first (CKAN's `metadata_modified desc`, the default).
    #[default]
    ModifiedDesc,
    /// Oldest change first.
    ModifiedAsc,
    /// By title (CKAN's `title_string asc`).
    TitleAsc,
    /// By title, backwards.
    TitleDesc,
    /// By name (slug).
    NameAsc,
    /// By name, backwards.
    NameDesc,
}

impl Sort {
    /// Parses CKAN's `sort` parameter (`metadata_modified desc`, `title_string asc`, `name asc`,
    /// `score desc, metadata_modified desc` …); `None` for one it does not offer.
    pub fn parse_ckan(raw: &str) -> Option<Self> {
        let norm: Vec<String> = raw
            .split(',')
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty() && !p.starts_with("score"))
            .collect();
        match norm.first().map(String::as_str) {
            None => Some(Self::ModifiedDesc),
            Some("metadata_modified desc") => Some(Self::ModifiedDesc),
            Some("metadata_modified asc") => Some(Self::ModifiedAsc),
            Some("title_string asc" | "title_string") => Some(Self::TitleAsc),
            Some("title_string desc") => Some(Self::TitleDesc),
            Some("name asc" | "name") => Some(Self::NameAsc),
            Some("name desc") => Some(Self::NameDesc),
            _ => None,
        }
    }

    /// The sort as CKAN spells it.
    pub fn ckan(self) -> &'static str {
        match self {
            Self::ModifiedDesc => "metadata_modified desc",
            Self::ModifiedAsc => "metadata_modified asc",
            Self::TitleAsc => "title_string asc",
            Self::TitleDesc => "title_string desc",
            Self::NameAsc => "name asc",
            Self::NameDesc => "name desc",
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            Self::ModifiedDesc => " ORDER BY d.updated_at DESC, d.id DESC",
            Self::ModifiedAsc => " ORDER BY d.updated_at, d.id",
            Self::TitleAsc => " ORDER BY d.title, d.id",
            Self::TitleDesc => " ORDER BY d.title DESC, d.id DESC",
            Self::NameAsc => " ORDER BY d.name",
            Self::NameDesc => " ORDER BY d.name DESC",
        }
    }
}

/// The fields a search is filtered and faceted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The providing organisation's code (CKAN's `organization`).
    Organization,
    /// Open-data themes (CKAN's `groups`).
    Groups,
    /// Tags.
    Tags,
    /// Resource formats (CKAN's `res_format`).
    ResFormat,
    /// The licence id.
    LicenseId,
    /// 开放属性 (our `open_condition`).
    OpenCondition,
}

impl Field {
    /// Every field, in the catalogue's order.
    pub const ALL: [Field; 6] = [
        Self::Organization,
        Self::Groups,
        Self::ResFormat,
        Self::LicenseId,
        Self::OpenCondition,
        Self::Tags,
    ];

    /// The field's CKAN name.
    pub fn ckan(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Groups => "groups",
            Self::Tags => "tags",
            Self::ResFormat => "res_format",
            Self::LicenseId => "license_id",
            Self::OpenCondition => "open_condition",
        }
    }

    /// The field a CKAN name names.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.ckan() == raw.trim())
    }
}

/// A search of a site's catalogue.
#[derive(Debug, Clone, Default)]
pub struct DatasetQuery {
    /// The site.
    pub site_id: i64,
    /// Who reads.
    pub visibility: Visibility,
    /// Words each found dataset holds in its title, description, name or a tag.
    pub words: Vec<String>,
    /// `(field, value)` terms each found dataset matches.
    pub terms: Vec<(Field, String)>,
    /// The order.
    pub sort: Sort,
    /// How many to return.
    pub rows: i64,
    /// How many to skip.
    pub start: i64,
    /// When set, only these datasets (the ones the site search found for the text query).
    pub ids: Option<Vec<i64>>,
}

/// The most words and terms one search may hold.
pub const MAX_QUERY_TERMS: usize = 32;

/// The most dataset ids a search may be restricted to.
pub const MAX_FOUND_IDS: usize = 1000;

/// `%word%` for a `LIKE … ESCAPE '\'`, the word lower-cased and its wildcards escaped.
fn like(word: &str) -> String {
    let mut out = String::from("%");
    for c in word.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl DatasetQuery {
    /// Appends ` WHERE …` selecting the query's datasets (alias `d`).
    fn filter(&self, q: &mut Sql) {
        q.push(" WHERE d.site_id = ").int(self.site_id);
        match &self.visibility {
            Visibility::Published => {
                q.push(" AND d.status = ")
                    .text(DatasetStatus::Published.code());
            }
            Visibility::Staff(orgs) => {
                q.push(" AND (d.status = ")
                    .text(DatasetStatus::Published.code());
                if !orgs.is_empty() {
                    q.push(" OR d.org_id IN ").int_list(orgs.iter().copied());
                }
                q.push(")");
            }
        }
        match self.ids.as_deref() {
            None => {}
            Some([]) => {
                q.push(" AND 1 = 0");
            }
            Some(ids) => {
                q.push(" AND d.id IN ")
                    .int_list(ids.iter().copied().take(MAX_FOUND_IDS));
            }
        }
        for w in self.words.iter().take(MAX_QUERY_TERMS) {
            let pattern = like(w);
            q.push(" AND (LOWER(d.title) LIKE ")
                .text(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(d.notes) LIKE ")
                .text(pattern.clone())
                .push(" ESCAPE '\\' OR d.name LIKE ")
                .text(pattern.clone())
                .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM dataset_tags t WHERE t.dataset_id = d.id AND LOWER(t.tag) LIKE ")
                .text(pattern)
                .push(" ESCAPE '\\'))");
        }
        for (field, value) in self.terms.iter().take(MAX_QUERY_TERMS) {
            let value = value.trim();
            match field {
                Field::Organization => {
                    q.push(" AND d.org_id IN (SELECT id FROM organisations WHERE UPPER(code) = ")
                        .text(value.to_uppercase())
                        .push(")");
                }
                Field::Groups => {
                    q.push(" AND EXISTS (SELECT 1 FROM dataset_groups g WHERE g.dataset_id = d.id AND g.theme = ")
                        .text(value)
                        .push(")");
                }
                Field::Tags => {
                    q.push(" AND EXISTS (SELECT 1 FROM dataset_tags t WHERE t.dataset_id = d.id AND t.tag = ")
                        .text(value)
                        .push(")");
                }
                Field::ResFormat => {
                    q.push(" AND EXISTS (SELECT 1 FROM dataset_resources r WHERE r.dataset_id = d.id AND UPPER(r.format) = ")
                        .text(value.to_uppercase())
                        .push(")");
                }
                Field::LicenseId => {
                    q.push(" AND d.license_id = ").text(value);
                }
                Field::OpenCondition => {
                    let code = Openness::parse(value).map_or(value, |o| o.code());
                    q.push(" AND d.openness = ").text(code);
                }
            }
        }
    }
}

/// One value of a facet with the number of datasets found that hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value (an organ code, a theme code, a tag, a format, a licence id, an openness code).
    pub value: String,
    /// How many datasets found hold it.
    pub count: i64,
}

column::from_row!(FacetCount => value, count);

/// What a search finds: how many in all, and the page asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// Every dataset the query selects.
    pub count: i64,
    /// The page, each with its themes, tags and resources.
    pub datasets: Vec<Dataset>,
}

/// Searches the catalogue: the count of every dataset `query` selects and its page.
pub async fn search(store: &Store, query: &DatasetQuery) -> Result<Found> {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM datasets d");
    query.filter(&mut count);
    let n: i64 = count.query().fetch_one(store.pool()).await?.try_get("n")?;
    let mut page = Sql::new(SELECT);
    query.filter(&mut page);
    page.push(query.sort.order_by())
        .push(" LIMIT ")
        .int(query.rows.clamp(0, 1000))
        .push(" OFFSET ")
        .int(query.start.max(0));
    let datasets = sql::all(page.query(), store.pool()).await?;
    Ok(Found {
        count: n,
        datasets: fill(store, datasets).await?,
    })
}

/// The values of `field` among the datasets `query` selects, most frequent first (then by
/// value), at most `limit` of them.
pub async fn facet(
    store: &Store,
    query: &DatasetQuery,
    field: Field,
    limit: i64,
) -> Result<Vec<FacetCount>> {
    let (value, from) = match field {
        Field::Organization => (
            "o.code",
            "datasets d JOIN organisations o ON o.id = d.org_id",
        ),
        Field::Groups => (
            "g.theme",
            "dataset_groups g JOIN datasets d ON d.id = g.dataset_id",
        ),
        Field::Tags => (
            "t.tag",
            "dataset_tags t JOIN datasets d ON d.id = t.dataset_id",
        ),
        Field::ResFormat => (
            "UPPER(r.format)",
            "dataset_resources r JOIN datasets d ON d.id = r.dataset_id",
        ),
        Field::LicenseId => ("d.license_id", "datasets d"),
        Field::OpenCondition => ("d.openness", "datasets d"),
    };
    let mut q = Sql::new(format!(
        "SELECT {value} AS value, COUNT(DISTINCT d.id) AS count FROM {from}"
    ));
    query.filter(&mut q);
    if field == Field::ResFormat {
        q.push(" AND r.format <> ''");
    }
    q.push(&format!(
        " GROUP BY {value} ORDER BY count DESC, value LIMIT "
    ))
    .int(limit.clamp(0, 1000));
    let mut counts: Vec<FacetCount> = sql::all(q.query(), store.pool()).await?;
    // The engines collate text differently; ties are put in code-point order here.
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    Ok(counts)
}

/// Reads the themes, tags and resources of `datasets` (one query each for the whole page).
async fn fill(store: &Store, mut datasets: Vec<Dataset>) -> Result<Vec<Dataset>> {
    let ids: Vec<i64> = datasets.iter().map(|d| d.id).collect();
    if ids.is_empty() {
        return Ok(datasets);
    }
    let mut q = Sql::new("SELECT dataset_id, theme FROM dataset_groups WHERE dataset_id IN ");
    q.int_list(ids.iter().copied()).push(" ORDER BY theme");
    for row in q.query().fetch_all(store.pool()).await? {
        let id: i64 = row.try_get("dataset_id")?;
        if let Some(d) = datasets.iter_mut().find(|d| d.id == id) {
            d.groups.push(row.try_get("theme")?);
        }
    }
    let mut q = Sql::new("SELECT dataset_id, tag FROM dataset_tags WHERE dataset_id IN ");
    q.int_list(ids.iter().copied()).push(" ORDER BY tag");
    for row in q.query().fetch_all(store.pool()).await? {
        let id: i64 = row.try_get("dataset_id")?;
        if let Some(d) = datasets.iter_mut().find(|d| d.id == id) {
            d.tags.push(row.try_get("tag")?);
        }
    }
    let mut q = Sql::new(format!(
        "SELECT {RESOURCE_COLUMNS} FROM dataset_resources WHERE dataset_id IN "
    ));
    q.int_list(ids.iter().copied())
        .push(" ORDER BY dataset_id, position, id");
    let resources: Vec<Resource> = sql::all_in(&ids, &q, store.pool()).await?;
    for r in resources {
        if let Some(d) = datasets.iter_mut().find(|d| d.id == r.dataset_id) {
            d.resources.push(r);
        }
    }
    Ok(datasets)
}

/// The dataset `id` with its themes, tags and resources.
pub async fn get(store: &Store, id: i64) -> Result<Dataset> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE d.id = ").int(id);
    let d: Dataset = sql::one(q.query(), store.pool(), "该数据集").await?;
    Ok(fill(store, vec![d]).await?.remove(0))
}

/// The dataset of site `site_id` whose public id (UUID) or name is `key`, if there is one.
pub async fn find(store: &Store, site_id: i64, key: &str) -> Result<Option<Dataset>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE d.site_id = ")
        .int(site_id)
        .push(" AND (d.uuid = ")
        .text(key.trim())
        .push(" OR d.name = ")
        .text(key.trim())
        .push(")");
    match sql::optional::<Dataset>(q.query(), store.pool()).await? {
        Some(d) => Ok(Some(fill(store, vec![d]).await?.remove(0))),
        None => Ok(None),
    }
}

/// The names of the published datasets of site `site_id`, alphabetically, `limit` from
/// `offset` (CKAN's `package_list`).
pub async fn published_names(
    store: &Store,
    site_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT name FROM datasets WHERE site_id = $1 AND status = $2 ORDER BY name LIMIT $3 OFFSET $4",
    )
    .bind(site_id)
    .bind(DatasetStatus::Published.code())
    .bind(limit.clamp(0, 100_000))
    .bind(offset.max(0))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| r.try_get("name").map_err(StoreError::from))
        .collect()
}

/// Every dataset of the organisations `org_ids` on site `site_id` (at most 1,000), last changed
/// first, with their themes, tags and resources: the back office's list.
pub async fn of_orgs(store: &Store, site_id: i64, org_ids: &[i64]) -> Result<Vec<Dataset>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE d.site_id = ")
        .int(site_id)
        .push(" AND d.org_id IN ")
        .int_list(org_ids.iter().copied())
        .push(" ORDER BY d.updated_at DESC, d.id DESC LIMIT 1000");
    let found = sql::all_in(org_ids, &q, store.pool()).await?;
    fill(store, found).await
}

/// The resource whose public id (UUID) is `uuid`, with the id of its dataset.
pub async fn resource(store: &Store, uuid: &str) -> Result<Option<Resource>> {
    sql::optional(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RESOURCE_COLUMNS} FROM dataset_resources WHERE uuid = $1"
        )))
        .bind(uuid.trim()),
        store.pool(),
    )
    .await
}

/// Counts one download of resource `id`.
pub async fn count_download(store: &Store, id: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE dataset_resources SET downloads = downloads + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn check_name(tx: &mut Tx, site_id: i64, name: &str, except: i64) -> Result<()> {
    let taken = sql::exists(
        sqlx::query("SELECT 1 FROM datasets WHERE site_id = $1 AND name = $2 AND id <> $3")
            .bind(site_id)
            .bind(name)
            .bind(except),
        &mut **tx,
    )
    .await?;
    if taken {
        return Err(StoreError::conflict_with(
            ErrorCode::DatasetNameTaken,
            &[("name", &name)],
        ));
    }
    Ok(())
}

async fn check_theme(store: &Store, site_id: i64, theme: &str) -> Result<()> {
    if theme.is_empty() {
        return Ok(());
    }
    let themes = crate::themes::list(store, site_id).await?;
    if themes.iter().any(|t| t.code == theme) {
        Ok(())
    } else {
        Err(StoreError::conflict_with(
            ErrorCode::DatasetThemeUnknown,
            &[("theme", &theme.chars().take(40).collect::<String>())],
        ))
    }
}

async fn set_lists(tx: &mut Tx, id: i64, new: &NewDataset) -> Result<()> {
    for table in ["dataset_groups", "dataset_tags"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE dataset_id = $1"
        )))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    for g in &new.groups {
        sqlx::query("INSERT INTO dataset_groups (dataset_id, theme) VALUES ($1, $2)")
            .bind(id)
            .bind(g.code())
            .execute(&mut **tx)
            .await?;
    }
    for t in &new.tags {
        sqlx::query("INSERT INTO dataset_tags (dataset_id, tag) VALUES ($1, $2)")
            .bind(id)
            .bind(t.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn detail(new: &NewDataset) -> serde_json::Value {
    serde_json::json!({
        "name": new.name.as_str(), "title": new.title, "license_id": new.license.id,
        "openness": new.openness.code(),
        "groups": new.groups.iter().map(|g| g.code()).collect::<Vec<_>>(), "tags": new.tags,
    })
}

/// Writes the feed row and the audit entry (in the organisation `org_id`'s site) of a change to
/// dataset `id`, and commits.
async fn finish(
    mut tx: Tx,
    store: &Store,
    actor: &Actor,
    change: audit::Change<'_>,
    org_id: i64,
    id: i64,
) -> Result<()> {
    feed::emit(&mut tx, "dataset", &id.to_string(), change.action).await?;
    change.in_org(org_id).commit(tx, store, actor).await
}

/// Records `new` on site `site_id`, provided by organisation `org_id` and written by `author`:
/// a draft, or already submitted for review when `submit` (a CKAN client's `package_create`).
/// A name taken on the site or an unknown 主题分类 is refused. Audited as `dataset.create`.
pub async fn create(
    store: &Store,
    actor: &Actor,
    author: &Author,
    site_id: i64,
    org_id: i64,
    new: &NewDataset,
    submit: bool,
) -> Result<Dataset> {
    check_theme(store, site_id, &new.theme).await?;
    let mut tx = store.begin_write().await?;
    check_name(&mut tx, site_id, new.name.as_str(), 0).await?;
    let at = ts(now());
    let status = if submit {
        DatasetStatus::Submitted
    } else {
        DatasetStatus::Draft
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO datasets (uuid, site_id, org_id, name, title, notes, theme, license_id,
            frequency, temporal_start, temporal_end, spatial, contact_name, contact, version,
            openness, conditions, legal_ground, status, author_id, author_name, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $19, $20, $21, $22, $22) RETURNING id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(site_id)
    .bind(org_id)
    .bind(new.name.as_str())
    .bind(&new.title)
    .bind(&new.notes)
    .bind(&new.theme)
    .bind(new.license.id)
    .bind(new.frequency.code())
    .bind(new.temporal_start.map(|d| d.to_string()))
    .bind(new.temporal_end.map(|d| d.to_string()))
    .bind(&new.spatial)
    .bind(&new.contact_name)
    .bind(&new.contact)
    .bind(&new.version)
    .bind(new.openness.code())
    .bind(&new.conditions)
    .bind(&new.legal_ground)
    .bind(status.code())
    .bind(author.id)
    .bind(&author.name)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    set_lists(&mut tx, id, new).await?;
    let change =
        audit::Change::new("dataset.create", "dataset", id.to_string()).with_detail(detail(new));
    finish(tx, store, actor, change, org_id, id).await?;
    if submit {
        audit::record(
            store,
            actor,
            audit::Change::new("dataset.submit", "dataset", id.to_string()).in_org(org_id),
        )
        .await?;
    }
    get(store, id).await
}

/// The dataset `id`'s row, read in `tx`.
async fn get_in(tx: &mut Tx, id: i64) -> Result<Dataset> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE d.id = ").int(id);
    sql::one(q.query(), &mut **tx, "该数据集").await
}

/// Changes dataset `id` to `new`, provided by `org_id`. A submitted or published dataset goes
/// (back) to review (`dataset::after_edit`): a published one leaves the catalogue until it is
/// approved again. Audited as `dataset.update`.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: i64,
    org_id: i64,
    new: &NewDataset,
) -> Result<Dataset> {
    let current = get(store, id).await?;
    check_theme(store, current.site_id, &new.theme).await?;
    let mut tx = store.begin_write().await?;
    let current = get_in(&mut tx, id).await?;
    check_name(&mut tx, current.site_id, new.name.as_str(), id).await?;
    let status = rules::after_edit(current.status);
    sqlx::query(
        "UPDATE datasets SET org_id = $1, name = $2, title = $3, notes = $4, theme = $5,
            license_id = $6, frequency = $7, temporal_start = $8, temporal_end = $9,
            spatial = $10, contact_name = $11, contact = $12, version = $13, openness = $14,
            conditions = $15, legal_ground = $16, status = $17, updated_at = $18
         WHERE id = $19",
    )
    .bind(org_id)
    .bind(new.name.as_str())
    .bind(&new.title)
    .bind(&new.notes)
    .bind(&new.theme)
    .bind(new.license.id)
    .bind(new.frequency.code())
    .bind(new.temporal_start.map(|d| d.to_string()))
    .bind(new.temporal_end.map(|d| d.to_string()))
    .bind(&new.spatial)
    .bind(&new.contact_name)
    .bind(&new.contact)
    .bind(&new.version)
    .bind(new.openness.code())
    .bind(&new.conditions)
    .bind(&new.legal_ground)
    .bind(status.code())
    .bind(ts(now()))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    set_lists(&mut tx, id, new).await?;
    let change =
        audit::Change::new("dataset.update", "dataset", id.to_string()).with_detail(detail(new));
    finish(tx, store, actor, change, org_id, id).await?;
    get(store, id).await
}

/// Takes review `step` on dataset `id` for `actor_id` (`dataset::apply_step`: a reviewer other
/// than its author approves or returns it with `reason`). Audited as `dataset.submit`,
/// `dataset.approve` or `dataset.return`.
pub async fn step(
    store: &Store,
    actor: &Actor,
    actor_id: i64,
    id: i64,
    step: ReviewStep,
    reason: &str,
) -> Result<DatasetStatus> {
    let mut tx = store.begin_write().await?;
    let d = get_in(&mut tx, id).await?;
    let next = rules::apply_step(d.status, step, d.author_id, actor_id, reason)?;
    let at = ts(now());
    let (reviewer, reason) = match step {
        ReviewStep::Submit => (d.reviewer_name.clone(), d.return_reason.clone()),
        ReviewStep::Approve => (actor.name.clone(), String::new()),
        ReviewStep::Return => (actor.name.clone(), reason.trim().to_owned()),
    };
    let published = match step {
        ReviewStep::Approve => Some(at.clone()),
        _ => d.published_at.map(ts),
    };
    sqlx::query(
        "UPDATE datasets SET status = $1, reviewer_name = $2, return_reason = $3,
            published_at = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(next.code())
    .bind(&reviewer)
    .bind(&reason)
    .bind(published)
    .bind(&at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let change = audit::Change::new(step.action(), "dataset", id.to_string())
        .with_detail(serde_json::json!({ "reason": reason }));
    finish(tx, store, actor, change, d.org_id, id).await?;
    Ok(next)
}

/// Adds `new` to dataset `id` (at most `MAX_RESOURCES`); the dataset goes (back) to review like
/// an edit. Audited as `dataset.resource_add`.
pub async fn add_resource(
    store: &Store,
    actor: &Actor,
    id: i64,
    new: &NewResource,
) -> Result<Resource> {
    let mut tx = store.begin_write().await?;
    let d = get_in(&mut tx, id).await?;
    let held: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM dataset_resources WHERE dataset_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if held >= MAX_RESOURCES as i64 {
        return Err(StoreError::conflict_with(
            ErrorCode::DatasetTooManyResources,
            &[("max", &MAX_RESOURCES)],
        ));
    }
    let at = ts(now());
    let (url, sha, file_name, size) = match &new.source {
        Source::File { sha256, file_name, size } => (
            String::new(),
            Some(sha256.clone()),
            file_name.clone(),
            Some(*size),
        ),
        Source::Link(url) => (url.clone(), None, String::new(), None),
    };
    let uuid = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO dataset_resources (uuid, dataset_id, position, name, description, format,
            url, sha256, file_name, size, created_at, last_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(&uuid)
    .bind(id)
    .bind(held)
    .bind(&new.name)
    .bind(&new.description)
    .bind(&new.format)
    .bind(&url)
    .bind(sha.clone())
    .bind(&file_name)
    .bind(size)
    .bind(&at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE datasets SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(rules::after_edit(d.status).code())
        .bind(&at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let change = audit::Change::new("dataset.resource_add", "dataset", id.to_string()).with_detail(
        serde_json::json!({
            "resource": uuid, "name": new.name, "format": new.format, "url": url, "sha256": sha,
        }),
    );
    finish(tx, store, actor, change, d.org_id, id).await?;
    resource(store, &uuid)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "该数据资源".into(),
        })
}

/// An API token as the back office lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Database id.
    pub id: i64,
    /// Its owner.
    pub user_id: i64,
    /// What it is for, as its owner named it.
    pub name: String,
    /// When it was made.
    #[serde(serialize_with = "crate::column::ser_timestamp")]
    pub created_at: DateTime<Utc>,
    /// When it was revoked.
    #[serde(serialize_with = "crate::column::ser_opt_timestamp")]
    pub revoked_at: Option<DateTime<Utc>>,
}

column::from_row!(ApiToken => id, user_id, name, created_at, revoked_at);

/// The longest token name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes an API token for user `user_id` named `name` and returns it: shown once, kept only
/// as its SHA-256 (it is 256 random bits, so a fast hash is enough). Audited as
/// `api_token.create`.
pub async fn create_token(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    name: &str,
) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_TOKEN_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(StoreError::conflict(ErrorCode::ApiTokenNameRequired));
    }
    let token = format!("gk_{}", crate::sessions::random_token());
    let mut tx = store.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash(&token))
    .bind(&actor.name)
    .bind(ts(now()))
    .fetch_one(&mut *tx)
    .await?;
    audit::Change::new("api_token.create", "api_token", id.to_string())
        .with_detail(serde_json::json!({ "user_id": user_id, "name": name }))
        .commit(tx, store, actor)
        .await?;
    Ok(token)
}

/// Revokes token `id` of user `user_id`. Audited as `api_token.revoke`.
pub async fn revoke_token(store: &Store, actor: &Actor, user_id: i64, id: i64) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(ts(now()))
    .bind(id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { what: "该令牌".into() });
    }
    audit::Change::new("api_token.revoke", "api_token", id.to_string())
        .commit(tx, store, actor)
        .await
}

/// The tokens of user `user_id`, newest first.
pub async fn tokens_of(store: &Store, user_id: i64) -> Result<Vec<ApiToken>> {
    sql::all(
        sqlx::query(
            "SELECT id, user_id, name, created_at, revoked_at FROM api_tokens
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id),
        store.pool(),
    )
    .await
}

/// The user a token that is not revoked belongs to, if any.
pub async fn token_user(store: &Store, token: &str) -> Result<Option<i64>> {
    let token = token.trim();
    if token.is_empty() || token.len() > 200 {
        return Ok(None);
    }
    let row =
        sqlx::query("SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash(token))
            .fetch_optional(store.pool())
            .await?;
    row.map(|r| r.try_get("user_id").map_err(StoreError::from))
        .transpose()
}

/// Up to `limit` ids of published datasets after `after`, in id order (the search index's
/// rebuild).
pub async fn published_ids(store: &Store, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM datasets WHERE id > $1 AND status = $2 ORDER BY id LIMIT $3",
    )
    .bind(after)
    .bind(DatasetStatus::Published.code())
    .bind(limit.clamp(0, 10_000))
    .fetch_all(store.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like("50%_a\\B"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn ckan_sorts() {
        assert_eq!(Sort::parse_ckan(""), Some(Sort::ModifiedDesc));
        assert_eq!(
            Sort::parse_ckan("score desc, metadata_modified desc"),
            Some(Sort::ModifiedDesc)
        );
        assert_eq!(Sort::parse_ckan("title_string  asc"), Some(Sort::TitleAsc));
        assert_eq!(Sort::parse_ckan("id; DROP TABLE datasets"), None);
    }
}
