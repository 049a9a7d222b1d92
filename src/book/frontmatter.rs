//! Front matter at the top of a report: YAML between `---` lines or TOML between `+++` lines.
//!
//! Read into a generic value first and then picked apart, so a TOML date (`date = 2024-05-01`) and a
//! YAML string date both work, and keys other tools use (`tags`, `draft`, …) are simply ignored.
//! `serde_norway` (YAML) lives here only.

use crate::diag::{Code, Diagnostic, FileId, Span};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub date: Option<String>,
    pub lang: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
}

/// A scalar or list found in front matter, whichever syntax it was written in.
enum Value {
    Text(String),
    Number(i64),
    List(Vec<Value>),
    Other,
}

/// Front matter split off a report.
#[derive(Debug, Default)]
pub struct Split {
    pub front: FrontMatter,
    /// Where the Markdown body starts (0 when there is no front matter).
    pub body_start: usize,
    /// Keys with values of the wrong kind (ignored), or a block that looked like front matter
    /// but did not parse (read as Markdown).
    pub warnings: Vec<Diagnostic>,
}

/// Split front matter off `text`. A block between `---` (or `+++`) lines is front matter only
/// when it parses as a YAML (or TOML) mapping; anything else is Markdown (`---\nFoo\n---` is a
/// thematic break and a heading), so nothing is ever dropped.
pub fn split(text: &str, file: FileId) -> Split {
    match split_strict(text, file) {
        Ok((front, body_start, warnings)) => Split {
            front,
            body_start,
            warnings,
        },
        Err(None) => Split::default(),
        Err(Some(d)) => Split {
            warnings: vec![d],
            ..Split::default()
        },
    }
}

/// `Err(Some(warning))`: it looked like front matter and is read as Markdown.
type Strict = Result<(FrontMatter, usize, Vec<Diagnostic>), Option<Diagnostic>>;

