//! A dataset's uploaded tables as pages show them: the first rows of each loaded table (a
//! captioned table, for screen readers and everyone), or how far a load in progress has come
//! (a progress bar, from the loader's `datastore_loads` row). The public dataset page and the
//! back office's dataset page show the same.

use gongkai_domain::data_chart::ChartKind;
use gongkai_domain::urls;
use gongkai_store::datastore::DatastoreField;
use minijinja::{Value, context};

use crate::WebError;

/// How many of a dataset's tables its page previews, and how many rows of each.
pub const PREVIEWED_TABLES: usize = 3;
/// Rows shown of each table.
pub const PREVIEW_ROWS: i64 = 10;

/// The first rows of each of the dataset's loaded tables (a table for screen readers and for
/// everyone), or how far a load in progress has come; with `charts`, each loaded table also
/// carries the form that draws it as a chart (the public page, where its rows may be read).
pub async fn previews(
    store: &gongkai_store::Store,
    d: &gongkai_store::datasets::Dataset,
    charts: bool,
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
        let chart = charts
            .then(|| {
                form(
                    format!("{}/resources/{}/chart", urls::dataset(&d.name), r.uuid),
                    &found.fields,
                    "",
                    "",
                    ChartKind::Bar,
                )
            })
            .flatten();
        out.push(context! {
            name => &r.name, loading => false, columns, rows, shown,
            total, chart,
            dump => charts.then(|| format!("/datastore/dump/{}", r.uuid)),
            api => format!("/api/3/action/datastore_search?resource_id={}", r.uuid),
        });
    }
    Ok(out)
}

/// Whether a column holds numbers (a chart's y).
fn numeric(f: &DatastoreField) -> bool {
    matches!(f.field_type.as_str(), "int" | "numeric")
}

/// The columns a chart may use: every column for x (dates and categories first), the numeric
/// ones for y; `_id` never.
pub fn choices(fields: &[DatastoreField]) -> (Vec<String>, Vec<String>) {
    let columns = fields.iter().filter(|f| f.id != "_id");
    let mut xs: Vec<&DatastoreField> = columns.clone().collect();
    xs.sort_by_key(|f| match f.field_type.as_str() {
        "date" => 0,
        "text" => 1,
        _ => 2,
    });
    (
        xs.into_iter().map(|f| f.id.clone()).collect(),
        columns
            .filter(|f| numeric(f))
            .map(|f| f.id.clone())
            .collect(),
    )
}

/// The chart form's values for a table with `fields`, or `None` when it has no numeric column.
pub fn form(
    action: String,
    fields: &[DatastoreField],
    x: &str,
    y: &str,
    kind: ChartKind,
) -> Option<Value> {
    let (xs, ys) = choices(fields);
    if ys.is_empty() || xs.is_empty() {
        return None;
    }
    Some(context! {
        action, xs, ys, x, y, kind => kind.code(),
        kinds => [ChartKind::Bar, ChartKind::Line].map(|k| context! { code => k.code(), label => k.label() }),
    })
}
