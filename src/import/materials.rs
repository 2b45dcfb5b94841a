//! Opening a package (see [`super::source`]): the workbook to parse, and the material files
//! beside it that the 材料 column may name.
//!
//! Zips come from outside like workbooks do, so their sizes are checked before anything is
//! unpacked, every read is bounded by the size the zip declares, and a file that turns out
//! longer than it said is refused. Names in zips made on Chinese Windows are GBK, not
//! UTF-8; they are decoded as such so 推荐表.pdf matches 推荐表.pdf.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::normalize::fold_width;
use super::source::{file_name, is_litter, is_workbook_name, sorted_entries, Source};

/// Bounds on a package; generous for real materials.
#[derive(Debug, Clone)]
pub struct PackageLimits {
    pub max_entries: usize,
    pub max_material_bytes: u64,
    pub max_package_bytes: u64,
    pub max_workbook_bytes: u64,
    /// Uncompressed over compressed size, per entry larger than 1 MiB.
    pub max_compression_ratio: u64,
}

impl Default for PackageLimits {
    fn default() -> Self {
        PackageLimits {
            max_entries: 4096,
            max_material_bytes: 100 << 20,
            max_package_bytes: 2 << 30,
            max_workbook_bytes: 64 << 20,
            max_compression_ratio: 200,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("not a zip")]
    NotAZip,
    #[error("no workbook in the package")]
    NoWorkbook,
    #[error("several workbooks in one package: {0:?}")]
    SeveralWorkbooks(Vec<String>),
    #[error("suspicious package: {0}")]
    Suspicious(String),
    #[error("{name} is larger than it claims")]
    SizeMismatch { name: String },
    #[error("{name} is too large: {bytes} bytes")]
    TooLarge { name: String, bytes: u64 },
    #[error("{name} is a link")]
    Link { name: String },
}

impl PackageError {
    pub fn code(&self) -> &'static str {
        match self {
            PackageError::Io(_) => "io",
            PackageError::NotAZip => "not_a_zip",
            PackageError::NoWorkbook => "no_workbook_in_package",
            PackageError::SeveralWorkbooks(_) => "several_workbooks_in_package",
            PackageError::Suspicious(_) => "suspicious_archive",
            PackageError::SizeMismatch { .. } => "size_mismatch",
            PackageError::TooLarge { .. } => "material_too_large",
            PackageError::Link { .. } => "material_is_link",
        }
    }

    pub fn message_zh(&self, file: &Path) -> String {
        let f = file.display();
        match self {
            PackageError::Io(d) => format!("无法读取 {f}：{d}"),
            PackageError::NotAZip => format!("{f} 不是有效的 zip 压缩包，或已损坏"),
            PackageError::NoWorkbook => {
                format!("压缩包 {f} 中没有推荐汇总表（.xlsx/.xls/.ods）")
            }
            PackageError::SeveralWorkbooks(names) => format!(
                "压缩包 {f} 中有多个表格（{}）：无法判断材料属于哪一个，请解压后按文件夹导入",
                names.join("、")
            ),
            PackageError::Suspicious(r) => {
                format!("压缩包 {f} 的内部结构异常（{r}），为安全起见未打开")
            }
            PackageError::SizeMismatch { name } => {
                format!("{f} 中的“{name}”实际大小与其声明不符，可能已损坏或被构造过，未读取")
            }
            PackageError::TooLarge { name, bytes } => {
                format!("{f} 中的“{name}”过大（{} MB），未读取", bytes >> 20)
            }
            PackageError::Link { name } => format!(
                "{f} 中的“{name}”是一个链接（快捷方式），指向报送包以外的文件：为安全起见不跟随链接，未读取；请让高校提供文件本身"
            ),
        }
    }

