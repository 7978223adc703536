//! Disclosure on application (依申请公开): applicants, what they ask for, the lawful outcomes as
//! the annual report counts them, the clock events and the rules that govern them, and fees.
//!
//! Every rule about an application lives here; the store records events and the web shows
//! them. Deadlines come from [`crate::calendar`]: [`clock_of`] turns recorded events into a
//! [`Clock`] whose reckoning both dates and explains the due date.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{
    CONSULTATION_WORKING_DAYS, CORRECTION_NOTICE_WORKING_DAYS, Calendar, CalendarError, Clock,
    PauseReason, RegionCode,
};
use crate::error::Arg;
use crate::{DomainError, ErrorCode, FieldErrors};

coded! {
    /// Who applies, exactly as the annual report counts applicants.
    ApplicantKind {
        /// 自然人.
        Natural => ("natural", "自然人"),
        /// 法人或其他组织 — 商业企业.
        Commercial => ("commercial", "商业企业"),
        /// 法人或其他组织 — 科研机构.
        Research => ("research", "科研机构"),
        /// 法人或其他组织 — 社会公益组织.
        PublicInterest => ("public_interest", "社会公益组织"),
        /// 法人或其他组织 — 法律服务机构.
        LegalServices => ("legal_services", "法律服务机构"),
        /// 法人或其他组织 — 其他.
        OtherOrganisation => ("other_org", "其他"),
    }
}

impl ApplicantKind {
    /// Whether the applicant is a 法人或其他组织 (needs a 统一社会信用代码 and a contact person).
    pub fn is_organisation(self) -> bool {
        self != Self::Natural
    }
}

coded! {
    /// How the applicant wants to receive the information (第二十九条 形式要求).
    DeliveryForm {
        /// 纸质邮寄.
        Post => ("post", "纸质邮寄"),
        /// 电子邮件.
        Email => ("email", "电子邮件"),
        /// 网站下载.
        Download => ("download", "网站下载"),
        /// 当面领取.
        Collect => ("collect", "当面领取"),
        /// 现场查阅.
        Inspect => ("inspect", "现场查阅"),
    }
}

coded! {
    /// The lawful outcomes (第三十六–三十九条), labels verbatim from the annual report format.
    Outcome {
        /// （一）予以公开.
        Disclosed => ("1", "予以公开"),
        /// （二）部分公开.
        PartlyDisclosed => ("2", "部分公开（区分处理的，只计这一情形，不计其他情形）"),
        /// （三）1.
        StateSecret => ("3-1", "属于国家秘密"),
        /// （三）2.
        ProhibitedByLaw => ("3-2", "其他法律行政法规禁止公开"),
        /// （三）3.
        Security => ("3-3", "危及“三安全一稳定”"),
        /// （三）4.
        ThirdPartyRights => ("3-4", "保护第三方合法权益"),
        /// （三）5.
        InternalAffairs => ("3-5", "属于三类内部事务信息"),
        /// （三）6.
        ProcessInformation => ("3-6", "属于四类过程性信息"),
        /// （三）7.
        EnforcementFile => ("3-7", "属于行政执法案卷"),
        /// （三）8.
        AdministrativeQuery => ("3-8", "属于行政查询事项"),
        /// （四）1.
        NotHeld => ("4-1", "本机关不掌握相关政府信息"),
        /// （四）2.
        NeedsCreating => ("4-2", "没有现成信息需要另行制作"),
        /// （四）3.
        StillUnclear => ("4-3", "补正后申请内容仍不明确"),
        /// （五）1.
        Petition => ("5-1", "信访举报投诉类申请"),
        /// （五）2.
        Repeated => ("5-2", "重复申请"),
        /// （五）3.
        Publication => ("5-3", "要求提供公开出版物"),
        /// （五）4.
        Excessive => ("5-4", "无正当理由大量反复申请"),
        /// （五）5.
        Confirmation => ("5-5", "要求行政机关确认或重新出具已获取信息"),
        /// （六）1.
        NoCorrection => ("6-1", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        /// （六）2.
        FeeNotPaid => ("6-2", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        /// （六）3.
        OtherHandling => ("6-3", "其他"),
    }
}

impl Outcome {
    /// The group heading of the annual report, e.g. `（三）不予公开`.
    pub fn group(self) -> &'static str {
        match self.code().as_bytes().first() {
            Some(b'1') => "（一）予以公开",
            Some(b'2') => "（二）部分公开",
            Some(b'3') => "（三）不予公开",
            Some(b'4') => "（四）无法提供",
            Some(b'5') => "（五）不予处理",
            _ => "（六）其他处理",
        }
    }

    /// How the outcome is shown: the group heading, then the item (the first two outcomes are
    /// their own group, so the heading alone says it).
    pub fn display(self) -> String {
        match self {
            Self::Disclosed | Self::PartlyDisclosed => self.group().to_owned(),
            _ => format!("{} {}", self.group(), self.label()),
        }
    }

    /// The legal ground cited in the reply letter.
    pub fn legal_ground(self) -> &'static str {
        use Outcome as O;
        match self {
            O::Disclosed => "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
            O::PartlyDisclosed => "《中华人民共和国政府信息公开条例》第三十七条",
            O::StateSecret | O::ProhibitedByLaw | O::Security => {
                "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"
            }
            O::ThirdPartyRights => {
                "《中华人民共和国政府信息公开条例》第十五条、第三十六条第（三）项"
            }
            O::InternalAffairs | O::ProcessInformation | O::EnforcementFile => {
                "《中华人民共和国政府信息公开条例》第十六条、第三十六条第（三）项"
            }
            O::AdministrativeQuery => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            O::NotHeld => "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项",
            O::NeedsCreating => "《中华人民共和国政府信息公开条例》第三十八条",
            O::StillUnclear => "《中华人民共和国政府信息公开条例》第三十条",
            O::Petition => "《中华人民共和国政府信息公开条例》第三十九条第一款",
            O::Repeated => "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
            O::Publication => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            O::Excessive => "《中华人民共和国政府信息公开条例》第三十五条",
            O::Confirmation => "《中华人民共和国政府信息公开条例》第三十九条第二款",
            O::NoCorrection => "《中华人民共和国政府信息公开条例》第三十条",
            O::FeeNotPaid => "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
            O::OtherHandling => "《中华人民共和国政府信息公开条例》",
        }
    }
}

coded! {
    /// Where an application is.
    ApplicationStatus {
        /// 已收到: stored, receipt shown, not yet registered by staff.
        Received => ("received", "已收到"),
        /// 办理中: registered and being handled.
        InProgress => ("in_progress", "办理中"),
        /// 待补正: waiting for the applicant's correction.
        AwaitingCorrection => ("awaiting_correction", "待补正"),
        /// 征求意见中: a third party or another agency is consulted.
        Consulting => ("consulting", "征求意见中"),
        /// 待缴费: a fee notice was sent.
        AwaitingFee => ("awaiting_fee", "待缴费"),
        /// 已答复: closed with an outcome.
        Replied => ("replied", "已答复"),
    }
}

