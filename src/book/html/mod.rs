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

use ego_tree::NodeRef;
use scraper::{Html, Node};
use unicode_normalization::UnicodeNormalization;

use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::doc::{Align, Block, DefinitionItem, Inline, Length, LinkTarget, ListItem};

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

/// An open inline element, waiting for its end tag.
#[derive(Debug, Clone)]
pub struct InlineTag {
    pub name: String,
    kind: InlineKind,
    /// The element's id when its node has no place for one (`<code id="x">`, `<a href id>`):
    /// kept as an anchor around it, so links to it still land.
    anchor: Option<String>,
}

impl InlineTag {
    fn new(name: String, kind: InlineKind, id: Option<String>) -> InlineTag {
        let anchor = match kind {
            InlineKind::Span { .. } | InlineKind::Caption => None,
            _ => id,
        };
        InlineTag { name, kind, anchor }
    }
}

#[derive(Debug, Clone)]
enum InlineKind {
    Emphasis,
    Strong,
    Strike,
    Superscript,
    Subscript,
    Code,
    Link(Option<LinkTarget>, Option<String>, Span),
    Span {
        id: Option<String>,
        lang: Option<String>,
    },
    /// `<span class="caption">`: the caption of the picture before it.
    Caption,
}

impl InlineTag {
    pub fn is_caption(&self) -> bool {
        matches!(self.kind, InlineKind::Caption)
    }
}

/// One tag as written in inline HTML.
#[derive(Debug, PartialEq)]
pub enum Token {
    Open {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    Close(String),
    Comment,
}

/// Lex one inline HTML tag. Lenient like browsers: unquoted values, missing values.
pub fn lex_tag(raw: &str) -> Option<Token> {
    let s = raw.trim();
    if s.starts_with("<!--") || s.starts_with("<!") || s.starts_with("<?") {
        return Some(Token::Comment);
    }
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    if let Some(name) = inner.strip_prefix('/') {
        return Some(Token::Close(name.trim().to_ascii_lowercase()));
    }
    let self_closing = inner.ends_with('/');
    let inner = inner.trim_end_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    Some(Token::Open {
        name,
        attrs: lex_attrs(&inner[name_end..]),
        self_closing,
    })
}

fn lex_attrs(s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
            i += 1;
        }
        if start == i {
            i += 1;
            continue;
        }
        let name = s[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = s[vs..i.min(b.len())].to_string();
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = s[vs..i].to_string();
            }
        }
        attrs.push((name, decode_entities(&value)));
    }
    attrs
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Elements removed together with their content.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "template", "textarea", "select", "title", "head",
    "frameset", "frame", "applet", "svg", "math", "canvas", "noembed",
];
/// Elements removed, content (if any) kept.
const DROPPED_TAG: &[&str] = &[
    "form", "input", "button", "embed", "link", "meta", "base", "param", "source", "track",
];

fn removal_reason(name: &str) -> &'static str {
    match name {
        "script" | "noembed" => "e-books cannot run scripts",
        "style" | "link" => {
            "bindery styles the book itself; external and inline stylesheets are not used"
        }
        "svg" | "math" | "canvas" => "put the drawing in a file and reference it as an image",
        "form" | "input" | "button" | "select" | "textarea" => {
            "forms cannot work in an e-book or on paper"
        }
        _ => "embedded content cannot be shown in an e-book or on paper",
    }
}

