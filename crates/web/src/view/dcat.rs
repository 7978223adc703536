//! DCAT-AP descriptions of the open-data catalogue, as JSON-LD and as Turtle, in the shapes
//! CKAN's `ckanext-dcat` gives (`dcat:Catalog`, `dcat:Dataset`, `dcat:Distribution`, a page of
//! the catalogue as a `hydra:PagedCollection`). Both serialisations are written from one small
//! graph ([`Node`]), so they always say the same; the Turtle is written by hand, its strings and
//! IRIs escaped here. Pure: the caller reads the datasets and gives the absolute base URL.

use std::fmt::Write as _;

use gongkai_domain::dataset::{self as rules, Frequency, OpenTheme, UploadFormat};
use gongkai_domain::urls;
use gongkai_store::datasets::Dataset;
use serde_json::{Map, Value, json};

/// The prefixes both serialisations use.
const PREFIXES: &[(&str, &str)] = &[
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// A value of a property.
#[derive(Debug, Clone)]
pub enum Obj {
    /// An IRI.
    Iri(String),
    /// A plain string.
    Lit(String),
    /// A typed literal: the lexical value and its datatype as a prefixed name (`xsd:date`).
    Typed(String, &'static str),
    /// A node described in place (named or blank).
    Node(Box<Node>),
}

/// A subject with its types and properties (a blank node when it has no IRI).
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Its IRI; `None` for a blank node.
    pub iri: Option<String>,
    /// Its `rdf:type`s as prefixed names.
    pub types: Vec<&'static str>,
    /// Its properties as `(prefixed name, value)`, a property repeated for several values.
    pub props: Vec<(&'static str, Obj)>,
}

impl Node {
    fn new(iri: Option<String>, kind: &'static str) -> Self {
        Self {
            iri,
            types: vec![kind],
            props: Vec::new(),
        }
    }

    fn add(&mut self, property: &'static str, value: Obj) -> &mut Self {
        self.props.push((property, value));
        self
    }

    /// Adds a plain string unless it is empty.
    fn text(&mut self, property: &'static str, value: &str) -> &mut Self {
        if !value.trim().is_empty() {
            self.add(property, Obj::Lit(value.to_owned()));
        }
        self
    }
}

/// The EU frequency vocabulary's IRI of an update frequency (as `ckanext-dcat` maps them).
fn frequency_iri(f: Frequency) -> String {
    let code = match f {
        Frequency::Realtime => "UPDATE_CONT",
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Quarterly => "QUARTERLY",
        Frequency::HalfYearly => "ANNUAL_2",
        Frequency::Yearly => "ANNUAL",
        Frequency::Irregular => "IRREG",
        Frequency::Never => "NEVER",
    };
    format!("http://publications.europa.eu/resource/authority/frequency/{code}")
}

/// The licence of `d` as a `dct:LicenseDocument` (its published IRI when it has one).
fn licence(d: &Dataset) -> Option<Obj> {
    let l = rules::licence(&d.license_id)?;
    let mut node = Node::new(
        (!l.url.is_empty()).then(|| l.url.to_owned()),
        "dct:LicenseDocument",
    );
    node.text("dct:title", l.title).text("dct:identifier", l.id);
    Some(Obj::Node(Box::new(node)))
}

/// A dataset's page, the IRI naming it.
pub fn dataset_iri(base: &str, d: &Dataset) -> String {
    format!("{base}{}", urls::dataset(&d.name))
}

/// The `dcat:Dataset` node of a published dataset `d`, with its distributions; download
/// addresses only for an unconditionally open one (the others are downloaded elsewhere or not
/// at all).
pub fn dataset(base: &str, d: &Dataset) -> Node {
    let page = dataset_iri(base, d);
    let mut n = Node::new(Some(page.clone()), "dcat:Dataset");
    n.text("dct:identifier", &d.uuid)
        .text("dct:title", &d.title)
        .text("dct:description", &d.notes)
        .add("dcat:landingPage", Obj::Iri(page.clone()));
    let mut publisher = Node::new(None, "foaf:Organization");
    publisher.text("foaf:name", &d.org_name);
    n.add("dct:publisher", Obj::Node(Box::new(publisher)));
    if let Some(l) = licence(d) {
        n.add("dct:license", l);
    }
    for tag in &d.tags {
        n.text("dcat:keyword", tag);
    }
    for theme in d.groups.iter().filter_map(|g| OpenTheme::parse(g).ok()) {
        let mut t = Node::new(
            Some(format!("{base}/data/?group={}", theme.code())),
            "skos:Concept",
        );
        t.text("skos:prefLabel", theme.label());
        n.add("dcat:theme", Obj::Node(Box::new(t)));
    }
    if d.temporal_start.is_some() || d.temporal_end.is_some() {
        let mut t = Node::new(None, "dct:PeriodOfTime");
        if let Some(s) = d.temporal_start {
            t.add("dcat:startDate", Obj::Typed(s.to_string(), "xsd:date"));
        }
        if let Some(e) = d.temporal_end {
            t.add("dcat:endDate", Obj::Typed(e.to_string(), "xsd:date"));
        }
        n.add("dct:temporal", Obj::Node(Box::new(t)));
    }
    if !d.spatial.trim().is_empty() {
        let mut s = Node::new(None, "dct:Location");
        s.text("skos:prefLabel", &d.spatial);
        n.add("dct:spatial", Obj::Node(Box::new(s)));
    }
    if !d.contact_name.trim().is_empty() || !d.contact.trim().is_empty() {
        let mut c = Node::new(None, "vcard:Organization");
        c.text("vcard:fn", &d.contact_name);
        let contact = d.contact.trim();
        if contact.contains('@') {
            c.add("vcard:hasEmail", Obj::Iri(format!("mailto:{contact}")));
        } else {
            c.text("vcard:hasTelephone", contact);
        }
        n.add("dcat:contactPoint", Obj::Node(Box::new(c)));
    }
    n.add(
        "dct:accrualPeriodicity",
        Obj::Iri(frequency_iri(d.frequency)),
    );
    if let Some(p) = d.published_at {
        n.add("dct:issued", Obj::Typed(p.to_rfc3339(), "xsd:dateTime"));
    }
    n.add(
        "dct:modified",
        Obj::Typed(d.updated_at.to_rfc3339(), "xsd:dateTime"),
    );
    n.text("owl:versionInfo", &d.version);
    n.text("dct:accessRights", d.openness.label());
    for r in &d.resources {
        let mut dist = Node::new(
            Some(format!("{page}/resources/{}", r.uuid)),
            "dcat:Distribution",
        );
        dist.text("dct:identifier", &r.uuid)
            .text("dct:title", &r.name)
            .text("dct:description", &r.description)
            .text("dct:format", &r.format);
        let public = d.public_resource(r);
        if let Some(link) = public.link {
            dist.add("dcat:accessURL", Obj::Iri(link.to_owned()));
        } else {
            dist.add("dcat:accessURL", Obj::Iri(page.clone()));
            if r.sha256.is_some()
                && let Some(download) = &public.download
            {
                dist.add("dcat:downloadURL", Obj::Iri(format!("{base}{download}")));
            }
        }
        if r.sha256.is_some()
            && let Ok(format) = UploadFormat::parse(&r.format)
        {
            dist.add(
                "dcat:mediaType",
                Obj::Iri(format!(
                    "http://www.iana.org/assignments/media-types/{}",
                    format.mime().split(';').next().unwrap_or_default().trim()
                )),
            );
        }
        if let Some(size) = r.size {
            dist.add(
                "dcat:byteSize",
                Obj::Typed(size.to_string(), "xsd:nonNegativeInteger"),
            );
        }
        if let Some(sha) = public.sha256 {
            let mut sum = Node::new(None, "spdx:Checksum");
            sum.add(
                "spdx:algorithm",
                Obj::Iri("http://spdx.org/rdf/terms#checksumAlgorithm_sha256".into()),
            )
            .add(
                "spdx:checksumValue",
                Obj::Typed(sha.to_owned(), "xsd:hexBinary"),
            );
            dist.add("spdx:checksum", Obj::Node(Box::new(sum)));
        }
        dist.add(
            "dct:modified",
            Obj::Typed(r.last_modified.to_rfc3339(), "xsd:dateTime"),
        );
        if let Some(l) = licence(d) {
            dist.add("dct:license", l);
        }
        n.add("dcat:distribution", Obj::Node(Box::new(dist)));
    }
    n
}

/// One page of a site's catalogue.
#[derive(Debug, Clone)]
pub struct CataloguePage<'a> {
    /// The absolute base URL of the site (no trailing slash).
    pub base: &'a str,
    /// The site's name.
    pub site_name: &'a str,
    /// The address of this serialisation without the query (`/catalog.ttl`).
    pub path: &'a str,
    /// The page, from 1.
    pub page: i64,
    /// Datasets a page.
    pub per_page: i64,
    /// Every published dataset of the site.
    pub total: i64,
    /// This page's datasets.
    pub datasets: &'a [Dataset],
}

/// The nodes of a catalogue page: the `dcat:Catalog`, the `hydra:PagedCollection` with its
/// first, last, previous and next pages, and each dataset.
pub fn catalogue(p: &CataloguePage<'_>) -> Vec<Node> {
    let mut cat = Node::new(Some(format!("{}/data/", p.base)), "dcat:Catalog");
    cat.text("dct:title", &format!("{}开放数据目录", p.site_name))
        .text(
            "dct:description",
            &format!("{}政府数据开放目录（DCAT）", p.site_name),
        )
        .add("foaf:homepage", Obj::Iri(format!("{}/", p.base)))
        .add(
            "dct:language",
            Obj::Iri("http://publications.europa.eu/resource/authority/language/ZHO".into()),
        );
    let mut publisher = Node::new(None, "foaf:Organization");
    publisher.text("foaf:name", p.site_name);
    cat.add("dct:publisher", Obj::Node(Box::new(publisher)));
    let datasets: Vec<Node> = p.datasets.iter().map(|d| dataset(p.base, d)).collect();
    for d in &datasets {
        if let Some(iri) = &d.iri {
            cat.add("dcat:dataset", Obj::Iri(iri.clone()));
        }
    }
    let last = ((p.total + p.per_page - 1) / p.per_page).max(1);
    let page_url = |n: i64| format!("{}{}?page={n}", p.base, p.path);
    let mut paging = Node::new(Some(page_url(p.page)), "hydra:PagedCollection");
    paging
        .add(
            "hydra:totalItems",
            Obj::Typed(p.total.to_string(), "xsd:integer"),
        )
        .add(
            "hydra:itemsPerPage",
            Obj::Typed(p.per_page.to_string(), "xsd:integer"),
        )
        .add("hydra:firstPage", Obj::Lit(page_url(1)))
        .add("hydra:lastPage", Obj::Lit(page_url(last)));
    if p.page > 1 {
        paging.add(
            "hydra:previousPage",
            Obj::Lit(page_url((p.page - 1).min(last))),
        );
    }
    if p.page < last {
        paging.add("hydra:nextPage", Obj::Lit(page_url(p.page + 1)));
    }
    let mut nodes = vec![cat, paging];
    nodes.extend(datasets);
    nodes
}

/// The two serialisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON-LD (`.jsonld`).
    JsonLd,
    /// Turtle (`.ttl`).
    Turtle,
}

