//! Decompression bombs of every format, crafted here, must not raise peak memory past a fixed
//! budget. Each bomb is extracted in a child process (this test binary run again with
//! `GONGKAI_BOMB`), which reports its peak resident set (`VmHWM`) before and after, so the
//! figure is not blurred by other tests running in the same process.
//!
//! `GONGKAI_BOMB_MB=<n>` changes the inflated size of every bomb (default 64 MB) and
//! `cargo test -p gongkai-content --test bombs -- --nocapture` prints the figures.

use std::io::{Cursor, Write};
use std::process::Command;

use gongkai_content::fixtures::pdf_bomb;
use gongkai_content::{ContentError, FileKind, extract_text};

/// Peak memory a bomb may add to the process, whatever it claims to unpack to.
const BUDGET_KB: u64 = 96 * 1024;

const KINDS: [(&str, FileKind); 5] = [
    ("pdf", FileKind::Pdf),
    ("docx", FileKind::Docx),
    ("xlsx", FileKind::Xlsx),
    ("docx-many-entries", FileKind::Docx),
    ("zip-nested", FileKind::Zip),
];

fn bomb_mb() -> usize {
    std::env::var("GONGKAI_BOMB_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// A ZIP of entries stored as given (used to nest archives).
fn stored_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        w.start_file(*name, stored)
            .unwrap_or_else(|e| panic!("{e}"));
        w.write_all(data).unwrap_or_else(|e| panic!("{e}"));
    }
    w.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

/// A ZIP whose entry `big` is `mb` megabytes of text inside a Word paragraph, streamed through
/// the writer so the unpacked bomb never exists here; the other entries are tiny.
fn zip_bomb(names: &[&str], big: &str, mb: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    let chunk = vec![b'a'; 1024 * 1024];
    for name in names {
        w.start_file(*name, options)
            .unwrap_or_else(|e| panic!("{e}"));
        if *name == big {
            w.write_all(b"<w:document><w:body><w:p><w:r><w:t>")
                .unwrap_or_else(|e| panic!("{e}"));
            for _ in 0..mb {
                w.write_all(&chunk).unwrap_or_else(|e| panic!("{e}"));
            }
            w.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
                .unwrap_or_else(|e| panic!("{e}"));
        } else {
            w.write_all(b"<x/>").unwrap_or_else(|e| panic!("{e}"));
        }
    }
    w.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

fn bomb(name: &str, mb: usize) -> Vec<u8> {
    match name {
        "pdf" => pdf_bomb(mb),
        "docx" => zip_bomb(
            &["[Content_Types].xml", "word/document.xml"],
            "word/document.xml",
            mb,
        ),
        "xlsx" => zip_bomb(
            &[
                "[Content_Types].xml",
                "xl/workbook.xml",
                "xl/sharedStrings.xml",
            ],
            "xl/sharedStrings.xml",
            mb,
        ),
        "docx-many-entries" => {
            let names: Vec<String> = (0..50_000).map(|i| format!("word/header{i}.xml")).collect();
            let mut all: Vec<&str> = vec!["word/document.xml"];
            all.extend(names.iter().map(String::as_str));
            zip_bomb(&all, "word/document.xml", 1)
        }
        "zip-nested" => {
            let inner = zip_bomb(&["a.xml"], "a.xml", mb);
            stored_zip(&[("inner.zip", inner.clone()), ("inner2.zip", inner)])
        }
        other => panic!("unknown bomb {other}"),
    }
}

fn vm_hwm_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The child's side: build the bomb, note the peak, extract, note the peak again.
#[test]
fn bomb_child() {
    let Ok(name) = std::env::var("GONGKAI_BOMB") else {
        return;
    };
    let kind = KINDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
        .unwrap_or_else(|| panic!("unknown bomb {name}"));
    let bytes = bomb(&name, bomb_mb());
    let before = vm_hwm_kb();
    let started = std::time::Instant::now();
    let result = extract_text(kind, &bytes);
    let outcome = match &result {
        Ok(t) => format!("ok:{}", t.len()),
        Err(e) => format!("err:{}", e.code()),
    };
    println!(
        "BOMB {name} size={} before_kb={before} after_kb={} ms={} outcome={outcome}",
        bytes.len(),
        vm_hwm_kb(),
        started.elapsed().as_millis()
    );
}

#[test]
fn bombs_stay_within_memory_budget() {
    if std::env::var("GONGKAI_BOMB").is_ok() {
        return;
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut over = Vec::new();
    for (name, kind) in KINDS {
        let out = Command::new(&exe)
            .args(["--exact", "bomb_child", "--nocapture", "--test-threads=1"])
            .env("GONGKAI_BOMB", name)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let Some(line) = stdout
            .lines()
            .find_map(|l| l.find("BOMB ").map(|at| &l[at..]))
        else {
            panic!(
                "{name}: no report; {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        };
        eprintln!("{line}");
        let field = |key: &str| -> u64 {
            line.split_whitespace()
                .find_map(|f| f.strip_prefix(key))
                .and_then(|v| v.parse().ok())
                .unwrap_or(u64::MAX)
        };
        let growth = field("after_kb=").saturating_sub(field("before_kb="));
        if growth > BUDGET_KB {
            over.push(format!("{name} ({kind:?}): +{growth} kB"));
        }
        if name == "pdf" {
            assert!(
                line.contains("outcome=err:attachment.text_too_large"),
                "{line}"
            );
        }
    }
    assert!(over.is_empty(), "over the {BUDGET_KB} kB budget: {over:?}");
}

#[test]
fn the_finding_is_worded_for_staff() {
    let e = ContentError::TextTooLarge {
        limit: "解压后 16 MB".into(),
    };
    assert!(
        e.to_string().starts_with("附件内容过大，未能提取文字"),
        "{e}"
    );
}