/// Something that happened to an application, as recorded. Dates are Beijing dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClockEvent {
    /// Staff registered the application (登记).
    Registered {
        /// When.
        on: NaiveDate,
    },
    /// A correction notice (补正告知) was sent, with the date by which to correct.
    CorrectionRequested {
        /// When sent.
        on: NaiveDate,
        /// Last day for the correction.
        deadline: NaiveDate,
        /// What is to be corrected.
        what: String,
    },
    /// The corrected application arrived: the 20-day limit runs again in full from here,
    /// whether staff recorded it from the counter or the applicant answered online.
    CorrectionReceived {
        /// When.
        on: NaiveDate,
        /// What the applicant sent online from the status page; absent for a correction
        /// received at the counter (recorded by staff).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer: Option<CorrectionAnswer>,
    },
    /// A third party is consulted (第三十二条); the clock stops.
    ThirdPartyConsultation {
        /// When sent.
        on: NaiveDate,
        /// Who.
        party: String,
    },
    /// The third party answered; the clock runs again the next day.
    ThirdPartyAnswered {
        /// When.
        on: NaiveDate,
    },
    /// Another agency is consulted (第三十四条); the clock stops; silence for 15 working
    /// days counts as consent.
    AgencyConsultation {
        /// When sent.
        on: NaiveDate,
        /// Which agency.
        agency: String,
    },
    /// The agency answered.
    AgencyAnswered {
        /// When.
        on: NaiveDate,
    },
    /// The limit was extended by the head of the office (第三十三条).
    Extended {
        /// Working days added.
        working_days: u32,
        /// When approved.
        on: NaiveDate,
        /// Why.
        reason: String,
    },
    /// A fee notice was sent; the time until payment is not counted.
    FeeNotice {
        /// When sent.
        on: NaiveDate,
        /// Amount in yuan.
        amount_yuan: i64,
        /// How it was computed.
        basis: String,
        /// Last day to pay ([`payment_deadline`]); absent only in notices recorded before the
        /// deadline was stored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pay_by: Option<NaiveDate>,
    },
    /// The fee was paid.
    FeePaid {
        /// When.
        on: NaiveDate,
    },
    /// Transferred to the responsible organisation (its code).
    Transferred {
        /// When.
        on: NaiveDate,
        /// Organ code of the receiving organisation.
        to: String,
    },
    /// Answered with an outcome.
    Replied {
        /// When.
        on: NaiveDate,
        /// Outcome.
        outcome: Outcome,
    },
}

/// Longest online correction (补正) text, in characters.
pub const MAX_CORRECTION_CHARS: usize = 5_000;

/// What an applicant sends online in answer to a correction notice (补正): the corrected or
/// completed description and the names of the files that came with it (the files themselves
/// are kept with the application's other files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionAnswer {
    /// The text as written.
    pub text: String,
    /// Names of the attached files, in upload order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

/// Judges an online answer to the correction notice among `events`, sent on `on`: the text is
/// required and bounded, and the notice's period must not have passed (第三十条: no
/// correction in time means the application is treated as abandoned). A correction received
/// at the counter is not judged here: staff may accept one late for a 正当理由.
pub fn check_correction_answer(
    events: &[ClockEvent],
    on: NaiveDate,
    answer: &CorrectionAnswer,
) -> Result<(), DomainError> {
    let refuse = |code, args: &[Arg<'_>]| Err(DomainError::with("text", code, args));
    let deadline = events.iter().rev().find_map(|e| match e {
        ClockEvent::CorrectionRequested { deadline, .. } => Some(*deadline),
        _ => None,
    });
    let Some(deadline) = deadline else {
        return refuse(ErrorCode::ApplicationNoCorrectionRequested, &[]);
    };
    if on > deadline {
        return refuse(
            ErrorCode::ApplicationCorrectionPeriodOver,
            &[("deadline", &deadline)],
        );
    }
    let chars = answer.text.trim().chars().count();
    if chars == 0 {
        return refuse(ErrorCode::ApplicationCorrectionTextRequired, &[]);
    }
    if chars > MAX_CORRECTION_CHARS {
        return refuse(
            ErrorCode::ApplicationCorrectionTextTooLong,
            &[("max", &MAX_CORRECTION_CHARS)],
        );
    }
    Ok(())
}

impl ClockEvent {
    /// The Chinese name of the event.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Registered { .. } => "登记",
            Self::CorrectionRequested { .. } => "补正告知",
            Self::CorrectionReceived { answer: None, .. } => "收到补正",
            Self::CorrectionReceived { answer: Some(_), .. } => "申请人在线补正",
            Self::ThirdPartyConsultation { .. } => "征求第三方意见",
            Self::ThirdPartyAnswered { .. } => "第三方答复",
            Self::AgencyConsultation { .. } => "征求其他机关意见",
            Self::AgencyAnswered { .. } => "其他机关答复",
            Self::Extended { .. } => "延期答复",
            Self::FeeNotice { .. } => "收费通知",
            Self::FeePaid { .. } => "已缴费",
            Self::Transferred { .. } => "转送",
            Self::Replied { .. } => "答复",
        }
    }

    /// The day it happened.
    pub fn on(&self) -> NaiveDate {
        match self {
            Self::Registered { on }
            | Self::CorrectionRequested { on, .. }
            | Self::CorrectionReceived { on, .. }
            | Self::ThirdPartyConsultation { on, .. }
            | Self::ThirdPartyAnswered { on }
            | Self::AgencyConsultation { on, .. }
            | Self::AgencyAnswered { on }
            | Self::Extended { on, .. }
            | Self::FeeNotice { on, .. }
            | Self::FeePaid { on }
            | Self::Transferred { on, .. }
            | Self::Replied { on, .. } => *on,
        }
    }
}

/// Working days left at which an application is marked near-due (queue marks and the daily
/// digest use the same line).
pub const NEAR_DUE_WORKING_DAYS: i64 = 3;

/// Working days from `today` to the stored due date `due` (`YYYY-MM-DD`; negative when overdue),
/// counting the site's regional holidays too; over a year without calendar data, counted on
/// weekends alone like the provisional (暂定) due date itself. `None` when there is no date.
pub fn days_left(
    cal: &Calendar,
    today: NaiveDate,
    due: Option<NaiveDate>,
    region: Option<&RegionCode>,
) -> Option<i64> {
    let due = due?;
    cal.working_days_between(today, due, region)
        .ok()
        .or_else(|| {
            let years = today.min(due).year()..=today.max(due).year();
            let (provisional, _) = cal.with_provisional_years(years, region);
            provisional.working_days_between(today, due, region).ok()
        })
}

/// Working days the applicant has to pay a fee after the notice (《政府信息公开信息处理费管理办法》
/// 国办函〔2020〕109号: 自收到收费通知之日起 20 个工作日内).
pub const FEE_PAYMENT_WORKING_DAYS: u32 = 20;

