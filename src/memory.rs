//! How freed memory goes back to the system: a process-wide allocator setting (glibc only), in
//! one place because the pipeline changes it between stages.

/// From here on, give every block of 128 KiB or more back to the system when it is freed.
///
/// glibc raises its mmap threshold each time a large block is freed, so large blocks end up in
/// the heap, where the worker threads' arenas fragment around them. Typesetting and writing
/// allocate many such blocks (a page's drawing, a chapter's lines, compressed streams), and with
/// the moving threshold peak memory grew faster than the book: a generated book of 1,296 pages
/// took 2.4 times the memory of its 649-page half; with the threshold pinned, 1.9 times. The
/// picture stage runs before this on purpose: it frees and reallocates buffers of many MiB per
/// photo, which the heap reuses quickly, and pinned from the start it was 20% slower.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// glibc's own initial threshold.
        const THRESHOLD: libc::c_int = 128 * 1024;
        // SAFETY: mallopt only changes allocator parameters and is thread-safe; a refusal
        // (return value 0) leaves glibc's behaviour as it was.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        }
    }
}