/// Handle one inline tag inside Markdown text.
pub fn inline_token(token: Token, span: Span, sink: &mut impl HtmlSink) {
    match token {
        Token::Comment => {}
        Token::Close(name) => {
            if sink.suppress().as_deref() == Some(name.as_str()) {
                *sink.suppress() = None;
            } else if sink.suppress().is_none() {
                sink.close_inline(&name);
            }
        }
        Token::Open {
            name,
            attrs,
            self_closing,
        } => {
            if sink.suppress().is_some() {
                return;
            }
            warn_event_handlers(&attrs, span, sink.diags());
            if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
                sink.diags().push(removed(&name, span));
                if !self_closing {
                    *sink.suppress() = Some(name);
                }
                return;
            }
            if DROPPED_TAG.contains(&name.as_str()) {
                sink.diags().push(removed(&name, span));
                return;
            }
            let id = attr(&attrs, "id")
                .or(attr(&attrs, "name"))
                .map(str::to_string);
            let lang = attr(&attrs, "lang").map(str::to_string);
            let kind = match name.as_str() {
                "br" => return sink.push_inline(Inline::LineBreak),
                "img" => {
                    let src = attr(&attrs, "src").unwrap_or("").to_string();
                    let alt = nfc(&fold_ws(attr(&attrs, "alt").unwrap_or("")));
                    let title = attr(&attrs, "title").map(|t| nfc(&fold_ws(t)));
                    let style = attr(&attrs, "style");
                    let width = Length::from_attributes("width", attr(&attrs, "width"), style);
                    let height = Length::from_attributes("height", attr(&attrs, "height"), style);
                    let image = sink.image(&src, alt.trim().to_string(), title, span);
                    for i in with_size(image, width, height) {
                        sink.push_inline(i);
                    }
                    return;
                }
                "a" => match attr(&attrs, "href") {
                    Some(href) => InlineKind::Link(
                        sink.link_target(href, span),
                        attr(&attrs, "title").map(nfc),
                        span,
                    ),
                    None => InlineKind::Span {
                        id: id.clone(),
                        lang,
                    },
                },
                _ if is_caption(&name, attr(&attrs, "class")) => InlineKind::Caption,
                // Unknown or custom element: unwrapped, its content kept.
                _ => match formatting(&name, id.clone(), lang) {
                    Some(kind) => kind,
                    None => return,
                },
            };
            if !self_closing {
                sink.open_inline(InlineTag::new(name, kind, id), span);
            }
        }
    }
}

/// The inline formatting an element name stands for; `None` for elements that only wrap content.
/// One table for both paths: inline tags inside Markdown and elements of parsed HTML blocks.
fn formatting(name: &str, id: Option<String>, lang: Option<String>) -> Option<InlineKind> {
    Some(match name {
        "em" | "i" | "cite" | "dfn" | "var" => InlineKind::Emphasis,
        "strong" | "b" => InlineKind::Strong,
        "del" | "s" | "strike" => InlineKind::Strike,
        "sup" => InlineKind::Superscript,
        "sub" => InlineKind::Subscript,
        "code" | "kbd" | "samp" | "tt" => InlineKind::Code,
        "span" | "u" | "ins" | "mark" | "small" | "big" | "abbr" | "q" | "time" | "font"
        | "bdi" | "bdo" | "label" => InlineKind::Span { id, lang },
        _ => return None,
    })
}

/// Build the inline node for a closed inline element.
pub fn close_inline(tag: InlineTag, content: Vec<Inline>) -> Vec<Inline> {
    let node = match tag.kind {
        InlineKind::Emphasis => vec![Inline::Emphasis(content)],
        InlineKind::Strong => vec![Inline::Strong(content)],
        InlineKind::Strike => vec![Inline::Strikethrough(content)],
        InlineKind::Superscript => vec![Inline::Superscript(content)],
        InlineKind::Subscript => vec![Inline::Subscript(content)],
        InlineKind::Code => vec![Inline::Code(Inline::plain_text(&content))],
        InlineKind::Link(Some(target), title, span) => vec![Inline::Link {
            target,
            title,
            content,
            span,
        }],
        InlineKind::Link(None, _, _) => content,
        InlineKind::Span {
            id: None,
            lang: None,
        }
        | InlineKind::Caption => content,
        InlineKind::Span { id, lang } => vec![Inline::Span { id, lang, content }],
    };
    anchored(tag.anchor, node)
}

fn removed(name: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(format!("removed <{name}> from raw HTML"))
        .code("raw-html")
        .at(span)
        .hint(removal_reason(name))
}

