//! The rules one by one, on audit files written straight from simulated traffic (no database): each finds its own
//! kind of stuffing planted in honest traffic, honest traffic alone raises nothing, and records of older
//! databases (no signals) raise no finding that needs a signal.

use std::io::Write;

use super::simulate::rng::Rng;
use super::simulate::traffic::Traffic;
use super::simulate::{Event, Kind, Label, Site, case_name, plant};
use super::{AuditFile, Finding, ReviewError, Rule, Settings, review};
use crate::client::ClientKey;

/// Three days of 12,000 honest votes each, plus the planted kinds asked for, as an audit file.
fn audit_file(kinds: &[Kind], signals: bool) -> (tempfile::TempDir, std::path::PathBuf) {
    let mut rng = Rng::new(3);
    let traffic = Traffic::new();
    let mut events = Vec::new();
    plant::plant(&mut rng, &traffic, 3, &mut events);
    events.retain(|e| matches!(e.label, Label::Planted(k) if kinds.contains(&k)));
    for day in 0..3 {
        traffic.day(&mut rng, day, 12_000, &mut events);
    }
    events.sort_by_key(|e| (e.day, e.second));
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("audit.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("file"));
    for (seq, event) in events.iter().enumerate() {
        writeln!(file, "{}", line(seq, event, signals)).expect("write");
    }
    file.flush().expect("flush");
    drop(file);
    (dir, path)
}

fn line(seq: usize, event: &Event, signals: bool) -> String {
    // 2020-08-22 local (+08:00) is 2020-08-21T16:00:00Z.
    let at = jiff::Timestamp::from_second(1_598_025_600 + i64::from(event.day) * 86_400 + i64::from(event.second))
        .expect("instant");
    let day = 22 + event.day;
    let network = ClientKey::from_ip(event.voter.ip).network();
    let mut text = format!(
        r#"{{"seq":{seq},"at":"{at}","day":"2020-08-{day}","case":"{}","scope":"","client":"{:032x}","network":"{network}","receipt":"R""#,
        case_name(usize::from(event.case)),
        seq
    );
    if signals {
        let ua = event.voter.ua.map_or_else(String::new, |ua| format!("{ua:016x}"));
        let site = match event.voter.site {
            Site::Hall => "hall.example.org",
            Site::Partner => "news.partner.example",
            Site::None => "",
        };
        let via = if event.voter.form { "form" } else { "js" };
        text.push_str(&format!(r#","ua":"{ua}","site":"{site}","via":"{via}","lang":"zh-CN""#));
    }
    text.push('}');
    text
}

fn findings(kinds: &[Kind], signals: bool) -> Vec<Finding> {
    let (_dir, path) = audit_file(kinds, signals);
    review(&AuditFile(path), &Settings::default()).expect("reviewed")
}

fn rules(findings: &[Finding]) -> Vec<(Rule, String)> {
    findings.iter().map(|f| (f.rule, f.case.clone())).collect()
}

fn target(kind: Kind) -> String {
    case_name(plant::target(kind))
}

#[test]
fn honest_traffic_raises_no_finding_not_even_for_popular_cases_on_carrier_networks() {
    assert_eq!(rules(&findings(&[], true)), vec![]);
}

#[test]
fn burst_finds_twenty_networks_voting_for_one_case_in_twenty_minutes() {
    let found = findings(&[Kind::Burst], true);
    let burst = found.iter().find(|f| f.rule == Rule::Burst).expect("a burst finding");
    assert_eq!((burst.case.clone(), burst.votes, burst.networks.len()), (target(Kind::Burst), 2000, 20));
    assert!(burst.covers.networks.iter().all(|n| n.starts_with("45.")), "{:?}", burst.covers.networks);
}

#[test]
fn concentration_finds_one_user_agent_spread_thin_over_five_hundred_networks() {
    let found = findings(&[Kind::Thin], true);
    assert_eq!(rules(&found), vec![(Rule::Concentration, target(Kind::Thin))]);
    assert!(found[0].covers.ua.is_some() && found[0].votes >= 3000 && found[0].networks.len() >= 450);
}

#[test]
fn night_finds_a_script_at_three_in_the_morning() {
    let found = findings(&[Kind::Night], true);
    let night = found.iter().find(|f| f.rule == Rule::Night).expect("a night finding");
    assert_eq!((night.case.clone(), night.votes), (target(Kind::Night), 750));
    assert_eq!(night.covers.daily_utc.iter().map(|s| String::from(*s)).collect::<Vec<_>>(), vec!["17:00-21:00"]);
}

#[test]
fn lockstep_finds_the_same_networks_at_the_same_minutes_every_day() {
    let found = findings(&[Kind::Lockstep], true);
    assert_eq!(rules(&found), vec![(Rule::Lockstep, target(Kind::Lockstep))]);
    assert_eq!((found[0].votes, found[0].networks.len()), (360, 30));
}

#[test]
fn no_visit_finds_votes_that_name_no_site() {
    let found = findings(&[Kind::NoVisit], true);
    assert_eq!(rules(&found), vec![(Rule::NoVisit, target(Kind::NoVisit))]);
    assert!(found[0].votes >= 2500, "{}", found[0].votes);
}

#[test]
fn records_of_older_databases_raise_no_finding_that_needs_a_signal() {
    let found = findings(&[Kind::Thin, Kind::NoVisit], false);
    assert_eq!(rules(&found), vec![], "no User-Agent, no site: unknown, not suspicious");
}

#[test]
fn a_bad_line_is_named_by_its_file_and_line() {
    let (dir, path) = audit_file(&[], true);
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.insert_str(text.find('\n').expect("lines") + 1, "{\"at\": \n");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, text).expect("write");
    let error = review(&AuditFile(bad.clone()), &Settings::default()).expect_err("refused");
    assert!(matches!(error, ReviewError::Record { .. }));
    let message = error.to_string();
    assert!(message.starts_with(&format!("{}:2: not a JSON record", bad.display())), "{message}");
    let missing = review(&AuditFile(dir.path().join("none.jsonl")), &Settings::default()).expect_err("no file");
    assert!(missing.to_string().contains("none.jsonl"), "{missing}");
}
