//! Records of proactive disclosure (主动公开): kinds, catalogue metadata, validity, the review
//! workflow and the disclosure attribute decided at review.
//!
//! The workflow is 草稿 → 待审核 → 已发布 (now or at a set time) → 已撤回; a rejected submission
//! goes back to 草稿. The reviewer is never the author (先审查后公开, 谁公开谁负责). Only records
//! whose reviewer chose 主动公开 become public. [`RecordStatus::apply`] is the one place the
//! transitions are decided.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{DomainError, ErrorCode};

coded! {
    as_code
    /// What kind of information a record is; decides default columns and page layout.
    RecordKind {
        /// 政策文件.
        Policy => ("policy", "政策文件"),
        /// 规范性文件.
        Normative => ("normative", "规范性文件"),
        /// 政策解读 (links to the policy it explains).
        Interpretation => ("interpretation", "政策解读"),
        /// 通知公告.
        Notice => ("notice", "通知公告"),
        /// 工作动态.
        News => ("news", "工作动态"),
        /// 规划计划.
        Plan => ("plan", "规划计划"),
        /// 统计信息.
        Statistics => ("statistics", "统计信息"),
        /// 财政预决算.
        Budget => ("budget", "财政预决算"),
        /// 审计结果.
        Audit => ("audit", "审计结果"),
        /// 人事信息.
        Personnel => ("personnel", "人事信息"),
        /// 法律法规 (imported reference texts).
        Law => ("law", "法律法规"),
        /// 其他.
        Other => ("other", "其他"),
    }
}

impl RecordKind {
    /// Whether records of this kind are reprints (转载) of texts another authority made: a
    /// county makes no laws, so a 法律法规 record is always republished, its 来源 the real issuer.
    pub fn is_reprint(self) -> bool {
        self == RecordKind::Law
    }
}

coded! {
    as_code
    /// 有效性 of a record.
    Validity {
        /// 有效.
        Valid => ("valid", "有效"),
        /// 失效 (expired).
        Expired => ("expired", "失效"),
        /// 废止 (repealed).
        Repealed => ("repealed", "废止"),
    }
}

coded! {
    as_code
    /// How the interpretation is presented (国办发〔2016〕19号 practice).
    InterpretationForm {
        /// 文字解读.
        Text => ("text", "文字解读"),
        /// 图文解读.
        Graphic => ("graphic", "图文解读"),
        /// 音视频解读.
        Video => ("video", "音视频解读"),
    }
}

coded! {
    as_code
    /// The disclosure attribute the reviewer records (第十三–十六条).
    Disclosure {
        /// 主动公开: published on the portal.
        Proactive => ("proactive", "主动公开"),
        /// 依申请公开: released only on application.
        OnRequest => ("on_request", "依申请公开"),
        /// 不予公开: withheld, with its legal ground.
        Withheld => ("withheld", "不予公开"),
    }
}

coded! {
    as_code
    /// The legal ground for 不予公开 (第十四–十六条).
    ExemptionGround {
        /// 第十四条: 国家秘密.
        StateSecret => ("art14_secret", "第十四条 依法确定为国家秘密"),
        /// 第十四条: 法律、行政法规禁止公开.
        ProhibitedByLaw => ("art14_law", "第十四条 法律、行政法规禁止公开"),
        /// 第十四条: 危及国家安全、公共安全、经济安全、社会稳定.
        Security => ("art14_security", "第十四条 公开后可能危及国家安全、公共安全、经济安全、社会稳定"),
        /// 第十五条: 商业秘密、个人隐私.
        ThirdParty => ("art15_third_party", "第十五条 涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"),
        /// 第十六条第一款: 内部事务信息.
        InternalAffairs => ("art16_internal", "第十六条 人事管理、后勤管理、内部工作流程等内部事务信息"),
        /// 第十六条第二款: 过程性信息.
        ProcessInformation => ("art16_process", "第十六条 讨论记录、过程稿、磋商信函、请示报告等过程性信息"),
        /// 第十六条第二款: 行政执法案卷.
        EnforcementFile => ("art16_enforcement", "第十六条 行政执法案卷信息"),
    }
}

