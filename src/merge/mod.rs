//! The clerk's merge of the panels' result bundles: `collect` verifies and stores them;
//! `aggregate` holds how marks become one result and `rank` how results become a ranking
//! cut at the quota, `rule` each category's stored choice of method; `results` wires them to the stored marks and flags, `decisions`
//! carries the panel's rulings on those flags, `meeting` the panel's second vote (会评) on
//! the nominations around the cut, `tally_file` the show-of-hands tally its chair signs,
//! `ballot_paper` and `ballot_vote` a ballot the experts vote on their own laptops (the
//! paper the clerk signs, the votes their registered keys sign), `signed_json` what the
//! three signed files share, `workbook` writes the results out;
//! `rederive` checks the stored marks against the signed bundles the review keeps.

pub mod aggregate;
pub mod ballot_paper;
pub mod ballot_vote;
pub mod collect;
pub mod decisions;
pub mod meeting;
pub mod rank;
pub mod rederive;
pub mod results;
pub mod round;
mod signed_json;
pub mod tally_file;
