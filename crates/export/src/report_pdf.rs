//! The annual report (年度报告) as a tagged A4 PDF: the title, the six sections, prose as
//! indented paragraphs and the tables of sections 二, 三 and 四 drawn with cell borders and their
//! merged cells, text wrapped inside each cell; set in the embedded CJK font subset.

use std::num::{NonZeroU16, NonZeroU32};

use gongkai_domain::report::document::{Block, Document, Grid, Scope};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagKind, TagTree,
};

use crate::fonts::Metrics;
use crate::pdf::MM;
use crate::{ExportError, Fonts, wrap_cjk};

const LEFT: f32 = 22.0 * MM;
const TOP: f32 = 22.0 * MM;
const TEXT_W: f32 = 166.0 * MM;
const TEXT_H: f32 = 250.0 * MM;
const TITLE_SIZE: f32 = 18.0;
const HEADING_SIZE: f32 = 14.0;
const BODY_SIZE: f32 = 12.0;
const CELL_SIZE: f32 = 8.0;
const CELL_PITCH: f32 = 10.5;
const CELL_PAD: f32 = 2.5;
const FOLIO_SIZE: f32 = 10.0;
/// Reports longer than this many characters are refused.
const MAX_CHARS: usize = 200_000;

/// Renders the report `doc` titled `title`, by `author` (the organisation), as an A4 PDF set in
/// `fonts`: the title centred, each section heading, paragraphs with a two-character indent,
/// tables ruled cell by cell with the format's merged cells (a table starts on a new page when
/// it does not fit, and breaks only between rows no merged cell spans, its header rows repeated
/// on each page it continues on), "— 1 —" page numbers.
///
/// Tagged with language zh-CN: headings, paragraphs, and tables as Table / THead / TBody / TR /
/// TH (with scope and spans) / TD; borders and page numbers are artifacts. A table that runs
/// onto another page draws its header rows again at the top of it (kept with the first body rows
/// on the page it starts on); the repetition is a pagination artifact, so the header is tagged
/// once, in THead.
///
/// Errors: [`ExportError::MissingGlyphs`] when the text has characters the font cannot print,
/// [`ExportError::TooLong`] beyond 200,000 characters. CPU-bound: call from a blocking task.
pub fn render_report_pdf(
    title: &str,
    author: &str,
    doc: &Document,
    fonts: &Fonts,
) -> Result<Vec<u8>, ExportError> {
    let metrics = fonts.metrics()?;
    check_text(title, doc, &metrics)?;
    let layout = lay_out(title, doc, &metrics);
    draw(title, author, fonts, &metrics, &layout)
}

fn texts<'a>(title: &'a str, doc: &'a Document) -> impl Iterator<Item = &'a str> {
    std::iter::once(title).chain(doc.blocks.iter().flat_map(|b| -> Vec<&str> {
        match b {
            Block::Heading(t) | Block::Paragraph(t) => vec![t.as_str()],
            Block::Table(g) => g.rows.iter().flatten().map(|c| c.text.as_str()).collect(),
        }
    }))
}

fn check_text(title: &str, doc: &Document, metrics: &Metrics<'_>) -> Result<(), ExportError> {
    let chars: usize = texts(title, doc).map(|t| t.chars().count()).sum();
    if chars > MAX_CHARS {
        return Err(ExportError::TooLong { chars, limit: MAX_CHARS });
    }
    let mut missing = String::new();
    for c in texts(title, doc)
        .flat_map(str::chars)
        .chain("— 0123456789".chars())
    {
        if !c.is_whitespace() && metrics.glyph(c).is_none() && !missing.contains(c) {
            missing.push(c);
            if missing.chars().count() >= 20 {
                break;
            }
        }
    }
    crate::pdf::check_missing(&missing)
}

// ---------------------------------------------------------------------------------------------
// Layout: the document → pages of drawing operations, and the structure they are tagged with.

/// A line of text placed on a page; `leaf` numbers it for the tag tree.
struct TextOp {
    leaf: usize,
    text: String,
    x: f32,
    baseline: f32,
    size: f32,
    heavy: bool,
}

#[derive(Default)]
struct Page {
    texts: Vec<TextOp>,
    /// Text drawn again where a table continues from the page before (its header rows): a
    /// pagination artifact, not content, so it is read once, in the table's THead.
    repeated: Vec<TextOp>,
    borders: Vec<Rect>,
}

