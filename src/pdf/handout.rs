//! Making a book usable on paper before it is typeset for a handout: web links become numbered
//! notes (page footnotes or chapter endnotes) with the address written out and, optionally, a QR
//! code; the cover gets a QR code to the book's own web address. A pure transformation of the
//! document (QR pictures come from `assets::qr`), so the typesetter needs no special cases.

use std::collections::HashMap;

use crate::assets::picture::Processed;
use crate::diag::Code;
use crate::doc::passes;
use crate::doc::visit::{self, inline_runs_mut};
use crate::doc::{
    Block, Document, Footnote, Image, ImageId, ImageSource, Inline, LinkTarget, ListItem,
};
use crate::labels::Labels;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkNotes {
    Footnotes,
    Endnotes,
    None,
}

impl LinkNotes {
    pub fn parse(s: &str) -> Option<LinkNotes> {
        match s {
            "footnotes" => Some(LinkNotes::Footnotes),
            "endnotes" => Some(LinkNotes::Endnotes),
            "none" => Some(LinkNotes::None),
            _ => None,
        }
    }
}

/// Add a picture that is not a file of the book (a QR code); returns its id.
fn add_picture(
    doc: &mut Document,
    images: &mut Vec<Processed>,
    picture: Processed,
    name: String,
    span: crate::diag::Span,
) -> ImageId {
    let id = ImageId(doc.images.len());
    doc.images.push(ImageSource {
        origin: crate::doc::PictureOrigin::Made,
        rel_path: name,
        first_use: span,
    });
    images.push(picture);
    id
}

/// The handout's version of the book: printed links, QR codes. `images` grows with `doc.images`.
pub fn prepare(
    doc: &Document,
    images: &mut Vec<Processed>,
    mode: LinkNotes,
    qr: bool,
    labels: &Labels,
    diags: &mut crate::diag::Diagnostics,
) -> Document {
    let mut doc = doc.clone();
    images.truncate(doc.images.len());
    if mode == LinkNotes::None {
        return doc;
    }
    for c in 0..doc.chapters.len() {
        let mut blocks = std::mem::take(&mut doc.chapters[c].blocks);
        let urls = mark_links(&mut blocks, mode);
        let notes = link_notes(&mut doc, images, c, &urls, qr, diags);
        doc.chapters[c].blocks = blocks;
        attach_notes(&mut doc.chapters[c], notes, &urls, mode, labels);
    }
    // Number the new notes together with the book's own footnotes, by first reference.
    let mut diags = crate::diag::Diagnostics::default();
    for ch in &mut doc.chapters {
        for f in &mut ch.footnotes {
            f.number = 0;
        }
    }
    passes::number_footnotes(&mut doc, &mut diags);
    doc
}

/// Put a marker after every web link in `blocks`: a footnote reference, or a bracketed number
/// for endnotes. Returns the addresses in the order of their numbers (each once, at its first
/// link).
fn mark_links(blocks: &mut [Block], mode: LinkNotes) -> Vec<(String, crate::diag::Span)> {
    let mut urls: Vec<(String, crate::diag::Span)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    visit::visit_blocks_mut(blocks, &mut |b| {
        for run in inline_runs_mut(b) {
            annotate(run, &mut |url, span| {
                let k = *index.entry(url.to_string()).or_insert_with(|| {
                    urls.push((url.to_string(), span));
                    urls.len()
                });
                match mode {
                    LinkNotes::Footnotes => Inline::FootnoteRef {
                        label: format!("bindery-url-{k}"),
                        number: 0,
                        span,
                    },
                    _ => Inline::Superscript(vec![Inline::Text(format!("[{k}]"))]),
                }
            });
        }
    });
    urls
}

