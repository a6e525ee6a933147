//! The real `generator serve`, on a port the OS picks, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::binaries::{binary, workspace_root};

pub struct Preview {
    /// `http://127.0.0.1:<port>/`
    pub url: String,
    child: Child,
}

impl Preview {
    /// Starts `generator serve --port 0` on `content`, writing into `work/output` with its cache in `work/cache`.
    pub fn start(content: &Path, work: &Path) -> Preview {
        let mut child = Command::new(binary("generator"))
            .args(["serve", "--port", "0", "--content"])
            .arg(content)
            .arg("--theme")
            .arg(workspace_root().join("themes/default"))
            .arg("--output")
            .arg(work.join("output"))
            .arg("--cache")
            .arg(work.join("cache"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("generator serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut url = None;
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if let Some(rest) = line.strip_prefix("serving ") {
                url = rest.split_whitespace().next().map(str::to_owned);
                break;
            }
            line.clear();
        }
        // Keep reading stdout so that the preview never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        Preview { url: url.expect("generator serve printed its address"), child }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
