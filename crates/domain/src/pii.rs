//! The one detector of personal numbers and e-mail addresses, shared by screening (what a
//! reviewer is shown), masking on public pages and the search index (which only ever receives
//! masked text, so partial digit runs of a phone number are not searchable).
//!
//! Text is read through a per-character normalisation (full-width digits, letters, brackets and
//! the ideographic space count as their ASCII forms), so offsets stay those of the original.
//! Digits are grouped by short separators (space, `-`, `.`, `/`, brackets); a number is a
//! window of consecutive groups whose digits and group shape fit one of the kinds below, so a
//! date written before a phone number does not hide it. International prefixes (`+86`,
//! `0086`, `86-`) are recognised in front of mobile and landline numbers. Dates, amounts,
//! 文号 such as 〔2024〕12号, postal codes and short counts do not fit any kind.

/// What a detected span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiKind {
    /// 18 characters (17 digits and a check digit or X) shaped like a resident ID number.
    IdCard,
    /// 15 digits shaped like a first-generation ID number.
    OldIdCard,
    /// A mainland mobile number (11 digits from 13–19), possibly with a +86 prefix.
    Mobile,
    /// A landline with its area code, possibly with a +86 prefix.
    Landline,
    /// 16–19 digits shaped like a bank card number.
    BankCard,
    /// Five or more digits right after a word like 电话 or 微信.
    ContactNumber,
    /// An e-mail address (unicode local parts and domains included).
    Email,
}

/// One detected span, in characters of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pii {
    /// What it is.
    pub kind: PiiKind,
    /// Char offset of the first character.
    pub start: usize,
    /// Length in chars.
    pub len: usize,
    /// The digits as ASCII (international prefix removed; `X` for an ID check digit); empty
    /// for e-mail addresses.
    pub digits: String,
    /// Whether separators split the digits.
    pub grouped: bool,
}

/// Words that announce a contact number: after them even a short local number is personal.
const CONTACT_WORDS: [&str; 8] = [
    "电话",
    "手机",
    "座机",
    "联系方式",
    "号码",
    "微信",
    "QQ",
    "qq",
];

/// Words that announce a resident ID number: an 18-character ID-shaped number near them is an
/// ID number even when its checksum fails (a typo in an ID number is still personal data).
pub const ID_WORDS: [&str; 4] = ["身份证", "证件号", "公民身份号码", "身份号码"];

/// How many characters before a number an [`ID_WORDS`] word may stand.
pub const ID_WORD_WINDOW: usize = 12;

/// Whether an [`ID_WORDS`] word ends within [`ID_WORD_WINDOW`] characters before `start`.
pub fn id_word_before(chars: &[char], start: usize) -> bool {
    let start = start.min(chars.len());
    let before: String = chars[start.saturating_sub(ID_WORD_WINDOW)..start]
        .iter()
        .collect();
    ID_WORDS.iter().any(|w| before.contains(w))
}

/// The most groups one number may span (bounds the window search).
const MAX_GROUPS: usize = 6;

/// The ASCII form of a full-width character (digits, letters, punctuation, the ideographic
/// space), other characters unchanged; one char for one char, so offsets are kept.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' | '\u{a0}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{3002}' => '.',
        _ => c,
    }
}

fn is_sep(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '/' | '(' | ')' | '_')
}

/// A maximal run of digits.
struct Group {
    start: usize,
    end: usize,
    /// Whether a `*` touches its start (the tail of an earlier mask) or its end.
    masked_before: bool,
    masked_after: bool,
    /// Whether the gap to the next group is a separator of at most two characters.
    joins_next: bool,
}

fn groups(chars: &[char]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let mut j = i;
        while j < chars.len() && j - i < 3 && is_sep(chars[j]) {
            j += 1;
        }
        let gap = j - i;
        out.push(Group {
            start,
            end: i,
            masked_before: start > 0 && chars[start - 1] == '*',
            masked_after: chars.get(i) == Some(&'*'),
            joins_next: (1..=2).contains(&gap) && chars.get(j).is_some_and(char::is_ascii_digit),
        });
    }
    out
}

/// What stands before a number.
#[derive(Clone, Copy)]
struct Before {
    /// A contact word ([`CONTACT_WORDS`]).
    contact: bool,
    /// A `+` announcing an international prefix.
    plus: bool,
    /// An ID word ([`ID_WORDS`]).
    id_word: bool,
}

