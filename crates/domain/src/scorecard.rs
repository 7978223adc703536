//! 考核: each department's scorecard of openness work for a period (a year or a quarter), as the
//! county's 政务公开 assessment scores it — 100 points in all by default; the openness
//! assessment weighs at least 4% of the wider performance assessment (绩效考核).
//!
//! Pure rules: the store gathers each organisation's [`Facts`] for the period, [`score`] turns
//! them into a [`Card`] with one [`Row`] per [`Indicator`] — the measured value, the score out of
//! its weight and the rule between them — and [`rank`] orders the cards.
//!
//! Scores are kept in tenths of a point as integers, so a card's total is exactly the sum of its
//! rows as shown and no share is ever computed from a zero count.
//!
//! **An indicator with nothing to measure in the period (no applications received, no catalogue
//! row assigned …) is 不适用 and scores its full weight**: a department is not marked down for
//! work that did not arise. The page says 不适用 beside such a row, so it is never mistaken for
//! a measured full score.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::error::{DomainError, ErrorCode, FieldErrors};

coded! {
    /// What a scorecard measures, in display order.
    Indicator {
        /// 主动公开及时: publications of the 主动公开基本目录 within their row's limit.
        Proactive => ("proactive", "主动公开及时"),
        /// 基本目录覆盖: assigned catalogue rows with at least one publication in the period.
        Coverage => ("coverage", "基本目录覆盖"),
        /// 政策解读及时: interpretations within 3 working days of their policy.
        Interpretation => ("interpretation", "政策解读及时"),
        /// 依申请公开按时答复: applications answered by their due date (outcome mix shown).
        Applications => ("applications", "依申请按时答复"),
        /// 复议诉讼纠错: 行政复议 and 行政诉讼 decided in the period and not 纠正.
        Challenges => ("challenges", "复议诉讼纠错"),
        /// 留言按时办理: messages answered by their due date.
        Messages => ("messages", "留言按时办理"),
        /// 留言满意度: the writers' ratings (好差评).
        Satisfaction => ("satisfaction", "留言满意度"),
        /// 发布前审查: publications that went out over screening findings (personal data …).
        Screening => ("screening", "发布前审查"),
        /// 业务培训: openness training sessions attended.
        Training => ("training", "业务培训参加"),
        /// 社会评议: the public's ratings of the published summary.
        Evaluation => ("evaluation", "社会评议"),
    }
}

impl Indicator {
    /// The rule that turns the measured value into the score, as the page states it.
    pub fn rule(self) -> &'static str {
        match self {
            Self::Proactive => {
                "按时发布条数 ÷ 已发布条数 × 分值（无成文日期的按不及时计；有指定事项而无发布的，得 0 分）"
            }
            Self::Coverage => "有发布的事项数 ÷ 指定本单位的事项数 × 分值",
            Self::Interpretation => "3 个工作日内发布的解读数 ÷ 解读数 × 分值",
            Self::Applications => {
                "按期答复件数 ÷（期内答复件数 + 期内到期仍未答复件数）× 分值；答复结果只列示、不计分"
            }
            Self::Challenges => "（已审结件数 − 被纠正件数）÷ 已审结件数 × 分值",
            Self::Messages => "按期答复件数 ÷（期内答复件数 + 期内到期仍未答复件数）× 分值",
            Self::Satisfaction => {
                "评价得分平均（非常满意 4、满意 3、基本满意 2、不满意 1、非常不满意 0）÷ 4 × 分值"
            }
            Self::Screening => "（发布条数 − 带审查发现发布的条数）÷ 发布条数 × 分值",
            Self::Training => {
                "参加培训次数 ÷ 应参加次数（全年 2 次、每季度 1 次，不超过期内举办次数）× 分值"
            }
            Self::Evaluation => "（各项评分平均 − 1）÷ 4 × 分值（评分 1–5 分）",
        }
    }

    /// The default weight (points); the defaults total [`FULL_MARKS`].
    pub fn default_weight(self) -> u32 {
        match self {
            Self::Proactive => 20,
            Self::Applications => 15,
            Self::Coverage
            | Self::Interpretation
            | Self::Challenges
            | Self::Messages
            | Self::Evaluation => 10,
            Self::Satisfaction | Self::Screening | Self::Training => 5,
        }
    }
}

