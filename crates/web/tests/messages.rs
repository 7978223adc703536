//! 政民互动 over HTTP, on both engines: the public form and API, every handling state
//! (受理, 交办, 退回 and 改派, 办理, 答复 with review, 督办, 办结, 回访), a bad rating and its
//! rectification, the public list that never shows planted personal data, the watch list,
//! statistics, spam rules and refusals of bad input.

use crate::support;

use chrono::{Duration, Utc};
use gongkai_domain::message::{MessageEvent, NewMessageInput};
use gongkai_domain::time::beijing_date;
use gongkai_store::messages::{self, NewMessage};
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, orgs};
use reqwest::StatusCode;
use support::{App, Session, must, spawn_app, spawn_app_with};

/// Personal data planted in the message and the reply; none may reach a public page.
const NAME: &str = "欧阳春晓";
const PHONE: &str = "13987654321";
const ID_NO: &str = "11010519491231002X";
const EMAIL: &str = "ouyang.cx@example.com";

fn tracking_code(html: &str) -> String {
    let start = must(
        html.find("<strong class=\"code\">")
            .ok_or("no tracking code on the receipt"),
    ) + "<strong class=\"code\">".len();
    html[start..start + 10].to_owned()
}

async fn write(s: &Session, fields: &[(&str, &str)]) -> reqwest::Response {
    let key = gongkai_store::sessions::random_token();
    let mut all = vec![
        ("submission_key", key.as_str()),
        ("secret", "chaxun-456"),
        ("secret_again", "chaxun-456"),
    ];
    all.extend_from_slice(fields);
    s.post_multipart("/hudong/write", &all, Vec::new()).await
}

/// Stores a message directly, received `days_ago` days ago (the public form is rate-limited
/// and dates itself today).
async fn stored(app: &App, title: &str, days_ago: i64) -> i64 {
    stored_at(app, title, Utc::now() - Duration::days(days_ago))
        .await
        .0
}

/// Stores a message directly, received at `at`; its id and tracking code.
async fn stored_at(app: &App, title: &str, at: chrono::DateTime<Utc>) -> (i64, String) {
    let county = must(
        orgs::by_code(
            &app.store,
            &must(gongkai_domain::org::OrgCode::parse("WQX001")),
        )
        .await,
    );
    let valid = must(
        NewMessageInput {
            kind: "consult".into(),
            title: title.into(),
            content: format!("{title}，请予答复。"),
            name: "李四".into(),
            phone: "13800000000".into(),
            email: String::new(),
        }
        .validate()
        .map_err(|e| format!("{e:?}")),
    );
    let r = must(
        messages::submit(
            &app.store,
            &NewMessage {
                submission_key: gongkai_store::sessions::random_token(),
                org_id: county.id,
                to_head_mailbox: true,
                message: valid,
                allow_publish: true,
                secret: "chaxun-456".into(),
                files: Vec::new(),
            },
            at,
            "10.0.0.9",
        )
        .await,
    );
    let id = must(messages::by_tracking_code(&app.store, &r.tracking_code).await).id;
    (id, r.tracking_code)
}

async fn act(s: &Session, id: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    s.post(&format!("/admin/messages/{id}/events"), fields)
        .await
}

async fn status_of(app: &App, id: i64) -> String {
    must(messages::get(&app.store, id).await)
        .status
        .code()
        .to_owned()
}

