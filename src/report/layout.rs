//! Measured line breaking for Chinese text, independent of any PDF library so it can be
//! tested on its own: the caller supplies each character's advance.
//!
//! Rules (the common subset of GB/T 15834 practice and what certificate printers do):
//! closing punctuation (。，、；：？！）》」』】…—) never starts a line, opening brackets
//! never end one, and a run of Latin letters or digits moves as one word unless it is
//! longer than a whole line.

/// Characters a line may not start with.
fn no_line_start(c: char) -> bool {
    "。，、；：？！）》」』】〕〗〉’”…—·%‰℃,.;:?!)]}".contains(c)
}

/// Characters a line may not end with.
fn no_line_end(c: char) -> bool {
    "（《「『【〔〖〈‘“([{".contains(c)
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | '@' | '+' | '#')
}

/// Where a line may break before index `i` of `chars`.
fn may_break_before(chars: &[char], i: usize) -> bool {
    if i == 0 || i >= chars.len() {
        return true;
    }
    let (prev, next) = (chars[i - 1], chars[i]);
    if no_line_start(next) || no_line_end(prev) {
        return false;
    }
    !(word_char(prev) && word_char(next))
}

/// Breaks `text` into lines no wider than `max_width`. Hard line breaks (`\n`) are kept.
/// A single unbreakable run wider than a line is split by character rather than
/// overflowing; spaces at a line's end are dropped.
pub fn wrap(text: &str, max_width: f32, advance: &mut impl FnMut(char) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, max_width, advance, &mut lines);
    }
    lines
}

fn wrap_paragraph(
    text: &str,
    max_width: f32,
    advance: &mut impl FnMut(char) -> f32,
    lines: &mut Vec<String>,
) {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        lines.push(String::new());
        return;
    }
    let widths: Vec<f32> = chars.iter().map(|&c| advance(c)).collect();
    let mut start = 0;
    while start < chars.len() {
        // The longest prefix that fits, at least one character.
        let mut end = start;
        let mut width = 0.0;
        while end < chars.len() && (end == start || width + widths[end] <= max_width + 1e-3) {
            width += widths[end];
            end += 1;
        }
        if end < chars.len() {
            // Step back to an allowed break (the previous character moves down with a
            // closing mark rather than the mark hanging out of the box); a line with no
            // allowed break at all is split where it fills.
            let mut cut = end;
            while cut > start && !may_break_before(&chars, cut) {
                cut -= 1;
            }
            if cut == start {
                cut = end;
            }
            end = cut;
        }
        let line: String = chars[start..end].iter().collect();
        lines.push(line.trim_end().to_string());
        start = end;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
}

/// Text set in a box: the lines and the size they were set at.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
}

/// Sets `text` in a box `width` × `height` (points), starting at `size` and shrinking in
/// half-point steps down to `min_size` until the wrapped lines fit. `advance` gives a
/// character's advance at size 1. At `min_size` the text is returned as wrapped even if
/// it is still too tall: the caller decides whether that is an error.
pub fn fit(
    text: &str,
    width: f32,
    height: f32,
    size: f32,
    min_size: f32,
    line_gap: f32,
    advance: &mut impl FnMut(char) -> f32,
) -> Fitted {
    let mut size = size;
    loop {
        let lines = wrap(text, width / size, advance);
        let needed = lines.len() as f32 * size * line_gap;
        if needed <= height + 1e-3 || size - 0.5 < min_size {
            return Fitted { size, lines };
        }
        size -= 0.5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK and full-width marks one em, everything else half.
    fn em(c: char) -> f32 {
        if c.is_ascii() {
            0.5
        } else {
            1.0
        }
    }

    fn wrap_em(text: &str, width: f32) -> Vec<String> {
        wrap(text, width, &mut em)
    }

    #[test]
    fn chinese_breaks_anywhere_that_fits() {
        assert_eq!(wrap_em("一二三四五六七", 3.0), ["一二三", "四五六", "七"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // "四" would end the line and "。" start the next: "四" moves down with it.
        let lines = wrap_em("一二三四。五六七", 4.0);
        assert_eq!(lines, ["一二三", "四。五六", "七"]);
        for line in wrap_em("一二，三四，五六，七八。九十、百千", 3.0) {
            assert!(!line.starts_with(['，', '。', '、']), "{line}");
        }
    }

    #[test]
    fn opening_bracket_never_ends_a_line() {
        let lines = wrap_em("一二三《四五》六", 4.0);
        assert_eq!(lines, ["一二三", "《四五》", "六"]);
    }

    #[test]
    fn latin_words_and_numbers_stay_whole() {
        let lines = wrap_em("编号2026ABC的证书", 5.0);
        assert_eq!(lines, ["编号", "2026ABC的", "证书"]);
    }

    #[test]
    fn a_word_longer_than_a_line_is_split_not_overflowing() {
        let lines = wrap_em("abcdefghij", 2.0);
        assert!(lines.iter().all(|l| l.chars().count() <= 4), "{lines:?}");
        assert_eq!(lines.concat(), "abcdefghij");
    }

    #[test]
    fn hard_breaks_and_empty_text_are_kept() {
        assert_eq!(wrap_em("一\n\n二", 5.0), ["一", "", "二"]);
        assert_eq!(wrap_em("", 5.0), [""]);
    }

    #[test]
    fn nothing_is_lost_or_reordered() {
        let text = "中国人民大学马克思主义学院（2026）“样板支部”建设、培育创建单位。";
        for width in [1.0, 2.0, 3.5, 7.0, 40.0] {
            let lines = wrap_em(text, width);
            assert_eq!(lines.concat(), text, "width {width}");
        }
    }

    #[test]
    fn fit_shrinks_until_the_lines_fit() {
        // 20 characters at 10 pt in a 100 × 20 box: 2 lines of 10 fit at 10 pt × 1.0 gap.
        let f = fit(&"字".repeat(20), 100.0, 20.0, 10.0, 4.0, 1.0, &mut em);
        assert_eq!((f.size, f.lines.len()), (10.0, 2));
        // 40 characters need 4 lines at 10 pt: it shrinks until they fit.
        let f = fit(&"字".repeat(40), 100.0, 20.0, 10.0, 4.0, 1.0, &mut em);
        assert!(f.size < 10.0);
        assert!(f.lines.len() as f32 * f.size <= 20.0 + 1e-3, "{f:?}");
        // Never below the minimum.
        let f = fit(&"字".repeat(400), 100.0, 20.0, 10.0, 6.0, 1.0, &mut em);
        assert_eq!(f.size, 6.0);
    }
}
