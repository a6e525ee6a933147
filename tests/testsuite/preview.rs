//! `generator serve` rebuilds only what a change touches, and what it leaves in `output/` is exactly what a full
//! `generator build` of the same content writes.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use hall_tests::binaries::workspace_root;
use hall_tests::preview::Preview;
use hall_tests::site::{build_into, copy_dir, files_of};

/// Checks that the preview's output equals a full build of `content`, file for file.
fn assert_same_as_a_full_build(work: &Path, content: &Path, step: &str) {
    let full = work.join(format!("full-{}", step.replace(' ', "-")));
    let run = build_into(content, &workspace_root().join("themes/default"), &full, &work.join("cache"));
    assert_eq!(run.code, Some(0), "{step}: {}", run.stderr);
    let preview = files_of(&work.join("output"));
    let built = files_of(&full);
    let only_preview: Vec<&String> = preview.keys().filter(|k| !built.contains_key(*k)).collect();
    let only_built: Vec<&String> = built.keys().filter(|k| !preview.contains_key(*k)).collect();
    assert!(
        only_preview.is_empty() && only_built.is_empty(),
        "{step}: only in the preview {only_preview:?}, only in the build {only_built:?}"
    );
    let differ: Vec<&String> = preview.keys().filter(|k| preview[*k] != built[*k]).collect();
    assert!(differ.is_empty(), "{step}: these files differ from a full build: {differ:?}");
    fs::remove_dir_all(full).expect("rm full build");
}

/// Edits `file` with `change` and waits until the preview has rebuilt and caught up its search index.
fn edit(preview: &Preview, file: &Path, change: impl FnOnce(String) -> String) -> String {
    let after = preview.printed();
    let text = fs::read_to_string(file).expect("read");
    fs::write(file, change(text)).expect("write");
    let rebuilt = preview.wait_for_line("rebuilt ", after);
    preview.wait_for_line("search index updated", after);
    rebuilt
}

/// Waits until the preview has printed nothing for a while: a burst of changes may make more than one rebuild.
fn settle(preview: &Preview) {
    let mut seen = preview.printed();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let now = preview.printed();
        if now == seen {
            return;
        }
        seen = now;
    }
}

/// The names of the published photos in a case's folder.
fn photo_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("case folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("photo-"))
        .collect();
    names.sort();
    names
}

fn identity(path: &Path) -> (u64, i64, i64) {
    let meta = fs::metadata(path).expect("metadata");
    (meta.ino(), meta.mtime(), meta.mtime_nsec())
}

