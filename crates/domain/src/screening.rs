//! Content screening before anything goes out (先审查后公开): personal data, secret markings
//! and the site's negative list, found in titles, bodies and attachment text.
//!
//! What is looked for, and why each check is shaped as it is:
//! - 18-digit resident ID numbers with a valid GB 11643 checksum (last digit `X` allowed) and a
//!   plausible birth date, or any 18-character ID-shaped number right after a word such as
//!   身份证号 or 证件号 (a mistyped ID number is still one); 15-digit first-generation IDs with a
//!   plausible date;
//! - mobile numbers: 11 digits `1[3-9]…`, also written in 3-4-4 groups;
//! - bank card numbers: 16–19 digits (also in groups of four) passing the Luhn check;
//! - secret markings as they appear on classified documents (`机密★`, `秘密★1年`,
//!   `密级：绝密`, or the word alone on a line) and the handling phrases 内部资料, 内部使用,
//!   不得外传 anywhere — the bare words 国家秘密 or 商业秘密 inside a law's text are not markings;
//! - every term of the site's negative list, with its category.
//!
//! Numbers and their written forms (+86 prefixes, separators, full-width digits) are found by
//! the shared detector in [`crate::pii`]; a match never starts or ends inside a longer number.
//! The module is pure: callers pass text and the negative list and show the findings.

use serde::{Deserialize, Serialize};

use crate::pii::PiiKind;

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// 18-digit resident ID number.
    IdCard,
    /// 15-digit first-generation ID number.
    OldIdCard,
    /// Mobile phone number.
    Mobile,
    /// Bank card number.
    BankCard,
    /// Secret marking or handling restriction.
    SecretMarking,
    /// A term of the site's negative list.
    NegativeTerm,
}

impl FindingKind {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::IdCard => "身份证号码",
            Self::OldIdCard => "15 位身份证号码",
            Self::Mobile => "手机号码",
            Self::BankCard => "银行卡号",
            Self::SecretMarking => "涉密标志",
            Self::NegativeTerm => "负面清单词语",
        }
    }
}

/// A term of the negative list and its category (e.g. 敏感表述, 过时名称).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NegativeTerm {
    /// The term.
    pub term: String,
    /// Its category.
    pub category: String,
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Kind.
    pub kind: FindingKind,
    /// Chinese label of the kind, for pages and reports.
    pub label: &'static str,
    /// Where: 标题, 正文, or 附件“name”.
    pub location: String,
    /// The matched text, masked for personal data (first 3 and last 4 characters kept).
    pub matched: String,
    /// Character offset of the match in the scanned text.
    pub offset: usize,
    /// The text around the match (masked the same way), for the reviewer.
    pub context: String,
    /// Category of a negative-list term.
    pub category: Option<String>,
}

impl Finding {
    /// Chinese label of the kind.
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Whether an 18-character ID number has a valid checksum and birth date.
pub fn valid_id18(id: &str) -> bool {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let expected = ID_CHECK[(sum % 11) as usize];
    let last = chars[17].to_ascii_uppercase();
    let date: String = chars[6..14].iter().collect();
    last == expected && chars[0] != '0' && plausible_date(&date, true)
}

fn plausible_date(yyyymmdd: &str, four_digit_year: bool) -> bool {
    let (y, rest) = if four_digit_year {
        (
            yyyymmdd.get(..4).and_then(|y| y.parse::<i32>().ok()),
            yyyymmdd.get(4..),
        )
    } else {
        (
            yyyymmdd
                .get(..2)
                .and_then(|y| y.parse::<i32>().ok())
                .map(|y| 1900 + y),
            yyyymmdd.get(2..),
        )
    };
    let (Some(y), Some(rest)) = (y, rest) else {
        return false;
    };
    let m = rest.get(..2).and_then(|m| m.parse::<u32>().ok());
    let d = rest.get(2..4).and_then(|d| d.parse::<u32>().ok());
    match (m, d) {
        (Some(m), Some(d)) => {
            (1900..=2100).contains(&y) && chrono::NaiveDate::from_ymd_opt(y, m, d).is_some()
        }
        _ => false,
    }
}

/// The Luhn check used by bank card numbers.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return s.to_owned();
    }
    let mut out: String = chars[..3].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

