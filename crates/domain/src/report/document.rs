//! The published report as a document: the six sections in order, prose as paragraphs and the
//! tables of sections 二, 三 and 四 as grids of cells with their merged ranges, as the 2021 format
//! lays them out. One model, rendered as the public record's HTML body ([`Document::to_html`])
//! and as the printable PDF (the `export` crate).

use serde::Serialize;

use super::past::{PastReport, SECTION2_TABLES_2019, section3_layout_2019};
use super::{
    ApplicationsTable, Column, HandEntries, HeadCell, LITIGATION_LABEL, RESULT_LABELS,
    Row as TableRow, SECTION_TITLES, SECTION2_TABLES, SECTION4_GROUPS, section3_header,
    section3_layout, wan_yuan,
};

/// What a header cell heads (the HTML `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    /// A column.
    Col,
    /// A group of columns.
    ColGroup,
    /// A row.
    Row,
    /// A group of rows.
    RowGroup,
}

impl Scope {
    /// The HTML attribute value.
    pub fn html(self) -> &'static str {
        match self {
            Scope::Col => "col",
            Scope::ColGroup => "colgroup",
            Scope::Row => "row",
            Scope::RowGroup => "rowgroup",
        }
    }
}

/// One cell of a table: its text, the rows and columns it spans, and, for a header cell, what
/// it heads (a data cell has none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GridCell {
    /// The text, verbatim.
    pub text: String,
    /// Rows spanned (at least 1).
    pub rowspan: u32,
    /// Columns spanned (at least 1).
    pub colspan: u32,
    /// For a header cell, what it heads.
    pub scope: Option<Scope>,
}

impl GridCell {
    fn head(text: impl Into<String>, scope: Scope, rowspan: u32, colspan: u32) -> Self {
        Self {
            text: text.into(),
            rowspan: rowspan.max(1),
            colspan: colspan.max(1),
            scope: Some(scope),
        }
    }

    fn data(text: impl Into<String>, colspan: u32) -> Self {
        Self {
            text: text.into(),
            rowspan: 1,
            colspan: colspan.max(1),
            scope: None,
        }
    }

    /// Whether it is a header cell.
    pub fn is_header(&self) -> bool {
        self.scope.is_some()
    }
}

/// A table: how many columns its grid has, how many of its first rows are the header, and
/// each row's cells (a cell covered by a span from above is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grid {
    /// Columns of the grid.
    pub columns: u32,
    /// How many of the first rows form the header (`<thead>`).
    pub head_rows: usize,
    /// Each column's relative width as the format draws it (for the printed table).
    pub weights: Vec<u32>,
    /// The rows.
    pub rows: Vec<Vec<GridCell>>,
}

/// One block of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Block {
    /// A section title.
    Heading(String),
    /// A paragraph of prose.
    Paragraph(String),
    /// A table.
    Table(Grid),
}

/// The report as a sequence of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

/// Prose as paragraphs: one per non-empty line; nothing entered reads 无.
fn paragraphs(out: &mut Vec<Block>, text: &str) {
    let mut any = false;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push(Block::Paragraph(line.to_owned()));
        any = true;
    }
    if !any {
        out.push(Block::Paragraph("无。".to_owned()));
    }
}

/// Section 二 as the format draws it: one table of four columns, each item of 第二十条 a heading
/// row over its column headers and its rows.
fn section2(entries: &HandEntries) -> Grid {
    let p = &entries.proactive;
    let values: [Vec<String>; 4] = [
        [
            &p.rules.made,
            &p.rules.repealed,
            &p.rules.in_force,
            &p.normative.made,
            &p.normative.repealed,
            &p.normative.in_force,
        ]
        .iter()
        .map(|f| f.value.to_string())
        .collect(),
        vec![p.licensing.value.to_string()],
        vec![p.penalties.value.to_string(), p.coercion.value.to_string()],
        vec![wan_yuan(p.fees_yuan.value)],
    ];
    let mut rows = Vec::new();
    for ((heading, columns, labels), values) in SECTION2_TABLES.iter().zip(values) {
        rows.push(vec![GridCell::head(*heading, Scope::ColGroup, 1, 4)]);
        // Tables with one figure per row let it span the three number columns.
        let per_row = columns.len() - 1;
        let span = if per_row == 1 { 3 } else { 1 };
        rows.push(
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| GridCell::head(*c, Scope::Col, 1, if i == 0 { 1 } else { span }))
                .collect(),
        );
        for (label, figures) in labels.iter().zip(values.chunks(per_row)) {
            let mut row = vec![GridCell::head(*label, Scope::Row, 1, 1)];
            row.extend(figures.iter().map(|v| GridCell::data(v.clone(), span)));
            rows.push(row);
        }
    }
    Grid {
        columns: 4,
        head_rows: 0,
        weights: vec![3, 2, 2, 2],
        rows,
    }
}

