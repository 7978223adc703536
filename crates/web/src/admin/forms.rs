//! What back-office forms share: reading a form whose fields repeat or are named by row, a field
//! parsed into its value or its refusal, the code/label choices a form offers, and the
//! organisation a form names.

use gongkai_domain::FieldErrors;
use gongkai_domain::error::{DomainError, record_field_error};
use gongkai_domain::role::Permission;
use gongkai_store::orgs::Organisation;
use gongkai_store::users::Staff;

use crate::WebError;
use crate::auth::scope;
use crate::state::AppState;

/// A URL-encoded body as name/value pairs, in order (a form whose fields repeat, such as
/// `roles` or `columns`, cannot be read into a struct); a malformed body reads as no fields.
pub fn parse_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// The first value posted as `name`, or the empty string when there is none.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Every value posted as `name` (a repeated field), in order.
pub fn repeated(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The value a field parsed into, or `None` with the refusal recorded on the field it names.
pub fn checked<T>(errors: &mut FieldErrors, parsed: Result<T, DomainError>) -> Option<T> {
    parsed.map_err(|e| record_field_error(errors, e)).ok()
}

/// The organisation a form names by its code (case aside), if it is one where the staff member
/// holds `permission`.
pub async fn org_named(
    state: &AppState,
    staff: &Staff,
    permission: Permission,
    code: &str,
) -> Result<Option<Organisation>, WebError> {
    Ok(scope(state, staff, permission)
        .await?
        .into_iter()
        .find(|o| o.code.eq_ignore_ascii_case(code.trim())))
}
