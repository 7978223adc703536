//! `GET /data/{name}/resources/{id}/chart?x=…&y=…&kind=bar|line`: a chart of a loaded table of
//! an unconditionally open dataset (the rows `datastore_search` lets anyone read) — a numeric
//! column summed over the values of a date or category column, as server-drawn SVG
//! (`domain::data_chart`), with the same numbers as a table beside it for screen readers and a
//! no-JavaScript form to choose the columns. An unknown column is a Chinese message, not an
//! error page.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::ErrorCode;
use gongkai_domain::data_chart::{self, Chart, ChartKind, MAX_POINTS};
use gongkai_domain::dataset::Openness;
use gongkai_store::datastore::{self as ds, DatastoreQuery, Records, RecordsFormat};
use minijinja::{Value, context};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::WebError;
use crate::page::Visit;
use crate::view::tables::{choices, form};

/// The most rows read for one chart (summed; the page says when there were more).
pub const ROWS_READ: i64 = 10_000;

/// The columns and kind chosen.
#[derive(Debug, Default, Deserialize)]
pub struct ChartQuery {
    /// The x column (a date or category).
    #[serde(default)]
    pub x: String,
    /// The y column (numeric).
    #[serde(default)]
    pub y: String,
    /// `bar` or `line`.
    #[serde(default)]
    pub kind: String,
}

fn cell_text(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn cell_number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The chart page with `message` instead of a chart (400).
async fn refusal(visit: &Visit, base: Value, message: String) -> Result<Response, WebError> {
    visit
        .state
        .page_with_status(
            &visit.ctx,
            StatusCode::BAD_REQUEST,
            "data/chart.html",
            context! { message, ..base },
        )
        .await
}

/// `GET /data/{name}/resources/{id}/chart`.
pub async fn show(
    visit: Visit,
    Path((name, id)): Path<(String, String)>,
    Query(q): Query<ChartQuery>,
) -> Result<Response, WebError> {
    let d = super::published(&visit, &name).await?;
    let r = d
        .resources
        .iter()
        .find(|r| r.uuid == id)
        .ok_or_else(|| WebError::NotFound(ErrorCode::DatasetResourceNotFound.into()))?;
    if d.openness != Openness::Unconditional {
        return Err(WebError::Forbidden("查看该数据集的图表（非无条件开放）"));
    }
    let store = &visit.state.store;
    let info = match ds::info(store, r.id).await? {
        Some(info) if r.datastore_active => info,
        _ => {
            return visit
                .state
                .page_with_status(
                    &visit.ctx,
                    StatusCode::NOT_FOUND,
                    "data/chart.html",
                    context! {
                        d => context! { title => &d.title, name => &d.name },
                        resource => &r.name,
                        message => "该资源尚未载入数据表，暂不能生成图表。",
                    },
                )
                .await;
        }
    };
    let (xs, ys) = choices(&info.fields);
    let kind = ChartKind::parse(&q.kind).unwrap_or_default();
    let x = match q.x.trim() {
        "" => xs.first().cloned().unwrap_or_default(),
        x => x.to_owned(),
    };
    let y = match q.y.trim() {
        "" => ys.first().cloned().unwrap_or_default(),
        y => y.to_owned(),
    };
    let action = format!(
        "{}/resources/{}/chart",
        gongkai_domain::urls::dataset(&d.name),
        r.uuid
    );
    let chart_form = form(action, &info.fields, &x, &y, kind);
    let base = context! {
        d => context! { title => &d.title, name => &d.name },
        resource => &r.name, form => chart_form,
    };
    if ys.is_empty() {
        return refusal(
            &visit,
            base,
            "该数据表没有数值列，不能生成图表。".to_owned(),
        )
        .await;
    }
    if !xs.contains(&x) {
        return refusal(
            &visit,
            base,
            format!(
                "该数据表没有名为“{}”的列，请从列表中选择横轴。",
                x.chars().take(50).collect::<String>()
            ),
        )
        .await;
    }
    if !ys.contains(&y) {
        return refusal(
            &visit,
            base,
            format!(
                "该数据表没有名为“{}”的数值列，请从列表中选择纵轴。",
                y.chars().take(50).collect::<String>()
            ),
        )
        .await;
    }
    let fields = if x == y {
        vec![x.clone()]
    } else {
        vec![x.clone(), y.clone()]
    };
    let query = DatastoreQuery {
        fields: Some(fields),
        limit: Some(ROWS_READ),
        records_format: RecordsFormat::Lists,
        include_total: false,
        ..DatastoreQuery::new(r.id)
    };
    let found = match ds::search(store, &query).await {
        Ok(found) => found,
        Err(gongkai_store::StoreError::NotFound { .. }) => return Err(super::not_found()),
        Err(e) => return Err(e.into()),
    };
    let Records::Lists(rows) = found.records else {
        return Err(super::not_found());
    };
    let y_at = usize::from(x != y);
    let x_is_date = info
        .fields
        .iter()
        .any(|f| f.id == x && f.field_type == "date");
    let summed = data_chart::sum_by_x(
        rows.iter().map(|row| {
            (
                row.first().and_then(cell_text),
                row.get(y_at).and_then(cell_number),
            )
        }),
        x_is_date,
        MAX_POINTS,
    );
    let title = format!("{}：按“{x}”合计的“{y}”", r.name);
    let svg = data_chart::svg(&Chart {
        kind,
        title: &title,
        x_label: &x,
        y_label: &y,
        points: &summed.points,
        id: "chart",
    });
    let points: Vec<Value> = summed
        .points
        .iter()
        .map(|p| context! { x => &p.x, y => data_chart::number(p.y) })
        .collect();
    visit
        .page(
            "data/chart.html",
            context! {
                title, x, y, kind => kind.label(),
                svg => Value::from_safe_string(svg),
                points,
                rows_read => summed.rows, skipped => summed.skipped,
                left_out => summed.left_out, max_points => MAX_POINTS,
                more_rows => info.row_count > ROWS_READ, row_count => info.row_count,
                rows_limit => ROWS_READ, by_date => x_is_date,
                ..base
            },
        )
        .await
}
