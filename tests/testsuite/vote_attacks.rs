//! `vote-service` against what an attacker and a careless operator do: foreign sites posting votes, a lost secret,
//! damaged database files, odd bodies, huge headers, slow clients holding connections, half-closed connections.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::time::Duration;

use hall_tests::binaries::binary;
use hall_tests::http::{Reply, get, parse, post_json, request};
use hall_tests::vote_service::{VoteService, manifest, run};

const OPEN: &str = "2020-08-25T10:00:00+08:00";

fn start(dir: &Path, extra: &[&str]) -> VoteService {
    let manifest = manifest(dir, "2020-08-22", "2020-08-31", "election");
    let mut args = vec!["--now", OPEN, "--trusted-proxy", "127.0.0.1/32"];
    args.extend_from_slice(extra);
    VoteService::start(&manifest, &dir.join("votes.redb"), &args)
}

fn vote_from(service: &VoteService, client: &str, case: &str, headers: &[(&str, &str)]) -> Reply {
    let mut all = vec![("X-Forwarded-For", client)];
    all.extend_from_slice(headers);
    post_json(&service.address, "/api/votes", &format!(r#"{{"case": "{case}"}}"#), &all)
}

fn code(reply: &Reply) -> String {
    reply.json()["code"].as_str().unwrap_or_default().to_owned()
}

/// `vote-service <command> --db DB [...]` for a command that reads a database: (exit code, stderr). A `serve` that
/// is still running after 5 s has opened the database: it is stopped, and counts as exit code 0.
fn offline(command: &str, db: &Path, dir: &Path) -> (Option<i32>, String) {
    let db = db.to_string_lossy().into_owned();
    let manifest = dir.join("cases.json").to_string_lossy().into_owned();
    let mut child = std::process::Command::new(binary("vote-service"))
        .args(match command {
            "serve" => vec!["serve", "--manifest", &manifest, "--db", &db, "--listen", "127.0.0.1:0", "--now", OPEN],
            other => vec![other, "--db", &db],
        })
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vote-service runs");
    let started = std::time::Instant::now();
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if started.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            let _ = child.wait();
            break Some(0);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut err).expect("stderr");
    }
    (code, err)
}

#[test]
fn a_foreign_site_cannot_spend_a_visitors_vote() {
    let dir = tempfile::tempdir().expect("temp");
    let service = start(dir.path(), &["--cors-origin", "https://news.example.com"]);
    let evil = [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")];
    let refused = vote_from(&service, "10.0.0.1", "a", &evil);
    assert_eq!((refused.status, code(&refused)), (403, "foreign_origin".to_owned()));
    assert!(refused.json()["message"].as_str().is_some_and(|m| m.contains("展厅")), "{}", refused.body);
    let form = request(
        &service.address,
        "POST",
        "/api/votes",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://evil.example"),
            ("X-Forwarded-For", "10.0.0.1"),
        ],
        b"case=a",
    );
    assert_eq!(form.status, 403, "a hidden auto-submitted form: {}", form.body);
    assert!(form.body.contains("投票未记录"), "{}", form.body);
    for headers in [
        vec![("Origin", "null")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![("Referer", "https://evil.example/page.html")],
        vec![("Origin", "https://hall.example.org.evil.example")],
    ] {
        let reply = vote_from(&service, "10.0.0.1", "a", &headers);
        assert_eq!(reply.status, 403, "{headers:?}: {}", reply.body);
    }
    // The visitor's vote of the day is still theirs to give, from the hall, a partner or a script.
    let own = vote_from(&service, "10.0.0.1", "b", &[("Origin", "https://hall.example.org")]);
    assert_eq!((own.status, own.json()["case"].clone()), (200, "b".into()));
    let partner = vote_from(&service, "10.0.0.2", "c", &[("Origin", "https://news.example.com")]);
    assert_eq!(partner.status, 200, "{}", partner.body);
    let referred = vote_from(&service, "10.0.0.3", "c", &[("Referer", "https://hall.example.org/cases/c/")]);
    assert_eq!(referred.status, 200, "{}", referred.body);
    assert_eq!(vote_from(&service, "10.0.0.4", "a", &[]).status, 200, "no header at all: curl, old clients");
    service.stop();
    let (_, out, _) = run(&["export", "--db", &dir.path().join("votes.redb").to_string_lossy()]);
    let tally: serde_json::Value = serde_json::from_str(&out).expect("tally");
    assert_eq!(tally["total_votes"], 4);
    assert_eq!(tally["totals"]["a"], 1, "only the vote without a foreign origin");
}

#[test]
fn a_lost_or_wrong_secret_is_refused_so_that_nobody_votes_twice() {
    let dir = tempfile::tempdir().expect("temp");
    let db = dir.path().join("votes.redb");
    let secret = dir.path().join("votes.redb.secret");
    let service = start(dir.path(), &[]);
    assert_eq!(vote_from(&service, "10.0.0.1", "a", &[]).status, 200);
    service.stop();
    let original = std::fs::read(&secret).expect("the secret beside the database");
    std::fs::remove_file(&secret).expect("lose it");
    let (status, err) = offline("serve", &db, dir.path());
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("votes.redb.secret is missing") && err.contains("Restore"), "{err}");
    assert!(!secret.exists(), "no new secret was made");
    let (status, err) = offline("verify", &db, dir.path());
    assert_eq!(status, Some(1), "verify sees it too: {err}");
    std::fs::write(&secret, [9u8; 32]).expect("another secret");
    let (status, err) = offline("serve", &db, dir.path());
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("is not the secret"), "{err}");
    std::fs::write(&secret, original).expect("restore it");
    let service = start(dir.path(), &[]);
    let again = vote_from(&service, "10.0.0.1", "b", &[]);
    assert_eq!((again.status, code(&again)), (429, "already_voted".to_owned()));
}

