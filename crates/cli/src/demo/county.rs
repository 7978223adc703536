//! The county's own documents: notices, policies, plans, reports and the 2025 annual report,
//! written as county documents (文号, 2025–2026 dates) so that every column the county must keep
//! has a record; two of them carry attachments generated at load time (a PDF set in the
//! system's CJK font and a minimal DOCX), added to drafts through the normal attachment path.

use std::io::{Cursor, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use gongkai_domain::record::{RecordKind, Validity};
use gongkai_store::records::{self, Content, Imported};
use gongkai_store::{Actor, Store, attachments};

use super::records::{approve, content, meta};
use super::sites::DemoStaff;
use super::{beijing_at, org, user};
use crate::CliError;

/// One county document: (organ code, title, kind, 文号, date, theme, columns, body).
type Doc = (
    &'static str,
    &'static str,
    RecordKind,
    &'static str,
    (i32, u32, u32),
    &'static str,
    &'static [&'static str],
    &'static str,
);

/// County documents published as they are, one per column that would otherwise be empty, and
/// a few of the everyday kind; the newest are the home page's latest items.
const DOCS: &[Doc] = &[
    (
        "WQX001",
        "乌恰县人民政府2025年政府信息公开工作年度报告",
        RecordKind::Other,
        "",
        (2026, 1, 20),
        "综合政务\\政务公开",
        &["nb"],
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息公开办公室印发的年度报告格式要求编制，由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。报告中所列数据的统计期限自2025年1月1日起至2025年12月31日止。\n\n一、总体情况\n\n2025年，县人民政府坚持以公开为常态、不公开为例外，围绕群众关切做好主动公开、依申请公开和政策解读工作，政务公开平台统一发布全县政府信息。\n\n二、主动公开政府信息情况\n\n全年通过门户网站主动公开政府信息，规范性文件、财政预决算、重大建设项目、民生保障等法定主动公开内容均在对应栏目发布。（本演示站点中的数据仅为示例。）\n\n三、收到和处理政府信息公开申请情况\n\n全年收到的政府信息公开申请均在法定期限内答复，答复书载明依据和救济途径。\n\n四、政府信息公开行政复议、行政诉讼情况\n\n全年未发生因政府信息公开被纠错的行政复议、行政诉讼案件。\n\n五、存在的主要问题及改进情况\n\n部分栏目更新不够及时，政策解读形式较为单一。2026年将建立栏目更新责任清单，丰富图文解读和音视频解读。\n\n六、其他需要报告的事项\n\n本年度未收取信息处理费。",
    ),
    (
        "WQX001",
        "乌恰县人民政府信息公开指南",
        RecordKind::Other,
        "",
        (2026, 1, 8),
        "综合政务\\政务公开",
        &["zn"],
        super::records::GUIDE_TEXT,
    ),
    (
        "WQX002",
        "乌恰县人民政府办公室机构职能、内设机构及联系方式",
        RecordKind::Other,
        "",
        (2026, 1, 12),
        "国务院组织机构\\其他",
        &["jgzn"],
        "一、主要职责\n\n负责县人民政府日常工作的运转，协助县政府领导处理政务；负责全县政务公开工作的推进、指导、协调和监督。\n\n二、内设机构\n\n秘书科、综合科、政务公开办公室（政务服务管理科）、督查室。\n\n三、办公地址和办公时间\n\n办公地址：乌恰县人民政府办公楼（演示地址）。办公时间：工作日 北京时间10:00—14:00，16:00—19:30。\n\n四、负责人\n\n主任：（演示数据，未列姓名）",
    ),
    (
        "WQX003",
        "乌恰县国民经济和社会发展第十五个五年规划纲要",
        RecordKind::Plan,
        "乌政发〔2026〕5号",
        (2026, 2, 10),
        "国民经济管理、国有资产监管\\宏观经济",
        &["ghjh"],
        "第一章 发展基础\n\n“十四五”时期，全县经济平稳增长，口岸经济、特色农牧业和文化旅游加快发展，基础设施和公共服务持续改善。\n\n第二章 总体要求\n\n坚持稳中求进工作总基调，立足口岸县情，推动高质量发展。\n\n第三章 主要任务\n\n（一）建设吐尔尕特、伊尔克什坦口岸经济带；（二）发展特色农牧业；（三）提升城乡基础设施；（四）增进民生福祉。\n\n第四章 保障措施\n\n加强组织领导，健全规划实施监测评估机制，评估结果向社会公开。",
    ),
    (
        "WQX001",
        "乌恰县2025年国民经济和社会发展统计公报",
        RecordKind::Statistics,
        "",
        (2026, 4, 20),
        "国民经济管理、国有资产监管\\统计",
        &["tjxx"],
        "2025年，全县上下坚持稳中求进，经济运行总体平稳。\n\n一、综合\n\n地区生产总值、一般公共预算收入、城乡居民人均可支配收入保持增长。（本演示站点中的数据仅为示例，正式数据以统计部门发布为准。）\n\n二、农牧业\n\n粮食播种面积保持稳定，牲畜存栏数量稳中有增。\n\n三、口岸经济\n\n口岸进出口货运量持续增长。\n\n四、社会事业\n\n义务教育巩固率、基本医疗保险参保率保持较高水平。",
    ),
    (
        "WQX011",
        "乌恰县市场监督管理局行政许可事项清单（2026年版）",
        RecordKind::Notice,
        "乌市监发〔2026〕9号",
        (2026, 5, 12),
        "市场监管、安全生产监管\\工商",
        &["xzxk"],
        "根据《中华人民共和国行政许可法》和自治区行政许可事项清单，现将本局实施的行政许可事项公布如下。\n\n一、食品经营许可\n\n二、特种设备使用登记\n\n三、药品零售企业许可\n\n四、计量标准器具核准\n\n各事项的设定依据、申请材料、办理时限和收费标准在县政务服务中心窗口和门户网站同步公开。",
    ),
    (
        "WQX011",
        "乌恰县市场监督管理局行政处罚决定信息公开（乌市监处罚〔2026〕7号）",
        RecordKind::Other,
        "乌市监处罚〔2026〕7号",
        (2026, 6, 18),
        "市场监管、安全生产监管\\食品药品监管",
        &["xzcf"],
        "当事人：县城某餐饮经营单位。\n\n违法事实：经检查，当事人经营超过保质期的食品原料。\n\n处罚依据：《中华人民共和国食品安全法》第一百二十四条。\n\n处罚内容：没收违法经营的食品，并处罚款。\n\n履行情况：当事人已履行完毕。",
    ),
    (
        "WQX004",
        "乌恰县行政事业性收费项目目录（2026年）",
        RecordKind::Notice,
        "乌财发〔2026〕11号",
        (2026, 3, 20),
        "财政、金融、审计\\财政",
        &["xzsf"],
        "根据自治区行政事业性收费目录清单，现将我县执行的行政事业性收费项目公布如下。目录之外的收费项目一律不得执行。\n\n一、不动产登记费（依据：国家发展改革委、财政部有关文件）\n\n二、住房公积金管理收费（已免收）\n\n三、考试考务费\n\n群众对违规收费行为可以向县财政局、县市场监督管理局投诉。",
    ),
    (
        "WQX003",
        "乌恰县2026年重点建设项目计划及实施情况",
        RecordKind::Plan,
        "乌发改发〔2026〕14号",
        (2026, 7, 8),
        "国民经济管理、国有资产监管\\重大建设项目",
        &["zdxm"],
        "一、项目计划\n\n2026年全县安排重点建设项目涵盖口岸基础设施、城乡供水、农村公路和学校改扩建等领域。\n\n二、批准情况\n\n各项目的审批、核准、备案文件和招标投标情况在本栏目逐项公开。\n\n三、实施情况\n\n截至6月底，已开工项目按计划推进。下半年将加强项目调度，确保年度任务完成。",
    ),
    (
        "WQX010",
        "乌恰县2026年高校毕业生就业创业扶持政策措施",
        RecordKind::Policy,
        "乌人社发〔2026〕12号",
        (2026, 4, 2),
        "劳动、人事、监察\\劳动就业",
        &["msbz"],
        "为促进高校毕业生等青年就业创业，结合我县实际，制定以下措施。\n\n一、鼓励企业吸纳就业。对吸纳高校毕业生就业并缴纳社会保险的企业，按规定给予社会保险补贴。\n\n二、支持自主创业。对首次创业的高校毕业生，按规定给予一次性创业补贴和创业担保贷款贴息。\n\n三、开发公益性岗位。统筹开发基层公共服务岗位，兜底安置就业困难毕业生。\n\n四、本措施自印发之日起施行，有效期至2028年12月31日。",
    ),
    (
        "WQX002",
        "乌恰县地震应急预案（2026年修订）",
        RecordKind::Plan,
        "乌政办发〔2026〕21号",
        (2026, 8, 15),
        "综合政务\\应急管理",
        &["yjgl"],
        "1 总则\n\n1.1 编制目的：依法科学统一、有力有序有效地实施地震应急，最大程度减少人员伤亡和经济损失。\n\n1.2 适用范围：本预案适用于我县行政区域内发生的地震灾害应对工作。\n\n2 组织体系\n\n县抗震救灾指挥部负责统一领导、指挥和协调全县抗震救灾工作。\n\n3 响应机制\n\n地震灾害应急响应分为一级、二级、三级和四级。\n\n4 信息发布\n\n灾情和救灾工作信息由县抗震救灾指挥部统一、及时、准确发布。",
    ),
    (
        "WQX011",
        "乌恰县2026年第三季度食品安全监督抽检情况通报",
        RecordKind::Notice,
        "",
        (2026, 10, 20),
        "市场监管、安全生产监管\\食品药品监管",
        &["jdjc"],
        "2026年第三季度，县市场监督管理局组织对粮食加工品、食用油、肉制品、乳制品等食品开展监督抽检。\n\n一、总体情况：抽检样品绝大多数合格。\n\n二、不合格产品处置：对抽检不合格的产品，已责令经营者下架、召回，并依法立案调查。\n\n三、消费提示：请消费者通过正规渠道购买食品，发现问题可拨打12315投诉举报。",
    ),
    (
        "WQX010",
        "乌恰县2026年考试录用公务员职位表及录用工作安排",
        RecordKind::Notice,
        "",
        (2026, 4, 8),
        "劳动、人事、监察\\人事工作",
        &["gwyzk"],
        "根据自治区2026年考试录用公务员工作安排，现将我县招录职位、名额、报考条件及录用工作安排公告如下。\n\n一、招录职位和名额：详见自治区公务员考试录用网站公布的职位表。\n\n二、报考条件：具有中华人民共和国国籍，年龄在18周岁以上、35周岁以下，具有职位要求的学历和专业。\n\n三、录用结果：拟录用人员名单将在本栏目公示，公示期为5个工作日。",
    ),
    (
        "WQX005",
        "关于乌恰县2025年度县级预算执行和其他财政收支的审计工作报告",
        RecordKind::Audit,
        "",
        (2026, 9, 25),
        "财政、金融、审计\\审计",
        &["qtfd"],
        "根据审计法规定，县审计局对2025年度县级预算执行和其他财政收支情况进行了审计。\n\n一、县级财政管理审计情况：预算编制总体规范，执行进度有所加快。\n\n二、部门预算执行审计情况：部分单位存在结转资金未及时清理等问题。\n\n三、审计建议：加强预算绩效管理，严格落实过紧日子要求。\n\n审计发现的问题，有关单位正在整改，整改情况将向社会公告。",
    ),
    (
        "WQX010",
        "乌恰县2025年高校毕业生就业创业扶持政策措施",
        RecordKind::Policy,
        "乌人社发〔2025〕9号",
        (2025, 3, 28),
        "劳动、人事、监察\\劳动就业",
        &["msbz"],
        "为促进高校毕业生等青年就业创业，结合我县实际，制定以下措施。\n\n一、对吸纳高校毕业生就业并缴纳社会保险的企业，按规定给予社会保险补贴。\n\n二、对首次创业的高校毕业生，按规定给予一次性创业补贴。\n\n三、本措施自印发之日起施行，有效期至2025年12月31日。",
    ),
    (
        "WQX002",
        "关于做好2026—2027年冬季供暖期安全工作的通知",
        RecordKind::Notice,
        "乌政办发〔2026〕35号",
        (2026, 11, 10),
        "城乡建设、环境保护\\城乡建设（含住房）",
        &["tzgg"],
        "各乡镇人民政府，县直各部门：\n\n为保障全县城乡居民温暖安全过冬，现就做好供暖期安全工作通知如下。\n\n一、落实供暖保障责任。供热单位要加强设备巡检，确保按时稳定供热。\n\n二、加强燃气和用电安全。各乡镇要组织开展入户安全宣传，排查一氧化碳中毒隐患。\n\n三、做好应急值守。供暖期间实行24小时值班，遇有突发情况及时报告。",
    ),
    (
        "WQX002",
        "县政务公开办开展2026年度政务公开业务培训",
        RecordKind::News,
        "",
        (2026, 11, 20),
        "综合政务\\政务公开",
        &["gzdt"],
        "11月20日，县政务公开办公室组织县直各部门和各乡镇政务公开工作人员开展业务培训。\n\n培训围绕政府信息公开条例、主动公开基本目录、依申请公开办理流程和年度报告编制进行讲解，并结合平台操作进行了演示。\n\n参训人员表示，将把培训成果运用到日常工作中，提升政务公开质量。",
    ),
];