/// The points of the county's openness assessment: the default weights total this, and a site
/// whose weights total otherwise is warned.
pub const FULL_MARKS: u32 = 100;
/// The largest weight one indicator may carry.
pub const MAX_WEIGHT: u32 = 100;
/// Training sessions a department is expected to attend in a year (one a quarter).
pub const TRAININGS_PER_YEAR: u32 = 2;

/// The weight of each indicator for a site (points, whole numbers, non-negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Weights(BTreeMap<&'static str, u32>);

impl Default for Weights {
    fn default() -> Self {
        Self(
            Indicator::ALL
                .iter()
                .map(|i| (i.code(), i.default_weight()))
                .collect(),
        )
    }
}

impl Weights {
    /// The weight of `indicator`.
    pub fn of(&self, indicator: Indicator) -> u32 {
        self.0.get(indicator.code()).copied().unwrap_or(0)
    }

    /// The sum of the weights.
    pub fn total(&self) -> u32 {
        self.0.values().sum()
    }

    /// Whether the weights total [`FULL_MARKS`]; otherwise the page warns (not refused: a county
    /// may score out of another total).
    pub fn totals_full_marks(&self) -> bool {
        self.total() == FULL_MARKS
    }

    /// Weights as typed: one field per indicator code, each a whole number from 0 to
    /// [`MAX_WEIGHT`]; a missing field keeps the default. Every bad field is refused by name.
    pub fn parse<'a>(
        typed: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, FieldErrors> {
        let mut weights = Self::default();
        let mut errors = FieldErrors::new();
        for (field, raw) in typed {
            let Ok(indicator) = Indicator::parse(field) else {
                continue;
            };
            match raw.trim().parse::<u32>() {
                Ok(w) if w <= MAX_WEIGHT => {
                    weights.0.insert(indicator.code(), w);
                }
                _ => errors.insert(
                    indicator.code(),
                    DomainError::with(
                        indicator.code(),
                        ErrorCode::ScorecardWeightInvalid,
                        &[("name", &indicator.label()), ("max", &MAX_WEIGHT)],
                    ),
                ),
            }
        }
        if errors.is_empty() {
            Ok(weights)
        } else {
            Err(errors)
        }
    }

    /// The weights as stored (a JSON object of code → points).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// Weights as stored; unknown codes are ignored, missing ones take the default, a stored
    /// value that cannot be read is the defaults.
    pub fn from_json(raw: &str) -> Self {
        let stored: BTreeMap<String, u32> = serde_json::from_str(raw).unwrap_or_default();
        let mut weights = Self::default();
        for (code, w) in stored {
            if let Ok(i) = Indicator::parse(&code) {
                weights.0.insert(i.code(), w.min(MAX_WEIGHT));
            }
        }
        weights
    }
}

/// The period a scorecard covers: a calendar year or one of its quarters (Beijing dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period {
    /// The year.
    pub year: i32,
    /// The quarter (1–4), or `None` for the whole year.
    pub quarter: Option<u8>,
}

impl Period {
    /// The whole year `year`.
    pub fn year(year: i32) -> Self {
        Self { year, quarter: None }
    }

