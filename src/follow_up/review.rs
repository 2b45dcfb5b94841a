//! Mid-term and acceptance reviews: created from the units the register says are due,
//! scored like any review (package → score → bundle → merge), and their outcome carried
//! back into the register.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::awarded_units::{self, UnitEvent};
use super::cycle::{self, Stage, Status, YearMonth};
use crate::activity::Activity;
use crate::audit;
use crate::error::{Error, Result};
use crate::merge::results::{self, CategoryResult, NominationResult, ResultOptions, ReviewResults};
use crate::model::{Category, FieldValue, ReviewSummary, ScoringMode};
use crate::store::{self, nominations::NewNomination, review_rows};
use crate::template;

/// What the supervisor chooses when creating a follow-up review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUpPlan {
    pub activity: Activity,
    pub stage: Stage,
    /// Units due in or before this month are reviewed.
    pub as_of: YearMonth,
    /// Grade (优秀/良好/合格/不合格) or the activity's rubric.
    pub scoring_mode: ScoringMode,
    /// With a rubric: the share of the maximum total that passes (0.6: 60 of 100).
    pub pass_share: f64,
}

fn field(label: &str, value: String) -> FieldValue {
    FieldValue {
        key: label.to_string().into(),
        label_zh: label.to_string().into(),
        label_en: label.to_string().into(),
        value,
        personal: false,
    }
}

/// Creates the review file at `review_path` with the due units as its nominations and,
/// when `experts_from` names a review, that review's expert roster (usually the panel
/// that made the award).
pub fn create(
    register_path: &Path,
    review_path: &Path,
    id: &str,
    plan: &FollowUpPlan,
    experts_from: Option<&Path>,
    created_at: &str,
    actor: &str,
) -> Result<ReviewSummary> {
    let experts = match experts_from {
        Some(path) => store::experts::read_all(&store::open(path)?)?,
        None => Vec::new(),
    };
    plan.check()?;
    let due = units_due(register_path, plan)?;
    let category = plan.category(due.len() as u32)?;
    let mut conn = store::create(review_path)?;
    let tx = conn.transaction()?;
    review_rows::insert_review(&tx, &plan.review_row(id, created_at))?;
    review_rows::insert_categories(&tx, std::slice::from_ref(&category))?;
    tx.execute(
        "INSERT INTO follow_up (singleton, stage, as_of, pass_share) VALUES (1, ?1, ?2, ?3)",
        params![plan.stage.code(), plan.as_of.to_string(), plan.pass_share],
    )?;
    for e in &experts {
        let expert = store::experts::NewExpert {
            name: e.name.clone(),
            institution: e.institution.clone(),
            title: e.title.clone(),
        };
        store::experts::insert(&tx, &expert)?;
    }
    for unit in &due {
        insert_unit(&tx, plan, &category.key, unit)?;
    }
    let units: Vec<&str> = due.iter().map(|u| u.id.as_str()).collect();
    audit::append(
        &tx,
        created_at,
        actor,
        "review.created",
        &serde_json::json!({
            "review_id": id,
            "activity": plan.activity.code(),
            "year": plan.as_of.year,
            "follow_up": plan.stage.code(),
            "as_of": plan.as_of.to_string(),
            "scoring_mode": plan.scoring_mode.code(),
            "units": units,
            "experts": experts.len(),
        }),
    )?;
    tx.commit()?;
    drop(conn);
    let mut reg = awarded_units::open(register_path)?;
    let rtx = reg.transaction()?;
    audit::append(
        &rtx,
        created_at,
        actor,
        "follow_up.review_created",
        &serde_json::json!({ "review_id": id, "stage": plan.stage.code(), "units": units }),
    )?;
    rtx.commit()?;
    crate::review::summary(review_path)
}

impl FollowUpPlan {
    /// Mid-term and acceptance reviews grade or score; the pass share is a share.
    fn check(&self) -> Result<()> {
        if self.scoring_mode == ScoringMode::Vote {
            return Err(Error::BadInput {
                zh: "中期考核和验收按等次或评分细则评定，不用投票".into(),
                en: "mid-term and acceptance reviews are graded or scored with a rubric, not voted"
                    .into(),
            });
        }
        if !(self.pass_share > 0.0 && self.pass_share <= 1.0) {
            return Err(Error::BadInput {
                zh: format!("合格线 {} 应在 0 到 1 之间（如 0.6）", self.pass_share),
                en: format!(
                    "pass share {} must be above 0 and at most 1 (e.g. 0.6)",
                    self.pass_share
                ),
            });
        }
        Ok(())
    }

