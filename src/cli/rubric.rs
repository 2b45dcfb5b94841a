//! `paneldesk rubric …`: the clerk edits each category's criteria, guidance, score bands,
//! scoring mode and grade list, and keeps the rubric as a file for next year (`rubric`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::merge::aggregate::VoteThreshold;
use paneldesk::model::{GradeLevel, GradeList, ScoreBand, ScoringMode};
use paneldesk::ops;
use paneldesk::rubric::{self, CategoryRubric, CriterionEdit, NewCriterion, RubricChange};
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::ReviewArg;
use crate::cli::out::{answer, print_json};
use crate::cli::parse;

#[derive(Args, Clone)]
pub struct Target {
    #[command(flatten)]
    review: ReviewArg,
    /// 类别代码 / Category key
    #[arg(long)]
    category: String,
    /// 评审包已发出时仍要修改：已发出的评审包作废，其评分结果不再计入
    /// / Edit although a package went out: those packages go stale and their bundles stop counting
    #[arg(long)]
    unlock: bool,
}

#[derive(Subcommand)]
pub enum RubricCommand {
    /// 查看评分细则、评分方式与是否已锁定 / Show the rubric, scoring mode and lock
    Show {
        #[command(flatten)]
        review: ReviewArg,
        /// 只看这个类别 / Only this category
        #[arg(long)]
        category: Option<String>,
    },
    /// 添加评分指标 / Add a criterion
    Add(AddArgs),
    /// 修改评分指标（只改给出的项；命名占位项即完成填写）
    /// / Change a criterion (only what is given; naming a placeholder fills it in)
    Set(SetArgs),
    /// 删除评分指标 / Remove a criterion
    Remove {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        criterion: String,
    },
    /// 调整评分指标的顺序 / Move a criterion
    Move(MoveArgs),
    /// 设置评分方式：points（分项打分）、vote（表决）、grade（评定等级）
    /// / Set the scoring mode: points, vote or grade
    Mode(ModeArgs),
    /// 设置评定等级的等级表（由高到低，给出即替换整个等级表）
    /// / Set a graded category's grade list (best first; replaces the whole list)
    Grades(GradesArgs),
    /// 导出评分细则文件，供来年沿用 / Export the rubric file, to reuse next year
    Export(ExportArgs),
    /// 导入评分细则文件（替换文件中各类别的细则与评分方式）
    /// / Import a rubric file (replaces the rubric and mode of each category it names)
    Import(ImportArgs),
}

#[derive(Args)]
pub struct MoveArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long)]
    criterion: String,
    /// 新位置（从 1 起）/ New position, from 1
    #[arg(long)]
    to: u32,
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 只导出这个类别 / Only this category
    #[arg(long)]
    category: Option<String>,
    /// 输出文件（不会覆盖已有文件）/ Output file (never overwrites)
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    review: ReviewArg,
    file: PathBuf,
    /// 评审包已发出时仍要导入 / Import although a package went out
    #[arg(long)]
    unlock: bool,
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    target: Target,
    /// 指标代码（缺省为下一个 c<n>）/ Key (the next c<n> when omitted)
    #[arg(long)]
    key: Option<String>,
    /// 名称 / Name (Chinese)
    #[arg(long)]
    name_zh: String,
    /// 英文名称 / Name (English)
    #[arg(long, default_value = "")]
    name_en: String,
    /// 满分 / Maximum points
    #[arg(long)]
    max: f64,
    /// 步长 / Step
    #[arg(long, default_value_t = 0.5)]
    step: f64,
    /// 评分要点 / Guidance
    #[arg(long, default_value = "")]
    guidance: String,
    /// 分档，如 优:18-20（可重复）/ A score band such as 优:18-20 (repeatable)
    #[arg(long = "band")]
    bands: Vec<String>,
    /// 位置（从 1 起；缺省在最后）/ Position from 1 (last when omitted)
    #[arg(long)]
    position: Option<u32>,
    /// 权重：总分中按 权重 × 得分 计（0 < 权重 ≤ 10，缺省 1）
    /// / Weight: counts weight × points in a total (0 < weight ≤ 10, default 1)
    #[arg(long, allow_negative_numbers = true)]
    weight: Option<f64>,
}

