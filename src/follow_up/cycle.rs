//! The build cycle of an awarded unit, as pure rules.
//!
//! Demonstration universities, benchmark departments and studios build for two years
//! from the award: a mid-term review is due twelve months after the build starts and an
//! acceptance review twenty-four months after. A first failed review of either stage
//! means rectification (限期整改) and a re-check of that stage six months after the
//! decision; failing the re-check revokes the award. Branches, students and cases have no
//! build cycle: they stay "awarded" and are supervised by spot checks only.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::activity::Activity;
use crate::error::{Error, Result};

/// Months from the build's start to each review, and from a failed review to its re-check.
pub const MID_TERM_AFTER: u32 = 12;
pub const ACCEPTANCE_AFTER: u32 = 24;
pub const RECHECK_AFTER: u32 = 6;

/// A calendar month, the precision build periods are announced in ("2022-11").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn new(year: i32, month: u8) -> Result<YearMonth> {
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(Error::BadInput {
                zh: format!("年月 {year}-{month} 不在有效范围内（2000—2100 年，1—12 月）"),
                en: format!("year-month {year}-{month} is out of range (2000–2100, months 1–12)"),
            });
        }
        Ok(YearMonth { year, month })
    }

    /// Reads "2022-11", "2022.11", "2022/11", "2022年11月" or a full date (its month).
    pub fn parse(text: &str) -> Result<YearMonth> {
        let bad = || Error::BadInput {
            zh: format!("“{text}”不是年月，应写作 2022-11"),
            en: format!("{text:?} is not a year and month; write it as 2022-11"),
        };
        let digits: Vec<&str> = text
            .trim()
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        let (year, month) = match digits.as_slice() {
            [y, m] | [y, m, _] => (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        YearMonth::new(year, month).map_err(|_| bad())
    }

    pub fn of_date(date: time::Date) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: u8::from(date.month()),
        }
    }

    pub fn plus_months(self, months: u32) -> YearMonth {
        let index = self.year as i64 * 12 + i64::from(self.month) - 1 + i64::from(months);
        YearMonth {
            year: (index / 12) as i32,
            month: (index % 12) as u8 + 1,
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

// As "2022-11" in JSON, the form the UI shows and edits.
impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        YearMonth::parse(&text).map_err(|e| serde::de::Error::custom(e.message_en()))
    }
}

/// What kind of unit an activity awards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    University,
    Department,
    Branch,
    Studio,
    Student,
    Case,
}

impl UnitKind {
    pub fn of(activity: Activity) -> UnitKind {
        match activity {
            Activity::ModelUniversity => UnitKind::University,
            Activity::BenchmarkDepartment => UnitKind::Department,
            Activity::ModelBranch => UnitKind::Branch,
            Activity::DualLeaderStudio => UnitKind::Studio,
            Activity::StudentExemplar => UnitKind::Student,
            Activity::InnovationCase => UnitKind::Case,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            UnitKind::University => "高校",
            UnitKind::Department => "院系",
            UnitKind::Branch => "党支部",
            UnitKind::Studio => "工作室",
            UnitKind::Student => "学生",
            UnitKind::Case => "案例",
        }
    }
}

/// Whether units of this activity build for two years with mid-term and acceptance.
pub fn has_build_cycle(activity: Activity) -> bool {
    matches!(
        activity,
        Activity::ModelUniversity | Activity::BenchmarkDepartment | Activity::DualLeaderStudio
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Awarded, no build cycle (branches, students, cases).
    Awarded,
    /// 培育建设中: inside its build cycle, in good standing.
    Building,
    /// 限期整改: failed a review once; the re-check is due.
    Rectifying,
    /// 验收通过.
    Accepted,
    /// 撤销: failed a re-check, or revoked by the supervisor.
    Revoked,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Awarded,
        Status::Building,
        Status::Rectifying,
        Status::Accepted,
        Status::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Awarded => "awarded",
            Status::Building => "building",
            Status::Rectifying => "rectifying",
            Status::Accepted => "accepted",
            Status::Revoked => "revoked",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Status::Awarded => "已授予",
            Status::Building => "培育建设中",
            Status::Rectifying => "限期整改",
            Status::Accepted => "验收通过",
            Status::Revoked => "已撤销",
        }
    }

    /// Reads a code or a Chinese name (as the exported workbook writes it).
    pub fn parse(text: &str) -> Option<Status> {
        let text = text.trim();
        Status::ALL
            .into_iter()
            .find(|s| s.code() == text || s.name_zh() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    MidTerm,
    Acceptance,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::MidTerm => "mid_term",
            Stage::Acceptance => "acceptance",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        match code.trim() {
            "mid_term" | "mid-term" | "midterm" | "中期考核" => Some(Stage::MidTerm),
            "acceptance" | "验收" => Some(Stage::Acceptance),
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::MidTerm => "中期考核",
            Stage::Acceptance => "验收",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Stage::MidTerm => "mid-term review",
            Stage::Acceptance => "acceptance review",
        }
    }
}

/// A review a unit has been through, as the cycle rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastReview {
    pub stage: Stage,
    pub passed: bool,
    pub recheck: bool,
    pub decided: YearMonth,
}

/// The next review a unit owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Due {
    pub stage: Stage,
    /// The month it falls due.
    pub month: YearMonth,
    /// A re-check after rectification.
    pub recheck: bool,
}

