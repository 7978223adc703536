//! Keeping the search index in step with the store, and turning a record into a search
//! document. The index is derived data: [`catch_up`] applies the change feed from the index's
//! last applied position; [`rebuild`] starts over from the records. Each node runs
//! [`follow`] for its own index, so every node sees every change.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use gongkai_domain::consultation::ConsultationStatus;
use gongkai_domain::message::mask_public;
use gongkai_domain::pii::{self, PublicNumbers};
use gongkai_domain::record::Visibility;
use gongkai_domain::time::beijing_date;
use gongkai_domain::urls;
use gongkai_search::{Doc, SearchIndex};
use gongkai_store::consultations::{self, Consultation};
use gongkai_store::messages::{self, Message};
use gongkai_store::records::Record;
use gongkai_store::{Store, attachments, feed, findings, orgs, records, tasks, typed_lists};

use crate::JobsError;

pub mod datasets;
mod list_rows;

/// Each site's public phone numbers, read once per pass over the feed or the store: they are
/// the same for every document of a site, and reading them costs three queries.
#[derive(Default)]
struct NumbersBySite(HashMap<i64, Arc<PublicNumbers>>);

impl NumbersBySite {
    /// The public numbers of the site `site_id`, read on first use.
    async fn of(&mut self, store: &Store, site_id: i64) -> Result<Arc<PublicNumbers>, JobsError> {
        if let Some(numbers) = self.0.get(&site_id) {
            return Ok(numbers.clone());
        }
        let numbers = Arc::new(orgs::public_numbers(store, site_id).await?);
        self.0.insert(site_id, numbers.clone());
        Ok(numbers)
    }
}

/// The search document of a record (all its text, attachments included), with personal
/// numbers masked except the site's public ones, `allowed`.
pub async fn doc_of(store: &Store, r: &Record, allowed: &PublicNumbers) -> Result<Doc, JobsError> {
    let files = attachments::list(store, r.id).await?;
    let published = r.published_at;
    // The index never holds a raw personal number, even one a reviewer let through; the
    // site's own public phones stay searchable as written.
    let mask = |text: &str| pii::mask_except(text, allowed);
    Ok(Doc {
        id: r.index_no.clone().unwrap_or_default(),
        title: mask(&r.title),
        body: mask(&r.body_text),
        attachments_text: mask(
            &files
                .iter()
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        doc_number: r.doc_number.clone(),
        org_code: r.org_code.clone(),
        org_name: r.org_name.clone(),
        theme: r.theme.replace('\\', "/"),
        kind: r.kind.label().to_owned(),
        validity: r.validity.label().to_owned(),
        published_at: published.map_or(0, |t| t.timestamp()),
        year: published.map(|t| chrono::Datelike::year(&beijing_date(t))),
        url: r.index_no.as_deref().map(urls::record).unwrap_or_default(),
        content_type: "record".into(),
        site: r.site_id.to_string(),
    })
}

/// The search id of a published exchange (records use their 索引号).
fn message_doc_id(id: i64) -> String {
    format!("message:{id}")
}

/// The search document of a published 政民互动 exchange: title, message and reply, with
/// personal data masked exactly as on its public page (the site's own public phone numbers,
/// `allowed`, stay).
pub fn doc_of_message(m: &Message, allowed: &PublicNumbers) -> Doc {
    let masked = |text: &str| mask_public(text, &m.writer_name, allowed);
    let replied = m.replied_on;
    Doc {
        id: message_doc_id(m.id),
        title: masked(&m.title),
        body: format!("{}\n{}", masked(&m.content), masked(&m.reply_text)),
        attachments_text: String::new(),
        doc_number: String::new(),
        org_code: String::new(),
        org_name: m.answering_org_name().to_owned(),
        theme: String::new(),
        kind: "政民互动".into(),
        validity: String::new(),
        published_at: replied
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| {
                t.and_local_timezone(gongkai_domain::time::beijing())
                    .single()
            })
            .map_or(0, |t| t.timestamp()),
        year: replied.map(|d| chrono::Datelike::year(&d)),
        url: urls::message(m.id),
        content_type: "message".into(),
        site: m.site_id.to_string(),
    }
}

/// One pass of changes from the feed into the index: what each change needs to be applied.
struct Pass<'a> {
    store: &'a Store,
    index: &'a SearchIndex,
    numbers: NumbersBySite,
}

