//! Which key speaks for which expert in a review. The package goes to every laptop in
//! the room, so anyone holding it could enrol under another expert's name: a key counts
//! only once the clerk has registered its fingerprint for that expert, read from the
//! expert's signed paper confirmation in the meeting room (docs/guide: 登记密钥). One
//! registration per expert is in force; a lost laptop or a forgotten PIN is a revocation
//! and a new registration, both audited. Registrations belong to the review, not to a
//! package, so rebuilding the package keeps them; and a key serves one expert only.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::audit;
use crate::error::{Error, Result};
use crate::refusal::Refusal;

/// A fingerprint as typed from paper: 20 hex digits in any case, with or without dashes
/// or spaces, written back in the one form PanelDesk prints (`DD74-02B0-A422-1589-F3EA`).
pub fn parse_fingerprint(typed: &str) -> Result<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | '－'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if digits.len() != 20 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::BadInput {
            zh: format!(
                "“{typed}”不是有效的密钥指纹：应为 20 位十六进制字符，如 DD74-02B0-A422-1589-F3EA"
            ),
            en: format!(
                "“{typed}” is not a key fingerprint: 20 hex digits, e.g. DD74-02B0-A422-1589-F3EA"
            ),
        });
    }
    Ok(digits
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-"))
}

/// One registration, in force or revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Registration {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub expert_name: String,
    pub fingerprint: String,
    pub registered_at: String,
    pub registered_by: String,
    /// `typed` (from the paper confirmation) or `first_seen` (carried over from a file
    /// written before registration existed).
    pub how: String,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

fn expert_name(conn: &Connection, expert_id: i64) -> Result<String> {
    conn.query_row("SELECT name FROM expert WHERE id = ?1", [expert_id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::BadInput {
        zh: format!("专家名单中没有编号为 {expert_id} 的专家"),
        en: format!("No expert with id {expert_id} on the roster"),
    })
}

/// Registers `fingerprint` (as typed) for `expert_id`. Refused while another key is in
/// force for the expert (revoke it first), or when the key was ever registered before.
pub fn register(
    tx: &Transaction,
    expert_id: i64,
    fingerprint: &str,
    at: &str,
    actor: &str,
) -> Result<Registration> {
    let fingerprint = parse_fingerprint(fingerprint)?;
    let name = expert_name(tx, expert_id)?;
    if let Some(current) = in_force(tx, expert_id)? {
        return Err(Error::BadInput {
            zh: format!("专家“{name}”已登记密钥 {current}：如需更换，请先注销旧密钥（写明原因）"),
            en: format!(
                "Expert {name} already has key {current} registered: revoke it first, with a reason"
            ),
        });
    }
    let earlier: Option<String> = tx
        .query_row(
            "SELECT e.name FROM expert_registration r JOIN expert e ON e.id = r.expert_id WHERE r.fingerprint = ?1",
            [&fingerprint],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(holder) = earlier {
        return Err(Error::BadInput {
            zh: format!("密钥 {fingerprint} 已登记过（专家“{holder}”）：一把密钥只能登记一次、只代表一位专家"),
            en: format!("Key {fingerprint} was registered before (for {holder}): a key is registered once, for one expert"),
        });
    }
    tx.execute(
        "INSERT INTO expert_registration (expert_id, fingerprint, how, registered_at, registered_by) VALUES (?1, ?2, 'typed', ?3, ?4)",
        params![expert_id, fingerprint, at, actor],
    )?;
    audit::append(
        tx,
        at,
        actor,
        "expert.key_registered",
        &serde_json::json!({ "expert_id": expert_id, "expert": name, "fingerprint": fingerprint }),
    )?;
    Ok(Registration {
        expert_id,
        expert_name: name,
        fingerprint,
        registered_at: at.into(),
        registered_by: actor.into(),
        how: "typed".into(),
        revoked_at: None,
        revoked_reason: None,
    })
}

/// Revokes the key in force for `expert_id`: bundles it signed and the clerk already
/// received keep counting; nothing it signs from now on does.
pub fn revoke(
    tx: &Transaction,
    expert_id: i64,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::NoteRequired);
    }
    let name = expert_name(tx, expert_id)?;
    let Some(fingerprint) = in_force(tx, expert_id)? else {
        return Err(Error::BadInput {
            zh: format!("专家“{name}”没有在用的登记密钥"),
            en: format!("Expert {name} has no registered key in force"),
        });
    };
    tx.execute(
        "UPDATE expert_registration SET revoked_at = ?2, revoked_by = ?3, revoked_reason = ?4 WHERE expert_id = ?1 AND revoked_at IS NULL",
        params![expert_id, at, actor, reason],
    )?;
    audit::append(
        tx,
        at,
        actor,
        "expert.key_revoked",
        &serde_json::json!({ "expert_id": expert_id, "expert": name, "fingerprint": fingerprint, "reason": reason }),
    )?;
    Ok(fingerprint)
}

