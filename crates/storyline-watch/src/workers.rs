//! A fixed set of long-lived threads for the watcher's blocking work
//! (extraction and the stages, reading listings, the store's calls).
//!
//! Why not tokio's blocking pool: it ends a thread idle for 10 s and starts
//! a new one for the next call, so over a long watch every call lands on a
//! thread never seen before. Caches kept per thread by the libraries the
//! stages use grow with that: each `regex` keeps a matching cache (its lazy
//! DFA, up to 2 MiB a direction) for its first thread and a stack of them
//! for the others, spread over 8 slots by thread id, so fresh thread ids
//! keep adding caches to slots that had none, and each fills slowly. heaptrack over the soak harness found the page
//! furniture regexes' caches alone growing 1.3 MB every 10 minutes (12 MB
//! live at minute 6). On a few threads that live as long as the watcher,
//! there are at most as many caches as threads, and they fill early.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

type Task = Box<dyn FnOnce() + Send>;

/// Threads that run closures handed to them, in the order given; they end
/// when the `Workers` is dropped (after the closures queued by then).
pub(crate) struct Workers {
    tx: Mutex<Sender<Task>>,
}

impl Workers {
    /// `threads` threads (at least one), named `name-N`.
    pub(crate) fn new(threads: usize, name: &str) -> std::io::Result<Workers> {
        let threads = threads.max(1);
        let (tx, rx) = channel::<Task>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || work(&rx))?;
        }
        Ok(Workers { tx: Mutex::new(tx) })
    }

    /// Runs `f` on one of the threads and waits for it without blocking the
    /// runtime. A panic in `f` comes back as an error with its message (the
    /// thread goes on with the next closure).
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task: Task = Box::new(move || {
            let out = catch_unwind(AssertUnwindSafe(f))
                .map_err(|p| format!("it panicked: {}", crate::watch::panic_message(&*p)));
            let _ = tx.send(out);
        });
        let sent = self.tx.lock().unwrap_or_else(|p| p.into_inner()).send(task);
        if sent.is_err() {
            return Err("the worker threads have stopped".into());
        }
        rx.await
            .map_err(|_| "the worker thread dropped the call".to_string())?
    }
}

fn work(rx: &Mutex<Receiver<Task>>) {
    loop {
        // The lock is released before the task runs, so the others can
        // take the next one meanwhile.
        let task = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
        match task {
            Ok(task) => task(),
            Err(_) => return,
        }
    }
}
