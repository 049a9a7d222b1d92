//! Knuth-Plass line breaking over boxes, glue and penalties: the breaks that minimise the total
//! demerits of the paragraph, with real stretch and shrink. Pure and independent of fonts.
//!
//! Differences from TeX, chosen for robustness on untrusted input: the active list is bounded
//! (a paragraph that is one 5,000-character word cannot blow up), and when no set of breaks fits,
//! the best overfull one is taken rather than failing; the typesetter splits boxes wider than the
//! measure before calling this, so overfull lines only happen when a single box is too wide.

/// One item of a paragraph, widths in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakItem {
    Box {
        width: f32,
    },
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
    },
    /// A possible break; `width` is added when breaking here (a hyphen). `flagged` marks hyphens,
    /// so two hyphenated lines in a row cost extra.
    Penalty {
        width: f32,
        penalty: f32,
        flagged: bool,
    },
}

/// Penalty that forbids a break / forces one.
pub const INFINITY: f32 = 10_000.0;

/// A chosen break: the item index and the adjustment ratio of the line that ends there
/// (negative: shrunk, positive: stretched).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub index: usize,
    pub ratio: f32,
}

/// Sums of the items from the paragraph's start: what a line between two breaks measures is
/// the difference of the sums at its ends.
#[derive(Clone, Copy, Default)]
struct Sums {
    width: f32,
    stretch: f32,
    shrink: f32,
    boxes: usize,
}

impl Sums {
    fn add(&mut self, item: &BreakItem) {
        match *item {
            BreakItem::Glue {
                width,
                stretch,
                shrink,
            } => {
                self.width += width;
                self.stretch += stretch;
                self.shrink += shrink;
            }
            BreakItem::Box { width } => {
                self.width += width;
                self.boxes += 1;
            }
            BreakItem::Penalty { .. } => {}
        }
    }
}

/// A feasible break: where it is, how the line ending there fits, its total demerits and the
/// break before it.
#[derive(Clone, Copy)]
struct Node {
    index: usize,
    fitness: u8,
    /// The sums where the next line starts (after the glue and penalties that follow).
    start: Sums,
    demerits: f32,
    previous: Option<usize>,
}

/// A break opportunity: the width it adds (a hyphen), its penalty, whether it is flagged.
#[derive(Clone, Copy)]
struct BreakPoint {
    width: f32,
    penalty: f32,
    flagged: bool,
}

impl BreakPoint {
    /// BreakItem `i` as a break opportunity: glue right after a box, or a penalty below infinity.
    fn at(items: &[BreakItem], i: usize) -> Option<BreakPoint> {
        match items[i] {
            BreakItem::Box { .. } => None,
            BreakItem::Glue { .. } => (i > 0 && matches!(items[i - 1], BreakItem::Box { .. }))
                .then_some(BreakPoint {
                    width: 0.0,
                    penalty: 0.0,
                    flagged: false,
                }),
            BreakItem::Penalty {
                width,
                penalty,
                flagged,
            } => (penalty < INFINITY).then_some(BreakPoint {
                width,
                penalty,
                flagged,
            }),
        }
    }

    fn forced(&self) -> bool {
        self.penalty <= -INFINITY
    }
}

/// Most feasible breaks kept at once, so no input can make breaking quadratic.
const MAX_ACTIVE: usize = 64;
/// Extra demerits for two hyphenated lines in a row, and for lines of very different
/// tightness next to each other.
const DOUBLE_HYPHEN_DEMERITS: f32 = 3000.0;
const FITNESS_JUMP_DEMERITS: f32 = 3000.0;

/// Break `items` into lines of `width`. The last item should be a forced break
/// (`Penalty { penalty: -INFINITY }`), preceded by finishing glue, as in TeX.
/// Returns the breaks in order; the last one is the end of the paragraph.
pub fn break_lines(items: &[BreakItem], width: f32, tolerance: f32) -> Vec<Break> {
    if let Some(b) = optimal(items, width, tolerance, 0.0) {
        return b;
    }
    // Like TeX's `\emergencystretch`: every line may stretch a little more, so lines that were
    // all "too loose" are told apart by how loose they are, and one very short line beside a
    // long unbreakable word is no longer as good as several evenly loose ones.
    if let Some(b) = optimal(items, width, tolerance, width * EMERGENCY_STRETCH) {
        return b;
    }
    // Nothing fits within the tolerance: accept any ratio (very loose or overfull lines).
    optimal(items, width, f32::INFINITY, 0.0).unwrap_or_else(|| greedy(items, width))
}

