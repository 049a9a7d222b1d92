//! Text shaping for the PDF: harfrust (HarfBuzz's Rust port) turns text into positioned glyphs
//! with kerning, ligatures and mark positioning (Vietnamese stacked marks), and skrifa answers
//! which font covers a character, for the fallback chain. Both crates live here only.

mod fontbook;

use harfrust::UnicodeBuffer;

pub use fontbook::{FaceId, FontBook, FontBytes, LoadedFace, SystemFonts};

/// One positioned glyph; advances and offsets in em (multiply by the font size).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u32,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Byte range of the cluster in the shaped text.
    pub range: std::ops::Range<usize>,
}

/// A shaped piece of text in one face.
#[derive(Debug, Clone)]
pub struct Shaped {
    pub face: FaceId,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    /// Width in em.
    pub width: f32,
}

/// Characters that no face covers, for a warning.
pub type Missing = Vec<char>;

impl FontBook {
    /// Shape `text` with `primary`, falling back per character to the book's fonts, the other
    /// bundled faces and then the system's. A character no face covers stays in the primary
    /// face (drawn as its visible "missing" box) and is reported in `missing`.
    pub fn shape(
        &self,
        text: &str,
        primary: FaceId,
        lang: &str,
        missing: &mut Missing,
    ) -> Vec<Shaped> {
        let chain = self.fallback_chain(primary);
        let mut runs: Vec<(FaceId, std::ops::Range<usize>)> = Vec::new();
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            // Combining marks and joiners stay with their base when that face has them.
            let joins = is_mark(c) || c == '\u{200d}' || c == '\u{fe0f}';
            if joins {
                if let Some(last) = runs.last_mut() {
                    if c == '\u{200d}' || c == '\u{fe0f}' || self.covers(last.0, c) {
                        last.1.end = end;
                        continue;
                    }
                }
            }
            let face = if c.is_whitespace() || c.is_control() {
                runs.last().map_or(primary, |r| r.0)
            } else {
                match self.covering(&chain, c, lang) {
                    Some(f) => f,
                    None => {
                        if !missing.contains(&c) {
                            missing.push(c);
                        }
                        primary
                    }
                }
            };
            match runs.last_mut() {
                Some(last) if last.0 == face && last.1.end == i => last.1.end = end,
                _ => runs.push((face, i..end)),
            }
        }
        runs.into_iter()
            .map(|(face, range)| self.shape_run(&text[range], face, lang))
            .collect()
    }

    /// Width of `text` in em in one face without fallback (for quick measures such as markers).
    pub fn measure(&self, text: &str, face: FaceId) -> f32 {
        self.shape_run(text, face, "en").width
    }

    fn shape_run(&self, text: &str, face: FaceId, lang: &str) -> Shaped {
        let loaded = self.face(face);
        let mut glyphs = Vec::new();
        let mut width = 0.0;
        // A face that loaded once always parses again; the guard only keeps this total.
        if let Some(font) = loaded.font() {
            let shaper = loaded.data.shaper(&font).build();
            let mut buffer = UnicodeBuffer::new();
            buffer.push_str(text);
            if let Ok(language) = lang.parse::<harfrust::Language>() {
                buffer.set_language(language);
            }
            buffer.guess_segment_properties();
            let plan = loaded.plan(&shaper, &buffer);
            let out = shaper.shape(buffer, harfrust::ShapeOptions::new().plan(plan.as_deref()));
            let upem = loaded.units_per_em;
            let infos = out.glyph_infos();
            let positions = out.glyph_positions();
            glyphs.reserve(infos.len());
            // A cluster's text ends where the next cluster in the text starts. Glyphs come in
            // visual order, so in right-to-left text the next cluster in the text is not the
            // next glyph's: look it up among all cluster starts. (Taking the next glyph's gave
            // right-to-left glyphs no characters, which PDF/UA forbids.)
            let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
            starts.sort_unstable();
            starts.dedup();
            for (info, pos) in infos.iter().zip(positions) {
                let start = info.cluster as usize;
                let end = starts
                    .get(starts.partition_point(|&s| s <= start))
                    .copied()
                    .unwrap_or(text.len())
                    .max(start);
                let advance = pos.x_advance as f32 / upem;
                width += advance;
                glyphs.push(Glyph {
                    id: info.glyph_id,
                    advance,
                    x_offset: pos.x_offset as f32 / upem,
                    y_offset: pos.y_offset as f32 / upem,
                    range: start..end.min(text.len()),
                });
            }
        }
        Shaped {
            face,
            glyphs,
            text: text.to_string(),
            width,
        }
    }
}

