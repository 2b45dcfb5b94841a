//! Tables that run over pages: a header row repeated on every page, cells that wrap and,
//! when wrapping is not enough, shrink, so nothing ever crosses a cell's border; a
//! footer with "第 x 页 / 共 y 页" added once the page count is known.

use super::layout;
use super::pdf::{Align, Document, FontRef, Page};

/// Page furniture shared by every report.
pub struct Flow {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
    /// Top of the free space on the current page.
    pub y: f32,
    pages: Vec<Page>,
    pub font: FontRef,
    pub bold: FontRef,
    footer_left: String,
    /// Body rows are at least this tall (room to write by hand on a blank form); 0: as
    /// tall as their text.
    pub min_row_height: f32,
}

pub struct Column {
    pub title: String,
    /// Share of the table's width; shares are normalised.
    pub share: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, share: f32, align: Align) -> Column {
        Column {
            title: title.into(),
            share,
            align,
        }
    }
}

const PAD: f32 = 3.0;
const LINE_GAP: f32 = 1.3;
/// Cells grow to this many lines before their text shrinks.
const MAX_LINES: usize = 3;

struct SetCell {
    size: f32,
    lines: Vec<String>,
}

impl Flow {
    pub fn new(
        (width, height): (f32, f32),
        margin: f32,
        font: FontRef,
        bold: FontRef,
        footer_left: String,
    ) -> Flow {
        let mut flow = Flow {
            width,
            height,
            margin,
            y: margin,
            pages: Vec::new(),
            font,
            bold,
            footer_left,
            min_row_height: 0.0,
        };
        flow.new_page();
        flow
    }

    pub fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::new(self.width, self.height));
        self.y = self.margin;
    }

    /// The bottom of the space for content (the footer sits below it).
    pub fn bottom(&self) -> f32 {
        self.height - self.margin - 14.0
    }

    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    /// Starts a new page unless `needed` points are still free.
    pub fn ensure(&mut self, needed: f32) {
        if self.y + needed > self.bottom() && self.y > self.margin + 0.5 {
            self.new_page();
        }
    }

    /// A paragraph across the content width, wrapped.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool, align: Align) {
        let font = if bold {
            self.bold.clone()
        } else {
            self.font.clone()
        };
        let width = self.content_width();
        let lines = layout::wrap(text, width / size, &mut |c| font.face.layout_advance(c));
        for line in lines {
            self.ensure(size * LINE_GAP);
            let baseline = self.y + size;
            let x = self.margin;
            self.page()
                .text_in(&font, size, x, width, baseline, align, &line);
            self.y += size * LINE_GAP;
        }
    }

    pub fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// Draws `rows` under a header that repeats on every page; the header never sits
    /// alone at the foot of a page.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32) {
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let widths: Vec<f32> = columns
            .iter()
            .map(|c| c.share / total * self.content_width())
            .collect();
        let header: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
        let header_set = self.set_row(&header, &widths, size, true);
        let header_height = row_height(&header_set);
        // A header alone at the foot of a page helps nobody.
        let first = rows
            .first()
            .map(|r| row_height(&self.set_row(r, &widths, size, false)).max(self.min_row_height))
            .unwrap_or(0.0);
        self.ensure(header_height + first);
        self.draw_row(&header_set, &widths, columns, true);
        for row in rows {
            let set = self.set_row(row, &widths, size, false);
            let height = row_height(&set).max(self.min_row_height);
            if self.y + height > self.bottom() {
                self.new_page();
                self.draw_row(&header_set, &widths, columns, true);
            }
            self.draw_row(&set, &widths, columns, false);
        }
    }

    fn set_row(&self, cells: &[String], widths: &[f32], size: f32, bold: bool) -> Vec<SetCell> {
        let font = if bold { &self.bold } else { &self.font };
        cells
            .iter()
            .zip(widths)
            .map(|(text, width)| {
                let inner = (width - 2.0 * PAD).max(1.0);
                let height = MAX_LINES as f32 * size * LINE_GAP;
                let fitted = layout::fit(
                    text,
                    inner,
                    height,
                    size,
                    (size * 0.6).max(4.5),
                    LINE_GAP,
                    &mut |c| font.face.layout_advance(c),
                );
                SetCell {
                    size: fitted.size,
                    lines: fitted.lines,
                }
            })
            .collect()
    }

    fn draw_row(&mut self, set: &[SetCell], widths: &[f32], columns: &[Column], header: bool) {
        let height = if header {
            row_height(set)
        } else {
            row_height(set).max(self.min_row_height)
        };
        let top = self.y;
        let mut x = self.margin;
        let font = if header {
            self.bold.clone()
        } else {
            self.font.clone()
        };
        if header {
            let w = self.content_width();
            self.page().fill(x, top, w, height, 0.9);
        }
        for ((cell, width), column) in set.iter().zip(widths).zip(columns) {
            self.page().rect(x, top, *width, height, 0.5);
            let block = cell.lines.len() as f32 * cell.size * LINE_GAP;
            let mut baseline = top + (height - block) / 2.0 + cell.size * 1.05;
            let align = if header { Align::Center } else { column.align };
            for line in &cell.lines {
                self.page().text_in(
                    &font,
                    cell.size,
                    x + PAD,
                    width - 2.0 * PAD,
                    baseline,
                    align,
                    line,
                );
                baseline += cell.size * LINE_GAP;
            }
            x += width;
        }
        self.y += height;
    }

    /// Adds page numbers and hands the pages to the document.
    pub fn finish(mut self, doc: &mut Document) {
        let count = self.pages.len();
        let font = self.font.clone();
        let (margin, width, height) = (self.margin, self.width, self.height);
        for (i, page) in self.pages.iter_mut().enumerate() {
            let y = height - margin + 2.0;
            page.text_in(
                &font,
                8.0,
                margin,
                width - 2.0 * margin,
                y,
                Align::Center,
                &format!(
                    "第 {} 页 / 共 {} 页  Page {} / {}",
                    i + 1,
                    count,
                    i + 1,
                    count
                ),
            );
            page.text_in(
                &font,
                7.0,
                margin,
                width - 2.0 * margin,
                y,
                Align::Left,
                &self.footer_left,
            );
        }
        for page in self.pages.drain(..) {
            doc.push(page);
        }
    }
}

fn row_height(set: &[SetCell]) -> f32 {
    set.iter()
        .map(|c| c.lines.len().max(1) as f32 * c.size * LINE_GAP)
        .fold(0.0, f32::max)
        + 2.0 * PAD
}
