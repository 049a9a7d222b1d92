//! The fonts bundled in the binary (`fonts/` at the repository root; OFL, see `fonts/README.md`),
//! so a book without a `fonts/` folder of its own still gets full Vietnamese coverage.

/// The roles are named by the book's configuration (its font keys); the faces here serve them.
pub use crate::config::FontRole as Role;

#[derive(Debug, Clone, Copy)]
pub struct Face {
    pub family: &'static str,
    pub role: Role,
    pub bold: bool,
    pub italic: bool,
    pub file_name: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! face {
    ($family:literal, $role:expr, $bold:literal, $italic:literal, $file:literal) => {
        Face {
            family: $family,
            role: $role,
            bold: $bold,
            italic: $italic,
            file_name: $file,
            bytes: include_bytes!(concat!("../../fonts/", $file)),
        }
    };
}

/// Metric-compatible stand-ins for the families SVG drawings name, for text inside drawings in
/// the PDF: a label drawn for Arial or Times fits its box only in a face of the same widths.
pub const SVG_STAND_INS: &[&[u8]] = &[
    include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../fonts/LiberationMono-Regular.ttf"),
];

/// The stand-in family for a family an SVG drawing names (Arial and Helvetica, Times, Courier
/// and their metric twins), by name without spaces, case or a PostScript suffix.
pub fn svg_stand_in(family: &str) -> Option<&'static str> {
    let key: String = family
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match key.as_str() {
        "arial" | "arialmt" | "helvetica" | "arimo" | "liberationsans" => Some("Liberation Sans"),
        "times" | "timesroman" | "timesnewroman" | "timesnewromanpsmt" | "tinos"
        | "liberationserif" => Some("Liberation Serif"),
        "courier" | "couriernew" | "couriernewpsmt" | "cousine" | "liberationmono" => {
            Some("Liberation Mono")
        }
        _ => None,
    }
}

pub const BUNDLED: &[Face] = &[
    face!(
        "Noto Serif",
        Role::Body,
        false,
        false,
        "NotoSerif-Regular.ttf"
    ),
    face!(
        "Noto Serif",
        Role::Body,
        false,
        true,
        "NotoSerif-Italic.ttf"
    ),
    face!("Noto Serif", Role::Body, true, false, "NotoSerif-Bold.ttf"),
    face!(
        "Noto Serif",
        Role::Body,
        true,
        true,
        "NotoSerif-BoldItalic.ttf"
    ),
    face!(
        "Noto Sans",
        Role::Heading,
        false,
        false,
        "NotoSans-Regular.ttf"
    ),
    face!(
        "Noto Sans",
        Role::Heading,
        false,
        true,
        "NotoSans-Italic.ttf"
    ),
    face!("Noto Sans", Role::Heading, true, false, "NotoSans-Bold.ttf"),
    face!(
        "Noto Sans",
        Role::Heading,
        true,
        true,
        "NotoSans-BoldItalic.ttf"
    ),
    face!(
        "Noto Sans Mono",
        Role::Code,
        false,
        false,
        "NotoSansMono-Regular.ttf"
    ),
    face!(
        "Noto Sans Mono",
        Role::Code,
        true,
        false,
        "NotoSansMono-Bold.ttf"
    ),
];

/// The bundled face for a role and style.
pub fn face(role: Role, bold: bool, italic: bool) -> &'static Face {
    BUNDLED
        .iter()
        .find(|f| f.role == role && f.bold == bold && f.italic == italic)
        .or_else(|| BUNDLED.iter().find(|f| f.role == role && f.bold == bold))
        .unwrap_or(&BUNDLED[0])
}

