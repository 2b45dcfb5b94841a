//! The reader's materials: the `material:` URI scheme the window loads them from.
//!
//! A material is named by the open panel's package hash and its own SHA-256
//! (`material://localhost/panel/<package hash>/<sha256>`), never by a path. It is served
//! only when the panel is open in this window and its package lists that hash, and only
//! after its bytes in the package copy were read once against the hash
//! (`package::verified_material_span`). The verdict is kept for the session with the
//! file's length and modification time; a copy changed since is read again (and refused).
//! Materials are stored entries, so a `Range` is read straight from the file: a 100 MB
//! PDF is never held whole for one page.
//!
//! On the clerk's laptop a material is named by the review and its SHA-256
//! (`material://localhost/review/<review id>/<sha256>`): served only while the review is
//! open in this window (`commands::open_review` says so) and one of its nominations'
//! materials names the hash, after its stored content in the review file was read once
//! against the hash, a piece at a time. That verdict is kept for the session with the
//! content's row and the review file's (and its write-ahead log's) length and
//! modification time: a review changed since is read again, and refused when the content
//! no longer matches. Ranges are read from the SQLite blob in place
//! (`store::materials::read_content`), never the whole material per range.
//!
//! Content types come from the allowlist (`import::material_type`), by content and name
//! together: PDF, the images WebKit shows, plain text, `.docx` (bytes for the page's
//! renderer). Nothing else is served; never HTML or SVG. Every answer says `nosniff` and
//! carries a content policy that lets nothing in it run.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use paneldesk::import::material_type::{self, MaterialType};
use tauri::http::{Request, Response, StatusCode};

use crate::AppState;

/// The scheme's name: `material://localhost/panel/<package hash>/<sha256>`.
pub const SCHEME: &str = "material";

/// The page's own origins (Linux/macOS, Windows, and `tauri dev`): the only ones the
/// answers are shared with.
const ORIGINS: &[&str] = &[
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
    "http://localhost:5173",
];

/// How much of a material the allowlist looks at to name its type.
const HEAD_BYTES: u64 = 64 << 10;

/// A material read against its hash this session.
#[derive(Clone)]
struct Verdict {
    file: PathBuf,
    offset: u64,
    size: u64,
    /// The package copy as it was when read: length and modification time.
    stamp: (u64, Option<SystemTime>),
    content_type: &'static str,
}

/// A review file as it was when read: its own and its write-ahead log's stamps (an
/// empty or absent log is none).
type ReviewStamp = ((u64, Option<SystemTime>), Option<(u64, Option<SystemTime>)>);

/// A review material read against its hash this session.
#[derive(Clone)]
struct ReviewVerdict {
    file: PathBuf,
    rowid: i64,
    size: u64,
    stamp: ReviewStamp,
    content_type: &'static str,
}

/// What this session has verified, by (package hash, material hash), and the reviews
/// open in this window with what was verified of theirs, by (review id, material hash).
#[derive(Default)]
pub struct Verified {
    verdicts: Mutex<HashMap<(String, String), Verdict>>,
    reviews: Mutex<HashMap<String, PathBuf>>,
    review_verdicts: Mutex<HashMap<(String, String), ReviewVerdict>>,
}

