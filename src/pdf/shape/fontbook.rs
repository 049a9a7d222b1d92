//! The font book: every face one build typesets with, owned by that build and shared by
//! reference with the stages (and threads) that shape text. It holds the bundled faces, the
//! book's own fonts, and the system fonts loaded on demand for characters neither has.
//!
//! Nothing here is global or leaked: a book is dropped with its font book, so a long-running
//! process (`watch`, `serve`) does not grow with every rebuild, and a test can typeset with a
//! chosen set of faces ([`FontBook::bundled_only`]) whatever the machine has installed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use harfrust::{FontRef, ShapePlan, Shaper, ShaperData, UnicodeBuffer};
use skrifa::MetadataProvider;

use crate::assets::fonts::{self, BookFont, Role, BUNDLED};

/// Index of a face in its font book: the bundled faces first, then the book's own, then system
/// fonts in the order they were first needed.
pub type FaceId = usize;

/// The bytes of a font file: compiled into the binary, or read for this build.
#[derive(Clone)]
pub enum FontBytes {
    Bundled(&'static [u8]),
    Read(Arc<Vec<u8>>),
}

impl FontBytes {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            FontBytes::Bundled(b) => b,
            FontBytes::Read(b) => b,
        }
    }
}

/// A face ready for shaping and embedding.
pub struct LoadedFace {
    pub bytes: FontBytes,
    pub index: u32,
    pub name: String,
    pub role: Role,
    pub bold: bool,
    pub italic: bool,
    pub(super) data: ShaperData,
    pub(super) units_per_em: f32,
    /// The characters the face maps to a glyph, as sorted inclusive ranges.
    coverage: Vec<(u32, u32)>,
    /// Shaping plans made so far, one per direction, script and language: making a plan
    /// (choosing the font's features for them) costs more than shaping a word.
    plans: Mutex<Vec<Arc<ShapePlan>>>,
}

/// Which face a role and style was given.
type Style = (Role, bool, bool);

impl LoadedFace {
    fn load(bytes: FontBytes, index: u32, name: String, style: Style) -> Option<LoadedFace> {
        Self::load_with(bytes, index, name, style, None)
    }

    fn load_with(
        bytes: FontBytes,
        index: u32,
        name: String,
        (role, bold, italic): Style,
        coverage: Option<Vec<(u32, u32)>>,
    ) -> Option<LoadedFace> {
        let slice = bytes.as_slice();
        let font = FontRef::from_index(slice, index).ok()?;
        let sk = skrifa::FontRef::from_index(slice, index).ok()?;
        let units_per_em = f32::from(
            sk.metrics(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            )
            .units_per_em,
        );
        let data = ShaperData::new(&font);
        let coverage = coverage.unwrap_or_else(|| coverage_of(slice, index));
        Some(LoadedFace {
            bytes,
            index,
            name,
            role,
            bold,
            italic,
            data,
            units_per_em,
            coverage,
            plans: Mutex::new(Vec::new()),
        })
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        in_ranges(&self.coverage, u32::from(c))
    }

    /// The plan for shaping `buffer` (its segment properties set) with `shaper`, made once per
    /// direction, script and language. `None` when the buffer has no script of its own: then
    /// harfrust makes the plan itself.
    pub(super) fn plan(&self, shaper: &Shaper, buffer: &UnicodeBuffer) -> Option<Arc<ShapePlan>> {
        let script = buffer.script();
        if script == harfrust::script::UNKNOWN {
            return None;
        }
        let (direction, language) = (buffer.direction(), buffer.language());
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let found = plans.iter().find(|p| {
            p.direction() == direction
                && p.script() == Some(script)
                && p.language() == language.as_ref()
        });
        if let Some(plan) = found {
            return Some(Arc::clone(plan));
        }
        let plan = Arc::new(ShapePlan::new(
            shaper,
            direction,
            Some(script),
            language.as_ref(),
            &[],
        ));
        plans.push(Arc::clone(&plan));
        Some(plan)
    }

