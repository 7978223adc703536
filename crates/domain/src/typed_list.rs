//! Typed public lists (权力清单, 办事指南, 执法公示, 公示 of beneficiaries …): a list type's
//! schema, one row checked against it, the review states of a row, who sees a row, how a
//! row's personal fields are masked, and the two clocks of a list (a decision's 7-working-day
//! publication limit and the end of a 公示).
//!
//! A row is stored as its cells' canonical text, keyed by field key: what [`Schema::check_row`]
//! returns is what is stored, exported and shown (through [`Schema::public_cells`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::basic_catalogue::{Timeliness, timeliness};
use crate::calendar::{Calendar, CalendarError, RegionCode};
use crate::screening::{Finding, NegativeTerm};
use crate::{DomainError, ErrorCode, Refusal};

coded! {
    as_code
    /// What a field holds; decides how a cell is read, checked and shown.
    FieldKind {
        /// One line or a short paragraph of plain text.
        Text => ("text", "文本"),
        /// Longer text shown with its paragraphs (sanitised HTML or plain lines).
        RichText => ("rich_text", "长文本"),
        /// A calendar day, stored `YYYY-MM-DD`.
        Date => ("date", "日期"),
        /// A decimal number.
        Number => ("number", "数字"),
        /// An amount of money in yuan, stored exactly as whole fen.
        Money => ("money", "金额（元）"),
        /// One of the field's options.
        Choice => ("enum", "选项"),
        /// An organisation of the site, by its organ code.
        OrgLink => ("org", "机构"),
        /// A published record, by its 索引号.
        RecordLink => ("record", "关联信息"),
        /// An uploaded file, by the SHA-256 of its bytes.
        Attachment => ("attachment", "附件"),
    }
}

coded! {
    as_code
    /// How a public page shows a field that names or identifies a person.
    Masking {
        /// Shown as stored.
        None => ("none", "不遮蔽"),
        /// A person's name: the first character, then one `*` per character (张**).
        Name => ("name", "姓名（张**）"),
        /// An ID number: the first 6 and the last 4 characters kept.
        IdNumber => ("id_number", "身份证号"),
        /// A phone number: the first 3 and the last 4 digits kept.
        Phone => ("phone", "电话号码"),
    }
}

coded! {
    as_code
    /// A row's review state, as a record's: only what a reviewer approved is public.
    RowStatus {
        /// Being written; only its author edits and submits it.
        Draft => ("draft", "草稿"),
        /// Waiting for a reviewer other than its author.
        Pending => ("pending", "待审核"),
        /// Approved and public (while its 公示 lasts, for a 公示 list).
        Published => ("published", "已发布"),
        /// Taken off the public side by a reviewer.
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

/// Reads a coded value back from its stored code (a schema kept as JSON).
macro_rules! deserialize_code {
    ($($t:ty),+) => {$(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = String::deserialize(d)?;
                <$t>::parse(&code).map_err(serde::de::Error::custom)
            }
        }
    )+};
}

deserialize_code!(FieldKind, Masking);

/// A row's 有效性 is a record's: 有效, 失效, 废止.
pub use crate::record::Validity;

/// A step of a row's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// Change the cells; a published row goes back to 草稿 and leaves the public side until
    /// it is approved again (every change the public sees is reviewed).
    Edit,
    /// Ask for review.
    Submit,
    /// Send back to its author.
    Return,
    /// Publish.
    Approve,
    /// Take off the public side.
    Withdraw,
}

impl RowAction {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Edit => "修改",
            Self::Submit => "提交审核",
            Self::Return => "退回修改",
            Self::Approve => "审核通过并发布",
            Self::Withdraw => "撤回",
        }
    }
}

impl RowStatus {
    /// The state after `action`, or why it is refused; `by_author` says whether the person
    /// acting last wrote the row (a reviewer never judges their own writing).
    pub fn apply(self, action: RowAction, by_author: bool) -> Result<RowStatus, DomainError> {
        use RowAction as A;
        use RowStatus as S;
        let refuse = |code| Err(DomainError::invalid("status", code));
        match (self, action) {
            (S::Draft, A::Edit | A::Submit) if !by_author => refuse(ErrorCode::ListRowAuthorOnly),
            (S::Draft, A::Edit) => Ok(S::Draft),
            (S::Draft, A::Submit) => Ok(S::Pending),
            (S::Pending, A::Return | A::Approve) if by_author => {
                refuse(ErrorCode::ListRowSelfReview)
            }
            (S::Pending, A::Return) => Ok(S::Draft),
            (S::Pending, A::Approve) => Ok(S::Published),
            (S::Published | S::Withdrawn, A::Edit) => Ok(S::Draft),
            (S::Published, A::Withdraw) => Ok(S::Withdrawn),
            (from, action) => Err(DomainError::with(
                "status",
                ErrorCode::ListRowActionNotAllowed,
                &[("status", &from.label()), ("action", &action.label())],
            )),
        }
    }
}

