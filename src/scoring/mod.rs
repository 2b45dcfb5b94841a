//! The expert's side of a review round: the rules entries are held to (`rules`) and the
//! panel store on the expert's laptop (`panel`).

pub mod items;
pub mod panel;
pub mod rules;