    /// Reads `2026` or `2026Q3` (also `2026-Q3`, lower case); years from 2008 to 9999.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("period", ErrorCode::ScorecardPeriodInvalid);
        let raw = raw.trim().to_ascii_uppercase();
        let (y, q) = match raw.split_once('Q') {
            Some((y, q)) => (y.trim_end_matches('-'), Some(q)),
            None => (raw.as_str(), None),
        };
        let year: i32 = y.parse().map_err(|_| bad())?;
        if !(2008..=9999).contains(&year) {
            return Err(bad());
        }
        let quarter = match q {
            None => None,
            Some(q) => match q.parse::<u8>() {
                Ok(n @ 1..=4) => Some(n),
                _ => return Err(bad()),
            },
        };
        Ok(Self { year, quarter })
    }

    /// The stable code: `2026` or `2026Q3`.
    pub fn code(self) -> String {
        match self.quarter {
            None => self.year.to_string(),
            Some(q) => format!("{}Q{q}", self.year),
        }
    }

    /// How the period reads: `2026年` or `2026年第三季度`.
    pub fn label(self) -> String {
        match self.quarter {
            None => format!("{}年", self.year),
            Some(q) => {
                let n = ["一", "二", "三", "四"]
                    .get(usize::from(q.saturating_sub(1)))
                    .copied()
                    .unwrap_or("");
                format!("{}年第{n}季度", self.year)
            }
        }
    }

    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        let month = self.quarter.map_or(1, |q| u32::from(q - 1) * 3 + 1);
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The day after the period's last day.
    pub fn end(self) -> NaiveDate {
        match self.quarter {
            None | Some(4) => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
            Some(q) => NaiveDate::from_ymd_opt(self.year, u32::from(q) * 3 + 1, 1),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// The period's last day.
    pub fn last_day(self) -> NaiveDate {
        self.end().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// Whether `day` falls in the period.
    pub fn contains(self, day: NaiveDate) -> bool {
        day >= self.first_day() && day < self.end()
    }

    /// Trainings a department is expected to attend in the period: [`TRAININGS_PER_YEAR`] a
    /// year, one a quarter.
    pub fn trainings_expected(self) -> u32 {
        if self.quarter.is_some() {
            1
        } else {
            TRAININGS_PER_YEAR
        }
    }

    /// The periods a page offers for `this_year`: each year from `first` and its quarters, the
    /// newest first.
    pub fn choices(first: i32, this_year: i32) -> Vec<Self> {
        (first..=this_year)
            .rev()
            .flat_map(|y| {
                std::iter::once(Self::year(y)).chain((1..=4).map(move |q| Self {
                    year: y,
                    quarter: Some(q),
                }))
            })
            .collect()
    }

    /// The period containing `day`'s year (the scorecard's default).
    pub fn of_year_of(day: NaiveDate) -> Self {
        Self::year(day.year())
    }
}

/// How the applications answered in the period ended, by the annual report's groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeMix {
    /// （一）予以公开.
    pub disclosed: u32,
    /// （二）部分公开.
    pub partly: u32,
    /// （三）不予公开.
    pub refused: u32,
    /// （四）无法提供.
    pub unable: u32,
    /// （五）不予处理.
    pub not_handled: u32,
    /// （六）其他处理.
    pub other: u32,
}

impl OutcomeMix {
    /// Counts one outcome by its code's group (`1`, `2`, `3-…` …).
    pub fn add(&mut self, outcome_code: &str) {
        match outcome_code.as_bytes().first() {
            Some(b'1') => self.disclosed += 1,
            Some(b'2') => self.partly += 1,
            Some(b'3') => self.refused += 1,
            Some(b'4') => self.unable += 1,
            Some(b'5') => self.not_handled += 1,
            _ => self.other += 1,
        }
    }

    fn words(&self) -> String {
        format!(
            "公开 {}、部分公开 {}、不予公开 {}、无法提供 {}、不予处理 {}、其他 {}",
            self.disclosed, self.partly, self.refused, self.unable, self.not_handled, self.other
        )
    }
}

/// What one organisation did in the period, as the store counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// Catalogue publications on time.
    pub proactive_on_time: u32,
    /// Catalogue publications late.
    pub proactive_late: u32,
    /// Catalogue publications without 成文日期.
    pub proactive_no_date: u32,
    /// Catalogue rows assigned to the organisation.
    pub rows_assigned: u32,
    /// Of them, rows with at least one publication in the period.
    pub rows_covered: u32,
    /// Interpretations published in the period (with their policy public).
    pub interpretations: u32,
    /// Of them, later than 3 working days after the policy.
    pub interpretations_late: u32,
    /// Applications answered in the period, plus those due in it and still unanswered.
    pub applications_due: u32,
    /// Of them, answered by the due date.
    pub applications_on_time: u32,
    /// How the answered ones ended.
    pub outcomes: OutcomeMix,
    /// 复议 and 诉讼 decided in the period.
    pub challenges_decided: u32,
    /// Of them, 纠正.
    pub challenges_corrected: u32,
    /// Messages answered in the period, plus those due in it and still unanswered.
    pub messages_due: u32,
    /// Of them, answered by the due date.
    pub messages_on_time: u32,
    /// Ratings given in the period, by rating from 非常满意 to 非常不满意.
    pub ratings: [u32; 5],
    /// Records published in the period.
    pub published: u32,
    /// Of them, published over screening findings (with a written justification).
    pub published_with_findings: u32,
    /// Training sessions the organisation attended in the period.
    pub trainings_attended: u32,
    /// Its attendees over those sessions.
    pub attendees: u32,
    /// Training sessions the site held in the period.
    pub trainings_held: u32,
    /// Public ratings (社会评议) of the organisation for the period: how many items were rated.
    pub evaluation_items: u32,
    /// The sum of those item ratings (each 1–5).
    pub evaluation_sum: u32,
    /// How many evaluations (forms) they came in.
    pub evaluations: u32,
}

