//! Demo open data: a dozen county datasets of several departments, drafted by the demo editor,
//! submitted and approved by the demo reviewer through the store's own review steps, with
//! metadata a county would really give (licence, themes, tags, frequency, coverage, contact,
//! 开放属性) and resources generated at load time: CSV (one GBK-encoded, as county offices often
//! export), XLSX workbooks and one link. Every figure is aggregated; no personal data.

use gongkai_domain::dataset::{DatasetDraft, ReviewStep};
use gongkai_store::datasets::{self, Author, NewResource, Source};
use gongkai_store::{Store, blobs};

use super::sites::DemoStaff;
use super::{org, user};
use crate::CliError;

/// The demo year the tables cover.
const YEAR: i32 = 2025;

/// Townships of the county, as aggregated tables list them.
const TOWNSHIPS: &[&str] = &[
    "乌恰镇",
    "康苏镇",
    "黑孜苇乡",
    "吉根乡",
    "托云乡",
    "波斯坦铁列克乡",
    "乌鲁克恰提乡",
    "巴音库鲁提乡",
    "膘尔托阔依乡",
    "吾合沙鲁乡",
    "铁列克乡",
];

/// A generated table: header and rows of text cells.
struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// How a table is delivered.
#[derive(Clone, Copy)]
enum Delivery {
    /// UTF-8 CSV.
    Csv,
    /// GBK CSV (the encoding county offices' spreadsheets often save).
    GbkCsv,
    /// An XLSX workbook with numbers as numbers.
    Xlsx,
}

/// One demo dataset: its metadata, in the back office's terms, and its tables.
struct DemoDataset {
    org: &'static str,
    name: &'static str,
    title: &'static str,
    notes: &'static str,
    groups: &'static [&'static str],
    tags: &'static [&'static str],
    licence: &'static str,
    frequency: &'static str,
    openness: &'static str,
    conditions: &'static str,
    legal_ground: &'static str,
    contact_name: &'static str,
    contact: &'static str,
    tables: Vec<(&'static str, Delivery, Table)>,
    link: Option<(&'static str, &'static str)>,
}

/// A deterministic spread of plausible values: `base` varied by `i` within about ±30 %.
fn vary(base: u64, i: usize) -> u64 {
    let wobble = ((i as u64 * 37 + 11) % 61) as i64 - 30;
    (base as i64 + base as i64 * wobble / 100).max(0) as u64
}

fn budget() -> Table {
    let departments = [
        "县政府办公室",
        "县发改委",
        "县财政局",
        "县审计局",
        "县人社局",
        "县市场监督管理局",
        "县环保局",
        "县住建局",
        "县交通运输局",
        "县卫计委",
        "县旅游局",
    ];
    let rows = departments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let basic = vary(820, i);
            let project = vary(1450, i + 3);
            vec![
                d.to_string(),
                basic.to_string(),
                project.to_string(),
                (basic + project).to_string(),
            ]
        })
        .collect();
    Table {
        header: vec![
            "部门",
            "基本支出（万元）",
            "项目支出（万元）",
            "支出合计（万元）",
        ],
        rows,
    }
}

fn dibao() -> Table {
    let mut rows = Vec::new();
    for (t, name) in TOWNSHIPS.iter().enumerate() {
        for month in 1..=12 {
            let households = vary(180, t * 12 + month);
            rows.push(vec![
                format!("{YEAR}-{month:02}"),
                name.to_string(),
                households.to_string(),
                (households * 23 / 10).to_string(),
                (households * 2310 / 10_000).to_string(),
            ]);
        }
    }
    Table {
        header: vec!["月份", "乡镇", "保障户数", "保障人数", "发放金额（万元）"],
        rows,
    }
}

fn trading() -> Table {
    let kinds = ["工程建设", "政府采购", "土地使用权出让", "国有产权交易"];
    let rows = (1..=24)
        .map(|i| {
            vec![
                format!("WQGGZY-{YEAR}-{i:03}"),
                format!("{}项目（第{i}批）", kinds[i % kinds.len()]),
                kinds[i % kinds.len()].to_string(),
                format!("{YEAR}-{:02}-{:02}", (i % 12) + 1, (i * 7 % 27) + 1),
                vary(260, i).to_string(),
            ]
        })
        .collect();
    Table {
        header: vec![
            "项目编号",
            "项目名称",
            "交易类型",
            "成交日期",
            "成交金额（万元）",
        ],
        rows,
    }
}

fn schools() -> Table {
    let rows = TOWNSHIPS
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let kind = if i < 2 {
                "九年一贯制学校"
            } else {
                "小学"
            };
            vec![
                format!("乌恰县{t}中心学校"),
                kind.to_string(),
                t.to_string(),
                vary(420, i).to_string(),
                vary(38, i + 5).to_string(),
            ]
        })
        .collect();
    Table {
        header: vec!["学校名称", "学段", "所在乡镇", "在校学生数", "专任教师数"],
        rows,
    }
}

