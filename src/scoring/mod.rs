//! The expert's side of a review round: the panel store on the expert's laptop (`panel`).
//! The rules entries are held to live in `model::marks`, the check of a bundle's items
//! against its package in `package::items`.

pub mod panel;
