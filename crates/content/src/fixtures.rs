//! Test documents built in memory, carrying planted personal data and a secret marking, for
//! the sniffing, extraction and (in other crates) screening tests.
//!
//! Enabled by the `fixtures` cargo feature (`gongkai-content = { workspace = true, features =
//! ["fixtures"] }` under `[dev-dependencies]`); never part of the shipped binary. Every builder is
//! deterministic and needs nothing from the file system. The planted numbers are the standard
//! sample ID number of GB 11643 (valid checksum), a mobile number and a Luhn-valid bank card.

use std::io::{Cursor, Write};

/// A valid 18-digit resident ID number (checksum `X`), planted in every document fixture.
pub const PLANTED_ID: &str = "11010519491231002X";
/// A mobile number, planted in every document fixture.
pub const PLANTED_MOBILE: &str = "13912345678";
/// A bank card number with a valid Luhn check digit, planted in every document fixture.
pub const PLANTED_BANK_CARD: &str = "6222021234567890128";
/// A secret marking (密级标志), planted in every document fixture.
pub const PLANTED_SECRET: &str = "内部资料";
/// The sentence carrying the ID and mobile numbers, exactly as it appears in the fixtures.
pub const PLANTED_SENTENCE: &str = "联系人身份证号 11010519491231002X，手机 13912345678";
/// Everything planted: screening must find each of these in the DOCX, XLSX and PDF fixtures.
pub const PLANTED: [&str; 4] = [
    PLANTED_ID,
    PLANTED_MOBILE,
    PLANTED_BANK_CARD,
    PLANTED_SECRET,
];

/// The title line of the document fixtures.
pub const TITLE: &str = "乌恰县人民政府办公室关于做好政务公开工作的通知";

/// HTML as Microsoft Word puts it on the Windows clipboard (CF_HTML header, Office
/// namespaces, `MsoNormal` paragraphs, `<o:p>`, conditional comments, a `MsoTableGrid` table),
/// with the ID and mobile numbers split over several runs.
pub fn word_paste_html() -> &'static str {
    include_str!("../fixtures/word_paste.html")
}

/// A ZIP archive of the given entries (deflated).
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer
            .start_file(*name, options)
            .unwrap_or_else(|e| panic!("zip entry {name}: {e}"));
        writer
            .write_all(data)
            .unwrap_or_else(|e| panic!("zip entry {name}: {e}"));
    }
    writer
        .finish()
        .unwrap_or_else(|e| panic!("zip: {e}"))
        .into_inner()
}

/// An Office Open XML package: `[Content_Types].xml` holding `content_types` (the `<Types>`
/// element), the package's relationship to its main part `main`, then `parts`.
fn ooxml_package(content_types: &str, main: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let content_types = format!("{XML_DECLARATION}\n{content_types}");
    let rels = format!(
        r#"{XML_DECLARATION}
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/></Relationships>"#
    );
    let mut entries = vec![
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
    ];
    entries.extend_from_slice(parts);
    zip_of(&entries)
}

/// The XML declaration every part starts with.
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps""#;

fn run(text: &str) -> String {
    format!(
        r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
    )
}

fn paragraph(runs: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs><w:jc w:val="both"/></w:pPr>{runs}</w:p>"#
    )
}

fn cell(paragraphs: &str) -> String {
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="4148" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>"#)
}

/// A minimal but valid Word document (OOXML): a title, the planted sentence split over runs,
/// the bank card, a table, a hyperlink field, a tracked deletion, a text box (with Word's
/// fallback copy), a header with the secret marking and a footer with a page field.
pub fn docx() -> Vec<u8> {
    docx_with_padding(0)
}

