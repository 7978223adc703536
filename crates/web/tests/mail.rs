//! E-mail notifications against a real SMTP server process (`gongkai_jobs::testing`): the
//! receipt, the correction notice, the extension, the reply, and the due-soon digest to
//! handlers; a receipt that never waits for a stalled mail server; failed mail in the back
//! office.

use crate::support;

use std::time::{Duration, Instant};

use gongkai_domain::user::Username;
use gongkai_jobs::testing::{SmtpSink, StalledSmtp, free_port};
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, Engine, users};
use gongkai_web::WebConfig;
use reqwest::StatusCode;
use support::{App, Session, must, spawn_app_with};

/// Mail goes to the SMTP server on `port` of this host.
fn smtp_on(port: u16) -> impl FnOnce(&mut WebConfig) {
    move |c| {
        c.smtp.host = "127.0.0.1".into();
        c.smtp.port = port;
        c.smtp.from = "乌恰县人民政府办公室 <gongkai@example.gov.cn>".into();
        c.smtp.security = "none".into();
    }
}

/// The handler's address, as a mail to them starts (see [`mailed`]).
const TO_HANDLER: &str = "handler@example.gov.cn|";
/// The message writer's address, as a mail to them starts.
const TO_WRITER: &str = "wangwu@example.com|";

/// Waits for the mail that mentions `subject`, checks that it goes to `to` (its text starts
/// with it) and says each of `says`.
async fn mailed(sink: &SmtpSink, subject: &str, to: &str, says: &[&str]) {
    let mail = sink.wait_for(subject).await;
    assert!(
        mail.starts_with(to) && says.iter().all(|s| mail.contains(s)),
        "{mail}"
    );
}

/// Gives the handler account an e-mail address.
async fn handler_gets_mail(app: &App) {
    must(
        users::set_email(
            &app.store,
            &Actor::system(),
            &must(Username::parse("handler")),
            "handler@example.gov.cn",
        )
        .await,
    );
}

/// The organisation with `code`.
async fn org(app: &App, code: &str) -> gongkai_store::orgs::Organisation {
    must(
        gongkai_store::orgs::by_code(&app.store, &must(gongkai_domain::org::OrgCode::parse(code)))
            .await,
    )
}

#[tokio::test]
async fn applicants_and_handlers_are_notified_by_mail() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(Engine::Sqlite, smtp_on(sink.port)).await;
    let code = apply_by_api(&app, "zhangsan@example.com").await;
    mailed(
        &sink,
        "政府信息公开申请已收到",
        "zhangsan@example.com|",
        &[&code],
    )
    .await;

    let id = must(gongkai_store::applications::by_tracking_code(&app.store, &code).await).id;
    let handler = Session::login(&app, "handler").await;
    let office = Session::login(&app, "office").await;
    let path = format!("/admin/applications/{id}/events");
    assert_eq!(
        handler.post(&path, &[("kind", "register")]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        handler
            .post_status(&path, &[("kind", "correction"), ("what", "请写明预算科目")])
            .await,
        StatusCode::SEE_OTHER
    );
    mailed(&sink, "补正告知书", "", &["请写明预算科目", "第三十条"]).await;
    assert_eq!(
        handler
            .post_status(&path, &[("kind", "correction_received")])
            .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        office
            .post_status(
                &path,
                &[
                    ("kind", "extend"),
                    ("days", "10"),
                    ("reason", "需要汇总多个科室的数据")
                ]
            )
            .await,
        StatusCode::SEE_OTHER
    );
    mailed(&sink, "延期答复告知书", "", &["延长 10 个工作日"]).await;
    assert_eq!(
        handler
            .post_status(&path, &[("kind", "reply"), ("outcome", "1")])
            .await,
        StatusCode::SEE_OTHER
    );
    mailed(&sink, "政府信息公开申请答复书", "", &["行政复议", &code]).await;

    // The digest goes to handlers with an e-mail address, listing overdue applications.
    handler_gets_mail(&app).await;
    let org = org(&app, "WQX004").await;
    let late = gongkai_store::testing::application(org.id, "很久以前的申请");
    let late = must(
        gongkai_store::applications::submit(
            &app.store,
            &late,
            chrono::Utc::now() - chrono::Duration::days(45),
            "",
        )
        .await,
    );
    let sent = must(
        gongkai_jobs::digest::due_soon_digest(
            &app.store,
            app.state.mailer.as_ref(),
            chrono::Utc::now(),
        )
        .await,
    );
    assert!(sent >= 1);
    mailed(
        &sink,
        "到期提醒",
        TO_HANDLER,
        &[&late.tracking_code, "已超期"],
    )
    .await;
}

