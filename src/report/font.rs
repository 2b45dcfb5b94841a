//! The CJK faces reports and certificates are set in, found on disk, with each
//! character's advance measured once and cached.
//!
//! The faces PanelDesk ships (`assets/fonts`: Noto Serif CJK SC Regular and Bold for
//! certificates, Noto Sans CJK SC for reports, all OFL) are looked for before any system
//! folder, so a certificate prints the same on every laptop and never depends on what
//! the system happens to have; a folder named by `PANELDESK_FONT_DIR` still comes first.
//!
//! Why Noto CJK SC: it covers the rare name characters (喆珺赟鋆彧翀〇) that GB2312-only
//! fonts lack, and carries ASCII, which Droid Sans Fallback does not. In the `.ttc`
//! collections the Simplified Chinese face is index 2.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use printpdf::ParsedFont;

use crate::error::{Error, Result};

/// Which face a document is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Certificates: Noto Serif CJK SC.
    Serif,
    SerifBold,
    /// Reports and lists: Noto Sans CJK SC.
    Sans,
    SansBold,
}

impl Style {
    /// File names tried in each font folder, with the face index inside the file: the
    /// face as shipped in `assets/fonts` first, then the names system packages use.
    fn candidates(self) -> &'static [(&'static str, usize)] {
        match self {
            Style::Serif => &[
                ("NotoSerifCJKsc-Regular.otf", 0),
                ("NotoSerifCJK-Regular.ttc", 2),
                ("NotoSerifSC-Regular.otf", 0),
            ],
            Style::SerifBold => &[
                ("NotoSerifCJKsc-Bold.otf", 0),
                ("NotoSerifCJK-Bold.ttc", 2),
                ("NotoSerifSC-Bold.otf", 0),
            ],
            Style::Sans => &[
                ("NotoSansCJKsc-Regular.otf", 0),
                ("NotoSansCJK-Regular.ttc", 2),
                ("NotoSansSC-Regular.otf", 0),
            ],
            Style::SansBold => &[
                ("NotoSansCJKsc-Bold.otf", 0),
                ("NotoSansCJK-Bold.ttc", 2),
                ("NotoSansSC-Bold.otf", 0),
            ],
        }
    }

    /// The file name a face has in `assets/fonts` (and wherever an installer puts it).
    pub fn shipped_file(self) -> &'static str {
        self.candidates()[0].0
    }
}

/// Folders searched for fonts, in order: the one the user names, then the faces shipped
/// with PanelDesk ([`bundled_dirs`]), and only then the system's Noto CJK (for a face
/// PanelDesk does not ship).
pub fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("PANELDESK_FONT_DIR") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.extend(bundled_dirs());
    dirs.push(PathBuf::from("/usr/share/fonts/opentype/noto"));
    dirs.push(PathBuf::from("/usr/share/fonts/noto-cjk"));
    dirs.push(PathBuf::from("/usr/local/share/fonts"));
    dirs
}

/// Where the faces PanelDesk ships are: where each installer puts them beside the
/// program, then the checkout's `assets/fonts` (builds run from the source tree).
pub fn bundled_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        // Beside the exe (Windows, via tauri.windows.conf.json), in the .app's Resources
        // (macOS), /usr/share (.deb).
        dirs.push(exe_dir.join("fonts"));
        dirs.push(exe_dir.join("../Resources/fonts"));
        dirs.push(exe_dir.join("../share/paneldesk/fonts"));
    }
    dirs.push(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/fonts"
    )));
    dirs
}

/// The file (and face index in it) that prints `style`: the first candidate found in
/// `dirs`, in order.
pub fn locate_in(dirs: &[PathBuf], style: Style) -> Result<(PathBuf, usize)> {
    let mut searched = Vec::new();
    for dir in dirs {
        for (name, index) in style.candidates() {
            let path = dir.join(name);
            if path.is_file() {
                return Ok((path, *index));
            }
            searched.push(path);
        }
    }
    Err(Error::FontMissing { searched })
}

