//! The three tokenizers the index registers.
//!
//! - [`GramTokenizer`] in bigram mode: overlapping character bigrams of the normalised text,
//!   each at the position of its first character. A string of n ≥ 2 characters occurs in the text
//!   exactly when its bigrams occur at consecutive positions, which is what a phrase query checks.
//! - [`GramTokenizer`] in unigram mode: every character, for one-character queries.
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

/// Character n-gram tokenizer (n = 1 or 2) over the normalised text.
///
/// Positions count normalised characters, a whitespace run counting as one character, so the
/// bigram at position p is made of characters p and p+1. Bigrams containing the (collapsed)
/// space are emitted too, which keeps quoted phrases with spaces exact. [`PART_SEPARATOR`] ends
/// a part: no bigram spans it, and it takes a position of its own so that a phrase whose bigrams
/// are two positions apart cannot bridge it either.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GramTokenizer {
    bigrams: bool,
}

impl GramTokenizer {
    pub(crate) const fn bigrams() -> Self {
        Self { bigrams: true }
    }

    pub(crate) const fn unigrams() -> Self {
        Self { bigrams: false }
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        GramStream {
            chars: text.char_indices(),
            bigrams: self.bigrams,
            prev: None,
            // Positions start at 1, not 0: tantivy places the next value of the field one
            // position after the last token of the previous one, and a phrase that skips every
            // other bigram must not bridge that single-position gap.
            next_position: 1,
            token: Token::default(),
        }
    }
}

/// Token stream of [`GramTokenizer`].
pub(crate) struct GramStream<'a> {
    chars: std::str::CharIndices<'a>,
    bigrams: bool,
    /// The previous normalised character, its byte offset and position.
    prev: Option<(char, usize)>,
    next_position: usize,
    token: Token,
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        for (offset, raw) in self.chars.by_ref() {
            if raw == PART_SEPARATOR {
                self.prev = None;
                self.next_position += 1;
                continue;
            }
            let Some(c) = normalize_char(raw) else {
                continue;
            };
            if c == ' ' && matches!(self.prev, Some((' ', _))) {
                continue;
            }
            let position = self.next_position;
            self.next_position += 1;
            let prev = self.prev.replace((c, offset));
            let end = offset + raw.len_utf8();
            if self.bigrams {
                if let Some((p, p_offset)) = prev {
                    self.token.text.clear();
                    self.token.text.push(p);
                    self.token.text.push(c);
                    self.token.position = position - 1;
                    self.token.offset_from = p_offset;
                    self.token.offset_to = end;
                    return true;
                }
            } else if c != ' ' {
                self.token.text.clear();
                self.token.text.push(c);
                self.token.position = position;
                self.token.offset_from = offset;
                self.token.offset_to = end;
                return true;
            }
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

/// Splits normalised text into jieba words (search mode, which also yields the shorter words
/// inside long ones), dropping whitespace and punctuation. Yields byte ranges into `normalised`.
pub(crate) fn jieba_spans(normalised: &str) -> Vec<(usize, usize)> {
    jieba()
        .cut_for_search(normalised, true)
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
        let spans = jieba_spans(&text);
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
        self.token.text.push_str(self.text.get(from..to).unwrap_or_default());
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
    fn bigrams_carry_character_positions() {
        let got = tokens(GramTokenizer::bigrams(), "食品安全Ａ");
        let want = [("食品", 1), ("品安", 2), ("安全", 3), ("全a", 4)];
        assert_eq!(
            got,
            want.iter()
                .map(|&(t, p)| (t.to_owned(), p))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn whitespace_runs_count_once_and_parts_do_not_join() {
        let text = format!("食品  安{PART_SEPARATOR}全法");
        let got = tokens(GramTokenizer::bigrams(), &text);
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["食品", "品 ", " 安", "全法"]);
        assert_eq!(got[2].1, 3);
        assert!(got[3].1 > got[2].1 + 1, "a gap after the separator");
    }

    #[test]
    fn unigrams_skip_spaces() {
        let got = tokens(GramTokenizer::unigrams(), "a 食");
        assert_eq!(got, [("a".to_owned(), 1), ("食".to_owned(), 3)]);
    }

    #[test]
    fn jieba_words_drop_punctuation() {
        let got = tokens(JiebaTokenizer, "中华人民共和国食品安全法，。");
        let words: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert!(words.contains(&"食品"), "{words:?}");
        assert!(!words.iter().any(|w| w.contains('，') || w.contains(',')));
    }
}
