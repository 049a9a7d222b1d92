//! Diagnostics: problems in the book, each tied to a place in a source file.
//!
//! Every stage pushes [`Diagnostic`]s into one [`Diagnostics`] collection; the pipeline renders them
//! once, at the end, so the user sees every problem of a run together. Places are byte ranges into
//! files registered in the [`SourceMap`]; line and column are computed only when rendering, from the
//! original bytes, so CRLF line ends, a UTF-8 byte-order mark, tabs and multi-byte letters all count
//! the way an editor counts them (columns are characters, 1-based).

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end.max(range.start),
        }
    }

    /// The whole-file span used when a problem concerns a file as such.
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }
}

/// A piece of a composed text (a chapter with `{{#include}}`s spliced in) that came from elsewhere.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Byte range in the composed text.
    pub range: Range<usize>,
    /// Where those bytes were read from.
    pub origin: FileId,
    pub origin_offset: usize,
}

#[derive(Debug)]
pub struct SourceFile {
    /// Path shown to the user (relative to the working directory when possible).
    pub display: String,
    pub path: PathBuf,
    pub text: String,
    /// Non-empty only for composed texts: maps ranges back to the file they came from.
    pub segments: Vec<Segment>,
}

/// Owns the text of every file read, so spans can be rendered as `file:line:col` with a snippet.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

/// A resolved place: what the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub display: String,
    pub line: usize,
    pub column: usize,
    pub line_text: String,
}

impl SourceMap {
    pub fn add(&mut self, path: &Path, display: String, text: String) -> FileId {
        self.add_composed(path, display, text, Vec::new())
    }

    pub fn add_composed(
        &mut self,
        path: &Path,
        display: String,
        text: String,
        segments: Vec<Segment>,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            display,
            path: path.to_path_buf(),
            text,
            segments,
        });
        id
    }

    /// The path of every file read as text (reports, SUMMARY.md, includes, book.toml).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// The file read from `path`, if it was.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.get(id).text
    }

    /// Resolve a byte offset to the original file, line and column, following include segments.
    pub fn locate(&self, span: Span) -> Location {
        let mut file = self.get(span.file);
        let mut offset = span.start;
        // Follow composed texts back to the file the bytes were read from (bounded by nesting).
        for _ in 0..64 {
            let Some(seg) = file
                .segments
                .iter()
                .find(|s| s.range.start <= offset && offset < s.range.end.max(s.range.start + 1))
            else {
                break;
            };
            offset = seg.origin_offset + (offset - seg.range.start);
            file = self.get(seg.origin);
        }
        let (line, column, line_text) = line_column(&file.text, offset);
        Location {
            display: file.display.clone(),
            line,
            column,
            line_text,
        }
    }
}

/// 1-based line and character column of a byte offset; the line's text without its line end.
pub fn line_column(text: &str, offset: usize) -> (usize, usize, String) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let mut prefix = &text[line_start..offset];
    // A byte-order mark is not a column an editor shows.
    if line_start == 0 {
        prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
    }
    let column = prefix.chars().count() + 1;
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut line_text = text[line_start..line_end].trim_end_matches('\r');
    if line_start == 0 {
        line_text = line_text.strip_prefix('\u{feff}').unwrap_or(line_text);
    }
    (line, column, line_text.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Option<Span>,
    /// A file the problem is about when there is no span in a loaded source (e.g. an unreadable file).
    pub path: Option<Box<Path>>,
    /// The line and column in `path`, when the file could not be loaded as a source but the
    /// place is known (the first byte that is not UTF-8).
    pub line_column: Option<(u32, u32)>,
    /// Boxed: diagnostics travel inside `Result`s, so they are kept small.
    pub hint: Option<Box<str>>,
    /// What kind of problem this is (`broken-anchor`, `missing-include`): the last line of a run
    /// counts warnings by kind, and `--deny-warnings` users can see which class to fix first.
    pub code: Option<&'static str>,
}