/// [`docx`] plus a `word/media/padding.bin` of `padding` zero bytes: a small file that
/// unpacks large, for zip-bomb tests.
pub fn docx_with_padding(padding: usize) -> Vec<u8> {
    let field = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "http://www.wuqia.gov.cn/" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#.to_owned()
        + &run("链接文字")
        + r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let text_box = format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
        inner = paragraph(&run("文本框里的话"))
    );
    let table = format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="a3"/></w:tblPr><w:tblGrid><w:gridCol w:w="4148"/><w:gridCol w:w="4148"/></w:tblGrid><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>"#,
        cell(&paragraph(&run("姓名"))),
        cell(&paragraph(&run("联系电话"))),
        cell(&(paragraph(&run("张三")) + &paragraph(&run("（经办人）")))),
        cell(&paragraph(&run(PLANTED_MOBILE))),
    );
    let body = [
        paragraph(&run(TITLE)),
        paragraph(
            &[
                run("联系人身份证号 "),
                run("110105"),
                r#"<w:r><w:rPr><w:b/></w:rPr><w:t>19491231002X</w:t></w:r>"#.to_owned(),
                run("，手机 "),
                run("139"),
                run("12345678"),
            ]
            .concat(),
        ),
        paragraph(&(run("银行卡号") + "<w:r><w:tab/></w:r>" + &run(PLANTED_BANK_CARD))),
        paragraph(&run("A&amp;B &lt;公开&gt;")),
        paragraph(&(run("详见") + &field)),
        paragraph(
            r#"<w:del w:id="1" w:author="县政府办" w:date="2018-05-20T10:00:00Z"><w:r><w:delText xml:space="preserve">删除的旧电话 13800000000</w:delText></w:r></w:del>"#,
        ),
        paragraph(&text_box),
        table,
        paragraph(""),
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rId1"/><w:footerReference w:type="default" r:id="rId2"/><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>"#.to_owned(),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W_NS}><w:body>{body}</w:body></w:document>"#
    );
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr {W_NS}>{}</w:hdr>"#,
        paragraph(&run("内部资料 注意保存"))
    );
    let page_field = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let footer = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr {W_NS}>{}</w:ftr>"#,
        paragraph(&(run("第 ") + page_field + &run(" 页")))
    );
    let content_types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="bin" ContentType="application/octet-stream"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>"#;
    let document_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;
    let padding_bytes = vec![0u8; padding];
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", document_rels.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
        ("word/footer1.xml", footer.as_bytes()),
    ];
    if padding > 0 {
        parts.push(("word/media/padding.bin", &padding_bytes));
    }
    ooxml_package(content_types, "word/document.xml", &parts)
}