/// One indicator on a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The indicator.
    pub indicator: Indicator,
    /// Its weight (points).
    pub weight: u32,
    /// The score in tenths of a point (0 to `weight × 10`).
    pub tenths: u32,
    /// Nothing to measure in the period: full marks, shown as 不适用.
    pub not_applicable: bool,
    /// The measured value in words (what was counted).
    pub measured: String,
}

impl Row {
    /// The score as shown, one decimal.
    pub fn score(&self) -> String {
        tenths_text(self.tenths)
    }
}

/// `tenths` tenths of a point as shown: `17.5`, `20.0`.
pub fn tenths_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// One organisation's scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// One row per indicator, in [`Indicator::ALL`] order.
    pub rows: Vec<Row>,
    /// The total in tenths of a point (the sum of the rows).
    pub total_tenths: u32,
}

impl Card {
    /// The total as shown.
    pub fn total(&self) -> String {
        tenths_text(self.total_tenths)
    }

    /// The row of `indicator`.
    pub fn row(&self, indicator: Indicator) -> Option<&Row> {
        self.rows.iter().find(|r| r.indicator == indicator)
    }
}

/// `part ÷ whole × weight` in tenths of a point, rounded half up; `None` when `whole` is 0 (不适用).
/// `part` above `whole` counts as `whole`.
pub fn share(part: u32, whole: u32, weight: u32) -> Option<u32> {
    if whole == 0 {
        return None;
    }
    let part = u64::from(part.min(whole));
    let scaled = part * u64::from(weight) * 10;
    let whole = u64::from(whole);
    Some(u32::try_from((scaled * 2 + whole) / (whole * 2)).unwrap_or(u32::MAX))
}

fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".into();
    }
    let p = (u64::from(part) * 1000 + u64::from(whole) / 2) / u64::from(whole);
    format!("{}.{}%", p / 10, p % 10)
}

fn row(indicator: Indicator, weight: u32, tenths: Option<u32>, measured: String) -> Row {
    Row {
        indicator,
        weight,
        tenths: tenths.unwrap_or(weight * 10).min(weight * 10),
        not_applicable: tenths.is_none(),
        measured,
    }
}

/// Points of a 好差评 rating, 非常满意 first ([`crate::message::Rating::ALL`] order).
pub const RATING_POINTS: [u32; 5] = [4, 3, 2, 1, 0];

