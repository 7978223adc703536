//! Demo typed lists: the county's 权力清单 (a few hundred 事项, built from the kinds of power
//! each department really holds × the demo's departments and townships), 办事指南 for the
//! common services with all ten statutory elements (and one guide missing an element, left as
//! 草稿 so the back office flags it), an 执法公示 list of 行政许可 and 行政处罚 decisions (most
//! published within 7 working days of the decision, one late) and a 低保 公示 with masked names
//! whose 公示期 runs past the load. Every published row is written by the demo editor,
//! submitted, and approved by the demo reviewer through the store's own steps.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use gongkai_domain::screening::Justification;
use gongkai_domain::typed_list::{Schema, Validity, builtin};
use gongkai_store::Store;
use gongkai_store::typed_lists::{self, RowInput};

use super::sites::{DEPARTMENTS, DemoStaff, TOWNSHIPS};
use super::{org, user};
use crate::CliError;

/// What one department's 权力清单 holds: (事项类别, 事项名称, 设定依据).
type Powers = &'static [(&'static str, &'static str, &'static str)];

/// The powers of the departments that hold most of them, by organ code.
const DEPARTMENT_POWERS: &[(&str, Powers)] = &[
    (
        "WQX011",
        &[
            (
                "行政许可",
                "食品经营许可",
                "《中华人民共和国食品安全法》第三十五条",
            ),
            (
                "行政许可",
                "食品生产许可",
                "《中华人民共和国食品安全法》第三十五条",
            ),
            (
                "行政许可",
                "药品零售企业经营许可",
                "《中华人民共和国药品管理法》第五十一条",
            ),
            (
                "行政许可",
                "特种设备使用登记",
                "《中华人民共和国特种设备安全法》第三十三条",
            ),
            (
                "行政确认",
                "个体工商户登记",
                "《促进个体工商户发展条例》第八条",
            ),
            (
                "行政处罚",
                "对未取得食品经营许可从事食品经营活动的处罚",
                "《中华人民共和国食品安全法》第一百二十二条",
            ),
            (
                "行政处罚",
                "对经营超过保质期食品的处罚",
                "《中华人民共和国食品安全法》第一百二十四条",
            ),
            (
                "行政处罚",
                "对销售不合格产品的处罚",
                "《中华人民共和国产品质量法》第四十九条",
            ),
            (
                "行政处罚",
                "对使用未经检定计量器具的处罚",
                "《中华人民共和国计量法实施细则》第四十三条",
            ),
            (
                "行政处罚",
                "对虚假广告的处罚",
                "《中华人民共和国广告法》第五十五条",
            ),
            (
                "行政强制",
                "查封、扣押不符合食品安全标准的食品",
                "《中华人民共和国食品安全法》第一百一十条",
            ),
            (
                "行政检查",
                "食品生产经营日常监督检查",
                "《中华人民共和国食品安全法》第一百零九条",
            ),
            (
                "行政检查",
                "特种设备安全监督检查",
                "《中华人民共和国特种设备安全法》第五十七条",
            ),
        ],
    ),
    (
        "WQX014",
        &[
            (
                "行政许可",
                "建设项目环境影响报告表审批",
                "《中华人民共和国环境影响评价法》第二十二条",
            ),
            ("行政许可", "排污许可", "《排污许可管理条例》第三条"),
            (
                "行政处罚",
                "对未批先建建设项目的处罚",
                "《中华人民共和国环境影响评价法》第三十一条",
            ),
            (
                "行政处罚",
                "对超标排放大气污染物的处罚",
                "《中华人民共和国大气污染防治法》第九十九条",
            ),
            (
                "行政处罚",
                "对违法倾倒工业固体废物的处罚",
                "《中华人民共和国固体废物污染环境防治法》第一百零二条",
            ),
            (
                "行政处罚",
                "对噪声污染扰民的处罚",
                "《中华人民共和国噪声污染防治法》第七十九条",
            ),
            (
                "行政强制",
                "查封、扣押造成污染物排放的设施设备",
                "《中华人民共和国环境保护法》第二十五条",
            ),
            (
                "行政检查",
                "排污单位现场检查",
                "《中华人民共和国环境保护法》第二十四条",
            ),
        ],
    ),
    (
        "WQX015",
        &[
            (
                "行政许可",
                "建筑工程施工许可",
                "《中华人民共和国建筑法》第七条",
            ),
            (
                "行政许可",
                "城市建筑垃圾处置核准",
                "《国务院对确需保留的行政审批项目设定行政许可的决定》第101项",
            ),
            ("行政许可", "燃气经营许可", "《城镇燃气管理条例》第十五条"),
            (
                "行政确认",
                "商品房预售许可",
                "《城市房地产开发经营管理条例》第二十二条",
            ),
            (
                "行政处罚",
                "对未取得施工许可擅自施工的处罚",
                "《建设工程质量管理条例》第五十七条",
            ),
            (
                "行政处罚",
                "对违反建筑市场管理规定的处罚",
                "《中华人民共和国建筑法》第六十五条",
            ),
            (
                "行政处罚",
                "对物业服务企业违规的处罚",
                "《物业管理条例》第五十九条",
            ),
            (
                "行政检查",
                "建设工程质量安全监督检查",
                "《建设工程安全生产管理条例》第四十条",
            ),
            (
                "行政给付",
                "城镇住房保障家庭租赁补贴发放",
                "《公共租赁住房管理办法》第三条",
            ),
        ],
    ),
    (
        "WQX016",
        &[
            (
                "行政许可",
                "道路旅客运输经营许可",
                "《中华人民共和国道路运输条例》第十条",
            ),
            (
                "行政许可",
                "道路货物运输经营许可",
                "《中华人民共和国道路运输条例》第二十四条",
            ),
            (
                "行政许可",
                "公路超限运输许可",
                "《中华人民共和国公路法》第五十条",
            ),
            (
                "行政许可",
                "占用、挖掘公路许可",
                "《中华人民共和国公路法》第四十四条",
            ),
            (
                "行政处罚",
                "对未取得道路运输经营许可擅自经营的处罚",
                "《中华人民共和国道路运输条例》第六十三条",
            ),
            (
                "行政处罚",
                "对车辆超限运输的处罚",
                "《公路安全保护条例》第六十四条",
            ),
            (
                "行政检查",
                "道路运输企业安全生产检查",
                "《中华人民共和国道路运输条例》第五十九条",
            ),
        ],
    ),
    (
        "WQX017",
        &[
            (
                "行政许可",
                "医疗机构执业登记",
                "《医疗机构管理条例》第十五条",
            ),
            (
                "行政许可",
                "公共场所卫生许可",
                "《公共场所卫生管理条例》第八条",
            ),
            (
                "行政许可",
                "饮用水供水单位卫生许可",
                "《中华人民共和国传染病防治法》第二十九条",
            ),
            (
                "行政许可",
                "母婴保健技术服务执业许可",
                "《中华人民共和国母婴保健法》第三十二条",
            ),
            (
                "行政处罚",
                "对未取得医疗机构执业许可证擅自执业的处罚",
                "《医疗机构管理条例》第四十三条",
            ),
            (
                "行政处罚",
                "对公共场所卫生违法行为的处罚",
                "《公共场所卫生管理条例》第十九条",
            ),
            (
                "行政给付",
                "计划生育家庭特别扶助金发放",
                "《中华人民共和国人口与计划生育法》第三十一条",
            ),
            (
                "行政检查",
                "医疗机构依法执业监督检查",
                "《医疗机构管理条例》第四十条",
            ),
        ],
    ),
    (
        "WQX010",
        &[
            (
                "行政许可",
                "劳务派遣经营许可",
                "《中华人民共和国劳动合同法》第五十七条",
            ),
            (
                "行政许可",
                "人力资源服务许可",
                "《人力资源市场暂行条例》第十八条",
            ),
            ("行政确认", "工伤认定", "《工伤保险条例》第十七条"),
            ("行政确认", "劳动能力鉴定", "《工伤保险条例》第二十三条"),
            ("行政给付", "失业保险金发放", "《失业保险条例》第十四条"),
            (
                "行政处罚",
                "对用人单位拖欠劳动者工资的处罚",
                "《保障农民工工资支付条例》第五十四条",
            ),
            (
                "行政处罚",
                "对违法使用童工的处罚",
                "《禁止使用童工规定》第六条",
            ),
            ("行政检查", "劳动保障监察", "《劳动保障监察条例》第十一条"),
            (
                "行政裁决",
                "劳动人事争议仲裁",
                "《中华人民共和国劳动争议调解仲裁法》第二条",
            ),
        ],
    ),
    (
        "WQX018",
        &[
            (
                "行政许可",
                "危险化学品经营许可",
                "《危险化学品安全管理条例》第三十三条",
            ),
            (
                "行政许可",
                "烟花爆竹经营（零售）许可",
                "《烟花爆竹安全管理条例》第十九条",
            ),
            (
                "行政处罚",
                "对生产经营单位未进行安全生产教育培训的处罚",
                "《中华人民共和国安全生产法》第九十七条",
            ),
            (
                "行政处罚",
                "对未按规定配备安全生产管理人员的处罚",
                "《中华人民共和国安全生产法》第九十七条",
            ),
            (
                "行政处罚",
                "对事故隐患不采取措施消除的处罚",
                "《中华人民共和国安全生产法》第一百零二条",
            ),
            (
                "行政强制",
                "查封、扣押不符合保障安全生产标准的设施设备",
                "《中华人民共和国安全生产法》第六十五条",
            ),
            (
                "行政检查",
                "生产经营单位安全生产监督检查",
                "《中华人民共和国安全生产法》第六十五条",
            ),
        ],
    ),
    (
        "WQX013",
        &[
            (
                "行政许可",
                "建设项目用地预审",
                "《中华人民共和国土地管理法实施条例》第二十四条",
            ),
            (
                "行政许可",
                "乡村建设规划许可",
                "《中华人民共和国城乡规划法》第四十一条",
            ),
            (
                "行政许可",
                "采矿权新立登记",
                "《中华人民共和国矿产资源法》第三条",
            ),
            ("行政确认", "不动产登记", "《不动产登记暂行条例》第三条"),
            (
                "行政处罚",
                "对非法占用土地的处罚",
                "《中华人民共和国土地管理法》第七十七条",
            ),
            (
                "行政处罚",
                "对无证开采矿产资源的处罚",
                "《中华人民共和国矿产资源法》第三十九条",
            ),
            ("行政征收", "土地复垦费征收", "《土地复垦条例》第十八条"),
            (
                "行政检查",
                "土地利用动态巡查",
                "《中华人民共和国土地管理法》第六十七条",
            ),
        ],
    ),
    (
        "WQX004",
        &[
            (
                "行政处罚",
                "对违反政府采购规定的处罚",
                "《中华人民共和国政府采购法》第七十一条",
            ),
            (
                "行政处罚",
                "对违反会计法行为的处罚",
                "《中华人民共和国会计法》第四十条",
            ),
            (
                "行政检查",
                "会计信息质量检查",
                "《中华人民共和国会计法》第三十二条",
            ),
            (
                "行政检查",
                "政府采购活动监督检查",
                "《中华人民共和国政府采购法》第五十九条",
            ),
            (
                "行政给付",
                "耕地地力保护补贴发放",
                "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》",
            ),
        ],
    ),
    (
        "WQX019",
        &[
            ("行政许可", "旅行社设立许可", "《旅行社条例》第六条"),
            (
                "行政处罚",
                "对未经许可经营旅行社业务的处罚",
                "《中华人民共和国旅游法》第九十五条",
            ),
            (
                "行政检查",
                "旅游市场监督检查",
                "《中华人民共和国旅游法》第八十三条",
            ),
            (
                "行政奖励",
                "旅游行业先进单位表彰",
                "《中华人民共和国旅游法》第六条",
            ),
        ],
    ),
    (
        "WQX020",
        &[
            (
                "行政许可",
                "大型群众性活动安全许可",
                "《大型群众性活动安全管理条例》第十一条",
            ),
            (
                "行政许可",
                "剧毒化学品购买许可",
                "《危险化学品安全管理条例》第三十八条",
            ),
            (
                "行政许可",
                "民用爆炸物品购买许可",
                "《民用爆炸物品安全管理条例》第二十一条",
            ),
            (
                "行政确认",
                "居民身份证核发",
                "《中华人民共和国居民身份证法》第八条",
            ),
            (
                "行政确认",
                "户口登记",
                "《中华人民共和国户口登记条例》第三条",
            ),
            (
                "行政处罚",
                "对扰乱公共秩序行为的处罚",
                "《中华人民共和国治安管理处罚法》第二十三条",
            ),
            (
                "行政处罚",
                "对饮酒后驾驶机动车的处罚",
                "《中华人民共和国道路交通安全法》第九十一条",
            ),
            (
                "行政处罚",
                "对机动车违反道路通行规定的处罚",
                "《中华人民共和国道路交通安全法》第九十条",
            ),
            (
                "行政强制",
                "扣留机动车",
                "《中华人民共和国道路交通安全法》第九十五条",
            ),
        ],
    ),
    (
        "WQX003",
        &[
            (
                "行政许可",
                "企业投资项目核准",
                "《企业投资项目核准和备案管理条例》第三条",
            ),
            (
                "行政确认",
                "企业投资项目备案",
                "《企业投资项目核准和备案管理条例》第三条",
            ),
            (
                "行政处罚",
                "对价格违法行为的处罚",
                "《中华人民共和国价格法》第三十九条",
            ),
            (
                "行政检查",
                "固定资产投资项目节能审查监督检查",
                "《固定资产投资项目节能审查办法》第十八条",
            ),
        ],
    ),
];

