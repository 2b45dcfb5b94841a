//! Printed output on a whole round: five experts' bundles merged, then the summary,
//! score sheets, announcement and certificates as real PDFs, checked with poppler
//! (`pdftotext`, `pdffonts`, `pdftoppm`) and against reviewed reference renderings.

use std::path::{Path, PathBuf};
use std::process::Command;

use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::ResultOptions;
use paneldesk::report::certificate::{self, Award, CertificateTemplate, Mark};
use paneldesk::report::font::{self, Style};
use paneldesk::report::record::Record;
use paneldesk::report::{documents, layout, serials};
use time::macros::date;

use super::scoring_round::{experts_received, five_experts_received, package_round, Round};
use super::support::{
    assert_says, certificates_issued, clerk_cli, cli_announce_past, cli_print_certificates,
    cli_set_issuer, print_args, test_meta as meta,
};
use super::{announce, clerk_keys, AFTER_PUBLICITY, T0};

/// The record of the round and the winners certificates may go to after the 公示.
fn record_and_winners(round: &Round) -> (Record, Vec<(String, i64)>) {
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let chosen = serials::winners(&record, None, AFTER_PUBLICITY).unwrap();
    (record, chosen)
}

/// Certificates with serials and codes for `chosen`, issued by the clerk's key.
fn issue(round: &Round, record: &Record, chosen: &[(String, i64)]) -> Vec<Award> {
    serials::issue(
        &round.review,
        record,
        chosen,
        &clerk_keys(),
        "PD",
        T0,
        "clerk",
    )
    .unwrap()
}

/// `chosen`'s certificates printed on `template`, dated 2026-12-01.
fn print_batch(
    round: &Round,
    record: &Record,
    chosen: &[(String, i64)],
    template: &CertificateTemplate,
) -> paneldesk::Result<(Vec<Award>, Vec<u8>)> {
    let clerk = clerk_keys();
    let issue = serials::Issue {
        review_path: &round.review,
        record,
        chosen,
        template,
        clerk: &clerk,
        date: date!(2026 - 12 - 01),
        at: T0,
        actor: "clerk",
    };
    serials::print(&issue, &meta("证书"))
}

fn merged_round() -> Round {
    five_experts_received().0
}

/// Five experts' bundles merged, and the 公示 set (2026-12-01 to 2026-12-07): what
/// certificates and the announcement need.
fn announced_round() -> Round {
    let round = merged_round();
    announce(&round.review);
    round
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes a document; with `PANELDESK_KEEP_REPORTS=DIR` a copy is kept there to look at.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join(name), bytes).unwrap();
    }
    path
}

/// The text of a document written with `write`, through `pdftotext`.
fn written_text(dir: &Path, name: &str, bytes: &[u8]) -> String {
    poppler(
        "pdftotext",
        &[write(dir, name, bytes).to_str().unwrap(), "-"],
    )
}

/// `pdffonts`: every font embedded and subset, and only Noto CJK SC faces.
fn assert_fonts_embedded_subset(pdf: &Path) {
    let listing = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts in {}", pdf.display());
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].contains('+'), "not a subset: {row}");
        assert!(cols[0].contains("Noto"), "unexpected font: {row}");
        // name type… emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
    }
}

/// Grey pixels of `page` rendered at `dpi`, through `pdftoppm -gray` (PGM).
fn render_grey(pdf: &Path, page: u32, dpi: u32) -> (usize, usize, Vec<u8>) {
    let out = Command::new("pdftoppm")
        .args([
            "-gray",
            "-r",
            &dpi.to_string(),
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg(pdf)
        .output()
        .expect("pdftoppm");
    assert!(out.status.success());
    parse_pgm(&out.stdout)
}

fn parse_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    // P5\n<w> <h>\n255\n<pixels>
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[at + 1..at + 1 + w * h].to_vec())
}

