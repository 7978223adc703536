//! Reports for 2019 and 2020, in the format of their time (国办公开办函〔2019〕60号): imported
//! history, which staff type in from the report as it was published, not computed.
//!
//! The older format differs from the 2021 one in section 二 — other columns (本年新制作数量 /
//! 本年新公开数量 / 对外公开总数量 for documents; 上一年项目数量 / 本年增/减 / 处理决定数量 for
//! licences, penalties and enforcement) and a 第二十条第（九）项 政府集中采购 row — and in section 三,
//! where （六）其他处理 is one row without sub-rows. Sections 一, 四, 五 and 六 are as in 2021. Its
//! identities are section 三's (一 + 二 = （七）总计 + 四 per column, 总计 the sum of the kinds and of
//! the outcomes) and section 四's group totals.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{ApplicationsTable, Column, FORMAT_2021_FROM, HeadCell, OUTCOMES_LABEL, Row};
use crate::application::Outcome;

/// The first year a report can be entered for: 2019, the first year of the older format.
pub const OLDEST_YEAR: i32 = 2019;

/// Which national format a year's report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// 国办公开办函〔2019〕60号, reports for 2019 and 2020.
    Y2019,
    /// 国办公开办函〔2021〕30号, reports from 2021.
    Y2021,
}

impl Format {
    /// The format of `year`'s report.
    pub fn of(year: i32) -> Self {
        if year < FORMAT_2021_FROM {
            Format::Y2019
        } else {
            Format::Y2021
        }
    }
}

/// The label of （六）其他处理 as one row, as the older format prints it.
pub const OTHER_HANDLING_2019: &str = "（六）其他处理";

/// The outcome the older format's single （六）其他处理 row is kept under (its two other
/// sub-rows of 2021 stay 0).
pub const OTHER_HANDLING_ROW: Row = Row::Outcome(Outcome::OtherHandling);

/// Section 二 of the older format, verbatim: each table's heading, its column headers and its
/// rows.
pub const SECTION2_TABLES_2019: [(&str, &[&str], &[&str]); 5] = [
    (
        "第二十条第（一）项",
        &[
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
        ],
        &["规章", "规范性文件"],
    ),
    (
        "第二十条第（五）项",
        &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        &["行政许可", "其他对外管理服务事项"],
    ),
    (
        "第二十条第（六）项",
        &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        &["行政处罚", "行政强制"],
    ),
    (
        "第二十条第（八）项",
        &["信息内容", "上一年项目数量", "本年增/减"],
        &["行政事业性收费"],
    ),
    (
        "第二十条第（九）项",
        &["信息内容", "采购项目数量", "采购总金额"],
        &["政府集中采购"],
    ),
];

/// How many figures section 二 of the older format holds.
pub const SECTION2_FIGURES_2019: usize = 22;

/// The form field of section 二's source in the older format.
pub const SECTION2_SOURCE_FIELD_2019: &str = "p19.source";

/// The most characters a figure of the older section 二 may hold (`-12345.67`).
const FIGURE_MAX_CHARS: usize = 20;

/// One figure of the older section 二: its form field and its label (`规章 本年新制作数量`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureField {
    /// The form field (`p19.0` …).
    pub field: &'static str,
    /// Row and column label.
    pub label: String,
}

/// The figures of the older section 二 in the format's order (table by table, row by row).
pub static SECTION2_FIELDS_2019: LazyLock<Vec<FigureField>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for (_, columns, rows) in SECTION2_TABLES_2019 {
        for row in rows {
            for column in &columns[1..] {
                let field: &'static str = Box::leak(format!("p19.{}", out.len()).into_boxed_str());
                out.push(FigureField {
                    field,
                    label: format!("{row} {column}"),
                });
            }
        }
    }
    out
});

/// One cell of the section 三 table typed in for an older report: its form field, row, column
/// and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellField {
    /// The form field (`t3.new.natural` …).
    pub field: &'static str,
    /// The row.
    pub row: Row,
    /// The column.
    pub column: Column,
    /// `row label column label`, for error messages.
    pub label: String,
}

/// The rows of the older section 三, in order: every 2021 row but the three （六） sub-rows,
/// which are one row (kept as [`OTHER_HANDLING_ROW`]).
pub fn rows_2019() -> impl Iterator<Item = Row> {
    Row::all().filter(|r| {
        !matches!(
            r,
            Row::Outcome(Outcome::NoCorrection) | Row::Outcome(Outcome::FeeNotPaid)
        )
    })
}

/// A row's label in the older format.
pub fn row_label_2019(row: Row) -> String {
    if row == OTHER_HANDLING_ROW {
        OTHER_HANDLING_2019.to_owned()
    } else {
        row.label()
    }
}

/// Every cell of the older section 三 as a form field, row by row.
pub static SECTION3_FIELDS_2019: LazyLock<Vec<CellField>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for row in rows_2019() {
        for column in Column::ALL {
            let field: &'static str =
                Box::leak(format!("t3.{}.{}", row.code(), column.code()).into_boxed_str());
            out.push(CellField {
                field,
                row,
                column,
                label: format!("{} {}", row_label_2019(row), column.label()),
            });
        }
    }
    out
});

/// The older section 三's label cells per row, spanning as the format spans them: as in 2021
/// but （六）其他处理 is one row over the two item columns, so 三、本年度办理结果 spans two rows
/// fewer.
pub fn section3_layout_2019() -> Vec<(Row, Vec<HeadCell>)> {
    let mut out = Vec::new();
    for (row, heads) in super::section3_layout() {
        match row {
            Row::Outcome(Outcome::NoCorrection) | Row::Outcome(Outcome::FeeNotPaid) => continue,
            r if r == OTHER_HANDLING_ROW => {
                out.push((row, vec![HeadCell::new(OTHER_HANDLING_2019, 1, 2)]));
            }
            _ => {
                let heads = heads
                    .into_iter()
                    .map(|mut h| {
                        if h.text == OUTCOMES_LABEL {
                            h.rowspan -= 2;
                        }
                        h
                    })
                    .collect();
                out.push((row, heads));
            }
        }
    }
    out
}

