//! 征求意见 and 政务舆情 over HTTP, on both engines: a consultation from draft to published
//! feedback with per-article comments and pre-moderation, the decision record linked both
//! ways, search and the feed; opinion events through both clocks with overdue and due-soon
//! cases on the supervisor's dashboard. Time is injected by planting instants in the past.

use crate::support;

use chrono::{Duration, Utc};
use gongkai_domain::time::form_minute;
use gongkai_store::testing::ENGINES;
use gongkai_store::{consultations, opinions, ts};
use reqwest::StatusCode;
use support::{App, Session, must, spawn_app};

const DRAFT: &str = "乌恰县城市绿化管理办法（征求意见稿）
第一章　总则
第一条　为了加强城市绿化管理，改善生态环境，制定本办法。
第二条　本办法适用于县城规划区内的城市绿化规划、建设、保护和管理。
第二章　附则
第三条　本办法自发布之日起施行。";

fn location(r: &reqwest::Response) -> String {
    support::header(r, "location")
}

fn id_from(r: &reqwest::Response, prefix: &str) -> i64 {
    must(location(r).trim_start_matches(prefix).parse())
}

async fn text(r: reqwest::Response) -> String {
    must(r.text().await)
}

async fn draft(
    editor: &Session,
    title: &str,
    opens: &str,
    closes: &str,
    reason: &str,
) -> reqwest::Response {
    editor
        .post(
            "/admin/zhengji/new",
            &[
                ("org", "WQX004"),
                ("title", title),
                ("draft_text", DRAFT),
                ("background", "县城绿地率偏低，管理职责不清。"),
                ("basis", "《城市绿化条例》。"),
                ("main_content", "明确规划、建设、保护和管理要求。"),
                ("contact", "来信请寄乌恰县住房和城乡建设局。"),
                ("opens_at", opens),
                ("closes_at", closes),
                ("short_reason", reason),
            ],
        )
        .await
}

async fn comment(app: &App, id: i64, article: &str, body: &str) -> reqwest::Response {
    let citizen = Session::anonymous(app).await;
    let key = citizen
        .field_from(&format!("/zhengji/{id}"), "submission_key")
        .await;
    citizen
        .post(
            &format!("/zhengji/{id}/comment"),
            &[
                ("submission_key", &key),
                ("article", article),
                ("body", body),
                ("name", "王五"),
                ("contact", "13912345678"),
            ],
        )
        .await
}

/// Publishes a 主动公开 record through the back office; returns its 索引号.
async fn published_record(app: &App, editor: &Session, reviewer: &Session, title: &str) -> String {
    let body = (
        "body",
        "经县人民政府同意，现予印发，请认真贯彻执行。".to_owned(),
    );
    let record = support::records::publish_via(app, editor, reviewer, title, vec![body]).await;
    record.index_no.unwrap_or_default()
}

