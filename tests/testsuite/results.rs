//! Results: a hand-computed selection checked to the last digit through the real binary, the pages and files it
//! publishes, and every kind of bad input refused with its file and line and no results.
//!
//! The selection: 5 sample cases in 2 categories, 2 shortlist places and 1 typical case per category.
//!
//! 推进信息技术应用 (applications): smart-traffic-signals 400 votes, medical-insurance-mobile-pay 300,
//! smart-farming-laixi 300. The cut is at place 2 with 300 votes: the tie passes, all 3 are shortlisted.
//! V = 100 x votes / 400: 100, 75, 75.
//! - traffic: M = mean(70, 72, 68) = 70 (3 media members: nothing dropped); E: 7 experts 60, 58, 62, 59, 61, 30, 90,
//!   drop 30 and 90, mean of 58..62 = 60. S = 0.55 x 100 + 0.15 x 70 + 0.30 x 60 = 55 + 10.5 + 18 = 83.5.
//! - medical: M = 80; E: 85, 80, 75, 70, 90, 100, 0, drop 0 and 100, (70+75+80+85+90)/5 = 80.
//!   S = 41.25 + 12 + 24 = 77.25.
//! - farming: M = mean(78, 82, 80) = 80; E: 80 x 5, 79, 81, drop 79 and 81 = 80. S = 77.25: equal S, equal E,
//!   equal votes with medical, so the id decides: medical 2nd, farming 3rd.
//!
//! 建设信息基础设施 (infrastructure): gigabit-city-network 200 votes (V 100), port-automation-terminal 140 (V 70).
//! - gigabit: M = mean(55, 60, 65) = 60; E: 40, 50, 55, 45, 60, 20, 70, drop 20 and 70 = 50. S = 55 + 9 + 15 = 79.
//! - port: M = mean(85, 90, 95) = 90; E: 95, 88, 90, 91, 86, 99, 80, drop 80 and 99 = 90. S = 38.5 + 13.5 + 27 = 79.
//!   A tie at the winner cut, broken by E: port is the typical case.
//!
//! Organisation award (approved, shortlisted, winners, mean S): 青岛市公安局 (1,1,1,83.5) 1st; 黄岛区 (1,1,1,79)
//! 2nd; 市北区 (1,1,0,79) 3rd; 莱西市 and 青岛市医疗保障局 (1,1,0,77.25) share 4th; 3 awards.

use std::fs;
use std::path::Path;

use expect_test::expect;
use hall_tests::binaries::workspace_root;
use hall_tests::run::generator;
use hall_tests::site::{build, copy_dir};
use serde_json::{Value, json};

const CASES: [&str; 5] = [
    "smart-traffic-signals",
    "medical-insurance-mobile-pay",
    "smart-farming-laixi",
    "gigabit-city-network",
    "port-automation-terminal",
];

/// The sample's site.yaml with 2 shortlist places and 1 typical case per category, and the 5 cases.
fn selection() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = workspace_root().join("content");
    let site = fs::read_to_string(sample.join("site.yaml")).expect("sample site.yaml");
    let site = site.replace("shortlist_per_category: 3", "shortlist_per_category: 2");
    let site = site.split("\nfeatured:").next().expect("text before featured").to_owned() + "\n";
    assert!(site.contains("shortlist_per_category: 2") && site.contains("winners_per_category: 1"));
    fs::write(dir.path().join("site.yaml"), site).expect("site.yaml");
    for case in CASES {
        copy_dir(&sample.join("cases").join(case), &dir.path().join("cases").join(case));
    }
    write_tally(
        dir.path(),
        "qingdao-2020",
        &[
            ("smart-traffic-signals", 400),
            ("medical-insurance-mobile-pay", 300),
            ("smart-farming-laixi", 300),
            ("gigabit-city-network", 200),
            ("port-automation-terminal", 140),
        ],
    );
    write(dir.path(), "scores/media.yaml", MEDIA);
    write(dir.path(), "scores/expert.yaml", EXPERT);
    dir
}

const MEDIA: &str = "\
# 3 media members
smart-traffic-signals: [70, 72, 68]
medical-insurance-mobile-pay: [80, 80, 80]
smart-farming-laixi: [78, 82, 80]
gigabit-city-network: [55, 60, 65]
port-automation-terminal: [85, 90, 95]
";

const EXPERT: &str = "\
# 7 experts: the highest and the lowest mark are dropped
smart-traffic-signals: [60, 58, 62, 59, 61, 30, 90]
medical-insurance-mobile-pay: [85, 80, 75, 70, 90, 100, 0]
smart-farming-laixi: [80, 80, 80, 80, 80, 79, 81]
gigabit-city-network: [40, 50, 55, 45, 60, 20, 70]
port-automation-terminal: [95, 88, 90, 91, 86, 99, 80]
";

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    fs::write(file, text).expect("write");
}