impl Verified {
    /// The clerk's review screen opened `review_id` (the file `file`): its nominations'
    /// materials may be served from now on, this session.
    pub fn review_opened(&self, review_id: &str, file: PathBuf) {
        if let Ok(mut reviews) = self.reviews.lock() {
            reviews.insert(review_id.to_string(), file);
        }
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn stamp(file: &PathBuf) -> Option<(u64, Option<SystemTime>)> {
    let meta = std::fs::metadata(file).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

fn review_stamp(file: &PathBuf) -> Option<ReviewStamp> {
    let mut wal = file.as_os_str().to_owned();
    wal.push("-wal");
    let wal = stamp(&PathBuf::from(wal)).filter(|(len, _)| *len > 0);
    Some((stamp(file)?, wal))
}

/// A review id as the page names it: a file name's stem, nothing that walks.
fn is_review_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The content type a material is served under, or `None` when the window cannot show it.
fn content_type(file_name: &str, head: &[u8]) -> Option<&'static str> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match material_type::check(file_name, head).ok()? {
        MaterialType::Pdf => Some("application/pdf"),
        MaterialType::Image => match ext.as_str() {
            "png" => Some("image/png"),
            "jpg" | "jpeg" => Some("image/jpeg"),
            "gif" => Some("image/gif"),
            "bmp" => Some("image/bmp"),
            "webp" => Some("image/webp"),
            _ => None,
        },
        MaterialType::Text => Some("text/plain"),
        MaterialType::Office if ext == "docx" => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        MaterialType::Office | MaterialType::Video => None,
    }
}

fn read_at(file: &PathBuf, at: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut handle = std::fs::File::open(file)?;
    handle.seek(SeekFrom::Start(at))?;
    let mut out = vec![0; len as usize];
    handle.read_exact(&mut out)?;
    Ok(out)
}

/// The material `sha256` of the open panel `hash`, verified this session.
fn verdict(state: &AppState, hash: &str, sha256: &str) -> Option<Verdict> {
    let (file, file_name) = {
        let panels = state.panels.lock().ok()?;
        let panel = panels.get(hash).filter(|p| p.hash == hash)?;
        let material = panel
            .package
            .nominations
            .iter()
            .flat_map(|n| &n.materials)
            .find(|m| m.sha256 == sha256)?;
        (panel.package_file(), material.file_name.clone())
    };
    let key = (hash.to_string(), sha256.to_string());
    let now = stamp(&file)?;
    let mut verdicts = state.reader.verdicts.lock().ok()?;
    if let Some(v) = verdicts.get(&key) {
        if v.file == file && v.stamp == now {
            return Some(v.clone());
        }
        verdicts.remove(&key);
    }
    // Read once, a piece at a time, against the hash; only then is anything served.
    let (offset, size) = paneldesk::package::verified_material_span(&file, sha256).ok()?;
    let head = read_at(&file, offset, size.min(HEAD_BYTES)).ok()?;
    let content_type = content_type(&file_name, &head)?;
    let v = Verdict {
        file,
        offset,
        size,
        stamp: now,
        content_type,
    };
    // A copy changed while it was being read is read again next time.
    if stamp(&v.file) == Some(v.stamp) {
        verdicts.insert(key, v.clone());
        Some(v)
    } else {
        None
    }
}

/// The one range a `Range` header asks for, as (first, last) inclusive; `Err` when it
/// cannot be satisfied, `Ok(None)` when there is none (or one this server ignores).
#[allow(clippy::result_unit_err)]
pub fn parse_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    // Several ranges: answered with the whole material, which HTTP allows.
    if spec.contains(',') {
        return Ok(None);
    }
    let (first, last) = spec.split_once('-').ok_or(())?;
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let n: u64 = last.parse().map_err(|_| ())?;
        if n == 0 || size == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let first: u64 = first.parse().map_err(|_| ())?;
        let last = if last.is_empty() {
            size.saturating_sub(1)
        } else {
            last.parse::<u64>()
                .map_err(|_| ())?
                .min(size.saturating_sub(1))
        };
        if first >= size || last < first {
            return Err(());
        }
        (first, last)
    };
    Ok(Some(range))
}

fn base(request: &Request<Vec<u8>>, status: StatusCode) -> tauri::http::response::Builder {
    let mut builder = Response::builder()
        .status(status)
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "default-src 'none'; sandbox")
        .header("Cache-Control", "no-store")
        .header("Accept-Ranges", "bytes");
    let origin = request
        .headers()
        .get("Origin")
        .and_then(|o| o.to_str().ok())
        .filter(|o| ORIGINS.contains(o));
    if let Some(origin) = origin {
        builder = builder
            .header("Access-Control-Allow-Origin", origin)
            .header(
                "Access-Control-Expose-Headers",
                "Content-Range, Content-Length, Accept-Ranges",
            )
            .header("Vary", "Origin");
    }
    builder
}

