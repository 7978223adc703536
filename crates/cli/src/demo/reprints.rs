//! Laws republished (转载) under 法律法规: the 政府信息公开条例 always, and national laws and
//! administrative regulations from the corpus when it is found. Each keeps its real issuing
//! authority as 来源 and its real date; the county government office is the publisher of the
//! reprint, so no law reads as a document of a county department, and with their older dates
//! the reprints sort below the county's own documents.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::record::{RecordInput, RecordKind, RecordMeta};
use gongkai_store::records::{self, ImportOutcome, Imported};
use gongkai_store::{Actor, Store};

use super::sites::COUNTY_OFFICE;
use super::{beijing_at, org};
use crate::CliError;

/// The written justification with which the demo republishes corpus texts that screening flags.
const CORPUS_REASON: &str = "演示数据：国家法律法规的正式文本，已公开发布，经核对可以转载";

/// The 中华人民共和国政府信息公开条例 as revised in 2019, shipped with the demo so 法律法规 is
/// never empty.
const REGULATIONS_BODY: &str = include_str!("../../demo/law-zfxxgk-tiaoli.txt");

/// How many corpus texts the demo republishes: enough to page through, few enough to load fast.
const CORPUS_LIMIT: usize = 200;

/// Corpus categories of national laws and administrative regulations; local regulations of
/// other provinces are not texts a county in Xinjiang would republish.
const NATIONAL: &[&str] = &[
    "宪法",
    "宪法相关法",
    "民法典",
    "民法商法",
    "行政法",
    "经济法",
    "社会法",
    "刑法",
    "诉讼与非诉讼程序法",
    "行政法规",
];

/// Where the demo looks for the corpus of real official texts (not shipped with the project).
pub fn corpus_path() -> Option<std::path::PathBuf> {
    let candidates = [
        std::env::var("GONGKAI_DEMO_CORPUS")
            .ok()
            .map(std::path::PathBuf::from),
        Some(std::path::PathBuf::from("../shared/corpus/laws.jsonl.gz")),
        Some(std::path::PathBuf::from("shared/corpus/laws.jsonl.gz")),
        Some(std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/laws.jsonl.gz"
        ))),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// The authority that made a text, read from its first history line (for example
/// "2019年4月3日中华人民共和国国务院令第711号修订") and its category; `None` when neither says.
pub fn issuer(issuer_line: &str, category: &str) -> Option<&'static str> {
    if issuer_line.contains("全国人民代表大会常务委员会") {
        Some("全国人民代表大会常务委员会")
    } else if issuer_line.contains("全国人民代表大会") {
        Some("全国人民代表大会")
    } else if issuer_line.contains("国务院") && issuer_line.contains("中央军事委员会") {
        Some("国务院、中央军事委员会")
    } else if issuer_line.contains("国务院") || category == "行政法规" {
        Some("国务院")
    } else {
        None
    }
}

/// A text's real date: `YYYY-MM-DD`, digits possibly full-width.
fn real_date(raw: &str) -> Option<NaiveDate> {
    let ascii: String = raw
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            _ => c,
        })
        .collect();
    NaiveDate::parse_from_str(ascii.trim(), "%Y-%m-%d").ok()
}

/// One reprint ready to import.
struct Reprint<'a> {
    key: String,
    title: &'a str,
    doc_number: &'a str,
    date: NaiveDate,
    issuer: &'a str,
    category: &'a str,
    body: &'a str,
}

impl Reprint<'_> {
    /// The reprint as an imported record of 法律法规, or `None` when its metadata does not parse.
    fn imported(&self, today: NaiveDate) -> Option<Imported> {
        let meta = RecordMeta::parse(
            &RecordInput {
                title: self.title,
                kind: RecordKind::Law.code(),
                doc_number: self.doc_number,
                written_on: &self.date.to_string(),
                theme: "公安、安全、司法\\司法",
                keywords: self.category,
                source: self.issuer,
                summary: &format!("转载自{}。", self.issuer),
                ..RecordInput::default()
            },
            today,
        )
        .ok()?;
        Some(Imported {
            source_key: self.key.clone(),
            meta,
            body_html: gongkai_content::text_to_html(self.body),
            body_text: self.body.to_owned(),
            published_at: beijing_at(self.date.year(), self.date.month(), self.date.day(), 9, 0),
            columns: vec!["flfg".into()],
            index_no: None,
        })
    }
}

/// Republishes the 政府信息公开条例 and, when the corpus is found, up to [`CORPUS_LIMIT`]
/// national laws and regulations from it; returns how many were published and whether the
/// corpus was found.
pub async fn load(store: &Store, today: NaiveDate) -> Result<(usize, bool), CliError> {
    let office = org(store, COUNTY_OFFICE).await?;
    let regulations = Reprint {
        key: "demo-laws:zfxxgk-tiaoli".into(),
        title: "中华人民共和国政府信息公开条例",
        doc_number: "国务院令第711号",
        date: NaiveDate::from_ymd_opt(2019, 4, 3).unwrap_or(today),
        issuer: "国务院",
        category: "行政法规",
        body: REGULATIONS_BODY,
    };
    let mut batch: Vec<Imported> = regulations.imported(today).into_iter().collect();
    let rows = match corpus_path() {
        Some(path) => Some(crate::import::read_rows(&path)?),
        None => None,
    };
    let corpus = rows.is_some();
    let national = rows.iter().flatten().flatten().filter(|row| {
        row.get("category")
            .is_some_and(|c| NATIONAL.contains(&c.as_str()))
            && row.get("title").map(String::as_str) != Some(regulations.title)
    });
    for row in national.step_by(5) {
        if batch.len() > CORPUS_LIMIT {
            break;
        }
        let get = |k: &str| row.get(k).map(String::as_str).unwrap_or_default();
        let (Some(date), Some(issuer)) = (
            real_date(get("date")),
            issuer(get("issuer_line"), get("category")),
        ) else {
            continue;
        };
        if get("id").is_empty() || get("title").is_empty() || get("body").is_empty() {
            continue;
        }
        let reprint = Reprint {
            key: format!("demo-laws:{}", get("id")),
            title: get("title"),
            doc_number: get("doc_number"),
            date,
            issuer,
            category: get("category"),
            body: get("body"),
        };
        batch.extend(reprint.imported(today));
    }
    // Laws as published name secrecy levels in their text, which screening flags: the demo
    // imports them with the reason an operator would give.
    let published = records::import_batch(
        store,
        &Actor::system(),
        office.id,
        &batch,
        Some(CORPUS_REASON),
    )
    .await?
    .iter()
    .filter(|o| **o == ImportOutcome::Created)
    .count();
    Ok((published, corpus))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_read_from_the_history_line_or_the_category() {
        let npcsc = "2024年11月8日 第十四届全国人民代表大会常务委员会第十二次会议通过";
        assert_eq!(issuer(npcsc, "经济法"), Some("全国人民代表大会常务委员会"));
        let npc = "1990年4月4日 第七届全国人民代表大会第三次会议通过";
        assert_eq!(issuer(npc, "宪法相关法"), Some("全国人民代表大会"));
        assert_eq!(issuer("1957年5月22日", "行政法规"), Some("国务院"));
        assert_eq!(issuer("", "经济法"), None);
    }

    #[test]
    fn full_width_dates_are_read() {
        assert_eq!(
            real_date("２０１２-12-03"),
            NaiveDate::from_ymd_opt(2012, 12, 3)
        );
        assert_eq!(real_date(""), None);
    }
}
