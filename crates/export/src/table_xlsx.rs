//! A loaded table as an Excel workbook, written page by page in rust_xlsxwriter's constant
//! memory mode (each row goes to a temporary file as it is written), so a dump of a large table
//! holds one page of rows and the finished file, never the whole sheet as cells.
//!
//! Text cells and column names pass through [`neutralise_formula`], as in the CSV dump, so a
//! cell starting with `=`, `+`, `-` or `@` is text, never a formula.

use gongkai_content::neutralise_formula;
use gongkai_content::table::Cell;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::ExportError;

/// The most data rows one sheet holds: Excel's 1,048,576 rows less the heading row.
pub const MAX_DATA_ROWS: u64 = 1_048_575;

/// Writes a workbook of one sheet named `sheet`: the heading row `names`, then the rows each
/// call of `next_page` yields until it yields `None` (or an error, returned as it is). More
/// than [`MAX_DATA_ROWS`] rows are refused with [`ExportError::TooManyRows`].
pub fn table_xlsx<E>(
    sheet: &str,
    names: &[String],
    mut next_page: impl FnMut() -> Option<Result<Vec<Vec<Cell>>, E>>,
) -> Result<Result<Vec<u8>, ExportError>, E> {
    let mut book = Workbook::new();
    let written = (|| -> Result<Option<E>, XlsxError> {
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(sheet_name(sheet))?;
        ws.set_freeze_panes(1, 0)?;
        let bold = Format::new().set_bold();
        for (col, name) in (0u16..).zip(names) {
            ws.write_string_with_format(0, col, neutralise_formula(name), &bold)?;
        }
        let mut row: u32 = 0;
        while let Some(page) = next_page() {
            let page = match page {
                Ok(p) => p,
                Err(e) => return Ok(Some(e)),
            };
            for cells in page {
                if u64::from(row) >= MAX_DATA_ROWS {
                    return Err(XlsxError::RowColumnLimitError);
                }
                row += 1;
                for (col, cell) in (0u16..).zip(&cells) {
                    match cell {
                        Cell::Null => {}
                        Cell::Int(i) => {
                            // Beyond 2^53 a number loses digits in Excel: keep it as text.
                            if i.unsigned_abs() < (1u64 << 53) {
                                ws.write_number(row, col, *i as f64)?;
                            } else {
                                ws.write_string(row, col, i.to_string())?;
                            }
                        }
                        Cell::Numeric(f) if f.is_finite() => {
                            ws.write_number(row, col, *f)?;
                        }
                        Cell::Numeric(f) => {
                            ws.write_string(row, col, f.to_string())?;
                        }
                        Cell::Text(t) => {
                            ws.write_string(row, col, neutralise_formula(t))?;
                        }
                    }
                }
            }
        }
        Ok(None)
    })();
    match written {
        Ok(Some(e)) => Err(e),
        Ok(None) => Ok(book
            .save_to_buffer()
            .map_err(|e| ExportError::Xlsx(e.to_string()))),
        Err(XlsxError::RowColumnLimitError) => {
            Ok(Err(ExportError::TooManyRows { max: MAX_DATA_ROWS }))
        }
        Err(e) => Ok(Err(ExportError::Xlsx(e.to_string()))),
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "数据".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        let names = vec!["名称".to_owned(), "=金额".to_owned()];
        let mut pages = vec![vec![
            vec![Cell::Text("=1+1".into()), Cell::Int(5)],
            vec![Cell::Text("@SUM(A1)".into()), Cell::Numeric(2.5)],
            vec![Cell::Null, Cell::Null],
        ]]
        .into_iter();
        let bytes = table_xlsx::<()>("表", &names, || pages.next().map(Ok))
            .unwrap_or_else(|()| panic!("page"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let range = book.worksheet_range("表").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(range.get((0, 1)), Some(&Data::String("'=金额".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("'=1+1".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(5.0)));
        assert_eq!(range.get((2, 0)), Some(&Data::String("'@SUM(A1)".into())));
    }
}
