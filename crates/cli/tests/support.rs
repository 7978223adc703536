//! What the command-line tests share: the binary under test, how an operator points it at
//! the test's database, the steps many tests start with, and a running server process.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use gongkai_store::testing::TestDb;
use gongkai_store::{Engine, Store};
use reqwest::StatusCode;

/// The `gongkai` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

/// The value, or a panic with the error's message (tests only).
pub fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `gongkai` with the test database selected the way an operator would (`--data` for
/// SQLite, `--database-url` for PostgreSQL), ignoring any `GONGKAI_DATA`/`GONGKAI_DATABASE_URL`
/// of the environment.
pub fn gongkai(db: &TestDb, args: &[&str]) -> Output {
    must(command(db).args(args).output())
}

/// `gongkai` pointed at the test database (see [`gongkai`]), run in the test's folder, for
/// callers that need more than the output (standard input, a long-running server).
pub fn command(db: &TestDb) -> Command {
    command_at(db, &db.url)
}

/// [`command`] reaching the test's PostgreSQL database at `url` (through a proxy, say).
pub fn command_at(db: &TestDb, url: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("GONGKAI_DATABASE_URL")
        .env_remove("GONGKAI_DATA")
        .current_dir(&db.dir);
    match db.engine {
        Engine::Sqlite => cmd.arg("--data").arg(&db.dir),
        Engine::Postgres => cmd.arg("--database-url").arg(url),
    };
    cmd
}

/// What a command printed on standard output.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a command printed on standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `gongkai` like [`gongkai`] and asserts that it succeeded (its stderr is the message).
pub fn succeeds(db: &TestDb, args: &[&str]) -> Output {
    let o = gongkai(db, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

/// Adds the county government (`WQX001` 乌恰县人民政府), the organisation most tests start with.
pub fn add_county(db: &TestDb) {
    succeeds(
        db,
        &["org", "add", "--code", "WQX001", "--name", "乌恰县人民政府"],
    );
}

/// Asserts that `text` (what a command printed) contains `needle`, showing the whole text if not.
#[track_caller]
pub fn assert_says(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} in {text}");
}

/// Asserts that `text` contains every one of `needles`, naming the first one missing.
#[track_caller]
pub fn assert_says_all(text: &str, needles: &[&str]) {
    for needle in needles {
        assert_says(text, needle);
    }
}

/// The data folder the binary uses for `db` (for PostgreSQL the default one in its folder).
pub fn data_of(db: &TestDb) -> PathBuf {
    match db.engine {
        Engine::Sqlite => db.dir.clone(),
        Engine::Postgres => db.dir.join("gongkai-data"),
    }
}

/// What a load test sets for `gongkai serve --demo`: no sample corpus to load, no hourly limit
/// on submissions.
pub const LOAD_TEST_ENV: &[(&str, &str)] = &[
    ("GONGKAI_DEMO_CORPUS", "/nonexistent"),
    ("GONGKAI_SUBMISSIONS_PER_HOUR", "1000000"),
];

/// A JSON application to the demo county's finance bureau (`POST /api/v1/applications`) from
/// applicant `name` asking for `description`.
pub fn application_body(name: &str, description: &str) -> serde_json::Value {
    serde_json::json!({
        "org": "WQX004", "applicant_kind": "natural", "name": name,
        "id_number": "11010519491231002X", "phone": "13912345678",
        "description": description, "delivery": "download", "secret": "chaxun-123",
    })
}

/// Runs one SQL statement on the test's database behind the program's back (a tampering
/// intruder, a fixture the command line cannot make).
pub async fn execute(db: &TestDb, sql: &str) {
    let store = must(Store::connect(&db.url).await);
    must(
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(store.pool())
            .await,
    );
    store.close().await;
}

/// The demo's staff password (see [`Server::start_at`]).
pub const DEMO_PASSWORD: &str = "Demo-2026-wuqia";

/// A client keeping cookies, following redirects.
pub fn client() -> reqwest::Client {
    must(reqwest::Client::builder().cookie_store(true).build())
}

pub fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    page.split(marker)
        .nth(1)
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect())
        .unwrap_or_else(|| panic!("no token: {page}"))
}

