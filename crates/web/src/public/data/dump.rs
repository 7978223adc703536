//! `GET /datastore/dump/{resource_id}`: CKAN's dump of a loaded table, the whole table (or the
//! rows its `q`, `filters`, `sort`, `fields`, `limit` and `offset` choose, read as
//! `datastore_search` reads them) as a file — `format=csv` (the default: UTF-8 with a BOM,
//! streamed a page at a time) or `format=xlsx` (one sheet, written on a blocking thread in
//! rust_xlsxwriter's constant-memory mode, at most Excel's 1,048,575 rows). Text cells starting
//! with `=`, `+`, `-` or `@` are neutralised in both. Only a published 无条件开放 dataset of the
//! request's site is dumped, as the download of its file; the dump counts as a download.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gongkai_content::table::{Cell, CsvWriter};
use gongkai_domain::ErrorCode;
use gongkai_domain::dataset::{DatasetStatus, Openness};
use gongkai_export::{ExportError, MAX_DATA_ROWS};
use gongkai_store::datastore::{self as ds, DatastoreQuery};
use gongkai_store::{Store, StoreError, datasets};
use serde_json::{Map, Value};

use crate::WebError;
use crate::download::disposition;
use crate::page::Visit;

/// Rows read from the table per page of a dump.
const PAGE: i64 = 1000;

/// The dump's file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// A refusal of the query's parameters, in words (400).
fn invalid(reason: &str) -> WebError {
    WebError::BadRequest(ErrorCode::DatasetDumpQueryInvalid.refusal(&[("reason", &reason)]))
}

/// A store error of the dump: a bad parameter is a 400 naming it, a missing table a 404.
fn store_error(e: StoreError) -> WebError {
    match e {
        StoreError::DatastoreValidation(errors) => {
            let reason = errors
                .0
                .iter()
                .flat_map(|(field, messages)| messages.iter().map(move |m| format!("{field}：{m}")))
                .collect::<Vec<_>>()
                .join("；");
            invalid(&reason)
        }
        StoreError::NotFound { .. } => {
            WebError::NotFound(ErrorCode::DatasetResourceNotFound.into())
        }
        other => other.into(),
    }
}

/// `GET /datastore/dump/{resource_id}?format=csv|xlsx&q=&filters=&sort=&fields=&limit=&offset=`.
pub async fn dump(
    visit: Visit,
    Path(uuid): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::DatasetResourceNotFound.into());
    let store = &visit.state.store;
    let site = visit.site().await?;
    let resource = datasets::resource(store, &uuid)
        .await?
        .ok_or_else(not_found)?;
    let dataset = datasets::get(store, resource.dataset_id).await?;
    if dataset.site_id != site.id || dataset.status != DatasetStatus::Published {
        return Err(not_found());
    }
    if dataset.openness != Openness::Unconditional {
        return Err(WebError::Forbidden("下载该数据集的数据表（非无条件开放）"));
    }
    if !resource.datastore_active {
        return Err(not_found());
    }

    let mut raw = Map::new();
    let mut format = Format::Csv;
    for (key, value) in params.into_iter().take(64) {
        match key.as_str() {
            "format" => {
                format = match value.trim().to_ascii_lowercase().as_str() {
                    "" | "csv" => Format::Csv,
                    "xlsx" => Format::Xlsx,
                    _ => return Err(invalid("format 只能是 csv 或 xlsx")),
                }
            }
            // CKAN's `bom` flag: the CSV always carries one, so spreadsheets read Chinese.
            "bom" => {}
            "q" | "filters" | "sort" | "fields" | "limit" | "offset" => {
                raw.insert(key, Value::String(value));
            }
            other => return Err(invalid(&format!("不支持参数“{other}”"))),
        }
    }
    raw.insert("resource_id".into(), Value::from(resource.id));
    // The limit bounds the whole dump, not a page: read it apart from the query.
    let limit = match raw.remove("limit") {
        None => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => match s.trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => return Err(invalid("limit 须为不小于 0 的整数")),
        },
        Some(_) => None,
    };
    let query = DatastoreQuery::from_params(&raw).map_err(store_error)?;

    let stem = format!("{}-{}", dataset.name, resource.name);
    let mut pages = Pages {
        store: store.clone(),
        query,
        left: limit,
        done: false,
    };
    // The first page is read before answering, so a bad field or sort is a message page.
    let (names, first) = pages.next().await.map_err(store_error)?;
    datasets::count_download(store, resource.id).await?;
    match format {
        Format::Csv => {
            let head = csv_bytes(true, &names, &first)?;
            let stream =
                futures_util::stream::unfold((pages, Some(head)), |(mut pages, head)| async move {
                    if let Some(head) = head {
                        return Some((Ok::<_, std::io::Error>(head), (pages, None)));
                    }
                    if pages.done {
                        return None;
                    }
                    match pages.next().await {
                        Ok((names, rows)) if !rows.is_empty() => {
                            let bytes = csv_bytes(false, &names, &rows)
                                .map_err(|_| std::io::Error::other("写出 CSV 失败"));
                            Some((bytes, (pages, None)))
                        }
                        Ok(_) => None,
                        Err(e) => Some((Err(std::io::Error::other(e.to_string())), (pages, None))),
                    }
                });
            Ok(file(
                "text/csv; charset=utf-8",
                &format!("{stem}.csv"),
                Body::from_stream(stream),
            ))
        }
        Format::Xlsx => {
            let total = ds::count_matching(store, &pages.query)
                .await
                .map_err(store_error)?;
            let rows = (total - pages.query.offset).max(0) as u64;
            let rows = limit.map_or(rows, |l| rows.min(l));
            if rows > MAX_DATA_ROWS {
                return Err(WebError::Conflict(
                    ErrorCode::DatasetDumpTooManyRows
                        .refusal(&[("rows", &rows), ("max", &MAX_DATA_ROWS)]),
                ));
            }
            let bytes = xlsx(pages, &dataset.title, names, first).await?;
            Ok(file(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{stem}.xlsx"),
                Body::from(bytes),
            ))
        }
    }
}

