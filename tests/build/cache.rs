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

#[test]
fn watch_rebuilds_reuse_the_last_build_and_write_what_a_cold_build_writes() {
    let book = copy_bundled_book();
    let outs = tempfile::tempdir().unwrap();
    let (watched, cold) = (outs.path().join("watched"), outs.path().join("cold"));
    let log = outs.path().join("watch.log");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args([
            "watch",
            book.path().to_str().unwrap(),
            "--color",
            "never",
            "-v",
        ])
        .arg("--out")
        .arg(&watched)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let reap = Reap(child);
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    let builds = || {
        log_text()
            .lines()
            .filter(|l| l.starts_with("wrote "))
            .count()
    };
    let wait_for = |n: usize| {
        let start = std::time::Instant::now();
        while builds() < n {
            assert!(
                start.elapsed().as_secs() < 120,
                "no build {n}:\n{}",
                log_text()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    wait_for(1);
    // An edit to one report; then a picture that changes size (the chapter showing it is laid
    // out again, the others are kept).
    let report = book.path().join("book/hallway-track.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    text.push_str("\nOne more thing we heard in the hallway, added while watching.\n");
    std::fs::write(&report, text).unwrap();
    wait_for(2);
    let same_as_cold = |after: &str| {
        let _ = std::fs::remove_dir_all(&cold);
        let book = book.path().to_str().unwrap();
        let cold_out = cold.to_str().unwrap();
        let run = bindery(&["build", book, "--no-cache", "-q", "--out", cold_out], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            outputs(&watched) == outputs(&cold),
            "after {after}, the watch's outputs differ from a cold build's"
        );
    };
    same_as_cold("an edit");
    let pictures = book.path().join("pictures");
    std::fs::copy(pictures.join("storm.jpg"), pictures.join("dune.jpg")).unwrap();
    wait_for(3);
    same_as_cold("a picture changed");
    // The first build made everything; each rebuild laid out one chapter again (the edited
    // report; the one showing the changed picture) and compressed only its files.
    let reuse: Vec<String> = log_text()
        .lines()
        .filter(|l| l.starts_with("  chapters laid out:"))
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(reuse.len(), 3, "{}", log_text());
    assert!(reuse[0].ends_with("(0 kept)"), "{reuse:?}");
    assert!(
        reuse[1].starts_with("chapters laid out: 1 of "),
        "{reuse:?}"
    );
    assert!(
        reuse[2].starts_with("chapters laid out: 1 of "),
        "{reuse:?}"
    );
    drop(reap);
}
