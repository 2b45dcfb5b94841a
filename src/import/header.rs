//! Finding the header row by its names, wherever it is, and mapping columns to fields.
//!
//! Real forms put a merged title, a 填表说明 line or a `推荐单位（盖章）：` line above the
//! header, and word headers their own way (学生姓名, 身份证号码, 出生日期). A column we do
//! not know is kept as an extra field, never dropped.

use crate::template::FieldSpec;

use crate::sandbox::grid::{Cell, Grid};
use std::borrow::Cow;

use super::normalize::{header_key, is_plain_header_key};

/// How far down a sheet the header may sit.
const HEADER_SEARCH_ROWS: usize = 30;

/// Other names universities give a field, besides the template's own label.
fn aliases(key: &str) -> &'static [&'static str] {
    match key {
        "university" => &["推荐单位", "推荐学校", "推荐高校", "所在高校", "单位"],
        "name" => &["姓名", "学生姓名", "推荐对象姓名", "标兵姓名"],
        "gender" => &["性别"],
        "ethnicity" => &["民族"],
        "birth_month" => &["出生年月", "出生日期", "出生年月日"],
        "department" => &[
            "院系",
            "院系名称",
            "学院",
            "所在院系",
            "所在学院",
            "院(系)",
            "院(系)名称",
        ],
        "major" => &["专业", "所学专业", "专业名称"],
        "education_level" => &["学历层次", "学历", "培养层次", "在读学历"],
        "study_mode" => &["培养方式", "学习形式", "学习方式"],
        "party_status" => &["政治面貌"],
        "joined_party" => &["入党时间", "入党日期", "入党年月"],
        "full_member_since" => &["转正时间", "转正日期", "转正年月"],
        "student_number" => &["学号"],
        "id_number" => &[
            "身份证号",
            "身份证号码",
            "身份证",
            "公民身份号码",
            "居民身份证号码",
        ],
        "deeds" => &["主要事迹", "事迹简介", "主要事迹简介", "个人事迹"],
        "contact_name" => &["联系人", "联系人姓名"],
        "contact_phone" => &["联系电话", "联系方式", "手机", "手机号", "手机号码", "电话"],
        "materials" => &["材料", "附件", "材料清单", "佐证材料", "附件材料"],
        "school_name" => &["学校名称", "高校名称"],
        "party_secretary" => &["党委书记", "党组织书记", "书记"],
        "n_members" => &["党员人数", "党员数"],
        "branch_name" => &["支部名称", "党支部名称"],
        "branch_type" => &["支部类型", "党支部类型"],
        "branch_secretary" => &["支部书记", "党支部书记", "书记姓名"],
        "school_model_since" => &["校级样板支部认定时间", "校级样板党支部认定时间", "认定时间"],
        "branch_founded" => &["支部成立时间", "成立时间", "党支部成立时间"],
        "professional_title" => &["职称", "专业技术职务"],
        "is_dual_leader" => &["是否“双带头人”", "是否双带头人", "双带头人"],
        "case_name" => &["案例名称", "案例题目", "案例标题"],
        "case_level" => &["申报层级", "案例层级", "层级"],
        "united_front" => &["是否统战类", "统战类", "是否统战"],
        "summary" => &["案例摘要", "摘要", "案例简介"],
        _ => &[],
    }
}

/// The key a header is compared by, with a trailing note in brackets dropped:
/// `主要事迹（300字以内）` and `出生年月(格式:2001.01)` name the plain fields.
fn comparable(text: &str) -> Cow<'_, str> {
    // Most texts are already in this form: no key to build.
    if is_plain_header_key(text) {
        return Cow::Borrowed(text);
    }
    let key = header_key(text);
    Cow::Owned(match key.find('(') {
        Some(i) if i > 0 && key.ends_with(')') => key[..i].to_string(),
        _ => key,
    })
}

/// What one column of the sheet holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Field(FieldSpec),
    /// A header we do not know: kept under its own text.
    Extra(String),
    /// No header text at all.
    Unnamed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Zero-based row of the header.
    pub row: usize,
    pub columns: Vec<Column>,
}

impl Header {
    pub fn column_of(&self, key: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| matches!(c, Column::Field(f) if f.key == key))
    }
}

/// Header texts longer than this are data (a 主要事迹 paragraph), not a column name.
const MAX_HEADER_CHARS: usize = 40;

/// Finds headers for one activity's fields. Every comparable name of every field is
/// worked out once, when the finder is made: a folder import makes one for all its files,
/// and the search looks at up to 30 rows of every sheet.
pub struct HeaderFinder {
    names: std::collections::HashMap<String, FieldSpec>,
}

impl HeaderFinder {
    pub fn new(fields: &[FieldSpec]) -> Self {
        let mut names = std::collections::HashMap::new();
        // Template labels first, so an alias of one field never shadows another's label.
        for f in fields {
            names
                .entry(comparable(f.label_zh).into_owned())
                .or_insert(*f);
        }
        for f in fields {
            for a in aliases(f.key) {
                names.entry(comparable(a).into_owned()).or_insert(*f);
            }
        }
        HeaderFinder { names }
    }

