//! File types decided by content: magic bytes and container structure, never the name alone.

use std::io::Cursor;

use crate::ContentError;
use crate::archive::{Deadline, Limits, Zip};

/// The kinds of attachment the platform recognises.
///
/// Why: an attachment is published on a government site; its type must be what its bytes say,
/// so a renamed executable or script never goes out as a "PDF". Policy (whether ZIP archives
/// are accepted) is the caller's; this type only says what a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// PDF document.
    Pdf,
    /// Word 97–2003 binary document (OLE compound file with a `WordDocument` stream); WPS
    /// Writer's `.wps` files have the same structure.
    Doc,
    /// Excel 97–2003 binary workbook (OLE compound file with a `Workbook` or `Book` stream);
    /// WPS Spreadsheets' `.et` files have the same structure.
    Xls,
    /// Word document in Office Open XML (also written by WPS).
    Docx,
    /// Excel workbook in Office Open XML (also written by WPS).
    Xlsx,
    /// PowerPoint presentation in Office Open XML (also written by WPS).
    Pptx,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// OFD document (GB/T 33190, the Chinese standard fixed-layout format: a ZIP with `OFD.xml`).
    Ofd,
    /// Any other ZIP archive.
    Zip,
}

impl FileKind {
    /// Every kind, for listings (e.g. the accepted types shown beside an upload field).
    pub const ALL: [FileKind; 11] = [
        Self::Pdf,
        Self::Doc,
        Self::Docx,
        Self::Xls,
        Self::Xlsx,
        Self::Pptx,
        Self::Ofd,
        Self::Png,
        Self::Jpeg,
        Self::Gif,
        Self::Zip,
    ];

