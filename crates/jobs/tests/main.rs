//! Background work against a throwaway database per engine: the outbox sender (backoff, giving
//! up, two senders on one database) and scheduled publication.

mod support;

mod outbox;
mod schedule;