#[tokio::test]
async fn writers_and_departments_are_notified_about_messages() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(Engine::Sqlite, smtp_on(sink.port)).await;
    handler_gets_mail(&app).await;
    let r = must(
        reqwest::Client::new()
            .post(format!("{}/api/v1/messages", app.base))
            .json(&serde_json::json!({
                "to": "head", "kind": "help", "title": "冬季供暖不热",
                "content": "小区暖气一直不热，家中有老人，请协调解决。", "name": "王五",
                "phone": "13955556666", "email": "wangwu@example.com", "secret": "chaxun-123",
            }))
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = must(r.json::<serde_json::Value>().await)["tracking_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    mailed(&sink, "留言已收到", TO_WRITER, &[&code]).await;
    let id = must(gongkai_store::messages::by_tracking_code(&app.store, &code).await).id;
    let office = Session::login(&app, "office").await;
    let handler = Session::login(&app, "handler").await;
    let path = format!("/admin/messages/{id}/events");
    office.post(&path, &[("kind", "accept")]).await;
    office
        .post(&path, &[("kind", "assign"), ("to", "WQX004")])
        .await;
    // The department's handler (not the office above it) is told of the assignment.
    mailed(&sink, "交办留言", TO_HANDLER, &["2 个工作日内退回"]).await;
    office
        .post(
            &path,
            &[("kind", "supervise"), ("text", "请今日内联系留言人")],
        )
        .await;
    mailed(&sink, "第 1 次督办", TO_HANDLER, &["请今日内联系留言人"]).await;
    handler
        .post(
            &path,
            &[
                ("kind", "draft_reply"),
                ("text", "已协调供热公司上门检修。"),
            ],
        )
        .await;
    office
        .post(&path, &[("kind", "approve_reply"), ("publish", "1")])
        .await;
    mailed(&sink, "留言答复", TO_WRITER, &["已协调供热公司上门检修"]).await;
    // A bad rating goes to the department with the rectification deadline.
    let writer = Session::anonymous(&app).await;
    writer
        .post(
            "/hudong/status",
            &[("tracking_code", &code), ("secret", "chaxun-123")],
        )
        .await;
    assert_eq!(
        writer
            .post_status("/hudong/rate", &[("rating", "very_unsatisfied")])
            .await,
        StatusCode::OK
    );
    mailed(&sink, "差评整改", TO_HANDLER, &["非常不满意"]).await;
    handler
        .post(
            &path,
            &[
                ("kind", "rectify_done"),
                ("text", "已更换供暖阀门，室温达标。"),
            ],
        )
        .await;
    mailed(&sink, "室温达标", &format!("{TO_WRITER}整改情况"), &[]).await;
}

/// The mail of the sites in the test app that has not gone out.
async fn unsent(app: &App) -> Vec<gongkai_store::outbox::OutboxMail> {
    let site = org(app, "WQX001").await;
    must(gongkai_store::outbox::unsent(&app.store, &[site.id]).await)
}

/// Waits (up to 15 s) until the unsent mail satisfies `ok`, and returns it.
async fn wait_for_outbox(
    app: &App,
    what: &str,
    ok: impl Fn(&[gongkai_store::outbox::OutboxMail]) -> bool,
) -> Vec<gongkai_store::outbox::OutboxMail> {
    for _ in 0..300 {
        let rows = unsent(app).await;
        if ok(&rows) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("outbox never showed {what}: {:?}", unsent(app).await);
}

/// Makes every waiting mail due now, as if its backoff had passed.
async fn backoff_passed(app: &App) {
    must(
        sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE status = 'pending'")
            .bind(gongkai_store::ts(
                chrono::Utc::now() - chrono::Duration::days(1),
            ))
            .execute(app.store.pool())
            .await,
    );
}

/// A valid application from `email`, as the JSON API takes it.
fn application(email: &str) -> serde_json::Value {
    serde_json::json!({
        "org": "WQX004", "applicant_kind": "natural", "name": "张三", "id_number": "11010519491231002X",
        "phone": "13912345678", "email": email,
        "description": "申请公开2025年乌恰县财政局部门预算执行情况", "delivery": "email", "secret": "chaxun-123",
    })
}

/// An application through the JSON API; returns its tracking code.
async fn apply_by_api(app: &App, email: &str) -> String {
    let r = must(
        reqwest::Client::new()
            .post(format!("{}/api/v1/applications", app.base))
            .json(&application(email))
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    must(r.json::<serde_json::Value>().await)["tracking_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_receipt_does_not_wait_for_a_stalled_mail_server() {
    for engine in ENGINES {
        let stalled = StalledSmtp::start().await;
        let port = stalled.port;
        let app = spawn_app_with(engine, smtp_on(port)).await;

        // The form: the receipt comes back at once although the mail server never answers.
        let citizen = Session::anonymous(&app).await;
        let key = citizen.field_from("/ysqgk/apply", "submission_key").await;
        let json = application("zhangsan@example.com");
        let mut fields: Vec<(&str, &str)> = json
            .as_object()
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        fields.extend([
            ("submission_key", key.as_str()),
            ("secret_again", "chaxun-123"),
        ]);
        let started = Instant::now();
        let r = citizen
            .post_multipart("/ysqgk/apply", &fields, vec![])
            .await;
        let took = started.elapsed();
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        assert!(
            took < Duration::from_secs(1),
            "{engine:?}: form took {took:?}"
        );
        let html = must(r.text().await);
        let by_form = support::code_in(&html);
        assert!(by_form.starts_with("YS"), "{html}");

        // The JSON API, the same.
        let started = Instant::now();
        let by_api = apply_by_api(&app, "lisi@example.com").await;
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(1),
            "{engine:?}: API took {took:?}"
        );

        // Meanwhile the sender is stuck at the stalled server, off the request.
        for _ in 0..200 {
            if stalled.accepted() > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(stalled.accepted() > 0, "{engine:?}: the sender never tried");
        assert_eq!(unsent(&app).await.len(), 2);
        // The server goes away: both attempts fail and wait for their retry.
        stalled.stop().await;
        let rows = wait_for_outbox(&app, "two failed attempts", |rows| {
            rows.len() == 2 && rows.iter().all(|m| m.attempts == 1)
        })
        .await;
        assert!(rows.iter().all(|m| !m.last_error.is_empty()), "{rows:?}");

        // A working server on the same port: once the retry is due, both receipts go out.
        let sink = SmtpSink::start_on(port);
        backoff_passed(&app).await;
        mailed(
            &sink,
            &by_form,
            "zhangsan@example.com|政府信息公开申请已收到",
            &[],
        )
        .await;
        mailed(&sink, &by_api, "lisi@example.com|", &[]).await;
        wait_for_outbox(&app, "nothing left", <[_]>::is_empty).await;
    }
}

#[tokio::test]
async fn failed_mail_shows_in_the_back_office_and_is_sent_again() {
    for engine in ENGINES {
        // Nothing listens on this port yet: every attempt fails at once.
        let port = free_port();
        let app = spawn_app_with(engine, smtp_on(port)).await;
        let code = apply_by_api(&app, "zhangsan@example.com").await;
        let rows = wait_for_outbox(&app, "a first failed attempt", |rows| {
            rows.iter().any(|m| m.attempts == 1)
        })
        .await;
        let id = rows[0].id;
        assert_eq!(rows[0].status.code(), "pending", "{engine:?}");
        let next = gongkai_domain::time::parse_storage_timestamp(&rows[0].next_attempt_at)
            .unwrap_or_else(|| panic!("no next attempt"));
        assert!(next > chrono::Utc::now() + chrono::Duration::seconds(30));
        // Every retry fails too, until the mail is given up after the sixth attempt.
        for attempt in 2..=6 {
            backoff_passed(&app).await;
            wait_for_outbox(&app, "one more attempt", |rows| {
                rows.iter().any(|m| m.attempts == attempt)
            })
            .await;
        }
        let rows = unsent(&app).await;
        assert_eq!(rows[0].status.code(), "failed", "{engine:?}: {rows:?}");

        // The openness office sees it with its error; a department's handler may not look.
        let handler = Session::login(&app, "handler").await;
        assert_eq!(
            handler.get("/admin/outbox").await.status(),
            StatusCode::FORBIDDEN
        );
        let office = Session::login(&app, "office").await;
        let page = office.get_text("/admin/outbox").await;
        assert!(
            page.contains("发送失败")
                && page.contains(&format!("政府信息公开申请已收到（{code}）"))
                && page.contains(&rows[0].last_error)
                && page.contains("重新发送"),
            "{page}"
        );
        assert!(
            office
                .get_text("/admin")
                .await
                .contains("href=\"/admin/outbox\"")
        );

        // 重新发送 puts it back in line (audited); with a server there now, it goes out.
        let sink = SmtpSink::start_on(port);
        let r = office
            .post(&format!("/admin/outbox/{id}/resend"), &[])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let audit = office.get_text("/admin/audit").await;
        assert!(audit.contains("重新发送邮件"), "{engine:?}");
        mailed(&sink, &code, "zhangsan@example.com|", &[]).await;
        wait_for_outbox(&app, "nothing left", <[_]>::is_empty).await;
        assert!(
            office
                .get_text("/admin/outbox")
                .await
                .contains("所有通知邮件均已发出")
        );
        // A mail that is not failed cannot be sent again.
        let again = office
            .post(&format!("/admin/outbox/{id}/resend"), &[])
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
    }
}
