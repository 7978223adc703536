//! What the command-line tests share: the binary under test, and how an operator points it at
//! the test's database.

use std::process::{Command, Output};

use gongkai_store::Engine;
use gongkai_store::testing::TestDb;

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
    let mut cmd = Command::new(BIN);
    cmd.env_remove("GONGKAI_DATABASE_URL")
        .env_remove("GONGKAI_DATA")
        .current_dir(&db.dir);
    match db.engine {
        Engine::Sqlite => cmd.arg("--data").arg(&db.dir),
        Engine::Postgres => cmd.arg("--database-url").arg(&db.url),
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