impl Syntax {
    /// The name before a `.jsonld` or `.ttl` suffix, and the syntax it asks for.
    pub fn split(name: &str) -> Option<(&str, Self)> {
        if let Some(stem) = name.strip_suffix(".jsonld") {
            Some((stem, Self::JsonLd))
        } else {
            name.strip_suffix(".ttl").map(|stem| (stem, Self::Turtle))
        }
    }

    /// The nodes written in this syntax, as an answer with its media type.
    pub fn respond(self, nodes: &[Node]) -> axum::response::Response {
        use axum::http::header::CONTENT_TYPE;
        use axum::response::IntoResponse;
        match self {
            Self::JsonLd => (
                [(CONTENT_TYPE, "application/ld+json")],
                to_json_ld(nodes).to_string(),
            )
                .into_response(),
            Self::Turtle => (
                [(CONTENT_TYPE, "text/turtle; charset=utf-8")],
                to_turtle(nodes),
            )
                .into_response(),
        }
    }
}

/// The nodes as a JSON-LD document (`@context` with the prefixes, `@graph` with the nodes).
pub fn to_json_ld(nodes: &[Node]) -> Value {
    let context: Map<String, Value> = PREFIXES
        .iter()
        .map(|(p, iri)| ((*p).to_owned(), Value::String((*iri).to_owned())))
        .collect();
    json!({
        "@context": context,
        "@graph": nodes.iter().map(node_json).collect::<Vec<_>>(),
    })
}

