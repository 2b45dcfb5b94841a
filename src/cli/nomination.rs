//! `paneldesk nomination …`: one nomination shown with its corrections, a field
//! corrected, a nomination withdrawn; each with the reason the audit log keeps.

use clap::Subcommand;

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::corrections::{self, Correction};
use paneldesk::privacy::Privacy;
use paneldesk::workspace::Workspace;
use paneldesk::{review, store, Error};

use crate::cli::follow_up::print_json;

#[derive(Subcommand)]
pub enum NominationCommand {
    /// 查看一个推荐对象及其更正记录 / Show one nomination with its corrections
    Show {
        #[arg(long)]
        review: Option<String>,
        #[arg(long)]
        id: i64,
        /// 显示完整的身份证号和电话 / Show ID and phone numbers in full
        #[arg(long)]
        reveal_personal: bool,
    },
    /// 更正一个栏目（须写明理由）/ Correct one field (a reason is required)
    Edit {
        #[arg(long)]
        review: Option<String>,
        #[arg(long)]
        id: i64,
        /// 栏目键名，如 name、id_number / The field's key, e.g. name, id_number
        #[arg(long)]
        field: String,
        #[arg(long)]
        value: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 撤回推荐对象（须写明理由）：不进入评审包和结果 / Withdraw a nomination (a reason is required): left out of packages and results
    Withdraw {
        #[arg(long)]
        review: Option<String>,
        #[arg(long)]
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

fn print_correction(c: &Correction) {
    println!(
        "  {}（{}）：{} → {}  理由 reason: {}  [{} {}]",
        c.field_zh, c.field_en, c.old_value, c.new_value, c.reason, c.corrected_at, c.corrected_by
    );
}

pub fn nomination(
    workspace: &Workspace,
    command: NominationCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        NominationCommand::Show {
            review: which,
            id,
            reveal_personal,
        } => {
            let path = workspace.resolve(which.as_deref())?;
            let privacy = if reveal_personal {
                Privacy::Revealed
            } else {
                Privacy::Masked
            };
            let loaded = review::load(&path, privacy)?;
            let n = loaded
                .nominations
                .into_iter()
                .find(|n| n.id == id)
                .ok_or(Error::NominationNotFound { id })?;
            let conn = store::open(&path)?;
            let corrections = corrections::for_nomination(&conn, id)?;
            let withdrawn = store::flags::read_all(&conn)?
                .into_iter()
                .find(|f| f.nomination_id == id && f.kind == corrections::WITHDRAWN);
            if json {
                print_json(&serde_json::json!({
                    "nomination": n,
                    "corrections": corrections,
                    "withdrawn": withdrawn.as_ref().map(|f| &f.note),
                }));
                return Ok(());
            }
            println!("#{} {}  {}", n.id, n.display_name, n.university);
            if let Some(f) = &withdrawn {
                println!("已撤回 Withdrawn: {}", f.note);
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
        NominationCommand::Edit {
            review: which,
            id,
            field,
            value,
            reason,
        } => {
            let path = workspace.resolve(which.as_deref())?;
            let c = corrections::edit_field(&path, id, &field, &value, &reason, &now(), &actor())?;
            if json {
                print_json(&c);
            } else {
                println!("已更正 Corrected #{id}:");
                print_correction(&c);
            }
        }
        NominationCommand::Withdraw {
            review: which,
            id,
            reason,
        } => {
            let path = workspace.resolve(which.as_deref())?;
            corrections::withdraw(&path, id, &reason, &now(), &actor())?;
            if json {
                print_json(&serde_json::json!({ "withdrawn": id }));
            } else {
                println!(
                    "已撤回 Withdrawn #{id}：不进入评审包和结果 / left out of packages and results"
                );
            }
        }
    }
    Ok(())
}
