//! The crate's one error type.

/// Why a file could not be accepted or read.
///
/// Every variant has a Chinese message fit to show to the member of staff who uploaded the file,
/// and a stable snake_case [`code`](ContentError::code) for APIs and logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// The file is empty.
    #[error("文件为空，请重新选择文件。")]
    Empty,

    /// The content is of a type the platform does not take; `detected` says what it looks like.
    #[error(
        "不支持的文件类型：检测到的内容是{detected}。可上传 PDF、Word、Excel、PowerPoint、WPS、OFD 文档和 PNG、JPEG、GIF 图片。"
    )]
    UnsupportedType {
        /// What the content was recognised as, in Chinese (e.g. "Windows 可执行程序").
        detected: String,
    },

    /// The content is a known type but the file name's extension claims another.
    #[error("文件内容是{detected}，与扩展名“.{extension}”不符，请确认文件后重新上传。")]
    ExtensionMismatch {
        /// The Chinese label of the type found in the content.
        detected: &'static str,
        /// The extension of the file name, lower case, without the dot.
        extension: String,
    },

    /// The file claims a type but its structure is broken (truncated, corrupt, not really that type).
    #[error("{kind}已损坏或格式不正确，无法读取：{detail}")]
    Malformed {
        /// The Chinese label of the type that was being read.
        kind: &'static str,
        /// A short technical detail for logs (from the parser).
        detail: String,
    },

    /// The file is password-protected, so its text cannot be read.
    #[error("{kind}已加密（设有打开密码），无法读取其中的文字，请去除密码后重新上传。")]
    Encrypted {
        /// The Chinese label of the type.
        kind: &'static str,
    },

    /// An archive inside the file would unpack beyond the safety limits (a "zip bomb").
    #[error("文件解压后的内容超过安全上限（{limit}），已拒绝处理。")]
    TooLarge {
        /// The limit that was reached, in words (e.g. "200 MB", "10000 个条目").
        limit: String,
    },

    /// A body import received a file that is not an OOXML Word document (a binary `.doc`, an
    /// old-format `.wps`, a PDF …): `what` names it, `how` says where to save it as `.docx`.
    #[error("暂不能读取此 {what}，请{how}另存为 .docx 后上传。")]
    NotDocx {
        /// What the file is, in Chinese (e.g. "WPS 文件").
        what: String,
        /// Where to convert it (e.g. "在 WPS 中").
        how: &'static str,
    },

    /// Reading the text would pass a resource budget (inflated PDF streams, stream count,
    /// extracted text length): the file is kept but its text is not extracted, and staff must
    /// check it by eye. Same wording as the domain table's `attachment.text_too_large`.
    #[error("附件内容过大，未能提取文字（{limit}）。")]
    TextTooLarge {
        /// The budget that was reached, in words (e.g. "16 MB 解压内容").
        limit: String,
    },

    /// A table (CSV or XLSX for the datastore) passes one of its [`crate::TableLimits`]: too
    /// many bytes, rows, columns, or too long a cell or row. Nothing of it is stored.
    #[error("表格超出导入上限：{limit}，已拒绝导入，请拆分或精简后重新上传。")]
    TableTooLarge {
        /// The limit in words (e.g. "列数 10000 超过 1000 列").
        limit: String,
    },
}

impl ContentError {
    /// Stable machine-readable code of the error, for API bodies and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_file",
            Self::UnsupportedType { .. } => "unsupported_type",
            Self::ExtensionMismatch { .. } => "extension_mismatch",
            Self::Malformed { .. } => "malformed_file",
            Self::Encrypted { .. } => "encrypted_file",
            Self::TooLarge { .. } => "too_large_unpacked",
            Self::TextTooLarge { .. } => "attachment.text_too_large",
            Self::NotDocx { .. } => "body_not_docx",
            Self::TableTooLarge { .. } => "table_too_large",
        }
    }

    pub(crate) fn malformed(kind: &'static str, detail: impl std::fmt::Display) -> Self {
        Self::Malformed {
            kind,
            detail: detail.to_string(),
        }
    }

    pub(crate) fn unsupported(detected: impl Into<String>) -> Self {
        Self::UnsupportedType {
            detected: detected.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ContentError;

    #[test]
    fn messages_are_chinese_and_codes_stable() {
        let e = ContentError::unsupported("Windows 可执行程序");
        assert!(e.to_string().contains("Windows 可执行程序"), "{e}");
        assert_eq!(e.code(), "unsupported_type");
        let e = ContentError::ExtensionMismatch {
            detected: "PDF 文档",
            extension: "docx".into(),
        };
        assert_eq!(
            e.to_string(),
            "文件内容是PDF 文档，与扩展名“.docx”不符，请确认文件后重新上传。"
        );
        assert_eq!(ContentError::Empty.code(), "empty_file");
        assert_eq!(
            ContentError::malformed("PDF 文档", "eof").code(),
            "malformed_file"
        );
        assert_eq!(
            ContentError::Encrypted { kind: "Word 文档" }.code(),
            "encrypted_file"
        );
        assert_eq!(
            ContentError::TooLarge { limit: "1 MB".into() }.code(),
            "too_large_unpacked"
        );
    }
}
