//! Front matter (YAML and TOML) and book.toml: must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = bindery::book::frontmatter::split(text, bindery::diag::FileId(0));
        let _ = bindery::config::parse(text, bindery::diag::FileId(0));
    }
});
