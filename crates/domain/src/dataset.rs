//! Open government data (政府数据开放): a dataset's metadata, its resources and its review.
//!
//! A dataset is described once here and shown three ways: the public catalogue, the back office
//! and the CKAN Action API, whose field names (`name`, `notes`, `license_id`, `tags`, `groups`)
//! it follows so CKAN clients work unchanged. Its name (slug) follows CKAN's rule; its licence
//! comes from a fixed list with CKAN-style ids; its groups are the open-data themes; its 开放属性
//! says whether it is open to all, open on conditions (which it states) or not open (with the
//! legal ground). A dataset moves draft → submitted → published like a record: a reviewer who
//! did not write it approves it or returns it with a reason.

use chrono::NaiveDate;

use crate::{DomainError, ErrorCode};

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest description, conditions or legal ground, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// The longest one-line field (spatial coverage, contact, version, a resource's name).
pub const MAX_LINE_CHARS: usize = 200;
/// The most tags a dataset may carry.
pub const MAX_TAGS: usize = 50;
/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 100;
/// The most open-data themes a dataset may belong to.
pub const MAX_GROUPS: usize = 10;
/// The most resources a dataset may hold.
pub const MAX_RESOURCES: usize = 100;
/// The longest link a resource may point at.
pub const MAX_URL_CHARS: usize = 2000;
/// A name's length range (CKAN's rule: 2 to 100 characters).
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=100;

coded! {
    /// 开放属性: whether and how a dataset is open.
    Openness {
        /// 无条件开放: anyone may download it.
        Unconditional => ("unconditional", "无条件开放"),
        /// 有条件开放: open to those who meet the stated conditions.
        Conditional => ("conditional", "有条件开放"),
        /// 不予开放: listed, not open, with its legal ground.
        Closed => ("closed", "不予开放"),
    }
}

coded! {
    /// Where a dataset stands in its review: 草稿 → 待审核 → 已发布, or 退回 and submitted again.
    DatasetStatus {
        /// 草稿: written, not yet submitted.
        Draft => ("draft", "草稿"),
        /// 待审核: waiting for a reviewer other than its author.
        Submitted => ("submitted", "待审核"),
        /// 已发布: approved and public.
        Published => ("published", "已发布"),
        /// 退回: returned to its author with a reason.
        Returned => ("returned", "退回"),
    }
}

coded! {
    /// 更新频率: how often a dataset is brought up to date.
    Frequency {
        /// 实时.
        Realtime => ("realtime", "实时"),
        /// 每日.
        Daily => ("daily", "每日"),
        /// 每周.
        Weekly => ("weekly", "每周"),
        /// 每月.
        Monthly => ("monthly", "每月"),
        /// 每季度.
        Quarterly => ("quarterly", "每季度"),
        /// 每半年.
        HalfYearly => ("half_yearly", "每半年"),
        /// 每年.
        Yearly => ("yearly", "每年"),
        /// 不定期.
        Irregular => ("irregular", "不定期"),
        /// 不再更新.
        Never => ("never", "不再更新"),
    }
}

coded! {
    /// The open-data themes (the catalogue's groups, CKAN's `groups`): the livelihood, public
    /// service and market supervision data the platform opens first, and the rest.
    OpenTheme {
        /// 民生服务.
        Livelihood => ("livelihood", "民生服务"),
        /// 社会保障.
        SocialSecurity => ("social-security", "社会保障"),
        /// 教育文化.
        Education => ("education", "教育文化"),
        /// 医疗卫生.
        Health => ("health", "医疗卫生"),
        /// 市场监管.
        MarketSupervision => ("market-supervision", "市场监管"),
        /// 财税金融.
        Finance => ("finance", "财税金融"),
        /// 公共资源交易.
        PublicResources => ("public-resources", "公共资源交易"),
        /// 经济发展.
        Economy => ("economy", "经济发展"),
        /// 农业农村.
        Agriculture => ("agriculture", "农业农村"),
        /// 交通运输.
        Transport => ("transport", "交通运输"),
        /// 资源环境.
        Environment => ("environment", "资源环境"),
        /// 城建住房.
        Housing => ("housing", "城建住房"),
        /// 公共安全.
        PublicSafety => ("public-safety", "公共安全"),
        /// 机构团体.
        Government => ("government", "机构团体"),
    }
}

