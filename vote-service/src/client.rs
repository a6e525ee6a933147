//! Who is voting: the client key of a request, from the peer address and, only when the peer is a trusted proxy,
//! from `X-Forwarded-For`.
//!
//! An IPv4 client is its address; an IPv6 client is its /64, since one subscriber usually holds a whole /64; an
//! IPv4-mapped IPv6 address is the IPv4 address it maps. The header is believed only from configured proxies, and
//! from it the right-most address that is not itself a trusted proxy is taken: entries to its left were written by
//! the client and can be anything.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// A normalised client: what one vote a day is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => ClientKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => ClientKey(IpAddr::V6(mask_v6(v6, 64))),
            },
        }
    }

    /// Bytes that identify the client, for the keyed hash: never stored as they are.
    pub fn bytes(&self) -> Vec<u8> {
        match self.0 {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets()[..8].to_vec(),
        }
    }

    /// The wider network kept for fraud statistics: the /24 of an IPv4 client, the /48 of an IPv6 one.
    pub fn network(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                format!("{}/24", Ipv4Addr::new(a, b, c, 0))
            }
            IpAddr::V6(v6) => format!("{}/48", mask_v6(v6, 48)),
        }
    }
}

fn mask_v6(ip: Ipv6Addr, bits: u32) -> Ipv6Addr {
    let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
    Ipv6Addr::from(u128::from(ip) & mask)
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> Self {
        TrustedProxies(nets)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = normalise(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` header values.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> ClientKey {
        if !self.contains(peer) {
            return ClientKey::from_ip(peer);
        }
        let hops: Vec<&str> = forwarded_for.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match parse_hop(hop) {
                Some(ip) if self.contains(ip) => client = ip,
                Some(ip) => return ClientKey::from_ip(ip),
                // A malformed entry: nothing to its left can be trusted either.
                None => break,
            }
        }
        ClientKey::from_ip(client)
    }
}

fn normalise(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// An `X-Forwarded-For` entry: an address, possibly `[v6]:port` or `v4:port`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    hop.rsplit_once(':').and_then(|(ip, _)| ip.parse::<Ipv4Addr>().ok()).map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net"), "::1/128".parse().expect("net")])
    }

    #[test]
    fn ipv6_clients_in_one_64_share_a_key() {
        assert_eq!(ClientKey::from_ip(ip("2001:db8:1:2::1")), ClientKey::from_ip(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(ClientKey::from_ip(ip("2001:db8:1:2::1")), ClientKey::from_ip(ip("2001:db8:1:3::1")));
    }

    #[test]
    fn ipv4_mapped_addresses_are_ipv4() {
        assert_eq!(ClientKey::from_ip(ip("::ffff:203.0.113.7")), ClientKey::from_ip(ip("203.0.113.7")));
    }

    #[test]
    fn networks_for_statistics() {
        assert_eq!(ClientKey::from_ip(ip("203.0.113.7")).network(), "203.0.113.0/24");
        assert_eq!(ClientKey::from_ip(ip("2001:db8:1:2::1")).network(), "2001:db8:1::/48");
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        assert_eq!(proxies().client(ip("198.51.100.1"), &["203.0.113.7"]), ClientKey::from_ip(ip("198.51.100.1")));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let p = proxies();
        assert_eq!(
            p.client(ip("10.0.0.2"), &["1.1.1.1, 203.0.113.7, 10.0.0.5"]),
            ClientKey::from_ip(ip("203.0.113.7"))
        );
        assert_eq!(p.client(ip("10.0.0.2"), &["1.1.1.1", "203.0.113.7:5555"]), ClientKey::from_ip(ip("203.0.113.7")));
        assert_eq!(p.client(ip("10.0.0.2"), &[]), ClientKey::from_ip(ip("10.0.0.2")));
        assert_eq!(p.client(ip("10.0.0.2"), &["nonsense"]), ClientKey::from_ip(ip("10.0.0.2")));
    }
}
