//! The county's 2026 openness assessment (考核): two training sessions with the departments
//! that attended (the scorecards count the rest from what the other demo parts hold), and the
//! 2026 summary published for 社会评议 with some citizens' ratings — two comments approved by
//! the openness office and one still waiting for moderation.

use chrono::{NaiveDate, Utc};
use gongkai_domain::scorecard::{Evaluation, Period};
use gongkai_domain::work_record::WorkRecordDraft;
use gongkai_store::cases::AttachedFile;
use gongkai_store::{Store, blobs, scorecard, work_records};

use super::sites::COUNTY;
use super::{org, user};
use crate::CliError;

/// The departments attending a session, each with its number of attendees.
type Attending = &'static [(&'static str, u32)];

/// Training sessions: the day, the topic, and the attending departments with their numbers.
const TRAININGS: [(&str, &str, Attending); 2] = [
    (
        "2026-04-15",
        "2026年政务公开业务培训（基本目录和依申请公开）",
        &[
            ("WQX002", 3),
            ("WQX003", 2),
            ("WQX004", 4),
            ("WQX010", 2),
            ("WQX015", 2),
        ],
    ),
    (
        "2026-09-18",
        "政策解读和政民互动办理培训",
        &[("WQX002", 2), ("WQX004", 2), ("WQX011", 3), ("WQX017", 2)],
    ),
];

/// Ratings of the 2026 summary: department, 公开及时 / 内容完整 / 回应满意, comment, approved.
const RATINGS: [(&str, [u8; 3], &str, bool); 6] = [
    (
        "WQX004",
        [5, 5, 4],
        "预算决算公开及时，表格清楚，点赞。",
        true,
    ),
    ("WQX004", [4, 4, 4], "", false),
    (
        "WQX010",
        [3, 4, 2],
        "社保政策解读希望多用问答形式，办事指南再细一些。",
        true,
    ),
    (
        "WQX015",
        [2, 3, 2],
        "老旧小区改造的进度公开不够及时。",
        false,
    ),
    ("WQX003", [4, 3, 4], "", false),
    ("WQX002", [5, 4, 5], "", false),
];

/// Loads the trainings and publishes the 2026 社会评议 with its ratings.
pub async fn load(
    store: &Store,
    data_dir: &std::path::Path,
    today: NaiveDate,
) -> Result<(), CliError> {
    let county = org(store, COUNTY.0).await?;
    let office = user("demo-supervisor");
    let sheet = "乌恰县政务公开业务培训签到表\n（演示数据）\n".as_bytes();
    let sha256 = blobs::put(store, data_dir, sheet).await?;
    for (held_on, topic, attending) in TRAININGS {
        let mut attendance = Vec::new();
        for (code, n) in attending {
            attendance.push((org(store, code).await?.id, n.to_string()));
        }
        let held = NaiveDate::parse_from_str(held_on, "%Y-%m-%d")
            .unwrap_or(today)
            .min(today);
        let new = WorkRecordDraft {
            kind: "training".into(),
            held_on: held.to_string(),
            topic: topic.into(),
            chair: String::new(),
            decisions: String::new(),
            attendance,
        }
        .check(today)?;
        let file = AttachedFile {
            id: 0,
            sha256: sha256.clone(),
            file_name: "培训签到表.txt".into(),
            kind: "txt".into(),
            size_bytes: i64::try_from(sheet.len()).unwrap_or(0),
        };
        work_records::add(store, &office, county.id, county.id, &new, &file).await?;
    }

    let board = scorecard::scoreboard(store, &county, Period::year(2026), Utc::now()).await?;
    let round = scorecard::publish_round(store, &office, county.id, &board).await?;
    for (code, ratings, comment, approve) in RATINGS {
        let rated = org(store, code).await?;
        let evaluation = Evaluation {
            ratings,
            comment: comment.to_owned(),
        };
        let id = scorecard::add_response(
            store,
            county.id,
            round,
            rated.id,
            &evaluation,
            &gongkai_store::sessions::random_token(),
            "",
        )
        .await?;
        if approve {
            scorecard::moderate(store, &office, county.id, round, id, true).await?;
        }
    }
    Ok(())
}