/// Powers every department holds, whatever its work.
const COMMON_POWERS: Powers = &[
    (
        "行政检查",
        "本系统政府信息公开工作监督检查",
        "《中华人民共和国政府信息公开条例》第四十六条",
    ),
    (
        "行政奖励",
        "本系统先进集体和先进个人表彰",
        "《中华人民共和国公务员法》第五十二条",
    ),
    (
        "其他行政权力",
        "政府信息公开申请办理",
        "《中华人民共和国政府信息公开条例》第二十七条",
    ),
    ("其他行政权力", "信访事项办理", "《信访工作条例》第三十一条"),
];

/// Powers every township holds.
const TOWNSHIP_POWERS: Powers = &[
    (
        "行政许可",
        "乡村建设规划许可初审",
        "《中华人民共和国城乡规划法》第四十一条",
    ),
    (
        "行政确认",
        "农村村民宅基地审批",
        "《中华人民共和国土地管理法》第六十二条",
    ),
    (
        "行政给付",
        "最低生活保障申请受理和初审",
        "《社会救助暂行办法》第十一条",
    ),
    (
        "行政给付",
        "临时救助申请受理",
        "《社会救助暂行办法》第四十八条",
    ),
    (
        "行政裁决",
        "土地权属争议调解",
        "《中华人民共和国土地管理法》第十四条",
    ),
    (
        "行政处罚",
        "对违反村庄规划建设行为的处罚",
        "《中华人民共和国城乡规划法》第六十五条",
    ),
    ("其他行政权力", "婚姻家庭纠纷调解", "《人民调解法》第二条"),
];

