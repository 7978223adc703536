//! The built-in list types every site has: the lists the 政务公开 rules name, with their
//! columns. A site's administrator may define more ([`super::Schema::check`]).

use super::{Field, FieldKind, Masking, Schema};

/// 办事指南's ten statutory elements, by key, in order; a guide missing one may not be
/// published, and the back office flags it.
pub const GUIDE_ELEMENTS: [&str; 10] = [
    "name",
    "basis",
    "conditions",
    "materials",
    "process",
    "time_limit",
    "fee",
    "place",
    "consult_phone",
    "supervise_phone",
];

/// The code of the 执法公示 list, whose rows the annual report counts.
pub const ENFORCEMENT: &str = "zhifa";
/// The key of 执法公示's decision kind.
pub const DECISION_KIND: &str = "decision_kind";
/// The key of 执法公示's decision date.
pub const DECISION_DATE: &str = "decision_date";
/// The key of 执法公示's 执法主体 (the organisation counted).
pub const ENFORCER: &str = "org";
/// The decision kind of a 行政许可.
pub const LICENCE: &str = "行政许可";
/// The decision kind of a 行政处罚.
pub const PENALTY: &str = "行政处罚";

/// The built-in list types, in menu order.
pub fn all() -> Vec<Schema> {
    vec![
        power_list(),
        duty_list(),
        service_guide(),
        intermediary_services(),
        enforcement(),
        supervision(),
        assistance(),
        livelihood_funds(),
    ]
}

/// The built-in list type of `code`.
pub fn by_code(code: &str) -> Option<Schema> {
    all().into_iter().find(|s| s.code == code)
}

/// A public, unmasked field.
fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        key: key.to_owned(),
        label: label.to_owned(),
        kind,
        options: Vec::new(),
        required,
        public: true,
        masking: Masking::None,
    }
}

/// A public choice field.
fn choice(key: &str, label: &str, required: bool, options: &[&str]) -> Field {
    Field {
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        ..field(key, label, FieldKind::Choice, required)
    }
}

fn schema(code: &str, name: &str, title_key: &str, fields: Vec<Field>) -> Schema {
    Schema {
        code: code.to_owned(),
        name: name.to_owned(),
        fields,
        gongshi_days: None,
        publication_elements: Vec::new(),
        title_key: title_key.to_owned(),
    }
}

use FieldKind::{Date, Money, Number, OrgLink, RecordLink, RichText, Text};

/// 行政权力的类别.
pub const POWER_KINDS: [&str; 10] = [
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
];

/// 权力清单.
fn power_list() -> Schema {
    schema(
        "quanli",
        "权力清单",
        "name",
        vec![
            field("item_code", "事项编码", Text, false),
            field("name", "事项名称", Text, true),
            choice("kind", "事项类别", true, &POWER_KINDS),
            field("basis", "设定依据", RichText, true),
            field("org", "实施主体", OrgLink, true),
            field("office", "承办机构", Text, false),
            field("note", "备注", Text, false),
        ],
    )
}

/// 责任清单.
fn duty_list() -> Schema {
    schema(
        "zeren",
        "责任清单",
        "duty",
        vec![
            field("duty", "主要职责", Text, true),
            field("tasks", "具体工作事项", RichText, true),
            field("org", "责任主体", OrgLink, true),
            field("basis", "职责依据", RichText, false),
            field("accountability", "追责情形", RichText, false),
            field("note", "备注", Text, false),
        ],
    )
}

/// 办事指南 with its ten statutory elements.
fn service_guide() -> Schema {
    let mut s = schema(
        "banshi",
        "办事指南",
        "name",
        vec![
            field("name", "事项名称", Text, true),
            field("org", "实施机构", OrgLink, false),
            field("basis", "设定依据", RichText, false),
            field("conditions", "申请条件", RichText, false),
            field("materials", "办理材料", RichText, false),
            field("process", "办理流程", RichText, false),
            field("time_limit", "办理时限", Text, false),
            field("fee", "收费标准", Text, false),
            field("place", "办理地点", Text, false),
            field("consult_phone", "咨询电话", Text, false),
            field("supervise_phone", "监督电话", Text, false),
            field("online", "网上办理地址", Text, false),
        ],
    );
    s.publication_elements = GUIDE_ELEMENTS.iter().map(|k| (*k).to_owned()).collect();
    s
}

