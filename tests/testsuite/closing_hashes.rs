//! Each day's closing hash published during the vote (`votes/closing-hashes.yaml`), through the real binaries: the
//! hall shows the hashes while the vote goes on, the integrity statement marks them once the tally is in, and a
//! count changed after its hash was published stops the results.

use std::fs;
use std::path::Path;

use hall_tests::binaries::workspace_root;
use hall_tests::http::post_json;
use hall_tests::run::generator;
use hall_tests::site::{copy_dir, files_of};
use hall_tests::vote_service::{VoteService, run};

const CASES: [&str; 3] = ["smart-traffic-signals", "gigabit-city-network", "port-automation-terminal"];
const PROXY: &str = "127.0.0.1/32";

/// The sample's site.yaml and three of its cases, during the vote (no tally, no marks).
fn selection() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = workspace_root().join("content");
    let site = fs::read_to_string(sample.join("site.yaml")).expect("sample site.yaml");
    let site = site.split("\nfeatured:").next().expect("text before featured").to_owned() + "\n";
    fs::write(dir.path().join("site.yaml"), site).expect("site.yaml");
    for case in CASES {
        copy_dir(&sample.join("cases").join(case), &dir.path().join("cases").join(case));
    }
    fs::create_dir_all(dir.path().join("votes")).expect("votes/");
    dir
}

/// Builds `content` into `dir/output` with `--no-photos`.
fn build(content: &Path, dir: &Path) -> hall_tests::run::Output {
    let theme = workspace_root().join("themes/default");
    let output = dir.join("output").to_string_lossy().into_owned();
    generator(
        &[
            "build",
            "--content",
            &content.to_string_lossy(),
            "--theme",
            &theme.to_string_lossy(),
            "--output",
            &output,
            "--cache",
            &dir.join("cache").to_string_lossy(),
            "--no-photos",
        ],
        content,
    )
}

/// Casts one vote for each of `cases` from a new client each, at `now`, through a service that is then stopped.
fn votes_at(manifest: &Path, db: &Path, now: &str, first_client: u8, cases: &[&str]) {
    let service = VoteService::start(manifest, db, &["--now", now, "--trusted-proxy", PROXY]);
    for (i, case) in cases.iter().enumerate() {
        let client = format!("10.0.{}.1", usize::from(first_client) + i);
        let reply = post_json(
            &service.address,
            "/api/votes",
            &format!(r#"{{"case": "{case}"}}"#),
            &[("X-Forwarded-For", &client)],
        );
        assert_eq!(reply.status, 200, "{}", reply.json());
    }
    assert!(service.stop().success());
}

/// The closing hash of `day` as `vote-service verify` lists it (the operator publishes the midnight line, the same).
fn closing_hash(db: &Path, day: &str) -> String {
    let (code, out, err) = run(&["verify", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let prefix = format!("  {day} closing hash ");
    out.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("no hash of {day}:\n{out}")).to_owned()
}

fn export(db: &Path, content: &Path) {
    let (code, out, err) = run(&["export", "--db", &db.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    fs::write(content.join("votes/tally.json"), out).expect("tally.json");
}

#[test]
fn hashes_published_during_the_vote_are_shown_and_checked_against_the_tally() {
    let content = selection();
    let work = tempfile::tempdir().expect("temp dir");
    let first = build(content.path(), work.path());
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let manifest = work.path().join("cases.json");
    fs::copy(work.path().join("output/api/cases.json"), &manifest).expect("manifest");
    let db = work.path().join("votes.redb");
    votes_at(&manifest, &db, "2020-08-22T10:00:00+08:00", 1, &CASES);
    votes_at(&manifest, &db, "2020-08-23T10:00:00+08:00", 1, &CASES[..2]);

    // The organisers publish the first day's hash the same day; the hall shows it while the vote goes on.
    let day1 = closing_hash(&db, "2020-08-22");
    let published = format!("# 每日收盘哈希\n2020-08-22: {day1}\n");
    fs::write(content.path().join("votes/closing-hashes.yaml"), &published).expect("closing-hashes.yaml");
    let during = build(content.path(), work.path());
    assert_eq!(during.code, Some(0), "{}", during.stderr);
    let output = work.path().join("output");
    let page = fs::read_to_string(output.join("hashes/index.html")).expect("hashes/ page");
    assert!(
        page.contains(&format!(
            "<time datetime=\"2020-08-22\">8月22日</time></th><td><code class=\"hash\">{day1}</code>"
        )),
        "{page}"
    );
    let home = fs::read_to_string(output.join("index.html")).expect("home");
    assert!(home.contains("已公布 1 天，最新为8月22日") && home.contains("href=\"/hashes/\""), "{home}");
    let listing = fs::read_to_string(output.join("categories/infrastructure/index.html")).expect("listing");
    assert!(listing.contains("<a href=\"/hashes/\">计票存证</a>"), "the footer links to the hashes");
    assert!(fs::read_to_string(output.join("sitemap.xml")).expect("sitemap").contains("/hashes/</loc>"));
    assert!(!output.join("results").exists(), "published hashes are not results: the vote goes on");

    // After the vote: the tally's own hash of that day is marked as published the same day.
    export(&db, content.path());
    let after = build(content.path(), work.path());
    assert_eq!(after.code, Some(0), "{}", after.stderr);
    let statement = fs::read_to_string(output.join("results/integrity/index.html")).expect("statement");
    assert_eq!(statement.matches("已于当日公布</span>").count(), 1, "only 8月22日 was published: {statement}");
    assert!(statement.contains(&format!("{day1}</code><span class=\"row-meta\">已于当日公布</span>")));

    // Someone adds a vote to the first day after its hash was published: the results are refused.
    votes_at(&manifest, &db, "2020-08-22T23:00:00+08:00", 9, &CASES[2..]);
    let changed = closing_hash(&db, "2020-08-22");
    assert_ne!(changed, day1);
    export(&db, content.path());
    let before = files_of(&output);
    let refused = build(content.path(), work.path());
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    let path = content.path().join("votes/closing-hashes.yaml");
    let expected = format!(
        "{}:2: 2020-08-22: the count of 2020-08-22 changed after its closing hash was published: the audit log of \
         votes.redb now closes the day with {changed}, not the published {day1}; find out why (a restore from an \
         older backup, a changed database) before publishing results",
        path.display()
    );
    assert!(refused.stderr.contains(&expected), "{}", refused.stderr);
    assert_eq!(files_of(&output), before, "a refused build leaves output/ as it was");
}

#[test]
fn a_malformed_hashes_file_is_named_with_its_lines() {
    let content = selection();
    fs::write(
        content.path().join("votes/closing-hashes.yaml"),
        format!("2020-08-22: 3f1c\n2020-09-01: {}\n", "a".repeat(64)),
    )
    .expect("closing-hashes.yaml");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "./votes/closing-hashes.yaml:1: 2020-08-22: must be the 64 hex digits the vote service printed: \
         `vote-service: day … closed; closing hash …`\n\
         ./votes/closing-hashes.yaml:2: 2020-09-01: 2020-09-01 is not a day of the vote (2020-08-22 to 2020-08-31); \
         only days of the vote close\n\
         error: 2 problems in 1 file\n"
    );
}