/// Scores `f` under `weights`. Each indicator's rule is [`Indicator::rule`]:
///
/// - 主动公开及时: on-time share of the catalogue publications (no 成文日期 counts as not on
///   time, as it cannot be shown to be) × weight; none published → 0 when catalogue rows are
///   assigned to the organisation, else 不适用.
/// - 基本目录覆盖: share of assigned rows with a publication × weight; none assigned → 不适用.
/// - 政策解读及时: share of interpretations within 3 working days × weight; none → 不适用.
/// - 依申请按时答复: on-time share of the answers due (answered in the period, or due in it and
///   still open) × weight; none → 不适用. The outcome mix is listed, not scored: a lawful
///   refusal is no fault.
/// - 复议诉讼纠错: share of decided challenges not 纠正 × weight; none decided → 不适用.
/// - 留言按时办理: as for applications, over messages.
/// - 留言满意度: mean rating points ([`RATING_POINTS`]) ÷ 4 × weight; none rated → 不适用.
/// - 发布前审查: share of publications without screening findings × weight; none → 不适用.
/// - 业务培训参加: sessions attended ÷ sessions expected (2 a year, 1 a quarter, at most the
///   sessions the site held) × weight; none held → 不适用.
/// - 社会评议: (mean item rating − 1) ÷ 4 × weight; none rated → 不适用.
pub fn score(f: &Facts, weights: &Weights, period: Period) -> Card {
    let w = |i| weights.of(i);
    let mut rows = Vec::with_capacity(Indicator::ALL.len());

    let published = f.proactive_on_time + f.proactive_late + f.proactive_no_date;
    // Catalogue rows assigned and nothing published is no timely publication at all, not an
    // indicator without anything to measure (that would score doing nothing above doing late).
    let proactive = if published == 0 && f.rows_assigned > 0 {
        Some(0)
    } else {
        share(f.proactive_on_time, published, w(Indicator::Proactive))
    };
    rows.push(row(
        Indicator::Proactive,
        w(Indicator::Proactive),
        proactive,
        format!(
            "按时 {} 条、逾期 {} 条、无成文日期 {} 条（按时率 {}）",
            f.proactive_on_time,
            f.proactive_late,
            f.proactive_no_date,
            percent(f.proactive_on_time, published)
        ),
    ));
    rows.push(row(
        Indicator::Coverage,
        w(Indicator::Coverage),
        share(f.rows_covered, f.rows_assigned, w(Indicator::Coverage)),
        format!(
            "指定事项 {} 项，有发布 {} 项",
            f.rows_assigned, f.rows_covered
        ),
    ));
    let interpreted_on_time = f.interpretations.saturating_sub(f.interpretations_late);
    rows.push(row(
        Indicator::Interpretation,
        w(Indicator::Interpretation),
        share(
            interpreted_on_time,
            f.interpretations,
            w(Indicator::Interpretation),
        ),
        format!(
            "解读 {} 篇，逾期 {} 篇",
            f.interpretations, f.interpretations_late
        ),
    ));
    rows.push(row(
        Indicator::Applications,
        w(Indicator::Applications),
        share(
            f.applications_on_time,
            f.applications_due,
            w(Indicator::Applications),
        ),
        format!(
            "应答复 {} 件，按期 {} 件；答复结果：{}",
            f.applications_due,
            f.applications_on_time,
            f.outcomes.words()
        ),
    ));
    rows.push(row(
        Indicator::Challenges,
        w(Indicator::Challenges),
        share(
            f.challenges_decided.saturating_sub(f.challenges_corrected),
            f.challenges_decided,
            w(Indicator::Challenges),
        ),
        format!(
            "审结 {} 件，被纠正 {} 件",
            f.challenges_decided, f.challenges_corrected
        ),
    ));
    rows.push(row(
        Indicator::Messages,
        w(Indicator::Messages),
        share(f.messages_on_time, f.messages_due, w(Indicator::Messages)),
        format!(
            "应答复 {} 件，按期 {} 件",
            f.messages_due, f.messages_on_time
        ),
    ));
    let rated: u32 = f.ratings.iter().sum();
    let points: u32 = f
        .ratings
        .iter()
        .zip(RATING_POINTS)
        .map(|(n, p)| n * p)
        .sum();
    rows.push(row(
        Indicator::Satisfaction,
        w(Indicator::Satisfaction),
        share(points, rated * 4, w(Indicator::Satisfaction)),
        format!(
            "评价 {rated} 件：非常满意 {}、满意 {}、基本满意 {}、不满意 {}、非常不满意 {}",
            f.ratings[0], f.ratings[1], f.ratings[2], f.ratings[3], f.ratings[4]
        ),
    ));
    rows.push(row(
        Indicator::Screening,
        w(Indicator::Screening),
        share(
            f.published.saturating_sub(f.published_with_findings),
            f.published,
            w(Indicator::Screening),
        ),
        format!(
            "发布 {} 条，带审查发现发布 {} 条",
            f.published, f.published_with_findings
        ),
    ));
    let expected = period.trainings_expected().min(f.trainings_held);
    rows.push(row(
        Indicator::Training,
        w(Indicator::Training),
        share(f.trainings_attended, expected, w(Indicator::Training)),
        format!(
            "期内举办 {} 次，参加 {} 次（{} 人次），应参加 {} 次",
            f.trainings_held, f.trainings_attended, f.attendees, expected
        ),
    ));
    let above_one = f.evaluation_sum.saturating_sub(f.evaluation_items);
    rows.push(row(
        Indicator::Evaluation,
        w(Indicator::Evaluation),
        share(above_one, f.evaluation_items * 4, w(Indicator::Evaluation)),
        format!(
            "评议 {} 份，平均 {} 分",
            f.evaluations,
            average_text(f.evaluation_sum, f.evaluation_items)
        ),
    ));
    let total_tenths = rows.iter().map(|r| r.tenths).sum();
    Card { rows, total_tenths }
}