/// The demo's 办事指南: (事项名称, 实施机构, 设定依据, 申请条件, 办理材料, 办理时限, 收费标准).
const GUIDES: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "食品经营许可",
        "WQX011",
        "《中华人民共和国食品安全法》第三十五条",
        "有与经营的食品品种、数量相适应的经营场所；有食品安全管理人员和规章制度。",
        "食品经营许可申请书\n营业执照复印件\n经营场所平面图\n食品安全管理制度",
        "受理之日起 10 个工作日",
        "不收费",
    ),
    (
        "个体工商户登记",
        "WQX011",
        "《促进个体工商户发展条例》第八条",
        "有经营能力的公民；经营场所符合规定。",
        "个体工商户登记申请书\n经营者身份证明\n经营场所使用证明",
        "材料齐全的当场办结",
        "不收费",
    ),
    (
        "建筑工程施工许可",
        "WQX015",
        "《中华人民共和国建筑法》第七条",
        "已办理用地批准手续；已取得规划许可证；施工图设计文件已审查合格。",
        "施工许可申请表\n建设工程规划许可证\n施工图审查合格书\n中标通知书",
        "受理之日起 7 个工作日",
        "不收费",
    ),
    (
        "道路货物运输经营许可",
        "WQX016",
        "《中华人民共和国道路运输条例》第二十四条",
        "有与经营业务相适应并经检测合格的车辆；有符合条件的驾驶人员。",
        "道路货物运输经营申请表\n车辆行驶证\n驾驶人员从业资格证",
        "受理之日起 20 日",
        "不收费",
    ),
    (
        "医疗机构执业登记",
        "WQX017",
        "《医疗机构管理条例》第十五条",
        "按照设置审批规划设置；符合医疗机构基本标准；有相应的设施设备和人员。",
        "执业登记申请书\n设置医疗机构批准书\n房屋产权证明或使用证明\n医务人员执业证书",
        "受理之日起 45 日",
        "不收费",
    ),
    (
        "工伤认定",
        "WQX010",
        "《工伤保险条例》第十七条",
        "职工发生事故伤害或者被诊断为职业病。",
        "工伤认定申请表\n劳动关系证明\n医疗诊断证明",
        "受理之日起 60 日",
        "不收费",
    ),
    (
        "失业保险金申领",
        "WQX010",
        "《失业保险条例》第十四条",
        "失业前缴纳失业保险费满一年；非本人意愿中断就业；已办理失业登记。",
        "社会保障卡\n解除劳动合同证明",
        "受理之日起 5 个工作日",
        "不收费",
    ),
    (
        "最低生活保障申请",
        "WQX101",
        "《社会救助暂行办法》第九条",
        "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合财产状况规定。",
        "最低生活保障申请书\n户口簿\n家庭收入和财产状况说明",
        "受理之日起 30 个工作日",
        "不收费",
    ),
    (
        "不动产登记",
        "WQX013",
        "《不动产登记暂行条例》第三条",
        "不动产权利人或利害关系人依法申请。",
        "不动产登记申请书\n申请人身份证明\n不动产权属来源证明",
        "受理之日起 5 个工作日",
        "按国家规定标准收取登记费",
    ),
    (
        "企业投资项目备案",
        "WQX003",
        "《企业投资项目核准和备案管理条例》第十三条",
        "不属于核准目录内的企业投资项目。",
        "项目备案信息表",
        "即时办结",
        "不收费",
    ),
];

