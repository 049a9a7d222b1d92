//! The fonts bundled in the binary (`fonts/` at the repository root; OFL, see `fonts/README.md`),
//! so a book without a `fonts/` folder of its own still gets full Vietnamese coverage.

/// What a face is used for in the book's styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    Heading,
    Code,
    /// Symbols and arrows the text faces lack (✓ ☐ ⚠ ↩ ∑): PDF fallback only.
    Symbol,
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
