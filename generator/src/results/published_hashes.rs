//! The closing hashes published during the vote, checked against the tally: each published day must still close
//! with the published hash in the audit log the tally was exported from. A day whose hash changed means that the
//! count of that day changed after it was published (a database restored from an older backup, or altered): the
//! results are not published until someone finds out why.

use crate::content::closing_hashes::{PublishedHash, PublishedHashes};
use crate::content::result_files::TallyFile;
use crate::diagnostics::Report;
use crate::text::did_you_mean;

/// Reports every published hash that the tally's sources do not hold.
pub fn check(published: &PublishedHashes, tally_file: &TallyFile, report: &mut Report) {
    let sources = &tally_file.tally.sources;
    let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    for hash in &published.hashes {
        let source = match (&hash.source, sources.as_slice()) {
            (None, [only]) => only,
            (None, _) => {
                let example = format!("`{}: {{{}: …}}`", hash.day, names.first().copied().unwrap_or("votes-1.redb"));
                report.push(published.error(
                    hash,
                    format!(
                        "the tally joins {} databases ({}); name the database this hash closes, e.g. {example}",
                        names.len(),
                        names.join(", ")
                    ),
                ));
                continue;
            }
            (Some(name), _) => match sources.iter().find(|s| &s.name == name) {
                Some(source) => source,
                None => {
                    let hint =
                        did_you_mean(name, &names).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                    report.push(published.error(
                        hash,
                        format!("the tally has no database '{name}'{hint}; it joins {}", names.join(", ")),
                    ));
                    continue;
                }
            },
        };
        let day = hash.day.to_string();
        match source.closing_hashes.get(&day) {
            Some(found) if found.eq_ignore_ascii_case(&hash.hash) => {}
            Some(found) => report.push(published.error(hash, changed(hash, &source.name, found))),
            None => report.push(published.error(
                hash,
                format!(
                    "the tally holds no closing hash of {day} for {}: export the tally from the database whose \
                     hash was published",
                    source.name
                ),
            )),
        }
    }
}

fn changed(hash: &PublishedHash, source: &str, found: &str) -> String {
    format!(
        "the count of {} changed after its closing hash was published: the audit log of {source} now closes the \
         day with {found}, not the published {}; find out why (a restore from an older backup, a changed \
         database) before publishing results",
        hash.day, hash.hash
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::content::key_lines::KeyLines;
    use crate::content::result_files::InputFile;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn tally(sources: &str) -> TallyFile {
        let text = format!(
            r#"{{"format":1,"election":"e","exported_at":"t","total_votes":0,"totals":{{}},"daily":{{}},
                "sources":{sources}}}"#
        );
        let tally = serde_json::from_str(&text).expect("tally");
        let file = InputFile {
            path: PathBuf::from("votes/tally.json"),
            name: "votes/tally.json".to_owned(),
            sha256: String::new(),
            lines: KeyLines::default(),
            text,
        };
        TallyFile { file, tally }
    }

    fn published(hashes: &[(&str, Option<&str>, &str)]) -> PublishedHashes {
        let hashes = hashes
            .iter()
            .enumerate()
            .map(|(i, (day, source, hash))| PublishedHash {
                day: day.parse().expect("day"),
                source: source.map(str::to_owned),
                hash: (*hash).to_owned(),
                line: Some(i + 1),
            })
            .collect();
        PublishedHashes { path: PathBuf::from("votes/closing-hashes.yaml"), hashes }
    }

    fn problems(published: &PublishedHashes, tally: &TallyFile) -> Vec<String> {
        let mut report = Report::default();
        check(published, tally, &mut report);
        report.sorted().iter().map(|p| format!("{:?}: {}: {}", p.line, p.field, p.message)).collect()
    }

    #[test]
    fn the_same_hashes_pass() {
        let one = tally(&format!(r#"[{{"name":"votes.redb","votes":0,"closing_hashes":{{"2020-08-22":"{A}"}}}}]"#));
        assert_eq!(problems(&published(&[("2020-08-22", None, A)]), &one), Vec::<String>::new());
        assert_eq!(problems(&published(&[("2020-08-22", Some("votes.redb"), A)]), &one), Vec::<String>::new());
    }

    #[test]
    fn a_day_whose_count_changed_after_publication_is_an_error() {
        let one = tally(&format!(r#"[{{"name":"votes.redb","votes":0,"closing_hashes":{{"2020-08-22":"{B}"}}}}]"#));
        assert_eq!(
            problems(&published(&[("2020-08-22", None, A), ("2020-08-23", None, A)]), &one),
            [
                format!(
                    "Some(1): 2020-08-22: the count of 2020-08-22 changed after its closing hash was published: the \
                     audit log of votes.redb now closes the day with {B}, not the published {A}; find out why (a \
                     restore from an older backup, a changed database) before publishing results"
                ),
                "Some(2): 2020-08-23: the tally holds no closing hash of 2020-08-23 for votes.redb: export the tally \
                 from the database whose hash was published"
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn with_shards_each_hash_names_its_database() {
        let two = tally(&format!(
            r#"[{{"name":"votes-1.redb","votes":0,"closing_hashes":{{"2020-08-22":"{A}"}}}},
                {{"name":"votes-2.redb","votes":0,"closing_hashes":{{"2020-08-22":"{B}"}}}}]"#
        ));
        let hashes =
            [("2020-08-22", None, A), ("2020-08-22", Some("votes-2.rdb"), B), ("2020-08-22", Some("votes-2.redb"), B)];
        assert_eq!(
            problems(&published(&hashes), &two),
            [
                "Some(1): 2020-08-22: the tally joins 2 databases (votes-1.redb, votes-2.redb); name the database \
                 this hash closes, e.g. `2020-08-22: {votes-1.redb: …}`",
                "Some(2): 2020-08-22.votes-2.rdb: the tally has no database 'votes-2.rdb' (did you mean \
                 'votes-2.redb'?); it joins votes-1.redb, votes-2.redb",
            ]
        );
    }
}
