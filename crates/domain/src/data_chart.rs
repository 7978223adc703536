//! A chart of an open-data table (issue 17, point 7): a numeric column summed over the values of
//! a date or category column, drawn as a bar or line chart in hand-written SVG, bounded to
//! [`MAX_POINTS`] values. Pure: the caller reads the rows; nothing here reads a clock or a file.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The most x values a chart shows; the rest are left out and counted.
pub const MAX_POINTS: usize = 60;

/// The chart's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartKind {
    /// 柱状图.
    #[default]
    Bar,
    /// 折线图.
    Line,
}

impl ChartKind {
    /// `bar` or `line`; anything else is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "bar" => Some(Self::Bar),
            "line" => Some(Self::Line),
            _ => None,
        }
    }

    /// Its code in an address.
    pub fn code(self) -> &'static str {
        match self {
            Self::Bar => "bar",
            Self::Line => "line",
        }
    }

    /// Its Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Bar => "柱状图",
            Self::Line => "折线图",
        }
    }
}

/// One x value and the sum of y over the rows holding it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The x value as written in the table.
    pub x: String,
    /// The sum of the y values of its rows.
    pub y: f64,
}

/// The rows summed by x value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summed {
    /// The first [`MAX_POINTS`] x values (in date order for a date column, else in the order
    /// they first appear) with their sums.
    pub points: Vec<Point>,
    /// How many further x values were left out.
    pub left_out: usize,
    /// Rows read.
    pub rows: usize,
    /// Rows passed over for an empty x or y.
    pub skipped: usize,
}

/// Sums `rows` (`(x, y)`, `None` for an empty cell) by x; `sorted` puts the x values in text
/// order (ISO dates sort as dates), else they keep the order they first appear in. At most
/// `max` x values are kept (and at most [`MAX_POINTS`]).
pub fn sum_by_x(
    rows: impl IntoIterator<Item = (Option<String>, Option<f64>)>,
    sorted: bool,
    max: usize,
) -> Summed {
    let mut order: Vec<String> = Vec::new();
    let mut sums: HashMap<String, f64> = HashMap::new();
    let mut out = Summed::default();
    for (x, y) in rows {
        out.rows += 1;
        let (Some(x), Some(y)) = (x, y) else {
            out.skipped += 1;
            continue;
        };
        let x = x.trim().to_owned();
        if x.is_empty() || !y.is_finite() {
            out.skipped += 1;
            continue;
        }
        match sums.get_mut(&x) {
            Some(sum) => *sum += y,
            None => {
                sums.insert(x.clone(), y);
                order.push(x);
            }
        }
    }
    if sorted {
        order.sort();
    }
    let max = max.min(MAX_POINTS);
    out.left_out = order.len().saturating_sub(max);
    out.points = order
        .into_iter()
        .take(max)
        .map(|x| {
            let y = sums.get(&x).copied().unwrap_or_default();
            Point { x, y }
        })
        .collect();
    out
}

/// What a chart shows.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// Bar or line.
    pub kind: ChartKind,
    /// The chart's title (its `<title>`).
    pub title: &'a str,
    /// The x column's name.
    pub x_label: &'a str,
    /// The y column's name.
    pub y_label: &'a str,
    /// The points, in order.
    pub points: &'a [Point],
    /// A prefix for the ids of the title and description elements.
    pub id: &'a str,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 110.0;
const INK: &str = "#1f2933";
const FILL: &str = "#1d5fa6";
const GRID: &str = "#c8ced6";

