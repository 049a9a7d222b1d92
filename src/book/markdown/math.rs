//! Maths masking, the front end of maths: TeX is found in the body before pulldown-cmark reads
//! it, and masked with letters of the same length, so no emphasis, link or escape is ever found
//! inside a formula; the builder puts the original text back as one maths node.

use crate::diag::Span;
use crate::doc::Formula;
use crate::text::nfc;

/// Which delimiters mark maths in a book: as many as its book.toml declares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MathSyntax {
    /// mdBook's `mathjax-support`: `\\(`..`\\)`, `\\[`..`\\]` and `$$`..`$$`.
    pub mathjax: bool,
    /// The KaTeX preprocessor's `$`..`$` and `$$`..`$$`, with `\$` a dollar sign. A `$` opens
    /// maths only before a non-space and closes it only after a non-space and not before a digit,
    /// so prices (`$5 and $10`) stay text.
    pub dollars: bool,
    /// GitHub's maths (`[bindery] github-math`): the dollars as above, `` $`…`$ `` (dollars
    /// around a code span), and ```` ```math ```` blocks as display maths.
    pub github: bool,
}

impl MathSyntax {
    pub fn any(self) -> bool {
        self.mathjax || self.dollars || self.github
    }

    /// `$`..`$` and `$$`..`$$` are maths (the KaTeX preprocessor's, or GitHub's).
    fn reads_dollars(self) -> bool {
        self.dollars || self.github
    }
}

