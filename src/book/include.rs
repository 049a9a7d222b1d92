//! mdBook's text directives: `{{#include}}`, `{{#rustdoc_include}}`, `{{#playground}}` and
//! `{{#title}}`, expanded before Markdown parsing exactly as mdBook's `links` preprocessor does.
//!
//! The expanded chapter is a new text; [`Segment`]s map each piece of it back to the file and offset
//! it was read from, so a diagnostic inside included text still names the included file's line.

use std::path::{Path, PathBuf};

use crate::book::fs::{BookFs, Refused};
use crate::diag::{Code, Diagnostic, Diagnostics, FileId, Segment, SourceMap, Span};

/// A chapter's text after directive expansion.
pub struct Expanded {
    pub text: String,
    pub segments: Vec<Segment>,
    /// Set by `{{#title ...}}`.
    pub title: Option<String>,
}

struct Ctx<'a> {
    fs: &'a BookFs,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    max_depth: usize,
    stack: Vec<PathBuf>,
    title: Option<String>,
    /// Expansions done so far, against [`MAX_EXPANSIONS`].
    expansions: usize,
    /// Bytes of included files read so far in this chapter, at every depth: the budget is for
    /// the whole chapter, so nesting cannot multiply it, and a file included many times for a
    /// line or two still counts whole (it is read, and kept for diagnostics, each time).
    read: usize,
    /// Set once a budget is exceeded: one error, and no further expansion.
    over_budget: bool,
}

/// Most `{{#include}}` expansions in one chapter: depth alone does not bound the work (nine files
/// of sixteen includes each, nested nine deep, are 16^9 expansions under a depth limit of 16).
pub const MAX_EXPANSIONS: usize = 4096;

/// The expanded chapter may be at most this many times the report size limit.
pub const EXPANSION_FACTOR: u64 = 4;

/// Where a text to expand came from: bytes `base..` of `file`, read from `path`.
pub struct Origin<'a> {
    pub text: &'a str,
    pub file: FileId,
    pub base: usize,
    pub path: &'a Path,
}

/// Expand every directive in the origin's text.
pub fn expand(
    origin: Origin,
    fs: &BookFs,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    max_depth: usize,
) -> Expanded {
    let Origin {
        text,
        file,
        base,
        path,
    } = origin;
    if !text.contains("{{") {
        return Expanded {
            text: text.to_string(),
            segments: Vec::new(),
            title: None,
        };
    }
    let mut ctx = Ctx {
        fs,
        sources,
        diags,
        max_depth,
        stack: vec![path.to_path_buf()],
        title: None,
        expansions: 0,
        read: 0,
        over_budget: false,
    };
    let mut out = String::with_capacity(text.len());
    let mut segments = Vec::new();
    expand_into(&mut ctx, text, file, base, path, &mut out, &mut segments);
    Expanded {
        text: out,
        segments,
        title: ctx.title,
    }
}

/// A directive found in a text: `{{#name args}}` at `start..end`.
struct Directive<'t> {
    start: usize,
    end: usize,
    name: &'t str,
    args: &'t str,
}

/// The next directive at or after `from`, read as mdBook reads them: `{{#name args}}` with a name
/// of letters, digits and `_`, and arguments that are not empty and hold no `}`. Anything else
/// (`{{#include}}` with no file, in a sentence about the syntax) stays literal text.
fn next_directive(text: &str, mut from: usize) -> Option<Directive<'_>> {
    while let Some(rel) = text[from..].find("{{") {
        let start = from + rel;
        from = start + 2;
        let rest = text[start + 2..].trim_start();
        let Some(rest) = rest.strip_prefix('#') else {
            continue;
        };
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_len);
        let Some(close) = after.find('}') else {
            continue;
        };
        let args = after[..close].trim();
        if name.is_empty() || args.is_empty() || !after[close..].starts_with("}}") {
            continue;
        }
        let end = text.len() - after.len() + close + 2;
        return Some(Directive {
            start,
            end,
            name,
            args,
        });
    }
    None
}

