//! `vote-service review`: the real binary on a small audit file, as an editor runs it on a copy of the log.

use std::fmt::Write;
use std::path::Path;

use hall_tests::vote_service::run;

/// One local day (Asia/Shanghai) of quiet honest voting, 08:00 to 24:00, three votes a minute over three cases from
/// 700 home networks, and at 12:00 a burst: 300 votes for case `c` in five minutes from three /24s.
fn audit_file(dir: &Path) -> String {
    let mut text = String::new();
    let mut seq = 0;
    let mut line = |text: &mut String, second: i64, case: &str, network: &str| {
        let at = format!("2020-08-25T{:02}:{:02}:{:02}Z", second / 3600, second / 60 % 60, second % 60);
        let _ = writeln!(
            text,
            r#"{{"seq":{seq},"at":"{at}","day":"2020-08-25","case":"{case}","scope":"","client":"{seq:032x}","network":"{network}","receipt":"R","ua":"{:016x}","site":"hall.example.org","via":"js","lang":"zh-CN"}}"#,
            seq % 97
        );
        seq += 1;
    };
    for minute in 0..16 * 60 {
        for i in 0..3i64 {
            let second = minute * 60 + i * 20;
            line(
                &mut text,
                second,
                ["a", "b", "c"][(minute + i) as usize % 3],
                &format!("58.{}.{}.0/24", minute % 7, (minute * 3 + i) % 100),
            );
            if minute == 4 * 60 && i == 0 {
                for k in 0..300 {
                    line(&mut text, second + k, "c", &format!("203.0.{}.0/24", k % 3));
                }
            }
        }
    }
    let path = dir.join("audit.jsonl");
    std::fs::write(&path, &text).expect("audit file");
    path.to_string_lossy().into_owned()
}

#[test]
fn review_prints_a_finding_a_line_with_what_it_covers() {
    let dir = tempfile::tempdir().expect("temp");
    let audit = audit_file(dir.path());
    let (code, out, err) = run(&["review", "--audit", &audit, "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let findings: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("JSON a line")).collect();
    let rules: Vec<(&str, &str, u64)> = findings
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or(""), f["case"].as_str().unwrap_or(""), f["votes"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(rules, vec![("burst", "c", 300), ("concentration", "c", 300)], "{out}");
    let burst = &findings[0];
    assert_eq!(burst["id"], "burst-c-202008250400Z");
    assert_eq!(burst["networks"], serde_json::json!(["203.0.0.0/24", "203.0.1.0/24", "203.0.2.0/24"]));
    assert_eq!(
        (burst["from"].clone(), burst["to"].clone()),
        ("2020-08-25T04:00:00Z".into(), "2020-08-25T04:05:00Z".into())
    );
    assert_eq!(burst["covers"]["networks"], burst["networks"]);
    assert!(burst["evidence"]["ratio"].as_f64().is_some_and(|r| r > 10.0), "{burst}");
    assert!(burst["strength"].as_f64().is_some_and(|s| s > 0.5), "{burst}");
    let (code, again, _) = run(&["review", "--audit", &audit, "--format", "json"]);
    assert_eq!((code, again), (Some(0), out), "the same input, the same findings and ids");
    let (code, text, _) = run(&["review", "--audit", &audit]);
    assert_eq!(code, Some(0));
    assert!(text.contains("burst-c-202008250400Z  (burst, ") && text.ends_with("2 findings\n"), "{text}");
}

#[test]
fn review_refuses_a_bad_line_and_a_misspelt_rule_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp");
    let audit = audit_file(dir.path());
    let bad = dir.path().join("bad.jsonl");
    let text = std::fs::read_to_string(&audit).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(16, "{\"at\": 12}");
    std::fs::write(&bad, lines.join("\n")).expect("write");
    let (code, out, err) = run(&["review", "--audit", &bad.to_string_lossy()]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert!(err.contains("bad.jsonl:17: not an audit record: invalid type: integer `12`"), "{err}");
    let rules = dir.path().join("rules.yaml");
    std::fs::write(&rules, "burst:\n  window: 5\n").expect("write");
    let (code, _, err) = run(&["review", "--audit", &audit, "--rules", &rules.to_string_lossy()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("rules.yaml:2") && err.contains("unknown field `window`"), "{err}");
}