    /// The field a header cell names. Only text names a field: a number or a date in
    /// the rows searched is data.
    fn field_for(&self, cell: &Cell) -> Option<FieldSpec> {
        let Cell::Text(text) = cell else {
            return None;
        };
        let text = super::normalize::trim(text);
        // A UTF-8 character is at most four bytes: most data cells stop here.
        if text.is_empty()
            || text.len() > 4 * MAX_HEADER_CHARS
            || text.chars().count() > MAX_HEADER_CHARS
        {
            return None;
        }
        self.names.get(comparable(text).as_ref()).copied()
    }

    /// Finds the row that names the most fields (at least two, so a title that happens
    /// to contain one field name is not mistaken for it) and maps every column of it.
    pub fn find(&self, grid: &Grid) -> Option<Header> {
        let mut best: Option<(usize, usize)> = None;
        for (row, cells) in grid.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let mut seen = Vec::new();
            for cell in cells {
                if let Some(f) = self.field_for(cell) {
                    if !seen.contains(&f.key) {
                        seen.push(f.key);
                    }
                }
            }
            if seen.len() >= 2 && best.is_none_or(|(_, n)| seen.len() > n) {
                best = Some((row, seen.len()));
            }
        }
        let (row, _) = best?;
        let mut taken: Vec<&str> = Vec::new();
        let columns = grid.rows[row]
            .iter()
            .map(|cell| match self.field_for(cell) {
                // A second column with the same meaning is kept as extra, not merged.
                Some(f) if !taken.contains(&f.key) => {
                    taken.push(f.key);
                    Column::Field(f)
                }
                _ => match cell.display() {
                    text if text.is_empty() => Column::Unnamed,
                    text => Column::Extra(text),
                },
            })
            .collect();
        Some(Header { row, columns })
    }
}

/// Finds the header of `grid` for `fields`; see [`HeaderFinder::find`].
pub fn find(grid: &Grid, fields: &[FieldSpec]) -> Option<Header> {
    HeaderFinder::new(fields).find(grid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Activity;
    use crate::sandbox::grid::Cell;
    use crate::template;

    fn text_grid(rows: &[&[&str]]) -> Grid {
        Grid {
            sheet: "Sheet1".into(),
            date1904: false,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|t| Cell::Text((*t).to_string())).collect())
                .collect(),
        }
    }

    #[test]
    fn a_text_of_plain_characters_is_its_own_key() {
        let mut texts: Vec<&str> = vec![
            "男",
            "汉语言文学",
            "2021.07",
            "13800000000",
            "院系名称",
            "abc-1.x",
            "推荐表.pdf；事迹材料.docx",
        ];
        for activity in Activity::ALL {
            for f in template::fields(activity) {
                texts.push(f.label_zh);
                texts.extend(aliases(f.key));
            }
        }
        let plain: Vec<&&str> = texts.iter().filter(|t| is_plain_header_key(t)).collect();
        assert!(plain.len() > 100, "{}", plain.len());
        for t in plain {
            assert_eq!(header_key(t), *t);
        }
        // And the finder still folds the rest: the fast path is only a shortcut.
        let finder = HeaderFinder::new(&template::fields(Activity::StudentExemplar));
        for named in [
            "身份证号码（18位）",
            " 姓　名 ",
            "ＩＤ号",
            "政治面貌：",
            "姓名*",
        ] {
            let plain = is_plain_header_key(named);
            let found = finder.field_for(&Cell::Text(named.into()));
            assert!(!plain, "{named}");
            assert_eq!(found.is_some(), named != "ＩＤ号", "{named}");
        }
    }

    #[test]
    fn finds_the_header_below_a_title_and_instructions_with_aliases_and_extras() {
        let grid = text_grid(&[
            &["2024年大学生党员标兵推荐汇总表", "", "", "", ""],
            &["填表说明：姓名、身份证号必填", "", "", "", ""],
            &[
                "序号",
                " 学生姓名 ",
                "身份证号码（18位）",
                "获奖情况",
                "政治面貌",
            ],
            &["1", "张三", "11010519491231002X", "国奖", "中共党员"],
        ]);
        let header = find(&grid, &template::fields(Activity::StudentExemplar)).unwrap();
        assert_eq!(header.row, 2);
        assert_eq!(header.column_of("name"), Some(1));
        assert_eq!(header.column_of("id_number"), Some(2));
        assert_eq!(header.column_of("party_status"), Some(4));
        assert_eq!(header.columns[0], Column::Extra("序号".into()));
        assert_eq!(header.columns[3], Column::Extra("获奖情况".into()));
    }

    #[test]
    fn a_sheet_without_a_recognisable_header_has_none() {
        let grid = text_grid(&[&["会议纪要"], &["姓名"], &["张三"]]);
        assert_eq!(
            find(&grid, &template::fields(Activity::StudentExemplar)),
            None
        );
    }

    #[test]
    fn a_duplicated_header_keeps_the_first_as_the_field_and_the_second_as_extra() {
        let grid = text_grid(&[&["姓名", "性别", "姓名"]]);
        let header = find(&grid, &template::fields(Activity::StudentExemplar)).unwrap();
        assert_eq!(header.column_of("name"), Some(0));
        assert_eq!(header.columns[2], Column::Extra("姓名".into()));
    }
}
