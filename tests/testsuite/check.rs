//! `generator check`: the notice's rules on real folders, with the exact text an editor reads.

use std::fs;
use std::path::{Path, PathBuf};

use expect_test::expect;
use hall_tests::binaries::workspace_root;
use hall_tests::photos::{bomb_png, truncated_jpeg};
use hall_tests::run::generator;

fn fixtures() -> PathBuf {
    workspace_root().join("tests/fixtures/check")
}

/// A fresh content folder with the fixtures' site.yaml and no case.
fn empty_content() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(fixtures().join("valid/site.yaml"), dir.path().join("site.yaml")).expect("copy site.yaml");
    fs::create_dir(dir.path().join("cases")).expect("cases/");
    dir
}

/// A content folder whose one case, `hostile-photos`, lists a PNG that claims 100000x100000 pixels of 16-bit RGBA
/// (80 GB decoded, 74 bytes on disk), one of 20000x20000, and the sample's progressive JPEG cut to a third and to
/// 2,000 bytes. The byte limit is raised so that only the pixel limit and the decoder can catch them.
pub fn hostile_photos() -> tempfile::TempDir {
    let content = empty_content();
    let site = content.path().join("site.yaml");
    let settings = fs::read_to_string(&site).expect("read").replace("max_photo_bytes: 4096", "max_photo_bytes: 200000");
    fs::write(&site, settings).expect("write");
    let case = content.path().join("cases/hostile-photos");
    copy_case(&fixtures().join("valid/cases/submitted-on-last-day"), &case);
    let index = fs::read_to_string(case.join("index.md")).expect("read");
    fs::write(case.join("index.md"), index.replace("photo-3.png", "photo-3.jpg").replace("photo-4.png", "photo-4.jpg"))
        .expect("write");
    fs::write(case.join("photo-1.png"), bomb_png(100_000, 100_000)).expect("write");
    fs::write(case.join("photo-2.png"), bomb_png(20_000, 20_000)).expect("write");
    let third = truncated_jpeg(usize::MAX).len() / 3;
    fs::write(case.join("photo-3.jpg"), truncated_jpeg(third)).expect("write");
    fs::write(case.join("photo-4.jpg"), truncated_jpeg(2_000)).expect("write");
    content
}

