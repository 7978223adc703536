//! Recall over the real corpus: for every query, `total` equals the number of documents whose
//! title, body or 文号 contains the query string (plain substring search after the same
//! normalisation on both sides). Exact equality, every query.
//!
//! The corpus carries its 文号 outside the body, and the index searches 文号 too, so the truth
//! includes it; the README's title+body counts (信息公开 132, 食品安全 90, 消防 504) are asserted
//! as well.

use crate::common;

use std::sync::OnceLock;

use gongkai_search::{Query, SearchIndex, normalize};

struct Fixture {
    index: SearchIndex,
    /// Normalised searchable parts of each document: title, body, 文号.
    texts: Vec<[String; 3]>,
    /// The original title and body, to draw queries from.
    originals: Vec<(String, String)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let docs = common::corpus_docs();
        let index = SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}"));
        index.upsert(&docs).unwrap_or_else(|e| panic!("{e}"));
        index.commit().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(index.doc_count(), docs.len() as u64);
        let texts = common::normalised(&docs);
        let originals = docs.into_iter().map(|d| (d.title, d.body)).collect();
        Fixture { index, texts, originals }
    })
}

/// Documents whose title, body or 文号 contains every `must` string and no `not` string
/// (all normalised).
fn truth(f: &Fixture, must: &[&str], not: &[&str]) -> usize {
    let has = |t: &[String; 3], s: &str| t.iter().any(|p| p.contains(s));
    f.texts
        .iter()
        .filter(|t| must.iter().all(|s| has(t, s)) && !not.iter().any(|s| has(t, s)))
        .count()
}

fn total(f: &Fixture, text: &str) -> usize {
    let query = Query {
        per_page: 1,
        facets: false,
        ..Query::new(text)
    };
    f.index
        .search(&query)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .total
}

/// Random substrings of the corpus text, 2–8 characters, from a seeded generator.
fn random_queries(f: &Fixture, count: usize) -> Vec<String> {
    let mut rng = common::Rng(0x6f6e_676b_6169);
    let mut out: Vec<String> = Vec::new();
    while out.len() < count {
        let (title, body) = &f.originals[rng.below(f.originals.len())];
        let source = if rng.below(10) == 0 { title } else { body };
        let Some(candidate) = rng.substring(source) else {
            continue;
        };
        let n = normalize(&candidate);
        // Whitespace separates terms and `"`/leading `-` are query syntax: such strings are
        // not single-substring queries. Punctuation-only strings are ignored by design.
        if candidate.chars().any(char::is_whitespace)
            || !candidate.chars().any(char::is_alphanumeric)
            || n.contains('"')
            || n.starts_with('-')
            || out.contains(&candidate)
        {
            continue;
        }
        out.push(candidate);
    }
    out
}

#[test]
fn random_corpus_substrings_are_all_found() {
    let f = fixture();
    let queries = random_queries(f, 240);
    let mut failures = Vec::new();
    let mut lengths = [0usize; 9];
    for q in &queries {
        lengths[q.chars().count()] += 1;
        let want = truth(f, &[&normalize(q)], &[]);
        let got = total(f, q);
        assert!(want > 0, "{q} comes from the corpus");
        if got != want {
            failures.push(format!("{q:?}: search {got}, substring {want}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every length from 2 to 8 is represented.
    assert!(lengths[2..=8].iter().all(|&n| n >= 20), "{lengths:?}");
}

#[test]
fn readme_counts_are_reproduced() {
    let f = fixture();
    for (q, n) in [("信息公开", 132), ("食品安全", 90), ("消防", 504)] {
        assert_eq!(total(f, q), n, "{q}");
        assert_eq!(truth(f, &[q], &[]), n, "{q}");
    }
}

#[test]
fn hand_picked_hard_queries() {
    let f = fixture();
    let queries = [
        // jieba cuts 食品安全法 as 食品 / 安全法: exact matching must still find 食品安全 in it.
        "食品安全法",
        "品安",
        // 文号 in the text, in every bracket variant and full width.
        "法释〔2020〕26号",
        "法释[2020]26号",
        "法释【2020】26号",
        "法释［２０２０］２６号",
        "劳社部发〔2000〕8号",
        "国土资发(2018)366号",
        // 文号 carried as metadata only.
        "国务院令第711号",
        // Years, digit strings, Latin letters in any case and width.
        "2019",
        "２０１９",
        "12345",
        "110",
        "gb",
        "ＧＢ",
        // One character, common and rare.
        "法",
        "鼠",
        // Repeated bigrams inside one term.
        "人民人民",
        "哈哈",
        // Punctuation inside a term.
        "《中华人民共和国",
        "第一条",
        "条例》第",
    ];
    for q in queries {
        let n = normalize(q);
        assert_eq!(total(f, q), truth(f, &[&n], &[]), "{q}");
    }
}

#[test]
fn syntax_is_exact_too() {
    let f = fixture();
    // AND of terms.
    assert_eq!(total(f, "食品 消防"), truth(f, &["食品", "消防"], &[]));
    // Exclusion.
    assert_eq!(total(f, "消防 -食品"), truth(f, &["消防"], &["食品"]));
    // A quoted phrase with a space matches that text with any run of whitespace.
    assert_eq!(total(f, "\"第一章 总则\""), truth(f, &["第一章 总则"], &[]));
    assert!(total(f, "\"第一章 总则\"") > 1_000);
    // Exclusion only: everything else.
    assert_eq!(total(f, "-消防"), truth(f, &[], &["消防"]));
    // Excluding phrases (longer than one bigram).
    assert_eq!(
        total(f, "消防 -食品安全"),
        truth(f, &["消防"], &["食品安全"])
    );
    assert_eq!(
        total(f, "-信息公开 -\"人民代表大会\""),
        truth(f, &[], &["信息公开", "人民代表大会"])
    );
}

#[test]
fn strings_across_title_and_body_do_not_match() {
    // The end of a title followed by the start of its body is not text of the document: the
    // index must not join the two (nor body and 文号), whatever the length of the string.
    let f = fixture();
    let mut rng = common::Rng(0x6b61_6973_6869);
    let mut checked = 0;
    while checked < 60 {
        let (title, body) = &f.originals[rng.below(f.originals.len())];
        let t: Vec<char> = title.chars().collect();
        let b: Vec<char> = body.trim_start_matches(['#', ' ']).chars().collect();
        let (tl, bl) = (1 + rng.below(3), 1 + rng.below(3));
        if t.len() < tl || b.len() < bl {
            continue;
        }
        let q: String = t[t.len() - tl..].iter().chain(&b[..bl]).collect();
        let n = normalize(&q);
        if q.chars().any(char::is_whitespace)
            || !q.chars().any(char::is_alphanumeric)
            || n.contains('"')
            || n.starts_with('-')
        {
            continue;
        }
        assert_eq!(total(f, &q), truth(f, &[&n], &[]), "{q}");
        checked += 1;
    }
}
