//! The book's own commands, expanded in a formula before it is read, as KaTeX expands macros:
//! `\name` followed by as many arguments as its definition uses (`#1` to `#9`), each a braced
//! group or a single token. A definition may use other definitions; expansion is bounded, so
//! a definition that uses itself is a problem, not a hang.

use std::borrow::Cow;
use std::collections::HashMap;

use super::MacroDefinition;

/// At most this many expansions in one formula, and at most this many bytes of TeX after them.
const MAX_EXPANSIONS: usize = 10_000;
const MAX_EXPANDED_BYTES: usize = 1 << 20;

/// The book's commands by name: how many arguments each takes, and its definition.
#[derive(Debug, Default)]
pub struct Macros {
    by_name: HashMap<String, (usize, String)>,
}

/// Expansion did not end within the bounds: a definition uses itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndlessExpansion {
    /// The command whose expansion went over the bounds.
    pub name: String,
}

impl Macros {
    /// The commands of `definitions`; a later definition of a name replaces an earlier one.
    pub fn new(definitions: &[MacroDefinition]) -> Macros {
        let by_name = definitions
            .iter()
            .map(|d| (d.name.clone(), (parameter_count(&d.body), d.body.clone())))
            .collect();
        Macros { by_name }
    }

    /// `tex` with every use of a command replaced by its definition (borrowed when there is
    /// none). A use without all its arguments is left as written, for the reader to report.
    pub fn expand<'a>(&self, tex: &'a str) -> Result<Cow<'a, str>, EndlessExpansion> {
        if self.by_name.is_empty() || !tex.contains('\\') {
            return Ok(Cow::Borrowed(tex));
        }
        let mut text = tex.to_string();
        let mut at = 0;
        let mut expansions = 0;
        // Nothing replaced: the TeX as written (the reader's places are then the book's).
        while let Some(offset) = text[at..].find('\\') {
            let start = at + offset;
            let name_end = command_end(&text, start + 1);
            let Some((count, body)) = self.by_name.get(&text[start + 1..name_end]) else {
                at = name_end;
                continue;
            };
            let mut args = Vec::with_capacity(*count);
            let mut end = name_end;
            for _ in 0..*count {
                match argument(&text, end) {
                    Some((arg, next)) => {
                        args.push(arg);
                        end = next;
                    }
                    None => break,
                }
            }
            if args.len() < *count {
                at = name_end;
                continue;
            }
            let replacement = substitute(body, &args);
            expansions += 1;
            if expansions > MAX_EXPANSIONS
                || text.len() - (end - start) + replacement.len() > MAX_EXPANDED_BYTES
            {
                return Err(EndlessExpansion {
                    name: text[start + 1..name_end].to_string(),
                });
            }
            text.replace_range(start..end, &replacement);
            // The replacement is read again: it may use other commands.
            at = start;
        }
        if expansions == 0 {
            return Ok(Cow::Borrowed(tex));
        }
        Ok(Cow::Owned(text))
    }
}

/// The highest `#n` a definition uses.
fn parameter_count(body: &str) -> usize {
    let bytes = body.as_bytes();
    let mut most = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'#' {
            if bytes[i + 1] == b'#' {
                i += 2;
                continue;
            }
            if bytes[i + 1].is_ascii_digit() && bytes[i + 1] != b'0' {
                most = most.max(usize::from(bytes[i + 1] - b'0'));
            }
        }
        i += 1;
    }
    most
}

/// The end of the command name starting at `from` (just after its backslash): a run of ASCII
/// letters, or else one character.
fn command_end(text: &str, from: usize) -> usize {
    let letters = text[from..]
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    if letters > 0 {
        from + letters
    } else {
        from + text[from..].chars().next().map_or(0, char::len_utf8)
    }
}

/// The argument starting at `from` (after spaces): a braced group without its braces, or one
/// token (a command or a character); and where it ends. `None`: no argument there.
fn argument(text: &str, from: usize) -> Option<(String, usize)> {
    let start = from + text[from..].len() - text[from..].trim_start().len();
    let first = text[start..].chars().next()?;
    match first {
        '{' => {
            let mut depth = 0usize;
            let mut i = start;
            let bytes = text.as_bytes();
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 1,
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((text[start + 1..i].to_string(), i + 1));
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        '}' => None,
        '\\' => {
            let end = command_end(text, start + 1);
            Some((text[start..end].to_string(), end))
        }
        c => Some((c.to_string(), start + c.len_utf8())),
    }
}

/// `body` with `#n` replaced by the n-th argument and `##` by `#`.
fn substitute(body: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '#' {
            match chars.peek() {
                Some('#') => {
                    chars.next();
                    out.push('#');
                    continue;
                }
                Some(d @ '1'..='9') => {
                    let n = *d as usize - '1' as usize;
                    if let Some(arg) = args.get(n) {
                        chars.next();
                        out.push_str(arg);
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn macros(defs: &[(&str, &str)]) -> Macros {
        let defs: Vec<MacroDefinition> = defs
            .iter()
            .enumerate()
            .map(|(i, (name, body))| MacroDefinition {
                name: name.to_string(),
                body: body.to_string(),
                line: i + 1,
            })
            .collect();
        Macros::new(&defs)
    }

    #[test]
    fn commands_with_arguments_and_commands_inside_commands() {
        let m = macros(&[
            ("Repr", r"\star"),
            ("gd", r"{\mathsf{g\Repr_d}}"),
            ("pair", r"(#1, #2)"),
            ("check", r"\texttt{check}({#1})"),
        ]);
        assert_eq!(m.expand(r"\gd + 1").unwrap(), r"{\mathsf{g\star_d}} + 1");
        assert_eq!(
            m.expand(r"\pair{a}{\frac{1}{2}}").unwrap(),
            r"(a, \frac{1}{2})"
        );
        assert_eq!(m.expand(r"\pair x \Repr").unwrap(), r"(x, \star)");
        assert_eq!(m.expand(r"\check{}").unwrap(), r"\texttt{check}({})");
        // Longer names are other commands; `\\` is a line break, not a command named `\`.
        assert_eq!(m.expand(r"\Reprs \\ \Repr2").unwrap(), r"\Reprs \\ \star2");
        // A use without its arguments is left for the reader to report.
        assert_eq!(m.expand(r"x = \pair{a}").unwrap(), r"x = \pair{a}");
        assert!(matches!(m.expand("no commands"), Ok(Cow::Borrowed(_))));
        assert!(matches!(m.expand(r"\alpha + \Reprs"), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn a_definition_that_uses_itself_is_a_problem_not_a_hang() {
        let m = macros(&[("a", r"\a\a"), ("b", r"x\b")]);
        assert_eq!(m.expand(r"\a").unwrap_err().name, "a");
        assert_eq!(m.expand(r"\b").unwrap_err().name, "b");
    }

    #[test]
    fn parameters_and_escaped_hashes() {
        assert_eq!(parameter_count(r"#1 + #3 ## #0"), 3);
        assert_eq!(substitute(r"#1##2#2", &["a".into(), "b".into()]), "a#2b");
    }
}
