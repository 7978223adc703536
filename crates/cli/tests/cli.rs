//! The `gongkai` binary as an operator uses it: subcommands on both engines, the server
//! process with demo data, graceful shutdown, and one clear line for every kind of bad input.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Engine, Store};

use crate::support::{
    BIN, Server, add_county, assert_says, assert_says_all, command, data_of, execute, gongkai,
    must, stderr, stdout, succeeds,
};

/// A bad-input failure: non-zero exit, exactly one line on stderr, no panic.
fn assert_one_clear_line(o: &Output, expect: &str) {
    assert!(!o.status.success(), "should fail: {}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(expect), "expected {expect:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Asserts that the command succeeded and its database is in `folder` (`why` says who chose it).
#[track_caller]
fn assert_database_in(o: &Output, folder: &std::path::Path, why: &str) {
    assert!(o.status.success(), "{}", stderr(o));
    assert!(folder.join("gongkai.db").is_file(), "{why}");
}

#[tokio::test]
async fn organisations_are_managed_from_the_command_line_on_both_engines() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let init = gongkai(&db, &["init"]);
        assert!(init.status.success(), "{}", stderr(&init));
        assert!(stdout(&init).contains("数据库为空"));

        add_county(&db);
        let add = gongkai(
            &db,
            &[
                "org",
                "add",
                "--code",
                "WQX004",
                "--name",
                "乌恰县财政局",
                "--parent",
                "wqx001",
            ],
        );
        assert!(add.status.success(), "{}", stderr(&add));

        let list = gongkai(&db, &["org", "list", "--json"]);
        let json: serde_json::Value = must(serde_json::from_slice(&list.stdout));
        assert_eq!(
            json,
            serde_json::json!([
                { "code": "WQX001", "name": "乌恰县人民政府", "parent": null },
                { "code": "WQX004", "name": "乌恰县财政局", "parent": "WQX001" },
            ])
        );

        assert_one_clear_line(
            &gongkai(
                &db,
                &[
                    "org", "add", "--code", "WQX009", "--name", "无主", "--parent", "NOPE",
                ],
            ),
            "未找到上级机构“NOPE”",
        );
        assert_one_clear_line(
            &gongkai(&db, &["org", "add", "--code", "WQX001", "--name", "重复"]),
            "已被使用",
        );

        let user = succeeds(
            &db,
            &[
                "user",
                "add",
                "--username",
                "cz-editor",
                "--name",
                "财政编辑",
                "--org",
                "WQX004",
                "--role",
                "editor",
            ],
        );
        assert!(
            stdout(&user).contains("初始密码："),
            "a generated password is shown once"
        );
        assert!(
            gongkai(&db, &["user", "disable", "cz-editor"])
                .status
                .success()
        );
        let users = gongkai(&db, &["user", "list", "--json"]);
        let users: serde_json::Value = must(serde_json::from_slice(&users.stdout));
        assert_eq!(users[0]["disabled"], true);
        assert_one_clear_line(
            &gongkai(
                &db,
                &[
                    "user",
                    "add",
                    "--username",
                    "x1y",
                    "--name",
                    "某",
                    "--org",
                    "WQX004",
                    "--role",
                    "boss",
                ],
            ),
            "未知的角色",
        );
    }
}

/// Runs `gongkai` with `input` on standard input.
fn gongkai_with_stdin(db: &TestDb, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = must(
        command(db)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn(),
    );
    if let Some(mut stdin) = child.stdin.take() {
        must(stdin.write_all(input.as_bytes()));
    }
    must(child.wait_with_output())
}

#[tokio::test]
async fn passwords_are_reset_and_accounts_disabled_and_enabled_from_the_command_line() {
    use gongkai_store::users::{self, LoginOutcome};
    let policy = gongkai_domain::throttle::LoginPolicy::default();
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        succeeds(&db, &["init"]);
        add_county(&db);
        let add = gongkai_with_stdin(
            &db,
            &[
                "user",
                "add",
                "--username",
                "kefu",
                "--name",
                "客服",
                "--org",
                "WQX001",
                "--role",
                "handler",
                "--password-stdin",
            ],
            "Chushi-Mima-2026\n",
        );
        assert!(add.status.success(), "{}", stderr(&add));
        assert!(
            !stdout(&add).contains("初始密码"),
            "a typed password is never echoed"
        );

        let reset = gongkai_with_stdin(
            &db,
            &["user", "passwd", "kefu", "--password-stdin"],
            "Xin-Mima-2026-11\n",
        );
        assert!(reset.status.success(), "{}", stderr(&reset));
        assert_says(&stdout(&reset), "已重设");
        let generated = gongkai(&db, &["user", "passwd", "kefu"]);
        let shown = stdout(&generated);
        let new_password = shown
            .lines()
            .find_map(|l| l.strip_prefix("新密码："))
            .unwrap_or_default()
            .trim()
            .to_owned();
        assert!(new_password.len() >= 12, "{shown}");

        let store = must(Store::connect(&db.url).await);
        let login = |password: String| {
            let store = store.clone();
            async move {
                must(users::authenticate(&store, &policy, "kefu", &password, "127.0.0.1").await)
            }
        };
        assert!(matches!(
            login("Xin-Mima-2026-11".into()).await,
            LoginOutcome::BadCredentials
        ));
        assert!(matches!(
            login(new_password.clone()).await,
            LoginOutcome::Success(_)
        ));
        assert!(gongkai(&db, &["user", "disable", "kefu"]).status.success());
        assert!(matches!(
            login(new_password.clone()).await,
            LoginOutcome::Disabled
        ));
        assert!(gongkai(&db, &["user", "enable", "kefu"]).status.success());
        assert!(matches!(
            login(new_password).await,
            LoginOutcome::Success(_)
        ));
        assert_one_clear_line(&gongkai(&db, &["user", "passwd", "nobody"]), "");
    }
}