fn clinics() -> Table {
    let rows = TOWNSHIPS
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                format!("{t}卫生院"),
                "乡镇卫生院".to_string(),
                t.to_string(),
                vary(20, i).to_string(),
                "周一至周日 全天".to_string(),
            ]
        })
        .collect();
    Table {
        header: vec!["机构名称", "机构类别", "所在乡镇", "床位数", "服务时间"],
        rows,
    }
}

fn buses() -> Table {
    let lines = [
        ("1路", "客运站", "县人民医院", "7:30-21:00"),
        ("2路", "乌恰镇政府", "工业园区", "8:00-20:30"),
        ("3路", "县第一中学", "康苏镇", "7:40-19:30"),
        ("4路", "客运站", "黑孜苇乡", "8:30-19:00"),
        ("5路", "县政务服务中心", "吉根乡", "9:00-18:00"),
    ];
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, (l, from, to, hours))| {
            vec![
                l.to_string(),
                from.to_string(),
                to.to_string(),
                hours.to_string(),
                vary(12, i).to_string(),
                "1".to_string(),
            ]
        })
        .collect();
    Table {
        header: vec!["线路", "起点", "终点", "运营时间", "站点数", "票价（元）"],
        rows,
    }
}

fn air() -> Table {
    let rows = (1..=12)
        .map(|m| {
            vec![
                format!("{YEAR}-{m:02}"),
                vary(28, m).to_string(),
                vary(62, m + 2).to_string(),
                vary(26, m + 4).to_string(),
                ((vary(28, m) * 100 + 50) / 100).min(31).to_string(),
            ]
        })
        .collect();
    Table {
        header: vec![
            "月份",
            "PM2.5（微克/立方米）",
            "PM10（微克/立方米）",
            "优良天数",
            "监测天数",
        ],
        rows,
    }
}

fn market() -> Table {
    let kinds = ["企业", "个体工商户", "农民专业合作社"];
    let mut rows = Vec::new();
    for (q, quarter) in ["第一季度", "第二季度", "第三季度", "第四季度"]
        .iter()
        .enumerate()
    {
        for (k, kind) in kinds.iter().enumerate() {
            rows.push(vec![
                format!("{YEAR}年{quarter}"),
                kind.to_string(),
                vary(90, q * 3 + k).to_string(),
                vary(30, q * 3 + k + 1).to_string(),
            ]);
        }
    }
    Table {
        header: vec!["季度", "主体类型", "新登记户数", "注销户数"],
        rows,
    }
}

fn sights() -> Table {
    let sights = [
        ("玉其塔什草原", "AAA"),
        ("托云牧场", "未评级"),
        ("吉根乡国门景区", "AAA"),
        ("康苏石林", "未评级"),
    ];
    let rows = sights
        .iter()
        .enumerate()
        .map(|(i, (s, grade))| {
            vec![
                s.to_string(),
                grade.to_string(),
                vary(36_000, i).to_string(),
                "5月至10月".to_string(),
            ]
        })
        .collect();
    Table {
        header: vec!["景区名称", "等级", "年接待游客（人次）", "开放季节"],
        rows,
    }
}

fn crops() -> Table {
    let crops = ["小麦", "玉米", "苜蓿", "马铃薯"];
    let mut rows = Vec::new();
    for (t, name) in TOWNSHIPS.iter().enumerate().take(6) {
        for (c, crop) in crops.iter().enumerate() {
            rows.push(vec![
                name.to_string(),
                crop.to_string(),
                vary(2400, t * 4 + c).to_string(),
            ]);
        }
    }
    Table {
        header: vec!["乡镇", "作物", "播种面积（亩）"],
        rows,
    }
}

fn credit() -> Table {
    let rows = ["A", "B", "C", "D"]
        .iter()
        .enumerate()
        .map(|(i, grade)| vec![grade.to_string(), vary(300 / (i as u64 + 1), i).to_string()])
        .collect();
    Table {
        header: vec!["信用风险等级", "企业户数"],
        rows,
    }
}