fn warn_event_handlers(attrs: &[(String, String)], span: Span, diags: &mut Diagnostics) {
    for (name, _) in attrs {
        if name.starts_with("on") && name.len() > 2 {
            diags.push(
                Diagnostic::warning(format!("removed event handler `{name}` from raw HTML"))
                    .code("raw-html")
                    .at(span)
                    .hint("e-books cannot run scripts"),
            );
        }
    }
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// HTML text with runs of white space folded to one space, as a browser shows it.
fn fold_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    nfc(&out)
}

struct Walker<'a, S: HtmlSink> {
    sink: &'a mut S,
    file: FileId,
    /// Offset of the HTML block in the file.
    start: usize,
    text: &'a str,
    /// Where to look for the next tag named in a message.
    cursor: usize,
}

const MAX_HTML_DEPTH: usize = 64;

/// Convert an HTML block (starting at byte `start` of `file`) into blocks.
pub fn to_blocks(text: &str, file: FileId, start: usize, sink: &mut impl HtmlSink) -> Vec<Block> {
    // The HTML parser's time grows with the square of the nesting depth (each start tag looks
    // through the open elements), and no real page nests hundreds deep: such a block is shown
    // as its text, with a warning, in time linear in its length.
    let depth = nesting_depth(text);
    if depth > MAX_PARSED_NESTING {
        sink.diags().push(
            Diagnostic::warning(format!(
                "raw HTML nested {depth} elements deep (more than {MAX_PARSED_NESTING}) is shown as its text"
            ))
            .at(Span::new(file, start..start))
            .code("nesting")
            .hint("close the elements, or write the content in Markdown"),
        );
        let plain = fold_ws(&strip_tags(text));
        return if plain.trim().is_empty() {
            Vec::new()
        } else {
            vec![Block::Paragraph(vec![Inline::Text(nfc(plain.trim()))])]
        };
    }
    let with_cdata;
    let parse_text = if text.contains("<![CDATA[") {
        with_cdata = cdata_as_text(text);
        with_cdata.as_str()
    } else {
        text
    };
    let fragment = Html::parse_fragment(parse_text);
    let mut w = Walker {
        sink,
        file,
        start,
        text,
        cursor: 0,
    };
    // parse_fragment wraps the content in an <html> element.
    let root = fragment.tree.root();
    let container = root
        .children()
        .find(|c| matches!(c.value(), Node::Element(e) if e.name() == "html"))
        .unwrap_or(root);
    w.blocks(container, 0)
}

/// Deepest nesting before the HTML parser is not trusted with a block (see [`to_blocks`]).
const MAX_PARSED_NESTING: usize = 512;

/// How deep the elements of an HTML text nest, read from its tags alone (void elements and
/// `<x/>` do not open a level; an end tag closes one).
fn nesting_depth(text: &str) -> usize {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('<') {
        match bytes.get(i + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let rest = &text[i + 1..];
                let name_len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .unwrap_or(rest.len());
                let name = rest[..name_len].to_ascii_lowercase();
                // A tag ends within a few KiB; looking no further keeps the scan linear.
                let window = &rest.as_bytes()[..rest.len().min(4096)];
                let self_closing = window
                    .iter()
                    .position(|&b| b == b'>')
                    .is_some_and(|end| end > 0 && window[end - 1] == b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

/// Text with every tag removed (for a block too deep to parse).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether an HTML block leaves a `<table>` open (its rows go on after a blank line).
pub fn opens_more_tables_than_it_closes(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let opens = lower
        .match_indices("<table")
        .filter(|(i, _)| {
            lower[i + 6..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_whitespace())
        })
        .count();
    opens > lower.matches("</table").count()
}

/// `<![CDATA[a < b]]>` is text in XHTML; the HTML parser would drop it as a comment, so it is
/// written as escaped text first.
fn cdata_as_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&rest[..i]);
        let inner = &rest[i + 9..];
        let (content, after) = match inner.find("]]>") {
            Some(e) => (&inner[..e], &inner[e + 3..]),
            None => (inner, ""),
        };
        out.push_str(
            &content
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
        );
        rest = after;
    }
    out.push_str(rest);
    out
}

fn is_block_element(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "aside"
            | "center"
            | "details"
            | "summary"
            | "figure"
            | "figcaption"
            | "blockquote"
            | "ul"
            | "ol"
            | "li"
            | "pre"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "dl"
            | "dt"
            | "dd"
            | "address"
            | "body"
            | "html"
            | "picture"
            | "video"
            | "audio"
            | "caption"
            | "colgroup"
            | "col"
            | "hgroup"
            | "noscript"
            | "form"
            | "fieldset"
            | "legend"
    )
}

