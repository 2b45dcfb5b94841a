//! Which material files may travel to the experts: an allowlist checked by content (magic
//! bytes), not by the name a university gave the file. A `.desktop` launcher, a program or
//! a document with macros would be copied onto every expert's laptop; the clerk gets a flag
//! instead, and the file stays out of the review and so out of every package.

/// What a material is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialType {
    Pdf,
    Image,
    /// Word, Excel, PowerPoint, WPS and OpenDocument files without macros.
    Office,
    Text,
    Video,
}

/// Why a material may not travel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAllowed {
    /// A program, a script or a launcher.
    Executable,
    /// An office document carrying macros.
    Macros,
    /// The content is an allowed type, but not the one its name says (a program named
    /// `.pdf`, say): what the expert's laptop would open it with is decided by the name.
    NameMismatch { content: &'static str },
    /// Nothing on the list.
    Unknown,
}

impl NotAllowed {
    pub fn message_zh(&self, name: &str) -> String {
        match self {
            NotAllowed::Executable => format!("材料“{name}”是程序、脚本或快捷方式，不能随评审包发给专家"),
            NotAllowed::Macros => format!("材料“{name}”是带宏的办公文档，不能随评审包发给专家；请高校另存为不带宏的格式（如 .docx、PDF）"),
            NotAllowed::NameMismatch { content } => format!("材料“{name}”的内容是{content}，与文件名不符，未导入"),
            NotAllowed::Unknown => format!("材料“{name}”不是允许的材料类型（PDF、图片、Word/WPS/Excel 文档、纯文本、常见视频），未导入"),
        }
    }

    pub fn message_en(&self, name: &str) -> String {
        match self {
            NotAllowed::Executable => format!("Material \"{name}\" is a program, script or launcher and cannot travel to the experts"),
            NotAllowed::Macros => format!("Material \"{name}\" is an office document with macros and cannot travel to the experts; ask for a macro-free copy (.docx, PDF)"),
            NotAllowed::NameMismatch { content } => format!("Material \"{name}\" holds {content}, not what its name says; not imported"),
            NotAllowed::Unknown => format!("Material \"{name}\" is not an allowed type (PDF, images, Word/WPS/Excel documents, plain text, common video); not imported"),
        }
    }
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// The content's type by its first bytes (and, for zip and OLE containers, the names
/// inside them), or `None` when it is nothing on the list.
fn sniff(bytes: &[u8]) -> Result<Option<MaterialType>, NotAllowed> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"MZ") || at(0, b"\x7fELF") || at(0, b"#!") || at(0, b"\xcf\xfa\xed\xfe") {
        return Err(NotAllowed::Executable);
    }
    if at(0, b"[Desktop Entry]") || at(0, b"L\0\0\0\x01\x14\x02\0") {
        return Err(NotAllowed::Executable);
    }
    if at(0, b"%PDF-") {
        return Ok(Some(MaterialType::Pdf));
    }
    let image = at(0, b"\x89PNG\r\n\x1a\n")
        || at(0, b"\xff\xd8\xff")
        || at(0, b"GIF87a")
        || at(0, b"GIF89a")
        || at(0, b"BM")
        || at(0, b"II*\0")
        || at(0, b"MM\0*")
        || (at(0, b"RIFF") && at(8, b"WEBP"));
    if image {
        return Ok(Some(MaterialType::Image));
    }
    if at(0, b"PK\x03\x04") {
        // Office Open XML or OpenDocument; names inside a zip are stored as plain text.
        if contains(bytes, b"vbaProject.bin") || contains(bytes, b"Basic/") {
            return Err(NotAllowed::Macros);
        }
        let office =
            contains(bytes, b"[Content_Types].xml") || at(30, b"mimetypeapplication/vnd.oasis");
        return Ok(office.then_some(MaterialType::Office));
    }
    if at(0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        // Word 97–2003, Excel, PowerPoint and WPS documents: macros live in a stream
        // whose name is stored as UTF-16.
        let vba: Vec<u8> = "_VBA_PROJECT"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if contains(bytes, &vba) {
            return Err(NotAllowed::Macros);
        }
        return Ok(Some(MaterialType::Office));
    }
    let video = at(4, b"ftyp")
        || (at(0, b"RIFF") && at(8, b"AVI "))
        || at(0, b"\x1a\x45\xdf\xa3")
        || at(0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")
        || at(0, b"\0\0\x01\xba")
        || at(0, b"FLV");
    if video {
        return Ok(Some(MaterialType::Video));
    }
    Ok(None)
}