/// Classifies digits split in groups of the given sizes, given what stands before them.
fn classify(digits: &str, sizes: &[usize], at: Before) -> Option<(PiiKind, String)> {
    let Before { contact, plus, id_word } = at;
    let grouped = sizes.len() > 1;
    let first = digits.as_bytes().first().copied().unwrap_or(b'0');
    let len = digits.len();
    // International prefix: 0086 or 86 as a group (or the start of an unsplit number).
    for prefix in ["0086", "86"] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            let split_after_prefix = sizes.first() == Some(&prefix.len());
            if (split_after_prefix || !grouped || plus)
                && national(rest, &sizes[1.min(sizes.len())..])
            {
                if rest.starts_with('1') {
                    return Some((PiiKind::Mobile, rest.to_owned()));
                }
                if split_after_prefix || plus || prefix == "0086" {
                    return Some((PiiKind::Landline, rest.to_owned()));
                }
            }
        }
    }
    let small_groups = sizes.iter().filter(|s| **s < 3).count();
    if len == 11
        && first == b'1'
        && matches!(digits.as_bytes()[1], b'3'..=b'9')
        && sizes.len() <= 4
        && small_groups == 0
    {
        return Some((PiiKind::Mobile, digits.to_owned()));
    }
    if (10..=12).contains(&len) && first == b'0' && sizes.len() <= 4 && small_groups == 0 {
        return Some((PiiKind::Landline, digits.to_owned()));
    }
    let id_shape = !grouped || matches!(sizes, [6, 8, 4] | [6, 4, 4, 4] | [6, 8, 3]);
    if len == 18 && (id_word || ((b'1'..=b'8').contains(&first) && id_shape)) {
        return Some((PiiKind::IdCard, digits.to_owned()));
    }
    if len == 15 && (b'1'..=b'8').contains(&first) && (!grouped || sizes == [6, 6, 3]) {
        return Some((PiiKind::OldIdCard, digits.to_owned()));
    }
    let card_shape = !grouped
        || (sizes[..sizes.len() - 1].iter().all(|s| *s == 4) && sizes[sizes.len() - 1] >= 3)
        || matches!(sizes, [6, _] | [4, 6, _]);
    if (16..=19).contains(&len) && (b'3'..=b'6').contains(&first) && card_shape {
        return Some((PiiKind::BankCard, digits.to_owned()));
    }
    if contact && len >= 5 && sizes.len() <= 4 {
        return Some((PiiKind::ContactNumber, digits.to_owned()));
    }
    None
}

/// Whether digits after a +86 prefix are a mobile number or a landline without its leading 0.
fn national(rest: &str, sizes: &[usize]) -> bool {
    let b = rest.as_bytes();
    let mobile = rest.len() == 11 && b[0] == b'1' && matches!(b[1], b'3'..=b'9');
    let landline = (9..=11).contains(&rest.len()) && (b'2'..=b'9').contains(&b[0]);
    (mobile || landline) && sizes.len() <= 4
}

/// Every personal number and e-mail address in `text`, in order, not overlapping.
pub fn detect(text: &str) -> Vec<Pii> {
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut out = numbers(&chars);
    out.extend(emails(&chars));
    out.sort_by_key(|p| p.start);
    let mut kept: Vec<Pii> = Vec::with_capacity(out.len());
    for p in out {
        if kept.last().is_none_or(|k| k.start + k.len <= p.start) {
            kept.push(p);
        }
    }
    kept
}

