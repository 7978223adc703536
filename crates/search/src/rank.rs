//! A query that matches like one query and scores like a sum of others.
//!
//! tantivy scores `Must` + `Should` clauses by advancing a union of all `Should` scorers, which
//! scores every document of those (often very common) jieba words, matched or not. Here the
//! ranking scorers are only sought to the documents that match, one by one, so ranking costs in
//! proportion to the number of matches.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError};

/// Matches exactly the documents of `matching`; scores each with the sum of the scores of the
/// `ranking` queries that also match it.
#[derive(Debug)]
pub(crate) struct RankedQuery {
    pub matching: Box<dyn Query>,
    pub ranking: Vec<Box<dyn Query>>,
}

impl Clone for RankedQuery {
    fn clone(&self) -> Self {
        Self {
            matching: self.matching.box_clone(),
            ranking: self.ranking.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

/// The same statistics with scoring switched off (tantivy's own helper is crate-private).
fn without_scoring(enable_scoring: EnableScoring<'_>) -> EnableScoring<'_> {
    match enable_scoring {
        EnableScoring::Enabled { searcher, .. } => EnableScoring::disabled_from_searcher(searcher),
        disabled @ EnableScoring::Disabled { .. } => disabled,
    }
}

impl Query for RankedQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let matching = self.matching.weight(without_scoring(enable_scoring))?;
        if !enable_scoring.is_scoring_enabled() || self.ranking.is_empty() {
            return Ok(matching);
        }
        let ranking = self
            .ranking
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(RankedWeight { matching, ranking }))
    }
}

struct RankedWeight {
    matching: Box<dyn Weight>,
    ranking: Vec<Box<dyn Weight>>,
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let matching = self.matching.scorer(reader, boost)?;
        let ranking = self
            .ranking
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(RankedScorer { matching, ranking }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("sum of ranking scores", scorer.score()))
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.matching.count(reader)
    }
}

struct RankedScorer {
    matching: Box<dyn Scorer>,
    ranking: Vec<Box<dyn Scorer>>,
}

impl DocSet for RankedScorer {
    fn advance(&mut self) -> DocId {
        self.matching.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.matching.seek(target)
    }

    fn doc(&self) -> DocId {
        self.matching.doc()
    }

    fn size_hint(&self) -> u32 {
        self.matching.size_hint()
    }
}

impl Scorer for RankedScorer {
    fn score(&mut self) -> Score {
        let doc = self.matching.doc();
        let mut score = 0.0;
        for r in &mut self.ranking {
            if r.doc() < doc {
                r.seek(doc);
            }
            if r.doc() == doc {
                score += r.score();
            }
        }
        score
    }
}
