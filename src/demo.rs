//! A demo review with generated, plausible nominations and experts, so the app can be
//! shown and tested without anyone's real data. Deterministic for a given seed.
//!
//! Universities are fictional. Names deliberately include rare characters (喆珺赟鋆彧翀)
//! because those are what break fonts and encodings in real rosters.

use std::path::Path;

use crate::activity::Activity;
use crate::audit;
use crate::error::Result;
use crate::idcard;
use crate::model::{FieldValue, ReviewSummary};
use crate::review::{self, NewReview};
use crate::store::{self, experts, experts::NewExpert, nominations, nominations::NewNomination};
use crate::template::{self, FieldKind};

const UNIVERSITIES: &[&str] = &[
    "江北师范大学",
    "东川理工大学",
    "南湖医科大学",
    "西岭农业大学",
    "云江财经学院",
    "青屿海洋大学",
    "北辰工业大学",
    "楚原外国语学院",
    "长汀科技大学",
    "白鹭师范学院",
    "临川政法大学",
    "星海职业技术学院",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "欧阳", "司马", "钟",
];
const GIVEN: &[&str] = &[
    "子涵", "浩然", "雨桐", "思远", "一诺", "嘉怡", "俊杰", "欣悦", "宇轩", "梓萱", "喆", "珺",
    "赟", "鋆", "彧", "翀", "晓〇", "明哲", "若曦", "志强",
];
/// Experts past the first sixty (where surname and given name would come round again)
/// get a two-character given name: a generation character, none of which starts a name
/// in `GIVEN` (so no name repeats an earlier one), and a last character.
const GENERATION: &[&str] = &[
    "文", "国", "建", "家", "德", "振", "海", "春", "立", "安", "永", "卫", "新", "光", "天", "红",
    "英", "云", "金", "兰",
];
const LAST: &[&str] = &[
    "华", "军", "平", "辉", "琳", "婷", "杰", "涛", "磊", "静", "敏", "勇", "燕", "芳", "喆", "珺",
    "赟", "鋆", "彧", "翀",
];
// `LAST` stands in for `GIVEN` position for position, so a later sixty is as unique as the first.
const _: () = assert!(LAST.len() == GIVEN.len());
/// How many experts before surname and given name come round together: the lists'
/// least common multiple (the given name's step of 7 is prime to its length).
const NAME_CYCLE: usize = SURNAMES.len() * GIVEN.len() / gcd(SURNAMES.len(), GIVEN.len());

const fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

const DEPARTMENTS: &[&str] = &[
    "马克思主义学院",
    "计算机科学与技术学院",
    "化学化工学院",
    "文学院",
    "数学与统计学院",
    "经济管理学院",
    "临床医学院",
    "外国语学院",
];
const MAJORS: &[&str] = &[
    "思想政治教育",
    "软件工程",
    "应用化学",
    "汉语言文学",
    "统计学",
    "会计学",
    "临床医学",
    "英语",
];
const ETHNICITIES: &[&str] = &[
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "回族",
    "蒙古族",
    "土家族",
    "壮族",
];
const TITLES: &[&str] = &["教授", "研究员", "副教授", "高级政工师"];
const CASE_NAMES: &[&str] = &[
    "“党建+课程思政”双融合育人模式",
    "学生党支部“一支部一品牌”建设",
    "实验室里的党小组：科研团队党建实践",
    "“红色宿舍”网格化党员服务",
    "校地共建乡村振兴党建联盟",
    "民主党派与基层党组织联学共建",
];

/// splitmix64: tiny, seedable, and the same on every platform.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn name(&mut self) -> String {
        format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN))
    }
}

/// How large a demo to make.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub activity: Activity,
    pub year: i32,
    pub n_nominations: usize,
    pub n_experts: usize,
    pub seed: u64,
}

