//! Messages (政民互动) spread over four months, departments, kinds and states.

use chrono::{Duration, Utc};
use gongkai_domain::message::{MessageEvent, NewMessageInput, Rating};
use gongkai_domain::time::beijing_date;
use gongkai_store::messages::{self, NewMessage};
use gongkai_store::{Actor, Store};

use super::sites::COUNTY;
use super::{org, user};
use crate::CliError;

/// The demo messages, oldest first: (to: `head` for the county head's mailbox or an organ code,
/// kind, title, content, days ago, the state to bring it to, the department it is assigned to).
const CASES: &[(&str, &str, &str, &str, i64, &str, &str)] = &[
    (
        "head",
        "suggest",
        "建议在县人民医院门口增设公交站点",
        "县人民医院门口没有公交站点，老人看病要走很远。我是城北社区居民李建国，电话13912345678，建议在医院门口增设站点。",
        110,
        "closed_good",
        "WQX016",
    ),
    (
        "head",
        "consult",
        "城乡居民医保缴费时间咨询",
        "请问2026年度城乡居民基本医疗保险的缴费时间和缴费标准是多少？在哪里可以缴纳？",
        100,
        "closed_good",
        "WQX010",
    ),
    (
        "WQX004",
        "consult",
        "惠民惠农补贴发放时间咨询",
        "今年的耕地地力保护补贴什么时候发放到一卡通？我家的补贴还没有收到。",
        96,
        "closed_bad_fixed",
        "WQX004",
    ),
    (
        "head",
        "complaint",
        "小区周边夜间施工噪音扰民",
        "某工地连续多日夜间施工到凌晨，严重影响居民休息，请有关部门查处。联系人王秀英，手机13800001111。",
        90,
        "closed_good",
        "WQX014",
    ),
    (
        "WQX011",
        "complaint",
        "超市销售过期食品",
        "在县城某超市购买的牛奶已过保质期，向商家反映未处理，请市场监管部门处理。",
        84,
        "closed_good",
        "WQX011",
    ),
    (
        "head",
        "help",
        "农村危房改造申请咨询",
        "我家房屋年久失修，属于低保户，请问如何申请农村危房改造补助？",
        80,
        "replied_bad_open",
        "WQX015",
    ),
    (
        "head",
        "suggest",
        "建议延长政务服务大厅周末办理时间",
        "上班族工作日无法办理业务，建议政务服务大厅周六上午开放。",
        75,
        "closed_good",
        "WQX008",
    ),
    (
        "WQX010",
        "consult",
        "灵活就业人员社保补贴申领条件",
        "请问就业困难人员灵活就业社会保险补贴的申领条件和所需材料有哪些？",
        70,
        "closed_good",
        "WQX010",
    ),
    (
        "head",
        "consult",
        "幼儿园入园报名时间",
        "请问今年县城公办幼儿园秋季入园报名时间和需要准备的材料？",
        66,
        "closed_good",
        "WQX002",
    ),
    (
        "head",
        "other",
        "感谢道路维修及时",
        "城南路段坑洼路面已经修好，感谢相关部门，为你们点赞。",
        60,
        "closed_good",
        "WQX016",
    ),
    (
        "head",
        "disclosure_complaint",
        "依申请公开答复超期的投诉",
        "本人于今年向某部门申请公开项目资金使用情况，至今超过二十个工作日未收到答复，特此投诉。",
        58,
        "closed_good",
        "",
    ),
    (
        "WQX017",
        "consult",
        "家庭医生签约服务咨询",
        "老年人如何签约家庭医生？签约后有哪些免费服务？",
        55,
        "closed_good",
        "WQX017",
    ),
    (
        "head",
        "suggest",
        "建议增设老年人助餐点",
        "社区老年人较多，建议在社区增设老年助餐点，方便独居老人就餐。",
        50,
        "closed_good",
        "WQX002",
    ),
    (
        "WQX015",
        "complaint",
        "物业服务收费不合理",
        "小区物业未经业主大会同意上调物业费，请主管部门核查。",
        47,
        "closed_good",
        "WQX015",
    ),
    (
        "head",
        "consult",
        "营业执照变更办理流程",
        "个体工商户经营场所变更，需要到哪里办理营业执照变更？能否网上办理？",
        44,
        "closed_good",
        "WQX011",
    ),
    (
        "head",
        "help",
        "冬季供暖不热求助",
        "我家所在小区暖气一直不热，室温只有十几度，家里有老人孩子，请帮助协调。",
        40,
        "replied",
        "WQX015",
    ),
    (
        "WQX020",
        "consult",
        "户口迁移办理材料",
        "大学毕业后户口迁回原籍需要准备哪些材料？",
        38,
        "closed_good",
        "WQX020",
    ),
    (
        "head",
        "suggest",
        "建议在旅游景区增设无障碍设施",
        "部分景区步道没有无障碍通道，轮椅通行困难，建议改造。",
        35,
        "replied",
        "WQX019",
    ),
    (
        "head",
        "complaint",
        "出租车不打表议价",
        "在县城打车，司机不按计价器收费，要求一口价，请交通部门规范。",
        30,
        "replied",
        "WQX016",
    ),
    (
        "WQX004",
        "consult",
        "政府采购供应商注册咨询",
        "本公司想参与县政府采购项目，请问如何注册成为供应商？",
        26,
        "replied",
        "WQX004",
    ),
    (
        "head",
        "consult",
        "高龄津贴申领条件",
        "请问八十岁以上老人高龄津贴的申领条件和发放标准？",
        21,
        "assigned_supervised",
        "WQX010",
    ),
    (
        "head",
        "complaint",
        "农贸市场占道经营",
        "农贸市场周边商贩占道经营，早晚高峰交通拥堵，请城管部门治理。",
        18,
        "returned",
        "WQX011",
    ),
    (
        "head",
        "help",
        "残疾人两项补贴未到账",
        "我是二级肢体残疾，残疾人生活补贴已经两个月没有到账，请帮忙查询。",
        15,
        "assigned",
        "WQX002",
    ),
    (
        "WQX013",
        "consult",
        "宅基地确权登记咨询",
        "农村宅基地使用权确权登记需要提供哪些材料？办理时限多长？",
        12,
        "reply_review",
        "WQX013",
    ),
    (
        "head",
        "suggest",
        "建议增加城区公共停车位",
        "城区停车难问题突出，建议利用闲置地块建设公共停车场。",
        9,
        "assigned",
        "WQX015",
    ),
    (
        "head",
        "consult",
        "新生儿医保办理",
        "新生儿出生后如何办理城乡居民医保？需要在多长时间内办理？",
        6,
        "accepted",
        "",
    ),
    (
        "WQX018",
        "complaint",
        "加油站安全隐患",
        "某加油站旁边有人堆放易燃杂物，存在安全隐患，请安监部门检查。",
        4,
        "received",
        "",
    ),
    (
        "head",
        "other",
        "重复广告内容",
        "低价代办各类证件，加微信，广告推广。",
        3,
        "not_accepted",
        "",
    ),
    (
        "head",
        "consult",
        "公租房申请条件",
        "请问县城公共租赁住房的申请条件、申请流程和租金标准？",
        2,
        "received",
        "",
    ),
    (
        "head",
        "suggest",
        "建议公布公交实时到站信息",
        "建议在公交站台和微信公众号提供公交实时到站信息，方便群众出行。",
        1,
        "received",
        "",
    ),
];

