//! Key tasks and audit rectification on both engines, over HTTP: a task from creation through
//! its milestones (one overdue, flagged on the supervisor's dashboard), progress reports that
//! are public only once someone other than their author reviewed them, to its result; an audit
//! report's finding from 未整改 through 整改中 to 已整改 with evidence; each step public (pages,
//! Atom feeds, sitemap, search) and audited. The refusals: a milestone before the task starts,
//! a report on a closed task, 已整改 without evidence, an organisation outside the staff
//! member's scope, a reviewer who wrote the report; another site's visitors get 404.

use chrono::{Duration, Utc};
use gongkai_domain::time::beijing_date;
use gongkai_store::testing::ENGINES;
use reqwest::StatusCode;

use crate::sites::with_atushi;
use crate::support::{
    App, Session, assert_has_all, assert_lacks, editor_and_reviewer, header, must, until_found,
};

/// The id at the end of a 303's `Location`.
fn created(r: &reqwest::Response) -> i64 {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.status());
    let to = header(r, "location");
    must(to.rsplit('/').next().unwrap_or_default().parse::<i64>())
}

/// The audit entries of `action`.
async fn audited(app: &App, action: &str) -> i64 {
    must(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND site_id IS NOT NULL",
        )
        .bind(action)
        .fetch_one(app.store.pool())
        .await,
    )
}

/// A step posted to `path` is refused with `status` and the page says `why`.
async fn refused(s: &Session, path: &str, fields: &[(&str, &str)], status: StatusCode, why: &str) {
    let r = s.post(path, fields).await;
    assert_eq!(r.status(), status, "{path} {fields:?}");
    assert_has_all(&must(r.text().await), &[why]);
}

