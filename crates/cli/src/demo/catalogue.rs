//! The county's 主动公开基本目录: the 26 grassroots areas loaded as the starting set, a few
//! rows assigned to the departments that publish them, and the demo's records filed under
//! them — most on time, one published long after it was formed (late), and rows with nothing
//! published yet (missing), so the timeliness page has something to show.

use chrono::NaiveDate;
use gongkai_domain::record::RecordKind;
use gongkai_store::basic_catalogue as catalogue;
use gongkai_store::records::{self, Imported};
use gongkai_store::{Actor, Store};

use super::records::{content, meta};
use super::sites::COUNTY;
use super::{beijing_at, org};
use crate::CliError;

/// `(一级, 二级, organisation, titles of demo records filed under it)`.
const ASSIGNED: &[(&str, &str, &str, &[&str])] = &[
    (
        "财政预决算",
        "部门决算",
        "WQX004",
        &["乌恰县2025年县级财政决算公开"],
    ),
    (
        "重大建设项目",
        "批准服务信息",
        "WQX003",
        &["乌恰县2026年重点建设项目计划及实施情况"],
    ),
    ("重大建设项目", "批准结果信息", "WQX003", &[]),
    (
        "食品药品监管",
        "抽检信息",
        "WQX011",
        &["乌恰县2026年第三季度食品安全监督抽检情况通报"],
    ),
    (
        "就业",
        "就业服务",
        "WQX010",
        &["乌恰县2026年高校毕业生就业创业扶持政策措施"],
    ),
    ("扶贫（乡村振兴）", "资金项目", "WQX009", &[LATE_TITLE]),
    ("生态环境", "环境质量", "WQX014", &[]),
    ("城乡规划", "规划编制", "WQX015", &[]),
];

/// A record published more than two months after it was formed: late against 20 working days.
const LATE_TITLE: &str = "乌恰县2026年财政衔接推进乡村振兴补助资金分配结果公告";
const LATE_BODY: &str = "根据上级下达的2026年财政衔接推进乡村振兴补助资金，经县乡村振兴领导小组研究，现将资金分配结果公告如下。\n\n一、产业发展类项目资金，用于特色种养殖和农产品加工。\n\n二、基础设施类项目资金，用于村组道路和小型水利设施。\n\n三、就业帮扶类资金，用于公益性岗位和技能培训补贴。\n\n公告期内如有异议，可向县扶贫开发领导小组办公室反映。（本演示站点中的数据仅为示例。）";

/// Loads the catalogue as the openness office would set it up.
pub async fn load(store: &Store, today: NaiveDate) -> Result<(), CliError> {
    let actor = Actor::system();
    let county = org(store, COUNTY.0).await?;
    catalogue::add_starting_set(store, &actor, county.id).await?;
    publish_late_record(store, today).await?;
    let items = catalogue::items(store, county.id).await?;
    for &(area, subject, code, titles) in ASSIGNED {
        let Some(item) = items
            .iter()
            .find(|i| i.area == area && i.subject == subject)
        else {
            continue;
        };
        let department = org(store, code).await?;
        catalogue::assign(store, &actor, county.id, item.id, &[department.id]).await?;
        for title in titles {
            let index_no = records::index_no_by_title(store, department.id, title).await?;
            if let Some(index_no) = index_no {
                catalogue::file_record(store, &actor, county.id, item.id, &index_no).await?;
            }
        }
    }
    Ok(())
}

/// The 扶贫办's allocation notice: formed on 10 May, published on 15 July.
async fn publish_late_record(store: &Store, today: NaiveDate) -> Result<(), CliError> {
    let office = org(store, "WQX009").await?;
    let formed = NaiveDate::from_ymd_opt(2026, 5, 10)
        .unwrap_or(today)
        .min(today);
    let c = content(
        meta(
            LATE_TITLE,
            RecordKind::Notice,
            "乌扶贫办发〔2026〕6号",
            &formed.to_string(),
            "民政、扶贫、救灾\\扶贫",
            "乌恰县扶贫开发领导小组办公室",
            today,
        )?,
        LATE_BODY,
        &["tzgg"],
    );
    let row = Imported {
        source_key: "demo:catalogue-late".into(),
        meta: c.meta,
        body_html: c.body_html,
        body_text: c.body_text,
        published_at: beijing_at(2026, 7, 15, 10, 0),
        columns: c.columns,
        index_no: None,
    };
    records::import_batch(store, &Actor::system(), office.id, &[row], None).await?;
    Ok(())
}