fn node_json(n: &Node) -> Value {
    let mut m = Map::new();
    if let Some(iri) = &n.iri {
        m.insert("@id".into(), Value::String(iri.clone()));
    }
    m.insert(
        "@type".into(),
        match n.types.as_slice() {
            [one] => Value::String((*one).to_owned()),
            many => many
                .iter()
                .map(|t| Value::String((*t).to_owned()))
                .collect(),
        },
    );
    for (property, value) in &n.props {
        let v = match value {
            Obj::Iri(iri) => json!({ "@id": iri }),
            Obj::Lit(s) => Value::String(s.clone()),
            Obj::Typed(s, t) => json!({ "@value": s, "@type": t }),
            Obj::Node(node) => node_json(node),
        };
        match m.get_mut(*property) {
            Some(Value::Array(list)) => list.push(v),
            Some(one) => *one = Value::Array(vec![one.take(), v]),
            None => {
                m.insert((*property).to_owned(), v);
            }
        }
    }
    Value::Object(m)
}

/// A Turtle string literal: `"…"` with `\`, `"`, and line and tab characters escaped (and the
/// other control characters as `\u`).
pub fn turtle_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Turtle IRI: `<…>` with the characters Turtle forbids there percent-encoded.
pub fn turtle_iri(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len() + 2);
    out.push('<');
    for c in iri.chars() {
        if c <= ' ' || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    out
}

