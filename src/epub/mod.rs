//! The EPUB 3.3 writer: XHTML chapters, package document (OPF), navigation document with toc and
//! landmarks, an EPUB 2 NCX for older readers, cover and title pages, styles and fonts.
//!
//! Written directly on `zip` + `quick-xml` (escaping) rather than epub-builder, whose EPUB 3
//! template gives `dc:language` and `dc:creator` the same id and cannot carry accessibility
//! metadata (see docs/ARCHITECTURE.md). Reads only the document tree and the processed pictures.

mod archive;
pub mod budget;
pub mod cover;
pub mod delivery;
mod opf;
pub mod xhtml;

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::assets::fonts::{self, Face, Role};
use crate::assets::picture::Processed;
use crate::doc::visit::{visit_blocks, visit_inlines};
use crate::doc::{Block, ChapterKind, Document, Inline, TocItem};
use crate::Error;
pub use archive::unpack;
use archive::PackageFile;

/// What a long-running process (`watch`, `serve`) keeps from one EPUB for the next: its
/// compressed files and its drawn cover.
#[derive(Default)]
pub struct EpubMemo {
    files: archive::ArchiveMemo,
    cover: cover::CoverMemo,
}

impl EpubMemo {
    /// How many files the last EPUB compressed anew (the others were kept).
    pub fn compressed_anew(&self) -> usize {
        self.files.compressed_anew()
    }

