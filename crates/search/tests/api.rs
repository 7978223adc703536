//! The public API as the web layer and the change-feed follower use it: writing and visibility,
//! filters, facets, sorting, pagination, snippets, exact lookup, the feed position, reopening,
//! and bad input.

use std::path::PathBuf;
use std::sync::Arc;

use gongkai_search::{
    Doc, Filters, OpenState, Query, Results, Scope, SearchIndex, Sort, escape_html,
};

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[allow(clippy::too_many_arguments)]
fn doc(
    id: &str,
    title: &str,
    body: &str,
    doc_number: &str,
    org: (&str, &str),
    theme: &str,
    kind: &str,
    validity: &str,
    year: i32,
) -> Doc {
    Doc {
        id: id.to_owned(),
        title: title.to_owned(),
        body: body.to_owned(),
        attachments_text: String::new(),
        doc_number: doc_number.to_owned(),
        org_code: org.0.to_owned(),
        org_name: org.1.to_owned(),
        theme: theme.to_owned(),
        kind: kind.to_owned(),
        validity: validity.to_owned(),
        // Mid-year, so the order by date follows the year.
        published_at: i64::from(year - 1970) * 365 * 86_400 + 180 * 86_400,
        year: Some(year),
        url: format!("/xxgk/{id}"),
        content_type: "record".to_owned(),
        site: String::new(),
    }
}

const GOV: (&str, &str) = ("WQX001", "乌恰县人民政府");
const MARKET: (&str, &str) = ("WQX006", "乌恰县市场监督管理局");

fn sample() -> Vec<Doc> {
    vec![
        doc(
            "WQX001-2019-000001",
            "国务院办公厅关于印发政府信息公开工作要点的通知",
            "各省、自治区、直辖市人民政府：经国务院同意，现将《2019年政务公开工作要点》印发给你们。食品安全信息公开要依法进行。",
            "国办发〔2019〕54号",
            GOV,
            "综合政务/政务公开",
            "通知",
            "有效",
            2019,
        ),
        doc(
            "WQX006-2021-000002",
            "中华人民共和国食品安全法",
            "为了保证食品安全，保障公众身体健康和生命安全，制定本法。食品生产经营者对其生产经营食品的安全负责。",
            "主席令第二十一号",
            MARKET,
            "市场监管/食品安全",
            "法律",
            "有效",
            2021,
        ),
        doc(
            "WQX006-2015-000003",
            "乌恰县食品安全监督抽检计划",
            "为加强食品安全监管，县市场监督管理局制定本计划。投诉举报电话：12345。",
            "",
            MARKET,
            "市场监管",
            "计划",
            "失效",
            2015,
        ),
        doc(
            "WQX001-2020-000004",
            "乌恰县消防安全专项整治方案",
            "开展消防安全隐患排查整治，落实消防安全责任制。<script>alert('x')</script> & 其他事项。",
            "乌政办发[2020]7号",
            GOV,
            "综合政务",
            "方案",
            "有效",
            2020,
        ),
        doc(
            "WQX001-2018-000005",
            "综合执法改革实施意见",
            "推进综合行政执法改革，整合执法队伍。ＧＢ／Ｔ　３７６６８—2019 规定了无障碍要求。",
            "",
            GOV,
            "综合",
            "意见",
            "废止",
            2018,
        ),
    ]
}

fn index_with(docs: &[Doc]) -> SearchIndex {
    let index = ok(SearchIndex::in_memory());
    ok(index.upsert(docs));
    ok(index.commit());
    index
}

fn search(index: &SearchIndex, q: Query) -> Results {
    ok(index.search(&q))
}

fn ids(r: &Results) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}

fn text(index: &SearchIndex, t: &str) -> Results {
    search(index, Query::new(t))
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!(
        "gongkai-search-{name}-{}-{nanos}",
        std::process::id()
    ))
}

