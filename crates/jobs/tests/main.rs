//! Background work against a throwaway database per engine: the outbox sender (backoff, giving
//! up, two senders on one database), scheduled publication and the hashing of sealed query
//! passwords.

mod support;

mod outbox;
mod schedule;
mod secrets;
