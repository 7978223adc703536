//! The annual report (年度报告) as an Excel workbook in the official table layout: one sheet per
//! table (sections 二, 三 and 四), labels verbatim, header cells merged as the format draws them
//! and the 勾稽关系 note in the top-left cell of section 三. The layout is the domain's
//! ([`gongkai_domain::report::section3_layout`]), so the page and the workbook agree.

use gongkai_domain::report::document::{Document, Grid};
use gongkai_domain::report::{
    self, ApplicationsTable, Column, HeadCell, LABEL_COLUMNS, ProactiveTables, RESULT_LABELS,
    ReviewLitigation, SECTION2_TABLES, SECTION4_GROUPS,
};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::ExportError;

/// The names of the workbook's sheets, in order.
pub const SHEETS: [&str; 3] = ["二、主动公开", "三、申请情况", "四、复议诉讼"];

fn xlsx(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

fn cell_format() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// Writes `h` at (`row`, `col`), merged over its span when it spans more than one cell.
fn head(ws: &mut Worksheet, row: u32, col: u16, h: &HeadCell, f: &Format) -> Result<(), XlsxError> {
    let last_row = row + h.rowspan.max(1) - 1;
    let last_col = col + u16::try_from(h.colspan.max(1)).unwrap_or(1) - 1;
    if last_row == row && last_col == col {
        ws.write_string_with_format(row, col, &h.text, f)?;
    } else {
        ws.merge_range(row, col, last_row, last_col, &h.text, f)?;
    }
    Ok(())
}

fn count(v: u64) -> f64 {
    // Counts of applications stay far below 2^53, where f64 is exact.
    v as f64
}

fn section3(ws: &mut Worksheet, title: &str, table: &ApplicationsTable) -> Result<(), XlsxError> {
    let f = cell_format();
    let title_format = Format::new().set_bold().set_align(FormatAlign::Center);
    let width = u16::try_from(LABEL_COLUMNS).unwrap_or(3) + 7;
    ws.merge_range(0, 0, 0, width - 1, title, &title_format)?;
    // Three header rows: each cell goes to the first column not taken by a span from above.
    let mut taken = vec![vec![false; usize::from(width)]; 3 + report::ROWS];
    let mut place = |ws: &mut Worksheet, row: u32, h: &HeadCell| -> Result<(), XlsxError> {
        let r = usize::try_from(row - 1).unwrap_or(0);
        let mut col = 0usize;
        while col < usize::from(width) && taken[r][col] {
            col += 1;
        }
        let rows = usize::try_from(h.rowspan.max(1)).unwrap_or(1);
        let cols = usize::try_from(h.colspan.max(1)).unwrap_or(1);
        for line in taken.iter_mut().skip(r).take(rows) {
            for slot in line.iter_mut().skip(col).take(cols) {
                *slot = true;
            }
        }
        head(ws, row, u16::try_from(col).unwrap_or(0), h, &f)
    };
    for (i, line) in report::section3_header().iter().enumerate() {
        let row = 1 + u32::try_from(i).unwrap_or(0);
        for h in line {
            place(ws, row, h)?;
        }
    }
    for (i, (row, heads)) in report::section3_layout().iter().enumerate() {
        let r = 4 + u32::try_from(i).unwrap_or(0);
        for h in heads {
            place(ws, r, h)?;
        }
        for (j, c) in Column::ALL.iter().enumerate() {
            let col = u16::try_from(LABEL_COLUMNS).unwrap_or(3) + u16::try_from(j).unwrap_or(0);
            ws.write_number_with_format(r, col, count(table.get(*row, *c)), &f)?;
        }
    }
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 36)?;
    for c in 3..width {
        ws.set_column_width(c, 10)?;
    }
    Ok(())
}

