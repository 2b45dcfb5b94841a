//! Certificates: a template with placeholders, filled per award, laid out on a page the
//! same way for the PDF and for the UI's live preview (the preview draws the very
//! [`Sheet`] the PDF is made from, so what the clerk sees is what prints).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::Date;

use super::font::{self, Face, Style};
use super::layout;
use super::pdf::{self, Document, Meta, Page, MM};
use crate::error::{Error, Result};

/// What a certificate says and looks like. Stored per review; the default ships in
/// `assets/certificates/default.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateTemplate {
    pub title: String,
    /// Body text with placeholders; `\n` starts a paragraph, full-width spaces indent.
    pub body: String,
    /// What {称号} becomes; may itself use {类别} and {年度}.
    pub honour: String,
    pub issuer: String,
    /// Serial numbers are `<prefix><year>-<category>-<number>`.
    pub serial_prefix: String,
    pub landscape: bool,
    /// PNG or JPEG of the seal, printed over the issuer and date.
    pub seal: Option<PathBuf>,
    /// PNG or JPEG covering the whole page; the frame is left out when set.
    pub background: Option<PathBuf>,
    /// What a category prints differently (its honour and title, portrait or landscape);
    /// a category not listed prints the fields above.
    #[serde(default)]
    pub categories: Vec<CategoryCertificate>,
}

/// A template as the editor in the window sends it: everything but the images. The seal
/// and background are files, and the window never names a file: the shell puts in the
/// ones the user opened in its own dialogs (or keeps the stored ones). A template that
/// names an image anyway is refused (`deny_unknown_fields`), not quietly cleaned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TemplateWords {
    pub title: String,
    pub body: String,
    pub honour: String,
    pub issuer: String,
    pub serial_prefix: String,
    pub landscape: bool,
    #[serde(default)]
    pub categories: Vec<CategoryCertificate>,
}

impl CertificateTemplate {
    /// Everything but the images: what the editor sends back.
    pub fn words(&self) -> TemplateWords {
        TemplateWords {
            title: self.title.clone(),
            body: self.body.clone(),
            honour: self.honour.clone(),
            issuer: self.issuer.clone(),
            serial_prefix: self.serial_prefix.clone(),
            landscape: self.landscape,
            categories: self.categories.clone(),
        }
    }
}

impl TemplateWords {
    /// The whole template: these words with the images the shell chose.
    pub fn with_images(
        self,
        seal: Option<PathBuf>,
        background: Option<PathBuf>,
    ) -> CertificateTemplate {
        CertificateTemplate {
            title: self.title,
            body: self.body,
            honour: self.honour,
            issuer: self.issuer,
            serial_prefix: self.serial_prefix,
            landscape: self.landscape,
            seal,
            background,
            categories: self.categories,
        }
    }
}

/// One category's own words on its certificates, over the review's template: each field
/// left `None` is the template's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryCertificate {
    pub category_key: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub honour: Option<String>,
    #[serde(default)]
    pub landscape: Option<bool>,
}

impl Default for CertificateTemplate {
    fn default() -> Self {
        serde_json::from_str(DEFAULT_TEMPLATE).expect("the shipped template parses")
    }
}

pub const DEFAULT_TEMPLATE: &str = include_str!("../../assets/certificates/default.json");

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 6] = ["姓名", "学校", "称号", "年度", "类别", "评审"];

impl CertificateTemplate {
    pub fn from_json(text: &str, origin: &str) -> Result<CertificateTemplate> {
        let template: CertificateTemplate =
            serde_json::from_str(text).map_err(|e| Error::BadInput {
                zh: format!("证书模板 {origin} 格式有误：{e}"),
                en: format!("certificate template {origin} is malformed: {e}"),
            })?;
        template.check()?;
        Ok(template)
    }