/// A demo record to import under `source_key`: its content, published on `date` at
/// `(hour, minute)` Beijing time.
fn dated(source_key: String, c: Content, date: NaiveDate, (hour, minute): (u32, u32)) -> Imported {
    Imported {
        source_key,
        meta: c.meta,
        body_html: c.body_html,
        body_text: c.body_text,
        published_at: beijing_at(date.year(), date.month(), date.day(), hour, minute),
        columns: c.columns,
        index_no: None,
    }
}

/// Parsed county documents, grouped by publishing organisation, ready to import.
fn imported(today: NaiveDate) -> Result<Vec<(&'static str, Imported)>, CliError> {
    let mut out = Vec::with_capacity(DOCS.len());
    for (n, &(code, title, kind, doc, (y, m, d), theme, columns, body)) in DOCS.iter().enumerate() {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today).min(today);
        let c = content(
            meta(title, kind, doc, &date.to_string(), theme, "", today)?,
            body,
            columns,
        );
        out.push((code, dated(format!("demo:county-{n}"), c, date, (16, 30))));
    }
    Ok(out)
}

/// Who the generated permits and penalties concern: places, never people.
const SUBJECTS: &[&str] = &[
    "县城某餐饮店",
    "康苏镇某便利店",
    "吉根乡某商店",
    "乌恰镇某药店",
    "县城某超市",
    "托云乡某牧家乐",
];

