//! Inline content: a run of inlines flattened to styled spans, shaped, turned into boxes,
//! glue and penalties (hyphenation points from `hypher` for languages with patterns; never for
//! Vietnamese; words wider than the measure chopped), broken into lines by Knuth-Plass, and
//! committed as line entries with their links and footnote references.

use super::layout::{baseline_of, text_item, Ctx, Entry, Style};
use super::linebreak::{self, Item as Lb, INFINITY};
use super::model::{self, Item, Target};
use super::settings::em;
use super::shape::{self, Shaped};
use crate::assets::fonts::Role;
use crate::doc::{Inline, LinkTarget};

impl Ctx<'_> {
    /// Break inline content into line entries.
    pub(super) fn paragraph(
        &mut self,
        inlines: &[Inline],
        base: Style,
        width: f32,
        justify: bool,
    ) -> Vec<Entry> {
        let mut spans = Vec::new();
        flatten(inlines, base, None, &mut spans, self);
        let fs = base.size;
        let leading = self.settings.leading;
        // Build boxes/glue/penalties and the pieces they draw.
        let mut items: Vec<Lb> = Vec::new();
        let mut pieces: Vec<Option<Piece>> = Vec::new();
        let space_w = self.settings.fonts.measure(" ", base.face) * fs;
        let hyphen = self.settings.fonts.measure("-", base.face) * fs;
        let mut pending_space = false;
        for span in &spans {
            match &span.kind {
                SpanKind::Break => {
                    push_forced_break(&mut items, &mut pieces);
                    pending_space = false;
                }
                SpanKind::Anchor(id) => {
                    items.push(Lb::Box { width: 0.0 });
                    pieces.push(Some(Piece::Anchor(id.clone())));
                }
                SpanKind::Image(id, alt) => {
                    if pending_space {
                        push_glue(&mut items, &mut pieces, space_w);
                        pending_space = false;
                    }
                    let (pw, ph) = self.image_sizes.get(*id).copied().unwrap_or((0, 0));
                    let h = fs * 1.2;
                    let w = if ph > 0 {
                        (h * pw as f32 / ph as f32).min(width)
                    } else {
                        h
                    };
                    items.push(Lb::Box { width: w });
                    pieces.push(Some(Piece::Image {
                        id: *id,
                        w,
                        h,
                        alt: alt.clone(),
                        link: span.link.clone(),
                    }));
                }
                SpanKind::Text(text) => {
                    let hyphenate = justify
                        && self.lang.starts_with("en")
                        && !matches!(span.style.face, f if f == self.settings.face(Role::Code, false, false));
                    let mut words = text.split(' ').peekable();
                    let mut first = true;
                    while let Some(word) = words.next() {
                        if !first {
                            pending_space = true;
                        }
                        first = false;
                        if word.is_empty() {
                            continue;
                        }
                        if pending_space && !items.is_empty() {
                            push_glue(&mut items, &mut pieces, space_w);
                        }
                        pending_space = false;
                        self.word(
                            word,
                            span,
                            width,
                            hyphenate,
                            hyphen,
                            &mut items,
                            &mut pieces,
                        );
                        let _ = words.peek();
                    }
                    if text.ends_with(' ') {
                        pending_space = true;
                    }
                }
            }
        }
        if items.iter().all(|i| !matches!(i, Lb::Box { .. })) {
            return Vec::new();
        }
        push_forced_break(&mut items, &mut pieces);
        let breaks = linebreak::break_lines(&items, width, if justify { 2.5 } else { 10.0 });
        let mut out = Vec::new();
        let mut start = 0;
        let line_h = fs * leading;
        for b in breaks {
            let ratio = if justify && !self.settings.ragged_right {
                b.ratio.min(3.0)
            } else {
                b.ratio.min(0.0)
            };
            let mut j = start;
            while j < b.index && !matches!(items[j], Lb::Box { .. }) {
                j += 1;
            }
            let mut entry = Entry {
                height: line_h,
                ..Entry::default()
            };
            let baseline = baseline_of(fs, leading);
            let mut x = 0.0;
            let mut links: Vec<(f32, f32, Target)> = Vec::new();
            let mut tallest: f32 = 0.0;
            for k in j..b.index {
                match items[k] {
                    Lb::Glue {
                        width,
                        stretch,
                        shrink,
                    } => {
                        x += width
                            + if ratio >= 0.0 {
                                ratio * stretch
                            } else {
                                ratio * shrink
                            };
                    }
                    Lb::Box { width } => {
                        if let Some(p) = &pieces[k] {
                            match p {
                                Piece::Text {
                                    shaped,
                                    style,
                                    link,
                                    footnote,
                                } => {
                                    let mut px = x;
                                    for s in shaped {
                                        push_text(
                                            &mut entry.items,
                                            text_item(px, baseline - style.rise, *style, s),
                                        );
                                        px += s.width * style.size;
                                    }
                                    if style.strike {
                                        let y =
                                            baseline - style.rise - style.size * em::STRIKE_HEIGHT;
                                        entry.items.push(Item::Line {
                                            x1: x,
                                            y1: y,
                                            x2: x + width,
                                            y2: y,
                                            width: style.size * em::STRIKE_THICKNESS,
                                            color: style.color,
                                        });
                                    }
                                    if let Some(t) = link {
                                        push_link(&mut links, x, x + width, t.clone());
                                    }
                                    if let Some(n) = footnote {
                                        entry.footnotes.push((self.chapter, *n));
                                        push_link(
                                            &mut links,
                                            x,
                                            x + width,
                                            Target::Anchor(self.chapter, Some(format!("fn-{n}"))),
                                        );
                                    }
                                }
                                Piece::Image {
                                    id,
                                    w,
                                    h,
                                    alt,
                                    link,
                                } => {
                                    entry.items.push(Item::Image {
                                        x,
                                        y: baseline - h * 0.85,
                                        w: *w,
                                        h: *h,
                                        image: *id,
                                        alt: alt.clone(),
                                        tag: None,
                                    });
                                    tallest = tallest.max(*h);
                                    if let Some(t) = link {
                                        push_link(&mut links, x, x + w, t.clone());
                                    }
                                }
                                Piece::Anchor(id) => {
                                    entry.anchors.push((self.chapter, Some(id.clone())))
                                }
                            }
                        }
                        x += width;
                    }
                    Lb::Penalty { .. } => {}
                }
            }
            if let Lb::Penalty { width: pw, .. } = items[b.index] {
                if pw > 0.0 {
                    // A hyphen at the end of the line, in the style of the piece before it.
                    if let Some(Some(Piece::Text { style, .. })) = pieces[..b.index]
                        .iter()
                        .rev()
                        .find(|p| matches!(p, Some(Piece::Text { .. })))
                    {
                        let shaped = self.shape_text("-", style.face);
                        for s in shaped {
                            entry
                                .items
                                .push(text_item(x, baseline - style.rise, *style, &s));
                        }
                    }
                }
            }
            for (x1, x2, t) in links {
                entry.items.push(Item::Link {
                    x: x1,
                    y: baseline - fs * 0.9,
                    w: x2 - x1,
                    h: fs * 1.15,
                    target: t,
                    tag: None,
                });
            }
            if tallest > line_h * 0.8 {
                entry.height = entry.height.max(tallest + fs * 0.4);
            }
            out.push(entry);
            start = b.index + 1;
        }
        out
    }

    /// One word: shaped per span piece, split at hyphenation points, and chopped when it is wider
    /// than the measure (a long URL), so no line can overflow.
    #[allow(clippy::too_many_arguments)]
    fn word(
        &mut self,
        word: &str,
        span: &Span,
        width: f32,
        hyphenate: bool,
        hyphen: f32,
        items: &mut Vec<Lb>,
        pieces: &mut Vec<Option<Piece>>,
    ) {
        let size = span.style.size;
        let parts: Vec<String> =
            if hyphenate && word.chars().count() >= 6 && word.chars().all(char::is_alphabetic) {
                hypher::hyphenate(word, hypher::Lang::English)
                    .map(str::to_string)
                    .collect()
            } else {
                vec![word.to_string()]
            };
        let n = parts.len();
        for (k, part) in parts.iter().enumerate() {
            let shaped = self.shape_text(part, span.style.face);
            let w: f32 = shaped.iter().map(|s| s.width).sum::<f32>() * size;
            if w > width {
                self.chop(part, span, width, items, pieces);
            } else {
                items.push(Lb::Box { width: w });
                pieces.push(Some(Piece::Text {
                    shaped,
                    style: span.style,
                    link: span.link.clone(),
                    footnote: span.footnote,
                }));
            }
            if k + 1 < n {
                items.push(Lb::Penalty {
                    width: hyphen,
                    penalty: 50.0,
                    flagged: true,
                });
                pieces.push(None);
            }
        }
    }

    /// Emergency breaks: split at character boundaries into pieces that fit.
    fn chop(
        &mut self,
        text: &str,
        span: &Span,
        width: f32,
        items: &mut Vec<Lb>,
        pieces: &mut Vec<Option<Piece>>,
    ) {
        let size = span.style.size;
        let mut current = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let mut candidate = current.clone();
            candidate.push(c);
            let w: f32 = self
                .shape_text(&candidate, span.style.face)
                .iter()
                .map(|s| s.width)
                .sum::<f32>()
                * size;
            if w > width && !current.is_empty() {
                self.push_piece(&current, span, items, pieces);
                items.push(Lb::Penalty {
                    width: 0.0,
                    penalty: 0.0,
                    flagged: false,
                });
                pieces.push(None);
                current = c.to_string();
            } else {
                current = candidate;
            }
            // Keep cost linear for very long words: measure in chunks.
            if current.len() > 400 && chars.peek().is_some() {
                self.push_piece(&current, span, items, pieces);
                items.push(Lb::Penalty {
                    width: 0.0,
                    penalty: 0.0,
                    flagged: false,
                });
                pieces.push(None);
                current.clear();
            }
        }
        if !current.is_empty() {
            self.push_piece(&current, span, items, pieces);
        }
    }

    fn push_piece(
        &mut self,
        text: &str,
        span: &Span,
        items: &mut Vec<Lb>,
        pieces: &mut Vec<Option<Piece>>,
    ) {
        let shaped = self.shape_text(text, span.style.face);
        let w: f32 = shaped.iter().map(|s| s.width).sum::<f32>() * span.style.size;
        items.push(Lb::Box { width: w });
        pieces.push(Some(Piece::Text {
            shaped,
            style: span.style,
            link: span.link.clone(),
            footnote: span.footnote,
        }));
    }
}