/// 执法公示 decisions: (决定类别, 公示事项, 执法主体, 行政相对人, 决定文书号, days before the
/// load the decision was made).
const DECISIONS: &[(&str, &str, &str, &str, &str, i64)] = &[
    (
        "行政许可",
        "准予食品经营许可",
        "WQX011",
        "乌恰县帕米尔商贸有限公司",
        "乌市监食许〔{y}〕18号",
        1,
    ),
    (
        "行政许可",
        "准予食品经营许可",
        "WQX011",
        "乌恰县康苏镇阿依餐厅",
        "乌市监食许〔{y}〕19号",
        2,
    ),
    (
        "行政许可",
        "准予道路货物运输经营许可",
        "WQX016",
        "乌恰县吉根物流有限公司",
        "乌交运许〔{y}〕7号",
        3,
    ),
    (
        "行政许可",
        "准予建筑工程施工许可",
        "WQX015",
        "克州建工集团有限公司",
        "乌住建施许〔{y}〕11号",
        2,
    ),
    (
        "行政许可",
        "准予医疗机构执业登记",
        "WQX017",
        "乌恰县康宁诊所",
        "乌卫医许〔{y}〕4号",
        1,
    ),
    (
        "行政处罚",
        "经营超过保质期食品",
        "WQX011",
        "李建华",
        "乌市监罚〔{y}〕21号",
        3,
    ),
    (
        "行政处罚",
        "超标排放大气污染物",
        "WQX014",
        "乌恰县某建材有限公司",
        "乌环罚〔{y}〕5号",
        2,
    ),
    (
        "行政处罚",
        "未按规定配备安全生产管理人员",
        "WQX018",
        "乌恰县托云矿业有限公司",
        "乌安监罚〔{y}〕3号",
        1,
    ),
    // Published late: decided five weeks before it was put on the list.
    (
        "行政处罚",
        "未取得食品经营许可从事食品经营活动",
        "WQX011",
        "马福林",
        "乌市监罚〔{y}〕9号",
        35,
    ),
];