#[test]
fn changes_are_visible_after_commit_only() {
    let index = ok(SearchIndex::in_memory());
    assert_eq!(index.doc_count(), 0);
    let docs = sample();
    ok(index.upsert(&docs[..2]));
    assert_eq!(text(&index, "食品安全").total, 0, "not committed yet");
    ok(index.commit());
    assert_eq!(text(&index, "食品安全").total, 2);
    assert_eq!(index.doc_count(), 2);

    // Upserting the same id replaces the document.
    let mut revised = docs[1].clone();
    revised.title = "中华人民共和国食品安全法（修正）".to_owned();
    revised.body = "修订后的正文。".to_owned();
    ok(index.upsert([&revised]));
    ok(index.commit());
    assert_eq!(index.doc_count(), 2);
    let r = text(&index, "修正");
    assert_eq!(ids(&r), ["WQX006-2021-000002"]);
    assert_eq!(text(&index, "保障公众身体健康").total, 0, "old body gone");

    // Withdrawal.
    ok(index.delete("WQX006-2021-000002"));
    ok(index.delete("NO-SUCH-ID"));
    ok(index.commit());
    assert_eq!(text(&index, "食品安全").total, 1);
    assert_eq!(index.doc_count(), 1);

    // An empty id is refused.
    assert!(index.upsert([&Doc::default()]).is_err());

    ok(index.clear());
    ok(index.commit());
    assert_eq!(index.doc_count(), 0);
}

#[test]
fn exact_matching_of_substrings_numbers_and_variants() {
    let index = index_with(&sample());
    // Substring inside a jieba word and across word boundaries.
    assert_eq!(text(&index, "食品安全").total, 3);
    assert_eq!(text(&index, "品安").total, 3);
    assert_eq!(text(&index, "食品安全法").total, 1);
    // One character.
    assert_eq!(text(&index, "法").total, 3);
    assert_eq!(text(&index, "鼠").total, 0);
    // Digits and years.
    assert_eq!(ids(&text(&index, "12345")), ["WQX006-2015-000003"]);
    assert_eq!(text(&index, "1234").total, 1);
    assert_eq!(
        text(&index, "2019").total,
        2,
        "in the 文号 and in a standard's number"
    );
    // Full-width / half-width and case.
    assert_eq!(
        ids(&text(&index, "gb/t 37668")),
        ["WQX001-2018-000005"],
        "two terms"
    );
    assert_eq!(ids(&text(&index, "\"gb/t 37668\"")), ["WQX001-2018-000005"]);
    assert_eq!(ids(&text(&index, "ＧＢ／Ｔ")), ["WQX001-2018-000005"]);
    assert_eq!(ids(&text(&index, "Gb/T")), ["WQX001-2018-000005"]);
    assert_eq!(ids(&text(&index, "37668-2019")), ["WQX001-2018-000005"]);
    // 文号 in any bracket variant, also partially.
    for q in [
        "国办发〔2019〕54号",
        "国办发[2019]54号",
        "国办发【2019】54号",
        "国办发［２０１９］５４号",
        "〔2019〕54",
    ] {
        assert_eq!(ids(&text(&index, q)), ["WQX001-2019-000001"], "{q}");
    }
    assert_eq!(
        ids(&text(&index, "乌政办发〔2020〕7号")),
        ["WQX001-2020-000004"]
    );
    // Nothing spans two parts (title | body | 文号), at any length.
    let title: Vec<char> = "乌恰县食品安全监督抽检计划".chars().collect();
    let body: Vec<char> = "为加强食品安全监管".chars().collect();
    for a in 1..=6 {
        for b in 1..=6 {
            let q: String = title[title.len() - a..].iter().chain(&body[..b]).collect();
            assert_eq!(text(&index, &q).total, 0, "{q}");
        }
    }
    assert_eq!(text(&index, "进行。国办").total, 0);
    // No over-matching: both bigrams present, but not adjacent.
    assert_eq!(text(&index, "食品全").total, 0);
}

