//! Shards by client with nginx's own `hash $hall_client consistent` (deploy/nginx/hall-upstream-shards.conf): one
//! client key (an IPv4 address, or an IPv6 /64) always reaches the same vote service, the merged tally equals the
//! truth, and a stopped shard costs only its own clients (503), never a second vote elsewhere.
//!
//! IPv6 clients: loopback has only `::1`, so IPv6 sources cannot be varied on this machine without privileges. The
//! test nginx plays the part of a trusted first hop instead: its plain server takes the client address from
//! `X-Forwarded-For` when the connection comes from 127.0.0.1 (`set_real_ip_from`, the realip module, as behind a
//! CDN), so that `$remote_addr` is the IPv6 address the test names; from there the production configuration
//! computes the client key, picks the shard and passes the address on, and the service keys the client by its /64.
//! One real IPv6 connection from `::1` is among the clients too. IPv4 clients connect from real source addresses
//! (127.x.y.z).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv6Addr;
use std::path::PathBuf;

use hall_tests::http::{Reply, get};
use hall_tests::nginx::{Nginx, Upstream};
use hall_tests::vote_service::{VoteService, run};

use super::{ORIGIN, case_ids, code, site, start_service, vote};

/// A simulated first proxy hop on 127.0.0.1, the client key shown for the map test, and which shard nginx chose.
const TEST_ONLY: &str = "        set_real_ip_from 127.0.0.1;\n        real_ip_header X-Forwarded-For;\n\
                         \x20       add_header X-Test-Upstream $upstream_addr always;\n\
                         \x20       location = /test-client-key {\n            default_type text/plain;\n\
                         \x20           return 200 $hall_client;\n        }\n";

/// The /64 of `ip` written as nginx's map writes it: four groups in lowercase hex, zeros as `0`.
fn slash_64(ip: Ipv6Addr) -> String {
    ip.segments()[..4].iter().map(|g| format!("{g:x}")).collect::<Vec<_>>().join(":")
}

/// IPv6 addresses with a zero group in every combination of places, so that nginx prints them with `::` at every
/// position and length.
fn addresses_of_every_shape() -> Vec<Ipv6Addr> {
    (0u16..256)
        .map(|zeros| {
            let mut groups = [0u16; 8];
            for (i, group) in groups.iter_mut().enumerate() {
                if zeros & (1 << i) == 0 {
                    *group = 0x2001u16.wrapping_add(0x1111 * i as u16).wrapping_add(zeros) | 1;
                }
            }
            Ipv6Addr::from(groups)
        })
        .collect()
}

#[test]
fn the_client_key_is_the_ipv4_address_or_the_ipv6_64_however_nginx_writes_it() {
    let site = site();
    let nginx = Nginx::start(
        &site,
        Upstream::Shards(&["127.0.0.1:1".into(), "127.0.0.1:2".into(), "127.0.0.1:3".into()]),
        TEST_ONLY,
    );
    let key_of = |forwarded: &str| {
        let reply = get(&nginx.address, "/test-client-key", &[("X-Forwarded-For", forwarded)]);
        assert_eq!(reply.status, 200, "{reply:?}");
        reply.body
    };
    for (address, key) in [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2"),
        ("2001:0DB8:0001:0002:ffff:0:0:9", "2001:db8:1:2"),
        ("2001:db8::", "2001:db8:0:0"),
        ("::1", "0:0:0:0"),
    ] {
        assert_eq!(key_of(address), key, "{address}");
    }
    for ip in addresses_of_every_shape() {
        assert_eq!(key_of(&ip.to_string()), slash_64(ip), "{ip}");
    }
}

/// One client of the test: the source address it connects from and the `X-Forwarded-For` the first hop adds.
#[derive(Clone)]
struct Client {
    from: String,
    forwarded: Option<String>,
    /// The client key as the service counts it (the address, or the /64).
    key: String,
}

impl Client {
    fn v4(a: u8, b: u8, c: u8) -> Client {
        let ip = format!("127.{a}.{b}.{c}");
        Client { from: ip.clone(), forwarded: None, key: ip }
    }

    fn v6(ip: Ipv6Addr) -> Client {
        Client { from: "127.0.0.1".into(), forwarded: Some(ip.to_string()), key: slash_64(ip) }
    }

    fn vote(&self, nginx: &Nginx, case: &str) -> (Reply, String) {
        let mut headers = vec![("Origin", ORIGIN)];
        if let Some(forwarded) = &self.forwarded {
            headers.push(("X-Forwarded-For", forwarded));
        }
        let address = if self.from == "::1" { nginx.ipv6_address.as_deref().expect("::1") } else { &nginx.address };
        let reply = vote(&self.from, address, case, &headers);
        let shard = reply.header("x-test-upstream").unwrap_or_else(|| panic!("no upstream: {reply:?}")).to_owned();
        (reply, shard)
    }
}

