//! Text normalisation shared by indexing, querying, highlighting and the recall test.
//!
//! Every character is mapped on its own (never merged with its neighbours), so a position in the
//! normalised text always corresponds to one character of the original: that is what lets the
//! highlighter mark the original text and lets the bigram tokenizer keep real positions.

/// Separates the parts of a document (title, body, attachments, 文号) inside one indexed value:
/// no bigram spans it, so no phrase can match across two parts.
pub(crate) const PART_SEPARATOR: char = '\u{1E}';

/// Normalises one character, or drops it (`None`) when it carries no text (zero-width and
/// control characters).
///
/// - full-width ASCII (`ＡＢＣ１２３（）`) becomes half-width (`abc123()`), the ideographic
///   space and every other whitespace become `' '`;
/// - the bracket family used in 文号 (`〔〕［］【】〖〗﹝﹞`) becomes `[` `]`, so 国办发〔2019〕54号,
///   `国办发[2019]54号` and 国办发【2019】54号 are the same text;
/// - double quotes (`“”„「」〝〞`) become `"` and single quotes (`‘’『』`) become `'` (the
///   simplified and the traditional conventions), dash variants become `-`, middle dots `·`;
/// - letters are lower-cased.
#[must_use]
pub fn normalize_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return match c {
            ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C' => Some(' '),
            c if c.is_ascii_control() => None,
            c => Some(c.to_ascii_lowercase()),
        };
    }
    let c = match c {
        // Full-width forms of ASCII, then the half-width CJK punctuation block.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF61}' => '。',
        '\u{FF62}' | '\u{FF63}' => '"',
        '\u{FF64}' => '、',
        '\u{FF65}' => '·',
        _ => c,
    };
    let c = match c {
        '〔' | '【' | '〖' | '﹝' | '〘' | '⟦' => '[',
        '〕' | '】' | '〗' | '﹞' | '〙' | '⟧' => ']',
        '“' | '”' | '„' | '‟' | '「' | '」' | '〝' | '〞' | '〟' | '«' | '»' | '﹁' | '﹂' => {
            '"'
        }
        '‘' | '’' | '‚' | '‛' | '『' | '』' | '﹃' | '﹄' => '\'',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹘' | '﹣' => '-',
        '・' | '‧' | '•' | '∙' => '·',
        '〜' => '~',
        '﹐' => ',',
        '﹑' => '、',
        '﹒' => '.',
        '﹔' => ';',
        '﹕' => ':',
        '﹖' => '?',
        '﹗' => '!',
        '﹙' => '(',
        '﹚' => ')',
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return None,
        c if c.is_whitespace() => ' ',
        c if c.is_control() => return None,
        c => c,
    };
    if c.is_uppercase() {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            return Some(l);
        }
    }
    Some(c)
}

/// Normalises a whole text with [`normalize_char`] and collapses every run of whitespace into one
/// space (leading and trailing whitespace is kept as one space too).
///
/// This is the exact text the index sees: a document matches a query term if and only if
/// `normalize(document).contains(&normalize(term))` for its title, body, attachment text or 文号.
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    out.extend(normalized_chars(text).map(|(_, c)| c));
    out
}

/// The characters of [`normalize`]'s result, each with the byte offset of the original character
/// it stands for: [`normalize_char`] applied to every character, runs of whitespace folded into
/// one space.
fn normalized_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut last_space = false;
    text.char_indices().filter_map(move |(i, raw)| {
        let c = normalize_char(raw)?;
        let repeated_space = c == ' ' && last_space;
        last_space = c == ' ';
        (!repeated_space).then_some((i, c))
    })
}

/// The key under which a 文号 or 索引号 is looked up exactly: normalised, with whitespace removed
/// and round brackets treated like square ones (国办发(2019)54号 is a frequent way of typing
/// 国办发〔2019〕54号).
#[must_use]
pub fn lookup_key(text: &str) -> String {
    text.chars()
        .filter_map(normalize_char)
        .filter_map(|c| match c {
            ' ' => None,
            '(' => Some('['),
            ')' => Some(']'),
            c => Some(c),
        })
        .collect()
}

/// A text normalised for highlighting: the normalised string plus, for every normalised
/// character, the byte range of the original character(s) it stands for.
pub(crate) struct Mapped {
    /// The normalised text (as [`normalize`] produces it).
    pub text: String,
    /// For each byte offset into `text` where a character starts: the start of the original span.
    starts: Vec<(usize, usize)>,
    /// Length of the original text.
    original_len: usize,
}

impl Mapped {
    /// Normalises `original`, remembering where each normalised character came from.
    pub fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len() / 2);
        for (i, c) in normalized_chars(original) {
            starts.push((text.len(), i));
            text.push(c);
        }
        Self {
            text,
            starts,
            original_len: original.len(),
        }
    }

    /// Maps a byte range of the normalised text (on character boundaries) to the byte range of
    /// the original text that it covers.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.original_start(start);
        let to = self.original_start(end);
        (from, to.max(from))
    }

    fn original_start(&self, norm: usize) -> usize {
        match self.starts.binary_search_by_key(&norm, |&(n, _)| n) {
            Ok(i) => self.starts[i].1,
            Err(i) if i >= self.starts.len() => self.original_len,
            Err(i) => self.starts[i].1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_becomes_half_width_and_lower_case() {
        for (text, normal) in [
            ("ＡＢＣ１２３（）", "abc123()"),
            ("ABC Def", "abc def"),
            ("ＧＢ／Ｔ　３７６６８", "gb/t 37668"),
        ] {
            assert_eq!(normalize(text), normal, "{text}");
        }
    }

    #[test]
    fn document_number_brackets_are_one_family() {
        let canonical = normalize("国办发〔2019〕54号");
        for variant in [
            "国办发[2019]54号",
            "国办发【2019】54号",
            "国办发［２０１９］５４号",
        ] {
            assert_eq!(normalize(variant), canonical, "{variant}");
        }
        assert_eq!(
            lookup_key("国办发(2019) 54号"),
            lookup_key("国办发〔2019〕54号")
        );
    }

    #[test]
    fn quotes_dashes_and_whitespace() {
        assert_eq!(normalize("“食品”「安全」"), "\"食品\"\"安全\"");
        assert_eq!(normalize("‘a’『b』"), "'a''b'");
        assert_eq!(normalize("a — b"), "a - b");
        assert_eq!(
            normalize("第一条\u{3000}\u{3000}为了\n\n规范"),
            "第一条 为了 规范"
        );
        assert_eq!(normalize("食品\u{200B}安全"), "食品安全");
    }

    #[test]
    fn mapping_points_back_to_the_original() {
        let original = "Ａ  食品\u{200B}安全";
        let m = Mapped::new(original);
        assert_eq!(m.text, "a 食品安全");
        let start = m
            .text
            .find("食品安全")
            .unwrap_or_else(|| panic!("not found"));
        let (from, to) = m.original_range(start, start + "食品安全".len());
        assert_eq!(&original[from..to], "食品\u{200B}安全");
    }
}
