//! A typed list's rows as an Excel workbook and back: the export staff edit, and the import
//! that checks every row (each problem named by sheet, row and column) and stores nothing
//! while any remain — unless the member of staff chose to import the good rows and leave the
//! rest (`good_rows_only`).

use gongkai_domain::ErrorCode;
pub use gongkai_export::MAX_XLSX_BYTES;
use gongkai_export::{ExportError, ExportRow, Problem, list_xlsx, read_list_xlsx};
use gongkai_store::Store;
use gongkai_store::typed_lists::{self, ImportRow, Imported, MAX_PAGE_ROWS, RowFilter, RowInput};

use crate::ServiceError;

/// The most rows one export holds (the import's bound too).
pub const MAX_EXPORT_ROWS: usize = gongkai_export::MAX_ROWS;

fn refused(e: ExportError) -> ServiceError {
    ServiceError::Refused(ErrorCode::ListWorkbookRefused.refusal(&[("reason", &e.to_string())]))
}

/// The rows of the site's list `code` within `scope` (all when `None`) as a workbook, newest
/// first, at most [`MAX_EXPORT_ROWS`].
pub async fn export(
    store: &Store,
    site_id: i64,
    code: &str,
    scope: Option<Vec<i64>>,
) -> Result<Vec<u8>, ServiceError> {
    let schema = typed_lists::schema(store, site_id, code).await?;
    let filter = RowFilter {
        site_id,
        type_code: code.to_owned(),
        org_ids: scope,
        ..RowFilter::default()
    };
    let mut rows = Vec::new();
    for page in 1.. {
        let (batch, total) = typed_lists::list(store, &filter, page, MAX_PAGE_ROWS).await?;
        let done =
            batch.is_empty() || rows.len() + batch.len() >= usize::try_from(total).unwrap_or(0);
        rows.extend(batch);
        if done || rows.len() >= MAX_EXPORT_ROWS {
            break;
        }
    }
    rows.truncate(MAX_EXPORT_ROWS);
    let export: Vec<ExportRow<'_>> = rows
        .iter()
        .map(|r| ExportRow {
            id: r.id,
            cells: &r.cells,
        })
        .collect();
    list_xlsx(&schema, &export).map_err(refused)
}

/// The limits a list workbook is read under: fit for a file of at most [`MAX_XLSX_BYTES`]
/// (64 MB unpacked, 20 s), far below the open-data tables' defaults.
pub fn workbook_limits() -> gongkai_content::TableLimits {
    gongkai_content::TableLimits {
        max_xlsx_bytes: MAX_XLSX_BYTES as u64,
        max_unpacked_bytes: 64 * 1024 * 1024,
        max_xlsx_time: std::time::Duration::from_secs(20),
        ..gongkai_content::TableLimits::default()
    }
}

/// Refuses a workbook over [`MAX_XLSX_BYTES`] or whose ZIP container would unpack past
/// [`workbook_limits`] (declared and real sizes, `gongkai_content::table::check_xlsx_container`),
/// before calamine reads any of it. Blocking: call it off the async runtime.
pub fn check_upload(bytes: &[u8]) -> Result<(), ServiceError> {
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(too_large());
    }
    gongkai_content::table::check_xlsx_container(bytes, &workbook_limits()).map_err(|e| {
        ServiceError::Refused(ErrorCode::ListWorkbookRefused.refusal(&[("reason", &e.to_string())]))
    })
}

/// The refusal of a workbook over [`MAX_XLSX_BYTES`], in Chinese.
pub fn too_large() -> ServiceError {
    ServiceError::Refused(ErrorCode::ListWorkbookRefused.refusal(&[(
        "reason",
        &format!(
            "文件超过 {} MB，请分成几个文件导入",
            MAX_XLSX_BYTES / 1024 / 1024
        ),
    )]))
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Rows were stored; `left_out` lists the problems of rows not imported (only when the
    /// good rows were chosen).
    Imported {
        /// Rows added and changed.
        counts: Imported,
        /// Problems of the rows left out.
        left_out: Vec<Problem>,
    },
    /// Nothing was stored: every problem (at most a thousand listed), how many more, and how
    /// many rows were good.
    Refused {
        /// Problems by sheet, row and column.
        problems: Vec<Problem>,
        /// Problems beyond those listed.
        more: usize,
        /// Rows without a problem.
        good: usize,
    },
}

/// Whom an import is for: the importing member of staff, the site, the list and where rows go.
#[derive(Debug, Clone, Copy)]
pub struct ImportFor<'a> {
    /// The member of staff importing, as the audit log names them.
    pub actor: &'a gongkai_store::Actor,
    /// Their user id (the author of every imported row).
    pub author_id: i64,
    /// The site.
    pub site_id: i64,
    /// The list's code.
    pub code: &'a str,
    /// Their organisation (rows without an organisation cell are filed there).
    pub default_org: i64,
    /// The organisations they may file rows under (`None`: any of the site's).
    pub scope: Option<&'a [i64]>,
}

/// Reads the workbook `bytes` of the list and stores its rows as drafts (or changes of rows
/// with a 编号): nothing while any row has a problem, unless `good_rows_only`.
pub async fn import(
    store: &Store,
    to: ImportFor<'_>,
    bytes: &[u8],
    good_rows_only: bool,
) -> Result<ImportOutcome, ServiceError> {
    let schema = typed_lists::schema(store, to.site_id, to.code).await?;
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(too_large());
    }
    // Unpacking and reading the workbook is CPU work: off the async runtime.
    let (owned, of) = (bytes.to_vec(), schema.clone());
    let read = tokio::task::spawn_blocking(move || {
        check_upload(&owned)?;
        read_list_xlsx(&of, &owned).map_err(refused)
    })
    .await
    .map_err(|_| refused(ExportError::Workbook("读取工作簿时出错，请重新导入".into())))??;
    if !read.problems.is_empty() && !good_rows_only {
        return Ok(ImportOutcome::Refused {
            good: read.good.len(),
            problems: read.problems,
            more: read.more_problems,
        });
    }
    let rows: Vec<ImportRow> = read
        .good
        .into_iter()
        .map(|r| ImportRow {
            place: format!("工作表“{}”第 {} 行：", r.sheet, r.row),
            id: r.id,
            cells: r.cells,
        })
        .collect();
    let empty = Default::default();
    let base = RowInput {
        schema: &schema,
        cells: &empty,
        validity: gongkai_domain::typed_list::Validity::Valid,
        default_org: to.default_org,
        scope: to.scope,
    };
    let counts =
        typed_lists::import(store, to.actor, to.author_id, to.site_id, &rows, &base).await?;
    Ok(ImportOutcome::Imported {
        counts,
        left_out: read.problems,
    })
}