#[test]
fn query_syntax() {
    let index = index_with(&sample());
    // AND.
    assert_eq!(
        ids(&text(&index, "食品安全 乌恰县")),
        ["WQX006-2015-000003"]
    );
    // Exclusion.
    let r = text(&index, "食品安全 -抽检");
    assert_eq!(r.total, 2);
    assert!(!ids(&r).contains(&"WQX006-2015-000003"));
    let r = text(&index, "-\"食品安全\"");
    assert_eq!(r.total, 2);
    // A phrase keeps its space; “…” works like "…".
    assert_eq!(text(&index, "“主席令 第二十一号”").total, 0);
    assert_eq!(text(&index, "“主席令第二十一号”").total, 1);
}

#[test]
fn ranking_prefers_titles() {
    let index = index_with(&sample());
    let r = text(&index, "食品安全");
    assert_eq!(r.total, 3);
    let top: Vec<&str> = ids(&r)[..2].to_vec();
    assert!(top.contains(&"WQX006-2021-000002") && top.contains(&"WQX006-2015-000003"));
    assert_eq!(r.hits[2].id, "WQX001-2019-000001");
    assert!(r.hits[0].score >= r.hits[1].score && r.hits[1].score >= r.hits[2].score);
}

#[test]
fn filters_and_facets() {
    let index = index_with(&sample());
    let all = search(&index, Query::new(""));
    assert_eq!(all.total, 5, "an empty query lists everything");
    // Newest first.
    assert_eq!(all.hits[0].id, "WQX006-2021-000002");
    assert_eq!(all.hits[4].id, "WQX006-2015-000003");
    let f = &all.facets;
    let counts = |list: &[gongkai_search::FacetCount]| -> Vec<(String, u64)> {
        list.iter().map(|c| (c.value.clone(), c.count)).collect()
    };
    assert_eq!(
        counts(&f.org),
        [("WQX001".to_owned(), 3), ("WQX006".to_owned(), 2)]
    );
    assert_eq!(f.org[0].label, "乌恰县人民政府");
    assert_eq!(
        counts(&f.theme),
        [
            ("市场监管".to_owned(), 2),
            ("综合政务".to_owned(), 2),
            ("综合".to_owned(), 1)
        ]
    );
    assert_eq!(f.year[0].value, "2021", "years newest first");
    assert_eq!(f.year.len(), 5);
    assert_eq!(counts(&f.validity)[0], ("有效".to_owned(), 3));
    assert_eq!(counts(&f.content_type), [("record".to_owned(), 5)]);
    assert_eq!(f.kind.len(), 5);

    let with = |filters: Filters, t: &str| search(&index, Query { filters, ..Query::new(t) });
    // Browsing: the filters alone, no words.
    let browse = |filters: Filters| with(filters, "");
    let r = with(
        Filters {
            org: Some("WQX006".into()),
            ..Filters::default()
        },
        "食品安全",
    );
    assert_eq!(r.total, 2);
    assert_eq!(r.facets.org.len(), 1);
    // Theme prefix: whole segments only.
    let theme = |t: &str| {
        browse(Filters {
            theme: Some(t.into()),
            ..Filters::default()
        })
        .total
    };
    assert_eq!(theme("综合政务"), 2);
    assert_eq!(theme("综合政务/政务公开"), 1);
    assert_eq!(theme("综合"), 1);
    assert_eq!(theme("市场监管/"), 2);
    let r = browse(Filters {
        year: Some(2020),
        ..Filters::default()
    });
    assert_eq!(ids(&r), ["WQX001-2020-000004"]);
    let r = browse(Filters {
        validity: Some("失效".into()),
        kind: Some("计划".into()),
        content_type: Some("record".into()),
        ..Filters::default()
    });
    assert_eq!(ids(&r), ["WQX006-2015-000003"]);
    let r = browse(Filters {
        content_type: Some("reply".into()),
        ..Filters::default()
    });
    assert_eq!(r.total, 0);
    let start_2019 = (2019 - 1970) * 365 * 86_400;
    let r = browse(Filters {
        published_from: Some(start_2019),
        published_to: Some(start_2019 + 2 * 365 * 86_400),
        ..Filters::default()
    });
    assert_eq!(r.total, 2);
    // Facets can be skipped.
    let r = search(
        &index,
        Query {
            facets: false,
            ..Query::new("食品")
        },
    );
    assert!(r.facets.org.is_empty() && r.total == 3);
}

