//! Flattening inline content into styled spans: emphasis, strong, code, links, footnote
//! references, sub- and superscripts, pictures and line breaks, each with its face, size, rise
//! and link.

use super::super::flow::{Ctx, Style};
use super::super::model::{self, Target};
use super::super::settings::em;
use crate::assets::fonts::Role;
use crate::doc::{Inline, LinkTarget};

#[derive(Clone, Debug)]
pub(super) enum StyledKind {
    Text(String),
    /// An id inside a paragraph (`<span id=..>`): a link target.
    Anchor(String),
    Image(usize, String),
    Break,
}

#[derive(Clone, Debug)]
pub(super) struct StyledSpan {
    pub(super) kind: StyledKind,
    pub(super) style: Style,
    pub(super) link: Option<Target>,
    pub(super) footnote: Option<u32>,
}

/// Flatten `inlines` in `style` (inside a link to `link`, if any) onto `out`.
pub(super) fn flatten(
    inlines: &[Inline],
    style: Style,
    link: Option<Target>,
    out: &mut Vec<StyledSpan>,
    ctx: &mut Ctx,
) {
    for i in inlines {
        match i {
            Inline::Text(t) => push(out, StyledKind::Text(t.clone()), style, link.clone()),
            Inline::SoftBreak => push(out, StyledKind::Text(" ".into()), style, link.clone()),
            Inline::LineBreak => push(out, StyledKind::Break, style, None),
            Inline::Emphasis(c) => {
                let italic = !ctx.settings.fonts.face(style.face).italic;
                let st = restyled(ctx, style, None, Some(italic));
                flatten(c, st, link.clone(), out, ctx)
            }
            Inline::Strong(c) => {
                let st = restyled(ctx, style, Some(true), None);
                flatten(c, st, link.clone(), out, ctx)
            }
            Inline::Strikethrough(c) => {
                let st = Style {
                    strike: true,
                    ..style
                };
                flatten(c, st, link.clone(), out, ctx)
            }
            Inline::Superscript(c) => {
                let st = raised(style, em::SUPERSCRIPT_SIZE, em::SUPERSCRIPT_RISE);
                flatten(c, st, link.clone(), out, ctx)
            }
            Inline::Subscript(c) => {
                let st = raised(style, em::SUBSCRIPT_SIZE, em::SUBSCRIPT_RISE);
                flatten(c, st, link.clone(), out, ctx)
            }
            Inline::Code(t) => code(t, style, &link, out, ctx),
            // Formulas are shown as their TeX until the typesetter sets maths.
            Inline::Math(f) => code(&f.source, style, &link, out, ctx),
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
                let st = if t.is_some() { linked(style) } else { style };
                flatten(content, st, t.or(link.clone()), out, ctx);
            }
            Inline::MissingPicture { alt, path } => {
                let text = format!("[{}]", Inline::missing_picture_label(alt, path));
                push(out, StyledKind::Text(text), linked(style), link.clone())
            }
            Inline::Image(image) => {
                let kind = StyledKind::Image(image.id.0, image.alt.clone());
                push(out, kind, style, link.clone())
            }
            Inline::FootnoteRef { label, number, .. } => {
                out.push(footnote_mark(label, *number, style))
            }
            Inline::Run {
                lang: l,
                content,
                id,
            } => {
                if let Some(id) = id {
                    push(out, StyledKind::Anchor(id.clone()), style, None);
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

fn push(out: &mut Vec<StyledSpan>, kind: StyledKind, style: Style, link: Option<Target>) {
    out.push(StyledSpan {
        kind,
        style,
        link,
        footnote: None,
    });
}

/// The same text in the face of the same role with bold or italic changed.
fn restyled(ctx: &Ctx, style: Style, bold: Option<bool>, italic: Option<bool>) -> Style {
    let f = ctx.settings.fonts.face(style.face);
    Style {
        face: ctx
            .settings
            .face(f.role, bold.unwrap_or(f.bold), italic.unwrap_or(f.italic)),
        ..style
    }
}

/// Smaller and raised (or lowered, for a negative rise), both in em of the current size.
fn raised(style: Style, size: f32, rise: f32) -> Style {
    Style {
        size: style.size * size,
        rise: style.size * rise,
        ..style
    }
}

fn linked(style: Style) -> Style {
    Style {
        color: model::LINK,
        ..style
    }
}

/// Code or maths in running text, in the code face; maths written over several lines keeps
/// its lines.
fn code(text: &str, style: Style, link: &Option<Target>, out: &mut Vec<StyledSpan>, ctx: &Ctx) {
    let f = ctx.settings.fonts.face(style.face);
    let code = Style {
        face: ctx.settings.face(Role::Code, f.bold, false),
        size: style.size * em::INLINE_CODE_SIZE,
        ..style
    };
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            push(out, StyledKind::Break, code, None);
        }
        push(out, StyledKind::Text(line.to_string()), code, link.clone());
    }
}

/// A footnote reference: its number, small and raised, linked to the note; a reference to a
/// note that does not exist (number 0) stays as written.
fn footnote_mark(label: &str, number: u32, style: Style) -> StyledSpan {
    if number == 0 {
        return StyledSpan {
            kind: StyledKind::Text(format!("[^{label}]")),
            style,
            link: None,
            footnote: None,
        };
    }
    StyledSpan {
        kind: StyledKind::Text(number.to_string()),
        style: linked(raised(style, em::NOTE_MARK_SIZE, em::NOTE_MARK_RISE)),
        link: None,
        footnote: Some(number),
    }
}
