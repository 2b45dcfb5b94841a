//! What PanelDesk writes into a spreadsheet cell from text someone else typed: a name, a
//! comment, a reason. Spreadsheet programs run a cell that starts with `=`, `+`, `-` or
//! `@`, so such text is prefixed with an apostrophe and shows as typed.

/// Text as it goes into a cell: inert whatever it starts with.
pub fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_that_looks_like_a_formula_stays_inert() {
        assert_eq!(super::inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::inert("+86 138"), "'+86 138");
        assert_eq!(super::inert("-1"), "'-1");
        assert_eq!(super::inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::inert("江北师范大学"), "江北师范大学");
    }
}
