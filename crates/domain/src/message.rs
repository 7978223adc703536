//! Public interaction (政民互动): messages to the government, the closed handling loop
//! (受理 → 交办 → 办理 → 回复 → 督办 → 办结 → 回访 → 评价), their time limits, ratings with
//! rectification of bad ones, spam rules, published statistics and the masking of personal
//! data on public pages.
//!
//! Every rule about a message lives here; the store records what happened and the web shows it.
//! Working-day limits use [`crate::calendar`], the same calendar as applications.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::calendar::{Calendar, CalendarError, RegionCode};
use crate::pii::PublicNumbers;
use crate::record::to_half_width;
use crate::{DomainError, ErrorCode, Refusal};

coded! {
    /// What the writer wants, as the form offers it.
    MessageKind {
        /// 咨询: a question.
        Consult => ("consult", "咨询"),
        /// 建议: a proposal.
        Suggest => ("suggest", "建议"),
        /// 投诉: a complaint.
        Complaint => ("complaint", "投诉"),
        /// 求助: a request for help.
        Help => ("help", "求助"),
        /// 其他: anything else.
        Other => ("other", "其他"),
        /// 政务公开投诉: a complaint about disclosure work (第四十七条), routed to the openness office.
        DisclosureComplaint => ("disclosure_complaint", "政务公开投诉"),
        /// 数据开放需求: a request that a dataset be opened (公众数据需求), sent from `/data/`.
        DataDemand => ("data_demand", "数据开放需求"),
    }
}

impl MessageKind {
    /// The default reply limit in working days (local practice, `regulations.md` §4): proposals
    /// 7, consultations, complaints and everything else 15. Sites override it per kind.
    pub fn default_limit_working_days(self) -> u32 {
        match self {
            Self::Suggest => 7,
            _ => 15,
        }
    }

    /// The site-setting key holding this kind's limit.
    pub fn limit_setting_key(self) -> String {
        format!("hudong.limit.{}", self.code())
    }

    /// Whether the message goes to the openness office whatever organisation was chosen.
    pub fn goes_to_openness_office(self) -> bool {
        matches!(self, Self::DisclosureComplaint)
    }
}

/// A misrouted message must be returned within this many working days of being assigned.
pub const RETURN_WINDOW_WORKING_DAYS: u32 = 2;
/// Working days a department has to rectify after a bad rating (local practice).
pub const RECTIFY_WORKING_DAYS: u32 = 15;
/// The national floor: no valid message unanswered for more than three months (国办秘函〔2019〕19号).
pub const INSPECTION_LINE_MONTHS: u32 = 3;
/// Calendar days before the three-month line at which an open message joins the watch list.
pub const WATCH_MARGIN_DAYS: i64 = 30;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest content, in characters.
pub const MAX_CONTENT_CHARS: usize = 5000;
/// Shortest content, in characters.
pub const MIN_CONTENT_CHARS: usize = 5;
/// Longest writer name, in characters.
pub const MAX_NAME_CHARS: usize = 30;
/// Longest note, reason or reply, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

coded! {
    /// Where a message stands.
    MessageStatus {
        /// 待受理: received, not yet looked at.
        Received => ("received", "待受理"),
        /// 不予受理: refused, with a reason the writer sees.
        NotAccepted => ("not_accepted", "不予受理"),
        /// 已受理: accepted, not yet assigned.
        Accepted => ("accepted", "已受理"),
        /// 办理中: assigned to a department, which handles it.
        Assigned => ("assigned", "办理中"),
        /// 已退回: the department returned it as misrouted; the office reassigns it.
        Returned => ("returned", "已退回待改派"),
        /// 答复待审核: a reply is written and waits for review.
        ReplyReview => ("reply_review", "答复待审核"),
        /// 已答复: the reviewed reply went out.
        Replied => ("replied", "已答复"),
        /// 已办结: closed.
        Closed => ("closed", "已办结"),
    }
}

impl MessageStatus {
    /// Whether the writer has had a reply.
    pub fn is_answered(self) -> bool {
        matches!(self, Self::Replied | Self::Closed)
    }

    /// Whether the message still waits for a reply (its clock runs).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::NotAccepted | Self::Replied | Self::Closed)
    }
}

coded! {
    /// The writer's rating of a reply (好差评, 国办发〔2019〕51号).
    Rating {
        /// 非常满意.
        VerySatisfied => ("very_satisfied", "非常满意"),
        /// 满意.
        Satisfied => ("satisfied", "满意"),
        /// 基本满意.
        Basic => ("basic", "基本满意"),
        /// 不满意 (a bad rating).
        Unsatisfied => ("unsatisfied", "不满意"),
        /// 非常不满意 (a bad rating).
        VeryUnsatisfied => ("very_unsatisfied", "非常不满意"),
    }
}

impl Rating {
    /// 不满意 and 非常不满意 are bad ratings: checked, rectified, the result made public.
    pub fn is_bad(self) -> bool {
        matches!(self, Self::Unsatisfied | Self::VeryUnsatisfied)
    }
}

