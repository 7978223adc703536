//! The statutory annual report (政府信息公开工作年度报告) in the 2021 national format
//! (国办公开办函〔2021〕30号): its sections, the tables of sections 二, 三 and 四 with their labels
//! verbatim, how section 三 is counted from applications, and the identities (勾稽关系) every
//! table must satisfy before the report may be published.
//!
//! A violated identity is data ([`Violation`]): the cell it concerns, what the identity asks
//! for and what the table holds, so a page can show it beside the cell.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::application::{ApplicantKind, Outcome};
use crate::org::OrgKind;

pub mod document;
pub mod past;
pub use document::Document;
pub use past::{Format, OLDEST_YEAR, PastReport};

/// The title of an organisation's report of a year, as published
/// (`乌恰县人民政府2025年政府信息公开工作年度报告`).
pub fn title(org_name: &str, year: i32) -> String {
    format!("{org_name}{year}年政府信息公开工作年度报告")
}

/// The six section titles, in order.
pub const SECTION_TITLES: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// The note in the top-left cell of the section 三 table, verbatim.
pub const SECTION3_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// The header of the applicant columns (the first header row).
pub const APPLICANT_HEADER: &str = "申请人情况";
/// The header over the five organisation kinds.
pub const ORGANISATION_HEADER: &str = "法人或其他组织";
/// The label of the total column.
pub const TOTAL_LABEL: &str = "总计";
/// The label spanning every outcome row.
pub const OUTCOMES_LABEL: &str = "三、本年度办理结果";

/// The first year the 2021 format applies to; reports for earlier years keep the 2019 format.
pub const FORMAT_2021_FROM: i32 = 2021;

/// A column of the section 三 table: one of the six applicant kinds, or the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "column", content = "kind")]
pub enum Column {
    /// One applicant kind.
    Kind(ApplicantKind),
    /// 总计 (the sum of the six kinds).
    Total,
}

impl Column {
    /// The seven columns in the format's order.
    pub const ALL: [Column; 7] = [
        Column::Kind(ApplicantKind::Natural),
        Column::Kind(ApplicantKind::Commercial),
        Column::Kind(ApplicantKind::Research),
        Column::Kind(ApplicantKind::PublicInterest),
        Column::Kind(ApplicantKind::LegalServices),
        Column::Kind(ApplicantKind::OtherOrganisation),
        Column::Total,
    ];

    /// Position in [`Column::ALL`].
    pub fn index(self) -> usize {
        match self {
            Column::Kind(k) => ApplicantKind::ALL.iter().position(|x| *x == k).unwrap_or(0),
            Column::Total => 6,
        }
    }

    /// The column's label as the format prints it.
    pub fn label(self) -> &'static str {
        match self {
            Column::Kind(k) => k.label(),
            Column::Total => TOTAL_LABEL,
        }
    }

    /// A stable code (`natural`, …, `total`).
    pub fn code(self) -> &'static str {
        match self {
            Column::Kind(k) => k.code(),
            Column::Total => "total",
        }
    }
}

/// A row of the section 三 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "row", content = "outcome")]
pub enum Row {
    /// 一、本年新收政府信息公开申请数量.
    New,
    /// 二、上年结转政府信息公开申请数量.
    CarriedIn,
    /// One outcome of 三、本年度办理结果.
    Outcome(Outcome),
    /// （七）总计.
    Total,
    /// 四、结转下年度继续办理.
    CarriedOut,
}

/// The number of rows of the section 三 table.
pub const ROWS: usize = 4 + Outcome::ALL.len();

impl Row {
    /// Every row in the format's order.
    pub fn all() -> impl Iterator<Item = Row> {
        [Row::New, Row::CarriedIn]
            .into_iter()
            .chain(Outcome::ALL.iter().copied().map(Row::Outcome))
            .chain([Row::Total, Row::CarriedOut])
    }

    /// Position in [`Row::all`].
    pub fn index(self) -> usize {
        match self {
            Row::New => 0,
            Row::CarriedIn => 1,
            Row::Outcome(o) => 2 + Outcome::ALL.iter().position(|x| *x == o).unwrap_or(0),
            Row::Total => 2 + Outcome::ALL.len(),
            Row::CarriedOut => 3 + Outcome::ALL.len(),
        }
    }

    /// The row's own label, verbatim (an outcome's item label, e.g. `1.属于国家秘密`; the
    /// first two outcomes are their own group).
    pub fn label(self) -> String {
        match self {
            Row::New => "一、本年新收政府信息公开申请数量".to_owned(),
            Row::CarriedIn => "二、上年结转政府信息公开申请数量".to_owned(),
            Row::Outcome(Outcome::Disclosed) => "（一）予以公开".to_owned(),
            Row::Outcome(Outcome::PartlyDisclosed) => {
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）".to_owned()
            }
            Row::Outcome(o) => format!("{}.{}", item_number(o), o.label()),
            Row::Total => "（七）总计".to_owned(),
            Row::CarriedOut => "四、结转下年度继续办理".to_owned(),
        }
    }

    /// A stable code for forms and anchors (`new`, `carried_in`, `o3-1`, `total`, `carried_out`).
    pub fn code(self) -> String {
        match self {
            Row::New => "new".to_owned(),
            Row::CarriedIn => "carried_in".to_owned(),
            Row::Outcome(o) => format!("o{}", o.code()),
            Row::Total => "total".to_owned(),
            Row::CarriedOut => "carried_out".to_owned(),
        }
    }
}

/// The item number of an outcome inside its group (`3-2` → 2).
fn item_number(o: Outcome) -> &'static str {
    o.code().split('-').nth(1).unwrap_or("")
}

/// The outcome groups (（三） to （六）) whose items are rows below a group heading, with the
/// heading and the items in order: the heading cell spans its items.
pub fn outcome_groups() -> Vec<(&'static str, Vec<Outcome>)> {
    let mut groups: Vec<(&'static str, Vec<Outcome>)> = Vec::new();
    for &o in Outcome::ALL {
        if matches!(o, Outcome::Disclosed | Outcome::PartlyDisclosed) {
            continue;
        }
        match groups.last_mut() {
            Some((g, items)) if *g == o.group() => items.push(o),
            _ => groups.push((o.group(), vec![o])),
        }
    }
    groups
}

/// A header cell of the section 三 table as the format draws it: its text and how many rows and
/// columns it spans (the page's `rowspan`/`colspan`, the workbook's merged range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadCell {
    /// The text, verbatim.
    pub text: String,
    /// Rows spanned (at least 1).
    pub rowspan: u32,
    /// Columns spanned (at least 1).
    pub colspan: u32,
}

impl HeadCell {
    fn new(text: impl Into<String>, rowspan: u32, colspan: u32) -> Self {
        Self {
            text: text.into(),
            rowspan,
            colspan,
        }
    }
}

/// The number of label columns left of the counts in the section 三 table.
pub const LABEL_COLUMNS: u32 = 3;

/// The three header rows of the section 三 table: the note over the label columns, 申请人情况
/// over the seven counts, 法人或其他组织 over the five organisation kinds.
pub fn section3_header() -> [Vec<HeadCell>; 3] {
    let mut second = vec![HeadCell::new(ApplicantKind::Natural.label(), 2, 1)];
    second.push(HeadCell::new(ORGANISATION_HEADER, 1, 5));
    second.push(HeadCell::new(TOTAL_LABEL, 2, 1));
    let third = ApplicantKind::ALL
        .iter()
        .filter(|k| k.is_organisation())
        .map(|k| HeadCell::new(k.label(), 1, 1))
        .collect();
    [
        vec![
            HeadCell::new(SECTION3_NOTE, 3, LABEL_COLUMNS),
            HeadCell::new(APPLICANT_HEADER, 1, 7),
        ],
        second,
        third,
    ]
}

