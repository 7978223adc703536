//! A typed list as an Excel workbook and back: [`list_xlsx`] writes a list's rows under its
//! schema's headings (rust_xlsxwriter); [`read_list_xlsx`] reads a workbook a person edited
//! (calamine) into rows checked by the schema, naming the sheet, row and column of every
//! problem, so the caller imports nothing until all are fixed, or only the good rows when the
//! person says so.
//!
//! Bounded: the file's size, the rows, the columns and the cells read; hidden sheets are
//! skipped; title rows above the heading row (often merged) are passed over; a merged heading
//! cell, an unknown or repeated column and a missing required column are refused by name.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use gongkai_domain::typed_list::{Cells, FieldKind, Schema, parse_date};
use rust_xlsxwriter::{Format, Workbook};

use crate::ExportError;

/// The heading of the column holding a row's number (编号): rows with one change that row,
/// rows without are added.
pub const ID_HEADING: &str = "编号";
/// The largest workbook read, in bytes.
pub const MAX_XLSX_BYTES: usize = 8 * 1024 * 1024;
/// Most data rows read from one workbook.
pub const MAX_ROWS: usize = 10_000;
/// Most columns a sheet may use.
pub const MAX_COLUMNS: u32 = 64;
/// Rows above the heading row that may hold titles.
const MAX_TITLE_ROWS: u32 = 5;
/// Most problems listed (the rest are counted).
pub const MAX_PROBLEMS: usize = 1_000;

/// One row to export: its number and its stored cells.
#[derive(Debug, Clone)]
pub struct ExportRow<'a> {
    /// The row's number (编号).
    pub id: i64,
    /// Its cells.
    pub cells: &'a Cells,
}

/// The list's rows as a workbook: one sheet named after the list, a heading row (编号, then
/// every field's heading) and each row's cells as a person types them (money in yuan, dates
/// `YYYY-MM-DD`), all as text so nothing is reinterpreted.
pub fn list_xlsx(schema: &Schema, rows: &[ExportRow<'_>]) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&schema.name)).map_err(xlsx)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    sheet
        .write_with_format(0, 0, ID_HEADING, &bold)
        .map_err(xlsx)?;
    for (col, field) in (1u16..).zip(&schema.fields) {
        sheet
            .write_with_format(0, col, &field.label, &bold)
            .map_err(xlsx)?;
        sheet.set_column_width(col, 18).map_err(xlsx)?;
    }
    for (line, row) in (1u32..).zip(rows) {
        sheet.write_number(line, 0, row.id as f64).map_err(xlsx)?;
        let typed = schema.typed_form(row.cells);
        for (col, field) in (1u16..).zip(&schema.fields) {
            if let Some(value) = typed.get(&field.key) {
                sheet
                    .write_string_with_format(line, col, value, &text)
                    .map_err(xlsx)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

fn xlsx(e: rust_xlsxwriter::XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.is_empty() {
        "清单".into()
    } else {
        clean
    }
}

/// One problem of an imported workbook, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The sheet's name.
    pub sheet: String,
    /// The row as Excel numbers it (from 1).
    pub row: u32,
    /// The column's letters (`C`), empty for a problem of the whole row or sheet.
    pub column: String,
    /// What is wrong, in Chinese, naming the column's heading.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(
                f,
                "工作表“{}”第 {} 行：{}",
                self.sheet, self.row, self.message
            )
        } else {
            write!(
                f,
                "工作表“{}”第 {} 行 {} 列：{}",
                self.sheet, self.row, self.column, self.message
            )
        }
    }
}

/// A row read and checked: where it came from, its number if it has one, its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRow {
    /// The sheet's name.
    pub sheet: String,
    /// The row as Excel numbers it.
    pub row: u32,
    /// Its 编号, if the row changes an existing one.
    pub id: Option<i64>,
    /// Its checked cells.
    pub cells: Cells,
}

