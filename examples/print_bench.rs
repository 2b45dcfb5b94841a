//! Printing benchmark: 200 certificates (Noto Serif CJK SC, and WenQuanYi Micro Hei for
//! the side-by-side with reportlab, which cannot embed CFF fonts such as Noto CJK) and a
//! 3,000-row results summary. Prints one JSON line per measurement.
//!
//! cargo run --release --example print_bench -- OUT_DIR

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::{CategoryResult, NominationResult, ResultOptions, ReviewResults};
use paneldesk::model::{Category, Rubric, ScoringMode};
use paneldesk::package::PackagedReview;
use paneldesk::report::certificate::{self, Award, CertificateTemplate};
use paneldesk::report::documents;
use paneldesk::report::font::{self, Face, Style};
use paneldesk::report::pdf::Meta;
use paneldesk::report::record::{ExpertLine, Record};
use time::macros::{date, datetime};

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "欧阳", "司马", "陈", "刘", "黄", "周",
];
const GIVEN: &[&str] = &[
    "喆", "珺", "赟", "鋆", "彧", "翀", "子涵", "一诺", "浩然", "思远",
];
const UNIVERSITIES: &[&str] = &[
    "江北师范大学",
    "南山理工大学",
    "中国人民解放军某某工程大学马克思主义学院",
    "东海大学",
    "西岭农业大学",
];

fn awards(n: usize) -> Vec<Award> {
    (0..n)
        .map(|i| Award {
            serial: format!("PD2026-01-{:03}", i + 1),
            code: format!("{:05}-{:05}", i * 7919 % 100000, i * 104729 % 100000),
            name: format!(
                "{}{}",
                SURNAMES[i % SURNAMES.len()],
                GIVEN[(i / 3) % GIVEN.len()]
            ),
            university: UNIVERSITIES[i % UNIVERSITIES.len()].into(),
            category: "全国高校大学生党员标兵".into(),
            year: 2026,
            review_title: "2026年度高校党建工作评审".into(),
            qr: String::new(),
        })
        .collect()
}

fn measure(label: &str, out: &std::path::Path, run: impl Fn() -> Vec<u8>) {
    let _ = run(); // warm: font parse and width caches
    let mut best = f64::MAX;
    let mut size = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let bytes = run();
        best = best.min(t.elapsed().as_secs_f64());
        size = bytes.len();
        std::fs::write(out, &bytes).unwrap();
    }
    println!(
        "{{\"what\":\"{label}\",\"seconds\":{best:.3},\"bytes\":{size},\"file\":\"{}\"}}",
        out.display()
    );
}

fn record(rows: usize) -> Record {
    let experts: Vec<ExpertLine> = (1..=9)
        .map(|i| ExpertLine {
            number: i,
            id: i as i64,
            name: format!("专家{i}"),
            institution: "某大学".into(),
            title: "教授".into(),
            fingerprint: None,
            bundle_hash: None,
            sequence: None,
        })
        .collect();
    let nominations = (0..rows)
        .map(|i| NominationResult {
            nomination_id: i as i64,
            display_name: format!("{}{}", SURNAMES[i % 10], GIVEN[(i / 7) % 10]),
            university: UNIVERSITIES[i % UNIVERSITIES.len()].into(),
            experts: 9,
            recused: 0,
            score: Some(95.0 - i as f64 * 0.01),
            criterion_means: BTreeMap::new(),
            votes: None,
            grade: None,
            applied: None,
            rank: i as u32 + 1,
            cut: if i < 100 { Cut::In } else { Cut::Out },
            flags: Vec::new(),
            totals: (1..=9).map(|e| (e, 90.0 - (i % 13) as f64 * 0.5)).collect(),
            decision: None,
            proxy_marks: 0,
        })
        .collect();
    Record {
        review: PackagedReview {
            id: "bench".into(),
            activity: "student_exemplar".into(),
            year: 2026,
            title_zh: "2026年度高校党建工作".into(),
            title_en: "Bench".into(),
        },
        package_hash: "0".repeat(64),
        clerk_key: String::new(),
        categories: vec![Category {
            key: "c".into(),
            name_zh: "大学生党员标兵".into(),
            name_en: "Exemplars".into(),
            quota: 100,
            quota_approximate: false,
            allowance: None,
            scoring_mode: ScoringMode::Criteria,
            rubric: Rubric { criteria: vec![] },
            grades: Default::default(),
        }],
        experts,
        results: ReviewResults {
            options: ResultOptions::default(),
            categories: vec![CategoryResult {
                key: "c".into(),
                name_zh: "大学生党员标兵".into(),
                name_en: "Exemplars".into(),
                quota: 100,
                quota_approximate: false,
                scoring_mode: ScoringMode::Criteria,
                rule: paneldesk::model::rule::CategoryRule::from_options(&ResultOptions::default()),
                grades: Default::default(),
                nominations,
            }],
            outlier_experts: vec![],
            unpackaged: vec![],
        },
        marks: BTreeMap::new(),
        publication: Default::default(),
        corrections: Default::default(),
        assigned: (1..=9).map(|e| (e, (0..rows as i64).collect())).collect(),
        anchor: None,
    }
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or("target/bench".into()));
    std::fs::create_dir_all(&dir).unwrap();
    let batch = awards(200);
    let template = CertificateTemplate {
        issuer: "中共某省委教育工作委员会".into(),
        ..CertificateTemplate::default()
    };
    let meta = Meta {
        title: "证书",
        subject: "bench",
        at: datetime!(2026-11-30 0:00 UTC),
    };
    let day = date!(2026 - 11 - 30);
    let t = Instant::now();
    let serif = font::face(Style::Serif).unwrap();
    let serif_bold = font::face(Style::SerifBold).unwrap();
    println!(
        "{{\"what\":\"load Noto Serif CJK regular+bold\",\"seconds\":{:.3}}}",
        t.elapsed().as_secs_f64()
    );
    measure(
        "200 certificates, Noto Serif CJK SC",
        &dir.join("certificates-noto.pdf"),
        || {
            certificate::render_in(
                &template,
                &batch,
                day,
                &meta,
                serif.clone(),
                serif_bold.clone(),
            )
            .unwrap()
        },
    );
    measure(
        "200 certificates, Noto Serif CJK SC regular only",
        &dir.join("certificates-noto-regular.pdf"),
        || {
            certificate::render_in(&template, &batch, day, &meta, serif.clone(), serif.clone())
                .unwrap()
        },
    );
    let wqy = Arc::new(
        Face::load(
            std::path::Path::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
            0,
        )
        .unwrap(),
    );
    let usable: Vec<Award> = batch
        .iter()
        .filter(|a| wqy.missing(&a.name).is_empty())
        .cloned()
        .collect();
    println!(
        "{{\"what\":\"names printable in WenQuanYi\",\"count\":{}}}",
        usable.len()
    );
    let wqy_batch: Vec<Award> = usable.iter().cycle().take(200).cloned().collect();
    std::fs::write(
        dir.join("awards.json"),
        serde_json::to_string(&wqy_batch).unwrap(),
    )
    .unwrap();
    measure(
        "200 certificates, WenQuanYi Micro Hei",
        &dir.join("certificates-wqy.pdf"),
        || {
            certificate::render_in(&template, &wqy_batch, day, &meta, wqy.clone(), wqy.clone())
                .unwrap()
        },
    );
    let big = record(3000);
    measure(
        "3000-row results summary, Noto Sans CJK SC",
        &dir.join("summary-3000.pdf"),
        || documents::summary(&big, &meta).unwrap(),
    );
}
