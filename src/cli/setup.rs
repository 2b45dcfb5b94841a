//! The clerk's set-up before the package goes out: the expert roster (`roster`) and
//! each category's quota and aggregation rule (`category`).

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::merge::rank::TieBreaker;
use paneldesk::ops::setup::{self, CategorySettings, RuleInput};
use paneldesk::registration::{self, Registration};
use paneldesk::store::experts::NewExpert;
use paneldesk::workspace::Workspace;
use paneldesk::{review, roster, Error};

use crate::cli::args::ReviewArg;
use crate::cli::out::{answer, print_json};
use crate::cli::parse;

#[derive(Subcommand)]
pub enum RosterCommand {
    /// 列出专家名单 / List the expert roster
    List {
        #[command(flatten)]
        review: ReviewArg,
    },
    /// 添加专家 / Add an expert
    Add(AddArgs),
    /// 移除专家（仅在生成评审包之前）/ Remove an expert (only before the package is built)
    Remove {
        #[command(flatten)]
        review: ReviewArg,
        /// 专家编号 / Expert number
        id: i64,
    },
    /// 登记专家密钥指纹（抄自专家签字的确认单）/ Register an expert's key fingerprint (from their signed confirmation)
    Register(RegisterArgs),
    /// 注销专家的登记密钥（电脑丢失、忘记 PIN）/ Revoke an expert's registered key (lost laptop, forgotten PIN)
    Revoke(RevokeArgs),
    /// 列出登记的密钥 / List registered keys
    Keys {
        #[command(flatten)]
        review: ReviewArg,
    },
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 姓名 / Name
    #[arg(long)]
    name: String,
    /// 工作单位（本单位推荐对象自动回避）/ Institution (its nominations are recused automatically)
    #[arg(long)]
    institution: String,
    /// 职称 / Title
    #[arg(long, default_value = "")]
    title: String,
}

#[derive(Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 专家编号 / Expert number
    id: i64,
    /// 指纹，如 DD74-02B0-A422-1589-F3EA / Fingerprint, e.g. DD74-02B0-A422-1589-F3EA
    #[arg(long)]
    fingerprint: String,
}

#[derive(Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 专家编号 / Expert number
    id: i64,
    /// 原因 / Reason
    #[arg(long)]
    reason: String,
}

#[derive(Subcommand)]
pub enum CategoryCommand {
    /// 设置类别名额 / Set a category's quota
    Quota(QuotaArgs),
    /// 设置类别的汇总规则 / Set a category's aggregation rule
    Rule(CategoryRuleArgs),
    /// 列出各类别的名额与汇总规则 / List each category's quota and rule
    List {
        #[command(flatten)]
        review: ReviewArg,
    },
}

#[derive(Args)]
pub struct QuotaArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 类别代码 / Category key
    #[arg(long)]
    category: String,
    /// 名额 / Number of awards
    #[arg(long)]
    quota: u32,
    /// 名额为约数（“左右”）/ The quota is approximate ("about")
    #[arg(long)]
    approximate: bool,
}

#[derive(Args)]
pub struct CategoryRuleArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 类别代码 / Category key
    #[arg(long)]
    category: String,
    /// mean | trimmed_mean | median
    #[arg(long)]
    method: String,
    /// 去掉最高最低分所需的最少专家数 / Experts needed before the highest and lowest are dropped
    #[arg(long, default_value_t = 5)]
    trim_min_experts: u32,
    /// 按专家在本类别内标准化（z 分数）/ Normalise each expert's totals within the category
    #[arg(long)]
    normalise: bool,
    /// 表决通过线（仅表决类别）：more_than_half | two_thirds；缺省保持现行规则
    /// / Vote threshold (vote categories only); unchanged when not given
    #[arg(long)]
    vote_threshold: Option<String>,
    /// 法定人数（仅表决类别）：到会专家不足此数时表决不通过；0 为不设
    /// / Quorum (vote categories only): fewer experts present and no vote passes; 0: none
    #[arg(long, default_value_t = 0)]
    quorum: u32,
    /// 同分时依次比较：top_marks（满分票多者）、criterion:<细则代码>；none 为直接由评审组决定
    /// / Tie-breakers in order: top_marks, criterion:<key>; none: straight to the panel
    #[arg(long, value_delimiter = ',', default_value = "top_marks")]
    tie_breakers: Vec<String>,
}

impl CategoryRuleArgs {
    fn input(&self) -> Result<RuleInput, Error> {
        let threshold = self.vote_threshold.as_deref().map(|t| {
            parse::choice(
                t,
                "表决通过线",
                "vote threshold",
                "more_than_half、two_thirds",
            )
        });
        Ok(RuleInput {
            tie_breakers: tie_breakers(&self.tie_breakers)?,
            method: parse::choice(
                &self.method,
                "汇总方法",
                "method",
                "mean、trimmed_mean、median",
            )?,
            trim_min_experts: self.trim_min_experts,
            normalise: self.normalise,
            vote_threshold: threshold.transpose()?,
            quorum: self.quorum,
        })
    }
}

fn tie_breakers(given: &[String]) -> Result<Vec<TieBreaker>, Error> {
    given
        .iter()
        .filter(|b| b.as_str() != "none")
        .map(|b| match b.split_once(':') {
            None if b == "top_marks" => Ok(TieBreaker::MoreTopMarks),
            Some(("criterion", key)) if !key.is_empty() => Ok(TieBreaker::Criterion {
                key: key.to_string(),
            }),
            _ => Err(Error::BadInput {
                zh: format!("并列规则应为 top_marks、criterion:<细则代码> 或 none：{b}"),
                en: format!("a tie-breaker is top_marks, criterion:<key> or none: {b}"),
            }),
        })
        .collect()
}