/// The last day to pay a fee noticed on `on`: [`FEE_PAYMENT_WORKING_DAYS`] working days later.
pub fn payment_deadline(
    on: NaiveDate,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<NaiveDate, CalendarError> {
    calendar.due_date(on, FEE_PAYMENT_WORKING_DAYS, region)
}

/// The consultation still waiting for an answer, if any: who is consulted and the last day of
/// their 15 working days (第三十二条 for a third party, 第三十四条 for another agency). After
/// that day the pause ends by itself: an agency's silence counts as consent, and without a third
/// party's opinion the office decides by itself whether to disclose.
pub fn open_consultation(
    events: &[ClockEvent],
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<Option<(PauseReason, NaiveDate)>, CalendarError> {
    let mut open = None;
    for e in events {
        match e {
            ClockEvent::ThirdPartyConsultation { on, .. } => {
                open = Some((PauseReason::ThirdPartyConsultation, *on))
            }
            ClockEvent::AgencyConsultation { on, .. } => {
                open = Some((PauseReason::OtherAgencyConsultation, *on))
            }
            ClockEvent::ThirdPartyAnswered { .. }
            | ClockEvent::AgencyAnswered { .. }
            | ClockEvent::Replied { .. }
            | ClockEvent::Transferred { .. } => open = None,
            _ => {}
        }
    }
    open.map(|(reason, sent)| {
        calendar
            .due_date(sent, CONSULTATION_WORKING_DAYS, region)
            .map(|last| (reason, last))
    })
    .transpose()
}

/// A pause that has begun: why, its first day, and the last day it may last (consultations end
/// after 15 working days whether answered or not).
struct OpenPause {
    reason: PauseReason,
    first: NaiveDate,
    cap: Option<NaiveDate>,
}

impl OpenPause {
    fn starting(reason: PauseReason, sent: NaiveDate, cap: Option<NaiveDate>) -> Self {
        Self {
            reason,
            first: following(sent),
            cap,
        }
    }

    /// The pause closed on `last` (or at its cap, if earlier).
    fn close(self, clock: Clock, last: NaiveDate) -> Clock {
        let last = self.cap.map_or(last, |cap| cap.min(last));
        if last >= self.first {
            clock.with_pause(self.reason, self.first, Some(last))
        } else {
            // Answered the day it was sent (or capped before it began): nothing paused.
            clock
        }
    }
}

/// Builds the statutory clock from the received date and the recorded events.
///
/// A consultation (third party, 第三十二条; other agency, 第三十四条) stops the clock from the
/// day after it is sent until the answer, but never beyond the 15 working days the consulted
/// party has: an answer recorded later does not hold the clock back longer, and without an
/// answer the clock runs again by itself after those days. Waiting for a correction or for a
/// fee payment stops the clock until it arrives.
pub fn clock_of(
    received: NaiveDate,
    events: &[ClockEvent],
    region: Option<RegionCode>,
    calendar: &Calendar,
) -> Result<Clock, CalendarError> {
    let mut clock = Clock::application(received);
    if let Some(r) = region {
        clock = clock.with_region(r);
    }
    let region = clock.region.clone();
    let consultation_cap =
        |sent: NaiveDate| calendar.due_date(sent, CONSULTATION_WORKING_DAYS, region.as_ref());
    let mut open: Option<OpenPause> = None;
    for e in events {
        // A new pause first ends one still running (a lapsed consultation).
        let starts = match e {
            ClockEvent::CorrectionRequested { on, .. } => Some(OpenPause::starting(
                PauseReason::AwaitingCorrection,
                *on,
                None,
            )),
            ClockEvent::ThirdPartyConsultation { on, .. } => Some(OpenPause::starting(
                PauseReason::ThirdPartyConsultation,
                *on,
                Some(consultation_cap(*on)?),
            )),
            ClockEvent::AgencyConsultation { on, .. } => Some(OpenPause::starting(
                PauseReason::OtherAgencyConsultation,
                *on,
                Some(consultation_cap(*on)?),
            )),
            ClockEvent::FeeNotice { on, .. } => {
                Some(OpenPause::starting(PauseReason::AwaitingFee, *on, None))
            }
            _ => None,
        };
        if let Some(next) = starts {
            if let Some(previous) = open.take() {
                clock = previous.close(clock, e.on());
            }
            open = Some(next);
            continue;
        }
        match e {
            ClockEvent::CorrectionReceived { on, .. } => {
                open = None;
                clock = clock.with_restart(*on);
            }
            ClockEvent::ThirdPartyAnswered { on }
            | ClockEvent::AgencyAnswered { on }
            | ClockEvent::FeePaid { on } => {
                if let Some(pause) = open.take() {
                    clock = pause.close(clock, *on);
                }
            }
            ClockEvent::Extended { working_days, on, .. } => {
                clock = clock.with_extension(*working_days, *on)
            }
            _ => {}
        }
    }
    if let Some(pause) = open {
        clock = clock.with_pause(pause.reason, pause.first, pause.cap);
    }
    Ok(clock)
}

fn following(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
}

/// The status that governs what may happen on `on`: a consultation whose 15 working days
/// have passed without an answer no longer holds the application, so it is handled as 办理中
/// (an agency's silence counts as consent, 第三十四条; without a third party's opinion the
/// office decides, 第三十二条).
pub fn effective_status(
    status: ApplicationStatus,
    events: &[ClockEvent],
    on: NaiveDate,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<ApplicationStatus, CalendarError> {
    if status != ApplicationStatus::Consulting {
        return Ok(status);
    }
    Ok(match open_consultation(events, calendar, region)? {
        Some((_, last)) if on > last => ApplicationStatus::InProgress,
        _ => status,
    })
}

/// The status an application is in after `event`, or why the event is refused now.
/// `received`, `calendar` and `region` serve the working-day rules (the 7 days for a
/// correction notice, the consulted party's 15 days).
pub fn apply(
    status: ApplicationStatus,
    received: NaiveDate,
    events: &[ClockEvent],
    event: &ClockEvent,
    calendar: &Calendar,
    region: Option<&RegionCode>,
) -> Result<ApplicationStatus, DomainError> {
    use ApplicationStatus as S;
    use ClockEvent as E;
    let refuse = |code, args: &[Arg<'_>]| Err(DomainError::with("event", code, args));
    // A late answer to a lapsed consultation is still recorded; anything else is judged by the
    // status in force once the consulted party's days have passed.
    let status = if matches!(
        event,
        E::ThirdPartyAnswered { .. } | E::AgencyAnswered { .. }
    ) {
        status
    } else {
        effective_status(status, events, event.on(), calendar, region).map_err(cal)?
    };
    if status == S::Replied {
        return refuse(ErrorCode::ApplicationAlreadyReplied, &[]);
    }
    if event.on() < received {
        return refuse(ErrorCode::ApplicationDateBeforeReceipt, &[]);
    }
    if let Some(last) = events.last()
        && event.on() < last.on()
    {
        return refuse(
            ErrorCode::ApplicationDateBeforeLastStep,
            &[("step", &last.label()), ("date", &last.on())],
        );
    }
    match (status, event) {
        (S::Received, E::Registered { .. }) => Ok(S::InProgress),
        (S::Received, _) => refuse(ErrorCode::ApplicationNotRegistered, &[]),
        (_, E::Registered { .. }) => refuse(ErrorCode::ApplicationAlreadyRegistered, &[]),
        (S::InProgress, E::CorrectionRequested { on, deadline, what }) => {
            if events
                .iter()
                .any(|e| matches!(e, E::CorrectionRequested { .. }))
            {
                return refuse(ErrorCode::ApplicationCorrectionOnce, &[]);
            }
            let used = calendar
                .working_days_between(received, *on, region)
                .map_err(cal)?;
            if used > i64::from(CORRECTION_NOTICE_WORKING_DAYS) {
                return refuse(
                    ErrorCode::ApplicationCorrectionWindowClosed,
                    &[("days", &CORRECTION_NOTICE_WORKING_DAYS), ("used", &used)],
                );
            }
            if deadline <= on {
                return refuse(ErrorCode::ApplicationCorrectionDeadlineEarly, &[]);
            }
            if what.trim().is_empty() {
                return refuse(ErrorCode::ApplicationCorrectionItemsRequired, &[]);
            }
            Ok(S::AwaitingCorrection)
        }
        (S::AwaitingCorrection, E::CorrectionReceived { on, answer }) => {
            if let Some(answer) = answer {
                check_correction_answer(events, *on, answer)?;
            }
            Ok(S::InProgress)
        }
        (S::InProgress, E::ThirdPartyConsultation { party, .. })
        | (S::InProgress, E::AgencyConsultation { agency: party, .. }) => {
            if party.trim().is_empty() {
                return refuse(ErrorCode::ApplicationConsultedPartyRequired, &[]);
            }
            Ok(S::Consulting)
        }
        (S::Consulting, E::ThirdPartyAnswered { .. }) => match events.iter().rev().find(|e| {
            matches!(
                e,
                E::ThirdPartyConsultation { .. } | E::AgencyConsultation { .. }
            )
        }) {
            Some(E::ThirdPartyConsultation { .. }) => Ok(S::InProgress),
            _ => refuse(ErrorCode::ApplicationConsultingAgency, &[]),
        },
        (S::Consulting, E::AgencyAnswered { .. }) => match events.iter().rev().find(|e| {
            matches!(
                e,
                E::ThirdPartyConsultation { .. } | E::AgencyConsultation { .. }
            )
        }) {
            Some(E::AgencyConsultation { .. }) => Ok(S::InProgress),
            _ => refuse(ErrorCode::ApplicationConsultingThirdParty, &[]),
        },
        (S::InProgress, E::Extended { working_days, reason, .. }) => {
            let used: u32 = events
                .iter()
                .filter_map(|e| match e {
                    E::Extended { working_days, .. } => Some(*working_days),
                    _ => None,
                })
                .sum();
            if *working_days == 0
                || used + working_days > crate::calendar::MAX_EXTENSION_WORKING_DAYS
            {
                return refuse(
                    ErrorCode::ApplicationExtensionTooLong,
                    &[
                        ("max", &crate::calendar::MAX_EXTENSION_WORKING_DAYS),
                        ("used", &used),
                    ],
                );
            }
            if reason.trim().is_empty() {
                return refuse(ErrorCode::ApplicationExtensionReasonRequired, &[]);
            }
            Ok(S::InProgress)
        }
        (
            S::InProgress,
            E::FeeNotice {
                on, amount_yuan, pay_by, ..
            },
        ) => {
            if *amount_yuan <= 0 {
                return refuse(ErrorCode::ApplicationFeeNotChargeable, &[]);
            }
            if pay_by.is_none_or(|d| d <= *on) {
                return refuse(ErrorCode::ApplicationFeeDeadlineRequired, &[]);
            }
            Ok(S::AwaitingFee)
        }
        (S::AwaitingFee, E::FeePaid { .. }) => Ok(S::InProgress),
        (S::InProgress, E::Transferred { to, .. }) => {
            if to.trim().is_empty() {
                return refuse(ErrorCode::ApplicationTransferTargetRequired, &[]);
            }
            Ok(S::Replied)
        }
        (
            S::AwaitingCorrection,
            E::Replied {
                on,
                outcome: Outcome::NoCorrection,
            },
        ) => {
            let deadline = events.iter().rev().find_map(|e| match e {
                E::CorrectionRequested { deadline, .. } => Some(*deadline),
                _ => None,
            });
            match deadline {
                Some(d) if *on <= d => refuse(
                    ErrorCode::ApplicationCorrectionPeriodRunning,
                    &[("deadline", &d)],
                ),
                _ => Ok(S::Replied),
            }
        }
        (
            S::AwaitingCorrection,
            E::Replied {
                outcome: Outcome::StillUnclear,
                ..
            },
        ) => refuse(ErrorCode::ApplicationCorrectionNotReceived, &[]),
        (
            S::AwaitingFee,
            E::Replied {
                on,
                outcome: Outcome::FeeNotPaid,
            },
        ) => {
            let pay_by = events.iter().rev().find_map(|e| match e {
                E::FeeNotice { pay_by, .. } => Some(*pay_by),
                _ => None,
            });
            match pay_by.flatten() {
                Some(d) if *on <= d => refuse(
                    ErrorCode::ApplicationPaymentPeriodRunning,
                    &[("deadline", &d)],
                ),
                _ => Ok(S::Replied),
            }
        }
        (S::Consulting, E::Replied { .. } | E::Transferred { .. }) => {
            match open_consultation(events, calendar, region).map_err(cal)? {
                Some((reason, last)) => refuse(
                    ErrorCode::ApplicationConsultationRunning,
                    &[
                        ("consultation", &reason.label_zh()),
                        ("days", &CONSULTATION_WORKING_DAYS),
                        ("last_day", &last),
                    ],
                ),
                None => refuse(ErrorCode::ApplicationConsultationAnswerRequired, &[]),
            }
        }
        (S::InProgress, E::Replied { outcome, .. }) => {
            if matches!(outcome, Outcome::NoCorrection) {
                return refuse(ErrorCode::ApplicationNoCorrectionRequested, &[]);
            }
            if matches!(outcome, Outcome::FeeNotPaid) {
                return refuse(ErrorCode::ApplicationNoFeeNotice, &[]);
            }
            if matches!(outcome, Outcome::StillUnclear)
                && !events
                    .iter()
                    .any(|e| matches!(e, E::CorrectionReceived { .. }))
            {
                return refuse(ErrorCode::ApplicationStillUnclearEarly, &[]);
            }
            Ok(S::Replied)
        }
        (status, event) => refuse(
            ErrorCode::ApplicationActionNotAllowed,
            &[("status", &status.label()), ("event", &event.label())],
        ),
    }
}

fn cal(e: CalendarError) -> DomainError {
    e.refusal("calendar")
}

/// How a fee is computed for one application (国办函〔2020〕109号): by piece or by volume,
/// never both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum FeeBasis {
    /// By piece: this is the applicant's `nth` application to the office this calendar month.
    Piece {
        /// 1-based position in the month.
        nth: u32,
    },
    /// By volume: pages provided.
    Volume {
        /// Pages.
        pages: u32,
    },
}

/// The fee in yuan and how it was computed.
pub fn fee(basis: FeeBasis) -> (i64, String) {
    match basis {
        FeeBasis::Piece { nth } => {
            let yuan = match nth {
                0..=10 => 0,
                11..=30 => 100,
                n => 100 * (2 + i64::from((n - 31) / 10)),
            };
            (yuan, format!("按件计收：本月第 {nth} 件申请，{yuan} 元"))
        }
        FeeBasis::Volume { pages } => {
            let p = i64::from(pages);
            let band = |from: i64, to: i64| (p.min(to) - from + 1).max(0);
            let yuan = band(31, 100) * 10 + band(101, 200) * 20 + band(201, i64::MAX) * 40;
            (
                yuan,
                format!(
                    "按量计收：共 {pages} 页（1–30 页免费，31–100 页每页 10 元，101–200 页每页 20 元，201 页起每页 40 元），{yuan} 元"
                ),
            )
        }
    }
}

/// How alike two requests are: Jaccard similarity of their character bigrams (0.0–1.0),
/// ignoring punctuation and spaces. Used to spot the same information asked for again.
pub fn similarity(a: &str, b: &str) -> f64 {
    fn grams(s: &str) -> std::collections::HashSet<(char, char)> {
        let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    }
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let inter = ga.intersection(&gb).count();
    inter as f64 / (ga.len() + gb.len() - inter) as f64
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters with a checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and checks a credit code.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        const WEIGHTS: [u32; 17] = [
            1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
        ];
        let code = crate::record::to_half_width(raw)
            .trim()
            .to_ascii_uppercase();
        let bad = || DomainError::invalid("credit_code", ErrorCode::ContactCreditCodeInvalid);
        let values: Vec<u32> = code
            .chars()
            .map(|c| CHARS.find(c).map(|i| i as u32))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(bad)?;
        if values.len() != 18 {
            return Err(bad());
        }
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(bad());
        }
        Ok(Self(code))
    }
}

text_newtype!(CreditCode, "The code.");

/// A resident ID number (18 digits, checksum, plausible birth date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IdCardNo(String);

impl IdCardNo {
    /// Parses and checks an ID number.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let id = crate::record::to_half_width(raw)
            .trim()
            .to_ascii_uppercase();
        if crate::screening::valid_id18(&id) {
            Ok(Self(id))
        } else {
            Err(DomainError::invalid(
                "id_number",
                ErrorCode::ContactIdNumberInvalid,
            ))
        }
    }

    /// Masked for staff lists: first 3 and last 4 kept.
    pub fn masked(&self) -> String {
        format!("{}***********{}", &self.0[..3], &self.0[14..])
    }
}

