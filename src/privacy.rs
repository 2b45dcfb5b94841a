//! Personal data (ID and phone numbers) is masked wherever it is shown, unless asked for.

use crate::model::{FieldValue, Nomination};

/// Whether a view may show personal data in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    Masked,
    Revealed,
}

/// Keeps enough of a value to tell two apart on screen, never enough to use it:
/// the first three and last four characters of an ID number, the first three and
/// last four digits of a phone number.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// A digit as a person may have typed it: ASCII or full width.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

fn plausible_date(year: u32, month: u32, day: u32) -> bool {
    (1900..=2099).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Whether a run of digits (with its final character) is an ID or a phone number.
fn is_personal_number(digits: &[u8], x_last: bool) -> bool {
    let n = |range: std::ops::Range<usize>| {
        digits[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(*d))
    };
    match digits.len() {
        // 18: a resident ID (GB 11643), by its check character, or by its birth date when
        // the check is lost (a number Excel rounded, or ending in X).
        17 if x_last => plausible_date(n(6..10), n(10..12), n(12..14)),
        18 => {
            let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            crate::idcard::is_valid(&text) || plausible_date(n(6..10), n(10..12), n(12..14))
        }
        // 15: the first-generation ID, birth date as YYMMDD.
        15 => plausible_date(1900 + n(6..8), n(8..10), n(10..12)),
        // Mobile numbers, with or without the country code.
        11 => (digits[0] == 1 && digits[1] >= 3) || digits[0] == 0,
        13 => digits[..3] == [8, 6, 1] && digits[3] >= 3,
        // Landlines with their area code (010-12345678, 0571-8888888, 0755 12345678).
        10..=12 => digits[0] == 0,
        _ => false,
    }
}

/// Masks every ID and phone number found **by its value** anywhere in `text` (a free-text
/// cell, a column the template does not know, a flag's message), keeping separators and
/// the first three and last four digits. Numbers are runs of digits (ASCII or full width)
/// that may hold single `-` or spaces between groups, with an ID's final `X`; a run that is
/// part of a longer run of digits is left alone.
pub fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() || (i > 0 && digit(chars[i - 1]).is_some()) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, single separators between digits, an X right after digits.
        let mut end = i;
        let mut digits = Vec::new();
        let mut x_last = false;
        while end < chars.len() {
            let c = chars[end];
            if let Some(d) = digit(c) {
                digits.push(d);
                end += 1;
            } else if matches!(c, '-' | ' ' | '－')
                && end + 1 < chars.len()
                && digit(chars[end + 1]).is_some()
                && end > i
            {
                end += 1;
            } else {
                if matches!(c, 'X' | 'x') && digits.len() == 17 {
                    x_last = true;
                    end += 1;
                }
                break;
            }
        }
        let run: String = chars[i..end].iter().collect();
        let followed_by_letter = chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric());
        if !followed_by_letter && is_personal_number(&digits, x_last) {
            let total = digits.len() + usize::from(x_last);
            let mut seen = 0;
            for c in run.chars() {
                if digit(c).is_some() || matches!(c, 'X' | 'x') {
                    seen += 1;
                    out.push(if seen <= 3 || seen > total - 4 {
                        c
                    } else {
                        '*'
                    });
                } else {
                    out.push(c);
                }
            }
            i = end;
        } else if let Some(first_gap) = chars[i..end].iter().position(|c| digit(*c).is_none()) {
            // "35 13812345678": the groups together are nothing, the second alone is a
            // phone number. Emit the first group and scan again after it.
            out.extend(&chars[i..i + first_gap]);
            i += first_gap;
        } else {
            out.push_str(&run);
            i = end;
        }
    }
    out
}

fn mask_fields(fields: &mut [FieldValue]) {
    for f in fields.iter_mut() {
        f.value = if f.personal {
            mask(&f.value)
        } else {
            mask_text(&f.value)
        };
    }
}

pub fn apply(nomination: &mut Nomination, privacy: Privacy) {
    if privacy == Privacy::Masked {
        mask_fields(&mut nomination.fields);
        mask_fields(&mut nomination.extra_fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_phone_numbers_are_masked_by_their_value_wherever_they_stand() {
        for (text, masked) in [
            (
                "书记身份证号 11010519491231002X",
                "书记身份证号 110***********002X",
            ),
            ("11010519491231002x", "110***********002x"),
            // Stored as a number by Excel: the check digit is lost, the birth date is not.
            ("110105200307010000", "110***********0000"),
            ("旧证 110105491231002", "旧证 110********1002"),
            (
                "手机 13812345678；办公 010-62751234",
                "手机 138****5678；办公 010-****1234",
            ),
            ("138 1234 5678", "138 **** 5678"),
            ("+86 13812345678", "+86 1******5678"),
            ("党员人数 35 13812345678", "党员人数 35 138****5678"),
            ("8613812345678", "861******5678"),
            ("１３８１２３４５６７８", "１３８****５６７８"),
            ("0571-8888888", "057*-***8888"),
        ] {
            assert_eq!(mask_text(text), masked, "{text}");
        }
        // Not personal: years, counts, student numbers, dates, amounts, a longer run.
        for text in [
            "2021年7月1日入党，党员人数 35",
            "学号 2021123456",
            "2021-07-01",
            "经费 1200000 元",
            "12345678901234567890",
            "案例编号 11010519491231002XA",
        ] {
            assert_eq!(mask_text(text), text, "{text}");
        }
    }

    #[test]
    fn masks_id_and_phone_numbers_keeping_only_ends() {
        assert_eq!(mask("11010519491231002X"), "110***********002X");
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("1234567"), "*******");
        assert_eq!(mask(""), "");
    }
}
