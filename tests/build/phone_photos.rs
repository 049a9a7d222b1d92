//! Photos as phones save them: HEIF with a grid of tiles, a rotation and a Display P3 profile, or
//! with transparency; JPEGs with a wide-gamut profile; AVIF, with a profile or transparency. Each
//! must appear upright and in the right colours, and
//! the EPUB must hold only what readers show (JPEG, PNG, SVG).

use crate::support::*;

/// An iPhone photo as the phone saved it (from the apple-hdr-heic project, MIT; see
/// tests/pictures/README.md): a grid of HEVC tiles, an `irot` rotation, a Display P3 profile.
const IPHONE_HEIC: &[u8] = include_bytes!("../pictures/iphone-grid-p3.heic");

/// The iPhone photo's colours in sRGB, as the mean of each cell of an 8 x 4 grid over the upright
/// picture, made with the reference tools (libheif 1.18 with libde265 to decode, LittleCMS to
/// convert its Display P3 profile to sRGB).
const IPHONE_SRGB_CELLS: [[[u8; 3]; 8]; 4] = [
    [
        [157, 176, 193],
        [151, 166, 184],
        [128, 143, 165],
        [115, 131, 155],
        [122, 135, 158],
        [118, 127, 144],
        [153, 162, 173],
        [158, 168, 179],
    ],
    [
        [103, 134, 167],
        [117, 141, 169],
        [117, 141, 169],
        [137, 150, 164],
        [214, 195, 169],
        [209, 185, 152],
        [225, 200, 161],
        [179, 171, 167],
    ],
    [
        [97, 121, 146],
        [82, 105, 128],
        [95, 117, 141],
        [112, 126, 145],
        [163, 147, 140],
        [193, 163, 128],
        [173, 155, 142],
        [143, 144, 145],
    ],
    [
        [117, 130, 141],
        [108, 121, 132],
        [85, 101, 117],
        [97, 109, 121],
        [123, 120, 122],
        [121, 115, 115],
        [112, 114, 118],
        [96, 107, 118],
    ],
];

/// A book of one chapter showing one picture, written to a temporary folder.
fn picture_book_dir(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let files = picture_book(name, bytes);
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    book(&refs)
}

/// The mean colour of each cell of a grid of `C` x `R` cells over `img` is within `tolerance`
/// levels of `want`, the reference tools' means.
fn assert_cells<const C: usize, const R: usize>(
    img: &image::RgbImage,
    want: &[[[u8; 3]; C]; R],
    tolerance: u8,
) {
    let (w, h) = img.dimensions();
    let (cols, rows) = (C as u32, R as u32);
    for (j, row) in want.iter().enumerate() {
        for (i, want) in row.iter().enumerate() {
            let (x0, x1) = (i as u32 * w / cols, (i as u32 + 1) * w / cols);
            let (y0, y1) = (j as u32 * h / rows, (j as u32 + 1) * h / rows);
            let mut sum = [0u64; 3];
            for y in y0..y1 {
                for x in x0..x1 {
                    for (s, v) in sum.iter_mut().zip(img.get_pixel(x, y).0) {
                        *s += u64::from(v);
                    }
                }
            }
            let n = u64::from((x1 - x0) * (y1 - y0));
            let cell = sum.map(|s| ((s + n / 2) / n) as u8);
            for c in 0..3 {
                assert!(
                    cell[c].abs_diff(want[c]) <= tolerance,
                    "cell ({i}, {j}): {cell:?}, the reference decoder and colour conversion say {want:?}"
                );
            }
        }
    }
}