    /// The template a category's certificates print with: its own honour, title and
    /// orientation where it has them, everything else the review's.
    pub fn for_category(&self, category_key: &str) -> CertificateTemplate {
        let mut template = CertificateTemplate {
            categories: Vec::new(),
            ..self.clone()
        };
        if let Some(own) = self.category(category_key) {
            if let Some(title) = &own.title {
                template.title.clone_from(title);
            }
            if let Some(honour) = &own.honour {
                template.honour.clone_from(honour);
            }
            if let Some(landscape) = own.landscape {
                template.landscape = landscape;
            }
        }
        template
    }

    pub fn category(&self, category_key: &str) -> Option<&CategoryCertificate> {
        self.categories
            .iter()
            .find(|c| c.category_key == category_key)
    }

    /// Refuses unknown or unclosed placeholders, so a typo never prints as "{姓明}".
    pub fn check(&self) -> Result<()> {
        let mut fields = vec![
            ("title".to_string(), self.title.as_str()),
            ("body".to_string(), self.body.as_str()),
            ("honour".to_string(), self.honour.as_str()),
            ("issuer".to_string(), self.issuer.as_str()),
        ];
        for (i, own) in self.categories.iter().enumerate() {
            if self.categories[..i]
                .iter()
                .any(|c| c.category_key == own.category_key)
            {
                return Err(Error::BadInput {
                    zh: format!("证书模板中类别 {} 出现了两次", own.category_key),
                    en: format!(
                        "category {} appears twice in the certificate template",
                        own.category_key
                    ),
                });
            }
            if own.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
                return Err(Error::BadInput {
                    zh: format!("类别 {} 的证书标题为空", own.category_key),
                    en: format!("category {}'s certificate title is empty", own.category_key),
                });
            }
            for (field, text) in [("title", &own.title), ("honour", &own.honour)] {
                if let Some(text) = text {
                    fields.push((format!("{}/{field}", own.category_key), text.as_str()));
                }
            }
        }
        for (field, text) in fields {
            let field = field.as_str();
            let mut rest = text;
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                let Some(close) = after.find('}') else {
                    return Err(bad_placeholder(
                        field,
                        &after.chars().take(8).collect::<String>(),
                    ));
                };
                let name = &after[..close];
                if !PLACEHOLDERS.contains(&name) {
                    return Err(bad_placeholder(field, name));
                }
                rest = &after[close + 1..];
            }
        }
        if self.title.trim().is_empty() {
            return Err(Error::BadInput {
                zh: "证书模板缺少标题".into(),
                en: "the certificate template has no title".into(),
            });
        }
        Ok(())
    }

    /// What printing needs beyond [`CertificateTemplate::check`]: the issuer, which the
    /// shipped template leaves empty so no invented body ever signs a certificate.
    pub fn check_printable(&self) -> Result<()> {
        self.check()?;
        if self.issuer.trim().is_empty() {
            return Err(Error::CertificateIssuerMissing);
        }
        Ok(())
    }
}

fn bad_placeholder(field: &str, name: &str) -> Error {
    Error::BadInput {
        zh: format!(
            "证书模板的 {field} 中有无法识别的占位符 {{{name}}}；可用：{}",
            PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
        ),
        en: format!("unknown placeholder {{{name}}} in the template's {field}"),
    }
}

/// One certificate to print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Award {
    pub serial: String,
    pub code: String,
    pub name: String,
    pub university: String,
    pub category: String,
    pub year: i32,
    pub review_title: String,
    /// The QR code's text: the signed words, the clerk's key and the signature.
    #[serde(default)]
    pub qr: String,
}

fn substitute(text: &str, award: &Award, honour: &str) -> String {
    text.replace("{姓名}", &award.name)
        .replace("{学校}", &award.university)
        .replace("{称号}", honour)
        .replace("{年度}", &award.year.to_string())
        .replace("{类别}", &award.category)
        .replace("{评审}", &award.review_title)
}