text_newtype!(IdCardNo, "The number.");

/// A contact phone: an 11-digit mobile or a landline with area code (digits, `-`, spaces).
pub fn parse_phone(raw: &str) -> Result<String, DomainError> {
    let p = crate::record::to_half_width(raw).trim().to_owned();
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let only_allowed = p
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ' || c == '+');
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = (10..=12).contains(&digits.len()) && digits.starts_with('0');
    if only_allowed && (mobile || landline) {
        Ok(p)
    } else {
        Err(DomainError::invalid(
            "phone",
            ErrorCode::ContactPhoneInvalid,
        ))
    }
}

/// An application form as typed, before [`validate_form`] reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplicationInput<'a> {
    /// Applicant kind code or label.
    pub applicant_kind: &'a str,
    /// Name of the person or organisation.
    pub name: &'a str,
    /// ID number, asked of natural persons.
    pub id_number: &'a str,
    /// 统一社会信用代码, asked of organisations.
    pub credit_code: &'a str,
    /// Contact person, asked of organisations.
    pub contact_person: &'a str,
    /// Contact phone.
    pub phone: &'a str,
    /// E-mail, required for delivery by e-mail.
    pub email: &'a str,
    /// Postal address, required for delivery by post.
    pub address: &'a str,
    /// Postcode.
    pub postcode: &'a str,
    /// 名称、文号或特征性描述 of the information.
    pub description: &'a str,
    /// Title or 文号 when the applicant knows it.
    pub doc_hint: &'a str,
    /// Delivery form code or label.
    pub delivery: &'a str,
}