/// A Word document to import as a record body: a 红头 line and a 文号 when given, a level-1
/// and a level-2 heading (WPS-style ids `1` and `2`), two paragraphs (one with a bold run and
/// one with a tracked deletion), a numbered list of two items, a bulleted item and a 2×2 table.
pub fn body_docx(red_head: Option<(&str, &str)>) -> Vec<u8> {
    let styled = |style: &str, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#,
            run(text)
        )
    };
    let numbered = |num: u32, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr></w:pPr>{}</w:p>"#,
            run(text)
        )
    };
    let simple_cell = |text: &str| cell(&paragraph(&run(text)));
    let mut body = String::new();
    if let Some((head, number)) = red_head {
        body.push_str(&paragraph(&format!(
            r#"<w:r><w:rPr><w:b/><w:color w:val="FF0000"/></w:rPr><w:t>{}</w:t></w:r>"#,
            xml_escape(head)
        )));
        body.push_str(&paragraph(&run(&xml_escape(number))));
    }
    body.push_str(&styled("1", "一、总体要求"));
    body.push_str(&styled("2", "（一）工作目标"));
    body.push_str(&paragraph(
        &(run("第一段正文。")
            + r#"<w:del w:id="1" w:author="县政府办"><w:r><w:delText>删除的旧文字</w:delText></w:r></w:del>"#),
    ));
    body.push_str(&paragraph(
        &(run("第二段") + r#"<w:r><w:rPr><w:b/></w:rPr><w:t>加粗</w:t></w:r>"# + &run("正文。")),
    ));
    body.push_str(&numbered(1, "完善制度"));
    body.push_str(&numbered(1, "加强监督"));
    body.push_str(&numbered(2, "要点甲"));
    body.push_str(&format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="a3"/></w:tblPr><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>"#,
        simple_cell("项目"),
        simple_cell("金额"),
        simple_cell("培训"),
        simple_cell("1200"),
    ));
    body.push_str(r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>"#);
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W_NS}><w:body>{body}</w:body></w:document>"#
    );
    let styles = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 2"/></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style></w:styles>"#;
    let numbering = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
    let content_types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#;
    ooxml_package(
        content_types,
        "word/document.xml",
        &[
            ("word/document.xml", document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
            ("word/numbering.xml", numbering.as_bytes()),
        ],
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A minimal valid Excel workbook (OOXML) with two sheets — "联系人" (shared strings, a mobile
/// number stored as a number, a gap before the bank card) and "汇总" (inline strings, the
/// planted sentence, the secret marking).
pub fn xlsx() -> Vec<u8> {
    let shared = [
        "姓名",
        "身份证号",
        "手机",
        "张三",
        PLANTED_ID,
        "李四",
        "备注：6222021234567890128",
        "A&B",
        PLANTED_SECRET,
    ];
    let sst: String = shared
        .iter()
        .map(|s| format!("<si><t>{}</t></si>", xml_escape(s)))
        .collect();
    let shared_strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{sst}</sst>"#,
        n = shared.len()
    );
    let sheet = |rows: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        )
    };
    let s = |r: &str, i: usize| format!(r#"<c r="{r}" t="s"><v>{i}</v></c>"#);
    let inline = |r: &str, text: &str| {
        format!(
            r#"<c r="{r}" t="inlineStr"><is><t>{}</t></is></c>"#,
            xml_escape(text)
        )
    };
    let sheet1 = sheet(&format!(
        r#"<row r="1">{}{}{}</row><row r="2">{}{}<c r="C2"><v>13912345678</v></c></row><row r="3">{}{}</row>"#,
        s("A1", 0),
        s("B1", 1),
        s("C1", 2),
        s("A2", 3),
        s("B2", 4),
        s("A3", 5),
        s("D3", 6),
    ));
    let sheet2 = sheet(&format!(
        r#"<row r="1">{}<c r="B1"><v>2</v></c></row><row r="2">{}{}</row><row r="4">{}</row><row r="5">{}{}</row>"#,
        inline("A1", "合计"),
        inline("A2", "说明"),
        inline("B2", PLANTED_SENTENCE),
        s("A4", 7),
        inline("A5", "密级"),
        s("B5", 8),
    ));
    let workbook = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="联系人" sheetId="1" r:id="rId1"/><sheet name="汇总" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
    let workbook_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let content_types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    ooxml_package(
        content_types,
        "xl/workbook.xml",
        &[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
            ("xl/sharedStrings.xml", shared_strings.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
            ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
        ],
    )
}

/// A minimal PowerPoint presentation (OOXML): two slides (the first with the planted sentence)
/// and a speaker note with the secret marking.
pub fn pptx() -> Vec<u8> {
    let ns = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;
    let para = |runs: &[&str]| {
        let runs: String = runs
            .iter()
            .map(|t| format!(r#"<a:r><a:rPr lang="zh-CN" altLang="en-US"/><a:t>{t}</a:t></a:r>"#))
            .collect();
        format!("<a:p><a:pPr algn=\"l\"/>{runs}</a:p>")
    };
    let slide = |paragraphs: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld {ns}><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
        )
    };
    let slide1 = slide(
        &(para(&["第一张：工作汇报"])
            + &para(&[
                "联系人身份证号 ",
                "11010519491231002X",
                "，手机 13912345678",
            ])),
    );
    let slide2 = slide(&para(&["第二张"]));
    let notes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:notes {ns}><p:cSld><p:spTree><p:sp><p:txBody>{}</p:txBody></p:sp></p:spTree></p:cSld></p:notes>"#,
        para(&["备注：内部资料"])
    );
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("ppt/presentation.xml", b"<p:presentation/>"),
        ("ppt/slides/slide2.xml", slide2.as_bytes()),
        ("ppt/slides/slide1.xml", slide1.as_bytes()),
        ("ppt/notesSlides/notesSlide1.xml", notes.as_bytes()),
    ])
}

/// A minimal OFD document (GB/T 33190) of two pages; the planted sentence is split over two
/// text objects on one baseline.
pub fn ofd() -> Vec<u8> {
    let ns = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;
    let page = |objects: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>"#
        )
    };
    let object = |id: u32, x: u32, y: u32, text: &str| {
        format!(
            r#"<ofd:TextObject ID="{id}" Boundary="{x} {y} 150 8" Font="3" Size="4.2"><ofd:TextCode X="0" Y="6">{text}</ofd:TextCode></ofd:TextObject>"#
        )
    };
    let page0 = page(
        &(object(4, 20, 30, "乌恰县人民政府")
            + &object(5, 20, 50, "联系人身份证号 ")
            + &object(6, 52, 50, "11010519491231002X，手机 13912345678")),
    );
    let page1 = page(&object(7, 20, 30, "第二页"));
    let ofd_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD {ns} Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    );
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>8</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>"#
    );
    zip_of(&[
        ("OFD.xml", ofd_xml.as_bytes()),
        ("Doc_0/Document.xml", document.as_bytes()),
        ("Doc_0/Pages/Page_1/Content.xml", page1.as_bytes()),
        ("Doc_0/Pages/Page_0/Content.xml", page0.as_bytes()),
    ])
}

