//! The audit log's hash chain.
//!
//! Every state change writes one [`AuditEntry`] in the same transaction as the change. Each
//! entry's hash covers its own fields and the previous entry's hash, so editing, deleting or
//! reordering a stored row breaks the chain at that row, which [`verify_chain`] reports.
//!
//! A chain alone does not stop someone with database access from rewriting an entry and
//! recomputing every later hash, or from cutting the tail off. Two defences sit outside the
//! database: each entry is also *sealed* with an [`AuditKey`] kept in the data folder
//! (HMAC-SHA256 over the entry's hash), and [`Checkpoint`]s of the chain's head are appended
//! to a file, so a verifier can prove the chain still reaches and agrees with every head it
//! was once seen at.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audited state change, as hashed and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The entry's seal: HMAC-SHA256 of `hash` under the deployment's [`AuditKey`], hex; empty
    /// for an entry written before the deployment had a key.
    pub mac: String,
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

/// The deployment's secret for sealing audit entries, kept outside the database.
///
/// `since` is the first sequence number written under the key: entries from there on must
/// carry a valid seal, so stripping seals is as visible as forging them.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey {
    secret: [u8; 32],
    since: i64,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("AuditKey")
            .field("since", &self.since)
            .finish_non_exhaustive()
    }
}

/// First line of an audit key file, naming its format.
const KEY_FILE_HEADER: &str = "gongkai-audit-key v1";

/// Why an audit key file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("审计密钥文件格式不正确：{0}")]
pub struct KeyFileError(&'static str);

impl AuditKey {
    /// A key from 32 secret bytes, sealing entries from sequence number `since` on.
    pub fn new(secret: [u8; 32], since: i64) -> Self {
        Self {
            secret,
            since: since.max(1),
        }
    }

    /// The first sequence number sealed under this key.
    pub fn since(&self) -> i64 {
        self.since
    }

    /// The seal of an entry whose hash is `hash`.
    pub fn seal(&self, hash: &str) -> String {
        // HMAC accepts a key of any length, so this cannot fail for a 32-byte key.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret) else {
            return String::new();
        };
        mac.update(hash.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A 32-byte key for another purpose, derived from this one (HMAC-SHA256 of the purpose
    /// name), so a deployment keeps one secret file and each use gets a key of its own: the
    /// query passwords waiting to be hashed are sealed under `derive("query-secret-seal")`.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret) else {
            return [0; 32];
        };
        mac.update(b"gongkai/derive/");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The key file's text: a header line, `since N`, and the secret in hex.
    pub fn to_file_text(&self) -> String {
        format!(
            "{KEY_FILE_HEADER}\nsince {}\n{}\n",
            self.since,
            hex::encode(self.secret)
        )
    }

    /// Reads a key file written by [`AuditKey::to_file_text`].
    pub fn from_file_text(text: &str) -> Result<Self, KeyFileError> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.next() != Some(KEY_FILE_HEADER) {
            return Err(KeyFileError("缺少文件头"));
        }
        let since = lines
            .next()
            .and_then(|l| l.strip_prefix("since "))
            .and_then(|n| n.trim().parse::<i64>().ok())
            .filter(|n| *n >= 1)
            .ok_or(KeyFileError("缺少起始序号"))?;
        let secret = lines
            .next()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or(KeyFileError("密钥应为 64 位十六进制数"))?;
        Ok(Self { secret, since })
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
    /// The entry's seal is missing or wrong: the row was rewritten (and rehashed) by someone
    /// without the deployment's audit key.
    #[error("第 {seq} 条审计记录的密钥签名不符（记录被改写后重新计算了哈希，或签名被删除）")]
    SealBroken {
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
            Self::ContentChanged { seq } | Self::LinkBroken { seq } | Self::SealBroken { seq } => {
                *seq
            }
            Self::Gap { found, .. } => *found,
        }
    }
}

/// Incremental verifier: feed entries in `seq` order; the first break is returned.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
    key: Option<AuditKey>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS_HASH.to_owned(),
            next_seq: 1,
            key: None,
        }
    }
}

