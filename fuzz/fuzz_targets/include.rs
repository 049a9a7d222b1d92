//! `{{#include}}` and friends expanded over a small book written from the input: the chapter
//! and three files it may include, separated by NUL bytes. Must never panic, and the budget
//! must hold: the expansion is never larger than its limit.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const MAX_TEXT: u64 = 64 * 1024;

fn book() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("bindery-fuzz-include-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let chapter = parts.next().unwrap_or("");
    let root = book();
    for (name, body) in ["a.md", "b.rs", "sub/c.md"]
        .iter()
        .zip(parts.chain(std::iter::repeat("")))
    {
        std::fs::write(root.join(name), body).unwrap();
    }
    let fs = bindery::book::fs::BookFs::new(root, MAX_TEXT).unwrap();
    let mut sources = bindery::diag::SourceMap::default();
    let path = root.join("chapter.md");
    let file = sources.add(&path, "chapter.md".into(), chapter.to_string());
    let mut diags = bindery::diag::Diagnostics::default();
    let origin = bindery::book::include::Origin {
        text: chapter,
        file,
        base: 0,
        path: &path,
    };
    let expanded = bindery::book::include::expand(origin, &fs, &mut sources, &mut diags, 8);
    // Every byte of the expansion comes from the chapter, from an included file's text (all of
    // which counts against the budget when read), or from the little a directive leaves (a
    // missing-include note, a code fence), at most MAX_EXPANSIONS times.
    let budget = (bindery::book::include::EXPANSION_FACTOR * MAX_TEXT) as usize;
    let per_directive = 64 * bindery::book::include::MAX_EXPANSIONS;
    assert!(
        expanded.text.len() <= budget + chapter.len() + per_directive,
        "{}",
        expanded.text.len()
    );
});