/// A date as certificates write it: 二〇二六年十一月三十日.
pub fn chinese_date(date: Date) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String = date
        .year()
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    let small = |n: u8| -> String {
        let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
        match (tens, ones) {
            (0, o) => DIGITS[o].to_string(),
            (1, 0) => "十".into(),
            (1, o) => format!("十{}", DIGITS[o]),
            (t, 0) => format!("{}十", DIGITS[t]),
            (t, o) => format!("{}十{}", DIGITS[t], DIGITS[o]),
        }
    };
    format!(
        "{year}年{}月{}日",
        small(date.month() as u8),
        small(date.day())
    )
}

/// Everything positioned on one certificate page, in points from the top-left.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sheet {
    pub width: f32,
    pub height: f32,
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mark {
    /// `y` is the baseline; `spacing` is extra space after each character.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        spacing: f32,
        text: String,
    },
    Frame {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        thickness: f32,
    },
    Seal {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    Background {
        width: f32,
        height: f32,
    },
}

/// The texts of one certificate after substitution, in print order.
fn texts(template: &CertificateTemplate, award: &Award, date: Date) -> [String; 5] {
    let honour = substitute(&template.honour, award, "");
    [
        substitute(&template.title, award, &honour),
        substitute(&template.body, award, &honour),
        substitute(&template.issuer, award, &honour),
        chinese_date(date),
        format!("证书编号 {}　验证码 {}", award.serial, award.code),
    ]
}

/// Characters that cannot be printed, per certificate: checked for the whole batch
/// before a single page is drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GlyphGap {
    pub serial: String,
    pub name: String,
    pub chars: String,
}

impl GlyphGap {
    fn reason(&self) -> crate::error::Reason {
        crate::error::Reason {
            code: "missing_glyphs",
            zh: format!("{}（{}）缺“{}”", self.serial, self.name, self.chars),
            en: format!("{} ({}) lacks \"{}\"", self.serial, self.name, self.chars),
        }
    }
}

pub fn glyph_gaps(
    template: &CertificateTemplate,
    awards: &[Award],
    date: Date,
    regular: &Face,
    bold: &Face,
) -> Vec<GlyphGap> {
    let mut gaps = Vec::new();
    for award in awards {
        let [title, body, issuer, date, footer] = texts(template, award, date);
        let mut missing = bold.missing(&title);
        for text in [&body, &issuer, &date, &footer] {
            for c in regular.missing(text) {
                if !missing.contains(&c) {
                    missing.push(c);
                }
            }
        }
        if !missing.is_empty() {
            gaps.push(GlyphGap {
                serial: award.serial.clone(),
                name: award.name.clone(),
                chars: missing.into_iter().collect(),
            });
        }
    }
    gaps
}

/// Lays one certificate out.
pub fn sheet(
    template: &CertificateTemplate,
    award: &Award,
    date: Date,
    regular: &Face,
    bold: &Face,
) -> Result<Sheet> {
    let (width, height) = pdf::a4(template.landscape);
    let [title, body, issuer, date_text, footer] = texts(template, award, date);
    let mut marks = frame_or_background(template, width, height);
    let side = if template.landscape { 38.0 } else { 28.0 } * MM;
    let margins = Margins {
        width,
        side,
        inner: width - 2.0 * side,
    };
    let title_top = if template.landscape { 40.0 } else { 55.0 } * MM;
    let title_bottom = place_title(&mut marks, &margins, title, bold, title_top);
    let body_top = title_bottom + 12.0 * MM;
    let signature_top = height - if template.landscape { 62.0 } else { 80.0 } * MM;
    let body_box = (body_top, signature_top);
    place_body(&mut marks, &margins, body, regular, award, body_box)?;
    let signed = [issuer, date_text];
    place_issuer_and_date(
        &mut marks,
        &margins,
        template,
        signed,
        regular,
        signature_top,
    );
    marks.push(Mark::Text {
        x: 20.0 * MM,
        y: height - 19.0 * MM,
        size: 9.0,
        bold: false,
        spacing: 0.0,
        text: footer,
    });
    Ok(Sheet {
        width,
        height,
        marks,
    })
}