impl OpenTheme {
    /// What the theme holds, for the group's description.
    pub fn description(self) -> &'static str {
        match self {
            Self::Livelihood => "与群众日常生活密切相关的公共服务数据",
            Self::SocialSecurity => "社会救助、养老、就业等社会保障数据",
            Self::Education => "学校、教育资源与文化设施数据",
            Self::Health => "医疗机构、公共卫生与健康服务数据",
            Self::MarketSupervision => "市场主体、产品质量、食品药品监管数据",
            Self::Finance => "财政预决算、税收与金融数据",
            Self::PublicResources => "工程建设、政府采购等公共资源交易数据",
            Self::Economy => "国民经济、产业发展与统计数据",
            Self::Agriculture => "农牧业生产、乡村振兴数据",
            Self::Transport => "道路、客运与交通设施数据",
            Self::Environment => "自然资源、生态环境与气象数据",
            Self::Housing => "城乡规划、建设与住房保障数据",
            Self::PublicSafety => "应急管理、安全生产与消防数据",
            Self::Government => "政府机构、事业单位与社会组织数据",
        }
    }
}

/// One licence of the fixed list (CKAN's `license_list` item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Licence {
    /// Stable id, as CKAN names the same licence (`cc-by`, `odc-odbl` …).
    pub id: &'static str,
    /// Its title as shown.
    pub title: &'static str,
    /// Where its text is published ("" for none).
    pub url: &'static str,
    /// Whether it meets the Open Definition.
    pub open: bool,
}

/// The licences a dataset may carry, in display order.
pub const LICENCES: &[Licence] = &[
    Licence {
        id: "cc-by",
        title: "知识共享署名 4.0（CC BY 4.0）",
        url: "https://creativecommons.org/licenses/by/4.0/",
        open: true,
    },
    Licence {
        id: "cc-zero",
        title: "知识共享 CC0 公有领域贡献",
        url: "https://creativecommons.org/publicdomain/zero/1.0/",
        open: true,
    },
    Licence {
        id: "cc-by-sa",
        title: "知识共享署名-相同方式共享 4.0（CC BY-SA 4.0）",
        url: "https://creativecommons.org/licenses/by-sa/4.0/",
        open: true,
    },
    Licence {
        id: "odc-by",
        title: "开放数据共享署名许可（ODC-By）",
        url: "https://opendatacommons.org/licenses/by/",
        open: true,
    },
    Licence {
        id: "odc-odbl",
        title: "开放数据库许可（ODbL）",
        url: "https://opendatacommons.org/licenses/odbl/",
        open: true,
    },
    Licence {
        id: "other-open",
        title: "政府数据开放许可（注明来源即可使用）",
        url: "",
        open: true,
    },
    Licence {
        id: "other-closed",
        title: "非开放许可（依申请使用）",
        url: "",
        open: false,
    },
    Licence {
        id: "notspecified",
        title: "未指定许可",
        url: "",
        open: false,
    },
];

/// The licence with id `id`, if it is on the list.
pub fn licence(id: &str) -> Option<&'static Licence> {
    LICENCES.iter().find(|l| l.id == id.trim())
}

/// A dataset's name (its slug, CKAN's `name`): 2 to 100 characters of lower-case ASCII letters,
/// digits, `-` and `_`, so it can stand in an address unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DatasetName(String);

text_newtype!(DatasetName, "The name as stored.", Display);

impl DatasetName {
    /// Parses a name by CKAN's rule.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        let ok = NAME_CHARS.contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(name.to_owned()))
        } else {
            Err(DomainError::invalid("name", ErrorCode::DatasetNameInvalid))
        }
    }
}

/// A tag (CKAN's tag rule, letters of any script allowed): 1 to 100 characters of letters,
/// digits, spaces, `-`, `_` and `.`.
pub fn parse_tag(raw: &str) -> Result<String, DomainError> {
    let tag = raw.trim();
    let ok = (1..=MAX_TAG_CHARS).contains(&tag.chars().count())
        && tag
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(tag.to_owned())
    } else {
        Err(DomainError::with(
            "tags",
            ErrorCode::DatasetTagInvalid,
            &[("tag", &tag.chars().take(40).collect::<String>())],
        ))
    }
}

