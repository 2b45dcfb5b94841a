//! Copying a review's write-ahead log into the review on a thread of its own while a long
//! batch keeps writing, so the batch does not end by waiting for all of it at once.
//!
//! A folder import commits one transaction per workbook with `synchronous=NORMAL` and
//! automatic checkpoints off (see `import::file::import_many`), then checkpoints before it
//! reports. Done only at the end, that checkpoint syncs and copies the whole batch, 20 MB for
//! a province's nominations, while nothing else happens: a quarter of the import's time on
//! the test machine. Here a second connection copies what is committed as it comes, and the
//! disk waits overlap the parsing. The final checkpoint stays with the writer and is still
//! what makes the batch durable; this only leaves it less to do.
//!
//! Each round copies without blocking the writer (PASSIVE), flushes the copied pages to
//! disk, and only then takes the writer's lock for a RESTART checkpoint, which has a few
//! pages left to copy and sync. A RESTART is what lets the writer's next transaction write
//! the log from its start again: with PASSIVE alone the log was never reset and grew past
//! the review's own size (32 MB for a 22 MB review), and the kernel zeroed every new block
//! of it and then had to free them all when the final checkpoint truncated it.

use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// Rounds wait for at least this many committed pages (2 MB): the log stays small, while
/// the writer is held up by a dozen short RESTARTs in a province's batch, not hundreds.
const PAGES_PER_CHECKPOINT: u64 = 500;

/// How long a RESTART waits for readers to leave the log before giving up for this round.
/// It holds the writer's lock meanwhile, so it must stay short; the frames it did copy stay
/// copied, and the next round or the final checkpoint does the rest.
const RESTART_PATIENCE: std::time::Duration = std::time::Duration::from_millis(20);

pub struct BackgroundCheckpoint {
    commits: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// Rounds done, so a test can wait for the thread instead of guessing how long the
    /// scheduler takes on a loaded machine.
    #[cfg_attr(not(test), allow(dead_code))]
    rounds: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl BackgroundCheckpoint {
    /// Starts the checkpointing thread for the review at `path`. Best effort: if its
    /// connection cannot be opened, the writer's final checkpoint does all the work.
    pub fn start(path: &Path) -> BackgroundCheckpoint {
        let (commits, received) = mpsc::channel::<()>();
        let path = path.to_path_buf();
        let rounds = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let done = rounds.clone();
        let thread = std::thread::spawn(move || {
            let Ok(conn) = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ) else {
                return;
            };
            // The connection's default `synchronous=FULL` makes the RESTART sync the review
            // before the log can be overwritten; that must hold, so it is not lowered here.
            let _ = conn.busy_timeout(RESTART_PATIENCE);
            // Write access because Windows flushes only handles that may write.
            let review = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
                .ok();
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
                // Failures here only leave frames for the next round or the writer's own
                // final checkpoint.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                if let Some(review) = &review {
                    let _ = review.sync_data();
                }
                let _ = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
                copied = now;
                done.fetch_add(1, std::sync::atomic::Ordering::Release);
            }
        });
        BackgroundCheckpoint {
            commits: Some(commits),
            thread: Some(thread),
            rounds,
        }
    }

    #[cfg(test)]
    fn rounds(&self) -> u64 {
        self.rounds.load(std::sync::atomic::Ordering::Acquire)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAL database written like a folder import: automatic checkpoints off, one
    /// transaction after another of about `pages` pages each.
    fn writer(path: &Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch(
            "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;
             CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
        )
        .unwrap();
        conn
    }

    fn commit_pages(conn: &mut Connection, pages: usize) {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        for _ in 0..pages {
            tx.execute("INSERT INTO t (body) VALUES (zeroblob(4000))", [])
                .unwrap();
        }
        tx.commit().unwrap();
    }

    fn wal_len(path: &Path) -> u64 {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        std::fs::metadata(wal).map_or(0, |m| m.len())
    }

    #[test]
    fn the_log_starts_over_during_a_batch_instead_of_growing_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdreview");
        let mut conn = writer(&path);
        let checkpoint = BackgroundCheckpoint::start(&path);
        // 40 commits of 100 pages: 16 MB of log if it were never started over.
        let pages = |conn: &Connection| -> u64 {
            conn.query_row("PRAGMA page_count", [], |r| r.get(0))
                .unwrap()
        };
        let mut copied = pages(&conn);
        for _ in 0..40 {
            let before = checkpoint.rounds();
            commit_pages(&mut conn, 100);
            checkpoint.committed();
            // The gap a workbook's parsing leaves between two commits; when a round is due
            // it lasts until the round is done, however slowly a loaded machine schedules
            // the thread.
            std::thread::sleep(std::time::Duration::from_millis(2));
            if pages(&conn) >= copied + PAGES_PER_CHECKPOINT {
                let waited = std::time::Instant::now();
                while checkpoint.rounds() == before
                    && waited.elapsed() < std::time::Duration::from_secs(10)
                {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                copied = pages(&conn);
            }
        }
        checkpoint.finish();
        let written = 40 * 100 * 4096;
        assert!(
            wal_len(&path) < written / 2,
            "log of {} bytes for {written} bytes written",
            wal_len(&path)
        );
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        drop(conn);
        let rows: i64 = Connection::open(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 4000);
    }

    #[test]
    fn a_reader_in_the_log_neither_stops_the_writer_nor_loses_its_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdreview");
        let mut conn = writer(&path);
        commit_pages(&mut conn, 10);
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let seen = || -> i64 {
            reader
                .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(seen(), 10);
        let checkpoint = BackgroundCheckpoint::start(&path);
        for _ in 0..15 {
            commit_pages(&mut conn, 100);
            checkpoint.committed();
        }
        checkpoint.finish();
        assert_eq!(seen(), 10, "the reader's snapshot moved");
        reader.execute_batch("COMMIT").unwrap();
        assert_eq!(seen(), 1510);
    }
}
