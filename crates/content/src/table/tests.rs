use std::io::Cursor;

use proptest::prelude::*;

use super::*;

fn csv(bytes: &[u8]) -> Result<TableReader, ContentError> {
    open_csv(Cursor::new(bytes.to_vec()), &TableLimits::default())
}

fn all_rows(mut t: TableReader) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    while let Some(row) = t.next_row().unwrap_or_else(|e| panic!("{e}")) {
        rows.push(row);
    }
    rows
}

fn names(t: &TableReader) -> Vec<(&str, FieldType)> {
    t.shape()
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.field_type))
        .collect()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

const SAMPLE: &str = "项目名称,成交日期,金额,数量\n\
    县一中食堂改造,2024-03-05,125000.50,3\n\
    \"城区道路\n维修\",2024/3/18,98000,12\n\
    乡镇卫生院设备,2024年4月1日,,7\n";

#[test]
fn utf8_with_header_types_and_quoted_newline() {
    let t = csv(SAMPLE.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.shape().has_header);
    assert_eq!(t.shape().encoding, "UTF-8");
    assert_eq!(t.shape().delimiter, Some(b','));
    assert_eq!(t.shape().rows, 3);
    assert_eq!(
        names(&t),
        [
            ("项目名称", FieldType::Text),
            ("成交日期", FieldType::Date),
            ("金额", FieldType::Numeric),
            ("数量", FieldType::Int)
        ]
    );
    let rows = all_rows(t);
    assert_eq!(
        rows[1],
        [
            text("城区道路\n维修"),
            text("2024-03-18"),
            Cell::Numeric(98000.0),
            Cell::Int(12)
        ]
    );
    assert_eq!(rows[2][1], text("2024-04-01"));
    assert_eq!(rows[2][2], Cell::Null);
}

#[test]
fn bom_gbk_and_utf16_decode_alike() {
    let plain = csv(SAMPLE.as_bytes()).map(all_rows).unwrap_or_default();
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(SAMPLE.as_bytes());
    let t = csv(&bom).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        t.shape().fields[0].name,
        "项目名称",
        "the BOM is not in the name"
    );
    assert_eq!(all_rows(t), plain);

    let (gbk, _, _) = GB18030.encode(SAMPLE);
    let t = csv(&gbk).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.shape().encoding, "gb18030");
    assert_eq!(t.shape().fields[0].name, "项目名称");
    assert_eq!(all_rows(t), plain);

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in SAMPLE.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let t = csv(&utf16).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.shape().encoding, "UTF-16LE");
    assert_eq!(all_rows(t), plain);
}

#[test]
fn gbk_found_after_a_long_ascii_start() {
    // The first 64 KB are plain ASCII (valid UTF-8): the first pass meets the GBK bytes later
    // and reads the file again as GB18030.
    let mut body = String::from("编号,名称\n");
    for i in 0..8000 {
        body.push_str(&format!("{i},name{i}\n"));
    }
    body.push_str("8000,城关镇\n");
    let (gbk, _, _) = GB18030.encode(&body);
    assert!(gbk.len() > SAMPLE_BYTES);
    let t = csv(&gbk).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.shape().encoding, "gb18030");
    let rows = all_rows(t);
    assert_eq!(rows.last().map(|r| r[1].clone()), Some(text("城关镇")));
}

#[test]
fn tab_and_semicolon_are_sniffed() {
    let t = csv("a\tb\n1\t2,5\n3\t4\n".as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.shape().delimiter, Some(b'\t'));
    assert_eq!(names(&t), [("a", FieldType::Int), ("b", FieldType::Text)]);
    let t = csv("名称;金额\n甲;1,5\n乙;2\n".as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.shape().delimiter, Some(b';'));
}

#[test]
fn ragged_rows_are_padded_cut_and_counted() {
    let t = csv(b"a,b,c\n1,2\n1,2,3,4\n1,2,3,\n5,6,7\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        t.shape().ragged_rows,
        2,
        "a trailing empty cell is not ragged"
    );
    assert_eq!(
        t.shape().ragged,
        [
            RaggedRow {
                line: 2,
                found: 2,
                expected: 3
            },
            RaggedRow {
                line: 3,
                found: 4,
                expected: 3
            }
        ]
    );
    let rows = all_rows(t);
    assert_eq!(rows[0], [Cell::Int(1), Cell::Int(2), Cell::Null]);
    assert_eq!(rows[1], [Cell::Int(1), Cell::Int(2), Cell::Int(3)]);
}

