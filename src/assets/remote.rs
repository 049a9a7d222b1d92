//! Remote pictures, downloaded when the runner asks (`--fetch-remote`): one http(s) client with
//! the limits a hostile book meets (size, redirects, time) and an address rule.
//!
//! A book is untrusted input: bindery goes online only with the runner's `--fetch-remote`
//! (book.toml's `fetch-remote = true` only says the book wants it). Even then a book must not
//! make bindery talk to the machine it runs on or to the network behind it (a router's page, a cloud's metadata service, a local
//! admin port): a request made for the book goes to public addresses only. Every address a name
//! resolves to is checked before bindery connects to it, at every redirect, so a name that
//! resolves to `127.0.0.1` is refused as the number itself is. Only the command line can widen
//! this (`--fetch-remote=all`: an intranet server, or a test's server on 127.0.0.1).
//!
//! A proxy set in the environment (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) is the runner's own
//! choice and is used; through a proxy, the proxy resolves names, so bindery can only refuse
//! addresses written as numbers and `localhost`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The redirects one download may follow: enough for a badge service and a CDN.
pub const MAX_REDIRECTS: u32 = 5;

/// Which addresses a download may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Public addresses only (the default, and all a book can ask for).
    Public,
    /// Also this machine and private networks: only on the command line.
    Any,
}

/// The limits of one download.
#[derive(Debug, Clone, Copy)]
pub struct FetchLimits {
    /// The most bytes a picture may have (the limit of a picture file).
    pub max_bytes: u64,
    /// From the request to the last byte, redirects included.
    pub timeout: Duration,
}

/// Why a download gave no picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// Over a limit (size): a limit is the safety line, as for a local file.
    OverLimit(String),
    /// The address is not one bindery may reach.
    Refused(String),
    /// The server, the network or the address failed.
    Failed(String),
}

/// Downloads pictures: one per call, from any thread.
pub struct Fetcher {
    agent: ureq::Agent,
    limits: FetchLimits,
    reach: Reach,
}

impl Fetcher {
    pub fn new(limits: FetchLimits, reach: Reach) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(limits.timeout))
            .max_redirects(MAX_REDIRECTS)
            .max_response_header_size(64 * 1024)
            .user_agent(concat!("bindery/", env!("CARGO_PKG_VERSION")))
            .accept("image/*")
            .build();
        let agent =
            ureq::Agent::with_parts(config, DefaultConnector::new(), CheckedResolver { reach });
        Fetcher {
            agent,
            limits,
            reach,
        }
    }

    /// The bytes at `url`, an http(s) address.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, FetchFailure> {
        let uri: Uri = url
            .parse()
            .map_err(|_| FetchFailure::Failed("the address is not a valid URL".into()))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(FetchFailure::Failed(
                "only http and https addresses are downloaded".into(),
            ));
        }
        if let Some(host) = uri.host() {
            // Through a proxy the name is never resolved here: refuse what the address says.
            if self.reach == Reach::Public && names_local_host(host) {
                return Err(FetchFailure::Refused(not_public(host)));
            }
        }
        let mut response = self.agent.get(uri).call().map_err(|e| self.failure(e))?;
        response
            .body_mut()
            .with_config()
            .limit(self.limits.max_bytes)
            .read_to_vec()
            .map_err(|e| self.failure(e))
    }

    fn failure(&self, e: ureq::Error) -> FetchFailure {
        match e {
            ureq::Error::BodyExceedsLimit(_) => FetchFailure::OverLimit(format!(
                "it is larger than {} MiB",
                self.limits.max_bytes >> 20
            )),
            ureq::Error::StatusCode(code) => {
                FetchFailure::Failed(format!("the server answered {code}"))
            }
            ureq::Error::TooManyRedirects => {
                FetchFailure::Failed(format!("it was redirected more than {MAX_REDIRECTS} times"))
            }
            ureq::Error::Timeout(_) => FetchFailure::Failed(format!(
                "it did not arrive within {} s",
                self.limits.timeout.as_secs()
            )),
            ureq::Error::HostNotFound => FetchFailure::Failed("the host was not found".into()),
            ureq::Error::ConnectionFailed => {
                FetchFailure::Failed("the server could not be reached".into())
            }
            ureq::Error::Io(e) => FetchFailure::Failed(format!("the network failed ({e})")),
            ureq::Error::Other(e) => match e.downcast::<NotPublic>() {
                Ok(refused) => FetchFailure::Refused(refused.0),
                Err(e) => FetchFailure::Failed(e.to_string()),
            },
            e => FetchFailure::Failed(e.to_string()),
        }
    }
}

