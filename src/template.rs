//! Built-in templates: the categories, quotas, rubrics and nomination fields of each
//! activity, as the source article and PRODUCT.md word them.
//!
//! These are starting points, not law: a review copies them into its own file and the
//! clerk edits them there before the panel starts. Provinces word these lists differently.

use crate::activity::Activity;
use crate::model::{Category, Criterion, Rubric, ScoringMode};

/// What kind of value a nomination field holds; drives normalisation and masking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    LongText,
    Integer,
    Date,
    Phone,
    IdNumber,
    YesNo,
    Choice(&'static [&'static str]),
    Materials,
}

impl FieldKind {
    pub fn is_personal(self) -> bool {
        matches!(self, FieldKind::Phone | FieldKind::IdNumber)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

const fn field(
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    kind: FieldKind,
    required: bool,
) -> FieldSpec {
    FieldSpec {
        key,
        label_zh,
        label_en,
        kind,
        required,
    }
}

pub const GENDERS: &[&str] = &["男", "女"];
pub const EDUCATION_LEVELS: &[&str] = &["专科", "本科", "硕士研究生", "博士研究生"];
pub const STUDY_MODES: &[&str] = &["全日制", "非全日制"];
pub const PARTY_STATUSES: &[&str] = &["中共党员", "中共预备党员"];
pub const BRANCH_TYPES: &[&str] = &["教师", "学生"];
pub const CASE_LEVELS: &[&str] = &["学校党委", "院系党组织", "基层党支部"];

use FieldKind::*;

/// Every workbook starts with the university and a contact, and may name materials.
const COMMON_HEAD: &[FieldSpec] = &[field(
    "university",
    "推荐单位",
    "Nominating university",
    Text,
    true,
)];
const COMMON_TAIL: &[FieldSpec] = &[
    field("contact_name", "联系人", "Contact person", Text, true),
    field("contact_phone", "联系电话", "Contact phone", Phone, true),
    field("materials", "材料", "Materials", Materials, false),
];

const MODEL_UNIVERSITY_FIELDS: &[FieldSpec] = &[
    field("school_name", "学校名称", "University name", Text, true),
    field(
        "party_secretary",
        "党委书记",
        "Party committee secretary",
        Text,
        true,
    ),
];
const BENCHMARK_DEPARTMENT_FIELDS: &[FieldSpec] = &[
    field("department", "院系名称", "Department", Text, true),
    field(
        "party_secretary",
        "党组织书记",
        "Party organisation secretary",
        Text,
        true,
    ),
    field("n_members", "党员人数", "Party members", Integer, true),
];
const MODEL_BRANCH_FIELDS: &[FieldSpec] = &[
    field("department", "院系名称", "Department", Text, true),
    field("branch_name", "支部名称", "Branch name", Text, true),
    field(
        "branch_type",
        "支部类型",
        "Branch type",
        Choice(BRANCH_TYPES),
        true,
    ),
    field(
        "branch_secretary",
        "支部书记",
        "Branch secretary",
        Text,
        true,
    ),
    field("n_members", "党员人数", "Party members", Integer, true),
    field(
        "school_model_since",
        "校级样板支部认定时间",
        "School-level model branch since",
        Date,
        true,
    ),
];
const DUAL_LEADER_STUDIO_FIELDS: &[FieldSpec] = &[
    field("department", "院系名称", "Department", Text, true),
    field("branch_name", "支部名称", "Branch name", Text, true),
    field(
        "branch_founded",
        "支部成立时间",
        "Branch founded",
        Date,
        true,
    ),
    field(
        "branch_secretary",
        "支部书记",
        "Branch secretary",
        Text,
        true,
    ),
    field(
        "professional_title",
        "职称",
        "Professional title",
        Text,
        true,
    ),
    field(
        "is_dual_leader",
        "是否“双带头人”",
        "Dual leader?",
        YesNo,
        true,
    ),
];
const STUDENT_EXEMPLAR_FIELDS: &[FieldSpec] = &[
    field("name", "姓名", "Name", Text, true),
    field("gender", "性别", "Gender", Choice(GENDERS), true),
    field("ethnicity", "民族", "Ethnicity", Text, true),
    field("birth_month", "出生年月", "Born", Date, true),
    field("department", "院系", "Department", Text, true),
    field("major", "专业", "Major", Text, true),
    field(
        "education_level",
        "学历层次",
        "Level",
        Choice(EDUCATION_LEVELS),
        true,
    ),
    field(
        "study_mode",
        "培养方式",
        "Study mode",
        Choice(STUDY_MODES),
        true,
    ),
    field(
        "party_status",
        "政治面貌",
        "Party status",
        Choice(PARTY_STATUSES),
        true,
    ),
    field("joined_party", "入党时间", "Joined the Party", Date, true),
    field(
        "full_member_since",
        "转正时间",
        "Full member since",
        Date,
        false,
    ),
    field("student_number", "学号", "Student number", Text, true),
    field("id_number", "身份证号", "ID number", IdNumber, true),
    field("deeds", "主要事迹", "Main achievements", LongText, true),
];
const INNOVATION_CASE_FIELDS: &[FieldSpec] = &[
    field("case_name", "案例名称", "Case title", Text, true),
    field("case_level", "申报层级", "Level", Choice(CASE_LEVELS), true),
    field(
        "united_front",
        "是否统战类",
        "United-front case?",
        YesNo,
        true,
    ),
    field("summary", "案例摘要", "Summary", LongText, true),
];

/// The fields of an activity's nomination workbook, in the template's column order.
pub fn fields(activity: Activity) -> Vec<FieldSpec> {
    let own = match activity {
        Activity::ModelUniversity => MODEL_UNIVERSITY_FIELDS,
        Activity::BenchmarkDepartment => BENCHMARK_DEPARTMENT_FIELDS,
        Activity::ModelBranch => MODEL_BRANCH_FIELDS,
        Activity::DualLeaderStudio => DUAL_LEADER_STUDIO_FIELDS,
        Activity::StudentExemplar => STUDENT_EXEMPLAR_FIELDS,
        Activity::InnovationCase => INNOVATION_CASE_FIELDS,
    };
    COMMON_HEAD
        .iter()
        .chain(own)
        .chain(COMMON_TAIL)
        .copied()
        .collect()
}

/// Which field names the nomination in a list (a person, a unit or a case).
pub fn display_field(activity: Activity) -> &'static str {
    match activity {
        Activity::ModelUniversity => "school_name",
        Activity::BenchmarkDepartment => "department",
        Activity::ModelBranch | Activity::DualLeaderStudio => "branch_name",
        Activity::StudentExemplar => "name",
        Activity::InnovationCase => "case_name",
    }
}

/// Criterion names paired with their points; the points of a rubric add up to 100.
fn rubric(items: &[(&str, &str, f64)]) -> Rubric {
    Rubric {
        criteria: items
            .iter()
            .enumerate()
            .map(|(i, (zh, en, max))| Criterion {
                key: format!("c{}", i + 1),
                name_zh: (*zh).to_string(),
                name_en: (*en).to_string(),
                max_points: *max,
                step: 0.5,
                guidance_zh: String::new(),
                placeholder: false,
                bands: Vec::new(),
                weight: 1.0,
            })
            .collect(),
    }
}

fn category(
    key: &str,
    name_zh: &str,
    name_en: &str,
    quota: u32,
    quota_approximate: bool,
    rubric: Rubric,
) -> Category {
    Category {
        key: key.to_string(),
        name_zh: name_zh.to_string(),
        name_en: name_en.to_string(),
        quota,
        quota_approximate,
        allowance: None,
        scoring_mode: ScoringMode::Criteria,
        rubric,
        grades: Default::default(),
    }
}

fn six_solid_placeholders() -> Rubric {
    // No authoritative wording of 六个过硬 is at hand: ship six editable placeholders
    // and mark them, so the UI can ask the clerk to fill them in before the panel starts.
    let mut r = rubric(&[
        ("过硬一（待填写）", "Criterion 1 (to be worded)", 17.0),
        ("过硬二（待填写）", "Criterion 2 (to be worded)", 17.0),
        ("过硬三（待填写）", "Criterion 3 (to be worded)", 17.0),
        ("过硬四（待填写）", "Criterion 4 (to be worded)", 17.0),
        ("过硬五（待填写）", "Criterion 5 (to be worded)", 16.0),
        ("过硬六（待填写）", "Criterion 6 (to be worded)", 16.0),
    ]);
    for c in &mut r.criteria {
        c.placeholder = true;
        c.guidance_zh = "暂无权威条目，请在评审开始前按本省文件填写。".to_string();
    }
    r
}

fn case_rubric(united_front: bool) -> Rubric {
    let mut items = vec![
        ("真实性", "Authenticity", 25.0),
        ("创新性", "Innovation", 25.0),
        ("实效性", "Effectiveness", 25.0),
        ("典型性", "Exemplarity", 25.0),
    ];
    if united_front {
        items = vec![
            ("真实性", "Authenticity", 20.0),
            ("创新性", "Innovation", 20.0),
            ("实效性", "Effectiveness", 20.0),
            ("典型性", "Exemplarity", 20.0),
            ("针对性", "Relevance", 20.0),
        ];
    }
    rubric(&items)
}

/// The categories a new review of this activity starts with.
pub fn categories(activity: Activity) -> Vec<Category> {
    match activity {
        Activity::ModelUniversity => vec![category(
            "model_university",
            "示范高校",
            "Model universities",
            5,
            false,
            six_solid_placeholders(),
        )],
        Activity::BenchmarkDepartment => vec![category(
            "benchmark_department",
            "标杆院系",
            "Benchmark departments",
            30,
            false,
            rubric(&[
                (
                    "党组织领导和运行机制到位",
                    "Leadership and operating mechanisms",
                    20.0,
                ),
                ("政治把关作用到位", "Political gatekeeping", 20.0),
                ("思想政治工作到位", "Ideological and political work", 20.0),
                (
                    "基层组织制度执行到位",
                    "Observance of organisational rules",
                    20.0,
                ),
                ("推动改革发展到位", "Driving reform and development", 20.0),
            ]),
        )],
        Activity::ModelBranch => vec![category(
            "model_branch",
            "样板支部",
            "Model Party branches",
            100,
            false,
            rubric(&[
                ("教育党员有力", "Educating members", 15.0),
                ("管理党员有力", "Managing members", 15.0),
                ("监督党员有力", "Supervising members", 14.0),
                ("组织师生有力", "Organising staff and students", 14.0),
                ("宣传师生有力", "Informing staff and students", 14.0),
                ("凝聚师生有力", "Uniting staff and students", 14.0),
                ("服务师生有力", "Serving staff and students", 14.0),
            ]),
        )],
        Activity::DualLeaderStudio => vec![category(
            "dual_leader_studio",
            "双带头人教师党支部书记工作室",
            "Dual-leader branch secretary studios",
            30,
            false,
            rubric(&[
                (
                    "强化支部政治功能",
                    "Strengthening the branch's political role",
                    20.0,
                ),
                ("抓好党建主责主业", "Party building as the main duty", 20.0),
                (
                    "提升思想政治工作质量",
                    "Quality of ideological and political work",
                    20.0,
                ),
                ("促进学校事业发展", "Advancing the university's work", 20.0),
                ("抓好支部班子建设", "Building the branch committee", 20.0),
            ]),
        )],
        Activity::StudentExemplar => vec![category(
            "student_exemplar",
            "大学生党员标兵",
            "Student Party member exemplars",
            200,
            false,
            rubric(&[
                ("政治素质好", "Political integrity", 20.0),
                ("个人成绩好", "Personal achievement", 20.0),
                ("示范带动好", "Leading by example", 20.0),
                ("服务师生好", "Serving staff and students", 20.0),
                ("遵纪守法好", "Law and discipline", 20.0),
            ]),
        )],
        Activity::InnovationCase => vec![
            category(
                "case_university",
                "学校党委层面案例",
                "University Party committee cases",
                5,
                true,
                case_rubric(false),
            ),
            category(
                "case_department",
                "院（系）党组织层面案例",
                "Department Party organisation cases",
                10,
                true,
                case_rubric(false),
            ),
            category(
                "case_branch",
                "基层党支部层面案例",
                "Party branch cases",
                30,
                true,
                case_rubric(false),
            ),
            // The article sets separate awards for united-front cases without a number;
            // 5 is a starting point the clerk is expected to edit.
            category(
                "case_united_front",
                "统战类案例",
                "United-front cases",
                5,
                true,
                case_rubric(true),
            ),
        ],
    }
}

/// Which category of the activity a nomination belongs to, from its own fields:
/// case awards are ranked per level, and united-front cases on their own.
pub fn category_for(activity: Activity, field: impl Fn(&str) -> Option<String>) -> String {
    // Called for every imported row: static keys, not `categories()`, which builds whole
    // rubrics. A test below keeps the two in step.
    match activity {
        Activity::InnovationCase if field("united_front").as_deref() == Some("是") => {
            "case_united_front"
        }
        Activity::InnovationCase => match field("case_level").as_deref() {
            Some("学校党委") => "case_university",
            Some("院系党组织") => "case_department",
            _ => "case_branch",
        },
        Activity::ModelUniversity => "model_university",
        Activity::BenchmarkDepartment => "benchmark_department",
        Activity::ModelBranch => "model_branch",
        Activity::DualLeaderStudio => "dual_leader_studio",
        Activity::StudentExemplar => "student_exemplar",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_key_a_row_can_get_is_one_of_the_activitys_categories() {
        for activity in Activity::ALL {
            let keys: Vec<String> = categories(activity).into_iter().map(|c| c.key).collect();
            for (united_front, level) in [
                ("是", ""),
                ("否", "学校党委"),
                ("否", "院系党组织"),
                ("", ""),
            ] {
                let key = category_for(activity, |k| match k {
                    "united_front" => Some(united_front.to_string()),
                    "case_level" => Some(level.to_string()),
                    _ => None,
                });
                assert!(keys.contains(&key), "{activity:?} {key}");
            }
        }
    }

    #[test]
    fn every_criteria_rubric_totals_one_hundred_points() {
        for activity in Activity::ALL {
            for category in categories(activity) {
                assert_eq!(
                    category.rubric.max_total(),
                    100.0,
                    "{} / {}",
                    activity.code(),
                    category.key
                );
            }
        }
    }

    #[test]
    fn rubric_wordings_match_the_product_lists() {
        let names = |a: Activity| -> Vec<String> {
            categories(a)[0]
                .rubric
                .criteria
                .iter()
                .map(|c| c.name_zh.clone())
                .collect()
        };
        assert_eq!(
            names(Activity::ModelBranch).join("、"),
            "教育党员有力、管理党员有力、监督党员有力、组织师生有力、宣传师生有力、凝聚师生有力、服务师生有力"
        );
        assert_eq!(
            names(Activity::BenchmarkDepartment).join("、"),
            "党组织领导和运行机制到位、政治把关作用到位、思想政治工作到位、基层组织制度执行到位、推动改革发展到位"
        );
        assert_eq!(
            names(Activity::DualLeaderStudio).join("、"),
            "强化支部政治功能、抓好党建主责主业、提升思想政治工作质量、促进学校事业发展、抓好支部班子建设"
        );
        assert_eq!(
            names(Activity::StudentExemplar).join("、"),
            "政治素质好、个人成绩好、示范带动好、服务师生好、遵纪守法好"
        );
        assert_eq!(names(Activity::ModelUniversity).len(), 6);
        assert!(categories(Activity::ModelUniversity)[0]
            .rubric
            .has_placeholders());
    }

    #[test]
    fn case_awards_have_three_levels_plus_united_front_with_approximate_quotas() {
        let cats = categories(Activity::InnovationCase);
        let quotas: Vec<(u32, bool)> = cats
            .iter()
            .map(|c| (c.quota, c.quota_approximate))
            .collect();
        assert_eq!(quotas, vec![(5, true), (10, true), (30, true), (5, true)]);
        let uf = &cats[3].rubric.criteria;
        assert!(uf.iter().any(|c| c.name_zh == "针对性"));
    }

    #[test]
    fn every_activity_asks_for_university_contact_and_its_display_field() {
        for activity in Activity::ALL {
            let f = fields(activity);
            let keys: Vec<&str> = f.iter().map(|s| s.key).collect();
            assert_eq!(keys[0], "university");
            assert!(keys.contains(&"contact_phone"));
            assert!(keys.contains(&display_field(activity)), "{activity:?}");
            let mut unique = keys.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), keys.len(), "duplicate key in {activity:?}");
        }
    }
}