/// Each row of the section 三 table with the label cells that start on it: 一, 二, （七） and 四
/// span the three label columns; 三、本年度办理结果 spans every outcome row and （七）; a group
/// heading (（三）…（六）) spans its items.
pub fn section3_layout() -> Vec<(Row, Vec<HeadCell>)> {
    let outcome_rows = u32::try_from(Outcome::ALL.len()).unwrap_or(0) + 1;
    let mut out = vec![
        (Row::New, vec![HeadCell::new(Row::New.label(), 1, 3)]),
        (
            Row::CarriedIn,
            vec![HeadCell::new(Row::CarriedIn.label(), 1, 3)],
        ),
    ];
    for (i, o) in [Outcome::Disclosed, Outcome::PartlyDisclosed]
        .into_iter()
        .enumerate()
    {
        let mut heads = Vec::new();
        if i == 0 {
            heads.push(HeadCell::new(OUTCOMES_LABEL, outcome_rows, 1));
        }
        heads.push(HeadCell::new(Row::Outcome(o).label(), 1, 2));
        out.push((Row::Outcome(o), heads));
    }
    for (group, items) in outcome_groups() {
        let span = u32::try_from(items.len()).unwrap_or(1);
        for (i, o) in items.into_iter().enumerate() {
            let mut heads = Vec::new();
            if i == 0 {
                heads.push(HeadCell::new(group, span, 1));
            }
            heads.push(HeadCell::new(Row::Outcome(o).label(), 1, 1));
            out.push((Row::Outcome(o), heads));
        }
    }
    out.push((Row::Total, vec![HeadCell::new(Row::Total.label(), 1, 2)]));
    out.push((
        Row::CarriedOut,
        vec![HeadCell::new(Row::CarriedOut.label(), 1, 3)],
    ));
    out
}

/// One cell of the section 三 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cell {
    /// The row.
    pub row: Row,
    /// The column.
    pub column: Column,
}

/// The section 三 table: every cell a count, the total row and column included (a table typed
/// in or imported may hold totals that do not add up; [`ApplicationsTable::violations`] says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationsTable {
    cells: Vec<[u64; 7]>,
}

impl Default for ApplicationsTable {
    fn default() -> Self {
        Self {
            cells: vec![[0; 7]; ROWS],
        }
    }
}

/// What the report needs to know of one application to count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationFacts {
    /// Who applied.
    pub kind: ApplicantKind,
    /// The Beijing date it was received.
    pub received_on: NaiveDate,
    /// The Beijing date of the reply and its outcome, once replied.
    pub reply: Option<(NaiveDate, Outcome)>,
}

/// Where an application stands in a report year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Counted in 一 (received within the year).
    pub new: bool,
    /// Counted in 二 (received before the year and still open on 31 December of the year before).
    pub carried_in: bool,
    /// Counted in 三 under this outcome (replied within the year).
    pub outcome: Option<Outcome>,
    /// Counted in 四 (received by 31 December and still open then).
    pub carried_out: bool,
}

impl ApplicationFacts {
    /// Where the application counts in `year`'s report: 一 by the received date, 二 if it was
    /// open at the end of the year before, 三 by the reply date within the year, 四 if it is open
    /// at the end of the year. A reply dated before the receipt is read as on the received date.
    pub fn placement(&self, year: i32) -> Placement {
        let received = self.received_on.year();
        let reply = self
            .reply
            .map(|(on, o)| (on.max(self.received_on).year(), o));
        let open_at_end_of = |y: i32| received <= y && reply.is_none_or(|(r, _)| r > y);
        Placement {
            new: received == year,
            carried_in: received < year && open_at_end_of(year - 1),
            outcome: reply.and_then(|(r, o)| (r == year).then_some(o)),
            carried_out: open_at_end_of(year),
        }
    }
}

impl ApplicationsTable {
    /// The table of `year` counted from applications; totals are the sums.
    pub fn count<'a>(year: i32, apps: impl IntoIterator<Item = &'a ApplicationFacts>) -> Self {
        let mut t = Self::default();
        for app in apps {
            let p = app.placement(year);
            let col = Column::Kind(app.kind);
            if p.new {
                t.add(Row::New, col, 1);
            }
            if p.carried_in {
                t.add(Row::CarriedIn, col, 1);
            }
            if let Some(o) = p.outcome {
                t.add(Row::Outcome(o), col, 1);
            }
            if p.carried_out {
                t.add(Row::CarriedOut, col, 1);
            }
        }
        t.fill_totals();
        t
    }

    /// One cell.
    pub fn get(&self, row: Row, column: Column) -> u64 {
        self.cells.get(row.index()).map_or(0, |r| r[column.index()])
    }

    /// Sets one cell.
    pub fn set(&mut self, row: Row, column: Column, value: u64) {
        if let Some(r) = self.cells.get_mut(row.index()) {
            r[column.index()] = value;
        }
    }

    fn add(&mut self, row: Row, column: Column, n: u64) {
        let v = self.get(row, column).saturating_add(n);
        self.set(row, column, v);
    }

    /// Fills the total row and the total column with the sums of what they total.
    pub fn fill_totals(&mut self) {
        for kind in ApplicantKind::ALL {
            let col = Column::Kind(*kind);
            let sum = Outcome::ALL
                .iter()
                .map(|o| self.get(Row::Outcome(*o), col))
                .fold(0u64, u64::saturating_add);
            self.set(Row::Total, col, sum);
        }
        for row in Row::all() {
            let sum = kinds_sum(self, row);
            self.set(row, Column::Total, sum);
        }
    }

    /// The rows with their seven cells, in the format's order.
    pub fn rows(&self) -> impl Iterator<Item = (Row, [u64; 7])> + '_ {
        Row::all().map(|r| (r, self.cells.get(r.index()).copied().unwrap_or([0; 7])))
    }

    /// Every identity the table breaks: per column 一 + 二 = （七）总计 + 四 (shown at 四),
    /// （七）总计 = the sum of the outcome rows (shown at （七）), and per row 总计 = the sum of the
    /// six kinds (shown at the row's 总计 cell).
    pub fn violations(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        for column in Column::ALL {
            let outcomes = Outcome::ALL
                .iter()
                .map(|o| self.get(Row::Outcome(*o), column))
                .fold(0u64, u64::saturating_add);
            let total = self.get(Row::Total, column);
            if total != outcomes {
                out.push(Violation::new(
                    Row::Total,
                    column,
                    Identity::OutcomeTotal,
                    outcomes,
                    total,
                ));
            }
            let carried_out = self.get(Row::CarriedOut, column);
            let expected = (self.get(Row::New, column) + self.get(Row::CarriedIn, column))
                .saturating_sub(total);
            let balanced = self.get(Row::New, column) + self.get(Row::CarriedIn, column)
                == total.saturating_add(carried_out);
            if !balanced {
                out.push(Violation::new(
                    Row::CarriedOut,
                    column,
                    Identity::ColumnBalance,
                    expected,
                    carried_out,
                ));
            }
        }
        for row in Row::all() {
            let sum = kinds_sum(self, row);
            let total = self.get(row, Column::Total);
            if sum != total {
                out.push(Violation::new(
                    row,
                    Column::Total,
                    Identity::KindsTotal,
                    sum,
                    total,
                ));
            }
        }
        out
    }
}

impl ApplicationsTable {
    /// Per column, 二、上年结转 against `last_year`'s 四、结转下年度继续办理 (shown at 二).
    pub fn carried_in_violations(&self, last_year: &ApplicationsTable) -> Vec<Violation> {
        Column::ALL
            .iter()
            .filter_map(|c| {
                let expected = last_year.get(Row::CarriedOut, *c);
                let found = self.get(Row::CarriedIn, *c);
                (expected != found).then(|| {
                    Violation::new(Row::CarriedIn, *c, Identity::CarriedIn, expected, found)
                })
            })
            .collect()
    }
}

fn kinds_sum(t: &ApplicationsTable, row: Row) -> u64 {
    ApplicantKind::ALL
        .iter()
        .map(|k| t.get(row, Column::Kind(*k)))
        .fold(0u64, u64::saturating_add)
}

