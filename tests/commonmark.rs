//! The CommonMark spec examples through bindery's document tree and EPUB writer.
//!
//! pulldown-cmark passes the spec; bindery must keep what it reports. Each example is read from
//! the pulldown-cmark sources cargo already downloaded (its `tests/suite/spec.rs`, generated from
//! the spec), turned into a one-report book, written as XHTML, and compared with the spec's HTML
//! on what a reader gets: the text (entities decoded, whitespace folded) and the block structure
//! (paragraphs, lists and items, quotes, code, headings, rules, tables). Differences that are
//! bindery's on purpose are normalised first: typographic quotes and dashes (smart punctuation
//! is on), raw HTML that is sanitised rather than passed through, and links that leave the book.

use std::path::PathBuf;

mod common;

/// The examples of the spec: (number, Markdown, expected HTML).
fn spec_examples() -> Option<Vec<(usize, String, String)>> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let version = pulldown_cmark_version()?;
    let registry = home.join("registry/src");
    let spec = std::fs::read_dir(&registry)
        .ok()?
        .filter_map(|d| d.ok())
        .map(|d| {
            d.path()
                .join(format!("pulldown-cmark-{version}/tests/suite/spec.rs"))
        })
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(spec).ok()?;
    let mut out = Vec::new();
    for (n, test) in text.split("fn spec_test_").skip(1).enumerate() {
        let raw = |from: &str| -> Option<String> {
            let start = test.find(from)? + from.len();
            let end = test[start..].find("\"##")? + start;
            Some(test[start..end].to_string())
        };
        out.push((n + 1, raw("original = r##\"")?, raw("expected = r##\"")?));
    }
    Some(out)
}

/// The pulldown-cmark version in Cargo.lock (the one bindery is built with).
fn pulldown_cmark_version() -> Option<String> {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).ok()?;
    let at = lock.find("name = \"pulldown-cmark\"\n")?;
    let rest = &lock[at..];
    let v = rest.split("version = \"").nth(1)?;
    Some(v[..v.find('"')?].to_string())
}

fn chapter_body(markdown: &str) -> String {
    let xhtml = common::chapter_xhtml(markdown);
    let body = &xhtml[xhtml.find("<section").unwrap()..xhtml.rfind("</section>").unwrap()];
    // The title heading the writer adds to a report without one is not part of the example.
    match body.find("<h1 id=\"chapter-title\"") {
        Some(i) => {
            let end = body[i..].find("</h1>").map_or(body.len(), |e| i + e + 5);
            format!("{}{}", &body[..i], &body[end..])
        }
        None => body.to_string(),
    }
}

/// Text a reader sees: tags removed, entities decoded, whitespace folded, typographic marks
/// written plainly.
fn text_of(html: &str) -> String {
    // A picture's text is its alt text (the harness's book has no picture files, so bindery
    // shows the alt text where the picture would be).
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let tag = &rest[i..end];
        let name: String = tag[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "img" {
            if let Some(a) = tag.find("alt=\"") {
                let alt = &tag[a + 5..];
                out.push_str(&alt[..alt.find('"').unwrap_or(alt.len())]);
            }
        } else if !matches!(
            name.as_str(),
            "em" | "strong" | "code" | "a" | "del" | "sup" | "sub" | "span"
        ) {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    let plain: String = decoded
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{a0}' => ' ',
            c => c,
        })
        .collect::<String>()
        .replace('\u{2026}', "...");
    // `--` and `---` become dashes (smart punctuation): any run of hyphens counts as one.
    let mut folded = String::with_capacity(plain.len());
    for c in plain.chars() {
        if !(c == '-' && folded.ends_with('-')) {
            folded.push(c);
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?
                }
                n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?,
                _ => return None,
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The block structure: the sequence of block-level start tags.
fn blocks_of(html: &str) -> Vec<String> {
    const BLOCKS: [&str; 15] = [
        "p",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "table",
        "tr",
    ];
    html.split('<')
        .skip(1)
        .filter(|piece| !piece.starts_with('/'))
        .map(tag_name)
        .filter(|name| BLOCKS.contains(&name.as_str()))
        .collect()
}

/// The element name a piece of HTML after `<` starts with (`/` of an end tag skipped).
fn tag_name(piece: &str) -> String {
    piece
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Examples whose expected output holds raw HTML, which bindery changes on purpose: it is
/// parsed, sanitised and written as XHTML, never passed through (unknown elements are unwrapped,
/// comments and processing instructions dropped).
fn on_purpose_different(expected: &str) -> bool {
    const WRITTEN_BY_THE_PARSER: [&str; 32] = [
        "p",
        "em",
        "strong",
        "code",
        "pre",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
        "sup",
        "sub",
        "input",
        "dl",
        "dt",
        "dd",
    ];
    expected
        .split('<')
        .skip(1)
        .any(|piece| !WRITTEN_BY_THE_PARSER.contains(&tag_name(piece).as_str()))
        || expected.contains("<a ") && !expected.contains("<a href")
        || expected.contains("<div")
}

/// Raw HTML in the Markdown that the spec passes through as it is (`<del>`, `<a href>`, a raw
/// `<table>`): bindery parses and rebuilds it, so its output is not the spec's by design.
fn passes_raw_html_through(markdown: &str, expected: &str) -> bool {
    expected.split('<').skip(1).any(|piece| {
        let name: String = piece
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        !name.is_empty() && markdown.contains(&format!("<{name}"))
    })
}

/// Examples whose difference comes from this harness, not from bindery: the one-report book it
/// builds has no picture files, so a picture shows as its alt text.
const HARNESS_DIFFERENCES: [(usize, &str); 1] = [(
    581,
    "a picture with empty alt text shows nothing without its file",
)];

#[test]
fn commonmark_spec_examples_keep_their_text_and_structure() {
    let Some(examples) = spec_examples() else {
        panic!("pulldown-cmark's spec examples were not found in cargo's registry sources");
    };
    assert!(examples.len() > 600, "{} examples", examples.len());
    let mut kept = 0;
    let mut compared = 0;
    let mut failures = Vec::new();
    for (n, markdown, expected) in &examples {
        if on_purpose_different(expected)
            || passes_raw_html_through(markdown, expected)
            || HARNESS_DIFFERENCES.iter().any(|(h, _)| h == n)
        {
            continue;
        }
        compared += 1;
        let got = chapter_body(markdown);
        let (want_text, got_text) = (text_of(expected), text_of(&got));
        let (want_blocks, got_blocks) = (blocks_of(expected), blocks_of(&got));
        if want_text == got_text && want_blocks == got_blocks {
            kept += 1;
        } else {
            failures.push(format!(
                "example {n}: {markdown:?}\n  want {want_text:?} {want_blocks:?}\n  got  {got_text:?} {got_blocks:?}"
            ));
        }
    }
    eprintln!(
        "CommonMark spec: {kept} of {compared} examples compared keep their text and block structure ({} left out on purpose)",
        examples.len() - compared
    );
    for f in failures.iter().take(40) {
        eprintln!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} examples changed text or structure",
        failures.len()
    );
}
