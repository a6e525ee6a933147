//! The integrity statement through the real generator: decisions on ballot stuffing checked like every other input,
//! results from the counted votes with a disqualified case out of the shortlist, the 诚信声明 page, the receipt
//! check's files, and no receipt or network anywhere in `output/`.
//!
//! The fixture: 5 sample cases, 2 shortlist places per category, no panel marks yet (the shortlist stage).
//!
//! | case | cast | decision | voided | counted |
//! | --- | --- | --- | --- | --- |
//! | smart-traffic-signals | 450 | D1 void finding F1 (burst) | 50 | 400 |
//! | medical-insurance-mobile-pay | 330 | D2 suspend 03:00-04:00 | 30 | 300 |
//! | smart-farming-laixi | 280 | D3 disqualify | 280 | 0 |
//! | gigabit-city-network | 200 | | | 200 |
//! | port-automation-terminal | 140 | | | 140 |
//!
//! 1,040 votes counted, 360 voided, one receipt for each.

use std::fs;
use std::path::Path;

use expect_test::expect;
use hall_tests::binaries::workspace_root;
use hall_tests::run::generator;
use hall_tests::site::{build, copy_dir, files_of};
use serde_json::{Value, json};

/// A case with the votes cast for it and those voided.
type Votes = (&'static str, u64, u64);

const CASES: [Votes; 5] = [
    ("smart-traffic-signals", 450, 50),
    ("medical-insurance-mobile-pay", 330, 30),
    ("smart-farming-laixi", 280, 280),
    ("gigabit-city-network", 200, 0),
    ("port-automation-terminal", 140, 0),
];

/// The networks the decisions and the review name; none may reach the output.
const NETWORKS: [&str; 3] = ["10.20.30.0/24", "10.20.31.0/24", "2001:db8:77::/48"];

pub const DECISIONS: &str = "\
# decided after the review
- id: D1
  action: void
  finding: F1
  decided_by: 评选工作组（张三、李四、王五）
  decided_on: 2020-09-02
  reason: 8月23日10时起短时激增，来源集中于两个网段，经核查为程序刷票。
- id: D2
  action: suspend
  case: medical-insurance-mobile-pay
  from: 2020-08-22T03:00:00+08:00
  to: 2020-08-22T04:00:00+08:00
  decided_by: 评选工作组（张三、李四、王五）
  decided_on: 2020-09-02
  reason: 凌晨3时至4时集中投票，暂停该时段计票。
- id: D3
  action: disqualify
  case: smart-farming-laixi
  decided_by: 评选领导小组
  decided_on: 2020-09-03
  reason: 申报单位组织人员有偿刷票，取消参评资格。
";

/// A receipt as the vote service writes them, different for each `n`.
pub fn receipt(n: u64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bits = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 4;
    let mut out = String::new();
    for i in 0..12 {
        if i == 4 || i == 8 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    out
}

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    fs::write(file, text).expect("write");
}

/// The sample's site.yaml with 2 shortlist places, the 5 cases, and the vote's files as the export writes them.
fn selection() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = workspace_root().join("content");
    let site = fs::read_to_string(sample.join("site.yaml")).expect("sample site.yaml");
    let site = site.replace("shortlist_per_category: 3", "shortlist_per_category: 2");
    let site = site.split("\nfeatured:").next().expect("text before featured").to_owned() + "\n";
    fs::write(dir.path().join("site.yaml"), site).expect("site.yaml");
    for (case, _, _) in CASES {
        copy_dir(&sample.join("cases").join(case), &dir.path().join("cases").join(case));
    }
    write(dir.path(), "votes/tally.json", &tally().to_string());
    write(dir.path(), "votes/decisions.yaml", DECISIONS);
    let finding = |id: &str, rule: &str, case: &str, networks: &[&str]| {
        json!({"id": id, "rule": rule, "case": case, "from": "2020-08-23T02:00:00Z", "to": "2020-08-23T03:00:00Z",
               "votes": 50, "networks": networks, "strength": "strong",
               "covers": {"case": case, "from": "2020-08-23T02:00:00Z", "to": "2020-08-23T03:00:00Z",
                          "networks": networks}})
        .to_string()
    };
    let review = [
        finding("F1", "burst", "smart-traffic-signals", &NETWORKS[..2]),
        finding("F2", "concentration", "gigabit-city-network", &NETWORKS[2..]),
    ];
    write(dir.path(), "votes/review.jsonl", &(review.join("\n") + "\n"));
    let mut receipts = String::new();
    let mut n = 0;
    for (case, cast, voided) in CASES {
        for i in 0..cast {
            let voided_by = match (i < voided, case) {
                (false, _) => String::new(),
                (true, "smart-traffic-signals") => ",\"voided_by\":\"D1\"".to_owned(),
                (true, "medical-insurance-mobile-pay") => ",\"voided_by\":\"D2\"".to_owned(),
                (true, _) => ",\"voided_by\":\"D3\"".to_owned(),
            };
            receipts +=
                &format!("{{\"receipt\":\"{}\",\"case\":\"{case}\",\"day\":\"2020-08-22\"{voided_by}}}\n", receipt(n));
            n += 1;
        }
    }
    write(dir.path(), "votes/receipts.jsonl", &receipts);
    dir
}

