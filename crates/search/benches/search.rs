//! Benchmark: gongkai-search against SQLite FTS5 with its `trigram` tokenizer, in the same run.
//!
//! Data sets: the law corpus (3,471 documents) and a synthetic expansion of it to
//! `GONGKAI_BENCH_DOCS` documents (default 100,000): each synthetic document takes the title of
//! a random corpus document, a 文号 of its own and 4–52 random paragraphs (mean ≈ 28, ≈ 1,500
//! characters) of the corpus, drawn with a seeded generator, so every run indexes the same text.
//!
//! Figures: build throughput (MB of UTF-8 text per second, including the final commit and
//! merge), index size on disk, and query latency p50/p99 over a fixed mix of 50 queries run
//! `GONGKAI_BENCH_ROUNDS` times (default 5) after one warm-up round.
//!
//! Both engines see the same normalised text (for FTS5 it is normalised before the clock
//! starts; gongkai-search normalises inside its tokenizers, on the clock) and the same parsed
//! query, so their totals must agree; the run reports how many do. FTS5's trigram index cannot
//! answer terms shorter than 3 characters: for those the baseline uses `LIKE '%…%'` on every
//! column, a full scan of the table, which is the only exact way SQLite has.
//!
//! `GONGKAI_BENCH_SEARCH_THREADS` (default 2) sets the threads one query may use (segments
//! searched in parallel); 1 measures the single-threaded search.
//!
//! Run with `cargo bench -p gongkai-search`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongkai_search::{Doc, Options, ParsedQuery, Query, SearchIndex, normalize};
use rusqlite::Connection;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn die(e: impl std::fmt::Display) -> ! {
    eprintln!("benchmark failed: {e}");
    std::process::exit(1)
}

fn text_bytes(docs: &[Doc]) -> usize {
    docs.iter()
        .map(|d| d.title.len() + d.body.len() + d.doc_number.len())
        .sum()
}

fn synthetic(corpus: &[Doc], n: usize) -> Vec<Doc> {
    let paragraphs: Vec<&str> = corpus
        .iter()
        .flat_map(|d| d.body.split('\n'))
        .filter(|p| !p.trim().is_empty())
        .collect();
    let mut rng = common::Rng(0x0062_656e_6368);
    (0..n)
        .map(|i| {
            let base = &corpus[rng.below(corpus.len())];
            let k = 4 + rng.below(49);
            let mut body = String::with_capacity(k * 170);
            for _ in 0..k {
                body.push_str(paragraphs[rng.below(paragraphs.len())]);
                body.push('\n');
            }
            let year = 2000 + (i % 25) as i32;
            let (org_code, org_name) = common::ORGS[i % common::ORGS.len()];
            let id = format!("{org_code}-{year}-{:06}", i + 1);
            Doc {
                url: format!("/xxgk/{id}"),
                id,
                title: base.title.clone(),
                body,
                doc_number: format!("乌政发〔{year}〕{}号", i + 1),
                org_code: org_code.to_owned(),
                org_name: org_name.to_owned(),
                theme: base.theme.clone(),
                kind: base.kind.clone(),
                validity: base.validity.clone(),
                published_at: common::days_from_civil(i64::from(year), 1 + (i % 12) as i64, 1)
                    * 86_400,
                year: Some(year),
                content_type: "record".to_owned(),
                site: String::new(),
                attachments_text: String::new(),
            }
        })
        .collect()
}

/// The fixed query mix: 30 chosen (2–8 character words, a 文号, phrases, AND, exclusion,
/// numbers, one character) and 20 random substrings of the corpus.
fn query_mix(corpus: &[Doc]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for q in [
        "消防", "环境", "土地", "税收", "教育", "医疗", "住房", "交通", "食品", "低保", "救助",
        "罚款",
    ] {
        out.push((q.to_owned(), "2 chars"));
    }
    for q in [
        "信息公开",
        "食品安全",
        "行政许可",
        "政府采购",
        "安全生产",
        "法律责任",
        "知识产权",
        "食品安全法",
        "中华人民共和国",
        "最低生活保障",
        "突发公共卫生事件",
        "法释〔2020〕26号",
        "2019",
        "12345",
    ] {
        out.push((q.to_owned(), "3-8 chars"));
    }
    for q in ["\"第一章 总则\"", "食品 安全", "消防 救援", "消防 -安全"] {
        out.push((q.to_owned(), "syntax"));
    }
    let mut rng = common::Rng(0x0071_7565_7279);
    while out.len() < 50 {
        let d = &corpus[rng.below(corpus.len())];
        let Some(q) = rng.substring(&d.body) else {
            continue;
        };
        let n = normalize(&q);
        if q.chars().any(|c| c.is_whitespace() || !c.is_alphanumeric())
            || n.starts_with('-')
            || out.iter().any(|(x, _)| *x == q)
        {
            continue;
        }
        out.push((q, "random"));
    }
    out
}