/// The one picture in a built EPUB: its name and its pixels.
fn epub_picture(files: &[(String, Vec<u8>)]) -> (String, image::RgbImage) {
    let pictures: Vec<_> = files
        .iter()
        .filter(|(name, _)| name.contains("/images/") && !name.contains("cover"))
        .collect();
    assert_eq!(
        pictures.len(),
        1,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let (name, bytes) = pictures[0];
    let img = image::load_from_memory(bytes).unwrap().into_rgb8();
    (name.clone(), img)
}

/// Only JPEG, PNG and SVG pictures in the EPUB.
fn assert_readers_can_show_every_picture(files: &[(String, Vec<u8>)]) {
    for (name, _) in files.iter().filter(|(n, _)| n.contains("/images/")) {
        assert!(
            name.ends_with(".jpg") || name.ends_with(".png") || name.ends_with(".svg"),
            "{name} is not a format e-readers show"
        );
    }
}

/// A book showing one photo, built as EPUB and PDF with no warning: the EPUB's picture (a JPEG;
/// every picture in the EPUB one readers show) and the output folder.
fn built_photo(name: &str, bytes: &[u8]) -> (image::RgbImage, tempfile::TempDir) {
    let dir = picture_book_dir(name, bytes);
    let (run, out) = build_with(dir.path(), &["--format", "all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    assert_readers_can_show_every_picture(&files);
    let (name, img) = epub_picture(&files);
    assert!(name.ends_with(".jpg"), "{name}");
    (img, out)
}

#[test]
fn an_iphone_heic_grid_is_upright_and_in_srgb_in_both_outputs() {
    let (img, out) = built_photo("IMG_0001.HEIC", IPHONE_HEIC);
    // Upright: the tiles joined and the rotation applied give the landscape picture.
    assert_eq!(img.dimensions(), (1512, 850));
    assert_cells(&img, &IPHONE_SRGB_CELLS, 3);
    // The PDF shows it too, upright (landscape, at its print size): the book's one picture.
    let pdf = std::fs::read(out.path().join("book.pdf")).unwrap();
    let pdf = String::from_utf8_lossy(&pdf);
    let number = |key: &str| -> u32 {
        let at = pdf
            .find(key)
            .unwrap_or_else(|| panic!("no {key} in the PDF"))
            + key.len();
        pdf[at..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(pdf.contains("/DCTDecode"), "no JPEG in the PDF");
    let (w, h) = (number("/Width "), number("/Height "));
    assert!(
        w > h && (w as f32 / h as f32 - 1512.0 / 850.0).abs() < 0.01,
        "{w} x {h}"
    );
}

/// A JPEG with a Display P3 profile, one strongly saturated colour all over.
fn display_p3_jpeg(colour: [u8; 3]) -> Vec<u8> {
    let (w, h) = (64u16, 48u16);
    let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h))
        .flat_map(|_| colour)
        .collect();
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 95);
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    encoder.add_icc_profile(&p3).unwrap();
    encoder
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// Display P3 to sRGB from the published primaries (both D65, both with the sRGB curve), written
/// out here rather than taken from the library under test.
fn p3_to_srgb(p3: [u8; 3]) -> [u8; 3] {
    let linear = |v: f64| {
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let encoded = |v: f64| {
        let v = v.clamp(0.0, 1.0);
        if v <= 0.003_130_8 {
            v * 12.92
        } else {
            1.055 * v.powf(1.0 / 2.4) - 0.055
        }
    };
    let m = [
        [1.224_940_2, -0.224_940_2, 0.0],
        [-0.042_056_95, 1.042_056_95, 0.0],
        [-0.019_637_55, -0.078_636_05, 1.098_273_6],
    ];
    let l = p3.map(|c| linear(f64::from(c) / 255.0));
    let mut out = [0u8; 3];
    for (o, row) in out.iter_mut().zip(m) {
        *o = (encoded(row[0] * l[0] + row[1] * l[1] + row[2] * l[2]) * 255.0).round() as u8;
    }
    out
}

#[test]
fn a_display_p3_jpeg_is_converted_to_srgb_not_stripped_of_its_profile() {
    let p3 = [210, 70, 30];
    let want = p3_to_srgb(p3);
    // The colour is one where the two spaces differ: read as sRGB it would be visibly off.
    assert!(p3.iter().zip(want).any(|(a, b)| a.abs_diff(b) > 10));
    let dir = picture_book_dir("p3.jpg", &display_p3_jpeg(p3));
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let (_, img) = epub_picture(&files);
    let got = img.get_pixel(32, 24).0;
    for c in 0..3 {
        assert!(
            got[c].abs_diff(want[c]) <= 3,
            "P3 {p3:?} came out as {got:?}; in sRGB it is {want:?}"
        );
    }
}

/// An AVIF made here (libaom through libheif 1.18) from the bundled book's flower photo, 320 x
/// 200, with a Display P3 profile; its left third is one flat P3 colour, (40, 160, 200).
const FLOWER_P3_AVIF: &[u8] = include_bytes!("../pictures/flower-p3.avif");

/// The same picture with an alpha plane: its right half at half opacity.
const FLOWER_ALPHA_AVIF: &[u8] = include_bytes!("../pictures/flower-alpha.avif");

/// FLOWER_P3_AVIF in sRGB as the mean of each cell of a 4 x 2 grid, made with the reference tools
/// (libaom to decode, LittleCMS to convert the Display P3 profile). Unconverted, the first cell
/// would be (41, 160, 200) and the third (192, 143, 25).
const FLOWER_SRGB_CELLS: [[[u8; 3]; 4]; 2] = [
    [[0, 163, 204], [79, 97, 52], [200, 140, 0], [209, 165, 1]],
    [[0, 163, 204], [168, 169, 51], [241, 160, 0], [219, 134, 2]],
];

/// The flower AVIFs' cells are compared within 7 levels: the JPEG's chroma subsampling moves
/// saturated colours (the reference pixels saved as a JPEG of the same quality move by up to 5
/// levels); without the colour conversion the blue of three cells is 20 or more levels off.
const FLOWER_TOLERANCE: u8 = 7;

#[test]
fn an_avif_is_decoded_and_converted_to_srgb_in_both_outputs() {
    let (img, out) = built_photo("flower.avif", FLOWER_P3_AVIF);
    assert_eq!(img.dimensions(), (320, 200));
    assert_cells(&img, &FLOWER_SRGB_CELLS, FLOWER_TOLERANCE);
    let pdf = std::fs::read(out.path().join("book.pdf")).unwrap();
    assert!(
        pdf.windows(14).any(|w| w == b"/Subtype/Image"),
        "the PDF shows the picture"
    );
}

/// The flower at 161 x 101 (an odd width, 4:2:0 chroma), with the same Display P3 profile.
const FLOWER_ODD_AVIF: &[u8] = include_bytes!("../pictures/flower-odd.avif");

/// FLOWER_ODD_AVIF in sRGB by the reference tools, as FLOWER_SRGB_CELLS.
const FLOWER_ODD_SRGB_CELLS: [[[u8; 3]; 4]; 2] = [
    [[0, 163, 204], [78, 98, 55], [198, 138, 1], [209, 166, 1]],
    [[0, 163, 204], [166, 169, 53], [240, 160, 0], [220, 135, 3]],
];

#[test]
fn an_avif_of_odd_width_with_subsampled_colour_is_decoded_too() {
    let dir = picture_book_dir("odd.avif", FLOWER_ODD_AVIF);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let (name, img) = epub_picture(&read_zip(&out.path().join("book.epub")));
    assert!(name.ends_with(".jpg"), "{name}");
    assert_eq!(img.dimensions(), (161, 101));
    assert_cells(&img, &FLOWER_ODD_SRGB_CELLS, FLOWER_TOLERANCE);
}

/// A book showing one picture with transparency, built: the EPUB's picture, which must be a PNG.
fn built_sticker(name: &str, bytes: &[u8]) -> image::RgbaImage {
    let dir = picture_book_dir(name, bytes);
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let (name, bytes) = files
        .iter()
        .find(|(n, _)| n.contains("sticker"))
        .expect("the picture is in the EPUB");
    assert!(name.ends_with(".png"), "{name}");
    image::load_from_memory(bytes).unwrap().into_rgba8()
}

#[test]
fn an_avif_with_alpha_becomes_a_png_that_keeps_it() {
    let img = built_sticker("sticker.avif", FLOWER_ALPHA_AVIF);
    assert_eq!(img.get_pixel(40, 100).0[3], 255, "the opaque half");
    assert!(
        img.get_pixel(280, 100).0[3].abs_diff(128) <= 2,
        "the half-transparent half"
    );
}

#[test]
fn a_damaged_avif_says_what_to_do_and_is_a_placeholder() {
    let mut avif = Vec::new();
    avif.extend(28u32.to_be_bytes());
    avif.extend(b"ftypavif\0\0\0\0avifmif1miaf");
    avif.extend(b"\0\0\0\x08meta");
    warns_with_owned(
        picture_book("photo.avif", &avif),
        &[
            "picture pictures/photo.avif: the photo's HEIF container does not parse",
            "copy or export it again",
            "src/a.md:5:1",
        ],
    );
    // Cut short: the container parses no more, and nothing panics.
    let mut cut = FLOWER_P3_AVIF.to_vec();
    cut.truncate(cut.len() / 2);
    warns_with_owned(
        picture_book("cut.avif", &cut),
        &["picture pictures/cut.avif:"],
    );
}

#[test]
fn a_heif_with_transparency_becomes_a_png_that_keeps_it() {
    // Left half transparent, right half opaque red: encoded by a second HEIF implementation
    // (heifer's encoder writes the alpha plane as its own image, as phones and editors do).
    let (w, h) = (32u32, 16u32);
    let rgba: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            if i % w < w / 2 {
                [0, 0, 0, 0]
            } else {
                [220, 30, 30, 255]
            }
        })
        .collect();
    let heif = heifer::encode_rgba8(w, h, &rgba, &heifer::EncodeOptions::default()).unwrap();
    let img = built_sticker("sticker.heic", &heif);
    assert_eq!(img.get_pixel(2, 8).0[3], 0, "the transparent half");
    let right = img.get_pixel(28, 8).0;
    assert!(
        right[3] == 255 && right[0] > 180 && right[1] < 80,
        "{right:?}"
    );
}

#[test]
fn a_heic_over_the_pixel_limit_is_refused_before_it_is_decoded() {
    // The iPhone photo is 1512 x 850 = 1.29 megapixels; the limit is read from the container.
    let dir = picture_book_dir("IMG_0001.HEIC", IPHONE_HEIC);
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"T\"\n[bindery.limits]\nmax-image-pixels = 1000000\n",
    )
    .unwrap();
    let (run, out) = build(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    for said in [
        "picture pictures/IMG_0001.HEIC",
        "over the limit",
        "max-image-pixels",
    ] {
        assert!(run.stderr.contains(said), "{said:?} not in {}", run.stderr);
    }
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
}
