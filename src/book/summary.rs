//! SUMMARY.md as mdBook reads it: prefix chapters, numbered (nested) chapters in parts with
//! separators, suffix chapters, and draft chapters (`[Title]()`).
//!
//! The file is read as Markdown events (pulldown-cmark with no extensions, as mdBook 0.5 reads
//! it) and walked by the grammar of mdBook's summary: an optional `# Title`, prefix chapters (the
//! links before the first list), numbered chapters (lists, split into parts by `# Part` headings),
//! suffix chapters (the links after them). Whatever Markdown makes of indentation, blank lines,
//! comments and lazy continuation lines, bindery makes the same, because it asks the same Markdown
//! parser; `tests/corpus/summary_parity.sh` checks it against mdBook itself. Where mdBook refuses a
//! SUMMARY.md (a list item that does not start with its link), bindery keeps what it can and warns.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

/// Parse SUMMARY.md into its items and the warnings about what was skipped (text that is not an
/// entry, links that Markdown makes part of another entry). A numbered chapter after the suffix
/// chapters, where the chapter order itself is unclear, is an error, as in mdBook.
///
/// Chapters nested deeper than `max_depth` levels are kept at that depth, with one warning: the
/// chapter numbers, the contents page and the PDF outline then cost time and memory in proportion
/// to the number of chapters, never to the square of an indentation.
pub fn parse(
    text: &str,
    file: FileId,
    max_depth: usize,
) -> Result<(Vec<SummaryItem>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (offset, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => (3, body),
        None => (0, text),
    };
    let mut reader = SummaryReader::new(body, offset, file, max_depth);
    reader.title();
    let mut items = reader.affix(ChapterKind::Prefix);
    items.extend(reader.parts());
    items.extend(reader.affix(ChapterKind::Suffix));
    reader.warn_about_what_was_skipped();
    if !reader.errors.is_empty() {
        return Err(reader.errors);
    }
    number_chapters(&mut items);
    Ok((items, reader.warnings))
}