/// The extra stretch of every line in the emergency pass, as a share of the measure (about
/// three ems on a book's measure).
const EMERGENCY_STRETCH: f32 = 0.08;

fn optimal(items: &[BreakItem], width: f32, tolerance: f32, emergency: f32) -> Option<Vec<Break>> {
    let mut nodes: Vec<Node> = vec![Node {
        index: 0,
        fitness: 1,
        start: Sums::default(),
        demerits: 0.0,
        previous: None,
    }];
    let mut active: Vec<usize> = vec![0];
    let mut sums = Sums::default();
    for (i, item) in items.iter().enumerate() {
        if let Some(point) = BreakPoint::at(items, i) {
            let mut candidates: Vec<Node> = Vec::new();
            let mut keep = Vec::with_capacity(active.len());
            for &a in &active {
                let node = nodes[a];
                let line_width = sums.width - node.start.width + point.width;
                let mut stretched = sums;
                stretched.stretch += emergency;
                let ratio = adjustment_ratio(line_width, width, stretched, node.start);
                // A line that cannot shrink enough can never get better: deactivate its start.
                if !(ratio < -1.0 || point.forced()) {
                    keep.push(a);
                }
                let acceptable = ratio >= -1.0 && (ratio <= tolerance || tolerance.is_infinite());
                // With infinite tolerance, an overfull line is allowed when nothing else is.
                let acceptable =
                    acceptable || (tolerance.is_infinite() && (point.forced() || keep.is_empty()));
                if !acceptable {
                    continue;
                }
                let line = Line {
                    ratio,
                    overfull_by: line_width - width,
                    boxes: sums.boxes - node.start.boxes,
                };
                let (demerits, fitness) = break_demerits(items, &node, &point, &line);
                candidates.push(Node {
                    index: i,
                    fitness,
                    start: Sums::default(),
                    demerits: node.demerits + demerits,
                    previous: Some(a),
                });
            }
            active = keep;
            if !candidates.is_empty() {
                let start = sums_after_break(items, i, sums);
                for mut c in best_per_fitness(candidates).into_iter().flatten() {
                    c.start = start;
                    nodes.push(c);
                    active.push(nodes.len() - 1);
                }
                if active.len() > MAX_ACTIVE {
                    active.sort_by(|a, b| nodes[*a].demerits.total_cmp(&nodes[*b].demerits));
                    active.truncate(MAX_ACTIVE);
                }
            }
            if active.is_empty() {
                return None;
            }
        }
        sums.add(item);
    }
    let last = items.len().checked_sub(1)?;
    let best = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].index == last)
        .min_by(|a, b| nodes[*a].demerits.total_cmp(&nodes[*b].demerits))?;
    Some(with_ratios(items, &trace(&nodes, best), width))
}

/// A candidate line from an active break to a break point: its adjustment ratio, how far it
/// sticks out past the measure, and how many boxes it holds.
struct Line {
    ratio: f32,
    overfull_by: f32,
    boxes: usize,
}

/// The demerits of ending a line at `point` after `node`, and the line's fitness class.
fn break_demerits(items: &[BreakItem], node: &Node, point: &BreakPoint, line: &Line) -> (f32, u8) {
    let mut demerits = line_demerits(line.ratio, point.penalty);
    if line.ratio < -1.0 {
        // Overfull: a last resort, by how much it sticks out, and never with more than one box
        // on the line when that can be avoided.
        demerits += 1e7 * line.overfull_by;
        if line.boxes > 1 {
            demerits += 1e15;
        }
    }
    let fitness = fitness_class(line.ratio);
    if point.flagged
        && matches!(
            items.get(node.index),
            Some(BreakItem::Penalty { flagged: true, .. })
        )
    {
        demerits += DOUBLE_HYPHEN_DEMERITS;
    }
    if (fitness as i32 - node.fitness as i32).abs() > 1 {
        demerits += FITNESS_JUMP_DEMERITS;
    }
    (demerits, fitness)
}

