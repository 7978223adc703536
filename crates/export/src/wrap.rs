//! Line breaking for Chinese text with the common 禁则 (kinsoku) rules.
//!
//! Chinese text may break between any two characters, except that a line must not begin with
//! closing punctuation (，。、；：？！）》」』】 …) and must not end with opening punctuation
//! (（《「『【 …). Runs of Latin letters and digits (years, 文号 numbers, URLs, e-mail addresses)
//! are kept whole where they fit, so "2026" or "12345678" never splits across lines.

/// Whether `c` must not begin a line (行首禁则): closing brackets and quotes, sentence and
/// clause punctuation, and marks that belong to the character before them.
///
/// Why: a line that begins with "，" or "》" is a typesetting error in Chinese; the line breaker
/// keeps such a mark on the line of the character it follows.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '〙'
            | '］'
            | '｝'
            | '”'
            | '’'
            | '．'
            | '％'
            | '·'
            | '・'
            | '々'
            | '〃'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Whether `c` must not end a line (行尾禁则): opening brackets and quotes.
///
/// Why: "《" at the end of a line separates a title mark from the title it opens; the line
/// breaker moves it to the next line together with the character after it.
pub fn is_opening(c: char) -> bool {
    matches!(
        c,
        '（' | '《'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '〖'
            | '〘'
            | '［'
            | '｛'
            | '“'
            | '‘'
            | '('
            | '['
            | '{'
    )
}

/// Whether `c` joins its neighbours into one unbreakable word: Latin letters, digits and the
/// symbols that occur inside numbers, URLs and e-mail addresses.
fn is_word_char(c: char) -> bool {
    if c.is_whitespace() {
        return false;
    }
    // Dashes and the ellipsis separate words ("10:00—13:30" may break after the dash); a
    // pair of them ("——", "……") is kept whole by `may_break`.
    if matches!(c, '—' | '…' | '─' | '–') {
        return false;
    }
    // Everything below the CJK radicals block that is not a bracket: Latin, Greek, Cyrillic,
    // digits and ASCII symbols.
    ((c as u32) < 0x2E80 && !is_opening(c) && !is_closing(c)) || matches!(c, '.' | ',' | ':' | '%')
}

/// One unbreakable piece of text: a word, a single CJK character, or a whitespace character.
struct Atom<'a> {
    text: &'a str,
    space: bool,
}

fn atoms(text: &str) -> Vec<Atom<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        if is_word_char(c) {
            // A word: extend while word characters follow. Inner '.', ',' and ':' (as in
            // "1,000.5" or "http://") stay in the word only between word characters.
            while let Some(&(i, n)) = chars.peek() {
                if !is_word_char(n) {
                    break;
                }
                end = i + n.len_utf8();
                chars.next();
            }
            // Trailing sentence punctuation of a word ("2026." or "abc,") is its own atom so the
            // word can still be followed by a break after it.
            let word = &text[start..end];
            let trimmed = word.trim_end_matches(['.', ',', ':', '%']);
            if !trimmed.is_empty() && trimmed.len() < word.len() {
                out.push(Atom {
                    text: trimmed,
                    space: false,
                });
                for (i, p) in word[trimmed.len()..].char_indices() {
                    let at = start + trimmed.len() + i;
                    out.push(Atom {
                        text: &text[at..at + p.len_utf8()],
                        space: false,
                    });
                }
                continue;
            }
        }
        out.push(Atom {
            text: &text[start..end],
            space: c.is_whitespace(),
        });
    }
    out
}

/// Whether a line may break between the atoms `a` and `b`.
fn may_break(a: &Atom<'_>, b: &Atom<'_>) -> bool {
    if a.space || b.space {
        return true;
    }
    let (Some(last), Some(first)) = (a.text.chars().next_back(), b.text.chars().next()) else {
        return true;
    };
    if is_closing(first) || is_opening(last) {
        return false;
    }
    // Keep "——" and "……" whole even when they were split into separate atoms.
    !(last == first && matches!(first, '—' | '…' | '─'))
}

