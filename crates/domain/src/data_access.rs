//! 有条件开放: a citizen's or a company's request for access to a conditionally open dataset.
//!
//! The applicant says who they are (the same checks as an application for disclosure: the ID
//! number or the 统一社会信用代码 with its checksum, the phone), why and how they will use the data
//! and for which period (at most [`MAX_PERIOD_DAYS`] days). The owning organisation answers
//! within a number of working days (a site setting, [`DEFAULT_LIMIT_WORKING_DAYS`] by default):
//! 待审核 → 已同意 (with the period granted) or 不予同意 (with a reason). An approved request is
//! 已过期 once its period has ended — derived from the dates, never stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::application::{ApplicantKind, CreditCode, IdCardNo, parse_phone};
use crate::{DomainError, ErrorCode, FieldErrors};

/// The longest period of use that may be asked for or granted, in calendar days.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// The answer's default limit in working days.
pub const DEFAULT_LIMIT_WORKING_DAYS: u32 = 10;
/// The setting holding a site's limit (`data_access.limit.<site code>`, the bare key for all).
pub const LIMIT_SETTING_KEY: &str = "data_access.limit";
/// Shortest purpose or intended use, in characters (trimmed).
pub const MIN_TEXT_CHARS: usize = 5;
/// Longest purpose or intended use, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest refusal reason, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

coded! {
    as_code
    /// Where a request stands as stored (已过期 is derived, see [`shown_status`]).
    AccessStatus {
        /// 待审核: waiting for the owning organisation.
        Pending => ("pending", "待审核"),
        /// 已同意: the period granted, a download token issued.
        Approved => ("approved", "已同意"),
        /// 不予同意: refused with a reason.
        Refused => ("refused", "不予同意"),
    }
}

/// The status shown to the applicant and to staff on `today`: 已过期 for an approved request
/// whose granted period has ended, else the stored status's label.
pub fn shown_status(
    status: AccessStatus,
    granted_to: Option<NaiveDate>,
    today: NaiveDate,
) -> &'static str {
    match (status, granted_to) {
        (AccessStatus::Approved, Some(to)) if to < today => "已过期",
        _ => status.label(),
    }
}

/// A step of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccessEvent {
    /// Received.
    Submitted {
        /// Day received.
        on: NaiveDate,
    },
    /// Approved for a period.
    Approved {
        /// Day decided.
        on: NaiveDate,
        /// First day of use.
        from: NaiveDate,
        /// Last day of use.
        to: NaiveDate,
    },
    /// Refused.
    Refused {
        /// Day decided.
        on: NaiveDate,
        /// Why.
        reason: String,
    },
    /// The applicant was shown a (new) download token.
    TokenIssued {
        /// Day shown.
        on: NaiveDate,
    },
}

impl AccessEvent {
    /// The step in Chinese, for the timeline.
    pub fn describe(&self) -> String {
        match self {
            Self::Submitted { .. } => "收到申请".to_owned(),
            Self::Approved { from, to, .. } => format!("同意使用，使用期限 {from} 至 {to}"),
            Self::Refused { reason, .. } => format!("不予同意：{reason}"),
            Self::TokenIssued { .. } => "生成数据使用凭证".to_owned(),
        }
    }
}

/// A request form as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessInput<'a> {
    /// Applicant kind code or label (自然人 or an organisation kind).
    pub applicant_kind: &'a str,
    /// Name of the person or organisation.
    pub name: &'a str,
    /// ID number (natural persons).
    pub id_number: &'a str,
    /// 统一社会信用代码 (organisations).
    pub credit_code: &'a str,
    /// Contact person (organisations).
    pub contact_person: &'a str,
    /// Phone.
    pub phone: &'a str,
    /// E-mail, optional.
    pub email: &'a str,
    /// 用途: why the data is needed.
    pub purpose: &'a str,
    /// How and where it will be used.
    pub intended_use: &'a str,
    /// First day of use (`YYYY-MM-DD`).
    pub period_from: &'a str,
    /// Last day of use (`YYYY-MM-DD`).
    pub period_to: &'a str,
}

/// What [`validate`] accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAccess {
    /// Who applies.
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
    /// Trimmed purpose.
    pub purpose: String,
    /// Trimmed intended use.
    pub intended_use: String,
    /// First day of use.
    pub period_from: NaiveDate,
    /// Last day of use.
    pub period_to: NaiveDate,
}

fn text(e: &mut FieldErrors, field: &'static str, raw: &str, missing: ErrorCode) -> String {
    let t = raw.trim();
    if t.chars().count() < MIN_TEXT_CHARS {
        e.insert(field, missing.refusal(&[("min", &MIN_TEXT_CHARS)]));
    } else if t.chars().count() > MAX_TEXT_CHARS {
        e.insert(
            field,
            ErrorCode::InputTooLong.refusal(&[("max", &MAX_TEXT_CHARS)]),
        );
    }
    t.to_owned()
}

