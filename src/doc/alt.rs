//! What an alt text says: the judgement behind the `alt-text` warning and the EPUB's
//! accessibility summary.

/// Alt text that says nothing about the picture: empty, `image1`, `IMG_2041`, `photo`, `screenshot 3`.
pub fn is_placeholder_alt(alt: &str) -> bool {
    let a = alt.trim().to_lowercase();
    if a.is_empty() {
        return true;
    }
    let stem = a.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '_' || c == '-');
    let stem = stem.rsplit_once('.').map_or(stem, |(s, ext)| {
        if ["jpg", "jpeg", "png", "gif", "webp"].contains(&ext) {
            s
        } else {
            stem
        }
    });
    let stem =
        stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_' || c == '-' || c == ' ');
    [
        "",
        "image",
        "img",
        "photo",
        "picture",
        "pic",
        "figure",
        "fig",
        "screenshot",
        "untitled",
        "dsc",
        "dscn",
    ]
    .contains(&stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_alt_texts() {
        for alt in [
            "",
            "image1",
            "Image 2",
            "IMG_2041",
            "photo",
            "screenshot-3",
            "DSC0001.jpg",
        ] {
            assert!(is_placeholder_alt(alt), "{alt}");
        }
        for alt in ["Keynote hall in Denver", "Zuul dashboard"] {
            assert!(!is_placeholder_alt(alt), "{alt}");
        }
    }
}
