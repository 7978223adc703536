//! Rows of the typed public lists (权力清单, 办事指南, 执法公示 …) as search documents: a row
//! is in the index while the public sees it (`ListRow::is_public`: published, and for a 公示
//! list before its end) and leaves it with the feed row of the change that took it off the
//! public side — a withdrawal, an edit, or the recorded end of its 公示 (`end_gongshi`).
//!
//! The body is the row's public cells as its public page shows them, masked by each field's
//! rule, one `标题：内容` line each (`Schema::public_text`); a staff-only or unmasked cell never
//! reaches the index.

use chrono::{DateTime, Utc};
use gongkai_domain::time::beijing_date;
use gongkai_domain::typed_list::Schema;
use gongkai_domain::urls;
use gongkai_search::{Doc, SearchIndex};
use gongkai_store::Store;
use gongkai_store::typed_lists::{self, ListRow};

use crate::JobsError;

/// The search documents' content type.
pub const CONTENT_TYPE: &str = "list_row";
/// How a row's key starts: `qingdan-<list code>-<row id>`.
const PREFIX: &str = "qingdan-";

/// The search key of the row `id` of the list `code`.
pub fn key(code: &str, id: i64) -> String {
    format!("{PREFIX}{code}-{id}")
}

/// The public page of a row's search key (`qingdan-<code>-<id>`), or `None` for another key.
pub fn url_of(key: &str) -> Option<String> {
    let rest = key.strip_prefix(PREFIX)?;
    let (code, id) = rest.rsplit_once('-')?;
    Some(urls::list_row(code, id.parse().ok()?))
}

/// The search document of a public row of the list `schema`.
pub fn doc(schema: &Schema, row: &ListRow) -> Doc {
    let title = schema.public_title(&row.cells);
    let published = row.published_at;
    Doc {
        id: key(&row.type_code, row.id),
        title: if title.trim().is_empty() {
            schema.name.clone()
        } else {
            title
        },
        body: schema.public_text(&row.cells),
        attachments_text: String::new(),
        doc_number: String::new(),
        org_code: String::new(),
        org_name: row.org_name.clone(),
        theme: String::new(),
        kind: schema.name.clone(),
        validity: row.validity.label().to_owned(),
        published_at: published.map_or(0, |t| t.timestamp()),
        year: published.map(|t| chrono::Datelike::year(&beijing_date(t))),
        url: urls::list_row(&row.type_code, row.id),
        content_type: CONTENT_TYPE.into(),
        site: row.site_id.to_string(),
    }
}

/// The document of the row `id` if the public sees it at `at`, with its key; `None` for a
/// row that does not exist (nothing to index or remove).
async fn current(
    store: &Store,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<(String, Option<Doc>)>, JobsError> {
    let Some(row) = typed_lists::by_id(store, id).await? else {
        return Ok(None);
    };
    let key = key(&row.type_code, row.id);
    if !row.is_public(at) {
        return Ok(Some((key, None)));
    }
    let schema = match typed_lists::schema(store, row.site_id, &row.type_code).await {
        Ok(s) => s,
        // A list type no longer defined: its rows are on no public page.
        Err(gongkai_store::StoreError::NotFound { .. }) => return Ok(Some((key, None))),
        Err(e) => return Err(e.into()),
    };
    Ok(Some((key, Some(doc(&schema, &row)))))
}

/// Applies the row `id`'s current state: indexed while public, removed otherwise.
pub async fn apply(store: &Store, index: &SearchIndex, id: i64) -> Result<(), JobsError> {
    match current(store, id, Utc::now()).await? {
        Some((_, Some(doc))) => index.upsert(&[doc]).map(drop)?,
        Some((key, None)) => index.delete(&key)?,
        None => {}
    }
    Ok(())
}

/// Adds every public row to the index (a rebuild), a page of ids at a time, counting them into
/// `done` and telling `progress`.
pub async fn add_all(
    store: &Store,
    index: &SearchIndex,
    done: &mut usize,
    progress: &mut impl FnMut(usize),
) -> Result<(), JobsError> {
    let mut after = 0;
    let at = Utc::now();
    loop {
        let ids = typed_lists::searchable_ids(store, after, 500).await?;
        let Some(last) = ids.last().copied() else {
            return Ok(());
        };
        let mut docs = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((_, Some(doc))) = current(store, id, at).await? {
                docs.push(doc);
            }
        }
        index.upsert(&docs)?;
        *done += docs.len();
        progress(*done);
        after = last;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_lead_to_the_row_page() {
        assert_eq!(key("quanli", 12), "qingdan-quanli-12");
        assert_eq!(
            url_of(&key("my-list", 7)).as_deref(),
            Some("/xxgk/qingdan/my-list/7")
        );
        assert_eq!(url_of("qingdan-x"), None);
        assert_eq!(url_of("WQX001-2018-000060"), None);
    }
}
