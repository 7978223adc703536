//! Open-data datasets as search documents: a published dataset is found by `/search` and by
//! the catalogue's text query (`/data/?q=`); a dataset returned to draft or otherwise no longer
//! published leaves the index.

use gongkai_domain::dataset::{DatasetStatus, OpenTheme};
use gongkai_domain::pii::{self, PublicNumbers};
use gongkai_domain::time::beijing_date;
use gongkai_domain::urls;
use gongkai_search::Doc;
use gongkai_store::datasets::{self, Dataset};
use gongkai_store::{Store, StoreError};

use crate::JobsError;

/// The content type of a dataset's document.
pub const CONTENT_TYPE: &str = "dataset";

/// The search key of a dataset.
pub fn key(id: i64) -> String {
    format!("dataset-{id}")
}

/// The dataset id of a search key, when it is a dataset's.
pub fn id_of_key(key: &str) -> Option<i64> {
    key.strip_prefix("dataset-")?.parse().ok()
}

/// The search document of a dataset: its title, description, name, tags, themes and
/// resources' names and descriptions; dated by its publication. Its text is masked as a
/// record's: no personal number reaches the index, except the site's public ones, `allowed`.
pub fn doc(d: &Dataset, allowed: &PublicNumbers) -> Doc {
    let mut body = vec![d.notes.clone(), d.name.clone(), d.tags.join(" ")];
    body.extend(
        d.groups
            .iter()
            .filter_map(|g| OpenTheme::parse(g).ok())
            .map(|t| t.label().to_owned()),
    );
    for r in &d.resources {
        body.push(format!("{} {} {}", r.name, r.format, r.description));
    }
    let published = d.published_at.unwrap_or(d.updated_at);
    Doc {
        id: key(d.id),
        title: pii::mask_except(&d.title, allowed),
        body: pii::mask_except(&body.join("\n"), allowed),
        attachments_text: String::new(),
        doc_number: String::new(),
        org_code: d.org_code.clone(),
        org_name: d.org_name.clone(),
        theme: String::new(),
        kind: "开放数据".into(),
        validity: String::new(),
        published_at: published.timestamp(),
        year: Some(chrono::Datelike::year(&beijing_date(published))),
        url: urls::dataset(&d.name),
        content_type: CONTENT_TYPE.into(),
        site: d.site_id.to_string(),
    }
}

/// The document of the dataset `id` when it is published; `None` when it is not (or no longer
/// exists), so it leaves the index.
pub(super) async fn current(
    store: &Store,
    id: i64,
    numbers: &mut super::NumbersBySite,
) -> Result<Option<Doc>, JobsError> {
    match datasets::get(store, id).await {
        Ok(d) if d.status == DatasetStatus::Published => {
            let allowed = numbers.of(store, d.site_id).await?;
            Ok(Some(doc(&d, &allowed)))
        }
        Ok(_) | Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