#[test]
fn sorting_and_pages() {
    let docs: Vec<Doc> = (0..25)
        .map(|i| {
            doc(
                &format!("WQX001-2020-{i:06}"),
                &format!("第{i}号公告"),
                "关于开展政务公开工作的公告。",
                "",
                GOV,
                "综合政务",
                "公告",
                "有效",
                1995 + i,
            )
        })
        .collect();
    let index = index_with(&docs);
    let page = |p: usize| {
        search(
            &index,
            Query {
                sort: Sort::DateDesc,
                page: p,
                per_page: 10,
                ..Query::new("政务公开")
            },
        )
    };
    let (p1, p2, p3, p4) = (page(1), page(2), page(3), page(4));
    assert_eq!((p1.total, p2.total, p3.total, p4.total), (25, 25, 25, 25));
    assert_eq!(
        (p1.hits.len(), p2.hits.len(), p3.hits.len(), p4.hits.len()),
        (10, 10, 5, 0)
    );
    assert_eq!(p1.hits[0].id, "WQX001-2020-000024");
    assert_eq!(p3.hits[4].id, "WQX001-2020-000000");
    let mut seen: Vec<&str> = [&p1, &p2, &p3].iter().flat_map(|r| ids(r)).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 25);
    assert_eq!(p2.page, 2);
    // Pages beyond the reachable depth are empty but keep the exact total.
    let deep = search(
        &index,
        Query {
            page: 100_000,
            ..Query::new("政务公开")
        },
    );
    assert_eq!((deep.total, deep.hits.len()), (25, 0));
    let deepest = search(
        &index,
        Query {
            page: usize::MAX,
            per_page: usize::MAX,
            ..Query::new("政务公开")
        },
    );
    assert_eq!((deepest.total, deepest.hits.len()), (25, 0));
    // per_page is clamped.
    let big = search(
        &index,
        Query {
            per_page: 0,
            ..Query::new("公告")
        },
    );
    assert_eq!(big.per_page, 1);
    assert_eq!(big.hits.len(), 1);
}

#[test]
fn title_scope() {
    let index = index_with(&sample());
    for (q, total) in [("食品安全", 2), ("县", 2), ("12345", 0)] {
        let query = Query {
            scope: Scope::Title,
            ..Query::new(q)
        };
        assert_eq!(search(&index, query).total, total, "{q}");
    }
}

#[test]
fn hits_carry_marked_escaped_snippets() {
    let index = index_with(&sample());
    let r = text(&index, "消防安全");
    let hit = &r.hits[0];
    assert_eq!(hit.id, "WQX001-2020-000004");
    assert_eq!(hit.url, "/xxgk/WQX001-2020-000004");
    assert_eq!(hit.org_name, "乌恰县人民政府");
    assert_eq!(hit.doc_number, "乌政办发[2020]7号");
    assert_eq!(hit.content_type, "record");
    assert!(hit.published_at > 0);
    assert_eq!(hit.title_html, "乌恰县<mark>消防安全</mark>专项整治方案");
    assert!(
        hit.snippet_html.contains("<mark>消防安全</mark>"),
        "{}",
        hit.snippet_html
    );
    // The document's own markup is escaped.
    let r = text(&index, "alert");
    let s = &r.hits[0].snippet_html;
    assert!(
        s.contains("&lt;script&gt;<mark>alert</mark>(&#39;x&#39;)&lt;/script&gt; &amp;"),
        "{s}"
    );
    // A match only in the 文号 shows the start of the body.
    let r = text(&index, "主席令");
    assert!(r.hits[0].snippet_html.starts_with("为了保证食品安全"));
    // A full-width query marks the half-width text and vice versa.
    let r = text(&index, "gb/t");
    assert!(
        r.hits[0].snippet_html.contains("<mark>ＧＢ／Ｔ</mark>"),
        "{}",
        r.hits[0].snippet_html
    );
}

