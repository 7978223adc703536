//! The county's key work in public: a 民生实事 task of the finance bureau with its milestones
//! (one done, one overdue), a progress report reviewed and published, and the audit bureau's
//! report on the 2025 budget with findings at each stage of rectification.

use chrono::NaiveDate;
use gongkai_domain::finding::{AuditReportDraft, FindingStepDraft};
use gongkai_domain::task::{ReportStep, TaskDraft};
use gongkai_store::{Store, findings, tasks};

use super::sites::{COUNTY, DemoStaff};
use super::{org, user};
use crate::CliError;

/// Loads the task and the audit report as the offices would enter them.
pub async fn load(store: &Store, staff: &DemoStaff, today: NaiveDate) -> Result<(), CliError> {
    let county = org(store, COUNTY.0).await?;
    let finance = org(store, "WQX004").await?;
    let audit = org(store, "WQX005").await?;
    let editor = user("demo-editor");
    let new = TaskDraft {
        kind: "livelihood".into(),
        title: "2026年县城老旧小区供暖管网改造".into(),
        year: "2026".into(),
        starts_on: "2026-03-01".into(),
        measures: "一、摸清县城老旧小区供暖管网底数，编制改造计划。\n二、分批实施管网更换和换热站改造，采暖季前完成主体工程。\n三、改造结果向社会公开，接受群众监督。".into(),
    }
    .check()?;
    let task = tasks::create(store, &editor, county.id, finance.id, &[], &new).await?;
    let surveyed = tasks::add_milestone(
        store,
        &editor,
        task,
        "完成管网底数排查和改造计划编制",
        "2026-05-31",
    )
    .await?;
    tasks::complete_milestone(store, &editor, task, surveyed, day("2026-05-28", today)).await?;
    // Due before today and not done: overdue, on the openness office's dashboard.
    tasks::add_milestone(store, &editor, task, "完成第一批管网更换", "2026-10-15").await?;
    tasks::add_milestone(store, &editor, task, "完成全部改造并公开结果", "2026-12-31").await?;
    let report = tasks::add_report(
        store,
        &editor,
        staff.editor_id,
        task,
        "截至9月底，已完成12个小区的管网排查，编制改造计划并开工4个小区，完成投资约三成。第一批管网更换因材料到货延迟，预计推迟至11月完成。",
        true,
    )
    .await?;
    tasks::report_step(
        store,
        &user("demo-reviewer"),
        staff.reviewer_id,
        task,
        report,
        ReportStep::Approve,
        "",
    )
    .await?;

    let supervisor = user("demo-supervisor");
    let new = AuditReportDraft {
        source: "audit".into(),
        title: "关于乌恰县2025年度县级预算执行和其他财政收支的审计工作报告".into(),
        year: "2026".into(),
        summary: "审计发现预算执行、专项资金管理和国有资产管理方面的问题3个，已责成有关单位整改。"
            .into(),
    }
    .check()?;
    let audit_report =
        findings::create_report(store, &supervisor, county.id, audit.id, &new, None).await?;
    let found = [
        (
            "部分专项资金未按规定时限拨付",
            "2026-09-30",
            Some((
                "rectified",
                "已于8月完成拨付，并建立资金拨付台账",
                "拨付凭证和台账已存档备查",
            )),
        ),
        (
            "个别单位固定资产账实不符",
            "2026-12-31",
            Some(("underway", "开展固定资产清查，逐项核对", "")),
        ),
        ("政府采购合同公开不及时", "2027-03-31", None),
    ];
    for (title, deadline, step) in found {
        let id = findings::add_finding(
            store,
            &supervisor,
            audit_report,
            finance.id,
            title,
            day(deadline, today),
        )
        .await?;
        if let Some((status, measures, evidence)) = step {
            let step = FindingStepDraft {
                status: status.into(),
                measures: measures.into(),
                evidence: evidence.into(),
                evidence_record: false,
                accountability: String::new(),
            }
            .check()?;
            findings::step_finding(store, &supervisor, id, &step, None).await?;
        }
    }
    Ok(())
}

fn day(s: &str, fallback: NaiveDate) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(fallback)
}
