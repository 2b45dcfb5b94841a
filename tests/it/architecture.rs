//! Architecture invariants: the core never depends on tauri, and its modules form layers.

use std::process::Command;

use super::support::assert_ran;

#[test]
fn core_does_not_depend_on_tauri() {
    let tree = dependencies("normal,build", &[]);
    assert!(
        tree.lines().count() > 10,
        "cargo tree printed too little:\n{tree}"
    );
    let offending: Vec<&str> = tree
        .lines()
        .filter(|l| l.starts_with("tauri") || l.starts_with("wry ") || l.starts_with("webkit2gtk"))
        .collect();
    assert!(
        offending.is_empty(),
        "the core must not know the shell exists, but depends on: {offending:?}"
    );
}

/// The library as the shell links it (without the `cli` feature) carries none of the
/// command line's crates: argument parsing, edge errors, its allocator and its prompt
/// are the CLI's alone.
#[test]
fn the_library_does_not_depend_on_the_cli_crates() {
    let tree = dependencies("normal", &["--no-default-features"]);
    let offending: Vec<&str> = tree
        .lines()
        .filter(|l| {
            [
                "clap ",
                "clap_mangen ",
                "clap_complete ",
                "anyhow ",
                "mimalloc ",
                "rpassword ",
            ]
            .iter()
            .any(|c| l.starts_with(c))
        })
        .collect();
    assert!(offending.is_empty(), "the library depends on {offending:?}");
    // The same listing with the CLI's feature does name them: the filter above can see them.
    assert!(dependencies("normal", &[])
        .lines()
        .any(|l| l.starts_with("clap ")));
}

/// The core's dependencies along `edges` (`cargo tree --edges`), one package a line.
fn dependencies(edges: &str, extra: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["tree", "--package", "paneldesk", "--edges", edges])
        .args(["--prefix", "none", "--format", "{p}"])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert_ran(&out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The core's modules form layers: following `use crate::…` (and `crate::…` paths, and
/// `super::…`) from any file never leads back to it, whether one looks at files or at the
/// top-level modules and folders they belong to. A circle means two parts can only be
/// understood, tested and changed together.
#[test]
fn core_modules_have_no_import_circles() {
    let graph = module_graph::read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph.modules.len() > 40,
        "read too few modules: {:?}",
        graph.modules
    );
    let files = module_graph::circles(&graph.edges);
    let folders = module_graph::circles(&graph.top_level_edges());
    assert!(
        files.is_empty() && folders.is_empty(),
        "import circles between files: {files:#?}\nbetween top-level modules and folders: {folders:#?}"
    );
}

/// The core's layers, bottom first, as docs/ARCHITECTURE.md draws them. A module may use
/// modules of its own layer or of a layer below, never above; a new top-level module must
/// be given a layer here (and in the document) before it can be used.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "ground",
        &[
            "error",
            "refusal",
            "sandbox",
            "folder",
            "spreadsheet",
            "strict_json",
            "idcard",
        ],
    ),
    (
        "domain",
        &[
            "model",
            "activity",
            "template",
            "privacy",
            "keys",
            "seal",
            "container",
            "ambient",
        ],
    ),
    ("storage", &["store", "audit"]),
    (
        "files",
        &[
            "import",
            "package",
            "bundle",
            "paper",
            "registration",
            "review",
            "nomination_list",
            "roster",
            "demo",
            "workbook_template",
        ],
    ),
    (
        "round",
        &["merge", "scoring", "resume", "rubric", "corrections"],
    ),
    ("publication", &["announcement", "objections", "readiness"]),
    ("documents", &["report", "follow_up", "workspace"]),
    ("use cases", &["ops"]),
];

#[test]
fn core_modules_use_only_their_own_layer_or_those_below() {
    let graph = module_graph::read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let layer_of = |module: &str| {
        LAYERS
            .iter()
            .position(|(_, members)| members.contains(&module))
    };
    let mut unplaced = std::collections::BTreeSet::new();
    let mut upward = Vec::new();
    for (from, tos) in graph.top_level_edges() {
        for to in tos {
            match (layer_of(&from), layer_of(&to)) {
                (Some(a), Some(b)) if b > a => upward.push(format!(
                    "{from} ({}) uses {to} ({})",
                    LAYERS[a].0, LAYERS[b].0
                )),
                (None, _) => drop(unplaced.insert(from.clone())),
                (_, None) => drop(unplaced.insert(to)),
                _ => {}
            }
        }
    }
    for module in &graph.modules {
        let top = module.split("::").next().unwrap();
        if layer_of(top).is_none() {
            unplaced.insert(top.to_string());
        }
    }
    assert!(unplaced.is_empty(), "modules with no layer: {unplaced:?}");
    assert!(upward.is_empty(), "uses that reach up a layer: {upward:#?}");
}

