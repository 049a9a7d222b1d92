//! SUMMARY.md in mdBook's syntax: prefix chapters, numbered (nested) chapters with part titles and
//! separators, suffix chapters, and draft chapters (`[Title]()`).
//!
//! Parsed line by line rather than through the Markdown parser: the format is line-oriented, and
//! working on lines gives every entry an exact span for diagnostics.

use crate::diag::{Code, Diagnostic, FileId, Span};
use crate::doc::ChapterKind;

#[derive(Debug, Clone, PartialEq)]
pub enum SummaryItem {
    Chapter(SummaryChapter),
    PartTitle(String),
    Separator,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryChapter {
    pub title: String,
    /// Path as written (percent-decoded); `None` for a draft chapter.
    pub path: Option<String>,
    pub kind: ChapterKind,
    pub number: Option<Vec<u32>>,
    pub children: Vec<SummaryItem>,
    pub span: Span,
}

/// Parse SUMMARY.md into its items and the warnings about lines that were skipped (text that is
/// not an entry). Structural problems, where the chapter order itself is unclear, are errors and
/// are returned all together.
///
/// Chapters nested deeper than `max_depth` levels are kept at that depth, with one warning: the
/// chapter numbers, the contents page and the PDF outline then cost time and memory in proportion
/// to the number of chapters, never to the square of an indentation.
pub fn parse(
    text: &str,
    file: FileId,
    max_depth: usize,
) -> Result<(Vec<SummaryItem>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut items: Vec<SummaryItem> = Vec::new();
    // Stack of (indent, path of child indices) for nesting numbered chapters.
    let mut stack: Vec<usize> = Vec::new(); // indents of open levels
    let mut seen_numbered = false;
    let mut seen_title = false;
    let mut flattened = false;
    for EntryLine(line_start, line, after_blank) in entry_lines(text) {
        let trimmed = line.trim();
        let span =
            |from: usize, len: usize| Span::new(file, line_start + from..line_start + from + len);
        let (indent_bytes, indent) = indentation(line);
        if let Some(heading) = trimmed.strip_prefix('#') {
            let title = heading.trim_start_matches('#').trim().to_string();
            if !seen_title && items.is_empty() {
                seen_title = true; // "# Summary": the document title, not a part
            } else {
                items.push(SummaryItem::PartTitle(title));
                seen_numbered = true;
                stack.clear();
            }
            continue;
        }
        if is_separator(trimmed) {
            items.push(SummaryItem::Separator);
            stack.clear();
            continue;
        }
        let list_marker = ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m));
        let link_text = if list_marker {
            trimmed[2..].trim_start()
        } else {
            trimmed
        };
        let link_col = indent_bytes + (trimmed.len() - link_text.len());
        let links = parse_links(link_text);
        let Some(&(at, len, ref title, ref path)) = links.first() else {
            warnings.push(not_an_entry(trimmed, span(indent_bytes, trimmed.len())));
            continue;
        };
        let (title, path) = (title.clone(), path.clone());
        let entry_span = span(link_col + at, len);
        if !list_marker {
            // A prefix or suffix chapter: plain links in a paragraph of their own. As Markdown
            // (and so mdBook) reads it, a line indented under a list item after a blank line,
            // one that follows a list item directly, or one indented as code is no paragraph
            // of its own: mdBook makes no chapter of it, and neither does bindery.
            if indent >= 4 || (!stack.is_empty() && (!after_blank || indent >= 2)) {
                warnings.push(part_of_the_entry_above(&title, entry_span));
                continue;
            }
            stack.clear();
            let kind = if seen_numbered {
                ChapterKind::Suffix
            } else {
                ChapterKind::Prefix
            };
            items.extend(plain_chapters(links, kind, &|at, len| {
                span(link_col + at, len)
            }));
            continue;
        }
        if seen_numbered && has_suffix(&items) {
            errors.push(
                Diagnostic::error("a numbered chapter after suffix chapters")
                    .at(entry_span)
                    .hint("suffix chapters (plain links) must come after every numbered chapter"),
            );
            continue;
        }
        seen_numbered = true;
        if nest(&mut stack, indent, max_depth) == Nesting::Flattened && !flattened {
            flattened = true;
            warnings.push(too_deep(max_depth, entry_span));
        }
        let depth = stack.len() - 1;
        let chapter = SummaryChapter {
            title,
            path,
            kind: ChapterKind::Numbered,
            number: None,
            children: Vec::new(),
            span: entry_span,
        };
        if let Err(d) = insert_at_depth(&mut items, depth, chapter) {
            errors.push(d);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    number_chapters(&mut items);
    Ok((items, warnings))
}

/// How far a line is indented: in bytes, and in columns (a tab counts four).
fn indentation(line: &str) -> (usize, usize) {
    let bytes = line.len() - line.trim_start().len();
    let columns = line[..bytes]
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum::<usize>();
    (bytes, columns)
}

/// The warning for a plain link that Markdown reads as part of the entry above it.
fn part_of_the_entry_above(title: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(format!(
        "{title:?} is not a chapter: in Markdown this line belongs to the entry above (it is indented under it, or follows it without a blank line); skipped, as mdBook skips it"
    ))
    .at(at)
    .code(Code::Summary)
    .hint("start the line with `- ` to make it a numbered chapter, or leave a blank line before it and start it at the margin to make it a suffix chapter")
}

/// The warning for a line that is neither an entry, a part title nor a separator.
fn not_an_entry(trimmed: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(format!(
        "SUMMARY.md line is not a chapter entry: {trimmed:?}; skipped"
    ))
    .at(at)
    .code(Code::Summary)
    .hint("each entry is a link such as `- [Title](file.md)`, a `# Part title` or `---`")
}

/// The warning, given once, for chapters nested past the limit.
fn too_deep(max_depth: usize, at: Span) -> Diagnostic {
    Diagnostic::warning(format!(
        "chapters nested deeper than {max_depth} levels are kept at level {max_depth}"
    ))
    .at(at)
    .code(Code::Nesting)
    .hint("indent less, or raise [bindery.limits] max-nesting in book.toml")
}

/// A line of plain links: mdBook reads it as one chapter per link (`[The Book](title-page.md)
/// [Foreword](foreword.md)`), each a prefix or suffix chapter of `kind`.
fn plain_chapters(
    links: Vec<(usize, usize, String, Option<String>)>,
    kind: ChapterKind,
    span: &dyn Fn(usize, usize) -> Span,
) -> Vec<SummaryItem> {
    links
        .into_iter()
        .map(|(at, len, title, path)| {
            SummaryItem::Chapter(SummaryChapter {
                title,
                path,
                kind,
                number: None,
                children: Vec::new(),
                span: span(at, len),
            })
        })
        .collect()
}

/// The lines of SUMMARY.md that can hold an entry, each with its offset in the file: without a
/// byte-order mark, line ends, blank lines and HTML comments (which may span lines).
fn entry_lines(text: &str) -> Vec<EntryLine<'_>> {
    let (mut offset, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => (3, body),
        None => (0, text),
    };
    let mut lines = Vec::new();
    let mut in_comment = false;
    let mut after_blank = true;
    for raw_line in body.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if in_comment {
            if trimmed.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if trimmed.is_empty() {
            after_blank = true;
            continue;
        }
        if trimmed.starts_with("<!--") {
            in_comment = !trimmed.contains("-->");
            continue;
        }
        lines.push(EntryLine(line_start, line, after_blank));
        after_blank = false;
    }
    lines
}