/// Compares a rendered page with the reviewed reference in `tests/fixtures/reports/`;
/// `PANELDESK_UPDATE_REFERENCES=1` writes the reference instead (then look at it).
fn assert_matches_reference(pdf: &Path, page: u32, name: &str) {
    let (w, h, pixels) = render_grey(pdf, page, 24);
    let reference = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reports")
        .join(format!("{name}.pgm"));
    if std::env::var_os("PANELDESK_UPDATE_REFERENCES").is_some() {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        let mut file = format!("P5\n{w} {h}\n255\n").into_bytes();
        file.extend_from_slice(&pixels);
        std::fs::write(&reference, file).unwrap();
        return;
    }
    let (rw, rh, expected) = parse_pgm(&std::fs::read(&reference).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with PANELDESK_UPDATE_REFERENCES=1 once",
            reference.display()
        )
    }));
    assert_eq!((w, h), (rw, rh), "{name}: page size changed");
    let differing = pixels
        .iter()
        .zip(&expected)
        .filter(|(a, b)| a.abs_diff(**b) > 64)
        .count();
    let share = differing as f64 / pixels.len() as f64;
    assert!(
        share < 0.005,
        "{name}: {:.2}% of pixels differ from the reference",
        share * 100.0
    );
}

#[test]
fn the_panel_gets_a_summary_score_sheets_and_an_announcement_in_embedded_chinese() {
    let round = merged_round();
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let dir = &round.root;

    let summary = documents::summary(&record, &meta("汇总表")).unwrap();
    let summary_pdf = write(dir, "summary.pdf", &summary);
    let text = poppler(
        "pdftotext",
        &["-layout", summary_pdf.to_str().unwrap(), "-"],
    );
    assert!(text.contains("评审结果汇总表"), "{text}");
    assert!(text.contains("评审组组长（签字）"));
    for c in &record.results.categories {
        assert!(text.contains(&c.name_zh), "category {} missing", c.name_zh);
        for n in &c.nominations {
            assert!(text.contains(&n.display_name), "{} missing", n.display_name);
            if let Some(score) = n
                .score
                .filter(|_| c.scoring_mode == paneldesk::model::ScoringMode::Criteria)
            {
                assert!(
                    text.contains(&format!("{score:.2}")),
                    "score {score:.2} missing"
                );
            }
        }
    }
    for e in &record.experts {
        assert!(text.contains(&format!("专家{}", e.number)));
    }
    let pages = poppler("pdfinfo", &[summary_pdf.to_str().unwrap()]);
    let count: usize = pages
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        text.contains(&format!("第 1 页 / 共 {count} 页")),
        "page numbers missing"
    );
    assert!(
        pages.contains("CreationDate:") && pages.contains("2026"),
        "{pages}"
    );
    assert_fonts_embedded_subset(&summary_pdf);
    assert!(
        summary.len() < 400_000,
        "summary is {} bytes: fonts not subset?",
        summary.len()
    );
    assert_matches_reference(&summary_pdf, 1, "summary-p1");

    let sheets = documents::score_sheets(&record, None, &meta("评分表")).unwrap();
    let sheets_pdf = write(dir, "sheets.pdf", &sheets);
    let text = poppler("pdftotext", &[sheets_pdf.to_str().unwrap(), "-"]);
    for e in &record.experts {
        assert!(text.contains(&e.name), "{} has no sheet", e.name);
        let fingerprint = e.fingerprint.as_deref().expect("every expert submitted");
        assert!(
            text.contains(fingerprint),
            "fingerprint of {} missing",
            e.name
        );
        let hash = e.bundle_hash.as_deref().unwrap();
        assert!(
            text.replace('\n', "").contains(hash),
            "bundle hash of {} missing",
            e.name
        );
    }
    assert!(text.contains("专家签名"));
    assert!(text.contains("事迹突出"), "comments are printed");
    assert!(text.contains("回避"), "recusals are printed as such");
    assert_fonts_embedded_subset(&sheets_pdf);
    assert_matches_reference(&sheets_pdf, 1, "sheets-p1");

    let one =
        documents::score_sheets(&record, Some(record.experts[1].id), &meta("评分表")).unwrap();
    let one_text = written_text(dir, "one.pdf", &one);
    assert!(one_text.contains(&record.experts[1].name));
    assert!(!one_text.contains(&record.experts[0].name));

    // The 公示 prints what the office set: set only now, so the summary above keeps the
    // audit anchor of its reference rendering.
    announce(&round.review);
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let list = documents::announcement(&record, &meta("公示")).unwrap();
    let list_pdf = write(dir, "announcement.pdf", &list);
    let text = poppler("pdftotext", &[list_pdf.to_str().unwrap(), "-"]);
    let review =
        paneldesk::review::load(&round.review, paneldesk::privacy::Privacy::Revealed).unwrap();
    for c in &record.results.categories {
        for n in &c.nominations {
            assert_eq!(
                text.contains(&n.display_name),
                n.cut == Cut::In,
                "{} ({:?}) on the announcement list",
                n.display_name,
                n.cut
            );
        }
    }
    // No personal data: no ID or phone number of anyone in the review.
    for n in &review.nominations {
        for f in n.fields.iter().filter(|f| f.personal) {
            if f.value.len() >= 6 {
                assert!(
                    !text.contains(&f.value),
                    "personal data {} printed",
                    f.value
                );
            }
        }
    }
    assert!(!text.contains("得分"), "no scores on the announcement");
    assert_fonts_embedded_subset(&list_pdf);
    assert_matches_reference(&list_pdf, 1, "announcement-p1");
}