/// What a workbook held: the good rows and every problem (at most [`MAX_PROBLEMS`] listed,
/// `more_problems` counting the rest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadList {
    /// Rows that passed every check.
    pub good: Vec<ReadRow>,
    /// Problems, in sheet and row order.
    pub problems: Vec<Problem>,
    /// Problems beyond those listed.
    pub more_problems: usize,
}

impl ReadList {
    fn problem(&mut self, sheet: &str, row: u32, column: Option<u32>, message: String) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.more_problems += 1;
            return;
        }
        self.problems.push(Problem {
            sheet: sheet.to_owned(),
            row,
            column: column.map(column_letters).unwrap_or_default(),
            message,
        });
    }
}

/// Excel's letters of the 0-based column `col` (0 → `A`, 27 → `AB`).
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// Why a workbook could not be read at all (as opposed to a problem of a cell).
fn unreadable(reason: impl std::fmt::Display) -> ExportError {
    ExportError::Workbook(format!(
        "无法读取该 Excel 文件（{reason}），请确认是 .xlsx 格式"
    ))
}

/// Reads a workbook of `schema`'s rows: every visible worksheet, its heading row (the first of
/// its first rows naming a column of the list), then each non-empty row below, checked by the
/// schema. A text date is read when unambiguous (`2026/3/5`, `2026年3月5日`); an Excel date
/// cell is read as its day.
pub fn read_list_xlsx(schema: &Schema, bytes: &[u8]) -> Result<ReadList, ExportError> {
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(ExportError::Workbook(format!(
            "文件超过 {} MB，请分成几个文件导入",
            MAX_XLSX_BYTES / 1024 / 1024
        )));
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut out = ReadList::default();
    let mut rows_read = 0usize;
    let mut data_rows = 0usize;
    for name in sheets {
        let grid = read_grid(&mut book, &name, &mut rows_read)?;
        let regions = book.merge_cells_by_sheet_name(&name).map_err(unreadable)?;
        read_sheet(schema, &name, &grid, &regions, &mut out, &mut data_rows)?;
    }
    Ok(out)
}

/// A sheet's non-empty cells by row (0-based), each row's cells by column.
type Grid = BTreeMap<u32, BTreeMap<u32, String>>;

fn read_grid<RS: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    rows_read: &mut usize,
) -> Result<Grid, ExportError> {
    let mut grid = Grid::new();
    let mut reader = book.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut cells = 0usize;
    let cell_budget = (MAX_ROWS + MAX_TITLE_ROWS as usize + 1) * MAX_COLUMNS as usize;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if col >= MAX_COLUMNS {
            return Err(ExportError::Workbook(format!(
                "工作表“{name}”使用了 {} 列之后的列，清单最多 {MAX_COLUMNS} 列",
                column_letters(MAX_COLUMNS - 1)
            )));
        }
        cells += 1;
        if cells > cell_budget {
            return Err(too_many_rows());
        }
        let line = grid.entry(row).or_default();
        if line.is_empty() {
            *rows_read += 1;
            if *rows_read > MAX_ROWS + MAX_TITLE_ROWS as usize + 1 {
                return Err(too_many_rows());
            }
        }
        line.insert(col, text);
    }
    Ok(grid)
}

fn too_many_rows() -> ExportError {
    ExportError::Workbook(format!("一次最多导入 {MAX_ROWS} 行，请分成几个文件导入"))
}

/// A cell as text; an Excel date as `YYYY-MM-DD` (with the time when it has one), a whole
/// number without `.0`.
fn cell_text(value: &DataRef<'_>) -> String {
    let text = match value {
        DataRef::Empty => return String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => (if *b { "是" } else { "否" }).to_owned(),
        DataRef::DateTime(d) => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e}"),
    };
    text.trim().to_owned()
}

