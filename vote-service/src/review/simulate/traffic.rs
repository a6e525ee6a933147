//! Honest traffic of a city's election: a daily rhythm, a few popular cases and a long tail, voters on home
//! broadband, on mobile carriers' shared addresses (CGNAT: many voters behind one /24) and on IPv6, real browsers'
//! User-Agents, most votes from the hall's pages, some from a partner, a few naming no site; and one honest surge,
//! a case shared widely one evening.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::rng::{Rng, Weighted};
use super::{Event, Label, Site, Voter};

/// Votes per local hour of the day, relative (a city: asleep at 3, busy at lunch and in the evening).
pub const RHYTHM: [f64; 24] = [
    1.2, 0.6, 0.3, 0.2, 0.2, 0.4, 1.5, 3.5, 5.5, 6.0, 5.5, 5.5, 6.5, 6.0, 5.0, 5.0, 5.0, 5.0, 5.5, 6.5, 7.5, 8.0, 6.5,
    3.5,
];

/// Cases in the simulated selection, and distinct User-Agents of honest browsers.
pub const CASES: usize = 60;
pub const USER_AGENTS: usize = 3000;

/// Network pools: carriers' CGNAT /24s, home broadband /24s, IPv6 /48s.
const CGNAT_NETWORKS: u32 = 600;
pub const HOME_NETWORKS: u32 = 40_000;
const V6_NETWORKS: u32 = 2_000;

/// The honest model of the election.
pub struct Traffic {
    pub cases: Weighted,
    pub hours: Weighted,
    pub uas: Weighted,
}

impl Traffic {
    pub fn new() -> Self {
        Traffic {
            cases: Weighted::zipf(CASES, 1.0),
            hours: Weighted::new(RHYTHM),
            uas: Weighted::zipf(USER_AGENTS, 1.0),
        }
    }

    /// `count` honest votes on local day `day` (0-based), with the day's own ups and downs per case.
    pub fn day(&self, rng: &mut Rng, day: u32, count: u64, out: &mut Vec<Event>) {
        let moods: Vec<f64> = (0..CASES).map(|i| self.cases.share(i) * (0.8 + 0.4 * rng.unit())).collect();
        let cases = Weighted::new(moods);
        for _ in 0..count {
            let case = cases.draw(rng);
            let second = self.second_of_day(rng);
            out.push(self.vote(rng, day, second, case));
        }
    }

    /// The evening surge of a popular case (day 1, 20:00-22:00): `count` more votes from the same mix of voters.
    pub fn surge(&self, rng: &mut Rng, day: u32, case: usize, count: u64, out: &mut Vec<Event>) {
        for _ in 0..count {
            let second = 20 * 3600 + rng.below(2 * 3600) as u32;
            out.push(self.vote(rng, day, second, case));
        }
    }

    /// A second of the local day, following the rhythm.
    pub fn second_of_day(&self, rng: &mut Rng) -> u32 {
        self.hours.draw(rng) as u32 * 3600 + rng.below(3600) as u32
    }

    fn vote(&self, rng: &mut Rng, day: u32, second: u32, case: usize) -> Event {
        let site = match rng.below(100) {
            0..80 => Site::Hall,
            80..98 => Site::Partner,
            _ => Site::None,
        };
        Event {
            day,
            second,
            case: case as u16,
            voter: Voter { ip: honest_ip(rng), ua: Some(self.uas.draw(rng) as u32), site, form: rng.chance(0.04) },
            label: Label::Honest,
        }
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic::new()
    }
}

/// An honest voter's address: a carrier's shared /24 (35%), IPv6 (25%) or home broadband (40%).
fn honest_ip(rng: &mut Rng) -> IpAddr {
    match rng.below(100) {
        0..35 => cgnat_ip(rng.below(u64::from(CGNAT_NETWORKS)) as u32, 1 + rng.below(254) as u8),
        35..60 => {
            let net = rng.below(u64::from(V6_NETWORKS)) as u16;
            let subnet = rng.below(1 << 16) as u16;
            IpAddr::V6(Ipv6Addr::new(0x2409, 0x8a00, net, subnet, 0, 0, 0, 1))
        }
        _ => home_ip(rng.below(u64::from(HOME_NETWORKS)) as u32, 1 + rng.below(254) as u8),
    }
}

fn cgnat_ip(network: u32, host: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(117, 136 + (network / 256) as u8, (network % 256) as u8, host))
}

/// Host `host` of home network number `network` (0..[`HOME_NETWORKS`]).
pub fn home_ip(network: u32, host: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(58, 32 + (network / 256) as u8, (network % 256) as u8, host))
}

/// The User-Agent header of honest browser number `i`.
pub fn user_agent(i: u32) -> String {
    format!(
        "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.{i}"
    )
}