/// Violations of the generated penalties: (facts, legal basis, penalty).
const VIOLATIONS: &[(&str, &str, &str)] = &[
    (
        "经营超过保质期的食品",
        "《中华人民共和国食品安全法》第一百二十四条",
        "没收违法经营的食品，并处罚款",
    ),
    (
        "销售标签不符合规定的预包装食品",
        "《中华人民共和国食品安全法》第一百二十五条",
        "责令改正，给予警告",
    ),
    (
        "未按规定建立并遵守食品进货查验记录制度",
        "《中华人民共和国食品安全法》第一百二十六条",
        "责令改正，给予警告",
    ),
    (
        "未将营业执照置于主要经营场所醒目位置",
        "《中华人民共和国市场主体登记管理条例》第四十八条",
        "责令改正",
    ),
];

/// How many permit and penalty decisions the demo publishes (双公示): enough that 法定主动公开内容
/// runs to several pages, as a county's does.
const DECISIONS: usize = 36;

/// Permit and penalty decisions of the market regulator, every 15 days from January 2025 to
/// June 2026, numbered from 1 in each year.
fn decisions(today: NaiveDate) -> Result<Vec<(&'static str, Imported)>, CliError> {
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or(today);
    let mut out = Vec::with_capacity(DECISIONS);
    let mut serials = std::collections::HashMap::new();
    for i in 0..DECISIONS {
        let date = (start + chrono::Duration::days(15 * i as i64)).min(today);
        let subject = SUBJECTS[i % SUBJECTS.len()];
        let serial = serials.entry((date.year(), i % 2)).or_insert(0);
        *serial += 1;
        let (title, doc, theme, column, body) = if i % 2 == 0 {
            let doc = format!("乌市监食经许〔{}〕{serial}号", date.year());
            (
                format!("食品经营许可决定（{doc}）"),
                doc,
                "市场监管、安全生产监管\\食品药品监管",
                "xzxk",
                format!(
                    "行政相对人：{subject}\n\n许可事项：食品经营许可（新办）\n\n许可决定：准予许可\n\n许可证有效期：五年\n\n许可机关：乌恰县市场监督管理局"
                ),
            )
        } else {
            let (facts, basis, penalty) = VIOLATIONS[(i / 2) % VIOLATIONS.len()];
            let doc = format!("乌市监处罚〔{}〕{serial}号", date.year());
            (
                format!("行政处罚决定信息公开（{doc}）"),
                doc,
                "市场监管、安全生产监管\\工商",
                "xzcf",
                format!(
                    "当事人：{subject}\n\n违法事实：经检查，当事人{facts}。\n\n处罚依据：{basis}。\n\n处罚内容：{penalty}。\n\n履行情况：当事人已履行完毕。\n\n处罚机关：乌恰县市场监督管理局"
                ),
            )
        };
        let c = content(
            meta(
                &title,
                RecordKind::Other,
                &doc,
                &date.to_string(),
                theme,
                "",
                today,
            )?,
            &body,
            &[column],
        );
        out.push((
            "WQX011",
            dated(format!("demo:decision-{i}"), c, date, (11, 0)),
        ));
    }
    Ok(out)
}

