//! Key tasks and audit findings on both engines: a task with a milestone before its start
//! refused, an overdue milestone listed for the supervisor's organisations only, progress
//! reports its author cannot publish, nothing more on a completed task; a finding refused as
//! 已整改 without evidence, then rectified; every change audited in the county's site and on
//! the change feed.

use chrono::NaiveDate;
use gongkai_domain::ErrorCode;
use gongkai_domain::finding::{AuditReportDraft, FindingStatus, FindingStepDraft};
use gongkai_domain::role::Role;
use gongkai_domain::task::{ReportState, ReportStep, TaskDraft, TaskStatus};
use gongkai_store::testing::{ENGINES, add_orgs, add_staff};
use gongkai_store::{Actor, StoreError, feed, findings, tasks};

use crate::support::{count, county_on, must};

fn day(s: &str) -> NaiveDate {
    must(NaiveDate::parse_from_str(s, "%Y-%m-%d"))
}

fn code<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Option<ErrorCode> {
    match r {
        Err(StoreError::Domain(e)) => Some(e.error_code()),
        other => panic!("expected a domain refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_task_runs_from_milestones_and_reviewed_reports_to_its_result() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        add_orgs(&store, &[("WQX004", "乌恰县财政局", Some("WQX001"))]).await;
        let author = add_staff(&store, "editor", "editor", "WQX004", vec![Role::Editor]).await;
        let reviewer = add_staff(
            &store,
            "reviewer",
            "reviewer",
            "WQX004",
            vec![Role::Reviewer],
        )
        .await;
        let finance_id: i64 = must(
            sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'WQX004'")
                .fetch_one(store.pool())
                .await,
        );
        let (editor, other) = (Actor::user("editor", "::1"), Actor::user("reviewer", "::1"));
        let new = must(
            TaskDraft {
                kind: "民生实事".into(),
                title: "新建城北幼儿园".into(),
                year: "2026".into(),
                starts_on: "2026-03-01".into(),
                measures: "一、完成选址；二、开工建设。".into(),
            }
            .check(),
        );
        let id =
            must(tasks::create(&store, &editor, county.id, finance_id, &[county.id], &new).await);

        let early = tasks::add_milestone(&store, &editor, id, "完成选址", "2026-02-01").await;
        assert_eq!(
            code(early),
            Some(ErrorCode::TaskMilestoneBeforeStart),
            "{engine:?}"
        );
        let site = must(tasks::add_milestone(&store, &editor, id, "完成选址", "2026-04-30").await);
        must(tasks::add_milestone(&store, &editor, id, "主体完工", "2026-09-30").await);
        must(tasks::complete_milestone(&store, &editor, id, site, day("2026-04-28")).await);
        let overdue =
            must(tasks::overdue_milestones(&store, &[finance_id], day("2026-10-08")).await);
        assert_eq!(
            overdue.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(),
            ["主体完工"],
            "{engine:?}"
        );
        assert!(
            must(tasks::overdue_milestones(&store, &[county.id], day("2026-10-08")).await)
                .is_empty()
        );

        let report =
            must(tasks::add_report(&store, &editor, author, id, "主体已封顶。", true).await);
        let own =
            tasks::report_step(&store, &editor, author, id, report, ReportStep::Approve, "").await;
        assert_eq!(
            code(own),
            Some(ErrorCode::TaskReviewerIsAuthor),
            "{engine:?}"
        );
        assert!(must(tasks::published_reports(&store, id).await).is_empty());
        let back = tasks::report_step(
            &store,
            &other,
            reviewer,
            id,
            report,
            ReportStep::Return,
            "请补充投资完成额",
        )
        .await;
        assert_eq!(must(back), ReportState::Returned);
        must(tasks::report_step(&store, &editor, author, id, report, ReportStep::Submit, "").await);
        must(
            tasks::report_step(
                &store,
                &other,
                reviewer,
                id,
                report,
                ReportStep::Approve,
                "",
            )
            .await,
        );
        assert_eq!(must(tasks::published_reports(&store, id).await).len(), 1);

        must(
            tasks::complete(
                &store,
                &editor,
                id,
                "幼儿园于 9 月开园，提供学位 360 个。",
                day("2026-10-09"),
            )
            .await,
        );
        let done = must(tasks::get(&store, id).await);
        assert_eq!(
            (done.status, done.completed_on),
            (TaskStatus::Completed, Some(day("2026-10-09")))
        );
        let late = tasks::add_report(&store, &editor, author, id, "补充进展", true).await;
        assert_eq!(code(late), Some(ErrorCode::TaskClosed), "{engine:?}");
        assert!(
            must(tasks::overdue_milestones(&store, &[finance_id], day("2026-10-08")).await)
                .is_empty()
        );

        // Every step audited in the county's site, and on the change feed.
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE object_type = 'task' AND site_id IS NOT NULL",
        )
        .await;
        assert_eq!(audited, 9, "{engine:?}");
        let fed = must(feed::since(&store, 0, 100).await);
        assert_eq!(fed.iter().filter(|f| f.object_type == "task").count(), 9);
    }
}

#[tokio::test]
async fn a_finding_is_rectified_only_with_measures_and_evidence() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let office = Actor::user("office", "::1");
        let new = must(
            AuditReportDraft {
                source: "audit".into(),
                title: "2025 年度县本级预算执行审计".into(),
                year: "2026".into(),
                summary: "发现问题 1 个。".into(),
            }
            .check(),
        );
        let report =
            must(findings::create_report(&store, &office, county.id, county.id, &new, None).await);
        let finding = must(
            findings::add_finding(
                &store,
                &office,
                report,
                county.id,
                "专项资金闲置",
                day("2026-12-31"),
            )
            .await,
        );
        let rectified = FindingStepDraft {
            status: "已整改".into(),
            measures: "已收回闲置资金并统筹使用。".into(),
            ..FindingStepDraft::default()
        };
        assert_eq!(
            rectified.check().err().map(|e| e.error_code()),
            Some(ErrorCode::FindingRectifiedWithoutEvidence)
        );
        let step = must(
            FindingStepDraft {
                status: "整改中".into(),
                ..FindingStepDraft::default()
            }
            .check(),
        );
        must(findings::step_finding(&store, &office, finding, &step, None).await);
        let done = must(
            FindingStepDraft {
                evidence: "财政局收回资金的记账凭证。".into(),
                ..rectified
            }
            .check(),
        );
        must(findings::step_finding(&store, &office, finding, &done, None).await);
        let f = must(findings::get_finding(&store, finding).await);
        assert_eq!(f.status, FindingStatus::Rectified, "{engine:?}");
        assert_eq!(must(findings::findings(&store, report).await).len(), 1);
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE object_type = 'audit_report' AND site_id IS NOT NULL",
        )
        .await;
        assert_eq!(audited, 4, "{engine:?}");
    }
}