impl<S: HtmlSink> Walker<'_, S> {
    fn span_of(&mut self, name: &str) -> Span {
        let needle = format!("<{name}");
        let lower = self.text.to_ascii_lowercase();
        let at = lower[self.cursor.min(lower.len())..]
            .find(&needle)
            .map(|i| i + self.cursor)
            .or_else(|| lower.find(&needle))
            .unwrap_or(0);
        self.cursor = at + 1;
        Span::new(self.file, self.start + at..self.start + at + needle.len())
    }

    fn check_element(&mut self, node: NodeRef<Node>) -> Option<String> {
        let Node::Element(e) = node.value() else {
            return None;
        };
        let name = e.name().to_string();
        let has_handler = e.attrs().any(|(n, _)| n.starts_with("on") && n.len() > 2);
        if DROPPED_WITH_CONTENT.contains(&name.as_str()) || DROPPED_TAG.contains(&name.as_str()) {
            let span = self.span_of(&name);
            self.sink.diags().push(removed(&name, span));
        } else if has_handler {
            let span = self.span_of(&name);
            let attrs: Vec<(String, String)> = e
                .attrs()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            warn_event_handlers(&attrs, span, self.sink.diags());
        }
        Some(name)
    }

    /// Children of a block container.
    fn blocks(&mut self, node: NodeRef<Node>, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        let mut pending: Vec<Inline> = Vec::new();
        let flush = |pending: &mut Vec<Inline>, out: &mut Vec<Block>| {
            out.extend(paragraph(trim(std::mem::take(pending))));
        };
        for child in node.children() {
            match child.value() {
                Node::Text(t) => pending.push(Inline::Text(fold_ws(t))),
                Node::Element(e) => {
                    let name = e.name();
                    if DROPPED_WITH_CONTENT.contains(&name) {
                        self.check_element(child);
                        continue;
                    }
                    // A caption right after a picture, or alone in the block after the one
                    // that holds only the picture (`<div><img></div><div><span
                    // class="caption">…</span></div>`, as real books centre figures).
                    let caption_node = if is_caption(name, e.attr("class")) {
                        Some(child)
                    } else {
                        only_caption(child)
                    };
                    if let Some(node) = caption_node {
                        flush(&mut pending, &mut out);
                        if let Some(caption) = uncaptioned_figure(&mut out) {
                            *caption = trim(self.inlines(node, depth + 1));
                            continue;
                        }
                    }
                    if is_block_element(name) || has_block_descendant(child) {
                        flush(&mut pending, &mut out);
                        out.extend(self.block(child, depth + 1));
                    } else {
                        pending.extend(self.inline(child, depth + 1));
                    }
                }
                _ => {} // comments, doctypes, processing instructions: dropped
            }
        }
        flush(&mut pending, &mut out);
        out
    }

    fn block(&mut self, node: NodeRef<Node>, depth: usize) -> Vec<Block> {
        let Some(name) = self.check_element(node) else {
            return Vec::new();
        };
        if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
            return Vec::new();
        }
        if DROPPED_TAG.contains(&name.as_str()) {
            return self.blocks(node, depth);
        }
        if depth > MAX_HTML_DEPTH {
            let text = text_content(node);
            return if text.trim().is_empty() {
                Vec::new()
            } else {
                vec![Block::Paragraph(vec![Inline::Text(fold_ws(&text))])]
            };
        }
        let Node::Element(e) = node.value() else {
            return Vec::new();
        };
        let id = e.attr("id").map(str::to_string);
        let lang = e.attr("lang").map(str::to_string);
        match name.as_str() {
            "p" | "summary" | "dt" | "legend" | "caption" | "figcaption" => {
                let inlines = trim(self.inlines(node, depth));
                let inlines = if name == "summary" {
                    vec![Inline::Strong(inlines)]
                } else {
                    inlines
                };
                wrap(id, lang, paragraph(inlines))
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let span = self.span_of(&name);
                vec![Block::Heading {
                    level: name.as_bytes()[1] - b'0',
                    id: id.unwrap_or_default(),
                    classes: Vec::new(),
                    content: trim(self.inlines(node, depth)),
                    span,
                }]
            }
            "blockquote" => wrap(id, lang, vec![Block::BlockQuote(self.blocks(node, depth))]),
            "ul" | "ol" => {
                let start = (name == "ol").then(|| {
                    e.attr("start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1)
                });
                let mut items = Vec::new();
                for child in node.children() {
                    match child.value() {
                        Node::Element(c) if c.name() == "li" => {
                            let mut blocks = self.blocks(child, depth + 1);
                            // `<li id="x">`: an anchor at the start of the item.
                            if let Some(id) = c.attr("id") {
                                blocks.insert(
                                    0,
                                    Block::Div {
                                        id: Some(id.to_string()),
                                        lang: None,
                                        blocks: Vec::new(),
                                    },
                                );
                            }
                            items.push(ListItem {
                                task: None,
                                tight: !has_paragraph_child(child),
                                blocks,
                            })
                        }
                        Node::Element(_) => {
                            let blocks = self.block(child, depth + 1);
                            if !blocks.is_empty() {
                                items.push(ListItem {
                                    task: None,
                                    tight: true,
                                    blocks,
                                });
                            }
                        }
                        Node::Text(t) if !t.trim().is_empty() => items.push(ListItem {
                            task: None,
                            tight: true,
                            blocks: vec![Block::Paragraph(vec![Inline::Text(fold_ws(t))])],
                        }),
                        _ => {}
                    }
                }
                wrap(id, lang, vec![Block::List { start, items }])
            }
            "pre" => {
                let lang_class = node
                    .descendants()
                    .filter_map(|d| match d.value() {
                        Node::Element(e) => e.attr("class").map(str::to_string),
                        _ => None,
                    })
                    .flat_map(|c| c.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                    .find_map(|c| c.strip_prefix("language-").map(str::to_string));
                let code = nfc(text_content(node).trim_end_matches('\n'));
                vec![Block::CodeBlock {
                    lang: lang_class,
                    code: format!("{code}\n"),
                }]
            }
            "hr" => vec![Block::Rule],
            "table" => self.table(node, depth),
            "dl" => {
                let mut items: Vec<DefinitionItem> = Vec::new();
                for child in node.children() {
                    let Node::Element(c) = child.value() else {
                        continue;
                    };
                    match c.name() {
                        "dt" => {
                            let mut term = trim(self.inlines(child, depth + 1));
                            // `<dt id="x">`: a link target, kept on the term.
                            if let Some(id) = c.attr("id").map(str::to_string) {
                                term = vec![Inline::Span {
                                    id: Some(id),
                                    lang: None,
                                    content: term,
                                }];
                            }
                            items.push(DefinitionItem {
                                term,
                                tight: true,
                                definitions: Vec::new(),
                            });
                        }
                        "dd" => {
                            let blocks = self.blocks(child, depth + 1);
                            let loose = has_paragraph_child(child);
                            match items.last_mut() {
                                Some(item) => {
                                    item.tight &= !loose;
                                    item.definitions.push(blocks)
                                }
                                None => items.push(DefinitionItem {
                                    term: Vec::new(),
                                    tight: !loose,
                                    definitions: vec![blocks],
                                }),
                            }
                        }
                        _ => {}
                    }
                }
                vec![Block::DefinitionList(items)]
            }
            "figure" | "picture" => {
                let img = node
                    .descendants()
                    .find(|d| matches!(d.value(), Node::Element(e) if e.name() == "img"));
                let caption_node = node
                    .children()
                    .find(|d| matches!(d.value(), Node::Element(e) if e.name() == "figcaption"));
                match img {
                    Some(img) => {
                        let caption = caption_node
                            .map(|c| trim(self.inlines(c, depth + 1)))
                            .unwrap_or_default();
                        match self.inline(img, depth + 1).into_iter().next() {
                            Some(Inline::Image(image)) => vec![Block::Figure { image, caption }],
                            Some(other) => vec![Block::Paragraph(vec![other])],
                            None => Vec::new(),
                        }
                    }
                    None => self.blocks(node, depth),
                }
            }
            "img" => match self.inline(node, depth).into_iter().next() {
                Some(Inline::Image(image)) => vec![Block::Figure {
                    image,
                    caption: Vec::new(),
                }],
                Some(other) => vec![Block::Paragraph(vec![other])],
                None => Vec::new(),
            },
            "video" | "audio" => {
                let span = self.span_of(&name);
                self.sink.diags().push(
                    Diagnostic::warning(format!(
                        "<{name}> cannot be shown; its fallback content is kept"
                    ))
                    .code("raw-html")
                    .at(span)
                    .hint("link to the recording instead, e.g. [Watch the talk](https://…)"),
                );
                self.blocks(node, depth)
            }
            _ => wrap(id, lang, self.blocks(node, depth)),
        }
    }

    fn table(&mut self, node: NodeRef<Node>, depth: usize) -> Vec<Block> {
        let mut head = Vec::new();
        let mut rows = Vec::new();
        let tr_nodes: Vec<(NodeRef<Node>, bool)> = node
            .descendants()
            .filter(|d| matches!(d.value(), Node::Element(e) if e.name() == "tr"))
            .map(|tr| {
                let in_head = tr
                    .ancestors()
                    .any(|a| matches!(a.value(), Node::Element(e) if e.name() == "thead"));
                (tr, in_head)
            })
            .collect();
        for (i, (tr, in_head)) in tr_nodes.into_iter().enumerate() {
            let mut cells = Vec::new();
            let mut all_th = true;
            for cell in tr.children() {
                let Node::Element(c) = cell.value() else {
                    continue;
                };
                if c.name() != "td" && c.name() != "th" {
                    continue;
                }
                all_th &= c.name() == "th";
                let content = trim(self.inlines(cell, depth + 1));
                cells.push(anchored(c.attr("id").map(str::to_string), content));
            }
            if (in_head || (i == 0 && all_th)) && head.is_empty() {
                head = cells;
            } else {
                rows.push(cells);
            }
        }
        let columns = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return Vec::new();
        }
        head.resize(columns, Vec::new());
        for row in rows.iter_mut() {
            row.resize(columns, Vec::new());
        }
        // Rows as written: a first row of `<td>` is a row, not a header.
        if head.iter().all(Vec::is_empty) {
            head.clear();
        }
        vec![Block::Table {
            align: vec![Align::None; columns],
            head,
            rows,
        }]
    }

    /// Children of an inline context.
    fn inlines(&mut self, node: NodeRef<Node>, depth: usize) -> Vec<Inline> {
        let mut out = Vec::new();
        for child in node.children() {
            match child.value() {
                Node::Text(t) => out.push(Inline::Text(fold_ws(t))),
                Node::Element(_) => out.extend(self.inline(child, depth + 1)),
                _ => {}
            }
        }
        out
    }

    fn inline(&mut self, node: NodeRef<Node>, depth: usize) -> Vec<Inline> {
        let Some(name) = self.check_element(node) else {
            return Vec::new();
        };
        if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
            return Vec::new();
        }
        if DROPPED_TAG.contains(&name.as_str()) {
            return self.inlines(node, depth);
        }
        if depth > MAX_HTML_DEPTH {
            return vec![Inline::Text(fold_ws(&text_content(node)))];
        }
        let Node::Element(e) = node.value() else {
            return Vec::new();
        };
        let id = e.attr("id").or(e.attr("name")).map(str::to_string);
        let lang = e.attr("lang").map(str::to_string);
        match name.as_str() {
            "br" => vec![Inline::LineBreak],
            // Preformatted text where only inline content fits (a table cell): its lines and
            // spaces kept, in the code face.
            "pre" => {
                let text = nfc(text_content(node).trim_end_matches('\n'));
                let mut out = Vec::new();
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push(Inline::LineBreak);
                    }
                    if !line.is_empty() {
                        out.push(Inline::Code(line.to_string()));
                    }
                }
                out
            }
            "img" => {
                let span = self.span_of("img");
                let src = e.attr("src").unwrap_or("").to_string();
                // Line breaks inside an attribute value are spaces.
                let alt = nfc(fold_ws(e.attr("alt").unwrap_or("")).trim());
                let title = e.attr("title").map(|t| nfc(&fold_ws(t)));
                let style = e.attr("style");
                let width = Length::from_attributes("width", e.attr("width"), style);
                let height = Length::from_attributes("height", e.attr("height"), style);
                with_size(self.sink.image(&src, alt, title, span), width, height)
            }
            "a" => {
                let content = self.inlines(node, depth);
                match e.attr("href") {
                    Some(href) => {
                        let span = self.span_of("a");
                        let link = match self.sink.link_target(href, span) {
                            Some(target) => vec![Inline::Link {
                                target,
                                title: e.attr("title").map(nfc),
                                content,
                                span,
                            }],
                            None => content,
                        };
                        anchored(id.clone(), link)
                    }
                    None if id.is_some() => vec![Inline::Span { id, lang, content }],
                    None => content,
                }
            }
            _ => {
                let content = self.inlines(node, depth);
                // `<code id="x">`: the formatting, and the id kept as an anchor around it.
                let kind =
                    formatting(&name, id.clone(), lang.clone()).unwrap_or(InlineKind::Span {
                        id: id.clone(),
                        lang,
                    });
                close_inline(InlineTag::new(name, kind, id), content)
            }
        }
    }
}

