//! Printable documents for gongkai: official letters as PDF, the annual report as a workbook.
//!
//! - [`annual_report_xlsx`]: the 年度报告's tables (sections 二, 三, 四) in the official layout,
//!   merged header cells and the 勾稽关系 note included.
//! - [`scorecard_xlsx`]: 考核 scorecards, one row per organisation under a merged header and
//!   the weights row.
//! - [`list_xlsx`] and [`read_list_xlsx`]: a typed list's rows as a workbook and back, every
//!   problem of an edited workbook named by sheet, row and column.
//! - [`render_report_pdf`]: the 年度报告 as a tagged A4 PDF, its tables ruled with merged cells.
//! - [`Letter`] and [`render_letter_pdf`]: 答复书, 告知书 and other notices on A4, laid out in
//!   the spirit of GB/T 9704-2012 (党政机关公文格式), with page numbers and page breaks.
//! - [`Fonts`]: the CJK font the documents are set in, found among Debian's font packages
//!   ([`Fonts::system`]) or given as bytes; embedded as a subset so every PDF shows correctly
//!   anywhere and its text can be copied and read aloud.
//! - [`wrap_cjk`]: the Chinese line breaker (禁则: no closing punctuation at the start of a
//!   line, no opening punctuation at its end), a pure function.
//!
//! The heavy PDF library lives in this leaf crate so the rest of the workspace rebuilds fast.
//! The crate reads font files and nothing else: no database, no network.

mod error;
mod fonts;
mod letter;
mod list_xlsx;
mod pdf;
mod report_pdf;
mod report_xlsx;
mod scorecard_xlsx;
mod table_xlsx;
mod wrap;

pub use error::ExportError;
pub use fonts::{CANDIDATE_FONTS, Fonts, SYSTEM_FONT_DIRS};
pub use letter::{Letter, render_letter_pdf};
pub use list_xlsx::{
    ExportRow, ID_HEADING, MAX_ROWS, MAX_XLSX_BYTES, Problem, ReadList, ReadRow, column_letters,
    list_xlsx, read_list_xlsx,
};
pub use report_pdf::render_report_pdf;
pub use report_xlsx::{SHEETS as REPORT_SHEETS, annual_report_xlsx, document_xlsx};
pub use scorecard_xlsx::{SCORECARD_SHEET, ScorecardLine, scorecard_xlsx};
pub use table_xlsx::{MAX_DATA_ROWS, table_xlsx};
pub use wrap::{is_closing, is_opening, wrap_cjk};
