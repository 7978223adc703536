//! A dataset's uploaded tables as pages show them: the first rows of each loaded table (a
//! captioned table, for screen readers and everyone), or how far a load in progress has come
//! (a progress bar, from the loader's `datastore_loads` row). The public dataset page and the
//! back office's dataset page show the same.

use minijinja::{Value, context};

use crate::WebError;

/// How many of a dataset's tables its page previews, and how many rows of each.
pub const PREVIEWED_TABLES: usize = 3;
/// Rows shown of each table.
pub const PREVIEW_ROWS: i64 = 10;

/// The first rows of each of the dataset's loaded tables (a table for screen readers and for
/// everyone), or how far a load in progress has come.
pub async fn previews(
    store: &gongkai_store::Store,
    d: &gongkai_store::datasets::Dataset,
) -> Result<Vec<Value>, WebError> {
    use gongkai_store::datastore::{self as ds, DatastoreQuery, Records, RecordsFormat};
    let mut out = Vec::new();
    for r in d
        .resources
        .iter()
        .filter(|r| {
            r.sha256.is_some() && matches!(r.format.to_ascii_uppercase().as_str(), "CSV" | "XLSX")
        })
        .take(PREVIEWED_TABLES)
    {
        if !r.datastore_active {
            if let Some(p) = ds::load_progress(store, r.id).await? {
                out.push(context! {
                    name => &r.name, loading => true, percent => p.percent(), rows => p.rows_done,
                });
            }
            continue;
        }
        // The total is the registry's row count, not a count of the table on every view.
        let query = DatastoreQuery {
            limit: Some(PREVIEW_ROWS),
            records_format: RecordsFormat::Lists,
            include_total: false,
            ..DatastoreQuery::new(r.id)
        };
        let total = ds::info(store, r.id).await?.map(|i| i.row_count);
        let found = match ds::search(store, &query).await {
            Ok(found) => found,
            // A table dropped between the two reads: no preview, not an error page.
            Err(gongkai_store::StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let Records::Lists(rows) = found.records else {
            continue;
        };
        let cell = |v: &serde_json::Value| match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // `_id` is the datastore's own row number, not the file's.
        let columns: Vec<String> = found.fields.iter().skip(1).map(|f| f.id.clone()).collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().skip(1).map(cell).collect())
            .collect();
        let shown = rows.len();
        out.push(context! {
            name => &r.name, loading => false, columns, rows, shown,
            total,
            api => format!("/api/3/action/datastore_search?resource_id={}", r.uuid),
        });
    }
    Ok(out)
}