impl ChainVerifier {
    /// A verifier that also checks every entry's seal from the key's `since` on.
    pub fn with_key(key: AuditKey) -> Self {
        Self {
            key: Some(key),
            ..Self::default()
        }
    }

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
        if let Some(key) = &self.key
            && entry.seq >= key.since()
            && entry.mac != key.seal(&entry.hash)
        {
            return Err(ChainBreak::SealBroken { seq: entry.seq });
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

/// A run of entries taken out of a chain — one site's entries, carried to another deployment by
/// `gongkai site import` — checked and summed up as they are read.
///
/// The entries of a segment are not consecutive (other sites' entries sat between them in the old
/// chain), so the links cannot be followed; each entry's hash must still match its content, the
/// sequence numbers must rise, and the digest over every hash in order is what the importing
/// deployment records in its own chain: a segment changed afterwards no longer sums to it.
#[derive(Debug, Clone, Default)]
pub struct SegmentDigest {
    hasher: Sha256,
    last_seq: i64,
    count: u64,
}

impl SegmentDigest {
    /// Adds the next entry, refusing one whose hash does not match its content or whose
    /// sequence number does not rise.
    pub fn add(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.seq <= self.last_seq {
            return Err(ChainBreak::Gap {
                expected: self.last_seq + 1,
                found: entry.seq,
            });
        }
        if entry.expected_hash() != entry.hash {
            return Err(ChainBreak::ContentChanged { seq: entry.seq });
        }
        self.hasher.update((entry.hash.len() as u64).to_be_bytes());
        self.hasher.update(entry.hash.as_bytes());
        self.last_seq = entry.seq;
        self.count += 1;
        Ok(())
    }

    /// How many entries were added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The digest of the entries added so far (hex SHA-256).
    pub fn finish(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
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

/// The chain's head as seen at one moment, kept in a file outside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// When it was taken (RFC 3339).
    pub at: String,
    /// The head's sequence number.
    pub seq: i64,
    /// The head's hash.
    pub hash: String,
}

/// The most checkpoint lines a file is read for (one a day is about 365 a year).
pub const MAX_CHECKPOINTS: usize = 100_000;

impl Checkpoint {
    /// The checkpoint as one line of the file: time, sequence number and hash, tab-separated.
    pub fn to_line(&self) -> String {
        format!("{}\t{}\t{}\n", self.at, self.seq, self.hash)
    }

    /// Reads a checkpoint file; blank lines and `#` comments are passed over. Returns the line
    /// number of the first line that is not a checkpoint.
    pub fn parse_file(text: &str) -> Result<Vec<Self>, usize> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if out.len() >= MAX_CHECKPOINTS {
                return Err(n + 1);
            }
            let mut parts = line.split('\t');
            let (Some(at), Some(seq), Some(hash), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(n + 1);
            };
            let seq = seq.parse::<i64>().map_err(|_| n + 1)?;
            if seq < 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(n + 1);
            }
            out.push(Self {
                at: at.to_owned(),
                seq,
                hash: hash.to_owned(),
            });
        }
        Ok(out)
    }
}

/// How the chain disagrees with a checkpoint taken earlier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointBreak {
    /// The chain no longer reaches a head it once had: entries were removed from its end.
    #[error("审计日志末尾的记录被删除：{at} 的检查点记录到第 {seq} 条，数据库中现只有 {head} 条")]
    TailRemoved {
        /// When the checkpoint was taken.
        at: String,
        /// The checkpoint's head.
        seq: i64,
        /// The chain's head now.
        head: i64,
    },
    /// The entry at a checkpoint's head has another hash now: the chain up to it was rewritten.
    #[error("第 {seq} 条审计记录与 {at} 的检查点不符（此前的记录被改写）")]
    Rewritten {
        /// When the checkpoint was taken.
        at: String,
        /// The checkpoint's head.
        seq: i64,
    },
}

/// Checks a chain against checkpoints: `head` is the chain's last sequence number and
/// `hash_at(seq)` the stored hash of an entry (`None` when there is no such entry).
pub fn check_checkpoints<'a>(
    checkpoints: impl IntoIterator<Item = &'a Checkpoint>,
    head: i64,
    mut hash_at: impl FnMut(i64) -> Option<String>,
) -> Result<(), CheckpointBreak> {
    for c in checkpoints {
        if c.seq == 0 {
            continue;
        }
        if c.seq > head {
            return Err(CheckpointBreak::TailRemoved {
                at: c.at.clone(),
                seq: c.seq,
                head,
            });
        }
        match hash_at(c.seq) {
            Some(h) if h == c.hash => {}
            Some(_) => {
                return Err(CheckpointBreak::Rewritten {
                    at: c.at.clone(),
                    seq: c.seq,
                });
            }
            None => {
                return Err(CheckpointBreak::TailRemoved {
                    at: c.at.clone(),
                    seq: c.seq,
                    head,
                });
            }
        }
    }
    Ok(())
}