/// Whether a row is on the public side (its page, the list, search, feeds) at `at`: published,
/// and for a 公示 list only until its 公示 ends. The store writes the same rule as SQL
/// (`gongkai_store::typed_lists::push_public`); a store test runs both over every case.
pub fn is_public(
    status: RowStatus,
    gongshi_until: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> bool {
    status == PUBLIC_STATUS && gongshi_until.is_none_or(|end| at < end)
}

/// The one status a public row has.
pub const PUBLIC_STATUS: RowStatus = RowStatus::Published;

/// When a 公示 published at `published_at` for `days` days ends (the row leaves the public
/// side at that instant).
pub fn gongshi_end(published_at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    published_at + Duration::days(i64::from(days))
}

/// Working days a 行政许可 or 行政处罚 decision has to be published in (执法公示: 7 working
/// days from the decision).
pub const DECISION_PUBLICATION_DAYS: u32 = 7;

/// Whether a decision of `decided` published on `published` (Beijing dates) kept the
/// 7-working-day limit, with the site's calendar and region.
pub fn decision_timeliness(
    calendar: &Calendar,
    region: Option<&RegionCode>,
    decided: Option<NaiveDate>,
    published: NaiveDate,
) -> Result<Timeliness, CalendarError> {
    timeliness(
        calendar,
        region,
        decided,
        published,
        DECISION_PUBLICATION_DAYS,
    )
}

/// Most fields a list type may have.
pub const MAX_FIELDS: usize = 40;
/// Most options of a choice field.
pub const MAX_OPTIONS: usize = 50;
/// Longest 公示期 in days.
pub const MAX_GONGSHI_DAYS: u32 = 90;
/// Longest plain text cell, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Longest rich text cell, in characters.
pub const MAX_RICH_TEXT_CHARS: usize = 50_000;
/// The largest amount of money, in fen (a hundred billion yuan).
pub const MAX_FEN: i64 = 10_000_000_000_000;

/// One column of a list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Field {
    /// Stable key the row's cell is stored under (`[a-z][a-z0-9_]*`, at most 32).
    pub key: String,
    /// The Chinese column heading.
    pub label: String,
    /// What it holds.
    pub kind: FieldKind,
    /// For a choice field, the options in display order.
    #[serde(default)]
    pub options: Vec<String>,
    /// Whether a row cannot be saved without it.
    pub required: bool,
    /// Whether the public side shows it (else staff only).
    pub public: bool,
    /// How the public side masks it.
    pub masking: Masking,
}

/// A list type: its code (in addresses), name, fields and the rules of its kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    /// Stable code used in addresses (`quanli`, `banshi` …).
    pub code: String,
    /// The list's Chinese name.
    pub name: String,
    /// Columns in display order.
    pub fields: Vec<Field>,
    /// For a 公示 list naming people, its 公示期 in days: a row leaves the public side that
    /// long after publication.
    #[serde(default)]
    pub gongshi_days: Option<u32>,
    /// The keys that must be filled before a row may be published (办事指南's ten statutory
    /// elements); saving a draft without them is allowed, and they are flagged.
    #[serde(default)]
    pub publication_elements: Vec<String>,
    /// The key of the field the row's title is read from.
    pub title_key: String,
}

/// A stored row's cells: field key → canonical text.
pub type Cells = BTreeMap<String, String>;

/// One cell's refusal: the field it concerns (key and heading) and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    /// The field's key (or the unknown column's name).
    pub key: String,
    /// The field's heading, for messages.
    pub label: String,
    /// Why.
    pub code: ErrorCode,
    /// The Chinese message.
    pub message: String,
}

impl CellError {
    fn new(field: &Field, code: ErrorCode, args: &[crate::error::Arg<'_>]) -> Self {
        let Refusal { code, message } = code.refusal(args);
        Self {
            key: field.key.clone(),
            label: field.label.clone(),
            code,
            message,
        }
    }
}

impl Schema {
    /// The field under `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The field whose heading or key is `name` (a spreadsheet's column heading).
    pub fn field_named(&self, name: &str) -> Option<&Field> {
        let name = name.trim();
        self.fields
            .iter()
            .find(|f| f.label == name || f.key == name)
    }

