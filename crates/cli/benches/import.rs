//! Import throughput of `gongkai import` over the whole laws corpus (3,471 documents,
//! 19.7 million characters), on SQLite and PostgreSQL, against a baseline measured in the same
//! run: the same import writing one row per transaction (how a naive importer works).
//!
//! Run with `cargo bench -p gongkai --bench import`. It prints documents per second and the
//! ratio to the baseline.

use std::process::Command;
use std::time::Instant;

use gongkai_store::Engine;
use gongkai_store::testing::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");
const LAWS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/laws.jsonl.gz"
);
const DOCS: f64 = 3471.0;

fn run(db: &TestDb, batch: &str) -> f64 {
    let target = |cmd: &mut Command| match db.engine {
        Engine::Sqlite => {
            cmd.arg("--data").arg(&db.dir);
        }
        Engine::Postgres => {
            cmd.arg("--database-url").arg(&db.url);
        }
    };
    let mut add = Command::new(BIN);
    target(&mut add);
    let ok = add
        .args(["org", "add", "--code", "WQX001", "--name", "乌恰县人民政府"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(ok, "org add failed");
    let mut cmd = Command::new(BIN);
    target(&mut cmd);
    let started = Instant::now();
    let out = cmd
        .args([
            "import",
            "--org",
            "WQX001",
            "--kind",
            "law",
            "--batch-size",
            batch,
            LAWS,
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let secs = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("新增 3471 条"));
    secs
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    println!("| engine | batched (200 rows/transaction) | baseline (1 row/transaction) | ratio |");
    println!("| --- | --- | --- | --- |");
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let batched = rt.block_on(TestDb::new(engine));
        let t_batched = run(&batched, "200");
        let single = rt.block_on(TestDb::new(engine));
        let t_single = run(&single, "1");
        println!(
            "| {} | {:.0} docs/s ({:.1} s) | {:.0} docs/s ({:.1} s) | {:.2}× |",
            engine.name(),
            DOCS / t_batched,
            t_batched,
            DOCS / t_single,
            t_single,
            t_single / t_batched
        );
        drop(batched);
        drop(single);
    }
}
