//! The blank nomination workbook PanelDesk hands to universities (推荐汇总表模板).
//!
//! What comes back is filled by hand, often in WPS, so the template does what it can to
//! keep values importable: drop-down lists for every closed choice, text format for ID,
//! phone and student numbers (Excel turns an 18-digit ID into 1.10105E+17 and loses its
//! last digits otherwise), a frozen header, and instructions on the sheet itself.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::activity::Activity;
use crate::error::{Error, Result};
use crate::template::{self, FieldKind, FieldSpec};

/// Rows prepared with formats and drop-downs; universities rarely send more.
pub const DATA_ROWS: u32 = 500;
/// Zero-based row of the header on the nominations sheet.
pub const HEADER_ROW: u32 = 2;
pub const SHEET_NOMINATIONS: &str = "推荐汇总表";
pub const SHEET_INSTRUCTIONS: &str = "填表说明";

const YES_NO: &[&str] = &["是", "否"];

fn xlsx_error(path: &Path, e: rust_xlsxwriter::XlsxError) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

fn column_width(kind: FieldKind) -> f64 {
    match kind {
        FieldKind::IdNumber => 22.0,
        FieldKind::LongText => 48.0,
        FieldKind::Materials => 30.0,
        FieldKind::Phone | FieldKind::Date => 14.0,
        FieldKind::Choice(_) | FieldKind::YesNo | FieldKind::Integer => 12.0,
        FieldKind::Text => 18.0,
    }
}

/// How to fill a field in, as the instructions sheet says it.
fn how_to_fill(spec: &FieldSpec) -> String {
    match spec.kind {
        FieldKind::Choice(options) => format!("从下拉列表选择：{}", options.join("、")),
        FieldKind::YesNo => "从下拉列表选择：是、否".into(),
        FieldKind::Date if spec.key == "birth_month" => "年月，如 2003-07".into(),
        FieldKind::Date => "日期，如 2021-07-01（只知年月可写 2021-07）".into(),
        FieldKind::IdNumber => {
            "18 位身份证号码，末位可为 X；本列已设为文本格式，请勿改为数字".into()
        }
        FieldKind::Phone => "手机或座机号码；本列已设为文本格式".into(),
        FieldKind::Integer => "整数".into(),
        FieldKind::Materials => {
            "随表报送的材料文件名，多个用“；”分隔，如 推荐表.pdf；事迹材料.docx".into()
        }
        FieldKind::LongText => "不超过 1500 字".into(),
        FieldKind::Text => "文字".into(),
    }
}