/// An OLE compound file holding streams with the given names (a few bytes each): the
/// container of Word/Excel 97–2003 files and of password-protected OOXML.
pub fn ole_with_streams(names: &[&str]) -> Vec<u8> {
    ole_of(
        &names
            .iter()
            .map(|n| (*n, b"\x00\x01\x02\x03".to_vec()))
            .collect::<Vec<_>>(),
    )
}

fn ole_of(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut cf =
        cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap_or_else(|e| panic!("cfb: {e}"));
    for (name, data) in streams {
        let mut stream = cf
            .create_stream(format!("/{name}"))
            .unwrap_or_else(|e| panic!("cfb stream {name}: {e}"));
        stream
            .write_all(data)
            .unwrap_or_else(|e| panic!("cfb stream {name}: {e}"));
    }
    cf.flush().unwrap_or_else(|e| panic!("cfb: {e}"));
    cf.into_inner().into_inner()
}

/// An OLE file with a `Workbook` stream of junk: sniffed as an Excel 97–2003 workbook, but
/// not readable.
pub fn xls_like_ole() -> Vec<u8> {
    ole_with_streams(&["Workbook"])
}

/// A synthetic Word 97–2003 binary document: a FIB, a piece table with one 8-bit piece
/// ("Tel: 0908-4581234") and one UTF-16 piece (the planted sentence, a hyperlink field, a
/// two-cell table row). Enough for the text extractor; Word itself would want more.
pub fn doc() -> Vec<u8> {
    const TEXT_AT: usize = 0x800;
    const UNICODE_AT: usize = 0x1000;
    let ascii = "Tel: 0908-4581234\r";
    let unicode = format!(
        "{PLANTED_SENTENCE}\r银行卡号 {PLANTED_BANK_CARD}\r{PLANTED_SECRET}\r详见\u{13} HYPERLINK \"http://www.wuqia.gov.cn/\" \u{14}链接文字\u{15}\r甲\u{07}乙\u{07}\u{07}"
    );
    let units: Vec<u16> = unicode.encode_utf16().collect();

    let mut word = vec![0u8; UNICODE_AT + units.len() * 2];
    let put16 =
        |b: &mut Vec<u8>, at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 =
        |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut word, 0, 0xA5EC); // wIdent
    put16(&mut word, 2, 0x00C1); // nFib (Word 97)
    put16(&mut word, 6, 0x0804); // lid: zh-CN
    put16(&mut word, 0x0A, 0x0200); // fWhichTblStm: 1Table
    put16(&mut word, 32, 14); // csw
    put16(&mut word, 62, 22); // cslw
    let ccp_text = (ascii.len() + units.len()) as u32;
    put32(&mut word, 64 + 3 * 4, ccp_text); // ccpText
    put16(&mut word, 152, 0x5D); // cbRgFcLcb
    word[TEXT_AT..TEXT_AT + ascii.len()].copy_from_slice(ascii.as_bytes());
    for (i, u) in units.iter().enumerate() {
        put16(&mut word, UNICODE_AT + i * 2, *u);
    }

    // Clx: one Pcdt holding a PlcPcd of two pieces.
    let cps = [0u32, ascii.len() as u32, ccp_text];
    let mut plc = Vec::new();
    for cp in cps {
        plc.extend_from_slice(&cp.to_le_bytes());
    }
    for fc in [(TEXT_AT as u32 * 2) | 0x4000_0000, UNICODE_AT as u32] {
        plc.extend_from_slice(&0u16.to_le_bytes());
        plc.extend_from_slice(&fc.to_le_bytes());
        plc.extend_from_slice(&0u16.to_le_bytes());
    }
    let mut table = vec![0u8; 16];
    let fc_clx = table.len() as u32;
    table.push(0x02);
    table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
    table.extend_from_slice(&plc);
    let lcb_clx = table.len() as u32 - fc_clx;
    put32(&mut word, 154 + 33 * 8, fc_clx);
    put32(&mut word, 154 + 33 * 8 + 4, lcb_clx);

    ole_of(&[("WordDocument", word), ("1Table", table)])
}