/// The page's width and the side margins the text keeps inside.
struct Margins {
    width: f32,
    side: f32,
    /// The width between the side margins.
    inner: f32,
}

/// A background image brings its own border; without one, a double rule frames the page.
fn frame_or_background(template: &CertificateTemplate, width: f32, height: f32) -> Vec<Mark> {
    let mut marks = Vec::new();
    if template.background.is_some() {
        marks.push(Mark::Background { width, height });
    } else {
        for (inset, thickness) in [(10.0, 2.2), (13.0, 0.6)] {
            marks.push(Mark::Frame {
                x: inset * MM,
                y: inset * MM,
                width: width - 2.0 * inset * MM,
                height: height - 2.0 * inset * MM,
                thickness,
            });
        }
    }
    marks
}

/// Title: large and letter-spaced when short; a long one shrinks, then wraps, and is
/// centred line by line. Answers where the title ends, for the body to start below it.
fn place_title(
    marks: &mut Vec<Mark>,
    margins: &Margins,
    title: String,
    bold: &Face,
    title_top: f32,
) -> f32 {
    let (width, inner) = (margins.width, margins.inner);
    let count = title.chars().count();
    let mut size: f32 = 42.0;
    let spacing = |size: f32| if count <= 6 { size * 0.5 } else { size * 0.08 };
    while size > 24.0 && bold.width(&title, size, spacing(size)) > inner {
        size -= 1.0;
    }
    let title_lines = if bold.width(&title, size, spacing(size)) > inner {
        let fitted = layout::fit(&title, inner, 2.0 * 24.0 * 1.3, 24.0, 16.0, 1.3, &mut |c| {
            bold.layout_advance(c) + 0.08
        });
        size = fitted.size;
        fitted.lines
    } else {
        vec![title]
    };
    let title_spacing = spacing(size);
    let mut title_bottom = title_top;
    for line in title_lines {
        let w = bold.width(&line, size, title_spacing);
        title_bottom += size;
        marks.push(Mark::Text {
            x: (width - w) / 2.0,
            y: title_bottom,
            size,
            bold: true,
            spacing: title_spacing,
            text: line,
        });
        title_bottom += size * 0.3;
    }
    title_bottom
}

/// Body: wrapped with Chinese line-break rules, shrunk to fit its box above the
/// signature; a body that would not fit even at the smallest size is refused rather than
/// printed over the seal.
fn place_body(
    marks: &mut Vec<Mark>,
    margins: &Margins,
    body: String,
    regular: &Face,
    award: &Award,
    (body_top, signature_top): (f32, f32),
) -> Result<()> {
    let (side, inner) = (margins.side, margins.inner);
    let box_height = signature_top - body_top - 6.0 * MM;
    let gap = 1.7;
    let fitted = layout::fit(&body, inner, box_height, 22.0, 11.0, gap, &mut |c| {
        regular.layout_advance(c)
    });
    if fitted.lines.len() as f32 * fitted.size * gap > box_height + 0.5 {
        return Err(Error::BadInput {
            zh: format!(
                "证书 {}（{}）正文太长，最小字号下仍放不下；请缩短模板正文",
                award.serial, award.name
            ),
            en: format!(
                "certificate {} ({}): the body does not fit even at the smallest size",
                award.serial, award.name
            ),
        });
    }
    let mut baseline = body_top + fitted.size;
    for line in fitted.lines {
        marks.push(Mark::Text {
            x: side,
            y: baseline,
            size: fitted.size,
            bold: false,
            spacing: 0.0,
            text: line,
        });
        baseline += fitted.size * gap;
    }
    Ok(())
}