    /// How many compressed files the last EPUB had.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
use xhtml::escape;

pub struct Options {
    pub embed_fonts: bool,
    /// The contents heading in the book's language (`labels::Labels`).
    pub contents_label: String,
    /// The book's own fonts (`[bindery.fonts]`): they replace the bundled face of their role.
    pub book_fonts: Vec<crate::assets::fonts::BookFont>,
    /// Make a title card the cover when the book names none (`auto-cover`).
    pub title_card: bool,
    /// Who checked the book's accessibility (`a11y-certified-by`): the conformance claim is
    /// then written whatever bindery's own checks find.
    pub certified_by: Option<String>,
    /// Write Kobo's KEPUB markup: every sentence in a numbered `koboSpan`, the body in Kobo's
    /// column wrappers. The package stays valid EPUB 3.
    pub kobo: bool,
}

/// The picture on the cover page: the book's own (named in book.toml), or one made for it.
enum Cover<'a> {
    Picture(usize),
    Made(std::borrow::Cow<'a, Processed>),
}

/// Package file name of chapter `i`.
fn chapter_file(i: usize) -> String {
    format!("ch{:03}.xhtml", i + 1)
}

/// Package file name of each picture: numbered in order of first use (collision-free whatever the
/// source names were), with a readable, ASCII-only stem.
pub fn image_names(doc: &Document, images: &[Processed]) -> Vec<String> {
    doc.images
        .iter()
        .zip(images)
        .enumerate()
        .map(|(i, (src, p))| {
            let stem = src.rel_path.rsplit('/').next().unwrap_or("image");
            let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
            let mut clean = String::new();
            for c in stem.chars() {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_alphanumeric() {
                    clean.push(c);
                } else if !clean.ends_with('-') {
                    clean.push('-');
                }
            }
            let clean: String = clean.trim_matches('-').chars().take(40).collect();
            let clean = if clean.is_empty() {
                "image".to_string()
            } else {
                clean
            };
            format!("{:03}-{clean}.{}", i + 1, p.extension)
        })
        .collect()
}

/// Build the EPUB bytes.
pub fn write(doc: &Document, images: &[Processed], options: &Options) -> Result<Vec<u8>, Error> {
    write_with_memo(doc, images, options, None)
}

/// [`write`], taking the files a long-running process's earlier builds compressed from `memo`.
pub fn write_with_memo(
    doc: &Document,
    images: &[Processed],
    options: &Options,
    memo: Option<&EpubMemo>,
) -> Result<Vec<u8>, Error> {
    let names = image_names(doc, images);
    let hrefs: Vec<String> = names.iter().map(|n| format!("../images/{n}")).collect();
    let chapter_file_fn = chapter_file;
    let sizes: Vec<(u32, u32)> = images.iter().map(|p| (p.width, p.height)).collect();
    let ctx = xhtml::Context {
        doc,
        image_hrefs: &hrefs,
        image_sizes: &sizes,
        kobo: options.kobo,
        chapter_file: &chapter_file_fn,
    };
    let mut entries = vec![PackageFile {
        name: "META-INF/container.xml".into(),
        bytes: CONTAINER.as_bytes().to_vec(),
        compress: true,
    }];
    if options.embed_fonts {
        // Apple Books sets its own fonts unless the book says it specifies them.
        entries.push(text_entry(
            "META-INF/com.apple.ibooks.display-options.xml",
            APPLE_DISPLAY_OPTIONS.to_string(),
        ));
    }
    let mut contents = Contents {
        entries,
        manifest: String::new(),
        spine: String::new(),
    };
    let cover = choose_cover(doc, images, options, memo);
    let cover_href = cover.as_ref().map(|c| match c {
        Cover::Picture(i) => hrefs[*i].clone(),
        Cover::Made(p) => format!("../images/cover.{}", p.extension),
    });
    if let Some(href) = &cover_href {
        let page = cover_page(doc, href);
        contents.page("cover-page", "text/cover.xhtml", page, " linear=\"yes\"");
    }
    contents.page("title-page", "text/title.xhtml", title_page(doc), "");
    let nav_page = nav(doc, cover_href.is_some(), &options.contents_label);
    contents.text("nav.xhtml", nav_page);
    manifest_item(
        &mut contents.manifest,
        "nav",
        "nav.xhtml",
        XHTML,
        Some("nav"),
    );
    contents.spine.push_str("<itemref idref=\"nav\"/>\n");
    contents.text("toc.ncx", ncx(doc));
    manifest_item(
        &mut contents.manifest,
        "ncx",
        "toc.ncx",
        "application/x-dtbncx+xml",
        None,
    );
    let chapter_texts: Vec<String> = (0..doc.chapters.len())
        .into_par_iter()
        .map(|i| xhtml::chapter(&ctx, i))
        .collect();
    for (i, text) in chapter_texts.into_iter().enumerate() {
        let id = format!("ch{:03}", i + 1);
        contents.page(&id, &format!("text/{}", chapter_file(i)), text, "");
    }
    contents.resources(doc, options, &names, images, cover.as_ref());
    let cover_id = cover.as_ref().map(|c| match c {
        Cover::Picture(i) => format!("img{:03}", i + 1),
        Cover::Made(_) => "cover-image".to_string(),
    });
    let Contents {
        mut entries,
        manifest,
        spine,
    } = contents;
    let opf = opf::package(
        doc,
        &manifest,
        &spine,
        cover_id,
        options.certified_by.as_deref(),
    );
    entries.insert(1, text_entry("OEBPS/content.opf", opf));
    archive::pack(&entries, doc.meta.modified, memo.map(|m| &m.files))
}

/// The cover: the book's own picture (an SVG one rendered to pixels, as stores and Kobo's
/// library take no SVG cover), or a title card when the book has none and asks for one.
fn choose_cover<'a>(
    doc: &Document,
    images: &'a [Processed],
    options: &Options,
    memo: Option<&EpubMemo>,
) -> Option<Cover<'a>> {
    match doc.meta.cover.filter(|c| c.0 < images.len()) {
        // Stores and Kobo's library take no SVG cover: the drawing is rendered to pixels.
        // One that cannot be rendered (too tall to draw 1600 pixels wide) stays a drawing, which
        // every EPUB reader shows; `bindery check` names the risk.
        Some(c) if images[c.0].media_type == "image/svg+xml" => Some(
            cover::rasterize(&images[c.0], memo.map(|m| &m.cover))
                .map_or(Cover::Picture(c.0), |p| {
                    Cover::Made(std::borrow::Cow::Owned(p))
                }),
        ),
        Some(c) => Some(Cover::Picture(c.0)),
        None if options.title_card => {
            cover::title_card(&doc.meta, &options.book_fonts, memo.map(|m| &m.cover))
                .map(|p| Cover::Made(std::borrow::Cow::Owned(p)))
        }
        None => None,
    }
}