fn context_of(chars: &[char], start: usize, len: usize, masked: &str) -> String {
    let from = start.saturating_sub(12);
    let to = (start + len + 12).min(chars.len());
    let before: String = chars[from..start].iter().collect();
    let after: String = chars[start + len..to].iter().collect();
    format!(
        "{}{before}【{masked}】{after}{}",
        if from > 0 { "…" } else { "" },
        if to < chars.len() { "…" } else { "" }
    )
    .replace(['\n', '\r'], " ")
}

/// The markings: a classification word followed by ★ (or * / ☆), after 密级, or alone on a line.
fn secret_markings(chars: &[char], text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for word in ["绝密", "机密", "秘密"] {
        for (byte, _) in text.match_indices(word) {
            let start = text[..byte].chars().count();
            let end = start + 2;
            let mut j = end;
            while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\u{3000}') {
                j += 1;
            }
            let starred = chars
                .get(j)
                .is_some_and(|c| matches!(c, '★' | '☆' | '*' | '＊'));
            let before: String = chars[start.saturating_sub(4)..start].iter().collect();
            let after_level = before.contains("密级");
            let line_start = chars[..start]
                .iter()
                .rev()
                .take_while(|c| **c != '\n')
                .all(|c| c.is_whitespace());
            let line_end = chars[end..]
                .iter()
                .take_while(|c| **c != '\n')
                .all(|c| c.is_whitespace());
            if starred || after_level || (line_start && line_end) {
                let mut len = j - start;
                if starred {
                    len += 1;
                    // Include a period such as "★1年" or "★长期".
                    while chars
                        .get(start + len)
                        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '年' | '长' | '期'))
                    {
                        len += 1;
                    }
                } else {
                    len = 2;
                }
                out.push((start, len));
            }
        }
    }
    for phrase in ["内部资料", "内部使用", "不得外传"] {
        for (byte, _) in text.match_indices(phrase) {
            out.push((text[..byte].chars().count(), phrase.chars().count()));
        }
    }
    out
}

/// Scans one text; `location` names where it came from (标题, 正文, 附件“…”).
pub fn scan(location: &str, text: &str, negatives: &[NegativeTerm]) -> Vec<Finding> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut push =
        |kind: FindingKind, start: usize, len: usize, shown: String, category: Option<String>| {
            out.push(Finding {
                label: kind.label(),
                kind,
                location: location.to_owned(),
                context: context_of(&chars, start, len, &shown),
                matched: shown,
                offset: start,
                category,
            });
        };
    // Candidates come from the one detector shared with public masking and the search index;
    // screening then asks for the stronger evidence a reviewer needs (checksums, dates).
    for p in crate::pii::detect(text) {
        let d = &p.digits;
        let kind = match p.kind {
            PiiKind::IdCard if valid_id18(d) || crate::pii::id_word_before(&chars, p.start) => {
                FindingKind::IdCard
            }
            PiiKind::OldIdCard if plausible_date(&d[6..12], false) => FindingKind::OldIdCard,
            PiiKind::Mobile => FindingKind::Mobile,
            PiiKind::BankCard if luhn(d) => FindingKind::BankCard,
            _ => continue,
        };
        push(kind, p.start, p.len, mask(d), None);
    }
    for (start, len) in secret_markings(&chars, text) {
        let shown: String = chars[start..start + len].iter().collect();
        push(FindingKind::SecretMarking, start, len, shown, None);
    }
    for n in negatives.iter().filter(|n| !n.term.trim().is_empty()) {
        for (byte, _) in text.match_indices(n.term.as_str()) {
            let start = text[..byte].chars().count();
            push(
                FindingKind::NegativeTerm,
                start,
                n.term.chars().count(),
                n.term.clone(),
                Some(n.category.clone()),
            );
        }
    }
    out.sort_by_key(|f| (f.offset, f.kind));
    out
}