/// The 低保 公示: (救助类别, 姓名, 村（社区）, 家庭人口, 月保障金额).
const BENEFICIARIES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "农村低保",
        "艾力·买买提",
        "乌恰镇巴音库鲁提村",
        "4",
        "1,240",
    ),
    ("农村低保", "古丽娜尔", "康苏镇康苏村", "3", "930"),
    ("城市低保", "王秀兰", "乌恰镇团结社区", "2", "1,360"),
    (
        "城市低保",
        "阿依古丽·托合提",
        "乌恰镇迎宾社区",
        "3",
        "2,040",
    ),
    ("农村低保", "吐尔逊·阿不都", "吉根乡萨孜村", "5", "1,550"),
    ("特困供养", "张德明", "黑孜苇乡康阿孜村", "1", "980"),
];

/// What the demo put on the lists, for its test and the loader's log.
#[derive(Debug, Default)]
pub struct DemoLists {
    /// 权力清单 rows published.
    pub powers: usize,
    /// 办事指南 published.
    pub guides: usize,
    /// The id of the guide left as 草稿 without its 收费标准.
    pub incomplete_guide: i64,
    /// 执法公示 decisions published.
    pub decisions: usize,
    /// 低保 公示 rows published.
    pub beneficiaries: usize,
}

/// Writes, submits and approves one row; returns its id.
async fn publish(
    store: &Store,
    staff: &DemoStaff,
    site_id: i64,
    schema: &Schema,
    raw: BTreeMap<String, String>,
) -> Result<i64, CliError> {
    let id = draft(store, staff, site_id, schema, raw).await?;
    typed_lists::submit(store, &user("demo-editor"), staff.editor_id, site_id, id).await?;
    typed_lists::approve(
        store,
        &user("demo-reviewer"),
        staff.reviewer_id,
        site_id,
        id,
        Justification::default(),
    )
    .await?;
    Ok(id)
}

