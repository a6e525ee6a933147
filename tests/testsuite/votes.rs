//! `vote-service`: the real binary on loopback, with a shifted clock, taking votes as browsers and scripts send them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hall_tests::http::{Reply, get, post_json, request};
use hall_tests::vote_service::{VoteService, manifest, run};

/// An instant inside the window of the test manifest (2020-08-22 .. 2020-08-31, Asia/Shanghai).
const OPEN: &str = "2020-08-25T10:00:00+08:00";
const PROXY: &str = "127.0.0.1/32";

fn start(now: &str, extra: &[&str]) -> (tempfile::TempDir, VoteService) {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let mut args = vec!["--now", now];
    args.extend_from_slice(extra);
    let service = VoteService::start(&manifest, &dir.path().join("votes.redb"), &args);
    (dir, service)
}

fn vote(service: &VoteService, case: &str, client: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = client.map(|c| vec![("X-Forwarded-For", c)]).unwrap_or_default();
    post_json(&service.address, "/api/votes", &format!(r#"{{"case": "{case}"}}"#), &headers)
}

fn code(reply: &Reply) -> String {
    reply.json()["code"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn two_hundred_parallel_votes_from_one_client_on_one_day_count_once() {
    // All 200 connections at once, above the per-client cap, so that they all race to the writer.
    let (dir, service) = start(OPEN, &["--max-connections-per-client", "256"]);
    let address = service.address.clone();
    let replies: Vec<Reply> = (0..200)
        .map(|i| {
            let address = address.clone();
            thread::spawn(move || {
                let case = ["a", "b", "c"][i % 3];
                post_json(&address, "/api/votes", &format!(r#"{{"case": "{case}"}}"#), &[])
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().expect("request thread"))
        .collect();
    let fresh = replies.iter().filter(|r| r.status == 200 && r.json()["repeat"] == false).count();
    assert_eq!(fresh, 1, "exactly one vote is counted");
    assert!(replies.iter().all(|r| r.status == 200 || code(r) == "already_voted"));
    assert!(service.stop().success());
    let (code, out, err) = run(&["export", "--db", &dir.path().join("votes.redb").to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let tally: serde_json::Value = serde_json::from_str(&out).expect("tally");
    assert_eq!(tally["total_votes"], 1);
}

#[test]
fn the_day_changes_at_midnight_in_shanghai() {
    let (_dir, service) = start("2020-08-25T23:59:58.8+08:00", &[]);
    assert_eq!(vote(&service, "a", None).status, 200);
    let refused = vote(&service, "b", None);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.json()["next_vote_at"], "2020-08-26T00:00:00+08:00");
    assert!(refused.json()["message"].as_str().expect("message").contains("8月26日 00:00（北京时间）"));
    assert!(refused.header("retry-after").is_some());
    thread::sleep(Duration::from_millis(1500));
    let next_day = vote(&service, "b", None);
    assert_eq!((next_day.status, next_day.json()["day"].clone()), (200, "2020-08-26".into()));
}

#[test]
fn voting_opens_on_the_first_day_and_closes_after_the_last() {
    for (now, status, expected) in [
        ("2020-08-21T23:59:59+08:00", 403, "not_open"),
        ("2020-08-22T00:00:00+08:00", 200, "counted"),
        ("2020-08-31T23:59:59+08:00", 200, "counted"),
        ("2020-09-01T00:00:00+08:00", 403, "closed"),
    ] {
        let (_dir, service) = start(now, &[]);
        let status_now = get(&service.address, "/api/votes", &[]);
        let reply = vote(&service, "a", None);
        assert_eq!((reply.status, code(&reply)), (status, expected.to_owned()), "at {now}");
        // What the pages show as the voting status comes from the same clock.
        let state = if expected == "counted" { "open" } else { expected };
        assert_eq!((status_now.status, code(&status_now)), (200, state.to_owned()), "GET /api/votes at {now}");
        assert_eq!(status_now.header("cache-control"), Some("no-store"));
    }
}

#[test]
fn ipv6_clients_in_one_64_share_a_key() {
    let (_dir, service) = start(OPEN, &["--trusted-proxy", PROXY]);
    assert_eq!(vote(&service, "a", Some("2001:db8:1:2::1")).status, 200);
    assert_eq!(code(&vote(&service, "b", Some("2001:db8:1:2:ffff::9"))), "already_voted");
    assert_eq!(vote(&service, "b", Some("2001:db8:1:3::1")).status, 200);
}

#[test]
fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let (_dir, service) = start(OPEN, &[]);
    assert_eq!(vote(&service, "a", Some("203.0.113.1")).status, 200);
    assert_eq!(code(&vote(&service, "b", Some("203.0.113.2"))), "already_voted");
}

#[test]
fn bad_requests_get_their_status_and_a_json_reason() {
    let (_dir, service) = start(OPEN, &[]);
    let a = &service.address;
    for (reply, status, expected) in [
        (post_json(a, "/api/votes", "{not json", &[]), 400, "malformed"),
        (post_json(a, "/api/votes", r#"{"case": 7}"#, &[]), 400, "malformed"),
        (post_json(a, "/api/votes", &format!(r#"{{"case": "{}"}}"#, "x".repeat(5000)), &[]), 413, "too_large"),
        (request(a, "POST", "/api/votes", &[("Content-Type", "text/plain")], b"a"), 415, "wrong_content_type"),
        (post_json(a, "/api/votes", r#"{"case": "zzz"}"#, &[]), 404, "unknown_case"),
        (request(a, "DELETE", "/api/votes", &[], b""), 405, "method_not_allowed"),
        (get(a, "/nowhere", &[]), 404, "not_found"),
    ] {
        assert_eq!((reply.status, code(&reply)), (status, expected.to_owned()), "{}", reply.body);
        assert!(!reply.json()["message"].as_str().unwrap_or_default().is_empty(), "a message in Chinese");
    }
}

#[test]
fn a_form_post_without_javascript_is_answered_with_a_readable_page() {
    let (_dir, service) = start(OPEN, &[]);
    let reply = request(
        &service.address,
        "POST",
        "/api/votes",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"case=b",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(reply.body.contains("投票成功") && reply.body.contains("回执编号") && reply.body.contains("/cases/b/"));
}

/// Votes from 8 workers through `service` (each vote from a new client `10.<round>.<worker>.<n>`) until it is
/// killed with SIGKILL after `delay`; returns every acknowledged vote's client and receipt.
fn load_until_kill_9(service: VoteService, round: u8, delay: Duration) -> BTreeMap<String, String> {
    let acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (address, acknowledged) = (service.address.clone(), Arc::clone(&acknowledged));
            thread::spawn(move || {
                for i in 0..2000 {
                    let client = format!("10.{round}.{}.{}", w * 8 + i / 250, i % 250 + 1);
                    let Ok(reply) = std::panic::catch_unwind(|| {
                        post_json(&address, "/api/votes", r#"{"case": "a"}"#, &[("X-Forwarded-For", &client)])
                    }) else {
                        break;
                    };
                    if reply.status == 200 {
                        let receipt = reply.json()["receipt"].as_str().expect("receipt").to_owned();
                        acknowledged.lock().expect("lock").insert(client, receipt);
                    }
                    if started.elapsed() > Duration::from_secs(5) {
                        break;
                    }
                }
            })
        })
        .collect();
    thread::sleep(delay);
    service.kill9();
    for worker in workers {
        let _ = worker.join();
    }
    acknowledged.lock().expect("lock").clone()
}

#[test]
fn every_acknowledged_vote_survives_kill_9_under_load() {
    let dir = tempfile::tempdir().expect("temp");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    // A small memtable, so that the load is cut off with ballots in memory, in a run being written, in runs
    // being merged and in merged runs; the same database is crashed again at other moments, after restarts that
    // replayed the audit log and resumed a merge.
    let index = ["--index-memtable", "16"];
    let args = [&["--now", OPEN, "--trusted-proxy", PROXY], &index[..]].concat();
    let mut acknowledged = BTreeMap::new();
    for (round, delay) in [(1, 600), (2, 150), (3, 1100), (4, 350)] {
        let service = VoteService::start(&manifest, &db, &args);
        let this_round = load_until_kill_9(service, round, Duration::from_millis(delay));
        assert!(this_round.len() > 10, "round {round}: the load ran: {} votes acknowledged", this_round.len());
        acknowledged.extend(this_round);
        let (code, out, err) = run(&["verify", "--db", &db.to_string_lossy()]);
        assert_eq!(code, Some(0), "verify after crash {round}: {out}{err}");
        let runs: u64 = out.split("ballot index: ").nth(1).and_then(|r| r.split(' ').next()?.parse().ok()).expect(&out);
        assert!(runs >= 2, "the load filled several runs of the ballot index: {out}");
    }
    let again = VoteService::start(&manifest, &db, &args);
    for (client, receipt) in &acknowledged {
        let reply = vote(&again, "a", Some(client));
        assert_eq!(reply.json()["receipt"].as_str(), Some(receipt.as_str()), "{client}'s acknowledged vote is on disk");
        assert_eq!(reply.json()["repeat"], true);
    }
    assert!(again.stop().success());
    let (code, out, err) = run(&["export", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let tally: serde_json::Value = serde_json::from_str(&out).expect("tally");
    // A vote committed as the process died was never acknowledged: at most one a worker in each crash.
    let total = tally["total_votes"].as_u64().expect("total_votes") as usize;
    assert!(
        (acknowledged.len()..=acknowledged.len() + 4 * 8).contains(&total),
        "{total} votes counted, {} acknowledged",
        acknowledged.len()
    );
}

#[test]
fn export_json_and_csv_agree() {
    let (dir, service) = start(OPEN, &["--trusted-proxy", PROXY]);
    for (i, case) in ["a", "a", "b", "c", "c", "c"].iter().enumerate() {
        assert_eq!(vote(&service, case, Some(&format!("203.0.113.{i}"))).status, 200);
    }
    assert!(service.stop().success());
    let db = dir.path().join("votes.redb").to_string_lossy().into_owned();
    let (_, json, _) = run(&["export", "--db", &db]);
    let (_, csv, _) = run(&["export", "--db", &db, "--format", "csv"]);
    let tally: serde_json::Value = serde_json::from_str(&json).expect("json tally");
    assert_eq!(tally["election"], "test-2020");
    assert_eq!(csv, "case,total,2020-08-25\na,2,2\nb,1,1\nc,3,3\ntotal,6,6\n");
    for line in csv.lines().skip(1).filter(|l| !l.starts_with("total")) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(tally["totals"][cells[0]].as_u64(), cells[1].parse().ok());
        assert_eq!(tally["daily"]["2020-08-25"][cells[0]].as_u64(), cells[2].parse().ok());
    }
}

#[test]
fn merging_two_shards_equals_one_service_that_took_every_vote() {
    let plan: Vec<(String, &str)> = (0..12).map(|i| (format!("203.0.113.{i}"), ["a", "b", "c", "a"][i % 4])).collect();
    let shard = |votes: &[(String, &str)]| {
        let (dir, service) = start(OPEN, &["--trusted-proxy", PROXY]);
        for (client, case) in votes {
            assert_eq!(vote(&service, case, Some(client)).status, 200);
        }
        service.stop();
        let (_, json, _) = run(&["export", "--db", &dir.path().join("votes.redb").to_string_lossy()]);
        let file = dir.path().join("tally.json");
        std::fs::write(&file, &json).expect("write tally");
        (dir, file, serde_json::from_str::<serde_json::Value>(&json).expect("tally"))
    };
    let (_a, a, _) = shard(&plan[..5]);
    let (_b, b, _) = shard(&plan[5..]);
    let (_all, _, whole) = shard(&plan);
    let (code, merged, err) = run(&["merge", &a.to_string_lossy(), &b.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let merged: serde_json::Value = serde_json::from_str(&merged).expect("merged tally");
    for field in ["election", "total_votes", "totals", "daily"] {
        assert_eq!(merged[field], whole[field], "{field}");
    }
    assert_eq!(merged["sources"].as_array().map(Vec::len), Some(2));
}

#[test]
fn a_manifest_that_changes_the_rules_of_an_election_with_votes_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let db = dir.path().join("votes.redb");
    let service =
        VoteService::start(&manifest(dir.path(), "2020-08-22", "2020-08-31", "election"), &db, &["--now", OPEN]);
    assert_eq!(vote(&service, "a", None).status, 200);
    service.stop();
    let changed = manifest(dir.path(), "2020-08-22", "2020-09-30", "election");
    let (code, _, err) = run(&[
        "serve",
        "--manifest",
        &changed.to_string_lossy(),
        "--db",
        &db.to_string_lossy(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("rules are frozen") && err.contains("closes=2020-09-30"), "{err}");
}

#[test]
fn a_second_process_cannot_open_the_same_database() {
    let (dir, _service) = start(OPEN, &[]);
    let manifest = dir.path().join("cases.json");
    let db = dir.path().join("votes.redb");
    let (code, _, err) = run(&[
        "serve",
        "--manifest",
        &manifest.to_string_lossy(),
        "--db",
        &db.to_string_lossy(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("open in another vote-service"), "{err}");
}

#[test]
fn counts_stay_hidden_until_voting_closes_and_export_needs_the_token() {
    let dir = tempfile::tempdir().expect("temp");
    let token = dir.path().join("token");
    std::fs::write(&token, "a-long-enough-admin-token\n").expect("token");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    let token_arg = token.to_string_lossy().into_owned();
    let service = VoteService::start(&manifest, &db, &["--now", OPEN, "--admin-token-file", &token_arg]);
    assert_eq!(vote(&service, "a", None).status, 200);
    let hidden = get(&service.address, "/api/tally", &[]);
    assert_eq!((hidden.status, code(&hidden)), (403, "tally_hidden".to_owned()));
    assert!(!hidden.body.contains("total"), "{}", hidden.body);
    let health = get(&service.address, "/healthz", &[]);
    assert!(!health.body.contains("votes"), "{}", health.body);
    assert_eq!(get(&service.address, "/api/export", &[]).status, 401);
    assert_eq!(
        get(&service.address, "/api/export", &[("Authorization", "Bearer wrong-token-of-same-size")]).status,
        401
    );
    let export = get(&service.address, "/api/export", &[("Authorization", "Bearer a-long-enough-admin-token")]);
    assert_eq!((export.status, export.json()["total_votes"].clone()), (200, 1.into()));
    let csv = get(&service.address, "/api/export?format=csv", &[("Authorization", "Bearer a-long-enough-admin-token")]);
    assert!(csv.body.starts_with("case,total,2020-08-25\n"), "{}", csv.body);
    service.stop();
    let after = VoteService::start(&manifest, &db, &["--now", "2020-09-01T08:00:00+08:00"]);
    let shown = get(&after.address, "/api/tally", &[]);
    assert_eq!((shown.status, shown.json()["totals"]["a"].clone()), (200, 1.into()));
}

#[test]
fn a_browser_origin_must_be_listed_for_cors() {
    let (_dir, service) = start(OPEN, &["--cors-origin", "https://hall.example.org"]);
    let allowed = request(&service.address, "OPTIONS", "/api/votes", &[("Origin", "https://hall.example.org")], b"");
    assert_eq!(allowed.status, 204);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://hall.example.org"));
    let other = request(&service.address, "OPTIONS", "/api/votes", &[("Origin", "https://evil.example")], b"");
    assert_eq!(other.status, 403);
}

#[test]
fn the_audit_log_lists_every_vote_with_its_signals_and_no_address() {
    let dir = tempfile::tempdir().expect("temp");
    let token = dir.path().join("token");
    std::fs::write(&token, "a-long-enough-admin-token").expect("token");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    let token_arg = token.to_string_lossy().into_owned();
    let service = VoteService::start(
        &manifest,
        &db,
        &["--now", OPEN, "--trusted-proxy", PROXY, "--admin-token-file", &token_arg],
    );
    let browser = [
        ("X-Forwarded-For", "198.51.100.7"),
        ("Origin", "https://hall.example.org"),
        ("User-Agent", "Mozilla/5.0 (iPhone) SecretPhoneModel"),
        ("Accept-Language", "zh-CN,zh;q=0.9"),
    ];
    assert_eq!(post_json(&service.address, "/api/votes", r#"{"case": "a"}"#, &browser).status, 200);
    let form = request(
        &service.address,
        "POST",
        "/api/votes",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("X-Forwarded-For", "198.51.100.8")],
        b"case=b",
    );
    assert_eq!(form.status, 200);
    let live = get(&service.address, "/api/audit?from=1", &[("Authorization", "Bearer a-long-enough-admin-token")]);
    assert_eq!(live.status, 200);
    assert_eq!(live.body.lines().count(), 1, "from the second record on: {}", live.body);
    assert_eq!(get(&service.address, "/api/audit", &[]).status, 401);
    service.stop();
    let (code, out, err) = run(&["audit", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let records: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).expect("one JSON record a line")).collect();
    assert_eq!(records.len(), 2);
    assert_eq!((records[0]["seq"].clone(), records[1]["seq"].clone()), (0.into(), 1.into()));
    assert_eq!(records[0]["case"], "a");
    assert_eq!(records[0]["network"], "198.51.100.0/24");
    assert_eq!(records[0]["site"], "hall.example.org");
    assert_eq!(records[0]["via"], "js");
    assert_eq!(records[0]["lang"], "zh-CN");
    assert_eq!(records[0]["ua"].as_str().map(str::len), Some(16));
    assert_eq!(
        (records[1]["via"].clone(), records[1]["site"].clone(), records[1]["ua"].clone()),
        ("form".into(), "".into(), "".into())
    );
    assert_eq!(
        live.body.lines().next().map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")),
        Some(records[1].clone())
    );
    for private in ["198.51.100.7", "198.51.100.8", "SecretPhoneModel", "iPhone"] {
        assert!(!out.contains(private), "{private} in the audit log: {out}");
    }
}

#[test]
fn metrics_count_answers_and_show_counts_only_when_tallies_are_visible() {
    let dir = tempfile::tempdir().expect("temp");
    let token = dir.path().join("token");
    std::fs::write(&token, "a-long-enough-admin-token").expect("token");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let metrics_address = free.local_addr().expect("address").to_string();
    drop(free);
    let token_arg = token.to_string_lossy().into_owned();
    let service = VoteService::start(
        &manifest,
        &dir.path().join("votes.redb"),
        &["--now", OPEN, "--admin-token-file", &token_arg, "--metrics-listen", &metrics_address],
    );
    assert_eq!(vote(&service, "a", None).status, 200);
    assert_eq!(vote(&service, "a", None).status, 200, "a retry");
    assert_eq!(vote(&service, "b", None).status, 429);
    assert_eq!(get(&service.address, "/metrics", &[]).status, 401);
    let metrics = get(&service.address, "/metrics", &[("Authorization", "Bearer a-long-enough-admin-token")]);
    assert_eq!(metrics.status, 200);
    for line in [
        "vote_service_vote_answers_total{code=\"counted\"} 1",
        "vote_service_vote_answers_total{code=\"repeat\"} 1",
        "vote_service_vote_answers_total{code=\"already_voted\"} 1",
        "vote_service_queue_depth 0",
        "vote_service_batch_votes_count 3",
    ] {
        assert!(metrics.body.contains(line), "{line} in {}", metrics.body);
    }
    assert!(
        metrics.body.contains("vote_service_commit_seconds_bucket")
            && metrics.body.contains("vote_service_connections")
    );
    assert!(!metrics.body.contains("day_votes{"), "hidden until voting closes: {}", metrics.body);
    let open = get(&metrics_address, "/metrics", &[]);
    assert_eq!(open.status, 200, "no token on the metrics address");
    assert!(open.body.contains("vote_service_database_bytes"), "{}", open.body);
    assert_eq!(get(&metrics_address, "/api/export", &[]).status, 404, "only metrics there");
}
