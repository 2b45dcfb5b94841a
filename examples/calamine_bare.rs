//! The floor for the import benchmark: calamine parsing every workbook in a folder,
//! in-process, with no checks, no isolation and no storage.
//!
//! cargo run --release --example calamine_bare -- DIR

use calamine::{open_workbook_auto, Data, Reader};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: calamine_bare DIR"))?;
    let start = std::time::Instant::now();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut cells = 0usize;
    for path in entries {
        let mut wb = open_workbook_auto(&path)?;
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name)?;
            cells += range
                .used_cells()
                .filter(|(_, _, v)| !matches!(v, Data::Empty))
                .count();
        }
    }
    println!(
        "calamine read {cells} cells in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
