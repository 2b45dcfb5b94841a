//! After the award: the register of awarded units, their mid-term and acceptance reviews,
//! and random spot checks (step 8 of the workflow, the supervisor's work).
//!
//! The register is its own SQLite file in the data folder (`register.pdregister`), not a
//! part of any review: it outlives reviews and years. A mid-term or acceptance review is
//! an ordinary review file whose nominations are units of the register, so it is
//! packaged, scored, bundled and merged like any other; `review::apply` carries its
//! outcome back into the register.
//!
//! - `cycle.rs` — the build cycle: when a unit is due, what an outcome does to its
//!   status (pure).
//! - `register.rs` — the register file: entering a review's awarded units, listing them
//!   with what is due, status changes; every write audited in the register's own log.
//! - `review.rs` — creating a follow-up review from the units due, applying its outcome.
//! - `draw.rs` — the spot-check draw from a recorded seed (pure, re-runnable by anyone).
//! - `spot_check.rs` — drawing from the register, storing and verifying draws.
//! - `exchange.rs` — the register as an xlsx workbook, to carry it to another laptop.

pub mod awarded_units;
pub mod cycle;
pub mod draw;
pub mod exchange;
pub mod review;
pub mod spot_check;

pub use cycle::{Stage, Status, UnitKind, YearMonth};