#[test]
fn exact_lookup_by_doc_number_or_index_number() {
    let mut docs = sample();
    let mut twin = docs[3].clone();
    twin.id = "WQX001-2020-000099".to_owned();
    docs.push(twin);
    let index = index_with(&docs);
    let lookup = |t: &str| ok(index.exact_lookup(t, None));
    for q in [
        "国办发〔2019〕54号",
        "国办发[2019]54号",
        "国办发(2019)54号",
        " 国办发【２０１９】５４号 ",
        "WQX001-2019-000001",
        "wqx001-2019-000001",
    ] {
        assert_eq!(lookup(q).as_deref(), Some("WQX001-2019-000001"), "{q}");
    }
    // Two documents share this 文号: no jump, the result list shows both.
    assert_eq!(lookup("乌政办发〔2020〕7号"), None);
    assert_eq!(text(&index, "乌政办发〔2020〕7号").total, 2);
    // Partial numbers, words and junk do not jump.
    for q in [
        "国办发",
        "2019",
        "食品安全",
        "",
        "号",
        "'; DROP TABLE x; --",
    ] {
        assert_eq!(lookup(q), None, "{q}");
    }
}

#[test]
fn bad_input_never_fails() {
    let index = index_with(&sample());
    // Empty or blank: everything, newest first.
    for q in ["", "   ", "\u{3000}"] {
        let r = text(&index, q);
        assert_eq!(r.total, 5, "{q:?}");
        assert!(r.parsed.terms.is_empty());
    }
    // Only punctuation: nothing (not everything).
    for q in ["！？。，", "\"\"", "- -- ---", "……", "<>", "'"] {
        let r = text(&index, q);
        assert_eq!((r.total, r.hits.len()), (0, 0), "{q:?}");
        assert!(r.parsed.nothing_searchable, "{q:?}");
    }
    // Unbalanced quotes close at the end.
    assert_eq!(text(&index, "\"食品安全").total, 3);
    assert_eq!(text(&index, "食品安全\"").total, 3);
    assert_eq!(text(&index, "“食品安全").total, 3);
    // 2,000 characters: cut to the first 256, no error.
    let long = "食品安全".repeat(500);
    let r = text(&index, &long);
    assert!(r.parsed.truncated);
    assert_eq!(r.total, 0);
    let long_words = "食品 ".repeat(700);
    let r = text(&index, &long_words);
    assert_eq!(r.total, 3);
    // A pasted paragraph longer than the limit still finds its document (by its beginning).
    let mut long_doc = sample()[0].clone();
    long_doc.id = "LONG-1".to_owned();
    long_doc.body = (0..400).map(|i| format!("第{i}项")).collect();
    let long_index = index_with(&[long_doc.clone()]);
    let r = text(&long_index, &long_doc.body);
    assert!(r.parsed.truncated);
    assert_eq!(ids(&r), ["LONG-1"]);
    let r = text(&long_index, &format!("不在文中{}", long_doc.body));
    assert_eq!(r.total, 0);
    // SQL and HTML are just text.
    for q in [
        "'; DROP TABLE records; --",
        "1' OR '1'='1",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "%' AND 1=1 --",
        "\\\"\\'\\\\",
        "\u{0}\u{1}\u{1e}\u{1f}",
    ] {
        let r = text(&index, q);
        assert!(r.total <= 5, "{q}");
    }
    let r = text(&index, "<script>");
    assert_eq!(ids(&r), ["WQX001-2020-000004"]);
    assert!(
        r.hits[0]
            .snippet_html
            .contains("<mark>&lt;script&gt;</mark>")
    );
    // The web layer echoes the query with the same escaping.
    assert_eq!(
        escape_html("<b>\"x\"&'"),
        "&lt;b&gt;&quot;x&quot;&amp;&#39;"
    );
}

