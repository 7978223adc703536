//! The SQLite read lane: a page's point reads run on the request's own thread.
//!
//! sqlx runs each SQLite connection on a thread of its own, so every statement is a hand-off to
//! that thread and back, and every return of a connection to the pool another (sqlx pings it).
//! For the reads a public page makes (a record by its index number, its columns, its
//! attachments), each a few microseconds in SQLite, those hand-offs were most of the page's cost.
//! The lane keeps a few read-only rusqlite connections to the same database file and runs such a
//! statement at once, where it is asked. Writes and long reads stay on sqlx.
//!
//! In WAL mode a statement outside a transaction reads the last committed state, so a page read
//! here sees a publication the moment its transaction commits on the sqlx pool.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::Result;
use crate::column::LaneRow;
use crate::sql::{Arg, FromRow, Sql};

/// Connections kept idle; more are opened when this many are in use at once, and closed after.
const KEEP_IDLE: usize = 8;

/// Read-only connections to one SQLite file, lent one at a time.
pub(crate) struct ReadLane {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for ReadLane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadLane")
            .field("path", &self.path)
            .finish()
    }
}

impl ReadLane {
    /// A lane to the database file `path` (connections are opened when first needed).
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A reader in WAL mode waits only on recovery after a crash; it waits here on the
        // request's thread, so briefly, and a page that cannot wait is answered 503.
        conn.busy_timeout(Duration::from_millis(500))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    /// Every row of `query`, each read as a `T`.
    pub(crate) fn all<T: FromRow>(&self, query: &Sql) -> Result<Vec<T>> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(query.as_str())?;
            // Values are bound by position: `Sql` numbers its placeholders in order, each once.
            if stmt.parameter_count() != query.args().len() {
                return Err(rusqlite::Error::InvalidParameterCount(
                    stmt.parameter_count(),
                    query.args().len(),
                )
                .into());
            }
            for (i, arg) in query.args().iter().enumerate() {
                let at = i + 1;
                match arg {
                    Arg::Int(v) => stmt.raw_bind_parameter(at, v)?,
                    Arg::Text(v) => stmt.raw_bind_parameter(at, v)?,
                    Arg::Float(v) => stmt.raw_bind_parameter(at, v)?,
                    Arg::MaybeInt(v) => stmt.raw_bind_parameter(at, v)?,
                    Arg::MaybeFloat(v) => stmt.raw_bind_parameter(at, v)?,
                    Arg::MaybeText(v) => stmt.raw_bind_parameter(at, v)?,
                }
            }
            let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
            let mut rows = stmt.raw_query();
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(T::from_row(&LaneRow { row, names: &names })?);
            }
            Ok(out)
        })
    }

    /// Closes the idle connections (the server is stopping; see [`crate::Store::close`]).
    pub(crate) fn close(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    /// Runs `read` on a connection of the lane, opening one when none is idle.
    fn with<R>(&self, read: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        let result = read(&conn);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < KEEP_IDLE
        {
            idle.push(conn);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_sqlite_file_has_a_lane() {
        assert!(crate::read_lane("sqlite:///var/lib/gongkai/gongkai.db?mode=rwc").is_some());
        assert!(crate::read_lane("sqlite::memory:").is_none());
        assert!(crate::read_lane("sqlite://x.db?mode=memory").is_none());
        assert!(crate::read_lane("postgres://postgres@127.0.0.1/test").is_none());
    }
}
