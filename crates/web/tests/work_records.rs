//! 工作台账 on both engines: the openness office records a training session with attendees by
//! organisation and a leadership meeting, each with its material; the year's totals count them;
//! a meeting without its chair, a training without attendees or a record without material is
//! refused with the reason and the form as typed; the material downloads; others get 403.

use gongkai_store::orgs;
use gongkai_store::testing::ENGINES;
use reqwest::StatusCode;

use crate::support::{Session, assert_has_all, county_with_editor_and_reviewer, must};

/// Posts the work-record form with `fields` and, when given, one file.
async fn record(
    office: &Session,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let files = file
        .map(|(name, bytes)| vec![("file", name, bytes)])
        .unwrap_or_default();
    office
        .post_multipart("/admin/work-records", fields, files)
        .await
}

async fn org_id(app: &crate::support::App, code: &str) -> i64 {
    let code = must(gongkai_domain::org::OrgCode::parse(code));
    must(orgs::by_code(&app.store, &code).await).id
}

#[tokio::test]
async fn the_office_keeps_its_training_sessions_and_meetings_with_their_material() {
    for engine in ENGINES {
        let (app, editor, _) = county_with_editor_and_reviewer(engine).await;
        assert_eq!(
            editor.get_status("/admin/work-records").await,
            StatusCode::FORBIDDEN,
            "{engine:?}"
        );
        let office = Session::login(&app, "office").await;
        let (county, finance) = (org_id(&app, "WQX001").await, org_id(&app, "WQX004").await);
        let (att_county, att_finance) = (format!("att_{county}"), format!("att_{finance}"));
        let sheet = gongkai_content::fixtures::xlsx();

        let training = [
            ("kind", "training"),
            ("held_on", "2026-11-18"),
            ("topic", "2026 年政务公开业务培训"),
            (att_county.as_str(), "3"),
            (att_finance.as_str(), "12"),
        ];
        // Without its material: refused, the form kept.
        let r = record(&office, &training, None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let page = must(r.text().await);
        assert_has_all(
            &page,
            &[
                "请上传培训通知、签到表或会议纪要",
                "2026 年政务公开业务培训",
            ],
        );
        let r = record(&office, &training, Some(("签到表.xlsx", sheet.clone()))).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");

        // A meeting without its chair: refused; with it: kept.
        let mut meeting = vec![
            ("kind", "meeting"),
            ("held_on", "2026-03-02"),
            ("topic", "县政府常务会议听取政务公开工作汇报"),
            ("decisions", "一、加强政策解读；二、按时发布年度报告。"),
        ];
        let r = record(&office, &meeting, Some(("会议纪要.xlsx", sheet.clone()))).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("专题会议请填写主持人"));
        meeting.push(("chair", "县长"));
        let r = record(&office, &meeting, Some(("会议纪要.xlsx", sheet.clone()))).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        // A training nobody attended: refused.
        let nobody = [
            ("kind", "training"),
            ("held_on", "2026-05-06"),
            ("topic", "培训"),
        ];
        let r = record(&office, &nobody, Some(("a.xlsx", sheet.clone()))).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");

        let list = office.get_text("/admin/work-records?year=2026").await;
        assert!(
            list.contains("业务培训 1 次，参训 15 人次；专题会议 1 次"),
            "{engine:?}: {list}"
        );
        let href = list
            .split("href=\"/admin/work-records/")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
            .find(|id| {
                id.parse::<i64>().is_ok()
                    && list.contains(&format!("{id}\">2026 年政务公开业务培训"))
            })
            .unwrap_or_else(|| panic!("{list}"));
        let detail = office
            .get_text(&format!("/admin/work-records/{href}"))
            .await;
        assert_has_all(
            &detail,
            &["参训情况（共 15 人）", "乌恰县财政局", "签到表.xlsx"],
        );
        // Sent as stored, piece by piece, with its length: never compressed on the way, even
        // to a browser that accepts gzip (a stored file is not squeezed twice, nor cut short).
        let file = must(
            office
                .c
                .get(format!("{}/admin/work-records/{href}/file", office.base))
                .header("accept-encoding", "gzip")
                .send()
                .await,
        );
        assert_eq!(file.status(), StatusCode::OK);
        assert!(
            file.headers().get("content-encoding").is_none(),
            "{engine:?}"
        );
        assert_eq!(
            crate::support::header(&file, "content-length"),
            sheet.len().to_string()
        );
        assert_eq!(must(file.bytes().await).as_ref(), sheet.as_slice());
        // Another year is empty; the entries are audited.
        assert!(
            office
                .get_text("/admin/work-records?year=2025")
                .await
                .contains("本年度尚无台账")
        );
        let entries = must(gongkai_store::audit::recent(&app.store, 50, None).await);
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "work_record.create")
                .count(),
            2,
            "{engine:?}"
        );
    }
}
