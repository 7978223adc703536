//! Tables read from CSV and XLSX files for the datastore: encoding, delimiter and header found by
//! looking, column types inferred over every row, all within [`TableLimits`].
//!
//! A CSV file is read twice and never held whole: a first pass decides the encoding (valid UTF-8,
//! else GB18030; a BOM decides at once), the delimiter, the header and each column's type, a
//! second pass hands out one typed row at a time ([`TableReader::next_row`]). An XLSX workbook is
//! held in memory (its size is bounded before it is unpacked) and its first visible sheet read
//! cell by cell into a sparse list, merged cells filled from their top-left cell, formulas as
//! their cached values.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::time::Duration;

use calamine::{DataRef, Reader, SheetType, SheetVisible};
use chrono::NaiveDate;
use encoding_rs::{CoderResult, DecoderResult, Encoding, GB18030, UTF_8};

use crate::ContentError;
use crate::archive::{Deadline, Limits, Zip, human_bytes};

/// Limits on a table read from an untrusted file. Passing one is [`ContentError::TableTooLarge`]
/// naming the limit, before more memory or time is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLimits {
    /// Most bytes of a CSV file (default 1 GiB).
    pub max_bytes: u64,
    /// Most bytes of an XLSX file, held in memory while read (default 64 MiB).
    pub max_xlsx_bytes: u64,
    /// Most bytes an XLSX file may unpack to (default 512 MiB).
    pub max_unpacked_bytes: u64,
    /// Most data rows (default 10 million).
    pub max_rows: u64,
    /// Most columns (default 1000).
    pub max_columns: usize,
    /// Most bytes of one cell (default 32 KiB).
    pub max_cell_bytes: usize,
    /// Most bytes of one CSV row, all cells together (default 4 MiB): an unclosed quote cannot
    /// swallow the rest of the file into one row.
    pub max_row_bytes: u64,
    /// Most non-empty cells of an XLSX sheet, merged ones filled in (default 20 million).
    pub max_xlsx_cells: u64,
    /// Most time unpacking an XLSX file may take (default 120 s).
    pub max_xlsx_time: Duration,
}

impl Default for TableLimits {
    fn default() -> Self {
        Self {
            max_bytes: 1024 * 1024 * 1024,
            max_xlsx_bytes: 64 * 1024 * 1024,
            max_unpacked_bytes: 512 * 1024 * 1024,
            max_rows: 10_000_000,
            max_columns: 1000,
            max_cell_bytes: 32 * 1024,
            max_row_bytes: 4 * 1024 * 1024,
            max_xlsx_cells: 20_000_000,
            max_xlsx_time: Duration::from_secs(120),
        }
    }
}

fn too_large(limit: String) -> ContentError {
    ContentError::TableTooLarge { limit }
}

/// The type of a column, named as CKAN's datastore names it (`int`, `numeric`, `date`, `text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Whole numbers that fit 64 bits (at most 15 digits, no leading zero).
    Int,
    /// Decimal numbers.
    Numeric,
    /// Calendar dates, kept as ISO `YYYY-MM-DD` text.
    Date,
    /// Anything else, and every mixed column.
    Text,
}

impl FieldType {
    /// CKAN's name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Int => "int",
            Self::Numeric => "numeric",
            Self::Date => "date",
            Self::Text => "text",
        }
    }

    /// The type of a CKAN name, if it is one of ours.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Int, Self::Numeric, Self::Date, Self::Text]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

/// A column: its name (from the header, or 列1, 列2 … when there is none) and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Unique, non-empty name.
    pub name: String,
    /// Inferred over every row.
    pub field_type: FieldType,
}

/// One typed value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An empty cell.
    Null,
    /// A value of an [`FieldType::Int`] column.
    Int(i64),
    /// A value of a [`FieldType::Numeric`] column.
    Numeric(f64),
    /// A value of a text column, or a date column's ISO date.
    Text(String),
}