/// Section 二 of the older format (2019–2020): five items of 第二十条, each a heading row over
/// its column headers and its rows, the figures as printed; the grid is four columns wide and a
/// table with two figures a row lets its last one span the rest.
fn section2_2019(past: &PastReport) -> Grid {
    let mut rows = Vec::new();
    let mut next = 0usize;
    for (heading, columns, labels) in SECTION2_TABLES_2019 {
        rows.push(vec![GridCell::head(heading, Scope::ColGroup, 1, 4)]);
        let last = columns.len() - 1;
        let span = |i: usize| if i == last { 4 - last as u32 } else { 1 };
        rows.push(
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| GridCell::head(*c, Scope::Col, 1, span(i)))
                .collect(),
        );
        for label in labels {
            let mut row = vec![GridCell::head(*label, Scope::Row, 1, 1)];
            for i in 1..columns.len() {
                row.push(GridCell::data(past.figure(next), span(i)));
                next += 1;
            }
            rows.push(row);
        }
    }
    Grid {
        columns: 4,
        head_rows: 0,
        weights: vec![3, 2, 2, 2],
        rows,
    }
}

/// Section 三: the three header rows (the 勾稽关系 note over the label columns) and one row per
/// line of the format, the label cells merged as it merges them.
fn section3(table: &ApplicationsTable, layout: Vec<(TableRow, Vec<HeadCell>)>) -> Grid {
    let mut rows: Vec<Vec<GridCell>> = section3_header()
        .into_iter()
        .map(|hr| {
            hr.into_iter()
                .map(|h| {
                    let scope = if h.colspan > 1 && h.rowspan == 1 {
                        Scope::ColGroup
                    } else {
                        Scope::Col
                    };
                    GridCell::head(h.text, scope, h.rowspan, h.colspan)
                })
                .collect()
        })
        .collect();
    for (row, heads) in layout {
        let mut cells: Vec<GridCell> = heads
            .into_iter()
            .map(|h| {
                let scope = if h.rowspan > 1 {
                    Scope::RowGroup
                } else {
                    Scope::Row
                };
                GridCell::head(h.text, scope, h.rowspan, h.colspan)
            })
            .collect();
        cells.extend(
            Column::ALL
                .iter()
                .map(|c| GridCell::data(table.get(row, *c).to_string(), 1)),
        );
        rows.push(cells);
    }
    Grid {
        columns: super::LABEL_COLUMNS + 7,
        head_rows: 3,
        // The three label columns: 三、本年度办理结果, the group headings, the items.
        weights: vec![2, 3, 9, 2, 2, 2, 2, 2, 2, 2],
        rows,
    }
}

/// Section 四: 行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉), five results each.
fn section4(entries: &HandEntries) -> Grid {
    let labels = SECTION4_GROUPS.iter().flat_map(|_| RESULT_LABELS);
    Grid {
        columns: 15,
        head_rows: 3,
        weights: vec![1; 15],
        rows: vec![
            vec![
                GridCell::head(SECTION4_GROUPS[0].1, Scope::ColGroup, 2, 5),
                GridCell::head(LITIGATION_LABEL, Scope::ColGroup, 1, 10),
            ],
            vec![
                GridCell::head(SECTION4_GROUPS[1].1, Scope::ColGroup, 1, 5),
                GridCell::head(SECTION4_GROUPS[2].1, Scope::ColGroup, 1, 5),
            ],
            labels
                .map(|l| GridCell::head(l, Scope::Col, 1, 1))
                .collect(),
            entries
                .review
                .values()
                .iter()
                .map(|v| GridCell::data(v.to_string(), 1))
                .collect(),
        ],
    }
}

impl Document {
    /// The report of `table` (section 三) and `entries` (everything else), section by section:
    /// in the older format when `entries` hold an older report ([`HandEntries::past`]), its
    /// section 二 and its section 三 rows.
    pub fn build(table: &ApplicationsTable, entries: &HandEntries) -> Self {
        let mut blocks = Vec::new();
        let heading = |i: usize| Block::Heading(SECTION_TITLES[i].to_owned());
        blocks.push(heading(0));
        paragraphs(&mut blocks, &entries.prose.overview);
        blocks.push(heading(1));
        let (proactive, layout) = match &entries.past {
            Some(past) => (section2_2019(past), section3_layout_2019()),
            None => (section2(entries), section3_layout()),
        };
        blocks.push(Block::Table(proactive));
        blocks.push(heading(2));
        blocks.push(Block::Table(section3(table, layout)));
        blocks.push(heading(3));
        blocks.push(Block::Table(section4(entries)));
        blocks.push(heading(4));
        paragraphs(&mut blocks, &entries.prose.problems);
        blocks.push(heading(5));
        paragraphs(&mut blocks, &entries.prose.other_matters);
        Self { blocks }
    }

