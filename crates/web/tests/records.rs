//! Proactive disclosure end to end over HTTP, on both engines: an editor's record goes through
//! a different reviewer to the public page; bad input is refused with the form kept; screening
//! finds personal data planted in DOCX and PDF attachments; the public listings, feeds, sitemap
//! and JSON API show what is published and nothing else.

use crate::support;

use gongkai_domain::org::OrgCode;
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, orgs, users};
use reqwest::StatusCode;
use support::records::{draft, publish_via, record_id};
use support::{Session, must, spawn_app};

#[tokio::test]
async fn a_record_goes_from_an_editor_through_another_reviewer_to_the_public_page() {
    for engine in ENGINES {
        let app = spawn_app(engine, 5 * 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let r = draft(
            &editor,
            "关于做好2026年政务公开工作的通知",
            &[("doc_number", "乌财发[2026]7号")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let id = record_id(&r);

        // Not public yet; publishing without review is refused.
        let reviewer = Session::login(&app, "reviewer").await;
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "approve"), ("disclosure", "proactive")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("尚未提交审核"));

        assert_eq!(
            editor
                .post_status(&format!("/admin/records/{id}/submit"), &[])
                .await,
            StatusCode::SEE_OTHER
        );
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "approve"), ("disclosure", "proactive")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        let index_no = rec.index_no.clone().unwrap_or_default();
        assert!(index_no.starts_with("WQX004-2026-"), "{index_no}");
        assert_eq!(rec.doc_number, "乌财发〔2026〕7号");
        assert!(
            !rec.body_html.contains("script") && !rec.body_html.contains("Mso"),
            "{}",
            rec.body_html
        );

        let public = reqwest::Client::new();
        let page = must(
            public
                .get(format!("{}/xxgk/{index_no}", app.base))
                .send()
                .await,
        );
        assert_eq!(page.status(), StatusCode::OK);
        let etag = page.headers()["etag"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert!(page.headers().contains_key("last-modified"));
        let html = must(page.text().await);
        for expected in [
            "索引号",
            &index_no,
            "主题分类",
            "综合政务 › 政务公开",
            "发布机构",
            "乌恰县财政局",
            "发布日期",
            "名称",
            "文号",
            "乌财发〔2026〕7号",
            "有效性",
            "有效",
            "来源",
        ] {
            assert!(html.contains(expected), "{expected} in record page");
        }
        let order: Vec<usize> = [
            "索引号",
            "主题分类",
            "发布机构",
            "发布日期",
            "名称",
            "文号",
            "有效性",
            "来源",
        ]
        .iter()
        .map(|h| html.find(&format!(">{h}<")).unwrap_or(usize::MAX))
        .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "metadata in the county's order: {order:?}"
        );
        let not_modified = must(
            public
                .get(format!("{}/xxgk/{index_no}", app.base))
                .header("if-none-match", &etag)
                .send()
                .await,
        );
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);

        // Listed in its column, its organisation's feed, the sitemap and the API.
        let list = app.page("/xxgk/lanmu/tzgg").await;
        assert!(list.contains("关于做好2026年政务公开工作的通知"), "{list}");
        let feed = app.page("/feeds/org/WQX004.xml").await;
        assert!(feed.contains("<feed") && feed.contains(&index_no));
        let sitemap = app.page("/sitemap.xml").await;
        assert!(sitemap.contains(&format!("/xxgk/{index_no}")));
        let api: serde_json::Value = app.json("/api/v1/records?org=WQX004").await;
        assert_eq!(api["total"], 1);
        assert_eq!(api["items"][0]["index_no"], index_no.as_str());
        let one: serde_json::Value = app.json(&format!("/api/v1/records/{index_no}")).await;
        assert_eq!(one["doc_number"], "乌财发〔2026〕7号");

        // Every step is in the audit log, and the chain holds.
        let entries = must(
            gongkai_store::audit::recent(&app.store, 100, Some(("record", &id.to_string()))).await,
        );
        let actions: Vec<_> = entries.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["record.create", "record.submit", "record.approve"]
        );
    }
}

#[tokio::test]
async fn record_pages_revalidate_when_what_they_show_changes() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let policy = publish_via(
            &app,
            &editor,
            &reviewer,
            "乌恰县政务公开工作规范",
            vec![
                ("kind", "policy".into()),
                ("disclosure_method", "政府网站".into()),
                ("disclosure_method", "政府公报".into()),
            ],
        )
        .await;
        let no = policy.index_no.clone().unwrap_or_default();
        let url = format!("{}/xxgk/{no}", app.base);
        let client = reqwest::Client::new();
        let first = must(client.get(&url).send().await);
        let etag = first.headers()["etag"].clone();
        let last_modified = first.headers()["last-modified"].clone();
        let html = must(first.text().await);
        assert!(html.contains("公开方式") && html.contains("政府网站、政府公报"));
        for (name, value) in [
            ("if-none-match", &etag),
            ("if-modified-since", &last_modified),
        ] {
            let r = must(client.get(&url).header(name, value).send().await);
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{name}");
        }

        // An interpretation goes public: the policy page changes, so a cached copy is stale.
        publish_via(
            &app,
            &editor,
            &reviewer,
            "乌恰县政务公开工作规范解读",
            vec![
                ("kind", "interpretation".into()),
                ("interprets", no.clone()),
            ],
        )
        .await;
        let r = must(client.get(&url).header("if-none-match", &etag).send().await);
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}: stale 304");
        assert!(must(r.text().await).contains("乌恰县政务公开工作规范解读"));

        let api: serde_json::Value = app.json(&format!("/api/v1/records/{no}")).await;
        assert_eq!(api["disclosure_method"], "政府网站、政府公报");
        assert_eq!(api["theme_name"], "综合政务 › 政务公开");
    }
}

