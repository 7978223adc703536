//! 考核 scorecards as an Excel workbook: one sheet, the title over the table, a merged header
//! (排名, 单位, 考核指标 over the indicators' names, 总分), the weights row under it, then one row
//! per organisation with each indicator's score and the total, and the rules as notes below.

use gongkai_domain::scorecard::{Card, Indicator, Weights};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::ExportError;

/// The name of the workbook's sheet.
pub const SCORECARD_SHEET: &str = "考核得分";

/// One organisation's line: its rank, its name and its card.
#[derive(Debug, Clone)]
pub struct ScorecardLine<'a> {
    /// Rank (1 = highest).
    pub rank: usize,
    /// The organisation's name.
    pub org: &'a str,
    /// Its scores.
    pub card: &'a Card,
}

fn xlsx(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

fn tenths(t: u32) -> f64 {
    f64::from(t) / 10.0
}

/// The workbook of `lines` scored under `weights`, titled `title` (e.g.
/// `乌恰县2026年政务公开考核得分`). A score counted as 不适用 (full marks) is marked with a
/// note in the cell's row below the table.
pub fn scorecard_xlsx(
    title: &str,
    weights: &Weights,
    lines: &[ScorecardLine<'_>],
) -> Result<Vec<u8>, ExportError> {
    build(title, weights, lines).map_err(xlsx)
}

fn build(
    title: &str,
    weights: &Weights,
    lines: &[ScorecardLine<'_>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name(SCORECARD_SHEET)?;
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let number = cell.clone().set_num_format("0.0");
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let n = u16::try_from(Indicator::ALL.len()).unwrap_or(10);
    let last = n + 2;
    ws.merge_range(0, 0, 0, last, title, &bold)?;
    ws.merge_range(1, 0, 2, 0, "排名", &cell)?;
    ws.merge_range(1, 1, 2, 1, "单位", &cell)?;
    ws.merge_range(1, 2, 1, n + 1, "考核指标", &cell)?;
    ws.merge_range(1, last, 2, last, "总分", &cell)?;
    ws.merge_range(3, 0, 3, 1, "分值", &cell)?;
    for (j, i) in Indicator::ALL.iter().enumerate() {
        let col = 2 + u16::try_from(j).unwrap_or(0);
        ws.write_string_with_format(2, col, i.label(), &cell)?;
        ws.write_number_with_format(3, col, f64::from(weights.of(*i)), &number)?;
    }
    ws.write_number_with_format(3, last, f64::from(weights.total()), &number)?;
    let mut not_applicable = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let row = 4 + u32::try_from(k).unwrap_or(0);
        ws.write_number_with_format(row, 0, line.rank as f64, &cell)?;
        ws.write_string_with_format(row, 1, line.org, &cell)?;
        for (j, r) in line.card.rows.iter().enumerate() {
            let col = 2 + u16::try_from(j).unwrap_or(0);
            ws.write_number_with_format(row, col, tenths(r.tenths), &number)?;
            if r.not_applicable {
                not_applicable.push(format!("{}：{}", line.org, r.indicator.label()));
            }
        }
        ws.write_number_with_format(row, last, tenths(line.card.total_tenths), &number)?;
    }
    let mut row = 5 + u32::try_from(lines.len()).unwrap_or(0);
    ws.write_string(
        row,
        0,
        "计分规则（期内无可考核事项的指标为“不适用”，按满分计）：",
    )?;
    for i in Indicator::ALL {
        row += 1;
        ws.write_string(row, 0, format!("{}：{}", i.label(), i.rule()))?;
    }
    if !not_applicable.is_empty() {
        row += 1;
        ws.write_string(row, 0, format!("不适用：{}", not_applicable.join("；")))?;
    }
    ws.set_column_width(1, 24)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use gongkai_domain::scorecard::{Facts, Period, score};
    use std::io::Cursor;

    #[test]
    fn the_workbook_reads_back_with_its_header_weights_and_scores() {
        let w = Weights::default();
        let f = Facts {
            proactive_on_time: 3,
            proactive_late: 1,
            ..Facts::default()
        };
        let a = score(&f, &w, Period::year(2026));
        let b = score(&Facts::default(), &w, Period::year(2026));
        let lines = [
            ScorecardLine {
                rank: 1,
                org: "乌恰县教育局",
                card: &b,
            },
            ScorecardLine {
                rank: 2,
                org: "乌恰县财政局",
                card: &a,
            },
        ];
        let bytes = scorecard_xlsx("乌恰县2026年政务公开考核得分", &w, &lines)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let s = book
            .worksheet_range(SCORECARD_SHEET)
            .unwrap_or_else(|e| panic!("{e}"));
        let at = |r: u32, c: u32| s.get_value((r, c)).map(Data::to_string).unwrap_or_default();
        assert_eq!(at(0, 0), "乌恰县2026年政务公开考核得分");
        assert_eq!(at(1, 2), "考核指标");
        assert_eq!(at(2, 2), "主动公开及时");
        assert_eq!(at(3, 2), "20");
        assert_eq!(at(3, 12), "100");
        assert_eq!(at(5, 1), "乌恰县财政局");
        assert_eq!(at(5, 2), "15");
        assert_eq!(at(5, 12), "95");
        let merged: Vec<_> = book
            .merge_cells_by_sheet_name(SCORECARD_SHEET)
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        assert!(merged.contains(&((1, 2), (1, 11))), "{merged:?}");
        assert!(merged.contains(&((1, 0), (2, 0))), "{merged:?}");
    }
}
