//! The 主动公开基本目录: what each office must publish, by whom, how and how soon — one row per
//! item in the official schema (spec §7: 公开事项 一级 / 二级, 公开内容（要素）, 公开依据, 公开时限,
//! 公开主体, 公开渠道和载体, 公开对象, 公开方式, 公开层级) — and how timely each office was:
//! a record tagged with an item counts as on time when it was published within the item's
//! limit of working days from the day the information was formed (成文日期), late otherwise;
//! an item assigned to an office with nothing published in the period is missing.
//!
//! The 26 areas of the grassroots standard catalogue (国办发〔2019〕54号) ship as a starting set
//! ([`STARTING_SET`]), a few common rows per area; a site renames, adds and assigns its own.

use chrono::{Datelike, NaiveDate};

use crate::calendar::{Calendar, CalendarError, RegionCode};
use crate::{DomainError, ErrorCode};

/// The longest 一级 or 二级 name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// The longest text of one of the other columns, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest publication limit, in working days.
pub const MAX_LIMIT_DAYS: u32 = 250;
/// The usual limit: "信息形成或者变更之日起20个工作日内" (条例 第二十六条).
pub const DEFAULT_LIMIT_DAYS: u32 = 20;

coded! {
    /// 公开对象: who the information is for.
    Audience {
        /// 全社会.
        Everyone => ("all", "全社会"),
        /// 特定群众 (the people concerned, e.g. beneficiaries).
        Specific => ("specific", "特定群众"),
    }
}

coded! {
    /// 公开方式.
    Method {
        /// 主动公开.
        Proactive => ("proactive", "主动"),
        /// 依申请公开.
        OnRequest => ("on_request", "依申请"),
    }
}

coded! {
    /// 公开层级: the level of government that publishes.
    Level {
        /// 县级.
        County => ("county", "县级"),
        /// 乡级.
        Township => ("township", "乡级"),
        /// 县级、乡级.
        Both => ("both", "县级、乡级"),
    }
}

/// A catalogue row as typed in the back office, checked by [`ItemDraft::check`].
#[derive(Debug, Clone, Default)]
pub struct ItemDraft {
    /// 公开事项 一级 (the area, e.g. 财政预决算).
    pub area: String,
    /// 公开事项 二级 (e.g. 部门预算).
    pub subject: String,
    /// 公开内容（要素）.
    pub elements: String,
    /// 公开依据.
    pub basis: String,
    /// 公开时限 in working days from the day the information was formed, as typed.
    pub limit_days: String,
    /// 公开主体 as text (the offices it is assigned to are kept apart).
    pub owner: String,
    /// 公开渠道和载体.
    pub channels: String,
    /// 公开对象 code.
    pub audience: String,
    /// 公开方式 code.
    pub method: String,
    /// 公开层级 code.
    pub level: String,
}

/// A checked catalogue row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 公开事项 一级.
    pub area: String,
    /// 公开事项 二级.
    pub subject: String,
    /// 公开内容（要素）.
    pub elements: String,
    /// 公开依据.
    pub basis: String,
    /// 公开时限, working days from the day the information was formed.
    pub limit_days: u32,
    /// 公开主体.
    pub owner: String,
    /// 公开渠道和载体.
    pub channels: String,
    /// 公开对象.
    pub audience: Audience,
    /// 公开方式.
    pub method: Method,
    /// 公开层级.
    pub level: Level,
}

fn text(
    value: &str,
    field: &'static str,
    max: usize,
    required: bool,
) -> Result<String, DomainError> {
    let v = value.trim();
    if (required && v.is_empty()) || v.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            ErrorCode::CatalogueFieldInvalid,
        ));
    }
    Ok(v.to_owned())
}

