//! Disclosure on application over HTTP, on both engines: the public form and receipt, the
//! status lookup, every clock event and every outcome through the staff workbench, letters,
//! masking and logging of personal data, rate limits, deadlines that follow calendar changes.

use crate::support;

use chrono::{Duration, Utc};
use gongkai_domain::application::Outcome;
use gongkai_store::applications::{self, NewApplication};
use gongkai_store::testing::ENGINES;
use gongkai_store::{Engine, orgs};
use reqwest::StatusCode;
use support::{App, Session, must, spawn_app, spawn_app_with};

const ID: &str = "11010519491231002X";

fn body(description: &str) -> serde_json::Value {
    serde_json::json!({
        "org": "WQX004", "applicant_kind": "natural", "name": "张三", "id_number": ID,
        "phone": "13912345678", "email": "zhangsan@example.com",
        "description": description, "delivery": "email", "secret": "chaxun-123",
    })
}

/// The id of the organisation with `code`.
/// The application form a citizen sends from the page (its `key`): a natural person asks the
/// finance bureau (WQX004) for its budget, by e-mail; `changes` replace fields by name, and a
/// change to `None` leaves the field out.
fn apply_form<'a>(key: &'a str, changes: &[(&str, Option<&'a str>)]) -> Vec<(&'a str, &'a str)> {
    [
        ("submission_key", key),
        ("org", "WQX004"),
        ("applicant_kind", "natural"),
        ("name", "张三"),
        ("id_number", ID),
        ("phone", "13912345678"),
        ("email", "zhangsan@example.com"),
        ("description", "申请公开2025年乌恰县财政局部门预算执行情况"),
        ("delivery", "email"),
        ("secret", "chaxun-123"),
        ("secret_again", "chaxun-123"),
    ]
    .into_iter()
    .filter_map(
        |(name, value)| match changes.iter().find(|(changed, _)| *changed == name) {
            Some((_, changed)) => changed.map(|v| (name, v)),
            None => Some((name, value)),
        },
    )
    .collect()
}

async fn org_id(app: &App, code: &str) -> i64 {
    must(orgs::by_code(&app.store, &must(gongkai_domain::org::OrgCode::parse(code))).await).id
}

/// How many applications are stored for the organisation with `code`, closed ones included.
async fn applications_of(app: &App, code: &str) -> usize {
    let id = org_id(app, code).await;
    must(applications::list_for_orgs(&app.store, &[id], true).await).len()
}

/// Stores an application directly (the HTTP form is rate-limited per address).
async fn stored(app: &App, description: &str, received_days_ago: i64) -> (i64, String) {
    stored_at(
        app,
        description,
        Utc::now() - Duration::days(received_days_ago),
    )
    .await
}

/// Stores an application received at `at`.
async fn stored_at(app: &App, description: &str, at: chrono::DateTime<Utc>) -> (i64, String) {
    let new = NewApplication {
        id_number: ID.into(),
        ..gongkai_store::testing::application(org_id(app, "WQX004").await, description)
    };
    let r = must(applications::submit(&app.store, &new, at, "10.0.0.9").await);
    let a = must(applications::by_tracking_code(&app.store, &r.tracking_code).await);
    (a.id, r.tracking_code)
}

/// A receipt time one day before the latest working day up to today (Beijing time), so that a
/// working day lies between receipt and today: a correction received today then restarts the
/// clock later than the receipt did, on any day of the week and in any holiday.
async fn received_the_day_before_a_working_day(app: &App) -> chrono::DateTime<Utc> {
    let calendar = must(gongkai_store::calendar::load(&app.store).await);
    let mut day = Utc::now();
    for _ in 0..30 {
        if must(calendar.is_working_day(gongkai_domain::time::beijing_date(day), None)) {
            return day - Duration::days(1);
        }
        day -= Duration::days(1);
    }
    panic!("no working day in the 30 days up to today")
}

async fn act(s: &Session, id: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    s.post(&format!("/admin/applications/{id}/events"), fields)
        .await
}

async fn received_on(app: &App, id: i64) -> chrono::NaiveDate {
    let a = must(applications::get(&app.store, id).await);
    a.received_on
}

async fn status_of(app: &App, id: i64) -> (String, String, Option<String>) {
    let a = must(applications::get(&app.store, id).await);
    (
        a.status.code().to_owned(),
        a.outcome.map_or_else(String::new, |o| o.code().to_owned()),
        a.due_on.map(|d| d.to_string()),
    )
}

#[tokio::test]
async fn public_forms_are_bounded_in_fields_total_text_and_control_characters() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let citizen = Session::anonymous(&app).await;
        let before = applications_of(&app, "WQX004").await;
        // Many small fields: refused once the count is passed.
        let names: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
        let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
        let r = citizen.post_multipart("/ysqgk/apply", &many, vec![]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("提交的项目过多"));
        // Fields each under the per-field cap that add up past the form's total.
        let chunk = "说".repeat(20 * 1024);
        let big: Vec<(&str, &str)> = names[..6]
            .iter()
            .map(|n| (n.as_str(), chunk.as_str()))
            .collect();
        let r = citizen.post_multipart("/ysqgk/apply", &big, vec![]).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(must(r.text().await).contains("合计过长"));
        // A NUL in a multipart text field is refused as in every other form.
        let key = citizen.field_from("/ysqgk/apply", "submission_key").await;
        let fields = apply_form(&key, &[("name", Some("张\u{0}三")), ("email", None)]);
        let r = citizen
            .post_multipart("/ysqgk/apply", &fields, vec![])
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("控制字符"));
        assert_eq!(applications_of(&app, "WQX004").await, before);
    }
}