/// Which identity (勾稽关系) a cell breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// Section 三, per column: 一 + 二 = （七）总计 + 四.
    ColumnBalance,
    /// Section 三: （七）总计 = the sum of every outcome row.
    OutcomeTotal,
    /// Section 三: 总计 = the sum of the six applicant kinds.
    KindsTotal,
    /// Section 二: 现行有效件数 = last year's + 本年制发件数 − 本年废止件数.
    InForceCarried,
    /// Section 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结.
    GroupTotal,
    /// Section 三 across years: 二、上年结转 = last year's 四、结转下年度继续办理 (checked between
    /// reports typed in; counted ones agree by construction).
    CarriedIn,
}

impl Identity {
    /// What the identity says, in Chinese, for the page.
    pub fn label(self) -> &'static str {
        match self {
            Identity::ColumnBalance => "第一项加第二项之和应等于第三项（七）总计加第四项之和",
            Identity::OutcomeTotal => "（七）总计应等于本年度各项办理结果之和",
            Identity::KindsTotal => "总计应等于六类申请人之和",
            Identity::InForceCarried => {
                "现行有效件数应等于上年现行有效件数加本年制发件数减本年废止件数"
            }
            Identity::GroupTotal => "总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
            Identity::CarriedIn => {
                "上年结转政府信息公开申请数量应等于上年度报告的结转下年度继续办理数量"
            }
        }
    }
}

/// Where a violation is shown: a cell of section 三, or a named cell of section 二 or 四
/// (`rules.in_force`, `review.total`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "section")]
pub enum Place {
    /// A cell of the section 三 table.
    Applications {
        /// The cell.
        cell: Cell,
    },
    /// A cell of section 二, by its field name.
    Proactive {
        /// The field, e.g. `rules.in_force`.
        field: String,
    },
    /// A cell of section 四, by its field name.
    ReviewLitigation {
        /// The field, e.g. `review.total`.
        field: String,
    },
}

/// One broken identity: where, which, what the identity asks for and what the table holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The cell beside which the page shows it.
    pub place: Place,
    /// The identity.
    pub identity: Identity,
    /// The value the identity asks for.
    pub expected: i64,
    /// The value the table holds.
    pub found: i64,
}

impl Violation {
    fn new(row: Row, column: Column, identity: Identity, expected: u64, found: u64) -> Self {
        Self {
            place: Place::Applications {
                cell: Cell { row, column },
            },
            identity,
            expected: i64::try_from(expected).unwrap_or(i64::MAX),
            found: i64::try_from(found).unwrap_or(i64::MAX),
        }
    }

    /// The Chinese line the page shows, e.g. `总计应等于六类申请人之和（应为 3，现为 2）`.
    pub fn message(&self) -> String {
        format!(
            "{}（应为 {}，现为 {}）",
            self.identity.label(),
            self.expected,
            self.found
        )
    }

    /// A stable key for the place (`三:new:total`, `二:rules.in_force`, `四:review.total`), so a
    /// page finds the violations of a cell.
    pub fn key(&self) -> String {
        match &self.place {
            Place::Applications { cell } => {
                format!("三:{}:{}", cell.row.code(), cell.column.code())
            }
            Place::Proactive { field } => format!("二:{field}"),
            Place::ReviewLitigation { field } => format!("四:{field}"),
        }
    }
}

/// A number entered by hand, with where it comes from (a register, another office's figures …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// The number (for fees, in yuan).
    pub value: i64,
    /// Its source, as staff typed it.
    pub source: String,
}

/// A 第二十条第（一）项 row: documents made, repealed and in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    /// 本年制发件数.
    pub made: Figure,
    /// 本年废止件数.
    pub repealed: Figure,
    /// 现行有效件数.
    pub in_force: Figure,
}

/// The section 二 tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProactiveTables {
    /// 规章.
    pub rules: DocumentRow,
    /// 行政规范性文件.
    pub normative: DocumentRow,
    /// 行政许可: 本年处理决定数量.
    pub licensing: Figure,
    /// 行政处罚: 本年处理决定数量.
    pub penalties: Figure,
    /// 行政强制: 本年处理决定数量.
    pub coercion: Figure,
    /// 行政事业性收费: 本年收费金额, in yuan (shown in 万元).
    pub fees_yuan: Figure,
}

/// The labels of section 二, verbatim: each table's heading, its column headers and its rows.
pub const SECTION2_TABLES: [(&str, &[&str], &[&str]); 4] = [
    (
        "第二十条第（一）项",
        &["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        &["规章", "行政规范性文件"],
    ),
    (
        "第二十条第（五）项",
        &["信息内容", "本年处理决定数量"],
        &["行政许可"],
    ),
    (
        "第二十条第（六）项",
        &["信息内容", "本年处理决定数量"],
        &["行政处罚", "行政强制"],
    ),
    (
        "第二十条第（八）项",
        &["信息内容", "本年收费金额（单位：万元）"],
        &["行政事业性收费"],
    ),
];

impl ProactiveTables {
    /// Every figure by its field name (`rules.made`, …, `fees_yuan`), in the format's order.
    pub fn fields(&self) -> [(&'static str, &Figure); 10] {
        [
            ("rules.made", &self.rules.made),
            ("rules.repealed", &self.rules.repealed),
            ("rules.in_force", &self.rules.in_force),
            ("normative.made", &self.normative.made),
            ("normative.repealed", &self.normative.repealed),
            ("normative.in_force", &self.normative.in_force),
            ("licensing", &self.licensing),
            ("penalties", &self.penalties),
            ("coercion", &self.coercion),
            ("fees_yuan", &self.fees_yuan),
        ]
    }

    /// The figure of a field name, to fill from a form.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Figure> {
        Some(match name {
            "rules.made" => &mut self.rules.made,
            "rules.repealed" => &mut self.rules.repealed,
            "rules.in_force" => &mut self.rules.in_force,
            "normative.made" => &mut self.normative.made,
            "normative.repealed" => &mut self.normative.repealed,
            "normative.in_force" => &mut self.normative.in_force,
            "licensing" => &mut self.licensing,
            "penalties" => &mut self.penalties,
            "coercion" => &mut self.coercion,
            "fees_yuan" => &mut self.fees_yuan,
            _ => return None,
        })
    }

    /// The 现行有效 identity against last year's tables (none when there is no report for last
    /// year: nothing to carry over).
    pub fn violations(&self, last_year: Option<&ProactiveTables>) -> Vec<Violation> {
        let Some(last) = last_year else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, this, before) in [
            ("rules.in_force", &self.rules, &last.rules),
            ("normative.in_force", &self.normative, &last.normative),
        ] {
            let expected = before.in_force.value + this.made.value - this.repealed.value;
            if this.in_force.value != expected {
                out.push(Violation {
                    place: Place::Proactive { field: name.to_owned() },
                    identity: Identity::InForceCarried,
                    expected,
                    found: this.in_force.value,
                });
            }
        }
        out
    }
}

/// The source text of a figure of section 二 the platform counted from its own records, shown
/// beside the computed value and saved with it when staff take it.
pub const PUBLISHED_DOCUMENTS_SOURCE: &str = "据本平台已发布文件统计";

/// The source text of section 二's 行政许可 and 行政处罚 figures counted from the platform's
/// 执法公示 list.
pub const ENFORCEMENT_LIST_SOURCE: &str = "据本平台执法公示清单统计";

/// The fields of section 二 the platform can compute (行政规范性文件 made, repealed, in force,
/// from the records; 行政许可 and 行政处罚 decisions, from the 执法公示 list); 规章 has no record
/// kind of its own and 行政强制 is not counted, so those stay hand-entered.
pub const COMPUTED_FIELDS: [&str; 5] = [
    "normative.made",
    "normative.repealed",
    "normative.in_force",
    "licensing",
    "penalties",
];

/// What section 二 needs to know of one published 行政规范性文件 record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The Beijing date it was made: its 成文日期, or the day it was published when none is
    /// recorded.
    pub made_on: NaiveDate,
    /// Its 有效性 now.
    pub validity: crate::record::Validity,
    /// The day 有效性 changed (失效 or 废止), if recorded.
    pub changed_on: Option<NaiveDate>,
}