#[test]
fn an_empty_or_foreign_database_file_is_refused_not_taken_for_a_new_election() {
    let dir = tempfile::tempdir().expect("temp");
    manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    std::fs::write(&db, b"").expect("a zero-length file");
    for command in ["serve", "verify", "export"] {
        let (status, err) = offline(command, &db, dir.path());
        assert_eq!(status, Some(1), "{command}: {err}");
        assert!(err.contains("votes.redb is not a vote database (the file is empty, 0 bytes)"), "{command}: {err}");
    }
    assert_eq!(std::fs::metadata(&db).expect("still there").len(), 0, "the file is left as it was");
    std::fs::write(&db, "not a database\n".repeat(1000)).expect("a text file");
    for command in ["serve", "verify", "export"] {
        let (status, err) = offline(command, &db, dir.path());
        assert_eq!(status, Some(1), "{command}: {err}");
        assert!(err.contains("is not a vote database") && !err.contains("panicked"), "{command}: {err}");
    }
}

#[test]
fn a_damaged_database_is_an_error_never_a_panic() {
    let dir = tempfile::tempdir().expect("temp");
    let db = dir.path().join("votes.redb");
    let service = start(dir.path(), &[]);
    for i in 0..300 {
        assert_eq!(vote_from(&service, &format!("10.1.{}.{}", i / 250, i % 250 + 1), "a", &[]).status, 200);
    }
    service.stop();
    let good = std::fs::read(&db).expect("database");
    let mut refused = 0;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for part in 1..8 {
        // 4 KiB of random bytes at an eighth, a quarter, ... of the file.
        let mut damaged = good.clone();
        let at = (good.len() * part / 8) & !4095;
        for byte in damaged.iter_mut().skip(at).take(4096) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *byte = seed as u8;
        }
        std::fs::write(&db, &damaged).expect("damage");
        for command in ["verify", "export", "serve"] {
            let (status, err) = offline(command, &db, dir.path());
            assert!(!err.contains("panicked"), "{command} at {at}: {err}");
            assert!(matches!(status, Some(0 | 1)), "{command} at {at}: exit {status:?}: {err}");
            if command == "verify" && status == Some(1) {
                refused += 1;
                assert!(err.contains("votes.redb"), "the message names the file: {err}");
            }
        }
    }
    assert!(refused > 0, "some damage was seen by verify");
}

#[test]
fn a_json_array_is_not_a_vote() {
    let dir = tempfile::tempdir().expect("temp");
    let service = start(dir.path(), &[]);
    for body in [r#"["a"]"#, r#"{"case": ["a"]}"#, r#"{"case": 1}"#, r#""a""#] {
        let reply = post_json(&service.address, "/api/votes", body, &[]);
        assert_eq!((reply.status, code(&reply)), (400, "malformed".to_owned()), "{body}");
    }
}

#[test]
fn huge_headers_are_refused_with_431() {
    let dir = tempfile::tempdir().expect("temp");
    let service = start(dir.path(), &[]);
    let cookie = "x".repeat(64 * 1024);
    let reply = request(&service.address, "GET", "/healthz", &[("Cookie", &cookie)], b"");
    assert_eq!(reply.status, 431);
    let normal = "y".repeat(6 * 1024);
    assert_eq!(request(&service.address, "GET", "/healthz", &[("Cookie", &normal)], b"").status, 200);
}