/// A row whose width differed from the header's: padded with empty cells or cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaggedRow {
    /// Line (CSV) or row (XLSX) number in the file, from 1.
    pub line: u64,
    /// How many cells the row had.
    pub found: usize,
    /// How many the table has.
    pub expected: usize,
}

/// What the first pass found out about a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    /// The columns, in order.
    pub fields: Vec<Field>,
    /// Whether the first row was taken as the header.
    pub has_header: bool,
    /// Data rows (without the header and rows with no value at all).
    pub rows: u64,
    /// The file's encoding (`UTF-8`, `gb18030`, `UTF-16LE` …; `XLSX` for a workbook).
    pub encoding: &'static str,
    /// The CSV delimiter (`,`, `\t`, `;`); `None` for a workbook.
    pub delimiter: Option<u8>,
    /// How many rows were padded or cut.
    pub ragged_rows: u64,
    /// The first [`MAX_WARNINGS`] of them.
    pub ragged: Vec<RaggedRow>,
}

/// How many ragged rows a shape lists one by one.
pub const MAX_WARNINGS: usize = 100;

/// The file types a table is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-, tab- or semicolon-separated text.
    Csv,
    /// An Office Open XML workbook.
    Xlsx,
}

/// A table being read: its shape is known, its rows come one at a time.
pub struct TableReader {
    shape: TableShape,
    rows: Rows,
    read: u64,
}

impl std::fmt::Debug for TableReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableReader")
            .field("shape", &self.shape)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

enum Rows {
    Csv {
        reader: Box<csv::Reader<Decoding<Box<dyn Read + Send>>>>,
        record: csv::StringRecord,
        header_pending: bool,
        limits: TableLimits,
    },
    Xlsx {
        rows: std::vec::IntoIter<(u64, Vec<String>)>,
        header_pending: bool,
        bytes: u64,
        total: u64,
    },
}

impl TableReader {
    /// What the first pass found.
    pub fn shape(&self) -> &TableShape {
        &self.shape
    }

    /// Bytes of the file consumed so far (for a progress bar; for a workbook, the share of its
    /// rows handed out).
    pub fn bytes_read(&self) -> u64 {
        match &self.rows {
            Rows::Csv { reader, .. } => reader.get_ref().bytes_in,
            Rows::Xlsx { bytes, total, .. } => {
                let done = self.read.min(self.shape.rows);
                if self.shape.rows == 0 {
                    *bytes
                } else {
                    ((*bytes as u128 * done as u128) / (*total).max(1) as u128) as u64
                }
            }
        }
    }

    /// The next data row, one cell per field, typed; `None` after the last.
    pub fn next_row(&mut self) -> Result<Option<Vec<Cell>>, ContentError> {
        let width = self.shape.fields.len();
        loop {
            let (line, raw): (u64, Vec<String>) = match &mut self.rows {
                Rows::Csv {
                    reader,
                    record,
                    header_pending,
                    limits,
                } => {
                    if !read_record(reader, record, limits)? {
                        return Ok(None);
                    }
                    // Blank rows first: the first pass skipped them before choosing its header.
                    if is_blank(record.iter()) || std::mem::take(header_pending) {
                        continue;
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    (line, record.iter().map(str::to_owned).collect())
                }
                Rows::Xlsx { rows, header_pending, .. } => {
                    let Some(row) = rows.next() else {
                        return Ok(None);
                    };
                    if std::mem::take(header_pending) {
                        continue;
                    }
                    row
                }
            };
            self.read += 1;
            let mut cells = Vec::with_capacity(width);
            for (i, field) in self.shape.fields.iter().enumerate() {
                let value = raw.get(i).map_or("", String::as_str);
                cells.push(typed(value, field.field_type).ok_or_else(|| {
                    ContentError::malformed(
                        "表格",
                        format!("第 {line} 行第 {} 列在读取期间发生变化", i + 1),
                    )
                })?);
            }
            return Ok(Some(cells));
        }
    }
}

/// Opens a table of `format` from `source`: reads it through once to learn its shape, then
/// rewinds it for [`TableReader::next_row`].
pub fn open_table<R: Read + Seek + Send + 'static>(
    format: TableFormat,
    source: R,
    limits: &TableLimits,
) -> Result<TableReader, ContentError> {
    match format {
        TableFormat::Csv => open_csv(source, limits),
        TableFormat::Xlsx => open_xlsx(source, limits),
    }
}

