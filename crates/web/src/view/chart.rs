//! A simple server-rendered status chart: one stacked bar (SVG, no script) with a legend, for
//! the public task and rectification pages. Each part has a label, a count and a fill colour;
//! the template draws `segments` in a `0 0 100 8` view box and reads `summary` aloud.

use minijinja::{Value, context};

/// The bar of `parts` (`(label, count, fill)`), each segment's `x` and `width` in percent of
/// the whole, and a spoken `summary` such as `推进中 3 项，已完成 1 项`.
pub fn stacked_bar(parts: &[(&str, usize, &str)]) -> Value {
    let total: usize = parts.iter().map(|p| p.1).sum();
    let mut x = 0.0_f64;
    let mut segments = Vec::new();
    for (label, count, fill) in parts {
        let width = if total == 0 {
            0.0
        } else {
            100.0 * (*count as f64) / (total as f64)
        };
        segments.push(context! {
            label => *label, count => *count, fill => *fill,
            x => format!("{x:.2}"), width => format!("{width:.2}"),
        });
        x += width;
    }
    let summary = parts
        .iter()
        .map(|(label, count, _)| format!("{label} {count} 项"))
        .collect::<Vec<_>>()
        .join("，");
    context! { total => total, segments => segments, summary => summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_share_the_whole_bar() {
        let bar = stacked_bar(&[("推进中", 3, "#c60"), ("已完成", 1, "#080")]);
        assert_eq!(
            bar.get_attr("total").ok().map(|v| v.to_string()),
            Some("4".into())
        );
        let summary = bar
            .get_attr("summary")
            .map(|v| v.to_string())
            .unwrap_or_default();
        assert_eq!(summary, "推进中 3 项，已完成 1 项");
        let second = bar
            .get_attr("segments")
            .and_then(|s| s.get_item(&Value::from(1)))
            .and_then(|s| s.get_attr("x"))
            .map(|v| v.to_string())
            .unwrap_or_default();
        assert_eq!(second, "75.00");
    }
}
