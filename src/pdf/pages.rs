//! Distributing the flow onto pages: entries fill the text area in order, headings stay with
//! what follows, a picture that does not fit waits while the text after it flows up, footnotes
//! go to the foot of the page that first refers to them (continued on the next when they do not
//! fit), chapters start on a new (right-hand) page. Pure: entries and settings in, pages out, no
//! fonts needed. Running heads and page numbers are [`super::running`]'s, the outline
//! [`super::outline`]'s.

use std::collections::{HashMap, HashSet, VecDeque};

use super::flow::{as_artifact, FlowEntry};
use super::model::{self, Numbering, Page, PageItem};
use super::settings::{content_height, text_width, TypesetSettings};

/// A bookmarked heading as placed.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    /// The index of its page in the body.
    pub(super) page: usize,
    /// Where its line is on the page.
    pub(super) y: f32,
    pub(super) chapter: usize,
    /// 0 for the chapter title, 1 for a level-2 heading, 2 for level 3.
    pub(super) level: usize,
    pub(super) title: String,
}

pub(super) struct Paginated {
    pub(super) pages: Vec<Page>,
    pub(super) anchors: HashMap<(usize, Option<String>), (usize, f32)>,
    /// Every bookmarked entry, where it was placed.
    pub(super) headings: Vec<Placed>,
    pub(super) chapter_of_page: Vec<Option<(usize, bool)>>,
    /// How much of the last page's text area the flow fills (infinite when footnotes carried
    /// over made pages of their own after it).
    pub(super) last_used: f32,
}

/// The most lines a group of chapters may leave on its last page before it is set again with
/// its pages one line longer.
const SHORT_LAST_PAGE_LINES: f32 = 3.0;

/// Paginate the body a group of chapters at a time (a chapter that starts a page, with the
/// nested ones that follow on), each group on the pages after the one before. A group whose last
/// page would hold three lines or fewer is set again with every page one line longer (a
/// typesetter "running the pages long"), which pulls those lines back when the group has pages
/// enough to take them; otherwise the first setting stands.
pub(super) fn paginate_body(
    flow: Vec<FlowEntry>,
    mut notes: HashMap<(usize, u32), Vec<FlowEntry>>,
    s: &TypesetSettings,
) -> Paginated {
    let mut out = Paginated {
        pages: Vec::new(),
        anchors: HashMap::new(),
        headings: Vec::new(),
        chapter_of_page: Vec::new(),
        last_used: 0.0,
    };
    let line = s.font_size * s.leading;
    let mut longer = s.clone();
    longer.bottom -= line;
    for group in chapter_groups(flow) {
        let keys: Vec<(usize, u32)> = group
            .iter()
            .flat_map(|e| e.footnotes.iter().copied())
            .collect();
        let mut group_notes = HashMap::new();
        for k in keys {
            if let Some(n) = notes.remove(&k) {
                group_notes.insert(k, n);
            }
        }
        let first_index = out.pages.len();
        // Decided on outlines of the entries (heights and keeps, no content), so the book's
        // content is paginated, and moved onto pages, once.
        let trial = |settings: &TypesetSettings| {
            let flow = group.iter().map(outline).collect();
            let notes = group_notes
                .iter()
                .map(|(k, v)| (*k, v.iter().map(outline).collect()))
                .collect();
            paginate(flow, notes, settings, Numbering::Arabic, first_index)
        };
        let normal = trial(s);
        let run_long = normal.pages.len() >= 2
            && normal.last_used <= SHORT_LAST_PAGE_LINES * line + 0.5
            && trial(&longer).pages.len() < normal.pages.len();
        let settings = if run_long { &longer } else { s };
        let set = paginate(group, group_notes, settings, Numbering::Arabic, first_index);
        for (k, (page, y)) in set.anchors {
            out.anchors.entry(k).or_insert((page + first_index, y));
        }
        out.headings
            .extend(set.headings.into_iter().map(|h| Placed {
                page: h.page + first_index,
                ..h
            }));
        out.pages.extend(set.pages);
        out.chapter_of_page.extend(set.chapter_of_page);
        out.last_used = set.last_used;
    }
    out
}

