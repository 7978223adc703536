//! The deployment administrator (平台管理员) above the sites, on both engines: adding a site with
//! its first administrator and host over HTTP, that administrator seeing only the new site,
//! county administrators kept out of the platform pages and out of each other's counties, and a
//! refused site (taken code, host or user name) leaving nothing half-created.

use std::time::Duration;

use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Role;
use gongkai_domain::site::HostName;
use gongkai_domain::user::Username;
use gongkai_store::testing::{ENGINES, add_staff};
use gongkai_store::{Actor, audit, orgs, sites, users};
use reqwest::StatusCode;

use crate::sites::with_atushi;
use crate::support::{App, PASSWORD, Session, assert_has_all, assert_lacks, must, wait_until};

/// 阿图什 beside 乌恰, with 阿图什's administrator and a platform administrator (recorded in
/// 乌恰, granted nothing there).
async fn platform_app(engine: gongkai_store::Engine) -> App {
    let app = with_atushi(engine).await;
    add_staff(
        &app.store,
        "ats_admin",
        "阿图什管理员",
        "ATS001",
        vec![Role::Admin],
    )
    .await;
    add_staff(
        &app.store,
        "platform",
        "平台管理员",
        "WQX001",
        vec![Role::PlatformAdmin],
    )
    .await;
    app
}

/// The add-a-site form for 阿克陶县 (AKT001) with `host` and the first administrator `username`,
/// its code replaced by `code`.
fn new_site<'a>(code: &'a str, host: &'a str, username: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", "阿克陶县人民政府"),
        ("host", host),
        ("username", username),
        ("display_name", "阿克陶管理员"),
        ("password", PASSWORD),
    ]
}

/// A table cell holding exactly `text`, as the back office's lists write them.
fn cell(text: &str) -> String {
    format!("<td>{text}</td>")
}

