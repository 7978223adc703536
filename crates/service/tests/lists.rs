//! A typed list through Excel on both engines: every built-in list's rows exported, edited and
//! imported back (the rows changed in place, their cells as edited); a workbook with a bad row
//! stores nothing and names the row and column, and with the good rows chosen stores those.

use std::collections::BTreeMap;

use gongkai_domain::role::Role;
use gongkai_domain::typed_list::{Cells, FieldKind, RowStatus, Schema, Validity, builtin};
use gongkai_export::{ExportRow, list_xlsx, read_list_xlsx};
use gongkai_service::lists::{self, ImportFor, ImportOutcome};
use gongkai_store::testing::add_staff;
use gongkai_store::typed_lists::{self, Imported, RowInput};
use gongkai_store::{Actor, Store};

use crate::support::{counties, must};

/// A plausible value typed into every field of `schema`, varied by `i`.
fn sample(schema: &Schema, i: usize) -> Cells {
    let raw: BTreeMap<String, String> = schema
        .fields
        .iter()
        .map(|f| {
            let value = match f.kind {
                FieldKind::Text => format!("{}{i}", f.label),
                FieldKind::RichText => format!("第一段{i}\n第二段"),
                FieldKind::Date => format!("2026/3/{}", i + 1),
                FieldKind::Number => format!("{i}"),
                FieldKind::Money => format!("{i}234.5"),
                FieldKind::Choice => f.options[i % f.options.len()].clone(),
                FieldKind::OrgLink => "WQX002".into(),
                FieldKind::RecordLink => format!("WQX002-2026-{i:04}"),
                FieldKind::Attachment => "cd".repeat(32),
            };
            (f.key.clone(), value)
        })
        .collect();
    must(schema.check_row(&raw).map_err(|e| format!("{e:?}")))
}

async fn ids_of(store: &Store) -> (i64, i64) {
    let id = |code: &str| {
        let code = must(gongkai_domain::org::OrgCode::parse(code));
        let store = store.clone();
        async move { must(gongkai_store::orgs::by_code(&store, &code).await).id }
    };
    (id("WQX001").await, id("WQX002").await)
}

#[tokio::test]
async fn every_builtin_list_round_trips_through_excel() {
    for (engine, _db, store) in counties().await {
        let editor = add_staff(&store, "editor", "editor", "WQX002", vec![Role::Editor]).await;
        let (site, office) = ids_of(&store).await;
        let actor = Actor::user("editor", "::1");
        for schema in builtin::all() {
            let mut ids = Vec::new();
            for i in 1..=2 {
                let cells = sample(&schema, i);
                let input = RowInput {
                    schema: &schema,
                    cells: &cells,
                    validity: Validity::Valid,
                    default_org: office,
                    scope: None,
                };
                ids.push(must(
                    typed_lists::create(&store, &actor, Some(editor), site, &input).await,
                ));
            }
            let bytes = must(lists::export(&store, site, &schema.code, None).await);

            // The edit: the first row's title changed in the workbook, everything else as exported.
            let mut read = must(read_list_xlsx(&schema, &bytes));
            assert!(
                read.problems.is_empty(),
                "{engine:?} {}: {:?}",
                schema.code,
                read.problems
            );
            assert_eq!(read.good.len(), 2);
            let edited = read.good.iter_mut().find(|r| r.id == Some(ids[0]));
            let Some(edited) = edited else {
                panic!("row {} exported", ids[0])
            };
            edited
                .cells
                .insert(schema.title_key.clone(), "修改后的标题".into());
            let rows: Vec<ExportRow<'_>> = read
                .good
                .iter()
                .map(|r| ExportRow {
                    id: r.id.unwrap_or_default(),
                    cells: &r.cells,
                })
                .collect();
            let edited_bytes = must(list_xlsx(&schema, &rows));

            let to = ImportFor {
                actor: &actor,
                author_id: editor,
                site_id: site,
                code: &schema.code,
                default_org: office,
                scope: None,
            };
            let outcome = must(lists::import(&store, to, &edited_bytes, false).await);
            let expected = ImportOutcome::Imported {
                // The second row as exported is left alone.
                counts: Imported {
                    added: 0,
                    changed: 1,
                    unchanged: 1,
                },
                left_out: vec![],
            };
            assert_eq!(outcome, expected, "{engine:?} {}", schema.code);
            let first = must(typed_lists::get(&store, site, ids[0]).await);
            assert_eq!(schema.title_of(&first.cells), "修改后的标题");
            assert_eq!((first.status, first.version), (RowStatus::Draft, 2));
            let mut expected_cells = sample(&schema, 1);
            expected_cells.insert(schema.title_key.clone(), "修改后的标题".into());
            assert_eq!(first.cells, expected_cells, "{engine:?} {}", schema.code);
            let second = must(typed_lists::get(&store, site, ids[1]).await);
            assert_eq!(second.cells, sample(&schema, 2));
            assert_eq!(second.version, 1, "{engine:?} {}: not touched", schema.code);
        }
    }
}

#[tokio::test]
async fn a_workbook_with_a_bad_row_stores_nothing_unless_the_good_rows_are_chosen() {
    for (engine, _db, store) in counties().await {
        let editor = add_staff(&store, "editor", "editor", "WQX002", vec![Role::Editor]).await;
        let (site, office) = ids_of(&store).await;
        let actor = Actor::user("editor", "::1");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows = [
            ["资金项目", "年度", "主管部门", "分配对象", "分配金额"],
            ["城乡低保资金", "2026", "WQX002", "城关镇", "1000"],
            ["临时救助资金", "2026", "WQX002", "东村", "一千元"],
        ];
        for (r, row) in (0u32..).zip(rows) {
            for (c, v) in (0u16..).zip(row) {
                must(sheet.write(r, c, v).map(|_| ()));
            }
        }
        let bytes = must(book.save_to_buffer());
        let to = ImportFor {
            actor: &actor,
            author_id: editor,
            site_id: site,
            code: "minsheng",
            default_org: office,
            scope: None,
        };
        let outcome = must(lists::import(&store, to, &bytes, false).await);
        let ImportOutcome::Refused { problems, more, good } = outcome else {
            panic!("{engine:?}: refused expected, got {outcome:?}");
        };
        assert_eq!((problems.len(), more, good), (1, 0, 1));
        assert_eq!(
            problems[0].to_string(),
            "工作表“Sheet1”第 3 行 E 列：“分配金额”应为以元为单位的金额，最多两位小数，例如 1234.50"
        );
        let stored = |store: &Store| {
            let store = store.clone();
            let filter = gongkai_store::typed_lists::RowFilter {
                site_id: site,
                type_code: "minsheng".into(),
                ..Default::default()
            };
            async move { must(typed_lists::list(&store, &filter, 1, 10).await).1 }
        };
        assert_eq!(stored(&store).await, 0, "nothing imported");
        let outcome = must(lists::import(&store, to, &bytes, true).await);
        let ImportOutcome::Imported { counts, left_out } = outcome else {
            panic!("{engine:?}: imported expected, got {outcome:?}");
        };
        assert_eq!((counts.added, counts.changed, left_out.len()), (1, 0, 1));
        assert_eq!(stored(&store).await, 1);
        let not_a_workbook = lists::import(&store, to, b"not a workbook", false).await;
        assert!(not_a_workbook.is_err());
    }
}
