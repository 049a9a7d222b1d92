//! Maths masking, the front end of maths: TeX is found in the body before pulldown-cmark reads
//! it, and masked with letters of the same length, so no emphasis, link or escape is ever found
//! inside a formula; the builder puts the original text back as one maths node.

use crate::text::nfc;

/// Byte ranges of TeX in mdBook's MathJax delimiters (`\\(`..`\\)`, `\\[`..`\\]`, `$$`..`$$`,
/// delimiters included), outside code. A delimiter never closed is text.
pub(super) fn math_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            // Fenced code blocks: nothing inside is maths.
            let indent = bytes[i..].iter().take_while(|&&c| c == b' ').count();
            let at = i + indent;
            let run = |c: u8| bytes[at..].iter().take_while(|&&b| b == c).count();
            let mut fence_line = false;
            if indent < 4 && at < bytes.len() && matches!(bytes[at], b'`' | b'~') {
                let (c, n) = (bytes[at], run(bytes[at]));
                match fence {
                    None if n >= 3 => {
                        fence = Some((c, n));
                        fence_line = true;
                    }
                    Some((fc, fn_)) if fc == c && n >= fn_ => {
                        fence = None;
                        fence_line = true;
                    }
                    _ => {}
                }
            }
            // A fence line (opening or closing) holds no maths: skip it whole.
            if fence_line {
                match text[i..].find('\n') {
                    Some(n) => {
                        i += n + 1;
                        continue;
                    }
                    None => break,
                }
            }
        }
        line_start = false;
        if fence.is_some() {
            match text[i..].find('\n') {
                Some(n) => {
                    i += n + 1;
                    line_start = true;
                }
                None => break,
            }
            continue;
        }
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'`' => {
                // An inline code span: skip to the closing run of the same length.
                let n = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                let run = "`".repeat(n);
                i = match text[i + n..].find(&run) {
                    Some(close) => i + n + close + n,
                    None => i + n,
                };
            }
            _ => {
                let rest = &text[i..];
                let delimiters = [("\\\\(", "\\\\)"), ("\\\\[", "\\\\]"), ("$$", "$$")];
                let found = delimiters.iter().find_map(|(open, close)| {
                    let inner = rest.strip_prefix(open)?;
                    let e = inner.find(close).filter(|&e| e > 0)?;
                    Some(open.len() + e + close.len())
                });
                match found {
                    Some(len) => {
                        out.push(i..i + len);
                        i += len;
                    }
                    None => i += rest.chars().next().map_or(1, char::len_utf8),
                }
            }
        }
    }
    out
}

/// `text` with every range replaced by as many plain letters (line breaks kept), so the
/// Markdown parser reads no syntax there and every byte offset stays where it was.
pub(super) fn mask(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for r in ranges {
        out.push_str(&text[from..r.start]);
        for c in text[r.clone()].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n('m', c.len_utf8()));
            }
        }
        from = r.end;
    }
    out.push_str(&text[from..]);
    out
}

/// TeX as a book shows it with MathJax: `\\(x\\)` in the Markdown is `\(x\)` on the page.
pub(super) fn math_text(source: &str) -> String {
    let tex = if let Some(inner) = source
        .strip_prefix("\\\\(")
        .and_then(|s| s.strip_suffix("\\\\)"))
    {
        format!("\\({inner}\\)")
    } else if let Some(inner) = source
        .strip_prefix("\\\\[")
        .and_then(|s| s.strip_suffix("\\\\]"))
    {
        format!("\\[{inner}\\]")
    } else {
        source.to_string()
    };
    nfc(&tex)
}