/// Cut the shaped runs of one text at byte offsets `cuts` (ascending, inside the text) into
/// pieces, each with the index of the cut it starts at (`None` for the first). A cut that would
/// split a cluster (a ligature, a base and its marks) or a right-to-left run is left out:
/// shaping once and cutting the glyphs keeps a paragraph linear in its length.
pub fn cut_runs(runs: Vec<Shaped>, cuts: &[usize]) -> Vec<(Option<usize>, Vec<Shaped>)> {
    let mut out: Vec<(Option<usize>, Vec<Shaped>)> = vec![(None, Vec::new())];
    let mut next = 0;
    let mut base = 0;
    for run in runs {
        let end = base + run.text.len();
        // Cuts at the run's start begin a new piece (when the current one holds anything).
        while next < cuts.len() && cuts[next] <= base {
            if cuts[next] == base && out.last().is_some_and(|p| !p.1.is_empty()) {
                out.push((Some(next), Vec::new()));
            }
            next += 1;
        }
        let mut inside = Vec::new();
        while next < cuts.len() && cuts[next] < end {
            inside.push((next, cuts[next] - base));
            next += 1;
        }
        for (cut, piece) in split_run(run, &inside) {
            match cut {
                Some(index) => out.push((Some(index), vec![piece])),
                None => {
                    if let Some(last) = out.last_mut() {
                        last.1.push(piece);
                    }
                }
            }
        }
        base = end;
    }
    out.retain(|p| !p.1.is_empty());
    out
}

