//! Consultations on draft decisions (重大决策预公开, 《重大行政决策程序暂行条例》第十五条、第三十二条):
//! the comment period rule, the states and their transitions, how a draft is read article by
//! article (第一章, 第一条 … 第一百二十条), moderation, and the feedback report's completeness.
//!
//! Every rule about a consultation lives here; the store records and audits, the web shows.
//! Time comes in as an argument (`now`), never read from a clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::record_field_error;
use crate::{DomainError, ErrorCode, FieldErrors};

/// The normal shortest comment period in days (第十五条: "一般不少于30日").
pub const MIN_PERIOD_DAYS: i64 = 30;

coded! {
    /// Where a consultation is.
    ConsultationStatus {
        /// 草稿: being prepared, not public.
        Draft => ("draft", "草稿"),
        /// 征集中: published; comments are accepted until the closing time.
        Open => ("open", "征集中"),
        /// 已截止: the period ended; feedback is being written.
        Closed => ("closed", "已截止"),
        /// 已反馈: the feedback report is published.
        FeedbackPublished => ("feedback", "已反馈"),
    }
}

impl ConsultationStatus {
    /// Whether the public may see the consultation.
    pub fn is_public(self) -> bool {
        self != Self::Draft
    }

    /// The status as the public sees it at `now`: an open consultation whose closing time has
    /// passed reads 已截止 even before staff record the closing.
    pub fn effective(self, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if self == Self::Open && now >= closes_at {
            Self::Closed
        } else {
            self
        }
    }
}

/// A change of state a member of staff asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationAction {
    /// Publish the draft and start collecting comments.
    Open,
    /// End the collection (only once the closing time has passed).
    Close,
    /// Publish the feedback report (every comment decided).
    PublishFeedback,
}

impl ConsultationAction {
    /// The Chinese name of the action.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "发布征求意见",
            Self::Close => "截止征集",
            Self::PublishFeedback => "发布反馈报告",
        }
    }

    /// Stable code for the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Close => "close",
            Self::PublishFeedback => "publish_feedback",
        }
    }
}

/// The comment period of a consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// When comments start to be accepted.
    pub opens_at: DateTime<Utc>,
    /// When the period ends (no comment is accepted from this instant on).
    pub closes_at: DateTime<Utc>,
    /// Why the period is shorter than 30 days (shown publicly); empty otherwise.
    pub short_reason: String,
}

impl Period {
    /// Checks the period: it must end after it starts, and one shorter than 30 days must say
    /// why (第十五条).
    pub fn parse(
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        short_reason: &str,
    ) -> Result<Self, DomainError> {
        if closes_at <= opens_at {
            return Err(DomainError::invalid(
                "closes_at",
                ErrorCode::ConsultationClosesBeforeOpening,
            ));
        }
        let reason = short_reason.trim();
        if closes_at - opens_at < Duration::days(MIN_PERIOD_DAYS) && reason.is_empty() {
            return Err(DomainError::with(
                "short_reason",
                ErrorCode::ConsultationShortReasonRequired,
                &[("min_days", &MIN_PERIOD_DAYS)],
            ));
        }
        if reason.chars().count() > 500 {
            return Err(DomainError::invalid(
                "short_reason",
                ErrorCode::ConsultationShortReasonTooLong,
            ));
        }
        Ok(Self {
            opens_at,
            closes_at,
            short_reason: reason.to_owned(),
        })
    }

    /// The default period starting at `opens_at`: exactly 30 days.
    pub fn default_closing(opens_at: DateTime<Utc>) -> DateTime<Utc> {
        opens_at + Duration::days(MIN_PERIOD_DAYS)
    }

    /// Whether the period is shorter than the normal 30 days.
    pub fn is_short(&self) -> bool {
        self.closes_at - self.opens_at < Duration::days(MIN_PERIOD_DAYS)
    }

    /// Whole days the period lasts (rounded down).
    pub fn days(&self) -> i64 {
        (self.closes_at - self.opens_at).num_days()
    }