#[test]
fn slow_clients_of_one_network_cannot_hold_every_connection() {
    let dir = tempfile::tempdir().expect("temp");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let service = VoteService::start(
        &manifest,
        &dir.path().join("votes.redb"),
        &["--now", OPEN, "--max-connections", "50", "--max-connections-per-client", "10"],
    );
    // 60 clients from 127.0.0.1 that send half a request and wait.
    let slow: Vec<TcpStream> = (0..60)
        .map(|_| {
            let mut stream = TcpStream::connect(&service.address).expect("connect");
            stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").expect("half a request");
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut refused_stream = TcpStream::connect(&service.address).expect("connect");
    refused_stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut raw = Vec::new();
    refused_stream.read_to_end(&mut raw).expect("an answer without sending anything");
    let refused = parse(&raw);
    assert_eq!((refused.status, code(&refused)), (429, "too_many_connections".to_owned()));
    // Another client is served at once, not after the slow ones time out.
    let started = std::time::Instant::now();
    let other =
        from_address("127.0.0.2", &service.address, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(other.status, 200);
    assert!(started.elapsed() < Duration::from_secs(5), "served after {:?}", started.elapsed());
    drop(slow);
}

/// Sends `raw` to `address` from the local address `from` (any 127.x.y.z works on Linux) and reads the reply.
fn from_address(from: &str, address: &str, raw: &[u8]) -> Reply {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind(format!("{from}:0").parse().expect("address")).expect("bind");
        socket.connect(address.parse().expect("address")).await.expect("connect")
    });
    let mut stream = stream.into_std().expect("std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    stream.write_all(raw).expect("send");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("read");
    parse(&reply)
}

#[test]
fn a_client_that_half_closes_after_its_vote_gets_the_answer_and_the_vote_counts() {
    let dir = tempfile::tempdir().expect("temp");
    let service = start(dir.path(), &[]);
    let body = r#"{"case": "a"}"#;
    let mut stream = TcpStream::connect(&service.address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let head = format!(
        "POST /api/votes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("send");
    stream.shutdown(Shutdown::Write).expect("half-close");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let reply = parse(&raw);
    assert_eq!((reply.status, code(&reply)), (200, "counted".to_owned()));
    service.stop();
    let (_, out, _) = run(&["export", "--db", &dir.path().join("votes.redb").to_string_lossy()]);
    assert!(out.contains("\"total_votes\": 1"), "{out}");
}

#[test]
fn visibility_and_cases_with_votes_cannot_change_and_the_export_names_only_the_file() {
    let dir = tempfile::tempdir().expect("temp");
    let token = dir.path().join("token");
    std::fs::write(&token, "a-long-enough-admin-token").expect("token");
    let service = start(dir.path(), &["--admin-token-file", &token.to_string_lossy()]);
    assert_eq!(vote_from(&service, "10.0.0.1", "a", &[]).status, 200);
    let export = get(&service.address, "/api/export", &[("Authorization", "Bearer a-long-enough-admin-token")]);
    assert_eq!(export.json()["sources"][0]["name"], "votes.redb", "no server path: {}", export.body);
    service.stop();
    let path = dir.path().join("cases.json");
    let original = std::fs::read_to_string(&path).expect("manifest");
    let db = dir.path().join("votes.redb");
    std::fs::write(&path, original.replace("after_close", "live")).expect("live tally");
    let (status, err) = offline("serve", &db, dir.path());
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("tally_visibility: after_close") && err.contains("tally_visibility: live"), "{err}");
    let without_a =
        original.replace(r#"{"id": "a", "title": "甲", "category": "c1", "domain": "d", "url": "/cases/a/"},"#, "");
    assert_ne!(without_a, original);
    std::fs::write(&path, without_a).expect("case a removed");
    let (status, err) = offline("serve", &db, dir.path());
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("1 votes for case 'a'"), "{err}");
}

#[test]
fn a_vote_changed_in_the_database_afterwards_breaks_the_hash_chain() {
    let dir = tempfile::tempdir().expect("temp");
    let db = dir.path().join("votes.redb");
    let service = start(dir.path(), &[]);
    for i in 1..=20 {
        assert_eq!(vote_from(&service, &format!("10.0.0.{i}"), if i % 2 == 0 { "a" } else { "b" }, &[]).status, 200);
    }
    service.stop();
    let (code, out, err) = run(&["verify", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("the hash chain holds") && out.contains("2020-08-25 closing hash "), "{out}");
    let (_, export, _) = run(&["export", "--db", &db.to_string_lossy()]);
    let tally: serde_json::Value = serde_json::from_str(&export).expect("tally");
    let closing = tally["sources"][0]["closing_hashes"]["2020-08-25"].as_str().expect("a closing hash").to_owned();
    assert!(out.contains(&closing), "verify and export agree: {out}");
    // Someone with the file turns the votes for b into votes for a, in every copy of the pages (redb writes pages
    // anew, so old copies lie about); the chain (or redb's own page checksums) gives it away.
    let mut bytes = std::fs::read(&db).expect("db");
    let needle = br#""case":"b""#;
    let mut changed = 0;
    for at in 0..bytes.len().saturating_sub(needle.len()) {
        if &bytes[at..at + needle.len()] == needle {
            bytes[at + 8] = b'a';
            changed += 1;
        }
    }
    assert!(changed >= 10, "{changed} records changed");
    std::fs::write(&db, &bytes).expect("tamper");
    let (code, _, err) = run(&["verify", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("hash chain does not hold") || err.contains("damaged"), "{err}");
    let (code, _, err) = run(&["export", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(1), "no tally from a changed log: {err}");
}