impl ItemDraft {
    /// Checks the row: both names (at most [`MAX_NAME_CHARS`]), the content elements, the
    /// owner and a limit of 1 to [`MAX_LIMIT_DAYS`] working days required; the other texts at
    /// most [`MAX_TEXT_CHARS`]; known audience, method and level.
    pub fn check(&self) -> Result<Item, DomainError> {
        let limit_days = self
            .limit_days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=MAX_LIMIT_DAYS).contains(d))
            .ok_or_else(|| DomainError::invalid("limit_days", ErrorCode::CatalogueLimitInvalid))?;
        Ok(Item {
            area: text(&self.area, "area", MAX_NAME_CHARS, true)?,
            subject: text(&self.subject, "subject", MAX_NAME_CHARS, true)?,
            elements: text(&self.elements, "elements", MAX_TEXT_CHARS, true)?,
            basis: text(&self.basis, "basis", MAX_TEXT_CHARS, false)?,
            limit_days,
            owner: text(&self.owner, "owner", MAX_TEXT_CHARS, true)?,
            channels: text(&self.channels, "channels", MAX_TEXT_CHARS, false)?,
            audience: Audience::parse(&self.audience)?,
            method: Method::parse(&self.method)?,
            level: Level::parse(&self.level)?,
        })
    }
}

/// How one publication stands against its item's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Timeliness {
    /// Published within the limit.
    OnTime,
    /// Published `by` working days after the limit ran out.
    Late {
        /// Working days past the due day.
        by: u32,
    },
    /// The record has no 成文日期, so its timeliness cannot be told (a finding in itself).
    NoDate,
}

/// Whether information formed on `formed` and published on `published` (Beijing dates) was
/// within `limit_days` working days: the due day is the `limit_days`-th working day after
/// `formed` (the day it was formed is day 0), in the site's `region` where it has its own
/// holidays.
pub fn timeliness(
    calendar: &Calendar,
    region: Option<&RegionCode>,
    formed: Option<NaiveDate>,
    published: NaiveDate,
    limit_days: u32,
) -> Result<Timeliness, CalendarError> {
    let Some(formed) = formed else {
        return Ok(Timeliness::NoDate);
    };
    // Years without calendar data (before 2007, a region's missing year) count as provisional
    // weekdays-only years, for the due day and the days late alike.
    let first = formed.year().min(published.year());
    let last = formed.year().max(published.year()).saturating_add(1);
    let (filled, _) = calendar.with_provisional_years(first..=last, region);
    let due = filled.due_date(formed, limit_days, region)?;
    if published <= due {
        return Ok(Timeliness::OnTime);
    }
    let by = filled.working_days_between(due, published, region)?;
    Ok(Timeliness::Late {
        by: u32::try_from(by).unwrap_or(u32::MAX).max(1),
    })
}

/// One office's standing on one item for a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Publications on time.
    pub on_time: u32,
    /// Publications late.
    pub late: u32,
    /// Publications without a 成文日期.
    pub no_date: u32,
}

impl Tally {
    /// Counts one publication.
    pub fn add(&mut self, t: Timeliness) {
        match t {
            Timeliness::OnTime => self.on_time += 1,
            Timeliness::Late { .. } => self.late += 1,
            Timeliness::NoDate => self.no_date += 1,
        }
    }

    /// Nothing published for an item the office is assigned: missing.
    pub fn missing(&self) -> bool {
        self.on_time + self.late + self.no_date == 0
    }
}

/// One row of the starting set: 一级, 二级, 公开内容（要素）, 公开依据, 公开时限 (working days).
pub type StartingRow = (&'static str, &'static str, &'static str, &'static str, u32);

const BASIS_REGS: &str = "《中华人民共和国政府信息公开条例》";