#[test]
fn a_rebuild_touches_only_what_changed_and_equals_a_full_build() {
    let work = tempfile::tempdir().expect("temp");
    let content = work.path().join("content");
    copy_dir(&workspace_root().join("content"), &content);
    let preview = Preview::start(&content, work.path());
    let output = work.path().join("output");

    // With the sample's results: a new title shows on the case's page, its listings and the results pages.
    let case = content.join("cases/medical-insurance-mobile-pay/index.md");
    let line =
        edit(&preview, &case, |t| t.replace("title: 医保移动支付“一码通办”", "title: 医保移动支付“一码通办”试点"));
    assert!(line.starts_with("rebuilt 18 cases, "), "an incremental rebuild: {line}");
    assert!(
        fs::read_to_string(output.join("results/applications/index.html")).expect("results").contains("一码通办”试点")
    );
    assert_same_as_a_full_build(work.path(), &content, "title with results");
    // Without them (the results' inputs change every page: a full build); moving or removing a case would change
    // the shortlist the marks were given for.
    let after = preview.printed();
    fs::remove_dir_all(content.join("scores")).expect("rm scores");
    fs::remove_dir_all(content.join("votes")).expect("rm votes");
    preview.wait_for_line("rebuilt ", after);
    settle(&preview);
    let errors = fs::read_to_string(work.path().join("serve.err")).unwrap_or_default();
    assert!(errors.contains("changed: rebuilding everything"), "{errors}");
    let full_builds = errors.matches("rebuilding everything").count();
    assert!(!output.join("results").exists() && !output.join("api/results.json").exists());
    assert_same_as_a_full_build(work.path(), &content, "results removed");
    let untouched = output.join("cases/water-scada-protection/index.html");
    let before = identity(&untouched);

    // A new title: the case's page, its category's and domain's listings, the home page and the feeds; its embed
    // page, its category's posters, the posters' index and the partners page.
    let line = edit(&preview, &case, |t| t.replace("“一码通办”试点", "“一码通办”二期"));
    let stderr = fs::read_to_string(work.path().join("serve.err")).unwrap_or_default();
    assert!(line.contains("rebuilt 18 cases, 12 pages rendered, "), "an incremental rebuild: {line}\n{stderr}");
    assert!(
        fs::read_to_string(output.join("cases/medical-insurance-mobile-pay/index.html"))
            .expect("page")
            .contains("一码通办”二期")
    );
    assert_eq!(identity(&untouched), before, "a page the change does not touch is not written again");
    assert_same_as_a_full_build(work.path(), &content, "new title");

    // Another category and domain: both categories' and domains' listings, the old and new neighbours.
    edit(&preview, &case, |t| {
        t.replace("category: applications", "category: data-resources")
            .replace("domain: internet-plus", "domain: big-data")
    });
    assert_same_as_a_full_build(work.path(), &content, "moved");

    // A replaced photo: derived again (here from the cache: it is another case's photo), published under its new name.
    let after = preview.printed();
    let photo = content.join("cases/medical-insurance-mobile-pay/app-payment.jpg");
    let old_names: Vec<String> = photo_names(&output.join("cases/medical-insurance-mobile-pay"));
    fs::copy(content.join("cases/city-reading-rooms/app-library.jpg"), &photo).expect("replace the photo");
    preview.wait_for_line("search index updated", after);
    let new_names = photo_names(&output.join("cases/medical-insurance-mobile-pay"));
    assert_eq!(new_names.len(), old_names.len(), "{new_names:?}");
    assert_ne!(new_names, old_names, "the replaced photo's renditions have new names");
    assert_same_as_a_full_build(work.path(), &content, "photo replaced");

    // A new case, then one removed: its pages and photos come and go.
    let outside = work.path().join("city-reading-rooms-two");
    copy_dir(&content.join("cases/city-reading-rooms"), &outside);
    let text = fs::read_to_string(outside.join("index.md")).expect("read");
    fs::write(outside.join("index.md"), text.replace("title: ", "title: 第二批")).expect("write");
    let after = preview.printed();
    fs::rename(&outside, content.join("cases/city-reading-rooms-two")).expect("move the new case in");
    preview.wait_for_line("search index updated", after);
    assert!(output.join("cases/city-reading-rooms-two/index.html").is_file());
    assert_same_as_a_full_build(work.path(), &content, "added");
    let after = preview.printed();
    fs::remove_dir_all(content.join("cases/elderly-digital-classroom")).expect("rm case");
    preview.wait_for_line("search index updated", after);
    assert!(!output.join("cases/elderly-digital-classroom").exists(), "a removed case's pages and photos go");
    assert_same_as_a_full_build(work.path(), &content, "removed");

    // A broken edit changes nothing; fixing it brings everything since the last good build in.
    let after = preview.printed();
    let other = content.join("cases/smart-traffic-signals/index.md");
    let good = fs::read_to_string(&other).expect("read");
    fs::write(&case, fs::read_to_string(&case).expect("read").replace("launched: ", "launched: 20x")).expect("break");
    std::thread::sleep(std::time::Duration::from_millis(300));
    fs::write(&other, good.replace("title: ", "title: 新")).expect("edit another");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(preview.printed(), after, "nothing was rebuilt while the content is broken: {}", preview.printed());
    edit(&preview, &case, |t| t.replace("launched: 20x", "launched: "));
    assert!(
        fs::read_to_string(output.join("cases/smart-traffic-signals/index.html")).expect("page").contains("<h1>新")
    );
    assert_same_as_a_full_build(work.path(), &content, "fixed");

    // site.yaml changes every page: a full build.
    let errors = fs::read_to_string(work.path().join("serve.err")).unwrap_or_default();
    assert_eq!(
        errors.matches("rebuilding everything").count(),
        full_builds,
        "every change since the results went was in a case folder:\n{errors}"
    );
    let after = preview.printed();
    let site = content.join("site.yaml");
    let text = fs::read_to_string(&site).expect("read");
    fs::write(&site, text.replace("title: 2020青岛", "title: 二〇二〇青岛") + "listing_page_size: 2\n").expect("write");
    preview.wait_for_line("rebuilt ", after);
    let errors = fs::read_to_string(work.path().join("serve.err")).unwrap_or_default();
    assert!(errors.contains("site.yaml changed: rebuilding everything"), "{errors}");
    assert_same_as_a_full_build(work.path(), &content, "site.yaml");
}

