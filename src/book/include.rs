//! mdBook's text directives: `{{#include}}`, `{{#rustdoc_include}}`, `{{#playground}}` and
//! `{{#title}}`, expanded before Markdown parsing exactly as mdBook's `links` preprocessor does.
//!
//! The expanded chapter is a new text; [`Segment`]s map each piece of it back to the file and offset
//! it was read from, so a diagnostic inside included text still names the included file's line.

use std::path::{Path, PathBuf};

use crate::book::fs::BookFs;
use crate::diag::{Diagnostic, Diagnostics, FileId, Segment, SourceMap, Span};

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
}

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
    while let Some(rel) = text[search..].find("{{") {
        let start = search + rel;
        let Some(close_rel) = text[start..].find("}}") else {
            break;
        };
        let end = start + close_rel + 2;
        let inner = text[start + 2..end - 2].trim();
        let Some(directive) = inner.strip_prefix('#') else {
            search = start + 2;
            continue;
        };
        // `\{{#include x}}` is an escaped directive: keep it literally, without the backslash.
        if start > 0 && text.as_bytes()[start - 1] == b'\\' {
            push_piece(out, segments, copy_from, start - 1);
            copy_from = start;
            search = end;
            continue;
        }
        let (name, arg) = directive
            .split_once(char::is_whitespace)
            .map_or((directive, ""), |(n, a)| (n, a.trim()));
        let span = Span::new(file, base + start..base + end);
        match name {
            "include" | "rustdoc_include" | "playground" => {
                push_piece(out, segments, copy_from, start);
                copy_from = end;
                include(ctx, name, arg, span, path, out, segments);
            }
            "title" => {
                push_piece(out, segments, copy_from, start);
                copy_from = end;
                ctx.title = Some(arg.to_string());
            }
            _ => {} // `{{#something}}` we do not know: leave it as text, like mdBook
        }
        search = end;
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

fn parse_selection(arg: &str) -> (&str, Selection) {
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
    if rel.is_empty() {
        ctx.diags.push(
            Diagnostic::error(format!("`{{{{#{kind}}}}}` names no file"))
                .at(span)
                .hint("write e.g. {{#include ../listings/example.rs}}"),
        );
        return;
    }
    let dir = from.parent().unwrap_or(Path::new("."));
    let target = match ctx.fs.resolve(dir, rel) {
        Ok(t) => t,
        Err(e) => {
            ctx.diags.push(e.at(span));
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
    let display = ctx.fs.display(&target);
    let inc_file = ctx.sources.add(&target, display, text.clone());
    // Select lines; each kept line is a piece that maps back to the included file.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        lines.push((pos, line));
        pos += line.len();
    }
    let is_anchor_line = |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    let selected: Vec<(usize, &str)> = match &selection {
        Selection::All => lines
            .iter()
            .copied()
            .filter(|(_, l)| !is_anchor_line(l))
            .collect(),
        Selection::Lines(a, b) => {
            let first = a.unwrap_or(1).max(1) - 1;
            let last = b.unwrap_or(usize::MAX).min(lines.len());
            lines
                .iter()
                .copied()
                .enumerate()
                .filter(|(i, _)| *i >= first && *i < last)
                .map(|(_, l)| l)
                .filter(|(_, l)| !is_anchor_line(l))
                .collect()
        }
        Selection::Anchor(name) => {
            let start_marker = format!("ANCHOR: {name}");
            let end_marker = format!("ANCHOR_END: {name}");
            let Some(s) = lines
                .iter()
                .position(|(_, l)| ends_with_marker(l, &start_marker))
            else {
                ctx.diags.push(
                    Diagnostic::error(format!("no anchor `{name}` in {rel}"))
                        .at(span)
                        .hint(format!(
                            "mark the lines with `ANCHOR: {name}` and `ANCHOR_END: {name}`"
                        )),
                );
                return;
            };
            lines[s + 1..]
                .iter()
                .copied()
                .take_while(|(_, l)| !ends_with_marker(l, &end_marker))
                .filter(|(_, l)| !is_anchor_line(l))
                .collect()
        }
    };
    let wrap = kind == "playground";
    if wrap {
        out.push_str("```rust\n");
    }
    let mut selected_text = String::new();
    let mut pieces = Vec::new();
    for (offset, line) in &selected {
        pieces.push((selected_text.len(), *offset, line.len()));
        selected_text.push_str(line);
    }
    // Expand directives inside the included text too, then re-map its pieces.
    ctx.stack.push(target.clone());
    let mut inner_out = String::new();
    let mut inner_segments = Vec::new();
    if selected_text.contains("{{") && matches!(selection, Selection::All) {
        expand_into(
            ctx,
            &selected_text,
            inc_file,
            0,
            &target,
            &mut inner_out,
            &mut inner_segments,
        );
    } else {
        inner_out = selected_text;
        for (at, orig, len) in pieces {
            inner_segments.push(Segment {
                range: at..at + len,
                origin: inc_file,
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
    if wrap {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("```\n");
    }
}

fn ends_with_marker(line: &str, marker: &str) -> bool {
    line.trim_end().ends_with(marker)
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
    }
}
