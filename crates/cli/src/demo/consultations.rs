//! Consultations on draft policies (征求意见): one closed with its feedback report, one open.

use chrono::{DateTime, Duration, Utc};
use gongkai_domain::consultation::{Adoption, ConsultationAction, FeedbackRow, Moderation, Period};
use gongkai_store::Store;
use gongkai_store::consultations::{self, NewComment, NewConsultation};
use gongkai_store::orgs::Organisation;

use super::{beijing_at, org, user};
use crate::CliError;

/// Two consultations: one open with comments (published and waiting for moderation), one closed
/// with its feedback report published and linked to the policy it became. Times are planted
/// through the store's `now` arguments, so the states are reached by the real rules.
pub async fn load(store: &Store) -> Result<usize, CliError> {
    let finance = org(store, "WQX004").await?;
    closed_with_feedback(store, &finance).await?;
    open_for_comment(store, &finance).await?;
    Ok(2)
}

/// Creates `new` as the demo editor, opens it at `opens` as the demo reviewer and posts
/// `comments` (key, article, text), the n-th at `first + n × every`; returns its id.
async fn open_with_comments(
    store: &Store,
    new: &NewConsultation,
    opens: DateTime<Utc>,
    comments: &[(&str, u32, &str)],
    (first, every): (DateTime<Utc>, Duration),
) -> Result<i64, CliError> {
    let id = consultations::create(store, &user("demo-editor"), None, new).await?;
    consultations::transition(
        store,
        &user("demo-reviewer"),
        id,
        ConsultationAction::Open,
        opens,
    )
    .await?;
    for (i, (key, article, body)) in comments.iter().enumerate() {
        let comment = NewComment {
            submission_key: format!("demo-comment-{key}"),
            article: *article,
            body: (*body).into(),
            name: String::new(),
            contact: String::new(),
        };
        let when = first + every * i as i32;
        consultations::comment(store, id, &comment, when, "").await?;
    }
    Ok(id)
}

/// Closed, with feedback: the draft of the policy the demo publishes in March 2026, its comments
/// moderated (one rejected), its feedback report published and linked to the policy.
async fn closed_with_feedback(store: &Store, finance: &Organisation) -> Result<(), CliError> {
    let reviewer = user("demo-reviewer");
    let (opens, closes) = (beijing_at(2026, 1, 5, 10, 0), beijing_at(2026, 2, 5, 10, 0));
    let new = NewConsultation {
        org_id: finance.id,
        title: "乌恰县县级财政专项资金管理办法（征求意见稿）".into(),
        draft_text: "为进一步规范财政资金管理，提高资金使用效益，结合我县实际，制定本办法。\n第一条　本办法适用于县级财政专项资金的分配、使用和监督。\n第二条　专项资金实行预算管理，按照公开、公平、公正的原则分配。\n第三条　资金分配结果应当公开，接受社会监督。\n第四条　本办法自发布之日起施行。".into(),
        background: "县级财政专项资金规模逐年增加，分配和监督的规则散见于多个文件，需要统一规范。".into(),
        basis: "《中华人民共和国预算法》《中华人民共和国政府信息公开条例》。".into(),
        main_content: "明确专项资金的适用范围、分配原则和公开要求。".into(),
        contact: "信函请寄乌恰县财政局预算股。".into(),
        period: Period::parse(opens, closes, "")?,
    };
    let texts = [
        ("c1", 3, "建议明确公开的具体栏目和时限。"),
        ("c2", 3, "建议明确公开的具体栏目和时限"),
        ("c3", 2, "建议对乡镇使用的专项资金也作出规定。"),
        ("c4", 0, "希望尽快出台。"),
        ("c5", 1, "此处广告内容已隐去"),
    ];
    let days = (opens + Duration::days(2), Duration::days(1));
    let closed = open_with_comments(store, &new, opens, &texts, days).await?;
    let ids: Vec<i64> = consultations::comments(store, closed)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    for (n, id) in ids.iter().enumerate() {
        let (decision, reason) = if n == 4 {
            (Moderation::Rejected, "含有商业广告")
        } else {
            (Moderation::Approved, "")
        };
        consultations::moderate(store, &reviewer, closed, *id, decision, reason).await?;
    }
    consultations::transition(store, &reviewer, closed, ConsultationAction::Close, closes).await?;
    let row = |ids: Vec<i64>, a: Adoption, r: &str| FeedbackRow {
        comment_ids: ids,
        adoption: Some(a),
        reason: r.into(),
    };
    let rows = [
        row(
            ids[..2].to_vec(),
            Adoption::Adopted,
            "已在第三条中明确在县人民政府门户网站政务公开栏目公开。",
        ),
        row(
            vec![ids[2]],
            Adoption::PartlyAdopted,
            "乡镇使用的专项资金纳入本办法适用范围，具体管理另行规定。",
        ),
        row(
            vec![ids[3]],
            Adoption::NotAdopted,
            "属于工作建议，不涉及条文修改，将按程序加快办理。",
        ),
    ];
    consultations::save_feedback(
        store,
        &reviewer,
        closed,
        "本次征求意见共收到意见 5 条，经审核公开 4 条。逐条采纳情况如下。",
        &rows,
        true,
        beijing_at(2026, 2, 20, 10, 0),
    )
    .await?;
    let filter = gongkai_store::records::PublicFilter {
        org_id: Some(finance.id),
        kind: Some(gongkai_domain::record::RecordKind::Normative.code().into()),
        ..Default::default()
    };
    let (found, _) =
        gongkai_store::records::list_public(store, &filter, Utc::now(), 1, 100).await?;
    let policy = found
        .iter()
        .find(|r| r.title == "乌恰县县级财政专项资金管理办法")
        .map(|r| r.id);
    if policy.is_some() {
        consultations::link_decision(store, &reviewer, closed, policy).await?;
    }
    Ok(())
}