/// 中介服务事项清单.
fn intermediary_services() -> Schema {
    schema(
        "zhongjie",
        "中介服务事项清单",
        "name",
        vec![
            field("name", "中介服务事项名称", Text, true),
            field("approval", "涉及的审批事项", Text, false),
            field("basis", "设置依据", RichText, true),
            field("provider", "中介服务机构", Text, false),
            field("time_limit", "服务时限", Text, true),
            field("fee", "收费依据及标准", Text, false),
            field("org", "审批部门", OrgLink, false),
        ],
    )
}

/// 执法公示: 事前 (who enforces what by which rules), 事中 and 事后 (decisions).
fn enforcement() -> Schema {
    schema(
        ENFORCEMENT,
        "执法公示",
        "title",
        vec![
            choice(
                "stage",
                "公示环节",
                true,
                &["事前公示", "事中公示", "事后公示"],
            ),
            field("title", "公示事项", Text, true),
            field(ENFORCER, "执法主体", OrgLink, true),
            field("officers", "执法人员及证号", Text, false),
            field("basis", "执法依据", RichText, false),
            field("process", "执法流程", RichText, false),
            field("result", "执法结果", RichText, false),
            field("remedy", "救济途径", Text, false),
            choice(
                DECISION_KIND,
                "决定类别",
                false,
                &[LICENCE, PENALTY, "行政强制", "行政检查", "其他"],
            ),
            field("decision_no", "决定文书号", Text, false),
            field(DECISION_DATE, "决定日期", Date, false),
            Field {
                masking: Masking::Name,
                ..field("party", "行政相对人", Text, false)
            },
        ],
    )
}

/// 监管信息 by area.
fn supervision() -> Schema {
    schema(
        "jianguan",
        "监管信息",
        "title",
        vec![
            choice(
                "area",
                "监管领域",
                true,
                &[
                    "安全生产",
                    "生态环境",
                    "食品药品",
                    "市场监管",
                    "交通运输",
                    "住房城乡建设",
                    "其他",
                ],
            ),
            field("title", "监管事项", Text, true),
            field("org", "监管部门", OrgLink, true),
            field("checked_on", "检查日期", Date, false),
            field("target", "检查对象", Text, false),
            field("result", "检查结果", RichText, false),
            field("measures", "处理措施", RichText, false),
            field("record", "相关文件", RecordLink, false),
        ],
    )
}

/// 低保、特困、临时救助和扶贫对象公示: names masked, ID numbers staff-only, 7 days.
fn assistance() -> Schema {
    let mut s = schema(
        "jiuzhu",
        "救助对象公示",
        "name",
        vec![
            choice(
                "kind",
                "救助类别",
                true,
                &["城市低保", "农村低保", "特困供养", "临时救助", "扶贫"],
            ),
            Field {
                masking: Masking::Name,
                ..field("name", "姓名", Text, true)
            },
            Field {
                public: false,
                masking: Masking::IdNumber,
                ..field("id_number", "身份证号码", Text, false)
            },
            field("village", "村（社区）", Text, true),
            field("household", "家庭人口", Number, false),
            field("amount", "月保障金额", Money, false),
            field("note", "备注", Text, false),
        ],
    );
    s.gongshi_days = Some(7);
    s
}

/// 民生资金分配.
fn livelihood_funds() -> Schema {
    schema(
        "minsheng",
        "民生资金分配",
        "project",
        vec![
            field("project", "资金项目", Text, true),
            field("year", "年度", Number, true),
            field("org", "主管部门", OrgLink, true),
            field("recipient", "分配对象", Text, true),
            field("amount", "分配金额", Money, true),
            field("allocated_on", "下达日期", Date, false),
            field("basis", "分配依据", Text, false),
        ],
    )
}