/// Publishes the county documents, the permit and penalty decisions and the two documents with
/// attachments; returns how many were published.
pub async fn load(
    store: &Store,
    staff: &DemoStaff,
    data_dir: &Path,
    today: NaiveDate,
) -> Result<usize, CliError> {
    let mut by_org: std::collections::BTreeMap<&str, Vec<Imported>> =
        std::collections::BTreeMap::new();
    for (code, row) in imported(today)?.into_iter().chain(decisions(today)?) {
        by_org.entry(code).or_default().push(row);
    }
    let mut published = 0;
    for (code, batch) in by_org {
        let o = org(store, code).await?;
        published += records::import_batch(store, &Actor::system(), o.id, &batch, None)
            .await?
            .iter()
            .filter(|r| **r == records::ImportOutcome::Created)
            .count();
    }
    published += with_attachments(store, staff, data_dir, today).await?;
    Ok(published)
}

/// A draft of the finance bureau with a generated attachment, reviewed and published.
struct Attached {
    title: &'static str,
    doc: &'static str,
    kind: RecordKind,
    date: (i32, u32, u32),
    theme: &'static str,
    column: &'static str,
    body: &'static str,
    file_name: &'static str,
    /// The attachment's own text, one paragraph a line.
    file_text: &'static str,
}