/// Opens a CSV file (see [`open_table`]).
pub fn open_csv<R: Read + Seek + Send + 'static>(
    mut source: R,
    limits: &TableLimits,
) -> Result<TableReader, ContentError> {
    let io = |e: std::io::Error| ContentError::malformed("CSV 文件", e);
    // A file known to be too large is refused before a byte of it is read.
    let size = source.seek(SeekFrom::End(0)).map_err(io)?;
    if size > limits.max_bytes {
        return Err(too_large(format!(
            "文件超过 {}",
            human_bytes(limits.max_bytes)
        )));
    }
    source.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut head = Vec::with_capacity(SAMPLE_BYTES);
    (&mut source)
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    if head.is_empty() {
        return Err(ContentError::Empty);
    }
    let bom = Encoding::for_bom(&head).map(|(e, _)| e);
    let mut encoding = match bom {
        Some(e) => e,
        None if utf8_prefix_valid(&head) => UTF_8,
        None => GB18030,
    };
    let delimiter = sniff_delimiter(&decode_sample(&head, encoding));
    let shape = loop {
        source.seek(SeekFrom::Start(0)).map_err(io)?;
        let strict = bom.is_none() && encoding == UTF_8;
        let reader = csv_reader(Decoding::new(&mut source, encoding, strict), delimiter);
        match scan_csv(reader, limits) {
            Err(ScanStop::NotUtf8) => encoding = GB18030,
            Err(ScanStop::Error(e)) => return Err(e),
            Ok(mut shape) => {
                shape.encoding = bom.map_or(encoding.name(), |e| e.name());
                shape.delimiter = Some(delimiter);
                break shape;
            }
        }
    };
    source.seek(SeekFrom::Start(0)).map_err(io)?;
    let boxed: Box<dyn Read + Send> = Box::new(source);
    let reader = csv_reader(Decoding::new(boxed, encoding, false), delimiter);
    Ok(TableReader {
        rows: Rows::Csv {
            reader: Box::new(reader),
            record: csv::StringRecord::new(),
            header_pending: shape.has_header,
            limits: *limits,
        },
        shape,
        read: 0,
    })
}

/// How much of a CSV file decides its encoding and delimiter.
const SAMPLE_BYTES: usize = 64 * 1024;

/// Whether `bytes` is UTF-8, allowing a character cut at the end of the sample.
fn utf8_prefix_valid(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && bytes.len() == SAMPLE_BYTES,
    }
}

fn decode_sample(bytes: &[u8], encoding: &'static Encoding) -> String {
    encoding.decode(bytes).0.into_owned()
}

/// The delimiter that splits the sample's rows most consistently into more than one field:
/// comma, tab or semicolon, comma when nothing splits.
fn sniff_delimiter(sample: &str) -> u8 {
    let cut = sample.len() >= SAMPLE_BYTES / 2;
    let mut best = (b',', 0usize);
    for delimiter in [b',', b'\t', b';'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let mut widths: Vec<usize> = reader
            .records()
            .take(100)
            .map_while(Result::ok)
            .filter(|r| !is_blank(r.iter()))
            .map(|r| r.len())
            .collect();
        if cut && widths.len() > 1 {
            widths.pop();
        }
        let Some(first) = widths.first().copied() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent = widths.iter().filter(|w| **w == first).count();
        if consistent > best.1 {
            best = (delimiter, consistent);
        }
    }
    best.0
}

fn csv_reader<R: Read>(source: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(source)
}

/// Why the first pass stopped.
enum ScanStop {
    /// Strict UTF-8 decoding met a byte that is not UTF-8: read again as GB18030.
    NotUtf8,
    Error(ContentError),
}

impl From<ContentError> for ScanStop {
    fn from(e: ContentError) -> Self {
        Self::Error(e)
    }
}