/// Section 二's 行政规范性文件 row counted from the records the platform published: made in the
/// year (by 成文日期), repealed in the year (废止 or 失效, by the date it took effect) and in force
/// on 31 December. Counted this way the figures satisfy the carried-over identity from one year
/// to the next by construction; they still miss every document made before the platform held
/// it, which is why staff confirm or override them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CountedDocuments {
    /// 本年制发件数.
    pub made: i64,
    /// 本年废止件数 (废止 and 失效).
    pub repealed: i64,
    /// 现行有效件数 on 31 December.
    pub in_force: i64,
    /// Documents made by the year's end that are 失效 or 废止 without a recorded date: left out
    /// of all three figures (the year they left force is unknown), and named on the page.
    pub undated: i64,
    /// 行政许可 decisions of the year published on the 执法公示 list.
    pub licensing: i64,
    /// 行政处罚 decisions of the year published on the 执法公示 list.
    pub penalties: i64,
}

impl CountedDocuments {
    /// The figures of `year` from `docs`. A change of 有效性 dated before the document was made
    /// is read as on the day it was made.
    pub fn count<'a>(year: i32, docs: impl IntoIterator<Item = &'a DocumentFacts>) -> Self {
        let mut out = Self::default();
        for d in docs {
            if d.made_on.year() > year {
                continue;
            }
            let ended = if d.validity == crate::record::Validity::Valid {
                None
            } else {
                match d.changed_on {
                    Some(on) => Some(on.max(d.made_on)),
                    None => {
                        out.undated += 1;
                        continue;
                    }
                }
            };
            if d.made_on.year() == year {
                out.made += 1;
            }
            match ended {
                Some(on) if on.year() == year => out.repealed += 1,
                Some(on) if on.year() < year => {}
                _ => out.in_force += 1,
            }
        }
        out
    }

    /// The same figures with the year's 行政许可 and 行政处罚 decisions counted from the
    /// 执法公示 list.
    pub fn with_decisions(self, licensing: i64, penalties: i64) -> Self {
        Self {
            licensing,
            penalties,
            ..self
        }
    }

    /// The computed figure of a field of [`COMPUTED_FIELDS`], with its source, as staff take it.
    pub fn figure(&self, field: &str) -> Option<Figure> {
        let (value, source) = match field {
            "normative.made" => (self.made, PUBLISHED_DOCUMENTS_SOURCE),
            "normative.repealed" => (self.repealed, PUBLISHED_DOCUMENTS_SOURCE),
            "normative.in_force" => (self.in_force, PUBLISHED_DOCUMENTS_SOURCE),
            "licensing" => (self.licensing, ENFORCEMENT_LIST_SOURCE),
            "penalties" => (self.penalties, ENFORCEMENT_LIST_SOURCE),
            _ => return None,
        };
        Some(Figure {
            value,
            source: source.to_owned(),
        })
    }
}

/// Formats yuan as 万元 with four decimals (`12345` → `1.2345`).
pub fn wan_yuan(yuan: i64) -> String {
    let sign = if yuan < 0 { "-" } else { "" };
    let y = yuan.unsigned_abs();
    format!("{sign}{}.{:04}", y / 10_000, y % 10_000)
}

/// One group of five numbers of section 四.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultGroup {
    /// 结果维持.
    pub upheld: i64,
    /// 结果纠正.
    pub corrected: i64,
    /// 其他结果.
    pub other: i64,
    /// 尚未审结.
    pub pending: i64,
    /// 总计.
    pub total: i64,
}

impl ResultGroup {
    /// The five numbers in the format's order.
    pub fn values(&self) -> [i64; 5] {
        [
            self.upheld,
            self.corrected,
            self.other,
            self.pending,
            self.total,
        ]
    }
}

/// The five column labels of each group of section 四.
pub const RESULT_LABELS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
/// The field names of each group's five numbers.
pub const RESULT_FIELDS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// The section 四 row: 15 numbers, with the source of the hand entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewLitigation {
    /// 行政复议.
    pub review: ResultGroup,
    /// 行政诉讼 — 未经复议直接起诉.
    pub direct_suit: ResultGroup,
    /// 行政诉讼 — 复议后起诉.
    pub suit_after_review: ResultGroup,
    /// Where the numbers come from.
    pub source: String,
}

/// The header of section 四: the two top groups, and the three groups' own names.
pub const SECTION4_GROUPS: [(&str, &str); 3] = [
    ("review", "行政复议"),
    ("direct_suit", "未经复议直接起诉"),
    ("suit_after_review", "复议后起诉"),
];
/// The label over the two litigation groups.
pub const LITIGATION_LABEL: &str = "行政诉讼";

impl ReviewLitigation {
    /// The 15 numbers in the format's order.
    pub fn values(&self) -> [i64; 15] {
        let mut out = [0; 15];
        for (i, g) in self.groups().iter().enumerate() {
            out[i * 5..i * 5 + 5].copy_from_slice(&g.values());
        }
        out
    }

    /// The three groups in order.
    pub fn groups(&self) -> [ResultGroup; 3] {
        [self.review, self.direct_suit, self.suit_after_review]
    }

    /// Sets the numbers from the 15 in the format's order.
    pub fn set_values(&mut self, v: [i64; 15]) {
        let group = |i: usize| ResultGroup {
            upheld: v[i],
            corrected: v[i + 1],
            other: v[i + 2],
            pending: v[i + 3],
            total: v[i + 4],
        };
        self.review = group(0);
        self.direct_suit = group(5);
        self.suit_after_review = group(10);
    }

    /// Each group's 总计 against the sum of its four results.
    pub fn violations(&self) -> Vec<Violation> {
        SECTION4_GROUPS
            .iter()
            .zip(self.groups())
            .filter_map(|((name, _), g)| {
                let expected = g.upheld + g.corrected + g.other + g.pending;
                (expected != g.total).then(|| Violation {
                    place: Place::ReviewLitigation {
                        field: format!("{name}.total"),
                    },
                    identity: Identity::GroupTotal,
                    expected,
                    found: g.total,
                })
            })
            .collect()
    }
}

/// Where section 四's recorded part comes from, shown beside its figures.
pub const RECORDED_CHALLENGES_SOURCE: &str = "依申请公开办件中登记的行政复议、行政诉讼";

impl ResultGroup {
    fn count(&mut self, result: crate::application::ChallengeResult) {
        use crate::application::ChallengeResult as R;
        match result {
            R::Upheld => self.upheld += 1,
            R::Corrected => self.corrected += 1,
            R::Other => self.other += 1,
            R::Pending => self.pending += 1,
        }
        self.total += 1;
    }

    fn plus(self, o: Self) -> Self {
        Self {
            upheld: self.upheld + o.upheld,
            corrected: self.corrected + o.corrected,
            other: self.other + o.other,
            pending: self.pending + o.pending,
            total: self.total + o.total,
        }
    }
}

impl ReviewLitigation {
    /// Section 四 counted from the challenges recorded on applications: each challenge filed in
    /// `year` (Beijing date) in its group, under its result as of 31 December (尚未审结 if it was
    /// not decided by then).
    pub fn counted<'a>(
        challenges: impl IntoIterator<Item = &'a crate::application::Challenge>,
        year: i32,
    ) -> Self {
        use crate::application::ChallengeKind as K;
        let mut out = Self {
            source: RECORDED_CHALLENGES_SOURCE.to_owned(),
            ..Self::default()
        };
        for c in challenges.into_iter().filter(|c| c.filed_on.year() == year) {
            let group = match c.kind {
                K::Review => &mut out.review,
                K::DirectSuit => &mut out.direct_suit,
                K::SuitAfterReview => &mut out.suit_after_review,
            };
            group.count(c.result_at_end_of(year));
        }
        out
    }

    /// Whether every number is 0.
    pub fn is_empty(&self) -> bool {
        self.values().iter().all(|v| *v == 0)
    }

    /// The numbers of both added up (the recorded challenges and those entered by hand, which
    /// the platform does not hold), the sources joined.
    pub fn plus(&self, other: &Self) -> Self {
        let source = [&self.source, &other.source]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join("；");
        Self {
            review: self.review.plus(other.review),
            direct_suit: self.direct_suit.plus(other.direct_suit),
            suit_after_review: self.suit_after_review.plus(other.suit_after_review),
            source,
        }
    }
}

