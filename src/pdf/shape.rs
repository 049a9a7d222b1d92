//! Text shaping for the PDF: harfrust (HarfBuzz's Rust port) turns text into positioned glyphs
//! with kerning, ligatures and mark positioning (Vietnamese stacked marks), and skrifa answers
//! which font covers a character, for the fallback chain. Both crates live here only.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, RwLock};

use harfrust::{FontRef, ShaperData, UnicodeBuffer};
use skrifa::MetadataProvider;

use crate::assets::fonts::{self, Role, BUNDLED};

/// Index of a face in the face table: the bundled faces first, then system fonts loaded on
/// demand for characters no bundled face has.
pub type FaceId = usize;

/// A face ready for shaping and embedding.
pub struct LoadedFace {
    pub bytes: &'static [u8],
    pub index: u32,
    pub name: String,
    pub role: Role,
    pub bold: bool,
    pub italic: bool,
    font: FontRef<'static>,
    data: ShaperData,
    charmap: skrifa::charmap::Charmap<'static>,
    units_per_em: f32,
}

fn load(
    bytes: &'static [u8],
    index: u32,
    name: String,
    role: Role,
    bold: bool,
    italic: bool,
) -> Option<&'static LoadedFace> {
    let font = FontRef::from_index(bytes, index).ok()?;
    let sk = skrifa::FontRef::from_index(bytes, index).ok()?;
    let units_per_em = f32::from(
        sk.metrics(
            skrifa::instance::Size::unscaled(),
            skrifa::instance::LocationRef::default(),
        )
        .units_per_em,
    );
    // Faces live for the whole run (the bundled ones are static anyway); leaking keeps the
    // shaping data borrow-free.
    Some(Box::leak(Box::new(LoadedFace {
        bytes,
        index,
        name,
        role,
        bold,
        italic,
        data: ShaperData::new(&font),
        charmap: sk.charmap(),
        font,
        units_per_em,
    })))
}

fn table() -> &'static RwLock<Vec<&'static LoadedFace>> {
    static TABLE: OnceLock<RwLock<Vec<&'static LoadedFace>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        RwLock::new(
            BUNDLED
                .iter()
                .filter_map(|f| {
                    load(
                        f.bytes,
                        0,
                        f.file_name.trim_end_matches(".ttf").to_string(),
                        f.role,
                        f.bold,
                        f.italic,
                    )
                })
                .collect(),
        )
    })
}

/// Register a font that the book brings; returns its id, or why it is not a usable font.
pub fn register(
    bytes: Vec<u8>,
    name: String,
    role: Role,
    bold: bool,
    italic: bool,
) -> Result<FaceId, String> {
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    skrifa::FontRef::from_index(bytes, 0).map_err(|e| format!("{e}"))?;
    let face = load(bytes, 0, name, role, bold, italic)
        .ok_or_else(|| "its tables cannot be read".to_string())?;
    let mut t = table().write().unwrap_or_else(|e| e.into_inner());
    t.push(face);
    Ok(t.len() - 1)
}

/// The face with this id.
pub fn face(id: FaceId) -> &'static LoadedFace {
    let t = table().read().unwrap_or_else(|e| e.into_inner());
    t.get(id).copied().unwrap_or(t[0])
}

/// The bundled face for a role and style.
pub fn face_id(role: Role, bold: bool, italic: bool) -> FaceId {
    let wanted = fonts::face(role, bold, italic);
    let name = wanted.file_name.trim_end_matches(".ttf");
    table()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .position(|l| l.name == name)
        .unwrap_or(0)
}

/// System fonts, found once through fontconfig, tried in a fixed order (by path) so the same
/// machine always picks the same fallback.
struct System {
    candidates: Vec<(PathBuf, u32)>,
    /// Per candidate scanned: the characters it maps, as sorted ranges. A search keeps this,
    /// not the font: the CJK and emoji collections a machine has run to hundreds of megabytes,
    /// and a book usually needs one or two of their faces.
    coverage: HashMap<usize, Vec<(u32, u32)>>,
    /// Per candidate: its face id once loaded, or `None` when it could not be read.
    loaded: HashMap<usize, Option<FaceId>>,
    by_char: HashMap<char, Option<FaceId>>,
}