/// What staff typed in of an older report: section 二's figures as printed (text, since 本年增/减
/// may be negative and 采购总金额 have decimals) with their source, and the section 三 table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastReport {
    /// Section 二's figures in the order of [`SECTION2_FIELDS_2019`] (empty when not given).
    pub figures: Vec<String>,
    /// Where section 二's figures come from (the report as published, say).
    pub source: String,
    /// Section 三 as printed, totals included (checked, not recomputed).
    pub applications: ApplicationsTable,
}

fn figure_ok(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    t.chars().count() <= FIGURE_MAX_CHARS
        && !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

impl PastReport {
    /// Section 二's figure of a field, as typed.
    pub fn figure(&self, i: usize) -> &str {
        self.figures.get(i).map_or("", String::as_str)
    }

    /// Reads an older report's section 二 and 三 from a form (`get` answers a field's raw text):
    /// section 二's figures are numbers as printed (a minus sign and decimals allowed), with a
    /// source when any is given; section 三's cells whole numbers from 0. Problems by field into
    /// `errors`.
    pub fn parse<'a>(
        get: &impl Fn(&str) -> Option<&'a str>,
        errors: &mut crate::FieldErrors,
    ) -> Self {
        let mut out = PastReport::default();
        for f in SECTION2_FIELDS_2019.iter() {
            let t = get(f.field).unwrap_or("").trim().to_owned();
            if !t.is_empty() && !figure_ok(&t) {
                errors.insert(
                    f.field,
                    crate::ErrorCode::ReportPastFigureInvalid.refusal(&[("field", &f.label)]),
                );
            }
            out.figures.push(t);
        }
        out.source = super::text(
            get(SECTION2_SOURCE_FIELD_2019),
            SECTION2_SOURCE_FIELD_2019,
            "主动公开政府信息情况",
            super::SOURCE_MAX_CHARS,
            errors,
        );
        if out.figures.iter().any(|f| !f.is_empty()) && out.source.is_empty() {
            errors.insert(
                SECTION2_SOURCE_FIELD_2019,
                crate::ErrorCode::ReportSourceRequired
                    .refusal(&[("field", &"主动公开政府信息情况")]),
            );
        }
        for c in SECTION3_FIELDS_2019.iter() {
            let n = super::number(get(c.field), c.field, &c.label, errors);
            out.applications
                .set(c.row, c.column, u64::try_from(n).unwrap_or(0));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_older_layout_has_one_other_handling_row() {
        let layout = section3_layout_2019();
        assert_eq!(layout.len(), super::super::ROWS - 2);
        assert_eq!(layout.len(), rows_2019().count());
        let labels: Vec<String> = layout
            .iter()
            .flat_map(|(_, h)| h.iter().map(|h| h.text.clone()))
            .collect();
        assert!(labels.contains(&"（六）其他处理".to_owned()));
        assert!(!labels.iter().any(|l| l.starts_with("1.申请人无正当理由")));
        let outcomes = layout
            .iter()
            .flat_map(|(_, h)| h.iter())
            .find(|h| h.text == OUTCOMES_LABEL)
            .map(|h| h.rowspan);
        assert_eq!(outcomes, Some(20));
        // Every row's label cells cover the three label columns, no gap, no overlap.
        let mut taken = vec![[false; 3]; layout.len()];
        for (r, (_, heads)) in layout.iter().enumerate() {
            let mut col = 0;
            for h in heads {
                while col < 3 && taken[r][col] {
                    col += 1;
                }
                for dr in 0..h.rowspan as usize {
                    for dc in 0..h.colspan as usize {
                        assert!(!taken[r + dr][col + dc], "overlap at {r},{col}");
                        taken[r + dr][col + dc] = true;
                    }
                }
                col += h.colspan as usize;
            }
        }
        assert!(taken.iter().all(|r| r.iter().all(|t| *t)));
        assert_eq!(SECTION2_FIELDS_2019.len(), SECTION2_FIGURES_2019);
        assert_eq!(SECTION3_FIELDS_2019.len(), layout.len() * 7);
    }

    #[test]
    fn older_figures_are_numbers_as_printed_with_a_source() {
        let pairs = [
            ("p19.0", "3"),
            ("p19.7", "-2"),
            ("p19.21", "1234.56"),
            ("p19.source", "2020年年度报告原文"),
            ("t3.new.natural", "4"),
            ("t3.o6-3.total", "1"),
        ];
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        let mut errors = crate::FieldErrors::new();
        let past = PastReport::parse(&get, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(past.figure(7), "-2");
        assert_eq!(past.figure(21), "1234.56");
        assert_eq!(
            past.applications.get(
                Row::New,
                Column::Kind(crate::application::ApplicantKind::Natural)
            ),
            4
        );
        assert_eq!(past.applications.get(OTHER_HANDLING_ROW, Column::Total), 1);
        let bad = [("p19.1", "1.2.3"), ("p19.2", "x"), ("t3.new.total", "-1")];
        let get = |k: &str| bad.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        let mut errors = crate::FieldErrors::new();
        PastReport::parse(&get, &mut errors);
        for field in ["p19.1", "p19.2", "p19.source", "t3.new.total"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert_eq!(Format::of(2020), Format::Y2019);
        assert_eq!(Format::of(2021), Format::Y2021);
    }
}
