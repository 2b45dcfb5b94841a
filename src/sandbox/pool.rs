//! Long-lived parsing children, one per core, so a folder of a hundred workbooks pays for
//! a process start a few times rather than a hundred.
//!
//! Each child is the same binary started as `paneldesk __read-workbooks`. It gives up the
//! file system and the network before it reads anything ([`super::child`]), then reads
//! requests from stdin (a little-endian u32 length and the file's lower-case extension,
//! a u64 length and the file's bytes) and answers on stdout (a u64 length, then the cells
//! in the form [`super::wire`] describes). The parent preflights and reads every file,
//! enforces a wall-clock deadline per file and kills a child that overruns it; a child
//! that dies (an abort, the address-space limit) costs only the file it was reading, and
//! the next file gets a fresh child. A child that a crafted workbook takes over can
//! neither read the clerk's keys nor leave anything behind on the laptop.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use super::grid::Grid;
use super::reader::{preflight, read_unguarded, Limits, WorkbookError};
use super::wire;

/// The hidden subcommand that turns a `paneldesk` binary into a parsing child.
pub const CHILD_COMMAND: &str = "__read-workbooks";

/// A child is replaced after this many files, so its CPU-time limit stays meaningful.
const FILES_PER_CHILD: usize = 64;

/// Largest answer accepted from a child: grids are bounded by `Limits`, so anything
/// bigger means the child is not ours or has gone wrong.
const MAX_ANSWER_BYTES: u64 = 512 << 20;

/// The result of parsing one workbook.
pub type Parsed = Result<Vec<Grid>, WorkbookError>;

fn stopped(detail: impl Into<String>) -> WorkbookError {
    WorkbookError::ParserStopped {
        detail: detail.into(),
    }
}

/// One running child and the thread that reads its answers, so the parent can wait for an
/// answer with a deadline.
struct Worker {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    answers: mpsc::Receiver<Option<Vec<u8>>>,
    served: usize,
}

impl Worker {
    fn spawn(exe: &Path, limits: &Limits) -> Result<Worker, WorkbookError> {
        let mut command = Command::new(exe);
        command
            .arg(CHILD_COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        limit_child(&mut command, limits);
        let mut child = command.spawn().map_err(|e| WorkbookError::Io {
            detail: format!("{}: {e}", exe.display()),
        })?;
        let stdin = child.stdin.take().ok_or_else(|| stopped("no stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| stopped("no stdout"))?;
        let (send, answers) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            loop {
                let answer = read_frame(&mut stdout);
                let done = answer.is_none();
                if send.send(answer).is_err() || done {
                    break;
                }
            }
        });
        Ok(Worker {
            child,
            stdin: BufWriter::new(stdin),
            answers,
            served: 0,
        })
    }

    fn parse(&mut self, path: &Path, limits: &Limits) -> Parsed {
        self.served += 1;
        // Preflight has bounded the size; the child sees bytes, never the path.
        let bytes = std::fs::read(path).map_err(|e| WorkbookError::Io {
            detail: e.to_string(),
        })?;
        let extension = super::reader::extension_of(path);
        let sent = u32::try_from(extension.len())
            .map_err(|_| stopped("extension too long"))
            .and_then(|len| {
                self.stdin
                    .write_all(&len.to_le_bytes())
                    .and_then(|()| self.stdin.write_all(extension.as_bytes()))
                    .and_then(|()| self.stdin.write_all(&(bytes.len() as u64).to_le_bytes()))
                    .and_then(|()| self.stdin.write_all(&bytes))
                    .and_then(|()| self.stdin.flush())
                    .map_err(|e| stopped(e.to_string()))
            });
        sent?;
        match self
            .answers
            .recv_timeout(Duration::from_secs(limits.child_seconds))
        {
            Ok(Some(bytes)) => {
                wire::decode(&bytes, limits).unwrap_or_else(|e| Err(stopped(e.to_string())))
            }
            Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = self.child.kill();
                let status = self.child.wait().map(|s| s.to_string());
                Err(stopped(status.unwrap_or_else(|e| e.to_string())))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err(stopped(format!("{} s", limits.child_seconds)))
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing stdin ends a healthy child; kill covers one that is stuck.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_frame(from: &mut impl Read) -> Option<Vec<u8>> {
    let mut len = [0u8; 8];
    from.read_exact(&mut len).ok()?;
    let len = u64::from_le_bytes(len);
    if len > MAX_ANSWER_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    from.take(len).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == len).then_some(bytes)
}

#[cfg(unix)]
fn limit_child(command: &mut Command, limits: &Limits) {
    use std::os::unix::process::CommandExt;
    let memory = limits.child_memory_bytes;
    // CPU time adds up over the child's life; the per-file deadline is the parent's.
    let cpu = limits.child_seconds.saturating_mul(4);
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let mem = libc::rlimit {
                rlim_cur: memory,
                rlim_max: memory,
            };
            let cpu = libc::rlimit {
                rlim_cur: cpu,
                rlim_max: cpu,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &mem) != 0
                || libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_command: &mut Command, _limits: &Limits) {
    // Only the parent's deadline applies here; see docs/ARCHITECTURE.md.
}

/// Parses untrusted workbooks in children, `size` at a time.
///
/// Children left healthy at the end of a call wait for the next one, so a pool kept for a
/// session (the app keeps one, and imports a dropped folder in several calls so its
/// progress bar moves) starts them once. The app's binary links the whole desktop stack
/// and takes tens of milliseconds to start; a child per call per core cost more than the
/// parsing.
pub struct ParserPool {
    exe: PathBuf,
    limits: Limits,
    size: usize,
    idle: Mutex<Vec<Worker>>,
    started: AtomicUsize,
}

impl ParserPool {
    pub fn new(exe: &Path, limits: Limits) -> ParserPool {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ParserPool {
            exe: exe.to_path_buf(),
            limits,
            size: cores.clamp(1, 4),
            idle: Mutex::new(Vec::new()),
            started: AtomicUsize::new(0),
        }
    }

    /// How many children this pool has started so far.
    pub fn children_started(&self) -> usize {
        self.started.load(Ordering::Relaxed)
    }

    /// A child left by an earlier call, if one is still running.
    fn take_idle(&self) -> Option<Worker> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(mut worker) = idle.pop() {
            if matches!(worker.child.try_wait(), Ok(None)) {
                return Some(worker);
            }
        }
        None
    }

    fn put_back(&self, worker: Option<Worker>) {
        if let Some(worker) = worker {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(worker);
        }
    }

    /// Parses every file, passes it through `prepare` on the pool's own threads, and
    /// hands each result to `sink` in the order of `files`, while later files are still
    /// being parsed; a `None` is handed on as an error unparsed. Stops early if `sink`
    /// fails.
    pub fn parse_in_order<T: Send, E>(
        &self,
        files: &[Option<PathBuf>],
        prepare: impl Fn(usize, Parsed) -> T + Sync,
        mut sink: impl FnMut(usize, T) -> Result<(), E>,
    ) -> Result<(), E> {
        let next = AtomicUsize::new(0);
        let workers = self.size.min(files.len()).max(1);
        let (send, results) = mpsc::channel::<(usize, T)>();
        let prepare = &prepare;
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let send = send.clone();
                let next = &next;
                scope.spawn(move || {
                    let mut worker = self.take_idle();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        let parsed = match path {
                            Some(path) => self.parse_with(&mut worker, path),
                            None => Err(stopped("not parsed")),
                        };
                        if send.send((i, prepare(i, parsed))).is_err() {
                            break;
                        }
                    }
                    self.put_back(worker);
                });
            }
            drop(send);
            let mut waiting = std::collections::BTreeMap::new();
            let mut due = 0;
            for (i, parsed) in results.iter() {
                waiting.insert(i, parsed);
                while let Some(parsed) = waiting.remove(&due) {
                    if let Err(e) = sink(due, parsed) {
                        // Workers stop at their next send.
                        next.store(files.len(), Ordering::Relaxed);
                        return Err(e);
                    }
                    due += 1;
                }
            }
            Ok(())
        })
    }

    fn parse_with(&self, worker: &mut Option<Worker>, path: &Path) -> Parsed {
        preflight(path, &self.limits)?;
        if worker.as_ref().is_some_and(|w| w.served >= FILES_PER_CHILD) {
            *worker = None;
        }
        if worker.is_none() {
            *worker = Some(Worker::spawn(&self.exe, &self.limits)?);
            self.started.fetch_add(1, Ordering::Relaxed);
        }
        let parsed = worker
            .as_mut()
            .map_or_else(|| Err(stopped("no child")), |w| w.parse(path, &self.limits));
        if matches!(parsed, Err(WorkbookError::ParserStopped { .. })) {
            // Whatever happened to that child, the next file gets a fresh one.
            *worker = None;
        }
        parsed
    }

    /// Parses one file.
    pub fn parse_one(&self, path: &Path) -> Parsed {
        self.parse_with(&mut None, path)
    }
}

