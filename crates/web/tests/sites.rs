//! Many sites on one deployment (集约化), on both engines: a second county (阿图什, ATS001) beside
//! 乌恰 (WQX001). Each site answers for its own host name (and, on a shared host, under
//! `/site/{code}/`); every public page, feed, sitemap, search and API answer shows only its own
//! site, and another site's record, organisation or list is 404, never a page under the wrong
//! header.

use std::time::Duration;

use gongkai_domain::message::MessageKind;
use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Role;
use gongkai_domain::site::HostName;
use gongkai_store::testing::{ENGINES, add_staff};
use gongkai_store::{Actor, sites};
use reqwest::StatusCode;
use reqwest::header::HOST;

use crate::support::records::{public_path, publish_via};
use crate::support::{App, Session, add_orgs, editor_and_reviewer, must, spawn_app, wait_until};

const ATS_HOST: &str = "ats.example";

/// A GET as a visitor of `host` (`None`: the address the test server listens on, which no site
/// lists, so the default site answers).
async fn visit(app: &App, host: Option<&str>, path: &str) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(host) = host {
        req = req.header(HOST, host);
    }
    let resp = must(req.send().await);
    (resp.status(), must(resp.text().await))
}

async fn ok_page(app: &App, host: Option<&str>, path: &str) -> String {
    let (status, body) = visit(app, host, path).await;
    assert_eq!(status, StatusCode::OK, "{host:?} {path}");
    body
}

async fn missing(app: &App, host: Option<&str>, path: &str) {
    let (status, body) = visit(app, host, path).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "{host:?} {path}: {body:.300}"
    );
}

/// The search API's total for `q` as seen from `host`.
async fn search_total(app: &App, host: Option<&str>, q: &str) -> u64 {
    let body = ok_page(app, host, &format!("/api/v1/search?q={q}")).await;
    let v: serde_json::Value = must(serde_json::from_str(&body));
    v["total"].as_u64().unwrap_or(u64::MAX)
}

/// Waits until the search follower has indexed what both sites published.
async fn until_indexed(app: &App, host: Option<&str>, q: &str) {
    let indexed = async || search_total(app, host, q).await > 0;
    wait_until(
        &format!("{q} never indexed"),
        Duration::from_secs(20),
        indexed,
    )
    .await;
}

async fn apply(app: &App, host: Option<&str>, org: &str) -> StatusCode {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/applications", app.base))
        .json(&serde_json::json!({
            "org": org, "applicant_kind": "natural", "name": "张三", "id_number": "11010519491231002X",
            "phone": "13912345678", "email": "zhangsan@example.com",
            "description": "2025年财政预算执行情况", "delivery": "email", "secret": "chaxun-123",
        }));
    if let Some(host) = host {
        req = req.header(HOST, host);
    }
    must(req.send().await).status()
}

/// The test county with a second site beside it: 阿图什市人民政府 (ATS001) and its 财政局 (ATS002),
/// an editor and a reviewer at the bureau and an openness office at the government.
pub(crate) async fn with_atushi(engine: gongkai_store::Engine) -> App {
    let app = spawn_app(engine, 1024 * 1024).await;
    add_atushi(&app).await;
    app
}

/// Adds the second site of [`with_atushi`] to `app`.
async fn add_atushi(app: &App) {
    add_orgs(
        &app.store,
        &[
            ("ATS001", "阿图什市人民政府", None),
            ("ATS002", "阿图什市财政局", Some("ATS001")),
        ],
    )
    .await;
    for (username, name, org, role) in [
        ("ats_editor", "阿图什编辑", "ATS002", Role::Editor),
        ("ats_reviewer", "阿图什审核", "ATS002", Role::Reviewer),
        ("ats_office", "阿图什公开办", "ATS001", Role::Supervisor),
    ] {
        add_staff(&app.store, username, name, org, vec![role]).await;
    }
}

