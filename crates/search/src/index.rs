//! The index: schema, writing (upsert, delete, commit), reading (search, exact lookup).

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery,
    Query as TantivyQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Searcher,
    TantivyDocument, Term,
};

use crate::directory::IndexDirectory;
use crate::error::SearchError;
use crate::facets::{FacetCollector, Facets, ORG_SEPARATOR};
use crate::normalize::lookup_key;
use crate::query::{MAX_DEPTH, ParsedQuery, Query, Scope, Sort};
use crate::rank::RankedQuery;
use crate::snippet::{highlight_all, lead, snippet};
use crate::tokenize::{BIGRAM, GramTokenizer, JIEBA, JiebaTokenizer, UNIGRAM, jieba_spans};

/// Identifies this crate's index layout inside the commit payload; an index written by another
/// layout version is rebuilt (it is derived data) instead of being misread. Version 2: datasets
/// are indexed — an index of version 1 had moved past the datasets' feed rows without them, so it
/// is rebuilt once and refilled from the whole feed.
const LAYOUT: &str = "gongkai-search/2";
/// Weight of a jieba word found in the title relative to one found in the body.
const TITLE_BOOST: f32 = 3.0;
/// Score added per query term that the title contains exactly.
const TITLE_EXACT_BONUS: f32 = 4.0;
/// Most jieba words used for ranking.
const MAX_RANKING_WORDS: usize = 24;

/// A document to index. The search index is derived data: the store hands these over (at
/// publication, on revision, on a full reindex) and can rebuild the index from them at any time.
///
/// Text fields may be empty when the document has no such value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc {
    /// Unique key: the 索引号 of a record (e.g. `WQX001-2018-000060`), or another unique id for
    /// other content types. Upserting the same id replaces the document.
    pub id: String,
    /// 名称 (title). Searched, weighted for ranking, shown.
    pub title: String,
    /// Body as plain text (the web layer turns sanitised HTML into text first).
    pub body: String,
    /// Text extracted from the attachments, searched like the body.
    pub attachments_text: String,
    /// 文号, e.g. `国办发〔2019〕54号`: searched as text and looked up exactly.
    pub doc_number: String,
    /// 发布机构 code, e.g. `WQX001` (filter and facet value).
    pub org_code: String,
    /// 发布机构 name (facet label, shown in hits).
    pub org_name: String,
    /// 主题分类 as a `/`-separated path, e.g. `综合政务/政务公开`; the facet counts the top level.
    pub theme: String,
    /// 体裁分类 (公告, 通知, …).
    pub kind: String,
    /// 有效性 (有效, 失效, 废止).
    pub validity: String,
    /// 发布日期 as unix seconds (UTC); sorts "newest first".
    pub published_at: i64,
    /// Year for the year filter and facet (the Beijing-time year of publication).
    pub year: Option<i32>,
    /// Link to the document's page, e.g. `/xxgk/WQX001-2018-000060`.
    pub url: String,
    /// `record` for 主动公开 records; later content types add their own (`reply`, `dataset`, …).
    pub content_type: String,
    /// The site the document belongs to (its root organisation's id as text), so one
    /// deployment's sites search apart; empty for none.
    pub site: String,
}

/// One hit of a search.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The document's id (索引号 for records).
    pub id: String,
    /// The title as indexed.
    pub title: String,
    /// The title, HTML-escaped, with the matched text wrapped in `<mark>`.
    pub title_html: String,
    /// Link to the document's page.
    pub url: String,
    /// 发布机构 code.
    pub org_code: String,
    /// 发布机构 name.
    pub org_name: String,
    /// 文号 (may be empty).
    pub doc_number: String,
    /// Content type (`record`, …).
    pub content_type: String,
    /// 发布日期, unix seconds.
    pub published_at: i64,
    /// About 120 characters of the body (or attachment text) around the best match,
    /// HTML-escaped, matches wrapped in `<mark>`; the beginning of the body when the match is
    /// elsewhere (title, 文号).
    pub snippet_html: String,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
}

/// The answer to a [`Query`].
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    /// Exact number of matching documents (all pages).
    pub total: usize,
    /// The hits of the requested page.
    pub hits: Vec<Hit>,
    /// Facet counts over all matching documents (empty when the query asked for none).
    pub facets: Facets,
    /// How the query text was read (terms, exclusions, whether it was cut).
    pub parsed: ParsedQuery,
    /// The page returned (1-based, after clamping).
    pub page: usize,
    /// The page size used (after clamping).
    pub per_page: usize,
}