/// Open: a draft read article by article, with comments published and one waiting.
async fn open_for_comment(store: &Store, finance: &Organisation) -> Result<(), CliError> {
    let opens = Utc::now() - Duration::days(5);
    let new = NewConsultation {
        org_id: finance.id,
        title: "乌恰县惠民惠农财政补贴资金“一卡通”管理办法（征求意见稿）".into(),
        draft_text: "乌恰县惠民惠农财政补贴资金“一卡通”管理办法（征求意见稿）\n第一章　总则\n第一条　为了规范惠民惠农财政补贴资金“一卡通”发放管理，保障群众及时足额领取补贴，制定本办法。\n第二条　本办法适用于通过“一卡通”发放的各类惠民惠农财政补贴资金。\n第三条　县财政局负责“一卡通”发放的统筹管理，各主管部门负责补贴对象的审核。\n第二章　发放和公开\n第四条　补贴资金原则上在审核确认后十五日内发放到位。\n第五条　补贴政策、发放对象和标准应当在村（社区）和县人民政府门户网站公开，个人身份证号码等信息应当隐去。\n第三章　附则\n第六条　本办法自发布之日起施行。".into(),
        background: "我县惠民惠农补贴项目多、发放渠道分散，群众反映查询不便、到账时间不一，需要统一规范。".into(),
        basis: "《中华人民共和国预算法》《关于进一步加强惠民惠农财政补贴资金“一卡通”管理的指导意见》。".into(),
        main_content: "共三章六条，明确管理职责、发放时限和公开要求。".into(),
        contact: "信函请寄乌恰县财政局农业农村股，信封上请注明“一卡通办法意见”。".into(),
        period: Period::parse(opens, Period::default_closing(opens), "")?,
    };
    let texts = [
        (
            "o1",
            4,
            "建议写明超过十五日未发放的，群众可以向哪个部门反映。",
        ),
        ("o2", 5, "建议同时公开咨询电话和投诉渠道。"),
        ("o3", 0, "支持出台，建议为行动不便的老年人提供代办服务。"),
        ("o4", 2, "建议附上适用的补贴项目清单。"),
    ];
    let hours = (opens + Duration::days(1), Duration::hours(1));
    let open = open_with_comments(store, &new, opens, &texts, hours).await?;
    let reviewer = user("demo-reviewer");
    for c in consultations::comments(store, open).await?.iter().take(3) {
        consultations::moderate(store, &reviewer, open, c.id, Moderation::Approved, "").await?;
    }
    Ok(())
}
