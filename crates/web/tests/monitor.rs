//! 网站监测 on both engines: a site with nothing published fails on its home page and its empty
//! columns; a site whose newest publication is twenty days old fails on its home page; a late
//! interpretation, a message unanswered for over three months, a link to a page that does not
//! exist and an attachment whose bytes are gone are each named. Only the openness office sees
//! the page.

use gongkai_store::testing::ENGINES;
use gongkai_store::{Engine, ts};
use reqwest::StatusCode;

use crate::support::records::{draft, publish_via, record_id, submit};
use crate::support::{Session, assert_has_all, county_with_editor_and_reviewer, must};

async fn execute(app: &crate::support::App, sql: &'static str, values: &[&str]) {
    let mut q = sqlx::query(sql);
    for v in values {
        q = q.bind(*v);
    }
    must(q.execute(app.store.pool()).await);
}

#[tokio::test]
async fn the_monitor_names_what_an_inspection_would_fail() {
    for engine in ENGINES {
        let (app, editor, reviewer) = county_with_editor_and_reviewer(engine).await;
        let office = Session::login(&app, "office").await;
        assert_eq!(
            editor.get_status("/admin/monitor").await,
            StatusCode::FORBIDDEN,
            "{engine:?}: an editor does not see the monitor"
        );
        let fresh = office.get_text("/admin/monitor").await;
        assert_has_all(
            &fresh,
            &[
                "网站监测",
                "乌恰县人民政府",
                "网站尚未发布任何信息",
                "单项否决",
                "空白栏目",
            ],
        );

        // A policy, and its interpretation ten days later (due within three working days).
        let policy = publish_via(
            &app,
            &editor,
            &reviewer,
            "关于规范村级财务管理的通知",
            vec![],
        )
        .await;
        let body = format!(
            "<p>解读正文，见<a href=\"/xxgk/{}\">原文</a>和<a href=\"/xxgk/WQX004-2026-99999\">已删除的文件</a>。</p>",
            policy.index_no.clone().unwrap_or_default()
        );
        let r = draft(
            &editor,
            "《关于规范村级财务管理的通知》政策解读",
            &[("body", &body), ("columns", "zcjd")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let reading = record_id(&r);
        let file = gongkai_content::fixtures::xlsx();
        assert_eq!(
            editor
                .upload(reading, "解读数据.xlsx", file.clone())
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        // A second file that stays whole.
        assert_eq!(
            editor
                .upload(reading, "解读说明.docx", gongkai_content::fixtures::docx())
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        submit(&editor, reading).await;
        // The sample workbook carries a 内部资料 mark: the reviewer names the ground.
        let r = reviewer
            .post(
                &format!("/admin/records/{reading}/review"),
                &[
                    ("decision", "approve"),
                    ("disclosure", "proactive"),
                    ("secret_ground", "released_by_issuer"),
                    ("screening_note", "已逐项核实，可以公开"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let now = chrono::Utc::now();
        let policy_at = ts(now - chrono::Duration::days(30));
        let reading_at = ts(now - chrono::Duration::days(20));
        let policy_id = policy.id.to_string();
        let reading_id = reading.to_string();
        execute(
            &app,
            "UPDATE records SET published_at = $1 WHERE id = CAST($2 AS BIGINT)",
            &[&policy_at, &policy_id],
        )
        .await;
        execute(
            &app,
            "UPDATE records SET published_at = $1, kind = 'interpretation', interprets_id = CAST($2 AS BIGINT) WHERE id = CAST($3 AS BIGINT)",
            &[&reading_at, &policy_id, &reading_id],
        )
        .await;
        // Its attachment's bytes are lost.
        let sha = gongkai_store::blobs::sha256_hex(&file);
        match engine {
            Engine::Sqlite => must(std::fs::remove_file(gongkai_store::blobs::path(
                &app.db.dir,
                &sha,
            ))),
            Engine::Postgres => {
                execute(&app, "DELETE FROM blob_chunks WHERE sha256 = $1", &[&sha]).await;
                execute(&app, "DELETE FROM blobs WHERE sha256 = $1", &[&sha]).await;
            }
        }

        // A message received a hundred days ago and never answered.
        let citizen = Session::anonymous(&app).await;
        let r = crate::support::write_suggestion(
            &citizen,
            "",
            "关于维修村道的建议",
            "建议尽快维修村道，方便群众出行。",
            "13977778888",
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let long_ago =
            (gongkai_domain::time::beijing_date(now) - chrono::Duration::days(100)).to_string();
        execute(&app, "UPDATE messages SET received_on = $1", &[&long_ago]).await;

        let page = office.get_text("/admin/monitor").await;
        // The newest publication is now the interpretation, twenty days ago: past two weeks.
        assert!(
            page.contains("首页更新：<span class=\"status-veto\">单项否决")
                && page.contains("距今 20 天"),
            "{engine:?}: {page}"
        );
        assert_has_all(
            &page,
            &[
                // The message, past three months: a veto.
                &format!("关于维修村道的建议（{long_ago} 收到，单项否决）"),
                // The interpretation, late.
                &format!(
                    "政策《关于规范村级财务管理的通知》{} 发布，解读 {} 发布，晚 ",
                    gongkai_domain::time::beijing_date(now - chrono::Duration::days(30)),
                    gongkai_domain::time::beijing_date(now - chrono::Duration::days(20)),
                ),
                // The dead link, and the lost file; the link to the policy is fine.
                "链接无法访问 /xxgk/WQX004-2026-99999",
                "附件文件缺失 解读数据.xlsx",
            ],
        );
        assert!(!page.contains("网站尚未发布任何信息"), "{engine:?}");
        let policy_link = format!("链接无法访问 /xxgk/{}", policy.index_no.unwrap_or_default());
        crate::support::assert_lacks(&page, &policy_link, "a link to a published page is fine");
        crate::support::assert_lacks(
            &page,
            "解读说明.docx",
            "a file whose bytes are held is fine",
        );
    }
}