/// The check above can see a circle at all.
#[test]
fn the_circle_check_finds_a_planted_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir(src.join("a")).unwrap();
    let files = [
        ("a/mod.rs", "pub mod x;\n"),
        ("a/x.rs", "use crate::b::{self, y::Thing};\nuse crate::e;\n"),
        // e reaches back to a::x only in its unit tests, which do not ship: no circle.
        ("e.rs", "pub fn h() {}\n#[cfg(test)]\nmod tests {\n    use crate::a::x;\n}\n"),
        ("b.rs", "pub fn f() { crate::c::g() }\n"),
        (
            "c.rs",
            "use crate::{\n    a::x,\n    d,\n};\n#[cfg(test)]\nmod tests {\n    use crate::b;\n}\n",
        ),
        ("d.rs", "/// Unlike [`crate::e::h`], a doc link.\nuse super::c;\n"),
    ];
    for (name, text) in files {
        std::fs::write(src.join(name), text).unwrap();
    }
    let graph = module_graph::read(src);
    let files = module_graph::circles(&graph.edges);
    assert_eq!(files, vec![vec!["a::x", "b", "c", "d"]]);
    let folders = module_graph::circles(&graph.top_level_edges());
    assert_eq!(folders, vec![vec!["a", "b", "c", "d"]]);
}

/// Untrusted workbooks are parsed only in the sandbox's child: the reader that runs
/// calamine without a wall is called from the pool's child side and nowhere else, and
/// nothing outside `sandbox/` names it.
#[test]
fn only_the_sandbox_calls_the_unguarded_reader() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = module_graph::library_files(&src);
    assert!(files.iter().any(|(m, _)| m == "sandbox::pool"));
    let callers: Vec<&str> = files
        .iter()
        .filter(|(_, text)| module_graph::without_tests(text).contains("read_unguarded("))
        .map(|(m, _)| m.as_str())
        .collect();
    assert_eq!(
        callers,
        ["sandbox::pool", "sandbox::reader"],
        "read_unguarded is called from {callers:?}"
    );
    let reader = &files
        .iter()
        .find(|(m, _)| m == "sandbox::reader")
        .unwrap()
        .1;
    assert!(
        reader.contains("pub(super) fn read_unguarded("),
        "read_unguarded must stay private to sandbox/"
    );
    // The CLI, the shell and the tests reach workbooks only through the pool too.
    for dir in [
        "src/main.rs",
        "src/cli",
        "src-tauri/src",
        "tests",
        "examples",
    ] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut stack = vec![root];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(
                    std::fs::read_dir(&path)
                        .unwrap()
                        .flatten()
                        .map(|e| e.path()),
                );
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("architecture.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !text.contains("read_unguarded"),
                    "{} names the unguarded reader",
                    path.display()
                );
            }
        }
    }
}

mod module_graph {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    pub struct Graph {
        pub modules: BTreeSet<String>,
        pub edges: BTreeMap<String, BTreeSet<String>>,
    }

    impl Graph {
        /// Files folded into their top-level module or folder.
        pub fn top_level_edges(&self) -> BTreeMap<String, BTreeSet<String>> {
            let top = |m: &str| m.split("::").next().unwrap_or(m).to_string();
            let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (from, tos) in &self.edges {
                for to in tos {
                    if top(from) != top(to) {
                        out.entry(top(from)).or_default().insert(top(to));
                    }
                }
            }
            out
        }
    }

    /// Every library file's module path and text.
    pub fn library_files(src: &Path) -> Vec<(String, String)> {
        let mut files = Vec::new();
        walk(src, src, &mut files);
        files
    }