pub fn roster(workspace: &Workspace, command: RosterCommand, json: bool) -> Result<(), Error> {
    match command {
        RosterCommand::List { review } => list_experts(workspace, review, json),
        RosterCommand::Add(args) => add_expert(workspace, args, json),
        RosterCommand::Remove { review, id } => remove_expert(workspace, review, id, json),
        RosterCommand::Register(args) => register_key(workspace, args, json),
        RosterCommand::Revoke(args) => revoke_key(workspace, args, json),
        RosterCommand::Keys { review } => list_keys(workspace, review, json),
    }
}

fn list_experts(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let experts = setup::experts(&review.path(workspace)?)?;
    answer(json, &experts, |experts| {
        for e in experts {
            println!("{:>3}  {}  {}  {}", e.id, e.name, e.institution, e.title);
        }
        println!("共 {} 位专家 / {} experts", experts.len(), experts.len());
    });
    Ok(())
}

fn add_expert(workspace: &Workspace, args: AddArgs, json: bool) -> Result<(), Error> {
    let new = NewExpert {
        name: args.name,
        institution: args.institution,
        title: args.title,
    };
    let expert = roster::add(&args.review.path(workspace)?, &new, &now(), &actor())?;
    answer(json, &expert, |e| {
        println!("已添加 / Added: {}  {}（{}）", e.id, e.name, e.institution)
    });
    Ok(())
}

fn remove_expert(
    workspace: &Workspace,
    review: ReviewArg,
    id: i64,
    json: bool,
) -> Result<(), Error> {
    roster::remove(&review.path(workspace)?, id, &now(), &actor())?;
    answer(json, &serde_json::json!({ "removed": id }), |_| {
        println!("已移除 / Removed: {id}")
    });
    Ok(())
}

fn register_key(workspace: &Workspace, args: RegisterArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let r = registration::register_in(&path, args.id, &args.fingerprint, &now(), &actor())?;
    answer(json, &r, |r| {
        println!(
            "已登记 / Registered: {} {}  指纹 fingerprint {}",
            r.expert_id, r.expert_name, r.fingerprint
        )
    });
    Ok(())
}

fn revoke_key(workspace: &Workspace, args: RevokeArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let fingerprint = registration::revoke_in(&path, args.id, &args.reason, &now(), &actor())?;
    let id = args.id;
    answer(
        json,
        &serde_json::json!({ "expert_id": id, "revoked": fingerprint }),
        |_| println!("已注销 / Revoked: {id}  指纹 fingerprint {fingerprint}"),
    );
    Ok(())
}

fn list_keys(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let all = registration::list_in(&review.path(workspace)?)?;
    answer(json, &all, |all| {
        all.iter().for_each(print_registration);
        println!("共 {} 条登记 / {} registrations", all.len(), all.len());
    });
    Ok(())
}

fn print_registration(r: &Registration) {
    let state = match &r.revoked_at {
        Some(at) => format!(
            "已注销 revoked {at}：{}",
            r.revoked_reason.as_deref().unwrap_or_default()
        ),
        None => format!(
            "在用 in force（{} 登记 registered {}）",
            r.registered_by, r.registered_at
        ),
    };
    println!(
        "{:>3}  {}  {}  {state}",
        r.expert_id, r.expert_name, r.fingerprint
    );
}

pub fn category(workspace: &Workspace, command: CategoryCommand, json: bool) -> Result<(), Error> {
    match command {
        CategoryCommand::Quota(args) => set_quota(workspace, args, json),
        CategoryCommand::Rule(args) => set_rule(workspace, args, json),
        CategoryCommand::List { review } => list_categories(workspace, review, json),
    }
}

fn set_quota(workspace: &Workspace, args: QuotaArgs, json: bool) -> Result<(), Error> {
    let (path, category) = (args.review.path(workspace)?, &args.category);
    let (quota, about) = (args.quota, args.approximate);
    review::set_quota(&path, category, quota, about, &now(), &actor())?;
    let shown = serde_json::json!({ "category": category, "quota": quota, "approximate": about });
    answer(json, &shown, |_| {
        let about = if about { "约 / about " } else { "" };
        println!("已设置 / Set: {category} 名额 / quota {about}{quota}")
    });
    Ok(())
}

fn set_rule(workspace: &Workspace, args: CategoryRuleArgs, json: bool) -> Result<(), Error> {
    let (path, input) = (args.review.path(workspace)?, args.input()?);
    let set = setup::set_category_rule(&path, &args.category, input, &now(), &actor())?;
    let category = &args.category;
    if json {
        print_json(&serde_json::json!({ "category": category, "rule": set.rule }));
    } else {
        println!(
            "已设置“{category}”的汇总规则：{}。\nSet the rule of {category}: {}.",
            set.rule.describe_zh(set.scoring_mode),
            set.rule.describe_en(set.scoring_mode)
        );
    }
    Ok(())
}

fn list_categories(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let categories = setup::categories(&review.path(workspace)?)?;
    answer(json, &categories, |all| all.iter().for_each(print_category));
    Ok(())
}

fn print_category(c: &CategorySettings) {
    let about = if c.approximate { "~" } else { "" };
    println!(
        "{}  {}  名额 quota {about}{}",
        c.category, c.name_zh, c.quota
    );
    if let Some(rule) = &c.rule {
        println!("  汇总规则：{}。", rule.describe_zh(c.scoring_mode));
        println!("  Rule: {}.", rule.describe_en(c.scoring_mode));
    }
}