fn empty(request: &Request<Vec<u8>>, status: StatusCode) -> Response<Vec<u8>> {
    base(request, status)
        .body(Vec::new())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

/// Answers one request of the page for a material.
pub fn respond(state: &AppState, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let method = request.method().as_str();
    if method == "OPTIONS" {
        let mut response = empty(request, StatusCode::NO_CONTENT);
        let headers = response.headers_mut();
        headers.insert(
            "Access-Control-Allow-Methods",
            tauri::http::HeaderValue::from_static("GET, HEAD"),
        );
        headers.insert(
            "Access-Control-Allow-Headers",
            tauri::http::HeaderValue::from_static("Range"),
        );
        return response;
    }
    if method != "GET" && method != "HEAD" {
        return empty(request, StatusCode::METHOD_NOT_ALLOWED);
    }
    let path = request.uri().path();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["panel", hash, sha256] if is_hex(hash, 64) && is_hex(sha256, 64) => {
            let Some(v) = verdict(state, hash, sha256) else {
                return empty(request, StatusCode::NOT_FOUND);
            };
            answer(request, v.size, v.content_type, |at, len| {
                let bytes = read_at(&v.file, v.offset + at, len).ok()?;
                // The copy must still be the one verified, or these bytes may not be its.
                (stamp(&v.file) == Some(v.stamp)).then_some(bytes)
            })
        }
        ["review", id, sha256] if is_review_id(id) && is_hex(sha256, 64) => {
            respond_review(state, request, id, sha256)
        }
        _ => empty(request, StatusCode::NOT_FOUND),
    }
}

/// A material of a review open in this window, verified once, in the range asked for.
fn respond_review(
    state: &AppState,
    request: &Request<Vec<u8>>,
    id: &str,
    sha256: &str,
) -> Response<Vec<u8>> {
    use paneldesk::store::materials;
    let not_found = || empty(request, StatusCode::NOT_FOUND);
    let file = match state.reader.reviews.lock() {
        Ok(reviews) => reviews.get(id).cloned(),
        Err(_) => None,
    };
    let Some(file) = file else {
        return not_found();
    };
    let Some(now) = review_stamp(&file) else {
        return not_found();
    };
    let Ok(conn) = materials::open_for_reading(&file) else {
        return not_found();
    };
    // Only what a nomination's material names, whatever else the file still holds.
    let Ok(Some(stored)) = materials::stored_content(&conn, sha256) else {
        return not_found();
    };
    let key = (id.to_string(), sha256.to_string());
    let cached = match state.reader.review_verdicts.lock() {
        Ok(mut verdicts) => match verdicts.get(&key) {
            Some(v) if v.file == file && v.rowid == stored.rowid && v.stamp == now => {
                Some(v.clone())
            }
            Some(_) => {
                verdicts.remove(&key);
                None
            }
            None => None,
        },
        Err(_) => return not_found(),
    };
    let v = match cached {
        Some(v) => v,
        None => {
            // Read once, a piece at a time, against the hash; only then is anything served.
            if !materials::content_matches(&conn, stored.rowid, sha256).unwrap_or(false) {
                return not_found();
            }
            let head_len = stored.bytes.min(HEAD_BYTES);
            let Ok(head) = materials::read_content(&conn, stored.rowid, 0, head_len) else {
                return not_found();
            };
            let Some(content_type) = content_type(&stored.file_name, &head) else {
                return not_found();
            };
            let v = ReviewVerdict {
                file: file.clone(),
                rowid: stored.rowid,
                size: stored.bytes,
                stamp: now,
                content_type,
            };
            // A review changed while it was being read is read again next time.
            if review_stamp(&file) != Some(now) {
                return not_found();
            }
            if let Ok(mut verdicts) = state.reader.review_verdicts.lock() {
                verdicts.insert(key, v.clone());
            }
            v
        }
    };
    answer(request, v.size, v.content_type, |at, len| {
        let bytes = materials::read_content(&conn, v.rowid, at, len).ok()?;
        // The review must still be the one verified, or these bytes may not be its.
        (review_stamp(&v.file) == Some(v.stamp)).then_some(bytes)
    })
}

