//! Raw HTML in reports, parsed and sanitised into document nodes; never pasted into the output.
//!
//! HTML blocks are parsed with html5ever (through `scraper`, which lives here only) and walked with
//! an allow-list: known structure and formatting become blocks and inlines, `<img>` becomes an image
//! resolved like a Markdown one, unknown and custom elements are unwrapped with their content kept,
//! and scripts, event handlers, `javascript:` URLs, frames, forms and external stylesheets are
//! removed with a warning. Comments are dropped. Because the writers serialise the tree themselves,
//! unquoted attributes or unclosed tags in the source can never make the XHTML ill-formed.
//! Inline tags (`a <kbd>x</kbd> b`) arrive one event at a time and are matched by the Markdown
//! builder through [`HtmlSink`].
//!
//! As mdBook keeps its tokenizer apart from its tree builder: `lex` reads tags and text, `walk`
//! builds blocks from a parsed block, `inline` handles tags inside Markdown text, and `policy`
//! is the allow-list both follow.

use crate::diag::{Diagnostics, Span};
use crate::doc::{Inline, LinkTarget};

pub use inline::{close_inline, inline_token, InlineTag};
pub use lex::{lex_tag, opens_more_tables_than_it_closes, Token};
pub use walk::to_blocks;

mod inline;
mod lex;
mod policy;
mod walk;

/// What the HTML code needs from the Markdown builder.
pub trait HtmlSink {
    fn diags(&mut self) -> &mut Diagnostics;
    fn image(&mut self, src: &str, alt: String, title: Option<String>, span: Span) -> Vec<Inline>;
    fn link_target(&mut self, href: &str, span: Span) -> Option<LinkTarget>;
    /// The Markdown body and its offset in the file, to locate tags for messages.
    fn source(&self) -> (&str, usize);
    fn push_inline(&mut self, inline: Inline);
    fn open_inline(&mut self, tag: InlineTag, span: Span);
    fn close_inline(&mut self, name: &str);
    fn suppress(&mut self) -> &mut Option<String>;
}