/// What [`validate_form`] accepted: kinds parsed, numbers checked and normalised, text trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidApplication {
    /// Natural person, legal person or other organisation.
    pub applicant_kind: ApplicantKind,
    /// Trimmed name.
    pub name: String,
    /// Checked ID number (natural persons), else empty.
    pub id_number: String,
    /// Checked credit code (organisations), else empty.
    pub credit_code: String,
    /// Trimmed contact person.
    pub contact_person: String,
    /// Checked phone.
    pub phone: String,
    /// Trimmed e-mail, possibly empty.
    pub email: String,
    /// Trimmed postal address, possibly empty.
    pub address: String,
    /// Trimmed postcode, possibly empty.
    pub postcode: String,
    /// Trimmed description of the information asked for.
    pub description: String,
    /// Trimmed title or 文号 hint, possibly empty.
    pub doc_hint: String,
    /// How the applicant wants the information.
    pub delivery: DeliveryForm,
}

/// Longest applicant name, in characters.
pub const NAME_CHARS: usize = 100;
/// Longest contact person, in characters.
pub const CONTACT_CHARS: usize = 50;
/// Longest e-mail address, in characters.
pub const EMAIL_CHARS: usize = 100;
/// Longest postal address, in characters.
pub const ADDRESS_CHARS: usize = 200;
/// Longest postcode, in characters.
pub const POSTCODE_CHARS: usize = 10;
/// Longest description of the information asked for, in characters.
pub const DESCRIPTION_CHARS: usize = 5000;
/// Longest title or 文号 hint, in characters.
pub const DOC_HINT_CHARS: usize = 200;
/// Shortest description of the information asked for, in characters (trimmed).
pub const MIN_DESCRIPTION_CHARS: usize = 5;

fn too_long(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.insert(field, ErrorCode::InputTooLong.refusal(&[("max", &max)]));
    }
}

/// Checks an application's fields (the three parts of 第二十九条 and the rest), every problem at
/// once by field. Which organisation it is addressed to and the query password are checked by
/// the caller: the first needs the store, the second is [`crate::case::check_secret`].
pub fn validate_form(f: &ApplicationInput<'_>) -> Result<ValidApplication, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = ApplicantKind::parse(f.applicant_kind).ok();
    if kind.is_none() {
        e.insert(
            "applicant_kind",
            ErrorCode::ApplicationApplicantKindRequired,
        );
    }
    if f.name.trim().is_empty() {
        e.insert("name", ErrorCode::ApplicationNameRequired);
    }
    too_long(&mut e, "name", f.name, NAME_CHARS);
    let mut id_number = String::new();
    let mut credit_code = String::new();
    match kind {
        Some(ApplicantKind::Natural) => match IdCardNo::parse(f.id_number) {
            Ok(id) => id_number = id.as_str().to_owned(),
            Err(err) => {
                e.insert("id_number", err);
            }
        },
        Some(_) => {
            match CreditCode::parse(f.credit_code) {
                Ok(c) => credit_code = c.as_str().to_owned(),
                Err(err) => {
                    e.insert("credit_code", err);
                }
            }
            if f.contact_person.trim().is_empty() {
                e.insert(
                    "contact_person",
                    ErrorCode::ApplicationContactPersonRequired,
                );
            }
        }
        None => {}
    }
    too_long(&mut e, "contact_person", f.contact_person, CONTACT_CHARS);
    let phone = parse_phone(f.phone)
        .map_err(|err| e.insert("phone", err))
        .ok();
    if !f.email.trim().is_empty() && !crate::user::valid_email(f.email) {
        e.insert("email", ErrorCode::ContactEmailInvalid);
    }
    too_long(&mut e, "email", f.email, EMAIL_CHARS);
    too_long(&mut e, "address", f.address, ADDRESS_CHARS);
    too_long(&mut e, "postcode", f.postcode, POSTCODE_CHARS);
    if f.description.trim().chars().count() < MIN_DESCRIPTION_CHARS {
        e.insert("description", ErrorCode::ApplicationDescriptionRequired);
    }
    too_long(&mut e, "description", f.description, DESCRIPTION_CHARS);
    too_long(&mut e, "doc_hint", f.doc_hint, DOC_HINT_CHARS);
    let delivery = DeliveryForm::parse(f.delivery).ok();
    if delivery.is_none() {
        e.insert("delivery", ErrorCode::ApplicationDeliveryRequired);
    }
    if delivery == Some(DeliveryForm::Email) && f.email.trim().is_empty() {
        e.insert("email", ErrorCode::ApplicationEmailRequired);
    }
    if delivery == Some(DeliveryForm::Post) && f.address.trim().is_empty() {
        e.insert("address", ErrorCode::ApplicationAddressRequired);
    }
    match (e.is_empty(), kind, phone, delivery) {
        (true, Some(applicant_kind), Some(phone), Some(delivery)) => Ok(ValidApplication {
            applicant_kind,
            name: f.name.trim().to_owned(),
            id_number,
            credit_code,
            contact_person: f.contact_person.trim().to_owned(),
            phone,
            email: f.email.trim().to_owned(),
            address: f.address.trim().to_owned(),
            postcode: f.postcode.trim().to_owned(),
            description: f.description.trim().to_owned(),
            doc_hint: f.doc_hint.trim().to_owned(),
            delivery,
        }),
        _ => Err(e),
    }
}