    /// The face for harfrust; parsing it reads only the table directory.
    pub(super) fn font(&self) -> Option<FontRef<'_>> {
        FontRef::from_index(self.bytes.as_slice(), self.index).ok()
    }
}

/// Whether characters no bundled or book face has are looked for in the system's fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemFonts {
    Search,
    Ignore,
}

/// Every face one build typesets with.
pub struct FontBook {
    faces: RwLock<Vec<Arc<LoadedFace>>>,
    /// The bundled face for each role and style.
    bundled: HashMap<Style, FaceId>,
    /// The book's own face for a role and style, where it gives one.
    chosen: HashMap<Style, FaceId>,
    /// The book's fonts, tried right after the primary face when it lacks a character.
    book_fallback: Vec<FaceId>,
    system: Option<Mutex<System>>,
}

impl std::fmt::Debug for FontBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let faces = self.faces.read().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("FontBook")
            .field("faces", &faces.iter().map(|l| &l.name).collect::<Vec<_>>())
            .finish()
    }
}

impl FontBook {
    /// The bundled faces, with system fonts searched for characters they lack.
    pub fn bundled() -> FontBook {
        Self::with_book_fonts(Vec::new(), SystemFonts::Search).0
    }

    /// The bundled faces only: what a test typesets with, whatever the machine has installed.
    pub fn bundled_only() -> FontBook {
        Self::with_book_fonts(Vec::new(), SystemFonts::Ignore).0
    }

    /// The bundled faces and the book's own fonts. A book font whose tables cannot be read is
    /// left out and returned with the reason, by its name.
    pub fn with_book_fonts(
        book_fonts: Vec<BookFont>,
        system: SystemFonts,
    ) -> (FontBook, Vec<(String, String)>) {
        let mut faces = Vec::new();
        let mut bundled = HashMap::new();
        for f in BUNDLED {
            let name = f.file_name.trim_end_matches(".ttf").to_string();
            let style = (f.role, f.bold, f.italic);
            if let Some(face) = LoadedFace::load(FontBytes::Bundled(f.bytes), 0, name, style) {
                bundled.insert(style, faces.len());
                faces.push(Arc::new(face));
            }
        }
        let mut chosen = HashMap::new();
        let mut book_fallback = Vec::new();
        let mut errors = Vec::new();
        for f in book_fonts {
            let style = f.role.unwrap_or((Role::Body, false, false));
            let bytes = FontBytes::Read(Arc::new(f.bytes));
            if let Err(e) = skrifa::FontRef::from_index(bytes.as_slice(), 0) {
                errors.push((f.name, e.to_string()));
                continue;
            }
            match LoadedFace::load(bytes, 0, f.name.clone(), style) {
                Some(face) => {
                    let id = faces.len();
                    faces.push(Arc::new(face));
                    match f.role {
                        Some(key) => {
                            chosen.insert(key, id);
                        }
                        None => book_fallback.push(id),
                    }
                }
                None => errors.push((f.name, "its tables cannot be read".to_string())),
            }
        }
        // The book's chosen faces also come before the bundled ones as fallbacks.
        let mut first: Vec<FaceId> = chosen.values().copied().collect();
        first.sort_unstable();
        book_fallback.splice(0..0, first);
        let book = FontBook {
            faces: RwLock::new(faces),
            bundled,
            chosen,
            book_fallback,
            system: (system == SystemFonts::Search).then(|| Mutex::new(System::default())),
        };
        (book, errors)
    }

    /// The face with this id (the first bundled face for an id this book never gave out).
    pub fn face(&self, id: FaceId) -> Arc<LoadedFace> {
        let faces = self.faces.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(faces.get(id).unwrap_or(&faces[0]))
    }

    /// The face for a role and style: the book's own where it gives one, else the bundled one.
    pub fn face_for(&self, role: Role, bold: bool, italic: bool) -> FaceId {
        self.chosen
            .get(&(role, bold, italic))
            .copied()
            .unwrap_or_else(|| self.bundled_face(role, bold, italic))
    }