#[test]
fn feed_position_and_reopening() {
    let dir = temp_dir("reopen");
    {
        let index = ok(SearchIndex::open(&dir));
        assert_eq!(index.open_state(), &OpenState::Created);
        assert_eq!(ok(index.last_applied_feed_id()), None);
        ok(index.upsert(&sample()));
        ok(index.set_last_applied_feed_id(17));
        assert_eq!(
            ok(index.last_applied_feed_id()),
            None,
            "recorded by the commit"
        );
        ok(index.commit());
        assert_eq!(ok(index.last_applied_feed_id()), Some(17));
        // A later commit without a new position keeps the old one.
        ok(index.delete("WQX001-2018-000005"));
        ok(index.commit());
        assert_eq!(ok(index.last_applied_feed_id()), Some(17));
        assert!(index.size_on_disk() > 0);
        ok(index.wait_for_merges());
    }
    {
        let index = ok(SearchIndex::open(&dir));
        assert_eq!(index.open_state(), &OpenState::Opened);
        assert_eq!(ok(index.last_applied_feed_id()), Some(17));
        assert_eq!(index.doc_count(), 4);
        assert_eq!(text(&index, "食品安全").total, 3);
        ok(index.set_last_applied_feed_id(18));
        ok(index.commit());
    }
    // An index of the layout before datasets were indexed is rebuilt once, to be refilled from
    // the whole feed (it had moved past the datasets' rows); the rebuilt one opens as it is.
    let meta = ok(std::fs::read_to_string(dir.join("meta.json")));
    assert!(meta.contains("gongkai-search/2 feed=18"), "{meta}");
    ok(std::fs::write(
        dir.join("meta.json"),
        meta.replace("gongkai-search/2", "gongkai-search/1"),
    ));
    {
        let index = ok(SearchIndex::open(&dir));
        assert!(
            matches!(index.open_state(), OpenState::Rebuilt(_)),
            "{:?}",
            index.open_state()
        );
        assert_eq!(index.doc_count(), 0);
        assert_eq!(ok(index.last_applied_feed_id()), None);
    }
    assert_eq!(ok(SearchIndex::open(&dir)).open_state(), &OpenState::Opened);
    // A damaged index is rebuilt empty, to be refilled from the feed.
    ok(std::fs::write(dir.join("meta.json"), b"{ not json"));
    {
        let index = ok(SearchIndex::open(&dir));
        assert!(
            matches!(index.open_state(), OpenState::Rebuilt(_)),
            "{:?}",
            index.open_state()
        );
        assert_eq!(index.doc_count(), 0);
        assert_eq!(ok(index.last_applied_feed_id()), None);
    }
    ok(std::fs::remove_dir_all(&dir));

    // A directory with other content is never wiped.
    let other = temp_dir("other");
    ok(std::fs::create_dir_all(&other));
    ok(std::fs::write(other.join("notes.txt"), "keep me"));
    assert!(SearchIndex::open(&other).is_err());
    assert!(other.join("notes.txt").exists());
    ok(std::fs::remove_dir_all(&other));
}

#[test]
fn concurrent_searches_while_writing() {
    let index = Arc::new(index_with(&sample()));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let index = Arc::clone(&index);
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let r = ok(index.search(&Query::new("食品安全")));
                    assert!(r.total >= 3);
                }
            })
        })
        .collect();
    for i in 0..10 {
        let mut d = sample()[2].clone();
        d.id = format!("EXTRA-{i}");
        ok(index.upsert([&d]));
        ok(index.commit());
    }
    for r in readers {
        r.join().unwrap_or_else(|_| panic!("reader panicked"));
    }
    assert_eq!(text(&index, "食品安全").total, 13);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<SearchIndex>();
    shared::<gongkai_search::SearchError>();
}

#[test]
fn warming_an_index_changes_no_answer() {
    let empty = ok(SearchIndex::in_memory());
    ok(empty.warm());
    assert_eq!(text(&empty, "通知").total, 0);
    let index = index_with(&sample());
    let answers = |index: &SearchIndex| -> Vec<(usize, Vec<String>)> {
        ["食品安全", "通知", "2019"]
            .iter()
            .map(|t| {
                let r = text(index, t);
                (r.total, ids(&r).iter().map(|s| s.to_string()).collect())
            })
            .collect()
    };
    let before = answers(&index);
    ok(index.warm());
    assert_eq!(before, answers(&index));
    assert!(before[0].0 > 0, "the sample has food-safety documents");
}
