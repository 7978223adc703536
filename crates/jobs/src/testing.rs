//! Test helpers (feature `testing`): a real SMTP server that records what it receives
//! (Debian's python3-aiosmtpd, run as a child process) and one that accepts connections and
//! never answers, to show that nothing waits for a stalled mail server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tiny SMTP sink: prints one decoded line per message.
const SERVER: &str = r#"
import email, sys, time
from email import policy
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_content().replace("\n", " ")
        print("MAIL|" + ",".join(envelope.rcpt_tos) + "|" + str(msg["subject"]) + "|" + body, flush=True)
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("READY", flush=True)
while True:
    time.sleep(3600)
"#;

/// A free local port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// A running SMTP sink; each received mail is kept as `recipients|subject|body` (body on one
/// line). Stopped when dropped.
pub struct SmtpSink {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts a sink on `port` (for instance where a stalled server listened before).
    pub fn start_on(port: u16) -> Self {
        let mut child = Command::new("/usr/bin/python3")
            .args(["-c", SERVER, &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start the SMTP sink (install python3-aiosmtpd): {e}")
            });
        let out = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mails = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let sink = mails.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if line == "READY" {
                    let _ = ready_tx.send(());
                } else if let Some(m) = line.strip_prefix("MAIL|")
                    && let Ok(mut v) = sink.lock()
                {
                    v.push(m.to_owned());
                }
            }
        });
        ready_rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| {
                panic!("the SMTP sink did not start (is python3-aiosmtpd installed?)")
            });
        Self { child, port, mails }
    }

    /// Every mail received so far.
    pub fn mails(&self) -> Vec<String> {
        self.mails.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Waits (up to 10 s) for a mail containing `needle` and returns it.
    pub async fn wait_for(&self, needle: &str) -> String {
        for _ in 0..200 {
            if let Some(m) = self.mails().into_iter().find(|m| m.contains(needle)) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail containing {needle:?}; got {:?}", self.mails());
    }
}

/// An SMTP server that accepts connections and never says a word. Stopping it closes the
/// listener and every connection it holds.
pub struct StalledSmtp {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    accepted: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl StalledSmtp {
    /// Starts listening on a free port.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("cannot listen: {e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("no address: {e}"))
            .port();
        let accepted = Arc::new(Mutex::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((conn, _)) = listener.accept().await {
                held.push(conn);
                if let Ok(mut n) = count.lock() {
                    *n += 1;
                }
            }
        });
        Self { port, accepted, task }
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.lock().map(|n| *n).unwrap_or_default()
    }

    /// Closes the listener and every held connection (a waiting client sees the connection
    /// end).
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for StalledSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}