/// The answer for a verified material of `size` bytes: the range asked for (or all of
/// it), read by `read(at, len)`, which gives `None` when the bytes can no longer be
/// trusted.
fn answer(
    request: &Request<Vec<u8>>,
    size: u64,
    content_type: &'static str,
    read: impl FnOnce(u64, u64) -> Option<Vec<u8>>,
) -> Response<Vec<u8>> {
    let range = request.headers().get("Range").and_then(|r| r.to_str().ok());
    let (status, first, last) = match parse_range(range, size) {
        Ok(Some((first, last))) => (StatusCode::PARTIAL_CONTENT, first, last),
        Ok(None) => (StatusCode::OK, 0, size.saturating_sub(1)),
        Err(()) => {
            let mut response = empty(request, StatusCode::RANGE_NOT_SATISFIABLE);
            if let Ok(value) = format!("bytes */{size}").parse() {
                response.headers_mut().insert("Content-Range", value);
            }
            return response;
        }
    };
    let len = if size == 0 { 0 } else { last - first + 1 };
    let body = if request.method().as_str() == "HEAD" {
        Vec::new()
    } else {
        match read(first, len) {
            Some(bytes) => bytes,
            None => return empty(request, StatusCode::NOT_FOUND),
        }
    };
    let mut builder = base(request, status)
        .header("Content-Type", content_type)
        .header("Content-Length", len.to_string());
    if status == StatusCode::PARTIAL_CONTENT {
        builder = builder.header("Content-Range", format!("bytes {first}-{last}/{size}"));
    }
    builder
        .body(body)
        .unwrap_or_else(|_| empty(request, StatusCode::NOT_FOUND))
}

#[cfg(test)]
mod tests {
    //! A material reaches the window only as the open panel's package holds it, verified
    //! against its hash, in the ranges asked for (issue 23).

    use super::*;
    use paneldesk::keys::ClerkKeys;
    use std::path::{Path, PathBuf};

    const T0: &str = "2026-11-20T09:00:00+08:00";

    fn clerk_keys() -> ClerkKeys {
        ClerkKeys {
            signing_seed: paneldesk::keys::hex(&[3; 32]),
            age_identity:
                "AGE-SECRET-KEY-17S9E3WYXXZYAGH99M9UPT25PUQ7PHJ99H0GASDC799EN7FH32RTSUJE85P".into(),
        }
    }

