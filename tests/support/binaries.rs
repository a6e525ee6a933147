//! Finds the workspace's real binaries, building them first so that a test never runs a stale one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The path of binary `name` (`generator` or `vote-service`), built in the profile the tests were built in.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(build_all);
    let path = target_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} was not built; run `cargo build --workspace --bins`", path.display());
    path
}

/// `target/debug` (or `target/release`): the folder above the test executable's `deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    exe.parent().and_then(|deps| deps.parent()).expect("tests run from target/<profile>/deps").to_path_buf()
}

/// A folder for test files that outlive one test: `target/tmp/`.
pub fn scratch_dir() -> PathBuf {
    let dir = target_dir().parent().map_or_else(target_dir, Path::to_path_buf).join("tmp");
    std::fs::create_dir_all(&dir).expect("target/tmp");
    dir
}

/// `cargo build --bins` for the whole workspace, in this profile, once per test run.
fn build_all() {
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--quiet", "--workspace", "--bins"]);
    if target_dir().file_name().is_some_and(|p| p == "release") {
        cargo.arg("--release");
    }
    let status = cargo.current_dir(workspace_root()).status().expect("cargo runs");
    assert!(status.success(), "`cargo build --workspace --bins` failed; see its output above");
}

/// The workspace root: the parent of this crate's folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}