/// A dataset as typed (the back-office form, the API's `package_create`), checked by
/// [`DatasetDraft::check`]. Every field is text as it came, so one check serves both.
#[derive(Debug, Clone, Default)]
pub struct DatasetDraft {
    /// The name (slug).
    pub name: String,
    /// The title.
    pub title: String,
    /// The description (CKAN's `notes`).
    pub notes: String,
    /// A code of the site's 主题分类, or empty.
    pub theme: String,
    /// Open-data theme codes (CKAN's `groups`).
    pub groups: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// A licence id of [`LICENCES`].
    pub license_id: String,
    /// A [`Frequency`] code or label.
    pub frequency: String,
    /// The first day covered, `YYYY-MM-DD`, or empty.
    pub temporal_start: String,
    /// The last day covered, `YYYY-MM-DD`, or empty.
    pub temporal_end: String,
    /// The area covered (e.g. 乌恰县).
    pub spatial: String,
    /// Who answers questions about it.
    pub contact_name: String,
    /// Their telephone or e-mail.
    pub contact: String,
    /// The version.
    pub version: String,
    /// An [`Openness`] code or label.
    pub openness: String,
    /// The conditions of a conditionally open dataset.
    pub conditions: String,
    /// The legal ground of a dataset not opened.
    pub legal_ground: String,
}

/// A checked dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDataset {
    /// The name (slug).
    pub name: DatasetName,
    /// The title.
    pub title: String,
    /// The description.
    pub notes: String,
    /// The 主题分类 code, or empty.
    pub theme: String,
    /// The open-data themes, without repeats.
    pub groups: Vec<OpenTheme>,
    /// The tags, without repeats.
    pub tags: Vec<String>,
    /// The licence.
    pub license: &'static Licence,
    /// The update frequency.
    pub frequency: Frequency,
    /// The first day covered.
    pub temporal_start: Option<NaiveDate>,
    /// The last day covered.
    pub temporal_end: Option<NaiveDate>,
    /// The area covered.
    pub spatial: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's telephone or e-mail.
    pub contact: String,
    /// The version.
    pub version: String,
    /// 开放属性.
    pub openness: Openness,
    /// Conditions (有条件开放 only; empty otherwise).
    pub conditions: String,
    /// Legal ground (不予开放 only; empty otherwise).
    pub legal_ground: String,
}

/// `raw` trimmed, if it is at most `max` characters and free of control characters (line
/// breaks and tabs allowed when `multiline`); else the refusal `code` on `field`.
fn text(
    raw: &str,
    max: usize,
    multiline: bool,
    field: &'static str,
) -> Result<String, DomainError> {
    let t = raw.trim();
    let control = t
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    if t.chars().count() > max || control {
        return Err(DomainError::with(
            field,
            ErrorCode::DatasetTextTooLong,
            &[("max", &max)],
        ));
    }
    Ok(t.to_owned())
}

fn optional_date(raw: &str, field: &'static str) -> Result<Option<NaiveDate>, DomainError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    crate::task::parse_date(raw, field, ErrorCode::DatasetDateInvalid).map(Some)
}

/// Adds the refusal of `r`, if it is one, to `errors`.
fn note<T>(errors: &mut Vec<DomainError>, r: &Result<T, DomainError>) {
    if let Err(e) = r {
        errors.push(e.clone());
    }
}