/// Append the expansion of `text` (whose bytes start at `base` in `file`) to `out`.
fn expand_into(
    ctx: &mut Ctx,
    text: &str,
    file: FileId,
    base: usize,
    path: &Path,
    out: &mut String,
    segments: &mut Vec<Segment>,
) {
    let mut copy_from = 0;
    let mut search = 0;
    let push_piece = |out: &mut String, segments: &mut Vec<Segment>, from: usize, to: usize| {
        if from < to {
            segments.push(Segment {
                range: out.len()..out.len() + (to - from),
                origin: file,
                origin_offset: base + from,
            });
            out.push_str(&text[from..to]);
        }
    };
    while let Some(d) = next_directive(text, search) {
        search = d.end;
        // `\{{#include x}}` is an escaped directive: keep it literally, without the backslash.
        if d.start > 0 && text.as_bytes()[d.start - 1] == b'\\' {
            push_piece(out, segments, copy_from, d.start - 1);
            copy_from = d.start;
            continue;
        }
        let span = Span::new(file, base + d.start..base + d.end);
        match d.name {
            "include" | "rustdoc_include" | "playground" => {
                push_piece(out, segments, copy_from, d.start);
                copy_from = d.end;
                include(ctx, d.name, d.args, span, path, out, segments);
            }
            "title" => {
                push_piece(out, segments, copy_from, d.start);
                copy_from = d.end;
                ctx.title = Some(d.args.to_string());
            }
            _ => {} // `{{#something}}` we do not know: leave it as text, like mdBook
        }
    }
    push_piece(out, segments, copy_from, text.len());
}

/// Which part of an included file to take.
#[derive(Debug, PartialEq)]
enum Selection {
    All,
    Lines(Option<usize>, Option<usize>),
    Anchor(String),
}

/// `file.rs:anchor`, `file.rs:3:10` and so on; words after the file (`{{#playground x.rs
/// editable}}`) are attributes, not part of the path.
fn parse_selection(arg: &str) -> (&str, Selection) {
    let arg = arg.split_whitespace().next().unwrap_or("");
    let mut parts = arg.splitn(3, ':');
    let file = parts.next().unwrap_or("").trim();
    let (Some(a), b) = (parts.next(), parts.next()) else {
        return (file, Selection::All);
    };
    let num = |s: &str| s.trim().parse::<usize>().ok();
    match b {
        None => match num(a) {
            Some(n) => (file, Selection::Lines(Some(n), Some(n))),
            None if a.trim().is_empty() => (file, Selection::All),
            None => (file, Selection::Anchor(a.trim().to_string())),
        },
        Some(b) => (file, Selection::Lines(num(a), num(b))),
    }
}

/// Whether the chapter's expansion has gone past its budget (the first time: an error at the
/// include that crossed it; after that, every further include is skipped).
fn over_budget(ctx: &mut Ctx, span: Span) -> bool {
    if ctx.over_budget {
        return true;
    }
    let max_bytes = ctx.fs.max_text_bytes.saturating_mul(EXPANSION_FACTOR) as usize;
    if ctx.expansions <= MAX_EXPANSIONS && ctx.read <= max_bytes {
        return false;
    }
    ctx.over_budget = true;
    ctx.diags.push(
        Diagnostic::error(format!(
            "this chapter's includes go past the budget ({MAX_EXPANSIONS} includes, {} MiB of included text read)",
            max_bytes >> 20
        ))
        .at(span)
        .hint("include fewer or smaller files; the budget grows with [bindery.limits] max-report-file-mib"),
    );
    true
}

/// An anchor marker on a line, as mdBook matches them: `ANCHOR:` or `ANCHOR_END:`, optional
/// spaces, then a name of word characters and `-`, in any comment syntax and with any text after
/// it (`// ANCHOR: all`, `#ANCHOR:here`, `<!-- ANCHOR: x -->`, `[]:#(ANCHOR: x)`).
fn anchor_marker(line: &str) -> Option<(bool, &str)> {
    let (at, is_end) = match (line.find("ANCHOR_END:"), line.find("ANCHOR:")) {
        (Some(e), _) => (e + "ANCHOR_END:".len(), true),
        (None, Some(s)) => (s + "ANCHOR:".len(), false),
        (None, None) => return None,
    };
    let rest = line[at..].trim_start();
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (len > 0).then(|| (is_end, &rest[..len]))
}