/// The prose sections: 一 (总体情况), 五 (存在的主要问题及改进情况) and 六 (其他需要报告的事项).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prose {
    /// 一、总体情况.
    pub overview: String,
    /// 五、存在的主要问题及改进情况.
    pub problems: String,
    /// 六、其他需要报告的事项 (信息处理费 and anything else).
    pub other_matters: String,
}

/// The most characters a prose section may hold.
pub const PROSE_MAX_CHARS: usize = 20_000;
/// The most characters a source note may hold.
pub const SOURCE_MAX_CHARS: usize = 200;
/// The largest number a cell may hold.
pub const FIGURE_MAX: i64 = 1_000_000_000_000;

/// Everything staff enter by hand: sections 一, 五 and 六 as prose, section 二 and section 四
/// as figures, each with its source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandEntries {
    /// Sections 一, 五, 六.
    pub prose: Prose,
    /// Section 二.
    pub proactive: ProactiveTables,
    /// Section 四.
    pub review: ReviewLitigation,
    /// For a report of 2019 or 2020, in the older format: its own section 二 and the section 三
    /// typed in from the report as published (section 二 above stays empty). None from 2021.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past: Option<PastReport>,
}

/// The form field names of section 二's figures (the source of each is the same name with
/// `.source`), in the order of [`ProactiveTables::fields`].
pub const PROACTIVE_FIELDS: [(&str, &str, &str); 10] = [
    ("rules.made", "rules.made.source", "规章 本年制发件数"),
    (
        "rules.repealed",
        "rules.repealed.source",
        "规章 本年废止件数",
    ),
    (
        "rules.in_force",
        "rules.in_force.source",
        "规章 现行有效件数",
    ),
    (
        "normative.made",
        "normative.made.source",
        "行政规范性文件 本年制发件数",
    ),
    (
        "normative.repealed",
        "normative.repealed.source",
        "行政规范性文件 本年废止件数",
    ),
    (
        "normative.in_force",
        "normative.in_force.source",
        "行政规范性文件 现行有效件数",
    ),
    ("licensing", "licensing.source", "行政许可 本年处理决定数量"),
    ("penalties", "penalties.source", "行政处罚 本年处理决定数量"),
    ("coercion", "coercion.source", "行政强制 本年处理决定数量"),
    (
        "fees_yuan",
        "fees_yuan.source",
        "行政事业性收费 本年收费金额（元）",
    ),
];

/// The form field names of section 四's 15 numbers, in the format's order.
pub const REVIEW_FIELDS: [&str; 15] = [
    "review.upheld",
    "review.corrected",
    "review.other",
    "review.pending",
    "review.total",
    "direct_suit.upheld",
    "direct_suit.corrected",
    "direct_suit.other",
    "direct_suit.pending",
    "direct_suit.total",
    "suit_after_review.upheld",
    "suit_after_review.corrected",
    "suit_after_review.other",
    "suit_after_review.pending",
    "suit_after_review.total",
];
/// The form field of section 四's source.
pub const REVIEW_SOURCE_FIELD: &str = "review.source";

fn number(
    raw: Option<&str>,
    field: &'static str,
    label: &str,
    errors: &mut crate::FieldErrors,
) -> i64 {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return 0;
    }
    match raw.parse::<i64>() {
        Ok(n) if (0..=FIGURE_MAX).contains(&n) => n,
        _ => {
            errors.insert(
                field,
                crate::ErrorCode::ReportNumberInvalid.refusal(&[("field", &label)]),
            );
            0
        }
    }
}

fn text(
    raw: Option<&str>,
    field: &'static str,
    label: &str,
    max: usize,
    errors: &mut crate::FieldErrors,
) -> String {
    let t = raw.unwrap_or("").trim().replace("\r\n", "\n");
    if t.chars().count() > max {
        errors.insert(
            field,
            crate::ErrorCode::ReportTextTooLong.refusal(&[("field", &label), ("max", &max)]),
        );
    }
    t
}