impl AddArgs {
    fn change(self) -> Result<RubricChange, Error> {
        let criterion = NewCriterion {
            key: self.key,
            name_zh: self.name_zh,
            name_en: self.name_en,
            max_points: self.max,
            step: self.step,
            guidance_zh: self.guidance,
            bands: parse_bands(&self.bands)?,
            position: self.position,
            weight: self.weight,
        };
        Ok(RubricChange::Add { criterion })
    }
}

#[derive(Args)]
pub struct SetArgs {
    #[command(flatten)]
    target: Target,
    /// 指标代码 / Criterion key
    #[arg(long)]
    criterion: String,
    #[arg(long)]
    name_zh: Option<String>,
    #[arg(long)]
    name_en: Option<String>,
    /// 满分 / Maximum points
    #[arg(long)]
    max: Option<f64>,
    /// 步长 / Step
    #[arg(long)]
    step: Option<f64>,
    /// 评分要点 / Guidance
    #[arg(long)]
    guidance: Option<String>,
    /// 分档，如 优:18-20（可重复；给出即替换全部分档）/ Score bands (replace them all)
    #[arg(long = "band")]
    bands: Vec<String>,
    /// 删除全部分档 / Remove every score band
    #[arg(long, conflicts_with = "bands")]
    no_bands: bool,
    /// 权重（0 < 权重 ≤ 10）/ Weight (0 < weight ≤ 10)
    #[arg(long, allow_negative_numbers = true)]
    weight: Option<f64>,
}

impl SetArgs {
    fn change(self) -> Result<RubricChange, Error> {
        let bands = match (self.no_bands, self.bands.is_empty()) {
            (true, _) => Some(Vec::new()),
            (false, true) => None,
            (false, false) => Some(parse_bands(&self.bands)?),
        };
        let edit = CriterionEdit {
            name_zh: self.name_zh,
            name_en: self.name_en,
            max_points: self.max,
            step: self.step,
            guidance_zh: self.guidance,
            bands,
            weight: self.weight,
        };
        Ok(RubricChange::Edit {
            key: self.criterion,
            edit,
        })
    }
}

#[derive(Args)]
pub struct ModeArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long)]
    mode: String,
    /// 表决通过线：more_than_half | two_thirds（仅表决）/ Vote threshold (votes only)
    #[arg(long)]
    vote_threshold: Option<String>,
}

impl ModeArgs {
    fn change(&self) -> Result<RubricChange, Error> {
        let threshold = self.vote_threshold.as_deref().map(|t| {
            parse::choice(
                t,
                "表决通过线",
                "vote threshold",
                "more_than_half、two_thirds",
            )
        });
        Ok(RubricChange::Mode {
            mode: parse_mode(&self.mode)?,
            vote_threshold: threshold.transpose()?,
        })
    }
}

#[derive(Args)]
pub struct GradesArgs {
    #[command(flatten)]
    target: Target,
    /// 一个等级，写作 代码:中文名称:英文名称:pass|fail，由高到低逐个给出（可重复），
    /// 如 A:优秀:Excellent:pass；fail 表示评定为该等级的不入选
    /// / One grade as key:name_zh:name_en:pass|fail, best first (repeatable), e.g.
    /// A:优秀:Excellent:pass; fail: a nomination graded so is never in
    #[arg(long = "grade", required_unless_present = "default")]
    grades: Vec<String>,
    /// 恢复默认等级表：优秀、良好、合格、不合格 / Restore the default list
    #[arg(long, conflicts_with = "grades")]
    default: bool,
}

impl GradesArgs {
    fn change(&self) -> Result<RubricChange, Error> {
        let grades = if self.default {
            GradeList::default()
        } else {
            GradeList(
                self.grades
                    .iter()
                    .map(|g| parse_grade(g))
                    .collect::<Result<_, _>>()?,
            )
        };
        Ok(RubricChange::Grades { grades })
    }
}