#[test]
fn three_shards_by_client_key_count_each_client_once_merge_to_the_truth_and_one_down_costs_only_its_clients() {
    let site = site();
    let cases = case_ids(&site);
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("temp")).collect();
    let mut services: Vec<Option<VoteService>> = dirs.iter().map(|d| Some(start_service(d.path(), &site))).collect();
    let addresses: [String; 3] = std::array::from_fn(|i| services[i].as_ref().expect("running").address.clone());
    let nginx = Nginx::start(&site, Upstream::Shards(&addresses), TEST_ONLY);

    // 60 IPv4 clients, 20 IPv6 /64s of which 5 vote from 3 addresses each, and ::1 when the machine has it.
    let mut groups: Vec<Vec<Client>> = (0..60u8).map(|i| vec![Client::v4(30, i / 10, i % 10 + 1)]).collect();
    for k in 0..20u16 {
        let net = [0x2001, 0xdb8, 0x100 + k, k * 7];
        let host = |h: [u16; 4]| Client::v6(Ipv6Addr::new(net[0], net[1], net[2], net[3], h[0], h[1], h[2], h[3]));
        let mut group = vec![host([0, 0, 0, 1])];
        if k < 5 {
            group.push(host([0xffff, 0, 0, 9]));
            group.push(host([0x1234, 0x5678, 0x9abc, 0xdef0]));
        }
        groups.push(group);
    }
    if nginx.ipv6_address.is_some() {
        groups.push(vec![Client { from: "::1".into(), forwarded: None, key: "0:0:0:0".into() }]);
    }

    let mut truth: BTreeMap<String, u64> = BTreeMap::new();
    let mut shard_of: BTreeMap<String, String> = BTreeMap::new();
    for (i, group) in groups.iter().enumerate() {
        let case = &cases[i % cases.len()];
        let (first, shard) = group[0].vote(&nginx, case);
        assert_eq!((first.status, code(&first)), (200, "counted".to_owned()), "{}: {first:?}", group[0].key);
        *truth.entry(case.clone()).or_default() += 1;
        shard_of.insert(group[0].key.clone(), shard.clone());
        // The same client again (another address of its /64, or the same address): its own shard, already voted.
        let again: Vec<&Client> = if group.len() > 1 { group[1..].iter().collect() } else { vec![&group[0]] };
        for client in again {
            let (reply, other_shard) = client.vote(&nginx, &cases[(i + 1) % cases.len()]);
            assert_eq!(
                other_shard,
                shard,
                "{} and {} share a shard",
                group[0].key,
                client.forwarded.as_deref().unwrap_or(&client.from)
            );
            assert_eq!((reply.status, code(&reply)), (429, "already_voted".to_owned()), "{reply:?}");
        }
    }
    let used: BTreeSet<&String> = shard_of.values().collect();
    assert_eq!(used.len(), 3, "{} clients spread over all three shards: {used:?}", shard_of.len());

    // One shard stops: its clients get nginx's JSON 503 (never another shard), the others keep voting.
    let down = 1;
    services[down].take().expect("running").stop();
    let mut refused = 0;
    for (i, group) in groups.iter().enumerate() {
        // Another case than the client's vote of the day (the same one again would be a retry, answered `repeat`).
        let (reply, shard) = group[0].vote(&nginx, &cases[(i + 1) % cases.len()]);
        assert_eq!(shard, shard_of[&group[0].key], "no client moves to another shard");
        if shard == addresses[down] {
            assert_eq!((reply.status, code(&reply)), (503, "unavailable".to_owned()), "{reply:?}");
            assert_eq!(reply.json()["message"], "投票服务暂时不可用，投票没有记录，请稍后再试。");
            refused += 1;
        } else {
            assert_eq!((reply.status, code(&reply)), (429, "already_voted".to_owned()), "{reply:?}");
        }
    }
    assert!(refused > 0);
    let mut new_counted = 0;
    for i in 0..40u8 {
        let client = Client::v4(31, i / 10, i % 10 + 1);
        let (reply, shard) = client.vote(&nginx, &cases[2]);
        if shard == addresses[down] {
            assert_eq!((reply.status, code(&reply)), (503, "unavailable".to_owned()), "{reply:?}");
        } else {
            assert_eq!((reply.status, code(&reply)), (200, "counted".to_owned()), "{reply:?}");
            *truth.entry(cases[2].clone()).or_default() += 1;
            shard_of.insert(client.key.clone(), shard);
            new_counted += 1;
        }
    }
    assert!(new_counted > 0, "the other shards' new clients vote");

    drop(nginx);
    for service in services.into_iter().flatten() {
        service.stop();
    }
    let mut exports = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let db = dir.path().join("votes.redb");
        let (status, out, err) = run(&["export", "--db", &db.to_string_lossy()]);
        assert_eq!(status, Some(0), "{err}");
        let total = serde_json::from_str::<serde_json::Value>(&out).expect("JSON")["total_votes"].as_u64().expect("n");
        let clients = shard_of.values().filter(|s| **s == addresses[i]).count() as u64;
        assert_eq!(total, clients, "shard {i} counted each of its clients once");
        let file: PathBuf = dir.path().join("tally.json");
        std::fs::write(&file, out).expect("write tally");
        exports.push(file.to_string_lossy().into_owned());
    }
    let mut args = vec!["merge"];
    args.extend(exports.iter().map(String::as_str));
    let (status, merged, err) = run(&args);
    assert_eq!(status, Some(0), "{err}");
    let merged: serde_json::Value = serde_json::from_str(&merged).expect("JSON");
    let totals: BTreeMap<String, u64> = merged["totals"]
        .as_object()
        .expect("totals")
        .iter()
        .map(|(case, n)| (case.clone(), n.as_u64().expect("n")))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(totals, truth, "the merged tally is the truth");
    assert_eq!(merged["total_votes"].as_u64(), Some(shard_of.len() as u64), "no client counted twice");
}
