//! The real `vote-service` binary, started on a port the OS picks, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::binaries::binary;

/// A manifest for tests: an election of cases `a`, `b` (category `c1`) and `c` (category `c2`), of a hall published
/// at `https://hall.example.org/`.
pub fn manifest(dir: &Path, opens: &str, closes: &str, scope: &str) -> PathBuf {
    let path = dir.join("cases.json");
    let json = format!(
        r#"{{"format": 1, "base_url": "https://hall.example.org/",
  "election": {{"id": "test-2020", "title": "测试", "opens": "{opens}", "closes": "{closes}",
               "time_zone": "Asia/Shanghai", "scope": "{scope}", "tally_visibility": "after_close"}},
  "cases": [{{"id": "a", "title": "甲", "category": "c1", "domain": "d", "url": "/cases/a/"}},
            {{"id": "b", "title": "乙", "category": "c1", "domain": "d", "url": "/cases/b/"}},
            {{"id": "c", "title": "丙", "category": "c2", "domain": "d", "url": "/cases/c/"}}]}}"#
    );
    std::fs::write(&path, json).expect("write manifest");
    path
}

/// A running service.
pub struct VoteService {
    /// `127.0.0.1:<port>`
    pub address: String,
    child: Child,
    pub stderr: Option<std::process::ChildStderr>,
}

impl VoteService {
    /// Starts `vote-service serve --manifest M --db D --listen 127.0.0.1:0` with `extra` arguments.
    pub fn start(manifest: &Path, db: &Path, extra: &[&str]) -> VoteService {
        let mut child = Command::new(binary("vote-service"))
            .args(["serve", "--manifest"])
            .arg(manifest)
            .arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vote-service starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the listening line");
        let Some(address) = line.split("http://").nth(1).map(|a| a.trim().to_owned()) else {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                std::io::Read::read_to_string(&mut stderr, &mut err).ok();
            }
            panic!("vote-service did not start: {line}{err}");
        };
        let stderr = child.stderr.take();
        VoteService { address, child, stderr }
    }

    /// Stops with SIGTERM and waits; returns the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        wait(&mut self.child)
    }

    /// Kills with SIGKILL, as a crash would.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..400 {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait().expect("wait")
}

impl Drop for VoteService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `vote-service <args>` to completion: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(binary("vote-service")).args(args).output().expect("vote-service runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