/// The kind of a diagnostic: the code in brackets (`warning[alt-text]`), in the JSON and in the
/// summary's counts. Every code a build can print is one of these; the list in
/// docs/ARCHITECTURE.md is checked against [`Code::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A picture whose alt text does not describe it.
    AltText,
    /// A picture that cannot be read: a framed placeholder.
    BadPicture,
    /// A link to a missing heading: it goes to the chapter.
    BrokenAnchor,
    /// A `.md` that is no chapter: a web link under `site-url`, else text.
    BrokenLink,
    /// A book.toml key that is not used as written.
    Config,
    /// A control character in a book.toml value, replaced by a space.
    ControlCharacter,
    /// A footnote referenced but not defined, or defined twice.
    Footnote,
    /// Front matter read as Markdown, or a key ignored.
    FrontMatter,
    /// An include range past the end of its file.
    IncludeRange,
    /// The typesetter found a word or picture outside its column (bindery's bug).
    LayoutCheck,
    /// A link to a file outside the book.
    LinkLeavesBook,
    /// An address over 32 KiB: its text, no link.
    LongLink,
    /// A formula or a maths macro that cannot be read: shown as its TeX.
    Maths,
    /// A chapter listed in SUMMARY.md whose file is missing: a draft.
    MissingChapter,
    /// A character no font has: an empty box in the PDF.
    MissingGlyph,
    /// An include whose file or anchor is missing: a visible note.
    MissingInclude,
    /// A picture file that is not there: a framed placeholder.
    MissingPicture,
    /// Containers or chapters nested deeper than the limit: flattened.
    Nesting,
    /// A path that leaves the book or include root: never read.
    OutsideBook,
    /// The PDF cannot claim PDF/UA-1 (or PDF/A-2b): written without the claim.
    PdfStandard,
    /// The picture cache folder is not a plain folder: not used.
    PictureCache,
    /// Something removed from an SVG (embedded HTML, outside references).
    PictureContent,
    /// An address too long for a QR code: printed without one.
    QrCode,
    /// Raw HTML removed (scripts, forms, embedded content).
    RawHtml,
    /// A picture on the web not downloaded (a link) or whose download failed (a placeholder).
    RemotePicture,
    /// A SUMMARY.md line that is no entry, or an entry listed twice.
    Summary,
    /// Cells beyond the header's width, kept as plain text in new columns.
    Table,
    /// A link of a scheme a book cannot follow: its text.
    UnsafeLink,
}

impl Code {
    /// Every kind, in the order of their codes.
    pub const ALL: [Code; 28] = [
        Code::AltText,
        Code::BadPicture,
        Code::BrokenAnchor,
        Code::BrokenLink,
        Code::Config,
        Code::ControlCharacter,
        Code::Footnote,
        Code::FrontMatter,
        Code::IncludeRange,
        Code::LayoutCheck,
        Code::LinkLeavesBook,
        Code::LongLink,
        Code::Maths,
        Code::MissingChapter,
        Code::MissingGlyph,
        Code::MissingInclude,
        Code::MissingPicture,
        Code::Nesting,
        Code::OutsideBook,
        Code::PdfStandard,
        Code::PictureCache,
        Code::PictureContent,
        Code::QrCode,
        Code::RawHtml,
        Code::RemotePicture,
        Code::Summary,
        Code::Table,
        Code::UnsafeLink,
    ];

