//! The clerk's set-up before the package goes out: the expert roster (`roster`) and
//! each category's quota and aggregation rule (`category`).

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::merge::aggregate::VoteThreshold;
use paneldesk::merge::rank::TieBreaker;
use paneldesk::merge::results::{Method, ResultOptions};
use paneldesk::model::ScoringMode;
use paneldesk::store::category_rules::{self, CategoryRule};
use paneldesk::store::experts::NewExpert;
use paneldesk::workspace::Workspace;
use paneldesk::{registration, review, roster, store, Error};

use crate::cli::follow_up::print_json;

#[derive(Args)]
pub struct ReviewArg {
    /// 评审编号或文件 / Review id or file
    #[arg(long)]
    pub(crate) review: Option<String>,
}

#[derive(Subcommand)]
pub enum RosterCommand {
    /// 列出专家名单 / List the expert roster
    List {
        #[command(flatten)]
        review: ReviewArg,
    },
    /// 添加专家 / Add an expert
    Add {
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
    },
    /// 移除专家（仅在生成评审包之前）/ Remove an expert (only before the package is built)
    Remove {
        #[command(flatten)]
        review: ReviewArg,
        /// 专家编号 / Expert number
        id: i64,
    },
    /// 登记专家密钥指纹（抄自专家签字的确认单）/ Register an expert's key fingerprint (from their signed confirmation)
    Register {
        #[command(flatten)]
        review: ReviewArg,
        /// 专家编号 / Expert number
        id: i64,
        /// 指纹，如 DD74-02B0-A422-1589-F3EA / Fingerprint, e.g. DD74-02B0-A422-1589-F3EA
        #[arg(long)]
        fingerprint: String,
    },
    /// 注销专家的登记密钥（电脑丢失、忘记 PIN）/ Revoke an expert's registered key (lost laptop, forgotten PIN)
    Revoke {
        #[command(flatten)]
        review: ReviewArg,
        /// 专家编号 / Expert number
        id: i64,
        /// 原因 / Reason
        #[arg(long)]
        reason: String,
    },
    /// 列出登记的密钥 / List registered keys
    Keys {
        #[command(flatten)]
        review: ReviewArg,
    },
}

#[derive(Subcommand)]
pub enum CategoryCommand {
    /// 设置类别名额 / Set a category's quota
    Quota {
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
    },
    /// 设置类别的汇总规则 / Set a category's aggregation rule
    Rule {
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
    },
    /// 列出各类别的名额与汇总规则 / List each category's quota and rule
    List {
        #[command(flatten)]
        review: ReviewArg,
    },
}

/// One of a closed set of codes (a serde enum), or a bilingual error naming the choices.
pub(crate) fn parse_choice<T: serde::de::DeserializeOwned>(
    value: &str,
    what_zh: &str,
    what_en: &str,
    choices: &str,
) -> Result<T, Error> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).map_err(|_| {
        Error::BadInput {
            zh: format!("{what_zh}应为 {choices}：{value}"),
            en: format!("the {what_en} is one of {choices}: {value}"),
        }
    })
}

pub fn roster(workspace: &Workspace, command: RosterCommand, json: bool) -> Result<(), Error> {
    match command {
        RosterCommand::List { review } => {
            let path = workspace.resolve(review.review.as_deref())?;
            let conn = store::open(&path)?;
            let experts = store::experts::read_all(&conn)?;
            if json {
                print_json(&experts);
            } else {
                for e in &experts {
                    println!("{:>3}  {}  {}  {}", e.id, e.name, e.institution, e.title);
                }
                println!("共 {} 位专家 / {} experts", experts.len(), experts.len());
            }
        }
        RosterCommand::Add {
            review,
            name,
            institution,
            title,
        } => {
            let path = workspace.resolve(review.review.as_deref())?;
            let expert = roster::add(
                &path,
                &NewExpert {
                    name,
                    institution,
                    title,
                },
                &now(),
                &actor(),
            )?;
            if json {
                print_json(&expert);
            } else {
                println!(
                    "已添加 / Added: {}  {}（{}）",
                    expert.id, expert.name, expert.institution
                );
            }
        }
        RosterCommand::Remove { review, id } => {
            let path = workspace.resolve(review.review.as_deref())?;
            roster::remove(&path, id, &now(), &actor())?;
            if json {
                print_json(&serde_json::json!({ "removed": id }));
            } else {
                println!("已移除 / Removed: {id}");
            }
        }
        RosterCommand::Register {
            review,
            id,
            fingerprint,
        } => {
            let path = workspace.resolve(review.review.as_deref())?;
            let r = registration::register_in(&path, id, &fingerprint, &now(), &actor())?;
            if json {
                print_json(&r);
            } else {
                println!(
                    "已登记 / Registered: {} {}  指纹 fingerprint {}",
                    r.expert_id, r.expert_name, r.fingerprint
                );
            }
        }
        RosterCommand::Revoke { review, id, reason } => {
            let path = workspace.resolve(review.review.as_deref())?;
            let fingerprint = registration::revoke_in(&path, id, &reason, &now(), &actor())?;
            if json {
                print_json(&serde_json::json!({ "expert_id": id, "revoked": fingerprint }));
            } else {
                println!("已注销 / Revoked: {id}  指纹 fingerprint {fingerprint}");
            }
        }
        RosterCommand::Keys { review } => {
            let path = workspace.resolve(review.review.as_deref())?;
            let all = registration::list_in(&path)?;
            if json {
                print_json(&all);
            } else {
                for r in &all {
                    println!(
                        "{:>3}  {}  {}  {}",
                        r.expert_id,
                        r.expert_name,
                        r.fingerprint,
                        match &r.revoked_at {
                            Some(at) => format!(
                                "已注销 revoked {at}：{}",
                                r.revoked_reason.as_deref().unwrap_or_default()
                            ),
                            None => format!(
                                "在用 in force（{} 登记 registered {}）",
                                r.registered_by, r.registered_at
                            ),
                        }
                    );
                }
                println!("共 {} 条登记 / {} registrations", all.len(), all.len());
            }
        }
    }
    Ok(())
}

