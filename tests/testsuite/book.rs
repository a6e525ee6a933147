//! `generator book` (#15): the case collection as a PDF book, read back with poppler's pdfinfo and pdftotext.

use std::fs;
use std::path::Path;

use hall_tests::binaries::workspace_root;
use hall_tests::pdf::{page_count, page_text};
use hall_tests::run::generator;
use hall_tests::site::{copy_dir, sample};

/// Text without any whitespace, to compare titles across line breaks.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Runs `generator book` on the sample content into `dir/collection.pdf`.
fn make_book(dir: &Path) -> (std::path::PathBuf, String) {
    let root = workspace_root();
    let pdf = dir.join("collection.pdf");
    let content = root.join("content");
    let theme = root.join("themes/default");
    let args = ["book", "--content", &content.to_string_lossy(), "--theme", &theme.to_string_lossy()];
    let out = generator(&[&args[..], &["--out", &pdf.to_string_lossy()]].concat(), dir);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    (pdf, out.stdout)
}

#[test]
fn the_book_has_a_cover_a_preface_contents_with_page_numbers_and_each_typical_case_from_a_new_page() {
    let dir = tempfile::tempdir().expect("temp");
    let (pdf, stdout) = make_book(dir.path());
    let pages = page_count(&pdf);
    assert!(stdout.contains(&format!(": 8 typical cases, {pages} pages, set in ")), "{stdout}");
    let cover = page_text(&pdf, 1);
    assert!(cover.contains("典型案例集") && cover.contains("中共青岛市委宣传部"), "{cover}");
    assert!(page_text(&pdf, 2).contains("前言"));

    // The typical cases, from the published results.
    let (output, _, _) = sample();
    let results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(output.join("api/results.json")).expect("results")).expect("JSON");
    let titles: Vec<String> = results["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["winner"] == true)
        .map(|c| c["title"].as_str().expect("title").to_owned())
        .collect();
    assert_eq!(titles.len(), 8);
    let contents_page = (1..=pages).find(|p| page_text(&pdf, *p).contains("目录")).expect("a contents page");
    let contents = page_text(&pdf, contents_page);
    let mut starts = Vec::new();
    for title in &titles {
        // The contents line of the case ends with its page number.
        let line = contents.lines().find(|l| squeeze(l).contains(&squeeze(title))).unwrap_or_else(|| {
            panic!("the contents lack {title}:\n{contents}");
        });
        let page: usize = line.split_whitespace().last().and_then(|n| n.parse().ok()).unwrap_or_else(|| {
            panic!("no page number on the contents line {line:?}");
        });
        assert!(page > contents_page && page <= pages, "{title}: page {page}");
        let text = page_text(&pdf, page);
        let body_start = squeeze(&text);
        assert!(body_start.contains(&squeeze(title)), "page {page} does not show {title}:\n{text}");
        // The page number in the footer is the page's own.
        assert_eq!(text.lines().rfind(|l| !l.trim().is_empty()).map(str::trim), Some(page.to_string().as_str()));
        starts.push(page);
    }
    let mut distinct = starts.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), titles.len(), "each case starts on a page of its own: {starts:?}");
    // No page after the contents shows two cases' titles.
    for page in contents_page + 1..=pages {
        let text = squeeze(&page_text(&pdf, page));
        let shown = titles.iter().filter(|t| text.contains(&squeeze(t))).count();
        assert!(shown <= 1, "page {page} shows {shown} cases");
    }
}

#[test]
fn the_same_content_gives_the_same_pdf_bytes() {
    let (a, b) = (tempfile::tempdir().expect("temp"), tempfile::tempdir().expect("temp"));
    let (first, _) = make_book(a.path());
    let (second, _) = make_book(b.path());
    assert!(fs::read(first).expect("pdf") == fs::read(second).expect("pdf"), "two runs gave different bytes");
}

#[test]
fn without_the_panels_marks_there_is_no_book_and_the_command_says_why() {
    let dir = tempfile::tempdir().expect("temp");
    let content = dir.path().join("content");
    copy_dir(&workspace_root().join("content"), &content);
    fs::remove_dir_all(content.join("scores")).expect("rm scores");
    let out = generator(
        &["book", "--content", "content", "--theme", &workspace_root().join("themes/default").to_string_lossy()],
        dir.path(),
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "error: content has no final results yet: the collection holds the typical cases, known once votes/tally.json, \
         scores/media.yaml and scores/expert.yaml are committed\n"
    );
    assert!(!dir.path().join("collection.pdf").exists());
}