fn section2(ws: &mut Worksheet, p: &ProactiveTables) -> Result<(), XlsxError> {
    let f = cell_format();
    let values = p.fields();
    let mut next = values.iter();
    let mut row = 0u32;
    for (heading, columns, rows) in SECTION2_TABLES {
        let last_col = u16::try_from(columns.len()).unwrap_or(1) - 1;
        ws.merge_range(row, 0, row, last_col, heading, &f)?;
        row += 1;
        for (c, label) in columns.iter().enumerate() {
            ws.write_string_with_format(row, u16::try_from(c).unwrap_or(0), *label, &f)?;
        }
        row += 1;
        for label in rows {
            ws.write_string_with_format(row, 0, *label, &f)?;
            for c in 1..columns.len() {
                let Some((name, figure)) = next.next() else {
                    break;
                };
                let col = u16::try_from(c).unwrap_or(0);
                if *name == "fees_yuan" {
                    ws.write_string_with_format(row, col, report::wan_yuan(figure.value), &f)?;
                } else {
                    // Figures are bounded by `report::FIGURE_MAX` (10^12), exact in f64.
                    ws.write_number_with_format(row, col, figure.value as f64, &f)?;
                }
            }
            row += 1;
        }
        row += 1;
    }
    ws.set_column_width(0, 20)?;
    for c in 1..4 {
        ws.set_column_width(c, 16)?;
    }
    Ok(())
}

fn section4(ws: &mut Worksheet, r: &ReviewLitigation) -> Result<(), XlsxError> {
    let f = cell_format();
    ws.merge_range(0, 0, 1, 4, SECTION4_GROUPS[0].1, &f)?;
    ws.merge_range(0, 5, 0, 14, report::LITIGATION_LABEL, &f)?;
    ws.merge_range(1, 5, 1, 9, SECTION4_GROUPS[1].1, &f)?;
    ws.merge_range(1, 10, 1, 14, SECTION4_GROUPS[2].1, &f)?;
    for (i, v) in r.values().iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(2, col, RESULT_LABELS[i % 5], &f)?;
        // Figures are bounded by `report::FIGURE_MAX` (10^12), exact in f64.
        ws.write_number_with_format(3, col, *v as f64, &f)?;
    }
    Ok(())
}

/// The workbook of a report titled `title` (e.g. `乌恰县人民政府2025年政府信息公开工作年度报告`):
/// sheets [`SHEETS`] with sections 二, 三 and 四 as the format lays them out.
pub fn annual_report_xlsx(
    title: &str,
    proactive: &ProactiveTables,
    table: &ApplicationsTable,
    review: &ReviewLitigation,
) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name(SHEETS[0]).map_err(xlsx)?;
    section2(ws, proactive).map_err(xlsx)?;
    let ws = book.add_worksheet().set_name(SHEETS[1]).map_err(xlsx)?;
    section3(ws, title, table).map_err(xlsx)?;
    let ws = book.add_worksheet().set_name(SHEETS[2]).map_err(xlsx)?;
    section4(ws, review).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// Writes `grid` from sheet row `top`: every cell at the first column not taken by a span from
/// above, merged over its span; a data cell that reads as a number is written as one.
fn grid(ws: &mut Worksheet, top: u32, grid: &Grid) -> Result<(), XlsxError> {
    let f = cell_format();
    let width = usize::try_from(grid.columns).unwrap_or(1);
    let mut taken = vec![vec![false; width]; grid.rows.len()];
    for (r, line) in grid.rows.iter().enumerate() {
        let mut col = 0usize;
        for cell in line {
            while col < width && taken[r][col] {
                col += 1;
            }
            let rows = usize::try_from(cell.rowspan.max(1)).unwrap_or(1);
            let cols = usize::try_from(cell.colspan.max(1)).unwrap_or(1);
            for slot_row in taken.iter_mut().skip(r).take(rows) {
                for slot in slot_row.iter_mut().skip(col).take(cols) {
                    *slot = true;
                }
            }
            let row = top + u32::try_from(r).unwrap_or(0);
            let at = u16::try_from(col).unwrap_or(0);
            let number = cell
                .text
                .parse::<f64>()
                .ok()
                .filter(|_| !cell.is_header() && rows == 1 && cols == 1);
            match number {
                Some(n) => {
                    ws.write_number_with_format(row, at, n, &f)?;
                }
                None => head(
                    ws,
                    row,
                    at,
                    &HeadCell {
                        text: cell.text.clone(),
                        rowspan: cell.rowspan,
                        colspan: cell.colspan,
                    },
                    &f,
                )?,
            }
            col += cols;
        }
    }
    let total: u32 = grid.weights.iter().sum::<u32>().max(1);
    for (c, w) in grid.weights.iter().enumerate() {
        let chars = f64::from(*w) * 120.0 / f64::from(total);
        ws.set_column_width(u16::try_from(c).unwrap_or(0), chars.clamp(8.0, 40.0))?;
    }
    Ok(())
}

