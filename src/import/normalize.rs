//! Normalising cell values: what a clerk would accept as "the same" without asking.
//!
//! Every function here is total: it returns `None` (or the input, folded) for what it does
//! not understand, and never guesses a value that was not written. An ID number stored as
//! a number has already lost digits, so it is reported, never repaired.

/// `str::trim`, returning at once when neither end is white space, as in nearly every
/// cell: the general search cost a folder import more than the folding did.
pub fn trim(s: &str) -> &str {
    // A character can be white space only if it is ASCII or its UTF-8 lead byte is one of
    // these: C2 (U+0085, U+00A0), E1 (U+1680), E2 (U+2000..U+205F), E3 (U+3000).
    let may_be_space = |lead: u8| lead <= b' ' || matches!(lead, 0xC2 | 0xE1 | 0xE2 | 0xE3);
    let bytes = s.as_bytes();
    let last_lead = bytes.iter().rev().find(|&&b| b & 0xC0 != 0x80);
    match (bytes.first(), last_lead) {
        (Some(&first), Some(&last)) if may_be_space(first) || may_be_space(last) => s.trim(),
        _ => s,
    }
}

/// Folds full-width digits, Latin letters and the symbols of numbers, dates and
/// addresses (１２３ＡＢｃ－．／＠＋＃) and the ideographic space to their half-width forms,
/// and trims the ends. Chinese punctuation (，。、：（）) is left alone in values: it is
/// how Chinese is written, not a typing accident.
pub fn fold_width(s: &str) -> String {
    let s = trim(s);
    // Most cells hold nothing to fold: a fast byte search, one copy. Every full-width
    // form starts with the byte EF in UTF-8 (U+FF01..U+FF5E is EF BC 81..EF BD 9E), and
    // the ideographic space is E3 80 80; E3 otherwise opens only punctuation and kana.
    let bytes = s.as_bytes();
    let foldable = memchr::memchr2_iter(0xEF, 0xE3, bytes)
        .any(|at| bytes[at] == 0xEF || bytes.get(at + 1..at + 3) == Some(&[0x80, 0x80]));
    if !foldable {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '－' | '．' | '／' | '＠' | '＋' | '＃' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The form in which two header texts are compared: width folded, every kind of white
/// space and the required-field star removed, brackets unified, a trailing colon dropped,
/// and Latin letters lower-cased. `" 身份证号码（必填）＊"` and `"身份证号码(必填)"` meet.
pub fn header_key(s: &str) -> String {
    let mut key: String = fold_width(s).chars().filter_map(header_char).collect();
    while key.ends_with(':') {
        key.pop();
    }
    key
}

/// What one character becomes in a header key, after width folding; `None` when the key
/// drops it.
fn header_char(c: char) -> Option<char> {
    if c.is_whitespace() || matches!(c, '*' | '＊' | '※') {
        return None;
    }
    Some(match c {
        '（' | '【' | '〔' | '[' => '(',
        '）' | '】' | '〕' | ']' => ')',
        '：' => ':',
        _ => c.to_ascii_lowercase(),
    })
}

/// Whether `s` is already a header key with no bracketed note or colon in it: then
/// `header_key(s) == s`, and a header search can look it up without building the key.
pub fn is_plain_header_key(s: &str) -> bool {
    s.chars().all(|c| {
        header_char(c) == Some(c)
            && !('\u{FF01}'..='\u{FF5E}').contains(&c)
            && !matches!(c, '(' | ':')
    })
}

/// A Chinese personal name without the spaces people type to line names up in a column
/// (`张　三` → `张三`). Names in Latin letters keep their single spaces.
pub fn person_name(s: &str) -> String {
    let folded = fold_width(s);
    let is_cjk = |c: char| {
        ('\u{3400}'..='\u{9FFF}').contains(&c)
            || ('\u{20000}'..='\u{2FFFF}').contains(&c)
            || c == '〇'
    };
    if !folded.chars().any(char::is_whitespace) {
        folded
    } else if folded.chars().any(is_cjk) {
        folded.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

pub use crate::sandbox::grid::{whole_number_text, FormDate};

/// Reads a date written as text: `2021.07`, `2021.7.1`, `2021年7月1日`, `2021年7月`,
/// `2021/7/1`, `2021-07-01`, `2021-7`, `20210701`, `202107`, with full-width digits too.
pub fn parse_date_text(s: &str) -> Option<FormDate> {
    let folded = fold_width(s);
    let t = folded.trim_end_matches('日').trim_end_matches('号');
    // An unbroken run of digits: 20210701 or 202107.
    if t.chars().all(|c| c.is_ascii_digit()) {
        return match t.len() {
            8 => FormDate::new(
                t[..4].parse().ok()?,
                t[4..6].parse().ok()?,
                Some(t[6..].parse().ok()?),
            ),
            6 => FormDate::new(t[..4].parse().ok()?, t[4..].parse().ok()?, None),
            _ => None,
        };
    }
    let mut parts = t
        .split(['.', '/', '-', '年', '月', '．', '。'])
        .filter(|p| !p.is_empty());
    let number = |p: &str| -> Option<u32> {
        (p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = parts.next().filter(|y| y.len() == 4).and_then(number)?;
    let month = number(parts.next()?)?;
    let day = match parts.next() {
        Some(d) => Some(number(d)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    FormDate::new(year as i32, month, day)
}

/// Converts an Excel date serial to a date. In the 1900 system Excel counts a 29 February
/// 1900 that never was (serial 60), so serials from 61 on are one day ahead; the 1904
/// system (old Mac workbooks) counts from 1 January 1904 without that error.
pub fn excel_serial_to_date(serial: f64, date1904: bool) -> Option<FormDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let whole = serial.floor() as i64;
    // Days since 1970-01-01 of the serial's date.
    let unix_days = if date1904 {
        whole - 24_107 // 1904-01-01 is 24107 days before 1970-01-01
    } else if whole == 60 {
        return None; // 1900-02-29 does not exist
    } else if whole < 60 {
        whole - 25_568 // serial 1 = 1900-01-01
    } else {
        whole - 25_569 // serial 61 = 1900-03-01
    };
    let (y, m, d) = civil_from_days(unix_days);
    FormDate::new(y, m, Some(d))
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// 是/否 as people write them in a form.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match fold_width(s).to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "对" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "✘" | "不是" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_letters_digits_and_brackets_but_not_chinese_punctuation() {
        assert_eq!(fold_width("　２０２１年ＡＢ－１　"), "2021年AB-1");
        assert_eq!(fold_width("张三，李四。"), "张三，李四。");
    }

    #[test]
    fn person_names_lose_alignment_spaces() {
        assert_eq!(person_name("张　三"), "张三");
        assert_eq!(person_name(" 欧阳 晓〇 "), "欧阳晓〇");
        assert_eq!(person_name("阿依古丽·买买提"), "阿依古丽·买买提");
        assert_eq!(person_name("John  Smith"), "John Smith");
    }

    #[test]
    fn header_keys_meet_across_the_ways_people_type_headers() {
        let check = |a: &str, b: &str| assert_eq!(header_key(a), header_key(b), "{a} vs {b}");
        check(" 身份证号码（必填）＊", "身份证号码(必填)");
        check("姓 名", "姓名");
        check("联系电话：", "联系电话");
        check("【学号】", "(学号)");
        check("ID Number", "idnumber");
        assert_ne!(header_key("姓名"), header_key("性别"));
    }

    #[test]
    fn reads_dates_as_universities_write_them() {
        let check = |s: &str, expected: Option<&str>| {
            assert_eq!(
                parse_date_text(s).map(|d| d.to_string()).as_deref(),
                expected,
                "{s}"
            );
        };
        check("2021.07", Some("2021-07"));
        check("2021.7", Some("2021-07"));
        check("2021.7.1", Some("2021-07-01"));
        check("2021年7月1日", Some("2021-07-01"));
        check("2021年7月", Some("2021-07"));
        check("2021/7/1", Some("2021-07-01"));
        check("2021-07-01", Some("2021-07-01"));
        check("２０２１．０７", Some("2021-07"));
        check("20210701", Some("2021-07-01"));
        check("202107", Some("2021-07"));
        check(" 2021-7 ", Some("2021-07"));
        // Not dates, or impossible ones: no guessing.
        check("2021.13", None);
        check("2021-02-30", None);
        check("21.7.1", None);
        check("2021年上半年", None);
        check("", None);
        check("7/1/2021", None);
        check("2021", None);
        check("2021.7.1.2", None);
        check("2021.007", Some("2021-07"));
        check("2021.+7", None);
        check("2021.07.", Some("2021-07"));
    }

    #[test]
    fn dates_are_written_as_iso_whatever_the_year() {
        let date = |year, month, day| FormDate { year, month, day }.iso();
        assert_eq!(date(2021, 7, Some(1)), "2021-07-01");
        assert_eq!(date(1900, 12, None), "1900-12");
        // Years no form holds still come out as `format!` writes them.
        assert_eq!(date(12345, 1, Some(2)), "12345-01-02");
        assert_eq!(date(-5, 1, None), "-005-01");
        assert_eq!(date(7, 1, None), "0007-01");
        assert_eq!(
            FormDate::new(2024, 2, Some(29)).unwrap().to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn trims_exactly_as_str_trim_does() {
        for s in [
            "",
            " ",
            "　",
            "a",
            " a",
            "a ",
            "张三",
            "\u{3000}张三\u{3000}",
            "\u{a0}x",
            "x\u{2029}",
            "\t\n",
            "二〇二一",
            " 张 三 ",
            "a\u{85}",
            "\u{1680}a",
            "x\u{205f}",
            "x\u{200b}",
            "é ",
            "\u{1}x\u{7f}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn excel_serials_in_both_date_systems() {
        let d =
            |serial: f64, d1904: bool| excel_serial_to_date(serial, d1904).map(|d| d.to_string());
        assert_eq!(d(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(d(59.0, false).as_deref(), Some("1900-02-28"));
        assert_eq!(d(60.0, false), None, "Excel's phantom 1900-02-29");
        assert_eq!(d(61.0, false).as_deref(), Some("1900-03-01"));
        assert_eq!(d(44378.0, false).as_deref(), Some("2021-07-01"));
        assert_eq!(
            d(44378.75, false).as_deref(),
            Some("2021-07-01"),
            "time of day ignored"
        );
        assert_eq!(d(0.0, true), None);
        assert_eq!(d(1.0, true).as_deref(), Some("1904-01-02"));
        assert_eq!(d(42916.0, true).as_deref(), Some("2021-07-01"));
        assert_eq!(d(f64::NAN, false), None);
        assert_eq!(d(-3.0, false), None);
    }

    #[test]
    fn yes_no_and_numbers_stored_as_numbers() {
        assert_eq!(parse_yes_no(" 是 "), Some(true));
        assert_eq!(parse_yes_no("Ｙ"), Some(true));
        assert_eq!(parse_yes_no("否"), Some(false));
        assert_eq!(parse_yes_no("不确定"), None);
        assert_eq!(
            whole_number_text(13812345678.0).as_deref(),
            Some("13812345678")
        );
        assert_eq!(whole_number_text(42.5), None);
        // An 18-digit ID stored as a number is beyond what f64 holds exactly.
        assert_eq!(whole_number_text(110105194912310020.0), None);
    }
}
