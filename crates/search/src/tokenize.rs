//! The tokenizers the index registers.
//!
//! - [`GramTokenizer`] with n = 2: overlapping character bigrams of the normalised text, each at
//!   the position of its first character. A string of n ≥ 3 characters occurs in the text exactly
//!   when its bigrams occur at the matching positions, which is what a phrase query checks.
//! - [`GramTokenizer`] with n = 1: single characters (no positions needed), for one-character
//!   queries.
//! - [`JiebaTokenizer`]: jieba words (search mode) of the normalised text, for BM25 ranking only.

use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::normalize::{PART_SEPARATOR, normalize, normalize_char};

/// Name under which the bigram tokenizer is registered.
pub(crate) const BIGRAM: &str = "gk_bigram";
/// Name under which the unigram tokenizer is registered.
pub(crate) const UNIGRAM: &str = "gk_unigram";
/// Name under which the jieba tokenizer is registered.
pub(crate) const JIEBA: &str = "gk_jieba";

/// Positions left free before the first token of a value, and taken by a [`PART_SEPARATOR`].
///
/// A phrase query uses bigrams up to two positions apart (trigrams, were they used, three). tantivy places the
/// next value of a field one position after the last token of the previous value; starting each
/// value (and each part) [`GAP`] positions later keeps any two grams from different parts more
/// than three positions apart, so no phrase can bridge them.
pub(crate) const GAP: usize = 4;

/// Character n-gram tokenizer (n = 1, 2 or 3) over the normalised text.
///
/// Positions count normalised characters, a whitespace run counting as one character, so the
/// n-gram at position p is made of characters p … p+n−1. Grams containing the (collapsed) space
/// are emitted too, which keeps quoted phrases with spaces exact; spaces are not emitted as
/// unigrams, and a unigram is emitted once per value. No gram spans a [`PART_SEPARATOR`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct GramTokenizer {
    n: usize,
}

impl GramTokenizer {
    pub(crate) const fn new(n: usize) -> Self {
        Self { n }
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        GramStream {
            chars: text.char_indices(),
            n: self.n.clamp(1, 3),
            window: [(' ', 0); 3],
            len: 0,
            next_position: GAP,
            token: Token::default(),
            seen: (self.n == 1).then(Seen::default),
        }
    }
}

/// The characters a unigram stream has already emitted: the unigram field records documents
/// only (no positions), so each character is indexed once per value, which spares the indexer
/// most of its work on that field.
#[derive(Default)]
pub(crate) struct Seen {
    /// One bit per Basic Multilingual Plane character, allocated on first use.
    bmp: Vec<u64>,
    other: Vec<char>,
}

impl Seen {
    /// Records `c`; true if it was new.
    fn insert(&mut self, c: char) -> bool {
        let code = c as usize;
        if code < 0x1_0000 {
            if self.bmp.is_empty() {
                self.bmp = vec![0; 0x1_0000 / 64];
            }
            let (word, bit) = (code / 64, 1u64 << (code % 64));
            let new = self.bmp[word] & bit == 0;
            self.bmp[word] |= bit;
            new
        } else if self.other.contains(&c) {
            false
        } else {
            self.other.push(c);
            true
        }
    }
}

/// Token stream of [`GramTokenizer`].
pub(crate) struct GramStream<'a> {
    chars: std::str::CharIndices<'a>,
    n: usize,
    /// The last (up to n) normalised characters with their byte offsets, oldest first.
    window: [(char, usize); 3],
    len: usize,
    next_position: usize,
    token: Token,
    /// For unigrams: characters already emitted.
    seen: Option<Seen>,
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        for (offset, raw) in self.chars.by_ref() {
            if raw == PART_SEPARATOR {
                self.len = 0;
                self.next_position += GAP;
                continue;
            }
            let Some(c) = normalize_char(raw) else {
                continue;
            };
            if c == ' ' && self.len > 0 && self.window[self.len - 1].0 == ' ' {
                continue;
            }
            let position = self.next_position;
            self.next_position += 1;
            if self.len == self.n {
                self.window.copy_within(1..self.n, 0);
                self.len -= 1;
            }
            self.window[self.len] = (c, offset);
            self.len += 1;
            if self.len < self.n || (self.n == 1 && c == ' ') {
                continue;
            }
            if let Some(seen) = &mut self.seen
                && !seen.insert(c)
            {
                continue;
            }
            self.token.text.clear();
            for &(ch, _) in &self.window[..self.n] {
                self.token.text.push(ch);
            }
            self.token.position = position + 1 - self.n;
            self.token.offset_from = self.window[0].1;
            self.token.offset_to = offset + raw.len_utf8();
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The process-wide jieba instance (its dictionary takes a moment and some memory to load).
pub(crate) fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA_INSTANCE: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA_INSTANCE.get_or_init(jieba_rs::Jieba::new)
}