/// The workbook of a report in whatever format its [`Document`] lays out (the older format of
/// 2019–2020 reports): sheets [`SHEETS`] with the document's three tables as drawn, merged cells
/// included, section 三 under the title `title`.
pub fn document_xlsx(title: &str, doc: &Document) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let title_format = Format::new().set_bold().set_align(FormatAlign::Center);
    for (i, (name, table)) in SHEETS.iter().zip(doc.tables()).enumerate() {
        let ws = book.add_worksheet().set_name(*name).map_err(xlsx)?;
        let top = if i == 1 {
            let last = u16::try_from(table.columns.max(1) - 1).unwrap_or(0);
            ws.merge_range(0, 0, 0, last, title, &title_format)
                .map_err(xlsx)?;
            1
        } else {
            0
        };
        grid(ws, top, table).map_err(xlsx)?;
    }
    book.save_to_buffer().map_err(xlsx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use gongkai_domain::application::{ApplicantKind, Outcome};
    use gongkai_domain::report::Row;
    use std::io::Cursor;

    fn sample() -> (ProactiveTables, ApplicationsTable, ReviewLitigation) {
        let mut t = ApplicationsTable::default();
        t.set(Row::New, Column::Kind(ApplicantKind::Natural), 5);
        t.set(Row::CarriedIn, Column::Kind(ApplicantKind::Research), 1);
        t.set(
            Row::Outcome(Outcome::Disclosed),
            Column::Kind(ApplicantKind::Natural),
            4,
        );
        t.set(
            Row::Outcome(Outcome::Repeated),
            Column::Kind(ApplicantKind::Research),
            1,
        );
        t.set(Row::CarriedOut, Column::Kind(ApplicantKind::Natural), 1);
        t.fill_totals();
        let mut p = ProactiveTables::default();
        p.normative.made.value = 3;
        p.fees_yuan.value = 12_345;
        let mut r = ReviewLitigation::default();
        let mut v = [0; 15];
        v[0] = 2;
        v[4] = 2;
        r.set_values(v);
        (p, t, r)
    }

    fn text(sheet: &calamine::Range<Data>, row: u32, col: u32) -> String {
        sheet
            .get_value((row, col))
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_workbook_reads_back_in_the_official_layout() {
        let (p, t, r) = sample();
        let bytes = annual_report_xlsx("乌恰县人民政府2025年政府信息公开工作年度报告", &p, &t, &r)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(book.sheet_names(), SHEETS.map(str::to_owned));

        let s3 = book
            .worksheet_range(SHEETS[1])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            text(&s3, 0, 0),
            "乌恰县人民政府2025年政府信息公开工作年度报告"
        );
        assert_eq!(text(&s3, 1, 0), report::SECTION3_NOTE);
        assert_eq!(text(&s3, 1, 3), "申请人情况");
        assert_eq!(text(&s3, 2, 3), "自然人");
        assert_eq!(text(&s3, 2, 4), "法人或其他组织");
        assert_eq!(text(&s3, 2, 9), "总计");
        assert_eq!(text(&s3, 3, 4), "商业企业");
        assert_eq!(text(&s3, 3, 8), "其他");
        assert_eq!(text(&s3, 4, 0), "一、本年新收政府信息公开申请数量");
        assert_eq!(text(&s3, 6, 0), "三、本年度办理结果");
        assert_eq!(text(&s3, 6, 1), "（一）予以公开");
        assert_eq!(text(&s3, 8, 1), "（三）不予公开");
        assert_eq!(text(&s3, 8, 2), "1.属于国家秘密");
        assert_eq!(text(&s3, 27, 1), "（七）总计");
        assert_eq!(text(&s3, 28, 0), "四、结转下年度继续办理");
        // Every count where the table has it: row i of the layout is sheet row 4 + i.
        for (i, (row, _)) in report::section3_layout().iter().enumerate() {
            for (j, c) in Column::ALL.iter().enumerate() {
                let at = (
                    4 + u32::try_from(i).unwrap_or(0),
                    3 + u32::try_from(j).unwrap_or(0),
                );
                assert_eq!(
                    s3.get_value(at),
                    Some(&Data::Float(count(t.get(*row, *c)))),
                    "{row:?} {c:?}"
                );
            }
        }
        assert_eq!(text(&s3, 4, 9), "5");
        // The merged ranges are the format's.
        let merged: Vec<_> = book
            .merge_cells_by_sheet_name(SHEETS[1])
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        for range in [
            ((1, 0), (3, 2)),   // the note
            ((1, 3), (1, 9)),   // 申请人情况
            ((2, 4), (2, 8)),   // 法人或其他组织
            ((6, 0), (27, 0)),  // 三、本年度办理结果
            ((8, 1), (15, 1)),  // （三）不予公开
            ((28, 0), (28, 2)), // 四、结转下年度继续办理
        ] {
            assert!(merged.contains(&range), "{range:?} not in {merged:?}");
        }

        let s2 = book
            .worksheet_range(SHEETS[0])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text(&s2, 0, 0), "第二十条第（一）项");
        assert_eq!(text(&s2, 3, 0), "行政规范性文件");
        assert_eq!(text(&s2, 3, 1), "3");
        let fee_row = (0..s2.height() as u32)
            .find(|r| text(&s2, *r, 0) == "行政事业性收费")
            .unwrap_or_else(|| panic!("no fee row"));
        assert_eq!(text(&s2, fee_row, 1), "1.2345");

        let s4 = book
            .worksheet_range(SHEETS[2])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text(&s4, 0, 0), "行政复议");
        assert_eq!(text(&s4, 0, 5), "行政诉讼");
        assert_eq!(text(&s4, 1, 10), "复议后起诉");
        assert_eq!(text(&s4, 2, 4), "总计");
        assert_eq!(text(&s4, 3, 0), "2");
    }

    #[test]
    fn an_older_report_reads_back_in_its_own_layout() {
        use gongkai_domain::report::{HandEntries, PastReport, past};
        let (_, t, r) = sample();
        let mut figures = vec![String::new(); past::SECTION2_FIGURES_2019];
        figures[0] = "3".into();
        figures[7] = "-2".into();
        figures[21] = "1234.56".into();
        let entries = HandEntries {
            review: r,
            past: Some(PastReport {
                figures,
                source: "2020年年度报告原文".into(),
                applications: t.clone(),
            }),
            ..HandEntries::default()
        };
        let doc = Document::build(&t, &entries);
        let bytes = document_xlsx("乌恰县人民政府2020年政府信息公开工作年度报告", &doc)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let s2 = book
            .worksheet_range(SHEETS[0])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text(&s2, 0, 0), "第二十条第（一）项");
        assert_eq!(text(&s2, 1, 1), "本年新制作数量");
        assert_eq!(text(&s2, 1, 3), "对外公开总数量");
        assert_eq!(text(&s2, 3, 0), "规范性文件");
        assert_eq!(text(&s2, 2, 1), "3");
        assert_eq!(text(&s2, 6, 2), "-2");
        let all: Vec<String> = s2.cells().map(|(_, _, d)| d.to_string()).collect();
        for label in [
            "第二十条第（九）项",
            "政府集中采购",
            "采购总金额",
            "其他对外管理服务事项",
        ] {
            assert!(all.iter().any(|c| c == label), "{label}: {all:?}");
        }
        assert!(all.iter().any(|c| c == "1234.56"), "{all:?}");
        assert!(!all.iter().any(|c| c == "本年制发件数"));
        let s3 = book
            .worksheet_range(SHEETS[1])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text(&s3, 1, 0), report::SECTION3_NOTE);
        let labels: Vec<String> = s3.cells().map(|(_, _, d)| d.to_string()).collect();
        assert!(labels.iter().any(|c| c == "（六）其他处理"));
        assert!(!labels.iter().any(|c| c.starts_with("1.申请人无正当理由")));
        assert_eq!(text(&s3, 4, 0), "一、本年新收政府信息公开申请数量");
        assert_eq!(text(&s3, 4, 3), "5");
    }
}