#[tokio::test]
async fn a_citizen_applies_gets_a_receipt_and_follows_the_status() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let citizen = Session::anonymous(&app).await;
        let key = citizen.field_from("/ysqgk/apply", "submission_key").await;
        let fields = apply_form(&key, &[]);
        let proof = gongkai_content::fixtures::pdf();
        let r = citizen
            .post_multipart(
                "/ysqgk/apply",
                &fields,
                vec![("proof", "身份证\u{202E}fdp.exe.pdf", proof)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let html = must(r.text().await);
        let code = support::code_in(&html);
        assert!(
            code.starts_with("YS") && html.contains("答复期限"),
            "{html}"
        );
        // The receipt explains how its due date was computed.
        assert!(
            html.contains("<summary>期限是如何计算的</summary>")
                && html.contains("收到申请：")
                && html.contains("期限：20 个工作日。"),
            "{html}"
        );
        let stored_app = must(applications::by_tracking_code(&app.store, &code).await);
        let proof = must(applications::files(&app.store, stored_app.id).await);
        assert_eq!(
            proof
                .iter()
                .map(|f| f.file_name.as_str())
                .collect::<Vec<_>>(),
            ["身份证fdp.exe.pdf"],
            "the right-to-left override is gone from the stored name"
        );
        let handler = Session::login(&app, "admin").await;
        let detail = handler
            .get_text(&format!("/admin/applications/{}", stored_app.id))
            .await;
        assert!(detail.contains("身份证fdp.exe.pdf") && !detail.contains('\u{202E}'));
        let file = handler
            .get(&format!(
                "/admin/applications/{}/files/{}",
                stored_app.id, proof[0].id
            ))
            .await;
        assert_eq!(file.status(), StatusCode::OK);
        assert!(must(file.bytes().await).starts_with(b"%PDF"));
        // Submitting the same form again returns the same receipt, nothing doubled.
        let again = must(
            citizen
                .post_multipart("/ysqgk/apply", &fields, vec![])
                .await
                .text()
                .await,
        );
        assert!(again.contains(&code) && again.contains("此前已经提交"));

        // Bad input: refused clearly, nothing stored.
        let before = must(
            applications::list_for_orgs(
                &app.store,
                &[must(applications::by_tracking_code(&app.store, &code).await).org_id],
                true,
            )
            .await,
        )
        .len();
        let mut bad = fields.to_vec();
        bad[0] = ("submission_key", "");
        bad[4] = ("id_number", "110105194912310021");
        bad[1] = ("org", "NOPE");
        let r = citizen
            .post_multipart(
                "/ysqgk/apply",
                &bad,
                vec![("proof", "证明.pdf", gongkai_content::fixtures::exe())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = must(r.text().await);
        support::assert_has_all(
            &html,
            &["身份证号码不正确", "请选择受理机关", "申请公开2025年"],
        );
        support::assert_lacks(&html, "chaxun-123", "the secret is not echoed back");
        let after = must(
            applications::list_for_orgs(
                &app.store,
                &[must(applications::by_tracking_code(&app.store, &code).await).org_id],
                true,
            )
            .await,
        )
        .len();
        assert_eq!(before, after);

        // Status: right secret shows it; a wrong secret and an unknown code get the same answer.
        let r = citizen
            .post(
                "/ysqgk/status",
                &[("tracking_code", &code), ("secret", "chaxun-123")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = must(r.text().await);
        assert!(
            page.contains(&code) && page.contains("已收到") && !page.contains(ID),
            "{page}"
        );
        let due = stored_app.due_on.map(|d| d.to_string()).unwrap_or_default();
        assert!(
            page.contains("<summary>期限是如何计算的</summary>")
                && page.contains(&format!("答复期限：{due}")),
            "the status page explains the deadline: {page}"
        );
        let wrong = citizen
            .post(
                "/ysqgk/status",
                &[("tracking_code", &code), ("secret", "wrong-secret")],
            )
            .await;
        let unknown = citizen
            .post(
                "/ysqgk/status",
                &[("tracking_code", "YSNOSUCH1"), ("secret", "chaxun-123")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let (w, u) = (must(wrong.text().await), must(unknown.text().await));
        assert!(w.contains("查询码或查询密码不正确") && u.contains("查询码或查询密码不正确"));

        // The JSON API answers 201 with the receipt.
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/v1/applications", app.base))
                .json(&body("申请公开乌恰县2025年低保资金发放情况"))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::CREATED);
        let json: serde_json::Value = must(r.json().await);
        assert!(
            json["tracking_code"]
                .as_str()
                .is_some_and(|c| c.starts_with("YS"))
        );
        assert!(json["due_on"].as_str().is_some());
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/v1/applications", app.base))
                .json(&serde_json::json!({"org": "WQX004"}))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let json: serde_json::Value = must(r.json().await);
        assert!(json["error"]["fields"]["name"].is_string());
    }
}

#[tokio::test]
async fn every_clock_event_and_every_outcome_through_the_workbench() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let handler = Session::login(&app, "handler").await;
        let office = Session::login(&app, "office").await;

        // 补正: asked once, the clock restarts from the corrected application.
        let (a, _) = stored_at(
            &app,
            "申请公开某项目批复文件",
            received_the_day_before_a_working_day(&app).await,
        )
        .await;
        assert_eq!(
            act(&handler, a, &[("kind", "reply"), ("outcome", "1")])
                .await
                .status(),
            StatusCode::CONFLICT,
            "register first"
        );
        assert_eq!(
            act(&handler, a, &[("kind", "register")]).await.status(),
            StatusCode::SEE_OTHER
        );
        let due_before = status_of(&app, a).await.2;
        assert_eq!(
            act(
                &handler,
                a,
                &[("kind", "correction"), ("what", "请写明项目名称和年份")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, a).await.0, "awaiting_correction");
        assert_eq!(
            status_of(&app, a).await.2,
            None,
            "the clock stands still while waiting"
        );
        assert_eq!(
            act(&handler, a, &[("kind", "correction_received")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let due_after = status_of(&app, a).await.2;
        assert!(due_after > due_before, "{due_before:?} → {due_after:?}");
        let r = act(&handler, a, &[("kind", "correction"), ("what", "再次补正")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("补正只能要求一次"));
        assert_eq!(
            act(&handler, a, &[("kind", "reply"), ("outcome", "1")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, a).await.0, "replied");
        let letters = must(applications::letters(&app.store, a).await);
        assert_eq!(
            letters.iter().map(|l| l.kind.as_str()).collect::<Vec<_>>(),
            ["correction", "reply"]
        );
        assert!(
            letters[1].body.contains("行政复议")
                && letters[1].body.contains("行政诉讼")
                && letters[1].body.contains("第三十六条")
        );

        // 补正 too late: more than 7 working days after receipt.
        let (late, _) = stored(&app, "申请公开某会议纪要", 20).await;
        act(&handler, late, &[("kind", "register")]).await;
        let r = act(
            &handler,
            late,
            &[("kind", "correction"), ("what", "写明文号")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("7 个工作日内"));

        // No correction in time → （六）1, but only once the correction period has passed.
        let (b, _) = stored(&app, "申请公开某文件", 30).await;
        let recv = received_on(&app, b).await;
        let deadline = (recv + Duration::days(3)).to_string();
        act(
            &handler,
            b,
            &[("kind", "register"), ("on", &recv.to_string())],
        )
        .await;
        act(
            &handler,
            b,
            &[
                ("kind", "correction"),
                ("what", "写明文号"),
                ("on", &recv.to_string()),
                ("deadline", &deadline),
            ],
        )
        .await;
        let r = act(
            &handler,
            b,
            &[("kind", "reply"), ("outcome", "6-1"), ("on", &deadline)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("期限届满前不能以“逾期不补正”办结"));
        // A step cannot be dated in the future to get past a deadline.
        let tomorrow =
            (gongkai_domain::time::beijing_date(Utc::now()) + Duration::days(1)).to_string();
        let r = act(
            &handler,
            b,
            &[("kind", "reply"), ("outcome", "6-1"), ("on", &tomorrow)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("晚于今天"));
        assert_eq!(
            act(&handler, b, &[("kind", "reply"), ("outcome", "6-1")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, b).await.1, "6-1");

        // （四）3 only after a correction was asked for and received.
        let (u, _) = stored(&app, "申请公开某些东西", 1).await;
        act(&handler, u, &[("kind", "register")]).await;
        let r = act(&handler, u, &[("kind", "reply"), ("outcome", "4-3")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("收到补正后答复"));
        act(&handler, u, &[("kind", "correction"), ("what", "写明名称")]).await;
        assert_eq!(
            act(&handler, u, &[("kind", "reply"), ("outcome", "4-3")])
                .await
                .status(),
            StatusCode::CONFLICT,
            "not before the correction arrives"
        );
        act(&handler, u, &[("kind", "correction_received")]).await;
        assert_eq!(
            act(&handler, u, &[("kind", "reply"), ("outcome", "4-3")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        // A third party that stays silent past its 15 working days no longer holds the
        // application: the page says so and the office replies without an answer.
        let (t, _) = stored(&app, "申请公开某企业的环评材料", 40).await;
        let recv = received_on(&app, t).await;
        let sent = recv + Duration::days(1);
        act(
            &handler,
            t,
            &[("kind", "register"), ("on", &recv.to_string())],
        )
        .await;
        act(
            &handler,
            t,
            &[
                ("kind", "third_party"),
                ("party", "某某有限公司"),
                ("on", &sent.to_string()),
            ],
        )
        .await;
        let cal = must(gongkai_store::calendar::load(&app.store).await);
        let until = must(cal.due_date(sent, 15, None)).to_string();
        let page = handler.get_text(&format!("/admin/applications/{t}")).await;
        assert!(
            page.contains(&format!("对方应于 <strong>{until}</strong> 前提出意见"))
                && page.contains("第三方逾期未提出意见"),
            "{page}"
        );
        assert!(status_of(&app, t).await.2.is_some(), "the clock runs again");
        assert_eq!(
            act(&handler, t, &[("kind", "reply"), ("outcome", "1")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        // Consultations stop the clock and resume it.
        let (c, _) = stored(&app, "申请公开某企业的行政许可材料", 1).await;
        act(&handler, c, &[("kind", "register")]).await;
        assert_eq!(
            act(
                &handler,
                c,
                &[("kind", "third_party"), ("party", "某某有限公司")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, c).await.0, "consulting");
        assert_eq!(
            act(&handler, c, &[("kind", "agency_answered")])
                .await
                .status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            act(&handler, c, &[("kind", "third_party_answered")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(
                &handler,
                c,
                &[("kind", "agency"), ("party", "乌恰县人民政府办公室")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let paused = status_of(&app, c).await.2;
        assert!(
            paused.is_some(),
            "agency silence ends the pause by itself, so a due date shows"
        );
        assert_eq!(
            act(&handler, c, &[("kind", "agency_answered")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(&handler, c, &[("kind", "reply"), ("outcome", "3-4")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        // Extension: only the head of the office; at most 20 working days in all.
        let (d, _) = stored(&app, "申请公开某年度统计资料", 1).await;
        act(&handler, d, &[("kind", "register")]).await;
        assert_eq!(
            act(
                &handler,
                d,
                &[
                    ("kind", "extend"),
                    ("days", "10"),
                    ("reason", "需要调取档案")
                ]
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
        let before = status_of(&app, d).await.2;
        assert_eq!(
            act(
                &office,
                d,
                &[
                    ("kind", "extend"),
                    ("days", "15"),
                    ("reason", "需要调取档案")
                ]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert!(status_of(&app, d).await.2 > before);
        let r = act(
            &office,
            d,
            &[("kind", "extend"), ("days", "6"), ("reason", "仍需时间")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("最长不得超过 20 个工作日"));
        assert!(
            must(applications::letters(&app.store, d).await)
                .iter()
                .any(|l| l.title.contains("延期答复告知书"))
        );
        let page = handler.get_text(&format!("/admin/applications/{d}")).await;
        assert!(
            page.contains("期限是如何计算的") && page.contains("延长"),
            "explained"
        );

        // Fees: by volume 150 pages = 1,700 元; paid → answered; unpaid → （六）2.
        let (e, _) = stored(&app, "申请复制全部档案", 1).await;
        act(&handler, e, &[("kind", "register")]).await;
        assert_eq!(
            act(
                &handler,
                e,
                &[("kind", "fee"), ("fee_by", "volume"), ("pages", "150")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        let fee_letter = must(applications::letters(&app.store, e).await)
            .pop()
            .map(|l| l.body)
            .unwrap_or_default();
        assert!(fee_letter.contains("1700 元"), "{fee_letter}");
        assert_eq!(
            act(&handler, e, &[("kind", "fee_paid")]).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(&handler, e, &[("kind", "reply"), ("outcome", "2")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let (f, _) = stored(&app, "申请复制全部档案二", 40).await;
        let recv = received_on(&app, f).await;
        act(
            &handler,
            f,
            &[("kind", "register"), ("on", &recv.to_string())],
        )
        .await;
        act(
            &handler,
            f,
            &[
                ("kind", "fee"),
                ("fee_by", "volume"),
                ("pages", "40"),
                ("on", &recv.to_string()),
            ],
        )
        .await;
        let r = act(
            &handler,
            f,
            &[
                ("kind", "reply"),
                ("outcome", "6-2"),
                ("on", &(recv + Duration::days(1)).to_string()),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("期限届满前不能以“逾期未缴费”办结"));
        assert_eq!(
            act(&handler, f, &[("kind", "reply"), ("outcome", "6-2")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        // Transfer: answered here, forwarded to the responsible organisation.
        let (g, code) = stored(&app, "申请公开县政府常务会议决定", 1).await;
        act(&handler, g, &[("kind", "register")]).await;
        assert_eq!(
            act(&handler, g, &[("kind", "transfer"), ("to", "WQX001")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            status_of(&app, g).await,
            ("replied".into(), "4-1".into(), status_of(&app, g).await.2)
        );
        let county = org_id(&app, "WQX001").await;
        let forwarded = must(applications::list_for_orgs(&app.store, &[county], true).await);
        assert_eq!(forwarded.len(), 1);
        assert_ne!(forwarded[0].tracking_code, code);

        // Every other outcome, exactly as the annual report counts them.
        for outcome in Outcome::ALL
            .iter()
            .filter(|o| !matches!(o.code(), "4-3" | "6-1" | "6-2"))
        {
            let (h, _) = stored(&app, &format!("结果测试 {}", outcome.code()), 1).await;
            act(&handler, h, &[("kind", "register")]).await;
            let r = act(
                &handler,
                h,
                &[("kind", "reply"), ("outcome", outcome.code())],
            )
            .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", outcome.label());
            let (status, code, _) = status_of(&app, h).await;
            assert_eq!(
                (status.as_str(), code.as_str()),
                ("replied", outcome.code())
            );
            let letter = must(applications::letters(&app.store, h).await)
                .pop()
                .map(|l| l.body)
                .unwrap_or_default();
            assert!(letter.contains(outcome.legal_ground()), "{letter}");
        }

        // Every step is audited and the chain holds.
        let entries = must(gongkai_store::audit::recent(&app.store, 1000, None).await);
        assert!(
            entries
                .iter()
                .filter(|e| e.action == "application.event")
                .count()
                >= 40
        );
        assert!(matches!(
            must(gongkai_store::audit::verify(&app.store).await),
            gongkai_store::audit::Verification::Intact(_)
        ));
    }
}

#[tokio::test]
async fn staff_lists_mask_personal_data_mark_deadlines_and_log_access() {
    let app = spawn_app(Engine::Sqlite, 1024 * 1024).await;
    let (overdue, _) = stored(&app, "早就该答复的申请", 40).await;
    let (_fresh, _) = stored(&app, "刚收到的申请", 0).await;
    let handler = Session::login(&app, "handler").await;
    let list = handler.get_text("/admin/applications").await;
    assert!(
        list.contains("110***********002X") && !list.contains(ID),
        "masked in lists"
    );
    assert!(list.contains("已超期"), "{list}");
    let before = must(gongkai_store::audit::recent(&app.store, 100, None).await)
        .iter()
        .filter(|e| e.action == "application.view")
        .count();
    let detail = handler
        .get_text(&format!("/admin/applications/{overdue}"))
        .await;
    assert!(detail.contains(ID), "the handler sees the full number");
    let after = must(gongkai_store::audit::recent(&app.store, 100, None).await)
        .iter()
        .filter(|e| e.action == "application.view")
        .count();
    assert_eq!(after, before + 1, "access to personal data is logged");
    // An editor cannot open the workbench.
    let editor = Session::login(&app, "editor").await;
    assert_eq!(
        editor.get("/admin/applications").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn bursts_and_guessing_are_throttled_with_clear_messages() {
    let app = spawn_app(Engine::Sqlite, 1024 * 1024).await;
    let c = reqwest::Client::new();
    let mut created = 0;
    let mut limited = 0;
    for i in 0..30 {
        let r = must(
            c.post(format!("{}/api/v1/applications", app.base))
                .json(&body(&format!("申请公开第 {i} 份文件的内容")))
                .send()
                .await,
        );
        match r.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                let json: serde_json::Value = must(r.json().await);
                assert!(
                    json["error"]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("一小时内最多")
                );
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!((created, limited), (20, 10));
    let citizen = Session::anonymous(&app).await;
    for _ in 0..10 {
        let r = citizen
            .post(
                "/ysqgk/status",
                &[("tracking_code", "YSGUESS01"), ("secret", "nope-nope")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let r = citizen
        .post(
            "/ysqgk/status",
            &[("tracking_code", "YSGUESS01"), ("secret", "nope-nope")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(must(r.text().await).contains("查询失败次数过多"));
}

#[tokio::test]
async fn a_regional_holiday_moves_open_deadlines_and_is_audited() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let admin = Session::login(&app, "admin").await;
        let (id, _) = stored(&app, "申请公开某事项", 0).await;
        let before = status_of(&app, id).await.2.unwrap_or_default();
        let due = must(chrono::NaiveDate::parse_from_str(&before, "%Y-%m-%d"));
        let yesterday = due - Duration::days(1);
        let holiday = if chrono::Datelike::weekday(&yesterday).number_from_monday() <= 5 {
            yesterday
        } else {
            due
        };
        // A region without calendar data cannot be chosen: its holidays would silently vanish.
        let r = admin
            .post(
                "/admin/calendar/region",
                &[("site", "WQX001"), ("region", "XJ")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("没有地区“XJ”的节假日数据"));
        // The office imports Xinjiang's days in the back office (this year and next).
        let this_year = chrono::Datelike::year(&gongkai_domain::time::beijing_date(Utc::now()));
        for y in [this_year, this_year + 1] {
            let days = if chrono::Datelike::year(&holiday) == y {
                format!("[{{\"name\": \"古尔邦节\", \"date\": \"{holiday}\", \"isOffDay\": true}}]")
            } else {
                "[]".to_owned()
            };
            let json = format!("{{\"year\": {y}, \"days\": {days}}}");
            let r = admin
                .post("/admin/calendar", &[("region", "XJ"), ("json", &json)])
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        assert_eq!(
            status_of(&app, id).await.2.unwrap_or_default(),
            before,
            "no region chosen yet: national days only"
        );
        // Choosing the site's region moves the open deadline, audited.
        let r = admin
            .post(
                "/admin/calendar/region",
                &[("site", "WQX001"), ("region", "xj")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let after = status_of(&app, id).await.2.unwrap_or_default();
        assert!(after > before, "{before} → {after}");
        let page = admin.get_text("/admin/calendar").await;
        assert!(
            page.contains("<option value=\"XJ\" selected>"),
            "the page shows the site's region"
        );
        let entries = must(gongkai_store::audit::recent(&app.store, 20, None).await);
        assert!(entries.iter().any(|e| e.action == "calendar.import"));
        assert!(
            entries
                .iter()
                .any(|e| e.action == "setting.set" && e.object_id == "region.WQX001")
        );
        assert!(
            entries
                .iter()
                .any(|e| e.action == "application.recompute_due" && e.detail.contains(&after))
        );
        let detail = admin.get_text(&format!("/admin/applications/{id}")).await;
        assert!(
            detail.contains("古尔邦节放假（地方节假日，XJ）"),
            "{detail}"
        );
        // With the region chosen, importing more of its days in the back office moves the
        // deadline again (the import recomputes open deadlines).
        let earlier = holiday - Duration::days(7);
        if chrono::Datelike::year(&earlier) == chrono::Datelike::year(&holiday) {
            let json = format!(
                "{{\"year\": {}, \"days\": [{{\"name\": \"肉孜节\", \"date\": \"{earlier}\", \"isOffDay\": true}}, {{\"name\": \"古尔邦节\", \"date\": \"{holiday}\", \"isOffDay\": true}}]}}",
                chrono::Datelike::year(&holiday)
            );
            let r = admin
                .post("/admin/calendar", &[("region", "XJ"), ("json", &json)])
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            let again = status_of(&app, id).await.2.unwrap_or_default();
            assert!(again > after, "{after} → {again}");
        }
        // Clearing it brings the national deadline back.
        let r = admin
            .post(
                "/admin/calendar/region",
                &[("site", "WQX001"), ("region", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&app, id).await.2.unwrap_or_default(), before);
        // A department is not a site.
        let r = admin
            .post(
                "/admin/calendar/region",
                &[("site", "WQX004"), ("region", "XJ")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn repeated_requests_become_a_proactive_draft_and_letters_download_as_pdf() {
    let app = spawn_app(Engine::Sqlite, 1024 * 1024).await;
    let (first, _) = stored(&app, "申请公开2025年乌恰县财政局部门预算执行情况", 3).await;
    let (_second, _) = stored(&app, "请公开乌恰县财政局2025年部门预算执行情况", 2).await;
    let handler = Session::login(&app, "handler").await;
    let page = handler
        .get_text(&format!("/admin/applications/{first}"))
        .await;
    assert!(page.contains("相似申请"), "{page}");
    let r = handler
        .post(&format!("/admin/applications/{first}/proactive"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let a = must(applications::get(&app.store, first).await);
    let record = must(
        gongkai_store::records::get(&app.store, a.proactive_record_id.unwrap_or_default()).await,
    );
    assert_eq!(record.status.code(), "draft");
    assert!(record.body_text.contains("第四十四条"));

    act(&handler, first, &[("kind", "register")]).await;
    act(&handler, first, &[("kind", "reply"), ("outcome", "1")]).await;
    let letter = must(applications::letters(&app.store, first).await)
        .pop()
        .map(|l| l.id)
        .unwrap_or_default();
    let r = handler
        .get(&format!("/admin/applications/{first}/letters/{letter}.pdf"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a CJK font is installed by scripts/test"
    );
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(must(r.bytes().await).starts_with(b"%PDF"));
}

#[tokio::test]
async fn an_administrator_adds_calendar_data_in_the_back_office() {
    let app = spawn_app(Engine::Sqlite, 1024 * 1024).await;
    let admin = Session::login(&app, "admin").await;
    let page = admin.get_text("/admin/calendar").await;
    assert!(
        page.contains("内置全国节假日安排：2007 年至 2027 年"),
        "{page}"
    );
    let r = admin
        .post(
            "/admin/calendar",
            &[("region", "XJ"), ("json", r#"{"year": 2026, "days": [{"name": "肉孜节", "date": "2026-03-20", "isOffDay": true}]}"#)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(admin.get_text("/admin/calendar").await.contains("地区 XJ"));
    let r = admin
        .post(
            "/admin/calendar",
            &[("json", "{\"year\": 2026, \"days\": [}")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = must(r.text().await);
    assert!(
        html.contains("imp-error") && html.contains("2026"),
        "the form keeps what was typed"
    );
    let handler = Session::login(&app, "handler").await;
    assert_eq!(
        handler.get("/admin/calendar").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_concurrent_burst_from_one_address_never_passes_the_limit() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let c = reqwest::Client::new();
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let c = c.clone();
                let url = format!("{}/api/v1/applications", app.base);
                tokio::spawn(async move {
                    let r = must(
                        c.post(url)
                            .json(&body(&format!("申请公开第 {i} 份文件的内容")))
                            .send()
                            .await,
                    );
                    let status = r.status();
                    let json: serde_json::Value = must(r.json().await);
                    (status, json)
                })
            })
            .collect();
        let (mut created, mut limited) = (0, 0);
        for t in tasks {
            let (status, json) = must(t.await);
            match status {
                StatusCode::CREATED => created += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    limited += 1;
                    assert!(
                        json["error"]["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("一小时内最多提交 20 件申请")),
                        "{json}"
                    );
                }
                s => panic!("{engine:?}: unexpected {s}: {json}"),
            }
        }
        assert_eq!((created, limited), (20, 80), "{engine:?}");
        assert_eq!(applications_of(&app, "WQX004").await, 20);
    }
}

#[tokio::test]
async fn oversized_text_is_refused_with_a_clear_message_and_nothing_is_stored() {
    for engine in ENGINES {
        // The production upload limit (50 MB), so the 20 MB field reaches the form reader.
        let app = spawn_app(engine, 50 * 1024 * 1024).await;
        let huge = "申".repeat(7 * 1024 * 1024); // 21 MB of UTF-8

        // The form: refused, with the proof file not written either.
        let citizen = Session::anonymous(&app).await;
        let key = citizen.field_from("/ysqgk/apply", "submission_key").await;
        let fields = apply_form(&key, &[("description", Some(huge.as_str()))]);
        let r = citizen
            .post_multipart(
                "/ysqgk/apply",
                &fields,
                vec![("proof", "身份证.pdf", gongkai_content::fixtures::pdf())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{engine:?}");
        assert!(must(r.text().await).contains("填写的内容过长"));
        assert_eq!(applications_of(&app, "WQX004").await, 0);
        let sha = gongkai_store::blobs::sha256_hex(&gongkai_content::fixtures::pdf());
        let blob = gongkai_store::blobs::path(&app.db.dir, &sha);
        let held = || async {
            blob.exists() || must(gongkai_store::blobs::held_in_database(&app.store, &sha).await)
        };
        assert!(!held().await, "no proof file left behind");
        // A form refused for its fields leaves no file behind either.
        let bad = apply_form(&key, &[("description", Some("短"))]);
        let r = citizen
            .post_multipart(
                "/ysqgk/apply",
                &bad,
                vec![("proof", "身份证.pdf", gongkai_content::fixtures::pdf())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(!held().await, "no proof file left behind");
        // The API: refused before it is read in full.
        let mut json = body("x");
        json["description"] = serde_json::Value::String(huge.clone());
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/v1/applications", app.base))
                .json(&json)
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let answer: serde_json::Value = must(r.json().await);
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("提交的内容过大")),
            "{answer}"
        );
        assert_eq!(applications_of(&app, "WQX004").await, 0);
        let entries = must(gongkai_store::audit::recent(&app.store, 50, None).await);
        assert!(!entries.iter().any(|e| e.action == "application.submit"));
    }
}

#[tokio::test]
async fn fees_by_piece_count_the_applicants_month_and_wait_for_payment() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let handler = Session::login(&app, "handler").await;
        let mut ids = Vec::new();
        for i in 1..=11 {
            ids.push(stored(&app, &format!("本月第 {i} 件申请的内容"), 0).await.0);
        }
        // The tenth of the month is free: no fee notice can be sent.
        let tenth = ids[9];
        act(&handler, tenth, &[("kind", "register")]).await;
        let r = act(&handler, tenth, &[("kind", "fee"), ("fee_by", "piece")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        assert!(must(r.text().await).contains("按规定不收费"));
        // The eleventh costs 100 元, with a stored payment deadline in the letter.
        let eleventh = ids[10];
        act(&handler, eleventh, &[("kind", "register")]).await;
        let page = handler
            .get_text(&format!("/admin/applications/{eleventh}"))
            .await;
        assert!(page.contains("本月第 11 件，100 元"), "{page}");
        let r = act(&handler, eleventh, &[("kind", "fee"), ("fee_by", "piece")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&app, eleventh).await.0, "awaiting_fee");
        assert_eq!(status_of(&app, eleventh).await.2, None, "paused");
        let events = must(applications::events(&app.store, eleventh).await);
        let pay_by = events.iter().find_map(|e| match &e.event {
            gongkai_domain::application::ClockEvent::FeeNotice { pay_by, amount_yuan, .. } => {
                assert_eq!(*amount_yuan, 100);
                *pay_by
            }
            _ => None,
        });
        let cal = must(gongkai_store::calendar::load(&app.store).await);
        let today = gongkai_domain::time::beijing_date(Utc::now());
        assert_eq!(pay_by, Some(must(cal.due_date(today, 20, None))));
        let letter = must(applications::letters(&app.store, eleventh).await)
            .pop()
            .map(|l| l.body)
            .unwrap_or_default();
        let pay_by = pay_by.unwrap_or_default();
        assert!(
            letter.contains("100 元")
                && letter.contains("本月第 11 件")
                && letter.contains(&format!(
                    "{}年{}月{}日前缴纳",
                    chrono::Datelike::year(&pay_by),
                    chrono::Datelike::month(&pay_by),
                    chrono::Datelike::day(&pay_by)
                )),
            "{letter}"
        );
        let page = handler
            .get_text(&format!("/admin/applications/{eleventh}"))
            .await;
        assert!(page.contains("等待申请人缴纳信息处理费"), "{page}");
        // Not before the payment deadline.
        let r = act(&handler, eleventh, &[("kind", "reply"), ("outcome", "6-2")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            act(&handler, eleventh, &[("kind", "fee_paid")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, eleventh).await.0, "in_progress");
        assert!(status_of(&app, eleventh).await.2.is_some());
        // The annual report's section 六 draft reads the fee paid this year.
        // Paid today (Beijing date).
        let year = chrono::Datelike::year(&gongkai_domain::time::beijing_date(Utc::now()));
        let finance = org_id(&app, "WQX004").await;
        let paid = must(gongkai_store::reports::fees_collected(&app.store, &[finance], year).await);
        assert_eq!(paid, 100, "{engine:?}");
    }
}

#[tokio::test]
async fn the_queue_sorts_by_due_date_on_both_engines_and_marks_near_and_overdue() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let handler = Session::login(&app, "handler").await;
        let cal = must(gongkai_store::calendar::load(&app.store).await);
        let now = Utc::now();
        let today = gongkai_domain::time::beijing_date(now);
        // Received so long ago that 1–3 working days are left.
        let near_days = (15..40)
            .find(|days| {
                let received = gongkai_domain::time::beijing_date(now - Duration::days(*days));
                cal.due_date(received, 20, None)
                    .and_then(|due| cal.working_days_between(today, due, None))
                    .is_ok_and(|left| (1..=3).contains(&left))
            })
            .unwrap_or_else(|| panic!("no near-due day"));
        let (paused, paused_code) = stored(&app, "等待补正的申请", 1).await;
        act(&handler, paused, &[("kind", "register")]).await;
        act(
            &handler,
            paused,
            &[("kind", "correction"), ("what", "写明文号")],
        )
        .await;
        assert_eq!(status_of(&app, paused).await.2, None);
        let (_, fresh) = stored(&app, "刚收到的申请", 0).await;
        let (_, near) = stored(&app, "快到期的申请", near_days).await;
        let (_, overdue) = stored(&app, "早就该答复的申请", 60).await;
        let list = handler.get_text("/admin/applications").await;
        let at = |code: &str| list.find(code).unwrap_or(usize::MAX);
        assert!(
            at(&overdue) < at(&near) && at(&near) < at(&fresh) && at(&fresh) < at(&paused_code),
            "{engine:?}: overdue, near, fresh, then paused: {list}"
        );
        let row = |code: &str| {
            list[at(code)..]
                .split("</tr>")
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        assert!(row(&near).contains("即将到期（剩"), "{}", row(&near));
        assert!(row(&overdue).contains("已超期"), "{}", row(&overdue));
        assert!(
            !row(&fresh).contains("即将到期") && !row(&fresh).contains("已超期"),
            "{}",
            row(&fresh)
        );
        assert!(row(&paused_code).contains("计时中止"));
        // Each open row links to how its deadline was computed.
        assert!(
            row(&paused_code).contains(&format!("/admin/applications/{paused}#clock-title")),
            "{}",
            row(&paused_code)
        );
    }
}

#[tokio::test]
async fn reply_letters_follow_the_offices_templates_and_what_staff_send() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Session::login(&app, "office").await;
        let handler = Session::login(&app, "handler").await;
        let list = office.get_text("/admin/letter-templates").await;
        assert!(
            list.contains("（一）予以公开") && list.contains("内置文本"),
            "{list}"
        );
        assert_eq!(
            handler.get("/admin/letter-templates").await.status(),
            StatusCode::FORBIDDEN
        );
        let edit = office.get_text("/admin/letter-templates/1").await;
        assert!(
            edit.contains("{获取方式}") && edit.contains("{救济途径}"),
            "built-in text and the placeholders: {edit}"
        );
        let r = office
            .post(
                "/admin/letter-templates/1",
                &[("template", "{申请人}：\n\n{不存在}")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("未知的占位符“{不存在}”"));
        let template = "{申请人}：\r\n\r\n经研究，同意公开，特此答复（查询码 {查询码}）。\n\n依据：{法律依据}。\n\n{救济途径}\n\n{机关}\n{日期}";
        let r = office
            .post("/admin/letter-templates/1", &[("template", template)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            office
                .get_text("/admin/letter-templates")
                .await
                .contains("已修改")
        );

        // The next draft follows the edited template, without JavaScript.
        let (id, code) = stored(&app, "申请公开某项目的批复文件", 1).await;
        act(&handler, id, &[("kind", "register")]).await;
        let page = handler
            .get_text(&format!("/admin/applications/{id}?draft=1"))
            .await;
        let expected = format!("李四：\n\n经研究，同意公开，特此答复（查询码 {code}）。");
        assert!(page.contains(&expected), "{page}");
        assert!(page.contains("<option value=\"1\" selected>"));
        // What staff send is what is stored, shown and printed.
        let sent = format!(
            "李四：\n\n经办理人员修改：现将您申请的批复文件随函提供（查询码 {code}）。\n\n依据：{}。\n\n乌恰县财政局\n2026年11月30日",
            Outcome::Disclosed.legal_ground()
        );
        let r = act(
            &handler,
            id,
            &[("kind", "reply"), ("outcome", "1"), ("letter", &sent)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let letter = must(applications::letters(&app.store, id).await)
            .pop()
            .unwrap_or_else(|| panic!("no letter"));
        assert_eq!(letter.body, sent);
        let citizen = Session::anonymous(&app).await;
        let status = citizen
            .post(
                "/ysqgk/status",
                &[("tracking_code", &code), ("secret", "chaxun-123")],
            )
            .await;
        let status = must(status.text().await);
        assert!(
            status.contains("经办理人员修改：现将您申请的批复文件随函提供"),
            "{status}"
        );
        let pdf = citizen
            .get(&format!("/ysqgk/letters/{}.pdf", letter.id))
            .await;
        assert_eq!(pdf.status(), StatusCode::OK);
        let bytes = must(pdf.bytes().await);
        assert!(bytes.starts_with(b"%PDF"));
        let printed = must(gongkai_content::extract_text(
            gongkai_content::FileKind::Pdf,
            &bytes,
        ))
        .split_whitespace()
        .collect::<String>();
        assert!(
            printed.contains("经办理人员修改：现将您申请的批复文件随函提供"),
            "the PDF prints what was sent: {printed}"
        );

        // Back to the built-in text.
        let r = office
            .post(
                "/admin/letter-templates/1",
                &[("template", ""), ("reset", "1")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (other, _) = stored(&app, "申请公开另一份批复文件", 1).await;
        act(&handler, other, &[("kind", "register")]).await;
        let page = handler
            .get_text(&format!("/admin/applications/{other}?draft=1"))
            .await;
        assert!(
            page.contains("本机关予以公开，现按“网站下载”方式提供"),
            "{page}"
        );
        let entries = must(gongkai_store::audit::recent(&app.store, 50, None).await);
        assert!(
            entries
                .iter()
                .any(|e| e.action == "setting.set"
                    && e.object_id == "letter_template.WQX001.reply.1")
        );
    }
}

#[tokio::test]
async fn the_same_form_sent_twice_at_once_is_stored_once() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let key = "ab".repeat(32);
        let mut json = body("申请公开乌恰县2025年低保资金发放情况");
        json["submission_key"] = serde_json::Value::String(key);
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let url = format!("{}/api/v1/applications", app.base);
                let json = json.clone();
                tokio::spawn(async move {
                    let r = must(reqwest::Client::new().post(url).json(&json).send().await);
                    let status = r.status();
                    let answer: serde_json::Value = must(r.json().await);
                    (status, answer)
                })
            })
            .collect();
        let mut codes = Vec::new();
        for t in tasks {
            let (status, answer) = must(t.await);
            assert_eq!(status, StatusCode::CREATED, "{engine:?}: {answer}");
            codes.push(
                answer["tracking_code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        codes.dedup();
        assert_eq!(codes.len(), 1, "one receipt for one form: {codes:?}");
        assert_eq!(applications_of(&app, "WQX004").await, 1);
    }
}

#[tokio::test]
async fn simultaneous_replies_are_judged_one_after_the_other() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let handler = Session::login(&app, "handler").await;
        let (id, _) = stored(&app, "申请公开某项目的批复文件", 1).await;
        act(&handler, id, &[("kind", "register")]).await;
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let c = handler.c.clone();
                let url = format!("{}/admin/applications/{id}/events", handler.base);
                let token = handler.token.clone();
                tokio::spawn(async move {
                    must(
                        c.post(url)
                            .form(&[("kind", "reply"), ("outcome", "1"), ("csrf_token", &token)])
                            .send()
                            .await,
                    )
                    .status()
                })
            })
            .collect();
        let mut answered = 0;
        for t in tasks {
            match must(t.await) {
                StatusCode::SEE_OTHER => answered += 1,
                StatusCode::CONFLICT => {}
                s => panic!("{engine:?}: unexpected {s}"),
            }
        }
        assert_eq!(answered, 1, "{engine:?}");
        let replies = must(applications::events(&app.store, id).await)
            .iter()
            .filter(|e| e.event.label() == "答复")
            .count();
        assert_eq!(replies, 1);
        assert_eq!(must(applications::letters(&app.store, id).await).len(), 1);
    }
}

#[tokio::test]
async fn organisations_apply_and_every_missing_part_is_named() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let api = |json: serde_json::Value| {
            let url = format!("{}/api/v1/applications", app.base);
            async move {
                let r = must(reqwest::Client::new().post(url).json(&json).send().await);
                let status = r.status();
                let answer: serde_json::Value = must(r.json().await);
                (status, answer)
            }
        };
        // The form offers every applicant kind the annual report counts.
        let form = Session::anonymous(&app)
            .await
            .get_text("/ysqgk/apply")
            .await;
        for kind in gongkai_domain::application::ApplicantKind::ALL {
            assert!(form.contains(kind.label()), "{}", kind.label());
        }
        // A company: credit code with its checksum and a contact person.
        let company = serde_json::json!({
            "org": "WQX004", "applicant_kind": "commercial", "name": "乌恰某某贸易有限公司",
            "credit_code": "91350100M000100Y43", "contact_person": "王五",
            "phone": "0908-1234567", "description": "申请公开2025年招商引资优惠政策文件",
            "delivery": "download", "secret": "chaxun-456",
        });
        let (status, answer) = api(company.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{engine:?}: {answer}");
        let code = answer["tracking_code"].as_str().unwrap_or_default();
        let stored = must(applications::by_tracking_code(&app.store, code).await);
        assert_eq!(
            (stored.applicant_kind.code(), stored.credit_code.as_str()),
            ("commercial", "91350100M000100Y43")
        );
        let mut bad = company.clone();
        bad["credit_code"] = "91350100M000100Y44".into();
        bad["contact_person"] = "".into();
        let (status, answer) = api(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let fields = &answer["error"]["fields"];
        assert!(
            fields["credit_code"]
                .as_str()
                .is_some_and(|m| m.contains("校验位"))
                && fields["contact_person"].is_string(),
            "{answer}"
        );
        // Each part of 第二十九条 is named when missing, and the delivery form's own needs.
        let (status, answer) = api(serde_json::json!({
            "org": "WQX004", "applicant_kind": "natural", "name": "张三", "id_number": ID,
            "phone": "12345", "description": "文件", "delivery": "", "secret": "chaxun-123",
        }))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let fields = &answer["error"]["fields"];
        for field in ["phone", "description", "delivery"] {
            assert!(fields[field].is_string(), "{field}: {answer}");
        }
        for (delivery, field, message) in [
            ("email", "email", "请填写电子邮箱"),
            ("post", "address", "请填写通讯地址"),
        ] {
            let mut json = body("申请公开某某文件的全文");
            json["email"] = "".into();
            json["delivery"] = delivery.into();
            let (status, answer) = api(json).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(
                answer["error"]["fields"][field]
                    .as_str()
                    .is_some_and(|m| m.contains(message)),
                "{answer}"
            );
        }
        assert_eq!(
            applications_of(&app, "WQX004").await,
            1,
            "only the valid application is stored"
        );
    }
}

#[tokio::test]
async fn near_due_marks_count_the_sites_regional_holidays() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let admin = Session::login(&app, "admin").await;
        let cal = must(gongkai_store::calendar::load(&app.store).await);
        let now = Utc::now();
        let today = gongkai_domain::time::beijing_date(now);
        // The next two national working days become XJ holidays.
        let mut holidays = Vec::new();
        let mut day = today;
        while holidays.len() < 2 {
            day += Duration::days(1);
            if must(cal.is_working_day(day, None)) {
                holidays.push(day);
            }
        }
        let this_year = chrono::Datelike::year(&today);
        for y in [this_year, this_year + 1] {
            let days: Vec<String> = holidays
                .iter()
                .filter(|d| chrono::Datelike::year(*d) == y)
                .map(|d| {
                    format!("{{\"name\": \"古尔邦节\", \"date\": \"{d}\", \"isOffDay\": true}}")
                })
                .collect();
            let json = format!("{{\"year\": {y}, \"days\": [{}]}}", days.join(", "));
            let r = admin
                .post("/admin/calendar", &[("region", "XJ"), ("json", &json)])
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        let r = admin
            .post(
                "/admin/calendar/region",
                &[("site", "WQX001"), ("region", "XJ")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cal = must(gongkai_store::calendar::load(&app.store).await);
        let xj = must(gongkai_domain::calendar::RegionCode::parse("XJ"));
        // Two or three working days left in XJ: four or five by national days alone.
        let days_ago = (10..40)
            .find(|days| {
                let received = gongkai_domain::time::beijing_date(now - Duration::days(*days));
                cal.due_date(received, 20, Some(&xj))
                    .and_then(|due| cal.working_days_between(today, due, Some(&xj)))
                    .is_ok_and(|left| (2..=3).contains(&left))
            })
            .unwrap_or_else(|| panic!("no near-due day"));
        let (_, code) = stored(&app, "地方节假日前快到期的申请", days_ago).await;
        let handler = Session::login(&app, "handler").await;
        let list = handler.get_text("/admin/applications").await;
        let row = list[list.find(&code).unwrap_or(0)..]
            .split("</tr>")
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(row.contains("即将到期（剩"), "{engine:?}: {row}");
    }
}

#[tokio::test]
async fn a_mistyped_code_locks_only_that_code_and_guessing_from_many_addresses_locks_it() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, |c| c.trust_proxy = true).await;
        let (_, code_b) = stored(&app, "申请公开某事项", 0).await;
        let citizen = Session::anonymous(&app).await;
        let post = |code: String, secret: &'static str, from: &'static str| {
            let form = vec![
                ("tracking_code".to_owned(), code),
                ("secret".to_owned(), secret.to_owned()),
                ("csrf_token".to_owned(), citizen.token.clone()),
            ];
            let req = citizen
                .c
                .post(format!("{}/ysqgk/status", citizen.base))
                .header("x-forwarded-for", from)
                .form(&form);
            async move { must(req.send().await).status() }
        };
        // One office address mistypes code A fifteen times: A is locked …
        for _ in 0..15 {
            post("YSMISTYPED1".into(), "nope-nope", "10.1.1.1").await;
        }
        assert_eq!(
            post("YSMISTYPED1".into(), "nope-nope", "10.1.1.1").await,
            StatusCode::TOO_MANY_REQUESTS,
            "{engine:?}"
        );
        // … but a colleague behind the same address still looks up code B.
        assert_eq!(
            post(code_b.clone(), "chaxun-123", "10.1.1.1").await,
            StatusCode::OK,
            "{engine:?}"
        );
        // Guessing B's secret from ten different addresses locks B for everyone.
        const SPREAD: [&str; 10] = [
            "10.2.0.1",
            "10.2.0.2",
            "10.2.0.3",
            "10.2.0.4",
            "10.2.0.5",
            "10.2.0.6",
            "10.2.0.7",
            "10.2.0.8",
            "10.2.0.9",
            "10.2.0.10",
        ];
        for from in SPREAD {
            assert_eq!(
                post(code_b.clone(), "wrong-guess", from).await,
                StatusCode::NOT_FOUND,
                "{engine:?}"
            );
        }
        assert_eq!(
            post(code_b.clone(), "chaxun-123", "10.3.0.1").await,
            StatusCode::TOO_MANY_REQUESTS,
            "{engine:?}"
        );
    }
}

/// December without next year's calendar: the deadline is a provisional date counted on
/// weekends alone, labelled 暂定 on the status page and in the queue (not "另行告知" or no
/// date), and importing the year recomputes it to the final date, audited.
#[tokio::test]
async fn a_year_without_calendar_data_gives_a_provisional_deadline_until_it_is_imported() {
    for engine in ENGINES {
        let app = support::spawn_app_without_2027(engine).await;
        let received = support::utc_at(2026, 12, 21, 2);
        let (id, code) = stored_at(&app, "申请公开某项目批复文件", received).await;
        let a = must(applications::get(&app.store, id).await);
        // 22–31 Dec: 8 working days; then 1 Jan (a Friday, no holiday known yet), the weekdays
        // of 4–15 Jan and Monday 18 Jan make 20.
        assert_eq!(
            a.due_on.map(|d| d.to_string()).as_deref(),
            Some("2027-01-18")
        );
        assert!(a.due_provisional, "{engine:?}");

        let citizen = Session::anonymous(&app).await;
        let page = must(
            citizen
                .post(
                    "/ysqgk/status",
                    &[("tracking_code", &code), ("secret", "chaxun-123")],
                )
                .await
                .text()
                .await,
        );
        assert!(page.contains("2027-01-18（暂定）"), "{page}");
        assert!(
            page.contains("暂按周六、周日休息推算"),
            "the explanation says why: {page}"
        );
        let handler = Session::login(&app, "handler").await;
        let queue = handler.get_text("/admin/applications").await;
        assert!(
            queue.contains("2027-01-18") && queue.contains("暂定"),
            "{queue}"
        );

        // The administrator imports 2027 (元旦 off): the date becomes final, a day later.
        support::import_2027_new_year(&app).await;
        let a = must(applications::get(&app.store, id).await);
        assert_eq!(
            a.due_on.map(|d| d.to_string()).as_deref(),
            Some("2027-01-19")
        );
        assert!(!a.due_provisional);
        let page = must(
            citizen
                .post(
                    "/ysqgk/status",
                    &[("tracking_code", &code), ("secret", "chaxun-123")],
                )
                .await
                .text()
                .await,
        );
        assert!(
            page.contains("2027-01-19") && !page.contains("暂定"),
            "{page}"
        );
        support::assert_recomputed_final(&app, "application.recompute_due", &code).await;
    }
}

/// Sends the head of a POST that declares `declared` body bytes, then only `first` of them, and
/// returns the status line the server answers with while the rest of the body is still owed.
/// Any answer at all proves the server did not wait for (read) the body.
async fn answer_before_body(
    app: &App,
    token: &str,
    path: &str,
    content_type: &str,
    first: Vec<u8>,
    declared: usize,
) -> String {
    use std::io::{Read, Write};
    let addr = app.base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: gk_csrf={token}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {declared}\r\n\r\n"
    );
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = must(std::net::TcpStream::connect(&addr));
        must(s.set_read_timeout(Some(std::time::Duration::from_secs(5))));
        must(s.write_all(head.as_bytes()));
        must(s.write_all(&first));
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    let answer = must(answer.await);
    answer
        .lines()
        .next()
        .unwrap_or("no answer within 5 s")
        .to_owned()
}

/// The rate limit comes before parsing: once an address has used up its hourly limit, a 48 MB
/// multipart application from it is refused with 429 after 64 KB of it were sent (the server
/// does not wait for the rest), and so is a large status lookup from an address that already
/// failed too often.
#[tokio::test]
async fn a_throttled_address_is_refused_before_its_form_is_read() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, |c| c.submissions_per_hour = 1).await;
        let r = must(
            reqwest::Client::new()
                .post(format!("{}/api/v1/applications", app.base))
                .json(&body("申请公开本县财政预算执行情况"))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let citizen = Session::anonymous(&app).await;
        let declared = 48 * 1024 * 1024;
        let mut first =
            b"--gk\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n".to_vec();
        first.resize(64 * 1024, b'a');
        let status = answer_before_body(
            &app,
            &citizen.token,
            &format!("/ysqgk/apply?csrf_token={}", citizen.token),
            "multipart/form-data; boundary=gk",
            first,
            declared,
        )
        .await;
        assert_eq!(status, "HTTP/1.1 429 Too Many Requests", "{engine:?}");
        // A small form from the same address says why.
        let r = citizen
            .post_multipart("/ysqgk/apply", &[("name", "张三")], vec![])
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(must(r.text().await).contains("一小时内最多提交 1 件申请"));

        // Lookups: an address that failed with fifty different codes is refused unread too.
        for i in 0..50 {
            let r = citizen
                .post(
                    "/ysqgk/status",
                    &[
                        ("tracking_code", &format!("YSGUESS{i:03}")),
                        ("secret", "nope-nope"),
                    ],
                )
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{engine:?} {i}");
        }
        let mut first = format!("csrf_token={}&tracking_code=", citizen.token).into_bytes();
        first.resize(64 * 1024, b'A');
        let status = answer_before_body(
            &app,
            &citizen.token,
            "/ysqgk/status",
            "application/x-www-form-urlencoded",
            first,
            declared,
        )
        .await;
        assert_eq!(status, "HTTP/1.1 429 Too Many Requests", "{engine:?}");
    }
}

/// The handler's dashboard names what is late: an application weeks past its due date is
/// listed with how late it is; one received today is not.
#[tokio::test]
async fn the_handlers_dashboard_lists_overdue_applications() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let (late, late_code) = stored(&app, "申请公开某超期事项", 45).await;
        let (_, fresh_code) = stored(&app, "申请公开某新近事项", 0).await;
        let handler = Session::login(&app, "handler").await;
        let dashboard = handler.get_text("/admin").await;
        assert!(
            dashboard.contains(&format!("/admin/applications/{late}\""))
                && dashboard.contains(&late_code),
            "{dashboard}"
        );
        assert!(dashboard.contains("已超期"), "{dashboard}");
        assert!(!dashboard.contains(&fresh_code), "{dashboard}");
        // An editor handles no cases and is shown none.
        let editor = Session::login(&app, "editor").await;
        assert!(!editor.get_text("/admin").await.contains(&late_code));
    }
}

/// Stores an application addressed to the organisation `org`, received a day ago.
async fn stored_for(app: &App, org: &str, description: &str) -> (i64, String) {
    let (id, code) = stored(app, description, 1).await;
    let org_id = org_id(app, org).await;
    if org != "WQX004" {
        let moved = sqlx::query("UPDATE applications SET org_id = $1 WHERE id = $2")
            .bind(org_id)
            .bind(id)
            .execute(app.store.pool())
            .await;
        must(moved);
    }
    (id, code)
}

/// The body of the application's latest letter.
async fn last_letter(app: &App, id: i64) -> String {
    must(applications::letters(&app.store, id).await)
        .pop()
        .map(|l| l.body)
        .unwrap_or_default()
}

/// A visitor who looked up `code` with the test secret (the status session is open).
async fn looked_up(app: &App, code: &str) -> (Session, String) {
    let citizen = Session::anonymous(app).await;
    let r = citizen
        .post(
            "/ysqgk/status",
            &[("tracking_code", code), ("secret", "chaxun-123")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = must(r.text().await);
    (citizen, page)
}

#[tokio::test]
async fn a_disclosed_reply_carries_files_that_only_its_applicant_downloads() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let handler = Session::login(&app, "handler").await;
        let (id, code) = stored(&app, "申请公开某项目的批复文件", 1).await;
        let (_, other_code) = stored(&app, "申请公开另一项目的批复文件", 1).await;
        act(&handler, id, &[("kind", "register")]).await;
        let pdf = gongkai_content::fixtures::pdf();
        let r = handler
            .post_multipart(
                &format!("/admin/applications/{id}/reply"),
                &[("kind", "reply"), ("outcome", "1")],
                vec![("files", "项目批复.pdf", pdf.clone())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert_eq!(status_of(&app, id).await.0, "replied");
        let letter = last_letter(&app, id).await;
        assert!(letter.contains("附件：\n1. 项目批复.pdf"), "{letter}");
        let released = must(applications::reply_files(&app.store, id).await);
        assert_eq!(released.len(), 1);
        let url = format!("/ysqgk/files/{}/x.pdf", released[0].id);
        // Nobody without the lookup gets it.
        let stranger = Session::anonymous(&app).await;
        assert_eq!(stranger.get(&url).await.status(), StatusCode::NOT_FOUND);
        // Another application's applicant does not either.
        let (other, _) = looked_up(&app, &other_code).await;
        assert_eq!(other.get(&url).await.status(), StatusCode::NOT_FOUND);
        // The applicant sees it on the status page and downloads the very bytes.
        let (citizen, page) = looked_up(&app, &code).await;
        assert!(
            page.contains("答复附件")
                && page.contains("项目批复.pdf")
                && page.contains(&format!("/ysqgk/files/{}/", released[0].id)),
            "{page}"
        );
        let r = citizen.get(&url).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(must(r.bytes().await).to_vec(), pdf);
        // The handler sees what was released.
        let detail = handler.get_text(&format!("/admin/applications/{id}")).await;
        assert!(detail.contains("答复附件") && detail.contains("项目批复.pdf"));
    }
}

#[tokio::test]
async fn the_applicant_answers_a_correction_online_and_the_clock_runs_again() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let handler = Session::login(&app, "handler").await;
        let (id, code) = stored(&app, "申请公开某项补贴的发放情况", 1).await;
        act(&handler, id, &[("kind", "register")]).await;
        let r = act(
            &handler,
            id,
            &[
                ("kind", "correction"),
                ("what", "请写明补贴项目名称和发放年度"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&app, id).await.0, "awaiting_correction");
        let (citizen, page) = looked_up(&app, &code).await;
        assert!(
            page.contains("在线补正") && page.contains("请写明补贴项目名称和发放年度"),
            "{page}"
        );
        let pdf = gongkai_content::fixtures::pdf();
        let r = citizen
            .post_multipart(
                "/ysqgk/correction",
                &[("text", "补贴项目为2025年耕地地力保护补贴")],
                vec![("files", "补充说明.pdf", pdf)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        let page = must(r.text().await);
        assert!(page.contains("补正已提交"), "{page}");
        // The 20 working days run again from today, as for a correction at the counter.
        let today = gongkai_domain::time::beijing_date(Utc::now());
        let cal = must(gongkai_store::calendar::load(&app.store).await);
        let expected = must(cal.due_date(today, 20, None));
        let (status, _, due) = status_of(&app, id).await;
        assert_eq!(status, "in_progress");
        assert_eq!(due, Some(expected.to_string()));
        // The handler reads the answer and its file on the application page.
        let detail = handler.get_text(&format!("/admin/applications/{id}")).await;
        assert!(
            detail.contains("申请人在线补正")
                && detail.contains("补贴项目为2025年耕地地力保护补贴")
                && detail.contains("补充说明.pdf"),
            "{detail}"
        );
        let events = must(applications::events(&app.store, id).await);
        assert!(events.iter().any(|e| e.event.label() == "申请人在线补正"));
        let entries =
            must(gongkai_store::audit::recent(&app.store, 100, Some(("application", &code))).await);
        assert!(
            entries
                .iter()
                .any(|e| e.action == "application.event" && e.detail.contains("补充说明.pdf")),
            "{entries:?}"
        );
        // Once answered, the form is gone and a second answer is refused.
        let r = citizen
            .post_multipart("/ysqgk/correction", &[("text", "再次补正")], vec![])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("application.correction_not_awaited"));

        // After the notice's period the answer is refused with the reason and its code.
        let (late, late_code) = stored(&app, "申请公开某项目的验收报告", 30).await;
        let received = received_on(&app, late).await;
        let on = (received + Duration::days(1)).to_string();
        let deadline = (received + Duration::days(5)).to_string();
        act(
            &handler,
            late,
            &[("kind", "register"), ("on", &received.to_string())],
        )
        .await;
        let r = act(
            &handler,
            late,
            &[
                ("kind", "correction"),
                ("on", &on),
                ("deadline", &deadline),
                ("what", "请写明项目名称"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (citizen, _) = looked_up(&app, &late_code).await;
        let r = citizen
            .post_multipart("/ysqgk/correction", &[("text", "项目为某道路工程")], vec![])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let page = must(r.text().await);
        assert!(
            page.contains("补正期限已于") && page.contains("application.correction_period_over"),
            "{page}"
        );
        assert_eq!(status_of(&app, late).await.0, "awaiting_correction");
        // Without a lookup there is nothing to answer.
        let stranger = Session::anonymous(&app).await;
        let r = stranger
            .post_multipart("/ysqgk/correction", &[("text", "补正")], vec![])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn reply_letters_name_the_one_body_that_hears_a_review() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        app.set_setting(
            &gongkai_store::Actor::system(),
            "upper_government",
            "克孜勒苏柯尔克孜自治州人民政府",
        )
        .await;
        let admin = Session::login(&app, "admin").await;
        // A county department's act: the county government.
        let (dept, _) = stored_for(&app, "WQX004", "申请公开财政局某项目资料").await;
        act(&admin, dept, &[("kind", "register")]).await;
        act(&admin, dept, &[("kind", "reply"), ("outcome", "1")]).await;
        let letter = last_letter(&app, dept).await;
        assert!(
            letter.contains("六十日内向乌恰县人民政府申请行政复议"),
            "{letter}"
        );
        assert!(!letter.contains("上一级行政机关或者"), "{letter}");
        // The county government's own act: the government one level up.
        let (county, _) = stored_for(&app, "WQX001", "申请公开县政府某项决定").await;
        act(&admin, county, &[("kind", "register")]).await;
        let draft = admin
            .get_text(&format!("/admin/applications/{county}?draft=1"))
            .await;
        assert!(
            draft.contains("向克孜勒苏柯尔克孜自治州人民政府申请行政复议"),
            "{draft}"
        );
        act(&admin, county, &[("kind", "reply"), ("outcome", "1")]).await;
        let letter = last_letter(&app, county).await;
        assert!(
            letter.contains("六十日内向克孜勒苏柯尔克孜自治州人民政府申请行政复议")
                && !letter.contains("或者本级人民政府"),
            "{letter}"
        );
    }
}

/// The handler records a 行政复议 brought over an answer and then its result on the application
/// page; a filing day before the application arrived or a decision before the filing is refused
/// with the reason; the annual report's section 四 shows what was recorded.
#[tokio::test]
async fn a_review_over_an_answer_is_recorded_and_counted_in_the_report() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let (id, _) = stored(&app, "申请公开2026年部门预算", 20).await;
        let received = received_on(&app, id).await;
        let handler = Session::login(&app, "handler").await;
        let path = format!("/admin/applications/{id}/challenges");
        let before = (received - Duration::days(1)).to_string();
        let r = handler
            .post(&path, &[("kind", "review"), ("filed_on", before.as_str())])
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("不早于申请收到之日"));
        let filed = received.to_string();
        let r = handler
            .post(&path, &[("kind", "review"), ("filed_on", filed.as_str())])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = handler.get_text(&format!("/admin/applications/{id}")).await;
        support::assert_has_all(&page, &["行政复议、行政诉讼", "尚未审结", &filed]);
        let recorded = must(gongkai_store::challenges::of_application(&app.store, id).await);
        let cid = recorded.first().map(|c| c.id).unwrap_or_default();
        let decide = format!("{path}/{cid}");
        let r = handler
            .post(
                &decide,
                &[("result", "corrected"), ("decided_on", before.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("不早于提起之日"));
        let r = handler
            .post(
                &decide,
                &[("result", "corrected"), ("decided_on", filed.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = handler.get_text(&format!("/admin/applications/{id}")).await;
        assert!(
            page.contains(&format!("纠正（{filed} 审结）")),
            "{engine:?}"
        );

        // The county's report of the year shows it as recorded.
        let office = Session::login(&app, "office").await;
        let year = chrono::Datelike::year(&received);
        let report = office.get_text(&format!("/admin/report/{year}")).await;
        assert!(report.contains("按办件登记计算"), "{engine:?}");
        let log = must(gongkai_store::audit::recent(&app.store, 5, None).await);
        assert!(
            log.iter()
                .any(|e| e.action == "application.challenge_decide")
        );
        // One recorded in error is removed, audited with what it held.
        let r = handler.post(&format!("{decide}/remove"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert!(must(gongkai_store::challenges::of_application(&app.store, id).await).is_empty());
        let log = must(gongkai_store::audit::recent(&app.store, 5, None).await);
        assert!(
            log.iter()
                .any(|e| e.action == "application.challenge_remove")
        );
    }
}
