//! Facet counts (organisation, theme, kind, year, validity, content type) over the matching
//! documents, read from columnar fast fields: one array increment per document and facet.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One value of a facet and how many matching documents carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    /// The value to filter on (organisation code, theme, kind, year, …).
    pub value: String,
    /// What to show: the organisation's name for `org`, otherwise the value itself.
    pub label: String,
    /// Number of matching documents with this value.
    pub count: u64,
}

/// Facet counts over all documents that match a query (not only the page shown).
///
/// Each list holds every value present, most frequent first (years newest first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    /// 发布机构, by organisation code, labelled with the name.
    pub org: Vec<FacetCount>,
    /// 主题分类, top level only.
    pub theme: Vec<FacetCount>,
    /// 体裁分类.
    pub kind: Vec<FacetCount>,
    /// Year of publication, newest first.
    pub year: Vec<FacetCount>,
    /// 有效性.
    pub validity: Vec<FacetCount>,
    /// Content type (`record`, …).
    pub content_type: Vec<FacetCount>,
}

/// Separates the organisation code from its name inside the `org` facet column, so that one
/// column gives both the value to filter on and the label to show.
pub(crate) const ORG_SEPARATOR: char = '\u{1F}';

/// The fast string columns counted, in the order of [`Facets`]' fields.
pub(crate) const FACET_COLUMNS: [&str; 6] = [
    "facet_org",
    "facet_theme",
    "facet_kind",
    "facet_year",
    "facet_validity",
    "facet_type",
];

type Counts = [HashMap<String, u64>; 6];

/// Collector producing [`Facets`].
pub(crate) struct FacetCollector;

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let fast = segment.fast_fields();
        let mut columns = Vec::with_capacity(FACET_COLUMNS.len());
        for name in FACET_COLUMNS {
            let column = fast.str(name)?;
            let counts = vec![0u32; column.as_ref().map_or(0, |c| c.num_terms())];
            let ords = column.as_ref().map(|c| c.ords().clone());
            columns.push(SegmentColumn { column, ords, counts });
        }
        Ok(SegmentFacets {
            columns,
            buffer: Vec::with_capacity(BLOCK),
            values: vec![None; BLOCK],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<Counts>) -> tantivy::Result<Facets> {
        let mut total: Counts = Default::default();
        for fruit in segment_fruits {
            for (into, from) in total.iter_mut().zip(fruit) {
                for (value, n) in from {
                    *into.entry(value).or_default() += n;
                }
            }
        }
        let [org, theme, kind, year, validity, content_type] = total;
        Ok(Facets {
            org: sorted(org, |v| match v.split_once(ORG_SEPARATOR) {
                Some((code, name)) => (code.to_owned(), name.to_owned()),
                None => (v.to_owned(), v.to_owned()),
            }),
            theme: sorted(theme, plain),
            kind: sorted(kind, plain),
            year: {
                let mut y = sorted(year, plain);
                y.sort_by(|a, b| b.value.cmp(&a.value));
                y
            },
            validity: sorted(validity, plain),
            content_type: sorted(content_type, plain),
        })
    }
}

fn plain(v: &str) -> (String, String) {
    (v.to_owned(), v.to_owned())
}

fn sorted(
    counts: HashMap<String, u64>,
    split: impl Fn(&str) -> (String, String),
) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, count)| {
            let (value, label) = split(&v);
            FacetCount { value, label, count }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

struct SegmentColumn {
    column: Option<StrColumn>,
    ords: Option<Column<u64>>,
    counts: Vec<u32>,
}

/// Documents whose facet values are read together (batched column reads are much cheaper
/// than one read per document and column).
const BLOCK: usize = 64;

/// Per-segment part of [`FacetCollector`]: counts by term ordinal, resolved to strings once.
pub(crate) struct SegmentFacets {
    columns: Vec<SegmentColumn>,
    buffer: Vec<DocId>,
    values: Vec<Option<u64>>,
}

impl SegmentFacets {
    fn count_block(&mut self, docs: &[DocId]) {
        let values = &mut self.values[..docs.len()];
        for c in &mut self.columns {
            let Some(ords) = &c.ords else { continue };
            values.fill(None);
            ords.first_vals(docs, values);
            for ord in values.iter().flatten() {
                if let Some(slot) = c.counts.get_mut(*ord as usize) {
                    *slot += 1;
                }
            }
        }
    }

    fn flush(&mut self) {
        let docs = std::mem::take(&mut self.buffer);
        self.count_block(&docs);
        self.buffer = docs;
        self.buffer.clear();
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.buffer.push(doc);
        if self.buffer.len() == BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for chunk in docs.chunks(BLOCK) {
            self.count_block(chunk);
        }
    }

    fn harvest(mut self) -> Counts {
        self.flush();
        let mut out: Counts = Default::default();
        for (into, c) in out.iter_mut().zip(self.columns) {
            let Some(column) = c.column else {
                continue;
            };
            let mut buf = String::new();
            for (ord, &n) in c.counts.iter().enumerate() {
                if n == 0 {
                    continue;
                }
                buf.clear();
                if column.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                    *into.entry(buf.clone()).or_default() += u64::from(n);
                }
            }
        }
        out
    }
}
