//! 有条件开放 over HTTP on both engines: a request for a conditional dataset from its page, the
//! lookup with code and password, the handler's approval, the file downloaded from the status
//! page and with the token, `datastore_search` with the token, the token refused for another
//! dataset and after its period, a refusal with its reason on the status page, the due date in
//! working days, and the 数据开放需求 form making a message of its kind.

use std::time::Duration;

use chrono::Utc;
use gongkai_domain::time::beijing_date;
use gongkai_store::testing::ENGINES;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{App, Session, assert_has_all, code_in, must, spawn_app, wait_until};

/// The form of a request for `name` with `period_to` as its end.
async fn apply(app: &App, name: &str, period_to: &str) -> (StatusCode, String) {
    let visitor = Session::anonymous(app).await;
    let path = format!("/data/{name}/apply");
    let key = visitor.field_from(&path, "submission_key").await;
    let today = beijing_date(Utc::now()).to_string();
    let r = visitor
        .post(
            &path,
            &[
                ("submission_key", &key),
                ("applicant_kind", "natural"),
                ("name", "张三"),
                ("id_number", "11010519491231002X"),
                ("phone", "13800138000"),
                ("purpose", "研究全县低保救助的覆盖情况"),
                ("intended_use", "仅用于课题组内部统计分析，不向第三方提供"),
                ("period_from", &today),
                ("period_to", period_to),
                ("secret", "chaxun-mima"),
                ("secret_again", "chaxun-mima"),
            ],
        )
        .await;
    let status = r.status();
    (status, must(r.text().await))
}