#[test]
fn the_same_results_print_the_same_bytes() {
    let round = merged_round();
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let a = documents::summary(&record, &meta("汇总表")).unwrap();
    let b = documents::summary(&record, &meta("汇总表")).unwrap();
    assert!(a == b, "two prints of the same summary differ");
}

/// The clerk key a check trusts: the clerk's own, as on the clerk's laptop.
fn clerk_public() -> String {
    paneldesk::keys::public_hex(&clerk_keys().signing().unwrap().verifying_key())
}

#[test]
fn certificates_carry_serials_and_codes_that_check_out_and_survive_a_reprint() {
    let round = announced_round();
    let (record, chosen) = record_and_winners(&round);
    assert!(!chosen.is_empty());
    let awards = issue(&round, &record, &chosen);
    let template = CertificateTemplate {
        seal: Some(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/certificates/sample-seal.png"),
        ),
        ..super::printable_template()
    };
    let pdf =
        certificate::render(&template, &awards, date!(2026 - 12 - 01), &meta("证书")).unwrap();
    let file = write(&round.root, "certificates.pdf", &pdf);
    let text = poppler("pdftotext", &[file.to_str().unwrap(), "-"]);
    for a in &awards {
        assert!(text.contains(&a.name), "{}", a.name);
        assert!(
            text.contains(&a.serial) && text.contains(&a.code),
            "{}",
            a.serial
        );
    }
    assert!(text.contains("荣"), "title printed");
    assert!(
        text.contains("二〇二六年十二月一日"),
        "date in Chinese numerals"
    );
    assert_eq!(
        text.matches("证书编号").count(),
        awards.len(),
        "one page each"
    );
    assert_fonts_embedded_subset(&file);
    assert_matches_reference(&file, 1, "certificate-p1");
    // The seal stays lossless (Flate), never re-encoded as JPEG.
    let images = poppler("pdfimages", &["-list", file.to_str().unwrap()]);
    let seals: Vec<&str> = images.lines().skip(2).collect();
    assert!(!seals.is_empty(), "the seal is embedded");
    assert!(
        seals
            .iter()
            .all(|l| !l.contains("jpeg") && !l.contains("jpx")),
        "{images}"
    );

    // Every code checks out; a changed code or an unknown serial does not.
    for a in &awards {
        let check = serials::check(&round.review, &a.serial, &a.code, &clerk_public()).unwrap();
        assert!(check.genuine, "{check:?}");
    }
    let first = &awards[0];
    // One character changed; never to the character it already was.
    let last = if first.code.ends_with('X') { "Y" } else { "X" };
    let forged = format!("{}{last}", &first.code[..first.code.len() - 1]);
    assert!(
        !serials::check(&round.review, &first.serial, &forged, &clerk_public())
            .unwrap()
            .genuine
    );
    assert!(
        !serials::check(&round.review, "PD2026-99-999", &first.code, &clerk_public())
            .unwrap()
            .genuine
    );
    // Lower case and spaces as typed from paper are fine.
    let typed = format!("  {} ", first.code.to_lowercase());
    assert!(
        serials::check(
            &round.review,
            &first.serial.to_lowercase(),
            &typed,
            &clerk_public()
        )
        .unwrap()
        .genuine
    );

    // A reprint keeps every serial and code.
    let again = issue(&round, &record, &chosen);
    assert_eq!(again, awards);

    // Someone edits a name in the review file behind PanelDesk's back: the check says so.
    let conn = rusqlite::Connection::open(&round.review).unwrap();
    conn.execute(
        "UPDATE certificate SET name = '冒名' WHERE serial = ?1",
        [&first.serial],
    )
    .unwrap();
    drop(conn);
    let check = serials::check(&round.review, &first.serial, &first.code, &clerk_public()).unwrap();
    assert!(!check.genuine);
    let conn = paneldesk::store::open(&round.review).unwrap();
    assert!(paneldesk::audit::verify(&conn).is_ok());
}

