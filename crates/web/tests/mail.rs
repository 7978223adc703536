//! E-mail notifications against a real SMTP server process (Debian's python3-aiosmtpd, run as a
//! child process on a free local port): the receipt, the correction notice, the extension, the
//! reply, and the due-soon digest to handlers.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gongkai_domain::user::Username;
use gongkai_store::{Actor, Engine, users};
use reqwest::StatusCode;
use support::{Session, must, spawn_app_with};

/// A tiny SMTP sink: prints one decoded line per message.
const SERVER: &str = r#"
import email, sys, time
from email import policy
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_content().replace("\n", " ")
        print("MAIL|" + ",".join(envelope.rcpt_tos) + "|" + str(msg["subject"]) + "|" + body, flush=True)
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("READY", flush=True)
while True:
    time.sleep(3600)
"#;

struct SmtpSink {
    child: Child,
    port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sink() -> SmtpSink {
    let port = must(must(std::net::TcpListener::bind("127.0.0.1:0")).local_addr()).port();
    let mut child = Command::new("/usr/bin/python3")
        .args(["-c", SERVER, &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the SMTP sink (install python3-aiosmtpd): {e}"));
    let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mails = Arc::new(Mutex::new(Vec::new()));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let sink = mails.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if line == "READY" {
                let _ = ready_tx.send(());
            } else if let Some(m) = line.strip_prefix("MAIL|")
                && let Ok(mut v) = sink.lock()
            {
                v.push(m.to_owned());
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("the SMTP sink did not start (is python3-aiosmtpd installed?)"));
    SmtpSink { child, port, mails }
}

impl SmtpSink {
    async fn wait_for(&self, needle: &str) -> String {
        for _ in 0..100 {
            if let Some(m) = self
                .mails
                .lock()
                .ok()
                .and_then(|v| v.iter().find(|m| m.contains(needle)).cloned())
            {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no mail containing {needle:?}; got {:?}",
            self.mails.lock().map(|v| v.clone()).unwrap_or_default()
        );
    }
}

#[tokio::test]
async fn applicants_and_handlers_are_notified_by_mail() {
    let sink = start_sink();
    let port = sink.port;
    let app = spawn_app_with(Engine::Sqlite, |c| {
        c.smtp.host = "127.0.0.1".into();
        c.smtp.port = port;
        c.smtp.from = "乌恰县人民政府办公室 <gongkai@example.gov.cn>".into();
        c.smtp.security = "none".into();
    })
    .await;
    let r = must(
        reqwest::Client::new()
            .post(format!("{}/api/v1/applications", app.base))
            .json(&serde_json::json!({
                "org": "WQX004", "applicant_kind": "natural", "name": "张三", "id_number": "11010519491231002X",
                "phone": "13912345678", "email": "zhangsan@example.com",
                "description": "申请公开2025年乌恰县财政局部门预算执行情况", "delivery": "email", "secret": "chaxun-123",
            }))
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = must(r.json::<serde_json::Value>().await)["tracking_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let receipt = sink.wait_for("政府信息公开申请已收到").await;
    assert!(
        receipt.starts_with("zhangsan@example.com|") && receipt.contains(&code),
        "{receipt}"
    );

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
            .post(&path, &[("kind", "correction"), ("what", "请写明预算科目")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let notice = sink.wait_for("补正告知书").await;
    assert!(
        notice.contains("请写明预算科目") && notice.contains("第三十条"),
        "{notice}"
    );
    assert_eq!(
        handler
            .post(&path, &[("kind", "correction_received")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        office
            .post(
                &path,
                &[
                    ("kind", "extend"),
                    ("days", "10"),
                    ("reason", "需要汇总多个科室的数据")
                ]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let ext = sink.wait_for("延期答复告知书").await;
    assert!(ext.contains("延长 10 个工作日"), "{ext}");
    assert_eq!(
        handler
            .post(&path, &[("kind", "reply"), ("outcome", "1")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let reply = sink.wait_for("政府信息公开申请答复书").await;
    assert!(
        reply.contains("行政复议") && reply.contains(&code),
        "{reply}"
    );

    // The digest goes to handlers with an e-mail address, listing overdue applications.
    must(
        users::set_email(
            &app.store,
            &Actor::system(),
            &must(Username::parse("handler")),
            "handler@example.gov.cn",
        )
        .await,
    );
    let org = must(
        gongkai_store::orgs::by_code(
            &app.store,
            &must(gongkai_domain::org::OrgCode::parse("WQX004")),
        )
        .await,
    );
    let late = gongkai_store::applications::NewApplication {
        submission_key: gongkai_store::sessions::random_token(),
        org_id: org.id,
        applicant_kind: gongkai_domain::application::ApplicantKind::Natural,
        name: "李四".into(),
        id_number: "11010519491231002X".into(),
        credit_code: String::new(),
        contact_person: String::new(),
        phone: "13912345678".into(),
        email: String::new(),
        address: String::new(),
        postcode: String::new(),
        description: "很久以前的申请".into(),
        doc_hint: String::new(),
        delivery: gongkai_domain::application::DeliveryForm::Download,
        secret: "chaxun-123".into(),
        files: Vec::new(),
    };
    let late = must(
        gongkai_store::applications::submit(
            &app.store,
            &late,
            chrono::Utc::now() - chrono::Duration::days(45),
            "",
        )
        .await,
    );
    let sent = must(gongkai_web::notify::due_soon_digest(&app.state).await);
    assert!(sent >= 1);
    let digest = sink.wait_for("到期提醒").await;
    assert!(
        digest.starts_with("handler@example.gov.cn|")
            && digest.contains(&late.tracking_code)
            && digest.contains("已超期"),
        "{digest}"
    );
}

#[tokio::test]
async fn writers_and_departments_are_notified_about_messages() {
    let sink = start_sink();
    let port = sink.port;
    let app = spawn_app_with(Engine::Sqlite, |c| {
        c.smtp.host = "127.0.0.1".into();
        c.smtp.port = port;
        c.smtp.from = "乌恰县人民政府办公室 <gongkai@example.gov.cn>".into();
        c.smtp.security = "none".into();
    })
    .await;
    must(
        users::set_email(
            &app.store,
            &Actor::system(),
            &must(Username::parse("handler")),
            "handler@example.gov.cn",
        )
        .await,
    );
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
    let receipt = sink.wait_for("留言已收到").await;
    assert!(
        receipt.starts_with("wangwu@example.com|") && receipt.contains(&code),
        "{receipt}"
    );
    let id = must(gongkai_store::messages::by_tracking_code(&app.store, &code).await).id;
    let office = Session::login(&app, "office").await;
    let handler = Session::login(&app, "handler").await;
    let path = format!("/admin/messages/{id}/events");
    office.post(&path, &[("kind", "accept")]).await;
    office
        .post(&path, &[("kind", "assign"), ("to", "WQX004")])
        .await;
    // The department's handler (not the office above it) is told of the assignment.
    let assigned = sink.wait_for("交办留言").await;
    assert!(
        assigned.starts_with("handler@example.gov.cn|") && assigned.contains("2 个工作日内退回"),
        "{assigned}"
    );
    office
        .post(
            &path,
            &[("kind", "supervise"), ("text", "请今日内联系留言人")],
        )
        .await;
    let supervised = sink.wait_for("第 1 次督办").await;
    assert!(
        supervised.starts_with("handler@example.gov.cn|")
            && supervised.contains("请今日内联系留言人"),
        "{supervised}"
    );
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
    let reply = sink.wait_for("留言答复").await;
    assert!(
        reply.starts_with("wangwu@example.com|") && reply.contains("已协调供热公司上门检修"),
        "{reply}"
    );
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
            .post("/hudong/rate", &[("rating", "very_unsatisfied")])
            .await
            .status(),
        StatusCode::OK
    );
    let bad = sink.wait_for("差评整改").await;
    assert!(
        bad.starts_with("handler@example.gov.cn|") && bad.contains("非常不满意"),
        "{bad}"
    );
    handler
        .post(
            &path,
            &[
                ("kind", "rectify_done"),
                ("text", "已更换供暖阀门，室温达标。"),
            ],
        )
        .await;
    let fixed = sink.wait_for("室温达标").await;
    assert!(fixed.starts_with("wangwu@example.com|整改情况"), "{fixed}");
}
