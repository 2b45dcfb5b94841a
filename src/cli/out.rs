//! Printing: JSON for scripts, sentences for people.

use serde::Serialize;

pub fn print_json(value: &(impl Serialize + ?Sized)) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("输出失败 / could not print: {e}"),
    }
}

/// `value` as JSON with `--json`, else as `human` words it.
pub fn answer<T: Serialize + ?Sized>(json: bool, value: &T, human: impl FnOnce(&T)) {
    if json {
        print_json(value);
    } else {
        human(value);
    }
}

/// As [`answer`], with the JSON on one line: what the printing commands always gave.
pub fn answer_line(json: bool, value: &serde_json::Value, human: impl FnOnce()) {
    if json {
        println!("{value}");
    } else {
        human();
    }
}
