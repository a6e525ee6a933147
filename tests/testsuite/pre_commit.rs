//! Checks before every commit: `generator check --staged` in a real git repository, the pre-commit hook script of
//! `deploy/editors/`, and the example CI pipeline of `deploy/ci/`.

use std::fs;
use std::path::Path;
use std::process::Command;

use expect_test::expect;
use hall_tests::binaries::{binary, workspace_root};
use hall_tests::photos::truncated_jpeg;
use hall_tests::run::generator;
use hall_tests::site::copy_dir;

/// Runs git in `repo`; its output, with stderr after stdout, and whether it succeeded.
fn git(repo: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("git")
        .args(["-c", "user.name=编辑", "-c", "user.email=editor@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(repo)
        .env("GENERATOR", binary("generator"))
        .output()
        .unwrap_or_else(|e| panic!("git is needed for this test (apt-get install git): {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// A git repository whose first commit holds `content/`: the check fixtures' valid cases.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace_root().join("tests/fixtures/check/valid"), &repo.path().join("content"));
    assert!(git(repo.path(), &["init", "-q", "-b", "main"]).0);
    assert!(git(repo.path(), &["add", "-A"]).0);
    assert!(git(repo.path(), &["commit", "-q", "-m", "cases"]).0);
    repo
}

const CASE: &str = "content/cases/submitted-on-last-day/index.md";

fn break_case(repo: &Path) {
    let index = repo.join(CASE);
    let text = fs::read_to_string(&index).expect("case");
    fs::write(&index, text.replace("launched: 2020-01-01", "launched: 2020-06-01")).expect("edit");
}

#[test]
fn check_staged_refuses_a_staged_broken_case_naming_its_real_path() {
    let repo = repository();
    break_case(repo.path());
    assert!(git(repo.path(), &["add", CASE]).0);
    let out = generator(&["check", "--staged"], repo.path());
    assert_eq!(out.code, Some(1));
    expect![[r#"
        content/cases/caption-missing-warns/index.md:16: images[0]: warning: no caption: it is the photo's text for screen readers and search; say what the photo shows
        content/cases/caption-missing-warns/index.md:17: images[1]: warning: no caption: it is the photo's text for screen readers and search; say what the photo shows
        content/cases/submitted-on-last-day/index.md:7: launched: in operation from 2020-06-01, but the selection admits only cases in operation by 2020-05-31
        error: 1 problem in 1 file (2 warnings)
        the commit is refused: fix and `git add` the files above, then commit again
    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn check_staged_does_not_see_an_unstaged_edit() {
    let repo = repository();
    break_case(repo.path());
    let on_disk = generator(&["check"], repo.path());
    assert_eq!(on_disk.code, Some(1), "the edit on disk is broken");
    let staged = generator(&["check", "--staged"], repo.path());
    assert_eq!(staged.code, Some(0), "{}", staged.stderr);
    expect![[r#"
        checked 9 cases staged in content (no case changed: photos checked by their headers): no errors (2 warnings)
    "#]]
    .assert_eq(&staged.stdout);
    fs::write(repo.path().join("content/cases/submitted-on-last-day/photo-2.png"), b"not a photo").expect("edit");
    assert!(git(repo.path(), &["add", "content/cases/submitted-on-last-day/photo-2.png"]).0);
    let photo = generator(&["check", "--staged", "--content", "content"], repo.path());
    assert_eq!(photo.code, Some(1));
    assert!(
        photo.stderr.contains(
            "content/cases/submitted-on-last-day/index.md:14: images[1].file: 'photo-2.png' is not a JPEG or PNG image\n"
        ),
        "{}",
        photo.stderr
    );
    assert!(!photo.stderr.contains("launched"), "the unstaged edit is still not seen: {}", photo.stderr);
}

#[test]
fn check_staged_decodes_the_photos_of_changed_cases_only() {
    let repo = repository();
    let case = repo.path().join("content/cases/submitted-on-last-day");
    let index = fs::read_to_string(case.join("index.md")).expect("case");
    fs::write(case.join("index.md"), index.replace("photo-4.png", "photo-4.jpg")).expect("edit");
    fs::write(case.join("photo-4.jpg"), truncated_jpeg(2_000)).expect("a photo cut short");
    assert!(git(repo.path(), &["add", "-A"]).0);
    assert!(git(repo.path(), &["commit", "-q", "-m", "a truncated photo, committed without the hook"]).0);

    let other = repo.path().join("content/cases/launched-on-cutoff-day/index.md");
    let text = fs::read_to_string(&other).expect("case");
    fs::write(&other, text.replace("summary: ", "summary: 新")).expect("edit");
    assert!(git(repo.path(), &["add", "-A"]).0);
    let quick = generator(&["check", "--staged"], repo.path());
    assert_eq!(quick.code, Some(0), "an unchanged case's photos are checked by their headers only: {}", quick.stderr);
    assert!(quick.stdout.contains("(photos decoded for the 1 changed case)"), "{}", quick.stdout);

    fs::write(case.join("index.md"), index.replace("photo-4.png", "photo-4.jpg") + "\n补充。\n").expect("edit");
    assert!(git(repo.path(), &["add", "-A"]).0);
    let full = generator(&["check", "--staged"], repo.path());
    assert_eq!(full.code, Some(1));
    assert!(
        full.stderr
            .contains("content/cases/submitted-on-last-day/index.md:18: images[3].file: 'photo-4.jpg' is truncated"),
        "a changed case's photos are decoded: {}",
        full.stderr
    );
}

#[test]
fn the_pre_commit_hook_keeps_a_broken_case_out_of_the_repository() {
    let repo = repository();
    let hook = repo.path().join(".git/hooks/pre-commit");
    fs::copy(workspace_root().join("deploy/editors/pre-commit"), &hook).expect("install the hook");
    break_case(repo.path());
    assert!(git(repo.path(), &["add", CASE]).0);
    let (committed, said) = git(repo.path(), &["commit", "-q", "-m", "broken"]);
    assert!(!committed, "the hook refuses the commit");
    assert!(said.contains("index.md:7: launched: in operation from 2020-06-01"), "{said}");

    let fixed = fs::read_to_string(repo.path().join(CASE)).expect("case").replace("2020-06-01", "2020-05-31");
    fs::write(repo.path().join(CASE), fixed).expect("fix");
    assert!(git(repo.path(), &["add", CASE]).0);
    let (committed, said) = git(repo.path(), &["commit", "-q", "-m", "fixed"]);
    assert!(committed, "{said}");
    assert!(
        said.contains("checked 9 cases staged in content (photos decoded for the 1 changed case): no errors"),
        "{said}"
    );
}

#[test]
fn the_example_pipeline_checks_and_builds_every_change_and_publishes_main() {
    let text = fs::read_to_string(workspace_root().join("deploy/ci/content-pipeline.yml")).expect("pipeline");
    let pipeline: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    let runs: Vec<&str> = pipeline["jobs"]["check-and-build"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect();
    assert!(runs.contains(&"generator check --content content"), "{runs:?}");
    assert!(runs.iter().any(|r| r.starts_with("generator build --content content")), "{runs:?}");
    assert_eq!(pipeline["jobs"]["publish"]["needs"].as_str(), Some("check-and-build"));
    assert!(pipeline["on"]["pull_request"].is_null() && pipeline["on"]["push"]["branches"][0] == "main");
}