/// What a missing or refused include leaves in the text, so the reader sees the gap.
fn missing_note(out: &mut String, rel: &str, selection: &Selection) {
    let what = match selection {
        Selection::Anchor(a) => format!("{rel}:{a}"),
        _ => rel.to_string(),
    };
    out.push_str(&format!("(missing include: {what})"));
}

/// The lines of an included file that its selection keeps (all, a range, an anchor's), each
/// with its offset in the file; anchor markers are never included. `None`: the anchor is not
/// there (a warning was given and a note written instead).
fn select_lines<'t>(
    ctx: &mut Ctx,
    text: &'t str,
    rel: &str,
    selection: &Selection,
    span: Span,
    out: &mut String,
) -> Option<Vec<(usize, &'t str)>> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        lines.push((pos, line));
        pos += line.len();
    }
    let not_marker = |(_, l): &(usize, &str)| anchor_marker(l).is_none();
    let selected: Vec<(usize, &str)> = match selection {
        Selection::All => lines.iter().copied().filter(not_marker).collect(),
        Selection::Lines(a, b) => {
            let first = a.unwrap_or(1).max(1) - 1;
            let last = b.unwrap_or(usize::MAX).min(lines.len());
            if first >= lines.len() || b.is_some_and(|b| b > lines.len()) {
                ctx.diags.push(
                    Diagnostic::warning(format!(
                        "{rel} has {} lines; the range {}:{} goes past its end",
                        lines.len(),
                        a.map_or(String::new(), |a| a.to_string()),
                        b.map_or(String::new(), |b| b.to_string()),
                    ))
                    .at(span)
                    .code(Code::IncludeRange)
                    .hint("the lines that exist are included; fix the range"),
                );
            }
            lines
                .get(first..last.max(first))
                .unwrap_or(&[])
                .iter()
                .copied()
                .filter(not_marker)
                .collect()
        }
        Selection::Anchor(name) => {
            let is = |l: &str, end: bool| anchor_marker(l) == Some((end, name.as_str()));
            let Some(s) = lines.iter().position(|(_, l)| is(l, false)) else {
                ctx.diags.push(
                    Diagnostic::warning(format!("no anchor `{name}` in {rel}"))
                        .at(span)
                        .code(Code::MissingInclude)
                        .hint(format!(
                            "mark the lines with `ANCHOR: {name}` and `ANCHOR_END: {name}`"
                        )),
                );
                missing_note(out, rel, selection);
                return None;
            };
            lines[s + 1..]
                .iter()
                .copied()
                .take_while(|(_, l)| !is(l, true))
                .filter(not_marker)
                .collect()
        }
    };
    Some(selected)
}

fn include(
    ctx: &mut Ctx,
    kind: &str,
    arg: &str,
    span: Span,
    from: &Path,
    out: &mut String,
    segments: &mut Vec<Segment>,
) {
    let (rel, selection) = parse_selection(arg);
    ctx.expansions += 1;
    if over_budget(ctx, span) {
        return;
    }
    let dir = from.parent().unwrap_or(Path::new("."));
    let target = match ctx.fs.resolve_include(dir, rel) {
        Ok(t) => t,
        Err(Refused::Unsafe(d)) => {
            ctx.diags.push(d.at(span));
            return;
        }
        Err(Refused::Missing(d) | Refused::Outside(d)) => {
            ctx.diags
                .push(d.at(span).into_warning(Code::MissingInclude));
            missing_note(out, rel, &selection);
            return;
        }
    };
    if ctx.stack.contains(&target) {
        ctx.diags.push(
            Diagnostic::error(format!("circular include of {rel}"))
                .at(span)
                .hint("a file cannot include itself, directly or through other files"),
        );
        return;
    }
    if ctx.stack.len() > ctx.max_depth {
        ctx.diags.push(
            Diagnostic::error(format!(
                "includes nested deeper than {} levels",
                ctx.max_depth
            ))
            .at(span)
            .hint("raise [bindery.limits] max-include-depth in book.toml if this is intended"),
        );
        return;
    }
    let text = match ctx.fs.read_text(&target) {
        Ok(t) => t,
        Err(e) => {
            ctx.diags.push(e.at(span));
            return;
        }
    };
    ctx.read = ctx.read.saturating_add(text.len());
    if over_budget(ctx, span) {
        return;
    }
    let display = ctx.fs.display(&target);
    let inc_file = ctx.sources.add(&target, display, text.clone());
    // Select lines; each kept line is a piece that maps back to the included file.
    let Some(selected) = select_lines(ctx, &text, rel, &selection, span, out) else {
        return;
    };
    let place = Placed {
        file: inc_file,
        target: &target,
        expand: matches!(selection, Selection::All),
        wrap: kind == "playground",
    };
    splice(ctx, &selected, place, out, segments);
}