coded! {
    as_code
    /// Where a record is in its life.
    RecordStatus {
        /// 草稿: the author is working on it.
        Draft => ("draft", "草稿"),
        /// 待审核: submitted, waiting for a reviewer.
        Pending => ("pending", "待审核"),
        /// 已发布: approved; public from its publication time if 主动公开.
        Published => ("published", "已发布"),
        /// 已撤回: withdrawn with a public reason; the page stays, marked.
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

/// Something a member of staff does to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordAction {
    /// The author edits a draft.
    Edit,
    /// The author submits for review.
    Submit,
    /// A reviewer sends it back to the author.
    Reject,
    /// A reviewer approves and publishes (now or at a set time).
    Approve,
    /// A correction of published content is saved for review (a draft of the next revision).
    Revise,
    /// A reviewer other than the correction's author approves it: the new revision goes public.
    ApproveCorrection,
    /// A reviewer other than the correction's author returns it with a reason.
    ReturnCorrection,
    /// Published content is withdrawn.
    Withdraw,
}

impl RecordAction {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Edit => "修改",
            Self::Submit => "提交审核",
            Self::Reject => "退回修改",
            Self::Approve => "审核通过并发布",
            Self::Revise => "提交更正",
            Self::ApproveCorrection => "审核通过更正",
            Self::ReturnCorrection => "退回更正",
            Self::Withdraw => "撤回",
        }
    }
}

impl RecordStatus {
    /// The status after `action`, or why it is refused. `by_author` says whether the person
    /// acting wrote what is judged: the record for the draft steps, the correction for
    /// [`RecordAction::ApproveCorrection`] and [`RecordAction::ReturnCorrection`]. A reviewer can
    /// never be that author (先审查后公开 applies to every change the public sees).
    pub fn apply(self, action: RecordAction, by_author: bool) -> Result<RecordStatus, DomainError> {
        use RecordAction as A;
        use RecordStatus as S;
        let refuse = |code| Err(DomainError::invalid("status", code));
        match (self, action) {
            (S::Draft, A::Edit | A::Submit) if !by_author => {
                refuse(ErrorCode::RecordDraftAuthorOnly)
            }
            (S::Draft, A::Edit) => Ok(S::Draft),
            (S::Draft, A::Submit) => Ok(S::Pending),
            (S::Pending, A::Reject | A::Approve) if by_author => {
                refuse(ErrorCode::RecordSelfReview)
            }
            (S::Pending, A::Reject) => Ok(S::Draft),
            (S::Pending, A::Approve) => Ok(S::Published),
            (S::Published, A::Revise) => Ok(S::Published),
            (S::Published, A::ApproveCorrection | A::ReturnCorrection) if by_author => {
                refuse(ErrorCode::RecordCorrectionSelfReview)
            }
            (S::Published, A::ApproveCorrection | A::ReturnCorrection) => Ok(S::Published),
            (S::Published, A::Withdraw) => Ok(S::Withdrawn),
            (S::Draft, A::Approve) => refuse(ErrorCode::RecordNotSubmitted),
            (S::Pending, A::Edit) => refuse(ErrorCode::RecordUnderReview),
            (S::Withdrawn, _) => refuse(ErrorCode::RecordWithdrawn),
            (from, action) => Err(DomainError::with(
                "status",
                ErrorCode::RecordActionNotAllowed,
                &[("status", &from.label()), ("action", &action.label())],
            )),
        }
    }
}

coded! {
    as_code
    /// Where a correction of a published record is: waiting for a reviewer, or sent back to its
    /// author with a reason. An approved correction becomes the record's next revision.
    CorrectionStatus {
        /// 更正待审核.
        Pending => ("pending", "更正待审核"),
        /// 更正已退回: the author may change it and submit it again.
        Returned => ("returned", "更正已退回"),
    }
}

/// Where the public may meet a record: the one definition of "what the public may see".
///
/// [`Visibility::admits`] decides it for a record in memory, and the store writes the same
/// definition as SQL (`gongkai_store::records::push_visibility`), so the record page, every
/// listing and count, the feeds, the sitemap and the search follower cannot drift apart. A test in
/// the store runs every combination of status, disclosure and publication time through both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// The statuses that qualify.
    pub statuses: &'static [RecordStatus],
    /// Whether the publication time must have passed by the moment asked about.
    pub timed: bool,
}

impl Visibility {
    /// Only records the reviewer marked 主动公开 are ever public.
    pub const DISCLOSURE: Disclosure = Disclosure::Proactive;

    /// In listings, counts, year filters, interpretations, feeds and the sitemap: published and
    /// due.
    pub const LISTED: Self = Self {
        statuses: &[RecordStatus::Published],
        timed: true,
    };

    /// The record's own page and its files: a withdrawn record keeps its page, marked with the
    /// public reason for withdrawal, so links in circulation do not break silently.
    pub const PAGE: Self = Self {
        statuses: &[RecordStatus::Published, RecordStatus::Withdrawn],
        timed: true,
    };