#[test]
fn no_header_gives_generated_names() {
    let t = csv(b"1,2024-01-01,x\n2,2024-01-02,y\n").unwrap_or_else(|e| panic!("{e}"));
    assert!(!t.shape().has_header);
    assert_eq!(t.shape().rows, 2);
    assert_eq!(
        names(&t),
        [
            ("列1", FieldType::Int),
            ("列2", FieldType::Date),
            ("列3", FieldType::Text)
        ]
    );
    // A repeated value in the first row is data, not a header.
    let t = csv("甲,甲\n乙,丙\n".as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!t.shape().has_header);
}

#[test]
fn empty_and_repeated_header_names_are_made_unique() {
    let t = csv("名称,,名称 ,_id,金额\n甲,1,2,3,4\n".as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<&str> = names(&t).into_iter().map(|(n, _)| n).collect();
    assert_eq!(got, ["名称", "列2", "名称_2", "_id_2", "金额"]);
}

#[test]
fn mixed_columns_fall_back_to_text_and_codes_stay_text() {
    let t =
        csv(b"a,b,c,d,e\n1,1,2024-01-01,007,110101199001011234\n2,x,3,008,110101199001011235\n")
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names(&t).into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
        [
            FieldType::Int,
            FieldType::Text,
            FieldType::Text,
            FieldType::Text,
            FieldType::Text
        ]
    );
    assert_eq!(all_rows(t)[0][3], text("007"));
    assert_eq!(parse_date("2024-02-30"), None);
    assert_eq!(parse_date("2024年2月9日").as_deref(), Some("2024-02-09"));
    assert_eq!(parse_number("1e400"), None);
    assert_eq!(parse_number("nan"), None);
    assert_eq!(parse_number("-.5"), Some(-0.5));
}

#[test]
fn ten_thousand_columns_are_refused() {
    let header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let body = format!("{}\n", header.join(","));
    let err = csv(body.as_bytes()).err();
    assert!(
        matches!(&err, Some(ContentError::TableTooLarge { limit }) if limit.contains("10000")),
        "{err:?}"
    );
    assert!(err.is_some_and(|e| e.to_string().contains("已拒绝导入")));
}

#[test]
fn byte_row_and_cell_limits() {
    let limits = TableLimits {
        max_bytes: 100_000,
        max_rows: 10,
        max_cell_bytes: 10,
        max_row_bytes: 100_000,
        ..TableLimits::default()
    };
    let open = |b: Vec<u8>| open_csv(Cursor::new(b), &limits).err();
    let big: String = (0..60_000).map(|i| format!("{}\n", i % 10)).collect();
    let err = open_csv(
        Cursor::new(big.into_bytes()),
        &TableLimits {
            max_bytes: 100_000,
            ..TableLimits::default()
        },
    )
    .err();
    assert!(
        matches!(err, Some(ContentError::TableTooLarge { limit }) if limit.contains("文件超过"))
    );
    // Refused by its size alone, before it is read (a 2 GB upload).
    let err = open_csv(
        Cursor::new(vec![b'x'; 200_001]),
        &TableLimits {
            max_bytes: 200_000,
            ..TableLimits::default()
        },
    )
    .err();
    assert!(
        matches!(&err, Some(ContentError::TableTooLarge { limit }) if limit.contains("文件超过")),
        "{err:?}"
    );
    let many: String = (0..20).map(|i| format!("{i}\n")).collect();
    assert!(
        matches!(open(many.into_bytes()), Some(ContentError::TableTooLarge { limit }) if limit.contains("数据行"))
    );
    assert!(
        matches!(open(b"a\n12345678901\n".to_vec()), Some(ContentError::TableTooLarge { limit }) if limit.contains("单元格"))
    );
    // An unclosed quote would make the rest of the file one row.
    let limits = TableLimits {
        max_row_bytes: 1000,
        ..TableLimits::default()
    };
    let mut unclosed = b"a,b\n1,\"".to_vec();
    unclosed.extend(std::iter::repeat_n(b'x', 200_000));
    let err = open_csv(Cursor::new(unclosed), &limits).err();
    assert!(
        matches!(&err, Some(ContentError::TableTooLarge { limit }) if limit.contains("单行")),
        "{err:?}"
    );
}

