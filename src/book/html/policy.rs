//! The allow-list of raw HTML: which elements are removed (with or without their content),
//! why, the warnings that say so, and which elements are blocks.

use crate::diag::{Code, Diagnostic, Diagnostics, Span};

/// Elements removed together with their content.
pub(super) const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "template", "textarea", "select", "title", "head",
    "frameset", "frame", "applet", "svg", "math", "canvas", "noembed",
];

/// Elements removed, content (if any) kept.
pub(super) const DROPPED_TAG: &[&str] = &[
    "form", "input", "button", "embed", "link", "meta", "base", "param", "source", "track",
];

pub(super) fn removal_reason(name: &str) -> &'static str {
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

pub(super) fn removed(name: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(format!("removed <{name}> from raw HTML"))
        .code(Code::RawHtml)
        .at(span)
        .hint(removal_reason(name))
}

pub(super) fn warn_event_handlers(attrs: &[(String, String)], span: Span, diags: &mut Diagnostics) {
    for (name, _) in attrs {
        if name.starts_with("on") && name.len() > 2 {
            diags.push(
                Diagnostic::warning(format!("removed event handler `{name}` from raw HTML"))
                    .code(Code::RawHtml)
                    .at(span)
                    .hint("e-books cannot run scripts"),
            );
        }
    }
}

pub(super) fn is_block_element(name: &str) -> bool {
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
