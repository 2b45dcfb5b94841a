//! Copying a review's write-ahead log into the review on a thread of its own while a long
//! batch keeps writing, so the batch does not end by waiting for all of it at once.
//!
//! A folder import commits one transaction per workbook with `synchronous=NORMAL` and
//! automatic checkpoints off (see `import::file::import_many`), then checkpoints before it
//! reports. Done only at the end, that checkpoint syncs and copies the whole batch, 20 MB for
//! a province's nominations, while nothing else happens: a quarter of the import's time on
//! the test machine. Here a second connection copies what is committed as it comes (PASSIVE
//! checkpoints never block the writer), and the disk waits overlap the parsing. The final
//! checkpoint stays with the writer and is still what makes the batch durable; this only
//! leaves it less to do.

use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// Checkpoints waiting for at least this many committed pages each: fewer, larger copies
/// and syncs, which cost the same wait whether they carry ten pages or a thousand.
const PAGES_PER_CHECKPOINT: u64 = 1_000;

pub struct BackgroundCheckpoint {
    commits: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundCheckpoint {
    /// Starts the checkpointing thread for the review at `path`. Best effort: if its
    /// connection cannot be opened, the writer's final checkpoint does all the work.
    pub fn start(path: &Path) -> BackgroundCheckpoint {
        let (commits, received) = mpsc::channel::<()>();
        let path = path.to_path_buf();
        let thread = std::thread::spawn(move || {
            let Ok(conn) = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ) else {
                return;
            };
            let pages =
                || -> Option<u64> { conn.query_row("PRAGMA page_count", [], |r| r.get(0)).ok() };
            let mut copied = pages().unwrap_or(0);
            while received.recv().is_ok() {
                received.try_iter().for_each(drop);
                // Growth of the file as this connection now sees it: close enough to the
                // pages an import appends, which is what the log holds.
                let Some(now) = pages() else { continue };
                if now < copied + PAGES_PER_CHECKPOINT {
                    continue;
                }
                // A PASSIVE checkpoint copies what no reader still needs and returns; a
                // failure here leaves the frames for the writer's own checkpoint.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                copied = now;
            }
        });
        BackgroundCheckpoint {
            commits: Some(commits),
            thread: Some(thread),
        }
    }

    /// Tells the thread that the writer committed a transaction.
    pub fn committed(&self) {
        if let Some(commits) = &self.commits {
            let _ = commits.send(());
        }
    }

    /// Stops the thread after its current checkpoint.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.commits = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for BackgroundCheckpoint {
    fn drop(&mut self) {
        self.stop();
    }
}