#[tokio::test]
async fn audit_verify_catches_a_row_edited_behind_the_programs_back() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        add_county(&db);
        succeeds(
            &db,
            &[
                "org",
                "add",
                "--code",
                "WQX002",
                "--name",
                "乌恰县人民政府办公室",
            ],
        );
        let ok = succeeds(&db, &["audit", "verify"]);
        assert!(stdout(&ok).contains("共 2 条记录"));

        execute(
            &db,
            "UPDATE audit_log SET detail = '{\"name\":\"篡改\"}' WHERE seq = 1",
        )
        .await;
        assert_one_clear_line(&gongkai(&db, &["audit", "verify"]), "第 1 条审计记录");
    }
}

#[tokio::test]
async fn bad_input_gets_one_clear_line_and_a_non_zero_exit() {
    let db = TestDb::new(Engine::Sqlite).await;
    let o = gongkai(&db, &["--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    assert_one_clear_line(&o, "未知的参数“--no-such-flag”");

    let file = db.dir.join("not-a-folder");
    must(std::fs::write(&file, "x"));
    let o = must(
        Command::new(BIN)
            .arg("--data")
            .arg(&file)
            .arg("init")
            .output(),
    );
    assert_one_clear_line(&o, "该路径不是文件夹");

    let o = must(
        Command::new(BIN)
            .args(["--database-url", "mysql://localhost/x", "org", "list"])
            .output(),
    );
    assert_one_clear_line(&o, "不支持的数据库地址");
    let o = must(
        Command::new(BIN)
            .args([
                "--database-url",
                "postgres://postgres@127.0.0.1:1/none",
                "org",
                "list",
            ])
            .output(),
    );
    assert_one_clear_line(&o, "连接被拒绝");

    // A folder that cannot be created (nothing may be made under /proc, not even by root).
    let o = must(
        Command::new(BIN)
            .args(["--data", "/proc/gongkai-data", "init"])
            .output(),
    );
    assert_one_clear_line(
        &o,
        "无法使用数据文件夹 /proc/gongkai-data：无法在该位置新建文件夹",
    );

    let o = gongkai(&db, &["--log-format", "xml", "org", "list"]);
    assert_one_clear_line(&o, "的值“xml”无效");
    let o = must(
        Command::new(BIN)
            .args(["--data"])
            .arg(&db.dir)
            .args(["org", "list"])
            .env("GONGKAI_LOG_FORMAT", "xml")
            .output(),
    );
    assert_one_clear_line(&o, "配置有误");

    let o = gongkai(&db, &["serve", "--listen", "not-an-address"]);
    assert_one_clear_line(&o, "监听地址");

    let taken = must(std::net::TcpListener::bind("127.0.0.1:0"));
    let addr = must(taken.local_addr()).to_string();
    let o = gongkai(&db, &["serve", "--listen", &addr]);
    assert_one_clear_line(&o, "地址已被占用");
}

#[tokio::test]
async fn a_reader_that_goes_away_is_not_a_panic() {
    let db = TestDb::new(Engine::Sqlite).await;
    add_county(&db);
    // `gongkai org list | head -0`: the pipe's reading end is closed before anything is written.
    let mut child = must(
        Command::new(BIN)
            .arg("--data")
            .arg(&db.dir)
            .args(["org", "list"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn(),
    );
    drop(child.stdout.take());
    let o = must(child.wait_with_output());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn help_is_in_chinese() {
    let o = must(Command::new(BIN).arg("--help").output());
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("启动门户网站与管理后台") && out.contains("--database-url"),
        "{out}"
    );
}

#[tokio::test]
async fn serve_demo_loads_once_answers_healthz_and_stops_gracefully() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let server = Server::start(&db, &["--demo"]);
        let printed = server.printed.join("\n");
        assert!(printed.contains("已载入演示数据"), "{printed}");
        for account in [
            "demo-editor",
            "demo-reviewer",
            "demo-handler",
            "demo-supervisor",
            "demo-admin",
        ] {
            assert!(printed.contains(account), "{account} in {printed}");
        }
        let health: serde_json::Value = must(
            must(reqwest::get(format!("{}/healthz", server.url)).await)
                .json()
                .await,
        );
        assert_eq!(health["database"], engine.name());
        let home = must(
            must(reqwest::get(format!("{}/", server.url)).await)
                .text()
                .await,
        );
        assert_says_all(
            &home,
            &[
                "乌恰县财政局",
                "乌恰县审计局",
                "乌恰县市场监督管理局",
                "吉根乡",
            ],
        );
        let (clean, last) = server.terminate();
        assert!(clean, "exit 0 on SIGTERM");
        assert!(last.iter().any(|l| l.contains("已停止")), "{last:?}");

        // Every action the demo audited reads as Chinese in the back office.
        let store = must(Store::connect(&db.url).await);
        let actions: Vec<String> = must(
            sqlx::query_scalar("SELECT DISTINCT action FROM audit_log")
                .fetch_all(store.pool())
                .await,
        );
        store.close().await;
        assert!(actions.len() > 5, "{actions:?}");
        for action in &actions {
            assert_ne!(
                gongkai_domain::audit::action_label(action),
                action,
                "{action} has no Chinese name"
            );
        }
        // The server recorded a checkpoint of the audit chain when it started, and the
        // sealed chain verifies against it.
        let checkpoints = must(std::fs::read_to_string(
            data_of(&db).join("audit-checkpoints.log"),
        ));
        assert_eq!(checkpoints.lines().count(), 1, "{checkpoints}");
        let verified = gongkai(&db, &["audit", "verify"]);
        assert!(verified.status.success(), "{}", stderr(&verified));
        assert!(
            stdout(&verified).contains("1 个检查点一致"),
            "{}",
            stdout(&verified)
        );

        // Demo again on a database that has data: nothing changes, and it says so.
        let again = Server::start(&db, &["--demo"]);
        assert!(
            again
                .printed
                .iter()
                .any(|l| l.contains("--demo 未做任何更改")),
            "{:?}",
            again.printed
        );
        let orgs: serde_json::Value = must(
            must(reqwest::get(format!("{}/api/v1/organisations", again.url)).await)
                .json()
                .await,
        );
        assert_eq!(
            orgs.as_array().map(Vec::len),
            Some(31),
            "1 county + 19 departments + 11 townships"
        );
        let _ = again.terminate();
    }
}

#[tokio::test]
async fn ctrl_c_stops_the_server_gracefully_and_json_logs_are_one_object_per_line() {
    let db = TestDb::new(Engine::Sqlite).await;
    let server = Server::start(&db, &["--log-format", "json"]);
    let health = must(reqwest::get(format!("{}/healthz", server.url)).await);
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    let log_file = server.log.clone();
    let (clean, last) = server.stop_with("INT");
    assert!(clean, "exit 0 on SIGINT (Ctrl+C)");
    assert!(last.iter().any(|l| l.contains("已停止")), "{last:?}");

    let log = must(std::fs::read_to_string(&log_file));
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "the server logged something");
    for line in &lines {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(entry["level"].is_string(), "{line}");
        assert!(entry["timestamp"].is_string(), "{line}");
        assert!(entry["fields"].is_object(), "{line}");
    }
    assert!(
        lines.iter().any(|l| l.contains("\"listening\"")),
        "the start is logged: {log}"
    );
}

#[tokio::test]
async fn without_any_configuration_the_defaults_apply() {
    let db = TestDb::new(Engine::Sqlite).await;
    let home = db.dir.join("fresh");
    must(std::fs::create_dir_all(&home));
    let bare = |args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args).current_dir(&home);
        for key in [
            "GONGKAI_DATA",
            "GONGKAI_DATABASE_URL",
            "GONGKAI_LISTEN",
            "GONGKAI_THEME",
            "GONGKAI_LOG",
        ] {
            cmd.env_remove(key);
        }
        cmd
    };
    let o = must(bare(&["init"]).output());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        home.join("gongkai-data").join("gongkai.db").is_file(),
        "the data folder defaults to ./gongkai-data"
    );

    // `serve` listens on 127.0.0.1:8080: it either starts there or, when something else
    // already holds that port on this machine, says so naming that address.
    let mut child = must(
        bare(&["serve"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn(),
    );
    let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    // The reader stays open until the process ends: it prints 已停止 on its way out.
    let mut lines = BufReader::new(out).lines().map_while(Result::ok);
    let started = lines.by_ref().find(|line| line.contains("已启动"));
    match started {
        Some(line) => {
            assert!(line.contains("http://127.0.0.1:8080/"), "{line}");
            assert!(line.contains("gongkai-data"), "{line}");
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            assert!(lines.any(|l| l.contains("已停止")));
            let status = must(child.wait());
            assert!(status.success());
        }
        None => {
            let o = must(child.wait_with_output());
            assert_one_clear_line(&o, "127.0.0.1:8080");
            assert!(stderr(&o).contains("地址已被占用"), "{}", stderr(&o));
        }
    }
}

#[tokio::test]
async fn a_theme_folder_overrides_templates_and_static_files() {
    let db = TestDb::new(Engine::Sqlite).await;
    let theme = db.dir.join("theme");
    must(std::fs::create_dir_all(theme.join("templates")));
    must(std::fs::create_dir_all(theme.join("static")));
    must(std::fs::write(
        theme.join("templates").join("home.html"),
        "<!doctype html><html lang=\"zh-CN\"><title>首页</title><p>本县自定义首页</p></html>",
    ));
    must(std::fs::write(
        theme.join("static").join("site.css"),
        "body { color: #123456 }",
    ));
    let theme_arg = theme.display().to_string();
    let server = Server::start(&db, &["--theme", &theme_arg]);
    let get = |path: &str| {
        let url = format!("{}{path}", server.url);
        async move { must(must(reqwest::get(url).await).text().await) }
    };
    assert!(get("/").await.contains("本县自定义首页"), "theme template");
    assert_eq!(get("/static/site.css").await, "body { color: #123456 }");
    // A static file is read from the theme folder on every request: a change shows at once.
    must(std::fs::write(
        theme.join("static").join("site.css"),
        "body { color: #654321 }",
    ));
    assert_eq!(get("/static/site.css").await, "body { color: #654321 }");
    // Pages the theme leaves alone are the embedded ones.
    assert!(get("/admin/login").await.contains("登录"));
    let _ = server.terminate();

    // A broken theme template stops the start with one clear line, naming the template.
    must(std::fs::write(
        theme.join("templates").join("home.html"),
        "{% if %}",
    ));
    let o = gongkai(
        &db,
        &["serve", "--listen", "127.0.0.1:0", "--theme", &theme_arg],
    );
    assert!(!o.status.success());
    assert_one_clear_line(&o, "主题模板 home.html 有误");
}

#[tokio::test]
async fn configuration_comes_from_the_environment_and_a_file() {
    let db = TestDb::new(Engine::Sqlite).await;
    let data = db.dir.join("from-env");
    let o = must(
        Command::new(BIN)
            .args([
                "org",
                "add",
                "--code",
                "ENV01",
                "--name",
                "环境变量县人民政府",
            ])
            .env("GONGKAI_DATA", &data)
            .current_dir(&db.dir)
            .output(),
    );
    assert_database_in(&o, &data, "GONGKAI_DATA chose the folder");

    let from_file = db.dir.join("from-file");
    must(std::fs::write(
        db.dir.join("gongkai.toml"),
        format!("data = \"{}\"\n", from_file.display()),
    ));
    let o = must(
        Command::new(BIN)
            .args(["init"])
            .env_remove("GONGKAI_DATA")
            .current_dir(&db.dir)
            .output(),
    );
    assert_database_in(&o, &from_file, "gongkai.toml chose the folder");
}

#[tokio::test]
async fn the_calendar_answers_from_the_command_line() {
    let db = TestDb::new(Engine::Sqlite).await;
    let due = gongkai(
        &db,
        &[
            "calendar",
            "due",
            "--from",
            "2026-09-30",
            "--working-days",
            "1",
        ],
    );
    assert!(due.status.success(), "{}", stderr(&due));
    assert_eq!(
        stdout(&due).trim(),
        "2026-10-08",
        "the first working day after National Day"
    );
    let make_up = gongkai(&db, &["calendar", "is-working-day", "2026-10-10"]);
    assert_eq!(
        stdout(&make_up).trim(),
        "yes",
        "a Saturday made a working day (调休)"
    );
    let holiday = gongkai(&db, &["calendar", "is-working-day", "2026-10-05"]);
    assert_eq!(stdout(&holiday).trim(), "no");
    assert_one_clear_line(
        &gongkai(&db, &["calendar", "is-working-day", "2031-01-06"]),
        "尚无 2031 年",
    );

    // A regional holiday an administrator imports moves the due date for that region only.
    let file = db.dir.join("xj-2026.json");
    must(std::fs::write(
        &file,
        r#"{"year": 2026, "days": [{"name": "古尔邦节", "date": "2026-05-27", "isOffDay": true}]}"#,
    ));
    let import = gongkai(
        &db,
        &[
            "calendar",
            "import",
            "--region",
            "XJ",
            file.to_str().unwrap_or_default(),
        ],
    );
    assert!(import.status.success(), "{}", stderr(&import));
    assert!(stdout(&import).contains("已导入日历数据"));
    let due = [
        "calendar",
        "due",
        "--from",
        "2026-05-26",
        "--working-days",
        "1",
    ];
    let national = gongkai(&db, &due);
    let regional = gongkai(&db, &[&due[..], &["--region", "XJ"]].concat());
    assert_eq!(stdout(&national).trim(), "2026-05-27");
    assert_eq!(stdout(&regional).trim(), "2026-05-28");
    let bad = db.dir.join("bad.json");
    must(std::fs::write(
        &bad,
        "{\"year\": 2026, \"days\": [{\"date\": \"2026-13-01\"}]}",
    ));
    let o = gongkai(
        &db,
        &["calendar", "import", bad.to_str().unwrap_or_default()],
    );
    assert!(!o.status.success());
    assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{}", stderr(&o));
}