fn split_strict(text: &str, file: FileId) -> Strict {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let (fence, is_yaml) = if rest.starts_with("---") {
        ("---", true)
    } else if rest.starts_with("+++") {
        ("+++", false)
    } else {
        return Err(None);
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != fence {
        return Err(None); // `----` or `--- x`: not front matter
    }
    let content_start = start + first_line_end;
    // Find the closing fence on a line of its own (YAML also allows `...`).
    let mut pos = content_start;
    let mut close = None;
    for line in text[content_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == fence || (is_yaml && t == "...") {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((content_end, body_start)) = close else {
        // A lone `---` at the top is a thematic break in Markdown, not front matter.
        let looks_like = looks_like_keys(&text[content_start..]);
        return Err(looks_like.then(|| {
            Diagnostic::warning("front matter is not closed; it is read as Markdown")
                .at(Span::new(file, start..start + 3))
                .code(Code::FrontMatter)
                .hint(format!("end the front matter with a line `{fence}`"))
        }));
    };
    let source = &text[content_start..content_end];
    let parsed = if is_yaml {
        parse_yaml(source, file, content_start)
    } else {
        parse_toml(source, file, content_start)
    };
    let value = match parsed {
        Ok(Value::List(pairs)) => Value::List(pairs),
        Ok(Value::Other) if source.trim().is_empty() => Value::Other,
        // A scalar or a list: Markdown between two rules, not front matter.
        Ok(_) => return Err(None),
        Err(d) => return Err(looks_like_keys(source).then_some(d)),
    };
    let mut warnings = Vec::new();
    let fm = extract(value, file, content_start..content_end, &mut warnings);
    Ok((fm, body_start, warnings))
}

/// Whether a block's first line reads as a `key: value` (or `key = value`) line: then a parse
/// error is worth a warning, since the author meant front matter.
fn looks_like_keys(block: &str) -> bool {
    let Some(line) = block.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let key_len = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    key_len > 0 && matches!(line[key_len..].trim_start().chars().next(), Some(':' | '='))
}

fn parse_yaml(source: &str, file: FileId, base: usize) -> Result<Value, Diagnostic> {
    if source.trim().is_empty() {
        return Ok(Value::Other);
    }
    let v: serde_norway::Value = serde_norway::from_str(source).map_err(|e| {
        let at = e.location().map_or(0, |l| l.index());
        Diagnostic::warning(format!(
            "invalid YAML front matter: {e}; the lines are read as Markdown"
        ))
        .code(Code::FrontMatter)
        .at(Span::new(file, base + at..base + at))
        .hint("front matter is YAML between two `---` lines, e.g. `title: My report`")
    })?;
    Ok(from_yaml(v))
}

fn from_yaml(v: serde_norway::Value) -> Value {
    match v {
        serde_norway::Value::String(s) => Value::Text(s),
        serde_norway::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Number(i),
            None => Value::Text(n.to_string()),
        },
        serde_norway::Value::Bool(b) => Value::Text(b.to_string()),
        serde_norway::Value::Sequence(s) => Value::List(s.into_iter().map(from_yaml).collect()),
        serde_norway::Value::Mapping(m) => {
            let mut out = Vec::new();
            for (k, v) in m {
                if let serde_norway::Value::String(k) = k {
                    out.push(Value::List(vec![Value::Text(k), from_yaml(v)]));
                }
            }
            // Top-level mappings are represented as a list of [key, value] pairs.
            Value::List(out)
        }
        _ => Value::Other,
    }
}

fn parse_toml(source: &str, file: FileId, base: usize) -> Result<Value, Diagnostic> {
    let table: toml::Table = toml::from_str(source).map_err(|e| {
        let at = e.span().unwrap_or(0..0);
        Diagnostic::warning(format!(
            "invalid TOML front matter: {}; the lines are read as Markdown",
            e.message()
        ))
        .code(Code::FrontMatter)
        .at(Span::new(file, base + at.start..base + at.end))
        .hint("front matter is TOML between two `+++` lines, e.g. `title = \"My report\"`")
    })?;
    Ok(Value::List(
        table
            .into_iter()
            .map(|(k, v)| Value::List(vec![Value::Text(k), from_toml(v)]))
            .collect(),
    ))
}

fn from_toml(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::Text(s),
        toml::Value::Integer(i) => Value::Number(i),
        toml::Value::Datetime(d) => Value::Text(d.to_string()),
        toml::Value::Float(f) => Value::Text(f.to_string()),
        toml::Value::Boolean(b) => Value::Text(b.to_string()),
        toml::Value::Array(a) => Value::List(a.into_iter().map(from_toml).collect()),
        toml::Value::Table(_) => Value::Other,
    }
}

fn extract(
    value: Value,
    file: FileId,
    range: std::ops::Range<usize>,
    warnings: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let Value::List(pairs) = value else {
        return fm;
    };
    // A value of the wrong kind: the key is ignored, with a warning; the rest is kept.
    let mut wrong = |key: &str, what: &str| {
        warnings.push(
            Diagnostic::warning(format!(
                "front matter key `{key}` must be {what}; it is ignored"
            ))
            .at(Span::new(file, range.clone()))
            .code(Code::FrontMatter)
            .hint("fix the value or remove the key"),
        );
    };
    for pair in pairs {
        let Value::List(mut kv) = pair else { continue };
        if kv.len() != 2 {
            continue;
        }
        let v = kv.pop().unwrap_or(Value::Other);
        let Some(Value::Text(key)) = kv.pop() else {
            continue;
        };
        match key.as_str() {
            "title" => match text(v) {
                Some(t) => fm.title = Some(t),
                None => wrong(&key, "text"),
            },
            "date" => match text(v) {
                // A time may follow the day (`2024-05-01T10:00`); the day must exist.
                Some(t)
                    if crate::config::is_w3c_date(
                        t.get(..10).filter(|_| t.len() > 10).unwrap_or(&t),
                    ) =>
                {
                    fm.date = Some(t)
                }
                _ => wrong(&key, "a date such as 2024-05-01"),
            },
            "lang" | "language" => match text(v) {
                Some(lang) if is_language_tag(&lang) => fm.lang = Some(lang),
                _ => wrong(&key, "a language tag such as `vi` or `en-GB`"),
            },
            "description" | "summary" => match text(v) {
                Some(t) => fm.description = Some(t),
                None => wrong(&key, "text"),
            },
            "author" | "authors" => match v {
                Value::List(items) => fm.authors = items.into_iter().filter_map(text).collect(),
                other => match text(other) {
                    Some(t) => fm.authors = vec![t],
                    None => wrong(&key, "a name or a list of names"),
                },
            },
            "weight" => match v {
                Value::Number(n) => fm.weight = Some(n),
                _ => wrong(&key, "a whole number"),
            },
            _ => {}
        }
    }
    fm
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A plausible BCP 47 tag: letters, digits and hyphens, starting with 2-3 letters.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let text = "---\ntitle: Hội nghị\nauthors: [An, Bình]\ndate: 2024-05-01\nlang: vi\nweight: 3\ntags: [x]\n---\nBody";
        let Split {
            front: fm,
            body_start: body,
            ..
        } = split(text, FileId(0));
        assert_eq!(fm.title.as_deref(), Some("Hội nghị"));
        assert_eq!(fm.authors, vec!["An", "Bình"]);
        assert_eq!(fm.date.as_deref(), Some("2024-05-01"));
        assert_eq!(fm.lang.as_deref(), Some("vi"));
        assert_eq!(fm.weight, Some(3));
        assert_eq!(&text[body..], "Body");
    }

    #[test]
    fn toml_front_matter_with_native_date() {
        let text = "+++\ntitle = \"T\"\ndate = 2024-05-01\nauthor = \"A\"\n+++\n\nBody";
        let Split {
            front: fm,
            body_start: body,
            ..
        } = split(text, FileId(0));
        assert_eq!(fm.date.as_deref(), Some("2024-05-01"));
        assert_eq!(fm.authors, vec!["A"]);
        assert_eq!(text[body..].trim(), "Body");
    }

    #[test]
    fn no_front_matter_and_thematic_break() {
        assert_eq!(split("# Title\n", FileId(0)).body_start, 0);
        assert_eq!(split("---\nnot closed, a rule\n", FileId(0)).body_start, 0);
        // Not a mapping: a thematic break and a setext heading, nothing dropped, no warning.
        let s = split("---\nFoo\n---\n\nText", FileId(0));
        assert_eq!((s.body_start, s.warnings.len()), (0, 0));
        let s = split("+++\njust words\n+++\n", FileId(0));
        assert_eq!((s.body_start, s.warnings.len()), (0, 0));
    }

    #[test]
    fn invalid_yaml_points_into_the_block_and_is_read_as_markdown() {
        let text = "---\ntitle: [unclosed\n---\n";
        let s = split(text, FileId(0));
        assert_eq!(s.body_start, 0);
        let d = &s.warnings[0];
        assert!(d.message.contains("YAML"));
        assert!(d.span.unwrap().start >= 4);
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_or_fails_cleanly(body in "\\PC{0,200}", fence in proptest::prelude::prop_oneof![proptest::prelude::Just("---"), proptest::prelude::Just("+++"), proptest::prelude::Just("")]) {
            let text = format!("{fence}\n{body}\n{fence}\n");
            let start = split(&text, FileId(0)).body_start;
            proptest::prop_assert!(start <= text.len() && text.is_char_boundary(start));
        }
    }

    #[test]
    fn wrong_type_is_named() {
        let s = split("---\nweight: heavy\ntitle: T\n---\n", FileId(0));
        assert!(s.warnings[0].message.contains("weight"));
        assert_eq!(s.front.title.as_deref(), Some("T"));
        let s = split("---\nlang: \"not a tag!\"\n---\n", FileId(0));
        assert!(s.warnings[0].message.contains("lang"));
        let s = split("---\ndate: 2024-02-30\ntitle: T\n---\n", FileId(0));
        assert!(s.warnings[0].message.contains("date"), "{:?}", s.warnings);
        assert_eq!(s.front.date, None);
        let s = split("---\ndate: 2024-02-29T10:00\n---\n", FileId(0));
        assert!(s.warnings.is_empty() && s.front.date.is_some());
    }
}