/// `sum ÷ count` with two decimals, `—` when nothing was counted.
pub fn average_text(sum: u32, count: u32) -> String {
    if count == 0 {
        return "—".into();
    }
    let hundredths = (u64::from(sum) * 100 + u64::from(count) / 2) / u64::from(count);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The ranks of `totals` (tenths), 1 for the highest; equal totals share a rank and the next
/// rank skips (1, 2, 2, 4).
pub fn rank(totals: &[u32]) -> Vec<usize> {
    totals
        .iter()
        .map(|t| 1 + totals.iter().filter(|o| *o > t).count())
        .collect()
}

/// 社会评议: the items a citizen rates each organisation on, each 1–5.
pub const EVALUATION_ITEMS: [(&str, &str); 3] = [
    ("timely", "公开及时"),
    ("complete", "内容完整"),
    ("responsive", "回应满意"),
];
/// The longest comment with an evaluation (characters).
pub const MAX_EVALUATION_COMMENT_CHARS: usize = 500;

/// A citizen's evaluation of one organisation, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The ratings (1–5) in [`EVALUATION_ITEMS`] order.
    pub ratings: [u8; 3],
    /// The comment, trimmed; empty when none was written.
    pub comment: String,
}

/// Checks an evaluation form: every item rated 1–5 (field = the item's code), the comment at
/// most [`MAX_EVALUATION_COMMENT_CHARS`] characters. Every problem is reported by field.
pub fn check_evaluation<'a>(
    rating_of: impl Fn(&str) -> Option<&'a str>,
    comment: &str,
) -> Result<Evaluation, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut ratings = [0u8; 3];
    for (slot, (code, label)) in ratings.iter_mut().zip(EVALUATION_ITEMS) {
        match rating_of(code).map(str::trim).map(str::parse::<u8>) {
            Some(Ok(n @ 1..=5)) => *slot = n,
            _ => errors.insert(
                code,
                DomainError::with(
                    code,
                    ErrorCode::EvaluationRatingRequired,
                    &[("item", &label)],
                ),
            ),
        }
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_EVALUATION_COMMENT_CHARS {
        errors.insert(
            "comment",
            DomainError::with(
                "comment",
                ErrorCode::EvaluationCommentTooLong,
                &[("max", &MAX_EVALUATION_COMMENT_CHARS)],
            ),
        );
    }
    if errors.is_empty() {
        Ok(Evaluation {
            ratings,
            comment: comment.to_owned(),
        })
    } else {
        Err(errors)
    }
}

