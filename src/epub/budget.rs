//! The EPUB's size budget (`[bindery.epub] max-epub-mib`): when the book is over it, its
//! pictures are made again, smaller, until it fits, and a note says what was done.

use crate::assets::cache::PictureCache;
use crate::assets::images;
use crate::assets::picture::{PictureSettings, Processed};
use crate::doc::Document;
use crate::Error;

/// The steps by which pictures are made smaller to bring an EPUB under its size budget: long
/// edge in pixels, JPEG quality. Each is still sharp on a 6-inch reader's 1072 x 1448 screen
/// down to the last.
const BUDGET_STEPS: [(u32, u8); 5] = [(1400, 80), (1200, 75), (1000, 70), (900, 65), (800, 60)];

/// Keep the EPUB under `[bindery.epub] max-epub-mib`: when it is over, the pictures are made
/// again from their sources at the next smaller step until the book fits, and a note says what
/// was done. Returns the EPUB and that note.
pub fn fit_epub_budget(
    doc: &Document,
    bytes: Vec<u8>,
    processed: &[Processed],
    settings: &PictureSettings,
    config: &crate::config::Config,
    options: &super::Options,
) -> Result<(Vec<u8>, Option<String>), Error> {
    let budget = config.bindery.epub.max_epub_mib << 20;
    if budget == 0 || bytes.len() as u64 <= budget {
        return Ok((bytes, None));
    }
    let mib = |n: u64| n as f64 / f64::from(1 << 20);
    let first = bytes.len() as u64;
    let pictures = |p: &[Processed]| p.iter().map(|p| p.bytes.len() as u64).sum::<u64>();
    // What is not pictures (text, fonts, the cover) stays the same at every step.
    let rest = first.saturating_sub(pictures(processed));
    let mut chosen = None;
    let now = pictures(processed) as f64;
    for (edge, quality) in BUDGET_STEPS {
        if edge >= settings.max_edge {
            continue;
        }
        // A picture's bytes go roughly with its area (less, as the quality drops too): steps
        // that cannot fit by that measure, with a tenth to spare, are not tried (each try
        // decodes every picture again). The last step is always tried.
        let scale = f64::from(edge) / f64::from(settings.max_edge);
        let last = Some(&(edge, quality)) == BUDGET_STEPS.last();
        if rest as f64 + now * scale * scale > budget as f64 * 1.1 && !last {
            continue;
        }
        let step = PictureSettings {
            max_edge: edge,
            jpeg_quality: quality.min(settings.jpeg_quality),
            ..settings.clone()
        };
        let smaller: Vec<Processed> = images::process_all(&doc.images, &step, &PictureCache::off())
            .into_iter()
            .zip(processed)
            .map(|(r, old)| r.unwrap_or_else(|_| old.clone()))
            .collect();
        let fits = rest + pictures(&smaller) <= budget;
        chosen = Some((step, smaller));
        if fits {
            break;
        }
    }
    let Some((step, smaller)) = chosen else {
        return Ok((bytes, Some(format!(
            "the EPUB is {:.1} MiB, over the budget of {} MiB, and its pictures cannot be made smaller than {} px; raise [bindery.epub] max-epub-mib or set it to 0",
            mib(first), config.bindery.epub.max_epub_mib, settings.max_edge
        ))));
    };
    let bytes = super::write(doc, &smaller, options)?;
    let now = bytes.len() as u64;
    let outcome = if now <= budget {
        "to fit".to_string()
    } else {
        "but it is still over: raise the budget, or use fewer or smaller pictures".to_string()
    };
    Ok((
        bytes,
        Some(format!(
            "the EPUB would be {:.1} MiB, over the budget of {} MiB ([bindery.epub] max-epub-mib): its pictures were made {} px on the long edge at JPEG quality {} {outcome} ({:.1} MiB)",
            mib(first),
            config.bindery.epub.max_epub_mib,
            step.max_edge,
            step.jpeg_quality,
            mib(now)
        )),
    ))
}
