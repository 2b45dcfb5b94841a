//! The clerk's merge of the panels' result bundles: `collect` verifies and stores them;
//! `aggregate` holds how marks become one result and `rank` how results become a ranking
//! cut at the quota. Wiring those to the stored marks, the panel's flags and the results
//! workbook is the next step.

pub mod aggregate;
pub mod collect;
pub mod rank;
pub mod results;
pub mod workbook;
