//! The order offices list names in: by pinyin. The collation is ICU4X's `icu_collator`
//! with the `zh` locale (CLDR's pinyin order, data compiled into the binary), which reads
//! each character by its most common reading. Names are where that reading is often wrong,
//! so before collating a few readings are corrected by substituting a character that
//! has the intended reading:
//!
//! - place names inside any name: 重庆 chóng, 长沙/长春/长江/长安/长治/长城/长白/长汀/长兴/长乐/长泰/长宁/长阳/长寿 cháng,
//!   蚌埠 bèng, 六安 lù, 丽水 lí, 台州 tāi, 番禺 pān;
//! - a person's surname (the first characters of a person's name only): 曾 zēng, 单 shàn,
//!   解 xiè, 仇 qiú, 区 ōu, 乐 yuè, 朴 piáo, 查 zhā, 盖 gě, 覃 qín, 尉迟 yùchí, 万俟 mòqí;
//! - characters CLDR does not place (they would sort after every other name): 𠮷 as 吉.
//!
//! Equal keys fall back to the names as written, then to code points, so the order is total
//! and the same on every laptop.

use std::cmp::Ordering;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};

/// Place names whose first character CLDR reads otherwise, with a stand-in read as wanted.
const PLACE_READINGS: &[(&str, &str)] = &[
    ("重庆", "崇庆"),
    ("长沙", "常沙"),
    ("长春", "常春"),
    ("长江", "常江"),
    ("长安", "常安"),
    ("长治", "常治"),
    ("长城", "常城"),
    ("长白", "常白"),
    ("长汀", "常汀"),
    ("长兴", "常兴"),
    ("长乐", "常乐"),
    ("长泰", "常泰"),
    ("长宁", "常宁"),
    ("长阳", "常阳"),
    ("长寿", "常寿"),
    ("蚌埠", "蹦埠"),
    ("六安", "路安"),
    ("丽水", "离水"),
    ("台州", "胎州"),
    ("番禺", "潘禺"),
];

/// Surnames read otherwise than the character's common reading (compound ones first).
const SURNAME_READINGS: &[(&str, &str)] = &[
    ("尉迟", "玉迟"),
    ("万俟", "莫其"),
    ("曾", "增"),
    ("单", "善"),
    ("解", "谢"),
    ("仇", "求"),
    ("区", "欧"),
    ("乐", "月"),
    ("朴", "瓢"),
    ("查", "渣"),
    ("盖", "舸"),
    ("覃", "秦"),
];

/// Characters outside CLDR's pinyin table that names do use.
const RARE_READINGS: &[(&str, &str)] = &[("𠮷", "吉")];

/// Whether the names being ordered are people's (their first characters are a surname)
/// or units' and works'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Person,
    Unit,
}

pub struct PinyinOrder {
    collator: CollatorBorrowed<'static>,
}

impl Default for PinyinOrder {
    fn default() -> Self {
        PinyinOrder::new()
    }
}

impl PinyinOrder {
    pub fn new() -> PinyinOrder {
        let locale = icu_locale_core::locale!("zh");
        // The zh data is compiled in; failing here would mean a broken build.
        let collator = Collator::try_new(locale.into(), CollatorOptions::default())
            .expect("compiled-in zh collation data");
        PinyinOrder { collator }
    }

    /// The text as it is to be read for ordering.
    pub fn reading_key(text: &str, kind: NameKind) -> String {
        let mut key = text.trim().to_string();
        if kind == NameKind::Person {
            if let Some((surname, stand_in)) =
                SURNAME_READINGS.iter().find(|(s, _)| key.starts_with(s))
            {
                key = format!("{stand_in}{}", &key[surname.len()..]);
            }
        }
        for (written, read) in PLACE_READINGS.iter().chain(RARE_READINGS) {
            if key.contains(written) {
                key = key.replace(written, read);
            }
        }
        key
    }

    pub fn compare(&self, a: &str, b: &str, kind: NameKind) -> Ordering {
        let (ka, kb) = (
            PinyinOrder::reading_key(a, kind),
            PinyinOrder::reading_key(b, kind),
        );
        self.collator
            .compare(&ka, &kb)
            .then_with(|| self.collator.compare(a, b))
            .then_with(|| a.cmp(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str], kind: NameKind) -> Vec<String> {
        let order = PinyinOrder::new();
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| order.compare(a, b, kind));
        v
    }

    #[test]
    fn places_are_read_as_their_people_say_them() {
        // 长沙 cháng before 郑州 zhèng and 张家口 zhāng; 重庆 chóng before 大连 dà.
        assert_eq!(
            sorted(
                &[
                    "郑州大学",
                    "长沙理工大学",
                    "大连理工大学",
                    "重庆大学",
                    "张家口学院"
                ],
                NameKind::Unit
            ),
            [
                "长沙理工大学",
                "重庆大学",
                "大连理工大学",
                "张家口学院",
                "郑州大学"
            ]
        );
    }

    #[test]
    fn surnames_are_read_as_surnames_and_rare_characters_find_their_place() {
        // 曾 zēng (not céng) just before 张 zhāng; 单 shàn (not dān) before 沈 shěn; 䶮 yǎn
        // before 杨 yáng; 𠮷 jí among the j's, not after everyone.
        assert_eq!(
            sorted(
                &[
                    "张伟", "曾晓", "沈一", "单田", "叶子", "䶮明", "杨帆", "𠮷野", "何静"
                ],
                NameKind::Person
            ),
            [
                "何静", "𠮷野", "单田", "沈一", "䶮明", "杨帆", "叶子", "曾晓", "张伟"
            ]
        );
        // In a unit's name 曾 keeps its common reading céng.
        assert_eq!(
            PinyinOrder::reading_key("曾家岩支部", NameKind::Unit),
            "曾家岩支部"
        );
    }
}