/// The 2025 final accounts with a PDF and the 2026 procurement catalogue with a DOCX, written
/// by the demo editor, attached, submitted and approved like any record.
async fn with_attachments(
    store: &Store,
    staff: &DemoStaff,
    data_dir: &Path,
    today: NaiveDate,
) -> Result<usize, CliError> {
    let finance = org(store, "WQX004").await?;
    let docs = [
        Attached {
            title: "乌恰县2025年县级财政决算公开",
            doc: "乌财发〔2026〕20号",
            kind: RecordKind::Budget,
            date: (2026, 8, 28),
            theme: "财政、金融、审计\\财政",
            column: "czyjs",
            body: "经县人民代表大会常务委员会批准，现将乌恰县2025年县级财政决算公开如下。\n\n一、一般公共预算收支决算情况\n\n二、政府性基金预算收支决算情况\n\n三、国有资本经营预算收支决算情况\n\n四、“三公”经费决算情况\n\n详细说明见附件。",
            file_name: "乌恰县2025年县级财政决算说明.pdf",
            file_text: "一、一般公共预算收支决算情况\n2025年全县一般公共预算收入完成预算，支出重点保障教育、社会保障和就业、卫生健康、农林水等民生领域。\n二、政府性基金预算收支决算情况\n政府性基金收入主要为国有土地使用权出让收入，支出主要用于城乡社区建设。\n三、国有资本经营预算收支决算情况\n国有资本经营预算收支规模较小，按规定调入一般公共预算统筹使用。\n四、“三公”经费决算情况\n因公出国（境）费、公务用车购置及运行费、公务接待费均控制在预算以内。\n（本演示站点中的数据仅为示例。）",
        },
        Attached {
            title: "乌恰县2026年政府集中采购目录及采购限额标准",
            doc: "乌财发〔2026〕4号",
            kind: RecordKind::Notice,
            date: (2026, 2, 6),
            theme: "财政、金融、审计\\财政",
            column: "zfcg",
            body: "各预算单位：\n\n为规范政府采购行为，现将我县2026年政府集中采购目录及采购限额标准印发给你们，请遵照执行。目录和标准见附件。\n\n集中采购目录以内的项目应当委托集中采购机构采购；目录以外、限额标准以上的项目依法实行分散采购。",
            file_name: "乌恰县2026年政府集中采购目录及采购限额标准.docx",
            file_text: "一、集中采购机构采购项目\n（一）货物类：台式计算机、便携式计算机、打印设备、复印纸、办公家具、公务用车。\n（二）服务类：车辆维修保养及加油、机动车保险、物业管理、印刷服务。\n二、分散采购限额标准\n集中采购目录以外的货物、服务类项目单项或批量金额达到50万元以上，工程类项目达到60万元以上的，实行分散采购。\n三、公开招标数额标准\n货物、服务类项目单项或批量金额达到400万元以上的，应当公开招标。\n（本演示站点中的标准仅为示例，以自治区公布的标准为准。）",
        },
    ];
    let editor = user("demo-editor");
    let mut published = 0;
    for d in docs {
        let (y, m, day) = d.date;
        let date = NaiveDate::from_ymd_opt(y, m, day)
            .unwrap_or(today)
            .min(today);
        let c = content(
            meta(
                d.title,
                d.kind,
                d.doc,
                &date.to_string(),
                d.theme,
                "乌恰县财政局",
                today,
            )?,
            d.body,
            &[d.column],
        );
        let bytes = if d.file_name.ends_with(".pdf") {
            // Without a CJK font the record is published without its PDF.
            pdf(d.file_name, d.file_text, date).unwrap_or_default()
        } else {
            docx(d.file_name, d.file_text)?
        };
        let draft = records::create_draft(store, &editor, staff.editor_id, finance.id, &c).await?;
        if !bytes.is_empty() {
            attach(store, staff, data_dir, draft.id, d.file_name, &bytes).await?;
        }
        records::submit(store, &editor, staff.editor_id, draft.id).await?;
        approve(
            store,
            staff,
            draft.id,
            beijing_at(date.year(), date.month(), date.day(), 11, 0),
        )
        .await?;
        published += 1;
    }
    Ok(published)
}

