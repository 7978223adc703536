//! The disclosure catalogue's fixed structure: the columns (栏目) of the 政务公开 section and
//! the theme tree (主题分类).
//!
//! The four required columns (国办公开办函〔2019〕61号 practice) are 政府信息公开指南,
//! 政府信息公开制度, 法定主动公开内容 (with one sub-column per item of 第二十条) and
//! 政府信息公开年报; a few common working columns follow. Themes are the gov.cn tree shipped in
//! `data/themes.txt`; a site may rename or extend them (stored per site).

use serde::Serialize;

/// One column of the disclosure section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Stable slug used in URLs (`/xxgk/lanmu/<slug>`).
    pub slug: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// Parent column's slug.
    pub parent: Option<&'static str>,
}

const fn col(slug: &'static str, name: &'static str, parent: Option<&'static str>) -> Column {
    Column { slug, name, parent }
}

/// Slug of 法定主动公开内容.
pub const STATUTORY: &str = "fdzdgknr";

/// Every column, parents before children, in display order.
pub const COLUMNS: &[Column] = &[
    col("zn", "政府信息公开指南", None),
    col("zd", "政府信息公开制度", None),
    col(STATUTORY, "法定主动公开内容", None),
    col("gfxwj", "行政法规、规章和规范性文件", Some(STATUTORY)),
    col(
        "jgzn",
        "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
        Some(STATUTORY),
    ),
    col(
        "ghjh",
        "国民经济和社会发展规划、专项规划、区域规划及相关政策",
        Some(STATUTORY),
    ),
    col("tjxx", "统计信息", Some(STATUTORY)),
    col("xzxk", "行政许可和其他对外管理服务事项", Some(STATUTORY)),
    col("xzcf", "行政处罚、行政强制", Some(STATUTORY)),
    col("czyjs", "财政预算、决算信息", Some(STATUTORY)),
    col("xzsf", "行政事业性收费项目及其依据、标准", Some(STATUTORY)),
    col(
        "zfcg",
        "政府集中采购项目的目录、标准及实施情况",
        Some(STATUTORY),
    ),
    col("zdxm", "重大建设项目的批准和实施情况", Some(STATUTORY)),
    col(
        "msbz",
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
        Some(STATUTORY),
    ),
    col(
        "yjgl",
        "突发公共事件的应急预案、预警信息及应对情况",
        Some(STATUTORY),
    ),
    col(
        "jdjc",
        "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
        Some(STATUTORY),
    ),
    col(
        "gwyzk",
        "公务员招考的职位、名额、报考条件等事项以及录用结果",
        Some(STATUTORY),
    ),
    col("qtfd", "其他", Some(STATUTORY)),
    col("nb", "政府信息公开年报", None),
    col("zcjd", "政策解读", None),
    col("tzgg", "通知公告", None),
    col("gzdt", "工作动态", None),
    col("flfg", "法律法规", None),
];

/// The four columns every disclosure section must have.
pub const REQUIRED: [&str; 4] = ["zn", "zd", STATUTORY, "nb"];

/// A column by slug.
pub fn column(slug: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.slug == slug)
}

/// Direct children of a column.
pub fn children(slug: &str) -> impl Iterator<Item = &'static Column> + '_ {
    COLUMNS.iter().filter(move |c| c.parent == Some(slug))
}

/// Top-level columns.
pub fn roots() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|c| c.parent.is_none())
}

/// One theme (主题分类) as `top\sub` or `top`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Theme {
    /// Full code, e.g. `综合政务\政务公开`.
    pub code: String,
    /// Display name (the last part).
    pub name: String,
    /// Parent's code for a sub-category.
    pub parent: Option<String>,
}

/// How a 主题分类 code reads on a page: each level by its current name (a site may rename
/// a theme; the code stays), joined by ›. Unknown levels show as stored.
pub fn theme_label(themes: &[Theme], code: &str) -> String {
    let mut prefix = String::new();
    let mut parts = Vec::new();
    for part in code.split('\\').filter(|p| !p.is_empty()) {
        if !prefix.is_empty() {
            prefix.push('\\');
        }
        prefix.push_str(part);
        let name = themes
            .iter()
            .find(|t| t.code == prefix)
            .map_or(part, |t| t.name.as_str());
        parts.push(name.to_owned());
    }
    parts.join(" › ")
}

/// The built-in theme tree, parsed from the shipped gov.cn list.
pub fn default_themes() -> Vec<Theme> {
    parse_themes(include_str!("../data/themes.txt"))
}

/// Parses the theme list format: `top: sub / sub / …` per line; `#` starts a comment; a line
/// without a colon is a top category without children.
pub fn parse_themes(text: &str) -> Vec<Theme> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (top, subs) = match line.split_once(':') {
            Some((t, s)) => (t.trim(), Some(s)),
            None => (line, None),
        };
        out.push(Theme {
            code: top.to_owned(),
            name: top.to_owned(),
            parent: None,
        });
        for sub in subs
            .into_iter()
            .flat_map(|s| s.split(" / "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            out.push(Theme {
                code: format!("{top}\\{sub}"),
                name: sub.to_owned(),
                parent: Some(top.to_owned()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_required_columns_exist_and_statutory_has_fifteen_items() {
        for slug in REQUIRED {
            assert!(column(slug).is_some_and(|c| c.parent.is_none()), "{slug}");
        }
        assert_eq!(children(STATUTORY).count(), 15);
        let mut slugs: Vec<_> = COLUMNS.iter().map(|c| c.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), COLUMNS.len(), "slugs are unique");
    }

    #[test]
    fn the_gov_cn_theme_tree_is_shipped() {
        let themes = default_themes();
        let tops: Vec<_> = themes
            .iter()
            .filter(|t| t.parent.is_none())
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(tops.len(), 22, "{tops:?}");
        assert!(themes.iter().any(|t| t.code == "综合政务\\政务公开"));
        assert!(
            themes
                .iter()
                .any(|t| t.code == "其他" && t.parent.is_none())
        );
    }

    #[test]
    fn a_renamed_theme_reads_by_its_new_name() {
        let mut themes = default_themes();
        let code = themes
            .iter()
            .find(|t| t.parent.is_some())
            .map(|t| t.code.clone())
            .unwrap_or_default();
        let parent = code.split('\\').next().unwrap_or_default().to_owned();
        assert_eq!(theme_label(&themes, &code), code.replace('\\', " › "));
        if let Some(t) = themes.iter_mut().find(|t| t.code == code) {
            t.name = "新名称".into();
        }
        assert_eq!(theme_label(&themes, &code), format!("{parent} › 新名称"));
        assert_eq!(theme_label(&themes, "未知\\子类"), "未知 › 子类");
    }
}
