//! `generator build`: the hall from the sample content and from small fixtures, checked file by file.

use hall_tests::binaries::workspace_root;
use hall_tests::run::generator;
use hall_tests::site::{attribute_values, build, build_into, copy_dir, files_of, sample};
use std::fs;

/// A copy of the small valid fixture (tiny photos), to change and build.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace_root().join("tests/fixtures/check/valid"), dir.path());
    dir
}

#[test]
fn the_sample_has_every_page_kind() {
    let (output, _, run) = sample();
    assert!(run.stdout.starts_with("built 18 cases, 98 pages,"), "{}", run.stdout);
    for page in [
        "index.html",
        "cases/medical-insurance-mobile-pay/index.html",
        "categories/applications/index.html",
        "domains/big-data/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "api/cases.json",
        "search/index.html",
        "results/index.html",
        "results/applications/index.html",
        "results/method/index.html",
        "results/organisations/index.html",
        "collection/index.html",
        "api/results.json",
        "api/results.csv",
        "results/inputs/votes/tally.json",
        "results/inputs/votes/decisions.yaml",
        "results/inputs/votes/review.jsonl",
        "results/integrity/index.html",
        "hashes/index.html",
        "news/index.html",
        "news/2020-08-24-one-vote-per-ip/index.html",
        "results/objections/index.html",
        "results/notice/index.html",
        "certificates/index.html",
        "certificates/qingdao-2020-zz-01/index.html",
        "certificates/qingdao-2020-zz-01/qr.png",
        "cases/medical-insurance-mobile-pay/qr.png",
        "embed/medical-insurance-mobile-pay/index.html",
        "partners/index.html",
        "posters/index.html",
        "posters/applications/index.html",
    ] {
        assert!(output.join(page).is_file(), "{page} is built");
    }
    let search = fs::read_to_string(output.join("search/index.html")).expect("search page");
    let index = attribute_values(&search, "data-index").pop().expect("the search page names its index");
    assert!(output.join(index.trim_start_matches('/')).join("meta.json").is_file(), "the index is at {index}");
}

#[test]
fn every_internal_link_and_resource_resolves() {
    let (output, _, _) = sample();
    let mut checked = 0;
    for (path, bytes) in files_of(output).into_iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes).expect("pages are UTF-8");
        let urls = ["href", "src", "srcset", "data-large"].into_iter().flat_map(|a| attribute_values(&html, a));
        for url in urls.filter(|u| u.starts_with('/')) {
            let target = url.split(['#', '?']).next().unwrap_or_default().trim_start_matches('/');
            let file = output.join(target);
            let exists = if target.is_empty() || target.ends_with('/') {
                file.join("index.html").is_file()
            } else {
                file.is_file()
            };
            assert!(exists, "{path} links to {url}, which is not in the output");
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn no_private_value_reaches_the_output() {
    let (output, _, _) = sample();
    let mut private = Vec::new();
    for entry in fs::read_dir(workspace_root().join("content/cases")).expect("cases") {
        let text = fs::read_to_string(entry.expect("case").path().join("index.md")).expect("index.md");
        let yaml = text.split("---").nth(1).expect("front matter");
        let fields: serde_yaml::Value = serde_yaml::from_str(yaml).expect("yaml");
        let value = |v: &serde_yaml::Value| match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).expect("scalar").trim().to_owned(),
        };
        private.push(value(&fields["credit_code"]));
        private.push(value(&fields["submitted"]));
        for key in ["name", "phone", "email"] {
            if let Some(v) = fields["contact"].get(key) {
                private.push(value(v));
            }
        }
    }
    assert_eq!(private.len(), 18 * 5);
    for (path, bytes) in files_of(output) {
        let text = String::from_utf8_lossy(&bytes);
        for value in &private {
            assert!(!text.contains(value.as_str()), "private value {value:?} appears in {path}");
        }
    }
}

