//! How much memory the process uses, split the way a budget is set: the
//! program's own heap, SQLite's heap (its page cache, mostly), and the
//! database pages SQLite maps into memory, which the kernel counts as
//! resident but can drop at any time.

use serde::Serialize;

/// Memory in use, in bytes. Figures the platform does not give are `None`
/// (the resident set comes from `/proc/self/status`, on Linux).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MemoryUse {
    /// The program's heap (Rust allocations), when the binary counts them
    /// (the `storyline` CLI and server do).
    pub heap_bytes: Option<u64>,
    /// Its highest point so far.
    pub heap_peak_bytes: Option<u64>,
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

/// Where a binary's heap figures come from: `(in use, peak)`.
pub type HeapMeter = fn() -> (u64, u64);

impl MemoryUse {
    /// The process's memory now, with the heap from `heap` when given.
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
        let heap = heap.map(|f| f());
        MemoryUse {
            heap_bytes: heap.map(|h| h.0),
            heap_peak_bytes: heap.map(|h| h.1),
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
        let m = MemoryUse::now(Some(|| (1, 2)));
        assert_eq!((m.heap_bytes, m.heap_peak_bytes), (Some(1), Some(2)));
        assert!(m.sqlite_heap_peak_bytes >= m.sqlite_heap_bytes);
        if cfg!(target_os = "linux") {
            let (rss, peak) = (m.rss_bytes.unwrap(), m.rss_peak_bytes.unwrap());
            assert!(rss > 0 && peak >= rss, "{rss} {peak}");
            assert!(m.rss_anon_bytes.unwrap() + m.rss_file_bytes.unwrap() <= rss + 4096 * 1024);
        }
    }
}