    /// The bundled face for a role and style (the closest one where it has no exact match).
    pub fn bundled_face(&self, role: Role, bold: bool, italic: bool) -> FaceId {
        let f = fonts::face(role, bold, italic);
        self.bundled
            .get(&(f.role, f.bold, f.italic))
            .copied()
            .unwrap_or(0)
    }

    /// The faces tried, in order, for a character `primary` lacks: the book's fonts, then the
    /// bundled faces closest in style, then every bundled symbol face.
    pub(super) fn fallback_chain(&self, primary: FaceId) -> Vec<FaceId> {
        let p = self.face(primary);
        let mut chain = vec![primary];
        for &f in &self.book_fallback {
            if !chain.contains(&f) {
                chain.push(f);
            }
        }
        let mut bundled = Vec::new();
        for (role, bold, italic) in [
            (p.role, p.bold, false),
            (Role::Body, p.bold, p.italic),
            (Role::Heading, p.bold, p.italic),
            (Role::Body, false, false),
            (Role::Heading, false, false),
            (Role::Code, false, false),
            (Role::Symbol, false, false),
        ] {
            bundled.push(self.bundled_face(role, bold, italic));
        }
        let mut symbols: Vec<FaceId> = self
            .bundled
            .iter()
            .filter(|((role, ..), _)| *role == Role::Symbol)
            .map(|(_, &id)| id)
            .collect();
        symbols.sort_unstable();
        for f in bundled.into_iter().chain(symbols) {
            if !chain.contains(&f) {
                chain.push(f);
            }
        }
        chain
    }

    /// The first face of `chain` that has `c`, else the system face that has it and best
    /// matches the chain's first face and the text's language `lang`.
    pub(super) fn covering(&self, chain: &[FaceId], c: char, lang: &str) -> Option<FaceId> {
        let wanted = {
            let faces = self.faces.read().unwrap_or_else(|e| e.into_inner());
            if let Some(f) = chain
                .iter()
                .copied()
                .find(|&f| faces.get(f).is_some_and(|l| l.covers(c)))
            {
                return Some(f);
            }
            let primary = chain.first().and_then(|&f| faces.get(f));
            Wanted::like(primary.map(|f| &**f), lang)
        };
        self.system_face_for(c, wanted)
    }

    /// Whether face `id` has `c`.
    pub(super) fn covers(&self, id: FaceId, c: char) -> bool {
        let faces = self.faces.read().unwrap_or_else(|e| e.into_inner());
        faces.get(id).is_some_and(|l| l.covers(c))
    }

    /// The installed face that has `c` and best matches `wanted` ([`fallback_order`]), the same
    /// on the same machine whatever order the chapters are typeset in. The faces of a font file
    /// learn what they cover from one read of it, and only a face that is used is kept.
    fn system_face_for(&self, c: char, wanted: Wanted) -> Option<FaceId> {
        let mut sys = self
            .system
            .as_ref()?
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = sys.by_char.get(&(c, wanted)) {
            return *hit;
        }
        let candidates = system_candidates();
        let order = sys
            .orders
            .entry(wanted)
            .or_insert_with(|| fallback_order(candidates, &wanted))
            .clone();
        let mut files = LastRead(None);
        let mut found = None;
        for i in order {
            sys.scan(&mut files, candidates, i);
            if !in_ranges(&sys.coverage[&i], u32::from(c)) {
                continue;
            }
            let id = match sys.loaded.get(&i) {
                Some(id) => *id,
                None => {
                    let id = self.load_system_face(&mut sys, &mut files, &candidates[i], i);
                    sys.loaded.insert(i, id);
                    id
                }
            };
            if id.is_some() {
                found = id;
                break;
            }
        }
        sys.by_char.insert((c, wanted), found);
        found
    }

    /// Load candidate `i` (`face`) into the book, keeping its file's bytes for other faces.
    fn load_system_face(
        &self,
        sys: &mut System,
        files: &mut LastRead,
        face: &SystemFace,
        i: usize,
    ) -> Option<FaceId> {
        let bytes = sys.read(files, &face.path)?;
        sys.kept.insert(face.path.clone(), Arc::clone(&bytes));
        let name = face
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let style = (Role::Body, face.weight >= 600, !face.upright);
        let coverage = sys.coverage.get(&i).cloned();
        let loaded =
            LoadedFace::load_with(FontBytes::Read(bytes), face.index, name, style, coverage)?;
        let mut faces = self.faces.write().unwrap_or_else(|e| e.into_inner());
        faces.push(Arc::new(loaded));
        Some(faces.len() - 1)
    }
}

