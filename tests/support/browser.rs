//! A real headless Chromium driven through chromedriver (WebDriver), one fresh profile per browser.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`tests/run.sh` installs them); without them a test fails
//! saying how to install them, it is never skipped.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A browser session and the driver process behind it; both end when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium of `width` x `height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Browser {
        Self::start_with(width, height, true).await
    }

    /// Like [`Browser::start`], with JavaScript on or off.
    pub async fn start_with(width: u32, height: u32, javascript: bool) -> Browser {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: install it with `apt-get install -y chromium chromium-driver fonts-wqy-microhei` \
                 (bash tests/run.sh does) to run the browser tests ({package})"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not listen on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".to_owned());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), json!({ "binary": CHROMIUM, "args": args }));
        // chromedriver may accept connections a moment before it answers them, more so on a busy machine.
        let mut attempt = 0;
        let client = loop {
            let connected = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
            match connected {
                Ok(client) => break client,
                Err(e) if attempt < 10 => {
                    attempt += 1;
                    eprintln!("starting Chromium, attempt {attempt}: {e}");
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => panic!("a Chromium session starts: {e}"),
            }
        };
        let browser = Browser { client, driver, _profile: profile };
        browser.set_viewport(width, height).await;
        browser
    }

    /// Makes the page's viewport exactly `width` x `height` (the window's frame takes some of the window).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let inner: Vec<u32> = serde_json::from_value(
            self.client.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.expect("size"),
        )
        .expect("numbers");
        let (_, _, w, h) = self.client.get_window_rect().await.expect("window rect");
        let frame = (w as i64 - i64::from(inner[0]), h as i64 - i64::from(inner[1]));
        let (w, h) = (i64::from(width) + frame.0, i64::from(height) + frame.1);
        self.client.set_window_size(w as u32, h as u32).await.expect("resize");
    }

    /// Runs `script` (a function body that may `return`) and gives back its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until `script` returns a truthy value, polling; panics with `what` after `timeout`.
    pub async fn wait_for(&self, script: &str, what: &str, timeout: Duration) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let value = self.eval(script).await;
            if !(value.is_null() || value == json!(false) || value == json!("") || value == json!(0)) {
                return value;
            }
            assert!(started.elapsed() < timeout, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG screenshot of the viewport to `tests/artifacts/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = crate::binaries::workspace_root().join("tests/artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Ends the session cleanly; the driver is killed on drop either way.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}
