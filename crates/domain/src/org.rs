//! Organisations: governments, their departments and townships.
//!
//! A top-level organisation (one without a parent) is a *site* in a shared deployment
//! (集约化平台). Its organ code is used later in index numbers (索引号).

use serde::Serialize;

use crate::{DomainError, ErrorCode, NameFault};

/// An organ code (机构代码) such as `WQX001` or `K45899617`.
///
/// 2–32 characters of ASCII upper-case letters, digits and `-`; stored upper-case so the
/// same code typed in lower case finds the same organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OrgCode(String);

impl OrgCode {
    /// Parses and normalises a code typed by a person.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() < 2 || code.len() > 32 {
            return Err(DomainError::invalid("code", ErrorCode::OrgCodeLength));
        }
        if !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(DomainError::invalid("code", ErrorCode::OrgCodeCharacters));
        }
        Ok(Self(code))
    }
}

text_newtype!(OrgCode, "The code as stored and shown.", Display);

/// The full name of an organisation, e.g. 乌恰县财政局.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    /// Parses a name: trimmed, 2–64 characters, no control characters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match crate::plain_name(raw, 2..=64) {
            Ok(name) => Ok(Self(name.to_owned())),
            Err(NameFault::Length) => Err(DomainError::invalid("name", ErrorCode::OrgNameLength)),
            Err(NameFault::Control) => Err(DomainError::invalid(
                "name",
                ErrorCode::OrgNameControlCharacters,
            )),
        }
    }
}

text_newtype!(OrgName, "The name as stored and shown.");

/// What kind of body an organisation is; decides which disclosure duties apply later
/// (第二十一条 lists extra items for county governments and for townships).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A people's government (县人民政府): the root of a site.
    Government,
    /// A working department of the government (县财政局 …).
    Department,
    /// A township or town government (乡镇人民政府).
    Township,
    /// A vertically managed office (海关、金融、外汇管理、税务、国家安全机关 in the county):
    /// reviewed by its own organ one level up, not by the county government.
    Vertical,
}

impl OrgKind {
    /// Stable code as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Government => "government",
            Self::Department => "department",
            Self::Township => "township",
            Self::Vertical => "vertical",
        }
    }

    /// Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Government => "人民政府",
            Self::Department => "政府部门",
            Self::Township => "乡镇",
            Self::Vertical => "垂直管理机关",
        }
    }

    /// Parses a stored code or a Chinese label.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim() {
            "government" | "人民政府" | "政府" => Ok(Self::Government),
            "department" | "政府部门" | "部门" => Ok(Self::Department),
            "township" | "乡镇" => Ok(Self::Township),
            "vertical" | "垂直管理机关" | "垂直管理" => Ok(Self::Vertical),
            other => Err(DomainError::with(
                "kind",
                ErrorCode::OrgKindUnknown,
                &[("kind", &other)],
            )),
        }
    }

    /// The kind a new organisation gets when none is given: a root is a government,
    /// a child whose name ends in 乡 or 镇 is a township, any other child a department.
    pub fn infer(name: &OrgName, has_parent: bool) -> Self {
        if !has_parent {
            return Self::Government;
        }
        let n = name.as_str();
        if n.ends_with('乡')
            || n.ends_with('镇')
            || n.ends_with("乡人民政府")
            || n.ends_with("镇人民政府")
        {
            Self::Township
        } else {
            Self::Department
        }
    }
}

/// Who reviews an organisation's acts (行政复议机关), by the revised 行政复议法 (in force
/// 2024-01-01): the names the region gives. Missing names fall back to a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRegion<'a> {
    /// The county (or city, district) government the organisation belongs to, e.g.
    /// 乌恰县人民政府: the site's root government.
    pub government: &'a str,
    /// The government one level up, e.g. 克孜勒苏柯尔克孜自治州人民政府 (a site setting).
    pub upper_government: Option<&'a str>,
    /// For a vertically managed office: its own organ one level up (an organisation setting).
    pub superior_organ: Option<&'a str>,
}

/// The one body that hears an application for 行政复议 against an act of an organisation of
/// `kind` (行政复议法 第二十四条, 第二十七条): a county department's or a township's act goes
/// to the county government; the county government's own act to the government one level
/// up; a vertically managed office's act to its organ one level up. The letter names this
/// body, no longer "上一级主管部门或者本级人民政府".
pub fn reviewing_body(kind: OrgKind, region: &ReviewRegion<'_>) -> String {
    let named = |n: Option<&str>| {
        n.map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
    };
    match kind {
        OrgKind::Department | OrgKind::Township => region.government.trim().to_owned(),
        OrgKind::Government => {
            named(region.upper_government).unwrap_or_else(|| "上一级人民政府".to_owned())
        }
        OrgKind::Vertical => {
            named(region.superior_organ).unwrap_or_else(|| "上一级主管部门".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_accepts;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(OrgCode::parse(" wqx001 ").map(|c| c.0), Ok("WQX001".into()));
        assert_accepts(
            OrgCode::parse,
            &[
                ("K45899617", true),
                ("W", false),
                ("乌恰", false),
                ("A B", false),
            ],
        );
    }

    #[test]
    fn names_are_checked() {
        assert_accepts(
            OrgName::parse,
            &[
                ("乌恰县财政局", true),
                (" 县", false),
                (&"长".repeat(65), false),
            ],
        );
    }

    #[test]
    fn kind_is_inferred_from_position_and_name() {
        let town = OrgName::parse("吉根乡").unwrap_or_else(|e| panic!("{e}"));
        let dept = OrgName::parse("乌恰县财政局").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(OrgKind::infer(&town, true), OrgKind::Township);
        assert_eq!(OrgKind::infer(&dept, true), OrgKind::Department);
        assert_eq!(OrgKind::infer(&dept, false), OrgKind::Government);
    }

    #[test]
    fn the_reviewing_body_follows_the_revised_law() {
        let region = ReviewRegion {
            government: "乌恰县人民政府",
            upper_government: Some("克孜勒苏柯尔克孜自治州人民政府"),
            superior_organ: Some("国家税务总局克孜勒苏柯尔克孜自治州税务局"),
        };
        assert_eq!(
            reviewing_body(OrgKind::Department, &region),
            "乌恰县人民政府"
        );
        assert_eq!(reviewing_body(OrgKind::Township, &region), "乌恰县人民政府");
        assert_eq!(
            reviewing_body(OrgKind::Government, &region),
            "克孜勒苏柯尔克孜自治州人民政府"
        );
        assert_eq!(
            reviewing_body(OrgKind::Vertical, &region),
            "国家税务总局克孜勒苏柯尔克孜自治州税务局"
        );
        let bare = ReviewRegion {
            government: "乌恰县人民政府",
            upper_government: Some("  "),
            superior_organ: None,
        };
        assert_eq!(reviewing_body(OrgKind::Government, &bare), "上一级人民政府");
        assert_eq!(reviewing_body(OrgKind::Vertical, &bare), "上一级主管部门");
        for kind in [
            OrgKind::Department,
            OrgKind::Government,
            OrgKind::Township,
            OrgKind::Vertical,
        ] {
            assert!(!reviewing_body(kind, &region).contains("或者"));
            assert_eq!(OrgKind::parse(kind.code()), Ok(kind));
        }
    }
}