    /// The review's one category: the stage, with the activity's rubric. Everyone can
    /// pass: the quota (`due`, every unit) only stops the results from cutting anyone.
    fn category(&self, due: u32) -> Result<Category> {
        let rubric = template::categories(self.activity)
            .into_iter()
            .next()
            .map(|c| c.rubric)
            .ok_or_else(|| Error::Corrupt("activity without categories".into()))?;
        Ok(Category {
            key: self.stage.code().to_string(),
            name_zh: self.stage.name_zh().to_string(),
            name_en: self.stage.name_en().to_string(),
            quota: due,
            quota_approximate: false,
            allowance: None,
            scoring_mode: self.scoring_mode,
            rubric,
            grades: Default::default(),
        })
    }

    fn review_row(&self, id: &str, created_at: &str) -> review_rows::ReviewRow {
        let (year, activity, stage) = (self.as_of.year, self.activity, self.stage);
        review_rows::ReviewRow {
            id: id.to_string(),
            activity,
            year,
            title_zh: format!("{year}年{}{}", activity.name_zh(), stage.name_zh()),
            title_en: format!("{year} {}: {}", stage.name_en(), activity.name_en()),
            created_at: created_at.to_string(),
        }
    }
}

/// The register's units of the plan's activity due for its stage by its month; none
/// due refuses the review.
fn units_due(register_path: &Path, plan: &FollowUpPlan) -> Result<Vec<awarded_units::AwardedUnit>> {
    let reg = awarded_units::open(register_path)?;
    let due: Vec<_> = awarded_units::units(&reg, plan.as_of)?
        .into_iter()
        .filter(|u| {
            u.activity == plan.activity && u.due_now && u.due.is_some_and(|d| d.stage == plan.stage)
        })
        .collect();
    if due.is_empty() {
        return Err(Error::BadInput {
            zh: format!(
                "截至 {}，登记册中没有应参加{}的{}单位",
                plan.as_of,
                plan.stage.name_zh(),
                plan.activity.name_zh()
            ),
            en: format!(
                "no {} unit in the register is due for its {} by {}",
                plan.activity.name_en(),
                plan.stage.name_en(),
                plan.as_of
            ),
        });
    }
    Ok(due)
}

/// One due unit as a nomination of the follow-up review, linked to its register entry.
fn insert_unit(
    tx: &rusqlite::Transaction,
    plan: &FollowUpPlan,
    category_key: &str,
    unit: &awarded_units::AwardedUnit,
) -> Result<()> {
    let recheck = unit.due.is_some_and(|d| d.recheck);
    let period = match (unit.build_start, unit.build_end) {
        (Some(s), Some(e)) => format!("{s} 至 {e}"),
        _ => String::new(),
    };
    let stage_zh = if recheck {
        format!("{}整改复核", plan.stage.name_zh())
    } else {
        plan.stage.name_zh().to_string()
    };
    let nomination_id = store::nominations::insert(
        tx,
        &NewNomination {
            category_key: category_key.to_string(),
            university: unit.university.clone(),
            display_name: unit.name.clone(),
            fields: Vec::new(),
            extra_fields: vec![
                field("登记编号", unit.id.clone()),
                field("原类别", unit.category_zh.clone()),
                field("授予年度", unit.year.to_string()),
                field("建设周期", period),
                field("本次考核", stage_zh),
            ],
            materials: Vec::new(),
            source_file: awarded_units::FILE_NAME.to_string(),
            source_row: 0,
            identity: format!("unit:{}", unit.id),
        },
    )?;
    tx.execute(
        "INSERT INTO follow_up_unit (nomination_id, unit_id, recheck) VALUES (?1, ?2, ?3)",
        params![nomination_id, unit.id, recheck],
    )?;
    Ok(())
}

