//! `paneldesk nomination …`: one nomination shown with its corrections, a field
//! corrected, a nomination withdrawn; each with the reason the audit log keeps.

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::corrections::{self, Correction};
use paneldesk::ops::nomination::{self, NominationRecord};
use paneldesk::privacy::Privacy;
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::ReviewArg;
use crate::cli::out::answer;
use crate::cli::parse;

#[derive(Subcommand)]
pub enum NominationCommand {
    /// 查看一个推荐对象及其更正记录 / Show one nomination with its corrections
    Show {
        #[command(flatten)]
        review: ReviewArg,
        #[arg(long)]
        id: i64,
        /// 显示完整的身份证号和电话 / Show ID and phone numbers in full
        #[arg(long)]
        reveal_personal: bool,
    },
    /// 更正一个栏目（须写明理由）/ Correct one field (a reason is required)
    Edit(EditArgs),
    /// 撤回推荐对象（须写明理由）：不进入评审包和结果 / Withdraw a nomination (a reason is required): left out of packages and results
    Withdraw {
        #[command(flatten)]
        review: ReviewArg,
        #[arg(long)]
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Args)]
pub struct EditArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    id: i64,
    /// 栏目键名，如 name、id_number / The field's key, e.g. name, id_number
    #[arg(long)]
    field: String,
    #[arg(long)]
    value: String,
    #[arg(long, default_value = "")]
    reason: String,
}

pub fn nomination(
    workspace: &Workspace,
    command: NominationCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        NominationCommand::Show {
            review,
            id,
            reveal_personal,
        } => show(workspace, review, id, parse::privacy(reveal_personal), json),
        NominationCommand::Edit(args) => edit(workspace, args, json),
        NominationCommand::Withdraw { review, id, reason } => {
            withdraw(workspace, review, id, reason, json)
        }
    }
}

fn show(
    workspace: &Workspace,
    review: ReviewArg,
    id: i64,
    privacy: Privacy,
    json: bool,
) -> Result<(), Error> {
    let record = nomination::show(&review.path(workspace)?, id, privacy)?;
    answer(json, &record, print_record);
    Ok(())
}

fn print_record(record: &NominationRecord) {
    let (n, corrections) = (&record.nomination, &record.corrections);
    println!("#{} {}  {}", n.id, n.display_name, n.university);
    if let Some(note) = &record.withdrawn {
        println!("已撤回 Withdrawn: {note}");
    }
    for f in &n.fields {
        let mark = if corrections.iter().any(|c| c.field_key == f.key) {
            "  （已更正 corrected）"
        } else {
            ""
        };
        println!("  {}: {}{mark}", f.label_zh, f.value);
    }
    if !corrections.is_empty() {
        println!("更正记录 Corrections:");
        corrections.iter().for_each(print_correction);
    }
}

fn print_correction(c: &Correction) {
    println!(
        "  {}（{}）：{} → {}  理由 reason: {}  [{} {}]",
        c.field_zh, c.field_en, c.old_value, c.new_value, c.reason, c.corrected_at, c.corrected_by
    );
}

fn edit(workspace: &Workspace, args: EditArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let (id, field, value) = (args.id, &args.field, &args.value);
    let c = corrections::edit_field(&path, id, field, value, &args.reason, &now(), &actor())?;
    answer(json, &c, |c| {
        println!("已更正 Corrected #{id}:");
        print_correction(c);
    });
    Ok(())
}

fn withdraw(
    workspace: &Workspace,
    review: ReviewArg,
    id: i64,
    reason: String,
    json: bool,
) -> Result<(), Error> {
    corrections::withdraw(&review.path(workspace)?, id, &reason, &now(), &actor())?;
    answer(json, &serde_json::json!({ "withdrawn": id }), |_| {
        println!("已撤回 Withdrawn #{id}：不进入评审包和结果 / left out of packages and results")
    });
    Ok(())
}
