//! Nominations: one row each, their fields kept as JSON in template order.

use rusqlite::{params, Connection, Transaction};

use crate::activity::Activity;
use crate::error::{Error, Result};
use crate::model::{FieldValue, Nomination};
use crate::template::{self, FieldSpec};

/// A nomination before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNomination {
    pub category_key: String,
    pub university: String,
    pub display_name: String,
    pub fields: Vec<FieldValue>,
    pub extra_fields: Vec<FieldValue>,
    pub materials: Vec<String>,
    /// The workbook and row it was read from; empty and 0 for generated ones.
    pub source_file: String,
    pub source_row: u32,
    /// Duplicate key (`id:…` or `unit:…`); empty when unknown.
    pub identity: String,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    // to_string, not to_writer and a check: serde_json writes UTF-8, and checking a
    // 20,000-row import's JSON again cost a twentieth of its encoding.
    serde_json::to_string(value).map_err(|e| Error::Corrupt(e.to_string()))
}

/// A field as stored: `[key, value]`. Labels and the personal mark come from the
/// activity's template when read, so a row costs a third of the bytes (two rows a
/// page instead of one) and a folder import writes a third as much. Files written
/// before schema 6 hold whole `FieldValue` objects and still read.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredField {
    Pair(String, String),
    Whole(FieldValue),
}

/// Fields as stored: `[name, value]` pairs, where the name is the template key, or for
/// extra columns the header text. Written by hand rather than through serde_json: its
/// byte-by-byte escaping was a tenth of a folder import's work, and nearly every value
/// has nothing to escape. The output is what serde_json writes for the same pairs.
fn pairs_json(fields: &[FieldValue], name: impl Fn(&FieldValue) -> &str) -> Result<String> {
    let mut out =
        String::with_capacity(64 + fields.iter().map(|f| f.value.len() + 24).sum::<usize>());
    out.push('[');
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(&mut out, name(f))?;
        out.push(',');
        push_json_str(&mut out, &f.value)?;
        out.push(']');
    }
    out.push(']');
    Ok(out)
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it.
fn push_json_str(out: &mut String, s: &str) -> Result<()> {
    // No early exit, so the compiler checks many bytes at a time.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&to_json(&s)?);
    }
    Ok(())
}

fn template_field(specs: &[FieldSpec], key: String, value: String) -> FieldValue {
    match specs.iter().find(|s| s.key == key) {
        Some(spec) => FieldValue {
            key: spec.key.into(),
            label_zh: spec.label_zh.into(),
            label_en: spec.label_en.into(),
            value,
            personal: spec.kind.is_personal(),
        },
        None => extra_field(key, value),
    }
}

fn extra_field(label: String, value: String) -> FieldValue {
    FieldValue {
        key: label.clone().into(),
        label_zh: label.clone().into(),
        label_en: label.into(),
        value,
        personal: false,
    }
}

/// A nomination as its row is written, fields already serialised: a folder import does
/// this on the parsing threads and leaves the one thread that writes only the inserts.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedNomination {
    pub category_key: String,
    pub university: String,
    pub display_name: String,
    fields_json: String,
    extra_fields_json: String,
    materials_json: String,
    pub source_file: String,
    pub source_row: u32,
    pub identity: String,
}

impl NewNomination {
    pub fn encode(self) -> Result<EncodedNomination> {
        Ok(EncodedNomination {
            fields_json: pairs_json(&self.fields, |f| &f.key)?,
            extra_fields_json: pairs_json(&self.extra_fields, |f| &f.label_zh)?,
            materials_json: to_json(&self.materials)?,
            category_key: self.category_key,
            university: self.university,
            display_name: self.display_name,
            source_file: self.source_file,
            source_row: self.source_row,
            identity: self.identity,
        })
    }
}

pub fn insert(tx: &Transaction, n: &NewNomination) -> Result<i64> {
    insert_encoded(tx, &n.clone().encode()?)
}

/// Whether the review holds a nomination with this id (withdrawn ones included).
pub fn exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM nomination WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

pub fn insert_encoded(tx: &Transaction, n: &EncodedNomination) -> Result<i64> {
    // Cached: a folder import inserts thousands of rows through this one statement.
    tx.prepare_cached(
        "INSERT INTO nomination (category_key, university, display_name, fields_json, extra_fields_json, materials_json, source_file, source_row, identity)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        n.category_key,
        n.university,
        n.display_name,
        n.fields_json,
        n.extra_fields_json,
        n.materials_json,
        n.source_file,
        n.source_row,
        n.identity
    ])?;
    Ok(tx.last_insert_rowid())
}

pub fn read_all(conn: &Connection, activity: Activity) -> Result<Vec<Nomination>> {
    Ok(read_numbered(conn, activity, None, None)?
        .into_iter()
        .map(|(_, n)| n)
        .collect())
}

