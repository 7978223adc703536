//! Dynamic SQL for both engines.
//!
//! sqlx's `QueryBuilder` writes `?` placeholders for the `Any` driver, which PostgreSQL
//! rejects. [`Sql`] numbers its placeholders `$1, $2, …` (accepted by SQLite too) and binds
//! the values in order, so a filter built at run time is one text for both engines.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Executor};

use crate::{Result, Store, StoreError};

/// A type read from one result row: a case type, a listing line (most implement it with the
/// crate's `from_row!`, which reads each field from the column of its name).
pub trait FromRow: Sized {
    /// Reads `row`, from sqlx or from the SQLite read lane.
    fn from_row(row: &impl crate::column::Cells) -> Result<Self>;
}

/// A statement with its values bound (`sqlx::query(…).bind(…)`, [`Sql::query`]).
pub(crate) type Bound<'q> = Query<'q, Any, AnyArguments>;

/// Every row of `query`, each read as a `T`.
pub(crate) async fn all<'c, T: FromRow>(
    query: Bound<'_>,
    on: impl Executor<'c, Database = Any>,
) -> Result<Vec<T>> {
    query.fetch_all(on).await?.iter().map(T::from_row).collect()
}

/// Every row of `query`, a point read a public page or a submission makes (a handful of rows
/// found by an index, or a table of a few dozen rows such as the stored calendar years): on
/// SQLite at once on this thread through the read lane ([`crate::lane`]), which saves the
/// hand-offs to sqlx's connection thread; on PostgreSQL through the pool. Never for a statement
/// that may scan a large table: the lane holds the thread while it runs.
pub(crate) async fn read<T: FromRow>(store: &Store, query: &Sql) -> Result<Vec<T>> {
    match store.lane() {
        Some(lane) => lane.all(query),
        None => all(query.query(), store.pool()).await,
    }
}

/// The row of `query` if there is one, a point read as for [`read`].
pub(crate) async fn read_optional<T: FromRow>(store: &Store, query: &Sql) -> Result<Option<T>> {
    Ok(read(store, query).await?.into_iter().next())
}

/// Every row of `query`, a statement that lists `ids` in an `IN (…)`, each read as a `T`. No
/// ids, no rows: answered without asking the database, as SQL has no empty `IN ()`.
pub(crate) async fn all_in<'c, T: FromRow>(
    ids: &[i64],
    query: &Sql,
    on: impl Executor<'c, Database = Any>,
) -> Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    all(query.query(), on).await
}

/// The row of `query`, if there is one, read as a `T`.
pub(crate) async fn optional<'c, T: FromRow>(
    query: Bound<'_>,
    on: impl Executor<'c, Database = Any>,
) -> Result<Option<T>> {
    query
        .fetch_optional(on)
        .await?
        .as_ref()
        .map(T::from_row)
        .transpose()
}

/// Whether `query` finds a row (a code, a name or a key already taken).
pub(crate) async fn exists<'c>(
    query: Bound<'_>,
    on: impl Executor<'c, Database = Any>,
) -> Result<bool> {
    Ok(query.fetch_optional(on).await?.is_some())
}

/// The row of `query` read as a `T`; [`StoreError::NotFound`] naming `what` (`该舆情`) when
/// there is none.
pub(crate) async fn one<'c, T: FromRow>(
    query: Bound<'_>,
    on: impl Executor<'c, Database = Any>,
    what: impl Into<String>,
) -> Result<T> {
    optional(query, on)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: what.into() })
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Float(f64),
    MaybeInt(Option<i64>),
    MaybeFloat(Option<f64>),
    MaybeText(Option<String>),
}

/// SQL text with numbered placeholders and their values.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
    /// Placeholders written `?` (SQLite only; see [`Sql::positional`]).
    positional: bool,
}

impl Sql {
    /// Starts with fixed SQL text.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
            positional: false,
        }
    }

    /// Starts a statement whose placeholders are `?` on SQLite (`$1 …` on PostgreSQL), for
    /// statements with thousands of values: SQLite looks a numbered parameter's name up by a
    /// linear scan each time a value is bound, which makes a 5,000-value multi-row INSERT
    /// quadratic; anonymous ones are bound by position.
    pub fn positional(text: impl Into<String>, engine: crate::Engine) -> Self {
        Self {
            positional: engine == crate::Engine::Sqlite,
            ..Self::new(text)
        }
    }

    /// Appends fixed SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn placeholder(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        if self.positional {
            self.text.push('?');
        } else {
            self.text.push('$');
            self.text.push_str(&self.args.len().to_string());
        }
        self
    }

    /// Appends a placeholder bound to an integer.
    pub fn int(&mut self, value: i64) -> &mut Self {
        self.placeholder(Arg::Int(value))
    }

    /// Appends a placeholder bound to text.
    pub fn text(&mut self, value: impl Into<String>) -> &mut Self {
        self.placeholder(Arg::Text(value.into()))
    }

    /// Appends a placeholder bound to a floating-point number.
    pub fn float(&mut self, value: f64) -> &mut Self {
        self.placeholder(Arg::Float(value))
    }

    /// Appends a placeholder bound to an integer or a NULL typed as one (PostgreSQL refuses
    /// a NULL of another type for the column).
    pub fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        self.placeholder(Arg::MaybeInt(value))
    }

    /// Appends a placeholder bound to a floating-point number or a NULL typed as one.
    pub fn opt_float(&mut self, value: Option<f64>) -> &mut Self {
        self.placeholder(Arg::MaybeFloat(value))
    }

    /// Appends a placeholder bound to text or a NULL typed as text.
    pub fn opt_text(&mut self, value: Option<String>) -> &mut Self {
        self.placeholder(Arg::MaybeText(value))
    }

    /// How many values are bound so far.
    pub fn bound(&self) -> usize {
        self.args.len()
    }

    /// Appends `(…, …)`, a placeholder per value, each bound by `bind`.
    fn list<T>(
        &mut self,
        values: impl IntoIterator<Item = T>,
        bind: impl Fn(&mut Self, T) -> &mut Self,
    ) -> &mut Self {
        self.text.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            bind(self, v);
        }
        self.text.push(')');
        self
    }

    /// Appends `(…, …)` with one text placeholder per value.
    pub fn text_list<I: IntoIterator<Item = S>, S: Into<String>>(
        &mut self,
        values: I,
    ) -> &mut Self {
        self.list(values, |q, v| q.text(v))
    }

    /// Appends `(…, …)` with one integer placeholder per value.
    pub fn int_list<I: IntoIterator<Item = i64>>(&mut self, values: I) -> &mut Self {
        self.list(values, Self::int)
    }

    /// The query with every value bound.
    pub fn query(&self) -> Query<'_, sqlx::Any, AnyArguments> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.text.clone()));
        for a in &self.args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.as_str()),
                Arg::Float(f) => q.bind(*f),
                Arg::MaybeInt(i) => q.bind(*i),
                Arg::MaybeFloat(f) => q.bind(*f),
                Arg::MaybeText(t) => q.bind(t.as_deref()),
            };
        }
        q
    }

    /// The text, with its placeholders.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The values bound, in the order of their placeholders.
    pub(crate) fn args(&self) -> &[Arg] {
        &self.args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut s = Sql::new("SELECT 1 FROM t WHERE a = ");
        s.int(1)
            .push(" AND b IN ")
            .text_list(["x", "y"])
            .push(" AND c = ")
            .text("z");
        assert_eq!(
            s.as_str(),
            "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3) AND c = $4"
        );
    }
}
