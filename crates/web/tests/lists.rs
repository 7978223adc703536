//! Typed lists in the back office on both engines, over HTTP: a list type defined without code
//! (more field rows, a refusal naming the field), a 权力清单 row from draft through a refused
//! stale edit, submission, approval and withdrawal, a reviewer who wrote the row refused, a
//! 办事指南 row missing statutory elements flagged and refused publication, the Excel round
//! trip, a workbook with three bad rows listing every problem and storing nothing until the
//! good rows are chosen, an oversized upload refused in Chinese, and a member of staff of
//! another organisation kept out.

use gongkai_domain::role::Role;
use gongkai_store::testing::{ENGINES, add_staff};
use reqwest::StatusCode;

use crate::support::{
    App, Session, add_orgs, assert_has_all, county_with_editor_and_reviewer, hidden_value, must,
};

/// The id of the row a form or step redirected to.
fn row_id(resp: &reqwest::Response, code: &str) -> i64 {
    let loc = resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    let prefix = format!("/admin/lists/{code}/");
    must(loc.trim_start_matches(&prefix).parse::<i64>())
}

/// A new 权力清单 row named `name` by `s` (a draft), its id.
async fn power_row(s: &Session, name: &str) -> i64 {
    let r = s
        .post(
            "/admin/lists/quanli/new",
            &[
                ("cell_name", name),
                ("cell_kind", "行政许可"),
                ("cell_basis", "《中华人民共和国行政许可法》"),
                ("cell_org", "WQX004"),
                ("validity", "valid"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        must(r.text().await)
    );
    row_id(&r, "quanli")
}

/// A workbook of one sheet with `rows` (the first the headings).
fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in (0u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row) {
            must(sheet.write(r, c, *v).map(|_| ()));
        }
    }
    must(book.save_to_buffer())
}

async fn import(s: &Session, code: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let r = s
        .post_multipart(
            &format!("/admin/lists/{code}/import"),
            &[],
            vec![("file", "清单.xlsx", bytes)],
        )
        .await;
    (r.status(), must(r.text().await))
}