/// The pages of a dump, each read as `datastore_search` reads one.
struct Pages {
    store: Store,
    query: DatastoreQuery,
    /// Rows still to give when the client set a limit.
    left: Option<u64>,
    done: bool,
}

impl Pages {
    /// The next page's column names and rows (none once the table or the limit is done).
    async fn next(&mut self) -> Result<(Vec<String>, Vec<Vec<Cell>>), StoreError> {
        let size = self.left.map_or(PAGE, |l| PAGE.min(l as i64));
        let mut query = self.query.clone();
        query.limit = Some(size);
        let (names, rows) = ds::dump_page(&self.store, &query).await?;
        let got = rows.len() as i64;
        self.query.offset = self.query.offset.saturating_add(got);
        if let Some(l) = &mut self.left {
            *l = l.saturating_sub(got as u64);
        }
        if got < size || size == 0 {
            self.done = true;
        }
        Ok((names, rows))
    }
}

/// One page as CSV; the first with the BOM and the heading row.
fn csv_bytes(first: bool, names: &[String], rows: &[Vec<Cell>]) -> Result<Bytes, WebError> {
    let failed = |_| WebError::Store(StoreError::Io("写出 CSV 失败".into()));
    let mut writer = if first {
        let mut w = CsvWriter::new(Vec::new()).map_err(failed)?;
        w.write_header(names.iter().map(String::as_str))
            .map_err(failed)?;
        w
    } else {
        CsvWriter::continuing(Vec::new())
    };
    for row in rows {
        writer.write_row(row).map_err(failed)?;
    }
    Ok(Bytes::from(writer.finish().map_err(failed)?))
}

/// The workbook of the dump: pages read here are handed through a bounded channel to the
/// writer on a blocking thread.
async fn xlsx(
    mut pages: Pages,
    title: &str,
    names: Vec<String>,
    first: Vec<Vec<Cell>>,
) -> Result<Vec<u8>, WebError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<Vec<Cell>>, StoreError>>(2);
    let sheet = title.to_owned();
    let writer = tokio::task::spawn_blocking(move || {
        let mut first = Some(first);
        gongkai_export::table_xlsx(&sheet, &names, || match first.take() {
            Some(page) => Some(Ok(page)),
            None => rx.blocking_recv(),
        })
    });
    while !pages.done {
        let page = pages.next().await.map(|(_, rows)| rows);
        let stop = page.as_ref().map_or(true, Vec::is_empty);
        if tx.send(page).await.is_err() || stop {
            break;
        }
    }
    drop(tx);
    let written = writer
        .await
        .map_err(|_| WebError::Store(StoreError::Io("生成 Excel 文件的线程失败".into())))?;
    match written {
        Err(e) => Err(store_error(e)),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(ExportError::TooManyRows { max })) => Err(WebError::Conflict(
            ErrorCode::DatasetDumpTooManyRows
                .refusal(&[("rows", &format!("超过 {max}")), ("max", &max)]),
        )),
        Ok(Err(e)) => Err(WebError::Store(StoreError::Io(e.to_string()))),
    }
}

/// A file answer: its type, its name (RFC 5987), not kept by shared caches.
fn file(mime: &'static str, name: &str, body: Body) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}