/// The logical structure: each node lists the leaves (text lines) it holds.
enum Node {
    Heading(u16, String, Vec<usize>),
    Paragraph(Vec<usize>),
    Table {
        head: Vec<Vec<CellNode>>,
        body: Vec<Vec<CellNode>>,
    },
}

struct CellNode {
    scope: Option<Scope>,
    rowspan: u32,
    colspan: u32,
    leaves: Vec<usize>,
}

struct Layout {
    pages: Vec<Page>,
    nodes: Vec<Node>,
    leaves: usize,
}

struct Cursor<'m> {
    metrics: &'m Metrics<'m>,
    pages: Vec<Page>,
    y: f32,
    leaves: usize,
}

impl Cursor<'_> {
    fn room(&self) -> f32 {
        TOP + TEXT_H - self.y
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Starts a new page unless `height` fits below (a fresh page takes anything).
    fn ensure(&mut self, height: f32) {
        if height > self.room() + 0.5 && self.y > TOP + 0.5 {
            self.new_page();
        }
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    fn advance(&self, c: char, size: f32) -> f32 {
        self.metrics.glyph(c).map_or(1.0, |(_, a)| a) * size
    }

    fn wrap(&self, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
        wrap_cjk(
            text,
            |i| if i == 0 { first } else { rest },
            |c| self.advance(c, size),
        )
    }

    fn text(&mut self, text: String, x: f32, baseline: f32, size: f32, heavy: bool) -> usize {
        let leaf = self.leaves;
        self.leaves += 1;
        if let Some(page) = self.pages.last_mut() {
            page.texts.push(TextOp {
                leaf,
                text,
                x,
                baseline,
                size,
                heavy,
            });
        }
        leaf
    }

    /// Lines of `text` in `size`, each `pitch` high, starting at `indent` on the first line
    /// (centred when `centre`); `keep` more points must fit below the first line.
    fn lines(&mut self, text: &str, style: LineStyle, indent: f32, keep: f32) -> Vec<usize> {
        let LineStyle {
            size,
            pitch,
            centre,
            heavy,
        } = style;
        let mut out = Vec::new();
        let wrapped = self.wrap(text, size, TEXT_W - indent, TEXT_W);
        for (i, line) in wrapped.into_iter().enumerate() {
            self.ensure(pitch + if i == 0 { keep } else { 0.0 });
            let w = self.width(&line, size);
            let x = if centre {
                LEFT + (TEXT_W - w).max(0.0) / 2.0
            } else if i == 0 {
                LEFT + indent
            } else {
                LEFT
            };
            let baseline = self.y + pitch / 2.0 + 0.36 * size;
            out.push(self.text(line, x, baseline, size, heavy));
            self.y += pitch;
        }
        out
    }
}

/// How a run of lines is set: size, line pitch, centred or not, heavy (headings).
#[derive(Clone, Copy)]
struct LineStyle {
    size: f32,
    pitch: f32,
    centre: bool,
    heavy: bool,
}

/// Where each cell of a grid stands: its first row and column.
fn positions(grid: &Grid) -> Vec<Vec<(usize, usize)>> {
    let cols = grid.columns as usize;
    let mut taken = vec![vec![false; cols]; grid.rows.len()];
    let mut out = Vec::new();
    for (r, row) in grid.rows.iter().enumerate() {
        let mut c = 0;
        let mut placed = Vec::new();
        for cell in row {
            while c < cols && taken[r][c] {
                c += 1;
            }
            placed.push((r, c));
            for row_taken in taken.iter_mut().skip(r).take(cell.rowspan as usize) {
                for slot in row_taken.iter_mut().skip(c).take(cell.colspan as usize) {
                    *slot = true;
                }
            }
            c += cell.colspan as usize;
        }
        out.push(placed);
    }
    out
}

/// Where a table's columns and rows fall and each cell's wrapped lines.
struct Geometry<'a> {
    lefts: &'a [f32],
    widths: &'a [f32],
    pos: &'a [Vec<(usize, usize)>],
    wrapped: &'a [Vec<Vec<String>>],
    heights: &'a [f32],
}

