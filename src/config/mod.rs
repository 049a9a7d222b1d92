//! `book.toml`: mdBook's keys plus bindery's own `[bindery]` table.
//!
//! mdBook books must build unchanged, so unknown keys outside `[bindery]` are ignored (mdBook has
//! many we have no use for). Inside `[bindery]` every key is ours, so an unknown one is an error that
//! names it: a misspelt setting must not be silently ignored. `toml` (the crate) lives here only.

use serde::Deserialize;

use validate::validate;
pub use validate::validate_pdf;

mod validate;

use crate::diag::{Code, Diagnostic, FileId, Span};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    pub book: BookSection,
    pub output: OutputSection,
    pub bindery: BinderySection,
    /// mdBook's preprocessors, by name: bindery runs none of them, but what they declare
    /// changes how the book reads (`katex`: `$` maths).
    pub preprocessor: toml::Table,
}

impl Config {
    /// Whether book.toml configures mdBook's preprocessor `name` (`[preprocessor.NAME]`).
    pub fn has_preprocessor(&self, name: &str) -> bool {
        self.preprocessor.contains_key(name)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BookSection {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub src: String,
    pub description: Option<String>,
}

impl Default for BookSection {
    fn default() -> Self {
        BookSection {
            title: None,
            authors: Vec::new(),
            language: None,
            src: "src".to_string(),
            description: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OutputSection {
    pub html: HtmlOutput,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct HtmlOutput {
    pub site_url: Option<String>,
    /// mdBook's switch for TeX maths between `\\(`..`\\)`, `\\[`..`\\]` and `$$`..`$$`.
    pub mathjax_support: bool,
}

/// bindery's own settings. Every key is documented in `docs/CONFIG.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BinderySection {
    pub subtitle: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub subjects: Vec<String>,
    pub rights: Option<String>,
    /// Overrides the identifier derived from title and authors.
    pub identifier: Option<String>,
    /// Cover picture, relative to the book root. Default: the first picture of the book.
    pub cover: Option<String>,
    /// Base name of the output files (`book` gives `book.epub`).
    pub output_name: String,
    pub epub: EpubSettings,
    pub pdf: PdfSettings,
    pub fonts: FontFiles,
    pub handout: HandoutSettings,
    /// Words on generated pages, over the built-in English and Vietnamese ones.
    pub labels: crate::labels::LabelOverrides,
    pub limits: Limits,
    /// Every warning is an error (as `--deny-warnings`), for CI.
    pub deny_warnings: bool,
    /// Folder that `{{#include}}` may read from besides the book folder (relative to the book
    /// root); default: the enclosing git work tree, if any.
    pub include_root: Option<String>,
    /// Most space the picture cache in the output folder may take, in MiB; `0`: no cache.
    pub cache_mib: u64,
    /// The book wants its http(s) pictures downloaded; only `--fetch-remote` (the runner's
    /// consent) makes bindery go online: without it this key gives a warning saying so.
    pub fetch_remote: bool,
    /// Maths as GitHub shows it: `$`..`$`, `$$`..`$$`, `` $`..`$ `` and ```` ```math ```` blocks.
    pub github_math: bool,
}

impl Default for BinderySection {
    fn default() -> Self {
        BinderySection {
            subtitle: None,
            publisher: None,
            date: None,
            subjects: Vec::new(),
            rights: None,
            identifier: None,
            cover: None,
            output_name: "book".to_string(),
            epub: EpubSettings::default(),
            pdf: PdfSettings::default(),
            fonts: FontFiles::default(),
            handout: HandoutSettings::default(),
            labels: Default::default(),
            limits: Limits::default(),
            deny_warnings: false,
            include_root: None,
            cache_mib: 1024,
            fetch_remote: false,
            github_math: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct EpubSettings {
    /// Longest edge of pictures in the EPUB, in pixels.
    pub max_image_edge: u32,
    /// JPEG quality used when a picture has to be re-encoded.
    pub jpeg_quality: u8,
    /// Embed the fonts (only the faces the book uses).
    pub embed_fonts: bool,
    /// Make a title card (title, subtitle, authors) the cover when `cover` is not set.
    pub auto_cover: bool,
    /// The most the EPUB may weigh, in MiB: over it, pictures are made smaller step by step
    /// (Send to Kindle by e-mail takes 50 MB). `0`: no budget.
    pub max_epub_mib: u64,
    /// Who checked the book's accessibility (a person or an organisation): written as
    /// `a11y:certifiedBy` with the WCAG 2.2 AA conformance claim.
    #[serde(rename = "a11y-certified-by")]
    pub a11y_certified_by: Option<String>,
}

impl Default for EpubSettings {
    fn default() -> Self {
        EpubSettings {
            max_image_edge: 1600,
            jpeg_quality: 85,
            embed_fonts: true,
            auto_cover: true,
            max_epub_mib: 50,
            a11y_certified_by: None,
        }
    }
}

/// The printed handout (`bindery build --profile handout`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct HandoutSettings {
    /// `booklet` (folded, saddle-stitched), `2-up` or `4-up`.
    pub layout: String,
    /// The printer's paper: `a4` or `letter` (`a3`, `tabloid` for larger booklets).
    pub sheet: String,
    /// Page size of the booklet's pages; default half the sheet (A5 on A4, half-letter on Letter).
    pub page_size: Option<String>,
    /// Creep compensation for thick booklets: how far the innermost pages move toward the fold.
    pub creep_mm: f32,
    pub crop_marks: bool,
    /// Grey photos and text for black-and-white printers.
    pub grayscale: bool,
    /// How web links are printed: `footnotes` (numbered notes at the page bottom), `endnotes`
    /// (a list at the end of each chapter) or `none`.
    pub link_notes: String,
    /// A QR code beside each printed link.
    pub qr_codes: bool,
    /// A cover page with the event, date, authors, a short contents list and a QR code to the
    /// book's web address ([output.html] site-url).
    pub cover: bool,
}

impl Default for HandoutSettings {
    fn default() -> Self {
        HandoutSettings {
            layout: "booklet".to_string(),
            sheet: "a4".to_string(),
            page_size: None,
            creep_mm: 0.0,
            crop_marks: false,
            grayscale: false,
            link_notes: "footnotes".to_string(),
            qr_codes: false,
            cover: true,
        }
    }
}

/// Sheet sizes in millimetres, portrait.
pub fn paper_mm(name: &str) -> Option<(f32, f32)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "a3" => (297.0, 420.0),
        "a4" => (210.0, 297.0),
        "a5" => (148.0, 210.0),
        "a6" => (105.0, 148.0),
        "letter" => (215.9, 279.4),
        "half-letter" => (139.7, 215.9),
        "tabloid" => (279.4, 431.8),
        _ => return None,
    })
}

/// The book's own fonts for the PDF, paths relative to the book root. Unset faces use the
/// bundled Noto fonts; every other font file in the book's `fonts/` folder joins the fallback
/// chain ahead of the bundled fonts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontFiles {
    pub body: Option<String>,
    pub body_italic: Option<String>,
    pub body_bold: Option<String>,
    pub body_bold_italic: Option<String>,
    pub heading: Option<String>,
    pub heading_bold: Option<String>,
    pub code: Option<String>,
}

impl FontFiles {
    /// Every face file that is set, with the role it plays.
    pub fn faces(&self) -> Vec<FontFileSetting<'_>> {
        fn face<'a>(
            key: &'static str,
            path: &'a Option<String>,
            role: FontRole,
            bold: bool,
            italic: bool,
        ) -> Option<FontFileSetting<'a>> {
            path.as_deref().map(|path| FontFileSetting {
                key,
                path,
                role,
                bold,
                italic,
            })
        }
        [
            face("body", &self.body, FontRole::Body, false, false),
            face(
                "body-italic",
                &self.body_italic,
                FontRole::Body,
                false,
                true,
            ),
            face("body-bold", &self.body_bold, FontRole::Body, true, false),
            face(
                "body-bold-italic",
                &self.body_bold_italic,
                FontRole::Body,
                true,
                true,
            ),
            face("heading", &self.heading, FontRole::Heading, false, false),
            face(
                "heading-bold",
                &self.heading_bold,
                FontRole::Heading,
                true,
                false,
            ),
            face("code", &self.code, FontRole::Code, false, false),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// What a face is used for in the book's styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontRole {
    Body,
    Heading,
    Code,
    /// Symbols and arrows the text faces lack (✓ ☐ ⚠ ↩ ∑): PDF fallback only.
    Symbol,
}

/// One font file named in `[bindery.fonts]`: its key there, its path as written, and the face
/// it stands for.
#[derive(Debug, Clone, Copy)]
pub struct FontFileSetting<'a> {
    pub key: &'static str,
    pub path: &'a str,
    pub role: FontRole,
    pub bold: bool,
    pub italic: bool,
}

/// Which chapters of the PDF start on a new page: only those at the top of the chapter list
/// (nested chapters follow on, after a gap), every one, or none but the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChapterBreak {
    Top,
    Every,
    None,
}