/// The Chinese name of an audited action, for the back office; an unknown code is shown as is.
pub fn action_label(code: &str) -> &str {
    ACTION_LABELS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label)
}

/// The Chinese name of an audited object kind (`record` → 信息); an unknown kind is shown as is.
pub fn object_label(kind: &str) -> &str {
    match kind {
        "record" => "政府信息",
        "application" => "依申请公开",
        "message" => "群众留言",
        "consultation" => "意见征集",
        "opinion_event" => "舆情事件",
        "organisation" => "机构",
        "user" => "账号",
        "setting" => "站点设置",
        "calendar" => "节假日安排",
        "outbox" => "待发邮件",
        "annual_report" => "年度报告",
        "work_record" => "工作台账",
        "catalogue_item" => "基本目录事项",
        "evaluation" => "社会评议",
        "task" => "重点任务",
        "list_type" => "清单类型",
        "list_row" => "清单条目",
        "audit_report" => "审计和督查整改",
        other => other,
    }
}

/// Every audited action code and its Chinese name.
pub const ACTION_LABELS: &[(&str, &str)] = &[
    ("user.login", "登录"),
    ("user.logout", "退出登录"),
    ("user.login_failed", "登录失败"),
    ("user.login_refused", "登录被拒绝（账号锁定或停用）"),
    ("user.create", "新建账号"),
    ("user.password", "修改密码"),
    ("user.email", "修改电子邮箱"),
    ("user.disable", "停用账号"),
    ("user.enable", "启用账号"),
    ("org.create", "新建机构"),
    ("site.host_add", "为站点添加主机名"),
    ("site.host_remove", "移除站点主机名"),
    ("site.export", "导出站点迁移文件"),
    ("site.import", "从迁移文件导入站点"),
    ("setting.set", "修改站点设置"),
    ("theme.add", "新增主题分类"),
    ("theme.rename", "重命名主题分类"),
    ("guide.save", "保存公开指南"),
    ("report.save", "保存年度报告草稿"),
    ("report.publish", "发布年度报告"),
    ("work_record.create", "登记工作台账"),
    ("application.challenge_add", "登记行政复议或行政诉讼"),
    ("application.challenge_decide", "登记行政复议或行政诉讼结果"),
    (
        "application.challenge_remove",
        "删除登记有误的行政复议或行政诉讼",
    ),
    ("evaluation.publish", "发布社会评议"),
    ("evaluation.close", "结束社会评议"),
    ("evaluation.submit", "提交社会评议"),
    ("evaluation.comment_approve", "公开评议意见"),
    ("evaluation.comment_hide", "不予公开评议意见"),
    ("catalogue.item_add", "新增基本目录事项"),
    ("catalogue.item_save", "修改基本目录事项"),
    ("catalogue.seed", "载入标准目录事项"),
    ("catalogue.assign", "指定目录事项的公开机构"),
    ("catalogue.file", "将信息归入目录事项"),
    ("catalogue.unfile", "将信息移出目录事项"),
    ("list.define", "新增清单类型"),
    ("list.row_create", "新增清单条目"),
    ("list.row_save", "修改清单条目"),
    ("list.row_submit", "提交清单条目审核"),
    ("list.row_return", "退回清单条目"),
    ("list.row_approve", "审核通过并发布清单条目"),
    ("list.row_withdraw", "撤回清单条目"),
    ("list.gongshi_end", "公示期满，条目不再公开"),
    ("list.import", "导入清单条目"),
    ("task.create", "登记重点任务"),
    ("task.update", "修改重点任务"),
    ("task.milestone_add", "添加任务节点"),
    ("task.milestone_done", "任务节点完成"),
    ("task.report_create", "撰写工作进展"),
    ("task.report_submit", "提交工作进展审核"),
    ("task.report_approve", "审核通过并公开工作进展"),
    ("task.report_return", "退回工作进展"),
    ("task.link_record", "关联公开信息"),
    ("task.complete", "公布完成情况并办结任务"),
    ("task.evaluation_add", "登记第三方评估或调查"),
    ("audit_report.create", "登记审计或督查报告"),
    ("audit_report.finding_add", "登记整改事项"),
    ("audit_report.finding_step", "更新整改情况"),
    ("negative_term.add", "新增负面清单词语"),
    ("calendar.import", "导入节假日安排"),
    ("outbox.resend", "重新发送邮件"),
    ("dataset.create", "新建数据集"),
    ("dataset.update", "修改数据集"),
    ("dataset.submit", "提交数据集审核"),
    ("dataset.approve", "审核通过并发布数据集"),
    ("dataset.return", "退回数据集"),
    ("dataset.resource_add", "添加数据资源"),
    ("api_token.create", "创建接口令牌"),
    ("api_token.revoke", "吊销接口令牌"),
    ("data_access.submit", "提交数据使用申请"),
    ("data_access.approve", "同意数据使用申请"),
    ("data_access.refuse", "不予同意数据使用申请"),
    ("data_access.token", "生成数据使用凭证"),
    ("data_access.download", "凭数据使用凭证使用数据"),
    ("datastore.ingest", "载入数据表"),
    ("datastore.ingest_failed", "数据表载入失败"),
    ("datastore.drop", "删除数据表"),
    ("record.create", "起草"),
    ("record.edit", "修改草稿"),
    ("record.submit", "提交审核"),
    ("record.reject", "退回修改"),
    ("record.approve", "审核通过并发布"),
    ("record.revise", "发布更正"),
    ("record.correction.submit", "提交更正"),
    ("record.correction.return", "退回更正"),
    ("record.correction.discard", "放弃更正"),
    ("record.withdraw", "撤回"),
    ("record.validity", "更新有效性"),
    ("record.transition", "变更状态"),
    ("record.import", "批量导入"),
    ("record.generate", "生成并发布"),
    ("attachment.add", "上传附件"),
    ("attachment.remove", "删除附件"),
    ("application.submit", "收到公开申请"),
    ("application.view", "查阅公开申请"),
    ("application.event", "办理公开申请"),
    ("application.forward", "转办公开申请"),
    ("application.recompute_due", "重算答复期限"),
    ("message.recompute_due", "重算留言答复期限"),
    ("application.propose_proactive", "建议转为主动公开"),
    ("message.submit", "收到群众留言"),
    ("message.event", "办理群众留言"),
    ("message.rate", "留言人评价"),
    ("consultation.create", "新建意见征集"),
    ("consultation.update", "修改意见征集"),
    ("consultation.attach", "上传征集附件"),
    ("consultation.open", "开始征集意见"),
    ("consultation.close", "结束征集"),
    ("consultation.publish_feedback", "公布意见采纳情况"),
    ("consultation.comment", "收到征集意见"),
    ("consultation.moderate", "审核征集意见"),
    ("consultation.save_feedback", "保存意见采纳情况"),
    ("consultation.link_decision", "关联正式决定"),
    ("opinion.register", "登记舆情"),
    ("opinion.respond", "回应舆情"),
    ("opinion.close", "办结舆情"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_are_stable_and_differ_by_purpose_and_secret() {
        let key = AuditKey::new([7; 32], 1);
        assert_eq!(
            key.derive("query-secret-seal"),
            key.derive("query-secret-seal")
        );
        assert_ne!(key.derive("query-secret-seal"), key.derive("other"));
        assert_ne!(
            key.derive("query-secret-seal"),
            AuditKey::new([8; 32], 1).derive("query-secret-seal")
        );
        // Not the seal of the purpose name, nor the secret itself.
        assert_ne!(hex::encode(key.derive("x")), key.seal("x"));
        assert_ne!(key.derive("x"), [7; 32]);
    }

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
                    mac: String::new(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn a_segment_sums_its_entries_and_refuses_edits_and_disorder() {
        let c = chain(6);
        let digest_of = |entries: &[&AuditEntry]| {
            let mut d = SegmentDigest::default();
            for e in entries {
                d.add(e)?;
            }
            Ok::<_, ChainBreak>((d.count(), d.finish()))
        };
        // Every other entry: not consecutive, still a valid segment.
        let picked = [&c[0], &c[2], &c[5]];
        let Ok((count, digest)) = digest_of(&picked) else {
            panic!("a valid segment is refused")
        };
        assert_eq!(count, 3);
        assert_ne!(
            Ok((3, digest)),
            digest_of(&[&c[0], &c[2]]).map(|(_, d)| (3, d))
        );
        assert_eq!(
            digest_of(&[&c[2], &c[0]]),
            Err(ChainBreak::Gap { expected: 4, found: 1 })
        );
        let mut edited = c[2].clone();
        edited.detail = "{\"x\":1}".into();
        assert_eq!(
            digest_of(&[&c[0], &edited]),
            Err(ChainBreak::ContentChanged { seq: 3 })
        );
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

    fn sealed(n: i64, key: &AuditKey) -> Vec<AuditEntry> {
        let mut c = chain(n);
        for e in &mut c {
            e.mac = key.seal(&e.hash);
        }
        c
    }

    /// What [`verify_sealed`] answers when entry `seq` has no valid seal.
    fn seal_broken(seq: i64) -> Result<i64, ChainBreak> {
        Err(ChainBreak::SealBroken { seq })
    }

    fn verify_sealed(c: &[AuditEntry], key: &AuditKey) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::with_key(key.clone());
        for e in c {
            v.check(e)?;
        }
        Ok(v.verified())
    }

    /// Rewrites entry `at` and rehashes it and every later entry, as an intruder with database
    /// access but no key would.
    fn rewrite_and_rehash(c: &mut [AuditEntry], at: usize) {
        c[at].actor = "intruder".into();
        for i in at..c.len() {
            if i > 0 {
                c[i].prev_hash = c[i - 1].hash.clone();
            }
            c[i].hash = c[i].expected_hash();
        }
    }

    #[test]
    fn a_rewritten_and_rehashed_chain_passes_the_plain_check_but_not_the_seal() {
        let key = AuditKey::new([7; 32], 1);
        let mut c = sealed(6, &key);
        rewrite_and_rehash(&mut c, 2);
        assert_eq!(verify_chain(&c), Ok(6));
        assert_eq!(verify_sealed(&c, &key), seal_broken(3));
    }

    #[test]
    fn stripped_seals_are_a_break_from_the_keys_first_entry_on() {
        let key = AuditKey::new([7; 32], 3);
        let mut c = chain(5);
        for e in c.iter_mut().skip(2) {
            e.mac = key.seal(&e.hash);
        }
        assert_eq!(verify_sealed(&c, &key), Ok(5));
        c[3].mac.clear();
        assert_eq!(verify_sealed(&c, &key), seal_broken(4));
        let other = AuditKey::new([8; 32], 3);
        assert_eq!(verify_sealed(&c, &other), seal_broken(3));
    }

    #[test]
    fn a_key_file_round_trips_and_bad_ones_are_refused() {
        let key = AuditKey::new([0xab; 32], 42);
        let back = AuditKey::from_file_text(&key.to_file_text());
        assert_eq!(back.as_ref().map(AuditKey::since), Ok(42));
        assert_eq!(back.map(|k| k.seal("x")), Ok(key.seal("x")));
        assert!(AuditKey::from_file_text("").is_err());
        assert!(AuditKey::from_file_text("gongkai-audit-key v1\nsince 1\nabcd\n").is_err());
        assert!(
            !format!("{key:?}").contains("abab"),
            "the secret is never printed"
        );
    }

    #[test]
    fn checkpoints_find_a_removed_tail_and_a_rewritten_chain() {
        let c = chain(6);
        let at = |seq: i64| Checkpoint {
            at: "2026-12-01T00:00:00Z".into(),
            seq,
            hash: c[usize::try_from(seq - 1).unwrap_or(0)].hash.clone(),
        };
        let file: String = [at(2), at(6)].iter().map(Checkpoint::to_line).collect();
        let cps = Checkpoint::parse_file(&file).unwrap_or_default();
        assert_eq!(cps, vec![at(2), at(6)]);
        let lookup = |c: &[AuditEntry]| {
            let hashes: Vec<String> = c.iter().map(|e| e.hash.clone()).collect();
            move |seq: i64| hashes.get(usize::try_from(seq - 1).ok()?).cloned()
        };
        assert_eq!(check_checkpoints(&cps, 6, lookup(&c)), Ok(()));
        // The last two entries deleted.
        assert!(matches!(
            check_checkpoints(&cps, 4, lookup(&c[..4])),
            Err(CheckpointBreak::TailRemoved { seq: 6, head: 4, .. })
        ));
        // Entry 2 rewritten and everything after it rehashed.
        let mut rewritten = c.clone();
        rewrite_and_rehash(&mut rewritten, 1);
        assert!(matches!(
            check_checkpoints(&cps, 6, lookup(&rewritten)),
            Err(CheckpointBreak::Rewritten { seq: 2, .. })
        ));
        assert_eq!(Checkpoint::parse_file("x\t1\tzz\n"), Err(1));
    }

    #[test]
    fn every_labelled_code_is_listed_once() {
        let mut codes: Vec<_> = ACTION_LABELS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
        assert_eq!(action_label("record.approve"), "审核通过并发布");
        assert_eq!(action_label("no.such"), "no.such");
    }
}