    /// Checks a list type an administrator defined: a code and name, 1 to [`MAX_FIELDS`]
    /// fields with well-formed unique keys and headings, choice fields with 1 to
    /// [`MAX_OPTIONS`] distinct options, a 公示期 of 1 to [`MAX_GONGSHI_DAYS`] days, and the
    /// title and publication elements naming fields.
    pub fn check(&self) -> Result<(), DomainError> {
        if !valid_code(&self.code) {
            return Err(DomainError::invalid(
                "code",
                ErrorCode::ListSchemaCodeInvalid,
            ));
        }
        if crate::plain_name(&self.name, 2..=40).is_err() {
            return Err(DomainError::invalid(
                "name",
                ErrorCode::ListSchemaNameInvalid,
            ));
        }
        if self.fields.is_empty() || self.fields.len() > MAX_FIELDS {
            return Err(DomainError::with(
                "fields",
                ErrorCode::ListSchemaFieldCount,
                &[("max", &MAX_FIELDS)],
            ));
        }
        let mut keys = BTreeSet::new();
        let mut labels = BTreeSet::new();
        for f in &self.fields {
            if !valid_key(&f.key) {
                return Err(DomainError::with(
                    "fields",
                    ErrorCode::ListSchemaKeyInvalid,
                    &[("key", &f.key)],
                ));
            }
            if crate::plain_name(&f.label, 1..=32).is_err() || f.label != f.label.trim() {
                return Err(DomainError::with(
                    "fields",
                    ErrorCode::ListSchemaLabelInvalid,
                    &[("key", &f.key)],
                ));
            }
            if !keys.insert(f.key.as_str()) || !labels.insert(f.label.as_str()) {
                return Err(DomainError::with(
                    "fields",
                    ErrorCode::ListSchemaKeyDuplicate,
                    &[("key", &f.label)],
                ));
            }
            let options_ok = if f.kind == FieldKind::Choice {
                let distinct: BTreeSet<&str> = f.options.iter().map(String::as_str).collect();
                (1..=MAX_OPTIONS).contains(&f.options.len())
                    && distinct.len() == f.options.len()
                    && f.options
                        .iter()
                        .all(|o| crate::plain_name(o, 1..=32).is_ok_and(|t| t == o))
            } else {
                f.options.is_empty()
            };
            if !options_ok {
                return Err(DomainError::with(
                    "fields",
                    ErrorCode::ListSchemaOptions,
                    &[("label", &f.label), ("max", &MAX_OPTIONS)],
                ));
            }
        }
        if let Some(days) = self.gongshi_days
            && !(1..=MAX_GONGSHI_DAYS).contains(&days)
        {
            return Err(DomainError::with(
                "gongshi_days",
                ErrorCode::ListGongshiDays,
                &[("max", &MAX_GONGSHI_DAYS)],
            ));
        }
        let named = |k: &String| keys.contains(k.as_str());
        if !named(&self.title_key) || !self.publication_elements.iter().all(named) {
            return Err(DomainError::invalid(
                "title_key",
                ErrorCode::ListSchemaTitleUnknown,
            ));
        }
        Ok(())
    }