#[tokio::test]
async fn each_site_shows_only_its_own_pages_feeds_search_and_api() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let host = must(HostName::parse(ATS_HOST));
        let ats = must(OrgCode::parse("ATS001"));
        must(sites::add_host(&app.store, &Actor::cli(), &ats, &host).await);
        // A host belongs to one site: 乌恰 cannot claim it too.
        let wqx = must(OrgCode::parse("WQX001"));
        let taken = sites::add_host(&app.store, &Actor::cli(), &wqx, &host).await;
        assert_eq!(
            taken.err().map(|e| e.code()),
            Some("site.host_taken"),
            "{engine:?}"
        );
        // A site's own footer identity; the bare key stays the first site's.
        app.set_setting(&Actor::cli(), "icp", "新ICP备00000001号")
            .await;
        app.set_setting(&Actor::cli(), "icp.ATS001", "新ICP备00000002号")
            .await;

        let (editor, reviewer) = editor_and_reviewer(&app).await;
        let wqx_record =
            publish_via(&app, &editor, &reviewer, "乌恰县乡村振兴专项通知", vec![]).await;
        let ats_editor = Session::login(&app, "ats_editor").await;
        let ats_reviewer = Session::login(&app, "ats_reviewer").await;
        let ats_record = publish_via(
            &app,
            &ats_editor,
            &ats_reviewer,
            "阿图什市棉花补贴专项通知",
            vec![("org", "ATS002".to_owned())],
        )
        .await;
        let wqx_page = public_path(&wqx_record);
        let ats_page = public_path(&ats_record);
        assert!(
            ats_page.starts_with("/xxgk/ATS002"),
            "{engine:?}: {ats_page}"
        );

        for (host, own, own_title, own_org, other, other_title, other_org, other_icp) in [
            (
                None,
                &wqx_page,
                "乌恰县乡村振兴专项通知",
                "WQX004",
                &ats_page,
                "阿图什市棉花补贴专项通知",
                "ATS002",
                "新ICP备00000002号",
            ),
            (
                Some(ATS_HOST),
                &ats_page,
                "阿图什市棉花补贴专项通知",
                "ATS002",
                &wqx_page,
                "乌恰县乡村振兴专项通知",
                "WQX004",
                "新ICP备00000001号",
            ),
        ] {
            let ctx = format!("{engine:?} {host:?}");
            // The record page under its own header; the other site's is not found.
            let page = ok_page(&app, host, own).await;
            assert!(page.contains(own_title), "{ctx}");
            assert!(!page.contains(other_icp), "{ctx}: another site's footer");
            missing(&app, host, other).await;
            missing(&app, host, &format!("/xxgk/list?org={other_org}")).await;
            missing(&app, host, &format!("/xxgk/zhinan/{other_org}")).await;
            missing(&app, host, &format!("/feeds/org/{other_org}.xml")).await;
            missing(
                &app,
                host,
                &format!("/api/v1{}", other.replace("/xxgk/", "/records/")),
            )
            .await;
            // Listings, home, feeds and the sitemap hold only the site's own records.
            let list = ok_page(&app, host, &format!("/xxgk/list?org={own_org}")).await;
            assert!(list.contains(own_title), "{ctx}");
            for path in [
                "/",
                "/xxgk/",
                "/xxgk/list",
                "/feeds/lanmu/tzgg.xml",
                "/sitemap.xml",
                "/api/v1/records",
            ] {
                let body = ok_page(&app, host, path).await;
                assert!(
                    !body.contains(other_title),
                    "{ctx} {path} shows the other site's record"
                );
            }
            assert!(
                ok_page(&app, host, "/sitemap.xml")
                    .await
                    .contains(own.as_str()),
                "{ctx}"
            );
            // Organisations: the tree, the forms and the API offer only the site's own.
            for path in [
                "/jigou",
                "/ysqgk/apply",
                "/hudong/write",
                "/search/advanced",
                "/api/v1/organisations",
            ] {
                let body = ok_page(&app, host, path).await;
                assert!(body.contains(own_org), "{ctx} {path}");
                assert!(
                    !body.contains(other_org),
                    "{ctx} {path} offers the other site's organisation"
                );
            }
            // Search finds the site's own record and never the other's.
            until_indexed(&app, host, own_title).await;
            assert_eq!(search_total(&app, host, other_title).await, 0, "{ctx}");
            // A submission names only the site's own organisations.
            assert_eq!(
                apply(&app, host, other_org).await,
                StatusCode::BAD_REQUEST,
                "{ctx}"
            );
            assert_eq!(
                apply(&app, host, own_org).await,
                StatusCode::CREATED,
                "{ctx}"
            );
        }
        // 热门搜索 are each site's own: each counted the searches for its own record.
        must(app.state.popular.write(&app.store).await);
        for (code, own, other) in [
            (
                "WQX001",
                "乌恰县乡村振兴专项通知",
                "阿图什市棉花补贴专项通知",
            ),
            (
                "ATS001",
                "阿图什市棉花补贴专项通知",
                "乌恰县乡村振兴专项通知",
            ),
        ] {
            let site =
                must(gongkai_store::orgs::by_code(&app.store, &must(OrgCode::parse(code))).await);
            let popular = gongkai_store::records::popular_searches(&app.store, site.id, 10).await;
            let popular = must(popular);
            assert!(
                popular.iter().any(|q| q == own) && !popular.iter().any(|q| q == other),
                "{engine:?} {code}: {popular:?}"
            );
        }
        let ats_home = ok_page(&app, Some(ATS_HOST), "/").await;
        assert!(
            ats_home.contains("阿图什市人民政府"),
            "{engine:?}: the site's own name"
        );
        assert!(
            ats_home.contains("新ICP备00000002号"),
            "{engine:?}: the site's own ICP"
        );

        // On a shared host, /site/ATS001/ is 阿图什, with every link kept under the prefix.
        let prefixed = ok_page(&app, None, &format!("/site/ATS001{ats_page}")).await;
        // Links keep the prefix; shared assets do not.
        crate::support::assert_has_all(
            &prefixed,
            &[
                "阿图什市棉花补贴专项通知",
                "href=\"/site/ATS001/xxgk/",
                "href=\"/static/",
            ],
        );
        // A second visit is answered from the page cache before the site is resolved, under the
        // path as asked (prefix and all): the same prefixed page, and the bare path stays 乌恰's.
        let hits = |text: String| -> u64 {
            text.lines()
                .find_map(|l| {
                    l.strip_prefix("gongkai_page_cache_hits_total ")?
                        .parse()
                        .ok()
                })
                .unwrap_or_default()
        };
        let before = hits(app.page("/metrics").await);
        let again = ok_page(&app, None, &format!("/site/ATS001{ats_page}")).await;
        assert_eq!(
            again, prefixed,
            "{engine:?}: the kept page is the prefixed one"
        );
        assert_eq!(
            hits(app.page("/metrics").await),
            before + 1,
            "{engine:?}: the second visit is a hit"
        );
        missing(&app, None, &ats_page).await;
        missing(&app, None, &format!("/site/ATS001{wqx_page}")).await;
        missing(&app, None, "/site/NOPE01/").await;
        missing(&app, None, "/site/WQX004/").await;
        // A redirect stays on the prefixed site: an exact 索引号 typed into search jumps to its
        // record under the prefix.
        let client = must(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build(),
        );
        let index_no = ats_record.index_no.clone().unwrap_or_default();
        let r = must(
            client
                .get(format!("{}/site/ATS001/search?q={index_no}", app.base))
                .send()
                .await,
        );
        assert!(r.status().is_redirection(), "{engine:?}: {}", r.status());
        let to = r.headers()["location"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(to, format!("/site/ATS001{ats_page}"), "{engine:?}");
        // The host table follows removal: the host then shows the default site.
        must(sites::remove_host(&app.store, &Actor::cli(), &host).await);
        let unmapped =
            async || visit(&app, Some(ATS_HOST), &ats_page).await.0 == StatusCode::NOT_FOUND;
        wait_until(
            &format!("{engine:?}: host still mapped"),
            Duration::from_secs(2),
            unmapped,
        )
        .await;
    }
}