    /// The document as a record body: `<h2>` per section, `<p>` per paragraph, real tables
    /// (`<thead>` for the header rows, `scope`, `rowspan` and `colspan` as the format merges
    /// cells). Written the way the content sanitiser serialises, so sanitising it changes nothing.
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading(t) => {
                    html.push_str(&format!("<h2>{}</h2>\n", escape(t)));
                }
                Block::Paragraph(t) => {
                    html.push_str(&format!("<p>{}</p>\n", escape(t)));
                }
                Block::Table(grid) => push_table(&mut html, grid),
            }
        }
        // The sanitiser drops whitespace at the end.
        html.truncate(html.trim_end().len());
        html
    }

    /// The tables of the document, in order (section 二, 三, 四).
    pub fn tables(&self) -> impl Iterator<Item = &Grid> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(g) => Some(g),
            _ => None,
        })
    }
}

fn push_table(html: &mut String, grid: &Grid) {
    html.push_str("<table>\n");
    let (head, body) = grid.rows.split_at(grid.head_rows.min(grid.rows.len()));
    for (tag, rows) in [("thead", head), ("tbody", body)] {
        if rows.is_empty() {
            continue;
        }
        html.push_str(&format!("<{tag}>\n"));
        for row in rows {
            html.push_str("<tr>");
            for cell in row {
                let name = if cell.is_header() { "th" } else { "td" };
                html.push('<');
                html.push_str(name);
                if let Some(scope) = cell.scope {
                    html.push_str(&format!(" scope=\"{}\"", scope.html()));
                }
                if cell.colspan > 1 {
                    html.push_str(&format!(" colspan=\"{}\"", cell.colspan));
                }
                if cell.rowspan > 1 {
                    html.push_str(&format!(" rowspan=\"{}\"", cell.rowspan));
                }
                html.push('>');
                html.push_str(&escape(&cell.text));
                html.push_str(&format!("</{name}>"));
            }
            html.push_str("</tr>\n");
        }
        html.push_str(&format!("</{tag}>\n"));
    }
    html.push_str("</table>\n");
}

/// Escapes text for element content as the sanitiser's serialiser does (`&`, `<`, `>`, no-break
/// space).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::Outcome;
    use crate::report::Row;

    #[test]
    fn every_table_row_covers_the_grid_and_the_note_leads_section_three() {
        let mut table = ApplicationsTable::default();
        table.set(Row::New, Column::Total, 3);
        table.set(Row::Outcome(Outcome::Disclosed), Column::Total, 3);
        let doc = Document::build(&table, &HandEntries::default());
        let tables: Vec<&Grid> = doc.tables().collect();
        assert_eq!(tables.len(), 3);
        for grid in &tables {
            // Columns taken per row, counting cells spanning down from rows above.
            let mut carried = vec![0u32; grid.rows.len() + 1];
            for (i, row) in grid.rows.iter().enumerate() {
                let own: u32 = row.iter().map(|c| c.colspan).sum();
                assert_eq!(own + carried[i], grid.columns, "row {i} of {grid:?}");
                for c in row {
                    for below in 1..c.rowspan as usize {
                        if let Some(slot) = carried.get_mut(i + below) {
                            *slot += c.colspan;
                        }
                    }
                }
            }
        }
        let html = doc.to_html();
        assert!(html.contains(
            "<th scope=\"col\" colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>"
        ));
        let outcomes = format!(
            "<th scope=\"rowgroup\" rowspan=\"{}\">三、本年度办理结果</th>",
            Outcome::ALL.len() + 1
        );
        assert!(html.contains(&outcomes));
        assert!(html.starts_with("<h2>一、总体情况</h2>\n<p>无。</p>\n"));
    }

    #[test]
    fn prose_is_escaped_one_paragraph_a_line() {
        let mut entries = HandEntries::default();
        entries.prose.overview = "甲 <b>&\n\n乙".to_owned();
        let html = Document::build(&ApplicationsTable::default(), &entries).to_html();
        assert!(html.contains("<p>甲 &lt;b&gt;&amp;</p>\n<p>乙</p>\n"));
    }
}