impl Pass<'_> {
    /// Applies the current state of the object `object_type` `id`; other object types are not
    /// indexed.
    async fn apply(&mut self, object_type: &str, id: i64) -> Result<(), JobsError> {
        match object_type {
            "record" => self.record(id).await,
            "message" => self.message(id).await,
            "consultation" => self.consultation(id).await,
            "task" => {
                let doc = existing(task_doc(self.store, id).await)?;
                upsert_or_delete(self.index, &task_key(id), doc)
            }
            "audit_report" => {
                let doc = existing(audit_report_doc(self.store, id).await)?;
                upsert_or_delete(self.index, &audit_report_key(id), doc)
            }
            "dataset" => {
                let doc = datasets::current(self.store, id, &mut self.numbers).await?;
                upsert_or_delete(self.index, &datasets::key(id), doc)
            }
            typed_lists::FEED_TYPE => list_rows::apply(self.store, self.index, id).await,
            _ => Ok(()),
        }
    }

    /// Applies one record's current state: indexed when published 主动公开 (scheduled ones too —
    /// the search only shows what is already public), removed otherwise.
    async fn record(&mut self, id: i64) -> Result<(), JobsError> {
        let Some(r) = existing(records::get(self.store, id).await)? else {
            return Ok(());
        };
        let Some(index_no) = r.index_no.clone() else {
            return Ok(());
        };
        let doc = if r.visible(Visibility::SEARCHABLE, chrono::Utc::now()) {
            let allowed = self.numbers.of(self.store, r.site_id).await?;
            Some(doc_of(self.store, &r, &allowed).await?)
        } else {
            None
        };
        upsert_or_delete(self.index, &index_no, doc)
    }

    /// Applies one message's current state: indexed while it is on the public list, removed
    /// otherwise (hidden, or never published).
    async fn message(&mut self, id: i64) -> Result<(), JobsError> {
        let Some(m) = existing(messages::get(self.store, id).await)? else {
            return Ok(());
        };
        let doc = match m.is_public() {
            true => Some(doc_of_message(
                &m,
                &*self.numbers.of(self.store, m.site_id).await?,
            )),
            false => None,
        };
        upsert_or_delete(self.index, &message_doc_id(id), doc)
    }

    /// Applies one consultation's current state: indexed once published (open, closed or with
    /// feedback), removed while a draft.
    async fn consultation(&self, id: i64) -> Result<(), JobsError> {
        let Some(c) = existing(consultations::get(self.store, id).await)? else {
            return Ok(());
        };
        let doc = (c.status != ConsultationStatus::Draft).then(|| consultation_doc(&c));
        upsert_or_delete(self.index, &consultation_key(id), doc)
    }
}