/// A paragraph from an inline run: nothing when it shows nothing (html5ever re-opens formatting
/// elements after a `</p>`, leaving empty shells), a figure when it is one picture alone.
fn paragraph(inlines: Vec<Inline>) -> Vec<Block> {
    let has_image = inlines
        .iter()
        .any(|i| matches!(i, Inline::Image(_) | Inline::MissingPicture { .. }));
    if !has_image && Inline::plain_text(&inlines).trim().is_empty() {
        // Nothing to show, but an anchor (`<a id="x"></a>`) is still a link target: kept as an
        // empty group that takes no space.
        let mut ids = Vec::new();
        crate::doc::passes::walk_inlines(&inlines, &mut |i| {
            if let Inline::Span { id: Some(id), .. } = i {
                ids.push(id.clone());
            }
        });
        return ids
            .into_iter()
            .map(|id| Block::Div {
                id: Some(id),
                lang: None,
                blocks: Vec::new(),
            })
            .collect();
    }
    if let [Inline::Image(img)] = inlines.as_slice() {
        let caption = img
            .title
            .clone()
            .map(|t| vec![Inline::Text(t)])
            .unwrap_or_default();
        return vec![Block::Figure {
            image: img.clone(),
            caption,
        }];
    }
    vec![Block::Paragraph(inlines)]
}