impl HandEntries {
    /// Reads the hand entries of `year`'s report from a form: [`HandEntries::parse`], and for a
    /// year of the older format ([`Format::Y2019`]) its own section 二 and the section 三 table
    /// instead of the 2021 section 二 ([`PastReport::parse`]).
    pub fn parse_for<'a>(
        year: i32,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, crate::FieldErrors> {
        if Format::of(year) == Format::Y2021 {
            return Self::parse(get);
        }
        let mut errors = crate::FieldErrors::new();
        let past = PastReport::parse(&get, &mut errors);
        // The 2021 section 二 has no fields on an older report's form.
        let own = |k: &str| {
            if PROACTIVE_FIELDS.iter().any(|(f, s, _)| *f == k || *s == k) {
                None
            } else {
                get(k)
            }
        };
        let mut out = match Self::parse(own) {
            Ok(e) => e,
            Err(e) => {
                errors.extend(e);
                HandEntries::default()
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        out.past = Some(past);
        Ok(out)
    }

    /// Reads the hand entries from a form (`get` answers a field's raw text): every number a
    /// whole number from 0, every non-zero figure with its source, prose within
    /// [`PROSE_MAX_CHARS`]. All problems at once, by field.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, crate::FieldErrors> {
        let mut errors = crate::FieldErrors::new();
        let mut out = HandEntries::default();
        for (field, source_field, label) in PROACTIVE_FIELDS {
            let value = number(get(field), field, label, &mut errors);
            let source = text(
                get(source_field),
                source_field,
                label,
                SOURCE_MAX_CHARS,
                &mut errors,
            );
            if value != 0 && source.is_empty() {
                errors.insert(
                    source_field,
                    crate::ErrorCode::ReportSourceRequired.refusal(&[("field", &label)]),
                );
            }
            if let Some(figure) = out.proactive.field_mut(field) {
                *figure = Figure { value, source };
            }
        }
        let mut values = [0i64; 15];
        for (i, field) in REVIEW_FIELDS.iter().enumerate() {
            let group = SECTION4_GROUPS[i / 5].1;
            let label = format!("{group} {}", RESULT_LABELS[i % 5]);
            values[i] = number(get(field), field, &label, &mut errors);
        }
        out.review.set_values(values);
        out.review.source = text(
            get(REVIEW_SOURCE_FIELD),
            REVIEW_SOURCE_FIELD,
            "行政复议、行政诉讼情况",
            SOURCE_MAX_CHARS,
            &mut errors,
        );
        if values.iter().any(|v| *v != 0) && out.review.source.is_empty() {
            errors.insert(
                REVIEW_SOURCE_FIELD,
                crate::ErrorCode::ReportSourceRequired
                    .refusal(&[("field", &"行政复议、行政诉讼情况")]),
            );
        }
        out.prose = Prose {
            overview: text(
                get("overview"),
                "overview",
                "总体情况",
                PROSE_MAX_CHARS,
                &mut errors,
            ),
            problems: text(
                get("problems"),
                "problems",
                "存在的主要问题及改进情况",
                PROSE_MAX_CHARS,
                &mut errors,
            ),
            other_matters: text(
                get("other_matters"),
                "other_matters",
                "其他需要报告的事项",
                PROSE_MAX_CHARS,
                &mut errors,
            ),
        };
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// What the platform knows of an office's year, for the first draft of section 一 (总体情况).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OverviewFacts {
    /// The office's name.
    pub org_name: String,
    /// The report year.
    pub year: i32,
    /// Records published in the year (主动公开, the office and those below it).
    pub published: i64,
    /// Of which 政策解读.
    pub interpretations: i64,
    /// Of which 规范性文件.
    pub normative: i64,
    /// Applications received in the year (section 三, 一 总计).
    pub applications_new: i64,
    /// Applications carried over from the year before (二).
    pub applications_carried_in: i64,
    /// Applications answered in the year (（七）总计).
    pub applications_answered: i64,
    /// Applications carried into next year (四).
    pub applications_carried: i64,
    /// 行政复议 and 行政诉讼 of the year (section 四's three totals).
    pub challenges: i64,
    /// Of which corrected.
    pub corrected: i64,
    /// Training sessions held, and attendances.
    pub trainings: i64,
    /// Attendances at them.
    pub attendees: i64,
    /// Leadership meetings on openness work.
    pub meetings: i64,
}

/// A first draft of section 一 from the year's figures, for staff to edit: one paragraph each on
/// 主动公开, 依申请公开, 复议诉讼 and 平台与队伍建设, every figure the platform's own.
pub fn overview_draft(f: &OverviewFacts) -> String {
    let mut out = Vec::new();
    out.push(format!(
        "{}年，{}坚持以公开为常态、不公开为例外，依照《中华人民共和国政府信息公开条例》做好政府信息公开工作。",
        f.year, f.org_name
    ));
    let mut proactive = format!(
        "（一）主动公开。全年通过政府网站主动公开政府信息{}条",
        f.published
    );
    if f.normative > 0 || f.interpretations > 0 {
        proactive.push_str(&format!(
            "，其中规范性文件{}件、政策解读{}篇",
            f.normative, f.interpretations
        ));
    }
    proactive.push('。');
    out.push(proactive);
    out.push(format!(
        "（二）依申请公开。全年新收政府信息公开申请{}件，上年结转{}件，办结{}件，结转下年度继续办理{}件。",
        f.applications_new, f.applications_carried_in, f.applications_answered, f.applications_carried
    ));
    out.push(if f.challenges == 0 {
        "（三）行政复议、行政诉讼。全年未发生因政府信息公开引起的行政复议、行政诉讼案件。".to_owned()
    } else {
        format!(
            "（三）行政复议、行政诉讼。全年因政府信息公开引起行政复议、行政诉讼{}件，其中被纠错{}件。",
            f.challenges, f.corrected
        )
    });
    let mut team = "（四）平台和队伍建设。依托政务公开平台统一发布政府信息".to_owned();
    if f.trainings > 0 {
        team.push_str(&format!(
            "，组织政务公开业务培训{}次、参训{}人次",
            f.trainings, f.attendees
        ));
    }
    if f.meetings > 0 {
        team.push_str(&format!("，召开政务公开专题会议{}次", f.meetings));
    }
    team.push('。');
    out.push(team);
    out.join("\n\n")
}

/// The 信息处理费 of a year from an application's events: each payment (已缴费) made in `year`
/// counts the amount of the fee notice before it, in yuan.
pub fn fees_paid_in<'a>(
    events: impl IntoIterator<Item = &'a crate::application::ClockEvent>,
    year: i32,
) -> i64 {
    use crate::application::ClockEvent as E;
    let mut noticed = 0;
    let mut paid = 0;
    for e in events {
        match e {
            E::FeeNotice { amount_yuan, .. } => noticed = *amount_yuan,
            E::FeePaid { on } if on.year() == year => paid += noticed,
            _ => {}
        }
    }
    paid
}

/// A first draft of section 六 (其他需要报告的事项): the 信息处理费 collected in the year under
/// 国办函〔2020〕109号.
pub fn other_matters_draft(year: i32, fees_yuan: i64) -> String {
    if fees_yuan == 0 {
        format!("{year}年，本机关未收取政府信息公开信息处理费。")
    } else {
        format!(
            "{year}年，本机关依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费{}万元（{fees_yuan}元）。",
            wan_yuan(fees_yuan)
        )
    }
}

/// Every identity a report breaks: section 三's table, section 二 against last year's, section
/// 四's totals.
pub fn violations(
    table: &ApplicationsTable,
    entries: &HandEntries,
    last_year: Option<&ProactiveTables>,
) -> Vec<Violation> {
    let mut out = table.violations();
    out.extend(entries.proactive.violations(last_year));
    out.extend(entries.review.violations());
    out
}

/// The day by which an organisation's report for `year` is due (第四十九条): a government's by
/// 31 March, every other office's by 31 January of the following year.
pub fn due_on(kind: OrgKind, year: i32) -> Option<NaiveDate> {
    let month = if kind == OrgKind::Government { 3 } else { 1 };
    NaiveDate::from_ymd_opt(year + 1, month, 31)
}

/// Whether publishing on `today` is late and so needs a recorded reason.
pub fn is_late(kind: OrgKind, year: i32, today: NaiveDate) -> bool {
    due_on(kind, year).is_some_and(|due| today > due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_count_payments_of_the_year_at_the_noticed_amount() {
        use crate::application::ClockEvent as E;
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
        let events = [
            E::FeeNotice {
                on: day("2025-12-20"),
                amount_yuan: 100,
                basis: "按件".into(),
                pay_by: None,
            },
            E::FeePaid { on: day("2026-01-05") },
        ];
        assert_eq!(fees_paid_in(&events, 2026), 100);
        assert_eq!(fees_paid_in(&events, 2025), 0);
        assert!(other_matters_draft(2026, 0).contains("未收取"));
        assert!(other_matters_draft(2026, 100).contains("收取信息处理费0.0100万元（100元）"));
    }

    #[test]
    fn the_overview_draft_states_the_years_figures() {
        let f = OverviewFacts {
            org_name: "乌恰县人民政府".into(),
            year: 2026,
            published: 120,
            interpretations: 6,
            normative: 4,
            applications_new: 7,
            applications_carried_in: 0,
            applications_answered: 6,
            applications_carried: 1,
            challenges: 2,
            corrected: 1,
            trainings: 2,
            attendees: 85,
            meetings: 1,
        };
        let text = overview_draft(&f);
        for needle in [
            "2026年，乌恰县人民政府坚持以公开为常态",
            "主动公开政府信息120条，其中规范性文件4件、政策解读6篇。",
            "新收政府信息公开申请7件，上年结转0件，办结6件，结转下年度继续办理1件",
            "行政复议、行政诉讼2件，其中被纠错1件。",
            "组织政务公开业务培训2次、参训85人次，召开政务公开专题会议1次。",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        let quiet = overview_draft(&OverviewFacts::default());
        assert!(quiet.contains("未发生因政府信息公开引起的行政复议"));
        assert!(!quiet.contains("其中规范性文件"));
    }

    #[test]
    fn section_4_counts_challenges_filed_in_the_year_by_their_result_at_its_end() {
        use crate::application::{Challenge, ChallengeKind as K, ChallengeResult as R};
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
        let c = |kind, filed: &str, result, decided: Option<&str>| Challenge {
            kind,
            filed_on: day(filed),
            result,
            decided_on: decided.map(day),
        };
        let cases = [
            c(K::Review, "2026-02-01", R::Upheld, Some("2026-04-01")),
            c(K::Review, "2026-03-01", R::Corrected, Some("2026-05-01")),
            // Decided the next year: still open at the end of 2026.
            c(K::Review, "2026-11-01", R::Upheld, Some("2027-01-10")),
            c(K::DirectSuit, "2026-06-01", R::Pending, None),
            c(
                K::SuitAfterReview,
                "2026-07-01",
                R::Other,
                Some("2026-09-01"),
            ),
            // Filed the year before: not this year's.
            c(K::Review, "2025-12-30", R::Upheld, Some("2026-01-15")),
        ];
        let t = ReviewLitigation::counted(&cases, 2026);
        assert_eq!(t.review.values(), [1, 1, 0, 1, 3]);
        assert_eq!(t.direct_suit.values(), [0, 0, 0, 1, 1]);
        assert_eq!(t.suit_after_review.values(), [0, 0, 1, 0, 1]);
        assert!(t.violations().is_empty());
        assert_eq!(t.source, RECORDED_CHALLENGES_SOURCE);
        // With what staff entered by hand, added up.
        let mut hand = ReviewLitigation {
            source: "县司法局统计".into(),
            ..ReviewLitigation::default()
        };
        hand.review.upheld = 2;
        hand.review.total = 2;
        let both = t.plus(&hand);
        assert_eq!(both.review.values(), [3, 1, 0, 1, 5]);
        assert_eq!(
            both.source,
            format!("{RECORDED_CHALLENGES_SOURCE}；县司法局统计")
        );
        assert!(ReviewLitigation::counted(&cases, 2024).is_empty());
    }
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    /// An application received on `received` and still open.
    fn open(kind: ApplicantKind, received: &str) -> ApplicationFacts {
        ApplicationFacts {
            kind,
            received_on: d(received),
            reply: None,
        }
    }

    /// An application received on `received` and replied to on `on` with `outcome`.
    fn replied(
        kind: ApplicantKind,
        received: &str,
        on: &str,
        outcome: Outcome,
    ) -> ApplicationFacts {
        ApplicationFacts {
            reply: Some((d(on), outcome)),
            ..open(kind, received)
        }
    }

    #[test]
    fn rows_follow_the_format_verbatim() {
        let labels: Vec<String> = Row::all().map(Row::label).collect();
        assert_eq!(labels.len(), ROWS);
        for (i, label) in [
            (0, "一、本年新收政府信息公开申请数量"),
            (1, "二、上年结转政府信息公开申请数量"),
            (2, "（一）予以公开"),
            (
                3,
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ),
            (4, "1.属于国家秘密"),
            (6, "3.危及“三安全一稳定”"),
            (12, "1.本机关不掌握相关政府信息"),
            (
                20,
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (22, "3.其他"),
            (23, "（七）总计"),
            (24, "四、结转下年度继续办理"),
        ] {
            assert_eq!(labels[i], label, "row {i}");
        }
        for (i, r) in Row::all().enumerate() {
            assert_eq!(r.index(), i);
        }
        let groups: Vec<_> = outcome_groups()
            .iter()
            .map(|(g, i)| (*g, i.len()))
            .collect();
        assert_eq!(
            groups,
            [
                ("（三）不予公开", 8),
                ("（四）无法提供", 3),
                ("（五）不予处理", 5),
                ("（六）其他处理", 3)
            ]
        );
        let cols: Vec<_> = Column::ALL.iter().map(|c| c.label()).collect();
        assert_eq!(
            cols,
            [
                "自然人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
                "总计"
            ]
        );
    }

    #[test]
    fn the_layout_spans_like_the_format() {
        let layout = section3_layout();
        assert_eq!(layout.len(), ROWS);
        for (i, (row, _)) in layout.iter().enumerate() {
            assert_eq!(row.index(), i);
        }
        // Every row's label cells cover the three label columns once the spans above are
        // counted: a grid walk finds no gap and no overlap.
        let mut taken = [[false; 3]; ROWS];
        for (r, (_, heads)) in layout.iter().enumerate() {
            let mut col = 0;
            for h in heads {
                while col < 3 && taken[r][col] {
                    col += 1;
                }
                for dr in 0..h.rowspan as usize {
                    for dc in 0..h.colspan as usize {
                        assert!(!taken[r + dr][col + dc], "overlap at {r},{col}");
                        taken[r + dr][col + dc] = true;
                    }
                }
                col += h.colspan as usize;
            }
        }
        assert!(taken.iter().all(|r| r.iter().all(|t| *t)));
        assert_eq!(layout[2].1[0].text, "三、本年度办理结果");
        assert_eq!(layout[2].1[0].rowspan, 22);
        assert_eq!(layout[4].1[0].text, "（三）不予公开");
        assert_eq!(layout[4].1[0].rowspan, 8);
        let header = section3_header();
        assert_eq!(header[0][0].text, SECTION3_NOTE);
        assert_eq!(header[2].len(), 5);
    }

    #[test]
    fn counts_by_received_and_reply_dates() {
        use ApplicantKind as K;
        let apps = [
            // Received and replied in 2025.
            replied(K::Natural, "2025-03-01", "2025-03-20", Outcome::Disclosed),
            // Received 2024, open at its end, replied in 2025.
            replied(K::Commercial, "2024-12-30", "2025-01-10", Outcome::NotHeld),
            // Received 2024 and replied 2024: not in 2025's table.
            replied(K::Natural, "2024-05-01", "2024-05-10", Outcome::Disclosed),
            // Received 2025, replied 2026: carried out.
            replied(K::Research, "2025-12-31", "2026-01-05", Outcome::Repeated),
            // Received 2025, still open.
            open(K::Natural, "2025-11-01"),
            // Received 2026: not counted.
            open(K::Natural, "2026-01-01"),
        ];
        let t = ApplicationsTable::count(2025, &apps);
        assert_eq!(t.get(Row::New, Column::Total), 3);
        assert_eq!(t.get(Row::New, Column::Kind(K::Natural)), 2);
        assert_eq!(t.get(Row::CarriedIn, Column::Kind(K::Commercial)), 1);
        assert_eq!(t.get(Row::CarriedIn, Column::Total), 1);
        assert_eq!(t.get(Row::Outcome(Outcome::Disclosed), Column::Total), 1);
        assert_eq!(
            t.get(Row::Outcome(Outcome::NotHeld), Column::Kind(K::Commercial)),
            1
        );
        assert_eq!(t.get(Row::Total, Column::Total), 2);
        assert_eq!(t.get(Row::CarriedOut, Column::Total), 2);
        assert_eq!(t.get(Row::CarriedOut, Column::Kind(K::Research)), 1);
        assert!(t.violations().is_empty());
        // Next year's 上年结转 is this year's 结转下年度.
        let next = ApplicationsTable::count(2026, &apps);
        for c in Column::ALL {
            assert_eq!(next.get(Row::CarriedIn, c), t.get(Row::CarriedOut, c));
        }
    }

    #[test]
    fn each_broken_identity_is_reported_at_its_cell() {
        use ApplicantKind as K;
        let mut t = ApplicationsTable::count(
            2025,
            &[replied(
                K::Natural,
                "2025-03-01",
                "2025-03-02",
                Outcome::Disclosed,
            )],
        );
        assert!(t.violations().is_empty());
        // A typed carried-out count that breaks the column's balance.
        t.set(Row::CarriedOut, Column::Kind(K::Natural), 1);
        t.set(Row::CarriedOut, Column::Total, 1);
        let v = t.violations();
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].identity, Identity::ColumnBalance);
        assert_eq!(v[0].key(), "三:carried_out:natural");
        assert_eq!(v[0].expected, 0);
        assert_eq!(v[0].found, 1);
        assert_eq!(v[1].key(), "三:carried_out:total");
        assert_eq!(
            v[0].message(),
            "第一项加第二项之和应等于第三项（七）总计加第四项之和（应为 0，现为 1）"
        );
        // A total column that is not the sum of the kinds.
        let mut t = ApplicationsTable::default();
        t.set(Row::New, Column::Total, 2);
        let keys: Vec<_> = t.violations().iter().map(Violation::key).collect();
        assert!(keys.contains(&"三:new:total".to_owned()), "{keys:?}");
        // A （七）总计 that is not the sum of the outcomes.
        let mut t = ApplicationsTable::default();
        t.set(
            Row::Outcome(Outcome::Repeated),
            Column::Kind(K::Research),
            1,
        );
        let v = t.violations();
        assert!(
            v.iter()
                .any(|v| v.identity == Identity::OutcomeTotal && v.key() == "三:total:research")
        );
    }

    #[test]
    fn in_force_is_carried_over_from_last_year() {
        let mut last = ProactiveTables::default();
        last.normative.in_force.value = 10;
        let mut this = ProactiveTables::default();
        this.normative.made.value = 3;
        this.normative.repealed.value = 1;
        this.normative.in_force.value = 12;
        assert!(this.violations(Some(&last)).is_empty());
        assert!(this.violations(None).is_empty());
        this.normative.in_force.value = 13;
        let v = this.violations(Some(&last));
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].key(), "二:normative.in_force");
        assert_eq!((v[0].expected, v[0].found), (12, 13));
    }