/// Page setup and type for the PDF.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfSettings {
    /// `a4`, `a5`, `letter`, or `custom` with `page-width-mm` and `page-height-mm`.
    pub page_size: String,
    pub page_width_mm: f32,
    pub page_height_mm: f32,
    pub margin_top_mm: f32,
    pub margin_bottom_mm: f32,
    pub margin_inner_mm: f32,
    pub margin_outer_mm: f32,
    /// Body text size in points.
    pub font_size: f32,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
    /// Mirrored margins and chapters starting on right-hand pages.
    pub two_sided: bool,
    /// Which chapters start a new page.
    pub chapter_break: ChapterBreak,
    pub ragged_right: bool,
    /// Show "2.1." before numbered chapter titles.
    pub number_chapters: bool,
    /// Write PDF/A-2b (archival) instead of the default PDF/UA-1 (accessible).
    pub pdf_a: bool,
    /// Print resolution of pictures at their largest placed size; larger pictures are downsampled.
    pub image_ppi: f32,
}

impl Default for PdfSettings {
    fn default() -> Self {
        PdfSettings {
            page_size: "a5".to_string(),
            page_width_mm: 148.0,
            page_height_mm: 210.0,
            margin_top_mm: 18.0,
            margin_bottom_mm: 20.0,
            margin_inner_mm: 18.0,
            margin_outer_mm: 15.0,
            font_size: 10.0,
            line_height: 1.4,
            two_sided: false,
            chapter_break: ChapterBreak::Top,
            ragged_right: false,
            number_chapters: true,
            pdf_a: false,
            image_ppi: 300.0,
        }
    }
}