/// `run` split at the byte offsets `cuts` (`(index of the cut, offset in the run)`, ascending):
/// the first piece has no cut, each other piece the index of the cut it starts at. A cut is
/// made only where no glyph straddles it and every glyph before it comes first (so never
/// inside a cluster or a right-to-left run), at a character boundary, with glyphs on both
/// sides. One pass over the glyphs, whatever the number of cuts: a word of 400,000 characters
/// cut into 5,000 lines costs its length, not its length times its lines.
fn split_run(run: Shaped, cuts: &[(usize, usize)]) -> Vec<(Option<usize>, Shaped)> {
    if cuts.is_empty() {
        return vec![(None, run)];
    }
    let n = run.glyphs.len();
    // The furthest end among the glyphs before k, and the nearest start among those from k.
    let mut end_before = Vec::with_capacity(n + 1);
    end_before.push(0);
    for g in &run.glyphs {
        let last = end_before.last().copied().unwrap_or(0);
        end_before.push(last.max(g.range.end));
    }
    let mut start_from = vec![usize::MAX; n + 1];
    for k in (0..n).rev() {
        start_from[k] = start_from[k + 1].min(run.glyphs[k].range.start);
    }
    let mut bounds: Vec<(usize, usize, usize)> = Vec::new();
    for &(index, at) in cuts {
        let k = start_from.partition_point(|&s| s < at);
        let after_last = bounds.last().is_none_or(|&(_, pk, pat)| k > pk && at > pat);
        if k > 0 && k < n && end_before[k] <= at && run.text.is_char_boundary(at) && after_last {
            bounds.push((index, k, at));
        }
    }
    if bounds.is_empty() {
        return vec![(None, run)];
    }
    let piece = |glyphs: &[Glyph], from: usize, to: usize| {
        let glyphs: Vec<Glyph> = glyphs
            .iter()
            .map(|g| Glyph {
                range: g.range.start - from..g.range.end - from,
                ..g.clone()
            })
            .collect();
        Shaped {
            face: run.face,
            width: glyphs.iter().map(|g| g.advance).sum(),
            glyphs,
            text: run.text[from..to].to_string(),
        }
    };
    let mut out = Vec::with_capacity(bounds.len() + 1);
    let (mut cut, mut from_k, mut from_at) = (None, 0, 0);
    for (index, k, at) in bounds {
        out.push((cut, piece(&run.glyphs[from_k..k], from_at, at)));
        (cut, from_k, from_at) = (Some(index), k, at);
    }
    out.push((cut, piece(&run.glyphs[from_k..], from_at, run.text.len())));
    out
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::fontbook::{coverage_of, in_ranges};
    use super::*;
    use crate::assets::fonts::{Role, BUNDLED};

    /// A run of `text` with one glyph per byte, clusters in `order` (LTR: ascending).
    fn run_of(text: &str, ltr: bool) -> Shaped {
        let n = text.len();
        let glyphs = (0..n)
            .map(|i| {
                let at = if ltr { i } else { n - 1 - i };
                Glyph {
                    id: at as u32,
                    advance: 0.5,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    range: at..at + 1,
                }
            })
            .collect();
        Shaped {
            face: 0,
            glyphs,
            text: text.to_string(),
            width: n as f32 * 0.5,
        }
    }

    #[test]
    fn a_long_run_is_cut_at_every_clean_place_in_one_pass() {
        let text = "[".repeat(30_000);
        let cuts: Vec<usize> = (1..10_000).map(|i| i * 3).collect();
        let pieces = cut_runs(vec![run_of(&text, true)], &cuts);
        assert_eq!(pieces.len(), 10_000);
        assert_eq!(pieces[0].0, None);
        assert_eq!(pieces[1].0, Some(0));
        let joined: String = pieces
            .iter()
            .flat_map(|p| &p.1)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(joined, text);
        for (_, runs) in &pieces {
            for r in runs {
                assert_eq!(r.glyphs.len(), 3);
                assert_eq!(r.glyphs[0].range, 0..1, "ranges start again in each piece");
                assert!((r.width - 1.5).abs() < 1e-6);
            }
        }
        // A right-to-left run (clusters descending) is never cut; cuts across two runs are
        // made in each, and a cut at the boundary starts a new piece.
        assert_eq!(cut_runs(vec![run_of("abcdef", false)], &[2, 4]).len(), 1);
        let two = cut_runs(vec![run_of("abc", true), run_of("def", true)], &[1, 3, 5]);
        let texts: Vec<Vec<&str>> = two
            .iter()
            .map(|p| p.1.iter().map(|r| r.text.as_str()).collect())
            .collect();
        assert_eq!(texts, vec![vec!["a"], vec!["bc"], vec!["de"], vec!["f"]]);
        assert_eq!(
            two.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![None, Some(0), Some(1), Some(2)]
        );
    }

    #[test]
    fn coverage_is_read_from_the_font_as_ranges() {
        let ranges = coverage_of(BUNDLED[0].bytes, 0);
        assert!(
            ranges.windows(2).all(|w| w[0].1 + 1 < w[1].0),
            "sorted, merged"
        );
        for c in ['A', 'z', 'ặ', 'Ữ', '’'] {
            assert!(in_ranges(&ranges, u32::from(c)), "{c}");
        }
        assert!(!in_ranges(&ranges, u32::from('中')));
        assert!(coverage_of(b"not a font", 0).is_empty());
        let r = [(10, 20), (30, 30)];
        let hits: Vec<u32> = (0..40).filter(|&c| in_ranges(&r, c)).collect();
        assert_eq!(hits, (10..=20).chain([30]).collect::<Vec<_>>());
    }

    #[test]
    fn vietnamese_shapes_without_missing_glyphs_in_every_role() {
        let fonts = FontBook::bundled_only();
        let text = "Việt Nam: ặ ẫ ữ Ặ";
        for role in [Role::Body, Role::Heading, Role::Code] {
            let mut missing = Vec::new();
            let runs = fonts.shape(text, fonts.face_for(role, false, false), "vi", &mut missing);
            assert!(missing.is_empty(), "{role:?}: {missing:?}");
            assert!(
                runs.iter().all(|r| r.glyphs.iter().all(|g| g.id != 0)),
                "{role:?}"
            );
        }
    }

    #[test]
    fn nfd_and_nfc_give_the_same_glyphs() {
        let fonts = FontBook::bundled_only();
        let body = fonts.face_for(Role::Body, false, false);
        let mut m = Vec::new();
        let nfc = fonts.shape("ặ", body, "vi", &mut m);
        let nfd = fonts.shape("a\u{0323}\u{0306}", body, "vi", &mut m);
        let ids = |r: &[Shaped]| {
            r.iter()
                .flat_map(|s| s.glyphs.iter().map(|g| g.id))
                .collect::<Vec<_>>()
        };
        // Either one precomposed glyph or base plus positioned marks: the widths must agree.
        let w = |r: &[Shaped]| r.iter().map(|s| s.width).sum::<f32>();
        assert!(
            (w(&nfc) - w(&nfd)).abs() < 0.01,
            "{:?} vs {:?}",
            ids(&nfc),
            ids(&nfd)
        );
    }

    #[test]
    fn uncovered_characters_are_reported() {
        let fonts = FontBook::bundled();
        let mut missing = Vec::new();
        let body = fonts.face_for(Role::Body, false, false);
        fonts.shape("a\u{10FFFD}b", body, "en", &mut missing);
        assert_eq!(missing, vec!['\u{10FFFD}']);
    }

    #[test]
    fn a_font_book_without_system_fonts_reports_what_the_bundled_faces_lack() {
        // Whatever the machine has installed: CJK is not in the bundled faces.
        let fonts = FontBook::bundled_only();
        let mut missing = Vec::new();
        let body = fonts.face_for(Role::Body, false, false);
        let runs = fonts.shape("a中b", body, "en", &mut missing);
        assert_eq!(missing, vec!['中']);
        assert!(runs.iter().all(|r| r.face < BUNDLED.len()));
    }

    #[test]
    fn the_book_fonts_come_first_and_a_broken_one_is_reported() {
        let body = BUNDLED
            .iter()
            .find(|f| f.role == Role::Heading && !f.bold)
            .expect("a bundled sans face");
        let fonts = vec![
            crate::assets::fonts::BookFont {
                name: "fonts/body.ttf".into(),
                bytes: body.bytes.to_vec(),
                role: Some((Role::Body, false, false)),
            },
            crate::assets::fonts::BookFont {
                name: "fonts/broken.ttf".into(),
                bytes: b"\0\x01\0".to_vec(),
                role: None,
            },
        ];
        let (book, errors) = FontBook::with_book_fonts(fonts, SystemFonts::Ignore);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "fonts/broken.ttf");
        let chosen = book.face_for(Role::Body, false, false);
        assert!(
            chosen >= BUNDLED.len(),
            "the book's face, not a bundled one"
        );
        assert_eq!(book.face(chosen).name, "fonts/body.ttf");
        assert_eq!(
            book.fallback_chain(book.bundled_face(Role::Code, false, false))[1],
            chosen
        );
    }

    #[test]
    fn kerning_and_ligatures_change_advances() {
        let fonts = FontBook::bundled_only();
        let body = fonts.face_for(Role::Body, false, false);
        let av = fonts.measure("AV", body);
        assert!(
            av < fonts.measure("A", body) + fonts.measure("V", body),
            "AV is kerned"
        );
    }
}