/// 政民互动's reply limits and blocked words are each site's own: 阿图什's openness office sets
/// them for 阿图什 alone, and a citizen's message is held, and given its limit, by the rules of
/// the site it is written on.
#[tokio::test]
async fn each_site_keeps_its_own_hudong_limits_and_blocked_words() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let ats_office = Session::login(&app, "ats_office").await;
        let page = ats_office.get_text("/admin/messages/settings").await;
        assert!(page.contains("阿图什市人民政府"), "{engine:?}: {page}");
        let saved = ats_office
            .post_status(
                "/admin/messages/settings",
                &[("words", "代办证件"), ("limit_suggest", "10")],
            )
            .await;
        assert_eq!(saved, StatusCode::OK, "{engine:?}");
        // 乌恰's office still sees its own list and limits.
        let office = Session::login(&app, "office").await;
        let own = office.get_text("/admin/messages/settings").await;
        assert!(own.contains("乌恰县人民政府"), "{engine:?}");
        crate::support::assert_lacks(&own, "代办证件", "another site's blocked words");
        let site_id = |code: &'static str| {
            let store = app.store.clone();
            async move {
                let code = must(OrgCode::parse(code));
                must(gongkai_store::orgs::by_code(&store, &code).await).id
            }
        };
        let (ats, wqx) = (site_id("ATS001").await, site_id("WQX001").await);
        let limit =
            |site| gongkai_store::messages::limit_for(&app.store, site, MessageKind::Suggest);
        assert_eq!(must(limit(ats).await), 10, "{engine:?}");
        assert_eq!(must(limit(wqx).await), 7, "{engine:?}: the default");

        // A suggestion naming the word, written on each site.
        let citizen = Session::anonymous(&app).await;
        for (prefix, phone, town, held, days) in [
            ("/site/ATS001", "13911112222", "阿图什", true, "10 个工作日"),
            ("", "13933334444", "乌恰", false, "7 个工作日"),
        ] {
            let content = format!("建议{town}规范代办证件服务，公开收费标准，方便群众。");
            let r = crate::support::write_suggestion(
                &citizen,
                prefix,
                "关于规范代办证件服务的建议",
                &content,
                phone,
            )
            .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine:?} {prefix}");
            let receipt = must(r.text().await);
            assert_eq!(
                receipt.contains("需经工作人员审核"),
                held,
                "{engine:?} {prefix}: {receipt}"
            );
            assert!(receipt.contains(days), "{engine:?} {prefix}: {receipt}");
        }
        // The same words from the same phone to two counties are two messages, each new on
        // its site: neither refused as a repeat nor held as a copy of the other site's.
        for prefix in ["", "/site/ATS001"] {
            let r = crate::support::write_suggestion(
                &citizen,
                prefix,
                "关于增开城乡公交班次的建议",
                "建议增开城乡公交班次，方便农牧民进城办事。",
                "13955556666",
            )
            .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine:?} {prefix}");
            let receipt = must(r.text().await);
            crate::support::assert_lacks(
                &receipt,
                "需经工作人员审核",
                "held as another site's copy",
            );
        }
    }
}