fn system() -> &'static Mutex<System> {
    static SYSTEM: OnceLock<Mutex<System>> = OnceLock::new();
    SYSTEM.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let mut candidates: Vec<(PathBuf, u32)> = db
            .faces()
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) => Some((p.clone(), f.index)),
                _ => None,
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        Mutex::new(System {
            candidates,
            coverage: HashMap::new(),
            loaded: HashMap::new(),
            by_char: HashMap::new(),
        })
    })
}

/// The characters face `index` of a font file maps, as sorted inclusive ranges.
fn coverage_of(bytes: &[u8], index: u32) -> Vec<(u32, u32)> {
    let Ok(font) = skrifa::FontRef::from_index(bytes, index) else {
        return Vec::new();
    };
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for (c, _) in font.charmap().mappings() {
        match ranges.last_mut() {
            Some((_, end)) if c == *end + 1 => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    ranges.sort_unstable();
    ranges
}

/// The font file read last: candidates are sorted by path, so the faces of a collection follow
/// each other and share one read.
struct LastRead(Option<(PathBuf, Vec<u8>)>);

impl LastRead {
    fn get(&mut self, path: &std::path::Path) -> Option<&[u8]> {
        if self.0.as_ref().is_none_or(|(p, _)| p != path) {
            self.0 = std::fs::read(path).ok().map(|b| (path.to_path_buf(), b));
        }
        self.0.as_ref().map(|(_, b)| b.as_slice())
    }
}

fn in_ranges(ranges: &[(u32, u32)], c: u32) -> bool {
    let i = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(i).is_some_and(|&(start, _)| start <= c)
}

/// A system font that has `c`, in the fixed candidate order. Each file is read once to learn
/// what it covers (faces of one collection share the read), and only a face that is used is
/// kept.
fn system_face_for(c: char) -> Option<FaceId> {
    let mut sys = system().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(hit) = sys.by_char.get(&c) {
        return *hit;
    }
    let mut files = LastRead(None);
    let mut found = None;
    for i in 0..sys.candidates.len() {
        let (path, index) = sys.candidates[i].clone();
        let ranges = sys.coverage.entry(i).or_insert_with(|| {
            files
                .get(&path)
                .map_or_else(Vec::new, |b| coverage_of(b, index))
        });
        if !in_ranges(ranges, u32::from(c)) {
            continue;
        }
        let id = match sys.loaded.get(&i) {
            Some(id) => *id,
            None => {
                let id = files.get(&path).and_then(|bytes| {
                    // Kept for the whole run, like every face the typesetter uses.
                    let bytes: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
                    let name = path
                        .file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default();
                    let face = load(bytes, index, name, Role::Body, false, false)?;
                    let mut t = table().write().unwrap_or_else(|e| e.into_inner());
                    t.push(face);
                    Some(t.len() - 1)
                });
                sys.loaded.insert(i, id);
                id
            }
        };
        if id.is_some() {
            found = id;
            break;
        }
    }
    sys.by_char.insert(c, found);
    found
}

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

fn covers(id: FaceId, c: char) -> bool {
    face(id).charmap.map(c).is_some()
}

/// Shape `text` with `primary`, falling back per character to the other bundled faces.
/// A character no face covers stays in the primary face (drawn as its visible "missing" box)
/// and is reported in `missing`.
pub fn shape(
    text: &str,
    primary: FaceId,
    lang: &str,
    extra: &[FaceId],
    missing: &mut Missing,
) -> Vec<Shaped> {
    let mut chain = fallback_chain(primary);
    // The book's own fonts come right after the primary face.
    for (k, &f) in extra.iter().enumerate() {
        if !chain.contains(&f) {
            chain.insert(1 + k.min(chain.len() - 1), f);
        }
    }
    let mut runs: Vec<(FaceId, std::ops::Range<usize>)> = Vec::new();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        // Combining marks and joiners stay with their base when that face has them.
        let joins = is_mark(c) || c == '\u{200d}' || c == '\u{fe0f}';
        if joins {
            if let Some(last) = runs.last_mut() {
                if covers(last.0, c) || c == '\u{200d}' || c == '\u{fe0f}' {
                    last.1.end = end;
                    continue;
                }
            }
        }
        let face = if c.is_whitespace() || c.is_control() {
            runs.last().map_or(primary, |r| r.0)
        } else {
            match chain
                .iter()
                .copied()
                .find(|&f| covers(f, c))
                .or_else(|| system_face_for(c))
            {
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
        .map(|(face, range)| shape_run(&text[range], face, lang))
        .collect()
}

fn fallback_chain(primary: FaceId) -> Vec<FaceId> {
    let p = face(primary);
    let mut chain = vec![primary];
    for (role, bold, italic) in [
        (p.role, p.bold, false),
        (Role::Body, p.bold, p.italic),
        (Role::Heading, p.bold, p.italic),
        (Role::Body, false, false),
        (Role::Heading, false, false),
        (Role::Code, false, false),
        (Role::Symbol, false, false),
    ] {
        let f = face_id(role, bold, italic);
        if !chain.contains(&f) {
            chain.push(f);
        }
    }
    // Every bundled symbol face, then (on demand) system fonts.
    let t = table().read().unwrap_or_else(|e| e.into_inner());
    for (id, f) in t.iter().enumerate().take(BUNDLED.len()) {
        if f.role == Role::Symbol && !chain.contains(&id) {
            chain.push(id);
        }
    }
    chain
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn shape_run(text: &str, face_id: FaceId, lang: &str) -> Shaped {
    let face = face_id;
    let l = self::face(face_id);
    let shaper = l.data.shaper(&l.font).build();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    if let Ok(language) = lang.parse::<harfrust::Language>() {
        buffer.set_language(language);
    }
    buffer.guess_segment_properties();
    let out = shaper.shape(buffer, harfrust::ShapeOptions::new());
    let upem = l.units_per_em;
    let infos = out.glyph_infos();
    let positions = out.glyph_positions();
    let mut glyphs = Vec::with_capacity(infos.len());
    let mut width = 0.0;
    for (k, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let start = info.cluster as usize;
        // The cluster ends where the next different cluster starts (clusters are monotonic in LTR).
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
    Shaped {
        face,
        glyphs,
        text: text.to_string(),
        width,
    }
}

/// Width of `text` in em in one face without fallback (for quick measures such as markers).
pub fn measure(text: &str, face: FaceId) -> f32 {
    shape_run(text, face, "en").width
}

#[cfg(test)]
mod tests {
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

    use super::*;

    #[test]
    fn vietnamese_shapes_without_missing_glyphs_in_every_role() {
        let text = "Việt Nam: ặ ẫ ữ Ặ";
        for role in [Role::Body, Role::Heading, Role::Code] {
            let mut missing = Vec::new();
            let runs = shape(text, face_id(role, false, false), "vi", &[], &mut missing);
            assert!(missing.is_empty(), "{role:?}: {missing:?}");
            assert!(
                runs.iter().all(|r| r.glyphs.iter().all(|g| g.id != 0)),
                "{role:?}"
            );
        }
    }

    #[test]
    fn nfd_and_nfc_give_the_same_glyphs() {
        let body = face_id(Role::Body, false, false);
        let mut m = Vec::new();
        let nfc = shape("ặ", body, "vi", &[], &mut m);
        let nfd = shape("a\u{0323}\u{0306}", body, "vi", &[], &mut m);
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
        let mut missing = Vec::new();
        shape(
            "a\u{10FFFD}b",
            face_id(Role::Body, false, false),
            "en",
            &[],
            &mut missing,
        );
        assert_eq!(missing, vec!['\u{10FFFD}']);
    }

    #[test]
    fn kerning_and_ligatures_change_advances() {
        let body = face_id(Role::Body, false, false);
        let av = measure("AV", body);
        assert!(av < measure("A", body) + measure("V", body), "AV is kerned");
    }
}