#[test]
fn certificates_are_only_issued_by_the_key_that_signed_the_package() {
    let round = announced_round();
    let (record, chosen) = record_and_winners(&round);
    let mut other = clerk_keys();
    other.signing_seed = paneldesk::keys::hex(&[9; 32]);
    let e = serials::issue(&round.review, &record, &chosen, &other, "PD", T0, "clerk").unwrap_err();
    assert_eq!(e.code(), "bad_input");
    assert_eq!(certificates_issued(&round.review), 0);
}

fn award(name: &str, university: &str) -> Award {
    Award {
        serial: "PD2026-01-001".into(),
        code: "ABCDE-FGHJK".into(),
        name: name.into(),
        university: university.into(),
        category: "全国高校“双带头人”教师党支部书记工作室".into(),
        year: 2026,
        review_title: "评审".into(),
        qr: String::new(),
    }
}

#[test]
fn a_character_the_font_cannot_print_stops_the_batch_and_names_the_certificate() {
    let mut awards = vec![
        award("张喆珺", "江北大学"),
        award("李\u{E000}明", "江北大学"),
    ];
    awards[1].serial = "PD2026-01-002".into();
    let e = certificate::render(
        &super::printable_template(),
        &awards,
        date!(2026 - 12 - 01),
        &meta("证书"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "missing_glyphs");
    let zh = e.message_zh();
    assert!(
        zh.contains("PD2026-01-002") && zh.contains('\u{E000}'),
        "{zh}"
    );
    assert!(
        !zh.contains("PD2026-01-001"),
        "the printable one is not named: {zh}"
    );
    assert!(e.message_en().contains("PD2026-01-002"));
}

#[test]
fn rare_name_characters_print_from_noto_cjk() {
    let regular = font::face(Style::Serif).unwrap();
    let bold = font::face(Style::SerifBold).unwrap();
    let sans = font::face(Style::Sans).unwrap();
    for face in [&regular, &bold, &sans] {
        assert_eq!(
            face.missing("喆珺赟鋆彧翀〇"),
            Vec::<char>::new(),
            "{}",
            face.path.display()
        );
    }
}

#[test]
fn the_longest_names_wrap_or_shrink_inside_the_certificate_frame() {
    let regular = font::face(Style::Serif).unwrap();
    let bold = font::face(Style::SerifBold).unwrap();
    let long_unit = "中国人民解放军国防科技大学电子科学学院（信息与通信工程学院）研究生第三党支部暨“双带头人”教师党支部书记工作室";
    let long_university =
        "内蒙古自治区呼和浩特市某某民族师范高等专科学校（内蒙古自治区民族干部学院）";
    let mut template = CertificateTemplate {
        title: "全国高校党建工作示范高校标杆院系样板支部培育创建单位荣誉证书".into(),
        ..super::printable_template()
    };
    for landscape in [true, false] {
        template.landscape = landscape;
        let sheet = certificate::sheet(
            &template,
            &award(long_unit, long_university),
            date!(2026 - 12 - 01),
            &regular,
            &bold,
        )
        .unwrap();
        let frame = sheet
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Frame {
                    x,
                    y,
                    width,
                    height,
                    ..
                } => Some((*x, *y, *width, *height)),
                _ => None,
            })
            .next_back()
            .unwrap();
        let mut body = String::new();
        for m in &sheet.marks {
            if let Mark::Text {
                x,
                y,
                size,
                bold: b,
                spacing,
                text,
            } = m
            {
                let face = if *b { &bold } else { &regular };
                let right = x + face.width(text, *size, *spacing);
                assert!(
                    *x >= frame.0 && right <= frame.0 + frame.2,
                    "{text} crosses the frame sideways ({x}..{right})"
                );
                assert!(
                    *y - size >= frame.1 && *y <= frame.1 + frame.3,
                    "{text} crosses the frame vertically"
                );
                if !*b && *size > 12.0 {
                    body.push_str(text);
                }
            }
        }
        assert!(
            body.contains("电子科学学院"),
            "the whole name is printed: {body}"
        );
        // No line of the body starts with closing punctuation.
        for m in &sheet.marks {
            if let Mark::Text { text, .. } = m {
                assert!(!text.starts_with(['。', '，', '、', '）', '”']), "{text}");
            }
        }
    }
}