/// A tracking code and its query password find the case only on the site it was filed on: on
/// another site the lookup answers as for a wrong password.
#[tokio::test]
async fn a_case_is_looked_up_only_on_its_own_site() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let finance = must(OrgCode::parse("WQX004"));
        let finance = must(gongkai_store::orgs::by_code(&app.store, &finance).await);
        let new = gongkai_store::testing::application(finance.id, "申请公开2025年部门预算");
        let at = chrono::Utc::now();
        let receipt =
            must(gongkai_store::applications::submit(&app.store, &new, at, "10.0.0.9").await);
        let citizen = Session::anonymous(&app).await;
        let lookup = [
            ("tracking_code", receipt.tracking_code.as_str()),
            ("secret", "chaxun-123"),
        ];
        for (prefix, found) in [("/site/ATS001", false), ("", true)] {
            let r = citizen
                .post(&format!("{prefix}/ysqgk/status"), &lookup)
                .await;
            let want = if found {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(r.status(), want, "{engine:?} {prefix}");
            let page = must(r.text().await);
            assert_eq!(
                page.contains("申请公开2025年部门预算"),
                found,
                "{engine:?} {prefix}"
            );
        }
    }
}

// --- per-site audit, scan, themes ---

/// The id of the site (root organisation) with organ code `code`.
async fn site_id(app: &App, code: &str) -> i64 {
    let code = must(OrgCode::parse(code));
    must(gongkai_store::orgs::by_code(&app.store, &code).await).id
}