fn wrap(id: Option<String>, lang: Option<String>, blocks: Vec<Block>) -> Vec<Block> {
    if id.is_none() && lang.is_none() {
        blocks
    } else {
        vec![Block::Div { id, lang, blocks }]
    }
}

/// The source's size on the picture the sink made (not on a placeholder or a link).
fn with_size(
    mut inlines: Vec<Inline>,
    width: Option<Length>,
    height: Option<Length>,
) -> Vec<Inline> {
    for i in &mut inlines {
        if let Inline::Image(image) = i {
            image.width = width;
            image.height = height.filter(|h| matches!(h, Length::Px(_)));
        }
    }
    inlines
}

/// The caption element that is all an element holds (besides white space), if so.
fn only_caption(node: NodeRef<Node>) -> Option<NodeRef<Node>> {
    let mut found = None;
    for child in node.children() {
        match child.value() {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Comment(_) => {}
            Node::Element(e) if found.is_none() && is_caption(e.name(), e.attr("class")) => {
                found = Some(child)
            }
            _ => return None,
        }
    }
    found
}

/// The empty caption of the figure the blocks end with: the last block, or the only block of a
/// division that is the last block.
fn uncaptioned_figure(blocks: &mut [Block]) -> Option<&mut Vec<Inline>> {
    match blocks.last_mut()? {
        Block::Figure { caption, .. } if caption.is_empty() => Some(caption),
        Block::Div {
            id: None, blocks, ..
        } if blocks.len() == 1 => uncaptioned_figure(blocks),
        _ => None,
    }
}