/// One unit's outcome as carried into the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitOutcome {
    pub unit_id: String,
    pub name: String,
    pub university: String,
    pub grade: String,
    pub passed: bool,
    pub recheck: bool,
    pub status_before: Status,
    pub status_after: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Applied {
    pub review_id: String,
    pub stage: Stage,
    pub outcomes: Vec<UnitOutcome>,
    /// Outcomes recorded by an earlier apply of this same review (unchanged now).
    pub already: u32,
}

/// The stage a review file follows up, or `None` for an ordinary review.
pub fn stage_of(review_path: &Path) -> Result<Option<Stage>> {
    let conn = store::open(review_path)?;
    let stage: Option<String> = conn
        .query_row("SELECT stage FROM follow_up", [], |r| r.get(0))
        .optional()?;
    Ok(stage.as_deref().and_then(Stage::from_code))
}

struct Setup {
    stage: Stage,
    pass_share: f64,
    /// nomination id → (unit id, recheck)
    units: BTreeMap<i64, (String, bool)>,
    review_id: String,
    categories: Vec<Category>,
}

fn setup(review_path: &Path) -> Result<Setup> {
    let conn = store::open(review_path)?;
    let row: Option<(String, f64)> = conn
        .query_row("SELECT stage, pass_share FROM follow_up", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (stage, pass_share) = row.ok_or_else(|| Error::BadInput {
        zh: "这不是中期考核或验收评审，没有可记入登记册的考核结果".into(),
        en: "this is not a mid-term or acceptance review: it has no outcome for the register"
            .into(),
    })?;
    let stage =
        Stage::from_code(&stage).ok_or_else(|| Error::Corrupt(format!("stage {stage:?}")))?;
    let mut stmt = conn.prepare("SELECT nomination_id, unit_id, recheck FROM follow_up_unit")?;
    let units = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
    Ok(Setup {
        stage,
        pass_share,
        units,
        review_id: review_rows::read_review(&conn)?.id,
        categories: review_rows::read_categories(&conn)?,
    })
}

impl Setup {
    /// The highest total category `key`'s rubric allows: the pass line is a share of it.
    fn max_total(&self, key: &str) -> f64 {
        self.categories
            .iter()
            .find(|c| c.key == key)
            .map_or(0.0, |c| c.rubric.max_total())
    }
}

/// Carries a finished follow-up review's outcome into the register: passed or failed per
/// unit by its grade (不合格 fails) or, with a rubric, its aggregate against the pass line;
/// the new status follows `cycle::status_after`. Refused, changing nothing, while any
/// unit lacks a result. Applying the same review again changes nothing.
pub fn apply(
    register_path: &Path,
    review_path: &Path,
    options: &ResultOptions,
    decided_on: time::Date,
    at: &str,
    actor: &str,
) -> Result<Applied> {
    let setup = setup(review_path)?;
    let results = results::compute(review_path, options)?;
    let verdicts = verdicts(&setup, &results)?;
    let mut conn = awarded_units::open(register_path)?;
    let tx = conn.transaction()?;
    let (outcomes, already) = record_outcomes(&tx, &setup, verdicts, decided_on)?;
    // Both logs say the same: the register's, and the review's whose results it carries.
    let detail = (!outcomes.is_empty()).then(|| applied_detail(&setup, decided_on, &outcomes));
    if let Some(detail) = &detail {
        audit::append(&tx, at, actor, "follow_up.applied", detail)?;
    }
    tx.commit()?;
    if let Some(detail) = &detail {
        let mut rconn = store::open(review_path)?;
        let rtx = rconn.transaction()?;
        audit::append(&rtx, at, actor, "follow_up.applied", detail)?;
        rtx.commit()?;
    }
    Ok(Applied {
        review_id: setup.review_id,
        stage: setup.stage,
        outcomes,
        already,
    })
}

/// One unit's verdict, read off the review's results.
struct Verdict<'a> {
    nomination: &'a NominationResult,
    unit_id: &'a str,
    recheck: bool,
    grade: String,
    passed: bool,
}