/// The starting set: the 26 areas of the grassroots standard catalogue (国办发〔2019〕54号), each
/// with its most common rows. Every row is 主动, to 全社会, at 县级, through 政府网站 unless the
/// site changes it.
pub const STARTING_SET: &[StartingRow] = &[
    (
        "重大建设项目",
        "批准服务信息",
        "申报要求、申报材料清单、批准服务流程、办理时限、受理机构联系方式、监督举报方式",
        "《国务院办公厅关于推进重大建设项目批准和实施领域政府信息公开的意见》",
        20,
    ),
    (
        "重大建设项目",
        "批准结果信息",
        "审批结果、核准结果、备案结果",
        "《国务院办公厅关于推进重大建设项目批准和实施领域政府信息公开的意见》",
        7,
    ),
    (
        "公共资源交易",
        "交易公告",
        "项目名称、交易方式、交易条件、交易时间和地点",
        "《公共资源交易平台管理暂行办法》",
        20,
    ),
    (
        "公共资源交易",
        "成交信息",
        "成交结果、成交金额、中标（成交）人",
        "《公共资源交易平台管理暂行办法》",
        7,
    ),
    (
        "财政预决算",
        "部门预算",
        "部门预算报表及说明、“三公”经费预算",
        "《中华人民共和国预算法》第十四条",
        20,
    ),
    (
        "财政预决算",
        "部门决算",
        "部门决算报表及说明、“三公”经费决算",
        "《中华人民共和国预算法》第十四条",
        20,
    ),
    (
        "安全生产",
        "监管执法",
        "执法检查结果、行政处罚决定",
        "《中华人民共和国安全生产法》",
        7,
    ),
    (
        "安全生产",
        "事故调查处理",
        "事故调查报告、处理结果",
        "《生产安全事故报告和调查处理条例》",
        20,
    ),
    ("税收管理", "税收政策", "税收政策文件及解读", BASIS_REGS, 20),
    (
        "城乡规划",
        "规划编制",
        "总体规划、详细规划、专项规划及批后公布",
        "《中华人民共和国城乡规划法》",
        20,
    ),
    (
        "征地补偿",
        "征地批复",
        "征收土地批复、征收范围、补偿标准、安置途径",
        "《中华人民共和国土地管理法》",
        20,
    ),
    (
        "国有土地上房屋征收与补偿",
        "征收决定",
        "房屋征收决定、补偿方案",
        "《国有土地上房屋征收与补偿条例》",
        20,
    ),
    (
        "保障性住房",
        "分配信息",
        "保障对象条件、申请程序、分配结果",
        "《公共租赁住房管理办法》",
        20,
    ),
    (
        "农村危房改造",
        "补助对象",
        "补助对象认定条件、补助标准、改造对象名单",
        BASIS_REGS,
        20,
    ),
    (
        "生态环境",
        "环境质量",
        "环境质量状况、重点排污单位名录、环评审批结果",
        "《中华人民共和国环境保护法》",
        20,
    ),
    (
        "公共文化服务",
        "服务信息",
        "公共文化设施名录、开放时间、免费服务项目",
        "《中华人民共和国公共文化服务保障法》",
        20,
    ),
    (
        "公共法律服务",
        "服务信息",
        "法律援助条件、申请程序、服务机构和联系方式",
        "《法律援助条例》",
        20,
    ),
    (
        "扶贫（乡村振兴）",
        "资金项目",
        "扶贫资金分配结果、项目安排、实施情况",
        BASIS_REGS,
        20,
    ),
    (
        "救灾",
        "救灾款物",
        "救灾款物分配、发放情况",
        "《自然灾害救助条例》",
        20,
    ),
    (
        "食品药品监管",
        "抽检信息",
        "抽检结果、不合格产品处置情况",
        "《中华人民共和国食品安全法》",
        7,
    ),
    (
        "城市综合执法",
        "执法结果",
        "行政处罚决定",
        "《中华人民共和国行政处罚法》",
        7,
    ),
    (
        "就业",
        "就业服务",
        "就业创业政策、招聘信息、职业培训",
        "《中华人民共和国就业促进法》",
        20,
    ),
    (
        "社会保险",
        "参保缴费",
        "参保范围、缴费标准、待遇标准",
        "《中华人民共和国社会保险法》",
        20,
    ),
    (
        "社会救助",
        "最低生活保障",
        "保障条件、标准、审核审批程序、救助对象",
        "《社会救助暂行办法》",
        20,
    ),
    (
        "养老服务",
        "服务机构",
        "养老机构名录、服务项目、补贴政策",
        "《中华人民共和国老年人权益保障法》",
        20,
    ),
    (
        "户籍管理",
        "办事指南",
        "户口登记、迁移办理条件、材料、时限",
        "《中华人民共和国户口登记条例》",
        20,
    ),
    (
        "涉农补贴",
        "补贴政策",
        "补贴政策、补贴标准、补贴对象、发放情况",
        BASIS_REGS,
        20,
    ),
    (
        "义务教育",
        "招生入学",
        "招生范围、招生计划、入学条件、招生结果",
        "《中华人民共和国义务教育法》",
        20,
    ),
    (
        "卫生健康",
        "公共卫生",
        "基本公共卫生服务项目、传染病疫情信息",
        "《中华人民共和国基本医疗卫生与健康促进法》",
        20,
    ),
    (
        "市政服务",
        "公用事业",
        "供水、供气、供热服务标准、收费标准、停水停气通知",
        BASIS_REGS,
        20,
    ),
];

