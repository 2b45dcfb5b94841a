//! The clerk's merge of the panels' result bundles. So far the pure rules: how marks
//! become one result (`aggregate`) and how results become a ranking cut at the quota
//! (`rank`). Collecting bundles into the review file, flags and the results workbook
//! build on them.

pub mod aggregate;
pub mod rank;