    /// Held by the search index: published, scheduled ones included ahead of time (the search
    /// filters hits by publication time, so a scheduled record is found from its minute on).
    pub const SEARCHABLE: Self = Self {
        statuses: &[RecordStatus::Published],
        timed: false,
    };

    /// Whether a record with these facts is visible at `at`.
    pub fn admits(
        &self,
        status: RecordStatus,
        disclosure: Option<Disclosure>,
        published_at: Option<chrono::DateTime<chrono::Utc>>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        self.statuses.contains(&status)
            && disclosure == Some(Self::DISCLOSURE)
            && (!self.timed || published_at.is_some_and(|p| p <= at))
    }
}

/// How far in the past a typed publication time may lie (the form has minute precision and
/// the reviewer may take a moment to press the button); earlier would backdate publication.
pub const PUBLISH_TIME_SLACK_MINUTES: i64 = 5;

/// The publication instant a reviewer asks for: `YYYY-MM-DDTHH:MM` in Beijing time, empty for
/// now. Publication is never backdated: a time more than a few minutes past is refused, and a
/// time within them means now.
pub fn publish_time(
    raw: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, DomainError> {
    use chrono::TimeZone;
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(now);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .map_err(|_| DomainError::invalid("publish_at", ErrorCode::RecordPublishTimeFormat))?;
    let at = crate::time::beijing()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| DomainError::invalid("publish_at", ErrorCode::RecordPublishTimeInvalid))?;
    if at < now - chrono::Duration::minutes(PUBLISH_TIME_SLACK_MINUTES) {
        return Err(DomainError::invalid(
            "publish_at",
            ErrorCode::RecordPublishTimePast,
        ));
    }
    Ok(at.max(now))
}

/// Turns full-width ASCII forms (`２０２６－０１`, `ＡＢＣ`) and the ideographic space into their
/// ordinary forms, as pasted text from Chinese input methods often carries them.
pub fn to_half_width(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Parses a `YYYY-MM-DD` date typed by a person (full-width digits accepted).
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(to_half_width(raw).trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(field, ErrorCode::DateFormat))
}

/// The catalogue metadata of a record as entered by staff, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordMeta {
    /// 名称.
    pub title: String,
    /// Kind.
    pub kind: RecordKind,
    /// 文号 (may be empty).
    pub doc_number: String,
    /// 成文日期.
    pub written_on: Option<NaiveDate>,
    /// 主题分类 code (e.g. `综合政务\政务公开`).
    pub theme: String,
    /// 体裁 / 公文种类.
    pub genre: String,
    /// 主题词, separated by spaces.
    pub keywords: String,
    /// 来源.
    pub source: String,
    /// 内容概述.
    pub summary: String,
    /// 有效性.
    pub validity: Validity,
    /// 公开方式: the channels it is published through, joined with 、 (at least 政府网站).
    pub disclosure_method: String,
}

/// 公开方式 choices: the channels of 第二十三条 and 第二十四条 through which a county discloses.
pub const DISCLOSURE_METHODS: &[&str] = &[
    "政府网站",
    "政府公报",
    "政务新媒体",
    "新闻发布会",
    "广播电视",
    "报刊",
    "政务服务中心",
    "公共查阅点",
    "信息公告栏",
    "电子信息屏",
];

/// The default 公开方式: every record on this platform is on the government website.
pub const DEFAULT_DISCLOSURE_METHOD: &str = "政府网站";

/// Parses 公开方式 typed as choices joined by 、 or commas; keeps the order of
/// [`DISCLOSURE_METHODS`], drops repeats, and falls back to 政府网站 when empty.
pub fn parse_disclosure_method(raw: &str) -> Result<String, DomainError> {
    let chosen: Vec<&str> = raw
        .split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(unknown) = chosen.iter().find(|c| !DISCLOSURE_METHODS.contains(c)) {
        return Err(DomainError::with(
            "disclosure_method",
            ErrorCode::RecordDisclosureMethodUnknown,
            &[("method", unknown)],
        ));
    }
    let methods: Vec<&str> = DISCLOSURE_METHODS
        .iter()
        .copied()
        .filter(|m| chosen.contains(m))
        .collect();
    Ok(if methods.is_empty() {
        DEFAULT_DISCLOSURE_METHOD.to_owned()
    } else {
        methods.join("、")
    })
}

/// 公文种类 (中办发〔2012〕14号 第八条), offered as 体裁 choices.
pub const GENRES: &[&str] = &[
    "决议",
    "决定",
    "命令（令）",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
];