    /// Whether a comment may be sent at `now`.
    pub fn accepts_at(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// The status after `action` at `now`, or why it is refused.
pub fn apply(
    status: ConsultationStatus,
    period: &Period,
    action: ConsultationAction,
    now: DateTime<Utc>,
) -> Result<ConsultationStatus, DomainError> {
    use ConsultationAction as A;
    use ConsultationStatus as S;
    let refuse =
        |code, args: &[crate::error::Arg<'_>]| Err(DomainError::with("status", code, args));
    match (status, action) {
        (S::Draft, A::Open) => {
            if period.closes_at <= now {
                return refuse(
                    ErrorCode::ConsultationClosingTimePassed,
                    &[("closes_at", &crate::time::display_minute(period.closes_at))],
                );
            }
            Ok(S::Open)
        }
        (S::Open, A::Close) => {
            if now < period.closes_at {
                return refuse(
                    ErrorCode::ConsultationPeriodNotOver,
                    &[("closes_at", &crate::time::display_minute(period.closes_at))],
                );
            }
            Ok(S::Closed)
        }
        (S::Closed, A::PublishFeedback) => Ok(S::FeedbackPublished),
        (S::Open, A::PublishFeedback) => refuse(ErrorCode::ConsultationFeedbackBeforeClose, &[]),
        (s, a) => refuse(
            ErrorCode::ConsultationActionNotAllowed,
            &[("status", &s.label()), ("action", &a.label())],
        ),
    }
}

/// Whether a comment may be sent now; the refusal says why in Chinese.
pub fn check_comment_allowed(
    status: ConsultationStatus,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if status != ConsultationStatus::Open || now >= period.closes_at {
        return Err(DomainError::with(
            "body",
            ErrorCode::CommentClosed,
            &[("closes_at", &crate::time::display_minute(period.closes_at))],
        ));
    }
    if now < period.opens_at {
        return Err(DomainError::with(
            "body",
            ErrorCode::CommentNotOpenYet,
            &[("opens_at", &crate::time::display_minute(period.opens_at))],
        ));
    }
    Ok(())
}

/// The most characters one comment may have.
pub const MAX_COMMENT_CHARS: usize = 3000;

/// Checks a comment's text: not empty, not too long; `article` must be one of the draft's
/// articles (0 = the draft as a whole).
pub fn check_comment(body: &str, article: u32, articles: &[u32]) -> Result<String, DomainError> {
    let text = body.trim();
    if text.chars().count() < 2 {
        return Err(DomainError::invalid("body", ErrorCode::CommentBodyRequired));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(DomainError::with(
            "body",
            ErrorCode::CommentBodyTooLong,
            &[("max", &MAX_COMMENT_CHARS)],
        ));
    }
    if article != 0 && !articles.contains(&article) {
        return Err(DomainError::invalid(
            "article",
            ErrorCode::CommentArticleUnknown,
        ));
    }
    Ok(text.to_owned())
}

/// A comment as typed on the public form, before [`validate_comment`] reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentInput<'a> {
    /// Article number as typed, `0` for the whole draft.
    pub article: &'a str,
    /// The comment.
    pub body: &'a str,
    /// Name, optional.
    pub name: &'a str,
    /// Contact, optional.
    pub contact: &'a str,
}

/// The longest name a commenter may give, in characters.
pub const MAX_COMMENTER_NAME_CHARS: usize = 50;
/// The longest contact a commenter may give, in characters.
pub const MAX_COMMENTER_CONTACT_CHARS: usize = 100;

/// Checks a public comment on a consultation whose draft has `articles`, in `status` and
/// `period`, sent at `now`: every problem at once by field, except that a comment outside the
/// period is refused for that alone. Returns the article the comment is on (0 = the whole draft).
pub fn validate_comment(
    f: &CommentInput<'_>,
    articles: &[u32],
    status: ConsultationStatus,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<u32, FieldErrors> {
    let mut errors = FieldErrors::new();
    let article: u32 = match f.article.trim().parse() {
        Ok(n) => n,
        Err(_) => {
            errors.insert("article", ErrorCode::CommentArticleRequired);
            0
        }
    };
    if let Err(e) = check_comment(f.body, article, articles) {
        record_field_error(&mut errors, e);
    }
    if f.name.chars().count() > MAX_COMMENTER_NAME_CHARS {
        errors.insert("name", ErrorCode::CommentNameTooLong);
    }
    if f.contact.chars().count() > MAX_COMMENTER_CONTACT_CHARS {
        errors.insert("contact", ErrorCode::CommentContactTooLong);
    }
    // A comment after closing is refused whatever else is wrong with it.
    if let Err(e) = check_comment_allowed(status, period, now) {
        errors.clear();
        record_field_error(&mut errors, e);
    }
    if errors.is_empty() {
        Ok(article)
    } else {
        Err(errors)
    }
}

coded! {
    /// What moderation decided about a comment (先审后发).
    Moderation {
        /// 待审核.
        Pending => ("pending", "待审核"),
        /// 已公开: shown on the consultation's page.
        Approved => ("approved", "已公开"),
        /// 未通过: not shown; the reason is kept and told to the commenter.
        Rejected => ("rejected", "未通过"),
    }
}

/// Checks a moderation decision: a rejection needs its reason.
pub fn check_moderation(decision: Moderation, reason: &str) -> Result<String, DomainError> {
    let reason = reason.trim();
    match decision {
        Moderation::Pending => Err(DomainError::invalid(
            "decision",
            ErrorCode::CommentDecisionRequired,
        )),
        Moderation::Rejected if reason.is_empty() => Err(DomainError::invalid(
            "reason",
            ErrorCode::CommentRejectionReasonRequired,
        )),
        _ => Ok(reason.to_owned()),
    }
}

coded! {
    /// Whether an opinion was adopted, as the feedback report says.
    Adoption {
        /// 采纳.
        Adopted => ("adopted", "采纳"),
        /// 部分采纳.
        PartlyAdopted => ("partly", "部分采纳"),
        /// 不采纳.
        NotAdopted => ("not_adopted", "不采纳"),
    }
}

/// One row of the feedback: a decision for a group of identical comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackRow {
    /// The comments the row answers (one, or several identical ones).
    pub comment_ids: Vec<i64>,
    /// The decision, if made.
    pub adoption: Option<Adoption>,
    /// Why (required for every decision).
    pub reason: String,
}

/// Checks that the feedback answers every published comment exactly once, each with a
/// decision and a reason. `comments` are the ids of the comments published on the page, in
/// order; the error names the first comment left without a decision.
pub fn check_feedback(comments: &[i64], rows: &[FeedbackRow]) -> Result<(), DomainError> {
    let mut decided: BTreeMap<i64, bool> = BTreeMap::new();
    for row in rows {
        for id in &row.comment_ids {
            if !comments.contains(id) {
                return Err(DomainError::with(
                    "feedback",
                    ErrorCode::ConsultationFeedbackForeignComment,
                    &[("id", id)],
                ));
            }
            if decided.insert(*id, row.adoption.is_some()).is_some() {
                return Err(DomainError::with(
                    "feedback",
                    ErrorCode::ConsultationFeedbackDuplicate,
                    &[("id", id)],
                ));
            }
        }
        if row.adoption.is_some() && row.reason.trim().is_empty() {
            let first = row.comment_ids.first().copied().unwrap_or_default();
            return Err(DomainError::with(
                "feedback",
                ErrorCode::ConsultationFeedbackReasonRequired,
                &[("id", &first)],
            ));
        }
    }
    for (n, id) in comments.iter().enumerate() {
        if !decided.get(id).copied().unwrap_or(false) {
            return Err(DomainError::with(
                "feedback",
                ErrorCode::ConsultationFeedbackIncomplete,
                &[("n", &(n + 1)), ("id", id)],
            ));
        }
    }
    Ok(())
}

/// Groups identical comments (same article, same text once spaces and punctuation are
/// ignored), keeping the order of first appearance. Input: `(id, article, text)`.
pub fn group_identical(comments: &[(i64, u32, String)]) -> Vec<Vec<i64>> {
    let mut keys: Vec<(u32, String)> = Vec::new();
    let mut groups: Vec<Vec<i64>> = Vec::new();
    for (id, article, text) in comments {
        let key = (
            *article,
            text.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>(),
        );
        match keys.iter().position(|k| *k == key) {
            Some(i) => groups[i].push(*id),
            None => {
                keys.push(key);
                groups.push(vec![*id]);
            }
        }
    }
    groups
}

/// Totals of a feedback report: `(采纳, 部分采纳, 不采纳)` counted per comment.
pub fn totals(decisions: &[Adoption]) -> (usize, usize, usize) {
    let count = |a: Adoption| decisions.iter().filter(|d| **d == a).count();
    (
        count(Adoption::Adopted),
        count(Adoption::PartlyAdopted),
        count(Adoption::NotAdopted),
    )
}

/// What a line of a draft is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Text before the first article (title, preamble).
    Preamble,
    /// A chapter heading (第一章 总则).
    Chapter,
    /// An article (第一条 …) with the paragraphs that follow it.
    Article,
}

/// One unit of a draft as the public reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// Chapter, article or preamble.
    pub kind: UnitKind,
    /// The article or chapter number (0 for the preamble).
    pub number: u32,
    /// The label as written, e.g. `第十二条` or `第二章`.
    pub label: String,
    /// The text after the label (an article's paragraphs joined by newlines; a chapter's title).
    pub text: String,
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Writes `n` (1–9999) in Chinese numerals as articles are numbered: 十, 十二, 二十, 一百零五,
/// 一百二十, 一千零一.
pub fn chinese_numeral(n: u32) -> String {
    if n == 0 {
        return "零".into();
    }
    if (10..20).contains(&n) {
        // 十, 十一 … 十九: the leading 一 is not written.
        let mut s = "十".to_owned();
        if n > 10 {
            s.push(DIGITS[(n - 10) as usize]);
        }
        return s;
    }
    let units = [(1000, '千'), (100, '百'), (10, '十'), (1, ' ')];
    let mut out = String::new();
    let mut zero = false;
    let mut rest = n % 10000;
    for (value, unit) in units {
        let d = rest / value;
        rest %= value;
        if d == 0 {
            if !out.is_empty() {
                zero = true;
            }
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(DIGITS[d as usize]);
        if unit != ' ' {
            out.push(unit);
        }
    }
    out
}

/// Reads a Chinese or Arabic numeral (一百二十, 十二, 一〇五, 12); `None` if it is not one.
pub fn parse_numeral(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok().filter(|n| *n > 0);
    }
    if s.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '０'..='９'))
    {
        let half: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or('0'),
                c => c,
            })
            .collect();
        return half.parse().ok().filter(|n| *n > 0);
    }
    let digit = |c: char| -> Option<u32> {
        match c {
            '〇' | '零' => Some(0),
            '两' => Some(2),
            c => DIGITS.iter().position(|d| *d == c).map(|p| p as u32),
        }
    };
    if !s.contains(['十', '百', '千']) {
        // Positional digits (一〇五 style).
        let n = s
            .chars()
            .try_fold(0u32, |n, c| Some(n.checked_mul(10)? + digit(c)?))?;
        return (n > 0).then_some(n);
    }
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            c => {
                let d = digit(c)?;
                if d != 0 {
                    if current.is_some() {
                        return None;
                    }
                    current = Some(d);
                }
                continue;
            }
        };
        if unit >= last_unit {
            return None;
        }
        last_unit = unit;
        total += current.unwrap_or(1) * unit;
        current = None;
    }
    let n = total + current.unwrap_or(0);
    (n > 0).then_some(n)
}