    /// The library's modules (the CLI's files and the crate roots aside) and what each uses.
    pub fn read(src: &Path) -> Graph {
        let files = library_files(src);
        let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, text) in &files {
            let parent: Vec<&str> = {
                let mut p: Vec<&str> = module.split("::").collect();
                p.pop();
                p
            };
            for path in references(&without_tests(text)) {
                let absolute = match path.strip_prefix("super::") {
                    Some(rest) if parent.is_empty() => rest.to_string(),
                    Some(rest) => format!("{}::{rest}", parent.join("::")),
                    None => path,
                };
                if let Some(target) = resolve(&modules, &absolute) {
                    let related = target == *module
                        || target.starts_with(&format!("{module}::"))
                        || module.starts_with(&format!("{target}::"));
                    if !related {
                        edges.entry(module.clone()).or_default().insert(target);
                    }
                }
            }
        }
        Graph { modules, edges }
    }

    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let Some(rel) = rel.strip_suffix(".rs") else {
                continue;
            };
            let mut parts: Vec<&str> = rel.split('/').collect();
            let edge_file = matches!(
                parts.as_slice(),
                ["main" | "lib"] | ["cli", ..] | ["bin", ..]
            ) || rel.ends_with("_cli");
            if edge_file {
                continue;
            }
            if parts.last() == Some(&"mod") {
                parts.pop();
            }
            out.push((parts.join("::"), std::fs::read_to_string(&path).unwrap()));
        }
    }

    /// Unit tests may reach anywhere, and a doc link is not a use: only the code that
    /// ships counts.
    pub fn without_tests(text: &str) -> String {
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => &text[..at],
            None => text,
        };
        code.lines()
            .map(|line| match line.trim_start().starts_with("//") {
                true => "",
                false => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every `crate::…` and `super::…` path, with `use` groups (`{a, b::{c}}`) spelled out.
    fn references(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let starts_word =
                i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
            let prefix = ["crate::", "super::"]
                .into_iter()
                .find(|p| rest.starts_with(p));
            match prefix {
                Some(p) if starts_word => {
                    let end = path_end(rest);
                    let root = if p == "crate::" { "" } else { "super::" };
                    expand(root, &rest[p.len()..end], &mut out);
                    i += end.max(1);
                }
                _ => i += rest.chars().next().map_or(1, char::len_utf8),
            }
        }
        out
    }

    /// Where a path (possibly with a brace group) ends.
    fn path_end(s: &str) -> usize {
        let mut depth = 0usize;
        for (at, c) in s.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return at,
                '}' => depth -= 1,
                c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => return at,
                _ => {}
            }
        }
        s.len()
    }

    fn expand(prefix: &str, body: &str, out: &mut Vec<String>) {
        let body = body.trim();
        let Some(open) = body.find('{') else {
            let name = body
                .split(" as ")
                .next()
                .unwrap_or(body)
                .trim()
                .trim_end_matches("::");
            if !name.is_empty() {
                out.push(format!("{prefix}{name}"));
            }
            return;
        };
        let head = &body[..open];
        let inner = &body[open + 1..body.rfind('}').unwrap_or(body.len())];
        let mut depth = 0usize;
        let mut start = 0;
        let mut items = Vec::new();
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..at]);
                    start = at + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[start..]);
        for item in items {
            let item = item.trim();
            if item == "self" {
                expand(prefix, head, out);
            } else if !item.is_empty() {
                expand(&format!("{prefix}{head}"), item, out);
            }
        }
    }

    /// The longest leading part of `path` that names a module.
    fn resolve(modules: &BTreeSet<String>, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|candidate| modules.contains(candidate))
    }

    /// Every strongly connected group of more than one module (Tarjan), each sorted.
    pub fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
        struct Walk<'a> {
            edges: &'a BTreeMap<String, BTreeSet<String>>,
            index: BTreeMap<&'a str, usize>,
            low: BTreeMap<&'a str, usize>,
            stack: Vec<&'a str>,
            found: Vec<Vec<String>>,
        }
        fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
            let n = w.index.len();
            w.index.insert(v, n);
            w.low.insert(v, n);
            w.stack.push(v);
            if let Some(tos) = w.edges.get(v) {
                for to in tos {
                    let to = to.as_str();
                    if !w.index.contains_key(to) {
                        visit(w, to);
                        let low = w.low[v].min(w.low[to]);
                        w.low.insert(v, low);
                    } else if w.stack.contains(&to) {
                        let low = w.low[v].min(w.index[to]);
                        w.low.insert(v, low);
                    }
                }
            }
            if w.low[v] == w.index[v] {
                let mut group = Vec::new();
                while let Some(top) = w.stack.pop() {
                    group.push(top.to_string());
                    if top == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    w.found.push(group);
                }
            }
        }
        let mut w = Walk {
            edges,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            found: Vec::new(),
        };
        let nodes: BTreeSet<&str> = edges
            .iter()
            .flat_map(|(k, vs)| std::iter::once(k.as_str()).chain(vs.iter().map(String::as_str)))
            .collect();
        for v in nodes {
            if !w.index.contains_key(v) {
                visit(&mut w, v);
            }
        }
        w.found.sort();
        w.found
    }
}