/// The starting set's rows as drafts in the official schema (主动, 全社会, 县级, 政府网站).
pub fn starting_drafts() -> impl Iterator<Item = ItemDraft> {
    STARTING_SET
        .iter()
        .map(|&(area, subject, elements, basis, limit)| ItemDraft {
            area: area.into(),
            subject: subject.into(),
            elements: elements.into(),
            basis: basis.into(),
            limit_days: limit.to_string(),
            owner: "县级有关部门".into(),
            channels: "政府网站".into(),
            audience: Audience::Everyone.code().into(),
            method: Method::Proactive.code().into(),
            level: Level::County.code().into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_starting_set_covers_the_26_areas_and_every_row_checks() {
        let areas: std::collections::BTreeSet<&str> = STARTING_SET.iter().map(|r| r.0).collect();
        assert_eq!(areas.len(), 26, "{areas:?}");
        for d in starting_drafts() {
            assert!(d.check().is_ok(), "{d:?}");
        }
    }

    #[test]
    fn a_row_without_its_names_or_with_a_bad_limit_is_refused() {
        let good = starting_drafts().next().unwrap_or_default();
        for (field, broken) in [
            (
                "area",
                ItemDraft {
                    area: " ".into(),
                    ..good.clone()
                },
            ),
            (
                "subject",
                ItemDraft {
                    subject: "长".repeat(61),
                    ..good.clone()
                },
            ),
            (
                "limit_days",
                ItemDraft {
                    limit_days: "0".into(),
                    ..good.clone()
                },
            ),
            (
                "limit_days",
                ItemDraft {
                    limit_days: "二十".into(),
                    ..good.clone()
                },
            ),
            (
                "limit_days",
                ItemDraft {
                    limit_days: "251".into(),
                    ..good.clone()
                },
            ),
        ] {
            let err = broken.check().err();
            assert!(
                err.as_ref().is_some_and(|e| e.field() == field),
                "{field}: {err:?}"
            );
        }
        assert!(
            ItemDraft {
                method: "x".into(),
                ..good
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn publication_within_the_working_days_is_on_time_and_after_is_late() {
        let cal = Calendar::national();
        // Formed on Monday 2026-03-02: the 20th working day after it is Monday 2026-03-30.
        let formed = Some(day("2026-03-02"));
        let t = |published: &str| timeliness(&cal, None, formed, day(published), 20);
        assert_eq!(t("2026-03-05"), Ok(Timeliness::OnTime));
        assert_eq!(t("2026-03-30"), Ok(Timeliness::OnTime));
        assert_eq!(t("2026-03-31"), Ok(Timeliness::Late { by: 1 }));
        assert_eq!(t("2026-04-03"), Ok(Timeliness::Late { by: 4 }));
        assert_eq!(
            timeliness(&cal, None, None, day("2026-03-05"), 20),
            Ok(Timeliness::NoDate)
        );
        // The National Day week does not count: the first working day after 30 September is
        // 8 October.
        let october =
            |published: &str| timeliness(&cal, None, Some(day("2026-09-30")), day(published), 1);
        assert_eq!(october("2026-10-08"), Ok(Timeliness::OnTime));
        // A year without calendar data counts weekdays, never an error.
        let old = timeliness(&cal, None, Some(day("2005-03-01")), day("2005-06-01"), 20);
        assert!(matches!(old, Ok(Timeliness::Late { .. })), "{old:?}");
        assert_eq!(october("2026-10-09"), Ok(Timeliness::Late { by: 1 }));
    }

    #[test]
    fn a_tally_with_nothing_published_is_missing() {
        let mut t = Tally::default();
        assert!(t.missing());
        t.add(Timeliness::Late { by: 3 });
        assert!(!t.missing());
        assert_eq!((t.on_time, t.late, t.no_date), (0, 1, 0));
    }
}