/// Splits off a leading `第…条` / `第…章` label; returns `(kind, number, label, rest)`.
fn leading_label(line: &str) -> Option<(UnitKind, u32, String, String)> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find(['条', '章'])?;
    let numeral = &rest[..end];
    if numeral.chars().count() > 8 {
        return None;
    }
    let number = parse_numeral(numeral)?;
    let marker = rest[end..].chars().next()?;
    let kind = if marker == '条' {
        UnitKind::Article
    } else {
        UnitKind::Chapter
    };
    let after = &rest[end + marker.len_utf8()..];
    let text = after.trim_start_matches([' ', '\u{3000}', '\t']).to_owned();
    Some((kind, number, format!("第{numeral}{marker}"), text))
}

/// Splits a draft into its preamble, chapters and articles. An article starts with `第N条` at
/// the beginning of a line (a reference inside a sentence, "依照第三条", is not a new
/// article); a chapter with `第N章`. Paragraphs after an article belong to it. A draft without
/// such structure is one preamble unit.
pub fn split_articles(draft: &str) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for raw in draft.lines() {
        let line = raw.trim_matches([' ', '\u{3000}', '\t', '\r']);
        if line.is_empty() {
            continue;
        }
        if let Some((kind, number, label, text)) = leading_label(line) {
            units.push(Unit {
                kind,
                number,
                label,
                text,
            });
            continue;
        }
        match units.last_mut() {
            Some(u) if u.kind != UnitKind::Chapter => {
                if !u.text.is_empty() {
                    u.text.push('\n');
                }
                u.text.push_str(line);
            }
            _ => units.push(Unit {
                kind: UnitKind::Preamble,
                number: 0,
                label: String::new(),
                text: line.to_owned(),
            }),
        }
    }
    units
}