fn copy_case(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("case folder");
    for entry in fs::read_dir(from).expect("fixture case") {
        let entry = entry.expect("entry");
        fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

#[test]
fn the_sample_content_passes() {
    let out = generator(&["check"], &workspace_root());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    expect![[r#""#]].assert_eq(&out.stderr);
    expect![[r#"
        checked 18 cases in content: no errors; the tally and the marks give the final results
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn cases_at_the_edge_of_every_rule_pass_and_warnings_do_not_fail() {
    let out = generator(&["check", "--content", "valid"], &fixtures());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    expect![[r#"
        valid/cases/caption-missing-warns/index.md:16: images[0]: warning: no caption: it is the photo's text for screen readers and search; say what the photo shows
        valid/cases/caption-missing-warns/index.md:17: images[1]: warning: no caption: it is the photo's text for screen readers and search; say what the photo shows
    "#]].assert_eq(&out.stderr);
    expect![[r#"
        checked 9 cases in valid: no errors (2 warnings)
    "#]]
    .assert_eq(&out.stdout);
}

#[test]
fn every_problem_is_reported_at_once_with_file_line_and_field() {
    let out = generator(&["check", "--content", "broken"], &fixtures());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        broken/cases/Bad_Id/index.md:1: id: the folder name 'Bad_Id' is not a valid id: use lowercase ASCII letters and digits joined by single hyphens, at most 64 characters (e.g. 'haier-cosmoplat')
        broken/cases/credit-code-check-digit/index.md:9: credit_code: invalid unified social credit code: the check digit is 'H' but the first 17 characters give 'G'; check for a typing error
        broken/cases/empty-file/index.md:1: file: the file is empty; a case needs YAML front matter between two '---' lines, then the description
        broken/cases/launched-after-cutoff/index.md:7: launched: in operation from 2020-06-01, but the selection admits only cases in operation by 2020-05-31
        broken/cases/malformed-values/index.md:7: launched: expected a date such as 2020-05-31, found '2020/05/01'
        broken/cases/malformed-values/index.md:10: submitted: expected a date such as 2020-05-31, found 'next week'
        broken/cases/malformed-values/index.md:22: contact.phone: 'call me' is not a phone number (7 to 20 digits, with - + ( ) or spaces)
        broken/cases/malformed-values/index.md:23: contact.email: 'not-an-email' is not an email address
        broken/cases/malformed-values/index.md:24: contact.fax: unknown field; the known fields are name, phone, email
        broken/cases/malformed-yaml/index.md:3: yaml: mapping values are not allowed in this context
        broken/cases/no-front-matter/index.md:1: front matter: the file must start with a line '---' that opens the YAML front matter
        broken/cases/no-index: index.md: missing; every case folder needs an index.md
        broken/cases/not-utf8/index.md:3: file: the file is not valid UTF-8; save it as UTF-8 (not GBK)
        broken/cases/photo-broken-files/index.md:12: images[0].file: 'photo-1.png' cannot be decoded; the file is damaged or truncated (unexpected end of file)
        broken/cases/photo-broken-files/index.md:14: images[1].file: 'photo-2.png' is not a JPEG or PNG image
        broken/cases/photo-broken-files/index.md:16: images[2].file: 'photo-3.png' is 10.7 KiB; a photo may be at most 4.0 KiB
        broken/cases/photo-listed-twice/index.md:22: images[3].file: 'photo-1.png' is listed twice; use 4 different photos
        broken/cases/photo-missing/index.md:16: images[0].file: 'phot-1.png' not found in the case folder; did you mean 'photo-1.png'?
        broken/cases/photo-missing/index.md:22: images[3].file: 'photo-9.png' not found; photos in the folder not listed yet: photo-1.png, photo-4.png
        broken/cases/photo-paths/index.md:16: images[0].file: '../launched-after-cutoff/photo-1.png' climbs out of the case folder with '..'; name a file inside it
        broken/cases/photo-paths/index.md:18: images[1].file: '/tmp/photo.png' is an absolute path; name a file inside the case folder
        broken/cases/photo-paths/index.md:20: images[2].file: 'outside.png' is a link that leads out of the case folder; copy the photo into the folder
        broken/cases/quota-branch-a/index.md:11: group: '甲集团' has 3 cases in domain 大数据 (quota-branch-a, quota-branch-b, quota-group-itself), but an applicant may have at most 2 per domain, a group and its branches counted as one
        broken/cases/quota-branch-b/index.md:11: group: '甲集团' has 3 cases in domain 大数据 (quota-branch-a, quota-branch-b, quota-group-itself), but an applicant may have at most 2 per domain, a group and its branches counted as one
        broken/cases/quota-group-itself/index.md:3: applicant: '甲集团' has 3 cases in domain 大数据 (quota-branch-a, quota-branch-b, quota-group-itself), but an applicant may have at most 2 per domain, a group and its branches counted as one
        broken/cases/required-fields-missing/index.md:2: contact: required field is missing
        broken/cases/required-fields-missing/index.md:2: recommender: required field is missing
        broken/cases/required-fields-missing/index.md:2: title: required field is missing
        broken/cases/required-fields-missing/index.md:6: summary: is empty
        broken/cases/submitted-after-window/index.md:10: submitted: submitted on 2020-08-22, after applications closed on 2020-08-21; late applications are not reviewed
        broken/cases/submitted-before-window/index.md:10: submitted: submitted on 2020-07-07, before applications opened on 2020-07-08
        broken/cases/taxonomy-name-not-id/index.md:6: domain: write the domain's id `big-data`, not its name '大数据'
        broken/cases/taxonomy-unknown/index.md:5: category: unknown category '大数据'; site.yaml lists applications (推进信息技术应用), data-resources (开发利用信息资源)
        broken/cases/taxonomy-unknown/index.md:6: domain: unknown domain 'smart-citty'; did you mean `smart-city`?
        broken/cases/three-photos/index.md:15: images: lists 3 photos; a case needs exactly 4
        broken/cases/title-too-long/index.md:2: title: is 41 characters long; at most 40 are allowed
        broken/cases/typo-in-key/index.md:2: title: required field is missing
        broken/cases/typo-in-key/index.md:23: titel: unknown field; did you mean `title`?
        broken/cases/typo-in-key/index.md:24: id: unknown field; a case's id is the name of its folder, so remove this line
        broken/cases/unclosed-front-matter/index.md:1: front matter: the front matter opened on line 1 is never closed; add a line '---' after the last field
        error: 40 problems in 25 files
    "#]].assert_eq(&out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn decompression_bombs_and_truncated_jpegs_are_refused_on_their_lines() {
    let content = hostile_photos();
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1), "exit 1, not an abort: {}", out.stderr);
    expect![[r#"
        ./cases/hostile-photos/index.md:12: images[0].file: 'photo-1.png' is 100000x100000 pixels; a photo may have at most 40 megapixels
        ./cases/hostile-photos/index.md:14: images[1].file: 'photo-2.png' is 20000x20000 pixels; a photo may have at most 40 megapixels
        ./cases/hostile-photos/index.md:16: images[2].file: 'photo-3.jpg' is truncated: the JPEG data stops before its end-of-image marker (the lower part would be grey); upload the complete photo again
        ./cases/hostile-photos/index.md:18: images[3].file: 'photo-4.jpg' is truncated: the JPEG data stops before its end-of-image marker (the lower part would be grey); upload the complete photo again
        error: 4 problems in 1 file
    "#]].assert_eq(&out.stderr);
}

#[test]
fn an_index_md_that_links_out_of_its_folder_is_refused() {
    let content = empty_content();
    let elsewhere = tempfile::tempdir().expect("temp");
    let valid = fixtures().join("valid/cases/submitted-on-last-day");
    fs::copy(valid.join("index.md"), elsewhere.path().join("secret.md")).expect("copy");
    for case in ["linked-out", "linked-inside"] {
        copy_case(&valid, &content.path().join("cases").join(case));
    }
    let linked_out = content.path().join("cases/linked-out/index.md");
    fs::remove_file(&linked_out).expect("rm");
    std::os::unix::fs::symlink(elsewhere.path().join("secret.md"), &linked_out).expect("link");
    let linked_inside = content.path().join("cases/linked-inside");
    fs::rename(linked_inside.join("index.md"), linked_inside.join("draft.md")).expect("mv");
    std::os::unix::fs::symlink("draft.md", linked_inside.join("index.md")).expect("link");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        ./cases/linked-out/index.md: file: is a link that leads out of the case folder; copy the file into the folder
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn an_unclosed_quote_is_reported_where_the_value_starts() {
    let content = empty_content();
    let case = content.path().join("cases/unclosed-quote");
    copy_case(&fixtures().join("valid/cases/submitted-on-last-day"), &case);
    let text = fs::read_to_string(case.join("index.md")).expect("read");
    fs::write(case.join("index.md"), text.replace("summary: 一段简介。", "summary: \"一段简介。")).expect("write");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        ./cases/unclosed-quote/index.md:8: yaml: this quoted value is never closed; add the closing quote
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn a_50_mb_case_file_is_refused_by_its_size() {
    let content = empty_content();
    let case = content.path().join("cases/huge");
    fs::create_dir(&case).expect("case folder");
    fs::File::create(case.join("index.md")).and_then(|f| f.set_len(50 * 1024 * 1024)).expect("50 MB file");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        ./cases/huge/index.md: file: the file is 50.0 MiB; the limit is 1.0 MiB
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn a_missing_site_yaml_is_named() {
    let content = empty_content();
    fs::remove_file(content.path().join("site.yaml")).expect("remove");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        ./site.yaml: site.yaml: not found; every content folder needs a site.yaml (see README.md)
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn a_typo_in_site_yaml_names_its_line_suggests_the_key_and_stops_no_other_check() {
    let content = empty_content();
    let site = fs::read_to_string(content.path().join("site.yaml")).expect("read");
    fs::write(
        content.path().join("site.yaml"),
        site.replace("  closes: 2020-08-31", "  closes: 2020-08-31\n  clozes: 1") + "featurd: []\n",
    )
    .expect("write");
    copy_case(
        &fixtures().join("broken/cases/launched-after-cutoff"),
        &content.path().join("cases/launched-after-cutoff"),
    );
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        ./cases/launched-after-cutoff/index.md:7: launched: in operation from 2020-06-01, but the selection admits only cases in operation by 2020-05-31
        ./site.yaml:7: election.clozes: unknown field; did you mean `closes`?
        ./site.yaml:28: featurd: unknown field; did you mean `featured`?
        error: 3 problems in 2 files
    "#]].assert_eq(&out.stderr);
}

#[test]
fn a_voting_window_that_closes_before_it_opens_is_refused() {
    let content = empty_content();
    let site = fs::read_to_string(content.path().join("site.yaml")).expect("read");
    fs::write(content.path().join("site.yaml"), site.replace("closes: 2020-08-31", "closes: 2020-08-01"))
        .expect("write");
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        ./site.yaml:6: election.closes: voting closes on 2020-08-01 before it opens on 2020-08-22
        error: 1 problem in 1 file
    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn truncated_case_files_give_messages_not_panics() {
    let sample =
        fs::read(workspace_root().join("content/cases/medical-insurance-mobile-pay/index.md")).expect("sample");
    let content = empty_content();
    for (i, cut) in [0, 3, 4, 100, 517, sample.len() / 2, sample.len() - 1].into_iter().enumerate() {
        let case = content.path().join(format!("cases/cut-{i}"));
        copy_case(&fixtures().join("valid/cases/submitted-on-last-day"), &case);
        fs::write(case.join("index.md"), &sample[..cut]).expect("write");
    }
    let out = generator(&["check", "--content", "."], content.path());
    assert_eq!(out.code, Some(1), "exit 1, not a panic's 101: {}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    for i in 0..7 {
        assert!(out.stderr.contains(&format!("cases/cut-{i}/index.md")), "cut-{i} is reported: {}", out.stderr);
    }
}
