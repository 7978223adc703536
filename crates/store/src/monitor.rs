//! The facts 网站监测 judges (`gongkai_domain::monitor`), gathered for one site: its newest
//! publication, its columns' counts, its unanswered messages, its interpretations and their
//! policies, and the record links and attachments of its published pages that lead nowhere.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::catalogue::{COLUMNS, children};
use gongkai_domain::message::MessageStatus;
use gongkai_domain::monitor::{InternalLink, internal_links};
use gongkai_domain::record::Visibility;
use gongkai_domain::time::{beijing_date, parse_storage_timestamp};
use sqlx::Row;

use crate::records::push_visibility;
use crate::sql::Sql;
use crate::{Result, Store, blobs};

/// The most published records whose bodies one look reads (the newest first; four times as many
/// attachments).
pub const MAX_RECORDS_READ: i64 = 5_000;
/// The most unanswered messages listed.
pub const MAX_MESSAGES_LISTED: i64 = 500;

/// A column of the disclosure section as the site fills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFact {
    /// The column's slug.
    pub slug: &'static str,
    /// Its Chinese name.
    pub name: &'static str,
    /// How many listed records it holds.
    pub items: i64,
    /// The day (Beijing) of its newest listed record.
    pub last: Option<NaiveDate>,
}

/// An open message as the monitor lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenMessage {
    /// Its tracking code.
    pub tracking_code: String,
    /// Its title.
    pub title: String,
    /// The day it was received.
    pub received_on: NaiveDate,
}

/// A published interpretation and the policy it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpretationFact {
    /// The interpretation's title and index number.
    pub title: String,
    /// Its index number.
    pub index_no: String,
    /// The day (Beijing) it was published.
    pub published_on: NaiveDate,
    /// The policy's title.
    pub policy_title: String,
    /// The day (Beijing) the policy was published.
    pub policy_published_on: NaiveDate,
}

/// A link or attachment on a published page that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dangling {
    /// The page's title.
    pub title: String,
    /// The page's index number.
    pub index_no: String,
    /// What is missing: the link's target, or the attachment's file name.
    pub target: String,
}

/// Everything the monitor judges for one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFacts {
    /// The day (Beijing) of the site's newest listed record.
    pub last_publication: Option<NaiveDate>,
    /// Every column that takes records, in display order.
    pub columns: Vec<ColumnFact>,
    /// Open messages, oldest first.
    pub unanswered: Vec<OpenMessage>,
    /// Listed interpretations whose policy is listed too.
    pub interpretations: Vec<InterpretationFact>,
    /// Record links in published bodies whose target is not a page of the site.
    pub broken_links: Vec<Dangling>,
    /// Attachments of published records whose bytes are held nowhere.
    pub missing_files: Vec<Dangling>,
    /// How many published records were read for links and attachments.
    pub records_read: usize,
}

fn day_of(raw: Option<String>) -> Option<NaiveDate> {
    raw.as_deref()
        .and_then(parse_storage_timestamp)
        .map(beijing_date)
}

