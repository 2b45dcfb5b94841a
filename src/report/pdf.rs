//! A small drawing surface over printpdf: points, origin at the top-left corner, y down
//! (how reports are designed), text runs that always set their own character spacing,
//! and a document that saves reproducibly (fixed resource names, metadata dates and file
//! identifier from parameters, never the clock or a random number).

use std::sync::Arc;

use printpdf::{
    Codepoint, Color, FontId, ImageCompression, ImageOptimizationOptions, Line, LinePoint, Mm, Op,
    PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb,
    TextItem, XObject, XObjectId, XObjectTransform,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::font::{self, Face, Style};
use crate::error::{Error, Result};

pub const MM: f32 = 72.0 / 25.4;

/// A4 in points, portrait or landscape.
pub fn a4(landscape: bool) -> (f32, f32) {
    let (w, h) = (210.0 * MM, 297.0 * MM);
    if landscape {
        (h, w)
    } else {
        (w, h)
    }
}

/// A face registered in a document.
#[derive(Clone)]
pub struct FontRef {
    id: FontId,
    pub face: Arc<Face>,
}

#[derive(Clone, Copy)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One page being drawn.
pub struct Page {
    pub width: f32,
    pub height: f32,
    ops: Vec<Op>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            ops: Vec::new(),
        }
    }

    /// A single line of text with its baseline at `y` (from the top), `spacing` points
    /// between characters.
    pub fn text(&mut self, font: &FontRef, size: f32, x: f32, y: f32, spacing: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font.id.clone()),
                size: Pt(size),
            },
            // printpdf does not reset Tc between sections: every run states its own.
            Op::SetCharacterSpacing {
                multiplier: spacing,
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(self.height - y),
                },
            },
            // Glyph ids from the face's cache, each with its character for copy and
            // search: printpdf would otherwise look every character up in the cmap again.
            Op::ShowText {
                items: vec![TextItem::GlyphIds(
                    text.chars()
                        .map(|c| Codepoint {
                            gid: font.face.glyph(c).map_or(0, |(gid, _)| gid),
                            offset: 0.0,
                            cid: Some(c.to_string()),
                        })
                        .collect(),
                )],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text aligned within `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_in(
        &mut self,
        font: &FontRef,
        size: f32,
        x: f32,
        width: f32,
        y: f32,
        align: Align,
        text: &str,
    ) {
        let w = font.face.width(text, size, 0.0);
        let left = match align {
            Align::Left => x,
            Align::Center => x + (width - w) / 2.0,
            Align::Right => x + width - w,
        };
        self.text(font, size, left, y, 0.0, text);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        let point = |x: f32, y: f32| LinePoint {
            p: Point {
                x: Pt(x),
                y: Pt(self.height - y),
            },
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y1), point(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, thickness: f32) {
        let rectangle = self.rectangle(x, y, width, height, PaintMode::Stroke);
        self.ops.extend([
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawRectangle { rectangle },
        ]);
    }

    pub fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, grey: f32) {
        self.fill_all(&[(x, y, width, height)], grey);
    }

    /// Many filled rectangles `(x, y, width, height)` in one grey: one colour change for
    /// the lot (a QR code is a thousand of them).
    pub fn fill_all(&mut self, rects: &[(f32, f32, f32, f32)], grey: f32) {
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor {
                col: Color::Rgb(Rgb {
                    r: grey,
                    g: grey,
                    b: grey,
                    icc_profile: None,
                }),
            },
        ]);
        for &(x, y, width, height) in rects {
            let rectangle = self.rectangle(x, y, width, height, PaintMode::Fill);
            self.ops.push(Op::DrawRectangle { rectangle });
        }
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A rectangle given from the top-left, in printpdf's bottom-left coordinates.
    fn rectangle(&self, x: f32, y: f32, width: f32, height: f32, mode: PaintMode) -> Rect {
        Rect {
            x: Pt(x),
            y: Pt(self.height - y - height),
            width: Pt(width),
            height: Pt(height),
            mode: Some(mode),
            winding_order: None,
        }
    }

    pub fn colour(&mut self, r: f32, g: f32, b: f32) {
        let col = Color::Rgb(Rgb {
            r,
            g,
            b,
            icc_profile: None,
        });
        self.ops.extend([
            Op::SetFillColor { col: col.clone() },
            Op::SetOutlineColor { col },
        ]);
    }

    /// Places an image stretched to the box (x, y from the top-left).
    pub fn image(&mut self, image: &ImageRef, x: f32, y: f32, width: f32, height: f32) {
        self.ops.push(Op::UseXobject {
            id: image.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(self.height - y - height)),
                scale_x: Some(width / image.width as f32),
                scale_y: Some(height / image.height as f32),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
    }
}

/// An image registered in a document.
#[derive(Clone)]
pub struct ImageRef {
    id: XObjectId,
    pub width: usize,
    pub height: usize,
}

/// What goes into the document's information dictionary.
pub struct Meta<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    /// Creation and modification date: from the caller, so the same input prints the
    /// same bytes.
    pub at: OffsetDateTime,
}

pub struct Document {
    doc: PdfDocument,
    pages: Vec<PdfPage>,
    fonts: usize,
    images: usize,
}

impl Document {
    pub fn new(meta: &Meta) -> Document {
        let mut doc = PdfDocument::new(meta.title);
        let info = &mut doc.metadata.info;
        info.document_title = meta.title.to_string();
        info.subject = meta.subject.to_string();
        info.creator = "PanelDesk".to_string();
        info.producer = format!("PanelDesk {}", env!("CARGO_PKG_VERSION"));
        let at = printpdf::OffsetDateTime::from_unix_timestamp(meta.at.unix_timestamp())
            .unwrap_or(info.creation_date);
        info.creation_date = at;
        info.modification_date = at;
        info.metadata_date = at;
        Document {
            doc,
            pages: Vec::new(),
            fonts: 0,
            images: 0,
        }
    }

    /// Registers a face under a fixed resource name (printpdf's own are random).
    pub fn font(&mut self, style: Style) -> Result<FontRef> {
        Ok(self.font_face(font::face(style)?))
    }

    pub fn font_face(&mut self, face: Arc<Face>) -> FontRef {
        self.fonts += 1;
        // The name doubles as the subset tag, which readers expect to be six capitals.
        let id = FontId(format!(
            "PANEL{}",
            char::from(b'A' + (self.fonts % 26) as u8)
        ));
        self.doc.resources.fonts.map.insert(
            id.clone(),
            printpdf::PdfFont::new(printpdf::ParsedFont::clone(&face.parsed)),
        );
        FontRef { id, face }
    }

    /// Registers a PNG or JPEG image; `what` names it in errors.
    pub fn image(&mut self, bytes: &[u8], what: &str) -> Result<ImageRef> {
        let mut warnings = Vec::new();
        let raw =
            RawImage::decode_from_bytes(bytes, &mut warnings).map_err(|e| Error::BadInput {
                zh: format!("图片 {what} 无法读取（{e}），请使用 PNG 或 JPEG"),
                en: format!("image {what} cannot be read ({e}); use PNG or JPEG"),
            })?;
        self.images += 1;
        let id = XObjectId(format!("Im{}", self.images));
        let image = ImageRef {
            id: id.clone(),
            width: raw.width,
            height: raw.height,
        };
        self.doc
            .resources
            .xobjects
            .map
            .insert(id, XObject::Image(raw));
        Ok(image)
    }

    pub fn push(&mut self, page: Page) {
        self.pages.push(PdfPage::new(
            Mm(page.width / MM),
            Mm(page.height / MM),
            page.ops,
        ));
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The finished file. Fonts are subset; images stay lossless (seals and backgrounds
    /// must not pick up JPEG artefacts); the file identifier is a hash of the content.
    pub fn finish(mut self) -> Vec<u8> {
        self.doc.pages = std::mem::take(&mut self.pages);
        let options = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            secure: true,
            image_optimization: Some(ImageOptimizationOptions {
                quality: Some(1.0),
                max_image_size: None,
                dither_greyscale: Some(false),
                convert_to_greyscale: Some(false),
                auto_optimize: Some(false),
                format: Some(ImageCompression::Flate),
            }),
        };
        let mut warnings = Vec::new();
        let mut lo = self.doc.to_lopdf_document(&options, &mut warnings);
        lo.compress();
        // The trailer's /ID: printpdf draws it at random. Ours is the hash of the file
        // written with a placeholder of the same length, patched in place, so offsets
        // in the cross-reference table stay valid.
        let placeholder = "0".repeat(32);
        lo.trailer.set(
            "ID",
            lopdf::Object::Array(vec![
                lopdf::Object::string_literal(placeholder.clone()),
                lopdf::Object::string_literal(placeholder.clone()),
            ]),
        );
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = lo.save_to(&mut out);
        let id = crate::keys::hex(&Sha256::digest(&out)[..16]);
        let needle = format!("({placeholder})");
        let tail = out.len().saturating_sub(4096);
        let mut at = tail;
        while let Some(found) = find(&out[at..], needle.as_bytes()) {
            let start = at + found + 1;
            out[start..start + 32].copy_from_slice(id.as_bytes());
            at = start + 32;
        }
        out
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