coded! {
    /// Which challenge an applicant brought against the answer (the three groups of the annual
    /// report's section 四).
    ChallengeKind {
        /// 行政复议.
        Review => ("review", "行政复议"),
        /// 行政诉讼，未经复议直接起诉.
        DirectSuit => ("direct_suit", "行政诉讼（未经复议直接起诉）"),
        /// 行政诉讼，复议后起诉.
        SuitAfterReview => ("suit_after_review", "行政诉讼（复议后起诉）"),
    }
}

coded! {
    /// How a challenge ended (尚未审结 while it runs).
    ChallengeResult {
        /// 结果维持.
        Upheld => ("upheld", "维持"),
        /// 结果纠正.
        Corrected => ("corrected", "纠正"),
        /// 其他结果 (withdrawn, dismissed on procedure, settled …).
        Other => ("other", "其他"),
        /// 尚未审结.
        Pending => ("pending", "尚未审结"),
    }
}

/// A 行政复议 or 行政诉讼 brought over an application's answer, as the handling office records
/// it: the annual report's section 四 is counted from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// Its kind.
    pub kind: ChallengeKind,
    /// The day it was filed (Beijing date).
    pub filed_on: NaiveDate,
    /// Its result ([`ChallengeResult::Pending`] until decided).
    pub result: ChallengeResult,
    /// The day it was decided, once it was.
    pub decided_on: Option<NaiveDate>,
}

impl Challenge {
    /// A challenge filed on `filed_on` (typed as `YYYY-MM-DD`) over an application received on
    /// `received_on`, checked as of `today`: not before the application, not in the future.
    pub fn filed(
        kind: &str,
        filed_on: &str,
        received_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let kind = ChallengeKind::parse(kind)?;
        let filed_on = NaiveDate::parse_from_str(filed_on.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| *d >= received_on && *d <= today)
            .ok_or_else(|| DomainError::invalid("filed_on", ErrorCode::ChallengeDateInvalid))?;
        Ok(Self {
            kind,
            filed_on,
            result: ChallengeResult::Pending,
            decided_on: None,
        })
    }

    /// The challenge decided with `result` on `decided_on` (typed), checked as of `today`: a
    /// result other than 尚未审结 needs a day from the filing to today; 尚未审结 clears it.
    pub fn decide(
        &self,
        result: &str,
        decided_on: &str,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let result = ChallengeResult::parse(result)?;
        if result == ChallengeResult::Pending {
            return Ok(Self {
                result,
                decided_on: None,
                ..self.clone()
            });
        }
        let day = NaiveDate::parse_from_str(decided_on.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| *d >= self.filed_on && *d <= today)
            .ok_or_else(|| {
                DomainError::invalid("decided_on", ErrorCode::ChallengeDecisionDateInvalid)
            })?;
        Ok(Self {
            result,
            decided_on: Some(day),
            ..self.clone()
        })
    }