/// Draws rows `from..to` of `grid` from the cursor down, their borders and text, and moves the
/// cursor below them. The rows' cells come back for the tag tree, except when `repeated` (a
/// header drawn again on a later page): then their text is a pagination artifact and nothing is
/// tagged.
fn draw_rows(
    cur: &mut Cursor<'_>,
    grid: &Grid,
    g: &Geometry<'_>,
    (from, to): (usize, usize),
    repeated: bool,
) -> Vec<Vec<CellNode>> {
    let cols = grid.columns as usize;
    let span_width =
        |c: usize, n: u32| -> f32 { g.widths[c..(c + n as usize).min(cols)].iter().sum() };
    let mut tops = Vec::new();
    for h in &g.heights[from..to] {
        tops.push(cur.y);
        cur.y += h;
    }
    let mut out = Vec::new();
    for rr in from..to {
        let mut row_nodes = Vec::new();
        for (i, cell) in grid.rows[rr].iter().enumerate() {
            let c = g.pos[rr][i].1;
            let x = g.lefts.get(c).copied().unwrap_or(LEFT);
            let w = span_width(c, cell.colspan);
            // A span is cut where the rows drawn end (a repeated header is drawn whole).
            let last = (rr + cell.rowspan as usize).min(to);
            let h: f32 = g.heights[rr..last].iter().sum();
            let top = tops[rr - from];
            if let Some(rect) = Rect::from_xywh(x, top, w, h)
                && let Some(page) = cur.pages.last_mut()
            {
                page.borders.push(rect);
            }
            let lines = &g.wrapped[rr][i];
            let block = lines.len() as f32 * CELL_PITCH;
            let mut y = top + (h - block) / 2.0;
            let mut leaves = Vec::new();
            for line in lines {
                let lw = cur.width(line, CELL_SIZE);
                // Row labels read from the left; headings and numbers are centred.
                let lx = if cell.scope == Some(Scope::Row) && lines.len() > 1
                    || cell.scope == Some(Scope::Row) && lw > w * 0.6
                {
                    x + CELL_PAD
                } else {
                    x + (w - lw).max(0.0) / 2.0
                };
                let baseline = y + CELL_PITCH / 2.0 + 0.36 * CELL_SIZE;
                if repeated {
                    if let Some(page) = cur.pages.last_mut() {
                        page.repeated.push(TextOp {
                            leaf: usize::MAX,
                            text: line.clone(),
                            x: lx,
                            baseline,
                            size: CELL_SIZE,
                            heavy: false,
                        });
                    }
                } else {
                    leaves.push(cur.text(line.clone(), lx, baseline, CELL_SIZE, false));
                }
                y += CELL_PITCH;
            }
            row_nodes.push(CellNode {
                scope: cell.scope,
                rowspan: cell.rowspan,
                colspan: cell.colspan,
                leaves,
            });
        }
        out.push(row_nodes);
    }
    if repeated { Vec::new() } else { out }
}