#[test]
fn table_cells_wrap_long_names_within_their_width() {
    let sans = font::face(Style::Sans).unwrap();
    let long = "中国人民解放军国防科技大学电子科学学院（信息与通信工程学院）研究生第三党支部";
    for width in [40.0_f32, 60.0, 90.0, 150.0] {
        let lines = layout::wrap(long, width / 9.0, &mut |c| sans.layout_advance(c));
        for line in &lines {
            assert!(
                sans.width(line, 9.0, 0.0) <= width + 0.01,
                "{line} wider than {width}"
            );
        }
        assert_eq!(lines.concat(), long);
    }
}

#[test]
fn a_seal_that_is_not_an_image_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let seal = dir.path().join("seal.png");
    std::fs::write(&seal, b"not a png at all").unwrap();
    let with_seal = |seal: PathBuf| {
        let template = CertificateTemplate {
            seal: Some(seal),
            ..super::printable_template()
        };
        certificate::render(
            &template,
            &[award("张三", "江北大学")],
            date!(2026 - 12 - 01),
            &meta("证书"),
        )
        .unwrap_err()
    };
    let e = with_seal(seal.clone());
    assert_eq!(e.code(), "bad_input");
    let e = with_seal(dir.path().join("nowhere.png"));
    assert_says(&e, "nowhere.png");
}

#[test]
fn the_panels_decision_changes_the_result_and_is_printed_and_audited() {
    use paneldesk::merge::decisions::{decide, Outcome};
    let round = announced_round();
    let before = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let first = before.results.categories[0].nominations[0].clone();
    assert_eq!(first.cut, Cut::In);

    assert_eq!(
        decide(
            &round.review,
            first.nomination_id,
            Outcome::Out,
            "  ",
            T0,
            "clerk"
        )
        .unwrap_err()
        .code(),
        "note_required"
    );
    assert_eq!(
        decide(&round.review, 999_999, Outcome::Out, "表决", T0, "clerk")
            .unwrap_err()
            .code(),
        "bad_input"
    );
    decide(
        &round.review,
        first.nomination_id,
        Outcome::Out,
        "评审组表决 4:3，材料存疑",
        T0,
        "clerk",
    )
    .unwrap();
    let after = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let ruled = after.results.categories[0]
        .nominations
        .iter()
        .find(|n| n.nomination_id == first.nomination_id)
        .unwrap();
    assert_eq!(ruled.cut, Cut::Out);
    assert_eq!(
        ruled.decision.as_ref().unwrap().reason,
        "评审组表决 4:3，材料存疑"
    );
    assert!(!serials::winners(&after, None, AFTER_PUBLICITY)
        .unwrap()
        .iter()
        .any(|(_, id)| *id == first.nomination_id));

    let summary = documents::summary(&after, &meta("汇总表")).unwrap();
    let text = written_text(&round.root, "decided.pdf", &summary);
    assert!(
        text.replace('\n', "").contains("评审组决定：不入选"),
        "{text}"
    );
    let list = documents::announcement(&after, &meta("公示")).unwrap();
    let text = written_text(&round.root, "decided-list.pdf", &list);
    assert!(!text.contains(&first.display_name));

    // The latest decision is in force; both are in the audit log.
    decide(
        &round.review,
        first.nomination_id,
        Outcome::In,
        "复议后表决 6:1",
        T0,
        "clerk",
    )
    .unwrap();
    let again = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let n = &again.results.categories[0].nominations[0];
    assert_eq!((n.nomination_id, n.cut), (first.nomination_id, Cut::In));
    let conn = paneldesk::store::open(&round.review).unwrap();
    let decided = paneldesk::audit::entries(&conn)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "result_decided")
        .count();
    assert_eq!(decided, 2);
    paneldesk::audit::verify(&conn).unwrap();
}

