//! Markdown (raw HTML included) → document tree and its passes, without layout: the parser-level
//! stage, fast enough for millions of inputs. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = bindery::pipeline::book_from_markdown(text);
});
