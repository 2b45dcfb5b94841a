//! `paneldesk audit …`: the review's audit log listed, and the review checked against
//! its own evidence (also `results verify`).

use clap::{Args, Subcommand};

use paneldesk::merge::rederive::{BallotCheck, CountedFrom};
use paneldesk::ops::audit::{self, AuditCheck};
use paneldesk::workspace::Workspace;
use paneldesk::{store, Error};

use crate::cli::args::ReviewArg;
use crate::cli::out::answer;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// 列出审计日志 / List the audit log
    Show(ReviewArg),
    /// 校验审计日志的哈希链，并由保存的专家签名结果与组长签名计票文件重新推导全部评分与会评计票
    /// / Verify the audit log's hash chain and re-derive every mark and 会评 count from the kept signed bundles and tallies
    Verify(AuditVerifyArgs),
}

#[derive(Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 打印件上的审计锚点（序号:哈希）/ The audit anchor printed on a document (seq:hash)
    #[arg(long)]
    anchor: Option<String>,
}

pub fn audit(workspace: &Workspace, command: AuditCommand, json: bool) -> Result<(), Error> {
    match command {
        AuditCommand::Show(review) => show(workspace, review, json),
        AuditCommand::Verify(args) => verify(workspace, &args.review, args.anchor, json),
    }
}

fn show(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let entries = paneldesk::audit::entries(&store::open(&review.path(workspace)?)?)?;
    answer(json, &entries, |entries| {
        for e in entries {
            println!(
                "{:>5}  {}  {:<10} {:<20} {}",
                e.seq, e.at, e.actor, e.action, e.detail
            );
        }
    });
    Ok(())
}

/// The chain, the printed anchor if one is given, then the marks re-derived from the kept
/// bundles and the 会评 counts from the kept signed tallies; any difference fails the
/// command after every one is printed.
pub fn verify(
    workspace: &Workspace,
    review: &ReviewArg,
    anchor: Option<String>,
    json: bool,
) -> Result<(), Error> {
    let path = review.path(workspace)?;
    let clerk = || clerk_keys_if_here(workspace);
    let check = audit::verify(&path, anchor.as_deref(), clerk)?;
    answer(json, &check, print_check);
    match check.differences() {
        0 => Ok(()),
        count => Err(Error::MarksDiffer { count }),
    }
}

/// Only the clerk's own keys open the sealed scores; a laptop without them (a
/// supervisor's) is not asked for a passphrase.
fn clerk_keys_if_here(workspace: &Workspace) -> Result<Option<paneldesk::keys::ClerkKeys>, Error> {
    if !workspace.clerk_keys_path().exists() {
        return Ok(None);
    }
    crate::cli::round::clerk_keys(workspace).map(Some)
}

fn print_check(check: &AuditCheck) {
    let n = check.entries;
    println!("审计日志完整，共 {n} 条 / Audit log intact: {n} entries");
    if let Some(h) = &check.head {
        println!("当前锚点 / current anchor: {h}");
    }
    if let Some(a) = &check.anchor_checked {
        println!("含打印件上的锚点 / holds the printed anchor {a}");
    }
    match &check.rederived {
        Some(d) => println!(
            "由 {} 份保存的签名结果重新推导 {} 位专家的评分 / re-derived {} experts' marks from {} kept bundles",
            d.bundles, d.marks, d.marks, d.bundles
        ),
        None => println!(
            "本机没有工作人员密钥，未能重新推导评分：请在工作人员的电脑上运行 / no clerk keys on this laptop: marks not re-derived; run this on the clerk's laptop"
        ),
    }
    if let Some(d) = &check.results_digest {
        println!("结果摘要 / results digest: {d}（应与打印件一致 / must equal the printed one）");
    }
    for b in &check.tallies.ballots {
        print_ballot(b);
    }
    for d in check.rederived.iter().flat_map(|d| &d.differences) {
        println!("✗ 专家 expert {}  {}  {}", d.expert_id, d.kind, d.detail);
    }
    for d in &check.tallies.differences {
        println!(
            "✗ 会评表决 ballot {}  {}  {} / {}",
            d.ballot, d.kind, d.detail_zh, d.detail_en
        );
    }
}

/// What checking a counted ballot proved: a typed count is said to be one, so nobody
/// takes it for proved.
fn print_ballot(b: &BallotCheck) {
    let n = b.ballot;
    match (b.counted_from, &b.proved) {
        (CountedFrom::ChairSigned, Some(p)) => println!(
            "会评表决 {n}：计票结果由保存的组长“{}”签名计票文件重新推导一致（密钥指纹 {}）/ ballot {n}: count re-derived from the chair's kept signed tally ({}, key {})",
            p.chair_name, p.fingerprint, p.chair_name, p.fingerprint
        ),
        (CountedFrom::ChairSigned, None) => println!(
            "会评表决 {n}：须由组长签名确认，重新推导不一致（见下）/ ballot {n}: confirmed by its chair, and does not re-derive (below)"
        ),
        (CountedFrom::LaptopVotes, _) => match &b.votes {
            Some(v) => println!(
                "会评表决 {n}：计票结果由保存的 {} 张专家签名选票重新推导一致 / ballot {n}: count re-derived from the {} signed votes kept",
                v.len(),
                v.len()
            ),
            None => println!(
                "会评表决 {n}：由专家电脑签名选票计票，重新推导不一致（见下）/ ballot {n}: counted from the experts' signed votes, and does not re-derive (below)"
            ),
        },
        (CountedFrom::Typed, _) => println!(
            "会评表决 {n}：按录入计票，未经组长电子签名确认，不能重新推导（仅与审计日志核对）/ ballot {n}: counted as typed, not confirmed by the chair's signature: not re-derivable (checked against the audit log only)"
        ),
    }
}