/// `A:优秀:Excellent:pass` → grade A, 优秀 / Excellent, passing.
fn parse_grade(text: &str) -> Result<GradeLevel, Error> {
    let bad = || Error::BadInput {
        zh: format!(
            "等级应写作“代码:中文名称:英文名称:pass|fail”，如 A:优秀:Excellent:pass：{text}"
        ),
        en: format!("a grade is key:name_zh:name_en:pass|fail, e.g. A:优秀:Excellent:pass: {text}"),
    };
    let parts: Vec<&str> = text.split([':', '：']).collect();
    let [key, name_zh, name_en, passes] = parts[..] else {
        return Err(bad());
    };
    let passes = match passes.trim().to_lowercase().as_str() {
        "pass" | "通过" => true,
        "fail" | "不通过" => false,
        _ => return Err(bad()),
    };
    Ok(GradeLevel {
        key: key.to_string(),
        name_zh: name_zh.to_string(),
        name_en: name_en.to_string(),
        passes,
    })
}

/// `优:18-20` → 优 from 18 to 20.
fn parse_band(text: &str) -> Result<ScoreBand, Error> {
    let bad = || Error::BadInput {
        zh: format!("分档应写作“名称:下限-上限”，如 优:18-20：{text}"),
        en: format!("a score band is label:from-to, e.g. 优:18-20: {text}"),
    };
    let (label, range) = text
        .rsplit_once(':')
        .or_else(|| text.rsplit_once('：'))
        .ok_or_else(bad)?;
    let (from, to) = range
        .split_once('-')
        .or_else(|| range.split_once('–'))
        .ok_or_else(bad)?;
    Ok(ScoreBand {
        label: label.to_string(),
        from: from.trim().parse().map_err(|_| bad())?,
        to: to.trim().parse().map_err(|_| bad())?,
    })
}

fn parse_bands(texts: &[String]) -> Result<Vec<ScoreBand>, Error> {
    texts.iter().map(|t| parse_band(t)).collect()
}

fn parse_mode(text: &str) -> Result<ScoringMode, Error> {
    match text {
        "points" => Ok(ScoringMode::Criteria),
        other => parse::choice(other, "评分方式", "scoring mode", "points、vote、grade"),
    }
}

