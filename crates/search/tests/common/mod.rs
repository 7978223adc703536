//! The shared test corpus (`shared/corpus/laws.jsonl.gz`, read at run time, never copied) turned
//! into [`Doc`]s with deterministic catalogue metadata, plus a small seeded random generator.
//! Used by the recall test and the benchmark.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};

use gongkai_search::Doc;

/// Path of the law corpus, beside the repository.
pub const LAWS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/laws.jsonl.gz"
);

/// Organisations the corpus documents are attributed to (deterministically, by line number).
pub const ORGS: [(&str, &str); 8] = [
    ("WQX001", "乌恰县人民政府"),
    ("WQX002", "乌恰县人民政府办公室"),
    ("WQX003", "乌恰县发展和改革委员会"),
    ("WQX004", "乌恰县教育局"),
    ("WQX005", "乌恰县财政局"),
    ("WQX006", "乌恰县市场监督管理局"),
    ("WQX007", "乌恰县卫生健康委员会"),
    ("WQX008", "乌恰县应急管理局"),
];

/// One corpus line as read.
#[derive(Clone, Debug)]
pub struct Law {
    /// Stable 12-hex id of the corpus.
    pub id: String,
    /// Title.
    pub title: String,
    /// Body (Markdown).
    pub body: String,
    /// 文号 or empty.
    pub doc_number: String,
    /// `YYYY-MM-DD` or empty.
    pub date: String,
    /// Category, e.g. `行政法规`, `DLC/上海地方法规`.
    pub category: String,
}

/// Reads the whole corpus.
pub fn laws() -> Vec<Law> {
    let file = std::fs::File::open(LAWS).unwrap_or_else(|e| panic!("{LAWS}: {e}"));
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap_or_else(|e| panic!("{LAWS}: {e}"));
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{LAWS}: {e}"));
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        out.push(Law {
            id: s("id"),
            title: s("title"),
            body: s("body"),
            doc_number: s("doc_number"),
            date: s("date"),
            category: s("category"),
        });
    }
    out
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The [`Doc`] for corpus line `n`, with catalogue metadata assigned deterministically.
pub fn to_doc(n: usize, law: &Law) -> Doc {
    let parts: Vec<i64> = law.date.split('-').filter_map(|p| p.parse().ok()).collect();
    let (year, published_at) = match parts.as_slice() {
        [y, m, d] => (
            Some(*y as i32),
            days_from_civil(*y, *m, *d) * 86_400 - 8 * 3_600,
        ),
        _ => (None, 0),
    };
    let (org_code, org_name) = ORGS[n % ORGS.len()];
    let kind = law
        .category
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let theme = match law.category.strip_prefix("DLC/") {
        Some(rest) => format!("地方法规/{rest}"),
        None => law.category.clone(),
    };
    let validity = match n % 13 {
        0 => "废止",
        1 | 2 => "失效",
        _ => "有效",
    };
    let id = format!("{org_code}-{}-{:06}", year.unwrap_or(2000), n + 1);
    Doc {
        url: format!("/xxgk/{id}"),
        id,
        title: law.title.clone(),
        body: law.body.clone(),
        attachments_text: String::new(),
        doc_number: law.doc_number.clone(),
        org_code: org_code.to_owned(),
        org_name: org_name.to_owned(),
        theme,
        kind,
        validity: validity.to_owned(),
        published_at,
        year,
        content_type: "record".to_owned(),
        site: String::new(),
    }
}

/// The corpus as [`Doc`]s.
pub fn corpus_docs() -> Vec<Doc> {
    laws()
        .iter()
        .enumerate()
        .map(|(n, l)| to_doc(n, l))
        .collect()
}

/// SplitMix64: a tiny seeded generator, so the random query set is the same on every run.
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A run of 2 to 8 characters of `text` at a random place (the length is drawn first, then
    /// the start); `None` when `text` is shorter than the length drawn.
    pub fn substring(&mut self, text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let len = 2 + self.below(7);
        if chars.len() < len {
            return None;
        }
        let start = self.below(chars.len() - len + 1);
        Some(chars[start..start + len].iter().collect())
    }
}

/// Title, body and 文号 of each document as the index sees them ([`gongkai_search::normalize`]),
/// for the brute-force truth and the FTS5 comparison.
pub fn normalised(docs: &[Doc]) -> Vec<[String; 3]> {
    docs.iter()
        .map(|d| {
            [
                gongkai_search::normalize(&d.title),
                gongkai_search::normalize(&d.body),
                gongkai_search::normalize(&d.doc_number),
            ]
        })
        .collect()
}