#[tokio::test]
async fn the_author_is_never_the_reviewer() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let both = Session::login(&app, "both").await;
        let id = record_id(&draft(&both, "自审测试", &[]).await);
        assert_eq!(
            both.post(&format!("/admin/records/{id}/submit"), &[])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let r = both
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "approve"), ("disclosure", "proactive")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("审核人不能审核自己起草的信息"));
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.status.code(), "pending");

        // Nor can a colleague with both roles rewrite someone else's draft and then approve
        // it: only the author edits, adds attachments to or submits a draft.
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "他人草稿", &[]).await);
        let r = draft(&both, "他人草稿", &[("body", "被改写的正文")]).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "a new draft of one's own is fine"
        );
        let r = both
            .post(
                &format!("/admin/records/{id}"),
                &[
                    ("title", "被改写"),
                    ("kind", "notice"),
                    ("body", "被改写的正文"),
                    ("columns", "tzgg"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        assert!(must(r.text().await).contains("只能由起草人"));
        let r = both
            .upload(id, "说明.docx", gongkai_content::fixtures::docx())
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = both.post(&format!("/admin/records/{id}/submit"), &[]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(
            (rec.status.code(), rec.title.as_str()),
            ("draft", "他人草稿")
        );
        assert!(must(gongkai_store::attachments::list(&app.store, id).await).is_empty());
    }
}

#[tokio::test]
async fn the_author_removes_an_attachment_the_screening_flagged() {
    for engine in ENGINES {
        let app = spawn_app(engine, 5 * 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "附件删除测试", &[]).await);
        let r = editor
            .upload(id, "名单.docx", gongkai_content::fixtures::docx())
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let files = must(gongkai_store::attachments::list(&app.store, id).await);
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(view.contains("附件“名单.docx”") && view.contains("身份证号码"));

        // Someone else cannot remove it; the author can, and the finding goes with it.
        let both = Session::login(&app, "both").await;
        let path = format!("/admin/records/{id}/attachments/{}/delete", files[0].id);
        assert_eq!(both.post(&path, &[]).await.status(), StatusCode::CONFLICT);
        assert_eq!(
            editor.post(&path, &[]).await.status(),
            StatusCode::SEE_OTHER
        );
        assert!(must(gongkai_store::attachments::list(&app.store, id).await).is_empty());
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            view.contains("内容审查（0 处）") && view.contains("删除附件"),
            "{view}"
        );
        let audit = must(
            gongkai_store::audit::recent(&app.store, 20, Some(("record", &id.to_string()))).await,
        );
        assert!(audit.iter().any(|e| e.action == "attachment.remove"));
    }
}

/// An attachment is screened once, when it is stored: viewing the draft reads the stored
/// findings (they survive its text being emptied behind the store's back), and only a changed
/// negative list screens it again.
#[tokio::test]
async fn attachment_findings_are_stored_and_not_screened_again_on_each_view() {
    for engine in ENGINES {
        let app = spawn_app(engine, 5 * 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "审查结果存储测试", &[]).await);
        let r = editor
            .upload(id, "名单.docx", gongkai_content::fixtures::docx())
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(view.contains("附件“名单.docx”") && view.contains("身份证号码"));

        must(
            sqlx::query("UPDATE attachments SET text = '' WHERE record_id = $1")
                .bind(id)
                .execute(app.store.pool())
                .await,
        );
        for _ in 0..2 {
            let view = editor.get_text(&format!("/admin/records/{id}")).await;
            assert!(
                view.contains("身份证号码") && !view.contains("内容审查（0 处）"),
                "the stored findings are shown, the text is not screened again: {engine:?}"
            );
        }

        // A new term on the negative list makes the stored findings out of date: the attachment
        // is screened once more (now against its emptied text) and the new findings are stored.
        let site = must(orgs::by_code(&app.store, &must(OrgCode::parse("WQX001"))).await);
        must(
            gongkai_store::screening::add_negative_term(
                &app.store,
                &Actor::system(),
                site.id,
                "不存在的词语",
                "敏感表述",
            )
            .await,
        );
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(view.contains("内容审查（0 处）"), "{view}");
        let stored: String = must(
            sqlx::query_scalar("SELECT findings FROM attachments WHERE record_id = $1")
                .bind(id)
                .fetch_one(app.store.pool())
                .await,
        );
        assert_eq!(stored, "[]");
    }
}

/// File names are cleaned when stored: a right-to-left override cannot make a PDF read as an
/// executable on the staff page, and a 5,000-character name is cut to 120 keeping `.pdf`.
#[tokio::test]
async fn attachment_names_lose_bidi_controls_and_length_when_stored() {
    for engine in ENGINES {
        let app = spawn_app(engine, 5 * 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "文件名清理测试", &[]).await);
        let long = format!("{}.pdf", "名".repeat(5000));
        for name in ["invoice\u{202E}exe.pdf", long.as_str()] {
            let r = editor
                .upload(id, name, gongkai_content::fixtures::pdf())
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        }
        let stored: Vec<String> = must(gongkai_store::attachments::list(&app.store, id).await)
            .into_iter()
            .map(|a| a.file_name)
            .collect();
        let cut = format!("{}.pdf", "名".repeat(116));
        assert_eq!(stored, ["invoiceexe.pdf".to_owned(), cut.clone()]);
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(view.contains("invoiceexe.pdf") && view.contains(&cut));
        assert!(!view.contains('\u{202E}') && !view.contains(&"名".repeat(117)));
    }
}

/// An attachment with thousands of findings: the page counts them all but lists the first
/// 200, so a view stays quick.
#[tokio::test]
async fn a_record_page_lists_at_most_200_findings_and_counts_the_rest() {
    for engine in ENGINES {
        let app = spawn_app(engine, 5 * 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "大量发现测试", &[]).await);
        let author = must(
            users::by_username(
                &app.store,
                &must(gongkai_domain::user::Username::parse("editor")),
            )
            .await,
        );
        let text = "联系电话 13912345678；".repeat(3000);
        must(
            gongkai_store::attachments::add(
                &app.store,
                &Actor::system(),
                author.id,
                id,
                &gongkai_store::attachments::NewAttachment {
                    sha256: "0".repeat(64),
                    file_name: "通讯录.docx".into(),
                    kind: "docx".into(),
                    size_bytes: 1,
                    text,
                },
            )
            .await,
        );
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(view.contains("内容审查（3000 处）"), "{engine:?}");
        assert_eq!(
            view.matches("139****5678").count(),
            200 * 2,
            "matched and context"
        );
        assert!(view.contains("另有 2800 处未逐一列出"));
    }
}

