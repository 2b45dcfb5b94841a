//! An expert's side of the round on their own laptop, as the command line drives it:
//! enrolling by the name on the roster, scoring from lines of `id,what,value`, and where
//! the scoring stands.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::model::marks::{Grade, RecusalReason, RuleError, Vote};
use crate::scoring::panel::{CategoryProgress, Enrolment, Incomplete, Panel, Submission};

/// Enrols the expert named `name` on the package's roster. The PIN is asked for
/// (`pin`) only once the name is known, so a misspelt name costs no typing.
pub fn enrol(
    panel: &mut Panel,
    name: &str,
    pin: impl FnOnce() -> Result<Zeroizing<String>>,
    randomness: ([u8; 32], [u8; 16], [u8; 12]),
    at: &str,
) -> Result<Enrolment> {
    let expert_id = panel
        .package
        .experts
        .iter()
        .find(|e| e.name == name.trim())
        .map(|e| e.id)
        .ok_or(RuleError::UnknownExpert {
            name: name.to_string(),
        })?;
    panel.enrol(expert_id, &pin()?, randomness, at)
}

/// Applies scoring lines (`nomination id, what, value`; `what` is a criterion key or
/// `comment`, `vote`, `grade`, `recuse`) from `text`, read from `source`, in order. Blank
/// lines, `#` comments and a first line starting `nomination` (a header) are skipped.
/// `saved` hears each line once it is on disk; the first bad line stops the rest, and
/// its error names `source` and the line. Answers how many lines were applied.
pub fn score_lines(
    panel: &mut Panel,
    text: &str,
    source: &str,
    at: &str,
    mut saved: impl FnMut(&str),
) -> Result<usize> {
    let mut applied = 0;
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || (i == 0 && line.starts_with("nomination")) {
            continue;
        }
        apply_line(panel, line, at).map_err(|e| Error::BadInput {
            zh: format!("{source} 第 {} 行：{}", i + 1, e.message_zh()),
            en: format!("{source} line {}: {}", i + 1, e.message_en()),
        })?;
        applied += 1;
        saved(line);
    }
    Ok(applied)
}

/// One line: `nomination id, what, value`; the value may itself hold commas.
fn apply_line(panel: &mut Panel, line: &str, at: &str) -> Result<()> {
    let mut parts = line.splitn(3, ',');
    let (Some(id), Some(what), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::BadInput {
            zh: format!("应为“编号,指标,值”：{line}"),
            en: format!("expected \"id,what,value\": {line}"),
        });
    };
    let id: i64 = id.trim().parse().map_err(|_| Error::BadInput {
        zh: format!("推荐对象编号不是数字：{id}"),
        en: format!("the nomination id is not a number: {id}"),
    })?;
    let value = value.trim();
    let parse_code = |v: &str| serde_json::Value::String(v.to_string());
    match what.trim() {
        "comment" => panel.set_comment(id, value, at).map(drop),
        "vote" => {
            let vote: Vote =
                serde_json::from_value(parse_code(value)).map_err(|_| Error::BadInput {
                    zh: format!("投票应为 agree、disagree 或 abstain：{value}"),
                    en: format!("a vote is agree, disagree or abstain: {value}"),
                })?;
            panel.set_vote(id, Some(vote), at).map(drop)
        }
        "grade" => {
            let grade = grade_typed(panel, id, value);
            panel.set_grade(id, Some(grade), at).map(drop)
        }
        "recuse" => {
            let (reason, note) = value.split_once(':').unwrap_or((value, ""));
            let reason: RecusalReason = serde_json::from_value(parse_code(reason.trim()))
                .map_err(|_| Error::BadInput {
                    zh: format!("回避理由应为 relative、teacher_student、same_institution 或 other：{reason}"),
                    en: format!("a recusal reason is relative, teacher_student, same_institution or other: {reason}"),
                })?;
            panel.recuse(id, reason, note, at).map(drop)
        }
        criterion => {
            let points: f64 = value.parse().map_err(|_| Error::BadInput {
                zh: format!("分值不是数字：{value}"),
                en: format!("the points are not a number: {value}"),
            })?;
            panel.set_points(id, criterion, Some(points), at).map(drop)
        }
    }
}

/// The grade `value` names on the list of nomination `id`'s category: its key or either
/// name. Anything else goes on as typed, for `set_grade` to refuse naming the list.
fn grade_typed(panel: &Panel, id: i64, value: &str) -> Grade {
    panel
        .package
        .nomination(id)
        .and_then(|n| panel.package.category(&n.category_key))
        .and_then(|c| c.grades.find_typed(value))
        .map_or_else(|| Grade::from(value), |g| Grade(g.key.clone()))
}

/// Where an expert's scoring stands.
#[derive(Serialize)]
pub struct ScoringStatus {
    pub enrolment: Option<Enrolment>,
    pub progress: Vec<CategoryProgress>,
    pub incomplete: Vec<Incomplete>,
    pub submissions: Vec<Submission>,
}

pub fn status(panel: &Panel) -> Result<ScoringStatus> {
    Ok(ScoringStatus {
        enrolment: panel.enrolment()?,
        progress: panel.progress()?,
        incomplete: panel.incomplete()?,
        submissions: panel.submissions()?,
    })
}