impl Default for DemoSpec {
    fn default() -> Self {
        DemoSpec {
            activity: Activity::StudentExemplar,
            year: 2026,
            n_nominations: 60,
            n_experts: 7,
            seed: 2026,
        }
    }
}

fn value_for(
    dice: &mut Dice,
    activity: Activity,
    year: i32,
    key: &str,
    kind: FieldKind,
    university: &str,
) -> String {
    let birth_year = year - 20 - dice.below(6) as i32;
    match (key, kind) {
        ("university", _) | ("school_name", _) => university.to_string(),
        ("name", _) | ("contact_name", _) | ("party_secretary", _) | ("branch_secretary", _) => {
            dice.name()
        }
        ("department", _) => dice.pick(DEPARTMENTS).to_string(),
        ("major", _) => dice.pick(MAJORS).to_string(),
        ("ethnicity", _) => dice.pick(ETHNICITIES).to_string(),
        ("branch_name", _) => format!(
            "{}{}党支部",
            dice.pick(DEPARTMENTS),
            if activity == Activity::DualLeaderStudio || dice.below(2) == 0 {
                "教工第一"
            } else {
                "本科生第二"
            }
        ),
        ("professional_title", _) => dice.pick(TITLES).to_string(),
        ("case_name", _) => dice.pick(CASE_NAMES).to_string(),
        ("birth_month", _) => format!("{birth_year}-{:02}", 1 + dice.below(12)),
        ("joined_party", _) => format!("{}-{:02}-01", year - 3, 1 + dice.below(12)),
        ("full_member_since", _) => format!("{}-{:02}-01", year - 2, 1 + dice.below(12)),
        ("student_number", _) => format!("{}{}", year - 3, dice.digits(6)),
        ("deeds", _) => {
            "担任学生党支部组织委员，带领同学开展志愿服务200余小时，获国家奖学金。".into()
        }
        ("summary", _) => {
            "以党建引领为主线，建立支部与课程、科研、服务相结合的工作机制，形成可复制的经验。"
                .into()
        }
        ("party_status", _) => {
            // One in twenty is still probationary: the eligibility check must catch it.
            if dice.below(20) == 0 {
                "中共预备党员"
            } else {
                "中共党员"
            }
            .into()
        }
        ("study_mode", _) => if dice.below(25) == 0 {
            "非全日制"
        } else {
            "全日制"
        }
        .into(),
        ("united_front", _) => if dice.below(6) == 0 { "是" } else { "否" }.into(),
        (_, FieldKind::Choice(options)) => dice.pick(options).to_string(),
        (_, FieldKind::YesNo) => "是".into(),
        (_, FieldKind::Integer) => (8 + dice.below(60)).to_string(),
        (_, FieldKind::Date) => format!(
            "{}-{:02}-01",
            year - 3 - dice.below(6) as i32,
            1 + dice.below(12)
        ),
        (_, FieldKind::Phone) => format!(
            "1{}{}",
            ["38", "39", "58", "86"][dice.below(4)],
            dice.digits(8)
        ),
        (_, FieldKind::IdNumber) => {
            let first17 = format!(
                "{}{}{:02}{:02}{}",
                ["420102", "420111", "110105", "330106"][dice.below(4)],
                birth_year,
                1 + dice.below(12),
                1 + dice.below(28),
                dice.digits(3)
            );
            let check = idcard::check_character(&first17).unwrap_or('0');
            format!("{first17}{check}")
        }
        (_, FieldKind::Materials) => "推荐表.pdf；事迹材料.docx".into(),
        (_, FieldKind::LongText | FieldKind::Text) => String::new(),
    }
}