#[tokio::test]
async fn a_task_goes_public_from_creation_through_milestones_and_reviewed_reports_to_its_result() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let (editor, reviewer) = editor_and_reviewer(&app).await;
        let office = Session::login(&app, "office").await;
        let both = Session::login(&app, "both").await;
        let anyone = Session::anonymous(&app).await;
        let today = beijing_date(Utc::now());
        let day = |d: i64| (today + Duration::days(d)).to_string();
        let (start, year) = (
            day(-60),
            (today - Duration::days(60)).format("%Y").to_string(),
        );
        let county_id: i64 = must(
            sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'WQX001'")
                .fetch_one(app.store.pool())
                .await,
        );
        let county = county_id.to_string();
        let task = [
            ("kind", "livelihood"),
            ("title", "新建城北幼儿园"),
            ("year", year.as_str()),
            ("starts_on", start.as_str()),
            ("measures", "一、完成选址；二、开工建设；三、秋季开园。"),
            ("lead_org", "WQX001"),
            ("cooperating", county.as_str()),
        ];
        // The bureau's editor may not register a task the county government leads.
        refused(
            &editor,
            "/admin/renwu",
            &task,
            StatusCode::BAD_REQUEST,
            "“WQX001”不在您的管理范围内",
        )
        .await;
        let mut task = task.to_vec();
        task[5] = ("lead_org", "WQX004");
        let id = created(&editor.post("/admin/renwu", &task).await);
        let admin_page = format!("/admin/renwu/{id}");
        let public = format!("/renwu/{id}");
        assert_has_all(
            &anyone.get_text(&public).await,
            &[
                "新建城北幼儿园",
                "乌恰县财政局",
                "乌恰县人民政府",
                "秋季开园",
                "推进中",
            ],
        );
        // Another site's visitors do not see it.
        assert_eq!(
            anyone.get_status(&format!("/site/ATS001{public}")).await,
            StatusCode::NOT_FOUND,
            "{engine:?}"
        );

        // Another site's staff neither see nor change it.
        let ats_editor = Session::login(&app, "ats_editor").await;
        assert_eq!(
            ats_editor.get_status(&admin_page).await,
            StatusCode::NOT_FOUND
        );
        let late = [("title", "完成选址"), ("due_on", "2099-01-01")];
        let milestones = format!("{admin_page}/milestones");
        assert_eq!(
            ats_editor.post_status(&milestones, &late).await,
            StatusCode::NOT_FOUND
        );

        // Milestones: none before the start; one overdue, one ahead.
        let early = [("title", "完成选址"), ("due_on", &day(-61))];
        refused(
            &editor,
            &milestones,
            &early,
            StatusCode::BAD_REQUEST,
            "不能早于任务开始日期",
        )
        .await;
        let overdue = [("title", "完成选址"), ("due_on", &day(-10))];
        assert_eq!(
            editor.post_status(&milestones, &overdue).await,
            StatusCode::SEE_OTHER
        );
        let ahead = [("title", "主体完工"), ("due_on", &day(30))];
        assert_eq!(
            editor.post_status(&milestones, &ahead).await,
            StatusCode::SEE_OTHER
        );
        assert_has_all(
            &anyone.get_text(&public).await,
            &[
                "完成选址",
                "已逾期",
                "主体完工",
                "未到期",
                "逾期未完成节点 1 项",
            ],
        );
        // The supervisor's dashboard flags the overdue milestone; the editor's does not.
        assert_has_all(
            &office.get_text("/admin").await,
            &[
                "逾期未完成的任务节点",
                "新建城北幼儿园",
                "节点“完成选址”",
                "已逾期 10 天",
            ],
        );
        assert_lacks(
            &editor.get_text("/admin").await,
            "逾期未完成的任务节点",
            "not a supervisor",
        );

        // A progress report is public only once someone other than its author approved it.
        let reports = format!("{admin_page}/reports");
        let text = [("body", "选址已完成，正在办理施工许可。"), ("submit", "1")];
        assert_eq!(
            editor.post_status(&reports, &text).await,
            StatusCode::SEE_OTHER
        );
        assert_lacks(
            &anyone.get_text(&public).await,
            "正在办理施工许可",
            "not yet reviewed",
        );
        let own = [("body", "主体结构已封顶。"), ("submit", "1")];
        assert_eq!(
            both.post_status(&reports, &own).await,
            StatusCode::SEE_OTHER
        );
        let (first, second): (i64, i64) = must(
            sqlx::query_as("SELECT MIN(id), MAX(id) FROM task_reports WHERE task_id = $1")
                .bind(id)
                .fetch_one(app.store.pool())
                .await,
        );
        let approve = [("step", "approve")];
        // An editor without review rights may not publish a report at all.
        assert_eq!(
            editor
                .post_status(&format!("{reports}/{second}"), &approve)
                .await,
            StatusCode::FORBIDDEN
        );
        refused(
            &both,
            &format!("{reports}/{second}"),
            &approve,
            StatusCode::BAD_REQUEST,
            "不能审核自己撰写的工作进展",
        )
        .await;
        let back = [("step", "return"), ("reason", "请补充投资完成额")];
        assert_eq!(
            reviewer
                .post_status(&format!("{reports}/{first}"), &back)
                .await,
            StatusCode::SEE_OTHER
        );
        assert_has_all(
            &editor.get_text(&admin_page).await,
            &["退回", "请补充投资完成额"],
        );
        let resubmit = [("step", "submit")];
        assert_eq!(
            editor
                .post_status(&format!("{reports}/{first}"), &resubmit)
                .await,
            StatusCode::SEE_OTHER
        );
        for report in [first, second] {
            assert_eq!(
                reviewer
                    .post_status(&format!("{reports}/{report}"), &approve)
                    .await,
                StatusCode::SEE_OTHER
            );
        }
        assert_has_all(
            &anyone.get_text(&public).await,
            &["正在办理施工许可", "主体结构已封顶"],
        );

        // A published record of the site is linked; an unknown 索引号 is refused.
        let notice = crate::support::records::publish_via(
            &app,
            &editor,
            &reviewer,
            "城北幼儿园建设项目开工公告",
            Vec::new(),
        )
        .await;
        let index_no = notice.index_no.clone().unwrap_or_default();
        let link = format!("{admin_page}/records");
        let unknown = [("index_no", "000000000-0000-00-0000")];
        refused(
            &editor,
            &link,
            &unknown,
            StatusCode::BAD_REQUEST,
            "未找到索引号",
        )
        .await;
        assert_eq!(
            editor.post_status(&link, &[("index_no", &index_no)]).await,
            StatusCode::SEE_OTHER
        );
        assert_has_all(
            &anyone.get_text(&public).await,
            &["城北幼儿园建设项目开工公告", &format!("/xxgk/{index_no}")],
        );

        // The overdue milestone is done; the result closes the task; nothing more is reported.
        let done = format!("{milestones}/{}/done", overdue_id(&app, id).await);
        assert_eq!(
            editor.post_status(&done, &[("done_on", &day(-1))]).await,
            StatusCode::SEE_OTHER
        );
        assert_lacks(
            &office.get_text("/admin").await,
            "逾期未完成的任务节点",
            "done now",
        );
        let result = [("result", "幼儿园已开园，新增学位 360 个。")];
        assert_eq!(
            editor
                .post_status(&format!("{admin_page}/complete"), &result)
                .await,
            StatusCode::SEE_OTHER
        );
        refused(
            &editor,
            &reports,
            &text,
            StatusCode::BAD_REQUEST,
            "该任务已办结",
        )
        .await;
        // A third-party evaluation attaches to the completed task (the office's), dated no
        // later than today.
        let evaluations = format!("{admin_page}/evaluations");
        let mut evaluation = vec![
            ("kind", "third_party"),
            ("evaluator", "新疆大学公共管理学院"),
            ("concluded_on", "2099-01-01"),
            ("conclusion", "群众满意度 96.2%。"),
        ];
        refused(
            &office,
            &evaluations,
            &evaluation,
            StatusCode::BAD_REQUEST,
            "不晚于今天",
        )
        .await;
        let yesterday = day(-1);
        evaluation[2] = ("concluded_on", &yesterday);
        assert_eq!(
            office.post_status(&evaluations, &evaluation).await,
            StatusCode::SEE_OTHER
        );
        let page = anyone.get_text(&public).await;
        let main = page.split("<main").nth(1).unwrap_or_default();
        assert_has_all(
            main,
            &[
                "已完成",
                "新增学位 360 个",
                "<svg",
                "第三方评估",
                "群众满意度 96.2%",
            ],
        );

        // The list by year with its filters, the feed, the sitemap and the search.
        let list = anyone
            .get_text(&format!("/renwu/?year={year}&org=WQX004&status=completed"))
            .await;
        assert_has_all(&list, &["新建城北幼儿园", "已完成 1 项"]);
        let other = anyone
            .get_text(&format!("/renwu/?year={year}&kind=major_project"))
            .await;
        assert_lacks(&other, "新建城北幼儿园", "another kind");
        assert_has_all(
            &anyone.get_text("/feeds/renwu.xml").await,
            &["新建城北幼儿园", &public],
        );
        assert_has_all(
            &anyone.get_text("/sitemap.xml").await,
            &[&public, "/zhenggai/"],
        );
        let hits = until_found(&app.base, "新建城北幼儿园", 1).await.1;
        assert!(hits.contains(&public), "{hits}");

        // Every step audited in the county's site.
        for (action, n) in [
            ("task.create", 1),
            ("task.milestone_add", 2),
            ("task.report_create", 2),
            ("task.report_return", 1),
            ("task.report_submit", 1),
            ("task.report_approve", 2),
            ("task.milestone_done", 1),
            ("task.complete", 1),
            ("task.link_record", 1),
            ("task.evaluation_add", 1),
        ] {
            assert_eq!(audited(&app, action).await, n, "{action} {engine:?}");
        }
    }
}