impl DatasetDraft {
    /// Checks every field and answers all refusals at once (field → message), so a form shows
    /// them together and the API answers them as one Validation Error.
    pub fn check(&self) -> Result<NewDataset, Vec<DomainError>> {
        let mut errors = Vec::new();
        let name = DatasetName::parse(&self.name);
        note(&mut errors, &name);
        let title = self.title.trim();
        if title.is_empty()
            || title.chars().count() > MAX_TITLE_CHARS
            || title.chars().any(char::is_control)
        {
            errors.push(DomainError::invalid(
                "title",
                ErrorCode::DatasetTitleRequired,
            ));
        }
        let notes = text(&self.notes, MAX_TEXT_CHARS, true, "notes");
        note(&mut errors, &notes);
        let mut groups = Vec::new();
        for g in &self.groups {
            match OpenTheme::parse(g) {
                Ok(t) if !groups.contains(&t) => groups.push(t),
                Ok(_) => {}
                Err(_) => errors.push(DomainError::with(
                    "groups",
                    ErrorCode::DatasetGroupUnknown,
                    &[("group", &g.chars().take(40).collect::<String>())],
                )),
            }
        }
        if groups.len() > MAX_GROUPS {
            errors.push(DomainError::with(
                "groups",
                ErrorCode::DatasetTooManyGroups,
                &[("max", &MAX_GROUPS)],
            ));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            match parse_tag(t) {
                Ok(t) if !tags.contains(&t) => tags.push(t),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        if tags.len() > MAX_TAGS {
            errors.push(DomainError::with(
                "tags",
                ErrorCode::DatasetTooManyTags,
                &[("max", &MAX_TAGS)],
            ));
        }
        let license = licence(&self.license_id)
            .ok_or_else(|| DomainError::invalid("license_id", ErrorCode::DatasetLicenceUnknown));
        note(&mut errors, &license);
        let frequency = Frequency::parse(&self.frequency)
            .map_err(|_| DomainError::invalid("frequency", ErrorCode::DatasetFrequencyRequired));
        note(&mut errors, &frequency);
        let start = optional_date(&self.temporal_start, "temporal_start");
        note(&mut errors, &start);
        let end = optional_date(&self.temporal_end, "temporal_end");
        note(&mut errors, &end);
        if let (Ok(Some(s)), Ok(Some(e))) = (&start, &end)
            && e < s
        {
            errors.push(DomainError::invalid(
                "temporal_end",
                ErrorCode::DatasetCoverageReversed,
            ));
        }
        let lines = [
            ("spatial", &self.spatial),
            ("contact_name", &self.contact_name),
            ("contact", &self.contact),
            ("version", &self.version),
        ]
        .map(|(field, raw)| text(raw, MAX_LINE_CHARS, false, field));
        for l in &lines {
            note(&mut errors, l);
        }
        let openness = Openness::parse(&self.openness)
            .map_err(|_| DomainError::invalid("openness", ErrorCode::DatasetOpennessRequired));
        note(&mut errors, &openness);
        let conditions = text(&self.conditions, MAX_TEXT_CHARS, true, "conditions");
        note(&mut errors, &conditions);
        let legal_ground = text(&self.legal_ground, MAX_TEXT_CHARS, true, "legal_ground");
        note(&mut errors, &legal_ground);
        match (&openness, &conditions, &legal_ground) {
            (Ok(Openness::Conditional), Ok(c), _) if c.is_empty() => errors.push(
                DomainError::invalid("conditions", ErrorCode::DatasetConditionsRequired),
            ),
            (Ok(Openness::Closed), _, Ok(g)) if g.is_empty() => errors.push(DomainError::invalid(
                "legal_ground",
                ErrorCode::DatasetLegalGroundRequired,
            )),
            _ => {}
        }
        let (
            Ok(name),
            Ok(notes),
            Ok(license),
            Ok(frequency),
            Ok(temporal_start),
            Ok(temporal_end),
            Ok(openness),
            Ok(conditions),
            Ok(legal_ground),
            [Ok(spatial), Ok(contact_name), Ok(contact), Ok(version)],
        ) = (
            name,
            notes,
            license,
            frequency,
            start,
            end,
            openness,
            conditions,
            legal_ground,
            lines,
        )
        else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewDataset {
            name,
            title: title.to_owned(),
            notes,
            theme: self.theme.trim().to_owned(),
            groups,
            tags,
            license,
            frequency,
            temporal_start,
            temporal_end,
            spatial,
            contact_name,
            contact,
            version,
            openness,
            conditions: if openness == Openness::Conditional {
                conditions
            } else {
                String::new()
            },
            legal_ground: if openness == Openness::Closed {
                legal_ground
            } else {
                String::new()
            },
        })
    }
}

/// A step in a dataset's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStep {
    /// Its author submits it.
    Submit,
    /// A reviewer publishes it.
    Approve,
    /// A reviewer returns it.
    Return,
}

impl ReviewStep {
    /// The step a form's `step` field names (`submit`, `approve`, `return`).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "submit" => Some(Self::Submit),
            "approve" => Some(Self::Approve),
            "return" => Some(Self::Return),
            _ => None,
        }
    }

    /// The audit action of the step.
    pub fn action(self) -> &'static str {
        match self {
            Self::Submit => "dataset.submit",
            Self::Approve => "dataset.approve",
            Self::Return => "dataset.return",
        }
    }
}