#[tokio::test]
async fn a_consultation_runs_from_draft_to_published_feedback() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let now = Utc::now();
        let opens = form_minute(now - Duration::minutes(5));
        let closes = form_minute(now + Duration::days(30));

        // Bad input: a closing time before the opening time; a short period without a reason.
        let r = draft(&editor, "绿化办法", &closes, &opens, "").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(text(r).await.contains("截止时间应晚于开始时间"));
        let short = form_minute(now + Duration::days(10));
        let r = draft(&editor, "绿化办法", &opens, &short, "").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("请说明理由"));

        let r = draft(
            &editor,
            "乌恰县城市绿化管理办法（征求意见稿）",
            &opens,
            &closes,
            "",
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let id = id_from(&r, "/admin/zhengji/");
        for path in [
            "/admin/zhengji/new".to_owned(),
            format!("/admin/zhengji/{id}/edit"),
        ] {
            let form = editor.get_text(&path).await;
            assert!(
                form.contains("征求意见期限") && form.contains("datetime-local"),
                "{path}"
            );
        }
        let detail = editor.get_text(&format!("/admin/zhengji/{id}")).await;
        assert!(detail.contains("识别的条款") && detail.contains("3 条"));
        assert!(
            reviewer
                .get_text("/admin/zhengji")
                .await
                .contains(&format!("/admin/zhengji/{id}"))
        );
        let anon = Session::anonymous(&app).await;
        assert_eq!(
            anon.get(&format!("/zhengji/{id}")).await.status(),
            StatusCode::NOT_FOUND,
            "a draft is not public"
        );
        let r = editor
            .post_multipart(
                &format!("/admin/zhengji/{id}/attachments"),
                &[],
                vec![("file", "起草说明.pdf", gongkai_content::fixtures::pdf())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // Editors draft; only reviewers open.
        assert_eq!(
            editor
                .post_status(
                    &format!("/admin/zhengji/{id}/status"),
                    &[("action", "open")]
                )
                .await,
            StatusCode::FORBIDDEN
        );
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/status"),
                &[("action", "open")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        let list = anon.get_text("/zhengji/").await;
        assert!(list.contains("正在征求意见（1）") && list.contains(&format!("/zhengji/{id}")));
        let page = anon.get_text(&format!("/zhengji/{id}")).await;
        assert!(
            page.contains("id=\"tiao-2\"")
                && page.contains("第一章")
                && page.contains("起草说明.pdf")
        );
        assert!(page.contains("共 3 条"));
        // The draft's file downloads with its type, its name and public caching.
        let href = page
            .split("href=\"")
            .map(|h| h.split('"').next().unwrap_or(""))
            .find(|h| h.starts_with("/zhengji/files/"))
            .unwrap_or_else(|| panic!("no file link on the public page"))
            .to_owned();
        let r = anon.get(&href).await;
        assert_eq!(r.status(), StatusCode::OK, "{href}");
        let header = |name: &str| support::header(&r, name);
        assert_eq!(header("content-type"), "application/pdf");
        assert!(header("content-disposition").contains("filename*=UTF-8''"));
        assert_eq!(header("cache-control"), "public, max-age=86400");

        // Comments: on articles and on the whole; bad ones refused with the form kept.
        let mut codes = Vec::new();
        for (article, body) in [
            ("2", "建议将适用范围扩大到各乡镇。"),
            ("2", "建议将适用范围扩大到各乡镇"),
            ("1", "建议写明绿地率目标。"),
            ("0", "赞成出台本办法。"),
            ("3", "广告：低价出售苗木"),
        ] {
            let r = comment(&app, id, article, body).await;
            assert_eq!(r.status(), StatusCode::CREATED, "{engine:?} {body}");
            let code = support::code_in(&text(r).await);
            assert!(code.starts_with("ZJ"), "{code}");
            codes.push(code);
        }
        let r = comment(&app, id, "2", " ").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("请填写您的意见或建议"));
        let r = comment(&app, id, "99", "第九十九条不存在").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("所选条款不存在"));

        // Pre-moderation: counted, not shown, until approved.
        let page = anon.get_text(&format!("/zhengji/{id}")).await;
        assert!(page.contains("对本条的意见：2 条"), "per-article count");
        support::assert_lacks(&page, "建议写明绿地率目标", "not shown before moderation");
        assert!(!page.contains("13912345678") && !page.contains("王五"));
        let comments = must(consultations::comments(&app.store, id).await);
        assert_eq!(comments.len(), 5);
        let spam = comments[4].id;
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/comments/{spam}"),
                &[("decision", "rejected"), ("reason", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("须写明理由"));
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/comments/{spam}"),
                &[("decision", "rejected"), ("reason", "含有商业广告")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        for c in &comments[..4] {
            let r = reviewer
                .post(
                    &format!("/admin/zhengji/{id}/comments/{}", c.id),
                    &[("decision", "approved")],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
        let page = anon.get_text(&format!("/zhengji/{id}")).await;
        assert!(page.contains("建议写明绿地率目标") && page.contains("赞成出台本办法"));
        assert!(!page.contains("低价出售苗木"));
        let lookup = anon
            .get_text(&format!("/zhengji/chaxun?code={}", codes[4]))
            .await;
        assert!(lookup.contains("未通过") && lookup.contains("含有商业广告"));
        let lookup = anon
            .get_text(&format!("/zhengji/chaxun?code={}", codes[2]))
            .await;
        assert!(lookup.contains("已公开"));
        assert_eq!(
            anon.get("/zhengji/chaxun?code=ZJNOPE").await.status(),
            StatusCode::NOT_FOUND
        );

        // Searchable and in the feed while open.
        support::until_found(&app.base, "城市绿化管理办法", 1).await;
        let v: serde_json::Value = must(
            must(
                reqwest::get(format!(
                    "{}/api/v1/search?q={}",
                    app.base,
                    gongkai_web::view::urls::urlencode("城市绿化管理办法")
                ))
                .await,
            )
            .json()
            .await,
        );
        assert_eq!(v["hits"][0]["type"], "consultation");
        assert_eq!(v["hits"][0]["url"], format!("/zhengji/{id}"));
        let html = anon.get_text("/search?q=%E7%BB%BF%E5%9C%B0%E7%8E%87").await;
        assert!(
            html.contains(&format!("/zhengji/{id}")),
            "the site search page finds it"
        );
        let feed = anon.get_text("/feeds/zhengji.xml").await;
        assert!(
            feed.contains("乌恰县城市绿化管理办法") && feed.contains(&format!("/zhengji/{id}"))
        );

        // The period cannot be cut short.
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/status"),
                &[("action", "close")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("不能提前截止"));

        // Time passes: the closing time is planted in the past.
        must(
            sqlx::query("UPDATE consultations SET opens_at = $1, closes_at = $2 WHERE id = $3")
                .bind(ts(now - Duration::days(31)))
                .bind(ts(now - Duration::minutes(1)))
                .bind(id)
                .execute(app.store.pool())
                .await,
        );
        let r = comment(&app, id, "1", "截止以后才看到，补充一条意见。").await;
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "a comment after closing"
        );
        assert!(text(r).await.contains("截止，不再接收意见"));
        let page = anon.get_text(&format!("/zhengji/{id}")).await;
        assert!(page.contains("已截止") && !page.contains("提交意见</button>"));
        // Feedback cannot be written before the collection is closed.
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/feedback"),
                &[("intent", "publish")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/status"),
                &[("action", "close")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // The feedback: identical comments form one row; a missing decision is refused.
        let form = reviewer
            .get_text(&format!("/admin/zhengji/{id}/feedback"))
            .await;
        assert!(form.contains("相同意见 2 条"));
        let ids = |n: usize| support::hidden_value(&form, &format!("ids_{n}"));
        let (g1, g2, g3) = (ids(1), ids(2), ids(3));
        assert!(g1.contains(',') && !g2.is_empty() && !g3.is_empty());
        // Decisions can be kept half-way (暂存) without publishing anything.
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/feedback"),
                &[
                    ("ids_1", g1.as_str()),
                    ("adoption_1", "adopted"),
                    ("reason_1", "暂存的理由"),
                    ("intent", "save"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            reviewer
                .get_text(&format!("/admin/zhengji/{id}/feedback"))
                .await
                .contains("暂存的理由")
        );
        assert_eq!(
            must(consultations::get(&app.store, id).await).status.code(),
            "closed"
        );
        let incomplete = [
            ("summary", "共收到意见 5 条。"),
            ("ids_1", g1.as_str()),
            ("adoption_1", "adopted"),
            ("reason_1", "已将适用范围扩大到各乡镇。"),
            ("ids_2", g2.as_str()),
            ("adoption_2", "partly"),
            ("reason_2", "在配套文件中明确。"),
            ("ids_3", g3.as_str()),
            ("adoption_3", ""),
            ("reason_3", ""),
            ("intent", "publish"),
        ];
        let r = reviewer
            .post(&format!("/admin/zhengji/{id}/feedback"), &incomplete)
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = text(r).await;
        assert!(
            html.contains("反馈报告不完整") && html.contains("尚未作出"),
            "{html}"
        );
        assert!(
            html.contains("已将适用范围扩大到各乡镇"),
            "typed values kept"
        );
        assert_eq!(
            anon.get(&format!("/zhengji/{id}/feedback")).await.status(),
            StatusCode::NOT_FOUND
        );
        let mut complete = incomplete.to_vec();
        complete[8] = ("adoption_3", "not_adopted");
        complete[9] = ("reason_3", "本办法已明确支持态度，无需修改。");
        let r = reviewer
            .post(&format!("/admin/zhengji/{id}/feedback"), &complete)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let c = must(consultations::get(&app.store, id).await);
        assert_eq!(c.status.code(), "feedback");

        let report = anon.get_text(&format!("/zhengji/{id}/feedback")).await;
        support::assert_has_all(&report, &["采纳 2 条", "部分采纳 1 条", "不采纳 1 条"]);
        assert!(
            report.contains("共收到意见 5 条，经审核公开 4 条") && report.contains("相同意见 2 条")
        );
        assert!(report.contains("尚未公布"));
        let lookup = anon
            .get_text(&format!("/zhengji/chaxun?code={}", codes[0]))
            .await;
        assert!(lookup.contains("采纳情况") && lookup.contains("已将适用范围扩大到各乡镇"));
        let list = anon.get_text("/zhengji/").await;
        assert!(list.contains(&format!("/zhengji/{id}/feedback")));

        // The final decision, once published, is linked both ways.
        let index_no = published_record(&app, &editor, &reviewer, "乌恰县城市绿化管理办法").await;
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/decision"),
                &[("index_no", "WQX004-2026-999999")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/decision"),
                &[("index_no", &index_no)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let report = anon.get_text(&format!("/zhengji/{id}/feedback")).await;
        assert!(report.contains(&format!("/xxgk/{index_no}")));
        let record = anon.get_text(&format!("/xxgk/{index_no}")).await;
        assert!(
            record.contains(&format!("/zhengji/{id}/feedback")),
            "the record links back"
        );

        // Every change of state is in the audit log.
        let actions: Vec<String> = must(gongkai_store::audit::recent(&app.store, 200, None).await)
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "consultation.create",
            "consultation.attach",
            "consultation.open",
            "consultation.comment",
            "consultation.moderate",
            "consultation.close",
            "consultation.publish_feedback",
            "consultation.link_decision",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} audited");
        }
    }
}

#[tokio::test]
async fn a_short_period_shows_its_reason_and_drafts_stay_private() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let now = Utc::now();
        let r = draft(
            &editor,
            "防汛应急预案（征求意见稿）",
            &form_minute(now),
            &form_minute(now + Duration::days(10)),
            "汛期临近，须尽快出台",
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let id = id_from(&r, "/admin/zhengji/");
        reviewer
            .post(
                &format!("/admin/zhengji/{id}/status"),
                &[("action", "open")],
            )
            .await;
        let anon = Session::anonymous(&app).await;
        let page = anon.get_text(&format!("/zhengji/{id}")).await;
        assert!(page.contains("期限少于 30 日的理由") && page.contains("汛期临近，须尽快出台"));
        // Opening twice is refused.
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/status"),
                &[("action", "open")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        // A draft whose closing time has already passed cannot be opened.
        let r = draft(
            &editor,
            "旧草案",
            &form_minute(now - Duration::days(40)),
            &form_minute(now - Duration::days(5)),
            "",
        )
        .await;
        let old = id_from(&r, "/admin/zhengji/");
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{old}/status"),
                &[("action", "open")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("已过"));
        assert!(!anon.get_text("/zhengji/").await.contains("旧草案"));
    }
}

#[tokio::test]
async fn opinion_events_run_both_clocks_and_overdue_ones_stand_out() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let office = Session::login(&app, "office").await;
        let now = Utc::now();
        let register = |title: &'static str, severity: &'static str, hours_ago: i64| {
            let seen = form_minute(now - Duration::hours(hours_ago));
            let office = &office;
            async move {
                let r = office
                    .post(
                        "/admin/yuqing/new",
                        &[
                            ("title", title),
                            ("source", "某短视频平台"),
                            ("summary", "网民反映供暖不足。"),
                            ("first_seen_at", &seen),
                            ("severity", severity),
                            ("org", "WQX004"),
                        ],
                    )
                    .await;
                assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
                id_from(&r, "/admin/yuqing/")
            }
        };
        // 重大, seen 6 hours ago: the 5-hour clock is overdue, the 24-hour one runs.
        let major = register("城区供暖不足引发关注", "major", 6).await;
        // 特别重大, seen 20 hours ago, answered in 2 hours: the conference is due soon.
        let extraordinary = register("山洪灾害网传伤亡", "extraordinary", 20).await;
        // 一般, seen 50 hours ago: the 48-hour clock is overdue.
        let general = register("菜市场价格投诉", "general", 50).await;
        // 较大, seen 3 hours ago: running.
        let large = register("学校午餐质量", "large", 3).await;

        assert!(
            office
                .get_text("/admin/yuqing/new")
                .await
                .contains("首次发现时间")
        );
        let board = office.get_text("/admin").await;
        assert!(board.contains("舆情回应提醒"), "{engine:?}");
        support::assert_has_all(
            &board,
            &["城区供暖不足引发关注", "菜市场价格投诉", "山洪灾害网传伤亡"],
        );
        support::assert_lacks(&board, "学校午餐质量", "a running clock does not alarm");
        assert!(board.contains("已超期") && board.contains("即将到期"));

        // Bad input: a response before the first-seen time.
        let early = form_minute(now - Duration::hours(7));
        let r = office
            .post(
                &format!("/admin/yuqing/{major}/responses"),
                &[
                    ("kind", "statement"),
                    ("at", &early),
                    ("note", "发布情况通报"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("回应时间不能早于首次发现时间"));

        // The 情况通报 came 5½ hours in: late for the first clock; the conference clock runs.
        let late = form_minute(now - Duration::minutes(30));
        let r = office
            .post(
                &format!("/admin/yuqing/{major}/responses"),
                &[
                    ("kind", "statement"),
                    ("at", &late),
                    ("note", "县住建局发布供暖情况通报"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = office.get_text(&format!("/admin/yuqing/{major}")).await;
        assert!(
            page.contains("超时完成")
                && page.contains("计时中")
                && page.contains("县住建局发布供暖情况通报")
        );

        let at = form_minute(now - Duration::hours(18));
        office
            .post(
                &format!("/admin/yuqing/{extraordinary}/responses"),
                &[
                    ("kind", "authoritative"),
                    ("at", &at),
                    ("note", "县政府发布权威信息"),
                ],
            )
            .await;
        let page = office
            .get_text(&format!("/admin/yuqing/{extraordinary}"))
            .await;
        assert!(page.contains("按时完成") && page.contains("即将到期"));
        // A press conference with its transcript (a published record) meets the second clock.
        let (editor, reviewer) = support::editor_and_reviewer(&app).await;
        let transcript = published_record(&app, &editor, &reviewer, "山洪灾害新闻发布会实录").await;
        let r = office
            .post(
                &format!("/admin/yuqing/{extraordinary}/responses"),
                &[
                    ("kind", "press_conference"),
                    ("at", &form_minute(now)),
                    ("note", "召开新闻发布会"),
                    ("index_no", &transcript),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let page = office
            .get_text(&format!("/admin/yuqing/{extraordinary}"))
            .await;
        assert!(page.contains(&format!("/xxgk/{transcript}")));
        assert!(!page.contains("即将到期"));
        let e = must(opinions::get(&app.store, extraordinary).await);
        let clocks = must(opinions::clocks_of(&app.store, &e, Utc::now()).await);
        assert!(
            clocks
                .iter()
                .all(|c| c.state == gongkai_domain::opinion::ClockState::Met)
        );

        // Closing needs an evaluation note.
        let r = office
            .post(
                &format!("/admin/yuqing/{general}/close"),
                &[("evaluation", " ")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(text(r).await.contains("处置评估意见"));
        let r = office
            .post(
                &format!("/admin/yuqing/{general}/close"),
                &[("evaluation", "回应超时，已约谈责任单位。")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = office
            .post(
                &format!("/admin/yuqing/{general}/responses"),
                &[
                    ("kind", "other"),
                    ("at", &form_minute(now)),
                    ("note", "补充说明"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "no responses after closing"
        );
        let board = office.get_text("/admin").await;
        support::assert_lacks(
            &board,
            "菜市场价格投诉",
            "closed events leave the dashboard",
        );
        let list = office.get_text("/admin/yuqing").await;
        assert!(list.contains("已办结") && list.contains("学校午餐质量"));
        let _ = large;

        // Only the openness office works on opinion events.
        assert_eq!(
            editor.get("/admin/yuqing").await.status(),
            StatusCode::FORBIDDEN
        );
        let actions: Vec<String> = must(gongkai_store::audit::recent(&app.store, 200, None).await)
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in ["opinion.register", "opinion.respond", "opinion.close"] {
            assert!(actions.iter().any(|x| x == a), "{a} audited");
        }
    }
}

#[tokio::test]
async fn a_comment_with_personal_data_is_flagged_to_the_moderator_and_masked_when_published() {
    for engine in ENGINES {
        let (app, editor, reviewer) = support::county_with_editor_and_reviewer(engine).await;
        let now = Utc::now();
        let opens = form_minute(now - Duration::minutes(5));
        let closes = form_minute(now + Duration::days(30));
        let r = draft(
            &editor,
            "乌恰县城市绿化管理办法（征求意见稿）",
            &opens,
            &closes,
            "",
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let id = id_from(&r, "/admin/zhengji/");
        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/status"),
                &[("action", "open")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // The helper leaves the name 王五; the text repeats it with a mobile number.
        // The ID number's checksum is wrong, but 身份证号 stands before it.
        let body =
            "我是王五，手机13912345678，身份证号110105194912310021，建议在第二条中增加街心公园。";
        let r = comment(&app, id, "2", body).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");

        // Screened at submission: the moderator sees the finding before deciding.
        let stored = must(consultations::comments(&app.store, id).await);
        assert_eq!(stored.len(), 1);
        let found: Vec<(&str, &str)> = stored[0]
            .findings
            .iter()
            .map(|f| (f.label.as_str(), f.matched.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("手机号码", "139****5678"),
                ("身份证号码", "110***********0021")
            ]
        );
        // The reviewer's dashboard names the consultation with a comment waiting.
        let dashboard = reviewer.get_text("/admin").await;
        assert!(
            dashboard.contains("待审核的征集意见")
                && dashboard.contains(&format!("/admin/zhengji/{id}\"")),
            "{engine:?}: {dashboard}"
        );
        let moderation = reviewer.get_text(&format!("/admin/zhengji/{id}")).await;
        assert!(
            moderation.contains("内容审查发现 2 处")
                && moderation.contains("手机号码：139****5678"),
            "{engine:?}: {moderation}"
        );

        let r = reviewer
            .post(
                &format!("/admin/zhengji/{id}/comments/{}", stored[0].id),
                &[("decision", "approved"), ("reason", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = Session::anonymous(&app)
            .await
            .get_text(&format!("/zhengji/{id}"))
            .await;
        assert!(
            page.contains("建议在第二条中增加街心公园"),
            "{engine:?}: {page}"
        );
        assert!(page.contains("139******78"), "{page}");
        assert!(!page.contains("13912345678"), "raw number on {engine:?}");
        assert!(
            !page.contains("110105194912310021"),
            "raw ID number on {engine:?}"
        );
        assert!(!page.contains("王五"), "commenter's name on {engine:?}");
        // The commenter's own lookup shows the text masked the same way.
        let lookup = Session::anonymous(&app)
            .await
            .get_text(&format!("/zhengji/chaxun?code={}", stored[0].tracking_code))
            .await;
        assert!(
            lookup.contains("139******78") && !lookup.contains("13912345678"),
            "{lookup}"
        );
    }
}