/// Wraps `text` into lines that fit the widths given by `max_width(line_index)`, measuring each
/// character with `advance(char)`; returns the lines without trailing whitespace.
///
/// Why: PDF has no text layout of its own, so letters are broken into lines here, following the
/// Chinese rules: a break may fall between any two Chinese characters, but never before closing
/// punctuation nor after opening punctuation (the character before the mark moves to the next
/// line with it, 推出), and never inside a run of Latin letters or digits. `max_width` takes
/// the line index so a paragraph's first line can be narrower (its two-character indent).
///
/// A piece that cannot be broken by these rules and is wider than a whole line (a very long
/// URL, or a long row of punctuation) is broken between characters as a last resort. Every
/// line holds at least one character, so the result is finite for any widths, and joining the
/// lines gives back the text apart from whitespace dropped at the breaks.
pub fn wrap_cjk(
    text: &str,
    max_width: impl Fn(usize) -> f32,
    advance: impl Fn(char) -> f32,
) -> Vec<String> {
    // A NaN width would make every comparison false; treat it as no room at all.
    let max_width = |i: usize| {
        let w = max_width(i);
        if w.is_nan() { 0.0 } else { w }
    };
    let atoms = atoms(text);
    // Glue atoms into segments between which a break is allowed.
    let mut segments: Vec<(usize, usize)> = Vec::new(); // [start, end) atom indices
    let mut start = 0;
    for i in 1..=atoms.len() {
        let brk = match (atoms.get(i - 1), atoms.get(i)) {
            (Some(a), Some(b)) => may_break(a, b),
            _ => true,
        };
        if brk {
            if start < i {
                segments.push((start, i));
            }
            start = i;
        }
    }

    let width_of = |s: &str| s.chars().map(&advance).sum::<f32>();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0.0f32;
    // Tolerance for rounding in the sums of advances.
    const EPS: f32 = 0.01;

    for (s, e) in segments {
        let seg_atoms = &atoms[s..e];
        if seg_atoms.iter().all(|a| a.space) {
            // Whitespace: never starts a continuation line, never forces a break.
            if !line.is_empty() || lines.is_empty() {
                for a in seg_atoms {
                    line.push_str(a.text);
                    used += width_of(a.text);
                }
            }
            continue;
        }
        let seg: String = seg_atoms.iter().map(|a| a.text).collect();
        let w = width_of(&seg);
        let avail = max_width(lines.len());
        if used + w <= avail + EPS {
            line.push_str(&seg);
            used += w;
            continue;
        }
        let has_content = line.chars().any(|c| !c.is_whitespace());
        if has_content {
            push_line(&mut lines, &mut line);
            used = 0.0;
            if w <= max_width(lines.len()) + EPS {
                line.push_str(&seg);
                used = w;
                continue;
            }
        }
        // The segment is wider than a whole line: break it between characters.
        for c in seg.chars() {
            let cw = advance(c);
            let has_content = line.chars().any(|c| !c.is_whitespace());
            if has_content && used + cw > max_width(lines.len()) + EPS {
                push_line(&mut lines, &mut line);
                used = 0.0;
            }
            line.push(c);
            used += cw;
        }
    }
    if line.chars().any(|c| !c.is_whitespace()) || lines.is_empty() {
        push_line(&mut lines, &mut line);
    }
    lines
}

