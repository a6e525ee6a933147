//! Runs a binary and captures what a user would see: the exit code, stdout and stderr.

use std::path::Path;
use std::process::Command;

use crate::binaries::binary;

/// What one run of a binary printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs binary `name` with `args` in folder `cwd` and waits for it.
pub fn run(name: &str, args: &[&str], cwd: &Path) -> Output {
    let out = Command::new(binary(name))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `generator` with `args` in `cwd`.
pub fn generator(args: &[&str], cwd: &Path) -> Output {
    run("generator", args, cwd)
}