/// The files of the EPUB as they are added, with their manifest items and spine entries, in
/// the order they are added.
struct Contents {
    entries: Vec<PackageFile>,
    manifest: String,
    spine: String,
}

const XHTML: &str = "application/xhtml+xml";

impl Contents {
    /// A text file at `href` in OEBPS/, compressed; its manifest item is the caller's.
    fn text(&mut self, href: &str, text: String) {
        self.entries
            .push(text_entry(&format!("OEBPS/{href}"), text));
    }

    /// A page of the reading order: the file, its manifest item and its spine entry (with
    /// `spine_attributes`, such as ` linear="yes"`).
    fn page(&mut self, id: &str, href: &str, text: String, spine_attributes: &str) {
        // Reading systems look for MathML only where the manifest says a page has it (and
        // EPUBCheck requires the property exactly there). Text is escaped, so `<math` is only
        // ever an element.
        let properties = text.contains("<math").then_some("mathml");
        self.text(href, text);
        manifest_item(&mut self.manifest, id, href, XHTML, properties);
        let _ = writeln!(self.spine, "<itemref idref=\"{id}\"{spine_attributes}/>");
    }

    /// Any other file: its bytes and its manifest item.
    fn file(
        &mut self,
        id: &str,
        href: &str,
        media_type: &str,
        properties: Option<&str>,
        bytes: Vec<u8>,
        compress: bool,
    ) {
        manifest_item(&mut self.manifest, id, href, media_type, properties);
        self.entries.push(PackageFile {
            name: format!("OEBPS/{href}"),
            bytes,
            compress,
        });
    }

    /// The stylesheet, the fonts it embeds, the pictures and a cover made for the book.
    fn resources(
        &mut self,
        doc: &Document,
        options: &Options,
        names: &[String],
        images: &[Processed],
        cover: Option<&Cover>,
    ) {
        let css = stylesheet(doc, options);
        self.text("css/book.css", css.text);
        manifest_item(&mut self.manifest, "css", "css/book.css", "text/css", None);
        for (i, face) in css.faces.iter().enumerate() {
            let media_type = if face.file_name.to_ascii_lowercase().ends_with(".otf") {
                "font/otf"
            } else {
                "font/ttf"
            };
            let href = format!("fonts/{}", face.file_name);
            self.file(
                &format!("font{}", i + 1),
                &href,
                media_type,
                None,
                face.bytes.to_vec(),
                true,
            );
        }
        for (i, (name, p)) in names.iter().zip(images).enumerate() {
            let id = format!("img{:03}", i + 1);
            let props =
                matches!(cover, Some(Cover::Picture(c)) if *c == i).then_some("cover-image");
            let compress = p.media_type == "image/svg+xml";
            let href = format!("images/{name}");
            self.file(&id, &href, p.media_type, props, p.bytes.clone(), compress);
        }
        if let Some(Cover::Made(p)) = cover {
            let href = format!("images/cover.{}", p.extension);
            let props = Some("cover-image");
            self.file(
                "cover-image",
                &href,
                p.media_type,
                props,
                p.bytes.clone(),
                false,
            );
        }
    }
}

fn text_entry(name: &str, text: String) -> PackageFile {
    PackageFile {
        name: name.to_string(),
        bytes: text.into_bytes(),
        compress: true,
    }
}

