//! Kept bodies sent with `sendfile(2)`, as a file server sends its files.
//!
//! A kept page's body is written once more into a sealed memory file (`memfd_create`), and the
//! body's bytes are registered with that file. The server's connections ([`Listener`],
//! [`Connection`]) look at every buffer hyper hands them to write: a buffer that lies inside a
//! registered body goes out with `sendfile` from the file, so the kernel passes the file's pages
//! to the socket instead of copying the bytes in. Without it, copying a 17 KB page into the socket
//! was a quarter of the server's work on a cache hit; nginx, serving a file, never copies it.
//!
//! Nothing else changes: hyper still reads and answers every request, and the heap copy of the
//! body is still what every other reader sees (a `HEAD`, a test, a body read in memory). A body
//! whose file cannot be made (the descriptor limit, an old kernel) is kept and sent as before.
//!
//! Memory: a mirrored body is held twice (heap and file), and [`MIRROR_AT_LEAST`] and
//! [`MAX_FILES`] (at most an eighth of the descriptor limit) bound which and how many; the cache
//! counts both copies against its budget. `sendfile` takes no `MSG_NOSIGNAL`: a peer gone mid-send
//! would raise `SIGPIPE`, which Rust programs ignore from their start.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, IoSlice, Write};
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::task::{Context, Poll, ready};