/// The fewest characters a written justification must have.
pub const MIN_JUSTIFICATION_CHARS: usize = 5;

/// Why content bearing a secret marking (密级标志 such as 秘密★, 机密★, 绝密★, or a 内部
/// handling phrase) may still be published: the legal grounds a reviewer chooses from.
///
/// A classified document is never published (《政府信息公开条例》第十四条); before publication
/// the office checks content against 《中华人民共和国保守国家秘密法》 (条例第十七条, 保密审查).
/// So a marking found by screening is only passed when the reviewer states which of these holds
/// and writes the evidence (the declassification notice's number, who confirmed the error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretGround {
    /// 已依法定程序解密 (保守国家秘密法 on declassification; the notice is cited).
    Declassified,
    /// 误标: the marking was set in error and 保密审查 found nothing secret.
    Mismarked,
    /// The words are a quoted title or text inside a public document, not this document's
    /// marking.
    Quoted,
    /// 内部资料 / 内部使用 handling notes the issuing office has lifted.
    ReleasedByIssuer,
}

impl SecretGround {
    /// Every ground, in display order.
    pub const ALL: &'static [SecretGround] = &[
        Self::Declassified,
        Self::Mismarked,
        Self::Quoted,
        Self::ReleasedByIssuer,
    ];

    /// Stable code as audited and submitted by forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Declassified => "declassified",
            Self::Mismarked => "mismarked",
            Self::Quoted => "quoted",
            Self::ReleasedByIssuer => "released_by_issuer",
        }
    }

    /// The ground as the reviewer chooses it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Declassified => "已依法定程序解密（请在说明中写明解密通知或文件的编号）",
            Self::Mismarked => "标志为误标，内容不涉密（已经保密审查确认）",
            Self::Quoted => "属于公开文件中引用的标题或文字，并非本信息的密级标志",
            Self::ReleasedByIssuer => "“内部资料”等限制标注已由制发机关书面确认撤销",
        }
    }

    /// The legal basis the ground rests on, for the audit log and the form's hint.
    pub fn basis(self) -> &'static str {
        match self {
            Self::Declassified => "《中华人民共和国保守国家秘密法》关于国家秘密解密的规定",
            Self::Mismarked | Self::Quoted => {
                "《中华人民共和国政府信息公开条例》第十七条（公开前的保密审查）"
            }
            Self::ReleasedByIssuer => {
                "《中华人民共和国政府信息公开条例》第十七条（不能确定的，报有关主管部门确定）"
            }
        }
    }

    /// Parses a code or a label; `None` for anything else (an empty choice included).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|g| g.code() == raw || g.label() == raw)
    }
}

/// What a reviewer writes to publish content that screening flagged: the note, and for a
/// secret marking the legal ground chosen from [`SecretGround`]. Both are audited by the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct Justification<'a> {
    /// The written justification.
    pub note: &'a str,
    /// The legal ground for publishing despite a secret marking.
    pub secret_ground: Option<SecretGround>,
}

/// Content with findings may only go out with a written justification (先审查后公开), and
/// content with a secret marking only with a legal ground chosen from [`SecretGround`] as well:
/// at approval of a draft and of a correction alike. This is the one place the rule lives.
pub fn require_justification(
    findings: &[Finding],
    justification: Justification<'_>,
) -> Result<(), crate::DomainError> {
    let note_len = justification.note.trim().chars().count();
    if let Some(marking) = findings
        .iter()
        .find(|f| f.kind == FindingKind::SecretMarking)
        && (justification.secret_ground.is_none() || note_len < MIN_JUSTIFICATION_CHARS)
    {
        return Err(crate::DomainError::with(
            "secret_ground",
            crate::ErrorCode::ScreeningSecretGroundRequired,
            &[
                ("marking", &marking.matched),
                ("min", &MIN_JUSTIFICATION_CHARS),
            ],
        ));
    }
    require_note(findings.len(), justification.note)
}

