//! Applications for disclosure (依申请公开) in the states the workbench and the status page show.

use chrono::{Duration, Utc};
use gongkai_domain::application::{ApplicantKind, ClockEvent, DeliveryForm, Outcome};
use gongkai_domain::time::beijing_date;
use gongkai_store::Store;
use gongkai_store::applications::{self, NewApplication};

use super::{org, user};
use crate::CliError;

/// A few applications for disclosure in different states, so the workbench and the status page
/// show something: new, registered, waiting for correction, answered, and one overdue.
pub async fn load(store: &Store) -> Result<usize, CliError> {
    let office = org(store, "WQX002").await?;
    let finance = org(store, "WQX004").await?;
    let handler = user("demo-handler");
    let cases: [(&str, i64, &str, i64); 5] = [
        (
            "申请公开2025年乌恰县政府常务会议研究决定的重大事项清单",
            office.id,
            "new",
            0,
        ),
        (
            "申请公开乌恰县2026年城乡居民最低生活保障标准调整文件",
            office.id,
            "registered",
            3,
        ),
        (
            "申请公开某乡镇2025年涉农补贴发放名单（不含个人身份信息）",
            office.id,
            "correction",
            5,
        ),
        (
            "申请公开乌恰县财政局2025年部门决算",
            finance.id,
            "replied",
            12,
        ),
        (
            "申请公开乌恰县2025年政府集中采购项目目录",
            office.id,
            "overdue",
            40,
        ),
    ];
    for (i, (description, org_id, state, days_ago)) in cases.into_iter().enumerate() {
        // Even cases come from a person, odd ones from a company.
        let (applicant_kind, name, id_number, credit_code, contact_person) = if i % 2 == 0 {
            (
                ApplicantKind::Natural,
                "演示申请人",
                "11010519491231002X",
                "",
                "",
            )
        } else {
            (
                ApplicantKind::Commercial,
                "乌恰县演示商贸有限公司",
                "",
                "91350100M000100Y43",
                "王某",
            )
        };
        let new = NewApplication {
            submission_key: format!("demo-application-{i}"),
            org_id,
            applicant_kind,
            name: name.into(),
            id_number: id_number.into(),
            credit_code: credit_code.into(),
            contact_person: contact_person.into(),
            phone: "13900000000".into(),
            email: String::new(),
            address: String::new(),
            postcode: String::new(),
            description: description.into(),
            doc_hint: String::new(),
            delivery: DeliveryForm::Download,
            secret: "demo-chaxun".into(),
            files: Vec::new(),
        };
        let received = Utc::now() - Duration::days(days_ago);
        let receipt = applications::submit(store, &new, received, "").await?;
        let app = applications::by_tracking_code(store, &receipt.tracking_code).await?;
        let received_on = beijing_date(received);
        if state == "new" {
            continue;
        }
        applications::record_event(
            store,
            &handler,
            app.id,
            &ClockEvent::Registered { on: received_on },
            None,
        )
        .await?;
        let (event, letter) = match state {
            "correction" => {
                let on = received_on + Duration::days(1);
                let deadline = on + Duration::days(14);
                let what = "请写明所需补贴的项目名称和发放年度";
                let (title, body) = gongkai_web::letters::correction(&app, on, deadline, what);
                let event = ClockEvent::CorrectionRequested {
                    on,
                    deadline,
                    what: what.into(),
                };
                (event, ("correction".to_owned(), title, body))
            }
            "replied" => {
                let on = received_on + Duration::days(7);
                let reviewer =
                    gongkai_store::applications::reviewing_body(store, app.org_id).await?;
                let (title, body) =
                    gongkai_web::letters::reply(&app, Outcome::Disclosed, on, &reviewer);
                let event = ClockEvent::Replied {
                    on,
                    outcome: Outcome::Disclosed,
                };
                (event, ("reply".to_owned(), title, body))
            }
            _ => continue,
        };
        applications::record_event(store, &handler, app.id, &event, Some(letter)).await?;
    }
    Ok(cases.len())
}
