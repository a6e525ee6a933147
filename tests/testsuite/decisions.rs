//! Decisions on ballot stuffing applied by `vote-service export --decisions`: the votes covered stop counting, are
//! never deleted, and the tally says what each decision took out; the receipts file says which receipt counts.

use hall_tests::http::post_json;
use hall_tests::vote_service::{VoteService, manifest, run};

#[test]
fn decisions_take_votes_out_of_the_count_and_say_how_many() {
    let dir = tempfile::tempdir().expect("temp");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    let service =
        VoteService::start(&manifest, &db, &["--now", "2020-08-25T03:10:00+08:00", "--trusted-proxy", "127.0.0.1/32"]);
    let mut receipts = Vec::new();
    for (client, case) in [
        ("10.0.1.1", "a"),
        ("10.0.1.2", "a"),
        ("10.0.1.3", "a"),
        ("10.0.2.1", "a"),
        ("10.0.3.1", "b"),
        ("10.0.4.1", "c"),
    ] {
        let reply = post_json(
            &service.address,
            "/api/votes",
            &format!(r#"{{"case": "{case}"}}"#),
            &[("X-Forwarded-For", client)],
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        receipts.push(reply.json()["receipt"].as_str().expect("receipt").to_owned());
    }
    service.stop();
    let decisions = dir.path().join("decisions.yaml");
    std::fs::write(
        &decisions,
        "- id: D1\n  action: void\n  case: a\n  networks: [10.0.1.0/24]\n  from: 2020-08-25T03:00:00+08:00\n  to: 2020-08-25T04:00:00+08:00\n  decided_by: 评选工作组\n  decided_on: 2020-09-02\n  reason: 凌晨同一网段集中投票\n\
         - id: D2\n  action: disqualify\n  case: c\n  decided_by: 评选工作组\n  decided_on: 2020-09-03\n  reason: 组织刷票\n",
    )
    .expect("decisions");
    let receipts_file = dir.path().join("receipts.jsonl");
    let (code, out, err) = run(&[
        "export",
        "--db",
        &db.to_string_lossy(),
        "--decisions",
        &decisions.to_string_lossy(),
        "--receipts",
        &receipts_file.to_string_lossy(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let tally: serde_json::Value = serde_json::from_str(&out).expect("tally");
    assert_eq!(tally["before"], serde_json::json!({"a": 4, "b": 1, "c": 1}));
    assert_eq!(tally["totals"], serde_json::json!({"a": 1, "b": 1}));
    assert_eq!(tally["voided"], serde_json::json!({"a": 3, "c": 1}));
    assert_eq!(tally["total_votes"], 2);
    assert_eq!(tally["decisions"][0]["voided"], 3);
    assert_eq!(tally["decisions"][1]["voided"], 1);
    assert_eq!(tally["disqualified"]["c"], "组织刷票");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&receipts_file)
        .expect("receipts")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["receipt"], receipts[0].as_str());
    assert_eq!(lines[0]["voided_by"], "D1");
    assert!(lines[3].get("voided_by").is_none(), "10.0.2.1 counts: {}", lines[3]);
    assert_eq!(lines[5]["voided_by"], "D2");
    // Nothing was deleted: without the decisions every vote is there.
    let (_, plain, _) = run(&["export", "--db", &db.to_string_lossy()]);
    assert!(plain.contains("\"total_votes\": 6"), "{plain}");
    // Two shards with the same decisions merge into one tally.
    let shard = dir.path().join("shard.json");
    std::fs::write(&shard, &out).expect("shard");
    let (code, merged, err) = run(&["merge", &shard.to_string_lossy(), &shard.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let merged: serde_json::Value = serde_json::from_str(&merged).expect("merged");
    assert_eq!((merged["decisions"][0]["voided"].clone(), merged["before"]["a"].clone()), (6.into(), 8.into()));
}

#[test]
fn a_decision_that_is_incomplete_is_refused_with_its_id() {
    let dir = tempfile::tempdir().expect("temp");
    let manifest = manifest(dir.path(), "2020-08-22", "2020-08-31", "election");
    let db = dir.path().join("votes.redb");
    let service = VoteService::start(&manifest, &db, &["--now", "2020-08-25T10:00:00+08:00"]);
    service.stop();
    let decisions = dir.path().join("decisions.yaml");
    std::fs::write(
        &decisions,
        "- {id: S1, action: suspend, case: a, decided_by: x, decided_on: 2020-09-01, reason: y}\n",
    )
    .expect("decisions");
    let (code, _, err) = run(&["export", "--db", &db.to_string_lossy(), "--decisions", &decisions.to_string_lossy()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("decisions.yaml: decision S1: a suspension needs both from and to"), "{err}");
}