/// The Markdown events of SUMMARY.md with a cursor that can step back one event, and what the
/// walk found: the links it made chapters of, warnings and errors.
struct SummaryReader<'a> {
    text: &'a str,
    events: Vec<(Event<'a>, Range<usize>)>,
    next: usize,
    /// Bytes before `text` in the file (a byte-order mark), added to every span.
    offset: usize,
    file: FileId,
    max_depth: usize,
    /// The event indices of the links that became chapters.
    taken: HashSet<usize>,
    /// Set when a list nested past `max_depth` was met; the next chapter carries the warning.
    too_deep: Flattening,
    warnings: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flattening {
    None,
    /// A list past the limit was met; its first chapter is not placed yet.
    Pending,
    /// The one warning has been given.
    Reported,
}

impl<'a> SummaryReader<'a> {
    fn new(text: &'a str, offset: usize, file: FileId, max_depth: usize) -> Self {
        let events = Parser::new_ext(text, Options::empty())
            .into_offset_iter()
            .collect();
        SummaryReader {
            text,
            events,
            next: 0,
            offset,
            file,
            max_depth,
            taken: HashSet::new(),
            too_deep: Flattening::None,
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn next_event(&mut self) -> Option<Event<'a>> {
        let (event, _) = self.events.get(self.next)?;
        self.next += 1;
        Some(event.clone())
    }

    /// Step back over the event just read, for the caller to read it again.
    fn back(&mut self) {
        self.next -= 1;
    }

    /// The span in the file of the event just read.
    fn last_span(&self) -> Span {
        let range = &self.events[self.next - 1].1;
        self.span(range.clone())
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(
            self.file,
            self.offset + range.start..self.offset + range.end,
        )
    }

    /// `# Summary` (or any first heading of level 1, after comments): the document's title, not
    /// a part. bindery takes the book's title from book.toml, as mdBook does.
    fn title(&mut self) {
        while let Some(event) = self.next_event() {
            match event {
                Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::HtmlBlock)
                | Event::End(TagEnd::HtmlBlock) => {}
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }) => {
                    self.text_until(TagEnd::Heading(HeadingLevel::H1));
                    return;
                }
                _ => {
                    self.back();
                    return;
                }
            }
        }
    }

    /// Prefix or suffix chapters: every link, wherever it is in the paragraphs, and separators.
    /// Prefix chapters end at the first list or part title; after suffix chapters, a list or a
    /// part title is an error (the chapter order is unclear), as in mdBook.
    fn affix(&mut self, kind: ChapterKind) -> Vec<SummaryItem> {
        let mut items = Vec::new();
        while let Some(event) = self.next_event() {
            match event {
                Event::Start(Tag::List(_))
                | Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }) => {
                    if kind == ChapterKind::Prefix {
                        self.back();
                    } else {
                        self.errors.push(
                            Diagnostic::error("a numbered chapter or part after suffix chapters")
                                .at(self.last_span())
                                .hint("suffix chapters (plain links) must come after every numbered chapter"),
                        );
                        self.next = self.events.len();
                    }
                    break;
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    items.push(SummaryItem::Chapter(self.link(&dest_url, kind)));
                }
                Event::Rule => items.push(SummaryItem::Separator),
                _ => {}
            }
        }
        items
    }

    /// The numbered chapters, in parts: a `# Part title` starts a part; a paragraph after the
    /// lists starts the suffix chapters. Numbers run on across parts and separators.
    fn parts(&mut self) -> Vec<SummaryItem> {
        let mut items = Vec::new();
        while let Some(event) = self.next_event() {
            match event {
                Event::Start(Tag::Paragraph) => {
                    self.back();
                    break;
                }
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }) => {
                    let title = self.text_until(TagEnd::Heading(HeadingLevel::H1));
                    items.push(SummaryItem::PartTitle(title.trim().to_string()));
                }
                _ => self.back(),
            }
            items.extend(self.numbered());
        }
        items
    }

    /// One part's lists and separators. Other blocks (a `## Subheading`, a quote, a paragraph
    /// right after a part title) are passed over, as mdBook passes over them.
    fn numbered(&mut self) -> Vec<SummaryItem> {
        let mut items = Vec::new();
        let mut first = true;
        while let Some(event) = self.next_event() {
            match event {
                Event::Start(Tag::Paragraph) if !first => {
                    self.back();
                    break;
                }
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }) => {
                    self.back();
                    break;
                }
                Event::Start(Tag::List(_)) => items.extend(self.list(0)),
                Event::Start(Tag::Paragraph) => {}
                Event::Start(tag) => self.skip_until(tag.to_end()),
                Event::Rule => items.push(SummaryItem::Separator),
                _ => {}
            }
            first = false;
        }
        items
    }

    /// The items of a list whose start was just read, at nesting `depth` (0 for the top level).
    /// A list nested in an item holds that chapter's children; one nested past `max_depth` is
    /// read as more items of this list.
    fn list(&mut self, depth: usize) -> Vec<SummaryItem> {
        let mut items: Vec<SummaryItem> = Vec::new();
        let mut lists_kept_here = 0usize;
        while let Some(event) = self.next_event() {
            match event {
                Event::Start(Tag::Item) => {
                    let item_span = self.last_span();
                    if let Some(chapter) = self.item(item_span) {
                        items.push(SummaryItem::Chapter(chapter));
                    }
                }
                Event::Start(Tag::List(_)) => match last_chapter(&mut items) {
                    Some(parent) if depth < self.max_depth => {
                        let earlier = std::mem::take(&mut parent.children);
                        let (title, span) = (parent.title.clone(), parent.span);
                        let children = self.list(depth + 1);
                        if let Some(parent) = last_chapter(&mut items) {
                            parent.children = children;
                        }
                        if !earlier.is_empty() {
                            self.warnings.push(second_list(&title, &earlier, span));
                        }
                    }
                    parent => {
                        if parent.is_some() && self.too_deep == Flattening::None {
                            self.too_deep = Flattening::Pending;
                        }
                        lists_kept_here += 1;
                    }
                },
                Event::End(TagEnd::List(_)) if lists_kept_here > 0 => lists_kept_here -= 1,
                Event::End(TagEnd::List(_)) => break,
                _ => {}
            }
        }
        items
    }

    /// A list item whose start was just read: its link is a numbered chapter. mdBook refuses an
    /// item that does not start with a link; bindery takes the item's first link, or keeps its
    /// text as a draft title, and says so.
    fn item(&mut self, item_span: Span) -> Option<SummaryChapter> {
        loop {
            match self.next_event()? {
                Event::Start(Tag::Paragraph) => {}
                Event::Start(Tag::Link { dest_url, .. }) => {
                    return Some(self.link(&dest_url, ChapterKind::Numbered));
                }
                _ => {
                    self.back();
                    return self.item_without_a_leading_link(item_span);
                }
            }
        }
    }

    fn item_without_a_leading_link(&mut self, item_span: Span) -> Option<SummaryChapter> {
        let mut text = String::new();
        while let Some(event) = self.next_event() {
            match event {
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let chapter = self.link(&dest_url, ChapterKind::Numbered);
                    self.warnings.push(
                        Diagnostic::warning(format!(
                            "the entry for {:?} has text before its link: {:?}; the text is left out",
                            chapter.title,
                            text.trim()
                        ))
                        .at(chapter.span)
                        .code(Code::Summary)
                        .hint("start the entry with its link (mdBook refuses this SUMMARY.md)"),
                    );
                    return Some(chapter);
                }
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                Event::End(TagEnd::Item) | Event::Start(Tag::List(_)) => {
                    self.back();
                    break;
                }
                Event::End(TagEnd::Paragraph) => break,
                _ => {}
            }
        }
        let title = text.trim().to_string();
        let span = Span::new(self.file, item_span.start..item_span.start + 1);
        if title.is_empty() {
            self.warnings.push(
                Diagnostic::warning("SUMMARY.md list item without a link or title; skipped")
                    .at(span)
                    .code(Code::Summary)
                    .hint("each entry is a link such as `- [Title](file.md)`, or `- [Title]()` for a draft"),
            );
            return None;
        }
        self.warnings.push(
            Diagnostic::warning(format!(
                "SUMMARY.md line is not a chapter entry: {title:?}; kept as a draft title, a title without a page"
            ))
            .at(span)
            .code(Code::Summary)
            .hint(format!("write `- [{title}](file.md)` to make it a chapter, or `- [{title}]()` for a draft (mdBook refuses this SUMMARY.md)")),
        );
        Some(self.chapter(title, None, ChapterKind::Numbered, span))
    }

    /// A link whose start was just read: a chapter of `kind` titled with the link's text (its
    /// styling dropped), a draft when it has no destination.
    fn link(&mut self, dest: &str, kind: ChapterKind) -> SummaryChapter {
        self.taken.insert(self.next - 1);
        let span = self.last_span();
        let title = self.text_until(TagEnd::Link);
        let path = (!dest.is_empty()).then(|| crate::text::percent_decode_or_keep(dest));
        self.chapter(title.trim().to_string(), path, kind, span)
    }

    fn chapter(
        &mut self,
        title: String,
        path: Option<String>,
        kind: ChapterKind,
        span: Span,
    ) -> SummaryChapter {
        if kind == ChapterKind::Numbered && self.too_deep == Flattening::Pending {
            self.too_deep = Flattening::Reported;
            self.warnings.push(too_deep(self.max_depth, span));
        }
        SummaryChapter {
            title,
            path,
            kind,
            number: None,
            children: Vec::new(),
            span,
        }
    }

    /// The plain text of the events up to `end` (consumed): text and code, a line break as a
    /// space, styling dropped, as mdBook names a chapter.
    fn text_until(&mut self, end: TagEnd) -> String {
        let mut text = String::new();
        while let Some(event) = self.next_event() {
            match event {
                Event::End(e) if e == end => break,
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::SoftBreak => text.push(' '),
                _ => {}
            }
        }
        text
    }

    /// Pass over the events up to the first `end`, as mdBook passes over a block it does not read.
    fn skip_until(&mut self, end: TagEnd) {
        while let Some(event) = self.next_event() {
            if event == Event::End(end) {
                break;
            }
        }
    }

    /// Warnings for what the walk passed over that looks meant as an entry: a link at the start
    /// of a line that Markdown made part of something else, and a top-level paragraph without
    /// any link.
    fn warn_about_what_was_skipped(&mut self) {
        let mut list_depth = 0usize;
        let mut i = 0;
        while i < self.events.len() {
            let (event, range) = &self.events[i];
            match event {
                Event::Start(Tag::List(_)) => list_depth += 1,
                Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
                Event::Start(Tag::Link { .. })
                    if !self.taken.contains(&i) && self.starts_a_line(range.start) =>
                {
                    let title = self.plain_text(i);
                    self.warnings
                        .push(part_of_the_entry_above(&title, self.span(range.clone())));
                }
                Event::Start(Tag::Paragraph) if list_depth == 0 => {
                    let end = self.events[i..]
                        .iter()
                        .position(|(e, _)| *e == Event::End(TagEnd::Paragraph))
                        .map_or(self.events.len(), |p| i + p);
                    let has_link = self.events[i..end]
                        .iter()
                        .any(|(e, _)| matches!(e, Event::Start(Tag::Link { .. })));
                    if !has_link {
                        let line = self.text[range.clone()].lines().next().unwrap_or("");
                        let at = Span::new(
                            self.file,
                            self.offset + range.start..self.offset + range.start + line.len(),
                        );
                        self.warnings.push(not_an_entry(line.trim(), at));
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// Whether only indentation, list markers, quote marks or heading marks come before byte
    /// `at` on its line: a link there was meant as an entry of its own.
    fn starts_a_line(&self, at: usize) -> bool {
        let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        self.text[line_start..at]
            .chars()
            .all(|c| c.is_whitespace() || "-*+>#.)".contains(c) || c.is_ascii_digit())
    }

    /// The plain text of the link whose start is event `i`.
    fn plain_text(&self, i: usize) -> String {
        let mut text = String::new();
        for (event, _) in &self.events[i + 1..] {
            match event {
                Event::End(TagEnd::Link) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak => text.push(' '),
                _ => {}
            }
        }
        text.trim().to_string()
    }
}

/// The last chapter among `items`: the one a nested list belongs to.
fn last_chapter(items: &mut [SummaryItem]) -> Option<&mut SummaryChapter> {
    items.iter_mut().rev().find_map(|i| match i {
        SummaryItem::Chapter(c) => Some(c),
        _ => None,
    })
}

/// The warning for an entry with a second nested list: mdBook keeps only the last list under an
/// entry, and so does bindery, so that the book has the chapters its web edition shows.
fn second_list(title: &str, left_out: &[SummaryItem], at: Span) -> Diagnostic {
    let mut names = Vec::new();
    collect_titles(left_out, &mut names);
    Diagnostic::warning(format!(
        "the entry {title:?} has two nested lists; as in mdBook, only the last is kept, and {} left out: {}",
        if names.len() == 1 { "this chapter is" } else { "these chapters are" },
        names.join(", ")
    ))
    .at(at)
    .code(Code::Summary)
    .hint("join the nested lists into one (something between them, such as a comment or a change of list marker, splits a list in Markdown)")
}

fn collect_titles(items: &[SummaryItem], out: &mut Vec<String>) {
    for item in items {
        if let SummaryItem::Chapter(c) = item {
            out.push(format!("{:?}", c.title));
            collect_titles(&c.children, out);
        }
    }
}

/// The warning for a link at the start of a line that Markdown reads as part of something else.
fn part_of_the_entry_above(title: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(format!(
        "{title:?} is not a chapter: in Markdown this line belongs to the entry or block above (it is indented under an entry, follows one without a blank line, or sits in a heading, a quote or the paragraph after a part title); skipped, as mdBook skips it"
    ))
    .at(at)
    .code(Code::Summary)
    .hint("start the line with `- ` to make it a numbered chapter, or leave a blank line before it and start it at the margin to make it a suffix chapter")
}

/// The warning for a paragraph that holds no link.
fn not_an_entry(line: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(format!(
        "SUMMARY.md line is not a chapter entry: {line:?}; skipped"
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

/// Number the numbered chapters by their place among their siblings; mdBook numbers the top
/// level on across part titles and separators without resetting.
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
    let mut counter = 0;
    walk(items, &[], &mut counter);
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
        // mdBook refuses this SUMMARY.md; bindery keeps the line as a draft title and says so.
        let ch = chapters(&items);
        assert_eq!(ch.len(), 2);
        assert_eq!((ch[1].0.as_str(), ch[1].1.as_deref()), ("not a link", None));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("not a chapter entry"));
        assert!(warnings[0].message.contains("draft"));
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
    fn markdown_decides_as_in_mdbook() {
        // A level-2 heading is passed over (no part); a paragraph right after a part title is
        // no chapter; code in a title keeps its underscores; a second nested list under one
        // entry replaces the first, as mdBook's loaded book shows (checked against mdBook in
        // tests/corpus/summary_parity.py).
        let text = "# Summary\n\n## Getting started\n\n- [`no_std` *here*](a.md)\n  - [B](b.md)\n\n  <!-- x -->\n\n  * [C](c.md)\n\n# Part\n\n[Lost](l.md)\n\n- [D](d.md)\n";
        let (items, warnings) = parse(text, FileId(0), 64).unwrap();
        let ch = chapters(&items);
        let rows: Vec<(&str, Option<Vec<u32>>)> =
            ch.iter().map(|c| (c.0.as_str(), c.3.clone())).collect();
        assert_eq!(
            rows,
            [
                ("no_std here", Some(vec![1])),
                ("C", Some(vec![1, 1])),
                ("D", Some(vec![2]))
            ]
        );
        assert_eq!(
            items
                .iter()
                .filter(|i| matches!(i, SummaryItem::PartTitle(_)))
                .count(),
            1
        );
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("two nested lists") && m.contains("\"B\"")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("\"Lost\" is not a chapter")),
            "{messages:?}"
        );
    }

    #[test]
    fn numbered_after_suffix_is_an_error() {
        let text = "- [A](a.md)\n\n[S](s.md)\n- [B](b.md)\n";
        assert!(parse(text, FileId(0), 64).is_err());
    }
}