/// The tally `vote-service export --decisions` would write for [`CASES`], every vote on 2020-08-22 and 23.
fn tally() -> Value {
    let counted = |(_, cast, voided): &Votes| cast - voided;
    let map = |f: &dyn Fn(&Votes) -> Option<u64>| -> serde_json::Map<String, Value> {
        CASES.iter().filter_map(|c| f(c).map(|n| (c.0.to_owned(), json!(n)))).collect()
    };
    let decision = |id: &str, action: &str, case: &str, voided: u64, by: &str, on: &str, reason: &str| {
        json!({"id": id, "action": action, "case": case, "voided": voided, "decided_by": by, "decided_on": on,
               "reason": reason})
    };
    let text = |key: &str, n: usize| {
        DECISIONS.split("- id: ").nth(n).and_then(|d| {
            d.lines().find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim_start_matches(':').trim().to_owned()))
        })
    };
    let d = |n: usize, action: &str, case: &str, voided: u64| {
        let (by, on, reason) = (text("decided_by", n), text("decided_on", n), text("reason", n));
        decision(&format!("D{n}"), action, case, voided, &by.expect("by"), &on.expect("on"), &reason.expect("reason"))
    };
    let mut d1 = d(1, "void", "smart-traffic-signals", 50);
    d1["finding"] = json!("F1");
    json!({
        "format": 1, "election": "qingdao-2020", "exported_at": "2020-09-01T00:05:00+08:00", "total_votes": 1040,
        "totals": map(&|c| (counted(c) > 0).then(|| counted(c))),
        "daily": {"2020-08-22": map(&|c| (counted(c) > 0).then(|| counted(c) / 2)),
                  "2020-08-23": map(&|c| (counted(c) > 0).then(|| counted(c) - counted(c) / 2))},
        "sources": [{"name": "votes.redb", "votes": 1040,
                     "closing_hashes": {"2020-08-22": "a".repeat(64), "2020-08-23": "b".repeat(64)}}],
        "before": map(&|c| Some(c.1)),
        "voided": map(&|c| (c.2 > 0).then_some(c.2)),
        "decisions": [d1, d(2, "suspend", "medical-insurance-mobile-pay", 30), d(3, "disqualify", "smart-farming-laixi", 280)],
        "disqualified": {"smart-farming-laixi": "申报单位组织人员有偿刷票，取消参评资格。"},
    })
}