/// Text escaped for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A number as the page writes it: whole numbers without decimals, others with up to two.
pub fn number(y: f64) -> String {
    if y.fract() == 0.0 && y.abs() < 1e15 {
        format!("{y:.0}")
    } else {
        let s = format!("{y:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// An axis tick: 万 and 亿 for large values.
fn tick_label(y: f64) -> String {
    if y.abs() >= 1e8 {
        format!("{}亿", number(y / 1e8))
    } else if y.abs() >= 1e4 {
        format!("{}万", number(y / 1e4))
    } else {
        number(y)
    }
}

/// A step of 1, 2 or 5 times a power of ten that splits `range` into about five.
fn nice_step(range: f64) -> f64 {
    if range <= 0.0 || !range.is_finite() {
        return 1.0;
    }
    let raw = range / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let unit = raw / power;
    let nice = if unit <= 1.0 {
        1.0
    } else if unit <= 2.0 {
        2.0
    } else if unit <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// The first `max` characters of `text`, with an ellipsis when it is longer.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// A spoken summary: what is plotted against what, how many points, the highest and lowest.
pub fn description(c: &Chart<'_>) -> String {
    let mut text = format!(
        "{}：横轴为“{}”，纵轴为“{}”（按横轴取值合计），共 {} 个数据点",
        c.kind.label(),
        c.x_label,
        c.y_label,
        c.points.len()
    );
    let max = c.points.iter().max_by(|a, b| a.y.total_cmp(&b.y));
    let min = c.points.iter().min_by(|a, b| a.y.total_cmp(&b.y));
    if let (Some(max), Some(min)) = (max, min) {
        let _ = write!(
            text,
            "；最高为“{}”的 {}，最低为“{}”的 {}",
            max.x,
            number(max.y),
            min.x,
            number(min.y)
        );
    }
    text.push('。');
    text
}

/// The chart as an SVG element (`role="img"`, named by its `<title>` and described by its
/// `<desc>`), with axes, gridlines, tick labels and both axis names; at most [`MAX_POINTS`]
/// points are drawn.
pub fn svg(c: &Chart<'_>) -> String {
    let points = &c.points[..c.points.len().min(MAX_POINTS)];
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let lo = points.iter().map(|p| p.y).fold(0.0_f64, f64::min);
    let hi = points.iter().map(|p| p.y).fold(0.0_f64, f64::max);
    let step = nice_step(hi - lo);
    let lo = (lo / step).floor() * step;
    let hi = ((hi / step).ceil() * step).max(lo + step);
    let y_of = |v: f64| TOP + plot_h * (hi - v) / (hi - lo);
    let n = points.len().max(1) as f64;
    let slot = plot_w / n;
    let x_of = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let (t, d) = (format!("{}-title", c.id), format!("{}-desc", c.id));
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"img\" aria-labelledby=\"{t} {d}\" class=\"data-chart\">\
         <title id=\"{t}\">{}</title><desc id=\"{d}\">{}</desc>",
        xml(c.title),
        xml(&description(c))
    );
    // Gridlines and the y axis's ticks.
    let ticks = (((hi - lo) / step).round() as usize).min(20);
    for k in 0..=ticks {
        let v = lo + step * k as f64;
        let y = y_of(v);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\" stroke-width=\"1\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"{INK}\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            xml(&tick_label(v))
        );
    }
    // Axes.
    let zero = y_of(0.0);
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\" stroke=\"{INK}\" stroke-width=\"1.5\"/>\
         <line x1=\"{LEFT}\" y1=\"{zero:.1}\" x2=\"{:.1}\" y2=\"{zero:.1}\" stroke=\"{INK}\" stroke-width=\"1.5\"/>",
        TOP + plot_h,
        WIDTH - RIGHT
    );
    match c.kind {
        ChartKind::Bar => {
            let w = (slot * 0.7).max(1.0);
            for (i, p) in points.iter().enumerate() {
                let (y0, y1) = (y_of(p.y.max(0.0)), y_of(p.y.min(0.0)));
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{y0:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{FILL}\"/>",
                    x_of(i) - w / 2.0,
                    (y1 - y0).max(0.5)
                );
            }
        }
        ChartKind::Line => {
            let line: Vec<String> = points
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{:.1},{:.1}", x_of(i), y_of(p.y)))
                .collect();
            let _ = write!(
                out,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{FILL}\" stroke-width=\"2\"/>",
                line.join(" ")
            );
            for (i, p) in points.iter().enumerate() {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{FILL}\"/>",
                    x_of(i),
                    y_of(p.y)
                );
            }
        }
    }
    // The x values: every one when there are few, else about fifteen of them.
    let every = points.len().div_ceil(15).max(1);
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let (x, y) = (x_of(i), TOP + plot_h + 14.0);
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"{INK}\" \
             transform=\"rotate(-40 {x:.1} {y:.1})\">{}</text>",
            xml(&cut(&p.x, 10))
        );
    }
    // The axis names.
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"{INK}\">{}</text>\
         <text x=\"16\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"{INK}\" \
         transform=\"rotate(-90 16 {:.1})\">{}（合计）</text></svg>",
        LEFT + plot_w / 2.0,
        HEIGHT - 8.0,
        xml(c.x_label),
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        xml(c.y_label)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, f64)]) -> Vec<(Option<String>, Option<f64>)> {
        pairs
            .iter()
            .map(|(x, y)| (Some((*x).to_owned()), Some(*y)))
            .collect()
    }

    #[test]
    fn rows_are_summed_by_x_in_first_appearance_or_date_order() {
        let mut input = rows(&[("乙镇", 2.0), ("甲镇", 1.5), ("乙镇", 3.0)]);
        input.push((None, Some(1.0)));
        input.push((Some("丙镇".into()), None));
        let s = sum_by_x(input.clone(), false, MAX_POINTS);
        assert_eq!(
            s.points,
            vec![
                Point {
                    x: "乙镇".into(), y: 5.0
                },
                Point {
                    x: "甲镇".into(), y: 1.5
                }
            ]
        );
        assert_eq!((s.rows, s.skipped, s.left_out), (5, 2, 0));
        let dates = sum_by_x(
            rows(&[("2024-03-01", 1.0), ("2024-01-01", 2.0)]),
            true,
            MAX_POINTS,
        );
        assert_eq!(dates.points[0].x, "2024-01-01");
    }

    #[test]
    fn at_most_sixty_x_values_are_kept_and_the_rest_counted() {
        let many: Vec<(String, f64)> = (0..100).map(|i| (format!("项{i:03}"), 1.0)).collect();
        let s = sum_by_x(
            many.iter().map(|(x, y)| (Some(x.clone()), Some(*y))),
            false,
            1000,
        );
        assert_eq!(s.points.len(), MAX_POINTS);
        assert_eq!(s.left_out, 40);
    }

    #[test]
    fn numbers_and_ticks_read_naturally() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.126), "0.13");
        assert_eq!(tick_label(25_000.0), "2.5万");
        assert_eq!(tick_label(300_000_000.0), "3亿");
        assert!((nice_step(100.0) - 20.0).abs() < 1e-9);
        assert!((nice_step(7.0) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_svg_is_named_described_and_escaped() {
        let points = vec![
            Point {
                x: "<城关镇>".into(),
                y: 120.0,
            },
            Point {
                x: "东坝镇".into(),
                y: -20.5,
            },
            Point {
                x: "西河乡".into(),
                y: 87.0,
            },
        ];
        let chart = Chart {
            kind: ChartKind::Bar,
            title: "各乡镇低保人数 & 金额",
            x_label: "乡镇",
            y_label: "人数",
            points: &points,
            id: "c1",
        };
        let svg = svg(&chart);
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"c1-title c1-desc\""));
        assert!(svg.contains("<title id=\"c1-title\">各乡镇低保人数 &amp; 金额</title>"));
        assert!(svg.contains("&lt;城关镇&gt;"));
        assert!(!svg.contains("<城关镇>"));
        assert_eq!(svg.matches("<rect ").count(), 3);
        insta::assert_snapshot!("bar_chart", svg);
        let line = super::svg(&Chart {
            kind: ChartKind::Line,
            ..chart
        });
        assert_eq!(line.matches("<circle ").count(), 3);
        insta::assert_snapshot!("line_chart", line);
    }

    #[test]
    fn an_empty_chart_still_draws_its_axes() {
        let svg = svg(&Chart {
            kind: ChartKind::Line,
            title: "空",
            x_label: "x",
            y_label: "y",
            points: &[],
            id: "e",
        });
        assert!(svg.contains("共 0 个数据点。"));
        assert!(svg.ends_with("</svg>"));
    }
}