/// The review a unit owes next, from its build start and the reviews it has had (in the
/// order they were decided); `None` when it owes none.
pub fn next_due(
    build_start: Option<YearMonth>,
    status: Status,
    past: &[PastReview],
) -> Option<Due> {
    let start = build_start?;
    if matches!(status, Status::Accepted | Status::Revoked | Status::Awarded) {
        return None;
    }
    let Some(last) = past.last() else {
        return Some(Due {
            stage: Stage::MidTerm,
            month: start.plus_months(MID_TERM_AFTER),
            recheck: false,
        });
    };
    match (last.stage, last.passed, last.recheck) {
        (Stage::MidTerm, true, _) => Some(Due {
            stage: Stage::Acceptance,
            month: start.plus_months(ACCEPTANCE_AFTER),
            recheck: false,
        }),
        (stage, false, false) => Some(Due {
            stage,
            month: last.decided.plus_months(RECHECK_AFTER),
            recheck: true,
        }),
        (Stage::Acceptance, true, _) | (_, false, true) => None,
    }
}

/// A unit's status after a review of `stage` it passed or failed.
pub fn status_after(stage: Stage, passed: bool, recheck: bool) -> Status {
    match (stage, passed, recheck) {
        (Stage::MidTerm, true, _) => Status::Building,
        (Stage::Acceptance, true, _) => Status::Accepted,
        (_, false, false) => Status::Rectifying,
        (_, false, true) => Status::Revoked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u8) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn months_roll_over_the_year() {
        assert_eq!(ym(2022, 11).plus_months(12), ym(2023, 11));
        assert_eq!(ym(2022, 11).plus_months(2), ym(2023, 1));
        assert_eq!(ym(2022, 12).plus_months(24), ym(2024, 12));
        assert_eq!(ym(2023, 7).plus_months(6), ym(2024, 1));
    }

    #[test]
    fn year_months_are_read_as_clerks_write_them() {
        for text in [
            "2022-11",
            "2022.11",
            "2022/11",
            "2022年11月",
            " 2022-11-30 ",
        ] {
            assert_eq!(YearMonth::parse(text).unwrap(), ym(2022, 11), "{text}");
        }
        for bad in ["", "2022", "2022-13", "1999-01", "十一月", "2022-11-30-1"] {
            assert!(YearMonth::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ym(2022, 3).to_string(), "2022-03");
    }

    #[test]
    fn a_unit_passing_both_reviews_is_accepted_after_two_years() {
        let start = Some(ym(2022, 11));
        let due = next_due(start, Status::Building, &[]).unwrap();
        assert_eq!(
            (due.stage, due.month, due.recheck),
            (Stage::MidTerm, ym(2023, 11), false)
        );
        let mid = PastReview {
            stage: Stage::MidTerm,
            passed: true,
            recheck: false,
            decided: ym(2023, 12),
        };
        let due = next_due(start, Status::Building, &[mid]).unwrap();
        assert_eq!((due.stage, due.month), (Stage::Acceptance, ym(2024, 11)));
        let acc = PastReview {
            stage: Stage::Acceptance,
            passed: true,
            recheck: false,
            decided: ym(2024, 11),
        };
        assert_eq!(
            status_after(Stage::Acceptance, true, false),
            Status::Accepted
        );
        assert_eq!(next_due(start, Status::Accepted, &[mid, acc]), None);
    }

    #[test]
    fn a_first_failure_means_rectification_and_a_recheck_a_second_revokes() {
        let start = Some(ym(2022, 11));
        let failed = PastReview {
            stage: Stage::MidTerm,
            passed: false,
            recheck: false,
            decided: ym(2023, 11),
        };
        assert_eq!(
            status_after(Stage::MidTerm, false, false),
            Status::Rectifying
        );
        let due = next_due(start, Status::Rectifying, &[failed]).unwrap();
        assert_eq!(
            (due.stage, due.month, due.recheck),
            (Stage::MidTerm, ym(2024, 5), true)
        );
        // Passing the re-check puts the unit back on course for acceptance.
        let rechecked = PastReview {
            stage: Stage::MidTerm,
            passed: true,
            recheck: true,
            decided: ym(2024, 5),
        };
        let due = next_due(start, Status::Building, &[failed, rechecked]).unwrap();
        assert_eq!(
            (due.stage, due.month, due.recheck),
            (Stage::Acceptance, ym(2024, 11), false)
        );
        // Failing it revokes.
        assert_eq!(status_after(Stage::MidTerm, false, true), Status::Revoked);
        let refailed = PastReview {
            passed: false,
            recheck: true,
            ..rechecked
        };
        assert_eq!(next_due(start, Status::Revoked, &[failed, refailed]), None);
    }

    #[test]
    fn units_without_a_build_cycle_owe_no_review() {
        assert_eq!(next_due(None, Status::Awarded, &[]), None);
        assert!(!has_build_cycle(Activity::StudentExemplar));
        assert!(!has_build_cycle(Activity::ModelBranch));
        assert!(has_build_cycle(Activity::DualLeaderStudio));
    }

    #[test]
    fn statuses_read_back_from_codes_and_chinese_names() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
            assert_eq!(Status::parse(s.name_zh()), Some(s));
        }
        assert_eq!(Status::parse("通过"), None);
    }
}