/// A handling step recorded by staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageEvent {
    /// 受理.
    Accept,
    /// 不予受理, with the reason the writer sees.
    NotAccept {
        /// Why.
        reason: String,
    },
    /// 交办 to a department.
    Assign {
        /// The department's id.
        org_id: i64,
        /// Its name, as it was when assigned.
        org_name: String,
    },
    /// 转办退回: the department says it is not theirs (within two working days).
    Return {
        /// Why, and who it belongs to.
        reason: String,
    },
    /// 办理: a note on the work done.
    Progress {
        /// What was done.
        note: String,
    },
    /// 回复 drafted; waits for review.
    DraftReply {
        /// The reply.
        text: String,
    },
    /// The reviewer approves the reply; it goes to the writer (and the public list if allowed).
    ApproveReply {
        /// Whether the exchange appears in 留言选登 (only if the writer allowed it).
        publish: bool,
    },
    /// The reviewer sends the reply back.
    SendBackReply {
        /// What to change.
        reason: String,
    },
    /// 督办 by the openness office; each one raises the level.
    Supervise {
        /// What is asked and by when.
        note: String,
    },
    /// 办结.
    Close,
    /// 回访: what the writer said when called back.
    FollowUp {
        /// The note.
        note: String,
    },
    /// 整改 done after a bad rating.
    RectifyDone {
        /// What was done; the writer sees it.
        outcome: String,
    },
    /// The openness office checks the rectification off.
    RectifyCheck {
        /// The office's note.
        note: String,
    },
    /// Hidden from the public list (nothing is ever deleted).
    Hide {
        /// Why.
        reason: String,
    },
}

impl MessageEvent {
    /// Chinese name of the step, for timelines and the audit log.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Accept => "受理",
            Self::NotAccept { .. } => "不予受理",
            Self::Assign { .. } => "交办",
            Self::Return { .. } => "退回（转办）",
            Self::Progress { .. } => "办理",
            Self::DraftReply { .. } => "拟写答复",
            Self::ApproveReply { .. } => "审核通过并答复",
            Self::SendBackReply { .. } => "退回修改答复",
            Self::Supervise { .. } => "督办",
            Self::Close => "办结",
            Self::FollowUp { .. } => "回访",
            Self::RectifyDone { .. } => "整改完成",
            Self::RectifyCheck { .. } => "整改核查",
            Self::Hide { .. } => "不予公开展示",
        }
    }

    /// Stable code for the audit log (`message.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::NotAccept { .. } => "not_accept",
            Self::Assign { .. } => "assign",
            Self::Return { .. } => "return",
            Self::Progress { .. } => "progress",
            Self::DraftReply { .. } => "draft_reply",
            Self::ApproveReply { .. } => "approve_reply",
            Self::SendBackReply { .. } => "send_back_reply",
            Self::Supervise { .. } => "supervise",
            Self::Close => "close",
            Self::FollowUp { .. } => "follow_up",
            Self::RectifyDone { .. } => "rectify_done",
            Self::RectifyCheck { .. } => "rectify_check",
            Self::Hide { .. } => "hide",
        }
    }

    /// Whether the step belongs to the openness office (review, supervision, checks) rather
    /// than to whoever handles the message.
    pub fn needs_supervisor(&self) -> bool {
        matches!(
            self,
            Self::ApproveReply { .. }
                | Self::SendBackReply { .. }
                | Self::Supervise { .. }
                | Self::RectifyCheck { .. }
                | Self::Hide { .. }
        )
    }

    /// The free text the step carries, if any.
    fn text(&self) -> Option<(&'static str, &str)> {
        match self {
            Self::NotAccept { reason }
            | Self::Return { reason }
            | Self::SendBackReply { reason } => Some(("理由", reason)),
            Self::Hide { reason } => Some(("理由", reason)),
            Self::Progress { note }
            | Self::Supervise { note }
            | Self::FollowUp { note }
            | Self::RectifyCheck { note } => Some(("说明", note)),
            Self::DraftReply { text } => Some(("答复内容", text)),
            Self::RectifyDone { outcome } => Some(("整改情况", outcome)),
            _ => None,
        }
    }
}

/// The rectification opened by a bad rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    /// By when the department must rectify.
    pub due_on: NaiveDate,
    /// What it did (empty until done).
    pub outcome: String,
    /// When it reported done.
    pub done_on: Option<NaiveDate>,
    /// When the openness office checked it off.
    pub checked_on: Option<NaiveDate>,
}

/// What the rules need to know about a message to judge the next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFacts {
    /// Current status.
    pub status: MessageStatus,
    /// When it was last assigned, if ever.
    pub assigned_on: Option<NaiveDate>,
    /// Whether a department currently holds it.
    pub has_department: bool,
    /// Whether the exchange has been hidden from the public list.
    pub hidden: bool,
    /// The rating, once given.
    pub rating: Option<Rating>,
    /// The rectification, once opened.
    pub rectification: Option<Rectification>,
}