fn table(cur: &mut Cursor<'_>, grid: &Grid) -> Node {
    let cols = grid.columns as usize;
    let weights: Vec<f32> = if grid.weights.len() == cols {
        grid.weights.iter().map(|w| *w as f32).collect()
    } else {
        vec![1.0; cols]
    };
    let total: f32 = weights.iter().sum::<f32>().max(1.0);
    let widths: Vec<f32> = weights.iter().map(|w| TEXT_W * w / total).collect();
    let lefts: Vec<f32> = widths
        .iter()
        .scan(LEFT, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    let pos = positions(grid);
    let span_width =
        |c: usize, n: u32| -> f32 { widths[c..(c + n as usize).min(cols)].iter().sum() };
    // Each cell's lines, wrapped to its width.
    let wrapped: Vec<Vec<Vec<String>>> = grid
        .rows
        .iter()
        .zip(&pos)
        .map(|(row, placed)| {
            row.iter()
                .zip(placed)
                .map(|(cell, (_, c))| {
                    let inner = span_width(*c, cell.colspan) - 2.0 * CELL_PAD;
                    cur.wrap(&cell.text, CELL_SIZE, inner, inner)
                })
                .collect()
        })
        .collect();
    let need = |lines: usize| lines.max(1) as f32 * CELL_PITCH + 2.0 * CELL_PAD;
    let mut heights = vec![need(1); grid.rows.len()];
    for (r, row) in grid.rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            if cell.rowspan == 1 {
                heights[r] = heights[r].max(need(wrapped[r][i].len()));
            }
        }
    }
    for (r, row) in grid.rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            let end = (r + cell.rowspan as usize).min(grid.rows.len());
            if cell.rowspan > 1 {
                let have: f32 = heights[r..end].iter().sum();
                let want = need(wrapped[r][i].len());
                if want > have {
                    heights[end - 1] += want - have;
                }
            }
        }
    }
    // A break may come before row r only if no cell spans across it.
    let mut breakable = vec![true; grid.rows.len() + 1];
    for (r, row) in grid.rows.iter().enumerate() {
        for cell in row {
            for inside in breakable
                .iter_mut()
                .take(grid.rows.len())
                .skip(r + 1)
                .take(cell.rowspan.saturating_sub(1) as usize)
            {
                *inside = false;
            }
        }
    }
    let geom = Geometry {
        lefts: &lefts,
        widths: &widths,
        pos: &pos,
        wrapped: &wrapped,
        heights: &heights,
    };
    let head_rows = grid.head_rows.min(grid.rows.len());
    // The chunks a break may come between: each runs to the next row no span crosses.
    let mut chunks = Vec::new();
    let mut r = 0;
    while r < grid.rows.len() {
        let mut end = r + 1;
        while end < grid.rows.len() && !breakable[end] {
            end += 1;
        }
        chunks.push((r, end));
        r = end;
    }
    let mut nodes: Vec<Vec<CellNode>> = Vec::new();
    for (i, &(r, end)) in chunks.iter().enumerate() {
        let chunk: f32 = heights[r..end].iter().sum();
        // The header rows keep the first rows of the body with them.
        let keep = match chunks.get(i + 1) {
            Some(&(a, b)) if end == head_rows && head_rows > 0 => heights[a..b].iter().sum(),
            _ => 0.0,
        };
        let pages = cur.pages.len();
        cur.ensure(chunk + keep);
        // On a page the table continues on, its header rows come first again.
        if cur.pages.len() > pages && head_rows > 0 && r >= head_rows {
            draw_rows(cur, grid, &geom, (0, head_rows), true);
        }
        nodes.extend(draw_rows(cur, grid, &geom, (r, end), false));
    }
    let body = nodes.split_off(grid.head_rows.min(nodes.len()));
    cur.y += BODY_SIZE;
    Node::Table { head: nodes, body }
}