/// How much a line of natural width `line_width`, from `start` to `sums`, must stretch
/// (positive) or shrink (negative), as a share of what it can.
fn adjustment_ratio(line_width: f32, width: f32, sums: Sums, start: Sums) -> f32 {
    if line_width < width {
        let stretch = sums.stretch - start.stretch;
        if stretch > 0.0 {
            (width - line_width) / stretch
        } else {
            f32::INFINITY
        }
    } else if line_width > width {
        let shrink = sums.shrink - start.shrink;
        if shrink > 0.0 {
            (width - line_width) / shrink
        } else {
            f32::NEG_INFINITY
        }
    } else {
        0.0
    }
}

/// Knuth and Plass's demerits of a line from its badness and the penalty of its break.
fn line_demerits(ratio: f32, penalty: f32) -> f32 {
    let r = if ratio.is_finite() { ratio.abs() } else { 10.0 };
    let badness = (100.0 * r * r * r).min(INFINITY);
    if penalty >= 0.0 {
        (1.0 + badness + penalty).powi(2)
    } else if penalty > -INFINITY {
        (1.0 + badness).powi(2) - penalty * penalty
    } else {
        (1.0 + badness).powi(2)
    }
}

/// Tight (0), decent (1), loose (2) or very loose (3).
fn fitness_class(ratio: f32) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// The sums where a line after a break at `i` starts: the glue and penalties that follow the
/// break are discarded, up to the next box or forced break.
fn sums_after_break(items: &[BreakItem], i: usize, sums: Sums) -> Sums {
    let mut after = sums;
    for it in &items[i..] {
        match *it {
            BreakItem::Box { .. } => break,
            BreakItem::Glue {
                width,
                stretch,
                shrink,
            } => {
                after.width += width;
                after.stretch += stretch;
                after.shrink += shrink;
            }
            BreakItem::Penalty { penalty, .. } if penalty <= -INFINITY && it != &items[i] => break,
            BreakItem::Penalty { .. } => {}
        }
    }
    after
}

/// The best candidate per fitness class.
fn best_per_fitness(candidates: Vec<Node>) -> [Option<Node>; 4] {
    let mut best: [Option<Node>; 4] = [None; 4];
    for c in candidates {
        let slot = &mut best[c.fitness as usize];
        if slot.is_none_or(|b| c.demerits < b.demerits) {
            *slot = Some(c);
        }
    }
    best
}

/// The break indices from the paragraph's start to node `best`.
fn trace(nodes: &[Node], best: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = Some(best);
    while let Some(n) = cur {
        if nodes[n].previous.is_none() {
            break;
        }
        out.push(nodes[n].index);
        cur = nodes[n].previous;
    }
    out.reverse();
    out
}

fn greedy(items: &[BreakItem], width: f32) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut line = 0.0;
    let mut last_glue = None;
    for (i, item) in items.iter().enumerate() {
        match *item {
            BreakItem::Box { width: w } => {
                if line + w > width {
                    if let Some(g) = last_glue.take() {
                        breaks.push(g);
                        line = 0.0;
                    }
                }
                line += w;
            }
            BreakItem::Glue { width: w, .. } => {
                last_glue = Some(i);
                line += w;
            }
            BreakItem::Penalty { penalty, .. } if penalty <= -INFINITY => {
                breaks.push(i);
                line = 0.0;
                last_glue = None;
            }
            BreakItem::Penalty { .. } => {}
        }
    }
    if breaks.last() != Some(&(items.len() - 1)) {
        breaks.push(items.len() - 1);
    }
    with_ratios(items, &breaks, width)
}