/// The vote threshold a `category rule` stores: the one given, only for a vote category
/// (on a points or grade category it would do nothing, so it is refused rather than kept
/// silently); when none is given, the one in force stays.
fn threshold_for(
    path: &std::path::Path,
    category: &str,
    given: Option<&str>,
) -> Result<VoteThreshold, Error> {
    let conn = store::open(path)?;
    let c = store::review_rows::read_categories(&conn)?
        .into_iter()
        .find(|c| c.key == category)
        .ok_or_else(|| Error::UnknownCategory {
            key: category.to_string(),
        })?;
    let in_force = category_rules::in_force(&conn, &ResultOptions::default())?
        .remove(category)
        .map_or(ResultOptions::default().vote_threshold, |r| {
            r.vote_threshold
        });
    let Some(given) = given else {
        return Ok(in_force);
    };
    if c.scoring_mode != ScoringMode::Vote {
        let (zh, en) = match c.scoring_mode {
            ScoringMode::Grade => ("评定等级", "by grade"),
            _ => ("按评分细则打分", "by points"),
        };
        return Err(Error::BadInput {
            zh: format!(
                "“{}”（{}）{zh}，不是表决类别：--vote-threshold（表决通过线）只用于表决类别，未作任何修改",
                c.name_zh, c.key
            ),
            en: format!(
                "{} ({}) is scored {en}, not by vote: --vote-threshold applies to vote categories only; nothing was changed",
                c.name_en, c.key
            ),
        });
    }
    parse_choice(
        given,
        "表决通过线",
        "vote threshold",
        "more_than_half、two_thirds",
    )
}

pub fn category(workspace: &Workspace, command: CategoryCommand, json: bool) -> Result<(), Error> {
    match command {
        CategoryCommand::Quota {
            review: r,
            category,
            quota,
            approximate,
        } => {
            let path = workspace.resolve(r.review.as_deref())?;
            review::set_quota(&path, &category, quota, approximate, &now(), &actor())?;
            if json {
                print_json(
                    &serde_json::json!({ "category": category, "quota": quota, "approximate": approximate }),
                );
            } else {
                println!(
                    "已设置 / Set: {category} 名额 / quota {}{quota}",
                    if approximate { "约 / about " } else { "" }
                );
            }
        }
        CategoryCommand::Rule {
            review: r,
            category,
            method,
            trim_min_experts,
            normalise,
            vote_threshold,
            quorum,
            tie_breakers,
        } => {
            let path = workspace.resolve(r.review.as_deref())?;
            let tie_breakers = tie_breakers
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
                .collect::<Result<Vec<_>, _>>()?;
            let method: Method =
                parse_choice(&method, "汇总方法", "method", "mean、trimmed_mean、median")?;
            let vote_threshold = threshold_for(&path, &category, vote_threshold.as_deref())?;
            let rule = CategoryRule {
                method,
                trim_min_experts,
                normalise,
                vote_threshold,
                quorum,
                tie_breakers,
            };
            category_rules::set(&path, &category, &rule, &now(), &actor())?;
            if json {
                print_json(&serde_json::json!({ "category": category, "rule": rule }));
            } else {
                let mode = store::review_rows::read_categories(&store::open(&path)?)?
                    .into_iter()
                    .find(|c| c.key == category)
                    .map_or(ScoringMode::Criteria, |c| c.scoring_mode);
                println!(
                    "已设置“{category}”的汇总规则：{}。\nSet the rule of {category}: {}.",
                    rule.describe_zh(mode),
                    rule.describe_en(mode)
                );
            }
        }
        CategoryCommand::List { review: r } => {
            let path = workspace.resolve(r.review.as_deref())?;
            let conn = store::open(&path)?;
            let categories = store::review_rows::read_categories(&conn)?;
            let rules = category_rules::in_force(&conn, &ResultOptions::default())?;
            let rows: Vec<_> = categories
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "category": c.key,
                        "name_zh": c.name_zh,
                        "quota": c.quota,
                        "approximate": c.quota_approximate,
                        "allowance": c.allowance,
                        "rule": rules.get(&c.key),
                    })
                })
                .collect();
            if json {
                print_json(&rows);
            } else {
                for c in &categories {
                    println!(
                        "{}  {}  名额 quota {}{}  {:?}",
                        c.key,
                        c.name_zh,
                        if c.quota_approximate { "~" } else { "" },
                        c.quota,
                        rules.get(&c.key)
                    );
                }
            }
        }
    }
    Ok(())
}