/// The child's side: answer requests until stdin closes. Returns the exit code.
pub fn child_main() -> i32 {
    let limits = Limits::default();
    // Before the first byte of a workbook: no file system, no network, no new privileges.
    super::child::enter();
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut output = BufWriter::new(std::io::stdout().lock());
    loop {
        let mut len = [0u8; 4];
        if input.read_exact(&mut len).is_err() {
            return 0;
        }
        let len = u32::from_le_bytes(len) as usize;
        let mut extension = vec![0u8; len.min(16)];
        if len > 16 || input.read_exact(&mut extension).is_err() {
            return 2;
        }
        let mut size = [0u8; 8];
        if input.read_exact(&mut size).is_err() {
            return 2;
        }
        let size = u64::from_le_bytes(size);
        if size > limits.max_file_bytes {
            return 2;
        }
        let mut bytes = Vec::with_capacity(size as usize);
        if (&mut input).take(size).read_to_end(&mut bytes).is_err() || bytes.len() as u64 != size {
            return 2;
        }
        let extension = String::from_utf8_lossy(&extension).into_owned();
        let answer = read_unguarded(&extension, bytes, &limits);
        let written = output
            .write_all(&(answer.len() as u64).to_le_bytes())
            .and_then(|()| output.write_all(&answer))
            .and_then(|()| output.flush());
        if written.is_err() {
            return 2;
        }
    }
}

/// Reads `path` in a child process (see [`ParserPool`]) with an address-space limit and
/// a deadline, after [`preflight`](super::reader::preflight). `exe` is a `paneldesk` binary.
pub fn read_isolated(exe: &Path, path: &Path, limits: &Limits) -> Result<Vec<Grid>, WorkbookError> {
    ParserPool::new(exe, limits.clone()).parse_one(path)
}

/// The binary to run the child with: this one, when it is `paneldesk`.
pub fn default_exe() -> Option<PathBuf> {
    std::env::current_exe().ok()
}
