//! Keeping the search index in step with the store, and turning a record into a search
//! document. The index is derived data: [`catch_up`] applies the change feed from the index's
//! last applied position; [`rebuild`] starts over from the records. Each node runs
//! [`follow`] for its own index, so every node sees every change.

use std::sync::Arc;
use std::time::Duration;

use gongkai_domain::record::{RecordKind, Validity};
use gongkai_domain::time::{beijing_date, parse_storage_timestamp};
use gongkai_search::{Doc, SearchIndex};
use gongkai_store::records::Record;
use gongkai_store::{Store, attachments, feed, records};

use crate::WebError;

fn search_error(e: gongkai_search::SearchError) -> WebError {
    WebError::Conflict(format!("搜索索引出错：{e}"))
}

/// The search document of a record (all its text, attachments included).
pub async fn doc_of(store: &Store, r: &Record) -> Result<Doc, WebError> {
    let files = attachments::list(store, r.id).await?;
    let published = r.published_at.as_deref().and_then(parse_storage_timestamp);
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
        kind: RecordKind::parse(&r.kind)
            .map(|k| k.label())
            .unwrap_or_default()
            .to_owned(),
        validity: Validity::parse(&r.validity)
            .map(|v| v.label())
            .unwrap_or_default()
            .to_owned(),
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
    if r.status == "published" && r.disclosure == "proactive" {
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
        let mut ids: Vec<i64> = items
            .iter()
            .filter(|i| i.object_type == "record")
            .filter_map(|i| i.object_id.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            apply_record(store, index, id).await?;
        }
        applied += items.len();
        index.set_last_applied_feed_id(last).map_err(search_error)?;
        index.commit().map_err(search_error)?;
        after = last;
    }
    Ok(applied)
}

/// Rebuilds the index from the records; `progress` is told how many records are done.
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