#[test]
fn blank_rows_before_the_header_are_skipped() {
    let t = csv("\t\n,,\n名称,金额\n甲,1\n".as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.shape().has_header);
    assert_eq!(all_rows(t), [vec![text("甲"), Cell::Int(1)]]);
}

#[test]
fn empty_files_are_refused() {
    assert_eq!(csv(b"").err(), Some(ContentError::Empty));
    assert_eq!(csv(b"\n\n , \n").err(), Some(ContentError::Empty));
}

#[test]
fn bytes_read_reaches_the_file_size() {
    let mut t = csv(SAMPLE.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    while t.next_row().ok().flatten().is_some() {}
    assert_eq!(t.bytes_read(), SAMPLE.len() as u64);
}

fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Formula, Workbook};
    let mut book = Workbook::new();
    let hidden = book.add_worksheet();
    hidden.set_name("隐藏").ok();
    hidden.write(0, 0, "不应读取").ok();
    hidden.set_hidden(true);
    let sheet = book.add_worksheet();
    sheet.set_name("数据").ok();
    sheet.set_active(true);
    for (c, h) in ["乡镇", "村", "户数", "合计"].iter().enumerate() {
        sheet.write(0, c as u16, *h).ok();
    }
    sheet.merge_range(1, 0, 2, 0, "城关镇", &Format::new()).ok();
    sheet.write(1, 1, "东村").ok();
    sheet.write(2, 1, "西村").ok();
    sheet.write(1, 2, 10).ok();
    sheet.write(2, 2, 12.5).ok();
    sheet
        .write_formula(1, 3, Formula::new("=C2*2").set_result("20"))
        .ok();
    sheet
        .write_formula(2, 3, Formula::new("=C3*2").set_result("25"))
        .ok();
    book.save_to_buffer().unwrap_or_default()
}

#[test]
fn xlsx_first_visible_sheet_formulas_and_merged_cells() {
    let t = open_table(
        TableFormat::Xlsx,
        Cursor::new(workbook()),
        &TableLimits::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names(&t),
        [
            ("乡镇", FieldType::Text),
            ("村", FieldType::Text),
            ("户数", FieldType::Numeric),
            ("合计", FieldType::Int)
        ]
    );
    let rows = all_rows(t);
    assert_eq!(
        rows,
        [
            vec![
                text("城关镇"),
                text("东村"),
                Cell::Numeric(10.0),
                Cell::Int(20)
            ],
            vec![
                text("城关镇"),
                text("西村"),
                Cell::Numeric(12.5),
                Cell::Int(25)
            ],
        ]
    );
}

#[test]
fn xlsx_limits_and_garbage() {
    let limits = TableLimits {
        max_xlsx_bytes: 100,
        ..TableLimits::default()
    };
    let err = open_xlsx(Cursor::new(workbook()), &limits).err();
    assert!(
        matches!(err, Some(ContentError::TableTooLarge { .. })),
        "{err:?}"
    );
    let limits = TableLimits {
        max_columns: 3,
        ..TableLimits::default()
    };
    let err = open_xlsx(Cursor::new(workbook()), &limits).err();
    assert!(
        matches!(err, Some(ContentError::TableTooLarge { .. })),
        "{err:?}"
    );
    let err = open_xlsx(
        Cursor::new(b"PK\x03\x04 not really".to_vec()),
        &TableLimits::default(),
    )
    .err();
    assert!(
        matches!(err, Some(ContentError::Malformed { .. })),
        "{err:?}"
    );
}

#[test]
fn excel_serial_dates() {
    assert_eq!(excel_date(45_356.0), "2024-03-05");
    assert_eq!(excel_date(45_356.5), "2024-03-05 12:00:00");
    assert_eq!(excel_date(1.0), "1900-01-01");
}

