//! Mutation fuzzing over real files, bounded so it runs with every `cargo test`: genuine
//! bundles, packages, parser answers and workbooks, with bytes flipped, set, inserted,
//! removed or cut off, must come back as a refusal or a value — never a panic. Set
//! `PANELDESK_FUZZ_CASES` for a longer run (the closing notes give the counts run).
//! A crash found becomes a regression case in `REGRESSIONS` below.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;

use paneldesk::{bundle, package};

use super::clerk_keys;
use super::scoring_round::{expert_submits, package_round, Round};

fn cases() -> u32 {
    std::env::var("PANELDESK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// One edit of a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Cut(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::Cut),
    ]
}

fn apply(base: &[u8], edits: &[Mutation]) -> Vec<u8> {
    let mut b = base.to_vec();
    for m in edits {
        if b.is_empty() {
            break;
        }
        let at = |i: usize, b: &Vec<u8>| i % b.len();
        match m {
            Mutation::Flip(i, bit) => {
                let i = at(*i, &b);
                b[i] ^= 1 << bit;
            }
            Mutation::Set(i, v) => {
                let i = at(*i, &b);
                b[i] = *v;
            }
            Mutation::Insert(i, v) => {
                let i = at(*i, &b);
                b.splice(i..i, v.iter().copied());
            }
            Mutation::Remove(i, n) => {
                let i = at(*i, &b);
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            Mutation::Cut(i) => {
                let i = at(*i, &b);
                b.truncate(i);
            }
        }
    }
    b
}

/// One round's genuine files, made once.
struct Seeds {
    round: Round,
    bundle: Vec<u8>,
    package: Vec<u8>,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let round = package_round(0);
        let (_, file) = expert_submits(&round, 0);
        Seeds {
            bundle: std::fs::read(&file).unwrap(),
            package: std::fs::read(&round.package).unwrap(),
            round,
        }
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = seeds().round.root.join("fuzz");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}-{:?}", std::thread::current().id()))
}

/// What a mutated bundle meets on the clerk's laptop: open, decrypt, every item checked.
fn receive_bytes(bytes: &[u8]) {
    let name = Path::new("fuzzed.pdresult");
    let Ok(verified) = bundle::open_bytes(name, bytes) else {
        return;
    };
    let Ok(payload) = bundle::decrypt(name, &verified, &clerk_keys()) else {
        return;
    };
    let package = package::open(&seeds().round.package).unwrap();
    let h = &verified.header;
    let _ = paneldesk::package::items::check(
        &package.manifest,
        h.expert.id,
        h.scored,
        h.recused,
        &payload.items,
    );
}

/// Crashes the fuzzing found, kept as cases (none yet).
const REGRESSIONS: &[&[u8]] = &[];

#[test]
fn regressions_found_by_fuzzing_stay_fixed() {
    for case in REGRESSIONS {
        receive_bytes(case);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_result_bundle_is_refused_or_read_never_a_panic(
        edits in proptest::collection::vec(mutation(), 1..6)
    ) {
        receive_bytes(&apply(&seeds().bundle, &edits));
    }

    #[test]
    fn a_mutated_panel_package_is_refused_or_opened_never_a_panic(
        edits in proptest::collection::vec(mutation(), 1..6)
    ) {
        let path = scratch("package.pdpanel");
        std::fs::write(&path, apply(&seeds().package, &edits)).unwrap();
        let _ = package::open(&path);
    }

    #[test]
    fn mutated_json_inside_a_validly_signed_bundle_never_panics(
        edits in proptest::collection::vec(mutation(), 1..4)
    ) {
        // The bytes that reach serde after the signature checks: a header's JSON.
        let json = br#"{"format":"paneldesk.result-bundle","version":1,"package_hash":"","review_id":"","expert":{"id":1,"name":"a","public_key":""},"sequence":1,"previous_bundle_hash":null,"created_at":"","scored":0,"recused":0,"payload":{"entry":"scores.age","bytes":0,"sha256":"","sealed_to":""}}"#;
        let _ = paneldesk::strict_json::check(&apply(json, &edits));
        let _ = package::parse_manifest::<bundle::BundleHeader>(
            Path::new("x"),
            &apply(json, &edits),
            bundle::FORMAT,
            bundle::VERSION,
        );
    }

    #[test]
    fn mutated_scores_inside_a_genuine_envelope_are_refused_or_counted_never_a_panic(
        edits in proptest::collection::vec(mutation(), 1..6)
    ) {
        // What the clerk's merge reads once the seal opens: the payload JSON, then every
        // item against the package (the check an expert's edited file would meet).
        let plain = apply(payload(), &edits);
        if paneldesk::strict_json::check(&plain).is_ok() {
            if let Ok(p) = serde_json::from_slice::<bundle::Payload>(&plain) {
                let package = package::open(&seeds().round.package).unwrap();
                let scored = p.items.iter().filter(|i| i.recusal.is_none()).count() as u32;
                let _ = paneldesk::package::items::check(
                    &package.manifest,
                    p.expert_id,
                    scored,
                    p.items.len() as u32 - scored,
                    &p.items,
                );
            }
        }
    }

    #[test]
    fn a_mutated_parser_answer_is_refused_or_decoded_never_a_panic(
        edits in proptest::collection::vec(mutation(), 1..6)
    ) {
        let limits = paneldesk::sandbox::reader::Limits::default();
        let _ = paneldesk::sandbox::wire::decode(&apply(parser_answer(), &edits), &limits);
    }

    #[test]
    fn a_mutated_workbook_is_refused_or_passes_preflight_never_a_panic(
        edits in proptest::collection::vec(mutation(), 1..6)
    ) {
        let path = scratch("workbook.xlsx");
        std::fs::write(&path, apply(workbook(), &edits)).unwrap();
        let _ = paneldesk::sandbox::reader::preflight(&path, &Default::default());
    }
}

/// The genuine bundle's decrypted scores.
fn payload() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let name = Path::new("seed.pdresult");
        let verified = bundle::open_bytes(name, &seeds().bundle).unwrap();
        let p = bundle::decrypt(name, &verified, &clerk_keys()).unwrap();
        serde_json::to_vec(&p).unwrap()
    })
}

fn workbook() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/packages/东川理工大学/推荐汇总表.xlsx"),
        )
        .unwrap()
    })
}

/// What the parsing child answers for a real workbook, asked as the pool asks.
fn parser_answer() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        use std::io::Read;
        let mut child = super::parsing_child_asked("xlsx", workbook());
        drop(child.stdin.take());
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        child.wait().unwrap();
        out[8..].to_vec()
    })
}