    /// Reads one row as typed (field key → text; empty means absent) into its canonical
    /// cells, or every cell's refusal, each naming its field. A key the schema lacks is refused
    /// too, so nothing typed is silently dropped.
    pub fn check_row(&self, raw: &BTreeMap<String, String>) -> Result<Cells, Vec<CellError>> {
        let mut cells = Cells::new();
        let mut errors = Vec::new();
        for key in raw.keys() {
            if self.field(key).is_none() {
                let Refusal { code, message } =
                    ErrorCode::ListFieldUnknown.refusal(&[("name", key)]);
                errors.push(CellError {
                    key: key.clone(),
                    label: key.clone(),
                    code,
                    message,
                });
            }
        }
        for field in &self.fields {
            let typed = raw.get(&field.key).map(|s| s.trim()).unwrap_or("");
            if typed.is_empty() {
                if field.required {
                    errors.push(CellError::new(
                        field,
                        ErrorCode::ListFieldRequired,
                        &[("label", &field.label)],
                    ));
                }
                continue;
            }
            match read_cell(field, typed) {
                Ok(value) => {
                    cells.insert(field.key.clone(), value);
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(cells)
        } else {
            Err(errors)
        }
    }

    /// The publication elements a row lacks (办事指南's statutory elements), in schema order.
    pub fn missing_elements(&self, cells: &Cells) -> Vec<&Field> {
        self.fields
            .iter()
            .filter(|f| self.publication_elements.contains(&f.key))
            .filter(|f| cells.get(&f.key).is_none_or(|v| v.trim().is_empty()))
            .collect()
    }

    /// Refuses publication of a row that lacks a publication element, naming them all.
    pub fn check_publishable(&self, cells: &Cells) -> Result<(), DomainError> {
        let missing = self.missing_elements(cells);
        if missing.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = missing.iter().map(|f| f.label.as_str()).collect();
        Err(DomainError::with(
            "cells",
            ErrorCode::ListMissingElements,
            &[("elements", &names.join("、"))],
        ))
    }

    /// The row's title as staff see it: its title field's cell.
    pub fn title_of(&self, cells: &Cells) -> String {
        cells.get(&self.title_key).cloned().unwrap_or_default()
    }

    /// The row's title as the public sees it: masked by its field's rule, empty when the
    /// title field is staff-only.
    pub fn public_title(&self, cells: &Cells) -> String {
        match self.field(&self.title_key) {
            Some(f) if f.public => mask(f.masking, &self.title_of(cells)),
            _ => String::new(),
        }
    }

    /// What the public side may search and index: every public cell as shown, one
    /// `标题：内容` line each.
    pub fn public_text(&self, cells: &Cells) -> String {
        self.public_cells(cells)
            .into_iter()
            // An attachment's cell is its file's hash: a key to the file, not text to show.
            .filter(|(f, _)| f.kind != FieldKind::Attachment)
            .map(|(f, v)| format!("{}：{v}", f.label))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Stored cells as a person types them (money in yuan): what the edit form and the
    /// spreadsheet export show, and what [`Schema::check_row`] reads back to the same cells.
    pub fn typed_form(&self, cells: &Cells) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .filter_map(|f| cells.get(&f.key).map(|v| (f.key.clone(), display(f, v))))
            .collect()
    }

    /// The cells the public side shows: public fields only, each masked by its rule and shown
    /// in its display form (money in yuan), in schema order as `(field, text)`.
    pub fn public_cells<'a>(&'a self, cells: &Cells) -> Vec<(&'a Field, String)> {
        self.fields
            .iter()
            .filter(|f| f.public)
            .filter_map(|f| {
                cells
                    .get(&f.key)
                    .map(|v| (f, display(f, &mask(f.masking, v))))
            })
            .collect()
    }

    /// Screens every text a row would show the public (its public, unmasked text fields) for
    /// personal numbers, secret markings and the site's negative list: an ID number typed into
    /// a free-text cell of a beneficiary list is a finding. Each finding's location is the
    /// field's heading.
    pub fn screen(&self, cells: &Cells, negatives: &[NegativeTerm]) -> Vec<Finding> {
        self.fields
            .iter()
            .filter(|f| f.public && f.masking == Masking::None)
            .filter(|f| matches!(f.kind, FieldKind::Text | FieldKind::RichText))
            .filter_map(|f| cells.get(&f.key).map(|v| (f, v)))
            .flat_map(|(f, v)| crate::screening::scan(&f.label, v, negatives))
            .collect()
    }
}

/// A list type's code: 2 to 32 lowercase ASCII letters, digits or hyphens, starting with a letter.
pub fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn valid_key(key: &str) -> bool {
    (1..=32).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// One typed cell in its canonical stored form.
fn read_cell(field: &Field, typed: &str) -> Result<String, CellError> {
    let label = &field.label;
    let too_long = |max: usize| {
        CellError::new(
            field,
            ErrorCode::ListFieldTooLong,
            &[("label", label), ("max", &max)],
        )
    };
    if typed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CellError::new(
            field,
            ErrorCode::ListFieldControlCharacter,
            &[("label", label)],
        ));
    }
    let chars = typed.chars().count();
    match field.kind {
        FieldKind::Text if chars > MAX_TEXT_CHARS => Err(too_long(MAX_TEXT_CHARS)),
        FieldKind::RichText if chars > MAX_RICH_TEXT_CHARS => Err(too_long(MAX_RICH_TEXT_CHARS)),
        FieldKind::Text | FieldKind::RichText => Ok(typed.to_owned()),
        FieldKind::Date => parse_date(typed)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .ok_or_else(|| CellError::new(field, ErrorCode::ListDateInvalid, &[("label", label)])),
        FieldKind::Number => parse_number(typed).ok_or_else(|| {
            CellError::new(field, ErrorCode::ListNumberInvalid, &[("label", label)])
        }),
        FieldKind::Money => parse_money(typed)
            .map(|f| f.to_string())
            .ok_or_else(|| CellError::new(field, ErrorCode::ListMoneyInvalid, &[("label", label)])),
        FieldKind::Choice => field
            .options
            .iter()
            .find(|o| o.as_str() == typed)
            .cloned()
            .ok_or_else(|| {
                CellError::new(
                    field,
                    ErrorCode::ListOptionUnknown,
                    &[("label", label), ("options", &field.options.join("、"))],
                )
            }),
        FieldKind::OrgLink => crate::org::OrgCode::parse(typed)
            .map(|c| c.as_str().to_owned())
            .map_err(|_| CellError::new(field, ErrorCode::ListOrgInvalid, &[("label", label)])),
        FieldKind::RecordLink if chars > 64 => Err(too_long(64)),
        FieldKind::RecordLink => Ok(typed.to_owned()),
        FieldKind::Attachment => {
            let sha = typed.to_ascii_lowercase();
            if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(sha)
            } else {
                Err(CellError::new(
                    field,
                    ErrorCode::ListAttachmentInvalid,
                    &[("label", label)],
                ))
            }
        }
    }
}