    /// Chinese name shown beside an attachment (e.g. "PDF 文档", "Word 文档").
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF 文档",
            Self::Doc => "Word 97-2003 文档",
            Self::Xls => "Excel 97-2003 工作簿",
            Self::Docx => "Word 文档",
            Self::Xlsx => "Excel 工作簿",
            Self::Pptx => "PowerPoint 演示文稿",
            Self::Png => "PNG 图片",
            Self::Jpeg => "JPEG 图片",
            Self::Gif => "GIF 图片",
            Self::Ofd => "OFD 版式文档",
            Self::Zip => "ZIP 压缩包",
        }
    }

    /// MIME type for the `Content-Type` of a download.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Doc => "application/msword",
            Self::Xls => "application/vnd.ms-excel",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Ofd => "application/ofd",
            Self::Zip => "application/zip",
        }
    }

    /// The usual file extension, lower case without the dot (e.g. for a download name that
    /// lacks one).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Doc => "doc",
            Self::Xls => "xls",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Pptx => "pptx",
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Ofd => "ofd",
            Self::Zip => "zip",
        }
    }

    /// True for archives whose members the platform does not inspect; callers refuse them
    /// unless the site has enabled archive uploads.
    pub fn is_archive(self) -> bool {
        matches!(self, Self::Zip)
    }

    /// True for images (which carry no extractable text).
    pub fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Gif)
    }

    /// Extensions a file of this kind may carry. Word, Excel and WPS save the binary and XML
    /// formats under each other's names and open both, so those families are lenient; images
    /// are often renamed between formats and every browser shows them by content.
    fn accepted_extensions(self) -> &'static [&'static str] {
        const IMAGES: &[&str] = &["png", "jpg", "jpeg", "jpe", "jfif", "gif"];
        match self {
            Self::Pdf => &["pdf"],
            Self::Doc => &["doc", "dot", "wps", "wpt"],
            Self::Docx => &["docx", "dotx", "doc", "wps"],
            Self::Xls => &["xls", "xlt", "et", "ett"],
            Self::Xlsx => &["xlsx", "xltx", "xls", "et"],
            Self::Pptx => &["pptx", "ppsx", "potx", "ppt", "dps"],
            Self::Png | Self::Jpeg | Self::Gif => IMAGES,
            Self::Ofd => &["ofd"],
            Self::Zip => &["zip"],
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Decides what a file is from its bytes; `file_name` is only checked against the result.
///
/// Why: the type shown to the public and the `Content-Type` of downloads must come from the
/// content. A file whose content is recognised but unsupported (an executable, a RAR, HTML) is
/// refused with [`ContentError::UnsupportedType`] naming what was found; a supported file whose
/// name claims another family (`report.pdf.exe`, a PDF named `.docx`) is refused with
/// [`ContentError::ExtensionMismatch`]; a name without an extension is fine. Broken containers
/// give [`ContentError::Malformed`], password-protected OOXML [`ContentError::Encrypted`].
pub fn sniff(bytes: &[u8], file_name: &str) -> Result<FileKind, ContentError> {
    let kind = sniff_content(bytes)?;
    if let Some(ext) = extension_of(file_name)
        && !kind.accepted_extensions().contains(&ext.as_str())
    {
        return Err(ContentError::ExtensionMismatch {
            detected: kind.label(),
            extension: ext,
        });
    }
    Ok(kind)
}

/// The lower-case extension of a file name (`"附件1.PDF"` → `pdf`); `None` if it has none.
/// Trailing dots and spaces, which Windows ignores, are ignored too.
fn extension_of(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let base = base.trim_end_matches(['.', ' ']);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() {
        return None;
    }
    Some(ext.to_lowercase())
}

fn sniff_content(bytes: &[u8]) -> Result<FileKind, ContentError> {
    if bytes.is_empty() {
        return Err(ContentError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Ok(FileKind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(FileKind::Gif);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return sniff_ole(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes);
    }
    Err(ContentError::unsupported(describe_unsupported(bytes)))
}

/// OLE compound files: Word, Excel, and what else can live in one.
fn sniff_ole(bytes: &[u8]) -> Result<FileKind, ContentError> {
    const LABEL: &str = "Office 97-2003 文档";
    let names = crate::guard(LABEL, || {
        let cf = cfb::CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| ContentError::malformed(LABEL, e))?;
        Ok(cf
            .read_root_storage()
            .map(|e| e.name().to_owned())
            .collect::<Vec<_>>())
    })?;
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("WordDocument") {
        Ok(FileKind::Doc)
    } else if has("Workbook") || has("Book") {
        Ok(FileKind::Xls)
    } else if has("EncryptedPackage") {
        Err(ContentError::Encrypted { kind: "Office 文档" })
    } else if has("PowerPoint Document") {
        Err(ContentError::unsupported(
            "PowerPoint 97-2003 演示文稿（.ppt）",
        ))
    } else {
        Err(ContentError::unsupported(
            "内容不明的 Office 97-2003 复合文档",
        ))
    }
}

/// ZIP containers: OOXML by `[Content_Types].xml` or part names, OFD by `OFD.xml`.
fn sniff_zip(bytes: &[u8]) -> Result<FileKind, ContentError> {
    const LABEL: &str = "ZIP 压缩包";
    crate::guard(LABEL, || {
        let limits = Limits::default();
        let mut zip = Zip::open(bytes, LABEL, limits, Deadline::start(&limits))?;
        if let Some(types) = read_small(&mut zip, "[Content_Types].xml")?
            && let Some(kind) = ooxml_by_content_type(&types)?
        {
            return Ok(kind);
        }
        for (part, kind) in [
            ("word/document.xml", FileKind::Docx),
            ("xl/workbook.xml", FileKind::Xlsx),
            ("ppt/presentation.xml", FileKind::Pptx),
        ] {
            if zip.contains(part) {
                return Ok(kind);
            }
        }
        if zip.contains("OFD.xml") {
            return Ok(FileKind::Ofd);
        }
        if let Some(mime) = read_small(&mut zip, "mimetype")?
            && mime.starts_with("application/vnd.oasis.opendocument")
        {
            return Err(ContentError::unsupported("OpenDocument 文档（ODF）"));
        }
        Ok(FileKind::Zip)
    })
}

/// Reads a metadata entry as text (within the archive's unpacking budget).
fn read_small(zip: &mut Zip<'_>, name: &str) -> Result<Option<String>, ContentError> {
    zip.read_string(name)
}

/// The kind announced by an OOXML package's main content type; macro-enabled and binary
/// variants are refused.
fn ooxml_by_content_type(types: &str) -> Result<Option<FileKind>, ContentError> {
    const REFUSED: &[(&str, &str)] = &[
        (
            "ms-word.document.macroEnabled",
            "启用宏的 Word 文档（.docm）",
        ),
        (
            "ms-word.template.macroEnabled",
            "启用宏的 Word 模板（.dotm）",
        ),
        (
            "ms-excel.sheet.macroEnabled",
            "启用宏的 Excel 工作簿（.xlsm）",
        ),
        (
            "ms-excel.template.macroEnabled",
            "启用宏的 Excel 模板（.xltm）",
        ),
        ("ms-excel.sheet.binary", "Excel 二进制工作簿（.xlsb）"),
        (
            "ms-powerpoint.presentation.macroEnabled",
            "启用宏的 PowerPoint 演示文稿（.pptm）",
        ),
        (
            "ms-powerpoint.slideshow.macroEnabled",
            "启用宏的 PowerPoint 放映文件（.ppsm）",
        ),
    ];
    const KINDS: &[(&str, FileKind)] = &[
        ("wordprocessingml.document.main+xml", FileKind::Docx),
        ("wordprocessingml.template.main+xml", FileKind::Docx),
        ("spreadsheetml.sheet.main+xml", FileKind::Xlsx),
        ("spreadsheetml.template.main+xml", FileKind::Xlsx),
        ("presentationml.presentation.main+xml", FileKind::Pptx),
        ("presentationml.slideshow.main+xml", FileKind::Pptx),
        ("presentationml.template.main+xml", FileKind::Pptx),
    ];
    if let Some((_, what)) = REFUSED.iter().find(|(t, _)| types.contains(t)) {
        return Err(ContentError::unsupported(*what));
    }
    Ok(KINDS
        .iter()
        .find(|(t, _)| types.contains(t))
        .map(|(_, k)| *k))
}

/// Names what an unsupported file looks like, for the refusal message.
fn describe_unsupported(bytes: &[u8]) -> &'static str {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"MZ", "Windows 可执行程序（EXE/DLL）"),
        (b"\x7FELF", "Linux 可执行程序（ELF）"),
        (b"\xCF\xFA\xED\xFE", "macOS 可执行程序"),
        (b"\xCA\xFE\xBA\xBE", "macOS 可执行程序或 Java 类文件"),
        (b"#!", "脚本文件"),
        (b"Rar!\x1A\x07", "RAR 压缩包"),
        (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
        (b"\x1F\x8B", "gzip 压缩包"),
        (b"BZh", "bzip2 压缩包"),
        (b"\xFD7zXZ\x00", "xz 压缩包"),
        (b"{\\rtf", "RTF 文档"),
        (b"II*\x00", "TIFF 图片"),
        (b"MM\x00*", "TIFF 图片"),
        (b"%!PS", "PostScript 文件"),
        (b"\x00\x00\x01\x00", "图标文件（ICO）"),
        (b"OggS", "Ogg 音频"),
        (b"ID3", "MP3 音频"),
        (b"fLaC", "FLAC 音频"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return what;
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" {
        return match &bytes[8..12] {
            b"WEBP" => "WebP 图片",
            b"WAVE" => "WAV 音频",
            b"AVI " => "AVI 视频",
            _ => "RIFF 多媒体文件",
        };
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"mif1" => "HEIC 图片",
            _ => "音视频文件（MP4/MOV）",
        };
    }
    if bytes.len() >= 6
        && bytes.starts_with(b"BM")
        && u32::from_le_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]) as usize == bytes.len()
    {
        return "BMP 图片";
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let lower = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.starts_with("<script")
        || lower.starts_with("<head")
        || lower.starts_with("<body")
    {
        return "网页（HTML）";
    }
    if lower.starts_with("<svg") || (lower.starts_with("<?xml") && lower.contains("<svg")) {
        return "SVG 图片";
    }
    if lower.starts_with("<?xml") {
        return "XML 文件";
    }
    let looks_textual = !head.contains(&0)
        && (std::str::from_utf8(head).is_ok()
            || std::str::from_utf8(&head[..head.len().saturating_sub(3)]).is_ok());
    if looks_textual {
        "纯文本文件"
    } else {
        "无法识别的二进制内容"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn kind(bytes: &[u8], name: &str) -> FileKind {
        sniff(bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn documents_and_images_by_content() {
        for (bytes, name, expected) in [
            (fixtures::pdf(), "政务公开.pdf", FileKind::Pdf),
            (fixtures::docx(), "通知.docx", FileKind::Docx),
            (fixtures::xlsx(), "名单.xlsx", FileKind::Xlsx),
            (fixtures::pptx(), "汇报.pptx", FileKind::Pptx),
            (fixtures::ofd(), "公文.ofd", FileKind::Ofd),
            (fixtures::doc(), "旧通知.doc", FileKind::Doc),
            (fixtures::xls_like_ole(), "旧表.xls", FileKind::Xls),
            (fixtures::png(), "图.png", FileKind::Png),
            (fixtures::jpeg(), "照片.JPG", FileKind::Jpeg),
            (fixtures::gif(), "动图.gif", FileKind::Gif),
            (fixtures::plain_zip(), "材料.zip", FileKind::Zip),
        ] {
            assert_eq!(kind(&bytes, name), expected, "{name}");
        }
    }

    #[test]
    fn names_only_need_to_agree() {
        // No extension, upper case, trailing dot, WPS names, a Word file saved under the other
        // Word extension, an image renamed between formats: all fine.
        assert_eq!(kind(&fixtures::pdf(), "附件1"), FileKind::Pdf);
        assert_eq!(kind(&fixtures::pdf(), "附件1.PDF."), FileKind::Pdf);
        assert_eq!(kind(&fixtures::doc(), "通知.wps"), FileKind::Doc);
        assert_eq!(kind(&fixtures::docx(), "通知.doc"), FileKind::Docx);
        assert_eq!(kind(&fixtures::docx(), "通知.wps"), FileKind::Docx);
        assert_eq!(kind(&fixtures::xls_like_ole(), "表.et"), FileKind::Xls);
        assert_eq!(kind(&fixtures::xlsx(), "表.et"), FileKind::Xlsx);
        assert_eq!(kind(&fixtures::png(), "图.jpg"), FileKind::Png);
        // The content decides, whatever the name claims.
        assert_eq!(
            kind(&fixtures::xlsx(), "C:\\Users\\gk\\名单.xlsx"),
            FileKind::Xlsx
        );
    }

    #[test]
    fn renamed_executable_is_refused() {
        let err = sniff(&fixtures::exe(), "通知.pdf").err();
        match &err {
            Some(ContentError::UnsupportedType { detected }) => {
                assert_eq!(detected, "Windows 可执行程序（EXE/DLL）")
            }
            other => panic!("{other:?}"),
        }
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("不支持的文件类型") && message.contains("可执行程序"));
    }

    #[test]
    fn supported_content_under_a_foreign_name_is_refused() {
        for (bytes, name) in [
            (fixtures::pdf(), "报告.pdf.exe"),
            (fixtures::pdf(), "报告.docx"),
            (fixtures::docx(), "通知.pdf"),
            (fixtures::png(), "图.html"),
            (fixtures::plain_zip(), "材料.docx"),
            (fixtures::xlsx(), "名单.docx"),
        ] {
            match sniff(&bytes, name) {
                Err(ContentError::ExtensionMismatch { .. }) => {}
                other => panic!("{name}: {other:?}"),
            }
        }
        let err = sniff(&fixtures::pdf(), "a.exe")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            err,
            "文件内容是PDF 文档，与扩展名“.exe”不符，请确认文件后重新上传。"
        );
    }

    #[test]
    fn unsupported_content_is_named() {
        let cases: &[(&[u8], &str)] = &[
            (b"\x7FELF\x02\x01\x01", "Linux 可执行程序（ELF）"),
            (b"#!/bin/sh\nrm -rf /", "脚本文件"),
            (b"Rar!\x1A\x07\x01\x00", "RAR 压缩包"),
            (b"7z\xBC\xAF\x27\x1C\x00\x04", "7z 压缩包"),
            (b"\x1F\x8B\x08\x00", "gzip 压缩包"),
            (b"{\\rtf1\\ansi", "RTF 文档"),
            (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WebP 图片"),
            (b"\x00\x00\x00\x18ftypmp42", "音视频文件（MP4/MOV）"),
            (b"\xEF\xBB\xBF<!DOCTYPE html><html>", "网页（HTML）"),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "SVG 图片"),
            (b"<?xml version=\"1.0\"?><a/>", "XML 文件"),
            ("姓名,电话\n张三,13912345678\n".as_bytes(), "纯文本文件"),
            (b"\x00\x01\x02\x03\xFF\xFE", "无法识别的二进制内容"),
        ];
        for (bytes, expected) in cases {
            match sniff(bytes, "x") {
                Err(ContentError::UnsupportedType { detected }) => {
                    assert_eq!(&detected, expected)
                }
                other => panic!("{expected}: {other:?}"),
            }
        }
        assert_eq!(sniff(b"", "a.pdf"), Err(ContentError::Empty));
    }

    #[test]
    fn office_containers_that_are_not_documents() {
        match sniff(
            &fixtures::ole_with_streams(&["EncryptedInfo", "EncryptedPackage"]),
            "a.docx",
        ) {
            Err(ContentError::Encrypted { .. }) => {}
            other => panic!("{other:?}"),
        }
        match sniff(
            &fixtures::ole_with_streams(&["PowerPoint Document"]),
            "a.ppt",
        ) {
            Err(ContentError::UnsupportedType { detected }) => assert!(detected.contains(".ppt")),
            other => panic!("{other:?}"),
        }
        match sniff(&fixtures::ole_with_streams(&["Something"]), "a.doc") {
            Err(ContentError::UnsupportedType { .. }) => {}
            other => panic!("{other:?}"),
        }
        let docm = fixtures::zip_of(&[(
            "[Content_Types].xml",
            br#"<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>"#,
        )]);
        match sniff(&docm, "a.docm") {
            Err(ContentError::UnsupportedType { detected }) => assert!(detected.contains("宏")),
            other => panic!("{other:?}"),
        }
        let odt = fixtures::zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
        match sniff(&odt, "a.odt") {
            Err(ContentError::UnsupportedType { detected }) => assert!(detected.contains("ODF")),
            other => panic!("{other:?}"),
        }
        // OOXML found by part names alone when [Content_Types].xml says nothing useful.
        let bare = fixtures::zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(kind(&bare, "a.xlsx"), FileKind::Xlsx);
    }

    #[test]
    fn truncated_or_garbage_containers_are_malformed_not_panics() {
        // A ZIP's directory is at its end: any truncation breaks it.
        let zips = [
            fixtures::docx(),
            fixtures::xlsx(),
            fixtures::ofd(),
            fixtures::plain_zip(),
        ];
        for full in zips {
            for cut in [8usize, 30, 100, full.len() / 2, full.len() - 1] {
                if let Ok(k) = sniff(&full[..cut], "x") {
                    panic!("{cut} bytes of a ZIP container sniffed as {k:?}");
                }
            }
        }
        // An OLE file's directory is near its start: a truncated Word file may still be
        // recognised (its text extraction then fails); it must never be anything else.
        let doc = fixtures::doc();
        for cut in [8usize, 30, 100, 600, doc.len() / 2, doc.len() - 1] {
            match sniff(&doc[..cut], "x") {
                Err(_) | Ok(FileKind::Doc) => {}
                Ok(k) => panic!("{cut} bytes of a Word file sniffed as {k:?}"),
            }
        }
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0xAB; 600]);
        assert!(matches!(
            sniff(&ole, "a.doc"),
            Err(ContentError::Malformed { .. })
        ));
    }

    #[test]
    fn kind_metadata() {
        for k in FileKind::ALL {
            assert!(!k.label().is_empty() && k.mime().contains('/'));
            assert!(k.accepted_extensions().contains(&k.extension()), "{k:?}");
            assert_eq!(k.to_string(), k.label());
        }
        assert_eq!(FileKind::Pdf.label(), "PDF 文档");
        assert_eq!(FileKind::Docx.label(), "Word 文档");
        assert_eq!(FileKind::Jpeg.extension(), "jpg");
        assert_eq!(FileKind::Ofd.mime(), "application/ofd");
        assert!(FileKind::Zip.is_archive() && !FileKind::Ofd.is_archive());
        assert!(FileKind::Gif.is_image() && !FileKind::Pdf.is_image());
        assert_eq!(extension_of("a.tar.GZ"), Some("gz".into()));
        assert_eq!(extension_of(".bashrc"), None);
        assert_eq!(extension_of("无扩展名"), None);
        assert_eq!(extension_of("dir.d/无扩展名"), None);
    }
}