/// The state a dataset in `state`, written by `author_id`, moves to when `actor_id` takes
/// `step`: a draft or returned dataset is submitted (by anyone who may edit it); a submitted one
/// is published or returned by someone other than its author; a return needs its reason.
pub fn apply_step(
    state: DatasetStatus,
    step: ReviewStep,
    author_id: i64,
    actor_id: i64,
    reason: &str,
) -> Result<DatasetStatus, DomainError> {
    let wrong = || {
        DomainError::with(
            "step",
            ErrorCode::DatasetStepNotAllowed,
            &[("state", &state.label())],
        )
    };
    match step {
        ReviewStep::Submit => match state {
            DatasetStatus::Draft | DatasetStatus::Returned => Ok(DatasetStatus::Submitted),
            _ => Err(wrong()),
        },
        ReviewStep::Approve | ReviewStep::Return => {
            if state != DatasetStatus::Submitted {
                return Err(wrong());
            }
            if author_id == actor_id {
                return Err(DomainError::invalid(
                    "step",
                    ErrorCode::DatasetReviewerIsAuthor,
                ));
            }
            if step == ReviewStep::Approve {
                return Ok(DatasetStatus::Published);
            }
            if reason.trim().is_empty() {
                return Err(DomainError::invalid(
                    "reason",
                    ErrorCode::DatasetReturnReasonRequired,
                ));
            }
            Ok(DatasetStatus::Returned)
        }
    }
}

/// The state an edit leaves a dataset in: a draft or returned one stays as it is; a submitted
/// or published one goes (back) to review, so nothing reaches the public unreviewed — a
/// published dataset that is edited leaves the catalogue until it is approved again.
pub fn after_edit(state: DatasetStatus) -> DatasetStatus {
    match state {
        DatasetStatus::Draft | DatasetStatus::Returned => state,
        DatasetStatus::Submitted | DatasetStatus::Published => DatasetStatus::Submitted,
    }
}

coded! {
    /// The formats of an uploaded resource, decided by its content.
    UploadFormat {
        /// Comma-separated values (UTF-8, GBK or GB18030 text).
        Csv => ("CSV", "CSV"),
        /// An Excel workbook (Office Open XML).
        Xlsx => ("XLSX", "XLSX"),
        /// JSON.
        Json => ("JSON", "JSON"),
        /// PDF.
        Pdf => ("PDF", "PDF"),
    }
}

impl UploadFormat {
    /// The `Content-Type` a download of this format is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Json => "application/json",
            Self::Pdf => "application/pdf",
        }
    }

    /// The file extension, lower case.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
            Self::Pdf => "pdf",
        }
    }
}

/// A resource's link: `http` or `https`, a host, no white space or control characters, at most
/// [`MAX_URL_CHARS`].
pub fn parse_link(raw: &str) -> Result<String, DomainError> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.starts_with('@')
    });
    let ok = host_ok
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url.to_owned())
    } else {
        Err(DomainError::invalid("url", ErrorCode::DatasetLinkInvalid))
    }
}

/// A linked resource's format as typed (`csv`, `API`, `WMS` …): upper-cased, 1 to 20 letters,
/// digits, `-`, `_`, `.` or `/`; empty stays empty.
pub fn parse_format(raw: &str) -> Result<String, DomainError> {
    let f = raw.trim().trim_start_matches('.');
    let ok = f.len() <= 20
        && f.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(f.to_ascii_uppercase())
    } else {
        Err(DomainError::invalid(
            "format",
            ErrorCode::DatasetFormatInvalid,
        ))
    }
}

/// A resource as typed: its name and description (a link's or an upload's).
pub fn check_resource_text(name: &str, description: &str) -> Result<(String, String), DomainError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > MAX_LINE_CHARS || n.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "name",
            ErrorCode::DatasetResourceNameRequired,
        ));
    }
    let d = text(description, MAX_TEXT_CHARS, true, "description")?;
    Ok((n.to_owned(), d))
}

/// The longest CKAN filter query (`fq`) read, in bytes.
pub const MAX_FQ_BYTES: usize = 2000;
/// The most terms one filter query may hold.
pub const MAX_FQ_TERMS: usize = 32;