/// A record of each site, published over HTTP: 乌恰's (at WQX004) and 阿图什's (at ATS002).
async fn a_record_on_each_site(
    app: &App,
    wqx_title: &str,
    ats_title: &str,
) -> (
    gongkai_store::records::Record,
    gongkai_store::records::Record,
) {
    let (editor, reviewer) = editor_and_reviewer(app).await;
    let wqx = publish_via(app, &editor, &reviewer, wqx_title, vec![]).await;
    let ats_editor = Session::login(app, "ats_editor").await;
    let ats_reviewer = Session::login(app, "ats_reviewer").await;
    let org = vec![("org", "ATS002".to_owned())];
    let ats = publish_via(app, &ats_editor, &ats_reviewer, ats_title, org).await;
    (wqx, ats)
}

/// The audit log is one hash chain for the deployment, but each entry belongs to a site: 阿图什's
/// openness office reads the entries of 阿图什's settings, staff, records and negative list and
/// none of 乌恰's or of the platform's; 乌恰's office reads its own and not the platform's, which
/// the deployment administrator reads at `/admin/platform/audit`. Both see the whole chain
/// verified.
#[tokio::test]
async fn each_site_reads_only_its_own_audit_entries() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let cli = Actor::cli();
        app.set_setting(&cli, "icp.ATS001", "新ICP备00000002号")
            .await;
        app.set_setting(&cli, "site_name.WQX001", "乌恰县人民政府门户网站")
            .await;
        // A shared setting belongs to no site: the platform's.
        app.set_setting(&cli, "upper_government", "克孜勒苏柯尔克孜自治州人民政府")
            .await;
        let (wqx_record, ats_record) =
            a_record_on_each_site(&app, "乌恰县审计范围通知", "阿图什市审计范围通知").await;
        // The negative list names its site by id, not by code: still 阿图什's entry.
        let ats = site_id(&app, "ATS001").await;
        must(
            gongkai_store::screening::add_negative_term(&app.store, &cli, ats, "审计范围", "测试")
                .await,
        );

        let ats_page = Session::login(&app, "ats_office")
            .await
            .get_text("/admin/audit")
            .await;
        let wqx_page = Session::login(&app, "office")
            .await
            .get_text("/admin/audit")
            .await;
        let record = |id: i64| format!("<td>政府信息：{id}</td>");
        for page in [&ats_page, &wqx_page] {
            assert!(page.contains("哈希链校验通过"), "{engine:?}: {page}");
        }
        crate::support::assert_has_all(
            &ats_page,
            &[
                "<td>站点设置：icp.ATS001</td>",
                "<td>账号：ats_office</td>",
                &record(ats_record.id),
                "新增负面清单词语",
                "阿图什市人民政府的操作记录",
            ],
        );
        for other in [
            "site_name.WQX001",
            "upper_government",
            "<td>账号：office</td>",
            &record(wqx_record.id),
            "平台级",
        ] {
            crate::support::assert_lacks(&ats_page, other, "乌恰's or the platform's entry");
        }
        crate::support::assert_has_all(
            &wqx_page,
            &[
                "<td>站点设置：site_name.WQX001</td>",
                "<td>账号：office</td>",
                &record(wqx_record.id),
            ],
        );
        for other in [
            "icp.ATS001",
            "ats_",
            &record(ats_record.id),
            "新增负面清单词语",
            "upper_government",
        ] {
            crate::support::assert_lacks(&wqx_page, other, "阿图什's entry");
        }
        // The site is kept beside the chain, not in it: the chain still verifies.
        assert!(
            matches!(
                must(gongkai_store::audit::verify(&app.store).await),
                gongkai_store::audit::Verification::Intact(_)
            ),
            "{engine:?}"
        );
    }
}

