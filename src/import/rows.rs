//! Turning the rows under a header into normalised nominations and located problems.
//!
//! A row with problems is still returned (with its problems), so the clerk sees every
//! nomination the university sent; deciding what to do with it is the clerk's job.

use crate::idcard;
use crate::model::FieldValue;
use crate::template::{FieldKind, FieldSpec};

use super::header::{Column, Header};
use super::normalize::{
    excel_serial_to_date, fold_width, parse_date_text, parse_yes_no, person_name, whole_number_text,
};
use super::problem::{Problem, ProblemKind};
use crate::sandbox::grid::{column_letters, Cell, Grid};

/// One nomination as read from one row, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RowRead {
    /// 1-based row number, as the spreadsheet shows it.
    pub row: u32,
    pub fields: Vec<FieldValue>,
    pub extra_fields: Vec<FieldValue>,
    pub materials: Vec<String>,
    pub problems: Vec<Problem>,
}

impl RowRead {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.as_str())
    }
}

/// Words that open the lines under a table rather than a nomination.
const FOOTER_PREFIXES: &[&str] = &[
    "填表人",
    "审核人",
    "负责人",
    "联系人：",
    "备注",
    "注：",
    "注:",
    "说明",
    "合计",
];

/// Synonyms people write for the closed choices.
fn canonical_choice(value: &str, options: &[&str]) -> Option<String> {
    if options.contains(&value) {
        return Some(value.to_string());
    }
    let synonym = match value {
        "党员" | "正式党员" | "中共正式党员" => "中共党员",
        "预备党员" => "中共预备党员",
        "硕士" | "研究生(硕士)" | "硕士生" => "硕士研究生",
        "博士" | "研究生(博士)" | "博士生" => "博士研究生",
        "大专" | "高职" => "专科",
        "本科生" => "本科",
        "全日制学生" => "全日制",
        "在职" | "非全日制学生" => "非全日制",
        "教工" | "教职工" | "教师党支部" => "教师",
        "学生党支部" => "学生",
        "学校党委层面" | "高校党委" => "学校党委",
        "院(系)党组织" | "院系党组织层面" => "院系党组织",
        "党支部" | "基层党支部层面" => "基层党支部",
        _ => return None,
    };
    options.contains(&synonym).then(|| synonym.to_string())
}

/// Fields that hold a person's name.
fn is_person(key: &str) -> bool {
    matches!(
        key,
        "name" | "contact_name" | "party_secretary" | "branch_secretary"
    )
}

fn normalise(spec: &FieldSpec, cell: &Cell, date1904: bool) -> Result<String, ProblemKind> {
    if let Cell::Error(e) = cell {
        return Err(ProblemKind::CellError { value: e.clone() });
    }
    let text = match cell {
        Cell::Text(t) => fold_width(t),
        _ => fold_width(&cell.display()),
    };
    match spec.kind {
        FieldKind::Text if is_person(spec.key) => Ok(person_name(&text)),
        FieldKind::Text | FieldKind::LongText | FieldKind::Materials => Ok(text),
        FieldKind::Date => match cell {
            Cell::Date(d) => Ok(d.iso()),
            Cell::Number(n) => excel_serial_to_date(*n, date1904)
                .map(|d| d.iso())
                .ok_or(ProblemKind::BadDate { value: text }),
            _ => parse_date_text(&text)
                .map(|d| d.iso())
                .ok_or(ProblemKind::BadDate { value: text }),
        },
        FieldKind::Integer => match cell {
            Cell::Number(n) => {
                whole_number_text(*n).ok_or(ProblemKind::NotAWholeNumber { value: text })
            }
            _ if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) => Ok(text),
            _ => Err(ProblemKind::NotAWholeNumber { value: text }),
        },
        FieldKind::Phone => {
            let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
            let allowed = text.chars().all(|c| {
                c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '（' | '）' | '转')
            });
            if allowed && (7..=15).contains(&digits) {
                Ok(text)
            } else {
                Err(ProblemKind::BadPhone { value: text })
            }
        }
        FieldKind::IdNumber => match cell {
            Cell::Number(_) => Err(ProblemKind::IdStoredAsNumber { value: text }),
            _ => {
                let id = text.to_uppercase();
                if idcard::is_valid(&id) {
                    Ok(id)
                } else {
                    Err(ProblemKind::BadIdNumber { value: text })
                }
            }
        },
        FieldKind::YesNo => parse_yes_no(&text)
            .map(|b| if b { "是" } else { "否" }.to_string())
            .ok_or(ProblemKind::NotYesNo { value: text }),
        FieldKind::Choice(options) if options.contains(&text.as_str()) => Ok(text),
        FieldKind::Choice(options) => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let compact = compact.replace(['（', '('], "(").replace(['）', ')'], ")");
            canonical_choice(&compact, options).ok_or(ProblemKind::NotInList {
                value: text,
                allowed: options.iter().map(|o| o.to_string()).collect(),
            })
        }
    }
}