fn write_nominations_sheet(
    sheet: &mut Worksheet,
    activity: Activity,
    year: i32,
    fields: &[FieldSpec],
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let last_col = (fields.len() - 1) as u16;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let note = Format::new()
        .set_font_size(10)
        .set_font_color("595959")
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let header = Format::new()
        .set_bold()
        .set_background_color("F2E6E4")
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header_optional = header.clone().set_background_color("F2F2F2");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let month = Format::new().set_num_format("yyyy-mm");
    let wrap = Format::new().set_text_wrap();

    sheet.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{year}年{}推荐汇总表", activity.name_zh()),
        &title,
    )?;
    sheet.set_row_height(0, 30)?;
    sheet.merge_range(
        1,
        0,
        1,
        last_col,
        "填表说明：每行填写一个推荐对象；底色为淡红的栏目必填；带下拉箭头的栏目请从列表中选择；\
         身份证号、电话等栏目已设为文本格式，请勿改动；请勿增删或改名表头。详见“填表说明”工作表。",
        &note,
    )?;
    sheet.set_row_height(1, 36)?;

    let first = HEADER_ROW + 1;
    let last = HEADER_ROW + DATA_ROWS;
    for (i, spec) in fields.iter().enumerate() {
        let col = i as u16;
        let fmt = if spec.required {
            &header
        } else {
            &header_optional
        };
        sheet.write_with_format(HEADER_ROW, col, spec.label_zh, fmt)?;
        sheet.set_column_width(col, column_width(spec.kind))?;
        match spec.kind {
            FieldKind::IdNumber | FieldKind::Phone | FieldKind::Text | FieldKind::Materials => {
                sheet.set_column_format(col, &text)?;
            }
            FieldKind::Date if spec.key == "birth_month" => {
                sheet.set_column_format(col, &month)?;
            }
            FieldKind::Date => {
                sheet.set_column_format(col, &date)?;
            }
            FieldKind::LongText => {
                sheet.set_column_format(col, &wrap)?;
            }
            FieldKind::Integer | FieldKind::Choice(_) | FieldKind::YesNo => {}
        }
        let options = match spec.kind {
            FieldKind::Choice(options) => Some(options),
            FieldKind::YesNo => Some(YES_NO),
            _ => None,
        };
        if let Some(options) = options {
            let validation = DataValidation::new()
                .allow_list_strings(options)?
                .set_error_title("请从列表中选择")?
                .set_error_message(format!("可选：{}", options.join("、")))?;
            sheet.add_data_validation(first, col, last, col, &validation)?;
        }
        if spec.kind == FieldKind::Integer {
            let validation = DataValidation::new()
                .allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0))
                .set_error_message("请填写整数")?;
            sheet.add_data_validation(first, col, last, col, &validation)?;
        }
    }
    sheet.set_row_height(HEADER_ROW, 32)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

fn write_instructions_sheet(
    sheet: &mut Worksheet,
    activity: Activity,
    fields: &[FieldSpec],
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color("F2F2F2")
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    sheet.write_with_format(
        0,
        0,
        format!("{}推荐汇总表 填表说明", activity.name_zh()),
        &bold,
    )?;
    sheet.write(
        1,
        0,
        "1. 请在“推荐汇总表”中每行填写一个推荐对象，不要合并单元格，不要增删或改名表头。",
    )?;
    sheet.write(
        2,
        0,
        "2. 材料文件与本表放在同一文件夹或压缩包中，文件名与“材料”栏填写的一致。",
    )?;
    sheet.write(
        3,
        0,
        "3. 表格由 PanelDesk 生成，填好后原样报送；可用 Excel、WPS 或 LibreOffice 填写。",
    )?;
    for (col, (text, width)) in [("栏目", 22.0), ("是否必填", 10.0), ("填写要求", 70.0)]
        .into_iter()
        .enumerate()
    {
        sheet.write_with_format(5, col as u16, text, &head)?;
        sheet.set_column_width(col as u16, width)?;
    }
    for (i, spec) in fields.iter().enumerate() {
        let row = 6 + i as u32;
        sheet.write_with_format(row, 0, spec.label_zh, &cell)?;
        sheet.write_with_format(row, 1, if spec.required { "必填" } else { "选填" }, &cell)?;
        sheet.write_with_format(row, 2, how_to_fill(spec), &cell)?;
    }
    Ok(())
}

/// Writes the blank nomination workbook of `activity` to `path`; refuses to overwrite.
pub fn write(path: &Path, activity: Activity, year: i32) -> Result<()> {
    if path.exists() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let fields = template::fields(activity);
    let mut workbook = Workbook::new();
    let nominations = workbook.add_worksheet();
    nominations
        .set_name(SHEET_NOMINATIONS)
        .map_err(|e| xlsx_error(path, e))?;
    write_nominations_sheet(nominations, activity, year, &fields)
        .map_err(|e| xlsx_error(path, e))?;
    let instructions = workbook.add_worksheet();
    instructions
        .set_name(SHEET_INSTRUCTIONS)
        .map_err(|e| xlsx_error(path, e))?;
    write_instructions_sheet(instructions, activity, &fields).map_err(|e| xlsx_error(path, e))?;
    workbook.save(path).map_err(|e| xlsx_error(path, e))?;
    Ok(())
}