fn manifest_item(
    out: &mut String,
    id: &str,
    href: &str,
    media_type: &str,
    properties: Option<&str>,
) {
    let _ = write!(
        out,
        "<item id=\"{id}\" href=\"{}\" media-type=\"{media_type}\"",
        escape(href)
    );
    if let Some(p) = properties {
        let _ = write!(out, " properties=\"{p}\"");
    }
    out.push_str("/>\n");
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

const APPLE_DISPLAY_OPTIONS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<display_options>\n<platform name=\"*\">\n<option name=\"specified-fonts\">true</option>\n</platform>\n</display_options>\n";

/// What the book's text uses, to embed only the font faces it needs.
#[derive(Default)]
struct Usage {
    emphasis: bool,
    strong: bool,
    code: bool,
    sans_regular: bool,
}

fn usage(doc: &Document) -> Usage {
    let mut u = Usage {
        sans_regular: doc.meta.subtitle.is_some() || !doc.meta.authors.is_empty(),
        ..Usage::default()
    };
    for ch in &doc.chapters {
        u.sans_regular |= ch.date.is_some() || !ch.authors.is_empty();
        let mut blocks = ch.blocks.clone();
        for f in &ch.footnotes {
            blocks.extend(f.blocks.iter().cloned());
        }
        visit_blocks(&blocks, &mut |b| match b {
            Block::CodeBlock { .. } => u.code = true,
            Block::Figure { caption, .. } if !caption.is_empty() => u.sans_regular = true,
            Block::Table { .. } | Block::DefinitionList(_) => u.strong = true,
            Block::List { items, .. } if items.iter().any(|i| i.task.is_some()) => u.code = true,
            _ => {}
        });
        visit_inlines(&blocks, &mut |i| match i {
            Inline::Emphasis(_) => u.emphasis = true,
            Inline::Strong(_) => u.strong = true,
            Inline::Code(_) => u.code = true,
            // A formula shown as its TeX (one that could not be converted) is set in code.
            Inline::Math(f) if f.mathml.is_none() => u.code = true,
            _ => {}
        });
    }
    u
}

struct Stylesheet<'a> {
    text: String,
    faces: Vec<Embedded<'a>>,
}

/// A font file to embed: a bundled face, or the book's own face for that role and style.
struct Embedded<'a> {
    family: &'static str,
    bold: bool,
    italic: bool,
    file_name: String,
    bytes: &'a [u8],
}

fn stylesheet<'a>(doc: &Document, options: &'a Options) -> Stylesheet<'a> {
    let mut faces: Vec<&'static Face> = Vec::new();
    if options.embed_fonts {
        let u = usage(doc);
        faces.push(fonts::face(Role::Body, false, false));
        faces.push(fonts::face(Role::Heading, true, false));
        if u.emphasis {
            faces.push(fonts::face(Role::Body, false, true));
        }
        if u.strong {
            faces.push(fonts::face(Role::Body, true, false));
        }
        if u.emphasis && u.strong {
            faces.push(fonts::face(Role::Body, true, true));
        }
        if u.sans_regular {
            faces.push(fonts::face(Role::Heading, false, false));
        }
        if u.code {
            faces.push(fonts::face(Role::Code, false, false));
        }
    }
    // The book's own face for a role and style takes the bundled face's place, under the same
    // family name, so the styles need no change.
    let faces: Vec<Embedded> = faces
        .into_iter()
        .map(|f| {
            let own = options
                .book_fonts
                .iter()
                .find(|b| b.role == Some((f.role, f.bold, f.italic)));
            match own {
                Some(b) => {
                    let stem: String = b
                        .name
                        .rsplit('/')
                        .next()
                        .unwrap_or("font")
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                                c
                            } else {
                                '-'
                            }
                        })
                        .collect();
                    Embedded {
                        family: f.family,
                        bold: f.bold,
                        italic: f.italic,
                        file_name: format!("book-{stem}"),
                        bytes: &b.bytes,
                    }
                }
                None => Embedded {
                    family: f.family,
                    bold: f.bold,
                    italic: f.italic,
                    file_name: f.file_name.to_string(),
                    bytes: f.bytes,
                },
            }
        })
        .collect();
    let mut text = String::new();
    for f in &faces {
        let _ = writeln!(
            text,
            "@font-face {{ font-family: \"{}\"; font-weight: {}; font-style: {}; src: url(\"../fonts/{}\"); }}",
            f.family,
            if f.bold { "bold" } else { "normal" },
            if f.italic { "italic" } else { "normal" },
            f.file_name
        );
    }
    text.push_str(include_str!("book.css"));
    Stylesheet { text, faces }
}

