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
//!
//! A page that makes several reads makes them in one read transaction ([`crate::Store::read_together`]):
//! each transaction begins and ends with a lock on the WAL index (a `fcntl` and a mutex every
//! connection of the process shares), which was a tenth of a record page's cost when each of its
//! five statements took and released it; the page also reads from one snapshot.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
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
    /// Set by [`ReadLane::close`]: a connection lent after it is closed, not kept.
    closed: AtomicBool,
    /// The column names of each statement text, as last read from a prepared statement.
    names: Mutex<ColumnNames>,
}

/// Statement text → its column names, in order.
type ColumnNames = HashMap<String, Arc<[Box<str>]>, foldhash::fast::RandomState>;

/// Statement texts whose column names are kept at once (past that the map starts afresh; the
/// store has a few dozen lane statements).
const KEEP_NAMES: usize = 512;

tokio::task_local! {
    /// The connection a [`crate::Store::read_together`] scope reads on.
    static TOGETHER: RefCell<Together>;
}

/// One scope's connection, its read transaction open from the first read on; the transaction
/// ends and the connection goes back to its lane when the scope ends (or is dropped midway).
pub(crate) struct Together {
    lane: Arc<ReadLane>,
    conn: Option<Connection>,
}

impl Together {
    /// Runs `fut` with every lane read of `lane` in it on one connection, in one transaction.
    pub(crate) async fn scope<F: Future>(lane: Arc<ReadLane>, fut: F) -> F::Output {
        TOGETHER
            .scope(RefCell::new(Self { lane, conn: None }), fut)
            .await
    }
}

impl Drop for Together {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A read transaction commits without writing; a connection that cannot end it is
            // not lent again.
            if run_cached(&conn, "COMMIT").is_ok() {
                self.lane.give_back(conn);
            }
        }
    }
}