/// Where the selected lines of an included file go: its file among the sources, its path (on
/// the stack of files being included while its own directives are expanded), whether they are
/// expanded (a whole file only) and whether they are wrapped as a Rust block (`playground`).
struct Placed<'a> {
    file: FileId,
    target: &'a Path,
    expand: bool,
    wrap: bool,
}

/// Append the selected lines to `out`, their own directives expanded, with segments that map
/// each piece back to the included file.
fn splice(
    ctx: &mut Ctx,
    selected: &[(usize, &str)],
    place: Placed,
    out: &mut String,
    segments: &mut Vec<Segment>,
) {
    if place.wrap {
        out.push_str("```rust\n");
    }
    let mut selected_text = String::new();
    let mut pieces = Vec::new();
    for (offset, line) in selected {
        pieces.push((selected_text.len(), *offset, line.len()));
        selected_text.push_str(line);
    }
    // Expand directives inside the included text too, then re-map its pieces.
    ctx.stack.push(place.target.to_path_buf());
    let mut inner_out = String::new();
    let mut inner_segments = Vec::new();
    if selected_text.contains("{{") && place.expand {
        expand_into(
            ctx,
            &selected_text,
            place.file,
            0,
            place.target,
            &mut inner_out,
            &mut inner_segments,
        );
    } else {
        inner_out = selected_text;
        for (at, orig, len) in pieces {
            inner_segments.push(Segment {
                range: at..at + len,
                origin: place.file,
                origin_offset: orig,
            });
        }
    }
    ctx.stack.pop();
    let shift = out.len();
    for mut seg in inner_segments {
        seg.range = seg.range.start + shift..seg.range.end + shift;
        segments.push(seg);
    }
    out.push_str(&inner_out);
    if place.wrap {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("```\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections() {
        assert_eq!(parse_selection("a.rs"), ("a.rs", Selection::All));
        assert_eq!(
            parse_selection("a.rs:3"),
            ("a.rs", Selection::Lines(Some(3), Some(3)))
        );
        assert_eq!(
            parse_selection("a.rs:3:"),
            ("a.rs", Selection::Lines(Some(3), None))
        );
        assert_eq!(
            parse_selection("a.rs::7"),
            ("a.rs", Selection::Lines(None, Some(7)))
        );
        assert_eq!(
            parse_selection("a.rs:main"),
            ("a.rs", Selection::Anchor("main".into()))
        );
        assert_eq!(
            parse_selection("example.rs editable"),
            ("example.rs", Selection::All)
        );
    }

    #[test]
    fn anchors_as_mdbook_matches_them() {
        assert_eq!(anchor_marker("// ANCHOR: all"), Some((false, "all")));
        assert_eq!(anchor_marker("//ANCHOR:here"), Some((false, "here")));
        assert_eq!(
            anchor_marker("    //ANCHOR_END: here"),
            Some((true, "here"))
        );
        assert_eq!(
            anchor_marker("# ANCHOR: a_b-c trailing words"),
            Some((false, "a_b-c"))
        );
        assert_eq!(anchor_marker("<!-- ANCHOR: x -->"), Some((false, "x")));
        assert_eq!(anchor_marker("/* ANCHOR_END: x */"), Some((true, "x")));
        assert_eq!(anchor_marker("[]:#(ANCHOR: x)"), Some((false, "x")));
        assert_eq!(anchor_marker("let anchor = 1;"), None);
    }

    #[test]
    fn directives_need_arguments() {
        let t = "see `{{#include}}` and {{#toc}}{{/toc}} and {{ #include a.md }}";
        let d = next_directive(t, 0).unwrap();
        assert_eq!((d.name, d.args), ("include", "a.md"));
        assert_eq!(&t[d.start..d.end], "{{ #include a.md }}");
        assert!(next_directive("{{#include a}b}}", 0).is_none());
    }
}
