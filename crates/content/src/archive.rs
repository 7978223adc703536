//! Safe reading of ZIP containers (OOXML, OFD): limits on entries and unpacked bytes, so that a
//! small upload cannot unpack into gigabytes ("zip bomb") or millions of entries.

use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use crate::ContentError;

/// Limits applied while unpacking ZIP-based documents (DOCX, XLSX, PPTX, OFD).
///
/// Why: an attachment of a few megabytes can declare, or really contain, gigabytes of
/// compressed data. Reading stops with [`ContentError::TooLarge`] before a limit is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes read out of one archive, all entries together (default 200 MiB).
    pub max_unpacked_bytes: u64,
    /// Most entries an archive may list (default 10,000).
    pub max_entries: usize,
    /// Most bytes all streams of a PDF may inflate to together (default 16 MiB). Checked with a
    /// constant-memory decoder before the PDF library sees the file, because that library keeps
    /// about a hundred times the inflated size in memory.
    pub max_pdf_inflated_bytes: u64,
    /// Most streams a PDF may hold (default 20,000).
    pub max_pdf_streams: usize,
    /// Most bytes of extracted text (default 4 MiB): screening and search need no more, and a
    /// longer text is refused rather than stored and re-read on every view.
    pub max_text_bytes: usize,
    /// Most wall-clock time one file's extraction may take (default 10 s), checked inside the
    /// inflating and unpacking loops; past it the file is kept unread like one over a byte
    /// budget ([`ContentError::TextTooLarge`]).
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_unpacked_bytes: 200 * 1024 * 1024,
            max_entries: 10_000,
            max_pdf_inflated_bytes: 16 * 1024 * 1024,
            max_pdf_streams: 20_000,
            max_text_bytes: 4 * 1024 * 1024,
            max_time: Duration::from_secs(10),
        }
    }
}

/// When one file's extraction must stop, started from [`Limits::max_time`] as extraction
/// begins and checked by every loop over untrusted input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    /// The deadline of an extraction starting now.
    pub(crate) fn start(limits: &Limits) -> Self {
        let now = Instant::now();
        Self {
            at: now.checked_add(limits.max_time).unwrap_or(now),
            budget: limits.max_time,
        }
    }

    /// Refuses to go on once the time is up.
    pub(crate) fn check(&self) -> Result<(), ContentError> {
        if Instant::now() < self.at {
            return Ok(());
        }
        let limit = if self.budget >= Duration::from_secs(1) {
            format!("处理时间超过 {} 秒", self.budget.as_secs())
        } else {
            format!("处理时间超过 {} 毫秒", self.budget.as_millis())
        };
        Err(ContentError::TextTooLarge { limit })
    }
}

impl Limits {
    fn bytes_exceeded(&self) -> ContentError {
        ContentError::TooLarge {
            limit: human_bytes(self.max_unpacked_bytes),
        }
    }
}

/// `209715200` → `"200 MB"`; small values in KB or bytes.
pub(crate) fn human_bytes(n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB {
        format!("{} MB", n / MB)
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} 字节")
    }
}

/// A ZIP archive being read under [`Limits`]; every byte read is counted.
pub(crate) struct Zip<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    label: &'static str,
    limits: Limits,
    deadline: Deadline,
    used: u64,
}

impl<'a> Zip<'a> {
    /// Opens the archive, checking the entry count and the declared unpacked size.
    /// `label` names the document type in error messages; every read stops at `deadline`.
    pub(crate) fn open(
        bytes: &'a [u8],
        label: &'static str,
        limits: Limits,
        deadline: Deadline,
    ) -> Result<Self, ContentError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ContentError::malformed(label, e))?;
        if archive.len() > limits.max_entries {
            return Err(ContentError::TooLarge {
                limit: format!("{} 个文件条目", limits.max_entries),
            });
        }
        let mut declared: u64 = 0;
        for i in 0..archive.len() {
            deadline.check()?;
            let entry = archive
                .by_index_raw(i)
                .map_err(|e| ContentError::malformed(label, e))?;
            declared = declared.saturating_add(entry.size());
        }
        if declared > limits.max_unpacked_bytes {
            return Err(limits.bytes_exceeded());
        }
        Ok(Self {
            archive,
            label,
            limits,
            deadline,
            used: 0,
        })
    }

    /// Names of all entries, in archive order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.into_owned())
            .collect()
    }

    /// True if an entry with exactly this name exists.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Reads one entry, counting its real unpacked size against the budget
    /// (declared sizes can lie). `None` if there is no such entry.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ContentError> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        self.read_index(index).map(Some)
    }

    /// Reads one entry as text (UTF-8; invalid sequences are replaced).
    pub(crate) fn read_string(&mut self, name: &str) -> Result<Option<String>, ContentError> {
        Ok(self
            .read(name)?
            .map(|bytes| match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }))
    }

    fn read_index(&mut self, index: usize) -> Result<Vec<u8>, ContentError> {
        self.deadline.check()?;
        let label = self.label;
        let remaining = self.limits.max_unpacked_bytes.saturating_sub(self.used);
        let mut entry = self.archive.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
                ContentError::Encrypted { kind: label }
            }
            zip::result::ZipError::InvalidPassword => ContentError::Encrypted { kind: label },
            e => ContentError::malformed(label, e),
        })?;
        if entry.encrypted() {
            return Err(ContentError::Encrypted { kind: label });
        }
        // One part is held in memory whole, so it may be at most eight times the text budget
        // (markup around the words), whatever the archive's total budget allows.
        let part_cap = (self.limits.max_text_bytes as u64).saturating_mul(8);
        let cap = remaining.min(part_cap);
        let mut buf = Vec::with_capacity(usize::try_from(entry.size().min(cap)).unwrap_or(0));
        read_until(
            &mut (&mut entry).take(cap.saturating_add(1)),
            &mut buf,
            &self.deadline,
        )
        .map_err(|e| e.for_label(label))?;
        let read = buf.len() as u64;
        if read > remaining {
            return Err(self.limits.bytes_exceeded());
        }
        if read > part_cap {
            return Err(ContentError::TextTooLarge {
                limit: format!("单个部件超过 {}", human_bytes(part_cap)),
            });
        }
        self.used += read;
        Ok(buf)
    }

    /// Unpacks every entry once, without keeping it, to prove the real unpacked size is within
    /// the budget before handing the archive to a library that reads it on its own (calamine).
    pub(crate) fn verify_all(&mut self) -> Result<(), ContentError> {
        let label = self.label;
        for index in 0..self.archive.len() {
            let remaining = self.limits.max_unpacked_bytes.saturating_sub(self.used);
            let mut entry = self
                .archive
                .by_index(index)
                .map_err(|e| ContentError::malformed(label, e))?;
            if entry.encrypted() {
                return Err(ContentError::Encrypted { kind: label });
            }
            let read = read_until(
                &mut (&mut entry).take(remaining.saturating_add(1)),
                &mut std::io::sink(),
                &self.deadline,
            )
            .map_err(|e| e.for_label(label))?;
            if read > remaining {
                return Err(self.limits.bytes_exceeded());
            }
            self.used += read;
        }
        Ok(())
    }
}