/// What pagination needs of an entry: its heights and how it keeps, floats and breaks, without
/// what it draws or marks.
fn outline(e: &FlowEntry) -> FlowEntry {
    FlowEntry {
        height: e.height,
        space_before: e.space_before,
        items: Vec::new(),
        keep_with_next: e.keep_with_next,
        footnotes: e.footnotes.clone(),
        anchors: Vec::new(),
        page_break: e.page_break,
        repeat_header: e.repeat_header.as_deref().map(|h| Box::new(outline(h))),
        bookmark: None,
        float: e.float,
        discard_at_top: e.discard_at_top,
    }
}

/// The flow cut before each chapter that starts a new page.
fn chapter_groups(flow: Vec<FlowEntry>) -> Vec<Vec<FlowEntry>> {
    let mut groups: Vec<Vec<FlowEntry>> = Vec::new();
    for e in flow {
        match groups.last_mut() {
            Some(g) if e.page_break.is_none() => g.push(e),
            _ => groups.push(vec![e]),
        }
    }
    groups
}

/// Fill pages with the flow. Never loops forever: an entry is always placed on an empty page,
/// even when it is taller than the page (it is then cut by the page edge, never retried).
/// The entries and notes are moved onto the pages, not copied.
pub(super) fn paginate(
    mut flow: Vec<FlowEntry>,
    mut notes: HashMap<(usize, u32), Vec<FlowEntry>>,
    s: &TypesetSettings,
    numbering: Numbering,
    first_index: usize,
) -> Paginated {
    let ch = content_height(s);
    let mut p = Paginator::new(s, numbering, first_index);
    // Work through the flow in order, except that a picture which does not fit waits (with its
    // caption) for the next page while the text after it fills this one.
    let mut queue: VecDeque<usize> = (0..flow.len()).collect();
    let mut deferred: Vec<usize> = Vec::new();
    let mut force_new_page = false;
    loop {
        let idx = match queue.pop_front() {
            Some(i) => i,
            None if !deferred.is_empty() => {
                queue.extend(deferred.drain(..));
                force_new_page = true;
                continue;
            }
            None => break,
        };
        if let Some(right) = flow[idx].page_break {
            if !deferred.is_empty() {
                // Waiting pictures go before the next chapter starts.
                queue.push_front(idx);
                requeue(&mut queue, &mut deferred);
                force_new_page = true;
                continue;
            }
            p.start_chapter(right);
            continue;
        }
        p.ensure_page();
        if std::mem::take(&mut force_new_page) && p.used > 0.0 {
            p.next_page();
        }
        let (last_kept, need) = keep_group(&flow, idx, p.used, ch);
        let fresh = p.fresh_notes(&flow[idx]);
        let note_need = p.note_need(&fresh, &notes);
        if p.used > 0.0 && p.used + need + p.notes_h + note_need.min(ch * 0.5) > ch {
            if flow[idx].float && queue.len() >= last_kept - idx {
                // The picture and its caption wait for the next page.
                deferred.push(idx);
                for _ in idx..last_kept {
                    if let Some(next) = queue.pop_front() {
                        deferred.push(next);
                    }
                }
                continue;
            }
            p.next_page();
            if !deferred.is_empty() {
                // Pictures that waited go first on the new page.
                queue.push_front(idx);
                requeue(&mut queue, &mut deferred);
                continue;
            }
            if flow[idx].discard_at_top {
                continue;
            }
            if let Some(h) = &flow[idx].repeat_header {
                p.place(as_artifact(h));
            }
        }
        let entry_notes = fresh
            .iter()
            .filter_map(|key| notes.remove(key))
            .flatten()
            .collect();
        p.place_entry(std::mem::take(&mut flow[idx]), fresh, entry_notes);
    }
    p.finish()
}

/// Put the waiting pictures back at the front of the queue, in their order.
fn requeue(queue: &mut VecDeque<usize>, deferred: &mut Vec<usize>) {
    for d in deferred.drain(..).rev() {
        queue.push_front(d);
    }
}

/// The last entry that must stay on a page with entry `idx` (a heading with what follows, up
/// to half a page), and the height they need together.
fn keep_group(flow: &[FlowEntry], idx: usize, used: f32, page: f32) -> (usize, f32) {
    let e = &flow[idx];
    let mut need = e.height + if used > 0.0 { e.space_before } else { 0.0 };
    let mut k = idx;
    // A picture keeps its whole caption, whatever its height.
    let in_figure = e.float;
    let continues = |k: usize| k + 1 < flow.len() && flow[k + 1].page_break.is_none();
    while flow[k].keep_with_next && continues(k) && (need < page * 0.5 || in_figure) {
        let mut next = k + 1;
        if !in_figure {
            // A picture may wait for the next page while the text after it flows up: a heading
            // before it keeps with that text, not with the picture (which would leave a gap as
            // tall as the picture at the page's foot).
            while flow[next].float {
                let mut end = next;
                while flow[end].keep_with_next && continues(end) {
                    end += 1;
                }
                if !continues(end) {
                    return (k, need);
                }
                next = end + 1;
            }
        }
        k = next;
        need += flow[k].space_before + flow[k].height;
    }
    (k, need)
}