/// A line of SUMMARY.md that may hold an entry: its byte offset in the file, its text, and
/// whether a blank line (or the start of the file) comes before it, so that in Markdown it can
/// start a new paragraph rather than continue the one above.
struct EntryLine<'a>(usize, &'a str, bool);

#[derive(Debug, PartialEq, Eq)]
enum Nesting {
    Kept,
    /// Deeper than the limit: kept at the deepest level.
    Flattened,
}

/// Place a numbered entry indented by `indent` among the open levels (their indents in
/// `stack`): closes the deeper ones, opens a level when it is indented more, up to `max_depth`.
fn nest(stack: &mut Vec<usize>, indent: usize, max_depth: usize) -> Nesting {
    while stack.last().is_some_and(|&i| indent < i) {
        stack.pop();
    }
    if stack.last().is_none_or(|&i| indent > i) {
        if stack.len() <= max_depth {
            stack.push(indent);
        } else {
            return Nesting::Flattened;
        }
    }
    Nesting::Kept
}

fn has_suffix(items: &[SummaryItem]) -> bool {
    items
        .iter()
        .any(|i| matches!(i, SummaryItem::Chapter(c) if c.kind == ChapterKind::Suffix))
}

fn is_separator(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && (compact.chars().all(|c| c == '-')
            || compact.chars().all(|c| c == '*')
            || compact.chars().all(|c| c == '_'))
}

/// Add a numbered chapter as the last child at `depth` under the last numbered chapter.
fn insert_at_depth(
    items: &mut Vec<SummaryItem>,
    depth: usize,
    chapter: SummaryChapter,
) -> Result<(), Diagnostic> {
    let mut list = items;
    for _ in 0..depth {
        let Some(SummaryItem::Chapter(parent)) = list.last_mut() else {
            return Err(Diagnostic::error("nested chapter has no parent chapter")
                .at(chapter.span)
                .hint("indent a chapter only under a numbered chapter line"));
        };
        if parent.kind != ChapterKind::Numbered {
            return Err(Diagnostic::error("nested chapter has no parent chapter")
                .at(chapter.span)
                .hint("indent a chapter only under a numbered chapter line"));
        }
        list = &mut parent.children;
    }
    list.push(SummaryItem::Chapter(chapter));
    Ok(())
}

