//! Keeping the search index in step with the store, and turning a record into a search
//! document. The index is derived data: [`catch_up`] applies the change feed from the index's
//! last applied position; [`rebuild`] starts over from the records. Each node runs
//! [`follow`] for its own index, so every node sees every change.

use std::sync::Arc;
use std::time::Duration;

use gongkai_domain::consultation::ConsultationStatus;
use gongkai_domain::record::Visibility;
use gongkai_domain::time::beijing_date;
use gongkai_search::{Doc, SearchIndex};
use gongkai_store::consultations::{self, Consultation};
use gongkai_store::messages::{self, Message};
use gongkai_store::records::Record;
use gongkai_store::{Store, attachments, feed, records};

use crate::WebError;

fn search_error(e: gongkai_search::SearchError) -> WebError {
    WebError::Conflict(format!("搜索索引出错：{e}"))
}

/// The search document of a record (all its text, attachments included).
pub async fn doc_of(store: &Store, r: &Record) -> Result<Doc, WebError> {
    let files = attachments::list(store, r.id).await?;
    let published = r.published_at;
    Ok(Doc {
        id: r.index_no.clone().unwrap_or_default(),
        title: r.title.clone(),
        body: r.body_text.clone(),
        attachments_text: files
            .iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        doc_number: r.doc_number.clone(),
        org_code: r.org_code.clone(),
        org_name: r.org_name.clone(),
        theme: r.theme.replace('\\', "/"),
        kind: r.kind.label().to_owned(),
        validity: r.validity.label().to_owned(),
        published_at: published.map_or(0, |t| t.timestamp()),
        year: published.map(|t| chrono::Datelike::year(&beijing_date(t))),
        url: r
            .index_no
            .as_deref()
            .map(crate::public::xxgk::record_url)
            .unwrap_or_default(),
        content_type: "record".into(),
    })
}

/// The search id of a published exchange (records use their 索引号).
fn message_doc_id(id: i64) -> String {
    format!("message:{id}")
}

/// The search document of a published 政民互动 exchange: title, message and reply, with
/// personal data masked exactly as on its public page.
pub fn doc_of_message(m: &Message) -> Doc {
    use crate::public::hudong::masked;
    let replied = m.replied_on;
    Doc {
        id: message_doc_id(m.id),
        title: masked(m, &m.title),
        body: format!("{}\n{}", masked(m, &m.content), masked(m, &m.reply_text)),
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
        url: format!("/hudong/{}", m.id),
        content_type: "message".into(),
    }
}

/// Applies one message's current state: indexed while it is on the public list, removed
/// otherwise (hidden, or never published).
async fn apply_message(store: &Store, index: &SearchIndex, id: i64) -> Result<(), WebError> {
    let m = match messages::get(store, id).await {
        Ok(m) => m,
        Err(gongkai_store::StoreError::NotFound { .. }) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if m.is_public() {
        index.upsert(&[doc_of_message(&m)]).map_err(search_error)?;
    } else {
        index.delete(&message_doc_id(id)).map_err(search_error)?;
    }
    Ok(())
}

/// The search key of a consultation (records use their 索引号).
pub fn consultation_key(id: i64) -> String {
    format!("zhengji-{id}")
}

/// The page of a search document, from its key: a consultation's `/zhengji/…`, an exchange's
/// `/hudong/…` or a record's `/xxgk/…`.
pub fn url_of(key: &str) -> String {
    if let Some(id) = key.strip_prefix("zhengji-") {
        crate::public::zhengji::url(id.parse().unwrap_or_default())
    } else if let Some(id) = key.strip_prefix("message:") {
        format!("/hudong/{id}")
    } else {
        crate::public::xxgk::record_url(key)
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
        url: crate::public::zhengji::url(c.id),
        content_type: "consultation".into(),
    }
}

/// Applies one consultation's current state: indexed once published (open, closed or with
/// feedback), removed while a draft.
async fn apply_consultation(store: &Store, index: &SearchIndex, id: i64) -> Result<(), WebError> {
    let c = match consultations::get(store, id).await {
        Ok(c) => c,
        Err(gongkai_store::StoreError::NotFound { .. }) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if c.status == ConsultationStatus::Draft {
        index.delete(&consultation_key(id)).map_err(search_error)?;
    } else {
        index
            .upsert(&[consultation_doc(&c)])
            .map_err(search_error)?;
    }
    Ok(())
}

/// Applies one record's current state: indexed when published 主动公开 (scheduled ones too — the
/// search only shows what is already public), removed otherwise.
async fn apply_record(store: &Store, index: &SearchIndex, id: i64) -> Result<(), WebError> {
    let r = match records::get(store, id).await {
        Ok(r) => r,
        Err(gongkai_store::StoreError::NotFound { .. }) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let Some(index_no) = r.index_no.clone() else {
        return Ok(());
    };
    if r.visible(Visibility::SEARCHABLE, chrono::Utc::now()) {
        index
            .upsert(&[doc_of(store, &r).await?])
            .map_err(search_error)?;
    } else {
        index.delete(&index_no).map_err(search_error)?;
    }
    Ok(())
}

/// Applies every change after the index's last applied position; returns how many changes.
pub async fn catch_up(store: &Store, index: &SearchIndex) -> Result<usize, WebError> {
    let mut after = index
        .last_applied_feed_id()
        .map_err(search_error)?
        .unwrap_or(0);
    let mut applied = 0;
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
            match object_type {
                "record" => apply_record(store, index, id).await?,
                "message" => apply_message(store, index, id).await?,
                "consultation" => apply_consultation(store, index, id).await?,
                _ => {}
            }
        }
        applied += items.len();
        index.set_last_applied_feed_id(last).map_err(search_error)?;
        index.commit().map_err(search_error)?;
        after = last;
    }
    Ok(applied)
}

/// Rebuilds the index from the records, the published exchanges and the public consultations; `progress` is told how
/// many documents are done.
pub async fn rebuild(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(usize),
) -> Result<usize, WebError> {
    let position = feed::latest(store).await?;
    index.clear().map_err(search_error)?;
    let mut after = 0;
    let mut done = 0;
    loop {
        let ids = records::searchable_ids(store, after, 500).await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            let r = records::get(store, id).await?;
            docs.push(doc_of(store, &r).await?);
        }
        index.upsert(&docs).map_err(search_error)?;
        done += docs.len();
        progress(done);
        after = last;
    }
    let mut after = 0;
    loop {
        let ids = messages::public_ids(store, after, 500).await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            docs.push(doc_of_message(&messages::get(store, id).await?));
        }
        index.upsert(&docs).map_err(search_error)?;
        done += docs.len();
        progress(done);
        after = last;
    }
    let mut after = 0;
    loop {
        let ids = consultations::searchable_ids(store, after, 500).await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            docs.push(consultation_doc(&consultations::get(store, id).await?));
        }
        index.upsert(&docs).map_err(search_error)?;
        done += docs.len();
        progress(done);
        after = last;
    }
    index
        .set_last_applied_feed_id(position)
        .map_err(search_error)?;
    index.commit().map_err(search_error)?;
    // Changes made while rebuilding are applied too.
    catch_up(store, index).await?;
    Ok(done)
}

/// Follows the change feed every `every` until `stop` resolves (run by each serving node).
pub async fn follow(
    store: Store,
    index: Arc<SearchIndex>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = catch_up(&store, &index).await {
            tracing::warn!(error = %e, "search index not updated");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