/// What a fallback face should be like: the style of the text it stands in for, and for CJK
/// the regional variant of the text's language (the same character is drawn differently in
/// Simplified and Traditional Chinese, Japanese and Korean).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Wanted {
    bold: bool,
    italic: bool,
    mono: bool,
    serif: bool,
    cjk: Option<CjkVariant>,
}

/// The regional variants CJK font families are published in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum CjkVariant {
    Simplified,
    Traditional,
    HongKong,
    Japanese,
    Korean,
}

impl CjkVariant {
    /// The variant a language tag asks for (`zh`, `zh-CN`, `zh-Hant`, `zh-TW`, `ja`, `ko`).
    fn of(lang: &str) -> Option<CjkVariant> {
        let lang = lang.to_ascii_lowercase();
        let mut parts = lang.split(['-', '_']);
        match parts.next()? {
            "zh" => {
                let rest: Vec<&str> = parts.collect();
                Some(if rest.iter().any(|p| *p == "hk" || *p == "mo") {
                    CjkVariant::HongKong
                } else if rest.iter().any(|p| *p == "hant" || *p == "tw") {
                    CjkVariant::Traditional
                } else {
                    CjkVariant::Simplified
                })
            }
            "ja" => Some(CjkVariant::Japanese),
            "ko" => Some(CjkVariant::Korean),
            _ => None,
        }
    }

    /// Whether a family name is this variant's: its last word is the variant's tag, as in
    /// "Noto Sans CJK SC" or "Source Han Serif TW".
    fn names(self, family: &str) -> bool {
        let tags: &[&str] = match self {
            CjkVariant::Simplified => &["SC", "CN", "GB"],
            CjkVariant::Traditional => &["TC", "TW"],
            CjkVariant::HongKong => &["HK"],
            CjkVariant::Japanese => &["JP", "J"],
            CjkVariant::Korean => &["KR", "K"],
        };
        family
            .rsplit(' ')
            .next()
            .is_some_and(|last| tags.contains(&last))
    }
}

impl Wanted {
    /// A fallback like `face` (regular serif text when unknown) for text in `lang`.
    fn like(face: Option<&LoadedFace>, lang: &str) -> Wanted {
        let name = face.map_or("", |f| f.name.as_str());
        Wanted {
            bold: face.is_some_and(|f| f.bold),
            italic: face.is_some_and(|f| f.italic),
            mono: face.is_some_and(|f| f.role == Role::Code) || name.contains("Mono"),
            serif: face.is_none() || name.contains("Serif"),
            cjk: CjkVariant::of(lang),
        }
    }
}

/// The system's font faces, found once per process through fontconfig and sorted by path and
/// index. Only this list is kept for the process: it is small and does not change during a
/// run; what the files cover, and the faces loaded, belong to each font book.
fn system_candidates() -> &'static [SystemFace] {
    static CANDIDATES: OnceLock<Vec<SystemFace>> = OnceLock::new();
    CANDIDATES.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let mut faces: Vec<SystemFace> = db
            .faces()
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) => {
                    let family = f.families.first().map(|(n, _)| n.clone());
                    Some(SystemFace {
                        path: p.clone(),
                        index: f.index,
                        weight: f.weight.0,
                        upright: f.style == fontdb::Style::Normal,
                        mono: f.monospaced,
                        serif: family.as_deref().is_some_and(is_serif_family),
                        family: family.unwrap_or_default(),
                    })
                }
                _ => None,
            })
            .collect();
        faces.sort_by(|a, b| (&a.path, a.index).cmp(&(&b.path, b.index)));
        faces.dedup_by(|a, b| a.path == b.path && a.index == b.index);
        faces
    })
}

