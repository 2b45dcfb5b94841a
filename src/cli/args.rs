//! The arguments several command groups share, so a review or a panel is named the same
//! way, with the same help, everywhere.

use std::path::PathBuf;

use clap::Args;

use paneldesk::scoring::panel::{self, Panel};
use paneldesk::workspace::Workspace;
use paneldesk::Error;

/// `--review`: every command that works on one review takes it through this.
#[derive(Args, Clone, Default)]
pub struct ReviewArg {
    /// 评审编号（可只写开头几位）或评审文件路径；缺省为最近创建的评审
    /// / Review id (a unique prefix will do) or path to its file; the most recent when omitted
    #[arg(long)]
    pub review: Option<String>,
}

impl ReviewArg {
    pub fn path(&self, workspace: &Workspace) -> Result<PathBuf, Error> {
        workspace.resolve(self.review.as_deref())
    }
}

/// `--panel` on an expert's laptop: a package kept there, not a review of the clerk's.
#[derive(Args, Clone, Default)]
pub struct PanelRef {
    /// 评审包校验值的开头几位；本机只有一个时可省略 / Package hash prefix; optional when this laptop has one panel
    #[arg(long)]
    pub panel: Option<String>,
}

impl PanelRef {
    pub fn open(&self, workspace: &Workspace) -> Result<Panel, Error> {
        let dir = workspace.panels_dir();
        let prefix = match &self.panel {
            Some(p) => p.clone(),
            None => match panel::list(&dir).as_slice() {
                [only] => only.clone(),
                _ => {
                    return Err(Error::ReviewNotFound {
                        reference: "--panel".into(),
                    })
                }
            },
        };
        panel::open(&dir, &prefix)
    }
}