/// The object read, or `None` when it no longer exists (nothing to apply).
fn existing<T>(read: Result<T, gongkai_store::StoreError>) -> Result<Option<T>, JobsError> {
    match read {
        Ok(v) => Ok(Some(v)),
        Err(gongkai_store::StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Indexes `doc`, or removes the document `key` when there is none to index.
fn upsert_or_delete(index: &SearchIndex, key: &str, doc: Option<Doc>) -> Result<(), JobsError> {
    match doc {
        Some(doc) => index.upsert(&[doc]).map(drop)?,
        None => index.delete(key)?,
    }
    Ok(())
}

/// The search key of a consultation (records use their 索引号).
pub fn consultation_key(id: i64) -> String {
    format!("zhengji-{id}")
}

/// The search key of a key task (重点工作).
pub fn task_key(id: i64) -> String {
    format!("renwu-{id}")
}

/// The search key of an audit report or 督查 notice.
pub fn audit_report_key(id: i64) -> String {
    format!("zhenggai-{id}")
}

/// A timestamp of a Beijing date's start, for a document dated by a day.
fn day_start(day: chrono::NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| {
            t.and_local_timezone(gongkai_domain::time::beijing())
                .single()
        })
        .map_or(0, |t| t.timestamp())
}

/// The search document of a task: its title, measures, published progress reports and result
/// (every task is public; a report only once a reviewer published it).
pub async fn task_doc(store: &Store, id: i64) -> Result<Doc, gongkai_store::StoreError> {
    let t = tasks::get(store, id).await?;
    let reports = tasks::published_reports(store, id).await?;
    let mut body = vec![t.measures.clone()];
    body.extend(reports.into_iter().map(|r| r.body));
    body.push(t.result.clone());
    body.extend(
        tasks::evaluations(store, id)
            .await?
            .into_iter()
            .map(|e| format!("{} {}", e.evaluator, e.conclusion)),
    );
    Ok(Doc {
        id: task_key(id),
        title: t.title.clone(),
        body: body.join("\n"),
        attachments_text: String::new(),
        doc_number: String::new(),
        org_code: t.lead_org_code.clone(),
        org_name: t.lead_org_name.clone(),
        theme: String::new(),
        kind: t.kind.label().into(),
        validity: String::new(),
        published_at: day_start(t.starts_on),
        year: i32::try_from(t.year).ok(),
        url: urls::task(id),
        content_type: "task".into(),
        site: t.site_id.to_string(),
    })
}

/// The search document of an audit report or 督查 notice: its title, summary and every
/// finding with its measures, evidence, accountability and status.
pub async fn audit_report_doc(store: &Store, id: i64) -> Result<Doc, gongkai_store::StoreError> {
    let r = findings::get_report(store, id).await?;
    let mut body = vec![r.summary.clone()];
    for f in findings::findings(store, id).await? {
        body.push(format!(
            "{}（{}，{}）{} {} {}",
            f.title,
            f.org_name,
            f.status.label(),
            f.measures,
            f.evidence,
            f.accountability
        ));
    }
    Ok(Doc {
        id: audit_report_key(id),
        title: r.title.clone(),
        body: body.join("\n"),
        attachments_text: String::new(),
        doc_number: String::new(),
        org_code: String::new(),
        org_name: r.org_name.clone(),
        theme: String::new(),
        kind: format!("{}整改", r.source.label()),
        validity: String::new(),
        published_at: r.updated_at.timestamp(),
        year: i32::try_from(r.year).ok(),
        url: urls::audit_report(id),
        content_type: "audit_report".into(),
        site: r.site_id.to_string(),
    })
}

/// The page of a search document, from its key: a consultation's `/zhengji/…`, an exchange's
/// `/hudong/…`, a task's `/renwu/…`, an audit report's `/zhenggai/…` or a record's `/xxgk/…`.
pub fn url_of(key: &str) -> String {
    if let Some(url) = list_rows::url_of(key) {
        url
    } else if let Some(id) = key.strip_prefix("renwu-") {
        urls::task(id.parse().unwrap_or_default())
    } else if let Some(id) = key.strip_prefix("zhenggai-") {
        urls::audit_report(id.parse().unwrap_or_default())
    } else if let Some(id) = key.strip_prefix("zhengji-") {
        urls::consultation(id.parse().unwrap_or_default())
    } else if let Some(id) = key.strip_prefix("message:") {
        urls::message(id.parse().unwrap_or_default())
    } else {
        urls::record(key)
    }
}

/// The search document of a consultation: its title, 起草说明, draft text and, once
/// published, the feedback summary. Dated by its opening time, so it shows only from then.
pub fn consultation_doc(c: &Consultation) -> Doc {
    Doc {
        id: consultation_key(c.id),
        title: c.title.clone(),
        body: [
            c.background.as_str(),
            c.basis.as_str(),
            c.main_content.as_str(),
            c.draft_text.as_str(),
            c.feedback_summary.as_str(),
        ]
        .join("\n"),
        attachments_text: String::new(),
        doc_number: String::new(),
        org_code: c.org_code.clone(),
        org_name: c.org_name.clone(),
        theme: String::new(),
        kind: "征求意见".into(),
        validity: String::new(),
        published_at: c.opens_at.timestamp(),
        year: Some(chrono::Datelike::year(&beijing_date(c.opens_at))),
        url: urls::consultation(c.id),
        content_type: "consultation".into(),
        site: c.site_id.to_string(),
    }
}

/// Applies every change after the index's last applied position; returns how many changes.
pub async fn catch_up(store: &Store, index: &SearchIndex) -> Result<usize, JobsError> {
    let mut after = index.last_applied_feed_id()?.unwrap_or(0);
    let mut applied = 0;
    let mut pass = Pass {
        store,
        index,
        numbers: NumbersBySite::default(),
    };
    loop {
        let items = feed::since(store, after, 500).await?;
        let Some(last) = items.last().map(|i| i.id) else {
            break;
        };
        // Each object once per batch, in its current state; other object types are not indexed.
        let mut changed: Vec<(&str, i64)> = items
            .iter()
            .filter_map(|i| Some((i.object_type.as_str(), i.object_id.parse().ok()?)))
            .collect();
        changed.sort_unstable();
        changed.dedup();
        for (object_type, id) in changed {
            pass.apply(object_type, id).await?;
        }
        applied += items.len();
        index.set_last_applied_feed_id(last)?;
        index.commit()?;
        after = last;
    }
    Ok(applied)
}

/// What the index holds: records, published exchanges, public consultations, key tasks and
/// audit reports.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Record,
    Message,
    Consultation,
    Task,
    AuditReport,
    Dataset,
}

impl Kind {
    /// Up to 500 ids of this kind that belong in the index, after `after`.
    async fn ids_after(self, store: &Store, after: i64) -> Result<Vec<i64>, JobsError> {
        Ok(match self {
            Self::Record => records::searchable_ids(store, after, 500).await?,
            Self::Message => messages::public_ids(store, after, 500).await?,
            Self::Consultation => consultations::searchable_ids(store, after, 500).await?,
            Self::Task => tasks::searchable_ids(store, after, 500).await?,
            Self::AuditReport => findings::searchable_ids(store, after, 500).await?,
            Self::Dataset => gongkai_store::datasets::published_ids(store, after, 500).await?,
        })
    }

    /// The search document of the object `id` of this kind.
    async fn doc(
        self,
        store: &Store,
        numbers: &mut NumbersBySite,
        id: i64,
    ) -> Result<Doc, JobsError> {
        match self {
            Self::Record => {
                let r = records::get(store, id).await?;
                doc_of(store, &r, &*numbers.of(store, r.site_id).await?).await
            }
            Self::Message => {
                let m = messages::get(store, id).await?;
                Ok(doc_of_message(&m, &*numbers.of(store, m.site_id).await?))
            }
            Self::Consultation => Ok(consultation_doc(&consultations::get(store, id).await?)),
            Self::Task => Ok(task_doc(store, id).await?),
            Self::AuditReport => Ok(audit_report_doc(store, id).await?),
            Self::Dataset => {
                let d = gongkai_store::datasets::get(store, id).await?;
                Ok(datasets::doc(&d, &*numbers.of(store, d.site_id).await?))
            }
        }
    }
}

/// Adds every document of one kind, a page of ids at a time, counting them into `done` and
/// telling `progress`.
async fn add_all(
    store: &Store,
    index: &SearchIndex,
    kind: Kind,
    done: &mut usize,
    progress: &mut impl FnMut(usize),
) -> Result<(), JobsError> {
    let mut after = 0;
    let mut numbers = NumbersBySite::default();
    loop {
        let ids = kind.ids_after(store, after).await?;
        let Some(last) = ids.last().copied() else {
            return Ok(());
        };
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            docs.push(kind.doc(store, &mut numbers, id).await?);
        }
        index.upsert(&docs)?;
        *done += docs.len();
        progress(*done);
        after = last;
    }
}