    #[test]
    fn normative_documents_are_counted_by_their_dates() {
        use crate::record::Validity as V;
        let doc = |made: &str, validity, changed: Option<&str>| DocumentFacts {
            made_on: d(made),
            validity,
            changed_on: changed.map(d),
        };
        let docs = [
            doc("2024-05-01", V::Valid, None),
            // Made 2024, repealed 2026.
            doc("2024-06-01", V::Repealed, Some("2026-03-01")),
            doc("2026-01-01", V::Valid, None),
            doc("2026-12-31", V::Valid, None),
            // Made and expired in 2026.
            doc("2026-02-01", V::Expired, Some("2026-11-30")),
            // Repealed with no date: counted nowhere, named.
            doc("2025-02-01", V::Repealed, None),
            // Made in 2027: not yet.
            doc("2027-01-01", V::Valid, None),
            // Repealed in 2025.
            doc("2023-01-01", V::Repealed, Some("2025-07-01")),
        ];
        let y2026 = CountedDocuments::count(2026, &docs);
        assert_eq!(
            y2026,
            CountedDocuments {
                made: 3,
                repealed: 2,
                in_force: 3,
                undated: 1,
                ..CountedDocuments::default()
            }
        );
        let y2025 = CountedDocuments::count(2025, &docs);
        assert_eq!((y2025.made, y2025.repealed, y2025.in_force), (0, 1, 2));
        // The carried-over identity holds between the computed years.
        assert_eq!(y2025.in_force + y2026.made - y2026.repealed, y2026.in_force);
        let taken = y2026.figure("normative.in_force");
        assert_eq!(
            taken,
            Some(Figure {
                value: 3,
                source: PUBLISHED_DOCUMENTS_SOURCE.into()
            })
        );
        assert_eq!(y2026.figure("rules.made"), None);
    }