fn numbers(chars: &[char]) -> Vec<Pii> {
    let gs = groups(chars);
    let mut out = Vec::new();
    let mut i = 0;
    while i < gs.len() {
        let before: String = chars[gs[i].start.saturating_sub(8)..gs[i].start]
            .iter()
            .collect();
        let at = Before {
            contact: CONTACT_WORDS.iter().any(|w| before.contains(w)),
            plus: gs[i].start > 0 && chars[gs[i].start - 1] == '+',
            id_word: id_word_before(chars, gs[i].start),
        };
        // Right after the tail of an earlier mask, a group does not start a number.
        let starts_ok = !gs[i].masked_before;
        let mut best = None;
        if starts_ok {
            let mut digits = String::new();
            let mut sizes = Vec::new();
            let mut j = i;
            while j < gs.len() && j < i + MAX_GROUPS {
                let g = &gs[j];
                digits.extend(&chars[g.start..g.end]);
                sizes.push(g.end - g.start);
                let mut end = g.end;
                let mut d = digits.clone();
                // The check digit X of an ID number.
                if d.len() == 18 - 1 && matches!(chars.get(end), Some('X' | 'x')) {
                    end += 1;
                    d.push('X');
                }
                let ends_ok =
                    !g.masked_after && !chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric());
                if ends_ok {
                    let mut s = sizes.clone();
                    if d.ends_with('X')
                        && let Some(last) = s.last_mut()
                    {
                        *last += 1;
                    }
                    if let Some((kind, shown)) = classify(&d, &s, at) {
                        best = Some((j, end, kind, shown, s.len() > 1));
                    }
                }
                if !g.joins_next {
                    break;
                }
                j += 1;
            }
        }
        if let Some((j, end, kind, digits, grouped)) = best {
            out.push(Pii {
                kind,
                start: gs[i].start,
                len: end - gs[i].start,
                digits,
                grouped,
            });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn emails(chars: &[char]) -> Vec<Pii> {
    let local = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '%');
    let domain = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    let mut out = Vec::new();
    for at in (0..chars.len()).filter(|i| chars[*i] == '@') {
        let mut s = at;
        while s > 0 && local(chars[s - 1]) && at - s < 64 {
            s -= 1;
        }
        let mut e = at + 1;
        while e < chars.len() && domain(chars[e]) && e - at < 255 {
            e += 1;
        }
        while e > at + 1 && chars[e - 1] == '.' {
            e -= 1;
        }
        let host = &chars[at + 1..e];
        let dot = host.iter().position(|c| *c == '.');
        if s < at && dot.is_some_and(|d| d > 0 && d + 1 < host.len()) {
            out.push(Pii {
                kind: PiiKind::Email,
                start: s,
                len: e - s,
                digits: String::new(),
                grouped: false,
            });
        }
    }
    out
}

/// Phone numbers a site publishes as its own (an organisation's public contact phone, the
/// footer phone, the numbers of its 政府信息公开指南): official, so never masked. Kept as
/// digits without leading zeros, so `0908-4520000`, `(0908)4520000` and `+86 908 4520000` are
/// one number. Only phone numbers are ever allowed: an ID or card number stays masked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicNumbers(std::collections::BTreeSet<String>);

/// The digits that identify a phone number for [`PublicNumbers`], or `None` for other kinds.
fn phone_key(p: &Pii) -> Option<String> {
    matches!(
        p.kind,
        PiiKind::Mobile | PiiKind::Landline | PiiKind::ContactNumber
    )
    .then(|| p.digits.trim_start_matches('0').to_owned())
    .filter(|k| k.len() >= 5)
}

impl PublicNumbers {
    /// Every phone number in the given texts (a field holding just a number counts too).
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = std::collections::BTreeSet::new();
        for text in texts {
            let found = detect(text);
            set.extend(found.iter().filter_map(phone_key));
            let bare: String = text.chars().map(half_width).collect();
            let bare = bare.trim();
            if found.is_empty()
                && !bare.is_empty()
                && bare.chars().all(|c| c.is_ascii_digit() || is_sep(c))
            {
                let digits: String = bare.chars().filter(char::is_ascii_digit).collect();
                let key = digits.trim_start_matches('0');
                if key.len() >= 5 {
                    set.insert(key.to_owned());
                }
            }
        }
        Self(set)
    }

    /// Whether a detected span is one of these numbers.
    pub fn allows(&self, p: &Pii) -> bool {
        phone_key(p).is_some_and(|k| self.0.contains(&k))
    }

    /// Whether no number is allowed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Masks every detected span: numbers keep their first three and last two digits (separators
/// stay), e-mail addresses become `***@***`.
pub fn mask(text: &str) -> String {
    mask_except(text, &PublicNumbers::default())
}

/// [`mask`], except the site's own public phone numbers, which stay as written.
pub fn mask_except(text: &str, allowed: &PublicNumbers) -> String {
    let mut out = mask_once(text, allowed);
    // What masking leaves can join into a new detectable shape (the "@" of a masked address
    // beside a stray "+@a.0"): mask again until nothing is left, a bounded number of times.
    for _ in 0..3 {
        if detect(&out).iter().all(|p| allowed.allows(p)) {
            break;
        }
        out = mask_once(&out, allowed);
    }
    out
}

/// One pass of [`mask_except`] over the numbers detected in `text`.
fn mask_once(text: &str, allowed: &PublicNumbers) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for p in detect(text).into_iter().filter(|p| !allowed.allows(p)) {
        out.extend(&chars[at..p.start]);
        let span = &chars[p.start..p.start + p.len];
        if p.kind == PiiKind::Email {
            out.push_str("***@***");
        } else {
            let total = span
                .iter()
                .filter(|c| half_width(**c).is_ascii_alphanumeric())
                .count();
            // Long numbers keep their first three and last two characters (139******78); a
            // short one keeps only its first and last, so something is always hidden.
            let (head, tail) = if total >= 9 { (3, 2) } else { (1, 1) };
            let mut seen = 0;
            for c in span {
                if half_width(*c).is_ascii_alphanumeric() {
                    seen += 1;
                    out.push(if seen <= head || seen + tail > total {
                        *c
                    } else {
                        '*'
                    });
                } else {
                    out.push(*c);
                }
            }
        }
        at = p.start + p.len;
    }
    out.extend(&chars[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const POSITIVE: &str = include_str!("../tests/pii/positive.txt");
    const NEGATIVE: &str = include_str!("../tests/pii/negative.txt");

    fn lines(corpus: &str) -> impl Iterator<Item = &str> {
        corpus
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    }

    #[test]
    fn every_positive_example_is_found_and_masked() {
        for line in lines(POSITIVE) {
            // Each line is "text<TAB>the personal part as written".
            let (text, secret) = line.split_once('\t').unwrap_or((line, line));
            let found = detect(text);
            assert!(!found.is_empty(), "nothing found in {text}");
            let masked = mask(text);
            assert!(!masked.contains(secret), "{secret} left in {masked}");
            assert!(detect(&masked).is_empty(), "{masked} still holds a number");
        }
    }

    #[test]
    fn no_negative_example_is_touched() {
        for line in lines(NEGATIVE) {
            assert_eq!(detect(line), [], "{line}");
            assert_eq!(mask(line), line);
        }
    }

    #[test]
    fn kinds_and_digits() {
        let p = detect("电话 +86 138-1234-5678");
        assert_eq!(p[0].kind, PiiKind::Mobile);
        assert_eq!(p[0].digits, "13812345678");
        assert_eq!(
            detect("（０５７１）８８８８ ８８８８")[0].kind,
            PiiKind::Landline
        );
        assert_eq!(detect("11010519491231002X")[0].kind, PiiKind::IdCard);
        assert_eq!(mask("电话13812345678"), "电话138******78");
    }

    #[test]
    fn an_id_word_makes_any_id_shaped_number_personal() {
        // A wrong checksum, and a first digit no region code has: masked after the word.
        let text = "身份证号：910105194912310021，请核对";
        assert_eq!(detect(text)[0].kind, PiiKind::IdCard);
        assert_eq!(mask(text), "身份证号：910*************21，请核对");
        let text = "合同编号共计若干条款之外的910105194912310021";
        assert_eq!(detect(text), []);
        assert_eq!(mask(text), text);
    }

    #[test]
    fn public_numbers_stay_and_personal_ones_go() {
        let allowed = PublicNumbers::from_texts(["0908-4520000", "电话：（0908）452 0001"]);
        let text = "请拨打县长热线0908-4520000或+86 908 4520001，张三手机13912345678";
        let masked = mask_except(text, &allowed);
        assert!(masked.contains("0908-4520000"), "{masked}");
        assert!(masked.contains("+86 908 4520001"), "{masked}");
        assert!(!masked.contains("13912345678"), "{masked}");
        assert!(mask(text).contains("090*"), "without the list it is masked");
        // Only phone numbers can be allowed: an ID number in the list is still masked.
        let id = "11010519491231002X";
        let allowed = PublicNumbers::from_texts([id]);
        assert!(allowed.is_empty());
        assert_ne!(mask_except(id, &allowed), id);
    }

    /// A case proptest found: masking one address left "***@***+@a.0", itself detectable.
    #[test]
    fn what_masking_leaves_is_masked_again() {
        let masked = mask("a@0.用+@a.0");
        assert!(detect(&masked).is_empty(), "{masked}");
    }

    proptest! {
        /// A masked text never contains a detectable number, whatever it was.
        #[test]
        fn masked_text_holds_nothing_detectable(
            s in "[0-9０-９ \\-./()（）+xX@a-z用户例子.中国电话号]{0,80}"
        ) {
            let masked = mask(&s);
            prop_assert!(detect(&masked).is_empty(), "{} -> {}", s, masked);
        }

        /// A mobile number in any of its written forms never survives masking.
        #[test]
        fn mobiles_in_any_form_are_masked(
            body in 0u32..100_000_000u32,
            second in 3u8..10,
            prefix in prop::sample::select(vec!["", "+86 ", "0086-", "86-", "+86"]),
            sep in prop::sample::select(vec!["", " ", "-", ".", "/", "　"]),
            wide in any::<bool>(),
            before in "[a-z，。 ]{0,4}",
        ) {
            let digits = format!("1{second}{body:09}");
            let written = format!("{prefix}{}{sep}{}{sep}{}", &digits[..3], &digits[3..7], &digits[7..]);
            let written: String = if wide {
                written.chars().map(|c| if c.is_ascii_digit() {
                    char::from_u32(c as u32 + 0xfee0).unwrap_or(c) } else { c }).collect()
            } else { written };
            let masked = mask(&format!("{before}{written}。"));
            let kept: String = masked.chars().map(half_width).filter(char::is_ascii_digit).collect();
            prop_assert!(!kept.contains(&digits[3..9]), "{} -> {}", written, masked);
        }
    }
}