struct Figures {
    build: Duration,
    size: u64,
    latencies: Vec<(usize, Duration)>,
    totals: Vec<usize>,
}

fn run_rounds(
    queries: &[(String, &'static str)],
    rounds: usize,
    mut run: impl FnMut(&str) -> usize,
) -> (Vec<(usize, Duration)>, Vec<usize>) {
    let totals: Vec<usize> = queries.iter().map(|(q, _)| run(q)).collect();
    let mut latencies = Vec::new();
    for _ in 0..rounds {
        for (i, (q, _)) in queries.iter().enumerate() {
            let t = Instant::now();
            let total = run(q);
            latencies.push((i, t.elapsed()));
            assert_eq!(total, totals[i], "stable totals");
        }
    }
    (latencies, totals)
}

fn ours(
    docs: &[Doc],
    dir: &Path,
    queries: &[(String, &'static str)],
    rounds: usize,
    facets: bool,
) -> Figures {
    let _ = std::fs::remove_dir_all(dir);
    let options = Options {
        writer_threads: 2,
        writer_memory: 1_000_000_000,
        search_threads: env_usize("GONGKAI_BENCH_SEARCH_THREADS", 2),
    };
    let t = Instant::now();
    let index = SearchIndex::open_with(dir, options).unwrap_or_else(|e| die(e));
    for chunk in docs.chunks(10_000) {
        index.upsert(chunk).unwrap_or_else(|e| die(e));
    }
    index.commit().unwrap_or_else(|e| die(e));
    index.wait_for_merges().unwrap_or_else(|e| die(e));
    let build = t.elapsed();
    let size = index.size_on_disk();
    assert_eq!(index.doc_count(), docs.len() as u64);
    let (latencies, totals) = run_rounds(queries, rounds, |q| {
        let query = Query { facets, ..Query::new(q) };
        let r = index.search(&query).unwrap_or_else(|e| die(e));
        std::hint::black_box(&r.hits);
        r.total
    });
    Figures {
        build,
        size,
        latencies,
        totals,
    }
}

/// FTS5 expression for a term that trigram can answer (≥ 3 characters).
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The SQL WHERE clause and parameters for a parsed query: trigram MATCH for terms of 3+
/// characters, `LIKE` on every column (a full scan) for shorter ones.
fn fts_where(parsed: &ParsedQuery) -> (String, Vec<String>, bool) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    let long: Vec<String> = parsed
        .terms
        .iter()
        .filter(|t| t.chars().count() >= 3)
        .map(|t| fts_phrase(t))
        .collect();
    let has_match = !long.is_empty();
    if has_match {
        clauses.push("docs MATCH ?".to_owned());
        params.push(long.join(" AND "));
    }
    let like = |params: &mut Vec<String>, t: &str| {
        let p = like_pattern(t);
        for _ in 0..3 {
            params.push(p.clone());
        }
        "(title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\' OR doc_number LIKE ? ESCAPE '\\')"
            .to_owned()
    };
    for t in parsed.terms.iter().filter(|t| t.chars().count() < 3) {
        let c = like(&mut params, t);
        clauses.push(c);
    }
    for t in &parsed.excluded {
        if t.chars().count() >= 3 {
            clauses.push("rowid NOT IN (SELECT rowid FROM docs WHERE docs MATCH ?)".to_owned());
            params.push(fts_phrase(t));
        } else {
            let c = like(&mut params, t);
            clauses.push(format!("NOT {c}"));
        }
    }
    if clauses.is_empty() {
        clauses.push("1".to_owned());
    }
    (clauses.join(" AND "), params, has_match)
}

fn fts5(docs: &[Doc], path: &Path, queries: &[(String, &'static str)], rounds: usize) -> Figures {
    let _ = std::fs::remove_file(path);
    // Same normalised text as ours sees, prepared before the clock starts.
    let normalised = common::normalised(docs);
    let t = Instant::now();
    let mut conn = Connection::open(path).unwrap_or_else(|e| die(e));
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
         CREATE VIRTUAL TABLE docs USING fts5(title, body, doc_number, tokenize = 'trigram');",
    )
    .unwrap_or_else(|e| die(e));
    {
        let tx = conn.transaction().unwrap_or_else(|e| die(e));
        {
            let mut insert = tx
                .prepare("INSERT INTO docs (rowid, title, body, doc_number) VALUES (?, ?, ?, ?)")
                .unwrap_or_else(|e| die(e));
            for (i, [title, body, number]) in normalised.iter().enumerate() {
                insert
                    .execute(rusqlite::params![i as i64, title, body, number])
                    .unwrap_or_else(|e| die(e));
            }
        }
        tx.commit().unwrap_or_else(|e| die(e));
    }
    conn.execute_batch("INSERT INTO docs (docs) VALUES ('optimize');")
        .unwrap_or_else(|e| die(e));
    let build = t.elapsed();
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let (latencies, totals) = run_rounds(queries, rounds, |q| {
        let parsed = ParsedQuery::parse(q);
        let (where_sql, params, has_match) = fts_where(&parsed);
        let params: Vec<&dyn rusqlite::ToSql> =
            params.iter().map(|p| p as &dyn rusqlite::ToSql).collect();
        let total: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM docs WHERE {where_sql}"),
                params.as_slice(),
                |r| r.get(0),
            )
            .unwrap_or_else(|e| die(e));
        let top_sql = if has_match {
            format!(
                "SELECT rowid, title, snippet(docs, -1, '<mark>', '</mark>', '…', 24) \
                 FROM docs WHERE {where_sql} ORDER BY rank LIMIT 10"
            )
        } else {
            format!(
                "SELECT rowid, title, substr(body, 1, 120) FROM docs WHERE {where_sql} \
                 ORDER BY rowid LIMIT 10"
            )
        };
        let mut stmt = conn.prepare(&top_sql).unwrap_or_else(|e| die(e));
        let rows: Vec<(i64, String, String)> = stmt
            .query_map(params.as_slice(), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap_or_else(|e| die(e))
            .filter_map(Result::ok)
            .collect();
        std::hint::black_box(rows);
        total as usize
    });
    Figures {
        build,
        size,
        latencies,
        totals,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

struct Row {
    engine: &'static str,
    docs: usize,
    mb: f64,
    build_s: f64,
    mb_s: f64,
    size_mb: f64,
    p50: f64,
    p99: f64,
    mean: f64,
    by_class: Vec<(&'static str, f64)>,
}

fn row(engine: &'static str, docs: &[Doc], f: &Figures, queries: &[(String, &'static str)]) -> Row {
    let mb = text_bytes(docs) as f64 / 1e6;
    let mut all: Vec<Duration> = f.latencies.iter().map(|(_, d)| *d).collect();
    all.sort_unstable();
    let mean = all.iter().map(|d| ms(*d)).sum::<f64>() / all.len().max(1) as f64;
    let mut by_class = Vec::new();
    for class in ["2 chars", "3-8 chars", "syntax", "random"] {
        let mut v: Vec<Duration> = f
            .latencies
            .iter()
            .filter(|(i, _)| queries[*i].1 == class)
            .map(|(_, d)| *d)
            .collect();
        v.sort_unstable();
        by_class.push((class, ms(percentile(&v, 50.0))));
    }
    Row {
        engine,
        docs: docs.len(),
        mb,
        build_s: f.build.as_secs_f64(),
        mb_s: mb / f.build.as_secs_f64(),
        size_mb: f.size as f64 / 1e6,
        p50: ms(percentile(&all, 50.0)),
        p99: ms(percentile(&all, 99.0)),
        mean,
        by_class,
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gongkai-bench-{}-{name}", std::process::id()))
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n_synthetic = env_usize("GONGKAI_BENCH_DOCS", 100_000);
    let rounds = env_usize("GONGKAI_BENCH_ROUNDS", 5).max(1);
    let started = Instant::now();
    let corpus = common::corpus_docs();
    let queries = query_mix(&corpus);
    let mut sets: Vec<(String, Vec<Doc>)> = vec![("corpus".to_owned(), corpus.clone())];
    if n_synthetic > 0 {
        sets.push((
            format!("synthetic {n_synthetic}"),
            synthetic(&corpus, n_synthetic),
        ));
    }
    println!(
        "machine: {} cores (available_parallelism), {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get),
        cpu_model()
    );
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    println!(
        "query mix: {} queries ({} rounds after a warm-up), page of 10 hits with snippets",
        queries.len(),
        rounds
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (name, docs) in &sets {
        eprintln!(
            "[{:>6.1}s] {name}: gongkai-search …",
            started.elapsed().as_secs_f64()
        );
        let dir = temp_path("tantivy");
        let page = ours(docs, &dir, &queries, rounds, true);
        let api = {
            // Same index, no facets (the JSON API's path): reuse the built index directory.
            let index = SearchIndex::open(&dir).unwrap_or_else(|e| die(e));
            let (latencies, totals) = run_rounds(&queries, rounds, |q| {
                let query = Query {
                    facets: false,
                    ..Query::new(q)
                };
                let r = index.search(&query).unwrap_or_else(|e| die(e));
                std::hint::black_box(&r.hits);
                r.total
            });
            Figures {
                build: page.build,
                size: index.size_on_disk(),
                latencies,
                totals,
            }
        };
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!(
            "[{:>6.1}s] {name}: FTS5 trigram …",
            started.elapsed().as_secs_f64()
        );
        let db = temp_path("fts5.db");
        let fts = fts5(docs, &db, &queries, rounds);
        let _ = std::fs::remove_file(&db);
        let agree = page
            .totals
            .iter()
            .zip(&fts.totals)
            .filter(|(a, b)| a == b)
            .count();
        let mut disagreements: Vec<String> = page
            .totals
            .iter()
            .zip(&fts.totals)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("{:?}: ours {a}, FTS5 {b}", queries[i].0))
            .collect();
        disagreements.truncate(10);
        notes.push(format!(
            "{name}: totals agree on {agree}/{} queries{}",
            queries.len(),
            if disagreements.is_empty() {
                String::new()
            } else {
                format!(" (differ: {})", disagreements.join("; "))
            }
        ));
        rows.push(row("gongkai-search (page: +facets)", docs, &page, &queries));
        rows.push(row("gongkai-search (API: no facets)", docs, &api, &queries));
        rows.push(row("SQLite FTS5 trigram", docs, &fts, &queries));
    }

    println!();
    println!(
        "| data set | engine | docs | text MB | build s | build MB/s | index MB | p50 ms | p99 ms | mean ms |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (i, r) in rows.iter().enumerate() {
        let set = &sets[i / 3].0;
        println!(
            "| {set} | {} | {} | {:.1} | {:.2} | {:.2} | {:.1} | {:.3} | {:.3} | {:.3} |",
            r.engine, r.docs, r.mb, r.build_s, r.mb_s, r.size_mb, r.p50, r.p99, r.mean
        );
    }
    println!();
    println!("p50 by query class (ms):");
    println!();
    println!("| data set | engine | 2 chars | 3-8 chars | syntax | random |");
    println!("|---|---|---:|---:|---:|---:|");
    for (i, r) in rows.iter().enumerate() {
        let set = &sets[i / 3].0;
        let c: Vec<String> = r.by_class.iter().map(|(_, v)| format!("{v:.3}")).collect();
        println!("| {set} | {} | {} |", r.engine, c.join(" | "));
    }
    println!();
    println!("ratios, gongkai-search (page) vs FTS5 trigram (> 1 means ours is better):");
    println!();
    println!("| data set | build speed | index size | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|");
    for (i, chunk) in rows.chunks(3).enumerate() {
        let (o, f) = (&chunk[0], &chunk[2]);
        println!(
            "| {} | {:.2}× | {:.2}× | {:.1}× | {:.1}× |",
            sets[i].0,
            o.mb_s / f.mb_s,
            f.size_mb / o.size_mb,
            f.p50 / o.p50,
            f.p99 / o.p99
        );
    }
    println!();
    for n in notes {
        println!("{n}");
    }
    println!(
        "FTS5: terms of 3+ characters use the trigram index (MATCH \"…\"); 1–2 character terms \
         cannot, and use LIKE '%…%' on every column: a full scan of the table."
    );
    println!("load average at end: {}", load().trim());
    println!("total run time {:.0} s", started.elapsed().as_secs_f64());
}