const OFFICE: &[&str] = &[
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "odt", "ods", "odp",
];

/// Checks one material by its name and content.
pub fn check(name: &str, bytes: &[u8]) -> Result<MaterialType, NotAllowed> {
    let ext = extension(name);
    let named = |t: MaterialType| match t {
        MaterialType::Pdf => ext == "pdf",
        MaterialType::Image => matches!(
            ext.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "webp"
        ),
        MaterialType::Office => OFFICE.contains(&ext.as_str()),
        MaterialType::Video => matches!(
            ext.as_str(),
            "mp4" | "m4v" | "mov" | "3gp" | "avi" | "mkv" | "webm" | "wmv" | "mpg" | "mpeg" | "flv"
        ),
        MaterialType::Text => false,
    };
    match sniff(bytes)? {
        Some(t) if named(t) => Ok(t),
        Some(t) => Err(NotAllowed::NameMismatch {
            content: match t {
                MaterialType::Pdf => "PDF 文档 / a PDF",
                MaterialType::Image => "图片 / an image",
                MaterialType::Office => "办公文档 / an office document",
                MaterialType::Video => "视频 / a video",
                MaterialType::Text => "文本 / text",
            },
        }),
        // Plain text has no magic: only under a text name, and only without NUL bytes
        // (UTF-16 and binary files have them; GBK and UTF-8 text does not).
        None if matches!(ext.as_str(), "txt" | "csv" | "md") && !bytes.contains(&0) => {
            Ok(MaterialType::Text)
        }
        None => Err(NotAllowed::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowlist_goes_by_content_and_name_together() {
        assert_eq!(check("申报书.pdf", b"%PDF-1.7 ..."), Ok(MaterialType::Pdf));
        assert_eq!(
            check("合影.JPG", b"\xff\xd8\xff\xe0...."),
            Ok(MaterialType::Image)
        );
        assert_eq!(
            check("事迹.docx", b"PK\x03\x04....[Content_Types].xml..."),
            Ok(MaterialType::Office)
        );
        assert_eq!(
            check("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."),
            Ok(MaterialType::Office)
        );
        assert_eq!(
            check("说明.txt", "材料说明".as_bytes()),
            Ok(MaterialType::Text)
        );
        assert_eq!(
            check("宣传片.mp4", b"\0\0\0\x18ftypmp42...."),
            Ok(MaterialType::Video)
        );
        assert_eq!(
            check("setup.exe", b"MZ\x90\0...."),
            Err(NotAllowed::Executable)
        );
        assert_eq!(
            check("说明.desktop", b"[Desktop Entry]\nExec=sh -c ..."),
            Err(NotAllowed::Executable)
        );
        assert_eq!(
            check("run.sh", b"#!/bin/sh\n..."),
            Err(NotAllowed::Executable)
        );
        assert_eq!(
            check("报告.pdf", b"MZ\x90\0...."),
            Err(NotAllowed::Executable)
        );
        assert_eq!(
            check("表.docm", b"PK\x03\x04....word/vbaProject.bin...."),
            Err(NotAllowed::Macros)
        );
        assert!(matches!(
            check("报告.pdf", b"\x89PNG\r\n\x1a\n...."),
            Err(NotAllowed::NameMismatch { .. })
        ));
        assert_eq!(
            check("说明.desktop", b"plain words"),
            Err(NotAllowed::Unknown)
        );
        assert_eq!(check("说明.txt", b"a\0b"), Err(NotAllowed::Unknown));
        assert_eq!(
            check("数据.zip", b"PK\x03\x04 other.exe"),
            Err(NotAllowed::Unknown)
        );
    }
}