/// A date as typed when it is unambiguous: `2026-01-05`, `2026/1/5`, `2026.1.5`,
/// `2026年1月5日`, `20260105`; full-width digits are read as digits.
pub fn parse_date(typed: &str) -> Option<NaiveDate> {
    let text: String = typed.trim().chars().map(crate::pii::half_width).collect();
    let text = text.strip_suffix('日').unwrap_or(&text);
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(text, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let num = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, num(m)?, num(d)?)
}

/// A decimal number as typed (thousands separators allowed), canonically: an optional `-`,
/// digits, and a fraction without trailing zeros. At most 18 digits.
pub fn parse_number(typed: &str) -> Option<String> {
    let text: String = typed
        .trim()
        .chars()
        .map(crate::pii::half_width)
        .filter(|c| *c != ',')
        .collect();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if whole.len() + fraction.len() > 18 {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::new();
    if negative && (whole != "0" || !fraction.is_empty()) {
        out.push('-');
    }
    out.push_str(whole);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    Some(out)
}

/// An amount in yuan as typed (`1,234.5`, `¥1234.50`, `1234.50元`) as whole fen, exactly; at
/// most two decimals, not negative, at most [`MAX_FEN`].
pub fn parse_money(typed: &str) -> Option<i64> {
    let text: String = typed
        .trim()
        .chars()
        .map(crate::pii::half_width)
        .filter(|c| !matches!(c, ',' | ' '))
        .collect();
    let text = text.trim_start_matches(['¥', '￥']);
    let text = text.strip_suffix('元').unwrap_or(text);
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 2 {
        return None;
    }
    if whole.len() > 14 {
        return None;
    }
    let yuan: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    let fen = yuan.checked_mul(100)?.checked_add(cents)?;
    (fen <= MAX_FEN).then_some(fen)
}

/// Whole fen as yuan with two decimals and thousands separators: `123456` → `1,234.56`.
pub fn format_money(fen: i64) -> String {
    let yuan = (fen / 100).unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}", (fen % 100).unsigned_abs())
}

/// A stored cell as people read it: money in yuan, the rest as stored.
pub fn display(field: &Field, stored: &str) -> String {
    match field.kind {
        FieldKind::Money => stored
            .parse::<i64>()
            .map(format_money)
            .unwrap_or_else(|_| stored.to_owned()),
        _ => stored.to_owned(),
    }
}

/// A cell masked by `rule` for the public side.
pub fn mask(rule: Masking, value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    let keep = |head: usize, tail: usize| -> String {
        if chars.len() <= head + tail {
            return "*".repeat(chars.len());
        }
        let mut out: String = chars[..head].iter().collect();
        out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
        out.extend(&chars[chars.len() - tail..]);
        out
    };
    match rule {
        Masking::None => value.to_owned(),
        Masking::Name if chars.is_empty() => String::new(),
        Masking::Name => {
            let mut out = chars[0].to_string();
            out.extend(std::iter::repeat_n(
                '*',
                chars.len().saturating_sub(1).max(1),
            ));
            out
        }
        Masking::IdNumber => keep(6, 4),
        Masking::Phone => keep(3, 4),
    }
}

#[cfg(test)]
mod tests;

pub mod builtin;
