//! Politeness per host: one request in flight, a least time between the
//! starts of two requests (the configured delay or the robots.txt
//! Crawl-delay, whichever is longer), a pause when the host answered 429 or
//! 503, and its robots.txt.
//!
//! The spacing is a GCRA rate limiter (governor) with a burst of one, one
//! per host, rebuilt when robots.txt names a longer delay; the one-in-flight
//! rule is a FIFO mutex held for the whole request, body included.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::FetchError;

/// The politeness state of every host seen, keyed by `host:port`.
pub(crate) struct Hosts {
    map: Mutex<HashMap<String, Arc<Host>>>,
    delay: Duration,
    idle_limit: Duration,
}

impl Hosts {
    pub(crate) fn new(delay: Duration, idle_limit: Duration) -> Self {
        Hosts {
            map: Mutex::new(HashMap::new()),
            delay,
            idle_limit,
        }
    }

    /// The host's state, created on first sight. Hosts idle for longer than
    /// robots.txt is trusted are forgotten now and then, so a long watch
    /// over changing links does not keep every host it ever met.
    pub(crate) fn get(&self, key: &str) -> Arc<Host> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 1024 && map.len().is_power_of_two() {
            let limit = self.idle_limit;
            map.retain(|_, h| Arc::strong_count(h) > 1 || h.idle() < limit);
        }
        map.entry(key.to_string())
            .or_insert_with(|| Arc::new(Host::new(self.delay)))
            .clone()
    }

    /// Hosts known.
    pub(crate) fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// One host's politeness state.
pub(crate) struct Host {
    turn: Arc<AsyncMutex<()>>,
    pace: Mutex<Pace>,
    /// The host's robots.txt once read; one fetch of it at a time.
    pub(crate) robots: AsyncMutex<Option<crate::fetch::Robots>>,
}

struct Pace {
    delay: Duration,
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
    blocked_until: Option<(Instant, u16)>,
    last_used: Instant,
}

fn limiter(delay: Duration) -> Option<Arc<DefaultDirectRateLimiter>> {
    let quota = Quota::with_period(delay)?.allow_burst(NonZeroU32::MIN);
    Some(Arc::new(RateLimiter::direct(quota)))
}

/// A request's turn at its host: while it is held, no other request to the
/// host starts.
pub(crate) struct Turn {
    _guard: OwnedMutexGuard<()>,
    host: Arc<Host>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.host.pace().last_used = Instant::now();
    }
}

impl Host {
    fn new(delay: Duration) -> Self {
        Host {
            turn: Arc::new(AsyncMutex::new(())),
            pace: Mutex::new(Pace {
                delay,
                limiter: limiter(delay),
                blocked_until: None,
                last_used: Instant::now(),
            }),
            robots: AsyncMutex::new(None),
        }
    }

    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn idle(&self) -> Duration {
        self.pace().last_used.elapsed()
    }

    /// Waits for this host's turn: the request before it finished, the
    /// delay since that request started has passed, and any pause the host
    /// asked for is over. A pause longer than `max_wait` is not waited
    /// out: the request fails with [`FetchError::Throttled`] at once.
    pub(crate) async fn take_turn(
        self: &Arc<Self>,
        max_wait: Duration,
    ) -> Result<Turn, FetchError> {
        let guard = self.turn.clone().lock_owned().await;
        let (blocked, limiter) = {
            let pace = self.pace();
            (pace.blocked_until, pace.limiter.clone())
        };
        if let Some((until, status)) = blocked {
            let wait = until.saturating_duration_since(Instant::now());
            if wait > max_wait {
                return Err(FetchError::Throttled { status, wait });
            }
            tokio::time::sleep(wait).await;
        }
        if let Some(l) = limiter {
            l.until_ready().await;
        }
        Ok(Turn {
            _guard: guard,
            host: self.clone(),
        })
    }

    /// Makes the least time between requests `delay` (at least the
    /// configured one). The new limiter starts with its one cell spent, so
    /// the request after the robots.txt that set it waits a full delay.
    pub(crate) fn slow_to(&self, delay: Duration) {
        let mut pace = self.pace();
        if delay <= pace.delay {
            return;
        }
        pace.delay = delay;
        pace.limiter = limiter(delay);
        if let Some(l) = &pace.limiter {
            let _ = l.check();
        }
    }

    /// Pauses the host for `wait` (a 429 or 503, `status`, asked for it).
    pub(crate) fn pause(&self, wait: Duration, status: u16) {
        let until = Instant::now() + wait;
        let mut pace = self.pace();
        if pace.blocked_until.is_none_or(|(b, _)| b < until) {
            pace.blocked_until = Some((until, status));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_at_a_time_with_a_delay_between_starts() {
        let hosts = Hosts::new(Duration::from_millis(100), Duration::from_secs(60));
        let host = hosts.get("a.example:80");
        let started = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..4 {
            let turn = host.take_turn(Duration::from_secs(1)).await.unwrap();
            starts.push(started.elapsed());
            drop(turn);
        }
        for w in starts.windows(2) {
            assert!(w[1] - w[0] >= Duration::from_millis(95), "{starts:?}");
        }
        // A longer crawl delay takes over, counting from now.
        host.slow_to(Duration::from_millis(300));
        let t = Instant::now();
        drop(host.take_turn(Duration::from_secs(1)).await.unwrap());
        assert!(t.elapsed() >= Duration::from_millis(290));
        assert_eq!(hosts.len(), 1);
    }

    #[tokio::test]
    async fn a_long_pause_is_not_waited_out() {
        let hosts = Hosts::new(Duration::ZERO, Duration::from_secs(60));
        let host = hosts.get("b.example:80");
        host.pause(Duration::from_secs(30), 429);
        match host.take_turn(Duration::from_secs(1)).await {
            Err(FetchError::Throttled { wait, .. }) => assert!(wait > Duration::from_secs(25)),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("should not wait 30 s"),
        }
        let other = hosts.get("c.example:80");
        other.pause(Duration::from_millis(150), 503);
        let t = Instant::now();
        drop(other.take_turn(Duration::from_secs(1)).await.unwrap());
        assert!(t.elapsed() >= Duration::from_millis(140));
    }
}