/// Why [`read_until`] stopped early.
enum ReadStop {
    Io(std::io::Error),
    Time(ContentError),
}

impl ReadStop {
    fn for_label(self, label: &'static str) -> ContentError {
        match self {
            Self::Io(e) => ContentError::malformed(label, e),
            Self::Time(e) => e,
        }
    }
}

/// Copies `from` into `to` in 64 KB chunks, checking the deadline before each; returns the
/// bytes copied.
fn read_until(
    from: &mut impl Read,
    to: &mut impl std::io::Write,
    deadline: &Deadline,
) -> Result<u64, ReadStop> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        deadline.check().map_err(ReadStop::Time)?;
        let n = match from.read(&mut chunk) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadStop::Io(e)),
        };
        to.write_all(&chunk[..n]).map_err(ReadStop::Io)?;
        total += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, SimpleFileOptions::default())
                .unwrap_or_else(|e| panic!("{e}"));
            w.write_all(data).unwrap_or_else(|e| panic!("{e}"));
        }
        w.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
    }

    #[test]
    fn reads_entries_within_budget() {
        let bytes = zip_of(&[("a.xml", b"<a/>"), ("b.txt", "中文".as_bytes())]);
        let mut zip = Zip::open(
            &bytes,
            "ZIP 压缩包",
            Limits::default(),
            Deadline::start(&Limits::default()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(zip.names(), ["a.xml", "b.txt"]);
        assert!(zip.contains("a.xml") && !zip.contains("c"));
        assert_eq!(
            zip.read_string("b.txt").ok().flatten().as_deref(),
            Some("中文")
        );
        assert_eq!(zip.read("missing").ok(), Some(None));
        assert!(zip.verify_all().is_ok());
    }

    #[test]
    fn refuses_too_many_entries_and_too_many_bytes() {
        let bytes = zip_of(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        assert!(matches!(
            Zip::open(&bytes, "ZIP 压缩包", limits, Deadline::start(&limits)).err(),
            Some(ContentError::TooLarge { .. })
        ));

        let zeros = vec![0u8; 64 * 1024];
        let bytes = zip_of(&[("a", &zeros), ("b", &zeros)]);
        let limits = Limits {
            max_unpacked_bytes: 100 * 1024,
            ..Limits::default()
        };
        let err = Zip::open(&bytes, "ZIP 压缩包", limits, Deadline::start(&limits)).err();
        assert!(
            matches!(&err, Some(ContentError::TooLarge { limit }) if limit == "100 KB"),
            "{err:?}"
        );
    }

    /// A bomb that lies about its size in the headers is still stopped by counting real bytes.
    #[test]
    fn lying_size_headers_do_not_pass() {
        let zeros = vec![0u8; 300 * 1024];
        let mut bytes = zip_of(&[("a", &zeros)]);
        // Patch every copy of the declared uncompressed size (local header, central directory)
        // down to 10 bytes.
        let declared = (zeros.len() as u32).to_le_bytes();
        let mut patched = 0;
        for i in 0..bytes.len().saturating_sub(4) {
            if bytes[i..i + 4] == declared {
                bytes[i..i + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
        }
        assert!(patched >= 2, "sizes found: {patched}");
        let limits = Limits {
            max_unpacked_bytes: 100 * 1024,
            ..Limits::default()
        };
        match Zip::open(&bytes, "ZIP 压缩包", limits, Deadline::start(&limits)) {
            Err(_) => {}
            Ok(mut zip) => {
                assert!(zip.read("a").is_err());
                let mut zip = Zip::open(&bytes, "ZIP 压缩包", limits, Deadline::start(&limits))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(zip.verify_all().is_err());
            }
        }
    }

    #[test]
    fn garbage_is_malformed() {
        for bytes in [&b"PK\x03\x04garbage"[..], b"", b"not a zip at all"] {
            assert!(matches!(
                Zip::open(
                    bytes,
                    "ZIP 压缩包",
                    Limits::default(),
                    Deadline::start(&Limits::default())
                )
                .err(),
                Some(ContentError::Malformed { .. })
            ));
        }
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(200 * 1024 * 1024), "200 MB");
        assert_eq!(human_bytes(2048), "2 KB");
        assert_eq!(human_bytes(12), "12 字节");
    }
}
