//! HTML blocks: parsed with html5ever (through `scraper`, which lives here only) and walked
//! into blocks and inlines with the allow-list of [`super::policy`].

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::inline::{
    anchored, close_inline, formatting, is_caption, with_size, InlineKind, InlineTag,
};
use super::lex::{cdata_as_text, fold_ws, nesting_depth, strip_tags};
use super::policy::{
    is_block_element, removed, warn_event_handlers, DROPPED_TAG, DROPPED_WITH_CONTENT,
};
use super::HtmlSink;
use crate::diag::{Code, Diagnostic, FileId, Span};
use crate::doc::{Align, Block, DefinitionItem, Inline, Length, ListItem};
use crate::text::nfc;

pub(super) struct Walker<'a, S: HtmlSink> {
    sink: &'a mut S,
    file: FileId,
    /// Offset of the HTML block in the file.
    start: usize,
    text: &'a str,
    /// Where to look for the next tag named in a message.
    cursor: usize,
}

pub(super) const MAX_HTML_DEPTH: usize = 64;

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
            .code(Code::Nesting)
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
pub(super) const MAX_PARSED_NESTING: usize = 512;

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
            "ul" => wrap(id, lang, vec![self.list(node, None, depth)]),
            "ol" => {
                let start = e.attr("start").and_then(|s| s.trim().parse().ok());
                wrap(
                    id,
                    lang,
                    vec![self.list(node, Some(start.unwrap_or(1)), depth)],
                )
            }
            "pre" => vec![pre(node)],
            "hr" => vec![Block::Rule],
            "table" => self.table(node, depth),
            "dl" => vec![self.definition_list(node, depth)],
            "figure" | "picture" => self.figure(node, depth),
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
                    .code(Code::RawHtml)
                    .at(span)
                    .hint("link to the recording instead, e.g. [Watch the talk](https://…)"),
                );
                self.blocks(node, depth)
            }
            _ => wrap(id, lang, self.blocks(node, depth)),
        }
    }

    /// `<ul>` or `<ol>` (`start`: the first number of an ordered list): items from `<li>`, and
    /// from whatever else a browser shows in the list.
    fn list(&mut self, node: NodeRef<Node>, start: Option<u64>, depth: usize) -> Block {
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
        Block::List { start, items }
    }

    /// `<dl>`: each `<dt>` opens an item, each `<dd>` adds a definition to the last one.
    fn definition_list(&mut self, node: NodeRef<Node>, depth: usize) -> Block {
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
                        term = vec![Inline::Run {
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
        Block::DefinitionList(items)
    }

    /// `<figure>` or `<picture>`: its first picture, captioned by its `<figcaption>`.
    fn figure(&mut self, node: NodeRef<Node>, depth: usize) -> Vec<Block> {
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
                    None if id.is_some() => vec![Inline::Run { id, lang, content }],
                    None => content,
                }
            }
            _ => {
                let content = self.inlines(node, depth);
                // `<code id="x">`: the formatting, and the id kept as an anchor around it.
                let kind = formatting(&name, id.clone(), lang.clone()).unwrap_or(InlineKind::Run {
                    id: id.clone(),
                    lang,
                });
                close_inline(InlineTag::new(name, kind, id), content)
            }
        }
    }
}

/// `<pre>`: its text as a code block, in the language of a `language-*` class inside.
fn pre(node: NodeRef<Node>) -> Block {
    let lang_class = node
        .descendants()
        .filter_map(|d| match d.value() {
            Node::Element(e) => e.attr("class").map(str::to_string),
            _ => None,
        })
        .flat_map(|c| c.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find_map(|c| c.strip_prefix("language-").map(str::to_string));
    let code = nfc(text_content(node).trim_end_matches('\n'));
    Block::CodeBlock {
        lang: lang_class,
        code: format!("{code}\n"),
    }
}

/// A paragraph from an inline run: nothing when it shows nothing (html5ever re-opens formatting
/// elements after a `</p>`, leaving empty shells), a figure when it is one picture alone.
pub(super) fn paragraph(inlines: Vec<Inline>) -> Vec<Block> {
    let has_image = inlines
        .iter()
        .any(|i| matches!(i, Inline::Image(_) | Inline::MissingPicture { .. }));
    if !has_image && Inline::plain_text(&inlines).trim().is_empty() {
        // Nothing to show, but an anchor (`<a id="x"></a>`) is still a link target: kept as an
        // empty group that takes no space.
        let mut ids = Vec::new();
        crate::doc::visit::walk_inlines(&inlines, &mut |i| {
            if let Inline::Run { id: Some(id), .. } = i {
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

pub(super) fn wrap(id: Option<String>, lang: Option<String>, blocks: Vec<Block>) -> Vec<Block> {
    if id.is_none() && lang.is_none() {
        blocks
    } else {
        vec![Block::Div { id, lang, blocks }]
    }
}

/// The caption element that is all an element holds (besides white space), if so.
pub(super) fn only_caption(node: NodeRef<Node>) -> Option<NodeRef<Node>> {
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
pub(super) fn uncaptioned_figure(blocks: &mut [Block]) -> Option<&mut Vec<Inline>> {
    match blocks.last_mut()? {
        Block::Figure { caption, .. } if caption.is_empty() => Some(caption),
        Block::Div {
            id: None, blocks, ..
        } if blocks.len() == 1 => uncaptioned_figure(blocks),
        _ => None,
    }
}

/// Whether an `<li>` or `<dd>` holds its text in `<p>` elements (a loose item).
pub(super) fn has_paragraph_child(node: NodeRef<Node>) -> bool {
    node.children()
        .any(|c| matches!(c.value(), Node::Element(e) if e.name() == "p"))
}

pub(super) fn has_block_descendant(node: NodeRef<Node>) -> bool {
    node.descendants()
        .skip(1)
        .any(|d| matches!(d.value(), Node::Element(e) if is_block_element(e.name())))
}

/// Text of an element and its descendants, skipping dropped elements (iterative: no recursion).
pub(super) fn text_content(node: NodeRef<Node>) -> String {
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
pub(super) fn trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
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