/// What a step changes besides the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The status after the step.
    pub status: MessageStatus,
    /// Whether the step raises the supervision level.
    pub escalates: bool,
}

fn refuse(code: ErrorCode) -> DomainError {
    DomainError::invalid("event", code)
}

/// A step refused in the message's current `status`, which the wording names.
fn refuse_in(code: ErrorCode, status: MessageStatus) -> DomainError {
    DomainError::with("event", code, &[("status", &status.label())])
}

fn require_text(event: &MessageEvent) -> Result<(), DomainError> {
    if let Some((what, text)) = event.text() {
        let n = text.trim().chars().count();
        if n == 0 {
            return Err(DomainError::with(
                "text",
                ErrorCode::MessageTextRequired,
                &[("what", &what)],
            ));
        }
        if n > MAX_NOTE_CHARS {
            return Err(DomainError::with(
                "text",
                ErrorCode::MessageTextTooLong,
                &[("what", &what), ("max", &MAX_NOTE_CHARS)],
            ));
        }
    }
    Ok(())
}

/// Judges one handling step taken on `today`: the status it leads to, or a Chinese reason why
/// it cannot be taken now. The return window is counted on `calendar`.
pub fn apply(
    facts: &MessageFacts,
    event: &MessageEvent,
    today: NaiveDate,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<Outcome, DomainError> {
    use MessageEvent as E;
    use MessageStatus as S;
    require_text(event)?;
    let status = facts.status;
    let stay = |escalates| Ok(Outcome { status, escalates });
    let to = |status| Ok(Outcome { status, escalates: false });
    match event {
        E::Accept => match status {
            S::Received => to(S::Accepted),
            _ => Err(refuse_in(ErrorCode::MessageCannotAccept, status)),
        },
        E::NotAccept { .. } => match status {
            S::Received | S::Accepted | S::Returned => to(S::NotAccepted),
            _ => Err(refuse_in(ErrorCode::MessageCannotRefuse, status)),
        },
        E::Assign { .. } => match status {
            S::Received | S::Accepted | S::Returned => to(S::Assigned),
            _ => Err(refuse_in(ErrorCode::MessageCannotAssign, status)),
        },
        E::Return { .. } => {
            if status != S::Assigned {
                return Err(refuse(ErrorCode::MessageReturnNotAssigned));
            }
            let assigned = facts
                .assigned_on
                .ok_or_else(|| refuse(ErrorCode::MessageReturnWithoutAssignment))?;
            let passed = calendar
                .working_days_between(assigned, today, region)
                .map_err(|e| e.refusal("event"))?;
            if passed > i64::from(RETURN_WINDOW_WORKING_DAYS) {
                return Err(DomainError::with(
                    "event",
                    ErrorCode::MessageReturnWindowPassed,
                    &[("days", &RETURN_WINDOW_WORKING_DAYS)],
                ));
            }
            to(S::Returned)
        }
        E::Progress { .. } => match status {
            S::Accepted | S::Assigned => stay(false),
            _ => Err(refuse_in(ErrorCode::MessageCannotRecordProgress, status)),
        },
        E::DraftReply { .. } => match status {
            S::Accepted | S::Assigned => to(S::ReplyReview),
            S::ReplyReview => Err(refuse(ErrorCode::MessageReplyUnderReview)),
            _ => Err(refuse_in(ErrorCode::MessageCannotReply, status)),
        },
        E::ApproveReply { .. } => match status {
            S::ReplyReview => to(S::Replied),
            _ => Err(refuse(ErrorCode::MessageNoReplyToReview)),
        },
        E::SendBackReply { .. } => match status {
            S::ReplyReview if facts.has_department => to(S::Assigned),
            S::ReplyReview => to(S::Accepted),
            _ => Err(refuse(ErrorCode::MessageNoReplyToReview)),
        },
        E::Supervise { .. } => {
            if status.is_open() {
                stay(true)
            } else {
                Err(refuse_in(ErrorCode::MessageSupervisionNotNeeded, status))
            }
        }
        E::Close => match status {
            S::Replied => match &facts.rectification {
                Some(r) if r.checked_on.is_none() => {
                    Err(refuse(ErrorCode::MessageRectificationUnchecked))
                }
                _ => to(S::Closed),
            },
            _ => Err(refuse(ErrorCode::MessageCloseBeforeReply)),
        },
        E::FollowUp { .. } => match status {
            S::Replied | S::Closed => stay(false),
            _ => Err(refuse(ErrorCode::MessageFollowUpBeforeReply)),
        },
        E::RectifyDone { .. } => match &facts.rectification {
            Some(r) if r.done_on.is_none() => stay(false),
            Some(_) => Err(refuse(ErrorCode::MessageRectificationRecorded)),
            None => Err(refuse(ErrorCode::MessageNoRectification)),
        },
        E::RectifyCheck { .. } => match &facts.rectification {
            Some(r) if r.done_on.is_some() && r.checked_on.is_none() => stay(false),
            Some(r) if r.done_on.is_none() => Err(refuse(ErrorCode::MessageRectificationNotDone)),
            Some(_) => Err(refuse(ErrorCode::MessageRectificationChecked)),
            None => Err(refuse(ErrorCode::MessageNoRectification)),
        },
        E::Hide { .. } => {
            if facts.hidden {
                Err(refuse(ErrorCode::MessageAlreadyHidden))
            } else {
                stay(false)
            }
        }
    }
}

/// The reviewer of a reply may not be the one who wrote it (先审查后公开).
pub fn ensure_distinct_reviewer(author: &str, reviewer: &str) -> Result<(), DomainError> {
    if author == reviewer {
        Err(refuse(ErrorCode::MessageReplySelfReview))
    } else {
        Ok(())
    }
}

/// Judges the writer's rating: only after a reply, only once. Returns the rectification a bad
/// rating opens (due [`RECTIFY_WORKING_DAYS`] working days after `today`).
pub fn rate(
    facts: &MessageFacts,
    rating: Rating,
    comment: &str,
    today: NaiveDate,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<Option<Rectification>, DomainError> {
    if !facts.status.is_answered() {
        return Err(DomainError::invalid(
            "rating",
            ErrorCode::MessageRatingBeforeReply,
        ));
    }
    if facts.rating.is_some() {
        return Err(DomainError::invalid(
            "rating",
            ErrorCode::MessageAlreadyRated,
        ));
    }
    if comment.chars().count() > 500 {
        return Err(DomainError::invalid(
            "comment",
            ErrorCode::MessageRatingCommentTooLong,
        ));
    }
    if !rating.is_bad() {
        return Ok(None);
    }
    let due_on = calendar
        .due_date(today, RECTIFY_WORKING_DAYS, region)
        .map_err(|e| e.refusal("rating"))?;
    Ok(Some(Rectification {
        due_on,
        outcome: String::new(),
        done_on: None,
        checked_on: None,
    }))
}

/// The reply due date: `limit` working days after the day the message was received, and
/// whether it is provisional (暂定: a year on the way has no calendar data yet, see
/// [`Calendar::due_date_or_provisional`]). A citizen is never told "另行告知" for want of next
/// year's schedule.
pub fn reply_due(
    received: NaiveDate,
    limit: u32,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<(NaiveDate, bool), CalendarError> {
    calendar.due_date_or_provisional(received, limit, region)
}

/// The three-month line of the national floor for a message received on `received`.
pub fn inspection_line(received: NaiveDate) -> NaiveDate {
    received
        .checked_add_months(Months::new(INSPECTION_LINE_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// Why an open message is on the watch list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Watch {
    /// Past the three-month line: the site fails inspection.
    PastLine,
    /// Within [`WATCH_MARGIN_DAYS`] of the three-month line.
    NearLine,
    /// Past its reply due date.
    Overdue,
}

impl Watch {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::PastLine => "已超过三个月未答复",
            Self::NearLine => "临近三个月时限",
            Self::Overdue => "已超期",
        }
    }
}

/// Whether an open message belongs on the watch list on `today`, and why (the gravest reason).
pub fn watch(
    status: MessageStatus,
    received: NaiveDate,
    due: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Watch> {
    if !status.is_open() {
        return None;
    }
    let line = inspection_line(received);
    if today > line {
        Some(Watch::PastLine)
    } else if (line - today).num_days() <= WATCH_MARGIN_DAYS {
        Some(Watch::NearLine)
    } else if due.is_some_and(|d| today > d) {
        Some(Watch::Overdue)
    } else {
        None
    }
}

/// A message as the writer submits it, validated by [`NewMessageInput::validate`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessageInput {
    /// Kind code or label.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Content (plain text; shown as text, never as HTML).
    pub content: String,
    /// Writer's name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail (optional).
    pub email: String,
}

/// A validated message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMessage {
    /// Kind.
    pub kind: MessageKind,
    /// Trimmed title.
    pub title: String,
    /// Trimmed content.
    pub content: String,
    /// Trimmed name.
    pub name: String,
    /// Normalised phone.
    pub phone: String,
    /// Trimmed e-mail, or empty.
    pub email: String,
}

impl NewMessageInput {
    /// Validates every field, collecting all problems as `(field, refusal)` pairs in the
    /// form's order so a form can show each beside its field.
    pub fn validate(&self) -> Result<ValidMessage, Vec<(&'static str, Refusal)>> {
        let mut errors: Vec<(&'static str, Refusal)> = Vec::new();
        let kind = MessageKind::parse(&self.kind)
            .map_err(|_| errors.push(("kind", ErrorCode::MessageKindRequired.into())))
            .ok();
        let title = self.title.trim().to_owned();
        let n = title.chars().count();
        if n == 0 {
            errors.push(("title", ErrorCode::MessageTitleRequired.into()));
        } else if n > MAX_TITLE_CHARS {
            errors.push((
                "title",
                ErrorCode::MessageTitleTooLong.refusal(&[("max", &MAX_TITLE_CHARS)]),
            ));
        }
        let content = self.content.trim().to_owned();
        let n = content.chars().count();
        if n < MIN_CONTENT_CHARS {
            errors.push((
                "content",
                ErrorCode::MessageContentTooShort.refusal(&[("min", &MIN_CONTENT_CHARS)]),
            ));
        } else if n > MAX_CONTENT_CHARS {
            errors.push((
                "content",
                ErrorCode::MessageContentTooLong.refusal(&[("max", &MAX_CONTENT_CHARS), ("n", &n)]),
            ));
        }
        let name = self.name.trim().to_owned();
        let n = name.chars().count();
        if n == 0 {
            errors.push(("name", ErrorCode::MessageNameRequired.into()));
        } else if n > MAX_NAME_CHARS {
            errors.push((
                "name",
                ErrorCode::MessageNameTooLong.refusal(&[("max", &MAX_NAME_CHARS)]),
            ));
        }
        let phone = crate::application::parse_phone(&self.phone)
            .map_err(|e| errors.push(("phone", e.into())))
            .ok();
        let email = self.email.trim().to_owned();
        if !email.is_empty() && !crate::user::valid_email(&email) {
            errors.push(("email", ErrorCode::ContactEmailInvalid.into()));
        }
        match (kind, phone) {
            (Some(kind), Some(phone)) if errors.is_empty() => Ok(ValidMessage {
                kind,
                title,
                content,
                name,
                phone,
                email,
            }),
            _ => Err(errors),
        }
    }
}

/// A fingerprint of content for the duplicate check: the same words with different spacing,
/// punctuation or full-width characters give the same fingerprint.
pub fn content_fingerprint(content: &str) -> String {
    let kept: String = to_half_width(content)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    hex::encode(Sha256::digest(kept.as_bytes()))
}

/// The blocked words (one per line of the site setting) found in `text`.
pub fn blocked_words_in(text: &str, list: &str) -> Vec<String> {
    let hay = to_half_width(text).to_lowercase();
    list.lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .filter(|w| hay.contains(&to_half_width(w).to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// A head mailbox's name as a site may set it (县长信箱, 市长信箱, 区长信箱 …): 2 to 10
/// characters ending in 信箱.
pub fn mailbox_name(raw: &str) -> Result<String, DomainError> {
    if let Ok(name) = crate::plain_name(raw, 2..=10)
        && name.ends_with("信箱")
    {
        Ok(name.to_owned())
    } else {
        Err(DomainError::with(
            "mailbox_name",
            ErrorCode::MailboxNameInvalid,
            &[],
        ))
    }
}

/// A message's text as the public sees it (its page, the list, the search index): the writer's
/// name and all other personal data masked by [`mask_personal`]; the site's own public phone
/// numbers (`allowed`) stay.
pub fn mask_public(text: &str, writer_name: &str, allowed: &PublicNumbers) -> String {
    mask_personal(text, &[writer_name], allowed)
}

/// Masks personal data for public pages: the writer's name (and any other given names) as
/// 某某, and every number and e-mail address the one detector finds ([`crate::pii`]) except
/// the site's own public phone numbers. Used for 政民互动 messages and consultation comments.
pub fn mask_personal(text: &str, names: &[&str], allowed: &PublicNumbers) -> String {
    let mut out = text.to_owned();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        out = out.replace(name, "某某");
        // A full-width copy of an ASCII name is the same name.
        let half = to_half_width(name);
        if half != name {
            out = out.replace(half.as_str(), "某某");
        }
    }
    crate::pii::mask_except(&out, allowed)
}

/// One message as the statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    /// The department (or mailbox) answering.
    pub org: String,
    /// When received.
    pub received: NaiveDate,
    /// When answered, if it was.
    pub replied: Option<NaiveDate>,
    /// The due date, if computed.
    pub due: Option<NaiveDate>,
    /// The rating, if given.
    pub rating: Option<Rating>,
}

/// Totals for one department in one month (by the month received).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatCell {
    /// Messages received.
    pub received: u32,
    /// Of them, answered.
    pub answered: u32,
    /// Of them, answered by the due date.
    pub on_time: u32,
    /// Sum of working days from receipt to answer (for the average).
    pub working_days_sum: i64,
    /// Ratings given.
    pub rated: u32,
    /// Of them, 非常满意, 满意 or 基本满意.
    pub satisfied: u32,
}

impl StatCell {
    fn add(&mut self, other: &StatCell) {
        self.received += other.received;
        self.answered += other.answered;
        self.on_time += other.on_time;
        self.working_days_sum += other.working_days_sum;
        self.rated += other.rated;
        self.satisfied += other.satisfied;
    }

    /// Average working days from receipt to answer, one decimal; `None` with no answers.
    pub fn average_working_days(&self) -> Option<f64> {
        (self.answered > 0).then(|| {
            (self.working_days_sum as f64 / f64::from(self.answered) * 10.0).round() / 10.0
        })
    }

    /// Share of answers given on time, in percent.
    pub fn on_time_percent(&self) -> Option<u32> {
        percent(self.on_time, self.answered)
    }

    /// Share of satisfied ratings, in percent.
    pub fn satisfaction_percent(&self) -> Option<u32> {
        percent(self.satisfied, self.rated)
    }
}

fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| ((f64::from(part) * 100.0 / f64::from(whole)).round()) as u32)
}

/// Published statistics: per department, per month (`YYYY-MM`), and the totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Department → totals.
    pub by_org: BTreeMap<String, StatCell>,
    /// Month → totals.
    pub by_month: BTreeMap<String, StatCell>,
    /// Everything.
    pub total: StatCell,
}