/// Issuer and date, centred on one another at the right; the seal over them.
fn place_issuer_and_date(
    marks: &mut Vec<Mark>,
    margins: &Margins,
    template: &CertificateTemplate,
    [issuer, date_text]: [String; 2],
    regular: &Face,
    signature_top: f32,
) {
    let (width, side) = (margins.width, margins.side);
    let centre = width - side - 45.0 * MM;
    let mut issuer_size: f32 = 18.0;
    while issuer_size > 10.0 && regular.width(&issuer, issuer_size, 0.0) > 110.0 * MM {
        issuer_size -= 0.5;
    }
    for (text, size, y) in [
        (issuer, issuer_size, signature_top + 18.0),
        (date_text, 16.0, signature_top + 18.0 + 12.0 * MM),
    ] {
        let w = regular.width(&text, size, 0.0);
        marks.push(Mark::Text {
            x: centre - w / 2.0,
            y,
            size,
            bold: false,
            spacing: 0.0,
            text,
        });
    }
    if template.seal.is_some() {
        let d = 40.0 * MM;
        marks.push(Mark::Seal {
            x: centre - d / 2.0,
            y: signature_top + 9.0 * MM - d / 2.0,
            width: d,
            height: d,
        });
    }
}

fn image_bytes(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::BadInput {
        zh: format!("证书模板的{what}图片 {} 无法读取：{e}", path.display()),
        en: format!(
            "the template's {what} image {} cannot be read: {e}",
            path.display()
        ),
    })
}

/// Everything that could stop a batch from printing — the template, characters the font
/// lacks, a body too long for its box — checked without drawing, so a caller can make
/// sure of it before recording anything.
pub fn check_batch(template: &CertificateTemplate, awards: &[Award], date: Date) -> Result<()> {
    check_pages(&same_template(template, awards), date)
}

/// One certificate and the template it prints with (a category's own, from
/// [`CertificateTemplate::for_category`]).
pub type PageSpec = (CertificateTemplate, Award);

fn same_template(template: &CertificateTemplate, awards: &[Award]) -> Vec<PageSpec> {
    awards
        .iter()
        .map(|a| (template.clone(), a.clone()))
        .collect()
}

/// [`check_batch`] for pages that may each have their own template.
pub fn check_pages(pages: &[PageSpec], date: Date) -> Result<()> {
    let regular = font::face(Style::Serif)?;
    let bold = font::face(Style::SerifBold)?;
    check_pages_in(pages, date, &regular, &bold)
}

fn check_pages_in(pages: &[PageSpec], date: Date, regular: &Face, bold: &Face) -> Result<()> {
    check_words(pages, date, regular, bold)?;
    for (template, award) in pages {
        sheet(template, award, date, regular, bold)?;
    }
    Ok(())
}

/// The template of every page printable, and every character in the face.
fn check_words(pages: &[PageSpec], date: Date, regular: &Face, bold: &Face) -> Result<()> {
    let mut gaps = Vec::new();
    for (template, award) in pages {
        template.check_printable()?;
        gaps.extend(glyph_gaps(
            template,
            std::slice::from_ref(award),
            date,
            regular,
            bold,
        ));
    }
    if !gaps.is_empty() {
        return Err(Error::MissingGlyphs {
            gaps: gaps.iter().map(GlyphGap::reason).collect(),
        });
    }
    Ok(())
}

/// A QR code of `text` as dark rectangles filling the square at (x, y) of side `side`,
/// each row's runs of dark modules merged into one rectangle, with a quiet zone.
pub fn qr_modules(text: &str, x: f32, y: f32, side: f32) -> Result<Vec<(f32, f32, f32, f32)>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::BadInput {
            zh: format!("证书二维码内容过长（{e}）"),
            en: format!("the certificate's QR text does not fit a QR code ({e})"),
        })?;
    let n = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on every side, as the standard asks.
    let module = side / (n + 8) as f32;
    let mut rects = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                rects.push((
                    x + (start + 4) as f32 * module,
                    y + (row + 4) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                ));
            } else {
                col += 1;
            }
        }
    }
    Ok(rects)
}

/// The batch as one PDF, a page per award.
pub fn render(
    template: &CertificateTemplate,
    awards: &[Award],
    date: Date,
    meta: &Meta,
) -> Result<Vec<u8>> {
    render_pages(&same_template(template, awards), date, meta)
}

