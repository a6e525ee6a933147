//! The real `generator serve`, on a port the OS picks, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::binaries::{binary, workspace_root};

pub struct Preview {
    /// `http://127.0.0.1:<port>/`
    pub url: String,
    child: Child,
    /// Every line the preview printed on stdout so far.
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Preview {
    /// Starts `generator serve --port 0` on `content`, writing into `work/output` with its cache in `work/cache`;
    /// what it prints on stderr goes to `work/serve.err`.
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
            .stderr(std::fs::File::create(work.join("serve.err")).map_or_else(|_| Stdio::null(), Stdio::from))
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
        let lines = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let shared = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                shared.0.lock().expect("lines").push(line);
                shared.1.notify_all();
            }
        });
        Preview { url: url.expect("generator serve printed its address"), child, lines }
    }

    /// How many lines the preview has printed (after its address), to wait for what comes next.
    pub fn printed(&self) -> usize {
        self.lines.0.lock().expect("lines").len()
    }

    /// Waits for a line starting with `prefix` among the lines printed after the first `after`, and returns it.
    pub fn wait_for_line(&self, prefix: &str, after: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = self.lines.0.lock().expect("lines");
        loop {
            if let Some(line) = lines.iter().skip(after).find(|l| l.starts_with(prefix)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "generator serve never printed '{prefix}...'; it printed {:?}", &lines[after..]);
            lines = self.lines.1.wait_timeout(lines, left).expect("lines").0;
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
