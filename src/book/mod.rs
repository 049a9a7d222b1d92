//! Reading a book: `book.toml`, the chapter list (SUMMARY.md or the report files themselves), front
//! matter, directives and Markdown, into one [`Document`]. The only stage that reads book files
//! (pictures are only located here; `assets` reads them).

pub mod frontmatter;
pub mod fs;
pub mod html;
pub mod include;
pub mod links;
pub mod markdown;
mod maths;
mod pictures;
pub mod summary;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::diag::{Code, Diagnostic, Diagnostics, FileId, SourceMap, Span};
use crate::doc::{
    Block, Chapter, ChapterKind, Document, ImageId, ImageSource, Inline, Metadata, TocItem,
};
use crate::Error;
use fs::{BookFs, Refused};
use markdown::{ImageRef, Resolver};
use pictures::{ImageResolver, PictureIndex};
use summary::{SummaryChapter, SummaryItem};

/// A loaded book, ready for the document passes.
pub struct Book {
    pub config: Config,
    pub fs: BookFs,
    pub document: Document,
    /// Every file read (reports, includes, book.toml), for `dcterms:modified` without SOURCE_DATE_EPOCH.
    pub files_read: Vec<PathBuf>,
}

/// book.toml read and checked (its control characters replaced, with a warning at the key),
/// with its place among the sources; the defaults when the book has none. `None`: book.toml
/// cannot be used (the diagnostics say why).
fn read_config(
    root: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    files_read: &mut Vec<PathBuf>,
) -> Result<Option<(Config, Option<FileId>)>, Error> {
    let toml_path = root.join("book.toml");
    if toml_path.is_file() {
        let bytes = std::fs::read(&toml_path).map_err(|e| Error::Io(toml_path.clone(), e))?;
        let display = display_path(root, "book.toml");
        let text = match fs::decode_utf8(bytes, &display) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                return Ok(None);
            }
        };
        let file = sources.add(&toml_path, display, text);
        files_read.push(toml_path.clone());
        match config::parse_all(sources.text(file), file) {
            Ok(mut c) => {
                for (table, key, first) in config::remove_control_characters(&mut c) {
                    let at = config::key_span(sources.text(file), table, key)
                        .map_or(Span::file_start(file), |r| Span::new(file, r));
                    diags.push(
                        Diagnostic::warning(format!(
                            "[{table}] {key} holds the control character U+{:04X}; control characters are replaced by spaces",
                            first as u32
                        ))
                        .code(Code::ControlCharacter)
                        .at(at)
                        .hint("write the value on one line, without tabs or other control characters"),
                    );
                }
                Ok(Some((c, Some(file))))
            }
            Err(all) => {
                for d in all {
                    diags.push(d);
                }
                Ok(None)
            }
        }
    } else {
        let mut c = Config::default();
        c.book.src = reports_folder_without_config(root).to_string();
        Ok(Some((c, None)))
    }
}

/// The folder that holds the reports of a book without book.toml: `src/` when there is one,
/// else the book folder itself. `build` and `new-report` both ask here.
pub fn reports_folder_without_config(root: &Path) -> &'static str {
    if root.join("src").is_dir() {
        "src"
    } else {
        "."
    }
}

