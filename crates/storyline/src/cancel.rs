//! Stopping work that nobody waits for any more.
//!
//! A [`Cancel`] is a shared flag: whoever started the work (the server, when
//! a request times out or its client goes away) raises it, and the work
//! checks it between records, between stages and inside extraction, then
//! returns [`Error::Cancelled`]. A batch being written when the flag goes up
//! is rolled back whole, so nothing is half-stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// A flag that asks running work to stop. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Error::Cancelled)` once the flag is raised.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// A guard that raises the flag when dropped, unless it was
    /// [`disarmed`](CancelOnDrop::disarm): a request future dropped by a
    /// timeout drops its guard, and the work it started stops.
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(Some(self.clone()))
    }
}

/// Raises a [`Cancel`] when dropped (see [`Cancel::on_drop`]).
#[derive(Debug)]
pub struct CancelOnDrop(Option<Cancel>);

impl CancelOnDrop {
    /// The work finished: dropping the guard no longer cancels.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag_and_guards_raise_it() {
        let c = Cancel::new();
        assert!(c.check().is_ok());
        drop(c.on_drop());
        assert!(matches!(c.clone().check(), Err(Error::Cancelled)));
        let d = Cancel::new();
        d.on_drop().disarm();
        assert!(!d.is_cancelled());
    }
}