coded! {
    /// Where a comment left with an evaluation stands: shown only once approved.
    CommentStatus {
        /// No comment was written.
        None => ("none", "无留言"),
        /// 待审核: held until staff look at it.
        Pending => ("pending", "待审核"),
        /// 已公开: approved, shown on the public page.
        Approved => ("approved", "已公开"),
        /// 不予公开: hidden.
        Hidden => ("hidden", "不予公开"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year() -> Period {
        Period::year(2026)
    }

    fn card(f: &Facts) -> Card {
        score(f, &Weights::default(), year())
    }

    fn tenths(c: &Card, i: Indicator) -> (u32, bool) {
        c.row(i)
            .map_or((u32::MAX, false), |r| (r.tenths, r.not_applicable))
    }

    #[test]
    fn the_default_weights_total_the_countys_hundred_points() {
        let w = Weights::default();
        assert_eq!(w.total(), FULL_MARKS);
        assert!(w.totals_full_marks());
        assert_eq!(Indicator::ALL.len(), 10);
        for i in Indicator::ALL {
            assert!(!i.rule().is_empty());
        }
    }

    #[test]
    fn an_empty_period_is_not_applicable_everywhere_and_scores_full_marks() {
        let c = card(&Facts::default());
        assert_eq!(c.total_tenths, 1000);
        assert_eq!(c.total(), "100.0");
        assert!(c.rows.iter().all(|r| r.not_applicable), "{c:?}");
    }

    #[test]
    fn shares_round_half_up_in_tenths_and_never_divide_by_zero() {
        assert_eq!(share(0, 0, 20), None);
        assert_eq!(share(1, 3, 20), Some(67)); // 6.67 → 6.7
        assert_eq!(share(2, 3, 10), Some(67)); // 6.67
        assert_eq!(share(1, 8, 5), Some(6)); // 0.625 → 0.6
        assert_eq!(share(1, 16, 5), Some(3)); // 0.3125
        assert_eq!(share(3, 2, 10), Some(100)); // capped at the whole
        assert_eq!(share(0, 5, 10), Some(0));
        assert_eq!(share(5, 5, 0), Some(0));
    }

    #[test]
    fn proactive_timeliness_counts_no_date_as_not_on_time() {
        let f = Facts {
            proactive_on_time: 6,
            proactive_late: 3,
            proactive_no_date: 1,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&f), Indicator::Proactive), (120, false));
        let r = card(&f);
        let measured = &r.rows[0].measured;
        assert!(measured.contains("按时率 60.0%"), "{measured}");
    }

    #[test]
    fn coverage_is_the_share_of_assigned_rows_published() {
        let f = Facts {
            rows_assigned: 4,
            rows_covered: 3,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&f), Indicator::Coverage), (75, false));
    }

    #[test]
    fn interpretations_late_lose_their_share() {
        let f = Facts {
            interpretations: 4,
            interpretations_late: 1,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&f), Indicator::Interpretation), (75, false));
    }

    #[test]
    fn applications_score_the_on_time_share_and_list_the_outcomes() {
        let mut outcomes = OutcomeMix::default();
        for code in ["1", "1", "2", "3-4", "4-1", "6-1"] {
            outcomes.add(code);
        }
        let f = Facts {
            applications_due: 8,
            applications_on_time: 6,
            outcomes,
            ..Facts::default()
        };
        let c = card(&f);
        assert_eq!(tenths(&c, Indicator::Applications), (113, false)); // 11.25 → 11.3
        let measured = &c.rows[3].measured;
        assert!(
            measured.contains("公开 2、部分公开 1、不予公开 1、无法提供 1、不予处理 0、其他 1"),
            "{measured}"
        );
    }

    #[test]
    fn corrected_challenges_lose_their_share() {
        let f = Facts {
            challenges_decided: 4,
            challenges_corrected: 1,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&f), Indicator::Challenges), (75, false));
        let all = Facts {
            challenges_decided: 2,
            challenges_corrected: 2,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&all), Indicator::Challenges), (0, false));
    }

    #[test]
    fn messages_score_on_time_and_satisfaction_by_rating_points() {
        let f = Facts {
            messages_due: 5,
            messages_on_time: 4,
            // 非常满意 2, 满意 1, 不满意 1: (8 + 3 + 1) / 16 = 0.75.
            ratings: [2, 1, 0, 1, 0],
            ..Facts::default()
        };
        let c = card(&f);
        assert_eq!(tenths(&c, Indicator::Messages), (80, false));
        assert_eq!(tenths(&c, Indicator::Satisfaction), (38, false)); // 3.75 → 3.8
    }

    #[test]
    fn publications_over_findings_lose_their_share() {
        let f = Facts {
            published: 10,
            published_with_findings: 2,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&f), Indicator::Screening), (40, false));
    }

    #[test]
    fn training_expects_two_a_year_one_a_quarter_and_no_more_than_were_held() {
        let once = Facts {
            trainings_held: 3,
            trainings_attended: 1,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&once), Indicator::Training), (25, false));
        let q = Period::parse("2026Q2").unwrap_or(year());
        let quarter = score(&once, &Weights::default(), q);
        assert_eq!(tenths(&quarter, Indicator::Training), (50, false));
        // One held, one attended: full marks; none held: not applicable.
        let only = Facts {
            trainings_held: 1,
            trainings_attended: 1,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&only), Indicator::Training), (50, false));
        let missed = Facts {
            trainings_held: 2,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&missed), Indicator::Training), (0, false));
    }

    #[test]
    fn public_evaluation_maps_one_to_five_onto_the_weight() {
        // Two forms of three items: 5,5,5 and 3,3,3 → mean 4 → (4 − 1) / 4 = 0.75.
        let f = Facts {
            evaluations: 2,
            evaluation_items: 6,
            evaluation_sum: 24,
            ..Facts::default()
        };
        let c = card(&f);
        assert_eq!(tenths(&c, Indicator::Evaluation), (75, false));
        assert!(c.rows[9].measured.contains("平均 4.00 分"));
        let lowest = Facts {
            evaluations: 1,
            evaluation_items: 3,
            evaluation_sum: 3,
            ..Facts::default()
        };
        assert_eq!(tenths(&card(&lowest), Indicator::Evaluation), (0, false));
    }

    #[test]
    fn the_total_is_the_sum_of_the_rows_under_custom_weights() {
        let typed = [("proactive", "30"), ("evaluation", "0"), ("nonsense", "7")];
        let w = Weights::parse(typed).unwrap_or_default();
        assert_eq!(w.of(Indicator::Proactive), 30);
        // 100 − 20 + 30 − 10.
        assert_eq!(w.total(), 100);
        let more = Weights::parse([("coverage", "20")]).unwrap_or_default();
        assert_eq!(more.total(), 110);
        assert!(!more.totals_full_marks());
        let f = Facts {
            proactive_on_time: 1,
            proactive_late: 1,
            ..Facts::default()
        };
        let c = score(&f, &w, year());
        assert_eq!(tenths(&c, Indicator::Proactive), (150, false));
        assert_eq!(c.total_tenths, c.rows.iter().map(|r| r.tenths).sum::<u32>());
        assert_eq!(c.total_tenths, 1000 - 150);
        assert_eq!(Weights::from_json(&w.to_json()), w);
        assert_eq!(Weights::from_json("not json"), Weights::default());
    }

    #[test]
    fn weights_must_be_whole_non_negative_points_up_to_a_hundred() {
        for bad in ["-1", "1.5", "101", "", "十"] {
            let refused = Weights::parse([("coverage", bad)]);
            let errors = refused.err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{bad}");
            let message = errors.get("coverage").unwrap_or_default();
            assert!(message.contains("基本目录覆盖"), "{bad}: {message}");
        }
        assert!(Weights::parse([("coverage", " 0 ")]).is_ok());
    }

    #[test]
    fn ranks_share_equal_totals() {
        assert_eq!(rank(&[900, 950, 900, 700]), vec![2, 1, 2, 4]);
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn periods_read_years_and_quarters() {
        let q = Period::parse("2026q3");
        assert_eq!(
            q.as_ref().map(|p| (p.code(), p.label())),
            Ok(("2026Q3".into(), "2026年第三季度".into()))
        );
        let q = q.unwrap_or(year());
        assert_eq!(q.first_day().to_string(), "2026-07-01");
        assert_eq!(q.last_day().to_string(), "2026-09-30");
        assert_eq!(
            Period::parse("2026-Q4").map(|p| p.end().to_string()),
            Ok("2027-01-01".into())
        );
        assert_eq!(year().last_day().to_string(), "2026-12-31");
        assert!(year().contains(q.first_day()));
        for bad in ["", "26", "2026Q5", "2026Q0", "1999", "abc"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Period::choices(2025, 2026).len(), 10);
    }

    #[test]
    fn an_evaluation_needs_every_item_and_a_bounded_comment() {
        let all = |v: &'static str| move |_: &str| Some(v);
        let ok = check_evaluation(all("4"), "  很好  ");
        assert_eq!(
            ok,
            Ok(Evaluation {
                ratings: [4, 4, 4],
                comment: "很好".into()
            })
        );
        let errors = check_evaluation(all("6"), "").err().unwrap_or_default();
        assert_eq!(errors.len(), 3);
        assert!(
            errors
                .get("timely")
                .unwrap_or_default()
                .contains("公开及时")
        );
        let long = "评".repeat(MAX_EVALUATION_COMMENT_CHARS + 1);
        let errors = check_evaluation(all("3"), &long).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors.get("comment").unwrap_or_default().contains("500"));
        let none = check_evaluation(|_| None, "").err().unwrap_or_default();
        assert_eq!(none.len(), 3);
    }

    #[test]
    fn assigned_rows_with_nothing_published_score_nothing_for_timeliness() {
        let idle = Facts {
            rows_assigned: 3,
            ..Facts::default()
        };
        let card = score(&idle, &Weights::default(), Period::year(2026));
        let proactive = card
            .rows
            .iter()
            .find(|r| r.indicator == Indicator::Proactive)
            .map(|r| (r.tenths, r.not_applicable));
        assert_eq!(proactive, Some((0, false)));
        // Nothing assigned and nothing published: nothing to measure.
        let card = score(&Facts::default(), &Weights::default(), Period::year(2026));
        let proactive = card
            .rows
            .iter()
            .find(|r| r.indicator == Indicator::Proactive)
            .map(|r| r.not_applicable);
        assert_eq!(proactive, Some(true));
    }
}
