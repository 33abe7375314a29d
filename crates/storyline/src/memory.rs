//! How much memory the process uses, split the way a budget is set: the
//! program's own heap, SQLite's heap (its page cache, mostly), and the
//! database pages SQLite maps into memory, which the kernel counts as
//! resident but can drop at any time.
//!
//! The library does not pick the allocator; a binary that does can
//! [`install`] how to read and trim it, so the figures and the trimming
//! after each watch pass follow whichever allocator is in use.

use std::sync::OnceLock;

use serde::Serialize;

/// Memory in use, in bytes. Figures the platform does not give are `None`
/// (the resident set comes from `/proc/self/status`, on Linux).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MemoryUse {
    /// The program's heap, when the binary [`install`]s a meter (the
    /// `storyline` binary does: jemalloc's allocated bytes, SQLite's
    /// included, since it serves every `malloc` of that process).
    pub heap_bytes: Option<u64>,
    /// Its highest point so far.
    pub heap_peak_bytes: Option<u64>,
    /// Memory the allocator holds resident beyond what is in use: freed
    /// but not yet handed back to the system, and its own bookkeeping.
    pub heap_held_bytes: Option<u64>,
    /// SQLite's own heap: page caches, statements, sorting.
    pub sqlite_heap_bytes: u64,
    /// Its highest point so far.
    pub sqlite_heap_peak_bytes: u64,
    /// Resident set (VmRSS).
    pub rss_bytes: Option<u64>,
    /// Highest resident set so far (VmHWM).
    pub rss_peak_bytes: Option<u64>,
    /// Resident anonymous memory (RssAnon): both heaps and stacks.
    pub rss_anon_bytes: Option<u64>,
    /// Resident file pages (RssFile): the memory-mapped database, and the
    /// binary itself.
    pub rss_file_bytes: Option<u64>,
}

/// A reading of the program's heap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapReading {
    /// Bytes allocated and not yet freed.
    pub in_use: u64,
    /// The highest `in_use` any reading has seen (jemalloc keeps no
    /// process-wide peak of its own; `rss_peak_bytes` is the kernel's).
    pub peak: u64,
    /// Bytes the allocator holds resident beyond `in_use`, when it says.
    pub held: Option<u64>,
}

/// Where a binary's heap figures come from.
pub type HeapMeter = fn() -> HeapReading;

/// What a binary tells the library about its allocator.
#[derive(Debug, Clone, Copy)]
pub struct AllocatorHooks {
    /// Reads the heap.
    pub meter: HeapMeter,
    /// Hands memory freed but still held back to the system.
    pub release: fn(),
}

static HOOKS: OnceLock<AllocatorHooks> = OnceLock::new();

/// Installs the process's allocator hooks; the first call wins.
pub fn install(hooks: AllocatorHooks) {
    let _ = HOOKS.set(hooks);
}

/// Hands memory the process freed back to the system: through the
/// installed allocator's hook, or glibc's `malloc_trim` when none is
/// installed. A long-running watcher or server calls it when idle, since
/// an allocator otherwise keeps the peak of every thread's arena.
pub fn release_freed() {
    if let Some(hooks) = HOOKS.get() {
        (hooks.release)();
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only walks glibc's own
    // free lists, under the allocator's locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

impl MemoryUse {
    /// The process's memory now, with the heap from `heap` when given, else
    /// from the installed allocator hooks.
    pub fn now(heap: Option<HeapMeter>) -> Self {
        let (sqlite_heap_bytes, sqlite_heap_peak_bytes) = crate::store::sqlite_heap();
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            let kb: u64 = line[name.len()..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kb * 1024)
        };
        let heap = heap.or(HOOKS.get().map(|h| h.meter)).map(|f| f());
        MemoryUse {
            heap_bytes: heap.map(|h| h.in_use),
            heap_peak_bytes: heap.map(|h| h.peak),
            heap_held_bytes: heap.and_then(|h| h.held),
            sqlite_heap_bytes,
            sqlite_heap_peak_bytes,
            rss_bytes: field("VmRSS:"),
            rss_peak_bytes: field("VmHWM:"),
            rss_anon_bytes: field("RssAnon:"),
            rss_file_bytes: field("RssFile:"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_process_memory() {
        let m = MemoryUse::now(Some(|| HeapReading {
            in_use: 1,
            peak: 2,
            held: Some(3),
        }));
        assert_eq!(
            (m.heap_bytes, m.heap_peak_bytes, m.heap_held_bytes),
            (Some(1), Some(2), Some(3))
        );
        assert!(m.sqlite_heap_peak_bytes >= m.sqlite_heap_bytes);
        if cfg!(target_os = "linux") {
            let (rss, peak) = (m.rss_bytes.unwrap(), m.rss_peak_bytes.unwrap());
            assert!(rss > 0 && peak >= rss, "{rss} {peak}");
            assert!(m.rss_anon_bytes.unwrap() + m.rss_file_bytes.unwrap() <= rss + 4096 * 1024);
        }
    }
}