#[tokio::test]
async fn a_platform_admin_adds_a_site_whose_first_admin_sees_only_it() {
    for engine in ENGINES {
        let app = platform_app(engine).await;
        let platform = Session::login(&app, "platform").await;
        let menu = platform.get_text("/admin").await;
        assert_has_all(&menu, &["href=\"/admin/platform\"", "平台管理"]);
        assert_lacks(
            &menu,
            "href=\"/admin/records\"",
            "a platform admin drafts nothing",
        );

        let health = platform.get_text("/admin/platform").await;
        let engine_name = match engine {
            gongkai_store::Engine::Sqlite => "SQLite",
            gongkai_store::Engine::Postgres => "PostgreSQL",
        };
        assert_has_all(
            &health,
            &[
                engine_name,
                "连接正常",
                "乌恰县人民政府",
                "阿图什市人民政府",
                "待发送邮件",
                "本节点已运行",
            ],
        );

        // The platform's own entries (a shared setting changed on the command line) are read
        // here and by no county's staff; no county's entries are.
        app.set_setting(
            &gongkai_store::Actor::cli(),
            "upper_government",
            "克孜勒苏柯尔克孜自治州人民政府",
        )
        .await;
        let log = platform.get_text("/admin/platform/audit").await;
        assert_has_all(
            &log,
            &["平台级操作记录", "<td>站点设置：upper_government</td>"],
        );
        assert_lacks(&log, "<td>账号：office</td>", "a county's entry");
        let county = Session::login(&app, "office").await;
        assert_lacks(
            &county.get_text("/admin/audit").await,
            "upper_government",
            "the platform's entry on a county's page",
        );
        assert_eq!(
            county.get("/admin/platform/audit").await.status(),
            StatusCode::FORBIDDEN,
            "{engine:?}"
        );

        let form = new_site("AKT001", "akt.example", "akt_admin");
        let added = platform.post("/admin/platform/sites", &form).await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let list = platform.get_text("/admin/platform/sites").await;
        assert_has_all(&list, &["AKT001", "阿克陶县人民政府", "akt.example"]);
        // Every step audited under the platform administrator's name.
        let log = must(audit::recent(&app.store, 10, None).await);
        for (action, object) in [
            ("org.create", "AKT001"),
            ("user.create", "akt_admin"),
            ("site.host_add", "AKT001"),
        ] {
            assert!(
                log.iter().any(|e| e.action == action
                    && e.object_id == object
                    && e.actor.starts_with("platform")),
                "{engine:?} {action}: {log:?}"
            );
        }

        // The new site answers for its host on every node once the change feed moves.
        let at_home = async || {
            let home = reqwest::Client::new()
                .get(format!("{}/", app.base))
                .header(reqwest::header::HOST, "akt.example")
                .send()
                .await;
            match home {
                Ok(r) => r.text().await.is_ok_and(|t| t.contains("阿克陶县人民政府")),
                Err(_) => false,
            }
        };
        wait_until(
            "akt.example never showed 阿克陶",
            Duration::from_secs(10),
            at_home,
        )
        .await;

        // The new administrator manages the new site alone.
        let akt = Session::login(&app, "akt_admin").await;
        let users = akt.get_text("/admin/users").await;
        assert!(users.contains(&cell("akt_admin")), "{users}");
        for other in ["admin", "ats_admin", "ats_editor", "editor2", "platform"] {
            assert_lacks(&users, &cell(other), "another site's account");
        }
        let orgs = akt.get_text("/admin/orgs").await;
        assert!(orgs.contains(&cell("AKT001")), "{orgs}");
        for other in ["WQX001", "WQX004", "ATS001", "ATS002"] {
            assert_lacks(&orgs, &cell(other), "another site's organisation");
        }
        assert_eq!(
            akt.get_status("/admin/platform").await,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn county_admins_see_neither_the_platform_nor_each_other() {
    for engine in ENGINES {
        let app = platform_app(engine).await;
        for county_admin in ["admin", "ats_admin"] {
            let s = Session::login(&app, county_admin).await;
            for path in ["/admin/platform", "/admin/platform/sites"] {
                let r = s.get(path).await;
                assert_eq!(r.status(), StatusCode::FORBIDDEN, "{county_admin} {path}");
                let page = must(r.text().await);
                assert!(page.contains("您没有") && page.contains("的权限"), "{page}");
            }
            let form = new_site("AKT001", "", "akt_admin");
            assert_eq!(
                s.post_status("/admin/platform/sites", &form).await,
                StatusCode::FORBIDDEN
            );
            assert_eq!(
                s.post_status(
                    "/admin/platform/sites/ATS001/hosts",
                    &[("host", "x.example")]
                )
                .await,
                StatusCode::FORBIDDEN
            );
            assert_lacks(&s.get_text("/admin").await, "/admin/platform", "menu");
            // A county admin cannot make a platform admin through the account form.
            let grant = s
                .post_status(
                    "/admin/users",
                    &[
                        ("username", "sneaky"),
                        ("display_name", "越权"),
                        (
                            "org",
                            if county_admin == "admin" {
                                "WQX001"
                            } else {
                                "ATS001"
                            },
                        ),
                        ("roles", "platform_admin"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(grant, StatusCode::FORBIDDEN, "{county_admin}");
        }
        let akt = orgs::by_code(&app.store, &must(OrgCode::parse("AKT001"))).await;
        assert!(akt.is_err(), "{engine:?}: a county admin added a site");
        let sneaky = users::by_username(&app.store, &must(Username::parse("sneaky"))).await;
        assert!(
            sneaky.is_err(),
            "{engine:?}: a county admin made a platform admin"
        );

        // 阿图什's administrator sees 阿图什 only, and cannot act on 乌恰's accounts or organisations.
        let ats = Session::login(&app, "ats_admin").await;
        let users_page = ats.get_text("/admin/users").await;
        assert!(users_page.contains(&cell("ats_editor")), "{users_page}");
        for other in ["admin", "editor2", "office", "platform"] {
            assert_lacks(&users_page, &cell(other), "乌恰's account");
        }
        let orgs_page = ats.get_text("/admin/orgs").await;
        assert!(orgs_page.contains(&cell("ATS002")), "{orgs_page}");
        assert_lacks(&orgs_page, &cell("WQX004"), "乌恰's organisation");
        // Its settings pages are its own site's; another site's 公开指南 is out of reach.
        let settings = ats.get_text("/admin/messages/settings").await;
        assert!(settings.contains("阿图什市人民政府"), "{settings}");
        let guide = ats.get_status("/admin/guides/WQX001").await;
        assert!(
            guide.is_client_error(),
            "{engine:?}: 乌恰's guide answered {guide}"
        );
        let reset = [("password", "Another-2026-pass")];
        for path in [
            "/admin/users/editor2/password",
            "/admin/users/admin/status",
            "/admin/orgs/WQX004/phone",
        ] {
            assert_eq!(
                ats.post_status(path, &reset).await,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }

        // 乌恰's administrator does not manage the platform account recorded in 乌恰.
        let wqx = Session::login(&app, "admin").await;
        assert_lacks(
            &wqx.get_text("/admin/users").await,
            &cell("platform"),
            "platform account",
        );
        for path in [
            "/admin/users/platform/password",
            "/admin/users/platform/status",
        ] {
            let r = wqx.post_status(
                path,
                &[("password", "Another-2026-pass"), ("disabled", "1")],
            );
            assert_eq!(r.await, StatusCode::FORBIDDEN, "{path}");
        }

        // The platform administrator is no county's editor, reviewer or administrator.
        let platform = Session::login(&app, "platform").await;
        for path in [
            "/admin/records/new",
            "/admin/users",
            "/admin/orgs",
            "/admin/applications",
            "/admin/messages/settings",
            "/admin/calendar",
            "/admin/audit",
        ] {
            assert_eq!(
                platform.get_status(path).await,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn a_refused_site_is_explained_in_chinese_and_leaves_nothing_behind() {
    for engine in ENGINES {
        let app = platform_app(engine).await;
        let ats = must(OrgCode::parse("ATS001"));
        let ats_host = must(HostName::parse("ats.example"));
        must(sites::add_host(&app.store, &Actor::cli(), &ats, &ats_host).await);
        let platform = Session::login(&app, "platform").await;
        let audit_len = must(audit::recent(&app.store, 1000, None).await).len();

        let cases = [
            (
                new_site("ATS001", "", "akt_admin"),
                "机构代码“ATS001”已被使用",
            ),
            (
                new_site("AKT001", "ats.example", "akt_admin"),
                "主机名“ats.example”已由阿图什市人民政府使用",
            ),
            (
                new_site("AKT001", "", "ats_editor"),
                "用户名“ats_editor”已被使用",
            ),
        ];
        for (form, reason) in cases {
            let r = platform.post("/admin/platform/sites", &form).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?} {reason}");
            let page = must(r.text().await);
            assert!(page.contains(reason), "{reason}: {page}");
        }
        let akt = orgs::by_code(&app.store, &must(OrgCode::parse("AKT001"))).await;
        assert!(akt.is_err(), "{engine:?}: AKT001 half-created");
        let akt_admin = users::by_username(&app.store, &must(Username::parse("akt_admin"))).await;
        assert!(akt_admin.is_err(), "{engine:?}: akt_admin half-created");
        let after = must(audit::recent(&app.store, 1000, None).await).len();
        assert_eq!(
            after, audit_len,
            "{engine:?}: a refused site wrote audit entries"
        );

        // A host another site holds is refused on the hosts form too; removing it frees it.
        let taken = platform
            .post(
                "/admin/platform/sites/WQX001/hosts",
                &[("host", "ats.example")],
            )
            .await;
        assert_eq!(taken.status(), StatusCode::BAD_REQUEST);
        assert!(must(taken.text().await).contains("已由阿图什市人民政府使用"));
        let removed = platform
            .post_status("/admin/platform/hosts/remove", &[("host", "ats.example")])
            .await;
        assert_eq!(removed, StatusCode::SEE_OTHER);
        let claimed = platform
            .post_status(
                "/admin/platform/sites/WQX001/hosts",
                &[("host", "ats.example")],
            )
            .await;
        assert_eq!(claimed, StatusCode::SEE_OTHER);
        let hosts = must(sites::hosts(&app.store).await);
        assert_eq!(
            hosts
                .iter()
                .map(|h| (h.host.as_str(), h.site_code.as_str()))
                .collect::<Vec<_>>(),
            [("ats.example", "WQX001")],
            "{engine:?}"
        );

        // Without the form's CSRF token nothing is added.
        let bare = platform
            .c
            .post(format!("{}/admin/platform/sites", app.base))
            .form(&new_site("AKT001", "", "akt_admin"))
            .send()
            .await;
        assert_eq!(must(bare).status(), StatusCode::FORBIDDEN);
        let akt = orgs::by_code(&app.store, &must(OrgCode::parse("AKT001"))).await;
        assert!(
            akt.is_err(),
            "{engine:?}: a site added without the CSRF token"
        );
    }
}