fn number_chapters(items: &mut [SummaryItem]) {
    fn walk(items: &mut [SummaryItem], prefix: &[u32], counter: &mut u32) {
        for item in items {
            if let SummaryItem::Chapter(c) = item {
                if c.kind != ChapterKind::Numbered {
                    continue;
                }
                *counter += 1;
                let mut number = prefix.to_vec();
                number.push(*counter);
                let mut child_counter = 0;
                walk(&mut c.children, &number, &mut child_counter);
                c.number = Some(number);
            }
        }
    }
    // mdBook numbers across part titles without resetting.
    let mut counter = 0;
    walk(items, &[], &mut counter);
}

/// Every `[Title](path)` on a line, in order: (byte offset, length, title as plain text, path or
/// `None` for a draft). Text between and after the links is not part of any entry, as in mdBook.
fn parse_links(s: &str) -> Vec<(usize, usize, String, Option<String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = s[from..].find('[') {
        let at = from + rel;
        match parse_link(&s[at..]) {
            Some((len, title, path)) => {
                out.push((at, len, title, path));
                from = at + len;
            }
            None => from = at + 1,
        }
    }
    out
}

/// `[Title](path)` at the start of `s` → (bytes used, title, path). The destination may be in
/// `<…>` (spaces allowed), may hold balanced parentheses, and may be followed by a `"title"`.
fn parse_link(s: &str) -> Option<(usize, String, Option<String>)> {
    let rest = s.strip_prefix('[')?;
    // Find the matching `]`, allowing nested brackets and escapes.
    let mut depth = 1usize;
    let mut end = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let end = end?;
    let title = plain_title(&rest[..end]);
    let after = rest[end + 1..].strip_prefix('(')?;
    let close = if after.trim_start().starts_with('<') {
        let lt = after.find('<')?;
        let gt = lt + after[lt..].find('>')?;
        gt + after[gt..].find(')')?
    } else {
        let mut depth = 0usize;
        let mut close = None;
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    close = Some(i);
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        close?
    };
    let used = 1 + end + 1 + 1 + close + 1;
    let mut dest = after[..close].trim();
    if let Some(inner) = dest.strip_prefix('<').and_then(|d| d.split_once('>')) {
        dest = inner.0;
    } else if let Some((path, _title)) = dest.split_once(char::is_whitespace) {
        dest = path; // `[T](file.md "title")`
    }
    if title.is_empty() {
        return None;
    }
    let path = (!dest.is_empty()).then(|| crate::text::percent_decode_or_keep(dest));
    Some((used, title, path))
}