/// Demo expert `i`'s name, unique in the roster: the roster goes into every panel
/// package and the expert picks their own name from it, so two alike would be one too
/// many. Surname and given name run through lists of 15 and 20, which come round together
/// only every 60 experts; each later sixty take the next generation character, so the
/// first sixty keep the names tests and screenshots know.
fn expert_name(i: usize) -> String {
    let surname = SURNAMES[i % SURNAMES.len()];
    let turn = (i * 7 + 3) % GIVEN.len();
    let round = i / NAME_CYCLE;
    if round == 0 {
        return format!("{surname}{}", GIVEN[turn]);
    }
    let generation = GENERATION[(round - 1) % GENERATION.len()];
    let last = LAST[turn];
    // Past every generation character (over 1,200 experts) a number tells them apart.
    match (round - 1) / GENERATION.len() {
        0 => format!("{surname}{generation}{last}"),
        again => format!("{surname}{generation}{last}{}", again + 1),
    }
}

/// Creates a demo review in `path`. `created_at` is RFC 3339 UTC.
pub fn create(path: &Path, id: &str, spec: &DemoSpec, created_at: &str) -> Result<ReviewSummary> {
    let actor = "demo";
    review::create(
        path,
        &NewReview {
            id: id.to_string(),
            activity: spec.activity,
            year: spec.year,
            created_at: created_at.to_string(),
            actor: actor.to_string(),
        },
    )?;
    let mut dice = Dice(spec.seed);
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;

    for i in 0..spec.n_experts {
        // Every other expert comes from a nominating university: recusal has work to do.
        let institution = if i % 2 == 0 {
            UNIVERSITIES[(i * 5) % UNIVERSITIES.len()].to_string()
        } else {
            ["省委党校", "省社会科学院", "省教育厅", "省委教育工委"][i % 4].to_string()
        };
        experts::insert(
            &tx,
            &NewExpert {
                name: expert_name(i),
                institution,
                title: TITLES[i % TITLES.len()].to_string(),
            },
        )?;
    }

    let specs = template::fields(spec.activity);
    let display_key = template::display_field(spec.activity);
    for i in 0..spec.n_nominations {
        let university = UNIVERSITIES[i % UNIVERSITIES.len()];
        let fields: Vec<FieldValue> = specs
            .iter()
            .filter(|f| f.kind != FieldKind::Materials)
            .map(|f| FieldValue {
                key: f.key.into(),
                label_zh: f.label_zh.into(),
                label_en: f.label_en.into(),
                value: value_for(
                    &mut dice,
                    spec.activity,
                    spec.year,
                    f.key,
                    f.kind,
                    university,
                ),
                personal: f.kind.is_personal(),
            })
            .collect();
        let get = |key: &str| {
            fields
                .iter()
                .find(|f| f.key == key)
                .map(|f| f.value.clone())
        };
        let category_key = template::category_for(spec.activity, get);
        let display_name = get(display_key).unwrap_or_default();
        // Universities add columns of their own; the demo shows how those are kept.
        let extra_fields = vec![FieldValue {
            key: "获奖情况".into(),
            label_zh: "获奖情况".into(),
            label_en: "获奖情况".into(),
            value: ["校级优秀共产党员", "省级三好学生", "国家奖学金", ""][dice.below(4)].into(),
            personal: false,
        }];
        nominations::insert(
            &tx,
            &NewNomination {
                category_key,
                university: university.to_string(),
                display_name,
                fields,
                extra_fields,
                materials: vec!["推荐表.pdf".into(), "事迹材料.docx".into()],
                source_file: String::new(),
                source_row: 0,
                identity: String::new(),
            },
        )?;
    }
    audit::append(
        &tx,
        created_at,
        actor,
        "demo.populated",
        &serde_json::json!({
            "seed": spec.seed,
            "nominations": spec.n_nominations,
            "experts": spec.n_experts,
        }),
    )?;
    tx.commit()?;
    review::summary(path)
}

/// Demo reviews are marked by their id, so `--keep-existing` can find one and nobody
/// mistakes one for a real review.
pub const ID_PREFIX: &str = "demo-";

pub fn review_id(spec: &DemoSpec, suffix: &str) -> String {
    format!(
        "{ID_PREFIX}{}",
        review::make_id(spec.year, spec.activity, suffix)
    )
}
