//! Metadata cut out of pictures kept byte for byte: EXIF (with its GPS position), XMP, IPTC
//! and comments from a JPEG; text and eXIf chunks from a PNG. The image data is not touched.

pub(super) type JpegSegments = Vec<(u8, std::ops::Range<usize>)>;

/// The segments of a JPEG up to its first scan: `(marker, byte range)` for each header segment,
/// then the offset where the scan (the compressed image data) starts. `None` when the header is
/// malformed. Walking by segment lengths means an EXIF thumbnail (a whole JPEG inside APP1) is
/// never mistaken for the image.
pub(super) fn jpeg_segments(bytes: &[u8]) -> Option<(JpegSegments, usize)> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return None;
    }
    let mut segments = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0xDA {
            return Some((segments, i));
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            segments.push((marker, i..i + 2));
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let end = i + 2 + len;
        if len < 2 || end > bytes.len() {
            return None;
        }
        segments.push((marker, i..end));
        i = end;
    }
    None
}

/// True when an end-of-image marker follows the first scan. Inside entropy-coded data 0xFF is
/// always followed by 0x00 or a restart marker, so 0xFFD9 there is the real end.
pub(super) fn jpeg_has_end_marker(bytes: &[u8]) -> bool {
    jpeg_segments(bytes)
        .is_some_and(|(_, scan)| bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// Remove metadata segments from a JPEG, keeping the compressed image data byte for byte.
/// Kept: JFIF (APP0), ICC profile (APP2), Adobe (APP14) and every non-APP segment.
pub fn strip_jpeg_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let (segments, scan) = jpeg_segments(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    for (marker, range) in segments {
        // APP1 (EXIF, XMP), APP3-APP13 (IPTC…), APP15 and comments go; the rest stays.
        if !matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE) {
            out.extend_from_slice(&bytes[range]);
        }
    }
    out.extend_from_slice(&bytes[scan..]);
    Some(out)
}

/// Remove text, time and EXIF chunks from a PNG, keeping every other chunk as it is.
pub fn strip_png_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut i = SIGNATURE.len();
    while i + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().ok()?) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > bytes.len() {
            return None;
        }
        let kind = &bytes[i + 4..i + 8];
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf") {
            out.extend_from_slice(&bytes[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}