/// Reads the next record into `record`, within the byte, row and cell limits.
fn read_record<R: Read>(
    reader: &mut csv::Reader<Decoding<R>>,
    record: &mut csv::StringRecord,
    limits: &TableLimits,
) -> Result<bool, ContentError> {
    let start = reader.position().byte();
    reader.get_mut().row_start = start;
    reader.get_mut().limits = (limits.max_bytes, limits.max_row_bytes);
    let more = match reader.read_record(record) {
        Ok(more) => more,
        Err(e) => {
            let decoding = reader.get_ref();
            return Err(if decoding.over_file {
                too_large(format!("文件超过 {}", human_bytes(limits.max_bytes)))
            } else if decoding.over_row {
                too_large(format!("单行超过 {}", human_bytes(limits.max_row_bytes)))
            } else if decoding.malformed {
                ContentError::malformed("CSV 文件", "not_utf8")
            } else {
                ContentError::malformed("CSV 文件", e)
            });
        }
    };
    if more {
        check_width(record.len(), limits)?;
        if record.iter().any(|c| c.len() > limits.max_cell_bytes) {
            let line = record.position().map_or(0, |p| p.line());
            return Err(too_large(format!(
                "第 {line} 行有单元格超过 {}",
                human_bytes(limits.max_cell_bytes as u64)
            )));
        }
    }
    Ok(more)
}

fn check_width(width: usize, limits: &TableLimits) -> Result<(), ContentError> {
    if width > limits.max_columns {
        return Err(too_large(format!(
            "列数 {width} 超过 {} 列",
            limits.max_columns
        )));
    }
    Ok(())
}

fn is_blank<'a>(mut cells: impl Iterator<Item = &'a str>) -> bool {
    cells.all(|c| c.trim().is_empty())
}

fn scan_csv<R: Read>(
    mut reader: csv::Reader<Decoding<R>>,
    limits: &TableLimits,
) -> Result<TableShape, ScanStop> {
    let mut record = csv::StringRecord::new();
    let mut scanner: Option<Scanner> = None;
    loop {
        let more = match read_record(&mut reader, &mut record, limits) {
            Ok(more) => more,
            Err(_) if reader.get_ref().malformed => return Err(ScanStop::NotUtf8),
            Err(e) => return Err(e.into()),
        };
        if !more {
            break;
        }
        if is_blank(record.iter()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        match &mut scanner {
            None => scanner = Some(Scanner::first(record.iter())),
            Some(s) => s.row(line, record.iter(), limits)?,
        }
    }
    match scanner {
        None => Err(ContentError::Empty.into()),
        Some(s) => Ok(s.finish("", None)),
    }
}

/// The first pass over rows: the header decision, each column's type, the ragged rows.
struct Scanner {
    first: Vec<String>,
    has_header: bool,
    guesses: Vec<Guess>,
    rows: u64,
    ragged_rows: u64,
    ragged: Vec<RaggedRow>,
}

impl Scanner {
    fn first<'a>(cells: impl Iterator<Item = &'a str>) -> Self {
        let first: Vec<String> = cells.map(str::to_owned).collect();
        let has_header = looks_like_header(&first);
        let mut guesses = vec![Guess::default(); first.len()];
        let rows = if has_header {
            0
        } else {
            for (g, c) in guesses.iter_mut().zip(&first) {
                g.observe(c);
            }
            1
        };
        Self {
            first,
            has_header,
            guesses,
            rows,
            ragged_rows: 0,
            ragged: Vec::new(),
        }
    }

    fn row<'a>(
        &mut self,
        line: u64,
        cells: impl Iterator<Item = &'a str>,
        limits: &TableLimits,
    ) -> Result<(), ContentError> {
        self.rows += 1;
        if self.rows > limits.max_rows {
            return Err(too_large(format!("数据行超过 {} 行", limits.max_rows)));
        }
        let width = self.guesses.len();
        let mut found = 0;
        let mut cut = false;
        for (i, cell) in cells.enumerate() {
            found += 1;
            match self.guesses.get_mut(i) {
                Some(g) => g.observe(cell),
                None => cut |= !cell.trim().is_empty(),
            }
        }
        if found < width || cut {
            self.ragged_rows += 1;
            if self.ragged.len() < MAX_WARNINGS {
                self.ragged.push(RaggedRow {
                    line,
                    found,
                    expected: width,
                });
            }
        }
        Ok(())
    }

    fn finish(self, encoding: &'static str, delimiter: Option<u8>) -> TableShape {
        let names: Vec<String> = if self.has_header {
            self.first.iter().map(|s| s.trim().to_owned()).collect()
        } else {
            vec![String::new(); self.first.len()]
        };
        let names = unique_names(names);
        TableShape {
            fields: names
                .into_iter()
                .zip(&self.guesses)
                .map(|(name, g)| Field {
                    name,
                    field_type: g.field_type(),
                })
                .collect(),
            has_header: self.has_header,
            rows: self.rows,
            encoding,
            delimiter,
            ragged_rows: self.ragged_rows,
            ragged: self.ragged,
        }
    }
}

