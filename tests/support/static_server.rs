//! A small static file server for tests: serves a built `output/` on 127.0.0.1 with a port the OS picks, as a web
//! server would (folders to their `index.html`, unknown paths to `404.html` with status 404; the paths and types of
//! the preview's own static files), and, like the
//! production reverse proxy, passes `/api/` to a vote service on the same origin. Stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use generator::preview::static_files::{content_type, resolve};

/// A running server; `url` is its base, e.g. `http://127.0.0.1:41234/`.
pub struct StaticServer {
    pub url: String,
    stop: Arc<AtomicBool>,
    port: u16,
    api: Arc<OnceLock<String>>,
}

impl StaticServer {
    pub fn start(root: &Path) -> Self {
        Self::start_with_api(root, None)
    }

    /// Like [`StaticServer::start`], passing `/api/...` requests to the vote service at `api` (`127.0.0.1:port`).
    pub fn start_with_api(root: &Path, api: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let api_cell = Arc::new(OnceLock::new());
        if let Some(api) = api {
            let _ = api_cell.set(api);
        }
        let (root, flag, api) = (root.to_path_buf(), Arc::clone(&stop), Arc::clone(&api_cell));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let (root, api) = (root.clone(), api.get().cloned());
                    thread::spawn(move || serve(stream, &root, api.as_deref()));
                }
            }
        });
        StaticServer { url: format!("http://127.0.0.1:{port}/"), stop, port, api: api_cell }
    }

    /// From now on passes `/api/...` requests to the vote service at `api`: for a service started after the site,
    /// because it must know the site's origin to accept its votes.
    pub fn pass_api_to(&self, api: &str) {
        let _ = self.api.set(api.to_owned());
    }

    /// `http://127.0.0.1:<port>`, what browsers send as `Origin` for its pages.
    pub fn origin(&self) -> String {
        self.url.trim_end_matches('/').to_owned()
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut stream: TcpStream, root: &Path, api: Option<&str>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        headers.push(line.trim_end().to_owned());
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    if let (Some(api), true) = (api, path.starts_with("/api/")) {
        let length = headers
            .iter()
            .find_map(|h| h.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("content-length")))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
            return;
        }
        proxy(&mut stream, api, &request_line, &headers, &body);
        return;
    }
    let (status, file) = match resolve(root, path.split(['?', '#']).next().unwrap_or("/")) {
        Some(file) => ("200 OK", file),
        None => ("404 Not Found", root.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        content_type(&file),
        body.len()
    );
    let _ = stream.write_all(header.as_bytes()).and_then(|()| stream.write_all(&body));
}

/// Forwards one request to the vote service as a reverse proxy does: the peer becomes `X-Forwarded-For`.
fn proxy(stream: &mut TcpStream, api: &str, request_line: &str, headers: &[String], body: &[u8]) {
    let Ok(mut upstream) = TcpStream::connect(api) else { return };
    let mut head = request_line.trim_end().to_owned() + "\r\n";
    for header in headers.iter().filter(|h| {
        let name = h.split(':').next().unwrap_or("").to_ascii_lowercase();
        !matches!(name.as_str(), "connection" | "x-forwarded-for" | "keep-alive")
    }) {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("X-Forwarded-For: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if upstream.write_all(head.as_bytes()).and_then(|()| upstream.write_all(body)).is_err() {
        return;
    }
    let mut reply = Vec::new();
    if std::io::Read::read_to_end(&mut upstream, &mut reply).is_ok() {
        let _ = stream.write_all(&reply);
    }
}