    pub fn message_en(&self, file: &Path) -> String {
        let f = file.display();
        match self {
            PackageError::Io(d) => format!("Cannot read {f}: {d}"),
            PackageError::NotAZip => format!("{f} is not a valid zip archive, or it is damaged"),
            PackageError::NoWorkbook => {
                format!("The zip {f} holds no nomination workbook (.xlsx/.xls/.ods)")
            }
            PackageError::SeveralWorkbooks(names) => format!(
                "The zip {f} holds several workbooks ({}); which materials belong to which is unclear: unzip it and import the folder",
                names.join(", ")
            ),
            PackageError::Suspicious(r) => {
                format!("The zip {f} has a suspicious internal structure ({r}); not opened, for safety")
            }
            PackageError::SizeMismatch { name } => format!(
                "\"{name}\" in {f} is larger than its declared size; it may be damaged or crafted, and was not read"
            ),
            PackageError::TooLarge { name, bytes } => {
                format!("\"{name}\" in {f} is too large ({} MB); not read", bytes >> 20)
            }
            PackageError::Link { name } => format!(
                "\"{name}\" in {f} is a link to a file outside the package: links are never followed, so it was not read; ask the university for the file itself"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    File(PathBuf),
    /// A symbolic link (or junction) in a folder package: listed so a row that names it
    /// gets a located problem, never read.
    Link,
    ZipEntry {
        index: usize,
        size: u64,
    },
}

/// A material file found in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Available {
    /// Its path inside the package, with `/` separators.
    pub name: String,
    location: Location,
}

impl Available {
    /// The last part of `name`: what a 材料 cell usually says.
    pub fn file_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// A source, opened.
#[derive(Debug)]
pub struct Opened {
    pub source: Source,
    /// The workbook to parse: the file itself, or a copy unpacked from the zip.
    pub workbook: PathBuf,
    pub materials: Vec<Available>,
    zip: Option<PathBuf>,
    _unpacked: Option<tempfile::TempDir>,
}

fn io(e: std::io::Error) -> PackageError {
    PackageError::Io(e.to_string())
}

/// A zip entry's name as its author saw it: UTF-8 when it is, else GBK.
fn entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(raw).0.into_owned(),
    }
    .replace('\\', "/")
}

/// Reads exactly `size` bytes from `from`, refusing more.
fn read_bounded(mut from: impl Read, size: u64, name: &str) -> Result<Vec<u8>, PackageError> {
    let mut bytes = Vec::with_capacity(size.min(16 << 20) as usize);
    (&mut from)
        .take(size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| PackageError::Io(format!("{name}: {e}")))?;
    if bytes.len() as u64 != size {
        return Err(PackageError::SizeMismatch {
            name: name.to_string(),
        });
    }
    Ok(bytes)
}

fn folder_materials(folder: &Path, workbook: &Path) -> Vec<Available> {
    fn walk(dir: &Path, root: &Path, workbook: &Path, out: &mut Vec<Available>) {
        for p in sorted_entries(dir) {
            if is_litter(&file_name(&p)) || p == workbook {
                continue;
            }
            // Links are never followed: a university's folder could point at the clerk's
            // keys, and whatever it points at would travel to every expert.
            let Ok(kind) = std::fs::symlink_metadata(&p).map(|m| m.file_type()) else {
                continue;
            };
            let relative = p.strip_prefix(root).unwrap_or(&p);
            let name = relative.to_string_lossy().replace('\\', "/");
            if kind.is_symlink() {
                out.push(Available {
                    name,
                    location: Location::Link,
                });
            } else if kind.is_dir() {
                walk(&p, root, workbook, out);
            } else if kind.is_file() {
                out.push(Available {
                    name,
                    location: Location::File(p.clone()),
                });
            }
        }
    }
    let mut out = Vec::new();
    walk(folder, folder, workbook, &mut out);
    out
}

/// Opens `source`: finds its workbook (unpacking it from a zip) and lists its materials.
pub fn open(source: &Source, limits: &PackageLimits) -> Result<Opened, PackageError> {
    match source {
        Source::Workbook { path } => Ok(Opened {
            source: source.clone(),
            workbook: PathBuf::from(path),
            materials: vec![],
            zip: None,
            _unpacked: None,
        }),
        Source::Folder { path, folder } => Ok(Opened {
            source: source.clone(),
            workbook: PathBuf::from(path),
            materials: folder_materials(Path::new(folder), Path::new(path)),
            zip: None,
            _unpacked: None,
        }),
        Source::Zip { path } => open_zip(source, Path::new(path), limits),
    }
}

fn open_zip(source: &Source, path: &Path, limits: &PackageLimits) -> Result<Opened, PackageError> {
    let file = std::fs::File::open(path).map_err(io)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| PackageError::NotAZip)?;
    if zip.len() > limits.max_entries {
        return Err(PackageError::Suspicious(format!("{} entries", zip.len())));
    }
    let mut total: u64 = 0;
    let mut workbooks = Vec::new();
    let mut materials = Vec::new();
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|_| PackageError::NotAZip)?;
        let name = entry_name(entry.name_raw());
        let (packed, size) = (entry.compressed_size(), entry.size());
        total = total.saturating_add(size);
        if size > 1 << 20 && size / packed.max(1) > limits.max_compression_ratio {
            return Err(PackageError::Suspicious(format!(
                "{name} compresses {}:1",
                size / packed.max(1)
            )));
        }
        let last = name.rsplit('/').next().unwrap_or("").to_string();
        if entry.is_dir() || last.is_empty() || is_litter(&last) || name.starts_with("__MACOSX/") {
            continue;
        }
        if is_workbook_name(&last) {
            workbooks.push((index, name, size));
        } else {
            materials.push(Available {
                name,
                location: Location::ZipEntry { index, size },
            });
        }
    }
    if total > limits.max_package_bytes {
        return Err(PackageError::Suspicious(format!(
            "{} MB when unpacked",
            total >> 20
        )));
    }
    let (index, name, size) = match workbooks.len() {
        0 => return Err(PackageError::NoWorkbook),
        1 => workbooks.remove(0),
        _ => {
            return Err(PackageError::SeveralWorkbooks(
                workbooks.into_iter().map(|(_, n, _)| n).collect(),
            ))
        }
    };
    if size > limits.max_workbook_bytes {
        return Err(PackageError::TooLarge { name, bytes: size });
    }
    let entry = zip.by_index(index).map_err(|_| PackageError::NotAZip)?;
    let bytes = read_bounded(entry, size, &name)?;
    let unpacked = tempfile::tempdir().map_err(io)?;
    // Keep the extension: the parser picks the format by it.
    let ext = name.rsplit('.').next().unwrap_or("xlsx").to_lowercase();
    let workbook = unpacked.path().join(format!("workbook.{ext}"));
    std::fs::write(&workbook, bytes).map_err(io)?;
    Ok(Opened {
        source: source.clone(),
        workbook,
        materials,
        zip: Some(path.to_path_buf()),
        _unpacked: Some(unpacked),
    })
}

