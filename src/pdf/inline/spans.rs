//! Flattening inline content into styled spans: emphasis, strong, code, links, footnote
//! references, sub- and superscripts, pictures and line breaks, each with its face, size, rise
//! and link.

use super::super::layout::{Ctx, Style};
use super::super::model::{self, Target};
use super::super::settings::em;
use crate::assets::fonts::Role;
use crate::doc::{Inline, LinkTarget};

#[derive(Clone, Debug)]
pub(super) enum SpanKind {
    Text(String),
    /// An id inside a paragraph (`<span id=..>`): a link target.
    Anchor(String),
    Image(usize, String),
    Break,
}

#[derive(Clone, Debug)]
pub(super) struct Span {
    pub(super) kind: SpanKind,
    pub(super) style: Style,
    pub(super) link: Option<Target>,
    pub(super) footnote: Option<u32>,
}

pub(super) fn flatten(
    inlines: &[Inline],
    style: Style,
    link: Option<Target>,
    out: &mut Vec<Span>,
    ctx: &mut Ctx,
) {
    let settings = ctx.settings;
    let styled = |face_change: (Option<bool>, Option<bool>), style: Style| -> Style {
        let f = settings.fonts.face(style.face);
        let bold = face_change.0.unwrap_or(f.bold);
        let italic = face_change.1.unwrap_or(f.italic);
        Style {
            face: settings.face(f.role, bold, italic),
            ..style
        }
    };
    for i in inlines {
        match i {
            Inline::Text(t) => out.push(Span {
                kind: SpanKind::Text(t.clone()),
                style,
                link: link.clone(),
                footnote: None,
            }),
            Inline::SoftBreak => out.push(Span {
                kind: SpanKind::Text(" ".into()),
                style,
                link: link.clone(),
                footnote: None,
            }),
            Inline::LineBreak => out.push(Span {
                kind: SpanKind::Break,
                style,
                link: None,
                footnote: None,
            }),
            Inline::Emphasis(c) => {
                let italic = !ctx.settings.fonts.face(style.face).italic;
                flatten(
                    c,
                    styled((None, Some(italic)), style),
                    link.clone(),
                    out,
                    ctx,
                )
            }
            Inline::Strong(c) => {
                flatten(c, styled((Some(true), None), style), link.clone(), out, ctx)
            }
            Inline::Strikethrough(c) => flatten(
                c,
                Style {
                    strike: true,
                    ..style
                },
                link.clone(),
                out,
                ctx,
            ),
            Inline::Superscript(c) => flatten(
                c,
                Style {
                    size: style.size * em::SUPERSCRIPT_SIZE,
                    rise: style.size * em::SUPERSCRIPT_RISE,
                    ..style
                },
                link.clone(),
                out,
                ctx,
            ),
            Inline::Subscript(c) => flatten(
                c,
                Style {
                    size: style.size * em::SUBSCRIPT_SIZE,
                    rise: style.size * em::SUBSCRIPT_RISE,
                    ..style
                },
                link.clone(),
                out,
                ctx,
            ),
            Inline::Code(t) | Inline::Math(t) => {
                let f = ctx.settings.fonts.face(style.face);
                let code = Style {
                    face: ctx.settings.face(Role::Code, f.bold, false),
                    size: style.size * em::INLINE_CODE_SIZE,
                    ..style
                };
                // Maths written over several lines keeps its lines.
                for (n, line) in t.split('\n').enumerate() {
                    if n > 0 {
                        out.push(Span {
                            kind: SpanKind::Break,
                            style: code,
                            link: None,
                            footnote: None,
                        });
                    }
                    out.push(Span {
                        kind: SpanKind::Text(line.to_string()),
                        style: code,
                        link: link.clone(),
                        footnote: None,
                    });
                }
            }
            Inline::Link {
                target, content, ..
            } => {
                let t = match target {
                    LinkTarget::External(u) => Some(Target::Uri(u.as_str().into())),
                    LinkTarget::Internal { chapter, anchor } => {
                        Some(Target::Anchor(*chapter, anchor.clone()))
                    }
                    _ => None,
                };
                let st = if t.is_some() {
                    Style {
                        color: model::LINK,
                        ..style
                    }
                } else {
                    style
                };
                flatten(content, st, t.or(link.clone()), out, ctx);
            }
            Inline::MissingPicture { alt, path } => out.push(Span {
                kind: SpanKind::Text(format!("[{}]", Inline::missing_picture_label(alt, path))),
                style: Style {
                    color: model::LINK,
                    ..style
                },
                link: link.clone(),
                footnote: None,
            }),
            Inline::Image(image) => out.push(Span {
                kind: SpanKind::Image(image.id.0, image.alt.clone()),
                style,
                link: link.clone(),
                footnote: None,
            }),
            Inline::FootnoteRef { label, number, .. } => {
                let text = if *number == 0 {
                    format!("[^{label}]")
                } else {
                    number.to_string()
                };
                let st = if *number == 0 {
                    style
                } else {
                    Style {
                        size: style.size * em::NOTE_MARK_SIZE,
                        rise: style.size * em::NOTE_MARK_RISE,
                        color: model::LINK,
                        ..style
                    }
                };
                out.push(Span {
                    kind: SpanKind::Text(text),
                    style: st,
                    link: None,
                    footnote: (*number > 0).then_some(*number),
                });
            }
            Inline::Span {
                lang: l,
                content,
                id,
            } => {
                if let Some(id) = id {
                    out.push(Span {
                        kind: SpanKind::Anchor(id.clone()),
                        style,
                        link: None,
                        footnote: None,
                    });
                }
                let saved = ctx.lang.clone();
                if let Some(l) = l {
                    ctx.lang = l.clone();
                }
                flatten(content, style, link.clone(), out, ctx);
                ctx.lang = saved;
            }
        }
    }
}