/// Splits normalised text into jieba words, dropping whitespace and punctuation, as byte ranges
/// into `normalised`. Search mode (`for_index`) also yields the shorter words inside long ones,
/// so that a document is found by either; a query is cut in the default mode, into the fewest
/// and most specific words.
pub(crate) fn jieba_spans(normalised: &str, for_index: bool) -> Vec<(usize, usize)> {
    let tokens = if for_index {
        jieba().cut_for_search(normalised, true)
    } else {
        jieba().cut(normalised, true)
    };
    tokens
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric))
        .map(|t| (t.byte_start, t.byte_end))
        .collect()
}

/// jieba word tokenizer over the normalised text, for ranking (BM25). Not used for matching.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct JiebaTokenizer;

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaStream {
        let text = normalize(text);
        let spans = jieba_spans(&text, true);
        JiebaStream {
            text,
            spans,
            next: 0,
            token: Token::default(),
        }
    }
}

/// Token stream of [`JiebaTokenizer`]: the words were cut eagerly from a normalised copy.
pub(crate) struct JiebaStream {
    text: String,
    spans: Vec<(usize, usize)>,
    next: usize,
    token: Token,
}

impl TokenStream for JiebaStream {
    fn advance(&mut self) -> bool {
        let Some(&(from, to)) = self.spans.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token
            .text
            .push_str(self.text.get(from..to).unwrap_or_default());
        self.token.position = self.next;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(mut tokenizer: impl Tokenizer, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn grams_carry_character_positions() {
        let got = tokens(GramTokenizer::new(2), "食品安全Ａ");
        let want = [("食品", 0), ("品安", 1), ("安全", 2), ("全a", 3)];
        let want: Vec<(String, usize)> =
            want.iter().map(|&(t, p)| (t.to_owned(), p + GAP)).collect();
        assert_eq!(got, want);
        let got = tokens(GramTokenizer::new(3), "食品安全");
        let want = [("食品安", 0), ("品安全", 1)];
        let want: Vec<(String, usize)> =
            want.iter().map(|&(t, p)| (t.to_owned(), p + GAP)).collect();
        assert_eq!(got, want);
        assert!(tokens(GramTokenizer::new(3), "食品").is_empty());
    }

    #[test]
    fn whitespace_runs_count_once_and_parts_do_not_join() {
        let text = format!("食品  安{PART_SEPARATOR}全法");
        let got = tokens(GramTokenizer::new(2), &text);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["食品", "品 ", " 安", "全法"]);
        assert_eq!(got[2].1, GAP + 2);
        assert!(got[3].1 > got[2].1 + 3, "a gap after the separator");
        let got = tokens(GramTokenizer::new(3), &text);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["食品 ", "品 安"]);
    }

    #[test]
    fn unigrams_skip_spaces_and_repeats() {
        let got = tokens(GramTokenizer::new(1), "a 食A食😀😀");
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["a", "食", "😀"]);
        assert_eq!(got[1].1, GAP + 2);
    }

    #[test]
    fn jieba_words_drop_punctuation() {
        let got = tokens(JiebaTokenizer, "中华人民共和国食品安全法，。");
        let words: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert!(words.contains(&"食品"), "{words:?}");
        assert!(!words.iter().any(|w| w.contains('，') || w.contains(',')));
    }
}
