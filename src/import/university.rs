//! Which university sent a workbook: from its 推荐单位 column, else a
//! `推荐单位（盖章）：…` line above the header, else the file name; the clerk is told which.

use serde::Serialize;

use super::normalize::fold_width;
use crate::sandbox::grid::Grid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UniversitySource {
    Column,
    LineAboveHeader,
    FileName,
}

/// Looks for `推荐单位（盖章）：江北师范大学` (or 报送单位, 学校名称) in the rows above the header.
pub fn from_lines_above(grid: &Grid, header_row: usize) -> Option<String> {
    const LABELS: &[&str] = &["推荐单位", "报送单位", "申报单位", "学校名称", "填报单位"];
    for row in grid.rows.iter().take(header_row) {
        let line: String = row
            .iter()
            .map(|c| c.display())
            .collect::<Vec<_>>()
            .join(" ");
        let line = fold_width(&line);
        for label in LABELS {
            let Some(start) = line.find(label) else {
                continue;
            };
            let rest = &line[start + label.len()..];
            // Skip the "（盖章）" note and the colon, then take up to the next gap.
            let rest = rest.trim_start_matches(|c: char| {
                matches!(c, '(' | ')' | '（' | '）' | '盖' | '章' | ':' | '：' | ' ')
            });
            let name: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '，' | ',' | '；' | ';'))
                .collect();
            let name = name.trim_end_matches(['(', '（']).to_string();
            if name.chars().count() >= 2 && !name.contains("年") {
                return Some(name);
            }
        }
    }
    None
}

/// A university name from a file name such as `江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx`:
/// the part before the first separator, or the whole stem.
pub fn from_file_name(stem: &str) -> Option<String> {
    let stem = fold_width(stem);
    let first = stem
        .split(['-', '_', ' ', '—', '（', '(', '《'])
        .find(|part| !part.is_empty())?
        .trim()
        .to_string();
    let looks_like_university = ["大学", "学院", "学校", "党校"]
        .iter()
        .any(|k| first.contains(k));
    looks_like_university.then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::grid::Cell;

    fn grid(lines: &[&str]) -> Grid {
        Grid {
            sheet: "Sheet1".into(),
            date1904: false,
            rows: lines
                .iter()
                .map(|l| vec![Cell::Text((*l).into())])
                .collect(),
        }
    }

    #[test]
    fn reads_the_stamped_line_above_the_header() {
        let g = grid(&[
            "2026年样板支部推荐汇总表",
            "推荐单位（盖章）：江北师范大学      填表日期：2026年3月1日",
            "序号",
        ]);
        assert_eq!(from_lines_above(&g, 2).as_deref(), Some("江北师范大学"));
        let g = grid(&["推荐单位:东川理工大学", "姓名"]);
        assert_eq!(from_lines_above(&g, 1).as_deref(), Some("东川理工大学"));
        let g = grid(&["推荐单位（盖章）：", "姓名"]);
        assert_eq!(
            from_lines_above(&g, 1),
            None,
            "an empty stamp line names nobody"
        );
    }

    #[test]
    fn falls_back_to_the_file_name_only_when_it_names_a_university() {
        assert_eq!(
            from_file_name("江北师范大学-2026年标兵推荐表").as_deref(),
            Some("江北师范大学")
        );
        assert_eq!(
            from_file_name("南湖医科大学（盖章版）").as_deref(),
            Some("南湖医科大学")
        );
        assert_eq!(from_file_name("推荐汇总表(1)"), None);
    }
}