/// The CSV text of `table` (cells quoted when they hold a comma, quote or line break).
fn csv_text(table: &Table) -> String {
    fn cell(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    }
    let mut out = String::new();
    let header: Vec<String> = table.header.iter().map(|h| cell(h)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// An XLSX workbook of `table` on one sheet named `sheet`; numeric cells are written as numbers.
fn xlsx_bytes(sheet: &str, table: &Table) -> Result<Vec<u8>, CliError> {
    let fail =
        |e: rust_xlsxwriter::XlsxError| CliError::Config(format!("演示数据表格生成失败：{e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(fail)?;
    for (c, h) in table.header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(fail)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r, c, n).map_err(fail)?,
                Err(_) => ws.write_string(r, c, v).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// The demo datasets.
fn catalogue() -> Vec<DemoDataset> {
    let base = |org, name, title, notes| DemoDataset {
        org,
        name,
        title,
        notes,
        groups: &[],
        tags: &[],
        licence: "cc-by",
        frequency: "yearly",
        openness: "unconditional",
        conditions: "",
        legal_ground: "",
        contact_name: "",
        contact: "0908-5922000",
        tables: Vec::new(),
        link: None,
    };
    vec![
        DemoDataset {
            groups: &["finance"],
            tags: &["部门预算", "财政"],
            contact_name: "县财政局预算股",
            tables: vec![("2025年部门支出预算", Delivery::Xlsx, budget())],
            ..base(
                "WQX004",
                "county-budget-2025",
                "乌恰县2025年县级部门支出预算表",
                "县级各部门2025年一般公共预算支出，按基本支出和项目支出分列，单位为万元。",
            )
        },
        DemoDataset {
            groups: &["social-security", "livelihood"],
            tags: &["低保", "社会救助"],
            frequency: "monthly",
            contact_name: "县人社局社会保障股",
            tables: vec![("各乡镇逐月低保统计", Delivery::Csv, dibao())],
            ..base(
                "WQX010",
                "dibao-by-township-month",
                "乌恰县城乡最低生活保障统计（按乡镇、月份）",
                "按乡镇和月份汇总的城乡低保户数、人数和发放金额，不含任何个人信息。",
            )
        },
        DemoDataset {
            groups: &["public-resources"],
            tags: &["公共资源交易", "招标"],
            frequency: "monthly",
            contact_name: "县行政服务中心交易科",
            tables: vec![("2025年成交项目", Delivery::GbkCsv, trading())],
            ..base(
                "WQX008",
                "public-resource-trading-2025",
                "乌恰县公共资源交易成交项目信息",
                "工程建设、政府采购、土地使用权出让和国有产权交易的成交项目清单。",
            )
        },
        DemoDataset {
            groups: &["education"],
            tags: &["学校", "教育"],
            contact_name: "县政府办公室",
            tables: vec![("中小学校名录", Delivery::Csv, schools())],
            ..base(
                "WQX002",
                "schools",
                "乌恰县中小学校名录",
                "全县中小学校的名称、学段、所在乡镇、在校学生数和专任教师数。",
            )
        },
        DemoDataset {
            groups: &["health"],
            tags: &["医疗机构", "卫生院"],
            contact_name: "县卫计委医政股",
            tables: vec![("乡镇卫生院名录", Delivery::Csv, clinics())],
            ..base(
                "WQX017",
                "township-clinics",
                "乌恰县乡镇卫生院名录",
                "各乡镇卫生院的名称、所在乡镇、床位数和服务时间。",
            )
        },
        DemoDataset {
            groups: &["transport"],
            tags: &["公交", "出行"],
            frequency: "irregular",
            contact_name: "县交通运输局运输股",
            tables: vec![("县城公交线路", Delivery::Csv, buses())],
            link: Some(("克州公共交通出行服务", "https://www.xjkz.gov.cn/")),
            ..base(
                "WQX016",
                "bus-lines",
                "乌恰县城乡公交线路信息",
                "县城及通乡公交线路的起讫点、运营时间、站点数和票价。",
            )
        },
        DemoDataset {
            groups: &["environment"],
            tags: &["空气质量", "环境监测"],
            frequency: "monthly",
            contact_name: "县环保局监测站",
            tables: vec![("2025年逐月空气质量", Delivery::Csv, air())],
            ..base(
                "WQX014",
                "air-quality-monthly",
                "乌恰县城区空气质量月度统计",
                "县城区自动监测站逐月的PM2.5、PM10平均浓度和优良天数。",
            )
        },
        DemoDataset {
            groups: &["market-supervision", "economy"],
            tags: &["市场主体", "登记注册"],
            frequency: "quarterly",
            contact_name: "县市场监督管理局登记注册股",
            tables: vec![("市场主体登记统计", Delivery::Xlsx, market())],
            ..base(
                "WQX011",
                "market-entities-quarterly",
                "乌恰县市场主体登记注销统计",
                "按季度和主体类型汇总的新登记和注销户数。",
            )
        },
        DemoDataset {
            groups: &["livelihood", "economy"],
            tags: &["旅游", "景区"],
            contact_name: "县旅游局",
            tables: vec![("旅游景区名录", Delivery::Csv, sights())],
            ..base(
                "WQX019",
                "scenic-spots",
                "乌恰县旅游景区名录",
                "全县主要旅游景区的等级、年接待游客人次和开放季节。",
            )
        },
        DemoDataset {
            groups: &["agriculture"],
            tags: &["农作物", "种植"],
            contact_name: "县国土资源局",
            tables: vec![("主要农作物播种面积", Delivery::Xlsx, crops())],
            ..base(
                "WQX013",
                "crop-areas-2025",
                "乌恰县主要农作物播种面积（按乡镇）",
                "各乡镇小麦、玉米、苜蓿、马铃薯的播种面积，单位为亩。",
            )
        },
        DemoDataset {
            groups: &["market-supervision"],
            tags: &["信用监管"],
            frequency: "quarterly",
            licence: "other-closed",
            openness: "conditional",
            conditions: "仅向从事信用研究或金融服务的机构开放；申请时须说明用途、使用期限，并承诺不向第三方提供。",
            contact_name: "县市场监督管理局信用监管股",
            tables: vec![("企业信用风险分类汇总", Delivery::Csv, credit())],
            ..base(
                "WQX011",
                "enterprise-credit-risk",
                "乌恰县企业信用风险分类结果",
                "按信用风险等级汇总的企业户数；分户明细须申请后使用。",
            )
        },
        DemoDataset {
            groups: &["public-safety"],
            tags: &["道路交通"],
            frequency: "never",
            licence: "notspecified",
            openness: "closed",
            legal_ground: "涉及个人信息和案件办理，依据《中华人民共和国政府信息公开条例》第十四条、第十五条不予开放。",
            contact_name: "县公安局",
            ..base(
                "WQX020",
                "traffic-accident-records",
                "乌恰县道路交通事故处理明细",
                "道路交通事故的处理明细记录。",
            )
        },
    ]
}

/// Loads the demo datasets (uploaded files stored under `data_dir`) and publishes them; returns
/// how many were published.
pub async fn load(
    store: &Store,
    staff: &DemoStaff,
    data_dir: &std::path::Path,
) -> Result<usize, CliError> {
    let editor = user("demo-editor");
    let reviewer = user("demo-reviewer");
    let author = Author {
        id: staff.editor_id,
        name: "demo-editor".into(),
    };
    let all = catalogue();
    let count = all.len();
    for d in all {
        let owner = org(store, d.org).await?;
        let draft = DatasetDraft {
            name: d.name.into(),
            title: d.title.into(),
            notes: d.notes.into(),
            theme: String::new(),
            groups: d.groups.iter().map(|g| g.to_string()).collect(),
            tags: d.tags.iter().map(|t| t.to_string()).collect(),
            license_id: d.licence.into(),
            frequency: d.frequency.into(),
            temporal_start: format!("{YEAR}-01-01"),
            temporal_end: format!("{YEAR}-12-31"),
            spatial: "新疆维吾尔自治区克孜勒苏柯尔克孜自治州乌恰县".into(),
            contact_name: d.contact_name.into(),
            contact: d.contact.into(),
            version: format!("{YEAR}.1"),
            openness: d.openness.into(),
            conditions: d.conditions.into(),
            legal_ground: d.legal_ground.into(),
        };
        let new = draft
            .check()
            .map_err(|mut errors| CliError::Domain(errors.remove(0)))?;
        let made = datasets::create(
            store,
            &editor,
            &author,
            owner.site_id,
            owner.id,
            &new,
            false,
        )
        .await?;
        for (name, delivery, table) in &d.tables {
            let (bytes, ext, format) = match delivery {
                Delivery::Csv => (csv_text(table).into_bytes(), "csv", "CSV"),
                Delivery::GbkCsv => {
                    let text = csv_text(table);
                    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
                    (gbk.into_owned(), "csv", "CSV")
                }
                Delivery::Xlsx => (xlsx_bytes("数据", table)?, "xlsx", "XLSX"),
            };
            let sha256 = blobs::put(store, data_dir, &bytes).await?;
            let resource = NewResource {
                name: (*name).into(),
                description: match delivery {
                    Delivery::GbkCsv => "CSV 文件（GBK 编码）".into(),
                    _ => String::new(),
                },
                format: format.into(),
                source: Source::File {
                    sha256,
                    file_name: format!("{}-{}.{ext}", d.name, YEAR),
                    size: bytes.len() as i64,
                },
            };
            datasets::add_resource(store, &editor, made.id, &resource).await?;
        }
        if let Some((name, url)) = d.link {
            let resource = NewResource {
                name: name.into(),
                description: "外部网站".into(),
                format: "HTML".into(),
                source: Source::Link(url.into()),
            };
            datasets::add_resource(store, &editor, made.id, &resource).await?;
        }
        datasets::step(
            store,
            &editor,
            staff.editor_id,
            made.id,
            ReviewStep::Submit,
            "",
        )
        .await?;
        datasets::step(
            store,
            &reviewer,
            staff.reviewer_id,
            made.id,
            ReviewStep::Approve,
            "",
        )
        .await?;
    }
    Ok(count)
}