fn push_line(lines: &mut Vec<String>, line: &mut String) {
    let trimmed_len = line.trim_end().len();
    line.truncate(trimmed_len);
    lines.push(std::mem::take(line));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full-width characters are 1.0 wide, ASCII 0.5, as in a CJK font.
    fn adv(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    fn wrap(text: &str, width: f32) -> Vec<String> {
        wrap_cjk(text, |_| width, adv)
    }

    #[test]
    fn breaks_between_any_two_chinese_characters() {
        assert_eq!(
            wrap("一二三四五六七八九十", 4.0),
            ["一二三四", "五六七八", "九十"]
        );
        assert_eq!(wrap("一二三四", 4.0), ["一二三四"]);
    }

    /// Asserts that every line of `text` wrapped at 4.0 is non-empty and passes `ok`.
    fn assert_every_line(text: &str, ok: impl Fn(&str) -> bool) {
        for line in wrap(text, 4.0) {
            assert!(!line.is_empty() && ok(&line), "{text:?} → line {line:?}");
        }
    }

    #[test]
    fn closing_punctuation_never_begins_a_line() {
        // "。" would start line 2: "四" moves down with it (推出).
        assert_eq!(wrap("一二三四。五六", 4.0), ["一二三", "四。五六"]);
        // Several closing marks in a row stay together with the character before them.
        assert_eq!(wrap("一二三四。”五", 4.0), ["一二三", "四。”五"]);
        for mark in "，。、；：？！）》」』】".chars() {
            let text = format!("一二三四{mark}五六七八");
            assert_every_line(&text, |line| !line.starts_with(is_closing));
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        for mark in "（《「『【".chars() {
            let text = format!("一二三{mark}四五六");
            assert_every_line(&text, |line| !line.ends_with(is_opening));
        }
        assert_eq!(wrap("一二三《四五》", 4.0), ["一二三", "《四五》"]);
    }

    #[test]
    fn digits_and_latin_words_stay_whole() {
        // "2026" is 2.0 wide; it does not fit after "一二三" in 4.0, so it moves down whole.
        assert_eq!(wrap("一二三2026年", 4.0), ["一二三", "2026年"]);
        assert_eq!(
            wrap("乌政办依复〔2026〕12号", 6.0),
            ["乌政办依复", "〔2026〕12号"]
        );
        // A word longer than a line is broken as a last resort.
        assert_eq!(wrap("abcdefghij", 2.0), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn sentence_punctuation_after_a_word_is_not_part_of_it() {
        // "2026." — the full stop may not begin a line but "2026" need not drag "年" along.
        assert_eq!(wrap("ab, cd", 1.5), ["ab,", "cd"]);
    }

    #[test]
    fn dashes_and_ellipses_break_but_never_inside_a_pair() {
        assert_eq!(wrap("10:00—13:30", 3.5), ["10:00—", "13:30"]);
        // GB/T 15834: a dash or ellipsis may begin a line but is never split.
        assert_eq!(wrap("一二三——四", 4.0), ["一二三", "——四"]);
        assert_eq!(wrap("一二三……", 4.0), ["一二三", "……"]);
    }

    #[test]
    fn first_line_may_be_narrower() {
        let lines = wrap_cjk("一二三四五六七八", |i| if i == 0 { 2.0 } else { 4.0 }, adv);
        assert_eq!(lines, ["一二", "三四五六", "七八"]);
    }

    #[test]
    fn spaces_are_dropped_at_breaks_only() {
        assert_eq!(wrap("ab cd ef", 2.5), ["ab cd", "ef"]);
        assert_eq!(wrap("a  b", 10.0), ["a  b"]);
    }

    #[test]
    fn degenerate_inputs_do_not_loop_or_panic() {
        assert_eq!(wrap("", 4.0), [""]);
        assert_eq!(wrap("   ", 4.0), [""]);
        // Width smaller than one character: one character per line.
        assert_eq!(wrap("一二", 0.0), ["一", "二"]);
        assert_eq!(wrap("一二", f32::NAN), ["一", "二"]);
        // A row of closing marks longer than a line is broken as a last resort.
        assert_eq!(wrap("。。。。。。", 4.0).len(), 2);
    }

    proptest::proptest! {
        /// For any mix of Chinese characters, punctuation, digits and Latin letters: joining
        /// the lines gives the text back, every line fits, no line begins with a closing mark
        /// or ends with an opening one.
        #[test]
        fn wrapped_lines_respect_the_rules(
            text in "[一二三四五六七八九十政府信息公开申请答复，。、；：？！）》」』】（《「『【0-9a-z]{0,120}",
            width in 6u8..30,
        ) {
            let width = f32::from(width);
            let lines = wrap(&text, width);
            proptest::prop_assert_eq!(lines.concat(), text.clone());
            // Where the rules can hold (no glued run of marks and words wider than a line),
            // they hold.
            let has_long_word = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w.len() as f32 * 0.5 > width - 5.0);
            let long_mark_run = text
                .chars()
                .collect::<Vec<_>>()
                .windows(3)
                .any(|w| w.iter().all(|&c| is_closing(c) || is_opening(c)));
            for (i, line) in lines.iter().enumerate() {
                let w: f32 = line.chars().map(adv).sum();
                proptest::prop_assert!(w <= width + 0.01, "line {line:?} too wide");
                if has_long_word || long_mark_run {
                    continue;
                }
                if i > 0 {
                    let first = line.chars().next().unwrap_or(' ');
                    proptest::prop_assert!(!is_closing(first), "line {line:?} begins with a closing mark");
                }
                if i + 1 < lines.len() {
                    let last = line.chars().last().unwrap_or(' ');
                    proptest::prop_assert!(!is_opening(last), "line {line:?} ends with an opening mark");
                }
            }
        }
    }
}