impl PdfSettings {
    /// Page width and height in millimetres.
    pub fn page_size_mm(&self) -> (f32, f32) {
        match self.page_size.to_ascii_lowercase().as_str() {
            "a4" => (210.0, 297.0),
            "a5" => (148.0, 210.0),
            "letter" => (215.9, 279.4),
            "half-letter" => (139.7, 215.9),
            _ => (self.page_width_mm, self.page_height_mm),
        }
    }
}

/// Resource limits for untrusted book content (see docs/SECURITY.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Largest picture, in pixels (width times height).
    pub max_image_pixels: u64,
    /// Most memory one picture may take while decoded, in MiB.
    pub max_image_memory_mib: u64,
    /// Largest picture file, in MiB.
    pub max_image_file_mib: u64,
    /// Largest Markdown file, in MiB.
    pub max_report_file_mib: u64,
    /// Deepest nesting of block quotes and lists.
    pub max_nesting: usize,
    /// Deepest chain of `{{#include}}`s.
    pub max_include_depth: usize,
    /// Largest font file, in MiB.
    pub max_font_file_mib: u64,
    /// Most remote pictures downloaded in one build (`--fetch-remote`).
    pub max_remote_pictures: u64,
    /// Longest one download may take, from the request to its last byte, in seconds.
    pub fetch_timeout_seconds: u64,
}

impl Limits {
    /// Every limit with the range the code can honour: a larger value would let deep input
    /// overflow the stack or memory, so it is refused at the key rather than obeyed.
    fn ranges(&self) -> [(&'static str, u64, u64, u64); 9] {
        [
            ("max-image-pixels", self.max_image_pixels, 1, 1_000_000_000),
            ("max-image-memory-mib", self.max_image_memory_mib, 1, 16_384),
            ("max-image-file-mib", self.max_image_file_mib, 1, 4_096),
            ("max-report-file-mib", self.max_report_file_mib, 1, 1_024),
            ("max-nesting", self.max_nesting as u64, 1, 256),
            ("max-include-depth", self.max_include_depth as u64, 1, 64),
            ("max-font-file-mib", self.max_font_file_mib, 1, 1_024),
            ("max-remote-pictures", self.max_remote_pictures, 1, 100_000),
            (
                "fetch-timeout-seconds",
                self.fetch_timeout_seconds,
                1,
                3_600,
            ),
        ]
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_image_pixels: 100_000_000,
            max_image_memory_mib: 1024,
            max_image_file_mib: 100,
            max_report_file_mib: 16,
            max_nesting: 64,
            max_include_depth: 16,
            max_font_file_mib: 64,
            max_remote_pictures: 1000,
            fetch_timeout_seconds: 30,
        }
    }
}

/// Parse book.toml text; a problem becomes a diagnostic at the offending key or value.
pub fn parse(text: &str, file: FileId) -> Result<Config, Diagnostic> {
    parse_all(text, file).map_err(|mut all| all.remove(0))
}