#[derive(Clone, Debug)]
enum Piece {
    Text {
        shaped: Vec<Shaped>,
        style: Style,
        link: Option<Target>,
        footnote: Option<u32>,
    },
    Image {
        id: usize,
        w: f32,
        h: f32,
        alt: String,
        link: Option<Target>,
    },
    Anchor(String),
}

#[derive(Clone, Debug)]
enum SpanKind {
    Text(String),
    /// An id inside a paragraph (`<span id=..>`): a link target.
    Anchor(String),
    Image(usize, String),
    Break,
}

#[derive(Clone, Debug)]
struct Span {
    kind: SpanKind,
    style: Style,
    link: Option<Target>,
    footnote: Option<u32>,
}

fn flatten(
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

/// End a line here (a hard line break, or the paragraph's end): fill with glue, then force.
fn push_forced_break(items: &mut Vec<Lb>, pieces: &mut Vec<Option<Piece>>) {
    items.push(Lb::Glue {
        width: 0.0,
        stretch: 1e5,
        shrink: 0.0,
    });
    pieces.push(None);
    items.push(Lb::Penalty {
        width: 0.0,
        penalty: -INFINITY,
        flagged: false,
    });
    pieces.push(None);
}

fn push_glue(items: &mut Vec<Lb>, pieces: &mut Vec<Option<Piece>>, space: f32) {
    items.push(Lb::Glue {
        width: space,
        stretch: space * 0.6,
        shrink: space * 0.3,
    });
    pieces.push(None);
}

fn push_link(links: &mut Vec<(f32, f32, Target)>, x1: f32, x2: f32, t: Target) {
    if let Some(last) = links.last_mut() {
        if last.2 == t && x1 - last.1 < 8.0 {
            last.1 = x2;
            return;
        }
    }
    links.push((x1, x2, t));
}

/// Add a text item, joining it to the previous one when it continues the same run (syllables of
/// a hyphenatable word, pieces of a chopped word), so text extracts as it was written.
fn push_text(items: &mut Vec<Item>, item: Item) {
    if let (
        Some(Item::Text {
            x: px,
            y: py,
            size: ps,
            face: pf,
            color: pc,
            glyphs: pg,
            text: pt,
            artifact: pa,
            tag: ptag,
        }),
        Item::Text {
            x,
            y,
            size,
            face,
            color,
            glyphs,
            text,
            artifact,
            tag,
        },
    ) = (items.last_mut(), &item)
    {
        let end = *px + pg.iter().map(|g| g.advance).sum::<f32>() * *ps;
        if *py == *y
            && *ps == *size
            && *pf == *face
            && *pc == *color
            && *pa == *artifact
            && *ptag == *tag
            && (end - x).abs() < 0.01
        {
            let offset = pt.len();
            pg.extend(glyphs.iter().map(|g| shape::Glyph {
                range: g.range.start + offset..g.range.end + offset,
                ..g.clone()
            }));
            pt.push_str(text);
            return;
        }
    }
    items.push(item);
}