/// Every unit's verdict; refused, naming them, while any unit lacks a result.
fn verdicts<'a>(setup: &'a Setup, results: &'a ReviewResults) -> Result<Vec<Verdict<'a>>> {
    let mut verdicts = Vec::new();
    let mut missing = Vec::new();
    for c in &results.categories {
        let max = setup.max_total(&c.key);
        for n in &c.nominations {
            let Some((unit_id, recheck)) = setup.units.get(&n.nomination_id) else {
                continue;
            };
            match graded(c, n, max, setup.pass_share) {
                Some((grade, passed)) => verdicts.push(Verdict {
                    nomination: n,
                    unit_id,
                    recheck: *recheck,
                    grade,
                    passed,
                }),
                None => missing.push(n.display_name.clone()),
            }
        }
    }
    if !missing.is_empty() {
        return Err(Error::BadInput {
            zh: format!(
                "以下单位还没有评定结果：{}；请先收齐专家评分",
                missing.join("、")
            ),
            en: format!(
                "{} unit(s) have no result yet; receive every expert's bundle first",
                missing.len()
            ),
        });
    }
    Ok(verdicts)
}

/// The grade as the register keeps it and whether it passes: by the grade (as its list
/// says: 不合格 fails on the default one) or the aggregate against `pass_share` of the
/// maximum `max`. `None` while unmarked.
fn graded(
    c: &CategoryResult,
    n: &NominationResult,
    max: f64,
    pass_share: f64,
) -> Option<(String, bool)> {
    match c.scoring_mode {
        ScoringMode::Grade => n
            .grade
            .as_ref()
            .map(|g| (c.grades.name_zh(g.key()).to_string(), !c.grade_failed(n))),
        _ => n
            .score
            .map(|s| (format!("{s:.2} / {max}"), s >= pass_share * max)),
    }
}

/// Records each verdict as the unit's event in the register; answers the outcomes
/// recorded and how many this review had recorded before with the same verdict.
fn record_outcomes(
    tx: &rusqlite::Transaction,
    setup: &Setup,
    verdicts: Vec<Verdict>,
    decided_on: time::Date,
) -> Result<(Vec<UnitOutcome>, u32)> {
    let mut outcomes = Vec::new();
    let mut already = 0;
    for v in verdicts {
        if recorded_before(tx, setup, &v)? {
            already += 1;
            continue;
        }
        let before = awarded_units::unit_status(tx, v.unit_id)?;
        check_owes_review(&v, before)?;
        let after = cycle::status_after(setup.stage, v.passed, v.recheck);
        awarded_units::record_event(
            tx,
            v.unit_id,
            &UnitEvent {
                stage: Some(setup.stage),
                recheck: v.recheck,
                passed: Some(v.passed),
                grade: v.grade.clone(),
                status_after: after,
                decided_on: decided_on.to_string(),
                review_id: setup.review_id.clone(),
                note: String::new(),
            },
        )?;
        outcomes.push(UnitOutcome {
            unit_id: v.unit_id.to_string(),
            name: v.nomination.display_name.clone(),
            university: v.nomination.university.clone(),
            grade: v.grade,
            passed: v.passed,
            recheck: v.recheck,
            status_before: before,
            status_after: after,
        });
    }
    Ok((outcomes, already))
}

/// Whether an earlier apply of this review recorded the same verdict for the unit. One
/// that recorded the other verdict is refused: changing it is the supervisor's, with a
/// reason.
fn recorded_before(tx: &rusqlite::Transaction, setup: &Setup, v: &Verdict) -> Result<bool> {
    let earlier: Option<bool> = tx
        .query_row(
            "SELECT passed FROM unit_event WHERE unit_id = ?1 AND review_id = ?2 AND stage = ?3",
            params![v.unit_id, setup.review_id, setup.stage.code()],
            |r| r.get(0),
        )
        .optional()?;
    match earlier {
        Some(p) if p == v.passed => Ok(true),
        Some(_) => Err(Error::BadInput {
            zh: format!(
                "{}（{}）的考核结果已按另一结论记入登记册；如需更正，请由督导修改状态并说明理由",
                v.nomination.display_name, v.unit_id
            ),
            en: format!(
                "{} already has this review's outcome with the other verdict; change its status with a reason instead",
                v.unit_id
            ),
        }),
        None => Ok(false),
    }
}

