//! What to type next, by error code. The core's messages say what went wrong in words
//! the desktop app can show too; naming a command is for people at a terminal, so it
//! is added here, at the edge that has the commands.

/// The hint for an error `code`, in Chinese and English, when the command line has one.
pub fn hint(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "unknown_category" | "nomination_not_found" => (
            "可用 `paneldesk review show` 查看",
            "`paneldesk review show` lists them",
        ),
        "certificate_issuer_missing" => (
            "命令行：paneldesk certificates template --issuer 单位全称",
            "On the command line: paneldesk certificates template --issuer NAME",
        ),
        "no_package_yet" => (
            "用 `paneldesk package` 生成评审包",
            "Build one with `paneldesk package`",
        ),
        "rubric_placeholders" => (
            "命令行：paneldesk rubric set --category 类别代码 --criterion 指标代码 --name-zh 名称",
            "On the command line: paneldesk rubric set --category KEY --criterion KEY --name-zh NAME",
        ),
        "clerk_passphrase_needed" => (
            "设置环境变量 PANELDESK_CLERK_PASSPHRASE，或在终端提示时输入",
            "Set PANELDESK_CLERK_PASSPHRASE, or type it when a terminal asks",
        ),
        "review_not_found" => (
            "请用 `paneldesk review list` 查看已有评审",
            "`paneldesk review list` shows the reviews there are",
        ),
        "no_reviews" => (
            "用 `paneldesk review new` 新建评审，或运行 `paneldesk demo` 创建演示评审",
            "Create one with `paneldesk review new`, or run `paneldesk demo` for a demo review",
        ),
        "flag_not_found" => (
            "请用 `paneldesk review flags` 查看",
            "`paneldesk review flags` lists them",
        ),
        "objection_not_found" => (
            "请用 `paneldesk objection list` 查看",
            "`paneldesk objection list` lists them",
        ),
        "chair_confirmation_required" => (
            "命令行：paneldesk meeting tally --ballot 编号 … --out U盘文件夹，组长 paneldesk meeting sign 文件 --out 文件夹，再 paneldesk meeting confirm --ballot 编号 签名文件",
            "On the command line: paneldesk meeting tally --ballot N … --out DIR; the chair runs paneldesk meeting sign FILE --out DIR; then paneldesk meeting confirm --ballot N SIGNED_FILE",
        ),
        "tally_changed" => (
            "请用 `paneldesk meeting tally` 最近一次写出的计票文件请组长重新签名",
            "Have the chair sign the tally file `paneldesk meeting tally` wrote last",
        ),
        "already_voted" => (
            "已投的票不能更改；如需重新表决，请另开一次会评：paneldesk meeting open … --laptops",
            "A cast vote is not changed; to vote again, open a new ballot: paneldesk meeting open … --laptops",
        ),
        "not_this_paper" => (
            "请投票专家在 `paneldesk meeting paper` 为该表决写出的选票上重新投票",
            "Have the voter vote again on the paper `paneldesk meeting paper` wrote for this ballot",
        ),
        "rubric_locked" => (
            "如确需修改或导入，请加 --unlock 再执行一次，然后重新生成评审包",
            "To edit or import anyway, run it again with --unlock, then build a new package",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::hint;

    #[test]
    fn a_code_without_a_command_to_suggest_has_no_hint() {
        assert_eq!(hint("wrong_passphrase"), None);
        assert!(hint("no_package_yet").is_some_and(
            |(zh, en)| zh.contains("paneldesk package") && en.contains("paneldesk package")
        ));
    }
}