/// Reads a CKAN filter query (`fq`): terms `field:value` separated by white space, each
/// optionally marked `+` (required, as every term is), the value bare or in double quotes
/// (`tags:"公共 服务"`). Field names are lower-case ASCII letters and `_`; what the field names
/// is the caller's to judge. Anything else (parentheses, `OR`, an unclosed quote, a term
/// without a field, an empty value, too long or too many terms) is refused with the reason,
/// which the API answers as a Search Query Error.
pub fn parse_fq(raw: &str) -> Result<Vec<(String, String)>, String> {
    if raw.len() > MAX_FQ_BYTES {
        return Err(format!("fq is longer than {MAX_FQ_BYTES} bytes"));
    }
    let mut terms = Vec::new();
    let mut rest = raw.trim_start();
    while !rest.is_empty() {
        if terms.len() == MAX_FQ_TERMS {
            return Err(format!("fq holds more than {MAX_FQ_TERMS} terms"));
        }
        rest = rest.strip_prefix('+').unwrap_or(rest);
        let field_len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        let (field, after) = rest.split_at(field_len);
        let Some(after) = after.strip_prefix(':') else {
            return Err(format!("cannot read the term at: {}", head(rest)));
        };
        if field.is_empty() {
            return Err(format!("a term has no field: {}", head(rest)));
        }
        let (value, after) = if let Some(quoted) = after.strip_prefix('"') {
            let Some(end) = quoted.find('"') else {
                return Err("a quoted value is not closed".to_owned());
            };
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("the field {field} has no value"));
        }
        if value.chars().any(|c| {
            matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '"' | '*' | '\\') || c.is_control()
        }) {
            return Err(format!("unsupported syntax in the value of {field}"));
        }
        if !after.is_empty() && !after.starts_with(char::is_whitespace) {
            return Err(format!("cannot read the term at: {}", head(after)));
        }
        terms.push((field.to_owned(), value.to_owned()));
        rest = after.trim_start();
    }
    Ok(terms)
}