#[tokio::test]
async fn a_correction_is_screened_and_needs_a_justification() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let id = record_id(&draft(&editor, "更正审查测试", &[]).await);
        editor
            .post(&format!("/admin/records/{id}/submit"), &[])
            .await;
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "approve"), ("disclosure", "proactive")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let fields = vec![
            ("title", "更正审查测试"),
            ("kind", "notice"),
            ("theme", "综合政务\\政务公开"),
            ("body", "联系人手机 13912345678，请来电。"),
            ("columns", "tzgg"),
            ("change_note", "补充联系方式"),
        ];
        // Without a change note the form comes back as typed.
        let r = editor
            .post(
                &format!("/admin/records/{id}/revise"),
                &fields[..fields.len() - 1],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let html = must(r.text().await);
        assert!(
            html.contains("请填写更正说明") && html.contains("联系人手机"),
            "the form keeps what was typed: {html}"
        );
        // Submitted: screened, waiting for review, nothing published yet.
        let r = editor
            .post(&format!("/admin/records/{id}/revise"), &fields)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.revision, 1, "nothing published");
        let view = reviewer.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            view.contains("更正待审核") && view.contains("更正内容审查（1 处）"),
            "{view}"
        );
        // The reviewer's approval needs a written justification for the findings.
        let path = format!("/admin/records/{id}/correction");
        let r = reviewer.post(&path, &[("decision", "approve")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("书面说明"));
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.revision, 1, "nothing published");
        let r = reviewer
            .post(
                &path,
                &[
                    ("decision", "approve"),
                    ("screening_note", "该号码为单位公开值班电话"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.revision, 2);
        let audit = must(
            gongkai_store::audit::recent(&app.store, 20, Some(("record", &id.to_string()))).await,
        );
        let revise = audit.iter().find(|e| e.action == "record.revise");
        assert!(
            revise.is_some_and(|e| e.detail.to_string().contains("单位公开值班电话")),
            "the justification is audited"
        );
        // 网站自查 lists the published finding under its organisation, masked.
        let scan = reviewer.get_text("/admin/scan").await;
        assert!(
            scan.contains("乌恰县财政局（1 处）")
                && scan.contains("手机号码")
                && scan.contains("139****5678")
                && !scan.contains("13912345678"),
            "{scan}"
        );
    }
}