/// [`locate_in`] the folders of [`font_dirs`].
pub fn locate(style: Style) -> Result<(PathBuf, usize)> {
    locate_in(&font_dirs(), style)
}

/// One face, parsed, with a cache of advances in em.
pub struct Face {
    pub(crate) parsed: ParsedFont,
    /// The file the face was read from, and its index there: the very bytes a PDF
    /// embeds a subset of (the app's preview is drawn from the same file).
    pub path: PathBuf,
    pub index: usize,
    units_per_em: f32,
    /// Glyph id and advance in em per character; `None` when the face lacks it.
    glyphs: Mutex<HashMap<char, Option<(u16, f32)>>>,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face").field("path", &self.path).finish()
    }
}

impl Face {
    pub fn load(path: &Path, index: usize) -> Result<Face> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, index, &mut warnings).ok_or_else(|| {
            Error::FontUnusable {
                path: path.to_path_buf(),
            }
        })?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        let face = Face {
            parsed,
            path: path.to_path_buf(),
            index,
            units_per_em,
            glyphs: Mutex::new(HashMap::new()),
        };
        // A face without Latin digits or the commonest Chinese characters is the wrong
        // file, whatever its name says.
        if !face.missing("0123456789AZaz中国证书").is_empty() {
            return Err(Error::FontUnusable {
                path: path.to_path_buf(),
            });
        }
        Ok(face)
    }

    /// Finds and loads the face for `style` in the font folders.
    pub fn find(style: Style) -> Result<Face> {
        let (path, index) = locate(style)?;
        Face::load(&path, index)
    }

    /// The glyph id of `c` and its advance in em, or `None` when the face has no glyph
    /// for it. Cached: looking characters up in a CJK face's cmap is the slowest part of
    /// printing, so each is looked up once per process.
    pub fn glyph(&self, c: char) -> Option<(u16, f32)> {
        let mut cache = self.glyphs.lock().unwrap_or_else(|p| p.into_inner());
        *cache.entry(c).or_insert_with(|| {
            let gid = self.parsed.lookup_glyph_index(c as u32)?;
            // Glyph 0 is .notdef: the blank box we refuse to print.
            if gid == 0 {
                return None;
            }
            Some((
                gid,
                f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em,
            ))
        })
    }

    /// The advance of `c` in em, or `None` when the face has no glyph for it.
    pub fn advance(&self, c: char) -> Option<f32> {
        self.glyph(c).map(|(_, a)| a)
    }

    /// The advance used for layout: a missing glyph (already reported by [`Face::missing`]
    /// before anything is printed) counts as one em.
    pub fn layout_advance(&self, c: char) -> f32 {
        if c == '\n' {
            return 0.0;
        }
        self.advance(c).unwrap_or(1.0)
    }

    /// Width of `text` at `size` points, plus `spacing` points after each character.
    pub fn width(&self, text: &str, size: f32, spacing: f32) -> f32 {
        text.chars()
            .map(|c| self.layout_advance(c) * size + spacing)
            .sum::<f32>()
            - if text.is_empty() { 0.0 } else { spacing }
    }

    /// Characters of `text` this face cannot print, each once, in order of appearance.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_control() || out.contains(&c) {
                continue;
            }
            if self.advance(c).is_none() {
                out.push(c);
            }
        }
        out
    }
}

/// Faces loaded once per process: a Noto CJK collection takes a noticeable moment to
/// parse, and a clerk prints several documents in a row.
pub fn face(style: Style) -> Result<Arc<Face>> {
    static LOADED: Mutex<Vec<(Style, Arc<Face>)>> = Mutex::new(Vec::new());
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, face)) = loaded.iter().find(|(s, _)| *s == style) {
        return Ok(face.clone());
    }
    let face = Arc::new(Face::find(style)?);
    loaded.push((style, face.clone()));
    Ok(face)
}