/// Writes one row as a draft of the demo editor.
async fn draft(
    store: &Store,
    staff: &DemoStaff,
    site_id: i64,
    schema: &Schema,
    raw: BTreeMap<String, String>,
) -> Result<i64, CliError> {
    let cells = schema.check_row(&raw).map_err(|errors| {
        CliError::Config(format!(
            "{}：{}",
            schema.name,
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("；")
        ))
    })?;
    let editor_org = org(store, "WQX004").await?;
    let input = RowInput {
        schema,
        cells: &cells,
        validity: Validity::Valid,
        default_org: editor_org.id,
        scope: None,
    };
    Ok(typed_lists::create(
        store,
        &user("demo-editor"),
        Some(staff.editor_id),
        site_id,
        &input,
    )
    .await?)
}

fn cells(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn schema_of(code: &str) -> Result<Schema, CliError> {
    builtin::by_code(code).ok_or_else(|| CliError::Config(format!("没有内置清单“{code}”")))
}

/// Loads the lists; `today` is the Beijing date of the load (decisions are dated before it).
pub async fn load(
    store: &Store,
    staff: &DemoStaff,
    today: NaiveDate,
) -> Result<DemoLists, CliError> {
    let site = org(store, super::sites::COUNTY.0).await?;
    let mut out = DemoLists::default();

    let powers = schema_of("quanli")?;
    let mut serial = 0;
    let add_power = |list: &mut Vec<(String, &'static str, &'static str, &'static str)>,
                     code: &str,
                     p: Powers| {
        for (kind, name, basis) in p {
            list.push((code.to_owned(), kind, name, basis));
        }
    };
    let mut all = Vec::new();
    for (code, _, _) in DEPARTMENTS {
        if let Some((_, p)) = DEPARTMENT_POWERS.iter().find(|(c, _)| c == code) {
            add_power(&mut all, code, p);
        }
        add_power(&mut all, code, COMMON_POWERS);
    }
    for (code, _) in TOWNSHIPS {
        add_power(&mut all, code, TOWNSHIP_POWERS);
    }
    for (code, kind, name, basis) in all {
        serial += 1;
        let item_code = format!("WQQL-{serial:04}");
        publish(
            store,
            staff,
            site.id,
            &powers,
            cells(&[
                ("item_code", &item_code),
                ("name", name),
                ("kind", kind),
                ("basis", basis),
                ("org", &code),
            ]),
        )
        .await?;
        out.powers += 1;
    }

    let guides = schema_of("banshi")?;
    for (i, (name, code, basis, conditions, materials, limit, fee)) in GUIDES.iter().enumerate() {
        let place = format!("乌恰县政务服务中心一楼 {} 号窗口", i + 1);
        let consult = format!("0908-59523{:02}", i + 10);
        publish(
            store,
            staff,
            site.id,
            &guides,
            cells(&[
                ("name", name),
                ("org", code),
                ("basis", basis),
                ("conditions", conditions),
                ("materials", materials),
                ("process", "申请\n受理\n审查\n决定\n送达"),
                ("time_limit", limit),
                ("fee", fee),
                ("place", &place),
                ("consult_phone", &consult),
                ("supervise_phone", "0908-5952345"),
                ("online", "https://zwfw.xinjiang.gov.cn"),
            ]),
        )
        .await?;
        out.guides += 1;
    }
    // A guide still being written: 收费标准 missing, so it may not be published and the back
    // office flags it.
    out.incomplete_guide = draft(
        store,
        staff,
        site.id,
        &guides,
        cells(&[
            ("name", "特种设备使用登记"),
            ("org", "WQX011"),
            ("basis", "《中华人民共和国特种设备安全法》第三十三条"),
            ("conditions", "特种设备投入使用前或者投入使用后三十日内。"),
            ("materials", "特种设备使用登记表\n产品合格证\n监督检验证明"),
            ("process", "申请\n受理\n审查\n发证"),
            ("time_limit", "受理之日起 15 个工作日"),
            ("place", "乌恰县政务服务中心一楼 11 号窗口"),
            ("consult_phone", "0908-5952321"),
            ("supervise_phone", "0908-5952345"),
        ]),
    )
    .await?;

    let enforcement = schema_of(builtin::ENFORCEMENT)?;
    for (kind, title, code, party, number, days_ago) in DECISIONS {
        let decided = today - Duration::days(*days_ago);
        let year = decided.format("%Y").to_string();
        publish(
            store,
            staff,
            site.id,
            &enforcement,
            cells(&[
                ("stage", "事后公示"),
                ("title", title),
                ("org", code),
                ("basis", "依据相关法律法规作出决定"),
                ("result", if *kind == builtin::LICENCE { "准予许可" } else { "警告并处罚款" }),
                ("remedy", "如不服本决定，可在收到决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。"),
                (builtin::DECISION_KIND, kind),
                ("decision_no", &number.replace("{y}", &year)),
                (builtin::DECISION_DATE, &decided.to_string()),
                ("party", party),
            ]),
        )
        .await?;
        out.decisions += 1;
    }

    let assistance = schema_of("jiuzhu")?;
    for (kind, name, village, household, amount) in BENEFICIARIES {
        publish(
            store,
            staff,
            site.id,
            &assistance,
            cells(&[
                ("kind", kind),
                ("name", name),
                ("village", village),
                ("household", household),
                ("amount", amount),
                ("note", "新纳入"),
            ]),
        )
        .await?;
        out.beneficiaries += 1;
    }
    Ok(out)
}