/// [`render`] for pages that may each have their own template.
pub fn render_pages(pages: &[PageSpec], date: Date, meta: &Meta) -> Result<Vec<u8>> {
    render_pages_in(
        pages,
        date,
        meta,
        font::face(Style::Serif)?,
        font::face(Style::SerifBold)?,
    )
}

/// [`render`] in the given faces (benchmarks compare fonts with it).
pub fn render_in(
    template: &CertificateTemplate,
    awards: &[Award],
    date: Date,
    meta: &Meta,
    regular: Arc<Face>,
    bold: Arc<Face>,
) -> Result<Vec<u8>> {
    render_pages_in(&same_template(template, awards), date, meta, regular, bold)
}

fn render_pages_in(
    pages: &[PageSpec],
    date: Date,
    meta: &Meta,
    regular: Arc<Face>,
    bold: Arc<Face>,
) -> Result<Vec<u8>> {
    check_words(pages, date, &regular, &bold)?;
    let mut doc = Document::new(meta);
    let regular_ref = doc.font_face(regular.clone());
    let bold_ref = doc.font_face(bold.clone());
    // Each image once per document, however many categories share it.
    let mut images: Vec<(PathBuf, pdf::ImageRef)> = Vec::new();
    let mut image = |doc: &mut Document, path: &Option<PathBuf>, what: &str, name: &str| {
        let Some(path) = path else {
            return Ok::<_, Error>(None);
        };
        if let Some((_, image)) = images.iter().find(|(p, _)| p == path) {
            return Ok(Some(image.clone()));
        }
        let image = doc.image(&image_bytes(path, what)?, name)?;
        images.push((path.clone(), image.clone()));
        Ok(Some(image))
    };
    for (template, award) in pages {
        let seal = image(&mut doc, &template.seal, "印章", "seal")?;
        let background = image(&mut doc, &template.background, "背景", "background")?;
        let sheet = sheet(template, award, date, &regular, &bold)?;

        let mut page = Page::new(sheet.width, sheet.height);
        // Background first, seal last: the stamp sits on the ink, as on paper.
        for mark in &sheet.marks {
            if let (Mark::Background { width, height }, Some(image)) = (mark, &background) {
                page.image(image, 0.0, 0.0, *width, *height);
            }
        }
        page.colour(0.55, 0.05, 0.05);
        for mark in &sheet.marks {
            match mark {
                Mark::Frame {
                    x,
                    y,
                    width,
                    height,
                    thickness,
                } => page.rect(*x, *y, *width, *height, *thickness),
                Mark::Text {
                    x,
                    y,
                    size,
                    bold,
                    spacing,
                    text,
                } => {
                    let font = if *bold { &bold_ref } else { &regular_ref };
                    page.text(font, *size, *x, *y, *spacing, text);
                }
                _ => {}
            }
            if matches!(mark, Mark::Frame { .. }) {
                page.colour(0.1, 0.1, 0.1);
            }
        }
        for mark in &sheet.marks {
            if let (
                Mark::Seal {
                    x,
                    y,
                    width,
                    height,
                },
                Some(image),
            ) = (mark, &seal)
            {
                page.image(image, *x, *y, *width, *height);
            }
        }
        if !award.qr.is_empty() {
            // Bottom right, inside the frame: the signed words for anyone with a phone.
            // 34 mm: readable from a 100 dpi scan of the longest words a batch holds, and
            // clear of the issuer's date to its left.
            let side = 34.0 * MM;
            let (x, y) = (
                sheet.width - 17.0 * MM - side,
                sheet.height - 17.0 * MM - side,
            );
            page.fill_all(&qr_modules(&award.qr, x, y, side)?, 0.0);
        }
        doc.push(page);
    }
    Ok(doc.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_chinese_numerals() {
        assert_eq!(
            chinese_date(date!(2026 - 11 - 30)),
            "二〇二六年十一月三十日"
        );
        assert_eq!(chinese_date(date!(2025 - 01 - 01)), "二〇二五年一月一日");
        assert_eq!(chinese_date(date!(2030 - 10 - 10)), "二〇三〇年十月十日");
        assert_eq!(
            chinese_date(date!(2024 - 12 - 21)),
            "二〇二四年十二月二十一日"
        );
        assert_eq!(
            chinese_date(date!(2024 - 05 - 31)),
            "二〇二四年五月三十一日"
        );
    }

    #[test]
    fn the_shipped_template_is_valid() {
        CertificateTemplate::default().check().unwrap();
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_refused() {
        let mut t = CertificateTemplate {
            body: "{姓明}同志".into(),
            ..CertificateTemplate::default()
        };
        let e = t.check().unwrap_err();
        assert!(e.message_zh().contains("{姓明}"), "{}", e.message_zh());
        t.body = "{姓名".into();
        assert!(t.check().is_err());
        assert!(CertificateTemplate::from_json("{\"title\": 1}", "x.json").is_err());
    }

    #[test]
    fn the_shipped_template_names_no_issuer_and_does_not_print_until_one_is_set() {
        let shipped = CertificateTemplate::default();
        assert_eq!(shipped.issuer, "");
        let e = shipped.check_printable().unwrap_err();
        assert_eq!(e.code(), "certificate_issuer_missing");
        assert!(e.message_zh().contains("落款单位"), "{}", e.message_zh());
        assert!(e.message_en().contains("issuer"), "{}", e.message_en());
        let blank = CertificateTemplate {
            issuer: "　 ".into(),
            ..shipped.clone()
        };
        assert!(blank.check_printable().is_err());
        let set = CertificateTemplate {
            issuer: "中共某省委教育工作委员会".into(),
            ..shipped
        };
        set.check_printable().unwrap();
    }

    #[test]
    fn a_category_prints_its_own_title_honour_and_orientation() {
        let t = CertificateTemplate {
            categories: vec![CategoryCertificate {
                category_key: "case_branch".into(),
                title: Some("优秀案例证书".into()),
                honour: Some("{年度}年度优秀基层党支部案例".into()),
                landscape: Some(false),
            }],
            ..CertificateTemplate::default()
        };
        t.check().unwrap();
        let own = t.for_category("case_branch");
        assert_eq!(own.title, "优秀案例证书");
        assert_eq!(own.honour, "{年度}年度优秀基层党支部案例");
        assert!(!own.landscape);
        assert_eq!(own.body, t.body);
        assert!(own.categories.is_empty());
        let shared = t.for_category("case_university");
        assert_eq!(
            (
                shared.title.as_str(),
                shared.honour.as_str(),
                shared.landscape
            ),
            ("荣誉证书", "{类别}", true)
        );
        // A category's words are checked as the template's are.
        let mut bad = t.clone();
        bad.categories[0].honour = Some("{称呼}".into());
        assert!(bad.check().unwrap_err().message_zh().contains("{称呼}"));
        let mut twice = t.clone();
        twice.categories.push(t.categories[0].clone());
        assert!(twice.check().is_err());
        let mut empty = t;
        empty.categories[0].title = Some(" ".into());
        assert!(empty.check().is_err());
    }

    #[test]
    fn placeholders_are_filled() {
        let award = Award {
            serial: "PD2026-01-001".into(),
            code: "ABCDE-FGHJK".into(),
            name: "张喆".into(),
            university: "江北师范大学".into(),
            category: "大学生党员标兵".into(),
            year: 2026,
            review_title: "评审".into(),
            qr: String::new(),
        };
        let t = CertificateTemplate::default();
        let [_, body, _, _, footer] = texts(&t, &award, date!(2026 - 11 - 30));
        assert!(body.starts_with("张喆："), "{body}");
        assert!(body.contains("江北师范大学推荐"));
        assert!(body.contains("2026年度“大学生党员标兵”"));
        assert!(footer.contains("PD2026-01-001") && footer.contains("ABCDE-FGHJK"));
    }
}