use axum::body::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Bodies at least this long are mirrored into a file. A shorter one (a list or the home page, a
/// compressed page) costs about as much to copy as the second system call that sending from a
/// file takes, and would hold a descriptor for nothing.
pub(crate) const MIRROR_AT_LEAST: usize = 8192;

/// At most this many bodies are mirrored at once (a default budget of 64 MiB holds a few thousand
/// pages), and never more than an eighth of the process's descriptor limit: connections and
/// SQLite's files need theirs.
pub(crate) const MAX_FILES: usize = 2048;

/// How many bodies may be mirrored at once in this process.
fn file_cap() -> usize {
    static CAP: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CAP.get_or_init(|| {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        limit.map_or(MAX_FILES, |n| {
            MAX_FILES.min(usize::try_from(n / 8).unwrap_or(MAX_FILES))
        })
    })
}

/// Bodies mirrored now.
static FILES: AtomicUsize = AtomicUsize::new(0);

/// Every mirrored body's heap address, with its length and file. A buffer found inside one of
/// these ranges is part of a live body: the `Bytes` being written keeps the body, and so its
/// registration and its file, alive.
static BODIES: RwLock<BTreeMap<usize, Region>> = RwLock::new(BTreeMap::new());

struct Region {
    len: usize,
    file: Arc<OwnedFd>,
}

/// The owner behind a mirrored `Bytes`: the heap copy, whose file the registry holds; dropping
/// the last clone unregisters the body, which closes the file (once no write is sending it).
struct Mirrored {
    bytes: Box<[u8]>,
}

impl AsRef<[u8]> for Mirrored {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Mirrored {
    fn drop(&mut self) {
        BODIES
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.bytes.as_ptr().addr());
        FILES.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `body` mirrored into a sealed memory file (`Ok`), or `body` itself (`Err`) when it is too short
/// or no descriptor is free. The bytes are the same either way.
pub(crate) fn mirrored(body: Bytes) -> Result<Bytes, Bytes> {
    if body.len() < MIRROR_AT_LEAST {
        return Err(body);
    }
    if FILES.fetch_add(1, Ordering::Relaxed) >= file_cap() {
        FILES.fetch_sub(1, Ordering::Relaxed);
        return Err(body);
    }
    let file = match sealed_file(&body) {
        Ok(file) => Arc::new(file),
        Err(e) => {
            FILES.fetch_sub(1, Ordering::Relaxed);
            tracing::debug!(error = %e, "page cache: body not mirrored into a file");
            return Err(body);
        }
    };
    let bytes: Box<[u8]> = Vec::from(body).into_boxed_slice();
    BODIES
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(bytes.as_ptr().addr(), Region { len: bytes.len(), file });
    Ok(Bytes::from_owner(Mirrored { bytes }))
}

/// Whether `body` is sent from a file ([`mirrored`] made it so).
#[cfg(test)]
pub(crate) fn is_mirrored(body: &[u8]) -> bool {
    region_of(body).is_some()
}

/// The memory a body of `len` bytes takes when mirrored (the file holds whole pages), or 0 for a
/// body too short to be.
pub(crate) fn file_size(len: usize) -> usize {
    if len < MIRROR_AT_LEAST {
        0
    } else {
        len.next_multiple_of(4096)
    }
}

/// A memory file holding `bytes`, sealed so that its contents can never change.
fn sealed_file(bytes: &[u8]) -> io::Result<OwnedFd> {
    use rustix::fs::{MemfdFlags, SealFlags};
    let fd = rustix::fs::memfd_create(
        "gongkai-page",
        MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
    )?;
    let mut file = File::from(fd);
    file.write_all(bytes)?;
    rustix::fs::fcntl_add_seals(
        &file,
        SealFlags::WRITE | SealFlags::SHRINK | SealFlags::GROW | SealFlags::SEAL,
    )?;
    Ok(OwnedFd::from(file))
}

/// Buffers shorter than this are never looked up (headers, chunk markers).
const LOOK_UP_AT_LEAST: usize = 512;

/// The file and offset `buf` is found at, when it lies inside a mirrored body.
fn region_of(buf: &[u8]) -> Option<(Arc<OwnedFd>, u64)> {
    if buf.len() < LOOK_UP_AT_LEAST {
        return None;
    }
    let at = buf.as_ptr().addr();
    let bodies = BODIES.read().unwrap_or_else(PoisonError::into_inner);
    let (&start, region) = bodies.range(..=at).next_back()?;
    let offset = at - start;
    (offset + buf.len() <= region.len).then(|| (Arc::clone(&region.file), offset as u64))
}

/// The server's listener: accepted sockets get `TCP_NODELAY` (a page goes out in one write and
/// nothing waits on the client's ACK) and become [`Connection`]s counting into one counter.
pub struct Listener {
    tcp: TcpListener,
    sent: Arc<AtomicU64>,
}

impl Listener {
    /// `tcp`, whose connections add the bytes they send from files to `sent`.
    pub fn new(tcp: TcpListener, sent: Arc<AtomicU64>) -> Self {
        Self { tcp, sent }
    }
}

impl axum::serve::Listener for Listener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        let (tcp, peer) = axum::serve::Listener::accept(&mut self.tcp).await;
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
        (Connection::new(tcp, Arc::clone(&self.sent)), peer)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// A client connection whose writes send mirrored bodies from their files.
#[derive(Debug)]
pub struct Connection {
    tcp: TcpStream,
    /// Bytes sent from files, shared by the server's connections (`/metrics`).
    sent: Arc<AtomicU64>,
}

impl Connection {
    /// `tcp` as a connection that sends mirrored bodies from their files, counting into `sent`.
    pub fn new(tcp: TcpStream, sent: Arc<AtomicU64>) -> Self {
        Self { tcp, sent }
    }
}

/// What one attempt to write `before` and then a body from its file did.
enum Sent {
    /// Bytes written, counted from the first of `before`.
    Wrote(usize),
    /// The file could not be sent (not the socket being full): write the buffers as bytes.
    Unsendable,
}

/// Writes the buffers before a mirrored body (with `MSG_MORE`, so the header and the body leave
/// together), then as much of the body as the socket takes, from its file.
fn send_from_file(
    tcp: &TcpStream,
    sent: &AtomicU64,
    before: &[IoSlice<'_>],
    file: &OwnedFd,
    mut offset: u64,
    len: usize,
) -> io::Result<Sent> {
    use rustix::net::SendFlags;
    let before_len: usize = before.iter().map(|b| b.len()).sum();
    let mut wrote = 0;
    if before_len > 0 {
        wrote = rustix::net::sendmsg(
            tcp,
            before,
            &mut rustix::net::SendAncillaryBuffer::default(),
            SendFlags::MORE | SendFlags::NOSIGNAL | SendFlags::DONTWAIT,
        )?;
        if wrote < before_len {
            return Ok(Sent::Wrote(wrote));
        }
    }
    match rustix::fs::sendfile(tcp, file, Some(&mut offset), len) {
        Ok(n) => {
            sent.fetch_add(n as u64, Ordering::Relaxed);
            Ok(Sent::Wrote(wrote + n))
        }
        Err(_) if wrote > 0 => Ok(Sent::Wrote(wrote)),
        Err(e) if e == rustix::io::Errno::AGAIN => Err(e.into()),
        Err(e) => {
            tracing::debug!(error = %e, "sendfile refused; the body is copied");
            Ok(Sent::Unsendable)
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let found = bufs
            .iter()
            .enumerate()
            .find_map(|(i, b)| region_of(b).map(|(file, offset)| (i, file, offset)));
        let Some((at, file, offset)) = found else {
            return Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
        };
        loop {
            ready!(this.tcp.poll_write_ready(cx))?;
            let attempt = this.tcp.try_io(Interest::WRITABLE, || {
                send_from_file(
                    &this.tcp,
                    &this.sent,
                    &bufs[..at],
                    &file,
                    offset,
                    bufs[at].len(),
                )
            });
            match attempt {
                Ok(Sent::Wrote(n)) => return Poll::Ready(Ok(n)),
                Ok(Sent::Unsendable) => {
                    return Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn must<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => panic!("{e:?}"),
        }
    }

    /// A connected pair: the server side as a [`Connection`], the client side plain.
    async fn pair(sent: Arc<AtomicU64>) -> (Connection, TcpStream) {
        let listener = must(TcpListener::bind("127.0.0.1:0").await);
        let addr = must(listener.local_addr());
        let client = must(TcpStream::connect(addr).await);
        let (server, _) = must(listener.accept().await);
        (Connection::new(server, sent), client)
    }

    fn page(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| seed.wrapping_add((i % 251) as u8))
            .collect()
    }

    #[tokio::test]
    async fn a_mirrored_body_goes_out_from_its_file_byte_for_byte() {
        // Large enough that the socket fills and the body goes out in several writes.
        let body = page(3 << 20, 7);
        let kept = mirrored(Bytes::from(body.clone())).unwrap_or_else(|_| panic!("not mirrored"));
        assert_eq!(kept.as_ref(), body.as_slice());
        assert!(is_mirrored(&kept));
        // A slice inside the body is found too; a copy of it is not.
        assert!(is_mirrored(&kept[1000..9000]));
        assert!(!is_mirrored(&body));
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 3145728\r\n\r\n".to_vec();
        let sent = Arc::new(AtomicU64::new(0));
        let (mut server, mut client) = pair(Arc::clone(&sent)).await;
        let (expected_head, expected_body) = (head.clone(), body.clone());
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            must(client.read_to_end(&mut got).await);
            got
        });
        // As hyper writes: the head and the body as two buffers, advancing after partial writes.
        let mut parts: Vec<Bytes> = vec![Bytes::from(head), kept.clone()];
        while !parts.is_empty() {
            let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
            let mut n = must(server.write_vectored(&slices).await);
            assert!(n > 0);
            while n > 0 {
                let first = parts.remove(0);
                if n < first.len() {
                    parts.insert(0, first.slice(n..));
                    n = 0;
                } else {
                    n -= first.len();
                }
            }
        }
        must(server.shutdown().await);
        drop(server);
        let got = must(reader.await);
        assert_eq!(&got[..expected_head.len()], expected_head.as_slice());
        assert!(
            got[expected_head.len()..] == expected_body[..],
            "the body differs"
        );
        // Only a tail shorter than a lookup (after a partial write) may have been copied.
        let from_file = sent.load(Ordering::Relaxed);
        assert!(
            from_file + LOOK_UP_AT_LEAST as u64 > expected_body.len() as u64,
            "{from_file} of {} bytes went out from the file",
            expected_body.len()
        );
    }

    #[tokio::test]
    async fn a_short_body_is_not_mirrored_and_a_dropped_one_is_forgotten() {
        let short = mirrored(Bytes::from(page(MIRROR_AT_LEAST - 1, 1)));
        assert!(short.as_ref().is_err_and(|b| !is_mirrored(b)));
        let kept = mirrored(Bytes::from(page(MIRROR_AT_LEAST, 2)))
            .unwrap_or_else(|_| panic!("a body of MIRROR_AT_LEAST bytes is mirrored"));
        let file = match region_of(&kept) {
            Some((file, 0)) => Arc::downgrade(&file),
            _ => panic!("a body of MIRROR_AT_LEAST bytes is mirrored, found at offset 0"),
        };
        let clone = kept.clone();
        drop(kept);
        assert!(is_mirrored(&clone), "a clone keeps the body mirrored");
        drop(clone);
        assert!(
            file.upgrade().is_none(),
            "the last clone unregisters the body and closes its file"
        );
    }
}