/// Nominations with their place in the review's own order (1 = first), optionally of one
/// category and only `limit` of them from `offset` in that narrower list: the clerk's list
/// reads a page at a time, and "No. 17" is No. 17 whatever the filter.
pub fn read_numbered(
    conn: &Connection,
    activity: Activity,
    category_key: Option<&str>,
    window: Option<(u32, u32)>,
) -> Result<Vec<(u32, Nomination)>> {
    let specs = template::fields(activity);
    let (offset, limit) = window.map_or((0, -1), |(o, l)| (i64::from(o), i64::from(l)));
    let mut stmt = conn.prepare_cached(
        "SELECT id, category_key, university, display_name,
                fields_json, extra_fields_json, materials_json, position
         FROM (SELECT n.*, ROW_NUMBER() OVER (ORDER BY c.position, n.university, n.id) AS position
               FROM nomination n JOIN category c ON c.key = n.category_key)
         WHERE ?1 IS NULL OR category_key = ?1
         ORDER BY position LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![category_key, limit, offset], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, u32>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, category_key, university, display_name, fields, extra, materials, position) = row?;
        let damaged = |what: &str, e: serde_json::Error| {
            Error::Corrupt(format!(
                "nomination {id} {what}: {e} / 推荐对象 {id} 的{what}无法读取"
            ))
        };
        let nomination = Nomination {
            id,
            category_key,
            university,
            display_name,
            fields: serde_json::from_str::<Vec<StoredField>>(&fields)
                .map_err(|e| damaged("fields", e))?
                .into_iter()
                .map(|f| match f {
                    StoredField::Pair(key, value) => template_field(&specs, key, value),
                    StoredField::Whole(f) => f,
                })
                .collect(),
            extra_fields: serde_json::from_str::<Vec<StoredField>>(&extra)
                .map_err(|e| damaged("extra fields", e))?
                .into_iter()
                .map(|f| match f {
                    StoredField::Pair(label, value) => extra_field(label, value),
                    StoredField::Whole(f) => f,
                })
                .collect(),
            materials: serde_json::from_str(&materials).map_err(|e| damaged("materials", e))?,
        };
        out.push((position, nomination));
    }
    Ok(out)
}

/// How many nominations each category holds, by category key.
pub fn count_by_category(conn: &Connection) -> Result<std::collections::BTreeMap<String, u32>> {
    let mut stmt =
        conn.prepare("SELECT category_key, count(*) FROM nomination GROUP BY category_key")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM nomination", [], |r| r.get(0))?)
}

/// A nomination as a re-import sees it: who it is and under which identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub display_name: String,
    pub identity: String,
}

/// Removes a university's nominations in the given categories (a corrected workbook
/// replaces what the earlier one brought); returns what was removed.
pub fn remove_for_university(
    tx: &Transaction,
    university: &str,
    category_keys: &[String],
) -> Result<Vec<Removed>> {
    let mut removed = Vec::new();
    let mut select = tx.prepare_cached(
        "SELECT display_name, identity FROM nomination WHERE university = ?1 AND category_key = ?2 ORDER BY id",
    )?;
    let mut delete =
        tx.prepare_cached("DELETE FROM nomination WHERE university = ?1 AND category_key = ?2")?;
    for key in category_keys {
        let rows = select.query_map(params![university, key], |r| {
            Ok(Removed {
                display_name: r.get(0)?,
                identity: r.get(1)?,
            })
        })?;
        for row in rows {
            removed.push(row?);
        }
        delete.execute(params![university, key])?;
    }
    Ok(removed)
}

/// Rewrites a nomination's fields after a correction (`corrections::edit_field`), with
/// the display name and duplicate key they imply.
pub fn update_fields(
    tx: &Transaction,
    id: i64,
    fields: &[FieldValue],
    display_name: &str,
    identity: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE nomination SET fields_json = ?2, display_name = ?3, identity = ?4 WHERE id = ?1",
        params![id, pairs_json(fields, |f| &f.key)?, display_name, identity],
    )?;
    Ok(())
}

/// Every stored identity with its nomination's university, oldest first.
pub fn identities(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare("SELECT identity, university FROM nomination WHERE identity <> '' ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_written_exactly_as_serde_json_writes_them() {
        let values = [
            "",
            "张三",
            "组织志愿服务 200 余小时。",
            "say \"hi\"",
            "C:\\材料\\推荐表.pdf",
            "line\nbreak\ttab\r",
            "\u{1}\u{1f}\u{7f}",
            "emoji 🎓 and ＡＢＣ",
            // Escapes in the middle of longer values.
            "0123456789abcdefghijklmnopqrstu\"vwxyz0123456789",
            "a\u{1}bcdefghijklmnopqrstuvwxyz0123456789",
            "组织志愿服务 200 余小时。组织志愿服务 200 余小时。\\",
        ];
        let fields: Vec<FieldValue> = values
            .iter()
            .enumerate()
            .map(|(i, v)| extra_field(format!("列{i}\"\\"), v.to_string()))
            .collect();
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|f| (f.key.as_ref(), f.value.as_str()))
            .collect();
        let ours = pairs_json(&fields, |f| &f.key).unwrap();
        assert_eq!(ours, serde_json::to_string(&pairs).unwrap());
        assert_eq!(pairs_json(&[], |f| &f.key).unwrap(), "[]");
    }
}