/// Raw metadata as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct RecordInput<'a> {
    /// 名称.
    pub title: &'a str,
    /// Kind code or label.
    pub kind: &'a str,
    /// 文号.
    pub doc_number: &'a str,
    /// 成文日期 `YYYY-MM-DD`.
    pub written_on: &'a str,
    /// 主题分类.
    pub theme: &'a str,
    /// 体裁.
    pub genre: &'a str,
    /// 主题词.
    pub keywords: &'a str,
    /// 来源.
    pub source: &'a str,
    /// 内容概述.
    pub summary: &'a str,
    /// 有效性 code or label; empty means 有效.
    pub validity: &'a str,
    /// 公开方式, choices joined by 、; empty means 政府网站.
    pub disclosure_method: &'a str,
}

impl RecordMeta {
    /// Validates typed metadata; `today` is the Beijing date (成文日期 cannot be after it).
    /// Returns every problem at once, keyed by field, so a form can show them all.
    pub fn parse(input: &RecordInput<'_>, today: NaiveDate) -> Result<Self, Vec<DomainError>> {
        let mut errors = Vec::new();
        let title = input.title.trim();
        let title_len = title.chars().count();
        if title_len == 0 {
            errors.push(DomainError::invalid(
                "title",
                ErrorCode::RecordTitleRequired,
            ));
        } else if title_len > 200 {
            errors.push(DomainError::invalid("title", ErrorCode::RecordTitleTooLong));
        }
        let kind = RecordKind::parse(input.kind)
            .map_err(|_| errors.push(DomainError::invalid("kind", ErrorCode::RecordKindRequired)))
            .ok();
        let doc_number = normalise_doc_number(input.doc_number);
        if doc_number.chars().count() > 64 {
            errors.push(DomainError::invalid(
                "doc_number",
                ErrorCode::RecordDocNumberTooLong,
            ));
        }
        let written_on = if input.written_on.trim().is_empty() {
            None
        } else {
            match parse_date("written_on", input.written_on) {
                Ok(d) if d > today => {
                    errors.push(DomainError::invalid(
                        "written_on",
                        ErrorCode::RecordWrittenOnFuture,
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        let validity = if input.validity.trim().is_empty() {
            Some(Validity::Valid)
        } else {
            Validity::parse(input.validity)
                .map_err(|_| {
                    errors.push(DomainError::invalid(
                        "validity",
                        ErrorCode::RecordValidityRequired,
                    ))
                })
                .ok()
        };
        for (field, value, max) in [
            ("theme", input.theme, 64),
            ("genre", input.genre, 32),
            ("keywords", input.keywords, 200),
            ("source", input.source, 100),
            ("summary", input.summary, 1000),
        ] {
            if value.trim().chars().count() > max {
                errors.push(DomainError::with(
                    field,
                    ErrorCode::InputTooLong,
                    &[("max", &max)],
                ));
            }
        }
        let disclosure_method = parse_disclosure_method(input.disclosure_method)
            .map_err(|e| errors.push(e))
            .ok();
        match (kind, validity, disclosure_method) {
            (Some(kind), Some(validity), Some(disclosure_method)) if errors.is_empty() => {
                Ok(Self {
                    title: title.to_owned(),
                    kind,
                    doc_number,
                    written_on,
                    theme: input.theme.trim().to_owned(),
                    genre: input.genre.trim().to_owned(),
                    keywords: input
                        .keywords
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    source: input.source.trim().to_owned(),
                    summary: input.summary.trim().to_owned(),
                    validity,
                    disclosure_method,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Normalises a 文号 for comparison and display: trims, turns half-width brackets and the
/// common look-alikes into 〔〕, and treats an empty placeholder (`〔〕号`) as no number.
pub fn normalise_doc_number(raw: &str) -> String {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '[' | '［' | '【' | '(' | '（' => '〔',
            ']' | '］' | '】' | ')' | '）' => '〕',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.chars().all(|c| matches!(c, '〔' | '〕' | '号')) {
        String::new()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn publication_is_never_backdated() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        assert_eq!(publish_time("", now), Ok(now));
        // 10:00 Beijing is 02:00 UTC: now.
        assert_eq!(publish_time("2026-03-01T10:00", now), Ok(now));
        // Three minutes ago is within the slack and means now.
        assert_eq!(publish_time("2026-03-01T09:57", now), Ok(now));
        assert!(publish_time("2026-03-01T09:50", now).is_err());
        assert_eq!(
            publish_time("2026-03-02T08:30", now),
            Ok(chrono::Utc.with_ymd_and_hms(2026, 3, 2, 0, 30, 0).unwrap())
        );
        assert!(publish_time("2026-13-01T08:30", now).is_err());
    }

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    #[test]
    fn the_reviewer_is_never_the_author() {
        assert!(
            RecordStatus::Pending
                .apply(RecordAction::Approve, true)
                .is_err()
        );
        assert_eq!(
            RecordStatus::Pending.apply(RecordAction::Approve, false),
            Ok(RecordStatus::Published)
        );
        assert!(
            RecordStatus::Draft
                .apply(RecordAction::Approve, false)
                .is_err(),
            "no publishing without review"
        );
        assert_eq!(
            RecordStatus::Pending.apply(RecordAction::Reject, false),
            Ok(RecordStatus::Draft)
        );
        assert_eq!(
            RecordStatus::Published.apply(RecordAction::Withdraw, false),
            Ok(RecordStatus::Withdrawn)
        );
        assert!(
            RecordStatus::Withdrawn
                .apply(RecordAction::Revise, false)
                .is_err()
        );
    }

    #[test]
    fn a_correction_is_reviewed_by_someone_other_than_its_author() {
        for action in [
            RecordAction::ApproveCorrection,
            RecordAction::ReturnCorrection,
        ] {
            assert!(
                RecordStatus::Published.apply(action, true).is_err(),
                "{action:?}: the correction's author may not judge it"
            );
            assert_eq!(
                RecordStatus::Published.apply(action, false),
                Ok(RecordStatus::Published),
                "{action:?}"
            );
            for from in [
                RecordStatus::Draft,
                RecordStatus::Pending,
                RecordStatus::Withdrawn,
            ] {
                assert!(from.apply(action, false).is_err(), "{from:?} {action:?}");
            }
        }
        assert_eq!(
            RecordStatus::Published.apply(RecordAction::Revise, true),
            Ok(RecordStatus::Published),
            "anyone who drafts may propose a correction"
        );
    }

    #[test]
    fn disclosure_methods_are_known_ordered_and_default_to_the_website() {
        assert_eq!(parse_disclosure_method(""), Ok("政府网站".to_owned()));
        assert_eq!(
            parse_disclosure_method("政府公报、政府网站，政府公报"),
            Ok("政府网站、政府公报".to_owned())
        );
        assert!(parse_disclosure_method("飞鸽传书").is_err());
    }

    #[test]
    fn only_the_author_edits_or_submits_a_draft() {
        // Otherwise a colleague with both roles could rewrite a draft and then approve it.
        for action in [RecordAction::Edit, RecordAction::Submit] {
            assert!(
                RecordStatus::Draft.apply(action, false).is_err(),
                "{action:?}"
            );
            assert!(
                RecordStatus::Draft.apply(action, true).is_ok(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn metadata_is_checked_all_at_once() {
        let input = RecordInput {
            title: "",
            kind: "nonsense",
            written_on: "2099-01-01",
            ..RecordInput::default()
        };
        let errors = RecordMeta::parse(&input, today()).err().unwrap_or_default();
        let fields: Vec<_> = errors
            .iter()
            .map(|e| match e {
                DomainError::Invalid { field, .. } => *field,
            })
            .collect();
        assert_eq!(fields, ["title", "kind", "written_on"]);
    }

    #[test]
    fn good_metadata_parses() {
        let input = RecordInput {
            title: " 乌恰县2017年政府政务公开实施方案 ",
            kind: "政策文件",
            doc_number: "乌政发[2018]12号",
            written_on: "2018-05-20",
            keywords: "政务公开  实施方案",
            ..RecordInput::default()
        };
        let meta = RecordMeta::parse(&input, today()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(meta.title, "乌恰县2017年政府政务公开实施方案");
        assert_eq!(meta.doc_number, "乌政发〔2018〕12号");
        assert_eq!(meta.keywords, "政务公开 实施方案");
        assert_eq!(meta.validity, Validity::Valid);
    }

    #[test]
    fn full_width_dates_parse() {
        assert_eq!(
            parse_date("d", "２００２-06-29").map(|d| d.to_string()),
            Ok("2002-06-29".into())
        );
        assert_eq!(to_half_width("ＡＢＣ１２３　"), "ABC123 ");
    }

    #[test]
    fn empty_doc_number_placeholders_mean_none() {
        assert_eq!(normalise_doc_number("〔〕号"), "");
        assert_eq!(
            normalise_doc_number(" 国办发（2019）54号 "),
            "国办发〔2019〕54号"
        );
    }
}