/// 网站自查 re-screens only the member of staff's own records: with a negative-list word that
/// both sites' records contain, 阿图什's reviewer is shown 阿图什's record and 乌恰's reviewer
/// 乌恰's, never the other's.
#[tokio::test]
async fn each_site_scans_only_its_own_records() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let (wqx_title, ats_title) = ("乌恰县自查范围通知", "阿图什市自查范围通知");
        a_record_on_each_site(&app, wqx_title, ats_title).await;
        let cli = Actor::cli();
        for code in ["WQX001", "ATS001"] {
            let site = site_id(&app, code).await;
            let added = gongkai_store::screening::add_negative_term(
                &app.store,
                &cli,
                site,
                "自查范围",
                "测试",
            );
            must(added.await);
        }
        for (user, own, other) in [
            ("ats_reviewer", ats_title, wqx_title),
            ("ats_office", ats_title, wqx_title),
            ("reviewer", wqx_title, ats_title),
        ] {
            let page = Session::login(&app, user)
                .await
                .get_text("/admin/scan")
                .await;
            assert!(page.contains(own), "{engine:?} {user}: {page}");
            crate::support::assert_lacks(&page, other, "another site's finding");
        }
    }
}

/// The dashboard counts the organisations and staff accounts of the member of staff's own site.
#[tokio::test]
async fn the_dashboard_counts_only_its_own_site() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let wqx = site_id(&app, "WQX001").await;
        let wqx_orgs = must(gongkai_store::orgs::of_site(&app.store, wqx).await).len();
        let all_staff = must(gongkai_store::users::list(&app.store).await).len();
        for (user, orgs, staff) in [("ats_office", 2, 3), ("office", wqx_orgs, all_staff - 3)] {
            let page = Session::login(&app, user).await.get_text("/admin").await;
            crate::support::assert_has_all(
                &page,
                &[
                    &format!("<dt>本站机构数</dt><dd>{orgs}</dd>"),
                    &format!("<dt>工作人员账号数</dt><dd>{staff}</dd>"),
                ],
            );
        }
    }
}

/// A reply-letter template is its site's own: 阿图什's office edits it for 阿图什, and 乌恰's
/// page and 乌恰's reply drafts keep the built-in text, while 阿图什's drafts follow the edit.
#[tokio::test]
async fn each_site_keeps_its_own_letter_templates() {
    for engine in ENGINES {
        let app = with_atushi(engine).await;
        let ats_office = Session::login(&app, "ats_office").await;
        let office = Session::login(&app, "office").await;
        let marker = "阿图什市专用答复";
        let template = format!("{{申请人}}：\n\n{marker}，同意公开（查询码 {{查询码}}）。");
        let saved = ats_office
            .post_status("/admin/letter-templates/1", &[("template", &template)])
            .await;
        assert_eq!(saved, StatusCode::SEE_OTHER, "{engine:?}");
        let own = ats_office.get_text("/admin/letter-templates/1").await;
        assert!(own.contains(marker), "{engine:?}: {own}");
        let other = office.get_text("/admin/letter-templates/1").await;
        crate::support::assert_lacks(&other, marker, "another site's template");
        assert!(
            other.contains("{救济途径}"),
            "{engine:?}: the built-in text"
        );

        for (org, session, follows) in [("ATS002", &ats_office, true), ("WQX004", &office, false)] {
            let org = must(OrgCode::parse(org));
            let org = must(gongkai_store::orgs::by_code(&app.store, &org).await);
            let new = gongkai_store::testing::application(org.id, "申请公开2025年部门决算");
            let at = chrono::Utc::now();
            let receipt =
                must(gongkai_store::applications::submit(&app.store, &new, at, "10.0.0.9").await);
            let id: i64 = must(
                sqlx::query_scalar("SELECT id FROM applications WHERE tracking_code = $1")
                    .bind(&receipt.tracking_code)
                    .fetch_one(app.store.pool())
                    .await,
            );
            let draft = session
                .get_text(&format!("/admin/applications/{id}/reply-draft?outcome=1"))
                .await;
            assert_eq!(draft.contains(marker), follows, "{engine:?}: {draft}");
        }
    }
}