    /// Its result as of the end of `year`: decided by 31 December, or 尚未审结.
    pub fn result_at_end_of(&self, year: i32) -> ChallengeResult {
        match self.decided_on {
            Some(d) if d.year() <= year => self.result,
            _ => ChallengeResult::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn outcome_labels_are_the_report_labels() {
        assert_eq!(Outcome::ALL.len(), 21);
        assert_eq!(
            Outcome::parse("3-6").map(|o| o.label()),
            Ok("属于四类过程性信息")
        );
        assert_eq!(Outcome::FeeNotPaid.group(), "（六）其他处理");
        assert_eq!(ApplicantKind::ALL.len(), 6);
    }

    #[test]
    fn fees_follow_the_2020_rules() {
        assert_eq!(fee(FeeBasis::Volume { pages: 150 }).0, 1_700);
        assert_eq!(fee(FeeBasis::Volume { pages: 30 }).0, 0);
        assert_eq!(
            fee(FeeBasis::Volume { pages: 250 }).0,
            700 + 2_000 + 50 * 40
        );
        assert_eq!(fee(FeeBasis::Piece { nth: 10 }).0, 0);
        assert_eq!(fee(FeeBasis::Piece { nth: 11 }).0, 100);
        assert_eq!(fee(FeeBasis::Piece { nth: 30 }).0, 100);
        assert_eq!(fee(FeeBasis::Piece { nth: 31 }).0, 200);
        assert_eq!(fee(FeeBasis::Piece { nth: 41 }).0, 300);
    }

    #[test]
    fn correction_is_asked_once_within_seven_working_days() {
        let cal = Calendar::national();
        let received = d("2026-11-02");
        let late = ClockEvent::CorrectionRequested {
            on: d("2026-11-12"),
            deadline: d("2026-11-30"),
            what: "写明文号".into(),
        };
        assert!(
            apply(
                ApplicationStatus::InProgress,
                received,
                &[],
                &late,
                &cal,
                None
            )
            .is_err()
        );
        let ok = ClockEvent::CorrectionRequested {
            on: d("2026-11-10"),
            deadline: d("2026-11-30"),
            what: "写明文号".into(),
        };
        assert_eq!(
            apply(
                ApplicationStatus::InProgress,
                received,
                &[],
                &ok,
                &cal,
                None
            ),
            Ok(ApplicationStatus::AwaitingCorrection)
        );
    }

    #[test]
    fn a_correction_restarts_and_consultation_pauses_the_clock() {
        let cal = Calendar::national();
        let received = d("2026-11-02");
        let plain = clock_of(received, &[], None, &cal)
            .and_then(|c| c.reckon(&cal))
            .ok()
            .and_then(|r| r.due_date());
        assert_eq!(plain, Some(d("2026-11-30")));
        let events = [
            ClockEvent::CorrectionRequested {
                on: d("2026-11-04"),
                deadline: d("2026-11-20"),
                what: "x".into(),
            },
            ClockEvent::CorrectionReceived {
                on: d("2026-11-09"),
                answer: None,
            },
        ];
        let due = clock_of(received, &events, None, &cal)
            .and_then(|c| c.reckon(&cal))
            .ok()
            .and_then(|r| r.due_date());
        assert_eq!(due, Some(d("2026-12-07")), "20 working days from 11-09");
    }

    fn due_of(received: NaiveDate, events: &[ClockEvent]) -> Option<NaiveDate> {
        let cal = Calendar::national();
        clock_of(received, events, None, &cal)
            .and_then(|c| c.reckon(&cal))
            .ok()
            .and_then(|r| r.due_date())
    }

    #[test]
    fn a_consultation_pauses_the_clock_for_at_most_fifteen_working_days() {
        let cal = Calendar::national();
        let received = d("2026-11-02");
        let agency = ClockEvent::AgencyConsultation {
            on: d("2026-11-03"),
            agency: "县财政局".into(),
        };
        let third = ClockEvent::ThirdPartyConsultation {
            on: d("2026-11-03"),
            party: "某某有限公司".into(),
        };
        // Sent on Tuesday 11-03 (day 1 counted); the 15 working days end on 11-24.
        assert_eq!(
            open_consultation(std::slice::from_ref(&agency), &cal, None),
            Ok(Some((
                PauseReason::OtherAgencyConsultation,
                d("2026-11-24")
            )))
        );
        assert_eq!(
            open_consultation(std::slice::from_ref(&third), &cal, None),
            Ok(Some((PauseReason::ThirdPartyConsultation, d("2026-11-24"))))
        );
        // Silence: paused 11-04 … 11-24, the other 19 days run from 11-25.
        assert_eq!(
            due_of(received, std::slice::from_ref(&agency)),
            Some(d("2026-12-21"))
        );
        assert_eq!(
            due_of(received, std::slice::from_ref(&third)),
            Some(d("2026-12-21"))
        );
        // An answer on 11-10 ends the pause then: 5 working days not counted.
        let early = [
            agency.clone(),
            ClockEvent::AgencyAnswered { on: d("2026-11-10") },
        ];
        assert_eq!(due_of(received, &early), Some(d("2026-12-07")));
        // An answer recorded after the 15 days holds nothing back beyond them.
        for late in [
            [
                agency.clone(),
                ClockEvent::AgencyAnswered { on: d("2026-12-01") },
            ],
            [
                third.clone(),
                ClockEvent::ThirdPartyAnswered { on: d("2026-12-01") },
            ],
        ] {
            assert_eq!(due_of(received, &late), Some(d("2026-12-21")));
        }
        // Before the 15 days pass the application waits; after them staff may act without an
        // answer (silence = consent for an agency; the office decides without a third party).
        for consult in [&agency, &third] {
            let events = [ClockEvent::Registered { on: received }, consult.clone()];
            let reply = |on: &str| ClockEvent::Replied {
                on: d(on),
                outcome: Outcome::Disclosed,
            };
            let s = ApplicationStatus::Consulting;
            let early = apply(s, received, &events, &reply("2026-11-24"), &cal, None);
            assert!(
                early
                    .as_ref()
                    .is_err_and(|e| e.to_string().contains("2026-11-24")),
                "{early:?}"
            );
            assert_eq!(
                apply(s, received, &events, &reply("2026-11-25"), &cal, None),
                Ok(ApplicationStatus::Replied)
            );
            let extend = ClockEvent::Extended {
                working_days: 5,
                on: d("2026-11-25"),
                reason: "需要汇总".into(),
            };
            assert_eq!(
                apply(s, received, &events, &extend, &cal, None),
                Ok(ApplicationStatus::InProgress)
            );
            assert_eq!(
                effective_status(s, &events, d("2026-11-25"), &cal, None),
                Ok(ApplicationStatus::InProgress)
            );
            assert_eq!(
                effective_status(s, &events, d("2026-11-24"), &cal, None),
                Ok(ApplicationStatus::Consulting)
            );
        }
        // A late answer is still recorded.
        let late_answer = ClockEvent::ThirdPartyAnswered { on: d("2026-12-01") };
        assert_eq!(
            apply(
                ApplicationStatus::Consulting,
                received,
                std::slice::from_ref(&third),
                &late_answer,
                &cal,
                None
            ),
            Ok(ApplicationStatus::InProgress)
        );
    }

    #[test]
    fn an_online_correction_restarts_the_clock_like_one_at_the_counter_until_the_deadline() {
        let cal = Calendar::national();
        let received = d("2026-11-02");
        let asked = [ClockEvent::CorrectionRequested {
            on: d("2026-11-04"),
            deadline: d("2026-11-20"),
            what: "写明文号".into(),
        }];
        let s = ApplicationStatus::AwaitingCorrection;
        let online = |on: &str, text: &str| ClockEvent::CorrectionReceived {
            on: d(on),
            answer: Some(CorrectionAnswer {
                text: text.into(),
                files: vec!["批复.pdf".into()],
            }),
        };
        assert_eq!(
            apply(
                s,
                received,
                &asked,
                &online("2026-11-20", "文号为乌财发〔2026〕3号"),
                &cal,
                None
            ),
            Ok(ApplicationStatus::InProgress)
        );
        let late = apply(
            s,
            received,
            &asked,
            &online("2026-11-23", "文号"),
            &cal,
            None,
        );
        assert!(late.is_err_and(|e| e.error_code() == ErrorCode::ApplicationCorrectionPeriodOver));
        let empty = apply(s, received, &asked, &online("2026-11-10", "  "), &cal, None);
        assert!(
            empty.is_err_and(|e| e.error_code() == ErrorCode::ApplicationCorrectionTextRequired)
        );
        // The same restart as a correction recorded at the counter: one rule.
        let due = |e: ClockEvent| {
            let mut events = asked.to_vec();
            events.push(e);
            clock_of(received, &events, None, &cal)
                .and_then(|c| c.reckon(&cal))
                .ok()
                .and_then(|r| r.due_date())
        };
        let counter = due(ClockEvent::CorrectionReceived {
            on: d("2026-11-10"),
            answer: None,
        });
        assert_eq!(counter, due(online("2026-11-10", "文号")));
        assert_eq!(counter, Some(d("2026-12-08")));
    }

    #[test]
    fn lapse_outcomes_wait_for_their_deadlines() {
        let cal = Calendar::national();
        let received = d("2026-11-02");
        let reply = |on: &str, outcome| ClockEvent::Replied { on: d(on), outcome };
        // （六）1 only once the correction period has passed.
        let asked = [ClockEvent::CorrectionRequested {
            on: d("2026-11-04"),
            deadline: d("2026-11-20"),
            what: "写明文号".into(),
        }];
        let s = ApplicationStatus::AwaitingCorrection;
        let no_correction = |on| reply(on, Outcome::NoCorrection);
        let early = apply(
            s,
            received,
            &asked,
            &no_correction("2026-11-20"),
            &cal,
            None,
        );
        assert!(early.is_err_and(|e| e.to_string().contains("2026-11-20")));
        assert_eq!(
            apply(
                s,
                received,
                &asked,
                &no_correction("2026-11-23"),
                &cal,
                None
            ),
            Ok(ApplicationStatus::Replied)
        );
        // （四）3 only after a correction was asked for and received.
        let unclear = reply("2026-11-23", Outcome::StillUnclear);
        assert!(apply(s, received, &asked, &unclear, &cal, None).is_err());
        let ip = ApplicationStatus::InProgress;
        assert!(apply(ip, received, &[], &unclear, &cal, None).is_err());
        let mut corrected = asked.to_vec();
        corrected.push(ClockEvent::CorrectionReceived {
            on: d("2026-11-10"),
            answer: None,
        });
        assert_eq!(
            apply(ip, received, &corrected, &unclear, &cal, None),
            Ok(ApplicationStatus::Replied)
        );
        // （六）2 only once the 20 working days to pay have passed; the notice carries them.
        let pay_by = payment_deadline(d("2026-11-05"), &cal, None);
        assert_eq!(pay_by, Ok(d("2026-12-03")));
        let notice = |pay_by| ClockEvent::FeeNotice {
            on: d("2026-11-05"),
            amount_yuan: 100,
            basis: "按件".into(),
            pay_by,
        };
        assert_eq!(
            apply(ip, received, &[], &notice(pay_by.clone().ok()), &cal, None),
            Ok(ApplicationStatus::AwaitingFee)
        );
        assert!(apply(ip, received, &[], &notice(None), &cal, None).is_err());
        let noticed = [notice(pay_by.ok())];
        let f = ApplicationStatus::AwaitingFee;
        let unpaid = |on| reply(on, Outcome::FeeNotPaid);
        assert!(apply(f, received, &noticed, &unpaid("2026-12-03"), &cal, None).is_err());
        assert_eq!(
            apply(f, received, &noticed, &unpaid("2026-12-04"), &cal, None),
            Ok(ApplicationStatus::Replied)
        );
        // The wait for payment is explained as such, not as a correction.
        let lines = clock_of(received, &noticed, None, &cal)
            .and_then(|c| c.reckon(&cal))
            .map(|r| r.describe_zh().join("\n"))
            .unwrap_or_default();
        assert!(
            lines.contains("等待申请人缴纳信息处理费") && !lines.contains("补正"),
            "{lines}"
        );
    }

    #[test]
    fn extensions_are_capped_and_outcomes_match_the_state() {
        let cal = Calendar::national();
        let received = d("2026-11-02");
        let ext = |n| ClockEvent::Extended {
            working_days: n,
            on: d("2026-11-20"),
            reason: "需要调取档案".into(),
        };
        assert!(
            apply(
                ApplicationStatus::InProgress,
                received,
                &[],
                &ext(21),
                &cal,
                None
            )
            .is_err()
        );
        assert!(
            apply(
                ApplicationStatus::InProgress,
                received,
                &[ext(15)],
                &ext(6),
                &cal,
                None
            )
            .is_err()
        );
        assert!(
            apply(
                ApplicationStatus::InProgress,
                received,
                &[ext(15)],
                &ext(5),
                &cal,
                None
            )
            .is_ok()
        );
        let lapse = ClockEvent::Replied {
            on: d("2026-11-25"),
            outcome: Outcome::NoCorrection,
        };
        assert!(
            apply(
                ApplicationStatus::InProgress,
                received,
                &[],
                &lapse,
                &cal,
                None
            )
            .is_err()
        );
        assert!(
            apply(
                ApplicationStatus::AwaitingCorrection,
                received,
                &[],
                &lapse,
                &cal,
                None
            )
            .is_ok()
        );
        let early = ClockEvent::Registered { on: d("2026-11-01") };
        assert!(
            apply(
                ApplicationStatus::Received,
                received,
                &[],
                &early,
                &cal,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn identity_numbers_and_codes_are_checked() {
        assert!(IdCardNo::parse("11010519491231002X").is_ok());
        assert!(IdCardNo::parse("110105194912310021").is_err());
        assert_eq!(
            IdCardNo::parse("11010519491231002x").map(|i| i.masked()),
            Ok("110***********002X".into())
        );
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91350100M000100Y44").is_err());
        assert!(parse_phone("13912345678").is_ok());
        assert!(parse_phone("0908-1234567").is_ok());
        assert!(parse_phone("12345").is_err());
    }

    #[test]
    fn similar_requests_are_spotted() {
        let a = "申请公开2025年乌恰县财政局部门预算执行情况";
        let b = "请公开乌恰县财政局2025年部门预算执行情况";
        assert!(similarity(a, b) > 0.5, "{}", similarity(a, b));
        assert!(similarity(a, "申请公开某村土地征收补偿标准") < 0.3);
    }
    fn fields_refused(f: ApplicationInput<'_>) -> Vec<&'static str> {
        validate_form(&f)
            .err()
            .map(|e| e.fields().collect())
            .unwrap_or_default()
    }

    /// `base` with one field set to `value`.
    fn with<'a>(base: ApplicationInput<'a>, field: &str, value: &'a str) -> ApplicationInput<'a> {
        let mut input = base;
        let slot = match field {
            "applicant_kind" => &mut input.applicant_kind,
            "name" => &mut input.name,
            "id_number" => &mut input.id_number,
            "credit_code" => &mut input.credit_code,
            "contact_person" => &mut input.contact_person,
            "phone" => &mut input.phone,
            "email" => &mut input.email,
            "address" => &mut input.address,
            "postcode" => &mut input.postcode,
            "description" => &mut input.description,
            "doc_hint" => &mut input.doc_hint,
            "delivery" => &mut input.delivery,
            other => panic!("no field {other}"),
        };
        *slot = value;
        input
    }

    #[test]
    fn an_application_form_is_judged_field_by_field() {
        let person = ApplicationInput {
            applicant_kind: "natural",
            name: " 李四 ",
            id_number: "11010519491231002X",
            phone: "13900000000",
            description: " 申请公开某项目的批复文件 ",
            delivery: "download",
            ..ApplicationInput::default()
        };
        let ok = validate_form(&person).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.applicant_kind, ApplicantKind::Natural);
        assert_eq!(ok.name, "李四");
        assert_eq!(ok.description, "申请公开某项目的批复文件");
        assert_eq!(ok.delivery, DeliveryForm::Download);
        let company = ApplicationInput {
            applicant_kind: "commercial",
            id_number: "",
            credit_code: "91350100M000100Y43",
            contact_person: "王五",
            ..person
        };
        let ok = validate_form(&company).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (ok.id_number.as_str(), ok.credit_code.as_str()),
            ("", "91350100M000100Y43")
        );

        let long = |n: usize| "字".repeat(n);
        let (l101, l51, l201, l11, l5001) = (long(101), long(51), long(201), long(11), long(5001));
        let table: [(ApplicationInput<'_>, &str, &str, &[&str]); 18] = [
            (person, "applicant_kind", "", &["applicant_kind"]),
            (person, "name", "  ", &["name"]),
            (person, "name", &l101, &["name"]),
            (person, "id_number", "110105194912310021", &["id_number"]),
            // An organisation is asked for its credit code and a contact person, not an ID.
            (
                company,
                "credit_code",
                "91350100M000100Y44",
                &["credit_code"],
            ),
            (company, "contact_person", " ", &["contact_person"]),
            (company, "contact_person", &l51, &["contact_person"]),
            (person, "phone", "12345", &["phone"]),
            (person, "email", "not-mail", &["email"]),
            (person, "address", &l201, &["address"]),
            (person, "postcode", &l11, &["postcode"]),
            (person, "description", " 批复 ", &["description"]),
            (person, "description", &l5001, &["description"]),
            (person, "doc_hint", &l201, &["doc_hint"]),
            (person, "delivery", "pigeon", &["delivery"]),
            (person, "delivery", "email", &["email"]),
            (person, "delivery", "post", &["address"]),
            (person, "phone", "", &["phone"]),
        ];
        for (base, field, value, fields) in table {
            let input = with(base, field, value);
            assert_eq!(fields_refused(input), fields, "{field} = {value:?}");
        }
        let blank = ApplicationInput {
            name: "",
            phone: "",
            description: "",
            delivery: "",
            ..person
        };
        assert_eq!(
            fields_refused(blank),
            ["delivery", "description", "name", "phone"]
        );
        let by_post = ApplicationInput {
            delivery: "post",
            ..person
        };
        let errors = validate_form(&by_post).err().unwrap_or_default();
        assert_eq!(errors.get("address"), Some("选择邮寄方式时请填写通讯地址"));
    }
}