/// A one-page PDF whose Chinese text uses a Type0 font with `Identity-H` encoding and a
/// `ToUnicode` map — the structure Word, WPS and most Chinese PDF producers write — with the
/// title, the planted sentence, the bank card and the secret marking. The glyphs are not
/// embedded (the file is for the text layer; a viewer substitutes shapes), so the fixture needs
/// no font file.
pub fn pdf() -> Vec<u8> {
    pdf_with_lines(&[
        TITLE,
        PLANTED_SENTENCE,
        "银行卡号 6222021234567890128",
        "密级：内部资料",
    ])
}

fn pdf_with_lines(lines: &[&str]) -> Vec<u8> {
    let mut chars: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
    chars.sort_unstable();
    chars.dedup();
    let cid = |c: char| chars.binary_search(&c).map_or(0, |i| i + 1);

    let mut content = String::new();
    for (i, line) in lines.iter().enumerate() {
        let y = 780 - 30 * i;
        let hex: String = line.chars().map(|c| format!("{:04X}", cid(c))).collect();
        content.push_str(&format!("BT /F1 14 Tf 1 0 0 1 56 {y} Tm <{hex}> Tj ET\n"));
    }
    let widths: Vec<&str> = chars
        .iter()
        .map(|c| if c.is_ascii() { "500" } else { "1000" })
        .collect();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for c in chunk {
            let utf16: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{utf16}>\n", cid(*c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

    let stream = |data: &str| format!("<< /Length {} >>\nstream\n{data}\nendstream", data.len());
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        stream(&content),
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>".to_owned(),
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /W [1 [{}]] /CIDToGIDMap /Identity >>",
            widths.join(" ")
        ),
        "<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>".to_owned(),
        stream(&cmap),
    ];
    let mut pdf: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref_at = pdf.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.extend_from_slice(xref.as_bytes());
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A complete 1×1 PNG image.
pub fn png() -> Vec<u8> {
    vec![
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 4,
        0, 0, 0, 181, 28, 12, 2, 0, 0, 0, 11, 73, 68, 65, 84, 120, 218, 99, 100, 96, 0, 0, 0, 6, 0,
        2, 48, 129, 208, 47, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
    ]
}

/// The start of a JPEG/JFIF file (SOI and APP0 markers) followed by the end marker.
pub fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    bytes.extend_from_slice(b"JFIF\0\x01\x01\x00\x00\x48\x00\x48\x00\x00");
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// A complete 1×1 GIF image.
pub fn gif() -> Vec<u8> {
    vec![
        71, 73, 70, 56, 57, 97, 1, 0, 1, 0, 128, 0, 0, 0, 0, 0, 255, 255, 255, 33, 249, 4, 1, 0, 0,
        0, 0, 44, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 1, 68, 0, 59,
    ]
}

/// The start of a Windows executable (`MZ` header and DOS stub), to be renamed `.pdf` in tests.
pub fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00".to_vec();
    bytes.resize(0x40, 0);
    bytes[0x3C] = 0x40;
    bytes.extend_from_slice(b"PE\0\0");
    bytes.extend_from_slice(b"This program cannot be run in DOS mode.\r\r\n$");
    bytes
}

/// A ZIP archive that is no office document: two plain files.
pub fn plain_zip() -> Vec<u8> {
    zip_of(&[
        ("说明.txt", "附件说明".as_bytes()),
        ("data/名单.csv", "姓名,电话\n张三,13912345678\n".as_bytes()),
    ])
}

/// Zlib-deflates `mb` megabytes of `fill` without ever holding them.
pub fn deflated(mb: usize, fill: u8) -> Vec<u8> {
    let chunk = vec![fill; 1024 * 1024];
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..mb {
        e.write_all(&chunk).unwrap_or_else(|e| panic!("{e}"));
    }
    e.finish().unwrap_or_else(|e| panic!("{e}"))
}

/// A one-page PDF whose content stream inflates to `mb` megabytes of spaces.
pub fn pdf_bomb(mb: usize) -> Vec<u8> {
    let stream = deflated(mb, b' ');
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut contents = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        stream.len()
    )
    .into_bytes();
    contents.extend_from_slice(&stream);
    contents.extend_from_slice(b"\nendstream");
    let objects: [Vec<u8>; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>"
            .to_vec(),
        contents,
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}