pub async fn text(c: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let r = must(c.get(url).send().await);
    let status = r.status();
    (status, must(r.text().await))
}

/// Signs `username` in with the demo password on `base`; the client carries the session.
pub async fn login(base: &str, username: &str) -> reqwest::Client {
    let c = client();
    let (_, form) = text(&c, &format!("{base}/admin/login")).await;
    let token = csrf_of(&form);
    let r = must(
        c.post(format!("{base}/admin/login"))
            .header("Origin", base)
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", username),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await,
    );
    assert_eq!(r.status(), StatusCode::OK, "login of {username}");
    let page = must(r.text().await);
    assert!(
        !page.contains("用户名或密码"),
        "login of {username}: {page}"
    );
    c
}

/// A running `gongkai serve` process whose stdout is read line by line; its stderr (the log)
/// goes to a file in the test's folder.
pub(crate) struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    pub(crate) url: String,
    pub(crate) printed: Vec<String>,
    pub(crate) log: PathBuf,
}

impl Server {
    /// Starts `gongkai serve` on a free port with `extra` arguments and waits until it listens.
    pub(crate) fn start(db: &TestDb, extra: &[&str]) -> Self {
        Self::start_with_env(db, extra, &[])
    }

    /// [`Server::start`] with `env` variables set for the process (e.g. no demo corpus, no
    /// submission limit for a load test).
    pub(crate) fn start_with_env(db: &TestDb, extra: &[&str], env: &[(&str, &str)]) -> Self {
        Self::start_at(db, &db.url, extra, env)
    }

    /// [`Server::start_with_env`] reaching the PostgreSQL database at `url`.
    pub(crate) fn start_at(db: &TestDb, url: &str, extra: &[&str], env: &[(&str, &str)]) -> Self {
        let log = db.dir.join("serve-stderr.log");
        let mut child = must(
            command_at(db, url)
                .args(["serve", "--listen", "127.0.0.1:0"])
                .args(extra)
                .env("GONGKAI_DEMO_PASSWORD", DEMO_PASSWORD)
                .envs(env.iter().copied())
                .env_remove("GONGKAI_LOG")
                .stdout(Stdio::piped())
                .stderr(must(std::fs::File::create(&log)))
                .spawn(),
        );
        let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut printed = Vec::new();
        let url = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("server did not start; printed: {printed:?}"));
            printed.push(line.clone());
            if let Some(rest) = line.split("已启动：").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches('/')
                    .to_owned();
            }
        };
        Self {
            child,
            lines,
            url,
            printed,
            log,
        }
    }

    /// Sends SIGTERM and returns whether the process exited cleanly, with what it printed last.
    pub(crate) fn terminate(self) -> (bool, Vec<String>) {
        self.stop_with("TERM")
    }

    /// Sends the named signal and returns whether the process exited cleanly, with what it
    /// printed last.
    pub(crate) fn stop_with(mut self, signal: &str) -> (bool, Vec<String>) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill")
            .args([format!("-{signal}"), pid])
            .status();
        let status = self.child.wait();
        // The reader thread may still hold the last lines: take them until it sees the end.
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            rest.push(line);
        }
        (status.map(|s| s.success()).unwrap_or(false), rest)
    }
}

impl Drop for Server {
    /// A server a failed test left running is killed, not orphaned (it would keep its port, its
    /// database and whatever the test runner handed it).
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits until a serving demo has loaded every uploaded table: the datastore loader runs beside
/// the server and writes tables and audit entries, so a test that counts rows or entries while
/// the server runs must not race it.
pub async fn wait_for_tables_loaded(url: &str) {
    let store = must(Store::connect(url).await);
    for _ in 0..300 {
        let waiting: i64 = must(
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM dataset_resources r
                 WHERE r.sha256 IS NOT NULL AND UPPER(r.format) IN ('CSV', 'XLSX')
                   AND NOT EXISTS (SELECT 1 FROM datastore_tables t WHERE t.resource_id = r.id)",
            )
            .fetch_one(store.pool())
            .await,
        );
        if waiting == 0 {
            store.close().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the demo's tables were not loaded within 30 s");
}
