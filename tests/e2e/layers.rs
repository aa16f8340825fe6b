//! The code's shape (issue #8): no module imports back into a module that
//! imports it. Checked on the source text: the crate's top-level modules
//! form a graph without cycles, and so do the files of each folder
//! (besides its `mod.rs`, which declares and re-exports them). Test-only
//! code (after `#[cfg(test)]`, and test files) is left out: a test may
//! reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_test_file(rel: &str) -> bool {
    rel.contains("/tests/")
        || rel.ends_with("/tests.rs")
        || rel.ends_with("_tests.rs")
        || rel == "doc_example.rs"
}

/// The code a file compiles outside its tests.
fn non_test_code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The first segments of every path after `prefix` (`crate::`, `super::`),
/// grouped forms (`super::{a, b::C}`) included.
fn targets(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(node, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// (folder, module) of every non-test source file, and its code.
fn sources() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if is_test_file(&rel) || rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let (folder, file) = rel.rsplit_once('/').unwrap_or(("", &rel));
        let module = file.trim_end_matches(".rs").to_string();
        let code = non_test_code(&std::fs::read_to_string(&path).unwrap());
        out.push((folder.to_string(), module, code));
    }
    out
}

#[test]
fn top_level_modules_do_not_import_each_other_in_a_circle() {
    let mut graph = Graph::new();
    for (folder, module, code) in sources() {
        let top = folder
            .split('/')
            .next()
            .filter(|f| !f.is_empty())
            .map_or(module.clone(), str::to_string);
        let edges = graph.entry(top.clone()).or_default();
        for target in targets(&code, "crate::") {
            if target != top && target != "registry" {
                edges.insert(target);
            }
        }
    }
    assert!(
        graph.len() > 15,
        "the check found too few modules: {:?}",
        graph.keys()
    );
    assert_eq!(
        find_cycle(&graph),
        None,
        "modules import each other in a circle"
    );
}

#[test]
fn files_of_a_folder_do_not_import_each_other_in_a_circle() {
    let mut folders: BTreeMap<String, Graph> = BTreeMap::new();
    let all = sources();
    for (folder, module, code) in &all {
        if folder.is_empty() || module == "mod" {
            continue;
        }
        let siblings: BTreeSet<&str> = all
            .iter()
            .filter(|(f, m, _)| f == folder && m != "mod")
            .map(|(_, m, _)| m.as_str())
            .collect();
        let mut found = targets(code, "super::");
        let own = format!("crate::{}::", folder.replace('/', "::"));
        found.extend(targets(code, &own));
        let graph = folders.entry(folder.clone()).or_default();
        let edges = graph.entry(module.clone()).or_default();
        for t in found {
            if siblings.contains(t.as_str()) && t != *module {
                edges.insert(t);
            }
        }
    }
    for (folder, graph) in &folders {
        assert_eq!(
            find_cycle(graph),
            None,
            "files of src/{folder} import each other in a circle"
        );
    }
}

#[test]
fn the_checker_finds_a_cycle_and_grouped_imports() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
    assert_eq!(
        targets(
            "use super::{fetch, result::X};\nlet y = crate::http::send();",
            "super::"
        ),
        ["fetch", "result"]
    );
    assert_eq!(targets("use crate::http::send;", "crate::"), ["http"]);
}

#[test]
fn every_module_says_what_it_is_for() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let undocumented: Vec<String> = files
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "files without a `//!` module doc: {undocumented:?}"
    );
}
