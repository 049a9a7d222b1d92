//! The house rules of `src/`, checked on every `cargo test` so that they stay true:
//!
//! - `doc` is the bottom layer: nothing in `doc` imports from `book` (the reader of one input
//!   format);
//! - `config` is a schema: it imports nothing from `assets`;
//! - the files of `assets` import each other without a cycle;
//! - no source file is longer than 900 lines, and no function outside tests longer than 100;
//! - no two types visible outside their file share a name (`Book`, `Memo`, `Entry` once meant
//!   four things each): a reader who meets a type's name knows which one it is.
//!
//! The checker reads the source text itself (no compiler): comments and literals are blanked
//! first, `#[cfg(test)]` items are left out, and every `use` tree and `crate::`/`super::` path
//! is resolved to the file that holds the module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MOST_FILE_LINES: usize = 900;
const MOST_FUNCTION_LINES: usize = 100;

/// One source file: its module path (`crate::doc::visit`) and its code with comments, string
/// and character literals and test items blanked (line breaks kept, so lines still count).
struct Source {
    module: Vec<String>,
    path: PathBuf,
    lines: usize,
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path.strip_prefix(&root).unwrap().with_extension("");
            let mut module = vec!["crate".to_string()];
            for part in relative.iter() {
                let part = part.to_str().unwrap();
                if !matches!(part, "mod" | "lib" | "main") {
                    module.push(part.to_string());
                }
            }
            let code = without_tests(&blank_comments_and_literals(&text));
            Source {
                module,
                lines: text.lines().count(),
                path,
                code,
            }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The text with every comment and the inside of every string and character literal replaced
/// by spaces, line breaks kept.
fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"') | Some('#'))
            && !is_ident(chars.get(i.wrapping_sub(1)))
        {
            // A raw string: r"..." or r#"..."#, closed by a quote and as many hashes.
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            out.push('"');
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, chars[i]);
                i += 1;
            }
            out.push('"');
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F600}') or a lifetime ('a, 'static).
            let end = if next == Some('\\') {
                (i + 2..chars.len()).find(|&j| chars[j] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    out.push_str(&" ".repeat(end - i + 1));
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The code with every item marked `#[cfg(test)]` blanked (line breaks kept).
fn without_tests(code: &str) -> String {
    let mut out = code.to_string();
    let mut from = 0;
    while let Some(at) = out[from..].find("#[cfg(test)]").map(|at| at + from) {
        let item_end = match out[at..].find(['{', ';']).map(|p| p + at) {
            Some(open) if out.as_bytes()[open] == b'{' => matching_brace(&out, open),
            Some(semicolon) => semicolon,
            None => out.len() - 1,
        };
        let blanked: String = out[at..=item_end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(at..=item_end, &blanked);
        from = item_end + 1;
    }
    out
}

/// The byte offset of the `}` that closes the `{` at `open`.
fn matching_brace(code: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, b) in code.bytes().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    code.len() - 1
}

/// Every function outside tests: its name, first line and number of lines.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(p) = code[at..].find("fn ").map(|p| p + at) {
        at = p + 3;
        if p > 0 && (bytes[p - 1].is_ascii_alphanumeric() || bytes[p - 1] == b'_') {
            continue;
        }
        let name: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body opens at the first `{` outside brackets; a `;` there means no body.
        let mut depth = 0i32;
        let mut open = None;
        for (i, b) in bytes.iter().enumerate().skip(at) {
            match b {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b';' if depth == 0 => break,
                b'{' if depth == 0 => {
                    open = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let close = matching_brace(code, open);
        let first = code[..p].matches('\n').count() + 1;
        let last = code[..close].matches('\n').count() + 1;
        found.push((name, first, last - first + 1));
    }
    found
}

/// Every module path the code names: the leaves of its `use` trees and its `crate::`/`super::`
/// paths, resolved against `module` (the file's own module path).
fn named_modules(code: &str, module: &[String]) -> BTreeSet<Vec<String>> {
    let mut named = BTreeSet::new();
    let mut rest = code;
    while let Some(p) = rest.find("use ") {
        let before = rest[..p].chars().last();
        let statement_start = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        rest = &rest[p + 4..];
        if !statement_start {
            continue;
        }
        let end = rest.find(';').unwrap_or(rest.len());
        let tree: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
        for path in expand_use_tree(&tree) {
            named.insert(resolve(&path, module));
        }
    }
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(p) = code[from..].find(start).map(|p| p + from) {
            from = p + start.len();
            let path: String = code[p..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            named.insert(resolve(&path, module));
        }
    }
    named.retain(|path| path.first().is_some_and(|first| first == "crate"));
    named
}

/// `a::{b, c::{d, e}}` as its leaves `a::b`, `a::c::d`, `a::c::e`.
fn expand_use_tree(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.is_empty())
        .flat_map(|part| expand_use_tree(&format!("{prefix}{part}")))
        .collect()
}

fn resolve(path: &str, module: &[String]) -> Vec<String> {
    let mut resolved: Vec<String> = module.to_vec();
    let mut parts = path.split("::").filter(|p| !p.is_empty()).peekable();
    match parts.peek().copied() {
        Some("crate") => resolved = Vec::new(),
        Some("super" | "self") => {}
        _ => return Vec::new(),
    }
    for part in parts {
        match part {
            "super" => {
                resolved.pop();
            }
            "self" => {}
            _ => resolved.push(part.split(" as ").next().unwrap_or(part).to_string()),
        }
    }
    resolved
}

/// The file (module path) that holds `path`: the longest file module that begins it.
fn file_of<'a>(path: &[String], files: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| files.get(&path[..n].to_vec()))
}

fn under(path: &[String], parent: &[&str]) -> bool {
    path.len() >= parent.len() && path.iter().zip(parent).all(|(a, b)| a == b)
}

#[test]
fn no_file_and_no_function_is_too_long() {
    let mut long = Vec::new();
    for source in sources() {
        if source.lines > MOST_FILE_LINES {
            long.push(format!(
                "{}: {} lines (most {MOST_FILE_LINES})",
                source.path.display(),
                source.lines
            ));
        }
        for (name, line, lines) in functions(&source.code) {
            if lines > MOST_FUNCTION_LINES {
                long.push(format!(
                    "{}:{line}: fn {name}: {lines} lines (most {MOST_FUNCTION_LINES})",
                    source.path.display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "too long; split by job:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_layers_import_downwards_only() {
    let sources = sources();
    let files: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut wrong = Vec::new();
    let mut assets_edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for source in &sources {
        for named in named_modules(&source.code, &source.module) {
            let Some(target) = file_of(&named, &files) else {
                continue;
            };
            let forbidden = (under(&source.module, &["crate", "doc"])
                && under(target, &["crate", "book"]))
            .then_some("doc must not import from book")
            .or((under(&source.module, &["crate", "config"])
                && under(target, &["crate", "assets"]))
            .then_some("config must not import from assets"));
            if let Some(rule) = forbidden {
                wrong.push(format!(
                    "{}: {}: {rule}",
                    source.path.display(),
                    named.join("::")
                ));
            }
            let is_asset_file = |m: &Vec<String>| under(m, &["crate", "assets"]) && m.len() > 2;
            if is_asset_file(&source.module) && is_asset_file(target) && target != &source.module {
                assets_edges
                    .entry(source.module.clone())
                    .or_default()
                    .insert(target.clone());
            }
        }
    }
    if let Some(cycle) = find_cycle(&assets_edges) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        wrong.push(format!(
            "a cycle among the assets files: {}",
            names.join(" -> ")
        ));
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

/// Every type a file declares for other files to use (`pub`, `pub(crate)`, `pub(super)`
/// struct, enum, trait or type alias): its name and line.
fn visible_types(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("pub") else {
            continue;
        };
        let rest = match rest.strip_prefix('(') {
            Some(scoped) => match scoped.split_once(')') {
                Some((_, after)) => after,
                None => continue,
            },
            None => rest,
        };
        let mut words = rest.split_whitespace();
        if let (Some("struct" | "enum" | "trait" | "type"), Some(name)) =
            (words.next(), words.next())
        {
            let name: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push((name, n + 1));
        }
    }
    out
}

#[test]
fn no_two_visible_types_share_a_name() {
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for source in sources() {
        for (name, line) in visible_types(&source.code) {
            seen.entry(name)
                .or_default()
                .push(format!("{}:{line}", source.path.display()));
        }
    }
    let shared: Vec<String> = seen
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(name, places)| format!("{name}: {}", places.join(", ")))
        .collect();
    assert!(
        shared.is_empty(),
        "types that share a name; give each a name that says which:\n{}",
        shared.join("\n")
    );
}

/// A cycle in the graph, as the list of its nodes (first repeated at the end), if there is one.
fn find_cycle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.clone());
            return Some(cycle);
        }
        if !done.insert(node.clone()) {
            return None;
        }
        path.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

/// The checker itself, on small texts: it must see what it is there to see.
#[test]
fn the_checker_finds_long_functions_imports_and_cycles() {
    let code = blank_comments_and_literals(
        "fn a() {\n let s = \"}\"; // }\n let c = '}';\n}\nfn b<'x>(v: [u8; 2]) {}\n",
    );
    let found = functions(&code);
    assert_eq!(
        found,
        vec![("a".to_string(), 1, 4), ("b".to_string(), 5, 1)]
    );
    let tests = without_tests("fn x() {}\n#[cfg(test)]\nmod tests {\n fn long() {}\n}\n");
    assert_eq!(functions(&tests).len(), 1);
    let module: Vec<String> = ["crate", "doc", "visit"].map(String::from).to_vec();
    let named = named_modules(
        "use crate::{book::fs::X, doc::Y};\nuse super::super::book::Z;",
        &module,
    );
    assert!(named.contains(["crate", "book", "fs", "X"].map(String::from).as_slice()));
    assert!(named.contains(["crate", "book", "Z"].map(String::from).as_slice()));
    let m = |s: &str| vec![s.to_string()];
    let edges = BTreeMap::from([
        (m("a"), BTreeSet::from([m("b")])),
        (m("b"), BTreeSet::from([m("a")])),
    ]);
    assert!(find_cycle(&edges).is_some());
    let edges = BTreeMap::from([(m("a"), BTreeSet::from([m("b")]))]);
    assert!(find_cycle(&edges).is_none());
    let types = visible_types(
        "pub struct A<'a> {}\nstruct Private;\npub(super) enum B {}\n  pub(crate) type C = u8;\npub fn d() {}\n",
    );
    let names: Vec<&str> = types.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["A", "B", "C"]);
}

/// Every diagnostic code a build can print is listed in docs/ARCHITECTURE.md's list of kinds,
/// and that list names no code that does not exist.
#[test]
fn the_documented_diagnostic_kinds_are_the_codes() {
    let doc = include_str!("../docs/ARCHITECTURE.md");
    let start = doc
        .find("The kinds:")
        .expect("a list of kinds in ARCHITECTURE.md");
    let end = start
        + doc[start..]
            .find("Errors (exit 1")
            .expect("the end of the list");
    let listed: BTreeSet<&str> = doc[start..end]
        .lines()
        .filter_map(|line| line.strip_prefix("- `")?.split('`').next())
        .collect();
    let codes: BTreeSet<&str> = bindery::diag::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let undocumented: Vec<_> = codes.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&codes).collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from ARCHITECTURE.md's list: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "ARCHITECTURE.md lists codes that do not exist: {unknown:?}"
    );
}
