//! The parsing sandbox: untrusted workbooks are read only in a child process that gives up
//! the file system and the network (`child`), fed each workbook's bytes and answering in a
//! small framed format (`wire`), run by a pool that limits and restarts children (`pool`).
//! `reader` is calamine behind that wall; the only way in from outside this folder is
//! `pool::read_isolated` or a `pool::ParserPool`, never the unguarded reader itself
//! (tests/it/architecture.rs holds that). `grid` is the shape a sheet leaves the child in.

pub mod child;
pub mod grid;
pub mod limits;
pub mod pool;
pub mod reader;
pub mod wire;
