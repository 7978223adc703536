//! The wording of every notification mail, composed from typed data when the event happens
//! (pure: no I/O). The outbox stores what these return, so a mail says what was true then.

use crate::messages::Message;

/// A mail's subject and body, before it has a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// The receipt of an application, to the applicant.
pub fn application_received(
    org_name: &str,
    received_on: &str,
    tracking_code: &str,
    due_on: Option<&str>,
) -> Content {
    Content {
        subject: format!("政府信息公开申请已收到（{tracking_code}）"),
        body: format!(
            "您好：\n\n{org_name}已于{received_on}收到您的政府信息公开申请。\n查询码：{tracking_code}\n答复期限：{}\n\n请使用查询码和您设置的查询密码在网站“依申请公开 — 办理进度查询”中查看进度。\n\n本邮件由系统自动发送，请勿回复。",
            due_on.unwrap_or("另行告知")
        ),
    }
}

/// The letter that accompanies a clock event (补正, extension, fee, transfer, reply), to the
/// applicant.
pub fn application_letter(title: &str, body: &str, tracking_code: &str) -> Content {
    Content {
        subject: format!("{title}（{tracking_code}）"),
        body: format!(
            "{title}\n\n{body}\n\n（查询码 {tracking_code}。您也可以在网站“依申请公开 — 办理进度查询”中查看并下载本文书。）"
        ),
    }
}

fn due(m: &Message) -> String {
    match (m.due_on, m.due_provisional) {
        (Some(d), true) => format!("{d}（暂定）"),
        (Some(d), false) => d.to_string(),
        (None, _) => "另行告知".to_owned(),
    }
}

/// The receipt of a message, to its writer.
pub fn message_received(m: &Message) -> Content {
    let held = if m.held_reason.is_empty() {
        ""
    } else {
        "\n您的留言需经人工审核后受理。"
    };
    Content {
        subject: format!("留言已收到（{}）", m.tracking_code),
        body: format!(
            "您好：\n\n您的留言《{}》已于{}收到。\n查询码：{}\n答复期限：{}{held}\n\n请使用查询码和您设置的查询密码在网站“政民互动 — 留言查询”中查看办理情况并评价。\n\n本邮件由系统自动发送，请勿回复。",
            m.title,
            m.received_on,
            m.tracking_code,
            due(m)
        ),
    }
}

/// A message assigned (交办) to `org_name`, to that department's handlers.
pub fn message_assigned(m: &Message, org_name: &str) -> Content {
    Content {
        subject: format!("交办留言（{}）", m.tracking_code),
        body: format!(
            "您好：\n\n政务公开办已将留言《{}》（查询码 {}）交办{}，答复期限 {}。\n如不属于本单位职责，请在 2 个工作日内退回。\n\n请登录管理后台“政民互动”办理。",
            m.title,
            m.tracking_code,
            org_name,
            due(m)
        ),
    }
}

/// A 督办 of a message (its level already raised), to the department's handlers.
pub fn message_supervised(m: &Message, note: &str) -> Content {
    let level = m.supervision_level;
    Content {
        subject: format!("留言督办（第 {level} 次，{}）", m.tracking_code),
        body: format!(
            "您好：\n\n留言《{}》（查询码 {}）第 {level} 次督办：{note}\n答复期限：{}。\n\n请登录管理后台“政民互动”尽快办理。",
            m.title,
            m.tracking_code,
            due(m)
        ),
    }
}

/// The approved reply, to the writer.
pub fn message_replied(m: &Message) -> Content {
    Content {
        subject: format!("留言答复（{}）", m.tracking_code),
        body: format!(
            "您好：\n\n您的留言《{}》已由{}答复：\n\n{}\n\n欢迎在网站“政民互动 — 留言查询”中对答复进行评价（查询码 {}）。",
            m.title,
            m.answering_org_name(),
            m.reply_text,
            m.tracking_code
        ),
    }
}

/// A refusal (不予受理) with its reason, to the writer.
pub fn message_not_accepted(m: &Message, reason: &str) -> Content {
    Content {
        subject: format!("留言办理结果（{}）", m.tracking_code),
        body: format!(
            "您好：\n\n您的留言《{}》（查询码 {}）不予受理，理由：{}",
            m.title, m.tracking_code, reason
        ),
    }
}

/// The rectification a department reported after a bad rating, to the writer.
pub fn message_rectified(m: &Message, outcome: &str) -> Content {
    Content {
        subject: format!("整改情况（{}）", m.tracking_code),
        body: format!(
            "您好：\n\n针对您对留言《{}》答复的评价，承办单位已完成整改：\n\n{}",
            m.title, outcome
        ),
    }
}

/// A bad rating and its rectification deadline, to the answering department.
pub fn bad_rating(m: &Message) -> Content {
    Content {
        subject: format!("差评整改（{}）", m.tracking_code),
        body: format!(
            "您好：\n\n留言《{}》（查询码 {}）的答复收到“{}”评价，请于 {} 前完成整改并在管理后台登记整改情况。",
            m.title,
            m.tracking_code,
            m.rating.map(|r| r.label()).unwrap_or_default(),
            m.rectify_due_on.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_without_a_due_date_says_it_follows() {
        let c = application_received("乌恰县财政局", "2026-03-02", "YSABCDEFGH", None);
        assert_eq!(c.subject, "政府信息公开申请已收到（YSABCDEFGH）");
        assert!(c.body.contains("乌恰县财政局已于2026-03-02收到"));
        assert!(c.body.contains("答复期限：另行告知"));
    }

    #[test]
    fn a_letter_carries_its_title_and_code() {
        let c = application_letter("补正告知书", "请写明预算科目", "YSABCDEFGH");
        assert_eq!(c.subject, "补正告知书（YSABCDEFGH）");
        assert!(
            c.body
                .starts_with("补正告知书\n\n请写明预算科目\n\n（查询码 YSABCDEFGH。")
        );
    }
}
