//! The audit log's hash chain.
//!
//! Every state change writes one [`AuditEntry`] in the same transaction as the change. Each
//! entry's hash covers its own fields and the previous entry's hash, so editing, deleting or
//! reordering a stored row breaks the chain at that row, which [`verify_chain`] reports.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audited state change, as hashed and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, 1-based, gapless.
    pub seq: i64,
    /// When, as a storage timestamp (see [`crate::time::storage_timestamp`]).
    pub at: String,
    /// Who: a user name, `system`, `cli:<os user>` or `public`.
    pub actor: String,
    /// What, a stable dotted code such as `user.login` or `org.create`.
    pub action: String,
    /// The kind of object changed (`user`, `organisation`, `session` …).
    pub object_type: String,
    /// The object's identifier as text.
    pub object_id: String,
    /// Further detail as compact JSON (never a password or a secret).
    pub detail: String,
    /// The client address, or empty for the command line.
    pub ip: String,
    /// Hash of the previous entry, or [`GENESIS_HASH`].
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// Computes the hash of an entry from its fields and the previous hash.
#[expect(
    clippy::too_many_arguments,
    reason = "each field of the entry is hashed; a struct would only rename them"
)]
pub fn chain_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    detail: &str,
    ip: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for part in [
        prev_hash,
        &seq,
        at,
        actor,
        action,
        object_type,
        object_id,
        detail,
        ip,
    ] {
        // Length-prefix every field so no two different entries share a byte stream.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditEntry {
    /// The hash this entry should carry given its fields.
    pub fn expected_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.object_type,
            &self.object_id,
            &self.detail,
            &self.ip,
        )
    }
}

/// Why a chain failed verification, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The entry's stored hash does not match its content: the row was edited.
    #[error("第 {seq} 条审计记录的内容与其哈希不符（记录被修改）")]
    ContentChanged {
        /// Sequence number of the entry.
        seq: i64,
    },
    /// The entry does not point at the previous entry's hash: a row was removed or inserted.
    #[error("第 {seq} 条审计记录与前一条记录的哈希链断开（记录被删除、插入或调换）")]
    LinkBroken {
        /// Sequence number of the entry.
        seq: i64,
    },
    /// Sequence numbers are not consecutive.
    #[error("审计记录序号不连续：期望第 {expected} 条，实际为第 {found} 条")]
    Gap {
        /// The sequence number that should have come.
        expected: i64,
        /// The one found instead.
        found: i64,
    },
}

impl ChainBreak {
    /// Sequence number where the chain first breaks.
    pub fn seq(&self) -> i64 {
        match self {
            Self::ContentChanged { seq } | Self::LinkBroken { seq } => *seq,
            Self::Gap { found, .. } => *found,
        }
    }
}

/// Incremental verifier: feed entries in `seq` order; the first break is returned.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS_HASH.to_owned(),
            next_seq: 1,
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry against the chain so far.
    pub fn check(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.seq != self.next_seq {
            return Err(ChainBreak::Gap {
                expected: self.next_seq,
                found: entry.seq,
            });
        }
        if entry.expected_hash() != entry.hash {
            return Err(ChainBreak::ContentChanged { seq: entry.seq });
        }
        if entry.prev_hash != self.prev_hash {
            return Err(ChainBreak::LinkBroken { seq: entry.seq });
        }
        self.prev_hash.clone_from(&entry.hash);
        self.next_seq += 1;
        Ok(())
    }

    /// Number of entries verified so far.
    pub fn verified(&self) -> i64 {
        self.next_seq - 1
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Result<i64, ChainBreak> {
    let mut v = ChainVerifier::default();
    for e in entries {
        v.check(e)?;
    }
    Ok(v.verified())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let at = format!("2026-11-25T08:00:0{seq}.000000Z");
                let hash = chain_hash(
                    &prev,
                    seq,
                    &at,
                    "admin",
                    "org.create",
                    "organisation",
                    "1",
                    "{}",
                    "",
                );
                let e = AuditEntry {
                    seq,
                    at,
                    actor: "admin".into(),
                    action: "org.create".into(),
                    object_type: "organisation".into(),
                    object_id: "1".into(),
                    detail: "{}".into(),
                    ip: String::new(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
    }

    #[test]
    fn an_edit_is_found_at_its_row() {
        let mut c = chain(5);
        c[2].actor = "intruder".into();
        assert_eq!(verify_chain(&c), Err(ChainBreak::ContentChanged { seq: 3 }));
    }

    #[test]
    fn a_rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].detail = "{\"x\":1}".into();
        c[2].hash = c[2].expected_hash();
        assert_eq!(verify_chain(&c), Err(ChainBreak::LinkBroken { seq: 4 }));
    }

    #[test]
    fn a_deletion_is_a_gap() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify_chain(&c),
            Err(ChainBreak::Gap { expected: 2, found: 3 })
        );
    }
}