/// How [`SearchIndex::open`] found the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenState {
    /// There was no index: an empty one was created. Catch up from the start of the feed.
    Created,
    /// An index of this layout was opened; catch up from [`SearchIndex::last_applied_feed_id`].
    Opened,
    /// The index was unreadable or of another layout and was replaced by an empty one; the
    /// reason says why. Catch up from the start of the feed.
    Rebuilt(String),
}

/// Tuning of the writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Indexing threads (each builds its own segments).
    pub writer_threads: usize,
    /// Memory the writer may use before it flushes a segment, all threads together (bytes).
    /// At least 15 MB per thread.
    pub writer_memory: usize,
    /// Threads one query may use: segments are searched in parallel, so a query matching half
    /// the index finishes in a fraction of the time on an otherwise idle machine. 1 searches on
    /// the calling thread only.
    pub search_threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(4);
        Self {
            writer_threads: threads,
            writer_memory: 64_000_000 * threads,
            search_threads: threads,
        }
    }
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    keys: Field,
    title: Field,
    body: Field,
    /// Match fields over title, body, attachments and 文号: single characters (no positions) and
    /// bigrams with positions.
    grams: [Field; 2],
    /// The same over the title alone.
    title_grams: [Field; 2],
    doc_number: Field,
    org_code: Field,
    org_name: Field,
    theme: Field,
    kind: Field,
    validity: Field,
    year: Field,
    content_type: Field,
    site: Field,
    published_at: Field,
    url: Field,
    facet_org: Field,
    facet_theme: Field,
    facet_kind: Field,
    facet_year: Field,
    facet_validity: Field,
    facet_type: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let jieba = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored { o.set_stored() } else { o }
    };
    let gram = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_fieldnorms(false)
                .set_index_option(record),
        )
    };
    let bigrams = gram(BIGRAM, IndexRecordOption::WithFreqsAndPositions);
    let unigrams = gram(UNIGRAM, IndexRecordOption::Basic);
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        keys: b.add_text_field("keys", STRING),
        title: b.add_text_field("title", jieba(true)),
        body: b.add_text_field("body", jieba(true)),
        grams: [
            b.add_text_field("chars", unigrams.clone()),
            b.add_text_field("bigrams", bigrams.clone()),
        ],
        title_grams: [
            b.add_text_field("title_chars", unigrams),
            b.add_text_field("title_bigrams", bigrams),
        ],
        doc_number: b.add_text_field("doc_number", STORED),
        org_code: b.add_text_field("org_code", STRING | STORED),
        org_name: b.add_text_field("org_name", STORED),
        theme: b.add_facet_field("theme", FacetOptions::default()),
        kind: b.add_text_field("kind", STRING),
        validity: b.add_text_field("validity", STRING),
        year: b.add_text_field("year", STRING),
        content_type: b.add_text_field("content_type", STRING | STORED),
        site: b.add_text_field("site", STRING),
        published_at: b.add_i64_field("published_at", INDEXED | FAST | STORED),
        url: b.add_text_field("url", STORED),
        facet_org: b.add_text_field("facet_org", STRING | FAST),
        facet_theme: b.add_text_field("facet_theme", STRING | FAST),
        facet_kind: b.add_text_field("facet_kind", STRING | FAST),
        facet_year: b.add_text_field("facet_year", STRING | FAST),
        facet_validity: b.add_text_field("facet_validity", STRING | FAST),
        facet_type: b.add_text_field("facet_type", STRING | FAST),
    };
    (b.build(), fields)
}

/// Splits a theme path into its non-empty segments.
fn theme_segments(theme: &str) -> Vec<&str> {
    theme
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A full-text index of gongkai's public content.
///
/// Thread-safe: share it behind an `Arc`. Searches run concurrently on a consistent snapshot;
/// writes (`upsert`, `delete`, `commit`) are serialised by an internal lock and become visible
/// to searches when [`commit`](Self::commit) returns.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    /// Feed position to record with the next commit (initially the committed one).
    feed_id: Mutex<Option<i64>>,
    options: Options,
    state: OpenState,
    dir: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("state", &self.state)
            .field("docs", &self.doc_count())
            .finish_non_exhaustive()
    }
}