/// The nodes as a Turtle document: each named node as its own statement (a named node met as a
/// value is written as its IRI and described once after), blank nodes in place as `[ … ]`.
pub fn to_turtle(nodes: &[Node]) -> String {
    let mut out = String::new();
    for (p, iri) in PREFIXES {
        let _ = writeln!(out, "@prefix {p}: {} .", turtle_iri(iri));
    }
    let mut queue: std::collections::VecDeque<&Node> = nodes.iter().collect();
    let mut written = std::collections::HashSet::new();
    while let Some(n) = queue.pop_front() {
        if let Some(iri) = &n.iri
            && !written.insert(iri.as_str())
        {
            continue;
        }
        out.push('\n');
        match &n.iri {
            Some(iri) => out.push_str(&turtle_iri(iri)),
            None => out.push_str("[]"),
        }
        let mut named = Vec::new();
        turtle_body(n, 1, &mut out, &mut named);
        out.push_str(" .\n");
        queue.extend(named);
    }
    out
}

/// ` a T ; p o ; …` of a node; the named nodes among its values are added to `named`.
fn turtle_body<'a>(n: &'a Node, depth: usize, out: &mut String, named: &mut Vec<&'a Node>) {
    let indent = "    ".repeat(depth);
    out.push_str(" a ");
    out.push_str(&n.types.join(", "));
    for (property, value) in &n.props {
        let _ = write!(out, " ;\n{indent}{property} ");
        match value {
            Obj::Iri(iri) => out.push_str(&turtle_iri(iri)),
            Obj::Lit(s) => out.push_str(&turtle_string(s)),
            Obj::Typed(s, t) => {
                out.push_str(&turtle_string(s));
                out.push_str("^^");
                out.push_str(t);
            }
            Obj::Node(node) => match &node.iri {
                Some(iri) => {
                    out.push_str(&turtle_iri(iri));
                    named.push(node);
                }
                None => {
                    out.push('[');
                    turtle_body(node, depth + 1, out, named);
                    out.push_str(" ]");
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turtle_strings_escape_quotes_newlines_and_backslashes() {
        assert_eq!(
            turtle_string("a \"b\"\nc\\d\te\r"),
            "\"a \\\"b\\\"\\nc\\\\d\\te\\r\""
        );
        assert_eq!(turtle_string("x\u{7}"), "\"x\\u0007\"");
        assert_eq!(turtle_string("县财政局"), "\"县财政局\"");
    }

    #[test]
    fn a_middle_page_links_first_last_previous_and_next() {
        let page = |n: i64| CataloguePage {
            base: "http://h",
            site_name: "乌恰县",
            path: "/catalog.ttl",
            page: n,
            per_page: 100,
            total: 250,
            datasets: &[],
        };
        let nodes = catalogue(&page(2));
        let doc = to_json_ld(&nodes);
        let paging = &doc["@graph"][1];
        assert_eq!(paging["@type"], "hydra:PagedCollection");
        assert_eq!(paging["@id"], "http://h/catalog.ttl?page=2");
        assert_eq!(paging["hydra:firstPage"], "http://h/catalog.ttl?page=1");
        assert_eq!(paging["hydra:lastPage"], "http://h/catalog.ttl?page=3");
        assert_eq!(paging["hydra:previousPage"], "http://h/catalog.ttl?page=1");
        assert_eq!(paging["hydra:nextPage"], "http://h/catalog.ttl?page=3");
        assert_eq!(paging["hydra:totalItems"]["@value"], "250");
        let last = to_json_ld(&catalogue(&page(3)));
        assert!(last["@graph"][1].get("hydra:nextPage").is_none());
        let first = to_turtle(&catalogue(&page(1)));
        assert!(first.contains("hydra:nextPage \"http://h/catalog.ttl?page=2\""));
        assert!(!first.contains("hydra:previousPage"));
    }

    #[test]
    fn turtle_iris_percent_encode_what_turtle_forbids() {
        assert_eq!(
            turtle_iri("http://h/a b<c>\"{}|^`\\"),
            "<http://h/a%20b%3Cc%3E%22%7B%7D%7C%5E%60%5C>"
        );
        assert_eq!(turtle_iri("http://h/?page=2"), "<http://h/?page=2>");
    }
}