fn date(e: &mut FieldErrors, field: &'static str, raw: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        e.insert(field, ErrorCode::DataAccessPeriodInvalid);
    }
    d
}

/// Checks a period of use: ordered, not over by `today`, at most [`MAX_PERIOD_DAYS`] long.
pub fn check_period(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if to < from {
        return Err(DomainError::invalid(
            "period_to",
            ErrorCode::DataAccessPeriodReversed,
        ));
    }
    if to < today {
        return Err(DomainError::invalid(
            "period_to",
            ErrorCode::DataAccessPeriodPast,
        ));
    }
    if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
        return Err(DomainError::with(
            "period_to",
            ErrorCode::DataAccessPeriodTooLong,
            &[("days", &MAX_PERIOD_DAYS)],
        ));
    }
    Ok(())
}

/// Checks a request's fields, every problem at once by field; the query password is checked by
/// the caller ([`crate::case::check_secret`]).
pub fn validate(f: &AccessInput<'_>, today: NaiveDate) -> Result<ValidAccess, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = ApplicantKind::parse(f.applicant_kind).ok();
    if kind.is_none() {
        e.insert(
            "applicant_kind",
            ErrorCode::ApplicationApplicantKindRequired,
        );
    }
    let name = f.name.trim();
    if name.is_empty() {
        e.insert("name", ErrorCode::ApplicationNameRequired);
    } else if name.chars().count() > crate::application::NAME_CHARS {
        e.insert(
            "name",
            ErrorCode::InputTooLong.refusal(&[("max", &crate::application::NAME_CHARS)]),
        );
    }
    let (mut id_number, mut credit_code) = (String::new(), String::new());
    match kind {
        Some(ApplicantKind::Natural) => match IdCardNo::parse(f.id_number) {
            Ok(id) => id_number = id.as_str().to_owned(),
            Err(err) => e.insert("id_number", err),
        },
        Some(_) => {
            match CreditCode::parse(f.credit_code) {
                Ok(c) => credit_code = c.as_str().to_owned(),
                Err(err) => e.insert("credit_code", err),
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
    if f.contact_person.trim().chars().count() > crate::application::CONTACT_CHARS {
        e.insert(
            "contact_person",
            ErrorCode::InputTooLong.refusal(&[("max", &crate::application::CONTACT_CHARS)]),
        );
    }
    let phone = parse_phone(f.phone)
        .map_err(|err| e.insert("phone", err))
        .ok();
    let email = f.email.trim();
    if !email.is_empty()
        && (!crate::user::valid_email(email)
            || email.chars().count() > crate::application::EMAIL_CHARS)
    {
        e.insert("email", ErrorCode::ContactEmailInvalid);
    }
    let purpose = text(
        &mut e,
        "purpose",
        f.purpose,
        ErrorCode::DataAccessPurposeRequired,
    );
    let intended_use = text(
        &mut e,
        "intended_use",
        f.intended_use,
        ErrorCode::DataAccessUseRequired,
    );
    let from = date(&mut e, "period_from", f.period_from);
    let to = date(&mut e, "period_to", f.period_to);
    if let (Some(from), Some(to)) = (from, to)
        && let Err(err) = check_period(from, to, today)
    {
        e.insert("period_to", err);
    }
    match (e.is_empty(), kind, phone, from, to) {
        (true, Some(applicant_kind), Some(phone), Some(period_from), Some(period_to)) => {
            Ok(ValidAccess {
                applicant_kind,
                name: name.to_owned(),
                id_number,
                credit_code,
                contact_person: f.contact_person.trim().to_owned(),
                phone,
                email: email.to_owned(),
                purpose,
                intended_use,
                period_from,
                period_to,
            })
        }
        _ => Err(e),
    }
}

/// The owning organisation's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// 同意 for the period `from`..=`to`.
    Approve {
        /// First day of use.
        from: NaiveDate,
        /// Last day of use.
        to: NaiveDate,
    },
    /// 不予同意 for a reason.
    Refuse {
        /// Why (required).
        reason: String,
    },
}

/// The event a decision records on `today` for a request in `status`: only a pending request is
/// decided; a period granted is checked like one asked for, a refusal needs its reason.
pub fn decide(
    status: AccessStatus,
    decision: &Decision,
    today: NaiveDate,
) -> Result<AccessEvent, DomainError> {
    if status != AccessStatus::Pending {
        return Err(DomainError::with(
            "decision",
            ErrorCode::DataAccessAlreadyDecided,
            &[("status", &status.label())],
        ));
    }
    match decision {
        Decision::Approve { from, to } => {
            check_period(*from, *to, today)?;
            Ok(AccessEvent::Approved {
                on: today,
                from: *from,
                to: *to,
            })
        }
        Decision::Refuse { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(DomainError::invalid(
                    "reason",
                    ErrorCode::DataAccessReasonRequired,
                ));
            }
            if reason.chars().count() > MAX_REASON_CHARS {
                return Err(DomainError::with(
                    "reason",
                    ErrorCode::InputTooLong,
                    &[("max", &MAX_REASON_CHARS)],
                ));
            }
            Ok(AccessEvent::Refused {
                on: today,
                reason: reason.to_owned(),
            })
        }
    }
}

/// The status after a decision's event.
pub fn status_after(event: &AccessEvent, before: AccessStatus) -> AccessStatus {
    match event {
        AccessEvent::Approved { .. } => AccessStatus::Approved,
        AccessEvent::Refused { .. } => AccessStatus::Refused,
        _ => before,
    }
}

/// Whether a grant lets its holder download on `today`: approved, and `today` within the period
/// granted; otherwise the refusal the holder is shown (403).
pub fn grant_usable(
    status: AccessStatus,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), crate::Refusal> {
    match (status, from, to) {
        (AccessStatus::Approved, Some(from), Some(to)) if from <= today && today <= to => Ok(()),
        (AccessStatus::Approved, Some(from), Some(to)) => {
            Err(ErrorCode::DataAccessTokenExpired.refusal(&[("from", &from), ("to", &to)]))
        }
        _ => Err(ErrorCode::DataAccessTokenInvalid.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn input<'a>(from: &'a str, to: &'a str) -> AccessInput<'a> {
        AccessInput {
            applicant_kind: "natural",
            name: "张三",
            id_number: "11010519491231002X",
            phone: "13800138000",
            purpose: "研究县域公共资源交易情况",
            intended_use: "仅用于课题组内部统计分析",
            period_from: from,
            period_to: to,
            ..AccessInput::default()
        }
    }

    #[test]
    fn a_request_names_who_why_and_a_period_of_at_most_a_year() {
        let today = day("2026-12-04");
        let ok = validate(&input("2026-12-04", "2027-06-30"), today).map(|v| v.period_to);
        assert_eq!(ok.ok(), Some(day("2027-06-30")));
        let fields = |f: AccessInput<'_>| -> Vec<&'static str> {
            validate(&f, today)
                .err()
                .map(|e| e.fields().collect())
                .unwrap_or_default()
        };
        assert_eq!(fields(input("2026-12-04", "2028-01-01")), ["period_to"]);
        assert_eq!(fields(input("2026-12-04", "2026-12-01")), ["period_to"]);
        assert_eq!(fields(input("2026-01-01", "2026-02-01")), ["period_to"]);
        assert_eq!(fields(input("12/04", "2026-12-31")), ["period_from"]);
        let mut bad = input("2026-12-04", "2026-12-31");
        bad.id_number = "110105194912310021";
        bad.purpose = "看看";
        assert_eq!(fields(bad), ["id_number", "purpose"]);
        let mut company = input("2026-12-04", "2026-12-31");
        company.applicant_kind = "commercial";
        assert_eq!(fields(company), ["contact_person", "credit_code"]);
    }

    #[test]
    fn only_a_pending_request_is_decided_and_a_refusal_needs_its_reason() {
        let today = day("2026-12-04");
        let approve = Decision::Approve {
            from: today,
            to: day("2027-12-03"),
        };
        assert!(matches!(
            decide(AccessStatus::Pending, &approve, today),
            Ok(AccessEvent::Approved { .. })
        ));
        assert!(decide(AccessStatus::Approved, &approve, today).is_err());
        let blank = Decision::Refuse { reason: "  ".into() };
        assert!(decide(AccessStatus::Pending, &blank, today).is_err());
        let too_long = Decision::Approve {
            from: today,
            to: day("2027-12-05"),
        };
        assert!(decide(AccessStatus::Pending, &too_long, today).is_err());
    }

    #[test]
    fn a_grant_is_usable_within_its_period_and_shows_as_expired_after() {
        let (from, to) = (day("2026-12-01"), day("2026-12-31"));
        assert!(
            grant_usable(
                AccessStatus::Approved,
                Some(from),
                Some(to),
                day("2026-12-31")
            )
            .is_ok()
        );
        let late = grant_usable(
            AccessStatus::Approved,
            Some(from),
            Some(to),
            day("2027-01-01"),
        );
        assert_eq!(
            late.err().map(|r| r.code),
            Some(ErrorCode::DataAccessTokenExpired)
        );
        assert!(grant_usable(AccessStatus::Refused, None, None, day("2026-12-02")).is_err());
        assert_eq!(
            shown_status(AccessStatus::Approved, Some(to), day("2027-01-01")),
            "已过期"
        );
        assert_eq!(
            shown_status(AccessStatus::Approved, Some(to), day("2026-12-31")),
            "已同意"
        );
    }
}