/// A tally as `vote-service export` writes it, the votes spread over two days.
fn write_tally(root: &Path, election: &str, totals: &[(&str, u64)]) {
    let first: serde_json::Map<String, Value> = totals.iter().map(|(c, n)| ((*c).to_owned(), json!(n / 2))).collect();
    let second: serde_json::Map<String, Value> =
        totals.iter().map(|(c, n)| ((*c).to_owned(), json!(n - n / 2))).collect();
    let total: u64 = totals.iter().map(|(_, n)| n).sum();
    let tally = json!({
        "format": 1,
        "election": election,
        "exported_at": "2020-09-01T00:00:00+08:00",
        "total_votes": total,
        "totals": totals.iter().map(|(c, n)| ((*c).to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "daily": {"2020-08-22": first, "2020-08-23": second},
        "sources": [{"name": "votes.redb", "votes": total}],
    });
    write(root, "votes/tally.json", &(serde_json::to_string_pretty(&tally).expect("json") + "\n"));
}

#[test]
fn the_hand_computed_selection_comes_out_to_the_last_digit() {
    let content = selection();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let results: Value = serde_json::from_str(&built.read("api/results.json")).expect("results.json");
    assert_eq!(results["stage"], "final");
    let rows: Vec<String> = results["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            format!(
                "{} {} votes={} vote_rank={} shortlisted={} V={} M={} E={} S={} rank={} winner={}",
                c["category"].as_str().unwrap_or_default(),
                c["id"].as_str().unwrap_or_default(),
                c["votes"],
                c["vote_rank"],
                c["shortlisted"],
                c["vote_score"],
                c["media_score"],
                c["expert_score"],
                c["composite"],
                c["rank"],
                c["winner"]
            )
        })
        .collect();
    expect![[r#"
        infrastructure port-automation-terminal votes=140 vote_rank=2 shortlisted=true V=70.0 M=90.0 E=90.0 S=79.0 rank=1 winner=true
        infrastructure gigabit-city-network votes=200 vote_rank=1 shortlisted=true V=100.0 M=60.0 E=50.0 S=79.0 rank=2 winner=false
        applications smart-traffic-signals votes=400 vote_rank=1 shortlisted=true V=100.0 M=70.0 E=60.0 S=83.5 rank=1 winner=true
        applications medical-insurance-mobile-pay votes=300 vote_rank=2 shortlisted=true V=75.0 M=80.0 E=80.0 S=77.25 rank=2 winner=false
        applications smart-farming-laixi votes=300 vote_rank=2 shortlisted=true V=75.0 M=80.0 E=80.0 S=77.25 rank=3 winner=false"#]]
    .assert_eq(&rows.join("\n"));
    let awards: Vec<String> = results["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .map(|o| {
            format!(
                "{} {} {}/{}/{} {} {}",
                o["place"],
                o["recommender"].as_str().unwrap_or_default(),
                o["approved"],
                o["shortlisted"],
                o["winners"],
                o["mean_composite"],
                o["award"]
            )
        })
        .collect();
    expect![[r#"
        1 青岛市公安局 1/1/1 83.5 true
        2 黄岛区 1/1/1 79.0 true
        3 市北区 1/1/0 79.0 true
        4 莱西市 1/1/0 77.25 false
        4 青岛市医疗保障局 1/1/0 77.25 false"#]]
    .assert_eq(&awards.join("\n"));
    assert_eq!(results["categories"][0]["shortlist_cut"], 140);
    assert_eq!(results["categories"][1]["shortlist_cut"], 300);

    // The inputs are named with their SHA-256 and published beside the results, byte for byte.
    for input in results["inputs"].as_array().expect("inputs") {
        let name = input["file"].as_str().expect("file");
        let published = fs::read(built.output().join("results/inputs").join(name)).expect("published input");
        assert_eq!(published, fs::read(content.path().join(name)).expect("input"));
        assert_eq!(input["sha256"].as_str().expect("sha").len(), 64);
    }
    let csv = built.read("api/results.csv");
    assert!(csv.starts_with("category,rank,id,title,recommender,votes,vote_rank,shortlisted,vote_score,"), "{csv}");
    assert!(csv.contains("\ninfrastructure,1,port-automation-terminal,"), "{csv}");

    // The pages: overview, each category with its chart, the award, the method, the collection of the 2 winners.
    let category = built.read("results/infrastructure/index.html");
    assert!(category.contains("<svg") && category.contains("79.00"), "{category}");
    let method = built.read("results/method/index.html");
    for input in results["inputs"].as_array().expect("inputs") {
        assert!(method.contains(input["sha256"].as_str().expect("sha")));
    }
    let collection = built.read("collection/index.html");
    assert!(collection.contains("id=\"case-port-automation-terminal\""));
    assert!(collection.contains("id=\"case-smart-traffic-signals\""));
    assert!(!collection.contains("id=\"case-gigabit-city-network\""));
    assert!(built.read("results/organisations/index.html").contains("优秀组织奖"));
    assert!(built.read("index.html").contains("评选结果已公布"));
}

#[test]
fn explain_tells_how_a_rank_was_reached() {
    let content = selection();
    let out =
        generator(&["explain", "gigabit-city-network", "--content", &content.path().to_string_lossy()], content.path());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    expect![[r#"
        gigabit-city-network — 千兆光网与5G“双千兆”城市建设
        类别 category: 建设信息基础设施 (infrastructure), 2 cases; 推荐单位 recommender: 市北区

        1. Votes (网上投票)
           200 votes, rank 1 of 2 in the category by votes
           shortlist: the category has 2 cases for 2 places, so all are shortlisted
           → shortlisted

        2. Vote score V (V = 100 × 票数 ÷ 本类别最高票数)
           V = 100 × 200 / 200 = 100.0000

        3. Media score M (媒体评测)
           3 marks: 55, 60, 65
           fewer than 5 marks, none dropped; M = mean = 60.0000

        4. Expert score E (专家评审)
           7 marks: 40, 50, 55, 45, 60, 20, 70
           a panel of 5 or more drops its highest (70) and lowest (20) mark; E = mean of the other 5 = 50.0000

        5. Composite S = 0.55 V + 0.15 M + 0.30 E
           S = 0.55 × 100.0000 + 0.15 × 60.0000 + 0.30 × 50.0000 = 55.0000 + 9.0000 + 15.0000 = 79.0000

        6. Rank in the category (by S, then E, then votes, then id; scores compared at 6 decimals)
             1. port-automation-terminal     S  79.0000  E  90.0000  votes    140  典型案例  全自动化集装箱码头智能调度系统
          →  2. gigabit-city-network         S  79.0000  E  50.0000  votes    200  千兆光网与5G“双千兆”城市建设
           against port-automation-terminal: equal S; decided by E, the first tie-break
           → rank 2 of 2: not among the 1 typical cases of the category

        Under the other vote score (V = 100 × (n − 票数名次) ÷ (n − 1)，n 为本类别入围案例数): V 100.0000, S 79.0000, rank 1, a typical case
    "#]]
    .assert_eq(&out.stdout);
    let unknown =
        generator(&["explain", "gigabit-city-netwrk", "--content", &content.path().to_string_lossy()], content.path());
    assert_eq!(unknown.code, Some(1));
    assert_eq!(
        unknown.stderr,
        "error: no case has the id 'gigabit-city-netwrk' (did you mean 'gigabit-city-network'?)\n"
    );
}

#[test]
fn the_tally_alone_publishes_the_shortlist_for_the_panels() {
    let content = selection();
    fs::remove_dir_all(content.path().join("scores")).expect("rm scores");
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let results: Value = serde_json::from_str(&built.read("api/results.json")).expect("results.json");
    assert_eq!(results["stage"], "shortlist");
    assert!(results["cases"].as_array().expect("cases").iter().all(|c| c["composite"].is_null()));
    assert!(built.read("results/index.html").contains("入围名单"));
    assert!(!built.output().join("collection").exists());
    assert!(!built.output().join("results/organisations").exists());
}

#[test]
fn without_a_tally_there_are_no_results() {
    let content = selection();
    fs::remove_dir_all(content.path().join("scores")).expect("rm scores");
    fs::remove_dir_all(content.path().join("votes")).expect("rm votes");
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    assert!(!built.output().join("results").exists());
    assert!(!built.output().join("api/results.json").exists());
    assert!(!built.read("index.html").contains("results/"));
}

/// `generator check` on the selection after `change`: its exit code and what it printed.
fn check_after(change: impl FnOnce(&Path)) -> (Option<i32>, String) {
    let content = selection();
    change(content.path());
    let out = generator(&["check", "--content", "."], content.path());
    (out.code, out.stderr)
}

#[test]
fn bad_marks_are_refused_with_file_and_line() {
    let (code, stderr) = check_after(|root| {
        let media = MEDIA
            .replace("[70, 72, 68]", "[70, 172, 68]")
            .replace("[80, 80, 80]", "[80, '八十', 80]")
            .replace("port-automation-terminal: [85, 90, 95]\n", "");
        let media = media + "smart-trafic-signals: [1]\n";
        write(root, "scores/media.yaml", &media);
    });
    assert_eq!(code, Some(1));
    expect![[r#"
        ./scores/media.yaml: port-automation-terminal: the shortlisted case 'port-automation-terminal' (全自动化集装箱码头智能调度系统) has no marks from the 媒体评测
        ./scores/media.yaml:2: smart-traffic-signals[1]: the mark 172 is outside 0..100
        ./scores/media.yaml:3: medical-insurance-mobile-pay[1]: '八十' is not a number from 0 to 100
        ./scores/media.yaml:6: smart-trafic-signals: no case has the id 'smart-trafic-signals' (did you mean 'smart-traffic-signals'?)
        ./scores/media.yaml:6: smart-trafic-signals: warning: 1 mark, but most cases have 3
        error: 4 problems in 1 file (1 warning)
    "#]]
    .assert_eq(&stderr);
}

#[test]
fn marks_for_a_case_that_is_not_shortlisted_are_refused() {
    let (code, stderr) = check_after(|root| {
        write_tally(
            root,
            "qingdao-2020",
            &[
                ("smart-traffic-signals", 400),
                ("medical-insurance-mobile-pay", 300),
                ("smart-farming-laixi", 299),
                ("gigabit-city-network", 200),
                ("port-automation-terminal", 140),
            ],
        );
    });
    assert_eq!(code, Some(1));
    expect![[r#"
        ./scores/expert.yaml:4: smart-farming-laixi: 'smart-farming-laixi' is not shortlisted: it has 299 votes and the shortlist of its category starts at 300; the panels mark shortlisted cases only
        ./scores/media.yaml:4: smart-farming-laixi: 'smart-farming-laixi' is not shortlisted: it has 299 votes and the shortlist of its category starts at 300; the panels mark shortlisted cases only
        error: 2 problems in 2 files
    "#]]
    .assert_eq(&stderr);
}

#[test]
fn a_tally_of_another_election_or_changed_by_hand_is_refused() {
    let (code, stderr) = check_after(|root| {
        write_tally(root, "qingdao-2019", &[("smart-traffic-signals", 400), ("no-such-case", 3)]);
        let path = root.join("votes/tally.json");
        let text = fs::read_to_string(&path).expect("tally").replace("\"total_votes\": 403", "\"total_votes\": 500");
        fs::write(path, text).expect("write");
    });
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/tally.json:12: election: this is the tally of election 'qingdao-2019', but site.yaml's election is 'qingdao-2020'
        ./votes/tally.json:21: total_votes: says 500 votes, but the totals add up to 403; the file was changed by hand
        ./votes/tally.json:23: totals.no-such-case: no case has the id 'no-such-case'
        error: 3 problems in 1 file
    "#]]
    .assert_eq(&stderr);
    let (code, stderr) = check_after(|root| write(root, "votes/tally.json", "{\"format\": 1,\n  \"election\": }\n"));
    assert_eq!(code, Some(1));
    expect![[r#"
        ./votes/tally.json:2: tally: expected value; this file must be the JSON that `vote-service export` writes
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&stderr);
}

#[test]
fn marks_without_a_tally_or_from_one_panel_only_are_refused() {
    let (code, stderr) = check_after(|root| fs::remove_dir_all(root.join("votes")).expect("rm votes"));
    assert_eq!(code, Some(1));
    expect![[r#"
        ./scores/expert.yaml: scores: there is no votes/tally.json: the panels mark the shortlist, which the tally decides; commit the tally exported by `vote-service export` first
        ./scores/media.yaml: scores: there is no votes/tally.json: the panels mark the shortlist, which the tally decides; commit the tally exported by `vote-service export` first
        error: 2 problems in 2 files
    "#]].assert_eq(&stderr);
    let (code, stderr) = check_after(|root| fs::remove_file(root.join("scores/expert.yaml")).expect("rm expert"));
    assert_eq!(code, Some(1));
    expect![[r#"
        ./scores/expert.yaml: expert.yaml: not found, but media.yaml is there: the results need the marks of both panels; until then remove media.yaml to publish the shortlist
        error: 1 problem in 1 file
    "#]].assert_eq(&stderr);
}

#[test]
fn a_failed_results_check_leaves_the_previous_output() {
    let content = selection();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let before = built.files();
    write(content.path(), "scores/expert.yaml", &EXPERT.replace("[60, 58,", "[60, -58,"));
    let again = hall_tests::site::build_into(
        content.path(),
        &workspace_root().join("themes/default"),
        &built.output(),
        &built.dir.path().join("cache"),
    );
    assert_eq!(again.code, Some(1));
    assert!(
        again.stderr.contains("expert.yaml:2: smart-traffic-signals[1]: the mark -58 is outside 0..100"),
        "{}",
        again.stderr
    );
    assert_eq!(built.files(), before, "output/ is unchanged");
}
