//! The 公示 as the office publishes it: the awarding body's wording, the 公示期 during
//! which objections may be lodged, where they go (telephone, address, email), and the
//! 落款 with its date. Stored in the review (one row, replaced as a whole, audited), printed
//! by `report::documents::announcement`, and read by `merge::readiness`: certificates and
//! the register wait until the period has ended.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::activity::Activity;
use crate::error::{Error, Result};
use crate::store;

/// What the body that publishes the list does with it, which is what its title says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    /// 拟认定名单公示: the body recognises units or works as what they applied to be.
    Recognise,
    /// 拟命名名单公示: the body confers a title of honour on people.
    Name,
    /// 拟推荐名单公示: the body only forwards the list to a higher one, which decides.
    Recommend,
}

impl TitleKind {
    pub const ALL: [TitleKind; 3] = [TitleKind::Recognise, TitleKind::Name, TitleKind::Recommend];

    pub fn code(self) -> &'static str {
        match self {
            TitleKind::Recognise => "recognise",
            TitleKind::Name => "name",
            TitleKind::Recommend => "recommend",
        }
    }

    /// The words between the review's title and "公示".
    pub fn list_zh(self) -> &'static str {
        match self {
            TitleKind::Recognise => "拟认定名单",
            TitleKind::Name => "拟命名名单",
            TitleKind::Recommend => "拟推荐名单",
        }
    }

    /// The verb of the body paragraph: "现将拟认定为…的名单予以公示".
    fn verb_zh(self) -> &'static str {
        match self {
            TitleKind::Recognise => "认定",
            TitleKind::Name => "命名",
            TitleKind::Recommend => "推荐",
        }
    }

    pub fn parse(given: &str) -> Result<TitleKind> {
        let wanted = given.trim();
        TitleKind::ALL
            .into_iter()
            .find(|k| {
                k.code() == wanted
                    || k.list_zh() == wanted
                    || k.verb_zh() == wanted
                    || format!("{}公示", k.list_zh()) == wanted
            })
            .ok_or_else(|| Error::BadInput {
                zh: format!("公示标题应为 认定、命名 或 推荐：{given}"),
                en: format!("the title kind is recognise, name or recommend: {given}"),
            })
    }

    /// What the office confers in each activity of the source article: the 三级联创 units,
    /// the studios and the cases are recognised (认定) as what they applied to become; the
    /// 大学生党员标兵 are people given a title (命名). 推荐 is only right when the list goes
    /// on to a higher body, which the clerk chooses.
    pub fn for_activity(activity: Activity) -> TitleKind {
        match activity {
            Activity::StudentExemplar => TitleKind::Name,
            Activity::ModelUniversity
            | Activity::BenchmarkDepartment
            | Activity::ModelBranch
            | Activity::DualLeaderStudio
            | Activity::InnovationCase => TitleKind::Recognise,
        }
    }
}

/// The 公示 as the clerk sets it. Dates are `YYYY-MM-DD`; the period includes both ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AnnouncementSettings {
    pub title_kind: TitleKind,
    pub period_from: String,
    pub period_to: String,
    /// Where objections go; at least one of the three. Printed in full: they are the
    /// office's, not anyone's personal data.
    pub telephone: String,
    pub address: String,
    pub email: String,
    /// The 落款: the office that publishes the list.
    pub issuer: String,
    /// The date under the 落款.
    pub issued_on: String,
}

/// The stored settings with who set them last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredAnnouncement {
    pub settings: AnnouncementSettings,
    pub set_at: String,
    pub set_by: String,
}

/// `YYYY-MM-DD` as a date; `what` names the field in the message.
pub fn parse_day(text: &str, what_zh: &str, what_en: &str) -> Result<Date> {
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| Error::BadInput {
        zh: format!("{what_zh}应写作 YYYY-MM-DD：{text}"),
        en: format!("{what_en} is written YYYY-MM-DD: {text}"),
    })
}