/// The id of the milestone 完成选址 of task `id`.
async fn overdue_id(app: &App, id: i64) -> i64 {
    must(
        sqlx::query_scalar(
            "SELECT id FROM task_milestones WHERE task_id = $1 AND title = '完成选址'",
        )
        .bind(id)
        .fetch_one(app.store.pool())
        .await,
    )
}

#[tokio::test]
async fn an_audit_finding_goes_from_unrectified_to_rectified_with_evidence_in_public() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let (editor, _) = editor_and_reviewer(&app).await;
        let office = Session::login(&app, "office").await;
        let anyone = Session::anonymous(&app).await;
        let report = [
            ("source", "audit"),
            ("title", "2025 年度县本级预算执行审计结果"),
            ("year", "2026"),
            ("org", "WQX001"),
            ("summary", "审计发现问题 1 个。"),
        ];
        // Only the openness office records reports.
        assert_eq!(
            editor.post_status("/admin/zhenggai", &report).await,
            StatusCode::FORBIDDEN
        );
        let mut outside = report.to_vec();
        outside[3] = ("org", "ATS001");
        refused(
            &office,
            "/admin/zhenggai",
            &outside,
            StatusCode::BAD_REQUEST,
            "“ATS001”不在您的管理范围内",
        )
        .await;
        let id = created(&office.post("/admin/zhenggai", &report).await);
        let finding = [
            ("title", "专项资金闲置 120 万元"),
            ("org", "WQX004"),
            ("deadline", "2026-12-31"),
        ];
        assert_eq!(
            office
                .post_status(&format!("/admin/zhenggai/{id}/findings"), &finding)
                .await,
            StatusCode::SEE_OTHER
        );
        let public = format!("/zhenggai/{id}");
        assert_has_all(
            &anyone.get_text(&public).await,
            &[
                "专项资金闲置 120 万元",
                "乌恰县财政局",
                "2026-12-31",
                "未整改",
                "<svg",
            ],
        );
        let f: i64 = must(
            sqlx::query_scalar("SELECT id FROM findings WHERE audit_report_id = $1")
                .bind(id)
                .fetch_one(app.store.pool())
                .await,
        );
        let step = format!("/admin/zhenggai/{id}/findings/{f}");
        // The responsible bureau's editor records the steps; 已整改 needs measures and evidence.
        let underway = [
            ("status", "underway"),
            ("measures", "制定资金统筹使用方案。"),
        ];
        assert_eq!(
            editor.post_status(&step, &underway).await,
            StatusCode::SEE_OTHER
        );
        assert_has_all(
            &anyone.get_text(&public).await,
            &["整改中", "制定资金统筹使用方案"],
        );
        let bare = [("status", "rectified"), ("measures", "已统筹使用。")];
        refused(
            &editor,
            &step,
            &bare,
            StatusCode::BAD_REQUEST,
            "请填写整改佐证材料",
        )
        .await;
        let unmeasured = [("status", "rectified"), ("evidence", "记账凭证")];
        refused(
            &editor,
            &step,
            &unmeasured,
            StatusCode::BAD_REQUEST,
            "请填写整改措施",
        )
        .await;
        let rectified = [
            ("status", "rectified"),
            ("measures", "闲置资金已统筹用于城北幼儿园建设。"),
            ("evidence", "县财政局资金调整文件及记账凭证。"),
        ];
        assert_eq!(
            editor.post_status(&step, &rectified).await,
            StatusCode::SEE_OTHER
        );
        let page = anyone.get_text(&public).await;
        assert_has_all(&page, &["已整改", "记账凭证", "已整改 1 项"]);
        assert_lacks(&page, "<span class=\"tag\">未整改</span>", "rectified now");
        assert_has_all(
            &anyone.get_text("/zhenggai/").await,
            &["2025 年度县本级预算执行审计结果", "已整改 1 项"],
        );
        assert_has_all(
            &anyone.get_text("/feeds/zhenggai.xml").await,
            &[&public, "已整改 1 项"],
        );
        assert_eq!(
            anyone.get_status(&format!("/site/ATS001{public}")).await,
            StatusCode::NOT_FOUND
        );
        until_found(&app.base, "专项资金闲置", 1).await;
        for (action, n) in [
            ("audit_report.create", 1),
            ("audit_report.finding_add", 1),
            ("audit_report.finding_step", 2),
        ] {
            assert_eq!(audited(&app, action).await, n, "{action} {engine:?}");
        }
    }
}
