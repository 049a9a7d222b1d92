//! The pictures stage: every picture decoded once (or read back from the cache), in one variant
//! per output, with a placeholder for each that cannot be used; then the cover at its own size.

use std::path::PathBuf;

use super::load::{modified_time, Loaded};
use super::{Progress, Request, Run};
use crate::assets::cache::PictureCache;
use crate::assets::images;
use crate::assets::picture::{PictureSettings, Processed};
use crate::diag::{Code, Diagnostic};
use crate::folder::Folder;
use crate::{epub, pdf, Error};

/// The pictures made for the outputs, in the order of the book's pictures.
pub(super) struct Pictures {
    /// At the EPUB's long edge (the cover at its own).
    pub epub: Vec<Processed>,
    /// At the PDF's print size.
    pub pdf: Vec<Processed>,
    pub settings: PictureSettings,
    /// What the cache has to say (entries made again).
    pub notes: Vec<String>,
}

/// Make every picture, with the cache of the output folder when there is one, and date the
/// book (from `SOURCE_DATE_EPOCH` or its newest source).
pub(super) fn make(
    req: &Request,
    loaded: &mut Loaded,
    out_folder: Option<&Folder>,
    progress: &dyn Progress,
    run: &mut Run,
) -> Result<Pictures, Error> {
    let config = &loaded.config;
    let settings = PictureSettings {
        max_edge: config.bindery.epub.max_image_edge,
        jpeg_quality: config.bindery.epub.jpeg_quality,
        max_pixels: config.bindery.limits.max_image_pixels,
        max_memory: config.bindery.limits.max_image_memory_mib << 20,
    };
    // One decode per picture, one variant per output: the EPUB's long edge, and the PDF's print
    // resolution at the largest size a picture can be placed.
    let wants = loaded.wants;
    let mut edges = Vec::new();
    if wants.epub || !wants.typeset {
        edges.push(config.bindery.epub.max_image_edge);
    }
    if wants.typeset {
        edges.push(pdf::print_edge(&config.bindery.pdf));
    }
    let doc = &mut loaded.doc;
    let mut paths: Vec<PathBuf> = loaded.files_read.clone();
    paths.extend(
        doc.images
            .iter()
            .filter_map(|i| i.file())
            .map(PathBuf::from),
    );
    let cache = cache(
        req,
        largest_cache_entry(config, edges.len()),
        out_folder,
        config,
        run,
    );
    progress.stage("pictures", Some(doc.images.len() as u64));
    let results =
        images::process_all_variants(&doc.images, &settings, &edges, &cache, &|| progress.step());
    let mut made = Pictures {
        epub: Vec::with_capacity(doc.images.len()),
        pdf: Vec::with_capacity(doc.images.len()),
        settings,
        notes: Vec::new(),
    };
    let mut failed = Vec::new();
    for (index, result) in results.into_iter().enumerate() {
        match result {
            Ok(mut v) => {
                for what in v.first().map(|p| p.removed.clone()).unwrap_or_default() {
                    let image = &doc.images[index];
                    run.diags.push(
                        Diagnostic::warning(format!("picture {}: {what}", image.rel_path))
                            .at(image.first_use)
                            .code(Code::PictureContent)
                            .hint("the drawing is shown without it; remove it from the SVG (or export the drawing as PNG) to silence this"),
                    );
                }
                let last = v.pop().expect("one variant per edge");
                made.epub.push(v.pop().unwrap_or_else(|| last.clone()));
                made.pdf.push(last);
            }
            Err(d) => {
                // A damaged picture is shown as a placeholder; a limit exceeded stops the build.
                failed.push(crate::doc::ImageId(index));
                run.diags.push(d);
            }
        }
    }
    doc.replace_pictures(&failed);
    // The cover is shown full screen and by stores at up to 2560 pixels: it keeps more of its
    // pixels than the pictures in the text.
    if let Some(c) = doc.meta.cover.filter(|_| wants.epub) {
        let cover = PictureSettings {
            max_edge: epub::cover::HEIGHT.max(made.settings.max_edge),
            ..made.settings.clone()
        };
        let one = &doc.images[c.0..=c.0];
        if let Some(Ok(p)) = images::process_all(one, &cover, &cache).pop() {
            made.epub[c.0] = p;
        }
    }
    cache.trim();
    if cache.repaired() > 0 {
        made.notes.push(format!(
            "{} picture cache entries were damaged or not made here; the pictures were made again from their sources and the entries replaced",
            cache.repaired()
        ));
    }
    crate::memory::return_large_blocks_to_the_system();
    run.clock.lap("pictures");
    doc.meta.modified = modified_time(&paths)?;
    Ok(made)
}

/// The largest cache entry that can be sound: one variant per edge and the source, each within
/// the limit of a picture file.
fn largest_cache_entry(config: &crate::config::Config, variants: usize) -> u64 {
    (variants as u64 + 1) * (config.bindery.limits.max_image_file_mib << 20)
}

/// The picture cache in the output folder: pictures made for an earlier build of these outputs
/// are read back, not decoded. `bindery check` only reads it; `--no-cache` leaves it alone.
fn cache(
    req: &Request,
    max_entry: u64,
    out_folder: Option<&Folder>,
    config: &crate::config::Config,
    run: &mut Run,
) -> PictureCache {
    let cache = match out_folder.filter(|_| !req.no_cache) {
        Some(folder) => PictureCache::in_output_folder(
            folder,
            config.bindery.cache_mib << 20,
            max_entry,
            req.write,
        ),
        None => PictureCache::off(),
    };
    if let Some(why) = cache.refused() {
        let out_dir = req.out_dir();
        run.diags.push(
            Diagnostic::warning(format!("the picture cache is not used: {why}"))
                .in_file(out_dir.join(".bindery-cache"))
                .code(Code::PictureCache)
                .hint("remove it; bindery makes its own cache folder in the output folder"),
        );
    }
    cache
}