/// Parse book.toml, reporting every unknown key under `[bindery]` (each at its line, with the
/// nearest known key when one is close), not only the first.
pub fn parse_all(text: &str, file: FileId) -> Result<Config, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    // Each unknown key found is blanked out (spaces keep every offset) and the text read again.
    let mut current = text.to_string();
    for _ in 0..64 {
        match toml::from_str::<Config>(&current) {
            Ok(config) if errors.is_empty() => {
                validate(&config, text, file).map_err(|d| vec![d.code(Code::Config)])?;
                return Ok(config);
            }
            Ok(_) => {
                // In the order they appear in the file.
                errors.sort_by_key(|d: &Diagnostic| d.span.map_or(0, |s| s.start));
                return Err(errors);
            }
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let Some((key, known)) = unknown_field(e.message()) else {
                    errors.push(
                        Diagnostic::error(format!("invalid book.toml: {}", e.message()))
                            .code(Code::Config)
                            .at(Span::new(file, span))
                            .hint("see docs/CONFIG.md for the keys bindery reads; mdBook's own keys go in [book]"),
                    );
                    return Err(errors);
                };
                let hint = match closest(&key, &known) {
                    Some(near) => format!("did you mean `{near}`? see docs/CONFIG.md"),
                    None => format!("the keys here are {}", known.join(", ")),
                };
                errors.push(
                    Diagnostic::error(format!("invalid book.toml: unknown key `{key}`"))
                        .code(Code::Config)
                        .at(Span::new(file, span.clone()))
                        .hint(hint),
                );
                let line_start = current[..span.start.min(current.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line_end = current[line_start..]
                    .find('\n')
                    .map_or(current.len(), |i| line_start + i);
                let blank = " ".repeat(line_end - line_start);
                current.replace_range(line_start..line_end, &blank);
            }
        }
    }
    Err(errors)
}

/// From serde's "unknown field `x`, expected one of `a`, `b`": the key and the known keys.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let known = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), known))
}

/// The known key nearest to a mistyped one: at most two edits away.
fn closest<'a>(key: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cost = usize::from(ca != b[j]);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Where `key` of `table` (`"bindery.pdf"`, `""` for the top level) is written in book.toml:
/// the key on its line, whether under a `[table]` header or as a dotted key
/// (`pdf.font-size = 11` under `[bindery]`). `None` when the file does not set it.
pub fn key_span(text: &str, table: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let wanted = if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    };
    let mut current = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(header) = trimmed.strip_prefix('[') {
            let name = header.trim_start_matches('[');
            if let Some(end) = name.find(']') {
                current = normalize_key_path(&name[..end]);
            }
            continue;
        }
        let Some(eq) = trimmed.find('=') else {
            continue;
        };
        let written = trimmed[..eq].trim_end();
        let path = normalize_key_path(written);
        let full = if current.is_empty() {
            path
        } else {
            format!("{current}.{path}")
        };
        if full == wanted {
            return Some(start + indent..start + indent + written.len());
        }
    }
    None
}

/// `bindery . "pdf"` → `bindery.pdf`: a TOML key path without spaces or simple quotes.
fn normalize_key_path(path: &str) -> String {
    path.split('.')
        .map(|part| part.trim().trim_matches('"').trim_matches('\''))
        .collect::<Vec<_>>()
        .join(".")
}

/// More creep than this is no booklet a stapler can hold.
const MAX_CREEP_MM: f32 = 20.0;