/// Whether a family name says its face has serifs (Latin "Serif", CJK Mincho, Ming, Song,
/// Batang and Myeongjo styles).
fn is_serif_family(family: &str) -> bool {
    ["Serif", "Mincho", "Ming", "Song", "Batang", "Myeongjo"]
        .iter()
        .any(|w| family.contains(w))
        && !family.contains("Sans")
}

/// One face of an installed font file, as fontconfig describes it.
struct SystemFace {
    path: PathBuf,
    index: u32,
    weight: u16,
    upright: bool,
    mono: bool,
    serif: bool,
    family: String,
}

/// The order in which the fallback tries the installed faces for `wanted`: the slant first, then
/// the CJK variant of the language, the weight (regular for regular text, bold for bold),
/// monospaced or not, serif or not, and last the path (stable across machines with the same
/// fonts). In path order a family's Bold file came before its Regular one ("B" < "R"), and
/// whole CJK paragraphs were set in bold.
fn fallback_order(faces: &[SystemFace], wanted: &Wanted) -> Vec<usize> {
    let target = if wanted.bold { 700 } else { 400 };
    let rank = |f: &SystemFace| {
        (
            f.upright == wanted.italic,
            wanted.cjk.is_some_and(|v| !v.names(&f.family)),
            f.weight.abs_diff(target),
            f.mono != wanted.mono,
            f.serif != wanted.serif,
        )
    };
    let mut order: Vec<usize> = (0..faces.len()).collect();
    // A stable sort keeps the path order among equals.
    order.sort_by_key(|&i| rank(&faces[i]));
    order
}

/// What one font book learned about the system's fonts.
#[derive(Default)]
struct System {
    /// Per candidate scanned: the characters it maps. A search keeps this, not the font: the
    /// CJK and emoji collections a machine has run to hundreds of megabytes, and a book usually
    /// needs one or two of their faces.
    coverage: HashMap<usize, Vec<(u32, u32)>>,
    /// Per candidate: its face id once loaded, or `None` when it could not be read.
    loaded: HashMap<usize, Option<FaceId>>,
    /// The order candidates are tried in, per kind of face wanted.
    orders: HashMap<Wanted, Vec<usize>>,
    by_char: HashMap<(char, Wanted), Option<FaceId>>,
    /// The files behind loaded faces, so a second face of a collection shares the bytes.
    kept: HashMap<PathBuf, Arc<Vec<u8>>>,
}

impl System {
    fn read(&self, last: &mut LastRead, path: &Path) -> Option<Arc<Vec<u8>>> {
        if let Some(b) = self.kept.get(path) {
            return Some(Arc::clone(b));
        }
        last.get(path)
    }

    /// Learn what candidate `i` covers, with every other face of its file from the same read.
    fn scan(&mut self, files: &mut LastRead, candidates: &[SystemFace], i: usize) {
        if self.coverage.contains_key(&i) {
            return;
        }
        let path = &candidates[i].path;
        let bytes = self.read(files, path);
        let first = candidates[..i]
            .iter()
            .rposition(|f| &f.path != path)
            .map_or(0, |k| k + 1);
        for (j, face) in candidates
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(_, f)| &f.path == path)
        {
            let ranges = bytes
                .as_ref()
                .map_or_else(Vec::new, |b| coverage_of(b.as_slice(), face.index));
            self.coverage.insert(j, ranges);
        }
    }
}

/// The font file read last, so scanning a collection and loading one of its faces share a read.
struct LastRead(Option<(PathBuf, Arc<Vec<u8>>)>);

impl LastRead {
    fn get(&mut self, path: &Path) -> Option<Arc<Vec<u8>>> {
        if self.0.as_ref().is_none_or(|(p, _)| p != path) {
            self.0 = std::fs::read(path)
                .ok()
                .map(|b| (path.to_path_buf(), Arc::new(b)));
        }
        self.0.as_ref().map(|(_, b)| Arc::clone(b))
    }
}