/// Load the book at `root`. Problems in the book go to `diags` (and `None` is returned when nothing
/// useful can be built); problems of the environment are errors.
///
/// `fetch_remote`: the runner asked for remote pictures (`--fetch-remote`); they are then
/// registered to be downloaded, not shown as links. book.toml alone never makes bindery go
/// online.
pub fn load(
    root: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    fetch_remote: bool,
) -> Result<Option<Book>, Error> {
    if !root.is_dir() {
        return Err(Error::NoBook(root.to_path_buf()));
    }
    let mut files_read = Vec::new();
    let Some((config, config_file)) = read_config(root, sources, diags, &mut files_read)? else {
        return Ok(None);
    };
    let limits = &config.bindery.limits;
    let fs = BookFs::new(root, limits.max_report_file_mib << 20)
        .map_err(|e| Error::Io(root.to_path_buf(), e))?;
    let fs = match include_root(&fs.root, &config, root, diags) {
        Some(folder) => fs.with_include_root(folder),
        None => fs,
    };
    let src_dir = fs::normalize(&fs.root.join(&config.book.src));
    if !src_dir.starts_with(&fs.root) || !src_dir.is_dir() {
        diags.push(
            Diagnostic::error(format!(
                "the source folder `{}` does not exist",
                config.book.src
            ))
            .in_file(display_path(root, "book.toml"))
            .hint("set [book] src in book.toml to the folder that holds the reports"),
        );
        return Ok(None);
    }
    let book_maths = maths::book_maths(
        &config,
        &fs,
        &display_path(root, "book.toml"),
        diags,
        &mut files_read,
    );
    let mut loader = Loader {
        fs: &fs,
        maths: book_maths,
        src_dir: src_dir.clone(),
        sources,
        diags,
        config: &config,
        images: Vec::new(),
        image_index: PictureIndex::default(),
        fetch_remote,
        chapters: Vec::new(),
        seen: HashMap::new(),
        files_read: &mut files_read,
        config_file,
    };
    let summary_path = src_dir.join("SUMMARY.md");
    let toc = if summary_path.is_file() {
        loader.chapters_from_summary(&summary_path)
    } else {
        loader.chapters_from_files()
    };
    let Some(toc) = toc else { return Ok(None) };
    let cover = loader.cover();
    let Loader {
        images, chapters, ..
    } = loader;
    let meta = metadata(&config, root, cover);
    let document = Document {
        meta,
        chapters,
        toc,
        images,
    };
    Ok(Some(Book {
        config,
        fs,
        document,
        files_read,
    }))
}

/// The folder `{{#include}}` may read besides the book: `[bindery] include-root` (relative to the
/// book root; it must contain the book), else the nearest enclosing git work tree, as a book kept
/// in a repository includes that repository's example code.
fn include_root(
    canonical_root: &Path,
    config: &Config,
    root: &Path,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    if let Some(rel) = &config.bindery.include_root {
        let folder = canonical_root.join(rel).canonicalize().ok();
        match folder.filter(|f| canonical_root.starts_with(f)) {
            Some(f) => return Some(f),
            None => {
                diags.push(
                    Diagnostic::warning(format!(
                        "include-root `{rel}` is not a folder that contains the book; includes are read from the book folder only"
                    ))
                    .in_file(display_path(root, "book.toml"))
                    .code(Code::Config)
                    .hint("set [bindery] include-root to a folder above the book, such as \"..\""),
                );
                return None;
            }
        }
    }
    canonical_root
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

fn display_path(root: &Path, name: &str) -> String {
    let p = root.join(name);
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn metadata(config: &Config, root: &Path, cover: Option<ImageId>) -> Metadata {
    let title = config.book.title.clone().unwrap_or_else(|| {
        root.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| "Untitled".to_string())
    });
    let title = crate::text::nfc(&title);
    let b = &config.bindery;
    let identifier = b.identifier.clone().unwrap_or_else(|| {
        // Derived from what names the book, so it survives rebuilds (readers keep their place).
        let key = format!("bindery:{}\n{}", title, config.book.authors.join("\n"));
        format!(
            "urn:uuid:{}",
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes())
        )
    });
    // Text typed into book.toml on macOS may be decomposed too.
    let nfc = |s: &Option<String>| s.as_deref().map(crate::text::nfc);
    Metadata {
        title,
        subtitle: nfc(&b.subtitle),
        authors: config
            .book
            .authors
            .iter()
            .map(|a| crate::text::nfc(a))
            .collect(),
        language: config
            .book
            .language
            .clone()
            .unwrap_or_else(|| "en".to_string()),
        description: nfc(&config.book.description),
        publisher: nfc(&b.publisher),
        date: b.date.clone(),
        subjects: b.subjects.iter().map(|s| crate::text::nfc(s)).collect(),
        rights: nfc(&b.rights),
        identifier,
        modified: 0,
        cover,
        // Only a whole web address makes links that leave the book into web links: mdBook
        // also takes a path (`/guide/`), which in an e-book would point at files it does not
        // have.
        site_url: config
            .output
            .html
            .site_url
            .as_deref()
            .and_then(|url| links::web_address(url.trim()))
            .filter(|url| url.contains("://")),
    }
}