/// `<span class="caption">`, `<p class="caption">`, `<figcaption>`: the caption of the picture
/// before it, as real books write figures.
fn is_caption(name: &str, class: Option<&str>) -> bool {
    name == "figcaption"
        || class.is_some_and(|c| {
            c.split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("caption") || w.eq_ignore_ascii_case("figcaption"))
        })
}

/// Content with an id kept as an anchor around it (an id on an element whose own meaning is
/// formatting, or on a table cell).
fn anchored(id: Option<String>, content: Vec<Inline>) -> Vec<Inline> {
    match id {
        Some(id) => vec![Inline::Span {
            id: Some(id),
            lang: None,
            content,
        }],
        None => content,
    }
}

/// Whether an `<li>` or `<dd>` holds its text in `<p>` elements (a loose item).
fn has_paragraph_child(node: NodeRef<Node>) -> bool {
    node.children()
        .any(|c| matches!(c.value(), Node::Element(e) if e.name() == "p"))
}

fn has_block_descendant(node: NodeRef<Node>) -> bool {
    node.descendants()
        .skip(1)
        .any(|d| matches!(d.value(), Node::Element(e) if is_block_element(e.name())))
}

/// Text of an element and its descendants, skipping dropped elements (iterative: no recursion).
fn text_content(node: NodeRef<Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            let dropped = d.ancestors().any(|a| matches!(a.value(), Node::Element(e) if DROPPED_WITH_CONTENT.contains(&e.name())));
            if !dropped {
                out.push_str(t);
            }
        }
    }
    out
}