#[test]
fn the_manifest_names_the_election_and_every_case() {
    let (output, _, _) = sample();
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(output.join("api/cases.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["format"], 1);
    let election = &manifest["election"];
    assert_eq!(
        (&election["id"], &election["opens"], &election["closes"], &election["time_zone"], &election["scope"]),
        (
            &"qingdao-2020".into(),
            &"2020-08-22".into(),
            &"2020-08-31".into(),
            &"Asia/Shanghai".into(),
            &"election".into()
        )
    );
    let cases = manifest["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 18);
    assert_eq!(cases[0]["id"], "ai-vision-quality-inspection");
    assert_eq!(cases[0]["category"], "it-industry");
    assert_eq!(cases[0]["url"], "/cases/ai-vision-quality-inspection/");
}

#[test]
fn a_case_page_without_its_photos_weighs_under_30_kb() {
    let (output, _, _) = sample();
    for case in ["city-operations-centre", "cosmoplat-mass-customisation", "one-window-government-services"] {
        let html = fs::read_to_string(output.join(format!("cases/{case}/index.html"))).expect("page");
        let mut total = html.len();
        for url in attribute_values(&html, "href").into_iter().chain(attribute_values(&html, "src")) {
            if url.ends_with(".css") || url.ends_with(".js") {
                total += fs::metadata(output.join(url.trim_start_matches('/'))).expect("asset").len() as usize;
            }
        }
        assert!(total < 30 * 1024, "{case}: {total} bytes with its CSS and JS");
    }
}

#[test]
fn photos_have_sizes_formats_dimensions_and_lazy_loading() {
    let (output, _, _) = sample();
    let html = fs::read_to_string(output.join("cases/port-automation-terminal/index.html")).expect("page");
    assert_eq!(html.matches("<picture>").count(), 4);
    assert_eq!(html.matches("type=\"image/webp\"").count(), 4);
    assert_eq!(html.matches("loading=\"lazy\"").count(), 3, "all but the first photo load lazily");
    assert!(html.contains("width=\"480\" height=\"360\""), "the img has its size");
    assert!(html.contains("alt=\"自动化码头岸桥作业\""), "the caption is the alt text");
    let srcsets = attribute_values(&html, "srcset");
    assert!(srcsets.iter().any(|u| u.contains("-480.") && u.ends_with(".webp")));
    assert!(srcsets.iter().any(|u| u.contains("-1200.") && u.ends_with(".jpg")));
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let (output, _, _) = sample();
    let again = build(&workspace_root().join("content"), None);
    assert_eq!(again.run.code, Some(0), "{}", again.run.stderr);
    assert!(again.run.stdout.contains("photos: 72 decoded, 0 from cache"), "a cold cache: {}", again.run.stdout);
    let (first, second) = (files_of(output), again.files());
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn a_rebuild_with_unchanged_photos_decodes_none() {
    let (_, cache, _) = sample();
    let again = build(&workspace_root().join("content"), Some(cache));
    assert_eq!(again.run.code, Some(0), "{}", again.run.stderr);
    assert!(again.run.stdout.contains("photos: 0 decoded, 72 from cache"), "{}", again.run.stdout);
}

#[test]
fn a_changed_photo_is_derived_again_under_a_new_name() {
    let content = fixture_copy();
    let cache = tempfile::tempdir().expect("cache");
    let first = build(content.path(), Some(cache.path()));
    // The fixture's 36 photos are 5 distinct images: equal bytes are derived once.
    assert!(first.run.stdout.contains("photos: 5 decoded, 31 from cache"), "{}", first.run.stdout);
    let page = "cases/submitted-on-last-day/index.html";
    let before = first.read(page);
    let photo = content.path().join("cases/submitted-on-last-day/photo-2.png");
    fs::copy(workspace_root().join("content/cases/port-automation-terminal/port-cranes.jpg"), &photo).expect("replace");
    let site = content.path().join("site.yaml");
    let settings =
        fs::read_to_string(&site).expect("site.yaml").replace("max_photo_bytes: 4096", "max_photo_bytes: 200000");
    fs::write(&site, settings).expect("site.yaml");
    let second = build(content.path(), Some(cache.path()));
    assert!(
        second.run.stdout.contains("photos: 1 decoded, 35 from cache"),
        "{}{}",
        second.run.stdout,
        second.run.stderr
    );
    let after = second.read(page);
    let names =
        |html: &str| attribute_values(html, "src").into_iter().filter(|u| u.contains("photo-2-")).collect::<Vec<_>>();
    assert_ne!(names(&before), names(&after), "the changed photo has a new file name");
}

#[test]
fn a_script_in_a_title_is_escaped_everywhere() {
    let content = fixture_copy();
    let index = content.path().join("cases/submitted-on-last-day/index.md");
    let text = fs::read_to_string(&index).expect("read");
    fs::write(&index, text.replace("title: submitted-on-last-day 案例", "title: <script>alert(1)</script>"))
        .expect("write");
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let page = built.read("cases/submitted-on-last-day/index.html");
    assert!(
        page.contains("<h1>&lt;script&gt;alert(1)&lt;&#x2F;script&gt;</h1>")
            || page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{page}"
    );
    for (path, bytes) in built.files() {
        if path.ends_with(".html") || path.ends_with(".xml") {
            assert!(!String::from_utf8_lossy(&bytes).contains("<script>alert(1)"), "{path} holds the raw script");
        }
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let content = fixture_copy();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let before = built.files();
    let index = content.path().join("cases/submitted-on-last-day/index.md");
    let text = fs::read_to_string(&index).expect("read");
    fs::write(&index, text.replace("launched: 2020-01-01", "launched: 2020-06-01")).expect("write");
    let theme = workspace_root().join("themes/default");
    let run = build_into(content.path(), &theme, &built.output(), &built.dir.path().join("cache"));
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("submitted-on-last-day/index.md:7: launched: in operation from 2020-06-01"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("is unchanged\n"), "{}", run.stderr);
    assert!(before == built.files(), "output/ is exactly as it was");
    let leftovers: Vec<_> =
        fs::read_dir(built.dir.path()).expect("ls").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no staging folder is left behind: {leftovers:?}");
}

#[test]
fn photo_bombs_and_truncated_jpegs_fail_the_build_on_their_lines() {
    let content = crate::check::hostile_photos();
    let cache = tempfile::tempdir().expect("cache");
    let run = |content: &std::path::Path| {
        let built = build(content, Some(cache.path()));
        assert_eq!(built.run.code, Some(1), "exit 1, not an abort: {}", built.run.stderr);
        assert!(!built.output().exists(), "nothing was written");
        let stderr = built.run.stderr.replace(&content.display().to_string(), "CONTENT");
        stderr.replace(&built.dir.path().display().to_string(), "WORK")
    };
    // The bombs fail the check that comes first: their headers claim too many pixels.
    expect_test::expect![[r#"
        CONTENT/cases/hostile-photos/index.md:12: images[0].file: 'photo-1.png' is 100000x100000 pixels; a photo may have at most 40 megapixels
        CONTENT/cases/hostile-photos/index.md:14: images[1].file: 'photo-2.png' is 20000x20000 pixels; a photo may have at most 40 megapixels
        error: 2 problems in 1 file
        nothing was written; WORK/output is unchanged
    "#]].assert_eq(&run(content.path()));
    // Without them, deriving the photos finds the truncated JPEGs, reported on their lines as `check` reports them.
    let case = content.path().join("cases/hostile-photos");
    for photo in ["photo-1.png", "photo-2.png"] {
        fs::copy(
            workspace_root().join("tests/fixtures/check/valid/cases/submitted-on-last-day").join(photo),
            case.join(photo),
        )
        .expect("copy");
    }
    expect_test::expect![[r#"
        CONTENT/cases/hostile-photos/index.md:16: images[2].file: 'photo-3.jpg' is truncated: the JPEG data stops before its end-of-image marker (the lower part would be grey); upload the complete photo again
        CONTENT/cases/hostile-photos/index.md:18: images[3].file: 'photo-4.jpg' is truncated: the JPEG data stops before its end-of-image marker (the lower part would be grey); upload the complete photo again
        error: 2 problems in 1 file
        nothing was written; WORK/output is unchanged
    "#]].assert_eq(&run(content.path()));
}

#[test]
fn an_output_folder_that_holds_inputs_or_other_files_is_refused_and_nothing_is_deleted() {
    let work = tempfile::tempdir().expect("temp");
    copy_dir(&workspace_root().join("tests/fixtures/check/valid"), &work.path().join("site/content"));
    fs::write(work.path().join("site/notes.txt"), "mine").expect("write");
    fs::create_dir(work.path().join("docs")).expect("mkdir");
    fs::write(work.path().join("docs/thesis.txt"), "mine too").expect("write");
    let before = files_of(work.path());
    let theme = workspace_root().join("themes/default").display().to_string();
    let build_to = |output: &str| {
        let args = ["build", "--content", "site/content", "--theme", &theme, "--cache", "cache", "--output", output];
        let run = generator(&args, work.path());
        assert_eq!(run.code, Some(1), "{output}: {}", run.stdout);
        run.stderr
    };
    let refusals = ["site", "site/content", "site/content/cases/out", "cache/site", "docs", "."].map(build_to);
    expect_test::expect![[r#"
        [
            "error: the output folder site holds the content folder site/content; a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output\nnothing was written; site is unchanged\n",
            "error: the output folder site/content is the content folder site/content; a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output\nnothing was written; site/content is unchanged\n",
            "error: the output folder site/content/cases/out lies inside the content folder site/content; a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output\nnothing was written; site/content/cases/out is unchanged\n",
            "error: the output folder cache/site lies inside the cache folder cache; a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output\nnothing was written; cache/site is unchanged\n",
            "error: the output folder docs is not empty and was not written by generator build (it has no .generator-output file); a build replaces everything in it, so name a new or empty folder, or empty this one yourself\nnothing was written; docs is unchanged\n",
            "error: the output folder . has no name of its own (it ends in '.', '..' or '/'); a build replaces its output folder entirely, so give it a folder of its own, e.g. --output output\nnothing was written; . is unchanged\n",
        ]
    "#]].assert_debug_eq(&refusals);
    assert!(before == files_of(work.path()), "every file is as it was");
}

#[test]
fn a_build_marks_its_output_and_replaces_only_an_earlier_build() {
    let content = fixture_copy();
    let built = build(content.path(), None);
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    assert_eq!(
        built.read(".generator-output"),
        "This folder is written by `generator build`, which replaces everything in it.\n"
    );
    let theme = workspace_root().join("themes/default");
    let again = build_into(content.path(), &theme, &built.output(), &built.dir.path().join("cache"));
    assert_eq!(again.code, Some(0), "over its own output: {}", again.stderr);
    // A site built before the marker existed: a manifest and a home page.
    fs::remove_file(built.output().join(".generator-output")).expect("rm marker");
    let again = build_into(content.path(), &theme, &built.output(), &built.dir.path().join("cache"));
    assert_eq!(again.code, Some(0), "over an older build: {}", again.stderr);
    assert!(built.output().join(".generator-output").is_file());
}

#[test]
fn a_broken_template_fails_the_build_with_its_name() {
    let content = fixture_copy();
    let theme = tempfile::tempdir().expect("theme");
    copy_dir(&workspace_root().join("themes/default"), theme.path());
    let case = theme.path().join("templates/case.html");
    let text = fs::read_to_string(&case).expect("read");
    fs::write(&case, text.replace("{% endblock main %}", "{% endblock main %}{% if %}")).expect("write");
    let out = tempfile::tempdir().expect("out");
    let run = build_into(content.path(), theme.path(), &out.path().join("output"), &out.path().join("cache"));
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("case.html"), "{}", run.stderr);
    assert!(!out.path().join("output").exists());
}

#[test]
fn every_page_is_valid_html() {
    let (output, _, _) = sample();
    let vnu = workspace_root().join("tests/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(vnu.is_file(), "{} is missing: run `npm install` in tests/ (bash tests/run.sh does)", vnu.display());
    let run = std::process::Command::new("java")
        .args(["-jar", &vnu.to_string_lossy(), "--errors-only", "--skip-non-html", &output.to_string_lossy()])
        .output()
        .expect("java runs (Debian: apt-get install default-jre-headless)");
    let report = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && report.trim().is_empty(), "the Nu HTML checker found errors:\n{report}");
}
