//! PDF files read back with poppler's tools (pdfinfo, pdftotext, pdfimages); a missing tool fails with how to
//! install it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tool` run with `args` then `pdf` (and `-` for pdftotext's output), its stdout.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = Command::new(tool);
    command.args(args).arg(pdf);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command.output().unwrap_or_else(|e| {
        panic!("{tool} is needed to read PDF files: `apt-get install poppler-utils` (or run `bash tests/run.sh`): {e}")
    });
    assert!(out.status.success(), "{tool} {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The number of pages of `pdf`.
pub fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo's answer:\n{info}"))
}

/// The size of `pdf`'s first page in points, as pdfinfo says it: (width, height).
pub fn page_size(pdf: &Path) -> (f64, f64) {
    let info = poppler("pdfinfo", &[], pdf);
    let line = info.lines().find_map(|l| l.strip_prefix("Page size:")).unwrap_or_else(|| panic!("{info}"));
    let numbers: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    (numbers[0], numbers[1])
}

/// The text of page `page` (from 1), laid out as on the page.
pub fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    poppler("pdftotext", &["-layout", "-f", &n, "-l", &n], pdf)
}

/// The images of `pdf`, extracted as PNG files into `into`, in the order of the document.
pub fn images(pdf: &Path, into: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(into).expect("a folder for the images");
    let prefix = into.join("image");
    let out = Command::new("pdfimages")
        .arg("-png")
        .arg(pdf)
        .arg(&prefix)
        .output()
        .unwrap_or_else(|e| panic!("pdfimages is needed: `apt-get install poppler-utils`: {e}"));
    assert!(out.status.success(), "pdfimages: {}", String::from_utf8_lossy(&out.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(into)
        .expect("images")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files
}
