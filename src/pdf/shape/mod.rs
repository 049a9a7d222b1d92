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
            for (k, (info, pos)) in infos.iter().zip(positions).enumerate() {
                let start = info.cluster as usize;
                // The cluster ends where the next different cluster starts (clusters are
                // monotonic in LTR).
                let end = infos[k + 1..]
                    .iter()
                    .map(|i| i.cluster as usize)
                    .find(|&c| c != start)
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
    for mut run in runs {
        loop {
            let end = base + run.text.len();
            while next < cuts.len() && cuts[next] <= base {
                if cuts[next] == base && out.last().is_some_and(|p| !p.1.is_empty()) {
                    out.push((Some(next), Vec::new()));
                }
                next += 1;
            }
            if next >= cuts.len() || cuts[next] >= end {
                break;
            }
            let Some((left, right)) = split_run(&run, cuts[next] - base) else {
                next += 1;
                continue;
            };
            base += left.text.len();
            if let Some(last) = out.last_mut() {
                last.1.push(left);
            }
            out.push((Some(next), Vec::new()));
            next += 1;
            run = right;
        }
        base += run.text.len();
        if let Some(last) = out.last_mut() {
            last.1.push(run);
        }
    }
    out.retain(|p| !p.1.is_empty());
    out
}

/// `run` split at byte `at` of its text, when no glyph straddles it and the glyphs before it
/// come first.
fn split_run(run: &Shaped, at: usize) -> Option<(Shaped, Shaped)> {
    let k = run.glyphs.iter().position(|g| g.range.start >= at)?;
    let clean = k > 0
        && run.glyphs[..k].iter().all(|g| g.range.end <= at)
        && run.glyphs[k..].iter().all(|g| g.range.start >= at)
        && run.text.is_char_boundary(at);
    if !clean {
        return None;
    }
    let piece = |glyphs: Vec<Glyph>, text: &str| Shaped {
        face: run.face,
        width: glyphs.iter().map(|g| g.advance).sum(),
        glyphs,
        text: text.to_string(),
    };
    let right = run.glyphs[k..]
        .iter()
        .map(|g| Glyph {
            range: g.range.start - at..g.range.end - at,
            ..g.clone()
        })
        .collect();
    Some((
        piece(run.glyphs[..k].to_vec(), &run.text[..at]),
        piece(right, &run.text[at..]),
    ))
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::fontbook::{coverage_of, in_ranges};
    use super::*;
    use crate::assets::fonts::{Role, BUNDLED};

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