/// Byte ranges of TeX in the delimiters `syntax` declares (delimiters included), outside code.
/// A delimiter never closed is text.
pub(super) fn math_ranges(text: &str, syntax: MathSyntax) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = true;
    // No `$` before this offset closes inline maths (see `inline_dollars`).
    let mut no_closer_before = 0;
    while i < bytes.len() {
        // A fence line (opening or closing) holds no maths: skip it whole.
        if line_start && fence_line(&bytes[i..], &mut fence) {
            match text[i..].find('\n') {
                Some(n) => {
                    i += n + 1;
                    continue;
                }
                None => break,
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
            b'\\' if syntax.reads_dollars() && bytes.get(i + 1) == Some(&b'$') => i += 2,
            b'$' if syntax.github && bytes.get(i + 1) == Some(&b'`') => {
                match dollars_around_code(&text[i..]) {
                    Some(len) => {
                        out.push(i..i + len);
                        i += len;
                    }
                    // Not GitHub's form: the code span is read as code.
                    None => i += 1,
                }
            }
            _ => {
                let rest = &text[i..];
                let delimiters: &[(&str, &str)] = if syntax.mathjax {
                    &[("\\\\(", "\\\\)"), ("\\\\[", "\\\\]"), ("$$", "$$")]
                } else {
                    &[("$$", "$$")]
                };
                let found = delimiters
                    .iter()
                    .find_map(|(open, close)| {
                        let inner = rest.strip_prefix(open)?;
                        let e = inner.find(close).filter(|&e| e > 0)?;
                        Some(open.len() + e + close.len())
                    })
                    .or_else(|| {
                        if !syntax.reads_dollars() || i < no_closer_before {
                            return None;
                        }
                        inline_dollars(rest)
                            .map_err(|stop| no_closer_before = i + stop)
                            .ok()
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

/// Whether the line starting `line` opens or closes a fenced code block (in which nothing is
/// maths), updating `fence`, the open fence's character and length.
fn fence_line(line: &[u8], fence: &mut Option<(u8, usize)>) -> bool {
    let indent = line.iter().take_while(|&&c| c == b' ').count();
    let Some(&c) = line.get(indent).filter(|c| matches!(c, b'`' | b'~')) else {
        return false;
    };
    if indent >= 4 {
        return false;
    }
    let n = line[indent..].iter().take_while(|&&b| b == c).count();
    match *fence {
        None if n >= 3 => {
            *fence = Some((c, n));
            true
        }
        Some((open, length)) if open == c && n >= length => {
            *fence = None;
            true
        }
        _ => false,
    }
}

/// The length of `$TeX$` at the start of `rest`, by the rule that keeps prices text: the opening
/// `$` is followed by a non-space, the closing one (not escaped) follows a non-space and is not
/// followed by a digit, and no blank line or code span comes between.
///
/// `Err(n)`: no `$` in the first `n` bytes of `rest` closes maths for any opening `$` there (a
/// closing `$` qualifies whichever `$` opened), so the caller tries no opening `$` before them
/// again and a paragraph of unclosed dollars is read once, not once per dollar.
fn inline_dollars(rest: &str) -> Result<usize, usize> {
    let Some(inner) = rest.strip_prefix('$') else {
        return Err(0);
    };
    if inner.starts_with('$') || inner.starts_with(char::is_whitespace) {
        return Err(0);
    }
    let bytes = inner.as_bytes();
    let mut j = 0;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            // Code is never inside inline maths: the code span is read as code.
            b'`' => return Err(1 + j),
            b'\n'
                if inner[j + 1..]
                    .trim_start_matches([' ', '\t', '\r'])
                    .starts_with('\n') =>
            {
                return Err(1 + j)
            }
            b'$' => {
                let before = inner[..j].chars().next_back();
                let after = inner[j + 1..].chars().next();
                if j > 0
                    && before.is_some_and(|c| !c.is_whitespace())
                    && !after.is_some_and(|c| c.is_ascii_digit())
                {
                    return Ok(1 + j + 1);
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
    Err(rest.len())
}

/// The length of GitHub's `` $`TeX`$ `` at the start of `rest`: a dollar, a run of backticks,
/// the TeX, the same run of backticks and a dollar, with no blank line between.
fn dollars_around_code(rest: &str) -> Option<usize> {
    let ticks = rest[1..].bytes().take_while(|&b| b == b'`').count();
    let inner_start = 1 + ticks;
    let closer = format!("{}$", "`".repeat(ticks));
    let mut from = inner_start;
    while let Some(found) = rest[from..].find(&closer) {
        let at = from + found;
        let inner = &rest[inner_start..at];
        if inner.contains("\n\n") || inner.trim().is_empty() {
            return None;
        }
        // A longer run of backticks is not the closer.
        if !inner.ends_with('`') {
            return Some(at + closer.len());
        }
        from = at + 1;
    }
    None
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

/// The formula written at `raw` (delimiters included, at `span`), as the web book's maths engine
/// reads it. MathJax reads the page Markdown made, so formulas between MathJax's delimiters lose
/// Markdown's backslash escapes (`\\(x\\)` is `\(x\)`, `\\{` is `\{`); the KaTeX preprocessor
/// reads the source as written, and its dollars win where a book declares both.
pub(super) fn formula(raw: &str, span: Span, syntax: MathSyntax) -> Formula {
    let after_markdown =
        raw.starts_with("\\\\") || (raw.starts_with("$$") && !syntax.reads_dollars());
    let source = nfc(&if after_markdown {
        unescape(raw)
    } else {
        raw.to_string()
    });
    let ticks = source
        .strip_prefix('$')
        .map_or(0, |r| r.bytes().take_while(|&b| b == b'`').count());
    let (delimiter, display) = if ticks > 0 {
        (1 + ticks, false)
    } else if source.starts_with("\\(") {
        (2, false)
    } else if source.starts_with("\\[") || source.starts_with("$$") {
        (2, true)
    } else {
        (1, false)
    };
    let tex = source
        .get(delimiter..source.len().saturating_sub(delimiter))
        .unwrap_or_default()
        .to_string();
    Formula {
        source,
        tex,
        display,
        mathml: None,
        span,
    }
}

/// CommonMark's backslash escapes taken out: a backslash before ASCII punctuation stands for
/// that character.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek().filter(|n| n.is_ascii_punctuation()) {
                out.push(next);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}