    /// A PDF-looking material of `len` bytes whose every byte tells its position.
    fn pdf(len: usize, salt: u8) -> Vec<u8> {
        let mut bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8 ^ salt).collect();
        bytes[..8].copy_from_slice(b"%PDF-1.7");
        bytes
    }

    /// A demo review at the path `at` gives its id, whose first nomination carries
    /// `material`; answers the id and the path.
    fn demo_carrying(
        material: &[u8],
        tag: &str,
        at: impl FnOnce(&str) -> PathBuf,
    ) -> (String, PathBuf) {
        let spec = paneldesk::demo::DemoSpec::default();
        let id = paneldesk::demo::review_id(&spec, tag);
        let review = at(&id);
        std::fs::create_dir_all(review.parent().unwrap()).unwrap();
        paneldesk::demo::create(&review, &id, &spec, T0).unwrap();
        let mut conn = paneldesk::store::open(&review).unwrap();
        let tx = conn.transaction().unwrap();
        let first: i64 = tx
            .query_row("SELECT min(id) FROM nomination", [], |r| r.get(0))
            .unwrap();
        paneldesk::store::materials::attach(&tx, first, "推荐表.pdf", "推荐表.pdf", material)
            .unwrap();
        tx.commit().unwrap();
        (id, review)
    }

    /// A demo review whose first nomination carries `material`, packaged, and opened on
    /// an expert's laptop (the panel is in `state.panels`, as the expert's screen has it).
    fn open_panel(state: &AppState, root: &Path, material: &[u8], tag: &str) -> (String, PathBuf) {
        let (_, review) = demo_carrying(material, tag, |_| root.join(format!("{tag}.pdreview")));
        let file = root.join(format!("{tag}.pdpanel"));
        paneldesk::package::build(&review, &file, &clerk_keys(), "2026-12-10", 0, T0, "clerk")
            .unwrap();
        let panel =
            paneldesk::scoring::panel::import_package(&state.workspace.panels_dir(), &file, T0)
                .unwrap();
        let hash = panel.hash.clone();
        let copy = panel.package_file();
        state.panels.lock().unwrap().insert(hash.clone(), panel);
        (hash, copy)
    }

    /// A demo review in this laptop's data folder whose first nomination carries
    /// `material`; opened in the window (as the clerk's review screen opens it) when `open`.
    fn review_with(state: &AppState, material: &[u8], tag: &str, open: bool) -> (String, PathBuf) {
        let (id, review) =
            demo_carrying(material, tag, |id| state.workspace.path_for_new_review(id));
        if open {
            crate::commands::open_review(state, id.clone()).unwrap();
        }
        (id, review)
    }

    fn get(state: &AppState, path: &str, range: Option<&str>) -> Response<Vec<u8>> {
        let mut request = Request::builder().uri(format!("material://localhost{path}"));
        if let Some(range) = range {
            request = request.header("Range", range);
        }
        respond(state, &request.body(Vec::new()).unwrap())
    }

    fn header<'a>(response: &'a Response<Vec<u8>>, name: &str) -> &'a str {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn laptop() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(paneldesk::workspace::Workspace::at(dir.path().join("data")));
        (dir, state)
    }

    /// A `len`-byte PDF (`salt` varies its bytes) on a laptop, as the window asks for it.
    struct Served {
        _dir: tempfile::TempDir,
        state: AppState,
        material: Vec<u8>,
        url: String,
        /// What holds the material: the laptop's copy of the package, or the review.
        file: PathBuf,
    }

    /// Serves a material that `open` puts on a fresh laptop; `open` answers where the
    /// window finds it (`/panel/<hash>`, `/review/<id>`) and the file that holds it.
    fn served(
        len: usize,
        salt: u8,
        open: fn(&AppState, &Path, &[u8]) -> (String, PathBuf),
    ) -> Served {
        let (dir, state) = laptop();
        let material = pdf(len, salt);
        let (at, file) = open(&state, dir.path(), &material);
        let url = format!("{at}/{}", paneldesk::keys::sha256_hex(&material));
        Served {
            _dir: dir,
            state,
            material,
            url,
            file,
        }
    }

    /// `served`'s opener for an expert's open panel.
    fn in_panel(state: &AppState, root: &Path, material: &[u8]) -> (String, PathBuf) {
        let (hash, copy) = open_panel(state, root, material, "a");
        (format!("/panel/{hash}"), copy)
    }

    /// `served`'s opener for a review open in the clerk's window.
    fn in_open_review(state: &AppState, _: &Path, material: &[u8]) -> (String, PathBuf) {
        let (id, review) = review_with(state, material, "r", true);
        (format!("/review/{id}"), review)
    }

    /// Asks for bytes 1000-1999 of a 300,000-byte material, its last five, the whole and a
    /// range past its end, checking each answer; answers the first.
    fn assert_serves_ranges(s: &Served) -> Response<Vec<u8>> {
        let part = get(&s.state, &s.url, Some("bytes=1000-1999"));
        assert_eq!(part.status(), 206);
        assert_eq!(part.body().as_slice(), &s.material[1000..2000]);
        assert_eq!(header(&part, "Content-Range"), "bytes 1000-1999/300000");
        assert_eq!(header(&part, "Content-Length"), "1000");
        assert_eq!(header(&part, "Content-Type"), "application/pdf");
        assert_eq!(header(&part, "X-Content-Type-Options"), "nosniff");

        let suffix = get(&s.state, &s.url, Some("bytes=-5"));
        assert_eq!(suffix.body().as_slice(), &s.material[299_995..]);
        let whole = get(&s.state, &s.url, None);
        assert_eq!(whole.status(), 200);
        assert_eq!(whole.body(), &s.material);
        let beyond = get(&s.state, &s.url, Some("bytes=300000-"));
        assert_eq!(beyond.status(), 416);
        assert_eq!(header(&beyond, "Content-Range"), "bytes */300000");
        assert!(beyond.body().is_empty());
        part
    }

    /// Flips `mask` into one byte of the laptop's package copy, `offset` bytes into the
    /// material.
    fn alter_copy(s: &Served, offset: usize, mask: u8) {
        let mut bytes = std::fs::read(&s.file).unwrap();
        let at = bytes
            .windows(s.material.len())
            .position(|w| w == s.material.as_slice())
            .unwrap();
        bytes[at + offset] ^= mask;
        std::fs::write(&s.file, &bytes).unwrap();
    }

    /// Refused as the window is told nothing: a client error and no bytes.
    fn assert_refused(response: Response<Vec<u8>>) {
        assert!(response.status().is_client_error(), "{}", response.status());
        assert!(response.body().is_empty());
    }

    #[test]
    fn a_range_request_returns_those_bytes_of_the_material() {
        let s = served(300_000, 0, in_panel);
        let part = assert_serves_ranges(&s);
        assert_eq!(header(&part, "Accept-Ranges"), "bytes");
        let tail = get(&s.state, &s.url, Some("bytes=299990-"));
        assert_eq!(tail.status(), 206);
        assert_eq!(tail.body().as_slice(), &s.material[299_990..]);
        let whole = get(&s.state, &s.url, None);
        assert_eq!(header(&whole, "Accept-Ranges"), "bytes");
    }

    #[test]
    fn a_material_whose_bytes_were_altered_is_refused() {
        let s = served(200_000, 7, in_panel);
        assert_eq!(get(&s.state, &s.url, Some("bytes=0-9")).status(), 206);

        // The package copy on this laptop changed after the panel was opened and the
        // material first shown: one byte far from the range asked for.
        std::thread::sleep(std::time::Duration::from_millis(20));
        alter_copy(&s, 150_000, 0xff);

        assert_refused(get(&s.state, &s.url, Some("bytes=0-9")));
        assert_refused(get(&s.state, &s.url, None));
    }

    #[test]
    fn a_material_altered_before_it_was_first_shown_is_refused() {
        let s = served(50_000, 9, in_panel);
        alter_copy(&s, 40_000, 1);
        assert_refused(get(&s.state, &s.url, Some("bytes=0-9")));
    }

    #[test]
    fn a_range_of_a_review_material_is_read_from_the_review_file() {
        let s = served(300_000, 3, in_open_review);
        let part = assert_serves_ranges(&s);
        assert_eq!(
            header(&part, "Content-Security-Policy"),
            "default-src 'none'; sandbox"
        );
    }

    #[test]
    fn a_review_material_is_refused_unless_its_review_is_open_and_names_it() {
        let (_dir, state) = laptop();
        let ours = pdf(10_000, 4);
        let theirs = pdf(10_000, 5);
        let elsewhere = pdf(10_000, 6);
        let (id, _) = review_with(&state, &ours, "a", true);
        let (other, _) = review_with(&state, &theirs, "b", true);
        let (closed, _) = review_with(&state, &elsewhere, "c", false);
        let sha = |b: &[u8]| paneldesk::keys::sha256_hex(b);
        assert_eq!(
            get(&state, &format!("/review/{id}/{}", sha(&ours)), None).status(),
            200
        );
        assert_eq!(
            get(&state, &format!("/review/{other}/{}", sha(&theirs)), None).status(),
            200
        );

        let refused = [
            // Another review's material, named under this review.
            format!("/review/{id}/{}", sha(&theirs)),
            // A hash nobody has.
            format!("/review/{id}/{}", "0".repeat(64)),
            // A review in the data folder but not open in this window.
            format!("/review/{closed}/{}", sha(&elsewhere)),
            // A review that does not exist.
            format!("/review/nope/{}", sha(&ours)),
            // Paths and other shapes.
            format!("/review/{id}/../../x.pdreview"),
            format!("/review/{id}"),
            format!("/review/{id}/{}/extra", sha(&ours)),
        ];
        for path in refused {
            let response = get(&state, &path, None);
            assert_eq!(response.status(), 404, "{path}");
            assert!(response.body().is_empty(), "{path}");
        }
    }

    #[test]
    fn a_review_material_altered_after_its_first_check_is_refused() {
        let s = served(200_000, 8, in_open_review);
        let (state, url) = (&s.state, &s.url);
        assert_eq!(get(state, url, Some("bytes=0-9")).status(), 206);

        // The stored content changed under its hash, one byte far from the range asked for.
        let mut altered = s.material.clone();
        altered[150_000] ^= 0xff;
        std::thread::sleep(std::time::Duration::from_millis(20));
        {
            let conn = paneldesk::store::open(&s.file).unwrap();
            conn.execute(
                "UPDATE material_blob SET content = ?1 WHERE sha256 = ?2",
                (&altered, paneldesk::keys::sha256_hex(&s.material)),
            )
            .unwrap();
        }

        let refused = get(state, url, Some("bytes=0-9"));
        assert_eq!(refused.status(), 404);
        assert!(refused.body().is_empty());
        assert_eq!(get(state, url, None).status(), 404);
    }

    #[test]
    fn an_unknown_id_or_another_panels_material_is_refused() {
        let (dir, state) = laptop();
        let ours = pdf(10_000, 1);
        let theirs = pdf(10_000, 2);
        let (hash, _) = open_panel(&state, dir.path(), &ours, "a");
        let (other, _) = open_panel(&state, dir.path(), &theirs, "b");
        let ours_sha = paneldesk::keys::sha256_hex(&ours);
        let theirs_sha = paneldesk::keys::sha256_hex(&theirs);
        assert_eq!(
            get(&state, &format!("/panel/{hash}/{ours_sha}"), None).status(),
            200
        );
        assert_eq!(
            get(&state, &format!("/panel/{other}/{theirs_sha}"), None).status(),
            200
        );

        let refused = [
            // Another panel's material, named under this panel.
            format!("/panel/{hash}/{theirs_sha}"),
            // A hash nobody has.
            format!("/panel/{hash}/{}", "0".repeat(64)),
            // A panel not open in this window.
            format!("/panel/{}/{ours_sha}", "ab".repeat(32)),
            // Paths and other shapes.
            format!("/panel/{hash}/../../package.pdpanel"),
            format!("/panel/{hash}"),
            "/etc/passwd".to_string(),
            format!("/panel/{hash}/{ours_sha}/extra"),
        ];
        for path in refused {
            let response = get(&state, &path, None);
            assert_eq!(response.status(), 404, "{path}");
            assert!(response.body().is_empty(), "{path}");
        }
    }
}