impl Opened {
    /// The material a 材料 cell entry names: the same file name (width and case folded),
    /// or, for a name written without its extension, the one file with that stem.
    pub fn find(&self, named: &str) -> Option<&Available> {
        if self.materials.is_empty() {
            return None;
        }
        let key = |s: &str| fold_width(s).to_lowercase();
        let wanted = key(named.rsplit(['/', '\\']).next().unwrap_or(named));
        if let Some(a) = self.materials.iter().find(|a| key(a.file_name()) == wanted) {
            return Some(a);
        }
        let stem = |s: &str| s.rsplit_once('.').map_or(s, |(stem, _)| stem).to_string();
        let mut same_stem = self
            .materials
            .iter()
            .filter(|a| stem(&key(a.file_name())) == wanted);
        match (same_stem.next(), same_stem.next()) {
            (Some(a), None) => Some(a),
            _ => None,
        }
    }

    /// The bytes of a material, bounded by its declared size and the limits.
    pub fn read(
        &self,
        material: &Available,
        limits: &PackageLimits,
    ) -> Result<Vec<u8>, PackageError> {
        let too_large = |bytes| PackageError::TooLarge {
            name: material.name.clone(),
            bytes,
        };
        match &material.location {
            Location::Link => Err(PackageError::Link {
                name: material.name.clone(),
            }),
            Location::File(path) => {
                // Checked again when read: the folder may have changed since it was listed.
                let meta = std::fs::symlink_metadata(path).map_err(io)?;
                if !meta.file_type().is_file() {
                    return Err(PackageError::Link {
                        name: material.name.clone(),
                    });
                }
                let size = meta.len();
                if size > limits.max_material_bytes {
                    return Err(too_large(size));
                }
                read_bounded(std::fs::File::open(path).map_err(io)?, size, &material.name)
            }
            Location::ZipEntry { index, size } => {
                if *size > limits.max_material_bytes {
                    return Err(too_large(*size));
                }
                let zip_path = self.zip.as_deref().ok_or(PackageError::NotAZip)?;
                let file = std::fs::File::open(zip_path).map_err(io)?;
                let mut zip = zip::ZipArchive::new(file).map_err(|_| PackageError::NotAZip)?;
                let entry = zip.by_index(*index).map_err(|_| PackageError::NotAZip)?;
                read_bounded(entry, *size, &material.name)
            }
        }
    }
}