/// The first characters of `s`, to quote in a refusal.
fn head(s: &str) -> String {
    s.chars().take(30).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_accepts;

    /// The value, or the test fails with the refusal.
    fn ok<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// The refusal, or the test fails.
    fn refused<T: std::fmt::Debug, E>(r: Result<T, E>) -> E {
        match r {
            Ok(v) => panic!("accepted: {v:?}"),
            Err(e) => e,
        }
    }

    fn draft() -> DatasetDraft {
        DatasetDraft {
            name: "wqx-budget-2026".into(),
            title: "乌恰县2026年一般公共预算收支表".into(),
            license_id: "cc-by".into(),
            frequency: "yearly".into(),
            openness: "无条件开放".into(),
            groups: vec!["finance".into(), "finance".into()],
            tags: vec!["预算".into(), "财政".into(), "预算".into()],
            ..DatasetDraft::default()
        }
    }

    #[test]
    fn names_follow_ckans_rule() {
        assert_accepts(
            DatasetName::parse,
            &[
                ("wqx-budget_2026", true),
                ("ab", true),
                ("a", false),
                ("Budget", false),
                ("预算", false),
                ("a b", false),
                (&"a".repeat(100), true),
                (&"a".repeat(101), false),
            ],
        );
    }

    #[test]
    fn a_good_draft_is_accepted_without_repeats() {
        let d = ok(draft().check());
        assert_eq!(d.groups, vec![OpenTheme::Finance]);
        assert_eq!(d.tags, vec!["预算".to_owned(), "财政".to_owned()]);
        assert_eq!(d.license.id, "cc-by");
        assert_eq!(d.openness, Openness::Unconditional);
    }

    #[test]
    fn every_refusal_is_answered_at_once_in_chinese() {
        let bad = DatasetDraft {
            name: "Bad Name".into(),
            license_id: "gpl".into(),
            temporal_start: "2026-02-01".into(),
            temporal_end: "2026-01-01".into(),
            openness: "conditional".into(),
            groups: vec!["nowhere".into()],
            tags: vec!["<script>".into()],
            ..DatasetDraft::default()
        };
        let errors = refused(bad.check());
        let fields: Vec<&str> = errors.iter().map(DomainError::field).collect();
        for f in [
            "name",
            "title",
            "license_id",
            "frequency",
            "temporal_end",
            "conditions",
            "groups",
            "tags",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        assert!(
            errors
                .iter()
                .all(|e| e.to_string().chars().any(|c| c > '\u{2e80}'))
        );
    }

    #[test]
    fn a_closed_dataset_needs_its_legal_ground_and_drops_conditions() {
        let mut d = draft();
        d.openness = "closed".into();
        d.conditions = "实名申请".into();
        let errors = refused(d.check());
        assert_eq!(errors[0].field(), "legal_ground");
        d.legal_ground = "《中华人民共和国个人信息保护法》第十三条".into();
        let checked = ok(d.check());
        assert!(checked.conditions.is_empty());
        assert!(!checked.legal_ground.is_empty());
    }

    #[test]
    fn review_needs_another_person_and_a_reason_to_return() {
        use DatasetStatus as S;
        use ReviewStep as R;
        assert_eq!(apply_step(S::Draft, R::Submit, 1, 1, ""), Ok(S::Submitted));
        assert_eq!(
            apply_step(S::Returned, R::Submit, 1, 1, ""),
            Ok(S::Submitted)
        );
        assert!(apply_step(S::Submitted, R::Approve, 1, 1, "").is_err());
        assert_eq!(
            apply_step(S::Submitted, R::Approve, 1, 2, ""),
            Ok(S::Published)
        );
        assert!(apply_step(S::Submitted, R::Return, 1, 2, " ").is_err());
        assert_eq!(
            apply_step(S::Submitted, R::Return, 1, 2, "缺少字段说明"),
            Ok(S::Returned)
        );
        assert!(apply_step(S::Published, R::Submit, 1, 1, "").is_err());
        assert!(apply_step(S::Draft, R::Approve, 1, 2, "").is_err());
        assert_eq!(after_edit(S::Published), S::Submitted);
        assert_eq!(after_edit(S::Returned), S::Returned);
    }

    #[test]
    fn links_are_http_or_https_only() {
        assert_accepts(
            parse_link,
            &[
                ("https://data.example.gov.cn/a.csv", true),
                ("http://example.com", true),
                ("ftp://example.com/a.csv", false),
                ("javascript:alert(1)", false),
                ("https://", false),
                ("https://exa mple.com", false),
                ("https://@evil", false),
            ],
        );
    }

    #[test]
    fn filter_queries() {
        assert_eq!(
            ok(parse_fq(
                "organization:wqx004 +tags:\"公共 服务\"  res_format:CSV"
            )),
            vec![
                ("organization".to_owned(), "wqx004".to_owned()),
                ("tags".to_owned(), "公共 服务".to_owned()),
                ("res_format".to_owned(), "CSV".to_owned()),
            ]
        );
        assert_eq!(ok(parse_fq("")), vec![]);
        for bad in [
            "tags",
            "tags:",
            ":x",
            "tags:(a OR b)",
            "tags:\"open",
            "Tags:x",
            "tags:a\"b\"",
            "organization:x; DROP TABLE datasets",
        ] {
            assert!(parse_fq(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn filter_queries_never_panic_and_stay_bounded(raw in "\\PC{0,300}") {
            if let Ok(terms) = parse_fq(&raw) {
                proptest::prop_assert!(terms.len() <= MAX_FQ_TERMS);
                for (field, value) in terms {
                    proptest::prop_assert!(!field.is_empty() && !value.is_empty());
                }
            }
        }

        #[test]
        fn written_terms_read_back(
            terms in proptest::collection::vec(("[a-z_]{1,12}", "[^\\s\\p{C}\"()\\[\\]{}*\\\\]{1,12}"), 0..8)
        ) {
            let raw: Vec<String> = terms.iter().map(|(f, v)| format!("{f}:{v}")).collect();
            let read = ok(parse_fq(&raw.join(" ")));
            let expected: Vec<(String, String)> =
                terms.iter().map(|(f, v)| (f.clone(), v.trim().to_owned())).collect();
            proptest::prop_assert_eq!(read, expected);
        }
    }

    #[test]
    fn formats_and_tags() {
        assert_eq!(ok(parse_format(".csv")), "CSV");
        assert!(parse_format("c s v").is_err());
        assert!(parse_tag("民生 服务-2026").is_ok());
        assert!(parse_tag("a,b").is_err());
        assert!(parse_tag("").is_err());
        assert!(licence("odc-odbl").is_some());
        assert!(licence("gpl-3.0").is_none());
    }
}