#[tokio::test]
async fn a_refused_review_keeps_what_the_reviewer_typed() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let id =
            record_id(&draft(&editor, "审核表单保留", &[("body", "联系电话 13912345678")]).await);
        editor
            .post(&format!("/admin/records/{id}/submit"), &[])
            .await;
        let path = format!("/admin/records/{id}/review");
        // 不予公开 without its legal ground: the page again, with the choices kept.
        let r = reviewer
            .post(
                &path,
                &[
                    ("decision", "approve"),
                    ("disclosure", "withheld"),
                    ("publish_at", "2099-01-01T09:00"),
                    ("screening_note", "经核实号码为办公电话"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let html = must(r.text().await);
        assert!(html.contains("法定依据") && html.contains("<h1>审核表单保留</h1>"));
        assert!(
            html.contains("value=\"withheld\" checked")
                && html.contains("2099-01-01T09:00")
                && html.contains("经核实号码为办公电话"),
            "{html}"
        );
        // A publication time in the past would backdate publication.
        let r = reviewer
            .post(
                &path,
                &[
                    ("decision", "approve"),
                    ("disclosure", "proactive"),
                    ("publish_at", "2020-01-01T09:00"),
                    ("screening_note", "经核实号码为办公电话"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("发布时间不能早于现在"));
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.status.code(), "pending");
    }
}

#[tokio::test]
async fn bad_metadata_is_refused_with_the_form_kept() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let r = editor
            .post(
                "/admin/records/new",
                &[
                    ("title", ""),
                    ("kind", "notice"),
                    ("org", "WQX004"),
                    ("written_on", "2099-01-01"),
                    ("body", "正文保留"),
                    ("columns", "tzgg"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = must(r.text().await);
        assert!(html.contains("请填写名称") && html.contains("成文日期不能晚于今天"));
        assert!(html.contains("正文保留"), "typed body kept");

        assert_eq!(
            draft(&editor, "第一份", &[("doc_number", "乌财发〔2026〕9号")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let r = draft(&editor, "第二份", &[("doc_number", "乌财发(2026)9号")]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = must(r.text().await);
        assert!(html.contains("已被本机构的其他信息使用") && html.contains("第二份"));
    }
}

#[tokio::test]
async fn screening_finds_personal_data_in_docx_and_pdf_attachments_and_approval_needs_a_reason() {
    for engine in ENGINES {
        let app = spawn_app(engine, 5 * 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "附件审查测试", &[]).await);
        for (name, bytes) in [
            ("名单.docx", gongkai_content::fixtures::docx()),
            ("报告.pdf", gongkai_content::fixtures::pdf()),
        ] {
            let r = editor.upload(id, name, bytes).await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
        }
        // A renamed executable and a ZIP are refused by content.
        let r = editor
            .upload(id, "报告.pdf", gongkai_content::fixtures::exe())
            .await;
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let r = editor
            .upload(id, "材料.zip", gongkai_content::fixtures::plain_zip())
            .await;
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(must(r.text().await).contains("不接受压缩包"));

        let page = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            page.contains("附件“名单.docx”"),
            "finding located in the DOCX"
        );
        assert!(
            page.contains("附件“报告.pdf”"),
            "finding located in the PDF"
        );
        assert!(
            page.contains("139****5678") || page.contains("身份证号码"),
            "{page}"
        );

        assert_eq!(
            editor
                .post_status(&format!("/admin/records/{id}/submit"), &[])
                .await,
            StatusCode::SEE_OTHER
        );
        let reviewer = Session::login(&app, "reviewer").await;
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "approve"), ("disclosure", "proactive")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("书面说明"));
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[
                    ("decision", "approve"),
                    ("disclosure", "proactive"),
                    ("screening_note", "号码为单位公开的办公电话，已核实"),
                    // The fixtures carry a planted 内部资料 marking: it needs its legal ground.
                    ("secret_ground", "released_by_issuer"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let entries = must(
            gongkai_store::audit::recent(&app.store, 10, Some(("record", &id.to_string()))).await,
        );
        assert!(
            entries
                .iter()
                .any(|e| e.action == "record.approve" && e.detail.contains("已核实"))
        );

        // The attachment downloads with its original name from the public page.
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        let page = must(
            must(
                reqwest::get(format!(
                    "{}/xxgk/{}",
                    app.base,
                    rec.index_no.unwrap_or_default()
                ))
                .await,
            )
            .text()
            .await,
        );
        let start = page
            .find("/files/")
            .unwrap_or_else(|| panic!("no attachment link"));
        let href: String = page[start..].chars().take_while(|c| *c != '"').collect();
        let file = must(reqwest::get(format!("{}{href}", app.base)).await);
        assert_eq!(file.status(), StatusCode::OK);
        assert!(
            file.headers()["content-disposition"]
                .to_str()
                .unwrap_or_default()
                .contains("filename*=UTF-8''")
        );
        // Where the bytes went: the data folder on SQLite, the database on PostgreSQL.
        assert_eq!(
            app.db.dir.join("files").is_dir(),
            engine == gongkai_store::Engine::Sqlite,
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn an_attachment_over_the_limit_is_refused() {
    for engine in ENGINES {
        let app = spawn_app(engine, 64 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "大附件", &[]).await);
        let mut big = gongkai_content::fixtures::pdf();
        big.extend(std::iter::repeat_n(b' ', 200 * 1024));
        let r = editor.upload(id, "大文件.pdf", big).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(must(r.text().await).contains("附件不能超过"));
        assert!(must(gongkai_store::attachments::list(&app.store, id).await).is_empty());
    }
}

#[tokio::test]
async fn an_attachment_whose_text_is_over_budget_is_kept_and_the_author_is_told_to_check_it() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let editor = Session::login(&app, "editor").await;
        let id = record_id(&draft(&editor, "扫描件", &[]).await);
        // A few kilobytes that would inflate to 20 MB: over the 16 MB extraction budget.
        let r = editor
            .upload(id, "扫描件.pdf", gongkai_content::fixtures::pdf_bomb(20))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = must(r.text().await);
        assert!(page.contains("附件内容过大，未能提取文字"), "{page}");
        assert!(page.contains("请人工核对"));
        let files = must(gongkai_store::attachments::list(&app.store, id).await);
        assert_eq!(files.len(), 1);
    }
}

#[tokio::test]
async fn withdrawal_revision_interpretation_and_validity_show_on_the_public_pages() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let publish = |title: &'static str, extra: Vec<(&'static str, String)>| {
            publish_via(&app, &editor, &reviewer, title, extra)
        };
        let policy = publish(
            "乌恰县财政资金管理办法",
            vec![("kind", "policy".into()), ("columns", "gfxwj".into())],
        )
        .await;
        let policy_no = policy.index_no.clone().unwrap_or_default();
        let interp = publish(
            "财政资金管理办法解读",
            vec![
                ("kind", "interpretation".into()),
                ("interprets", policy_no.clone()),
                ("interpretation_form", "graphic".into()),
            ],
        )
        .await;
        let page = app.page(&format!("/xxgk/{policy_no}")).await;
        assert!(
            page.contains("政策解读")
                && page.contains("财政资金管理办法解读")
                && page.contains("图文解读")
        );
        let ipage = must(
            must(
                reqwest::get(format!(
                    "{}/xxgk/{}",
                    app.base,
                    interp.index_no.unwrap_or_default()
                ))
                .await,
            )
            .text()
            .await,
        );
        assert!(ipage.contains("本文解读") && ipage.contains(&policy_no));

        // Repealed and replaced: the old page says so at the top and links its successor.
        let newer = publish(
            "乌恰县财政资金管理办法（2026年修订）",
            vec![("kind", "policy".into())],
        )
        .await;
        let newer_no = newer.index_no.unwrap_or_default();
        let r = editor
            .post(
                &format!("/admin/records/{}/validity", policy.id),
                &[
                    ("validity", "repealed"),
                    ("on", "2026-11-01"),
                    ("superseded_by", &newer_no),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.page(&format!("/xxgk/{policy_no}")).await;
        let alert = page.find("本文件已废止").unwrap_or(usize::MAX);
        assert!(
            alert < page.find("<article").unwrap_or(0),
            "said at the top"
        );
        assert!(page.contains(&format!("/xxgk/{newer_no}")));

        // A correction keeps the history and shows its note.
        let r = editor
            .post(
                &format!("/admin/records/{}/revise", newer.id),
                &[
                    ("title", "乌恰县财政资金管理办法（2026年修订）"),
                    ("kind", "policy"),
                    ("written_on", "2026-11-20"),
                    ("body", "更正后的正文"),
                    ("columns", "tzgg"),
                    ("change_note", "更正第三条中的错别字"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // A correction is published once another reviewer approves it.
        let r = reviewer
            .post(
                &format!("/admin/records/{}/correction", newer.id),
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.page(&format!("/xxgk/{newer_no}")).await;
        assert!(
            page.contains("更正第三条中的错别字")
                && page.contains("第 2 版")
                && page.contains("更正后的正文")
        );

        // Withdrawn: the page stays, marked with the public reason; lists drop it.
        let r = reviewer
            .post(
                &format!("/admin/records/{}/withdraw", newer.id),
                &[("reason", "内容已合并至新文件")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.page(&format!("/xxgk/{newer_no}")).await;
        assert!(page.contains("本信息已撤回") && page.contains("内容已合并至新文件"));
        let list: serde_json::Value = app.json("/api/v1/records").await;
        assert_eq!(list["total"], 2);
    }
}

#[tokio::test]
async fn only_proactive_records_become_public_and_scheduled_ones_wait() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let mut ids = Vec::new();
        for (title, fields) in [
            (
                "依申请公开的信息",
                vec![("decision", "approve"), ("disclosure", "on_request")],
            ),
            (
                "不予公开的信息",
                vec![
                    ("decision", "approve"),
                    ("disclosure", "withheld"),
                    ("exemption", "art16_process"),
                ],
            ),
            (
                "定时发布的信息",
                vec![
                    ("decision", "approve"),
                    ("disclosure", "proactive"),
                    ("publish_at", "2099-01-01T09:00"),
                ],
            ),
        ] {
            let id = record_id(&draft(&editor, title, &[]).await);
            assert_eq!(
                editor
                    .post_status(&format!("/admin/records/{id}/submit"), &[])
                    .await,
                StatusCode::SEE_OTHER
            );
            let r = reviewer
                .post(&format!("/admin/records/{id}/review"), &fields)
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
            ids.push(id);
        }
        // 不予公开 without a ground is refused.
        let id = record_id(&draft(&editor, "缺少依据", &[]).await);
        assert_eq!(
            editor
                .post_status(&format!("/admin/records/{id}/submit"), &[])
                .await,
            StatusCode::SEE_OTHER
        );
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "approve"), ("disclosure", "withheld")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("请选择法定依据"));

        let list: serde_json::Value = app.json("/api/v1/records").await;
        assert_eq!(list["total"], 0, "none of them is public now");
        for id in &ids {
            let r = must(gongkai_store::records::get(&app.store, *id).await);
            let page = must(
                reqwest::get(format!(
                    "{}/xxgk/{}",
                    app.base,
                    r.index_no.unwrap_or_default()
                ))
                .await,
            );
            assert_eq!(page.status(), StatusCode::NOT_FOUND);
        }
        // The scheduled one goes public at its time, not a moment before.
        let scheduled = must(gongkai_store::records::get(&app.store, ids[2]).await);
        let at = must(chrono::DateTime::parse_from_rfc3339(
            "2099-01-01T09:00:00+08:00",
        ))
        .with_timezone(&chrono::Utc);
        assert!(!scheduled.is_public(at - chrono::Duration::seconds(1)));
        assert!(scheduled.is_public(at), "{engine:?}");
    }
}

#[tokio::test]
async fn concurrent_publication_never_repeats_an_index_number() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let store = app.store.clone();
        let editor = must(users::list(&store).await)
            .into_iter()
            .find(|u| u.username == "editor")
            .map(|u| u.id)
            .unwrap_or_default();
        let reviewer = must(users::list(&store).await)
            .into_iter()
            .find(|u| u.username == "reviewer")
            .map(|u| u.id)
            .unwrap_or_default();
        let org = must(orgs::by_code(&store, &must(OrgCode::parse("WQX004"))).await).id;
        let mut ids = Vec::new();
        for i in 0..24 {
            let content = gongkai_store::records::Content {
                meta: must(
                    gongkai_domain::record::RecordMeta::parse(
                        &gongkai_domain::record::RecordInput {
                            title: &format!("并发发布 {i}"),
                            kind: "notice",
                            ..Default::default()
                        },
                        chrono::Utc::now().date_naive(),
                    )
                    .map_err(|e| format!("{e:?}")),
                ),
                body_html: "<p>正文</p>".into(),
                body_text: "正文".into(),
                columns: vec!["tzgg".into()],
                interprets_id: None,
                interpretation_form: None,
            };
            let r = must(
                gongkai_store::records::create_draft(
                    &store,
                    &Actor::system(),
                    editor,
                    org,
                    &content,
                )
                .await,
            );
            must(gongkai_store::records::submit(&store, &Actor::system(), editor, r.id).await);
            ids.push(r.id);
        }
        let tasks: Vec<_> = ids
            .into_iter()
            .map(|id| {
                let store = store.clone();
                tokio::spawn(async move {
                    let approval = gongkai_store::records::Approval {
                        disclosure: gongkai_domain::record::Disclosure::Proactive,
                        exemption: None,
                        publish_at: chrono::Utc::now(),
                        screening_note: String::new(),
                        secret_ground: None,
                    };
                    gongkai_store::records::approve(
                        &store,
                        &Actor::system(),
                        reviewer,
                        id,
                        &approval,
                    )
                    .await
                })
            })
            .collect();
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(must(must(t.await)).to_string());
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 24, "{engine:?}: {numbers:?}");
        assert!(numbers.iter().any(|n| n.ends_with("-000024")));
    }
}

#[tokio::test]
async fn the_openness_office_keeps_the_guides_and_the_negative_list() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Session::login(&app, "office").await;
        let r = office
            .post(
                "/admin/guides/WQX004",
                &[
                    ("body", "一、主动公开\n\n本机关主动公开的政府信息……"),
                    ("office_name", "乌恰县财政局办公室"),
                    ("address", "乌恰县某路1号"),
                    ("hours", "工作日 10:00—19:30"),
                    ("phone", "0908-1234567"),
                    ("email", "czj@example.invalid"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = app.page("/xxgk/zhinan/WQX004").await;
        assert!(
            page.contains("乌恰县财政局办公室")
                && page.contains("0908-1234567")
                && page.contains("办公时间")
        );
        let r = office
            .post(
                "/admin/guides/WQX004",
                &[("body", ""), ("email", "not-an-email")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = must(r.text().await);
        assert!(html.contains("请填写指南正文") && html.contains("电子邮箱格式不正确"));

        assert_eq!(
            office
                .post_status(
                    "/admin/negative",
                    &[("term", "县扶贫办"), ("category", "过时机构名称")]
                )
                .await,
            StatusCode::SEE_OTHER
        );
        let dup = office
            .post(
                "/admin/negative",
                &[("term", "县扶贫办"), ("category", "过时机构名称")],
            )
            .await;
        assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
        // Themes: the site extends and renames the shipped tree; the record form offers them.
        let r = office
            .post(
                "/admin/themes",
                &[
                    ("action", "add"),
                    ("name", "乡村振兴"),
                    ("parent", "民政、扶贫、救灾"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = office
            .post(
                "/admin/themes",
                &[
                    ("action", "rename"),
                    ("code", "民政、扶贫、救灾\\扶贫"),
                    ("name", "脱贫攻坚"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = office
            .post(
                "/admin/themes",
                &[
                    ("action", "add"),
                    ("name", "乡村振兴"),
                    ("parent", "民政、扶贫、救灾"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("已存在"));
        let editor = Session::login(&app, "editor").await;
        let form = editor.get_text("/admin/records/new").await;
        assert!(
            form.contains("value=\"民政、扶贫、救灾\\乡村振兴\"") && form.contains("脱贫攻坚"),
            "site themes offered"
        );
        assert_eq!(
            editor.get("/admin/negative").await.status(),
            StatusCode::FORBIDDEN
        );
        let id = record_id(&draft(&editor, "县扶贫办工作动态", &[]).await);
        let view = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            view.contains("负面清单词语") && view.contains("过时机构名称"),
            "{view}"
        );

        // The public page reads a renamed theme by its new name; a theme outside the tree
        // is refused.
        let reviewer = Session::login(&app, "reviewer").await;
        let r = draft(&editor, "主题不在目录中", &[("theme", "自创主题")]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("请从列表中选择主题分类"));
        let rec = publish_via(
            &app,
            &editor,
            &reviewer,
            "易地扶贫搬迁工作进展",
            vec![("theme", "民政、扶贫、救灾\\扶贫".into())],
        )
        .await;
        let page = must(
            must(
                reqwest::get(format!(
                    "{}/xxgk/{}",
                    app.base,
                    rec.index_no.unwrap_or_default()
                ))
                .await,
            )
            .text()
            .await,
        );
        assert!(page.contains("民政、扶贫、救灾 › 脱贫攻坚"), "{engine:?}");
    }
}

#[tokio::test]
async fn the_national_format_column_feeds_filters_and_pages_agree() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        app.set_setting(&Actor::system(), "index_format", "national")
            .await;
        let (editor, reviewer) = support::editor_and_reviewer(&app).await;
        let notice = publish_via(&app, &editor, &reviewer, "国家格式索引号的通知", vec![]).await;
        let policy = publish_via(
            &app,
            &editor,
            &reviewer,
            "国家格式索引号的政策",
            vec![("kind", "policy".into()), ("columns", "gfxwj".into())],
        )
        .await;
        let no = notice.index_no.clone().unwrap_or_default();
        assert!(
            no.starts_with("WQX004/") && no.len() == "WQX004/2026-00001".len(),
            "{engine:?}: {no}"
        );
        // A number with a slash is one stable URL on the page, the API, the feed and the sitemap.
        let base = app.base.as_str();
        let get = |path: String| async move {
            let r = must(reqwest::get(format!("{base}{path}")).await);
            (r.status(), must(r.text().await))
        };
        let (status, page) = get(format!("/xxgk/{no}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("国家格式索引号的通知") && page.contains(&no));
        let (status, api) = get(format!("/api/v1/records/{no}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(api.contains(&format!("\"index_no\":\"{no}\"")), "{api}");
        let (_, feed) = get("/feeds/lanmu/tzgg.xml".into()).await;
        assert!(
            feed.contains("<feed") && feed.contains("国家格式索引号的通知"),
            "the column's Atom feed: {feed}"
        );
        assert!(!feed.contains("国家格式索引号的政策"), "only its column");
        let (_, sitemap) = get("/sitemap.xml".into()).await;
        assert!(sitemap.contains(&format!("/xxgk/{no}")));
        let (_, home) = get("/".into()).await;
        assert!(
            home.contains("国家格式索引号的通知"),
            "latest records on the home page"
        );

        // API filters and pages.
        let json = |path: &'static str| async move {
            let r = must(reqwest::get(format!("{base}{path}")).await);
            (r.status(), must(r.json::<serde_json::Value>().await))
        };
        let (_, by_kind) = json("/api/v1/records?kind=policy").await;
        assert_eq!(by_kind["total"], 1);
        assert_eq!(by_kind["items"][0]["title"], "国家格式索引号的政策");
        let (_, by_column) = json("/api/v1/records?column=tzgg").await;
        assert_eq!(by_column["total"], 1);
        let (_, by_theme) = json("/api/v1/records?theme=综合政务").await;
        assert_eq!(by_theme["total"], 2, "a top theme covers its sub-themes");
        let (_, by_other_theme) = json("/api/v1/records?theme=国防").await;
        assert_eq!(by_other_theme["total"], 0);
        let (_, page2) = json("/api/v1/records?per_page=1&page=2").await;
        assert_eq!(
            (
                page2["total"].as_i64(),
                page2["items"].as_array().map(Vec::len)
            ),
            (Some(2), Some(1))
        );
        let (status, bad) = json("/api/v1/records?year=今年").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(bad.to_string().contains("四位年份"));
        let (status, _) = json("/api/v1/records/WQX004/2026-99999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_ne!(policy.index_no, notice.index_no);
    }
}

/// A returned draft tells its author why: on the draft, in its history and on the author's
/// dashboard; the reviewer's dashboard lists what waits for them; a new submission clears it.
#[tokio::test]
async fn a_returned_draft_shows_the_reviewers_reason_to_its_author() {
    for engine in ENGINES {
        let (_app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let id = record_id(&draft(&editor, "关于退回理由的测试通知", &[]).await);
        let submit = editor
            .post(&format!("/admin/records/{id}/submit"), &[])
            .await;
        assert_eq!(submit.status(), StatusCode::SEE_OTHER);
        let waiting = reviewer.get_text("/admin").await;
        assert!(
            waiting.contains("待我审核的信息") && waiting.contains("关于退回理由的测试通知"),
            "{waiting}"
        );
        assert!(!editor.get_text("/admin").await.contains("待我审核的信息"));

        let reason = "请补充政策依据和联系电话";
        let r = reviewer
            .post(
                &format!("/admin/records/{id}/review"),
                &[("decision", "reject"), ("reason", reason)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = editor.get_text(&format!("/admin/records/{id}")).await;
        assert!(page.contains("审核退回") && page.contains(reason), "{page}");
        assert!(
            page.contains(&format!("退回修改：{reason}")),
            "the history says why: {page}"
        );
        let dashboard = editor.get_text("/admin").await;
        assert!(
            dashboard.contains("被退回修改的稿件") && dashboard.contains(reason),
            "{dashboard}"
        );

        // Submitted again, the return is no longer in force.
        let again = editor
            .post(&format!("/admin/records/{id}/submit"), &[])
            .await;
        assert_eq!(again.status(), StatusCode::SEE_OTHER);
        assert!(!editor.get_text("/admin").await.contains("被退回修改的稿件"));
        assert!(
            !editor
                .get_text(&format!("/admin/records/{id}"))
                .await
                .contains("审核退回")
        );
    }
}

#[tokio::test]
async fn a_correction_goes_public_only_after_another_reviewer_approves_it() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        // `both` drafts and reviews: the correction's author, who must not judge it.
        let both = Session::login(&app, "both").await;
        let rec = publish_via(
            &app,
            &editor,
            &reviewer,
            "关于调整县城公交线路的通知",
            vec![("body", "原定线路经过人民广场。".into())],
        )
        .await;
        let id = rec.id;
        let no = rec.index_no.clone().unwrap_or_default();
        let public = format!("{}/xxgk/{no}", app.base);
        support::until_found(&app.base, "人民广场", 1).await;

        let correction = |body: &'static str| {
            vec![
                ("title", "关于调整县城公交线路的通知（更正）"),
                ("kind", "notice"),
                ("written_on", "2026-11-20"),
                ("theme", "综合政务\\政务公开"),
                ("body", body),
                ("columns", "tzgg"),
                ("change_note", "更正线路经过的站点"),
            ]
        };
        let r = both
            .post(
                &format!("/admin/records/{id}/revise"),
                &correction("线路改经玉其塔什草原站。"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");

        // The public page and the search keep the published text while it waits.
        let page = must(must(reqwest::get(&public).await).text().await);
        assert!(
            page.contains("原定线路经过人民广场") && !page.contains("玉其塔什"),
            "{page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(support::search_total(&app.base, "玉其塔什").await.0, 0);
        assert_eq!(support::search_total(&app.base, "人民广场").await.0, 1);
        let staff_view = reviewer.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            staff_view.contains("更正待审核")
                && staff_view.contains("更正前后对照")
                && staff_view.contains("关于调整县城公交线路的通知（更正）")
                && staff_view.contains("线路改经玉其塔什草原站"),
            "{staff_view}"
        );
        // The reviewer's dashboard lists it among what waits for them.
        let dashboard = reviewer.get_text("/admin").await;
        assert!(
            dashboard.contains("待我审核")
                && dashboard.contains(&format!("/admin/records/{id}"))
                && dashboard.contains("更正</span>"),
            "{dashboard}"
        );

        // One correction at a time.
        let r = editor
            .post(
                &format!("/admin/records/{id}/revise"),
                &correction("另一项更正。"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("已有一项更正"));

        // Its author may not approve it, with or without the reviewer role.
        let path = format!("/admin/records/{id}/correction");
        let r = editor.post(&path, &[("decision", "approve")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = both.post(&path, &[("decision", "approve")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("更正须由更正人以外的审核人员审核"));
        let r = both
            .post(&path, &[("decision", "return"), ("reason", "自己退回")])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);

        // Returned with a reason: the author reads it on the record and the dashboard.
        let r = reviewer
            .post(&path, &[("decision", "return"), ("reason", "")])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("退回更正时请填写退回原因"));
        let r = reviewer
            .post(
                &path,
                &[("decision", "return"), ("reason", "请写明新站点的启用日期")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let view = both.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            view.contains("更正已退回")
                && view.contains("请写明新站点的启用日期")
                && view.contains("修改更正并重新提交"),
            "{view}"
        );
        let dash = both.get_text("/admin").await;
        assert!(
            dash.contains("更正：关于调整县城公交线路的通知")
                && dash.contains("请写明新站点的启用日期"),
            "{dash}"
        );
        // The form opens on the returned correction, not on the public text.
        let form = both.get_text(&format!("/admin/records/{id}/edit")).await;
        assert!(
            form.contains("玉其塔什") && form.contains("更正线路经过的站点"),
            "{form}"
        );
        let r = both
            .post(
                &format!("/admin/records/{id}/revise"),
                &correction("线路自12月1日起改经玉其塔什草原站。"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            !both
                .get_text("/admin")
                .await
                .contains("请写明新站点的启用日期")
        );
        let page = must(must(reqwest::get(&public).await).text().await);
        assert!(!page.contains("玉其塔什"), "still waiting");

        // Another reviewer approves: the public page, its history and the search follow.
        let r = reviewer.post(&path, &[("decision", "approve")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = must(must(reqwest::get(&public).await).text().await);
        assert!(
            page.contains("线路自12月1日起改经玉其塔什草原站")
                && page.contains("更正线路经过的站点")
                && page.contains("第 2 版")
                && !page.contains("原定线路经过人民广场"),
            "{page}"
        );
        support::until_found(&app.base, "玉其塔什", 1).await;
        support::until_found(&app.base, "人民广场", 0).await;
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.revision, 2);
        assert_eq!(rec.title, "关于调整县城公交线路的通知（更正）");
        let audit = must(
            gongkai_store::audit::recent(&app.store, 30, Some(("record", &id.to_string()))).await,
        );
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        for expected in [
            "record.correction.submit",
            "record.correction.return",
            "record.revise",
        ] {
            assert!(actions.contains(&expected), "{expected}: {actions:?}");
        }
        assert!(
            must(gongkai_store::corrections::open_of(&app.store, id).await).is_none(),
            "the correction became the revision"
        );
    }
}

#[tokio::test]
async fn an_open_correction_can_be_discarded_by_its_author_or_once_returned_by_a_reviewer() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let both = Session::login(&app, "both").await;
        let rec = publish_via(&app, &editor, &reviewer, "关于县城供暖时间的通知", vec![]).await;
        let id = rec.id;
        let correction = |body: &'static str| {
            vec![
                ("title", "关于县城供暖时间的通知（更正）"),
                ("kind", "notice"),
                ("written_on", "2026-11-20"),
                ("theme", "综合政务\\政务公开"),
                ("body", body),
                ("columns", "tzgg"),
                ("change_note", "更正供暖开始日期"),
            ]
        };
        let revise = format!("/admin/records/{id}/revise");
        let discard = format!("/admin/records/{id}/correction/discard");
        let r = both
            .post(&revise, &correction("供暖自10月15日开始。"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert!(
            both.get_text(&format!("/admin/records/{id}"))
                .await
                .contains("放弃这项更正")
        );

        // Nobody else discards a correction waiting for review, not even a reviewer.
        for other in [&editor, &reviewer] {
            let r = other.post(&discard, &[]).await;
            assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
            assert!(must(r.text().await).contains("只有更正的提交人可以放弃这项更正"));
        }
        // Its author may: the record keeps its text and a new correction may be written.
        assert_eq!(
            both.post(&discard, &[]).await.status(),
            StatusCode::SEE_OTHER
        );
        assert!(must(gongkai_store::corrections::open_of(&app.store, id).await).is_none());
        let r = editor
            .post(&revise, &correction("供暖自10月20日开始。"))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{engine:?}: no longer blocked"
        );

        // Once returned, a reviewer may discard it for an author who does not come back.
        let path = format!("/admin/records/{id}/correction");
        let r = reviewer
            .post(&path, &[("decision", "return"), ("reason", "请核对日期")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            reviewer
                .get_text(&format!("/admin/records/{id}"))
                .await
                .contains("放弃这项更正")
        );
        assert_eq!(
            reviewer.post(&discard, &[]).await.status(),
            StatusCode::SEE_OTHER
        );
        assert!(must(gongkai_store::corrections::open_of(&app.store, id).await).is_none());
        let r = reviewer.post(&discard, &[]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "nothing left to discard");
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(
            (rec.revision, rec.title.as_str()),
            (1, "关于县城供暖时间的通知")
        );
        let audit = must(
            gongkai_store::audit::recent(&app.store, 30, Some(("record", &id.to_string()))).await,
        );
        let discarded = audit
            .iter()
            .filter(|e| e.action == "record.correction.discard")
            .count();
        assert_eq!(discarded, 2, "{engine:?}");
    }
}

#[tokio::test]
async fn a_secret_marked_draft_needs_a_legal_ground_not_five_characters() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let id = record_id(
            &draft(
                &editor,
                "关于调整办公用房的通知",
                &[("body", "<p>秘密★1年</p><p>关于调整办公用房的通知。</p>")],
            )
            .await,
        );
        editor
            .post(&format!("/admin/records/{id}/submit"), &[])
            .await;
        let view = reviewer.get_text(&format!("/admin/records/{id}")).await;
        assert!(
            view.contains("涉密标志") && view.contains("name=\"secret_ground\""),
            "the reviewer is asked for the legal ground: {view}"
        );
        let path = format!("/admin/records/{id}/review");
        let approve = |note: &'static str, ground: &'static str| {
            vec![
                ("decision", "approve"),
                ("disclosure", "proactive"),
                ("screening_note", note),
                ("secret_ground", ground),
            ]
        };
        // Five characters of anything no longer pass a 秘密★ marking.
        let r = reviewer.post(&path, &approve("可以公开了", "")).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        let html = must(r.text().await);
        assert!(
            html.contains("密级标志") && html.contains("法定依据") && html.contains("秘密★1年"),
            "{html}"
        );
        assert!(html.contains("可以公开了"), "the form keeps what was typed");
        // A ground typed by hand is not one of the grounds.
        let r = reviewer
            .post(&path, &approve("可以公开了", "我认为可以"))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let rec = must(gongkai_store::records::get(&app.store, id).await);
        assert_eq!(rec.status.code(), "pending");

        let r = reviewer
            .post(
                &path,
                &approve("已依乌保密〔2026〕3号通知解密", "declassified"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let audit = must(
            gongkai_store::audit::recent(&app.store, 20, Some(("record", &id.to_string()))).await,
        );
        let approved = audit.iter().find(|e| e.action == "record.approve");
        assert!(
            approved.is_some_and(|e| {
                let d = e.detail.to_string();
                d.contains("declassified")
                    && d.contains("保守国家秘密法")
                    && d.contains("乌保密〔2026〕3号")
            }),
            "the ground and its text are audited: {approved:?}"
        );
    }
}

/// The body of a public record page: what its `<div class="body">` holds.
async fn public_body(app: &support::App, index_no: &str) -> String {
    let page = app.page(&format!("/xxgk/{index_no}")).await;
    let start = page
        .find("<div class=\"body\">")
        .unwrap_or_else(|| panic!("no body on the page: {page}"));
    let rest = &page[start..];
    let end = rest.find("</article>").unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// Submits a draft and has another reviewer approve it; returns it as stored.
async fn submit_and_approve(
    app: &support::App,
    editor: &Session,
    reviewer: &Session,
    id: i64,
) -> gongkai_store::records::Record {
    let r = editor
        .post(&format!("/admin/records/{id}/submit"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = reviewer
        .post(
            &format!("/admin/records/{id}/review"),
            &[
                ("decision", "approve"),
                ("disclosure", "proactive"),
                ("screening_note", "已逐项核实，可以公开"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    must(gongkai_store::records::get(&app.store, id).await)
}

#[tokio::test]
async fn a_plain_text_body_keeps_its_paragraphs_on_the_public_page() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        for (title, body, paragraphs) in [
            (
                "两段的通知",
                "第一段。\r\n\r\n第二段。",
                vec!["<p>第一段。</p>", "<p>第二段。</p>"],
            ),
            (
                "三项的通知",
                "一、总体要求。\n二、主要任务。\n三、保障措施。",
                vec![
                    "<p>一、总体要求。</p>",
                    "<p>二、主要任务。</p>",
                    "<p>三、保障措施。</p>",
                ],
            ),
        ] {
            let r = publish_via(
                &app,
                &editor,
                &reviewer,
                title,
                vec![("body", body.to_owned())],
            )
            .await;
            let no = r
                .index_no
                .unwrap_or_else(|| panic!("{title} not published"));
            let html = public_body(&app, &no).await;
            assert_eq!(
                html.matches("<p>").count(),
                paragraphs.len(),
                "{engine:?}: {html}"
            );
            for p in paragraphs {
                assert!(html.contains(p), "{engine:?}: {p} in {html}");
            }
        }
    }
}

#[tokio::test]
async fn a_word_file_as_the_body_keeps_its_structure_and_fills_the_doc_number() {
    let fields = [
        ("kind", "notice"),
        ("org", "WQX004"),
        ("written_on", "2026-11-20"),
        ("theme", "综合政务\\政务公开"),
        ("columns", "tzgg"),
        ("body", ""),
    ];
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let plain = [fields.as_slice(), &[("title", "以 Word 文件导入的通知")]].concat();
        let r = editor
            .post_multipart(
                "/admin/records/new",
                &plain,
                vec![(
                    "body_file",
                    "通知.docx",
                    gongkai_content::fixtures::body_docx(None),
                )],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let stored = submit_and_approve(&app, &editor, &reviewer, record_id(&r)).await;
        let no = stored.index_no.unwrap_or_else(|| panic!("not published"));
        let html = public_body(&app, &no).await;
        for part in [
            "<h2>一、总体要求</h2>",
            "<h3>（一）工作目标</h3>",
            "<p>第一段正文。</p>",
            "<p>第二段<strong>加粗</strong>正文。</p>",
            "<ol><li>完善制度</li><li>加强监督</li></ol>",
            "<td>项目</td><td>金额</td>",
        ] {
            assert!(html.contains(part), "{engine:?}: {part} in {html}");
        }

        let headed = [
            fields.as_slice(),
            &[("title", "红头文件"), ("doc_number", "")],
        ]
        .concat();
        let r = editor
            .post_multipart(
                "/admin/records/new",
                &headed,
                vec![(
                    "body_file",
                    "红头.docx",
                    gongkai_content::fixtures::body_docx(Some((
                        "乌恰县人民政府文件",
                        "乌政发〔2025〕12号",
                    ))),
                )],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let stored = must(gongkai_store::records::get(&app.store, record_id(&r)).await);
        assert_eq!(stored.doc_number, "乌政发〔2025〕12号");
        assert!(
            !stored.body_html.contains("人民政府文件"),
            "{}",
            stored.body_html
        );

        // An old-format WPS file is refused with the way out, and the form is kept.
        let wps = [fields.as_slice(), &[("title", "旧版 WPS")]].concat();
        let r = editor
            .post_multipart(
                "/admin/records/new",
                &wps,
                vec![("body_file", "通知.wps", gongkai_content::fixtures::doc())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let page = must(r.text().await);
        assert!(
            page.contains("暂不能读取此 WPS 文件，请在 WPS 中另存为 .docx 后上传"),
            "{page}"
        );
        assert!(page.contains("旧版 WPS"));
    }
}