/// Runs a statement without parameters or rows (`BEGIN`, `COMMIT`) from the connection's
/// statement cache: `execute_batch` prepared it again each time, two preparations a page.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
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
            closed: AtomicBool::new(false),
            names: Mutex::new(HashMap::default()),
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
            let mut rows = stmt.raw_query();
            let mut out = Vec::new();
            // The names after the first step: a statement prepared before a schema change is
            // prepared again by that step, and only then shows its new columns.
            let mut names = None;
            while let Some(row) = rows.next()? {
                let names =
                    names.get_or_insert_with(|| self.column_names(query.as_str(), row.as_ref()));
                out.push(T::from_row(&LaneRow::new(row, names))?);
            }
            Ok(out)
        })
    }

    /// The names of `stmt`'s columns: kept per statement text, since asking SQLite for each
    /// name of each cell (with its UTF-8 check) was a tenth of a record page's instructions.
    /// A kept list is used only while the statement still has as many columns with the same
    /// first and last names, so a column added while the server runs (a `c.*` grows, and what
    /// follows it moves) is read again, not misread.
    fn column_names(&self, sql: &str, stmt: &rusqlite::Statement<'_>) -> Arc<[Box<str>]> {
        let count = stmt.column_count();
        let name = |i: usize| stmt.column_name(i).unwrap_or_default();
        let kept = self
            .names
            .lock()
            .ok()
            .and_then(|names| names.get(sql).cloned());
        if let Some(names) = kept
            && names.len() == count
            && names.first().is_none_or(|n| **n == *name(0))
            && names.last().is_none_or(|n| **n == *name(count - 1))
        {
            return names;
        }
        let names: Arc<[Box<str>]> = (0..count).map(|i| Box::from(name(i))).collect();
        if let Ok(mut kept) = self.names.lock() {
            if kept.len() >= KEEP_NAMES {
                kept.clear();
            }
            kept.insert(sql.to_owned(), Arc::clone(&names));
        }
        names
    }

    /// Closes the idle connections, and each lent one when it comes back (the server is
    /// stopping; see [`crate::Store::close`]).
    pub(crate) fn close(&self) {
        // Under the idle list's lock, so no connection is given back between the two.
        if let Ok(mut idle) = self.idle.lock() {
            self.closed.store(true, Ordering::Release);
            idle.clear();
        }
    }

    /// Runs `read` on the connection of the [`Together`] scope it is in, if that scope is this
    /// lane's; else on an idle connection of the lane, opening one when none is idle.
    fn with<R>(&self, read: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
        let mut read = Some(read);
        let together = TOGETHER.try_with(|cell| {
            // A read never reads again inside itself; if one ever did, it reads on its own.
            let mut together = cell.try_borrow_mut().ok()?;
            if !std::ptr::eq(Arc::as_ptr(&together.lane), self) {
                return None;
            }
            if together.conn.is_none() {
                let begun = self.lend().and_then(|conn| {
                    run_cached(&conn, "BEGIN")?;
                    Ok(conn)
                });
                match begun {
                    Ok(conn) => together.conn = Some(conn),
                    Err(e) => return Some(Err(e)),
                }
            }
            let conn = together.conn.as_ref()?;
            read.take().map(|read| read(conn))
        });
        if let Ok(Some(result)) = together {
            return result;
        }
        let Some(read) = read.take() else {
            return Err(crate::StoreError::Corrupt(
                "read lane: a read was lost in its scope".to_owned(),
            ));
        };
        let conn = self.lend()?;
        let result = read(&conn);
        self.give_back(conn);
        result
    }

    /// An idle connection, or a new one when none is idle.
    fn lend(&self) -> Result<Connection> {
        match self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            Some(conn) => Ok(conn),
            None => self.open(),
        }
    }

    /// Keeps a lent connection idle for the next read, unless enough are idle or the lane is
    /// closed.
    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < KEEP_IDLE
            && !self.closed.load(Ordering::Acquire)
        {
            idle.push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReadLane;
    use crate::sql::Sql;

    /// A row read by column name: `a` from the table, `tag` after the table's columns.
    #[derive(Debug, PartialEq)]
    struct Tagged {
        a: i64,
        tag: String,
    }
    crate::column::from_row!(Tagged => a, tag);

    /// The same row with the column a migration added.
    #[derive(Debug, PartialEq)]
    struct Widened {
        b: String,
        tag: String,
    }
    crate::column::from_row!(Widened => b, tag);

    /// The bundled SQLite is built as `.cargo/config.toml` says: without memory statistics and
    /// without the shared page-cache group, each of which put a process-wide mutex on every
    /// read (a build that lost the setting would be slower and nothing else would tell).
    #[test]
    fn sqlite_is_built_without_the_process_wide_mutexes() -> rusqlite::Result<()> {
        let conn = rusqlite::Connection::open_in_memory()?;
        let mut stmt = conn.prepare("PRAGMA compile_options")?;
        let options: Vec<String> = stmt
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
        let memstatus: i64 = conn.query_row(
            "SELECT sqlite_compileoption_used('DEFAULT_MEMSTATUS=0')",
            [],
            |row| row.get(0),
        )?;
        assert_eq!(memstatus, 1, "{options:?}");
        Ok(())
    }

    #[test]
    fn a_column_added_while_serving_does_not_shift_the_names_read() {
        let dir = std::env::temp_dir().join(format!(
            "gongkai-lane-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let path = dir.join("lane.db");
        let run = || -> Result<(), Box<dyn std::error::Error>> {
            std::fs::create_dir_all(&dir)?;
            let writer = rusqlite::Connection::open(&path)?;
            writer.execute_batch("CREATE TABLE t (a INTEGER); INSERT INTO t (a) VALUES (7);")?;
            let lane = ReadLane::new(&path);
            let query = Sql::new("SELECT t.*, 'x' AS tag FROM t");
            let expected = vec![Tagged {
                a: 7,
                tag: "x".to_owned(),
            }];
            assert_eq!(lane.all::<Tagged>(&query)?, expected);
            // A migration adds a column while the lane's statement is prepared and cached:
            // `t.*` now ends one column later, and `tag` must still be read as `tag`.
            writer.execute_batch("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'added';")?;
            assert_eq!(lane.all::<Tagged>(&query)?, expected);
            // The same statement text now has the new column in the middle.
            let widened = lane.all::<Widened>(&query)?;
            assert_eq!(
                widened,
                vec![Widened {
                    b: "added".to_owned(),
                    tag: "x".to_owned()
                }]
            );
            Ok(())
        };
        let result = run();
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = result {
            panic!("{e}");
        }
    }

    #[test]
    fn only_a_sqlite_file_has_a_lane() {
        assert!(crate::read_lane("sqlite:///var/lib/gongkai/gongkai.db?mode=rwc").is_some());
        assert!(crate::read_lane("sqlite::memory:").is_none());
        assert!(crate::read_lane("sqlite://x.db?mode=memory").is_none());
        assert!(crate::read_lane("postgres://postgres@127.0.0.1/test").is_none());
    }
}
