//! The binary's allocator: jemalloc, for every `malloc` in the process
//! (SQLite's too), with background threads that hand freed pages back to the
//! system a few seconds after they fall idle. glibc's malloc kept a long
//! watcher's freed memory in per-thread arenas, fragmented, and its RSS grew
//! by about 22 MB an hour although the heap in use did not.

use std::sync::atomic::{AtomicU64, Ordering};

use storyline::memory::{AllocatorHooks, HeapReading};

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Tells the library how to read and trim this allocator.
pub fn install() {
    storyline::memory::install(AllocatorHooks {
        meter: heap,
        release,
    });
}

static PEAK: AtomicU64 = AtomicU64::new(0);

fn heap() -> HeapReading {
    use tikv_jemalloc_ctl::{epoch, stats};
    // jemalloc's statistics are a snapshot taken when the epoch advances.
    let _ = epoch::advance();
    let in_use = stats::allocated::read().unwrap_or(0) as u64;
    let resident = stats::resident::read().ok().map(|r| r as u64);
    let peak = PEAK.fetch_max(in_use, Ordering::Relaxed).max(in_use);
    HeapReading {
        in_use,
        peak,
        held: resident.map(|r| r.saturating_sub(in_use)),
    }
}

/// Purges every arena's unused dirty pages now, rather than when their
/// decay time runs out.
fn release() {
    // "arena.<MALLCTL_ARENAS_ALL>.purge", 4096 being MALLCTL_ARENAS_ALL.
    let name = c"arena.4096.purge";
    // SAFETY: a purge reads and writes no value, so every pointer is null;
    // the name is NUL-terminated.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            name.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_trims_jemalloc() {
        // Other tests of this binary allocate meanwhile, a few MB at most.
        const BLOCK: u64 = 256 << 20;
        const SLACK: u64 = 32 << 20;
        let before = heap();
        let block = vec![7u8; BLOCK as usize];
        let during = heap();
        assert!(
            during.in_use + SLACK >= before.in_use + BLOCK,
            "{before:?} {during:?}"
        );
        assert!(during.peak >= during.in_use);
        assert_eq!(block[BLOCK as usize - 1], 7);
        drop(block);
        release();
        let after = heap();
        assert!(after.in_use + BLOCK <= during.in_use + SLACK, "{after:?}");
        assert!(after.held.is_some());
    }
}
