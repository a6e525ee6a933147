//! The stuffing planted in the simulated election, one kind each, as it is bought: a burst from 20 /24s; 3,000
//! votes spread thin over 500 home /24s with one User-Agent; a script at 03:00 every night; lockstep, 30 /24s at
//! the same two minutes every evening; and votes posted by a tool from many home networks without visiting a page.

use std::net::{IpAddr, Ipv4Addr};

use super::rng::Rng;
use super::traffic::{HOME_NETWORKS, Traffic, USER_AGENTS, home_ip};
use super::{Event, Kind, Label, Site, Voter};

/// The cases (by popularity rank, 0 the most popular) each kind pushes.
pub const fn target(kind: Kind) -> usize {
    match kind {
        Kind::Burst => 7,
        Kind::Thin => 11,
        Kind::Night => 14,
        Kind::Lockstep => 5,
        Kind::NoVisit => 9,
    }
}

/// User-Agents of the scripts: the thin spread uses an honest browser's rarer one (some honest voters share it).
const THIN_UA: u32 = 800;
const NIGHT_UA: u32 = USER_AGENTS as u32 + 1;

/// Every planted vote of an election of `days` days.
pub fn plant(rng: &mut Rng, traffic: &Traffic, days: u32, out: &mut Vec<Event>) {
    burst(rng, days.min(2) - 1, out);
    thin(rng, traffic, days, out);
    night(rng, days, out);
    lockstep(days, out);
    no_visit(rng, traffic, days - 1, out);
}

fn event(kind: Kind, day: u32, second: u32, voter: Voter) -> Event {
    Event { day, second, case: target(kind) as u16, voter, label: Label::Planted(kind) }
}

fn datacenter(block: u8, network: u32, host: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(block, (network / 256) as u8, (network % 256) as u8, host))
}

/// 2,000 votes in 20 minutes from 100 addresses in each of 20 /24s, at 15:00, with five common User-Agents.
fn burst(rng: &mut Rng, day: u32, out: &mut Vec<Event>) {
    for i in 0..2000u32 {
        let ip = datacenter(45, i % 20, 1 + (i / 20) as u8);
        let voter = Voter { ip, ua: Some(i % 5), site: Site::Hall, form: false };
        out.push(event(Kind::Burst, day, 15 * 3600 + rng.below(20 * 60) as u32, voter));
    }
}

/// 3,000 votes over the whole election, at the city's hours, from 500 home /24s (6 each), one User-Agent.
fn thin(rng: &mut Rng, traffic: &Traffic, days: u32, out: &mut Vec<Event>) {
    let networks: Vec<u32> = (0..500).map(|_| rng.below(u64::from(HOME_NETWORKS)) as u32).collect();
    for i in 0..3000u32 {
        let ip = home_ip(networks[(i % 500) as usize], 1 + rng.below(254) as u8);
        let voter = Voter { ip, ua: Some(THIN_UA), site: Site::Hall, form: false };
        out.push(event(Kind::Thin, i % days, traffic.second_of_day(rng), voter));
    }
}

/// 250 votes every night between 03:00 and 03:50 from 50 /24s, one headless browser.
fn night(rng: &mut Rng, days: u32, out: &mut Vec<Event>) {
    for day in 0..days {
        for i in 0..250u32 {
            let ip = datacenter(103, i % 50, 1 + (i / 50 + day * 5) as u8);
            let voter = Voter { ip, ua: Some(NIGHT_UA), site: Site::Hall, form: false };
            out.push(event(Kind::Night, day, 3 * 3600 + rng.below(50 * 60) as u32, voter));
        }
    }
}

/// Every day at 21:07 and 21:08, two addresses of each of 30 /24s, the same addresses every day.
fn lockstep(days: u32, out: &mut Vec<Event>) {
    for day in 0..days {
        for minute in [7u32, 8] {
            for network in 0..30u32 {
                for host in 0..2u32 {
                    let ip = datacenter(39, network, (1 + host + 2 * (minute - 7)) as u8);
                    let voter = Voter { ip, ua: Some(network % 7), site: Site::Hall, form: false };
                    out.push(event(Kind::Lockstep, day, 21 * 3600 + minute * 60 + network + host * 5, voter));
                }
            }
        }
    }
}

/// 2,500 votes in one day at the city's hours, each from a home network, with honest browsers' User-Agents, posted
/// as the no-JS form by a tool that names no site.
fn no_visit(rng: &mut Rng, traffic: &Traffic, day: u32, out: &mut Vec<Event>) {
    for _ in 0..2500 {
        let ip = home_ip(rng.below(u64::from(HOME_NETWORKS)) as u32, 1 + rng.below(254) as u8);
        let voter = Voter { ip, ua: Some(traffic.uas.draw(rng) as u32), site: Site::None, form: true };
        out.push(event(Kind::NoVisit, day, traffic.second_of_day(rng), voter));
    }
}

/// How many votes are planted in an election of `days` days (before any is refused as a repeat).
pub fn planted(days: u32) -> u64 {
    2000 + 3000 + 250 * u64::from(days) + 120 * u64::from(days) + 2500
}
