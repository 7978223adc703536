//! The staff back office. Every route here is registered through the router's `guarded`
//! helper except the login form itself.

pub mod applications;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod consultations;
pub mod dashboard;
pub mod letter_templates;
pub mod login;
pub mod messages;
pub mod opinions;
pub mod orgs;
pub mod outbox;
pub mod records;
pub mod users;

use std::collections::BTreeMap;

/// Field name → Chinese message, for forms shown again with their errors.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// Records a domain parse failure against its field.
pub fn field_error(errors: &mut FieldErrors, err: gongkai_domain::DomainError) {
    let gongkai_domain::DomainError::Invalid { field, message } = err;
    errors.insert(field, message);
}
