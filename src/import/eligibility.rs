//! Eligibility rules of PRODUCT.md as flags: findings for the clerk to accept with a note
//! or to exclude. A flag never removes a nomination by itself.

use serde::Serialize;

use crate::activity::Activity;

use super::normalize::{parse_date_text, FormDate};
use super::rows::RowRead;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// 大学生党员标兵 must be full (正式) Party members.
    ProbationaryMember,
    /// 大学生党员标兵 must be full-time students.
    PartTimeStudent,
    /// A studio's branch must have been founded at least three years before the review.
    BranchTooYoung,
    /// A studio's secretary must meet the 双带头人 conditions.
    NotDualLeader,
    /// 样板支部 nominees must already be school-level model branches.
    NotSchoolModelBranch,
    /// The same person or unit nominated more than once.
    Duplicate,
    /// The register of awarded units already holds the person or unit from another
    /// review (`import::honours`).
    HonouredBefore,
}

impl FlagKind {
    /// The code stored with the flag and shown to scripts; same as its serde name.
    pub fn code(&self) -> &'static str {
        match self {
            FlagKind::ProbationaryMember => "probationary_member",
            FlagKind::PartTimeStudent => "part_time_student",
            FlagKind::BranchTooYoung => "branch_too_young",
            FlagKind::NotDualLeader => "not_dual_leader",
            FlagKind::NotSchoolModelBranch => "not_school_model_branch",
            FlagKind::Duplicate => "duplicate",
            FlagKind::HonouredBefore => "honoured_before",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Flag {
    pub kind: FlagKind,
    pub message_zh: String,
    pub message_en: String,
}

fn flag(kind: FlagKind, zh: impl Into<String>, en: impl Into<String>) -> Flag {
    Flag {
        kind,
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// Whole years from `from` to `to`, counting a month-only date as the first of its month.
fn whole_years(from: FormDate, to: FormDate) -> i32 {
    let mut years = to.year - from.year;
    if (to.month, to.day.unwrap_or(1)) < (from.month, from.day.unwrap_or(1)) {
        years -= 1;
    }
    years
}

/// The rules one nomination is checked against; `review_date` is the day the review
/// judges ages by (e.g. its closing date for nominations).
pub fn check(activity: Activity, row: &RowRead, review_date: FormDate) -> Vec<Flag> {
    let mut flags = Vec::new();
    let field = |key: &str| row.field(key).unwrap_or("");
    match activity {
        Activity::StudentExemplar => {
            if field("party_status") == "中共预备党员" {
                flags.push(flag(
                    FlagKind::ProbationaryMember,
                    "政治面貌为中共预备党员：本活动只面向正式党员",
                    "A probationary Party member: only full members are eligible",
                ));
            }
            if field("study_mode") == "非全日制" {
                flags.push(flag(
                    FlagKind::PartTimeStudent,
                    "培养方式为非全日制：本活动只面向全日制学生",
                    "A part-time student: only full-time students are eligible",
                ));
            }
        }
        Activity::DualLeaderStudio => {
            if let Some(founded) = parse_date_text(field("branch_founded")) {
                if whole_years(founded, review_date) < 3 {
                    flags.push(flag(
                        FlagKind::BranchTooYoung,
                        format!("支部成立于 {founded}，至 {review_date} 不满三年"),
                        format!("The branch was founded {founded}: less than three years before {review_date}"),
                    ));
                }
            }
            if field("is_dual_leader") == "否" {
                flags.push(flag(
                    FlagKind::NotDualLeader,
                    "支部书记不是“双带头人”",
                    "The branch secretary is not a dual leader",
                ));
            }
        }
        Activity::ModelBranch => {
            if field("school_model_since").is_empty() {
                flags.push(flag(
                    FlagKind::NotSchoolModelBranch,
                    "未填写校级样板支部认定时间：只有校级样板党支部可以推荐",
                    "No school-level model branch date: only school-level model branches are eligible",
                ));
            }
        }
        Activity::ModelUniversity | Activity::BenchmarkDepartment | Activity::InnovationCase => {}
    }
    flags
}

/// The fields the rules of `check` read: a workbook without one of these columns cannot
/// be judged, so each of its rows is flagged. (A blank 校级样板支部认定时间 already is a
/// flag by itself.) Any other missing column is said once for the whole file.
pub fn fields_read(activity: Activity) -> &'static [&'static str] {
    match activity {
        Activity::StudentExemplar => &["party_status", "study_mode"],
        Activity::DualLeaderStudio => &["branch_founded", "is_dual_leader"],
        Activity::ModelBranch
        | Activity::ModelUniversity
        | Activity::BenchmarkDepartment
        | Activity::InnovationCase => &[],
    }
}

/// What makes two nominations "the same": a student's ID number, else the university
/// with the nominated unit's or case's name.
pub fn identity(activity: Activity, university: &str, row: &RowRead) -> Option<String> {
    let id = row.field("id_number").unwrap_or("");
    if activity == Activity::StudentExemplar && !id.is_empty() {
        return Some(format!("id:{id}"));
    }
    let name = row
        .field(crate::template::display_field(activity))
        .unwrap_or("");
    let unit = match activity {
        Activity::ModelBranch | Activity::DualLeaderStudio | Activity::BenchmarkDepartment => {
            format!("{}/{}", row.field("department").unwrap_or(""), name)
        }
        _ => name.to_string(),
    };
    (!name.is_empty()).then(|| format!("unit:{university}/{unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FieldValue;

    fn row(fields: &[(&str, &str)]) -> RowRead {
        RowRead {
            row: 3,
            fields: fields
                .iter()
                .map(|(k, v)| FieldValue {
                    key: k.to_string().into(),
                    label_zh: "".into(),
                    label_en: "".into(),
                    value: (*v).into(),
                    personal: false,
                })
                .collect(),
            extra_fields: vec![],
            materials: vec![],
            problems: vec![],
        }
    }

    fn review_day() -> FormDate {
        parse_date_text("2026-06-30").unwrap()
    }

    fn kinds(activity: Activity, r: &RowRead) -> Vec<FlagKind> {
        check(activity, r, review_day())
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn codes_are_the_serialised_names() {
        use FlagKind::*;
        for k in [
            ProbationaryMember,
            PartTimeStudent,
            BranchTooYoung,
            NotDualLeader,
            NotSchoolModelBranch,
            Duplicate,
            HonouredBefore,
        ] {
            assert_eq!(serde_json::to_value(&k).unwrap(), k.code());
        }
    }

    #[test]
    fn student_exemplars_must_be_full_members_in_full_time_study() {
        let ok = row(&[("party_status", "中共党员"), ("study_mode", "全日制")]);
        assert_eq!(kinds(Activity::StudentExemplar, &ok), vec![]);
        let both = row(&[("party_status", "中共预备党员"), ("study_mode", "非全日制")]);
        assert_eq!(
            kinds(Activity::StudentExemplar, &both),
            vec![FlagKind::ProbationaryMember, FlagKind::PartTimeStudent]
        );
    }

    #[test]
    fn a_studio_branch_needs_three_full_years() {
        let check_founded = |date: &str| {
            kinds(
                Activity::DualLeaderStudio,
                &row(&[("branch_founded", date), ("is_dual_leader", "是")]),
            )
        };
        assert_eq!(check_founded("2023-06-30"), vec![]);
        assert_eq!(check_founded("2023-07-01"), vec![FlagKind::BranchTooYoung]);
        assert_eq!(
            check_founded("2023-06"),
            vec![],
            "a month counts from its first day"
        );
        assert_eq!(check_founded("2023-07"), vec![FlagKind::BranchTooYoung]);
        let not_dual = row(&[("branch_founded", "2010-01-01"), ("is_dual_leader", "否")]);
        assert_eq!(
            kinds(Activity::DualLeaderStudio, &not_dual),
            vec![FlagKind::NotDualLeader]
        );
    }

    #[test]
    fn a_model_branch_must_already_be_a_school_level_model() {
        assert_eq!(
            kinds(Activity::ModelBranch, &row(&[("school_model_since", "")])),
            vec![FlagKind::NotSchoolModelBranch]
        );
        assert_eq!(
            kinds(
                Activity::ModelBranch,
                &row(&[("school_model_since", "2024-05")])
            ),
            vec![]
        );
    }

    #[test]
    fn identity_is_the_id_number_for_students_and_the_unit_otherwise() {
        let student = row(&[("id_number", "11010519491231002X"), ("name", "张三")]);
        assert_eq!(
            identity(Activity::StudentExemplar, "甲大学", &student).as_deref(),
            Some("id:11010519491231002X")
        );
        let branch = row(&[("department", "文学院"), ("branch_name", "第一党支部")]);
        assert_eq!(
            identity(Activity::ModelBranch, "甲大学", &branch).as_deref(),
            Some("unit:甲大学/文学院/第一党支部")
        );
        assert_eq!(identity(Activity::ModelBranch, "甲大学", &row(&[])), None);
    }
}
