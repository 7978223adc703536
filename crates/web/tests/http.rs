//! The web layer over real HTTP: the server runs on a random port against a throwaway
//! database, once on SQLite and once on PostgreSQL, and the tests speak HTTP to it.

use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Role;
use gongkai_domain::user::Username;
use gongkai_store::audit::{self, Verification};
use gongkai_store::testing::{ENGINES, add_staff};
use gongkai_store::{Engine, Store, orgs, users};
use gongkai_web::{AppState, WebConfig};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use crate::support::{self, App, PASSWORD, add_orgs, must};

async fn add_user(store: &Store, name: &str, org: &str, role: Role) {
    add_staff(store, name, name, org, vec![role]).await;
}

/// Starts the real server on a random port with a county, a department and two accounts.
async fn spawn_app(engine: Engine) -> App {
    spawn_app_with_policy(engine, gongkai_domain::throttle::LoginPolicy::default()).await
}

/// Starts the app with a login throttling policy of the test's choosing.
async fn spawn_app_with_policy(
    engine: Engine,
    policy: gongkai_domain::throttle::LoginPolicy,
) -> App {
    let (db, store) = support::county_db(engine).await;
    add_user(&store, "admin", "WQX001", Role::Admin).await;
    add_user(&store, "editor", "WQX004", Role::Editor).await;
    let state = must(AppState::new(store.clone(), WebConfig::default())).with_login_policy(policy);
    support::serve(db, store, state).await
}

fn client() -> reqwest::Client {
    must(
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build(),
    )
}

/// The CSRF token in the hidden field of the page at `path`.
async fn token(c: &reqwest::Client, app: &App, path: &str) -> String {
    let html = must(
        must(c.get(format!("{}{path}", app.base)).send().await)
            .text()
            .await,
    );
    support::csrf_token(&html, path)
}

async fn login(c: &reqwest::Client, app: &App, user: &str, password: &str) -> reqwest::Response {
    let t = token(c, app, "/admin/login").await;
    must(
        c.post(format!("{}/admin/login", app.base))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf_token", &t),
                ("next", "/admin"),
            ])
            .send()
            .await,
    )
}

#[tokio::test]
async fn healthz_names_the_engine() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let r = must(reqwest::get(format!("{}/healthz", app.base)).await);
        assert_eq!(r.status(), StatusCode::OK);
        let body: serde_json::Value = must(r.json().await);
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], engine.name());
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    }
}

#[tokio::test]
async fn staff_log_in_see_their_dashboard_and_log_out() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        let r = must(c.get(format!("{}/admin", app.base)).send().await);
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/admin/login?next=/admin");

        let r = login(&c, &app, "admin", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert_eq!(r.headers()["location"], "/admin");
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("gk_session="))
            .map(str::to_owned)
            .unwrap_or_default();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );

        let html = must(
            must(c.get(format!("{}/admin", app.base)).send().await)
                .text()
                .await,
        );
        assert!(
            html.contains("乌恰县人民政府") && html.contains("管理员"),
            "{html}"
        );
        assert!(html.contains("lang=\"zh-CN\""));

        let t = token(&c, &app, "/admin").await;
        let r = must(
            c.post(format!("{}/admin/logout", app.base))
                .form(&[("csrf_token", t)])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = must(c.get(format!("{}/admin", app.base)).send().await);
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "session ended on logout");

        // The login and logout are in the audit log with the client's address, and the chain holds.
        let entries = must(audit::recent(&app.store, 50, None).await);
        let login_entry = entries
            .iter()
            .find(|e| e.action == "user.login")
            .map(|e| e.ip.clone());
        assert_eq!(login_entry.as_deref(), Some("127.0.0.1"));
        assert!(entries.iter().any(|e| e.action == "user.logout"));
        assert!(matches!(
            must(audit::verify(&app.store).await),
            Verification::Intact(_)
        ));
    }
}

