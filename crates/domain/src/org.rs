//! Organisations: governments, their departments and townships.
//!
//! A top-level organisation (one without a parent) is a *site* in a shared deployment
//! (集约化平台). Its organ code is used later in index numbers (索引号).

use serde::Serialize;

use crate::{DomainError, ErrorCode};

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

    /// The code as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OrgCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The full name of an organisation, e.g. 乌恰县财政局.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    /// Parses a name: trimmed, 2–64 characters, no control characters.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        let chars = name.chars().count();
        if !(2..=64).contains(&chars) {
            return Err(DomainError::invalid("name", ErrorCode::OrgNameLength));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "name",
                ErrorCode::OrgNameControlCharacters,
            ));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
}

impl OrgKind {
    /// Stable code as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Government => "government",
            Self::Department => "department",
            Self::Township => "township",
        }
    }

    /// Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Government => "人民政府",
            Self::Department => "政府部门",
            Self::Township => "乡镇",
        }
    }

    /// Parses a stored code or a Chinese label.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim() {
            "government" | "人民政府" | "政府" => Ok(Self::Government),
            "department" | "政府部门" | "部门" => Ok(Self::Department),
            "township" | "乡镇" => Ok(Self::Township),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(OrgCode::parse(" wqx001 ").map(|c| c.0), Ok("WQX001".into()));
        assert!(OrgCode::parse("K45899617").is_ok());
        assert!(OrgCode::parse("W").is_err());
        assert!(OrgCode::parse("乌恰").is_err());
        assert!(OrgCode::parse("A B").is_err());
    }

    #[test]
    fn names_are_checked() {
        assert!(OrgName::parse("乌恰县财政局").is_ok());
        assert!(OrgName::parse(" 县").is_err());
        assert!(OrgName::parse(&"长".repeat(65)).is_err());
    }

    #[test]
    fn kind_is_inferred_from_position_and_name() {
        let town = OrgName::parse("吉根乡").unwrap_or_else(|e| panic!("{e}"));
        let dept = OrgName::parse("乌恰县财政局").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(OrgKind::infer(&town, true), OrgKind::Township);
        assert_eq!(OrgKind::infer(&dept, true), OrgKind::Department);
        assert_eq!(OrgKind::infer(&dept, false), OrgKind::Government);
    }
}