#[test]
fn a_photo_bomb_in_the_preview_keeps_the_last_good_site_served() {
    let work = tempfile::tempdir().expect("temp");
    let content = work.path().join("content");
    copy_dir(&workspace_root().join("tests/fixtures/check/valid"), &content);
    let preview = Preview::start(&content, work.path());
    let address = preview.url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let page = "/cases/submitted-on-last-day/";
    let before = hall_tests::http::get(&address, page, &[]);
    assert_eq!(before.status, 200);

    fs::write(content.join("cases/submitted-on-last-day/photo-1.png"), hall_tests::photos::bomb_png(100_000, 100_000))
        .expect("write the bomb");
    let errors = work.path().join("serve.err");
    let started = std::time::Instant::now();
    while !fs::read_to_string(&errors).unwrap_or_default().contains("the last good site is still served") {
        assert!(
            started.elapsed().as_secs() < 60,
            "no failed rebuild: {}",
            fs::read_to_string(&errors).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let printed = fs::read_to_string(&errors).expect("serve.err");
    assert!(
        printed.contains(
            "index.md:12: images[0].file: 'photo-1.png' is 100000x100000 pixels; a photo may have at most 40 megapixels"
        ),
        "{printed}"
    );
    let after = hall_tests::http::get(&address, page, &[]);
    assert_eq!(after.status, 200, "the preview still serves");
    assert!(after.body.contains(&before.body[..before.body.len().min(2000)]), "the last good page");

    // A truncated JPEG is found when the photo is derived, and reported on its line too.
    fs::write(content.join("cases/submitted-on-last-day/photo-1.png"), hall_tests::photos::truncated_jpeg(2_000))
        .expect("write the truncated photo");
    let started = std::time::Instant::now();
    while !fs::read_to_string(&errors).unwrap_or_default().contains("'photo-1.png' is truncated") {
        assert!(started.elapsed().as_secs() < 60, "not reported: {}", fs::read_to_string(&errors).unwrap_or_default());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(hall_tests::http::get(&address, page, &[]).status, 200, "the preview still serves");
}

#[test]
fn the_preview_refuses_to_start_on_an_output_folder_that_holds_the_content() {
    let work = tempfile::tempdir().expect("temp");
    copy_dir(&workspace_root().join("tests/fixtures/check/valid"), &work.path().join("content"));
    let before = files_of(work.path());
    let theme = workspace_root().join("themes/default").display().to_string();
    let args = ["serve", "--port", "0", "--content", "content", "--theme", &theme, "--cache", "cache", "--output", "."];
    let run = hall_tests::run::generator(&args, work.path());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "error: the output folder . has no name of its own (it ends in '.', '..' or '/'); a build replaces its output \
         folder entirely, so give it a folder of its own, e.g. --output output\n"
    );
    let whole = work.path().display().to_string();
    let args =
        ["serve", "--port", "0", "--content", "content", "--theme", &theme, "--cache", "cache", "--output", &whole];
    let run = hall_tests::run::generator(&args, work.path());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stderr.ends_with(" holds the content folder content; a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output\n"), "{}", run.stderr);
    assert!(before == files_of(work.path()), "nothing was written or deleted");
}