/// Stores `bytes` in the attachment folder and adds them to draft `id` as the editor would.
async fn attach(
    store: &Store,
    staff: &DemoStaff,
    data_dir: &Path,
    id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<(), CliError> {
    let kind = gongkai_content::sniff(bytes, file_name)
        .map_err(|e| CliError::Config(format!("演示附件 {file_name} 无法识别：{e}")))?;
    let text = gongkai_content::extract_text(kind, bytes).unwrap_or_default();
    let sha256 = gongkai_store::blobs::put(store, data_dir, bytes).await?;
    attachments::add(
        store,
        &user("demo-editor"),
        staff.editor_id,
        id,
        &attachments::NewAttachment {
            sha256,
            file_name: file_name.to_owned(),
            kind: kind.extension().to_owned(),
            size_bytes: bytes.len() as i64,
            text,
        },
    )
    .await?;
    Ok(())
}

/// The attachment named `file_name` as a PDF set in the system's CJK font, titled after the
/// file; `None` when no such font is installed.
fn pdf(file_name: &str, body: &str, date: NaiveDate) -> Option<Vec<u8>> {
    let fonts = match gongkai_export::Fonts::system() {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "演示数据：未找到中文字体，PDF 附件未生成");
            return None;
        }
    };
    let letter = gongkai_export::Letter {
        title: stem(file_name).to_owned(),
        reference: None,
        addressee: String::new(),
        paragraphs: body
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        signature_org: "乌恰县财政局".into(),
        date: format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        footer_note: Some("此件主动公开".into()),
    };
    gongkai_export::render_letter_pdf(&letter, &fonts)
        .inspect_err(|e| tracing::warn!(error = %e, "演示数据：PDF 附件未生成"))
        .ok()
}