/// Gathers the facts of the site `site_id` as they stand at `now`; `data_dir` is where blobs kept
/// as files live.
pub async fn facts(
    store: &Store,
    site_id: i64,
    data_dir: &Path,
    now: DateTime<Utc>,
) -> Result<SiteFacts> {
    let listed = |select: &str| {
        let mut q = Sql::new(select);
        q.push(" WHERE r.site_id = ").int(site_id);
        push_visibility(&mut q, Visibility::LISTED, now);
        q
    };

    let q = listed("SELECT MAX(r.published_at) AS last FROM records r");
    let last_publication = day_of(q.query().fetch_one(store.pool()).await?.try_get("last")?);

    let mut q = listed(
        "SELECT rc.column_slug AS slug, COUNT(*) AS items, MAX(r.published_at) AS last \
         FROM records r JOIN record_columns rc ON rc.record_id = r.id",
    );
    q.push(" GROUP BY rc.column_slug");
    let mut counted = std::collections::HashMap::new();
    for row in q.query().fetch_all(store.pool()).await? {
        let slug: String = row.try_get("slug")?;
        let items: i64 = row.try_get("items")?;
        counted.insert(slug, (items, day_of(row.try_get("last")?)));
    }
    // Columns that take records: not a parent of others, and not the guide (its own page).
    let columns = COLUMNS
        .iter()
        .filter(|c| children(c.slug).next().is_none() && c.slug != "zn")
        .map(|c| {
            let (items, last) = counted.get(c.slug).cloned().unwrap_or((0, None));
            ColumnFact {
                slug: c.slug,
                name: c.name,
                items,
                last,
            }
        })
        .collect();

    let closed = [
        MessageStatus::NotAccepted,
        MessageStatus::Replied,
        MessageStatus::Closed,
    ];
    let mut q = Sql::new("SELECT tracking_code, title, received_on FROM messages WHERE site_id = ");
    q.int(site_id)
        .push(" AND status NOT IN ")
        .text_list(closed.iter().map(|s| s.code()))
        .push(" ORDER BY received_on, id LIMIT ")
        .int(MAX_MESSAGES_LISTED);
    let mut unanswered = Vec::new();
    for row in q.query().fetch_all(store.pool()).await? {
        let received: String = row.try_get("received_on")?;
        if let Ok(received_on) = NaiveDate::parse_from_str(&received, "%Y-%m-%d") {
            unanswered.push(OpenMessage {
                tracking_code: row.try_get("tracking_code")?,
                title: row.try_get("title")?,
                received_on,
            });
        }
    }

    let mut q = listed(
        "SELECT r.title, r.index_no, r.published_at, p.title AS policy_title, \
         p.published_at AS policy_published_at \
         FROM records r JOIN records p ON p.id = r.interprets_id",
    );
    q.push(" AND p.published_at IS NOT NULL ORDER BY r.published_at DESC LIMIT ")
        .int(MAX_RECORDS_READ);
    let mut interpretations = Vec::new();
    for row in q.query().fetch_all(store.pool()).await? {
        let (Some(published_on), Some(policy_published_on)) = (
            day_of(row.try_get("published_at")?),
            day_of(row.try_get("policy_published_at")?),
        ) else {
            continue;
        };
        interpretations.push(InterpretationFact {
            title: row.try_get("title")?,
            index_no: row
                .try_get::<Option<String>, _>("index_no")?
                .unwrap_or_default(),
            published_on,
            policy_title: row.try_get("policy_title")?,
            policy_published_on,
        });
    }

    let mut q = listed("SELECT r.title, r.index_no, r.body_html FROM records r");
    q.push(" ORDER BY r.published_at DESC, r.id DESC LIMIT ")
        .int(MAX_RECORDS_READ);
    let pages = q.query().fetch_all(store.pool()).await?;
    let mut links = Vec::new();
    for row in &pages {
        let title: String = row.try_get("title")?;
        let index_no: String = row
            .try_get::<Option<String>, _>("index_no")?
            .unwrap_or_default();
        let body: String = row.try_get("body_html")?;
        for link in internal_links(&body) {
            links.push((title.clone(), index_no.clone(), link));
        }
    }
    let mut q = listed("SELECT r.index_no FROM records r");
    q.push(" AND r.index_no IS NOT NULL");
    let listed_pages: HashSet<String> = q
        .query()
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.try_get("index_no"))
        .collect::<std::result::Result<_, _>>()?;
    // Every attachment of a listed record: the links' targets, and each one's bytes.
    let mut q = listed(
        "SELECT a.id, r.title, r.index_no, a.file_name, a.sha256 \
         FROM attachments a JOIN records r ON r.id = a.record_id",
    );
    q.push(" ORDER BY a.id DESC LIMIT ")
        .int(MAX_RECORDS_READ * 4);
    let files: Vec<FileRow> = crate::sql::all(q.query(), store.pool()).await?;
    let public_files: HashSet<i64> = files.iter().map(|f| f.id).collect();
    let broken_links = links
        .into_iter()
        .filter_map(|(title, index_no, link)| {
            let (ok, target) = match link {
                InternalLink::Record(no) => (listed_pages.contains(&no), format!("/xxgk/{no}")),
                InternalLink::File(id) => (public_files.contains(&id), format!("/files/{id}/")),
            };
            (!ok).then_some(Dangling { title, index_no, target })
        })
        .collect();

    let in_database: HashSet<String> = match store.engine() {
        crate::Engine::Sqlite => HashSet::new(),
        crate::Engine::Postgres => sqlx::query_scalar("SELECT sha256 FROM blobs")
            .fetch_all(store.pool())
            .await?
            .into_iter()
            .collect(),
    };
    let missing_files = files
        .into_iter()
        .filter(|f| !in_database.contains(&f.sha256) && !blobs::path(data_dir, &f.sha256).exists())
        .map(|f| Dangling {
            title: f.title,
            index_no: f.index_no.unwrap_or_default(),
            target: f.file_name,
        })
        .collect();

    Ok(SiteFacts {
        last_publication,
        columns,
        unanswered,
        interpretations,
        broken_links,
        missing_files,
        records_read: pages.len(),
    })
}

/// An attachment row as the monitor reads it.
struct FileRow {
    id: i64,
    title: String,
    index_no: Option<String>,
    file_name: String,
    sha256: String,
}

crate::column::from_row!(FileRow => id, title, index_no, file_name, sha256);