/// The written-justification half of [`require_justification`]: `findings` findings need a note
/// of at least [`MIN_JUSTIFICATION_CHARS`] characters. Used alone only by `gongkai import`
/// (republishing what an existing site already published), whose command line offers no legal
/// ground to choose yet.
pub fn require_note(findings: usize, note: &str) -> Result<(), crate::DomainError> {
    if findings > 0 && note.trim().chars().count() < MIN_JUSTIFICATION_CHARS {
        return Err(crate::DomainError::with(
            "screening_note",
            crate::ErrorCode::ScreeningJustificationRequired,
            &[("findings", &findings), ("min", &MIN_JUSTIFICATION_CHARS)],
        ));
    }
    Ok(())
}

/// Scans several named parts (title, body, each attachment) and returns all findings.
pub fn scan_parts<'a>(
    parts: impl IntoIterator<Item = (&'a str, &'a str)>,
    negatives: &[NegativeTerm],
) -> Vec<Finding> {
    parts
        .into_iter()
        .flat_map(|(loc, text)| scan(loc, text, negatives))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(text: &str) -> Vec<FindingKind> {
        scan("正文", text, &[])
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn findings_carry_their_chinese_label() {
        let found = scan("正文", "旧证 110105491231002 在此", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "15 位身份证号码");
    }

    fn justified(findings: &[Finding], note: &str, ground: Option<SecretGround>) -> bool {
        require_justification(
            findings,
            Justification {
                note,
                secret_ground: ground,
            },
        )
        .is_ok()
    }

    #[test]
    fn findings_need_a_written_justification() {
        let two = scan("正文", "电话13912345678，又13912345679", &[]);
        assert_eq!(two.len(), 2);
        assert!(justified(&[], "", None));
        assert!(!justified(&two, "可以", None));
        assert!(justified(&two, "已核实为公开电话", None));
    }

    #[test]
    fn a_secret_marking_needs_a_legal_ground_and_text() {
        let found = scan("正文", "秘密★1年\n关于……的通知", &[]);
        assert_eq!(found[0].kind, FindingKind::SecretMarking);
        // Five characters of anything no longer pass a 秘密★ marking.
        assert!(!justified(&found, "可以公开了", None));
        let refused = require_justification(
            &found,
            Justification {
                note: "可以公开了",
                secret_ground: None,
            },
        );
        let message = refused.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(
            message.contains("秘密★1年") && message.contains("法定依据"),
            "{message}"
        );
        // A ground without the written evidence is not enough either.
        assert!(!justified(&found, "", Some(SecretGround::Declassified)));
        assert!(justified(
            &found,
            "已依乌保密〔2026〕3号通知解密",
            Some(SecretGround::Declassified)
        ));
        // Grounds are parsed by code or label, never from free text.
        assert_eq!(
            SecretGround::parse("mismarked"),
            Some(SecretGround::Mismarked)
        );
        assert_eq!(
            SecretGround::parse(SecretGround::Quoted.label()),
            Some(SecretGround::Quoted)
        );
        assert_eq!(SecretGround::parse("随便"), None);
        assert!(SecretGround::ALL.iter().all(|g| !g.basis().is_empty()));
    }

    #[test]
    fn id_numbers_need_a_valid_checksum() {
        assert!(valid_id18("11010519491231002X"));
        assert!(valid_id18("11010519491231002x"));
        assert!(!valid_id18("110105194912310021"));
        assert_eq!(
            kinds("申请人身份证号11010519491231002X，住址"),
            [FindingKind::IdCard]
        );
        for (text, why) in [
            ("编号110105194912310021", "wrong checksum is not an ID"),
            ("1110105194912310021X", "inside a longer number"),
        ] {
            assert!(kinds(text).is_empty(), "{why}");
        }
    }

    #[test]
    fn an_id_word_makes_a_wrong_checksum_a_finding() {
        for text in [
            "申请人身份证号110105194912310021，住址",
            "身份证：110105194912310021",
            "证件号 110105194912310021",
            "公民身份号码为 91010519491231002X。",
        ] {
            assert_eq!(kinds(text), [FindingKind::IdCard], "{text}");
        }
        // Far from the word (more than twelve characters), a wrong checksum stays quiet.
        assert!(kinds("请携带身份证复印件一份。另，合同编号110105194912310021").is_empty());
        assert!(kinds("身份证号码请见附件").is_empty(), "no number at all");
    }

    #[test]
    fn old_ids_mobiles_and_cards() {
        assert_eq!(kinds("旧证 110105491231002 有效"), [FindingKind::OldIdCard]);
        assert_eq!(kinds("电话13912345678"), [FindingKind::Mobile]);
        assert_eq!(kinds("电话 139-1234-5678。"), [FindingKind::Mobile]);
        // The written forms the shared detector knows are screened too.
        assert_eq!(kinds("电话 +86 139 1234 5678"), [FindingKind::Mobile]);
        assert_eq!(
            kinds("电话００８６-１３９.１２３４.５６７８"),
            [FindingKind::Mobile]
        );
        assert_eq!(
            kinds("身份证１１０１０５１９４９１２３１００２Ｘ"),
            [FindingKind::IdCard]
        );
        assert!(
            kinds("电话 12912345678").is_empty(),
            "12x is not a mobile prefix"
        );
        assert_eq!(
            kinds("卡号 6222 0212 3456 7890 127"),
            Vec::<FindingKind>::new(),
            "fails Luhn"
        );
        assert_eq!(kinds("卡号 4111 1111 1111 1111"), [FindingKind::BankCard]);
        assert_eq!(kinds("卡号6217002870000000008"), [FindingKind::BankCard]);
    }

    #[test]
    fn markings_not_mentions() {
        assert_eq!(
            kinds("机密★1年\n关于……的通知"),
            [FindingKind::SecretMarking]
        );
        assert_eq!(kinds("密级：秘密"), [FindingKind::SecretMarking]);
        assert_eq!(kinds("绝密\n正文"), [FindingKind::SecretMarking]);
        assert!(kinds("不得泄露国家秘密和商业秘密。").is_empty());
        assert_eq!(
            kinds("本材料为内部资料，不得外传"),
            [FindingKind::SecretMarking, FindingKind::SecretMarking]
        );
    }

    #[test]
    fn findings_are_masked_and_located() {
        let f = scan("附件“名单.docx”", "联系人：张三，手机13912345678。", &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].matched, "139****5678");
        assert_eq!(f[0].location, "附件“名单.docx”");
        assert!(f[0].context.contains("【139****5678】"), "{}", f[0].context);
        assert!(!f[0].context.contains("13912345678"));
    }

    #[test]
    fn the_negative_list_is_searched() {
        let neg = [NegativeTerm {
            term: "县扶贫办".into(),
            category: "过时机构名称".into(),
        }];
        let f = scan("标题", "县扶贫办关于……", &neg);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].category.as_deref(), Some("过时机构名称"));
    }

    proptest! {
        #[test]
        fn scanning_never_panics(s in "\\PC{0,200}") {
            let _ = scan("正文", &s, &[NegativeTerm { term: "测试".into(), category: "c".into() }]);
        }

        #[test]
        fn a_valid_id_is_always_found(body in 0u64..10_000_000_000_000_000u64) {
            // Build a valid 18-digit ID from area 110105, birth 19900101 and a 3-digit sequence.
            let seq = body % 1000;
            let base = format!("11010519900101{seq:03}");
            let sum: u32 = base.chars().zip(ID_WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
            let id = format!("{base}{}", ID_CHECK[(sum % 11) as usize]);
            let text = format!("号码：{id}。");
            prop_assert!(scan("正文", &text, &[]).iter().any(|f| f.kind == FindingKind::IdCard));
        }
    }
}