#[tokio::test]
async fn an_administrator_defines_a_list_type_with_its_fields() {
    for engine in ENGINES {
        let (app, editor, _) = county_with_editor_and_reviewer(engine).await;
        assert_eq!(
            editor.get_status("/admin/lists/types/new").await,
            StatusCode::FORBIDDEN
        );
        let admin = Session::login(&app, "admin").await;
        let page = admin.get_text("/admin/lists/types/new").await;
        assert!(page.contains("name=\"key_4\"") && !page.contains("name=\"key_5\""));
        // 增加字段行 shows the form again, as typed, with more rows.
        let r = admin
            .post(
                "/admin/lists/types/new",
                &[
                    ("rows", "5"),
                    ("code", "zijin"),
                    ("key_0", "project"),
                    ("more", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        let page = must(r.text().await);
        assert!(page.contains("name=\"key_9\"") && page.contains("value=\"project\""));
        let mut fields = vec![
            ("rows", "10"),
            ("code", "zijin"),
            ("name", "专项资金分配"),
            ("key_0", "project"),
            ("label_0", "项目名称"),
            ("kind_0", "text"),
            ("masking_0", "none"),
            ("required_0", "1"),
            ("public_0", "1"),
            ("key_1", "amount"),
            ("label_1", "金额"),
            ("kind_1", "money"),
            ("masking_1", "none"),
            ("public_1", "1"),
            ("key_2", "level"),
            ("label_2", "级别"),
            ("kind_2", "enum"),
            ("masking_2", "none"),
            ("options_2", "县级\n乡级"),
        ];
        // A field key repeated: refused, naming the field, nothing stored.
        fields.extend([
            ("key_3", "amount"),
            ("label_3", "金额2"),
            ("kind_3", "text"),
            ("masking_3", "none"),
        ]);
        let r = admin.post("/admin/lists/types/new", &fields).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert_has_all(&must(r.text().await), &["字段“金额2”重复", "专项资金分配"]);
        fields.truncate(fields.len() - 4);
        fields.extend([
            ("key_3", "doc"),
            ("label_3", "分配文件"),
            ("kind_3", "attachment"),
            ("masking_3", "none"),
            ("public_3", "1"),
        ]);
        let r = admin.post("/admin/lists/types/new", &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert_eq!(r.headers()["location"], "/admin/lists/zijin");
        let overview = editor.get_text("/admin/lists").await;
        assert_has_all(
            &overview,
            &["权力清单", "办事指南", "专项资金分配", "自定义"],
        );
        // The editor drafts a row of it: money in yuan, a choice.
        let r = editor
            .post(
                "/admin/lists/zijin/new",
                &[
                    ("cell_project", "道路维修"),
                    ("cell_amount", "1234.5"),
                    ("cell_level", "县级"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let id = row_id(&r, "zijin");
        let edit = editor
            .get_text(&format!("/admin/lists/zijin/{id}/edit"))
            .await;
        assert!(edit.contains("value=\"1,234.50\""), "money shown in yuan");
        // A file chosen in the form is the attachment cell, downloadable by staff.
        let doc = gongkai_content::fixtures::docx();
        let r = editor
            .post_multipart(
                "/admin/lists/zijin/new",
                &[("cell_project", "校舍维修"), ("cell_level", "乡级")],
                vec![("file_doc", "分配文件.docx", doc.clone())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let with_file = row_id(&r, "zijin");
        let page = editor
            .get_text(&format!("/admin/lists/zijin/{with_file}"))
            .await;
        assert!(page.contains("下载分配文件"), "{page}");
        let r = editor
            .get(&format!("/admin/lists/zijin/{with_file}/files/doc"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        assert_eq!(must(r.bytes().await).to_vec(), doc);
        // The file's SHA-256 typed as the cell, no file chosen: not taken (no other stored
        // file can be named).
        let doc_sha = gongkai_store::blobs::sha256_hex(&doc);
        let r = editor
            .post(
                "/admin/lists/zijin/new",
                &[
                    ("cell_project", "操场维修"),
                    ("cell_level", "乡级"),
                    ("cell_doc", doc_sha.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let named = row_id(&r, "zijin");
        assert_eq!(
            editor
                .get_status(&format!("/admin/lists/zijin/{named}/files/doc"))
                .await,
            StatusCode::NOT_FOUND,
            "{engine:?}"
        );
        // An edit without a file keeps the row's own attachment.
        let edit_path = format!("/admin/lists/zijin/{with_file}/edit");
        let version = editor.field_from(&edit_path, "version").await;
        let r = editor
            .post(
                &edit_path,
                &[
                    ("version", version.as_str()),
                    ("cell_project", "校舍维修加固"),
                    ("cell_level", "乡级"),
                    ("cell_doc", "0".repeat(64).as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let r = editor
            .get(&format!("/admin/lists/zijin/{with_file}/files/doc"))
            .await;
        assert_eq!(must(r.bytes().await).to_vec(), doc, "{engine:?}");
        // An import naming a file in an attachment cell other than the row's own: refused,
        // naming sheet, row and column.
        let with_file_id = with_file.to_string();
        let other_sha = "ab".repeat(32);
        for row in [
            vec![
                with_file_id.as_str(),
                "校舍维修加固",
                "",
                "乡级",
                other_sha.as_str(),
            ],
            vec!["", "新项目", "", "乡级", doc_sha.as_str()],
        ] {
            let bytes = workbook(&[vec!["编号", "项目名称", "金额", "级别", "分配文件"], row]);
            let (status, page) = import(&editor, "zijin", bytes).await;
            assert_eq!(status, StatusCode::CONFLICT, "{engine:?}: {page}");
            assert_has_all(&page, &["第 2 行", "“分配文件”只能保留条目原有的附件"]);
        }
        // A bad amount and an unknown option: each named beside its field, the input kept.
        let r = editor
            .post(
                "/admin/lists/zijin/new",
                &[
                    ("cell_project", "桥梁加固"),
                    ("cell_amount", "一千元"),
                    ("cell_level", "省级"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert_has_all(&must(r.text().await), &["“金额”应为", "“级别”", "桥梁加固"]);
        // Defining the same code again is refused.
        let r = admin.post("/admin/lists/types/new", &fields).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        let audit = must(gongkai_store::audit::recent(&app.store, 20, None).await);
        assert!(audit.iter().any(|e| e.action == "list.define"));
    }
}

#[tokio::test]
async fn a_power_list_row_goes_from_draft_to_publication_and_is_withdrawn() {
    for engine in ENGINES {
        let (app, editor, reviewer) = county_with_editor_and_reviewer(engine).await;
        let id = power_row(&editor, "建设工程规划许可").await;
        let path = format!("/admin/lists/quanli/{id}");
        let edit_path = format!("{path}/edit");
        let version = editor.field_from(&edit_path, "version").await;
        let edited = |version: String, name: &'static str| {
            let editor = &editor;
            let edit_path = edit_path.clone();
            async move {
                editor
                    .post(
                        &edit_path,
                        &[
                            ("version", version.as_str()),
                            ("cell_name", name),
                            ("cell_kind", "行政许可"),
                            ("cell_basis", "《中华人民共和国城乡规划法》"),
                            ("cell_org", "WQX004"),
                            ("validity", "valid"),
                        ],
                    )
                    .await
            }
        };
        let r = edited(version.clone(), "建设工程规划许可证核发").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        // The same version again: someone changed it since, refused, the input kept.
        let r = edited(version, "乡村建设规划许可").await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        assert_has_all(
            &must(r.text().await),
            &[
                "该条目已被他人修改，请刷新后在最新内容上重新修改",
                "乡村建设规划许可",
            ],
        );
        let page = editor.get_text(&path).await;
        assert_has_all(&page, &["建设工程规划许可证核发", "草稿", "提交审核"]);
        let r = editor.post(&format!("{path}/submit"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        // The author holds no review permission: 403.
        assert_eq!(
            editor
                .post_status(&format!("{path}/review"), &[("decision", "approve")])
                .await,
            StatusCode::FORBIDDEN
        );
        let pending = reviewer
            .get_text("/admin/lists/quanli?status=pending")
            .await;
        assert!(
            reviewer.get_text(&path).await.contains(
                "<input id=\"f-reason\" name=\"reason\" type=\"text\" required aria-required=\"true\">"
            ),
            "the return reason is required"
        );
        assert!(pending.contains("建设工程规划许可证核发"), "{engine:?}");
        let r = reviewer
            .post(&format!("{path}/review"), &[("decision", "approve")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = reviewer.get_text(&path).await;
        assert_has_all(
            &page,
            &["已发布", "公开中", "撤回原因", "审核通过并发布清单条目"],
        );
        let r = reviewer
            .post(&format!("{path}/withdraw"), &[("reason", "事项已取消")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = editor.get_text(&path).await;
        assert_has_all(&page, &["已撤回", "撤回清单条目：事项已取消", "修改条目"]);

        // A reviewer who is also an editor may not approve the row they wrote.
        let both = Session::login(&app, "both").await;
        let own = power_row(&both, "排水许可").await;
        let own_path = format!("/admin/lists/quanli/{own}");
        assert_eq!(
            both.post_status(&format!("{own_path}/submit"), &[]).await,
            StatusCode::SEE_OTHER
        );
        let r = both
            .post(&format!("{own_path}/review"), &[("decision", "approve")])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        assert!(must(r.text().await).contains("审核人不能审核自己起草或修改的条目"));
        // Returned with a reason by another reviewer: a draft again, the reason shown.
        let r = reviewer
            .post(
                &format!("{own_path}/review"),
                &[("decision", "return"), ("reason", "请补充设定依据的条款")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert_has_all(
            &both.get_text(&own_path).await,
            &["草稿", "请补充设定依据的条款"],
        );
    }
}

#[tokio::test]
async fn a_service_guide_missing_statutory_elements_is_flagged_and_not_published() {
    for engine in ENGINES {
        let (_app, editor, reviewer) = county_with_editor_and_reviewer(engine).await;
        let r = editor
            .post(
                "/admin/lists/banshi/new",
                &[
                    ("cell_name", "最低生活保障申请"),
                    ("cell_org", "WQX004"),
                    ("cell_basis", "《社会救助暂行办法》"),
                    ("cell_fee", "不收费"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let id = row_id(&r, "banshi");
        let list = editor.get_text("/admin/lists/banshi").await;
        assert_has_all(
            &list,
            &["最低生活保障申请", "缺少法定要素", "申请条件", "监督电话"],
        );
        let overview = editor.get_text("/admin/lists").await;
        assert!(overview.contains("<strong>1 条</strong>"), "{overview}");
        let path = format!("/admin/lists/banshi/{id}");
        assert_eq!(
            editor.post_status(&format!("{path}/submit"), &[]).await,
            StatusCode::SEE_OTHER
        );
        let r = reviewer
            .post(&format!("{path}/review"), &[("decision", "approve")])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        assert_has_all(
            &must(r.text().await),
            &["缺少法定要素：申请条件、办理材料", "待审核"],
        );
    }
}

#[tokio::test]
async fn a_list_round_trips_through_excel_and_bad_rows_wait_for_the_choice() {
    for engine in ENGINES {
        let (_app, editor, _) = county_with_editor_and_reviewer(engine).await;
        power_row(&editor, "食品经营许可").await;
        power_row(&editor, "药品零售许可").await;
        let r = editor.get("/admin/lists/quanli/export.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        assert!(crate::support::header(&r, "cache-control").contains("no-store"));
        let exported = must(r.bytes().await).to_vec();
        // The workbook as exported goes back in: nothing changed, none added, no row
        // touched (still version 1).
        let (status, page) = import(&editor, "quanli", exported).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}: {page}");
        assert!(
            page.contains("已导入 0 条新条目，均为草稿；未变更 2 条")
                && !page.contains("修改 2 条"),
            "{page}"
        );
        let listed = editor.get_text("/admin/lists/quanli").await;
        assert!(listed.contains("共 2 条"), "{engine:?}");

        // Five rows, three of them bad: every problem named, nothing stored.
        let heading = vec!["事项名称", "事项类别", "设定依据", "实施主体"];
        let bytes = workbook(&[
            heading,
            vec!["烟草专卖零售许可", "行政许可", "《烟草专卖法》", "WQX004"],
            vec!["", "行政许可", "《某法》", "WQX004"],
            vec!["道路运输许可", "行政奖励金", "《道路运输条例》", "WQX004"],
            vec!["出版物零售许可", "行政许可", "《出版管理条例》", "WQX004"],
            vec!["采砂许可", "行政许可", "", "WQX004"],
        ]);
        let (status, page) = import(&editor, "quanli", bytes).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine:?}: {page}"
        );
        assert_has_all(
            &page,
            &[
                "文件中有 3 处问题，未导入任何条目",
                "<td>3</td><td>A</td>",
                "<td>4</td><td>B</td>",
                "<td>6</td><td>C</td>",
                "只导入无误的行（2 行）",
            ],
        );
        let listed = editor.get_text("/admin/lists/quanli").await;
        assert!(listed.contains("共 2 条"), "nothing stored: {engine:?}");
        let sha = hidden_value(&page, "sha");
        assert!(
            sha.len() > 64 && sha.contains('.'),
            "a sealed ticket: {sha}"
        );
        // A bare SHA-256 (of any stored blob), a forged seal, or the ticket in another
        // member of staff's hands: refused, nothing read.
        let other = outsider(&_app).await;
        let forged = format!("{}.{}", &sha[..64], "0".repeat(70));
        for (who, ticket) in [
            (&editor, &sha[..64]),
            (&editor, forged.as_str()),
            (&other, sha.as_str()),
        ] {
            let r = who
                .post_multipart(
                    "/admin/lists/quanli/import",
                    &[("sha", ticket), ("good_rows_only", "1")],
                    vec![],
                )
                .await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
            assert!(must(r.text().await).contains("找不到刚才上传的文件"));
        }
        let r = editor
            .post_multipart(
                "/admin/lists/quanli/import",
                &[("sha", sha.as_str()), ("good_rows_only", "1")],
                vec![],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        let page = must(r.text().await);
        assert_has_all(
            &page,
            &["已导入 2 条新条目，均为草稿", "未导入的行的问题（3 处"],
        );
        let listed = editor.get_text("/admin/lists/quanli").await;
        assert_has_all(&listed, &["共 4 条", "烟草专卖零售许可", "出版物零售许可"]);

        // Over 8 MB: refused in Chinese before the workbook is read.
        let (status, page) = import(&editor, "quanli", vec![b'x'; 8 * 1024 * 1024 + 1]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{engine:?}");
        assert!(page.contains("文件超过 8 MB，请分成几个文件导入"), "{page}");
        let (status, page) = import(&editor, "quanli", b"not a workbook".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(page.contains("Excel"), "{page}");
        // A small workbook that unpacks past the list's limit (64 MB): refused unread.
        let big = vec![b'a'; 80 * 1024 * 1024];
        let bomb = gongkai_content::fixtures::zip_of(&[
            ("[Content_Types].xml", b"<x/>"),
            ("xl/workbook.xml", b"<x/>"),
            ("xl/sharedStrings.xml", &big),
        ]);
        drop(big);
        assert!(bomb.len() < 1024 * 1024);
        let (status, _page) = import(&editor, "quanli", bomb).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine:?}");
        let listed = editor.get_text("/admin/lists/quanli").await;
        assert!(listed.contains("共 4 条"), "nothing stored: {engine:?}");
    }
}

/// A department beside the finance bureau, with its own editor.
async fn outsider(app: &App) -> Session {
    add_orgs(&app.store, &[("WQX005", "乌恰县教育局", Some("WQX001"))]).await;
    add_staff(
        &app.store,
        "outsider",
        "outsider",
        "WQX005",
        vec![Role::Editor, Role::Reviewer],
    )
    .await;
    Session::login(app, "outsider").await
}

#[tokio::test]
async fn staff_of_another_organisation_cannot_see_or_edit_a_row() {
    for engine in ENGINES {
        let (app, editor, _) = county_with_editor_and_reviewer(engine).await;
        let id = power_row(&editor, "城镇污水排入排水管网许可").await;
        let other = outsider(&app).await;
        let path = format!("/admin/lists/quanli/{id}");
        assert_eq!(
            other.get_status(&path).await,
            StatusCode::FORBIDDEN,
            "{engine:?}"
        );
        assert_eq!(
            other.get_status(&format!("{path}/edit")).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            other
                .post_status(
                    &format!("{path}/edit"),
                    &[("version", "1"), ("cell_name", "改")]
                )
                .await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            other
                .post_status(&format!("{path}/review"), &[("decision", "approve")])
                .await,
            StatusCode::FORBIDDEN
        );
        assert!(
            !other
                .get_text("/admin/lists/quanli")
                .await
                .contains("城镇污水")
        );
        // Importing the editor's 编号 with the outsider's organisation: refused, naming the
        // row; the row unchanged.
        let id_text = id.to_string();
        let bytes = workbook(&[
            vec!["编号", "事项名称", "事项类别", "设定依据", "实施主体"],
            vec![
                id_text.as_str(),
                "已被接管",
                "行政许可",
                "《某法》",
                "WQX005",
            ],
        ]);
        let (status, page) = import(&other, "quanli", bytes).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine:?}: {page}");
        assert_has_all(&page, &["第 2 行", "该条目属于您无权限的机构"]);
        let page = editor.get_text(&path).await;
        assert!(page.contains("城镇污水排入排水管网许可") && !page.contains("已被接管"));
        // Filing a row under an organisation outside the scope is refused.
        let r = other
            .post(
                "/admin/lists/quanli/new",
                &[
                    ("cell_name", "校车使用许可"),
                    ("cell_kind", "行政许可"),
                    ("cell_basis", "《校车安全管理条例》"),
                    ("cell_org", "WQX004"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        assert!(must(r.text().await).contains("只能为您有权限的机构填写清单条目"));
        // A row of another list's address, an unknown list: 404.
        assert_eq!(
            editor
                .get_status(&format!("/admin/lists/banshi/{id}"))
                .await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            editor.get_status("/admin/lists/nosuch").await,
            StatusCode::NOT_FOUND
        );
        // Someone who neither drafts nor reviews: 403.
        let handler = Session::login(&app, "handler").await;
        assert_eq!(
            handler.get_status("/admin/lists").await,
            StatusCode::FORBIDDEN
        );
    }
}