#[tokio::test]
async fn forms_without_the_right_token_or_from_another_origin_are_refused() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        // The citizens' forms are protected the same way as the staff's.
        for path in [
            "/ysqgk/apply",
            "/hudong/write",
            "/ysqgk/status",
            "/hudong/status",
            "/hudong/rate",
            "/zhengji/1/comment",
        ] {
            let r = must(
                c.post(format!("{}{path}", app.base))
                    .form(&[("title", "无令牌")])
                    .send()
                    .await,
            );
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let _ = token(&c, &app, "/admin/login").await; // the cookie is set
        let url = format!("{}/admin/login", app.base);
        let none = must(
            c.post(&url)
                .form(&[("username", "admin"), ("password", PASSWORD)])
                .send()
                .await,
        );
        assert_eq!(none.status(), StatusCode::FORBIDDEN);
        let body = must(none.text().await);
        assert!(body.contains("页面已过期"), "{body}");

        let wrong = "0".repeat(64);
        let r = must(
            c.post(&url)
                .form(&[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("csrf_token", &wrong),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let t = token(&c, &app, "/admin/login").await;
        let r = must(
            c.post(&url)
                .header("origin", "https://evil.example")
                .form(&[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("csrf_token", &t),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // A fresh client with no cookie at all cannot post either.
        let r = must(
            client()
                .post(&url)
                .form(&[
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("csrf_token", &t),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        for _ in 0..4 {
            let r = login(&c, &app, "admin", "wrong-password").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            let html = must(r.text().await);
            assert!(html.contains("用户名或密码不正确"));
            assert!(html.contains("value=\"admin\""), "the typed name is kept");
        }
        let r = login(&c, &app, "admin", "wrong-password").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
        assert!(must(r.text().await).contains("锁定"));
        let r = login(&c, &app, "admin", PASSWORD).await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "locked even with the right password"
        );
        // Another account from another client is not affected by this account's lock.
        let r = login(&client(), &app, "editor", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn a_lockout_expires_on_its_own() {
    let policy = gongkai_domain::throttle::LoginPolicy {
        max_account_failures: 2,
        lockout: chrono::Duration::seconds(2),
        ..gongkai_domain::throttle::LoginPolicy::default()
    };
    for engine in ENGINES {
        let app = spawn_app_with_policy(engine, policy).await;
        let c = client();
        assert_eq!(
            login(&c, &app, "admin", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            login(&c, &app, "admin", "wrong-password").await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            login(&c, &app, "admin", PASSWORD).await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{engine:?}: locked"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert_eq!(
            login(&c, &app, "admin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER,
            "{engine:?}: the lock has expired"
        );
    }
}

#[tokio::test]
async fn two_sites_share_a_deployment_and_each_administrator_stays_in_their_own() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        // A second county on the same deployment (集约化), with its own department and staff.
        add_orgs(
            &app.store,
            &[
                ("ATS001", "阿图什市人民政府", None),
                ("ATS004", "阿图什市财政局", Some("ATS001")),
            ],
        )
        .await;
        add_user(&app.store, "ats-admin", "ATS001", Role::Admin).await;
        add_user(&app.store, "ats-editor", "ATS004", Role::Editor).await;
        let sites: Vec<String> = must(orgs::sites(&app.store).await)
            .into_iter()
            .map(|o| o.code)
            .collect();
        assert_eq!(sites, ["WQX001", "ATS001"], "{engine:?}: two sites");

        let c = client();
        assert_eq!(
            login(&c, &app, "ats-admin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let page = |path: &'static str| {
            let c = c.clone();
            let url = format!("{}{path}", app.base);
            async move { must(must(c.get(url).send().await).text().await) }
        };
        let post = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
            let c = c.clone();
            let app_base = app.base.clone();
            async move {
                let html = must(
                    must(c.get(format!("{app_base}/admin/users")).send().await)
                        .text()
                        .await,
                );
                let marker = "name=\"csrf_token\" value=\"";
                let at = html.find(marker).map(|i| i + marker.len()).unwrap_or(0);
                let token = html[at..at + 64].to_owned();
                let mut form: Vec<(&str, &str)> = fields;
                form.push(("csrf_token", &token));
                must(c.post(format!("{app_base}{path}")).form(&form).send().await)
            }
        };

        // Accounts: only the administrator's own county is listed or offered.
        let users_page = page("/admin/users").await;
        assert!(users_page.contains("<td>ats-editor</td>"), "{engine:?}");
        assert!(
            !users_page.contains("<td>editor</td>"),
            "{engine:?}: the other county's account is not listed"
        );
        assert!(
            !users_page.contains("乌恰县财政局"),
            "{engine:?}: nor its organisations offered"
        );
        let r = post(
            "/admin/users",
            vec![
                ("username", "intruder"),
                ("display_name", "越权账号"),
                ("org", "WQX004"),
                ("roles", "editor"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("只能在您所管理的机构中添加账号"));
        let intruder = must(Username::parse("intruder"));
        assert!(
            users::by_username(&app.store, &intruder).await.is_err(),
            "{engine:?}: not created"
        );
        for (path, fields) in [
            ("/admin/users/admin/status", vec![("disabled", "1")]),
            (
                "/admin/users/admin/password",
                vec![("password", "Taken-Over-2026")],
            ),
        ] {
            let r = post(path, fields).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine:?}: {path}");
        }
        assert_eq!(
            login(&client(), &app, "admin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER,
            "{engine:?}: the other county's administrator is untouched"
        );
        let r = post(
            "/admin/users",
            vec![
                ("username", "ats-handler"),
                ("display_name", "阿图什办理员"),
                ("org", "ATS004"),
                ("roles", "handler"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}: own county");

        // Organisations: the same, and a new site is the operator's to add (gongkai org add).
        let orgs_page = page("/admin/orgs").await;
        assert!(
            orgs_page.contains("ATS004") && !orgs_page.contains("WQX004"),
            "{engine:?}"
        );
        for (fields, refusal) in [
            (
                vec![("code", "WQX099"), ("name", "越权局"), ("parent", "WQX001")],
                "只能在您所管理的机构下添加",
            ),
            (
                vec![
                    ("code", "NEW001"),
                    ("name", "新站点人民政府"),
                    ("parent", ""),
                ],
                "请选择上级机构",
            ),
        ] {
            let r = post("/admin/orgs", fields).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST);
            assert!(
                must(r.text().await).contains(refusal),
                "{engine:?}: {refusal}"
            );
        }
        let r = post(
            "/admin/orgs",
            vec![
                ("code", "ATS099"),
                ("name", "阿图什市测试局"),
                ("parent", "ATS001"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}: own county");
        let codes: Vec<String> = must(orgs::list(&app.store).await)
            .into_iter()
            .map(|o| o.code)
            .collect();
        assert!(codes.contains(&"ATS099".to_owned()) && !codes.contains(&"WQX099".to_owned()));

        // The site's region (whose holidays count): only the administrator's own site.
        let calendar = page("/admin/calendar").await;
        assert!(calendar.contains("value=\"ATS001\"") && !calendar.contains("value=\"WQX001\""));
        let r = post(
            "/admin/calendar/region",
            vec![("site", "WQX001"), ("region", "XJ")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("请选择您所管理的站点"));
        let region = must(gongkai_store::applications::region_of_site(&app.store, "WQX001").await);
        assert!(
            region.is_none(),
            "{engine:?}: the other site's region is unchanged"
        );
    }
}

/// Every back-office path the router registers, with sample values for its parameters.
fn staff_paths() -> Vec<String> {
    let source = include_str!("../src/router.rs");
    let mut paths: Vec<String> = source
        .split('"')
        .filter(|s| s.starts_with("/admin"))
        .map(|p| {
            p.split('/')
                .map(|part| match part {
                    "{code}" => "WQX004",
                    p if p.starts_with('{') => "1",
                    p => p,
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[tokio::test]
async fn every_staff_route_answers_strangers_with_the_login_page() {
    let paths = staff_paths();
    assert!(paths.len() > 40, "{paths:?}");
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        for path in paths
            .iter()
            .filter(|p| !p.starts_with("/admin/login") && !p.starts_with("/admin/logout"))
        {
            let url = format!("{}{path}", app.base);
            let r = must(client().get(&url).send().await);
            let status = r.status();
            let location = support::header(&r, "location");
            assert!(
                (status == StatusCode::SEE_OTHER && location.starts_with("/admin/login"))
                    || status == StatusCode::METHOD_NOT_ALLOWED,
                "{engine:?} GET {path}: {status} {location}"
            );
            // A stranger's post never changes anything: refused by the CSRF check or the login.
            let r = must(client().post(&url).form(&[("x", "1")]).send().await);
            assert!(
                matches!(
                    r.status(),
                    StatusCode::FORBIDDEN | StatusCode::SEE_OTHER | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{engine:?} POST {path}: {}",
                r.status()
            );
        }
        let log = must(audit::recent(&app.store, 1000, None).await);
        assert!(
            log.iter()
                .all(|e| e.action.starts_with("org.") || e.action.starts_with("user.")),
            "a stranger changed nothing"
        );
    }
}

#[tokio::test]
async fn an_editor_cannot_reach_admin_pages() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        assert_eq!(
            login(&c, &app, "editor", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let dash = must(
            must(c.get(format!("{}/admin", app.base)).send().await)
                .text()
                .await,
        );
        assert!(dash.contains("编辑"));
        assert!(
            !dash.contains("href=\"/admin/users\""),
            "no link to what the editor cannot open"
        );
        for path in ["/admin/users", "/admin/orgs", "/admin/audit"] {
            let r = must(c.get(format!("{}{path}", app.base)).send().await);
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
            assert!(must(r.text().await).contains("您没有"), "{path}");
        }
        let t = token(&c, &app, "/admin").await;
        let r = must(
            c.post(format!("{}/admin/orgs", app.base))
                .form(&[("code", "WQX099"), ("name", "越权机构"), ("csrf_token", &t)])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(
            orgs::by_code(&app.store, &must(OrgCode::parse("WQX099")))
                .await
                .is_err(),
            "the refused form created nothing"
        );
    }
}

#[tokio::test]
async fn every_back_office_page_needs_a_session() {
    let app = spawn_app(Engine::Sqlite).await;
    for path in ["/admin", "/admin/orgs", "/admin/users", "/admin/audit"] {
        let r = must(client().get(format!("{}{path}", app.base)).send().await);
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap_or_default()
                .starts_with("/admin/login?next="),
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_admin_adds_an_organisation_and_bad_input_keeps_what_was_typed() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        assert_eq!(
            login(&c, &app, "admin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let t = token(&c, &app, "/admin/orgs").await;
        let url = format!("{}/admin/orgs", app.base);
        let r = must(
            c.post(&url)
                .form(&[
                    ("code", "WQX021"),
                    ("name", "乌恰县统计局"),
                    ("parent", "WQX001"),
                    ("csrf_token", &t),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let org = must(orgs::by_code(&app.store, &must(OrgCode::parse("WQX021"))).await);
        assert_eq!(org.parent_code.as_deref(), Some("WQX001"));
        assert_eq!(org.kind, "department");

        let r = must(
            c.post(&url)
                .form(&[
                    ("code", "坏代码"),
                    ("name", "乌恰县档案局"),
                    ("csrf_token", &t),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = must(r.text().await);
        assert!(html.contains("机构代码只能包含"), "{html}");
        assert!(html.contains("value=\"乌恰县档案局\""), "typed name kept");
        assert!(
            html.contains("aria-describedby=\"e-code"),
            "error tied to its field"
        );

        let r = must(
            c.post(&url)
                .form(&[
                    ("code", "WQX021"),
                    ("name", "重复的局"),
                    ("parent", "WQX001"),
                    ("csrf_token", &t),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(must(r.text().await).contains("已被使用"));
    }
}

#[tokio::test]
async fn an_admin_manages_accounts_over_http() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let admin = client();
        assert_eq!(
            login(&admin, &app, "admin", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let t = token(&admin, &app, "/admin/users").await;
        let r = must(
            admin
                .post(format!("{}/admin/users", app.base))
                .form(&[
                    ("username", "reviewer1"),
                    ("display_name", "审核员甲"),
                    ("org", "WQX004"),
                    ("roles", "reviewer"),
                    ("roles", "handler"),
                    ("password", PASSWORD),
                    ("csrf_token", &t),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let user = must(users::list(&app.store).await)
            .into_iter()
            .find(|u| u.username == "reviewer1");
        assert_eq!(user.map(|u| u.role_labels()), Some(vec!["审核", "办理"]));

        // The new account can log in; once disabled its session stops working.
        let reviewer = client();
        assert_eq!(
            login(&reviewer, &app, "reviewer1", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let r = must(
            admin
                .post(format!("{}/admin/users/reviewer1/status", app.base))
                .form(&[("disabled", "1"), ("csrf_token", &t)])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = must(reviewer.get(format!("{}/admin", app.base)).send().await);
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            login(&client(), &app, "reviewer1", PASSWORD).await.status(),
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn oversized_bodies_get_413_and_unknown_pages_a_chinese_404() {
    let app = spawn_app(Engine::Sqlite).await;
    let c = client();
    let t = token(&c, &app, "/admin/login").await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = must(
        c.post(format!("{}/admin/login", app.base))
            .form(&[("username", big.as_str()), ("csrf_token", &t)])
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(must(r.text().await).contains("提交的内容过大"));

    let r = must(c.get(format!("{}/no/such/page", app.base)).send().await);
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = must(r.text().await);
    assert!(html.contains("页面不存在") && html.contains("lang=\"zh-CN\""));

    let r = must(c.get(format!("{}/api/v1/nothing", app.base)).send().await);
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = must(r.json().await);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn public_pages_render_and_the_elder_mode_is_remembered() {
    let app = spawn_app(Engine::Sqlite).await;
    let c = client();
    let home = must(
        must(c.get(format!("{}/", app.base)).send().await)
            .text()
            .await,
    );
    assert!(home.contains("乌恰县财政局") && home.contains("跳到主要内容"));
    assert!(!home.contains("class=\"care\""));
    let jigou = must(
        must(c.get(format!("{}/jigou", app.base)).send().await)
            .text()
            .await,
    );
    assert!(jigou.contains("WQX004"));

    let r = must(
        c.get(format!("{}/mode?care=1&back=/jigou", app.base))
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/jigou");
    let jigou = must(
        must(c.get(format!("{}/jigou", app.base)).send().await)
            .text()
            .await,
    );
    assert!(jigou.contains("<html lang=\"zh-CN\" class=\"care\">"));
    assert!(jigou.contains("切换到标准版"));

    let api: serde_json::Value = must(
        must(
            c.get(format!("{}/api/v1/organisations", app.base))
                .send()
                .await,
        )
        .json()
        .await,
    );
    assert_eq!(api[1]["code"], "WQX004");
    assert_eq!(api[1]["parent"], "WQX001");
}

#[tokio::test]
async fn redirect_targets_never_leave_the_site_nor_fail() {
    let app = spawn_app(Engine::Sqlite).await;
    let c = client();
    for back in [
        "/%09/evil.example",
        "/%0a",
        "/%0d%0aSet-Cookie:x=1",
        "//evil.example",
        "/%5Cevil.example",
        "/%2F%2Fevil.example",
        "https://evil.example",
    ] {
        let r = must(
            c.get(format!("{}/mode?care=1&back={back}", app.base))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(r.headers()["location"], "/", "{back}");
    }

    // A `next` with a newline or a tab after login goes to the dashboard, not to a 500.
    let t = token(&c, &app, "/admin/login").await;
    let r = must(
        c.post(format!("{}/admin/login", app.base))
            .form(&[
                ("username", "admin"),
                ("password", PASSWORD),
                ("csrf_token", &t),
                ("next", "/admin\n/evil"),
            ])
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/admin");
    for next in ["/admin%0a", "/admin%09/x", "/admin/%5C%5Cevil"] {
        let r = must(
            c.get(format!("{}/admin/login?next={next}", app.base))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(r.headers()["location"], "/admin", "{next}");
    }
}

#[tokio::test]
async fn staff_pages_and_a_citizens_own_status_are_never_stored() {
    let app = spawn_app(Engine::Sqlite).await;
    let c = client();
    let r = login(&c, &app, "admin", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for path in [
        "/admin",
        "/admin/users",
        "/admin/login",
        "/ysqgk/status",
        "/hudong/status",
    ] {
        let r = must(c.get(format!("{}{path}", app.base)).send().await);
        assert_eq!(r.headers()["cache-control"], "private, no-store", "{path}");
    }
    // Public pages without personal data may still be revalidated from the cache.
    let r = must(c.get(format!("{}/jigou", app.base)).send().await);
    assert_eq!(r.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn huge_page_numbers_are_refused_on_both_engines() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        for path in ["/xxgk/list", "/hudong/"] {
            let r = must(
                c.get(format!("{}{path}?page=529937027478009920", app.base))
                    .send()
                    .await,
            );
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?} {path}");
            assert!(
                must(r.text().await).contains("页码超出范围"),
                "{engine:?} {path}"
            );
        }
        let r = must(
            c.get(format!(
                "{}/api/v1/records?page=529937027478009920",
                app.base
            ))
            .send()
            .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let body: serde_json::Value = must(r.json().await);
        assert_eq!(body["error"]["code"], "page.number_too_large", "{engine:?}");
        // The last allowed page is an empty answer, not an error.
        let r = must(
            c.get(format!("{}/api/v1/records?page=100000", app.base))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
    }
}

#[tokio::test]
async fn control_characters_are_refused_at_the_edge_on_both_engines() {
    for engine in ENGINES {
        let app = spawn_app(engine).await;
        let c = client();
        let r = must(
            c.post(format!("{}/api/v1/messages", app.base))
                .header("content-type", "application/json")
                .body(r#"{"title":"a\u0000b"}"#)
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let body: serde_json::Value = must(r.json().await);
        assert_eq!(
            body["error"]["code"], "input.control_character",
            "{engine:?}"
        );

        let t = token(&c, &app, "/admin/login").await;
        let r = must(
            c.post(format!("{}/admin/login", app.base))
                .form(&[
                    ("username", "ad\0min"),
                    ("password", PASSWORD),
                    ("csrf_token", &t),
                    ("next", "/admin"),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(must(r.text().await).contains("控制字符"), "{engine:?}");

        for path in [
            "/xxgk/list?theme=%00",
            "/search?q=a%00b",
            "/zhengji/chaxun?code=%00",
        ] {
            let r = must(c.get(format!("{}{path}", app.base)).send().await);
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?} {path}");
        }
        // Line breaks and tabs in text stay allowed.
        let r = must(c.get(format!("{}/search?q=a%09b", app.base)).send().await);
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
    }
}