    #[test]
    fn decisions_from_the_enforcement_list_are_offered_with_their_source() {
        let counted = CountedDocuments::default().with_decisions(4, 2);
        assert_eq!(
            counted.figure("licensing"),
            Some(Figure {
                value: 4,
                source: ENFORCEMENT_LIST_SOURCE.into()
            })
        );
        assert_eq!(counted.figure("penalties").map(|f| f.value), Some(2));
        // 行政强制 is not counted from the list.
        assert_eq!(counted.figure("coercion"), None);
        for field in COMPUTED_FIELDS {
            assert!(counted.figure(field).is_some(), "{field}");
        }
    }

    fn document_facts() -> impl Strategy<Value = DocumentFacts> {
        (
            0i64..(365 * 5),
            0usize..3,
            proptest::option::of(-30i64..(365 * 3)),
        )
            .prop_map(|(day, v, change)| {
                let made_on = d("2021-01-01") + chrono::Duration::days(day);
                let validity = crate::record::Validity::ALL[v];
                DocumentFacts {
                    made_on,
                    validity,
                    changed_on: change.map(|c| made_on + chrono::Duration::days(c)),
                }
            })
    }

    proptest! {
        #[test]
        fn computed_documents_carry_over_from_year_to_year(
            docs in proptest::collection::vec(document_facts(), 0..60),
            year in 2022i32..2027,
        ) {
            let before = CountedDocuments::count(year - 1, &docs);
            let this = CountedDocuments::count(year, &docs);
            prop_assert_eq!(before.in_force + this.made - this.repealed, this.in_force);
            let mut last = ProactiveTables::default();
            last.normative.in_force.value = before.in_force;
            let mut now = ProactiveTables::default();
            for field in COMPUTED_FIELDS {
                if let (Some(slot), Some(f)) = (now.field_mut(field), this.figure(field)) {
                    *slot = f;
                }
            }
            prop_assert!(now.violations(Some(&last)).is_empty());
        }
    }

    #[test]
    fn carried_in_is_last_years_carried_out() {
        let mut last = ApplicationsTable::default();
        last.set(Row::CarriedOut, Column::Kind(ApplicantKind::Natural), 2);
        last.set(Row::CarriedOut, Column::Total, 2);
        let mut this = ApplicationsTable::default();
        this.set(Row::CarriedIn, Column::Kind(ApplicantKind::Natural), 2);
        this.set(Row::CarriedIn, Column::Total, 2);
        assert!(this.carried_in_violations(&last).is_empty());
        this.set(Row::CarriedIn, Column::Kind(ApplicantKind::Natural), 1);
        let v = this.carried_in_violations(&last);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].key(), "三:carried_in:natural");
        assert_eq!((v[0].expected, v[0].found), (2, 1));
    }

    #[test]
    fn section_four_groups_add_up() {
        let mut r = ReviewLitigation::default();
        let mut v = [0; 15];
        v[0] = 1;
        v[3] = 1;
        v[4] = 2;
        r.set_values(v);
        assert_eq!(r.values(), v);
        assert!(r.violations().is_empty());
        v[9] = 1;
        r.set_values(v);
        let bad = r.violations();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].key(), "四:direct_suit.total");
    }

    #[test]
    fn due_dates_and_lateness() {
        assert_eq!(due_on(OrgKind::Department, 2025), Some(d("2026-01-31")));
        assert_eq!(due_on(OrgKind::Government, 2025), Some(d("2026-03-31")));
        assert!(!is_late(OrgKind::Government, 2025, d("2026-03-31")));
        assert!(is_late(OrgKind::Government, 2025, d("2026-04-01")));
        assert!(is_late(OrgKind::Department, 2025, d("2026-02-01")));
        assert_eq!(wan_yuan(12_345), "1.2345");
        assert_eq!(wan_yuan(50), "0.0050");
    }

    #[test]
    fn hand_entries_need_numbers_and_sources() {
        let form = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
        };
        let ok = HandEntries::parse(form(&[
            ("normative.made", "3"),
            ("normative.made.source", "县司法局备案登记"),
            ("review.upheld", "1"),
            ("review.total", "1"),
            ("review.source", "县司法局复议台账"),
            ("overview", "  本年度……  "),
        ]))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.proactive.normative.made.value, 3);
        assert_eq!(ok.proactive.normative.made.source, "县司法局备案登记");
        assert_eq!(ok.review.review.total, 1);
        assert_eq!(ok.prose.overview, "本年度……");
        let bad = HandEntries::parse(form(&[
            ("licensing", "2"),
            ("penalties", "-1"),
            ("coercion", "x"),
            ("review.pending", "1"),
        ]))
        .err()
        .unwrap_or_else(|| panic!("refused"));
        assert_eq!(
            bad.codes().into_iter().collect::<Vec<_>>(),
            [
                ("coercion", "report.number_invalid"),
                ("licensing.source", "report.source_required"),
                ("penalties", "report.number_invalid"),
                ("review.source", "report.source_required"),
            ]
        );
        assert_eq!(
            bad.get("licensing.source"),
            Some("请注明“行政许可 本年处理决定数量”的数据来源")
        );
    }

    fn facts() -> impl Strategy<Value = ApplicationFacts> {
        (
            0usize..6,
            0i64..(365 * 4),
            proptest::option::of((0i64..400, 0usize..Outcome::ALL.len())),
        )
            .prop_map(|(k, day, reply)| {
                let received_on = d("2023-01-01") + chrono::Duration::days(day);
                ApplicationFacts {
                    kind: ApplicantKind::ALL[k],
                    received_on,
                    reply: reply.map(|(after, o)| {
                        (received_on + chrono::Duration::days(after), Outcome::ALL[o])
                    }),
                }
            })
    }

    proptest! {
        #[test]
        fn any_counted_table_satisfies_every_identity(
            apps in proptest::collection::vec(facts(), 0..60),
            year in 2023i32..2027,
        ) {
            let t = ApplicationsTable::count(year, &apps);
            prop_assert!(t.violations().is_empty(), "{:?}", t.violations());
            let next = ApplicationsTable::count(year + 1, &apps);
            for c in Column::ALL {
                prop_assert_eq!(next.get(Row::CarriedIn, c), t.get(Row::CarriedOut, c));
            }
        }
    }
}
