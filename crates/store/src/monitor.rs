//! The facts 网站监测 judges (`gongkai_domain::monitor`), gathered for one site: its newest
//! publication, its columns' counts, its unanswered messages, its interpretations and their
//! policies, and the record links and attachments of its published pages that lead nowhere.

use std::collections::{HashMap, HashSet};
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
/// The most links one look checks.
pub const MAX_LINKS_CHECKED: usize = 20_000;
/// Records read per query when their bodies are read.
const BATCH: i64 = 200;
/// Values per `IN (…)` list.
const IN_LIST_CHUNK: usize = 500;

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
    /// The interpretation's title.
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
    /// Open messages, oldest first (at most [`MAX_MESSAGES_LISTED`]).
    pub unanswered: Vec<OpenMessage>,
    /// How many messages are open in all.
    pub open_messages: i64,
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
    let mut counted = HashMap::new();
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
    let open_messages = |select: &str| {
        let mut q = Sql::new(select);
        q.push(" WHERE site_id = ")
            .int(site_id)
            .push(" AND status NOT IN ")
            .text_list(closed.iter().map(|s| s.code()));
        q
    };
    let open_count: i64 = open_messages("SELECT COUNT(*) AS n FROM messages")
        .query()
        .fetch_one(store.pool())
        .await?
        .try_get("n")?;
    let mut q = open_messages("SELECT tracking_code, title, received_on FROM messages");
    q.push(" ORDER BY received_on, id LIMIT ")
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

    // Listed interpretations, then their policies under the same rule (listed, same site).
    let mut q =
        listed("SELECT r.title, r.index_no, r.published_at, r.interprets_id FROM records r");
    q.push(" AND r.interprets_id IS NOT NULL ORDER BY r.published_at DESC LIMIT ")
        .int(MAX_RECORDS_READ);
    let readings = q.query().fetch_all(store.pool()).await?;
    let policy_ids: Vec<i64> = readings
        .iter()
        .map(|r| r.try_get("interprets_id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut policies = HashMap::new();
    for ids in policy_ids.chunks(IN_LIST_CHUNK) {
        let mut q = listed("SELECT r.id, r.title, r.published_at FROM records r");
        q.push(" AND r.id IN ").int_list(ids.iter().copied());
        for row in q.query().fetch_all(store.pool()).await? {
            let id: i64 = row.try_get("id")?;
            let title: String = row.try_get("title")?;
            policies.insert(id, (title, day_of(row.try_get("published_at")?)));
        }
    }
    let mut interpretations = Vec::new();
    for row in &readings {
        let policy: i64 = row.try_get("interprets_id")?;
        let (Some(published_on), Some((policy_title, Some(policy_published_on)))) =
            (day_of(row.try_get("published_at")?), policies.get(&policy))
        else {
            continue;
        };
        interpretations.push(InterpretationFact {
            title: row.try_get("title")?,
            index_no: row
                .try_get::<Option<String>, _>("index_no")?
                .unwrap_or_default(),
            published_on,
            policy_title: policy_title.clone(),
            policy_published_on: *policy_published_on,
        });
    }

    // The newest listed bodies, a batch at a time, keeping only their links.
    let mut links = Vec::new();
    let mut records_read = 0usize;
    let mut before: Option<i64> = None;
    while records_read < MAX_RECORDS_READ as usize && links.len() < MAX_LINKS_CHECKED {
        let mut q = listed("SELECT r.id, r.title, r.index_no, r.body_html FROM records r");
        if let Some(id) = before {
            q.push(" AND r.id < ").int(id);
        }
        q.push(" ORDER BY r.id DESC LIMIT ").int(BATCH);
        let batch = q.query().fetch_all(store.pool()).await?;
        if batch.is_empty() {
            break;
        }
        for row in &batch {
            before = Some(row.try_get("id")?);
            let title: String = row.try_get("title")?;
            let index_no: String = row
                .try_get::<Option<String>, _>("index_no")?
                .unwrap_or_default();
            let body: String = row.try_get("body_html")?;
            for link in internal_links(&body) {
                links.push((title.clone(), index_no.clone(), link));
            }
        }
        records_read += batch.len();
    }
    links.truncate(MAX_LINKS_CHECKED);
    // Only the targets the links name are looked up, under the same rule.
    let named_pages: Vec<String> = links
        .iter()
        .filter_map(|(_, _, l)| match l {
            InternalLink::Record(no) => Some(no.clone()),
            InternalLink::File(_) => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let named_files: Vec<i64> = links
        .iter()
        .filter_map(|(_, _, l)| match l {
            InternalLink::File(id) => Some(*id),
            InternalLink::Record(_) => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut listed_pages = HashSet::new();
    for chunk in named_pages.chunks(IN_LIST_CHUNK) {
        let mut q = listed("SELECT r.index_no FROM records r");
        q.push(" AND r.index_no IN ")
            .text_list(chunk.iter().cloned());
        for row in q.query().fetch_all(store.pool()).await? {
            listed_pages.insert(row.try_get::<String, _>("index_no")?);
        }
    }
    let mut public_files = HashSet::new();
    for chunk in named_files.chunks(IN_LIST_CHUNK) {
        let mut q = listed("SELECT a.id FROM attachments a JOIN records r ON r.id = a.record_id");
        q.push(" AND a.id IN ").int_list(chunk.iter().copied());
        for row in q.query().fetch_all(store.pool()).await? {
            public_files.insert(row.try_get::<i64, _>("id")?);
        }
    }
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

    // Every attachment of a listed record (the newest first, bounded): are its bytes held?
    let held_column = match store.engine() {
        crate::Engine::Sqlite => "CAST(0 AS BIGINT)",
        crate::Engine::Postgres => {
            "CAST(CASE WHEN EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = a.sha256) \
             THEN 1 ELSE 0 END AS BIGINT)"
        }
    };
    let mut q = listed(&format!(
        "SELECT r.title, r.index_no, a.file_name, a.sha256, {held_column} AS held \
         FROM attachments a JOIN records r ON r.id = a.record_id"
    ));
    q.push(" ORDER BY a.id DESC LIMIT ")
        .int(MAX_RECORDS_READ * 4);
    let files: Vec<FileRow> = crate::sql::all(q.query(), store.pool()).await?;
    let mut missing_files = Vec::new();
    for f in files {
        let held = f.held != 0
            || tokio::fs::try_exists(blobs::path(data_dir, &f.sha256))
                .await
                .unwrap_or(false);
        if !held {
            missing_files.push(Dangling {
                title: f.title,
                index_no: f.index_no.unwrap_or_default(),
                target: f.file_name,
            });
        }
    }

    Ok(SiteFacts {
        last_publication,
        columns,
        unanswered,
        interpretations,
        broken_links,
        missing_files,
        records_read,
        open_messages: open_count,
    })
}

/// An attachment row as the monitor reads it.
struct FileRow {
    title: String,
    index_no: Option<String>,
    file_name: String,
    sha256: String,
    held: i64,
}

crate::column::from_row!(FileRow => title, index_no, file_name, sha256, held);