struct Loader<'a> {
    fs: &'a BookFs,
    src_dir: PathBuf,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
    config: &'a Config,
    images: Vec<ImageSource>,
    image_index: PictureIndex,
    /// Remote pictures are registered to be downloaded (`--fetch-remote`).
    fetch_remote: bool,
    chapters: Vec<Chapter>,
    /// Chapter files already listed, with where they were listed first.
    seen: HashMap<PathBuf, Span>,
    files_read: &'a mut Vec<PathBuf>,
    /// book.toml in the source map, so a problem with a file it names points at the key.
    config_file: Option<FileId>,
    /// The maths the book declares, and the reader of its formulas.
    maths: maths::BookMaths,
}

/// One report file to load, with what the chapter list says about it.
struct Entry {
    path: PathBuf,
    title: Option<String>,
    kind: ChapterKind,
    number: Option<Vec<u32>>,
    depth: usize,
    text: Option<String>,
}

impl Loader<'_> {
    fn chapters_from_summary(&mut self, path: &Path) -> Option<Vec<TocItem>> {
        // Through the gate like every other file: a SUMMARY.md that links out of the book is
        // not read.
        let resolved = match self.fs.resolve(&self.src_dir, "SUMMARY.md") {
            Ok(p) => p,
            Err(d) => {
                self.diags.push(d.in_file(self.fs.display(path)));
                return None;
            }
        };
        let path = resolved.as_path();
        let text = match self.fs.read_text(path) {
            Ok(t) => t,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        self.files_read.push(path.to_path_buf());
        let file = self.sources.add(path, self.fs.display(path), text);
        let items = match summary::parse(
            self.sources.text(file),
            file,
            self.config.bindery.limits.max_nesting,
        ) {
            Ok((items, warnings)) => {
                for w in warnings {
                    self.diags.push(w);
                }
                items
            }
            Err(errors) => {
                for e in errors {
                    self.diags.push(e);
                }
                return None;
            }
        };
        let summary_canon = path.canonicalize().ok();
        Some(self.toc_items(&items, 0, summary_canon.as_deref()))
    }

    fn toc_items(
        &mut self,
        items: &[SummaryItem],
        depth: usize,
        summary: Option<&Path>,
    ) -> Vec<TocItem> {
        let mut out = Vec::new();
        for item in items {
            match item {
                SummaryItem::PartTitle(t) => out.push(TocItem::PartTitle(t.clone())),
                SummaryItem::Separator => out.push(TocItem::Separator),
                SummaryItem::Chapter(c) => {
                    let chapter = self.summary_chapter(c, depth, summary);
                    let children = self.toc_items(&c.children, depth + 1, summary);
                    // A draft has no chapter to carry its number; its title does, as mdBook
                    // shows it, so that "5.1" under it follows a "5.".
                    let title = match (chapter, &c.number) {
                        (None, Some(n)) => format!("{} {}", crate::doc::section_number(n), c.title),
                        _ => c.title.clone(),
                    };
                    out.push(TocItem::Entry {
                        title,
                        chapter,
                        children,
                    });
                }
            }
        }
        out
    }

    fn summary_chapter(
        &mut self,
        c: &SummaryChapter,
        depth: usize,
        summary: Option<&Path>,
    ) -> Option<usize> {
        let rel = c.path.as_deref()?;
        let rel = rel.split('#').next().unwrap_or(rel);
        let path = match self.fs.resolve_in(&self.src_dir, rel, &self.fs.root) {
            Ok(p) => p,
            Err(Refused::Missing(d)) => {
                // Listed but not written yet: kept in the contents as a draft, like `[T]()`.
                self.diags.push(
                    d.at(c.span)
                        .into_warning(Code::MissingChapter)
                        .hint(format!(
                            "create {rel} next to SUMMARY.md, or fix or remove this entry; until then it is a draft (a title without a page in the PDF's contents)"
                        )),
                );
                return None;
            }
            Err(refused) => {
                self.diags.push(refused.into_diagnostic().at(c.span));
                return None;
            }
        };
        if Some(path.as_path()) == summary {
            self.diags.push(
                Diagnostic::warning("SUMMARY.md lists itself as a chapter; the entry is skipped")
                    .at(c.span)
                    .code(Code::Summary)
                    .hint("remove this entry; SUMMARY.md is the chapter list, not a chapter"),
            );
            return None;
        }
        if let Some(first) = self.seen.get(&path) {
            let first_line = self.sources.locate(*first).line;
            self.diags.push(
                Diagnostic::warning(format!(
                    "{rel} is listed twice; the second entry is skipped"
                ))
                .at(c.span)
                .code(Code::Summary)
                .hint(format!(
                    "it is already listed on line {first_line}; a chapter can appear once"
                )),
            );
            return None;
        }
        self.seen.insert(path.clone(), c.span);
        let entry = Entry {
            path,
            title: Some(c.title.clone()),
            kind: c.kind,
            number: c.number.clone(),
            depth,
            text: None,
        };
        self.load_chapter(entry)
    }

    /// No SUMMARY.md: every report in the source folder, in natural file-name order, moved by
    /// front-matter `weight` (lower first) and then `date`.
    fn chapters_from_files(&mut self) -> Option<Vec<TocItem>> {
        let mut files = Vec::new();
        collect_markdown(&self.src_dir, &self.fs.root.join("out"), &mut files, 0);
        let mut entries = Vec::new();
        for found in files {
            let name = found
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let dir = found.parent().unwrap_or(&self.src_dir).to_path_buf();
            // A report that is a symlink out of the book is not read. A name that is not UTF-8
            // is checked by the path listed (it is shown lossily, but found).
            let utf8 = found.file_name().is_some_and(|n| n.to_str().is_some());
            let resolved = if utf8 {
                self.fs.resolve(&dir, &name)
            } else {
                self.fs.resolve_listed(&found)
            };
            let path = match resolved {
                Ok(p) => p,
                Err(d) => {
                    self.diags.push(d.in_file(self.fs.display(&found)));
                    continue;
                }
            };
            let text = match self.fs.read_text(&path) {
                Ok(t) => t,
                Err(d) => {
                    self.diags.push(d);
                    continue;
                }
            };
            let fm = frontmatter::split(&text, FileId(u32::MAX)).front;
            let rel = path
                .strip_prefix(&self.src_dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .to_string();
            entries.push((fm.weight.unwrap_or(0), fm.date.clone(), rel, path, text));
        }
        entries.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.cmp(&b.1))
                .then_with(|| natural_cmp(&a.2, &b.2))
        });
        if entries.is_empty() && !self.diags.has_errors() {
            self.diags.push(
                Diagnostic::error(format!("no reports found in {}", self.fs.display(&self.src_dir)))
                    .hint("add Markdown files (.md), or a SUMMARY.md that lists them; `bindery init` makes a starting point"),
            );
            return None;
        }
        let mut toc = Vec::new();
        for (_, _, _, path, text) in entries {
            let entry = Entry {
                path,
                title: None,
                kind: ChapterKind::Numbered,
                number: None,
                depth: 0,
                text: Some(text),
            };
            if let Some(index) = self.load_chapter(entry) {
                let title = self.chapters[index].title.clone();
                toc.push(TocItem::Entry {
                    title,
                    chapter: Some(index),
                    children: Vec::new(),
                });
            }
        }
        Some(toc)
    }

    fn load_chapter(&mut self, entry: Entry) -> Option<usize> {
        let text = match entry.text {
            Some(t) => t,
            None => match self.fs.read_text(&entry.path) {
                Ok(t) => t,
                Err(d) => {
                    self.diags.push(d);
                    return None;
                }
            },
        };
        self.files_read.push(entry.path.clone());
        let display = self.fs.display(&entry.path);
        let text = self.replace_control_chars(text, &entry.path);
        let file = self.sources.add(&entry.path, display.clone(), text);
        let text = self.sources.text(file).to_string();
        let split = frontmatter::split(&text, file);
        for d in split.warnings {
            self.diags.push(d);
        }
        let (fm, body_start) = (split.front, split.body_start);
        // A byte-order mark would hide a heading on the first line from the Markdown parser.
        let body_start = if body_start == 0 && text.starts_with('\u{feff}') {
            3
        } else {
            body_start
        };
        let (parse_file, base, body, included_title) =
            self.expand_includes(&entry.path, file, &text, body_start, display);
        let dir = entry.path.parent().unwrap_or(&self.src_dir).to_path_buf();
        let mut resolver = ImageResolver {
            fs: self.fs,
            dir,
            images: &mut self.images,
            index: &mut self.image_index,
            max_bytes: self.config.bindery.limits.max_image_file_mib << 20,
            fetch_remote: self.fetch_remote,
        };
        let options = markdown::ParseOptions {
            max_nesting: self.config.bindery.limits.max_nesting,
            math: self.maths.syntax,
        };
        let mut parsed =
            markdown::parse_with(&body, parse_file, base, options, &mut resolver, self.diags);
        if let Some(reader) = &self.maths.reader {
            reader.convert_formulas(&mut parsed.blocks, self.diags);
            for footnote in &mut parsed.footnotes {
                reader.convert_formulas(&mut footnote.blocks, self.diags);
            }
        }
        warn_undefined_footnotes(&parsed, &body, parse_file, base, self.diags);
        let first_heading = parsed.blocks.iter().find_map(|b| match b {
            Block::Heading { content, .. } => Some(Inline::plain_text(content)),
            _ => None,
        });
        let needs_title_heading = !matches!(parsed.blocks.first(), Some(Block::Heading { .. }));
        let stem = entry
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let title = entry
            .title
            .or(fm.title)
            .or(included_title)
            .or(first_heading)
            .unwrap_or_else(|| title_from_file_name(&stem));
        let source_path = entry
            .path
            .strip_prefix(&self.src_dir)
            .unwrap_or(&entry.path)
            .to_string_lossy()
            .replace('\\', "/");
        self.chapters.push(Chapter {
            title,
            number: entry.number,
            kind: entry.kind,
            depth: entry.depth,
            lang: fm.lang,
            authors: fm.authors,
            date: fm.date,
            description: fm.description,
            source_path,
            file,
            needs_title_heading,
            blocks: parsed.blocks,
            footnotes: parsed.footnotes,
        });
        Some(self.chapters.len() - 1)
    }

    /// The body of a report with its `{{#include}}` directives expanded: the file to parse (the
    /// report itself, or a composed text that maps back to every file it came from), the offset
    /// of the body in it, the body, and the title an include gave (`{{#title}}`).
    fn expand_includes(
        &mut self,
        path: &Path,
        file: FileId,
        text: &str,
        body_start: usize,
        display: String,
    ) -> (FileId, usize, String, Option<String>) {
        let origin = include::Origin {
            text: &text[body_start..],
            file,
            base: body_start,
            path,
        };
        let expanded = include::expand(
            origin,
            self.fs,
            self.sources,
            self.diags,
            self.config.bindery.limits.max_include_depth,
        );
        let title = expanded.title;
        let (parse_file, base, body) = if expanded.segments.is_empty() {
            (file, body_start, text[body_start..].to_string())
        } else {
            let id =
                self.sources
                    .add_composed(path, display, expanded.text.clone(), expanded.segments);
            (id, 0, expanded.text)
        };
        (parse_file, base, body, title)
    }

    /// Control characters (NUL and friends) are not allowed in XML: each becomes a space (keeping
    /// byte offsets, so later positions stay right) and the first is reported.
    fn replace_control_chars(&mut self, text: String, path: &Path) -> String {
        let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
        let Some(first) = text.find(bad) else {
            return text;
        };
        let count = text.chars().filter(|&c| bad(c)).count();
        let c = text[first..].chars().next().unwrap_or(' ');
        let (line, column, _) = crate::diag::line_column(&text, first);
        self.diags.push(
            Diagnostic::warning(format!(
                "{}:{line}:{column}: {count} control character(s) (first U+{:04X}) replaced by spaces",
                self.fs.display(path),
                c as u32
            )).code(Code::ControlCharacter)
            .hint("control characters cannot appear in an e-book; remove them from the file"),
        );
        text.chars()
            .map(|c| if bad(c) && c.len_utf8() == 1 { ' ' } else { c })
            .collect()
    }

    /// `[bindery] cover` in book.toml, resolved and registered as an image.
    fn cover(&mut self) -> Option<ImageId> {
        let rel = self.config.bindery.cover.clone()?;
        let mut resolver = ImageResolver {
            fs: self.fs,
            dir: self.fs.root.clone(),
            images: &mut self.images,
            index: &mut self.image_index,
            max_bytes: self.config.bindery.limits.max_image_file_mib << 20,
            fetch_remote: self.fetch_remote,
        };
        // The cover is only set in book.toml, so the file is in the source map.
        let file = self.config_file?;
        let at = crate::config::key_span(self.sources.text(file), "bindery", "cover")
            .map_or(Span::file_start(file), |range| Span::new(file, range));
        match resolver.image(&rel, at, self.diags) {
            ImageRef::Local(id) => Some(id),
            _ => None,
        }
    }
}