    /// The code as printed: `alt-text`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::AltText => "alt-text",
            Code::BadPicture => "bad-picture",
            Code::BrokenAnchor => "broken-anchor",
            Code::BrokenLink => "broken-link",
            Code::Config => "config",
            Code::ControlCharacter => "control-character",
            Code::Footnote => "footnote",
            Code::FrontMatter => "front-matter",
            Code::IncludeRange => "include-range",
            Code::LayoutCheck => "layout-check",
            Code::LinkLeavesBook => "link-leaves-book",
            Code::LongLink => "long-link",
            Code::Maths => "maths",
            Code::MissingChapter => "missing-chapter",
            Code::MissingGlyph => "missing-glyph",
            Code::MissingInclude => "missing-include",
            Code::MissingPicture => "missing-picture",
            Code::Nesting => "nesting",
            Code::OutsideBook => "outside-book",
            Code::PdfStandard => "pdf-standard",
            Code::PictureCache => "picture-cache",
            Code::PictureContent => "picture-content",
            Code::QrCode => "qr-code",
            Code::RawHtml => "raw-html",
            Code::RemotePicture => "remote-picture",
            Code::Summary => "summary",
            Code::Table => "table",
            Code::UnsafeLink => "unsafe-link",
        }
    }
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            path: None,
            line_column: None,
            hint: None,
            code: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Diagnostic {
        self.path = Some(path.into().into_boxed_path());
        self
    }

    /// The line and column (1-based) in the file given by [`Diagnostic::in_file`].
    pub fn at_line(mut self, line: usize, column: usize) -> Diagnostic {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.line_column = Some((clamp(line), clamp(column)));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }

    pub fn code(mut self, code: Code) -> Diagnostic {
        self.code = Some(code.as_str());
        self
    }

    /// The same problem as a warning (the book still builds, with a visible fallback), of kind
    /// `code` unless it already has one.
    pub fn into_warning(mut self, code: Code) -> Diagnostic {
        self.severity = Severity::Warning;
        self.code = self.code.or(Some(code.as_str()));
        self
    }
}