/// The state of the page being filled, and the pages done.
struct Paginator<'s> {
    s: &'s TypesetSettings,
    numbering: Numbering,
    /// Index of the first page this flow fills in the whole book (its parity gives the sides).
    first_index: usize,
    out: Paginated,
    /// Height of the text area filled on the current page.
    used: f32,
    /// Height the current page's footnotes take at its foot.
    notes_h: f32,
    page_notes: Vec<FlowEntry>,
    /// Footnote lines that did not fit on their page, continued on the next.
    carry: Vec<FlowEntry>,
    placed_notes: HashSet<(usize, u32)>,
    current_chapter: Option<usize>,
    /// Whether nothing has been placed since the current chapter started.
    fresh_chapter: bool,
    placed_any: bool,
}

impl<'s> Paginator<'s> {
    fn new(s: &'s TypesetSettings, numbering: Numbering, first_index: usize) -> Paginator<'s> {
        Paginator {
            s,
            numbering,
            first_index,
            out: Paginated {
                pages: Vec::new(),
                anchors: HashMap::new(),
                headings: Vec::new(),
                chapter_of_page: Vec::new(),
                last_used: 0.0,
            },
            used: 0.0,
            notes_h: 0.0,
            page_notes: Vec::new(),
            carry: Vec::new(),
            placed_notes: HashSet::new(),
            current_chapter: None,
            fresh_chapter: false,
            placed_any: false,
        }
    }

    /// Finish the current page (its footnotes at the bottom, under a short rule) and start one.
    fn new_page(&mut self, chapter: Option<usize>) {
        let s = self.s;
        let x0 = left_margin(
            s,
            (self.first_index + self.out.pages.len()).saturating_sub(1),
        );
        if let Some(p) = self.out.pages.last_mut() {
            let mut y = s.height - s.bottom - self.notes_h;
            if !self.page_notes.is_empty() {
                p.items.push(PageItem::Line {
                    x1: x0,
                    y1: y - 3.0,
                    x2: x0 + text_width(s) * 0.3,
                    y2: y - 3.0,
                    width: 0.5,
                    color: model::RULE,
                });
            }
            for n in self.page_notes.drain(..) {
                y += n.space_before;
                for mut it in n.items {
                    it.shift(x0, y);
                    p.items.push(it);
                }
                y += n.height;
            }
        }
        self.out.pages.push(Page {
            width: s.width,
            height: s.height,
            numbering: self.numbering,
            items: Vec::new(),
        });
        self.out.chapter_of_page.push(chapter.map(|c| (c, false)));
    }

    fn ensure_page(&mut self) {
        if self.out.pages.is_empty() {
            self.new_page(None);
        }
    }

    /// Go on to a new page in the same chapter; footnotes that did not fit on the previous
    /// page continue here (up to half the page).
    fn next_page(&mut self) {
        self.new_page(self.current_chapter);
        self.used = 0.0;
        self.notes_h = take_notes(
            &mut self.carry,
            &mut self.page_notes,
            content_height(self.s) * 0.5,
        );
    }

    /// A chapter starts on a new page; in a two-sided book on a right-hand one (page numbers
    /// are odd on the right).
    fn start_chapter(&mut self, right: bool) {
        if self.placed_any || self.out.pages.is_empty() {
            self.new_page(None);
            if right && (self.first_index + self.out.pages.len()).is_multiple_of(2) {
                self.new_page(None);
            }
            self.used = 0.0;
            self.notes_h = 0.0;
            self.placed_any = false;
        }
        self.fresh_chapter = true;
    }

    /// The notes `e` refers to that no page has yet: each note goes once, at its first
    /// reference.
    fn fresh_notes(&self, e: &FlowEntry) -> Vec<(usize, u32)> {
        let mut fresh: Vec<(usize, u32)> = Vec::new();
        for k in &e.footnotes {
            if !self.placed_notes.contains(k) && !fresh.contains(k) {
                fresh.push(*k);
            }
        }
        fresh
    }

    /// The height these notes need at the foot of the current page, with the rule above them.
    fn note_need(
        &self,
        fresh: &[(usize, u32)],
        notes: &HashMap<(usize, u32), Vec<FlowEntry>>,
    ) -> f32 {
        let mut need = 0.0;
        let mut any = false;
        for n in fresh.iter().filter_map(|key| notes.get(key)).flatten() {
            need += n.height + n.space_before;
            any = true;
        }
        if self.page_notes.is_empty() && any {
            need += self.s.font_size;
        }
        need
    }

    /// Place an entry on the current page; returns its top y on the page.
    fn place(&mut self, e: FlowEntry) -> f32 {
        let s = self.s;
        if self.used > 0.0 {
            self.used += e.space_before;
        }
        let y = s.top + self.used;
        let x = left_margin(s, self.first_index + self.out.pages.len() - 1);
        if let Some(page) = self.out.pages.last_mut() {
            page.items.extend(e.items.into_iter().map(|mut it| {
                it.shift(x, y);
                it
            }));
        }
        self.used += e.height;
        y
    }

    /// Place entry `e` where it fits now, with its anchors and bookmark, and its footnotes at
    /// the foot of this page (or carried to the next when they do not fit).
    fn place_entry(&mut self, mut e: FlowEntry, fresh: Vec<(usize, u32)>, notes: Vec<FlowEntry>) {
        let ch = content_height(self.s);
        let chapter_start = e.anchors.iter().find(|a| a.1.is_none()).map(|a| a.0);
        if e.bookmark.is_some() && chapter_start.is_some() {
            self.current_chapter = chapter_start;
            if let Some(last) = self.out.chapter_of_page.last_mut() {
                *last = self.current_chapter.map(|c| (c, self.fresh_chapter));
            }
        }
        let anchors = std::mem::take(&mut e.anchors);
        let bookmark = e.bookmark.take();
        let y = self.place(e);
        let page = self.out.pages.len() - 1;
        let first_chapter = anchors.first().map(|a| a.0);
        for a in anchors {
            self.out.anchors.entry(a).or_insert((page, y));
        }
        if let Some((level, title)) = bookmark {
            if let Some(c) = first_chapter.or(self.current_chapter) {
                self.out.headings.push(Placed {
                    page,
                    y,
                    chapter: c,
                    level,
                    title,
                });
            }
        }
        self.placed_notes.extend(fresh);
        for n in notes {
            let h = n.height + n.space_before;
            if self.used + self.notes_h + h + self.s.font_size <= ch
                || self.page_notes.is_empty() && self.notes_h + h <= ch * 0.6
            {
                self.notes_h += h;
                self.page_notes.push(n);
            } else {
                self.carry.push(n);
            }
        }
        if self.page_notes.len() == 1 && self.notes_h > 0.0 {
            let sum = self
                .page_notes
                .iter()
                .map(|n| n.height + n.space_before)
                .sum::<f32>();
            self.notes_h = self.notes_h.max(sum);
        }
        self.fresh_chapter = false;
        self.placed_any = true;
    }

    /// The last page's footnotes, and any carried ones on pages of their own.
    fn finish(mut self) -> Paginated {
        let ch = content_height(self.s);
        self.out.last_used = if self.carry.is_empty() {
            self.used
        } else {
            f32::INFINITY
        };
        while !self.carry.is_empty() {
            self.new_page(self.current_chapter);
            self.notes_h = take_notes(&mut self.carry, &mut self.page_notes, ch);
        }
        self.new_page(None);
        self.out.pages.pop();
        self.out.chapter_of_page.pop();
        self.out
    }
}

/// Move carried footnote lines onto the page, up to `capacity` points (at least one line, so
/// this always makes progress); returns the height taken.
fn take_notes(carry: &mut Vec<FlowEntry>, page_notes: &mut Vec<FlowEntry>, capacity: f32) -> f32 {
    let mut h = 0.0;
    let mut n = 0;
    for e in carry.iter() {
        let eh = e.height + e.space_before;
        if n > 0 && h + eh > capacity {
            break;
        }
        h += eh;
        n += 1;
    }
    page_notes.extend(carry.drain(..n));
    h
}

pub(super) fn left_margin(s: &TypesetSettings, page_index: usize) -> f32 {
    // Page 1 is a right-hand page: inner margin on the left of odd pages.
    if !s.two_sided || page_index.is_multiple_of(2) {
        s.inner
    } else {
        s.outer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- Pagination with synthetic entries: no fonts, only heights ----

    /// An entry of height `h` whose one item (a rectangle of width `id`) says which it is.
    fn entry(id: usize, h: f32) -> FlowEntry {
        FlowEntry {
            height: h,
            items: vec![PageItem::Rect {
                x: 0.0,
                y: 0.0,
                w: id as f32,
                h,
                color: model::RULE,
            }],
            ..FlowEntry::default()
        }
    }

    /// (entry id, page index, top y) of every entry placed, in page order.
    fn placed(p: &Paginated) -> Vec<(usize, usize, f32)> {
        let mut out = Vec::new();
        for (page, pg) in p.pages.iter().enumerate() {
            for it in &pg.items {
                if let PageItem::Rect { w, y, .. } = it {
                    out.push((*w as usize, page, *y));
                }
            }
        }
        out
    }

    fn pages_of(p: &Paginated, ids: &[usize]) -> Vec<usize> {
        let at = placed(p);
        ids.iter()
            .map(|id| {
                at.iter()
                    .find(|(i, _, _)| i == id)
                    .map(|(_, pg, _)| *pg)
                    .unwrap()
            })
            .collect()
    }

    fn settings() -> TypesetSettings {
        crate::pdf::layout_settings(
            &crate::config::PdfSettings::default(),
            std::sync::Arc::new(crate::pdf::FontBook::bundled_only()),
        )
    }

    /// A chapter-starting marker, then `lines` entries of one line each.
    fn chapter(first_id: usize, lines: usize, s: &TypesetSettings) -> Vec<FlowEntry> {
        let line = s.font_size * s.leading;
        let mut out = vec![FlowEntry {
            page_break: Some(false),
            ..FlowEntry::default()
        }];
        out.extend((0..lines).map(|k| entry(first_id + k, line)));
        out
    }

    #[test]
    fn a_chapter_ending_with_three_lines_or_fewer_runs_its_pages_long() {
        let s = settings();
        let line = s.font_size * s.leading;
        let per_page = (content_height(&s) / line).floor() as usize;
        // Chapter A: four full pages and two lines; chapter B: one page and two lines, too few
        // pages to take them back.
        let mut flow = chapter(1, 4 * per_page + 2, &s);
        flow.extend(chapter(1000, per_page + 2, &s));
        let p = paginate_body(flow, HashMap::new(), &s);
        let a_last = 4 * per_page + 2;
        assert_eq!(
            pages_of(&p, &[1, a_last]),
            [0, 3],
            "A pulled back onto 4 pages"
        );
        assert_eq!(
            pages_of(&p, &[1000, 1001 + per_page]),
            [4, 5],
            "B kept its setting"
        );
        // The pages run one line long, never more.
        for (id, _, y) in placed(&p) {
            assert!(y + line <= s.height - s.bottom + line + 0.01, "{id} at {y}");
        }
        // A chapter that ends with more lines is left as set.
        let flow = chapter(1, 2 * per_page + 5, &s);
        let p = paginate_body(flow, HashMap::new(), &s);
        assert_eq!(p.pages.len(), 3);
    }

    #[test]
    fn entries_fill_a_page_and_go_on_to_the_next_never_below_the_text_area() {
        let s = settings();
        let ch = content_height(&s);
        let flow: Vec<FlowEntry> = (1..=30).map(|i| entry(i, ch / 10.0 - 0.01)).collect();
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 1);
        assert_eq!(p.pages.len(), 3);
        assert_eq!(pages_of(&p, &[1, 10, 11, 20, 21, 30]), [0, 0, 1, 1, 2, 2]);
        for (id, _, y) in placed(&p) {
            let bottom = y + flow[id - 1].height;
            assert!(
                y >= s.top && bottom <= s.height - s.bottom + 0.01,
                "{id} at {y}"
            );
        }
    }

    #[test]
    fn a_heading_kept_with_next_moves_to_the_next_page_with_it() {
        let s = settings();
        let ch = content_height(&s);
        let mut flow = vec![entry(1, ch * 0.9)];
        let mut heading = entry(2, ch * 0.05);
        heading.keep_with_next = true;
        flow.push(heading);
        flow.push(entry(3, ch * 0.2));
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 1);
        assert_eq!(
            pages_of(&p, &[1, 2, 3]),
            [0, 1, 1],
            "the heading is not left alone"
        );
    }

