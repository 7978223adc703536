//! The one error type of the export crate.

use std::path::PathBuf;

/// Why a printable document could not be made.
///
/// Why: the back office shows these messages to staff as they are, so they are in Chinese and
/// say what to do; the variants let a caller tell a machine problem (no font installed) from a
/// problem with the letter's text (a character the font cannot print).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// No usable CJK font was found in the searched folders.
    #[error(
        "未找到可用的中文字体（已在 {searched} 中查找 {candidates}）。请安装 Debian 软件包 fonts-wqy-microhei：apt-get install -y fonts-wqy-microhei"
    )]
    FontNotFound {
        /// The folders that were searched, joined for display.
        searched: String,
        /// The font file names that were looked for, joined for display.
        candidates: String,
    },

    /// A font file exists but could not be read.
    #[error("无法读取字体文件 {path}：{source}")]
    FontUnreadable {
        /// The font file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// The font data is not a usable font (not a font at all, a wrong face index in a
    /// collection, or a font without Chinese characters).
    #[error("字体不可用：{0}")]
    InvalidFont(String),

    /// The text contains characters the font has no glyph for; printing them would show empty
    /// boxes in an official document.
    #[error(
        "所用字体缺少以下字符，无法正确打印：{chars}。请修改这些文字，或安装包含这些字符的字体（如 Debian 软件包 fonts-noto-cjk）"
    )]
    MissingGlyphs {
        /// The missing characters, each once, in order of first appearance.
        chars: String,
    },

    /// The document is longer than the limit, which protects the server from absurd input.
    #[error("文书内容过长（{chars} 字，上限 {limit} 字），请精简后再生成")]
    TooLong {
        /// Characters in the document.
        chars: usize,
        /// The limit.
        limit: usize,
    },

    /// The Excel library refused to write the workbook (a bug, not a user error).
    #[error("生成 Excel 工作簿失败：{0}")]
    Xlsx(String),

    /// A table has more rows than one Excel sheet holds.
    #[error("数据超过 Excel 单个工作表的上限（{max} 行），请改为下载 CSV 格式的全表")]
    TooManyRows {
        /// The most data rows a sheet holds.
        max: u64,
    },

    /// The PDF library refused to write the document (a bug, not a user error).
    #[error("生成 PDF 失败：{0}")]
    Pdf(String),

    /// A workbook given to import could not be read as a whole (not an .xlsx file, too large,
    /// too many rows or columns); problems of single cells are listed instead.
    #[error("{0}")]
    Workbook(String),
}