/// `[^x]` left as text: the Markdown parser only makes a reference of it when a definition exists,
/// so an undefined one would otherwise pass unnoticed. Found in the tree (not in code), located
/// in the source for the message.
fn warn_undefined_footnotes(
    parsed: &markdown::Parsed,
    body: &str,
    file: FileId,
    base: usize,
    diags: &mut Diagnostics,
) {
    let mut labels: Vec<String> = Vec::new();
    crate::doc::visit::visit_inlines(&parsed.blocks, &mut |i| {
        if let Inline::Text(t) = i {
            let mut rest = t.as_str();
            while let Some(start) = rest.find("[^") {
                let after = &rest[start + 2..];
                match after.find(']') {
                    Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                        labels.push(after[..end].to_string());
                        rest = &after[end..];
                    }
                    _ => rest = after,
                }
            }
        }
    });
    for label in labels {
        let needle = format!("[^{label}]");
        let at = body.find(&needle).unwrap_or(0);
        diags.push(
            Diagnostic::warning(format!(
                "footnote [^{label}] is not defined; it is shown as text"
            ))
            .code(Code::Footnote)
            .at(Span::new(file, base + at..base + at + needle.len()))
            .hint(format!("add a line `[^{label}]: the note` to this report")),
        );
    }
}

fn collect_markdown(dir: &Path, skip: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 || dir == skip {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect_markdown(&path, skip, out, depth + 1);
        } else if name.ends_with(".md") && name != "SUMMARY.md" && (ft.is_file() || ft.is_symlink())
        {
            out.push(path);
        }
    }
}

/// Compare file names as people do: `report2` before `report10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let chunks = |s: &str| -> Vec<(bool, String)> {
        let mut v: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let d = c.is_ascii_digit();
            match v.last_mut() {
                Some((kd, text)) if *kd == d => text.push(c),
                _ => v.push((d, c.to_string())),
            }
        }
        v
    };
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let ord = match (x.0, y.0) {
            (true, true) => {
                let (xt, yt) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                xt.len().cmp(&yt.len()).then_with(|| xt.cmp(yt))
            }
            _ => x.1.to_lowercase().cmp(&y.1.to_lowercase()),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// `2018-denver_summit` → `2018 denver summit`, the last resort for a title.
fn title_from_file_name(stem: &str) -> String {
    let t = stem.replace(['-', '_'], " ");
    let t = t.trim();
    let mut chars = t.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Untitled".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["report10.md", "report2.md", "Report1.md", "a.md"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a.md", "Report1.md", "report2.md", "report10.md"]);
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(
            title_from_file_name("denver-summit_2018"),
            "Denver summit 2018"
        );
    }
}