/// Strip inline Markdown from an entry title: `*x*`, `` `x` ``, `\[`.
fn plain_title(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' | '_' | '`' => {}
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Option<String>, ChapterKind, Option<Vec<u32>>);

    fn chapters(items: &[SummaryItem]) -> Vec<Row> {
        let mut out = Vec::new();
        fn walk(items: &[SummaryItem], out: &mut Vec<Row>) {
            for i in items {
                if let SummaryItem::Chapter(c) = i {
                    out.push((c.title.clone(), c.path.clone(), c.kind, c.number.clone()));
                    walk(&c.children, out);
                }
            }
        }
        walk(items, &mut out);
        out
    }

    #[test]
    fn a_plain_link_is_a_chapter_only_where_markdown_makes_it_a_paragraph_of_its_own() {
        let list = "# Summary\n\n [Intro](intro.md)\n\n- [One](one.md)\n";
        let kinds = |tail: &str| -> (Vec<String>, usize) {
            let (items, warnings) = parse(&format!("{list}{tail}\n"), FileId(0), 64).unwrap();
            let titles = chapters(&items).into_iter().map(|c| c.0).collect();
            (titles, warnings.len())
        };
        // After a blank line, at the margin or one space in: a suffix chapter (mdBook 0.5.4).
        for tail in ["\n[Glossary](g.md)", "\n [Glossary](g.md)"] {
            assert_eq!(
                kinds(tail),
                (vec!["Intro".into(), "One".into(), "Glossary".into()], 0)
            );
        }
        // Indented under the list item, following it directly, or indented as code: part of
        // the entry above, no chapter (mdBook drops it silently; bindery says so).
        for tail in [
            "\n  [Glossary](g.md)",
            "\n   [Glossary](g.md)",
            "[Glossary](g.md)",
            " [Glossary](g.md)",
            "\n    [Glossary](g.md)",
        ] {
            assert_eq!(
                kinds(tail),
                (vec!["Intro".into(), "One".into()], 1),
                "{tail:?}"
            );
        }
    }

    #[test]
    fn full_mdbook_syntax() {
        let text = "# Summary\n\n[Intro](intro.md)\n\n---\n\n# Part one\n\n- [First](a.md)\n  - [Nested *em*](b/c.md)\n    - [Deep](d.md)\n  - [Draft]()\n- [Second](<with space.md>)\n\n# Part two\n\n* [Third](e%20f.md)\n\n---\n\n[Credits](credits.md)\n";
        let (items, _) = parse(text, FileId(0), 64).unwrap();
        let ch = chapters(&items);
        assert_eq!(
            ch[0],
            (
                "Intro".into(),
                Some("intro.md".into()),
                ChapterKind::Prefix,
                None
            )
        );
        assert_eq!(ch[1].3, Some(vec![1]));
        assert_eq!(
            ch[2],
            (
                "Nested em".into(),
                Some("b/c.md".into()),
                ChapterKind::Numbered,
                Some(vec![1, 1])
            )
        );
        assert_eq!(ch[3].3, Some(vec![1, 1, 1]));
        assert_eq!(
            ch[4],
            (
                "Draft".into(),
                None,
                ChapterKind::Numbered,
                Some(vec![1, 2])
            )
        );
        assert_eq!(ch[5].1.as_deref(), Some("with space.md"));
        assert_eq!(
            ch[6],
            (
                "Third".into(),
                Some("e f.md".into()),
                ChapterKind::Numbered,
                Some(vec![3])
            )
        );
        assert_eq!(ch[7].2, ChapterKind::Suffix);
        assert!(items.contains(&SummaryItem::PartTitle("Part one".into())));
        assert_eq!(
            items
                .iter()
                .filter(|i| **i == SummaryItem::Separator)
                .count(),
            2
        );
    }

    #[test]
    fn a_line_without_a_link_is_a_warning_with_its_position() {
        let text = "# Summary\n- [Good](a.md)\n- not a link\n";
        let (items, warnings) = parse(text, FileId(0), 64).unwrap();
        assert_eq!(chapters(&items).len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("not a chapter entry"));
        assert_eq!(
            warnings[0].span.unwrap().start,
            text.find("not a link").unwrap() - 2
        );
    }

    #[test]
    fn several_links_on_a_line_and_text_after_a_link() {
        let text = "# Summary\n\n[The Book](title-page.md) [Foreword](foreword.md)\n[Intro](intro.md)\n\n- [Ch (1)](ch(1).md) — draft notes\n- [Spaced](<a b.md>) and [ignored](x.md)\n";
        let (items, warnings) = parse(text, FileId(0), 64).unwrap();
        assert!(warnings.is_empty());
        let ch = chapters(&items);
        let paths: Vec<_> = ch.iter().map(|c| c.1.clone().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "title-page.md",
                "foreword.md",
                "intro.md",
                "ch(1).md",
                "a b.md"
            ]
        );
        assert_eq!(ch[0].0, "The Book");
        assert_eq!(ch[1].2, ChapterKind::Prefix);
        assert_eq!(ch[3].0, "Ch (1)");
        let SummaryItem::Chapter(second) = &items[1] else {
            panic!()
        };
        assert_eq!(
            &text[second.span.start..second.span.end],
            "[Foreword](foreword.md)"
        );
    }

    #[test]
    fn comments_and_crlf_are_handled() {
        let text = "# Summary\r\n<!-- a\r\n comment -->\r\n- [A](a.md)\r\n";
        let ch = chapters(&parse(text, FileId(0), 64).unwrap().0);
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].1.as_deref(), Some("a.md"));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_fails_cleanly(text in "\\PC{0,300}") {
            let _ = parse(&text, FileId(0), 64);
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_kept_at_the_limit() {
        let text: String = (0..300)
            .map(|i| format!("{}- [C{i}](c{i}.md)\n", "  ".repeat(i)))
            .collect();
        let (items, warnings) = parse(&text, FileId(0), 8).unwrap();
        let ch = chapters(&items);
        assert_eq!(ch.len(), 300, "no chapter is lost");
        let deepest = ch.iter().map(|c| c.3.as_ref().unwrap().len()).max();
        assert_eq!(deepest, Some(9), "a top level and eight nested levels");
        // Entries past the limit are siblings at the deepest level, numbered in order.
        assert_eq!(
            ch[299].3.as_deref(),
            Some(&[1, 1, 1, 1, 1, 1, 1, 1, 292][..])
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].code, Some("nesting"));
        assert_eq!(warnings[0].span.unwrap().start, text.find("[C9]").unwrap());
    }

    #[test]
    fn numbered_after_suffix_is_an_error() {
        let text = "- [A](a.md)\n\n[S](s.md)\n- [B](b.md)\n";
        assert!(parse(text, FileId(0), 64).is_err());
    }
}