/// Rebuilds the index from the records, the published exchanges and the public consultations; `progress` is told how
/// many documents are done.
pub async fn rebuild(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(usize),
) -> Result<usize, JobsError> {
    let position = feed::latest(store).await?;
    index.clear()?;
    let mut done = 0;
    for kind in [
        Kind::Record,
        Kind::Message,
        Kind::Consultation,
        Kind::Task,
        Kind::AuditReport,
        Kind::Dataset,
    ] {
        add_all(store, index, kind, &mut done, &mut progress).await?;
    }
    list_rows::add_all(store, index, &mut done, &mut progress).await?;
    index.set_last_applied_feed_id(position)?;
    index.commit()?;
    // Changes made while rebuilding are applied too.
    catch_up(store, index).await?;
    Ok(done)
}

/// Follows the change feed every `every`, and at once when the node hears it grow
/// (`feed::Wakeup`), until `stop` resolves (run by each serving node).
pub async fn follow(
    store: Store,
    index: Arc<SearchIndex>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut wakeup = store.feed_wakeup();
    loop {
        if let Err(e) = catch_up(&store, &index).await {
            tracing::warn!(error = %e, "search index not updated");
        }
        tokio::select! {
            _ = wakeup.after(every) => {}
            _ = stop.changed() => return,
        }
    }
}