fn lay_out(title: &str, doc: &Document, metrics: &Metrics<'_>) -> Layout {
    let mut cur = Cursor {
        metrics,
        pages: vec![Page::default()],
        y: TOP,
        leaves: 0,
    };
    let mut nodes = Vec::new();
    let style = LineStyle {
        size: TITLE_SIZE,
        pitch: TITLE_SIZE * 1.6,
        centre: true,
        heavy: true,
    };
    let leaves = cur.lines(title, style, 0.0, 0.0);
    nodes.push(Node::Heading(1, title.to_owned(), leaves));
    cur.y += BODY_SIZE;
    for block in &doc.blocks {
        match block {
            Block::Heading(t) => {
                // A heading keeps at least three body lines below it.
                let style = LineStyle {
                    size: HEADING_SIZE,
                    pitch: HEADING_SIZE * 2.0,
                    centre: false,
                    heavy: true,
                };
                let leaves = cur.lines(t, style, 0.0, BODY_SIZE * 5.0);
                nodes.push(Node::Heading(2, t.clone(), leaves));
            }
            Block::Paragraph(t) => {
                let indent = 2.0 * cur.advance('中', BODY_SIZE);
                let style = LineStyle {
                    size: BODY_SIZE,
                    pitch: BODY_SIZE * 1.75,
                    centre: false,
                    heavy: false,
                };
                let leaves = cur.lines(t, style, indent, 0.0);
                nodes.push(Node::Paragraph(leaves));
            }
            Block::Table(grid) => nodes.push(table(&mut cur, grid)),
        }
    }
    Layout {
        pages: cur.pages,
        nodes,
        leaves: cur.leaves,
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing.

fn draw(
    title: &str,
    author: &str,
    fonts: &Fonts,
    metrics: &Metrics<'_>,
    layout: &Layout,
) -> Result<Vec<u8>, ExportError> {
    let font = fonts.pdf_font();
    let mut document = krilla::Document::new();
    let settings = crate::pdf::a4()?;
    let mut ids: Vec<Option<Identifier>> = vec![None; layout.leaves];
    for (pi, page_ops) in layout.pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        if !page_ops.borders.is_empty() {
            surface.start_tagged(ContentTag::Artifact(Artifact::default()));
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                width: 0.6,
                ..Stroke::default()
            }));
            for rect in &page_ops.borders {
                let mut path = PathBuilder::new();
                path.push_rect(*rect);
                if let Some(path) = path.finish() {
                    surface.draw_path(&path);
                }
            }
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
            surface.end_tagged();
        }
        if !page_ops.repeated.is_empty() {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::PaginationOther,
            )));
            for op in &page_ops.repeated {
                draw_text(&mut surface, &font, metrics, op);
            }
            surface.end_tagged();
        }
        for op in &page_ops.texts {
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            draw_text(&mut surface, &font, metrics, op);
            surface.end_tagged();
            if let Some(slot) = ids.get_mut(op.leaf) {
                *slot = Some(id);
            }
        }
        let folio = format!("— {} —", pi + 1);
        let w: f32 = folio
            .chars()
            .map(|c| metrics.glyph(c).map_or(1.0, |(_, a)| a) * FOLIO_SIZE)
            .sum();
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::PageNumber,
        )));
        let op = TextOp {
            leaf: usize::MAX,
            text: folio,
            x: LEFT + (TEXT_W - w) / 2.0,
            baseline: TOP + TEXT_H + 8.0 * MM,
            size: FOLIO_SIZE,
            heavy: false,
        };
        draw_text(&mut surface, &font, metrics, &op);
        surface.end_tagged();
        surface.finish();
        page.finish();
    }

    let group_of = |kind: TagKind, leaves: &[usize]| {
        let mut g = TagGroup::new(kind);
        for leaf in leaves {
            if let Some(Some(id)) = ids.get(*leaf) {
                g.push(*id);
            }
        }
        g
    };
    let mut tree = TagTree::new().with_lang(Some("zh-CN".into()));
    for node in &layout.nodes {
        match node {
            Node::Heading(level, text, leaves) => {
                let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
                tree.push(group_of(Tag::Hn(level, Some(text.clone())).into(), leaves));
            }
            Node::Paragraph(leaves) => tree.push(group_of(Tag::P.into(), leaves)),
            Node::Table { head, body } => {
                let mut table = TagGroup::new(Tag::Table);
                for (part, rows) in [(TagKind::from(Tag::THead), head), (Tag::TBody.into(), body)] {
                    if rows.is_empty() {
                        continue;
                    }
                    let mut section = TagGroup::new(part);
                    for row in rows {
                        let mut tr = TagGroup::new(Tag::TR);
                        for cell in row {
                            let rows = NonZeroU32::new(cell.rowspan).filter(|n| n.get() > 1);
                            let cols = NonZeroU32::new(cell.colspan).filter(|n| n.get() > 1);
                            let kind: TagKind = match cell.scope {
                                Some(scope) => {
                                    let mut th = Tag::TH(match scope {
                                        Scope::Col | Scope::ColGroup => TableHeaderScope::Column,
                                        Scope::Row | Scope::RowGroup => TableHeaderScope::Row,
                                    });
                                    th.set_row_span(rows);
                                    th.set_col_span(cols);
                                    th.into()
                                }
                                None => {
                                    let mut td = Tag::TD;
                                    td.set_row_span(rows);
                                    td.set_col_span(cols);
                                    td.into()
                                }
                            };
                            tr.push(group_of(kind, &cell.leaves));
                        }
                        section.push(tr);
                    }
                    table.push(section);
                }
                tree.push(table);
            }
        }
    }
    document.set_tag_tree(tree);
    crate::pdf::finish(document, title.to_owned(), author.to_owned())
}