/// A theme folder of one site: `DIR/sites/ATS001/` overrides `base.html`, `sitemap.xml` and
/// `site.css` for 阿图什 alone. 阿图什's pages (its error page and sitemap too) use them, with the stylesheet under its own
/// fingerprint; 乌恰's pages keep the built-in ones; both fingerprinted URLs answer; a link in
/// the site's folder that points outside the theme is never followed.
#[tokio::test]
async fn a_sites_theme_folder_serves_that_site_alone() {
    for engine in ENGINES {
        let token = gongkai_store::sessions::random_token();
        let root = std::env::temp_dir().join(format!("gk-site-theme-{}", &token[..12]));
        let theme = root.join("theme");
        let own = theme.join("sites/ATS001");
        must(std::fs::create_dir_all(own.join("templates")));
        must(std::fs::create_dir_all(own.join("static")));
        let marker = "<p>阿图什主题页脚</p>";
        let base =
            include_str!("../templates/base.html").replace("</body>", &format!("{marker}</body>"));
        must(std::fs::write(own.join("templates/base.html"), base));
        let css = "body { color: #a70d15 }";
        must(std::fs::write(own.join("static/site.css"), css));
        // The site's own sitemap template (feeds and the sitemap follow the site's folder too).
        let sitemap = include_str!("../templates/sitemap.xml")
            .replace("</urlset>", "<!-- 阿图什站点地图 --></urlset>");
        must(std::fs::write(own.join("templates/sitemap.xml"), sitemap));
        let secret = root.join("secret.css");
        must(std::fs::write(&secret, "outside the theme"));
        #[cfg(unix)]
        must(std::os::unix::fs::symlink(
            &secret,
            own.join("static/leak.css"),
        ));

        let dir = theme.clone();
        let app = crate::support::spawn_app_with(engine, move |c| c.theme = Some(dir)).await;
        add_atushi(&app).await;
        must(
            sites::add_host(
                &app.store,
                &Actor::cli(),
                &must(OrgCode::parse("ATS001")),
                &must(HostName::parse(ATS_HOST)),
            )
            .await,
        );

        let stylesheet = |page: &str| {
            let start = page.find("/static/site.").unwrap_or(0);
            let end = page[start..].find('"').map_or(start, |e| start + e);
            page[start..end].to_owned()
        };
        let ats_home = ok_page(&app, Some(ATS_HOST), "/").await;
        let wqx_home = ok_page(&app, None, "/").await;
        assert!(ats_home.contains(marker), "{engine:?}: {ats_home}");
        crate::support::assert_lacks(&wqx_home, marker, "another site's theme");
        for path in ["/site/ATS001/xxgk/list", "/site/ATS001/no-such-page"] {
            let (_, page) = visit(&app, None, path).await;
            assert!(page.contains(marker), "{engine:?} {path}: {page}");
        }
        let ats_map = ok_page(&app, Some(ATS_HOST), "/sitemap.xml").await;
        assert!(ats_map.contains("阿图什站点地图"), "{engine:?}: {ats_map}");
        let wqx_map = ok_page(&app, None, "/sitemap.xml").await;
        crate::support::assert_lacks(
            &wqx_map,
            "阿图什站点地图",
            "another site's sitemap template",
        );
        let (ats_css, wqx_css) = (stylesheet(&ats_home), stylesheet(&wqx_home));
        assert!(
            ats_css.ends_with(".css") && wqx_css.ends_with(".css"),
            "{ats_css} {wqx_css}"
        );
        assert_ne!(ats_css, wqx_css, "{engine:?}: each site's own fingerprint");
        assert_eq!(ok_page(&app, None, &ats_css).await, css, "{engine:?}");
        let builtin = ok_page(&app, Some(ATS_HOST), &wqx_css).await;
        assert_eq!(builtin, include_str!("../static/site.css"), "{engine:?}");
        // The plain name answers each site's own file.
        assert_eq!(ok_page(&app, Some(ATS_HOST), "/static/site.css").await, css);
        assert_eq!(
            ok_page(&app, None, "/static/site.css").await,
            include_str!("../static/site.css")
        );
        for path in [
            "/static/leak.css",
            "/static/..%2Fsecret.css",
            "/static/%2E%2E%2Fsecret.css",
        ] {
            let (status, body) = visit(&app, Some(ATS_HOST), path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{engine:?} {path}");
            crate::support::assert_lacks(&body, "outside the theme", "a file outside the theme");
        }
        drop(app);
        let _ = std::fs::remove_dir_all(&root);
    }
}
