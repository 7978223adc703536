//! Rules every public case form shares (an application, a message): the query password the
//! citizen sets to follow the case with its tracking code.

use std::ops::RangeInclusive;

use crate::{ErrorCode, FieldErrors};

/// How many characters a query password has.
pub const SECRET_CHARS: RangeInclusive<usize> = 6..=64;

/// The query password every case form asks for: 6 to 64 characters, typed twice alike.
/// `purpose` ends the hint, e.g. `查询办理进度`.
pub fn check_secret(errors: &mut FieldErrors, secret: &str, again: &str, purpose: &str) {
    if !SECRET_CHARS.contains(&secret.chars().count()) {
        errors.insert(
            "secret",
            ErrorCode::CaseSecretInvalid.refusal(&[("purpose", &purpose)]),
        );
    } else if secret != again {
        errors.insert("secret_again", ErrorCode::CaseSecretMismatch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(secret: &str, again: &str) -> Vec<&'static str> {
        let mut errors = FieldErrors::new();
        check_secret(&mut errors, secret, again, "查询办理进度");
        errors.fields().collect()
    }

    #[test]
    fn a_query_password_is_six_to_sixty_four_characters_typed_twice() {
        let long = "密".repeat(65);
        let longest = "密".repeat(64);
        for (secret, again, fields) in [
            ("chaxun", "chaxun", &[][..]),
            ("查询密码六位", "查询密码六位", &[][..]),
            (longest.as_str(), longest.as_str(), &[][..]),
            ("", "", &["secret"][..]),
            ("12345", "12345", &["secret"][..]),
            (long.as_str(), long.as_str(), &["secret"][..]),
            ("chaxun-1", "chaxun-2", &["secret_again"][..]),
            // Too short is said first; the repetition is not judged then.
            ("123", "456", &["secret"][..]),
        ] {
            assert_eq!(judged(secret, again), fields, "{secret:?} / {again:?}");
        }
        let mut errors = FieldErrors::new();
        check_secret(&mut errors, "123", "123", "查询办理进度和评价");
        assert_eq!(
            errors.get("secret"),
            Some("查询密码应为 6 至 64 位，请牢记，用于查询办理进度和评价")
        );
    }
}