/// "2026年6月1日", as the 落款 and the period are written.
pub fn day_zh(date: Date) -> String {
    format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl AnnouncementSettings {
    /// Trims every field and checks the rules: dates that are dates, a period that ends on
    /// or after its first day, at least one channel, an issuer.
    pub fn checked(mut self) -> Result<AnnouncementSettings> {
        for field in [
            &mut self.period_from,
            &mut self.period_to,
            &mut self.telephone,
            &mut self.address,
            &mut self.email,
            &mut self.issuer,
            &mut self.issued_on,
        ] {
            *field = field.trim().to_string();
        }
        let from = parse_day(
            &self.period_from,
            "公示期开始日期",
            "the first day of the period",
        )?;
        let to = parse_day(
            &self.period_to,
            "公示期结束日期",
            "the last day of the period",
        )?;
        parse_day(&self.issued_on, "落款日期", "the date under the issuer")?;
        if to < from {
            return Err(Error::BadInput {
                zh: format!(
                    "公示期结束日期（{}）早于开始日期（{}）",
                    self.period_to, self.period_from
                ),
                en: format!(
                    "the period ends ({}) before it starts ({})",
                    self.period_to, self.period_from
                ),
            });
        }
        if self.telephone.is_empty() && self.address.is_empty() && self.email.is_empty() {
            return Err(Error::BadInput {
                zh: "至少写明一种受理异议的方式：电话、通信地址或电子邮箱".into(),
                en: "give at least one way to lodge an objection: telephone, address or email"
                    .into(),
            });
        }
        if !self.email.is_empty() && !plausible_email(&self.email) {
            return Err(Error::BadInput {
                zh: format!("电子邮箱格式不对：{}", self.email),
                en: format!("not an email address: {}", self.email),
            });
        }
        if self.issuer.is_empty() {
            return Err(Error::BadInput {
                zh: "请填写落款（发布公示的单位）".into(),
                en: "the issuing office (落款) is required".into(),
            });
        }
        Ok(self)
    }

    pub fn period(&self) -> Result<(Date, Date)> {
        Ok((
            parse_day(
                &self.period_from,
                "公示期开始日期",
                "the first day of the period",
            )?,
            parse_day(
                &self.period_to,
                "公示期结束日期",
                "the last day of the period",
            )?,
        ))
    }

    /// Whether the period is over on `today`: the last day still belongs to it.
    pub fn period_ended(&self, today: Date) -> Result<bool> {
        Ok(today > self.period()?.1)
    }

    /// "2026年6月1日至2026年6月7日".
    pub fn period_zh(&self) -> Result<String> {
        let (from, to) = self.period()?;
        Ok(format!("{}至{}", day_zh(from), day_zh(to)))
    }

    /// The body paragraphs: what is published, the period, how to object and where.
    pub fn body_zh(&self, review_title: &str) -> Result<Vec<String>> {
        let mut out = vec![format!(
            "　　根据{review_title}工作安排，经高校推荐、资格审查和专家评审，现将拟{}名单予以公示。公示期为{}。",
            self.title_kind.verb_zh(),
            self.period_zh()?
        )];
        out.push(
            "　　公示期间，如对公示对象有异议，请以书面形式实名反映，写明本人姓名、工作单位和联系方式，并提供必要的证明材料。以单位名义反映的，应加盖单位公章。逾期或匿名反映的不予受理。"
                .into(),
        );
        let mut channels = Vec::new();
        if !self.telephone.is_empty() {
            channels.push(format!("联系电话：{}", self.telephone));
        }
        if !self.address.is_empty() {
            channels.push(format!("通信地址：{}", self.address));
        }
        if !self.email.is_empty() {
            channels.push(format!("电子邮箱：{}", self.email));
        }
        out.extend(channels.into_iter().map(|c| format!("　　{c}")));
        Ok(out)
    }
}

fn plausible_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Sets the 公示 (replacing what was set), with its audit entry, in one transaction.
pub fn set(
    review_path: &Path,
    settings: AnnouncementSettings,
    at: &str,
    actor: &str,
) -> Result<StoredAnnouncement> {
    let settings = settings.checked()?;
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO announcement_settings (singleton, title_kind, period_from, period_to,
           telephone, address, email, issuer, issued_on, set_at, set_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (singleton) DO UPDATE SET title_kind = excluded.title_kind,
           period_from = excluded.period_from, period_to = excluded.period_to,
           telephone = excluded.telephone, address = excluded.address, email = excluded.email,
           issuer = excluded.issuer, issued_on = excluded.issued_on,
           set_at = excluded.set_at, set_by = excluded.set_by",
        params![
            settings.title_kind.code(),
            settings.period_from,
            settings.period_to,
            settings.telephone,
            settings.address,
            settings.email,
            settings.issuer,
            settings.issued_on,
            at,
            actor
        ],
    )?;
    crate::audit::append(
        &tx,
        at,
        actor,
        "announcement_set",
        &serde_json::to_value(&settings).map_err(|e| Error::Corrupt(e.to_string()))?,
    )?;
    tx.commit()?;
    Ok(StoredAnnouncement {
        settings,
        set_at: at.to_string(),
        set_by: actor.to_string(),
    })
}

/// The stored 公示, if the clerk has set one.
pub fn read(conn: &Connection) -> Result<Option<StoredAnnouncement>> {
    let row = conn
        .query_row(
            "SELECT title_kind, period_from, period_to, telephone, address, email, issuer,
                    issued_on, set_at, set_by
             FROM announcement_settings WHERE singleton = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    AnnouncementSettings {
                        title_kind: TitleKind::Recognise,
                        period_from: r.get(1)?,
                        period_to: r.get(2)?,
                        telephone: r.get(3)?,
                        address: r.get(4)?,
                        email: r.get(5)?,
                        issuer: r.get(6)?,
                        issued_on: r.get(7)?,
                    },
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                ))
            },
        )
        .optional()?;
    let Some((kind, mut settings, set_at, set_by)) = row else {
        return Ok(None);
    };
    settings.title_kind = TitleKind::ALL
        .into_iter()
        .find(|k| k.code() == kind)
        .ok_or_else(|| Error::Corrupt(format!("announcement title kind {kind:?}")))?;
    Ok(Some(StoredAnnouncement {
        settings,
        set_at,
        set_by,
    }))
}

