//! Staff account inputs: user names and passwords.

use serde::Serialize;

use crate::{DomainError, ErrorCode};

/// A login name: 3–32 characters of lower-case ASCII letters, digits, `_`, `.` and `-`,
/// starting with a letter. Typed names are lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Parses and normalises a typed login name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim().to_ascii_lowercase();
        let valid_chars = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
        let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !(3..=32).contains(&name.len()) || !valid_chars || !starts_with_letter {
            return Err(DomainError::invalid(
                "username",
                ErrorCode::UserUsernameInvalid,
            ));
        }
        Ok(Self(name))
    }
}

text_newtype!(Username, "The name as stored.", Display);

/// A new password that satisfies the site's policy: at least 10 characters and at least
/// three of: lower-case, upper-case, digits, other characters (等保 二级 practice).
/// Deliberately not `Debug`-printable in clear.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Minimum length in characters.
    pub const MIN_LEN: usize = 10;

    /// Checks a proposed password against the policy.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.chars().count() < Self::MIN_LEN {
            return Err(DomainError::with(
                "password",
                ErrorCode::UserPasswordTooShort,
                &[("min", &Self::MIN_LEN)],
            ));
        }
        if raw.chars().count() > 128 {
            return Err(DomainError::invalid(
                "password",
                ErrorCode::UserPasswordTooLong,
            ));
        }
        let classes = [
            raw.chars().any(|c| c.is_ascii_lowercase()),
            raw.chars().any(|c| c.is_ascii_uppercase()),
            raw.chars().any(|c| c.is_ascii_digit()),
            raw.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if classes.iter().filter(|&&x| x).count() < 3 {
            return Err(DomainError::invalid(
                "password",
                ErrorCode::UserPasswordTooSimple,
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The clear text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A person's display name (姓名), 1–32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a display name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = crate::plain_name(raw, 1..=32)
            .map_err(|_| DomainError::invalid("display_name", ErrorCode::UserDisplayNameInvalid))?;
        Ok(Self(name.to_owned()))
    }
}

text_newtype!(DisplayName, "The name as stored.");

/// Whether an e-mail address is plausible: one `@`, a non-empty local part, a domain with a
/// dot, no spaces. (Delivery is the real test; this catches typing mistakes.)
pub fn valid_email(raw: &str) -> bool {
    let s = raw.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_accepts;

    #[test]
    fn usernames() {
        assert_accepts(
            Username::parse,
            &[
                ("Editor01", true),
                ("1abc", false),
                ("ab", false),
                ("张三", false),
            ],
        );
    }

    #[test]
    fn emails() {
        for (email, valid) in [
            ("gongkai@example.gov.cn", true),
            ("no-at.example.cn", false),
            ("a@b", false),
            ("a b@example.cn", false),
        ] {
            assert_eq!(valid_email(email), valid, "{email}");
        }
    }

    #[test]
    fn password_policy() {
        assert_accepts(
            NewPassword::parse,
            &[
                ("Short1!", false),
                ("alllowercaseletters", false),
                ("Wuqia-2026-demo", true),
            ],
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("Wuqia-2026-demo")),
            "Ok(NewPassword(***))"
        );
    }
}