/// Compute each line's adjustment ratio for chosen break indices.
fn with_ratios(items: &[BreakItem], breaks: &[usize], width: f32) -> Vec<Break> {
    let mut out = Vec::with_capacity(breaks.len());
    let mut start = 0;
    for &b in breaks {
        let (mut w, mut st, mut sh) = (0.0, 0.0, 0.0);
        let mut j = start;
        // Skip discardable items at the line start.
        while j < b && !matches!(items[j], BreakItem::Box { .. }) {
            j += 1;
        }
        for it in &items[j..b] {
            match *it {
                BreakItem::Box { width } => w += width,
                BreakItem::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    w += width;
                    st += stretch;
                    sh += shrink;
                }
                BreakItem::Penalty { .. } => {}
            }
        }
        if let BreakItem::Penalty { width: pw, .. } = items[b] {
            w += pw;
        }
        let forced_last =
            matches!(items[b], BreakItem::Penalty { penalty, .. } if penalty <= -INFINITY);
        let ratio = if w < width {
            if st > 0.0 && !forced_last {
                (width - w) / st
            } else {
                0.0
            }
        } else if w > width && sh > 0.0 {
            ((width - w) / sh).max(-1.0)
        } else {
            0.0
        };
        out.push(Break { index: b, ratio });
        start = b + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn paragraph(words: &[f32], space: f32) -> Vec<BreakItem> {
        let mut items = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                items.push(BreakItem::Glue {
                    width: space,
                    stretch: space / 2.0,
                    shrink: space / 3.0,
                });
            }
            items.push(BreakItem::Box { width: *w });
        }
        items.push(BreakItem::Glue {
            width: 0.0,
            stretch: 1e6,
            shrink: 0.0,
        });
        items.push(BreakItem::Penalty {
            width: 0.0,
            penalty: -INFINITY,
            flagged: false,
        });
        items
    }

    #[test]
    fn emergency_stretch_prefers_evenly_loose_lines_to_a_lone_word() {
        // Two words make a line that is too loose for the tolerance, three do not fit: every
        // set of breaks is "infeasible", and without an emergency pass a line of one word
        // scores as well as a loose line of two.
        let items = paragraph(&[49.0, 24.0, 68.0, 18.0, 28.0, 41.0, 21.0, 16.0], 5.0);
        let breaks = break_lines(&items, 100.0, 2.5);
        let boxes_per_line: Vec<usize> = {
            let mut start = 0;
            breaks
                .iter()
                .map(|b| {
                    let n = items[start..b.index]
                        .iter()
                        .filter(|i| matches!(i, BreakItem::Box { .. }))
                        .count();
                    start = b.index + 1;
                    n
                })
                .collect()
        };
        // Without it: 1, 2, 3, 2 words.
        assert_eq!(boxes_per_line, [2, 2, 3, 1]);
    }

    fn line_widths(items: &[BreakItem], breaks: &[Break]) -> Vec<f32> {
        let mut start = 0;
        breaks
            .iter()
            .map(|b| {
                let mut w = 0.0;
                let mut j = start;
                while j < b.index && !matches!(items[j], BreakItem::Box { .. }) {
                    j += 1;
                }
                for it in &items[j..b.index] {
                    match *it {
                        BreakItem::Box { width } => w += width,
                        BreakItem::Glue {
                            width,
                            stretch,
                            shrink,
                        } => {
                            w += width
                                + if b.ratio >= 0.0 {
                                    b.ratio * stretch
                                } else {
                                    b.ratio * shrink
                                }
                        }
                        _ => {}
                    }
                }
                start = b.index + 1;
                w
            })
            .collect()
    }

    #[test]
    fn breaks_a_simple_paragraph_into_full_lines() {
        let items = paragraph(&[30.0; 20], 5.0);
        let breaks = break_lines(&items, 100.0, 2.0);
        assert_eq!(breaks.last().unwrap().index, items.len() - 1);
        let widths = line_widths(&items, &breaks);
        for w in &widths[..widths.len() - 1] {
            assert!(
                (w - 100.0).abs() < 0.01,
                "justified lines fill the measure: {widths:?}"
            );
        }
    }

    #[test]
    fn overlong_box_gets_its_own_line() {
        let items = paragraph(&[10.0, 500.0, 10.0], 5.0);
        let breaks = break_lines(&items, 100.0, 2.0);
        assert_eq!(breaks.len(), 3);
    }

    proptest! {
        #[test]
        fn no_line_overfull_unless_one_box(words in prop::collection::vec(1.0f32..120.0, 1..80), width in 60.0f32..300.0) {
            let items = paragraph(&words, 4.0);
            let breaks = break_lines(&items, width, 3.0);
            prop_assert_eq!(breaks.last().unwrap().index, items.len() - 1);
            prop_assert!(breaks.windows(2).all(|w| w[0].index < w[1].index));
            let widths = line_widths(&items, &breaks);
            let mut start = 0;
            for (b, w) in breaks.iter().zip(&widths) {
                let boxes = items[start..b.index].iter().filter(|i| matches!(i, BreakItem::Box { .. })).count();
                prop_assert!(*w <= width + 0.01 || boxes == 1, "line {w} > {width} with {boxes} boxes");
                start = b.index + 1;
            }
        }
    }
}