/// What the clerk starts from when nothing is set yet: the wording the activity calls for.
pub fn suggested_title_kind(conn: &Connection) -> Result<TitleKind> {
    let row = store::review_rows::read_review(conn)?;
    Ok(TitleKind::for_activity(row.activity))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AnnouncementSettings {
        AnnouncementSettings {
            title_kind: TitleKind::Name,
            period_from: "2026-06-01".into(),
            period_to: "2026-06-07".into(),
            telephone: "0371-65905123".into(),
            address: String::new(),
            email: String::new(),
            issuer: "中共某省委教育工委".into(),
            issued_on: "2026-05-31".into(),
        }
    }

    #[test]
    fn the_period_ends_after_its_last_day() {
        let s = settings().checked().unwrap();
        let day = |t: &str| parse_day(t, "", "").unwrap();
        assert!(!s.period_ended(day("2026-06-07")).unwrap());
        assert!(s.period_ended(day("2026-06-08")).unwrap());
        assert_eq!(s.period_zh().unwrap(), "2026年6月1日至2026年6月7日");
    }

    #[test]
    fn a_period_backwards_no_channel_or_no_issuer_is_refused() {
        let backwards = AnnouncementSettings {
            period_to: "2026-05-30".into(),
            ..settings()
        };
        assert!(backwards
            .checked()
            .unwrap_err()
            .message_zh()
            .contains("早于"));
        let silent = AnnouncementSettings {
            telephone: " ".into(),
            ..settings()
        };
        assert!(silent.checked().unwrap_err().message_zh().contains("至少"));
        let anonymous = AnnouncementSettings {
            issuer: "".into(),
            ..settings()
        };
        assert!(anonymous
            .checked()
            .unwrap_err()
            .message_zh()
            .contains("落款"));
        let not_a_date = AnnouncementSettings {
            period_from: "6月1日".into(),
            ..settings()
        };
        assert_eq!(not_a_date.checked().unwrap_err().code(), "bad_input");
        let bad_mail = AnnouncementSettings {
            email: "dangban at example".into(),
            ..settings()
        };
        assert!(bad_mail
            .checked()
            .unwrap_err()
            .message_zh()
            .contains("邮箱"));
    }

    #[test]
    fn the_wording_follows_what_the_activity_confers() {
        assert_eq!(
            TitleKind::for_activity(Activity::StudentExemplar),
            TitleKind::Name
        );
        assert_eq!(
            TitleKind::for_activity(Activity::ModelBranch),
            TitleKind::Recognise
        );
        assert_eq!(
            TitleKind::parse("拟推荐名单").unwrap(),
            TitleKind::Recommend
        );
        assert_eq!(TitleKind::parse("name").unwrap(), TitleKind::Name);
    }
}
