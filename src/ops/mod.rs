//! Use cases: one function for each thing a person does, whole. The CLI and the shell
//! call these rather than chaining the core's steps themselves, so both edges do the
//! same thing in the same order. A use case takes the clock and the acting person as
//! parameters; reading them is the edges' job (`ambient`).
//!
//! One module per group of jobs: `review` and `setup` (setting a review up, its roster,
//! quotas and rules, correcting it, settling its flags), `import`, `rubric`, `nomination`,
//! `round` and `scoring` (packages out, the expert's desk, bundles in, the panel's
//! decisions), `paper` (the paper fallback), `meeting` (a show of hands the chair
//! confirms with their key: the tally file written, read and signed on the chair's
//! laptop, confirmed), `ballot` (a 会评 voted on the experts' own laptops: the ballot
//! paper written, read and voted on, the signed votes received and counted), `audit`, `reports`, `certificates` and
//! `certificate_template` (what gets printed), `demo` (the demonstration review and a
//! finished round on it), `publication`, `announcement` and
//! `objections` (the 公示 and its 异议), `follow_up` (after the award) and `clerk_keys`
//! (the clerk's keys at rest). Jobs that are one call into a domain module already whole
//! (`meeting::open`, `rubric::apply`, …) are called there directly and move here when
//! they grow a step.
//! Nothing else in the core uses this layer.

pub mod announcement;
pub mod audit;
pub mod ballot;
pub mod certificate_template;
pub mod certificates;
pub mod clerk_keys;
pub mod demo;
pub mod follow_up;
pub mod import;
pub mod meeting;
pub mod nomination;
pub mod objections;
pub mod paper;
pub mod publication;
pub mod reports;
pub mod review;
pub mod round;
pub mod rubric;
pub mod scoring;
pub mod setup;

use std::path::Path;

use crate::error::{Error, Result};
use crate::report::pdf::Meta;

/// What a use case that writes a file does when one is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it: the person was asked (the app's save dialog asks before it answers).
    Replace,
    /// Refuse, before anything is issued or recorded: nobody was asked (the CLI).
    Refuse,
}

impl Existing {
    /// Refuses `path` when it is taken and nobody agreed to replace it.
    fn check(self, path: &Path) -> Result<()> {
        if self == Existing::Refuse && path.exists() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        Ok(())
    }

    /// Writes `bytes` at `path` atomically, as far as `self` allows; returns their size.
    fn write(self, path: &Path, bytes: &[u8]) -> Result<usize> {
        self.check(path)?;
        crate::container::write_bytes_atomically(path, bytes)?;
        Ok(bytes.len())
    }

    /// Writes the file `make` makes at `path`, as `write` does; a taken `path` nobody
    /// agreed to replace is refused before anything is made.
    fn make(self, path: &Path, make: impl FnOnce() -> Result<Vec<u8>>) -> Result<usize> {
        self.check(path)?;
        self.write(path, &make()?)
    }
}

/// The metadata of a printed document dated `date` (midnight UTC, so the same input
/// prints the same bytes whatever the hour).
fn dated(title: &str, date: time::Date) -> Meta<'_> {
    Meta {
        title,
        subject: "PanelDesk",
        at: date.with_time(time::Time::MIDNIGHT).assume_utc(),
    }
}