/// Drop leading and trailing white space of an inline run.
fn trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while let Some(Inline::Text(t)) = inlines.first_mut() {
        let trimmed = t.trim_start().to_string();
        if trimmed.is_empty() {
            inlines.remove(0);
        } else {
            *t = trimmed;
            break;
        }
    }
    while let Some(Inline::Text(t)) = inlines.last_mut() {
        let trimmed = t.trim_end().to_string();
        if trimmed.is_empty() {
            inlines.pop();
        } else {
            *t = trimmed;
            break;
        }
    }
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    inlines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_lenient_tags() {
        assert_eq!(
            lex_tag("<img src=a.png alt='x y' hidden>"),
            Some(Token::Open {
                name: "img".into(),
                attrs: vec![
                    ("src".into(), "a.png".into()),
                    ("alt".into(), "x y".into()),
                    ("hidden".into(), String::new())
                ],
                self_closing: false
            })
        );
        assert_eq!(lex_tag("</SPAN>"), Some(Token::Close("span".into())));
        assert_eq!(lex_tag("<!-- c -- d -->"), Some(Token::Comment));
        assert_eq!(
            lex_tag("<br/>").map(|t| matches!(
                t,
                Token::Open {
                    self_closing: true,
                    ..
                }
            )),
            Some(true)
        );
        assert_eq!(lex_tag("< 3"), None);
    }
}
