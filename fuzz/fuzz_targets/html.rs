//! One raw HTML block → sanitised document blocks (html5ever and bindery's allow-list).
//! Must never panic, and nothing outside the allow-list may come out.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = bindery::diag::Diagnostics::default();
    let blocks = bindery::book::markdown::html_block_to_tree(text, &mut diags);
    bindery::doc::visit::visit_inlines(&blocks, &mut |i| {
        if let bindery::doc::Inline::Link {
            target: bindery::doc::LinkTarget::External(url),
            ..
        } = i
        {
            let lower = url.to_ascii_lowercase();
            assert!(
                lower.starts_with("http:")
                    || lower.starts_with("https:")
                    || lower.starts_with("mailto:"),
                "a link outside the allow-list: {url}"
            );
        }
    });
});
