//! Traversal of the document tree: every block and inline in reading order, read-only or
//! mutable. Every pass and writer that looks at the whole tree goes through these.

use super::{Block, Inline};

/// Visit every block, depth first, including those inside containers.
pub fn visit_blocks(blocks: &[Block], f: &mut impl FnMut(&Block)) {
    let mut stack: Vec<&Block> = blocks.iter().rev().collect();
    while let Some(b) = stack.pop() {
        f(b);
        for child in children(b).into_iter().rev() {
            stack.extend(child.iter().rev());
        }
    }
}

pub fn children(b: &Block) -> Vec<&Vec<Block>> {
    match b {
        Block::BlockQuote(bs) | Block::Alert { blocks: bs, .. } | Block::Div { blocks: bs, .. } => {
            vec![bs]
        }
        Block::List { items, .. } => items.iter().map(|i| &i.blocks).collect(),
        Block::DefinitionList(items) => items.iter().flat_map(|i| i.definitions.iter()).collect(),
        _ => Vec::new(),
    }
}

pub fn visit_blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::BlockQuote(bs)
            | Block::Alert { blocks: bs, .. }
            | Block::Div { blocks: bs, .. } => visit_blocks_mut(bs, f),
            Block::List { items, .. } => {
                for i in items {
                    visit_blocks_mut(&mut i.blocks, f);
                }
            }
            Block::DefinitionList(items) => {
                for i in items {
                    for d in &mut i.definitions {
                        visit_blocks_mut(d, f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Visit every inline of every block (nesting is capped by the loader, so recursion is bounded).
pub fn visit_inlines_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Inline)) {
    visit_blocks_mut(blocks, &mut |b| {
        for run in inline_runs_mut(b) {
            walk_inlines_mut(run, f);
        }
    });
}

pub fn visit_inlines(blocks: &[Block], f: &mut impl FnMut(&Inline)) {
    visit_blocks(blocks, &mut |b| {
        for run in inline_runs(b) {
            walk_inlines(run, f);
        }
    });
}

/// The inline runs a block holds directly (paragraph text, heading, caption, cells, terms).
pub fn inline_runs_mut(b: &mut Block) -> Vec<&mut Vec<Inline>> {
    match b {
        Block::Paragraph(i) => vec![i],
        Block::Heading { content, .. } => vec![content],
        Block::Figure { caption, .. } => vec![caption],
        Block::Table { head, rows, .. } => {
            head.iter_mut().chain(rows.iter_mut().flatten()).collect()
        }
        Block::DefinitionList(items) => items.iter_mut().map(|i| &mut i.term).collect(),
        _ => Vec::new(),
    }
}

fn inline_runs(b: &Block) -> Vec<&Vec<Inline>> {
    match b {
        Block::Paragraph(i) => vec![i],
        Block::Heading { content, .. } => vec![content],
        Block::Figure { caption, .. } => vec![caption],
        Block::Table { head, rows, .. } => head.iter().chain(rows.iter().flatten()).collect(),
        Block::DefinitionList(items) => items.iter().map(|i| &i.term).collect(),
        _ => Vec::new(),
    }
}

fn walk_inlines_mut(inlines: &mut [Inline], f: &mut impl FnMut(&mut Inline)) {
    for i in inlines {
        f(i);
        if let Some(c) = inline_children_mut(i) {
            walk_inlines_mut(c, f);
        }
    }
}

pub fn walk_inlines(inlines: &[Inline], f: &mut impl FnMut(&Inline)) {
    for i in inlines {
        f(i);
        if let Some(c) = inline_children(i) {
            walk_inlines(c, f);
        }
    }
}

pub fn inline_children_mut(i: &mut Inline) -> Option<&mut Vec<Inline>> {
    match i {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c) => Some(c),
        Inline::Link { content, .. } | Inline::Run { content, .. } => Some(content),
        _ => None,
    }
}

pub fn inline_children(i: &Inline) -> Option<&Vec<Inline>> {
    match i {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c) => Some(c),
        Inline::Link { content, .. } | Inline::Run { content, .. } => Some(content),
        _ => None,
    }
}
