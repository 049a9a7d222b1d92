//! The tag tree (PDF/UA): the structure elements recorded while typesetting, with the
//! content and link annotations drawn for each.

use std::num::NonZeroU16;

use krilla::tagging::{
    Identifier, ListNumbering, Node, TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};

use crate::pdf::model::{StructKind, TypesetBook};

/// What the structure tree collects while pages are drawn: per structure element, its content
/// pieces and link annotations, in reading order.
#[derive(Default, Clone)]
pub(super) struct Leaves {
    content: Vec<Identifier>,
    pub(super) links: Vec<Identifier>,
    first_page: Option<usize>,
}

pub(super) fn record(
    leaves: &mut [Leaves],
    tag: Option<usize>,
    id: Option<Identifier>,
    page: usize,
) {
    if let (Some(t), Some(id)) = (tag, id) {
        if let Some(l) = leaves.get_mut(t) {
            l.content.push(id);
            l.first_page.get_or_insert(page);
        }
    }
}

/// The structure tree: elements nest as the typesetter recorded them; top-level elements are
/// ordered by the page they start on (the front matter is typeset after the body).
pub(super) fn tag_tree(book: &TypesetBook, leaves: &[Leaves], lang: &str) -> TagTree {
    let n = book.structure.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, node) in book.structure.iter().enumerate() {
        match node.parent {
            Some(p) if p < n => children[p].push(i),
            _ => roots.push(i),
        }
    }
    // First page of each element, its own content or its descendants'.
    let mut first = vec![usize::MAX; n];
    for i in (0..n).rev() {
        let own = leaves[i].first_page.unwrap_or(usize::MAX);
        let kids = children[i]
            .iter()
            .map(|&c| first[c])
            .min()
            .unwrap_or(usize::MAX);
        first[i] = own.min(kids);
    }
    roots.sort_by_key(|&r| (first[r], r));
    let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
    for r in roots {
        if let Some(g) = group(book, leaves, &children, r, 0) {
            tree.push(g);
        }
    }
    tree
}

fn group(
    book: &TypesetBook,
    leaves: &[Leaves],
    children: &[Vec<usize>],
    i: usize,
    depth: usize,
) -> Option<TagGroup> {
    let node = &book.structure[i];
    let mut kids: Vec<Node> = leaves[i].content.iter().map(|id| Node::Leaf(*id)).collect();
    if depth < 200 {
        for &c in &children[i] {
            if let Some(g) = group(book, leaves, children, c, depth + 1) {
                kids.push(g.into());
            }
        }
    }
    for link in &leaves[i].links {
        kids.push(TagGroup::with_children(Tag::Link, vec![Node::Leaf(*link)]).into());
    }
    if kids.is_empty() {
        return None;
    }
    let kind: TagKind = match &node.kind {
        StructKind::Section => Tag::Section.with_lang(node.lang.clone()).into(),
        StructKind::Title => Tag::Title.into(),
        StructKind::P => Tag::P.into(),
        StructKind::H(level) => Tag::Hn(
            NonZeroU16::new(u16::from(*level).max(1)).unwrap_or(NonZeroU16::MIN),
            node.alt.clone(),
        )
        .into(),
        StructKind::List { ordered } => Tag::L(if *ordered {
            ListNumbering::Decimal
        } else {
            ListNumbering::Disc
        })
        .into(),
        StructKind::ListItem => Tag::LI.into(),
        StructKind::Label => Tag::Lbl.into(),
        StructKind::ListBody => Tag::LBody.into(),
        StructKind::BlockQuote => Tag::BlockQuote.into(),
        StructKind::Code => Tag::P.into(),
        StructKind::Table => Tag::Table.into(),
        StructKind::Row => Tag::TR.into(),
        StructKind::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
        StructKind::Cell => Tag::TD.into(),
        StructKind::Figure => Tag::Figure(Some(
            node.alt
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "Picture".to_string()),
        ))
        .into(),
        StructKind::Caption => Tag::Caption.into(),
        StructKind::Note => Tag::Note.into(),
        StructKind::Toc => Tag::TOC.into(),
        StructKind::TocItem => Tag::TOCI.into(),
        StructKind::Div => Tag::Div.with_lang(node.lang.clone()).into(),
    };
    Some(TagGroup::with_children(kind, kids))
}