/// `优秀 excellent、…、不合格 fail（不通过 fails）`: the list as `rubric show` prints it.
fn grades_text(grades: &GradeList) -> String {
    grades
        .levels()
        .iter()
        .map(|g| {
            let en = if g.name_en.is_empty() {
                String::new()
            } else {
                format!(" / {}", g.name_en)
            };
            let fails = if g.passes {
                ""
            } else {
                "（不通过 fails）"
            };
            format!("{}{en} [{}]{fails}", g.name_zh, g.key)
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn print_category(c: &CategoryRubric) {
    let cat = &c.category;
    let mode = match cat.scoring_mode {
        ScoringMode::Vote => format!(
            "{}（{}）/ vote",
            cat.scoring_mode.name_zh(),
            match c.vote_threshold {
                VoteThreshold::MoreThanHalf => "同意票超过半数",
                VoteThreshold::TwoThirds => "同意票达到三分之二",
            }
        ),
        ScoringMode::Grade => format!(
            "{} / grade  等级 grades: {}",
            cat.scoring_mode.name_zh(),
            grades_text(&c.grades)
        ),
        ScoringMode::Criteria => format!("{} / points", cat.scoring_mode.name_zh()),
    };
    println!(
        "{}（{}）/ {}  评分方式 mode: {mode}",
        cat.name_zh, cat.key, cat.name_en
    );
    if !c.sent.is_empty() {
        println!(
            "  已锁定：已随 {} 个评审包发出，修改须加 --unlock，已发出评审包的评分结果将不再计入\n  locked: went out with {} package(s); an edit needs --unlock and their bundles would no longer count",
            c.sent.len(),
            c.sent.len()
        );
    }
    for (i, k) in cat.rubric.criteria.iter().enumerate() {
        println!(
            "  {}. {}  {}{}  满分 max {}  步长 step {}{}{}",
            i + 1,
            k.key,
            k.name_zh,
            if k.name_en.is_empty() {
                String::new()
            } else {
                format!(" / {}", k.name_en)
            },
            k.max_points,
            k.step,
            if k.weight == 1.0 {
                String::new()
            } else {
                format!("  权重 {} weight", k.weight)
            },
            if k.placeholder {
                "  [待填写 placeholder]"
            } else {
                ""
            }
        );
        if !k.guidance_zh.is_empty() {
            println!("     评分要点 / guidance: {}", k.guidance_zh);
        }
        if !k.bands.is_empty() {
            let bands: Vec<String> = k
                .bands
                .iter()
                .map(|b| format!("{} {}–{}", b.label, b.from, b.to))
                .collect();
            println!("     分档 / bands: {}", bands.join("；"));
        }
    }
    if cat.scoring_mode == ScoringMode::Criteria {
        println!("  合计 / total {}", cat.rubric.max_total());
    }
}

pub fn rubric(workspace: &Workspace, command: RubricCommand, json: bool) -> Result<(), Error> {
    use RubricCommand::*;
    match command {
        Show { review, category } => show(workspace, review, category, json),
        Add(args) => add(workspace, args, json),
        Set(args) => set(workspace, args, json),
        Remove { target, criterion } => remove(workspace, target, criterion, json),
        Move(args) => move_to(workspace, args, json),
        Mode(args) => mode(workspace, args, json),
        Grades(args) => grades(workspace, args, json),
        Export(args) => export(workspace, args, json),
        Import(args) => import(workspace, args, json),
    }
}

fn show(
    workspace: &Workspace,
    review: ReviewArg,
    category: Option<String>,
    json: bool,
) -> Result<(), Error> {
    let all = ops::rubric::show(&review.path(workspace)?, category.as_deref())?;
    answer(json, &all, |all| all.iter().for_each(print_category));
    Ok(())
}

fn add(workspace: &Workspace, args: AddArgs, json: bool) -> Result<(), Error> {
    let target = args.target.clone();
    edit(
        workspace,
        &target,
        &args.change()?,
        json,
        ("已添加评分指标", "Criterion added"),
    )
}

fn set(workspace: &Workspace, args: SetArgs, json: bool) -> Result<(), Error> {
    let target = args.target.clone();
    edit(
        workspace,
        &target,
        &args.change()?,
        json,
        ("已修改评分指标", "Criterion changed"),
    )
}

fn remove(workspace: &Workspace, target: Target, key: String, json: bool) -> Result<(), Error> {
    let change = RubricChange::Remove { key };
    edit(
        workspace,
        &target,
        &change,
        json,
        ("已删除评分指标", "Criterion removed"),
    )
}

fn move_to(workspace: &Workspace, args: MoveArgs, json: bool) -> Result<(), Error> {
    let (key, to) = (args.criterion, args.to);
    let change = RubricChange::Move { key, to };
    edit(
        workspace,
        &args.target,
        &change,
        json,
        ("已调整顺序", "Criterion moved"),
    )
}

fn mode(workspace: &Workspace, args: ModeArgs, json: bool) -> Result<(), Error> {
    let change = args.change()?;
    edit(
        workspace,
        &args.target,
        &change,
        json,
        ("已设置评分方式", "Scoring mode set"),
    )
}

fn grades(workspace: &Workspace, args: GradesArgs, json: bool) -> Result<(), Error> {
    let change = args.change()?;
    edit(
        workspace,
        &args.target,
        &change,
        json,
        ("已设置等级表", "Grade list set"),
    )
}

/// Applies one change and shows the category as it now stands.
fn edit(
    workspace: &Workspace,
    target: &Target,
    change: &RubricChange,
    json: bool,
    (done_zh, done_en): (&str, &str),
) -> Result<(), Error> {
    let path = target.review.path(workspace)?;
    let after = rubric::apply(
        &path,
        &target.category,
        change,
        target.unlock,
        &now(),
        &actor(),
    )?;
    answer(json, &after, |after| {
        println!("{done_zh} / {done_en}");
        print_category(after);
    });
    Ok(())
}

fn export(workspace: &Workspace, args: ExportArgs, json: bool) -> Result<(), Error> {
    let (review, category) = (args.review.path(workspace)?, args.category.as_deref());
    let written = ops::rubric::export(&review, category, &args.out)?;
    answer(json, &serde_json::json!({ "file": written }), |_| {
        println!("已导出评分细则 / Rubric exported: {}", written.display())
    });
    Ok(())
}

fn import(workspace: &Workspace, args: ImportArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let changed = rubric::import_file(&path, &args.file, args.unlock, &now(), &actor())?;
    if json {
        print_json(&serde_json::json!({ "changed": changed }));
    } else if changed.is_empty() {
        println!(
            "评分细则与文件一致，未作修改 / The rubric already matches the file; nothing changed"
        );
    } else {
        println!("已导入评分细则 / Rubric imported: {}", changed.join("、"));
    }
    Ok(())
}