/// Checks and normalises a value typed by hand (a correction) as if it had been a text
/// cell of an imported row, so an edit passes the same rules an import does.
pub fn normalise_typed(spec: &FieldSpec, text: &str) -> Result<String, ProblemKind> {
    normalise(spec, &Cell::Text(text.to_string()), false)
}

fn split_materials(text: &str) -> Vec<String> {
    text.split(['；', ';', '、', '，', ',', '\n'])
        .map(super::normalize::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads every nomination row under `header`, skipping blank and footer rows.
pub fn read(grid: &Grid, header: &Header, fields: &[FieldSpec]) -> Vec<RowRead> {
    let mut out = Vec::with_capacity(grid.rows.len().saturating_sub(header.row + 1));
    let columns: Vec<Option<usize>> = fields.iter().map(|f| header.column_of(f.key)).collect();
    for (index, cells) in grid.rows.iter().enumerate().skip(header.row + 1) {
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        let footer = match cells.iter().find(|c| !c.is_blank()) {
            Some(Cell::Text(first)) => {
                let first = first.trim_start();
                FOOTER_PREFIXES.iter().any(|p| first.starts_with(p))
            }
            _ => false,
        };
        if footer {
            continue;
        }
        let row = index as u32 + 1;
        let mut read = RowRead {
            row,
            fields: Vec::with_capacity(fields.len()),
            extra_fields: Vec::new(),
            materials: Vec::new(),
            problems: Vec::new(),
        };
        for (spec, &col) in fields.iter().zip(&columns) {
            let cell = col.map(|c| grid.cell(index, c)).unwrap_or(&Cell::Empty);
            let located = |kind| Problem {
                sheet: grid.sheet.clone(),
                row,
                column: col.map(column_letters).unwrap_or_default(),
                field_zh: spec.label_zh.to_string(),
                kind,
            };
            let value = if cell.is_blank() {
                // A column missing from the header is reported once per file, not per row.
                if spec.required && col.is_some() {
                    read.problems.push(located(ProblemKind::MissingRequired));
                }
                String::new()
            } else {
                match normalise(spec, cell, grid.date1904) {
                    Ok(v) => v,
                    Err(kind) => {
                        read.problems.push(located(kind));
                        cell.display()
                    }
                }
            };
            if spec.kind == FieldKind::Materials {
                read.materials = split_materials(&value);
                continue;
            }
            read.fields.push(FieldValue {
                key: spec.key.into(),
                label_zh: spec.label_zh.into(),
                label_en: spec.label_en.into(),
                value,
                personal: spec.kind.is_personal(),
            });
        }
        for (col, column) in header.columns.iter().enumerate() {
            if let Column::Extra(label) = column {
                let value = grid.cell(index, col).display();
                read.extra_fields.push(FieldValue {
                    key: label.clone().into(),
                    label_zh: label.clone().into(),
                    label_en: label.clone().into(),
                    value,
                    personal: false,
                });
            }
        }
        out.push(read);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Activity;
    use crate::import::header;
    use crate::import::normalize::FormDate;
    use crate::template;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn exemplar_grid(data: Vec<Vec<Cell>>) -> Grid {
        let mut rows = vec![
            vec![t("2024年大学生党员标兵推荐汇总表")],
            vec![
                t("推荐单位"),
                t("姓名"),
                t("性别"),
                t("民族"),
                t("出生年月"),
                t("院系"),
                t("专业"),
                t("学历层次"),
                t("培养方式"),
                t("政治面貌"),
                t("入党时间"),
                t("转正时间"),
                t("学号"),
                t("身份证号"),
                t("主要事迹"),
                t("联系人"),
                t("联系电话"),
                t("材料"),
                t("获奖情况"),
            ],
        ];
        rows.extend(data);
        Grid {
            sheet: "汇总表".into(),
            date1904: false,
            rows,
        }
    }

    fn good_row() -> Vec<Cell> {
        vec![
            t("江北师范大学"),
            t("张　三"),
            t("男"),
            t("汉族"),
            t("2003.07"),
            t("文学院"),
            t("汉语言文学"),
            t("本科"),
            t("全日制"),
            t("党员"),
            Cell::Number(44378.0),
            Cell::Date(FormDate::new(2022, 7, Some(1)).unwrap()),
            Cell::Number(2021123456.0),
            t("11010519491231002x"),
            t("事迹"),
            t("李老师"),
            Cell::Number(13812345678.0),
            t("推荐表.pdf；事迹材料.docx"),
            t("国家奖学金"),
        ]
    }

    fn read_all(grid: &Grid) -> Vec<RowRead> {
        let fields = template::fields(Activity::StudentExemplar);
        let header = header::find(grid, &fields).unwrap();
        read(grid, &header, &fields)
    }

    #[test]
    fn a_messy_but_valid_row_is_normalised() {
        let grid = exemplar_grid(vec![
            good_row(),
            vec![Cell::Empty, t("  ")],
            vec![t("填表人：王老师")],
        ]);
        let rows = read_all(&grid);
        assert_eq!(rows.len(), 1, "blank and footer rows are not nominations");
        let r = &rows[0];
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.row, 3);
        assert_eq!(
            r.field("name"),
            Some("张三"),
            "alignment spaces leave names"
        );
        assert_eq!(r.field("birth_month"), Some("2003-07"));
        assert_eq!(
            r.field("joined_party"),
            Some("2021-07-01"),
            "a serial in a plain cell"
        );
        assert_eq!(r.field("full_member_since"), Some("2022-07-01"));
        assert_eq!(r.field("party_status"), Some("中共党员"));
        assert_eq!(r.field("student_number"), Some("2021123456"));
        assert_eq!(r.field("id_number"), Some("11010519491231002X"));
        assert_eq!(r.field("contact_phone"), Some("13812345678"));
        assert_eq!(r.materials, ["推荐表.pdf", "事迹材料.docx"]);
        assert_eq!(r.extra_fields[0].label_zh, "获奖情况");
        assert_eq!(r.extra_fields[0].value, "国家奖学金");
    }

    #[test]
    fn problems_are_located_and_the_id_is_never_repaired() {
        let mut bad = good_row();
        bad[1] = Cell::Empty; // 姓名 missing
        bad[4] = t("2003年上半年");
        bad[8] = t("函授");
        bad[13] = Cell::Number(110105194912310020.0);
        let rows = read_all(&exemplar_grid(vec![bad]));
        let problems = &rows[0].problems;
        let where_what: Vec<(String, &ProblemKind)> = problems
            .iter()
            .map(|p| (format!("{}{}", p.column, p.row), &p.kind))
            .collect();
        assert_eq!(where_what.len(), 4, "{where_what:?}");
        assert_eq!(where_what[0], ("B3".into(), &ProblemKind::MissingRequired));
        assert!(matches!(where_what[1], (ref at, ProblemKind::BadDate { .. }) if at == "E3"));
        assert!(matches!(where_what[2], (ref at, ProblemKind::NotInList { .. }) if at == "I3"));
        assert!(
            matches!(where_what[3], (ref at, ProblemKind::IdStoredAsNumber { .. }) if at == "N3")
        );
        let zh = problems[3].message_zh();
        assert!(
            zh.contains("第 3 行 N 列") && zh.contains("无法恢复"),
            "{zh}"
        );
        assert!(problems[0].message_en().contains("row 3 column B"));
        // The damaged value is kept as it came, for the clerk to see, not "fixed".
        assert_eq!(rows[0].field("id_number"), Some("110105194912310020"));
    }

    #[test]
    fn a_bad_check_character_is_reported() {
        let mut row = good_row();
        row[13] = t("110105194912310021");
        let rows = read_all(&exemplar_grid(vec![row]));
        assert!(matches!(
            rows[0].problems[0].kind,
            ProblemKind::BadIdNumber { .. }
        ));
    }
}