fn read_sheet(
    schema: &Schema,
    sheet: &str,
    grid: &Grid,
    merged: &[calamine::Dimensions],
    out: &mut ReadList,
    data_rows: &mut usize,
) -> Result<(), ExportError> {
    // The heading row: the first of the first rows that names a column of the list.
    let heading = grid
        .iter()
        .take(MAX_TITLE_ROWS as usize + 1)
        .find(|(_, cells)| {
            cells
                .values()
                .any(|t| t == ID_HEADING || schema.field_named(t).is_some())
        });
    let Some((&head_row, head)) = heading else {
        if !grid.is_empty() {
            let first = grid.keys().next().copied().unwrap_or(0);
            out.problem(
                sheet,
                first + 1,
                None,
                "找不到表头：前几行中没有本清单的任何栏目名称".into(),
            );
        }
        return Ok(());
    };
    let mut columns: BTreeMap<u32, Option<&str>> = BTreeMap::new();
    let mut ok = true;
    for region in merged
        .iter()
        .filter(|d| d.start.0 <= head_row && head_row <= d.end.0)
    {
        if region.start.1 != region.end.1 {
            out.problem(
                sheet,
                head_row + 1,
                Some(region.start.1),
                format!(
                    "表头 {}{}:{}{} 是合并单元格，请拆分后每列填写一个栏目名称",
                    column_letters(region.start.1),
                    region.start.0 + 1,
                    column_letters(region.end.1),
                    region.end.0 + 1
                ),
            );
            ok = false;
        }
    }
    for (&col, text) in head {
        if text == ID_HEADING {
            columns.insert(col, None);
            continue;
        }
        match schema.field_named(text) {
            Some(field) if columns.values().any(|k| *k == Some(field.key.as_str())) => {
                out.problem(
                    sheet,
                    head_row + 1,
                    Some(col),
                    format!("栏目“{}”重复", field.label),
                );
                ok = false;
            }
            Some(field) => {
                columns.insert(col, Some(field.key.as_str()));
            }
            None => {
                out.problem(
                    sheet,
                    head_row + 1,
                    Some(col),
                    format!("“{text}”不是本清单的栏目；本清单的栏目见导出的模板"),
                );
                ok = false;
            }
        }
    }
    for field in schema.fields.iter().filter(|f| f.required) {
        if !columns.values().any(|k| *k == Some(field.key.as_str())) {
            out.problem(
                sheet,
                head_row + 1,
                None,
                format!("缺少必填栏目“{}”", field.label),
            );
            ok = false;
        }
    }
    *data_rows += grid.range(head_row + 1..).count();
    if *data_rows > MAX_ROWS {
        return Err(too_many_rows());
    }
    if !ok {
        return Ok(());
    }
    for (&row, cells) in grid.range(head_row + 1..) {
        let mut raw = BTreeMap::new();
        let mut id = None;
        let mut stray = false;
        for (&col, text) in cells {
            match columns.get(&col) {
                Some(None) => match text.trim().parse::<i64>() {
                    Ok(n) if n > 0 => id = Some(n),
                    _ => {
                        out.problem(
                            sheet,
                            row + 1,
                            Some(col),
                            format!("编号“{text}”应为正整数，新增的行请留空"),
                        );
                        stray = true;
                    }
                },
                Some(Some(key)) => {
                    let value = match schema.field(key).map(|f| f.kind) {
                        Some(FieldKind::Date) => {
                            let date = parse_date(text.split(' ').next().unwrap_or(text));
                            date.map_or_else(|| text.clone(), |d| d.format("%Y-%m-%d").to_string())
                        }
                        _ => text.clone(),
                    };
                    raw.insert((*key).to_owned(), value);
                }
                None => {
                    out.problem(
                        sheet,
                        row + 1,
                        Some(col),
                        "该列没有表头，请删除该内容或补上栏目名称".into(),
                    );
                    stray = true;
                }
            }
        }
        match schema.check_row(&raw) {
            Ok(checked) if !stray => out.good.push(ReadRow {
                sheet: sheet.to_owned(),
                row: row + 1,
                id,
                cells: checked,
            }),
            Ok(_) => {}
            Err(errors) => {
                for e in errors {
                    let col = columns
                        .iter()
                        .find(|(_, k)| **k == Some(e.key.as_str()))
                        .map(|(c, _)| *c);
                    out.problem(sheet, row + 1, col, e.message);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_domain::typed_list::builtin;
    use rust_xlsxwriter::ExcelDateTime;

    fn must<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn list(code: &str) -> Schema {
        builtin::by_code(code).unwrap_or_else(|| panic!("no list {code}"))
    }

    /// A plausible typed value of every field of `schema`, varied by `i`.
    fn sample(schema: &Schema, i: usize) -> Cells {
        let raw = schema
            .fields
            .iter()
            .map(|f| {
                let value = match f.kind {
                    FieldKind::Text => format!("{}{i}", f.label),
                    FieldKind::RichText => format!("第一段{i}\n第二段"),
                    FieldKind::Date => format!("2026-03-{:02}", i % 28 + 1),
                    FieldKind::Number => format!("{i}"),
                    FieldKind::Money => format!("{i},234.5"),
                    FieldKind::Choice => f.options[i % f.options.len()].clone(),
                    FieldKind::OrgLink => "WQX001".into(),
                    FieldKind::RecordLink => format!("WQX001-2026-{i:04}"),
                    FieldKind::Attachment => "ab".repeat(32),
                };
                (f.key.clone(), value)
            })
            .collect();
        must(schema.check_row(&raw))
    }

    /// A workbook whose sheets are built by `build`.
    fn workbook(
        build: impl FnOnce(&mut Workbook) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Vec<u8> {
        let mut book = Workbook::new();
        must(build(&mut book));
        must(book.save_to_buffer())
    }

    fn headings(schema: &Schema) -> Vec<&str> {
        schema.fields.iter().map(|f| f.label.as_str()).collect()
    }

    #[test]
    fn every_builtin_list_round_trips_through_a_workbook() {
        for schema in builtin::all() {
            let cells: Vec<Cells> = (1..=3).map(|i| sample(&schema, i)).collect();
            let rows: Vec<ExportRow<'_>> = (10..)
                .zip(&cells)
                .map(|(id, cells)| ExportRow { id, cells })
                .collect();
            let bytes = must(list_xlsx(&schema, &rows));
            let read = must(read_list_xlsx(&schema, &bytes));
            assert!(
                read.problems.is_empty(),
                "{}: {:?}",
                schema.code,
                read.problems
            );
            let back: Vec<(Option<i64>, &Cells)> =
                read.good.iter().map(|r| (r.id, &r.cells)).collect();
            let sent: Vec<(Option<i64>, &Cells)> =
                rows.iter().map(|r| (Some(r.id), r.cells)).collect();
            assert_eq!(back, sent, "{}", schema.code);
            assert_eq!(read.good[0].row, 2);
        }
    }

    #[test]
    fn titles_above_the_heading_and_hidden_sheets_are_passed_over() {
        let schema = list("minsheng");
        let bytes = workbook(|book| {
            let sheet = book.add_worksheet();
            sheet.merge_range(0, 0, 0, 4, "2026年民生资金分配表", &Format::new())?;
            for (col, h) in (0u16..).zip([
                "资金项目",
                "年度",
                "主管部门",
                "分配对象",
                "分配金额",
                "下达日期",
            ]) {
                sheet.write(1, col, h)?;
            }
            for (col, v) in (0u16..).zip(["城乡低保资金", "2026", "WQX001", "城关镇", "1234.5"])
            {
                sheet.write(2, col, v)?;
            }
            sheet.write(2, 5, "2026年3月5日")?;
            for (col, v) in (0u16..).zip(["临时救助资金", "2026", "WQX001", "东村", "88"]) {
                sheet.write(3, col, v)?;
            }
            let day = ExcelDateTime::from_ymd(2026, 4, 1)?;
            sheet.write_datetime_with_format(
                3,
                5,
                &day,
                &Format::new().set_num_format("yyyy-mm-dd"),
            )?;
            let hidden = book.add_worksheet();
            hidden.set_name("草稿")?.set_hidden(true);
            hidden.write(0, 0, "颜色")?;
            Ok(())
        });
        let read = must(read_list_xlsx(&schema, &bytes));
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert_eq!(read.good.len(), 2);
        assert_eq!(read.good[0].row, 3);
        assert_eq!(read.good[0].cells["allocated_on"], "2026-03-05");
        assert_eq!(read.good[0].cells["amount"], "123450");
        assert_eq!(read.good[1].cells["allocated_on"], "2026-04-01");
    }

    #[test]
    fn a_merged_heading_and_a_wrong_column_are_named_and_nothing_is_read() {
        let schema = list("minsheng");
        let bytes = workbook(|book| {
            let sheet = book.add_worksheet();
            sheet.set_name("分配表")?;
            sheet.merge_range(0, 0, 0, 1, "资金项目", &Format::new())?;
            for (col, h) in (2u16..).zip(["主管部门", "分配对象", "金额（元）"]) {
                sheet.write(0, col, h)?;
            }
            sheet.write(1, 0, "城乡低保资金")?;
            Ok(())
        });
        let read = must(read_list_xlsx(&schema, &bytes));
        assert!(read.good.is_empty());
        let shown: Vec<String> = read.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "工作表“分配表”第 1 行 A 列：表头 A1:B1 是合并单元格，请拆分后每列填写一个栏目名称",
                "工作表“分配表”第 1 行 E 列：“金额（元）”不是本清单的栏目；本清单的栏目见导出的模板",
                "工作表“分配表”第 1 行：缺少必填栏目“年度”",
                "工作表“分配表”第 1 行：缺少必填栏目“分配金额”",
            ]
        );
    }

    #[test]
    fn ten_thousand_rows_with_three_bad_ones_name_all_three() {
        let schema = list("minsheng");
        let bad = [
            (17u32, 4u16, "一千元"),
            (5000, 5, "2026/13/1"),
            (9999, 1, "明年"),
        ];
        let bytes = workbook(|book| {
            let sheet = book.add_worksheet();
            for (col, h) in (0u16..).zip(headings(&schema)) {
                sheet.write(0, col, h)?;
            }
            for row in 1..=10_000u32 {
                sheet.write(row, 0, "城乡低保资金")?;
                sheet.write(row, 1, 2026)?;
                sheet.write(row, 2, "WQX001")?;
                sheet.write(row, 3, "城关镇")?;
                sheet.write(row, 4, 100.5)?;
                sheet.write(row, 5, "2026-03-05")?;
            }
            for (row, col, v) in bad {
                sheet.write(row, col, v)?;
            }
            Ok(())
        });
        let read = must(read_list_xlsx(&schema, &bytes));
        assert_eq!(read.good.len(), 9_997);
        assert_eq!(read.good[0].cells["amount"], "10050");
        let named: Vec<(u32, &str)> = read
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(named, [(18, "E"), (5001, "F"), (10000, "B")]);
        assert!(read.problems[0].message.contains("分配金额"));
    }

    #[test]
    fn a_workbook_too_large_or_not_a_workbook_is_refused_as_a_whole() {
        let schema = list("minsheng");
        let not = read_list_xlsx(&schema, b"PK\x03\x04 not really");
        assert!(matches!(not, Err(ExportError::Workbook(_))));
        let big = vec![0u8; MAX_XLSX_BYTES + 1];
        assert!(matches!(
            read_list_xlsx(&schema, &big),
            Err(ExportError::Workbook(_))
        ));
        let bytes = workbook(|book| {
            let sheet = book.add_worksheet();
            sheet.write(0, 0, "资金项目")?;
            for row in 1..=(MAX_ROWS as u32 + 1) {
                sheet.write(row, 0, "项目")?;
            }
            Ok(())
        });
        let refused = read_list_xlsx(&schema, &bytes);
        assert!(matches!(refused, Err(ExportError::Workbook(m)) if m.contains("10000")));
    }

    #[test]
    fn column_letters_count_like_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
