//! The six selection activities of the source article, and how users name them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// 三级联创 示范高校.
    ModelUniversity,
    /// 三级联创 标杆院系.
    BenchmarkDepartment,
    /// 三级联创 样板支部.
    ModelBranch,
    /// 双带头人 教师党支部书记工作室.
    DualLeaderStudio,
    /// 大学生党员标兵.
    StudentExemplar,
    /// 基层党建创新典型案例.
    InnovationCase,
}

impl Activity {
    pub const ALL: [Activity; 6] = [
        Activity::ModelUniversity,
        Activity::BenchmarkDepartment,
        Activity::ModelBranch,
        Activity::DualLeaderStudio,
        Activity::StudentExemplar,
        Activity::InnovationCase,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Activity::ModelUniversity => "model_university",
            Activity::BenchmarkDepartment => "benchmark_department",
            Activity::ModelBranch => "model_branch",
            Activity::DualLeaderStudio => "dual_leader_studio",
            Activity::StudentExemplar => "student_exemplar",
            Activity::InnovationCase => "innovation_case",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Activity::ModelUniversity => "示范高校",
            Activity::BenchmarkDepartment => "标杆院系",
            Activity::ModelBranch => "样板支部",
            Activity::DualLeaderStudio => "双带头人教师党支部书记工作室",
            Activity::StudentExemplar => "大学生党员标兵",
            Activity::InnovationCase => "基层党建创新典型案例",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Activity::ModelUniversity => "Model universities",
            Activity::BenchmarkDepartment => "Benchmark departments",
            Activity::ModelBranch => "Model Party branches",
            Activity::DualLeaderStudio => "Dual-leader branch secretary studios",
            Activity::StudentExemplar => "Student Party member exemplars",
            Activity::InnovationCase => "Innovative Party-building cases",
        }
    }

    /// Accepts the code, the Chinese name and the short names clerks actually type.
    pub fn parse(given: &str) -> Result<Activity> {
        let wanted = given.trim();
        let folded: String = wanted
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '-' | '_'))
            .collect::<String>()
            .to_lowercase();
        for activity in Activity::ALL {
            let code: String = activity.code().replace('_', "");
            let aliases: &[&str] = match activity {
                Activity::ModelUniversity => &["示范高校", "三级联创示范高校"],
                Activity::BenchmarkDepartment => &["标杆院系", "三级联创标杆院系"],
                Activity::ModelBranch => &["样板支部", "样板党支部", "三级联创样板支部"],
                Activity::DualLeaderStudio => &[
                    "双带头人教师党支部书记工作室",
                    "双带头人工作室",
                    "工作室",
                    "双带头人",
                ],
                Activity::StudentExemplar => &["大学生党员标兵", "党员标兵", "标兵"],
                Activity::InnovationCase => &[
                    "基层党建创新典型案例",
                    "创新典型案例",
                    "创新案例",
                    "典型案例",
                ],
            };
            if folded == code || aliases.iter().any(|a| *a == folded) {
                return Ok(activity);
            }
        }
        Err(Error::UnknownActivity {
            given: given.to_string(),
            choices: Activity::ALL
                .iter()
                .map(|a| (a.name_zh(), a.code()))
                .collect(),
        })
    }
}

/// An activity as a picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityInfo {
    pub activity: Activity,
    pub name_zh: String,
    pub name_en: String,
}

pub fn all_activities() -> Vec<ActivityInfo> {
    Activity::ALL
        .iter()
        .map(|&activity| ActivityInfo {
            activity,
            name_zh: activity.name_zh().to_string(),
            name_en: activity.name_en().to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_names_and_short_names() {
        let check = |given: &str, expected: Activity| {
            assert_eq!(Activity::parse(given).unwrap(), expected, "{given}");
        };
        check("大学生党员标兵", Activity::StudentExemplar);
        check(" 标兵 ", Activity::StudentExemplar);
        check("student_exemplar", Activity::StudentExemplar);
        check("“双带头人”教师党支部书记工作室", Activity::DualLeaderStudio);
        check("三级联创 样板支部", Activity::ModelBranch);
        check("Innovation-Case", Activity::InnovationCase);
        for a in Activity::ALL {
            check(a.code(), a);
            check(a.name_zh(), a);
        }
    }

    #[test]
    fn unknown_activity_is_an_error_naming_the_choices() {
        let err = Activity::parse("优秀教师").unwrap_err();
        assert_eq!(err.code(), "unknown_activity");
        assert!(err.message_zh().contains("大学生党员标兵"));
        assert!(err.message_en().contains("student_exemplar"));
    }
}