/// The article numbers of a draft, in order.
pub fn article_numbers(units: &[Unit]) -> Vec<u32> {
    units
        .iter()
        .filter(|u| u.kind == UnitKind::Article)
        .map(|u| u.number)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::time::testing::hours as t;

    #[test]
    fn numerals_read_and_write() {
        for (n, s) in [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (21, "二十一"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (120, "一百二十"),
            (1001, "一千零一"),
        ] {
            assert_eq!(chinese_numeral(n), s);
            assert_eq!(parse_numeral(s), Some(n), "{s}");
        }
        assert_eq!(parse_numeral("一〇五"), Some(105));
        assert_eq!(parse_numeral("12"), Some(12));
        assert_eq!(parse_numeral("１２"), Some(12));
        assert_eq!(parse_numeral("十十"), None);
        assert_eq!(parse_numeral("甲"), None);
        assert_eq!(parse_numeral(""), None);
    }

    #[test]
    fn a_draft_splits_into_chapters_and_articles() {
        let draft = "乌恰县城市绿化管理办法（征求意见稿）\n\n第一章　总则\n第一条　为了加强城市绿化管理，制定本办法。\n第二条 本办法适用于县城规划区。\n　　依照第一条的规定执行。\n第二章 附则\n第三条　本办法自发布之日起施行。";
        let units = split_articles(draft);
        let kinds: Vec<_> = units.iter().map(|u| (u.kind, u.number)).collect();
        assert_eq!(
            kinds,
            [
                (UnitKind::Preamble, 0),
                (UnitKind::Chapter, 1),
                (UnitKind::Article, 1),
                (UnitKind::Article, 2),
                (UnitKind::Chapter, 2),
                (UnitKind::Article, 3),
            ]
        );
        assert_eq!(units[1].text, "总则");
        assert_eq!(
            units[3].text,
            "本办法适用于县城规划区。\n依照第一条的规定执行。"
        );
        assert_eq!(units[5].label, "第三条");
        assert_eq!(article_numbers(&units), [1, 2, 3]);
        assert_eq!(split_articles("没有条款的说明。").len(), 1);
    }

    #[test]
    fn the_period_rule() {
        assert!(Period::parse(t(10), t(5), "").is_err());
        assert!(Period::parse(t(0), t(0), "理由").is_err());
        let short = Period::parse(t(0), t(24 * 10), "");
        assert!(matches!(
            short,
            Err(DomainError::Invalid {
                field: "short_reason",
                ..
            })
        ));
        let p = Period::parse(t(0), t(24 * 10), "防汛工作紧迫").unwrap_or_else(|e| panic!("{e}"));
        assert!(p.is_short());
        let normal = Period::parse(t(0), Period::default_closing(t(0)), "")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!normal.is_short());
        assert_eq!(normal.days(), 30);
        assert!(normal.accepts_at(t(1)) && !normal.accepts_at(t(24 * 30)));
    }

    #[test]
    fn the_state_machine() {
        use ConsultationAction as A;
        use ConsultationStatus as S;
        let p = Period::parse(t(0), t(24 * 30), "").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(apply(S::Draft, &p, A::Open, t(1)), Ok(S::Open));
        assert!(apply(S::Draft, &p, A::Open, t(24 * 31)).is_err());
        assert!(apply(S::Open, &p, A::Close, t(2)).is_err());
        assert_eq!(apply(S::Open, &p, A::Close, t(24 * 30)), Ok(S::Closed));
        assert!(apply(S::Open, &p, A::PublishFeedback, t(24 * 31)).is_err());
        assert_eq!(
            apply(S::Closed, &p, A::PublishFeedback, t(24 * 31)),
            Ok(S::FeedbackPublished)
        );
        assert!(apply(S::FeedbackPublished, &p, A::Open, t(24 * 31)).is_err());
        assert_eq!(S::Open.effective(p.closes_at, t(24 * 30)), S::Closed);
        assert!(check_comment_allowed(S::Open, &p, t(5)).is_ok());
        let late = check_comment_allowed(S::Open, &p, t(24 * 30));
        assert!(late.is_err_and(|e| e.to_string().contains("截止")));
        assert!(check_comment_allowed(S::Draft, &p, t(5)).is_err());
    }

    #[test]
    fn comments_and_moderation() {
        assert!(check_comment(" ", 0, &[1]).is_err());
        assert!(check_comment("好的建议", 9, &[1, 2]).is_err());
        assert_eq!(
            check_comment(" 好的建议 ", 2, &[1, 2]),
            Ok("好的建议".into())
        );
        assert!(check_moderation(Moderation::Rejected, "").is_err());
        assert!(check_moderation(Moderation::Rejected, "含有人身攻击").is_ok());
        assert!(check_moderation(Moderation::Approved, "").is_ok());
    }

    #[test]
    fn a_public_comment_is_judged_field_by_field_and_refused_outside_the_period() {
        use ConsultationStatus as S;
        let p = Period::parse(t(0), t(24 * 30), "").unwrap_or_else(|e| panic!("{e}"));
        let good = CommentInput {
            article: "2",
            body: "建议明确补贴标准",
            name: "张三",
            contact: "13800000000",
        };
        let judged = |f: CommentInput<'_>, status: S, at: DateTime<Utc>| {
            validate_comment(&f, &[1, 2], status, &p, at)
                .err()
                .map(|e| e.fields().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        assert_eq!(validate_comment(&good, &[1, 2], S::Open, &p, t(5)), Ok(2));
        let whole = CommentInput { article: " 0 ", ..good };
        assert_eq!(validate_comment(&whole, &[1, 2], S::Open, &p, t(5)), Ok(0));
        let long_name = "名".repeat(51);
        let long_contact = "1".repeat(101);
        let body = good.body;
        // (article, body, name, contact) → the fields refused.
        let table: [(&str, &str, &str, &str, &[&str]); 7] = [
            ("", body, "", "", &["article"]),
            ("第二条", body, "", "", &["article"]),
            ("9", body, "", "", &["article"]),
            ("2", " 好 ", "", "", &["body"]),
            ("2", body, &long_name, "", &["name"]),
            ("2", body, "", &long_contact, &["contact"]),
            (
                "x",
                "",
                &long_name,
                &long_contact,
                &["article", "body", "contact", "name"],
            ),
        ];
        for (article, body, name, contact, fields) in table {
            let f = CommentInput {
                article,
                body,
                name,
                contact,
            };
            assert_eq!(judged(f, S::Open, t(5)), fields, "{f:?}");
        }
        // Outside the period only that is said, whatever else is wrong.
        let bad = CommentInput {
            article: "x",
            body: "",
            name: &long_name,
            contact: "",
        };
        for (status, at) in [(S::Open, t(24 * 30)), (S::Closed, t(5)), (S::Draft, t(5))] {
            let errors = validate_comment(&bad, &[1, 2], status, &p, at).err();
            let body = errors.as_ref().and_then(|e| e.get("body"));
            assert_eq!(errors.as_ref().map(|e| e.len()), Some(1), "{status:?}");
            assert!(body.is_some_and(|m| m.contains("截止")), "{body:?}");
        }
    }

    #[test]
    fn feedback_must_answer_every_comment() {
        let row = |ids: &[i64], a: Option<Adoption>, r: &str| FeedbackRow {
            comment_ids: ids.to_vec(),
            adoption: a,
            reason: r.into(),
        };
        let comments = [1, 2, 3];
        let ok = [
            row(&[1, 3], Some(Adoption::Adopted), "已修改第二条"),
            row(&[2], Some(Adoption::NotAdopted), "超出本办法调整范围"),
        ];
        assert!(check_feedback(&comments, &ok).is_ok());
        let missing = [row(&[1, 3], Some(Adoption::Adopted), "已修改")];
        let e = check_feedback(&comments, &missing)
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("编号 2") && m.contains("尚未作出")));
        let undecided = [
            row(&[1, 3], Some(Adoption::Adopted), "已修改"),
            row(&[2], None, ""),
        ];
        assert!(check_feedback(&comments, &undecided).is_err());
        let no_reason = [
            row(&[1, 3], Some(Adoption::Adopted), "已修改"),
            row(&[2], Some(Adoption::PartlyAdopted), " "),
        ];
        assert!(check_feedback(&comments, &no_reason).is_err());
        let twice = [
            row(&[1, 2, 3], Some(Adoption::Adopted), "已修改"),
            row(&[2], Some(Adoption::NotAdopted), "不采纳"),
        ];
        assert!(check_feedback(&comments, &twice).is_err());
        assert!(check_feedback(&[], &[]).is_ok());
        assert_eq!(
            totals(&[Adoption::Adopted, Adoption::NotAdopted, Adoption::Adopted]),
            (2, 0, 1)
        );
    }

    #[test]
    fn identical_comments_group_together() {
        let c = |id: i64, a: u32, s: &str| (id, a, s.to_owned());
        let groups = group_identical(&[
            c(1, 2, "建议增加绿地面积。"),
            c(2, 3, "建议增加绿地面积"),
            c(3, 2, "建议 增加绿地面积！"),
            c(4, 0, "赞成"),
        ]);
        assert_eq!(groups, vec![vec![1, 3], vec![2], vec![4]]);
    }

    proptest! {
        #[test]
        fn numerals_round_trip(n in 1u32..10000) {
            prop_assert_eq!(parse_numeral(&chinese_numeral(n)), Some(n));
        }

        #[test]
        fn generated_drafts_split_into_their_articles(
            bodies in proptest::collection::vec("[a-z去来人山水]{1,12}", 1..130),
            chapter_every in 3usize..40,
        ) {
            let mut draft = String::from("某某办法（征求意见稿）\n");
            for (i, body) in bodies.iter().enumerate() {
                if i % chapter_every == 0 {
                    draft.push_str(&format!("第{}章　章名\n", chinese_numeral((i / chapter_every + 1) as u32)));
                }
                draft.push_str(&format!("第{}条　{body}\n　　依照第一条执行。\n", chinese_numeral(i as u32 + 1)));
            }
            let units = split_articles(&draft);
            let numbers = article_numbers(&units);
            prop_assert_eq!(numbers, (1..=bodies.len() as u32).collect::<Vec<_>>());
            let articles: Vec<&Unit> = units.iter().filter(|u| u.kind == UnitKind::Article).collect();
            for (u, body) in articles.iter().zip(&bodies) {
                prop_assert_eq!(&u.text, &format!("{body}\n依照第一条执行。"));
            }
        }
    }
}