/// A unit accepted, revoked or only just awarded owes no review.
fn check_owes_review(v: &Verdict, status: Status) -> Result<()> {
    if matches!(status, Status::Accepted | Status::Revoked | Status::Awarded) {
        let (name, unit_id) = (&v.nomination.display_name, v.unit_id);
        return Err(Error::BadInput {
            zh: format!(
                "{name}（{unit_id}）当前状态为“{}”，不再参加考核",
                status.name_zh()
            ),
            en: format!("{unit_id} is {} and owes no review", status.code()),
        });
    }
    Ok(())
}

fn applied_detail(
    setup: &Setup,
    decided_on: time::Date,
    outcomes: &[UnitOutcome],
) -> serde_json::Value {
    serde_json::json!({
        "review_id": setup.review_id,
        "stage": setup.stage.code(),
        "decided_on": decided_on.to_string(),
        "outcomes": outcomes.iter().map(|o| serde_json::json!({
            "unit": o.unit_id, "grade": o.grade, "passed": o.passed,
            "from": o.status_before.code(), "to": o.status_after.code(),
        })).collect::<Vec<_>>(),
    })
}

/// What a unit's own report is called on the experts' screens and in the package.
pub const SELF_EVALUATION: &str = "自评材料";

/// Attaches a unit's own self-evaluation (自评报告, 整改报告 …) to its nomination in a
/// mid-term or acceptance review, so the package takes it to the experts like any
/// material: checked against the material allowlist by content, never through a link,
/// and only while no package holding the nomination has gone out (it would reach nobody).
pub fn attach_self_evaluation(
    review_path: &Path,
    nomination_id: i64,
    file: &Path,
    named: Option<&str>,
    at: &str,
    actor: &str,
) -> Result<crate::store::materials::MaterialInfo> {
    const MAX_BYTES: u64 = 100 << 20;
    if stage_of(review_path)?.is_none() {
        return Err(Error::BadInput {
            zh: "只有中期考核或验收评审可以附加单位自评材料；评选的材料随推荐工作簿导入".into(),
            en: "only a mid-term or acceptance review takes a unit's self-evaluation; a selection's materials come with its workbooks".into(),
        });
    }
    let shown = file.display();
    let meta = std::fs::symlink_metadata(file).map_err(|e| Error::io(file, e))?;
    if meta.file_type().is_symlink() || !meta.is_file() {
        return Err(Error::BadInput {
            zh: format!("{shown} 是链接或文件夹，不会跟随；请选择材料文件本身"),
            en: format!("{shown} is a link or a folder and is not followed; choose the material file itself"),
        });
    }
    if meta.len() > MAX_BYTES {
        return Err(Error::BadInput {
            zh: format!("{shown} 超过 100 MB，不能随评审包发出"),
            en: format!("{shown} is larger than 100 MB and cannot travel in a package"),
        });
    }
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::import::material_type::check(&file_name, &bytes).map_err(|refused| Error::BadInput {
        zh: refused.message_zh(&file_name),
        en: refused.message_en(&file_name),
    })?;
    let named = named
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(SELF_EVALUATION);
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let known = crate::store::nominations::exists(&tx, nomination_id)?;
    if !known {
        return Err(Error::BadInput {
            zh: format!("没有编号为 {nomination_id} 的考核对象"),
            en: format!("no nomination with id {nomination_id}"),
        });
    }
    let sent = crate::package::panels::current(&tx)?
        .into_iter()
        .any(|(_, p)| p.nominations.iter().any(|n| n.id == nomination_id));
    if sent {
        return Err(Error::BadInput {
            zh: format!("考核对象 {nomination_id} 已随评审包发给专家，此后附加的材料到不了专家手中：自评材料须在生成评审包之前附加"),
            en: format!("nomination {nomination_id} already went out in a package, so a material added now would reach no expert: attach self-evaluations before building the package"),
        });
    }
    let info = crate::store::materials::attach(&tx, nomination_id, named, &file_name, &bytes)?;
    audit::append(
        &tx,
        at,
        actor,
        "follow_up.material_attached",
        &serde_json::json!({
            "nomination_id": nomination_id,
            "named": named,
            "file_name": file_name,
            "bytes": info.bytes,
            "sha256": info.sha256,
        }),
    )?;
    tx.commit()?;
    Ok(info)
}