/// The message for a host that is not public.
fn not_public(host: &str) -> String {
    format!(
        "{host} is on this machine or a private network, and downloads reach public addresses only"
    )
}

/// `localhost` (and its subdomains) or an address written as numbers that is not public.
fn names_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| !is_public(ip))
}

/// An address on the public internet: not this machine, not a private, shared, link-local,
/// multicast or reserved network.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (b & 0xc0) == 64)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b & 0xfe) == 18)
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        // Site-local (deprecated, still routed inside some networks), fec0::/10.
        || (first & 0xffc0) == 0xfec0
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // IPv4-compatible and NAT64 forms carry an IPv4 address that may be local.
        || ip.to_ipv4().is_some_and(|v4| !is_public_v4(v4))
        || nat64(ip).is_some_and(|v4| !is_public_v4(v4)))
}

/// The IPv4 address inside a NAT64 address (64:ff9b::/96).
fn nat64(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]).then(|| {
        let [.., a, b, c, d] = ip.octets();
        Ipv4Addr::new(a, b, c, d)
    })
}

/// Refused: the host resolves to no public address.
#[derive(Debug)]
struct NotPublic(String);

impl std::fmt::Display for NotPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotPublic {}

/// The system's resolver, keeping only the addresses a download may reach. The proxy the runner
/// set is reached whatever its address.
#[derive(Debug)]
struct CheckedResolver {
    reach: Reach,
}

impl Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = DefaultResolver::default().resolve(uri, config, timeout)?;
        let host = uri.host().unwrap_or_default();
        let is_proxy = config.proxy().is_some_and(|p| p.host() == host);
        if self.reach == Reach::Any || is_proxy {
            return Ok(resolved);
        }
        let mut kept = self.empty();
        for address in resolved.iter().filter(|a| is_public(a.ip())) {
            kept.push(*address);
        }
        if kept.is_empty() {
            return Err(ureq::Error::Other(Box::new(NotPublic(not_public(host)))));
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for local in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
        ] {
            assert!(!is_public(local.parse().unwrap()), "{local}");
        }
        for public in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn local_names_and_numbers_are_refused_before_any_lookup() {
        for host in [
            "localhost",
            "LocalHost.",
            "a.localhost",
            "127.0.0.1",
            "[::1]",
            "10.0.0.8",
        ] {
            assert!(names_local_host(host), "{host}");
        }
        for host in ["example.org", "localhost.example.org", "8.8.8.8"] {
            assert!(!names_local_host(host), "{host}");
        }
    }

    #[test]
    fn a_public_fetcher_refuses_this_machine_without_connecting() {
        let limits = FetchLimits {
            max_bytes: 1 << 20,
            timeout: Duration::from_secs(5),
        };
        let fetcher = Fetcher::new(limits, Reach::Public);
        // Nothing listens on port 9 (discard); the refusal comes before any connection.
        for url in [
            "http://127.0.0.1:9/a.png",
            "http://localhost:9/a.png",
            "http://[::1]:9/x",
        ] {
            assert!(
                matches!(fetcher.get(url), Err(FetchFailure::Refused(_))),
                "{url}"
            );
        }
        assert!(matches!(
            fetcher.get("ftp://example.org/a.png"),
            Err(FetchFailure::Failed(_))
        ));
    }
}
