//! What an operator does while the vote runs: back up under load and restore, and read the metrics.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hall_tests::http::post_json;
use hall_tests::vote_service::{VoteService, manifest, run};

#[test]
fn a_backup_taken_under_load_holds_every_vote_acknowledged_before_it_and_restores() {
    let dir = tempfile::tempdir().expect("temp");
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).expect("backup folder");
    let token = dir.path().join("token");
    std::fs::write(&token, "a-long-enough-admin-token").expect("token");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let service = VoteService::start(
        &manifest,
        &dir.path().join("votes.redb"),
        &[
            "--now",
            "2020-08-25T10:00:00+08:00",
            "--trusted-proxy",
            "127.0.0.1/32",
            "--admin-token-file",
            &token.to_string_lossy(),
            "--backup-dir",
            &backups.to_string_lossy(),
        ],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let voters: Vec<_> = (0..4u32)
        .map(|t| {
            let (address, stop, acknowledged) = (service.address.clone(), Arc::clone(&stop), Arc::clone(&acknowledged));
            std::thread::spawn(move || {
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    let client = format!("10.{t}.{}.{}", i / 250, i % 250 + 1);
                    let case = ["a", "b", "c"][(i % 3) as usize];
                    let reply = post_json(
                        &address,
                        "/api/votes",
                        &format!(r#"{{"case": "{case}"}}"#),
                        &[("X-Forwarded-For", &client)],
                    );
                    if reply.status == 200 {
                        let receipt = reply.json()["receipt"].as_str().expect("receipt").to_owned();
                        acknowledged.lock().expect("lock").push((receipt, Instant::now()));
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let started = Instant::now();
    let service_url = format!("http://{}", service.address);
    let (code, out, err) = run(&["backup", "--service", &service_url, "--admin-token-file", &token.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let answer: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for voter in voters {
        voter.join().expect("voter");
    }
    service.stop();
    let before: Vec<String> =
        acknowledged.lock().expect("lock").iter().filter(|(_, at)| *at < started).map(|(r, _)| r.clone()).collect();
    let total = acknowledged.lock().expect("lock").len();
    assert!(before.len() > 50, "load before the backup: {}", before.len());
    let file = answer["file"].as_str().expect("file").to_owned();
    let restored = dir.path().join("restored.redb");
    let (code, out, err) = run(&["restore", "--from", &file, "--db", &restored.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("restored from"), "{out}");
    let (code, _, err) = run(&["verify", "--db", &restored.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let (_, audit, _) = run(&["audit", "--db", &restored.to_string_lossy()]);
    let in_backup: std::collections::HashSet<String> = audit
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("record")["receipt"].as_str().expect("r").to_owned()
        })
        .collect();
    let missing: Vec<&String> = before.iter().filter(|r| !in_backup.contains(*r)).collect();
    assert!(missing.is_empty(), "{} votes acknowledged before the backup are missing", missing.len());
    assert!(in_backup.len() <= total, "{} in the backup, {total} acknowledged", in_backup.len());
    assert_eq!(answer["votes"].as_u64(), Some(in_backup.len() as u64));
    // Restore never overwrites, and never runs without the secret.
    let (code, _, err) = run(&["restore", "--from", &file, "--db", &restored.to_string_lossy()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("exists already"), "{err}");
    std::fs::remove_file(format!("{file}.secret")).expect("lose the backup's secret");
    let (code, _, err) = run(&["restore", "--from", &file, "--db", &dir.path().join("other.redb").to_string_lossy()]);
    assert_eq!(code, Some(1));
    assert!(err.contains(".secret is missing"), "{err}");
}

#[test]
fn a_stopped_database_is_backed_up_with_its_secret() {
    let dir = tempfile::tempdir().expect("temp");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    let service = VoteService::start(&manifest, &db, &["--now", "2020-08-25T10:00:00+08:00"]);
    assert_eq!(post_json(&service.address, "/api/votes", r#"{"case": "a"}"#, &[]).status, 200);
    service.stop();
    let copy = dir.path().join("copy.redb");
    let (code, out, err) = run(&["backup", "--db", &db.to_string_lossy(), "--to", &copy.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\"votes\":1"), "{out}");
    assert!(dir.path().join("copy.redb.secret").is_file());
    let (code, _, err) = run(&["verify", "--db", &copy.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
}
