//! The picture cache: a build that reads pictures back from `OUT/.bindery-cache` writes the same
//! bytes as one that makes every picture from its source, and a damaged or planted cache entry is
//! made again, never trusted.

use crate::support::*;
use std::path::Path;

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["book.epub", "book.pdf"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap()))
        .collect()
}

fn cache_entries(out: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(out.join(".bindery-cache/pictures"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn cached_pictures_give_byte_identical_outputs_and_bad_entries_are_made_again() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (cold, cold_out) = build_with(Path::new(root), &["--no-cache", "-q"]);
    assert_eq!(cold.code, 0, "{}", cold.stderr);
    assert!(
        cache_entries(cold_out.path()).is_empty(),
        "--no-cache keeps nothing"
    );
    let expected = outputs(cold_out.path());

    let out = tempfile::tempdir().unwrap();
    let build = || {
        let run = bindery(
            &["build", root, "--out", out.path().to_str().unwrap(), "-q"],
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        outputs(out.path())
    };
    assert!(build() == expected, "the build that fills the cache");
    let entries = cache_entries(out.path());
    assert!(entries.len() >= 5, "{entries:?}");
    assert!(build() == expected, "the build that reads the cache");

    // Damaged entries (another picture's entry copied under this key, one cut short, one not
    // an entry at all) are made again, and the outputs do not change.
    let other = std::fs::read(&entries[1]).unwrap();
    std::fs::write(&entries[0], &other).unwrap();
    let cut = std::fs::read(&entries[2]).unwrap();
    std::fs::write(&entries[2], &cut[..cut.len() / 2]).unwrap();
    std::fs::write(&entries[3], b"not an entry").unwrap();
    assert!(build() == expected, "after damaging the cache");
}
