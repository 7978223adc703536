//! The index's directory: tantivy's memory-mapped one, except that the three large kinds of
//! segment file are read with `pread`.
//!
//! Mapped, every page of postings, positions and stored text a query touched stayed counted in
//! the process's resident memory (609 MB after the bench's searches on 100,000 records), though
//! the kernel would drop them under pressure. Read with `pread`, those pages live in the kernel's
//! page cache, shared and reclaimable as before, and the process holds only what a query is
//! reading. The small files every query consults (terms, norms, fast fields, deletes, meta) stay
//! mapped, and so does a read of more than [`LARGEST_READ`]: a merge reads a segment's whole
//! stored text at once, which would otherwise be copied onto the heap.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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

/// The longest range read with `pread`; a longer one is read through the file's mapping.
const LARGEST_READ: usize = 8 << 20;

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
    path: PathBuf,
    directory: MmapDirectory,
    /// The file mapped, for reads over [`LARGEST_READ`]; mapped when first needed.
    mapped: OnceLock<Arc<dyn FileHandle>>,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "{range:?} is outside {} ({} bytes)",
                    self.path.display(),
                    self.len
                ),
            ));
        }
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        if range.len() > LARGEST_READ {
            let mapped = match self.mapped.get() {
                Some(m) => m,
                None => {
                    let m = self
                        .directory
                        .get_file_handle(&self.path)
                        .map_err(io::Error::other)?;
                    self.mapped.get_or_init(|| m)
                }
            };
            return mapped.read_bytes(range);
        }
        let mut buffer = vec![0; range.len()];
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
        Ok(Arc::new(ReadFile {
            file,
            len,
            path: path.to_owned(),
            directory: self.mapped.clone(),
            mapped: OnceLock::new(),
        }))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn must<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn postings_are_read_by_range_and_a_range_past_the_end_is_an_error() {
        let root = std::env::temp_dir().join(format!("gongkai-dir-{}", std::process::id()));
        must(std::fs::create_dir_all(&root));
        let small: Vec<u8> = (0..200u8).collect();
        must(std::fs::write(root.join("a.pos"), &small));
        let large: Vec<u8> = (0..LARGEST_READ + 100).map(|i| (i % 251) as u8).collect();
        must(std::fs::write(root.join("b.store"), &large));
        let dir = must(IndexDirectory::open(&root));

        let pos = must(dir.get_file_handle(Path::new("a.pos")));
        assert_eq!(pos.len(), 200);
        assert_eq!(must(pos.read_bytes(10..20)).as_slice(), &small[10..20]);
        assert!(must(pos.read_bytes(5..5)).is_empty());
        assert!(pos.read_bytes(150..201).is_err());

        // Over the largest read, through the mapping: the same bytes.
        let store = must(dir.get_file_handle(Path::new("b.store")));
        let all = must(store.read_bytes(0..large.len()));
        assert_eq!(all.as_slice(), &large[..]);
        assert_eq!(must(store.read_bytes(7..9)).as_slice(), &large[7..9]);

        assert!(matches!(
            dir.get_file_handle(Path::new("missing.idx")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        must(std::fs::remove_dir_all(&root));
    }
}