#[test]
fn the_cli_prints_reports_and_certificates_and_checks_a_certificate() {
    let round = merged_round();
    let run = |args: &[&str]| clerk_cli(&round.root, args);
    let review = round.review.to_str().unwrap();
    let summary = round.root.join("汇总表.pdf");
    let report_summary = ["report", "summary"];
    let (ok, _, err) = run(&print_args(
        &report_summary,
        review,
        &summary,
        &["--date", "2026-12-01"],
    ));
    assert!(ok, "{err}");
    assert!(poppler("pdftotext", &[summary.to_str().unwrap(), "-"]).contains("结果汇总表"));
    // Never overwrites.
    let (ok, _, err) = run(&print_args(&report_summary, review, &summary, &[]));
    assert!(!ok && err.contains("已存在"), "{err}");
    let (ok, _, err) = run(&["report", "bogus", "--review", review, "--out", "/tmp/x.pdf"]);
    assert!(!ok && err.contains("summary"), "{err}");

    // The 公示 was held and is over by the calendar the command reads.
    cli_announce_past(&round.root, review);
    cli_set_issuer(&round.root, review);
    let printed = cli_print_certificates(&round.root, review, &round.root.join("证书.pdf"));
    let first = &printed["certificates"][0];
    let (serial, code) = (
        first["serial"].as_str().unwrap(),
        first["code"].as_str().unwrap(),
    );
    let (ok, out, _) = run(&["certificates", "check", "--review", review, serial, code]);
    assert!(ok && out.contains("真实有效"), "{out}");
    let (ok, out, _) = run(&[
        "certificates",
        "check",
        "--review",
        review,
        serial,
        "00000-00000",
    ]);
    assert!(!ok && out.contains("验证码不符"), "{out}");

    // A template with a typo is refused before it is stored.
    let bad = round.root.join("bad.json");
    let mut template = serde_json::to_value(CertificateTemplate::default()).unwrap();
    template["body"] = "{姓明}同志".into();
    std::fs::write(&bad, template.to_string()).unwrap();
    let (ok, _, err) = run(&[
        "certificates",
        "template",
        "--review",
        review,
        "--set",
        bad.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("{姓明}"), "{err}");
}

#[test]
fn experts_whose_bundles_never_arrived_leave_every_nomination_flagged_missing_marks() {
    use paneldesk::merge::results::{compute, ResultFlag};
    let round = package_round(0);
    experts_received(&round, 3);
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    for c in &results.categories {
        for n in &c.nominations {
            let expected = 5 - n.recused;
            assert!(
                n.flags.contains(&ResultFlag::MissingMarks {
                    expected,
                    got: n.experts
                }),
                "{}: {:?}",
                n.display_name,
                n.flags
            );
        }
    }
}

#[test]
fn a_batch_that_cannot_print_records_no_serial_and_no_audit_entry() {
    let round = announced_round();
    let (record, chosen) = record_and_winners(&round);
    let template = CertificateTemplate {
        issuer: "高校党建工作评审委员会\u{E000}".into(),
        ..CertificateTemplate::default()
    };
    let e = print_batch(&round, &record, &chosen, &template).unwrap_err();
    assert_eq!(e.code(), "missing_glyphs");
    assert_eq!(certificates_issued(&round.review), 0);
    let conn = paneldesk::store::open(&round.review).unwrap();
    assert!(!paneldesk::audit::entries(&conn)
        .unwrap()
        .iter()
        .any(|e| e.action == "certificates_issued"));

    // With a printable template the same batch prints, and the serials are recorded.
    let (awards, pdf) =
        print_batch(&round, &record, &chosen, &super::printable_template()).unwrap();
    assert_eq!(awards.len(), chosen.len());
    assert!(pdf.starts_with(b"%PDF"));
}