/// A header row: mostly words (not numbers or dates) and mostly distinct (a repeated name or
/// two are made unique, but a row of repeated values is data).
fn looks_like_header(cells: &[String]) -> bool {
    let values: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if values.is_empty() {
        return false;
    }
    let wordy = values
        .iter()
        .filter(|v| parse_number(v).is_none() && parse_date(v).is_none())
        .count();
    let mut sorted = values.clone();
    sorted.sort_unstable();
    sorted.dedup();
    wordy * 2 > values.len() && sorted.len() * 4 >= values.len() * 3
}

/// Empty names become 列N (N the column's number), repeated ones get `_2`, `_3` …; `_id`, the
/// datastore's row key, is never a column's name.
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    taken.insert("_id".to_owned());
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let base = if name.is_empty() {
            format!("列{}", i + 1)
        } else {
            name
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

/// Which types every non-empty value of a column seen so far fits.
#[derive(Debug, Clone, Copy)]
struct Guess {
    seen: bool,
    int: bool,
    numeric: bool,
    date: bool,
}

impl Default for Guess {
    fn default() -> Self {
        Self {
            seen: false,
            int: true,
            numeric: true,
            date: true,
        }
    }
}

impl Guess {
    fn observe(&mut self, cell: &str) {
        let v = cell.trim();
        if v.is_empty() {
            return;
        }
        self.seen = true;
        if self.int && parse_int(v).is_none() {
            self.int = false;
        }
        if self.numeric && parse_number(v).is_none() {
            self.numeric = false;
        }
        if self.date && parse_date(v).is_none() {
            self.date = false;
        }
    }

    fn field_type(&self) -> FieldType {
        match *self {
            Self { seen: false, .. } => FieldType::Text,
            Self { int: true, .. } => FieldType::Int,
            Self { numeric: true, .. } => FieldType::Numeric,
            Self { date: true, .. } => FieldType::Date,
            _ => FieldType::Text,
        }
    }
}

/// A cell as a value of `field_type`; `None` if it is not one (cannot happen for the column's
/// inferred type unless the file changed between the passes).
fn typed(value: &str, field_type: FieldType) -> Option<Cell> {
    let v = value.trim();
    if v.is_empty() {
        return Some(Cell::Null);
    }
    Some(match field_type {
        FieldType::Int => Cell::Int(parse_int(v)?),
        FieldType::Numeric => Cell::Numeric(parse_number(v)?),
        FieldType::Date => Cell::Text(parse_date(v)?),
        FieldType::Text => Cell::Text(value.to_owned()),
    })
}

/// An integer of at most 15 digits without a leading zero (longer digit strings are codes —
/// ID-card or credit-code numbers — and stay text, as do `007` and the like).
fn parse_int(v: &str) -> Option<i64> {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits.is_empty()
        || digits.len() > 15
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    v.parse().ok()
}

/// A plain decimal number (`-12.5`, `3e4`; no `inf`, no `nan`, no leading zero before digits,
/// no digit string longer than 15 digits — those are codes).
fn parse_number(v: &str) -> Option<f64> {
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    let mantissa = unsigned.split(['e', 'E']).next().unwrap_or_default();
    if !unsigned
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        || !unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        || !mantissa.bytes().any(|b| b.is_ascii_digit())
        || (unsigned.len() > 15 && unsigned.bytes().all(|b| b.is_ascii_digit()))
        || (mantissa.len() > 1 && mantissa.starts_with('0') && !mantissa.starts_with("0."))
    {
        return None;
    }
    v.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A date written `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY年M月D日`, as ISO text.
fn parse_date(v: &str) -> Option<String> {
    let (y, rest) = if let Some(rest) = v.strip_suffix('日') {
        let (y, md) = rest.split_once('年')?;
        let (m, d) = md.split_once('月')?;
        (y, (m, d))
    } else {
        let sep = if v.contains('/') { '/' } else { '-' };
        let mut parts = v.splitn(3, sep);
        let y = parts.next()?;
        (y, (parts.next()?, parts.next()?))
    };
    let (m, d) = rest;
    let num = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if y.len() != 4 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// Turns bytes of `encoding` into UTF-8 as it reads, counting the bytes it consumed and
/// refusing a file or a row past its limit. With `strict`, a malformed byte stops reading (so
/// the caller can try GB18030); otherwise it becomes U+FFFD.
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    strict: bool,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
    bytes_in: u64,
    bytes_out: u64,
    row_start: u64,
    limits: (u64, u64),
    malformed: bool,
    over_file: bool,
    over_row: bool,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, encoding: &'static Encoding, strict: bool) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder(),
            strict,
            buf: vec![0; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            done: false,
            bytes_in: 0,
            bytes_out: 0,
            row_start: 0,
            limits: (u64::MAX, u64::MAX),
            malformed: false,
            over_file: false,
            over_row: false,
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        if self.bytes_in > self.limits.0 {
            self.over_file = true;
            return Err(invalid("file too large"));
        }
        if self.bytes_out.saturating_sub(self.row_start) > self.limits.1 {
            self.over_row = true;
            return Err(invalid("row too large"));
        }
        // encoding_rs needs room for one whole character.
        if out.len() < 4 || self.done {
            return Ok(0);
        }
        loop {
            if self.start == self.end && !self.eof {
                let n = self.inner.read(&mut self.buf)?;
                self.start = 0;
                self.end = n;
                self.eof = n == 0;
                self.bytes_in += n as u64;
            }
            let input = &self.buf[self.start..self.end];
            let (read, written, input_empty) = if self.strict {
                let (result, read, written) = self
                    .decoder
                    .decode_to_utf8_without_replacement(input, out, self.eof);
                if let DecoderResult::Malformed(..) = result {
                    self.malformed = true;
                    return Err(invalid("not UTF-8"));
                }
                (read, written, result == DecoderResult::InputEmpty)
            } else {
                let (result, read, written, _) = self.decoder.decode_to_utf8(input, out, self.eof);
                (read, written, result == CoderResult::InputEmpty)
            };
            // The decoder is finished once it took the last input whole.
            self.done = self.eof && input_empty;
            self.start += read;
            self.bytes_out += written as u64;
            if written > 0 {
                return Ok(written);
            }
            if self.done {
                return Ok(0);
            }
        }
    }
}

/// Opens an XLSX workbook (see [`open_table`]): its first visible worksheet.
pub fn open_xlsx<R: Read>(source: R, limits: &TableLimits) -> Result<TableReader, ContentError> {
    const LABEL: &str = "Excel 表格";
    let mut bytes = Vec::new();
    source
        .take(limits.max_xlsx_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ContentError::malformed(LABEL, e))?;
    if bytes.is_empty() {
        return Err(ContentError::Empty);
    }
    if bytes.len() as u64 > limits.max_xlsx_bytes {
        return Err(too_large(format!(
            "Excel 文件超过 {}",
            human_bytes(limits.max_xlsx_bytes)
        )));
    }
    let total = bytes.len() as u64;
    let rows = crate::guard(LABEL, || xlsx_rows(&bytes, limits))?;
    let mut rows_iter = rows.iter();
    let mut scanner = match rows_iter.next() {
        None => return Err(ContentError::Empty),
        Some((_, first)) => Scanner::first(first.iter().map(String::as_str)),
    };
    for (line, row) in rows_iter {
        scanner.row(*line, row.iter().map(String::as_str), limits)?;
    }
    let shape = scanner.finish("XLSX", None);
    Ok(TableReader {
        rows: Rows::Xlsx {
            rows: rows.into_iter(),
            header_pending: shape.has_header,
            bytes: total,
            total: shape.rows,
        },
        shape,
        read: 0,
    })
}

/// Checks a workbook's ZIP container before a reader unpacks it (calamine holds parts in
/// memory): the entry count, the declared unpacked size and then the real one, within
/// `limits.max_unpacked_bytes` and `limits.max_xlsx_time` — so a small upload cannot unpack into
/// gigabytes. Every reader of an uploaded XLSX calls it first.
pub fn check_xlsx_container(bytes: &[u8], limits: &TableLimits) -> Result<(), ContentError> {
    checked_container(bytes, limits).map(|_| ())
}

/// [`check_xlsx_container`], returning the deadline the rest of the reading keeps.
fn checked_container(bytes: &[u8], limits: &TableLimits) -> Result<Deadline, ContentError> {
    const LABEL: &str = "Excel 表格";
    let zip_limits = Limits {
        max_unpacked_bytes: limits.max_unpacked_bytes,
        max_time: limits.max_xlsx_time,
        ..Limits::default()
    };
    let deadline = Deadline::start(&zip_limits);
    Zip::open(bytes, LABEL, zip_limits, deadline)?.verify_all()?;
    Ok(deadline)
}

/// The first visible worksheet's non-empty rows, each as text cells from column A, merged
/// cells filled in.
fn xlsx_rows(bytes: &[u8], limits: &TableLimits) -> Result<Vec<(u64, Vec<String>)>, ContentError> {
    const LABEL: &str = "Excel 表格";
    let deadline = checked_container(bytes, limits)?;
    let malformed = |e: calamine::XlsxError| ContentError::malformed(LABEL, e);
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(malformed)?;
    let name = book
        .sheets_metadata()
        .iter()
        .find(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .ok_or_else(|| ContentError::malformed(LABEL, "没有可见的工作表"))?;
    let merges = book.merge_cells_by_sheet_name(&name).map_err(malformed)?;
    let mut cells: Vec<((u32, u32), String)> = Vec::new();
    let cell_limit = |n: usize| -> Result<(), ContentError> {
        if n as u64 > limits.max_xlsx_cells {
            return Err(too_large(format!(
                "单元格超过 {} 个",
                limits.max_xlsx_cells
            )));
        }
        Ok(())
    };
    {
        let mut reader = book.worksheet_cells_reader(&name).map_err(malformed)?;
        let mut n = 0u32;
        while let Some(cell) = reader.next_cell().map_err(malformed)? {
            n = n.wrapping_add(1);
            if n.is_multiple_of(4096) {
                deadline.check()?;
            }
            let text = xlsx_text(cell.get_value());
            if text.trim().is_empty() {
                continue;
            }
            let (row, col) = cell.get_position();
            check_position(row, col, limits)?;
            if text.len() > limits.max_cell_bytes {
                return Err(too_large(format!(
                    "第 {} 行有单元格超过 {}",
                    row + 1,
                    human_bytes(limits.max_cell_bytes as u64)
                )));
            }
            cells.push(((row, col), text));
            cell_limit(cells.len())?;
        }
    }
    cells.sort_by_key(|(pos, _)| *pos);
    for merge in merges {
        let Ok(at) = cells.binary_search_by_key(&merge.start, |(pos, _)| *pos) else {
            continue;
        };
        let value = cells[at].1.clone();
        check_position(merge.end.0, merge.end.1, limits)?;
        let area = (u64::from(merge.end.0.saturating_sub(merge.start.0)) + 1)
            * (u64::from(merge.end.1.saturating_sub(merge.start.1)) + 1);
        cell_limit((cells.len() as u64).saturating_add(area) as usize)?;
        for row in merge.start.0..=merge.end.0 {
            for col in merge.start.1..=merge.end.1 {
                if (row, col) != merge.start {
                    cells.push(((row, col), value.clone()));
                }
            }
        }
    }
    cells.sort_by_key(|(pos, _)| *pos);
    cells.dedup_by_key(|(pos, _)| *pos);
    let width = cells
        .iter()
        .map(|((_, c), _)| *c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for ((row, col), text) in cells {
        if rows
            .last()
            .is_none_or(|(line, _)| *line != u64::from(row) + 1)
        {
            rows.push((u64::from(row) + 1, vec![String::new(); width]));
        }
        if let Some((_, cells)) = rows.last_mut() {
            cells[col as usize] = text;
        }
    }
    Ok(rows)
}

fn check_position(row: u32, col: u32, limits: &TableLimits) -> Result<(), ContentError> {
    check_width(col as usize + 1, limits)?;
    if u64::from(row) > limits.max_rows {
        return Err(too_large(format!("数据行超过 {} 行", limits.max_rows)));
    }
    Ok(())
}

/// A workbook cell as the text a CSV would hold: whole floats without `.0`, dates as ISO
/// (date-times with the time), formula errors empty.
fn xlsx_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        DataRef::DateTime(d) if d.is_datetime() => excel_date(d.as_f64()),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
    }
}

/// An Excel serial date (1900 system, its phantom 29 February 1900 included) as ISO text.
fn excel_date(serial: f64) -> String {
    let days = serial.floor();
    let base = if days < 61.0 {
        NaiveDate::from_ymd_opt(1899, 12, 31)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    };
    let date = base.and_then(|b| {
        (0.0..3_000_000.0)
            .contains(&days)
            .then(|| b.checked_add_days(chrono::Days::new(days as u64)))
            .flatten()
    });
    let Some(date) = date else {
        return serial.to_string();
    };
    let seconds = ((serial - days) * 86_400.0).round() as u32;
    if seconds == 0 || seconds >= 86_400 {
        date.format("%Y-%m-%d").to_string()
    } else {
        format!(
            "{} {:02}:{:02}:{:02}",
            date.format("%Y-%m-%d"),
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    }
}

/// A cell as it may go into a CSV or XLSX export: one that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so it is
/// shown as the text it is (CSV formula injection).
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes a table as UTF-8 CSV with a BOM (so spreadsheets read Chinese text right), text cells
/// and names through [`neutralise_formula`], numbers as they are.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> std::fmt::Debug for CsvWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvWriter").finish_non_exhaustive()
    }
}

impl<W: Write> CsvWriter<W> {
    /// Starts the file with the BOM.
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(Self {
            inner: csv::WriterBuilder::new().from_writer(out),
        })
    }

    /// Goes on with a file already started (no BOM): the next piece of a streamed file.
    pub fn continuing(out: W) -> Self {
        Self {
            inner: csv::WriterBuilder::new().from_writer(out),
        }
    }

    /// Writes the header row.
    pub fn write_header<'a>(
        &mut self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> std::io::Result<()> {
        self.inner
            .write_record(
                names
                    .into_iter()
                    .map(|n| neutralise_formula(n).into_owned()),
            )
            .map_err(std::io::Error::other)
    }

    /// Writes one row.
    pub fn write_row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        self.inner
            .write_record(cells.iter().map(|c| match c {
                Cell::Null => String::new(),
                Cell::Int(i) => i.to_string(),
                Cell::Numeric(f) => f.to_string(),
                Cell::Text(t) => neutralise_formula(t).into_owned(),
            }))
            .map_err(std::io::Error::other)
    }

    /// Flushes what is buffered and returns the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.inner
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests;
