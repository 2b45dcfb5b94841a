//! Turning argument text into the core's values, with bilingual errors that name the
//! choices.

use time::Date;

use paneldesk::Error;

/// One of a closed set of codes (a serde enum), or a bilingual error naming the choices.
pub fn choice<T: serde::de::DeserializeOwned>(
    value: &str,
    what_zh: &str,
    what_en: &str,
    choices: &str,
) -> Result<T, Error> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).map_err(|_| {
        Error::BadInput {
            zh: format!("{what_zh}应为 {choices}：{value}"),
            en: format!("the {what_en} is one of {choices}: {value}"),
        }
    })
}

/// `YYYY-MM-DD`, or today when not given.
pub fn date(given: Option<&str>) -> Result<Date, Error> {
    match given {
        None => Ok(paneldesk::ambient::today()),
        Some(text) => Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| Error::BadInput {
            zh: format!("日期应写作 YYYY-MM-DD：{text}"),
            en: format!("dates are written YYYY-MM-DD: {text}"),
        }),
    }
}

/// Today as `YYYY-MM-DD`, for the fields the core keeps as text.
pub fn today_text() -> String {
    let d = paneldesk::ambient::today();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `--reveal-personal`: ID and phone numbers in full; masked otherwise.
pub fn privacy(reveal_personal: bool) -> paneldesk::privacy::Privacy {
    if reveal_personal {
        paneldesk::privacy::Privacy::Revealed
    } else {
        paneldesk::privacy::Privacy::Masked
    }
}