/// A file name without its extension: the title of a generated attachment.
fn stem(file_name: &str) -> &str {
    file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
}

/// A minimal valid Word document named `file_name`: its title, then one paragraph per line of
/// `body`.
fn docx(file_name: &str, body: &str) -> Result<Vec<u8>, CliError> {
    let title = stem(file_name);
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let paragraph = |s: &str| {
        format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            escape(s)
        )
    };
    let paragraphs: String = std::iter::once(title)
        .chain(body.split('\n').map(str::trim).filter(|p| !p.is_empty()))
        .map(paragraph)
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let zip_error = |e: zip::result::ZipError| CliError::Config(format!("演示附件生成失败：{e}"));
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/document.xml", document.as_str()),
    ] {
        writer.start_file(name, options).map_err(zip_error)?;
        writer.write_all(data.as_bytes())?;
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

/// The 2025 employment measures repealed by the 2026 measures that replaced them, to show
/// 有效性 on the page.
pub async fn supersede(store: &Store, today: NaiveDate) -> Result<(), CliError> {
    let policies = records::list_public(
        store,
        &records::PublicFilter {
            kind: Some(RecordKind::Policy.code().into()),
            ..records::PublicFilter::default()
        },
        chrono::Utc::now(),
        1,
        2,
    )
    .await?
    .0;
    if let [newer, older] = policies.as_slice() {
        records::set_validity(
            store,
            &Actor::system(),
            older.id,
            Validity::Repealed,
            today,
            Some(newer.id),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_docx_is_read_back_as_word() {
        let bytes = docx("标题.docx", "第一段\n第二段").unwrap_or_default();
        let kind = gongkai_content::sniff(&bytes, "a.docx").ok();
        assert_eq!(kind, Some(gongkai_content::FileKind::Docx));
        let text = kind
            .and_then(|k| gongkai_content::extract_text(k, &bytes).ok())
            .unwrap_or_default();
        assert!(text.contains("标题") && text.contains("第二段"), "{text}");
    }
}
