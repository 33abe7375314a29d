//! Which addresses watching may reach. A source list is user input, and a
//! feed's links are a stranger's: without a check, `http://169.254.169.254/`
//! in a feed would make a server that watches feeds read its own cloud
//! metadata, and `http://10.0.0.5/admin` would reach into its network.
//!
//! Two gates close that door, and both see every hop of a redirect chain:
//! [`check_url`] refuses other schemes and IP-literal hosts in a private
//! range before a request is made, and [`GuardedResolver`] (the HTTP
//! client's only resolver) drops private addresses from what a host name
//! resolves to. The client connects only to addresses the resolver
//! returned, so a name that resolves to a public address when checked and a
//! private one when used (DNS rebinding) cannot slip through: there is one
//! resolution, and it is the checked one.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::FetchError;

/// How the resolver's refusals start, so the fetcher can tell them from
/// other connection errors.
pub(crate) const REFUSED_MARK: &str = "address refused: ";

/// Which addresses may be fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Reach private, loopback and link-local addresses too
    /// (`--allow-private`): for a watcher on a trusted network, and tests.
    pub allow_private: bool,
    /// Addresses allowed even when private ones are not (a test's fixture
    /// site on 127.0.0.1, while 127.0.0.2 stays out of reach).
    pub allowed: Vec<IpAddr>,
}

impl AddressPolicy {
    /// Whether `ip` may be reached; `Err` says why not.
    pub fn check(&self, ip: IpAddr) -> Result<(), String> {
        if self.allow_private || self.allowed.contains(&ip) {
            return Ok(());
        }
        match special_range(ip) {
            None => Ok(()),
            Some(range) => Err(format!(
                "{ip} is {range}, not a public address (see --allow-private)"
            )),
        }
    }
}

/// The kind of non-public range `ip` is in, or `None` for a public address.
pub fn special_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => {
            // An IPv4 address written as IPv6 (mapped, compatible, NAT64)
            // is that IPv4 address.
            if let Some(v4) = embedded_v4(v6) {
                return v4_range(v4);
            }
            v6_range(v6)
        }
    }
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, ..) => "in 0.0.0.0/8 (this network)",
        (10, ..) => "a private address (10.0.0.0/8)",
        (100, 64..=127, _) => "a shared address (100.64.0.0/10, carrier-grade NAT)",
        (127, ..) => "a loopback address",
        (169, 254, _) => "a link-local address (169.254.0.0/16, cloud metadata lives here)",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 0, 0) => "an IETF protocol address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a 6to4 relay address",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, ..) => "a multicast address",
        (240..=255, ..) => "a reserved address (240.0.0.0/4)",
        _ => return None,
    })
}

fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated;
        // :: and ::1 are themselves, below).
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => Some(tail),
        // 64:ff9b::a.b.c.d (NAT64) reaches a.b.c.d.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        _ => None,
    }
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    Some(if ip.is_unspecified() {
        "the unspecified address"
    } else if ip.is_loopback() {
        "a loopback address"
    } else if s[0] & 0xfe00 == 0xfc00 {
        "a unique local address (fc00::/7)"
    } else if s[0] & 0xffc0 == 0xfe80 || s[0] & 0xffc0 == 0xfec0 {
        "a link-local address"
    } else if s[0] & 0xff00 == 0xff00 {
        "a multicast address"
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        "a documentation address"
    } else if s[0] == 0x2002 {
        // 6to4 embeds an IPv4 address in the next 32 bits.
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return v4_range(v4).map(|_| "a 6to4 address of a non-public IPv4 address");
    } else {
        return None;
    })
}

/// Refuses what must not be fetched before any request: schemes other than
/// http(s), URLs with credentials, and IP-literal hosts the policy forbids
/// (those never reach the resolver).
pub fn check_url(url: &Url, policy: &AddressPolicy) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Refused(format!(
            "{}: only http and https are fetched",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::Refused(
            "URLs with credentials are not fetched".into(),
        ));
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(Host::Domain(_)) => return Ok(()),
        None => return Err(FetchError::Refused("no host".into())),
    };
    policy.check(ip).map_err(FetchError::Refused)
}

/// The HTTP client's resolver: the system's (getaddrinfo, through tokio),
/// with every address the policy forbids dropped. A name left with no
/// address fails with a message saying why.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    policy: Arc<AddressPolicy>,
}

impl GuardedResolver {
    /// A resolver enforcing `policy`.
    pub fn new(policy: Arc<AddressPolicy>) -> Self {
        GuardedResolver { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let kept: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match policy.check(a.ip()) {
                    Ok(()) => true,
                    Err(why) => {
                        refused.get_or_insert(why);
                        false
                    }
                })
                .collect();
            if kept.is_empty() {
                let why = refused.unwrap_or_else(|| "no address".into());
                return Err(format!("{REFUSED_MARK}{host} resolves to {why}").into());
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(s: &str) -> bool {
        special_range(s.parse().unwrap()).is_some()
    }

    #[test]
    fn private_ranges_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:c0a8:0101::1",
        ] {
            assert!(forbidden(ip), "{ip} should be refused");
        }
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert!(!forbidden(ip), "{ip} is public");
        }
    }

    #[test]
    fn urls_are_checked_before_any_request() {
        let strict = AddressPolicy::default();
        let ok = |u: &str| check_url(&Url::parse(u).unwrap(), &strict).is_ok();
        assert!(ok("https://example.com/feed"));
        assert!(!ok("http://127.0.0.1/"));
        // The URL parser normalises odd IPv4 spellings, so they are caught.
        assert!(!ok("http://2130706433/"));
        assert!(!ok("http://0x7f.1/"));
        assert!(!ok("http://[::ffff:7f00:1]/"));
        assert!(!ok("http://[::1]:8080/"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("ftp://example.com/x"));
        assert!(!ok("http://user:pw@example.com/"));
        let fixture = AddressPolicy {
            allow_private: false,
            allowed: vec!["127.0.0.1".parse().unwrap()],
        };
        assert!(check_url(&Url::parse("http://127.0.0.1:9/").unwrap(), &fixture).is_ok());
        assert!(check_url(&Url::parse("http://127.0.0.2:9/").unwrap(), &fixture).is_err());
        let open = AddressPolicy {
            allow_private: true,
            allowed: vec![],
        };
        assert!(check_url(&Url::parse("http://10.0.0.1/").unwrap(), &open).is_ok());
        assert!(check_url(&Url::parse("gopher://10.0.0.1/").unwrap(), &open).is_err());
    }

    #[tokio::test]
    async fn the_resolver_drops_private_addresses() {
        let strict = GuardedResolver::new(Arc::new(AddressPolicy::default()));
        let err = strict
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("localhost is refused");
        assert!(err.to_string().contains("loopback"), "{err}");
        let open = GuardedResolver::new(Arc::new(AddressPolicy {
            allow_private: true,
            allowed: vec![],
        }));
        let addrs: Vec<SocketAddr> = open
            .resolve("localhost".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }
}