/// Whether face `index` of a font file maps `c` to a glyph.
pub fn has_char(bytes: &[u8], index: u32, c: char) -> bool {
    use skrifa::MetadataProvider;
    skrifa::FontRef::from_index(bytes, index)
        .ok()
        .and_then(|f| f.charmap().map(c))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_families_map_to_their_metric_twins() {
        assert_eq!(svg_stand_in("Helvetica"), Some("Liberation Sans"));
        assert_eq!(svg_stand_in("'ArialMT'"), Some("Liberation Sans"));
        assert_eq!(svg_stand_in("Times New Roman"), Some("Liberation Serif"));
        assert_eq!(svg_stand_in("courier new"), Some("Liberation Mono"));
        assert_eq!(svg_stand_in("Fira Sans"), None);
        for bytes in SVG_STAND_INS {
            assert!(skrifa::FontRef::new(bytes).is_ok());
        }
    }

    #[test]
    fn bundled_fonts_are_real_fonts() {
        for f in BUNDLED {
            // TrueType outlines start with version 1.0 (00 01 00 00).
            assert_eq!(&f.bytes[..4], &[0, 1, 0, 0], "{}", f.file_name);
        }
        assert_eq!(
            face(Role::Code, false, true).file_name,
            "NotoSansMono-Regular.ttf"
        );
    }
}

/// A font file the book brings (`[bindery.fonts]` or its `fonts/` folder).
#[derive(Debug, Clone)]
pub struct BookFont {
    /// Path relative to the book root, for messages.
    pub name: String,
    pub bytes: Vec<u8>,
    /// The role and style it is chosen for, or `None` for a fallback font.
    pub role: Option<(Role, bool, bool)>,
}

/// The book's fonts: the faces named in book.toml, then every other font file in `fonts/`.
/// A file that is not a font is an error naming it.
/// A problem with a face named in book.toml is placed at its key (`at_key("body")`, when
/// book.toml holds it).
pub fn read_book_fonts(
    fs: &crate::book::fs::BookFs,
    files: &crate::config::FontFiles,
    max_bytes: u64,
    at_key: &dyn Fn(&str) -> Option<crate::diag::Span>,
) -> (Vec<BookFont>, Vec<crate::diag::Diagnostic>) {
    use crate::diag::Diagnostic;
    let mut fonts = Vec::new();
    let mut errors = Vec::new();
    let mut named = std::collections::HashSet::new();
    let add = |path: std::path::PathBuf,
               role: Option<(Role, bool, bool)>,
               fonts: &mut Vec<BookFont>,
               errors: &mut Vec<Diagnostic>| {
        let name = fs.relative(&path);
        let limit = crate::book::fs::Limit {
            bytes: max_bytes,
            what: "a font",
            key: "max-font-file-mib",
        };
        match fs.read_bytes(&path, limit) {
            // A copy of a bundled face (this repository's own fonts/ folder) adds nothing.
            Ok(bytes) if role.is_none() && BUNDLED.iter().any(|b| b.bytes == bytes.as_slice()) => {}
            Ok(bytes) if is_font(&bytes) => fonts.push(BookFont { name, bytes, role }),
            Ok(_) => errors.push(
                Diagnostic::error(format!("{name} is not a font file"))
                    .in_file(fs.display(&path))
                    .hint("use a TrueType (.ttf) or OpenType (.otf) font, or remove the file from fonts/"),
            ),
            Err(d) => errors.push(d),
        }
    };
    for setting in files.faces() {
        let (key, rel) = (setting.key, setting.path);
        let place = |d: crate::diag::Diagnostic| match at_key(key) {
            Some(span) if d.span.is_none() => d.at(span),
            _ => d,
        };
        match fs.resolve(&fs.root, rel) {
            Ok(path) => {
                named.insert(path.clone());
                let before = errors.len();
                let style = (setting.role, setting.bold, setting.italic);
                add(path, Some(style), &mut fonts, &mut errors);
                for e in errors.iter_mut().skip(before) {
                    *e = place(e.clone());
                }
            }
            Err(d) => errors.push(place(d.hint(format!(
                "[bindery.fonts] {key} names a font file relative to the book folder"
            )))),
        }
    }
    let dir = fs.root.join("fonts");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            if !["ttf", "otf", "ttc", "otc"].contains(&ext.as_str()) || named.contains(&path) {
                continue;
            }
            match fs.resolve(
                &dir,
                &path.file_name().unwrap_or_default().to_string_lossy(),
            ) {
                Ok(p) => add(p, None, &mut fonts, &mut errors),
                Err(d) => errors.push(d),
            }
        }
    }
    (fonts, errors)
}

/// TrueType, OpenType (CFF) and collection signatures.
fn is_font(bytes: &[u8]) -> bool {
    bytes.len() > 12 && matches!(&bytes[..4], [0, 1, 0, 0] | b"OTTO" | b"true" | b"ttcf")
}
