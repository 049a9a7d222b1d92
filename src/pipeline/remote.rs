//! The download stage (`--fetch-remote`, the runner's consent): every remote picture of
//! the book read from the downloads kept in the output folder, or downloaded (several at a
//! time) and kept; each that cannot be had becomes a placeholder with its address. The pictures
//! stage then decodes them like the book's own files.
//!
//! Without the flag or the key the book loads its remote pictures as links and this stage has
//! nothing to do: no request is ever made.

use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use super::load::Loaded;
use super::{Progress, Request, Run};
use crate::assets::downloads::Downloads;
use crate::assets::remote::{FetchFailure, FetchLimits, Fetcher, Reach};
use crate::diag::{Code, Diagnostic};
use crate::doc::{ImageId, PictureOrigin};
use crate::folder::Folder;

/// Downloads made at the same time: they wait on the network, not on the cores.
const AT_ONCE: usize = 8;

/// What the stage did, for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct RemoteCount {
    /// Remote pictures in the book.
    pub total: usize,
    /// Read from the downloads kept from an earlier build.
    pub kept: usize,
    /// Downloaded in this build.
    pub downloaded: usize,
}

impl RemoteCount {
    /// The note `build` and `check` print, when the book has remote pictures.
    pub fn note(&self) -> Option<String> {
        (self.total > 0).then(|| {
            let failed = self.total - self.kept - self.downloaded;
            format!(
                "{} remote pictures: {} from the downloads kept in the output folder, {} downloaded, {} shown as placeholders",
                self.total, self.kept, self.downloaded, failed
            )
        })
    }
}

/// Give every remote picture its bytes, or replace it by a placeholder.
pub(super) fn fetch(
    req: &Request,
    loaded: &mut Loaded,
    out_folder: Option<&Folder>,
    progress: &dyn Progress,
    run: &mut Run,
) -> RemoteCount {
    let remote: Vec<(usize, String)> = loaded
        .doc
        .images
        .iter()
        .enumerate()
        .filter_map(|(i, src)| match &src.origin {
            PictureOrigin::Web { url, .. } => Some((i, url.clone())),
            _ => None,
        })
        .collect();
    let mut count = RemoteCount {
        total: remote.len(),
        ..RemoteCount::default()
    };
    if remote.is_empty() {
        return count;
    }
    let limits = loaded.config.bindery.limits.clone();
    let max_bytes = limits.max_image_file_mib << 20;
    let downloads = match out_folder.filter(|_| !req.no_cache) {
        Some(folder) => Downloads::in_output_folder(folder, max_bytes, req.write),
        None => Downloads::off(),
    };
    if let Some(why) = downloads.refused() {
        run.diags.push(
            Diagnostic::warning(format!("the downloaded pictures are not kept: {why}"))
                .in_file(req.out_dir().join(".bindery-cache").join("remote"))
                .code(Code::PictureCache)
                .hint("remove it; bindery makes its own cache folder in the output folder"),
        );
    }
    // The command line says how far downloads go (the book cannot ask for them at all).
    let reach = req.fetch_remote.unwrap_or(Reach::Public);
    let fetcher = Fetcher::new(
        FetchLimits {
            max_bytes,
            timeout: Duration::from_secs(limits.fetch_timeout_seconds),
        },
        reach,
    );
    let mut to_download = Vec::new();
    let mut over_count = Vec::new();
    for (index, url) in &remote {
        if let Some(bytes) = downloads.get(url) {
            set_downloaded(loaded, *index, bytes);
            count.kept += 1;
        } else if (to_download.len() as u64) < limits.max_remote_pictures {
            to_download.push((*index, url.as_str()));
        } else {
            let why = format!(
                "the book has more than {} remote pictures to download",
                limits.max_remote_pictures
            );
            over_count.push((*index, Err(FetchFailure::OverLimit(why))));
        }
    }
    let results = download_all(&to_download, &fetcher, progress);
    for (index, result) in results.into_iter().chain(over_count) {
        match result {
            Ok(bytes) => {
                downloads.put(&remote_url(loaded, index), &bytes);
                set_downloaded(loaded, index, bytes);
                count.downloaded += 1;
            }
            Err(failure) => report(loaded, index, failure, run),
        }
    }
    downloads.keep_only(remote.iter().map(|(_, url)| url.as_str()));
    let gone: Vec<ImageId> = loaded
        .doc
        .images
        .iter()
        .enumerate()
        .filter(|(_, src)| {
            matches!(
                src.origin,
                PictureOrigin::Web {
                    downloaded: None,
                    ..
                }
            )
        })
        .map(|(i, _)| ImageId(i))
        .collect();
    loaded.doc.replace_pictures(&gone);
    run.clock.lap("downloads");
    count
}

/// Download every `(index, url)`, several at a time; the results in the same order.
fn download_all(
    to_download: &[(usize, &str)],
    fetcher: &Fetcher,
    progress: &dyn Progress,
) -> Vec<(usize, Result<Vec<u8>, FetchFailure>)> {
    if to_download.is_empty() {
        return Vec::new();
    }
    progress.stage("downloads", Some(to_download.len() as u64));
    let one = |(index, url): &(usize, &str)| {
        let got = fetcher.get(url);
        progress.step();
        (*index, got)
    };
    match pool() {
        Some(pool) => pool.install(|| to_download.par_iter().map(one).collect()),
        None => to_download.iter().map(one).collect(),
    }
}

/// A pool for the downloads, apart from the cores' pool (they wait on the network).
fn pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(AT_ONCE)
        .thread_name(|i| format!("bindery-download-{i}"))
        .build()
        .ok()
}

fn remote_url(loaded: &Loaded, index: usize) -> String {
    loaded.doc.images[index].rel_path.clone()
}

fn set_downloaded(loaded: &mut Loaded, index: usize, bytes: Vec<u8>) {
    if let PictureOrigin::Web { downloaded, .. } = &mut loaded.doc.images[index].origin {
        *downloaded = Some(Arc::from(bytes));
    }
}

/// A download that gave no picture: a warning and a placeholder, or an error for a limit.
fn report(loaded: &Loaded, index: usize, failure: FetchFailure, run: &mut Run) {
    let src = &loaded.doc.images[index];
    let d = match failure {
        FetchFailure::OverLimit(why) => Diagnostic::error(format!(
            "remote picture {}: {why}",
            src.rel_path
        ))
        .hint("save a smaller picture in the book and link it by its path, or raise the limit in [bindery.limits] in book.toml"),
        FetchFailure::Refused(why) => Diagnostic::warning(format!(
            "remote picture {} is not downloaded: {why}; a placeholder is shown",
            src.rel_path
        ))
        .code(Code::RemotePicture)
        .hint("if you trust the book, --fetch-remote=all also reaches this machine and private networks (only the command line can allow that)"),
        FetchFailure::Failed(why) => Diagnostic::warning(format!(
            "remote picture {} could not be downloaded: {why}; a placeholder is shown",
            src.rel_path
        ))
        .code(Code::RemotePicture)
        .hint("check the address, or save the picture in the book and link it by its path"),
    };
    run.diags.push(d.at(src.first_use));
}