fn register_tokenizers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(BIGRAM, GramTokenizer::new(2));
    tokenizers.register(UNIGRAM, GramTokenizer::new(1));
    tokenizers.register(JIEBA, JiebaTokenizer);
}

fn payload(feed_id: Option<i64>) -> String {
    match feed_id {
        Some(n) => format!("{LAYOUT} feed={n}"),
        None => LAYOUT.to_owned(),
    }
}

/// Reads a commit payload: `None` when it is not this layout's, else the recorded feed id.
fn parse_payload(payload: Option<&str>) -> Option<Option<i64>> {
    let rest = payload?.strip_prefix(LAYOUT)?;
    if rest.is_empty() {
        return Some(None);
    }
    let n = rest.strip_prefix(" feed=")?.parse().ok()?;
    Some(Some(n))
}

impl SearchIndex {
    /// Opens the index in `dir` with default [`Options`], creating it when missing and
    /// replacing it when it is unreadable or of another layout (see [`OpenState`]).
    ///
    /// `dir` belongs to the index: it is created if needed, and when the index is rebuilt its
    /// content is deleted — but only if it holds a tantivy `meta.json`; a non-empty directory
    /// without one is refused.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, SearchError> {
        Self::open_with(dir, Options::default())
    }

    /// [`open`](Self::open) with explicit writer options (e.g. a larger memory budget for a
    /// full reindex).
    pub fn open_with(dir: impl AsRef<Path>, options: Options) -> Result<Self, SearchError> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| SearchError::directory(dir, e))?;
        let has_meta = dir.join("meta.json").exists();
        if !has_meta {
            let mut entries = std::fs::read_dir(dir).map_err(|e| SearchError::directory(dir, e))?;
            if entries.next().is_some() {
                return Err(SearchError::directory(
                    dir,
                    std::io::Error::other("目录非空且不是搜索索引，拒绝覆盖"),
                ));
            }
            let index = Self::create_in(dir)?;
            return Self::from_index(index, options, OpenState::Created, Some(dir));
        }
        let opened = IndexDirectory::open(dir)
            .map_err(tantivy::TantivyError::from)
            .and_then(Index::open);
        let reason = match opened {
            Ok(index) => {
                let (schema, _) = schema();
                let payload = index.load_metas().map(|m| m.payload);
                match payload {
                    Ok(p) if index.schema() == schema && parse_payload(p.as_deref()).is_some() => {
                        return Self::from_index(index, options, OpenState::Opened, Some(dir));
                    }
                    Ok(p) => format!("索引版本不符（{}）", p.unwrap_or_default()),
                    Err(e) => format!("索引元数据不可读：{e}"),
                }
            }
            Err(e) => format!("索引不可读：{e}"),
        };
        std::fs::remove_dir_all(dir).map_err(|e| SearchError::directory(dir, e))?;
        std::fs::create_dir_all(dir).map_err(|e| SearchError::directory(dir, e))?;
        let index = Self::create_in(dir)?;
        Self::from_index(index, options, OpenState::Rebuilt(reason), Some(dir))
    }

    /// An index held in memory only (tests, benchmarks, a throwaway node).
    pub fn in_memory() -> Result<Self, SearchError> {
        Self::in_memory_with(Options::default())
    }

    /// [`in_memory`](Self::in_memory) with explicit writer options.
    pub fn in_memory_with(options: Options) -> Result<Self, SearchError> {
        let (schema, _) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(IndexSettings::default())
            .create_in_ram()?;
        Self::from_index(index, options, OpenState::Created, None)
    }

    fn create_in(dir: &Path) -> Result<Index, SearchError> {
        let (schema, _) = schema();
        let directory = IndexDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        Ok(Index::create(directory, schema, IndexSettings::default())?)
    }

    fn from_index(
        mut index: Index,
        options: Options,
        state: OpenState,
        dir: Option<&Path>,
    ) -> Result<Self, SearchError> {
        register_tokenizers(&index);
        if options.search_threads > 1 {
            index.set_multithread_executor(options.search_threads)?;
        }
        let (_, fields) = schema();
        let committed = parse_payload(index.load_metas()?.payload.as_deref()).flatten();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = Self {
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            feed_id: Mutex::new(committed),
            options,
            state,
            dir: dir.map(Path::to_path_buf),
        };
        if this.state != OpenState::Opened {
            // Stamp the new index with the layout so a later open recognises it.
            this.commit()?;
        }
        Ok(this)
    }

    /// How the directory was found when the index was opened.
    #[must_use]
    pub fn open_state(&self) -> &OpenState {
        &self.state
    }

    /// The directory of the index (`None` in memory).
    #[must_use]
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>, SearchError> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        if guard.is_none() {
            let threads = self.options.writer_threads.max(1);
            let memory = self.options.writer_memory.max(15_000_000 * threads);
            *guard = Some(self.index.writer_with_num_threads(threads, memory)?);
        }
        Ok(guard)
    }

    fn to_document(&self, doc: &Doc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::new();
        d.add_text(f.id, &doc.id);
        d.add_text(f.keys, lookup_key(&doc.id));
        if !doc.doc_number.trim().is_empty() {
            d.add_text(f.keys, lookup_key(&doc.doc_number));
        }
        d.add_text(f.title, &doc.title);
        d.add_text(f.body, &doc.body);
        if !doc.attachments_text.is_empty() {
            d.add_text(f.body, &doc.attachments_text);
        }
        // Separate values: tantivy leaves a position gap between them, so no phrase spans two.
        for part in [
            &doc.title,
            &doc.body,
            &doc.attachments_text,
            &doc.doc_number,
        ] {
            if !part.is_empty() {
                for field in f.grams {
                    d.add_text(field, part);
                }
            }
        }
        for field in f.title_grams {
            d.add_text(field, &doc.title);
        }
        d.add_text(f.doc_number, &doc.doc_number);
        d.add_text(f.org_code, &doc.org_code);
        d.add_text(f.org_name, &doc.org_name);
        let segments = theme_segments(&doc.theme);
        if !segments.is_empty() {
            d.add_facet(f.theme, Facet::from_path(segments.iter().copied()));
        }
        d.add_text(f.kind, &doc.kind);
        d.add_text(f.validity, &doc.validity);
        let year = doc.year.map(|y| y.to_string()).unwrap_or_default();
        d.add_text(f.year, &year);
        d.add_text(f.content_type, &doc.content_type);
        d.add_text(f.site, &doc.site);
        d.add_i64(f.published_at, doc.published_at);
        d.add_text(f.url, &doc.url);
        d.add_text(
            f.facet_org,
            if doc.org_code.is_empty() {
                String::new()
            } else {
                format!("{}{ORG_SEPARATOR}{}", doc.org_code, doc.org_name)
            },
        );
        d.add_text(f.facet_theme, segments.first().copied().unwrap_or_default());
        d.add_text(f.facet_kind, &doc.kind);
        d.add_text(f.facet_year, &year);
        d.add_text(f.facet_validity, &doc.validity);
        d.add_text(f.facet_type, &doc.content_type);
        d
    }

    /// Adds documents, replacing any indexed document with the same id. Visible to searches
    /// after the next [`commit`](Self::commit). Returns how many documents were staged.
    pub fn upsert<'a>(
        &self,
        docs: impl IntoIterator<Item = &'a Doc>,
    ) -> Result<usize, SearchError> {
        let guard = self.writer()?;
        let writer = guard.as_ref().ok_or(SearchError::WriterPoisoned)?;
        let mut n = 0;
        for doc in docs {
            if doc.id.trim().is_empty() {
                return Err(SearchError::InvalidDocument("索引号为空".to_owned()));
            }
            writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
            writer.add_document(self.to_document(doc))?;
            n += 1;
        }
        Ok(n)
    }

    /// Removes the document with this id (withdrawn, deleted). Visible after the next commit.
    /// Removing an id that is not indexed is not an error.
    pub fn delete(&self, id: &str) -> Result<(), SearchError> {
        let guard = self.writer()?;
        let writer = guard.as_ref().ok_or(SearchError::WriterPoisoned)?;
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        Ok(())
    }

    /// Removes every document (before a full reindex into the same directory). Visible after
    /// the next commit; the recorded feed position is cleared with it.
    pub fn clear(&self) -> Result<(), SearchError> {
        let guard = self.writer()?;
        let writer = guard.as_ref().ok_or(SearchError::WriterPoisoned)?;
        writer.delete_all_documents()?;
        *self
            .feed_id
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)? = None;
        Ok(())
    }

    /// Records the change-feed position that the staged changes bring the index up to. It is
    /// written by the next [`commit`](Self::commit), atomically with those changes.
    pub fn set_last_applied_feed_id(&self, feed_id: i64) -> Result<(), SearchError> {
        *self
            .feed_id
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)? = Some(feed_id);
        Ok(())
    }

    /// The change-feed position recorded by the last commit (`None`: nothing applied yet, catch
    /// up from the beginning).
    pub fn last_applied_feed_id(&self) -> Result<Option<i64>, SearchError> {
        Ok(parse_payload(self.index.load_metas()?.payload.as_deref()).flatten())
    }

    /// Makes every staged change durable (fsync) and visible to searches, together with the feed
    /// position set by [`set_last_applied_feed_id`](Self::set_last_applied_feed_id).
    /// Typically a few milliseconds plus the time to flush what was staged.
    pub fn commit(&self) -> Result<(), SearchError> {
        let feed_id = *self
            .feed_id
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        {
            let mut guard = self.writer()?;
            let writer = guard.as_mut().ok_or(SearchError::WriterPoisoned)?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload(feed_id));
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Waits until background segment merges are done and releases the writer (its threads and
    /// memory); the next write opens a new one. Call after a bulk load for a compact index.
    pub fn wait_for_merges(&self) -> Result<(), SearchError> {
        // The lock is held until the old writer is gone: a write meanwhile waits for it instead
        // of failing to open a second writer on the index.
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads()?;
        }
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// Runs a few common searches (both sorts, with facets), which loads the jieba dictionary and
    /// opens what tantivy opens lazily on a segment's first query (each field's term dictionary
    /// and postings, the fast fields, the stored-text reader). Call it once on a blocking thread
    /// after opening, so that no visitor's search pays for it: at 100,000 records the p99 of the
    /// first 200 searches after a start fell from 31–36 ms to 18–20 ms.
    pub fn warm(&self) -> Result<(), SearchError> {
        const COMMON: [&str; 5] = ["政务公开", "通知", "人民政府", "第一条", "实施办法"];
        for text in COMMON {
            for sort in [Sort::Relevance, Sort::DateDesc] {
                let query = Query {
                    sort,
                    facets: true,
                    ..Query::new(text)
                };
                self.search(&query)?;
            }
        }
        Ok(())
    }

    /// Re-reads the committed state (only needed if another process wrote the directory).
    pub fn refresh(&self) -> Result<(), SearchError> {
        Ok(self.reader.reload()?)
    }

    /// Number of documents visible to searches.
    #[must_use]
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Bytes the index occupies on disk (0 in memory).
    #[must_use]
    pub fn size_on_disk(&self) -> u64 {
        let Some(dir) = &self.dir else {
            return 0;
        };
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// The id of the one document whose 文号 or 索引号 is exactly `text` (after normalisation:
    /// full-width forms, bracket variants 〔〕[]【】(), case and spaces do not matter), so the
    /// search page can jump straight to it. `None` if no document or several documents match.
    /// With `site`, only that site's documents count.
    pub fn exact_lookup(
        &self,
        text: &str,
        site: Option<&str>,
    ) -> Result<Option<String>, SearchError> {
        let key = lookup_key(text);
        if key.chars().count() < 4 || key.chars().count() > 128 {
            return Ok(None);
        }
        let searcher = self.reader.searcher();
        let term = |field: Field, value: &str| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let mut parts = vec![(Occur::Must, term(self.fields.keys, &key))];
        if let Some(site) = site {
            parts.push((Occur::Must, term(self.fields.site, site)));
        }
        let query = BooleanQuery::new(parts);
        let (count, top) =
            searcher.search(&query, &(Count, TopDocs::with_limit(1).order_by_score()))?;
        if count != 1 {
            return Ok(None);
        }
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        Ok(doc
            .get_first(self.fields.id)
            .and_then(|v| v.as_str())
            .map(str::to_owned))
    }

    /// The query that matches the documents containing `term` (normalised) exactly.
    ///
    /// One character: the unigram field; two: one bigram. More: a phrase of bigrams at their
    /// offsets. Any chain of bigrams that starts at 0, ends at n − 2 and advances by one or two
    /// covers every character, so the phrase matches exactly where the string occurs; the chain
    /// chosen is the one whose positions are cheapest to read (fewest position bytes in the
    /// index), plus the rarest bigram of the string, which keeps the candidate documents few.
    /// A bigram absent from the index means no document can match.
    fn exact(&self, searcher: &Searcher, term: &str, scope: Scope) -> Box<dyn TantivyQuery> {
        let [chars, bigrams] = match scope {
            Scope::All => self.fields.grams,
            Scope::Title => self.fields.title_grams,
        };
        let cs: Vec<char> = term.chars().collect();
        let n = cs.len();
        let term_at = |i: usize| -> Term {
            let s: String = cs[i..i + 2].iter().collect();
            Term::from_field_text(bigrams, &s)
        };
        match n {
            0 => return Box::new(EmptyQuery),
            1 => {
                return Box::new(TermQuery::new(
                    Term::from_field_text(chars, term),
                    IndexRecordOption::Basic,
                ));
            }
            2 => return Box::new(TermQuery::new(term_at(0), IndexRecordOption::Basic)),
            _ => {}
        }
        let terms: Vec<Term> = (0..n - 1).map(term_at).collect();
        // (position bytes, documents) of each bigram over all segments.
        let mut costs: Vec<(u64, u64)> = vec![(0, 0); terms.len()];
        for reader in searcher.segment_readers() {
            let Ok(inverted) = reader.inverted_index(bigrams) else {
                continue;
            };
            for (cost, t) in costs.iter_mut().zip(&terms) {
                if let Ok(Some(info)) = inverted.get_term_info(t) {
                    cost.0 += info.positions_range.len() as u64;
                    cost.1 += u64::from(info.doc_freq);
                }
            }
        }
        if costs.iter().any(|&(_, docs)| docs == 0) {
            return Box::new(EmptyQuery);
        }
        // Cheapest chain 0 → n−2 with steps of 1 or 2; a fixed cost per term favours short chains.
        const PER_TERM: u64 = 256;
        let m = terms.len();
        let mut best: Vec<(u64, usize)> = vec![(u64::MAX, usize::MAX); m];
        best[0] = (costs[0].0 + PER_TERM, usize::MAX);
        for i in 1..m {
            let from = (i.saturating_sub(2)..i)
                .filter(|&j| best[j].0 != u64::MAX)
                .min_by_key(|&j| best[j].0);
            if let Some(j) = from {
                best[i] = (best[j].0 + costs[i].0 + PER_TERM, j);
            }
        }
        let mut starts = Vec::new();
        let mut at = m - 1;
        loop {
            starts.push(at);
            match best[at].1 {
                usize::MAX => break,
                prev => at = prev,
            }
        }
        if let Some(rarest) = (0..m).min_by_key(|&i| costs[i].1)
            && !starts.contains(&rarest)
        {
            starts.push(rarest);
        }
        starts.sort_unstable();
        Box::new(PhraseQuery::new_with_offset(
            starts.into_iter().map(|i| (i, terms[i].clone())).collect(),
        ))
    }

    fn filters(&self, query: &Query) -> Vec<Box<dyn TantivyQuery>> {
        let f = &self.fields;
        let filters = &query.filters;
        let mut out: Vec<Box<dyn TantivyQuery>> = Vec::new();
        let term = |field: Field, value: &str| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(v) = &filters.org {
            out.push(term(f.org_code, v.trim()));
        }
        if let Some(v) = &filters.kind {
            out.push(term(f.kind, v.trim()));
        }
        if let Some(v) = &filters.validity {
            out.push(term(f.validity, v.trim()));
        }
        if let Some(v) = &filters.content_type {
            out.push(term(f.content_type, v.trim()));
        }
        if let Some(v) = &filters.site {
            out.push(term(f.site, v.trim()));
        }
        if let Some(y) = filters.year {
            out.push(term(f.year, &y.to_string()));
        }
        if let Some(theme) = &filters.theme {
            let segments = theme_segments(theme);
            if !segments.is_empty() {
                out.push(Box::new(TermQuery::new(
                    Term::from_facet(f.theme, &Facet::from_path(segments)),
                    IndexRecordOption::Basic,
                )));
            }
        }
        if filters.published_from.is_some() || filters.published_to.is_some() {
            let bound = |v: Option<i64>| match v {
                Some(v) => Bound::Included(Term::from_field_i64(f.published_at, v)),
                None => Bound::Unbounded,
            };
            out.push(Box::new(RangeQuery::new(
                bound(filters.published_from),
                bound(filters.published_to),
            )));
        }
        out
    }

    fn build_query(
        &self,
        searcher: &Searcher,
        query: &Query,
        parsed: &ParsedQuery,
    ) -> Box<dyn TantivyQuery> {
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for term in &parsed.terms {
            clauses.push((Occur::Must, self.exact(searcher, term, query.scope)));
        }
        if parsed.terms.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        for term in &parsed.excluded {
            clauses.push((Occur::MustNot, self.exact(searcher, term, query.scope)));
        }
        for filter in self.filters(query) {
            clauses.push((Occur::Must, filter));
        }
        let matching: Box<dyn TantivyQuery> = Box::new(BooleanQuery::new(clauses));
        let mut ranking: Vec<Box<dyn TantivyQuery>> = Vec::new();
        if query.sort == Sort::Relevance && !parsed.terms.is_empty() {
            let mut words: Vec<&str> = Vec::new();
            for term in &parsed.terms {
                for (a, b) in jieba_spans(term, false) {
                    let w = &term[a..b];
                    if !words.contains(&w) && words.len() < MAX_RANKING_WORDS {
                        words.push(w);
                    }
                }
            }
            for w in words {
                let title = TermQuery::new(
                    Term::from_field_text(self.fields.title, w),
                    IndexRecordOption::WithFreqs,
                );
                ranking.push(Box::new(BoostQuery::new(Box::new(title), TITLE_BOOST)));
                ranking.push(Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.body, w),
                    IndexRecordOption::WithFreqs,
                )));
            }
            if query.scope == Scope::All {
                for term in &parsed.terms {
                    ranking.push(Box::new(ConstScoreQuery::new(
                        self.exact(searcher, term, Scope::Title),
                        TITLE_EXACT_BONUS,
                    )));
                }
            }
        }
        Box::new(RankedQuery { matching, ranking })
    }

    /// Runs a query: exact total, the requested page of hits with highlighted snippets, facet
    /// counts. Any text is accepted; see [`Query`] for the syntax and [`ParsedQuery`] for how
    /// odd input is read. Errors only come from the index itself.
    pub fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let parsed = ParsedQuery::parse(&query.text);
        let (offset, per_page) = query.window();
        let mut results = Results {
            total: 0,
            hits: Vec::new(),
            facets: Facets::default(),
            parsed,
            page: offset / per_page + 1,
            per_page,
        };
        if results.parsed.nothing_searchable {
            return Ok(results);
        }
        let searcher = self.reader.searcher();
        let tq = self.build_query(&searcher, query, &results.parsed);
        let by_date = query.sort == Sort::DateDesc || results.parsed.terms.is_empty();
        let want_hits = offset.saturating_add(per_page) <= MAX_DEPTH;
        let facets = query.facets.then_some(FacetCollector);
        let top: Vec<(f32, DocAddress)>;
        if by_date {
            let top_c = want_hits.then(|| {
                TopDocs::with_limit(per_page)
                    .and_offset(offset)
                    .order_by_fast_field::<i64>("published_at", Order::Desc)
            });
            let (total, hits, facets) = searcher.search(&tq, &(Count, top_c, facets))?;
            results.total = total;
            results.facets = facets.unwrap_or_default();
            top = hits
                .unwrap_or_default()
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect();
        } else {
            let top_c = want_hits.then(|| {
                TopDocs::with_limit(per_page)
                    .and_offset(offset)
                    .order_by_score()
            });
            let (total, hits, facets) = searcher.search(&tq, &(Count, top_c, facets))?;
            results.total = total;
            results.facets = facets.unwrap_or_default();
            top = hits.unwrap_or_default();
        }
        for (score, address) in top {
            results
                .hits
                .push(self.hit(&searcher, address, score, &results.parsed.terms)?);
        }
        Ok(results)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        terms: &[String],
    ) -> Result<Hit, SearchError> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> String {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let title = text(f.title);
        let mut snippet_html = None;
        let mut first_body = None;
        for value in doc.get_all(f.body) {
            let Some(body) = value.as_str() else { continue };
            if first_body.is_none() {
                first_body = Some(body);
            }
            if let Some(s) = snippet(body, terms) {
                snippet_html = Some(s);
                break;
            }
        }
        let snippet_html = snippet_html.unwrap_or_else(|| lead(first_body.unwrap_or_default()));
        Ok(Hit {
            id: text(f.id),
            title_html: highlight_all(&title, terms),
            title,
            url: text(f.url),
            org_code: text(f.org_code),
            org_name: text(f.org_name),
            doc_number: text(f.doc_number),
            content_type: text(f.content_type),
            published_at: doc
                .get_first(f.published_at)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
            snippet_html,
            score,
        })
    }
}