/// Every diagnostic of a run, in the order found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Counts by kind (`broken-link: 3`), most frequent first, for the diagnostics of `severity`;
    /// diagnostics without a code count as `other`.
    pub fn counts_by_kind(&self, severity: Severity) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for d in self.items.iter().filter(|d| d.severity == severity) {
            let kind = d.code.unwrap_or("other");
            match counts.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((kind, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        counts
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `--deny-warnings`: every warning becomes an error.
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// Render all diagnostics, rustc-style, with a snippet of the offending line.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.render_styled(sources, Paint::plain())
    }

    /// As [`render`](Self::render), with terminal colours when `paint` has them.
    pub fn render_styled(&self, sources: &SourceMap, paint: Paint) -> String {
        let mut out = String::new();
        for d in &self.items {
            render_one(&mut out, d, sources, paint);
        }
        out
    }

    /// As [`render_styled`](Self::render_styled), with at most `per_kind` diagnostics of each
    /// kind and severity in full: the rest of a kind are one line that counts them, so that a
    /// book with 1,700 warnings of one kind still shows the others (`-v` and the JSON form show
    /// every one). Diagnostics without a kind are always shown.
    pub fn render_limited(&self, sources: &SourceMap, paint: Paint, per_kind: usize) -> String {
        let mut out = String::new();
        let mut shown: Vec<((Severity, &'static str), usize)> = Vec::new();
        for d in &self.items {
            if let Some(code) = d.code {
                let key = (d.severity, code);
                let count = match shown.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        shown.push((key, 1));
                        1
                    }
                };
                if count > per_kind {
                    continue;
                }
            }
            render_one(&mut out, d, sources, paint);
        }
        for ((severity, code), count) in shown {
            if count <= per_kind {
                continue;
            }
            let rest = count - per_kind;
            let (label, more) = match (severity, rest) {
                (Severity::Error, 1) => (paint.error("error"), "error"),
                (Severity::Error, _) => (paint.error("error"), "errors"),
                (Severity::Warning, 1) => (paint.warning("warning"), "warning"),
                (Severity::Warning, _) => (paint.warning("warning"), "warnings"),
            };
            out.push_str(&format!(
                "{label}: ... and {rest} more {code} {more} like these; -v shows all\n\n"
            ));
        }
        out
    }
}

/// The most diagnostics of one kind a build prints in full (without `-v`).
pub const SHOWN_PER_KIND: usize = 5;

impl Diagnostics {
    /// Every diagnostic as one JSON object per line (`--message-format json`), for editors and
    /// CI annotations: file, line and column of the start and the end, severity, code, message,
    /// hint. Positions are 1-based characters, as in the text form.
    pub fn to_json_lines(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for d in &self.items {
            let mut object = serde_json::json!({
                "type": "diagnostic",
                "severity": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                "code": d.code,
                "message": d.message,
                "hint": d.hint.as_deref(),
                "file": null,
                "line": null,
                "column": null,
                "end_line": null,
                "end_column": null,
            });
            if let Some(span) = d.span {
                let start = sources.locate(span);
                let end = sources.locate(Span {
                    start: span.end,
                    ..span
                });
                object["file"] = start.display.into();
                object["line"] = start.line.into();
                object["column"] = start.column.into();
                object["end_line"] = end.line.into();
                object["end_column"] = end.column.into();
            } else if let Some(path) = &d.path {
                object["file"] = path.display().to_string().into();
                if let Some((line, column)) = d.line_column {
                    for key in ["line", "end_line"] {
                        object[key] = line.into();
                    }
                    for key in ["column", "end_column"] {
                        object[key] = column.into();
                    }
                }
            }
            out.push_str(&object.to_string());
            out.push('\n');
        }
        out
    }
}

/// Any serialisable value as one line of JSON (the live preview's state).
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The last line of `--message-format json`: how the run ended (`ok`, `failed`: the book has
/// errors, `usage`: exit 2), the counts, the files written, the notes and an error message.
pub fn json_summary(
    status: &str,
    counts: (usize, usize),
    written: &[PathBuf],
    notes: &[String],
    message: Option<&str>,
) -> String {
    let value = serde_json::json!({
        "type": "summary",
        "status": status,
        "errors": counts.0,
        "warnings": counts.1,
        "written": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "notes": notes,
        "message": message,
    });
    format!("{value}\n")
}

/// Terminal colours for diagnostics, rustc's: errors red, warnings yellow, places blue, help
/// cyan; or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    pub fn plain() -> Paint {
        Paint { on: false }
    }

    pub fn colored(on: bool) -> Paint {
        Paint { on }
    }

    fn wrap(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn error(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    pub fn warning(self, text: &str) -> String {
        self.wrap("1;33", text)
    }

    pub fn note(self, text: &str) -> String {
        self.wrap("1;36", text)
    }

    pub fn place(self, text: &str) -> String {
        self.wrap("1;34", text)
    }

    pub fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }
}

/// Text from a book as it may be printed on a terminal: control characters (an escape sequence
/// hidden in a report would drive the terminal) are shown as U+FFFD.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &SourceMap, paint: Paint) {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let head = match d.code {
        Some(code) => format!("{label}[{code}]"),
        None => label.to_string(),
    };
    let head = match d.severity {
        Severity::Error => paint.error(&head),
        Severity::Warning => paint.warning(&head),
    };
    let _ = writeln!(out, "{head}: {}", paint.bold(&printable(&d.message)));
    if let Some(span) = d.span {
        let loc = sources.locate(span);
        let place = format!("{}:{}:{}", loc.display, loc.line, loc.column);
        let _ = writeln!(out, "  {} {}", paint.place("-->"), printable(&place));
        let gutter = loc.line.to_string().len();
        let shown: String = loc.line_text.chars().take(160).collect();
        let bar = paint.place("|");
        let _ = writeln!(out, "{:gutter$} {bar}", "");
        let _ = writeln!(
            out,
            "{} {bar} {}",
            paint.place(&loc.line.to_string()),
            printable(&shown.replace('\t', " "))
        );
        if loc.column <= 160 {
            let caret = format!("{:>col$}", "^", col = loc.column);
            let caret = match d.severity {
                Severity::Error => paint.error(&caret),
                Severity::Warning => paint.warning(&caret),
            };
            let _ = writeln!(out, "{:gutter$} {bar} {caret}", "");
        }
    } else if let Some(path) = &d.path {
        let place = match d.line_column {
            Some((line, column)) => format!("{}:{line}:{column}", path.display()),
            None => path.display().to_string(),
        };
        let _ = writeln!(out, "  {} {}", paint.place("-->"), printable(&place));
    }
    if let Some(hint) = &d.hint {
        let pad = d
            .span
            .map_or(1, |s| sources.locate(s).line.to_string().len());
        let _ = writeln!(
            out,
            "{:pad$} = {}: {}",
            "",
            paint.note("help"),
            printable(hint)
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "Xin chào thế giới\nđây là dòng hai";
        let off = text.find("giới").unwrap();
        assert_eq!(line_column(text, off).0, 1);
        assert_eq!(line_column(text, off).1, 14);
        let off = text.find("dòng").unwrap();
        let (line, col, _) = line_column(text, off);
        assert_eq!((line, col), (2, 8));
    }

    #[test]
    fn crlf_and_bom_do_not_shift_positions() {
        let text = "\u{feff}first\r\nsecond [x]\r\n";
        let off = text.find("[x]").unwrap();
        let (line, col, line_text) = line_column(text, off);
        assert_eq!((line, col), (2, 8));
        assert_eq!(line_text, "second [x]");
        let (line, col, _) = line_column(text, text.find("first").unwrap());
        assert_eq!((line, col), (1, 1));
    }

    #[test]
    fn a_flood_of_one_kind_is_shown_as_the_first_few_and_a_count() {
        let mut diags = Diagnostics::default();
        for i in 0..8 {
            diags.push(Diagnostic::warning(format!("link {i} is broken")).code(Code::BrokenLink));
        }
        diags.push(Diagnostic::warning("a picture has no description").code(Code::AltText));
        diags.push(Diagnostic::error("no kind, always shown"));
        let text = diags.render_limited(&SourceMap::default(), Paint::plain(), 5);
        for i in 0..5 {
            assert!(text.contains(&format!("link {i} is broken")), "{text}");
        }
        assert!(!text.contains("link 5 is broken"), "{text}");
        assert!(text.contains("a picture has no description"));
        assert!(text.contains("no kind, always shown"));
        assert!(
            text.contains("warning: ... and 3 more broken-link warnings like these; -v shows all"),
            "{text}"
        );
        assert!(!text.contains("more alt-text"));
        // Every one, in full, for -v.
        assert!(diags
            .render_styled(&SourceMap::default(), Paint::plain())
            .contains("link 7"));
    }

    #[test]
    fn terminal_controls_in_a_book_are_not_printed() {
        assert_eq!(printable("a\x1b[31mb\tc"), "a\u{fffd}[31mb\tc");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn colours_only_when_asked() {
        assert_eq!(Paint::plain().error("error"), "error");
        assert_eq!(
            Paint::colored(true).error("error"),
            "\x1b[1;31merror\x1b[0m"
        );
    }

    #[test]
    fn tabs_count_as_one_column() {
        let text = "\tx";
        assert_eq!(line_column(text, 1).1, 2);
    }

    #[test]
    fn composed_text_maps_back_to_the_included_file() {
        let mut map = SourceMap::default();
        let inc = map.add(Path::new("inc.md"), "inc.md".into(), "a\nb\nc\n".into());
        let composed = "top\nb\nc\nend\n".to_string();
        let id = map.add_composed(
            Path::new("ch.md"),
            "ch.md".into(),
            composed,
            vec![Segment {
                range: 4..8,
                origin: inc,
                origin_offset: 2,
            }],
        );
        let loc = map.locate(Span::new(id, 6..7));
        assert_eq!(
            (loc.display.as_str(), loc.line, loc.column),
            ("inc.md", 3, 1)
        );
    }
}
