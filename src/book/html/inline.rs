//! Inline HTML inside Markdown text: tags arrive one event at a time and are matched by the
//! Markdown builder through [`super::HtmlSink`]; one table of formatting for both paths.

use super::lex::{attr, fold_ws, Token};
use super::policy::{removed, warn_event_handlers, DROPPED_TAG, DROPPED_WITH_CONTENT};
use super::HtmlSink;
use crate::diag::Span;
use crate::doc::{Inline, Length, LinkTarget};
use crate::text::nfc;

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
    pub(super) fn new(name: String, kind: InlineKind, id: Option<String>) -> InlineTag {
        let anchor = match kind {
            InlineKind::Run { .. } | InlineKind::Caption => None,
            _ => id,
        };
        InlineTag { name, kind, anchor }
    }
}

#[derive(Debug, Clone)]
pub(super) enum InlineKind {
    Emphasis,
    Strong,
    Strike,
    Superscript,
    Subscript,
    Code,
    Link(Option<LinkTarget>, Option<String>, Span),
    Run {
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
                    None => InlineKind::Run {
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
pub(super) fn formatting(
    name: &str,
    id: Option<String>,
    lang: Option<String>,
) -> Option<InlineKind> {
    Some(match name {
        "em" | "i" | "cite" | "dfn" | "var" => InlineKind::Emphasis,
        "strong" | "b" => InlineKind::Strong,
        "del" | "s" | "strike" => InlineKind::Strike,
        "sup" => InlineKind::Superscript,
        "sub" => InlineKind::Subscript,
        "code" | "kbd" | "samp" | "tt" => InlineKind::Code,
        "span" | "u" | "ins" | "mark" | "small" | "big" | "abbr" | "q" | "time" | "font"
        | "bdi" | "bdo" | "label" => InlineKind::Run { id, lang },
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
        InlineKind::Run {
            id: None,
            lang: None,
        }
        | InlineKind::Caption => content,
        InlineKind::Run { id, lang } => vec![Inline::Run { id, lang, content }],
    };
    anchored(tag.anchor, node)
}

/// Content with an id kept as an anchor around it (an id on an element whose own meaning is
/// formatting, or on a table cell).
pub(super) fn anchored(id: Option<String>, content: Vec<Inline>) -> Vec<Inline> {
    match id {
        Some(id) => vec![Inline::Run {
            id: Some(id),
            lang: None,
            content,
        }],
        None => content,
    }
}
/// The source's size on the picture the sink made (not on a placeholder or a link).
pub(super) fn with_size(
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

/// `<span class="caption">`, `<p class="caption">`, `<figcaption>`: the caption of the picture
/// before it, as real books write figures.
pub(super) fn is_caption(name: &str, class: Option<&str>) -> bool {
    name == "figcaption"
        || class.is_some_and(|c| {
            c.split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("caption") || w.eq_ignore_ascii_case("figcaption"))
        })
}