#[test]
fn formulas_are_neutralised() {
    for bad in ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
        assert_eq!(neutralise_formula(bad), format!("'{bad}"));
    }
    assert_eq!(neutralise_formula("县政府"), "县政府");
    assert_eq!(neutralise_formula(""), "");
    let mut w = CsvWriter::new(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
    w.write_header(["=名称", "金额"]).ok();
    w.write_row(&[text("=HYPERLINK(\"x\")"), Cell::Int(-5)])
        .ok();
    let out = String::from_utf8(w.finish().unwrap_or_default()).unwrap_or_default();
    assert_eq!(out, "\u{feff}'=名称,金额\n\"'=HYPERLINK(\"\"x\"\")\",-5\n");
}

/// A generated column: its type and values that are of it.
fn column() -> impl Strategy<Value = (FieldType, Vec<Cell>)> {
    const ROWS: usize = 6;
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![
                Just(Cell::Null),
                (-1_000_000i64..1_000_000).prop_map(Cell::Int)
            ],
            ROWS
        )
        .prop_map(|v| (FieldType::Int, v)),
        proptest::collection::vec(
            prop_oneof![
                Just(Cell::Null),
                (-1.0e6f64..1.0e6).prop_map(|f| Cell::Numeric(f + 0.25))
            ],
            ROWS
        )
        .prop_map(|v| (FieldType::Numeric, v)),
        proptest::collection::vec(
            prop_oneof![
                Just(Cell::Null),
                "[a-z县乡村][a-z0-9 县乡村,\"\n']{0,10}[a-z县]".prop_map(Cell::Text)
            ],
            ROWS
        )
        .prop_map(|v| (FieldType::Text, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(mut t) = csv(&bytes) {
            let width = t.shape().fields.len();
            let mut n = 0;
            while let Ok(Some(row)) = t.next_row() {
                prop_assert_eq!(row.len(), width);
                n += 1;
            }
            prop_assert!(n <= t.shape().rows);
        }
    }

    #[test]
    fn written_tables_read_back(columns in proptest::collection::vec(column(), 1..6)) {
        let mut w = CsvWriter::new(Vec::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let header: Vec<String> = (0..columns.len()).map(|i| format!("字段{i}")).collect();
        w.write_header(header.iter().map(String::as_str)).ok();
        for r in 0..columns[0].1.len() {
            let row: Vec<Cell> = columns.iter().map(|(_, v)| v[r].clone()).collect();
            w.write_row(&row).ok();
        }
        let bytes = w.finish().unwrap_or_default();
        let t = csv(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(t.shape().has_header);
        let got_names: Vec<String> = t.shape().fields.iter().map(|f| f.name.clone()).collect();
        prop_assert_eq!(&got_names, &header);
        let blank_rows: Vec<bool> = (0..columns[0].1.len())
            .map(|r| columns.iter().all(|(_, v)| v[r] == Cell::Null))
            .collect();
        for (f, (ty, values)) in t.shape().fields.iter().zip(&columns) {
            if values.iter().any(|c| *c != Cell::Null) {
                prop_assert_eq!(f.field_type, *ty);
            }
        }
        let rows = all_rows(t);
        let expected: Vec<Vec<Cell>> = (0..columns[0].1.len())
            .filter(|r| !blank_rows[*r])
            .map(|r| columns.iter().map(|(_, v)| v[r].clone()).collect())
            .collect();
        prop_assert_eq!(rows, expected);
    }
}

#[test]
fn a_workbook_that_would_unpack_past_the_limit_is_refused_before_it_is_read() {
    let book = crate::fixtures::xlsx();
    assert!(check_xlsx_container(&book, &TableLimits::default()).is_ok());
    let tight = TableLimits {
        max_unpacked_bytes: 100,
        ..TableLimits::default()
    };
    let refused = check_xlsx_container(&book, &tight);
    assert!(
        matches!(refused, Err(ContentError::TooLarge { .. })),
        "{refused:?}"
    );
    assert!(check_xlsx_container(b"not a zip", &TableLimits::default()).is_err());
}