/// Days in a month of the Gregorian calendar (`2024-02-30` is no date).
fn days_in_month(year: u32, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Remove control characters (line breaks and tabs among them) from the values book.toml gives
/// the book's metadata: they are invalid in the EPUB's package file and would be drawn as boxes.
/// Returns the `(table, key)` of each value changed and the first character removed.
pub fn remove_control_characters(config: &mut Config) -> Vec<(&'static str, &'static str, char)> {
    let mut changed = Vec::new();
    let mut clean = |table: &'static str, key: &'static str, value: &mut String| {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            *value = value
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            changed.push((table, key, c));
        }
    };
    let book = &mut config.book;
    for (key, value) in [
        ("title", &mut book.title),
        ("description", &mut book.description),
    ] {
        if let Some(v) = value {
            clean("book", key, v);
        }
    }
    for a in &mut book.authors {
        clean("book", "authors", a);
    }
    let b = &mut config.bindery;
    for (key, value) in [
        ("subtitle", &mut b.subtitle),
        ("publisher", &mut b.publisher),
        ("rights", &mut b.rights),
        ("identifier", &mut b.identifier),
    ] {
        if let Some(v) = value {
            clean("bindery", key, v);
        }
    }
    for subject in &mut b.subjects {
        clean("bindery", "subjects", subject);
    }
    changed
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: the forms `dc:date` accepts without a time.
pub(crate) fn is_w3c_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u8>().unwrap_or(0)),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
                && (1..=days_in_month(y.parse().unwrap_or(0), m.parse().unwrap_or(0)))
                    .contains(&d.parse::<u8>().unwrap_or(0))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdbook_keys_are_read_and_others_ignored() {
        let c = parse(
            "[book]\ntitle = \"T\"\nauthors = [\"A\"]\nsrc = \"book\"\nmultilingual = false\n\
             [output.html]\nsite-url = \"https://x.org/\"\ngit-repository-url = \"u\"\n\
             [preprocessor.links]\n",
            FileId(0),
        )
        .unwrap();
        assert_eq!(c.book.title.as_deref(), Some("T"));
        assert_eq!(c.book.src, "book");
        assert_eq!(c.output.html.site_url.as_deref(), Some("https://x.org/"));
    }

    #[test]
    fn unknown_bindery_key_is_named() {
        let text = "[bindery]\nsubtitel = \"x\"\n";
        let d = parse(text, FileId(0)).unwrap_err();
        assert!(d.message.contains("subtitel"), "{}", d.message);
        assert_eq!(d.span.unwrap().start, text.find("subtitel").unwrap());
    }

    #[test]
    fn every_unknown_key_is_named_with_the_nearest_known_one() {
        let text = "[bindery]\nsubtitel = \"x\"\n[bindery.pdf]\nfont-sise = 11\nzzz = 1\n";
        let all = parse_all(text, FileId(0)).unwrap_err();
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all[0].message.contains("subtitel"));
        assert!(all[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("did you mean `subtitle`"));
        assert!(all[1].message.contains("font-sise"));
        assert!(all[1].hint.as_deref().unwrap().contains("`font-size`"));
        assert_eq!(all[1].span.unwrap().start, text.find("font-sise").unwrap());
        assert!(all[2]
            .hint
            .as_deref()
            .unwrap()
            .contains("the keys here are"));
    }

    #[test]
    fn wrong_type_is_an_error_at_the_value() {
        let d = parse("[book]\ntitle = 3\n", FileId(0)).unwrap_err();
        assert!(d.message.contains("invalid book.toml"));
        assert!(d.span.is_some());
    }

    #[test]
    fn dates_must_be_w3c_dates() {
        assert!(parse("[bindery]\ndate = \"2024-06-01\"\n", FileId(0)).is_ok());
        let d = parse("[bindery]\ndate = \"June 2024\"\n", FileId(0)).unwrap_err();
        assert!(d.message.contains("not a date"));
        assert!(parse("[bindery]\ndate = \"2024-02-29\"\n", FileId(0)).is_ok());
        for impossible in ["2024-02-30", "2023-02-29", "2024-04-31", "2024-13-01"] {
            let text = format!("[bindery]\ndate = \"{impossible}\"\n");
            assert!(parse(&text, FileId(0)).is_err(), "{impossible}");
        }
    }

    #[test]
    fn out_of_range_setting_is_rejected() {
        let d = parse("[bindery.epub]\nmax-image-edge = 1\n", FileId(0)).unwrap_err();
        assert!(d.message.contains("max-image-edge"));
    }

    #[test]
    fn an_error_points_at_its_key_in_its_table_not_at_the_first_mention() {
        let text = "[book]\ntitle = \"margin-top-mm and font-size tips\"\n\n[bindery.pdf]\n# font-size = 9\nmargin-top-mm = 120\nmargin-bottom-mm = 100\n";
        let d = parse(text, FileId(0)).unwrap_err();
        assert_eq!(d.code, Some("config"));
        assert!(
            d.message.contains("top and bottom margins"),
            "{}",
            d.message
        );
        assert_eq!(
            d.span.unwrap().start,
            text.find("margin-top-mm = 120").unwrap()
        );
        let dotted = "[bindery]\ndate = \"2024\"\npdf.font-size = 40\n";
        let d = parse(dotted, FileId(0)).unwrap_err();
        assert_eq!(d.span.unwrap().start, dotted.find("pdf.font-size").unwrap());
        assert_eq!(key_span("[a]\nx = 1\n[b]\nx = 2\n", "b", "x"), Some(14..15));
        assert_eq!(key_span("[b]\ny = 1\n", "b", "x"), None);
    }
}
