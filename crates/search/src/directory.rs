//! The index's directory: tantivy's memory-mapped one, except that the three large kinds of
//! segment file are read with `pread`.
//!
//! Mapped, every page of postings, positions and stored text a query touched stayed counted in
//! the process's resident memory (609 MB after the bench's searches on 100,000 records), though
//! the kernel would drop them under pressure. Read with `pread`, those pages live in the kernel's
//! page cache, shared and reclaimable as before, and the process holds only what a query is
//! reading. The small files every query consults (terms, norms, fast fields, deletes, meta) stay
//! mapped.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// Segment files read with `pread`: postings, positions and the document store.
const READ_NOT_MAPPED: [&str; 3] = ["idx", "pos", "store"];

/// [`MmapDirectory`] with postings, positions and stored documents read by `pread`.
#[derive(Clone, Debug)]
pub(crate) struct IndexDirectory {
    root: PathBuf,
    mapped: MmapDirectory,
}

impl IndexDirectory {
    /// The directory at `root`, which must exist.
    pub(crate) fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(Self {
            root: root.to_owned(),
            mapped: MmapDirectory::open(root)?,
        })
    }
}

/// A segment file read a range at a time.
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let end = range.end.min(self.len);
        if range.start >= end {
            return Ok(OwnedBytes::empty());
        }
        let mut buffer = vec![0; end - range.start];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let read = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| READ_NOT_MAPPED.contains(&e));
        if !read {
            return self.mapped.get_file_handle(path);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_owned()),
            _ => OpenReadError::wrap_io_error(e, path.to_owned()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_owned()))?
            .len();
        let len = usize::try_from(len).map_err(|_| {
            OpenReadError::wrap_io_error(io::Error::other("file too large"), path.to_owned())
        })?;
        Ok(Arc::new(ReadFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}