    #[test]
    fn an_entry_taller_than_the_page_gets_a_page_of_its_own_and_the_flow_goes_on() {
        let s = settings();
        let ch = content_height(&s);
        let flow = vec![entry(1, ch * 0.3), entry(2, ch * 3.0), entry(3, ch * 0.3)];
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 1);
        assert_eq!(pages_of(&p, &[1, 2, 3]), [0, 1, 2]);
    }

    #[test]
    fn a_chapter_break_starts_a_page_and_a_right_hand_one_skips_a_left_page() {
        let s = settings();
        let mut chapter = entry(0, 0.0);
        chapter.items.clear();
        let mut right = chapter.clone();
        chapter.page_break = Some(false);
        right.page_break = Some(true);
        let flow = vec![
            entry(1, 10.0),
            chapter,
            entry(2, 10.0),
            right,
            entry(3, 10.0),
        ];
        // No pages before this flow: page index i is page number i + 1, odd on the right.
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 0);
        assert_eq!(
            pages_of(&p, &[1, 2, 3]),
            [0, 1, 2],
            "page 3 is already a right page"
        );
        let flow = vec![entry(1, 10.0), flow[3].clone(), entry(3, 10.0)];
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 0);
        assert_eq!(
            pages_of(&p, &[1, 3]),
            [0, 2],
            "page 2 (a left page) is left blank"
        );
        // After one page of front matter, the same flow's first page is page 2.
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 1);
        assert_eq!(pages_of(&p, &[1, 3]), [0, 1], "page 3 is a right page");
    }

    #[test]
    fn a_footnote_goes_to_the_foot_of_the_page_that_refers_to_it() {
        let s = settings();
        let ch = content_height(&s);
        let mut notes = HashMap::new();
        notes.insert((0, 1), vec![entry(100, 20.0)]);
        let mut referring = entry(2, ch * 0.1);
        referring.footnotes = vec![(0, 1)];
        let flow = vec![
            entry(1, ch * 0.5),
            referring,
            entry(3, ch * 0.2),
            entry(4, ch * 0.3),
        ];
        let p = paginate(flow.clone(), notes.clone(), &s, Numbering::Arabic, 1);
        let at = placed(&p);
        let note = at.iter().find(|(id, _, _)| *id == 100).unwrap();
        assert_eq!(note.1, 0, "on the page of its reference");
        assert!(note.2 + 20.0 <= s.height - s.bottom + 0.01 && note.2 > s.top + ch * 0.6);
        // The note's room is taken from the text: the last entry no longer fits on page 1.
        assert_eq!(pages_of(&p, &[1, 2, 3, 4]), [0, 0, 0, 1]);
        assert!(
            p.pages[0]
                .items
                .iter()
                .any(|i| matches!(i, PageItem::Line { .. })),
            "a rule above the notes"
        );
    }

    #[test]
    fn a_picture_that_does_not_fit_waits_while_the_text_after_it_flows_up() {
        let s = settings();
        let ch = content_height(&s);
        let mut picture = entry(2, ch * 0.6);
        picture.float = true;
        let flow = vec![
            entry(1, ch * 0.6),
            picture,
            entry(3, ch * 0.1),
            entry(4, ch * 0.1),
        ];
        let p = paginate(flow.clone(), HashMap::new(), &s, Numbering::Arabic, 1);
        assert_eq!(pages_of(&p, &[1, 3, 4, 2]), [0, 0, 0, 1]);
    }

    #[test]
    fn a_heading_before_a_picture_that_waits_keeps_with_the_text_after_it() {
        let s = settings();
        let ch = content_height(&s);
        let mut heading = entry(2, ch * 0.05);
        heading.keep_with_next = true;
        let mut picture = entry(3, ch * 0.5);
        picture.float = true;
        picture.keep_with_next = true;
        let mut caption = entry(4, ch * 0.03);
        caption.keep_with_next = false;
        let flow = vec![
            entry(1, ch * 0.6),
            heading,
            picture,
            caption,
            entry(5, ch * 0.1),
            entry(6, ch * 0.1),
        ];
        let p = paginate(flow, HashMap::new(), &s, Numbering::Arabic, 1);
        // Not a heading alone above a gap half a page tall: the heading and the text after
        // the picture stay on the first page, the picture and its caption go to the next.
        assert_eq!(pages_of(&p, &[1, 2, 5, 6, 3, 4]), [0, 0, 0, 0, 1, 1]);
    }
}