fn in_force(conn: &Connection, expert_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT fingerprint FROM expert_registration WHERE expert_id = ?1 AND revoked_at IS NULL",
            [expert_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every registration of the review, the expert's roster order, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<Registration>> {
    let mut stmt = conn.prepare(
        "SELECT r.expert_id, e.name, r.fingerprint, r.registered_at, r.registered_by, r.how, r.revoked_at, r.revoked_reason
         FROM expert_registration r JOIN expert e ON e.id = r.expert_id ORDER BY r.expert_id, r.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Registration {
            expert_id: r.get(0)?,
            expert_name: r.get(1)?,
            fingerprint: r.get(2)?,
            registered_at: r.get(3)?,
            registered_by: r.get(4)?,
            how: r.get(5)?,
            revoked_at: r.get(6)?,
            revoked_reason: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether `fingerprint` may sign for expert `expert_id` (named `name` in messages):
/// refused unless it is the key registered for them and not revoked.
pub fn check(
    conn: &Connection,
    file: &std::path::Path,
    expert_id: i64,
    name: &str,
    fingerprint: &str,
) -> Result<()> {
    let found: Option<(i64, Option<String>)> = conn
        .query_row(
            "SELECT expert_id, revoked_at FROM expert_registration WHERE fingerprint = ?1",
            [fingerprint],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let refusal = |revoked: bool| {
        let (expert, fingerprint) = (name.to_string(), fingerprint.to_string());
        if revoked {
            Refusal::KeyRevoked {
                expert,
                fingerprint,
            }
        } else {
            Refusal::KeyNotRegistered {
                expert,
                fingerprint,
            }
        }
    };
    let refused = |revoked| Error::Refused {
        path: file.to_path_buf(),
        refusal: refusal(revoked),
    };
    match found {
        Some((holder, None)) if holder == expert_id => Ok(()),
        Some((holder, Some(_))) if holder == expert_id => Err(refused(true)),
        _ => Err(refused(false)),
    }
}

fn in_one_transaction<T>(
    path: &std::path::Path,
    work: impl FnOnce(&Transaction) -> Result<T>,
) -> Result<T> {
    let mut conn = crate::store::open(path)?;
    let tx = conn.transaction()?;
    let out = work(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// `register` on the review file at `path`, in one transaction.
pub fn register_in(
    path: &std::path::Path,
    expert_id: i64,
    fingerprint: &str,
    at: &str,
    actor: &str,
) -> Result<Registration> {
    in_one_transaction(path, |tx| register(tx, expert_id, fingerprint, at, actor))
}

/// `revoke` on the review file at `path`, in one transaction.
pub fn revoke_in(
    path: &std::path::Path,
    expert_id: i64,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<String> {
    in_one_transaction(path, |tx| revoke(tx, expert_id, reason, at, actor))
}

/// `list` of the review file at `path`.
pub fn list_in(path: &std::path::Path) -> Result<Vec<Registration>> {
    list(&crate::store::open(path)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_read_as_people_type_them() {
        let want = "DD74-02B0-A422-1589-F3EA";
        for typed in [
            "DD74-02B0-A422-1589-F3EA",
            "dd74 02b0 a422 1589 f3ea",
            "DD7402B0A4221589F3EA",
            "dd74－02b0－a422－1589－f3ea",
        ] {
            assert_eq!(super::parse_fingerprint(typed).unwrap(), want, "{typed}");
        }
        for bad in ["DD74-02B0-A422-1589", "DD74-02B0-A422-1589-F3EG", ""] {
            assert!(super::parse_fingerprint(bad).is_err(), "{bad}");
        }
    }
}