/// The body of each link note of chapter `c`: the address, and its QR code when asked for (a
/// warning instead when the address is too long for one).
fn link_notes(
    doc: &mut Document,
    images: &mut Vec<Processed>,
    c: usize,
    urls: &[(String, crate::diag::Span)],
    qr: bool,
    diags: &mut crate::diag::Diagnostics,
) -> Vec<Vec<Block>> {
    let mut notes = Vec::new();
    for (k, (url, span)) in urls.iter().enumerate() {
        let mut body = vec![Block::Paragraph(vec![Inline::Code(url.clone())])];
        if qr {
            match crate::assets::qr::png(url, 2) {
                Some(png) => {
                    let name = format!("qr-{}-{}.png", c + 1, k + 1);
                    let id = add_picture(doc, images, png, name, *span);
                    body.push(Block::Figure {
                        image: Image {
                            id,
                            alt: format!("QR code for {url}"),
                            title: None,
                            span: *span,
                            width: None,
                            height: None,
                        },
                        caption: Vec::new(),
                    });
                }
                None => diags.push(no_qr_code(url).at(*span)),
            }
        }
        notes.push(body);
    }
    notes
}

/// The notes as the chapter's footnotes, or as a numbered list under a "Links" heading at its
/// end.
fn attach_notes(
    chapter: &mut crate::doc::Chapter,
    notes: Vec<Vec<Block>>,
    urls: &[(String, crate::diag::Span)],
    mode: LinkNotes,
    labels: &Labels,
) {
    match mode {
        LinkNotes::Footnotes => {
            for (k, body) in notes.into_iter().enumerate() {
                chapter.footnotes.push(Footnote {
                    label: format!("bindery-url-{}", k + 1),
                    number: 0,
                    blocks: body,
                });
            }
        }
        LinkNotes::Endnotes if !notes.is_empty() => {
            let span = urls[0].1;
            chapter.blocks.push(Block::Heading {
                level: 2,
                id: "bindery-links".into(),
                classes: Vec::new(),
                content: vec![Inline::Text(labels.links.clone())],
                span,
            });
            chapter.blocks.push(Block::List {
                start: Some(1),
                items: notes
                    .into_iter()
                    .map(|blocks| ListItem {
                        task: None,
                        tight: true,
                        blocks,
                    })
                    .collect(),
            });
        }
        _ => {}
    }
}

/// After every web link in the run, insert the marker `note` makes for its address.
fn annotate(inlines: &mut Vec<Inline>, note: &mut dyn FnMut(&str, crate::diag::Span) -> Inline) {
    let mut i = 0;
    while i < inlines.len() {
        let marker = match &mut inlines[i] {
            Inline::Link {
                target: LinkTarget::External(url),
                span,
                ..
            } if url.starts_with("http") => Some(note(&url.clone(), *span)),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Run { content: c, .. } => {
                annotate(c, note);
                None
            }
            _ => None,
        };
        if let Some(m) = marker {
            inlines.insert(i + 1, m);
            i += 1;
        }
        i += 1;
    }
}

/// The warning for an address too long for a QR code; the address itself is still printed.
fn no_qr_code(url: &str) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::warning(format!(
        "no QR code for this {}-byte address: a QR code holds at most {} bytes; only the address is printed",
        url.len(),
        crate::assets::qr::MAX_BYTES
    ))
    .code(Code::QrCode)
    .hint("link to a shorter address (a redirect), or set [bindery.handout] qr-codes = false")
}

/// A QR code picture for the cover (the book's web address), added to the document's pictures.
pub fn cover_qr(
    doc: &mut Document,
    images: &mut Vec<Processed>,
    diags: &mut crate::diag::Diagnostics,
) -> Option<ImageId> {
    let url = doc.meta.site_url.clone()?;
    let Some(png) = crate::assets::qr::png(&url, 3) else {
        diags.push(no_qr_code(&url).hint(
            "shorten [output.html] site-url in book.toml, or set [bindery.handout] cover = false",
        ));
        return None;
    };
    let span = crate::diag::Span::file_start(doc.chapters.first()?.file);
    Some(add_picture(doc, images, png, "qr-site.png".into(), span))
}