/// A visitor who looked up request `code` (the status session's cookie is theirs).
async fn looked_up(app: &App, code: &str) -> (Session, String) {
    let visitor = Session::anonymous(app).await;
    let r = visitor
        .post(
            "/sjkf/status",
            &[("tracking_code", code), ("secret", "chaxun-mima")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "lookup of {code}");
    let page = must(r.text().await);
    (visitor, page)
}

async fn request_id(app: &App, code: &str) -> i64 {
    must(
        sqlx::query_scalar("SELECT id FROM data_access_requests WHERE tracking_code = $1")
            .bind(code)
            .fetch_one(app.store.pool())
            .await,
    )
}

async fn resource_uuid(app: &App, name: &str) -> String {
    must(
        sqlx::query_scalar(
            "SELECT r.uuid FROM dataset_resources r JOIN datasets d ON d.id = r.dataset_id
             WHERE d.name = $1 ORDER BY r.position",
        )
        .bind(name)
        .fetch_one(app.store.pool())
        .await,
    )
}

async fn audited(app: &App, action: &str, code: &str) -> i64 {
    must(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2")
            .bind(action)
            .bind(code)
            .fetch_one(app.store.pool())
            .await,
    )
}

/// `GET path` with `token` in the `Authorization` header.
async fn with_token(app: &App, path: &str, token: &str) -> reqwest::Response {
    must(
        reqwest::Client::new()
            .get(format!("{}{path}", app.base))
            .header("Authorization", token)
            .send()
            .await,
    )
}

#[tokio::test]
async fn a_conditional_dataset_is_used_with_an_approved_request_and_its_token() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        crate::data::dataset(&app, "wqx-cond", "低保对象明细", "conditional", true).await;
        crate::data::dataset(&app, "wqx-cond2", "特困人员明细", "conditional", true).await;
        let today = beijing_date(Utc::now());

        // The dataset's page shows the conditions, the apply link and no grants yet.
        let page = must(reqwest::get(format!("{}/data/wqx-cond", app.base)).await);
        let page = must(page.text().await);
        assert_has_all(
            &page,
            &[
                "仅向科研机构开放",
                "/data/wqx-cond/apply",
                "已批准使用申请 <strong>0</strong> 件",
            ],
        );
        // An unconditional dataset has no form.
        let visitor = Session::anonymous(&app).await;
        assert_eq!(
            visitor.get_status("/data/nothing-here/apply").await,
            StatusCode::NOT_FOUND
        );

        // Bad input: every problem named, in Chinese, nothing stored.
        let too_long = (today + chrono::Days::new(400)).to_string();
        let (status, refused) = apply(&app, "wqx-cond", &too_long).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(refused.contains("使用期限最长为 366 天"), "{refused}");

        // The request: a receipt with its SJ code and a due date 10 working days on.
        let end = (today + chrono::Days::new(90)).to_string();
        let (status, receipt) = apply(&app, "wqx-cond", &end).await;
        assert_eq!(status, StatusCode::CREATED, "{engine:?}: {receipt}");
        let code = code_in(&receipt);
        assert!(code.starts_with("SJ"), "{code}");
        let calendar = must(gongkai_store::calendar::load(&app.store).await);
        let (due, _) = must(calendar.due_date_or_provisional(today, 10, None));
        assert!(receipt.contains(&due.to_string()), "due {due}: {receipt}");
        assert!(receipt.contains("10 个工作日"));
        assert_eq!(audited(&app, "data_access.submit", &code).await, 1);

        // Looked up: pending, nothing to download yet.
        let (_, status_page) = looked_up(&app, &code).await;
        assert_has_all(&status_page, &["待审核", "低保对象明细", &due.to_string()]);
        assert!(!status_page.contains("/sjkf/download/"));
        // A wrong password finds nothing.
        let stranger = Session::anonymous(&app).await;
        let wrong = stranger
            .post(
                "/sjkf/status",
                &[("tracking_code", &code), ("secret", "wrong-pass")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

        // The handler of the dataset's organisation sees it first by due date and approves it.
        let handler = Session::login(&app, "handler").await;
        let list = handler.get_text("/admin/data-access").await;
        assert_has_all(&list, &[&code, "低保对象明细", "待审核", &due.to_string()]);
        let id = request_id(&app, &code).await;
        let blank = handler
            .post(
                &format!("/admin/data-access/{id}/decide"),
                &[("decision", "refuse"), ("reason", " ")],
            )
            .await;
        assert_eq!(blank.status(), StatusCode::CONFLICT);
        assert!(must(blank.text().await).contains("不予同意时请写明理由"));
        let approved = handler
            .post(
                &format!("/admin/data-access/{id}/decide"),
                &[
                    ("decision", "approve"),
                    ("granted_from", &today.to_string()),
                    ("granted_to", &end),
                ],
            )
            .await;
        assert_eq!(approved.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert_eq!(audited(&app, "data_access.approve", &code).await, 1);
        let page = must(reqwest::get(format!("{}/data/wqx-cond", app.base)).await);
        let want = "已批准使用申请 <strong>1</strong> 件";
        let page = must(page.text().await);
        assert!(page.contains(want), "{engine:?}: the count of grants");

        // The applicant downloads from the status page and asks for a token, shown once.
        let (applicant, status_page) = looked_up(&app, &code).await;
        assert!(status_page.contains("已同意"));
        let uuid = resource_uuid(&app, "wqx-cond").await;
        let file = applicant.get(&format!("/sjkf/download/{uuid}")).await;
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(
            must(file.text().await),
            "乡镇,人数\n乌恰镇,120\n黑孜苇乡,85\n"
        );
        let shown = applicant.post("/sjkf/token", &[]).await;
        assert_eq!(shown.status(), StatusCode::OK);
        let shown = must(shown.text().await);
        let token = shown
            .split("readonly value=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or_default()
            .to_owned();
        assert!(token.starts_with("sj_"), "{shown}");
        let again = applicant.get_text("/sjkf/status").await;
        assert!(!again.contains(&token), "the token is shown once");

        // With the token: the file and the table of this dataset.
        let download = format!("/data/wqx-cond/resources/{uuid}/download");
        let anonymous = must(reqwest::get(format!("{}{download}", app.base)).await);
        assert_eq!(anonymous.status(), StatusCode::FORBIDDEN);
        let file = with_token(&app, &download, &token).await;
        assert_eq!(file.status(), StatusCode::OK);
        assert!(must(file.text().await).contains("乌恰镇"));
        let search = format!("/api/3/action/datastore_search?resource_id={uuid}");
        let loaded = async || {
            let r = with_token(&app, &search, &token).await;
            r.status() == StatusCode::OK
        };
        let why = format!("{engine:?}: datastore_search with the token");
        wait_until(&why, Duration::from_secs(20), loaded).await;
        let rows: Value = must(with_token(&app, &search, &token).await.json().await);
        assert_eq!(rows["result"]["total"], Value::from(2));
        assert!(audited(&app, "data_access.download", &code).await >= 3);

        // Another dataset's file and table: refused, saying which dataset the token is for.
        let other = resource_uuid(&app, "wqx-cond2").await;
        let refused = with_token(
            &app,
            &format!("/data/wqx-cond2/resources/{other}/download"),
            &token,
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(must(refused.text().await).contains("只能用于批准使用的数据集“低保对象明细”"));
        let refused = with_token(
            &app,
            &format!("/api/3/action/datastore_search?resource_id={other}"),
            &token,
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);

        // CKAN clients may send the key as `X-CKAN-API-Key`: read alike.
        let ckan_key = must(
            reqwest::Client::new()
                .get(format!("{}{search}", app.base))
                .header("X-CKAN-API-Key", &token)
                .send()
                .await,
        );
        assert_eq!(
            ckan_key.status(),
            StatusCode::OK,
            "{engine:?}: X-CKAN-API-Key"
        );

        // A dataset taken off the catalogue ends every grant on it, through every way in.
        let set_status = async |status: &str| {
            must(
                sqlx::query("UPDATE datasets SET status = $1 WHERE name = 'wqx-cond'")
                    .bind(status)
                    .execute(app.store.pool())
                    .await,
            );
        };
        set_status("draft").await;
        assert_eq!(
            applicant
                .get_status(&format!("/sjkf/download/{uuid}"))
                .await,
            StatusCode::FORBIDDEN,
            "{engine:?}: the session download of a withdrawn dataset"
        );
        assert!(
            !applicant
                .get_text("/sjkf/status")
                .await
                .contains("/sjkf/download/")
        );
        assert_ne!(
            with_token(&app, &download, &token).await.status(),
            StatusCode::OK
        );
        assert_ne!(
            with_token(&app, &search, &token).await.status(),
            StatusCode::OK
        );
        set_status("published").await;

        // Past its period (the end written into the past): refused, shown as 已过期.
        let past = (today - chrono::Days::new(1)).to_string();
        must(
            sqlx::query("UPDATE data_access_requests SET granted_to = $1 WHERE id = $2")
                .bind(&past)
                .bind(id)
                .execute(app.store.pool())
                .await,
        );
        let expired = with_token(&app, &download, &token).await;
        assert_eq!(expired.status(), StatusCode::FORBIDDEN);
        assert!(must(expired.text().await).contains("不在批准的使用期限内"));
        let expired = with_token(&app, &search, &token).await;
        assert_eq!(expired.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            applicant
                .get_status(&format!("/sjkf/download/{uuid}"))
                .await,
            StatusCode::FORBIDDEN
        );
        assert!(applicant.get_text("/sjkf/status").await.contains("已过期"));

        // A refusal with its reason, shown to the applicant.
        let (_, receipt) = apply(&app, "wqx-cond2", &end).await;
        let code2 = code_in(&receipt);
        let id2 = request_id(&app, &code2).await;
        let refused = handler
            .post(
                &format!("/admin/data-access/{id2}/decide"),
                &[
                    ("decision", "refuse"),
                    ("reason", "申请人不属于开放条件所列的科研机构"),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::SEE_OTHER);
        let (_, page) = looked_up(&app, &code2).await;
        assert_has_all(&page, &["不予同意", "申请人不属于开放条件所列的科研机构"]);
        assert!(!page.contains("/sjkf/download/"));
    }
}

#[tokio::test]
async fn a_data_demand_becomes_a_message_of_its_kind() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        crate::data::dataset(&app, "wqx-cond", "低保对象明细", "conditional", true).await;
        let index = must(reqwest::get(format!("{}/data/", app.base)).await);
        assert!(must(index.text().await).contains("/data/demand"));
        let visitor = Session::anonymous(&app).await;
        let path = "/data/demand?dataset=wqx-cond";
        let key = visitor.field_from(path, "submission_key").await;
        let r = visitor
            .post(
                "/data/demand",
                &[
                    ("submission_key", &key),
                    ("dataset", "wqx-cond"),
                    ("title", "希望开放各乡镇低保人数的月度数据"),
                    ("content", "希望按月开放各乡镇低保人数，便于研究。"),
                    ("name", "李四"),
                    ("phone", "13900139000"),
                    ("secret", "chaxun-mima"),
                    ("secret_again", "chaxun-mima"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let code = code_in(&must(r.text().await));
        let (kind, org): (String, String) = must(
            sqlx::query_as(
                "SELECT m.kind, o.code FROM messages m JOIN organisations o ON o.id = m.org_id
                 WHERE m.tracking_code = $1",
            )
            .bind(&code)
            .fetch_one(app.store.pool())
            .await,
        );
        assert_eq!((kind.as_str(), org.as_str()), ("data_demand", "WQX004"));
        // Without a dataset it goes to the site itself.
        let key = visitor.field_from("/data/demand", "submission_key").await;
        let r = visitor
            .post(
                "/data/demand",
                &[
                    ("submission_key", &key),
                    ("title", "希望开放公共停车场泊位数据"),
                    ("content", "希望开放县城公共停车场的泊位和收费数据。"),
                    ("name", "王五"),
                    ("phone", "13700137000"),
                    ("secret", "chaxun-mima"),
                    ("secret_again", "chaxun-mima"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let code = code_in(&must(r.text().await));
        let org: String = must(
            sqlx::query_scalar(
                "SELECT o.code FROM messages m JOIN organisations o ON o.id = m.org_id
                 WHERE m.tracking_code = $1",
            )
            .bind(&code)
            .fetch_one(app.store.pool())
            .await,
        );
        assert_eq!(org, "WQX001");
    }
}