/// The characters face `index` of a font file maps to a glyph, as sorted inclusive ranges.
pub(super) fn coverage_of(bytes: &[u8], index: u32) -> Vec<(u32, u32)> {
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

pub(super) fn in_ranges(ranges: &[(u32, u32)], c: u32) -> bool {
    let i = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(i).is_some_and(|&(start, _)| start <= c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(path: &str, index: u32, weight: u16, family: &str) -> SystemFace {
        SystemFace {
            path: PathBuf::from(path),
            index,
            weight,
            upright: !family.contains("Italic"),
            mono: family.contains("Mono"),
            serif: is_serif_family(family),
            family: family.to_string(),
        }
    }

    fn names(faces: &[SystemFace], order: &[usize]) -> Vec<String> {
        order.iter().map(|&i| faces[i].family.clone()).collect()
    }

    fn wanted(bold: bool, serif: bool, lang: &str) -> Wanted {
        Wanted {
            bold,
            italic: false,
            mono: false,
            serif,
            cjk: CjkVariant::of(lang),
        }
    }

    #[test]
    fn fallback_matches_weight_slant_and_style_of_the_text() {
        let faces = [
            face("/f/DejaVuSans-Oblique.ttf", 0, 400, "DejaVu Sans Italic"),
            face("/f/NotoSansCJK-Bold.ttc", 0, 700, "Noto Sans CJK JP"),
            face("/f/NotoSansCJK-Light.ttc", 0, 300, "Noto Sans CJK JP Light"),
            face("/f/NotoSansCJK-Regular.ttc", 0, 400, "Noto Sans CJK JP"),
            face("/f/NotoSerifCJK-Regular.ttc", 0, 400, "Noto Serif CJK JP"),
        ];
        let regular_serif = fallback_order(&faces, &wanted(false, true, "en"));
        assert_eq!(
            names(&faces, &regular_serif),
            [
                "Noto Serif CJK JP",
                "Noto Sans CJK JP",
                "Noto Sans CJK JP Light",
                "Noto Sans CJK JP",
                "DejaVu Sans Italic"
            ]
        );
        let bold_sans = fallback_order(&faces, &wanted(true, false, "en"));
        assert_eq!(faces[bold_sans[0]].weight, 700);
    }

    #[test]
    fn cjk_fallback_takes_the_variant_of_the_language() {
        let faces = [
            face("/f/NotoSansCJK-Regular.ttc", 0, 400, "Noto Sans CJK JP"),
            face("/f/NotoSansCJK-Regular.ttc", 1, 400, "Noto Sans CJK KR"),
            face("/f/NotoSansCJK-Regular.ttc", 2, 400, "Noto Sans CJK SC"),
            face("/f/NotoSansCJK-Regular.ttc", 3, 400, "Noto Sans CJK TC"),
            face("/f/NotoSansCJK-Regular.ttc", 4, 400, "Noto Sans CJK HK"),
            face("/f/NotoSansCJK-Bold.ttc", 2, 700, "Noto Sans CJK SC"),
        ];
        let first = |lang: &str, bold| {
            let order = fallback_order(&faces, &wanted(bold, false, lang));
            (faces[order[0]].family.clone(), faces[order[0]].weight)
        };
        assert_eq!(first("zh-CN", false), ("Noto Sans CJK SC".into(), 400));
        assert_eq!(first("zh", true), ("Noto Sans CJK SC".into(), 700));
        assert_eq!(first("zh-Hant", false).0, "Noto Sans CJK TC");
        assert_eq!(first("zh-TW", false).0, "Noto Sans CJK TC");
        assert_eq!(first("zh-HK", false).0, "Noto Sans CJK HK");
        assert_eq!(first("ja", false).0, "Noto Sans CJK JP");
        assert_eq!(first("ko-KR", false).0, "Noto Sans CJK KR");
        // A language without CJK keeps the path order among regular faces.
        assert_eq!(first("vi", false).0, "Noto Sans CJK JP");
    }

    #[test]
    fn serif_families_are_told_from_their_names() {
        assert!(is_serif_family("Noto Serif CJK SC"));
        assert!(is_serif_family("IPAMincho"));
        assert!(!is_serif_family("Noto Sans CJK SC"));
        assert!(!is_serif_family("DejaVu Sans"));
    }
}