fn draw_text(
    surface: &mut Surface<'_>,
    font: &krilla::text::Font,
    metrics: &Metrics<'_>,
    op: &TextOp,
) {
    let glyphs = crate::pdf::glyphs(metrics, &op.text, |_, adv| adv);
    crate::pdf::draw_run(
        surface,
        font,
        &glyphs,
        &op.text,
        Point::from_xy(op.x, op.baseline),
        op.size,
        op.heavy,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::test_fonts as fonts;
    use gongkai_domain::report::{ApplicationsTable, HandEntries};

    #[test]
    fn tables_stay_inside_the_text_block_and_merged_rows_on_one_page() {
        let fonts = fonts();
        let metrics = fonts.metrics().unwrap_or_else(|e| panic!("{e}"));
        let mut entries = HandEntries::default();
        entries.prose.overview = "本年度，县政府坚持以公开为常态、不公开为例外。".repeat(40);
        let doc = Document::build(&ApplicationsTable::default(), &entries);
        let layout = lay_out(
            "乌恰县人民政府2025年政府信息公开工作年度报告",
            &doc,
            &metrics,
        );
        assert!(layout.pages.len() >= 2);
        for page in &layout.pages {
            for b in &page.borders {
                assert!(
                    b.left() >= LEFT - 0.5 && b.right() <= LEFT + TEXT_W + 0.5,
                    "{b:?}"
                );
                assert!(
                    b.top() >= TOP - 0.5 && b.bottom() <= TOP + TEXT_H + 0.5,
                    "{b:?}"
                );
            }
        }
        // The rows 三、本年度办理结果 spans, （一） to （七）, are drawn on one page.
        let page_of = |label: &str| {
            layout
                .pages
                .iter()
                .position(|p| p.texts.iter().any(|t| t.text.starts_with(label)))
        };
        assert!(page_of("（一）予以公开").is_some());
        assert_eq!(page_of("（一）予以公开"), page_of("（七）总计"));
    }

    #[test]
    fn a_table_that_breaks_across_pages_repeats_its_header_as_an_artifact() {
        let fonts = fonts();
        let metrics = fonts.metrics().unwrap_or_else(|e| panic!("{e}"));
        let title = "乌恰县人民政府2025年政府信息公开工作年度报告";
        let page_of = |layout: &Layout, label: &str| {
            layout
                .pages
                .iter()
                .position(|p| p.texts.iter().any(|t| t.text.starts_with(label)))
        };
        // An overview long enough that section 三 starts on one page and ends on the next.
        let mut found = None;
        for n in 0..200 {
            let mut entries = HandEntries::default();
            entries.prose.overview = "本年度，县政府坚持以公开为常态、不公开为例外。".repeat(n);
            let doc = Document::build(&ApplicationsTable::default(), &entries);
            let layout = lay_out(title, &doc, &metrics);
            let first = page_of(&layout, "一、本年新收政府信息公开申请数量");
            let last = page_of(&layout, "四、结转下年度继续办理");
            if let (Some(a), Some(b)) = (first, last)
                && b > a
            {
                found = Some((doc, layout, a, b));
                break;
            }
        }
        let Some((doc, layout, a, b)) = found else {
            panic!("no overview length breaks section 三 across pages");
        };
        let header = ["申请人情况", "自然人", "总计"];
        for label in header {
            // Content once, on the page the table starts on; drawn again on the next page as
            // a pagination artifact, which is not in the tag tree.
            let tagged: Vec<usize> = layout
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.texts.iter().any(|t| t.text == label))
                .map(|(i, _)| i)
                .collect();
            assert!(tagged.contains(&a), "{label}: {tagged:?}");
            assert!(
                layout.pages[b].repeated.iter().any(|t| t.text == label),
                "{label} not repeated on page {b}"
            );
        }
        assert!(
            layout.pages[b]
                .repeated
                .iter()
                .any(|t| t.text.starts_with("（本列数据"))
        );
        assert!(layout.pages[a].repeated.is_empty());
        // The header rows sit at the top of the continued page, above the rows that follow.
        let header_bottom = layout.pages[b]
            .repeated
            .iter()
            .map(|t| t.baseline)
            .fold(0.0f32, f32::max);
        let continued = layout.pages[b]
            .texts
            .iter()
            .filter(|t| t.text.starts_with("四、结转下年度继续办理"))
            .map(|t| t.baseline)
            .fold(f32::MAX, f32::min);
        assert!(header_bottom < continued);
        // The PDF's text, as the extractor that screens attachments reads it, has the header on
        // both pages.
        let pdf = render_report_pdf(title, "乌恰县人民政府", &doc, &fonts)
            .unwrap_or_else(|e| panic!("{e}"));
        let text = gongkai_content::extract_text(gongkai_content::FileKind::Pdf, &pdf)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text.matches("申请人情况").count(), 2, "{text}");
        assert_eq!(text.matches("四、结转下年度继续办理").count(), 1);
    }

    #[test]
    fn characters_the_font_lacks_are_refused() {
        let mut entries = HandEntries::default();
        entries.prose.problems = "😀".into();
        let doc = Document::build(&ApplicationsTable::default(), &entries);
        assert!(matches!(
            render_report_pdf("年度报告", "乌恰县人民政府", &doc, &fonts()),
            Err(ExportError::MissingGlyphs { .. })
        ));
    }
}