/// Aggregates the statistics; working days to answer are counted on `calendar` (a message
/// whose days cannot be counted still counts as answered, without days).
pub fn aggregate(rows: &[StatRow], calendar: &Calendar, region: Option<&RegionCode>) -> Stats {
    let mut stats = Stats::default();
    for row in rows {
        let mut cell = StatCell {
            received: 1,
            ..StatCell::default()
        };
        if let Some(replied) = row.replied {
            cell.answered = 1;
            if row.due.is_none_or(|d| replied <= d) {
                cell.on_time = 1;
            }
            cell.working_days_sum = calendar
                .working_days_between(row.received, replied, region)
                .unwrap_or(0)
                .max(0);
        }
        if let Some(r) = row.rating {
            cell.rated = 1;
            cell.satisfied = u32::from(!r.is_bad());
        }
        stats.by_org.entry(row.org.clone()).or_default().add(&cell);
        stats
            .by_month
            .entry(row.received.format("%Y-%m").to_string())
            .or_default()
            .add(&cell);
        stats.total.add(&cell);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    /// Test shorthand: the value of an accepted step, or the message of a refused one.
    trait Judged<T> {
        fn must(self) -> T;
        fn refused(self) -> String;
    }

    impl<T: std::fmt::Debug, E: std::fmt::Display> Judged<T> for Result<T, E> {
        fn must(self) -> T {
            match self {
                Ok(v) => v,
                Err(e) => panic!("refused: {e}"),
            }
        }

        fn refused(self) -> String {
            match self {
                Ok(v) => panic!("expected a refusal, got {v:?}"),
                Err(e) => e.to_string(),
            }
        }
    }

    fn facts(status: MessageStatus) -> MessageFacts {
        MessageFacts {
            status,
            assigned_on: None,
            has_department: false,
            hidden: false,
            rating: None,
            rectification: None,
        }
    }

    fn cal() -> Calendar {
        Calendar::national()
    }

    #[test]
    fn the_whole_loop_runs_in_order() {
        let c = cal();
        let today = d("2026-03-02");
        let mut f = facts(MessageStatus::Received);
        for (event, want) in [
            (MessageEvent::Accept, MessageStatus::Accepted),
            (
                MessageEvent::Assign {
                    org_id: 2,
                    org_name: "县财政局".into(),
                },
                MessageStatus::Assigned,
            ),
            (
                MessageEvent::Progress {
                    note: "已电话联系".into(),
                },
                MessageStatus::Assigned,
            ),
            (
                MessageEvent::DraftReply {
                    text: "您好……".into()
                },
                MessageStatus::ReplyReview,
            ),
            (
                MessageEvent::ApproveReply { publish: true },
                MessageStatus::Replied,
            ),
            (MessageEvent::Close, MessageStatus::Closed),
            (
                MessageEvent::FollowUp { note: "满意".into() },
                MessageStatus::Closed,
            ),
        ] {
            let out = apply(&f, &event, today, &c, None).must();
            assert_eq!(out.status, want, "{event:?}");
            f.status = out.status;
            if matches!(event, MessageEvent::Assign { .. }) {
                f.assigned_on = Some(today);
                f.has_department = true;
            }
        }
    }

    #[test]
    fn return_is_allowed_only_within_two_working_days() {
        let c = cal();
        let mut f = facts(MessageStatus::Assigned);
        // Assigned on Friday 2026-03-06; Monday and Tuesday are the two working days.
        f.assigned_on = Some(d("2026-03-06"));
        let ret = MessageEvent::Return {
            reason: "不属于本单位职责".into(),
        };
        assert_eq!(
            apply(&f, &ret, d("2026-03-10"), &c, None).must().status,
            MessageStatus::Returned
        );
        let err = apply(&f, &ret, d("2026-03-11"), &c, None).refused();
        assert!(err.to_string().contains("2 个工作日"), "{err}");
    }

    #[test]
    fn steps_out_of_order_are_refused_in_chinese() {
        let c = cal();
        let today = d("2026-03-02");
        let err = apply(
            &facts(MessageStatus::Received),
            &MessageEvent::ApproveReply { publish: true },
            today,
            &c,
            None,
        )
        .refused();
        assert_eq!(err.to_string(), "没有待审核的答复");
        let err = apply(
            &facts(MessageStatus::Received),
            &MessageEvent::Close,
            today,
            &c,
            None,
        )
        .refused();
        assert_eq!(err.to_string(), "答复之后才能办结");
        let err = apply(
            &facts(MessageStatus::Assigned),
            &MessageEvent::NotAccept { reason: " ".into() },
            today,
            &c,
            None,
        )
        .refused();
        assert_eq!(err.to_string(), "请填写理由");
    }

    #[test]
    fn supervision_escalates_open_messages_only() {
        let c = cal();
        let today = d("2026-03-02");
        let note = MessageEvent::Supervise {
            note: "请于3日内答复".into(),
        };
        assert!(
            apply(&facts(MessageStatus::Assigned), &note, today, &c, None)
                .must()
                .escalates
        );
        assert!(apply(&facts(MessageStatus::Closed), &note, today, &c, None).is_err());
    }

    #[test]
    fn sending_a_reply_back_returns_it_to_whoever_holds_the_message() {
        let c = cal();
        let today = d("2026-03-02");
        let back = MessageEvent::SendBackReply {
            reason: "请补充政策依据".into(),
        };
        let mut f = facts(MessageStatus::ReplyReview);
        assert_eq!(
            apply(&f, &back, today, &c, None).must().status,
            MessageStatus::Accepted
        );
        f.has_department = true;
        assert_eq!(
            apply(&f, &back, today, &c, None).must().status,
            MessageStatus::Assigned
        );
    }

    #[test]
    fn rating_comes_after_a_reply_once_and_a_bad_one_opens_rectification() {
        let c = cal();
        let today = d("2026-03-02");
        let err = rate(
            &facts(MessageStatus::Assigned),
            Rating::Satisfied,
            "",
            today,
            &c,
            None,
        )
        .refused();
        assert_eq!(err.to_string(), "收到答复之后才能评价");
        assert_eq!(
            rate(
                &facts(MessageStatus::Replied),
                Rating::Basic,
                "",
                today,
                &c,
                None
            )
            .must(),
            None
        );
        let Some(r) = rate(
            &facts(MessageStatus::Replied),
            Rating::VeryUnsatisfied,
            "没有解决",
            today,
            &c,
            None,
        )
        .must() else {
            panic!("a bad rating opens a rectification");
        };
        // 15 working days after Monday 2026-03-02 is Monday 2026-03-23.
        assert_eq!(r.due_on, d("2026-03-23"));
        let mut f = facts(MessageStatus::Replied);
        f.rating = Some(Rating::Satisfied);
        let err = rate(&f, Rating::Satisfied, "", today, &c, None).refused();
        assert!(err.to_string().contains("不能重复评价"));
    }

    #[test]
    fn rectification_is_done_then_checked_before_closing() {
        let c = cal();
        let today = d("2026-03-02");
        let mut f = facts(MessageStatus::Replied);
        f.rating = Some(Rating::Unsatisfied);
        f.rectification = Some(Rectification {
            due_on: d("2026-03-23"),
            outcome: String::new(),
            done_on: None,
            checked_on: None,
        });
        assert!(apply(&f, &MessageEvent::Close, today, &c, None).is_err());
        let check = MessageEvent::RectifyCheck { note: "已核实".into() };
        assert_eq!(
            apply(&f, &check, today, &c, None).refused().to_string(),
            "承办单位尚未登记整改情况"
        );
        let done = MessageEvent::RectifyDone {
            outcome: "已重新答复".into(),
        };
        apply(&f, &done, today, &c, None).must();
        if let Some(r) = f.rectification.as_mut() {
            r.done_on = Some(today);
        }
        apply(&f, &check, today, &c, None).must();
        if let Some(r) = f.rectification.as_mut() {
            r.checked_on = Some(today);
        }
        assert_eq!(
            apply(&f, &MessageEvent::Close, today, &c, None)
                .must()
                .status,
            MessageStatus::Closed
        );
    }

    #[test]
    fn limits_and_lines() {
        let c = cal();
        assert_eq!(MessageKind::Suggest.default_limit_working_days(), 7);
        assert_eq!(MessageKind::Complaint.default_limit_working_days(), 15);
        assert_eq!(
            reply_due(d("2026-09-30"), 7, &c, None).must(),
            (d("2026-10-15"), false),
            "the National Day holiday does not count"
        );
        assert_eq!(inspection_line(d("2026-11-30")), d("2027-02-28"));
        let received = d("2026-01-05");
        assert_eq!(
            watch(
                MessageStatus::Assigned,
                received,
                Some(d("2026-01-26")),
                d("2026-01-27")
            ),
            Some(Watch::Overdue)
        );
        assert_eq!(
            watch(MessageStatus::Assigned, received, None, d("2026-03-20")),
            Some(Watch::NearLine)
        );
        assert_eq!(
            watch(MessageStatus::Assigned, received, None, d("2026-04-06")),
            Some(Watch::PastLine)
        );
        assert_eq!(
            watch(MessageStatus::Replied, received, None, d("2026-04-06")),
            None
        );
    }

    #[test]
    fn validation_reports_every_field() {
        let errors = NewMessageInput {
            kind: "x".into(),
            title: "".into(),
            content: "短".into(),
            name: "".into(),
            phone: "123".into(),
            email: "not-mail".into(),
        }
        .validate()
        .err()
        .unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["kind", "title", "content", "name", "phone", "email"]
        );
        let ok = NewMessageInput {
            kind: "建议".into(),
            title: " 关于增设公交站点的建议 ".into(),
            content: "建议在县人民医院门口增设公交站点。".into(),
            name: "张三".into(),
            phone: "13812345678".into(),
            email: "".into(),
        }
        .validate()
        .map_err(|e| format!("{e:?}"))
        .must();
        assert_eq!(ok.kind, MessageKind::Suggest);
        assert_eq!(ok.title, "关于增设公交站点的建议");
    }

    #[test]
    fn personal_data_is_masked() {
        let text = "我是张三，电话13812345678，座机0908-4567890，身份证65302219800101123X，邮箱zhangsan@example.com，卡号6222021234567890123，办公室电话：4567891。";
        let masked = mask_personal(text, &["张三"], &PublicNumbers::default());
        for secret in [
            "张三",
            "13812345678",
            "0908-4567890",
            "4567890",
            "65302219800101123X",
            "zhangsan@example.com",
            "6222021234567890123",
            "4567891",
        ] {
            assert!(!masked.contains(secret), "{secret} left in {masked}");
        }
        assert!(masked.contains("某某"));
        assert!(masked.contains("138******78"), "{masked}");
        // Ordinary numbers stay: years, amounts, 文号.
        let plain = "2026年投入资金12500000元，依据国办发〔2019〕54号，将于2026-12-17前修复，编号 2026 12 17。";
        assert_eq!(
            mask_personal(plain, &["李四"], &PublicNumbers::default()),
            plain
        );
        // Full-width digits are digits too.
        assert!(
            !mask_personal("电话１３８１２３４５６７８", &[], &PublicNumbers::default())
                .contains("１２３４５６")
        );
    }

    #[test]
    fn duplicates_and_blocked_words() {
        assert_eq!(
            content_fingerprint("建议 增设公交站点！"),
            content_fingerprint("建议增设公交站点")
        );
        assert_ne!(
            content_fingerprint("建议增设公交站点"),
            content_fingerprint("建议取消公交站点")
        );
        assert_eq!(
            blocked_words_in("这里有广告链接", "广告\n\n赌博\n"),
            vec!["广告".to_owned()]
        );
        assert!(blocked_words_in("正常内容", "").is_empty());
    }

    #[test]
    fn statistics_count_on_time_days_and_satisfaction() {
        let c = cal();
        let rows = vec![
            StatRow {
                org: "县财政局".into(),
                received: d("2026-03-02"),
                replied: Some(d("2026-03-04")),
                due: Some(d("2026-03-23")),
                rating: Some(Rating::Satisfied),
            },
            StatRow {
                org: "县财政局".into(),
                received: d("2026-03-02"),
                replied: Some(d("2026-03-30")),
                due: Some(d("2026-03-23")),
                rating: Some(Rating::Unsatisfied),
            },
            StatRow {
                org: "县教育局".into(),
                received: d("2026-04-01"),
                replied: None,
                due: None,
                rating: None,
            },
        ];
        let s = aggregate(&rows, &c, None);
        let f = &s.by_org["县财政局"];
        assert_eq!((f.received, f.answered, f.on_time), (2, 2, 1));
        assert_eq!(f.average_working_days(), Some(11.0));
        assert_eq!(f.satisfaction_percent(), Some(50));
        assert_eq!(s.by_month["2026-04"].received, 1);
        assert_eq!(s.total.received, 3);
        assert_eq!(s.total.on_time_percent(), Some(50));
    }

    proptest::proptest! {
        /// Whatever text surrounds it, a mobile number never survives masking.
        #[test]
        fn a_mobile_number_never_survives(
            before in "[\\p{Han}a-z，。 ]{0,20}",
            after in "[\\p{Han}，。 ]{0,20}",
            tail in 0u64..1_000_000_000,
        ) {
            let phone = format!("13{tail:09}");
            let masked = mask_personal(&format!("{before}{phone}{after}"), &[], &PublicNumbers::default());
            proptest::prop_assert!(!masked.contains(&phone), "{}", masked);
        }
    }

    #[test]
    fn a_mailbox_name_ends_in_xinxiang() {
        assert_eq!(mailbox_name(" 市长信箱 ").ok().as_deref(), Some("市长信箱"));
        assert!(mailbox_name("市长").is_err());
        assert!(mailbox_name("").is_err());
        assert!(mailbox_name("这是一个非常非常长的名字的信箱").is_err());
    }
}