fn cover_page(doc: &Document, href: &str) -> String {
    let mut out = String::new();
    xhtml::document_head(
        &mut out,
        &doc.meta.language,
        &doc.meta.title,
        "../css/book.css",
    );
    let _ = writeln!(
        out,
        "<body epub:type=\"frontmatter\">\n<section epub:type=\"cover\" class=\"cover\">\n<img src=\"{}\" alt=\"{}\"/>\n</section>\n</body>\n</html>",
        escape(&xhtml::encode_url(href)),
        escape(&format!("Cover: {}", doc.meta.title))
    );
    out
}

fn title_page(doc: &Document) -> String {
    let m = &doc.meta;
    let mut out = String::new();
    xhtml::document_head(&mut out, &m.language, &m.title, "../css/book.css");
    out.push_str(
        "<body epub:type=\"frontmatter\">\n<section epub:type=\"titlepage\" class=\"titlepage\">\n",
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&m.title));
    if let Some(s) = &m.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    if !m.authors.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"authors\">{}</p>",
            escape(&m.authors.join(", "))
        );
    }
    let mut imprint = Vec::new();
    if let Some(p) = &m.publisher {
        imprint.push(escape(p).to_string());
    }
    if let Some(d) = &m.date {
        imprint.push(escape(d).to_string());
    }
    if !imprint.is_empty() {
        let _ = writeln!(out, "<p class=\"publisher\">{}</p>", imprint.join(" · "));
    }
    if let Some(r) = &m.rights {
        let _ = writeln!(out, "<p class=\"publisher\">{}</p>", escape(r));
    }
    out.push_str("</section>\n</body>\n</html>\n");
    out
}

