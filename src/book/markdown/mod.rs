//! Markdown to the document tree. pulldown-cmark lives here and nowhere else.
//!
//! Events are folded into the tree with an explicit stack of frames, never by recursion, so a
//! report with 100,000 nested block quotes cannot overflow the stack; past `max_nesting` further
//! containers are flattened into their parent with one warning. Raw HTML is never passed through:
//! inline tags are mapped to inline nodes here, HTML blocks go to [`super::html`].
//!
//! One job per file: this one holds the entry points and the order of the work; `math` masks
//! TeX before the parser reads the text; `tree` folds the events into blocks; `blocks` holds its
//! small pure conversions; `code` mdBook's code-block conventions. What a link may point to is
//! decided in [`super::links`], for raw HTML too.

use pulldown_cmark::{Event, Options, Parser};

use super::html;
use crate::diag::{Diagnostics, FileId, Span};
use crate::doc::{Block, Footnote, ImageId};
pub use math::MathSyntax;
use math::{mask, math_ranges};
use tree::Builder;

mod blocks;
mod code;
mod math;
mod tree;

/// What the loader answers when the Markdown names a picture.
pub enum ImageRef {
    Local(ImageId),
    /// A remote URL: never fetched; rendered as a link with the alt text.
    Remote(String),
    /// Could not be used; a diagnostic was already given.
    Unusable,
    /// Missing or not usable as a picture (a warning was given): a placeholder names the file.
    Missing(String),
}

/// The loader's side of parsing: resolving picture paths (which needs the file system).
pub trait Resolver {
    fn image(&mut self, dest: &str, span: Span, diags: &mut Diagnostics) -> ImageRef;
}

pub struct Parsed {
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
}

/// The options bindery enables: CommonMark plus the extensions mdBook users expect. Set one by
/// one: `Options::all()` would switch on the old footnote syntax and `$` math, which turns prices
/// in trip reports into formulas.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// How a body is read, beyond the Markdown options.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    pub max_nesting: usize,
    /// The delimiters that mark maths (none unless book.toml declares them).
    pub math: MathSyntax,
}

/// Parse a report body. `base` is the byte offset of `body` in the file (after front matter), so
/// spans point into the file as the user sees it.
pub fn parse<R: Resolver>(
    body: &str,
    file: FileId,
    base: usize,
    max_nesting: usize,
    resolver: &mut R,
    diags: &mut Diagnostics,
) -> Parsed {
    let options = ParseOptions {
        max_nesting,
        math: MathSyntax::default(),
    };
    parse_with(body, file, base, options, resolver, diags)
}

/// [`parse`] with every option.
pub fn parse_with<R: Resolver>(
    body: &str,
    file: FileId,
    base: usize,
    options: ParseOptions,
    resolver: &mut R,
    diags: &mut Diagnostics,
) -> Parsed {
    let max_nesting = options.max_nesting;
    // Maths is found before parsing and masked with letters of the same length, so the parser
    // sees plain text there (no emphasis, links or escapes inside TeX); the original text is
    // put back as one maths node.
    let math = if options.math.any() {
        math_ranges(body, options.math)
    } else {
        Vec::new()
    };
    let masked;
    let parse_text = if math.is_empty() {
        body
    } else {
        masked = mask(body, &math);
        masked.as_str()
    };
    let mut b = Builder::new(file, base, body, resolver, diags, max_nesting);
    b.math_blocks = options.math.github;
    let mut next_math = 0;
    for (event, range) in Parser::new_ext(parse_text, self::options()).into_offset_iter() {
        let span = Span::new(file, base + range.start..base + range.end);
        while math.get(next_math).is_some_and(|m| m.end <= range.start) {
            next_math += 1;
        }
        if let Some(m) = math.get(next_math) {
            let overlaps = range.start < m.end && range.end > m.start;
            if overlaps && matches!(event, Event::Text(_)) {
                next_math = b.text_with_math(body, range, &math, options.math, next_math);
                continue;
            }
            // Line breaks inside maths that spans lines belong to the maths node.
            let inside = m.start <= range.start && range.end <= m.end;
            if inside && matches!(event, Event::SoftBreak | Event::HardBreak) {
                continue;
            }
        }
        b.event(event, span);
    }
    b.finish()
}

/// One raw HTML block through the sanitiser alone, as the Markdown builder hands it over
/// (`file` 0, offset 0; pictures left unresolved): the stage the `html` fuzz target drives.
pub fn html_block_to_tree(text: &str, diags: &mut Diagnostics) -> Vec<Block> {
    struct NoPictures;
    impl Resolver for NoPictures {
        fn image(&mut self, _dest: &str, _span: Span, _diags: &mut Diagnostics) -> ImageRef {
            ImageRef::Unusable
        }
    }
    let mut resolver = NoPictures;
    let mut b = Builder::new(FileId(0), 0, text, &mut resolver, diags, 64);
    html::to_blocks(text, FileId(0), 0, &mut b)
}

#[cfg(test)]
mod tests;
