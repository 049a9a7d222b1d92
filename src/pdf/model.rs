//! The positioned page model: what the typesetter produces and the PDF writer draws. Plain data in
//! points, origin at the top-left of the page, y growing downwards. Tests dump it as text.

use std::fmt::Write as _;

use super::shape::{FaceId, Glyph};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color(pub u8, pub u8, pub u8);

pub const BLACK: Color = Color(0, 0, 0);
pub const GREY: Color = Color(90, 90, 90);
pub const LIGHT: Color = Color(235, 235, 235);
pub const RULE: Color = Color(170, 170, 170);
pub const LINK: Color = Color(26, 77, 143);

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Shared: a long address is one allocation however many lines and pieces it is cut into.
    Uri(std::sync::Arc<str>),
    /// A chapter and an id in it (`None`: the chapter's start).
    Anchor(usize, Option<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageItem {
    /// Glyphs on one baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: FaceId,
        color: Color,
        glyphs: Vec<Glyph>,
        text: String,
        /// Running headers and page numbers: not part of the content.
        artifact: bool,
        /// The structure element (index into [`TypesetBook::structure`]) this content belongs to.
        tag: Option<usize>,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: usize,
        alt: String,
        tag: Option<usize>,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: Target,
        tag: Option<usize>,
    },
}

/// Kinds of structure element in the tagged PDF (PDF/UA): the logical reading structure.
#[derive(Debug, Clone, PartialEq)]
pub enum StructKind {
    Section,
    Title,
    P,
    H(u8),
    List { ordered: bool },
    ListItem,
    Label,
    ListBody,
    BlockQuote,
    Code,
    Table,
    Row,
    HeaderCell,
    Cell,
    Figure,
    Caption,
    Note,
    Toc,
    TocItem,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructNode {
    pub kind: StructKind,
    pub parent: Option<usize>,
    pub alt: Option<String>,
    pub lang: Option<String>,
}

impl PageItem {
    /// Move by (dx, dy).
    pub fn shift(&mut self, dx: f32, dy: f32) {
        match self {
            PageItem::Text { x, y, .. }
            | PageItem::Image { x, y, .. }
            | PageItem::Rect { x, y, .. }
            | PageItem::Link { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            PageItem::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
        }
    }
}

/// How a page is numbered in the reader's page box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Numbering {
    Roman,
    Arabic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub numbering: Numbering,
    pub items: Vec<PageItem>,
}

/// A bookmark (outline entry) at an exact place.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub title: String,
    pub page: usize,
    pub y: f32,
    pub children: Vec<Bookmark>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypesetBook {
    pub pages: Vec<Page>,
    pub bookmarks: Vec<Bookmark>,
    /// Structure elements in document order; content items point into this.
    pub structure: Vec<StructNode>,
    /// Resolved anchors: (chapter, id) → (page, y).
    pub anchors: std::collections::HashMap<(usize, Option<String>), (usize, f32)>,
}

impl TypesetBook {
    /// A text dump for snapshot tests: one line per item, coordinates rounded.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.pages.iter().enumerate() {
            let _ = writeln!(
                out,
                "page {} {:?} {:.0}x{:.0}",
                i + 1,
                p.numbering,
                p.width,
                p.height
            );
            for item in &p.items {
                match item {
                    PageItem::Text {
                        x,
                        y,
                        size,
                        text,
                        artifact,
                        ..
                    } => {
                        let _ = writeln!(
                            out,
                            "  text {x:.1} {y:.1} {size:.1}{} {text:?}",
                            if *artifact { " artifact" } else { "" }
                        );
                    }
                    PageItem::Image {
                        x, y, w, h, image, ..
                    } => {
                        let _ = writeln!(out, "  image#{image} {x:.1} {y:.1} {w:.1}x{h:.1}");
                    }
                    PageItem::Rect { x, y, w, h, .. } => {
                        let _ = writeln!(out, "  rect {x:.1} {y:.1} {w:.1}x{h:.1}");
                    }
                    PageItem::Line { x1, y1, x2, y2, .. } => {
                        let _ = writeln!(out, "  line {x1:.1},{y1:.1} {x2:.1},{y2:.1}");
                    }
                    PageItem::Link {
                        x, y, w, h, target, ..
                    } => {
                        let _ = writeln!(out, "  link {x:.1} {y:.1} {w:.1}x{h:.1} {target:?}");
                    }
                }
            }
        }
        out
    }
}