fn nav(doc: &Document, has_cover: bool, contents: &str) -> String {
    let mut out = String::new();
    xhtml::document_head(
        &mut out,
        &doc.meta.language,
        &doc.meta.title,
        "css/book.css",
    );
    out.push_str(
        "<body epub:type=\"frontmatter\">\n<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">\n",
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(contents));
    out.push_str("<ol>\n");
    nav_items(doc, &doc.toc, &mut out);
    out.push_str("</ol>\n</nav>\n");
    out.push_str("<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<h2>Landmarks</h2>\n<ol>\n");
    if has_cover {
        out.push_str("<li><a epub:type=\"cover\" href=\"text/cover.xhtml\">Cover</a></li>\n");
    }
    out.push_str("<li><a epub:type=\"titlepage\" href=\"text/title.xhtml\">Title page</a></li>\n");
    out.push_str("<li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">Contents</a></li>\n");
    if !doc.chapters.is_empty() {
        let _ = writeln!(
            out,
            "<li><a epub:type=\"bodymatter\" href=\"text/{}\">Start of content</a></li>",
            chapter_file(0)
        );
    }
    out.push_str("</ol>\n</nav>\n</body>\n</html>\n");
    out
}

/// Nested `<li>`s for the toc. A part title becomes a `<span>` heading the chapters that follow it
/// (the nav rules require a span to be followed by a list); separators have no place in a toc.
fn nav_items(doc: &Document, items: &[TocItem], out: &mut String) {
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            TocItem::Separator => i += 1,
            TocItem::PartTitle(title) => {
                // A part runs until the next part, a separator, or the suffix chapters.
                let ends_part = |t: &TocItem| match t {
                    TocItem::PartTitle(_) | TocItem::Separator => true,
                    TocItem::Entry {
                        chapter: Some(c), ..
                    } => doc.chapters[*c].kind == ChapterKind::Suffix,
                    TocItem::Entry { .. } => false,
                };
                let end = items[i + 1..]
                    .iter()
                    .position(ends_part)
                    .map_or(items.len(), |p| i + 1 + p);
                let mut inner = String::new();
                nav_items(doc, &items[i + 1..end], &mut inner);
                if inner.is_empty() {
                    // A part with no chapters cannot be represented in a nav; skip it.
                } else {
                    let _ = writeln!(
                        out,
                        "<li><span class=\"part-title\">{}</span>\n<ol>\n{inner}</ol>\n</li>",
                        escape(title)
                    );
                }
                i = end;
            }
            TocItem::Entry {
                title,
                chapter,
                children,
            } => {
                let mut inner = String::new();
                nav_items(doc, children, &mut inner);
                match chapter {
                    Some(c) => {
                        let _ = write!(
                            out,
                            "<li><a href=\"text/{}\">{}</a>",
                            chapter_file(*c),
                            escape(&doc.chapter_label(*c))
                        );
                    }
                    None if !inner.is_empty() => {
                        let _ = write!(out, "<li><span>{}</span>", escape(title));
                    }
                    None => {
                        i += 1;
                        continue; // a draft with nothing under it has nowhere to go
                    }
                }
                if !inner.is_empty() {
                    let _ = write!(out, "\n<ol>\n{inner}</ol>\n");
                }
                out.push_str("</li>\n");
                i += 1;
            }
        }
    }
}

fn ncx(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\">\n<head>\n");
    let _ = writeln!(
        out,
        "<meta name=\"dtb:uid\" content=\"{}\"/>",
        escape(&doc.meta.identifier)
    );
    let _ = writeln!(
        out,
        "<meta name=\"dtb:depth\" content=\"{}\"/>",
        toc_depth(&doc.toc).max(1)
    );
    out.push_str("<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n<meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n</head>\n");
    let _ = writeln!(
        out,
        "<docTitle><text>{}</text></docTitle>\n<navMap>",
        escape(&doc.meta.title)
    );
    let mut order = 0;
    ncx_points(doc, &doc.toc, &mut out, &mut order);
    if order == 0 {
        // An NCX needs at least one point: the title page.
        let _ = writeln!(out, "<navPoint id=\"np-1\" playOrder=\"1\"><navLabel><text>{}</text></navLabel><content src=\"text/title.xhtml\"/></navPoint>", escape(&doc.meta.title));
    }
    out.push_str("</navMap>\n</ncx>\n");
    out
}

fn toc_depth(items: &[TocItem]) -> usize {
    items
        .iter()
        .map(|i| match i {
            TocItem::Entry { children, .. } => 1 + toc_depth(children),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

fn ncx_points(doc: &Document, items: &[TocItem], out: &mut String, order: &mut usize) {
    for item in items {
        if let TocItem::Entry {
            chapter, children, ..
        } = item
        {
            match chapter {
                Some(c) => {
                    *order += 1;
                    let _ = writeln!(
                        out,
                        "<navPoint id=\"np-{o}\" playOrder=\"{o}\"><navLabel><text>{}</text></navLabel><content src=\"text/{}\"/>",
                        escape(&doc.chapter_label(*c)),
                        chapter_file(*c),
                        o = *order
                    );
                    ncx_points(doc, children, out, order);
                    out.push_str("</navPoint>\n");
                }
                None => ncx_points(doc, children, out, order),
            }
        }
    }
}

/// Calendar date and time (UTC) of a Unix time; Howard Hinnant's days-to-civil algorithm.
pub fn civil_from_epoch(epoch: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}