#[tokio::test]
async fn a_message_goes_through_every_state_and_the_public_never_sees_personal_data() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let citizen = Session::anonymous(&app).await;
        let content = format!(
            "我叫{NAME}，身份证号{ID_NO}，电话{PHONE}，邮箱{EMAIL}。小区门口路灯损坏已一个月，夜间出行很不安全，请尽快维修。"
        );
        let r = citizen
            .post_multipart(
                "/hudong/write",
                &[
                    ("submission_key", &gongkai_store::sessions::random_token()),
                    ("to", "head"),
                    ("kind", "complaint"),
                    ("title", "小区门口路灯损坏"),
                    ("content", &content),
                    ("name", NAME),
                    ("phone", PHONE),
                    ("email", EMAIL),
                    ("allow_publish", "1"),
                    ("secret", "chaxun-456"),
                    ("secret_again", "chaxun-456"),
                ],
                vec![(
                    "attachment",
                    "现场照片.png",
                    gongkai_content::fixtures::png(),
                )],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let html = must(r.text().await);
        assert!(
            html.contains("县长信箱") && html.contains("15 个工作日"),
            "{html}"
        );
        let code = tracking_code(&html);
        let m = must(messages::by_tracking_code(&app.store, &code).await);
        let id = m.id;
        assert_eq!(m.status.code(), "received");
        assert_eq!(must(messages::files(&app.store, id).await).len(), 1);
        let expected_due = must(
            gongkai_store::calendar::load(&app.store)
                .await
                .map(|c| c.due_date(beijing_date(Utc::now()), 15, None)),
        );
        assert_eq!(
            m.due_on.map(|d| d.to_string()),
            Some(must(expected_due).to_string())
        );

        let office = Session::login(&app, "office").await;
        let handler = Session::login(&app, "handler").await;
        // The department handler does not see a message still at the 县长信箱.
        assert_eq!(
            handler.get(&format!("/admin/messages/{id}")).await.status(),
            StatusCode::FORBIDDEN
        );
        // The staff page shows the message and its forms post to it.
        let page = office.get_text(&format!("/admin/messages/{id}")).await;
        assert!(page.contains("<h1>小区门口路灯损坏</h1>"), "{page}");
        assert!(page.contains(&format!("action=\"/admin/messages/{id}/events\"")));
        assert!(
            page.contains(&code) && page.contains(NAME),
            "staff see the writer"
        );
        // 受理, 交办 to 县财政局.
        assert_eq!(
            act(&office, id, &[("kind", "accept")]).await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(&office, id, &[("kind", "assign"), ("to", "WQX004")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, id).await, "assigned");
        // The department returns it as misrouted (转办), without a reason first.
        let r = act(&handler, id, &[("kind", "return")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("请填写理由"));
        assert_eq!(
            act(
                &handler,
                id,
                &[("kind", "return"), ("text", "路灯由住建部门负责")]
            )
            .await
            .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, id).await, "returned");
        // The office assigns it again; the handler records work and drafts the reply.
        act(&office, id, &[("kind", "assign"), ("to", "WQX004")]).await;
        act(
            &handler,
            id,
            &[("kind", "progress"), ("text", "已联系供电公司现场查看")],
        )
        .await;
        let reply = format!("{NAME}您好：路灯已于本周修复。如有问题请拨打{PHONE}联系您本人核实。");
        assert_eq!(
            act(&handler, id, &[("kind", "draft_reply"), ("text", &reply)])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(status_of(&app, id).await, "reply_review");
        // A reply is never published without review: the handler cannot approve it.
        assert_eq!(
            act(&handler, id, &[("kind", "approve_reply"), ("publish", "1")])
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        // Until the reviewed reply goes out, nothing is public.
        let anon = Session::anonymous(&app).await;
        assert_eq!(
            anon.get(&format!("/hudong/{id}")).await.status(),
            StatusCode::NOT_FOUND
        );
        // 督办 raises the level; then the office approves and publishes.
        act(
            &office,
            id,
            &[("kind", "supervise"), ("text", "请加快办理")],
        )
        .await;
        assert_eq!(
            must(messages::get(&app.store, id).await).supervision_level,
            1
        );
        assert_eq!(
            act(&office, id, &[("kind", "approve_reply"), ("publish", "1")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let m = must(messages::get(&app.store, id).await);
        assert_eq!((m.status.code(), m.published), ("replied", true));

        // The public list and page show the exchange with every piece of personal data masked.
        let mut public = String::new();
        for path in ["/hudong/", &format!("/hudong/{id}"), "/hudong/stats", "/"] {
            let r = anon.get(path).await;
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            public.push_str(&must(r.text().await));
        }
        assert!(public.contains("小区门口路灯损坏"));
        assert!(
            anon.get_text("/").await.contains(&format!("/hudong/{id}")),
            "the home page lists the latest answered exchanges"
        );
        assert!(public.contains("路灯已于本周修复"));
        assert!(
            public.contains("乌恰县财政局"),
            "the answering department is named"
        );
        for planted in [NAME, PHONE, ID_NO, EMAIL, "4931231", "87654"] {
            assert!(!public.contains(planted), "{planted} leaked on {engine:?}");
        }
        assert!(public.contains("某某"));

        // The writer looks it up and rates it badly: a rectification opens.
        let writer = Session::anonymous(&app).await;
        let r = writer
            .post(
                "/hudong/status",
                &[
                    ("tracking_code", &code.to_lowercase()),
                    ("secret", "wrong-one"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = writer
            .post(
                "/hudong/status",
                &[("tracking_code", &code), ("secret", "chaxun-456")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = must(r.text().await);
        assert!(html.contains("路灯已于本周修复") && html.contains("评价答复"));
        let r = writer
            .post(
                "/hudong/rate",
                &[("rating", "unsatisfied"), ("comment", "晚上仍然不亮")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = must(r.text().await);
        assert!(html.contains("整改期限"), "{html}");
        let m = must(messages::get(&app.store, id).await);
        let rated = beijing_date(Utc::now());
        let due =
            must(must(gongkai_store::calendar::load(&app.store).await).due_date(rated, 15, None));
        assert_eq!(
            m.rectify_due_on.map(|d| d.to_string()),
            Some(due.to_string())
        );
        // Rating twice is refused.
        let r = writer
            .post("/hudong/rate", &[("rating", "satisfied")])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("不能重复评价"));
        // It cannot be closed before the rectification is checked.
        let r = act(&office, id, &[("kind", "close")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("整改"));
        // The office watch view lists the open rectification.
        assert!(
            office
                .get_text("/admin/messages?view=rectify")
                .await
                .contains(&code)
        );
        // The office cannot check it before the department reports it done.
        assert_eq!(
            act(
                &office,
                id,
                &[("kind", "rectify_check"), ("text", "已核查")]
            )
            .await
            .status(),
            StatusCode::CONFLICT
        );
        act(
            &handler,
            id,
            &[
                ("kind", "rectify_done"),
                ("text", "已更换灯具并夜间复查，路灯正常。"),
            ],
        )
        .await;
        // The department may not check its own rectification.
        assert_eq!(
            act(
                &handler,
                id,
                &[("kind", "rectify_check"), ("text", "已核查")]
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
        act(
            &office,
            id,
            &[("kind", "rectify_check"), ("text", "已回访核实")],
        )
        .await;
        assert_eq!(
            act(&office, id, &[("kind", "close")]).await.status(),
            StatusCode::SEE_OTHER
        );
        act(
            &office,
            id,
            &[("kind", "follow_up"), ("text", "电话回访，群众满意")],
        )
        .await;
        assert_eq!(status_of(&app, id).await, "closed");
        // The writer sees the outcome; the public page shows it too (rectified, checked).
        let html = writer.get_text("/hudong/status").await;
        assert!(
            html.contains("已更换灯具") && html.contains("已办结"),
            "{html}"
        );
        let html = anon.get_text(&format!("/hudong/{id}")).await;
        assert!(html.contains("整改情况") && html.contains("已更换灯具"));

        // Every step is recorded with its actor, in order.
        let steps: Vec<(String, String)> = must(messages::events(&app.store, id).await)
            .into_iter()
            .map(|e| (e.event.code().to_owned(), e.actor))
            .collect();
        let codes: Vec<&str> = steps.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "accept",
                "assign",
                "return",
                "assign",
                "progress",
                "draft_reply",
                "supervise",
                "approve_reply",
                "rectify_done",
                "rectify_check",
                "close",
                "follow_up"
            ]
        );
        assert_eq!(steps[2].1, "handler");
        assert_eq!(steps[7].1, "office");
        let audit = office.get_text("/admin/audit").await;
        assert!(audit.contains("办理群众留言") && audit.contains(&code));
    }
}

#[tokio::test]
async fn the_api_takes_a_message_and_refuses_bad_input_in_chinese() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let c = reqwest::Client::new();
        let r = must(
            c.post(format!("{}/api/v1/messages", app.base))
                .json(&serde_json::json!({
                    "to": "WQX004", "kind": "建议", "title": "建议公开专项资金使用情况",
                    "content": "建议按季度公开专项资金的使用情况。", "name": "王五",
                    "phone": "13911112222", "secret": "chaxun-789",
                }))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let json: serde_json::Value = must(r.json().await);
        assert!(
            json["tracking_code"]
                .as_str()
                .is_some_and(|c| c.starts_with("LY"))
        );
        assert_eq!(
            json["limit_working_days"], 7,
            "proposals are answered in 7 working days"
        );
        assert_eq!(json["organisation"], "乌恰县财政局");
        // Empty fields: every problem at once, by field, in Chinese.
        let r = must(
            c.post(format!("{}/api/v1/messages", app.base))
                .json(&serde_json::json!({ "to": "WQX999", "kind": "x" }))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let json: serde_json::Value = must(r.json().await);
        for field in ["to", "kind", "title", "content", "name", "phone", "secret"] {
            assert!(
                json["error"]["fields"][field].is_string(),
                "{field}: {json}"
            );
        }
        assert_eq!(json["error"]["fields"]["title"], "请填写标题");

        let citizen = Session::anonymous(&app).await;
        // Oversized content.
        let long = "长".repeat(5001);
        let r = write(
            &citizen,
            &[
                ("to", "head"),
                ("kind", "consult"),
                ("title", "标题"),
                ("content", &long),
                ("name", "王五"),
                ("phone", "13911112222"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = must(r.text().await);
        assert!(html.contains("不能超过 5000 个字"));
        assert!(html.contains("aria-describedby=\"h-content e-content\""));
        // HTML and script in content are kept as text and shown as text.
        let script = "<script>alert('x')</script><b>路面</b>塌陷，请尽快处理。";
        let r = write(
            &citizen,
            &[
                ("to", "head"),
                ("kind", "help"),
                ("title", "<i>路面塌陷</i>"),
                ("content", script),
                ("name", "王五"),
                ("phone", "13911113333"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let code = tracking_code(&must(r.text().await));
        let r = citizen
            .post(
                "/hudong/status",
                &[("tracking_code", &code), ("secret", "chaxun-456")],
            )
            .await;
        let html = must(r.text().await);
        assert!(html.contains("&lt;script&gt;alert("), "{html}");
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<i>路面塌陷</i>"));
        // Rating before a reply.
        let r = citizen
            .post("/hudong/rate", &[("rating", "satisfied")])
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("收到答复之后才能评价"));
        // Rating without a session.
        let stranger = Session::anonymous(&app).await;
        assert_eq!(
            stranger
                .post_status("/hudong/rate", &[("rating", "satisfied")])
                .await,
            StatusCode::NOT_FOUND
        );
        // A reply approved by its own author is refused.
        let m = must(messages::by_tracking_code(&app.store, &code).await);
        let office = Session::login(&app, "office").await;
        act(&office, m.id, &[("kind", "accept")]).await;
        act(
            &office,
            m.id,
            &[("kind", "draft_reply"), ("text", "已转交属地乡镇处理。")],
        )
        .await;
        let r = act(
            &office,
            m.id,
            &[("kind", "approve_reply"), ("publish", "1")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("拟写人以外的人员审核"));
        assert_eq!(status_of(&app, m.id).await, "reply_review");
        // Unknown step.
        assert_eq!(
            act(&office, m.id, &[("kind", "delete")]).await.status(),
            StatusCode::BAD_REQUEST
        );
        // Staff without the handling permission are turned away.
        let editor = Session::login(&app, "editor").await;
        assert_eq!(
            editor.get("/admin/messages").await.status(),
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn spam_is_refused_or_held_never_silently_dropped() {
    for engine in ENGINES {
        let app = spawn_app_with(engine, |c| c.submissions_per_hour = 1000).await;
        let citizen = Session::anonymous(&app).await;
        let base = [
            ("to", "head"),
            ("kind", "consult"),
            ("title", "供暖时间咨询"),
            ("name", "赵六"),
        ];
        fn with<'a>(
            base: &[(&'a str, &'a str)],
            content: &'a str,
            phone: &'a str,
        ) -> Vec<(&'a str, &'a str)> {
            let mut f = base.to_vec();
            f.push(("content", content));
            f.push(("phone", phone));
            f
        }
        let fields = |content, phone| with(&base, content, phone);
        let r = write(
            &citizen,
            &fields("请问今年城区集中供暖从哪天开始？", "13922223333"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        // The same content (spacing and punctuation aside) from the same phone: refused, saying why.
        let r = write(
            &citizen,
            &fields("请问 今年城区集中供暖从哪天开始", "13922223333"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("请勿重复提交"));
        // From someone else: accepted but held for review.
        let r = write(
            &citizen,
            &fields("请问今年城区集中供暖从哪天开始？", "13944445555"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let code = tracking_code(&must(r.text().await));
        let held = must(messages::by_tracking_code(&app.store, &code).await);
        assert!(held.held_reason.contains("内容相同"));
        // A blocked word holds a message for review instead of rejecting it.
        let office = Session::login(&app, "office").await;
        let r = office
            .post(
                "/admin/messages/settings",
                &[("words", "代办证件\n  \n刷单"), ("limit_suggest", "10")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = write(&citizen, &fields("低价代办证件，请联系", "13966667777")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let html = must(r.text().await);
        assert!(html.contains("需经工作人员审核"));
        let m = must(messages::by_tracking_code(&app.store, &tracking_code(&html)).await);
        assert!(m.held_reason.contains("代办证件"));
        assert!(office.get_text("/admin/messages").await.contains("待审核"));
        // Refused and held messages stay (nothing is deleted).
        act(
            &office,
            m.id,
            &[("kind", "not_accept"), ("text", "商业广告")],
        )
        .await;
        let m = must(messages::get(&app.store, m.id).await);
        assert_eq!(
            (m.status.code(), m.not_accepted_reason.as_str()),
            ("not_accepted", "商业广告")
        );
        // The changed limit applies to new proposals.
        let mut f = base.to_vec();
        f[1] = ("kind", "suggest");
        f.push(("content", "建议延长供暖期到四月中旬。"));
        f.push(("phone", "13988889999"));
        let html = must(write(&citizen, &f).await.text().await);
        assert!(html.contains("10 个工作日"), "{html}");
        // A bad limit is refused with a message.
        let r = office
            .post("/admin/messages/settings", &[("limit_consult", "0")])
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("1 至 60 个工作日"));
        // Per contact: a phone number may send only so many a day.
        let mut last = StatusCode::CREATED;
        for i in 0..10 {
            let content = format!("第{i}条不同的留言内容，测试用。");
            last = write(&citizen, &with(&base, &content, "13900001111"))
                .await
                .status();
            if last == StatusCode::TOO_MANY_REQUESTS {
                break;
            }
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn overdue_and_three_month_messages_are_watched_and_returns_close_after_two_days() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let near = stored(&app, "临近三个月的留言", 70).await;
        let past = stored(&app, "超过三个月的留言", 100).await;
        let overdue = stored(&app, "超过答复期限的留言", 30).await;
        let fresh = stored(&app, "刚收到的留言", 0).await;
        let office = Session::login(&app, "office").await;
        let html = office.get_text("/admin/messages?view=watch").await;
        for (id, mark) in [
            (near, "临近三个月时限"),
            (past, "已超过三个月未答复"),
            (overdue, "已超期"),
        ] {
            let code = must(messages::get(&app.store, id).await).tracking_code;
            let row = must(
                html.split("<tr")
                    .find(|r| r.contains(&code))
                    .ok_or("row missing from the watch list"),
            );
            assert!(row.contains(mark), "{mark} in {row}");
        }
        let fresh_code = must(messages::get(&app.store, fresh).await).tracking_code;
        assert!(!html.contains(&fresh_code));
        let dash = office.get_text("/admin").await;
        assert!(dash.contains("2 件留言临近或超过三个月未答复"), "{dash}");
        assert!(dash.contains("1 件留言已超过答复期限"));

        // Time injected: assigned ten days ago, the department can no longer return it.
        let county_actor = Actor::user("office", "");
        let finance = must(
            orgs::by_code(
                &app.store,
                &must(gongkai_domain::org::OrgCode::parse("WQX004")),
            )
            .await,
        );
        let ten_days_ago = beijing_date(Utc::now() - Duration::days(10));
        must(
            messages::record_event(
                &app.store,
                &county_actor,
                overdue,
                &MessageEvent::Accept,
                ten_days_ago,
            )
            .await,
        );
        must(
            messages::record_event(
                &app.store,
                &county_actor,
                overdue,
                &MessageEvent::Assign {
                    org_id: finance.id,
                    org_name: finance.name.clone(),
                },
                ten_days_ago,
            )
            .await,
        );
        let handler = Session::login(&app, "handler").await;
        let r = act(
            &handler,
            overdue,
            &[("kind", "return"), ("text", "不属于本单位")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(must(r.text().await).contains("不能再退回"));
        // The department now sees it in its own queue.
        assert!(
            handler
                .get_text("/admin/messages")
                .await
                .contains("超过答复期限的留言")
        );
    }
}

#[tokio::test]
async fn statistics_count_by_department_and_month() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Actor::user("office", "");
        let reviewer = Actor::user("office2", "");
        let finance = must(
            orgs::by_code(
                &app.store,
                &must(gongkai_domain::org::OrgCode::parse("WQX004")),
            )
            .await,
        );
        let today = beijing_date(Utc::now());
        for (i, days_ago) in [3_i64, 2, 1].into_iter().enumerate() {
            let id = stored(&app, &format!("统计用留言{i}"), days_ago).await;
            for e in [
                MessageEvent::Accept,
                MessageEvent::Assign {
                    org_id: finance.id,
                    org_name: finance.name.clone(),
                },
            ] {
                must(messages::record_event(&app.store, &office, id, &e, today).await);
            }
            if i < 2 {
                must(
                    messages::record_event(
                        &app.store,
                        &office,
                        id,
                        &MessageEvent::DraftReply { text: "答复".into() },
                        today,
                    )
                    .await,
                );
                must(
                    messages::record_event(
                        &app.store,
                        &reviewer,
                        id,
                        &MessageEvent::ApproveReply { publish: true },
                        today,
                    )
                    .await,
                );
                let rating = if i == 0 {
                    gongkai_domain::message::Rating::Satisfied
                } else {
                    gongkai_domain::message::Rating::VeryUnsatisfied
                };
                must(messages::rate(&app.store, id, rating, "", today, "").await);
            }
        }
        let html = Session::anonymous(&app)
            .await
            .get_text("/hudong/stats")
            .await;
        let row = must(
            html.split("<tr>")
                .find(|r| r.contains("<th scope=\"row\">乌恰县财政局</th>"))
                .ok_or("finance row"),
        );
        let cells: Vec<&str> = row
            .split("<td>")
            .skip(1)
            .map(|c| c.split('<').next().unwrap_or_default())
            .collect();
        assert_eq!(&cells[..4], ["3", "2", "2", "100%"], "{row}");
        assert!(
            row.contains("50%"),
            "satisfaction of two ratings, one bad: {row}"
        );
        assert!(html.contains("<svg") && html.contains("chart-title"));
    }
}

#[tokio::test]
async fn published_exchanges_are_searchable_masked_and_leave_when_hidden() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Session::login(&app, "office").await;
        let handler = Session::login(&app, "handler").await;
        let id = stored(&app, "牧区饮水安全工程进度咨询", 3).await;
        act(&office, id, &[("kind", "accept")]).await;
        act(&office, id, &[("kind", "assign"), ("to", "WQX004")]).await;
        let reply = "李四您好：牧区饮水安全工程已完成管网铺设，联系电话13800000000。";
        act(&handler, id, &[("kind", "draft_reply"), ("text", reply)]).await;
        // Not public yet: not searchable.
        assert_eq!(support::search_total(&app.base, "管网铺设").await.0, 0);
        act(&office, id, &[("kind", "approve_reply"), ("publish", "1")]).await;
        let text = support::until_found(&app.base, "管网铺设", 1).await.1;
        assert!(text.contains(&format!("/hudong/{id}")), "{text}");
        assert!(text.contains("\"type\":\"message\""), "{text}");
        assert!(
            !text.contains("李四") && !text.contains("13800000000"),
            "{text}"
        );
        // The writer's name is not searchable either.
        assert_eq!(support::search_total(&app.base, "李四").await.0, 0);
        // Hidden from the public list: gone from the search too.
        act(&office, id, &[("kind", "hide"), ("text", "涉及他人隐私")]).await;
        support::until_found(&app.base, "管网铺设", 0).await;
        assert_eq!(
            Session::anonymous(&app)
                .await
                .get_status(&format!("/hudong/{id}"))
                .await,
            StatusCode::NOT_FOUND
        );
    }
}

/// The written forms of personal numbers that came through unmasked before the one detector:
/// international prefixes, unusual separators, full-width forms, bracketed area codes and
/// internationalised e-mail addresses.
const TRICKY: [(&str, &str); 7] = [
    ("+86 139 8765 4321", "8765 4321"),
    ("0086-139.8765.4321", "8765.4321"),
    ("１３９８７６５４３２１", "８７６５４３"),
    ("(0571) 8866 2211", "8866 22"),
    ("（０５７１）８８６６ ２２１１", "８８６６"),
    ("用户@例子.中国", "用户@例子.中国"),
    ("139/8765/4321", "8765/4321"),
];

#[tokio::test]
async fn tricky_personal_numbers_reach_no_public_page_snippet_or_search() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Session::login(&app, "office").await;
        let handler = Session::login(&app, "handler").await;
        let id = stored(&app, "草原防火隔离带建设咨询", 3).await;
        act(&office, id, &[("kind", "accept")]).await;
        act(&office, id, &[("kind", "assign"), ("to", "WQX004")]).await;
        let numbers: Vec<&str> = TRICKY.iter().map(|(written, _)| *written).collect();
        let reply = format!(
            "您好：防火隔离带已开工，联系方式 {}。",
            numbers.join("；或 ")
        );
        act(&handler, id, &[("kind", "draft_reply"), ("text", &reply)]).await;
        act(&office, id, &[("kind", "approve_reply"), ("publish", "1")]).await;
        let api = support::until_found(&app.base, "防火隔离带", 1).await.1;
        let page = must(
            Session::anonymous(&app)
                .await
                .get(&format!("/hudong/{id}"))
                .await
                .text()
                .await,
        );
        let list = must(
            Session::anonymous(&app)
                .await
                .get("/search?q=%E9%98%B2%E7%81%AB%E9%9A%94%E7%A6%BB%E5%B8%A6")
                .await
                .text()
                .await,
        );
        assert!(page.contains("防火隔离带已开工"), "{page}");
        for (written, secret) in TRICKY {
            for (place, text) in [("page", &page), ("api", &api), ("snippets", &list)] {
                assert!(
                    !text.contains(secret),
                    "{written} raw on the {place}: {text}"
                );
            }
        }
        // A partial digit run of the phone number finds nothing.
        assert_eq!(support::search_total(&app.base, "87654321").await.0, 0);
        assert_eq!(support::search_total(&app.base, "8765").await.0, 0);
        assert_eq!(support::search_total(&app.base, "88662211").await.0, 0);
    }
}

/// The head mailbox reaches the organisation the site names as its handler (the government
/// office), under the name the site gives it; before a handler is named, the county itself
/// receives the letters as before.
#[tokio::test]
async fn letters_to_the_head_mailbox_reach_the_office_the_site_names() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        gongkai_store::testing::add_orgs(
            &app.store,
            &[("WQX002", "乌恰县人民政府办公室", Some("WQX001"))],
        )
        .await;
        gongkai_store::testing::add_staff(
            &app.store,
            "bangongshi",
            "办公室经办人",
            "WQX002",
            vec![gongkai_domain::role::Role::Handler],
        )
        .await;
        let office = Session::login(&app, "bangongshi").await;
        let before = stored(&app, "县长信箱来信在指定承办机构之前", 0).await;
        assert!(
            !office
                .get_text("/admin/messages")
                .await
                .contains(&format!("/admin/messages/{before}\"")),
            "no handler named yet: the county receives it"
        );

        // A mailbox name outside the rules, and an organisation of another tree, are refused.
        let refused =
            gongkai_store::mailbox::set_name(&app.store, &Actor::system(), Some("WQX001"), "市长")
                .await;
        assert_eq!(
            refused.err().map(|e| e.code()),
            Some("mailbox.name_invalid")
        );
        let unknown = gongkai_store::mailbox::set_handler(
            &app.store,
            &Actor::system(),
            Some("WQX001"),
            "WQX999",
        )
        .await;
        assert!(unknown.is_err());
        must(
            gongkai_store::mailbox::set_handler(
                &app.store,
                &Actor::system(),
                Some("WQX001"),
                "WQX002",
            )
            .await,
        );
        must(
            gongkai_store::mailbox::set_name(
                &app.store,
                &Actor::system(),
                Some("WQX001"),
                "市长信箱",
            )
            .await,
        );
        // Written to the store directly, as another node would: this node sees the change feed
        // move on its next read of it (every 250 ms), here at once.
        app.state.cache.catch_up(&app.store).await;

        let citizen = Session::anonymous(&app).await;
        let form = citizen.get_text("/hudong/write").await;
        assert!(
            form.contains(">市长信箱</option>") && form.contains("由乌恰县人民政府办公室承办"),
            "{form}"
        );
        let r = write(
            &citizen,
            &[
                ("to", "head"),
                ("kind", "consult"),
                ("title", "咨询市长信箱承办机构"),
                ("content", "请问该事项由哪个部门办理？"),
                ("name", "李四"),
                ("phone", "13800000001"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let receipt = must(r.text().await);
        assert!(receipt.contains("市长信箱"), "{receipt}");
        let code = tracking_code(&receipt);
        let m = must(messages::by_tracking_code(&app.store, &code).await);
        let list = office.get_text("/admin/messages").await;
        assert!(
            list.contains(&format!("/admin/messages/{}\"", m.id)),
            "the office sees it: {list}"
        );
        assert!(list.contains("市长信箱"), "{list}");
    }
}

#[tokio::test]
async fn official_phone_numbers_stay_while_a_private_mobile_is_masked() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        // The county hotline is the site's footer phone; the bureau publishes its own number.
        app.set_setting(&Actor::cli(), "phone", "0908-4520000")
            .await;
        let admin = Session::login(&app, "admin").await;
        let r = admin
            .post(
                "/admin/orgs/WQX004/phone",
                &[("public_phone", "（0908）452 1234")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert!(
            admin
                .get_text("/admin/orgs")
                .await
                .contains("（0908）452 1234")
        );
        let r = admin
            .post(
                "/admin/orgs/WQX004/phone",
                &[("public_phone", &"1".repeat(65))],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let office = Session::login(&app, "office").await;
        let handler = Session::login(&app, "handler").await;
        let id = stored(&app, "冬季供暖时间咨询", 3).await;
        act(&office, id, &[("kind", "accept")]).await;
        act(&office, id, &[("kind", "assign"), ("to", "WQX004")]).await;
        let reply = "您好：供暖已于本月开始。如有疑问请拨打县长热线0908-4520000或本局电话0908-4521234，\
                     也可联系热力公司员工张先生，手机13987654321。";
        act(&handler, id, &[("kind", "draft_reply"), ("text", reply)]).await;
        act(&office, id, &[("kind", "approve_reply"), ("publish", "1")]).await;
        let page = Session::anonymous(&app)
            .await
            .get_text(&format!("/hudong/{id}"))
            .await;
        // The hotline and the bureau's phone stay; the private mobile is masked.
        support::assert_has_all(
            &page,
            &[
                "供暖已于本月开始",
                "0908-4520000",
                "0908-4521234",
                "139******21",
            ],
        );
        support::assert_lacks(&page, "13987654321", "private mobile raw");
        // The search index keeps them the same way.
        let api = support::until_found(&app.base, "供暖已于本月开始", 1)
            .await
            .1;
        assert!(
            api.contains("0908-4520000") && !api.contains("13987654321"),
            "{api}"
        );
    }
}

/// December without next year's calendar: a message's reply date is a provisional date
/// counted on weekends alone, labelled 暂定 for the writer and in the queue (not "另行告知"),
/// and importing the year counts it again to the final date, audited.
#[tokio::test]
async fn a_message_over_a_year_without_calendar_data_gets_a_provisional_date_until_it_is_imported()
{
    for engine in ENGINES {
        let app = support::spawn_app_without_2027(engine).await;
        let received = support::utc_at(2026, 12, 28, 2);
        let (id, code) = stored_at(&app, "年底咨询供暖补贴", received).await;
        let m = must(messages::get(&app.store, id).await);
        // A 咨询 has 15 working days: 29–31 Dec, then 1 Jan (a Friday, no holiday known yet),
        // the weekdays of 4–15 Jan and Monday 18 Jan.
        assert_eq!(
            m.due_on.map(|d| d.to_string()).as_deref(),
            Some("2027-01-18"),
            "{engine:?}"
        );
        assert!(m.due_provisional, "{engine:?}");
        let writer = Session::anonymous(&app).await;
        let lookup = [("tracking_code", code.as_str()), ("secret", "chaxun-456")];
        let page = must(writer.post("/hudong/status", &lookup).await.text().await);
        assert!(page.contains("2027-01-18（暂定）"), "{page}");
        let office = Session::login(&app, "office").await;
        let queue = office.get_text("/admin/messages").await;
        assert!(queue.contains("2027-01-18（暂定）"), "{queue}");

        // The administrator imports 2027 (元旦 off): the date becomes final, a day later.
        support::import_2027_new_year(&app).await;
        let m = must(messages::get(&app.store, id).await);
        assert_eq!(
            m.due_on.map(|d| d.to_string()).as_deref(),
            Some("2027-01-19")
        );
        assert!(!m.due_provisional);
        let page = must(writer.post("/hudong/status", &lookup).await.text().await);
        assert!(
            page.contains("2027-01-19") && !page.contains("暂定"),
            "{page}"
        );
        support::assert_recomputed_final(&app, "message.recompute_due", &code).await;
    }
}