/// Demo messages (政民互动): a realistic spread over the last four months across departments,
/// kinds and states — waiting, assigned, returned, supervised, answered and published, rated
/// (one bad rating rectified, one still open), refused — so the lists, the watch list and the
/// statistics show something. Every demo message's query password is `demo-chaxun`.
pub async fn load(store: &Store) -> Result<usize, CliError> {
    let county = org(store, COUNTY.0).await?;
    let handler = user("demo-handler");
    let office = user("demo-supervisor");
    let mut n = 0;
    for (i, (to, kind, title, content, days_ago, state, dept)) in CASES.iter().enumerate() {
        let to_head = *to == "head";
        let addressee = if to_head {
            county.clone()
        } else {
            org(store, to).await?
        };
        let valid = NewMessageInput {
            kind: (*kind).into(),
            title: (*title).into(),
            content: (*content).into(),
            name: ["李建国", "王秀英", "张伟", "阿依古丽", "马明"][i % 5].into(),
            phone: format!("1390000{:04}", 1000 + i),
            email: String::new(),
        }
        .validate()
        .map_err(|e| CliError::Config(format!("演示留言有误：{e:?}")))?;
        let new = NewMessage {
            submission_key: format!("{:064x}", 0xd0_0000 + i),
            org_id: addressee.id,
            to_head_mailbox: to_head,
            message: valid,
            allow_publish: i % 4 != 3,
            secret: "demo-chaxun".into(),
            files: Vec::new(),
        };
        let received = Utc::now() - Duration::days(*days_ago);
        let receipt = messages::submit(store, &new, received, "").await?;
        let m = messages::by_tracking_code(store, &receipt.tracking_code).await?;
        n += 1;
        let day0 = beijing_date(received);
        let day = |d: i64| day0 + Duration::days(d);
        let step = |actor: &Actor, event: MessageEvent, on| {
            let actor = actor.clone();
            async move { messages::record_event(store, &actor, m.id, &event, on).await }
        };
        if *state == "received" {
            continue;
        }
        if *state == "not_accepted" {
            let reason = "留言内容为商业广告，与政府工作无关。".into();
            step(&office, MessageEvent::NotAccept { reason }, day(1)).await?;
            continue;
        }
        step(&office, MessageEvent::Accept, day(1)).await?;
        if *state == "accepted" {
            continue;
        }
        if !dept.is_empty() {
            let d = org(store, dept).await?;
            if d.id != m.org_id || to_head {
                step(
                    &office,
                    MessageEvent::Assign {
                        org_id: d.id,
                        org_name: d.name.clone(),
                    },
                    day(1),
                )
                .await?;
            }
        }
        match *state {
            "assigned" => continue,
            "assigned_supervised" => {
                let note = "请于 3 个工作日内答复留言人。".into();
                step(&office, MessageEvent::Supervise { note }, day(14)).await?;
                continue;
            }
            "returned" => {
                let reason = "占道经营由城市管理部门负责，建议改派县住建局（城管）。".into();
                step(&handler, MessageEvent::Return { reason }, day(2)).await?;
                continue;
            }
            _ => {}
        }
        let reply = format!(
            "您好！您反映的“{title}”已收悉。经核实，我单位已安排专人办理，现将有关情况答复如下：相关政策和办理流程已在县政府门户网站公开，您也可以拨打咨询电话了解。感谢您对我县工作的关心和支持！"
        );
        step(&handler, MessageEvent::DraftReply { text: reply }, day(5)).await?;
        if *state == "reply_review" {
            continue;
        }
        step(
            &office,
            MessageEvent::ApproveReply { publish: true },
            day(6),
        )
        .await?;
        let rated_on = day(8).min(beijing_date(Utc::now()));
        let rating = match *state {
            "closed_good" => Some((
                [Rating::VerySatisfied, Rating::Satisfied, Rating::Basic][i % 3],
                "",
            )),
            "closed_bad_fixed" => Some((Rating::Unsatisfied, "补贴仍未到账。")),
            "replied_bad_open" => Some((Rating::VeryUnsatisfied, "答复没有说明具体办理流程。")),
            _ => None,
        };
        if let Some((rating, comment)) = rating {
            messages::rate(store, m.id, rating, comment, rated_on, "").await?;
        }
        match *state {
            "closed_good" => {
                step(&office, MessageEvent::Close, day(9)).await?;
            }
            "closed_bad_fixed" => {
                let outcome =
                    "经核查，因银行账户信息有误导致发放失败，已协助更正账户并于次日补发到位。"
                        .into();
                step(&handler, MessageEvent::RectifyDone { outcome }, day(12)).await?;
                let note = "已电话回访，留言人确认补贴已到账。".into();
                step(&office, MessageEvent::RectifyCheck { note }, day(13)).await?;
                step(&office, MessageEvent::Close, day(13)).await?;
            }
            _ => {}
        }
    }
    Ok(n)
}
