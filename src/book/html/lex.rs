//! The tokenizer's side of raw HTML: tags lexed one at a time (inline HTML arrives from the
//! Markdown parser tag by tag), entities, white space, and the scans that decide how a block is
//! read before any tree is built (how deep it nests, whether it leaves a table open, CDATA).

use crate::text::nfc;

/// One tag as written in inline HTML.
#[derive(Debug, PartialEq)]
pub enum Token {
    Open {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    Close(String),
    Comment,
}

/// Lex one inline HTML tag. Lenient like browsers: unquoted values, missing values.
pub fn lex_tag(raw: &str) -> Option<Token> {
    let s = raw.trim();
    if s.starts_with("<!--") || s.starts_with("<!") || s.starts_with("<?") {
        return Some(Token::Comment);
    }
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    if let Some(name) = inner.strip_prefix('/') {
        return Some(Token::Close(name.trim().to_ascii_lowercase()));
    }
    let self_closing = inner.ends_with('/');
    let inner = inner.trim_end_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    Some(Token::Open {
        name,
        attrs: lex_attrs(&inner[name_end..]),
        self_closing,
    })
}

pub(super) fn lex_attrs(s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
            i += 1;
        }
        if start == i {
            i += 1;
            continue;
        }
        let name = s[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = s[vs..i.min(b.len())].to_string();
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[vs..i].to_string();
            }
        }
        attrs.push((name, decode_entities(&value)));
    }
    attrs
}

pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

pub(super) fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// HTML text with runs of white space folded to one space, as a browser shows it.
pub(super) fn fold_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    nfc(&out)
}

/// How deep the elements of an HTML text nest, read from its tags alone (void elements and
/// `<x/>` do not open a level; an end tag closes one).
pub(super) fn nesting_depth(text: &str) -> usize {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('<') {
        match bytes.get(i + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let rest = &text[i + 1..];
                let name_len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .unwrap_or(rest.len());
                let name = rest[..name_len].to_ascii_lowercase();
                // A tag ends within a few KiB; looking no further keeps the scan linear.
                let window = &rest.as_bytes()[..rest.len().min(4096)];
                let self_closing = window
                    .iter()
                    .position(|&b| b == b'>')
                    .is_some_and(|end| end > 0 && window[end - 1] == b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

/// Text with every tag removed (for a block too deep to parse).
pub(super) fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether an HTML block leaves a `<table>` open (its rows go on after a blank line).
pub fn opens_more_tables_than_it_closes(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let opens = lower
        .match_indices("<table")
        .filter(|(i, _)| {
            lower[i + 6..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_whitespace())
        })
        .count();
    opens > lower.matches("</table").count()
}

/// `<![CDATA[a < b]]>` is text in XHTML; the HTML parser would drop it as a comment, so it is
/// written as escaped text first.
pub(super) fn cdata_as_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&rest[..i]);
        let inner = &rest[i + 9..];
        let (content, after) = match inner.find("]]>") {
            Some(e) => (&inner[..e], &inner[e + 3..]),
            None => (inner, ""),
        };
        out.push_str(
            &content
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
        );
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_lenient_tags() {
        assert_eq!(
            lex_tag("<img src=a.png alt='x y' hidden>"),
            Some(Token::Open {
                name: "img".into(),
                attrs: vec![
                    ("src".into(), "a.png".into()),
                    ("alt".into(), "x y".into()),
                    ("hidden".into(), String::new())
                ],
                self_closing: false
            })
        );
        assert_eq!(lex_tag("</SPAN>"), Some(Token::Close("span".into())));
        assert_eq!(lex_tag("<!-- c -- d -->"), Some(Token::Comment));
        assert_eq!(
            lex_tag("<br/>").map(|t| matches!(
                t,
                Token::Open {
                    self_closing: true,
                    ..
                }
            )),
            Some(true)
        );
        assert_eq!(lex_tag("< 3"), None);
    }
}