#[test]
fn decisions_change_the_published_results_as_stated() {
    let content = selection();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let results: Value = serde_json::from_str(&built.read("api/results.json")).expect("results.json");
    let rows: Vec<String> = results["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            format!(
                "{} votes={} voided={} vote_rank={} shortlisted={} disqualified={}",
                c["id"].as_str().unwrap_or_default(),
                c["votes"],
                c["voided"],
                c["vote_rank"],
                c["shortlisted"],
                c["disqualified"]
            )
        })
        .collect();
    expect![[r#"
        gigabit-city-network votes=200 voided=0 vote_rank=1 shortlisted=true disqualified=null
        port-automation-terminal votes=140 voided=0 vote_rank=2 shortlisted=true disqualified=null
        smart-traffic-signals votes=400 voided=50 vote_rank=1 shortlisted=true disqualified=null
        medical-insurance-mobile-pay votes=300 voided=30 vote_rank=2 shortlisted=true disqualified=null
        smart-farming-laixi votes=0 voided=280 vote_rank=null shortlisted=false disqualified="申报单位组织人员有偿刷票，取消参评资格。""#]].assert_eq(&rows.join("\n"));
    let csv = built.read("api/results.csv");
    assert!(csv.lines().next().expect("header").ends_with(",winner,voided,disqualified"), "{csv}");
    assert!(csv.contains(",0,,false,,,,,false,280,申报单位组织人员有偿刷票，取消参评资格。\n"), "{csv}");
    let category = built.read("results/applications/index.html");
    assert!(category.contains("取消资格：申报单位组织人员有偿刷票，取消参评资格。"), "{category}");
    let case = built.read("cases/smart-farming-laixi/index.html");
    assert!(case.contains("已取消资格：申报单位组织人员有偿刷票"), "the case's own page says so");
    // The decisions and the review are published without networks, with the SHA-256 of what is published.
    let names: Vec<&str> =
        results["inputs"].as_array().expect("inputs").iter().filter_map(|i| i["file"].as_str()).collect();
    assert_eq!(names, ["votes/tally.json", "votes/decisions.yaml", "votes/review.jsonl"]);
    let decisions = built.read("results/inputs/votes/decisions.yaml");
    assert_eq!(decisions, DECISIONS, "the decisions file names no network, so it is published as it is");
    let review = built.read("results/inputs/votes/review.jsonl");
    assert!(
        review.contains(r#""networks":["net-1","net-2"]"#) && review.contains(r#""networks":["net-3"]"#),
        "{review}"
    );
}

#[test]
fn the_integrity_statement_shows_every_decision_and_each_days_hash() {
    let content = selection();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let page = built.read("results/integrity/index.html");
    let text = visible_text(&page);
    for expected in [
        "短时激增",
        "来源集中",
        "同步投票",
        "深夜异常",
        "未访问页面即投票",
        "本次审查报告共列出 2 项疑点",
        "决定 D1：作废 案例 城市交通信号智能优化系统 涉及票数 50 票 理由 8月23日10时起短时激增，来源集中于两个网段，经核查为程序刷票。 决定人 评选工作组（张三、李四、王五） 日期 2020年9月2日",
        "决定 D2：暂停计票 案例 医保移动支付“一码通办” 涉及票数 30 票",
        "决定 D3：取消资格 案例 智慧农业大田物联网服务平台 涉及票数 280 票 理由 申报单位组织人员有偿刷票，取消参评资格。 决定人 评选领导小组 日期 2020年9月3日",
        "共收到 1400 票，作废 360 票，计入结果 1040 票。",
        "城市交通信号智能优化系统 450 50 400",
        "智慧农业大田物联网服务平台 已取消资格 280 280 0",
        &format!("8月22日 520 {}", "a".repeat(64)),
        &format!("8月23日 520 {}", "b".repeat(64)),
    ] {
        assert!(text.contains(expected), "the statement says {expected:?}:\n{text}");
    }
    for page in
        ["results/index.html", "results/applications/index.html", "results/method/index.html", "verify/index.html"]
    {
        assert!(built.read(page).contains("href=\"/results/integrity/\""), "{page} links to the statement");
    }
    for page in ["results/index.html", "results/applications/index.html", "results/integrity/index.html"] {
        assert!(built.read(page).contains("href=\"/verify/\""), "{page} links to the receipt check");
    }
}

/// The text of a page's `<main>`, tags removed and white space collapsed.
pub fn visible_text(html: &str) -> String {
    let main = html.split("<main").nth(1).and_then(|m| m.split("</main>").next()).unwrap_or(html);
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn no_receipt_or_network_reaches_the_output() {
    let content = selection();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let files = files_of(&built.output());
    assert!(files.contains_key("receipts/index.json") && files.contains_key("verify/index.html"));
    let index: Value = serde_json::from_slice(&files["receipts/index.json"]).expect("index.json");
    assert_eq!(
        (index["prefix_digits"].clone(), index["counted"].clone(), index["voided"].clone()),
        (json!(2), json!(1040), json!(360))
    );
    assert_eq!(files.keys().filter(|p| p.starts_with("receipts/")).count(), 1 + 256);
    let everything: Vec<(&String, String)> =
        files.iter().map(|(p, b)| (p, String::from_utf8_lossy(b).into_owned())).collect();
    for n in 0..1400 {
        let receipt = receipt(n);
        for needle in [receipt.clone(), receipt.replace('-', "")] {
            assert!(!everything.iter().any(|(_, text)| text.contains(&needle)), "receipt {needle} is in the output");
        }
    }
    for network in NETWORKS {
        let stem = network.split('/').next().expect("address");
        for (path, text) in &everything {
            assert!(!text.contains(stem), "{path} holds the network {network}");
        }
    }
}

/// `generator check` on the selection after `change`: its exit code and what it printed.
fn check_after(change: impl FnOnce(&Path)) -> (Option<i32>, String) {
    let content = selection();
    change(content.path());
    let out = generator(&["check", "--content", "."], content.path());
    (out.code, out.stderr)
}

#[test]
fn every_problem_of_the_decisions_is_named_with_its_line() {
    let (code, stderr) = check_after(|root| {
        let text = DECISIONS
            .replace("finding: F1", "finding: F9")
            .replace("case: medical-insurance-mobile-pay", "case: medical-insurance-mobile-py")
            .replace("action: disqualify", "action: disqualfy")
            + "- id: D4\n  action: void\n  case: gigabit-city-network\n  networks: [10.9.9.0/24]\n  decided_by: x\n  decided_on: 2020-09-04\n  reson: y\n";
        write(root, "votes/decisions.yaml", &text);
    });
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/decisions.yaml:4: decisions[0].finding: votes/review.jsonl has no finding 'F9'
        ./votes/decisions.yaml:10: decisions[1].case: no case has the id 'medical-insurance-mobile-py' (did you mean 'medical-insurance-mobile-pay'?)
        ./votes/decisions.yaml:17: decisions[2].action: 'disqualfy' is not an action: void (作废), suspend (暂停计票) or disqualify (取消资格)
        ./votes/decisions.yaml:22: decisions[3]: reason is missing; say why, in words a citizen understands
        ./votes/decisions.yaml:22: decisions[3].id: 'D4' is not in votes/tally.json: the tally was exported with other decisions; export it again: vote-service export --db votes.redb --decisions content/votes/decisions.yaml --findings content/votes/review.jsonl --receipts content/votes/receipts.jsonl
        ./votes/decisions.yaml:28: decisions[3].reson: unknown field 'reson' (did you mean 'reason'?)
        ./votes/tally.json:1: decisions[2].id: the decision 'D3' was applied, but votes/decisions.yaml does not hold it; export the tally again with the decisions file as committed: vote-service export --db votes.redb --decisions content/votes/decisions.yaml --findings content/votes/review.jsonl --receipts content/votes/receipts.jsonl
        error: 7 problems in 2 files
    "#]].assert_eq(&stderr);
}

#[test]
fn a_tally_not_exported_with_these_decisions_is_refused() {
    let (code, stderr) = check_after(|root| {
        let text = DECISIONS.replace("id: D2", "id: D5")
            + "- id: D6\n  action: void\n  case: gigabit-city-network\n  networks: [10.9.9.0/24]\n  decided_by: x\n  decided_on: 2020-09-04\n  reason: y\n";
        write(root, "votes/decisions.yaml", &text);
        let mut tally = tally();
        tally["decisions"].as_array_mut().expect("decisions").push(json!({"id": "D6", "action": "void",
            "case": "gigabit-city-network", "voided": 0, "decided_by": "x", "decided_on": "2020-09-04", "reason": "y"}));
        write(root, "votes/tally.json", &serde_json::to_string_pretty(&tally).expect("json"));
    });
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/decisions.yaml:8: decisions[1].id: 'D5' is not in votes/tally.json: the tally was exported with other decisions; export it again: vote-service export --db votes.redb --decisions content/votes/decisions.yaml --findings content/votes/review.jsonl --receipts content/votes/receipts.jsonl
        ./votes/decisions.yaml:22: decisions[3]: covers no vote: the tally says it took out none; check its case, finding, networks and span (an earlier decision may already have taken those votes out), or remove it
        ./votes/tally.json:39: decisions[1].id: the decision 'D2' was applied, but votes/decisions.yaml does not hold it; export the tally again with the decisions file as committed: vote-service export --db votes.redb --decisions content/votes/decisions.yaml --findings content/votes/review.jsonl --receipts content/votes/receipts.jsonl
        error: 3 problems in 2 files
    "#]].assert_eq(&stderr);
    let (code, stderr) = check_after(|root| {
        let mut tally = tally();
        for key in ["before", "voided", "decisions", "disqualified"] {
            tally.as_object_mut().expect("object").remove(key);
        }
        tally["totals"]["smart-farming-laixi"] = json!(0);
        tally["daily"]["2020-08-22"]["smart-farming-laixi"] = json!(0);
        write(root, "votes/tally.json", &serde_json::to_string_pretty(&tally).expect("json"));
        fs::remove_file(root.join("votes/receipts.jsonl")).expect("rm receipts");
    });
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/tally.json:1: decisions: the tally was exported without decisions, but votes/decisions.yaml holds 3; export it again with them: vote-service export --db votes.redb --decisions content/votes/decisions.yaml --findings content/votes/review.jsonl --receipts content/votes/receipts.jsonl
        error: 1 problem in 1 file
    "#]].assert_eq(&stderr);
}

#[test]
fn a_decisions_file_that_is_not_yaml_gives_one_message() {
    let (code, stderr) = check_after(|root| write(root, "votes/decisions.yaml", "- id: D1\n  action: [void\n"));
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/decisions.yaml:3: yaml: did not find expected ',' or ']'
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&stderr);
}

#[test]
fn decisions_without_a_tally_are_refused() {
    let (code, stderr) = check_after(|root| fs::remove_file(root.join("votes/tally.json")).expect("rm tally"));
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/decisions.yaml: decisions.yaml: there is no votes/tally.json: decisions.yaml goes with the tally `vote-service export --decisions` writes; commit that tally too
        ./votes/receipts.jsonl: receipts.jsonl: there is no votes/tally.json: receipts.jsonl goes with the tally `vote-service export --decisions` writes; commit that tally too
        ./votes/review.jsonl: review.jsonl: there is no votes/tally.json: review.jsonl goes with the tally `vote-service export --decisions` writes; commit that tally too
        error: 3 problems in 3 files
    "#]].assert_eq(&stderr);
}

#[test]
fn explain_shows_the_votes_decisions_took_out() {
    let content = selection();
    let explain = |case: &str| generator(&["explain", case, "--content", "."], content.path()).stdout;
    let traffic = explain("smart-traffic-signals");
    let votes = traffic.lines().skip_while(|l| !l.starts_with("1. Votes")).take(3).collect::<Vec<_>>().join("\n");
    expect![[r#"
        1. Votes (网上投票)
           450 votes cast, 50 not counted by decisions on ballot stuffing (D1 void 50): 400 counted
           400 votes, rank 1 of 2 in the category by votes"#]]
    .assert_eq(&votes);
    expect![[r#"
        smart-farming-laixi — 智慧农业大田物联网服务平台
        类别 category: 推进信息技术应用 (applications), 3 cases; 推荐单位 recommender: 莱西市

        1. Votes (网上投票)
           280 votes cast, 280 not counted by decisions on ballot stuffing (D3 disqualify 280): 0 counted
           → disqualified (取消资格): 申报单位组织人员有偿刷票，取消参评资格。
           the case left the selection: it is not shortlisted and has no rank or composite
    "#]]
    .assert_eq(&explain("smart-farming-laixi"));
}
